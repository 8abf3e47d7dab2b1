//! Whole-body screens opened over the tree: the overview of the jurisdiction, the
//! warnings list and the drill-down lists behind a figure. Each is a module with its
//! own state, `handle` and `render`, and answers with actions. Their data is read by
//! [`load`] off the interface's task (a request goes out as `Effect::Open`, the built
//! screen comes back as `Action::Screen`), so a county's figures never hold up a key.

pub mod drill;
pub mod grid;
pub mod jurisdiction;
pub mod warnings;

use super::component::Component;
use super::widgets::Cursor;
use crate::model::{Lang, OrgId, PostSlot, StaffingType};
use crate::report::Table;
use crate::store::stats::PersonFilter;
use crate::store::warnings::WarningKind;
use crate::store::{self, Store};
use chrono::NaiveDate;

/// What a screen shows; also how it is re-read after a sync brings new data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreenRequest {
    /// 全局: the jurisdiction at a glance (the lists it opens worded in `lang`).
    Overview { lang: Lang },
    /// 预警, opened on one kind or on all.
    Warnings {
        kind: Option<WarningKind>,
        lang: Lang,
    },
    /// The units behind a subtree's figure of one staffing type (or of all).
    Units {
        root: OrgId,
        staffing: Option<StaffingType>,
        lang: Lang,
    },
    /// The units behind a subtree's leadership-post figure (领导职数 of one slot).
    PostUnits {
        root: OrgId,
        slot: PostSlot,
        lang: Lang,
    },
    /// The persons behind a figure (the filter says which, the title is worded from it).
    Persons { filter: PersonFilter, lang: Lang },
    /// 报表: the standard reports, to pick one, of a unit's subtree (None: the whole
    /// jurisdiction).
    Reports { lang: Lang, root: Option<OrgId> },
    /// One standard report of a subtree, in the interface's language, as of a day
    /// (None: the report's own default); 人员变动表 over the period `from` ..= `as_of`
    /// (None: from 1 January of the as-of day's year).
    Report {
        kind: crate::report::standard::Kind,
        lang: Lang,
        root: Option<OrgId>,
        as_of: Option<chrono::NaiveDate>,
        from: Option<chrono::NaiveDate>,
    },
    /// 推演: the five-year forecast of a unit's subtree (None: the whole jurisdiction).
    Forecast { root: Option<OrgId> },
    /// 名单比对: a roster file against a unit's subtree (None: every unit).
    Compare {
        path: std::path::PathBuf,
        lang: Lang,
        root: Option<OrgId>,
    },
}

/// A whole-body screen: a component that says what it shows and exports its table.
pub trait Screen: Component + Send {
    /// The title line's breadcrumbs and the frame's title.
    fn title(&self, lang: Lang) -> String;
    fn request(&self) -> ScreenRequest;
    /// The table on screen, as an export writes it (the screen's own rows).
    fn table(&self) -> Table;
    /// The cursor and what each row it moves over is (to find a row again after the
    /// screen is read again).
    fn rows(&self) -> (Cursor, Vec<String>);
    fn cursor_mut(&mut self) -> &mut Cursor;
    /// Whether the screen has a line open for typing (keys go to it as text).
    fn typing(&self) -> bool {
        false
    }
    /// Text typed or pasted into that line.
    fn type_text(&mut self, _text: &str) {}
    /// A standard report on screen: exported as offices print it.
    fn report(&self) -> Option<&crate::report::standard::Report> {
        None
    }
    /// Esc inside the screen: a list opened within it closes (true), else the screen
    /// goes.
    fn back(&mut self) -> bool {
        false
    }
    /// Several tables exported as one workbook (a sheet each) instead of [`table`].
    ///
    /// [`table`]: Screen::table
    fn book(&self) -> Option<Vec<Table>> {
        None
    }
    /// A list opened within the screen (which, and its cursor), kept when the screen
    /// is read again.
    fn inner(&self) -> Option<(usize, Cursor)> {
        None
    }
    fn set_inner(&mut self, _inner: (usize, Cursor)) {}
    /// Lets tests look at the concrete screen.
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any;
}

/// The same screen read again takes over the old one's place: the same row where it is
/// still there, else the same position.
pub fn carry(old: &dyn Screen, new: &mut dyn Screen) {
    let (cursor, keys) = old.rows();
    let was = keys.get(cursor.pos).cloned();
    let (_, now) = new.rows();
    let c = new.cursor_mut();
    *c = cursor;
    c.keep(was, now);
    if let Some(inner) = old.inner() {
        new.set_inner(inner);
    }
}

/// Reads what a screen shows. Runs on a worker with its own connection.
pub fn load(
    store: &Store,
    req: &ScreenRequest,
    today: NaiveDate,
) -> store::Result<Box<dyn Screen>> {
    let conn = store.conn();
    Ok(match req {
        ScreenRequest::Overview { lang } => Box::new(jurisdiction::JurisdictionScreen::new(
            store::stats::jurisdiction(conn, today)?,
            *lang,
        )),
        ScreenRequest::Warnings { kind, lang } => {
            let list = store::warnings::warnings(
                conn,
                store::warnings::Filter {
                    kind: None,
                    within: store::stats::FORECAST_MONTHS,
                    today: crate::model::YearMonth::of(today),
                    scope: None,
                },
            )?;
            Box::new(warnings::WarningsScreen::new(list, *kind, *lang))
        }
        ScreenRequest::Units {
            root,
            staffing,
            lang,
        } => {
            let (table, units) = crate::report::units_table(conn, *root, *staffing, *lang)?;
            Box::new(drill::Drill::units(req.clone(), table, &units))
        }
        ScreenRequest::PostUnits { root, slot, lang } => {
            let (table, units) = crate::report::post_units_table(conn, *root, *slot, *lang)?;
            Box::new(drill::Drill::post_units(req.clone(), table, *slot, &units))
        }
        ScreenRequest::Persons { filter, lang } => {
            let persons = store::stats::persons_where(conn, *filter, today)?;
            let unit = match filter {
                PersonFilter::Occupying { org, .. } | PersonFilter::Holding { org, .. } => {
                    store::queries::org(conn, *org)?
                        .map(|o| o.short_name.unwrap_or(o.name))
                        .unwrap_or_default()
                }
                _ => String::new(),
            };
            let title = super::i18n::persons_title(*filter, &unit, *lang);
            let table = crate::report::person_list_table(conn, &title, &persons, false, *lang)?;
            Box::new(drill::Drill::persons(req.clone(), table, &persons))
        }
        ScreenRequest::Reports { lang, root } => {
            Box::new(super::report::ReportsScreen::new(*lang, *root))
        }
        ScreenRequest::Report {
            kind,
            lang,
            root,
            as_of,
            from,
        } => super::report::load(store, *kind, *lang, today, *root, (*from, *as_of))?,
        ScreenRequest::Forecast { root } => super::forecast::load(store, today, *root)?,
        ScreenRequest::Compare { path, lang, root } => {
            Box::new(super::compare::load(store, *lang, path, *root)?)
        }
    })
}
