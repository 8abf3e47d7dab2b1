//! A person: every field, the ID number and birth date masked until the operator asks
//! (each reveal goes into the local audit log), and the career timeline.

use super::action::{Action, Effect};
use super::component::{Component, LIST_MOVES};
use super::data::PersonData;
use super::i18n::M;
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{Cursor, field, fields, or_dash, text_or_dash};
use crate::model::retirement::{Rule, retirement_age_months, retirement_month};
use crate::model::{Lang, YearMonth, mask_birth, mask_id};
use chrono::Datelike;
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
    /// The keys its text names: reveal (r), open the other record (c); set from the
    /// keymap in force when the view lands.
    pub keys: (String, String),
}

impl PersonView {
    pub fn new(data: PersonData) -> PersonView {
        PersonView {
            career: super::timeline::Timeline::new(data.timeline.clone()),
            data,
            tab: 0,
            revealed: false,
            scroll: Cursor::default(),
            keys: (":".into(), String::new()),
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

    /// Completed years on the data's day; `None` without a birth date.
    pub fn age(&self) -> Option<i32> {
        let b = self.data.person.birth_date?;
        let today = self.data.today;
        let before_birthday = (today.month(), today.day()) < (b.month(), b.day());
        Some(today.year() - b.year() - i32::from(before_birthday))
    }

    /// The month the statutory age is reached under the 2024 law, and that age in months.
    pub fn retirement(&self) -> Option<(YearMonth, i64)> {
        let p = &self.data.person;
        let birth = YearMonth::of(p.birth_date?);
        let rule = Rule::for_person(p.sex, p.post_type);
        Some((
            retirement_month(rule, birth),
            retirement_age_months(rule, birth),
        ))
    }

    /// The data checks' problems on this record, the other record named and the key
    /// that opens it.
    fn check_lines(&self, theme: &Theme, w: usize, other_key: &str) -> Vec<Line<'static>> {
        let lang = theme.lang;
        let problems = &self.data.problems;
        if problems.is_empty() {
            return vec![field(
                theme,
                M::PChecks.get(lang),
                w,
                M::PChecksNone.get(lang).to_string(),
            )];
        }
        let mut out = vec![Line::styled(
            format!(
                "{}{}",
                M::PChecks.get(lang),
                super::i18n::paren(lang, problems.len())
            ),
            theme.warn(),
        )];
        for p in problems {
            let text = match &p.other {
                Some(o) => M::PCountedTwiceWith
                    .get(lang)
                    .replacen("{}", &o.org_name, 1)
                    .replacen("{}", &o.name, 1),
                None => super::i18n::problem_text(&p.code, &p.message, lang),
            };
            let mut spans = vec![Span::styled(format!("  ! {text}"), theme.warn())];
            if p.other.is_some() && !other_key.is_empty() {
                spans.push(Span::styled(
                    format!("   {}", M::POpenOther.get(lang).replace("{}", other_key)),
                    theme.dim(),
                ));
            }
            out.push(Line::from(spans));
        }
        out
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
        // Each row with the key of the field it shows, so a pending one says so (待上传).
        let rows: Vec<(&str, M, String)> = vec![
            ("name", M::PName, p.name.clone()),
            ("org", M::PUnit, unit),
            ("id_number", M::PIdNumber, id),
            ("sex", M::PSex, p.sex.label(lang).to_string()),
            ("birth_date", M::PBirth, birth),
            (
                "age",
                M::PAge,
                self.age().map_or_else(
                    || "—".to_string(),
                    |a| M::PAgeYears.get(lang).replace("{}", &a.to_string()),
                ),
            ),
            (
                "ethnicity",
                M::PEthnicity,
                crate::model::edit::term_word(&p.ethnicity, lang),
            ),
            (
                "political_status",
                M::PPolitical,
                or_dash(p.political_status.map(|v| v.label(lang))),
            ),
            (
                "staffing_type",
                M::PStaffing,
                p.staffing_type
                    .map_or(M::OutOfQuota.get(lang), |t| t.label(lang))
                    .to_string(),
            ),
            (
                "funding_type",
                M::PFunding,
                or_dash(p.funding_type.map(|v| v.label(lang))),
            ),
            ("post", M::PPost, text_or_dash(&p.post)),
            ("rank", M::PRank, text_or_dash(&p.rank)),
            (
                "post_type",
                M::PPostType,
                p.post_type.label(lang).to_string(),
            ),
            (
                "leader_post",
                M::PLeaderPost,
                or_dash(p.leader_post.map(|s| super::i18n::slot(s, lang))),
            ),
            ("work_start", M::PWorkStart, or_dash(p.work_start)),
            (
                "entry_form",
                M::PEntryForm,
                or_dash(p.entry_form.map(|v| v.label(lang))),
            ),
            ("entry_doc", M::PEntryDoc, text_or_dash(&p.entry_doc)),
            ("entry_date", M::PEntryDate, or_dash(p.entry_date)),
            (
                "education",
                M::PEducation,
                or_dash(p.education.map(|v| v.label(lang))),
            ),
            (
                "degree",
                M::PDegree,
                or_dash(p.degree.map(|v| v.label(lang))),
            ),
            ("school", M::PSchool, text_or_dash(&p.school)),
            ("major", M::PMajor, text_or_dash(&p.major)),
            ("status", M::PStatus, p.status.label(lang).to_string()),
            (
                "retire_month",
                M::PRetireMonth,
                self.retirement().map_or_else(
                    || "—".to_string(),
                    |(m, age)| {
                        M::PRetireDetail
                            .get(lang)
                            .replacen("{}", &m.to_string(), 1)
                            .replacen("{}", &age_text(age, lang), 1)
                    },
                ),
            ),
        ];
        let keys: Vec<&str> = rows.iter().map(|(k, _, _)| *k).collect();
        let mut lines = fields(
            theme,
            lang,
            w,
            rows.into_iter().map(|(_, m, v)| (m, v)).collect(),
        );
        for (line, key) in lines.iter_mut().zip(keys) {
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

    /// The fields, then the data checks' problems.
    fn all_lines(&self, theme: &Theme, reveal_key: &str, other_key: &str) -> Vec<Line<'static>> {
        let mut lines = self.info_lines(theme, reveal_key);
        lines.extend(self.check_lines(theme, 14, other_key));
        lines
    }

    /// Draws the tab in front; the keys named in its text are the keymap's.
    fn render_tab(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let (reveal_key, other_key) = (self.keys.0.as_str(), self.keys.1.as_str());
        if self.tab == 1 {
            self.career.render(f, area, theme);
            return;
        }
        let lines = self.all_lines(theme, reveal_key, other_key);
        // Two columns of fields when one does not fit the height and two fit the width
        // (the reveal hint then lives in the hint line only); the data checks below them
        // across the whole width, wrapped, so that the other record's name is never cut.
        if area.width >= 76 && lines.len() > area.height as usize {
            use ratatui::layout::{Constraint, Layout};
            let fields = self.info_lines(theme, "");
            let checks = self.check_lines(theme, 14, other_key);
            let half = fields.len().div_ceil(2);
            let [top, bottom] =
                Layout::vertical([Constraint::Length(half as u16), Constraint::Min(0)]).areas(area);
            let (l, r) = fields.split_at(half);
            let cols = Layout::horizontal([
                Constraint::Fill(1),
                Constraint::Length(2),
                Constraint::Fill(1),
            ])
            .split(top);
            f.render_widget(Paragraph::new(l.to_vec()), cols[0]);
            f.render_widget(Paragraph::new(r.to_vec()), cols[2]);
            f.render_widget(
                Paragraph::new(checks).wrap(ratatui::widgets::Wrap { trim: false }),
                bottom,
            );
            return;
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .scroll((self.scroll.pos as u16, 0)),
            area,
        );
    }
}

/// An age in months as the decision's tables say it: `63岁`, `60岁3个月`.
fn age_text(months: i64, lang: Lang) -> String {
    let (y, m) = (months / 12, months % 12);
    match (lang, m) {
        (Lang::Zh, 0) => format!("{y}岁"),
        (Lang::Zh, m) => format!("{y}岁{m}个月"),
        (Lang::En, 0) => format!("{y}"),
        (Lang::En, m) => format!("{y}y {m}m"),
    }
}

/// The person screen: 基本信息 and 履历.
impl Component for PersonView {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
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
                    action: crate::store::timeline::AuditAction::Reveal,
                    detail: crate::store::audit::AuditDetail::Revealed {
                        person: self.data.person.id,
                    },
                    rows: None,
                }))
            }
            Cmd::Open => Some(Action::Effect(Effect::Goto {
                id: self.data.person.org_id,
                open: true,
            })),
            // 一人多编: the other person on the books under the same ID number.
            Cmd::OpenOther => self
                .data
                .problems
                .iter()
                .find_map(|p| p.other.as_ref())
                .map(|o| Action::Effect(Effect::LoadPerson(o.person_id))),
            other => {
                let n = if self.tab == 0 {
                    30 + self.data.problems.len()
                } else {
                    self.data.history.len() + 1
                };
                self.scroll
                    .apply(other, n.saturating_sub(height.min(n)) + 1, 1);
                None
            }
        }
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        self.render_tab(f, area, theme);
    }

    fn commands(&self) -> Vec<Cmd> {
        if self.tab == 1 && self.career.typing() {
            return self.career.commands();
        }
        let mut cmds = vec![Cmd::Reveal, Cmd::NextPanel, Cmd::PrevPanel, Cmd::Open];
        if self.data.problems.iter().any(|p| p.other.is_some()) {
            cmds.push(Cmd::OpenOther);
        }
        cmds.extend([
            Cmd::EditPerson,
            Cmd::ExitPerson,
            Cmd::TransferPerson,
            Cmd::RestorePerson,
            Cmd::Tab(1),
            Cmd::Tab(2),
        ]);
        if self.tab == 1 {
            cmds.extend(
                self.career
                    .commands()
                    .into_iter()
                    .filter(|c| *c != Cmd::Open),
            );
        } else {
            cmds.extend_from_slice(LIST_MOVES);
        }
        cmds
    }
}
