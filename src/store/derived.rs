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
    ApprovalKind, ApprovalStatus, Level, OrgId, PersonStatus, PostRank, PostSlot, StaffingType,
};
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Recomputes every derived table from the synced rows.
pub fn refresh_derived(conn: &Connection) -> Result<()> {
    let paths = refresh_tree(conn)?;
    let mut active = ActivePersons::scan(conn)?;
    let tallies = unit_tallies(conn, std::mem::take(&mut active.tallies))?;
    let approved = refresh_quota(conn, &paths, &tallies)?;
    refresh_posts(conn, &paths, &tallies)?;
    refresh_problems(conn, &active, &approved)?;
    super::lookup::refresh_search_keys(conn)?;
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
    /// ID number → persons holding a staffing type under it, in the table's order.
    by_id_number: HashMap<Box<str>, Vec<i64>>,
}

impl ActivePersons {
    fn scan(conn: &Connection) -> Result<ActivePersons> {
        let mut out = ActivePersons::default();
        let mut st = conn.prepare(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE status = ?"
        ))?;
        let mut rows = st.query([PersonStatus::Active.code()])?;
        while let Some(r) = rows.next()? {
            let p = read_person(r)?;
            out.tallies.entry(p.org_id).or_default().person(&p);
            if p.occupies_quota()
                && let Some(t) = p.staffing_type
            {
                out.holding.push((p.id, p.org_id, t));
                if !p.id_number.is_empty() {
                    out.by_id_number
                        .entry(p.id_number.as_str().into())
                        .or_default()
                        .push(p.id);
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
) -> Result<()> {
    conn.execute("DELETE FROM unit_posts", [])?;
    conn.execute("DELETE FROM subtree_posts", [])?;
    let mut ins = conn.prepare("INSERT INTO unit_posts VALUES (?, ?, ?, ?, ?)")?;
    let mut subtree: HashMap<(OrgId, u8, u8), PostFigure> = HashMap::new();
    for (&org, tally) in tallies {
        for (s, fig) in tally.posts() {
            let (l, k) = (s.level.code(), s.rank.code());
            ins.execute(params![org, l, k, fig.approved, fig.actual])?;
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
    active: &ActivePersons,
    approved: &HashMap<(OrgId, StaffingType), i64>,
) -> Result<()> {
    conn.execute("DELETE FROM problems", [])?;
    let mut ins = conn.prepare(
        "INSERT INTO problems (subject_kind, subject_id, code, message) VALUES (?, ?, ?, ?)",
    )?;
    let mut put = |kind: i64, id: i64, p: &Problem| {
        ins.execute(params![kind, id, p.code(), p.message()])
            .map(|_| ())
    };

    for (id, problem) in &active.faults {
        put(PERSON_SUBJECT, *id, problem)?;
    }
    // 一人一编: the same ID number active in more than one record holding a staffing type.
    // Each pair both ways, ordered as the persons table is (by id).
    let mut twice: Vec<(i64, i64)> = Vec::new();
    for ids in active.by_id_number.values().filter(|ids| ids.len() > 1) {
        for &a in ids {
            twice.extend(ids.iter().filter(|&&b| b != a).map(|&b| (a, b)));
        }
    }
    twice.sort_unstable();
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
    let mut st = conn.prepare(&format!("SELECT {} FROM orgs", super::rows::ORG_COLUMNS))?;
    let orgs = st
        .query_map([], super::rows::read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let ids: std::collections::HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
    let scope_root: Option<OrgId> =
        super::get_meta(conn, "scope_root")?.and_then(|s| s.parse().ok());
    let orphans: Vec<OrgId> = orgs
        .iter()
        .filter(|o| o.parent_id.is_some_and(|p| !ids.contains(&p)))
        .map(|o| o.id)
        .collect();
    let has_root = orgs.iter().any(|o| o.parent_id.is_none());
    for o in &orgs {
        for problem in crate::model::checks::check_org(o) {
            put(ORG_SUBJECT, o.id, &problem)?;
        }
        // The jurisdiction's own root legitimately has its parent outside the cache.
        let is_scope_root = Some(o.id) == scope_root || (!has_root && orphans.len() == 1);
        if orphans.contains(&o.id) && !is_scope_root {
            put(ORG_SUBJECT, o.id, &Problem::DanglingParent)?;
        }
    }
    Ok(())
}
