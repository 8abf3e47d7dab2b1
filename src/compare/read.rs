//! Reading a roster: XLSX or XLS (calamine), or CSV in UTF-8 (with or without BOM),
//! UTF-16 (Excel's "Unicode text") or GBK/GB18030 (what Excel writes on a Chinese
//! system), told apart by the bytes, never by the file's name. The header row is found
//! among the first rows (rosters often carry a title above it), its columns recognised
//! by their usual names or by `--map`.

use super::{Error, Field, Result, header_key};

/// One data row of the roster, as written (trimmed), with its row number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// 1-based row number as a spreadsheet shows it (the header's row included).
    pub line: usize,
    pub name: String,
    pub id_number: String,
    /// None when the roster has no unit column.
    pub unit: Option<String>,
    /// None when the roster has no staffing column.
    pub staffing: Option<String>,
}

/// A roster read and its columns recognised.
#[derive(Debug, Clone)]
pub struct Roster {
    /// What the file was read as: `XLSX`, `XLS`, `CSV UTF-8`, `CSV GBK` …
    pub format: String,
    /// The header row as written.
    pub headers: Vec<String>,
    /// Which column holds each field found.
    pub columns: Vec<(Field, usize)>,
    /// Headers that name no field (kept, not compared).
    pub unused: Vec<String>,
    pub rows: Vec<RosterRow>,
}

impl Roster {
    pub fn has(&self, f: Field) -> bool {
        self.columns.iter().any(|(g, _)| *g == f)
    }
}

/// How many leading rows may stand above the header (titles, notes).
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads a roster from the bytes of its file. `maps` are the `--map` pairs (header as
/// written → field); they win over the usual names.
pub fn read_roster(bytes: &[u8], maps: &[(String, Field)]) -> Result<Roster> {
    let (format, table) = read_table(bytes)?;
    recognise(format, table, maps)
}

/// Reads the cells of a spreadsheet's first sheet with any content, or of a CSV file, as
/// rows of trimmed text, and what the file was read as (`XLSX`, `CSV GBK` …). The one
/// reader of spreadsheets a clerk hands in (rosters, bulk entry).
pub fn read_table(bytes: &[u8]) -> Result<(String, Vec<Vec<String>>)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let (format, table) = if bytes.starts_with(b"PK\x03\x04") {
        ("XLSX".to_string(), spreadsheet(bytes)?)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        ("XLS".to_string(), spreadsheet(bytes)?)
    } else {
        let (encoding, text) = decode_text(bytes)?;
        (format!("CSV {encoding}"), csv_rows(&text)?)
    };
    // A cell no roster or form holds: a file that is something else (a CSV with a stray
    // quote swallowing the rest, a dump), said with where it is.
    for (r, row) in table.iter().enumerate() {
        if let Some(c) = row.iter().position(|c| c.len() > MAX_CELL_BYTES) {
            return Err(Error::CellTooLong {
                line: r + 1,
                column: c + 1,
                chars: row[c].chars().count(),
            });
        }
    }
    Ok((format, table))
}

/// The most a cell may hold (bytes of UTF-8): a unit's full name with its path is under
/// a hundred characters; a remark rarely a thousand.
pub const MAX_CELL_BYTES: usize = 32 * 1024;

/// The first sheet that has any cell, as rows of text.
fn spreadsheet(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::Spreadsheet(e.to_string()))?;
    let count = book.sheet_names().len();
    for n in 0..count {
        let Some(range) = book.worksheet_range_at(n) else {
            continue;
        };
        let range = range.map_err(|e| Error::Spreadsheet(e.to_string()))?;
        if range.is_empty() {
            continue;
        }
        let text = |d: &Data| match d {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            // A code typed into a cell Excel took for a number: whole floats without
            // their `.0`. (An 18-digit ID number stored as a number has already lost its
            // last digits; it then fails its check and is reported as invalid.)
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
            other => other.to_string().trim().to_string(),
        };
        return Ok(range.rows().map(|r| r.iter().map(text).collect()).collect());
    }
    Err(Error::Empty)
}

/// The text of a CSV file and the name of its encoding.
fn decode_text(bytes: &[u8]) -> Result<(&'static str, String)> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| ("UTF-8 BOM", s.to_string()))
            .map_err(|_| Error::NotASpreadsheet);
    }
    for (bom, enc, name) in [
        (&b"\xFF\xFE"[..], UTF_16LE, "UTF-16"),
        (&b"\xFE\xFF"[..], UTF_16BE, "UTF-16"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| (name, s.into_owned()))
                .ok_or(Error::NotASpreadsheet);
        }
    }
    // A text file has no NUL byte (UTF-16 without its mark aside, which Excel never
    // writes); a binary file of any other kind almost always has one early on.
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(Error::NotASpreadsheet);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(("UTF-8", s.to_string()));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // The start of a roster is as Chinese as the rest: 64 KiB tell the encoding (the
    // detector over a whole 100,000-row file cost a second), the strict decode below
    // then reads all of it or refuses.
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    detector.feed(sample, sample.len() == bytes.len());
    // Rosters are Chinese: the `cn` domain tells the detector to prefer GBK where a
    // short file could be read either way.
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    // GB18030 is a superset of GBK (and of GB2312): one decoder reads all three.
    if guess == encoding_rs::GBK || guess == GB18030 {
        return GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| ("GBK", s.into_owned()))
            .ok_or(Error::NotASpreadsheet);
    }
    Err(Error::Encoding(guess.name()))
}

/// Rows of a CSV text: comma-separated, or tab-separated (Excel's "Unicode text")
/// when the first line has more tabs than commas.
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>> {
    let first = text.lines().next().unwrap_or("");
    let tabs = first.matches('\t').count();
    let delimiter = if tabs > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| Error::Csv(e.to_string()))?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// Finds the header row, recognises its columns and takes the rows under it.
fn recognise(format: String, table: Vec<Vec<String>>, maps: &[(String, Field)]) -> Result<Roster> {
    let filled = |r: &Vec<String>| r.iter().any(|c| !c.is_empty());
    if !table.iter().any(filled) {
        return Err(Error::Empty);
    }
    let field_of = |h: &str| -> Option<Field> {
        let key = header_key(h);
        maps.iter()
            .find(|(col, _)| header_key(col) == key)
            .map(|(_, f)| *f)
            .or_else(|| Field::from_header(h))
    };
    // The header: among the first rows, the one naming the most fields (a title row
    // names none); without any, the first row with content, for the message.
    let (at, _) = table
        .iter()
        .enumerate()
        .take(HEADER_SEARCH_ROWS)
        .filter(|(_, r)| filled(r))
        .map(|(i, r)| {
            let mut fields: Vec<Field> = r.iter().filter_map(|h| field_of(h)).collect();
            fields.sort();
            fields.dedup();
            (i, fields.len())
        })
        .fold((None, 0), |(best, n), (i, k)| {
            if best.is_none() || k > n {
                (Some(i), k)
            } else {
                (best, n)
            }
        });
    let at = at.unwrap_or(0);
    let headers: Vec<String> = table[at].clone();
    let found: Vec<String> = headers.iter().filter(|h| !h.is_empty()).cloned().collect();
    for (col, _) in maps {
        if !headers.iter().any(|h| header_key(h) == header_key(col)) {
            return Err(Error::NoSuchColumn {
                column: col.clone(),
                found,
            });
        }
    }
    let mut columns: Vec<(Field, usize)> = Vec::new();
    let mut unused = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match field_of(h) {
            // The first column naming a field holds it.
            Some(f) if !columns.iter().any(|(g, _)| *g == f) => columns.push((f, i)),
            _ if !h.is_empty() => unused.push(h.clone()),
            _ => {}
        }
    }
    if let Some(field) = Field::ALL
        .into_iter()
        .find(|f| f.required() && !columns.iter().any(|(g, _)| g == f))
    {
        return Err(Error::MissingColumn { field, found });
    }
    let col = |f: Field| columns.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    let (name, id) = (col(Field::Name), col(Field::IdNumber));
    let (unit, staffing) = (col(Field::Unit), col(Field::StaffingType));
    let cell = |r: &[String], i: Option<usize>| -> String {
        i.and_then(|i| r.get(i)).cloned().unwrap_or_default()
    };
    let rows: Vec<RosterRow> = table
        .iter()
        .enumerate()
        .skip(at + 1)
        .filter(|(_, r)| filled(r))
        .map(|(i, r)| RosterRow {
            line: i + 1,
            name: cell(r, name),
            id_number: cell(r, id),
            unit: unit.map(|u| cell(r, Some(u))),
            staffing: staffing.map(|s| cell(r, Some(s))),
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::Empty);
    }
    Ok(Roster {
        format,
        headers,
        columns,
        unused,
        rows,
    })
}
