//! Faults an intranet and an old terminal inflict, each against the real server and the
//! real client (in process, or the real binary as a child that can be SIGKILLed): the
//! connection dropped at every page boundary and mid-page, the server killed and
//! restarted, the client killed inside a transaction, a full or read-only cache, clocks
//! hours apart. After each, the next sync leaves the cache equal to the server's scoped
//! data (checksum), and every decision is answered once and applied at most once.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server;
use bianzhi::server::db::ServerDb;
use bianzhi::server::relay::Fault;
use bianzhi::store::Store;
use bianzhi::store::outbox;
use bianzhi::sync::client::Error;
use bianzhi::sync::proto;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The cache holds exactly the server's rows up to its cursor (never half a page);
/// returns the cursor.
fn consistent(w: &World, cache: &Path) -> u64 {
    let s = Store::open(cache).unwrap();
    let ok: String = s
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let cursor: u64 = s.meta("cursor").unwrap().map_or(0, |c| c.parse().unwrap());
    let rows: i64 = bianzhi::store::queries::counts(s.conn())
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    if cursor == 0 {
        // Nothing committed yet: a first sync that never completed a page.
        assert_eq!(rows, 0, "rows without a cursor");
        return 0;
    }
    let db = TestDb::light(&w.target());
    let at_cursor = db.rows_up_to(cursor as i64);
    // Rows the server changed after the cursor (a decision pushed by a sync killed
    // before its pages landed) are in the cache at their older version.
    let later = db.changed_after(cursor as i64);
    let held_older = later
        .iter()
        .filter(|(tbl, id)| {
            let table = bianzhi::store::rows::TABLES[*tbl as usize].0;
            s.conn()
                .query_row(&format!("SELECT 1 FROM {table} WHERE id = ?"), [id], |_| {
                    Ok(())
                })
                .is_ok()
        })
        .count() as i64;
    let expected = at_cursor + held_older;
    assert_eq!(rows, expected, "cache at cursor {cursor} holds {rows} rows");
    cursor
}

fn queue_return(cache: &Path, aid: ApprovalId) -> String {
    outbox::queue(
        &Store::create(cache).unwrap(),
        aid,
        Decision::Return,
        "材料不全，请补正",
    )
    .unwrap()
}

/// Requests still pending on the server, in id order.
fn pending_on(db: &ServerDb) -> Vec<ApprovalId> {
    bianzhi::store::queries::open_approvals(db.conn())
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_at_every_page_boundary_or_mid_page_loses_nothing() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.paged_client(&token, 300);

        // The responses of a whole first sync, as they go over the wire.
        let (probe, full) = w.probe(&c).await;
        let sizes = w.relay.response_sizes();
        assert_eq!(sizes.len() as u64, full.round_trips, "{sizes:?}");
        assert!(full.pages >= 4, "{full:?}");
        let mut pending = pending_on(&w.db()).into_iter();

        let mut caches = vec![probe];
        let mut cuts = 0;
        for (n, size) in sizes.iter().enumerate() {
            // At the boundary before response n (the previous page complete, this one lost),
            // and half-way through it.
            for after in [0, size / 2] {
                let cache = w.cache(&format!("cut-{n}-{after}"));
                // A decision made offline rides on the first request, whose answer may be cut.
                queue_return(&cache, pending.next().expect("a pending request"));
                w.relay
                    .inject(Some(Fault::CutAtResponse { n: n as u64, after }), false);
                let err = sync(&c, &cache).await.unwrap_err();
                assert!(matches!(err, Error::Unreachable { .. }), "{err}");
                cuts += 1;
                let at = consistent(&w, &cache);
                assert!(at < full.cursor || n + 1 == sizes.len());
                // What the resumed sync need not send again (a cursor is a position, not
                // a count of rows, on PostgreSQL).
                let held = cache_data(&cache).row_count() as u64;
                w.relay.inject(None, false);
                let r = sync(&c, &cache).await.unwrap();
                assert!(r.upserted + held <= full.upserted + 64, "resumed: {r:?}");
                assert_eq!(
                    checksum(&cache_data(&cache)),
                    checksum(&w.scoped(root).0),
                    "after a cut at response {n} + {after} B"
                );
                caches.push(cache);
            }
        }
        assert_eq!(cuts, 2 * sizes.len());
        // The probe catches up too, then every cache agrees with the server.
        sync(&c, &caches[0]).await.unwrap();
        let (answered, accepted) = decisions_exactly_once(&w.db(), &caches);
        assert_eq!((answered, accepted), (cuts, cuts));
        println!(
            "faults: {} responses, {cuts} cuts, sizes {sizes:?}",
            sizes.len()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_and_restarted_mid_sync_resumes() {
    each_engine(async || {
        // The database of a world; `bianzhi serve` in a child process serves it.
        let w = World::new(small()).await;
        let (dir, db_path) = (&w.dir, w.db_path.clone());
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let mut pending = pending_on(&w.db()).into_iter();

        let mut srv = ServeProcess::start(&db_path, "127.0.0.1:0", &[], &[]);
        let addr = srv.addr().to_string();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut caches = Vec::new();
        for round in 0..4 {
            let cache = dir.path().join(format!("c{round}.db"));
            queue_return(&cache, pending.next().unwrap());
            let mut c = bianzhi::sync::Client::new(&srv.url, &token).unwrap();
            c.page_rows = Some(500);
            // Patient enough to outlast the restart: the same sync call completes.
            c.retry = bianzhi::sync::Retry {
                attempts: 8,
                first_delay: Duration::from_millis(100),
                max_delay: Duration::from_millis(400),
            };
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            // Killed after a random number of pages (0: while the push is being answered).
            let kill_after = rng.random_range(0..4u64);
            let path = cache.clone();
            let task = tokio::spawn(async move {
                let on_progress = move |p: &bianzhi::sync::Progress| {
                    if p.pages >= kill_after {
                        let _ = tx.send(());
                    }
                };
                c.sync(&path, &on_progress).await
            });
            if kill_after > 0 {
                rx.recv().await.unwrap();
            } else {
                tokio::time::sleep(Duration::from_millis(rng.random_range(0..30))).await;
            }
            srv.kill();
            tokio::time::sleep(Duration::from_millis(150)).await;
            srv = ServeProcess::start(&db_path, &addr, &[], &[]);
            let r = task.await.unwrap().unwrap();
            assert_eq!(r.pushed, 1);
            let (server, _) = w.scoped(root);
            assert_eq!(
                checksum(&cache_data(&cache)),
                checksum(&server),
                "round {round}"
            );
            caches.push(cache);
        }
        // The older caches catch up; then no decision is lost or doubled.
        let c = bianzhi::sync::Client::new(&srv.url, &token).unwrap();
        for k in &caches {
            sync(&c, k).await.unwrap();
        }
        assert_eq!(decisions_exactly_once(&w.db(), &caches), (4, 4));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_killed_while_applying_a_page_or_writing_the_outbox() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.paged_client(&token, 300);
        let url = w.relay.url();
        let sync_args = ["sync", "--server", url.as_str(), "--token", token.as_str()];
        let mut pending = pending_on(&w.db()).into_iter();

        // 1. Killed while applying the first page, which carries the answer to a decision:
        //    the server applied it, the cache never learnt so. Nothing of the page stays.
        let a = w.cache("a");
        let aid = pending.next().unwrap();
        queue_return(&a, aid);
        let before = fingerprint(&a);
        kill_at_pause(client_cmd(&a, &sync_args), "apply");
        assert_eq!(
            fingerprint(&a),
            before,
            "a killed sync leaves the cache as it was"
        );
        assert_eq!(
            outbox::unsent(Store::open(&a).unwrap().conn())
                .unwrap()
                .len(),
            1
        );
        // The resend is answered the same and applied once.
        let r = sync(&c, &a).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (1, 1));
        assert_eq!(checksum(&cache_data(&a)), checksum(&w.scoped(root).0));

        // 2. Killed in the middle of a resumed sync (a later page).
        let b = w.cache("b");
        w.relay
            .inject(Some(Fault::CutAtResponse { n: 2, after: 0 }), false);
        sync(&c, &b).await.unwrap_err();
        let at = consistent(&w, &b);
        assert!(at > 0);
        let before = fingerprint(&b);
        kill_at_pause(client_cmd(&b, &sync_args), "apply");
        assert_eq!(fingerprint(&b), before);
        assert_eq!(consistent(&w, &b), at);
        sync(&c, &b).await.unwrap();
        assert_eq!(checksum(&cache_data(&b)), checksum(&w.scoped(root).0));

        // 3. Killed while `decide` writes the outbox: the decision is wholly there or not at
        //    all (here: not, and the command never said it was queued).
        let aid = pending.next().unwrap();
        let id = aid.to_string();
        let decide = ["decide", id.as_str(), "return", "--comment", "请补充材料"];
        kill_at_pause(client_cmd(&b, &decide), "outbox");
        assert!(
            outbox::entries(Store::open(&b).unwrap().conn())
                .unwrap()
                .is_empty()
        );
        consistent(&w, &b);
        let out = client_cmd(&b, &decide).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = sync(&c, &b).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (1, 1));

        // 4. Killed at random moments of whole syncs and decisions, many times.
        let d = w.cache("d");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
        let mut kills = 0;
        for i in 0..10 {
            let args: Vec<String> = if i % 3 == 2 {
                let aid = pending.next().unwrap().to_string();
                ["decide", &aid, "return", "--comment", "随机中断"]
                    .map(String::from)
                    .to_vec()
            } else {
                sync_args.map(String::from).to_vec()
            };
            let mut child = client_cmd(&d, &args.iter().map(String::as_str).collect::<Vec<_>>())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(rng.random_range(5..400)));
            if child.try_wait().unwrap().is_none() {
                kills += 1;
            }
            let _ = child.kill();
            child.wait().unwrap();
            consistent(&w, &d);
        }
        sync(&c, &d).await.unwrap();
        assert_eq!(checksum(&cache_data(&d)), checksum(&w.scoped(root).0));
        decisions_exactly_once(&w.db(), &[a, b, d]);
        println!("faults: {kills} of 10 random SIGKILLs landed mid-command");
    })
    .await;
}

/// The uid the cache files belong to and the children run as: `nobody` when the tests
/// run as root (whom file modes do not stop), else ourselves.
fn unprivileged() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    (std::fs::metadata("/proc/self").unwrap().uid() == 0).then_some(65534)
}

fn chown_tree(dir: &Path, uid: u32) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        std::os::unix::fs::chown(&p, Some(uid), Some(uid)).unwrap();
        if p.is_dir() {
            chown_tree(&p, uid);
        }
    }
    std::os::unix::fs::chown(dir, Some(uid), Some(uid)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// SQLite alone: about the client's cache file (a full disk, a read-only file); the server
// is only the source of its data, whichever its engine.
async fn a_full_or_read_only_cache_refuses_the_write_keeps_its_data_and_says_so() {
    use std::os::unix::process::CommandExt;
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("全域", root);
    let c = w.client(&token);
    let url = w.relay.url();
    let sync_args = ["sync", "--server", url.as_str(), "--token", token.as_str()];
    let mut pending = pending_on(&w.db()).into_iter();

    // Disk full: the cache may not grow by a single page.
    let full = w.cache("full");
    queue_return(&full, pending.next().unwrap());
    let pages: i64 = Store::open(&full)
        .unwrap()
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let before = fingerprint(&full);
    let out = client_cmd(&full, &sync_args)
        .env(bianzhi::store::fault_hook::MAX_PAGES, pages.to_string())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("磁盘已满")
            && stderr.contains("原有数据完好")
            && stderr.contains("清理磁盘空间"),
        "{stderr}"
    );
    assert_eq!(fingerprint(&full), before);
    // Space freed: the decision the server already answered is resent, answered the
    // same, applied once.
    let r = sync(&c, &full).await.unwrap();
    assert_eq!((r.pushed, r.accepted), (1, 1));
    assert_eq!(checksum(&cache_data(&full)), checksum(&w.scoped(root).0));

    // Read-only: the file and its directory may not be written by the operator.
    let home = w.dir.path().join("ro");
    std::fs::create_dir(&home).unwrap();
    let ro = home.join("cache.db");
    std::fs::copy(&full, &ro).unwrap();
    std::os::unix::fs::chown(&ro, None, None).unwrap();
    std::fs::create_dir(home.join("log")).unwrap();
    let aid = pending.next().unwrap();
    let as_operator = |mut cmd: Command| {
        if let Some(uid) = unprivileged() {
            cmd.uid(uid).gid(uid);
        }
        cmd.output().unwrap()
    };
    if let Some(uid) = unprivileged() {
        chown_tree(&home, uid);
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o400)).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o500)).unwrap();
    std::fs::set_permissions(home.join("log"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let before = std::fs::read(&ro).unwrap();
    let id = aid.to_string();
    for args in [
        vec!["decide", id.as_str(), "return", "--comment", "只读"],
        sync_args.to_vec(),
    ] {
        let out = as_operator(client_cmd(&ro, &args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} wrote a read-only cache");
        assert!(
            stderr.contains("只读") && stderr.contains("权限"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(std::fs::read(&ro).unwrap(), before);
    // Reading still works: the operator can look things up from a read-only cache.
    let out = as_operator(client_cmd(&ro, &["status"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    decisions_exactly_once(&w.db(), &[full]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clocks_hours_apart_change_nothing() {
    // The request carries no time at all: nothing the client's clock says reaches the
    // server.
    let req = proto::SyncRequest {
        protocol: bianzhi::sync::wire::PROTOCOL_VERSION,
        cursor: 5,
        epoch: Some("e".into()),
        scope_root: Some(1),
        limit: Some(10),
        push: vec![proto::PushAction {
            client_id: "x".into(),
            approval_id: 1,
            decision: Some(Decision::Approve),
            comment: "c".into(),
            edit: None,
        }],
    };
    let v = serde_json::to_value(&req).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["cursor", "epoch", "limit", "protocol", "push", "scope_root"]
    );
    let keys: Vec<&str> = v["push"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["approval_id", "client_id", "comment", "decision"]);

    each_engine(async || {
        // A server nine hours ahead of the client.
        let ahead = 9 * 3600;
        let w = World::with_options(
            small(),
            server::Options {
                clock_offset_secs: ahead,
                ..Default::default()
            },
        )
        .await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.client(&token);
        let cache = w.cache("c");
        let mut pending = pending_on(&w.db()).into_iter();
        sync(&c, &cache).await.unwrap();
        let server_today = |offset: i64| {
            let now = chrono::Local::now() + chrono::TimeDelta::seconds(offset);
            [
                (now - chrono::TimeDelta::minutes(1)).date_naive(),
                (now + chrono::TimeDelta::minutes(1)).date_naive(),
            ]
        };
        let decided_on = |cache: &Path, aid: ApprovalId| {
            cache_data(cache)
                .approvals
                .into_iter()
                .find(|a| a.id == aid)
                .unwrap()
                .decided_on
                .unwrap()
        };
        let first = pending.next().unwrap();
        queue_return(&cache, first);
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!(r.accepted, 1);
        assert!(server_today(ahead).contains(&decided_on(&cache, first)));

        // The same data served by a server nine hours behind: its clock jumped back 18
        // hours. Changes made since still arrive, decisions still apply once.
        let behind = -9 * 3600;
        let late = server::spawn_on(
            &w.target(),
            "127.0.0.1:0",
            server::Options {
                clock_offset_secs: behind,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        w.db().simulate(
            &mut rng,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            30,
            0.0,
        );
        let c2 = bianzhi::sync::Client::new(&late.url(), &token).unwrap();
        let second = pending.next().unwrap();
        queue_return(&cache, second);
        let r = sync(&c2, &cache).await.unwrap();
        assert!(r.upserted > 0 && r.refetched.is_none(), "{r:?}");
        assert_eq!(r.accepted, 1);
        assert!(server_today(behind).contains(&decided_on(&cache, second)));
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));

        // A terminal whose clock reads 14 hours ahead of UTC (and so ahead of both servers)
        // syncs the same, and its own status stays sane.
        let far = w.cache("far");
        let url = late.url();
        let out = client_cmd(&far, &["sync", "--server", &url, "--token", &token])
            .env("TZ", "Etc/GMT-14")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(checksum(&cache_data(&far)), checksum(&w.scoped(root).0));
        let out = client_cmd(&far, &["status", "--json"])
            .env("TZ", "Pacific/Kiritimati")
            .output()
            .unwrap();
        let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(st["age_seconds"].as_i64().unwrap() < 120, "{st}");
        decisions_exactly_once(&w.db(), &[cache, far]);
    })
    .await;
}
