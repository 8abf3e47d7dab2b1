//! What deciding a request would do: the effect preview an operator reads before
//! deciding (`空编 3 → 2`), the warnings it raises, and the check the server makes before
//! it accepts an approval. One function serves both sides, so they cannot disagree.

use super::quota::{Figures, PostFigure, QuotaFigure};
use super::retirement::{Rule, retirement_month};
use super::{Approval, ApprovalKind, Lang, OrgId, Person, YearMonth};
use serde::{Deserialize, Serialize};

/// Labels of the changes a 机构调整 makes (before values filled in by the caller).
pub const REORG_NAME: &str = "名称";
pub const REORG_LEVEL: &str = "机构规格";
pub const REORG_PARENT: &str = "隶属";

/// What the request is judged against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The unit's own figures now.
    pub figures: &'a Figures,
    /// The person the request names, if any.
    pub person: Option<&'a Person>,
    /// Another unit whose books already hold the same ID number (一人一编).
    pub on_other_books: Option<OrgId>,
    /// For a 机构调整 that moves the unit: whether the new parent may take it (see
    /// [`move_allowed`]). True when the request moves nothing.
    pub new_parent_allowed: bool,
    pub today: YearMonth,
}

/// Whether a unit may move under `new_parent`: a unit of the jurisdiction, and not the
/// unit itself or one below it (that would make the tree a cycle).
pub fn move_allowed(new_parent: OrgId, in_jurisdiction: bool, own_subtree: &[OrgId]) -> bool {
    in_jurisdiction && !own_subtree.contains(&new_parent)
}

/// One figure before and after: `空编 3 → 2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub what: String,
    pub before: String,
    pub after: String,
}

impl Change {
    /// One figure before and after in the reader's language (`空编 3 → 2` / `administrative
    /// vacant 3 → 2`), the arrow in ASCII under `ascii`.
    pub fn say(&self, lang: Lang, ascii: bool) -> String {
        let arrow = if ascii { "->" } else { "→" };
        let (before, after) = match (lang, self.what.as_str()) {
            (Lang::En, REORG_LEVEL) => {
                let l = |s: &str| super::Level::parse(s).map_or(s.to_string(), |l| l.en().into());
                (l(&self.before), l(&self.after))
            }
            _ => (self.before.clone(), self.after.clone()),
        };
        format!("{} {before} {arrow} {after}", self.what(lang))
    }

    /// What changes, in the reader's language: `行政编制空编` / `administrative vacant`.
    pub fn what(&self, lang: Lang) -> String {
        let what = self.what.as_str();
        if lang == Lang::Zh {
            return what.to_string();
        }
        match what {
            REORG_NAME => return "Name".into(),
            REORG_LEVEL => return "Level".into(),
            REORG_PARENT => return "Parent".into(),
            _ => {}
        }
        if let Some(slot) = what.strip_suffix("职数").and_then(parse_slot) {
            return format!("{} {} posts", slot.level.en(), slot.rank.en());
        }
        for (zh, en) in FIGURES {
            if let Some(t) = what.strip_suffix(zh) {
                let t = super::StaffingType::parse(t).map_or(t.to_string(), |t| t.en().into());
                return format!("{t} {en}");
            }
        }
        what.to_string()
    }

    /// Whether it is a count of vacant places or of posts (what the inbox's list shows
    /// first).
    pub fn is_vacancy_or_posts(&self) -> bool {
        self.what.ends_with("空编") || self.what.ends_with("职数")
    }
}

/// The figures a preview names, as `quota_changes` writes them after the staffing type.
const FIGURES: [(&str, &str); 5] = [
    ("实有", "actual"),
    ("已批未用", "reserved"),
    ("超编", "over"),
    ("空编", "vacant"),
    ("可使用", "usable"),
];

/// A post slot as `PostSlot`'s `Display` writes it (正科级正职).
fn parse_slot(s: &str) -> Option<super::PostSlot> {
    super::Level::ALL.iter().find_map(|l| {
        let rank = super::PostRank::parse(s.strip_prefix(l.zh())?)?;
        Some(super::PostSlot { level: *l, rank })
    })
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} → {}", self.what, self.before, self.after)
    }
}

/// What a request lacks to be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lacks {
    /// 人员
    Person,
    /// 编制类型
    StaffingType,
    /// 职数级别
    Post,
    /// 变更内容: a reviewed change without the change itself.
    Change,
}

impl Lacks {
    pub fn say(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Lacks::Person, Lang::Zh) => "人员",
            (Lacks::Person, Lang::En) => "a person",
            (Lacks::StaffingType, Lang::Zh) => "编制类型",
            (Lacks::StaffingType, Lang::En) => "a staffing type",
            (Lacks::Post, Lang::Zh) => "职数级别",
            (Lacks::Post, Lang::En) => "a post level",
            (Lacks::Change, Lang::Zh) => "变更内容",
            (Lacks::Change, Lang::En) => "the change itself",
        }
    }
}

/// A reason to hesitate before approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// Approval would take more places than are usable.
    Overdraws { wanted: i64, usable: i64 },
    /// The unit is full or over for this staffing type: new requests are frozen.
    Frozen,
    /// The post slot has no free post.
    PostsOverdrawn { approved: i64, actual: i64 },
    /// The person has reached the statutory retirement age.
    PastRetirement { month: YearMonth },
    /// The person is already on another unit's books.
    OnOtherBooks { org_id: OrgId },
    /// The person is already on the books of a unit outside the jurisdiction: the
    /// server's refusal, which names no such unit, not even by its id.
    OnBooksOutside,
    /// The request lacks what it needs (staffing type, post, person).
    Incomplete(Lacks),
    /// The request names a person who is not in the jurisdiction (or not at all).
    PersonNotInJurisdiction,
    /// The new parent of a move is outside the jurisdiction or below the unit itself.
    ParentNotAllowed,
}

impl Warning {
    /// Whether the server refuses an approval carrying this warning.
    pub fn blocks_approval(&self) -> bool {
        !matches!(self, Warning::PastRetirement { .. })
    }

    /// The warning in Chinese (the JSON's `message`, older clients).
    pub fn message(&self) -> String {
        self.say(Lang::Zh)
    }

    /// The warning in the reader's language.
    pub fn say(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Warning::Overdraws { wanted, usable } if zh => {
                format!("超出可使用编制：申请{wanted}名，可使用{usable}名")
            }
            Warning::Overdraws { wanted, usable } => {
                format!("over the usable quota: {wanted} requested, {usable} usable")
            }
            Warning::Frozen if zh => "该单位此类编制满编或超编，用编已冻结".into(),
            Warning::Frozen => {
                "the unit is full or over for this staffing type: new staffing is frozen".into()
            }
            Warning::PostsOverdrawn { approved, actual } if zh => {
                format!("领导职数已满：核定{approved}名，实配{actual}名")
            }
            Warning::PostsOverdrawn { approved, actual } => {
                format!("no free leadership post: {approved} approved, {actual} filled")
            }
            Warning::PastRetirement { month } if zh => format!("此人已到法定退休年龄（{month}）"),
            Warning::PastRetirement { month } => {
                format!("this person has reached the statutory retirement age ({month})")
            }
            Warning::OnOtherBooks { org_id } if zh => {
                format!("此人已在其他单位（编号{org_id}）在编")
            }
            Warning::OnOtherBooks { org_id } => {
                format!("this person is on the books of another unit (ID {org_id})")
            }
            Warning::OnBooksOutside if zh => "此人已在您管辖范围以外的单位在编".into(),
            Warning::OnBooksOutside => {
                "this person is on the books of a unit outside your jurisdiction".into()
            }
            Warning::Incomplete(what) if zh => format!("申请缺少{}", what.say(lang)),
            Warning::Incomplete(what) => format!("the request lacks {}", what.say(lang)),
            Warning::PersonNotInJurisdiction if zh => "申请涉及的人员不在您的管辖范围内".into(),
            Warning::PersonNotInJurisdiction => {
                "the person of the request is outside your jurisdiction".into()
            }
            Warning::ParentNotAllowed if zh => {
                "新的上级单位不在您的管辖范围内或位于本单位之下，无法调整隶属".into()
            }
            Warning::ParentNotAllowed => {
                "the new parent unit is outside your jurisdiction or below this unit".into()
            }
        }
    }
}

/// The preview shown before deciding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Effect {
    pub changes: Vec<Change>,
    pub warnings: Vec<Warning>,
}

impl Effect {
    pub fn blocks_approval(&self) -> bool {
        self.warnings.iter().any(Warning::blocks_approval)
    }
}

fn change(what: impl Into<String>, before: impl ToString, after: impl ToString) -> Change {
    Change {
        what: what.into(),
        before: before.to_string(),
        after: after.to_string(),
    }
}

fn quota_changes(label: &str, before: QuotaFigure, after: QuotaFigure) -> Vec<Change> {
    let mut out = Vec::new();
    let prefix = |s: &str| format!("{label}{s}");
    if before.actual != after.actual {
        out.push(change(prefix("实有"), before.actual, after.actual));
    }
    if before.reserved != after.reserved {
        out.push(change(prefix("已批未用"), before.reserved, after.reserved));
    }
    if before.over > 0 || after.over > 0 {
        out.push(change(prefix("超编"), before.over, after.over));
    }
    if before.vacant != after.vacant {
        out.push(change(prefix("空编"), before.vacant, after.vacant));
    }
    if before.usable != after.usable {
        out.push(change(prefix("可使用"), before.usable, after.usable));
    }
    out
}

/// The unit's figures after the request is approved.
pub fn figures_after(a: &Approval, ctx: &Context) -> Figures {
    let mut after = ctx.figures.clone();
    let set_quota = |after: &mut Figures, t, f: QuotaFigure| {
        if let Some(slot) = after.quota.iter_mut().find(|(k, _)| *k == t) {
            slot.1 = f;
        } else {
            after.add_quota(t, f);
        }
    };
    match a.kind {
        ApprovalKind::StaffingPlan => {
            if let Some(t) = a.staffing_type {
                let f = ctx.figures.quota_of(t);
                set_quota(
                    &mut after,
                    t,
                    QuotaFigure::unit(f.approved, f.actual, f.reserved + a.amount as i64),
                );
            }
        }
        ApprovalKind::Entry => {
            if let Some(t) = a.staffing_type {
                let f = ctx.figures.quota_of(t);
                // An entry uses up a place an approved plan held back, if there is one.
                let reserved = (f.reserved - 1).max(0);
                set_quota(
                    &mut after,
                    t,
                    QuotaFigure::unit(f.approved, f.actual + 1, reserved),
                );
            }
        }
        ApprovalKind::Exit => {
            if let Some(p) = ctx.person {
                if let Some(t) = p.staffing_type.filter(|_| p.occupies_quota()) {
                    let f = ctx.figures.quota_of(t);
                    set_quota(
                        &mut after,
                        t,
                        QuotaFigure::unit(f.approved, f.actual - 1, f.reserved),
                    );
                }
                if let Some(s) = p.leader_post {
                    let f = ctx.figures.post_of(s);
                    if let Some(slot) = after.posts.iter_mut().find(|(k, _)| *k == s) {
                        slot.1 = PostFigure::unit(f.approved, f.actual - 1);
                    }
                }
            }
        }
        ApprovalKind::LeaderPost => {
            if let Some(s) = a.post {
                let f = ctx.figures.post_of(s);
                let g = PostFigure::unit(f.approved, f.actual + 1);
                match after.posts.iter_mut().find(|(k, _)| *k == s) {
                    Some(slot) => slot.1 = g,
                    None => after.add_post(s, g),
                }
            }
        }
        // What a reviewed change does is judged when it is approved (store::maintain).
        ApprovalKind::Reorganisation | ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange => {
        }
    }
    after
}

/// Previews a request: the figures it changes and the warnings it raises. A warning
/// that [`Warning::blocks_approval`] is exactly a reason the server refuses an approval:
/// the server calls this same function and refuses on any of them.
pub fn preview(a: &Approval, ctx: &Context) -> Effect {
    let mut effect = Effect::default();
    let needs_person = matches!(
        a.kind,
        ApprovalKind::Entry | ApprovalKind::Exit | ApprovalKind::LeaderPost
    );
    match (a.person_id, ctx.person) {
        (Some(_), None) => effect.warnings.push(Warning::PersonNotInJurisdiction),
        (None, _) if needs_person => effect.warnings.push(Warning::Incomplete(Lacks::Person)),
        _ => {}
    }
    let after = figures_after(a, ctx);
    match a.kind {
        ApprovalKind::StaffingPlan | ApprovalKind::Entry => {
            let Some(t) = a.staffing_type else {
                effect
                    .warnings
                    .push(Warning::Incomplete(Lacks::StaffingType));
                return effect;
            };
            let before = ctx.figures.quota_of(t);
            effect.changes = quota_changes(t.zh(), before, after.quota_of(t));
            let wanted = a.amount.max(1) as i64;
            // An entry may use a place its approved plan reserved; a plan needs free places.
            let available = match a.kind {
                ApprovalKind::Entry => before.usable + before.reserved.min(before.vacant),
                _ => before.usable,
            };
            if before.is_frozen() {
                effect.warnings.push(Warning::Frozen);
            }
            if wanted > available {
                effect.warnings.push(Warning::Overdraws {
                    wanted,
                    usable: available,
                });
            }
        }
        ApprovalKind::Exit => {
            if let Some(p) = ctx.person {
                if let Some(t) = p.staffing_type {
                    effect.changes =
                        quota_changes(t.zh(), ctx.figures.quota_of(t), after.quota_of(t));
                }
                if let Some(s) = p.leader_post {
                    let (b, f) = (ctx.figures.post_of(s), after.post_of(s));
                    effect.changes.push(change(
                        format!("{s}职数"),
                        format!("{}/{}", b.actual, b.approved),
                        format!("{}/{}", f.actual, f.approved),
                    ));
                }
            }
        }
        ApprovalKind::LeaderPost => {
            let Some(s) = a.post else {
                effect.warnings.push(Warning::Incomplete(Lacks::Post));
                return effect;
            };
            let (b, f) = (ctx.figures.post_of(s), after.post_of(s));
            effect.changes.push(change(
                format!("{s}职数"),
                format!("{}/{}", b.actual, b.approved),
                format!("{}/{}", f.actual, f.approved),
            ));
            if b.actual >= b.approved {
                effect.warnings.push(Warning::PostsOverdrawn {
                    approved: b.approved,
                    actual: b.actual,
                });
            }
        }
        ApprovalKind::Reorganisation => {
            // The current values are the unit's; callers holding the unit fill them in.
            if let Some(n) = &a.new_name {
                effect.changes.push(change(REORG_NAME, "", n));
            }
            if let Some(l) = a.new_level {
                effect.changes.push(change(REORG_LEVEL, "", l.zh()));
            }
            if let Some(p) = a.new_parent_id {
                effect.changes.push(change(REORG_PARENT, "", p));
                if !ctx.new_parent_allowed {
                    effect.warnings.push(Warning::ParentNotAllowed);
                }
            }
        }
        ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange => {
            if a.change.is_none() {
                effect.warnings.push(Warning::Incomplete(Lacks::Change));
            }
        }
    }
    if matches!(a.kind, ApprovalKind::Entry | ApprovalKind::LeaderPost)
        && let Some(p) = ctx.person
        && let Some(b) = p.birth_date
    {
        let month = retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(b));
        if month <= ctx.today {
            effect.warnings.push(Warning::PastRetirement { month });
        }
    }
    if a.kind == ApprovalKind::Entry
        && let Some(org_id) = ctx.on_other_books
    {
        effect.warnings.push(Warning::OnOtherBooks { org_id });
    }
    effect
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use chrono::NaiveDate;

    pub(crate) fn request(kind: ApprovalKind) -> Approval {
        Approval {
            id: 1,
            kind,
            org_id: 10,
            person_id: None,
            staffing_type: Some(StaffingType::Administrative),
            amount: 1,
            post: None,
            new_name: None,
            new_level: None,
            new_parent_id: None,
            exit_kind: None,
            doc_no: None,
            summary: String::new(),
            submitted_by: "单位".into(),
            submitted_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            status: ApprovalStatus::Pending,
            decided_by: None,
            decided_on: None,
            comment: None,
            plan_used: 0,
            change: None,
        }
    }

    fn figures(approved: i64, actual: i64, reserved: i64) -> Figures {
        let mut f = Figures::default();
        f.add_quota(
            StaffingType::Administrative,
            QuotaFigure::unit(approved, actual, reserved),
        );
        f
    }

    fn ctx(f: &Figures) -> Context<'_> {
        Context {
            figures: f,
            person: None,
            on_other_books: None,
            new_parent_allowed: true,
            today: YearMonth::new(2026, 11),
        }
    }

    /// A person of 35 with no staffing yet, the subject of entries and post requests.
    fn someone() -> Person {
        Person {
            id: 1,
            org_id: 10,
            name: "张三".into(),
            id_number: String::new(),
            sex: Sex::Male,
            birth_date: NaiveDate::from_ymd_opt(1991, 3, 1),
            ethnicity: "汉族".into(),
            political_status: None,
            funding_type: None,
            work_start: None,
            entry_form: None,
            entry_doc: None,
            entry_date: None,
            post: None,
            rank: None,
            post_type: PostType::Management,
            school: None,
            education: None,
            degree: None,
            major: None,
            staffing_type: None,
            leader_post: None,
            status: PersonStatus::Active,
            exit_kind: None,
            exit_date: None,
        }
    }

    /// A request about `someone`, judged with them in the context.
    fn about(kind: ApprovalKind) -> Approval {
        Approval {
            person_id: Some(1),
            ..request(kind)
        }
    }

    fn ctx_with<'a>(f: &'a Figures, p: &'a Person) -> Context<'a> {
        Context {
            person: Some(p),
            ..ctx(f)
        }
    }

    #[test]
    fn a_request_about_a_person_needs_the_person() {
        let f = figures(10, 7, 0);
        for kind in [
            ApprovalKind::Entry,
            ApprovalKind::Exit,
            ApprovalKind::LeaderPost,
        ] {
            let e = preview(&request(kind), &ctx(&f));
            assert!(
                e.warnings.contains(&Warning::Incomplete(Lacks::Person)),
                "{kind}"
            );
            assert!(e.blocks_approval());
            // Named but not in the jurisdiction (or nowhere).
            let e = preview(&about(kind), &ctx(&f));
            assert!(
                e.warnings.contains(&Warning::PersonNotInJurisdiction),
                "{kind}"
            );
        }
        let mut a = request(ApprovalKind::Reorganisation);
        a.new_parent_id = Some(3);
        let c = Context {
            new_parent_allowed: false,
            ..ctx(&f)
        };
        assert_eq!(preview(&a, &c).warnings, vec![Warning::ParentNotAllowed]);
        assert!(move_allowed(3, true, &[10, 11]));
        assert!(!move_allowed(11, true, &[10, 11]));
        assert!(!move_allowed(3, false, &[10, 11]));
    }

    #[test]
    fn plan_reserves_places() {
        let f = figures(10, 7, 0);
        let mut a = request(ApprovalKind::StaffingPlan);
        a.amount = 2;
        let e = preview(&a, &ctx(&f));
        assert!(
            e.changes
                .iter()
                .any(|c| c.to_string() == "行政编制可使用 3 → 1"),
            "{:?}",
            e.changes
        );
        assert!(e.warnings.is_empty());
        a.amount = 4;
        let e = preview(&a, &ctx(&f));
        assert_eq!(
            e.warnings,
            vec![Warning::Overdraws {
                wanted: 4,
                usable: 3
            }]
        );
        assert!(e.blocks_approval());
    }

    #[test]
    fn entry_lowers_the_vacancy() {
        let f = figures(10, 7, 0);
        let p = someone();
        let e = preview(&about(ApprovalKind::Entry), &ctx_with(&f, &p));
        assert!(
            e.changes
                .iter()
                .any(|c| c.to_string() == "行政编制空编 3 → 2")
        );
        assert!(!e.blocks_approval());
    }

    #[test]
    fn entry_may_use_a_reserved_place_but_not_a_frozen_unit() {
        let f = figures(10, 9, 1);
        let p = someone();
        let e = preview(&about(ApprovalKind::Entry), &ctx_with(&f, &p));
        assert!(e.warnings.is_empty(), "{:?}", e.warnings);
        let after = figures_after(&request(ApprovalKind::Entry), &ctx(&f))
            .quota_of(StaffingType::Administrative);
        assert_eq!((after.actual, after.reserved, after.vacant), (10, 0, 0));
        let f = figures(10, 10, 0);
        let e = preview(&request(ApprovalKind::Entry), &ctx_with(&f, &p));
        assert!(e.warnings.contains(&Warning::Frozen));
    }

    #[test]
    fn leader_post_shows_fill() {
        let mut f = Figures::default();
        let slot = PostSlot {
            level: Level::SectionFull,
            rank: PostRank::Chief,
        };
        f.add_post(slot, PostFigure::unit(3, 2));
        let mut a = about(ApprovalKind::LeaderPost);
        a.post = Some(slot);
        let p = someone();
        let e = preview(&a, &ctx_with(&f, &p));
        assert_eq!(e.changes[0].to_string(), "正科级正职职数 2/3 → 3/3");
        assert!(e.warnings.is_empty());
        f.posts[0].1 = PostFigure::unit(3, 3);
        assert!(preview(&a, &ctx_with(&f, &p)).blocks_approval());
    }
}
