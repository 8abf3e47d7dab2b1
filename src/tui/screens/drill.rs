//! The drill-down behind a figure: from a subtree's figure to its units (worst first),
//! from a unit's figure to the persons behind it. Enter goes one level further: a unit
//! row opens the persons occupying that staffing type, a person row the person.

use super::grid;
use super::{Screen, ScreenRequest};
use crate::model::quota::{QuotaFigure, Traffic};
use crate::model::{Lang, OrgId, Person, PersonId, StaffingType};
use crate::report::Table;
use crate::store::stats::PersonFilter;
use crate::tui::action::{Action, Effect};
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, block, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Unit { org: OrgId, staffing: StaffingType },
    Person(PersonId),
}

pub struct Drill {
    req: ScreenRequest,
    pub table: Table,
    marks: Vec<Option<Traffic>>,
    pub targets: Vec<Target>,
    pub cursor: Cursor,
}

/// Columns that give way on a narrow screen: unit lists lose the id first, person
/// lists the id, birth date, sex, education and post type.
const UNIT_DROP: &[usize] = &[0, 5, 2];
const PERSON_DROP: &[usize] = &[0, 5, 4, 9, 7, 3];
const UNIT_STATUS: usize = 9;

impl Drill {
    pub fn units(
        req: ScreenRequest,
        table: Table,
        units: &[(OrgId, StaffingType, QuotaFigure)],
    ) -> Drill {
        Drill {
            req,
            table,
            marks: units.iter().map(|u| Some(u.2.traffic())).collect(),
            targets: units
                .iter()
                .map(|&(org, staffing, _)| Target::Unit { org, staffing })
                .collect(),
            cursor: Cursor::default(),
        }
    }

    pub fn persons(req: ScreenRequest, table: Table, persons: &[Person]) -> Drill {
        Drill {
            req,
            table,
            marks: vec![None; persons.len()],
            targets: persons.iter().map(|p| Target::Person(p.id)).collect(),
            cursor: Cursor::default(),
        }
    }

    fn is_units(&self) -> bool {
        matches!(self.req, ScreenRequest::Units { .. })
    }

    /// What Enter on a row opens.
    pub fn open(&self, i: usize) -> Option<Action> {
        Some(Action::Effect(match *self.targets.get(i)? {
            Target::Person(id) => Effect::LoadPerson(id),
            Target::Unit { org, staffing } => {
                let unit = self.table.rows[i].get(1).cloned().unwrap_or_default();
                let unit = unit.rsplit(" › ").next().unwrap_or(&unit).to_string();
                Effect::Open(ScreenRequest::Persons {
                    filter: PersonFilter::Occupying {
                        org,
                        staffing: Some(staffing),
                    },
                    title: format!("{unit} {} 实有人员", staffing.zh()),
                })
            }
        }))
    }
}

impl Screen for Drill {
    fn title(&self, _lang: Lang) -> String {
        self.table.title.clone()
    }
    fn request(&self) -> ScreenRequest {
        self.req.clone()
    }
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::Open => self.open(self.cursor.pos),
            other => {
                self.cursor.apply(other, self.table.rows.len(), height);
                None
            }
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let count = format!(
            " {} {} ",
            self.table.rows.len(),
            if self.is_units() {
                M::Rows.get(lang)
            } else {
                M::PersonsCount.get(lang)
            }
        );
        let title = fit(
            &format!(" {} ", self.table.title),
            (area.width as usize).saturating_sub(count.len() + 4),
            theme.ellipsis(),
        );
        let b = block(theme, title, true).title_bottom(Line::raw(count).right_aligned());
        let inner = b.inner(area);
        f.render_widget(b, area);
        if inner.height < 2 {
            return;
        }
        let (drop, status) = if self.is_units() {
            (UNIT_DROP, Some(UNIT_STATUS))
        } else {
            (PERSON_DROP, None)
        };
        let l = grid::layout(&self.table, inner.width as usize, drop, status);
        let mut lines = vec![grid::header(theme, &self.table, &l)];
        if self.table.rows.is_empty() {
            lines.push(Line::styled(M::NothingBehind.get(lang), theme.dim()));
        }
        let rows = inner.height as usize - 1;
        let first = grid::offset(self.cursor.pos, self.cursor.offset, rows);
        for i in first..(first + rows).min(self.table.rows.len()) {
            lines.push(grid::row(
                theme,
                &self.table,
                &l,
                i,
                self.marks[i],
                status,
                i == self.cursor.pos,
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn table(&self) -> Table {
        self.table.clone()
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
