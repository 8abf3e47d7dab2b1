//! A TCP relay between a client and the server that counts the bytes each way and can
//! inject the faults of a bad intranet link: the connection dropped after so many bytes,
//! or bytes garbled in flight. Tests and benchmarks measure the real wire with it (HTTP
//! headers included) and cut syncs where they like. Loopback only.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A fault to inject into server→client traffic. Bytes are counted per connection from
/// the moment the fault is injected, so it hits kept-alive connections too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Reset the connection once this many bytes have gone down it.
    CutAfter(u64),
    /// Flip every byte after this many bytes down the connection (until cleared).
    GarbleAfter(u64),
    /// Reset the connection `after` bytes into the `n`-th HTTP response (0-based) sent
    /// down it since the injection; `after: 0` cuts exactly at the boundary, once
    /// response `n - 1` is complete. Responses are found by their status line.
    CutAtResponse { n: u64, after: u64 },
}

/// The start of an HTTP/1.1 response (compressed bodies do not contain it in practice).
const STATUS_LINE: &[u8] = b"HTTP/1.1 ";

#[derive(Default)]
struct Shared {
    up: AtomicU64,
    down: AtomicU64,
    connections: AtomicU64,
    /// The fault, and whether a cut stays after firing once.
    fault: Mutex<Option<(Fault, bool)>>,
    /// Bumped by every injection: connections restart their byte count.
    generation: AtomicU64,
    /// Where each HTTP response began in the server→client byte count.
    starts: Mutex<Vec<u64>>,
}

pub struct Relay {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Listens on a free loopback port and relays every connection to `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Relay> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                s.connections.fetch_add(1, Ordering::Relaxed);
                let s = s.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(target).await {
                        let _ = pipe(client, server, s).await;
                    }
                });
            }
        });
        Ok(Relay { addr, shared, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bytes client→server and server→client since the start or the last reset.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.shared.up.load(Ordering::Relaxed),
            self.shared.down.load(Ordering::Relaxed),
        )
    }

    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// The size on the wire (headers included) of each response since the last reset,
    /// in order. Exact when the responses shared one connection.
    pub fn response_sizes(&self) -> Vec<u64> {
        let starts = self
            .shared
            .starts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let end = self.shared.down.load(Ordering::Relaxed);
        starts
            .iter()
            .zip(starts.iter().skip(1).chain(std::iter::once(&end)))
            .map(|(a, b)| b.saturating_sub(*a))
            .collect()
    }

    pub fn reset(&self) {
        self.shared
            .starts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.shared.up.store(0, Ordering::Relaxed);
        self.shared.down.store(0, Ordering::Relaxed);
        self.shared.connections.store(0, Ordering::Relaxed);
    }

    /// Injects a fault (None clears it). A cut fires once unless `repeat`.
    pub fn inject(&self, fault: Option<Fault>, repeat: bool) {
        *self.shared.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault.map(|f| (f, repeat));
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pipe(client: TcpStream, server: TcpStream, s: Arc<Shared>) -> std::io::Result<()> {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up_shared = s.clone();
    let up = async move {
        let mut buf = vec![0u8; 16 << 10];
        loop {
            let n = cr.read(&mut buf).await?;
            if n == 0 {
                let _ = sw.shutdown().await;
                return Ok::<_, std::io::Error>(());
            }
            up_shared.up.fetch_add(n as u64, Ordering::Relaxed);
            sw.write_all(&buf[..n]).await?;
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 16 << 10];
        let mut sent: u64 = 0;
        let mut generation = u64::MAX;
        // Responses seen since the injection, and the tail of the last chunk (a status
        // line may straddle two reads).
        let mut responses: u64 = 0;
        let mut tail: Vec<u8> = Vec::new();
        let mut cut_at: Option<u64> = None;
        loop {
            let n = sr.read(&mut buf).await?;
            if n == 0 {
                let _ = cw.shutdown().await;
                return Ok::<_, std::io::Error>(());
            }
            let chunk = &mut buf[..n];
            let fault = {
                let mut f = s.fault.lock().unwrap_or_else(|p| p.into_inner());
                let g = s.generation.load(Ordering::SeqCst);
                if g != generation {
                    generation = g;
                    sent = 0;
                    responses = 0;
                    tail.clear();
                    cut_at = None;
                }
                // Stream offsets (from the injection) of the status lines in this chunk.
                let mut window = std::mem::take(&mut tail);
                let base = sent - window.len() as u64;
                window.extend_from_slice(chunk);
                let want = match *f {
                    Some((Fault::CutAtResponse { n: nth, after }, _)) => Some((nth, after)),
                    _ => None,
                };
                let down = s.down.load(Ordering::Relaxed);
                for pos in memchr::memmem::find_iter(&window, STATUS_LINE) {
                    if let Some((nth, after)) = want
                        && responses == nth
                        && cut_at.is_none()
                    {
                        cut_at = Some(base + pos as u64 + after);
                    }
                    responses += 1;
                    let at = (down + pos as u64).saturating_sub((sent - base) as u64);
                    s.starts.lock().unwrap_or_else(|p| p.into_inner()).push(at);
                }
                let keep = window.len().min(STATUS_LINE.len() - 1);
                tail = window[window.len() - keep..].to_vec();
                let mut now = *f;
                if let (Some(limit), Some((Fault::CutAtResponse { .. }, repeat))) = (cut_at, now) {
                    now = Some((Fault::CutAfter(limit), repeat));
                }
                if let Some((Fault::CutAfter(limit), false)) = now
                    && sent + n as u64 >= limit
                {
                    *f = None;
                }
                now.map(|(f, _)| f)
            };
            match fault {
                Some(Fault::CutAfter(limit)) if sent + n as u64 >= limit => {
                    let keep = (limit - sent.min(limit)) as usize;
                    cw.write_all(&chunk[..keep]).await?;
                    s.down.fetch_add(keep as u64, Ordering::Relaxed);
                    // Dropping both halves resets the connection mid-answer.
                    return Ok(());
                }
                Some(Fault::GarbleAfter(from)) => {
                    for (i, b) in chunk.iter_mut().enumerate() {
                        if sent + i as u64 >= from {
                            *b ^= 0x5a;
                        }
                    }
                }
                _ => {}
            }
            sent += n as u64;
            s.down.fetch_add(n as u64, Ordering::Relaxed);
            cw.write_all(chunk).await?;
        }
    };
    // Either direction ending (or being cut) ends the connection.
    tokio::select! {
        r = up => r,
        r = down => r,
    }
}
