//! Derived tables: the tree's paths, unit and subtree figures, data-quality faults.
//! Refreshed in the writer's transaction whenever synced data changes, so that panels
//! read figures instead of scanning persons on every keypress.

use super::Result;
use super::rows::{APPROVAL_COLUMNS, PERSON_COLUMNS, read_approval, read_person};
use crate::model::checks::{Problem, check_person};
use crate::model::quota::{PostFigure, QuotaFigure};
use crate::model::{ApprovalKind, ApprovalStatus, OrgId, PersonStatus};
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Recomputes every derived table from the synced rows.
pub fn refresh_derived(conn: &Connection) -> Result<()> {
    let paths = refresh_tree(conn)?;
    refresh_quota(conn, &paths)?;
    refresh_posts(conn, &paths)?;
    refresh_problems(conn)?;
    super::lookup::refresh_search_keys(conn)?;
    Ok(())
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

fn refresh_quota(conn: &Connection, paths: &Paths) -> Result<()> {
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
        // 实有: active persons holding a staffing type (model::Person::occupies_quota).
        let mut st = conn.prepare(
            "SELECT org_id, staffing_type, COUNT(*) FROM persons \
             WHERE status = ? AND staffing_type IS NOT NULL GROUP BY 1, 2",
        )?;
        let rows = st.query_map([PersonStatus::Active.code()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (o, t, n) = row?;
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
    Ok(())
}

fn refresh_posts(conn: &Connection, paths: &Paths) -> Result<()> {
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
        let mut st = conn.prepare(
            "SELECT org_id, leader_level, leader_rank, COUNT(*) FROM persons \
             WHERE status = ? AND leader_level IS NOT NULL AND leader_rank IS NOT NULL GROUP BY 1, 2, 3",
        )?;
        let rows = st.query_map([PersonStatus::Active.code()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?))
        })?;
        for row in rows {
            let (o, l, k, n) = row?;
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

fn refresh_problems(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM problems", [])?;
    let mut ins = conn.prepare(
        "INSERT INTO problems (subject_kind, subject_id, code, message) VALUES (?, ?, ?, ?)",
    )?;
    let mut put = |kind: i64, id: i64, p: &Problem| {
        ins.execute(params![kind, id, p.code(), p.message()])
            .map(|_| ())
    };

    let mut st = conn.prepare(&format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE status = ?"
    ))?;
    let persons = st.query_map([PersonStatus::Active.code()], read_person)?;
    for p in persons {
        let p = p?;
        for problem in check_person(&p) {
            put(2, p.id, &problem)?;
        }
    }
    // 一人一编: the same ID number active in more than one record.
    let mut st = conn.prepare(
        "SELECT a.id, b.id FROM persons a JOIN persons b ON a.id_number = b.id_number AND a.id <> b.id \
         WHERE a.status = ?1 AND b.status = ?1 AND a.id_number <> '' AND a.staffing_type IS NOT NULL \
         AND b.staffing_type IS NOT NULL",
    )?;
    let pairs = st.query_map([PersonStatus::Active.code()], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for pair in pairs {
        let (a, b) = pair?;
        put(2, a, &Problem::CountedTwice { other_person: b })?;
    }
    // 人编不对应: holding a staffing type the unit has no approved quota of.
    let mut st = conn.prepare(
        "SELECT p.id FROM persons p LEFT JOIN unit_quota q \
         ON q.org_id = p.org_id AND q.staffing_type = p.staffing_type \
         WHERE p.status = ? AND p.staffing_type IS NOT NULL AND COALESCE(q.approved, 0) <= 0",
    )?;
    let ids = st.query_map([PersonStatus::Active.code()], |r| r.get::<_, i64>(0))?;
    for id in ids {
        put(2, id?, &Problem::NoQuotaOfType)?;
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
            put(1, o.id, &problem)?;
        }
        // The jurisdiction's own root legitimately has its parent outside the cache.
        let is_scope_root = Some(o.id) == scope_root || (!has_root && orphans.len() == 1);
        if orphans.contains(&o.id) && !is_scope_root {
            put(1, o.id, &Problem::DanglingParent)?;
        }
    }
    Ok(())
}
