//! Data-quality checks (校验) that look at one record. Checks across records (一人一编,
//! 人编不对应) need the whole cache and live in the store, built on the same `Problem`s.

use super::idcard::{Disagreement, credit_code_valid, disagreements};
use super::{Org, OrgKind, Person, PersonStatus};
use serde::Serialize;

/// One data-quality fault, in words an operator understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", content = "detail")]
pub enum Problem {
    /// 缺少必填项
    MissingField(&'static str),
    /// 身份证号无效 (length, digits, check character, date)
    BadIdNumber(String),
    /// 出生日期与身份证号不符
    BirthDateMismatch,
    /// 性别与身份证号不符
    SexMismatch,
    /// 一人多编: the same ID number on the books of another unit too
    CountedTwice { other_person: i64 },
    /// 人编不对应: occupies a staffing type the unit has no quota of
    NoQuotaOfType,
    /// 统一社会信用代码无效
    BadCreditCode,
    /// 上级单位不存在
    DanglingParent,
}

impl Problem {
    pub fn message(&self) -> String {
        match self {
            Problem::MissingField(f) => format!("缺少必填项：{f}"),
            Problem::BadIdNumber(why) => why.clone(),
            Problem::BirthDateMismatch => "出生日期与身份证号不符".into(),
            Problem::SexMismatch => "性别与身份证号不符".into(),
            Problem::CountedTwice { other_person } => {
                format!("一人多编：同一身份证号另有在编记录（人员{other_person}）")
            }
            Problem::NoQuotaOfType => "人编不对应：单位无此类编制".into(),
            Problem::BadCreditCode => "统一社会信用代码校验不通过".into(),
            Problem::DanglingParent => "上级单位不存在".into(),
        }
    }

    /// A stable short name for filters and exports.
    /// The key of the person's field at fault (`model::edit::PersonField::key`), where the
    /// fix is to be made.
    pub fn field_of_code(code: &str) -> Option<&'static str> {
        Some(match code {
            "bad-id" | "counted-twice" => "id_number",
            "birth-mismatch" => "birth_date",
            "sex-mismatch" => "sex",
            "no-quota-of-type" => "staffing_type",
            _ => return None,
        })
    }

    pub fn code(&self) -> &'static str {
        match self {
            Problem::MissingField(_) => "missing-field",
            Problem::BadIdNumber(_) => "bad-id",
            Problem::BirthDateMismatch => "birth-mismatch",
            Problem::SexMismatch => "sex-mismatch",
            Problem::CountedTwice { .. } => "counted-twice",
            Problem::NoQuotaOfType => "no-quota-of-type",
            Problem::BadCreditCode => "bad-credit-code",
            Problem::DanglingParent => "dangling-parent",
        }
    }
}

/// Checks one person's record on its own.
pub fn check_person(p: &Person) -> Vec<Problem> {
    let mut out = Vec::new();
    if p.status != PersonStatus::Active {
        return out;
    }
    if p.name.trim().is_empty() {
        out.push(Problem::MissingField("姓名"));
    }
    if p.birth_date.is_none() {
        out.push(Problem::MissingField("出生日期"));
    }
    if p.entry_date.is_none() && p.staffing_type.is_some() {
        out.push(Problem::MissingField("入编时间"));
    }
    if p.education.is_none() {
        out.push(Problem::MissingField("学历"));
    }
    if p.id_number.trim().is_empty() {
        out.push(Problem::MissingField("身份证号"));
        return out;
    }
    match disagreements(&p.id_number, p.birth_date, p.sex) {
        Err(e) => out.push(Problem::BadIdNumber(e.to_string())),
        Ok(found) => out.extend(found.into_iter().map(|d| match d {
            Disagreement::BirthDate(_) => Problem::BirthDateMismatch,
            Disagreement::Sex(_) => Problem::SexMismatch,
        })),
    }
    out
}

/// Checks one unit's record on its own.
pub fn check_org(o: &Org) -> Vec<Problem> {
    let mut out = Vec::new();
    if o.name.trim().is_empty() {
        out.push(Problem::MissingField("单位全称"));
    }
    if matches!(o.kind, OrgKind::Institution | OrgKind::PublicInstitution) {
        match &o.credit_code {
            None => out.push(Problem::MissingField("统一社会信用代码")),
            Some(c) if !credit_code_valid(c) => out.push(Problem::BadCreditCode),
            Some(_) => {}
        }
    }
    out
}
