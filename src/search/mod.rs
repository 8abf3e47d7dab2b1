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
//! A unit is also found by the names people say ([`unit_aliases`]: short name,
//! name without region, word-by-word abbreviation), each an extra slot of the index
//! that stands for the unit. `UNIT PERSON` looks within a unit's subtree.
//!
//! Ranking, best first (see [`tier`]; every rule with its test: `docs/LOOKUP.md`):
//! 1. exact: the name itself, or a reading covering the whole name (`zhangwei`,
//!    `zw`, `zhangw` for 张伟); the literal name or full pinyin ranks above initials;
//!    a unit's exact match above every person's; by initials, common full names
//!    (张伟) first;
//! 2. name prefix (hanzi, pinyin, initials, or mixed like `张w`);
//! 3. inside the name (from a later character on);
//! 4. the entry's unit (persons) or parent path (institutions) contains the query;
//! 5. the usual full pinyin starts within one typo of the query (queries of five
//!    letters or more; two typos from nine letters), transpositions counting one and
//!    ranking above replaced letters;
//! 6. fuzzy: the query is a subsequence of the pinyin or of the name (SkimMatcherV2).
//!
//! In tiers 1–3 a match that needs an alternate reading of some character (any
//! but its first, usual reading: 立 as wei, 乐 as yue, 曾 as ceng) keeps its tier
//! but ranks below every match of that tier made with usual readings only, so
//! `zw` lists 张伟, 赵文, 周伟 … before 曾立 and 周立 (`zeng,ceng li,wei`).

mod alias;
mod highlight;
mod index;
mod keys;
mod matching;
mod persist;
mod query;
mod scan;
mod searcher;
mod syllables;
#[cfg(test)]
mod tests;
mod typo;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use memchr::memmem;

pub use alias::unit_aliases;
pub use index::{IndexBuilder, SearchIndex};
pub use keys::{NameKeys, Readings, Syllables, name_keys, unit_keys};
pub use persist::{INDEX_MAGIC, IndexBytes};
pub use searcher::{Searcher, search};

use highlight::*;
use index::*;
use matching::*;
use query::*;
use scan::*;
use syllables::*;
use typo::*;

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
pub(super) const FUZZY_CAP: usize = 2000;
/// Scans over more entries than this are split over two threads.
pub(super) const PARALLEL_MIN: usize = 24_000;

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
    /// Unit path text for persons, parent path for institutions: shared by the
    /// entries of a unit (a city's 200,000 persons have 7,000 units between them).
    pub unit: Arc<str>,
    /// Post and staffing type for persons (joined by [`DETAIL_SEP`], the post left out
    /// when there is none), level for institutions. Shared like `unit`: few distinct.
    pub detail: Arc<str>,
    /// The readings the index is built from. An index read back from the cache
    /// (`SearchIndex::from_bytes`) or built by an [`IndexBuilder`] leaves them
    /// empty: its flat arrays hold them.
    pub keys: NameKeys,
    /// Other names the entry is found by, as whole names (units: [`unit_aliases`]:
    /// the short name, the name without its region, abbreviations). A hit on one
    /// is reported on the entry, without highlighted positions.
    pub aliases: Vec<String>,
    /// The unit holding the entry: a person's unit, an institution's parent (for
    /// `UNIT PERSON` queries, which look within a unit's subtree).
    pub parent: Option<i64>,
}

impl Entry {
    /// Builds an entry, computing its keys ([`name_keys`] for persons,
    /// [`unit_keys`] for institutions). Prefer stored keys when the cache has them.
    pub fn new(
        kind: EntryKind,
        id: i64,
        name: impl Into<String>,
        unit: impl Into<Arc<str>>,
        detail: impl Into<Arc<str>>,
    ) -> Entry {
        let name = name.into();
        let (keys, aliases) = match kind {
            EntryKind::Person => (name_keys(&name), Vec::new()),
            EntryKind::Org => (unit_keys(&name), unit_aliases(&name, None)),
        };
        Entry {
            kind,
            id,
            name,
            unit: unit.into(),
            detail: detail.into(),
            keys,
            aliases,
            parent: None,
        }
    }

    /// The same entry held by unit `parent`.
    pub fn with_parent(mut self, parent: i64) -> Entry {
        self.parent = Some(parent);
        self
    }

    /// The same institution with its short name (and what follows from it) among
    /// its aliases.
    pub fn with_short_name(mut self, short: &str) -> Entry {
        self.aliases = unit_aliases(&self.name, Some(short));
        self
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
