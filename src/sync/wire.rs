//! The wire encoding of rows, shared by the pull protocol and snapshot files.
//!
//! A table travels column by column: `{"names": [...], "columns": [[...], ...]}`, the
//! `id` column delta-encoded. Columns of one field hold few distinct values (enums,
//! units, dates), so zstd squeezes a person to a few dozen bytes. Rows travel in the
//! model's own serde form (Chinese labels for vocabularies, `YYYY-MM-DD` dates), so the
//! format is readable and another system can produce it.

use crate::model::{Dataset, OrgId, idcard};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Version of the protocol and of snapshot files. Bumped on any incompatible change.
/// 2: columns carry their codecs (`codecs`, `dicts`): dates as day numbers, deltas,
/// dictionaries, a person's birth date and sex derived from the ID number, the ID
/// number's check character dropped (docs/PROTOCOL.md).
pub const PROTOCOL_VERSION: u32 = 2;

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
///   (values as frequent in the order first seen), possibly followed by `d`.
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

/// Whether writing the differences of an integer column takes fewer digits.
fn delta_pays(col: &[Value]) -> bool {
    let digits =
        |x: i64| x.unsigned_abs().checked_ilog10().unwrap_or(0) as i64 + 1 + (x < 0) as i64;
    let (mut raw, mut delta, mut prev) = (0i64, 0i64, 0i64);
    for x in col.iter().filter_map(Value::as_i64) {
        raw += digits(x);
        delta += digits(x.wrapping_sub(prev));
        prev = x;
    }
    delta < raw
}

/// Codes one column (see [`Columns`]); returns its codec and dictionary.
fn code_column(name: &str, col: &mut [Value]) -> (String, Vec<Value>) {
    let mut codec = String::new();
    let present = || col.iter().filter(|v| !v.is_null());
    if present().count() > 0 && present().all(|v| as_date(v).is_some()) {
        for v in col.iter_mut() {
            if let Some(d) = as_date(v) {
                *v = Value::from((d - epoch()).num_days());
            }
        }
        codec.push('t');
    }
    let present = || col.iter().filter(|v| !v.is_null());
    if present().all(|v| v.as_i64().is_some()) {
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
    for c in 0..n {
        if !out.codecs[c].is_empty() {
            continue;
        }
        let (codec, dict) = code_column(&out.names[c], &mut out.columns[c]);
        out.codecs[c] = codec;
        out.dicts[c] = dict;
    }
    if out.dicts.iter().all(Vec::is_empty) {
        out.dicts.clear();
    }
    out
}

/// Transposes columns back into rows, rejecting anything malformed.
pub fn from_columns<T: DeserializeOwned>(c: &Columns) -> Result<Vec<T>> {
    rows_of(c.clone())
}

/// Undoes the codecs of every column, in place.
fn decode_columns(c: &mut Columns) -> Result<()> {
    let n = c.names.len();
    if c.codecs.len() != n || (!c.dicts.is_empty() && c.dicts.len() != n) {
        return Err(WireError::Format("列编码与列数不符".into()));
    }
    let bad = |what: &str| WireError::Format(what.to_string());
    let pos = |name: &str| c.names.iter().position(|n| n == name);
    let (idc, birth, sex) = (pos("id_number"), pos("birth_date"), pos("sex"));
    for i in 0..n {
        let codec = c.codecs[i].clone();
        let col = &mut c.columns[i];
        for step in codec.chars().rev() {
            match step {
                'k' => {
                    let dict = c.dicts.get(i).ok_or_else(|| bad("缺少列字典"))?;
                    for v in col.iter_mut() {
                        let k = v.as_u64().ok_or_else(|| bad("字典列含非整数"))?;
                        *v = dict
                            .get(k as usize)
                            .cloned()
                            .ok_or_else(|| bad("字典序号越界"))?;
                    }
                }
                'd' => delta_decode(col)?,
                't' => {
                    for v in col.iter_mut().filter(|v| !v.is_null()) {
                        let d = v
                            .as_i64()
                            .and_then(|n| {
                                epoch().checked_add_signed(chrono::TimeDelta::try_days(n)?)
                            })
                            .ok_or_else(|| bad("日期列含无效值"))?;
                        *v = Value::from(d.format("%Y-%m-%d").to_string());
                    }
                }
                'c' if Some(i) == idc => {
                    for v in col.iter_mut() {
                        if let Value::String(s) = v {
                            *s = add_check(s);
                        }
                    }
                }
                'i' if Some(i) == birth || Some(i) == sex => {}
                _ => return Err(bad("未知的列编码")),
            }
        }
    }
    for (name, at) in [("birth_date", birth), ("sex", sex)] {
        let Some(at) = at.filter(|&a| c.codecs[a].contains('i')) else {
            continue;
        };
        let idc = idc.ok_or_else(|| bad("缺少身份证号列"))?;
        for row in 0..c.columns[at].len() {
            if c.columns[at][row].as_i64() != Some(0) {
                continue;
            }
            let f = c.columns[idc]
                .get(row)
                .and_then(id_facts)
                .ok_or_else(|| bad("无法由身份证号推出"))?;
            c.columns[at][row] = if name == "sex" {
                serde_json::to_value(f.sex).unwrap_or(Value::Null)
            } else {
                Value::from(f.birth_date.format("%Y-%m-%d").to_string())
            };
        }
    }
    Ok(())
}

/// Transposes columns back into rows, consuming them column by column.
fn rows_of<T: DeserializeOwned>(mut c: Columns) -> Result<Vec<T>> {
    if c.names.len() != c.columns.len() {
        return Err(WireError::Format("列名与列数不符".into()));
    }
    let n = c.len();
    if c.columns.iter().any(|col| col.len() != n) {
        return Err(WireError::Format("各列行数不一致".into()));
    }
    decode_columns(&mut c)?;
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let mut map = Map::with_capacity(c.names.len());
        for (name, col) in c.names.iter().zip(&mut c.columns) {
            map.insert(name.clone(), std::mem::take(&mut col[i]));
        }
        let row = serde_json::from_value(Value::Object(map))
            .map_err(|e| WireError::Format(format!("第{}行：{e}", i + 1)))?;
        rows.push(row);
    }
    Ok(rows)
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

fn delta_decode(col: &mut [Value]) -> Result<()> {
    let mut prev = 0i64;
    for v in col.iter_mut().filter(|v| !v.is_null()) {
        let d = v
            .as_i64()
            .ok_or_else(|| WireError::Format("编号列含非整数".into()))?;
        prev = prev.wrapping_add(d);
        *v = Value::from(prev);
    }
    Ok(())
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
    pub fn encode(d: &Dataset) -> WireDataset {
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

    /// Decodes, dropping each table's columns as soon as its rows are made.
    pub fn into_dataset(self) -> Result<Dataset> {
        Ok(Dataset {
            orgs: rows_of(self.orgs)?,
            ledger: rows_of(self.ledger)?,
            posts: rows_of(self.posts)?,
            persons: rows_of(self.persons)?,
            events: rows_of(self.events)?,
            approvals: rows_of(self.approvals)?,
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
            data: WireDataset::encode(data),
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
        let found = head.protocol.unwrap_or(0) as u32;
        if found != PROTOCOL_VERSION {
            return Err(WireError::Version {
                found,
                supported: PROTOCOL_VERSION,
            });
        }
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
            let w = WireDataset::encode(&d);
            proptest::prop_assert_eq!(&w.decode().unwrap(), &d);
            let snap = Snapshot::new(&d, 7, Some(1));
            proptest::prop_assert_eq!(Snapshot::from_bytes(&snap.to_bytes()).unwrap().data.into_dataset().unwrap(), d);
        }
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
                supported: 2
            }
        ));
        assert!(e.to_string().contains("请升级"), "{e}");
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
}
