//! The reference server under many clients, on a city: 200 clients (each its own HTTP
//! connection pool) doing no-change syncs back to back for 60 s, then 200 pulling the
//! first page of a first sync (50,000 rows, the default page) back to back for 60 s.
//! Reports requests/s, latency p50/p99/max and errors (transport errors, non-200
//! answers, and for no-change syncs any answer that carries rows or a new cursor).
//!
//! The load generator shares the machine's two cores with the server, so these are
//! figures of both together. Page pulls are read in full but not decoded (decoding
//! would take the client's CPU from the server).
//!
//! Run: `cargo bench --bench server_load` (`-- county`, `-- --clients N`, `-- --secs N`,
//! `-- --pages N` for a different number of page-pulling clients). On a server database
//! that is already seeded, SQLite file or PostgreSQL (a province: `bianzhi gen --scale
//! province --out postgres://…`): `-- --db postgres://USER@HOST:PORT/DB --scope UNIT_ID`
//! (an operator over that unit is added for the run). An empty database is seeded with
//! the generated scale first: `-- county --db postgres://…/EMPTY` serves the same data
//! as `-- county` on SQLite.

#[path = "common/mod.rs"]
mod common;

use bianzhi::sync::{Client, apply, proto, wire::PROTOCOL_VERSION};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Seeded {
    dir: tempfile::TempDir,
    token: String,
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: u64,
}

fn pct(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(
    name: &str,
    clients: usize,
    secs: u64,
    url: String,
    token: String,
    body: Vec<u8>,
    expect_empty: Option<u64>,
) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let in_flight = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (url, token, body) = (url.clone(), token.clone(), body.clone());
        let in_flight = in_flight.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(300))
                .build()
                .unwrap();
            let mut out = Outcome {
                latencies: Vec::new(),
                errors: 0,
            };
            while Instant::now() < deadline {
                in_flight.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let resp = http
                    .post(format!("{url}/v1/sync"))
                    .bearer_auth(&token)
                    .header("accept-encoding", "zstd, gzip;q=0.5")
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let ok = match resp {
                    Ok(r) if r.status().is_success() => {
                        let enc = r
                            .headers()
                            .get("content-encoding")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string);
                        match (r.bytes().await, expect_empty) {
                            (Ok(b), Some(cursor)) => {
                                proto::decode_body(enc.as_deref(), &b, 1 << 20)
                                    .ok()
                                    .and_then(|j| proto::SyncPage::from_json(&j).ok())
                                    .is_some_and(|p| {
                                        p.row_count() == 0 && p.cursor == cursor && !p.more
                                    })
                            }
                            (Ok(b), None) => !b.is_empty(),
                            (Err(_), _) => false,
                        }
                    }
                    _ => false,
                };
                out.latencies.push(t.elapsed());
                in_flight.fetch_sub(1, Ordering::Relaxed);
                if !ok {
                    out.errors += 1;
                }
            }
            out
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        match t.await {
            Ok(o) => {
                all.extend(o.latencies);
                errors += o.errors;
            }
            Err(_) => errors += 1,
        }
    }
    let wall = started.elapsed();
    all.sort_unstable();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    println!(
        "{name}: {clients} clients for {secs} s (last answers in by {:.1} s): {} requests, {:.1} requests/s, \
         p50 {} p99 {} max {}, {errors} errors",
        wall.as_secs_f64(),
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.99)),
        ms(pct(&all, 1.0)),
    );
}

/// The value after `name` on the command line.
fn str_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn main() {
    let clients = common::num_arg("--clients", 200u64) as usize;
    let pages = common::num_arg("--pages", clients as u64) as usize;
    let secs = common::num_arg("--secs", 60u64);
    let rt = common::runtime();
    // A seeded database named on the command line, or a generated one.
    let (dir, target, token) = match str_arg("--db") {
        Some(db) => {
            let backend = bianzhi::server::backend::open(&db).unwrap();
            // An empty database is seeded with the generated scale first (the same data
            // as the SQLite run of that scale: `-- county` against
            // `-- county --db postgres://…/EMPTY`); scope: its root unless `--scope`.
            let mut root = 1i64;
            if backend.is_empty().unwrap() {
                let t = Instant::now();
                let data = bianzhi::generate::generate(common::scale_arg(), 1);
                backend.seed(&data).unwrap();
                root = data.orgs.iter().find(|o| o.parent_id.is_none()).unwrap().id;
                println!(
                    "{} units, {} persons, {} rows seeded into the empty database in {:.1} s",
                    data.orgs.len(),
                    data.persons.len(),
                    data.row_count(),
                    t.elapsed().as_secs_f64()
                );
            }
            let scope: i64 = common::num_arg("--scope", root);
            let token = backend
                .add_operator("负载测试", scope, bianzhi::model::edit::Role::Reviewer)
                .unwrap();
            drop(backend);
            (tempfile::tempdir().unwrap(), db, token)
        }
        None => {
            let seeded = common::seeded(common::scale_arg());
            let path = seeded.db_path.to_string_lossy().into_owned();
            (seeded.dir, path, seeded.token)
        }
    };
    println!(
        "engine: {}",
        if bianzhi::server::backend::is_postgres(&target) {
            "postgres"
        } else {
            "sqlite"
        }
    );
    let seeded = Seeded { dir, token };
    rt.block_on(async {
        let handle =
            bianzhi::server::spawn_on(&target, "127.0.0.1:0", bianzhi::server::Options::default())
                .await
                .unwrap();
        // One real first sync, for a cursor the no-change requests can send.
        let cache = seeded.dir.path().join("cache.db");
        let t = Instant::now();
        Client::new(&handle.url(), &seeded.token)
            .unwrap()
            .sync(&cache, &|_| {})
            .await
            .unwrap();
        let state = apply::state(bianzhi::store::Store::open(&cache).unwrap().conn()).unwrap();
        println!(
            "first sync for the cursor in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let no_change = serde_json::to_vec(&proto::SyncRequest {
            protocol: PROTOCOL_VERSION,
            cursor: state.cursor,
            epoch: state.epoch.clone(),
            scope_root: state.scope_root,
            limit: None,
            push: Vec::new(),
        })
        .unwrap();
        run(
            "LOAD no-change syncs",
            clients,
            secs,
            handle.url(),
            seeded.token.clone(),
            no_change,
            Some(state.cursor),
        )
        .await;
        let first_page = serde_json::to_vec(&proto::SyncRequest {
            protocol: PROTOCOL_VERSION,
            ..Default::default()
        })
        .unwrap();
        run(
            "LOAD page pulls (first page, 50,000 rows)",
            pages,
            secs,
            handle.url(),
            seeded.token.clone(),
            first_page,
            None,
        )
        .await;
        handle.stop().await;
    });
}
