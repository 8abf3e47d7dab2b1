//! The drill-down behind a figure: from a subtree's figure to its units (worst first),
//! from a unit's figure to the persons behind it. Enter goes one level further: a unit
//! row opens the persons occupying that staffing type, a person row the person.

use super::grid;
use super::{Screen, ScreenRequest};
use crate::model::quota::{PostFigure, QuotaFigure, Traffic};
use crate::model::{Lang, OrgId, Person, PersonId, PostSlot, StaffingType};
use crate::report::Table;
use crate::store::stats::PersonFilter;
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, LIST_MOVES};
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
    Unit {
        org: OrgId,
        staffing: StaffingType,
    },
    /// A unit's holders of a leadership post (from the units behind a post figure).
    Holders {
        org: OrgId,
        slot: PostSlot,
    },
    Person(PersonId),
}

pub struct Drill {
    req: ScreenRequest,
    pub table: Table,
    marks: Vec<Option<Traffic>>,
    pub targets: Vec<Target>,
    pub cursor: Cursor,
    /// Columns that give way on a narrow screen, first to last.
    drop: &'static [usize],
    /// The column led by the three-colour mark (unit lists).
    status: Option<usize>,
}

/// Unit lists lose the id first (quota lists then 已批未用 and the staffing type, post
/// lists 空缺); person lists the id, birth date, sex, education and post type.
const UNIT_DROP: &[usize] = &[0, 5, 2];
const UNIT_STATUS: usize = 9;
const POST_UNIT_DROP: &[usize] = &[0, 4];
const POST_UNIT_STATUS: usize = 7;
const PERSON_DROP: &[usize] = &[0, 5, 4, 9, 7, 3];

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
            drop: UNIT_DROP,
            status: Some(UNIT_STATUS),
        }
    }

    pub fn post_units(
        req: ScreenRequest,
        table: Table,
        slot: PostSlot,
        units: &[(OrgId, PostFigure)],
    ) -> Drill {
        Drill {
            req,
            table,
            marks: units.iter().map(|u| Some(u.1.traffic())).collect(),
            targets: units
                .iter()
                .map(|&(org, _)| Target::Holders { org, slot })
                .collect(),
            cursor: Cursor::default(),
            drop: POST_UNIT_DROP,
            status: Some(POST_UNIT_STATUS),
        }
    }

    pub fn persons(req: ScreenRequest, table: Table, persons: &[Person]) -> Drill {
        Drill {
            req,
            table,
            marks: vec![None; persons.len()],
            targets: persons.iter().map(|p| Target::Person(p.id)).collect(),
            cursor: Cursor::default(),
            drop: PERSON_DROP,
            status: None,
        }
    }

    fn is_units(&self) -> bool {
        self.status.is_some()
    }

    /// What Enter on a row opens.
    pub fn open(&self, i: usize) -> Option<Action> {
        let lang = self.lang();
        Some(Action::Effect(match *self.targets.get(i)? {
            Target::Person(id) => Effect::LoadPerson(id),
            Target::Unit { org, staffing } => Effect::Open(ScreenRequest::Persons {
                filter: PersonFilter::Occupying {
                    org,
                    staffing: Some(staffing),
                },
                lang,
            }),
            Target::Holders { org, slot } => Effect::Open(ScreenRequest::Persons {
                filter: PersonFilter::Holding { org, slot },
                lang,
            }),
        }))
    }

    /// The language the list was opened in (the lists it opens are worded alike).
    fn lang(&self) -> Lang {
        match self.req {
            ScreenRequest::Units { lang, .. }
            | ScreenRequest::PostUnits { lang, .. }
            | ScreenRequest::Persons { lang, .. } => lang,
            _ => Lang::Zh,
        }
    }
}

impl Component for Drill {
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
        let l = grid::layout(&self.table, inner.width as usize, self.drop, self.status);
        let lines = grid::list(
            theme,
            &self.table,
            &l,
            &self.cursor,
            inner.height as usize,
            self.status,
            |i| self.marks[i],
            M::NothingBehind.get(lang),
        );
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        [&[Cmd::Open, Cmd::Export], LIST_MOVES].concat()
    }
}

impl Screen for Drill {
    fn title(&self, _lang: Lang) -> String {
        self.table.title.clone()
    }
    fn request(&self) -> ScreenRequest {
        self.req.clone()
    }
    fn table(&self) -> Table {
        self.table.clone()
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = self.targets.iter().map(|t| format!("{t:?}")).collect();
        (self.cursor, keys)
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
