//! The server's authoritative database: the store's own tables (so the same rules and
//! queries serve both sides) plus the server's bookkeeping:
//!
//! - `sync_rows`: for every row ever synced, its newest version (`ver`, from one global
//!   sequence), the unit that decides who may see it (`scope_org`) and a deleted flag.
//!   The changes feed is this table in `ver` order.
//! - `sync_moves`: each time a row leaves a place in the tree (a transfer, a unit moved
//!   under another parent, a deletion), the tree path it left. An operator whose root is on
//!   that path had the row and gets a tombstone; nobody else learns the id existed.
//! - `operators`, `applied_actions`: who may sync, and the answers already given to each
//!   pushed decision, so that a resend is answered the same and never applied twice.

use super::{Error, Result};
use crate::model::*;
use crate::store::{self, Store, queries, rows};
use crate::sync::proto::Deleted;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const SERVER_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sync_rows (
    tbl       INTEGER NOT NULL,
    id        INTEGER NOT NULL,
    ver       INTEGER NOT NULL,
    scope_org INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS sync_rows_ver ON sync_rows(ver);
CREATE TABLE IF NOT EXISTS sync_moves (
    ver       INTEGER NOT NULL,
    tbl       INTEGER NOT NULL,
    id        INTEGER NOT NULL,
    from_path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sync_moves_row ON sync_moves(tbl, id, ver);
CREATE INDEX IF NOT EXISTS sync_moves_ver ON sync_moves(ver);
CREATE TABLE IF NOT EXISTS operators (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    scope_root INTEGER NOT NULL,
    token_hash BLOB NOT NULL,
    created_at TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS applied_actions (
    operator_id INTEGER NOT NULL,
    client_id   TEXT NOT NULL,
    approval_id INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    reason      TEXT,
    at          TEXT NOT NULL,
    request     BLOB,
    PRIMARY KEY (operator_id, client_id)
) WITHOUT ROWID;
";

/// Table numbers in `sync_rows`: the order of `store::rows::TABLES`.
pub const ORGS: i64 = 0;
pub const LEDGER: i64 = 1;
pub const POSTS: i64 = 2;
pub const PERSONS: i64 = 3;
pub const EVENTS: i64 = 4;
pub const APPROVALS: i64 = 5;

/// Meta keys of the server.
const SEQ: &str = "server_seq";
const EPOCH: &str = "server_epoch";
/// Cursors below this can no longer be served by deltas (the moves log was pruned).
pub(crate) const HORIZON: &str = "server_horizon";

/// An operator: a name and a jurisdiction (the subtree under `scope_root`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub scope_root: OrgId,
    pub role: crate::model::edit::Role,
}

/// Changes to write: rows to insert or replace, rows to delete.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub upsert: Dataset,
    pub delete: Deleted,
}

/// The server's database, opened for writing (one writer per process).
pub struct ServerDb {
    store: Store,
}

/// Creates the server's own tables and its epoch if missing.
pub(crate) fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch(SERVER_SCHEMA)?;
    // Databases made before answers remembered what they answered: their old rows keep
    // a NULL `request` and are matched by approval only.
    let has_request: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('applied_actions') WHERE name = 'request')",
        [],
        |r| r.get(0),
    )?;
    if !has_request {
        conn.execute_batch("ALTER TABLE applied_actions ADD COLUMN request BLOB")?;
    }
    // Data maintenance: an operator's role (0 审核, 1 录入; existing operators keep
    // every right) and the detailed answer to an edit (model::edit::Outcome, JSON).
    for (table, column, ddl) in [
        (
            "operators",
            "role",
            "ALTER TABLE operators ADD COLUMN role INTEGER NOT NULL DEFAULT 0",
        ),
        (
            "applied_actions",
            "outcome",
            "ALTER TABLE applied_actions ADD COLUMN outcome TEXT",
        ),
    ] {
        let has: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?) WHERE name = ?)",
            [table, column],
            |r| r.get(0),
        )?;
        if !has {
            conn.execute_batch(ddl)?;
        }
    }
    if store::get_meta(conn, EPOCH)?.is_none() {
        store::set_meta(conn, EPOCH, &new_epoch())?;
    }
    Ok(())
}

fn new_epoch() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

impl ServerDb {
    pub fn open(path: &Path) -> Result<ServerDb> {
        let store = Store::create(path)?;
        prepare(store.conn())?;
        Ok(ServerDb { store })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn conn(&self) -> &Connection {
        self.store.conn()
    }

    /// No units yet: a fresh database waiting to be seeded.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM orgs", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// The newest version handed out: the cursor of a client that has everything.
    pub fn seq(&self) -> Result<u64> {
        seq(self.conn())
    }

    pub fn epoch(&self) -> Result<String> {
        epoch(self.conn())
    }

    /// Replaces all data with a dataset and versions every row afresh. Existing cursors
    /// become meaningless, so the epoch changes and clients start over.
    pub fn seed(&mut self, data: &Dataset) -> Result<()> {
        self.store.replace_all(data)?;
        let tx = self.store.conn_mut().transaction()?;
        tx.execute_batch("DELETE FROM sync_rows; DELETE FROM sync_moves;")?;
        let mut ver: i64 = 0;
        // Tables in order and each by id, so a first sync's pages are runs of ids that
        // delta-encode to ones and compress well; but each person followed by its
        // events (units' events before the persons), so that a page holds a person with
        // its events, which refer to it (wire codec `s`).
        let (org_ev, person_ev) = (store::rows::ORG_SUBJECT, store::rows::PERSON_SUBJECT);
        let scoped: [String; 5] = [
            format!("SELECT {ORGS}, id, id FROM orgs ORDER BY id"),
            format!("SELECT {LEDGER}, id, org_id FROM ledger ORDER BY id"),
            format!("SELECT {POSTS}, id, org_id FROM posts ORDER BY id"),
            format!(
                "SELECT tbl, id, org FROM ( \
                   SELECT {EVENTS} AS tbl, id, subject_id AS org, -1 AS who FROM events \
                     WHERE subject_kind = {org_ev} \
                   UNION ALL SELECT {PERSONS}, id, org_id, id FROM persons \
                   UNION ALL SELECT {EVENTS}, e.id, COALESCE(p.org_id, -1), e.subject_id \
                     FROM events e LEFT JOIN persons p ON p.id = e.subject_id \
                     WHERE e.subject_kind = {person_ev} \
                 ) ORDER BY who, tbl, id"
            ),
            format!("SELECT {APPROVALS}, id, org_id FROM approvals ORDER BY id"),
        ];
        {
            let mut ins = tx.prepare(
                "INSERT INTO sync_rows (tbl, id, ver, scope_org, deleted) VALUES (?, ?, ?, ?, 0)",
            )?;
            for sql in &scoped {
                let mut st = tx.prepare(sql)?;
                let ids = st
                    .query_map([], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                for (tbl, id, org) in ids {
                    ver += 1;
                    ins.execute(params![tbl, id, ver, org])?;
                }
            }
        }
        store::set_meta(&tx, SEQ, &ver.to_string())?;
        store::set_meta(&tx, EPOCH, &new_epoch())?;
        store::set_meta(&tx, HORIZON, "0")?;
        tx.commit()?;
        Ok(())
    }

    /// Creates an operator over the subtree of `scope_root`; returns the new token. Only
    /// its SHA-256 is kept.
    pub fn add_operator(&self, name: &str, scope_root: OrgId) -> Result<String> {
        self.add_operator_as(name, scope_root, crate::model::edit::Role::Reviewer)
    }

    /// [`Self::add_operator`] with a role.
    pub fn add_operator_as(
        &self,
        name: &str,
        scope_root: OrgId,
        role: crate::model::edit::Role,
    ) -> Result<String> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::BadRequest("操作员名称不能为空".into()));
        }
        if queries::org(self.conn(), scope_root)?.is_none() {
            return Err(Error::BadRequest(format!(
                "单位 {scope_root} 不存在，无法作为管辖范围"
            )));
        }
        let token = super::operators::new_token();
        self.conn().execute(
            "INSERT INTO operators (name, scope_root, token_hash, created_at, role) VALUES (?, ?, ?, ?, ?)",
            params![
                name,
                scope_root,
                token_hash(&token).to_vec(),
                chrono::Local::now().to_rfc3339(),
                role.code()
            ],
        )?;
        Ok(token)
    }

    /// Writes a change, versioning every row it touches (see [`write_in`]).
    pub fn write(&mut self, change: &Change) -> Result<u64> {
        let tx = self.store.conn_mut().transaction()?;
        write_in(&tx, change)?;
        tx.commit()?;
        self.seq()
    }

    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        Ok(self.store.conn_mut().transaction()?)
    }
}

pub fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// The enabled operator a bearer token belongs to (see [`lookup_token`]).
pub fn authenticate(conn: &Connection, token: &str) -> Result<Option<Operator>> {
    Ok(lookup_token(conn, token)?
        .filter(|(_, disabled)| !disabled)
        .map(|(op, _)| op))
}

/// The operator a bearer token belongs to, and whether it is disabled. Every stored
/// hash is compared, each in constant time, so neither the match nor its position shows
/// in the timing. Read afresh on every call: a running server caches no operator, so
/// disabling one (`bianzhi operator disable`, another process) holds from its next
/// request.
pub fn lookup_token(conn: &Connection, token: &str) -> Result<Option<(Operator, bool)>> {
    use subtle::ConstantTimeEq;
    let hash = token_hash(token);
    let mut st = conn
        .prepare_cached("SELECT id, name, scope_root, token_hash, disabled, role FROM operators")?;
    let rows = st.query_map([], |r| {
        Ok((
            Operator {
                id: r.get(0)?,
                name: r.get(1)?,
                scope_root: r.get(2)?,
                role: crate::model::edit::Role::from_code(r.get(5)?),
            },
            r.get::<_, Vec<u8>>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut found = None;
    for row in rows {
        let (op, stored, disabled) = row?;
        if stored.len() == hash.len() && bool::from(stored.ct_eq(&hash)) {
            found = Some((op, disabled));
        }
    }
    Ok(found)
}

/// A meta value, with the statement kept prepared (every sync reads several).
pub(crate) fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?")
        .and_then(|mut st| st.query_row([key], |r| r.get(0)).optional())?)
}

pub fn seq(conn: &Connection) -> Result<u64> {
    Ok(meta(conn, SEQ)?.and_then(|s| s.parse().ok()).unwrap_or(0))
}

pub fn epoch(conn: &Connection) -> Result<String> {
    Ok(meta(conn, EPOCH)?.unwrap_or_default())
}

/// The tree path (`/1/5/23/`) of a unit, from the derived `org_tree`.
pub(crate) fn path_of(conn: &Connection, org: OrgId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")
        .and_then(|mut st| st.query_row([org], |r| r.get(0)).optional())?)
}

/// The ids of a jurisdiction: the unit and everything under it.
pub fn scope_of(conn: &Connection, root: OrgId) -> Result<HashSet<OrgId>> {
    Ok(queries::subtree_ids(conn, root)?.into_iter().collect())
}

fn org_of_person(conn: &Connection, id: PersonId) -> Result<Option<OrgId>> {
    Ok(conn
        .prepare_cached("SELECT org_id FROM persons WHERE id = ?")
        .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())?)
}

fn event_scope(conn: &Connection, e: &Event) -> Result<OrgId> {
    Ok(match e.subject {
        Subject::Org(id) => id,
        Subject::Person(pid) => org_of_person(conn, pid)?.unwrap_or(-1),
    })
}

/// Hands out versions within one writing transaction.
struct Versioner<'a> {
    tx: &'a Transaction<'a>,
    seq: i64,
}

impl Versioner<'_> {
    fn touch(&mut self, tbl: i64, id: i64, scope_org: OrgId, deleted: bool) -> Result<()> {
        self.seq += 1;
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO sync_rows (tbl, id, ver, scope_org, deleted) VALUES (?, ?, ?, ?, ?)")
            .and_then(|mut st| st.execute(params![tbl, id, self.seq, scope_org, deleted]))
            ?;
        Ok(())
    }

    /// Records that a row left `from_path`: operators whose root is on it get a tombstone
    /// if they can no longer see the row.
    fn moved(&mut self, tbl: i64, id: i64, from_path: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO sync_moves (ver, tbl, id, from_path) VALUES (?, ?, ?, ?)")
            .and_then(|mut st| st.execute(params![self.seq, tbl, id, from_path]))?;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        store::set_meta(self.tx, SEQ, &self.seq.to_string())?;
        Ok(())
    }
}

fn ids(conn: &Connection, sql: &str, param: i64) -> Result<Vec<i64>> {
    let mut st = conn.prepare_cached(sql)?;
    let v = st
        .query_map([param], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(v)
}

/// Writes a change inside a transaction and versions it so it reaches exactly the
/// operators who should see it:
///
/// - every written row gets a new version;
/// - a person moved to another unit takes their history events along, and the unit they
///   left is recorded so the jurisdiction that lost them gets tombstones;
/// - a unit moved under another parent re-versions everything under it (it enters one
///   jurisdiction and leaves another as a whole), with the paths it left;
/// - a deleted row becomes a tombstone for the jurisdictions on its last path.
pub fn write_in(tx: &Transaction, change: &Change) -> Result<()> {
    let data = &change.upsert;
    // What moves, seen before the write.
    let mut moved_orgs: Vec<OrgId> = Vec::new();
    let mut tree_changed = false;
    for o in &data.orgs {
        match queries::org(tx, o.id)? {
            Some(old) if old.parent_id != o.parent_id => {
                moved_orgs.push(o.id);
                tree_changed = true;
            }
            Some(_) => {}
            None => tree_changed = true,
        }
    }
    // Every unit under a moved unit, with the path it had.
    let mut old_paths: HashMap<OrgId, String> = HashMap::new();
    for &m in &moved_orgs {
        for id in queries::subtree_ids(tx, m)? {
            if let Some(p) = path_of(tx, id)? {
                old_paths.insert(id, p);
            }
        }
    }
    let mut transfers: Vec<(PersonId, String)> = Vec::new();
    for p in &data.persons {
        if let Some(old_org) = org_of_person(tx, p.id)?
            && old_org != p.org_id
        {
            transfers.push((p.id, path_of(tx, old_org)?.unwrap_or_default()));
        }
    }
    let mut gone: Vec<(i64, i64, String)> = Vec::new();
    for (tbl, (_, list)) in change.delete.tables().iter().enumerate() {
        for &id in *list {
            let scope: Option<OrgId> = tx
                .prepare_cached("SELECT scope_org FROM sync_rows WHERE tbl = ? AND id = ?")
                .and_then(|mut st| {
                    st.query_row(params![tbl as i64, id], |r| r.get(0))
                        .optional()
                })?;
            let path = match scope {
                Some(s) => path_of(tx, s)?.unwrap_or_default(),
                None => String::new(),
            };
            gone.push((tbl as i64, id, path));
            if tbl as i64 == ORGS {
                tree_changed = true;
            }
        }
    }

    store::upsert_dataset(tx, data)?;
    for (table, list) in change.delete.tables() {
        store::delete_rows(tx, table, list)?;
    }
    if tree_changed {
        store::refresh_derived(tx)?;
    }

    let mut v = Versioner {
        tx,
        seq: seq(tx)? as i64,
    };
    for o in &data.orgs {
        v.touch(ORGS, o.id, o.id, false)?;
    }
    for e in &data.ledger {
        v.touch(LEDGER, e.id, e.org_id, false)?;
    }
    for e in &data.posts {
        v.touch(POSTS, e.id, e.org_id, false)?;
    }
    for p in &data.persons {
        v.touch(PERSONS, p.id, p.org_id, false)?;
    }
    for e in &data.events {
        let scope = event_scope(tx, e)?;
        v.touch(EVENTS, e.id, scope, false)?;
    }
    for a in &data.approvals {
        v.touch(APPROVALS, a.id, a.org_id, false)?;
    }
    for (pid, from) in &transfers {
        let org = org_of_person(tx, *pid)?.unwrap_or(-1);
        v.touch(PERSONS, *pid, org, false)?;
        v.moved(PERSONS, *pid, from)?;
        for eid in ids(
            tx,
            "SELECT id FROM events WHERE subject_kind = 2 AND subject_id = ?",
            *pid,
        )? {
            v.touch(EVENTS, eid, org, false)?;
            v.moved(EVENTS, eid, from)?;
        }
    }
    for (org, from) in &old_paths {
        let org = *org;
        v.touch(ORGS, org, org, false)?;
        v.moved(ORGS, org, from)?;
        for (tbl, sql) in [
            (LEDGER, "SELECT id FROM ledger WHERE org_id = ?"),
            (POSTS, "SELECT id FROM posts WHERE org_id = ?"),
            (PERSONS, "SELECT id FROM persons WHERE org_id = ?"),
            (APPROVALS, "SELECT id FROM approvals WHERE org_id = ?"),
            (
                EVENTS,
                "SELECT id FROM events WHERE subject_kind = 1 AND subject_id = ?",
            ),
            (
                EVENTS,
                "SELECT e.id FROM events e JOIN persons p ON e.subject_kind = 2 AND e.subject_id = p.id WHERE p.org_id = ?",
            ),
        ] {
            for id in ids(tx, sql, org)? {
                v.touch(tbl, id, org, false)?;
                v.moved(tbl, id, from)?;
            }
        }
    }
    for (tbl, id, path) in &gone {
        v.touch(*tbl, *id, -1, true)?;
        v.moved(*tbl, *id, path)?;
    }
    v.finish()
}

/// What one operator may see between two cursors: rows, tombstones, the new cursor.
pub struct Feed {
    pub data: Dataset,
    pub deleted: Deleted,
    pub cursor: u64,
    pub more: bool,
    /// More rows left the jurisdiction after the cursor than a page may hold
    /// ([`MAX_DEPARTURES`]): a fresh download is cheaper than the delta (must refetch).
    pub too_old: bool,
    /// Rows of the server's bookkeeping read to answer (versions and departures): the
    /// work a request costs, whatever its cursor.
    pub examined: u64,
}

/// The ids of a page, table by table, before their rows are read.
pub struct FeedIds {
    pub want: [Vec<i64>; 6],
    pub deleted: Deleted,
    pub cursor: u64,
    pub more: bool,
    pub too_old: bool,
    pub examined: u64,
}

/// Most departures from a jurisdiction read for one page; a cursor with more after it
/// is answered must-refetch.
pub const MAX_DEPARTURES: usize = 100_000;

/// Reads the changes feed of a jurisdiction after `cursor`, at most `limit` rows and
/// tombstones, newest version of each row. Run it inside a read transaction so the page
/// is one consistent moment.
///
/// The work is bounded by a first sync's whatever the cursor (a forged `1` included):
/// the versions after the cursor (at most all of them, as a first sync) and the
/// departures after it, read once in one range scan, not looked up row by row.
pub fn feed(conn: &Connection, root: OrgId, cursor: u64, limit: usize) -> Result<Feed> {
    let mut ids = feed_ids(conn, root, cursor, limit)?;
    let data = rows_of(conn, &ids.want)?;
    Ok(Feed {
        data,
        deleted: std::mem::take(&mut ids.deleted),
        cursor: ids.cursor,
        more: ids.more,
        too_old: ids.too_old,
        examined: ids.examined,
    })
}

/// The rows of a page's ids, table by table (slots as in [`feed_ids`]).
pub(crate) fn rows_of(conn: &Connection, want: &[Vec<i64>; 6]) -> Result<Dataset> {
    Ok(Dataset {
        orgs: fetch(conn, "orgs", rows::ORG_COLUMNS, &want[0], rows::read_org)?,
        ledger: fetch(
            conn,
            "ledger",
            rows::LEDGER_COLUMNS,
            &want[1],
            rows::read_ledger,
        )?,
        posts: fetch(conn, "posts", rows::POST_COLUMNS, &want[2], rows::read_post)?,
        persons: fetch(
            conn,
            "persons",
            rows::PERSON_COLUMNS,
            &want[3],
            rows::read_person,
        )?,
        events: fetch(
            conn,
            "events",
            rows::EVENT_COLUMNS,
            &want[4],
            rows::read_event,
        )?,
        approvals: fetch(
            conn,
            "approvals",
            rows::APPROVAL_COLUMNS,
            &want[5],
            rows::read_approval,
        )?,
    })
}

/// The ids [`feed`] reads, sorted, without their rows.
pub(crate) fn feed_ids(
    conn: &Connection,
    root: OrgId,
    cursor: u64,
    limit: usize,
) -> Result<FeedIds> {
    let scope = scope_of(conn, root)?;
    let top = seq(conn)?;
    let marker = format!("/{root}/");
    let mut out = FeedIds {
        want: Default::default(),
        deleted: Deleted::default(),
        cursor,
        more: false,
        too_old: false,
        examined: 0,
    };
    // Rows that left a place on this jurisdiction's paths after the cursor: they become
    // tombstones unless still visible. Nothing left before a first sync.
    let mut left: HashSet<(i64, i64)> = HashSet::new();
    if cursor > 0 {
        let mut st = conn.prepare_cached(
            "SELECT tbl, id, from_path FROM sync_moves WHERE ver > ? ORDER BY ver",
        )?;
        let mut rows = st.query([cursor as i64])?;
        while let Some(r) = rows.next()? {
            out.examined += 1;
            if r.get_ref(2)?.as_str().is_ok_and(|p| p.contains(&marker)) {
                left.insert((r.get(0)?, r.get(1)?));
                if left.len() > MAX_DEPARTURES {
                    out.too_old = true;
                    out.more = true;
                    return Ok(out);
                }
            }
        }
    }
    let mut n = 0usize;
    let mut last = cursor;
    let mut stopped = false;
    {
        let mut st = conn.prepare_cached(
            "SELECT tbl, id, ver, scope_org, deleted FROM sync_rows WHERE ver > ? ORDER BY ver",
        )?;
        let mut rows = st.query([cursor as i64])?;
        while let Some(r) = rows.next()? {
            let (tbl, id, ver, org, del): (i64, i64, i64, i64, bool) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            if n >= limit {
                stopped = true;
                break;
            }
            out.examined += 1;
            last = ver as u64;
            let Some(slot) = usize::try_from(tbl).ok().filter(|t| *t < 6) else {
                continue;
            };
            if !del && scope.contains(&org) {
                out.want[slot].push(id);
                n += 1;
            } else if left.contains(&(tbl, id)) {
                out.deleted.table_mut(slot).push(id);
                n += 1;
            }
        }
    }
    out.cursor = if stopped { last } else { top.max(cursor) };
    out.more = stopped;
    for list in out.want.iter_mut() {
        list.sort_unstable();
    }
    for i in 0..6 {
        out.deleted.table_mut(i).sort_unstable();
    }
    Ok(out)
}

fn fetch<T>(
    conn: &Connection,
    table: &str,
    cols: &str,
    ids: &[i64],
    read: fn(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(&format!("SELECT {cols} FROM {table} WHERE id = ?"))?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(row) = st.query_row([id], read).optional()? {
            out.push(row);
        }
    }
    Ok(out)
}

/// Everything one operator may see, with the cursor it is current to (snapshots, tests).
pub fn scoped_dataset(conn: &Connection, root: OrgId) -> Result<(Dataset, u64)> {
    let f = feed(conn, root, 0, usize::MAX)?;
    Ok((f.data, f.cursor))
}
