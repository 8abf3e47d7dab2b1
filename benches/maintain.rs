//! Data maintenance (issue 15): what saving an edit costs the cache, what pushing 1,000
//! edits costs on loopback, and what a conflict check costs the server beside the edit
//! itself. A seeded reference server on loopback, two real caches.
//!
//! Run: `cargo bench --bench maintain` (city) or `cargo bench --bench maintain -- county`.

mod common;

use bianzhi::model::edit::{Edit, FieldChange, Intent, Target};
use bianzhi::model::*;
use bianzhi::store::{Store, pending, rows};
use bianzhi::sync::Client;
use std::path::Path;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// `n` active persons on the books of the cache.
fn persons(cache: &Path, n: usize) -> Vec<Person> {
    let s = Store::open(cache).unwrap();
    let mut st = s
        .conn()
        .prepare(&format!(
            "SELECT {} FROM persons WHERE status = 1 AND staffing_type IS NOT NULL ORDER BY id LIMIT ?",
            rows::PERSON_COLUMNS
        ))
        .unwrap();
    st.query_map([n as i64], rows::read_person)
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn post_edit(p: &Person, to: &str, base: u64) -> Intent {
    Intent {
        edit: Edit::PersonEdit {
            person: Target::Id(p.id),
            changes: vec![FieldChange {
                field: "post".into(),
                from: p.post.clone().unwrap_or_default(),
                to: to.into(),
            }],
        },
        doc_no: None,
        base,
    }
}

/// Queues one intent per person in-process, timing each save.
fn queue_all(cache: &Path, intents: &[Intent]) -> Vec<Duration> {
    let s = Store::open(cache).unwrap();
    let today = chrono::Local::now().date_naive();
    intents
        .iter()
        .map(|i| {
            let t = Instant::now();
            pending::queue(s.conn(), i, today).unwrap().unwrap();
            t.elapsed()
        })
        .collect()
}

fn main() {
    let scale = common::scale_arg();
    let seeded = common::seeded(scale);
    let rt = common::runtime();
    let server = rt.block_on(common::serve(&seeded.db_path));
    let url = format!("http://{}", server.addr);
    let client = Client::new(&url, &seeded.token).unwrap();
    let dir = seeded.dir.path();
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    for cache in [&a, &b] {
        rt.block_on(client.sync(cache, &|_| {})).unwrap();
    }
    let n = common::num_arg("--edits", 1000usize);
    let people = persons(&a, n);
    let base = pending::cursor(Store::open(&a).unwrap().conn()).unwrap();

    // Saving: a descriptive field (the daily case) and a change of staffing type (the
    // derived figures are refreshed with it).
    let mut saves = queue_all(
        &a,
        &people
            .iter()
            .map(|p| post_edit(p, "办公室主任", base))
            .collect::<Vec<_>>(),
    );
    println!(
        "save an edit of 职务 ({} edits, each in its own transaction): p50 {}, p99 {}, max {}",
        saves.len(),
        ms(pct(&mut saves, 0.5)),
        ms(pct(&mut saves, 0.99)),
        ms(pct(&mut saves, 1.0))
    );
    let figures: Vec<Intent> = persons(&b, 5)
        .iter()
        .map(|p| Intent {
            edit: Edit::PersonExit {
                person: Target::Id(p.id),
                kind: ExitKind::Retirement,
                date: chrono::Local::now().date_naive(),
            },
            doc_no: Some("示人〔2026〕1号".into()),
            base,
        })
        .collect();
    let c = dir.join("c.db");
    rt.block_on(client.sync(&c, &|_| {})).unwrap();
    let mut exits = queue_all(&c, &figures);
    println!(
        "save an exit (derived figures refreshed): median {} of {}",
        ms(pct(&mut exits, 0.5)),
        exits.len()
    );

    // Pushing: a's 1,000 edits apply; b's 1,000 edits of the same field, made on the
    // same version, all conflict. Each is one whole sync on loopback.
    let r = rt.block_on(client.sync(&a, &|_| {})).unwrap();
    println!(
        "push {} edits that apply: {:.2} s ({} round trips, {} accepted, {} refused)",
        r.pushed,
        r.elapsed.as_secs_f64(),
        r.round_trips,
        r.accepted,
        r.rejected
    );
    queue_all(
        &b,
        &people
            .iter()
            .map(|p| post_edit(p, "科长", base))
            .collect::<Vec<_>>(),
    );
    let r = rt.block_on(client.sync(&b, &|_| {})).unwrap();
    println!(
        "push {} edits that conflict: {:.2} s ({} round trips, {} accepted, {} refused)",
        r.pushed,
        r.elapsed.as_secs_f64(),
        r.round_trips,
        r.accepted,
        r.rejected
    );

    // The server's side alone, in-process: judging and writing 1,000 edits that apply,
    // then 1,000 that conflict (the same persons, a field changed since).
    let mut db = bianzhi::server::ServerDb::open(&seeded.db_path).unwrap();
    let op = bianzhi::server::db::authenticate(db.conn(), &seeded.token)
        .unwrap()
        .unwrap();
    let today = chrono::Local::now().date_naive();
    let push = |tag: &str, from: &dyn Fn(&Person) -> String, to: &str| {
        people
            .iter()
            .map(|p| bianzhi::sync::proto::PushAction {
                client_id: format!("{tag}-{}", p.id),
                approval_id: 0,
                decision: None,
                comment: String::new(),
                edit: Some(Intent {
                    edit: Edit::PersonEdit {
                        person: Target::Id(p.id),
                        changes: vec![FieldChange {
                            field: "major".into(),
                            from: from(p),
                            to: to.into(),
                        }],
                    },
                    doc_no: None,
                    base,
                }),
            })
            .collect::<Vec<_>>()
    };
    let original = |p: &Person| p.major.clone().unwrap_or_default();
    let applying = push("apply", &original, "公共管理");
    let t = Instant::now();
    let answers = bianzhi::server::decide::apply_push(&mut db, &op, &applying, today).unwrap();
    let apply_time = t.elapsed();
    let ok = answers.iter().filter(|a| a.accepted).count();
    // Based on the original value again, to another one: every field conflicts.
    let conflicting = push("conflict", &original, "法学");
    let t = Instant::now();
    let answers = bianzhi::server::decide::apply_push(&mut db, &op, &conflicting, today).unwrap();
    let conflict_time = t.elapsed();
    let conflicts = answers
        .iter()
        .filter(|a| a.outcome.as_ref().is_some_and(|o| !o.conflicts.is_empty()))
        .count();
    println!(
        "server in-process: {} edits applied in {} ({} per edit); {} conflicts found in {} ({} per edit)",
        ok,
        ms(apply_time),
        ms(apply_time / people.len() as u32),
        conflicts,
        ms(conflict_time),
        ms(conflict_time / people.len() as u32)
    );
}
