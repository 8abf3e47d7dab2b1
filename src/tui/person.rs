//! A person: every field, the ID number and birth date masked until the operator asks
//! (each reveal goes into the local audit log), and the career timeline.

use super::action::{Action, Effect};
use super::data::PersonData;
use super::i18n::M;
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{Cursor, field, fields, or_dash, text_or_dash};
use crate::model::{Lang, mask_birth, mask_id};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct PersonView {
    pub data: PersonData,
    pub tab: usize,
    pub revealed: bool,
    pub scroll: Cursor,
    /// The 履历 tab: filterable, each entry's detail opens with Enter.
    pub career: super::timeline::Timeline,
}

impl PersonView {
    pub fn new(data: PersonData) -> PersonView {
        PersonView {
            career: super::timeline::Timeline::new(data.timeline.clone()),
            data,
            tab: 0,
            revealed: false,
            scroll: Cursor::default(),
        }
    }

    /// The person read again (after a sync); the tab, the reveal and the place stay.
    pub fn reload(&mut self, data: PersonData) {
        self.career.set_items(data.timeline.clone());
        self.data = data;
    }

    pub fn titles(&self, lang: Lang) -> Vec<&'static str> {
        vec![M::PanelInfo.get(lang), M::PanelCareer.get(lang)]
    }

    pub fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        if self.tab == 1 && !matches!(cmd, Cmd::NextPanel | Cmd::PrevPanel | Cmd::Reveal) {
            return self.career.handle(cmd, height.saturating_sub(1));
        }
        match cmd {
            Cmd::NextPanel | Cmd::PrevPanel if self.career.typing() => None,
            Cmd::NextPanel | Cmd::PrevPanel => {
                self.tab = 1 - self.tab;
                self.scroll = Cursor::default();
                None
            }
            Cmd::Reveal => {
                if self.revealed {
                    return None;
                }
                self.revealed = true;
                // The audit line names the record, never the number itself.
                Some(Action::Effect(Effect::Audit {
                    action: "reveal",
                    detail: format!("person:{}", self.data.person.id),
                    rows: None,
                }))
            }
            Cmd::Open => Some(Action::Effect(Effect::Goto {
                id: self.data.person.org_id,
                open: true,
            })),
            other => {
                let n = if self.tab == 0 {
                    30
                } else {
                    self.data.history.len() + 1
                };
                self.scroll
                    .apply(other, n.saturating_sub(height.min(n)) + 1, 1);
                None
            }
        }
    }

    pub fn info_lines(&self, theme: &Theme, reveal_key: &str) -> Vec<Line<'static>> {
        let lang = theme.lang;
        let p = &self.data.person;
        let w = 14;
        let unit = self
            .data
            .unit_path
            .iter()
            .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
            .collect::<Vec<_>>()
            .join(theme.sep());
        let (id, birth) = if self.revealed {
            (p.id_number.clone(), or_dash(p.birth_date))
        } else {
            (mask_id(&p.id_number), mask_birth(p.birth_date))
        };
        let mut lines = fields(
            theme,
            lang,
            w,
            vec![
                (M::PName, p.name.clone()),
                (M::PUnit, unit),
                (M::PIdNumber, id),
                (M::PSex, p.sex.label(lang).to_string()),
                (M::PBirth, birth),
                (M::PEthnicity, p.ethnicity.clone()),
                (
                    M::PPolitical,
                    or_dash(p.political_status.map(|v| v.label(lang))),
                ),
                (
                    M::PStaffing,
                    p.staffing_type
                        .map_or(M::OutOfQuota.get(lang), |t| t.label(lang))
                        .to_string(),
                ),
                (M::PFunding, or_dash(p.funding_type.map(|v| v.label(lang)))),
                (M::PPost, text_or_dash(&p.post)),
                (M::PRank, text_or_dash(&p.rank)),
                (M::PPostType, p.post_type.label(lang).to_string()),
                (
                    M::PLeaderPost,
                    or_dash(p.leader_post.map(|s| super::i18n::slot(s, lang))),
                ),
                (M::PWorkStart, or_dash(p.work_start)),
                (M::PEntryForm, or_dash(p.entry_form.map(|v| v.label(lang)))),
                (M::PEntryDoc, text_or_dash(&p.entry_doc)),
                (M::PEntryDate, or_dash(p.entry_date)),
                (M::PEducation, or_dash(p.education.map(|v| v.label(lang)))),
                (M::PDegree, or_dash(p.degree.map(|v| v.label(lang)))),
                (M::PSchool, text_or_dash(&p.school)),
                (M::PMajor, text_or_dash(&p.major)),
                (M::PStatus, p.status.label(lang).to_string()),
            ],
        );
        // A field whose shown value waits to be sent says so (待上传).
        const KEYS: [&str; 22] = [
            "name",
            "org",
            "id_number",
            "sex",
            "birth_date",
            "ethnicity",
            "political_status",
            "staffing_type",
            "funding_type",
            "post",
            "rank",
            "post_type",
            "leader_post",
            "work_start",
            "entry_form",
            "entry_doc",
            "entry_date",
            "education",
            "degree",
            "school",
            "major",
            "status",
        ];
        for (line, key) in lines.iter_mut().zip(KEYS) {
            if self.data.pending.iter().any(|k| k == key) {
                line.spans.push(Span::styled(
                    format!(" {}", M::PendingMark.get(lang)),
                    theme.warn(),
                ));
            }
        }
        // The reveal hint follows the masked ID number.
        if !self.revealed && !reveal_key.is_empty() {
            lines[2].spans.push(Span::styled(
                format!("   {}", M::RevealHint.get(lang).replace("{}", reveal_key)),
                theme.dim(),
            ));
        }
        if let Some(k) = p.exit_kind {
            lines.push(field(
                theme,
                M::PExit.get(lang),
                w,
                format!("{} {}", k.label(lang), or_dash(p.exit_date)),
            ));
        }
        lines
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, reveal_key: &str) {
        let lines = if self.tab == 0 {
            let lines = self.info_lines(theme, reveal_key);
            // Two columns when one does not fit the height and two fit the width (the
            // reveal hint then lives in the hint line only).
            if area.width >= 76 && lines.len() > area.height as usize {
                let lines = self.info_lines(theme, "");
                let half = lines.len().div_ceil(2);
                let (l, r) = lines.split_at(half);
                let cols = ratatui::layout::Layout::horizontal([
                    ratatui::layout::Constraint::Fill(1),
                    ratatui::layout::Constraint::Length(2),
                    ratatui::layout::Constraint::Fill(1),
                ])
                .split(area);
                f.render_widget(Paragraph::new(l.to_vec()), cols[0]);
                f.render_widget(Paragraph::new(r.to_vec()), cols[2]);
                return;
            }
            lines
        } else {
            self.career.render(f, area, theme);
            return;
        };
        f.render_widget(
            Paragraph::new(lines).scroll((self.scroll.pos as u16, 0)),
            area,
        );
    }
}
