//! Applying what the server sent to the cache: each page in one transaction together
//! with its cursor, so a sync cut at any moment resumes where it stopped and the cache
//! never holds half a page.

use super::proto::SyncPage;
use crate::model::Dataset;
use crate::store::{self, Store};
use rusqlite::Connection;

/// Meta keys the sync keeps in the cache.
pub mod keys {
    /// The changes-feed cursor the cache is current to.
    pub const CURSOR: &str = crate::store::pending::CURSOR;
    /// The server database the cursor belongs to.
    pub const EPOCH: &str = "epoch";
    /// The root unit of the operator's jurisdiction.
    pub const SCOPE_ROOT: &str = "scope_root";
    /// The server the cache syncs with (for display).
    pub const SERVER: &str = "server";
    /// The end of the last complete sync (RFC 3339).
    pub const LAST_SYNC: &str = "last_sync";
    /// Set while a multi-page sync is under way: the figures may lag the rows.
    pub const PARTIAL: &str = "sync_partial";
}

/// What a cache remembers of its sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub cursor: u64,
    pub epoch: Option<String>,
    pub scope_root: Option<i64>,
}

pub fn state(conn: &Connection) -> store::Result<SyncState> {
    Ok(SyncState {
        cursor: store::get_meta(conn, keys::CURSOR)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        epoch: store::get_meta(conn, keys::EPOCH)?,
        scope_root: store::get_meta(conn, keys::SCOPE_ROOT)?.and_then(|s| s.parse().ok()),
    })
}

pub use super::outbox::record_answers;

/// Applies one page: answers, rows, tombstones, derived figures and the new cursor, all
/// or nothing. `fresh` clears the synced rows first (a full download; the outbox and the
/// audit log stay).
pub fn apply_page(
    store: &mut Store,
    page: &SyncPage,
    rows: &Dataset,
    fresh: bool,
    server: &str,
) -> store::Result<()> {
    apply_page_from(store, None, page, rows, fresh, server).map(|_| ())
}

/// [`apply_page`] for a page asked for from cursor `from`: if the cache has moved since
/// (another sync of the same cache — the interface's background sync and a `bianzhi
/// sync` in another terminal — got there first), the page is stale and is not applied,
/// not even its answers (the other sync carries them); returns whether it was applied.
/// Without this check a stale first page would wipe rows that the other sync had already
/// moved the cursor past (found by tests/fuzz.rs).
pub fn apply_page_from(
    store: &mut Store,
    from: Option<u64>,
    page: &SyncPage,
    rows: &Dataset,
    fresh: bool,
    server: &str,
) -> store::Result<bool> {
    // A first sync's page is 50,000 inserts: give the connection a page cache and
    // in-memory statement journals for it (see store::bulk_write_begin).
    let saved = store::bulk_write_begin(store.conn())?;
    let result = apply_page_in_tx(store, from, page, rows, fresh, server);
    store::bulk_write_end(store.conn(), saved)?;
    result
}

fn apply_page_in_tx(
    store: &mut Store,
    from: Option<u64>,
    page: &SyncPage,
    rows: &Dataset,
    fresh: bool,
    server: &str,
) -> store::Result<bool> {
    // Immediate: the cursor read below stays true until the commit.
    let tx = store
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if let Some(from) = from
        && state(&tx)?.cursor != from
    {
        return Ok(false);
    }
    record_answers(&tx, &page.answers)?;
    if let Some(_reason) = &page.must_refetch {
        // Start over from nothing at the next request; rows stay until replaced.
        store::set_meta(&tx, keys::CURSOR, "0")?;
        tx.execute("DELETE FROM meta WHERE key = ?", [keys::EPOCH])?;
        tx.commit()?;
        return Ok(true);
    }
    if fresh {
        store::clear_rows(&tx)?;
        tx.execute("DELETE FROM pending_base", [])?;
    } else {
        store::pending::forget(&tx, rows, &page.deleted.tables())?;
    }
    store::upsert_dataset(&tx, rows)?;
    for (table, ids) in page.deleted.tables() {
        store::delete_rows(&tx, table, ids)?;
    }
    // Edits still pending are shown over the server's rows, from the new cursor on.
    store::set_meta(&tx, keys::CURSOR, &page.cursor.to_string())?;
    let pending = store::pending::rebuild(&tx)?;
    store::fault_hook::pause("apply");
    // The derived figures are refreshed once the last page is in: recomputing them for
    // every page of a first sync would cost more than the download. Until then the
    // partial flag says they may lag.
    if page.more {
        store::set_meta(&tx, keys::PARTIAL, "1")?;
    } else {
        // A page that changes nothing (the usual periodic sync) leaves the figures as
        // the last refresh made them: recomputing a city's costs 1.5 s of the writer.
        // They are only current if no earlier page left them lagging, and were
        // computed for the same jurisdiction.
        let unchanged = !fresh
            && !pending
            && rows.row_count() == 0
            && page.deleted.is_empty()
            && store::get_meta(&tx, keys::PARTIAL)?.is_none()
            && store::get_meta(&tx, keys::LAST_SYNC)?.is_some()
            && state(&tx)?.scope_root == Some(page.scope_root);
        if !unchanged {
            // Only the units and persons the pages touched, unless this was a first
            // sync (store::partial).
            store::partial::refresh(&tx)?;
        }
        tx.execute("DELETE FROM meta WHERE key = ?", [keys::PARTIAL])?;
        store::set_meta(&tx, keys::LAST_SYNC, &chrono::Local::now().to_rfc3339())?;
    }
    store::set_meta(&tx, keys::CURSOR, &page.cursor.to_string())?;
    store::set_meta(&tx, keys::EPOCH, &page.epoch)?;
    store::set_meta(&tx, keys::SCOPE_ROOT, &page.scope_root.to_string())?;
    store::set_meta(&tx, keys::SERVER, server)?;
    tx.commit()?;
    Ok(true)
}

/// What an import brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub head: super::wire::SnapshotHead,
    pub orgs: usize,
    pub persons: usize,
    pub rows: usize,
}

/// Why an import failed: the file (unreadable, not a snapshot, another version,
/// malformed) or the cache. Either way the cache is as it was.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] super::wire::WireError),
    #[error(transparent)]
    Store(#[from] store::Error),
}

/// Rows written to the cache at a time while a snapshot streams in.
const IMPORT_CHUNK: usize = 4096;

/// Replaces the cache's rows with a snapshot file's, in one transaction, reading the
/// file as a stream ([`super::wire::read_snapshot`]): one table's columns and a chunk
/// of its rows in memory at a time, never the whole set. The derived figures are
/// refreshed; the outbox and the audit log stay. The cursor and jurisdiction are the
/// caller's to record (`Imported::head`).
pub fn import_snapshot(store: &mut Store, path: &std::path::Path) -> Result<Imported, ImportError> {
    store.replace_with(|tx| {
        let (mut orgs, mut persons, mut rows) = (0, 0, 0);
        let head = super::wire::read_snapshot(path, &mut |table, cols| {
            super::wire::each_chunk(table, cols, IMPORT_CHUNK, &mut |chunk: &Dataset| {
                orgs += chunk.orgs.len();
                persons += chunk.persons.len();
                rows += chunk.row_count();
                store::upsert_dataset(tx, chunk).map_err(ImportError::from)
            })
        })?;
        Ok(Imported {
            head,
            orgs,
            persons,
            rows,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Scale, generate};

    fn page(cursor: u64, more: bool, scope_root: i64) -> SyncPage {
        SyncPage {
            protocol: crate::sync::wire::PROTOCOL_VERSION,
            epoch: "e".into(),
            scope_root,
            cursor,
            more,
            ..Default::default()
        }
    }

    /// Applies a page with no rows, not the first of its sync.
    fn apply_empty(s: &mut Store, cursor: u64, more: bool, root: i64) {
        apply_page(
            s,
            &page(cursor, more, root),
            &Dataset::default(),
            false,
            "t",
        )
        .unwrap();
    }

    fn figures(s: &Store) -> i64 {
        s.conn()
            .query_row("SELECT COUNT(*) FROM subtree_quota", [], |r| r.get(0))
            .unwrap()
    }

    /// Everything a cache shows of its rows: the rows and the derived figures.
    fn contents(s: &Store) -> (Dataset, Vec<String>) {
        let mut figures = Vec::new();
        for table in [
            "unit_quota",
            "subtree_quota",
            "subtree_posts",
            "problems",
            "search_keys",
        ] {
            let mut st = s
                .conn()
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                .unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    let cells: Vec<String> = (0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    Ok(format!("{table}: {}", cells.join(" | ")))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            figures.extend(rows);
        }
        (s.dataset().unwrap(), figures)
    }

    #[test]
    fn a_snapshot_imported_as_a_stream_equals_one_imported_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.snap");
        let data = generate(Scale::County, 4);
        crate::sync::wire::Snapshot::new(&data, 12, Some(3))
            .write(&path)
            .unwrap();
        let mut whole = Store::open_in_memory().unwrap();
        whole.replace_all(&data).unwrap();
        // Over other rows, which it replaces.
        let mut streamed = Store::open_in_memory().unwrap();
        streamed.replace_all(&generate(Scale::Small, 9)).unwrap();
        let imported = import_snapshot(&mut streamed, &path).unwrap();
        assert_eq!(imported.head.cursor, 12);
        assert_eq!(imported.head.scope_root, Some(3));
        assert_eq!(imported.rows, data.row_count());
        assert_eq!(imported.persons, data.persons.len());
        assert!(
            data.row_count() > 3 * IMPORT_CHUNK,
            "several chunks a table"
        );
        let (rows, figures) = contents(&streamed);
        assert_eq!(rows, data);
        assert!(!figures.is_empty());
        assert_eq!((rows, figures), contents(&whole));

        // A file that breaks off leaves the cache as it was.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let before = contents(&streamed);
        assert!(matches!(
            import_snapshot(&mut streamed, &path),
            Err(ImportError::File(_))
        ));
        assert_eq!(contents(&streamed), before);
    }

    #[test]
    fn a_page_that_changes_nothing_keeps_the_figures_and_one_after_a_partial_page_refreshes_them() {
        let data = generate(Scale::Small, 1);
        let root = data.orgs.iter().find(|o| o.parent_id.is_none()).unwrap().id;
        let mut s = Store::open_in_memory().unwrap();
        apply_page(&mut s, &page(1, false, root), &data, true, "t").unwrap();
        let full = figures(&s);
        assert!(full > 0);

        // Figures removed behind the sync's back stay removed: an empty page did not
        // recompute them. (With the changes no longer noted, any refresh would be a
        // full one and bring them back.)
        s.conn().execute("DELETE FROM subtree_quota", []).unwrap();
        store::partial::stop_tracking(s.conn()).unwrap();
        apply_empty(&mut s, 1, false, root);
        assert_eq!(figures(&s), 0);

        // After a page that left them lagging, the last page recomputes them even empty.
        apply_empty(&mut s, 2, true, root);
        apply_empty(&mut s, 2, false, root);
        assert_eq!(figures(&s), full);

        // A page with rows recomputes them.
        s.conn().execute("DELETE FROM subtree_quota", []).unwrap();
        store::partial::stop_tracking(s.conn()).unwrap();
        let one = Dataset {
            persons: data.persons[..1].to_vec(),
            ..Default::default()
        };
        apply_page(&mut s, &page(3, false, root), &one, false, "t").unwrap();
        assert_eq!(figures(&s), full);
    }
}
