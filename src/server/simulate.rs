//! A living server (`bianzhi serve --simulate`): a trickle of the changes a staffing
//! office makes — entries, exits, transfers, ledger changes, new requests, now and then
//! a unit moved under another parent — written through the same versioned path as
//! decisions, so incremental sync always has something real to carry.

use super::Result;
use super::backend::Backend;
use super::db::{Change, ServerDb};
use super::decide::next_id;
use crate::model::history::Detail;
use crate::model::*;
use crate::store::{queries, rows};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::Arc;
use std::time::Duration;

/// What one batch of simulated work changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub entries: usize,
    pub exits: usize,
    pub transfers: usize,
    pub ledger: usize,
    pub requests: usize,
    pub moves: usize,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.entries + self.exits + self.transfers + self.ledger + self.requests + self.moves
    }
}

/// Runs the simulation every `every` until the task is aborted, on either engine
/// (`Backend::simulate`).
pub(crate) fn spawn(
    backend: Arc<dyn Backend>,
    every: Duration,
    seed: u64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let b = backend.clone();
            let mut r = rng.clone();
            let done = tokio::task::spawn_blocking(move || {
                let n = r.random_range(1..=4);
                let today = chrono::Local::now().date_naive();
                b.simulate(&mut r, today, n, 0.04).map(|s| (s, r))
            })
            .await;
            match done {
                Ok(Ok((s, r))) => {
                    rng = r;
                    tracing::info!(?s, "simulated changes");
                }
                Ok(Err(e)) => tracing::warn!("simulation step failed: {e}"),
                Err(e) => tracing::warn!("simulation task failed: {e}"),
            }
        }
    })
}

/// A random active person at or after a random id.
fn some_person(conn: &Connection, rng: &mut impl Rng) -> Result<Option<Person>> {
    let max: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM persons", [], |r| r.get(0))?;
    if max == 0 {
        return Ok(None);
    }
    let from = rng.random_range(1..=max);
    let sql = format!(
        "SELECT {} FROM persons WHERE status = 1 AND id >= ? ORDER BY id LIMIT 1",
        rows::PERSON_COLUMNS
    );
    Ok(conn.query_row(&sql, [from], rows::read_person).optional()?)
}

/// A random unit that holds a quota, with one of its staffing types.
fn some_unit(conn: &Connection, rng: &mut impl Rng) -> Result<Option<LedgerEntry>> {
    let max: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM ledger", [], |r| r.get(0))?;
    if max == 0 {
        return Ok(None);
    }
    let from = rng.random_range(1..=max);
    let sql = format!(
        "SELECT {} FROM ledger WHERE id >= ? ORDER BY id LIMIT 1",
        rows::LEDGER_COLUMNS
    );
    Ok(conn.query_row(&sql, [from], rows::read_ledger).optional()?)
}

const GIVEN: &[&str] = &[
    "晨", "磊", "静", "悦", "浩然", "思远", "雨桐", "子涵", "嘉怡", "俊杰", "欣然", "博文",
];

/// Applies `n` random changes as one write; `move_chance` is the chance of also moving
/// a unit under another region (a re-organisation across jurisdictions).
pub fn changes(
    db: &mut ServerDb,
    rng: &mut impl Rng,
    today: NaiveDate,
    n: usize,
    move_chance: f64,
) -> Result<Summary> {
    let (c, s) = plan(db.conn(), rng, today, n, move_chance)?;
    db.write(&c)?;
    Ok(s)
}

/// The change [`changes`] would write, read from the server tables of `conn` (the
/// server's SQLite file, or a copy of a PostgreSQL server's rows), not written.
pub fn plan(
    conn: &Connection,
    rng: &mut impl Rng,
    today: NaiveDate,
    n: usize,
    move_chance: f64,
) -> Result<(Change, Summary)> {
    let mut c = Change::default();
    let mut s = Summary::default();
    let mut next_person = next_id(conn, "persons")?;
    let mut next_event = next_id(conn, "events")?;
    let mut next_ledger = next_id(conn, "ledger")?;
    let mut next_approval = next_id(conn, "approvals")?;
    let year = chrono::Datelike::year(&today);
    let doc = |rng: &mut dyn rand::RngCore, kind: &str| {
        format!("示{kind}〔{year}〕{}号", rng.random_range(1..=99))
    };
    let mut touched: std::collections::HashSet<PersonId> = Default::default();
    let mut event = |subject, kind, detail: Detail, from_org, to_org, doc_no| {
        let e = Event {
            id: next_event,
            subject,
            kind,
            date: today,
            doc_no,
            summary: String::new(),
            detail: Some(detail),
            operator: "编办-模拟".into(),
            from_org,
            to_org,
        };
        next_event += 1;
        e
    };
    for _ in 0..n {
        match rng.random_range(0..10) {
            // New staff: a recruit entering a unit on one of its staffing types.
            0..=1 => {
                let (Some(unit), Some(tpl)) = (some_unit(conn, rng)?, some_person(conn, rng)?)
                else {
                    continue;
                };
                let birth = NaiveDate::from_ymd_opt(
                    rng.random_range(1994..=2002),
                    rng.random_range(1..=12),
                    rng.random_range(1..=28),
                )
                .unwrap_or(today);
                let sex = if rng.random_bool(0.5) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let seq = rng.random_range(0..500u32) * 2 + u32::from(sex == Sex::Male);
                let area: String = tpl.id_number.chars().take(6).collect();
                let surname: String = tpl.name.chars().take(1).collect();
                let given = GIVEN[rng.random_range(0..GIVEN.len())];
                let entry_doc = doc(rng, "编");
                let p = Person {
                    id: next_person,
                    org_id: unit.org_id,
                    name: format!("{surname}{given}"),
                    id_number: idcard::make_id(
                        if area.len() == 6 { &area } else { "990101" },
                        birth,
                        seq,
                    ),
                    sex,
                    birth_date: Some(birth),
                    work_start: Some(today),
                    entry_form: Some(EntryForm::OpenRecruitment),
                    entry_doc: Some(entry_doc.clone()),
                    entry_date: Some(today),
                    post: None,
                    rank: None,
                    staffing_type: Some(unit.staffing_type),
                    leader_post: None,
                    status: PersonStatus::Active,
                    exit_kind: None,
                    exit_date: None,
                    ..tpl
                };
                next_person += 1;
                let org = queries::org(conn, unit.org_id)?
                    .map(|o| o.name)
                    .unwrap_or_default();
                c.upsert.events.push(event(
                    Subject::Person(p.id),
                    EventKind::Entry,
                    Detail::Entered {
                        form: Some(EntryForm::OpenRecruitment),
                        unit: org,
                        staffing: p.staffing_type,
                    },
                    None,
                    Some(unit.org_id),
                    Some(entry_doc),
                ));
                c.upsert.persons.push(p);
                s.entries += 1;
            }
            // Someone retires or leaves.
            2..=3 => {
                let Some(mut p) = some_person(conn, rng)?.filter(|p| touched.insert(p.id)) else {
                    continue;
                };
                let kind = if rng.random_bool(0.6) {
                    ExitKind::Retirement
                } else {
                    ExitKind::TransferOut
                };
                p.leave(kind, today);
                c.upsert.events.push(event(
                    Subject::Person(p.id),
                    EventKind::Exit,
                    Detail::Exited {
                        exit: kind,
                        unit: None,
                    },
                    Some(p.org_id),
                    None,
                    None,
                ));
                c.upsert.persons.push(p);
                s.exits += 1;
            }
            // A transfer to another unit, perhaps in another county.
            4..=5 => {
                let (Some(mut p), Some(unit)) = (some_person(conn, rng)?, some_unit(conn, rng)?)
                else {
                    continue;
                };
                if p.org_id == unit.org_id || !touched.insert(p.id) {
                    continue;
                }
                let from = p.org_id;
                p.org_id = unit.org_id;
                p.staffing_type = Some(unit.staffing_type);
                p.leader_post = None;
                let to = queries::org(conn, unit.org_id)?
                    .map(|o| o.name)
                    .unwrap_or_default();
                let d = doc(rng, "组");
                c.upsert.events.push(event(
                    Subject::Person(p.id),
                    EventKind::Transfer,
                    Detail::TransferredIn { from: None, to },
                    Some(from),
                    Some(unit.org_id),
                    Some(d),
                ));
                c.upsert.persons.push(p);
                s.transfers += 1;
            }
            // The quota ledger grows or shrinks by a place.
            6..=7 => {
                let Some(mut e) = some_unit(conn, rng)? else {
                    continue;
                };
                e.id = next_ledger;
                next_ledger += 1;
                e.delta = if rng.random_bool(0.6) { 1 } else { -1 };
                e.summary = if e.delta > 0 {
                    "增核编制".into()
                } else {
                    "精简收回".into()
                };
                e.doc_no = doc(rng, "编");
                e.date = today;
                e.special = false;
                c.upsert.ledger.push(e);
                s.ledger += 1;
            }
            // A unit asks to use vacancies.
            _ => {
                let Some(unit) = some_unit(conn, rng)? else {
                    continue;
                };
                let amount = rng.random_range(1..=3);
                c.upsert.approvals.push(Approval {
                    id: next_approval,
                    kind: ApprovalKind::StaffingPlan,
                    org_id: unit.org_id,
                    person_id: None,
                    staffing_type: Some(unit.staffing_type),
                    amount,
                    post: None,
                    new_name: None,
                    new_level: None,
                    new_parent_id: None,
                    exit_kind: None,
                    doc_no: None,
                    summary: format!(
                        "申请使用{}{amount}名，用于公开招聘",
                        unit.staffing_type.zh()
                    ),
                    submitted_by: "单位人事科".into(),
                    submitted_on: today,
                    status: ApprovalStatus::Pending,
                    decided_by: None,
                    decided_on: None,
                    comment: None,
                    plan_used: 0,
                    change: None,
                });
                next_approval += 1;
                s.requests += 1;
            }
        }
    }
    if rng.random_bool(move_chance.clamp(0.0, 1.0))
        && let Some((mut org, to)) = some_move(conn, rng)?
    {
        let from = org.parent_id;
        org.parent_id = Some(to.id);
        c.upsert.events.push(event(
            Subject::Org(org.id),
            EventKind::Moved,
            Detail::Moved {
                from: None,
                under: to.name,
            },
            from,
            Some(to.id),
            None,
        ));
        c.upsert.orgs.push(org);
        s.moves += 1;
    }
    Ok((c, s))
}

/// A public institution to move under another region's unit of the same kind, so it
/// leaves one county's jurisdiction and enters another's.
fn some_move(conn: &Connection, rng: &mut impl Rng) -> Result<Option<(Org, Org)>> {
    let sql = format!(
        "SELECT {} FROM orgs WHERE kind = ? AND abolished = 0 AND id >= ? ORDER BY id LIMIT 1",
        rows::ORG_COLUMNS
    );
    let max: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM orgs", [], |r| r.get(0))?;
    if max == 0 {
        return Ok(None);
    }
    let from = rng.random_range(1..=max);
    let Some(org) = conn
        .query_row(
            &sql,
            params![OrgKind::PublicInstitution.code(), from],
            rows::read_org,
        )
        .optional()?
    else {
        return Ok(None);
    };
    let Some(parent) = org.parent_id else {
        return Ok(None);
    };
    let root_of = |id: OrgId| -> Result<Option<String>> {
        Ok(super::db::path_of(conn, id)?.and_then(|p| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .nth(1)
                .map(str::to_string)
        }))
    };
    // A parent of the same kind as the current one, in another county-level region.
    let Some(old_parent) = queries::org(conn, parent)? else {
        return Ok(None);
    };
    let here = root_of(parent)?;
    let to = rng.random_range(1..=max);
    let mut st = conn.prepare(&format!(
        "SELECT {} FROM orgs WHERE kind = ? AND abolished = 0 AND id >= ? ORDER BY id LIMIT 50",
        rows::ORG_COLUMNS
    ))?;
    let candidates = st
        .query_map(params![old_parent.kind.code(), to], rows::read_org)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for c in candidates {
        if c.id != parent
            && root_of(c.id)? != here
            && !queries::subtree_ids(conn, org.id)?.contains(&c.id)
        {
            return Ok(Some((org, c)));
        }
    }
    Ok(None)
}
