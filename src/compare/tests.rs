use super::read::read_roster;
use super::*;

#[test]
fn headers_are_recognised_by_their_usual_names() {
    assert_eq!(Field::from_header(" 公民身份号码 "), Some(Field::IdNumber));
    assert_eq!(Field::from_header("*姓 名"), Some(Field::Name));
    assert_eq!(Field::from_header("工作单位"), Some(Field::Unit));
    assert_eq!(Field::from_header("人员类别"), Some(Field::StaffingType));
    assert_eq!(Field::from_header("备注"), None);
}

#[test]
fn staffing_types_as_rosters_write_them() {
    use crate::model::StaffingType as T;
    assert_eq!(
        RosterStaffing::parse("行政编制"),
        RosterStaffing::Type(T::Administrative)
    );
    assert_eq!(
        RosterStaffing::parse("行政编"),
        RosterStaffing::Type(T::Administrative)
    );
    assert_eq!(
        RosterStaffing::parse("参公"),
        RosterStaffing::Type(T::CivilServiceManaged)
    );
    assert_eq!(
        RosterStaffing::parse("事业"),
        RosterStaffing::Type(T::PublicInstitution)
    );
    assert_eq!(RosterStaffing::parse("编外"), RosterStaffing::Outside);
    assert_eq!(RosterStaffing::parse(""), RosterStaffing::Unknown);
    assert_eq!(RosterStaffing::parse("临时工"), RosterStaffing::Unreadable);
}

#[test]
fn a_title_row_above_the_header_is_skipped() {
    let csv = "2026年工资统发名单,,\n序号,姓名,身份证号\n1,张伟,11010519491231002X\n";
    let r = read_roster(csv.as_bytes(), &[]).unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].line, 3);
    assert_eq!(r.unused, vec!["序号".to_string()]);
    assert!(!r.has(Field::Unit));
}

#[test]
fn gbk_is_told_from_utf8_without_being_told() {
    let text = "姓名,身份证号,单位\n张伟,11010519491231002X,示例市教育局\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let r = read_roster(&gbk, &[]).unwrap();
    assert_eq!(r.format, "CSV GBK");
    assert_eq!(r.rows[0].unit.as_deref(), Some("示例市教育局"));
}

#[test]
fn a_map_names_a_column_that_is_not_there() {
    let csv = "名字,号码\n张伟,1\n";
    let maps = [parse_map("证件=身份证号").unwrap()];
    match read_roster(csv.as_bytes(), &maps) {
        Err(Error::NoSuchColumn { column, .. }) => assert_eq!(column, "证件"),
        other => panic!("{other:?}"),
    }
    match read_roster(csv.as_bytes(), &[]) {
        Err(Error::MissingColumn { field, found }) => {
            assert_eq!(field, Field::IdNumber);
            assert_eq!(found, vec!["名字".to_string(), "号码".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(parse_map("号码=工资").is_err());
}

/// The same rows written as XLSX (read as a stream of cells, only the mapped columns
/// kept) and as CSV (read whole): the same roster, for a sheet that ends within the
/// rows searched for the header and for one that runs past them.
#[test]
fn an_xlsx_roster_read_as_a_stream_is_the_roster_read_whole() {
    for extra in [0usize, 25] {
        let mut rows: Vec<Vec<String>> = vec![
            vec!["2026年工资统发名单".into()],
            ["序号", "姓名", "身份证号", "备注", "工作单位"]
                .map(String::from)
                .to_vec(),
            ["1", " 张伟 ", "11010519491231002X", "", "县教育局"]
                .map(String::from)
                .to_vec(),
            // A blank row (a space): counted in line numbers, not a roster row.
            vec![" ".into()],
            ["", "", "", "只有备注", ""].map(String::from).to_vec(),
        ];
        for i in 0..extra {
            rows.push(vec![
                format!("{}", i + 2),
                format!("人员{i}"),
                format!("1101051949123100{i:02}"),
                String::new(),
                if i % 2 == 0 {
                    "县财政局".into()
                } else {
                    String::new()
                },
            ]);
        }
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let mut csv = String::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    // Numbers as Excel stores them (序号, and an ID typed as a number).
                    Ok(n) if !cell.is_empty() && cell.len() < 15 => {
                        ws.write_number(r as u32, c as u16, n).unwrap()
                    }
                    _ if cell.is_empty() => ws,
                    _ if cell.trim().is_empty() => {
                        ws.write_string(r as u32, c as u16, cell).unwrap()
                    }
                    _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        let xlsx = wb.save_to_buffer().unwrap();
        let streamed = read_roster(&xlsx, &[]).unwrap();
        let whole = read_roster(csv.as_bytes(), &[]).unwrap();
        assert_eq!(streamed.format, "XLSX");
        assert_eq!(streamed.rows, whole.rows, "{extra} extra rows");
        assert_eq!(streamed.rows.len(), 2 + extra);
        assert_eq!(streamed.columns, whole.columns);
        assert_eq!(streamed.unused, whole.unused);
        assert_eq!(streamed.rows[1].name, "");
        assert_eq!(streamed.rows[1].line, 5);
    }
}
