//! The outbox: decisions made in the cache (offline or not) wait here, survive restarts,
//! and are sent on the next sync, each under a client id generated once, so a resend
//! after a timeout is recognised by the server and never applied twice.
//!
//! A row goes 待上传 (queued) → 已发送 (sent, marked before the request leaves, so a
//! decision the server may already hold can no longer be withdrawn) → 已接受 or 被拒绝
//! (the server's answer, with its reason). Only a queued row may be withdrawn.
//!
//! Edits (model::edit) wait in the same table and the same order as decisions: a row is
//! one or the other. An edit can also end 有冲突 (the server's value of a field changed
//! since the clerk's version): the clerk resolves it, which queues a new edit.
//!
//! The table and its states are the store's; `sync::outbox` turns rows into the wire's
//! `PushAction`s and the server's answers back into [`Answer`]s.

use super::{Result, Store};
use crate::model::edit::{Intent, Outcome};
use crate::model::{ApprovalId, Decision};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

/// Where a decision in the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 待上传: recorded here, not yet sent; may still be withdrawn.
    Queued,
    /// 已发送: sent (or being sent) and not answered yet; resent until answered.
    Sent,
    /// 已接受: the server applied it.
    Accepted,
    /// 被拒绝: the server refused it, with a reason.
    Refused,
    /// 有冲突: an edit met a field changed on the server since; waits for the clerk.
    Conflict,
    /// 已处理: a conflict the clerk resolved (by a new edit) or dismissed.
    Resolved,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Queued,
        State::Sent,
        State::Accepted,
        State::Refused,
        State::Conflict,
        State::Resolved,
    ];

    /// The code in the `outbox.state` column. Sent is 3, not 1: the first schema had
    /// 0 unsent, 1 accepted, 2 rejected, and existing caches keep their meaning.
    pub fn code(self) -> i64 {
        match self {
            State::Queued => 0,
            State::Accepted => 1,
            State::Refused => 2,
            State::Sent => 3,
            State::Conflict => 4,
            State::Resolved => 5,
        }
    }

    pub fn from_code(code: i64) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The server has answered: nothing more will happen to the row.
    pub fn answered(self) -> bool {
        !matches!(self, State::Queued | State::Sent)
    }

    pub fn zh(self) -> &'static str {
        match self {
            State::Queued => "待上传",
            State::Sent => "已发送",
            State::Accepted => "已接受",
            State::Refused => "被拒绝",
            State::Conflict => "有冲突",
            State::Resolved => "已处理",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sent => "sent",
            State::Accepted => "accepted",
            State::Refused => "refused",
            State::Conflict => "conflict",
            State::Resolved => "resolved",
        }
    }
}

impl ToSql for State {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for State {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let code = value.as_i64()?;
        State::from_code(code).ok_or(FromSqlError::OutOfRange(code))
    }
}

/// One outbox row as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// Order of recording.
    pub seq: i64,
    pub client_id: String,
    /// The request decided (0 for an edit).
    pub approval_id: ApprovalId,
    /// The decision (None for an edit).
    pub decision: Option<Decision>,
    pub comment: String,
    pub created_at: String,
    pub state: State,
    /// Why the server refused it, in its words.
    pub reason: Option<String>,
    pub answered_at: Option<String>,
    /// The edit (None for a decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit: Option<Intent>,
    /// The server's detailed answer to an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// Queues a decision; returns its client id.
pub fn queue(
    store: &Store,
    approval_id: ApprovalId,
    decision: Decision,
    comment: &str,
) -> Result<String> {
    let client_id = uuid::Uuid::new_v4().to_string();
    let tx = store.conn().unchecked_transaction()?;
    tx.execute(
        "INSERT INTO outbox (client_id, approval_id, decision, comment, created_at, state) VALUES (?, ?, ?, ?, ?, ?)",
        params![client_id, approval_id, decision.code(), comment, chrono::Local::now().to_rfc3339(), State::Queued],
    )?;
    super::fault_hook::pause("outbox");
    tx.commit()?;
    Ok(client_id)
}

impl Entry {
    /// The decision of a decision row. Every row whose `edit` is None has one (the
    /// column is read as a vocabulary term and a bad code is an error), so the fallback
    /// is never taken.
    pub fn verdict(&self) -> Decision {
        self.decision.unwrap_or(Decision::Return)
    }
}

/// The decision rows only, oldest first.
pub fn decisions(conn: &Connection) -> Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE edit IS NULL ORDER BY seq"
    ))?;
    let rows = st.query_map([], read)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Queues an edit; returns the row as recorded. The caller replays pending edits over
/// the cached rows in the same transaction (`store::pending`).
pub fn queue_edit(conn: &Connection, intent: &Intent) -> Result<Entry> {
    let client_id = uuid::Uuid::new_v4().to_string();
    let json = serde_json::to_string(intent).map_err(|e| super::Error::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO outbox (client_id, approval_id, decision, comment, created_at, state, edit) VALUES (?, 0, 0, '', ?, ?, ?)",
        params![client_id, chrono::Local::now().to_rfc3339(), State::Queued, json],
    )?;
    let seq = conn.last_insert_rowid();
    Ok(conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?"),
        [seq],
        read,
    )?)
}

const COLUMNS: &str = "seq, client_id, approval_id, decision, comment, created_at, state, reason, answered_at, edit, outcome";

fn json_col<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row,
    i: usize,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn read(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    let edit: Option<Intent> = json_col(r, 9)?;
    Ok(Entry {
        seq: r.get(0)?,
        client_id: r.get(1)?,
        approval_id: r.get(2)?,
        decision: if edit.is_some() {
            None
        } else {
            Some(super::rows::vocab(r, 3)?)
        },
        comment: r.get(4)?,
        created_at: r.get(5)?,
        state: r.get(6)?,
        reason: r.get(7)?,
        answered_at: r.get(8)?,
        edit,
        outcome: json_col(r, 10)?,
    })
}

/// The row recorded under `seq`.
pub fn entry(conn: &Connection, seq: i64) -> Result<Option<Entry>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?"))?
        .query_row([seq], read)
        .optional()?)
}

/// The edits still to be shown over the cached rows: unanswered ones, and accepted
/// ones whose change the cache does not hold yet (its cursor is below their version).
pub fn live_edits(conn: &Connection, cursor: u64) -> Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE edit IS NOT NULL AND state IN (?, ?, ?) ORDER BY seq"
    ))?;
    let rows = st.query_map(params![State::Queued, State::Sent, State::Accepted], read)?;
    let mut out = Vec::new();
    for e in rows {
        let e = e?;
        let waiting = match e.state {
            State::Accepted => e
                .outcome
                .as_ref()
                .and_then(|o| o.version)
                .is_some_and(|v| v > cursor),
            _ => true,
        };
        if waiting {
            out.push(e);
        }
    }
    Ok(out)
}

/// A conflict the clerk has dealt with (resolved by a new edit, or dropped).
pub fn mark_resolved(conn: &Connection, seq: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE outbox SET state = ? WHERE seq = ? AND state = ?",
        params![State::Resolved, seq, State::Conflict],
    )? == 1)
}

/// Withdraws a queued edit (not yet sent); false if it is no longer queued.
pub fn withdraw_edit(conn: &Connection, seq: i64) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM outbox WHERE seq = ? AND state = ? AND edit IS NOT NULL",
        params![seq, State::Queued],
    )? == 1)
}

/// Every outbox row, oldest first.
pub fn entries(conn: &Connection) -> Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))?;
    let rows = st.query_map([], read)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The outbox rows of one request, oldest first.
pub fn entries_for(conn: &Connection, approval_id: ApprovalId) -> Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE approval_id = ? AND edit IS NULL ORDER BY seq"
    ))?;
    let rows = st.query_map([approval_id], read)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The decisions not yet answered (queued or sent), oldest first, as they are pushed.
pub fn unsent(conn: &Connection) -> Result<Vec<Entry>> {
    Ok(entries(conn)?
        .into_iter()
        .filter(|e| !e.state.answered())
        .collect())
}

/// A batch of decisions taken from the outbox to push.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub entries: Vec<Entry>,
    /// The last `seq` taken: the next batch starts after it.
    pub last: i64,
    /// The rows this batch moved from queued to sent (the others were sent before).
    pub newly_sent: Vec<i64>,
}

/// The next decisions to push: at most `limit` unanswered rows recorded after `after`
/// (a `seq`), oldest first, marked sent in the same transaction. A row withdrawn a
/// moment before is not among them; one withdrawn a moment after cannot be (it is no
/// longer queued).
pub fn claim(conn: &Connection, after: i64, limit: usize) -> Result<Batch> {
    // Nothing to send (the usual case): no write lock, nothing written, so a sync of
    // a read-only cache still reaches the server.
    let waiting: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE seq > ? AND state IN (?, ?))",
        params![after, State::Queued, State::Sent],
        |r| r.get(0),
    )?;
    if !waiting {
        return Ok(Batch {
            last: after,
            ..Batch::default()
        });
    }
    // Immediate: what is read below stays true until the commit.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let rows: Vec<Entry> = {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE seq > ? AND state IN (?, ?) ORDER BY seq LIMIT ?"
        ))?;
        st.query_map(
            params![after, State::Queued, State::Sent, limit as i64],
            read,
        )?
        .collect::<rusqlite::Result<_>>()?
    };
    let last = rows.last().map_or(after, |e| e.seq);
    let newly_sent = rows
        .iter()
        .filter(|e| e.state == State::Queued)
        .map(|e| e.seq)
        .collect();
    tx.execute(
        "UPDATE outbox SET state = ? WHERE state = ? AND seq > ? AND seq <= ?",
        params![State::Sent, State::Queued, after, last],
    )?;
    tx.commit()?;
    Ok(Batch {
        entries: rows,
        last,
        newly_sent,
    })
}

/// The request carrying these rows never left (the connection was refused): they are
/// queued again, and may still be withdrawn.
pub fn unclaim(conn: &Connection, seqs: &[i64]) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    {
        let mut st =
            tx.prepare_cached("UPDATE outbox SET state = ? WHERE seq = ? AND state = ?")?;
        for seq in seqs {
            st.execute(params![State::Queued, seq, State::Sent])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The server's answer to one decision, as the outbox records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer<'a> {
    pub client_id: &'a str,
    pub accepted: bool,
    /// Why it was refused, in the server's words.
    pub reason: Option<&'a str>,
    /// For an edit: the details.
    pub outcome: Option<&'a Outcome>,
}

/// Writes the server's answers into the outbox rows they answer (queued or sent: a
/// decision is marked sent before it leaves, but a cache written by an older version
/// has none so marked).
pub fn record_answers<'a>(
    conn: &Connection,
    answers: impl IntoIterator<Item = Answer<'a>>,
) -> Result<()> {
    let now = chrono::Local::now().to_rfc3339();
    let mut st = conn.prepare_cached(
        "UPDATE outbox SET state = ?, reason = ?, answered_at = ?, outcome = ? WHERE client_id = ? AND state IN (?, ?)",
    )?;
    for a in answers {
        let state = match a.outcome {
            _ if a.accepted => State::Accepted,
            Some(o) if !o.conflicts.is_empty() => State::Conflict,
            _ => State::Refused,
        };
        let outcome = a
            .outcome
            .filter(|o| !o.is_empty())
            .and_then(|o| serde_json::to_string(o).ok());
        st.execute(params![
            state,
            a.reason,
            now,
            outcome,
            a.client_id,
            State::Queued,
            State::Sent
        ])?;
    }
    Ok(())
}

/// Rows per state.
///
/// (Conflicts count with refusals as needing the operator's eyes: see
/// [`unseen_refusals`].)
pub fn count(conn: &Connection, state: State) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = ?",
        [state],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Meta key: how many refused rows the operator had seen at their last look (refused
/// rows are never deleted, so the count only grows).
const REFUSALS_SEEN: &str = "outbox_refusals_seen";

/// Refusals the operator has not looked at yet (`bianzhi outbox`, the inbox screen).
pub fn unseen_refusals(conn: &Connection) -> Result<u64> {
    let seen: u64 = super::get_meta(conn, REFUSALS_SEEN)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(needing_eyes(conn)?.saturating_sub(seen))
}

/// Refusals and conflicts (settled ones included, so the count only grows).
fn needing_eyes(conn: &Connection) -> Result<u64> {
    Ok(
        count(conn, State::Refused)?
            + count(conn, State::Conflict)?
            + count(conn, State::Resolved)?,
    )
}

/// The operator has seen every refusal so far.
pub fn mark_refusals_seen(conn: &Connection) -> Result<()> {
    let n = needing_eyes(conn)?;
    super::set_meta(conn, REFUSALS_SEEN, &n.to_string())
}

/// Why a decision could not be withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WithdrawRefusal {
    #[error("申请 {0} 没有待上传的决定，无可撤回。可用 bianzhi outbox 查看已记录的决定")]
    NothingQueued(ApprovalId),
    #[error(
        "申请 {0} 的决定已发送，正等待服务器答复，不能再撤回（服务器可能已经收到）。下次同步后可看到结果"
    )]
    AlreadySent(ApprovalId),
    #[error("申请 {0} 的决定服务器已接受，不能撤回")]
    Accepted(ApprovalId),
    #[error("申请 {0} 的决定已被服务器拒绝，无需撤回；可以重新审批")]
    Refused(ApprovalId),
}

/// Withdraws the queued (not yet sent) decision on a request: the row goes, as if the
/// decision had never been made. In one statement, so a sync claiming the row at the
/// same moment either sends it (and the withdrawal is refused) or never sees it.
pub fn withdraw(
    conn: &Connection,
    approval_id: ApprovalId,
) -> Result<std::result::Result<Entry, WithdrawRefusal>> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let last: Option<Entry> = {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE approval_id = ? AND edit IS NULL ORDER BY seq DESC LIMIT 1"
        ))?;
        st.query_map([approval_id], read)?.next().transpose()?
    };
    let refusal = match &last {
        None => WithdrawRefusal::NothingQueued(approval_id),
        Some(e) => match e.state {
            State::Queued => {
                let gone = tx.execute(
                    "DELETE FROM outbox WHERE seq = ? AND state = ?",
                    params![e.seq, State::Queued],
                )?;
                if gone == 1 {
                    tx.commit()?;
                    return Ok(Ok(e.clone()));
                }
                WithdrawRefusal::AlreadySent(approval_id)
            }
            State::Sent => WithdrawRefusal::AlreadySent(approval_id),
            State::Accepted => WithdrawRefusal::Accepted(approval_id),
            State::Refused | State::Conflict | State::Resolved => {
                WithdrawRefusal::Refused(approval_id)
            }
        },
    };
    Ok(Err(refusal))
}
