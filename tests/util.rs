//! Shared helpers of the integration tests: a real server on 127.0.0.1:0 in the test
//! process, a byte-counting relay in front of it, real caches in temp directories.

#![allow(dead_code)]

use bianzhi::generate::{self, Scale};
use bianzhi::model::{Dataset, OrgId};
use bianzhi::server::relay::Relay;
use bianzhi::server::{self, ServerDb, ServerHandle};
use bianzhi::store::Store;
use bianzhi::sync::{Client, Retry};
use sha2::Digest;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use tempfile::TempDir;

/// The small generated world, built once per test binary.
pub fn small() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| generate::generate(Scale::Small, 7))
}

/// A server seeded with a dataset, reached through a relay.
pub struct World {
    pub dir: TempDir,
    pub db_path: PathBuf,
    pub server: ServerHandle,
    pub relay: Relay,
}

impl World {
    pub async fn new(data: &Dataset) -> World {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("server.db");
        ServerDb::open(&db_path).unwrap().seed(data).unwrap();
        let server = server::spawn(&db_path, "127.0.0.1:0", server::Options::default())
            .await
            .unwrap();
        let relay = Relay::start(server.addr).await.unwrap();
        World {
            dir,
            db_path,
            server,
            relay,
        }
    }

    /// The server's database, opened beside the running server (tests write through it).
    pub fn db(&self) -> ServerDb {
        ServerDb::open(&self.db_path).unwrap()
    }

    pub fn operator(&self, name: &str, root: OrgId) -> String {
        self.db().add_operator(name, root).unwrap()
    }

    /// A client through the relay that gives up quickly.
    pub fn client(&self, token: &str) -> Client {
        let mut c = Client::new(&self.relay.url(), token).unwrap();
        c.retry = Retry {
            attempts: 2,
            first_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(50),
        };
        c
    }

    /// A fresh cache path in the world's directory.
    pub fn cache(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.db"))
    }

    /// What the server holds for a jurisdiction, and its cursor.
    pub fn scoped(&self, root: OrgId) -> (Dataset, u64) {
        let db = self.db();
        server::db::scoped_dataset(db.conn(), root).unwrap()
    }
}

/// One sync, no progress display.
pub async fn sync(
    c: &Client,
    cache: &std::path::Path,
) -> Result<bianzhi::sync::Report, bianzhi::sync::client::Error> {
    c.sync(cache, &|_| {}).await
}

pub fn cache_data(path: &std::path::Path) -> Dataset {
    Store::open(path).unwrap().dataset().unwrap()
}

/// A checksum over the content: SHA-256 of the canonical JSON of the dataset (tables
/// and rows in id order).
pub fn checksum(d: &Dataset) -> String {
    hex::encode(sha2::Sha256::digest(serde_json::to_vec(d).unwrap()))
}

pub fn meta(path: &std::path::Path, key: &str) -> Option<String> {
    Store::open(path).unwrap().meta(key).unwrap()
}

/// Everything the cache file says, meta and outbox included, to prove a failed sync
/// changed nothing.
pub fn fingerprint(path: &std::path::Path) -> String {
    let s = Store::open(path).unwrap();
    let mut text = serde_json::to_string(&s.dataset().unwrap()).unwrap();
    for table in ["meta", "outbox"] {
        let mut st = s
            .conn()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        text.push_str(&rows.join("\n"));
    }
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}
