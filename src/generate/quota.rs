//! A unit's quota ledger (核定编制 by staffing type and funding, with its history of
//! adjustments) and its leadership posts (领导职数).

use super::*;

impl Gen {
    /// Registers a unit: its quota ledger and leadership posts.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_unit(
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

    pub(super) fn push_post(
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
    pub(super) fn ledger_history(
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
    pub(super) fn push_ledger(
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
}
