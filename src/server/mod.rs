//! The reference central server: axum on tokio, the authoritative data of a region in
//! its own SQLite database (the store's schema plus the server's bookkeeping), speaking
//! the protocol of `sync::proto` (docs/PROTOCOL.md).
//!
//! [`spawn`] runs it inside the caller's runtime — `bianzhi serve`, `bianzhi demo` and
//! the tests all use the same server.

pub mod backend;
mod cache;
pub mod db;
pub mod decide;
mod http;
mod listen;
pub mod maintain;
pub mod operators;
pub mod pg;
pub mod relay;
pub mod simulate;
pub mod sqlite;
mod tls;

pub use backend::Backend;
pub use db::{Change, Operator, ServerDb};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Tls(String),
    /// PostgreSQL: unreachable, refused the login, a schema this binary cannot use,
    /// or a statement that failed (the sentence says which).
    #[error("{0}")]
    Postgres(String),
    /// The database cannot answer now (PostgreSQL gone while serving): the request
    /// changed nothing and may be retried.
    #[error("{0}")]
    Unavailable(String),
    #[error("无法监听 {addr}：{source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(e.into())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How to run a server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Apply a trickle of realistic changes at this interval.
    pub simulate: Option<Duration>,
    /// Seed of the simulation's randomness.
    pub seed: u64,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    pub tls: Option<Tls>,
    /// Seconds added to the server's clock. Only the dates and times the server stamps
    /// move; cursors never depend on a clock (tests run skewed servers to prove it).
    pub clock_offset_secs: i64,
}

/// The PEM files of an HTTPS server: its certificate chain (leaf first) and private key.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A running server. Stopping it (or dropping it) ends its tasks.
pub struct ServerHandle {
    pub addr: SocketAddr,
    https: bool,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    conns: std::sync::Arc<listen::Conns>,
    pages: std::sync::Arc<cache::PageCache>,
    snapshots: std::sync::Arc<cache::SnapshotCache>,
    task: Option<tokio::task::JoinHandle<()>>,
    simulation: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT` (`https://` when serving TLS)
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// How many pages of the changes feed the server has built; a page asked for again
    /// at the same data version is served from memory and not counted.
    pub fn pages_built(&self) -> u64 {
        self.pages.built()
    }

    /// How many snapshots (`GET /v1/snapshot`) the server has built; one asked for again
    /// at the same data version and jurisdiction is served from memory.
    pub fn snapshots_built(&self) -> u64 {
        self.snapshots.built()
    }

    /// How many idle connections were closed to make room for new ones (at the limit of
    /// open connections).
    pub fn connections_evicted(&self) -> u64 {
        self.conns.evicted()
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(s) = self.simulation.take() {
            s.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(s) = self.simulation.take() {
            s.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

/// Opens the database at `db_path` (creating the server's tables) and serves it on
/// `listen` (`127.0.0.1:0` picks a free port) inside the current tokio runtime.
pub async fn spawn(db_path: &Path, listen: &str, options: Options) -> Result<ServerHandle> {
    let db = ServerDb::open(db_path)?;
    let backend = sqlite::SqliteBackend::new(PathBuf::from(db_path), db);
    serve(std::sync::Arc::new(backend), listen, options).await
}

/// Serves the database `db` names: a `postgres://` URL or an SQLite file's path.
pub async fn spawn_on(db: &str, listen: &str, options: Options) -> Result<ServerHandle> {
    if !backend::is_postgres(db) {
        return spawn(Path::new(db), listen, options).await;
    }
    let url = db.to_string();
    let backend = tokio::task::spawn_blocking(move || backend::open(&url))
        .await
        .map_err(|e| Error::Postgres(e.to_string()))??;
    serve(backend, listen, options).await
}

async fn serve(
    backend: std::sync::Arc<dyn Backend>,
    listen: &str,
    options: Options,
) -> Result<ServerHandle> {
    // A bad certificate or key is reported before the port is taken.
    let tls_config = options.tls.as_ref().map(tls::config).transpose()?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| Error::Listen {
            addr: listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Listen {
        addr: listen.to_string(),
        source,
    })?;
    let clock_offset = chrono::TimeDelta::seconds(options.clock_offset_secs);
    tracing::info!(engine = backend.engine(), "server database open");
    let simulation = options
        .simulate
        .map(|every| simulate::spawn(backend.clone(), every, options.seed));
    let state = http::State::new(backend, clock_offset);
    let pages = state.pages();
    let snapshots = state.snapshots();
    let app = http::router(state);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let https = tls_config.is_some();
    let conns = listen::conns(listen::MAX_CONNECTIONS);
    let task = tokio::spawn(listen::serve(listener, tls_config, app, rx, conns.clone()));
    tracing::info!(%addr, https, "server listening");
    Ok(ServerHandle {
        addr,
        https,
        shutdown: Some(tx),
        conns,
        pages,
        snapshots,
        task: Some(task),
        simulation,
    })
}
