//! The built index as bytes, so the cache can keep it and a start-up or a `bianzhi
//! search` reads it instead of building it again (issue 19, item 4). Little-endian,
//! arrays length-prefixed and copied whole; the texts entries share (unit paths,
//! details) written once. The first bytes name the format: a reader of another
//! version answers `None` and the caller builds the index anew.

use super::*;

/// Magic and format version; bump the last byte when the layout or any rule that
/// builds the arrays changes.
const MAGIC: &[u8; 8] = b"bzidx\0\0\x02";

/// The first bytes of every index of this format (a kept one can be checked without
/// reading it).
pub const INDEX_MAGIC: &[u8; 8] = MAGIC;

/// Where the bytes go: counted, gathered in memory, or written on (into the cache's
/// blob, a chunk at a time) without ever being held whole.
trait Sink {
    fn put(&mut self, b: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// Counts the bytes (the blob's size, before it is written).
struct Count(usize);

impl Sink for Count {
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
}

/// Writes on to `W`, keeping the first error (later bytes are dropped).
struct WriteOn<W> {
    w: W,
    err: Option<std::io::Error>,
}

impl<W: std::io::Write> Sink for WriteOn<W> {
    fn put(&mut self, b: &[u8]) {
        if self.err.is_none()
            && let Err(e) = self.w.write_all(b)
        {
            self.err = Some(e);
        }
    }
}

struct Out<'a, S>(&'a mut S);

impl<S: Sink> Out<'_, S> {
    fn raw(&mut self, b: &[u8]) {
        self.0.put(b);
    }
    fn u8(&mut self, v: u8) {
        self.0.put(&[v]);
    }
    fn u32(&mut self, v: u32) {
        self.0.put(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.put(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.put(b);
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u32(v.len() as u32);
        // In runs, not a call a number.
        let mut buf = [0u8; 4096];
        for chunk in v.chunks(buf.len() / 4) {
            for (x, c) in chunk.iter().zip(buf.chunks_exact_mut(4)) {
                c.copy_from_slice(&x.to_le_bytes());
            }
            self.0.put(&buf[..chunk.len() * 4]);
        }
    }
}

struct In<'a> {
    b: &'a [u8],
}

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn string(&mut self) -> Option<String> {
        Some(std::str::from_utf8(self.bytes()?).ok()?.to_string())
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.u32()? as usize;
        let raw = self.take(n.checked_mul(4)?)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

/// Distinct texts, each written once and named by its number.
#[derive(Default)]
struct Texts<'a> {
    ids: HashMap<&'a str, u32>,
    list: Vec<&'a str>,
}

impl<'a> Texts<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        let next = self.list.len() as u32;
        *self.ids.entry(s).or_insert_with(|| {
            self.list.push(s);
            next
        })
    }
}

/// Writes the bytes `encode` makes to `w` as they are made.
fn write_with<W: std::io::Write>(
    w: W,
    encode: impl FnOnce(&mut WriteOn<W>),
) -> std::io::Result<()> {
    let mut s = WriteOn { w, err: None };
    encode(&mut s);
    match s.err {
        Some(e) => Err(e),
        None => {
            let mut w = s.w;
            w.flush()
        }
    }
}

/// One entry's bytes; `unit` and `detail` name its texts.
fn encode_entry<S: Sink>(o: &mut Out<'_, S>, e: &Entry, unit: u32, detail: u32) {
    o.u8(match e.kind {
        EntryKind::Person => 0,
        EntryKind::Org => 1,
    });
    o.i64(e.id);
    o.bytes(e.name.as_bytes());
    o.u32(unit);
    o.u32(detail);
    o.u32(e.aliases.len() as u32);
    for a in &e.aliases {
        o.bytes(a.as_bytes());
    }
    match e.parent {
        Some(p) => {
            o.u8(1);
            o.i64(p);
        }
        None => o.u8(0),
    }
}

/// The entries' part of an index's bytes, made as the entries are pushed (an
/// [`IndexBuilder::for_keeping`]): their texts numbered in the order
/// [`SearchIndex::to_bytes`] numbers them, each entry's bytes appended. A city's
/// 190,000 entries are some 9 MB so, where as [`Entry`] values they were 33 MB.
#[derive(Default)]
pub(super) struct EntryBytes {
    ids: HashMap<Arc<str>, u32>,
    list: Vec<Arc<str>>,
    bytes: Vec<u8>,
    count: u32,
}

impl EntryBytes {
    fn text(&mut self, t: &Arc<str>) -> u32 {
        let next = self.list.len() as u32;
        *self.ids.entry(t.clone()).or_insert_with(|| {
            self.list.push(t.clone());
            next
        })
    }

    pub(super) fn reserve(&mut self, bytes: usize) {
        self.bytes.reserve(bytes);
    }

    pub(super) fn push(&mut self, e: &Entry) {
        let unit = self.text(&e.unit);
        let detail = self.text(&e.detail);
        encode_entry(&mut Out(&mut self.bytes), e, unit, detail);
        self.count += 1;
    }
}

/// A lookup index as the bytes the cache keeps, made without holding its entries
/// ([`IndexBuilder::for_keeping`]): the same bytes as [`SearchIndex::to_bytes`] of
/// the index built from the same entries.
pub struct IndexBytes {
    /// The flat arrays (no entries).
    pub(super) arrays: SearchIndex,
    pub(super) entries: EntryBytes,
}

impl IndexBytes {
    /// The number of bytes [`IndexBytes::write_to`] writes.
    pub fn encoded_len(&self) -> usize {
        let mut c = Count(0);
        self.encode(&mut c);
        c.0
    }

    /// Writes the bytes to `w` as they are made.
    pub fn write_to(&self, w: impl std::io::Write) -> std::io::Result<()> {
        write_with(w, |s| self.encode(s))
    }

    /// The bytes, gathered (for tests).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }

    fn encode<S: Sink>(&self, sink: &mut S) {
        let mut o = Out(sink);
        o.raw(MAGIC);
        o.u32(self.entries.list.len() as u32);
        for t in &self.entries.list {
            o.bytes(t.as_bytes());
        }
        o.u32(self.entries.count);
        o.raw(&self.entries.bytes);
        self.arrays.encode_arrays(&mut o);
    }
}

impl SearchIndex {
    /// The index as bytes (see the module's comment); [`SearchIndex::from_bytes`]
    /// reads them back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }

    /// The length of [`SearchIndex::to_bytes`], without making them.
    pub fn encoded_len(&self) -> usize {
        let mut c = Count(0);
        self.encode(&mut c);
        c.0
    }

    /// Writes [`SearchIndex::to_bytes`]'s bytes to `w` as they are made (the whole
    /// never held: the cache's blob is written so, a buffer at a time).
    pub fn write_to(&self, w: impl std::io::Write) -> std::io::Result<()> {
        write_with(w, |s| self.encode(s))
    }

    fn encode<S: Sink>(&self, sink: &mut S) {
        let mut texts = Texts::default();
        let refs: Vec<(u32, u32)> = self
            .entries
            .iter()
            .map(|e| (texts.id(&e.unit), texts.id(&e.detail)))
            .collect();
        let mut o = Out(sink);
        o.raw(MAGIC);
        o.u32(texts.list.len() as u32);
        for t in &texts.list {
            o.bytes(t.as_bytes());
        }
        o.u32(self.entries.len() as u32);
        for (e, (unit, detail)) in self.entries.iter().zip(refs) {
            encode_entry(&mut o, e, unit, detail);
        }
        self.encode_arrays(&mut o);
    }

    /// The flat arrays' part of the bytes, after the entries.
    fn encode_arrays<S: Sink>(&self, o: &mut Out<'_, S>) {
        o.bytes(&self.blob);
        o.u32s(&self.blob_off);
        o.bytes(&self.ublob);
        o.u32s(&self.ublob_off);
        o.u32s(&self.mask);
        o.u32s(&self.umask);
        o.u32(self.shape.len() as u32);
        for s in &self.shape {
            for v in [
                s.init0, s.one0, s.inits, s.init0_u, s.one0_u, s.inits_u, s.prim,
            ] {
                o.u32(v);
            }
            o.u8(s.first_ne);
            o.u8(s.last_ne);
        }
        o.u32s(&self.head4);
        o.u32s(&self.head7);
        o.bytes(&self.prim);
        o.u32s(&self.prim_off);
        o.bytes(&self.names);
        o.u32s(&self.name_off);
        o.bytes(&self.nchars);
        o.u32(self.units.len() as u32);
        for u in &self.units {
            o.bytes(u.as_bytes());
        }
        o.u32s(&self.unit_of);
        o.u8(self.units_have_alnum.into());
        o.u32s(&self.slot_entry);
        o.u32(self.slot_alias.len() as u32);
        for a in self.slot_alias.chunks(4096) {
            o.raw(&a.iter().map(|&a| a as u8).collect::<Vec<_>>());
        }
        o.u32(self.common.len() as u32);
        for c in &self.common {
            o.raw(&c.to_le_bytes());
        }
    }

    /// Reads [`SearchIndex::to_bytes`]'s bytes; `None` for another format version or
    /// damaged bytes (the caller then builds the index).
    pub fn from_bytes(b: &[u8]) -> Option<SearchIndex> {
        let mut i = In { b };
        if i.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let nt = i.u32()? as usize;
        let mut texts = Vec::with_capacity(nt.min(b.len()));
        for _ in 0..nt {
            texts.push(Arc::<str>::from(std::str::from_utf8(i.bytes()?).ok()?));
        }
        let ne = i.u32()? as usize;
        let mut entries = Vec::with_capacity(ne.min(b.len()));
        let mut parent_of = HashMap::new();
        for _ in 0..ne {
            let kind = match i.u8()? {
                0 => EntryKind::Person,
                1 => EntryKind::Org,
                _ => return None,
            };
            let id = i.i64()?;
            let name = i.string()?;
            let unit = texts.get(i.u32()? as usize)?.clone();
            let detail = texts.get(i.u32()? as usize)?.clone();
            let na = i.u32()? as usize;
            let mut aliases = Vec::with_capacity(na.min(64));
            for _ in 0..na {
                aliases.push(i.string()?);
            }
            let parent = match i.u8()? {
                0 => None,
                _ => Some(i.i64()?),
            };
            if kind == EntryKind::Org {
                parent_of.insert(id, parent);
            }
            entries.push(Entry {
                kind,
                id,
                name,
                unit,
                detail,
                // The flat arrays hold every slot's keys; an entry's own copy is only
                // what the index is built from.
                keys: NameKeys::default(),
                aliases,
                parent,
            });
        }
        let blob = i.bytes()?.to_vec();
        let blob_off = i.u32s()?;
        let ublob = i.bytes()?.to_vec();
        let ublob_off = i.u32s()?;
        let mask = i.u32s()?;
        let umask = i.u32s()?;
        let ns = i.u32()? as usize;
        let mut shape = Vec::with_capacity(ns.min(b.len()));
        for _ in 0..ns {
            let mut v = [0u32; 7];
            for x in &mut v {
                *x = i.u32()?;
            }
            shape.push(Shape {
                init0: v[0],
                one0: v[1],
                inits: v[2],
                init0_u: v[3],
                one0_u: v[4],
                inits_u: v[5],
                prim: v[6],
                first_ne: i.u8()?,
                last_ne: i.u8()?,
            });
        }
        let head4 = i.u32s()?;
        let head7 = i.u32s()?;
        let prim = i.bytes()?.to_vec();
        let prim_off = i.u32s()?;
        let names = i.bytes()?.to_vec();
        let name_off = i.u32s()?;
        let nchars = i.bytes()?.to_vec();
        let nu = i.u32()? as usize;
        let mut units = Vec::with_capacity(nu.min(b.len()));
        for _ in 0..nu {
            units.push(i.string()?);
        }
        let unit_of = i.u32s()?;
        let units_have_alnum = i.u8()? != 0;
        let slot_entry = i.u32s()?;
        let slot_alias = i.bytes()?.iter().map(|&a| a != 0).collect::<Vec<_>>();
        let nc = i.u32()? as usize;
        let raw = i.take(nc.checked_mul(2)?)?;
        let common = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>();
        // Every per-slot array as long as the slots, every offset within its bytes and
        // every reference within its table: a damaged blob is refused, never a panic
        // in a later query.
        let slots = slot_entry.len();
        let offsets_ok = |off: &[u32], len: usize| {
            off.len() == slots + 1
                && off.first() == Some(&0)
                && off.windows(2).all(|w| w[0] <= w[1])
                && off.last().is_some_and(|&l| l as usize == len)
        };
        let ok = i.b.is_empty()
            && [
                mask.len(),
                umask.len(),
                shape.len(),
                head4.len(),
                head7.len(),
            ]
            .iter()
            .chain(&[nchars.len(), unit_of.len(), slot_alias.len(), common.len()])
            .all(|&n| n == slots)
            && offsets_ok(&blob_off, blob.len())
            && offsets_ok(&ublob_off, ublob.len())
            && offsets_ok(&prim_off, prim.len())
            && offsets_ok(&name_off, names.len())
            && name_off.windows(2).all(|w| w[0] < w[1])
            && unit_of.iter().all(|&u| (u as usize) < units.len())
            && slot_entry.iter().all(|&e| (e as usize) < entries.len());
        if !ok {
            return None;
        }
        Some(SearchIndex {
            entries,
            blob,
            blob_off,
            ublob,
            ublob_off,
            mask,
            umask,
            shape,
            head4,
            head7,
            prim,
            prim_off,
            names,
            name_off,
            nchars,
            units,
            unit_of,
            units_have_alnum,
            slot_entry,
            slot_alias,
            common,
            parent_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Entry> {
        vec![
            Entry::new(EntryKind::Org, 1, "示例市", "", "正处级"),
            Entry::new(EntryKind::Org, 2, "示例市财政局", "示例市", "正科级")
                .with_parent(1)
                .with_short_name("财政局"),
            Entry::new(
                EntryKind::Person,
                10,
                "张伟",
                "示例市 › 财政局",
                "科员 · 行政",
            )
            .with_parent(2),
            Entry::new(
                EntryKind::Person,
                11,
                "曾立",
                "示例市 › 财政局",
                "科员 · 行政",
            )
            .with_parent(2),
            Entry::new(EntryKind::Person, 12, "李乐", "示例市", "编外").with_parent(1),
        ]
    }

    #[test]
    fn an_index_read_back_answers_as_the_built_one() {
        let built = SearchIndex::build(sample());
        let bytes = built.to_bytes();
        let read = SearchIndex::from_bytes(&bytes).expect("reads back");
        assert_eq!(read.len(), built.len());
        for q in [
            "zw",
            "张",
            "cz",
            "财政",
            "li",
            "zengli",
            "财政局 张",
            "yue",
            "shili",
        ] {
            assert_eq!(search(&read, q, 20), search(&built, q, 20), "{q}");
        }
        assert_eq!(read.to_bytes(), bytes, "the same bytes again");
    }

    #[test]
    fn another_version_or_damaged_bytes_read_as_none() {
        let bytes = SearchIndex::build(sample()).to_bytes();
        let mut other = bytes.clone();
        other[7] ^= 0xff;
        assert!(SearchIndex::from_bytes(&other).is_none());
        for cut in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            assert!(SearchIndex::from_bytes(&bytes[..cut]).is_none(), "{cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SearchIndex::from_bytes(&longer).is_none());
    }
}
