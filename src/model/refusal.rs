//! Why a value or an edit is refused, as a typed value: the rules (here, in `edit`, in
//! `store::maintain` and on the server) say *what* is wrong; the words come from
//! [`Refusal::say`], in the operator's language. The server sends the typed value, so a
//! clerk reads the reason in the language of their own terminal.

use super::approval::Warning;
use super::edit::{FieldConflict, FieldError, Outcome};
use super::idcard::IdProblem;
use super::{ApprovalKind, ApprovalStatus, Lang, PersonStatus, PostSlot, Sex, StaffingType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What is wrong with one field of an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Refusal {
    Required,
    NameHasSpace,
    /// Not one of the vocabulary's terms; the first of them are listed.
    NotAChoice {
        given: String,
        choices: Vec<String>,
        more: bool,
    },
    BadDate {
        given: String,
    },
    BadCreditCode,
    Id {
        problem: IdProblem,
    },
    BirthNotAsId {
        id_birth: NaiveDate,
    },
    SexNotAsId {
        id_sex: Sex,
    },
    AfterToday {
        date: NaiveDate,
    },
    WorkBefore16 {
        work: NaiveDate,
        birth: NaiveDate,
    },
    EntryBeforeWork {
        entry: NaiveDate,
        work: NaiveDate,
    },
    /// An exit dated before the person's entry.
    BeforeEntry,
    /// 人编不对应
    NoQuotaOfType {
        staffing_type: StaffingType,
    },
    /// 可使用 = 0, with the figures.
    NoUsablePlace {
        staffing_type: StaffingType,
        approved: i64,
        actual: i64,
        reserved: i64,
    },
    /// 一人一编: the ID number holds a place in another unit.
    OneQuota {
        unit: String,
    },
    DocRequired,
    NoSuchField,
    NoSuchPerson,
    NoSuchUnit,
    OutOfScope,
    Abolished,
    NotOnBooks {
        name: String,
        status: PersonStatus,
    },
    OnBooksAlready {
        name: String,
    },
    AlreadyInUnit,
    AlreadyUnder,
    ZeroDelta,
    MoveCycle,
    StillHasPeople {
        people: usize,
        children: usize,
    },
    QuotaBelowZero {
        staffing_type: StaffingType,
        approved: i64,
    },
    PostsBelowZero {
        slot: PostSlot,
        approved: i64,
    },
    /// The entry (增员登记) this edit depends on was refused, for these reasons.
    EntryRefused {
        because: Vec<super::edit::FieldError>,
    },
    /// The entry this edit depends on never reached the server.
    EntryMissing,
    /// A reason an older version wrote in words only: shown as it was said.
    Said {
        words: String,
    },
    /// A 减员 kind that is not one of the kinds.
    NotAnExitKind {
        given: String,
        choices: Vec<String>,
    },
}

impl Refusal {
    /// The reason in words an operator understands.
    pub fn say(&self, lang: Lang) -> String {
        use Refusal as R;
        let zh = lang == Lang::Zh;
        let d = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
        match self {
            R::Required if zh => "必填，不能为空".into(),
            R::Required => "required, cannot be empty".into(),
            R::NameHasSpace if zh => "姓名中不能有空格".into(),
            R::NameHasSpace => "a name has no spaces".into(),
            R::NotAChoice {
                given,
                choices,
                more,
            } => {
                let more = if *more { "…" } else { "" };
                if zh {
                    format!("“{given}”不是可选值；可选：{}{more}", choices.join("、"))
                } else {
                    let words: Vec<String> = choices
                        .iter()
                        .map(|c| super::edit::term_word(c, Lang::En))
                        .collect();
                    format!("{given} is not one of: {}{more}", words.join(", "))
                }
            }
            R::BadDate { given } if zh => format!("“{given}”不是有效日期，应写作 YYYY-MM-DD"),
            R::BadDate { given } => format!("{given} is not a real date; write YYYY-MM-DD"),
            R::BadCreditCode if zh => "统一社会信用代码无效（应为18位，校验位正确）".into(),
            R::BadCreditCode => {
                "not a valid unified social credit code (18 characters, check character right)"
                    .into()
            }
            R::Id { problem } => problem.say(lang),
            R::BirthNotAsId { id_birth } if zh => {
                format!("与身份证号不符（身份证号为 {}）", d(id_birth))
            }
            R::BirthNotAsId { id_birth } => {
                format!("differs from the ID number (which says {})", d(id_birth))
            }
            R::SexNotAsId { id_sex } if zh => {
                format!("与身份证号不符（身份证号为{}）", id_sex.zh())
            }
            R::SexNotAsId { id_sex } => {
                format!("differs from the ID number (which says {})", id_sex.en())
            }
            R::AfterToday { date } if zh => format!("{} 晚于今天", d(date)),
            R::AfterToday { date } => format!("{} is after today", d(date)),
            R::WorkBefore16 { work, birth } if zh => {
                format!("{} 早于年满16周岁（出生于 {}）", d(work), d(birth))
            }
            R::WorkBefore16 { work, birth } => {
                format!("{} is before the age of 16 (born {})", d(work), d(birth))
            }
            R::EntryBeforeWork { entry, work } if zh => {
                format!("{} 早于参加工作时间 {}", d(entry), d(work))
            }
            R::EntryBeforeWork { entry, work } => {
                format!("{} is before the start of work, {}", d(entry), d(work))
            }
            R::BeforeEntry if zh => "早于入编时间".into(),
            R::BeforeEntry => "before the entry date".into(),
            R::NoQuotaOfType { staffing_type: t } if zh => {
                format!("该单位没有{}编制（人编不对应）", t.zh())
            }
            R::NoQuotaOfType { staffing_type: t } => {
                format!(
                    "the unit has no {} quota (person and quota do not match)",
                    t.en()
                )
            }
            R::NoUsablePlace {
                staffing_type: t,
                approved,
                actual,
                reserved,
            } => {
                if zh {
                    format!(
                        "该单位{}无可用编制（核定 {approved}，实有 {actual}，已批未用 {reserved}，可使用 0）",
                        t.zh()
                    )
                } else {
                    format!(
                        "the unit has no usable {} place (approved {approved}, actual {actual}, reserved {reserved}, usable 0)",
                        t.en()
                    )
                }
            }
            R::OneQuota { unit } if zh => format!("该身份证号已在{unit}占编（一人一编）"),
            R::OneQuota { unit } => {
                format!("this ID number already holds a place in {unit} (one person, one place)")
            }
            R::DocRequired if zh => "须填写批准文号".into(),
            R::DocRequired => "this change needs the approving document's number".into(),
            R::NoSuchField if zh => "没有这个字段".into(),
            R::NoSuchField => "no such field".into(),
            R::NoSuchPerson if zh => "没有这个人员".into(),
            R::NoSuchPerson => "no such person".into(),
            R::NoSuchUnit if zh => "没有这个单位".into(),
            R::NoSuchUnit => "no such unit".into(),
            R::OutOfScope if zh => "不存在或不在您的管辖范围内".into(),
            R::OutOfScope => "does not exist or is outside your jurisdiction".into(),
            R::Abolished if zh => "该单位已撤销".into(),
            R::Abolished => "the unit has been abolished".into(),
            R::NotOnBooks { name, status } if zh => format!("{name}已不在编（{}）", status.zh()),
            R::NotOnBooks { name, status } => {
                format!("{name} is no longer on the books ({})", status.en())
            }
            R::OnBooksAlready { name } if zh => format!("{name}在编，无需恢复"),
            R::OnBooksAlready { name } => format!("{name} is on the books: nothing to restore"),
            R::AlreadyInUnit if zh => "已在该单位".into(),
            R::AlreadyInUnit => "already in that unit".into(),
            R::AlreadyUnder if zh => "已隶属该单位".into(),
            R::AlreadyUnder => "already under that unit".into(),
            R::ZeroDelta if zh => "变动数量不能为 0".into(),
            R::ZeroDelta => "the amount cannot be 0".into(),
            R::MoveCycle if zh => "不能调整到本单位或其下级单位之下（会形成循环）".into(),
            R::MoveCycle => "cannot go under itself or one of its own subunits (a cycle)".into(),
            R::StillHasPeople { people, children } if zh => {
                format!("尚有在编人员 {people} 人、下设机构 {children} 个，须先调出或撤销")
            }
            R::StillHasPeople { people, children } => format!(
                "{people} persons and {children} subunits remain: move them out or abolish them first"
            ),
            R::QuotaBelowZero {
                staffing_type: t,
                approved,
            } if zh => format!("核减后{}核定数将为负（现核定 {approved}）", t.zh()),
            R::QuotaBelowZero {
                staffing_type: t,
                approved,
            } => format!(
                "the approved {} quota would fall below zero (now {approved})",
                t.en()
            ),
            R::PostsBelowZero { slot, approved } if zh => {
                format!("核减后{slot}职数将为负（现核定 {approved}）")
            }
            R::PostsBelowZero { slot, approved } => format!(
                "the approved {} {} posts would fall below zero (now {approved})",
                slot.level.en(),
                slot.rank.en()
            ),
            R::EntryRefused { because } => {
                let why = super::edit::say_errors(because, lang);
                if zh {
                    format!("所依据的增员登记未被接受（{why}），本修改随之未生效")
                } else {
                    format!(
                        "the entry this edit depends on was refused ({why}), so this edit is not applied either"
                    )
                }
            }
            R::EntryMissing if zh => "所依据的增员登记服务器未收到，本修改未生效".into(),
            R::EntryMissing => {
                "the server never received the entry this edit depends on; not applied".into()
            }
            R::Said { words } => words.clone(),
            R::NotAnExitKind { given, choices } => {
                if given.trim().is_empty() {
                    if zh {
                        "必填，请选择减员方式".into()
                    } else {
                        "required: pick how the person left".into()
                    }
                } else if zh {
                    format!("“{given}”不是减员方式；可选：{}", choices.join("、"))
                } else {
                    let words: Vec<String> = choices
                        .iter()
                        .map(|c| super::edit::term_word(c, Lang::En))
                        .collect();
                    format!("{given} is not a way of leaving: {}", words.join(", "))
                }
            }
        }
    }
}

/// Why the server did not take a decision on a request (同意、退回、不同意), typed like
/// [`Refusal`]: the server sends it, each terminal says it in its own language. Said in
/// Chinese it is the `reason` an older client shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum DecisionRefusal {
    /// The decision carries no verdict.
    NoVerdict,
    /// One answer for "no such request" and "not yours": it reveals nothing.
    NotInScope,
    /// A 录入 operator's decision on a reviewed change (关键信息变更, 台账变更).
    ReviewerOnly,
    /// The client id was already used for another decision.
    ClientIdReused,
    /// Someone (or this operator, earlier) decided the request already.
    AlreadyDecided {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
        status: ApprovalStatus,
    },
    /// The person of the request is outside the jurisdiction.
    PersonOutOfScope,
    /// 无法同意: the preview's warnings that block an approval.
    Blocked { warnings: Vec<Warning> },
    /// 无法同意: the reviewed change, judged again now, is refused.
    ReviewRefused {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        errors: Vec<FieldError>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        conflicts: Vec<FieldConflict>,
    },
    /// A request of this kind names no person (入编, 出编, 领导职数).
    NoPerson { kind: ApprovalKind },
    /// A reason an older server gave in words only: shown as it was said.
    Said { words: String },
    /// Refused without a reason.
    NoReason,
}

impl DecisionRefusal {
    /// The reason of a refused answer as the outbox keeps it: typed where the server
    /// sent it typed, else the words it sent (an older server's), else none.
    pub fn of_answer(outcome: Option<&Outcome>, reason: Option<&str>) -> DecisionRefusal {
        match (outcome.and_then(|o| o.refusal.clone()), reason) {
            (Some(why), _) => why,
            (None, Some(words)) if !words.trim().is_empty() => DecisionRefusal::Said {
                words: words.to_string(),
            },
            _ => DecisionRefusal::NoReason,
        }
    }

    /// The reason in words an operator understands.
    pub fn say(&self, lang: Lang) -> String {
        use DecisionRefusal as D;
        let zh = lang == Lang::Zh;
        match self {
            D::NoVerdict if zh => "缺少决定（同意、退回或不同意），未生效".into(),
            D::NoVerdict => "no verdict (approve, return or reject) was given; not applied".into(),
            D::NotInScope if zh => "该申请不存在或不在您的管辖范围内，决定未生效".into(),
            D::NotInScope => {
                "the request does not exist or is outside your jurisdiction; the decision is not applied"
                    .into()
            }
            D::ReviewerOnly if zh => {
                "关键信息变更和台账变更须由审核人员审批，您的决定未生效".into()
            }
            D::ReviewerOnly => {
                "key-detail and ledger changes are decided by a reviewer; your decision is not applied"
                    .into()
            }
            D::ClientIdReused if zh => {
                "该决定的编号（client_id）已用于另一个决定，本决定未生效。请重新作出决定（将生成新的编号）"
                    .into()
            }
            D::ClientIdReused => {
                "this decision's number (client_id) was already used for another decision; not applied. Decide again (a new number is made)"
                    .into()
            }
            D::AlreadyDecided { by, on, status } => {
                let on = on.map(|d| d.format("%Y-%m-%d").to_string());
                if zh {
                    let who = by.as_deref().unwrap_or("其他操作员");
                    let when = on.map(|d| format!("于{d}")).unwrap_or_default();
                    format!(
                        "该申请已由{who}{when}作出“{}”的决定，您的决定未生效",
                        status.zh()
                    )
                } else {
                    let who = by.as_deref().unwrap_or("another operator");
                    let when = on.map(|d| format!(" on {d}")).unwrap_or_default();
                    format!(
                        "the request was already decided ({}) by {who}{when}; your decision is not applied",
                        status.en()
                    )
                }
            }
            D::PersonOutOfScope if zh => "申请涉及的人员不在您的管辖范围内，决定未生效".into(),
            D::PersonOutOfScope => {
                "the person of the request is outside your jurisdiction; the decision is not applied"
                    .into()
            }
            D::Blocked { warnings } => {
                let why: Vec<String> = warnings.iter().map(|w| w.say(lang)).collect();
                if zh {
                    format!("无法同意：{}", why.join("；"))
                } else {
                    format!("cannot approve: {}", why.join("; "))
                }
            }
            D::ReviewRefused { errors, conflicts } => {
                let outcome = Outcome {
                    errors: errors.clone(),
                    conflicts: conflicts.clone(),
                    ..Outcome::default()
                };
                let why = outcome.say_refusal(lang).unwrap_or_default();
                if zh {
                    format!("无法同意：{why}")
                } else {
                    format!("cannot approve: {why}")
                }
            }
            D::NoPerson { kind } if zh => {
                let what = match kind {
                    ApprovalKind::Exit => "出编",
                    ApprovalKind::LeaderPost => "使用领导职数",
                    _ => "入编",
                };
                format!("申请缺少人员，无法{what}")
            }
            D::NoPerson { kind } => {
                format!("the request ({}) names no person; not applied", kind.en())
            }
            D::Said { words } => words.clone(),
            D::NoReason if zh => "未说明原因".into(),
            D::NoReason => "no reason given".into(),
        }
    }
}

/// The label of an edit's own part (not a record's field) in English, by its Chinese
/// label: 文号, 人员, 单位, …
pub fn part_label_en(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "文号" => "document number",
        "人员" => "person",
        "单位" => "unit",
        "调入单位" => "receiving unit",
        "上级单位" => "parent unit",
        "日期" => "date",
        "数量" => "amount",
        "名称" => "name",
        "减员方式" => "how the person left",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_in_both_languages_and_english_has_no_chinese_words() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let slot = PostSlot {
            level: super::super::Level::DivisionFull,
            rank: super::super::PostRank::ALL[0],
        };
        let all = [
            Refusal::Required,
            Refusal::NameHasSpace,
            Refusal::BadDate {
                given: "2024-2-30".into(),
            },
            Refusal::BadCreditCode,
            Refusal::Id {
                problem: IdProblem::Length { got: 5 },
            },
            Refusal::BirthNotAsId { id_birth: day },
            Refusal::SexNotAsId {
                id_sex: Sex::Female,
            },
            Refusal::AfterToday { date: day },
            Refusal::WorkBefore16 {
                work: day,
                birth: day,
            },
            Refusal::EntryBeforeWork {
                entry: day,
                work: day,
            },
            Refusal::BeforeEntry,
            Refusal::NoQuotaOfType {
                staffing_type: StaffingType::Administrative,
            },
            Refusal::NoUsablePlace {
                staffing_type: StaffingType::Administrative,
                approved: 3,
                actual: 3,
                reserved: 0,
            },
            Refusal::DocRequired,
            Refusal::NoSuchField,
            Refusal::NoSuchPerson,
            Refusal::NoSuchUnit,
            Refusal::OutOfScope,
            Refusal::Abolished,
            Refusal::AlreadyInUnit,
            Refusal::AlreadyUnder,
            Refusal::ZeroDelta,
            Refusal::MoveCycle,
            Refusal::StillHasPeople {
                people: 2,
                children: 1,
            },
            Refusal::QuotaBelowZero {
                staffing_type: StaffingType::Administrative,
                approved: 1,
            },
            Refusal::PostsBelowZero { slot, approved: 1 },
            Refusal::EntryRefused {
                because: vec![super::super::edit::FieldError::new(
                    "id_number",
                    "身份证号",
                    Refusal::OneQuota {
                        unit: "unit 3".into(),
                    },
                )],
            },
            Refusal::EntryMissing,
        ];
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for r in &all {
            let zh = r.say(Lang::Zh);
            let en = r.say(Lang::En);
            assert!(chinese(&zh), "{r:?}: {zh}");
            assert!(!chinese(&en), "{r:?}: {en}");
            // The wire form reads back as the same reason.
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(
                &serde_json::from_str::<Refusal>(&json).unwrap(),
                r,
                "{json}"
            );
        }
        let figures = Refusal::NoUsablePlace {
            staffing_type: StaffingType::Administrative,
            approved: 3,
            actual: 2,
            reserved: 1,
        };
        assert!(figures.say(Lang::Zh).contains("核定 3，实有 2，已批未用 1"));
        assert!(
            figures
                .say(Lang::En)
                .contains("approved 3, actual 2, reserved 1")
        );
    }

    #[test]
    fn a_field_error_carries_its_words_for_older_clients_and_reads_an_older_ones() {
        use super::super::edit::FieldError;
        let e = FieldError::new("delta", "数量", Refusal::ZeroDelta);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["message"], "变动数量不能为 0", "{json}");
        assert_eq!(json["why"], "zero_delta", "{json}");
        assert_eq!(serde_json::from_value::<FieldError>(json).unwrap(), e);
        // Written by the version before typed reasons: the words only.
        let old = serde_json::json!({
            "field": "id_number",
            "label": "身份证号",
            "message": "该身份证号已在县委办占编（一人一编）"
        });
        let read: FieldError = serde_json::from_value(old).unwrap();
        assert_eq!(
            read.message(Lang::En),
            "该身份证号已在县委办占编（一人一编）"
        );
        assert_eq!(
            read.say(Lang::Zh),
            "身份证号：该身份证号已在县委办占编（一人一编）"
        );
    }
}
