//! Pending edits shown over the cached rows.
//!
//! The cache's tables hold what the operator sees: the server's rows with the edits
//! still waiting in the outbox replayed over them, in order. The server's own version of
//! every row an edit touched is kept in `pending_base` (NULL: the server has no such
//! row), so the replay can start again from it whenever something changes: an edit
//! queued, an answer received, a page of the server's rows written. Rows a pending edit
//! creates (a new person, a ledger entry, their history) carry negative ids, which the
//! server never sends, and are made again by each replay.
//!
//! An accepted edit stays replayed until the cache's cursor reaches the version that
//! holds it, so a value never flashes back to the old one between the answer and the
//! row. A refused edit or one in conflict is no longer replayed.

use super::maintain;
use super::outbox::{self, Entry};
use super::{Result, queries};
use crate::model::edit::{self, After, Edit, Intent, Target};
use crate::model::*;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::HashMap;

/// Meta key of the changes-feed cursor the cache is current to.
pub const CURSOR: &str = "cursor";

/// Meta key, set while a pending edit that changes the derived tables is shown: taking
/// it away must refresh them too.
const FIGURES: &str = "pending_figures";

/// Meta key, set when a saved edit left the derived tables behind the rows: the next
/// `refresh_stale` (or any refresh) brings them up.
pub const DERIVED_STALE: &str = "derived_stale";

/// Who a pending row's history line names until the server's arrives.
pub const PENDING_OPERATOR: &str = "（待上传）";

const ORGS: i64 = 0;
const PERSONS: i64 = 3;

/// The cache's cursor.
/// A person as an edit names them: one on the books by id; one entered here and not
/// yet answered (shown with a negative id) by the client id of the edit that entered
/// them. None when no such edit is kept.
pub fn target(conn: &Connection, id: PersonId) -> Result<Option<Target>> {
    if id >= 0 {
        return Ok(Some(Target::Id(id)));
    }
    Ok(outbox::entry(conn, -id)?.map(|e| Target::New(e.client_id)))
}

pub fn cursor(conn: &Connection) -> Result<u64> {
    Ok(super::get_meta(conn, CURSOR)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

/// The id a row created by the edit recorded under `seq` has until the server's arrives.
pub fn temp_id(seq: i64) -> i64 {
    -seq
}

/// Ids of the history lines of one pending edit.
fn temp_event_id(seq: i64, k: usize) -> i64 {
    -(seq * 16 + k as i64)
}

/// Checks an edit against the cache (the same rules the server applies) and, if it
/// passes, queues it and shows it at once. Returns the refusals, or the queued row.
pub fn queue(
    conn: &Connection,
    intent: &Intent,
    today: chrono::NaiveDate,
) -> Result<std::result::Result<Entry, Vec<edit::FieldError>>> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let entry = match queue_on(&tx, intent, today)? {
        Ok(entry) => entry,
        // Nothing of it stays (the transaction is dropped).
        Err(errors) => return Ok(Err(errors)),
    };
    super::fault_hook::pause("outbox");
    tx.commit()?;
    Ok(Ok(entry))
}

/// What each edit of a batch came to: queued, or its refusals.
pub type Outcomes = Vec<std::result::Result<Entry, Vec<edit::FieldError>>>;

/// What stays of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// Every edit, or none when one is refused.
    Whole,
    /// The edits that passed.
    Valid,
    /// None: the edits are only checked.
    Check,
}

/// Checks and queues a batch of edits in one transaction, each checked over the ones
/// before it (a file of new persons: the unit's 可使用 goes down row by row, an ID
/// number twice in the file is refused the second time). Whether anything was
/// committed, and each edit's outcome in order.
pub fn queue_batch(
    conn: &Connection,
    intents: &[Intent],
    today: chrono::NaiveDate,
    keep: Batch,
) -> Result<(bool, Outcomes)> {
    let mut tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(intents.len());
    for intent in intents {
        // Each edit whole or not at all within the batch.
        let sp = tx.savepoint()?;
        let outcome = queue_on(&sp, intent, today)?;
        if outcome.is_ok() {
            sp.commit()?;
        }
        outcomes.push(outcome);
    }
    let all = outcomes.iter().all(|o| o.is_ok());
    let any = outcomes.iter().any(|o| o.is_ok());
    let commit = match keep {
        Batch::Whole => all && any,
        Batch::Valid => any,
        Batch::Check => false,
    };
    if !commit {
        return Ok((false, outcomes));
    }
    super::fault_hook::pause("outbox");
    tx.commit()?;
    Ok((true, outcomes))
}

/// The checks and the writes of [`queue`], inside a transaction the caller holds; on a
/// refusal something may have been written: the caller drops it.
fn queue_on(
    tx: &Connection,
    intent: &Intent,
    today: chrono::NaiveDate,
) -> Result<std::result::Result<Entry, Vec<edit::FieldError>>> {
    let person = match intent.edit.person() {
        Some(t) => resolve_one(tx, t)?,
        None => None,
    };
    let before = maintain::before(tx, &intent.edit, person)?;
    // The cache holds only the operator's jurisdiction: a unit in it is in scope.
    let in_scope = |id: OrgId| queries::org(tx, id).ok().flatten().is_some();
    let mut errors = maintain::check(
        tx,
        &intent.edit,
        intent.doc_no.as_deref(),
        &before,
        &in_scope,
    )?;
    let entry = if errors.is_empty() {
        let entry = outbox::queue_edit(tx, intent)?;
        match edit::effect(
            &intent.edit,
            intent.doc_no.as_deref(),
            before,
            temp_id(entry.seq),
            today,
        ) {
            Ok(after) => {
                // The view already holds every earlier pending edit: this one goes on
                // top of it, without replaying the others.
                let mut written = Vec::new();
                write(tx, &entry, intent, after, &mut written)?;
                Some(entry)
            }
            Err(e) => {
                errors = e;
                None
            }
        }
    } else {
        None
    };
    let Some(entry) = entry else {
        return Ok(Err(errors));
    };
    // A change of descriptive fields only (the daily case) leaves the derived tables as
    // they are. Another is saved without waiting for them (refreshing a city's costs
    // about two seconds): they are marked stale and refreshed in a transaction of their
    // own right after (`refresh_stale`), so the edit is safe the moment it is saved.
    if intent.edit.changes_figures() {
        super::set_meta(tx, FIGURES, "1")?;
        super::set_meta(tx, DERIVED_STALE, "1")?;
    }
    Ok(Ok(entry))
}

/// Refreshes the derived tables if a saved edit left them stale; whether it did.
pub fn refresh_stale(conn: &Connection) -> Result<bool> {
    if super::get_meta(conn, DERIVED_STALE)?.is_none() {
        return Ok(false);
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    super::partial::refresh(&tx)?;
    tx.commit()?;
    Ok(true)
}

/// The person a target names, looking up only its own outbox row (for a save, which
/// must not cost more with every edit already waiting).
fn resolve_one(conn: &Connection, target: &Target) -> Result<Option<PersonId>> {
    let cursor = cursor(conn)?;
    let row = |sql: &str, key: &dyn rusqlite::ToSql| -> Result<Option<Entry>> {
        let seq: Option<i64> = conn.query_row(sql, [key], |r| r.get(0)).optional()?;
        Ok(match seq {
            Some(seq) => outbox::entry(conn, seq)?,
            None => None,
        })
    };
    let live = |e: &Entry| match e.state {
        outbox::State::Queued | outbox::State::Sent => true,
        outbox::State::Accepted => e
            .outcome
            .as_ref()
            .and_then(|o| o.version)
            .is_some_and(|v| v > cursor),
        _ => false,
    };
    Ok(match target {
        Target::Id(id) if *id < 0 => row("SELECT seq FROM outbox WHERE seq = ?", &-id)?
            .filter(|e| live(e))
            .map(|_| *id),
        Target::Id(id) => Some(*id),
        Target::New(client_id) => {
            match row("SELECT seq FROM outbox WHERE client_id = ?", client_id)? {
                Some(e) if live(&e) => Some(temp_id(e.seq)),
                Some(e) => e.outcome.and_then(|o| o.created_id),
                None => None,
            }
        }
    })
}

/// The person an edit's target names, as the cache knows it now.
fn resolve(conn: &Connection, target: &Target, live: &[Entry]) -> Result<Option<PersonId>> {
    Ok(match target {
        Target::Id(id) if *id < 0 => {
            // A temporary id: the create recorded under that seq, if still shown.
            live.iter().any(|e| e.seq == -id).then_some(*id)
        }
        Target::Id(id) => Some(*id),
        Target::New(client_id) => {
            if let Some(e) = live.iter().find(|e| &e.client_id == client_id) {
                Some(temp_id(e.seq))
            } else {
                conn.query_row(
                    "SELECT outcome FROM outbox WHERE client_id = ?",
                    [client_id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten()
                .and_then(|o| serde_json::from_str::<edit::Outcome>(&o).ok())
                .and_then(|o| o.created_id)
            }
        }
    })
}

/// Rebuilds the pending view: the server's rows back where edits had changed them,
/// then every live edit replayed over them in order. Derived figures are refreshed when
/// anything was or is pending.
pub fn replay(tx: &Transaction) -> Result<()> {
    if rebuild(tx)? {
        super::partial::refresh(tx)?;
    }
    Ok(())
}

/// [`replay`] without the derived figures (the caller refreshes them); whether they
/// may have changed: an edit that changes them was shown before or is shown now.
pub fn rebuild(tx: &Transaction) -> Result<bool> {
    let had = restore(tx)? && super::get_meta(tx, FIGURES)?.is_some();
    tx.execute("DELETE FROM meta WHERE key = ?", [FIGURES])?;
    let live = outbox::live_edits(tx, cursor(tx)?)?;
    if live.is_empty() {
        return Ok(had);
    }
    let figures = live
        .iter()
        .any(|e| e.edit.as_ref().is_some_and(|i| i.edit.changes_figures()));
    if figures {
        super::set_meta(tx, FIGURES, "1")?;
    }
    let today = chrono::Local::now().date_naive();
    let mut written = Vec::new();
    for e in &live {
        let Some(intent) = &e.edit else { continue };
        let person = match intent.edit.person() {
            Some(t) => match resolve(tx, t, &live)? {
                Some(id) => Some(id),
                None => continue,
            },
            None => None,
        };
        let before = maintain::before(tx, &intent.edit, person)?;
        // An edit the server will refuse shows nothing (its refusal will say why).
        let Ok(after) = edit::effect(
            &intent.edit,
            intent.doc_no.as_deref(),
            before,
            temp_id(e.seq),
            today,
        ) else {
            continue;
        };
        write(tx, e, intent, after, &mut written)?;
    }
    Ok(had || figures)
}

/// Puts the server's rows back and drops every temporary row; whether anything was
/// pending.
fn restore(tx: &Transaction) -> Result<bool> {
    let shadows: Vec<(i64, i64, Option<String>)> = {
        let mut st = tx.prepare_cached("SELECT tbl, id, row FROM pending_base")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut temp = 0;
    for table in ["persons", "orgs", "ledger", "posts", "events"] {
        temp += tx.execute(&format!("DELETE FROM {table} WHERE id < 0"), [])?;
    }
    let mut data = Dataset::default();
    for (tbl, id, row) in &shadows {
        let table = if *tbl == ORGS { "orgs" } else { "persons" };
        match row {
            None => super::delete_rows(tx, table, &[*id])?,
            Some(json) => {
                let bad = |e: serde_json::Error| super::Error::Corrupt(e.to_string());
                if *tbl == ORGS {
                    data.orgs.push(serde_json::from_str(json).map_err(bad)?);
                } else {
                    data.persons.push(serde_json::from_str(json).map_err(bad)?);
                }
            }
        }
    }
    super::upsert_dataset(tx, &data)?;
    tx.execute("DELETE FROM pending_base", [])?;
    Ok(!shadows.is_empty() || temp > 0)
}

/// Keeps the server's version of a row before an edit first changes it.
fn shadow(tx: &Connection, tbl: i64, id: i64, written: &mut Vec<(i64, i64)>) -> Result<()> {
    if id < 0 || written.contains(&(tbl, id)) {
        return Ok(());
    }
    let row = if tbl == ORGS {
        queries::org(tx, id)?.map(|o| serde_json::to_string(&o))
    } else {
        queries::person(tx, id)?.map(|p| serde_json::to_string(&p))
    }
    .transpose()
    .map_err(|e| super::Error::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT OR IGNORE INTO pending_base (tbl, id, row) VALUES (?, ?, ?)",
        params![tbl, id, row],
    )?;
    written.push((tbl, id));
    Ok(())
}

fn write(
    tx: &Connection,
    e: &Entry,
    intent: &Intent,
    after: After,
    written: &mut Vec<(i64, i64)>,
) -> Result<()> {
    let mut data = Dataset::default();
    if let Some(p) = after.person {
        shadow(tx, PERSONS, p.id, written)?;
        data.persons.push(p);
    }
    if let Some(o) = after.org {
        shadow(tx, ORGS, o.id, written)?;
        data.orgs.push(o);
    }
    data.ledger.extend(after.ledger);
    data.posts.extend(after.posts);
    let date = chrono::DateTime::parse_from_rfc3339(&e.created_at)
        .map(|d| d.date_naive())
        .unwrap_or_else(|_| chrono::Local::now().date_naive());
    for (k, t) in after.traces.into_iter().enumerate() {
        data.events.push(Event {
            id: temp_event_id(e.seq, k),
            subject: t.subject,
            kind: t.kind,
            date,
            doc_no: intent.doc_no.clone(),
            summary: String::new(),
            detail: Some(t.detail),
            operator: PENDING_OPERATOR.into(),
            from_org: t.from_org,
            to_org: t.to_org,
        });
    }
    super::upsert_dataset(tx, &data)
}

/// Forgets the server's old version of rows a page brings anew (the page's rows are the
/// server's now); the replay after the page starts from them.
pub fn forget(tx: &Transaction, data: &Dataset, deleted: &[(&str, &[i64])]) -> Result<()> {
    let mut st = tx.prepare_cached("DELETE FROM pending_base WHERE tbl = ? AND id = ?")?;
    for o in &data.orgs {
        st.execute(params![ORGS, o.id])?;
    }
    for p in &data.persons {
        st.execute(params![PERSONS, p.id])?;
    }
    for (table, ids) in deleted {
        let tbl = match *table {
            "orgs" => ORGS,
            "persons" => PERSONS,
            _ => continue,
        };
        for id in *ids {
            // Deleted on the server: the base is "no such row".
            tx.execute(
                "UPDATE pending_base SET row = NULL WHERE tbl = ? AND id = ?",
                params![tbl, id],
            )?;
        }
    }
    Ok(())
}

/// What is pending on one record: the fields whose shown value waits to be sent
/// (every field of a record entered here), by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    /// Entered here, not on the server yet.
    pub new: bool,
    pub fields: Vec<String>,
}

/// The pending state of a person, if anything about them waits.
pub fn person(conn: &Connection, id: PersonId) -> Result<Option<Pending>> {
    if id < 0 {
        return Ok(Some(Pending {
            new: true,
            fields: Vec::new(),
        }));
    }
    let base: Option<Option<String>> = conn
        .query_row(
            "SELECT row FROM pending_base WHERE tbl = ? AND id = ?",
            params![PERSONS, id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(base) = base else { return Ok(None) };
    let now = queries::person(conn, id)?;
    let base: Option<Person> = base.and_then(|b| serde_json::from_str(&b).ok());
    let mut fields = Vec::new();
    if let (Some(b), Some(n)) = (&base, &now) {
        for f in edit::PersonField::ALL {
            if f.get(b) != f.get(n) {
                fields.push(f.key().to_string());
            }
        }
        if b.status != n.status {
            fields.push("status".into());
        }
        if b.org_id != n.org_id {
            fields.push("org".into());
        }
    }
    Ok(Some(Pending {
        new: base.is_none(),
        fields,
    }))
}

/// The pending state of a unit.
pub fn org(conn: &Connection, id: OrgId) -> Result<Option<Pending>> {
    if id < 0 {
        return Ok(Some(Pending {
            new: true,
            fields: Vec::new(),
        }));
    }
    let base: Option<Option<String>> = conn
        .query_row(
            "SELECT row FROM pending_base WHERE tbl = ? AND id = ?",
            params![ORGS, id],
            |r| r.get(0),
        )
        .optional()?;
    let pending_rows: i64 = conn.query_row(
        "SELECT (SELECT COUNT(*) FROM ledger WHERE id < 0 AND org_id = ?1) + (SELECT COUNT(*) FROM posts WHERE id < 0 AND org_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    let Some(base) = base else {
        return Ok((pending_rows > 0).then(|| Pending {
            new: false,
            fields: vec!["ledger".into()],
        }));
    };
    let now = queries::org(conn, id)?;
    let base: Option<Org> = base.and_then(|b| serde_json::from_str(&b).ok());
    let mut fields = Vec::new();
    if let (Some(b), Some(n)) = (&base, &now) {
        for f in edit::OrgField::ALL {
            if f.get(b) != f.get(n) {
                fields.push(f.key().to_string());
            }
        }
        if b.parent_id != n.parent_id {
            fields.push("parent".into());
        }
        if b.abolished != n.abolished {
            fields.push("abolished".into());
        }
    }
    if pending_rows > 0 {
        fields.push("ledger".into());
    }
    Ok(Some(Pending {
        new: base.is_none(),
        fields,
    }))
}

/// Unanswered edits, for the status bar.
pub fn waiting(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE edit IS NOT NULL AND state IN (?, ?)",
        params![outbox::State::Queued, outbox::State::Sent],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Withdraws a queued edit and shows the cache without it.
pub fn withdraw(conn: &Connection, seq: i64) -> Result<bool> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let gone = outbox::withdraw_edit(&tx, seq)?;
    if gone {
        replay(&tx)?;
    }
    // A refresh left pending by the save is done by the replay or is still to do.
    tx.commit()?;
    Ok(gone)
}

/// Marks a conflict dealt with; `resolution` (if any) is queued as a new edit based on
/// the server's current values.
pub fn resolve_conflict(
    conn: &Connection,
    seq: i64,
    resolution: Option<&Intent>,
    today: chrono::NaiveDate,
) -> Result<std::result::Result<Option<Entry>, Vec<edit::FieldError>>> {
    let queued = match resolution {
        Some(intent) => match queue(conn, intent, today)? {
            Ok(e) => Some(e),
            Err(errors) => return Ok(Err(errors)),
        },
        None => None,
    };
    outbox::mark_resolved(conn, seq)?;
    Ok(Ok(queued))
}

/// The edits touching one person, oldest first (their state and answer included).
pub fn edits_of_person(conn: &Connection, id: PersonId) -> Result<Vec<Entry>> {
    let all = outbox::entries(conn)?;
    let creates: HashMap<String, i64> = all
        .iter()
        .filter(|e| {
            matches!(
                e.edit.as_ref().map(|i| &i.edit),
                Some(Edit::PersonAdd { .. })
            )
        })
        .map(|e| {
            let real = e.outcome.as_ref().and_then(|o| o.created_id);
            (e.client_id.clone(), real.unwrap_or(temp_id(e.seq)))
        })
        .collect();
    Ok(all
        .into_iter()
        .filter(|e| match e.edit.as_ref().map(|i| &i.edit) {
            Some(Edit::PersonAdd { .. }) => {
                temp_id(e.seq) == id || e.outcome.as_ref().and_then(|o| o.created_id) == Some(id)
            }
            Some(edit) => match edit.person() {
                Some(Target::Id(p)) => *p == id,
                Some(Target::New(c)) => creates.get(c) == Some(&id),
                None => false,
            },
            None => false,
        })
        .collect())
}

/// The units and persons as the server last sent them (pending edits not replayed:
/// a person a waiting edit changed is read from `pending_base`, one entered here is
/// left out), and the ids of the persons an edit waits for. What a roster is compared
/// with (`bianzhi compare`, the 比对 screen): a difference fixed here stays listed,
/// marked as waiting, until the server has the fix.
pub fn books_as_synced(conn: &Connection) -> Result<(Vec<Org>, Vec<Person>, Vec<PersonId>)> {
    use super::rows::{ORG_COLUMNS, PERSON_COLUMNS, read_org, read_person};
    let orgs: Vec<Org> = {
        let mut st = conn.prepare(&format!("SELECT {ORG_COLUMNS} FROM orgs ORDER BY id"))?;
        st.query_map([], read_org)?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut base: HashMap<PersonId, Option<Person>> = HashMap::new();
    {
        let mut st = conn.prepare("SELECT id, row FROM pending_base WHERE tbl = ?")?;
        let rows = st.query_map([PERSONS], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (id, json) = row?;
            base.insert(id, json.and_then(|j| serde_json::from_str(&j).ok()));
        }
    }
    let mut waiting: Vec<PersonId> = base.keys().copied().collect();
    let mut persons: Vec<Person> = Vec::new();
    {
        let mut st = conn.prepare(&format!("SELECT {PERSON_COLUMNS} FROM persons ORDER BY id"))?;
        for p in st.query_map([], read_person)? {
            let p = p?;
            if p.id < 0 {
                waiting.push(p.id);
                continue;
            }
            match base.get(&p.id) {
                Some(Some(b)) => persons.push(b.clone()),
                Some(None) => {}
                None => persons.push(p),
            }
        }
    }
    waiting.sort_unstable();
    waiting.dedup();
    Ok((orgs, persons, waiting))
}
