//! 编制: per staffing type 核定 / 实有 / 已批未用 / 空编 / 超编 / 可使用 with funding
//! types, then leadership posts by level and 正/副 — the unit's own figures and, for a
//! unit with subunits, summed over its subtree. Every row carries its three-colour
//! mark as text. Enter drills down: a subtree's figure opens the units behind it
//! (worst first), the unit's own figure the persons occupying it.

use super::Panel;
use crate::model::Lang;
use crate::model::quota::{Figures, Traffic};
use crate::report::{self, Table};
use crate::store::stats::PersonFilter;
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::screens::{ScreenRequest, grid};
use crate::tui::theme::Theme;
use crate::tui::widgets::Cursor;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::sync::Arc;

/// One table of the panel: its rows' marks and where Enter on each leads.
pub struct Section {
    pub label: M,
    pub table: Table,
    marks: Vec<Traffic>,
    targets: Vec<ScreenRequest>,
    status_col: usize,
    drop: &'static [usize],
}

pub struct Quota {
    /// The interface's language, for the tables' words and the lists Enter opens.
    lang: Lang,
    pub sections: Vec<Section>,
    /// Over all rows of all sections, in order.
    pub cursor: Cursor,
}

/// Narrow screens lose 经费形式, 已批未用, then 空编 and 超编 (the status says which).
const QUOTA_DROP: &[usize] = &[1, 4, 5, 6];
const POST_DROP: &[usize] = &[3];

fn quota_section(
    label: M,
    title: String,
    figs: &Figures,
    funding: &[(crate::model::StaffingType, Vec<crate::model::FundingType>)],
    target: impl Fn(Option<crate::model::StaffingType>) -> ScreenRequest,
    lang: Lang,
) -> Section {
    let table = report::figures_table(&title, figs, funding, lang);
    let mut marks: Vec<Traffic> = figs.quota.iter().map(|(_, q)| q.traffic()).collect();
    let mut targets: Vec<ScreenRequest> =
        figs.quota.iter().map(|(t, _)| target(Some(*t))).collect();
    if figs.quota.len() > 1 {
        marks.push(figs.total().traffic());
        targets.push(target(None));
    }
    Section {
        label,
        table,
        marks,
        targets,
        status_col: 8,
        drop: QUOTA_DROP,
    }
}

impl Quota {
    pub fn new(data: Arc<UnitData>, lang: Lang) -> Self {
        let org = data.org.id;
        let name = data.org.short_name.as_deref().unwrap_or(&data.org.name);
        let title = |m: M| crate::tui::i18n::titled(lang, name, m);
        let mut sections = vec![quota_section(
            M::OwnFigures,
            title(M::OwnQuotaTitle),
            &data.own,
            &data.funding,
            |staffing| ScreenRequest::Persons {
                filter: PersonFilter::Occupying { org, staffing },
                lang,
            },
            lang,
        )];
        if data.children > 0 {
            sections.push(quota_section(
                M::SubtreeFigures,
                title(M::SubtreeQuotaTitle),
                &data.subtree,
                &data.subtree_funding,
                |staffing| ScreenRequest::Units {
                    root: org,
                    staffing,
                    lang,
                },
                lang,
            ));
        }
        let posts = |label: M, title: String, figs: &Figures, own: bool| Section {
            label,
            table: report::posts_table(&title, figs, lang),
            marks: figs.posts.iter().map(|(_, p)| p.traffic()).collect(),
            targets: figs
                .posts
                .iter()
                .map(|&(slot, _)| {
                    if own {
                        ScreenRequest::Persons {
                            filter: PersonFilter::Holding { org, slot },
                            lang,
                        }
                    } else {
                        ScreenRequest::PostUnits {
                            root: org,
                            slot,
                            lang,
                        }
                    }
                })
                .collect(),
            status_col: 5,
            drop: POST_DROP,
        };
        if !data.own.posts.is_empty() {
            sections.push(posts(M::OwnPosts, title(M::OwnPostsTitle), &data.own, true));
        }
        if data.children > 0 && data.subtree.posts != data.own.posts {
            sections.push(posts(
                M::SubtreePosts,
                title(M::SubtreePostsTitle),
                &data.subtree,
                false,
            ));
        }
        Quota {
            sections,
            cursor: Cursor::default(),
            lang,
        }
    }

    fn len(&self) -> usize {
        self.sections.iter().map(|s| s.table.rows.len()).sum()
    }

    /// The section and row the cursor is on.
    pub fn at(&self) -> Option<(usize, usize)> {
        let mut pos = self.cursor.pos;
        for (i, s) in self.sections.iter().enumerate() {
            if pos < s.table.rows.len() {
                return Some((i, pos));
            }
            pos -= s.table.rows.len();
        }
        None
    }

    /// The row under the cursor by its section and first cell, to find it again.
    fn selected_key(&self) -> Option<(M, String)> {
        let (s, r) = self.at()?;
        let s = &self.sections[s];
        Some((
            s.label,
            s.table.rows[r].first().cloned().unwrap_or_default(),
        ))
    }

    fn keys(&self) -> impl Iterator<Item = (M, String)> + '_ {
        self.sections.iter().flat_map(|s| {
            s.table
                .rows
                .iter()
                .map(|r| (s.label, r.first().cloned().unwrap_or_default()))
        })
    }

    /// Where Enter on the row under the cursor leads.
    pub fn target(&self) -> Option<ScreenRequest> {
        let (s, r) = self.at()?;
        Some(self.sections[s].targets[r].clone())
    }
}

impl Component for Quota {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::Open => self.target().map(|r| Action::Effect(Effect::Open(r))),
            other => {
                self.cursor.apply(other, self.len(), height);
                None
            }
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let w = area.width as usize;
        let mut lines = Vec::new();
        let mut selected_line = 0;
        let mut row_no = 0;
        if self.sections[0].table.rows.is_empty() {
            lines.push(Line::styled(M::NoQuota.get(lang), theme.dim()));
        }
        for s in &self.sections {
            if s.table.rows.is_empty() {
                continue;
            }
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            let l = grid::layout(&s.table, w, s.drop, Some(s.status_col));
            lines.push(Line::styled(s.label.get(lang).to_string(), theme.title()));
            lines.push(grid::header(theme, &s.table, &l));
            for i in 0..s.table.rows.len() {
                let selected = row_no == self.cursor.pos;
                if selected {
                    selected_line = lines.len();
                }
                lines.push(grid::row(
                    theme,
                    &s.table,
                    &l,
                    i,
                    Some(s.marks[i]),
                    Some(s.status_col),
                    selected,
                ));
                row_no += 1;
            }
        }
        if !lines.is_empty() {
            lines.push(Line::styled(M::DrillHint.get(lang), theme.dim()));
        }
        let h = area.height as usize;
        let first = (selected_line + 2).saturating_sub(h);
        f.render_widget(Paragraph::new(lines).scroll((first as u16, 0)), area);
    }
    fn commands(&self) -> Vec<Cmd> {
        [&[Cmd::Open], LIST_MOVES].concat()
    }
}

impl Panel for Quota {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelQuota.get(lang)
    }
    fn reload(&mut self, data: Arc<UnitData>) {
        let was = self.selected_key();
        let mut fresh = Quota::new(data, self.lang);
        let keys: Vec<_> = fresh.keys().collect();
        fresh.cursor = self.cursor;
        fresh.cursor.keep(was, keys);
        *self = fresh;
    }
    fn table(&self) -> Option<Table> {
        let (s, _) = self.at()?;
        Some(self.sections[s].table.clone())
    }
}
