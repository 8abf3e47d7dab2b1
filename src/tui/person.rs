//! A person: every field, the ID number and birth date masked until the operator asks
//! (each reveal goes into the local audit log), and the career timeline.

use super::action::{Action, Effect};
use super::data::PersonData;
use super::i18n::M;
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{Cursor, field};
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
        let opt = |v: &Option<String>| {
            v.clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "—".into())
        };
        let lab = |v: Option<&'static str>| v.unwrap_or("—").to_string();
        let date = |d: Option<chrono::NaiveDate>| d.map_or("—".into(), |d| d.to_string());
        let unit = self
            .data
            .unit_path
            .iter()
            .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
            .collect::<Vec<_>>()
            .join(theme.sep());
        let (id, birth) = if self.revealed {
            (p.id_number.clone(), date(p.birth_date))
        } else {
            (mask_id(&p.id_number), mask_birth(p.birth_date))
        };
        let mut id_line = field(theme, M::PIdNumber.get(lang), w, id);
        if !self.revealed && !reveal_key.is_empty() {
            id_line.spans.push(Span::styled(
                format!("   {}", M::RevealHint.get(lang).replace("{}", reveal_key)),
                theme.dim(),
            ));
        }
        let mut lines = vec![
            field(theme, M::PName.get(lang), w, p.name.clone()),
            field(theme, M::PUnit.get(lang), w, unit),
            id_line,
            field(theme, M::PSex.get(lang), w, p.sex.label(lang).to_string()),
            field(theme, M::PBirth.get(lang), w, birth),
            field(theme, M::PEthnicity.get(lang), w, p.ethnicity.clone()),
            field(
                theme,
                M::PPolitical.get(lang),
                w,
                lab(p.political_status.map(|v| v.label(lang))),
            ),
            field(
                theme,
                M::PStaffing.get(lang),
                w,
                p.staffing_type
                    .map_or(M::OutOfQuota.get(lang), |t| t.label(lang))
                    .to_string(),
            ),
            field(
                theme,
                M::PFunding.get(lang),
                w,
                lab(p.funding_type.map(|v| v.label(lang))),
            ),
            field(theme, M::PPost.get(lang), w, opt(&p.post)),
            field(theme, M::PRank.get(lang), w, opt(&p.rank)),
            field(
                theme,
                M::PPostType.get(lang),
                w,
                p.post_type.label(lang).to_string(),
            ),
            field(
                theme,
                M::PLeaderPost.get(lang),
                w,
                p.leader_post.map_or("—".into(), |s| match lang {
                    Lang::Zh => s.to_string(),
                    Lang::En => format!("{} {}", s.level.en(), s.rank.en()),
                }),
            ),
            field(theme, M::PWorkStart.get(lang), w, date(p.work_start)),
            field(
                theme,
                M::PEntryForm.get(lang),
                w,
                lab(p.entry_form.map(|v| v.label(lang))),
            ),
            field(theme, M::PEntryDoc.get(lang), w, opt(&p.entry_doc)),
            field(theme, M::PEntryDate.get(lang), w, date(p.entry_date)),
            field(
                theme,
                M::PEducation.get(lang),
                w,
                lab(p.education.map(|v| v.label(lang))),
            ),
            field(
                theme,
                M::PDegree.get(lang),
                w,
                lab(p.degree.map(|v| v.label(lang))),
            ),
            field(theme, M::PSchool.get(lang), w, opt(&p.school)),
            field(theme, M::PMajor.get(lang), w, opt(&p.major)),
            field(
                theme,
                M::PStatus.get(lang),
                w,
                p.status.label(lang).to_string(),
            ),
        ];
        if let Some(k) = p.exit_kind {
            lines.push(field(
                theme,
                M::PExit.get(lang),
                w,
                format!("{} {}", k.label(lang), date(p.exit_date)),
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
