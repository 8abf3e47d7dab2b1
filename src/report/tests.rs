use super::*;
use crate::store::Store;

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(&crate::generate::generate(crate::generate::Scale::Small, 1))
        .unwrap();
    s
}

#[test]
fn quota_table_rows_sum_to_the_subtree() {
    let s = store();
    let root = queries::roots(s.conn()).unwrap()[0].org.id;
    let t = quota_table(s.conn(), root, Lang::Zh).unwrap();
    let sum = |col: usize| {
        t.rows
            .iter()
            .map(|r| r[col].parse::<i64>().unwrap())
            .sum::<i64>()
    };
    let total = queries::subtree_figures(s.conn(), root).unwrap().total();
    assert_eq!(
        (sum(3), sum(4), sum(5), sum(6), sum(7)),
        (
            total.approved,
            total.actual,
            total.reserved,
            total.vacant,
            total.over
        )
    );
}

#[test]
fn csv_and_xlsx_read_back_as_the_screen_rows() {
    let s = store();
    let root = queries::roots(s.conn()).unwrap()[0].org.id;
    let t = persons_table(s.conn(), root, false, Lang::Zh).unwrap();
    assert!(
        t.rows.iter().all(|r| r[3].contains("********")),
        "ID numbers are masked"
    );
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("p.csv");
    write_csv(&t, &csv_path).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let back: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(back, t.rows);

    let xlsx_path = dir.path().join("q.xlsx");
    let q = quota_table(s.conn(), root, Lang::Zh).unwrap();
    write_xlsx(&q, &xlsx_path).unwrap();
    let cells = xlsx_cells(&xlsx_path);
    assert_eq!(cells[0], q.header);
    assert_eq!(&cells[1..], &q.rows[..]);
}

/// The first sheet of a workbook as text, figures written back as integers: what an
/// export test compares with the table it wrote.
pub(crate) fn xlsx_cells(path: &Path) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// ID numbers, document numbers, credit codes and anything with a leading zero or more
/// than 15 digits are text cells with every digit; figures stay numbers to sum.
#[test]
fn xlsx_keeps_codes_as_text_and_figures_as_numbers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let t = Table {
        title: "codes".into(),
        header: strings(&[
            "编号",
            "身份证号",
            "批准文号",
            "统一社会信用代码",
            "核定",
            "备注",
        ]),
        rows: vec![vec![
            "7".into(),
            "990121198101064939".into(),
            "2021012".into(),
            "123301001234567890".into(),
            "+3".into(),
            "0012".into(),
        ]],
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.xlsx");
    write_xlsx(&t, &path).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
    let text = |s: &str| Data::String(s.to_string());
    assert_eq!(
        row,
        vec![
            Data::Float(7.0),
            text("990121198101064939"),
            text("2021012"),
            text("123301001234567890"),
            Data::Float(3.0),
            text("0012"),
        ]
    );
    // Outside code columns too: more than 15 digits is never a number.
    assert_eq!(figure("1234567890123456"), None);
    assert_eq!(figure("123456789012345"), Some(123456789012345.0));
    assert_eq!(figure("0"), Some(0.0));
    assert_eq!(figure("-0012"), None);
}

#[test]
fn exports_are_written_0600_over_a_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let t = Table {
        title: "t".into(),
        header: strings(&["a"]),
        rows: vec![vec!["1".into()]],
    };
    for (name, write) in [
        ("t.csv", write_csv as fn(&Table, &Path) -> _),
        ("t.xlsx", write_xlsx),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&t, &path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}: {mode:o}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "no temp file left: {names:?}");
}

#[test]
fn every_table_word_has_both_languages() {
    for w in Word::ALL {
        let (zh, en) = (w.get(Lang::Zh), w.get(Lang::En));
        assert!(!zh.is_empty() && !en.is_empty(), "{w:?}");
        assert!(en.is_ascii(), "{w:?}: {en}");
        assert_eq!(zh.matches("{}").count(), en.matches("{}").count(), "{w:?}");
    }
}

#[test]
fn the_drill_down_tables_speak_the_language_asked() {
    let s = store();
    let root = queries::roots(s.conn()).unwrap()[0].org.id;
    let (en, units) = units_table(s.conn(), root, None, Lang::En).unwrap();
    assert!(!units.is_empty());
    assert_eq!(en.header[2], "Staffing type");
    assert!(en.rows.iter().all(|r| r[2].is_ascii() && r[9].is_ascii()));
    let (zh, _) = units_table(s.conn(), root, None, Lang::Zh).unwrap();
    assert_eq!(zh.header[2], "编制类型");
}
