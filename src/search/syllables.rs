//! The syllable walk: a query matched against a name's readings, each syllable
//! consuming a non-empty prefix of one of its readings.

pub(super) struct DpOut {
    /// (syllable where an anchored match ended, last syllable with a reading).
    pub(super) anchored: Option<(usize, usize)>,
    pub(super) inner: bool,
}

/// Positions `a..=b` as a bit set (`b` ≤ 63).
pub(super) fn bit_range(a: usize, b: usize) -> u64 {
    if a > b {
        return 0;
    }
    (u64::MAX >> (63 - b)) & (u64::MAX << a)
}

/// One syllable step: from query positions `set`, consume a non-empty prefix of
/// reading `rd`. Returns the new positions and whether the query ended inside.
#[inline]
pub(super) fn step(set: u64, rd: &[u8], q: &[u32]) -> (u64, bool) {
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
pub(super) fn step_char(set: u64, c: u32, q: &[u32]) -> (u64, bool) {
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
pub(super) fn dp_match(blob: &[u8], q: &[u32], name: Option<&str>) -> DpOut {
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
pub(super) fn full_exact(blob: &[u8], q: &[u32]) -> bool {
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
