//! Typo distance: the optimal-string-alignment distance between the query and a prefix
//! of the usual full pinyin, bit-parallel (with a plain reference for tests).

#[cfg(test)]
use super::MAX_QUERY_CHARS;

/// Reference implementation of [`osa_prefix_bits`] (plain dynamic programming).
#[cfg(test)]
pub(super) fn osa_prefix(q: &[u32], t: &[u8], k: usize) -> Option<usize> {
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
pub(super) fn pattern_masks(q: &[u32]) -> Box<[u64; 128]> {
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
pub(super) fn osa_prefix_bits(pm: &[u64; 128], m: usize, t: &[u8], k: usize) -> Option<usize> {
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
