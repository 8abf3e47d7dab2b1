//! Where the time of applying a first sync goes, on a city (`generate::Scale::City`):
//! the rows cut into pages of 50,000 (the server's default) and applied one by one
//! through `sync::apply::apply_page` into a fresh cache file, exactly as the client
//! does, the last page paying for the derived figures; then `refresh_derived` alone
//! on the filled cache (what every later sync's last page pays).
//!
//! No network: this isolates the cache side of a first sync. `cargo bench --bench sync`
//! measures the same thing end to end ("applying pages").
//!
//! Run: `cargo bench --bench apply` (`-- --snapshot FILE` to load a snapshot written by
//! `bianzhi gen --scale city` instead of generating, `-- county` for a quicker look).

use bianzhi::generate::{self, Scale};
use bianzhi::model::Dataset;
use bianzhi::store::{self, Store};
use bianzhi::sync::{apply, proto::SyncPage, wire::Snapshot};
use std::time::{Duration, Instant};

const PAGE_ROWS: usize = 50_000;

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The dataset cut into pages of `n` rows, tables in the order the cache lists them.
fn pages(data: &Dataset, n: usize) -> Vec<Dataset> {
    let mut out: Vec<Dataset> = Vec::new();
    let mut room = 0;
    macro_rules! cut {
        ($field:ident) => {
            for row in &data.$field {
                if room == 0 {
                    out.push(Dataset::default());
                    room = n;
                }
                out.last_mut().unwrap().$field.push(row.clone());
                room -= 1;
            }
        };
    }
    cut!(orgs);
    cut!(ledger);
    cut!(posts);
    cut!(persons);
    cut!(events);
    cut!(approvals);
    out
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let snapshot = args
        .iter()
        .position(|a| a == "--snapshot")
        .and_then(|i| args.get(i + 1));
    let t = Instant::now();
    let (data, label) = match snapshot {
        Some(path) => (
            Snapshot::read(path.as_ref())
                .expect("snapshot reads")
                .data
                .decode()
                .expect("snapshot decodes"),
            path.clone(),
        ),
        None => {
            let scale: Scale = args
                .iter()
                .find_map(|a| a.parse().ok())
                .unwrap_or(Scale::City);
            (generate::generate(scale, 1), format!("scale {scale}"))
        }
    };
    println!(
        "{label}: {} units, {} persons, {} rows (ready in {})",
        data.orgs.len(),
        data.persons.len(),
        data.row_count(),
        secs(t.elapsed())
    );
    let pages = pages(&data, PAGE_ROWS);
    let root = data
        .orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .map_or(0, |o| o.id);

    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    let mut per_page = Vec::new();
    let total = Instant::now();
    for (i, rows) in pages.iter().enumerate() {
        let page = SyncPage {
            protocol: bianzhi::sync::wire::PROTOCOL_VERSION,
            epoch: "bench".into(),
            scope_root: root,
            cursor: (i + 1) as u64,
            more: i + 1 < pages.len(),
            server_time: String::new(),
            ..Default::default()
        };
        // The client opens the cache afresh for every page (sync::client::with_store).
        let t = Instant::now();
        let mut s = Store::open(&cache).unwrap();
        apply::apply_page(&mut s, &page, rows, i == 0, "bench").unwrap();
        drop(s);
        per_page.push(t.elapsed());
    }
    let total = total.elapsed();
    let last = *per_page.last().unwrap();
    let rest: Duration = per_page[..per_page.len() - 1].iter().sum();
    println!(
        "apply first sync: {} in {} pages ({} for the rows of the first {} pages, {} for the last page with the derived figures)",
        secs(total),
        pages.len(),
        secs(rest),
        pages.len() - 1,
        secs(last)
    );
    println!(
        "  per page: {}",
        per_page
            .iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(" ")
    );

    let mut s = Store::open(&cache).unwrap();
    let mut times = Vec::new();
    for _ in 0..2 {
        let tx = s.conn_mut().transaction().unwrap();
        let t = Instant::now();
        store::refresh_derived(&tx).unwrap();
        times.push(t.elapsed());
        tx.commit().unwrap();
    }
    println!(
        "refresh_derived on the filled cache (a later sync's last page): {} / {}",
        secs(times[0]),
        secs(times[1])
    );
    let tx = s.conn_mut().transaction().unwrap();
    let t = Instant::now();
    store::refresh_search_keys(&tx).unwrap();
    println!(
        "  of which search keys with nothing to compute: {}",
        secs(t.elapsed())
    );
    tx.commit().unwrap();
    let bytes = std::fs::metadata(&cache).map(|m| m.len()).unwrap_or(0);
    println!("cache file: {:.1} MB", bytes as f64 / 1e6);
}
