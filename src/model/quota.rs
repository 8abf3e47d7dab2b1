//! Quota arithmetic (编制核定与使用). For a unit and a staffing type:
//! 核定 (approved, the sum of the ledger) − 实有 (people occupying it) = 空编 when positive,
//! 超编 when negative, 满编 when zero; 可使用数 = 空编 − places reserved by approved but
//! unused staffing plans. Leadership posts likewise: 核定职数 − 实配.
//!
//! Every field of a figure is additive, so the figure of a subtree is the field-wise sum
//! of its units' figures: a county with one unit 3 over and another 5 short shows both
//! 超编 3 and 空编 5, as the offices report them.

use super::{Approval, Person, PersonStatus, PostSlot, StaffingType};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::{Add, AddAssign};

/// Three-colour management (三色管理) plus a text mark for monochrome terminals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Traffic {
    /// Room to spare.
    Green,
    /// 满编 or nearly full.
    Amber,
    /// 超编 / 超职数.
    Red,
}

impl Traffic {
    /// A one-character mark that survives a monochrome terminal.
    pub fn mark(self) -> &'static str {
        match self {
            Traffic::Green => "○",
            Traffic::Amber => "◐",
            Traffic::Red => "●",
        }
    }
    pub fn ascii_mark(self) -> &'static str {
        match self {
            Traffic::Green => "o",
            Traffic::Amber => "=",
            Traffic::Red => "!",
        }
    }
}

/// Quota figures for one staffing type, of one unit or summed over a subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct QuotaFigure {
    /// 核定
    pub approved: i64,
    /// 实有
    pub actual: i64,
    /// 已批未用: reserved by approved staffing plans not yet used.
    pub reserved: i64,
    /// 空编: approved minus occupied, never below zero.
    pub vacant: i64,
    /// 超编: occupied beyond approved, never below zero.
    pub over: i64,
    /// 可使用数: vacancies not reserved, never below zero.
    pub usable: i64,
}

impl QuotaFigure {
    /// The figure of a single unit.
    pub fn unit(approved: i64, actual: i64, reserved: i64) -> Self {
        let vacant = (approved - actual).max(0);
        QuotaFigure {
            approved,
            actual,
            reserved,
            vacant,
            over: (actual - approved).max(0),
            usable: (vacant - reserved).max(0),
        }
    }

    /// 满编: exactly full, with a quota to be full of.
    pub fn is_full(&self) -> bool {
        self.approved > 0 && self.vacant == 0 && self.over == 0
    }

    pub fn is_over(&self) -> bool {
        self.over > 0
    }

    /// New staffing requests are frozen for a full or over-quota unit (seed 004).
    pub fn is_frozen(&self) -> bool {
        self.is_full() || self.is_over()
    }

    /// Red when over; amber when full, or when nothing or at most a tenth is usable.
    pub fn traffic(&self) -> Traffic {
        if self.over > 0 {
            Traffic::Red
        } else if self.approved > 0 && (self.usable == 0 || self.usable * 10 <= self.approved) {
            Traffic::Amber
        } else {
            Traffic::Green
        }
    }

    /// The signed balance shown in one column: + vacancies, − over.
    pub fn balance(&self) -> i64 {
        self.vacant - self.over
    }
}

impl Add for QuotaFigure {
    type Output = QuotaFigure;
    fn add(self, o: QuotaFigure) -> QuotaFigure {
        QuotaFigure {
            approved: self.approved + o.approved,
            actual: self.actual + o.actual,
            reserved: self.reserved + o.reserved,
            vacant: self.vacant + o.vacant,
            over: self.over + o.over,
            usable: self.usable + o.usable,
        }
    }
}

impl AddAssign for QuotaFigure {
    fn add_assign(&mut self, o: QuotaFigure) {
        *self = *self + o;
    }
}

impl std::iter::Sum for QuotaFigure {
    fn sum<I: Iterator<Item = QuotaFigure>>(iter: I) -> Self {
        iter.fold(QuotaFigure::default(), Add::add)
    }
}

/// Leadership-post figures (领导职数) for one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PostFigure {
    /// 核定职数
    pub approved: i64,
    /// 实配
    pub actual: i64,
    pub vacant: i64,
    /// 超职数
    pub over: i64,
}

impl PostFigure {
    pub fn unit(approved: i64, actual: i64) -> Self {
        PostFigure {
            approved,
            actual,
            vacant: (approved - actual).max(0),
            over: (actual - approved).max(0),
        }
    }
    pub fn traffic(&self) -> Traffic {
        if self.over > 0 {
            Traffic::Red
        } else if self.approved > 0 && self.vacant == 0 {
            Traffic::Amber
        } else {
            Traffic::Green
        }
    }
}

impl Add for PostFigure {
    type Output = PostFigure;
    fn add(self, o: PostFigure) -> PostFigure {
        PostFigure {
            approved: self.approved + o.approved,
            actual: self.actual + o.actual,
            vacant: self.vacant + o.vacant,
            over: self.over + o.over,
        }
    }
}

impl AddAssign for PostFigure {
    fn add_assign(&mut self, o: PostFigure) {
        *self = *self + o;
    }
}

/// A unit's (or subtree's) figures: per staffing type and per leadership slot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub quota: Vec<(StaffingType, QuotaFigure)>,
    pub posts: Vec<(PostSlot, PostFigure)>,
}

impl Figures {
    pub fn quota_of(&self, t: StaffingType) -> QuotaFigure {
        self.quota
            .iter()
            .find(|(k, _)| *k == t)
            .map(|(_, f)| *f)
            .unwrap_or_default()
    }
    pub fn post_of(&self, s: PostSlot) -> PostFigure {
        self.posts
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, f)| *f)
            .unwrap_or_default()
    }
    /// All staffing types together.
    pub fn total(&self) -> QuotaFigure {
        self.quota.iter().map(|(_, f)| *f).sum()
    }
    /// The worst colour over the staffing types; leadership posts add red when over.
    /// (Posts filled to the limit are the normal state, so they do not turn a unit amber.)
    pub fn traffic(&self) -> Traffic {
        let q = self.quota.iter().map(|(_, f)| f.traffic());
        let p = self
            .posts
            .iter()
            .map(|(_, f)| f.traffic())
            .filter(|t| *t == Traffic::Red);
        q.chain(p).max().unwrap_or(Traffic::Green)
    }
    pub fn add_quota(&mut self, t: StaffingType, f: QuotaFigure) {
        match self.quota.iter_mut().find(|(k, _)| *k == t) {
            Some((_, g)) => *g += f,
            None => {
                self.quota.push((t, f));
                self.quota.sort_by_key(|(k, _)| *k);
            }
        }
    }
    pub fn add_post(&mut self, s: PostSlot, f: PostFigure) {
        match self.posts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, g)) => *g += f,
            None => {
                self.posts.push((s, f));
                self.posts.sort_by_key(|(k, _)| *k);
            }
        }
    }
    pub fn merge(&mut self, other: &Figures) {
        for (t, f) in &other.quota {
            self.add_quota(*t, *f);
        }
        for (s, f) in &other.posts {
            self.add_post(*s, *f);
        }
    }
}

/// A unit's figures accumulated from its rows, one row at a time: 核定 from the ledger
/// (and 核定职数 from the posts ledger), 实有 from the persons who occupy quota
/// ([`Person::occupies_quota`]), 实配 from active persons holding a leadership post, and
/// 已批未用 from approved staffing plans ([`Approval::reserved`]). The one place these
/// rules are applied: the cache's derived tables and the generator feed it their rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitTally {
    /// Staffing type → (approved, actual, reserved).
    quota: BTreeMap<StaffingType, (i64, i64, i64)>,
    /// Post slot → (approved, actual).
    posts: BTreeMap<PostSlot, (i64, i64)>,
}

impl UnitTally {
    /// A ledger entry (or the sum of several) of staffing type `t`: 核定 moves by `delta`.
    pub fn ledger(&mut self, t: StaffingType, delta: i64) {
        self.quota.entry(t).or_default().0 += delta;
    }

    /// A posts-ledger entry (or a sum): 核定职数 of `slot` moves by `delta`.
    pub fn post_ledger(&mut self, slot: PostSlot, delta: i64) {
        self.posts.entry(slot).or_default().0 += delta;
    }

    /// A person of the unit, in any status: counted where the rules say so.
    pub fn person(&mut self, p: &Person) {
        self.counted(p.status, p.staffing_type, p.leader_post);
    }

    /// What [`UnitTally::person`] counts of a person, from the only three fields it
    /// reads (for a reader that fetches just those columns).
    pub fn counted(
        &mut self,
        status: PersonStatus,
        staffing_type: Option<StaffingType>,
        leader_post: Option<PostSlot>,
    ) {
        if status.occupies_quota(staffing_type)
            && let Some(t) = staffing_type
        {
            self.quota.entry(t).or_default().1 += 1;
        }
        if status == PersonStatus::Active
            && let Some(slot) = leader_post
        {
            self.posts.entry(slot).or_default().1 += 1;
        }
    }

    /// A request about the unit, in any state: an approved staffing plan holds places.
    pub fn approval(&mut self, a: &Approval) {
        let reserved = a.reserved();
        if reserved > 0
            && let Some(t) = a.staffing_type
        {
            self.quota.entry(t).or_default().2 += reserved;
        }
    }

    /// The staffing types the unit has any figure of, with their figures.
    pub fn quota(&self) -> impl Iterator<Item = (StaffingType, QuotaFigure)> + '_ {
        self.quota
            .iter()
            .map(|(&t, &(a, x, r))| (t, QuotaFigure::unit(a, x, r)))
    }

    /// The post slots the unit has any figure of, with their figures.
    pub fn posts(&self) -> impl Iterator<Item = (PostSlot, PostFigure)> + '_ {
        self.posts
            .iter()
            .map(|(&s, &(a, x))| (s, PostFigure::unit(a, x)))
    }

    /// Everything as one unit's [`Figures`].
    pub fn figures(&self) -> Figures {
        let mut f = Figures::default();
        for (t, q) in self.quota() {
            f.add_quota(t, q);
        }
        for (s, p) in self.posts() {
            f.add_post(s, p);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unit_figures() {
        let f = QuotaFigure::unit(10, 7, 2);
        assert_eq!((f.vacant, f.over, f.usable), (3, 0, 1));
        assert_eq!(f.traffic(), Traffic::Amber); // 1 usable of 10
        let f = QuotaFigure::unit(10, 12, 1);
        assert_eq!((f.vacant, f.over, f.usable), (0, 2, 0));
        assert_eq!(f.traffic(), Traffic::Red);
        assert!(f.is_frozen());
        let f = QuotaFigure::unit(10, 10, 0);
        assert!(f.is_full() && f.is_frozen());
        assert_eq!(QuotaFigure::unit(20, 5, 0).traffic(), Traffic::Green);
    }

    #[test]
    fn subtree_keeps_over_and_vacant_apart() {
        let s: QuotaFigure = [QuotaFigure::unit(10, 13, 0), QuotaFigure::unit(10, 5, 1)]
            .into_iter()
            .sum();
        assert_eq!(
            (s.approved, s.actual, s.vacant, s.over, s.usable),
            (20, 18, 5, 3, 4)
        );
    }

    proptest! {
        #[test]
        fn unit_figure_identities(a in 0i64..500, x in 0i64..500, r in 0i64..50) {
            let f = QuotaFigure::unit(a, x, r);
            prop_assert!(f.vacant >= 0 && f.over >= 0 && f.usable >= 0);
            prop_assert!(f.vacant == 0 || f.over == 0);
            prop_assert_eq!(f.approved - f.actual, f.vacant - f.over);
            prop_assert!(f.usable <= f.vacant);
            // reserved is subtracted once: adding one more reserved place lowers usable by at most one
            let g = QuotaFigure::unit(a, x, r + 1);
            prop_assert!(f.usable - g.usable <= 1 && f.usable >= g.usable);
        }

        #[test]
        fn subtree_sums_equal_unit_sums(units in proptest::collection::vec((0i64..100, 0i64..100, 0i64..10), 0..40)) {
            let figs: Vec<_> = units.iter().map(|&(a, x, r)| QuotaFigure::unit(a, x, r)).collect();
            let total: QuotaFigure = figs.iter().copied().sum();
            prop_assert_eq!(total.approved, units.iter().map(|u| u.0).sum::<i64>());
            prop_assert_eq!(total.actual, units.iter().map(|u| u.1).sum::<i64>());
            prop_assert_eq!(total.reserved, units.iter().map(|u| u.2).sum::<i64>());
            prop_assert_eq!(total.vacant - total.over, total.approved - total.actual);
            // Summing in two halves gives the same as summing all at once.
            let (l, rr) = figs.split_at(figs.len() / 2);
            let halves = l.iter().copied().sum::<QuotaFigure>() + rr.iter().copied().sum::<QuotaFigure>();
            prop_assert_eq!(halves, total);
        }
    }
}
