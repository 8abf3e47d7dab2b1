//! Sync of a city through a slow intranet link: 256 kbit/s each way with 150 ms of
//! delay each way (`common::SlowLink`: a token-bucket wire shared by all connections,
//! a fixed delay, a round trip per new connection), the byte-counting relay behind it.
//! Measures the first sync (wall time, bytes), a sync with nothing new, and a day's
//! changes, with the real client and the reference server.
//!
//! Run: `cargo bench --bench slowlink` (`-- county` for a quicker look; `-- --kbit N`
//! and `-- --delay-ms N` for another link).

#[path = "common/mod.rs"]
mod common;

use bianzhi::server::relay::Relay;
use bianzhi::server::{ServerDb, simulate};
use bianzhi::sync::Client;
use rand::SeedableRng;
use std::time::{Duration, Instant};

fn kb(b: u64) -> String {
    format!("{:.1} KB", b as f64 / 1024.0)
}

fn main() {
    let kbit = common::num_arg("--kbit", 256.0);
    let delay = Duration::from_millis(common::num_arg("--delay-ms", 150.0) as u64);
    let seeded = common::seeded(common::scale_arg());
    let rt = common::runtime();
    rt.block_on(async {
        let handle = common::serve(&seeded.db_path).await;
        let relay = Relay::start(handle.addr).await.unwrap();
        let link = common::SlowLink::start(relay.addr, kbit * 1000.0, delay).await;
        println!(
            "link: {kbit} kbit/s each way, {} ms each way",
            delay.as_millis()
        );
        let client = Client::new(&link.url(), &seeded.token).unwrap();
        let cache = seeded.dir.path().join("cache.db");

        let t = Instant::now();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let wall = t.elapsed();
        let (up, down) = relay.bytes();
        let transfer = (up + down) as f64 * 8.0 / (kbit * 1000.0);
        println!(
            "SLOW first sync: {:.0} s wall ({} rows, {} pages, {} round trips; {} down + {} up = {:.1} B/person; \
             the bytes alone take {:.0} s at {kbit} kbit/s; applying pages {:.1} s, overlapped with the download)",
            wall.as_secs_f64(),
            r.upserted,
            r.pages,
            r.round_trips,
            kb(down),
            kb(up),
            (up + down) as f64 / seeded.persons as f64,
            transfer,
            r.apply_time.as_secs_f64()
        );

        relay.reset();
        let t = Instant::now();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (up, down) = relay.bytes();
        println!(
            "SLOW no-change sync: {} ms wall, {} round trip(s), {up} B up + {down} B down",
            t.elapsed().as_millis(),
            r.round_trips
        );

        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let s = simulate::changes(
            &mut ServerDb::open(&seeded.db_path).unwrap(),
            &mut rng,
            today,
            160,
            0.0,
        )
        .unwrap();
        relay.reset();
        let t = Instant::now();
        let r = client.sync(&cache, &|_| {}).await.unwrap();
        let (up, down) = relay.bytes();
        println!(
            "SLOW day's changes ({} changes, {} rows, {} tombstones): {:.1} s wall, {} up + {} down (applying {:.2} s)",
            s.total(),
            r.upserted,
            r.deleted,
            t.elapsed().as_secs_f64(),
            kb(up),
            kb(down),
            r.apply_time.as_secs_f64()
        );
        drop(link);
        handle.stop().await;
    });
}
