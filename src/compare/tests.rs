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
        // Read by our reader of the sheet's XML, and the same as calamine's cells.
        let ours = super::xlsx::roster(&xlsx, &[]).expect("our reader reads it");
        let theirs = super::read::calamine_roster(&xlsx, &[]).unwrap();
        assert_eq!(ours.rows, theirs.rows);
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

/// An XLSX file of our own making: `sheet` is the `<sheetData>`'s content of the first
/// sheet, `shared` the `<si>` elements of the shared strings (none: no such part).
fn workbook(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    part(
        "[Content_Types].xml",
        &format!(
            r#"{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#
        ),
    );
    part(
        "_rels/.rels",
        &format!(
            r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    part(
        "xl/workbook.xml",
        &format!(
            r#"{head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
        ),
    );
    part(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"{head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F9"/><sheetData>{sheet}</sheetData></worksheet>"#
        ),
    );
    if let Some(si) = shared {
        part(
            "xl/sharedStrings.xml",
            &format!(
                r#"{head}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{si}</sst>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// Shared strings for [`workbook`]: 0 姓名, 1 身份证号, 2 工作单位 (rich text in two runs,
/// with a phonetic guide left out), 3 张伟, 4 县教育局 & 党校 (an entity), 5 an empty
/// string, 6 备注.
const SHARED: &str = concat!(
    "<si><t>姓名</t></si>",
    "<si><t>身份证号</t></si>",
    r#"<si><r><rPr><b/></rPr><t>工作</t></r><r><t xml:space="preserve">单位 </t></r><rPh sb="0" eb="2"><t>gongzuo</t></rPh></si>"#,
    "<si><t> 张伟 </t></si>",
    "<si><t>县教育局 &amp; 党校</t></si>",
    "<si><t></t></si>",
    "<si><t>备注</t></si>",
);

/// Our reader of the sheet's XML, calamine's cell reader and the whole-sheet reader
/// give the same roster: shared and inline strings, rich text runs, entities and
/// character references, whole and fractional numbers, empty cells (`<c/>`, an empty
/// `<v>`), a formula's string, a title row, a blank row and a row of unmapped cells.
#[test]
fn our_xlsx_reader_reads_what_calamine_reads() {
    let sheet = concat!(
        // A title, then the header (序号 inline, 工作单位 in runs, 备注 unmapped).
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>2026年工资统发名单</t></is></c></row>"#,
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>序号</t></is></c><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" t="s"><v>2</v></c><c r="E3" t="s"><v>6</v></c></row>"#,
        // Numbers: 序号 whole, an ID typed as a number, a remark with a fraction.
        r#"<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="s"><v>3</v></c><c r="C4"><v>110105194912310</v></c><c r="D4" t="s"><v>4</v></c><c r="E4" t="n"><v>2.5</v></c></row>"#,
        // Inline rich text with an entity and a character reference; a formula's string.
        r#"<row r="5"><c r="A5" s="0"><v>2</v></c><c r="B5" t="inlineStr"><is><r><t>李&#x5A1C;</t></r><r><t>&lt;二&gt;</t></r></is></c><c r="C5" t="str"><f>"1101"&amp;"05"</f><v>110105</v></c><c r="D5"/><c r="E5" t="s"><v>5</v></c></row>"#,
        // Blank: a shared empty string and a cell with an empty value, nothing else.
        r#"<row r="6"><c r="B6" t="s"><v>5</v></c><c r="C6" t="n"><v></v></c></row>"#,
        // Only the unmapped column.
        r#"<row r="7"><c r="E7" t="inlineStr"><is><t>只有备注</t></is></c></row>"#,
        // A string typed where a number was expected, no type given.
        r#"<row r="8"><c r="B8" t="inlineStr"><is><t>王五</t></is></c><c r="C8"><v>11010519491231002X</v></c><c r="D8" s="3" t="s"><v>4</v></c></row>"#,
    );
    let xlsx = workbook(sheet, Some(SHARED));
    let ours = super::xlsx::roster(&xlsx, &[]).expect("our reader reads it");
    let theirs = super::read::calamine_roster(&xlsx, &[]).expect("calamine reads it");
    let (format, table) = read_table(&xlsx).unwrap();
    let whole = super::read::recognise(format, table, &[]).unwrap();
    for other in [&theirs, &whole] {
        assert_eq!(ours.rows, other.rows);
        assert_eq!(ours.headers, other.headers);
        assert_eq!(ours.columns, other.columns);
        assert_eq!(ours.unused, other.unused);
    }
    // What it read, not only that the readers agree.
    assert_eq!(ours.headers[3], "工作单位");
    let names: Vec<&str> = ours.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["张伟", "李娜<二>", "", "王五"]);
    assert_eq!(ours.rows[0].id_number, "110105194912310");
    assert_eq!(ours.rows[0].unit.as_deref(), Some("县教育局 & 党校"));
    assert_eq!(ours.rows[1].id_number, "110105");
    assert_eq!(ours.rows[1].unit.as_deref(), Some(""));
    assert_eq!(ours.rows[2].line, 7);
    assert_eq!(ours.rows[3].id_number, "11010519491231002X");
}

/// What our reader leaves to calamine (cells out of order, without a reference, a
/// styled number in a mapped column, an escape Excel writes for a control character, a
/// date cell): it declines, and the roster is still read, as calamine reads it.
#[test]
fn our_xlsx_reader_leaves_the_unusual_to_calamine() {
    let header = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#;
    let rows = [
        // Out of order within a row.
        r#"<row r="2"><c r="B2" t="inlineStr"><is><t>11010519491231002X</t></is></c><c r="A2" t="s"><v>3</v></c></row>"#,
        // No reference.
        r#"<row r="2"><c t="s"><v>3</v></c><c t="inlineStr"><is><t>11010519491231002X</t></is></c></row>"#,
        // A number with a style, in a mapped column.
        r#"<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="2"><v>110105194912310</v></c></row>"#,
        // An escaped carriage return.
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>张_x000D_伟</t></is></c><c r="B2" t="inlineStr"><is><t>11010519491231002X</t></is></c></row>"#,
        // A date cell.
        r#"<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="d"><v>2026-01-01</v></c></row>"#,
    ];
    for (i, row) in rows.iter().enumerate() {
        let xlsx = workbook(&format!("{header}{row}"), Some(SHARED));
        assert!(super::xlsx::roster(&xlsx, &[]).is_none(), "case {i}");
        let read = read_roster(&xlsx, &[]).unwrap();
        let theirs = super::read::calamine_roster(&xlsx, &[]).unwrap();
        assert_eq!(read.rows, theirs.rows, "case {i}");
        assert_eq!(read.rows.len(), 1, "case {i}");
    }
    // Without the shared strings part, inline strings alone are ours.
    let inline = concat!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>张伟</t></is></c><c r="B2" t="inlineStr"><is><t>11010519491231002X</t></is></c></row>"#,
    );
    let ours = super::xlsx::roster(&workbook(inline, None), &[]).unwrap();
    assert_eq!(ours.rows[0].name, "张伟");
    assert_eq!(ours.rows[0].line, 2);
}

/// A CSV roster read a record at a time is the roster read whole: rows, line numbers
/// and, for files that cannot be compared, the same error (a cell too long anywhere is
/// said before a missing column; blank first rows with content below them are a
/// missing column, not an empty file).
#[test]
fn a_csv_roster_read_as_a_stream_is_the_roster_read_whole() {
    let long = "长".repeat(super::read::MAX_CELL_BYTES / 3 + 1);
    let mut many = String::from("名单\n\n序号,姓名,身份证号,单位,人员类别\n");
    for i in 0..30 {
        if i % 7 == 3 {
            many.push_str(" , ,\n");
        }
        many.push_str(&format!(
            "{i}, 人员{i} ,1101051949123100{i:02},县教育局,行政编制\n"
        ));
    }
    let cases: Vec<String> = vec![
        many.clone(),
        many.replace(',', "\t"),
        "姓名,身份证号\n张伟,11010519491231002X\n".into(),
        "姓名,身份证号\n张伟\n李四,1,多余\n".into(),
        // Every row within the first ten, the header at the last of them.
        format!("{}姓名,身份证号\n张伟,1\n", "标题\n".repeat(9)),
        // A cell too long below a header that lacks a column.
        format!("{}名字,号码\n张伟,1\n{long},2\n", "\n".repeat(3)),
        format!(
            "姓名,身份证号\n张伟,1\n{}李四,{long}\n",
            "王五,2\n".repeat(20)
        ),
        // Ten blank rows, then content.
        format!("{}姓名,身份证号\n张伟,1\n", ",\n".repeat(10)),
        ",\n,,\n".into(),
        "姓名,身份证号\n".into(),
    ];
    for (i, csv) in cases.iter().enumerate() {
        let streamed = read_roster(csv.as_bytes(), &[]);
        let whole = read_table(csv.as_bytes())
            .and_then(|(format, table)| super::read::recognise(format, table, &[]));
        match (&streamed, &whole) {
            (Ok(s), Ok(w)) => {
                assert_eq!(s.format, w.format, "case {i}");
                assert_eq!(s.rows, w.rows, "case {i}");
                assert_eq!(s.headers, w.headers, "case {i}");
                assert_eq!(s.columns, w.columns, "case {i}");
                assert_eq!(s.unused, w.unused, "case {i}");
            }
            (s, w) => assert_eq!(format!("{s:?}"), format!("{w:?}"), "case {i}"),
        }
    }
    // What the many-row file reads as, not only that both readers agree.
    let r = read_roster(many.as_bytes(), &[]).unwrap();
    assert_eq!(r.rows.len(), 30);
    assert_eq!(r.rows[0].name, "人员0");
    // Four rows of blank cells among them, counted in the line numbers.
    assert_eq!(r.rows[29].line - r.rows[0].line, 29 + 4);
}
