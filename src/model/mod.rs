//! The domain: types and rules of real-name staffing administration. Pure: no I/O.
//! Both the reference server and the client call these rules; nothing else restates them.

pub mod approval;
pub mod checks;
pub mod edit;
pub mod forecast;
pub mod history;
pub mod idcard;
mod labels;
pub mod placement;
pub mod quota;
pub mod refusal;
pub mod retirement;

pub use labels::*;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub type OrgId = i64;
pub type PersonId = i64;
pub type ApprovalId = i64;

/// Interface language. Chinese is the default; English on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A calendar month, the resolution of every retirement figure (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Self {
        debug_assert!((1..=12).contains(&month));
        YearMonth { year, month }
    }
    pub fn of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
    /// Months since year 0, so that differences are month counts.
    pub fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }
    pub fn from_index(index: i64) -> Self {
        YearMonth {
            year: index.div_euclid(12) as i32,
            month: (index.rem_euclid(12) + 1) as u32,
        }
    }
    pub fn plus_months(self, months: i64) -> Self {
        Self::from_index(self.index() + months)
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("not a month (YYYY-MM): {s}"));
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let (year, month) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(YearMonth { year, month })
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A leadership post slot (领导职数): the post's level and whether it is 正职 or 副职.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PostSlot {
    pub level: Level,
    pub rank: PostRank,
}

impl std::fmt::Display for PostSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // 正科级 + 正职 reads "正科级正职"
        write!(f, "{}{}", self.level.zh(), self.rank.zh())
    }
}

/// A node of the institution tree (机构设置).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Org {
    pub id: OrgId,
    /// 隶属关系: None only for the root region of a jurisdiction.
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    /// 单位全称
    pub name: String,
    pub short_name: Option<String>,
    pub category: Option<Category>,
    pub level: Option<Level>,
    pub nature: Option<Nature>,
    /// 统一社会信用代码 (GB 32100)
    pub credit_code: Option<String>,
    /// 中文域名, e.g. `示例市教育局.政务`
    pub domain_name: Option<String>,
    /// 设立文件
    pub founding_doc: Option<String>,
    pub founding_date: Option<NaiveDate>,
    /// Display order among siblings.
    pub sort: i32,
    pub abolished: bool,
}

/// One entry of a unit's quota ledger (编制台账). The approved quota of a unit for a
/// staffing type is the sum of its entries' deltas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub org_id: OrgId,
    /// 批准文号, e.g. `示编〔2021〕12号`
    pub doc_no: String,
    pub date: NaiveDate,
    pub staffing_type: StaffingType,
    pub funding_type: Option<FundingType>,
    /// +/- amount
    pub delta: i32,
    /// 变动摘要
    pub summary: String,
    /// 特殊编制 (e.g. earmarked for a policy): counted like any other.
    pub special: bool,
}

/// One entry of a unit's leadership-post ledger (领导职数核定).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostEntry {
    pub id: i64,
    pub org_id: OrgId,
    pub doc_no: String,
    pub date: NaiveDate,
    pub slot: PostSlot,
    pub delta: i32,
    pub summary: String,
}

/// A person on (or once on) the books (实有人员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub org_id: OrgId,
    pub name: String,
    /// 身份证号 (GB 11643). Personal data: masked unless explicitly revealed.
    pub id_number: String,
    pub sex: Sex,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub political_status: Option<PoliticalStatus>,
    pub funding_type: Option<FundingType>,
    /// 参加工作时间
    pub work_start: Option<NaiveDate>,
    pub entry_form: Option<EntryForm>,
    /// 入编文号
    pub entry_doc: Option<String>,
    /// 入编时间
    pub entry_date: Option<NaiveDate>,
    /// 职务
    pub post: Option<String>,
    /// 职级 or 职称
    pub rank: Option<String>,
    pub post_type: PostType,
    pub school: Option<String>,
    pub education: Option<Education>,
    pub degree: Option<Degree>,
    pub major: Option<String>,
    /// 占编类型; None is 编外.
    pub staffing_type: Option<StaffingType>,
    /// The leadership post held, if any (实配 of 领导职数).
    pub leader_post: Option<PostSlot>,
    pub status: PersonStatus,
    pub exit_kind: Option<ExitKind>,
    pub exit_date: Option<NaiveDate>,
}

impl Person {
    /// Counts toward a unit's 实有 of its staffing type.
    pub fn occupies_quota(&self) -> bool {
        self.status.occupies_quota(self.staffing_type)
    }

    /// On the books (在册) on `date`: entered on or before it (an unrecorded entry date
    /// counts as always) and not yet left: an active person with no exit, or one who
    /// left after `date`. A person awaiting entry (拟入编) is on no one's books.
    pub fn on_books(&self, date: NaiveDate) -> bool {
        let entered = self.entry_date.is_none_or(|e| e <= date);
        let still_there = match self.status {
            PersonStatus::Pending => false,
            PersonStatus::Active => self.exit_date.is_none_or(|x| x > date),
            PersonStatus::Retired | PersonStatus::Former => {
                self.exit_date.is_some_and(|x| x > date)
            }
        };
        entered && still_there
    }

    /// The person as they stood on `date` when on the books then: active, not yet left,
    /// so that [`Person::occupies_quota`] and `quota::UnitTally` count them as of that
    /// day by the same rules as today. The staffing type and leadership post are the
    /// ones recorded now (post changes are not replayed); the unit a person was in
    /// on the day is `placement`'s to say (the reports' rows carry it already).
    pub fn as_on(&self, date: NaiveDate) -> Option<Person> {
        if !self.on_books(date) {
            return None;
        }
        let mut p = self.clone();
        if p.status != PersonStatus::Active {
            p.status = PersonStatus::Active;
            p.exit_kind = None;
            p.exit_date = None;
        }
        Some(p)
    }

    /// Leaves the establishment (出编) on `date`: retired or former by `kind`,
    /// giving up any leadership post.
    pub fn leave(&mut self, kind: ExitKind, date: NaiveDate) {
        self.status = if kind == ExitKind::Retirement {
            PersonStatus::Retired
        } else {
            PersonStatus::Former
        };
        self.exit_kind = Some(kind);
        self.exit_date = Some(date);
        self.leader_post = None;
    }
}

/// What a history event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Subject {
    Org(OrgId),
    Person(PersonId),
}

/// One step of a unit's history (历史沿革) or a person's career.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub subject: Subject,
    pub kind: EventKind,
    pub date: NaiveDate,
    pub doc_no: Option<String>,
    /// The sentence as recorded, for an event without a typed [`Event::detail`] (one
    /// recorded before events were typed); empty otherwise.
    pub summary: String,
    /// What happened, typed; the interface words it.
    #[serde(default)]
    pub detail: Option<history::Detail>,
    /// Who recorded it (历史操作留痕).
    pub operator: String,
    /// For moves and transfers: the unit before and after.
    pub from_org: Option<OrgId>,
    pub to_org: Option<OrgId>,
}

/// A request in the approval inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub id: ApprovalId,
    pub kind: ApprovalKind,
    /// The unit the request is about (and, for entries, the unit entered).
    pub org_id: OrgId,
    pub person_id: Option<PersonId>,
    pub staffing_type: Option<StaffingType>,
    /// Number of quota places asked for (用编计划); 1 for person requests.
    pub amount: i32,
    pub post: Option<PostSlot>,
    /// 机构调整: new name, new level, new parent.
    pub new_name: Option<String>,
    pub new_level: Option<Level>,
    pub new_parent_id: Option<OrgId>,
    /// For 减人出编: how the person leaves.
    pub exit_kind: Option<ExitKind>,
    pub doc_no: Option<String>,
    pub summary: String,
    pub submitted_by: String,
    pub submitted_on: NaiveDate,
    pub status: ApprovalStatus,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// 审批意见
    pub comment: Option<String>,
    /// For an approved 用编计划: how many of its places entries have used so far.
    pub plan_used: i32,
    /// For 关键信息变更 and 台账变更: the edit under review (`edit::Intent` as JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

impl Approval {
    /// Places an approved staffing plan still holds back (已批未用).
    pub fn reserved(&self) -> i64 {
        if self.kind == ApprovalKind::StaffingPlan && self.status == ApprovalStatus::Approved {
            (self.amount - self.plan_used).max(0) as i64
        } else {
            0
        }
    }
}

/// Every row of a jurisdiction (or of the whole region, on the server): what a snapshot
/// file carries and what `import` loads. Rows of each table in ascending id order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub orgs: Vec<Org>,
    pub ledger: Vec<LedgerEntry>,
    pub posts: Vec<PostEntry>,
    pub persons: Vec<Person>,
    pub events: Vec<Event>,
    pub approvals: Vec<Approval>,
}

impl Dataset {
    pub fn row_count(&self) -> usize {
        self.orgs.len()
            + self.ledger.len()
            + self.posts.len()
            + self.persons.len()
            + self.events.len()
            + self.approvals.len()
    }
}

/// Masks an ID number for display: `990102********123X`.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 {
        return "*".repeat(chars.len().max(1));
    }
    let mut s: String = chars[..6].iter().collect();
    s.push_str("********");
    s.extend(&chars[14..]);
    s
}

/// Masks a birth date down to its year.
pub fn mask_birth(date: Option<NaiveDate>) -> String {
    use chrono::Datelike;
    match date {
        Some(d) => format!("{:04}-**-**", d.year()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_middle_of_an_id_number() {
        assert_eq!(mask_id("99010219900102123X"), "990102********123X");
        assert_eq!(mask_id("12"), "**");
    }

    #[test]
    fn year_month_arithmetic_crosses_years() {
        let ym = YearMonth::new(1965, 12);
        assert_eq!(ym.plus_months(1), YearMonth::new(1966, 1));
        assert_eq!(ym.plus_months(60 * 12 + 1).to_string(), "2026-01");
    }

    #[test]
    fn vocabulary_round_trips() {
        for t in StaffingType::ALL {
            assert_eq!(StaffingType::from_code(t.code() as i64), Some(*t));
            assert_eq!(StaffingType::parse(t.zh()), Some(*t));
        }
        assert_eq!(Sex::parse("女"), Some(Sex::Female));
        assert_eq!(serde_json::to_string(&Sex::Male).unwrap(), "\"男\"");
    }

    #[test]
    fn on_the_books_from_entry_to_exit() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut p = Person {
            id: 1,
            org_id: 1,
            name: "张伟".into(),
            id_number: String::new(),
            sex: Sex::Male,
            birth_date: Some(day("1980-05-01")),
            ethnicity: "汉族".into(),
            political_status: None,
            funding_type: None,
            work_start: None,
            entry_form: None,
            entry_doc: None,
            entry_date: Some(day("2020-03-01")),
            post: None,
            rank: None,
            post_type: PostType::Management,
            school: None,
            education: None,
            degree: None,
            major: None,
            staffing_type: Some(StaffingType::Administrative),
            leader_post: None,
            status: PersonStatus::Active,
            exit_kind: None,
            exit_date: None,
        };
        assert!(!p.on_books(day("2020-02-29")));
        assert!(p.on_books(day("2020-03-01")));
        assert!(p.on_books(day("2030-01-01")));
        p.entry_date = None;
        assert!(p.on_books(day("1990-01-01")), "no entry date: always");
        p.entry_date = Some(day("2020-03-01"));
        p.leave(ExitKind::Retirement, day("2025-06-30"));
        assert!(p.on_books(day("2025-06-29")));
        assert!(!p.on_books(day("2025-06-30")), "gone on the day of leaving");
        let then = p.as_on(day("2024-01-01")).unwrap();
        assert!(then.occupies_quota());
        assert_eq!((then.exit_kind, then.exit_date), (None, None));
        p.exit_date = None;
        assert!(
            !p.on_books(day("2024-01-01")),
            "retired with no exit date: not placed"
        );
        p.status = PersonStatus::Pending;
        assert!(!p.on_books(day("2030-01-01")));
    }
}
