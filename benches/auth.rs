//! Token checks take the same time whatever the token: right, wrong in its last
//! character, wrong from its first, or short. `server::db::authenticate` hashes the
//! token (SHA-256) and compares the hash with every operator's in constant time, so
//! neither how much of a token is right nor which operator it belongs to shows in the
//! time. This measures it: 200 operators, the candidates interleaved in rounds of
//! 2,000 calls each, the median time per call of each candidate over 60 rounds.
//!
//! Run: `cargo bench --bench auth`.

use bianzhi::generate::{Scale, generate};
use bianzhi::server::db::{ServerDb, authenticate};
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = ServerDb::open(&dir.path().join("server.db")).unwrap();
    db.seed(&generate(Scale::Small, 1)).unwrap();
    let root: i64 = db
        .conn()
        .query_row("SELECT id FROM orgs WHERE parent_id IS NULL", [], |r| {
            r.get(0)
        })
        .unwrap();
    let tokens: Vec<String> = (0..200)
        .map(|i| db.add_operator(&format!("操作员{i}"), root).unwrap())
        .collect();
    let first = tokens[0].clone();
    let last = tokens[199].clone();
    let mut near = last.clone();
    let end = if near.ends_with('0') { "1" } else { "0" };
    near.replace_range(near.len() - 1.., end);
    let far = format!("bz_{}", "0".repeat(last.len() - 3));
    let candidates = [
        ("right (first operator)", first),
        ("right (last operator)", last),
        ("wrong in the last character", near),
        ("wrong from the first character", far),
        ("short", "bz_1".to_string()),
    ];
    let conn = db.conn();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); candidates.len()];
    for round in 0..62 {
        for (i, (_, token)) in candidates.iter().enumerate() {
            let t = Instant::now();
            for _ in 0..2_000 {
                std::hint::black_box(authenticate(conn, std::hint::black_box(token)).unwrap());
            }
            // The first two rounds warm caches and are not counted.
            if round >= 2 {
                times[i].push(t.elapsed().as_nanos() as f64 / 2_000.0);
            }
        }
    }
    let mut medians = Vec::new();
    for ((name, _), t) in candidates.iter().zip(&mut times) {
        t.sort_by(|a, b| a.total_cmp(b));
        let (p10, p50, p90) = (t[t.len() / 10], t[t.len() / 2], t[t.len() * 9 / 10]);
        medians.push(p50);
        println!("{name:32} median {p50:8.0} ns  (p10 {p10:.0}, p90 {p90:.0})");
    }
    let (lo, hi) = medians
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    println!(
        "AUTH: 200 operators, {} rounds of 2,000 calls per candidate; medians within {:.1} % of each other",
        times[0].len(),
        (hi - lo) / lo * 100.0
    );
}
