//! The wire encoding of rows, shared by the pull protocol and snapshot files.
//!
//! A table travels column by column: `{"names": [...], "columns": [[...], ...]}`, the
//! `id` column delta-encoded. Columns of one field hold few distinct values (enums,
//! units, dates), so zstd squeezes a person to a few dozen bytes. Rows travel in the
//! model's own serde form (Chinese labels for vocabularies, `YYYY-MM-DD` dates), so the
//! format is readable and another system can produce it.

use crate::model::{Dataset, OrgId, idcard};
use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Version of the protocol and of snapshot files. Bumped on any incompatible change.
/// 2: columns carry their codecs (`codecs`, `dicts`): dates as day numbers, deltas,
/// dictionaries, a person's birth date and sex derived from the ID number, the ID
/// number's check character dropped (docs/PROTOCOL.md).
/// 3: a person's entry date relative to its work start (`r`), a document number's year
/// left out where it is the row's date's (`y`).
/// 4: a history event carries its typed `detail` (`model::history::Detail`, a JSON
/// object), its `summary` then empty: a client of protocol 3 would show blank history.
/// 5: an event's cells that repeat its person's entry (date, document number, unit) as
/// `true` where that person travels in the same page (`s`).
pub const PROTOCOL_VERSION: u32 = 5;

/// The oldest snapshot file this program reads: protocols 3 and 5 only added codings
/// (and a snapshot never carries `s`), and an event of a file written before protocol 4
/// has no detail and keeps its sentence, so older files decode as they are (a server
/// and client, which choose codings for each other, must still speak the same version).
pub const OLDEST_SNAPSHOT: u32 = 2;

/// Whether a snapshot file written at protocol `found` can be read here.
fn snapshot_readable(found: u32) -> Result<()> {
    if (OLDEST_SNAPSHOT..=PROTOCOL_VERSION).contains(&found) {
        return Ok(());
    }
    Err(WireError::Version {
        found,
        supported: PROTOCOL_VERSION,
    })
}

/// What can go wrong reading what came over the wire or out of a file.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("数据不完整或已损坏（解压失败）：{0}")]
    Decompress(std::io::Error),
    #[error("数据格式错误：{0}")]
    Format(String),
    #[error("对方使用的协议版本为 {found}，本程序为 {supported}；请升级 bianzhi 或联系管理员")]
    Version { found: u32, supported: u32 },
    #[error("不是 bianzhi 的数据快照文件")]
    NotSnapshot,
    #[error("无法读写文件：{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, WireError>;

/// One table, column by column, each column coded by the steps its `codecs` entry
/// names (applied in order when encoding, undone in reverse when decoding):
///
/// - `i`: derived from the row's ID number: `0` stands for the birth date or sex the
///   number encodes (any other value is the row's own);
/// - `c`: an ID number whose check character is right travels without it (17
///   digits); a value that would read as such, or starts with `~`, gets a `~` in front;
/// - `t`: a date (`YYYY-MM-DD`) as its day number from 2000-01-01;
/// - `d`: an integer as its difference from the previous integer of the column;
/// - `k`: an index into the column's dictionary (`dicts`), most frequent value first
///   (values as frequent in the order first seen), possibly followed by `d`;
/// - `r`: a day number (after `t`) as its difference from the day number of the same
///   row's base column ([`ROW_BASE`]: a person's entry date from its work start), left
///   as it is where that is empty; used where it takes fewer digits than the column
///   alone;
/// - `y`: a text whose first `〔YYYY〕` is the year of the same row's date column
///   ([`YEAR_OF`]: a document number, `…〔2015〕12号`) travels with `〔〕` there; a text
///   that has `〔〕` already or starts with `~` gets a `~` in front;
/// - `s`: `true` stands for the same column of the person the row's `subject` names
///   ([`OF_SUBJECT`]: an event's date as its person's entry date), that person being a
///   row of the same dataset (a page); applied first, so the other steps pass `true`
///   by. Pages only: a snapshot, read table by table, never carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Columns {
    pub names: Vec<String>,
    pub columns: Vec<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codecs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dicts: Vec<Vec<Value>>,
}

impl Columns {
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Date columns coded `r`: (column, base column of the same row).
pub const ROW_BASE: [(&str, &str); 1] = [("entry_date", "work_start")];
/// Text columns coded `y`: (column, date column whose year the text repeats).
pub const YEAR_OF: [(&str, &str); 2] = [("doc_no", "date"), ("entry_doc", "entry_date")];

/// Columns coded `s`: (column of a table with `subject`, column of the subject person's
/// row it repeats). A person's entry event says the person's entry date, document
/// number and unit; the person travels in the same page (the server versions a person
/// and its events together), so the event need not say them again.
pub const OF_SUBJECT: [(&str, &str); 4] = [
    ("date", "entry_date"),
    ("doc_no", "entry_doc"),
    ("to_org", "org_id"),
    ("from_org", "org_id"),
];

/// The person a `subject` cell names (`{"type": "person", "id": N}`).
fn subject_person(v: &Value) -> Option<i64> {
    (v.get("type")?.as_str()? == "person")
        .then(|| v.get("id")?.as_i64())
        .flatten()
}

/// The persons of a dataset as the `s` columns of its events refer to them: each
/// person's cells of the columns [`OF_SUBJECT`] names, by person id, as compact text.
/// What a page's reader keeps while it reads one page's events (a few dozen bytes a
/// person), never across pages.
#[derive(Debug, Default)]
pub struct Subjects {
    at: HashMap<i64, u32>,
    cells: Vec<TextColumn>,
}

impl Subjects {
    /// Keeps what the events may refer to of one person's row (its JSON object).
    fn keep(&mut self, row: &Map<String, Value>) -> Result<()> {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            return Ok(());
        };
        if self.cells.is_empty() {
            self.cells = vec![TextColumn::default(); OF_SUBJECT.len()];
        }
        let at =
            u32::try_from(self.cells[0].len()).map_err(|_| WireError::Format("人员过多".into()))?;
        for (col, (_, of)) in self.cells.iter_mut().zip(OF_SUBJECT) {
            col.push(row.get(of).unwrap_or(&Value::Null))
                .map_err(WireError::Format)?;
        }
        self.at.insert(id, at);
        Ok(())
    }

    /// Of persons' rows (the encoder's side).
    fn of_rows<T: Serialize>(rows: &[T]) -> Result<Subjects> {
        let mut out = Subjects::default();
        for row in rows {
            if let Ok(Value::Object(map)) = serde_json::to_value(row) {
                out.keep(&map)?;
            }
        }
        Ok(out)
    }

    /// The cell of `OF_SUBJECT[k]` of the person `subject` names, if it is here.
    fn cell(&self, subject: &Value, k: usize) -> Option<Value> {
        let at = *self.at.get(&subject_person(subject)?)?;
        self.cells.get(k)?.value(at as usize).ok()
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

/// Codes a column `s` against the persons its rows' subjects name: a cell equal to the
/// subject's becomes `true`. Whether it did (never on a column that holds booleans of
/// its own, where `true` would be ambiguous).
fn code_subject(col: &mut [Value], k: usize, subjects: &[Value], persons: &Subjects) -> bool {
    if col.iter().any(Value::is_boolean) {
        return false;
    }
    let mut any = false;
    for (v, s) in col.iter_mut().zip(subjects) {
        if persons.cell(s, k).is_some_and(|same| same == *v) {
            *v = Value::Bool(true);
            any = true;
        }
    }
    any
}

/// What an `r` or `y` column is coded against, per row.
enum Base {
    /// The base column's day number (`r`).
    Row(Vec<Option<i64>>),
    /// The year of the date column (`y`).
    Year(Vec<Option<i32>>),
}

/// The [`Base`] of each column that has one, from the table's columns as they are
/// before coding (`col(i)` gives column `i`).
fn bases_of(names: &[String], col: impl Fn(usize) -> Vec<Value>) -> Vec<Option<Base>> {
    let pos = |name: &str| names.iter().position(|n| n == name);
    let mut out: Vec<Option<Base>> = names.iter().map(|_| None).collect();
    for (c, b) in ROW_BASE {
        if let (Some(c), Some(b)) = (pos(c), pos(b)) {
            let days = col(b)
                .iter()
                .map(|v| as_date(v).map(|d| (d - epoch()).num_days()))
                .collect();
            out[c] = Some(Base::Row(days));
        }
    }
    for (c, d) in YEAR_OF {
        if let (Some(c), Some(d)) = (pos(c), pos(d)) {
            let years = col(d)
                .iter()
                .map(|v| as_date(v).map(|d| d.year()))
                .collect();
            out[c] = Some(Base::Year(years));
        }
    }
    out
}

/// A text without the year its row's date says (`y`).
fn drop_year(s: &str, year: Option<i32>) -> String {
    if s.starts_with('~') || s.contains("〔〕") {
        return format!("~{s}");
    }
    match year {
        Some(y) => s.replacen(&format!("〔{y}〕"), "〔〕", 1),
        None => s.to_string(),
    }
}

/// Undoes [`drop_year`]; `None` when the text leaves out a year its row does not have.
fn add_year(s: &str, year: Option<i32>) -> Option<String> {
    if let Some(rest) = s.strip_prefix('~') {
        Some(rest.to_string())
    } else if s.contains("〔〕") {
        Some(s.replacen("〔〕", &format!("〔{}〕", year?), 1))
    } else {
        Some(s.to_string())
    }
}

/// Codes day numbers against the same row's base day number (`r`); whether it could.
fn code_relative(col: &mut [Value], base: &Base) -> bool {
    let Base::Row(days) = base else {
        return false;
    };
    for (v, b) in col.iter_mut().zip(days) {
        if let (Some(x), Some(b)) = (v.as_i64(), b) {
            *v = Value::from(x.wrapping_sub(*b));
        }
    }
    true
}

/// The day numbers of `t` count from this day.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid day")
}

fn as_date(v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?;
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    (d.format("%Y-%m-%d").to_string() == s).then_some(d)
}

fn id_facts(v: &Value) -> Option<idcard::IdFacts> {
    idcard::parse_id(v.as_str()?).ok()
}

/// The ID number without its check character when that is right (`c`).
fn drop_check(s: &str) -> String {
    let b = s.as_bytes();
    let digits17 = |b: &[u8]| b.len() >= 17 && b[..17].iter().all(u8::is_ascii_digit);
    if b.len() == 18 && digits17(b) && b[17] as char == idcard::id_check_char(&b[..17]) {
        s[..17].to_string()
    } else if (b.len() == 17 && digits17(b)) || s.starts_with('~') {
        format!("~{s}")
    } else {
        s.to_string()
    }
}

fn add_check(s: &str) -> String {
    let b = s.as_bytes();
    if let Some(rest) = s.strip_prefix('~') {
        rest.to_string()
    } else if b.len() == 17 && b.iter().all(u8::is_ascii_digit) {
        format!("{s}{}", idcard::id_check_char(b))
    } else {
        s.to_string()
    }
}

/// The digits (and minus signs) of a column's integers.
fn digits_of(col: &[Value]) -> i64 {
    col.iter().filter_map(Value::as_i64).map(digits).sum()
}

fn digits(x: i64) -> i64 {
    x.unsigned_abs().checked_ilog10().unwrap_or(0) as i64 + 1 + (x < 0) as i64
}

/// Whether writing the differences of an integer column takes fewer digits.
fn delta_pays(col: &[Value]) -> bool {
    let (mut raw, mut delta, mut prev) = (0i64, 0i64, 0i64);
    for x in col.iter().filter_map(Value::as_i64) {
        raw += digits(x);
        delta += digits(x.wrapping_sub(prev));
        prev = x;
    }
    delta < raw
}

/// Codes one column (see [`Columns`]), a date column against its `base` if it has one;
/// returns its codec and dictionary. `marked`: the column is coded `s` already, its
/// `true`s pass every other step by.
fn code_column(
    name: &str,
    col: &mut [Value],
    base: Option<&Base>,
    marked: bool,
) -> (String, Vec<Value>) {
    let mut codec = String::new();
    if marked {
        codec.push('s');
    }
    let passes = |v: &Value| v.is_null() || (marked && v.is_boolean());
    let present = || col.iter().filter(|v| !passes(v));
    if present().count() > 0 && present().all(|v| as_date(v).is_some()) {
        for v in col.iter_mut() {
            if let Some(d) = as_date(v) {
                *v = Value::from((d - epoch()).num_days());
            }
        }
        codec.push('t');
        // Against its base when that takes fewer digits than the column alone would.
        if let Some(base) = base {
            let mut rel = col.to_vec();
            if code_relative(&mut rel, base) {
                let mut alone = col.to_vec();
                if delta_pays(&alone) {
                    delta_encode(&mut alone);
                }
                if digits_of(&rel) < digits_of(&alone) {
                    col.clone_from_slice(&rel);
                    codec.push('r');
                    return (codec, Vec::new());
                }
            }
        }
    }
    if let Some(Base::Year(years)) = base
        && col.iter().all(|v| passes(v) || v.is_string())
    {
        for (v, y) in col.iter_mut().zip(years) {
            if let Value::String(s) = v {
                *s = drop_year(s, *y);
            }
        }
        codec.push('y');
    }
    let present = || col.iter().filter(|v| !passes(v));
    if present().all(|v| v.as_i64().is_some()) && (present().count() > 0 || !marked) {
        if name == "id" || delta_pays(col) {
            delta_encode(col);
            codec.push('d');
        }
        return (codec, Vec::new());
    }
    // A dictionary, when the column repeats itself enough.
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, v) in col.iter().enumerate() {
        let n = seen.len();
        seen.entry(v.to_string()).or_insert((0, n)).0 += 1;
        if seen.len() * 4 > col.len() + 64 {
            return (codec, Vec::new());
        }
        let _ = i;
    }
    let mut order: Vec<(&String, &(usize, usize))> = seen.iter().collect();
    order.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    let index: HashMap<&String, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (*k, i))
        .collect();
    let mut dict = vec![Value::Null; order.len()];
    for v in col.iter_mut() {
        let i = index[&v.to_string()];
        dict[i] = std::mem::replace(v, Value::from(i));
    }
    codec.push('k');
    // Values first seen one after another get consecutive indices: their
    // differences are small.
    if delta_pays(col) {
        delta_encode(col);
        codec.push('d');
    }
    (codec, dict)
}

/// Transposes rows into columns, each coded (see [`Columns`]).
pub fn to_columns<T: Serialize>(rows: &[T]) -> Columns {
    to_columns_with(rows, None)
}

/// [`to_columns`], the columns [`OF_SUBJECT`] names coded `s` against `persons` (the
/// persons travelling with these rows) where that leaves anything out.
pub fn to_columns_with<T: Serialize>(rows: &[T], persons: Option<&Subjects>) -> Columns {
    let mut out = Columns::default();
    for (i, row) in rows.iter().enumerate() {
        let Ok(Value::Object(map)) = serde_json::to_value(row) else {
            continue;
        };
        if i == 0 {
            out.names = map.keys().cloned().collect();
            out.columns = vec![Vec::with_capacity(rows.len()); out.names.len()];
        }
        for (col, name) in out.columns.iter_mut().zip(&out.names) {
            col.push(map.get(name).cloned().unwrap_or(Value::Null));
        }
    }
    let n = out.names.len();
    out.codecs = vec![String::new(); n];
    out.dicts = vec![Vec::new(); n];
    let bases = bases_of(&out.names, |i| out.columns[i].clone());
    let pos = |name: &str| out.names.iter().position(|n| n == name);
    // What a person's ID number says is not sent again.
    if let Some(idc) = pos("id_number") {
        let facts: Vec<Option<idcard::IdFacts>> = out.columns[idc].iter().map(id_facts).collect();
        for (name, c) in [("birth_date", pos("birth_date")), ("sex", pos("sex"))] {
            let Some(c) = c else { continue };
            for (v, f) in out.columns[c].iter_mut().zip(&facts) {
                let Some(f) = f else { continue };
                let derived = if name == "sex" {
                    serde_json::to_value(f.sex).unwrap_or(Value::Null)
                } else {
                    Value::from(f.birth_date.format("%Y-%m-%d").to_string())
                };
                if *v == derived {
                    *v = Value::from(0);
                }
            }
            out.codecs[c].push('i');
        }
        for v in out.columns[idc].iter_mut() {
            if let Value::String(s) = v {
                *s = drop_check(s);
            }
        }
        out.codecs[idc].push('c');
    }
    // What the subject's row says already is not sent again.
    let subjects: Option<Vec<Value>> = pos("subject")
        .filter(|_| persons.is_some_and(|p| !p.is_empty()))
        .map(|c| out.columns[c].clone());
    for (c, base) in bases.iter().enumerate() {
        if !out.codecs[c].is_empty() {
            continue;
        }
        let of = OF_SUBJECT.iter().position(|(n, _)| *n == out.names[c]);
        let marked = match (of, &subjects, persons) {
            (Some(k), Some(subjects), Some(persons)) => {
                code_subject(&mut out.columns[c], k, subjects, persons)
            }
            _ => false,
        };
        let (codec, dict) = code_column(&out.names[c], &mut out.columns[c], base.as_ref(), marked);
        out.codecs[c] = codec;
        out.dicts[c] = dict;
    }
    if out.dicts.iter().all(Vec::is_empty) {
        out.dicts.clear();
    }
    out
}

/// One column's cells as compact JSON text, each distinct text kept once
/// ([`TextColumn`]) and each cell an index into them: 4 bytes a cell for a column of
/// few values (units, vocabularies, dates), where every row's text would be kept
/// otherwise. What [`TableWriter`] gathers a table in.
#[derive(Debug, Default)]
struct CellColumn {
    distinct: TextColumn,
    /// A text's hash → its place in `distinct` (a text whose hash is taken by another
    /// is kept again: only memory, never a cell, depends on the hash).
    seen: HashMap<u64, u32>,
    cells: Vec<u32>,
}

impl CellColumn {
    fn push(&mut self, v: &Value) {
        use std::hash::{Hash, Hasher};
        let text = v.to_string();
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        let hash = h.finish();
        let known = self
            .seen
            .get(&hash)
            .copied()
            .filter(|&i| self.distinct.text(i as usize) == text);
        let at = match known {
            Some(i) => i,
            None => {
                let i = self.distinct.len() as u32;
                self.distinct.push_text(&text);
                self.seen.entry(hash).or_insert(i);
                i
            }
        };
        self.cells.push(at);
    }

    /// Whether [`code_column`] would leave the column as it is because it holds
    /// objects or arrays (an event's subject), which are no dates, years or integers,
    /// and too many distinct ones for a dictionary: then its cells are written as their
    /// text ([`CellColumn::write_cells`]), never made values, where each object would
    /// take a tree node of hundreds of bytes.
    fn stays_text(&self) -> bool {
        let texts = || (0..self.distinct.len()).map(|i| self.distinct.text(i));
        if !texts().any(|t| t.starts_with(['{', '['])) {
            return false;
        }
        let distinct: std::collections::HashSet<&str> = texts().collect();
        distinct.len() * 4 > self.cells.len() + 64
    }

    fn has_objects(&self) -> bool {
        (0..self.distinct.len()).any(|i| self.distinct.text(i).starts_with(['{', '[']))
    }

    /// Each cell as a string of its JSON text.
    fn texts(&self) -> Vec<Value> {
        self.cells
            .iter()
            .map(|&i| Value::String(self.distinct.text(i as usize).to_string()))
            .collect()
    }

    /// The column as a JSON array of its cells, as `serde_json` writes their values.
    fn write_cells(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (k, &i) in self.cells.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(self.distinct.text(i as usize).as_bytes());
        }
        out.push(b']');
    }

    /// The column's cells as values, each distinct text read once.
    fn values(&self) -> Vec<Value> {
        let distinct: Vec<Value> = (0..self.distinct.len())
            .map(|i| self.distinct.value(i).unwrap_or(Value::Null))
            .collect();
        self.cells
            .iter()
            .map(|&i| distinct[i as usize].clone())
            .collect()
    }
}

/// A table of a snapshot gathered row by row, so that the rows can be handed over in
/// pieces and dropped (`bianzhi gen` takes a city region by region) and written as the
/// JSON of `to_columns` of all of them, byte for byte ([`TableWriter::write_json`]).
/// Each row is made a JSON value once and its cells kept as compact text
/// ([`CellColumn`]); the columns are coded only when the table is written, since a
/// column's coding depends on all its cells.
#[derive(Debug, Default)]
pub struct TableWriter {
    names: Vec<String>,
    cells: Vec<CellColumn>,
    rows: usize,
}

impl TableWriter {
    pub fn push<T: Serialize>(&mut self, row: &T) {
        let first = self.rows == 0;
        self.rows += 1;
        let Ok(Value::Object(map)) = serde_json::to_value(row) else {
            return;
        };
        if first {
            self.names = map.keys().cloned().collect();
            self.cells = (0..self.names.len())
                .map(|_| CellColumn::default())
                .collect();
        }
        for (col, name) in self.cells.iter_mut().zip(&self.names) {
            col.push(map.get(name).unwrap_or(&Value::Null));
        }
    }

    pub fn extend<T: Serialize>(&mut self, rows: &[T]) {
        for row in rows {
            self.push(row);
        }
    }

    /// Writes the JSON of `to_columns` of the rows pushed (exactly the bytes
    /// `serde_json` writes for it), each column made values, coded and dropped in turn.
    pub fn write_json(self, out: &mut Vec<u8>) {
        let TableWriter {
            names, mut cells, ..
        } = self;
        let n = names.len();
        let mut codecs = vec![String::new(); n];
        let mut dicts = vec![Vec::new(); n];
        let bases = bases_of(&names, |i| cells[i].values());
        let pos = |name: &str| names.iter().position(|n| n == name);
        let idc = pos("id_number");
        let facts: Vec<Option<idcard::IdFacts>> = idc
            .map(|c| cells[c].values().iter().map(id_facts).collect())
            .unwrap_or_default();
        let derived: Vec<(usize, bool)> = match idc {
            Some(_) => [("birth_date", false), ("sex", true)]
                .into_iter()
                .filter_map(|(name, is_sex)| pos(name).map(|c| (c, is_sex)))
                .collect(),
            None => Vec::new(),
        };
        out.extend_from_slice(b"{\"names\":");
        let _ = serde_json::to_writer(&mut *out, &names);
        out.extend_from_slice(b",\"columns\":[");
        for c in 0..n {
            if c > 0 {
                out.push(b',');
            }
            let plain = Some(c) != idc && !derived.iter().any(|(d, _)| *d == c);
            if plain && cells[c].stays_text() {
                cells[c].write_cells(out);
                cells[c] = CellColumn::default();
                continue;
            }
            if plain && bases[c].is_none() && cells[c].has_objects() {
                // A column of objects (an event's detail) that a dictionary pays for:
                // coded as its cells' texts, which give the same indices (a cell's text
                // is the value, and such a column is no dates, years or integers), and
                // only the dictionary's entries made values.
                let mut texts = cells[c].texts();
                let (codec, dict) = code_column(&names[c], &mut texts, None, false);
                if dict.is_empty() {
                    // Left as it is (never, when `stays_text` said no).
                    cells[c].write_cells(out);
                } else {
                    let _ = serde_json::to_writer(&mut *out, &texts);
                }
                cells[c] = CellColumn::default();
                dicts[c] = dict
                    .iter()
                    .map(|t| {
                        t.as_str()
                            .and_then(|t| serde_json::from_str(t).ok())
                            .unwrap_or(Value::Null)
                    })
                    .collect();
                codecs[c] = codec;
                continue;
            }
            let mut col = cells[c].values();
            cells[c] = CellColumn::default();
            if let Some(&(_, is_sex)) = derived.iter().find(|(d, _)| *d == c) {
                for (v, f) in col.iter_mut().zip(&facts) {
                    let Some(f) = f else { continue };
                    let said = if is_sex {
                        serde_json::to_value(f.sex).unwrap_or(Value::Null)
                    } else {
                        Value::from(f.birth_date.format("%Y-%m-%d").to_string())
                    };
                    if *v == said {
                        *v = Value::from(0);
                    }
                }
                codecs[c].push('i');
            } else if Some(c) == idc {
                for v in col.iter_mut() {
                    if let Value::String(s) = v {
                        *s = drop_check(s);
                    }
                }
                codecs[c].push('c');
            } else {
                let (codec, dict) = code_column(&names[c], &mut col, bases[c].as_ref(), false);
                codecs[c] = codec;
                dicts[c] = dict;
            }
            let _ = serde_json::to_writer(&mut *out, &col);
        }
        out.push(b']');
        if n > 0 {
            out.extend_from_slice(b",\"codecs\":");
            let _ = serde_json::to_writer(&mut *out, &codecs);
        }
        if dicts.iter().any(|d| !d.is_empty()) {
            out.extend_from_slice(b",\"dicts\":");
            let _ = serde_json::to_writer(&mut *out, &dicts);
        }
        out.push(b'}');
    }
}

/// The tables of a snapshot gathered in pieces ([`TableWriter`]), in the order of
/// [`TABLES`]: `bianzhi gen` pushes a city's rows as the generator hands them over and
/// writes the JSON of [`Snapshot::new`] of all of them ([`SnapshotWriter::json`]).
#[derive(Debug, Default)]
pub struct SnapshotWriter {
    tables: [TableWriter; 6],
}

impl SnapshotWriter {
    /// Appends a part of the dataset: each table's rows after those pushed before.
    pub fn push(&mut self, part: &Dataset) {
        let [orgs, ledger, posts, persons, events, approvals] = &mut self.tables;
        orgs.extend(&part.orgs);
        ledger.extend(&part.ledger);
        posts.extend(&part.posts);
        persons.extend(&part.persons);
        events.extend(&part.events);
        approvals.extend(&part.approvals);
    }

    /// The JSON of `Snapshot::new` of all the rows pushed, byte for byte; each table
    /// dropped once written.
    pub fn json(self, cursor: u64, scope_root: Option<OrgId>) -> Vec<u8> {
        let mut tables = self.tables.into_iter();
        snapshot_json_of(cursor, scope_root, |_| tables.next().unwrap_or_default())
    }
}

/// The JSON of a snapshot whose `i`th table ([`TABLES`]) is `table(i)`, asked for and
/// written one after the other.
fn snapshot_json_of(
    cursor: u64,
    scope_root: Option<OrgId>,
    mut table: impl FnMut(usize) -> TableWriter,
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"format\":");
    let _ = serde_json::to_writer(&mut out, SNAPSHOT_FORMAT);
    out.extend_from_slice(
        format!(",\"protocol\":{PROTOCOL_VERSION},\"cursor\":{cursor},\"scope_root\":").as_bytes(),
    );
    let _ = serde_json::to_writer(&mut out, &scope_root);
    out.extend_from_slice(b",\"data\":{");
    for (i, name) in TABLES.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut out, name);
        out.push(b':');
        table(i).write_json(&mut out);
    }
    out.extend_from_slice(b"}}");
    out
}

/// The JSON of `Snapshot::new(data, cursor, scope_root)`, byte for byte, written table
/// by table (see [`TableWriter`]): without the whole dataset as JSON values in memory.
pub fn snapshot_json(data: &Dataset, cursor: u64, scope_root: Option<OrgId>) -> Vec<u8> {
    snapshot_json_of(cursor, scope_root, |i| {
        let mut t = TableWriter::default();
        match i {
            0 => t.extend(&data.orgs),
            1 => t.extend(&data.ledger),
            2 => t.extend(&data.posts),
            3 => t.extend(&data.persons),
            4 => t.extend(&data.events),
            _ => t.extend(&data.approvals),
        }
        t
    })
}

/// Writes a snapshot file from JSON made by [`snapshot_json`]: the same bytes as
/// [`Snapshot::write`] of the same data, beside the target and renamed.
pub fn write_snapshot_json(json: &[u8], path: &Path) -> Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, compress(json, ZSTD_LEVEL))?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Transposes columns back into rows, rejecting anything malformed.
pub fn from_columns<T: DeserializeOwned>(c: &Columns) -> Result<Vec<T>> {
    rows_of(c.clone(), None, None)
}

/// Undoes the codecs of a table row by row (see [`Columns`]): each row's cells go in
/// as they travel and come out as the row's JSON object, so a table is decoded without
/// a second copy of its columns.
struct RowDecoder<'a> {
    names: Vec<String>,
    /// Each column's steps, in the order they are undone.
    steps: Vec<Vec<char>>,
    dicts: Vec<Vec<Value>>,
    /// The running sum of each `d` step, per column and step.
    sums: Vec<Vec<i64>>,
    idc: Option<usize>,
    /// Columns that may say `0` for what the ID number says: (column, is sex).
    derived: Vec<(usize, bool)>,
    /// Each `r` or `y` column's base column.
    base: Vec<Option<usize>>,
    /// Columns coded `s`: their `true`s pass the other steps by.
    marked: Vec<bool>,
    /// The `subject` column, and the persons an `s` column's `true` refers to.
    subject: Option<usize>,
    persons: Option<&'a Subjects>,
    /// The columns in the order they are undone: each after those it is coded against.
    order: Vec<usize>,
}

impl<'a> RowDecoder<'a> {
    fn new(
        names: Vec<String>,
        codecs: &[String],
        dicts: Vec<Vec<Value>>,
        persons: Option<&'a Subjects>,
    ) -> Result<RowDecoder<'a>> {
        let n = names.len();
        let bad = |what: &str| WireError::Format(what.to_string());
        if codecs.len() != n || (!dicts.is_empty() && dicts.len() != n) {
            return Err(bad("列编码与列数不符"));
        }
        let pos = |name: &str| names.iter().position(|n| n == name);
        let (idc, birth, sex) = (pos("id_number"), pos("birth_date"), pos("sex"));
        let subject = pos("subject");
        let mut steps = Vec::with_capacity(n);
        let mut derived = Vec::new();
        let mut base = vec![None; n];
        let mut marked = vec![false; n];
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        let based = |table: &[(&str, &str)], i: usize| {
            table
                .iter()
                .find(|(c, _)| *c == names[i])
                .and_then(|(_, b)| pos(b))
        };
        for (i, codec) in codecs.iter().enumerate() {
            for step in codec.chars() {
                match step {
                    'k' if dicts.get(i).is_none() => return Err(bad("缺少列字典")),
                    'k' | 'd' | 't' => {}
                    'c' if Some(i) == idc => {}
                    'i' if Some(i) == birth || Some(i) == sex => {}
                    'r' if based(&ROW_BASE, i).is_some() => base[i] = based(&ROW_BASE, i),
                    'y' if based(&YEAR_OF, i).is_some() => base[i] = based(&YEAR_OF, i),
                    's' if subject.is_some()
                        && subject != Some(i)
                        && OF_SUBJECT.iter().any(|(c, _)| *c == names[i]) =>
                    {
                        if persons.is_none() {
                            return Err(bad("引用了未随数据发送的人员"));
                        }
                        marked[i] = true;
                        deps[i].extend(subject);
                    }
                    _ => return Err(bad("未知的列编码")),
                }
            }
            deps[i].extend(base[i]);
            if codec.contains('i') {
                derived.push((i, Some(i) == sex));
            }
            steps.push(codec.chars().rev().collect::<Vec<char>>());
        }
        // Each column after those it is coded against (`entry_doc` after `entry_date`
        // after `work_start`; an event's `doc_no` after its `date` after `subject`).
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut done = vec![false; n];
        while order.len() < n {
            let ready: Vec<usize> = (0..n)
                .filter(|&c| !done[c] && deps[c].iter().all(|&d| done[d]))
                .collect();
            if ready.is_empty() {
                return Err(bad("列编码的依赖成环"));
            }
            for c in ready {
                done[c] = true;
                order.push(c);
            }
        }
        let sums = steps.iter().map(|s| vec![0i64; s.len()]).collect();
        Ok(RowDecoder {
            names,
            steps,
            dicts,
            sums,
            idc,
            derived,
            base,
            marked,
            subject,
            persons,
            order,
        })
    }

    /// The next row, from its cells in column order (rows must come in order: deltas
    /// run down the column).
    fn row(&mut self, mut cell: impl FnMut(usize) -> Result<Value>) -> Result<Map<String, Value>> {
        let bad = |what: &str| WireError::Format(what.to_string());
        let mut values = vec![Value::Null; self.names.len()];
        for &c in &self.order {
            let mut v = cell(c)?;
            let passes = |v: &Value| v.is_null() || (self.marked[c] && v.is_boolean());
            for (s, step) in self.steps[c].iter().enumerate() {
                match step {
                    'k' => {
                        let k = v.as_u64().ok_or_else(|| bad("字典列含非整数"))?;
                        v = self.dicts[c]
                            .get(k as usize)
                            .cloned()
                            .ok_or_else(|| bad("字典序号越界"))?;
                    }
                    'd' if !passes(&v) => {
                        let d = v.as_i64().ok_or_else(|| bad("编号列含非整数"))?;
                        let sum = &mut self.sums[c][s];
                        *sum = sum.wrapping_add(d);
                        v = Value::from(*sum);
                    }
                    't' if !passes(&v) => {
                        let d = v
                            .as_i64()
                            .and_then(|n| {
                                epoch().checked_add_signed(chrono::TimeDelta::try_days(n)?)
                            })
                            .ok_or_else(|| bad("日期列含无效值"))?;
                        v = Value::from(d.format("%Y-%m-%d").to_string());
                    }
                    'c' => {
                        if let Value::String(s) = &mut v {
                            *s = add_check(s);
                        }
                    }
                    'r' if !passes(&v) => {
                        let x = v.as_i64().ok_or_else(|| bad("日期列含无效值"))?;
                        let b = self.base[c].and_then(|b| as_date(&values[b]));
                        if let Some(b) = b {
                            v = Value::from(x.wrapping_add((b - epoch()).num_days()));
                        }
                    }
                    'y' => {
                        if let Value::String(s) = &v {
                            let year = self.base[c]
                                .and_then(|d| as_date(&values[d]))
                                .map(|d| d.year());
                            v = Value::from(add_year(s, year).ok_or_else(|| bad("文号缺年份"))?);
                        }
                    }
                    's' if v == Value::Bool(true) => {
                        let k = OF_SUBJECT
                            .iter()
                            .position(|(n, _)| *n == self.names[c])
                            .ok_or_else(|| bad("未知的列编码"))?;
                        let subject = self.subject.map_or(&Value::Null, |s| &values[s]);
                        v = self
                            .persons
                            .and_then(|p| p.cell(subject, k))
                            .ok_or_else(|| bad("引用了未随数据发送的人员"))?;
                    }
                    _ => {}
                }
            }
            values[c] = v;
        }
        for &(at, is_sex) in &self.derived {
            if values[at].as_i64() != Some(0) {
                continue;
            }
            let idc = self.idc.ok_or_else(|| bad("缺少身份证号列"))?;
            let f = id_facts(&values[idc]).ok_or_else(|| bad("无法由身份证号推出"))?;
            values[at] = if is_sex {
                serde_json::to_value(f.sex).unwrap_or(Value::Null)
            } else {
                Value::from(f.birth_date.format("%Y-%m-%d").to_string())
            };
        }
        let mut map = Map::with_capacity(self.names.len());
        for (name, v) in self.names.iter().zip(values) {
            map.insert(name.clone(), v);
        }
        Ok(map)
    }
}

/// A decoded row's object as the model's row.
fn row_from<T: DeserializeOwned>(map: Map<String, Value>, i: usize) -> Result<T> {
    serde_json::from_value(Value::Object(map))
        .map_err(|e| WireError::Format(format!("第{}行：{e}", i + 1)))
}

/// Transposes columns back into rows, consuming them row by row; an `s` column's
/// persons from `persons`, and each row kept in `keep` (a page's persons, for its
/// events).
fn rows_of<T: DeserializeOwned>(
    mut c: Columns,
    persons: Option<&Subjects>,
    mut keep: Option<&mut Subjects>,
) -> Result<Vec<T>> {
    if c.names.len() != c.columns.len() {
        return Err(WireError::Format("列名与列数不符".into()));
    }
    let n = c.len();
    if c.columns.iter().any(|col| col.len() != n) {
        return Err(WireError::Format("各列行数不一致".into()));
    }
    let mut decoder = RowDecoder::new(std::mem::take(&mut c.names), &c.codecs, c.dicts, persons)?;
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let map = decoder.row(|col| Ok(std::mem::take(&mut c.columns[col][i])))?;
        if let Some(keep) = keep.as_deref_mut() {
            keep.keep(&map)?;
        }
        rows.push(row_from(map, i)?);
    }
    Ok(rows)
}

/// One column's cells as compact JSON text in one buffer: a few bytes a cell where a
/// [`Value`] takes 32 and often a heap string besides. What a table is held as while it
/// is read (a snapshot's, a page's), until its rows are made one by one.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextColumn {
    text: String,
    ends: Vec<u32>,
}

impl TextColumn {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    fn push(&mut self, v: &Value) -> std::result::Result<(), String> {
        use std::fmt::Write as _;
        let _ = write!(self.text, "{v}");
        let end = u32::try_from(self.text.len()).map_err(|_| "列过大".to_string())?;
        self.ends.push(end);
        Ok(())
    }
    fn value(&self, i: usize) -> Result<Value> {
        serde_json::from_str(self.text(i)).map_err(|e| WireError::Format(e.to_string()))
    }
    /// Cell `i`'s JSON text.
    fn text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
    /// Appends a cell given as its JSON text (what [`TextColumn::push`] writes).
    fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
        // A column's text is its table's JSON, far below 4 GiB.
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }
}

impl<'de> Deserialize<'de> for TextColumn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Cells;
        impl<'de> serde::de::Visitor<'de> for Cells {
            type Value = TextColumn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a column of values")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<TextColumn, A::Error> {
                let mut col = TextColumn::default();
                while let Some(v) = seq.next_element::<Value>()? {
                    col.push(&v).map_err(serde::de::Error::custom)?;
                }
                Ok(col)
            }
        }
        d.deserialize_seq(Cells)
    }
}

/// A table as read, column by column in [`TextColumn`]s (the shape of [`Columns`]).
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
pub struct TextColumns {
    pub names: Vec<String>,
    pub columns: Vec<TextColumn>,
    #[serde(default)]
    pub codecs: Vec<String>,
    #[serde(default)]
    pub dicts: Vec<Vec<Value>>,
}

impl TextColumns {
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, TextColumn::len)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes the rows one at a time, handing each to `each`: the table's rows are never
    /// all in memory as rows. Stops at the first malformed row.
    pub fn each_row<T: DeserializeOwned, E: From<WireError>>(
        self,
        each: impl FnMut(T) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.each_row_with(None, None, each)
    }

    /// [`Self::each_row`], an `s` column's persons from `persons`, each row kept in
    /// `keep` (see [`rows_of`]).
    fn each_row_with<T: DeserializeOwned, E: From<WireError>>(
        self,
        persons: Option<&Subjects>,
        mut keep: Option<&mut Subjects>,
        mut each: impl FnMut(T) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        if self.names.len() != self.columns.len() {
            return Err(WireError::Format("列名与列数不符".into()).into());
        }
        let n = self.len();
        if self.columns.iter().any(|col| col.len() != n) {
            return Err(WireError::Format("各列行数不一致".into()).into());
        }
        let mut decoder = RowDecoder::new(self.names, &self.codecs, self.dicts, persons)?;
        for i in 0..n {
            let map = decoder.row(|c| self.columns[c].value(i))?;
            if let Some(keep) = keep.as_deref_mut() {
                keep.keep(&map)?;
            }
            each(row_from(map, i)?)?;
        }
        Ok(())
    }

    /// All the rows.
    pub fn rows<T: DeserializeOwned>(self) -> Result<Vec<T>> {
        self.rows_with(None, None)
    }

    fn rows_with<T: DeserializeOwned>(
        self,
        persons: Option<&Subjects>,
        keep: Option<&mut Subjects>,
    ) -> Result<Vec<T>> {
        let mut rows = Vec::with_capacity(self.len());
        self.each_row_with(persons, keep, |r| {
            rows.push(r);
            Ok::<(), WireError>(())
        })?;
        Ok(rows)
    }
}

/// The tables of a dataset as they travel, in this order (`WireDataset`'s fields).
pub const TABLES: [&str; 6] = ["orgs", "ledger", "posts", "persons", "events", "approvals"];

/// A dataset as read: one [`TextColumns`] per table, each missing one empty (a page's
/// `data`, read by the client).
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct TextDataset {
    pub orgs: TextColumns,
    pub ledger: TextColumns,
    pub posts: TextColumns,
    pub persons: TextColumns,
    pub events: TextColumns,
    pub approvals: TextColumns,
}

impl TextDataset {
    pub fn row_count(&self) -> usize {
        self.orgs.len()
            + self.ledger.len()
            + self.posts.len()
            + self.persons.len()
            + self.events.len()
            + self.approvals.len()
    }

    /// The rows, each table's text dropped once its rows are made. Where the events
    /// refer to their persons (`s`), what they refer to of the persons is kept while
    /// the events are made ([`Subjects`]).
    pub fn into_dataset(self) -> Result<Dataset> {
        let refer = self.events.codecs.iter().any(|c| c.contains('s'));
        let mut subjects = Subjects::default();
        let persons = self
            .persons
            .rows_with(None, refer.then_some(&mut subjects))?;
        Ok(Dataset {
            orgs: self.orgs.rows()?,
            ledger: self.ledger.rows()?,
            posts: self.posts.rows()?,
            persons,
            events: self.events.rows_with(refer.then_some(&subjects), None)?,
            approvals: self.approvals.rows()?,
        })
    }
}

/// Hands a table's rows to `put` in chunks of at most `chunk` rows, each chunk a
/// [`Dataset`] holding only that table's rows: what a stream of rows is written as.
pub fn each_chunk<E: From<WireError>>(
    table: usize,
    cols: TextColumns,
    chunk: usize,
    put: &mut dyn FnMut(&Dataset) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    fn go<T: DeserializeOwned, E: From<WireError>>(
        cols: TextColumns,
        chunk: usize,
        pick: fn(&mut Dataset) -> &mut Vec<T>,
        put: &mut dyn FnMut(&Dataset) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut d = Dataset::default();
        cols.each_row::<T, E>(|row| {
            pick(&mut d).push(row);
            if pick(&mut d).len() >= chunk {
                put(&d)?;
                pick(&mut d).clear();
            }
            Ok(())
        })?;
        if !pick(&mut d).is_empty() {
            put(&d)?;
        }
        Ok(())
    }
    match table {
        0 => go(cols, chunk, |d| &mut d.orgs, put),
        1 => go(cols, chunk, |d| &mut d.ledger, put),
        2 => go(cols, chunk, |d| &mut d.posts, put),
        3 => go(cols, chunk, |d| &mut d.persons, put),
        4 => go(cols, chunk, |d| &mut d.events, put),
        _ => go(cols, chunk, |d| &mut d.approvals, put),
    }
}

fn delta_encode(col: &mut [Value]) {
    let mut prev = 0i64;
    for v in col.iter_mut() {
        if let Some(x) = v.as_i64() {
            *v = Value::from(x.wrapping_sub(prev));
            prev = x;
        }
    }
}

/// A dataset as it travels: one `Columns` per table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireDataset {
    pub orgs: Columns,
    pub ledger: Columns,
    pub posts: Columns,
    pub persons: Columns,
    pub events: Columns,
    pub approvals: Columns,
}

impl WireDataset {
    /// A page's rows: the events refer to the persons travelling with them (`s`).
    pub fn encode(d: &Dataset) -> WireDataset {
        let persons = Subjects::of_rows(&d.persons).unwrap_or_default();
        WireDataset {
            events: to_columns_with(&d.events, Some(&persons)),
            ..WireDataset::encode_apart(d)
        }
    }

    /// Each table coded alone (snapshots, read table by table).
    pub fn encode_apart(d: &Dataset) -> WireDataset {
        WireDataset {
            orgs: to_columns(&d.orgs),
            ledger: to_columns(&d.ledger),
            posts: to_columns(&d.posts),
            persons: to_columns(&d.persons),
            events: to_columns(&d.events),
            approvals: to_columns(&d.approvals),
        }
    }

    pub fn decode(&self) -> Result<Dataset> {
        self.clone().into_dataset()
    }

    /// Decodes, dropping each table's columns as soon as its rows are made (the
    /// events after the persons they refer to, see [`TextDataset::into_dataset`]).
    pub fn into_dataset(self) -> Result<Dataset> {
        let refer = self.events.codecs.iter().any(|c| c.contains('s'));
        let mut subjects = Subjects::default();
        let persons = rows_of(self.persons, None, refer.then_some(&mut subjects))?;
        Ok(Dataset {
            orgs: rows_of(self.orgs, None, None)?,
            ledger: rows_of(self.ledger, None, None)?,
            posts: rows_of(self.posts, None, None)?,
            persons,
            events: rows_of(self.events, refer.then_some(&subjects), None)?,
            approvals: rows_of(self.approvals, None, None)?,
        })
    }

    pub fn row_count(&self) -> usize {
        self.orgs.len()
            + self.ledger.len()
            + self.posts.len()
            + self.persons.len()
            + self.events.len()
            + self.approvals.len()
    }
}

/// The `protocol` member of a JSON object, reading nothing else into memory.
pub fn version_of(json: &[u8]) -> Result<Option<u64>> {
    #[derive(Deserialize)]
    struct Head {
        protocol: Option<u64>,
    }
    let head: Head = serde_json::from_slice(json).map_err(|e| WireError::Format(e.to_string()))?;
    Ok(head.protocol)
}

/// zstd level for data at rest and the first sync: slow to write once, small forever.
pub const ZSTD_LEVEL: i32 = 19;

pub fn compress(bytes: &[u8], level: i32) -> Vec<u8> {
    zstd::bulk::compress(bytes, level).unwrap_or_default()
}

/// Decompresses at most `limit` bytes, so a hostile body cannot exhaust memory.
pub fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>> {
    read_bounded(
        zstd::stream::read::Decoder::new(bytes).map_err(WireError::Decompress)?,
        limit,
    )
}

/// Reads a decoder to its end, refusing more than `limit` bytes (zstd here, gzip in
/// `proto::gunzip`): one bound for every compressed body.
pub(crate) fn read_bounded(decoder: impl std::io::Read, limit: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(WireError::Decompress)?;
    if out.len() > limit {
        return Err(WireError::Format("数据超过允许的大小".into()));
    }
    Ok(out)
}

/// The largest decompressed body we accept (a whole province fits well within).
pub const MAX_BODY: usize = 2 << 30;

/// A dataset snapshot file: everything of one jurisdiction and the cursor it is current to,
/// so a terminal set up from it continues with deltas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always `bianzhi-snapshot`.
    pub format: String,
    pub protocol: u32,
    /// The changes-feed cursor the data is current to (0 for generated data).
    pub cursor: u64,
    /// The jurisdiction's root unit.
    pub scope_root: Option<OrgId>,
    pub data: WireDataset,
}

pub const SNAPSHOT_FORMAT: &str = "bianzhi-snapshot";

impl Snapshot {
    pub fn new(data: &Dataset, cursor: u64, scope_root: Option<OrgId>) -> Snapshot {
        Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            protocol: PROTOCOL_VERSION,
            cursor,
            scope_root,
            data: WireDataset::encode_apart(data),
        }
    }

    /// Compressed bytes (deterministic: same snapshot, same bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("snapshot serializes");
        compress(&json, ZSTD_LEVEL)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot> {
        let json = decompress(bytes, MAX_BODY)?;
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            protocol: Option<u64>,
        }
        let head: Head =
            serde_json::from_slice(&json).map_err(|e| WireError::Format(e.to_string()))?;
        if head.format.as_deref() != Some(SNAPSHOT_FORMAT) {
            return Err(WireError::NotSnapshot);
        }
        snapshot_readable(head.protocol.unwrap_or(0) as u32)?;
        serde_json::from_slice(&json).map_err(|e| WireError::Format(e.to_string()))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        // Written beside the target and renamed, so a crash never leaves half a file.
        let tmp = path.with_extension("partial");
        std::fs::write(&tmp, self.to_bytes())?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    pub fn read(path: &Path) -> Result<Snapshot> {
        Snapshot::from_bytes(&std::fs::read(path)?)
    }
}

/// What a snapshot file says besides its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotHead {
    pub cursor: u64,
    pub scope_root: Option<OrgId>,
}

/// Checks a snapshot's format and version (as [`Snapshot::from_bytes`] does).
fn check_head(format: Option<&str>, protocol: Option<u64>) -> Result<()> {
    if format != Some(SNAPSHOT_FORMAT) {
        return Err(WireError::NotSnapshot);
    }
    snapshot_readable(protocol.unwrap_or(0) as u32)
}

/// Reads a snapshot file as a stream: decompressed and parsed as it is read, each table
/// handed to `table` (its index in [`TABLES`] and its columns as text) as soon as it is
/// in, then dropped. Memory holds one table's columns, compactly, never the file, its
/// JSON or its rows; [`TextColumns::each_row`] makes the rows one at a time.
///
/// The format and version are checked before any table is handed on (a file written
/// with them after its data has its tables held until the end, then checked).
pub fn read_snapshot<E: From<WireError>>(
    path: &Path,
    table: &mut dyn FnMut(usize, TextColumns) -> std::result::Result<(), E>,
) -> std::result::Result<SnapshotHead, E> {
    use serde::de::DeserializeSeed;
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(WireError::Io)?;
    let decoder = zstd::stream::read::Decoder::new(file).map_err(WireError::Decompress)?;
    let reader = std::io::BufReader::with_capacity(1 << 16, decoder.take(MAX_BODY as u64 + 1));
    let mut failed: Option<E> = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let seed = SnapshotSeed {
        table,
        failed: &mut failed,
    };
    let read = seed
        .deserialize(&mut de)
        .and_then(|head| de.end().map(|_| head));
    match (read, failed) {
        (_, Some(e)) => Err(e),
        (Ok(head), None) => Ok(head),
        (Err(e), None) if e.is_io() => Err(WireError::Decompress(std::io::Error::other(e)).into()),
        (Err(e), None) => Err(WireError::Format(e.to_string()).into()),
    }
}

/// Reads the snapshot object, handing tables on (see [`read_snapshot`]). A failure of
/// the sink or of the checks is kept in `failed` (serde's errors carry only text).
struct SnapshotSeed<'a, E> {
    table: &'a mut dyn FnMut(usize, TextColumns) -> std::result::Result<(), E>,
    failed: &'a mut Option<E>,
}

impl<'de, E: From<WireError>> serde::de::DeserializeSeed<'de> for SnapshotSeed<'_, E> {
    type Value = SnapshotHead;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<SnapshotHead, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, E: From<WireError>> serde::de::Visitor<'de> for SnapshotSeed<'_, E> {
    type Value = SnapshotHead;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a bianzhi snapshot")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<SnapshotHead, A::Error> {
        use serde::de::Error as _;
        let (mut format, mut protocol, mut cursor, mut scope_root) = (None, None, None, None);
        let mut held: Vec<(usize, TextColumns)> = Vec::new();
        let mut data = false;
        let fail = |failed: &mut Option<E>, e: E| {
            *failed = Some(e);
            A::Error::custom("snapshot")
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => format = map.next_value::<Option<String>>()?,
                "protocol" => protocol = map.next_value::<Option<u64>>()?,
                "cursor" => cursor = Some(map.next_value::<u64>()?),
                "scope_root" => scope_root = map.next_value::<Option<OrgId>>()?,
                "data" => {
                    let head = check_head(format.as_deref(), protocol);
                    let now = head.is_ok();
                    if let Err(e) = head
                        && format.is_some()
                        && protocol.is_some()
                    {
                        return Err(fail(self.failed, e.into()));
                    }
                    let mut seen = [false; 6];
                    map.next_value_seed(TablesSeed {
                        each: &mut |i, cols| {
                            seen[i] = true;
                            if now {
                                (self.table)(i, cols)
                            } else {
                                held.push((i, cols));
                                Ok(())
                            }
                        },
                        failed: &mut *self.failed,
                    })?;
                    if let Some(i) = seen.iter().position(|s| !s) {
                        return Err(A::Error::missing_field(TABLES[i]));
                    }
                    data = true;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        if let Err(e) = check_head(format.as_deref(), protocol) {
            return Err(fail(self.failed, e.into()));
        }
        let cursor = cursor.ok_or_else(|| A::Error::missing_field("cursor"))?;
        if !data {
            return Err(A::Error::missing_field("data"));
        }
        for (i, cols) in held {
            if let Err(e) = (self.table)(i, cols) {
                return Err(fail(self.failed, e));
            }
        }
        Ok(SnapshotHead { cursor, scope_root })
    }
}

/// Reads the `data` object, handing each table on as it is read.
struct TablesSeed<'a, 'b, E> {
    each: &'b mut dyn FnMut(usize, TextColumns) -> std::result::Result<(), E>,
    failed: &'a mut Option<E>,
}

impl<'de, E> serde::de::DeserializeSeed<'de> for TablesSeed<'_, '_, E> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, E> serde::de::Visitor<'de> for TablesSeed<'_, '_, E> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the tables of a dataset")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match TABLES.iter().position(|t| *t == key) {
                Some(i) => {
                    let cols = map.next_value::<TextColumns>()?;
                    if let Err(e) = (self.each)(i, cols) {
                        *self.failed = Some(e);
                        return Err(serde::de::Error::custom("snapshot"));
                    }
                }
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn org(id: i64, parent: Option<i64>) -> Org {
        Org {
            id,
            parent_id: parent,
            kind: OrgKind::Institution,
            name: format!("单位{id}"),
            short_name: None,
            category: Some(Category::Government),
            level: Some(Level::SectionFull),
            nature: Some(Nature::Administrative),
            credit_code: None,
            domain_name: None,
            founding_doc: None,
            founding_date: None,
            sort: 0,
            abolished: false,
        }
    }

    #[test]
    fn columns_round_trip() {
        let d = Dataset {
            orgs: vec![org(1, None), org(2, Some(1)), org(7, Some(1))],
            ..Default::default()
        };
        let w = WireDataset::encode(&d);
        assert_eq!(w.orgs.len(), 3);
        assert_eq!(w.decode().unwrap(), d);
        let snap = Snapshot::new(&d, 42, Some(1));
        let back = Snapshot::from_bytes(&snap.to_bytes()).unwrap();
        assert_eq!(back, snap);
        assert_eq!(snap.to_bytes(), snap.to_bytes());
    }

    #[test]
    fn garbage_is_refused_in_words() {
        assert!(matches!(
            Snapshot::from_bytes(b"hello"),
            Err(WireError::Decompress(_))
        ));
        let bytes = compress(br#"{"format":"bianzhi-snapshot","protocol":99}"#, 3);
        assert!(matches!(
            Snapshot::from_bytes(&bytes),
            Err(WireError::Version { found: 99, .. })
        ));
        let mut c = to_columns(&[org(1, None)]);
        c.columns[0].push(Value::Null);
        assert!(from_columns::<Org>(&c).is_err());
        let bytes = Snapshot::new(&Dataset::default(), 0, None).to_bytes();
        assert!(Snapshot::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8))]
        /// Every table of generated data comes back from its coded columns exactly, and
        /// through a snapshot's bytes too.
        #[test]
        fn generated_data_round_trips(seed in 0u64..1_000_000) {
            let mut d = crate::generate::generate(crate::generate::Scale::Small, seed);
            // Records that disagree with their ID numbers, or whose numbers are odd,
            // travel as they are.
            if let Some(p) = d.persons.get_mut(0) {
                p.birth_date = None;
            }
            if let Some(p) = d.persons.get_mut(1) {
                p.sex = if p.sex == Sex::Male { Sex::Female } else { Sex::Male };
                p.birth_date = NaiveDate::from_ymd_opt(1970, 1, 1);
            }
            if let Some(p) = d.persons.get_mut(2) {
                p.id_number = p.id_number[..17].to_string();
            }
            if let Some(p) = d.persons.get_mut(3) {
                p.id_number = format!("~{}", p.id_number);
            }
            if let Some(p) = d.persons.get_mut(4) {
                p.id_number.pop();
                p.id_number.push('0');
                if idcard::parse_id(&p.id_number).is_ok() {
                    p.id_number.pop();
                    p.id_number.push('1');
                }
            }
            // An entry date without a work start, or before it.
            if let Some(p) = d.persons.get_mut(5) {
                p.work_start = None;
                p.entry_date = NaiveDate::from_ymd_opt(2001, 2, 3);
            }
            if let Some(p) = d.persons.get_mut(6) {
                p.work_start = NaiveDate::from_ymd_opt(2020, 1, 1);
                p.entry_date = NaiveDate::from_ymd_opt(1999, 12, 31);
            }
            // Document numbers whose year is not the row's date's, or that read as
            // coded, or whose row has no date.
            if let Some(p) = d.persons.get_mut(5) {
                p.entry_doc = Some("甲〔2001〕1号〔2001〕".into());
            }
            if let Some(p) = d.persons.get_mut(6) {
                p.entry_doc = Some("~乙〔〕3号".into());
            }
            if let Some(p) = d.persons.get_mut(7) {
                p.entry_date = None;
                p.entry_doc = Some("丙〔2010〕2号".into());
            }
            if let Some(e) = d.events.get_mut(1) {
                e.doc_no = Some("丁〔〕5号".into());
            }
            if let Some(e) = d.events.get_mut(2) {
                e.doc_no = Some("戊〔1900〕6号".into());
            }
            // Entry events that say other than their person, a person with no entry
            // document and an event with none, and an event of a person not among the
            // rows.
            let mut entries = d.events.iter_mut().filter(|e| e.kind == EventKind::Entry);
            if let Some(e) = entries.next() {
                e.date = e.date.succ_opt().unwrap();
                e.doc_no = Some("己〔2001〕9号".into());
                e.to_org = Some(-7);
            }
            if let Some(e) = entries.next() {
                e.doc_no = None;
                e.from_org = e.to_org;
                let Subject::Person(p) = e.subject else { unreachable!() };
                if let Some(p) = d.persons.iter_mut().find(|x| x.id == p) {
                    p.entry_doc = None;
                }
            }
            if let Some(e) = d.events.iter_mut().rev().find(|e| e.kind == EventKind::Entry) {
                e.subject = Subject::Person(i64::MAX);
            }
            let w = WireDataset::encode(&d);
            // The dates are coded against their bases.
            let codec = |c: &Columns, name: &str| {
                c.names.iter().position(|n| n == name).map(|i| c.codecs[i].clone())
            };
            let entry_date = codec(&w.persons, "entry_date");
            proptest::prop_assert_eq!(entry_date.as_deref(), Some("tr"));
            proptest::prop_assert!(codec(&w.persons, "entry_doc").is_some_and(|k| k.starts_with('y')));
            proptest::prop_assert!(codec(&w.events, "doc_no").is_some_and(|k| k.starts_with("sy")));
            // An event repeats its person's entry: `true` where it does.
            for name in ["date", "doc_no", "to_org"] {
                proptest::prop_assert!(codec(&w.events, name).is_some_and(|k| k.starts_with('s')), "{name}");
            }
            let refs = w.events.columns[w.events.names.iter().position(|n| n == "date").unwrap()]
                .iter()
                .filter(|v| **v == Value::Bool(true))
                .count();
            proptest::prop_assert!(refs * 2 > d.events.len(), "{refs} of {}", d.events.len());
            proptest::prop_assert_eq!(&w.decode().unwrap(), &d);
            // Without the persons, the events cannot be read; with each table alone
            // (a snapshot's), they can.
            proptest::prop_assert!(matches!(from_columns::<Event>(&w.events), Err(WireError::Format(_))));
            let apart = WireDataset::encode_apart(&d);
            proptest::prop_assert!(apart.events.codecs.iter().all(|k| !k.contains('s')));
            proptest::prop_assert_eq!(&apart.decode().unwrap(), &d);
            // Read as text columns (the client's pages), the same rows.
            let text: TextDataset = serde_json::from_slice(&serde_json::to_vec(&w).unwrap()).unwrap();
            proptest::prop_assert_eq!(&text.into_dataset().unwrap(), &d);
            let snap = Snapshot::new(&d, 7, Some(1));
            // Written table by table (`gen`), the same bytes.
            proptest::prop_assert_eq!(snapshot_json(&d, 7, Some(1)), serde_json::to_vec(&snap).unwrap());
            // Handed over in pieces (`gen` takes a city region by region), the same bytes.
            let mut writer = SnapshotWriter::default();
            let cut = |n: usize, k: usize| (n * k / 3).min(n);
            for k in 0..3 {
                let piece = |n: usize| cut(n, k)..cut(n, k + 1);
                writer.push(&Dataset {
                    orgs: d.orgs[piece(d.orgs.len())].to_vec(),
                    ledger: d.ledger[piece(d.ledger.len())].to_vec(),
                    posts: d.posts[piece(d.posts.len())].to_vec(),
                    persons: d.persons[piece(d.persons.len())].to_vec(),
                    events: d.events[piece(d.events.len())].to_vec(),
                    approvals: d.approvals[piece(d.approvals.len())].to_vec(),
                });
            }
            proptest::prop_assert_eq!(writer.json(7, Some(1)), serde_json::to_vec(&snap).unwrap());
            proptest::prop_assert_eq!(&Snapshot::from_bytes(&snap.to_bytes()).unwrap().data.into_dataset().unwrap(), &d);
            // Read as a stream, table by table and row by row, the same rows.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.snap");
            snap.write(&path).unwrap();
            let (head, back) = streamed(&path).unwrap();
            proptest::prop_assert_eq!(head, SnapshotHead { cursor: 7, scope_root: Some(1) });
            proptest::prop_assert_eq!(back, d);
        }
    }

    /// A snapshot file read with [`read_snapshot`], its rows made one at a time in
    /// chunks of 100.
    fn streamed(path: &Path) -> Result<(SnapshotHead, Dataset)> {
        let mut d = Dataset::default();
        let head = read_snapshot(path, &mut |t, cols| {
            each_chunk(t, cols, 100, &mut |chunk: &Dataset| {
                assert!(chunk.row_count() <= 100);
                d.orgs.extend_from_slice(&chunk.orgs);
                d.ledger.extend_from_slice(&chunk.ledger);
                d.posts.extend_from_slice(&chunk.posts);
                d.persons.extend_from_slice(&chunk.persons);
                d.events.extend_from_slice(&chunk.events);
                d.approvals.extend_from_slice(&chunk.approvals);
                Ok::<(), WireError>(())
            })
        })?;
        Ok((head, d))
    }

    #[test]
    fn a_streamed_snapshot_refuses_what_the_whole_one_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.snap");
        let put = |bytes: &[u8]| std::fs::write(&path, bytes).unwrap();
        put(b"hello");
        assert!(matches!(streamed(&path), Err(WireError::Decompress(_))));
        put(&compress(
            br#"{"format":"bianzhi-snapshot","protocol":1,"cursor":0,"data":{}}"#,
            3,
        ));
        assert!(matches!(
            streamed(&path),
            Err(WireError::Version {
                found: 1,
                supported: PROTOCOL_VERSION
            })
        ));
        // A file of the previous version reads as today's.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        assert_eq!(
            streamed(&root.join("small-v2.snap")).unwrap().1,
            streamed(&root.join("small-v3.snap")).unwrap().1
        );
        put(&compress(
            br#"{"format":"other","protocol":3,"cursor":0,"data":{}}"#,
            3,
        ));
        assert!(matches!(streamed(&path), Err(WireError::NotSnapshot)));
        // The version after the data: the tables are held, then refused.
        let d = crate::generate::generate(crate::generate::Scale::Small, 2);
        let late = format!(
            r#"{{"data":{},"cursor":3,"format":"bianzhi-snapshot","protocol":1}}"#,
            serde_json::to_string(&WireDataset::encode_apart(&d)).unwrap()
        );
        put(&compress(late.as_bytes(), 3));
        assert!(matches!(
            streamed(&path),
            Err(WireError::Version { found: 1, .. })
        ));
        let late = late.replace(r#""protocol":1"#, r#""protocol":4"#);
        put(&compress(late.as_bytes(), 3));
        assert_eq!(streamed(&path).unwrap().1, d);
        // A table missing, a file cut short, a malformed row.
        let snap = Snapshot::new(&d, 0, None);
        let json = serde_json::to_string(&snap).unwrap();
        put(&compress(
            json.replace(r#""approvals":"#, r#""other":"#).as_bytes(),
            3,
        ));
        assert!(matches!(streamed(&path), Err(WireError::Format(_))));
        let bytes = snap.to_bytes();
        put(&bytes[..bytes.len() / 2]);
        assert!(streamed(&path).is_err());
        put(&compress(
            json.replacen(r#""codecs":[""#, r#""codecs":["z"#, 1)
                .as_bytes(),
            3,
        ));
        assert!(matches!(streamed(&path), Err(WireError::Format(_))));
        // What the sink refuses stops the reading with its own error.
        snap.write(&path).unwrap();
        let mut tables = 0;
        let e = read_snapshot(&path, &mut |_, _| {
            tables += 1;
            Err(WireError::NotSnapshot)
        })
        .unwrap_err();
        assert!(matches!(e, WireError::NotSnapshot));
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_person_travels_without_what_the_id_number_says() {
        let d = crate::generate::generate(crate::generate::Scale::Small, 3);
        let w = WireDataset::encode(&d);
        let c = &w.persons;
        let at = |n: &str| c.names.iter().position(|x| x == n).unwrap();
        assert_eq!(c.codecs[at("birth_date")], "i");
        assert_eq!(c.codecs[at("sex")], "i");
        let derived = c.columns[at("birth_date")]
            .iter()
            .filter(|v| v.as_i64() == Some(0))
            .count();
        assert!(derived * 10 > c.len() * 9, "{derived} of {}", c.len());
        assert!(
            c.columns[at("id_number")]
                .iter()
                .all(|v| v.as_str().is_some_and(|s| s.len() <= 18))
        );
    }

    /// `bianzhi gen`'s way: the world pushed into the writer as the generator hands it
    /// over (the persons first, the events in chunks) gives the file's JSON of the
    /// whole world, byte for byte.
    #[test]
    fn a_county_written_as_it_is_generated_is_the_snapshot_of_the_whole() {
        use crate::generate::{Scale, generate, generate_into};
        let mut writer = SnapshotWriter::default();
        let mut parts = 0;
        generate_into(Scale::County, 1, |part| {
            parts += 1;
            writer.push(&part);
        });
        assert!(parts > 2);
        let whole = Snapshot::new(&generate(Scale::County, 1), 0, None);
        assert!(writer.json(0, None) == serde_json::to_vec(&whole).unwrap());
    }

    #[test]
    fn an_older_version_is_refused_in_words() {
        let v1 = compress(
            br#"{"format":"bianzhi-snapshot","protocol":1,"cursor":0,"data":{}}"#,
            3,
        );
        let e = Snapshot::from_bytes(&v1).unwrap_err();
        assert!(matches!(
            e,
            WireError::Version {
                found: 1,
                supported: PROTOCOL_VERSION
            }
        ));
        assert!(e.to_string().contains("请升级"), "{e}");
    }

    /// Snapshot files written by the previous versions (protocol 2, before the `r` and
    /// `y` codings; protocol 3, `testdata/small.snap`) are read, whole and as a stream,
    /// as the same rows, and as the rows of a file written today.
    #[test]
    fn snapshots_written_at_protocols_2_and_3_read_as_the_same_rows() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let v2 = Snapshot::read(&root.join("small-v2.snap")).unwrap();
        let v3 = Snapshot::read(&root.join("small-v3.snap")).unwrap();
        assert_eq!((v2.protocol, v3.protocol), (2, 3));
        let (v2, v3) = (v2.data.decode().unwrap(), v3.data.decode().unwrap());
        assert_eq!(v2, v3);
        // Their events were written before events were typed: each keeps its sentence.
        assert!(!v3.events.is_empty());
        assert!(
            v3.events
                .iter()
                .all(|e| e.detail.is_none() && !e.summary.is_empty())
        );
        // The file of protocol 4 (`s`, protocol 5, is never in a snapshot): every event
        // typed, on the same reading path.
        let now = Snapshot::read(&root.join("small.snap")).unwrap();
        assert_eq!(now.protocol, 4);
        let now = now.data.decode().unwrap();
        assert!(
            now.events
                .iter()
                .all(|e| e.detail.is_some() && e.summary.is_empty())
        );
        // Written again today (protocol 5, no `s` in a snapshot): the same rows, whole
        // and as a stream.
        let again = Snapshot::new(&now, 3, Some(1));
        assert_eq!(again.protocol, PROTOCOL_VERSION);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("again.snap");
        again.write(&path).unwrap();
        assert_eq!(streamed(&path).unwrap().1, now);
        assert_eq!(streamed(&root.join("small.snap")).unwrap().1, now);
    }

    #[test]
    fn bad_codecs_are_refused_not_trusted() {
        let mut c = to_columns(&[org(1, None), org(2, Some(1))]);
        c.codecs[0] = "z".into();
        assert!(from_columns::<Org>(&c).is_err());
        let mut c = to_columns(&[org(1, None), org(2, Some(1))]);
        c.codecs.pop();
        assert!(from_columns::<Org>(&c).is_err());
        let mut c = to_columns(&[org(1, None), org(2, Some(1))]);
        let k = c.codecs.iter().position(|x| x == "k").unwrap();
        c.columns[k][0] = Value::from(99);
        assert!(from_columns::<Org>(&c).is_err());
    }

    #[test]
    fn coded_dates_and_years_refuse_what_they_cannot_undo() {
        let d = crate::generate::generate(crate::generate::Scale::Small, 3);
        let w = WireDataset::encode(&d);
        let at = |c: &Columns, name: &str| c.names.iter().position(|n| n == name).unwrap();
        // `r` or `y` on a column that has no base in the table.
        let mut c = w.events.clone();
        let i = at(&c, "summary");
        c.codecs[i] = "y".into();
        assert!(from_columns::<Event>(&c).is_err());
        let mut c = w.persons.clone();
        let i = at(&c, "name");
        c.codecs[i] = "tr".into();
        assert!(from_columns::<Person>(&c).is_err());
        // A document number leaving out a year its row has no date for.
        let mut c = w.persons.clone();
        let (doc, date) = (at(&c, "entry_doc"), at(&c, "entry_date"));
        c.codecs[doc] = "y".into();
        c.columns[doc][0] = Value::from("甲〔〕1号");
        c.columns[date][0] = Value::Null;
        let err = from_columns::<Person>(&c).unwrap_err().to_string();
        assert!(err.contains("文号"), "{err}");
        // `s` on a column no column of the subject's answers, or a `true` whose
        // person is not among the rows.
        let persons = Subjects::of_rows(&d.persons).unwrap();
        let mut c = w.events.clone();
        let i = at(&c, "summary");
        c.codecs[i] = "s".into();
        assert!(rows_of::<Event>(c, Some(&persons), None).is_err());
        let mut c = w.events.clone();
        let (date, subject) = (at(&c, "date"), at(&c, "subject"));
        let r = c.columns[date]
            .iter()
            .position(|v| *v == Value::Bool(true))
            .unwrap();
        c.columns[subject][r] = serde_json::json!({"type": "person", "id": 999_999_999});
        let err = rows_of::<Event>(c, Some(&persons), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("人员"), "{err}");
        // Without the coding, the same rows come back other than they were.
        let mut c = w.persons.clone();
        let date = at(&c, "entry_date");
        c.codecs[date] = "t".into();
        assert_ne!(from_columns::<Person>(&c).unwrap(), d.persons);
    }

    #[test]
    fn a_year_left_out_comes_back() {
        for (s, y) in [
            ("青组〔2015〕3号", Some(2015)),
            ("青组〔2015〕3号", Some(2016)),
            ("青组〔2015〕3号", None),
            ("〔2015〕〔2015〕", Some(2015)),
            ("~〔2015〕", Some(2015)),
            ("〔〕", Some(2015)),
            ("", Some(2015)),
        ] {
            assert_eq!(
                add_year(&drop_year(s, y), y).as_deref(),
                Some(s),
                "{s} {y:?}"
            );
        }
        assert_eq!(drop_year("青组〔2015〕3号", Some(2015)), "青组〔〕3号");
    }
}
