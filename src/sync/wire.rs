//! The wire encoding of rows, shared by the pull protocol and snapshot files.
//!
//! A table travels column by column: `{"names": [...], "columns": [[...], ...]}`, the
//! `id` column delta-encoded. Columns of one field hold few distinct values (enums,
//! units, dates), so zstd squeezes a person to a few dozen bytes. Rows travel in the
//! model's own serde form (Chinese labels for vocabularies, `YYYY-MM-DD` dates), so the
//! format is readable and another system can produce it.

use crate::model::{Dataset, OrgId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

/// Version of the protocol and of snapshot files. Bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

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

/// One table, column by column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Columns {
    pub names: Vec<String>,
    pub columns: Vec<Vec<Value>>,
}

impl Columns {
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Transposes rows into columns.
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
    if let Some(pos) = out.names.iter().position(|n| n == "id") {
        delta_encode(&mut out.columns[pos]);
    }
    out
}

/// Transposes columns back into rows, rejecting anything malformed.
pub fn from_columns<T: DeserializeOwned>(c: &Columns) -> Result<Vec<T>> {
    if c.names.len() != c.columns.len() {
        return Err(WireError::Format("列名与列数不符".into()));
    }
    let n = c.len();
    if c.columns.iter().any(|col| col.len() != n) {
        return Err(WireError::Format("各列行数不一致".into()));
    }
    let mut columns = c.columns.clone();
    if let Some(pos) = c.names.iter().position(|n| n == "id") {
        delta_decode(&mut columns[pos])?;
    }
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let mut map = Map::with_capacity(c.names.len());
        for (name, col) in c.names.iter().zip(&mut columns) {
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
            *v = Value::from(x - prev);
            prev = x;
        }
    }
}

fn delta_decode(col: &mut [Value]) -> Result<()> {
    let mut prev = 0i64;
    for v in col.iter_mut() {
        let d = v
            .as_i64()
            .ok_or_else(|| WireError::Format("编号列含非整数".into()))?;
        prev = prev
            .checked_add(d)
            .ok_or_else(|| WireError::Format("编号溢出".into()))?;
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
        Ok(Dataset {
            orgs: from_columns(&self.orgs)?,
            ledger: from_columns(&self.ledger)?,
            posts: from_columns(&self.posts)?,
            persons: from_columns(&self.persons)?,
            events: from_columns(&self.events)?,
            approvals: from_columns(&self.approvals)?,
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

/// zstd level for data at rest and the first sync: slow to write once, small forever.
pub const ZSTD_LEVEL: i32 = 15;

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
        let v: Value =
            serde_json::from_slice(&json).map_err(|e| WireError::Format(e.to_string()))?;
        if v.get("format").and_then(Value::as_str) != Some(SNAPSHOT_FORMAT) {
            return Err(WireError::NotSnapshot);
        }
        let found = v.get("protocol").and_then(Value::as_u64).unwrap_or(0) as u32;
        if found != PROTOCOL_VERSION {
            return Err(WireError::Version {
                found,
                supported: PROTOCOL_VERSION,
            });
        }
        serde_json::from_value(v).map_err(|e| WireError::Format(e.to_string()))
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
}
