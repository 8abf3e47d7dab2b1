//! Pages of the changes feed, built once and served to every operator who asks for the
//! same thing.
//!
//! A page is determined by the server's data at one moment and by what is asked: the
//! jurisdiction, the cursor and the page size. The data is named by `(epoch, seq)`: every
//! write versions the rows it touches from the one global sequence and stores the new
//! high-water mark in the same transaction, and reseeding changes the epoch — so while
//! `(epoch, seq)` is the same, the data is the same, and a write (a pushed decision, the
//! simulation, an administrator) makes every older key unreachable. The key is read in
//! the same read transaction as the page, so a page is always filed under the moment it
//! was read at.
//!
//! What is kept is the page's JSON without its `server_time` (which is per request) and,
//! built on first demand, that JSON as one zstd frame. An answer is
//! `{"server_time":"…",` followed by the cached JSON; compressed, a small zstd frame of
//! the former followed by the cached frame (concatenated frames are one valid zstd
//! stream, RFC 8878 §3). Concurrent requests for the same key wait for the first one to
//! build it instead of building it too.
//!
//! Bounded by total bytes and by entry count; the least recently used go first.
//!
//! Snapshots (`GET /v1/snapshot`) are kept the same way, keyed by `(epoch, seq,
//! jurisdiction)`: four operators asking for a city at once cost one build, and at most
//! a few builds of different jurisdictions run at once ([`BuildPermits`]).

use crate::model::OrgId;
use crate::sync::{proto, wire};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A key names the data's moment: `(epoch, seq)` (see above).
pub(crate) trait Versioned: Clone + Eq + std::hash::Hash {
    fn epoch(&self) -> &str;
    fn seq(&self) -> u64;
}

/// What an entry costs in memory.
pub(crate) trait Weighed {
    fn bytes(&self) -> usize;
}

impl Versioned for PageKey {
    fn epoch(&self) -> &str {
        &self.epoch
    }
    fn seq(&self) -> u64 {
        self.seq
    }
}

impl Weighed for CachedPage {
    fn bytes(&self) -> usize {
        self.rest.len() + self.zstd.get().map_or(0, Vec::len)
    }
}

/// A jurisdiction's snapshot at one moment: the same bytes for every operator of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SnapshotKey {
    pub epoch: String,
    pub seq: u64,
    pub scope_root: OrgId,
}

impl Versioned for SnapshotKey {
    fn epoch(&self) -> &str {
        &self.epoch
    }
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// A snapshot file's bytes, shared (not copied) by every answer that sends it.
pub(crate) struct SnapshotBytes {
    pub bytes: axum::body::Bytes,
    pub rows: usize,
}

impl Weighed for SnapshotBytes {
    fn bytes(&self) -> usize {
        self.bytes.len()
    }
}

/// At most `n` builds at once, across keys (a build of a city holds a few hundred MB).
pub(crate) struct BuildPermits {
    free: Mutex<usize>,
    freed: std::sync::Condvar,
}

impl BuildPermits {
    pub fn new(n: usize) -> BuildPermits {
        BuildPermits {
            free: Mutex::new(n),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Blocks (a blocking-pool thread) until a build may start.
    pub fn acquire(&self) -> BuildPermit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        BuildPermit(self)
    }
}

pub(crate) struct BuildPermit<'a>(&'a BuildPermits);

impl Drop for BuildPermit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Everything that determines a page's bytes (besides `server_time`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    pub epoch: String,
    pub seq: u64,
    pub scope_root: OrgId,
    pub cursor: u64,
    pub limit: usize,
}

/// One page, shared by every request with its key.
pub(crate) struct CachedPage {
    /// The page's JSON members after `server_time`: from `"protocol"` to the closing `}`.
    rest: Vec<u8>,
    /// `rest` as one zstd frame, built when a client first wants zstd.
    zstd: OnceLock<Vec<u8>>,
    pub rows: usize,
}

const FIELD: &[u8] = br#","server_time":"""#;

impl CachedPage {
    /// From a page whose `server_time` is empty.
    pub fn new(page: &proto::SyncPage) -> serde_json::Result<CachedPage> {
        debug_assert!(page.server_time.is_empty() && page.answers.is_empty());
        let json = serde_json::to_vec(page)?;
        // `server_time` follows the fixed header fields (`protocol`, `epoch`, numbers, the
        // refetch reason) and comes before any data, so its first occurrence is the
        // field itself (inside a string, a quote would be escaped).
        let at = json
            .windows(FIELD.len())
            .position(|w| w == FIELD)
            .filter(|_| json.first() == Some(&b'{'))
            .ok_or_else(|| {
                <serde_json::Error as serde::ser::Error>::custom("page JSON without server_time")
            })?;
        let mut rest = Vec::with_capacity(json.len() - FIELD.len());
        rest.extend_from_slice(&json[1..at]);
        rest.extend_from_slice(&json[at + FIELD.len()..]);
        Ok(CachedPage {
            rest,
            zstd: OnceLock::new(),
            rows: page.row_count(),
        })
    }

    fn head(server_time: &str) -> Vec<u8> {
        let mut head = br#"{"server_time":"#.to_vec();
        // A string (RFC 3339 has nothing to escape, but stay valid whatever it holds).
        head.extend_from_slice(
            &serde_json::to_vec(server_time).unwrap_or_else(|_| b"\"\"".to_vec()),
        );
        head.push(b',');
        head
    }

    /// The whole page as plain JSON.
    pub fn json(&self, server_time: &str) -> Vec<u8> {
        let mut out = Self::head(server_time);
        out.extend_from_slice(&self.rest);
        out
    }

    /// The whole page as a zstd stream of two frames: the per-request head, then the
    /// shared body (compressed once, at the level its size calls for).
    pub fn zstd(&self, server_time: &str) -> Vec<u8> {
        let body = self
            .zstd
            .get_or_init(|| wire::compress(&self.rest, proto::zstd_level(self.rest.len() + 64)));
        let mut out = wire::compress(&Self::head(server_time), 3);
        out.extend_from_slice(body);
        out
    }
}

/// A slot is filled once; whoever finds it empty builds the value while the others wait.
type Slot<V> = Arc<Mutex<Option<Arc<V>>>>;

struct Entry<V> {
    slot: Slot<V>,
    used: u64,
}

/// Pages of the changes feed.
pub(crate) type PageCache = Cache<PageKey, CachedPage>;
/// Snapshots of jurisdictions.
pub(crate) type SnapshotCache = Cache<SnapshotKey, SnapshotBytes>;

pub(crate) struct Cache<K, V> {
    entries: Mutex<(HashMap<K, Entry<V>>, u64)>,
    max_bytes: usize,
    max_entries: usize,
    built: AtomicU64,
}

impl<K: Versioned, V: Weighed> Cache<K, V> {
    pub fn new(max_bytes: usize, max_entries: usize) -> Self {
        Cache {
            entries: Mutex::new((HashMap::new(), 0)),
            max_bytes,
            max_entries,
            built: AtomicU64::new(0),
        }
    }

    /// Pages built so far (cache misses that succeeded).
    pub fn built(&self) -> u64 {
        self.built.load(Ordering::Relaxed)
    }

    /// The page for `key`, built by `build` if nobody has it. An error is not cached.
    pub fn get_or_build<E>(
        &self,
        key: &K,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        let slot = {
            let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let (map, tick) = &mut *guard;
            *tick += 1;
            let now = *tick;
            let e = map.entry(key.clone()).or_insert_with(|| Entry {
                slot: Arc::default(),
                used: now,
            });
            e.used = now;
            e.slot.clone()
        };
        let mut filled = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(page) = filled.as_ref() {
            return Ok(page.clone());
        }
        let page = Arc::new(build()?);
        *filled = Some(page.clone());
        drop(filled);
        self.built.fetch_add(1, Ordering::Relaxed);
        self.trim(key);
        Ok(page)
    }

    /// Drops what can no longer be asked for (older versions of the same epoch), then the
    /// least recently used until within bounds. `keep` (just built) stays.
    pub fn trim(&self, keep: &K) {
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let map = &mut guard.0;
        map.retain(|k, _| k == keep || k.epoch() != keep.epoch() || k.seq() >= keep.seq());
        loop {
            // A slot being built is locked: it counts as empty until done.
            let total: usize = map
                .values()
                .map(|e| {
                    e.slot
                        .try_lock()
                        .ok()
                        .and_then(|s| s.as_ref().map(|p| p.bytes()))
                        .unwrap_or(0)
                })
                .sum();
            if total <= self.max_bytes && map.len() <= self.max_entries {
                break;
            }
            let oldest = map
                .iter()
                .filter(|(k, _)| *k != keep)
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    map.remove(&k);
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::wire::PROTOCOL_VERSION;

    fn page(rows: usize) -> proto::SyncPage {
        let deleted = proto::Deleted {
            persons: (1..=rows as i64).collect(),
            ..Default::default()
        };
        proto::SyncPage {
            protocol: PROTOCOL_VERSION,
            epoch: "0123456789abcdef".into(),
            scope_root: 1,
            cursor: 42,
            more: true,
            // A string that holds the field's text comes before it.
            must_refetch: Some(r#"x,"server_time":"""#.into()),
            deleted,
            ..Default::default()
        }
    }

    #[test]
    fn a_cached_page_reads_as_the_page_with_its_time() {
        for rows in [0, 3, 5000] {
            let p = page(rows);
            let c = CachedPage::new(&p).unwrap();
            let t = "2026-11-01T10:00:00.123+08:00";
            let mut want = p.clone();
            want.server_time = t.into();
            assert_eq!(proto::SyncPage::from_json(&c.json(t)).unwrap(), want);
            let z = proto::decode_body(Some(proto::ZSTD), &c.zstd(t), 1 << 30).unwrap();
            assert_eq!(proto::SyncPage::from_json(&z).unwrap(), want);
            assert_eq!(z, c.json(t));
        }
    }

    #[test]
    fn built_once_bounded_and_older_versions_dropped() {
        let cache = PageCache::new(1 << 20, 3);
        let key = |seq, cursor| PageKey {
            epoch: "e".into(),
            seq,
            scope_root: 1,
            cursor,
            limit: 10,
        };
        let build = || Ok::<_, ()>(CachedPage::new(&page(2)).unwrap());
        cache.get_or_build(&key(5, 0), build).unwrap();
        cache.get_or_build(&key(5, 0), build).unwrap();
        assert_eq!(cache.built(), 1);
        assert!(cache.get_or_build(&key(5, 1), || Err(())).is_err());
        cache.get_or_build(&key(5, 1), build).unwrap();
        assert_eq!(cache.built(), 2);
        for c in 2..6 {
            cache.get_or_build(&key(5, c), build).unwrap();
        }
        assert!(cache.entries.lock().unwrap().0.len() <= 3);
        cache.get_or_build(&key(6, 0), build).unwrap();
        let map = &cache.entries.lock().unwrap().0;
        assert!(map.keys().all(|k| k.seq == 6), "{:?}", map.keys());
    }
}
