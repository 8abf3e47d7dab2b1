//! Typed values of the store and the model in the operator's language. The store
//! still carries Chinese sentences for some (a warning's `message`, an effect's
//! `Change::what`); in English these are said again from the typed fields.

use super::query::slot_text;
use super::words::W;
use crate::model::approval::{self, Change};
use crate::model::{Decision, Lang, StaffingType};
use crate::store::inbox::{Item, Standing};
use crate::store::queries;
use crate::store::warnings::{Warning, WarningKind};
use anyhow::Result;

/// A warning's sentence: the store's own in Chinese, said from its fields in English.
pub fn warning_text(conn: &rusqlite::Connection, w: &Warning, lang: Lang) -> Result<String> {
    if lang == Lang::Zh {
        return Ok(w.message.clone());
    }
    let name = w.person.as_ref().map(|p| p.name.as_str()).unwrap_or("");
    let month = w.retirement_date.map(|m| m.to_string()).unwrap_or_default();
    Ok(match w.kind {
        WarningKind::OverQuota | WarningKind::Full => {
            let Some(t) = StaffingType::parse(&w.subject) else {
                return Ok(w.kind.label(lang).to_string());
            };
            let q = queries::unit_figures(conn, w.org_id)?.quota_of(t);
            if w.kind == WarningKind::OverQuota {
                W::WOverQuota.fill(lang, &[&t.en(), &q.approved, &q.actual, &q.over])
            } else {
                W::WFull.fill(lang, &[&t.en(), &q.approved, &q.actual])
            }
        }
        WarningKind::OverPosts => {
            let figures = queries::unit_figures(conn, w.org_id)?;
            match figures
                .posts
                .iter()
                .find(|(s, _)| s.to_string() == w.subject)
            {
                Some((s, p)) => W::WOverPosts.fill(
                    lang,
                    &[
                        &slot_text(s, lang),
                        &p.approved,
                        &p.actual,
                        &(p.actual - p.approved),
                    ],
                ),
                None => w.kind.label(lang).to_string(),
            }
        }
        WarningKind::Retirement => W::WRetirement.fill(lang, &[&name, &month]),
        WarningKind::Overage => W::WOverage.fill(lang, &[&name, &month]),
        WarningKind::Data => problem_text(&w.subject, &w.message, lang),
    })
}

/// A data check's problem by its code (`model::checks::Problem::code`).
fn problem_text(code: &str, message: &str, lang: Lang) -> String {
    match code {
        "missing-field" => {
            let field = message.rsplit('：').next().unwrap_or("");
            W::PMissingField.fill(lang, &[&field_word(field, lang)])
        }
        "bad-id" => W::PBadId.get(lang).into(),
        "birth-mismatch" => W::PBirthMismatch.get(lang).into(),
        "sex-mismatch" => W::PSexMismatch.get(lang).into(),
        "counted-twice" => W::PCountedTwice.get(lang).into(),
        "no-quota-of-type" => W::PNoQuotaOfType.get(lang).into(),
        "bad-credit-code" => W::PBadCreditCode.get(lang).into(),
        "dangling-parent" => W::PDanglingParent.get(lang).into(),
        _ => message.into(),
    }
}

/// The model's names of fields (a missing field, what a request lacks) in words.
fn field_word(zh: &str, lang: Lang) -> String {
    let w = match zh {
        "姓名" => W::Name,
        "出生日期" => W::Birth,
        "入编时间" => W::EntryDate,
        "学历" => W::Education,
        "身份证号" => W::IdNumber,
        "单位全称" => W::FullName,
        "统一社会信用代码" => W::CreditCode,
        "人员" => W::Person,
        "编制类型" => W::StaffingType,
        "职数级别" => W::LeaderPost,
        other => return other.to_string(),
    };
    w.get(lang).to_string()
}

/// A reason to hesitate before approving, in words.
pub fn approval_warning(w: &approval::Warning, lang: Lang) -> String {
    w.say(lang)
}

/// One figure before and after (`空编 3 → 2`), arrow in ASCII under `--ascii`.
pub fn change_text(c: &Change, lang: Lang, ascii: bool) -> String {
    c.say(lang, ascii)
}

/// Where an open request stands, in words (the inbox's status column).
pub fn standing_text(item: &Item, lang: Lang) -> String {
    let d = |d: &Decision| d.label(lang).to_string();
    match &item.standing {
        Standing::Open => String::new(),
        Standing::Queued(x) => W::StQueued.fill(lang, &[&d(x)]),
        Standing::Sent(x) => W::StSent.fill(lang, &[&d(x)]),
        Standing::Refused { reason, .. } => W::StRefused.fill(lang, &[&reason.say(lang)]),
        Standing::Decided {
            status,
            by,
            refused,
        } => {
            let decided = match by {
                Some(by) => W::StDecidedBy.fill(lang, &[&status.label(lang), by]),
                None => W::StDecided.fill(lang, &[&status.label(lang)]),
            };
            match refused {
                Some(why) => W::StRefusedDecided.fill(lang, &[&why.say(lang), &decided]),
                None => decided,
            }
        }
    }
}
