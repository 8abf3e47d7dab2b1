//! Matched character positions in a hit's name, for highlighting.

use super::*;

/// Matched character positions in the name of entry `i`, for display.
pub(super) fn positions(ctx: &Ctx, matcher: &SkimMatcherV2, i: usize, t: i64) -> Vec<usize> {
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
            for (j, mut syl) in keys::syllables_of(idx.blob(i)).enumerate() {
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
                for (j, mut syl) in keys::syllables_of(idx.blob(i)).enumerate() {
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
pub(super) fn dp_path(blob: &[u8], name: &str, q: &[u32]) -> Vec<usize> {
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
