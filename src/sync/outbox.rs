//! The outbox: decisions made in the cache (offline or not) wait here, survive restarts,
//! and are sent on the next sync, each under a client id generated once, so a resend
//! after a timeout is recognised by the server and never applied twice.

use super::proto::PushAction;
use crate::model::{ApprovalId, Decision};
use crate::store::{self, Store};
use rusqlite::{Connection, params};

/// One outbox row as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub client_id: String,
    pub approval_id: ApprovalId,
    pub decision: Decision,
    pub comment: String,
    pub created_at: String,
    /// 0 unsent, 1 accepted, 2 rejected.
    pub state: i64,
    pub reason: Option<String>,
}

/// Queues a decision; returns its client id.
pub fn queue(
    store: &Store,
    approval_id: ApprovalId,
    decision: Decision,
    comment: &str,
) -> store::Result<String> {
    let client_id = uuid::Uuid::new_v4().to_string();
    let tx = store.conn().unchecked_transaction()?;
    tx.execute(
        "INSERT INTO outbox (client_id, approval_id, decision, comment, created_at) VALUES (?, ?, ?, ?, ?)",
        params![client_id, approval_id, decision.code(), comment, chrono::Local::now().to_rfc3339()],
    )?;
    store::fault_hook::pause("outbox");
    tx.commit()?;
    Ok(client_id)
}

/// Every outbox row, oldest first.
pub fn entries(conn: &Connection) -> store::Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(
        "SELECT client_id, approval_id, decision, comment, created_at, state, reason FROM outbox ORDER BY seq",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Entry {
            client_id: r.get(0)?,
            approval_id: r.get(1)?,
            decision: crate::store::rows::vocab(r, 2)?,
            comment: r.get(3)?,
            created_at: r.get(4)?,
            state: r.get(5)?,
            reason: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The decisions not yet answered, as they are pushed.
pub fn unsent(conn: &Connection) -> store::Result<Vec<PushAction>> {
    Ok(entries(conn)?
        .into_iter()
        .filter(|e| e.state == 0)
        .map(|e| PushAction {
            client_id: e.client_id,
            approval_id: e.approval_id,
            decision: e.decision,
            comment: e.comment,
        })
        .collect())
}
