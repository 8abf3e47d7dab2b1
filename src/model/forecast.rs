//! The arithmetic of the five-year forecast (推演): one unit's figures of one staffing
//! type carried forward year by year as its staff reach the statutory retirement age
//! (`model::retirement`), if no one is hired. Pure: the report (`report::forecast`)
//! feeds it the rows.

use super::retirement::{Rule, retirement_month};
use super::{Person, YearMonth};
use serde::Serialize;

/// The year (0 = the current year) within the `years` forecast in which a person
/// reaches the statutory retirement age, counting only months after `now` (the month
/// the forecast is made in). A person without a birth date is never counted; one who
/// reached the age on or before `now` (已到龄未退) is not in any year: see [`overdue`].
pub fn retiring_year(p: &Person, now: YearMonth, years: usize) -> Option<usize> {
    let birth = p.birth_date?;
    let m = retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(birth));
    let year = m.year - now.year;
    (m > now && year >= 0 && (year as usize) < years).then_some(year as usize)
}

/// Whether a person had reached the statutory retirement age by `now` and is still
/// counted: the forecast shows them apart, they are not in any year's figures.
pub fn overdue(p: &Person, now: YearMonth) -> bool {
    p.birth_date.is_some_and(|b| {
        retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(b)) <= now
    })
}

/// One unit's figure of one staffing type at the end of a forecast year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct YearEnd {
    /// Reaching the statutory retirement age within the year (places they open).
    pub retiring: i64,
    /// 实有 at the end of the year if no one is hired.
    pub actual: i64,
    /// 空编 at the end of the year, never below zero.
    pub vacant: i64,
    /// 超编 at the end of the year, never below zero.
    pub over: i64,
    /// 出一进一: hires a unit full or over at the start of the forecast may make in
    /// the year, one for each who leaves, once it is back within its quota (an
    /// over-quota unit hires nobody until then). Zero for a unit that had vacancies:
    /// it hires against them, not one-for-one.
    pub one_for_one: i64,
}

/// Carries `approved` (核定) and `actual` (实有) forward through the years, `retiring[y]`
/// leaving in year `y`, no one hired.
pub fn project(approved: i64, actual: i64, retiring: &[i64]) -> Vec<YearEnd> {
    let frozen = approved > 0 && actual >= approved;
    let mut left = actual;
    let mut vacant_before = (approved - actual).max(0);
    retiring
        .iter()
        .map(|&r| {
            left -= r;
            let vacant = (approved - left).max(0);
            let y = YearEnd {
                retiring: r,
                actual: left,
                vacant,
                over: (left - approved).max(0),
                one_for_one: if frozen { vacant - vacant_before } else { 0 },
            };
            vacant_before = vacant;
            y
        })
        .collect()
}

/// For a unit over its quota (超编) now: the year index in which it is back within
/// its quota if no one is hired; `None` when it is not within the forecast's years.
/// `Some(0)` means within the current year.
pub fn back_within(approved: i64, actual: i64, retiring: &[i64]) -> Option<usize> {
    project(approved, actual, retiring)
        .iter()
        .position(|y| y.over == 0)
}

/// 实有 if the pending requests (待审批) and the places approved plans hold back
/// (已批未用) are all taken as approved and used: entries add, exits remove, and an
/// entry fills a held-back place when there is one (as `approval::figures_after`
/// counts it), so the places filled are the larger of the entries and the held-back
/// places.
pub fn with_requests(actual: i64, entries: i64, exits: i64, held_back: i64) -> i64 {
    actual - exits + entries.max(held_back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_unit_hires_one_for_each_who_leaves() {
        let ys = project(10, 10, &[1, 0, 2]);
        assert_eq!(
            ys.iter().map(|y| y.one_for_one).collect::<Vec<_>>(),
            [1, 0, 2]
        );
        assert_eq!(ys[2].actual, 7);
        assert_eq!(ys[2].vacant, 3);
    }

    #[test]
    fn an_over_unit_hires_only_once_back_within() {
        let ys = project(10, 12, &[1, 2, 3]);
        assert_eq!(
            ys.iter().map(|y| (y.over, y.vacant)).collect::<Vec<_>>(),
            [(1, 0), (0, 1), (0, 4)]
        );
        assert_eq!(
            ys.iter().map(|y| y.one_for_one).collect::<Vec<_>>(),
            [0, 1, 3]
        );
        assert_eq!(back_within(10, 12, &[1, 2, 3]), Some(1));
        assert_eq!(back_within(10, 15, &[1, 2, 1]), None);
    }

    #[test]
    fn a_unit_with_vacancies_does_not_hire_one_for_one() {
        let ys = project(10, 8, &[2]);
        assert_eq!((ys[0].vacant, ys[0].one_for_one), (4, 0));
    }

    #[test]
    fn entries_fill_held_back_places_first() {
        assert_eq!(with_requests(10, 1, 0, 3), 13);
        assert_eq!(with_requests(10, 4, 1, 3), 13);
        assert_eq!(with_requests(10, 0, 2, 0), 8);
    }
}
