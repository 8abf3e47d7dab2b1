//! The index: entries' names, readings and units laid out as flat arrays, built once.

use super::*;

/// The in-memory lookup index (immutable; share it with `Arc`).
pub struct SearchIndex {
    pub(super) entries: Vec<Entry>,
    /// Key blobs of all entries, concatenated; entry `i` is `blob[blob_off[i]..blob_off[i+1]]`.
    pub(super) blob: Vec<u8>,
    pub(super) blob_off: Vec<u32>,
    /// The same with usual readings only ([`NameKeys::usual`]); an entry whose
    /// usual blob is shorter has alternate readings.
    pub(super) ublob: Vec<u8>,
    pub(super) ublob_off: Vec<u32>,
    /// Letters (bits 0–25) and digits (bit 26) occurring in any reading.
    pub(super) mask: Vec<u32>,
    /// The same for usual readings.
    pub(super) umask: Vec<u32>,
    /// Initial letters per entry, for one-letter queries.
    pub(super) shape: Vec<Shape>,
    /// Letters of the first 4 and first 7 bytes of the usual full pinyin (typo filter).
    pub(super) head4: Vec<u32>,
    pub(super) head7: Vec<u32>,
    /// Usual full pinyin, concatenated.
    pub(super) prim: Vec<u8>,
    pub(super) prim_off: Vec<u32>,
    /// Names (ASCII lowercased), each followed by `\n`.
    pub(super) names: Vec<u8>,
    pub(super) name_off: Vec<u32>,
    /// Character count of each name (saturating).
    pub(super) nchars: Vec<u8>,
    /// Distinct unit texts (ASCII lowercased) and each entry's unit.
    pub(super) units: Vec<String>,
    pub(super) unit_of: Vec<u32>,
    pub(super) units_have_alnum: bool,
    /// Every array above is per *slot*: an entry's name, then each of its aliases.
    /// The entry of each slot, and whether the slot is an alias.
    pub(super) slot_entry: Vec<u32>,
    pub(super) slot_alias: Vec<bool>,
    /// Per slot: [`alias::common_name_bonus`] of a person's name, 0 otherwise.
    pub(super) common: Vec<u16>,
    /// Each institution's parent, by id (for scoped queries).
    pub(super) parent_of: HashMap<i64, Option<i64>>,
}

impl SearchIndex {
    /// Builds the index from entries whose keys are already computed. Cheap: no
    /// pinyin work, only copying into flat arrays.
    pub fn build(entries: Vec<Entry>) -> SearchIndex {
        let mut b = IndexBuilder::with_capacity(entries.len());
        // The entries handed over whole keep their readings (a caller may build
        // another index of them).
        b.keep_keys = true;
        for e in entries {
            b.push(e);
        }
        b.finish()
    }

    /// Appends one slot: `name` read by `keys`, found under `unit`, standing for
    /// entry `entry`.
    fn push_slot(
        &mut self,
        unit_ids: &mut HashMap<String, u32>,
        name: &str,
        keys: &NameKeys,
        unit: &str,
        entry: u32,
        alias: bool,
    ) {
        let idx = self;
        let kb = &keys.blob;
        idx.blob.extend_from_slice(kb);
        idx.blob_off.push(idx.blob.len() as u32);
        keys.usual_into(&mut idx.ublob);
        idx.ublob_off.push(idx.ublob.len() as u32);
        let mut m = 0u32;
        let mut um = 0u32;
        let mut sh = Shape::default();
        let mut seen_ne = false;
        for (j, syl) in keys.syllables().enumerate() {
            let mut first: Option<&[u8]> = None;
            let mut ne = false;
            for r in syl {
                ne = true;
                let usual = first.is_none_or(|f| keys::is_u_spelling(f, r));
                let rm = r.iter().fold(0, |m, &b| m | letter_bit(b));
                m |= rm;
                let ib = letter_bit(r[0]);
                sh.inits |= ib;
                if usual {
                    um |= rm;
                    sh.inits_u |= ib;
                }
                if !seen_ne {
                    sh.init0 |= ib;
                    if r.len() == 1 {
                        sh.one0 |= ib;
                    }
                    if usual {
                        sh.init0_u |= ib;
                        if r.len() == 1 {
                            sh.one0_u |= ib;
                        }
                    }
                }
                if first.is_none() {
                    idx.prim.extend_from_slice(r);
                    first = Some(r);
                }
            }
            if ne {
                if !seen_ne {
                    sh.first_ne = j.min(255) as u8;
                }
                seen_ne = true;
                sh.last_ne = j.min(255) as u8;
            }
        }
        idx.mask.push(m);
        idx.umask.push(um);
        let pm = idx.prim[*idx.prim_off.last().unwrap_or(&0) as usize..]
            .iter()
            .fold(0, |m, &b| m | letter_bit(b));
        sh.prim = pm;
        idx.shape.push(sh);
        let p = &idx.prim[*idx.prim_off.last().unwrap_or(&0) as usize..];
        let head = |k: usize| p.iter().take(k).fold(0, |m, &b| m | letter_bit(b));
        idx.head4.push(head(4));
        idx.head7.push(head(7));
        idx.prim_off.push(idx.prim.len() as u32);
        idx.names
            .extend(name.bytes().map(|b| b.to_ascii_lowercase()));
        // A separator, so a match never spans two names.
        idx.names.push(b'\n');
        idx.name_off.push(idx.names.len() as u32);
        idx.nchars.push(name.chars().count().min(255) as u8);
        let next = unit_ids.len() as u32;
        let u = match unit_ids.get(unit) {
            Some(&u) => u,
            None => {
                unit_ids.insert(unit.to_string(), next);
                idx.units_have_alnum |= unit.bytes().any(|b| b.is_ascii_alphanumeric());
                idx.units.push(unit.to_ascii_lowercase());
                next
            }
        };
        idx.unit_of.push(u);
        idx.slot_entry.push(entry);
        idx.slot_alias.push(alias);
    }

    /// Number of slots (names and aliases) the scan visits.
    pub(super) fn slots(&self) -> usize {
        self.slot_entry.len()
    }

    /// True if entry `e` lies within the subtree of one of `scope`'s units (a unit
    /// lies within its own subtree).
    pub(super) fn within(&self, e: &Entry, scope: &[i64]) -> bool {
        let mut at = match e.kind {
            EntryKind::Org => Some(e.id),
            EntryKind::Person => e.parent,
        };
        // Bounded: a damaged tree with a cycle must not hang the lookup.
        for _ in 0..64 {
            match at {
                Some(id) if scope.contains(&id) => return true,
                Some(id) => at = self.parent_of.get(&id).copied().flatten(),
                None => return false,
            }
        }
        false
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub(super) fn blob(&self, i: usize) -> &[u8] {
        &self.blob[self.blob_off[i] as usize..self.blob_off[i + 1] as usize]
    }

    pub(super) fn ublob(&self, i: usize) -> &[u8] {
        &self.ublob[self.ublob_off[i] as usize..self.ublob_off[i + 1] as usize]
    }

    pub(super) fn prim(&self, i: usize) -> &[u8] {
        &self.prim[self.prim_off[i] as usize..self.prim_off[i + 1] as usize]
    }

    pub(super) fn name(&self, i: usize) -> &[u8] {
        &self.names[self.name_off[i] as usize..self.name_off[i + 1] as usize - 1]
    }

    pub(super) fn name_str(&self, i: usize) -> &str {
        // Built from `String`s, cut at their boundaries; ASCII lowercasing keeps UTF-8.
        std::str::from_utf8(self.name(i)).unwrap_or("")
    }
}

/// Builds a [`SearchIndex`] from entries handed over one at a time (from a query's
/// rows), so the entries' readings are never all held at once: each entry's keys go
/// into the flat arrays and the entry keeps none (as one read back from the cache;
/// [`SearchIndex::build`] keeps them).
pub struct IndexBuilder {
    idx: SearchIndex,
    unit_ids: HashMap<String, u32>,
    keep_keys: bool,
    /// Entries pushed so far.
    count: u32,
    /// For [`IndexBuilder::for_keeping`]: the entries as bytes, not kept as values.
    bytes: Option<super::persist::EntryBytes>,
}

impl IndexBuilder {
    /// A builder expecting about `n` entries.
    pub fn with_capacity(n: usize) -> IndexBuilder {
        let mut idx = SearchIndex {
            blob: Vec::with_capacity(n * 20),
            blob_off: Vec::with_capacity(n + 1),
            ublob: Vec::with_capacity(n * 12),
            ublob_off: Vec::with_capacity(n + 1),
            mask: Vec::with_capacity(n),
            umask: Vec::with_capacity(n),
            prim: Vec::with_capacity(n * 10),
            prim_off: Vec::with_capacity(n + 1),
            names: Vec::with_capacity(n * 10),
            name_off: Vec::with_capacity(n + 1),
            nchars: Vec::with_capacity(n),
            shape: Vec::with_capacity(n),
            head4: Vec::with_capacity(n),
            head7: Vec::with_capacity(n),
            units: Vec::new(),
            unit_of: Vec::with_capacity(n),
            units_have_alnum: false,
            slot_entry: Vec::with_capacity(n),
            slot_alias: Vec::with_capacity(n),
            common: Vec::with_capacity(n),
            parent_of: HashMap::new(),
            entries: Vec::with_capacity(n),
        };
        idx.blob_off.push(0);
        idx.ublob_off.push(0);
        idx.prim_off.push(0);
        idx.name_off.push(0);
        IndexBuilder {
            idx,
            unit_ids: HashMap::new(),
            keep_keys: false,
            count: 0,
            bytes: None,
        }
    }

    /// A builder of the bytes the cache keeps ([`IndexBuilder::finish_bytes`]), for
    /// about `n` entries: each entry is written as bytes when pushed and never held as
    /// an [`Entry`], so keeping a city's index after a sync or an import costs the flat
    /// arrays and those bytes only (issue 19 item 3).
    pub fn for_keeping(n: usize) -> IndexBuilder {
        let mut b = IndexBuilder::with_capacity(n);
        b.idx.entries = Vec::new();
        b.bytes = Some(Default::default());
        b
    }

    /// Makes room for `n` more slots of one name each (the persons, once the units
    /// with their aliases are in), so the arrays are not doubled past the end: on a
    /// city a doubling of every per-slot array near the end cost more memory than
    /// the arrays themselves (issue 19 item 3).
    pub fn reserve_names(&mut self, n: usize) {
        let idx = &mut self.idx;
        idx.blob.reserve(n * 20);
        idx.blob_off.reserve_exact(n);
        idx.ublob.reserve(n * 12);
        idx.ublob_off.reserve_exact(n);
        idx.mask.reserve_exact(n);
        idx.umask.reserve_exact(n);
        idx.prim.reserve(n * 10);
        idx.prim_off.reserve_exact(n);
        idx.names.reserve(n * 10);
        idx.name_off.reserve_exact(n);
        idx.nchars.reserve_exact(n);
        idx.shape.reserve_exact(n);
        idx.head4.reserve_exact(n);
        idx.head7.reserve_exact(n);
        idx.unit_of.reserve_exact(n);
        idx.slot_entry.reserve_exact(n);
        idx.slot_alias.reserve_exact(n);
        idx.common.reserve_exact(n);
        match &mut self.bytes {
            // An entry of a person: kind, id, a name of three characters, its texts, no
            // alias, its unit.
            Some(b) => b.reserve(n * 44),
            None => idx.entries.reserve_exact(n),
        }
    }

    /// Adds the next entry (its slots: the name, then each alias).
    pub fn push(&mut self, mut e: Entry) {
        let idx = &mut self.idx;
        let ei = self.count;
        self.count += 1;
        idx.push_slot(&mut self.unit_ids, &e.name, &e.keys, &e.unit, ei, false);
        idx.common.push(match e.kind {
            EntryKind::Person => alias::common_name_bonus(&e.name),
            EntryKind::Org => 0,
        });
        for a in &e.aliases {
            let keys = unit_keys(a);
            idx.push_slot(&mut self.unit_ids, a, &keys, &e.unit, ei, true);
            idx.common.push(0);
        }
        if e.kind == EntryKind::Org {
            idx.parent_of.insert(e.id, e.parent);
        }
        if let Some(bytes) = &mut self.bytes {
            bytes.push(&e);
            return;
        }
        // The flat arrays now hold the readings.
        if !self.keep_keys {
            e.keys = NameKeys::default();
        }
        idx.entries.push(e);
    }

    /// The index of the entries pushed, in their order (for a builder made by
    /// [`IndexBuilder::for_keeping`], an index without entries: use
    /// [`IndexBuilder::finish_bytes`]).
    pub fn finish(self) -> SearchIndex {
        self.idx
    }

    /// The bytes of the index of the entries pushed (see [`IndexBytes`]).
    pub fn finish_bytes(self) -> IndexBytes {
        IndexBytes {
            arrays: self.idx,
            entries: self.bytes.unwrap_or_default(),
        }
    }
}

/// What a one-letter query needs to know about an entry.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Shape {
    /// Initial letters of the readings of the first character with readings.
    pub(super) init0: u32,
    /// Of those, one-letter readings.
    pub(super) one0: u32,
    /// Initial letters of all readings.
    pub(super) inits: u32,
    /// `init0`, `one0` and `inits` for usual readings only.
    pub(super) init0_u: u32,
    pub(super) one0_u: u32,
    pub(super) inits_u: u32,
    /// Letters of the usual full pinyin.
    pub(super) prim: u32,
    /// First and last character with readings.
    pub(super) first_ne: u8,
    pub(super) last_ne: u8,
}

pub(super) fn letter_bit(b: u8) -> u32 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << 26,
        _ => 0,
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({} entries)", self.len())
    }
}
