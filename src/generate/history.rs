//! The history of units: 设立 for every unit, plus the 2019 reform's renames, merger,
//! split, moves, a level change and abolished units.

use super::*;

impl Gen {
    /// 设立 for every unit of the region, plus the 2019 reform's renames, merger, split,
    /// moves, a level change and abolished units.
    pub(super) fn region_history(&mut self, ri: usize) {
        let r = &self.regions[ri];
        let (name, prefix, area, rorg) = (r.name.clone(), r.prefix.clone(), r.area.clone(), r.org);
        let first_org = rorg as usize - 1;
        // 设立 for every org of the region built so far.
        for i in first_org..self.orgs.len() {
            let o = &self.orgs[i];
            let detail = Detail::Founded {
                unit: o.name.clone(),
                dept_of: None,
            };
            let ev = Ev {
                subject: Subject::Org(o.id),
                kind: EventKind::Founded,
                date: o.founding_date.unwrap_or(ymd(1950, 1, 1)),
                doc_no: o.founding_doc.clone(),
                detail,
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
                    detail: Detail::Founded {
                        unit: full.clone(),
                        dept_of: None,
                    },
                    from_org: None,
                    to_org: Some(rorg),
                });
                self.org_events.push(Ev {
                    subject: Subject::Org(id),
                    kind: EventKind::Abolished,
                    date,
                    doc_no: Some(doc.clone()),
                    detail: Detail::Abolished {
                        unit: full.clone(),
                        duties_to: Some(format!("{name}自然资源和规划局")),
                    },
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
                    detail: Detail::Merged {
                        unit: full.clone(),
                        into: format!("{name}自然资源和规划局"),
                    },
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
                    detail: Detail::Moved {
                        from: Some(abolished[0].1.clone()),
                        under: format!("{name}自然资源和规划局"),
                    },
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
                detail: Detail::Split {
                    from: format!("{name}人力资源和社会保障局"),
                    new: format!("{name}医疗保障局"),
                },
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
                    detail: Detail::Renamed {
                        old: format!("{name}{old}"),
                        new,
                    },
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
                detail: Detail::Moved {
                    from: Some(from),
                    under: format!("中共{name}委宣传部"),
                },
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
                    detail: Detail::LevelChanged {
                        from: Some(old),
                        to: level,
                    },
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
                    detail: Detail::Renamed { old, new },
                    from_org: None,
                    to_org: None,
                });
            }
        }
    }
}
