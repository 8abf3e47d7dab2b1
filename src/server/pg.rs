//! The server's data in PostgreSQL (`bianzhi serve --db postgres://USER@HOST:PORT/DB`).
//!
//! Tables (migrations below, compiled in and run at start):
//!
//! - `data_rows`: every row the server holds, one per `(tbl, id)`, as the model's JSON
//!   (`body`), with the unit that decides who may see it (`scope_org`), its position in
//!   the feed (`pos`) and a deleted flag. Decisions and edits (data maintenance) run
//!   the SQLite rules over the rows they read: see `push`.
//! - `org_paths`: each unit's ancestors, root first, itself last.
//! - `feed`: for every row, one entry per unit on its scope's path (`anc`): a
//!   jurisdiction's page is one range of the covering index `feed_page (anc, pos)
//!   INCLUDE (tbl, id, gone)`, read index-only, whatever the size of the rest. A row
//!   that left a subtree (moved, deleted) keeps there an entry with `gone`: the
//!   tombstone for operators whose root is on the path it left.
//!
//! The feed's order is commit-safe. A position packs the writing transaction's id and
//! the row's ordinal in it: `pos = xid << 24 | ord`. Transactions commit out of the order
//! of their ids, so a page serves only rows of transactions that have ended for every
//! reader: `pos < pg_snapshot_xmin(pg_current_snapshot()) << 24`. A transaction still
//! writing holds pages back until it ends (writers are short: one decision, one seed
//! chunk, `idle_in_transaction_session_timeout` bounds a stuck one); it is never skipped.
//! An xid means nothing in another cluster (dump and restore): the epoch the client
//! holds with its cursor names the cluster (`pg_control_system().system_identifier`)
//! beside the seed's random epoch, so a restored server sends everyone a fresh download.

use super::backend::{Backend, Moment};
use super::db::{APPROVALS, Change, EVENTS, FeedIds, LEDGER, ORGS, Operator, PERSONS, POSTS};
use super::operators::{OperatorChange, OperatorRow};
use super::{Error, Result};
use crate::model::edit::{Edit, Intent, Outcome, PersonField, Role, Target};
use crate::model::{Approval, ApprovalKind, Dataset, OrgId, Person, Subject};
use crate::sync::proto::{Answer, Deleted, PushAction};
use chrono::NaiveDate;
use postgres::error::SqlState;
use postgres::{Client, NoTls, Transaction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

/// The schema, one migration per entry; `bianzhi_schema.version` counts those applied.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE data_rows (
    tbl       smallint NOT NULL,
    id        bigint   NOT NULL,
    scope_org bigint   NOT NULL,
    person_id bigint,
    pos       bigint   NOT NULL,
    deleted   boolean  NOT NULL DEFAULT false,
    body      text,
    PRIMARY KEY (tbl, id)
);
CREATE INDEX data_rows_pos ON data_rows (pos);
CREATE INDEX data_rows_scope ON data_rows (scope_org) WHERE NOT deleted;
CREATE INDEX data_rows_person ON data_rows (person_id) WHERE person_id IS NOT NULL;
CREATE TABLE org_paths (
    org_id bigint PRIMARY KEY,
    path   bigint[] NOT NULL
);
CREATE INDEX org_paths_path ON org_paths USING gin (path);
CREATE TABLE feed (
    anc  bigint   NOT NULL,
    tbl  smallint NOT NULL,
    id   bigint   NOT NULL,
    pos  bigint   NOT NULL,
    gone boolean  NOT NULL,
    PRIMARY KEY (tbl, id, anc)
);
CREATE INDEX feed_page ON feed (anc, pos) INCLUDE (tbl, id, gone);
CREATE TABLE operators (
    id         bigserial PRIMARY KEY,
    name       text     NOT NULL,
    scope_root bigint   NOT NULL,
    token_hash bytea    NOT NULL,
    created_at text     NOT NULL,
    disabled   boolean  NOT NULL DEFAULT false,
    role       smallint NOT NULL DEFAULT 0
);
CREATE INDEX data_rows_id_number ON data_rows ((body::jsonb->>'id_number'))
    WHERE tbl = 3 AND NOT deleted;
CREATE TABLE applied_actions (
    operator_id bigint  NOT NULL,
    client_id   text    NOT NULL,
    approval_id bigint  NOT NULL,
    accepted    boolean NOT NULL,
    reason      text,
    at          text    NOT NULL,
    request     bytea   NOT NULL,
    PRIMARY KEY (operator_id, client_id)
);
",
    "
-- Data maintenance: the detailed answer to a pushed edit (model::edit::Outcome, JSON).
ALTER TABLE applied_actions ADD COLUMN outcome text;
",
    "
-- Writers take the write lock (see write_lock in pg.rs) for one transaction at a time
-- and count themselves here: a push whose copy of the rows another writer has changed
-- since sees the count move and reads them again.
CREATE TABLE writes (n bigint NOT NULL);
INSERT INTO writes (n) VALUES (0);
",
];

/// Bits of a position left for the ordinal of a row within its transaction.
const ORD_BITS: u32 = 24;
/// Most rows one writing transaction versions (a seed is split into chunks of this).
const MAX_ORD: i64 = (1 << ORD_BITS) - 1;
/// Most connections a server keeps to the database, unless `BIANZHI_PG_POOL` says
/// otherwise: a request beyond them waits for one to come back instead of opening
/// another (a backend process forked per request is what made 500 clients slow).
/// Few, because the database's own cores are few; under `max_connections` with room
/// for the operator's tools and a second server.
const POOL: usize = 16;
/// How long a request waits for a free connection before it is answered 503.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// A writing transaction left open longer holds every feed back: the server ends it.
const SESSION_SETUP: &str = "SET idle_in_transaction_session_timeout = '60s'";

const UNAVAILABLE: &str = "数据库暂时无法访问，本次请求未生效，请稍后重试";

/// The server's data in a PostgreSQL database.
pub struct PgBackend {
    config: postgres::Config,
    pool: Mutex<Pool>,
    /// Signalled when a connection comes back or a slot frees.
    returned: Condvar,
    /// Most connections open at once (see [`POOL`]).
    size: usize,
    /// The cluster's identity, part of the epoch (see the module's comment).
    cluster: String,
    /// [`LOST`] when the idle connections were last known good.
    lost_seen: AtomicU64,
}

/// Statements that failed for want of the database, in this process (see [`pg_err`]):
/// when it moves, the idle connections are suspect and dropped (a connection ended by
/// the server is not always known closed at once).
static LOST: AtomicU64 = AtomicU64::new(0);

/// What went wrong with a statement: a lost connection is "try again", the rest is
/// the server's fault.
fn pg_err(e: postgres::Error) -> Error {
    let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    // 08: connection exceptions; 57: the server shutting down or ending the session.
    let gone = e
        .code()
        .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57"));
    if e.is_closed() || io || gone {
        tracing::warn!("postgres: {e}");
        LOST.fetch_add(1, Ordering::SeqCst);
        Error::Unavailable(UNAVAILABLE.into())
    } else {
        Error::Postgres(format!("PostgreSQL：{e}"))
    }
}

trait PgResult<T> {
    fn pg(self) -> Result<T>;
}

impl<T> PgResult<T> for std::result::Result<T, postgres::Error> {
    fn pg(self) -> Result<T> {
        self.map_err(pg_err)
    }
}

/// The connections of a server: idle ones, and how many are open (idle or in use).
#[derive(Default)]
struct Pool {
    idle: Vec<Client>,
    open: usize,
}

impl Pool {
    /// Drops the idle connections (the database went away with them).
    fn clear(&mut self) {
        self.open -= self.idle.len();
        self.idle.clear();
    }
}

impl PgBackend {
    /// Connects, checks the schema and brings it up to date. Each way this can fail is
    /// said in one sentence naming what to check, never repeating a password.
    pub fn connect(url: &str) -> Result<PgBackend> {
        let config: postgres::Config = url.parse().map_err(|e| {
            Error::Postgres(format!(
                "PostgreSQL 地址无效：{e}。格式为 postgres://用户@主机:端口/数据库"
            ))
        })?;
        let size = std::env::var("BIANZHI_PG_POOL")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(POOL);
        let mut backend = PgBackend {
            config,
            pool: Mutex::new(Pool::default()),
            returned: Condvar::new(),
            size,
            cluster: String::new(),
            lost_seen: AtomicU64::new(LOST.load(Ordering::SeqCst)),
        };
        let mut client = backend.open_client().map_err(|e| backend.explain(e))?;
        migrate(&mut client)?;
        let cluster = client
            .query_one(
                "SELECT system_identifier::text FROM pg_control_system()",
                &[],
            )
            .map(|r| r.get::<_, String>(0))
            .unwrap_or_default();
        backend.cluster = cluster;
        backend
            .pool
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .open += 1;
        backend.give_back(client);
        Ok(backend)
    }

    fn open_client(&self) -> std::result::Result<Client, postgres::Error> {
        let mut c = self.config.connect(NoTls)?;
        c.batch_execute(SESSION_SETUP)?;
        Ok(c)
    }

    /// A failed connection in an operator's words.
    fn explain(&self, e: postgres::Error) -> Error {
        let user = self.config.get_user().unwrap_or("");
        let db = self.config.get_dbname().unwrap_or(user);
        let host = match self.config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let code = e.code().cloned();
        Error::Postgres(match code {
            Some(c) if c == SqlState::INVALID_PASSWORD => {
                format!("PostgreSQL 拒绝登录：用户 {user} 的密码不对。请检查 --db 中的用户名和密码")
            }
            Some(c) if c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => format!(
                "PostgreSQL 拒绝登录：用户 {user} 不存在或无权连接。请检查 --db 中的用户名和数据库的访问设置（pg_hba.conf）"
            ),
            Some(c) if c == SqlState::INVALID_CATALOG_NAME => format!(
                "PostgreSQL（{host}:{port}）上没有数据库 {db}。请先创建它（createdb {db}）或检查 --db"
            ),
            Some(_) => format!(
                "PostgreSQL 拒绝连接：{}",
                e.as_db_error().map(|d| d.message()).unwrap_or("")
            ),
            None => {
                let cause = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| e.to_string());
                format!(
                    "无法连接 PostgreSQL（{host}:{port}）：{cause}。请确认数据库已启动，地址和端口正确"
                )
            }
        })
    }

    /// A connection: an idle one, else a new one while fewer than the pool's size are
    /// open, else the next one given back (waiting at most [`POOL_WAIT`]).
    fn client(&self) -> Result<Pooled<'_>> {
        let busy = || Error::Unavailable(UNAVAILABLE.into());
        let mut pool = self.pool.lock().map_err(|_| busy())?;
        let lost = LOST.load(Ordering::SeqCst);
        if self.lost_seen.swap(lost, Ordering::SeqCst) != lost {
            pool.clear();
        }
        let deadline = std::time::Instant::now() + POOL_WAIT;
        loop {
            while let Some(c) = pool.idle.pop() {
                if !c.is_closed() {
                    return Ok(self.pooled(c));
                }
                pool.open -= 1;
            }
            if pool.open < self.size {
                pool.open += 1;
                drop(pool);
                return match self.open_client() {
                    Ok(c) => Ok(self.pooled(c)),
                    Err(e) => {
                        tracing::warn!("postgres connect: {e}");
                        self.release();
                        Err(busy())
                    }
                };
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                tracing::warn!(size = self.size, "postgres: every pooled connection busy");
                return Err(busy());
            }
            pool = self
                .returned
                .wait_timeout(pool, left)
                .map_err(|_| busy())?
                .0;
        }
    }

    fn pooled(&self, client: Client) -> Pooled<'_> {
        Pooled {
            client: Some(client),
            backend: self,
        }
    }

    /// A connection that will not come back (broken, or closed for its state): its
    /// slot is free.
    fn release(&self) {
        if let Ok(mut p) = self.pool.lock() {
            p.open -= 1;
        }
        self.returned.notify_one();
    }

    /// A connection back to the pool. One found closed says the database went away
    /// (restarted, failed over, ended our sessions): the idle ones went with it and are
    /// dropped too, so the next request connects afresh instead of failing on each of
    /// them in turn.
    fn give_back(&self, client: Client) {
        let Ok(mut p) = self.pool.lock() else {
            return;
        };
        if client.is_closed() {
            p.clear();
            p.open -= 1;
            self.returned.notify_all();
        } else {
            p.idle.push(client);
            self.returned.notify_one();
        }
    }
}

impl Drop for PgBackend {
    /// The blocking client closes its connections by running its own runtime, which
    /// tokio forbids on an async worker (where a stopping server drops its state): the
    /// idle connections are closed on a thread of their own.
    fn drop(&mut self) {
        let pool = self.pool.get_mut().unwrap_or_else(|e| e.into_inner());
        let idle = std::mem::take(&mut pool.idle);
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

/// A pooled connection, back to the pool when dropped unless broken.
struct Pooled<'a> {
    client: Option<Client>,
    backend: &'a PgBackend,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("connection in use")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("connection in use")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        match self.client.take() {
            Some(c) => self.backend.give_back(c),
            None => self.backend.release(),
        }
    }
}

/// Creates or updates the schema. A database with tables but no version of ours, or a
/// version newer than this binary knows, is refused rather than guessed at.
fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction().pg()?;
    // One migrating server at a time (two started together).
    tx.execute("SELECT pg_advisory_xact_lock(18018)", &[])
        .pg()?;
    let versioned: bool = tx
        .query_one("SELECT to_regclass('bianzhi_schema') IS NOT NULL", &[])
        .pg()?
        .get(0);
    let version: i32 = if versioned {
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM bianzhi_schema", &[])
            .pg()?
            .get(0)
    } else {
        let foreign: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() \
                 AND tablename IN ('meta', 'data_rows', 'feed', 'operators', 'orgs'))",
                &[],
            )
            .pg()?
            .get(0);
        if foreign {
            return Err(Error::Postgres(
                "该 PostgreSQL 数据库已有数据表，但没有 bianzhi 的结构版本（旧版本或其他程序建立），无法使用。请指定一个空数据库".into(),
            ));
        }
        tx.batch_execute("CREATE TABLE bianzhi_schema (version integer NOT NULL)")
            .pg()?;
        0
    };
    let known = MIGRATIONS.len() as i32;
    if version > known {
        return Err(Error::Postgres(format!(
            "PostgreSQL 数据库的结构版本为 {version}，比本程序支持的版本 {known} 新。请升级 bianzhi 后再启动"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).pg()?;
        tx.execute("DELETE FROM bianzhi_schema", &[]).pg()?;
        tx.execute(
            "INSERT INTO bianzhi_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )
        .pg()?;
    }
    if tx
        .query_opt("SELECT 1 FROM meta WHERE key = 'epoch'", &[])
        .pg()?
        .is_none()
    {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('epoch', $1)",
            &[&new_epoch()],
        )
        .pg()?;
    }
    tx.commit().pg()
}

fn new_epoch() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

/// Opens a read and learns, in the same round trip, what every sync asks first: the
/// epoch, the horizon, the position every row of finished transactions lies below
/// (see the module's comment) and the newest position under it. A no-change sync is
/// thus this one exchange (and the `ROLLBACK`), in the simple query protocol: no
/// statement to prepare, nothing kept in the session (fit for a pooler's transaction
/// mode).
const OPEN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
    SELECT (SELECT value FROM meta WHERE key = 'epoch'), \
           (SELECT value FROM meta WHERE key = 'horizon'), \
           v.limit_pos, \
           (SELECT COALESCE(MAX(pos), 0) FROM data_rows WHERE pos < v.limit_pos) \
    FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 24 AS limit_pos) v";
const _: () = assert!(ORD_BITS == 24, "OPEN_READ shifts by ORD_BITS");

/// One read: a REPEATABLE READ READ ONLY transaction on a pooled connection, with what
/// [`OPEN_READ`] learnt at its start.
struct PgMoment<'a> {
    conn: Pooled<'a>,
    cluster: &'a str,
    epoch: String,
    horizon: u64,
    /// Rows below this position are final (see the module's comment).
    limit: i64,
    /// The newest position below `limit`.
    top: u64,
}

impl Drop for PgMoment<'_> {
    fn drop(&mut self) {
        if self.conn.batch_execute("ROLLBACK").is_err() {
            // Not back to the pool in an unknown state.
            self.conn.client = None;
        }
    }
}

impl<'a> PgMoment<'a> {
    fn open(conn: Pooled<'a>, cluster: &'a str) -> Result<PgMoment<'a>> {
        // Built first: a failure below rolls back (its drop) before the connection
        // goes back to the pool.
        let mut moment = PgMoment {
            conn,
            cluster,
            epoch: String::new(),
            horizon: 0,
            limit: 0,
            top: 0,
        };
        let row = moment
            .conn
            .simple_query(OPEN_READ)
            .pg()?
            .into_iter()
            .find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => Some(r),
                _ => None,
            });
        let bad = || Error::Postgres("PostgreSQL：读取数据版本失败".into());
        let row = row.ok_or_else(bad)?;
        moment.epoch = row.get(0).unwrap_or_default().to_string();
        moment.horizon = row.get(1).and_then(|h| h.parse().ok()).unwrap_or(0);
        moment.limit = row.get(2).and_then(|l| l.parse().ok()).ok_or_else(bad)?;
        moment.top = row.get(3).and_then(|t| t.parse().ok()).ok_or_else(bad)?;
        Ok(moment)
    }
}

impl Moment for PgMoment<'_> {
    fn epoch(&mut self) -> Result<String> {
        Ok(if self.cluster.is_empty() {
            self.epoch.clone()
        } else {
            format!("{}-{}", self.epoch, self.cluster)
        })
    }

    fn seq(&mut self) -> Result<u64> {
        Ok(self.top)
    }

    fn horizon(&mut self) -> Result<u64> {
        Ok(self.horizon)
    }

    fn feed_ids(&mut self, root: OrgId, cursor: u64, limit: usize) -> Result<FeedIds> {
        let (top, visible) = (self.top, self.limit);
        let mut out = FeedIds {
            want: Default::default(),
            deleted: Deleted::default(),
            cursor,
            more: false,
            too_old: false,
            examined: 0,
        };
        let take = i64::try_from(limit)
            .unwrap_or(i64::MAX - 1)
            .saturating_add(1);
        // Nothing left a jurisdiction before its first sync: no tombstones then.
        let rows = self
            .conn
            .query(
                "SELECT tbl, id, pos, gone FROM feed \
                 WHERE anc = $1 AND pos > $2 AND pos < $3 AND (NOT gone OR $2 > 0) \
                 ORDER BY pos LIMIT $4",
                &[&root, &(cursor as i64), &visible, &take],
            )
            .pg()?;
        let mut last = cursor;
        for (n, r) in rows.iter().enumerate() {
            if n >= limit {
                out.more = true;
                break;
            }
            out.examined += 1;
            let (tbl, id, pos, gone): (i16, i64, i64, bool) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            last = pos as u64;
            let Some(slot) = usize::try_from(tbl).ok().filter(|t| *t < 6) else {
                continue;
            };
            if gone {
                out.deleted.table_mut(slot).push(id);
            } else {
                out.want[slot].push(id);
            }
        }
        out.cursor = if out.more { last } else { top.max(cursor) };
        for list in out.want.iter_mut() {
            list.sort_unstable();
        }
        for i in 0..6 {
            out.deleted.table_mut(i).sort_unstable();
        }
        Ok(out)
    }

    fn rows(&mut self, want: &[Vec<i64>; 6]) -> Result<Dataset> {
        let c = &mut self.conn;
        Ok(Dataset {
            orgs: bodies(c, ORGS, &want[0])?,
            ledger: bodies(c, LEDGER, &want[1])?,
            posts: bodies(c, POSTS, &want[2])?,
            persons: bodies(c, PERSONS, &want[3])?,
            events: bodies(c, EVENTS, &want[4])?,
            approvals: bodies(c, APPROVALS, &want[5])?,
        })
    }
}

/// The rows of one table by id, in id order.
fn bodies<T: DeserializeOwned>(c: &mut Client, tbl: i64, ids: &[i64]) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(50_000) {
        let rows = c
            .query(
                "SELECT body FROM data_rows WHERE tbl = $1 AND id = ANY($2) AND NOT deleted ORDER BY id",
                &[&(tbl as i16), &chunk],
            )
            .pg()?;
        for r in rows {
            let body: String = r.get(0);
            out.push(
                serde_json::from_str(&body)
                    .map_err(|e| Error::Postgres(format!("PostgreSQL：行数据无法读取：{e}")))?,
            );
        }
    }
    Ok(out)
}

impl Backend for PgBackend {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    /// One round trip in the simple query protocol (every sync starts here).
    fn lookup_token(&self, token: &str) -> Result<Option<(Operator, bool)>> {
        use subtle::ConstantTimeEq;
        let hash = super::db::token_hash(token);
        let rows = self
            .client()?
            .simple_query(
                "SELECT id, name, scope_root, encode(token_hash, 'hex'), disabled, role FROM operators",
            )
            .pg()?;
        let bad = || Error::Postgres("PostgreSQL：操作员表无法读取".into());
        let mut found = None;
        // Every hash compared, each in constant time (as on SQLite).
        for m in rows {
            let postgres::SimpleQueryMessage::Row(r) = m else {
                continue;
            };
            let stored = hex::decode(r.get(3).unwrap_or_default()).map_err(|_| bad())?;
            if stored.len() == hash.len() && bool::from(stored.ct_eq(&hash)) {
                let int = |i: usize| r.get(i).and_then(|v| v.parse::<i64>().ok()).ok_or_else(bad);
                let op = Operator {
                    id: int(0)?,
                    name: r.get(1).unwrap_or_default().to_string(),
                    scope_root: int(2)?,
                    role: Role::from_code(int(5)?),
                };
                found = Some((op, r.get(4) == Some("t")));
            }
        }
        Ok(found)
    }

    fn unit_name(&self, org: OrgId) -> Result<Option<String>> {
        Ok(self
            .client()?
            .query_opt(
                "SELECT body::json->>'name' FROM data_rows WHERE tbl = 0 AND id = $1 AND NOT deleted",
                &[&org],
            )
            .pg()?
            .and_then(|r| r.get(0)))
    }

    fn read(&self) -> Result<Box<dyn Moment + '_>> {
        Ok(Box::new(PgMoment::open(self.client()?, &self.cluster)?))
    }

    /// Decisions and edits are judged by the same rules as on SQLite (`decide::decide`,
    /// `maintain::judge`), run on the rows they read, copied into an in-memory store
    /// (see [`working_set`]); new rows are numbered after the database's highest ids
    /// (`decide::with_id_floor`). One action at a time (an advisory lock, as SQLite's
    /// one writer), each in its own transaction with its remembered answer.
    fn push(&self, op: &Operator, actions: &[PushAction], today: NaiveDate) -> Result<Vec<Answer>> {
        let mut c = self.client()?;
        let scope: HashSet<OrgId> = c
            .query(
                "SELECT org_id FROM org_paths WHERE path @> ARRAY[$1::bigint]",
                &[&op.scope_root],
            )
            .pg()?
            .iter()
            .map(|r| r.get(0))
            .collect();
        push_actions(&mut c, op, &scope, actions, today)
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self
            .client()?
            .query_one(
                "SELECT NOT EXISTS (SELECT 1 FROM data_rows WHERE tbl = 0 AND NOT deleted)",
                &[],
            )
            .pg()?
            .get(0))
    }

    fn seed(&self, data: &Dataset) -> Result<()> {
        let mut c = self.client()?;
        seed_all(&mut c, &mut std::iter::once(Cow::Borrowed(data)))
    }

    fn seed_parts(&self, parts: &mut dyn Iterator<Item = Dataset>) -> Result<()> {
        let mut c = self.client()?;
        seed_all(&mut c, &mut parts.map(Cow::Owned))
    }

    fn write(&self, change: &Change) -> Result<()> {
        let mut c = self.client()?;
        let mut tx = c.transaction().pg()?;
        write_lock(&mut tx)?;
        write_in(&mut tx, change)?;
        tx.commit().pg()
    }

    fn add_operator(&self, name: &str, scope_root: OrgId, role: Role) -> Result<String> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::BadRequest("操作员名称不能为空".into()));
        }
        if self.unit_name(scope_root)?.is_none() {
            return Err(Error::BadRequest(format!(
                "单位 {scope_root} 不存在，无法作为管辖范围"
            )));
        }
        let token = super::operators::new_token();
        self.client()?
            .execute(
                "INSERT INTO operators (name, scope_root, token_hash, created_at, role) VALUES ($1, $2, $3, $4, $5)",
                &[
                    &name,
                    &scope_root,
                    &super::db::token_hash(&token).to_vec(),
                    &chrono::Local::now().to_rfc3339(),
                    &(role.code() as i16),
                ],
            )
            .pg()?;
        Ok(token)
    }

    fn operators(&self) -> Result<Vec<OperatorRow>> {
        self.list_operators()
    }

    fn change_operator(&self, id: i64, change: OperatorChange) -> Result<()> {
        let mut c = self.client()?;
        match change {
            OperatorChange::Disabled(d) => c.execute(
                "UPDATE operators SET disabled = $1 WHERE id = $2",
                &[&d, &id],
            ),
            OperatorChange::Role(role) => c.execute(
                "UPDATE operators SET role = $1 WHERE id = $2",
                &[&(role.code() as i16), &id],
            ),
            OperatorChange::TokenHash(h) => c.execute(
                "UPDATE operators SET token_hash = $1 WHERE id = $2",
                &[&h.to_vec(), &id],
            ),
        }
        .pg()?;
        Ok(())
    }

    fn unit_names(&self) -> Result<Vec<(OrgId, String, Option<String>)>> {
        Ok(self
            .client()?
            .query(
                "SELECT id, body::json->>'name', body::json->>'short_name' FROM data_rows \
                 WHERE tbl = 0 AND NOT deleted ORDER BY id",
                &[],
            )
            .pg()?
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    r.get::<_, Option<String>>(1).unwrap_or_default(),
                    r.get(2),
                )
            })
            .collect())
    }

    /// Planned on a sample of the database in memory (every unit, and a window of
    /// quota entries and persons from a random id: what the simulation picks from),
    /// new rows numbered above the whole database's, written under the write lock.
    fn simulate(
        &self,
        rng: &mut rand_chacha::ChaCha8Rng,
        today: NaiveDate,
        n: usize,
        move_chance: f64,
    ) -> Result<super::simulate::Summary> {
        use rand::Rng;
        /// Rows of a window.
        const WINDOW: i64 = 400;
        let mut c = self.client()?;
        let mut tx = c.transaction().pg()?;
        write_lock(&mut tx)?;
        let floor = id_floor(&mut tx)?;
        let window = |tx: &mut Transaction<'_>, tbl: i64, rng: &mut rand_chacha::ChaCha8Rng| {
            let from = rng.random_range(0..=floor[tbl as usize].max(0));
            let ids: Vec<i64> = tx
                .query(
                    "SELECT id FROM data_rows WHERE tbl = $1 AND id >= $2 AND NOT deleted \
                     ORDER BY id LIMIT $3",
                    &[&(tbl as i16), &from, &WINDOW],
                )
                .pg()?
                .iter()
                .map(|r| r.get(0))
                .collect();
            Ok::<_, Error>(ids)
        };
        let ledger_ids = window(&mut tx, LEDGER, rng)?;
        let person_ids = window(&mut tx, PERSONS, rng)?;
        let org_ids: Vec<i64> = tx
            .query(
                "SELECT id FROM data_rows WHERE tbl = 0 AND NOT deleted",
                &[],
            )
            .pg()?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let sample = Dataset {
            orgs: bodies_in(&mut tx, ORGS, &org_ids)?,
            ledger: bodies_in(&mut tx, LEDGER, &ledger_ids)?,
            persons: bodies_in(&mut tx, PERSONS, &person_ids)?,
            ..Default::default()
        };
        let dir = tempfile::tempdir().map_err(io_err)?;
        let mut copy = super::db::ServerDb::open(&dir.path().join("sample.db"))?;
        copy.seed(&sample)?;
        let (change, summary) = super::decide::with_id_floor(floor, || {
            super::simulate::plan(copy.conn(), rng, today, n, move_chance)
        })?;
        write_in(&mut tx, &change)?;
        tx.commit().pg()?;
        Ok(summary)
    }
}

impl PgBackend {
    /// Every operator, by id, with the name of its jurisdiction's root unit.
    fn list_operators(&self) -> Result<Vec<OperatorRow>> {
        Ok(self
            .client()?
            .query(
                "SELECT o.id, o.name, o.scope_root, COALESCE(u.body::json->>'name', ''), o.disabled, o.created_at, o.role \
                 FROM operators o LEFT JOIN data_rows u ON u.tbl = 0 AND u.id = o.scope_root AND NOT u.deleted ORDER BY o.id",
                &[],
            )
            .pg()?
            .iter()
            .map(|r| OperatorRow {
                id: r.get(0),
                name: r.get(1),
                scope_root: r.get(2),
                scope_name: r.get(3),
                disabled: r.get(4),
                created_at: r.get(5),
                role: Role::from_code(r.get::<_, i16>(6) as i64),
            })
            .collect())
    }
}

/// A row as the seed writes it: table, id, scope, the person of an event, JSON.
struct SeedRow {
    tbl: i64,
    id: i64,
    scope: OrgId,
    person: Option<i64>,
    body: String,
}

fn json<T: Serialize>(row: &T) -> Result<String> {
    serde_json::to_string(row).map_err(|e| Error::Postgres(e.to_string()))
}

/// Escapes a value for COPY's text format.
fn copy_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// Replaces all data with parts written one after another (a province, city by city:
/// one part in memory at a time), with COPY in transactions of at most [`MAX_ORD`] rows
/// (a position's ordinal), and a new epoch.
fn seed_all<'a>(c: &mut Client, parts: &mut dyn Iterator<Item = Cow<'a, Dataset>>) -> Result<()> {
    {
        let mut tx = c.transaction().pg()?;
        tx.batch_execute("TRUNCATE data_rows, feed, org_paths")
            .pg()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('epoch', $1), ('horizon', '0') \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&new_epoch()],
        )
        .pg()?;
        tx.commit().pg()?;
    }
    // Every unit's path so far: a part's units may hang under an earlier part's.
    let mut paths: HashMap<OrgId, Vec<i64>> = HashMap::new();
    for data in parts {
        seed_part(c, &data, &mut paths)?;
    }
    c.batch_execute("ANALYZE data_rows; ANALYZE feed; ANALYZE org_paths")
        .pg()?;
    Ok(())
}

/// Writes one part of a seed: its units' paths, its rows and their feed entries.
fn seed_part(c: &mut Client, data: &Dataset, paths: &mut HashMap<OrgId, Vec<i64>>) -> Result<()> {
    let parents: HashMap<OrgId, Option<OrgId>> =
        data.orgs.iter().map(|o| (o.id, o.parent_id)).collect();
    let mut new_paths: Vec<OrgId> = Vec::with_capacity(data.orgs.len());
    for o in &data.orgs {
        let mut path = vec![o.id];
        let mut at = o.parent_id;
        while let Some(p) = at {
            if path.len() > 64 || path.contains(&p) {
                break;
            }
            if let Some(known) = paths.get(&p) {
                path.extend(known.iter().rev());
                break;
            }
            path.push(p);
            at = parents.get(&p).copied().flatten();
        }
        path.reverse();
        paths.insert(o.id, path);
        new_paths.push(o.id);
    }
    let person_org: HashMap<i64, OrgId> = data.persons.iter().map(|p| (p.id, p.org_id)).collect();
    let mut rows: Vec<SeedRow> = Vec::with_capacity(data.row_count());
    for o in &data.orgs {
        rows.push(SeedRow {
            tbl: ORGS,
            id: o.id,
            scope: o.id,
            person: None,
            body: json(o)?,
        });
    }
    for e in &data.ledger {
        rows.push(SeedRow {
            tbl: LEDGER,
            id: e.id,
            scope: e.org_id,
            person: None,
            body: json(e)?,
        });
    }
    for e in &data.posts {
        rows.push(SeedRow {
            tbl: POSTS,
            id: e.id,
            scope: e.org_id,
            person: None,
            body: json(e)?,
        });
    }
    // Units' events first, then each person followed by its events: a first sync's
    // page holds a person with its events, which refer to it (wire codec `s`).
    let event_row = |e: &crate::model::Event| -> Result<SeedRow> {
        let (scope, person) = match e.subject {
            Subject::Org(id) => (id, None),
            Subject::Person(pid) => (person_org.get(&pid).copied().unwrap_or(-1), Some(pid)),
        };
        Ok(SeedRow {
            tbl: EVENTS,
            id: e.id,
            scope,
            person,
            body: json(e)?,
        })
    };
    let mut of_person: HashMap<i64, Vec<&crate::model::Event>> = HashMap::new();
    let mut strays = Vec::new();
    for e in &data.events {
        match e.subject {
            Subject::Org(_) => rows.push(event_row(e)?),
            Subject::Person(pid) if person_org.contains_key(&pid) => {
                of_person.entry(pid).or_default().push(e)
            }
            Subject::Person(_) => strays.push(e),
        }
    }
    for p in &data.persons {
        rows.push(SeedRow {
            tbl: PERSONS,
            id: p.id,
            scope: p.org_id,
            person: None,
            body: json(p)?,
        });
        for e in of_person.remove(&p.id).unwrap_or_default() {
            rows.push(event_row(e)?);
        }
    }
    for e in strays {
        rows.push(event_row(e)?);
    }
    for a in &data.approvals {
        rows.push(SeedRow {
            tbl: APPROVALS,
            id: a.id,
            scope: a.org_id,
            person: None,
            body: json(a)?,
        });
    }

    {
        let mut tx = c.transaction().pg()?;
        let mut w = tx
            .copy_in("COPY org_paths (org_id, path) FROM STDIN")
            .pg()?;
        for org in &new_paths {
            let list: Vec<String> = paths[org].iter().map(|i| i.to_string()).collect();
            writeln!(w, "{org}\t{{{}}}", list.join(",")).map_err(io_err)?;
        }
        w.finish().pg()?;
        tx.commit().pg()?;
    }
    for chunk in rows.chunks(MAX_ORD as usize) {
        let mut tx = c.transaction().pg()?;
        let xid = current_xid(&mut tx)?;
        {
            let mut w = tx
                .copy_in(
                    "COPY data_rows (tbl, id, scope_org, person_id, pos, deleted, body) FROM STDIN",
                )
                .pg()?;
            for (i, r) in chunk.iter().enumerate() {
                let pos = (xid << ORD_BITS) | (i as i64 + 1);
                let person = r.person.map_or("\\N".to_string(), |p| p.to_string());
                writeln!(
                    w,
                    "{}\t{}\t{}\t{person}\t{pos}\tf\t{}",
                    r.tbl,
                    r.id,
                    r.scope,
                    copy_text(&r.body)
                )
                .map_err(io_err)?;
            }
            w.finish().pg()?;
        }
        {
            let mut w = tx
                .copy_in("COPY feed (anc, tbl, id, pos, gone) FROM STDIN")
                .pg()?;
            for (i, r) in chunk.iter().enumerate() {
                let pos = (xid << ORD_BITS) | (i as i64 + 1);
                for anc in paths.get(&r.scope).map(Vec::as_slice).unwrap_or(&[]) {
                    writeln!(w, "{anc}\t{}\t{}\t{pos}\tf", r.tbl, r.id).map_err(io_err)?;
                }
            }
            w.finish().pg()?;
        }
        tx.commit().pg()?;
    }
    Ok(())
}

/// The write lock: one writing transaction at a time (as SQLite's one writer), held
/// until it ends. Transaction-scoped (`pg_advisory_xact_lock`), so nothing outlives the
/// transaction on the session: correct behind a pooler in transaction mode (PgBouncer),
/// where a session lock could be taken on one server connection and never released.
/// Returns the writers' count after this one (see the `writes` table).
fn write_lock(tx: &mut Transaction<'_>) -> Result<i64> {
    tx.simple_query("SELECT pg_advisory_xact_lock(18002); UPDATE writes SET n = n + 1 RETURNING n")
        .pg()?
        .into_iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).and_then(|n| n.parse().ok()),
            _ => None,
        })
        .ok_or_else(|| Error::Postgres("PostgreSQL：写入计数无法读取".into()))
}

/// Answers pushed actions (see `Backend::push`): each action its own transaction under
/// the write lock with its remembered answer; new ones judged on one copy of the rows
/// they read, kept up to date with what each accepted action wrote, and read again when
/// another writer got the lock between two of this request's actions.
fn push_actions(
    c: &mut Client,
    op: &Operator,
    scope: &HashSet<OrgId>,
    actions: &[PushAction],
    today: NaiveDate,
) -> Result<Vec<Answer>> {
    let mut answers = Vec::with_capacity(actions.len());
    let mut copy: Option<WorkingCopy> = None;
    let mut last_write = None;
    for action in actions {
        let mut tx = c.transaction().pg()?;
        let count = write_lock(&mut tx)?;
        if last_write != Some(count - 1) {
            // Another writer came between (or this is the first action).
            copy = None;
        }
        last_write = Some(count);
        let mut applied = None;
        let request = super::decide::request_hash(action);
        let known = tx
            .query_opt(
                "SELECT accepted, reason, approval_id, request, outcome FROM applied_actions \
                 WHERE operator_id = $1 AND client_id = $2",
                &[&op.id, &action.client_id],
            )
            .pg()?;
        let (accepted, reason, outcome) = match known {
            Some(r)
                if r.get::<_, i64>(2) == action.approval_id
                    && r.get::<_, Vec<u8>>(3)[..] == request[..] =>
            {
                let outcome = r
                    .get::<_, Option<String>>(4)
                    .and_then(|o| serde_json::from_str::<Outcome>(&o).ok());
                (r.get(0), r.get(1), outcome)
            }
            Some(_) => {
                tracing::warn!(operator = op.id, "client id reused for another decision");
                (
                    false,
                    Some(super::decide::remembered(
                        &crate::model::refusal::DecisionRefusal::ClientIdReused,
                    )),
                    None,
                )
            }
            None => {
                let copy = match &mut copy {
                    Some(c) => c,
                    None => copy.insert(WorkingCopy::of(&mut tx, op, actions)?),
                };
                let (accepted, reason, outcome, change) =
                    copy.judge(&mut tx, op, scope, action, today)?;
                let stored = outcome.as_ref().and_then(|o| serde_json::to_string(o).ok());
                tx.execute(
                    "INSERT INTO applied_actions (operator_id, client_id, approval_id, accepted, reason, at, request, outcome) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &op.id,
                        &action.client_id,
                        &action.approval_id,
                        &accepted,
                        &reason,
                        &chrono::Local::now().to_rfc3339(),
                        &request.to_vec(),
                        &stored,
                    ],
                )
                .pg()?;
                applied = Some((
                    change,
                    (
                        op.id,
                        action.client_id.clone(),
                        accepted,
                        reason.clone(),
                        stored,
                    ),
                ));
                (accepted, reason, outcome)
            }
        };
        tx.commit().pg()?;
        if let (Some(copy), Some((change, remembered))) = (&mut copy, applied) {
            copy.apply(&change, &remembered)?;
        }
        answers.push(super::decide::answer_of(
            op, action, accepted, reason, outcome,
        ));
    }
    Ok(answers)
}

/// The rows a request's actions read, copied into an in-memory store: the SQLite
/// rules (`decide::decide`, `maintain::judge`) run on it, new rows numbered after the
/// database's highest ids (`decide::with_id_floor`).
struct WorkingCopy {
    store: crate::store::Store,
    floor: [i64; 6],
}

impl WorkingCopy {
    /// What every action of the request reads (see [`Want`]).
    fn of(tx: &mut Transaction<'_>, op: &Operator, actions: &[PushAction]) -> Result<WorkingCopy> {
        let mut want = Want::default();
        for action in actions {
            match &action.edit {
                Some(intent) => want.edit(tx, op.id, intent)?,
                None => want.decision(tx, op.id, action.approval_id)?,
            }
        }
        let answers = std::mem::take(&mut want.answers);
        let set = want.load(tx)?;
        let mut store = crate::store::Store::open_in_memory()?;
        store.replace_all(&set)?;
        store.conn().execute_batch(SCRATCH_ANSWERS)?;
        for a in &answers {
            remember(store.conn(), a)?;
        }
        Ok(WorkingCopy {
            store,
            floor: id_floor(tx)?,
        })
    }

    /// Judges one new action and writes what was accepted into the database: accepted,
    /// the reason if not, an edit's outcome, the change (for [`WorkingCopy::apply`]).
    fn judge(
        &mut self,
        tx: &mut Transaction<'_>,
        op: &Operator,
        scope: &HashSet<OrgId>,
        action: &PushAction,
        today: NaiveDate,
    ) -> Result<(bool, Option<String>, Option<Outcome>, Change)> {
        let stx = self.store.conn_mut().transaction()?;
        super::decide::with_id_floor(self.floor, || -> Result<_> {
            Ok(match &action.edit {
                Some(intent) => {
                    let mut v = super::maintain::judge(&stx, op, scope, intent, today)?;
                    if v.accepted {
                        v.outcome.version = Some(write_in(tx, &v.change)? as u64);
                    }
                    (v.accepted, v.reason, Some(v.outcome), v.change)
                }
                None => match super::decide::decide(&stx, op, scope, action, today)? {
                    Ok(change) => {
                        write_in(tx, &change)?;
                        (true, None, None, change)
                    }
                    Err(why) => (
                        false,
                        Some(super::decide::remembered(&why)),
                        None,
                        Change::default(),
                    ),
                },
            })
        })
    }

    /// Brings the copy up to date with a committed action: its rows, its answer.
    fn apply(&mut self, change: &Change, answer: &RememberedAnswer) -> Result<()> {
        let tx = self.store.conn_mut().transaction()?;
        crate::store::upsert_dataset(&tx, &change.upsert)?;
        for ((table, _), (_, ids)) in crate::store::rows::TABLES
            .iter()
            .zip(change.delete.tables().iter())
        {
            crate::store::delete_rows(&tx, table, ids)?;
        }
        crate::store::partial::refresh(&tx)?;
        remember(&tx, answer)?;
        tx.commit()?;
        Ok(())
    }
}

fn remember(conn: &rusqlite::Connection, a: &RememberedAnswer) -> Result<()> {
    let (operator, client, accepted, reason, outcome) = a;
    conn.execute(
        "INSERT OR REPLACE INTO applied_actions (operator_id, client_id, accepted, reason, outcome) VALUES (?, ?, ?, ?, ?)",
        rusqlite::params![operator, client, accepted, reason, outcome],
    )?;
    Ok(())
}

/// The remembered answers an edit judged on a copy reads (an edit on a person entered
/// by an earlier edit): `maintain::judge` looks the earlier answer up there.
const SCRATCH_ANSWERS: &str = "CREATE TABLE applied_actions (
    operator_id INTEGER NOT NULL, client_id TEXT NOT NULL, accepted INTEGER NOT NULL,
    reason TEXT, outcome TEXT, PRIMARY KEY (operator_id, client_id))";

/// The highest id of each table (`store::rows::TABLES` order), deleted rows included:
/// new rows are numbered after them.
fn id_floor(tx: &mut Transaction<'_>) -> Result<[i64; 6]> {
    let mut floor = [0; 6];
    for (tbl, f) in floor.iter_mut().enumerate() {
        *f = tx
            .query_one(
                "SELECT COALESCE(MAX(id), 0) FROM data_rows WHERE tbl = $1",
                &[&(tbl as i16)],
            )
            .pg()?
            .get(0);
    }
    Ok(floor)
}

/// An answer already given: operator, client id, accepted, reason, outcome (JSON).
type RememberedAnswer = (i64, String, bool, Option<String>, Option<String>);

/// What judging an action reads, gathered before the rows are loaded: units with all
/// their rows (figures, people, requests), units whose subtree matters, persons by id
/// and by ID number (一人一编), the remembered answers it refers to. Every unit comes
/// with its ancestors.
#[derive(Default)]
struct Want {
    units: BTreeSet<OrgId>,
    orgs: BTreeSet<OrgId>,
    subtrees: BTreeSet<OrgId>,
    persons: BTreeSet<i64>,
    id_numbers: BTreeSet<String>,
    approvals: BTreeSet<i64>,
    answers: Vec<RememberedAnswer>,
}

impl Want {
    /// A decision on request `approval`: its unit, where it may move, the person and,
    /// for a reviewed change, what the edit it carries reads.
    fn decision(&mut self, tx: &mut Transaction<'_>, operator: i64, approval: i64) -> Result<()> {
        let Some(a) = one::<Approval>(tx, APPROVALS, approval)? else {
            return Ok(());
        };
        self.approvals.insert(a.id);
        self.units.insert(a.org_id);
        self.subtrees.insert(a.org_id);
        self.orgs.extend(a.new_parent_id);
        self.persons.extend(a.person_id);
        if matches!(
            a.kind,
            ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange
        ) && let Some(intent) = a
            .change
            .as_deref()
            .and_then(|c| serde_json::from_str::<Intent>(c).ok())
        {
            self.edit(tx, operator, &intent)?;
        }
        Ok(())
    }

    /// An edit: its unit, its person (one entered by an earlier edit of `operator`
    /// through that edit's answer), where it moves to, the ID numbers it gives.
    fn edit(&mut self, tx: &mut Transaction<'_>, operator: i64, intent: &Intent) -> Result<()> {
        let e = &intent.edit;
        match e.person() {
            Some(Target::Id(id)) => {
                self.persons.insert(*id);
            }
            Some(Target::New(client)) => {
                if let Some(r) = tx
                    .query_opt(
                        "SELECT accepted, reason, outcome FROM applied_actions WHERE operator_id = $1 AND client_id = $2",
                        &[&operator, client],
                    )
                    .pg()?
                {
                    let outcome: Option<String> = r.get(2);
                    let created = outcome
                        .as_deref()
                        .and_then(|o| serde_json::from_str::<Outcome>(o).ok())
                        .and_then(|o| o.created_id);
                    self.persons.extend(created);
                    self.answers
                        .push((operator, client.clone(), r.get(0), r.get(1), outcome));
                }
            }
            None => {}
        }
        self.units.extend(e.org());
        match e {
            Edit::PersonTransfer { to_org, .. } => {
                self.units.insert(*to_org);
            }
            Edit::OrgMove { org_id, to_parent } => {
                self.subtrees.insert(*org_id);
                self.orgs.insert(*to_parent);
            }
            Edit::OrgAbolish { org_id } => {
                self.subtrees.insert(*org_id);
            }
            _ => {}
        }
        let id_number = |v: &str| PersonField::IdNumber.normalize(v).ok();
        match e {
            Edit::PersonAdd { values, .. } => self.id_numbers.extend(
                values
                    .iter()
                    .filter(|(f, _)| *f == PersonField::IdNumber)
                    .filter_map(|(_, v)| id_number(v)),
            ),
            Edit::PersonEdit { changes, .. } => self.id_numbers.extend(
                changes
                    .iter()
                    .filter(|c| PersonField::parse(&c.field) == Some(PersonField::IdNumber))
                    .filter_map(|c| id_number(&c.to)),
            ),
            _ => {}
        }
        Ok(())
    }

    /// The rows gathered, each table in id order.
    fn load(mut self, tx: &mut Transaction<'_>) -> Result<Dataset> {
        let mut persons: BTreeMap<i64, Person> = BTreeMap::new();
        let ids: Vec<i64> = self.persons.iter().copied().collect();
        for p in bodies_in::<Person>(tx, PERSONS, &ids)? {
            self.units.insert(p.org_id);
            if !p.id_number.is_empty() {
                self.id_numbers.insert(p.id_number.clone());
            }
            persons.insert(p.id, p);
        }
        for n in &self.id_numbers {
            for r in tx
                .query(
                    "SELECT body FROM data_rows WHERE tbl = 3 AND NOT deleted AND body::jsonb->>'id_number' = $1",
                    &[n],
                )
                .pg()?
            {
                let q: Person = parse(&r.get::<_, String>(0))?;
                self.orgs.insert(q.org_id);
                persons.insert(q.id, q);
            }
        }
        let mut set = Dataset::default();
        let mut approvals: BTreeMap<i64, Approval> = BTreeMap::new();
        let units: Vec<i64> = self.units.iter().copied().collect();
        for r in tx
            .query(
                "SELECT tbl, body FROM data_rows WHERE scope_org = ANY($1) AND tbl IN (1, 2, 3, 5) AND NOT deleted ORDER BY tbl, id",
                &[&units],
            )
            .pg()?
        {
            let body: String = r.get(1);
            match r.get::<_, i16>(0) as i64 {
                LEDGER => set.ledger.push(parse(&body)?),
                POSTS => set.posts.push(parse(&body)?),
                PERSONS => {
                    let p: Person = parse(&body)?;
                    persons.insert(p.id, p);
                }
                _ => {
                    let x: Approval = parse(&body)?;
                    approvals.insert(x.id, x);
                }
            }
        }
        let ids: Vec<i64> = self.approvals.iter().copied().collect();
        for a in bodies_in::<Approval>(tx, APPROVALS, &ids)? {
            approvals.insert(a.id, a);
        }
        let mut orgs: BTreeSet<OrgId> = BTreeSet::new();
        for &s in &self.subtrees {
            for r in tx
                .query(
                    "SELECT org_id FROM org_paths WHERE path @> ARRAY[$1::bigint]",
                    &[&s],
                )
                .pg()?
            {
                orgs.insert(r.get(0));
            }
        }
        let tops: BTreeSet<OrgId> = self
            .units
            .iter()
            .chain(&self.orgs)
            .copied()
            .chain(persons.values().map(|p| p.org_id))
            .collect();
        for at in tops {
            orgs.extend(path_of(tx, at)?.unwrap_or_default());
        }
        let ids: Vec<i64> = orgs.into_iter().collect();
        set.orgs = bodies_in(tx, ORGS, &ids)?;
        set.persons = persons.into_values().collect();
        set.approvals = approvals.into_values().collect();
        Ok(set)
    }
}

/// Rows of one table by id, in id order, inside a transaction.
fn bodies_in<T: DeserializeOwned>(
    tx: &mut Transaction<'_>,
    tbl: i64,
    ids: &[i64],
) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    tx.query(
        "SELECT body FROM data_rows WHERE tbl = $1 AND id = ANY($2) AND NOT deleted ORDER BY id",
        &[&(tbl as i16), &ids],
    )
    .pg()?
    .iter()
    .map(|r| parse(&r.get::<_, String>(0)))
    .collect()
}

fn one<T: DeserializeOwned>(tx: &mut Transaction<'_>, tbl: i64, id: i64) -> Result<Option<T>> {
    tx.query_opt(
        "SELECT body FROM data_rows WHERE tbl = $1 AND id = $2 AND NOT deleted",
        &[&(tbl as i16), &id],
    )
    .pg()?
    .map(|r| parse(&r.get::<_, String>(0)))
    .transpose()
}

fn parse<T: DeserializeOwned>(body: &str) -> Result<T> {
    serde_json::from_str(body)
        .map_err(|e| Error::Postgres(format!("PostgreSQL：行数据无法读取：{e}")))
}

fn io_err(e: std::io::Error) -> Error {
    Error::Postgres(format!("PostgreSQL：{e}"))
}

fn current_xid(tx: &mut Transaction<'_>) -> Result<i64> {
    Ok(tx
        .query_one("SELECT pg_current_xact_id()::text::bigint", &[])
        .pg()?
        .get(0))
}

/// Hands out positions within one writing transaction.
struct Versioner {
    xid: i64,
    ord: i64,
}

impl Versioner {
    fn next(&mut self) -> Result<i64> {
        self.ord += 1;
        if self.ord > MAX_ORD {
            return Err(Error::BadRequest("一次写入的行数过多，请分批进行".into()));
        }
        Ok((self.xid << ORD_BITS) | self.ord)
    }

    /// Gives a row a new position under `scope`: an entry for every unit on its path;
    /// where it was seen before and is no longer, a tombstone.
    fn touch(
        &mut self,
        tx: &mut Transaction<'_>,
        tbl: i64,
        id: i64,
        scope: Option<OrgId>,
    ) -> Result<i64> {
        let pos = self.next()?;
        let ancestors: Vec<i64> = match scope {
            Some(s) => path_of(tx, s)?.unwrap_or_default(),
            None => Vec::new(),
        };
        let tbl = tbl as i16;
        tx.execute(
            "UPDATE feed SET pos = $3, gone = true WHERE tbl = $1 AND id = $2 AND anc <> ALL($4)",
            &[&tbl, &id, &pos, &ancestors],
        )
        .pg()?;
        tx.execute(
            "INSERT INTO feed (anc, tbl, id, pos, gone) SELECT a, $1, $2, $3, false FROM unnest($4::bigint[]) a \
             ON CONFLICT (tbl, id, anc) DO UPDATE SET pos = excluded.pos, gone = false",
            &[&tbl, &id, &pos, &ancestors],
        )
        .pg()?;
        Ok(pos)
    }

    fn put<T: Serialize>(
        &mut self,
        tx: &mut Transaction<'_>,
        tbl: i64,
        id: i64,
        scope: OrgId,
        person: Option<i64>,
        row: &T,
    ) -> Result<()> {
        let pos = self.touch(tx, tbl, id, Some(scope))?;
        tx.execute(
            "INSERT INTO data_rows (tbl, id, scope_org, person_id, pos, deleted, body) VALUES ($1, $2, $3, $4, $5, false, $6) \
             ON CONFLICT (tbl, id) DO UPDATE SET scope_org = excluded.scope_org, person_id = excluded.person_id, \
             pos = excluded.pos, deleted = false, body = excluded.body",
            &[&(tbl as i16), &id, &scope, &person, &pos, &json(row)?],
        )
        .pg()?;
        Ok(())
    }

    /// A row whose scope changed without its content (it moved with a unit or person).
    fn rescope(&mut self, tx: &mut Transaction<'_>, tbl: i64, id: i64, scope: OrgId) -> Result<()> {
        let pos = self.touch(tx, tbl, id, Some(scope))?;
        tx.execute(
            "UPDATE data_rows SET scope_org = $3, pos = $4 WHERE tbl = $1 AND id = $2",
            &[&(tbl as i16), &id, &scope, &pos],
        )
        .pg()?;
        Ok(())
    }
}

fn path_of(tx: &mut Transaction<'_>, org: OrgId) -> Result<Option<Vec<i64>>> {
    Ok(tx
        .query_opt("SELECT path FROM org_paths WHERE org_id = $1", &[&org])
        .pg()?
        .map(|r| r.get(0)))
}

fn scope_of_row(tx: &mut Transaction<'_>, tbl: i64, id: i64) -> Result<Option<OrgId>> {
    Ok(tx
        .query_opt(
            "SELECT scope_org FROM data_rows WHERE tbl = $1 AND id = $2 AND NOT deleted",
            &[&(tbl as i16), &id],
        )
        .pg()?
        .map(|r| r.get(0)))
}

/// Writes a change inside a transaction, versioning what it touches so it reaches
/// exactly the operators who should see it (the same cases as SQLite's `db::write_in`):
/// every written row; a person's events when the person moves; everything under a unit
/// moved under another parent; tombstones where a row was and no longer is.
pub fn write_in(tx: &mut Transaction<'_>, change: &Change) -> Result<i64> {
    let data = &change.upsert;
    let mut v = Versioner {
        xid: current_xid(tx)?,
        ord: 0,
    };
    for o in &data.orgs {
        let mut path = match o.parent_id {
            Some(p) => path_of(tx, p)?.unwrap_or_default(),
            None => Vec::new(),
        };
        path.push(o.id);
        let old = path_of(tx, o.id)?;
        tx.execute(
            "INSERT INTO org_paths (org_id, path) VALUES ($1, $2) ON CONFLICT (org_id) DO UPDATE SET path = excluded.path",
            &[&o.id, &path],
        )
        .pg()?;
        v.put(tx, ORGS, o.id, o.id, None, o)?;
        if let Some(old) = old.filter(|old| *old != path) {
            // The subtree takes the new prefix; all its rows enter and leave as a whole.
            let depth = old.len() as i32;
            let under: Vec<i64> = tx
                .query(
                    "UPDATE org_paths SET path = $2 || path[$3 + 1:] WHERE path @> ARRAY[$1::bigint] AND org_id <> $1 RETURNING org_id",
                    &[&o.id, &path, &depth],
                )
                .pg()?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut units = under;
            units.push(o.id);
            let rows: Vec<(i16, i64, i64)> = tx
                .query(
                    "SELECT tbl, id, scope_org FROM data_rows WHERE scope_org = ANY($1) AND NOT deleted AND NOT (tbl = 0 AND id = $2)",
                    &[&units, &o.id],
                )
                .pg()?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            for (tbl, id, scope) in rows {
                v.rescope(tx, tbl as i64, id, scope)?;
            }
        }
    }
    for e in &data.ledger {
        v.put(tx, LEDGER, e.id, e.org_id, None, e)?;
    }
    for e in &data.posts {
        v.put(tx, POSTS, e.id, e.org_id, None, e)?;
    }
    for p in &data.persons {
        let before = scope_of_row(tx, PERSONS, p.id)?;
        v.put(tx, PERSONS, p.id, p.org_id, None, p)?;
        if before.is_some_and(|b| b != p.org_id) {
            // A transfer: the person's history goes along.
            let events: Vec<i64> = tx
                .query(
                    "SELECT id FROM data_rows WHERE tbl = 4 AND person_id = $1 AND NOT deleted",
                    &[&p.id],
                )
                .pg()?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for id in events {
                v.rescope(tx, EVENTS, id, p.org_id)?;
            }
        }
    }
    for e in &data.events {
        let (scope, person) = match e.subject {
            Subject::Org(id) => (id, None),
            Subject::Person(pid) => (scope_of_row(tx, PERSONS, pid)?.unwrap_or(-1), Some(pid)),
        };
        v.put(tx, EVENTS, e.id, scope, person, e)?;
    }
    for a in &data.approvals {
        v.put(tx, APPROVALS, a.id, a.org_id, None, a)?;
    }
    for (tbl, (_, list)) in change.delete.tables().iter().enumerate() {
        for &id in *list {
            let pos = v.touch(tx, tbl as i64, id, None)?;
            tx.execute(
                "UPDATE data_rows SET deleted = true, body = NULL, pos = $3 WHERE tbl = $1 AND id = $2",
                &[&(tbl as i16), &id, &pos],
            )
            .pg()?;
        }
    }
    // The position of the last row written: the version holding the change.
    Ok((v.xid << ORD_BITS) | v.ord)
}
