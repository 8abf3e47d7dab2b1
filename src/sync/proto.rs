//! The messages of the sync protocol (`/v1/...`, see docs/PROTOCOL.md), shared by the
//! client and the reference server so the two cannot drift apart.
//!
//! One exchange is `POST /v1/sync`: the client sends its cursor and its unsent
//! decisions, the server answers the decisions and sends one page of changes. A sync
//! with nothing new is therefore one round trip of a few hundred bytes.

use super::wire::{self, PROTOCOL_VERSION, WireDataset, WireError};
use crate::model::edit::{Intent, Outcome};
use crate::model::{ApprovalId, Decision, OrgId};
use serde::{Deserialize, Serialize};

/// The client's half of an exchange.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    /// The last cursor the cache applied; 0 for an empty cache.
    pub cursor: u64,
    /// The server database the cursor belongs to, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    /// The jurisdiction the cache holds, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_root: Option<OrgId>,
    /// Most rows wanted in this page (the server caps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Decisions made since the last sync, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub push: Vec<PushAction>,
}

/// One row of the outbox: a decision on a request, or an edit (`edit`, with no
/// request and no decision). `client_id` makes a resend harmless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushAction {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub approval_id: ApprovalId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<Intent>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The server's answer to one pushed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub client_id: String,
    pub accepted: bool,
    /// Why it was refused, in an operator's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For an edit: the new version, the created id, the conflicting or refused fields,
    /// the review request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// Ids of rows to drop from the cache, per table (tombstones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<i64>,
}

impl Deleted {
    /// The tables in `store::rows::TABLES` order.
    pub fn tables(&self) -> [(&'static str, &[i64]); 6] {
        [
            ("orgs", &self.orgs),
            ("ledger", &self.ledger),
            ("posts", &self.posts),
            ("persons", &self.persons),
            ("events", &self.events),
            ("approvals", &self.approvals),
        ]
    }

    pub fn table_mut(&mut self, table: usize) -> &mut Vec<i64> {
        match table {
            0 => &mut self.orgs,
            1 => &mut self.ledger,
            2 => &mut self.posts,
            3 => &mut self.persons,
            4 => &mut self.events,
            _ => &mut self.approvals,
        }
    }

    pub fn len(&self) -> usize {
        self.tables().iter().map(|(_, ids)| ids.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn no_rows(w: &WireDataset) -> bool {
    w.row_count() == 0
}

/// The server's half of an exchange: one page of the changes feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncPage {
    pub protocol: u32,
    /// Identifies the server database; a cursor is only meaningful with its epoch.
    pub epoch: String,
    /// The root unit of the operator's jurisdiction.
    pub scope_root: OrgId,
    /// The cursor to store with this page and send next time.
    pub cursor: u64,
    /// More pages follow: ask again at once with the new cursor.
    #[serde(default)]
    pub more: bool,
    /// The cache cannot be brought up to date by deltas: drop the synced rows (keep the
    /// outbox) and start again from cursor 0. Carries the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_refetch: Option<String>,
    /// The server's clock (RFC 3339), for the data's age.
    pub server_time: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Answer>,
    /// Rows new or changed since the cursor, newest version only.
    #[serde(default, skip_serializing_if = "no_rows")]
    pub data: WireDataset,
    #[serde(default, skip_serializing_if = "Deleted::is_empty")]
    pub deleted: Deleted,
}

impl SyncPage {
    pub fn row_count(&self) -> usize {
        self.data.row_count() + self.deleted.len()
    }

    /// Parses a (decompressed) page, checking its protocol version before anything else
    /// so another version reads as such rather than as garbage.
    pub fn from_json(bytes: &[u8]) -> wire::Result<SyncPage> {
        // The version alone first (the rest is skipped, not built), then the page
        // straight from the bytes: no tree of JSON values in between.
        check_page_version(bytes)?;
        serde_json::from_slice(bytes).map_err(|e| WireError::Format(e.to_string()))
    }
}

/// A page's protocol version, read before anything else (the rest is skipped, not
/// built), so that another version reads as such rather than as garbage.
fn check_page_version(bytes: &[u8]) -> wire::Result<()> {
    let found = wire::version_of(bytes)?.ok_or_else(|| WireError::Format("缺少协议版本".into()))?;
    if found != PROTOCOL_VERSION as u64 {
        return Err(WireError::Version {
            found: found as u32,
            supported: PROTOCOL_VERSION,
        });
    }
    Ok(())
}

/// A page as the client reads it: [`SyncPage`] with its rows held as compact text
/// columns ([`wire::TextDataset`]) rather than JSON values, a fraction of the memory.
#[derive(Debug, Deserialize)]
struct PageIn {
    protocol: u32,
    epoch: String,
    scope_root: OrgId,
    cursor: u64,
    #[serde(default)]
    more: bool,
    #[serde(default)]
    must_refetch: Option<String>,
    server_time: String,
    #[serde(default)]
    answers: Vec<Answer>,
    #[serde(default)]
    data: wire::TextDataset,
    #[serde(default)]
    deleted: Deleted,
}

impl SyncPage {
    /// Parses a (decompressed) page as the client does: the version checked first (see
    /// [`SyncPage::from_json`]), the rows returned apart and the page's `data` left
    /// empty.
    pub fn read(bytes: &[u8]) -> wire::Result<(SyncPage, wire::TextDataset)> {
        check_page_version(bytes)?;
        let p: PageIn =
            serde_json::from_slice(bytes).map_err(|e| WireError::Format(e.to_string()))?;
        let page = SyncPage {
            protocol: p.protocol,
            epoch: p.epoch,
            scope_root: p.scope_root,
            cursor: p.cursor,
            more: p.more,
            must_refetch: p.must_refetch,
            server_time: p.server_time,
            answers: p.answers,
            data: WireDataset::default(),
            deleted: p.deleted,
        };
        Ok((page, p.data))
    }
}

/// Who the token belongs to (`GET /v1/whoami`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoAmI {
    pub protocol: u32,
    pub operator: String,
    pub scope_root: OrgId,
    pub scope_name: String,
}

/// The body of every 4xx/5xx answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code: `unauthorized`, `bad_request`, `protocol`, ...
    pub code: String,
    /// What went wrong, in an operator's words.
    pub error: String,
}

/// `Content-Encoding` values the protocol uses.
pub const ZSTD: &str = "zstd";
pub const GZIP: &str = "gzip";

/// Most decisions one request may push. The server refuses more; the client sends a
/// longer outbox in batches of this size, one request each.
pub const MAX_PUSH_DECISIONS: usize = 1000;

/// Largest request body the server accepts, compressed.
pub const MAX_REQUEST_BYTES: usize = 4 << 20;
/// Largest request body once decompressed.
pub const MAX_REQUEST_JSON: usize = 32 << 20;
/// Largest page the client accepts once decompressed.
pub const MAX_PAGE_JSON: usize = 1 << 30;

/// Default and largest page sizes, in rows. Big first pages compress far better.
pub const DEFAULT_PAGE_ROWS: u32 = 50_000;
pub const MAX_PAGE_ROWS: u32 = 100_000;

/// Gzip, for peers that do not speak zstd.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Gunzips at most `limit` bytes.
pub fn gunzip(bytes: &[u8], limit: usize) -> wire::Result<Vec<u8>> {
    wire::read_bounded(flate2::read::GzDecoder::new(bytes), limit)
}

/// Undoes a `Content-Encoding` (none, zstd or gzip) within a size limit.
pub fn decode_body(encoding: Option<&str>, bytes: &[u8], limit: usize) -> wire::Result<Vec<u8>> {
    match encoding.map(str::trim) {
        None | Some("") | Some("identity") => {
            if bytes.len() > limit {
                return Err(WireError::Format("数据超过允许的大小".into()));
            }
            Ok(bytes.to_vec())
        }
        Some(ZSTD) => wire::decompress(bytes, limit),
        Some(GZIP) => gunzip(bytes, limit),
        Some(other) => Err(WireError::Format(format!("不支持的压缩方式 {other}"))),
    }
}

/// zstd level for a body: quick for small answers, thorough for big first pages,
/// which travel once over a slow link (a page is built once and kept by the server's
/// page cache; level 19 takes about a fifth less than 12 on a city's pages).
pub fn zstd_level(len: usize) -> i32 {
    if len < 64 << 10 {
        3
    } else if len < 1 << 20 {
        12
    } else {
        19
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_page_is_small() {
        let p = SyncPage {
            protocol: PROTOCOL_VERSION,
            epoch: "0123456789abcdef".into(),
            scope_root: 1,
            cursor: 123456,
            server_time: "2026-11-01T10:00:00+08:00".into(),
            ..Default::default()
        };
        let json = serde_json::to_vec(&p).unwrap();
        assert!(json.len() < 160, "{}", String::from_utf8_lossy(&json));
        assert_eq!(SyncPage::from_json(&json).unwrap(), p);
    }

    #[test]
    fn another_version_reads_as_such() {
        let json = br#"{"protocol":1,"epoch":"x","scope_root":1,"cursor":0,"server_time":""}"#;
        assert!(matches!(
            SyncPage::from_json(json),
            Err(WireError::Version { found: 1, .. })
        ));
        assert!(matches!(
            SyncPage::from_json(b"{\"cursor\":1"),
            Err(WireError::Format(_))
        ));
    }

    #[test]
    fn bodies_round_trip_through_each_encoding() {
        let body = b"{\"protocol\":1}".repeat(100);
        assert_eq!(
            decode_body(Some(GZIP), &gzip(&body), 1 << 20).unwrap(),
            body
        );
        assert_eq!(
            decode_body(Some(ZSTD), &wire::compress(&body, 3), 1 << 20).unwrap(),
            body
        );
        assert_eq!(decode_body(None, &body, 1 << 20).unwrap(), body);
        assert!(decode_body(Some(ZSTD), &wire::compress(&body, 3), 10).is_err());
        assert!(decode_body(Some("br"), &body, 1 << 20).is_err());
    }
}
