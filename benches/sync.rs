//! What sync costs on the wire for a whole city (`generate::Scale::City`), measured
//! through a byte-counting relay (HTTP headers included) between a real client and the
//! reference server on loopback:
//!
//! - the first sync of the city operator: bytes total and per person, pages, time, and
//!   the time spent applying pages to the cache; against the same rows as plain JSON
//!   gzipped, and as one columnar zstd frame;
//! - a sync with nothing new;
//! - a day's changes (about 300 rows);
//! - the time such a first sync would take over a 256 kbit/s link.
//!
//! Run: `cargo bench --bench sync` (`-- small` or `-- county` for a quicker look;
//! `-- --pages 20000` for another page size, `-- --seed 2` for another generated city).
//! Figures go into docs/BENCHMARKS.md.

mod common;

use bianzhi::generate::{self, Scale};
use bianzhi::server::relay::Relay;
use bianzhi::server::{ServerDb, simulate};
use bianzhi::sync::{Client, proto, wire};
use rand::SeedableRng;
use std::time::Instant;

fn kb(b: u64) -> String {
    format!("{:.1} KB", b as f64 / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let scale: Scale = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(Scale::City);
    let page_rows: Option<u32> = args
        .iter()
        .position(|a| a == "--pages")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok());
    let seed: u64 = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);

    let t = Instant::now();
    let data = generate::generate(scale, seed);
    let persons = data.persons.len() as u64;
    println!(
        "scale {scale} seed {seed}: {} units, {} persons, {} rows in all (generated in {:.1} s)",
        data.orgs.len(),
        persons,
        data.row_count(),
        t.elapsed().as_secs_f64()
    );

    // The same rows in other encodings, for comparison.
    let plain = serde_json::to_vec(&data).unwrap();
    let gz = proto::gzip(&plain);
    let columnar = serde_json::to_vec(&wire::WireDataset::encode(&data)).unwrap();
    let one_frame = wire::compress(&columnar, proto::zstd_level(columnar.len()));
    println!(
        "plain JSON {} → gzip {} ({:.0} B/person); columnar JSON {} → one zstd frame {} ({:.0} B/person)",
        kb(plain.len() as u64),
        kb(gz.len() as u64),
        gz.len() as f64 / persons as f64,
        kb(columnar.len() as u64),
        kb(one_frame.len() as u64),
        one_frame.len() as f64 / persons as f64
    );

    if args.iter().any(|a| a == "--columns") {
        // Where the bytes go: each column of each table alone as JSON, zstd -19.
        let w = wire::WireDataset::encode(&data);
        let tables = [
            ("orgs", &w.orgs),
            ("ledger", &w.ledger),
            ("posts", &w.posts),
            ("persons", &w.persons),
            ("events", &w.events),
            ("approvals", &w.approvals),
        ];
        let mut all = 0;
        for (t, c) in tables {
            let mut sum = 0;
            let mut cols: Vec<(usize, &str)> = c
                .names
                .iter()
                .zip(&c.columns)
                .map(|(n, col)| {
                    let json = serde_json::to_vec(col).unwrap();
                    (wire::compress(&json, 19).len(), n.as_str())
                })
                .collect();
            cols.sort_by_key(|c| std::cmp::Reverse(c.0));
            for (z, _) in &cols {
                sum += z;
            }
            all += sum;
            println!(
                "{t}: {} rows, {} ({:.1} B/person)",
                c.len(),
                kb(sum as u64),
                sum as f64 / persons as f64
            );
            for (z, n) in cols.iter().take(12) {
                println!(
                    "    {n:<16} {:>10} {:>6.2} B/person",
                    kb(*z as u64),
                    *z as f64 / persons as f64
                );
            }
        }
        println!(
            "all columns apart: {} ({:.1} B/person)",
            kb(all as u64),
            all as f64 / persons as f64
        );
        return;
    }

    // The peer: the same rows as plain JSON, `zstd -19`.
    let z19 = wire::compress(&plain, 19);
    let one19 = wire::compress(&columnar, 19);
    println!(
        "plain JSON → zstd -19 {} ({:.1} B/person); columnar → zstd -19 {} ({:.1} B/person, {:.2}× the peer)",
        kb(z19.len() as u64),
        z19.len() as f64 / persons as f64,
        kb(one19.len() as u64),
        one19.len() as f64 / persons as f64,
        one19.len() as f64 / z19.len() as f64
    );

    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("server.db");
    let t = Instant::now();
    let token = common::seed_server(&db_path, &data);
    println!("server seeded in {:.1} s", t.elapsed().as_secs_f64());

    let rt = common::runtime();
    rt.block_on(async {
        let handle = common::serve(&db_path).await;
        let relay = Relay::start(handle.addr).await.unwrap();
        let mut client = Client::new(&relay.url(), &token).unwrap();
        client.page_rows = page_rows;
        let cache = dir.path().join("cache.db");

        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (up, down) = relay.bytes();
        let secs_256k = (up + down) as f64 * 8.0 / 256_000.0;
        println!(
            "first sync: {} rows in {} pages, {} down + {} up on the wire = {:.1} B/person; \
             {:.1} s on loopback (applying pages {:.1} s); over 256 kbit/s ≈ {:.0} s of transfer",
            r.upserted,
            r.pages,
            kb(down),
            kb(up),
            (up + down) as f64 / persons as f64,
            r.elapsed.as_secs_f64(),
            r.apply_time.as_secs_f64(),
            secs_256k
        );

        relay.reset();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (up, down) = relay.bytes();
        println!(
            "no-change sync: {} round trip(s), {up} B up + {down} B down on the wire, {:.0} ms",
            r.round_trips,
            r.elapsed.as_secs_f64() * 1e3
        );

        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let s = simulate::changes(&mut ServerDb::open(&db_path).unwrap(), &mut rng, today, 160, 0.0).unwrap();
        relay.reset();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (up, down) = relay.bytes();
        println!(
            "a day's changes ({} changes: {} rows, {} tombstones): {} up + {} down on the wire, {:.2} s",
            s.total(),
            r.upserted,
            r.deleted,
            kb(up),
            kb(down),
            r.elapsed.as_secs_f64()
        );

        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
        let s = simulate::changes(&mut ServerDb::open(&db_path).unwrap(), &mut rng, today, 1, 1.0).unwrap();
        relay.reset();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (_, down) = relay.bytes();
        println!(
            "a re-organisation ({} unit moved): {} rows re-sent, {} down on the wire, {:.2} s",
            s.moves,
            r.upserted,
            kb(down),
            r.elapsed.as_secs_f64()
        );
        handle.stop().await;
    });
}
