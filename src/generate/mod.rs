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
    let mut g = Gen::new(seed);
    match scale {
        Scale::Small | Scale::County => {
            let (name, prefix, area) = data::COUNTIES[0];
            let profile = if scale == Scale::Small {
                Profile::small()
            } else {
                Profile::county()
            };
            g.build_region(None, RegionKind::County, name, prefix, area, profile);
        }
        Scale::City => {
            let root = g.build_region(
                None,
                RegionKind::City,
                "示例市",
                "示",
                "990100",
                Profile::city(),
            );
            for (i, &(name, prefix, area)) in data::DISTRICTS.iter().enumerate() {
                let mut p = Profile::county();
                p.towns = 13 + i * 2;
                p.mult = 1.5;
                p.big = 1.6;
                g.build_region(Some(root), RegionKind::District, name, prefix, area, p);
            }
            for (i, &(name, prefix, area)) in data::COUNTIES.iter().enumerate() {
                let mut p = Profile::county();
                p.towns = 16 + (i * 5) % 6;
                let f = 0.9 + (i % 4) as f64 * 0.08;
                p.mult *= f;
                p.big *= f;
                p.town *= f;
                g.build_region(Some(root), RegionKind::County, name, prefix, area, p);
            }
        }
    }
    g.finish()
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
    pub persons: Vec<Person>,
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
            persons: Vec::new(),
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

    fn finish(mut self) -> Dataset {
        let mut events = Vec::with_capacity(self.org_events.len() + self.person_events.len());
        for (i, e) in self
            .org_events
            .drain(..)
            .chain(self.person_events.drain(..))
            .enumerate()
        {
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
        }
        for (i, a) in self.approvals.iter_mut().enumerate() {
            a.id = i as i64 + 1;
        }
        Dataset {
            orgs: self.orgs,
            ledger: self.ledger,
            posts: self.posts,
            persons: self.persons,
            events,
            approvals: self.approvals,
        }
    }
}
