//! Figures as of a past day across an abolition and a founding: a unit abolished after
//! the day counts with its quota and people of that day, one founded after it does
//! not. Run with the real binary on an imported cache whose rows the test rewrites,
//! checked against a recount written here in plain SQL (never the report code).

use crate::cli::Cache;
use rusqlite::{Connection, params};
use serde_json::Value;

const TODAY: &str = "2026-11-23";
const PAST: &str = "2024-06-30";
const MOVED_OUT: &str = "2025-02-01";
const ABOLISHED: &str = "2025-03-01";
const FOUNDED: &str = "2025-05-01";

fn report(c: &Cache, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    c.json(&all)
}

fn total(r: &Value, name: &str) -> i64 {
    let i = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    r["totals"][i].as_i64().unwrap()
}

/// Units standing on ?1: founded by then (founding_date, else the 设立 event, kind 1)
/// and not abolished, or abolished (撤销, kind 7) after it.
const STANDING: &str = "COALESCE(o.founding_date, (SELECT MIN(date) FROM events e \
     WHERE e.subject_kind = 1 AND e.subject_id = o.id AND e.kind = 1), '0000') <= ?1 \
     AND (o.abolished = 0 OR EXISTS (SELECT 1 FROM events e WHERE e.subject_kind = 1 \
     AND e.subject_id = o.id AND e.kind = 7 AND e.date > ?1))";

/// Persons on the books on ?1 (see tests/reports.rs).
const ON_BOOKS: &str = "status <> 4 AND (entry_date IS NULL OR entry_date <= ?1) AND \
     ((status = 1 AND (exit_date IS NULL OR exit_date > ?1)) OR (status IN (2, 3) AND exit_date > ?1))";

/// The unit a person was in on ?1: the one left by their first transfer after it.
const PLACED: &str = "COALESCE((SELECT from_org FROM events e WHERE e.subject_kind = 2 \
     AND e.subject_id = persons.id AND e.kind = 12 AND e.date > ?1 AND e.from_org IS NOT NULL \
     ORDER BY e.date, e.id LIMIT 1), org_id)";

fn one(conn: &Connection, sql: &str, d: &str) -> i64 {
    conn.query_row(sql, [d], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .unwrap_or(0)
}

/// 事业单位情况表's totals recounted: (units, 核定, 实有) of the institutions of the
/// four natures standing on `d`, their ledgers to `d` and persons placed in them on `d`.
fn recount(conn: &Connection, d: &str) -> (i64, i64, i64) {
    let units = format!(
        "SELECT o.id FROM orgs o WHERE o.nature IN (2, 3, 4, 5) AND o.kind IN (2, 4) AND {STANDING}"
    );
    (
        one(conn, &format!("SELECT COUNT(*) FROM ({units})"), d),
        one(
            conn,
            &format!("SELECT SUM(delta) FROM ledger WHERE date <= ?1 AND org_id IN ({units})"),
            d,
        ),
        one(
            conn,
            &format!(
                "SELECT COUNT(*) FROM persons WHERE staffing_type IS NOT NULL AND {ON_BOOKS} \
                 AND {PLACED} IN ({units})"
            ),
            d,
        ),
    )
}

/// An institution with quota and people on the books today, other than `not`.
fn institution_with_people(conn: &Connection, not: i64) -> i64 {
    conn.query_row(
        &format!(
            "SELECT o.id FROM orgs o WHERE o.nature IN (2, 3, 4, 5) AND o.kind IN (2, 4) \
             AND o.abolished = 0 AND o.id <> ?2 \
             AND EXISTS (SELECT 1 FROM ledger l WHERE l.org_id = o.id AND l.date <= ?1) \
             AND (SELECT COUNT(*) FROM persons WHERE org_id = o.id AND staffing_type IS NOT NULL \
                  AND {ON_BOOKS}) >= 2 ORDER BY o.id LIMIT 1"
        ),
        params![PAST, not],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn past_figures_count_units_as_they_stood_across_an_abolition_and_a_founding() {
    let c = Cache::imported();
    let conn = Connection::open(&c.path).unwrap();
    let gone = institution_with_people(&conn, 0);
    let new = institution_with_people(&conn, gone);
    let parent: i64 = conn
        .query_row("SELECT parent_id FROM orgs WHERE id = ?", [gone], |r| {
            r.get(0)
        })
        .unwrap();
    // `gone`: its people transferred to its parent, its quota written off, abolished.
    let people: Vec<i64> = conn
        .prepare("SELECT id FROM persons WHERE org_id = ? AND status = 1")
        .unwrap()
        .query_map([gone], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for p in &people {
        conn.execute(
            "INSERT INTO events (subject_kind, subject_id, kind, date, summary, operator, from_org, to_org) \
             VALUES (2, ?1, 12, ?2, '调动', 'test', ?3, ?4)",
            params![p, MOVED_OUT, gone, parent],
        )
        .unwrap();
        conn.execute(
            "UPDATE persons SET org_id = ?1 WHERE id = ?2",
            params![parent, p],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO ledger (org_id, staffing_type, funding_type, delta, date, doc_no, summary) \
         SELECT org_id, staffing_type, NULL, -SUM(delta), ?2, '测编〔2025〕1号', '撤销核销' FROM ledger \
         WHERE org_id = ?1 GROUP BY staffing_type HAVING SUM(delta) <> 0",
        params![gone, ABOLISHED],
    )
    .unwrap();
    conn.execute("UPDATE orgs SET abolished = 1 WHERE id = ?", [gone])
        .unwrap();
    conn.execute(
        "INSERT INTO events (subject_kind, subject_id, kind, date, summary, operator) \
         VALUES (1, ?1, 7, ?2, '撤销', 'test')",
        params![gone, ABOLISHED],
    )
    .unwrap();
    // `new`: founded after the past day.
    conn.execute(
        "UPDATE orgs SET founding_date = ?2 WHERE id = ?1",
        params![new, FOUNDED],
    )
    .unwrap();
    drop(conn);
    let conn = Connection::open(&c.path).unwrap();

    for d in [PAST, TODAY] {
        let r = report(&c, &["institutions", "--as-of", d]);
        assert_eq!(
            (
                total(&r, "合计/单位数"),
                total(&r, "合计/核定"),
                total(&r, "合计/实有")
            ),
            recount(&conn, d),
            "事业单位情况表 as of {d}"
        );
    }
    // The abolished unit on the past day: its quota and its people of that day.
    let u = report(
        &c,
        &["establishment", "--org", &gone.to_string(), "--as-of", PAST],
    );
    let quota = one(
        &conn,
        &format!("SELECT SUM(delta) FROM ledger WHERE org_id = {gone} AND date <= ?1"),
        PAST,
    );
    let actual = one(
        &conn,
        &format!(
            "SELECT COUNT(*) FROM persons WHERE staffing_type IS NOT NULL AND {ON_BOOKS} \
             AND {PLACED} = {gone}"
        ),
        PAST,
    );
    assert!(quota > 0 && actual >= 2, "the unit had quota and people");
    assert_eq!(
        (total(&u, "编制/核定"), total(&u, "编制/实有")),
        (quota, actual)
    );
    // Today it is gone, and the unit founded since counts with its figures.
    let today = report(
        &c,
        &[
            "establishment",
            "--org",
            &gone.to_string(),
            "--as-of",
            TODAY,
        ],
    );
    assert_eq!(total(&today, "编制/核定"), 0);
    let past = recount(&conn, PAST);
    let now = recount(&conn, TODAY);
    assert!(
        now.0 != past.0 || now.1 != past.1,
        "the day changes what is counted"
    );
    let fresh = report(
        &c,
        &["establishment", "--org", &new.to_string(), "--as-of", PAST],
    );
    assert_eq!(
        (total(&fresh, "编制/核定"), total(&fresh, "编制/实有")),
        (0, 0),
        "a unit founded after the day does not count"
    );
}
