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

// ---------------------------------------------------------------------------------
// Figures as of a past day, with a transfer and a unit move in between.

const PAST: &str = "2024-06-30";
const MOVED_ON: &str = "2025-03-01";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Per staffing type: units, 核定, 实有, 空编, 超编 of `root`'s subtree at the end of
/// `d`, recounted from the rows: every move and transfer after the day walked back
/// newest first, then the ledger and the persons on the books that day summed.
fn recount(data: &Dataset, root: OrgId, d: NaiveDate) -> BTreeMap<String, [i64; 5]> {
    let mut parent: BTreeMap<OrgId, Option<OrgId>> =
        data.orgs.iter().map(|o| (o.id, o.parent_id)).collect();
    let mut place: BTreeMap<PersonId, OrgId> =
        data.persons.iter().map(|p| (p.id, p.org_id)).collect();
    let mut later: Vec<&Event> = data.events.iter().filter(|e| e.date > d).collect();
    later.sort_by_key(|e| std::cmp::Reverse((e.date, e.id)));
    for e in later {
        match (e.kind, e.subject, e.from_org) {
            (EventKind::Transfer, Subject::Person(p), Some(from)) => {
                place.insert(p, from);
            }
            (EventKind::Moved, Subject::Org(o), Some(from)) if parent.contains_key(&from) => {
                parent.insert(o, Some(from));
            }
            _ => {}
        }
    }
    let inside = |mut id: OrgId| {
        for _ in 0..100 {
            if id == root {
                return true;
            }
            match parent.get(&id).copied().flatten() {
                Some(p) => id = p,
                None => return false,
            }
        }
        false
    };
    let mut units: BTreeMap<(OrgId, String), (i64, i64)> = BTreeMap::new();
    for e in data
        .ledger
        .iter()
        .filter(|e| e.date <= d && inside(e.org_id))
    {
        units
            .entry((e.org_id, e.staffing_type.zh().to_string()))
            .or_default()
            .0 += i64::from(e.delta);
    }
    for p in &data.persons {
        let entered = p.entry_date.is_none_or(|e| e <= d);
        let there = match p.status {
            PersonStatus::Active => p.exit_date.is_none_or(|x| x > d),
            PersonStatus::Retired | PersonStatus::Former => p.exit_date.is_some_and(|x| x > d),
            PersonStatus::Pending => false,
        };
        let org = place[&p.id];
        if let (true, true, Some(t)) = (entered, there, p.staffing_type)
            && inside(org)
        {
            units.entry((org, t.zh().to_string())).or_default().1 += 1;
        }
    }
    let mut out: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for ((_, t), (a, x)) in units {
        if a == 0 && x == 0 {
            continue;
        }
        let f = out.entry(t).or_default();
        f[0] += 1;
        f[1] += a;
        f[2] += x;
        f[3] += (a - x).max(0);
        f[4] += (x - a).max(0);
    }
    out
}

/// The establishment report's figures per staffing type, summed over the systems.
fn reported(r: &Value) -> BTreeMap<String, [i64; 5]> {
    let cols: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let at = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let t = at("编制类型");
    let figs = ["单位数", "编制/核定", "编制/实有", "编制/空编", "编制/超编"].map(at);
    let mut out: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for row in r["rows"].as_array().unwrap() {
        let f = out.entry(row[t].as_str().unwrap().to_string()).or_default();
        for (i, c) in figs.iter().enumerate() {
            f[i] += n(&row[*c]);
        }
    }
    out.retain(|_, f| *f != [0; 5]);
    out
}

/// The top-level unit (a child of the root) a unit sits under now.
fn top_of(data: &Dataset, root: OrgId, mut id: OrgId) -> OrgId {
    let parent: BTreeMap<OrgId, Option<OrgId>> =
        data.orgs.iter().map(|o| (o.id, o.parent_id)).collect();
    while let Some(Some(p)) = parent.get(&id) {
        if *p == root {
            return id;
        }
        id = *p;
    }
    id
}

#[test]
fn as_of_a_past_day_equals_a_recount_with_a_transfer_and_a_unit_move_between() {
    let mut data = generate(Scale::Small, 7);
    let past = day(PAST);
    let root = data.orgs.iter().find(|o| o.parent_id.is_none()).unwrap().id;
    let approved_then = |data: &Dataset, org: OrgId| -> i64 {
        data.ledger
            .iter()
            .filter(|e| e.org_id == org && e.date <= past)
            .map(|e| i64::from(e.delta))
            .sum()
    };
    // A person on the books then and now, transferred after the day into a unit under
    // another top-level unit.
    let p = data
        .persons
        .iter()
        .position(|p| {
            p.status == PersonStatus::Active
                && p.staffing_type.is_some()
                && p.entry_date.is_some_and(|e| e <= past)
                && p.exit_date.is_none()
                && p.org_id != root
        })
        .unwrap();
    let from = data.persons[p].org_id;
    let to = data
        .orgs
        .iter()
        .find(|o| {
            o.id != root && !o.abolished && top_of(&data, root, o.id) != top_of(&data, root, from)
        })
        .unwrap()
        .id;
    // A unit with a quota then, two levels down, moved after the day under another
    // top-level unit.
    let u = data
        .orgs
        .iter()
        .find(|o| {
            !o.abolished
                && o.parent_id.is_some_and(|p| p != root)
                && approved_then(&data, o.id) > 0
                && top_of(&data, root, o.id) != top_of(&data, root, from)
        })
        .unwrap()
        .clone();
    let old_parent = u.parent_id.unwrap();
    let new_parent = data
        .orgs
        .iter()
        .find(|o| {
            o.parent_id == Some(root)
                && !o.abolished
                && o.id != top_of(&data, root, u.id)
                && o.id != top_of(&data, root, from)
        })
        .unwrap()
        .id;
    let next = data.events.iter().map(|e| e.id).max().unwrap_or(0) + 1;
    let moved = |id, subject, kind, from: OrgId, to: OrgId| Event {
        id,
        subject,
        kind,
        date: day(MOVED_ON),
        doc_no: None,
        summary: "测试".into(),
        detail: None,
        operator: "测试".into(),
        from_org: Some(from),
        to_org: Some(to),
    };
    let pid = data.persons[p].id;
    data.events.push(moved(
        next,
        Subject::Person(pid),
        EventKind::Transfer,
        from,
        to,
    ));
    data.persons[p].org_id = to;
    data.persons[p].leader_post = None;
    data.events.push(moved(
        next + 1,
        Subject::Org(u.id),
        EventKind::Moved,
        old_parent,
        new_parent,
    ));
    data.orgs
        .iter_mut()
        .find(|o| o.id == u.id)
        .unwrap()
        .parent_id = Some(new_parent);

    let (_dir, cache) = cache_of(&data);
    let subtrees = [
        root,
        old_parent,
        top_of(&data, root, old_parent),
        new_parent,
        from,
        top_of(&data, root, from),
        to,
        top_of(&data, root, to),
    ];
    for org in subtrees {
        for d in [PAST, MOVED_ON, TODAY] {
            let (r, _) = run_json(
                &cache,
                &[
                    "report",
                    "establishment",
                    "--org",
                    &org.to_string(),
                    "--as-of",
                    d,
                    "--format",
                    "json",
                ],
            );
            assert_eq!(
                reported(&r),
                recount(&data, org, day(d)),
                "unit {org} as of {d}"
            );
        }
    }
    // The move shows: the old parent counted the moved unit then and not now.
    let then = recount(&data, old_parent, past);
    let now = recount(&data, old_parent, today());
    assert_ne!(then, now, "the unit move changes the old parent's figures");
}
