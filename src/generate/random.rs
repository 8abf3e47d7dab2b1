//! Small random helpers of the generator: draws, dates, document numbers, and fresh,
//! unused, valid ID numbers and credit codes.

use super::*;

impl Gen {
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    pub fn range(&mut self, lo: i64, hi_inclusive: i64) -> i64 {
        if hi_inclusive <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi_inclusive)
        }
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.random_range(0..xs.len())]
    }
    pub fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.rng.random_range(0..total);
        for &(v, w) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
    pub fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        if to <= from {
            return from;
        }
        let days = (to - from).num_days();
        from + chrono::Duration::days(self.range(0, days))
    }
    pub fn doc(&mut self, prefix: &str, kind: &str, year: i32) -> String {
        let n = self.range(1, 68);
        format!("{prefix}{kind}〔{year}〕{n}号")
    }
    pub fn operator(&mut self) -> String {
        self.pick(data::OPERATORS).to_string()
    }

    /// A fresh, unused, valid ID number for a region.
    pub fn new_id(&mut self, area: &str, birth: NaiveDate, sex: Sex) -> String {
        loop {
            let mut seq = self.range(0, 999) as u32;
            let odd = sex == Sex::Male;
            if (seq % 2 == 1) != odd {
                seq = if seq == 999 { 998 } else { seq + 1 };
                if (seq % 2 == 1) != odd {
                    seq -= 1;
                }
            }
            let id = idcard::make_id(area, birth, seq);
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    pub(super) fn credit_code(&mut self, area: &str, organ: bool) -> String {
        loop {
            let body = if organ {
                format!("11{area}00{:07}", self.range(0, 9_999_999))
            } else {
                let head = self.pick(&['4', 'M', 'E', 'G']);
                format!("12{area}{head}{:08}", self.range(0, 99_999_999))
            };
            let code = make_credit_code(&body);
            if self.used_codes.insert(code.clone()) {
                return code;
            }
        }
    }
}
