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
    if bytes.starts_with(b"PK\x03\x04")
        && let Some(roster) = xlsx_roster(bytes, maps)
    {
        return Ok(roster);
    }
    if !bytes.starts_with(b"PK\x03\x04")
        && !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::Empty);
        }
        let (encoding, text) = decode_text(bytes)?;
        return csv_roster(format!("CSV {encoding}"), &text, maps);
    }
    let (format, table) = read_table(bytes)?;
    recognise(format, table, maps)
}

/// A roster from a CSV text, read a record at a time: the first rows are held to find
/// the header, then only the mapped cells of each row are copied. The same outcome,
/// errors included and in the same order, as [`csv_rows`], the check of every cell's
/// length in [`read_table`], then [`recognise`].
fn csv_roster(format: String, text: &str, maps: &[(String, Field)]) -> Result<Roster> {
    let mut reader = csv_reader(text);
    let mut rec = csv::StringRecord::new();
    // A cell too long anywhere in the file is said first, whatever else is wrong.
    let too_long = |line: usize, rec: &csv::StringRecord| -> Result<()> {
        match rec.iter().position(|c| c.trim().len() > MAX_CELL_BYTES) {
            Some(c) => Err(Error::CellTooLong {
                line,
                column: c + 1,
                chars: rec[c].trim().chars().count(),
            }),
            None => Ok(()),
        }
    };
    let mut read = |rec: &mut csv::StringRecord| -> Result<bool> {
        reader
            .read_record(rec)
            .map_err(|e| Error::Csv(e.to_string()))
    };
    let mut head: Vec<Vec<String>> = Vec::new();
    while head.len() < HEADER_SEARCH_ROWS && read(&mut rec)? {
        too_long(head.len() + 1, &rec)?;
        head.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    let mut line = head.len();
    let header = if head.iter().any(|r| filled(r)) {
        find_header(&head, maps)
    } else {
        Err(Error::Empty)
    };
    let Header {
        at,
        headers,
        columns,
        unused,
    } = match header {
        Ok(h) => h,
        Err(e) => {
            // The rest of the file is read for a cell too long, which is said instead.
            let mut content = false;
            while read(&mut rec)? {
                line += 1;
                too_long(line, &rec)?;
                content |= rec.iter().any(|c| !c.trim().is_empty());
            }
            // Blank first rows and content below them: the header is looked for where
            // the whole table's would be, and said missing.
            if matches!(e, Error::Empty) && content {
                return Err(find_header(&head, maps).err().unwrap_or(Error::Empty));
            }
            return Err(e);
        }
    };
    let col = |f: Field| columns.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    let (name, id) = (col(Field::Name), col(Field::IdNumber));
    let (unit, staffing) = (col(Field::Unit), col(Field::StaffingType));
    let mut rows: Vec<RosterRow> = Vec::with_capacity(text.len() / 64);
    for (i, mut r) in head.into_iter().enumerate().skip(at + 1) {
        if !filled(&r) {
            continue;
        }
        let mut cell = |i: Option<usize>| -> String {
            i.and_then(|i| r.get_mut(i))
                .map(std::mem::take)
                .unwrap_or_default()
        };
        rows.push(RosterRow {
            line: i + 1,
            name: cell(name),
            id_number: cell(id),
            unit: unit.map(|u| cell(Some(u))),
            staffing: staffing.map(|s| cell(Some(s))),
        });
    }
    while read(&mut rec)? {
        line += 1;
        too_long(line, &rec)?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: Option<usize>| -> String {
            i.and_then(|i| rec.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        rows.push(RosterRow {
            line,
            name: cell(name),
            id_number: cell(id),
            unit: unit.map(|u| cell(Some(u))),
            staffing: staffing.map(|s| cell(Some(s))),
        });
    }
    if rows.is_empty() {
        return Err(Error::Empty);
    }
    rows.shrink_to_fit();
    Ok(Roster {
        format,
        headers,
        columns,
        unused,
        rows,
    })
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
    use calamine::Reader;
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
        return Ok(range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect());
    }
    Err(Error::Empty)
}

/// A spreadsheet cell as text, trimmed.
pub(super) fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // A code typed into a cell Excel took for a number: whole floats without
        // their `.0`. (An 18-digit ID number stored as a number has already lost its
        // last digits; it then fails its check and is reported as invalid.)
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
        other => other.to_string().trim().to_string(),
    }
}

/// The same for a cell borrowed from the workbook's shared strings: its trimmed text,
/// borrowed when it is a string.
fn ref_text<'a>(d: &'a calamine::DataRef<'_>) -> std::borrow::Cow<'a, str> {
    use calamine::DataRef;
    use std::borrow::Cow;
    match d {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) => Cow::Borrowed(s.trim()),
        DataRef::SharedString(s) => Cow::Borrowed(s.trim()),
        other => Cow::Owned(cell_text(&calamine::Data::from(other.clone()))),
    }
}

/// A roster from an XLSX file, read as a stream of cells: first with our own reader of
/// the sheet's XML ([`super::xlsx`]), then, when that one declines (anything unusual),
/// with calamine's cell reader. `None` whenever the general path should decide instead
/// (not an XLSX, a sheet neither reads, no header among the first rows, a cell too
/// long, no rows): that path reads the file again and says what is wrong.
fn xlsx_roster(bytes: &[u8], maps: &[(String, Field)]) -> Option<Roster> {
    super::xlsx::roster(bytes, maps).or_else(|| calamine_roster(bytes, maps))
}

/// A roster from an XLSX file read with calamine's cell reader (strings borrowed from the
/// shared strings): the same outcome as [`read_table`] then [`recognise`].
pub(super) fn calamine_roster(bytes: &[u8], maps: &[(String, Field)]) -> Option<Roster> {
    use calamine::{DataRef, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).ok()?;
    let names = book.sheet_names();
    for name in names {
        let mut cells = book.worksheet_cells_reader(&name).ok()?;
        let mut stream = Stream::new(maps);
        loop {
            let cell = cells.next_cell().ok()?;
            let Some(cell) = cell else { break };
            let (row, col) = cell.get_position();
            let value = cell.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            stream.cell(row, col, &ref_text(value))?;
        }
        if stream.first.is_none() {
            // A sheet without any cell: the next one.
            continue;
        }
        return stream.finish();
    }
    None
}

/// A roster built from a sheet's cells as they come, row by row (every cell that is not
/// empty, its text trimmed): the rows above and at the header are held whole to find
/// it, then only the columns that map to a field are kept. The same outcome as
/// [`read_table`] then [`recognise`] (line numbers counted from the first row with a
/// cell, like a range), at a fraction of the copies.
pub(super) struct Stream<'m> {
    maps: &'m [(String, Field)],
    /// The rows above and at the header, as cells: (row, column, text).
    head: Vec<(u32, u32, String)>,
    /// The first row with a cell.
    pub(super) first: Option<u32>,
    /// Once the header is known: the header and the columns kept (absolute).
    header: Option<(Header, Vec<(u32, Field)>)>,
    rows: Vec<RosterRow>,
    /// The data row being read: its row, whether it has content, its fields.
    current: Option<(u32, bool, [Option<String>; 4])>,
}

impl<'m> Stream<'m> {
    pub(super) fn new(maps: &'m [(String, Field)]) -> Self {
        Stream {
            maps,
            head: Vec::new(),
            first: None,
            header: None,
            rows: Vec::new(),
            current: None,
        }
    }

    /// Whether the text of a cell in this column is kept (otherwise only whether it is
    /// empty, and its length, count).
    pub(super) fn wants(&self, col: u32) -> bool {
        match &self.header {
            None => true,
            Some((_, kept)) => kept.iter().any(|(k, _)| *k == col),
        }
    }

    /// Whether a cell at (row, column) can change nothing but by its length: the
    /// header is known, the column is not kept, and its row already has content.
    pub(super) fn settled(&self, row: u32, col: u32) -> bool {
        matches!(&self.current, Some((r, true, _)) if *r == row) && !self.wants(col)
    }

    /// The next cell that is not empty, its text trimmed. `None`: give up (rows out of
    /// order, a cell too long, no header).
    pub(super) fn cell(&mut self, row: u32, col: u32, text: &str) -> Option<()> {
        let first = *self.first.get_or_insert(row);
        if row < first || text.len() > MAX_CELL_BYTES {
            return None;
        }
        if self.header.is_none() {
            if row < first + HEADER_SEARCH_ROWS as u32 {
                self.head.push((row, col, text.to_string()));
                return Some(());
            }
            let (h, kept) = head_header(&self.head, first, self.maps)?;
            // Rows of the head under the header are data rows already.
            head_rows(&self.head, first, h.at, &kept, &mut self.rows);
            self.header = Some((h, kept));
        }
        let (_, kept) = self.header.as_ref()?;
        match &self.current {
            Some((r, _, _)) if *r == row => {}
            Some((r, _, _)) if *r > row => return None,
            _ => {
                flush(&mut self.current, &mut self.rows, first, kept);
                self.current = Some((row, false, Default::default()));
            }
        }
        let (_, filled, fields) = self.current.as_mut()?;
        *filled |= !text.is_empty();
        if let Some((_, f)) = kept.iter().find(|(k, _)| *k == col) {
            fields[*f as usize] = Some(text.to_string());
        }
        Some(())
    }

    /// The roster, once every cell of the sheet has been handed in.
    pub(super) fn finish(mut self) -> Option<Roster> {
        let first = self.first?;
        let (h, kept) = match self.header {
            Some(h) => h,
            None => {
                // The whole sheet fitted in the first rows.
                let (h, kept) = head_header(&self.head, first, self.maps)?;
                head_rows(&self.head, first, h.at, &kept, &mut self.rows);
                (h, kept)
            }
        };
        flush(&mut self.current, &mut self.rows, first, &kept);
        if self.rows.is_empty() {
            return None;
        }
        Some(Roster {
            format: "XLSX".to_string(),
            headers: h.headers,
            columns: h.columns,
            unused: h.unused,
            rows: self.rows,
        })
    }
}

/// The data row being read, if it has content, as a roster row.
fn flush(
    current: &mut Option<(u32, bool, [Option<String>; 4])>,
    rows: &mut Vec<RosterRow>,
    first: u32,
    kept: &[(u32, Field)],
) {
    if let Some((row, filled, mut fields)) = current.take()
        && filled
    {
        let has = |f: Field| kept.iter().any(|(_, g)| *g == f);
        let mut take = |f: Field| fields[f as usize].take().unwrap_or_default();
        let (name, id_number) = (take(Field::Name), take(Field::IdNumber));
        let unit = take(Field::Unit);
        let staffing = take(Field::StaffingType);
        rows.push(RosterRow {
            line: (row - first) as usize + 1,
            name,
            id_number,
            unit: has(Field::Unit).then_some(unit),
            staffing: has(Field::StaffingType).then_some(staffing),
        });
    }
}

/// The rows of the head under the header, as roster rows (those with content).
fn head_rows(
    head: &[(u32, u32, String)],
    first: u32,
    at: usize,
    kept: &[(u32, Field)],
    rows: &mut Vec<RosterRow>,
) {
    let has = |f: Field| kept.iter().any(|(_, g)| *g == f);
    for r in (first + at as u32 + 1)..(first + HEADER_SEARCH_ROWS as u32) {
        let cells: Vec<&(u32, u32, String)> = head.iter().filter(|(hr, _, _)| *hr == r).collect();
        if !cells.iter().any(|(_, _, t)| !t.is_empty()) {
            continue;
        }
        let field = |f: Field| -> String {
            kept.iter()
                .find(|(_, g)| *g == f)
                .and_then(|(k, _)| cells.iter().find(|(_, c, _)| c == k))
                .map(|(_, _, t)| t.clone())
                .unwrap_or_default()
        };
        rows.push(RosterRow {
            line: (r - first) as usize + 1,
            name: field(Field::Name),
            id_number: field(Field::IdNumber),
            unit: has(Field::Unit).then(|| field(Field::Unit)),
            staffing: has(Field::StaffingType).then(|| field(Field::StaffingType)),
        });
    }
}

/// The header found among a sheet's first rows held as cells, and the absolute columns
/// that hold a field. `None` when no row there names the required fields (the general
/// path then says what is missing).
fn head_header(
    head: &[(u32, u32, String)],
    first: u32,
    maps: &[(String, Field)],
) -> Option<(Header, Vec<(u32, Field)>)> {
    let left = head.iter().map(|(_, c, _)| *c).min()?;
    let right = head.iter().map(|(_, c, _)| *c).max()?;
    let mut table = vec![vec![String::new(); (right - left + 1) as usize]; HEADER_SEARCH_ROWS];
    for (r, c, t) in head {
        table[(r - first) as usize][(c - left) as usize] = t.clone();
    }
    let h = find_header(&table, maps).ok()?;
    let kept = h
        .columns
        .iter()
        .map(|(f, i)| (*i as u32 + left, *f))
        .collect();
    Some((h, kept))
}

/// The text of a CSV file and the name of its encoding.
fn decode_text(bytes: &[u8]) -> Result<(&'static str, std::borrow::Cow<'_, str>)> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| ("UTF-8 BOM", s.into()))
            .map_err(|_| Error::NotASpreadsheet);
    }
    for (bom, enc, name) in [
        (&b"\xFF\xFE"[..], UTF_16LE, "UTF-16"),
        (&b"\xFE\xFF"[..], UTF_16BE, "UTF-16"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| (name, s))
                .ok_or(Error::NotASpreadsheet);
        }
    }
    // A text file has no NUL byte (UTF-16 without its mark aside, which Excel never
    // writes); a binary file of any other kind almost always has one early on.
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(Error::NotASpreadsheet);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(("UTF-8", s.into()));
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
            .map(|s| ("GBK", s))
            .ok_or(Error::NotASpreadsheet);
    }
    Err(Error::Encoding(guess.name()))
}

/// Rows of a CSV text (see [`csv_reader`]), trimmed.
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>> {
    let mut reader = csv_reader(text);
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| Error::Csv(e.to_string()))?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// A reader of CSV records: comma-separated, or tab-separated (Excel's "Unicode text")
/// when the first line has more tabs than commas.
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let first = text.lines().next().unwrap_or("");
    let tabs = first.matches('\t').count();
    let delimiter = if tabs > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// The header row of a table and what its columns hold.
struct Header {
    /// Its index among the table's rows.
    at: usize,
    headers: Vec<String>,
    columns: Vec<(Field, usize)>,
    unused: Vec<String>,
}

/// Whether a row has any content.
fn filled(r: &[String]) -> bool {
    r.iter().any(|c| !c.is_empty())
}

/// Finds the header among a table's first rows and recognises its columns.
fn find_header(table: &[Vec<String>], maps: &[(String, Field)]) -> Result<Header> {
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
    Ok(Header {
        at,
        headers,
        columns,
        unused,
    })
}

/// Finds the header row, recognises its columns and takes the rows under it.
pub(super) fn recognise(
    format: String,
    table: Vec<Vec<String>>,
    maps: &[(String, Field)],
) -> Result<Roster> {
    if !table.iter().any(|r| filled(r)) {
        return Err(Error::Empty);
    }
    let Header {
        at,
        headers,
        columns,
        unused,
    } = find_header(&table, maps)?;
    let col = |f: Field| columns.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    let (name, id) = (col(Field::Name), col(Field::IdNumber));
    let (unit, staffing) = (col(Field::Unit), col(Field::StaffingType));
    // The cells are moved out of the table as each row is taken: never two copies.
    let cell = |r: &mut [String], i: Option<usize>| -> String {
        i.and_then(|i| r.get_mut(i))
            .map(std::mem::take)
            .unwrap_or_default()
    };
    let rows: Vec<RosterRow> = table
        .into_iter()
        .enumerate()
        .skip(at + 1)
        .filter(|(_, r)| filled(r))
        .map(|(i, mut r)| RosterRow {
            line: i + 1,
            name: cell(&mut r, name),
            id_number: cell(&mut r, id),
            unit: unit.map(|u| cell(&mut r, Some(u))),
            staffing: staffing.map(|s| cell(&mut r, Some(s))),
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
