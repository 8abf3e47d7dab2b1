//! The server's data in an SQLite file (the store's schema plus the server's
//! bookkeeping, `db.rs`): the default backend. Reads on connections of their own (WAL:
//! readers never wait for the writer), writes through the one writer.

use super::Result;
use super::backend::{Backend, Moment};
use super::db::{self, Change, FeedIds, Operator, ServerDb};
use super::operators::{OperatorChange, OperatorRow};
use crate::model::{Dataset, OrgId, edit::Role};
use crate::store::Store;
use crate::sync::proto::{Answer, PushAction};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Most idle reader connections kept open.
const IDLE_READERS: usize = 64;

pub struct SqliteBackend {
    path: PathBuf,
    writer: Arc<Mutex<ServerDb>>,
    readers: Arc<Mutex<Vec<Store>>>,
}

impl SqliteBackend {
    /// Opens (creating if need be) the server database at `path`.
    pub fn open(path: &Path) -> Result<SqliteBackend> {
        Ok(SqliteBackend::new(
            path.to_path_buf(),
            ServerDb::open(path)?,
        ))
    }

    pub fn new(path: PathBuf, db: ServerDb) -> SqliteBackend {
        SqliteBackend {
            path,
            writer: Arc::new(Mutex::new(db)),
            readers: Arc::default(),
        }
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut ServerDb) -> Result<T>) -> Result<T> {
        let mut w = self
            .writer
            .lock()
            .map_err(|_| super::Error::BadRequest("writer lock poisoned".into()))?;
        f(&mut w)
    }

    /// A reader connection: an idle one from the pool, else a new one.
    fn reader(&self) -> Result<Reader> {
        let idle = self.readers.lock().ok().and_then(|mut p| p.pop());
        let store = match idle {
            Some(s) => s,
            None => {
                let s = Store::open(&self.path)?;
                // The feed's statements, authentication and meta reads stay prepared.
                s.conn().set_prepared_statement_cache_capacity(64);
                s
            }
        };
        Ok(Reader {
            store: Some(store),
            pool: self.readers.clone(),
        })
    }
}

/// A reader connection, back to the pool when dropped (its prepared statements with it).
struct Reader {
    store: Option<Store>,
    pool: Arc<Mutex<Vec<Store>>>,
}

impl Reader {
    fn conn(&self) -> &rusqlite::Connection {
        self.store.as_ref().expect("reader in use").conn()
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(store) = self.store.take()
            // Only a connection with no transaction left open goes back.
            && store.conn().is_autocommit()
            && let Ok(mut pool) = self.pool.lock()
            && pool.len() < IDLE_READERS
        {
            pool.push(store);
        }
    }
}

/// A read transaction on a pooled reader, ended (rolled back: it wrote nothing) when
/// dropped, before the connection goes back to the pool.
struct SqliteMoment {
    reader: Reader,
}

impl Drop for SqliteMoment {
    fn drop(&mut self) {
        let _ = self.reader.conn().execute_batch("ROLLBACK");
    }
}

impl Moment for SqliteMoment {
    fn epoch(&mut self) -> Result<String> {
        db::epoch(self.reader.conn())
    }

    fn seq(&mut self) -> Result<u64> {
        db::seq(self.reader.conn())
    }

    fn horizon(&mut self) -> Result<u64> {
        Ok(db::meta(self.reader.conn(), db::HORIZON)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0))
    }

    fn feed_ids(&mut self, root: OrgId, cursor: u64, limit: usize) -> Result<FeedIds> {
        db::feed_ids(self.reader.conn(), root, cursor, limit)
    }

    fn rows(&mut self, want: &[Vec<i64>; 6]) -> Result<Dataset> {
        db::rows_of(self.reader.conn(), want)
    }
}

impl Backend for SqliteBackend {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    fn lookup_token(&self, token: &str) -> Result<Option<(Operator, bool)>> {
        db::lookup_token(self.reader()?.conn(), token)
    }

    fn unit_name(&self, org: OrgId) -> Result<Option<String>> {
        Ok(crate::store::queries::org(self.reader()?.conn(), org)?.map(|o| o.name))
    }

    fn read(&self) -> Result<Box<dyn Moment + '_>> {
        let reader = self.reader()?;
        reader.conn().execute_batch("BEGIN")?;
        Ok(Box::new(SqliteMoment { reader }))
    }

    fn push(&self, op: &Operator, actions: &[PushAction], today: NaiveDate) -> Result<Vec<Answer>> {
        self.with_writer(|w| super::decide::apply_push(w, op, actions, today))
    }

    fn is_empty(&self) -> Result<bool> {
        self.with_writer(|w| w.is_empty())
    }

    fn seed(&self, data: &Dataset) -> Result<()> {
        self.with_writer(|w| w.seed(data))
    }

    fn write(&self, change: &Change) -> Result<()> {
        self.with_writer(|w| w.write(change).map(drop))
    }

    fn add_operator(&self, name: &str, scope_root: OrgId, role: Role) -> Result<String> {
        self.with_writer(|w| w.add_operator_as(name, scope_root, role))
    }

    fn operators(&self) -> Result<Vec<OperatorRow>> {
        let reader = self.reader()?;
        let mut st = reader.conn().prepare(
            "SELECT o.id, o.name, o.scope_root, COALESCE(u.name, ''), o.disabled, o.created_at, o.role \
             FROM operators o LEFT JOIN orgs u ON u.id = o.scope_root ORDER BY o.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(OperatorRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    scope_root: r.get(2)?,
                    scope_name: r.get(3)?,
                    disabled: r.get(4)?,
                    created_at: r.get(5)?,
                    role: Role::from_code(r.get(6)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn change_operator(&self, id: i64, change: OperatorChange) -> Result<()> {
        self.with_writer(|w| {
            let c = w.conn();
            match change {
                OperatorChange::Disabled(d) => c.execute(
                    "UPDATE operators SET disabled = ? WHERE id = ?",
                    rusqlite::params![d, id],
                ),
                OperatorChange::Role(role) => c.execute(
                    "UPDATE operators SET role = ? WHERE id = ?",
                    rusqlite::params![role.code(), id],
                ),
                OperatorChange::TokenHash(h) => c.execute(
                    "UPDATE operators SET token_hash = ? WHERE id = ?",
                    rusqlite::params![h.to_vec(), id],
                ),
            }?;
            Ok(())
        })
    }

    fn unit_names(&self) -> Result<Vec<(OrgId, String, Option<String>)>> {
        let reader = self.reader()?;
        let mut st = reader
            .conn()
            .prepare("SELECT id, name, short_name FROM orgs ORDER BY id")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn simulate(
        &self,
        rng: &mut rand_chacha::ChaCha8Rng,
        today: NaiveDate,
        n: usize,
        move_chance: f64,
    ) -> Result<super::simulate::Summary> {
        self.with_writer(|db| super::simulate::changes(db, rng, today, n, move_chance))
    }
}
