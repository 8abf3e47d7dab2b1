//! `bianzhi outbox`: this operator's decisions and where each stands — 待上传, 已发送,
//! 已接受, 被拒绝 with the server's reason — and withdrawing one not yet sent.

use super::Ctx;
use super::out::{out, outln};
use super::words::W;
use crate::model::Lang;
use crate::store::audit::AuditDetail;
use crate::store::outbox::{self, State};
use crate::store::timeline::AuditAction;
use crate::store::{self, queries};
use anyhow::{Result, bail};
use serde_json::json;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// Machine-readable output (does not count as the operator having looked).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum OutboxCommand {
    /// Withdraw a decision not yet sent (待上传; the request is open again), or with
    /// `--edit N` an edit not yet sent (the cache shows the record without it).
    Withdraw {
        /// The request's number (as `bianzhi inbox` and `bianzhi outbox` show it).
        #[arg(required_unless_present = "edit")]
        request_id: Option<i64>,
        /// The edit's number (修改 N in the listing).
        #[arg(long, conflicts_with = "request_id")]
        edit: Option<i64>,
    },
    /// Settle an edit in conflict: keep your value (`--take mine`, re-queued on the
    /// server's) or the server's (`--take server`), for every field or per field.
    Resolve {
        /// The edit's number (修改 N in the listing).
        seq: i64,
        /// mine (您的修改) or server (服务器现值), for every conflicting field.
        #[arg(long, default_value = "mine")]
        take: String,
        /// FIELD=mine|server for one field (overrides --take).
        #[arg(long = "field", value_name = "FIELD=mine|server")]
        fields: Vec<String>,
    },
}

/// `mine` / `server`, in either language.
fn keeps_mine(ctx: &Ctx, text: &str) -> Result<bool> {
    match text.trim() {
        "mine" | "您的修改" | "我的" => Ok(true),
        "server" | "服务器现值" | "服务器" => Ok(false),
        other => bail!(ctx.f(W::TakeWhich, &[&other])),
    }
}

fn resolve(ctx: &Ctx, seq: i64, take: &str, fields: &[String]) -> Result<()> {
    use crate::model::edit::{self, OrgField, PersonField};
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyEdit));
    }
    let all = keeps_mine(ctx, take)?;
    let mut per_field = Vec::new();
    for f in fields {
        let Some((name, which)) = f.split_once('=') else {
            bail!(ctx.f(W::TakeWhich, &[&f]));
        };
        let key = PersonField::parse(name)
            .map(|f| f.key())
            .or_else(|| OrgField::parse(name).map(|f| f.key()))
            .unwrap_or(name.trim());
        per_field.push((key.to_string(), keeps_mine(ctx, which)?));
    }
    let store = ctx.store()?;
    let conn = store.conn();
    let Some(entry) = outbox::entry(conn, seq)?.filter(|e| e.state == State::Conflict) else {
        bail!(ctx.f(W::NoConflict, &[&seq]));
    };
    let (Some(intent), Some(outcome)) = (&entry.edit, &entry.outcome) else {
        bail!(ctx.f(W::NoConflict, &[&seq]));
    };
    let keep = |field: &str| {
        per_field
            .iter()
            .find(|(k, _)| k == field)
            .map_or(all, |(_, mine)| *mine)
    };
    let base = store::pending::cursor(conn)?;
    let settled = edit::settle(intent, &outcome.conflicts, keep, base);
    let today = chrono::Local::now().date_naive();
    match store::pending::resolve_conflict(conn, seq, settled.as_ref(), today)? {
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            bail!("{}\n{}", ctx.w(W::EditNotQueued), lines.join("\n"))
        }
        Ok(Some(e)) => {
            store.audit(
                AuditAction::Resolve,
                &AuditDetail::Resolved {
                    seq,
                    requeued_as: Some(e.seq),
                },
                Some(1),
            )?;
            outln!("{}", ctx.f(W::Resolved, &[&seq, &e.seq]))?;
            Ok(())
        }
        Ok(None) => {
            store.audit(
                AuditAction::Resolve,
                &AuditDetail::Resolved {
                    seq,
                    requeued_as: None,
                },
                Some(1),
            )?;
            outln!("{}", ctx.f(W::ResolvedServer, &[&seq]))?;
            Ok(())
        }
    }
}

/// The listing fits a terminal this wide.
const WIDTH: usize = 80;

pub fn outbox(ctx: &Ctx, a: OutboxArgs) -> Result<()> {
    match a.command {
        Some(OutboxCommand::Withdraw {
            edit: Some(seq), ..
        }) => withdraw_edit(ctx, seq),
        Some(OutboxCommand::Withdraw { request_id, .. }) => {
            withdraw(ctx, request_id.unwrap_or_default())
        }
        Some(OutboxCommand::Resolve { seq, take, fields }) => resolve(ctx, seq, &take, &fields),
        None => list(ctx, a.json),
    }
}

fn withdraw(ctx: &Ctx, id: i64) -> Result<()> {
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyWithdraw));
    }
    let store = ctx.store()?;
    match store::inbox::withdraw(&store, id)? {
        Ok(e) => {
            outln!(
                "{}",
                ctx.f(W::Withdrawn, &[&id, &e.verdict().label(ctx.lang)])
            )?;
            Ok(())
        }
        Err(refusal) => Err(refusal.into()),
    }
}

fn withdraw_edit(ctx: &Ctx, seq: i64) -> Result<()> {
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyWithdraw));
    }
    let store = ctx.store()?;
    let conn = store.conn();
    let what = outbox::entry(conn, seq)?
        .and_then(|e| e.edit)
        .map(|i| crate::model::edit::describe(&i.edit, ctx.lang));
    let Some(what) = what else {
        bail!(ctx.f(W::NoSuchEdit, &[&seq]));
    };
    if !store::pending::withdraw(conn, seq)? {
        bail!(ctx.f(W::EditAlreadySent, &[&seq]));
    }
    store::pending::refresh_stale(conn)?;
    store.audit(
        AuditAction::Withdraw,
        &AuditDetail::EditWithdrawn { seq },
        Some(1),
    )?;
    outln!("{}", ctx.f(W::EditWithdrawn, &[&seq, &what]))?;
    Ok(())
}

/// `2026-11-02 09:30`
fn short_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// Splits `s` into pieces at most `width` cells wide (at least one piece), at a space
/// where the piece has one (English), else anywhere (Chinese).
pub(super) fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width && w > 0 {
            let last = out.last_mut().expect("one piece");
            // Carry the unfinished word over to the next line.
            let carried = match last.rfind(' ') {
                Some(at) if c != ' ' => {
                    let word = last[at + 1..].to_string();
                    last.truncate(at);
                    word
                }
                _ => String::new(),
            };
            w = carried.width();
            out.push(carried);
            if c == ' ' {
                continue;
            }
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
        w += cw;
    }
    out
}

fn list(ctx: &Ctx, as_json: bool) -> Result<()> {
    let store = ctx.store()?;
    let conn = store.conn();
    let mut entries = outbox::entries(conn)?;
    entries.reverse();
    let kind = |id| -> Result<Option<crate::model::ApprovalKind>> {
        Ok(queries::approval(conn, id)?.map(|a| a.kind))
    };
    if as_json {
        let mut out = Vec::new();
        for e in &entries {
            if let Some(edit) = &e.edit {
                out.push(json!({
                    "seq": e.seq,
                    "kind": edit.edit.what(),
                    "edit": edit,
                    "state": e.state,
                    "state_text": e.state.zh(),
                    "reason": e.reason,
                    "outcome": e.outcome,
                    "created_at": e.created_at,
                    "answered_at": e.answered_at,
                    "client_id": e.client_id,
                }));
                continue;
            }
            out.push(json!({
                "seq": e.seq,
                "request": e.approval_id,
                "kind": kind(e.approval_id)?.map(|k| k.zh()),
                "decision": e.decision,
                "state": e.state,
                "state_text": e.state.zh(),
                "reason": e.reason,
                "comment": e.comment,
                "created_at": e.created_at,
                "answered_at": e.answered_at,
                "client_id": e.client_id,
            }));
        }
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    if entries.is_empty() {
        outln!("{}", ctx.w(W::NoDecisions))?;
        return Ok(());
    }
    let lang = ctx.lang;
    let header = [
        W::Request,
        W::Kind,
        W::Decision,
        W::Status,
        W::RecordedAt,
        W::Explanation,
    ]
    .map(|w| w.get(lang));
    let mut cells: Vec<[String; 5]> = Vec::new();
    let mut notes = Vec::new();
    for e in &entries {
        cells.push(match &e.edit {
            Some(intent) => [
                ctx.f(W::EditNo, &[&e.seq]),
                crate::model::edit::describe(&intent.edit, lang),
                crate::model::edit::subject(&intent.edit),
                state_word(e.state, lang).to_string(),
                short_time(&e.created_at),
            ],
            None => [
                e.approval_id.to_string(),
                kind(e.approval_id)?
                    .map(|k| k.label(lang).to_string())
                    .unwrap_or_else(|| ctx.mark("—", "-").into()),
                e.verdict().label(lang).to_string(),
                state_word(e.state, lang).to_string(),
                short_time(&e.created_at),
            ],
        });
        let outcome = e.outcome.clone().unwrap_or_default();
        notes.push(match e.state {
            State::Refused => ctx.f(
                W::ServerSays,
                &[&outcome
                    .say_refusal(ctx.lang)
                    .or_else(|| e.reason.clone())
                    .unwrap_or_else(|| ctx.w(W::NoReason).to_string())],
            ),
            State::Conflict => {
                let fields: Vec<String> = outcome
                    .conflicts
                    .iter()
                    .map(|c| crate::model::edit::say_conflict(c, lang))
                    .collect();
                ctx.f(W::ConflictNote, &[&fields.join("; ")])
            }
            State::Sent => ctx.w(W::WaitingServer).to_string(),
            State::Queued => ctx.w(W::SentNextSync).to_string(),
            State::Accepted => match outcome.review {
                Some(id) => ctx.f(W::ReviewNote, &[&id]),
                None => String::new(),
            },
            State::Resolved => String::new(),
        });
    }
    // The note column takes what the others leave of 80 cells, and wraps onto lines of
    // its own: a refusal's reason is shown whole.
    let used: usize = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].width())
                .chain([header[i].width()])
                .max()
                .unwrap_or(0)
                + 2
        })
        .sum();
    let room = WIDTH.saturating_sub(used).max(10);
    let mut rows = Vec::new();
    for (c, note) in cells.into_iter().zip(notes) {
        for (k, piece) in wrap(&note, room).into_iter().enumerate() {
            if k == 0 {
                let mut row: Vec<String> = c.to_vec();
                row.push(piece);
                rows.push(row);
            } else {
                let mut row = vec![String::new(); 5];
                row.push(piece);
                rows.push(row);
            }
        }
    }
    out!("{}", super::table::render(&header, &rows))?;
    let count = |s| entries.iter().filter(|e| e.state == s).count();
    outln!(
        "{}",
        ctx.f(
            W::OutboxCount,
            &[
                &entries.len(),
                &count(State::Queued),
                &count(State::Sent),
                &count(State::Accepted),
                &count(State::Refused),
                &count(State::Conflict)
            ]
        )
    )?;
    let queued = |edit: bool| {
        entries
            .iter()
            .any(|e| e.state == State::Queued && e.edit.is_some() == edit)
    };
    if queued(false) {
        outln!("{}", ctx.w(W::WithdrawHint))?;
    }
    if queued(true) {
        outln!("{}", ctx.w(W::WithdrawEditHint))?;
    }
    // The operator has now seen every refusal: `bianzhi status` stops counting them.
    // Not worth failing the listing for (a read-only cache cannot keep the mark).
    if !ctx.ui.read_only
        && let Err(e) = outbox::mark_refusals_seen(conn)
    {
        tracing::warn!("could not mark the refusals seen: {e}");
    }
    Ok(())
}

/// An outbox state in words (the store names them in Chinese only).
fn state_word(s: State, lang: Lang) -> &'static str {
    match s {
        State::Queued => W::OutQueued,
        State::Sent => W::OutSent,
        State::Accepted => W::OutAccepted,
        State::Refused => W::OutRefused,
        State::Conflict => W::OutConflict,
        State::Resolved => W::OutResolved,
    }
    .get(lang)
}
