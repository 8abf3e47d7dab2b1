//! Shared by the network benchmarks: a seeded reference server and a slow link.

#![allow(dead_code)]

use bianzhi::generate::{self, Scale};
use bianzhi::model::Dataset;
use bianzhi::server::{self, ServerDb, ServerHandle};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server database seeded with a generated region, and an operator of the whole of it.
pub struct Seeded {
    pub dir: tempfile::TempDir,
    pub db_path: PathBuf,
    pub token: String,
    pub persons: u64,
    pub rows: u64,
}

pub fn seeded(scale: Scale) -> Seeded {
    let t = Instant::now();
    let data = generate::generate(scale, 1);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("server.db");
    let token = seed_server(&db_path, &data);
    println!(
        "scale {scale}: {} units, {} persons, {} rows; server generated and seeded in {:.1} s",
        data.orgs.len(),
        data.persons.len(),
        data.row_count(),
        t.elapsed().as_secs_f64()
    );
    Seeded {
        persons: data.persons.len() as u64,
        rows: data.row_count() as u64,
        dir,
        db_path,
        token,
    }
}

/// Seeds the server database at `db_path` with `data`; returns the token of an
/// operator of the whole of it.
pub fn seed_server(db_path: &Path, data: &Dataset) -> String {
    let mut db = ServerDb::open(db_path).unwrap();
    db.seed(data).unwrap();
    let root: i64 = db
        .conn()
        .query_row(
            "SELECT id FROM orgs WHERE parent_id IS NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    db.add_operator("全市", root).unwrap()
}

/// The multi-threaded runtime the benchmarks run their servers and clients on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The reference server on the database at `db_path`, on a free local port.
pub async fn serve(db_path: &Path) -> ServerHandle {
    server::spawn(db_path, "127.0.0.1:0", server::Options::default())
        .await
        .unwrap()
}

/// The value after `--name` on the command line, or `default`.
pub fn num_arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The scale named on the command line (`small`, `county`, `city`), city by default.
pub fn scale_arg() -> Scale {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(Scale::City)
}

/// One direction of a link: a rate shared by every connection, and the time its
/// transmitter is busy until.
struct Wire {
    bytes_per_sec: f64,
    busy_until: Mutex<Instant>,
}

impl Wire {
    /// When a segment of `n` bytes handed over at `now` has left the transmitter.
    fn send(&self, n: usize, now: Instant) -> Instant {
        let mut busy = self.busy_until.lock().unwrap();
        let start = (*busy).max(now);
        *busy = start + Duration::from_secs_f64(n as f64 / self.bytes_per_sec);
        *busy
    }
}

/// A slow intranet link on loopback: every connection to `addr` is relayed to the
/// target through two wires (one each way) of `bits_per_sec`, shared by all
/// connections, with `delay` of propagation each way. Bytes travel in segments of at
/// most MSS bytes, each charged 40 bytes of TCP/IP headers on the wire. A new
/// connection pays one round trip (the TCP handshake) before its first byte.
pub struct SlowLink {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

const MSS: usize = 1460;
const HEADERS: usize = 40;

impl SlowLink {
    pub async fn start(target: SocketAddr, bits_per_sec: f64, delay: Duration) -> SlowLink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let wire = |_| {
            Arc::new(Wire {
                bytes_per_sec: bits_per_sec / 8.0,
                busy_until: Mutex::new(Instant::now()),
            })
        };
        let (up, down) = (wire(0), wire(1));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (up, down) = (up.clone(), down.clone());
                tokio::spawn(async move {
                    // The handshake: SYN over, SYN-ACK back.
                    tokio::time::sleep(2 * delay).await;
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::select! {
                        _ = carry(cr, sw, up, delay) => {}
                        _ = carry(sr, cw, down, delay) => {}
                    }
                });
            }
        });
        SlowLink { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SlowLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads segments as they come, stamps each with the moment it reaches the far end,
/// and writes it out then: the reader never waits for the delay, so the wire stays
/// full (store-and-forward of each segment).
async fn carry(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    wire: Arc<Wire>,
    delay: Duration,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        while let Some((at, bytes)) = rx.recv().await {
            tokio::time::sleep_until(at.into()).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buf = vec![0u8; MSS];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let left = wire.send(n + HEADERS, Instant::now());
        if tx.send((left + delay, buf[..n].to_vec())).is_err() {
            break;
        }
    }
    drop(tx);
    let _ = writer.await;
}
