//! Statutory retirement age under the NPC Standing Committee decision of 2024-09-13 on
//! gradually raising the statutory retirement age (in force 2025-01-01).
//!
//! - Men, original age 60: from birth month 1965-01, one month later for every four birth
//!   months, up to 63 (reached from birth month 1976-09).
//! - Women, original age 55 (cadres: 管理岗, 专业技术岗): from 1970-01, one month per four,
//!   up to 58 (from 1981-09).
//! - Women, original age 50 (workers: 工勤技能岗): from 1975-01, one month per two, up to
//!   55 (from 1984-11).
//!
//! Whoever's original retirement month fell before 2025-01 keeps the original age; that
//! is exactly the birth months before each rule's start month.

use super::{PostType, Sex, YearMonth};
use serde::Serialize;

/// Which of the decision's three tables applies to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rule {
    /// 男职工, 原法定退休年龄 60
    Men60,
    /// 女职工 (管理岗、专业技术岗), 原法定退休年龄 55
    Women55,
    /// 女职工 (工勤技能岗), 原法定退休年龄 50
    Women50,
}

impl Rule {
    pub fn for_person(sex: Sex, post_type: PostType) -> Rule {
        match (sex, post_type) {
            (Sex::Male, _) => Rule::Men60,
            (Sex::Female, PostType::Worker) => Rule::Women50,
            (Sex::Female, _) => Rule::Women55,
        }
    }

    fn original_years(self) -> i64 {
        match self {
            Rule::Men60 => 60,
            Rule::Women55 => 55,
            Rule::Women50 => 50,
        }
    }

    /// First birth month affected, birth months per extra month, and the cap in months.
    fn schedule(self) -> (YearMonth, i64, i64) {
        match self {
            Rule::Men60 => (YearMonth::new(1965, 1), 4, 36),
            Rule::Women55 => (YearMonth::new(1970, 1), 4, 36),
            Rule::Women50 => (YearMonth::new(1975, 1), 2, 60),
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Rule::Men60 => "男职工（原60周岁）",
            Rule::Women55 => "女职工（原55周岁）",
            Rule::Women50 => "女职工（原50周岁）",
        }
    }
}

/// The statutory retirement age in months for a birth month under a rule.
pub fn retirement_age_months(rule: Rule, birth: YearMonth) -> i64 {
    let (start, step, cap) = rule.schedule();
    let original = rule.original_years() * 12;
    let since = birth.index() - start.index();
    if since < 0 {
        return original;
    }
    original + (since / step + 1).min(cap)
}

/// The month in which the statutory retirement age is reached.
pub fn retirement_month(rule: Rule, birth: YearMonth) -> YearMonth {
    birth.plus_months(retirement_age_months(rule, birth))
}

/// Formats an age in months the way the decision's tables do: `60岁3个月`.
pub fn format_age(months: i64) -> String {
    match months % 12 {
        0 => format!("{}岁", months / 12),
        m => format!("{}岁{}个月", months / 12, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m)
    }

    // Rows of the decision's annexed tables (附件 1-3): birth month → age, retirement month.
    #[test]
    fn men_table_rows() {
        let r = Rule::Men60;
        assert_eq!(retirement_month(r, ym(1964, 12)), ym(2024, 12));
        assert_eq!(
            format_age(retirement_age_months(r, ym(1965, 1))),
            "60岁1个月"
        );
        assert_eq!(retirement_month(r, ym(1965, 1)), ym(2025, 2));
        assert_eq!(retirement_month(r, ym(1965, 4)), ym(2025, 5));
        assert_eq!(retirement_month(r, ym(1965, 5)), ym(2025, 7));
        assert_eq!(
            format_age(retirement_age_months(r, ym(1966, 1))),
            "60岁4个月"
        );
        assert_eq!(retirement_month(r, ym(1966, 1)), ym(2026, 5));
        assert_eq!(
            format_age(retirement_age_months(r, ym(1970, 12))),
            "61岁6个月"
        );
        assert_eq!(
            format_age(retirement_age_months(r, ym(1976, 8))),
            "62岁11个月"
        );
        assert_eq!(retirement_month(r, ym(1976, 8)), ym(2039, 7));
        assert_eq!(format_age(retirement_age_months(r, ym(1976, 9))), "63岁");
        assert_eq!(retirement_month(r, ym(1976, 9)), ym(2039, 9));
        assert_eq!(retirement_month(r, ym(1990, 1)), ym(2053, 1));
    }

    #[test]
    fn women_cadre_table_rows() {
        let r = Rule::Women55;
        assert_eq!(retirement_month(r, ym(1969, 12)), ym(2024, 12));
        assert_eq!(retirement_month(r, ym(1970, 1)), ym(2025, 2));
        assert_eq!(
            format_age(retirement_age_months(r, ym(1971, 5))),
            "55岁5个月"
        );
        assert_eq!(
            format_age(retirement_age_months(r, ym(1981, 8))),
            "57岁11个月"
        );
        assert_eq!(retirement_month(r, ym(1981, 9)), ym(2039, 9));
        assert_eq!(format_age(retirement_age_months(r, ym(1985, 3))), "58岁");
    }

    #[test]
    fn women_worker_table_rows() {
        let r = Rule::Women50;
        assert_eq!(retirement_month(r, ym(1974, 12)), ym(2024, 12));
        assert_eq!(retirement_month(r, ym(1975, 1)), ym(2025, 2));
        assert_eq!(retirement_month(r, ym(1975, 2)), ym(2025, 3));
        assert_eq!(retirement_month(r, ym(1975, 3)), ym(2025, 5));
        assert_eq!(
            format_age(retirement_age_months(r, ym(1980, 1))),
            "52岁7个月"
        );
        assert_eq!(
            format_age(retirement_age_months(r, ym(1984, 10))),
            "54岁11个月"
        );
        assert_eq!(retirement_month(r, ym(1984, 11)), ym(2039, 11));
        assert_eq!(format_age(retirement_age_months(r, ym(1984, 11))), "55岁");
    }

    #[test]
    fn rule_follows_sex_and_post_type() {
        assert_eq!(Rule::for_person(Sex::Male, PostType::Worker), Rule::Men60);
        assert_eq!(
            Rule::for_person(Sex::Female, PostType::Worker),
            Rule::Women50
        );
        assert_eq!(
            Rule::for_person(Sex::Female, PostType::Professional),
            Rule::Women55
        );
        assert_eq!(
            Rule::for_person(Sex::Female, PostType::Management),
            Rule::Women55
        );
    }

    #[test]
    fn nobody_retires_before_2025_under_a_raised_age() {
        // Original dates before 2025-01 keep the original age; from 2025-01 on no
        // retirement month goes backwards as birth months advance.
        for rule in [Rule::Men60, Rule::Women55, Rule::Women50] {
            let mut last = retirement_month(rule, ym(1950, 1));
            for i in 1..(50 * 12) {
                let b = ym(1950, 1).plus_months(i);
                let r = retirement_month(rule, b);
                assert!(r > last, "{rule:?} {b}: {r} not after {last}");
                let age = retirement_age_months(rule, b);
                if r < ym(2025, 1) {
                    assert_eq!(age, rule.original_years() * 12);
                }
                last = r;
            }
        }
    }

    /// 2,000 generated cases per property (`PROPTEST_CASES` overrides).
    fn config() -> proptest::test_runner::Config {
        proptest::test_runner::Config::with_cases(2000)
    }

    fn any_rule() -> impl proptest::strategy::Strategy<Value = Rule> {
        proptest::sample::select(vec![Rule::Men60, Rule::Women55, Rule::Women50])
    }

    proptest::proptest! {
        #![proptest_config(config())]

        /// Born later, never retire earlier nor younger; one birth month later moves the
        /// age by at most one month.
        #[test]
        fn monotone_in_birth_month(rule in any_rule(), year in 1930i32..2010, month in 1u32..=12, later in 0i64..600) {
            let a = ym(year, month);
            let b = a.plus_months(later);
            proptest::prop_assert!(retirement_age_months(rule, b) >= retirement_age_months(rule, a));
            proptest::prop_assert!(retirement_month(rule, b) >= retirement_month(rule, a));
            let next = a.plus_months(1);
            proptest::prop_assert!(retirement_age_months(rule, next) - retirement_age_months(rule, a) <= 1);
        }

        /// Between the original age and the law's final age: 60–63, 55–58, 50–55; the
        /// final age reached from the decision's last birth month on; nobody whose
        /// original retirement fell before 2025-01 is moved.
        #[test]
        fn bounded_by_the_original_and_final_ages(rule in any_rule(), year in 1930i32..2010, month in 1u32..=12) {
            let birth = ym(year, month);
            let age = retirement_age_months(rule, birth);
            let (lo, hi, last) = match rule {
                Rule::Men60 => (60 * 12, 63 * 12, ym(1976, 9)),
                Rule::Women55 => (55 * 12, 58 * 12, ym(1981, 9)),
                Rule::Women50 => (50 * 12, 55 * 12, ym(1984, 11)),
            };
            proptest::prop_assert!((lo..=hi).contains(&age), "{rule:?} {birth:?}: {age}");
            proptest::prop_assert_eq!(age == hi, birth >= last);
            if birth.plus_months(lo) < ym(2025, 1) {
                proptest::prop_assert_eq!(age, lo);
            } else {
                proptest::prop_assert!(retirement_month(rule, birth) >= ym(2025, 1));
            }
        }
    }
}
