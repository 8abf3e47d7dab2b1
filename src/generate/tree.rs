//! The tree of a region: its organs, departments, subordinate institutions, towns,
//! schools and hospitals, each registered as a unit.

use super::*;

impl Gen {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_org(
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

    pub(super) fn founding(&mut self, prefix: &str, year: i32) -> (NaiveDate, String) {
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
    pub(super) fn add_public(
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
}

/// A table of named units with sizes, `{R}`/`{L}` filled in: only the first
/// `small` entries when given, otherwise the whole table, followed by the
/// city-only entries in a city.
pub(super) fn named_list(
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
pub(super) fn towns_shown<T>(towns: &[T], small: bool) -> &[T] {
    if small {
        &towns[..towns.len().min(1)]
    } else {
        towns
    }
}
