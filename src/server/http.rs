//! The HTTP face of the server: routes, authentication, content negotiation, and
//! errors as `{code, error}` bodies. Every handler does its SQLite work on the blocking
//! pool: reads on a connection of their own (WAL: readers never wait for the writer),
//! writes through the one writer.

use super::backend::{Backend, Moment};
use super::cache::{
    BuildPermits, CachedPage, PageCache, PageKey, SnapshotBytes, SnapshotCache, SnapshotKey,
};
use super::db::Operator;
use crate::sync::proto::{self, ErrorBody, SyncPage, SyncRequest, WhoAmI};
use crate::sync::wire::{self, PROTOCOL_VERSION};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::sync::Arc;

/// Most bytes of pages kept in memory for reuse (see `cache`).
const PAGE_CACHE_BYTES: usize = 256 << 20;
/// Most pages kept (small pages: no-change and incremental syncs at many cursors).
const PAGE_CACHE_ENTRIES: usize = 4096;
/// Most bytes of snapshots kept (a city's is about 8 MB compressed).
const SNAPSHOT_CACHE_BYTES: usize = 128 << 20;
/// Most snapshots kept.
const SNAPSHOT_CACHE_ENTRIES: usize = 64;
/// Most snapshots built at once (each holds one table of its jurisdiction in memory).
const SNAPSHOT_BUILDS: usize = 2;
#[derive(Clone)]
pub(crate) struct State {
    backend: Arc<dyn Backend>,
    clock_offset: chrono::TimeDelta,
    pages: Arc<PageCache>,
    snapshots: Arc<SnapshotCache>,
    snapshot_builds: Arc<BuildPermits>,
}

impl State {
    pub(crate) fn new(backend: Arc<dyn Backend>, clock_offset: chrono::TimeDelta) -> State {
        State {
            backend,
            clock_offset,
            pages: Arc::new(PageCache::new(PAGE_CACHE_BYTES, PAGE_CACHE_ENTRIES)),
            snapshots: Arc::new(SnapshotCache::new(
                SNAPSHOT_CACHE_BYTES,
                SNAPSHOT_CACHE_ENTRIES,
            )),
            snapshot_builds: Arc::new(BuildPermits::new(SNAPSHOT_BUILDS)),
        }
    }

    pub(crate) fn snapshots(&self) -> Arc<SnapshotCache> {
        self.snapshots.clone()
    }

    pub(crate) fn pages(&self) -> Arc<PageCache> {
        self.pages.clone()
    }

    /// The server's clock (shifted by `Options::clock_offset_secs`).
    fn now(&self) -> chrono::DateTime<chrono::Local> {
        chrono::Local::now() + self.clock_offset
    }
}

pub(crate) fn router(state: State) -> Router {
    Router::new()
        .route("/v1", get(hello))
        .route("/v1/whoami", get(whoami))
        .route("/v1/sync", post(sync))
        .route("/v1/snapshot", get(snapshot))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(proto::MAX_REQUEST_BYTES))
        .layer(axum::middleware::map_response(json_errors))
        .with_state(state)
}

/// Every answer other than 200 in the documented `{code, error}` form, whoever made it:
/// our handlers already do; axum's own answers (405 for a wrong method, 413 for a body
/// over the limit, an extractor's rejection) come as plain text and are rewritten here.
async fn json_errors(r: Response) -> Response {
    let is_json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if r.status().is_success() || is_json {
        return r;
    }
    let (mut parts, _) = r.into_parts();
    let e = ApiError::for_status(parts.status);
    let mut fresh = e.into_response();
    // Keep what the status needs (`Allow` of a 405), drop the plain body's headers.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    for (k, v) in parts.headers.iter() {
        fresh.headers_mut().entry(k.clone()).or_insert(v.clone());
    }
    fresh
}

/// An answer other than 200, with a reason in an operator's words.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
        }
    }

    /// The answer for a status produced outside our handlers.
    fn for_status(status: StatusCode) -> ApiError {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => ("not_found", "没有这个接口（协议见 docs/PROTOCOL.md）"),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "该接口不接受这种请求方法（协议见 docs/PROTOCOL.md）",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => {
                ("too_large", "请求体超过 4 MiB，未被处理。请分批发送决定")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "请求体应为 JSON（Content-Type: application/json）",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "timeout",
                "请求体未在限定时间内发送完毕，连接已关闭。请检查网络后重试",
            ),
            s if s.is_client_error() => (
                "bad_request",
                "请求无效，未被处理（协议见 docs/PROTOCOL.md）",
            ),
            _ => ("internal", "服务器内部错误，请稍后重试"),
        };
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> ApiError {
        // The detail goes to the log (it never holds personal data: SQL and I/O errors
        // only); the client gets a plain sentence.
        tracing::error!("internal error: {e}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "服务器内部错误，请稍后重试".into(),
        }
    }
}

impl From<super::Error> for ApiError {
    fn from(e: super::Error) -> Self {
        match e {
            super::Error::BadRequest(m) => ApiError::bad(m),
            // Nothing was written; the client's retry (with its backoff) finds the
            // database back.
            super::Error::Unavailable(m) => {
                tracing::warn!("database unavailable: {m}");
                ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: "unavailable",
                    message: m,
                }
            }
            e => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.into(),
            error: self.message,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        r
    }
}

/// Runs blocking work (SQLite) off the async workers.
async fn blocking<F>(f: F) -> Response
where
    F: FnOnce() -> Result<Response, ApiError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

const FIX_TOKEN: &str = "请向管理员索取令牌（bianzhi operator add），写入配置文件的 token 项，或设置环境变量 BIANZHI_TOKEN";

/// The operator behind the request's bearer token. The token itself is never logged
/// nor repeated in an answer.
fn authenticate(backend: &dyn Backend, headers: &HeaderMap) -> Result<Operator, ApiError> {
    let unauthorized = |what: &str| ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthorized",
        message: format!("{what}。{FIX_TOKEN}"),
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = value.strip_prefix("Bearer ").map(str::trim).unwrap_or("");
    if token.is_empty() {
        return Err(unauthorized("缺少令牌"));
    }
    match backend.lookup_token(token)? {
        Some((op, false)) => Ok(op),
        Some((op, true)) => {
            tracing::info!(operator = op.id, "refused: operator disabled");
            Err(ApiError {
                status: StatusCode::UNAUTHORIZED,
                code: "operator_disabled",
                message: format!(
                    "操作员“{}”已被停用，无法同步或提交决定。如需继续使用，请联系管理员启用（bianzhi operator enable）",
                    op.name
                ),
            })
        }
        None => Err(unauthorized("令牌无效或已停用")),
    }
}

/// The encoding of an answer: zstd if the client accepts it, else gzip, else none.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |name: &str| {
        accept
            .split(',')
            .any(|part| part.split(';').next().map(str::trim) == Some(name))
    };
    if accepts(proto::ZSTD) {
        Some(proto::ZSTD)
    } else if accepts(proto::GZIP) {
        Some(proto::GZIP)
    } else {
        None
    }
}

/// Encodes a JSON answer as the client asked: zstd, else gzip, else plain.
fn encoded(headers: &HeaderMap, json: Vec<u8>) -> Response {
    let encoding = negotiate(headers);
    let body = match encoding {
        Some(proto::ZSTD) => wire::compress(&json, proto::zstd_level(json.len())),
        Some(proto::GZIP) => proto::gzip(&json),
        _ => json,
    };
    with_encoding(body, encoding)
}

/// A 200 JSON answer whose body is already encoded with `encoding`.
fn with_encoding(body: Vec<u8>, encoding: Option<&'static str>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    r
}

async fn hello() -> Response {
    axum::Json(serde_json::json!({ "server": "bianzhi", "protocol": PROTOCOL_VERSION }))
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        code: "not_found",
        message: "没有这个接口（协议见 docs/PROTOCOL.md）".into(),
    }
}

async fn whoami(AxState(state): AxState<State>, headers: HeaderMap) -> Response {
    blocking(move || {
        let op = authenticate(&*state.backend, &headers)?;
        let scope_name = state.backend.unit_name(op.scope_root)?.unwrap_or_default();
        let me = WhoAmI {
            protocol: PROTOCOL_VERSION,
            operator: op.name,
            scope_root: op.scope_root,
            scope_name,
        };
        Ok(axum::Json(me).into_response())
    })
    .await
}

async fn snapshot(AxState(state): AxState<State>, headers: HeaderMap) -> Response {
    blocking(move || {
        let op = authenticate(&*state.backend, &headers)?;
        let mut tx = state.backend.read()?;
        // Built once per jurisdiction and data version, like pages (see `cache`).
        let key = SnapshotKey {
            epoch: tx.epoch()?,
            seq: tx.seq()?,
            scope_root: op.scope_root,
        };
        let snap = state.snapshots.get_or_build(&key, || {
            let _permit = state.snapshot_builds.acquire();
            build_snapshot(&mut *tx, op.scope_root)
        })?;
        drop(tx);
        tracing::info!(operator = op.id, rows = snap.rows, "snapshot");
        // The shared bytes, not a copy: four downloads of a city hold one snapshot.
        let mut r = (StatusCode::OK, axum::body::Body::from(snap.bytes.clone())).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        if let Ok(v) = HeaderValue::from_str(&key.epoch) {
            r.headers_mut().insert("bianzhi-epoch", v);
        }
        Ok(r)
    })
    .await
}

/// A jurisdiction's snapshot file (the format of `wire::Snapshot`), written table by
/// table into one zstd stream: only one table's rows are in memory at a time, never the
/// whole jurisdiction nor its whole JSON.
fn build_snapshot(
    tx: &mut dyn Moment,
    root: crate::model::OrgId,
) -> Result<SnapshotBytes, ApiError> {
    use std::io::Write;
    #[derive(serde::Serialize)]
    struct Head {
        format: &'static str,
        protocol: u32,
        cursor: u64,
        scope_root: Option<crate::model::OrgId>,
    }
    let ids = tx.feed_ids(root, 0, usize::MAX)?;
    let head = serde_json::to_vec(&Head {
        format: wire::SNAPSHOT_FORMAT,
        protocol: PROTOCOL_VERSION,
        cursor: ids.cursor,
        scope_root: Some(root),
    })
    .map_err(ApiError::internal)?;
    let mut z = zstd::stream::write::Encoder::new(Vec::new(), wire::ZSTD_LEVEL)
        .map_err(ApiError::internal)?;
    let mut rows = 0;
    let mut write = |z: &mut zstd::stream::write::Encoder<'_, Vec<u8>>| -> Result<(), ApiError> {
        // `{"format":…,"scope_root":…` then `,"data":{"orgs":{…},…}}`
        z.write_all(&head[..head.len() - 1])?;
        z.write_all(br#","data":{"#)?;
        for (slot, name) in ["orgs", "ledger", "posts", "persons", "events", "approvals"]
            .into_iter()
            .enumerate()
        {
            if slot > 0 {
                z.write_all(b",")?;
            }
            write!(z, "\"{name}\":")?;
            let columns = tx.columns_of(slot, &ids.want[slot])?;
            rows += columns.len();
            serde_json::to_writer(&mut *z, &columns).map_err(ApiError::internal)?;
        }
        z.write_all(b"}}")?;
        Ok(())
    };
    write(&mut z)?;
    let bytes = z.finish().map_err(ApiError::internal)?;
    Ok(SnapshotBytes {
        bytes: bytes.into(),
        rows,
    })
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::internal(e)
    }
}

/// Parses and checks a sync request before anything is written.
fn parse_request(headers: &HeaderMap, body: &[u8]) -> Result<SyncRequest, ApiError> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let json = proto::decode_body(encoding, body, proto::MAX_REQUEST_JSON)
        .map_err(|e| ApiError::bad(format!("请求体无法解码：{e}")))?;
    let v: Value = serde_json::from_slice(&json)
        .map_err(|e| ApiError::bad(format!("请求不是有效的 JSON：{e}")))?;
    let found = v.get("protocol").and_then(Value::as_u64);
    if found != Some(PROTOCOL_VERSION as u64) {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "protocol",
            message: format!(
                "协议版本不符：请求为 {}，服务器为 {PROTOCOL_VERSION}。请升级 bianzhi",
                found.map_or("（无）".to_string(), |f| f.to_string())
            ),
        });
    }
    let req: SyncRequest =
        serde_json::from_value(v).map_err(|e| ApiError::bad(format!("请求格式错误：{e}")))?;
    if req.push.len() > proto::MAX_PUSH_DECISIONS {
        return Err(ApiError::bad(format!(
            "一次最多发送 {} 个决定",
            proto::MAX_PUSH_DECISIONS
        )));
    }
    for a in &req.push {
        let id_ok = !a.client_id.is_empty()
            && a.client_id.len() <= 64
            && a.client_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok {
            return Err(ApiError::bad("决定的 client_id 无效（应为 UUID）"));
        }
        if a.comment.chars().count() > 2000 {
            return Err(ApiError::bad("审批意见过长（最多 2000 字）"));
        }
    }
    Ok(req)
}

/// A client that has not sent its whole body by then is answered 408.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The request body, whole: refused with 415 if it says it is not JSON, 413 if over the
/// limit (before reading when its length says so), 408 if it does not arrive in time.
async fn read_body(headers: &HeaderMap, body: axum::body::Body) -> Result<Bytes, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("").to_ascii_lowercase());
    if content_type.is_some_and(|t| t.split(';').next().map(str::trim) != Some("application/json"))
    {
        return Err(ApiError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > proto::MAX_REQUEST_BYTES as u64) {
        // Refused unread; the rest is read and dropped for a moment (bounded), so a
        // client still sending sees the answer rather than a reset connection.
        tokio::spawn(linger(body));
        return Err(ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE));
    }
    match tokio::time::timeout(
        BODY_TIMEOUT,
        axum::body::to_bytes(body, proto::MAX_REQUEST_BYTES),
    )
    .await
    {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            let mut too_large = false;
            while let Some(c) = cause {
                too_large |= c.is::<http_body_util::LengthLimitError>();
                cause = c.source();
            }
            Err(ApiError::for_status(if too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            }))
        }
        Err(_) => Err(ApiError::for_status(StatusCode::REQUEST_TIMEOUT)),
    }
}

/// Reads and drops what is left of a refused body: at most 16 MiB, for at most 5 s.
async fn linger(body: axum::body::Body) {
    use futures::StreamExt;
    let mut stream = body.into_data_stream();
    let drain = async {
        let mut n = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            n += chunk.len();
            if n > 16 << 20 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
}

async fn sync(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let body = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    blocking(move || {
        let op = authenticate(&*state.backend, &headers)?;
        let req = parse_request(&headers, &body)?;
        let answers = if req.push.is_empty() {
            Vec::new()
        } else {
            let today = state.now().date_naive();
            state.backend.push(&op, &req.push, today)?
        };
        let mut tx = state.backend.read()?;
        let mut page = SyncPage {
            protocol: PROTOCOL_VERSION,
            epoch: tx.epoch()?,
            scope_root: op.scope_root,
            answers,
            ..Default::default()
        };
        let limit = req
            .limit
            .unwrap_or(proto::DEFAULT_PAGE_ROWS)
            .clamp(1, proto::MAX_PAGE_ROWS) as usize;
        let build = |tx: &mut dyn Moment, page: &mut SyncPage| -> Result<(), ApiError> {
            let feed = tx.feed(op.scope_root, req.cursor, limit)?;
            if feed.too_old {
                page.must_refetch = Some(TOO_OLD.into());
                page.more = true;
                return Ok(());
            }
            page.cursor = feed.cursor;
            page.more = feed.more;
            page.data = wire::WireDataset::encode(&feed.data);
            page.deleted = feed.deleted;
            Ok(())
        };
        if let Some(reason) = must_refetch(&mut *tx, &op, &req, &page.epoch)? {
            page.must_refetch = Some(reason.into());
            page.more = true;
        } else if page.answers.is_empty() {
            // Nothing of this request's own: the page is the same for everyone who asks
            // the same at the same version, so build it once (see `cache`). The version
            // is read in this transaction, the one the page is read in.
            let key = PageKey {
                epoch: page.epoch.clone(),
                seq: tx.seq()?,
                scope_root: op.scope_root,
                cursor: req.cursor,
                limit,
            };
            let cached = state.pages.get_or_build(&key, || {
                build(&mut *tx, &mut page)?;
                CachedPage::new(&page).map_err(ApiError::internal)
            })?;
            drop(tx);
            tracing::debug!(
                operator = op.id,
                cursor = req.cursor,
                rows = cached.rows,
                "page"
            );
            let now = state.now().to_rfc3339();
            return Ok(match negotiate(&headers) {
                Some(proto::ZSTD) => with_encoding(cached.zstd(&now), Some(proto::ZSTD)),
                _ => encoded(&headers, cached.json(&now)),
            });
        } else {
            build(&mut *tx, &mut page)?;
        }
        drop(tx);
        page.server_time = state.now().to_rfc3339();
        tracing::debug!(
            operator = op.id,
            cursor = req.cursor,
            rows = page.row_count(),
            "page"
        );
        let json = serde_json::to_vec(&page).map_err(ApiError::internal)?;
        Ok(encoded(&headers, json))
    })
    .await
}

const TOO_OLD: &str = "本地数据过旧，增量记录已清理，需要重新下载全部数据";

/// Why a cursor cannot be continued with deltas, if it cannot.
fn must_refetch(
    tx: &mut dyn Moment,
    op: &Operator,
    req: &SyncRequest,
    epoch: &str,
) -> Result<Option<&'static str>, ApiError> {
    if req.cursor == 0 {
        return Ok(None);
    }
    if req.epoch.as_deref().is_some_and(|e| e != epoch) {
        return Ok(Some("服务器数据已重建，需要重新下载全部数据"));
    }
    if req.scope_root.is_some_and(|r| r != op.scope_root) {
        return Ok(Some("管辖范围已变更，需要重新下载全部数据"));
    }
    if req.cursor > tx.seq()? {
        return Ok(Some(
            "本地进度超前于服务器（服务器可能从备份恢复），需要重新下载全部数据",
        ));
    }
    if req.cursor < tx.horizon()? {
        return Ok(Some(TOO_OLD));
    }
    Ok(None)
}
