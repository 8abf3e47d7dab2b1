//! Scanning entries for the best hits: chunks, a bounded heap, two threads over large
//! indexes.

use super::*;

/// Orders hits: higher score first, then lower index.
pub(super) type Key = (i64, Reverse<u32>);

/// Below every key.
pub(super) const NO_FLOOR: Key = (i64::MIN, Reverse(u32::MAX));

#[derive(Default)]
pub(super) struct ChunkOut {
    /// Entries of the candidate set, in index order.
    pub(super) cands: Vec<u32>,
    /// Entries matched by the typo tier only.
    pub(super) typos: Vec<u32>,
    pub(super) top: BinaryHeap<Reverse<Key>>,
    pub(super) fuzzy: Vec<(i64, u32)>,
    pub(super) n_main: usize,
}

/// What to evaluate.
#[derive(Clone)]
pub(super) enum Work<'a> {
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
    pub(super) fn size(&self) -> usize {
        match self {
            Work::All(r) | Work::Widen { range: r, .. } => r.len(),
            Work::Narrow { full, typos } => full.len() + typos.len(),
        }
    }

    pub(super) fn split(&self) -> (Self, Self) {
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
    pub(super) fn add_full(&mut self, ctx: &Ctx, i: u32, limit: usize) {
        if !ctx.allowed(i as usize) {
            return;
        }
        let floor = match self.top.peek() {
            // Some matches are raised after `eval` (`Ctx::raise`): no floor applies.
            Some(Reverse(worst)) if self.top.len() >= limit && !ctx.may_raise(i as usize) => *worst,
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

    pub(super) fn add_typo(&mut self, ctx: &Ctx, i: u32, limit: usize) {
        if !ctx.allowed(i as usize) {
            return;
        }
        if let Some(c) = ctx.eval_typo(i as usize) {
            self.typos.push(i);
            self.add(ctx, c, i, limit);
        }
    }

    #[inline]
    pub(super) fn add(&mut self, ctx: &Ctx, c: Cand, i: u32, limit: usize) {
        let c = ctx.raise(c, i as usize);
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

pub(super) fn scan_chunk(ctx: &Ctx, work: Work, limit: usize) -> ChunkOut {
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

pub(super) fn push_top(top: &mut BinaryHeap<Reverse<Key>>, k: Key, limit: usize) {
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
pub(super) fn scan(ctx: &Ctx, work: Work, limit: usize) -> ChunkOut {
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
