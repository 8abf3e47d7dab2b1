//! Bad input, generated: the wire decoders fed random and mutated bytes, the page
//! applier fed the server's pages duplicated and replayed out of order, the server fed
//! malformed, oversized and out-of-order requests. cargo-fuzz cannot run offline here,
//! so these are proptest properties; each prints how many inputs it tried.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db::{self, ServerDb};
use bianzhi::server::simulate;
use bianzhi::store::Store;
use bianzhi::sync::proto::{SyncPage, SyncRequest};
use bianzhi::sync::wire::{self, Columns, PROTOCOL_VERSION, Snapshot, WireDataset};
use bianzhi::sync::{apply, proto};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rand::SeedableRng;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A slice of the small world: every table, a few rows each, as valid bytes to mutate.
fn sample() -> Dataset {
    let d = small();
    Dataset {
        orgs: d.orgs[..6].to_vec(),
        ledger: d.ledger[..6].to_vec(),
        posts: d.posts[..4].to_vec(),
        persons: d.persons[..6].to_vec(),
        events: d.events[..6].to_vec(),
        approvals: d.approvals[..4].to_vec(),
    }
}

fn sample_page() -> Vec<u8> {
    let page = SyncPage {
        protocol: PROTOCOL_VERSION,
        epoch: "0123456789abcdef".into(),
        scope_root: 1,
        cursor: 77,
        more: true,
        server_time: "2026-11-01T10:00:00+08:00".into(),
        data: WireDataset::encode(&sample()),
        ..Default::default()
    };
    serde_json::to_vec(&page).unwrap()
}

/// Bytes mutated the way a bad link or a hostile peer would: flipped, cut, spliced.
fn mutated(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = valid.len();
    (
        proptest::collection::vec((0..len, any::<u8>()), 0..8),
        0..=len,
        proptest::collection::vec(any::<u8>(), 0..16),
        any::<bool>(),
    )
        .prop_map(move |(flips, cut, splice, truncate)| {
            let mut b = valid.clone();
            for (i, x) in flips {
                b[i] ^= x;
            }
            if truncate {
                b.truncate(cut);
            } else {
                let at = cut.min(b.len());
                b.splice(at..at, splice);
            }
            b
        })
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn run(name: &str, cases: u32, test: impl Fn(&mut TestRunner, &AtomicUsize)) {
    let tried = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    test(&mut runner, &tried);
    println!("fuzz {name}: {} inputs", tried.load(Ordering::Relaxed));
}

#[test]
fn the_wire_decoders_never_panic_on_random_or_mutated_bytes() {
    let page = sample_page();
    let snapshot = serde_json::to_vec(&Snapshot::new(&sample(), 5, Some(1))).unwrap();
    run("SyncPage::from_json (mutated page)", 3000, |r, n| {
        r.run(&mutated(page.clone()), |b| {
            n.fetch_add(1, Ordering::Relaxed);
            if let Ok(p) = SyncPage::from_json(&b) {
                let _ = p.data.decode();
            }
            Ok(())
        })
        .unwrap();
    });
    run("SyncPage::from_json (random bytes)", 2000, |r, n| {
        r.run(&proptest::collection::vec(any::<u8>(), 0..512), |b| {
            n.fetch_add(1, Ordering::Relaxed);
            prop_assert!(SyncPage::from_json(&b).is_err());
            Ok(())
        })
        .unwrap();
    });
    // Snapshots are zstd: mutate both the compressed bytes and the JSON inside.
    let packed = wire::compress(&snapshot, 3);
    run("Snapshot::from_bytes (mutated zstd)", 2000, |r, n| {
        r.run(&mutated(packed.clone()), |b| {
            n.fetch_add(1, Ordering::Relaxed);
            if let Ok(s) = Snapshot::from_bytes(&b) {
                let _ = s.data.decode();
            }
            Ok(())
        })
        .unwrap();
    });
    run("Snapshot::from_bytes (mutated JSON)", 2000, |r, n| {
        r.run(&mutated(snapshot.clone()), |b| {
            n.fetch_add(1, Ordering::Relaxed);
            if let Ok(s) = Snapshot::from_bytes(&wire::compress(&b, 1)) {
                let _ = s.data.decode();
            }
            Ok(())
        })
        .unwrap();
    });
    run("Snapshot::from_bytes (random bytes)", 2000, |r, n| {
        r.run(&proptest::collection::vec(any::<u8>(), 0..512), |b| {
            n.fetch_add(1, Ordering::Relaxed);
            prop_assert!(Snapshot::from_bytes(&b).is_err());
            Ok(())
        })
        .unwrap();
    });
    // Columns of any JSON shape: an error, never a panic, never rows out of nothing.
    let names = prop_oneof![
        Just(wire::to_columns(&sample().persons).names),
        Just(wire::to_columns(&sample().orgs).names),
        proptest::collection::vec("[a-z_]{1,8}", 0..5),
    ];
    let columns = (
        names,
        proptest::collection::vec(proptest::collection::vec(any_json(), 0..4), 0..30),
    );
    run("wire::from_columns (random columns)", 2000, |r, n| {
        r.run(&columns, |(names, columns)| {
            n.fetch_add(1, Ordering::Relaxed);
            let c = Columns {
                codecs: names
                    .iter()
                    .map(|n| if n == "id" { "d" } else { "" }.to_string())
                    .collect(),
                names,
                columns,
                ..Default::default()
            };
            let _ = wire::from_columns::<Person>(&c);
            let _ = wire::from_columns::<Org>(&c);
            let _ = wire::from_columns::<Approval>(&c);
            Ok(())
        })
        .unwrap();
    });
}

/// The server's pages of one jurisdiction from cursor 0, `limit` rows each.
fn pages(conn: &rusqlite::Connection, root: OrgId, limit: usize) -> Vec<(SyncPage, Dataset)> {
    let epoch = db::epoch(conn).unwrap();
    let mut out = Vec::new();
    let mut cursor = 0;
    loop {
        let feed = db::feed(conn, root, cursor, limit).unwrap();
        let page = SyncPage {
            protocol: PROTOCOL_VERSION,
            epoch: epoch.clone(),
            scope_root: root,
            cursor: feed.cursor,
            more: feed.more,
            server_time: String::new(),
            data: WireDataset::encode(&feed.data),
            deleted: feed.deleted,
            ..Default::default()
        };
        cursor = feed.cursor;
        let rows = page.data.decode().unwrap();
        let more = page.more;
        out.push((page, rows));
        if !more {
            return out;
        }
    }
}

#[test]
fn pages_applied_duplicated_or_replayed_out_of_order_converge() {
    // A department's jurisdiction, so each case is quick; the server changes between
    // cases (the simulation), so later cases see updates and tombstones.
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerDb::open(&dir.path().join("server.db")).unwrap();
    server.seed(small()).unwrap();
    let root = root_of(&server);
    let dept: OrgId = server
        .conn()
        .query_row(
            "SELECT o.parent_id FROM persons p JOIN orgs o ON o.id = p.org_id JOIN orgs d ON d.id = o.parent_id \
             WHERE d.parent_id = ? GROUP BY o.parent_id ORDER BY COUNT(*) DESC LIMIT 1",
            [root],
            |r| r.get(0),
        )
        .unwrap();
    let rng = std::cell::RefCell::new(rand_chacha::ChaCha8Rng::seed_from_u64(1));
    let server = std::cell::RefCell::new(server);
    let schedule = (
        20usize..200,
        proptest::collection::vec((any::<bool>(), any::<prop::sample::Index>()), 1..12),
        any::<bool>(),
    );
    run("apply_page (duplicated / replayed pages)", 64, |r, n| {
        r.run(&schedule, |(limit, faults, change)| {
            n.fetch_add(1, Ordering::Relaxed);
            if change {
                simulate::changes(
                    &mut server.borrow_mut(),
                    &mut *rng.borrow_mut(),
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                    20,
                    0.2,
                )
                .unwrap();
            }
            let srv = server.borrow();
            let pages = pages(srv.conn(), dept, limit);
            let mut cache = Store::open_in_memory().unwrap();
            // Apply in order, but with pages delivered twice (a resend whose answer was
            // lost) and older pages delivered again after newer ones (a late duplicate,
            // or a second sync of the same cache racing this one). Each page is offered
            // with the cursor it was asked from; a stale one must change nothing.
            let mut faults = faults.into_iter();
            let from = |k: usize| if k == 0 { 0 } else { pages[k - 1].0.cursor };
            for (k, (page, rows)) in pages.iter().enumerate() {
                prop_assert!(
                    apply::apply_page_from(&mut cache, Some(from(k)), page, rows, k == 0, "fuzz")
                        .unwrap()
                );
                if let Some((replay, which)) = faults.next() {
                    let j = if replay { which.index(k + 1) } else { k };
                    let (p, rows) = &pages[j];
                    let before = cache.dataset().unwrap();
                    let applied =
                        apply::apply_page_from(&mut cache, Some(from(j)), p, rows, j == 0, "fuzz")
                            .unwrap();
                    prop_assert!(!applied, "a stale page was applied");
                    prop_assert_eq!(cache.dataset().unwrap(), before);
                }
            }
            // Then the client catches up from wherever its cursor ended.
            loop {
                let cursor = apply::state(cache.conn()).unwrap().cursor;
                let feed = db::feed(srv.conn(), dept, cursor, limit).unwrap();
                let page = SyncPage {
                    protocol: PROTOCOL_VERSION,
                    epoch: db::epoch(srv.conn()).unwrap(),
                    scope_root: dept,
                    cursor: feed.cursor,
                    more: feed.more,
                    data: WireDataset::encode(&feed.data),
                    deleted: feed.deleted,
                    ..Default::default()
                };
                let rows = page.data.decode().unwrap();
                apply::apply_page(&mut cache, &page, &rows, cursor == 0, "fuzz").unwrap();
                if !page.more {
                    break;
                }
            }
            let (want, _) = db::scoped_dataset(srv.conn(), dept).unwrap();
            prop_assert_eq!(checksum(&cache.dataset().unwrap()), checksum(&want));
            Ok(())
        })
        .unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_malformed_oversized_and_out_of_order_requests_with_4xx() {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("全域", root);
    let url = w.server.url();
    let http = reqwest::Client::new();
    let (seq, epoch) = {
        let db = w.db();
        (db::seq(db.conn()).unwrap(), db::epoch(db.conn()).unwrap())
    };
    let valid = serde_json::to_vec(&SyncRequest {
        protocol: PROTOCOL_VERSION,
        cursor: seq,
        epoch: Some(epoch.clone()),
        scope_root: Some(root),
        limit: Some(5),
        push: vec![proto::PushAction {
            client_id: "c-1".into(),
            approval_id: 1,
            decision: Some(Decision::Return),
            comment: "退回".into(),
            edit: None,
        }],
    })
    .unwrap();
    // Out-of-order and odd cursors, encodings, paths and methods, and mutated bodies.
    let body = prop_oneof![
        mutated(valid.clone()),
        proptest::collection::vec(any::<u8>(), 0..256),
        (any::<u64>(), any::<Option<u32>>(), "[0-9a-f]{0,16}").prop_map(
            |(cursor, limit, epoch)| {
                serde_json::to_vec(&serde_json::json!({
                    "protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": cursor, "limit": limit, "epoch": epoch,
                }))
                .unwrap()
            }
        ),
        any_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ];
    let request = (
        body,
        prop::sample::select(vec![
            None,
            Some("zstd"),
            Some("gzip"),
            Some("br"),
            Some("identity"),
        ]),
        prop::sample::select(vec![
            ("POST", "/v1/sync"),
            ("GET", "/v1/sync"),
            ("POST", "/v1/snapshot"),
            ("PUT", "/v1/whoami"),
            ("POST", "/v1/../v1/sync"),
            ("POST", "/v2/sync"),
        ]),
        any::<bool>(),
    );
    let rt = tokio::runtime::Handle::current();
    let statuses = std::sync::Mutex::new(std::collections::BTreeMap::<u16, usize>::new());
    tokio::task::block_in_place(|| {
        run("server requests (malformed / out of order)", 600, |r, n| {
            r.run(&request, |(body, encoding, (method, path), authed)| {
                n.fetch_add(1, Ordering::Relaxed);
                let mut rb = http
                    .request(method.parse().unwrap(), format!("{url}{path}"))
                    .body(body);
                if let Some(e) = encoding {
                    rb = rb.header("content-encoding", e);
                }
                if authed {
                    rb = rb.bearer_auth(&token);
                }
                let status = rt.block_on(async { rb.send().await.unwrap().status().as_u16() });
                *statuses.lock().unwrap().entry(status).or_default() += 1;
                prop_assert!(status < 500, "answered {status}");
                Ok(())
            })
            .unwrap();
        });
    });
    println!("fuzz server statuses: {:?}", statuses.lock().unwrap());
    // Oversized: a body past the limit, and one that inflates past it.
    let big = http
        .post(format!("{url}/v1/sync"))
        .bearer_auth(&token)
        .body(vec![b'{'; proto::MAX_REQUEST_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    let bomb = wire::compress(&vec![b' '; proto::MAX_REQUEST_JSON + 1], 19);
    let resp = http
        .post(format!("{url}/v1/sync"))
        .bearer_auth(&token)
        .header("content-encoding", "zstd")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    // And it still serves a real client.
    let cache = w.cache("after");
    sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
}
