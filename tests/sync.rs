//! Sync against the real reference server on 127.0.0.1:0, through a byte-counting,
//! fault-injecting relay, into real SQLite caches. No mocks of our own protocol.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db::ServerDb;
use bianzhi::server::decide;
use bianzhi::server::relay::Fault;
use bianzhi::store::Store;
use bianzhi::store::outbox;
use bianzhi::sync::client::Error;
use bianzhi::sync::{proto, wire};
use rand::SeedableRng;
use std::collections::HashSet;

/// Two departments under the root — the first with a public institution that has staff —
/// and that institution: two disjoint jurisdictions and a unit to move between them.
fn two_departments(db: &ServerDb) -> (OrgId, OrgId, OrgId) {
    let root = root_of(db);
    let (x, unit): (OrgId, OrgId) = db
        .conn()
        .query_row(
            "SELECT d.id, o.id FROM orgs o JOIN orgs d ON d.id = o.parent_id \
             WHERE o.kind = 4 AND d.parent_id = ?1 AND EXISTS (SELECT 1 FROM persons p WHERE p.org_id = o.id) \
             ORDER BY o.id LIMIT 1",
            [root],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let y: OrgId = db
        .conn()
        .query_row(
            "SELECT d.id FROM orgs d WHERE d.kind = 2 AND d.parent_id = ?1 AND d.id <> ?2 \
             AND EXISTS (SELECT 1 FROM persons p WHERE p.org_id = d.id) ORDER BY d.id LIMIT 1",
            [root, x],
            |r| r.get(0),
        )
        .unwrap();
    (x, y, unit)
}

fn scope_ids(db: &ServerDb, root: OrgId) -> HashSet<OrgId> {
    bianzhi::server::db::scope_of(db.conn(), root).unwrap()
}

/// Every row of a cache lies in the jurisdiction.
fn assert_within(
    d: &Dataset,
    scope: &HashSet<OrgId>,
    persons_org: impl Fn(PersonId) -> Option<OrgId>,
) {
    assert!(d.orgs.iter().all(|o| scope.contains(&o.id)));
    assert!(d.ledger.iter().all(|e| scope.contains(&e.org_id)));
    assert!(d.posts.iter().all(|e| scope.contains(&e.org_id)));
    assert!(d.persons.iter().all(|p| scope.contains(&p.org_id)));
    assert!(d.approvals.iter().all(|a| scope.contains(&a.org_id)));
    for e in &d.events {
        match e.subject {
            Subject::Org(id) => assert!(scope.contains(&id), "event {} of unit {id}", e.id),
            Subject::Person(pid) => assert!(
                persons_org(pid).is_some_and(|o| scope.contains(&o)),
                "event {} of person {pid}",
                e.id
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sync_equals_the_servers_scoped_data() {
    each_engine(async || {
        let w = World::new(small()).await;
        let (root, dept) = {
            let db = w.db();
            (root_of(&db), two_departments(&db).0)
        };
        // The whole region.
        let cache = w.cache("all");
        let r = sync(&w.client(&w.operator("全域", root)), &cache)
            .await
            .unwrap();
        let (server, cursor) = w.scoped(root);
        let mine = cache_data(&cache);
        assert_eq!(mine.row_count(), server.row_count());
        assert_eq!(mine.persons.len(), small().persons.len());
        assert_eq!(checksum(&mine), checksum(&server));
        assert_eq!(checksum(&mine), checksum(small()));
        assert_eq!(r.upserted as usize, small().row_count());
        assert_eq!(meta(&cache, "cursor"), Some(cursor.to_string()));
        assert_eq!(meta(&cache, "scope_root"), Some(root.to_string()));
        assert!(meta(&cache, "last_sync").is_some());
        // The figures were derived once the last page was in.
        let store = Store::open(&cache).unwrap();
        let figures = bianzhi::store::queries::subtree_figures(store.conn(), root).unwrap();
        assert!(figures.total().approved > 0);

        // One department: only its subtree, and still equal to what the server holds for it.
        let cache = w.cache("dept");
        sync(&w.client(&w.operator("部门", dept)), &cache)
            .await
            .unwrap();
        let (server, _) = w.scoped(dept);
        let mine = cache_data(&cache);
        assert!(mine.row_count() > 0 && mine.row_count() < small().row_count());
        assert_eq!(checksum(&mine), checksum(&server));
        let scope = scope_ids(&w.db(), dept);
        let by_id: std::collections::HashMap<_, _> =
            mine.persons.iter().map(|p| (p.id, p.org_id)).collect();
        assert_within(&mine, &scope, |pid| by_id.get(&pid).copied());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_and_no_change_syncs_are_small() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let c = w.client(&w.operator("全域", root));
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();

        // A no-change sync: one round trip on one connection, under 1 KB each way on the wire.
        w.relay.reset();
        let r = sync(&c, &cache).await.unwrap();
        let (up, down) = w.relay.bytes();
        assert_eq!((r.round_trips, r.upserted, r.deleted), (1, 0, 0));
        assert!(
            up <= 1024 && down <= 1024,
            "no-change sync took {up} B up, {down} B down"
        );
        assert!(w.relay.connections() <= 1);

        // Changes on the server travel as deltas: only the rows that changed.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let s = w.db().simulate(
            &mut rng,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            30,
            0.0,
        );
        assert!(s.total() > 10);
        w.relay.reset();
        let r = sync(&c, &cache).await.unwrap();
        assert!(r.upserted > 0 && r.upserted < 120, "{r:?}");
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
        let (_, down) = w.relay.bytes();
        assert!(down < 16 * 1024, "{down} B for {} rows", r.upserted);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cut_mid_page_resumes_and_never_half_applies() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.paged_client(&token, 400);

        // How many bytes a whole first sync takes, to cut the next one half-way.
        let (_, full) = w.probe(&c).await;
        assert!(full.pages > 4);
        let (_, total) = w.relay.bytes();

        // The rows a cache must hold at a cursor: exactly the server's rows up to it.
        let consistent = |cache: &std::path::Path| {
            let mut s = Store::open(cache).unwrap();
            let tx = s.conn_mut().transaction().unwrap();
            let cursor: i64 = bianzhi::store::get_meta(&tx, "cursor")
                .unwrap()
                .map_or(0, |c| c.parse().unwrap());
            let rows: i64 = bianzhi::store::queries::counts(&tx)
                .unwrap()
                .iter()
                .map(|(_, n)| n)
                .sum();
            let expected = w.db().rows_up_to(cursor);
            assert_eq!(rows, expected, "cache at cursor {cursor} holds {rows} rows");
            cursor
        };

        // 1. The connection dropped in the middle of a page.
        let cache = w.cache("cut");
        w.relay.inject(Some(Fault::CutAfter(total / 2)), false);
        let err = sync(&c, &cache).await.unwrap_err();
        assert!(matches!(err, Error::Unreachable { .. }), "{err}");
        assert!(err.to_string().contains("本地缓存未受影响"));
        let at = consistent(&cache);
        assert!(
            at > 0 && (at as u64) < full.cursor,
            "resumes from a page boundary, got cursor {at}"
        );
        let rest = sync(&c, &cache).await.unwrap();
        assert!(
            rest.upserted < full.upserted,
            "resumed rather than restarted: {rest:?}"
        );
        assert_eq!(checksum(&cache_data(&cache)), checksum(small()));

        // 2. The client task aborted after its first page.
        let cache = w.cache("abort");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let c2 = std::sync::Arc::new(c);
        let (c3, path) = (c2.clone(), cache.clone());
        let task = tokio::spawn(async move {
            let on_progress = move |p: &bianzhi::sync::Progress| {
                if p.pages >= 1 {
                    let _ = tx.send(());
                }
            };
            c3.sync(&path, &on_progress).await
        });
        rx.recv().await.unwrap();
        task.abort();
        let _ = task.await;
        consistent(&cache);
        sync(&c2, &cache).await.unwrap();
        consistent(&cache);
        assert_eq!(checksum(&cache_data(&cache)), checksum(small()));
    })
    .await;
}

fn moved_under(db: &mut TestDb, unit: OrgId, new_parent: OrgId) {
    let mut org = bianzhi::store::queries::org(db.conn(), unit)
        .unwrap()
        .unwrap();
    org.parent_id = Some(new_parent);
    upsert(
        db,
        Dataset {
            orgs: vec![org],
            ..Default::default()
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_or_person_moved_between_jurisdictions_converges_on_both() {
    each_engine(async || {
        let w = World::new(small()).await;
        let (x, y, unit) = two_departments(&w.db());
        let (cx, cy) = (
            w.client(&w.operator("甲", x)),
            w.client(&w.operator("乙", y)),
        );
        let (kx, ky) = (w.cache("x"), w.cache("y"));
        sync(&cx, &kx).await.unwrap();
        sync(&cy, &ky).await.unwrap();
        let staff: Vec<PersonId> = cache_data(&kx)
            .persons
            .iter()
            .filter(|p| p.org_id == unit)
            .map(|p| p.id)
            .collect();
        assert!(!staff.is_empty());
        assert!(!cache_data(&ky).persons.iter().any(|p| p.org_id == unit));

        // The unit moves from x to y.
        moved_under(&mut w.db(), unit, y);
        let rx = sync(&cx, &kx).await.unwrap();
        let ry = sync(&cy, &ky).await.unwrap();
        assert!(
            rx.deleted as usize > staff.len(),
            "x gets tombstones: {rx:?}"
        );
        assert!(
            ry.upserted as usize > staff.len(),
            "y receives the unit: {ry:?}"
        );
        let (dx, dy) = (cache_data(&kx), cache_data(&ky));
        assert!(
            !dx.orgs.iter().any(|o| o.id == unit)
                && !dx.persons.iter().any(|p| staff.contains(&p.id))
        );
        assert!(
            dy.orgs
                .iter()
                .any(|o| o.id == unit && o.parent_id == Some(y))
        );
        assert!(
            staff
                .iter()
                .all(|id| dy.persons.iter().any(|p| p.id == *id))
        );
        assert_eq!(checksum(&dx), checksum(&w.scoped(x).0));
        assert_eq!(checksum(&dy), checksum(&w.scoped(y).0));

        // A person transfers back from y to x, taking their history along.
        let mut p = bianzhi::store::queries::person(w.db().conn(), staff[0])
            .unwrap()
            .unwrap();
        p.org_id = x;
        upsert(
            &mut w.db(),
            Dataset {
                persons: vec![p.clone()],
                ..Default::default()
            },
        );
        sync(&cx, &kx).await.unwrap();
        sync(&cy, &ky).await.unwrap();
        let (dx, dy) = (cache_data(&kx), cache_data(&ky));
        assert!(dx.persons.iter().any(|q| q.id == p.id && q.org_id == x));
        assert!(!dy.persons.iter().any(|q| q.id == p.id));
        assert!(!dy.events.iter().any(|e| e.subject == Subject::Person(p.id)));
        assert_eq!(checksum(&dx), checksum(&w.scoped(x).0));
        assert_eq!(checksum(&dy), checksum(&w.scoped(y).0));
    })
    .await;
}

/// A new 增人入编 request for a pending person into a unit with a usable place.
fn entry_request(db: &mut TestDb) -> (ApprovalId, PersonId, OrgId) {
    let units: Vec<OrgId> = {
        let mut st = db
            .conn()
            .prepare("SELECT DISTINCT org_id FROM ledger ORDER BY org_id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (org, t) = units
        .iter()
        .find_map(|&o| {
            let f = decide::unit_figures_now(db.conn(), o).unwrap();
            f.quota
                .iter()
                .find(|(_, q)| q.usable >= 2)
                .map(|(t, _)| (o, *t))
        })
        .expect("a unit with places to use");
    let tpl = bianzhi::store::queries::persons_of(db.conn(), org, true)
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let pid = decide::next_id(db.conn(), "persons").unwrap();
    let aid = decide::next_id(db.conn(), "approvals").unwrap();
    let birth = chrono::NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
    let person = Person {
        id: pid,
        org_id: org,
        name: "新入编".into(),
        id_number: idcard::make_id("990199", birth, 777),
        birth_date: Some(birth),
        staffing_type: None,
        status: PersonStatus::Pending,
        leader_post: None,
        ..tpl
    };
    let request = Approval {
        id: aid,
        kind: ApprovalKind::Entry,
        org_id: org,
        person_id: Some(pid),
        staffing_type: Some(t),
        amount: 1,
        post: None,
        new_name: None,
        new_level: None,
        new_parent_id: None,
        exit_kind: None,
        doc_no: Some("示编〔2026〕99号".into()),
        summary: "公开招聘人员入编".into(),
        submitted_by: "单位".into(),
        submitted_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        status: ApprovalStatus::Pending,
        decided_by: None,
        decided_on: None,
        comment: None,
        plan_used: 0,
        change: None,
    };
    upsert(
        db,
        Dataset {
            persons: vec![person],
            approvals: vec![request],
            ..Default::default()
        },
    );
    (aid, pid, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_made_offline_and_pushed_twice_applies_once() {
    each_engine(async || {
        let w = World::new(small()).await;
        let (aid, pid, org) = entry_request(&mut w.db());
        let root = root_of(&w.db());
        let mut c = w.client(&w.operator("审批员", root));
        c.retry.attempts = 1;
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        let before = decide::unit_figures_now(w.db().conn(), org).unwrap();

        // Decided offline: it waits in the outbox.
        let id = outbox::queue(
            &Store::open(&cache).unwrap(),
            aid,
            Decision::Approve,
            "同意入编",
        )
        .unwrap();
        // The answer is lost on the way back: the server applied it, the client does not know.
        w.relay.inject(Some(Fault::CutAfter(40)), false);
        assert!(sync(&c, &cache).await.is_err());
        assert_eq!(
            outbox::unsent(Store::open(&cache).unwrap().conn())
                .unwrap()
                .len(),
            1
        );
        // Sent again on the next sync: answered the same, applied once.
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!((r.pushed, r.accepted, r.rejected), (1, 1, 0));
        let entries = outbox::entries(Store::open(&cache).unwrap().conn()).unwrap();
        assert_eq!(
            (entries[0].client_id.as_str(), entries[0].state),
            (id.as_str(), outbox::State::Accepted)
        );

        let db = w.db();
        let after = decide::unit_figures_now(db.conn(), org).unwrap();
        assert_eq!(
            after.total().actual,
            before.total().actual + 1,
            "one entry, not two"
        );
        let entry_events: i64 = db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM events WHERE subject_kind = 2 AND subject_id = ? AND kind = ?",
            [pid, EventKind::Entry.code() as i64],
            |r| r.get(0),
        )
        .unwrap();
        assert_eq!(entry_events, 1);
        // The decision's effects reached the cache.
        let mine = cache_data(&cache);
        let a = mine.approvals.iter().find(|a| a.id == aid).unwrap();
        assert_eq!(
            (a.status, a.decided_by.as_deref()),
            (ApprovalStatus::Approved, Some("审批员"))
        );
        assert_eq!(
            mine.persons.iter().find(|p| p.id == pid).unwrap().status,
            PersonStatus::Active
        );
        assert_eq!(checksum(&mine), checksum(&w.scoped(root).0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_decided_by_two_operators_is_accepted_once() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let aid = first_pending(&w.db());
        let (a, b) = (
            w.client(&w.operator("张主任", root)),
            w.client(&w.operator("李科长", root)),
        );
        let (ka, kb) = (w.cache("a"), w.cache("b"));
        sync(&a, &ka).await.unwrap();
        sync(&b, &kb).await.unwrap();
        outbox::queue(
            &Store::open(&ka).unwrap(),
            aid,
            Decision::Return,
            "材料不全，请补正",
        )
        .unwrap();
        outbox::queue(&Store::open(&kb).unwrap(), aid, Decision::Reject, "不同意").unwrap();
        let ra = sync(&a, &ka).await.unwrap();
        let rb = sync(&b, &kb).await.unwrap();
        assert_eq!((ra.accepted, ra.rejected), (1, 0));
        assert_eq!((rb.accepted, rb.rejected), (0, 1));
        let e = outbox::entries(Store::open(&kb).unwrap().conn())
            .unwrap()
            .remove(0);
        let reason = e.reason.unwrap();
        assert!(
            reason.contains("张主任") && reason.contains("退回"),
            "{reason}"
        );
        // Both caches now show the request as decided by the first.
        for k in [&ka, &kb] {
            let x = cache_data(k)
                .approvals
                .into_iter()
                .find(|x| x.id == aid)
                .unwrap();
            assert_eq!(
                (x.status, x.decided_by.as_deref()),
                (ApprovalStatus::Returned, Some("张主任"))
            );
        }
    })
    .await;
}

/// Two operators push decisions on the same requests at once, in opposite orders: the
/// pushes take turns action by action (on PostgreSQL the write lock is per transaction,
/// so another request's action may come between two of one request's), and each
/// request is accepted exactly once, by whichever came first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_on_the_same_requests_accept_each_once() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let ids: Vec<ApprovalId> = {
            let db = w.db();
            bianzhi::store::queries::open_approvals(db.conn())
                .unwrap()
                .into_iter()
                .map(|a| a.id)
                .take(12)
                .collect()
        };
        assert_eq!(ids.len(), 12);
        let (a, b) = (
            w.client(&w.operator("张主任", root)),
            w.client(&w.operator("李科长", root)),
        );
        let (ka, kb) = (w.cache("a"), w.cache("b"));
        sync(&a, &ka).await.unwrap();
        sync(&b, &kb).await.unwrap();
        for (cache, order) in [
            (&ka, ids.clone()),
            (&kb, ids.iter().rev().copied().collect()),
        ] {
            let store = Store::open(cache).unwrap();
            for id in order {
                outbox::queue(&store, id, Decision::Return, "材料不全，请补正").unwrap();
            }
        }
        let (ra, rb) = tokio::join!(sync(&a, &ka), sync(&b, &kb));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!((ra.pushed, rb.pushed), (12, 12));
        assert_eq!(ra.accepted + rb.accepted, 12, "{ra:?} {rb:?}");
        assert_eq!(ra.rejected + rb.rejected, 12, "{ra:?} {rb:?}");
        let (answered, accepted) = decisions_exactly_once(&w.db(), &[ka.clone(), kb.clone()]);
        assert_eq!((answered, accepted), (24, 12));
        eprintln!(
            "concurrent pushes: {} accepted for 张主任, {} for 李科长",
            ra.accepted, rb.accepted
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_that_would_overdraw_is_refused_with_the_reason() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let (aid, _, org) = entry_request(&mut w.db());
        // Ask for far more places than the unit has.
        let mut db = w.db();
        let mut a = bianzhi::store::queries::approval(db.conn(), aid)
            .unwrap()
            .unwrap();
        a.kind = ApprovalKind::StaffingPlan;
        a.person_id = None;
        a.amount = 500;
        upsert(
            &mut db,
            Dataset {
                approvals: vec![a],
                ..Default::default()
            },
        );
        let c = w.client(&w.operator("审批员", root));
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        outbox::queue(
            &Store::open(&cache).unwrap(),
            aid,
            Decision::Approve,
            "同意",
        )
        .unwrap();
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!(r.rejected, 1);
        let e = outbox::entries(Store::open(&cache).unwrap().conn())
            .unwrap()
            .remove(0);
        assert!(
            e.reason.as_deref().unwrap().contains("超出可使用编制"),
            "{e:?}"
        );
        assert_eq!(
            bianzhi::store::queries::approval(w.db().conn(), aid)
                .unwrap()
                .unwrap()
                .status,
            ApprovalStatus::Pending
        );
        let _ = org;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_jurisdiction_nothing_is_sent_nor_revealed() {
    each_engine(async || {
    let w = World::new(small()).await;
    let (x, y, _) = two_departments(&w.db());
    let outside: ApprovalId = w
        .db()
        .conn()
        .query_row(
            "SELECT a.id FROM approvals a JOIN org_tree t ON t.org_id = a.org_id WHERE a.status = 1 AND instr(t.path, ?) = 0 LIMIT 1",
            [format!("/{y}/")],
            |r| r.get(0),
        )
        .unwrap();
    let token = w.operator("乙", y);
    let c = w.client(&token);
    let cache = w.cache("y");
    sync(&c, &cache).await.unwrap();
    let mine = cache_data(&cache);
    let scope = scope_ids(&w.db(), y);
    let by_id: std::collections::HashMap<_, _> =
        mine.persons.iter().map(|p| (p.id, p.org_id)).collect();
    assert_within(&mine, &scope, |pid| by_id.get(&pid).copied());
    assert!(!mine.orgs.iter().any(|o| o.id == x));

    // Deciding a request elsewhere, or one that does not exist: the same refusal.
    let s = Store::open(&cache).unwrap();
    outbox::queue(&s, outside, Decision::Approve, "越权").unwrap();
    outbox::queue(&s, 9_999_999, Decision::Approve, "不存在").unwrap();
    drop(s);
    let r = sync(&c, &cache).await.unwrap();
    assert_eq!(r.rejected, 2);
    let reasons: Vec<_> = outbox::entries(Store::open(&cache).unwrap().conn())
        .unwrap()
        .into_iter()
        .map(|e| e.reason.unwrap())
        .collect();
    assert_eq!(reasons[0], reasons[1]);
    assert_eq!(reasons[0], decide::NOT_IN_SCOPE);
    assert_eq!(
        bianzhi::store::queries::approval(w.db().conn(), outside)
            .unwrap()
            .unwrap()
            .status,
        ApprovalStatus::Pending
    );

    // Claiming another jurisdiction in the request changes nothing: the token decides.
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": 0, "scope_root": x });
    let resp = http
        .post(format!("{}/v1/sync", w.server.url()))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let page = proto::SyncPage::from_json(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(page.scope_root, y);
    let rows = page.data.decode().unwrap();
    assert!(rows.orgs.iter().all(|o| scope.contains(&o.id)) && !rows.orgs.is_empty());

    // The snapshot of the jurisdiction holds it alone.
    let snap = wire::Snapshot::from_bytes(&c.snapshot().await.unwrap()).unwrap();
    assert_eq!(snap.scope_root, Some(y));
    assert_eq!(
        checksum(&snap.data.decode().unwrap()),
        checksum(&w.scoped(y).0)
    );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_response_leaves_the_cache_exactly_as_it_was() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let c = w.client(&w.operator("全域", root));
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        outbox::queue(&Store::open(&cache).unwrap(), 1, Decision::Return, "退回").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        w.db().simulate(
            &mut rng,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            40,
            0.0,
        );
        let before = fingerprint(&cache);

        // Garbled in flight (after the headers).
        w.relay.inject(Some(Fault::GarbleAfter(400)), true);
        let err = sync(&c, &cache).await.unwrap_err();
        assert!(matches!(err, Error::BadResponse(_)), "{err}");
        assert!(err.to_string().contains("本地缓存未作任何改动"));
        assert_eq!(fingerprint(&cache), before);

        // Truncated: the connection drops before the page is complete, on every retry.
        w.relay.inject(Some(Fault::CutAfter(300)), true);
        let err = sync(&c, &cache).await.unwrap_err();
        assert!(matches!(err, Error::Unreachable { .. }), "{err}");
        assert_eq!(fingerprint(&cache), before);
        w.relay.inject(None, false);

        // Another protocol version: a server from the future.
        let page = serde_json::json!({ "protocol": bianzhi::sync::wire::PROTOCOL_VERSION + 1, "epoch": "x", "scope_root": root, "cursor": 999999, "server_time": "", "more": false });
        let body = wire::compress(&serde_json::to_vec(&page).unwrap(), 3);
        let app = axum::Router::new().route(
            "/v1/sync",
            axum::routing::post(move || {
                let body = body.clone();
                async move { ([("content-encoding", "zstd")], body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let future = tokio::spawn(async move { axum::serve(listener, app).await });
        let other = bianzhi::sync::Client::new(&format!("http://{addr}"), "bz_x").unwrap();
        let err = sync(&other, &cache).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::BadResponse(wire::WireError::Version { found, .. })
                    if found == wire::PROTOCOL_VERSION + 1
            ),
            "{err}"
        );
        assert!(err.to_string().contains("协议版本"));
        assert_eq!(fingerprint(&cache), before);
        future.abort();

        // And the next good sync goes through.
        sync(&c, &cache).await.unwrap();
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuilt_server_has_the_cache_start_over_keeping_its_outbox() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let c = w.client(&w.operator("全域", root));
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        let aid = first_pending(&w.db());
        outbox::queue(
            &Store::open(&cache).unwrap(),
            aid,
            Decision::Return,
            "请补充材料",
        )
        .unwrap();
        // The server's data is rebuilt: cursors from before mean nothing now.
        let mut data = small().clone();
        data.persons.truncate(data.persons.len() - 10);
        let keep: HashSet<PersonId> = data.persons.iter().map(|p| p.id).collect();
        data.events
            .retain(|e| !matches!(e.subject, Subject::Person(p) if !keep.contains(&p)));
        data.approvals
            .retain(|a| a.person_id.is_none_or(|p| keep.contains(&p)));
        w.db().seed(&data).unwrap();
        let r = sync(&c, &cache).await.unwrap();
        assert!(r.refetched.is_some(), "{r:?}");
        assert_eq!(r.accepted, 1);
        let entries = outbox::entries(Store::open(&cache).unwrap().conn()).unwrap();
        assert_eq!(
            (entries.len(), entries[0].state),
            (1, outbox::State::Accepted)
        );
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_file_continues_with_deltas() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let c = w.client(&w.operator("全域", root));
        let snap = wire::Snapshot::from_bytes(&c.snapshot().await.unwrap()).unwrap();
        // What `bianzhi import` does.
        let cache = w.cache("c");
        let mut s = Store::create(&cache).unwrap();
        s.replace_all(&snap.data.decode().unwrap()).unwrap();
        s.set_meta("cursor", &snap.cursor.to_string()).unwrap();
        s.set_meta("scope_root", &snap.scope_root.unwrap().to_string())
            .unwrap();
        drop(s);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        w.db().simulate(
            &mut rng,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            10,
            0.0,
        );
        let r = sync(&c, &cache).await.unwrap();
        assert!(
            r.refetched.is_none() && r.upserted > 0 && r.upserted < 60,
            "{r:?}"
        );
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_4xx_with_a_reason_and_the_server_stays_up() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let url = format!("{}/v1/sync", w.server.url());
        let http = reqwest::Client::new();
        let post = |body: Vec<u8>, token: Option<&str>| {
            let mut rb = http.post(&url).body(body);
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            }
            rb.send()
        };
        let ok = br#"{"protocol":5,"cursor":0,"limit":1}"#.to_vec();
        let cases: Vec<(Vec<u8>, Option<&str>, u16, &str)> = vec![
            (ok.clone(), None, 401, "unauthorized"),
            (ok.clone(), Some("bz_wrong"), 401, "unauthorized"),
            (b"{not json".to_vec(), Some(&token), 400, "bad_request"),
            (br#"{"protocol":7,"cursor":0}"#.to_vec(), Some(&token), 400, "protocol"),
            (br#"{"protocol":5,"cursor":-5}"#.to_vec(), Some(&token), 400, "bad_request"),
            (
                r#"{"protocol":5,"cursor":0,"push":[{"client_id":"../x y","approval_id":1,"decision":"同意","comment":""}]}"#.as_bytes().to_vec(),
                Some(&token),
                400,
                "bad_request",
            ),
            (
                br#"{"protocol":5,"cursor":0,"push":[{"client_id":"a","approval_id":1,"decision":"maybe","comment":""}]}"#.to_vec(),
                Some(&token),
                400,
                "bad_request",
            ),
        ];
        for (body, tok, status, code) in cases {
            let resp = post(body.clone(), tok).await.unwrap();
            assert_eq!(
                resp.status().as_u16(),
                status,
                "{}",
                String::from_utf8_lossy(&body)
            );
            let e: proto::ErrorBody = resp.json().await.unwrap();
            assert_eq!(e.code, code);
            assert!(!e.error.is_empty() && !e.error.contains(&token));
        }
        // Oversized bodies are refused before they are read.
        let resp = post(vec![b' '; proto::MAX_REQUEST_BYTES + 10], Some(&token))
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 413);
        // Nothing was written, and the server still answers.
        assert_eq!(
            w.db()
                .conn()
                .query_row("SELECT COUNT(*) FROM applied_actions", [], |r| r
                    .get::<_, i64>(0))
                .unwrap(),
            0
        );
        let resp = post(ok, Some(&token)).await.unwrap();
        assert_eq!(resp.status(), 200);
        // The token is kept only as a hash.
        let stored: Vec<u8> = w
            .db()
            .conn()
            .query_row("SELECT token_hash FROM operators LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored.len(), 32);
        assert!(!server_holds_text(&w, &token));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_or_no_server_gives_a_clear_error() {
    each_engine(async || {
        let w = World::new(small()).await;
        let cache = w.cache("c");
        let err = sync(&w.client("bz_nonsense"), &cache).await.unwrap_err();
        assert!(matches!(err, Error::Unauthorized(_)));
        assert!(
            err.to_string().contains("BIANZHI_TOKEN") && !err.to_string().contains("bz_nonsense")
        );
        // A port nobody listens on.
        let free = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut c = bianzhi::sync::Client::new(&format!("http://{free}"), "bz_x").unwrap();
        c.retry.first_delay = std::time::Duration::from_millis(5);
        let err = sync(&c, &cache).await.unwrap_err();
        assert!(matches!(err, Error::Unreachable { .. }), "{err}");
        assert!(err.to_string().contains("仍可照常"));
    })
    .await;
}

/// Whether `text` appears anywhere in what the server stored: the bytes of its SQLite
/// file, or every row of every table of its PostgreSQL database.
fn server_holds_text(w: &World, text: &str) -> bool {
    if !w.is_pg() {
        let file = std::fs::read(&w.db_path).unwrap();
        return file.windows(text.len()).any(|win| win == text.as_bytes());
    }
    let url = w.target();
    let text = text.to_string();
    blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let tables: Vec<String> = c
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(tables.iter().any(|t| t == "operators"));
        tables.iter().any(|t| {
            c.query_one(
                &format!("SELECT count(*) FROM {t} x WHERE strpos(x::text, $1) > 0"),
                &[&text],
            )
            .unwrap()
            .get::<_, i64>(0)
                > 0
        })
    })
}

/// One page request, straight to the server: the raw body and the page it decodes to.
async fn raw_page(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    encoding: &str,
    limit: u32,
) -> (Vec<u8>, proto::SyncPage) {
    let body = serde_json::json!({ "protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": 0, "limit": limit });
    let resp = http
        .post(format!("{url}/v1/sync"))
        .bearer_auth(token)
        .header("accept-encoding", encoding)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let enc = resp
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let raw = resp.bytes().await.unwrap().to_vec();
    let json = proto::decode_body(enc.as_deref(), &raw, 1 << 30).unwrap();
    let page = proto::SyncPage::from_json(&json).unwrap();
    assert!(!page.server_time.is_empty());
    (json, page)
}

/// The JSON of a page with its per-request clock blanked.
fn timeless(json: &[u8], page: &proto::SyncPage) -> Vec<u8> {
    let text = String::from_utf8(json.to_vec()).unwrap();
    text.replacen(&page.server_time, "", 1).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_scope_same_page_built_once_until_a_write() {
    each_engine(async || {
        let w = World::new(small()).await;
        let db = w.db();
        let root = root_of(&db);
        let (a, b) = (w.operator("甲", root), w.operator("乙", root));
        let url = w.server.url();
        let http = reqwest::Client::new();
        let built = w.server.pages_built();

        // Two operators of one jurisdiction ask for the same first page at once, in every
        // encoding: one build, the same page for all (only `server_time` differs).
        let mut asks = Vec::new();
        for i in 0..12 {
            let (http, url) = (http.clone(), url.clone());
            let token = if i % 2 == 0 { a.clone() } else { b.clone() };
            let enc = ["zstd, gzip;q=0.5", "gzip", "identity"][i % 3];
            asks.push(tokio::spawn(async move {
                raw_page(&http, &url, &token, enc, 2000).await
            }));
        }
        let mut pages = Vec::new();
        for t in asks {
            pages.push(t.await.unwrap());
        }
        assert_eq!(w.server.pages_built() - built, 1);
        let first = timeless(&pages[0].0, &pages[0].1);
        for (json, page) in &pages {
            assert_eq!(timeless(json, page), first);
        }
        let before = pages[0].1.clone();
        assert!(before.more && before.data.row_count() > 0);
        // It is the page an uncached server builds: the feed itself.
        let feed = w.feed(root, 0, 2000);
        assert_eq!(before.cursor, feed.cursor);
        assert_eq!(
            checksum(&before.data.decode().unwrap()),
            checksum(&feed.data)
        );

        // A write in between: the same request gets a new page with the changed row.
        let first_person = before.data.decode().unwrap().persons[0].clone();
        let mut p = bianzhi::store::queries::person(db.conn(), first_person.id)
            .unwrap()
            .unwrap();
        p.name = format!("{}改", p.name);
        upsert(
            &mut w.db(),
            Dataset {
                persons: vec![p.clone()],
                ..Default::default()
            },
        );
        let (json, after) = raw_page(&http, &url, &b, "zstd", 2000).await;
        assert_eq!(w.server.pages_built() - built, 2);
        assert_ne!(timeless(&json, &after), first);
        // The row moved to the newest version, so the first page no longer holds it and a
        // later one does; the rows now carry the new name wherever they appear.
        let feed = w.feed(root, 0, 2000);
        assert_eq!(after.cursor, feed.cursor);
        assert_eq!(
            checksum(&after.data.decode().unwrap()),
            checksum(&feed.data)
        );
        let (_, whole) = raw_page(&http, &url, &a, "zstd", 100_000).await;
        let all = whole.data.decode().unwrap();
        assert_eq!(
            all.persons.iter().find(|q| q.id == p.id).unwrap().name,
            p.name
        );
        assert_eq!(w.server.pages_built() - built, 3);

        // Asked again with nothing written: served from memory.
        raw_page(&http, &url, &a, "gzip", 100_000).await;
        assert_eq!(w.server.pages_built() - built, 3);
    })
    .await;
}

/// `serve --simulate` on either engine: the living server's changes reach a client as
/// deltas, and the cache then equals what the server holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_living_server_changes_and_the_client_follows() {
    each_engine(async || {
        let options = bianzhi::server::Options {
            simulate: Some(std::time::Duration::from_millis(50)),
            ..Default::default()
        };
        let w = World::with_options(small(), options).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let cache = w.cache("c");
        sync(&w.client(&token), &cache).await.unwrap();
        let cursor: u64 = meta(&cache, "cursor").unwrap().parse().unwrap();
        // Waits (at most a minute, never expected) until the simulation has written.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while w.head().1 <= cursor {
            assert!(
                std::time::Instant::now() < deadline,
                "the simulation wrote nothing"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let r = sync(&w.client(&token), &cache).await.unwrap();
        assert!(r.refetched.is_none() && r.upserted > 0, "{r:?}");
        // The simulation keeps writing: stopped, the same database served without it,
        // one more sync leaves the cache equal to a fresh one.
        let target = w.target();
        let World { server, dir, .. } = w;
        server.stop().await;
        let still = bianzhi::server::spawn_on(&target, "127.0.0.1:0", Default::default())
            .await
            .unwrap();
        let c = bianzhi::sync::Client::new(&still.url(), &token).unwrap();
        let fresh = dir.path().join("fresh.db");
        // A step of the simulation already running when it was stopped may still
        // commit: both caches sync until they stand at the same cursor.
        for _ in 0..5 {
            let r = sync(&c, &cache).await.unwrap();
            assert!(r.refetched.is_none(), "{r:?}");
            sync(&c, &fresh).await.unwrap();
            if meta(&cache, "cursor") == meta(&fresh, "cursor") {
                break;
            }
        }
        assert_eq!(meta(&cache, "cursor"), meta(&fresh, "cursor"));
        assert_eq!(checksum(&cache_data(&cache)), checksum(&cache_data(&fresh)));
    })
    .await;
}
