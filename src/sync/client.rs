//! The sync client: one push + pull against the server, page by page.
//!
//! The first request carries the cursor and the unsent decisions together, so a sync
//! with nothing new is one small round trip. While a page is being applied the next
//! one is already on its way (the cursor to ask from is known as soon as a page
//! arrives), which keeps a slow link busy. A transient failure — connection refused or
//! dropped, a timeout, a 5xx — is retried with exponential backoff and jitter, resuming
//! from the last applied page.

use super::apply::{self, keys};
use super::outbox;
use super::proto::{self, ErrorBody, SyncPage, SyncRequest};
use super::wire::{self, PROTOCOL_VERSION, WireError};
use crate::model::Dataset;
use crate::store::{self, Store};
use reqwest::header;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("无法连接服务器 {url}（{detail}）。本地缓存未受影响，仍可照常查询和审批。")]
    Unreachable { url: String, detail: String },
    #[error("服务器不接受令牌：{0}")]
    Unauthorized(String),
    #[error("服务器拒绝了请求：{0}")]
    Refused(String),
    #[error("服务器出错（{status}）：{message}。本地缓存未受影响。")]
    Server { status: u16, message: String },
    #[error(
        "服务器 {url} 的证书不受信任（{detail}），连接已中止。若本单位内网使用自己的 CA 证书，请在配置文件中写入 ca_cert = \"CA 证书.pem 的路径\"，或联系管理员。本地缓存未受影响。"
    )]
    Certificate { url: String, detail: String },
    #[error("服务器的回复无法使用，本地缓存未作任何改动：{0}")]
    BadResponse(#[from] WireError),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(
        "同一缓存上另有同步正在进行（例如界面的后台同步），本次同步已停止；缓存完好，稍后再同步即可。"
    )]
    Concurrent,
    #[error("服务器地址无效：{0}（应以 http:// 或 https:// 开头）")]
    BadUrl(String),
    #[error(
        "令牌格式不对：含有控制字符、空格或汉字等（多半是复制时带进来的），未发送任何请求。请重新复制管理员给的令牌，写入配置文件的 token 项，或设置环境变量 BIANZHI_TOKEN"
    )]
    MalformedToken,
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Worth trying again after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Unreachable { .. } | Error::Server { .. })
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The detail of an [`Error::Unreachable`] whose request never left: no connection.
const CONNECT_FAILED: &str = "连接被拒绝或网络不通";

impl Error {
    /// The request certainly did not reach the server.
    fn never_left(&self) -> bool {
        matches!(self, Error::Unreachable { detail, .. } if detail == CONNECT_FAILED)
    }
}

/// Retry policy: `attempts` tries in all, pauses doubling from `first_delay` up to
/// `max_delay`, each shortened by a random part so that many terminals cut off together
/// do not come back together.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl Retry {
    fn delay(&self, attempt: u32) -> Duration {
        let full = self
            .first_delay
            .saturating_mul(1 << attempt.min(16))
            .min(self.max_delay);
        full.mul_f64(0.5 + rand::random::<f64>() * 0.5)
    }
}

/// Where a sync stands, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub pages: u64,
    pub rows: u64,
    pub bytes_up: u64,
    pub bytes_down: u64,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Requests that got an answer.
    pub round_trips: u64,
    pub pages: u64,
    /// Rows written to the cache and rows dropped from it.
    pub upserted: u64,
    pub deleted: u64,
    /// Request and response bodies, as sent (compressed).
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub pushed: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// The server had the cache start over, and why.
    pub refetched: Option<String>,
    pub cursor: u64,
    pub elapsed: Duration,
    /// Time spent writing pages into the cache (overlaps the download of the next page).
    pub apply_time: Duration,
}

struct Meter<'a> {
    /// A request of this exchange may have reached the server (anything but a refused
    /// connection).
    reached: AtomicBool,
    pages: AtomicU64,
    rows: AtomicU64,
    up: AtomicU64,
    down: AtomicU64,
    on_progress: &'a (dyn Fn(&Progress) + Send + Sync),
}

impl Meter<'_> {
    fn tell(&self) {
        (self.on_progress)(&Progress {
            pages: self.pages.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
            bytes_up: self.up.load(Ordering::Relaxed),
            bytes_down: self.down.load(Ordering::Relaxed),
        });
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    /// Rows per page to ask for (the server's default when None).
    pub page_rows: Option<u32>,
    pub retry: Retry,
}

impl std::fmt::Debug for Client {
    // The token never appears in a debug print or a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("page_rows", &self.page_rows)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client> {
        Self::with_ca(server, token, None)
    }

    /// A client that also trusts an intranet's own CA certificate (PEM).
    pub fn with_ca(server: &str, token: &str, ca_cert: Option<&Path>) -> Result<Client> {
        let base = server.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::BadUrl(base));
        }
        // A token travels in a header: visible ASCII only. Anything else would fail
        // inside the HTTP library and look like a network fault, retried in vain.
        let token = token.trim();
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::MalformedToken);
        }
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .user_agent(concat!("bianzhi/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path)
                .map_err(|e| Error::Other(format!("无法读取 CA 证书 {}：{e}", path.display())))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| Error::Other(format!("CA 证书 {} 无效：{e}", path.display())))?;
            b = b.add_root_certificate(cert);
        }
        let http = b
            .build()
            .map_err(|e| Error::Other(format!("无法创建网络客户端：{e}")))?;
        Ok(Client {
            http,
            base,
            token: token.to_string(),
            page_rows: None,
            retry: Retry::default(),
        })
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    /// One sync of the cache at `cache`: push the outbox, pull every page.
    ///
    /// If another sync of the same cache moves its cursor meanwhile (an aborted sync's
    /// last page still being written, the interface's background sync), this one's pages
    /// are stale: it starts again from where the cache now stands, a few times at most.
    pub async fn sync(
        &self,
        cache: &Path,
        on_progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<Report> {
        let mut tries = 0;
        loop {
            match self.sync_once(cache, on_progress).await {
                Err(Error::Concurrent) if tries < 3 => {
                    tries += 1;
                    tokio::time::sleep(self.retry.delay(tries)).await;
                }
                other => return other,
            }
        }
    }

    async fn sync_once(
        &self,
        cache: &Path,
        on_progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<Report> {
        let started = Instant::now();
        let meter = Meter {
            reached: AtomicBool::new(false),
            pages: AtomicU64::new(0),
            rows: AtomicU64::new(0),
            up: AtomicU64::new(0),
            down: AtomicU64::new(0),
            on_progress,
        };
        let mut report = Report::default();
        let workers = Workers::start(cache)?;
        let work = &workers;
        // The outbox goes up in batches the server accepts, the first with the cursor.
        // Each batch is marked sent before it leaves; the next is taken once the page
        // carrying the answers to this one is written, so a sync killed between batches
        // resends only what was never answered.
        let (state, batch) = work
            .with_store(|s| {
                Ok((
                    apply::state(s.conn())?,
                    outbox::claim(s.conn(), 0, proto::MAX_PUSH_DECISIONS)?,
                ))
            })
            .await?;
        report.pushed = batch.actions.len() as u64;
        let mut pushed_to = batch.last;
        let mut fresh = state.cursor == 0;
        let mut req = SyncRequest {
            protocol: PROTOCOL_VERSION,
            cursor: state.cursor,
            epoch: state.epoch,
            scope_root: state.scope_root,
            limit: self.page_rows,
            push: batch.actions,
        };
        let mut fetched = self
            .push_exchange(work, &req, batch.newly_sent, &meter)
            .await?;
        report.round_trips += 1;
        let mut refetches = 0;
        loop {
            let (page, rows) = fetched;
            // A full batch: more of the outbox may be waiting.
            let more_to_push = req.push.len() >= proto::MAX_PUSH_DECISIONS;
            for a in &page.answers {
                if a.accepted {
                    report.accepted += 1;
                } else {
                    report.rejected += 1;
                }
            }
            if let Some(reason) = page.must_refetch.clone() {
                refetches += 1;
                if refetches > 2 {
                    return Err(Error::Refused(
                        "服务器反复要求重新下载，请联系管理员".into(),
                    ));
                }
                let server = self.base.clone();
                let from = req.cursor;
                let applied = work
                    .with_store(move |s| {
                        apply::apply_page_from(
                            s,
                            Some(from),
                            &page,
                            &Dataset::default(),
                            false,
                            &server,
                        )
                    })
                    .await?;
                if !applied {
                    return Err(Error::Concurrent);
                }
                report.refetched = Some(reason);
                fresh = true;
                let batch = if more_to_push {
                    self.next_batch(work, pushed_to).await?
                } else {
                    outbox::Batch {
                        last: pushed_to,
                        ..Default::default()
                    }
                };
                pushed_to = batch.last;
                report.pushed += batch.actions.len() as u64;
                req = SyncRequest {
                    protocol: PROTOCOL_VERSION,
                    limit: self.page_rows,
                    push: batch.actions,
                    ..Default::default()
                };
                fetched = self
                    .push_exchange(work, &req, batch.newly_sent, &meter)
                    .await?;
                report.round_trips += 1;
                continue;
            }
            let follow = SyncRequest {
                protocol: PROTOCOL_VERSION,
                cursor: page.cursor,
                epoch: Some(page.epoch.clone()),
                scope_root: Some(page.scope_root),
                limit: self.page_rows,
                push: Vec::new(),
            };
            let more_pages = page.more;
            report.upserted += rows.row_count() as u64;
            report.deleted += page.deleted.len() as u64;
            report.cursor = page.cursor;
            let count = (rows.row_count() + page.deleted.len()) as u64;
            let server = self.base.clone();
            let was_fresh = fresh;
            let from = req.cursor;
            let apply = async move {
                let (applied, took) = work
                    .with_store(move |s| {
                        let t = Instant::now();
                        apply::apply_page_from(s, Some(from), &page, &rows, was_fresh, &server)
                            .map(|applied| (applied, t.elapsed()))
                    })
                    .await?;
                if applied {
                    Ok(took)
                } else {
                    Err(Error::Concurrent)
                }
            };
            let done = |meter: &Meter| {
                meter.pages.fetch_add(1, Ordering::Relaxed);
                meter.rows.fetch_add(count, Ordering::Relaxed);
                meter.tell();
            };
            if more_to_push {
                // The answers to this batch are written with the page; then the next.
                report.apply_time += apply.await?;
                done(&meter);
                fresh = false;
                let batch = self.next_batch(work, pushed_to).await?;
                pushed_to = batch.last;
                if batch.actions.is_empty() && !more_pages {
                    break;
                }
                report.pushed += batch.actions.len() as u64;
                req = SyncRequest {
                    push: batch.actions,
                    ..follow
                };
                fetched = self
                    .push_exchange(work, &req, batch.newly_sent, &meter)
                    .await?;
                report.round_trips += 1;
                continue;
            }
            if more_pages {
                let (applied, following) =
                    tokio::join!(apply, self.exchange(work, &follow, &meter));
                report.apply_time += applied?;
                done(&meter);
                fresh = false;
                fetched = following?;
                report.round_trips += 1;
                req = follow;
            } else {
                report.apply_time += apply.await?;
                done(&meter);
                break;
            }
        }
        // The lookup index kept ready for the interface and `bianzhi search`, built
        // after the pages' transactions (so a day's changes are not held up by it) when
        // the sync brought rows: a changed unit or person dropped the kept one. The
        // interface's language builds its own at its first lookup if it is another.
        // Failing costs only speed: the next reader builds it.
        if report.upserted + report.deleted > 0 {
            let kept = work
                .with_store(|s| store::ensure_search_index(s.conn(), crate::model::Lang::Zh))
                .await;
            if let Err(e) = kept {
                tracing::debug!("lookup index not kept after the sync: {e}");
            }
        }
        report.pages = meter.pages.load(Ordering::Relaxed);
        report.bytes_up = meter.up.load(Ordering::Relaxed);
        report.bytes_down = meter.down.load(Ordering::Relaxed);
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The outbox's next batch after `seq` (see [`outbox::claim`]).
    async fn next_batch(&self, work: &Workers, after: i64) -> Result<outbox::Batch> {
        work.with_store(move |s| {
            // The fault tests kill the process here: a batch answered, the next not sent.
            store::fault_hook::pause("push");
            outbox::claim(s.conn(), after, proto::MAX_PUSH_DECISIONS)
        })
        .await
    }

    /// [`Self::exchange`] for a request carrying a batch: if no attempt can have
    /// reached the server (every connection refused), the rows this batch marked sent
    /// are queued again, so an operator offline can still withdraw them.
    async fn push_exchange(
        &self,
        work: &Workers,
        req: &SyncRequest,
        newly_sent: Vec<i64>,
        meter: &Meter<'_>,
    ) -> Result<(SyncPage, Dataset)> {
        meter.reached.store(false, Ordering::Relaxed);
        match self.exchange(work, req, meter).await {
            Err(e) if !newly_sent.is_empty() && !meter.reached.load(Ordering::Relaxed) => {
                work.with_store(move |s| store::outbox::unclaim(s.conn(), &newly_sent))
                    .await?;
                Err(e)
            }
            other => other,
        }
    }

    /// Downloads a snapshot file of the operator's jurisdiction (`import` reads it).
    pub async fn snapshot(&self) -> Result<Vec<u8>> {
        let resp = self
            .send(self.http.get(format!("{}/v1/snapshot", self.base)))
            .await?;
        resp.bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| self.unreachable(&e))
    }

    /// Who the token belongs to.
    pub async fn whoami(&self) -> Result<proto::WhoAmI> {
        let resp = self
            .send(self.http.get(format!("{}/v1/whoami", self.base)))
            .await?;
        let bytes = resp.bytes().await.map_err(|e| self.unreachable(&e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::BadResponse(WireError::Format(e.to_string())))
    }

    fn unreachable(&self, e: &reqwest::Error) -> Error {
        // A certificate the client does not trust is not a network fault: retrying
        // cannot help, and the fix is the CA certificate in the config.
        let mut source: Option<&dyn std::error::Error> = Some(e);
        while let Some(s) = source {
            if let Some(tls) = s.downcast_ref::<rustls::Error>()
                && matches!(tls, rustls::Error::InvalidCertificate(_))
            {
                return Error::Certificate {
                    url: self.base.clone(),
                    detail: tls.to_string(),
                };
            }
            // An io::Error's `source()` skips the error it wraps: step into it instead.
            source = match s.downcast_ref::<std::io::Error>() {
                Some(io) => io.get_ref().map(|e| e as &dyn std::error::Error),
                None => s.source(),
            };
        }
        let detail = if e.is_timeout() {
            "连接超时".to_string()
        } else if e.is_connect() {
            CONNECT_FAILED.to_string()
        } else if e.is_body() || e.is_decode() || e.is_request() {
            "连接中断".to_string()
        } else {
            "网络错误".to_string()
        };
        Error::Unreachable {
            url: self.base.clone(),
            detail,
        }
    }

    /// Sends with the token; maps refusals to errors that name the fix.
    async fn send(&self, rb: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        let resp = rb
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = resp.bytes().await.unwrap_or_default();
        let message = serde_json::from_slice::<ErrorBody>(&body)
            .map(|b| b.error)
            .unwrap_or_else(|_| status.canonical_reason().unwrap_or("未知错误").to_string());
        Err(match status.as_u16() {
            401 | 403 => Error::Unauthorized(message),
            s @ 400..=499 if s != 408 && s != 429 => Error::Refused(message),
            s => Error::Server { status: s, message },
        })
    }

    /// One request and its page, retried while the failure is transient.
    async fn exchange(
        &self,
        work: &Workers,
        req: &SyncRequest,
        meter: &Meter<'_>,
    ) -> Result<(SyncPage, Dataset)> {
        let mut attempt = 0;
        loop {
            let result = self.try_exchange(work, req, meter).await;
            if !result.as_ref().is_err_and(Error::never_left) {
                meter.reached.store(true, Ordering::Relaxed);
            }
            match result {
                Ok(x) => return Ok(x),
                Err(e) if e.is_transient() && attempt + 1 < self.retry.attempts => {
                    tracing::info!("sync attempt {} failed ({e}); retrying", attempt + 1);
                    tokio::time::sleep(self.retry.delay(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn try_exchange(
        &self,
        work: &Workers,
        req: &SyncRequest,
        meter: &Meter<'_>,
    ) -> Result<(SyncPage, Dataset)> {
        let json = serde_json::to_vec(req).map_err(|e| Error::Other(e.to_string()))?;
        // A small request (the usual no-change one) goes as it is; a long outbox is packed.
        let mut rb = self
            .http
            .post(format!("{}/v1/sync", self.base))
            .header(header::ACCEPT_ENCODING, "zstd, gzip;q=0.5")
            .header(header::CONTENT_TYPE, "application/json");
        let body = if json.len() > 1024 {
            rb = rb.header(header::CONTENT_ENCODING, proto::ZSTD);
            wire::compress(&json, 3)
        } else {
            json
        };
        meter.up.fetch_add(body.len() as u64, Ordering::Relaxed);
        let mut resp = self.send(rb.body(body)).await?;
        let encoding = resp
            .headers()
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut bytes = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.unreachable(&e))? {
            bytes.extend_from_slice(&chunk);
            meter.down.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            meter.tell();
        }
        let decoded = work
            .decode
            .run(move || -> Result<(SyncPage, Dataset)> {
                let json = proto::decode_body(encoding.as_deref(), &bytes, proto::MAX_PAGE_JSON)?;
                // The rows' columns held as compact text, not JSON values, then the rows
                // made table by table, each table's text dropped as it goes.
                let (page, data) = SyncPage::read(&json)?;
                drop(json);
                let rows = data.into_dataset()?;
                Ok((page, rows))
            })
            .await??;
        Ok(decoded)
    }
}

/// A thread of its own for one kind of work during a sync: the cache's (every page
/// applied, the derived figures, the lookup index) or the pages' decoding. Work of a kind
/// always on the same thread keeps its memory in one of the allocator's arenas, so what a
/// page's transaction frees (SQLite's 64 MiB page cache) is what the derived refresh
/// and the index built after it reuse. On tokio's blocking pool each job ran on
/// whichever thread was idle, every thread's arena grew to the largest job it had
/// run, and a city's first sync peaked at the sum of them (issue 19 item 3). The thread
/// ends when its worker is dropped, after the job it is running.
struct Worker {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl Worker {
    fn start(name: &str) -> Result<Worker> {
        let (jobs, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .map_err(|e| Error::Other(format!("无法启动同步线程：{e}")))?;
        Ok(Worker { jobs })
    }

    /// Runs `f` on the worker's thread and waits for it without blocking the runtime.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| Error::Other("同步线程已结束".into()))?;
        // A job that panicked drops its sender.
        rx.await
            .map_err(|_| Error::Other("同步线程意外结束".into()))
    }
}

/// The two workers of one sync.
struct Workers {
    cache: PathBuf,
    store: Worker,
    decode: Worker,
}

impl Workers {
    fn start(cache: &Path) -> Result<Workers> {
        Ok(Workers {
            cache: cache.to_path_buf(),
            store: Worker::start("bianzhi-sync-cache")?,
            decode: Worker::start("bianzhi-sync-decode")?,
        })
    }

    /// Runs cache work on the cache's thread with a connection of its own.
    async fn with_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> store::Result<T> + Send + 'static,
    {
        let path = self.cache.clone();
        self.store
            .run(move || {
                let mut s = Store::create(&path)?;
                f(&mut s)
            })
            .await?
            .map_err(Error::Store)
    }
}

/// The cache's sync bookkeeping, for `bianzhi status` and the interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    pub server: Option<String>,
    pub last_sync: Option<String>,
    /// Seconds since the last complete sync.
    pub age_seconds: Option<i64>,
    pub cursor: u64,
    /// Decisions not answered yet: queued (待上传) and sent (已发送).
    pub unsent: u64,
    /// Of those, sent and awaiting the server's answer.
    pub sent: u64,
    /// Decisions the server refused, all told.
    pub rejected: u64,
    /// Refusals since the operator last looked (`bianzhi outbox`, the inbox screen).
    pub rejected_unseen: u64,
    /// A sync was cut off part way; the next one completes it.
    pub partial: bool,
}

pub fn status(conn: &rusqlite::Connection) -> store::Result<Status> {
    let last_sync = store::get_meta(conn, keys::LAST_SYNC)?;
    let age_seconds = last_sync
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| {
            (chrono::Local::now().fixed_offset() - t)
                .num_seconds()
                .max(0)
        });
    use store::outbox::{self, State};
    let count = |state| outbox::count(conn, state);
    Ok(Status {
        server: store::get_meta(conn, keys::SERVER)?,
        last_sync,
        age_seconds,
        cursor: apply::state(conn)?.cursor,
        unsent: count(State::Queued)? + count(State::Sent)?,
        sent: count(State::Sent)?,
        rejected: count(State::Refused)?,
        rejected_unseen: outbox::unseen_refusals(conn)?,
        partial: store::get_meta(conn, keys::PARTIAL)?.is_some(),
    })
}
