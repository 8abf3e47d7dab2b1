//! Staff and unit lookup: hanzi, pinyin, initials, fuzzy.
//!
//! Every entry (a person or an institution) carries [`NameKeys`] computed once at
//! sync time ([`name_keys`] / [`unit_keys`]) and stored encoded in the cache, so
//! building the index at start-up does no pinyin work. The index keeps its hot
//! data as flat arrays; a query is matched in one cheap pass (letter mask, then a
//! bit-parallel walk over the syllables), fuzzy scoring only runs when the better
//! tiers do not fill the page. A [`Searcher`] remembers the candidate set of each
//! query it answered, so a keystroke that extends the query narrows that set
//! instead of rescanning, and backspace returns to an earlier set.
//!
//! Ranking, best first (see [`tier`]):
//! 1. exact: the name itself, or a reading covering the whole name (`zhangwei`,
//!    `zw`, `zhangw` for 张伟); the literal name or full pinyin ranks above initials;
//! 2. name prefix (hanzi, pinyin, initials, or mixed like `张w`);
//! 3. inside the name (from a later character on);
//! 4. the entry's unit (persons) or parent path (institutions) contains the query;
//! 5. the usual full pinyin starts within one typo of the query (queries of five
//!    letters or more; two typos from nine letters), transpositions counting one;
//! 6. fuzzy: the query is a subsequence of the pinyin or of the name (SkimMatcherV2).
//!
//! In tiers 1–3 a match that needs an alternate reading of some character (any
//! but its first, usual reading: 立 as wei, 乐 as yue, 曾 as ceng) keeps its tier
//! but ranks below every match of that tier made with usual readings only, so
//! `zw` lists 张伟, 赵文, 周伟 … before 曾立 and 周立 (`zeng,ceng li,wei`).

mod keys;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use memchr::memmem;

pub use keys::{NameKeys, Readings, Syllables, name_keys, unit_keys};

/// Longest query considered, in characters; longer input is cut.
pub const MAX_QUERY_CHARS: usize = 63;

/// Score tiers; a hit's score is `tier * TIER + within-tier score`.
pub mod tier {
    /// The name itself or a reading of the whole name.
    pub const EXACT: i64 = 6;
    /// Start of the name.
    pub const PREFIX: i64 = 5;
    /// Inside the name.
    pub const INNER: i64 = 4;
    /// The entry's unit path.
    pub const UNIT: i64 = 3;
    /// Full pinyin with a typo.
    pub const TYPO: i64 = 2;
    /// Subsequence.
    pub const FUZZY: i64 = 1;
    /// Width of one tier in the score.
    pub const TIER: i64 = 1_000_000;
}

/// Fuzzy-tier candidates scored with SkimMatcherV2 at most (best cheap scores first).
const FUZZY_CAP: usize = 2000;
/// Scans over more entries than this are split over two threads.
const PARALLEL_MIN: usize = 24_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Person,
    Org,
}

/// One searchable entry.
/// Between the parts of an [`Entry`]'s detail.
pub const DETAIL_SEP: &str = " · ";

#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: i64,
    pub name: String,
    /// Unit path text for persons, parent path for institutions.
    pub unit: String,
    /// Post and staffing type for persons (joined by [`DETAIL_SEP`], the post left out
    /// when there is none), level for institutions.
    pub detail: String,
    pub keys: NameKeys,
}

impl Entry {
    /// Builds an entry, computing its keys ([`name_keys`] for persons,
    /// [`unit_keys`] for institutions). Prefer stored keys when the cache has them.
    pub fn new(
        kind: EntryKind,
        id: i64,
        name: impl Into<String>,
        unit: impl Into<String>,
        detail: impl Into<String>,
    ) -> Entry {
        let name = name.into();
        let keys = match kind {
            EntryKind::Person => name_keys(&name),
            EntryKind::Org => unit_keys(&name),
        };
        Entry {
            kind,
            id,
            name,
            unit: unit.into(),
            detail: detail.into(),
            keys,
        }
    }
}

/// One result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Position in the index ([`SearchIndex::entry`]).
    pub index: usize,
    /// Higher is better; `score / tier::TIER` is the tier.
    pub score: i64,
    /// Character positions in the entry's name that matched (for highlighting);
    /// empty when the match was on the unit.
    pub positions: Vec<usize>,
}

/// The in-memory lookup index (immutable; share it with `Arc`).
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Key blobs of all entries, concatenated; entry `i` is `blob[blob_off[i]..blob_off[i+1]]`.
    blob: Vec<u8>,
    blob_off: Vec<u32>,
    /// The same with usual readings only ([`NameKeys::usual`]); an entry whose
    /// usual blob is shorter has alternate readings.
    ublob: Vec<u8>,
    ublob_off: Vec<u32>,
    /// Letters (bits 0–25) and digits (bit 26) occurring in any reading.
    mask: Vec<u32>,
    /// The same for usual readings.
    umask: Vec<u32>,
    /// Initial letters per entry, for one-letter queries.
    shape: Vec<Shape>,
    /// Letters of the first 4 and first 7 bytes of the usual full pinyin (typo filter).
    head4: Vec<u32>,
    head7: Vec<u32>,
    /// Usual full pinyin, concatenated.
    prim: Vec<u8>,
    prim_off: Vec<u32>,
    /// Names (ASCII lowercased), each followed by `\n`.
    names: Vec<u8>,
    name_off: Vec<u32>,
    /// Character count of each name (saturating).
    nchars: Vec<u8>,
    /// Distinct unit texts (ASCII lowercased) and each entry's unit.
    units: Vec<String>,
    unit_of: Vec<u32>,
    units_have_alnum: bool,
}

impl SearchIndex {
    /// Builds the index from entries whose keys are already computed. Cheap: no
    /// pinyin work, only copying into flat arrays.
    pub fn build(entries: Vec<Entry>) -> SearchIndex {
        let n = entries.len();
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
            entries: Vec::new(),
        };
        let mut unit_ids: HashMap<&str, u32> = HashMap::new();
        idx.blob_off.push(0);
        idx.ublob_off.push(0);
        idx.prim_off.push(0);
        idx.name_off.push(0);
        for e in &entries {
            let kb = &e.keys.blob;
            idx.blob.extend_from_slice(kb);
            idx.blob_off.push(idx.blob.len() as u32);
            e.keys.usual_into(&mut idx.ublob);
            idx.ublob_off.push(idx.ublob.len() as u32);
            let mut m = 0u32;
            let mut um = 0u32;
            let mut sh = Shape::default();
            let mut seen_ne = false;
            for (j, syl) in e.keys.syllables().enumerate() {
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
                .extend(e.name.bytes().map(|b| b.to_ascii_lowercase()));
            // A separator, so a match never spans two names.
            idx.names.push(b'\n');
            idx.name_off.push(idx.names.len() as u32);
            idx.nchars.push(e.name.chars().count().min(255) as u8);
            let next = unit_ids.len() as u32;
            let u = *unit_ids.entry(e.unit.as_str()).or_insert(next);
            if u == next {
                idx.units_have_alnum |= e.unit.bytes().any(|b| b.is_ascii_alphanumeric());
                idx.units.push(e.unit.to_ascii_lowercase());
            }
            idx.unit_of.push(u);
        }
        drop(unit_ids);
        idx.entries = entries;
        idx
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

    fn blob(&self, i: usize) -> &[u8] {
        &self.blob[self.blob_off[i] as usize..self.blob_off[i + 1] as usize]
    }

    fn ublob(&self, i: usize) -> &[u8] {
        &self.ublob[self.ublob_off[i] as usize..self.ublob_off[i + 1] as usize]
    }

    fn prim(&self, i: usize) -> &[u8] {
        &self.prim[self.prim_off[i] as usize..self.prim_off[i + 1] as usize]
    }

    fn name(&self, i: usize) -> &[u8] {
        &self.names[self.name_off[i] as usize..self.name_off[i + 1] as usize - 1]
    }

    fn name_str(&self, i: usize) -> &str {
        // Built from `String`s, cut at their boundaries; ASCII lowercasing keeps UTF-8.
        std::str::from_utf8(self.name(i)).unwrap_or("")
    }
}

/// What a one-letter query needs to know about an entry.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// Initial letters of the readings of the first character with readings.
    init0: u32,
    /// Of those, one-letter readings.
    one0: u32,
    /// Initial letters of all readings.
    inits: u32,
    /// `init0`, `one0` and `inits` for usual readings only.
    init0_u: u32,
    one0_u: u32,
    inits_u: u32,
    /// Letters of the usual full pinyin.
    prim: u32,
    /// First and last character with readings.
    first_ne: u8,
    last_ne: u8,
}

fn letter_bit(b: u8) -> u32 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << 26,
        _ => 0,
    }
}

// ---------------------------------------------------------------------------
// Queries

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Only ASCII letters and digits: pinyin, initials.
    Ascii,
    /// No ASCII letters or digits: hanzi (or other) text.
    Text,
    /// Both, e.g. `张w`.
    Mixed,
}

struct Query {
    chars: Vec<char>,
    codes: Vec<u32>,
    text: String,
    class: Class,
    mask: u32,
    /// Edits tolerated by the typo tier.
    k: u8,
    /// Whether fuzzy (subsequence) hits are shown.
    fuzzy_on: bool,
    /// Pattern masks for the typo tier.
    pm: Box<[u64; 128]>,
    /// Letters among the first 2k+1 of the query.
    head_mask: u32,
    /// For a one-letter query (a–z): its bit.
    letter: Option<u32>,
}

fn normalize(raw: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in raw.chars() {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\'' | '\u{2019}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}'
            )
        {
            continue;
        }
        out.push(c.to_ascii_lowercase());
        if out.len() >= MAX_QUERY_CHARS {
            break;
        }
    }
    out
}

fn typo_budget(class: Class, len: usize) -> u8 {
    match (class, len) {
        (Class::Ascii, 9..) => 2,
        (Class::Ascii, 5..) => 1,
        _ => 0,
    }
}

impl Query {
    fn new(chars: Vec<char>) -> Query {
        let alnum = chars.iter().filter(|c| c.is_ascii_alphanumeric()).count();
        let class = if alnum == chars.len() {
            Class::Ascii
        } else if alnum == 0 {
            Class::Text
        } else {
            Class::Mixed
        };
        let mask = chars
            .iter()
            .filter(|c| c.is_ascii())
            .fold(0, |m, &c| m | letter_bit(c as u8));
        let k = typo_budget(class, chars.len());
        let fuzzy_on = match class {
            Class::Ascii => chars.len() >= 3,
            Class::Text => chars.len() >= 2,
            Class::Mixed => false,
        };
        let codes: Vec<u32> = chars.iter().map(|&c| c as u32).collect();
        let head_mask = chars.iter().take(2 * k as usize + 1).fold(0, |m, &c| {
            m | if c.is_ascii() { letter_bit(c as u8) } else { 0 }
        });
        let letter = match chars.as_slice() {
            [c @ 'a'..='z'] => Some(letter_bit(*c as u8)),
            _ => None,
        };
        Query {
            letter,
            head_mask,
            pm: pattern_masks(&codes),
            codes,
            text: chars.iter().collect(),
            chars,
            class,
            mask,
            k,
            fuzzy_on,
        }
    }
}

/// Per-query state shared by the scanning threads.
struct Ctx<'a> {
    idx: &'a SearchIndex,
    q: &'a Query,
    finder: memmem::Finder<'a>,
    /// Finder for the first character of the query.
    first: memmem::Finder<'a>,
    /// Within-tier score per distinct unit (0: no match).
    unit_score: Vec<u32>,
    /// For large text scans: entries whose name contains the query, and those
    /// whose name contains its first character (one pass over all names).
    name_hits: Option<Bits>,
    first_hits: Option<Bits>,
}

/// A fixed-size bit set over entries.
struct Bits(Vec<u64>);

impl Bits {
    /// Entries whose name contains a match of `f`, found in one pass over the
    /// concatenated names.
    fn of_names(idx: &SearchIndex, f: &memmem::Finder) -> Bits {
        let mut b = vec![0u64; idx.len().div_ceil(64)];
        let mut e = 0;
        for pos in f.find_iter(&idx.names) {
            let end = pos + f.needle().len();
            // Entries are in offset order; advance to the one holding `pos`.
            while e < idx.len() && idx.name_off[e + 1] as usize <= pos {
                e += 1;
            }
            if e < idx.len() && end <= idx.name_off[e + 1] as usize {
                b[e / 64] |= 1 << (e % 64);
            }
        }
        Bits(b)
    }

    #[inline]
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cand {
    tier: i64,
    sub: i64,
}

impl Ctx<'_> {
    /// Classifies entry `i`: its best tier, and whether it belongs to the
    /// candidate set (matches by name, unit or subsequence — conditions that
    /// every extension of the query implies). An entry matched only by the typo
    /// tier is not a member: typo hits are tracked apart (their budget grows with
    /// the query length).
    ///
    /// `floor`: the caller keeps only hits ordering above it (its page is full);
    /// a name match below it even before ranking down for alternate readings is
    /// returned without that ranking (it is not kept either way). [`NO_FLOOR`]
    /// when every score counts.
    fn eval(&self, i: usize, floor: Key) -> (Option<Cand>, bool) {
        match self.q.letter {
            Some(b) => self.eval_letter(i, b),
            None => self.eval_general(i, floor),
        }
    }

    /// [`Ctx::eval`] for a one-letter query (bit `b`), from precomputed bits.
    fn eval_letter(&self, i: usize, b: u32) -> (Option<Cand>, bool) {
        let idx = self.idx;
        let sh = idx.shape[i];
        let nchars = idx.nchars[i] as i64;
        // The name tiers by the initials of (all, usual) readings.
        let by = |init0: u32, one0: u32, inits: u32| {
            if init0 & b != 0 {
                Some(if sh.first_ne == sh.last_ne {
                    exact_cand(one0 & b != 0, nchars)
                } else {
                    prefix_cand((sh.last_ne - sh.first_ne) as usize, nchars)
                })
            } else if inits & b != 0 {
                Some(inner_cand(nchars))
            } else {
                None
            }
        };
        if let Some(c) = by(sh.init0, sh.one0, sh.inits) {
            let u = by(sh.init0_u, sh.one0_u, sh.inits_u);
            return (Some(with_usual(c, u)), true);
        }
        let us = self.unit_score[idx.unit_of[i] as usize];
        if us > 0 {
            return (
                Some(Cand {
                    tier: tier::UNIT,
                    sub: us as i64,
                }),
                true,
            );
        }
        if sh.prim & b != 0 {
            return (
                Some(Cand {
                    tier: tier::FUZZY,
                    sub: 0,
                }),
                true,
            );
        }
        (None, false)
    }

    fn eval_general(&self, i: usize, floor: Key) -> (Option<Cand>, bool) {
        let idx = self.idx;
        let q = self.q;
        let nchars = idx.nchars[i] as i64;
        match q.class {
            Class::Text => {
                let name = idx.name(i);
                let hit = match &self.name_hits {
                    Some(b) => b.get(i).then(|| self.finder.find(name)).flatten(),
                    None => self.finder.find(name),
                };
                if let Some(p) = hit {
                    let c = if name.len() == q.text.len() {
                        Cand {
                            tier: tier::EXACT,
                            sub: 900_000,
                        }
                    } else if p == 0 {
                        let rest = nchars - q.chars.len() as i64;
                        Cand {
                            tier: tier::PREFIX,
                            sub: 500_000 - rest * 1000,
                        }
                    } else {
                        Cand {
                            tier: tier::INNER,
                            sub: 500_000 - nchars,
                        }
                    };
                    return (Some(c), true);
                }
            }
            Class::Ascii | Class::Mixed => {
                if q.mask & !idx.mask[i] == 0 {
                    let name = (q.class == Class::Mixed).then(|| idx.name_str(i));
                    let blob = idx.blob(i);
                    if let Some(c) = name_cand(blob, &q.codes, name, nchars) {
                        let ublob = idx.ublob(i);
                        // No alternate readings (the match used usual ones), or
                        // too low to be kept: ranking it lower changes nothing.
                        if ublob.len() == blob.len()
                            || (c.tier * tier::TIER + c.sub, Reverse(i as u32)) < floor
                        {
                            return (Some(c), true);
                        }
                        let u = if q.mask & !idx.umask[i] == 0 {
                            name_cand(ublob, &q.codes, name, nchars)
                        } else {
                            None
                        };
                        return (Some(with_usual(c, u)), true);
                    }
                }
            }
        }
        let us = self.unit_score[idx.unit_of[i] as usize];
        if us > 0 {
            return (
                Some(Cand {
                    tier: tier::UNIT,
                    sub: us as i64,
                }),
                true,
            );
        }
        let fuzzy = match q.class {
            Class::Ascii => {
                if q.mask & !idx.mask[i] == 0 {
                    subsequence_span(&q.codes, idx.prim(i).iter().map(|&b| b as u32))
                } else {
                    None
                }
            }
            Class::Text => {
                // Cheap rejection before decoding: the first character must occur.
                let has_first = match &self.first_hits {
                    Some(b) => b.get(i),
                    None => self.first.find(idx.name(i)).is_some(),
                };
                if has_first {
                    subsequence_span(&q.codes, idx.name_str(i).chars().map(|c| c as u32))
                } else {
                    None
                }
            }
            Class::Mixed => None,
        };
        let member = fuzzy.is_some();
        if let Some(c) = self.eval_typo(i) {
            return (Some(c), member);
        }
        let c = fuzzy.map(|span| Cand {
            tier: tier::FUZZY,
            sub: -(span as i64),
        });
        (c, member)
    }

    /// The typo tier alone.
    #[inline]
    fn eval_typo(&self, i: usize) -> Option<Cand> {
        let idx = self.idx;
        let q = self.q;
        if q.k == 0 || (q.mask & !idx.mask[i]).count_ones() > q.k as u32 {
            return None;
        }
        // With k edits one of the first 2k+1 query letters is kept, at most k
        // places from where it stands: it occurs among the first 3k+1 letters.
        let head = if q.k == 1 { idx.head4[i] } else { idx.head7[i] };
        if q.k <= 2 && head & q.head_mask == 0 {
            return None;
        }
        let d = osa_prefix_bits(&q.pm, q.chars.len(), idx.prim(i), q.k as usize)?;
        let nchars = idx.nchars[i] as i64;
        Some(Cand {
            tier: tier::TYPO,
            sub: 500_000 - d as i64 * 100_000 - nchars,
        })
    }
}

/// Exact tier: `full` for the literal name or whole readings (`zhangwei`), else
/// a reading of every character (`zw`, `zhangw`).
fn exact_cand(full: bool, nchars: i64) -> Cand {
    Cand {
        tier: tier::EXACT,
        sub: if full { 900_000 } else { 800_000 - nchars },
    }
}

/// Prefix tier, `rest` characters after the matched ones.
fn prefix_cand(rest: usize, nchars: i64) -> Cand {
    Cand {
        tier: tier::PREFIX,
        sub: 500_000 - rest.min(250) as i64 * 1000 - nchars,
    }
}

fn inner_cand(nchars: i64) -> Cand {
    Cand {
        tier: tier::INNER,
        sub: 500_000 - nchars,
    }
}

/// Within-tier scores of name matches that need an alternate reading are divided
/// by this: below 200,000, so under every usual-reading match of the same tier
/// (those score 249,000 or more: see the functions above).
const ALT_DIV: i64 = 5;

/// The better of a name match by any reading (`any`) and one by usual readings
/// only (`usual`), where a match needing an alternate reading (立 as wei, 乐 as
/// yue) keeps its tier but ranks below the usual-reading matches of that tier.
fn with_usual(any: Cand, usual: Option<Cand>) -> Cand {
    match usual {
        Some(u) if u.tier >= any.tier => u,
        _ => Cand {
            tier: any.tier,
            sub: any.sub / ALT_DIV,
        },
    }
}

/// The name tier of `q` against the syllables in `blob` (see [`dp_match`]).
fn name_cand(blob: &[u8], q: &[u32], name: Option<&str>, nchars: i64) -> Option<Cand> {
    let m = dp_match(blob, q, name);
    if let Some((end, last)) = m.anchored {
        return Some(if end >= last {
            exact_cand(full_exact(blob, q), nchars)
        } else {
            prefix_cand(last - end, nchars)
        });
    }
    m.inner.then(|| inner_cand(nchars))
}

/// Greedy subsequence match of `q` in `t`; the span (end - start) when found.
fn subsequence_span(q: &[u32], t: impl Iterator<Item = u32>) -> Option<usize> {
    let mut k = 0;
    let mut start = 0;
    for (pos, c) in t.enumerate() {
        if c == q[k] {
            if k == 0 {
                start = pos;
            }
            k += 1;
            if k == q.len() {
                return Some(pos - start);
            }
        }
    }
    None
}

/// Reference implementation of [`osa_prefix_bits`] (plain dynamic programming).
#[cfg(test)]
fn osa_prefix(q: &[u32], t: &[u8], k: usize) -> Option<usize> {
    let m = q.len();
    let t = &t[..t.len().min(m + k)];
    let n = t.len();
    if n + k < m {
        return None;
    }
    const W: usize = MAX_QUERY_CHARS + 3;
    let big = 1000usize;
    // rows over t (j), columns over q (i): d[j][i]
    let mut pp = [big; W + 1];
    let mut p = [0usize; W + 1];
    let mut c = [big; W + 1];
    for (i, v) in p.iter_mut().enumerate().take(m + 1) {
        *v = i;
    }
    let mut best = p[m];
    for j in 1..=n {
        c[0] = j;
        let mut row_min = c[0];
        for i in 1..=m {
            let cost = usize::from(q[i - 1] != t[j - 1] as u32);
            let mut v = (p[i] + 1).min(c[i - 1] + 1).min(p[i - 1] + cost);
            if i > 1 && j > 1 && q[i - 1] == t[j - 2] as u32 && q[i - 2] == t[j - 1] as u32 {
                v = v.min(pp[i - 2] + 1);
            }
            c[i] = v;
            row_min = row_min.min(v);
        }
        best = best.min(c[m]);
        if row_min > k {
            break;
        }
        std::mem::swap(&mut pp, &mut p);
        std::mem::swap(&mut p, &mut c);
    }
    (best <= k).then_some(best)
}

/// Pattern masks of an ASCII query for [`osa_prefix_bits`]: bit `i` of
/// `pm[c]` is set when `q[i] == c`.
fn pattern_masks(q: &[u32]) -> Box<[u64; 128]> {
    let mut pm = Box::new([0u64; 128]);
    for (i, &c) in q.iter().enumerate().take(64) {
        if c < 128 {
            pm[c as usize] |= 1 << i;
        }
    }
    pm
}

/// Smallest optimal-string-alignment distance (a transposition counts one edit)
/// between the query (`m` characters, masks `pm`) and a prefix of `t`, if at most
/// `k`. Bit-parallel (Hyyrö 2003), one step per character of `t`.
fn osa_prefix_bits(pm: &[u64; 128], m: usize, t: &[u8], k: usize) -> Option<usize> {
    if m == 0 || m > 64 {
        return None;
    }
    let top = 1u64 << (m - 1);
    let mut vp: u64 = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
    let mut vn: u64 = 0;
    let mut d0: u64 = 0;
    let mut pm_old: u64 = 0;
    let mut dist = m;
    let mut best = m;
    for &b in t.iter().take(m + k) {
        let x = if b < 128 { pm[b as usize] } else { 0 };
        let tr = (((!d0) & x) << 1) & pm_old;
        d0 = (((x & vp).wrapping_add(vp)) ^ vp) | x | vn | tr;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & top != 0 {
            dist += 1;
        } else if hn & top != 0 {
            dist -= 1;
        }
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_old = x;
        best = best.min(dist);
    }
    (best <= k).then_some(best)
}

struct DpOut {
    /// (syllable where an anchored match ended, last syllable with a reading).
    anchored: Option<(usize, usize)>,
    inner: bool,
}

/// Positions `a..=b` as a bit set (`b` ≤ 63).
fn bit_range(a: usize, b: usize) -> u64 {
    if a > b {
        return 0;
    }
    (u64::MAX >> (63 - b)) & (u64::MAX << a)
}

/// One syllable step: from query positions `set`, consume a non-empty prefix of
/// reading `rd`. Returns the new positions and whether the query ended inside.
#[inline]
fn step(set: u64, rd: &[u8], q: &[u32]) -> (u64, bool) {
    let qlen = q.len();
    let mut bits = set;
    let mut next = 0;
    let mut matched = false;
    while bits != 0 {
        let p = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let max = rd.len().min(qlen - p);
        let mut l = 0;
        while l < max && rd[l] as u32 == q[p + l] {
            l += 1;
        }
        if l == 0 {
            continue;
        }
        if p + l == qlen {
            matched = true;
        }
        next |= bit_range(p + 1, (p + l).min(qlen - 1));
    }
    (next, matched)
}

/// Step for characters matched literally (hanzi in a mixed query).
#[inline]
fn step_char(set: u64, c: u32, q: &[u32]) -> (u64, bool) {
    let qlen = q.len();
    let mut bits = set;
    let mut next = 0;
    let mut matched = false;
    while bits != 0 {
        let p = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if q[p] == c {
            if p + 1 == qlen {
                matched = true;
            } else {
                next |= 1 << (p + 1);
            }
        }
    }
    (next, matched)
}

/// Matches `q` against the syllables: each syllable consumes a non-empty prefix
/// of one of its readings (or, with `name`, the character itself), the last
/// one possibly partly. Anchored = starting at the first syllable.
fn dp_match(blob: &[u8], q: &[u32], name: Option<&str>) -> DpOut {
    let mut out = DpOut {
        anchored: None,
        inner: false,
    };
    if q.is_empty() || q.len() > 64 {
        return out;
    }
    let mut r: u64 = 1;
    let mut s: u64 = 0;
    let mut anch_end: Option<usize> = None;
    let mut last = 0;
    let mut chars = name.map(|n| n.chars());
    let mut pos = 0;
    let mut j = 0;
    while pos < blob.len() {
        let n = blob[pos];
        pos += 1;
        let c = chars.as_mut().and_then(|it| it.next()).map(|c| c as u32);
        if n > 0 {
            last = j;
            if j > 0 && !out.inner {
                s |= 1;
            }
        }
        let (mut nr, mut ns) = if n == 0 { (r, s) } else { (0, 0) };
        for _ in 0..n {
            let l = blob[pos] as usize;
            let rd = &blob[pos + 1..pos + 1 + l];
            pos += 1 + l;
            if r != 0 {
                let (x, m) = step(r, rd, q);
                nr |= x;
                if m {
                    anch_end = Some(j);
                }
            }
            if s != 0 {
                let (x, m) = step(s, rd, q);
                ns |= x;
                out.inner |= m;
            }
        }
        if let Some(c) = c
            && !(c < 128 && (c as u8).is_ascii_alphanumeric())
        {
            if n == 0 && j > 0 && !out.inner {
                s |= 1;
            }
            let (x, m) = step_char(r, c, q);
            nr |= x;
            if m {
                anch_end = Some(j);
                last = last.max(j);
            }
            let (x, m) = step_char(s, c, q);
            ns |= x;
            if m {
                out.inner = true;
                last = last.max(j);
            }
        }
        r = nr;
        s = if out.inner { 0 } else { ns };
        j += 1;
        if r == 0 && s == 0 && anch_end.is_none() && out.inner {
            break;
        }
    }
    if let Some(e) = anch_end {
        out.anchored = Some((e, last));
    }
    out
}

/// True if `q` is a concatenation of whole readings of all syllables.
fn full_exact(blob: &[u8], q: &[u32]) -> bool {
    let qlen = q.len();
    if qlen == 0 || qlen > 64 {
        return false;
    }
    let mut r: u64 = 1;
    let mut done_at: Option<usize> = None;
    let mut last = 0;
    let mut pos = 0;
    let mut j = 0;
    while pos < blob.len() {
        let n = blob[pos];
        pos += 1;
        if n == 0 {
            j += 1;
            continue;
        }
        last = j;
        let mut nr = 0;
        for _ in 0..n {
            let l = blob[pos] as usize;
            let rd = &blob[pos + 1..pos + 1 + l];
            pos += 1 + l;
            let mut bits = r;
            while bits != 0 {
                let p = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if p + l <= qlen && rd.iter().zip(&q[p..p + l]).all(|(&a, &b)| a as u32 == b) {
                    if p + l == qlen {
                        done_at = Some(j);
                    } else {
                        nr |= 1 << (p + l);
                    }
                }
            }
        }
        r = nr;
        j += 1;
    }
    done_at == Some(last)
}

// ---------------------------------------------------------------------------
// Scanning

/// Orders hits: higher score first, then lower index.
type Key = (i64, Reverse<u32>);

/// Below every key.
const NO_FLOOR: Key = (i64::MIN, Reverse(u32::MAX));

#[derive(Default)]
struct ChunkOut {
    /// Entries of the candidate set, in index order.
    cands: Vec<u32>,
    /// Entries matched by the typo tier only.
    typos: Vec<u32>,
    top: BinaryHeap<Reverse<Key>>,
    fuzzy: Vec<(i64, u32)>,
    n_main: usize,
}

/// What to evaluate.
#[derive(Clone)]
enum Work<'a> {
    /// Every entry of the range.
    All(std::ops::Range<u32>),
    /// The remembered candidates in full, the remembered typo hits for typos only.
    Narrow { full: &'a [u32], typos: &'a [u32] },
    /// The remembered candidates in full, every other entry of the range for
    /// typos only (the typo budget grew).
    Widen {
        range: std::ops::Range<u32>,
        full: &'a [u32],
    },
}

impl Work<'_> {
    fn size(&self) -> usize {
        match self {
            Work::All(r) | Work::Widen { range: r, .. } => r.len(),
            Work::Narrow { full, typos } => full.len() + typos.len(),
        }
    }

    fn split(&self) -> (Self, Self) {
        match self {
            Work::All(r) => {
                let mid = r.start + (r.end - r.start) / 2;
                (Work::All(r.start..mid), Work::All(mid..r.end))
            }
            Work::Narrow { full, typos } => {
                let (f1, f2) = full.split_at(full.len() / 2);
                let (t1, t2) = typos.split_at(typos.len() / 2);
                (
                    Work::Narrow {
                        full: f1,
                        typos: t1,
                    },
                    Work::Narrow {
                        full: f2,
                        typos: t2,
                    },
                )
            }
            Work::Widen { range, full } => {
                let mid = range.start + (range.end - range.start) / 2;
                let p = full.partition_point(|&i| i < mid);
                (
                    Work::Widen {
                        range: range.start..mid,
                        full: &full[..p],
                    },
                    Work::Widen {
                        range: mid..range.end,
                        full: &full[p..],
                    },
                )
            }
        }
    }
}

impl ChunkOut {
    fn add_full(&mut self, ctx: &Ctx, i: u32, limit: usize) {
        let floor = match self.top.peek() {
            Some(Reverse(worst)) if self.top.len() >= limit => *worst,
            _ => NO_FLOOR,
        };
        let (c, member) = ctx.eval(i as usize, floor);
        let Some(c) = c else { return };
        if member {
            self.cands.push(i);
        } else {
            self.typos.push(i);
        }
        self.add(ctx, c, i, limit);
    }

    fn add_typo(&mut self, ctx: &Ctx, i: u32, limit: usize) {
        if let Some(c) = ctx.eval_typo(i as usize) {
            self.typos.push(i);
            self.add(ctx, c, i, limit);
        }
    }

    #[inline]
    fn add(&mut self, ctx: &Ctx, c: Cand, i: u32, limit: usize) {
        if c.tier == tier::FUZZY {
            if ctx.q.fuzzy_on {
                self.fuzzy.push((c.sub, i));
            }
            return;
        }
        self.n_main += 1;
        push_top(
            &mut self.top,
            (c.tier * tier::TIER + c.sub, Reverse(i)),
            limit,
        );
    }
}

fn scan_chunk(ctx: &Ctx, work: Work, limit: usize) -> ChunkOut {
    let mut out = ChunkOut::default();
    match work {
        Work::All(r) => {
            out.cands.reserve(r.len() / 4);
            for i in r {
                out.add_full(ctx, i, limit);
            }
        }
        Work::Narrow { full, typos } => {
            out.cands.reserve(full.len());
            for &i in full {
                out.add_full(ctx, i, limit);
            }
            for &i in typos {
                out.add_typo(ctx, i, limit);
            }
        }
        Work::Widen { range, full } => {
            out.cands.reserve(full.len());
            let mut next = full.iter().copied().peekable();
            for i in range {
                if next.peek() == Some(&i) {
                    next.next();
                    out.add_full(ctx, i, limit);
                } else {
                    out.add_typo(ctx, i, limit);
                }
            }
        }
    }
    out
}

fn push_top(top: &mut BinaryHeap<Reverse<Key>>, k: Key, limit: usize) {
    if limit == 0 {
        return;
    }
    if top.len() < limit {
        top.push(Reverse(k));
    } else if let Some(Reverse(worst)) = top.peek()
        && k > *worst
    {
        top.pop();
        top.push(Reverse(k));
    }
}

/// Runs `work`, on two threads when large.
fn scan(ctx: &Ctx, work: Work, limit: usize) -> ChunkOut {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2);
    if work.size() < PARALLEL_MIN || threads < 2 {
        return scan_chunk(ctx, work, limit);
    }
    let (w1, w2) = work.split();
    let (a, b) = std::thread::scope(|sc| {
        let h = sc.spawn(|| scan_chunk(ctx, w2, limit));
        let a = scan_chunk(ctx, w1, limit);
        (a, h.join().expect("search thread panicked"))
    });
    let mut out = a;
    out.cands.extend_from_slice(&b.cands);
    out.typos.extend_from_slice(&b.typos);
    out.fuzzy.extend_from_slice(&b.fuzzy);
    out.n_main += b.n_main;
    for Reverse(k) in b.top {
        push_top(&mut out.top, k, limit);
    }
    out
}

// ---------------------------------------------------------------------------
// Searcher

struct Level {
    q: Vec<char>,
    k: u8,
    cands: Vec<u32>,
    typos: Vec<u32>,
}

/// Incremental searcher: one per search box.
pub struct Searcher {
    index: Arc<SearchIndex>,
    /// Remembered queries, each a prefix of the next.
    levels: Vec<Level>,
    matcher: SkimMatcherV2,
}

impl Searcher {
    pub fn new(index: Arc<SearchIndex>) -> Self {
        Searcher {
            index,
            levels: Vec::new(),
            matcher: SkimMatcherV2::default(),
        }
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Forgets remembered candidate sets (they are also dropped automatically).
    pub fn reset(&mut self) {
        self.levels.clear();
    }

    /// Best `limit` hits for `q`, best first. Empty query: no hits.
    pub fn query(&mut self, q: &str, limit: usize) -> Vec<Hit> {
        let chars = normalize(q);
        if chars.is_empty() {
            return Vec::new();
        }
        let query = Query::new(chars);
        // Deepest remembered query that this one extends (or repeats).
        let base = self
            .levels
            .iter()
            .rposition(|l| query.chars.starts_with(&l.q));
        match base {
            Some(b) => self.levels.truncate(b + 1),
            None => self.levels.clear(),
        }
        let index = Arc::clone(&self.index);
        let idx: &SearchIndex = &index;
        let n = idx.len() as u32;
        let work = match self.levels.last() {
            None => Work::All(0..n),
            Some(l) if query.k == 0 => Work::Narrow {
                full: &l.cands,
                typos: &[],
            },
            Some(l) if query.k <= l.k => Work::Narrow {
                full: &l.cands,
                typos: &l.typos,
            },
            Some(l) => Work::Widen {
                range: 0..n,
                full: &l.cands,
            },
        };
        let ctx = make_ctx(idx, &query, work.size());
        let out = scan(&ctx, work, limit);
        let hits = finish(&ctx, &self.matcher, out.top, out.fuzzy, out.n_main, limit);
        if self.levels.last().is_some_and(|l| l.q == query.chars) {
            self.levels.pop();
        }
        if self.levels.len() >= MAX_QUERY_CHARS {
            self.levels.remove(0);
        }
        self.levels.push(Level {
            q: query.chars,
            k: query.k,
            cands: out.cands,
            typos: out.typos,
        });
        hits
    }
}

/// One-off query without remembering anything.
pub fn search(index: &SearchIndex, q: &str, limit: usize) -> Vec<Hit> {
    let chars = normalize(q);
    if chars.is_empty() {
        return Vec::new();
    }
    let query = Query::new(chars);
    let ctx = make_ctx(index, &query, index.len());
    let out = scan(&ctx, Work::All(0..index.len() as u32), limit);
    finish(
        &ctx,
        &SkimMatcherV2::default(),
        out.top,
        out.fuzzy,
        out.n_main,
        limit,
    )
}

fn make_ctx<'a>(idx: &'a SearchIndex, q: &'a Query, work_size: usize) -> Ctx<'a> {
    let finder = memmem::Finder::new(q.text.as_bytes());
    let mut unit_score = vec![0u32; idx.units.len()];
    if q.class != Class::Ascii || idx.units_have_alnum {
        for (u, text) in idx.units.iter().enumerate() {
            if let Some(p) = finder.find(text.as_bytes()) {
                let len = text.chars().count().min(999) as u32;
                let at_end = p + q.text.len() == text.len();
                unit_score[u] = if at_end { 500_000 } else { 300_000 } - len;
            }
        }
    }
    let first_len = q.chars.first().map_or(0, |c| c.len_utf8());
    let first = memmem::Finder::new(&q.text.as_bytes()[..first_len]);
    let (name_hits, first_hits) = if q.class == Class::Text && work_size >= PARALLEL_MIN {
        let n = Bits::of_names(idx, &finder);
        let f = if first_len == q.text.len() {
            Bits(n.0.clone())
        } else {
            Bits::of_names(idx, &first)
        };
        (Some(n), Some(f))
    } else {
        (None, None)
    };
    Ctx {
        idx,
        q,
        finder,
        first,
        unit_score,
        name_hits,
        first_hits,
    }
}

fn finish(
    ctx: &Ctx,
    matcher: &SkimMatcherV2,
    top: BinaryHeap<Reverse<Key>>,
    mut fuzzy: Vec<(i64, u32)>,
    n_main: usize,
    limit: usize,
) -> Vec<Hit> {
    let mut top = top;
    if n_main < limit && !fuzzy.is_empty() {
        let by = |a: &(i64, u32), b: &(i64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if fuzzy.len() > FUZZY_CAP {
            fuzzy.select_nth_unstable_by(FUZZY_CAP, by);
            fuzzy.truncate(FUZZY_CAP);
        }
        for &(_, i) in &fuzzy {
            let s = match ctx.q.class {
                Class::Text => matcher.fuzzy_match(ctx.idx.name_str(i as usize), &ctx.q.text),
                _ => matcher.fuzzy_match(
                    std::str::from_utf8(ctx.idx.prim(i as usize)).unwrap_or(""),
                    &ctx.q.text,
                ),
            };
            if let Some(s) = s {
                let sub = s.clamp(0, tier::TIER - 1);
                push_top(
                    &mut top,
                    (tier::FUZZY * tier::TIER + sub, Reverse(i)),
                    limit,
                );
            }
        }
    }
    let mut v: Vec<Key> = top.into_iter().map(|Reverse(k)| k).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.into_iter()
        .map(|(score, Reverse(i))| Hit {
            index: i as usize,
            score,
            positions: {
                // Stale stored keys may cover more characters than the name has.
                let n = ctx.idx.nchars[i as usize] as usize;
                let mut p = positions(ctx, matcher, i as usize, score / tier::TIER);
                p.retain(|&x| x < n);
                p
            },
        })
        .collect()
}

/// Matched character positions in the name of entry `i`, for display.
fn positions(ctx: &Ctx, matcher: &SkimMatcherV2, i: usize, t: i64) -> Vec<usize> {
    let idx = ctx.idx;
    let q = ctx.q;
    let name = idx.name_str(i);
    match t {
        tier::EXACT | tier::PREFIX | tier::INNER => match q.class {
            Class::Text => match name.find(&q.text) {
                Some(p) => {
                    let start = name[..p].chars().count();
                    (start..start + q.chars.len()).collect()
                }
                None => Vec::new(),
            },
            _ => dp_path(idx.blob(i), name, &q.codes),
        },
        tier::TYPO => {
            // Syllables whose usual reading starts within the typed length.
            let mut v = Vec::new();
            let mut off = 0;
            for (j, mut syl) in idx.entry(i).keys.syllables().enumerate() {
                if let Some(r) = syl.next() {
                    if off < q.chars.len() {
                        v.push(j);
                    }
                    off += r.len();
                }
            }
            v
        }
        tier::FUZZY => match q.class {
            Class::Text => matcher
                .fuzzy_indices(name, &q.text)
                .map(|(_, v)| v)
                .unwrap_or_default(),
            _ => {
                let prim = std::str::from_utf8(idx.prim(i)).unwrap_or("");
                let Some((_, ix)) = matcher.fuzzy_indices(prim, &q.text) else {
                    return Vec::new();
                };
                // Map pinyin offsets to syllables.
                let mut owner = Vec::with_capacity(prim.len());
                for (j, mut syl) in idx.entry(i).keys.syllables().enumerate() {
                    if let Some(r) = syl.next() {
                        owner.extend(std::iter::repeat_n(j, r.len()));
                    }
                }
                let mut v: Vec<usize> = ix.iter().filter_map(|&o| owner.get(o).copied()).collect();
                v.dedup();
                v
            }
        },
        _ => Vec::new(),
    }
}

/// Syllables used by one way of matching `q` (anchored first, else any start).
fn dp_path(blob: &[u8], name: &str, q: &[u32]) -> Vec<usize> {
    let syls: Vec<(u32, Vec<&[u8]>)> = {
        let mut chars = name.chars();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < blob.len() {
            let n = blob[pos];
            pos += 1;
            let mut rs = Vec::new();
            for _ in 0..n {
                let l = blob[pos] as usize;
                rs.push(&blob[pos + 1..pos + 1 + l]);
                pos += 1 + l;
            }
            out.push((chars.next().map_or(0, |c| c as u32), rs));
        }
        out
    };
    fn go(
        syls: &[(u32, Vec<&[u8]>)],
        j: usize,
        p: usize,
        q: &[u32],
        acc: &mut Vec<usize>,
        budget: &mut u32,
    ) -> bool {
        if p == q.len() {
            return true;
        }
        if j >= syls.len() || *budget == 0 {
            return false;
        }
        *budget -= 1;
        let (c, rs) = &syls[j];
        if rs.is_empty() && go(syls, j + 1, p, q, acc, budget) {
            return true;
        }
        let literal = !(q[p] < 128 && (q[p] as u8).is_ascii_alphanumeric());
        if literal && *c == q[p] {
            acc.push(j);
            if go(syls, j + 1, p + 1, q, acc, budget) {
                return true;
            }
            acc.pop();
        }
        for rd in rs {
            let max = rd.len().min(q.len() - p);
            let mut l = 0;
            while l < max && rd[l] as u32 == q[p + l] {
                l += 1;
            }
            for take in (1..=l).rev() {
                acc.push(j);
                if go(syls, j + 1, p + take, q, acc, budget) {
                    return true;
                }
                acc.pop();
            }
        }
        false
    }
    let mut acc = Vec::new();
    let mut budget = 20_000;
    for start in 0..syls.len() {
        acc.clear();
        if go(&syls, start, 0, q, &mut acc, &mut budget) {
            return acc;
        }
    }
    Vec::new()
}
