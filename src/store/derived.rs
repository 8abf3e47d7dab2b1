//! Derived tables: the tree's paths, unit and subtree figures, data-quality faults.
//! Refreshed in the writer's transaction whenever synced data changes, so that panels
//! read figures instead of scanning persons on every keypress.

use super::Result;
use super::rows::{
    APPROVAL_COLUMNS, ORG_SUBJECT, PERSON_COLUMNS, PERSON_SUBJECT, read_approval, read_person,
};
use crate::model::checks::{Problem, check_person};
use crate::model::quota::{PostFigure, QuotaFigure};
use crate::model::{ApprovalKind, ApprovalStatus, OrgId, PersonStatus};
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Recomputes every derived table from the synced rows.
pub fn refresh_derived(conn: &Connection) -> Result<()> {
    let paths = refresh_tree(conn)?;
    let active = ActivePersons::scan(conn)?;
    let approved = refresh_quota(conn, &paths, &active)?;
    refresh_posts(conn, &paths, &active)?;
    refresh_problems(conn, &active, &approved)?;
    super::lookup::refresh_search_keys(conn)?;
    Ok(())
}

/// What the figures and checks need from the active persons, gathered in one scan of
/// the persons table: on a city that table is most of the cache, and scanning it once
/// per figure (and joining it with itself for 一人一编) was most of a sync's last page.
#[derive(Default)]
struct ActivePersons {
    /// 实有: (unit, staffing type) → active persons holding it.
    actual: HashMap<(OrgId, u8), i64>,
    /// (unit, leader level, leader rank) → active persons holding that post.
    leaders: HashMap<(OrgId, u8, u8), i64>,
    /// Faults of single records (check_person), in the table's order.
    faults: Vec<(i64, Problem)>,
    /// Persons holding a staffing type, in the table's order: (id, unit, type).
    holding: Vec<(i64, OrgId, u8)>,
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
            // The raw codes, as the figures have always grouped them.
            let staffing: Option<u8> = r.get(20)?;
            let (level, rank): (Option<u8>, Option<u8>) = (r.get(21)?, r.get(22)?);
            // 实有 is the model's rule; the query above only narrows the scan to
            // active rows.
            if p.occupies_quota()
                && let Some(t) = staffing
            {
                *out.actual.entry((p.org_id, t)).or_default() += 1;
                out.holding.push((p.id, p.org_id, t));
                if !p.id_number.is_empty() {
                    out.by_id_number
                        .entry(p.id_number.as_str().into())
                        .or_default()
                        .push(p.id);
                }
            }
            if let (Some(l), Some(k)) = (level, rank) {
                *out.leaders.entry((p.org_id, l, k)).or_default() += 1;
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

/// Returns each (unit, staffing type)'s approved quota, for the checks.
fn refresh_quota(
    conn: &Connection,
    paths: &Paths,
    active: &ActivePersons,
) -> Result<HashMap<(OrgId, u8), i64>> {
    // (org, staffing type) → (approved, actual, reserved)
    let mut units: HashMap<(OrgId, u8), (i64, i64, i64)> = HashMap::new();
    {
        let mut st =
            conn.prepare("SELECT org_id, staffing_type, SUM(delta) FROM ledger GROUP BY 1, 2")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (o, t, n) = row?;
            units.entry((o, t)).or_default().0 += n;
        }
        // 实有: `model::Person::occupies_quota`, counted in `ActivePersons::scan`.
        for (&(o, t), &n) in &active.actual {
            units.entry((o, t)).or_default().1 += n;
        }
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
            if let Some(t) = plan.staffing_type {
                units.entry((plan.org_id, t.code())).or_default().2 += plan.reserved();
            }
        }
    }
    conn.execute("DELETE FROM unit_quota", [])?;
    conn.execute("DELETE FROM subtree_quota", [])?;
    let mut ins = conn.prepare("INSERT INTO unit_quota VALUES (?, ?, ?, ?, ?)")?;
    let mut subtree: HashMap<(OrgId, u8), QuotaFigure> = HashMap::new();
    for (&(org, t), &(a, x, r)) in &units {
        ins.execute(params![org, t, a, x, r])?;
        let fig = QuotaFigure::unit(a, x, r);
        for &anc in paths.get(&org).map(Vec::as_slice).unwrap_or(&[org]) {
            *subtree.entry((anc, t)).or_default() += fig;
        }
    }
    let mut ins = conn.prepare("INSERT INTO subtree_quota VALUES (?, ?, ?, ?, ?, ?, ?, ?)")?;
    for ((org, t), f) in subtree {
        ins.execute(params![
            org, t, f.approved, f.actual, f.reserved, f.vacant, f.over, f.usable
        ])?;
    }
    Ok(units.into_iter().map(|(k, (a, _, _))| (k, a)).collect())
}

fn refresh_posts(conn: &Connection, paths: &Paths, active: &ActivePersons) -> Result<()> {
    let mut units: HashMap<(OrgId, u8, u8), (i64, i64)> = HashMap::new();
    {
        let mut st =
            conn.prepare("SELECT org_id, level, rank, SUM(delta) FROM posts GROUP BY 1, 2, 3")?;
        let rows = st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?))
        })?;
        for row in rows {
            let (o, l, k, n) = row?;
            units.entry((o, l, k)).or_default().0 += n;
        }
        for (&(o, l, k), &n) in &active.leaders {
            units.entry((o, l, k)).or_default().1 += n;
        }
    }
    conn.execute("DELETE FROM unit_posts", [])?;
    conn.execute("DELETE FROM subtree_posts", [])?;
    let mut ins = conn.prepare("INSERT INTO unit_posts VALUES (?, ?, ?, ?, ?)")?;
    let mut subtree: HashMap<(OrgId, u8, u8), PostFigure> = HashMap::new();
    for (&(org, l, k), &(a, x)) in &units {
        ins.execute(params![org, l, k, a, x])?;
        let fig = PostFigure::unit(a, x);
        for &anc in paths.get(&org).map(Vec::as_slice).unwrap_or(&[org]) {
            *subtree.entry((anc, l, k)).or_default() += fig;
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
    approved: &HashMap<(OrgId, u8), i64>,
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
