//! Realistic generated data (示例市): a deterministic world of institutions, quota
//! ledgers, leadership posts, staff, histories and approval requests, generated relative
//! to a fixed day ([`AS_OF`]) so that the same scale and seed give the same bytes.
//!
//! The world holds on purpose every situation the product shows: units over quota, full
//! and with vacancies; leadership posts over the limit; staff near and past retirement
//! under each of the three statutory rules; one of each data-quality fault; history
//! events of every kind; and open approvals of every kind, some of which would overdraw.

mod data;
mod history;
mod people;
pub mod province;
mod quota;
mod random;
mod situations;
#[cfg(test)]
mod tests;
mod tree;

use crate::model::history::Detail;
use crate::model::idcard::make_credit_code;
use crate::model::*;
use chrono::{Datelike, NaiveDate};
use data::{Dept, Prof};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// How big a world to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// One small county-like region: ≈ 50 units, ≈ 800 persons (tests, fixtures).
    Small,
    /// One county with its townships: ≈ 500 units, ≈ 12,000 persons.
    County,
    /// The whole city 示例市 with its districts and counties: ≈ 7,000 units, ≈ 190,000 persons.
    City,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Small, Scale::County, Scale::City];
}

/// A scale name that is none of [`Scale::ALL`]; the command line words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownScale;

/// Parses `small`, `county` or `city` (any case): the command line's names.
impl std::str::FromStr for Scale {
    type Err = UnknownScale;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Scale::ALL
            .into_iter()
            .find(|scale| scale.to_string().eq_ignore_ascii_case(s))
            .ok_or(UnknownScale)
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scale::Small => "small",
            Scale::County => "county",
            Scale::City => "city",
        })
    }
}

/// The fixed "today" the world is generated relative to.
pub const AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Generates the world of a scale. Same scale and seed, same dataset.
pub fn generate(scale: Scale, seed: u64) -> Dataset {
    let mut world = Dataset::default();
    generate_into(scale, seed, |part| {
        let Dataset {
            orgs,
            ledger,
            posts,
            persons,
            events,
            approvals,
        } = part;
        world.orgs.extend(orgs);
        world.ledger.extend(ledger);
        world.posts.extend(posts);
        world.persons.extend(persons);
        world.events.extend(events);
        world.approvals.extend(approvals);
    });
    world
}

/// Generates the world of a scale and hands it to `part` in pieces as its rows become
/// final: each region's persons once the region is done, then the events a chunk at a
/// time, then the units, ledgers, posts and requests. Each table's rows, concatenated
/// over the parts in the order given, are the table of [`generate`]'s world; `bianzhi
/// gen` writes them into the snapshot's columns as they come, so that a city is never
/// whole in memory as rows.
pub fn generate_into(scale: Scale, seed: u64, mut part: impl FnMut(Dataset)) {
    let mut g = Gen::new(seed);
    let mut region = |g: &mut Gen,
                      parent: Option<OrgId>,
                      kind: RegionKind,
                      (name, prefix, area): (&str, &str, &str),
                      profile: Profile| {
        let org = g.build_region(parent, kind, name, prefix, area, profile);
        part(Dataset {
            persons: g.persons.hand_over(),
            ..Dataset::default()
        });
        org
    };
    match scale {
        Scale::Small | Scale::County => {
            let profile = if scale == Scale::Small {
                Profile::small()
            } else {
                Profile::county()
            };
            region(&mut g, None, RegionKind::County, data::COUNTIES[0], profile);
        }
        Scale::City => {
            let root = region(
                &mut g,
                None,
                RegionKind::City,
                ("示例市", "示", "990100"),
                Profile::city(),
            );
            for (i, &district) in data::DISTRICTS.iter().enumerate() {
                let mut p = Profile::county();
                p.towns = 13 + i * 2;
                p.mult = 1.5;
                p.big = 1.6;
                region(&mut g, Some(root), RegionKind::District, district, p);
            }
            for (i, &county) in data::COUNTIES.iter().enumerate() {
                let mut p = Profile::county();
                p.towns = 16 + (i * 5) % 6;
                let f = 0.9 + (i % 4) as f64 * 0.08;
                p.mult *= f;
                p.big *= f;
                p.town *= f;
                region(&mut g, Some(root), RegionKind::County, county, p);
            }
        }
    }
    g.finish(part);
}

/// The rows of a table being generated, counted from the world's first: those of the
/// regions done are handed over ([`Held::hand_over`]) and no longer held, and an index
/// is the row's place in the whole table. Nothing reaches back into a region done.
pub(crate) struct Held<T> {
    handed: usize,
    rows: Vec<T>,
}

impl<T> Held<T> {
    fn new() -> Self {
        Held {
            handed: 0,
            rows: Vec::new(),
        }
    }
    /// The rows so far, handed over or held.
    pub fn len(&self) -> usize {
        self.handed + self.rows.len()
    }
    pub fn push(&mut self, row: T) {
        self.rows.push(row);
    }
    /// The rows held, handed over: the next ones keep counting after them.
    fn hand_over(&mut self) -> Vec<T> {
        self.handed += self.rows.len();
        std::mem::take(&mut self.rows)
    }
}

impl<T> std::ops::Index<usize> for Held<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.rows[i - self.handed]
    }
}

impl<T> std::ops::IndexMut<usize> for Held<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.rows[i - self.handed]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegionKind {
    City,
    District,
    County,
}

/// How much of a region to build.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    small: bool,
    towns: usize,
    /// Multiplies the quotas of departments and their subordinate institutions.
    mult: f64,
    /// Multiplies the quotas of schools and hospitals.
    big: f64,
    /// Multiplies the quotas of township offices and township schools and clinics.
    town: f64,
    /// Per-kind counts of faults, forced retirement cases and approvals.
    cases: usize,
}

impl Profile {
    fn small() -> Self {
        Profile {
            small: true,
            towns: 2,
            mult: 0.48,
            big: 0.48,
            town: 0.48,
            cases: 2,
        }
    }
    fn county() -> Self {
        Profile {
            small: false,
            towns: 14,
            mult: 1.6,
            big: 1.8,
            town: 1.6,
            cases: 3,
        }
    }
    fn city() -> Self {
        Profile {
            small: false,
            towns: 0,
            mult: 3.5,
            big: 3.9,
            town: 1.0,
            cases: 2,
        }
    }
}

/// A county-level (or the city) region being generated.
pub(crate) struct Region {
    pub name: String,
    /// 市 / 县 / 区
    pub lvl: &'static str,
    /// Document prefix: 示编〔2021〕12号, 青编〔2019〕7号.
    pub prefix: String,
    /// Area code of ID numbers and credit codes (always starting 99).
    pub area: String,
    pub org: OrgId,
    pub profile: Profile,
    /// Department template → org id, to find them again for histories.
    pub depts: Vec<(&'static str, OrgId)>,
    /// Range of this region's units in `Gen::units`.
    pub units: std::ops::Range<usize>,
}

impl Region {
    fn dept(&self, tpl: &str) -> Option<OrgId> {
        self.depts
            .iter()
            .find(|(t, _)| *t == tpl)
            .map(|(_, id)| *id)
    }
}

/// A unit that holds quota and staff.
pub(crate) struct Unit {
    pub org: OrgId,
    pub region: usize,
    pub prof: Prof,
    /// (type, funding, approved)
    pub quotas: Vec<(StaffingType, FundingType, i32)>,
    pub chief: &'static str,
    pub deputy: &'static str,
    /// 正科级 posts for internal departments' heads (city departments).
    pub internal_leaders: i32,
    pub short: String,
    /// Range of this unit's persons in `Gen::persons`.
    pub persons: std::ops::Range<usize>,
    /// Leadership posts approved: (slot, approved).
    pub slots: Vec<(PostSlot, i32)>,
}

/// A history event waiting for its id.
pub(crate) struct Ev {
    subject: Subject,
    kind: EventKind,
    date: NaiveDate,
    doc_no: Option<String>,
    detail: Detail,
    from_org: Option<OrgId>,
    to_org: Option<OrgId>,
}

pub(crate) struct Gen {
    pub rng: ChaCha8Rng,
    pub orgs: Vec<Org>,
    pub ledger: Vec<LedgerEntry>,
    pub posts: Vec<PostEntry>,
    /// The persons of the region being generated (those before it handed over).
    pub persons: Held<Person>,
    pub org_events: Vec<Ev>,
    pub person_events: Vec<Ev>,
    pub approvals: Vec<Approval>,
    pub regions: Vec<Region>,
    pub units: Vec<Unit>,
    used_ids: HashSet<String>,
    used_codes: HashSet<String>,
    /// Persons that carry a deliberate situation: faults must not touch them.
    pub marked: HashSet<usize>,
    /// Children counted per org, for the display order.
    children: Vec<i32>,
}

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
            orgs: Vec::new(),
            ledger: Vec::new(),
            posts: Vec::new(),
            persons: Held::new(),
            org_events: Vec::new(),
            person_events: Vec::new(),
            approvals: Vec::new(),
            regions: Vec::new(),
            units: Vec::new(),
            used_ids: HashSet::new(),
            used_codes: HashSet::new(),
            marked: HashSet::new(),
            children: Vec::new(),
        }
    }

    /// Hands over the events (ids and operators given in their final order, a chunk at
    /// a time, dropped as they go), then the units, ledgers, posts and requests.
    fn finish(self, mut part: impl FnMut(Dataset)) {
        const CHUNK: usize = 4096;
        let Gen {
            orgs,
            ledger,
            posts,
            persons,
            org_events,
            person_events,
            mut approvals,
            regions,
            units,
            used_ids,
            used_codes,
            marked,
            ..
        } = self;
        // What only the generating needed (the ID numbers used, above all) is freed
        // before the events are made.
        drop((persons, regions, units, used_ids, used_codes, marked));
        let mut events = Vec::with_capacity(CHUNK);
        for (i, e) in org_events.into_iter().chain(person_events).enumerate() {
            let operator = {
                let k = (i * 7 + e.date.ordinal() as usize) % data::OPERATORS.len();
                data::OPERATORS[k].to_string()
            };
            events.push(Event {
                id: i as i64 + 1,
                subject: e.subject,
                kind: e.kind,
                date: e.date,
                doc_no: e.doc_no,
                summary: String::new(),
                detail: Some(e.detail),
                operator,
                from_org: e.from_org,
                to_org: e.to_org,
            });
            if events.len() == CHUNK {
                part(Dataset {
                    events: std::mem::replace(&mut events, Vec::with_capacity(CHUNK)),
                    ..Dataset::default()
                });
            }
        }
        for (i, a) in approvals.iter_mut().enumerate() {
            a.id = i as i64 + 1;
        }
        part(Dataset {
            orgs,
            ledger,
            posts,
            persons: Vec::new(),
            events,
            approvals,
        });
    }
}
