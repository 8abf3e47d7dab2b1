//! The outbox on the wire: the store's outbox rows (`store::outbox`) become the
//! `PushAction`s a sync request carries, and the server's answers are written back.

use super::proto::{Answer, PushAction};
use crate::store::{self, outbox};
use rusqlite::Connection;

/// A batch of decisions taken from the outbox, as pushed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub actions: Vec<PushAction>,
    /// The last `seq` taken: the next batch starts after it.
    pub last: i64,
    /// The rows this batch moved from queued to sent (the others were sent before).
    pub newly_sent: Vec<i64>,
}

/// An outbox row as the server receives it.
pub fn push_action(e: outbox::Entry) -> PushAction {
    PushAction {
        client_id: e.client_id,
        approval_id: e.approval_id,
        decision: e.decision,
        comment: e.comment,
        edit: e.edit,
    }
}

/// The decisions not yet answered (queued or sent), oldest first, as they are pushed.
pub fn unsent(conn: &Connection) -> store::Result<Vec<PushAction>> {
    Ok(outbox::unsent(conn)?.into_iter().map(push_action).collect())
}

/// The next batch to push (see [`outbox::claim`]): its rows are marked sent.
pub fn claim(conn: &Connection, after: i64, limit: usize) -> store::Result<Batch> {
    let b = outbox::claim(conn, after, limit)?;
    Ok(Batch {
        actions: b.entries.into_iter().map(push_action).collect(),
        last: b.last,
        newly_sent: b.newly_sent,
    })
}

/// Writes the server's answers into the outbox rows they answer.
pub fn record_answers(conn: &Connection, answers: &[Answer]) -> store::Result<()> {
    outbox::record_answers(
        conn,
        answers.iter().map(|a| outbox::Answer {
            client_id: &a.client_id,
            accepted: a.accepted,
            reason: a.reason.as_deref(),
            outcome: a.outcome.as_ref(),
        }),
    )
}
