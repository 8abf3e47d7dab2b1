//! The reads the panels and commands need. None scans all persons: each goes through an
//! index or a derived table.

use super::Result;
use super::rows::*;
use crate::model::quota::{Figures, PostFigure, QuotaFigure};
use crate::model::*;
use rusqlite::{Connection, OptionalExtension, params};

/// A node as the tree shows it: the unit, whether it has children, its subtree figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TreeNode {
    pub org: Org,
    pub has_children: bool,
    pub depth: i64,
    /// All staffing types together, over the subtree.
    pub total: QuotaFigure,
    /// Leadership posts held beyond those approved, over the subtree (超职数).
    pub posts_over: i64,
    pub traffic: crate::model::quota::Traffic,
}

fn node_from(conn: &Connection, org: Org) -> Result<TreeNode> {
    let has_children: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM orgs WHERE parent_id = ?)")?
        .query_row([org.id], |r| r.get(0))?;
    let depth: i64 = conn
        .prepare_cached("SELECT depth FROM org_tree WHERE org_id = ?")?
        .query_row([org.id], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let figures = subtree_figures(conn, org.id)?;
    Ok(TreeNode {
        has_children,
        depth,
        total: figures.total(),
        posts_over: figures.posts.iter().map(|(_, f)| f.over).sum(),
        traffic: figures.traffic(),
        org,
    })
}

pub fn org(conn: &Connection, id: OrgId) -> Result<Option<Org>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?"))?
        .query_row([id], read_org)
        .optional()?)
}

/// The tops of the cache: units whose parent is absent (the jurisdiction's root).
pub fn roots(conn: &Connection) -> Result<Vec<TreeNode>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM orgs) \
         ORDER BY sort, id"
    ))?;
    let orgs = st
        .query_map([], read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    orgs.into_iter().map(|o| node_from(conn, o)).collect()
}

pub fn children(conn: &Connection, parent: OrgId) -> Result<Vec<TreeNode>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE parent_id = ? ORDER BY sort, id"
    ))?;
    let orgs = st
        .query_map([parent], read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    orgs.into_iter().map(|o| node_from(conn, o)).collect()
}

/// The unit and its ancestors within the cache, root first.
pub fn path_to_root(conn: &Connection, id: OrgId) -> Result<Vec<Org>> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let mut out = Vec::new();
    for part in path
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
    {
        if let Ok(a) = part.parse::<i64>()
            && let Some(o) = org(conn, a)?
        {
            out.push(o);
        }
    }
    Ok(out)
}

/// `示例市 › 教育局 › 办公室`: the unit's path as text, short names where they exist.
pub fn path_text(conn: &Connection, id: OrgId) -> Result<String> {
    let path = path_to_root(conn, id)?;
    Ok(path
        .iter()
        .map(|o| o.short_name.as_deref().unwrap_or(&o.name))
        .collect::<Vec<_>>()
        .join(" › "))
}

/// Ids of the unit and every unit under it.
pub fn subtree_ids(conn: &Connection, id: OrgId) -> Result<Vec<OrgId>> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(path) = path else { return Ok(vec![]) };
    let mut st =
        conn.prepare_cached("SELECT org_id FROM org_tree WHERE path >= ?1 AND path < ?1 || x'ff'")?;
    let ids = st
        .query_map([path], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// Persons of one unit; `active_only` leaves out the retired and the former.
pub fn persons_of(conn: &Connection, org_id: OrgId, active_only: bool) -> Result<Vec<Person>> {
    let filter = if active_only {
        format!(" AND status = {}", PersonStatus::Active.code())
    } else {
        String::new()
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE org_id = ?{filter} ORDER BY id"
    ))?;
    let v = st
        .query_map([org_id], read_person)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub fn person(conn: &Connection, id: PersonId) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE id = ?"
        ))?
        .query_row([id], read_person)
        .optional()?)
}

/// Another active record holding the same ID number, other than `except` (一人一编).
pub fn other_record_with_id(
    conn: &Connection,
    id_number: &str,
    except: PersonId,
) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!(
            // `+status`: without it SQLite walks the status index (every active person,
            // half a second on a city) instead of the ID number's.
            "SELECT {PERSON_COLUMNS} FROM persons WHERE id_number = ? AND id <> ? AND +status = 1 LIMIT 1"
        ))?
        .query_row(params![id_number, except], read_person)
        .optional()?)
}

fn figures_from(
    conn: &Connection,
    quota_sql: &str,
    posts_sql: &str,
    id: OrgId,
    unit: bool,
) -> Result<Figures> {
    let mut f = Figures::default();
    let mut st = conn.prepare_cached(quota_sql)?;
    let rows = st.query_map([id], |r| {
        let t: StaffingType = vocab(r, 0)?;
        let (a, x, res): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let fig = if unit {
            QuotaFigure::unit(a, x, res)
        } else {
            QuotaFigure {
                approved: a,
                actual: x,
                reserved: res,
                vacant: r.get(4)?,
                over: r.get(5)?,
                usable: r.get(6)?,
            }
        };
        Ok((t, fig))
    })?;
    for row in rows {
        let (t, fig) = row?;
        f.add_quota(t, fig);
    }
    let mut st = conn.prepare_cached(posts_sql)?;
    let rows = st.query_map([id], |r| {
        let slot = PostSlot {
            level: vocab(r, 0)?,
            rank: vocab(r, 1)?,
        };
        let (a, x): (i64, i64) = (r.get(2)?, r.get(3)?);
        let fig = if unit {
            PostFigure::unit(a, x)
        } else {
            PostFigure {
                approved: a,
                actual: x,
                vacant: r.get(4)?,
                over: r.get(5)?,
            }
        };
        Ok((slot, fig))
    })?;
    for row in rows {
        let (s, fig) = row?;
        f.add_post(s, fig);
    }
    Ok(f)
}

/// The unit's own figures (its ledger and its own people).
pub fn unit_figures(conn: &Connection, id: OrgId) -> Result<Figures> {
    figures_from(
        conn,
        "SELECT staffing_type, approved, actual, reserved FROM unit_quota WHERE org_id = ?",
        "SELECT level, rank, approved, actual FROM unit_posts WHERE org_id = ?",
        id,
        true,
    )
}

/// The figures summed over the unit and everything under it.
pub fn subtree_figures(conn: &Connection, id: OrgId) -> Result<Figures> {
    figures_from(
        conn,
        "SELECT staffing_type, approved, actual, reserved, vacant, over, usable FROM subtree_quota WHERE org_id = ?",
        "SELECT level, rank, approved, actual, vacant, over FROM subtree_posts WHERE org_id = ?",
        id,
        false,
    )
}

pub fn ledger_of(conn: &Connection, org_id: OrgId) -> Result<Vec<LedgerEntry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {LEDGER_COLUMNS} FROM ledger WHERE org_id = ? ORDER BY date, id"
    ))?;
    let v = st
        .query_map([org_id], read_ledger)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub fn post_entries_of(conn: &Connection, org_id: OrgId) -> Result<Vec<PostEntry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE org_id = ? ORDER BY date, id"
    ))?;
    let v = st
        .query_map([org_id], read_post)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// History events of a unit or a person, newest first.
pub fn history(conn: &Connection, subject: Subject) -> Result<Vec<Event>> {
    let (k, id) = subject_key(subject);
    let mut st = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE subject_kind = ? AND subject_id = ? ORDER BY date DESC, id DESC"
    ))?;
    let v = st
        .query_map(params![k, id], read_event)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

pub fn approval(conn: &Connection, id: ApprovalId) -> Result<Option<Approval>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE id = ?"
        ))?
        .query_row([id], read_approval)
        .optional()?)
}

/// Requests waiting for a decision, oldest first.
pub fn open_approvals(conn: &Connection) -> Result<Vec<Approval>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE status = ? ORDER BY submitted_on, id"
    ))?;
    let v = st
        .query_map([ApprovalStatus::Pending.code()], read_approval)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Units whose full or short name equals `name`, else contains it.
pub fn find_orgs(conn: &Connection, name: &str) -> Result<Vec<Org>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE name = ?1 OR short_name = ?1 ORDER BY id LIMIT 50"
    ))?;
    let exact = st
        .query_map([name], read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE instr(name, ?1) > 0 ORDER BY length(name), id LIMIT 50"
    ))?;
    let v = st
        .query_map([name], read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Persons whose name equals `name`.
pub fn find_persons(conn: &Connection, name: &str) -> Result<Vec<Person>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE name = ? ORDER BY status, id LIMIT 50"
    ))?;
    let v = st
        .query_map([name], read_person)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Counts of the synced tables.
pub fn counts(conn: &Connection) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for (table, _) in TABLES {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        out.push((table, n));
    }
    Ok(out)
}

/// What approving a request would do, judged against the cache's current figures: the
/// same `model::approval::preview` the server applies before it accepts an approval.
pub fn preview_approval(
    conn: &Connection,
    a: &Approval,
    figures: &crate::model::quota::Figures,
    today: YearMonth,
) -> Result<crate::model::approval::Effect> {
    let person = match a.person_id {
        Some(pid) => person(conn, pid)?,
        None => None,
    };
    let on_other_books = match &person {
        Some(p) if !p.id_number.is_empty() => other_record_with_id(conn, &p.id_number, p.id)?
            .filter(|o| o.staffing_type.is_some())
            .map(|o| o.org_id),
        _ => None,
    };
    preview_with(
        a,
        figures,
        person.as_ref(),
        on_other_books,
        new_parent_allowed(conn, a)?,
        today,
        &mut |id| org(conn, id),
    )
}

/// Whether a 机构调整 may move its unit where it asks (`model::approval::move_allowed`):
/// the cache holds exactly the jurisdiction, so a unit it holds is one of it. True when
/// the request moves nothing.
pub fn new_parent_allowed(conn: &Connection, a: &Approval) -> Result<bool> {
    Ok(match a.new_parent_id {
        Some(parent) => crate::model::approval::move_allowed(
            parent,
            org(conn, parent)?.is_some(),
            &subtree_ids(conn, a.org_id)?,
        ),
        None => true,
    })
}

/// [`preview_approval`] with what it reads already read: the person named, the unit
/// whose books the same ID number is on, and units by id (the inbox reads them for a
/// page of requests at once).
pub fn preview_with(
    a: &Approval,
    figures: &crate::model::quota::Figures,
    person: Option<&Person>,
    on_other_books: Option<OrgId>,
    new_parent_allowed: bool,
    today: YearMonth,
    org_of: &mut dyn FnMut(OrgId) -> Result<Option<Org>>,
) -> Result<crate::model::approval::Effect> {
    use crate::model::approval::{REORG_LEVEL, REORG_NAME, REORG_PARENT};
    let ctx = crate::model::approval::Context {
        figures,
        person,
        on_other_books,
        new_parent_allowed,
        today,
    };
    let mut effect = crate::model::approval::preview(a, &ctx);
    if let Some(unit) = org_of(a.org_id)? {
        let mut name_of = |id: Option<OrgId>| -> Result<String> {
            Ok(match id {
                Some(id) => org_of(id)?.map_or_else(|| format!("单位{id}"), |o| o.name),
                None => "（无）".into(),
            })
        };
        for c in &mut effect.changes {
            match c.what.as_str() {
                REORG_NAME => c.before = unit.name.clone(),
                REORG_LEVEL => {
                    c.before = unit.level.map_or("（未定）".into(), |l| l.zh().to_string())
                }
                REORG_PARENT => {
                    c.before = name_of(unit.parent_id)?;
                    c.after = name_of(c.after.parse().ok())?;
                }
                _ => {}
            }
        }
    }
    Ok(effect)
}

/// How many units are directly under `id`.
pub fn child_count(conn: &Connection, id: OrgId) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM orgs WHERE parent_id = ?")?
        .query_row([id], |r| r.get(0))?;
    Ok(n as usize)
}

/// Units in force by name, for `:unit` and look-up: (id, name, short name).
pub fn unit_names(conn: &Connection) -> Result<Vec<(OrgId, String, Option<String>)>> {
    let mut st = conn
        .prepare_cached("SELECT id, name, short_name FROM orgs WHERE abolished = 0 ORDER BY id")?;
    let v = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
