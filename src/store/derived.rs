//! Derived tables: the tree's paths, unit and subtree figures, data-quality faults.
//! Refreshed in the writer's transaction whenever synced data changes, so that panels
//! read figures instead of scanning persons on every keypress.

use super::Result;
use super::rows::{
    APPROVAL_COLUMNS, ORG_SUBJECT, PERSON_COLUMNS, PERSON_SUBJECT, read_approval, read_person,
};
use crate::model::checks::{Problem, check_person};
use crate::model::quota::{PostFigure, QuotaFigure, UnitTally};
use crate::model::{
    ApprovalKind, ApprovalStatus, Level, OrgId, Person, PersonStatus, PostRank, PostSlot,
    StaffingType, YearMonth,
};
use chrono::Datelike;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Recomputes every derived table from the synced rows (the server's, a first sync's and
/// an import's refresh; a client's later ones go through `partial::refresh`).
pub fn refresh_derived(conn: &Connection) -> Result<()> {
    conn.execute(
        "DELETE FROM meta WHERE key = ?",
        [super::pending::DERIVED_STALE],
    )?;
    // The month the retirement forecast's units are counted for: the overview asked for
    // in another month counts them from the index instead (`warnings::summary`).
    let anchor = YearMonth::of(chrono::Local::now().date_naive());
    lower_page_cache(conn)?;
    let paths = refresh_tree(conn)?;
    let mut active = ActivePersons::scan(conn, anchor)?;
    let tallies = unit_tallies(conn, std::mem::take(&mut active.tallies))?;
    let approved = refresh_quota(conn, &paths, &tallies, &mut active.counts)?;
    refresh_posts(conn, &paths, &tallies, &mut active.counts)?;
    refresh_problems(conn, &mut active, &approved)?;
    refresh_counts(conn, &active.counts)?;
    super::lookup::refresh_search_keys(conn)?;
    // Everything is current: what changed before this refresh is accounted for.
    super::partial::forget_changes(conn)?;
    Ok(())
}

/// SQLite's page cache during a full refresh, at most, in KiB. A first sync's last page
/// and an import come here with a 64 MiB cache full of the pages they wrote
/// (`store::bulk_write_begin`); the refresh reads the persons once, in order, and writes
/// small tables, so it needs no more than this, and what the cache gives back is the
/// memory the refresh and the lookup index built after it reuse (issue 19 item 3).
const REFRESH_CACHE_KIB: i64 = 8 * 1024;

/// Lowers the connection's page cache to [`REFRESH_CACHE_KIB`] if it is larger, and has
/// SQLite free what it no longer needs. The caller that raised it puts back its own
/// setting afterwards (`store::bulk_write_end`); a connection with a smaller cache
/// keeps it. Dirty pages over the limit are written to the WAL early, not lost.
fn lower_page_cache(conn: &Connection) -> Result<()> {
    let size: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    // Negative: KiB; positive: pages (of 4 KiB by default).
    let kib = if size < 0 { -size } else { size * 4 };
    if kib > REFRESH_CACHE_KIB {
        conn.pragma_update(None, "cache_size", -REFRESH_CACHE_KIB)?;
        conn.query_row("PRAGMA shrink_memory", [], |_| Ok(()))
            .optional()?;
    }
    Ok(())
}

/// What each dimension of `overview_counts` holds, all over the active persons of the
/// whole cache. Read by `store::stats::jurisdiction` and `store::warnings::summary`.
pub(super) mod dim {
    /// key 0: active persons; key 1: those of them with no birth date.
    pub const TOTAL: i64 = 0;
    /// key: birth date as days from the common era; n: born that day; aux: born on or
    /// before it (a running total, so an age band is two indexed reads).
    pub const BIRTH_DAY: i64 = 1;
    /// key: education code, -1 for not recorded.
    pub const EDUCATION: i64 = 2;
    /// key: post type code.
    pub const POST_TYPE: i64 = 3;
    /// key: month index the statutory retirement age is reached; n: persons; aux: the
    /// running total up to and including that month.
    pub const RETIRE_MONTH: i64 = 4;
    /// key: [`super::WarningSlot`]; n: warnings; aux: units they concern.
    pub const WARNING: i64 = 5;
    /// key: the anchor month; n: persons due within the forecast horizon from it, aux:
    /// their units.
    pub const DUE: i64 = 6;
    /// key: the anchor month; n: persons past the age before it, aux: their units.
    pub const OVERAGE: i64 = 7;
}

/// The warnings counted per unit row of the derived figures (keys of [`dim::WARNING`]).
#[derive(Debug, Clone, Copy)]
pub(super) enum WarningSlot {
    OverQuota = 0,
    Full = 1,
    OverPosts = 2,
    Data = 3,
}

/// The overview's counts, gathered while the figures are derived.
#[derive(Default)]
struct Counts {
    anchor: i64,
    active: i64,
    no_birth: i64,
    birth_days: BTreeMap<i64, i64>,
    education: BTreeMap<i64, i64>,
    post_types: BTreeMap<i64, i64>,
    retire_months: BTreeMap<i64, i64>,
    due: (i64, HashSet<OrgId>),
    overage: (i64, HashSet<OrgId>),
    /// Per [`WarningSlot`]: warnings, and the units they concern.
    warnings: [(i64, HashSet<OrgId>); 4],
}

impl Counts {
    fn person(&mut self, p: &Person, retire_month: Option<i64>) {
        self.active += 1;
        match p.birth_date {
            Some(b) => {
                *self
                    .birth_days
                    .entry(b.num_days_from_ce().into())
                    .or_default() += 1
            }
            None => self.no_birth += 1,
        }
        let edu = p.education.map_or(-1, |e| e.code().into());
        *self.education.entry(edu).or_default() += 1;
        *self
            .post_types
            .entry(p.post_type.code().into())
            .or_default() += 1;
        if let Some(m) = retire_month {
            *self.retire_months.entry(m).or_default() += 1;
            let horizon = self.anchor + i64::from(super::stats::FORECAST_MONTHS);
            let slot = if m < self.anchor {
                &mut self.overage
            } else if m < horizon {
                &mut self.due
            } else {
                return;
            };
            slot.0 += 1;
            slot.1.insert(p.org_id);
        }
    }

    fn warning(&mut self, slot: WarningSlot, org: OrgId) {
        let w = &mut self.warnings[slot as usize];
        w.0 += 1;
        w.1.insert(org);
    }
}

/// Writes `overview_counts`.
fn refresh_counts(conn: &Connection, c: &Counts) -> Result<()> {
    conn.execute("DELETE FROM overview_counts", [])?;
    let mut ins = conn.prepare("INSERT INTO overview_counts VALUES (?, ?, ?, ?)")?;
    let mut put = |d: i64, key: i64, n: i64, aux: i64| ins.execute(params![d, key, n, aux]);
    put(dim::TOTAL, 0, c.active, 0)?;
    put(dim::TOTAL, 1, c.no_birth, 0)?;
    for (d, map) in [
        (dim::BIRTH_DAY, &c.birth_days),
        (dim::RETIRE_MONTH, &c.retire_months),
    ] {
        let mut running = 0;
        for (&k, &n) in map {
            running += n;
            put(d, k, n, running)?;
        }
    }
    for (d, map) in [
        (dim::EDUCATION, &c.education),
        (dim::POST_TYPE, &c.post_types),
    ] {
        for (&k, &n) in map {
            put(d, k, n, 0)?;
        }
    }
    for (slot, (n, units)) in c.warnings.iter().enumerate() {
        put(dim::WARNING, slot as i64, *n, units.len() as i64)?;
    }
    put(dim::DUE, c.anchor, c.due.0, c.due.1.len() as i64)?;
    put(
        dim::OVERAGE,
        c.anchor,
        c.overage.0,
        c.overage.1.len() as i64,
    )?;
    Ok(())
}

/// What the figures and checks need from the active persons, gathered in one scan of
/// the persons table: on a city that table is most of the cache, and scanning it once
/// per figure (and joining it with itself for 一人一编) was most of a sync's last page.
#[derive(Default)]
struct ActivePersons {
    /// Each unit's 实有 and 实配, counted by the model's rules.
    tallies: HashMap<OrgId, UnitTally>,
    /// Faults of single records (check_person), in the table's order.
    faults: Vec<(i64, Problem)>,
    /// Persons holding a staffing type, in the table's order: (id, unit, type).
    holding: Vec<(i64, OrgId, StaffingType)>,
    /// Persons holding a staffing type under an ID number: (a hash of the number, the
    /// person), in the table's order. Persons whose hashes meet have their numbers read
    /// again and compared (`counted_twice`): a city's 190,000 numbers kept as text
    /// were 20 MB of the refresh.
    by_id_number: Vec<(u64, i64)>,
    /// The overview's counts.
    counts: Counts,
}

impl ActivePersons {
    fn scan(conn: &Connection, anchor: YearMonth) -> Result<ActivePersons> {
        let mut out = ActivePersons::default();
        out.counts.anchor = anchor.index();
        // `retire_month` as stored, the column the warnings list reads.
        let retire_col = PERSON_COLUMNS.split(',').count() - 1;
        let mut st = conn.prepare(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE status = ?"
        ))?;
        let mut rows = st.query([PersonStatus::Active.code()])?;
        while let Some(r) = rows.next()? {
            let p = read_person(r)?;
            out.counts.person(&p, r.get(retire_col)?);
            out.tallies.entry(p.org_id).or_default().person(&p);
            if p.occupies_quota()
                && let Some(t) = p.staffing_type
            {
                out.holding.push((p.id, p.org_id, t));
                if !p.id_number.is_empty() {
                    out.by_id_number.push((id_number_hash(&p.id_number), p.id));
                }
            }
            for problem in check_person(&p) {
                out.faults.push((p.id, problem));
            }
        }
        Ok(out)
    }
}

/// Ancestors (root first, self last) of every unit.
type Paths = HashMap<OrgId, Vec<OrgId>>;

fn refresh_tree(conn: &Connection) -> Result<Paths> {
    let mut st = conn.prepare("SELECT id, parent_id FROM orgs")?;
    let parent: HashMap<OrgId, Option<OrgId>> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut paths: Paths = HashMap::with_capacity(parent.len());
    for &id in parent.keys() {
        let mut chain = vec![id];
        let mut cur = id;
        // A parent outside the cache ends the chain (the jurisdiction's root); a cycle in
        // bad data is cut where it closes.
        while let Some(Some(p)) = parent.get(&cur) {
            if !parent.contains_key(p) || chain.contains(p) {
                break;
            }
            chain.push(*p);
            cur = *p;
        }
        chain.reverse();
        paths.insert(id, chain);
    }
    conn.execute("DELETE FROM org_tree", [])?;
    let mut ins = conn.prepare("INSERT INTO org_tree (org_id, path, depth) VALUES (?, ?, ?)")?;
    for (id, chain) in &paths {
        let path: String = chain.iter().map(|a| format!("/{a}")).collect::<String>() + "/";
        ins.execute(params![id, path, chain.len() as i64 - 1])?;
    }
    Ok(paths)
}

/// Each unit's figures: the active persons' counts, plus the ledgers' sums and the
/// approved plans, all through `model::quota::UnitTally`.
fn unit_tallies(
    conn: &Connection,
    mut tallies: HashMap<OrgId, UnitTally>,
) -> Result<HashMap<OrgId, UnitTally>> {
    let mut st =
        conn.prepare("SELECT org_id, staffing_type, SUM(delta) FROM ledger GROUP BY 1, 2")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (o, t, n) = row?;
        if let Some(t) = StaffingType::from_code(t) {
            tallies.entry(o).or_default().ledger(t, n);
        }
    }
    let mut st =
        conn.prepare("SELECT org_id, level, rank, SUM(delta) FROM posts GROUP BY 1, 2, 3")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (o, l, k, n) = row?;
        if let (Some(level), Some(rank)) = (Level::from_code(l), PostRank::from_code(k)) {
            tallies
                .entry(o)
                .or_default()
                .post_ledger(PostSlot { level, rank }, n);
        }
    }
    // Only approved plans hold places; the query narrows, the model decides.
    let mut st = conn.prepare(&format!(
        "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE kind = ? AND status = ?"
    ))?;
    let plans = st.query_map(
        params![
            ApprovalKind::StaffingPlan.code(),
            ApprovalStatus::Approved.code()
        ],
        read_approval,
    )?;
    for plan in plans {
        let plan = plan?;
        tallies.entry(plan.org_id).or_default().approval(&plan);
    }
    Ok(tallies)
}

/// Writes `unit_quota` and `subtree_quota`; returns each (unit, staffing type)'s
/// approved quota, for the checks.
fn refresh_quota(
    conn: &Connection,
    paths: &Paths,
    tallies: &HashMap<OrgId, UnitTally>,
    counts: &mut Counts,
) -> Result<HashMap<(OrgId, StaffingType), i64>> {
    conn.execute("DELETE FROM unit_quota", [])?;
    conn.execute("DELETE FROM subtree_quota", [])?;
    let mut ins = conn.prepare("INSERT INTO unit_quota VALUES (?, ?, ?, ?, ?)")?;
    let mut subtree: HashMap<(OrgId, u8), QuotaFigure> = HashMap::new();
    let mut approved = HashMap::new();
    for (&org, tally) in tallies {
        for (t, fig) in tally.quota() {
            ins.execute(params![
                org,
                t.code(),
                fig.approved,
                fig.actual,
                fig.reserved
            ])?;
            approved.insert((org, t), fig.approved);
            if fig.is_over() {
                counts.warning(WarningSlot::OverQuota, org);
            } else if fig.is_full() {
                counts.warning(WarningSlot::Full, org);
            }
            for &anc in paths.get(&org).map(Vec::as_slice).unwrap_or(&[org]) {
                *subtree.entry((anc, t.code())).or_default() += fig;
            }
        }
    }
    let mut ins = conn.prepare("INSERT INTO subtree_quota VALUES (?, ?, ?, ?, ?, ?, ?, ?)")?;
    for ((org, t), f) in subtree {
        ins.execute(params![
            org, t, f.approved, f.actual, f.reserved, f.vacant, f.over, f.usable
        ])?;
    }
    Ok(approved)
}

/// Writes `unit_posts` and `subtree_posts`.
fn refresh_posts(
    conn: &Connection,
    paths: &Paths,
    tallies: &HashMap<OrgId, UnitTally>,
    counts: &mut Counts,
) -> Result<()> {
    conn.execute("DELETE FROM unit_posts", [])?;
    conn.execute("DELETE FROM subtree_posts", [])?;
    let mut ins = conn.prepare("INSERT INTO unit_posts VALUES (?, ?, ?, ?, ?)")?;
    let mut subtree: HashMap<(OrgId, u8, u8), PostFigure> = HashMap::new();
    for (&org, tally) in tallies {
        for (s, fig) in tally.posts() {
            let (l, k) = (s.level.code(), s.rank.code());
            ins.execute(params![org, l, k, fig.approved, fig.actual])?;
            if fig.actual > fig.approved {
                counts.warning(WarningSlot::OverPosts, org);
            }
            for &anc in paths.get(&org).map(Vec::as_slice).unwrap_or(&[org]) {
                *subtree.entry((anc, l, k)).or_default() += fig;
            }
        }
    }
    let mut ins = conn.prepare("INSERT INTO subtree_posts VALUES (?, ?, ?, ?, ?, ?, ?)")?;
    for ((org, l, k), f) in subtree {
        ins.execute(params![org, l, k, f.approved, f.actual, f.vacant, f.over])?;
    }
    Ok(())
}

fn refresh_problems(
    conn: &Connection,
    active: &mut ActivePersons,
    approved: &HashMap<(OrgId, StaffingType), i64>,
) -> Result<()> {
    conn.execute("DELETE FROM problems", [])?;
    let mut ins = conn.prepare(
        "INSERT INTO problems (subject_kind, subject_id, code, message, other_id) \
         VALUES (?, ?, ?, ?, ?)",
    )?;
    // The overview counts problems, not the units they concern.
    let mut written = 0;
    let mut put = |kind: i64, id: i64, p: &Problem| {
        written += 1;
        let other = match p {
            Problem::CountedTwice { other_person } => Some(*other_person),
            _ => None,
        };
        ins.execute(params![kind, id, p.code(), p.message(), other])
            .map(|_| ())
    };

    for (id, problem) in &active.faults {
        put(PERSON_SUBJECT, *id, problem)?;
    }
    // 一人一编: the same ID number active in more than one record holding a staffing type.
    // Each pair both ways, ordered as the persons table is (by id).
    let twice = counted_twice(conn, std::mem::take(&mut active.by_id_number))?;
    for (a, b) in twice {
        put(
            PERSON_SUBJECT,
            a,
            &Problem::CountedTwice { other_person: b },
        )?;
    }
    // 人编不对应: holding a staffing type the unit has no approved quota of.
    for &(id, org, t) in &active.holding {
        if approved.get(&(org, t)).copied().unwrap_or(0) <= 0 {
            put(PERSON_SUBJECT, id, &Problem::NoQuotaOfType)?;
        }
    }
    for (id, problem) in org_problems(conn)? {
        put(ORG_SUBJECT, id, &problem)?;
    }
    active.counts.warnings[WarningSlot::Data as usize].0 = written;
    Ok(())
}

fn id_number_hash(n: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    n.hash(&mut h);
    h.finish()
}

/// The pairs of persons sharing an ID number, each pair both ways, sorted, from
/// (hash of the number, person) pairs: persons whose hashes meet are grouped by their
/// numbers read again, so a collision of hashes never makes a pair.
fn counted_twice(conn: &Connection, mut by_hash: Vec<(u64, i64)>) -> Result<Vec<(i64, i64)>> {
    by_hash.sort_unstable();
    let mut number_of = conn.prepare_cached("SELECT id_number FROM persons WHERE id = ?")?;
    let mut twice: Vec<(i64, i64)> = Vec::new();
    for group in by_hash.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut numbered: Vec<(String, i64)> = Vec::with_capacity(group.len());
        for &(_, id) in group {
            numbered.push((number_of.query_row([id], |r| r.get(0))?, id));
        }
        numbered.sort_unstable();
        for ids in numbered.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            for (_, a) in ids {
                twice.extend(ids.iter().filter(|(_, b)| b != a).map(|(_, b)| (*a, *b)));
            }
        }
    }
    twice.sort_unstable();
    Ok(twice)
}

/// The faults of every unit, in the table's order: its own record's (check_org), and a
/// parent missing from the cache.
pub(super) fn org_problems(conn: &Connection) -> Result<Vec<(OrgId, Problem)>> {
    org_problems_of(conn, None)
}

/// The problems of the unit records `only` names (all when `None`): a record's own
/// faults, and a parent outside the cache. Whether a parent is outside depends on the
/// whole tree, which is read as (id, parent) pairs; records are read whole only where
/// they are checked.
pub(super) fn org_problems_of(
    conn: &Connection,
    only: Option<&[OrgId]>,
) -> Result<Vec<(OrgId, Problem)>> {
    let tree: Vec<(OrgId, Option<OrgId>)> = conn
        .prepare("SELECT id, parent_id FROM orgs")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let ids: std::collections::HashSet<OrgId> = tree.iter().map(|o| o.0).collect();
    let scope_root: Option<OrgId> =
        super::get_meta(conn, "scope_root")?.and_then(|s| s.parse().ok());
    let orphans: Vec<OrgId> = tree
        .iter()
        .filter(|o| o.1.is_some_and(|p| !ids.contains(&p)))
        .map(|o| o.0)
        .collect();
    let has_root = tree.iter().any(|o| o.1.is_none());
    let orgs = match only {
        None => conn
            .prepare(&format!(
                "SELECT {} FROM orgs ORDER BY id",
                super::rows::ORG_COLUMNS
            ))?
            .query_map([], super::rows::read_org)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        Some(only) => {
            let mut st = conn.prepare_cached(&format!(
                "SELECT {} FROM orgs WHERE id = ?",
                super::rows::ORG_COLUMNS
            ))?;
            let mut orgs = Vec::new();
            for id in only {
                if let Some(o) = st.query_row([id], super::rows::read_org).optional()? {
                    orgs.push(o);
                }
            }
            orgs
        }
    };
    let mut out = Vec::new();
    for o in &orgs {
        for problem in crate::model::checks::check_org(o) {
            out.push((o.id, problem));
        }
        // The jurisdiction's own root legitimately has its parent outside the cache.
        let is_scope_root = Some(o.id) == scope_root || (!has_root && orphans.len() == 1);
        if orphans.contains(&o.id) && !is_scope_root {
            out.push((o.id, Problem::DanglingParent));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 一人一编 from hashes of the numbers: persons whose hashes meet are paired only if
    /// their numbers are the same, each pair both ways and sorted.
    #[test]
    fn counted_twice_pairs_equal_numbers_not_equal_hashes() {
        let mut s = super::super::Store::open_in_memory().unwrap();
        s.replace_all(&crate::generate::generate(crate::generate::Scale::Small, 1))
            .unwrap();
        let conn = s.conn();
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM persons ORDER BY id LIMIT 4")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
        let number = |id: i64| -> String {
            conn.query_row("SELECT id_number FROM persons WHERE id = ?", [id], |r| {
                r.get(0)
            })
            .unwrap()
        };
        // c and a share a number; b and d have numbers of their own.
        conn.execute(
            "UPDATE persons SET id_number = ? WHERE id = ?",
            params![number(a), c],
        )
        .unwrap();
        assert_ne!(number(a), number(b));
        assert_ne!(number(b), number(d));
        let real = |id: i64| id_number_hash(&number(id));
        assert_eq!(real(a), real(c));
        // The real hashes, in any order.
        let pairs = counted_twice(conn, vec![(real(c), c), (real(b), b), (real(a), a)]).unwrap();
        assert_eq!(pairs, vec![(a, c), (c, a)]);
        // All four made to collide: only a and c are the same person.
        let pairs = counted_twice(conn, vec![(7, d), (7, c), (7, b), (7, a)]).unwrap();
        assert_eq!(pairs, vec![(a, c), (c, a)]);
        // b and d made to share a number too: two pairs, sorted.
        conn.execute(
            "UPDATE persons SET id_number = ? WHERE id = ?",
            params![number(b), d],
        )
        .unwrap();
        let pairs = counted_twice(conn, vec![(7, d), (7, c), (7, b), (7, a)]).unwrap();
        assert_eq!(pairs, vec![(a, c), (b, d), (c, a), (d, b)]);
        // No pair without a shared number.
        assert!(
            counted_twice(conn, vec![(1, a), (2, b)])
                .unwrap()
                .is_empty()
        );
    }
}
