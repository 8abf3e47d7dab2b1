//! The local cache: one SQLite file (WAL, foreign keys on, mode 0600), its schema created
//! by versioned migrations compiled into the binary, one writer. The reference server
//! keeps its authoritative data in the same tables.

pub mod audit;
pub mod books;
mod derived;
pub mod drafts;
pub mod exec;
pub mod inbox;
mod lookup;
pub mod maintain;
pub mod outbox;
pub mod partial;
pub mod pending;
pub mod queries;
pub mod repair;
pub mod rows;
pub mod stats;
pub mod timeline;
pub mod warnings;

pub use derived::refresh_derived;

pub mod fault_hook;
pub use lookup::{
    ensure_search_index, refresh_search_keys, search_entries, search_index, store_search_index,
};

use crate::model::Dataset;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use std::path::{Path, PathBuf};

/// Migrations in order; the schema version is their count (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_maintenance.sql"),
    include_str!("migrations/003_overview_counts.sql"),
    include_str!("migrations/004_problem_other.sql"),
    include_str!("migrations/005_derived_dirty.sql"),
    include_str!("migrations/006_search_index.sql"),
    include_str!("migrations/007_retire_cover.sql"),
    include_str!("migrations/008_audit_detail.sql"),
    include_str!("migrations/009_problem_other_index.sql"),
    include_str!("migrations/010_event_detail.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{0} 不是 bianzhi 的缓存文件（不是 SQLite 数据库）；文件未作改动。请换一个路径，或删除它后重新同步。"
    )]
    NotSqlite(PathBuf),
    #[error(
        "缓存 {path} 来自更新版本的 bianzhi（结构版本 {found}，本程序支持 {supported}）；文件未作改动。请升级 bianzhi。"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "缓存 {0} 不存在（尚未同步过，或路径写错了）；没有创建任何文件。请先执行 bianzhi sync，或用 bianzhi import 导入快照文件。"
    )]
    Missing(PathBuf),
    #[error("{0} 是一个目录，不是缓存文件。请给出文件的路径，例如 {0}/cache.db。")]
    IsDirectory(PathBuf),
    #[error("{0} 是其他程序的 SQLite 数据库，不是 bianzhi 的缓存；文件未作改动。请换一个路径。")]
    NotOurs(PathBuf),
    #[error(
        "缓存 {path} 的权限为 {mode:04o}，同组或其他用户可以读取，而其中有个人信息，拒绝打开；文件未作改动。请执行 chmod 600 {path}"
    )]
    OthersCanRead { path: PathBuf, mode: u32 },
    #[error("缓存所在磁盘已满，本次改动未写入，原有数据完好。请清理磁盘空间后重试。")]
    DiskFull,
    #[error("缓存文件只读，本次改动未写入。请检查文件权限。")]
    ReadOnly,
    #[error(
        "缓存数据损坏：{0}。请执行 bianzhi repair：损坏的文件移到一旁，未发送的操作和操作日志转入新的缓存，下次同步补齐其余数据。"
    )]
    Corrupt(String),
    #[error("缓存读写失败：{0}")]
    Sqlite(rusqlite::Error),
    #[error("无法访问缓存文件：{0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            Some(ErrorCode::ReadOnly) => Error::ReadOnly,
            Some(ErrorCode::NotADatabase) => Error::Corrupt("不是有效的数据库".into()),
            Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt("数据库文件已损坏".into()),
            _ => match e {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..) => Error::Corrupt(e.to_string()),
                e => Error::Sqlite(e),
            },
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The cache (or the server's database).
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// The tables every bianzhi database has; a SQLite file without them is somebody else's.
const OUR_TABLES: &[&str] = &["meta", "outbox", "orgs", "persons"];

impl Store {
    /// Opens an existing cache. A missing file is reported and not created; a directory,
    /// a file others may read, a file that is not SQLite, an SQLite database of another
    /// program and one from a newer schema are refused and left untouched.
    ///
    /// No path of this process opens the file by other means than SQLite: on POSIX,
    /// closing any descriptor of a file drops every lock the process holds on it,
    /// SQLite's too, and another process could then checkpoint and delete the WAL under
    /// our connections (SQLite's "How To Corrupt", 2.2). The checks read metadata by
    /// path (`stat`, `access`) and the header through SQLite itself.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, false)
    }

    /// Opens a cache, creating an empty one (mode 0600) when the file does not exist:
    /// `sync`, `import`, `demo` and the server's database.
    pub fn create(path: &Path) -> Result<Store> {
        Self::open_with(path, true)
    }

    fn open_with(path: &Path, create: bool) -> Result<Store> {
        Self::check_file(path, create)?;
        if !Self::writable(path) {
            return Self::open_read_only(path);
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::check_ours(&conn, path)?;
        let store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Whether we may write the cache and create its journal beside it. `access(2)`
    /// reads permissions by path: no descriptor of the file is opened (see [`Store::open`]).
    fn writable(path: &Path) -> bool {
        use rustix::fs::{Access, access};
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        access(path, Access::WRITE_OK).is_ok() && access(dir, Access::WRITE_OK).is_ok()
    }

    /// The file is SQLite (asked of SQLite, before anything is written) and, unless it
    /// is empty, a database of ours.
    fn check_ours(conn: &Connection, path: &Path) -> Result<()> {
        let tables = |conn: &Connection| -> rusqlite::Result<(i64, i64)> {
            let all = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
            let ours = conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ({})",
                    vec!["?"; OUR_TABLES.len()].join(",")
                ),
                rusqlite::params_from_iter(OUR_TABLES),
                |r| r.get(0),
            )?;
            Ok((all, ours))
        };
        let (all, ours) = match tables(conn) {
            Ok(t) => t,
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                return Err(Error::NotSqlite(path.to_path_buf()));
            }
            Err(e) => return Err(e.into()),
        };
        if all > 0 && ours < OUR_TABLES.len() as i64 {
            return Err(Error::NotOurs(path.to_path_buf()));
        }
        Ok(())
    }

    /// A cache the operator may not write (a read-only file or directory) still answers
    /// every query; any write fails with [`Error::ReadOnly`]. When the WAL's shared
    /// memory cannot be created beside it, the file is read as immutable: nobody who can
    /// read it through this program can change it meanwhile.
    fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let probe = |conn: &Connection| {
            conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        };
        let conn = match Connection::open_with_flags(path, flags) {
            Ok(c) if probe(&c).is_ok() => c,
            _ => {
                let abs = std::fs::canonicalize(path)?;
                let uri = format!(
                    "file:{}?immutable=1",
                    abs.to_string_lossy()
                        .replace('%', "%25")
                        .replace('?', "%3f")
                        .replace('#', "%23")
                );
                let c = Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?;
                probe(&c)?;
                c
            }
        };
        Self::check_ours(&conn, path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        let found: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(Error::ReadOnly);
        }
        Ok(store)
    }

    /// A cache that lives in memory only (tests, the search benchmark).
    pub fn open_in_memory() -> Result<Store> {
        let store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Checks by path only (see [`Store::open`]): exists (or may be created), is a
    /// regular file, and is the operator's alone.
    fn check_file(path: &Path, create: bool) -> Result<()> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(Error::IsDirectory(path.to_path_buf())),
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => Err(Error::OthersCanRead {
                path: path.to_path_buf(),
                mode: meta.permissions().mode() & 0o777,
            }),
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                // The file does not exist yet, so no connection of ours holds it.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)?;
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::Missing(path.to_path_buf()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            let _: String = self
                .conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        if let Some(pages) = fault_hook::max_pages() {
            let _: i64 =
                self.conn
                    .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                        r.get(0)
                    })?;
        }
        Ok(())
    }

    fn migrate(&self) -> Result<()> {
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: self.path.clone().unwrap_or_default(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        // A cache made before a migration that adds a derived table has its rows but not
        // that table's: derive it now rather than show empty figures until the next sync.
        if found > 0 && found < SCHEMA_VERSION {
            let tx = self.conn.unchecked_transaction()?;
            refresh_derived(&tx)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Replaces everything the cache holds with a dataset, in one transaction, and
    /// refreshes the derived figures. Unsent actions and the audit log are kept.
    pub fn replace_all(&mut self, data: &Dataset) -> Result<()> {
        self.replace_with(|tx| upsert_dataset(tx, data))
    }

    /// [`Store::replace_all`] with the rows written by `fill` (an import streamed from
    /// a file, in chunks through [`upsert_dataset`]); nothing is kept if it fails.
    pub fn replace_with<T, E: From<Error>>(
        &mut self,
        fill: impl FnOnce(&Transaction) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let saved = bulk_write_begin(&self.conn)?;
        let result = (|| {
            let tx = self.conn.transaction().map_err(Error::from)?;
            clear_rows(&tx)?;
            let filled = fill(&tx)?;
            partial::refresh(&tx)?;
            tx.commit().map_err(Error::from)?;
            Ok(filled)
        })();
        bulk_write_end(&self.conn, saved)?;
        result
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        get_meta(&self.conn, key)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value)
    }

    /// Appends to this operator's local audit log (reveals, exports, decisions, syncs):
    /// the detail typed (worded by the reader), its values alone in `detail`.
    pub fn audit(
        &self,
        action: timeline::AuditAction,
        detail: &audit::AuditDetail,
        rows: Option<i64>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit (at, action, detail, rows, typed) VALUES (?, ?, ?, ?, ?)",
            params![
                chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
                action.key(),
                detail.values(),
                rows,
                serde_json::to_string(detail).ok()
            ],
        )?;
        Ok(())
    }

    /// Reads the whole cache back as a dataset (snapshot export, checksums in tests).
    pub fn dataset(&self) -> Result<Dataset> {
        use rows::*;
        fn all<T>(
            c: &Connection,
            table: &str,
            cols: &str,
            f: fn(&rusqlite::Row) -> rusqlite::Result<T>,
        ) -> Result<Vec<T>> {
            let mut st = c.prepare(&format!("SELECT {cols} FROM {table} ORDER BY id"))?;
            let v = st.query_map([], f)?.collect::<rusqlite::Result<Vec<T>>>()?;
            Ok(v)
        }
        Ok(Dataset {
            orgs: all(&self.conn, "orgs", ORG_COLUMNS, read_org)?,
            ledger: all(&self.conn, "ledger", LEDGER_COLUMNS, read_ledger)?,
            posts: all(&self.conn, "posts", POST_COLUMNS, read_post)?,
            persons: all(&self.conn, "persons", PERSON_COLUMNS, read_person)?,
            events: all(&self.conn, "events", EVENT_COLUMNS, read_event)?,
            approvals: all(&self.conn, "approvals", APPROVAL_COLUMNS, read_approval)?,
        })
    }
}

/// A connection's settings before [`bulk_write_begin`], to put back after.
#[derive(Debug, Clone, Copy)]
pub struct BulkSettings {
    cache_size: i64,
    temp_store: i64,
}

/// Page cache for a batch of many thousand writes (a first sync's page, an import), in
/// KiB. SQLite's default (2 MiB) is a fraction of a city's B-trees: every insert then
/// re-reads interior pages from the file.
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Prepares a connection for a large batch of writes: a page cache large enough for the
/// tables' B-trees, and statement journals in memory (`INSERT OR REPLACE` keeps one per
/// statement; in a temporary file each insert cost a `pwrite`). Neither changes what is
/// written or when it is durable. Call before the transaction; undo with
/// [`bulk_write_end`] so a long-lived connection (the interface's) keeps its small cache.
pub fn bulk_write_begin(conn: &Connection) -> Result<BulkSettings> {
    let saved = BulkSettings {
        cache_size: conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
        temp_store: conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?,
    };
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", 2)?; // MEMORY
    Ok(saved)
}

pub fn bulk_write_end(conn: &Connection, saved: BulkSettings) -> Result<()> {
    conn.pragma_update(None, "cache_size", saved.cache_size)?;
    conn.pragma_update(None, "temp_store", saved.temp_store)?;
    Ok(())
}

pub fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?", [key], |r| r.get(0))
        .optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        params![key, value],
    )?;
    Ok(())
}

/// Deletes every synced row (not the outbox, not the audit log, not meta).
pub fn clear_rows(tx: &Transaction) -> Result<()> {
    for (table, _) in rows::TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tx.execute("DELETE FROM search_keys", [])?;
    // Everything will be new: the refresh that follows is a full one.
    partial::stop_tracking(tx)?;
    Ok(())
}

/// Inserts or replaces every row of a dataset (prepared statements, one per table).
pub fn upsert_dataset(tx: &Connection, data: &Dataset) -> Result<()> {
    use rows::*;
    macro_rules! put {
        ($table:literal, $cols:expr, $rows:expr, $write:ident) => {{
            let mut st = tx.prepare_cached(&upsert_sql($table, $cols))?;
            for r in $rows {
                $write(&mut st, r)?;
            }
        }};
    }
    put!("orgs", ORG_COLUMNS, &data.orgs, write_org);
    put!("ledger", LEDGER_COLUMNS, &data.ledger, write_ledger);
    put!("posts", POST_COLUMNS, &data.posts, write_post);
    put!("persons", PERSON_COLUMNS, &data.persons, write_person);
    put!("events", EVENT_COLUMNS, &data.events, write_event);
    put!(
        "approvals",
        APPROVAL_COLUMNS,
        &data.approvals,
        write_approval
    );
    Ok(())
}

/// Deletes rows of one table by id (tombstones).
pub fn delete_rows(tx: &Transaction, table: &str, ids: &[i64]) -> Result<()> {
    if !rows::TABLES.iter().any(|(t, _)| *t == table) {
        return Err(Error::Corrupt(format!("未知的数据表 {table}")));
    }
    let mut st = tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?"))?;
    for id in ids {
        st.execute([id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
