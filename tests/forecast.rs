//! The forecast (推演), run as a user runs it (`bianzhi forecast --json`) on a cache of a
//! generated county, checked against recounts written here from the generated rows:
//! retirement months by the rule of `model::retirement` in a loop of the test's own.

use crate::cli::{Cache, bianzhi};
use bianzhi::generate::{Scale, generate};
use bianzhi::model::retirement::{Rule, retirement_month};
use bianzhi::model::*;
use bianzhi::sync::wire::Snapshot;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The day `tests/cli.rs` pins as today (`BIANZHI_TODAY`).
const TODAY: &str = "2026-11-23";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

/// A cache holding `data`, imported from a snapshot file as a user imports one.
fn cache_of(data: &Dataset) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("county.snap");
    Snapshot::new(data, 0, None).write(&snap).unwrap();
    let path = dir.path().join("cache.db");
    let out = bianzhi(&path, &["import", snap.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, path)
}

fn run_json(cache: &std::path::Path, args: &[&str]) -> (Value, String) {
    let out = bianzhi(cache, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

/// Counted in 实有 today, written out here: active, holding a staffing type, entered
/// by today (or no entry date), no exit by today.
fn counted_today(p: &Person, d: NaiveDate) -> bool {
    p.status == PersonStatus::Active
        && p.staffing_type.is_some()
        && p.entry_date.is_none_or(|e| e <= d)
        && p.exit_date.is_none_or(|x| x > d)
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn retirements_agree_with_the_rule_for_every_person_of_a_county_and_totals_add_up() {
    let data = generate(Scale::County, 11);
    let (_dir, cache) = cache_of(&data);
    let (f, text) = run_json(&cache, &["forecast", "--json"]);
    let d = today();
    let now = YearMonth::of(d);
    let years: Vec<i32> = (2026..=2030).collect();

    // The test's own loop: every person, the rule, the year.
    let mut want: BTreeMap<(i32, String), i64> = BTreeMap::new();
    let mut want_ids = BTreeSet::new();
    let mut actual_now: BTreeMap<String, i64> = BTreeMap::new();
    for p in data.persons.iter().filter(|p| counted_today(p, d)) {
        let t = p.staffing_type.unwrap().zh().to_string();
        *actual_now.entry(t.clone()).or_default() += 1;
        let Some(birth) = p.birth_date else { continue };
        let m = retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(birth));
        if m > now && years.contains(&m.year) {
            *want.entry((m.year, t)).or_default() += 1;
            want_ids.insert(p.id);
        }
    }
    assert!(
        want_ids.len() > 100,
        "a county retires some: {}",
        want_ids.len()
    );
    let mut approved_now: BTreeMap<String, i64> = BTreeMap::new();
    for e in data.ledger.iter().filter(|e| e.date <= d) {
        *approved_now
            .entry(e.staffing_type.zh().to_string())
            .or_default() += i64::from(e.delta);
    }

    let ys = f["years"].as_array().unwrap();
    assert_eq!(
        ys.iter().map(|y| n(&y["year"]) as i32).collect::<Vec<_>>(),
        years
    );
    let mut got: BTreeMap<(i32, String), i64> = BTreeMap::new();
    let mut left: BTreeMap<String, i64> = actual_now.clone();
    for y in ys {
        let year = n(&y["year"]) as i32;
        let mut sums = [0i64; 6];
        for t in y["types"].as_array().unwrap() {
            let name = t["staffing_type"].as_str().unwrap().to_string();
            let r = n(&t["retiring"]);
            if r != 0 {
                got.insert((year, name.clone()), r);
            }
            // No one hired: 实有 falls by exactly those who retire.
            let l = left.entry(name.clone()).or_default();
            *l -= r;
            assert_eq!(n(&t["actual"]), *l, "{year} {name}");
            assert_eq!(n(&t["approved"]), approved_now[&name], "{name}");
            // Field-wise sums of units: 空编 − 超编 = 核定 − 实有.
            assert_eq!(
                n(&t["vacant"]) - n(&t["over"]),
                n(&t["approved"]) - n(&t["actual"]),
                "{year} {name}"
            );
            assert!(n(&t["one_for_one"]) <= r.max(0) + n(&t["vacant"]));
            for (i, k) in [
                "approved",
                "retiring",
                "actual",
                "vacant",
                "over",
                "one_for_one",
            ]
            .iter()
            .enumerate()
            {
                sums[i] += n(&t[k]);
            }
        }
        for (i, k) in [
            "approved",
            "retiring",
            "actual",
            "vacant",
            "over",
            "one_for_one",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(n(&y["total"][k]), sums[i], "{year} total {k}");
        }
    }
    assert_eq!(got, want, "retirements per year and staffing type");

    // The list: exactly those persons, birth dates masked, no ID number anywhere.
    let listed: BTreeSet<i64> = f["retiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| n(&r["person_id"]))
        .collect();
    assert_eq!(listed, want_ids);
    let by_id: BTreeMap<i64, &Person> = data.persons.iter().map(|p| (p.id, p)).collect();
    for r in f["retiring"].as_array().unwrap() {
        let p = by_id[&n(&r["person_id"])];
        assert_eq!(r["name"], p.name.as_str());
        assert_eq!(r["birth"], mask_birth(p.birth_date).as_str());
        assert!(r["birth"].as_str().unwrap().ends_with("-**-**"));
    }
    for p in data.persons.iter().filter(|p| want_ids.contains(&p.id)) {
        assert!(!text.contains(&p.id_number), "an ID number in the output");
        if let Some(b) = p.birth_date {
            assert!(!text.contains(&b.to_string()), "a birth date in the output");
        }
    }

    // Over-quota units: back within in the first year whose end has them within.
    for b in f["back_within"].as_array().unwrap() {
        assert!(n(&b["actual"]) > n(&b["approved"]));
        assert_eq!(n(&b["over"]), n(&b["actual"]) - n(&b["approved"]));
        let org = n(&b["org_id"]);
        let t = b["staffing_type"].as_str().unwrap();
        let mut leaving = 0;
        let mut expect = None;
        for y in &years {
            leaving += data
                .persons
                .iter()
                .filter(|p| p.org_id == org && counted_today(p, d))
                .filter(|p| p.staffing_type.unwrap().zh() == t)
                .filter(|p| {
                    p.birth_date.is_some_and(|b| {
                        let m = retirement_month(
                            Rule::for_person(p.sex, p.post_type),
                            YearMonth::of(b),
                        );
                        m > now && m.year == *y
                    })
                })
                .count() as i64;
            if n(&b["actual"]) - leaving <= n(&b["approved"]) {
                expect = Some(*y as i64);
                break;
            }
        }
        assert_eq!(b["year"].as_i64(), expect, "{b}");
    }
}

#[test]
fn a_subtree_and_fewer_years_and_the_table_fits_80_columns() {
    let c = Cache::imported();
    let (whole, _) = run_json(&c.path, &["forecast", "--json"]);
    let (two, _) = run_json(&c.path, &["forecast", "--json", "--years", "2"]);
    assert_eq!(two["years"].as_array().unwrap().len(), 2);
    assert_eq!(two["years"][1], whole["years"][1]);
    // A unit's subtree counts only its own persons.
    let unit = whole["retiring"][0]["org_id"].as_i64().unwrap();
    let (sub, _) = run_json(&c.path, &["forecast", "--json", "--org", &unit.to_string()]);
    let ids = |f: &Value| -> BTreeSet<i64> {
        f["retiring"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["person_id"].as_i64().unwrap())
            .collect()
    };
    assert!(ids(&sub).is_subset(&ids(&whole)));
    assert!(ids(&sub).len() < ids(&whole).len());
    assert!(!sub["retiring"].as_array().unwrap().is_empty());
    assert!(
        sub["retiring"].as_array().unwrap().len() <= whole["retiring"].as_array().unwrap().len()
    );
    for lang in [&[][..], &["--lang", "en"][..]] {
        let mut args = lang.to_vec();
        args.push("forecast");
        let out = bianzhi(&c.path, &args);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            use unicode_width::UnicodeWidthStr;
            assert!(line.width() <= 80, "{} cells: {line}", line.width());
        }
        assert!(text.contains("2030"), "{text}");
    }
    let err = c.fails(&["forecast", "--years", "6"]);
    assert!(err.contains("1 到 5"), "{err}");
}
