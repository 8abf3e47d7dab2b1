//! The incremental searcher (one per search box) and the one-off [`search`].

use super::*;

pub(super) struct Level {
    pub(super) q: Vec<char>,
    pub(super) k: u8,
    pub(super) cands: Vec<u32>,
    pub(super) typos: Vec<u32>,
}

/// Incremental searcher: one per search box.
pub struct Searcher {
    pub(super) index: Arc<SearchIndex>,
    /// Remembered queries, each a prefix of the next.
    pub(super) levels: Vec<Level>,
    pub(super) matcher: SkimMatcherV2,
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
        if let Some(hits) = scoped(&self.index, q, limit) {
            // Not remembered: the scope changes what the candidate sets mean.
            self.levels.clear();
            return hits;
        }
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
        let n = idx.slots() as u32;
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
        let mut out = scan(&ctx, work, scan_limit(limit));
        let cands = std::mem::take(&mut out.cands);
        let typos = std::mem::take(&mut out.typos);
        let hits = finish(&ctx, &self.matcher, out, limit);
        if self.levels.last().is_some_and(|l| l.q == query.chars) {
            self.levels.pop();
        }
        if self.levels.len() >= MAX_QUERY_CHARS {
            self.levels.remove(0);
        }
        self.levels.push(Level {
            q: query.chars,
            k: query.k,
            cands,
            typos,
        });
        hits
    }
}

/// One-off query without remembering anything.
pub fn search(index: &SearchIndex, q: &str, limit: usize) -> Vec<Hit> {
    if let Some(hits) = scoped(index, q, limit) {
        return hits;
    }
    search_in(index, q, None, limit)
}

/// Hits kept while scanning for `limit` results: an institution may be matched by its
/// name and several aliases, listed once ([`finish`]).
fn scan_limit(limit: usize) -> usize {
    limit.saturating_mul(3)
}

fn search_in(index: &SearchIndex, q: &str, scope: Option<Bits>, limit: usize) -> Vec<Hit> {
    let chars = normalize(q);
    if chars.is_empty() {
        return Vec::new();
    }
    let query = Query::new(chars);
    let mut ctx = make_ctx(index, &query, index.slots());
    ctx.scope = scope;
    let out = scan(&ctx, Work::All(0..index.slots() as u32), scan_limit(limit));
    finish(&ctx, &SkimMatcherV2::default(), out, limit)
}

/// `UNIT PERSON` (words separated by spaces, the last one looked up): the last word
/// within the subtrees of the units the words before it name (those matched in full;
/// when none is, those of the best tier reached). `None` for a one-word query, or when
/// no unit is named, so the words are then looked up together as typed.
fn scoped(index: &SearchIndex, q: &str, limit: usize) -> Option<Vec<Hit>> {
    let words: Vec<&str> = q.split_whitespace().collect();
    let (term, units) = words.split_last()?;
    if units.is_empty() {
        return None;
    }
    let unit_text: String = units.concat();
    let orgs: Vec<Hit> = search_in(index, &unit_text, None, 64)
        .into_iter()
        .filter(|h| index.entry(h.index).kind == EntryKind::Org)
        .collect();
    let best = orgs.first()?.score / tier::TIER;
    if best < tier::INNER {
        return None;
    }
    let scope: Vec<i64> = orgs
        .iter()
        .filter(|h| h.score / tier::TIER == best)
        .map(|h| index.entry(h.index).id)
        .collect();
    let mut bits = Bits(vec![0u64; index.slots().div_ceil(64)]);
    let mut inside = None;
    for (slot, &e) in index.slot_entry.iter().enumerate() {
        // Slots of one entry are adjacent: decide once per entry.
        let ok = match inside {
            Some((last, ok)) if last == e => ok,
            _ => {
                let ok = index.within(index.entry(e as usize), &scope);
                inside = Some((e, ok));
                ok
            }
        };
        if ok {
            bits.0[slot / 64] |= 1 << (slot % 64);
        }
    }
    Some(search_in(index, term, Some(bits), limit))
}

/// Scores the fuzzy candidates when the better tiers leave room, and turns the kept
/// slots into hits on entries, best first, each entry once, at most `limit`.
pub(super) fn finish(ctx: &Ctx, matcher: &SkimMatcherV2, out: ChunkOut, limit: usize) -> Vec<Hit> {
    let ChunkOut {
        mut top,
        mut fuzzy,
        n_main,
        ..
    } = out;
    let heap_limit = scan_limit(limit);
    if n_main < heap_limit && !fuzzy.is_empty() {
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
                    heap_limit,
                );
            }
        }
    }
    let mut v: Vec<Key> = top.into_iter().map(|Reverse(k)| k).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    let idx = ctx.idx;
    let mut seen = std::collections::HashSet::new();
    let mut hits = Vec::with_capacity(v.len().min(limit));
    for (score, Reverse(i)) in v {
        let i = i as usize;
        let entry = idx.slot_entry[i] as usize;
        // An entry found by its name and by an alias is listed once, at its best.
        if !seen.insert(entry) {
            continue;
        }
        let positions = if idx.slot_alias[i] {
            Vec::new()
        } else {
            // Stale stored keys may cover more characters than the name has.
            let n = idx.nchars[i] as usize;
            let mut p = positions(ctx, matcher, i, score / tier::TIER);
            p.retain(|&x| x < n);
            p
        };
        hits.push(Hit {
            index: entry,
            score,
            positions,
        });
        if hits.len() >= limit {
            break;
        }
    }
    hits
}
