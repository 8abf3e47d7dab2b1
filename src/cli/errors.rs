//! The library's errors in the operator's language. The store and the sync client say
//! their errors in Chinese (`thiserror`); the command line matches on the typed error
//! and says the common ones in English too.

use super::words::W;
use crate::model::Lang;
use crate::store::{self, inbox::Refusal, outbox::WithdrawRefusal};
use crate::sync::client;
use crate::sync::wire::WireError;

/// One error (not its causes) in `lang`: the typed errors of the library in words of
/// the table, anything else as it says itself.
pub fn say(e: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    if lang == Lang::Zh {
        return e.to_string();
    }
    if let Some(e) = e.downcast_ref::<store::Error>() {
        return store_error(e, lang);
    }
    if let Some(e) = e.downcast_ref::<client::Error>() {
        return client_error(e, lang);
    }
    if let Some(e) = e.downcast_ref::<WireError>() {
        return wire_error(e, lang);
    }
    if let Some(r) = e.downcast_ref::<Refusal>() {
        return refusal(r, lang);
    }
    if let Some(r) = e.downcast_ref::<WithdrawRefusal>() {
        return withdraw_refusal(r, lang);
    }
    e.to_string()
}

/// The whole report of a failed command: the error, then each cause on its own line.
/// A cause that only repeats what its error already said (a transparent wrapper) is
/// left out.
pub fn report(e: &anyhow::Error, lang: Lang) -> String {
    let mut lines: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = say(cause, lang);
        if lines.last().is_some_and(|l| l == &text) {
            continue;
        }
        lines.push(text);
    }
    let mut msg = format!(
        "{}{}",
        W::Error.get(lang),
        lines.first().cloned().unwrap_or_default()
    );
    for l in lines.iter().skip(1) {
        msg.push_str(&format!("\n  {}{l}", W::Cause.get(lang)));
    }
    msg
}

pub fn store_error(e: &store::Error, lang: Lang) -> String {
    use store::Error as E;
    match e {
        E::NotSqlite(p) => W::ENotSqlite.fill(lang, &[&p.display()]),
        E::NewerSchema {
            path,
            found,
            supported,
        } => W::ENewerSchema.fill(lang, &[&path.display(), found, supported]),
        E::Missing(p) => W::EMissing.fill(lang, &[&p.display()]),
        E::IsDirectory(p) => W::EIsDirectory.fill(lang, &[&p.display(), &p.display()]),
        E::NotOurs(p) => W::ENotOurs.fill(lang, &[&p.display()]),
        E::OthersCanRead { path, mode } => W::EOthersCanRead.fill(
            lang,
            &[&path.display(), &format!("{mode:04o}"), &path.display()],
        ),
        E::DiskFull => W::EDiskFull.get(lang).into(),
        E::ReadOnly => W::EReadOnly.get(lang).into(),
        E::Corrupt(why) => W::ECorrupt.fill(lang, &[&corrupt_detail(why, lang)]),
        E::Sqlite(e) => W::ESqlite.fill(lang, &[e]),
        E::Io(e) => W::EIo.fill(lang, &[e]),
    }
}

/// The store's words for what is damaged (`store::Error::Corrupt`).
fn corrupt_detail(why: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return why.into();
    }
    match why {
        "不是有效的数据库" => "not a valid database".into(),
        "数据库文件已损坏" => "the database file is damaged".into(),
        "完整性检查未通过" => "the integrity check failed".into(),
        other => match other.strip_prefix("未知的数据表 ") {
            Some(table) => format!("unknown table {table}"),
            None => other.into(),
        },
    }
}

/// The client's words for a connection that failed, in English.
fn detail(d: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return d.into();
    }
    match d {
        "连接超时" => "timed out".into(),
        "连接被拒绝或网络不通" => "connection refused or no network".into(),
        "连接中断" => "connection cut".into(),
        "网络错误" => "network error".into(),
        other => other.into(),
    }
}

pub fn client_error(e: &client::Error, lang: Lang) -> String {
    use client::Error as E;
    match e {
        E::Unreachable { url, detail: d } => W::EUnreachable.fill(lang, &[url, &detail(d, lang)]),
        // The server's own words are Chinese: in English the typed error says enough.
        E::Unauthorized(m) => match lang {
            Lang::Zh => W::EUnauthorized.fill(lang, &[m]),
            Lang::En => W::EUnauthorized.fill(
                lang,
                &[&"the token is unknown, or its operator is disabled; ask the administrator"],
            ),
        },
        E::Refused(m) => W::ERefused.fill(lang, &[m]),
        E::Server { status, message } => W::EServer.fill(lang, &[status, message]),
        E::Certificate { url, detail } => W::ECertificate.fill(lang, &[url, detail]),
        E::BadResponse(w) => W::EBadResponse.fill(lang, &[&wire_error(w, lang)]),
        E::Store(s) => store_error(s, lang),
        E::Concurrent => W::EConcurrent.get(lang).into(),
        E::BadUrl(u) => W::EBadUrl.fill(lang, &[u]),
        E::MalformedToken => W::EMalformedToken.get(lang).into(),
        E::Other(m) => m.clone(),
    }
}

pub fn wire_error(e: &WireError, lang: Lang) -> String {
    match e {
        WireError::Decompress(io) => W::EWireCorrupt.fill(lang, &[io]),
        WireError::Format(m) => W::EWireFormat.fill(lang, &[m]),
        WireError::Version { found, supported } => W::EWireVersion.fill(lang, &[found, supported]),
        WireError::NotSnapshot => W::EWireNotSnapshot.get(lang).into(),
        WireError::Io(io) => W::EWireIo.fill(lang, &[io]),
    }
}

pub fn refusal(r: &Refusal, lang: Lang) -> String {
    match r {
        Refusal::NoSuchRequest(id) => W::NoSuchRequest.fill(lang, &[id]),
        Refusal::AlreadyDecided(id, status) => {
            let status = crate::model::ApprovalStatus::parse(status)
                .map_or(status.to_string(), |s| s.label(lang).to_string());
            W::AlreadyDecided.fill(lang, &[id, &status])
        }
        Refusal::AlreadyQueued(id) => W::AlreadyQueued.fill(lang, &[id, id]),
        Refusal::AlreadySent(id) => W::AlreadySent.fill(lang, &[id]),
        Refusal::NoComment => W::NoComment.get(lang).into(),
    }
}

pub fn withdraw_refusal(r: &WithdrawRefusal, lang: Lang) -> String {
    match r {
        WithdrawRefusal::NothingQueued(id) => W::NothingQueued.fill(lang, &[id]),
        WithdrawRefusal::AlreadySent(id) => W::WithdrawSent.fill(lang, &[id]),
        WithdrawRefusal::Accepted(id) => W::WithdrawAccepted.fill(lang, &[id]),
        WithdrawRefusal::Refused(id) => W::WithdrawRefused.fill(lang, &[id]),
    }
}
