//! `bianzhi search` as a whole process (start, open the cache, read the kept lookup
//! index, answer, exit) beside `fzf --filter` over the same lines, on a city, in the
//! same run (issue 19, item 4). The lines are those of `benches/lookup.rs`: one per
//! entry, name, full pinyin, initials, unit path.
//!
//! Also "without the kept index": the same process after the kept index was dropped
//! (what every call cost before the cache kept it: building the index from the rows;
//! this figure also pays for writing it back).
//!
//! Run: `cargo bench --bench search_process` (`-- county` for a quicker look, `-- seed=2`
//! for another world). Needs
//! `fzf` on the PATH (Debian: `apt-get install -y fzf`).

use bianzhi::generate::{self, Scale};
use bianzhi::model::Lang;
use bianzhi::search::EntryKind;
use bianzhi::store::{self, Store};
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bianzhi(cache: &Path, q: &str) -> Duration {
    let dir = cache.parent().unwrap();
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_bianzhi"))
        .args(["search", q])
        .env("BIANZHI_CACHE", cache)
        .env("BIANZHI_CONFIG", dir.join("none.toml"))
        .env("BIANZHI_LOG_DIR", dir.join("log"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let d = t.elapsed();
    assert!(out.status.success(), "bianzhi search {q}");
    d
}

fn fzf(lines: &Path, q: &str) -> Duration {
    let t = Instant::now();
    let out = Command::new("fzf")
        .arg("--filter")
        .arg(q)
        .stdin(std::fs::File::open(lines).unwrap())
        .stderr(Stdio::null())
        .output()
        .expect("fzf on the PATH (apt-get install -y fzf)");
    let d = t.elapsed();
    // fzf exits 1 when nothing matches.
    assert!(out.status.code().is_some_and(|c| c <= 1), "fzf {q}");
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
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
    // `seed=N`: another generated world, to check that a figure holds beyond seed 1.
    let seed: u64 = args
        .iter()
        .find_map(|a| a.strip_prefix("seed=")?.parse().ok())
        .unwrap_or(1);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    let t = Instant::now();
    {
        let mut s = Store::create(&cache).unwrap();
        s.replace_all(&generate::generate(scale, seed)).unwrap();
        // What `bianzhi import` and a sync leave: the index kept.
        store::store_search_index(s.conn(), Lang::Zh).unwrap();
    }
    let s = Store::open(&cache).unwrap();
    let entries = store::search_entries(s.conn(), Lang::Zh).unwrap();
    let kept: i64 = s
        .conn()
        .query_row("SELECT length(bytes) FROM search_index", [], |r| r.get(0))
        .unwrap();
    let lines = dir.path().join("lines.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&lines).unwrap());
        for e in &entries {
            writeln!(
                f,
                "{}\t{}\t{}\t{}",
                e.name,
                e.keys.full_pinyin(),
                e.keys.initials(),
                e.unit
            )
            .unwrap();
        }
    }
    println!(
        "scale {scale}: {} entries, kept index {:.1} MB, ready in {:.1} s",
        entries.len(),
        kept as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // Queries as an operator types them whole: a name, its initials, its full pinyin,
    // a unit's name.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let mut queries = Vec::new();
    for _ in 0..8 {
        let e = &entries[rng.random_range(0..entries.len())];
        if e.kind == EntryKind::Person {
            queries.push(e.name.clone());
            queries.push(e.keys.initials());
            queries.push(e.keys.full_pinyin());
        }
        let u = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Org)
            .nth(rng.random_range(0..50))
            .unwrap();
        queries.push(u.name.clone());
    }
    let (mut ours, mut peer, mut rebuilt) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..3 {
        for q in &queries {
            ours.push(bianzhi(&cache, q));
            peer.push(fzf(&lines, q));
            if round == 0 && rebuilt.len() < 5 {
                s.conn().execute("DELETE FROM search_index", []).unwrap();
                rebuilt.push(bianzhi(&cache, q));
            }
        }
    }
    let (o, p) = (median(ours), median(peer));
    println!(
        "{} queries x 3: bianzhi search (whole process, kept index) median {}, fzf --filter median {}: {:.2}x fzf's time",
        queries.len(),
        ms(o),
        ms(p),
        o.as_secs_f64() / p.as_secs_f64()
    );
    println!(
        "  bianzhi search without the kept index (builds it, then keeps it): median {} of {}",
        ms(median(rebuilt.clone())),
        rebuilt.len()
    );
}
