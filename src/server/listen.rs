//! Accepting connections with bounds, so that anyone who can open a socket cannot hold
//! the server up:
//!
//! - at most [`MAX_CONNECTIONS`] open connections (less if the process may open fewer
//!   files); when all are taken, the connection idle longest (no request being
//!   answered) is closed to make room, so silent sockets cannot starve an honest client;
//! - a request's headers must arrive within [`HEADER_TIMEOUT`] of the connection being
//!   ready for them: this also closes a socket that sends nothing, or half a header, and
//!   a kept-alive connection idle that long (hyper's `header_read_timeout` runs from the
//!   moment the connection waits for a request, not from its first byte);
//! - a request's body must arrive within `http::BODY_TIMEOUT` (checked by the handler);
//! - a TLS handshake must finish within [`tls::HANDSHAKE_TIMEOUT`].
//!
//! Connections speak HTTP/1.1 (the protocol's transport; TLS offers only `http/1.1`).

use super::tls;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, watch};
use tower::ServiceExt as _;

/// Most connections open at once.
pub(crate) const MAX_CONNECTIONS: usize = 1024;
/// Most time to send a request's headers, counted from when the connection is ready for
/// a request (just opened, or done with the previous one).
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// File descriptors kept for everything else (SQLite files, the log, reader connections).
const SPARE_FILES: u64 = 128;

/// One open connection, as the eviction sees it.
struct Conn {
    /// Requests being answered.
    busy: AtomicUsize,
    /// When it last became idle (milliseconds since the server started).
    idle_since: AtomicU64,
    kicked: AtomicBool,
    kick: Notify,
}

/// The open connections and the permits they hold.
pub(crate) struct Conns {
    permits: Arc<Semaphore>,
    max: usize,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    started: Instant,
    evicted: AtomicU64,
}

impl Conns {
    fn new(max: usize) -> Conns {
        Conns {
            permits: Arc::new(Semaphore::new(max)),
            max,
            open: Mutex::default(),
            next_id: AtomicU64::new(0),
            started: Instant::now(),
            evicted: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Closes (gracefully: a request being answered is finished first) the `n`
    /// connections idle the longest; returns how many were asked to close.
    fn evict(&self, n: usize) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let mut idle: Vec<&Arc<Conn>> = open
            .values()
            .filter(|c| c.busy.load(Ordering::Relaxed) == 0 && !c.kicked.load(Ordering::Relaxed))
            .collect();
        idle.sort_by_key(|c| c.idle_since.load(Ordering::Relaxed));
        for c in idle.iter().take(n) {
            c.kicked.store(true, Ordering::Relaxed);
            c.kick.notify_one();
        }
        let n = n.min(idle.len());
        self.evicted.fetch_add(n as u64, Ordering::Relaxed);
        n
    }

    /// Connections closed to make room so far.
    pub(crate) fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }
}

/// Raises the soft limit of open files to the hard limit (a server holds a socket per
/// client); returns the soft limit in force.
pub(crate) fn raise_file_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let lim = getrlimit(Resource::Nofile);
    let (Some(soft), hard) = (lim.current, lim.maximum) else {
        // Unlimited already.
        return u64::MAX;
    };
    let Some(hard) = hard else {
        return soft;
    };
    if soft < hard
        && setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(hard),
                maximum: Some(hard),
            },
        )
        .is_ok()
    {
        return hard;
    }
    soft
}

/// Serves `app` on `listener` until `shutdown` turns true, then lets requests in flight
/// finish and returns.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
    conns: Arc<Conns>,
) {
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped(&mut shutdown) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: pause rather than spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let permit = match conns.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => loop {
                // Full: make room by closing the connections idle longest (a few at
                // once, so the next arrivals find room too), and wait for a permit.
                conns.evict((conns.max / 16).max(1));
                let wait = conns.permits.clone().acquire_owned();
                tokio::select! {
                    p = tokio::time::timeout(Duration::from_millis(500), wait) => {
                        if let Ok(Ok(p)) = p { break p; }
                    }
                    _ = stopped(&mut shutdown) => return finish(&conns).await,
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let (app, tls, conns2, shutdown) =
            (app.clone(), tls.clone(), conns.clone(), shutdown.clone());
        tokio::spawn(async move {
            let _permit = permit;
            // Registered from the start, so a stalled TLS handshake can be evicted too.
            let me = Registered::new(&conns2);
            match tls {
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(tls::HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
                    tokio::select! {
                        done = handshake => match done {
                            Ok(Ok(stream)) => connection(stream, app, &conns2, &me.conn, shutdown).await,
                            Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                        },
                        _ = me.conn.kick.notified() => {}
                    }
                }
                None => connection(tcp, app, &conns2, &me.conn, shutdown).await,
            }
        });
    }
    finish(&conns).await
}

/// Resolves once the server is told to stop.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Waits until every connection has given its permit back.
async fn finish(conns: &Conns) {
    let _ = conns.permits.acquire_many(conns.max as u32).await;
}

/// Serves one connection until it closes, times out, is evicted or the server stops.
/// A connection in the table of open ones, removed when dropped.
struct Registered<'a> {
    conns: &'a Conns,
    id: u64,
    conn: Arc<Conn>,
}

impl<'a> Registered<'a> {
    fn new(conns: &'a Conns) -> Registered<'a> {
        let id = conns.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(conns.now_ms()),
            kicked: AtomicBool::new(false),
            kick: Notify::new(),
        });
        conns
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, conn.clone());
        Registered { conns, id, conn }
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.conns
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

async fn connection<I>(
    io: I,
    app: Router,
    conns: &Conns,
    me: &Arc<Conn>,
    mut shutdown: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let started = conns.started;
    let tracked = me.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let me = tracked.clone();
        me.busy.fetch_add(1, Ordering::Relaxed);
        let answer = app.clone().oneshot(req.map(axum::body::Body::new));
        async move {
            let r = answer.await;
            me.idle_since
                .store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
            me.busy.fetch_sub(1, Ordering::Relaxed);
            r
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    // Once asked to close: gracefully (a request being answered is finished), and a
    // connection still open a moment later with no request in hand (half a header) is
    // dropped.
    let mut closing: Option<tokio::time::Instant> = None;
    let grace = Duration::from_secs(1);
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!("connection ended: {e}");
                }
                break;
            }
            _ = me.kick.notified(), if closing.is_none() => {
                closing = Some(tokio::time::Instant::now() + grace);
                conn.as_mut().graceful_shutdown();
            }
            _ = stopped(&mut shutdown), if closing.is_none() => {
                closing = Some(tokio::time::Instant::now() + grace);
                conn.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep_until(closing.unwrap_or_else(tokio::time::Instant::now)), if closing.is_some() => {
                if me.busy.load(Ordering::Relaxed) == 0 {
                    break;
                }
                closing = Some(tokio::time::Instant::now() + grace);
            }
        }
    }
}

/// The connection bookkeeping of a server allowed `max` connections, bounded by the
/// files the process may open.
pub(crate) fn conns(max: usize) -> Arc<Conns> {
    let files = raise_file_limit();
    let max = max.min(files.saturating_sub(SPARE_FILES).max(16) as usize);
    Arc::new(Conns::new(max))
}
