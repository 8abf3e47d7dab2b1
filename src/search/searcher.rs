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

pub(super) fn finish(
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
