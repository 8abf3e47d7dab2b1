//! The rows of a subtree as the standard reports read them: every unit, ledger entry,
//! leadership-post entry and person (in any status) under a unit, in id order. What
//! stood on a past date is decided from these rows by the model's rules (the report
//! filters ledger entries by their dates and persons by `Person::on_books`), so the
//! queries here select by place in the tree only.

use super::Result;
use super::rows::{
    APPROVAL_COLUMNS, EVENT_COLUMNS, LEDGER_COLUMNS, ORG_COLUMNS, ORG_SUBJECT, POST_COLUMNS,
    opt_vocab, read_approval, read_event, read_ledger, read_org, read_post, vocab,
};
use crate::model::placement::{placed_on, stood_on};
use crate::model::{
    Approval, ApprovalKind, ApprovalStatus, Event, EventKind, LedgerEntry, Org, OrgId, Person,
    PersonId, PersonStatus, PostEntry, PostSlot, PostType, Sex, Subject,
};
use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::{HashMap, HashSet};

/// The columns of a person the reports count by; the rest (name, ID number, school …)
/// are neither read nor needed, and stay empty in the [`Person`]s returned.
const COUNTED_COLUMNS: &str = "id, org_id, sex, birth_date, ethnicity, political_status, \
     funding_type, entry_form, entry_date, post_type, education, staffing_type, leader_level, \
     leader_rank, status, exit_kind, exit_date";

/// A `YYYY-MM-DD` cell read without allocating (a city has some 600,000 of them); any
/// other text reads as absent, as `rows::opt_date` reads it.
fn day(r: &Row, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let ValueRef::Text(t) = r.get_ref(idx)? else {
        return Ok(None);
    };
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
        return Ok(None);
    }
    Ok(match (num(&t[..4]), num(&t[5..7]), num(&t[8..])) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    })
}

fn read_counted(r: &Row) -> rusqlite::Result<Person> {
    let level = opt_vocab(r, 12)?;
    let rank = opt_vocab(r, 13)?;
    Ok(Person {
        id: r.get(0)?,
        org_id: r.get(1)?,
        name: String::new(),
        id_number: String::new(),
        sex: vocab::<Sex>(r, 2)?,
        birth_date: day(r, 3)?,
        ethnicity: r.get(4)?,
        political_status: opt_vocab(r, 5)?,
        funding_type: opt_vocab(r, 6)?,
        work_start: None,
        entry_form: opt_vocab(r, 7)?,
        entry_doc: None,
        entry_date: day(r, 8)?,
        post: None,
        rank: None,
        post_type: vocab::<PostType>(r, 9)?,
        school: None,
        education: opt_vocab(r, 10)?,
        degree: None,
        major: None,
        staffing_type: opt_vocab(r, 11)?,
        leader_post: level
            .zip(rank)
            .map(|(level, rank)| PostSlot { level, rank }),
        status: vocab::<PersonStatus>(r, 14)?,
        exit_kind: opt_vocab(r, 15)?,
        exit_date: day(r, 16)?,
    })
}

/// Every row of a subtree the reports need; persons carry only the fields the reports
/// count by (see [`COUNTED_COLUMNS`]), in no particular order.
#[derive(Debug, Clone, Default)]
pub struct SubtreeRows {
    pub orgs: Vec<Org>,
    pub ledger: Vec<LedgerEntry>,
    pub posts: Vec<PostEntry>,
    pub persons: Vec<Person>,
}

/// The rows of `root` and everything under it; empty when `root` is not in the cache.
pub fn subtree_rows(conn: &Connection, root: OrgId) -> Result<SubtreeRows> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([root], |r| r.get(0))
        .optional()?;
    let Some(path) = path else {
        return Ok(SubtreeRows::default());
    };
    let under = "SELECT org_id FROM org_tree WHERE path >= ?1 AND path < ?1 || x'ff'";
    let read = |sql: String| conn.prepare(&sql);
    let orgs = read(format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_org)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    let ledger = read(format!(
        "SELECT {LEDGER_COLUMNS} FROM ledger WHERE org_id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_ledger)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    let posts = read(format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE org_id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_post)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    // A large subtree is read in one pass over the table (most of a city's persons are
    // under its root), a small one through the units' index.
    let all: i64 = conn.query_row("SELECT COUNT(*) FROM orgs", [], |r| r.get(0))?;
    let persons = if orgs.len() as i64 * 4 >= all {
        let ids: HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
        let mut st = read(format!("SELECT {COUNTED_COLUMNS} FROM persons"))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            if ids.contains(&r.get(1)?) {
                out.push(read_counted(r)?);
            }
        }
        out
    } else {
        read(format!(
            "SELECT {COUNTED_COLUMNS} FROM persons WHERE org_id IN ({under})"
        ))?
        .query_map([&path], read_counted)?
        .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(SubtreeRows {
        orgs,
        ledger,
        posts,
        persons,
    })
}

/// The requests about units of a subtree the forecast takes as approved: those
/// waiting for a decision (待审批) and approved staffing plans still holding places
/// back (已批未用), in id order.
pub fn subtree_requests(conn: &Connection, root: OrgId) -> Result<Vec<Approval>> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([root], |r| r.get(0))
        .optional()?;
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {APPROVAL_COLUMNS} FROM approvals \
         WHERE org_id IN (SELECT org_id FROM org_tree WHERE path >= ?1 AND path < ?1 || x'ff') \
         AND (status = ?2 OR (status = ?3 AND kind = ?4 AND plan_used < amount)) ORDER BY id"
    );
    let rows = conn
        .prepare(&sql)?
        .query_map(
            rusqlite::params![
                path,
                ApprovalStatus::Pending.code(),
                ApprovalStatus::Approved.code(),
                ApprovalKind::StaffingPlan.code()
            ],
            read_approval,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The names of the given persons (which [`subtree_rows`] leaves empty), by id; ids
/// not in the cache are left out.
pub fn person_names(conn: &Connection, ids: &[PersonId]) -> Result<HashMap<PersonId, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    let mut st = conn.prepare_cached("SELECT name FROM persons WHERE id = ?")?;
    for id in ids {
        if let Some(name) = st.query_row([id], |r| r.get(0)).optional()? {
            out.insert(*id, name);
        }
    }
    Ok(out)
}

/// The rows of `root`'s subtree as it stood at the end of `day`: units under the
/// parents they had then and persons in the units they were in then (a 隶属调整 or a
/// 调动 after the day undone by `model::placement`), so a unit moved in since is left
/// out and one moved away since is counted, with its ledger and its persons. Ledger
/// entries and persons' entry and exit dates are still the report's to filter.
/// Without a move after the day this is [`subtree_rows`].
pub fn subtree_rows_on(conn: &Connection, root: OrgId, day: NaiveDate) -> Result<SubtreeRows> {
    let moved: Vec<Event> = conn
        .prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE kind IN (?1, ?2) AND date > ?3 \
             AND from_org IS NOT NULL"
        ))?
        .query_map(
            rusqlite::params![
                EventKind::Transfer.code(),
                EventKind::Moved.code(),
                day.to_string()
            ],
            read_event,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let then = placed_on(&moved, day);
    let rows = if then.is_empty() {
        subtree_rows(conn, root)?
    } else {
        placed_rows(conn, root, &then)?
    };
    standing_on(conn, rows, day)
}

/// The rows of the units that stood on `day` (`model::placement::stood_on`): a unit
/// founded after the day is left out with its ledger, posts and persons; one
/// abolished after it stays.
fn standing_on(conn: &Connection, mut rows: SubtreeRows, day: NaiveDate) -> Result<SubtreeRows> {
    let history: Vec<Event> = conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE subject_kind = {ORG_SUBJECT} AND kind IN (?1, ?2)"
        ))?
        .query_map(
            rusqlite::params![EventKind::Founded.code(), EventKind::Abolished.code()],
            read_event,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut of: HashMap<OrgId, Vec<Event>> = HashMap::new();
    for e in history {
        if let Subject::Org(id) = e.subject {
            of.entry(id).or_default().push(e);
        }
    }
    let gone: HashSet<OrgId> = rows
        .orgs
        .iter()
        .filter(|o| !stood_on(o, of.get(&o.id).map_or(&[], Vec::as_slice), day))
        .map(|o| o.id)
        .collect();
    if gone.is_empty() {
        return Ok(rows);
    }
    rows.orgs.retain(|o| !gone.contains(&o.id));
    rows.ledger.retain(|e| !gone.contains(&e.org_id));
    rows.posts.retain(|e| !gone.contains(&e.org_id));
    rows.persons.retain(|p| !gone.contains(&p.org_id));
    Ok(rows)
}

/// [`subtree_rows`] with units under the parents and persons in the units `then` says.
fn placed_rows(
    conn: &Connection,
    root: OrgId,
    then: &HashMap<Subject, OrgId>,
) -> Result<SubtreeRows> {
    let mut orgs = conn
        .prepare(&format!("SELECT {ORG_COLUMNS} FROM orgs ORDER BY id"))?
        .query_map([], read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let known: HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
    for o in &mut orgs {
        if let Some(&p) = then.get(&Subject::Org(o.id))
            && known.contains(&p)
        {
            o.parent_id = Some(p);
        }
    }
    // The subtree under the parents of the day.
    let mut children: HashMap<OrgId, Vec<OrgId>> = HashMap::new();
    for o in &orgs {
        if let Some(p) = o.parent_id {
            children.entry(p).or_default().push(o.id);
        }
    }
    let mut under: HashSet<OrgId> = HashSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if known.contains(&id) && under.insert(id) {
            stack.extend(children.get(&id).into_iter().flatten().copied());
        }
    }
    orgs.retain(|o| under.contains(&o.id));
    let ledger = conn
        .prepare(&format!("SELECT {LEDGER_COLUMNS} FROM ledger ORDER BY id"))?
        .query_map([], read_ledger)?
        .filter(|e| e.as_ref().map_or(true, |e| under.contains(&e.org_id)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let posts = conn
        .prepare(&format!("SELECT {POST_COLUMNS} FROM posts ORDER BY id"))?
        .query_map([], read_post)?
        .filter(|e| e.as_ref().map_or(true, |e| under.contains(&e.org_id)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut st = conn.prepare(&format!("SELECT {COUNTED_COLUMNS} FROM persons"))?;
    let mut rows = st.query([])?;
    let mut persons = Vec::new();
    while let Some(r) = rows.next()? {
        let id: PersonId = r.get(0)?;
        let org: OrgId = r.get(1)?;
        let org = then.get(&Subject::Person(id)).copied().unwrap_or(org);
        if under.contains(&org) {
            let mut p = read_counted(r)?;
            p.org_id = org;
            persons.push(p);
        }
    }
    Ok(SubtreeRows {
        orgs,
        ledger,
        posts,
        persons,
    })
}
