//! Issue 16, bulk entry (增员导入): the template, a filled-in file checked row by row with
//! the rules of `person add` (the unit's 可使用 going down across the rows of the file),
//! errors named by row and column, nothing queued unless every row passes, `--valid-only`
//! and its file of rows to fix, and the queued persons reaching the real server on sync.

use crate::util::*;
use bianzhi::model::idcard::make_id;
use bianzhi::model::*;
use bianzhi::store::Store;
use bianzhi::store::{maintain, outbox};
use std::path::Path;

use crate::util::{client_ok as ok, client_run as run};

/// stdout and stderr of a refused command.
fn refused(cache: &Path, args: &[&str]) -> String {
    let o = run(cache, args);
    assert!(!o.status.success(), "{args:?} should be refused");
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A unit of the cache and a staffing type with `usable` places left (the fewest of at
/// least 2, so a file can use them all up).
fn unit_with_places(cache: &Path) -> (OrgId, StaffingType, i64) {
    let store = Store::open(cache).unwrap();
    let conn = store.conn();
    let mut st = conn
        .prepare("SELECT id FROM orgs WHERE abolished = 0 ORDER BY id")
        .unwrap();
    let ids: Vec<OrgId> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut best: Option<(OrgId, StaffingType, i64)> = None;
    for id in ids {
        let f = maintain::unit_figures_now(conn, id).unwrap();
        for (t, q) in &f.quota {
            let u = q.usable;
            if u >= 2 && best.is_none_or(|b| u < b.2) {
                best = Some((id, *t, u));
            }
        }
    }
    best.expect("a unit with usable places")
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn queued(cache: &Path) -> usize {
    outbox::entries(Store::open(cache).unwrap().conn())
        .unwrap()
        .len()
}

/// A new person's row: 姓名, 身份证号, 性别, 出生日期, 民族, 岗位类别, 占编类型.
fn row(name: &str, seq: u32, t: StaffingType) -> String {
    let birth = "1991-04-05".parse().unwrap();
    format!(
        "{name},{},男,1991-04-05,汉族,{},{}",
        make_id("990101", birth, seq),
        PostType::ALL[0].zh(),
        t.zh()
    )
}

const HEADER: &str = "*姓名,*身份证号,*性别,*出生日期,*民族,*岗位类别,占编类型";

#[test]
fn the_template_has_every_field_a_list_of_values_and_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c.db");
    let out = dir.path().join("模板.xlsx");
    let said = ok(
        &cache,
        &["person", "template", "--out", out.to_str().unwrap()],
    );
    assert!(said.contains("模板已写入"), "{said}");
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[..2], ["增员登记".to_string(), "取值".to_string()]);
    let sheet = book.worksheet_range("增员登记").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0].len(), edit::PersonField::ALL.len());
    assert_eq!(rows[0][0], "*姓名");
    assert_eq!(rows[0][1], "*身份证号");
    // The example's ID number is text, all 18 characters.
    assert_eq!(rows[1][1].len(), 18, "{:?}", rows[1]);
    let lists = book.worksheet_range("取值").unwrap();
    let heads: Vec<String> = lists
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(heads.contains(&"民族".to_string()), "{heads:?}");
    let col = heads.iter().position(|h| h == "民族").unwrap();
    let groups = lists
        .rows()
        .skip(1)
        .filter(|r| !r[col].to_string().is_empty())
        .count();
    assert_eq!(groups, 56);
    // The drop-down lists are data validations over the entry sheet's columns.
    let bytes = std::fs::read(&out).unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<dataValidation "), "no validation");
    assert!(xml.contains("取值!$"), "lists from the 取值 sheet");
    // The template read back as it is holds no one (the example is skipped).
    let err = refused(
        &cache,
        &[
            "person",
            "import",
            out.to_str().unwrap(),
            "--org",
            "1",
            "--doc",
            "x",
        ],
    );
    assert!(err.contains("没有要导入的行"), "{err}");
}

/// One file of a zip archive (an XLSX's XML), as text.
fn zip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    z.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_new_persons_is_checked_whole_queued_and_reaches_the_server() {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("甲", root);
    let cache = w.cache("a");
    sync(&w.client(&token), &cache).await.unwrap();
    let (org, t, usable) = unit_with_places(&cache);
    let dir = tempfile::tempdir().unwrap();
    let org_s = org.to_string();
    let import = |file: &Path, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "person",
            "import",
            file.to_str().unwrap(),
            "--org",
            &org_s,
            "--doc",
            "示编〔2026〕99号",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    // Errors of every kind, each named by row and column; nothing queued.
    let bad = dir.path().join("有误.csv");
    let lines = [
        HEADER.to_string(),
        row("王一", 21, t),                                     // row 2: fine
        row("王 二", 23, t),                                    // row 3: a space in the name
        row("王三", 25, t).replace(",汉族,", ",火星族,"),       // row 4: not an ethnic group
        row("王四", 21, t),                                     // row 5: the ID number of row 2
        row("王五", 27, t).replace("1991-04-05", "1992-04-05"), // row 6: birth date ≠ ID
    ];
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let err = refused(&cache, &strs(&import(&bad, &[])));
    assert!(err.contains("第 3 行“姓名”"), "{err}");
    assert!(err.contains("第 4 行“民族”"), "{err}");
    assert!(err.contains("第 5 行“身份证号”"), "{err}");
    assert!(err.contains("第 6 行“出生日期”"), "{err}");
    assert!(!err.contains("第 2 行"), "{err}");
    assert!(
        err.contains("4 行有误（共 5 行），没有记录任何人员"),
        "{err}"
    );
    assert_eq!(queued(&cache), 0, "nothing queued");
    let en = refused(
        &cache,
        &strs(&[vec!["--lang".to_string(), "en".into()], import(&bad, &[])].concat()),
    );
    assert!(en.contains("row 4, \"民族\""), "{en}");

    // --valid-only: the good row is queued, the rest written with their errors.
    let rest = dir.path().join("待改正.xlsx");
    let said = ok(
        &cache,
        &strs(&import(
            &bad,
            &["--valid-only", "--rest", rest.to_str().unwrap()],
        )),
    );
    assert!(said.contains("已记录增员 1 人"), "{said}");
    assert_eq!(queued(&cache), 1);
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&rest).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let back: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(back.len(), 5, "the header and the 4 rows to fix");
    assert_eq!(back[0].last().unwrap(), "错误说明");
    assert_eq!(back[1][0], "王 二");
    assert!(back[2].last().unwrap().contains("民族"), "{:?}", back[2]);

    // 可使用 accumulates across the rows: one row more than the places left.
    let full = dir.path().join("满编.csv");
    let mut lines = vec![HEADER.to_string()];
    let left = usable - 1; // 王一 holds one already
    for k in 0..=left {
        lines.push(row(&format!("李{k}"), 101 + 2 * k as u32, t));
    }
    std::fs::write(&full, lines.join("\n")).unwrap();
    let err = refused(&cache, &strs(&import(&full, &[])));
    let last = left as usize + 2;
    assert!(err.contains(&format!("第 {last} 行")), "{err}");
    assert!(err.contains("1 行有误"), "only the last row: {err}");
    assert_eq!(queued(&cache), 1);

    // Without the last row, the whole file goes in, then to the server.
    lines.pop();
    std::fs::write(&full, lines.join("\n")).unwrap();
    let said = ok(&cache, &strs(&import(&full, &[])));
    assert!(said.contains(&format!("已记录增员 {left} 人")), "{said}");
    assert_eq!(queued(&cache), 1 + left as usize);
    let after = maintain::unit_figures_now(Store::open(&cache).unwrap().conn(), org)
        .unwrap()
        .quota_of(t);
    assert_eq!(after.usable, 0);
    let r = sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!(
        (r.pushed, r.accepted, r.rejected),
        (1 + left as u64, 1 + left as u64, 0),
        "{r:?}"
    );
    let db = w.db();
    let on_server: i64 = db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM persons WHERE entry_doc = '示编〔2026〕99号'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(on_server, 1 + left);
    // Each import is in the audit log, counts only.
    let store = Store::open(&cache).unwrap();
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'import'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 5);
}
