//! The standard reports (`bianzhi report`), run as a user runs them on a cache of the
//! small world, checked against recounts written here in plain SQL over the cache's
//! rows (never by calling the report code).

use crate::cli::{Cache, bianzhi};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeMap;

/// The day `tests/cli.rs` pins as today (`BIANZHI_TODAY`).
const TODAY: &str = "2026-11-23";
const PAST: &str = "2024-06-30";
/// The annual report's default day: 31 December of the year before today's.
const LAST_YEAR_END: &str = "2025-12-31";
const NAMES: [&str; 7] = [
    "establishment",
    "institutions",
    "posts",
    "changes",
    "structure",
    "retirement",
    "unit",
];

fn report(c: &Cache, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    c.json(&all)
}

fn conn(c: &Cache) -> Connection {
    Connection::open(&c.path).unwrap()
}

fn col(r: &Value, name: &str) -> usize {
    r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", r["columns"]))
}

fn total(r: &Value, name: &str) -> i64 {
    r["totals"][col(r, name)].as_i64().unwrap()
}

/// Sums of a column over the rows whose `key` column reads `value`.
fn sum_where(r: &Value, key: &str, value: &str, name: &str) -> i64 {
    let (k, c) = (col(r, key), col(r, name));
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row[k] == value)
        .map(|row| row[c].as_i64().unwrap())
        .sum()
}

/// The staffing types' codes and their Chinese names, as the cache stores them.
const TYPES: [(i64, &str); 6] = [
    (1, "行政编制"),
    (2, "政法专项编制"),
    (3, "参公事业编制"),
    (4, "事业编制"),
    (5, "机关工勤编制"),
    (6, "事业工勤编制"),
];

/// Persons on the books on `d`, in SQL: entered by then (or no entry date recorded),
/// not awaiting entry (status 4), and active without an exit by then, or retired or
/// former (2, 3) with an exit after it.
const ON_BOOKS: &str = "status <> 4 AND (entry_date IS NULL OR entry_date <= ?1) AND \
     ((status = 1 AND (exit_date IS NULL OR exit_date > ?1)) OR (status IN (2, 3) AND exit_date > ?1))";

/// The unit a person was in on `d`, in SQL: the one left by their first transfer (调动,
/// event kind 12) after the day, or the one they are in now.
const PLACED: &str = "COALESCE((SELECT from_org FROM events e WHERE e.subject_kind = 2 \
     AND e.subject_id = persons.id AND e.kind = 12 AND e.date > ?1 AND e.from_org IS NOT NULL \
     ORDER BY e.date, e.id LIMIT 1), org_id)";

/// Per (unit, staffing type) on `d`: the ledger's sum and the persons holding it.
fn recount(conn: &Connection, d: &str) -> BTreeMap<(i64, i64), (i64, i64)> {
    let mut out: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    let mut st = conn
        .prepare("SELECT org_id, staffing_type, delta FROM ledger WHERE date <= ?1")
        .unwrap();
    let rows = st
        .query_map([d], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?)))
        .unwrap();
    for row in rows {
        let (o, t, n) = row.unwrap();
        out.entry((o, t)).or_default().0 += n;
    }
    let mut st = conn
        .prepare(&format!(
            "SELECT {PLACED}, staffing_type FROM persons WHERE staffing_type IS NOT NULL AND {ON_BOOKS}"
        ))
        .unwrap();
    let rows = st.query_map([d], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    for row in rows {
        out.entry(row.unwrap()).or_default().1 += 1;
    }
    out
}

/// Per staffing type: units, 核定, 实有, 空编, 超编 (空编 and 超编 per unit, then summed).
fn by_type(units: &BTreeMap<(i64, i64), (i64, i64)>) -> BTreeMap<i64, [i64; 5]> {
    let mut out: BTreeMap<i64, [i64; 5]> = BTreeMap::new();
    for (&(_, t), &(a, x)) in units {
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
fn report_by_type(r: &Value) -> BTreeMap<i64, [i64; 5]> {
    let mut out = BTreeMap::new();
    for (code, name) in TYPES {
        let f = ["单位数", "编制/核定", "编制/实有", "编制/空编", "编制/超编"]
            .map(|c| sum_where(r, "编制类型", name, c));
        if f != [0; 5] {
            out.insert(code, f);
        }
    }
    out
}

#[test]
fn every_report_has_one_json_shape_and_totals_that_sum_its_rows() {
    let c = Cache::imported();
    let list = bianzhi(&c.path, &["report", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    for name in NAMES {
        assert!(listed.contains(name), "{listed}");
        let r = report(&c, &[name]);
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "as_of",
                "columns",
                "from",
                "jurisdiction",
                "rows",
                "title",
                "totals"
            ],
            "{name}"
        );
        assert_eq!(r["jurisdiction"], "青山县", "{name}");
        let day = if name == "establishment" {
            LAST_YEAR_END
        } else {
            TODAY
        };
        assert_eq!(r["as_of"], day, "{name}");
        let width = r["columns"].as_array().unwrap().len();
        let rows = r["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{name}");
        assert_eq!(r["totals"].as_array().unwrap().len(), width, "{name}");
        assert_eq!(r["totals"][0], "合计", "{name}");
        let mut figures = 0;
        for c in 1..width {
            if let Some(t) = r["totals"][c].as_i64() {
                let sum: i64 = rows.iter().map(|row| row[c].as_i64().unwrap()).sum();
                assert_eq!(t, sum, "{name}: column {}", r["columns"][c]);
                figures += 1;
            }
        }
        assert!(figures >= 3, "{name}");
        for row in rows {
            assert_eq!(row.as_array().unwrap().len(), width, "{name}");
        }
    }
}

#[test]
fn establishment_today_equals_the_current_figures() {
    let c = Cache::imported();
    let r = report(&c, &["establishment", "--as-of", TODAY]);
    let conn = conn(&c);
    // The current figures: the derived table the panels read, per unit and type.
    let mut current: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    let mut st = conn
        .prepare("SELECT org_id, staffing_type, approved, actual FROM unit_quota")
        .unwrap();
    for row in st
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?))))
        .unwrap()
    {
        let (k, v) = row.unwrap();
        current.insert(k, v);
    }
    let want = by_type(&current);
    assert_eq!(report_by_type(&r), want);
    // And the same as a recount from the raw rows on today's date.
    assert_eq!(by_type(&recount(&conn, TODAY)), want);
    let sums = want.values().fold([0; 5], |mut s, f| {
        for i in 0..5 {
            s[i] += f[i];
        }
        s
    });
    assert_eq!(total(&r, "编制/核定"), sums[1]);
    assert_eq!(total(&r, "编制/实有"), sums[2]);
    assert_eq!(total(&r, "编制/空编"), sums[3]);
    assert_eq!(total(&r, "编制/超编"), sums[4]);
    // Asked for no day, the annual report is as of 31 December of last year.
    let annual = report(&c, &["establishment"]);
    assert_eq!(annual["as_of"], LAST_YEAR_END);
    assert_eq!(
        report_by_type(&annual),
        by_type(&recount(&conn, LAST_YEAR_END))
    );
}

#[test]
fn establishment_as_of_a_past_date_matches_a_recount() {
    let c = Cache::imported();
    let past = report(&c, &["establishment", "--as-of", PAST]);
    assert_eq!(past["as_of"], PAST);
    let conn = conn(&c);
    let want = by_type(&recount(&conn, PAST));
    assert_eq!(report_by_type(&past), want);
    let now = report(&c, &["establishment", "--as-of", TODAY]);
    assert_ne!(
        (total(&past, "编制/核定"), total(&past, "编制/实有")),
        (total(&now, "编制/核定"), total(&now, "编制/实有")),
        "the past should differ from today on the small world"
    );
}

#[test]
fn the_other_reports_totals_match_recounts() {
    let c = Cache::imported();
    let conn = conn(&c);
    let one = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> i64 {
        conn.query_row(sql, p, |r| r.get::<_, Option<i64>>(0))
            .unwrap()
            .unwrap_or(0)
    };
    for d in [TODAY, PAST] {
        // 事业单位情况表: institutions of the four natures, their ledgers and staff.
        let r = report(&c, &["institutions", "--as-of", d]);
        let units = "SELECT id FROM orgs WHERE nature IN (2, 3, 4, 5) AND kind IN (2, 4)";
        assert_eq!(
            total(&r, "合计/单位数"),
            one(&format!("SELECT COUNT(*) FROM ({units})"), &[])
        );
        assert_eq!(
            total(&r, "合计/核定"),
            one(
                &format!("SELECT SUM(delta) FROM ledger WHERE date <= ?1 AND org_id IN ({units})"),
                &[&d]
            )
        );
        assert_eq!(
            total(&r, "合计/实有"),
            one(
                &format!(
                    "SELECT COUNT(*) FROM persons WHERE staffing_type IS NOT NULL AND {ON_BOOKS} \
                     AND org_id IN ({units})"
                ),
                &[&d]
            )
        );

        // 领导职数表: the posts ledger and the leaders on the books.
        let r = report(&c, &["posts", "--as-of", d]);
        assert_eq!(
            total(&r, "正职/核定职数") + total(&r, "副职/核定职数"),
            one("SELECT SUM(delta) FROM posts WHERE date <= ?1", &[&d])
        );
        assert_eq!(
            total(&r, "正职/实配") + total(&r, "副职/实配"),
            one(
                &format!(
                    "SELECT COUNT(*) FROM persons WHERE leader_level IS NOT NULL AND {ON_BOOKS}"
                ),
                &[&d]
            )
        );
        assert_eq!(
            total(&r, "副职/实配"),
            one(
                &format!("SELECT COUNT(*) FROM persons WHERE leader_rank = 2 AND {ON_BOOKS}"),
                &[&d]
            )
        );

        // 人员结构表: the persons in 实有, by sex and by ethnicity.
        let r = report(&c, &["structure", "--as-of", d]);
        let holding = format!("FROM persons WHERE staffing_type IS NOT NULL AND {ON_BOOKS}");
        assert_eq!(
            total(&r, "人数"),
            one(&format!("SELECT COUNT(*) {holding}"), &[&d])
        );
        assert_eq!(
            total(&r, "性别/女"),
            one(&format!("SELECT COUNT(*) {holding} AND sex = 2"), &[&d])
        );
        assert_eq!(
            total(&r, "民族/汉族"),
            one(
                &format!("SELECT COUNT(*) {holding} AND ethnicity = '汉族'"),
                &[&d]
            )
        );
        assert_eq!(
            total(&r, "学历/研究生"),
            one(
                &format!("SELECT COUNT(*) {holding} AND education = 1"),
                &[&d]
            )
        );
        let est = report(&c, &["establishment", "--as-of", d]);
        assert_eq!(total(&r, "人数"), total(&est, "编制/实有"));

        // 退休预测表: the stored retirement months (year*12 + month-1) after the as-of
        // month, up to December four years on.
        let r = report(&c, &["retirement", "--as-of", d]);
        let (y, m): (i64, i64) = (d[..4].parse().unwrap(), d[5..7].parse().unwrap());
        let now = y * 12 + m - 1;
        let end = (y + 4) * 12 + 11;
        assert_eq!(
            total(&r, "合计"),
            one(
                &format!("SELECT COUNT(*) {holding} AND retire_month > ?2 AND retire_month <= ?3"),
                &[&d, &now, &end]
            )
        );
        let rows = r["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0][0], y.to_string());
    }

    // 人员变动表 over a period: entries and exits dated in it.
    let (from, to) = ("2023-01-01", "2026-06-30");
    let r = report(&c, &["changes", "--from", from, "--to", to]);
    assert_eq!((&r["from"], &r["as_of"]), (&from.into(), &to.into()));
    assert_eq!(
        total(&r, "增员（进入形式）/小计"),
        one(
            "SELECT COUNT(*) FROM persons WHERE status <> 4 AND entry_date BETWEEN ?1 AND ?2",
            &[&from, &to]
        )
    );
    assert_eq!(
        total(&r, "减员（减员方式）/小计"),
        one(
            "SELECT COUNT(*) FROM persons WHERE exit_kind IS NOT NULL AND exit_date BETWEEN ?1 AND ?2",
            &[&from, &to]
        )
    );
    assert_eq!(
        total(&r, "减员（减员方式）/退休"),
        one(
            "SELECT COUNT(*) FROM persons WHERE exit_kind = 1 AND exit_date BETWEEN ?1 AND ?2",
            &[&from, &to]
        )
    );
    assert!(total(&r, "增员（进入形式）/小计") > 0);
}

#[test]
fn xlsx_prints_as_offices_do() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let c = Cache::imported();
    let out = c.path.with_file_name("总表.xlsx");
    let o = bianzhi(
        &c.path,
        &[
            "report",
            "establishment",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let json = report(&c, &["establishment"]);
    assert_eq!(json["as_of"], LAST_YEAR_END);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String("机构编制和实有人员总表".into()));
    let sub = at(1, 0).to_string();
    assert!(
        sub.contains("青山县") && sub.contains(LAST_YEAR_END),
        "{sub}"
    );
    // Two header rows: 系统 spans both, 编制 spans 核定..超编 above their names.
    assert_eq!(at(2, 0), Data::String("系统".into()));
    assert_eq!(at(2, 3), Data::String("编制".into()));
    assert_eq!(at(3, 3), Data::String("核定".into()));
    assert_eq!(at(3, 6), Data::String("超编".into()));
    let merged = wb.worksheet_merge_cells(&sheet).unwrap().unwrap();
    let spans: Vec<((u32, u32), (u32, u32))> = merged.iter().map(|d| (d.start, d.end)).collect();
    assert!(spans.contains(&((2, 0), (3, 0))), "{spans:?}");
    assert!(spans.contains(&((2, 3), (2, 6))), "{spans:?}");
    assert!(spans.contains(&((0, 0), (0, 6))), "{spans:?}");
    // The rows, then the totals row with the JSON's totals.
    let n = json["rows"].as_array().unwrap().len() as u32;
    let last = 4 + n;
    assert_eq!(range.end().unwrap().0, last);
    assert_eq!(at(last, 0), Data::String("合计".into()));
    assert_eq!(at(last, 3), Data::Float(total(&json, "编制/核定") as f64));
    assert_eq!(at(last, 4), Data::Float(total(&json, "编制/实有") as f64));
    // The header rows repeat on every printed page.
    let titles = wb
        .defined_names()
        .iter()
        .find(|(k, _)| k.contains("Print_Titles"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert!(titles.contains("$3:$4"), "{titles}");
}

#[test]
fn english_headers_are_english() {
    let c = Cache::imported();
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for name in NAMES {
        let r = report(&c, &["--lang", "en", name]);
        assert!(!cjk(r["title"].as_str().unwrap()), "{}", r["title"]);
        for col in r["columns"].as_array().unwrap() {
            assert!(!cjk(col.as_str().unwrap()), "{name}: {col}");
        }
        assert_eq!(r["totals"][0], "Total");
        // Row labels from the vocabularies, not data: English too (unit names, in the
        // posts report's list and the unit report's rows, are data).
        if name == "unit" {
            continue;
        }
        for row in r["rows"].as_array().unwrap() {
            assert!(!cjk(row[0].as_str().unwrap()), "{name}: {row}");
        }
    }
    let e = c.fails(&["--lang", "en", "report", "nonsense"]);
    assert!(e.contains("report list") && !cjk(&e), "{e}");
}

#[test]
fn a_subtree_counts_only_its_units() {
    let c = Cache::imported();
    let conn = conn(&c);
    // The root's child with the most persons under it: a subtree small enough to be
    // read through the units' index.
    let (id, path): (i64, String) = conn
        .query_row(
            "SELECT t.org_id, t.path FROM org_tree t JOIN orgs o ON o.id = t.org_id \
             WHERE t.depth = 1 ORDER BY (SELECT COUNT(*) FROM persons p JOIN org_tree u \
             ON u.org_id = p.org_id WHERE u.path LIKE t.path || '%') DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let under = "SELECT org_id FROM org_tree WHERE path LIKE ?1 || '%'";
    for d in [TODAY, PAST] {
        let r = report(
            &c,
            &["establishment", "--org", &id.to_string(), "--as-of", d],
        );
        let approved: i64 = conn
            .query_row(
                &format!("SELECT COALESCE(SUM(delta), 0) FROM ledger WHERE date <= ?2 AND org_id IN ({under})"),
                rusqlite::params![path, d],
                |r| r.get(0),
            )
            .unwrap();
        let actual: i64 = conn
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM persons WHERE staffing_type IS NOT NULL AND \
                     {} AND org_id IN ({under})",
                    ON_BOOKS.replace("?1", "?2")
                ),
                rusqlite::params![path, d],
                |r| r.get(0),
            )
            .unwrap();
        assert!(actual > 0);
        assert_eq!(total(&r, "编制/核定"), approved, "{d}");
        assert_eq!(total(&r, "编制/实有"), actual, "{d}");
        let whole = report(&c, &["establishment", "--as-of", d]);
        assert!(total(&whole, "编制/实有") > actual);

        // The unit's report: its own row and one per unit directly under it, which
        // together are the subtree.
        let u = report(&c, &["unit", "--org", &id.to_string(), "--as-of", d]);
        for k in ["编制/核定", "编制/实有", "编制/空编", "编制/超编"] {
            assert_eq!(total(&u, k), total(&r, k), "{d} {k}");
        }
        let children: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM orgs WHERE parent_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(u["rows"].as_array().unwrap().len() as i64, children + 1);
        let posts: i64 = conn
            .query_row(
                &format!("SELECT COALESCE(SUM(delta), 0) FROM posts WHERE date <= ?2 AND org_id IN ({under})"),
                rusqlite::params![path, d],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(total(&u, "领导职数/核定"), posts, "{d}");
        let on_books: i64 = conn
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM persons WHERE {} AND org_id IN ({under})",
                    ON_BOOKS.replace("?1", "?2")
                ),
                rusqlite::params![path, d],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(total(&u, "人员/在册"), on_books, "{d}");
    }
}

#[test]
fn csv_and_text_go_where_asked_and_bad_requests_are_said() {
    let c = Cache::imported();
    let json = report(&c, &["posts"]);
    let out = c.path.with_file_name("职数.csv");
    let o = bianzhi(
        &c.path,
        &[
            "report",
            "posts",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("机构规格,正职/核定职数"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), json["rows"].as_array().unwrap().len() + 2);
    assert!(lines.last().unwrap().starts_with("合计,"));
    // The text table to a file is text, not a workbook.
    let txt = c.path.with_file_name("职数.txt");
    let o = bianzhi(
        &c.path,
        &["report", "posts", "--out", txt.to_str().unwrap()],
    );
    assert!(o.status.success());
    let t = std::fs::read_to_string(&txt).unwrap();
    assert!(t.starts_with("领导职数表\n") && t.contains("合计"), "{t}");
    // A file format without a file, a bad date, a period backwards, the cache as target.
    assert!(
        c.fails(&["report", "posts", "--format", "xlsx"])
            .contains("--out")
    );
    assert!(
        c.fails(&["report", "posts", "--as-of", "2025-13-01"])
            .contains("YYYY-MM-DD")
    );
    assert!(
        c.fails(&[
            "report",
            "changes",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01"
        ])
        .contains("晚于")
    );
    let cache = c.path.to_str().unwrap();
    assert!(
        c.fails(&["report", "posts", "--format", "json", "--out", cache])
            .contains("缓存")
    );
}
