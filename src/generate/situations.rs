//! The situations placed on purpose in every region: rare names, staff near and past
//! retirement under each rule, data-quality faults, and the approval inbox.

use super::people::{age_at, retires, today};
use super::{AS_OF, Gen, data};
use crate::model::quota::{QuotaFigure, UnitTally};
use crate::model::retirement::{Rule, retirement_month};
use crate::model::*;
use chrono::{Datelike, Duration, NaiveDate};

const ORGAN_TYPES: [StaffingType; 3] = [
    StaffingType::Administrative,
    StaffingType::PoliticalLegal,
    StaffingType::CivilServiceManaged,
];

impl Gen {
    pub(crate) fn situations(&mut self, ri: usize) {
        self.forced_names(ri);
        self.forced_retirements(ri);
        self.faults(ri);
        self.inbox(ri);
    }

    /// Active, staffed, unmarked persons of a region that hold no leadership post.
    fn plain(&self, ri: usize) -> Vec<usize> {
        let units = self.regions[ri].units.clone();
        let mut out = Vec::new();
        for ui in units {
            for i in self.units[ui].persons.clone() {
                let p = &self.persons[i];
                if p.status == PersonStatus::Active
                    && p.staffing_type.is_some()
                    && p.leader_post.is_none()
                    && !self.marked.contains(&i)
                {
                    out.push(i);
                }
            }
        }
        out
    }

    fn take(&mut self, pool: &mut Vec<usize>, ok: impl Fn(&Person) -> bool) -> Option<usize> {
        let n = pool.len();
        if n == 0 {
            return None;
        }
        let start = self.range(0, n as i64 - 1) as usize;
        let pos = (0..n)
            .map(|k| (start + k) % n)
            .find(|&k| ok(&self.persons[pool[k]]))?;
        let i = pool.swap_remove(pos);
        self.marked.insert(i);
        Some(i)
    }

    fn forced_names(&mut self, ri: usize) {
        let pool = self.plain(ri);
        if pool.is_empty() {
            return;
        }
        let step = (pool.len() / (data::FORCED_NAMES.len() + 1)).max(1);
        for (k, name) in data::FORCED_NAMES.iter().enumerate() {
            if let Some(&i) = pool.get(step / 2 + k * step) {
                self.persons[i].name = name.to_string();
            }
        }
    }

    /// Moves a person's birth so that their retirement month falls in `lo..=hi`, with a
    /// matching ID number.
    fn rebirth(&mut self, i: usize, lo: YearMonth, hi: YearMonth) {
        let p = &self.persons[i];
        let rule = Rule::for_person(p.sex, p.post_type);
        let months: Vec<YearMonth> = (0..40 * 12)
            .map(|k| YearMonth::new(1955, 1).plus_months(k))
            .filter(|&b| {
                let rm = retirement_month(rule, b);
                rm >= lo && rm <= hi
            })
            .collect();
        let b = self.pick(&months);
        let day = self.range(1, 28) as u32;
        let birth = NaiveDate::from_ymd_opt(b.year, b.month, day).expect("valid");
        let area = self.persons[i].id_number[..6].to_string();
        let sex = self.persons[i].sex;
        let id = self.new_id(&area, birth, sex);
        let p = &mut self.persons[i];
        p.birth_date = Some(birth);
        p.id_number = id;
        self.fix_dates(i);
    }

    /// Keeps work start after the 18th birthday and entry after work start.
    fn fix_dates(&mut self, i: usize) {
        let p = &mut self.persons[i];
        let Some(birth) = p.birth_date else { return };
        let eighteen = super::people::years_before(birth, -18);
        if p.work_start.is_some_and(|w| w < eighteen) {
            p.work_start = Some(eighteen + Duration::days(200));
        }
        if let (Some(w), Some(e)) = (p.work_start, p.entry_date)
            && e < w
        {
            p.entry_date = Some(w);
            // The entry document carries the entry year.
            if let Some(doc) = &p.entry_doc
                && let (Some(open), Some(close)) = (doc.find('〔'), doc.find('〕'))
            {
                p.entry_doc = Some(format!("{}〔{}{}", &doc[..open], w.year(), &doc[close..]));
            }
        }
    }

    /// Staff within twelve months of retirement and staff past it still on the books,
    /// under each of the three rules.
    fn forced_retirements(&mut self, ri: usize) {
        let cases = self.regions[ri].profile.cases;
        let mut pool = self.plain(ri);
        let t = today();
        let rules: [fn(&Person) -> bool; 3] = [
            |p| p.sex == Sex::Male,
            |p| p.sex == Sex::Female && p.post_type != PostType::Worker,
            |p| p.sex == Sex::Female && p.post_type == PostType::Worker,
        ];
        for ok in rules {
            for k in 0..cases * 2 {
                let near = k % 2 == 0;
                // Prefer someone already in their forties or older.
                let i = self
                    .take(&mut pool, |p| {
                        ok(p) && p.birth_date.is_some_and(|b| age_at(b, AS_OF) >= 45)
                    })
                    .or_else(|| self.take(&mut pool, ok));
                let Some(i) = i else { continue };
                if near {
                    self.rebirth(i, t.plus_months(1), t.plus_months(11));
                } else {
                    self.rebirth(i, t.plus_months(-14), t.plus_months(-1));
                }
            }
        }
    }

    /// A few data-quality faults of each kind.
    fn faults(&mut self, ri: usize) {
        let cases = self.regions[ri].profile.cases;
        let mut pool = self.plain(ri);
        for _ in 0..cases {
            // A wrong check character.
            if let Some(i) = self.take(&mut pool, |_| true) {
                let id = &mut self.persons[i].id_number;
                let last = id.pop().unwrap_or('0');
                id.push(if last == '0' { '1' } else { '0' });
            }
            // A birth date disagreeing with the ID.
            if let Some(i) = self.take(&mut pool, |_| true) {
                let shift = self.range(3, 400);
                let p = &mut self.persons[i];
                p.birth_date = p.birth_date.map(|b| b - Duration::days(shift));
            }
            // A sex disagreeing with the ID (a man under the men's rule either way).
            if let Some(i) = self.take(&mut pool, |p| p.post_type != PostType::Worker) {
                let p = &mut self.persons[i];
                p.sex = if p.sex == Sex::Male {
                    Sex::Female
                } else {
                    Sex::Male
                };
            }
            // The same person on the books of two units (一人一编).
            if let Some(a) = self.take(&mut pool, |_| true) {
                let org = self.persons[a].org_id;
                if let Some(b) = self.take(&mut pool, |p| p.org_id != org) {
                    let (id, name, sex, birth) = {
                        let p = &self.persons[a];
                        (p.id_number.clone(), p.name.clone(), p.sex, p.birth_date)
                    };
                    let q = &mut self.persons[b];
                    q.id_number = id;
                    q.name = name;
                    q.sex = sex;
                    q.birth_date = birth;
                    self.fix_dates(b);
                }
            }
            // A staffing type the unit has no quota of (人编不对应).
            if let Some(i) = self.take(&mut pool, |_| true) {
                let org = self.persons[i].org_id;
                let ui = self.unit_of(ri, org);
                let has = |t: StaffingType| self.units[ui].quotas.iter().any(|q| q.0 == t);
                let wrong =
                    if has(StaffingType::Administrative) || has(StaffingType::PoliticalLegal) {
                        StaffingType::PublicInstitution
                    } else {
                        StaffingType::Administrative
                    };
                self.persons[i].staffing_type = Some(wrong);
            }
            // Missing required fields.
            if let Some(i) = self.take(&mut pool, |_| true) {
                self.persons[i].birth_date = None;
            }
            if let Some(i) = self.take(&mut pool, |_| true) {
                self.persons[i].education = None;
                self.persons[i].degree = None;
            }
        }
        if let Some(i) = self.take(&mut pool, |_| true) {
            self.persons[i].entry_date = None;
        }
        // One unit with a credit code that fails its check.
        let units = self.regions[ri].units.clone();
        let ui = units.start + (units.len() / 3).min(units.len().saturating_sub(1));
        if let Some(code) = self.orgs[self.units[ui].org as usize - 1]
            .credit_code
            .as_mut()
        {
            let last = code.pop().unwrap_or('0');
            code.push(if last == '0' { '1' } else { '0' });
        }
    }

    fn unit_of(&self, ri: usize, org: OrgId) -> usize {
        self.regions[ri]
            .units
            .clone()
            .find(|&u| self.units[u].org == org)
            .expect("unit of a region")
    }

    /// The unit's figures now, by the model's rules (`model::quota::UnitTally`): its
    /// quotas and post slots, its persons, the plans approved for it.
    fn tally(&self, ui: usize) -> UnitTally {
        let unit = &self.units[ui];
        let mut tally = UnitTally::default();
        for &(t, _, approved) in &unit.quotas {
            tally.ledger(t, approved as i64);
        }
        for &(slot, approved) in &unit.slots {
            tally.post_ledger(slot, approved as i64);
        }
        for i in unit.persons.clone() {
            tally.person(&self.persons[i]);
        }
        for a in self.approvals.iter().filter(|a| a.org_id == unit.org) {
            tally.approval(a);
        }
        tally
    }

    /// The unit's figure for a staffing type now, with approved plans' reservations.
    fn figure(&self, ui: usize, t: StaffingType) -> QuotaFigure {
        self.tally(ui).figures().quota_of(t)
    }

    /// (核定职数, 实配) of a post slot of the unit now.
    fn post_fill(&self, ui: usize, slot: PostSlot) -> (i64, i64) {
        let f = self.tally(ui).figures().post_of(slot);
        (f.approved, f.actual)
    }

    /// A unit of the region, searched from a random start, that satisfies `ok`.
    fn find_unit(&mut self, ri: usize, ok: impl Fn(&Gen, usize) -> bool) -> Option<usize> {
        let units = self.regions[ri].units.clone();
        let n = units.len();
        if n == 0 {
            return None;
        }
        let start = self.range(0, n as i64 - 1) as usize;
        (0..n)
            .map(|k| units.start + (start + k) % n)
            .find(|&u| ok(self, u))
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &mut self,
        kind: ApprovalKind,
        ui: usize,
        person: Option<usize>,
        t: Option<StaffingType>,
        amount: i32,
        summary: String,
    ) -> usize {
        let org = self.units[ui].org;
        let short = self.units[ui].short.clone();
        let clerk_sex = if self.chance(0.5) {
            Sex::Male
        } else {
            Sex::Female
        };
        let clerk = self.random_name(clerk_sex);
        let submitted_on = AS_OF - Duration::days(self.range(1, 30));
        self.approvals.push(Approval {
            id: 0,
            kind,
            org_id: org,
            person_id: person.map(|i| self.persons[i].id),
            staffing_type: t,
            amount,
            post: None,
            new_name: None,
            new_level: None,
            new_parent_id: None,
            exit_kind: None,
            doc_no: None,
            summary,
            submitted_by: format!("{short}-{clerk}"),
            submitted_on,
            status: ApprovalStatus::Pending,
            decided_by: None,
            decided_on: None,
            comment: None,
            plan_used: 0,
            change: None,
        });
        self.approvals.len() - 1
    }

    fn decide(&mut self, ri: usize, a: usize, status: ApprovalStatus, comment: &str) {
        let prefix = self.regions[ri].prefix.clone();
        let by = self.operator();
        let submitted = self.approvals[a].submitted_on;
        let decided = (submitted + Duration::days(self.range(0, 3))).min(AS_OF);
        let doc =
            (status == ApprovalStatus::Approved).then(|| self.doc(&prefix, "编", decided.year()));
        let x = &mut self.approvals[a];
        x.status = status;
        x.decided_by = Some(by);
        x.decided_on = Some(decided);
        x.comment = Some(comment.to_string());
        x.doc_no = doc;
    }

    fn plan_summary(&self, ui: usize, t: StaffingType, amount: i32) -> String {
        let purpose = if ORGAN_TYPES.contains(&t) {
            "公务员考试录用"
        } else {
            "公开招聘工作人员"
        };
        format!(
            "{}申请使用{}{amount}名，用于{purpose}",
            self.units[ui].short,
            t.zh()
        )
    }

    /// The approval inbox: decided requests (some approved plans still holding places)
    /// and open requests of every kind, some of which would overdraw.
    fn inbox(&mut self, ri: usize) {
        let n = self.regions[ri].profile.cases;
        // Approved plans, partly used: they reserve places.
        for k in 0..=n {
            let Some(ui) = self.find_unit(ri, |g, u| {
                let t = g.units[u].quotas[0].0;
                let f = g.figure(u, t);
                f.usable >= 2 && f.reserved == 0
            }) else {
                continue;
            };
            let t = self.units[ui].quotas[0].0;
            let usable = self.figure(ui, t).usable;
            let amount = self.range(2, usable.min(4)) as i32;
            let a = self.request(
                ApprovalKind::StaffingPlan,
                ui,
                None,
                Some(t),
                amount,
                self.plan_summary(ui, t, amount),
            );
            self.approvals[a].submitted_on = AS_OF - Duration::days(self.range(20, 30));
            self.decide(
                ri,
                a,
                ApprovalStatus::Approved,
                "同意。请按规定程序组织招聘。",
            );
            // The last one is fully used: it no longer reserves anything.
            self.approvals[a].plan_used = if k == n {
                amount
            } else {
                self.range(0, amount as i64 - 1) as i32
            };
        }
        // Open staffing plans: within the usable figure, and beyond it.
        for k in 0..n * 2 {
            let over = k % 2 == 1;
            let Some(ui) = self.find_unit(ri, |g, u| {
                let f = g.figure(u, g.units[u].quotas[0].0);
                if over { f.usable <= 2 } else { f.usable >= 1 }
            }) else {
                continue;
            };
            let t = self.units[ui].quotas[0].0;
            let usable = self.figure(ui, t).usable as i32;
            let amount = if over {
                usable + self.range(1, 3) as i32
            } else {
                self.range(1, usable.min(3) as i64) as i32
            };
            self.request(
                ApprovalKind::StaffingPlan,
                ui,
                None,
                Some(t),
                amount,
                self.plan_summary(ui, t, amount),
            );
        }
        // Open entries of named persons (拟入编): into a vacancy, and into a frozen unit.
        for k in 0..n * 2 {
            let frozen = k % 2 == 1;
            let Some(ui) = self.find_unit(ri, |g, u| {
                let f = g.figure(u, g.units[u].quotas[0].0);
                if frozen { f.is_frozen() } else { f.usable >= 1 }
            }) else {
                continue;
            };
            let (t, f, _) = self.units[ui].quotas[0];
            let p = self.new_person(ui, Some(t), Some(f), PersonStatus::Pending);
            let i = self.push_person(p);
            let p = &self.persons[i];
            let summary = format!(
                "{}经{}拟进入{}，占用{}1名",
                p.name,
                p.entry_form.map(|f| f.zh()).unwrap_or("公开招聘"),
                self.units[ui].short,
                t.zh()
            );
            self.request(ApprovalKind::Entry, ui, Some(i), Some(t), 1, summary);
        }
        // Open exits: retirements and transfers out.
        let mut pool = self.plain(ri);
        for k in 0..n * 2 {
            let retire = k % 2 == 0;
            let t = today();
            let i = if retire {
                self.take(&mut pool, |p| {
                    p.birth_date
                        .is_some_and(|b| retires(p, b) <= t.plus_months(6))
                })
                .or_else(|| {
                    self.take(&mut pool, |p| {
                        p.birth_date.is_some_and(|b| age_at(b, AS_OF) >= 50)
                    })
                })
            } else {
                self.take(&mut pool, |_| true)
            };
            let Some(i) = i else { continue };
            let org = self.persons[i].org_id;
            let ui = self.unit_of(ri, org);
            let kind = if retire {
                ExitKind::Retirement
            } else {
                ExitKind::TransferOut
            };
            let p = &self.persons[i];
            let summary = format!(
                "{}{}，申请减员出编",
                p.name,
                if retire {
                    "到龄退休"
                } else {
                    "调出本单位"
                }
            );
            let a = self.request(ApprovalKind::Exit, ui, Some(i), p.staffing_type, 1, summary);
            self.approvals[a].exit_kind = Some(kind);
        }
        // Open leadership posts: a free post, and a full one.
        for k in 0..n * 2 {
            let full = k % 2 == 1;
            let Some(ui) = self.find_unit(ri, |g, u| {
                let (a, x) = g.post_fill(u, g.units[u].slots[1].0);
                if full { x >= a } else { x < a }
            }) else {
                continue;
            };
            let slot = self.units[ui].slots[1].0;
            let main = self.units[ui].quotas[0].0;
            let range = self.units[ui].persons.clone();
            let cands: Vec<usize> = range
                .filter(|&i| {
                    let p = &self.persons[i];
                    p.status == PersonStatus::Active
                        && p.leader_post.is_none()
                        && p.staffing_type == Some(main)
                        && !self.marked.contains(&i)
                })
                .collect();
            if cands.is_empty() {
                continue;
            }
            let i = self.pick(&cands);
            self.marked.insert(i);
            let summary = format!(
                "拟任命{}为{}{}，使用{}职数1名",
                self.persons[i].name, self.units[ui].short, self.units[ui].deputy, slot
            );
            let a = self.request(ApprovalKind::LeaderPost, ui, Some(i), None, 1, summary);
            self.approvals[a].post = Some(slot);
        }
        // Open reorganisations: a rename, a level change, a move; one per unit (two
        // open requests to change the same unit would contradict each other).
        let mut reorganised = Vec::new();
        for k in 0..n + 1 {
            let Some(ui) = self.find_unit(ri, |g, u| {
                let o = &g.orgs[g.units[u].org as usize - 1];
                o.kind == OrgKind::PublicInstitution
                    && (k % 3 != 0 || renamed(&o.name) != o.name)
                    && !reorganised.contains(&u)
            }) else {
                continue;
            };
            reorganised.push(ui);
            let org = self.units[ui].org;
            let o = self.orgs[org as usize - 1].clone();
            let a = self.request(
                ApprovalKind::Reorganisation,
                ui,
                None,
                None,
                0,
                String::new(),
            );
            match k % 3 {
                0 => {
                    let new = renamed(&o.name);
                    self.approvals[a].summary = format!("申请将{}更名为{new}", o.name);
                    self.approvals[a].new_name = Some(new);
                }
                1 => {
                    let level = o.level.unwrap_or(Level::Unit);
                    let up = Level::from_code(level.code() as i64 - 1).unwrap_or(level);
                    self.approvals[a].summary =
                        format!("申请将{}机构规格由{}调整为{}", o.name, level.zh(), up.zh());
                    self.approvals[a].new_level = Some(up);
                }
                _ => {
                    let target = self.regions[ri]
                        .dept("{R}人民政府办公室")
                        .or(self.regions[ri].dept("中共{R}委办公室"))
                        .filter(|&t| Some(t) != o.parent_id)
                        .unwrap_or(self.regions[ri].org);
                    let tname = self.orgs[target as usize - 1].name.clone();
                    self.approvals[a].summary =
                        format!("申请将{}调整为{tname}所属事业单位", o.name);
                    self.approvals[a].new_parent_id = Some(target);
                }
            }
        }
        // Decided requests besides the plans: returned and rejected ones.
        if let Some(ui) = self.find_unit(ri, |g, u| g.figure(u, g.units[u].quotas[0].0).usable >= 1)
        {
            let t = self.units[ui].quotas[0].0;
            let a = self.request(
                ApprovalKind::StaffingPlan,
                ui,
                None,
                Some(t),
                1,
                self.plan_summary(ui, t, 1),
            );
            self.decide(
                ri,
                a,
                ApprovalStatus::Returned,
                "请补充用编理由和招聘岗位说明后重新报送。",
            );
        }
        if let Some(ui) = self.find_unit(ri, |g, u| {
            let (a, x) = g.post_fill(u, g.units[u].slots[1].0);
            x >= a
        }) {
            let slot = self.units[ui].slots[1].0;
            if let Some(i) = self.units[ui].persons.clone().find(|&i| {
                self.persons[i].status == PersonStatus::Active
                    && self.persons[i].leader_post.is_none()
                    && self.persons[i].staffing_type.is_some()
            }) {
                let summary = format!(
                    "拟任命{}为{}{}，使用{}职数1名",
                    self.persons[i].name, self.units[ui].short, self.units[ui].deputy, slot
                );
                let a = self.request(ApprovalKind::LeaderPost, ui, Some(i), None, 1, summary);
                self.approvals[a].post = Some(slot);
                self.decide(
                    ri,
                    a,
                    ApprovalStatus::Rejected,
                    "该单位此级别领导职数已满，不同意。",
                );
            }
        }
        if let Some(ui) = self.find_unit(ri, |g, u| {
            g.orgs[g.units[u].org as usize - 1].kind == OrgKind::Institution
        }) {
            let o = self.orgs[self.units[ui].org as usize - 1].clone();
            let level = o.level.unwrap_or(Level::Unit);
            let up = Level::from_code(level.code() as i64 - 1).unwrap_or(level);
            let a = self.request(
                ApprovalKind::Reorganisation,
                ui,
                None,
                None,
                0,
                format!("申请将{}机构规格由{}调整为{}", o.name, level.zh(), up.zh()),
            );
            self.approvals[a].new_level = Some(up);
            self.decide(
                ri,
                a,
                ApprovalStatus::Rejected,
                "不符合机构规格设置规定，不同意。",
            );
        }
    }
}

/// A plausible new name for a public institution, or the same name if none fits.
fn renamed(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("服务中心") {
        format!("{stem}发展中心")
    } else if let Some(stem) = name.strip_suffix("中心") {
        format!("{stem}服务中心")
    } else if let Some(stem) = name.strip_suffix("站") {
        format!("{stem}服务中心")
    } else if let Some(stem) = name.strip_suffix("卫生院") {
        format!("{stem}中心卫生院")
    } else if let Some(stem) = name.strip_suffix("初级中学") {
        format!("{stem}实验中学")
    } else {
        name.to_string()
    }
}
