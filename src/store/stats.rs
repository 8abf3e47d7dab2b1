//! Aggregates for the overview of the jurisdiction (全局一屏掌控) and the lists behind its
//! figures. Each is a handful of grouped queries over indexed columns and the derived
//! figure tables, meant to run once when a screen opens (off the interface's task),
//! never per keypress.

use super::Result;
use super::queries;
use super::rows::*;
use super::warnings::{self, WarningKind};
use crate::model::quota::{Figures, QuotaFigure};
use crate::model::*;
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// Age bands of the staff structure (年龄结构), by completed years on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AgeBand {
    Under30,
    From30To39,
    From40To49,
    From50To54,
    From55,
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under30,
        AgeBand::From30To39,
        AgeBand::From40To49,
        AgeBand::From50To54,
        AgeBand::From55,
        AgeBand::Unknown,
    ];
    fn code(self) -> i64 {
        self as i64
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AgeBand::Under30, Lang::Zh) => "30岁以下",
            (AgeBand::From30To39, Lang::Zh) => "30-39岁",
            (AgeBand::From40To49, Lang::Zh) => "40-49岁",
            (AgeBand::From50To54, Lang::Zh) => "50-54岁",
            (AgeBand::From55, Lang::Zh) => "55岁以上",
            (AgeBand::Unknown, Lang::Zh) => "未填",
            (AgeBand::Under30, Lang::En) => "<30",
            (AgeBand::From30To39, Lang::En) => "30-39",
            (AgeBand::From40To49, Lang::En) => "40-49",
            (AgeBand::From50To54, Lang::En) => "50-54",
            (AgeBand::From55, Lang::En) => "55+",
            (AgeBand::Unknown, Lang::En) => "unknown",
        }
    }
}

/// The same day `years` earlier (29 February falls back to the 28th).
fn years_before(today: NaiveDate, years: i32) -> NaiveDate {
    let y = today.year() - years;
    NaiveDate::from_ymd_opt(y, today.month(), today.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, today.month(), 28))
        .expect("valid date")
}

impl AgeBand {
    /// The band of a birth date on `today`, by the same boundaries as [`BAND_SQL`]
    /// (born after the day one turns 30 is under 30, and so on).
    pub fn of(birth: Option<NaiveDate>, today: NaiveDate) -> AgeBand {
        let Some(b) = birth else {
            return AgeBand::Unknown;
        };
        let [b30, b40, b50, b55] = [30, 40, 50, 55].map(|y| years_before(today, y));
        if b > b30 {
            AgeBand::Under30
        } else if b > b40 {
            AgeBand::From30To39
        } else if b > b50 {
            AgeBand::From40To49
        } else if b > b55 {
            AgeBand::From50To54
        } else {
            AgeBand::From55
        }
    }
}

/// SQL that puts an active person's `birth_date` in an [`AgeBand`] code; parameters
/// ?1..?4 are the birth dates of those turning 30, 40, 50 and 55 today.
const BAND_SQL: &str = "CASE WHEN birth_date IS NULL OR birth_date = '' THEN 5 \
     WHEN birth_date > ?1 THEN 0 WHEN birth_date > ?2 THEN 1 WHEN birth_date > ?3 THEN 2 \
     WHEN birth_date > ?4 THEN 3 ELSE 4 END";

fn band_params(today: NaiveDate) -> [String; 4] {
    [30, 40, 50, 55].map(|y| years_before(today, y).to_string())
}

const ACTIVE: i64 = 1;

/// The jurisdiction at a glance: what the overview screen and `bianzhi overview --json`
/// both show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jurisdiction {
    pub today: NaiveDate,
    pub root: Option<Org>,
    /// Summed over every root of the cache.
    pub totals: Figures,
    pub units: i64,
    pub persons_active: i64,
    pub open_approvals: usize,
    /// Units with at least one staffing type over quota, full, over leadership posts.
    pub units_over: usize,
    pub units_full: usize,
    pub units_over_posts: usize,
    /// Warnings of each kind, retirement forecast over the next 12 months.
    pub warnings: Vec<(WarningKind, usize)>,
    pub age_bands: Vec<(AgeBand, i64)>,
    /// `None`: education not recorded.
    pub education: Vec<(Option<Education>, i64)>,
    pub post_types: Vec<(PostType, i64)>,
    /// Persons reaching the statutory retirement age in each of the next 12 months,
    /// this month first.
    pub retirements: Vec<(YearMonth, i64)>,
}

/// The retirement forecast horizon the overview uses.
pub const FORECAST_MONTHS: u32 = 12;

/// The overview, read from the derived tables (`overview_counts`, the figure tables):
/// a bounded number of indexed reads whatever the size of the jurisdiction.
pub fn jurisdiction(conn: &Connection, today: NaiveDate) -> Result<Jurisdiction> {
    let summary = warnings::summary(conn, YearMonth::of(today), FORECAST_MONTHS)?;
    assemble(conn, today, groupings_derived(conn, today)?, summary)
}

/// The overview counted from the base rows (every active person read): what
/// [`jurisdiction`] must equal. The derived tables' check, and the benchmark's "before".
pub fn jurisdiction_scanned(conn: &Connection, today: NaiveDate) -> Result<Jurisdiction> {
    let summary = warnings::summary_scanned(conn, YearMonth::of(today), FORECAST_MONTHS)?;
    assemble(conn, today, groupings_scanned(conn, today)?, summary)
}

/// The overview's groupings of the active persons.
struct Groupings {
    persons_active: i64,
    age_bands: Vec<(AgeBand, i64)>,
    education: Vec<(Option<Education>, i64)>,
    post_types: Vec<(PostType, i64)>,
    retirements: Vec<(YearMonth, i64)>,
}

impl Groupings {
    fn empty(today: NaiveDate) -> Groupings {
        let mut education: Vec<(Option<Education>, i64)> =
            Education::ALL.iter().map(|&e| (Some(e), 0)).collect();
        education.push((None, 0));
        let now = YearMonth::of(today);
        Groupings {
            persons_active: 0,
            age_bands: AgeBand::ALL.iter().map(|&b| (b, 0)).collect(),
            education,
            post_types: PostType::ALL.iter().map(|&p| (p, 0)).collect(),
            retirements: (0..FORECAST_MONTHS as i64)
                .map(|i| (now.plus_months(i), 0))
                .collect(),
        }
    }

    fn add_education(&mut self, code: Option<i64>, n: i64) {
        let e = code.and_then(Education::from_code);
        if let Some(slot) = self.education.iter_mut().find(|(x, _)| *x == e) {
            slot.1 += n;
        }
    }

    fn add_post_type(&mut self, code: i64, n: i64) {
        if let Some(slot) = self
            .post_types
            .iter_mut()
            .find(|(p, _)| p.code() as i64 == code)
        {
            slot.1 += n;
        }
    }

    fn add_retirements(&mut self, month: i64, n: i64) {
        if let Some(slot) = self
            .retirements
            .iter_mut()
            .find(|(x, _)| x.index() == month)
        {
            slot.1 += n;
        }
    }
}

/// From `overview_counts`: two rows of totals, one running total per age-band boundary,
/// the education and post-type rows (a dozen) and the forecast's twelve months.
fn groupings_derived(conn: &Connection, today: NaiveDate) -> Result<Groupings> {
    use super::derived::dim;
    let mut g = Groupings::empty(today);
    let rows_of = |d: i64, lo: i64, hi: i64| -> Result<Vec<(i64, i64)>> {
        let mut st = conn.prepare_cached(
            "SELECT key, n FROM overview_counts WHERE dim = ? AND key >= ? AND key < ?",
        )?;
        let v = st
            .query_map(params![d, lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
        Ok(v)
    };
    let totals = rows_of(dim::TOTAL, 0, 2)?;
    let total = |k: i64| totals.iter().find(|r| r.0 == k).map_or(0, |r| r.1);
    g.persons_active = total(0);
    let no_birth = total(1);
    for (code, n) in rows_of(dim::EDUCATION, i64::MIN, i64::MAX)? {
        g.add_education((code >= 0).then_some(code), n);
    }
    for (code, n) in rows_of(dim::POST_TYPE, i64::MIN, i64::MAX)? {
        g.add_post_type(code, n);
    }
    let now = YearMonth::of(today).index();
    for (m, n) in rows_of(dim::RETIRE_MONTH, now, now + FORECAST_MONTHS as i64)? {
        g.add_retirements(m, n);
    }
    // Born on or before a day: the running total of the last birth day up to it.
    let mut st = conn.prepare_cached(
        "SELECT aux FROM overview_counts WHERE dim = ? AND key <= ? ORDER BY key DESC LIMIT 1",
    )?;
    let mut born_by = |day: NaiveDate| -> Result<i64> {
        let key = i64::from(day.num_days_from_ce());
        Ok(st
            .query_row(params![dim::BIRTH_DAY, key], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    };
    let [c30, c40, c50, c55] = [30, 40, 50, 55].map(|y| born_by(years_before(today, y)));
    let (c30, c40, c50, c55) = (c30?, c40?, c50?, c55?);
    let with_birth = g.persons_active - no_birth;
    let bands = [
        with_birth - c30,
        c30 - c40,
        c40 - c50,
        c50 - c55,
        c55,
        no_birth,
    ];
    for (slot, n) in g.age_bands.iter_mut().zip(bands) {
        slot.1 = n;
    }
    Ok(g)
}

/// From the persons table: every active person read.
fn groupings_scanned(conn: &Connection, today: NaiveDate) -> Result<Groupings> {
    let mut g = Groupings::empty(today);
    // `+status`: the groupings read most of the persons; a scan in table order is
    // four to five times faster on a city than following the status index row by row.
    let [p30, p40, p50, p55] = band_params(today);
    let mut st = conn.prepare_cached(&format!(
        "SELECT {BAND_SQL} AS band, COUNT(*) FROM persons WHERE +status = ?5 GROUP BY band"
    ))?;
    for row in st.query_map(params![p30, p40, p50, p55, ACTIVE], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (band, n) = row?;
        if let Some(slot) = g.age_bands.iter_mut().find(|(b, _)| b.code() == band) {
            slot.1 = n;
        }
    }
    let mut st = conn.prepare_cached(
        "SELECT education, COUNT(*) FROM persons WHERE +status = ? GROUP BY education",
    )?;
    for row in st.query_map([ACTIVE], |r| {
        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (code, n) = row?;
        g.add_education(code, n);
    }
    let mut st = conn.prepare_cached(
        "SELECT post_type, COUNT(*) FROM persons WHERE +status = ? GROUP BY post_type",
    )?;
    for row in st.query_map([ACTIVE], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (code, n) = row?;
        g.add_post_type(code, n);
    }
    let now = YearMonth::of(today);
    let mut st = conn.prepare_cached(
        "SELECT retire_month, COUNT(*) FROM persons WHERE status = ? AND retire_month >= ? \
         AND retire_month < ? GROUP BY retire_month",
    )?;
    for row in st.query_map(
        params![ACTIVE, now.index(), now.index() + FORECAST_MONTHS as i64],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )? {
        let (m, n) = row?;
        g.add_retirements(m, n);
    }
    g.persons_active = conn.query_row(
        "SELECT COUNT(*) FROM persons WHERE status = ?",
        [ACTIVE],
        |r| r.get(0),
    )?;
    Ok(g)
}

/// The overview from its groupings and warning counts, with the figures of the roots.
fn assemble(
    conn: &Connection,
    today: NaiveDate,
    g: Groupings,
    summary: Vec<(WarningKind, usize, usize)>,
) -> Result<Jurisdiction> {
    let roots = queries::roots(conn)?;
    let mut totals = Figures::default();
    for r in &roots {
        totals.merge(&queries::subtree_figures(conn, r.org.id)?);
    }
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let units_with = |k: WarningKind| {
        summary
            .iter()
            .find(|(x, ..)| *x == k)
            .map_or(0, |&(_, _, units)| units)
    };
    Ok(Jurisdiction {
        today,
        root: roots.first().map(|r| r.org.clone()),
        totals,
        units: count("SELECT COUNT(*) FROM orgs")?,
        persons_active: g.persons_active,
        open_approvals: count(&format!(
            "SELECT COUNT(*) FROM approvals WHERE status = {}",
            ApprovalStatus::Pending.code()
        ))? as usize,
        units_over: units_with(WarningKind::OverQuota),
        units_full: units_with(WarningKind::Full),
        units_over_posts: units_with(WarningKind::OverPosts),
        warnings: summary.iter().map(|&(k, n, _)| (k, n)).collect(),
        age_bands: g.age_bands,
        education: g.education,
        post_types: g.post_types,
        retirements: g.retirements,
    })
}

/// Which persons a list behind a figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonFilter {
    /// The persons behind a unit's 实有: its active staff occupying this staffing type
    /// (`None`: any staffing type, i.e. all who occupy a quota).
    Occupying {
        org: OrgId,
        staffing: Option<StaffingType>,
    },
    /// Active staff of a unit holding this leadership post (实配).
    Holding {
        org: OrgId,
        slot: PostSlot,
    },
    AgeBand(AgeBand),
    Education(Option<Education>),
    PostType(PostType),
    /// Active staff reaching the statutory retirement age in this month.
    Retiring(YearMonth),
}

/// The persons behind a figure, in a stable order (unit, then id).
pub fn persons_where(
    conn: &Connection,
    filter: PersonFilter,
    today: NaiveDate,
) -> Result<Vec<Person>> {
    let select = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE status = {ACTIVE}");
    let mut st;
    let rows = match filter {
        PersonFilter::Occupying { org, staffing } => match staffing {
            Some(t) => {
                st = conn.prepare_cached(&format!(
                    "{select} AND org_id = ? AND staffing_type = ? ORDER BY id"
                ))?;
                st.query_map(params![org, t.code()], read_person)?
            }
            None => {
                st = conn.prepare_cached(&format!(
                    "{select} AND org_id = ? AND staffing_type IS NOT NULL ORDER BY id"
                ))?;
                st.query_map(params![org], read_person)?
            }
        },
        PersonFilter::Holding { org, slot } => {
            st = conn.prepare_cached(&format!(
                "{select} AND org_id = ? AND leader_level = ? AND leader_rank = ? ORDER BY id"
            ))?;
            st.query_map(
                params![org, slot.level.code(), slot.rank.code()],
                read_person,
            )?
        }
        PersonFilter::AgeBand(band) => {
            let [p30, p40, p50, p55] = band_params(today);
            st = conn.prepare_cached(&format!(
                "{select} AND ({BAND_SQL}) = ?5 ORDER BY org_id, id"
            ))?;
            st.query_map(params![p30, p40, p50, p55, band.code()], read_person)?
        }
        PersonFilter::Education(Some(e)) => {
            st = conn.prepare_cached(&format!("{select} AND education = ? ORDER BY org_id, id"))?;
            st.query_map(params![e.code()], read_person)?
        }
        PersonFilter::Education(None) => {
            st = conn.prepare_cached(&format!(
                "{select} AND education IS NULL ORDER BY org_id, id"
            ))?;
            st.query_map([], read_person)?
        }
        PersonFilter::PostType(p) => {
            st = conn.prepare_cached(&format!("{select} AND post_type = ? ORDER BY org_id, id"))?;
            st.query_map(params![p.code()], read_person)?
        }
        PersonFilter::Retiring(m) => {
            st = conn.prepare_cached(&format!(
                "{select} AND retire_month = ? ORDER BY org_id, id"
            ))?;
            st.query_map(params![m.index()], read_person)?
        }
    };
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A unit's figure of one staffing type.
pub type UnitFigure = (OrgId, StaffingType, QuotaFigure);

/// The units behind a subtree's figure: every unit of the subtree with a quota of this
/// staffing type (`None`: of any type, one row per unit and type), worst first — the
/// most over quota, then the least usable.
pub fn units_behind(
    conn: &Connection,
    root: OrgId,
    staffing: Option<StaffingType>,
) -> Result<Vec<UnitFigure>> {
    let ids = queries::subtree_ids(conn, root)?;
    let mut out = Vec::new();
    for id in ids {
        for (t, f) in queries::unit_figures(conn, id)?.quota {
            if staffing.is_none_or(|s| s == t) {
                out.push((id, t, f));
            }
        }
    }
    out.sort_by_key(|(id, t, f)| (std::cmp::Reverse(f.over), f.usable, f.vacant, *id, *t));
    Ok(out)
}

/// Funding types (经费形式) of a unit's (or its subtree's) approved quota, per staffing
/// type, from the ledger entries: those whose entries sum above zero.
pub fn funding(
    conn: &Connection,
    org: OrgId,
    subtree: bool,
) -> Result<Vec<(StaffingType, Vec<FundingType>)>> {
    let sql = if subtree {
        "SELECT staffing_type, funding_type, SUM(delta) FROM ledger WHERE org_id IN \
         (SELECT org_id FROM org_tree WHERE path >= (SELECT path FROM org_tree WHERE org_id = ?1) \
          AND path < (SELECT path FROM org_tree WHERE org_id = ?1) || x'ff') \
         GROUP BY 1, 2 ORDER BY 1, 2"
    } else {
        "SELECT staffing_type, funding_type, SUM(delta) FROM ledger WHERE org_id = ?1 \
         GROUP BY 1, 2 ORDER BY 1, 2"
    };
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([org], |r| {
        Ok((
            vocab::<StaffingType>(r, 0)?,
            opt_vocab::<FundingType>(r, 1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out: Vec<(StaffingType, Vec<FundingType>)> = Vec::new();
    for row in rows {
        let (t, f, n) = row?;
        let (Some(f), true) = (f, n > 0) else {
            continue;
        };
        match out.iter_mut().find(|(k, _)| *k == t) {
            Some((_, v)) => v.push(f),
            None => out.push((t, vec![f])),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn small() -> Store {
        let data = crate::generate::generate(crate::generate::Scale::Small, 1);
        let mut s = Store::open_in_memory().unwrap();
        s.replace_all(&data).unwrap();
        s
    }

    #[test]
    fn subtree_figures_are_exact_sums_of_their_units() {
        let s = small();
        let c = s.conn();
        let ids: Vec<OrgId> = c
            .prepare("SELECT id FROM orgs")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut checked = 0;
        for id in ids {
            let subtree = queries::subtree_figures(c, id).unwrap();
            for t in StaffingType::ALL {
                let behind = units_behind(c, id, Some(*t)).unwrap();
                let sum: QuotaFigure = behind.iter().map(|(_, _, f)| *f).sum();
                assert_eq!(sum, subtree.quota_of(*t), "unit {id} {t}");
                checked += behind.len();
            }
            let all: QuotaFigure = units_behind(c, id, None)
                .unwrap()
                .iter()
                .map(|(_, _, f)| *f)
                .sum();
            assert_eq!(all, subtree.total(), "unit {id}");
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn units_behind_are_worst_first_and_persons_behind_match_actual() {
        let s = small();
        let c = s.conn();
        let root = queries::roots(c).unwrap()[0].org.id;
        let list = units_behind(c, root, None).unwrap();
        assert!(list.windows(2).all(|w| w[0].2.over >= w[1].2.over));
        assert!(
            list[0].2.over > 0,
            "the generated data has over-quota units"
        );
        let today = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        for (org, t, f) in list.iter().take(40) {
            let staffing = Some(*t);
            let persons = persons_where(
                c,
                PersonFilter::Occupying {
                    org: *org,
                    staffing,
                },
                today,
            )
            .unwrap();
            assert_eq!(persons.len() as i64, f.actual, "{org} {t}");
            assert!(persons.iter().all(|p| p.staffing_type == staffing));
        }
    }

    #[test]
    fn the_overviews_warning_counts_are_what_the_warnings_list_lists() {
        // The overview counts with aggregates; the warnings screen lists one by one.
        // Checked on a generated county on two dates (over age differs with today).
        for (seed, date) in [(1, (2025, 3, 5)), (7, (2031, 11, 1))] {
            let data = crate::generate::generate(crate::generate::Scale::Small, seed);
            let mut s = Store::open_in_memory().unwrap();
            s.replace_all(&data).unwrap();
            let c = s.conn();
            let today = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
            let list = warnings::warnings(
                c,
                warnings::Filter {
                    kind: None,
                    within: FORECAST_MONTHS,
                    today: YearMonth::of(today),
                    scope: None,
                },
            )
            .unwrap();
            let summary = warnings::summary(c, YearMonth::of(today), FORECAST_MONTHS).unwrap();
            let mut nonzero = 0;
            for (k, n, units) in summary {
                let of_kind: Vec<_> = list.iter().filter(|w| w.kind == k).collect();
                assert_eq!(n, of_kind.len(), "{k:?}");
                let mut orgs: Vec<_> = of_kind.iter().map(|w| w.org_id).collect();
                orgs.sort_unstable();
                orgs.dedup();
                if k != WarningKind::Data {
                    assert_eq!(units, orgs.len(), "{k:?} units");
                }
                nonzero += usize::from(n > 0);
            }
            assert!(nonzero >= 3, "the data has warnings of several kinds");
        }
    }

    #[test]
    fn overview_counts_agree_with_the_lists_behind_them() {
        let s = small();
        let c = s.conn();
        let today = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        let j = jurisdiction(c, today).unwrap();
        let sum = |v: &[i64]| v.iter().sum::<i64>();
        let bands: Vec<i64> = j.age_bands.iter().map(|x| x.1).collect();
        assert_eq!(sum(&bands), j.persons_active);
        let edu: Vec<i64> = j.education.iter().map(|x| x.1).collect();
        assert_eq!(sum(&edu), j.persons_active);
        let posts: Vec<i64> = j.post_types.iter().map(|x| x.1).collect();
        assert_eq!(sum(&posts), j.persons_active);
        for (band, n) in &j.age_bands {
            let list = persons_where(c, PersonFilter::AgeBand(*band), today).unwrap();
            assert_eq!(list.len() as i64, *n, "{band:?}");
        }
        for (e, n) in &j.education {
            let list = persons_where(c, PersonFilter::Education(*e), today).unwrap();
            assert_eq!(list.len() as i64, *n, "{e:?}");
        }
        let forecast = j.warnings[WarningKind::Retirement as usize].1 as i64;
        let months: Vec<i64> = j.retirements.iter().map(|x| x.1).collect();
        assert_eq!(sum(&months), forecast);
        for (m, n) in &j.retirements {
            let list = persons_where(c, PersonFilter::Retiring(*m), today).unwrap();
            assert_eq!(list.len() as i64, *n, "{m}");
        }
        assert_eq!(
            j.totals,
            queries::subtree_figures(c, j.root.as_ref().unwrap().id).unwrap()
        );
    }

    #[test]
    fn ages_fall_in_their_band_on_the_birthday() {
        let today = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(years_before(today, 30).to_string(), "1995-03-05");
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(years_before(leap, 30).to_string(), "1994-02-28");
    }

    /// The forecast and the over-age list agree with the law (model::retirement) for
    /// every birth month from 1960 to 1990 under each of the three rules.
    #[test]
    fn retirement_warnings_follow_the_law_for_every_birth_month() {
        use crate::model::retirement::{Rule, retirement_month};
        let mut data = Dataset {
            orgs: vec![Org {
                id: 1,
                parent_id: None,
                kind: OrgKind::Region,
                name: "示例县".into(),
                short_name: None,
                category: None,
                level: None,
                nature: None,
                credit_code: None,
                domain_name: None,
                founding_doc: None,
                founding_date: None,
                sort: 0,
                abolished: false,
            }],
            ..Dataset::default()
        };
        let rules = [
            (Rule::Men60, Sex::Male, PostType::Worker),
            (Rule::Women55, Sex::Female, PostType::Management),
            (Rule::Women50, Sex::Female, PostType::Worker),
        ];
        let mut expected = std::collections::HashMap::new();
        let mut id = 0;
        for (rule, sex, post_type) in rules {
            for i in 0..(31 * 12) {
                let birth = YearMonth::new(1960, 1).plus_months(i);
                id += 1;
                data.persons.push(Person {
                    id,
                    org_id: 1,
                    name: format!("人员{id}"),
                    id_number: String::new(),
                    sex,
                    birth_date: NaiveDate::from_ymd_opt(birth.year, birth.month, 15),
                    ethnicity: "汉族".into(),
                    political_status: None,
                    funding_type: None,
                    work_start: None,
                    entry_form: None,
                    entry_doc: None,
                    entry_date: None,
                    post: None,
                    rank: None,
                    post_type,
                    school: None,
                    education: None,
                    degree: None,
                    major: None,
                    staffing_type: None,
                    leader_post: None,
                    status: PersonStatus::Active,
                    exit_kind: None,
                    exit_date: None,
                });
                expected.insert(id, retirement_month(rule, birth));
            }
        }
        let mut s = crate::store::Store::open_in_memory().unwrap();
        s.replace_all(&data).unwrap();
        let today = YearMonth::new(2025, 1);
        let read = |kind, within| {
            warnings::warnings(
                s.conn(),
                warnings::Filter {
                    kind: Some(kind),
                    within,
                    today,
                    scope: None,
                },
            )
            .unwrap()
        };
        // Everyone is either over age already or due within 40 years.
        let mut seen = 0;
        for (kind, list) in [
            (WarningKind::Overage, read(WarningKind::Overage, 0)),
            (
                WarningKind::Retirement,
                read(WarningKind::Retirement, 40 * 12),
            ),
        ] {
            for w in list {
                let p = w.person.as_ref().unwrap();
                let due = expected[&p.id];
                assert_eq!(w.retirement_date, Some(due), "{} {kind:?}", p.name);
                assert_eq!(
                    kind == WarningKind::Overage,
                    due < today,
                    "{} {due}",
                    p.name
                );
                seen += 1;
            }
        }
        assert_eq!(seen, expected.len());
        // The 12-month forecast holds exactly those due in 2025.
        let year: Vec<i64> = read(WarningKind::Retirement, 12)
            .iter()
            .map(|w| w.person.as_ref().unwrap().id)
            .collect();
        let want = expected.values().filter(|m| m.year == 2025).count();
        assert_eq!(year.len(), want);
        let j = jurisdiction(s.conn(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).unwrap();
        for (m, n) in &j.retirements {
            assert_eq!(
                *n as usize,
                expected.values().filter(|x| *x == m).count(),
                "{m}"
            );
        }
    }

    /// `AgeBand::of` (the reports' band of one person) agrees with the overview's SQL on
    /// every day around each boundary.
    #[test]
    fn age_band_of_agrees_with_the_overviews_sql() {
        let c = Connection::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let p = band_params(today);
        let mut checked = 0;
        for years in [30, 40, 50, 55] {
            let edge = years_before(today, years);
            for shift in -2..=2 {
                let birth = edge + chrono::Duration::days(shift);
                let code: i64 = c
                    .query_row(
                        &format!("SELECT {} FROM (SELECT ?5 AS birth_date)", BAND_SQL),
                        rusqlite::params![p[0], p[1], p[2], p[3], birth.to_string()],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(AgeBand::of(Some(birth), today).code(), code, "{birth}");
                checked += 1;
            }
        }
        assert_eq!(checked, 20);
        assert_eq!(AgeBand::of(None, today), AgeBand::Unknown);
    }
}
