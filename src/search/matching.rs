//! Matching one entry against a query: the tier of a name, unit or subsequence match
//! and its within-tier score.

use super::*;

/// The context of one query over `idx`: its finders and the within-tier score of every
/// unit path (`work_size`: how many entries the scan will visit).
pub(super) fn make_ctx<'a>(idx: &'a SearchIndex, q: &'a Query, work_size: usize) -> Ctx<'a> {
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
        scope: None,
        idx,
        q,
        finder,
        first,
        unit_score,
        name_hits,
        first_hits,
    }
}

/// Per-query state shared by the scanning threads.
pub(super) struct Ctx<'a> {
    pub(super) idx: &'a SearchIndex,
    pub(super) q: &'a Query,
    pub(super) finder: memmem::Finder<'a>,
    /// Finder for the first character of the query.
    pub(super) first: memmem::Finder<'a>,
    /// Within-tier score per distinct unit (0: no match).
    pub(super) unit_score: Vec<u32>,
    /// For large text scans: entries whose name contains the query, and those
    /// whose name contains its first character (one pass over all names).
    pub(super) name_hits: Option<Bits>,
    pub(super) first_hits: Option<Bits>,
    /// For `UNIT PERSON` queries: the slots within the named units' subtrees.
    pub(super) scope: Option<Bits>,
}

/// A fixed-size bit set over entries.
pub(super) struct Bits(pub(super) Vec<u64>);

impl Bits {
    /// Entries whose name contains a match of `f`, found in one pass over the
    /// concatenated names.
    pub(super) fn of_names(idx: &SearchIndex, f: &memmem::Finder) -> Bits {
        let mut b = vec![0u64; idx.slots().div_ceil(64)];
        let mut e = 0;
        for pos in f.find_iter(&idx.names) {
            let end = pos + f.needle().len();
            // Entries are in offset order; advance to the one holding `pos`.
            while e < idx.slots() && idx.name_off[e + 1] as usize <= pos {
                e += 1;
            }
            if e < idx.slots() && end <= idx.name_off[e + 1] as usize {
                b[e / 64] |= 1 << (e % 64);
            }
        }
        Bits(b)
    }

    #[inline]
    pub(super) fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cand {
    pub(super) tier: i64,
    pub(super) sub: i64,
}

impl Ctx<'_> {
    /// Whether slot `i` may be listed (it lies within the query's scope, if any).
    #[inline]
    pub(super) fn allowed(&self, i: usize) -> bool {
        self.scope.as_ref().is_none_or(|b| b.get(i))
    }

    /// Whether slot `i` stands for an institution.
    #[inline]
    pub(super) fn is_org(&self, i: usize) -> bool {
        self.idx.entries[self.idx.slot_entry[i] as usize].kind == EntryKind::Org
    }

    /// Whether [`Ctx::raise`] may raise a match of slot `i`.
    #[inline]
    pub(super) fn may_raise(&self, i: usize) -> bool {
        self.idx.common[i] > 0 || self.is_org(i)
    }

    /// Ranking after the tier is known:
    /// - a unit matched in full (by its name, short name, an abbreviation, or their
    ///   readings) ranks above every person matched in full: its within-tier score is
    ///   moved above 900,000, the best a person's exact match scores;
    /// - among persons matched in full by initials or partial readings (`zw`), one of
    ///   the most common names (张伟) ranks first ([`alias::common_name_bonus`]).
    #[inline]
    pub(super) fn raise(&self, c: Cand, i: usize) -> Cand {
        if c.tier != tier::EXACT {
            return c;
        }
        if self.is_org(i) {
            return Cand {
                tier: c.tier,
                sub: UNIT_EXACT + c.sub / 10,
            };
        }
        let bonus = self.idx.common[i] as i64;
        if bonus > 0 && (700_000..UNIT_EXACT).contains(&c.sub) {
            return Cand {
                tier: c.tier,
                sub: c.sub + bonus,
            };
        }
        c
    }

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
    pub(super) fn eval(&self, i: usize, floor: Key) -> (Option<Cand>, bool) {
        match self.q.letter {
            Some(b) => self.eval_letter(i, b),
            None => self.eval_general(i, floor),
        }
    }

    /// The unit tier: the entry's unit path (persons) or parent path (institutions)
    /// contains the query, scored per distinct path once per query.
    #[inline]
    pub(super) fn unit_cand(&self, i: usize) -> Option<Cand> {
        let us = self.unit_score[self.idx.unit_of[i] as usize];
        (us > 0).then_some(Cand {
            tier: tier::UNIT,
            sub: us as i64,
        })
    }

    /// [`Ctx::eval`] for a one-letter query (bit `b`), from precomputed bits.
    pub(super) fn eval_letter(&self, i: usize, b: u32) -> (Option<Cand>, bool) {
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
        if let Some(c) = self.unit_cand(i) {
            return (Some(c), true);
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

    pub(super) fn eval_general(&self, i: usize, floor: Key) -> (Option<Cand>, bool) {
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
        if let Some(c) = self.unit_cand(i) {
            return (Some(c), true);
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
    pub(super) fn eval_typo(&self, i: usize) -> Option<Cand> {
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
        // Letters swapped (zhangwie for zhangwei), the commonest slip, rank above
        // letters replaced (zhangjie) at the same distance.
        let swapped = if same_letters(idx.prim(i), &q.codes) {
            50_000
        } else {
            0
        };
        Some(Cand {
            tier: tier::TYPO,
            sub: 500_000 - d as i64 * 100_000 + swapped - nchars,
        })
    }
}

/// Within-tier score from which institutions' exact matches start (see
/// [`Ctx::raise`]); persons' exact matches score at most this.
pub(super) const UNIT_EXACT: i64 = 900_000;

/// Exact tier: `full` for the literal name or whole readings (`zhangwei`), else
/// a reading of every character (`zw`, `zhangw`).
pub(super) fn exact_cand(full: bool, nchars: i64) -> Cand {
    Cand {
        tier: tier::EXACT,
        sub: if full { 900_000 } else { 800_000 - nchars },
    }
}

/// Prefix tier, `rest` characters after the matched ones.
pub(super) fn prefix_cand(rest: usize, nchars: i64) -> Cand {
    Cand {
        tier: tier::PREFIX,
        sub: 500_000 - rest.min(250) as i64 * 1000 - nchars,
    }
}

pub(super) fn inner_cand(nchars: i64) -> Cand {
    Cand {
        tier: tier::INNER,
        sub: 500_000 - nchars,
    }
}

/// Within-tier scores of name matches that need an alternate reading are divided
/// by this: below 200,000, so under every usual-reading match of the same tier
/// (those score 249,000 or more: see the functions above).
pub(super) const ALT_DIV: i64 = 5;

/// The better of a name match by any reading (`any`) and one by usual readings
/// only (`usual`), where a match needing an alternate reading (立 as wei, 乐 as
/// yue) keeps its tier but ranks below the usual-reading matches of that tier.
pub(super) fn with_usual(any: Cand, usual: Option<Cand>) -> Cand {
    match usual {
        Some(u) if u.tier >= any.tier => u,
        _ => Cand {
            tier: any.tier,
            sub: any.sub / ALT_DIV,
        },
    }
}

/// The name tier of `q` against the syllables in `blob` (see [`dp_match`]).
pub(super) fn name_cand(blob: &[u8], q: &[u32], name: Option<&str>, nchars: i64) -> Option<Cand> {
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

/// True if `q` holds the letters of `prim` in some order (a transposition).
fn same_letters(prim: &[u8], q: &[u32]) -> bool {
    if prim.len() != q.len() {
        return false;
    }
    let mut count = [0i32; 128];
    for &b in prim {
        count[(b & 0x7f) as usize] += 1;
    }
    for &c in q {
        if c >= 128 {
            return false;
        }
        count[c as usize] -= 1;
    }
    count.iter().all(|&n| n == 0)
}

/// Greedy subsequence match of `q` in `t`; the span (end - start) when found.
pub(super) fn subsequence_span(q: &[u32], t: impl Iterator<Item = u32>) -> Option<usize> {
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
