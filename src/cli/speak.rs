//! Typed values of the store and the model in the operator's language. The store
//! still carries Chinese sentences for some (a warning's `message`, an effect's
//! `Change::what`); in English these are said again from the typed fields.

use super::query::slot_text;
use super::words::W;
use crate::model::approval::{self, Change, REORG_LEVEL, REORG_NAME, REORG_PARENT};
use crate::model::{Decision, Lang, Level, PostRank, PostSlot, StaffingType};
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
    use approval::Warning as A;
    if lang == Lang::Zh {
        return w.message();
    }
    match w {
        A::Overdraws { wanted, usable } => W::AOverdraws.fill(lang, &[wanted, usable]),
        A::Frozen => W::AFrozen.get(lang).into(),
        A::PostsOverdrawn { approved, actual } => {
            W::APostsOverdrawn.fill(lang, &[approved, actual])
        }
        A::PastRetirement { month } => W::APastRetirement.fill(lang, &[month]),
        A::OnOtherBooks { org_id } => W::AOnOtherBooks.fill(lang, &[org_id]),
        A::Incomplete(what) => W::AIncomplete.fill(lang, &[&field_word(what, lang)]),
        A::PersonNotInJurisdiction => W::ANotInJurisdiction.get(lang).into(),
        A::ParentNotAllowed => W::AParentNotAllowed.get(lang).into(),
        #[allow(unreachable_patterns)]
        other => other.message(),
    }
}

/// A post slot written as the model writes it (正科级正职).
fn parse_slot(s: &str) -> Option<PostSlot> {
    Level::ALL.iter().find_map(|l| {
        let rank = PostRank::parse(s.strip_prefix(l.zh())?)?;
        Some(PostSlot { level: *l, rank })
    })
}

/// One figure before and after (`空编 3 → 2`), arrow in ASCII under `--ascii`.
pub fn change_text(c: &Change, lang: Lang, ascii: bool) -> String {
    let arrow = if ascii { "->" } else { "→" };
    let what = match lang {
        Lang::Zh => c.what.clone(),
        Lang::En => change_what(&c.what),
    };
    let (before, after) = match (lang, c.what.as_str()) {
        (Lang::En, REORG_LEVEL) => {
            let l = |s: &str| Level::parse(s).map_or(s.to_string(), |l| l.en().to_string());
            (l(&c.before), l(&c.after))
        }
        _ => (c.before.clone(), c.after.clone()),
    };
    format!("{what} {before} {arrow} {after}")
}

fn change_what(what: &str) -> String {
    match what {
        REORG_NAME => return W::Name.get(Lang::En).into(),
        REORG_LEVEL => return W::Level.get(Lang::En).into(),
        REORG_PARENT => return W::Parent.get(Lang::En).into(),
        _ => {}
    }
    if let Some(slot) = what.strip_suffix("职数").and_then(parse_slot) {
        return format!("{} posts", slot_text(&slot, Lang::En));
    }
    let figures = [
        ("实有", W::Actual),
        ("已批未用", W::Reserved),
        ("超编", W::Over),
        ("空编", W::Vacant),
        ("可使用", W::Usable),
    ];
    for (zh, w) in figures {
        if let Some(t) = what.strip_suffix(zh) {
            let t = StaffingType::parse(t).map_or(t.to_string(), |t| t.en().to_string());
            return format!("{t} {}", w.get(Lang::En).to_lowercase());
        }
    }
    what.to_string()
}

/// Where an open request stands, in words (the inbox's status column).
pub fn standing_text(item: &Item, lang: Lang) -> String {
    if lang == Lang::Zh {
        return item.standing_text();
    }
    let d = |d: &Decision| d.label(lang).to_string();
    match &item.standing {
        Standing::Open => String::new(),
        Standing::Queued(x) => W::StQueued.fill(lang, &[&d(x)]),
        Standing::Sent(x) => W::StSent.fill(lang, &[&d(x)]),
        Standing::Refused { reason, .. } => W::StRefused.fill(lang, &[reason]),
        Standing::Decided { status, .. } => W::StDecided.fill(lang, &[&status.label(lang)]),
    }
}
