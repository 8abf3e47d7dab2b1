//! The server on both engines (issue 18): the same sync scenarios against SQLite and,
//! when `BIANZHI_TEST_PG` names a PostgreSQL server, against PostgreSQL; on PostgreSQL
//! alone, transactions committed out of order and a database `serve` cannot use.

use crate::util::*;
use bianzhi::model::{Dataset, OrgId, Subject};
use bianzhi::server::{self, Change};
use std::collections::HashMap;

/// The PostgreSQL tests take turns with every conformance test's PostgreSQL turn: one
/// of them holds a writing transaction open, which (by design) holds back every feed on
/// the cluster until it ends.
use crate::util::PG_TURN as TURN;

/// Two children of the root with staff under them, and a unit under the first with
/// staff of its own.
fn places(d: &Dataset) -> (OrgId, OrgId, OrgId, OrgId) {
    let root = d.orgs.iter().find(|o| o.parent_id.is_none()).unwrap().id;
    let parent: HashMap<OrgId, Option<OrgId>> =
        d.orgs.iter().map(|o| (o.id, o.parent_id)).collect();
    let under = |unit: OrgId, top: OrgId| {
        let mut at = Some(unit);
        while let Some(u) = at {
            if u == top {
                return true;
            }
            at = parent.get(&u).copied().flatten();
        }
        false
    };
    let staffed = |top: OrgId| d.persons.iter().filter(|p| under(p.org_id, top)).count();
    let mut kids: Vec<OrgId> = d
        .orgs
        .iter()
        .filter(|o| o.parent_id == Some(root))
        .map(|o| o.id)
        .filter(|&k| staffed(k) > 0)
        .collect();
    kids.sort_by_key(|&k| std::cmp::Reverse(staffed(k)));
    let (x, y) = (kids[0], kids[1]);
    let unit = d
        .persons
        .iter()
        .map(|p| p.org_id)
        .find(|&o| o != x && under(o, x))
        .unwrap();
    (root, x, y, unit)
}

async fn scoped(w: &World, root: OrgId) -> (Dataset, u64) {
    w.with_backend(move |b| b.read().unwrap().scoped(root).unwrap())
        .await
}

async fn token(w: &World, name: &str, root: OrgId) -> String {
    let name = name.to_string();
    w.with_backend(move |b| {
        b.add_operator(&name, root, bianzhi::model::edit::Role::Reviewer)
            .unwrap()
    })
    .await
}

async fn write(w: &World, upsert: Dataset) {
    w.with_backend(move |b| {
        b.write(&Change {
            upsert,
            ..Default::default()
        })
        .unwrap()
    })
    .await
}

/// First syncs in small pages, no-change syncs, an edit, a transfer and a unit moved
/// between jurisdictions: every cache equals what the server holds for its
/// jurisdiction, on every engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_engine_serves_the_same_feed() {
    let _turn = TURN.lock().await;
    for engine in engines() {
        let data = small();
        let (root, x, y, unit) = places(data);
        let w = World::on(&engine, data).await;
        let (ca, cx, cy) = (
            w.paged_client(&token(&w, "全域", root).await, 97),
            w.paged_client(&token(&w, "甲", x).await, 97),
            w.paged_client(&token(&w, "乙", y).await, 97),
        );
        let (ka, kx, ky) = (w.cache("a"), w.cache("x"), w.cache("y"));
        let r = sync(&ca, &ka).await.unwrap();
        assert!(r.round_trips > 3, "{engine:?}: paged {r:?}");
        sync(&cx, &kx).await.unwrap();
        sync(&cy, &ky).await.unwrap();
        assert_eq!(checksum(&cache_data(&ka)), checksum(data), "{engine:?}");
        let check = async |label: &str| {
            for (cache, scope) in [(&ka, root), (&kx, x), (&ky, y)] {
                assert_eq!(
                    checksum(&cache_data(cache)),
                    checksum(&scoped(&w, scope).await.0),
                    "{engine:?} {label}: {scope}"
                );
            }
        };
        check("first sync").await;

        // Nothing changed: one round trip, nothing received.
        let r = sync(&ca, &ka).await.unwrap();
        assert_eq!(
            (r.round_trips, r.upserted, r.deleted),
            (1, 0, 0),
            "{engine:?}"
        );

        // An edit reaches the jurisdictions that see the row.
        let mut p = data
            .persons
            .iter()
            .find(|p| p.org_id == unit)
            .unwrap()
            .clone();
        p.name = format!("{}改", p.name);
        write(
            &w,
            Dataset {
                persons: vec![p.clone()],
                ..Default::default()
            },
        )
        .await;
        for (c, k) in [(&ca, &ka), (&cx, &kx), (&cy, &ky)] {
            sync(c, k).await.unwrap();
        }
        assert!(
            cache_data(&kx).persons.iter().any(|q| q.name == p.name),
            "{engine:?}"
        );
        check("edit").await;

        // A transfer from x to y takes the person's history along; x loses both.
        p.org_id = y;
        write(
            &w,
            Dataset {
                persons: vec![p.clone()],
                ..Default::default()
            },
        )
        .await;
        let rx = sync(&cx, &kx).await.unwrap();
        sync(&cy, &ky).await.unwrap();
        sync(&ca, &ka).await.unwrap();
        assert!(rx.deleted > 0, "{engine:?}: x gets tombstones {rx:?}");
        let (dx, dy) = (cache_data(&kx), cache_data(&ky));
        assert!(!dx.persons.iter().any(|q| q.id == p.id), "{engine:?}");
        assert!(!dx.events.iter().any(|e| e.subject == Subject::Person(p.id)));
        assert!(dy.persons.iter().any(|q| q.id == p.id && q.org_id == y));
        let history = data
            .events
            .iter()
            .filter(|e| e.subject == Subject::Person(p.id))
            .count();
        assert_eq!(
            dy.events
                .iter()
                .filter(|e| e.subject == Subject::Person(p.id))
                .count(),
            history,
            "{engine:?}"
        );
        check("transfer").await;

        // The unit moves under y as a whole.
        let mut u = data.orgs.iter().find(|o| o.id == unit).unwrap().clone();
        u.parent_id = Some(y);
        write(
            &w,
            Dataset {
                orgs: vec![u],
                ..Default::default()
            },
        )
        .await;
        let rx = sync(&cx, &kx).await.unwrap();
        let ry = sync(&cy, &ky).await.unwrap();
        sync(&ca, &ka).await.unwrap();
        assert!(
            rx.deleted > 0 && ry.upserted > 0,
            "{engine:?}: {rx:?} {ry:?}"
        );
        assert!(!cache_data(&kx).orgs.iter().any(|o| o.id == unit));
        assert!(
            cache_data(&ky)
                .orgs
                .iter()
                .any(|o| o.id == unit && o.parent_id == Some(y))
        );
        check("unit moved").await;
    }
}

/// A snapshot continues with deltas on every engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_engine_serves_a_snapshot_that_continues() {
    let _turn = TURN.lock().await;
    for engine in engines() {
        let data = small();
        let (root, ..) = places(data);
        let w = World::on(&engine, data).await;
        let c = w.client(&token(&w, "全域", root).await);
        let snap = bianzhi::sync::wire::Snapshot::from_bytes(&c.snapshot().await.unwrap()).unwrap();
        assert_eq!(
            checksum(&snap.data.decode().unwrap()),
            checksum(data),
            "{engine:?}"
        );
        let cache = w.cache("c");
        let mut s = bianzhi::store::Store::create(&cache).unwrap();
        s.replace_all(&snap.data.decode().unwrap()).unwrap();
        s.set_meta("cursor", &snap.cursor.to_string()).unwrap();
        s.set_meta("scope_root", &root.to_string()).unwrap();
        drop(s);
        let mut p = data.persons[0].clone();
        p.name = format!("{}新", p.name);
        write(
            &w,
            Dataset {
                persons: vec![p],
                ..Default::default()
            },
        )
        .await;
        let r = sync(&c, &cache).await.unwrap();
        assert!(
            r.refetched.is_none() && r.upserted == 1,
            "{engine:?}: {r:?}"
        );
        assert_eq!(
            checksum(&cache_data(&cache)),
            checksum(&scoped(&w, root).await.0)
        );
    }
}

/// Two writers on PostgreSQL: the first to draw its transaction id commits last. A
/// cursor of "newest version seen" would pass the first writer's rows while it was
/// still open and never send them; the feed holds the second back until the first
/// ends, and a client receives both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_transactions_committed_out_of_order_both_arrive() {
    let Some(base) = test_pg() else {
        return;
    };
    let _turn = TURN.lock().await;
    let data = small();
    let (root, ..) = places(data);
    let w = World::on(&Engine::Postgres(base), data).await;
    let c = w.client(&token(&w, "全域", root).await);
    let cache = w.cache("c");
    sync(&c, &cache).await.unwrap();
    let (mut first, mut second) = (data.persons[0].clone(), data.persons[1].clone());
    first.name = format!("{}甲", first.name);
    second.name = format!("{}乙", second.name);
    let url = w.target();
    let name_of = |id| {
        cache_data(&cache)
            .persons
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
            .name
    };
    // The PostgreSQL client blocks: the whole interleaving runs off the async workers,
    // the syncs on this runtime.
    tokio::task::block_in_place(|| {
        let rt = tokio::runtime::Handle::current();
        let mut c1 = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut c2 = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut t1 = c1.transaction().unwrap();
        let one = |p: &bianzhi::model::Person| Change {
            upsert: Dataset {
                persons: vec![p.clone()],
                ..Default::default()
            },
            ..Default::default()
        };
        server::pg::write_in(&mut t1, &one(&first)).unwrap();
        let mut t2 = c2.transaction().unwrap();
        server::pg::write_in(&mut t2, &one(&second)).unwrap();
        t2.commit().unwrap();

        // The later transaction is committed, the earlier still open: not served yet.
        rt.block_on(sync(&c, &cache)).unwrap();
        assert_ne!(
            name_of(second.id),
            second.name,
            "served past an open transaction"
        );
        t1.commit().unwrap();
    });
    sync(&c, &cache).await.unwrap();
    assert_eq!(name_of(first.id), first.name);
    assert_eq!(name_of(second.id), second.name);
    assert_eq!(
        checksum(&cache_data(&cache)),
        checksum(&scoped(&w, root).await.0)
    );
}

/// A jurisdiction's page is a range of the covering index, read index-only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jurisdictions_page_is_an_index_only_range() {
    let Some(base) = test_pg() else {
        return;
    };
    let _turn = TURN.lock().await;
    let (_, x, ..) = places(small());
    let w = World::on(&Engine::Postgres(base), small()).await;
    let url = w.target();
    let plan = tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("VACUUM ANALYZE feed").unwrap();
        let rows = c
            .query(
                "EXPLAIN SELECT tbl, id, pos, gone FROM feed WHERE anc = $1 AND pos > 0 \
                 AND pos < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 24) \
                 AND (NOT gone OR 0 > 0) ORDER BY pos LIMIT 501",
                &[&x],
            )
            .unwrap();
        rows.iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n")
    })
    .await
    .unwrap();
    assert!(plan.contains("Index Only Scan using feed_page"), "{plan}");
}

/// `serve` on a PostgreSQL it cannot use says why in one line and exits non-zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_says_in_one_line_what_is_wrong_with_the_database() {
    let Some(base) = test_pg() else {
        return;
    };
    // Its databases are made in transactions too: not beside another test's sync.
    let _turn = TURN.lock().await;
    let (newer, foreign) = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            let (newer, foreign) = (fresh_pg(&base), fresh_pg(&base));
            let mut c = postgres::Client::connect(&newer, postgres::NoTls).unwrap();
            c.batch_execute(
                "CREATE TABLE bianzhi_schema (version integer NOT NULL); INSERT INTO bianzhi_schema VALUES (99)",
            )
            .unwrap();
            let mut c = postgres::Client::connect(&foreign, postgres::NoTls).unwrap();
            c.batch_execute("CREATE TABLE operators (who text)").unwrap();
            (newer, foreign)
        }
    })
    .await
    .unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (head, _) = base.rsplit_once('/').unwrap();
    let host = head.rsplit_once('@').unwrap().1;
    let cases = [
        (
            format!("postgres://postgres@127.0.0.1:{free}/x"),
            "无法连接 PostgreSQL",
        ),
        (format!("postgres://nobody_bz@{host}/postgres"), "拒绝登录"),
        (format!("{head}/no_such_db_bz"), "没有数据库"),
        (newer, "比本程序支持的版本"),
        (foreign, "没有 bianzhi 的结构版本"),
    ];
    for (url, says) in cases {
        let out = std::process::Command::new(bin())
            .args(["serve", "--db", &url, "--listen", "127.0.0.1:0"])
            .env("BIANZHI_LOG_DIR", std::env::temp_dir())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url}: {err}");
        assert!(out.stdout.is_empty(), "{url}: listened");
        assert!(err.contains(says), "{url}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{url}: {err}");
    }
}

/// The same decisions on every engine: the same answers, applied once though the first
/// answer is lost on the way back, and the same data afterwards (the same events, with
/// the same ids).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_engine_answers_decisions_alike_and_once() {
    use bianzhi::model::{ApprovalStatus, Decision};
    use bianzhi::store::{Store, outbox};
    let _turn = TURN.lock().await;
    let data = small();
    let (root, ..) = places(data);
    let pending: Vec<_> = data
        .approvals
        .iter()
        // Reviewed changes (关键信息变更, 台账变更) among them: approving one applies
        // the edit it carries, judged again by the edit's rules.
        .filter(|a| a.status == ApprovalStatus::Pending)
        .map(|a| a.id)
        .collect();
    assert!(pending.len() > 3);
    let mut seen: Option<(Vec<String>, String)> = None;
    for engine in engines() {
        let w = World::on(&engine, data).await;
        let mut c = w.client(&token(&w, "审批员", root).await);
        c.retry.attempts = 1;
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        for (i, aid) in pending.iter().enumerate() {
            let d = if i % 3 == 2 {
                Decision::Return
            } else {
                Decision::Approve
            };
            outbox::queue(&Store::open(&cache).unwrap(), *aid, d, "意见").unwrap();
        }
        // The answer is lost: the server applied, the client does not know; sent again.
        w.relay
            .inject(Some(bianzhi::server::relay::Fault::CutAfter(40)), false);
        assert!(sync(&c, &cache).await.is_err(), "{engine:?}");
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!(r.pushed as usize, pending.len(), "{engine:?}");
        assert!(r.accepted > 0, "{engine:?}: {r:?}");
        let answers: Vec<String> = outbox::entries(Store::open(&cache).unwrap().conn())
            .unwrap()
            .iter()
            .map(|e| format!("{} {:?} {:?}", e.approval_id, e.state, e.reason))
            .collect();
        let mine = cache_data(&cache);
        assert_eq!(
            checksum(&mine),
            checksum(&scoped(&w, root).await.0),
            "{engine:?}"
        );
        // Decided dates are today's on both: the data compare whole.
        let now = (answers, checksum(&mine));
        match &seen {
            Some(first) => assert_eq!(first, &now, "{engine:?} answers or data differ"),
            None => seen = Some(now),
        }
    }
}

/// The database ends the server's sessions (a restart, a failover): the request that
/// meets a dead connection is answered 503 with nothing written, and the next one is
/// served on a fresh connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_lost_while_serving_answer_503_then_recover() {
    let Some(base) = test_pg() else {
        return;
    };
    let _turn = TURN.lock().await;
    let data = small();
    let (root, ..) = places(data);
    let w = World::on(&Engine::Postgres(base), data).await;
    let mut c = w.client(&token(&w, "全域", root).await);
    c.retry.attempts = 1;
    let cache = w.cache("c");
    sync(&c, &cache).await.unwrap();
    let before = fingerprint(&cache);
    let url = w.target();
    let ended: i64 = tokio::task::spawn_blocking(move || {
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .query_one(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
                &[],
            )
            .unwrap()
            .get(0)
    })
    .await
    .unwrap();
    assert!(ended > 0, "the server held no connection");
    match sync(&c, &cache).await {
        Err(bianzhi::sync::client::Error::Server { status, message }) => {
            assert_eq!(status, 503, "{message}");
            assert!(message.contains("稍后重试"), "{message}");
        }
        other => panic!("expected 503, got {other:?}"),
    }
    assert_eq!(
        fingerprint(&cache),
        before,
        "a failed sync changed the cache"
    );
    let r = sync(&c, &cache).await.unwrap();
    assert_eq!((r.upserted, r.deleted), (0, 0));
    assert_eq!(
        checksum(&cache_data(&cache)),
        checksum(&scoped(&w, root).await.0)
    );
}
