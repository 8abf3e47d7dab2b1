//! Issue 19, item 2: a day's sync, and a saved edit that changes the figures, refresh the
//! derived tables for what they touched only (`store::partial`), and the tables are then
//! exactly what a full refresh makes of the same rows.

use crate::util::*;
use bianzhi::model::edit::{Edit, Intent, Target};
use bianzhi::model::*;
use bianzhi::server::simulate;
use bianzhi::store::{self, Store, pending};
use rand::SeedableRng;
use rusqlite::Connection;
use std::path::Path;

/// Every derived table's rows in a fixed order (problems in their written order within a
/// subject, as the warnings screen reads them).
fn derived(c: &Connection) -> Vec<Vec<String>> {
    [
        "SELECT * FROM org_tree ORDER BY 1",
        "SELECT * FROM unit_quota ORDER BY 1, 2",
        "SELECT * FROM subtree_quota ORDER BY 1, 2",
        "SELECT * FROM unit_posts ORDER BY 1, 2, 3",
        "SELECT * FROM subtree_posts ORDER BY 1, 2, 3",
        "SELECT * FROM overview_counts ORDER BY 1, 2",
        "SELECT subject_kind, subject_id, code, message, other_id FROM problems \
         ORDER BY subject_kind, subject_id, rowid",
        "SELECT * FROM search_keys ORDER BY 1, 2",
    ]
    .iter()
    .map(|sql| {
        let mut st = c.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([], |r| {
            Ok((0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
    })
    .collect()
}

/// The derived tables as the cache holds them, and as a full refresh of its rows makes
/// them (in a transaction rolled back).
fn held_and_full(cache: &Path) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut s = Store::open(cache).unwrap();
    let held = derived(s.conn());
    let tx = s.conn_mut().transaction().unwrap();
    store::refresh_derived(&tx).unwrap();
    let full = derived(&tx);
    drop(tx);
    (held, full)
}

fn noted(cache: &Path) -> i64 {
    let s = Store::open(cache).unwrap();
    s.conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM dirty_persons) + (SELECT COUNT(*) FROM dirty_units) \
             + (SELECT COUNT(*) FROM dirty_orgs)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn depth_of(cache: &Path, org: OrgId) -> i64 {
    Store::open(cache)
        .unwrap()
        .conn()
        .query_row("SELECT depth FROM org_tree WHERE org_id = ?", [org], |r| {
            r.get(0)
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_days_sync_refreshes_what_it_touched_and_equals_a_full_refresh() {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("全域", root);
    let cache = w.cache("day");
    sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!(
        meta(&cache, store::partial::TRACKED).as_deref(),
        Some("1"),
        "after the first sync's full refresh, changes are noted"
    );
    assert_eq!(noted(&cache), 0);

    // A mark in a derived row no change of the day concerns (the root's depth): the
    // day's refresh leaves it, a full refresh would not.
    let depth = depth_of(&cache, root);
    Store::open(&cache)
        .unwrap()
        .conn()
        .execute(
            "UPDATE org_tree SET depth = depth + 100 WHERE org_id = ?",
            [root],
        )
        .unwrap();

    // A day of the server's trickle (entries, exits, transfers, requests), no unit
    // moved, fetched in pages of 40 rows: the notes outlive the pages.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
    let today = chrono::Local::now().date_naive();
    let s = simulate::changes(&mut w.sqlite_db(), &mut rng, today, 200, 0.0).unwrap();
    assert!(s.total() > 50, "{s:?}");
    let r = sync(&w.paged_client(&token, 40), &cache).await.unwrap();
    assert!(r.upserted > 50, "{r:?}");
    assert_eq!(
        noted(&cache),
        0,
        "the last page's refresh used the notes up"
    );
    assert_eq!(
        depth_of(&cache, root),
        depth + 100,
        "the refresh was not a full one"
    );
    Store::open(&cache)
        .unwrap()
        .conn()
        .execute(
            "UPDATE org_tree SET depth = depth - 100 WHERE org_id = ?",
            [root],
        )
        .unwrap();

    let (held, full) = held_and_full(&cache);
    assert_eq!(held, full, "the day's refresh equals a full one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_exit_refreshes_what_it_touched_and_equals_a_full_refresh() {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let cache = w.cache("edit");
    sync(&w.client(&w.operator("甲", root)), &cache)
        .await
        .unwrap();
    let store = Store::open(&cache).unwrap();
    let person = |status: PersonStatus| -> Person {
        let data = cache_data(&cache);
        data.persons
            .into_iter()
            .find(|p| p.status == status && p.staffing_type.is_some())
            .unwrap()
    };
    let leaving = person(PersonStatus::Active);
    let today = chrono::Local::now().date_naive();
    let intent = Intent {
        edit: Edit::PersonExit {
            person: Target::Id(leaving.id),
            kind: ExitKind::Retirement,
            date: today,
        },
        doc_no: Some("示人〔2026〕19号".into()),
        base: pending::cursor(store.conn()).unwrap(),
    };
    pending::queue(store.conn(), &intent, today)
        .unwrap()
        .unwrap();
    assert!(noted(&cache) > 0, "the edit's rows are noted");
    assert!(pending::refresh_stale(store.conn()).unwrap());
    assert_eq!(noted(&cache), 0);
    let (held, full) = held_and_full(&cache);
    assert_eq!(held, full, "after the exit");
}

/// (format, bytes) of the lookup index the cache keeps for Chinese details.
fn kept_index(cache: &Path) -> Option<(i64, i64)> {
    use rusqlite::OptionalExtension;
    Store::open(cache)
        .unwrap()
        .conn()
        .query_row(
            "SELECT format, length(bytes) FROM search_index WHERE lang = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap()
}

/// Issue 19, item 4: the sync leaves the lookup index built in the cache; a changed
/// person drops it and the next sync builds it again; bytes of another format are not
/// read but rebuilt; `bianzhi search` answers from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_index_is_kept_at_sync_and_rebuilt_when_stale() {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("全域", root);
    let cache = w.cache("lookup");
    sync(&w.client(&token), &cache).await.unwrap();
    let (format, bytes) = kept_index(&cache).expect("the first sync left the index built");
    assert!(bytes > 1000, "{bytes}");

    // A person renamed on the server: the sync drops the kept index and builds anew.
    let mut p = w
        .scoped(root)
        .0
        .persons
        .into_iter()
        .find(|p| p.status == PersonStatus::Active)
        .unwrap();
    p.name = "欧阳新名".into();
    upsert(
        &mut w.db(),
        Dataset {
            persons: vec![p.clone()],
            ..Dataset::default()
        },
    );
    // Without a sync, a write of the person alone drops it (the trigger).
    {
        let s = Store::open(&cache).unwrap();
        s.conn()
            .execute("UPDATE persons SET name = name WHERE id = ?", [p.id])
            .unwrap();
    }
    assert_eq!(kept_index(&cache), None, "a changed person drops it");
    sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!(kept_index(&cache).map(|k| k.0), Some(format));
    let out = client_cmd(&cache, &["search", "ouyangxinming", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("欧阳新名"), "{text}");

    // Bytes of another format (an older program's) are rebuilt, not read.
    Store::open(&cache)
        .unwrap()
        .conn()
        .execute("UPDATE search_index SET format = 0, bytes = x'00'", [])
        .unwrap();
    let index = store::search_index(Store::open(&cache).unwrap().conn(), Lang::Zh).unwrap();
    let hits = bianzhi::search::search(&index, "ouyangxinming", 5);
    assert_eq!(index.entry(hits[0].index).id, p.id);
    assert_eq!(kept_index(&cache).map(|k| k.0), Some(format), "kept again");
}
