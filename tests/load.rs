//! Load (issue 8): 200 clients syncing and deciding against one server (`bianzhi
//! serve`, a child process so its memory can be read) on loopback for a bounded time,
//! while new requests keep arriving. Expected: no errors, every decision answered once,
//! no request accepted twice, every cache equal to the server, the server's memory flat.
//!
//! Ignored by default (it takes the machine for ~30 s):
//! `cargo test --test main load -- --ignored --nocapture` (`BIANZHI_LOAD_SECS`,
//! `BIANZHI_LOAD_CLIENTS` to change the 20 s and 200 clients).

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db::ServerDb;
use bianzhi::server::{Change, decide};
use bianzhi::store::Store;
use bianzhi::store::outbox;
use bianzhi::sync::{Client, Retry};
use rand::Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load: ~30 s of the whole machine; run with --ignored"]
async fn two_hundred_clients_sync_and_decide_with_nothing_lost() {
    let clients = env_or("BIANZHI_LOAD_CLIENTS", 200) as usize;
    let secs = env_or("BIANZHI_LOAD_SECS", 20);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("server.db");
    let mut db = ServerDb::open(&db_path).unwrap();
    db.seed(small()).unwrap();
    let root = root_of(&db);
    let tokens: Vec<String> = (0..clients)
        .map(|i| db.add_operator(&format!("操作员{i}"), root).unwrap())
        .collect();
    drop(db);
    let srv = ServeProcess::start(&db_path, "127.0.0.1:0", &[], &[]);
    let pid = srv.child.id();

    // One first sync, copied to every client (same jurisdiction, same rows).
    let seed_cache = dir.path().join("seed.db");
    let c = Client::new(&srv.url, &tokens[0]).unwrap();
    sync(&c, &seed_cache).await.unwrap();
    drop(Store::create(&seed_cache).unwrap());
    let caches: Vec<_> = (0..clients)
        .map(|i| {
            let p = dir.path().join(format!("c{i}.db"));
            std::fs::copy(&seed_cache, &p).unwrap();
            p
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let (syncs, errors, decided) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    // New requests keep arriving while the clients work: one every 100 ms.
    let feeder = {
        let (stop, db_path) = (stop.clone(), db_path.clone());
        tokio::task::spawn_blocking(move || {
            let mut db = ServerDb::open(&db_path).unwrap();
            let template = bianzhi::store::queries::open_approvals(db.conn()).unwrap()[0].clone();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = decide::next_id(db.conn(), "approvals").unwrap();
                let a = Approval {
                    id,
                    kind: ApprovalKind::StaffingPlan,
                    person_id: None,
                    amount: 1,
                    status: ApprovalStatus::Pending,
                    ..template.clone()
                };
                db.write(&Change {
                    upsert: Dataset {
                        approvals: vec![a],
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            n
        })
    };
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut rss_warm = 0;
    let mut tasks = Vec::new();
    for (i, cache) in caches.iter().cloned().enumerate() {
        let mut c = Client::new(&srv.url, &tokens[i]).unwrap();
        c.retry = Retry {
            attempts: 6,
            first_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(1),
        };
        let (stop, syncs, errors, decided) =
            (stop.clone(), syncs.clone(), errors.clone(), decided.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                // Decide one open request now and then, as an operator would.
                let pending = pending_in(&cache);
                let pick = {
                    let mut rng = rand::rng();
                    (!pending.is_empty() && rng.random_bool(0.4))
                        .then(|| pending[rng.random_range(0..pending.len())])
                };
                if let Some(aid) = pick {
                    let s = Store::open(&cache).unwrap();
                    let queued = outbox::entries(s.conn())
                        .unwrap()
                        .iter()
                        .any(|e| e.approval_id == aid);
                    if !queued {
                        outbox::queue(&s, aid, Decision::Return, "请补充材料").unwrap();
                        decided.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let t = Instant::now();
                match sync(&c, &cache).await {
                    Ok(_) => {
                        syncs.fetch_add(1, Ordering::Relaxed);
                        lat.push(t.elapsed());
                    }
                    Err(e) => {
                        eprintln!("client {i}: {e}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let pause = Duration::from_millis(rand::rng().random_range(0..200));
                tokio::time::sleep(pause).await;
            }
            lat
        }));
    }
    // The server's memory once a third of the run is over (every client has synced a
    // few times), then every second.
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        samples.push(rss_kb(pid));
    }
    let rss_start = samples[samples.len() / 3];
    rss_warm = rss_warm.max(*samples.iter().max().unwrap());
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let fed = feeder.await.unwrap();
    let rss_end = rss_kb(pid);
    // Everyone catches up once more; then the books must balance.
    let c = Client::new(&srv.url, &tokens[0]).unwrap();
    for k in &caches {
        sync(&c, k).await.unwrap();
    }
    let db = ServerDb::open(&db_path).unwrap();
    let (answered, accepted) = decisions_exactly_once(&db, &caches);
    let (server, _) = bianzhi::server::db::scoped_dataset(db.conn(), root).unwrap();
    let want = checksum(&server);
    for k in &caches {
        assert_eq!(checksum(&cache_data(k)), want, "{}", k.display());
    }
    // The peak of each minute, to see the trend at a glance on long runs.
    let minutes: Vec<u64> = samples
        .chunks(60)
        .map(|m| *m.iter().max().unwrap())
        .collect();
    println!("server VmRSS, peak of each minute (kB): {minutes:?}");
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    println!(
        "load: {clients} clients, {secs} s: {} syncs ({:.0}/s), {} errors, {} decisions queued, {answered} answered, {accepted} accepted, {} requests fed; sync latency p50 {:?} p99 {:?} max {:?}; server VmRSS {} kB at a third of the run, {} kB peak, {} kB at end; samples {samples:?}",
        syncs.load(Ordering::Relaxed),
        syncs.load(Ordering::Relaxed) as f64 / secs as f64,
        errors.load(Ordering::Relaxed),
        decided.load(Ordering::Relaxed),
        fed,
        pct(0.5),
        pct(0.99),
        latencies.last().unwrap(),
        rss_start,
        rss_warm,
        rss_end,
    );
    assert_eq!(errors.load(Ordering::Relaxed), 0);
    assert_eq!(answered as u64, decided.load(Ordering::Relaxed));
    // Flat: no growth beyond a quarter over the warmed-up figure.
    assert!(
        rss_end < rss_start + rss_start / 4 + 8 * 1024,
        "{rss_start} → {rss_end} kB"
    );
}
