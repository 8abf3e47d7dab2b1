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
