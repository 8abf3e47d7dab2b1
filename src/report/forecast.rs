//! The five-year forecast (推演) of a subtree: for the current year and the ones after
//! it, who reaches the statutory retirement age, the places that opens by staffing
//! type, 空编 and 超编 at each year's end if no one is hired, when an over-quota unit is
//! back within its quota, how many a full unit may hire one-for-one (出一进一), and the
//! same with the requests waiting for a decision and the places approved plans hold
//! back taken as approved and used.
//!
//! The rows come from `store::books` (the reports' reads); every figure goes through the
//! model: today's 核定/实有 through `model::quota::UnitTally`, retirement years through
//! `model::forecast::retiring_year` (the 2024 rule of `model::retirement`), the years'
//! figures through `model::forecast::project`. Subtree figures are field-wise sums of
//! unit figures, as `model::quota` adds them, so 空编 and 超编 show side by side.

use crate::model::forecast::{
    YearEnd, back_within, overdue, project, retiring_year, with_requests,
};
use crate::model::quota::UnitTally;
use crate::model::*;
use crate::store::Result;
use crate::store::books::{person_names, subtree_requests, subtree_rows};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The most years a forecast looks ahead.
pub const MAX_YEARS: usize = 5;

/// What a forecast is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The subtree forecast.
    pub root: OrgId,
    /// The day the forecast starts from (today): figures as they stand at its end.
    pub today: NaiveDate,
    /// Years ahead, the current one included (1..=[`MAX_YEARS`]).
    pub years: usize,
}

/// One year's figures of one staffing type (or of all, in a total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Figure {
    /// 核定 (as it stands today; the forecast assumes no ledger change).
    pub approved: i64,
    #[serde(flatten)]
    pub end: YearEnd,
}

impl Figure {
    fn add(&mut self, approved: i64, y: &YearEnd) {
        self.approved += approved;
        self.end.retiring += y.retiring;
        self.end.actual += y.actual;
        self.end.vacant += y.vacant;
        self.end.over += y.over;
        self.end.one_for_one += y.one_for_one;
    }
}

/// One staffing type in one year: as the books stand, and with the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TypeYear {
    pub staffing_type: StaffingType,
    #[serde(flatten)]
    pub figure: Figure,
    pub with_requests: Figure,
}

/// One year of the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Year {
    pub year: i32,
    /// Per staffing type, in the vocabulary's order; only types the subtree has.
    pub types: Vec<TypeYear>,
    pub total: Figure,
    pub total_with_requests: Figure,
}

/// A unit over its quota of a staffing type today, and the year it is back within.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackWithin {
    pub org_id: OrgId,
    pub unit: String,
    pub staffing_type: StaffingType,
    pub approved: i64,
    pub actual: i64,
    pub over: i64,
    /// The year it is back within its quota if no one is hired; `null` when not
    /// within the forecast's years.
    pub year: Option<i32>,
    /// The same with the requests taken as approved.
    pub year_with_requests: Option<i32>,
}

/// A person who reaches the statutory retirement age within the forecast. The birth
/// date is masked (`1966-**-**`); the ID number is not carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retiring {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub unit: String,
    pub staffing_type: StaffingType,
    pub year: i32,
    pub birth: String,
}

/// A forecast: what `bianzhi forecast --json` prints and the 推演 screen draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub jurisdiction: String,
    pub org_id: OrgId,
    pub as_of: NaiveDate,
    pub years: Vec<Year>,
    pub back_within: Vec<BackWithin>,
    /// Persons counted in 实有 who had reached the age by this month and are still on
    /// the books (已到龄未退): in no year's figures.
    pub overdue: i64,
    /// Requests taken as approved in the `with_requests` figures: 待审批 entries,
    /// exits and staffing plans, and approved plans still holding places back.
    pub requests: usize,
    pub retiring: Vec<Retiring>,
}

/// One unit's figures of one staffing type and what the requests do to them.
#[derive(Debug, Clone, Default)]
struct Acc {
    approved: i64,
    actual: i64,
    retiring: Vec<i64>,
    entries: i64,
    exits: i64,
    held_back: i64,
    /// Retirements with the requests: entered persons added, exiting ones removed.
    retiring_with: Vec<i64>,
}

/// One year's sums: per staffing type and in all, as the books stand and with the
/// requests.
type YearSums = (BTreeMap<StaffingType, (Figure, Figure)>, Figure, Figure);

/// Builds the forecast of a subtree.
pub fn build(conn: &Connection, p: &Params) -> Result<Forecast> {
    let years = p.years.clamp(1, MAX_YEARS);
    let now = YearMonth::of(p.today);
    let rows = subtree_rows(conn, p.root)?;
    let requests = subtree_requests(conn, p.root)?;
    let orgs: HashMap<OrgId, &Org> = rows.orgs.iter().map(|o| (o.id, o)).collect();
    let unit_name = |id: OrgId| {
        orgs.get(&id)
            .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
            .unwrap_or_default()
    };
    let blank = || Acc {
        retiring: vec![0; years],
        retiring_with: vec![0; years],
        ..Acc::default()
    };

    // Today's 核定 and 实有 per unit, by the same tally as every figure.
    let mut tallies: BTreeMap<OrgId, UnitTally> = BTreeMap::new();
    for e in rows.ledger.iter().filter(|e| e.date <= p.today) {
        tallies
            .entry(e.org_id)
            .or_default()
            .ledger(e.staffing_type, e.delta.into());
    }
    let on_books: Vec<Person> = rows
        .persons
        .iter()
        .filter_map(|x| x.as_on(p.today))
        .filter(Person::occupies_quota)
        .collect();
    for x in &on_books {
        tallies.entry(x.org_id).or_default().person(x);
    }
    let mut acc: BTreeMap<(OrgId, StaffingType), Acc> = BTreeMap::new();
    for (&org, tally) in &tallies {
        for (t, f) in tally.quota() {
            let a = acc.entry((org, t)).or_insert_with(blank);
            a.approved = f.approved;
            a.actual = f.actual;
        }
    }

    // Who reaches the age, and when.
    let mut retiring_ids: Vec<(PersonId, OrgId, StaffingType, usize, Option<NaiveDate>)> =
        Vec::new();
    let mut overdue_count = 0;
    for x in &on_books {
        let Some(t) = x.staffing_type else { continue };
        if let Some(y) = retiring_year(x, now, years) {
            let a = acc.entry((x.org_id, t)).or_insert_with(blank);
            a.retiring[y] += 1;
            a.retiring_with[y] += 1;
            retiring_ids.push((x.id, x.org_id, t, y, x.birth_date));
        } else if overdue(x, now) {
            overdue_count += 1;
        }
    }

    // The requests, taken as approved.
    let persons: HashMap<PersonId, &Person> = rows.persons.iter().map(|x| (x.id, x)).collect();
    for r in &requests {
        let person = r.person_id.and_then(|id| persons.get(&id).copied());
        match (r.kind, r.status) {
            (ApprovalKind::StaffingPlan, _) => {
                let Some(t) = r.staffing_type else { continue };
                let held = if r.status == ApprovalStatus::Approved {
                    r.reserved()
                } else {
                    r.amount.max(0).into()
                };
                acc.entry((r.org_id, t)).or_insert_with(blank).held_back += held;
            }
            (ApprovalKind::Entry, ApprovalStatus::Pending) => {
                let Some(t) = r.staffing_type else { continue };
                let a = acc.entry((r.org_id, t)).or_insert_with(blank);
                a.entries += 1;
                if let Some(y) = person.and_then(|x| retiring_year(x, now, years)) {
                    a.retiring_with[y] += 1;
                }
            }
            (ApprovalKind::Exit, ApprovalStatus::Pending) => {
                let Some(x) = person.and_then(|x| x.as_on(p.today)) else {
                    continue;
                };
                let Some(t) = x.staffing_type.filter(|_| x.occupies_quota()) else {
                    continue;
                };
                let a = acc.entry((x.org_id, t)).or_insert_with(blank);
                a.exits += 1;
                if let Some(y) = retiring_year(&x, now, years) {
                    a.retiring_with[y] -= 1;
                }
            }
            _ => {}
        }
    }

    let first = now.year;
    let mut out: Vec<YearSums> = vec![Default::default(); years];
    let mut back = Vec::new();
    for (&(org, t), a) in &acc {
        let base = project(a.approved, a.actual, &a.retiring);
        let actual_with = with_requests(a.actual, a.entries, a.exits, a.held_back);
        let with = project(a.approved, actual_with, &a.retiring_with);
        for (y, slot) in out.iter_mut().enumerate() {
            let e = slot.0.entry(t).or_default();
            e.0.add(a.approved, &base[y]);
            e.1.add(a.approved, &with[y]);
            slot.1.add(a.approved, &base[y]);
            slot.2.add(a.approved, &with[y]);
        }
        if a.actual > a.approved {
            let year = |i: Option<usize>| i.map(|i| first + i as i32);
            back.push(BackWithin {
                org_id: org,
                unit: unit_name(org),
                staffing_type: t,
                approved: a.approved,
                actual: a.actual,
                over: a.actual - a.approved,
                year: year(back_within(a.approved, a.actual, &a.retiring)),
                year_with_requests: year(back_within(a.approved, actual_with, &a.retiring_with)),
            });
        }
    }
    let years_out = out
        .into_iter()
        .enumerate()
        .map(|(i, (types, total, total_with))| Year {
            year: first + i as i32,
            types: types
                .into_iter()
                .map(|(t, (figure, with_requests))| TypeYear {
                    staffing_type: t,
                    figure,
                    with_requests,
                })
                .collect(),
            total,
            total_with_requests: total_with,
        })
        .collect();

    retiring_ids.sort_by_key(|r| (r.3, r.1, r.0));
    let ids: Vec<PersonId> = retiring_ids.iter().map(|r| r.0).collect();
    let names = person_names(conn, &ids)?;
    let retiring = retiring_ids
        .into_iter()
        .map(|(id, org, t, y, birth)| Retiring {
            person_id: id,
            name: names.get(&id).cloned().unwrap_or_default(),
            org_id: org,
            unit: unit_name(org),
            staffing_type: t,
            year: first + y as i32,
            birth: mask_birth(birth),
        })
        .collect();
    Ok(Forecast {
        jurisdiction: orgs
            .get(&p.root)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        org_id: p.root,
        as_of: p.today,
        years: years_out,
        back_within: back,
        overdue: overdue_count,
        requests: requests.len(),
        retiring,
    })
}
