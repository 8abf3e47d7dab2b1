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
    let t = quota_table(s.conn(), root).unwrap();
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
    let t = persons_table(s.conn(), root, false).unwrap();
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
    let q = quota_table(s.conn(), root).unwrap();
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
