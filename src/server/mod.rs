//! The reference central server: axum on tokio, the authoritative data of a region in
//! its own SQLite database (the store's schema plus the server's bookkeeping), speaking
//! the protocol of `sync::proto` (docs/PROTOCOL.md).
//!
//! [`spawn`] runs it inside the caller's runtime — `bianzhi serve`, `bianzhi demo` and
//! the tests all use the same server.

pub mod db;
pub mod decide;
mod http;
pub mod relay;
pub mod simulate;

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
}

/// A running server. Stopping it (or dropping it) ends its tasks.
pub struct ServerHandle {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    simulation: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(s) = self.simulation.take() {
            s.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
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
            let _ = tx.send(());
        }
    }
}

/// Opens the database at `db_path` (creating the server's tables) and serves it on
/// `listen` (`127.0.0.1:0` picks a free port) inside the current tokio runtime.
pub async fn spawn(db_path: &Path, listen: &str, options: Options) -> Result<ServerHandle> {
    let db = ServerDb::open(db_path)?;
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
    let state = http::State::new(PathBuf::from(db_path), db);
    let simulation = options
        .simulate
        .map(|every| simulate::spawn(state.writer(), every, options.seed));
    let app = http::router(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!("server stopped: {e}");
        }
    });
    tracing::info!(%addr, "server listening");
    Ok(ServerHandle {
        addr,
        shutdown: Some(tx),
        task: Some(task),
        simulation,
    })
}
