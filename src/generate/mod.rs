//! Realistic generated data (示例市): a deterministic world of institutions, quota
//! ledgers, leadership posts, staff, histories and approval requests, generated relative
//! to a fixed day ([`AS_OF`]) so that the same scale and seed give the same bytes.
//!
//! The world holds on purpose every situation the product shows: units over quota, full
//! and with vacancies; leadership posts over the limit; staff near and past retirement
//! under each of the three statutory rules; one of each data-quality fault; history
//! events of every kind; and open approvals of every kind, some of which would overdraw.

mod data;
mod people;
mod situations;
#[cfg(test)]
mod tests;

use crate::model::idcard::make_credit_code;
use crate::model::*;
use chrono::{Datelike, NaiveDate};
use data::{Dept, Prof};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// How big a world to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Scale {
    /// One small county-like region: ≈ 50 units, ≈ 800 persons (tests, fixtures).
    Small,
    /// One county with its townships: ≈ 500 units, ≈ 12,000 persons.
    County,
    /// The whole city 示例市 with its districts and counties: ≈ 7,000 units, ≈ 190,000 persons.
    City,
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Scale::Small),
            "county" => Ok(Scale::County),
            "city" => Ok(Scale::City),
            other => Err(format!("unknown scale `{other}` (small, county or city)")),
        }
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
        Scale::Small => {
            let (name, prefix, area) = data::COUNTIES[0];
            g.build_region(
                None,
                RegionKind::County,
                name,
                prefix,
                area,
                Profile::small(),
            );
        }
        Scale::County => {
            let (name, prefix, area) = data::COUNTIES[0];
            g.build_region(
                None,
                RegionKind::County,
                name,
                prefix,
                area,
                Profile::county(),
            );
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
    summary: String,
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

    // ----- small random helpers -------------------------------------------------------

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    pub fn range(&mut self, lo: i64, hi_inclusive: i64) -> i64 {
        if hi_inclusive <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi_inclusive)
        }
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.random_range(0..xs.len())]
    }
    pub fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.rng.random_range(0..total);
        for &(v, w) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
    pub fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        if to <= from {
            return from;
        }
        let days = (to - from).num_days();
        from + chrono::Duration::days(self.range(0, days))
    }
    pub fn doc(&mut self, prefix: &str, kind: &str, year: i32) -> String {
        let n = self.range(1, 68);
        format!("{prefix}{kind}〔{year}〕{n}号")
    }
    pub fn operator(&mut self) -> String {
        self.pick(data::OPERATORS).to_string()
    }

    /// A fresh, unused, valid ID number for a region.
    pub fn new_id(&mut self, area: &str, birth: NaiveDate, sex: Sex) -> String {
        loop {
            let mut seq = self.range(0, 999) as u32;
            let odd = sex == Sex::Male;
            if (seq % 2 == 1) != odd {
                seq = if seq == 999 { 998 } else { seq + 1 };
                if (seq % 2 == 1) != odd {
                    seq -= 1;
                }
            }
            let id = idcard::make_id(area, birth, seq);
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn credit_code(&mut self, area: &str, organ: bool) -> String {
        loop {
            let body = if organ {
                format!("11{area}00{:07}", self.range(0, 9_999_999))
            } else {
                let head = self.pick(&['4', 'M', 'E', 'G']);
                format!("12{area}{head}{:08}", self.range(0, 99_999_999))
            };
            let code = make_credit_code(&body);
            if self.used_codes.insert(code.clone()) {
                return code;
            }
        }
    }

    // ----- the tree -----------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn add_org(
        &mut self,
        parent: Option<OrgId>,
        kind: OrgKind,
        name: String,
        short: Option<String>,
        category: Option<Category>,
        level: Option<Level>,
        nature: Option<Nature>,
        area: &str,
        founded: NaiveDate,
        founding_doc: Option<String>,
    ) -> OrgId {
        let id = self.orgs.len() as OrgId + 1;
        self.children.push(0);
        let sort = match parent {
            Some(p) => {
                self.children[p as usize - 1] += 1;
                self.children[p as usize - 1]
            }
            None => 1,
        };
        let coded = matches!(kind, OrgKind::Institution | OrgKind::PublicInstitution);
        let organ = nature == Some(Nature::Administrative);
        let credit_code = coded.then(|| self.credit_code(area, organ));
        let domain_name = coded.then(|| format!("{name}.{}", if organ { "政务" } else { "公益" }));
        self.orgs.push(Org {
            id,
            parent_id: parent,
            kind,
            name,
            short_name: short,
            category,
            level,
            nature,
            credit_code,
            domain_name,
            founding_doc,
            founding_date: Some(founded),
            sort,
            abolished: false,
        });
        id
    }

    fn founding(&mut self, prefix: &str, year: i32) -> (NaiveDate, String) {
        let date = self.date_between(ymd(year, 1, 5), ymd(year, 12, 20));
        let kind = if year >= 2019 && self.chance(0.5) {
            "发"
        } else {
            "编"
        };
        (date, self.doc(prefix, kind, year))
    }

    /// Builds a county-level region (or the city's own level) and everything under it.
    pub(crate) fn build_region(
        &mut self,
        parent: Option<OrgId>,
        kind: RegionKind,
        name: &str,
        prefix: &str,
        area: &str,
        profile: Profile,
    ) -> OrgId {
        let city = kind == RegionKind::City;
        let lvl = match kind {
            RegionKind::City => "市",
            RegionKind::District => "区",
            RegionKind::County => "县",
        };
        let (fd, fdoc) = self.founding(prefix, 1949);
        let region_level = if city {
            Level::BureauFull
        } else {
            Level::DivisionFull
        };
        let org = self.add_org(
            parent,
            OrgKind::Region,
            name.to_string(),
            Some(name.to_string()),
            None,
            Some(region_level),
            None,
            area,
            fd,
            Some(fdoc),
        );
        let ri = self.regions.len();
        let first_unit = self.units.len();
        self.regions.push(Region {
            name: name.to_string(),
            lvl,
            prefix: prefix.to_string(),
            area: area.to_string(),
            org,
            profile: profile.clone(),
            depts: Vec::new(),
            units: 0..0,
        });
        let fill = |t: &str| t.replace("{R}", name).replace("{L}", lvl);
        let dept_level = if city {
            Level::DivisionFull
        } else {
            Level::SectionFull
        };
        let internal_level = if city {
            Level::SectionFull
        } else {
            Level::Unit
        };
        let internal_name = |s: &str| -> String {
            if city {
                s.replace("大队", "支队")
            } else if let Some(stem) = s.strip_suffix('科') {
                format!("{stem}股")
            } else {
                s.to_string()
            }
        };

        // Departments, in their conventional order.
        let mut depts: Vec<&'static Dept> = data::DEPTS
            .iter()
            .filter(|d| !profile.small || d.small)
            .collect();
        if profile.small {
            depts.truncate(17);
        }
        let mut edu = None;
        let mut health = None;
        for (di, d) in depts.iter().enumerate() {
            let full = fill(d.name);
            let year = if d.founded < 1990 {
                d.founded + self.range(0, 6) as i32
            } else {
                d.founded
            };
            let (fd, fdoc) = self.founding(prefix, year);
            let id = self.add_org(
                Some(org),
                OrgKind::Institution,
                full.clone(),
                Some(fill(d.short)),
                Some(d.cat),
                Some(dept_level),
                Some(d.nature),
                area,
                fd,
                Some(fdoc),
            );
            self.regions[ri].depts.push((d.name, id));
            if d.name == "{R}教育局" {
                edu = Some(id);
            }
            if d.name == "{R}卫生健康委员会" {
                health = Some(id);
            }
            // Internal departments: every unit has its 办公室 and 人事 office plus its own.
            let mut internal: Vec<String> = Vec::new();
            if profile.small {
                if di % 2 == 0 {
                    internal.push(internal_name(d.internal[0]));
                }
            } else {
                if city {
                    internal.push("办公室".into());
                    internal.push("组织人事科".into());
                    internal.push("政策法规科".into());
                } else {
                    internal.push("办公室".into());
                }
                let n = if city {
                    d.internal.len()
                } else {
                    d.internal.len().min(3 + self.range(0, 1) as usize)
                };
                for s in &d.internal[..n] {
                    let s = internal_name(s);
                    if !internal.contains(&s) {
                        internal.push(s);
                    }
                }
            }
            for s in &internal {
                self.add_org(
                    Some(id),
                    OrgKind::InternalDept,
                    format!("{full}{s}"),
                    Some(s.clone()),
                    Some(d.cat),
                    Some(internal_level),
                    None,
                    area,
                    fd,
                    None,
                );
            }
            let size = (d.size as f64 * profile.mult * (0.8 + self.rng.random::<f64>() * 0.45))
                .round()
                .max(3.0) as i32;
            self.add_unit(
                id,
                ri,
                d.prof,
                dept_level,
                d.nature,
                size,
                FundingType::Full,
                d.chief,
                d.deputy,
                if city { internal.len() as i32 } else { 0 },
                fill(d.short),
            );

            // Subordinate public institutions.
            let subs: Vec<&data::Sub> = if profile.small {
                d.subs
                    .iter()
                    .take(1)
                    .filter(|_| {
                        matches!(
                            d.name,
                            "{R}自然资源和规划局" | "{R}人力资源和社会保障局" | "{R}卫生健康委员会"
                        )
                    })
                    .collect()
            } else {
                d.subs.iter().collect()
            };
            for s in subs {
                let sub_level = if city {
                    Level::SectionFull
                } else if s.size >= 40 {
                    Level::SectionDeputy
                } else {
                    Level::Unit
                };
                let sub_year = self.range(1956, 2015) as i32;
                let sub_year = sub_year.max(year);
                self.add_public(
                    id,
                    ri,
                    &fill(s.name),
                    s.prof,
                    s.nature,
                    sub_level,
                    s.size,
                    s.funding,
                    profile.mult,
                    sub_year,
                    &[],
                );
            }
        }

        // Democratic parties.
        if !profile.small {
            let n = if city { data::PARTIES.len() } else { 2 };
            for &(pname, pshort) in &data::PARTIES[..n] {
                let year = self.range(1983, 2000) as i32;
                let (fd, fdoc) = self.founding(prefix, year);
                let id = self.add_org(
                    Some(org),
                    OrgKind::Institution,
                    fill(pname),
                    Some(fill(pshort)),
                    Some(Category::DemocraticParty),
                    Some(if city {
                        Level::DivisionDeputy
                    } else {
                        Level::SectionDeputy
                    }),
                    Some(Nature::CivilServiceManaged),
                    area,
                    fd,
                    Some(fdoc),
                );
                let size = (3.0 * profile.mult).round().max(2.0) as i32 + self.range(0, 2) as i32;
                self.add_unit(
                    id,
                    ri,
                    Prof::Csm,
                    if city {
                        Level::DivisionDeputy
                    } else {
                        Level::SectionDeputy
                    },
                    Nature::CivilServiceManaged,
                    size,
                    FundingType::Full,
                    "主任委员",
                    "副主任委员",
                    0,
                    fill(pshort),
                );
            }
        }

        // Townships / streets.
        let town_names: Vec<&str> = {
            let pool = if kind == RegionKind::District {
                data::STREETS
            } else {
                data::TOWNS
            };
            let mut v: Vec<&str> = pool.to_vec();
            // keep 城关镇 first in counties; shuffle the rest deterministically
            for i in (2..v.len()).rev() {
                let j = self.range(1, i as i64) as usize;
                v.swap(i, j);
            }
            v.truncate(profile.towns.min(v.len()));
            v.sort_by_key(|t| pool.iter().position(|p| p == t));
            v
        };
        let mut towns: Vec<(OrgId, String)> = Vec::new();
        for t in &town_names {
            let full = format!("{name}{t}");
            let year = self.range(1950, 1985) as i32;
            let (fd, fdoc) = self.founding(prefix, year);
            let tid = self.add_org(
                Some(org),
                OrgKind::Region,
                full.clone(),
                Some(t.to_string()),
                None,
                Some(Level::SectionFull),
                None,
                area,
                fd,
                Some(fdoc),
            );
            towns.push((tid, t.to_string()));
            let offices: Vec<&(&str, Prof, u32)> = if profile.small {
                [0usize, 5, 6]
                    .iter()
                    .map(|&i| &data::TOWN_OFFICES[i])
                    .collect()
            } else {
                data::TOWN_OFFICES
                    .iter()
                    .filter(|o| !(kind == RegionKind::District && o.0 == "农业综合服务中心"))
                    .collect()
            };
            for &&(oname, prof, size) in &offices {
                let ofull = format!("{full}{oname}");
                let oshort = format!("{t}{oname}");
                let year = if oname.contains("退役军人") {
                    2019
                } else {
                    self.range(2001, 2020) as i32
                };
                let size = (size as f64 * profile.town * (0.8 + self.rng.random::<f64>() * 0.5))
                    .round()
                    .max(2.0) as i32;
                match prof {
                    Prof::Admin | Prof::Csm => {
                        let nature = if prof == Prof::Admin {
                            Nature::Administrative
                        } else {
                            Nature::CivilServiceManaged
                        };
                        let cat = if oname.starts_with("党") {
                            Category::Party
                        } else {
                            Category::Government
                        };
                        let (fd, fdoc) = self.founding(prefix, year);
                        let id = self.add_org(
                            Some(tid),
                            OrgKind::Institution,
                            ofull,
                            Some(oshort.clone()),
                            Some(cat),
                            Some(Level::Unit),
                            Some(nature),
                            area,
                            fd,
                            Some(fdoc),
                        );
                        self.add_unit(
                            id,
                            ri,
                            prof,
                            Level::Unit,
                            nature,
                            size,
                            FundingType::Full,
                            if oname.ends_with('队') {
                                "队长"
                            } else {
                                "主任"
                            },
                            if oname.ends_with('队') {
                                "副队长"
                            } else {
                                "副主任"
                            },
                            0,
                            oshort,
                        );
                    }
                    _ => {
                        self.add_public(
                            tid,
                            ri,
                            &ofull,
                            prof,
                            Nature::PublicWelfare1,
                            Level::Unit,
                            size as u32,
                            FundingType::Full,
                            1.0,
                            year,
                            &[],
                        );
                    }
                }
            }
        }

        // Schools under the education bureau.
        if let Some(edu) = edu {
            let schools = named_list(
                data::SCHOOLS,
                data::CITY_SCHOOLS,
                if profile.small { Some(2) } else { None },
                city,
                &fill,
            );
            for (n, s) in schools {
                let level = if s >= 150 {
                    dept_level.below()
                } else if city {
                    Level::SectionFull
                } else {
                    Level::Unit
                };
                let internal: &[&str] = if s >= 100 {
                    data::SCHOOL_INTERNAL
                } else {
                    &data::SCHOOL_INTERNAL[..1]
                };
                let internal = if profile.small {
                    &internal[..1]
                } else {
                    internal
                };
                let year = self.range(1950, 2012) as i32;
                self.add_public(
                    edu,
                    ri,
                    &n,
                    Prof::Teacher,
                    Nature::PublicWelfare1,
                    level,
                    s,
                    FundingType::Full,
                    profile.big,
                    year,
                    internal,
                );
            }
            for (_, t) in towns_shown(&towns, profile.small) {
                let street = t.ends_with("街道");
                let base = t
                    .trim_end_matches("街道")
                    .trim_end_matches('镇')
                    .trim_end_matches('乡');
                let mut list: Vec<(String, u32)> = vec![(
                    format!("{name}{base}{}小学", if street { "" } else { "中心" }),
                    55,
                )];
                if !profile.small {
                    list.push((
                        format!("{name}{base}{}", if street { "中学" } else { "初级中学" }),
                        60,
                    ));
                    if self.chance(0.6) {
                        list.push((format!("{name}{base}中心幼儿园"), 20));
                    }
                }
                for (n, s) in list {
                    let year = self.range(1952, 2012) as i32;
                    self.add_public(
                        edu,
                        ri,
                        &n,
                        Prof::Teacher,
                        Nature::PublicWelfare1,
                        Level::Unit,
                        s,
                        FundingType::Full,
                        profile.town,
                        year,
                        &[],
                    );
                }
            }
        }

        // Hospitals and health centres under the health commission.
        if let Some(health) = health {
            let hospitals = named_list(
                data::HOSPITALS,
                data::CITY_HOSPITALS,
                if profile.small { Some(1) } else { None },
                city,
                &fill,
            );
            for (n, s) in hospitals {
                let level = if city {
                    Level::DivisionDeputy
                } else {
                    Level::SectionDeputy
                };
                let internal = if profile.small {
                    &data::HOSPITAL_INTERNAL[..2]
                } else {
                    data::HOSPITAL_INTERNAL
                };
                let year = self.range(1950, 1990) as i32;
                self.add_public(
                    health,
                    ri,
                    &n,
                    Prof::Hospital,
                    Nature::PublicWelfare2,
                    level,
                    s,
                    FundingType::Partial,
                    profile.big,
                    year,
                    internal,
                );
            }
            for (_, t) in towns_shown(&towns, profile.small) {
                let n = if t.ends_with("街道") {
                    format!("{name}{}社区卫生服务中心", t.trim_end_matches("街道"))
                } else {
                    format!("{name}{t}卫生院")
                };
                let year = self.range(1952, 2010) as i32;
                self.add_public(
                    health,
                    ri,
                    &n,
                    Prof::Hospital,
                    Nature::PublicWelfare1,
                    Level::Unit,
                    40,
                    FundingType::Full,
                    profile.town,
                    year,
                    &[],
                );
            }
        }

        let end = self.units.len();
        self.regions[ri].units = first_unit..end;
        self.region_history(ri);
        self.fill_persons(ri);
        self.situations(ri);
        org
    }

    #[allow(clippy::too_many_arguments)]
    fn add_public(
        &mut self,
        parent: OrgId,
        ri: usize,
        full: &str,
        prof: Prof,
        nature: Nature,
        level: Level,
        size: u32,
        funding: FundingType,
        mult: f64,
        year: i32,
        internal: &[&str],
    ) -> OrgId {
        let region_name = self.regions[ri].name.clone();
        let prefix = self.regions[ri].prefix.clone();
        let area = self.regions[ri].area.clone();
        let short = full.strip_prefix(&region_name).unwrap_or(full).to_string();
        let (fd, fdoc) = self.founding(&prefix, year);
        let category = Category::PublicInstitution;
        let id = self.add_org(
            Some(parent),
            OrgKind::PublicInstitution,
            full.to_string(),
            Some(short.clone()),
            Some(category),
            Some(level),
            Some(nature),
            &area,
            fd,
            Some(fdoc),
        );
        for s in internal {
            self.add_org(
                Some(id),
                OrgKind::InternalDept,
                format!("{full}{s}"),
                Some(s.to_string()),
                Some(category),
                Some(level.below().max(Level::SectionFull)),
                None,
                &area,
                fd,
                None,
            );
        }
        let size = (size as f64 * mult * (0.8 + self.rng.random::<f64>() * 0.45))
            .round()
            .max(2.0) as i32;
        let (chief, deputy) = match prof {
            Prof::Teacher if full.contains("学") => ("校长", "副校长"),
            Prof::Teacher if full.contains("幼儿园") => ("园长", "副园长"),
            Prof::Hospital if full.contains("院") => ("院长", "副院长"),
            Prof::Culture if full.ends_with('馆') => ("馆长", "副馆长"),
            _ if full.ends_with('站') => ("站长", "副站长"),
            _ if full.ends_with('处') => ("主任", "副主任"),
            _ => ("主任", "副主任"),
        };
        let nature_ = nature;
        self.add_unit(
            id, ri, prof, level, nature_, size, funding, chief, deputy, 0, short,
        );
        id
    }

    /// Registers a unit: its quota ledger and leadership posts.
    #[allow(clippy::too_many_arguments)]
    fn add_unit(
        &mut self,
        org: OrgId,
        ri: usize,
        prof: Prof,
        level: Level,
        nature: Nature,
        size: i32,
        funding: FundingType,
        chief: &'static str,
        deputy: &'static str,
        internal_leaders: i32,
        short: String,
    ) {
        let q = size.max(2);
        let mut quotas: Vec<(StaffingType, FundingType, i32)> = Vec::new();
        let workers = |q: i32| if q >= 8 { (q / 12).max(1) } else { 0 };
        match (prof, nature) {
            (Prof::Police, _) => {
                quotas.push((StaffingType::PoliticalLegal, funding, (q * 9 / 10).max(2)));
                quotas.push((StaffingType::Administrative, funding, (q / 20).max(1)));
                quotas.push((StaffingType::OrganWorker, funding, (q / 25).max(1)));
            }
            (Prof::Court | Prof::Procuratorate, _) => {
                quotas.push((StaffingType::PoliticalLegal, funding, q));
                quotas.push((StaffingType::OrganWorker, funding, (q / 15).max(1)));
            }
            (_, Nature::Administrative) => {
                quotas.push((StaffingType::Administrative, funding, q));
                if workers(q) > 0 {
                    quotas.push((StaffingType::OrganWorker, funding, workers(q)));
                }
            }
            (_, Nature::CivilServiceManaged) => {
                quotas.push((StaffingType::CivilServiceManaged, funding, q));
                if workers(q) > 0 {
                    quotas.push((StaffingType::InstitutionWorker, funding, workers(q)));
                }
            }
            _ => {
                quotas.push((StaffingType::PublicInstitution, funding, q));
                if workers(q) > 0 {
                    quotas.push((StaffingType::InstitutionWorker, funding, workers(q)));
                }
            }
        }
        let prefix = self.regions[ri].prefix.clone();
        let founded = self.orgs[org as usize - 1]
            .founding_date
            .unwrap_or(ymd(2000, 1, 1));
        let start = founded.max(ymd(2001, 1, 1) + chrono::Duration::days(self.range(0, 365 * 9)));
        // Ledger: 2–6 entries, the main type carrying the history.
        let mut budget = self.range(2, 6) as usize;
        budget = budget.max(quotas.len());
        for (k, &(t, f, total)) in quotas.iter().enumerate() {
            let extra = if k == 0 { budget - quotas.len() } else { 0 };
            self.ledger_history(org, &prefix, start, t, f, total, extra);
        }
        // Leadership posts by level: 1 chief at the unit's level, deputies one step down.
        let chief_slot = PostSlot {
            level,
            rank: PostRank::Chief,
        };
        let deputy_slot = PostSlot {
            level: level.below(),
            rank: PostRank::Deputy,
        };
        let deputies = match q {
            0..=6 => 1,
            7..=15 => self.range(1, 2) as i32,
            16..=40 => self.range(2, 3) as i32,
            _ => self.range(3, if level <= Level::DivisionFull { 5 } else { 4 }) as i32,
        };
        let mut slots = vec![(chief_slot, 1), (deputy_slot, deputies)];
        if internal_leaders > 0 {
            slots.push((
                PostSlot {
                    level: Level::SectionFull,
                    rank: PostRank::Chief,
                },
                internal_leaders,
            ));
            slots.push((
                PostSlot {
                    level: Level::SectionDeputy,
                    rank: PostRank::Deputy,
                },
                (internal_leaders / 2).max(1),
            ));
        }
        let post_date = start;
        let post_doc = self.doc(&prefix, "编", post_date.year());
        for &(slot, n) in &slots {
            // Some deputy counts reached their figure in two steps.
            if slot.rank == PostRank::Deputy && n >= 2 && self.chance(0.3) {
                let later = self
                    .date_between(ymd(2019, 2, 1), ymd(2024, 12, 1))
                    .max(post_date);
                let doc = self.doc(&prefix, "编", later.year());
                self.push_post(
                    org,
                    post_doc.clone(),
                    post_date,
                    slot,
                    n - 1,
                    "核定领导职数",
                );
                self.push_post(org, doc, later, slot, 1, "机构改革调整增加职数");
            } else {
                self.push_post(org, post_doc.clone(), post_date, slot, n, "核定领导职数");
            }
        }
        self.units.push(Unit {
            org,
            region: ri,
            prof,
            quotas,
            chief,
            deputy,
            internal_leaders,
            short,
            persons: 0..0,
            slots,
        });
    }

    fn push_post(
        &mut self,
        org: OrgId,
        doc_no: String,
        date: NaiveDate,
        slot: PostSlot,
        delta: i32,
        summary: &str,
    ) {
        let id = self.posts.len() as i64 + 1;
        self.posts.push(PostEntry {
            id,
            org_id: org,
            doc_no,
            date,
            slot,
            delta,
            summary: summary.to_string(),
        });
    }

    /// The ledger of one staffing type of a unit: entries summing to `total`.
    #[allow(clippy::too_many_arguments)]
    fn ledger_history(
        &mut self,
        org: OrgId,
        prefix: &str,
        start: NaiveDate,
        t: StaffingType,
        f: FundingType,
        total: i32,
        extra: usize,
    ) {
        let mut later: Vec<(NaiveDate, i32, &'static str, bool)> = Vec::new();
        let mut date = start;
        for _ in 0..extra {
            let from = date + chrono::Duration::days(200);
            let to = (from + chrono::Duration::days(365 * 6)).min(ymd(2026, 6, 30));
            if from >= to {
                break;
            }
            date = self.date_between(from, to);
            let step = (total / 6).max(1) as i64;
            let special = self.chance(0.06);
            let (delta, summary) = if special {
                (self.range(1, 2) as i32, "核定专项编制（特殊编制）")
            } else if self.chance(0.35) {
                (
                    -(self.range(1, step) as i32),
                    self.pick(&["核减", "划转（划出）", "机构改革调整", "精简收回"]),
                )
            } else {
                let s = if date.year() == 2019 {
                    "机构改革调整"
                } else {
                    self.pick(&[
                        "增核编制",
                        "划转（划入）",
                        "机构改革调整",
                        "职能调整增加编制",
                    ])
                };
                (self.range(1, step) as i32, s)
            };
            later.push((date, delta, summary, special));
        }
        let sum: i32 = later.iter().map(|l| l.1).sum();
        let mut initial = total - sum;
        // Keep every running total positive; drop the history if it would not be.
        let mut running = initial;
        let ok = initial >= 1
            && later.iter().all(|l| {
                running += l.1;
                running >= 0
            });
        if !ok {
            later.clear();
            initial = total;
        }
        let doc = self.doc(prefix, "编", start.year());
        self.push_ledger(org, doc, start, t, f, initial, "初始核定", false);
        for (date, delta, summary, special) in later {
            let doc = self.doc(prefix, "编", date.year());
            self.push_ledger(org, doc, date, t, f, delta, summary, special);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_ledger(
        &mut self,
        org: OrgId,
        doc_no: String,
        date: NaiveDate,
        t: StaffingType,
        f: FundingType,
        delta: i32,
        summary: &str,
        special: bool,
    ) {
        let id = self.ledger.len() as i64 + 1;
        self.ledger.push(LedgerEntry {
            id,
            org_id: org,
            doc_no,
            date,
            staffing_type: t,
            funding_type: Some(f),
            delta,
            summary: summary.to_string(),
            special,
        });
    }

    // ----- history of units -----------------------------------------------------------

    /// 设立 for every unit of the region, plus the 2019 reform's renames, merger, split,
    /// moves, a level change and abolished units.
    fn region_history(&mut self, ri: usize) {
        let r = &self.regions[ri];
        let (name, prefix, area, rorg) = (r.name.clone(), r.prefix.clone(), r.area.clone(), r.org);
        let first_org = rorg as usize - 1;
        // 设立 for every org of the region built so far.
        for i in first_org..self.orgs.len() {
            let o = &self.orgs[i];
            let summary = format!("设立{}", o.name);
            let ev = Ev {
                subject: Subject::Org(o.id),
                kind: EventKind::Founded,
                date: o.founding_date.unwrap_or(ymd(1950, 1, 1)),
                doc_no: o.founding_doc.clone(),
                summary,
                from_org: None,
                to_org: o.parent_id,
            };
            self.org_events.push(ev);
        }
        let reform = |g: &mut Gen| g.date_between(ymd(2019, 2, 20), ymd(2019, 4, 30));
        let dept = |g: &Gen, t: &str| g.regions[ri].dept(t);
        let natres = dept(self, "{R}自然资源和规划局");
        let hrss = dept(self, "{R}人力资源和社会保障局");
        let medins = dept(self, "{R}医疗保障局");
        let health = dept(self, "{R}卫生健康委员会");
        let ecology = dept(self, "{R}生态环境局");
        let publicity = dept(self, "中共{R}委宣传部");
        let culture = dept(self, "{R}文化和旅游局");
        // Abolished units merged into 自然资源和规划局.
        if let Some(natres) = natres {
            let date = reform(self);
            let doc = self.doc(&prefix, "发", 2019);
            let mut abolished = Vec::new();
            for old in ["国土资源局", "城乡规划局"] {
                let year = self.range(1984, 1996) as i32;
                let (fd, fdoc) = self.founding(&prefix, year);
                let full = format!("{name}{old}");
                let id = self.add_org(
                    Some(rorg),
                    OrgKind::Institution,
                    full.clone(),
                    Some(format!("{}{old}", self.regions[ri].lvl)),
                    Some(Category::Government),
                    Some(
                        self.orgs[natres as usize - 1]
                            .level
                            .unwrap_or(Level::SectionFull),
                    ),
                    Some(Nature::Administrative),
                    &area,
                    fd,
                    Some(fdoc.clone()),
                );
                self.orgs[id as usize - 1].abolished = true;
                self.org_events.push(Ev {
                    subject: Subject::Org(id),
                    kind: EventKind::Founded,
                    date: fd,
                    doc_no: Some(fdoc),
                    summary: format!("设立{full}"),
                    from_org: None,
                    to_org: Some(rorg),
                });
                self.org_events.push(Ev {
                    subject: Subject::Org(id),
                    kind: EventKind::Abolished,
                    date,
                    doc_no: Some(doc.clone()),
                    summary: format!("撤销{full}，职责划入{name}自然资源和规划局"),
                    from_org: Some(id),
                    to_org: Some(natres),
                });
                abolished.push((id, full));
            }
            for (id, full) in &abolished {
                self.org_events.push(Ev {
                    subject: Subject::Org(natres),
                    kind: EventKind::Merged,
                    date,
                    doc_no: Some(doc.clone()),
                    summary: format!("{full}并入{name}自然资源和规划局"),
                    from_org: Some(*id),
                    to_org: Some(natres),
                });
            }
            // The land registry centre moved over from the abolished 国土资源局.
            if let Some(reg) = self
                .orgs
                .iter()
                .find(|o| o.parent_id == Some(natres) && o.name.ends_with("不动产登记中心"))
                .map(|o| o.id)
            {
                let d = self.date_between(ymd(2019, 5, 1), ymd(2019, 12, 1));
                let doc = self.doc(&prefix, "编", 2019);
                self.org_events.push(Ev {
                    subject: Subject::Org(reg),
                    kind: EventKind::Moved,
                    date: d,
                    doc_no: Some(doc),
                    summary: format!(
                        "由{}调整为{name}自然资源和规划局所属事业单位",
                        abolished[0].1
                    ),
                    from_org: Some(abolished[0].0),
                    to_org: Some(natres),
                });
            }
        }
        if let (Some(hrss), Some(medins)) = (hrss, medins) {
            let date = reform(self);
            let doc = self.doc(&prefix, "发", 2019);
            self.org_events.push(Ev {
                subject: Subject::Org(medins),
                kind: EventKind::Split,
                date,
                doc_no: Some(doc),
                summary: format!("从{name}人力资源和社会保障局分设，组建{name}医疗保障局"),
                from_org: Some(hrss),
                to_org: Some(medins),
            });
        }
        for (org, old) in [(health, "卫生和计划生育局"), (ecology, "环境保护局")] {
            if let Some(org) = org {
                let date = reform(self);
                let doc = self.doc(&prefix, "发", 2019);
                let new = self.orgs[org as usize - 1].name.clone();
                self.org_events.push(Ev {
                    subject: Subject::Org(org),
                    kind: EventKind::Renamed,
                    date,
                    doc_no: Some(doc),
                    summary: format!("{name}{old}更名为{new}"),
                    from_org: None,
                    to_org: None,
                });
            }
        }
        // 融媒体中心 moved from the culture bureau to the publicity department.
        if let (Some(publicity), Some(culture)) = (publicity, culture)
            && let Some(media) = self
                .orgs
                .iter()
                .find(|o| o.parent_id == Some(publicity) && o.name.ends_with("融媒体中心"))
                .map(|o| o.id)
        {
            let d = self.date_between(ymd(2018, 6, 1), ymd(2019, 12, 1));
            let doc = self.doc(&prefix, "编", d.year());
            let from = self.orgs[culture as usize - 1].name.clone();
            self.org_events.push(Ev {
                subject: Subject::Org(media),
                kind: EventKind::Moved,
                date: d,
                doc_no: Some(doc),
                summary: format!("由{from}调整为中共{name}委宣传部所属事业单位"),
                from_org: Some(culture),
                to_org: Some(publicity),
            });
        }
        // The people's hospital raised one level; a few random renames and level changes.
        let first = self.regions[ri].units.start;
        let end = self.regions[ri].units.end;
        for ui in first..end {
            let org = self.units[ui].org;
            let o = self.orgs[org as usize - 1].clone();
            let hospital = o.name.ends_with("人民医院") && !o.name.contains("第二");
            if hospital || (o.kind == OrgKind::PublicInstitution && self.chance(0.03)) {
                let level = o.level.unwrap_or(Level::Unit);
                let old = level.below();
                let d = self.date_between(ymd(2010, 1, 1), ymd(2024, 6, 30));
                let doc = self.doc(&prefix, "编", d.year());
                self.org_events.push(Ev {
                    subject: Subject::Org(org),
                    kind: EventKind::LevelChanged,
                    date: d,
                    doc_no: Some(doc),
                    summary: format!("机构规格由{}调整为{}", old.zh(), level.zh()),
                    from_org: None,
                    to_org: None,
                });
            } else if o.kind == OrgKind::PublicInstitution
                && o.name.ends_with("中心")
                && self.chance(0.05)
            {
                let new = o.name.clone();
                let old = new.trim_end_matches("中心").to_string() + "站";
                let d = self.date_between(ymd(2012, 1, 1), ymd(2024, 6, 30));
                let doc = self.doc(&prefix, "编", d.year());
                self.org_events.push(Ev {
                    subject: Subject::Org(org),
                    kind: EventKind::Renamed,
                    date: d,
                    doc_no: Some(doc),
                    summary: format!("{old}更名为{new}"),
                    from_org: None,
                    to_org: None,
                });
            }
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
                summary: e.summary,
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

/// A table of named units with sizes, `{R}`/`{L}` filled in: only the first
/// `small` entries when given, otherwise the whole table, followed by the
/// city-only entries in a city.
fn named_list(
    base: &[(&str, u32)],
    city_extra: &[(&str, u32)],
    small: Option<usize>,
    city: bool,
    fill: &dyn Fn(&str) -> String,
) -> Vec<(String, u32)> {
    let chosen: &[(&str, u32)] = match small {
        Some(n) => &base[..n],
        None => base,
    };
    let extra = if small.is_none() && city {
        city_extra
    } else {
        &[]
    };
    chosen
        .iter()
        .chain(extra)
        .map(|(n, s)| (fill(n), *s))
        .collect()
}

/// The towns a region's town-level units are generated for: only the first
/// in a small profile.
fn towns_shown<T>(towns: &[T], small: bool) -> &[T] {
    if small {
        &towns[..towns.len().min(1)]
    } else {
        towns
    }
}
