//! Refreshing the derived tables for what changed since the last refresh only.
//!
//! A day's sync brings a few hundred rows; recomputing the derived tables of a whole
//! city for them cost 2 s of the writer. Triggers (migration 005) note every unit whose
//! rows changed (`dirty_units`), every unit record that changed (`dirty_orgs`), and
//! every person with the row as the last refresh counted it (`dirty_persons`). This
//! module recomputes the figures of those units and moves their ancestors' subtree
//! figures by the difference, rechecks those persons (and the ones their checks name),
//! and moves the overview's counts by the difference of the persons' rows.
//!
//! A change of the tree (a unit added, removed or moved) moves whole subtrees between
//! ancestors: that refresh is a full one, as are the first sync's and an import's.
//! The result is the same as a full refresh's, table for table (a property test below
//! draws random changes and compares).

use super::Result;
use super::derived::{WarningSlot, dim};
use super::rows::{
    APPROVAL_COLUMNS, ORG_SUBJECT, PERSON_COLUMNS, PERSON_SUBJECT, opt_date, opt_vocab,
    read_approval, read_person,
};
use crate::model::checks::{Problem, check_person};
use crate::model::quota::{PostFigure, QuotaFigure, UnitTally};
use crate::model::{
    ApprovalKind, ApprovalStatus, Education, Level, OrgId, Person, PersonStatus, PostRank,
    PostSlot, StaffingType, YearMonth,
};
use chrono::Datelike;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Meta key: set while the triggers note changes, that is while the derived tables are
/// those of the rows minus the noted changes.
pub const TRACKED: &str = "derived_tracked";

/// How the derived tables were brought up to the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// Every table recomputed (first sync, import, a change of the tree, an old cache).
    Full,
    /// Only what the noted changes touched.
    Partial,
}

/// Brings the derived tables up to the rows: only what changed when the changes since
/// the last refresh were noted, everything otherwise; then notes changes from here on.
/// The client's refresh after a sync's last page, a saved edit, an import.
pub fn refresh(conn: &Connection) -> Result<Refreshed> {
    let done = if super::get_meta(conn, TRACKED)?.is_some() && !tree_changed(conn)? {
        refresh_changed(conn)?;
        Refreshed::Partial
    } else {
        super::refresh_derived(conn)?;
        Refreshed::Full
    };
    forget_changes(conn)?;
    super::set_meta(conn, TRACKED, "1")?;
    Ok(done)
}

/// Stops noting changes (before a first sync or an import, which end with a full
/// refresh: noting a city's rows one by one would only slow them down).
pub fn stop_tracking(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE key = ?", [TRACKED])?;
    forget_changes(conn)
}

/// Empties the notes (after any refresh).
pub(super) fn forget_changes(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM dirty_persons; DELETE FROM dirty_units; DELETE FROM dirty_orgs;",
    )?;
    Ok(())
}

/// The path `org_tree` would hold for a unit now (the full refresh's walk: a parent
/// outside the cache ends it, a cycle is cut where it closes); `None` if no such unit.
fn path_now(conn: &Connection, id: OrgId) -> Result<Option<String>> {
    let mut parent = conn.prepare_cached("SELECT parent_id FROM orgs WHERE id = ?")?;
    let Some(mut next) = parent
        .query_row([id], |r| r.get::<_, Option<OrgId>>(0))
        .optional()?
    else {
        return Ok(None);
    };
    let mut chain = vec![id];
    while let Some(p) = next {
        let Some(up) = parent
            .query_row([p], |r| r.get::<_, Option<OrgId>>(0))
            .optional()?
        else {
            break;
        };
        if chain.contains(&p) {
            break;
        }
        chain.push(p);
        next = up;
    }
    chain.reverse();
    Ok(Some(
        chain.iter().map(|a| format!("/{a}")).collect::<String>() + "/",
    ))
}

/// Whether a noted unit record is now elsewhere in the tree than `org_tree` says (or
/// new, or gone).
fn tree_changed(conn: &Connection) -> Result<bool> {
    let orgs: Vec<OrgId> = conn
        .prepare("SELECT id FROM dirty_orgs")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stored = conn.prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?;
    for id in orgs {
        let was: Option<String> = stored.query_row([id], |r| r.get(0)).optional()?;
        if was != path_now(conn, id)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ancestors (root first, self last) from `org_tree`; a unit not in the tree is its
/// own only ancestor, as in the full refresh.
fn ancestors(conn: &Connection, id: OrgId) -> Result<Vec<OrgId>> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(match path {
        Some(p) => p.split('/').filter_map(|a| a.parse().ok()).collect(),
        None => vec![id],
    })
}

/// One unit's figures as `unit_quota` / `unit_posts` hold them.
#[derive(Default)]
struct UnitRows {
    quota: BTreeMap<u8, QuotaFigure>,
    posts: BTreeMap<(u8, u8), PostFigure>,
}

impl UnitRows {
    fn stored(conn: &Connection, org: OrgId) -> Result<UnitRows> {
        let mut out = UnitRows::default();
        let mut st = conn.prepare_cached(
            "SELECT staffing_type, approved, actual, reserved FROM unit_quota WHERE org_id = ?",
        )?;
        let mut rows = st.query([org])?;
        while let Some(r) = rows.next()? {
            out.quota.insert(
                r.get(0)?,
                QuotaFigure::unit(r.get(1)?, r.get(2)?, r.get(3)?),
            );
        }
        let mut st = conn.prepare_cached(
            "SELECT level, rank, approved, actual FROM unit_posts WHERE org_id = ?",
        )?;
        let mut rows = st.query([org])?;
        while let Some(r) = rows.next()? {
            out.posts.insert(
                (r.get(0)?, r.get(1)?),
                PostFigure::unit(r.get(2)?, r.get(3)?),
            );
        }
        Ok(out)
    }

    /// The unit's figures from its rows, through `UnitTally` as the full refresh does.
    fn tally(conn: &Connection, org: OrgId) -> Result<UnitRows> {
        let mut tally = UnitTally::default();
        // Only the columns the tally reads (a unit's persons read whole cost most of a
        // day's refresh).
        let mut st = conn.prepare_cached(
            "SELECT staffing_type, leader_level, leader_rank FROM persons \
             WHERE org_id = ? AND status = ?",
        )?;
        let mut rows = st.query(params![org, PersonStatus::Active.code()])?;
        while let Some(r) = rows.next()? {
            let level: Option<Level> = opt_vocab(r, 1)?;
            let rank: Option<PostRank> = opt_vocab(r, 2)?;
            tally.counted(
                PersonStatus::Active,
                opt_vocab(r, 0)?,
                level
                    .zip(rank)
                    .map(|(level, rank)| PostSlot { level, rank }),
            );
        }
        let mut st = conn.prepare_cached(
            "SELECT staffing_type, SUM(delta) FROM ledger WHERE org_id = ? GROUP BY 1",
        )?;
        let mut rows = st.query([org])?;
        while let Some(r) = rows.next()? {
            if let Some(t) = StaffingType::from_code(r.get(0)?) {
                tally.ledger(t, r.get(1)?);
            }
        }
        let mut st = conn.prepare_cached(
            "SELECT level, rank, SUM(delta) FROM posts WHERE org_id = ? GROUP BY 1, 2",
        )?;
        let mut rows = st.query([org])?;
        while let Some(r) = rows.next()? {
            if let (Some(level), Some(rank)) =
                (Level::from_code(r.get(0)?), PostRank::from_code(r.get(1)?))
            {
                tally.post_ledger(PostSlot { level, rank }, r.get(2)?);
            }
        }
        let mut st = conn.prepare_cached(&format!(
            "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE status = ? AND org_id = ? AND kind = ?"
        ))?;
        let plans = st.query_map(
            params![
                ApprovalStatus::Approved.code(),
                org,
                ApprovalKind::StaffingPlan.code()
            ],
            read_approval,
        )?;
        for plan in plans {
            tally.approval(&plan?);
        }
        Ok(UnitRows {
            quota: tally.quota().map(|(t, f)| (t.code(), f)).collect(),
            posts: tally
                .posts()
                .map(|(s, f)| ((s.level.code(), s.rank.code()), f))
                .collect(),
        })
    }

    fn write(&self, conn: &Connection, org: OrgId) -> Result<()> {
        conn.prepare_cached("DELETE FROM unit_quota WHERE org_id = ?")?
            .execute([org])?;
        conn.prepare_cached("DELETE FROM unit_posts WHERE org_id = ?")?
            .execute([org])?;
        let mut ins = conn.prepare_cached("INSERT INTO unit_quota VALUES (?, ?, ?, ?, ?)")?;
        for (t, f) in &self.quota {
            ins.execute(params![org, t, f.approved, f.actual, f.reserved])?;
        }
        let mut ins = conn.prepare_cached("INSERT INTO unit_posts VALUES (?, ?, ?, ?, ?)")?;
        for ((l, k), f) in &self.posts {
            ins.execute(params![org, l, k, f.approved, f.actual])?;
        }
        Ok(())
    }

    /// (warnings, whether the unit has one) per slot, counted as the full refresh does.
    fn warnings(&self) -> [(i64, bool); 3] {
        let mut w = [(0, false); 3];
        let mut count = |slot: WarningSlot| {
            let e = &mut w[slot as usize];
            e.0 += 1;
            e.1 = true;
        };
        for f in self.quota.values() {
            if f.is_over() {
                count(WarningSlot::OverQuota);
            } else if f.is_full() {
                count(WarningSlot::Full);
            }
        }
        for f in self.posts.values() {
            if f.actual > f.approved {
                count(WarningSlot::OverPosts);
            }
        }
        w
    }
}

fn quota_diff(a: QuotaFigure, b: QuotaFigure) -> QuotaFigure {
    QuotaFigure {
        approved: a.approved - b.approved,
        actual: a.actual - b.actual,
        reserved: a.reserved - b.reserved,
        vacant: a.vacant - b.vacant,
        over: a.over - b.over,
        usable: a.usable - b.usable,
    }
}

fn post_diff(a: PostFigure, b: PostFigure) -> PostFigure {
    PostFigure {
        approved: a.approved - b.approved,
        actual: a.actual - b.actual,
        vacant: a.vacant - b.vacant,
        over: a.over - b.over,
    }
}

/// What moves in the subtree tables: figure differences per (ancestor, key), and the
/// (ancestor, key) rows whose last contributing unit row may be gone.
#[derive(Default)]
struct SubtreeMoves {
    quota: BTreeMap<(OrgId, u8), QuotaFigure>,
    quota_gone: BTreeSet<(OrgId, u8)>,
    posts: BTreeMap<(OrgId, u8, u8), PostFigure>,
    posts_gone: BTreeSet<(OrgId, u8, u8)>,
}

impl SubtreeMoves {
    fn unit(&mut self, path: &[OrgId], old: &UnitRows, new: &UnitRows) {
        let types: BTreeSet<u8> = old.quota.keys().chain(new.quota.keys()).copied().collect();
        for t in types {
            let (o, n) = (old.quota.get(&t), new.quota.get(&t));
            let d = quota_diff(
                n.copied().unwrap_or_default(),
                o.copied().unwrap_or_default(),
            );
            for &anc in path {
                *self.quota.entry((anc, t)).or_default() += d;
                if n.is_none() {
                    self.quota_gone.insert((anc, t));
                }
            }
        }
        let slots: BTreeSet<(u8, u8)> = old.posts.keys().chain(new.posts.keys()).copied().collect();
        for s in slots {
            let (o, n) = (old.posts.get(&s), new.posts.get(&s));
            let d = post_diff(
                n.copied().unwrap_or_default(),
                o.copied().unwrap_or_default(),
            );
            for &anc in path {
                *self.posts.entry((anc, s.0, s.1)).or_default() += d;
                if n.is_none() {
                    self.posts_gone.insert((anc, s.0, s.1));
                }
            }
        }
    }

    fn write(&self, conn: &Connection) -> Result<()> {
        let mut get = conn.prepare_cached(
            "SELECT approved, actual, reserved, vacant, over, usable FROM subtree_quota \
             WHERE org_id = ? AND staffing_type = ?",
        )?;
        let mut put = conn.prepare_cached(
            "INSERT OR REPLACE INTO subtree_quota VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for (&(org, t), d) in &self.quota {
            let was = get
                .query_row(params![org, t], |r| {
                    Ok(QuotaFigure {
                        approved: r.get(0)?,
                        actual: r.get(1)?,
                        reserved: r.get(2)?,
                        vacant: r.get(3)?,
                        over: r.get(4)?,
                        usable: r.get(5)?,
                    })
                })
                .optional()?
                .unwrap_or_default();
            let f = was + *d;
            put.execute(params![
                org, t, f.approved, f.actual, f.reserved, f.vacant, f.over, f.usable
            ])?;
        }
        let mut get = conn.prepare_cached(
            "SELECT approved, actual, vacant, over FROM subtree_posts \
             WHERE org_id = ? AND level = ? AND rank = ?",
        )?;
        let mut put = conn
            .prepare_cached("INSERT OR REPLACE INTO subtree_posts VALUES (?, ?, ?, ?, ?, ?, ?)")?;
        for (&(org, l, k), d) in &self.posts {
            let was = get
                .query_row(params![org, l, k], |r| {
                    Ok(PostFigure {
                        approved: r.get(0)?,
                        actual: r.get(1)?,
                        vacant: r.get(2)?,
                        over: r.get(3)?,
                    })
                })
                .optional()?
                .unwrap_or_default();
            let f = was + *d;
            put.execute(params![org, l, k, f.approved, f.actual, f.vacant, f.over])?;
        }
        // A subtree row exists while a unit of the subtree has a row of its key.
        for &(org, t) in &self.quota_gone {
            let held: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM unit_quota q WHERE q.staffing_type = ?2 AND \
                     (q.org_id = ?1 OR q.org_id IN (SELECT org_id FROM org_tree \
                      WHERE path >= ?3 AND path < ?4)))",
                )?
                .query_row(
                    params![org, t, subtree_from(conn, org)?, subtree_to(conn, org)?],
                    |r| r.get(0),
                )?;
            if !held {
                conn.prepare_cached(
                    "DELETE FROM subtree_quota WHERE org_id = ? AND staffing_type = ?",
                )?
                .execute(params![org, t])?;
            }
        }
        for &(org, l, k) in &self.posts_gone {
            let held: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM unit_posts q WHERE q.level = ?2 AND q.rank = ?5 \
                     AND (q.org_id = ?1 OR q.org_id IN (SELECT org_id FROM org_tree \
                      WHERE path >= ?3 AND path < ?4)))",
                )?
                .query_row(
                    params![org, l, subtree_from(conn, org)?, subtree_to(conn, org)?, k],
                    |r| r.get(0),
                )?;
            if !held {
                conn.prepare_cached(
                    "DELETE FROM subtree_posts WHERE org_id = ? AND level = ? AND rank = ?",
                )?
                .execute(params![org, l, k])?;
            }
        }
        Ok(())
    }
}

/// The `org_tree` paths of a unit's subtree are those from its own path (inclusive) to
/// the same with its closing '/' raised by one ('0'), exclusive. A unit outside the
/// tree has an empty range.
fn subtree_from(conn: &Connection, org: OrgId) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([org], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

fn subtree_to(conn: &Connection, org: OrgId) -> Result<String> {
    let mut p = subtree_from(conn, org)?;
    if p.pop().is_some() {
        p.push('0');
    }
    Ok(p)
}

/// What one person row adds to the overview's counts (the full refresh's
/// `Counts::person`, less the anchor-dependent due/overage, which are range reads).
struct Counted {
    birth_day: Option<i64>,
    education: i64,
    post_type: i64,
    retire_month: Option<i64>,
}

impl Counted {
    /// From (status, birth_date, education, post_type, retire_month) columns at `at`;
    /// `None` for a person who is not active.
    fn read(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Option<Counted>> {
        if r.get::<_, i64>(at)? != i64::from(PersonStatus::Active.code()) {
            return Ok(None);
        }
        Ok(Some(Counted {
            birth_day: opt_date(r, at + 1)?.map(|b| b.num_days_from_ce().into()),
            education: opt_vocab::<Education>(r, at + 2)?.map_or(-1, |e| e.code().into()),
            post_type: r.get(at + 3)?,
            retire_month: r.get(at + 4)?,
        }))
    }

    fn add(&self, to: &mut BTreeMap<(i64, i64), i64>, sign: i64) {
        let mut bump = |d: i64, k: i64| *to.entry((d, k)).or_default() += sign;
        bump(dim::TOTAL, 0);
        match self.birth_day {
            Some(b) => bump(dim::BIRTH_DAY, b),
            None => bump(dim::TOTAL, 1),
        }
        bump(dim::EDUCATION, self.education);
        bump(dim::POST_TYPE, self.post_type);
        if let Some(m) = self.retire_month {
            bump(dim::RETIRE_MONTH, m);
        }
    }
}

/// The partial refresh proper (see the module's comment).
fn refresh_changed(conn: &Connection) -> Result<()> {
    conn.execute(
        "DELETE FROM meta WHERE key = ?",
        [super::pending::DERIVED_STALE],
    )?;
    let units: Vec<OrgId> = conn
        .prepare("SELECT id FROM dirty_units")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;

    // Units: their own rows, their ancestors' subtree rows, their warnings.
    let mut moves = SubtreeMoves::default();
    let mut warnings = [(0i64, 0i64); 3];
    // Units and types whose 核定 went from none to some or back: their persons'
    // 人编不对应 (no quota of the type they occupy) may have changed.
    let mut approved_moved: Vec<(OrgId, u8)> = Vec::new();
    for &org in &units {
        let old = UnitRows::stored(conn, org)?;
        let new = UnitRows::tally(conn, org)?;
        new.write(conn, org)?;
        moves.unit(&ancestors(conn, org)?, &old, &new);
        for (slot, (o, n)) in old.warnings().iter().zip(new.warnings()).enumerate() {
            warnings[slot].0 += n.0 - o.0;
            warnings[slot].1 += i64::from(n.1) - i64::from(o.1);
        }
        let some = |r: &UnitRows, t: u8| r.quota.get(&t).is_some_and(|f| f.approved > 0);
        let types: BTreeSet<u8> = old.quota.keys().chain(new.quota.keys()).copied().collect();
        for t in types {
            if some(&old, t) != some(&new, t) {
                approved_moved.push((org, t));
            }
        }
    }
    moves.write(conn)?;

    // Persons: the overview's counts move by the difference of their rows.
    let mut delta: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut persons: Vec<i64> = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT d.id, d.existed, d.status, d.birth_date, d.education, d.post_type, \
             d.retire_month, p.status, p.birth_date, p.education, p.post_type, p.retire_month, \
             p.id IS NOT NULL FROM dirty_persons d LEFT JOIN persons p ON p.id = d.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            persons.push(r.get(0)?);
            if r.get::<_, bool>(1)?
                && let Some(c) = Counted::read(r, 2)?
            {
                c.add(&mut delta, -1);
            }
            if r.get::<_, bool>(12)?
                && let Some(c) = Counted::read(r, 7)?
            {
                c.add(&mut delta, 1);
            }
        }
    }
    write_counts(conn, &delta, warnings)?;

    // Checks: the persons changed, those whose 一人一编 names them or their ID number,
    // and those of units whose approved quota moved.
    let mut recheck: BTreeSet<i64> = persons.iter().copied().collect();
    {
        let mut partners = conn.prepare_cached(
            "SELECT subject_id FROM problems WHERE subject_kind = ? AND other_id = ?",
        )?;
        let mut same_number = conn.prepare_cached(
            "SELECT q.id FROM persons p JOIN persons q ON q.id_number = p.id_number \
             WHERE p.id = ? AND p.id_number <> ''",
        )?;
        for &id in &persons {
            for r in partners.query_map(params![PERSON_SUBJECT, id], |r| r.get(0))? {
                recheck.insert(r?);
            }
            for r in same_number.query_map([id], |r| r.get(0))? {
                recheck.insert(r?);
            }
        }
        let mut of_unit = conn.prepare_cached(
            "SELECT id FROM persons WHERE org_id = ? AND staffing_type = ? AND status = ?",
        )?;
        for &(org, t) in &approved_moved {
            let rows =
                of_unit.query_map(params![org, t, PersonStatus::Active.code()], |r| r.get(0))?;
            for r in rows {
                recheck.insert(r?);
            }
        }
    }
    for id in recheck {
        person_problems(conn, id)?;
    }
    // Unit records: only those that changed (the tree did not, or the refresh would
    // be a full one, so no other unit's parent went missing).
    let orgs: Vec<OrgId> = conn
        .prepare("SELECT id FROM dirty_orgs")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    {
        let mut del =
            conn.prepare_cached("DELETE FROM problems WHERE subject_kind = ? AND subject_id = ?")?;
        for &id in &orgs {
            del.execute(params![ORG_SUBJECT, id])?;
        }
        let mut ins = conn.prepare_cached(
            "INSERT INTO problems (subject_kind, subject_id, code, message, other_id) \
             VALUES (?, ?, ?, ?, NULL)",
        )?;
        for (id, p) in super::derived::org_problems_of(conn, Some(&orgs))? {
            ins.execute(params![ORG_SUBJECT, id, p.code(), p.message()])?;
        }
    }
    let written: i64 = conn.query_row("SELECT COUNT(*) FROM problems", [], |r| r.get(0))?;
    conn.execute(
        "UPDATE overview_counts SET n = ? WHERE dim = ? AND key = ?",
        params![written, dim::WARNING, WarningSlot::Data as i64],
    )?;

    // Lookup keys of the rows that changed.
    super::lookup::refresh_search_keys_of(conn, &orgs, &persons)?;
    Ok(())
}

/// Moves `overview_counts` by the persons' differences and the units' warnings, keeps
/// the running totals, and counts the anchor month's due and overage again.
fn write_counts(
    conn: &Connection,
    delta: &BTreeMap<(i64, i64), i64>,
    warnings: [(i64, i64); 3],
) -> Result<()> {
    let mut bump = conn.prepare_cached(
        "INSERT INTO overview_counts VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (dim, key) DO UPDATE SET n = n + ?3, aux = aux + ?4",
    )?;
    let mut drop_empty = conn.prepare_cached(
        "DELETE FROM overview_counts WHERE dim = ? AND key = ? AND n = 0 AND dim <> ?",
    )?;
    // The smallest key that moved, per running-total dimension.
    let mut from: HashMap<i64, i64> = HashMap::new();
    for (&(d, k), &n) in delta {
        if n == 0 {
            continue;
        }
        bump.execute(params![d, k, n, 0])?;
        drop_empty.execute(params![d, k, dim::TOTAL])?;
        let f = from.entry(d).or_insert(k);
        *f = (*f).min(k);
    }
    for (slot, (n, units)) in warnings.iter().enumerate() {
        if (*n, *units) != (0, 0) {
            bump.execute(params![dim::WARNING, slot as i64, n, units])?;
        }
    }
    for d in [dim::BIRTH_DAY, dim::RETIRE_MONTH] {
        if let Some(k) = from.get(&d) {
            conn.prepare_cached(
                "UPDATE overview_counts SET aux = r.running FROM \
                 (SELECT key, SUM(n) OVER (ORDER BY key) AS running FROM overview_counts \
                  WHERE dim = ?1) AS r \
                 WHERE overview_counts.dim = ?1 AND overview_counts.key = r.key \
                 AND overview_counts.key >= ?2 AND overview_counts.aux <> r.running",
            )?
            .execute(params![d, k])?;
        }
    }
    // The forecast's anchor month is now's (a refresh in a new month counts anew).
    let anchor = YearMonth::of(chrono::Local::now().date_naive()).index();
    let horizon = anchor + i64::from(super::stats::FORECAST_MONTHS);
    conn.execute(
        "DELETE FROM overview_counts WHERE dim IN (?, ?)",
        [dim::DUE, dim::OVERAGE],
    )?;
    let active = PersonStatus::Active.code();
    for (d, lo, hi) in [
        (dim::OVERAGE, i64::MIN, anchor),
        (dim::DUE, anchor, horizon),
    ] {
        let (n, units): (i64, i64) = conn.query_row(
            "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM persons \
             WHERE status = ? AND retire_month >= ? AND retire_month < ?",
            params![active, lo, hi],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        conn.execute(
            "INSERT INTO overview_counts VALUES (?, ?, ?, ?)",
            params![d, anchor, n, units],
        )?;
    }
    Ok(())
}

/// Rewrites one person's problems, in the full refresh's order: the record's own
/// faults, 一人一编 (by the other's id), 人编不对应.
fn person_problems(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM problems WHERE subject_kind = ? AND subject_id = ?")?
        .execute(params![PERSON_SUBJECT, id])?;
    let person: Option<Person> = conn
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE id = ? AND status = ?"
        ))?
        .query_row(params![id, PersonStatus::Active.code()], read_person)
        .optional()?;
    let Some(p) = person else {
        return Ok(());
    };
    let mut found: Vec<Problem> = check_person(&p);
    if p.occupies_quota()
        && let Some(t) = p.staffing_type
    {
        if !p.id_number.is_empty() {
            let mut st = conn.prepare_cached(&format!(
                "SELECT {PERSON_COLUMNS} FROM persons WHERE id_number = ? AND status = ? \
                 AND id <> ? ORDER BY id"
            ))?;
            let others = st.query_map(
                params![p.id_number, PersonStatus::Active.code(), p.id],
                read_person,
            )?;
            for o in others {
                let o = o?;
                if o.occupies_quota() && o.staffing_type.is_some() {
                    found.push(Problem::CountedTwice { other_person: o.id });
                }
            }
        }
        let approved: i64 = conn
            .prepare_cached(
                "SELECT approved FROM unit_quota WHERE org_id = ? AND staffing_type = ?",
            )?
            .query_row(params![p.org_id, t.code()], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        if approved <= 0 {
            found.push(Problem::NoQuotaOfType);
        }
    }
    let mut ins = conn.prepare_cached(
        "INSERT INTO problems (subject_kind, subject_id, code, message, other_id) \
         VALUES (?, ?, ?, ?, ?)",
    )?;
    for problem in found {
        let other = match problem {
            Problem::CountedTwice { other_person } => Some(other_person),
            _ => None,
        };
        ins.execute(params![
            PERSON_SUBJECT,
            id,
            problem.code(),
            problem.message(),
            other
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
