//! A day's changes applied to a filled cache, as the client's sync applies them: one
//! page through `sync::apply::apply_page` on a freshly opened cache file, the derived
//! figures included. Each day is 200 changes, as the 编办 of a city records them:
//! 60 entries (new persons), 60 exits, 50 transfers between units and 30 quota changes
//! (ledger entries), each with its history line.
//!
//! Days alternate between the refresh of what the day touched (`store::partial`, what
//! the client does now) and the full refresh of every derived table (what it did
//! before: the changes no longer noted, so the refresh is a full one), on the same
//! cache in the same run.
//!
//! Run: `cargo bench --bench daily` (`-- county` for a quicker look, `-- seed=2` for
//! another city and other days).

use bianzhi::generate::{self, Scale};
use bianzhi::model::{Dataset, ExitKind, PersonStatus};
use bianzhi::store::{self, Store};
use bianzhi::sync::{apply, proto::SyncPage};
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// One day's 200 changes to `data` (kept current, so that a person leaves only once).
fn day(data: &mut Dataset, rng: &mut impl Rng, next_id: &mut i64) -> Dataset {
    let today = chrono::Local::now().date_naive();
    let mut out = Dataset::default();
    let units: Vec<i64> = data.orgs.iter().map(|o| o.id).collect();
    let template = data.events[0].clone();
    let event = |out: &mut Dataset, next_id: &mut i64, subject, from, to| {
        let mut e = template.clone();
        *next_id += 1;
        e.id = *next_id;
        e.subject = subject;
        e.date = today;
        e.from_org = from;
        e.to_org = to;
        out.events.push(e);
    };
    let active: Vec<usize> = (0..data.persons.len())
        .filter(|&i| data.persons[i].status == PersonStatus::Active)
        .collect();
    for k in 0..170 {
        let i = active[rng.random_range(0..active.len())];
        let mut p = data.persons[i].clone();
        if k < 60 {
            // An entry: a new person like an existing one, in another unit.
            *next_id += 1;
            p.id = *next_id;
        }
        let subject = bianzhi::model::Subject::Person(p.id);
        if k < 60 {
            p.org_id = units[rng.random_range(0..units.len())];
            p.id_number = format!("{}", 110_000_000_000_000_000i64 + *next_id);
            event(&mut out, next_id, subject, None, Some(p.org_id));
        } else if k < 120 {
            p.status = PersonStatus::Former;
            p.exit_kind = Some(ExitKind::Resignation);
            p.exit_date = Some(today);
            event(&mut out, next_id, subject, Some(p.org_id), None);
            data.persons[i] = p.clone();
        } else {
            let from = p.org_id;
            p.org_id = units[rng.random_range(0..units.len())];
            event(&mut out, next_id, subject, Some(from), Some(p.org_id));
            data.persons[i] = p.clone();
        }
        out.persons.push(p);
    }
    for _ in 0..30 {
        let mut e = data.ledger[rng.random_range(0..data.ledger.len())].clone();
        *next_id += 1;
        e.id = *next_id;
        e.date = today;
        e.delta = if rng.random_bool(0.5) { 1 } else { -1 } * rng.random_range(1..=3);
        let subject = bianzhi::model::Subject::Org(e.org_id);
        event(&mut out, next_id, subject, None, None);
        out.ledger.push(e);
    }
    out
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
    // `seed=N`: another generated world and other days (1 by default).
    let seed: u64 = args
        .iter()
        .find_map(|a| a.strip_prefix("seed=")?.parse().ok())
        .unwrap_or(1);
    let t = Instant::now();
    let mut data = generate::generate(scale, seed);
    let root = data
        .orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .map_or(0, |o| o.id);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    Store::create(&cache).unwrap().replace_all(&data).unwrap();
    println!(
        "scale {scale}, seed {seed}: {} units, {} persons, cache filled in {:.1} s",
        data.orgs.len(),
        data.persons.len(),
        t.elapsed().as_secs_f64()
    );

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(18 + seed);
    let mut next_id = 1_000_000_000;
    let (mut partial, mut full) = (Vec::new(), Vec::new());
    for d in 0..8u64 {
        let rows = day(&mut data, &mut rng, &mut next_id);
        let page = SyncPage {
            protocol: bianzhi::sync::wire::PROTOCOL_VERSION,
            epoch: "bench".into(),
            scope_root: root,
            cursor: d + 2,
            more: false,
            server_time: String::new(),
            ..Default::default()
        };
        let before = d % 2 == 1;
        let mut s = Store::open(&cache).unwrap();
        if before {
            store::partial::stop_tracking(s.conn()).unwrap();
        }
        let t = Instant::now();
        apply::apply_page(&mut s, &page, &rows, false, "bench").unwrap();
        let took = t.elapsed();
        drop(s);
        println!(
            "day {}: {} rows, {} ({})",
            d + 1,
            rows.row_count(),
            ms(took),
            if before {
                "full refresh, before"
            } else {
                "partial refresh"
            }
        );
        if before {
            full.push(took);
        } else {
            partial.push(took);
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "a day's 200 changes applied with the derived figures: {} now (median of {}), {} with the full refresh",
        ms(median(&mut partial)),
        partial.len(),
        ms(median(&mut full))
    );
}
