//! Repairing a damaged cache without losing the operator's own work. The synced rows
//! can always be downloaded again; the unsent outbox and the audit log exist nowhere
//! else. `repair` rescues every row of those two tables it can still read into a fresh
//! cache, moves the damaged file aside (never deletes it), and leaves the fresh cache
//! with no cursor, so the next sync downloads the rest and sends what was unsent.

use super::{Error, Result, Store};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The operator's own tables: what a repair carries over.
const RESCUED: &[&str] = &["outbox", "audit"];

/// What a repair did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repaired {
    /// Where the damaged file now is.
    pub moved_to: PathBuf,
    /// Outbox rows carried over, and how many of them were not yet answered.
    pub outbox: usize,
    pub unsent: usize,
    /// Audit log lines carried over.
    pub audit: usize,
    /// Rows of those tables that could not be read.
    pub lost: usize,
}

/// Whether the whole cache passes SQLite's structural check (`PRAGMA quick_check`).
pub fn check(conn: &Connection) -> Result<()> {
    let mut st = conn.prepare("PRAGMA quick_check(5)")?;
    let problems: Vec<String> = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems.len() == 1 && problems[0] == "ok" {
        Ok(())
    } else {
        // SQLite's own words name pages and tables, never a row's content.
        tracing::warn!(problems = ?problems, "cache fails its integrity check");
        Err(Error::Corrupt("完整性检查未通过".into()))
    }
}

/// What `repair` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    /// The cache opens and passes its check: nothing was changed.
    Healthy,
    Repaired(Repaired),
}

/// Repairs the cache at `path` if it is damaged: see the module's comment. A cache that
/// opens and passes its check is left alone. Nothing is deleted; a failure part way
/// leaves the damaged file where it was.
pub fn repair(path: &Path) -> Result<Outcome> {
    match Store::open(path) {
        Ok(store) if check(store.conn()).is_ok() => return Ok(Outcome::Healthy),
        Err(e @ (Error::Missing(_) | Error::IsDirectory(_) | Error::NotOurs(_))) => {
            return Err(e);
        }
        Err(e @ (Error::OthersCanRead { .. } | Error::NewerSchema { .. })) => return Err(e),
        _ => {}
    }
    rebuild(path).map(Outcome::Repaired)
}

fn rebuild(path: &Path) -> Result<Repaired> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Missing(path.to_path_buf()),
        _ => Error::Io(e),
    })?;
    if meta.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let moved_to = with_suffix(path, &format!(".damaged-{stamp}"));
    let fresh_path = with_suffix(path, &format!(".repair-{}", std::process::id()));
    for p in [&fresh_path, &wal(&fresh_path), &shm(&fresh_path)] {
        let _ = std::fs::remove_file(p);
    }

    let (rows, lost) = rescue(path);
    let mut report = Repaired {
        moved_to: moved_to.clone(),
        outbox: 0,
        unsent: 0,
        audit: 0,
        lost,
    };
    {
        let fresh = Store::create(&fresh_path)?;
        let tx = fresh.conn().unchecked_transaction()?;
        for (table, columns, values) in &rows {
            let wanted = columns_of(&tx, table)?;
            let keep: Vec<usize> = (0..columns.len())
                .filter(|&i| wanted.contains(&columns[i]))
                .collect();
            let sql = format!(
                "INSERT OR IGNORE INTO {table} ({}) VALUES ({})",
                keep.iter()
                    .map(|&i| columns[i].as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                vec!["?"; keep.len()].join(", ")
            );
            let mut st = tx.prepare(&sql)?;
            for row in values {
                st.execute(rusqlite::params_from_iter(keep.iter().map(|&i| &row[i])))?;
            }
            match table.as_str() {
                "outbox" => report.outbox = values.len(),
                _ => report.audit = values.len(),
            }
        }
        // Unanswered (queued or sent): the next sync sends them, as `bianzhi status` counts.
        report.unsent = super::outbox::unsent(&tx)?.len();
        tx.commit()?;
        fresh.audit(
            super::timeline::AuditAction::Repair,
            &super::audit::AuditDetail::Repaired {
                moved_to: moved_to.display().to_string(),
                unsent: report.unsent as i64,
                audit: report.audit as i64,
                lost: report.lost as i64,
            },
            Some(report.outbox as i64),
        )?;
    }
    // The fresh cache is closed (checkpointed) before it takes the damaged one's place.
    std::fs::rename(path, &moved_to)?;
    for (from, to) in [(wal(path), wal(&moved_to)), (shm(path), shm(&moved_to))] {
        if from.exists() {
            std::fs::rename(from, to)?;
        }
    }
    std::fs::rename(&fresh_path, path)?;
    Ok(report)
}

type Rows = Vec<(String, Vec<String>, Vec<Vec<Value>>)>;

/// Every row of the rescued tables that can still be read, and how many could not.
/// Read-only: the damaged file is not changed.
fn rescue(path: &Path) -> (Rows, usize) {
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return (Vec::new(), 0);
    };
    let mut rows = Vec::new();
    let mut lost = 0;
    for table in RESCUED {
        let Ok(columns) = columns_of(&conn, table) else {
            continue;
        };
        if columns.is_empty() {
            continue;
        }
        let (values, missing) = read_table(&conn, table, &columns);
        lost += missing;
        rows.push((table.to_string(), columns, values));
    }
    (rows, lost)
}

/// A table's rows in rowid order. When a scan stops at a damaged page, each rowid up to
/// the largest known one is asked for alone, so rows on pages that still read are kept.
fn read_table(conn: &Connection, table: &str, columns: &[String]) -> (Vec<Vec<Value>>, usize) {
    let list = columns.join(", ");
    let read_row = |r: &rusqlite::Row| -> rusqlite::Result<Vec<Value>> {
        (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect()
    };
    let scan = || -> rusqlite::Result<Vec<Vec<Value>>> {
        let mut st = conn.prepare(&format!("SELECT {list} FROM {table} ORDER BY rowid"))?;
        st.query_map([], read_row)?.collect()
    };
    if let Ok(all) = scan() {
        return (all, 0);
    }
    let last: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = ?",
            [table],
            |r| r.get(0),
        )
        .or_else(|_| conn.query_row(&format!("SELECT MAX(rowid) FROM {table}"), [], |r| r.get(0)))
        .unwrap_or(0);
    let (mut found, mut lost) = (Vec::new(), 0);
    for id in 1..=last {
        let one = conn
            .prepare_cached(&format!("SELECT {list} FROM {table} WHERE rowid = ?"))
            .and_then(|mut st| {
                use rusqlite::OptionalExtension;
                st.query_row([id], read_row).optional()
            });
        match one {
            Ok(Some(row)) => found.push(row),
            Ok(None) => {}
            Err(_) => lost += 1,
        }
    }
    (found, lost)
}

fn columns_of(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    st.query_map([], |r| r.get::<_, String>(1))?.collect()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn wal(path: &Path) -> PathBuf {
    with_suffix(path, "-wal")
}

fn shm(path: &Path) -> PathBuf {
    with_suffix(path, "-shm")
}
