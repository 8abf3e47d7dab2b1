//! Staff: who they are, how they entered, what they hold, and their careers.

use super::data::{self, Prof};
use super::{AS_OF, Ev, Gen, ymd};
use crate::model::history::Detail;
use crate::model::retirement::{Rule, retirement_month};
use crate::model::*;
use chrono::{Datelike, Duration, NaiveDate};

/// The fixed month the world is generated relative to.
pub(crate) fn today() -> YearMonth {
    YearMonth::of(AS_OF)
}

pub(crate) fn years_before(date: NaiveDate, years: i32) -> NaiveDate {
    date.with_year(date.year() - years)
        .unwrap_or_else(|| ymd(date.year() - years, 2, 28))
}

pub(crate) fn age_at(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut a = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

pub(crate) fn retires(p: &Person, birth: NaiveDate) -> YearMonth {
    retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(birth))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Doctor,
    Nurse,
    Pharmacist,
    Other,
}

/// Which pattern of a unit's main staffing type the unit shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fill {
    Vacant,
    Full,
    Over,
}

impl Gen {
    pub(crate) fn random_name(&mut self, sex: Sex) -> String {
        let surname = self.weighted(data::SURNAMES);
        let pool = if sex == Sex::Male {
            data::GIVEN_MALE
        } else {
            data::GIVEN_FEMALE
        };
        let first = self.pick(pool);
        if self.chance(0.22) {
            format!("{surname}{first}")
        } else {
            let second = self.pick(pool);
            format!("{surname}{first}{second}")
        }
    }

    /// A new person of a unit. `Active` persons are below retirement age; `Retired`
    /// ones have reached it; `Pending` ones are young applicants not yet entered.
    pub(crate) fn new_person(
        &mut self,
        ui: usize,
        st: Option<StaffingType>,
        funding: Option<FundingType>,
        status: PersonStatus,
    ) -> Person {
        let (prof, org, ri) = (
            self.units[ui].prof,
            self.units[ui].org,
            self.units[ui].region,
        );
        let unit_name = self.orgs[org as usize - 1].name.clone();
        let organ = matches!(
            st,
            Some(
                StaffingType::Administrative
                    | StaffingType::PoliticalLegal
                    | StaffingType::CivilServiceManaged
            )
        );
        let post_type = match st {
            Some(StaffingType::OrganWorker | StaffingType::InstitutionWorker) => PostType::Worker,
            Some(StaffingType::PublicInstitution) => {
                let p = match prof {
                    Prof::Teacher | Prof::Hospital | Prof::Cdc => 0.9,
                    Prof::Engineer | Prof::Agri | Prof::Culture | Prof::Media => 0.75,
                    _ => 0.55,
                };
                if self.chance(p) {
                    PostType::Professional
                } else {
                    PostType::Management
                }
            }
            Some(_) => PostType::Management,
            None => {
                if matches!(prof, Prof::Teacher | Prof::Hospital) && self.chance(0.5) {
                    PostType::Professional
                } else {
                    PostType::Worker
                }
            }
        };
        let role = if prof == Prof::Hospital && post_type == PostType::Professional {
            self.weighted(&[
                (Role::Doctor, 40),
                (Role::Nurse, 45),
                (Role::Pharmacist, 8),
                (Role::Other, 7),
            ])
        } else {
            Role::Other
        };
        let female_share = match (post_type, prof, role) {
            (_, _, Role::Nurse) => 0.95,
            (PostType::Worker, _, _) => 0.3,
            (_, Prof::Teacher, _) => 0.68,
            (_, Prof::Hospital | Prof::Cdc, _) => 0.55,
            (_, Prof::Police, _) => 0.18,
            (_, Prof::Court | Prof::Procuratorate, _) => 0.45,
            _ => 0.42,
        };
        let sex = if self.chance(female_share) {
            Sex::Female
        } else {
            Sex::Male
        };
        let rule = Rule::for_person(sex, post_type);

        // Birth date by status.
        let birth = loop {
            let (age, extra_days) = match status {
                PersonStatus::Pending => (self.range(22, 33) as i32, self.range(0, 364)),
                PersonStatus::Retired => {
                    let original = match rule {
                        Rule::Men60 => 60,
                        Rule::Women55 => 55,
                        Rule::Women50 => 50,
                    };
                    (original + self.range(1, 12) as i32, self.range(0, 364))
                }
                _ => (
                    (22 + self.range(0, 20) + self.range(0, 20)) as i32,
                    self.range(0, 364),
                ),
            };
            let b = years_before(AS_OF, age) - Duration::days(extra_days);
            let rm = retirement_month(rule, YearMonth::of(b));
            let ok = match status {
                PersonStatus::Retired => rm < today(),
                _ => rm > today(),
            };
            if ok {
                break b;
            }
        };
        let age = age_at(birth, AS_OF);

        // Education, school, major and the post that follows from them.
        let young = age < 35;
        let old = age >= 50;
        let education = match (post_type, prof, role) {
            (PostType::Worker, _, _) => self.weighted(&[
                (Education::College, 15),
                (Education::Secondary, 30),
                (Education::HighSchool, 55),
            ]),
            (_, Prof::Hospital, Role::Doctor) => {
                if young {
                    self.weighted(&[
                        (Education::Postgraduate, 35),
                        (Education::Bachelor, 62),
                        (Education::College, 3),
                    ])
                } else {
                    self.weighted(&[
                        (Education::Postgraduate, 12),
                        (Education::Bachelor, 70),
                        (Education::College, 18),
                    ])
                }
            }
            (_, _, Role::Nurse) => self.weighted(&[
                (Education::Bachelor, 45),
                (Education::College, 48),
                (Education::Secondary, 7),
            ]),
            (_, Prof::Teacher, _) => {
                if young {
                    self.weighted(&[
                        (Education::Postgraduate, 14),
                        (Education::Bachelor, 80),
                        (Education::College, 6),
                    ])
                } else if old {
                    self.weighted(&[
                        (Education::Bachelor, 55),
                        (Education::College, 35),
                        (Education::Secondary, 10),
                    ])
                } else {
                    self.weighted(&[
                        (Education::Postgraduate, 5),
                        (Education::Bachelor, 75),
                        (Education::College, 18),
                        (Education::Secondary, 2),
                    ])
                }
            }
            _ => {
                if young {
                    self.weighted(&[
                        (Education::Postgraduate, 24),
                        (Education::Bachelor, 71),
                        (Education::College, 5),
                    ])
                } else if old {
                    self.weighted(&[
                        (Education::Postgraduate, 3),
                        (Education::Bachelor, 55),
                        (Education::College, 30),
                        (Education::Secondary, 8),
                        (Education::HighSchool, 4),
                    ])
                } else {
                    self.weighted(&[
                        (Education::Postgraduate, 12),
                        (Education::Bachelor, 70),
                        (Education::College, 15),
                        (Education::Secondary, 3),
                    ])
                }
            }
        };
        let grad_age = match education {
            Education::Postgraduate => 25,
            Education::Bachelor => 22,
            Education::College => 21,
            Education::Secondary => 19,
            Education::HighSchool => 18,
        };
        let education = if age < grad_age + 1 {
            Education::Bachelor.max(education)
        } else {
            education
        };
        let degree = match education {
            Education::Postgraduate => {
                let doc = if prof == Prof::Hospital { 10 } else { 4 };
                Some(self.weighted(&[
                    (Some(Degree::Doctor), doc),
                    (Some(Degree::Master), 100 - doc - 3),
                    (None, 3),
                ]))
                .flatten()
            }
            Education::Bachelor => {
                if self.chance(0.9) {
                    Some(Degree::Bachelor)
                } else {
                    None
                }
            }
            _ => None,
        };
        let region_name = self.regions[ri].name.clone();
        let school = match education {
            Education::Postgraduate | Education::Bachelor => Some(
                match prof {
                    Prof::Hospital | Prof::Cdc if post_type == PostType::Professional => {
                        self.pick(data::MEDICAL_SCHOOLS)
                    }
                    Prof::Police if self.chance(0.5) => self.pick(data::POLICE_SCHOOLS),
                    _ => self.pick(data::UNIVERSITIES),
                }
                .to_string(),
            ),
            Education::College => Some(self.pick(data::COLLEGES).to_string()),
            Education::Secondary => Some(self.pick(data::SECONDARY_SCHOOLS).to_string()),
            Education::HighSchool => Some(format!("{region_name}第一中学")),
        };
        let mut teacher_post = None;
        let major = match (post_type, prof, role) {
            (PostType::Worker, ..) => match education {
                Education::HighSchool => None,
                _ => Some(
                    self.pick(&[
                        "汽车运用与维修",
                        "烹饪",
                        "电气运行与控制",
                        "计算机应用",
                        "物业管理",
                    ])
                    .to_string(),
                ),
            },
            (PostType::Professional, Prof::Teacher, _) => {
                let (m, p) = if unit_name.contains("幼儿园") {
                    ("学前教育", "幼儿教师")
                } else {
                    self.pick(data::TEACHER_MAJORS)
                };
                teacher_post = Some(p);
                Some(m.to_string())
            }
            (_, Prof::Hospital | Prof::Cdc, Role::Doctor)
            | (PostType::Professional, Prof::Cdc, _) => Some(
                self.pick(&[
                    "临床医学",
                    "临床医学",
                    "中医学",
                    "医学影像学",
                    "麻醉学",
                    "预防医学",
                    "口腔医学",
                ])
                .to_string(),
            ),
            (_, _, Role::Nurse) => Some("护理学".to_string()),
            (_, _, Role::Pharmacist) => Some(self.pick(&["药学", "中药学"]).to_string()),
            (_, _, Role::Other)
                if prof == Prof::Hospital && post_type == PostType::Professional =>
            {
                Some("医学检验技术".to_string())
            }
            (_, Prof::Police, _) => Some(self.pick(data::POLICE_MAJORS).to_string()),
            (_, Prof::Court | Prof::Procuratorate, _) => Some("法学".to_string()),
            (PostType::Professional, Prof::Engineer, _) => {
                Some(self.pick(data::ENGINEER_MAJORS).to_string())
            }
            (PostType::Professional, Prof::Agri, _) => {
                Some(self.pick(data::AGRI_MAJORS).to_string())
            }
            (PostType::Professional, Prof::Culture, _) => {
                Some(self.pick(data::CULTURE_MAJORS).to_string())
            }
            (PostType::Professional, Prof::Media, _) => {
                Some(self.pick(data::MEDIA_MAJORS).to_string())
            }
            (PostType::Professional, ..) => Some(self.pick(data::GENERAL_MAJORS).to_string()),
            _ => Some(self.pick(data::ADMIN_MAJORS).to_string()),
        };

        // Entry.
        let entry_form = match (st, organ, post_type) {
            (None, ..) => None,
            (_, _, PostType::Worker) => Some(self.weighted(&[
                (EntryForm::OpenRecruitment, 60),
                (EntryForm::Veteran, 25),
                (EntryForm::Policy, 15),
            ])),
            (Some(StaffingType::CivilServiceManaged), ..) => Some(self.weighted(&[
                (EntryForm::Exam, 50),
                (EntryForm::OpenRecruitment, 15),
                (EntryForm::Transfer, 20),
                (EntryForm::Veteran, 10),
                (EntryForm::Appointment, 5),
            ])),
            (_, true, _) => Some(self.weighted(&[
                (EntryForm::Exam, 62),
                (EntryForm::Selected, 6),
                (EntryForm::Appointment, 7),
                (EntryForm::Transfer, 14),
                (EntryForm::Veteran, 9),
                (EntryForm::Policy, 2),
            ])),
            _ => Some(self.weighted(&[
                (EntryForm::OpenRecruitment, 82),
                (EntryForm::Appointment, 5),
                (EntryForm::Transfer, 5),
                (EntryForm::Veteran, 3),
                (EntryForm::Policy, 5),
            ])),
        };
        let entry_form = if status == PersonStatus::Pending {
            Some(if organ {
                EntryForm::Exam
            } else {
                EntryForm::OpenRecruitment
            })
        } else {
            entry_form
        };
        let latest = AS_OF - Duration::days(20);
        let eighteen = years_before(birth, -18);
        let mut work_start = if entry_form == Some(EntryForm::Veteran) {
            years_before(birth, -(18 + self.range(0, 2) as i32))
                + Duration::days(self.range(0, 300))
        } else {
            let gap = if self.chance(0.15) {
                self.range(100, 1000)
            } else {
                self.range(0, 200)
            };
            years_before(birth, -grad_age) + Duration::days(160 + gap)
        };
        work_start = work_start.min(latest).max(eighteen + Duration::days(30));
        let entry_date = match entry_form {
            Some(EntryForm::Appointment | EntryForm::Transfer) => {
                work_start + Duration::days(self.range(700, 5500))
            }
            Some(EntryForm::Veteran) => work_start + Duration::days(self.range(2200, 5800)),
            Some(_) => work_start + Duration::days(self.range(0, 120)),
            None => work_start,
        }
        .min(latest)
        .max(work_start);
        let prefix = self.regions[ri].prefix.clone();
        let entry_doc = match entry_form {
            Some(EntryForm::Appointment | EntryForm::Transfer) => {
                Some(self.doc(&prefix, "组", entry_date.year()))
            }
            Some(EntryForm::Veteran) => Some(self.doc(&prefix, "军转", entry_date.year())),
            Some(_) => Some(self.doc(&prefix, "人社", entry_date.year())),
            None => None,
        };
        let (work_start, entry_date, entry_doc) = match status {
            PersonStatus::Pending => ((age >= 25).then_some(work_start), None, None),
            _ if st.is_none() => (Some(work_start), None, None),
            _ => (Some(work_start), Some(entry_date), entry_doc),
        };
        let service = AS_OF.year() - entry_date.or(work_start).map_or(AS_OF.year(), |d| d.year());

        // Post and rank.
        let tier = |n: usize, years: i32, g: &mut Gen| -> usize {
            let base = match years {
                i32::MIN..=2 => 0,
                3..=6 => 1,
                7..=11 => 2,
                12..=17 => 3,
                18..=24 => 4,
                _ => 5,
            };
            let jitter = if g.chance(0.2) { 1 } else { 0 };
            (base as usize).saturating_sub(jitter).min(n - 1)
        };
        let (post, rank): (Option<String>, Option<String>) = if status == PersonStatus::Pending {
            (None, None)
        } else {
            match (post_type, prof, st) {
                (PostType::Worker, ..) => {
                    let post = if st.is_none() && prof == Prof::Police {
                        "辅警"
                    } else {
                        self.pick(data::WORKER_POSTS)
                    };
                    let r = tier(data::WORKER_RANKS.len(), service, self);
                    (
                        Some(post.to_string()),
                        (st.is_some()).then(|| data::WORKER_RANKS[r.min(3)].to_string()),
                    )
                }
                (PostType::Professional, Prof::Teacher, _) => {
                    let r = tier(data::TEACHER_RANKS.len(), service, self).min(3);
                    let r = if r == 3 && self.chance(0.04) { 4 } else { r };
                    (
                        Some(teacher_post.unwrap_or("教师").to_string()),
                        Some(data::TEACHER_RANKS[r].to_string()),
                    )
                }
                (PostType::Professional, Prof::Hospital | Prof::Cdc, _) => {
                    let (post, ranks): (&str, &[&str]) = match role {
                        Role::Nurse => ("护士", data::NURSE_RANKS),
                        Role::Pharmacist => ("药剂人员", data::PHARMACY_RANKS),
                        Role::Other if prof == Prof::Hospital => {
                            ("医技人员", &["技士", "技师", "主管技师", "副主任技师"])
                        }
                        _ => (
                            if prof == Prof::Cdc {
                                "公共卫生医师"
                            } else {
                                "临床医生"
                            },
                            data::DOCTOR_RANKS,
                        ),
                    };
                    let r = tier(ranks.len() + 1, service, self)
                        .saturating_sub(1)
                        .min(ranks.len() - 1);
                    (Some(post.to_string()), Some(ranks[r].to_string()))
                }
                (PostType::Professional, ..) => {
                    let (post, ranks): (&str, &[&str]) = match prof {
                        Prof::Engineer => ("专业技术人员", data::ENGINEER_RANKS),
                        Prof::Agri => ("农业技术人员", data::AGRI_RANKS),
                        Prof::Culture => ("馆员", data::CULTURE_RANKS),
                        Prof::Media => ("编辑记者", data::MEDIA_RANKS),
                        _ => ("专业技术人员", data::GENERAL_RANKS),
                    };
                    let r = tier(ranks.len() + 1, service, self)
                        .saturating_sub(1)
                        .min(ranks.len() - 1);
                    (Some(post.to_string()), Some(ranks[r].to_string()))
                }
                (_, Prof::Police, _) if st.is_some() => {
                    let r = tier(data::POLICE_RANKS.len(), service, self);
                    (
                        Some("民警".to_string()),
                        Some(data::POLICE_RANKS[r].to_string()),
                    )
                }
                (_, Prof::Court | Prof::Procuratorate, Some(StaffingType::PoliticalLegal)) => {
                    let judge = prof == Prof::Court;
                    if service >= 5 && self.chance(0.6) {
                        let ranks = if judge {
                            data::JUDGE_RANKS
                        } else {
                            data::PROCURATOR_RANKS
                        };
                        let r = tier(ranks.len() + 1, service, self).saturating_sub(1);
                        (
                            Some(if judge { "审判员" } else { "检察员" }.to_string()),
                            Some(ranks[r.min(ranks.len() - 1)].to_string()),
                        )
                    } else {
                        let post = self.pick(if judge {
                            &["法官助理", "书记员", "司法警察"]
                        } else {
                            &["检察官助理", "书记员", "司法警察"]
                        });
                        let r = tier(data::ADMIN_RANKS.len(), service, self).min(3);
                        (
                            Some(post.to_string()),
                            Some(data::ADMIN_RANKS[r].to_string()),
                        )
                    }
                }
                (_, _, Some(StaffingType::PublicInstitution)) => {
                    let r = tier(data::STAFF_RANKS.len() + 1, service, self)
                        .saturating_sub(1)
                        .min(data::STAFF_RANKS.len() - 1);
                    (
                        Some("综合管理".to_string()),
                        Some(data::STAFF_RANKS[r].to_string()),
                    )
                }
                (_, _, Some(_)) => {
                    let city = self.regions[ri].lvl == "市";
                    let r = tier(data::ADMIN_RANKS.len(), service, self);
                    let r = if city && r == 5 && self.chance(0.3) {
                        6
                    } else {
                        r
                    };
                    let rank = if service < 1 {
                        "科员"
                    } else {
                        data::ADMIN_RANKS[r]
                    };
                    (None, Some(rank.to_string()))
                }
                (_, _, None) => (Some("编外聘用人员".to_string()), None),
            }
        };

        let political_status = {
            let r: &[(PoliticalStatus, u32)] = if age < 28 {
                if organ {
                    &[
                        (PoliticalStatus::CpcMember, 45),
                        (PoliticalStatus::LeagueMember, 40),
                        (PoliticalStatus::Masses, 15),
                    ]
                } else {
                    &[
                        (PoliticalStatus::CpcMember, 22),
                        (PoliticalStatus::LeagueMember, 45),
                        (PoliticalStatus::Masses, 33),
                    ]
                }
            } else if organ {
                &[
                    (PoliticalStatus::CpcMember, 82),
                    (PoliticalStatus::DemocraticParty, 3),
                    (PoliticalStatus::Masses, 15),
                ]
            } else {
                &[
                    (PoliticalStatus::CpcMember, 45),
                    (PoliticalStatus::DemocraticParty, 5),
                    (PoliticalStatus::Masses, 50),
                ]
            };
            Some(self.weighted(r))
        };
        let ethnicity = if self.chance(0.95) {
            "汉族".to_string()
        } else {
            self.pick(data::ETHNIC_MINORITIES).to_string()
        };
        let name = self.random_name(sex);
        let area = self.regions[ri].area.clone();
        let id_number = self.new_id(&area, birth, sex);

        let (exit_kind, exit_date) = match status {
            PersonStatus::Retired => {
                let rm = retirement_month(rule, YearMonth::of(birth));
                (
                    Some(ExitKind::Retirement),
                    Some(rm.first_day().max(
                        entry_date.unwrap_or(work_start.unwrap_or(AS_OF)) + Duration::days(1),
                    )),
                )
            }
            PersonStatus::Former => {
                let kind = self.weighted(&[
                    (ExitKind::TransferOut, 60),
                    (ExitKind::Resignation, 25),
                    (ExitKind::Dismissal, 5),
                    (ExitKind::Death, 7),
                    (ExitKind::Expulsion, 3),
                ]);
                let from = entry_date.unwrap_or(AS_OF - Duration::days(400)) + Duration::days(180);
                let d = self
                    .date_between(from, AS_OF - Duration::days(7))
                    .min(AS_OF - Duration::days(1));
                (Some(kind), Some(d.max(entry_date.unwrap_or(d))))
            }
            _ => (None, None),
        };

        Person {
            id: 0,
            org_id: org,
            name,
            id_number,
            sex,
            birth_date: Some(birth),
            ethnicity,
            political_status,
            funding_type: funding,
            work_start,
            entry_form,
            entry_doc,
            entry_date,
            post,
            rank,
            post_type,
            school,
            education: Some(education),
            degree,
            major,
            staffing_type: st,
            leader_post: None,
            status,
            exit_kind,
            exit_date,
        }
    }

    pub(crate) fn push_person(&mut self, mut p: Person) -> usize {
        p.id = self.persons.len() as i64 + 1;
        self.persons.push(p);
        self.persons.len() - 1
    }

    /// Staff every unit of a region: actual counts near the quota (most with vacancies,
    /// some full, some over), 编外 staff, leaders, retirees and leavers, and careers.
    pub(crate) fn fill_persons(&mut self, ri: usize) {
        let units = self.regions[ri].units.clone();
        for (k, ui) in units.clone().enumerate() {
            let start = self.persons.len();
            let quotas = self.units[ui].quotas.clone();
            let fill = match k % 7 {
                2 => Fill::Full,
                5 => Fill::Over,
                _ => Fill::Vacant,
            };
            for (j, &(t, f, q)) in quotas.iter().enumerate() {
                let actual = if j == 0 {
                    match fill {
                        Fill::Full => q,
                        Fill::Over => q + self.range(1, (q as i64 / 15).clamp(1, 3)) as i32,
                        Fill::Vacant => q - self.range(1, (q as i64 / 6).max(1)) as i32,
                    }
                } else if self.chance(0.08) {
                    q + 1
                } else {
                    q - self.range(0, 1) as i32
                };
                for _ in 0..actual.max(0) {
                    let p = self.new_person(ui, Some(t), Some(f), PersonStatus::Active);
                    self.push_person(p);
                }
            }
            if self.chance(0.12) {
                for _ in 0..self.range(1, 3) {
                    let p = self.new_person(ui, None, None, PersonStatus::Active);
                    self.push_person(p);
                }
            }
            let active_end = self.persons.len();
            self.assign_leaders(ui, start, active_end, k);
            let n = (active_end - start) as f64;
            let retired = (n * 0.07 * (0.5 + self.rng_f64())).round() as usize;
            let former = (n * 0.03 * (0.3 + self.rng_f64() * 1.4)).round() as usize;
            for i in 0..retired + former {
                let status = if i < retired {
                    PersonStatus::Retired
                } else {
                    PersonStatus::Former
                };
                let (t, f, _) = quotas[if self.chance(0.85) {
                    0
                } else {
                    quotas.len() - 1
                }];
                let p = self.new_person(ui, Some(t), Some(f), status);
                self.push_person(p);
            }
            self.units[ui].persons = start..self.persons.len();
            for i in start..self.persons.len() {
                self.career(i, ui, &units);
            }
        }
    }

    pub(crate) fn rng_f64(&mut self) -> f64 {
        use rand::Rng;
        self.rng.random::<f64>()
    }

    /// Gives the unit's leadership posts to its staff: usually all filled, some with a
    /// vacancy, some over the approved number (超职数).
    fn assign_leaders(&mut self, ui: usize, start: usize, end: usize, k: usize) {
        let main = self.units[ui].quotas[0].0;
        let mut eligible: Vec<usize> = (start..end)
            .filter(|&i| {
                let p = &self.persons[i];
                p.staffing_type == Some(main)
                    && p.birth_date.is_some_and(|b| age_at(b, AS_OF) >= 30)
            })
            .collect();
        eligible.sort_by_key(|&i| (self.persons[i].birth_date, i));
        let slots = self.units[ui].slots.clone();
        let org = self.units[ui].org;
        let internal: Vec<String> = if self.units[ui].internal_leaders > 0 {
            self.orgs
                .iter()
                .skip(org as usize)
                .take_while(|o| o.parent_id == Some(org))
                .map(|o| o.short_name.clone().unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        for (si, &(slot, approved)) in slots.iter().enumerate() {
            let actual = match (si, slot.rank) {
                (0, _) if k % 11 == 7 => 0,
                (0, _) if k % 23 == 11 => 2,
                (0, _) => 1,
                (1, _) if k % 6 == 4 => approved + 1,
                (1, _) if k % 5 == 1 => approved - 1,
                _ => approved - self.range(0, 1) as i32,
            };
            for n in 0..actual.max(0) {
                if eligible.is_empty() {
                    break;
                }
                let pick = self.range(0, (eligible.len() as i64 * 2 / 3).max(1) - 1) as usize;
                let i = eligible.remove(pick);
                let title = match si {
                    0 => self.units[ui].chief.to_string(),
                    1 => self.units[ui].deputy.to_string(),
                    _ => {
                        let dept = internal
                            .get(n as usize % internal.len().max(1))
                            .cloned()
                            .unwrap_or_else(|| "综合科".into());
                        let head = if dept.ends_with('科') {
                            format!("{dept}科长")
                        } else if dept.ends_with("支队") {
                            format!("{dept}支队长").replace("支队支队长", "支队长")
                        } else {
                            format!("{dept}主任")
                        };
                        if slot.rank == PostRank::Chief {
                            head
                        } else {
                            head.replacen("科长", "副科长", 1)
                                .replacen("主任", "副主任", 1)
                                .replacen("支队长", "副支队长", 1)
                        }
                    }
                };
                let organ = matches!(
                    main,
                    StaffingType::Administrative
                        | StaffingType::PoliticalLegal
                        | StaffingType::CivilServiceManaged
                );
                let p = &mut self.persons[i];
                p.leader_post = Some(slot);
                p.post = Some(title);
                p.post_type = PostType::Management;
                if organ {
                    p.rank = Some(
                        match slot.level {
                            Level::BureauFull | Level::BureauDeputy | Level::DivisionFull => {
                                "一级调研员"
                            }
                            Level::DivisionDeputy => "三级调研员",
                            Level::SectionFull => "一级主任科员",
                            Level::SectionDeputy => "三级主任科员",
                            Level::Unit => "四级主任科员",
                        }
                        .to_string(),
                    );
                }
                if p.political_status != Some(PoliticalStatus::DemocraticParty)
                    || self.units[ui].prof != Prof::Csm
                {
                    p.political_status = Some(PoliticalStatus::CpcMember);
                }
                // A leader under the 工勤/专技 rule would retire differently: keep them pre-retirement.
                let b = p.birth_date.expect("generated");
                if retires(p, b) <= today() {
                    p.post_type = PostType::Professional;
                    p.leader_post = None;
                    p.post = Some("专业技术人员".into());
                }
            }
        }
    }

    /// A person's career events: entry, perhaps a transfer, post and rank changes, exit.
    fn career(&mut self, i: usize, ui: usize, region_units: &std::ops::Range<usize>) {
        let p = &self.persons[i];
        let Some(entry) = p.entry_date else { return };
        if p.staffing_type.is_none() {
            return;
        }
        let pid = p.id;
        let org = p.org_id;
        let ri = self.units[ui].region;
        let prefix = self.regions[ri].prefix.clone();
        let short = self.units[ui].short.clone();
        let st = p.staffing_type.expect("checked");
        let form = p.entry_form;
        let status = p.status;
        let exit = p.exit_date.zip(p.exit_kind);
        let leader = p.leader_post.zip(p.post.clone());
        let rank = p.rank.clone();
        let entry_doc = p.entry_doc.clone();
        let organ = matches!(
            st,
            StaffingType::Administrative
                | StaffingType::PoliticalLegal
                | StaffingType::CivilServiceManaged
        );
        let end = exit.map_or(AS_OF - Duration::days(15), |(d, _)| d - Duration::days(1));

        // Transferred in from another unit of the region after entering there.
        let transfer_from =
            if region_units.len() > 1 && entry + Duration::days(500) < end && self.chance(0.14) {
                // From a unit with the same kind of quota: organs to organs, institutions to institutions.
                let n = region_units.len();
                let start = self.range(0, n as i64 - 1) as usize;
                (0..n.min(40))
                    .map(|k| region_units.start + (start + k) % n)
                    .find(|&u| u != ui && self.units[u].quotas[0].0 == st)
            } else {
                None
            };
        let (entry_org, entry_short) = match transfer_from {
            Some(o) => (self.units[o].org, self.units[o].short.clone()),
            None => (org, short.clone()),
        };
        self.person_events.push(Ev {
            subject: Subject::Person(pid),
            kind: EventKind::Entry,
            date: entry,
            doc_no: entry_doc,
            detail: Detail::Entered {
                form,
                unit: entry_short.clone(),
                staffing: Some(st),
            },
            from_org: None,
            to_org: Some(entry_org),
        });
        let mut last = entry;
        if let Some(o) = transfer_from {
            let d = self.date_between(entry + Duration::days(365), end);
            let doc = self.doc(&prefix, "组", d.year());
            let from = self.units[o].org;
            self.person_events.push(Ev {
                subject: Subject::Person(pid),
                kind: EventKind::Transfer,
                date: d,
                doc_no: Some(doc),
                detail: Detail::TransferredIn {
                    from: Some(entry_short.clone()),
                    to: short.clone(),
                },
                from_org: Some(from),
                to_org: Some(org),
            });
            last = d;
        }
        if organ
            && status == PersonStatus::Active
            && self.chance(0.15)
            && let Some(rank) = &rank
            && last + Duration::days(400) < end
        {
            let d = self.date_between(last + Duration::days(365), end);
            let doc = self.doc(&prefix, "组", d.year());
            self.person_events.push(Ev {
                subject: Subject::Person(pid),
                kind: EventKind::RankChange,
                date: d,
                doc_no: Some(doc),
                detail: Detail::Promoted { rank: rank.clone() },
                from_org: None,
                to_org: None,
            });
        }
        if let Some((_, title)) = leader {
            let d = self.date_between(last.max(AS_OF - Duration::days(365 * 8)), end);
            let doc = self.doc(&prefix, "组", d.year());
            self.person_events.push(Ev {
                subject: Subject::Person(pid),
                kind: EventKind::PostChange,
                date: d,
                doc_no: Some(doc),
                detail: Detail::Appointed {
                    unit: short.clone(),
                    title: title.to_string(),
                },
                from_org: None,
                to_org: None,
            });
        }
        if let Some((d, kind)) = exit {
            let doc = self.doc(&prefix, "人社", d.year());
            self.person_events.push(Ev {
                subject: Subject::Person(pid),
                kind: EventKind::Exit,
                date: d,
                doc_no: Some(doc),
                detail: Detail::Exited {
                    exit: kind,
                    unit: Some(short.clone()),
                },
                from_org: Some(org),
                to_org: None,
            });
        }
    }
}
