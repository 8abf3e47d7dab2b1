//! Roster comparison (比对), run as a clerk runs it: the real binary on a cache imported
//! from the generated small world, rosters built from the cache's own persons with a
//! known difference of every category, written as CSV in UTF-8, UTF-8 with BOM and GBK,
//! and as XLSX, with renamed and shuffled columns.

use crate::cli::{Cache, bianzhi};
use crate::util::cache_data;
use bianzhi::model::idcard::{make_id, normalize_id};
use bianzhi::model::{Dataset, OrgId, OrgKind, Person, PersonStatus, StaffingType};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One roster row: name, ID number, unit, staffing type; and the category expected.
struct Row {
    cells: [String; 4],
    expect: &'static str,
}

/// A roster with a known outcome.
struct Plan {
    rows: Vec<Row>,
    /// Expected count per category key.
    counts: HashMap<&'static str, usize>,
    /// Full ID numbers that must never be printed.
    ids: Vec<String>,
}

/// Persons that can stand for themselves in a roster: a valid ID number held by nobody
/// else, a name no one else in the unit has.
fn clean(d: &Dataset, status: impl Fn(PersonStatus) -> bool) -> Vec<&Person> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: HashMap<(OrgId, &str), usize> = HashMap::new();
    for p in &d.persons {
        *ids.entry(&p.id_number).or_default() += 1;
        if p.status == PersonStatus::Active {
            *names.entry((p.org_id, &p.name)).or_default() += 1;
        }
    }
    d.persons
        .iter()
        .filter(|p| status(p.status))
        .filter(|p| ids[p.id_number.as_str()] == 1)
        .filter(|p| normalize_id(&p.id_number).is_ok_and(|(id, _)| id == p.id_number))
        .filter(|p| {
            names
                .get(&(p.org_id, p.name.as_str()))
                .is_none_or(|n| *n == 1)
        })
        .filter(|p| p.status != PersonStatus::Active || p.staffing_type.is_some())
        .collect()
}

/// The roster: rows of every category, in a shuffled order.
fn plan(d: &Dataset) -> Plan {
    let orgs: HashMap<OrgId, _> = d.orgs.iter().map(|o| (o.id, o)).collect();
    let unit = |p: &Person| orgs[&p.org_id].name.clone();
    let staffing = |p: &Person| {
        p.staffing_type
            .map(|t| t.zh())
            .unwrap_or("编外")
            .to_string()
    };
    let active = clean(d, |s| s == PersonStatus::Active);
    let left = clean(d, |s| {
        matches!(s, PersonStatus::Retired | PersonStatus::Former)
    });
    assert!(
        active.len() > 60 && left.len() >= 2,
        "{} {}",
        active.len(),
        left.len()
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut next = active.iter().copied();
    let mut take = || next.next().expect("enough persons");
    let row = |name: String, id: String, unit: String, st: String, expect| Row {
        cells: [name, id, unit, st],
        expect,
    };
    // 一致, with the ID number written as rosters write it.
    for k in 0..30 {
        let p = take();
        let id = match k % 5 {
            0 => p.id_number.to_lowercase(),
            1 => p
                .id_number
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect(),
            2 => format!(
                "{} {} {}",
                &p.id_number[..6],
                &p.id_number[6..14],
                &p.id_number[14..]
            ),
            // 15 digits, as issued before 1999.
            3 if &p.id_number[6..8] == "19" => {
                format!("{}{}", &p.id_number[..6], &p.id_number[8..17])
            }
            _ => p.id_number.clone(),
        };
        // Units as the full name, the short name, or the full name with stray spaces.
        let o = orgs[&p.org_id];
        let u = match (k % 3, &o.short_name) {
            (1, Some(s)) => s.clone(),
            (2, _) => format!(" {} ", o.name),
            _ => o.name.clone(),
        };
        rows.push(row(p.name.clone(), id, u, staffing(p), "match"));
    }
    // 一致 on name within the unit, without an ID number.
    for _ in 0..2 {
        let p = take();
        rows.push(row(
            p.name.clone(),
            String::new(),
            unit(p),
            staffing(p),
            "match",
        ));
    }
    for _ in 0..3 {
        let p = take();
        let name = format!("{}某", p.name);
        rows.push(row(
            name,
            p.id_number.clone(),
            unit(p),
            staffing(p),
            "name_differs",
        ));
    }
    for _ in 0..3 {
        let p = take();
        let other = d
            .orgs
            .iter()
            .find(|o| {
                o.id != p.org_id
                    && o.kind == OrgKind::Institution
                    && o.name != unit(p)
                    && Some(o.id) != orgs[&p.org_id].parent_id
            })
            .unwrap();
        let (id, st) = (p.id_number.clone(), staffing(p));
        rows.push(row(
            p.name.clone(),
            id,
            other.name.clone(),
            st,
            "unit_differs",
        ));
    }
    for _ in 0..3 {
        let p = take();
        let other = StaffingType::ALL
            .iter()
            .find(|t| Some(**t) != p.staffing_type)
            .unwrap();
        let id = p.id_number.clone();
        rows.push(row(
            p.name.clone(),
            id,
            unit(p),
            other.zh().into(),
            "staffing_differs",
        ));
    }
    // A wrong check character: 身份证号无效, but the name still finds the person.
    for _ in 0..2 {
        let p = take();
        let mut id = p.id_number[..17].to_string();
        let last = p.id_number.as_bytes()[17];
        id.push(if last == b'0' { '1' } else { '0' });
        rows.push(row(p.name.clone(), id, unit(p), staffing(p), "invalid_id"));
    }
    // Nobody on the books holds these numbers.
    let known: HashSet<&str> = d.persons.iter().map(|p| p.id_number.as_str()).collect();
    let mut made = 0;
    for seq in 1..1000 {
        let birth = chrono::NaiveDate::from_ymd_opt(1985, 3, 7).unwrap();
        let id = make_id("990188", birth, seq);
        if known.contains(id.as_str()) {
            continue;
        }
        let u = unit(active[0]);
        rows.push(row(
            format!("外人{seq}"),
            id,
            u,
            "事业编制".into(),
            "not_on_books",
        ));
        made += 1;
        if made == 2 {
            break;
        }
    }
    for p in left.iter().take(2) {
        let st = staffing(p);
        rows.push(row(
            p.name.clone(),
            p.id_number.clone(),
            unit(p),
            st,
            "left_but_listed",
        ));
    }
    // Two rows again, under the same ID number.
    for r in [3, 7] {
        let cells = rows[r].cells.clone();
        rows.push(Row {
            cells,
            expect: "duplicate",
        });
    }
    let consumed = 30 + 2 + 3 + 3 + 3 + 2;
    let on_books = d
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active)
        .count();
    // Shuffled: a fixed permutation, so duplicates come before or after their first.
    let n = rows.len();
    let mut order: Vec<usize> = (0..n).map(|i| (i * 17) % n).collect();
    order.dedup();
    assert_eq!(
        order.iter().collect::<HashSet<_>>().len(),
        n,
        "17 is prime to {n}"
    );
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    let rows: Vec<Row> = order.iter().map(|&i| slots[i].take().unwrap()).collect();
    // A duplicate is the later of the two rows: which one that is depends on the order.
    let rows = mark_duplicates(rows);
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for r in &rows {
        *counts.entry(r.expect).or_default() += 1;
    }
    counts.insert("not_on_roster", on_books - consumed);
    Plan {
        rows,
        counts,
        ids: d.persons.iter().map(|p| p.id_number.clone()).collect(),
    }
}

/// Of two rows with the same cells, the first keeps its category, the later is 名单内重复.
fn mark_duplicates(mut rows: Vec<Row>) -> Vec<Row> {
    let mut seen: HashMap<[String; 4], usize> = HashMap::new();
    let mut firsts: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(&f) = seen.get(&r.cells) {
            firsts.push((f, i));
        } else {
            seen.insert(r.cells.clone(), i);
        }
    }
    for (f, later) in firsts {
        let kept = if rows[f].expect == "duplicate" {
            rows[later].expect
        } else {
            rows[f].expect
        };
        rows[f].expect = kept;
        rows[later].expect = "duplicate";
    }
    rows
}

/// Columns in the file's order: (header, which of the four cells). `None` is a column
/// the comparison does not read.
type Layout = &'static [(&'static str, Option<usize>)];

fn table(plan: &Plan, layout: Layout) -> Vec<Vec<String>> {
    let mut t = vec![
        layout
            .iter()
            .map(|(h, _)| h.to_string())
            .collect::<Vec<_>>(),
    ];
    for (i, r) in plan.rows.iter().enumerate() {
        t.push(
            layout
                .iter()
                .map(|(_, c)| match c {
                    Some(c) => r.cells[*c].clone(),
                    None => format!("备注{i}"),
                })
                .collect(),
        );
    }
    t
}

fn csv_text(t: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in t {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn write_xlsx(t: &[Vec<String>], path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in t.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Runs `compare --json` and checks every category count and every row's category.
fn check(c: &Cache, plan: &Plan, file: &Path, first_line: usize, extra: &[&str]) -> Value {
    let mut args = vec!["compare", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let out = bianzhi(&c.path, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for id in &plan.ids {
        assert!(!text.contains(id.as_str()), "an ID number in full");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    let counts: HashMap<String, u64> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["category_key"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    for (k, n) in &counts {
        let want = plan.counts.get(k.as_str()).copied().unwrap_or(0) as u64;
        assert_eq!(*n, want, "{k} in {}: {counts:?}", file.display());
    }
    let mut by_line: HashMap<u64, String> = HashMap::new();
    for e in v["entries"].as_array().unwrap() {
        if let Some(line) = e["row"].as_u64() {
            let cat = e["category_key"].as_str().unwrap().to_string();
            assert!(by_line.insert(line, cat).is_none(), "row {line} twice");
        }
    }
    assert_eq!(by_line.len(), plan.rows.len());
    for (i, r) in plan.rows.iter().enumerate() {
        let line = (first_line + i) as u64;
        assert_eq!(by_line[&line], r.expect, "row {line}: {:?}", r.cells);
    }
    v
}

fn setup() -> (Cache, Plan, tempfile::TempDir) {
    let c = Cache::imported();
    let d = cache_data(&c.path);
    let p = plan(&d);
    (c, p, tempfile::tempdir().unwrap())
}

fn path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn utf8_csv_every_row_in_its_category() {
    let (c, plan, dir) = setup();
    let layout: Layout = &[
        ("姓名", Some(0)),
        ("身份证号", Some(1)),
        ("单位", Some(2)),
        ("编制类型", Some(3)),
    ];
    let f = path(&dir, "名单.csv");
    std::fs::write(&f, csv_text(&table(&plan, layout))).unwrap();
    let v = check(&c, &plan, &f, 2, &[]);
    assert_eq!(v["format"], "CSV UTF-8");
    // The rows without an ID number that found their person are flagged.
    let flagged = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["by_name"] == true && e["category_key"] == "match")
        .count();
    assert_eq!(flagged, 2);
    // Those who left are shown with the date they left.
    for e in v["entries"].as_array().unwrap() {
        if e["category_key"] == "left_but_listed" {
            assert!(e["exit_date"].is_string(), "{e}");
        }
    }
}

#[test]
fn bom_csv_with_shuffled_renamed_columns() {
    let (c, plan, dir) = setup();
    let layout: Layout = &[
        ("序号", None),
        ("公民身份号码", Some(1)),
        ("工作单位", Some(2)),
        ("姓名", Some(0)),
        ("占编类型", Some(3)),
    ];
    let f = path(&dir, "名单.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(csv_text(&table(&plan, layout)).into_bytes());
    std::fs::write(&f, bytes).unwrap();
    let v = check(&c, &plan, &f, 2, &[]);
    assert_eq!(v["format"], "CSV UTF-8 BOM");
    assert_eq!(v["unused_columns"][0], "序号");
}

#[test]
fn gbk_csv_under_a_title_row_is_detected() {
    let (c, plan, dir) = setup();
    let layout: Layout = &[
        ("人员类别", Some(3)),
        ("姓名", Some(0)),
        ("单位名称", Some(2)),
        ("证件号码", Some(1)),
    ];
    let text = format!(
        "2026年11月工资统发名单,,,\n{}",
        csv_text(&table(&plan, layout))
    );
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    let f = path(&dir, "名单.csv");
    std::fs::write(&f, &gbk).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err(), "not UTF-8 by chance");
    let v = check(&c, &plan, &f, 3, &[]);
    assert_eq!(v["format"], "CSV GBK");
}

#[test]
fn xlsx_with_a_mapped_header_and_a_workbook_of_differences() {
    let (c, plan, dir) = setup();
    let layout: Layout = &[
        ("人员", Some(0)),
        ("身份证", Some(1)),
        ("所在单位", Some(2)),
        ("类别", Some(3)),
    ];
    let f = path(&dir, "名单.xlsx");
    write_xlsx(&table(&plan, layout), &f);
    // 人员 and 类别 are nobody's usual headers: without --map the name is missing.
    let out = bianzhi(&c.path, &["compare", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("缺少“姓名”列") && err.contains("人员"),
        "{err}"
    );
    let diff = path(&dir, "out/差异.xlsx");
    let d = diff.to_str().unwrap();
    let v = check(
        &c,
        &plan,
        &f,
        2,
        &["--map", "人员=姓名", "--map", "类别=staffing", "--out", d],
    );
    assert_eq!(v["format"], "XLSX");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&diff).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&diff).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 10, "{names:?}");
    assert_eq!(names[0], "汇总");
    for cat in ["一致", "名单有、在册无", "名单内重复", "身份证号无效"] {
        assert!(names.iter().any(|n| n == cat), "{cat} in {names:?}");
    }
    let sheet = book.worksheet_range("占编类型不一致").unwrap();
    assert_eq!(sheet.height(), 1 + plan.counts["staffing_differs"]);
    for row in sheet.rows().skip(1) {
        let Data::String(id) = &row[2] else {
            panic!("{row:?}")
        };
        assert!(id.contains("********"), "{id}");
    }
}

#[test]
fn a_subtree_is_compared_with_its_own_persons() {
    let c = Cache::imported();
    let d = cache_data(&c.path);
    // A county-level unit with persons in several units under it.
    let mut children: HashMap<OrgId, Vec<OrgId>> = HashMap::new();
    for o in &d.orgs {
        if let Some(p) = o.parent_id {
            children.entry(p).or_default().push(o.id);
        }
    }
    let subtree = |root: OrgId| {
        let mut all = vec![root];
        let mut i = 0;
        while i < all.len() {
            all.extend(children.get(&all[i]).cloned().unwrap_or_default());
            i += 1;
        }
        all.into_iter().collect::<HashSet<_>>()
    };
    let active = |s: &HashSet<OrgId>| {
        d.persons
            .iter()
            .filter(|p| p.status == PersonStatus::Active && s.contains(&p.org_id))
            .count()
    };
    let root = d
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Institution)
        .max_by_key(|o| active(&subtree(o.id)))
        .unwrap();
    let scope = subtree(root.id);
    let names: HashMap<OrgId, &str> = d.orgs.iter().map(|o| (o.id, o.name.as_str())).collect();
    let listed: Vec<&Person> = clean(&d, |s| s == PersonStatus::Active)
        .into_iter()
        .filter(|p| scope.contains(&p.org_id))
        .collect();
    assert!(listed.len() >= 5);
    let mut t = vec![vec!["姓名".to_string(), "身份证号".into(), "单位".into()]];
    for p in &listed {
        t.push(vec![
            p.name.clone(),
            p.id_number.clone(),
            names[&p.org_id].into(),
        ]);
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.csv");
    std::fs::write(&f, csv_text(&t)).unwrap();
    let v = c.json(&[
        "compare",
        f.to_str().unwrap(),
        "--org",
        &root.id.to_string(),
        "--json",
    ]);
    let count = |k: &str| {
        v["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category_key"] == k)
            .unwrap()["count"]
            .as_u64()
            .unwrap() as usize
    };
    assert_eq!(count("match"), listed.len());
    assert_eq!(count("not_on_roster"), active(&scope) - listed.len());
    assert_eq!(v["persons_in_scope"], active(&scope));
    assert_eq!(v["entries"].as_array().unwrap().len(), active(&scope));
}

#[test]
fn files_that_cannot_be_read_are_named_and_nothing_is_written() {
    let c = Cache::imported();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diff.xlsx");
    let o = out.to_str().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("empty.csv", Vec::new(), "空的", "empty"),
        (
            "binary.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec(),
            "既不是 Excel",
            "neither an Excel",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04 this is not really a zip archive".to_vec(),
            "读取表格失败",
            "reading the workbook failed",
        ),
        (
            "noid.csv",
            "姓名,单位\n张三,示例市教育局\n".as_bytes().to_vec(),
            "缺少“身份证号”列（表头为：姓名、单位）",
            "no \"ID number\" column (its headers: 姓名, 单位)",
        ),
        (
            "latin.csv",
            b"name,id\n\xe9t\xe9,1\n".to_vec(),
            "编码看来是",
            "seems to be in",
        ),
    ];
    for (name, bytes, zh, en) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let f = f.to_str().unwrap();
        let err = c.fails(&["compare", f, "--out", o]);
        assert!(err.contains(zh), "{name}: {err}");
        let err = c.fails(&["--lang", "en", "compare", f, "--out", o]);
        assert!(err.contains(en), "{name}: {err}");
        assert!(!out.exists(), "{name}: wrote a file");
    }
    // A --map naming a column that is not there, or a field that is not one.
    let f = dir.path().join("r.csv");
    std::fs::write(&f, "姓名,身份证号\n张三,1\n").unwrap();
    let f = f.to_str().unwrap();
    let err = c.fails(&["compare", f, "--map", "证件=身份证号"]);
    assert!(err.contains("“证件”不在名单的表头中"), "{err}");
    let err = c.fails(&["compare", f, "--map", "姓名=工资"]);
    assert!(err.contains("姓名=工资"), "{err}");
    let err = c.fails(&["--lang", "en", "compare", f, "--map", "姓名=工资"]);
    assert!(err.contains("cannot read --map"), "{err}");
}

#[test]
fn the_table_fits_80_columns_and_masks_id_numbers() {
    let (c, plan, dir) = setup();
    let layout: Layout = &[
        ("姓名", Some(0)),
        ("身份证号", Some(1)),
        ("单位", Some(2)),
        ("编制类型", Some(3)),
    ];
    let f = path(&dir, "r.csv");
    std::fs::write(&f, csv_text(&table(&plan, layout))).unwrap();
    for lang in ["zh", "en"] {
        let out = bianzhi(&c.path, &["--lang", lang, "compare", f.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        use unicode_width::UnicodeWidthStr;
        // The first line names the file (its path is as long as it is).
        for l in text.lines().skip(1) {
            assert!(l.width() <= 80, "{lang}: {} cells: {l}", l.width());
        }
        for id in &plan.ids {
            assert!(!text.contains(id.as_str()));
        }
        assert!(text.contains(if lang == "zh" {
            "名单内重复"
        } else {
            "duplicate"
        }));
        if lang == "en" {
            let bad = chinese_left(&text, &plan, &cache_data(&c.path));
            assert!(bad.is_empty(), "not in English:\n{}", bad.join("\n"));
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Lines of `text` that hold Chinese besides the data's values (the roster's cells, the
/// books' names and units, a value clipped with `…`), after the first (the file's name).
fn chinese_left(text: &str, plan: &Plan, d: &Dataset) -> Vec<String> {
    let mut values: Vec<String> = plan.rows.iter().flat_map(|r| r.cells.clone()).collect();
    values.extend(d.persons.iter().map(|p| p.name.clone()));
    values.extend(d.orgs.iter().map(|o| o.name.clone()));
    values.extend(d.orgs.iter().filter_map(|o| o.short_name.clone()));
    values.retain(|v| v.chars().any(is_cjk));
    values.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
    text.lines()
        .skip(1)
        .filter(|line| {
            let mut rest = line.to_string();
            for v in &values {
                if rest.contains(v.as_str()) {
                    rest = rest.replace(v.as_str(), "");
                }
            }
            // A value cut to fit its column: the characters before the ellipsis.
            let segments: Vec<&str> = rest.split('…').collect();
            let kept: Vec<String> = segments
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if i + 1 < segments.len() {
                        s.trim_end_matches(is_cjk).to_string()
                    } else {
                        s.to_string()
                    }
                })
                .collect();
            kept.concat().chars().any(is_cjk)
        })
        .map(str::to_string)
        .collect()
}

/// `testdata/roster.xls`: a binary Excel 97-2003 workbook (BIFF8) written by xlwt
/// (`testdata/make_roster_xls.py` says how), a title row above renamed columns; its
/// numbers belong to no generated person, so each row's category is known.
#[test]
fn an_xls_roster_is_read_and_every_row_in_its_category() {
    let c = Cache::imported();
    let xls = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/roster.xls");
    let v = c.json(&["compare", xls.to_str().unwrap(), "--json"]);
    assert_eq!(v["format"], "XLS");
    let by_row: HashMap<u64, &str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| Some((e["row"].as_u64()?, e["category_key"].as_str()?)))
        .collect();
    // Row 1 is the title, row 2 the header.
    let want = [
        (3, "not_on_books"),
        (4, "not_on_books"),
        (5, "not_on_books"),
        (6, "not_on_books"),
        (7, "not_on_books"),
        (8, "invalid_id"),
        (9, "duplicate"),
    ];
    assert_eq!(by_row.len(), want.len(), "{by_row:?}");
    for (row, cat) in want {
        assert_eq!(by_row[&row], cat, "row {row}");
    }
    let count = |k: &str| {
        v["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category_key"] == k)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("not_on_books"), 5);
    assert_eq!(
        count("not_on_roster"),
        v["persons_in_scope"].as_u64().unwrap()
    );
    // The 15-digit number was read as its 18-digit form, lower-case x as X.
    let text = v.to_string();
    assert!(!text.contains("110101310505905"), "masked and converted");
}

/// A cell of 10 MB (a stray quote, or not a roster at all): said with where it is, and
/// no workbook written.
#[test]
fn a_ten_megabyte_cell_is_named_and_nothing_is_written() {
    let c = Cache::imported();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("huge.csv");
    let mut text = String::from("姓名,身份证号\n张三,110101199003070011\n");
    text.push_str(&"甲".repeat(10 * 1024 * 1024 / 3));
    text.push_str(",110101199003070011\n");
    std::fs::write(&f, text).unwrap();
    let out = dir.path().join("diff.xlsx");
    let args = [
        "compare",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let err = c.fails(&args);
    assert!(err.contains("第 3 行第 1 列的单元格长达"), "{err}");
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&args);
    let err = c.fails(&en);
    assert!(err.contains("row 3, column 1 holds"), "{err}");
    assert!(!out.exists());
}

/// Every comparison is in the audit log: the file, the rows and the counts, never a
/// name or an ID number (it reads personal data).
#[test]
fn every_comparison_is_audited_without_personal_data() {
    let (c, plan, dir) = setup();
    let f = path(&dir, "r.csv");
    let layout: Layout = &[
        ("姓名", Some(0)),
        ("身份证号", Some(1)),
        ("单位", Some(2)),
        ("编制类型", Some(3)),
    ];
    std::fs::write(&f, csv_text(&table(&plan, layout))).unwrap();
    let audited = |c: &Cache| -> Vec<(String, Option<i64>)> {
        let store = bianzhi::store::Store::open(&c.path).unwrap();
        let mut st = store
            .conn()
            .prepare("SELECT detail, rows FROM audit WHERE action = 'compare' ORDER BY rowid")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert!(audited(&c).is_empty());
    bianzhi(&c.path, &["compare", f.to_str().unwrap()]);
    bianzhi(&c.path, &["compare", f.to_str().unwrap(), "--json"]);
    let rows = audited(&c);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (detail, n) in &rows {
        assert!(detail.contains("r.csv"), "{detail}");
        assert_eq!(*n, Some(plan.rows.len() as i64));
        for r in &plan.rows {
            for cell in &r.cells[..2] {
                let cell = cell.trim();
                assert!(
                    cell.is_empty() || !detail.contains(cell),
                    "{cell}: {detail}"
                );
            }
        }
    }
    // A roster that cannot be read reads no one: nothing is recorded.
    let bad = path(&dir, "bad.csv");
    std::fs::write(&bad, "姓名\n张三\n").unwrap();
    c.fails(&["compare", bad.to_str().unwrap()]);
    assert_eq!(audited(&c).len(), 2);
}
