//! The approval inbox as the cache sees it: open requests with their unit's figures,
//! the effect approval would have (the same preview the server judges by) and where
//! this operator's own decision stands in the outbox. One loader and one way to
//! decide serve both the interface and `bianzhi inbox` / `bianzhi decide`.
//!
//! The outbox table is the store's; its rows are read and written through
//! `store::outbox`, which the sync client pushes from, so what is queued here is
//! exactly what is sent.

use super::audit::AuditDetail;
use super::outbox::{self, State};
use super::rows::*;
use super::timeline::AuditAction;
use super::{Result, Store, queries};
use crate::model::approval::Effect;
use crate::model::quota::{Figures, PostFigure, QuotaFigure};
use crate::model::refusal::DecisionRefusal;
use crate::model::*;
use std::collections::{HashMap, HashSet};

/// Where an item stands for this operator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Standing {
    /// Waiting for a decision.
    Open,
    /// Decided here, in the outbox, not yet sent (待上传); may be withdrawn.
    Queued(Decision),
    /// Sent to the server, its answer not heard yet (已发送).
    Sent(Decision),
    /// The server refused this operator's decision; the reason is the server's.
    Refused {
        decision: Decision,
        reason: DecisionRefusal,
    },
    /// Decided (by this operator or another), as the cache last heard from the server.
    Decided {
        status: ApprovalStatus,
        by: Option<String>,
        /// This operator's own decision came too late: the server's reason.
        refused: Option<DecisionRefusal>,
    },
}

impl Standing {
    /// Whether a decision may be made on the item now.
    pub fn decidable(&self) -> bool {
        matches!(self, Standing::Open | Standing::Refused { .. })
    }
}

/// One request as the inbox shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item {
    pub request: Approval,
    /// `示例县 › 教育局`
    pub unit_path: String,
    /// The unit's short name (or full name).
    pub unit: String,
    /// The person the request names (name only: the inbox shows no ID numbers).
    pub person: Option<String>,
    /// The unit's own figures now.
    pub figures: Figures,
    pub effect: Effect,
    pub standing: Standing,
}

impl Item {
    /// `用编计划 2名 行政编制`: what is asked, in a few words.
    pub fn asked(&self) -> String {
        let r = &self.request;
        match r.kind {
            ApprovalKind::StaffingPlan => {
                format!("{}名 {}", r.amount, r.staffing_type.map_or("—", |t| t.zh()))
            }
            ApprovalKind::Entry => format!(
                "{} {}",
                self.person.as_deref().unwrap_or("—"),
                r.staffing_type.map_or("—", |t| t.zh())
            ),
            ApprovalKind::Exit => format!(
                "{} {}",
                self.person.as_deref().unwrap_or("—"),
                r.exit_kind.map_or("", |k| k.zh())
            ),
            ApprovalKind::LeaderPost => format!(
                "{} {}",
                self.person.as_deref().unwrap_or("—"),
                r.post.map(|p| p.to_string()).unwrap_or_default()
            ),
            ApprovalKind::Reorganisation
            | ApprovalKind::KeyInfoChange
            | ApprovalKind::LedgerChange => r.summary.clone(),
        }
    }
}

/// Why the server refused this operator's decision, as its answer said it.
fn refusal_of(e: &outbox::Entry) -> DecisionRefusal {
    DecisionRefusal::of_answer(e.outcome.as_ref(), e.reason.as_deref())
}

/// Outbox rows this far back are still shown on their items once decided.
const RECENT_DECISIONS: usize = 50;

/// What the items of a page need, read for all of them at once: a fixed number of
/// queries per page (plus one per level of the unit tree for the paths), never a
/// query per request.
struct Page {
    figures: HashMap<OrgId, Figures>,
    persons: HashMap<PersonId, Person>,
    /// The unit on whose books the person's ID number is, active with a staffing type.
    other_books: HashMap<PersonId, OrgId>,
    orgs: HashMap<OrgId, Org>,
}

/// `[1,2,3]`: ids for `json_each`, so a page's ids go in one statement.
fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut v: Vec<i64> = ids.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

const IDS: &str = "(SELECT value FROM json_each(?1))";

impl Page {
    fn read(conn: &rusqlite::Connection, requests: &[Approval]) -> Result<Page> {
        let org_ids = id_list(requests.iter().map(|r| r.org_id));
        let mut figures: HashMap<OrgId, Figures> = HashMap::new();
        let mut st = conn.prepare_cached(&format!(
            "SELECT org_id, staffing_type, approved, actual, reserved FROM unit_quota WHERE org_id IN {IDS}"
        ))?;
        let rows = st.query_map([&org_ids], |r| {
            Ok((
                r.get::<_, OrgId>(0)?,
                vocab::<StaffingType>(r, 1)?,
                QuotaFigure::unit(r.get(2)?, r.get(3)?, r.get(4)?),
            ))
        })?;
        for row in rows {
            let (org, t, fig) = row?;
            figures.entry(org).or_default().add_quota(t, fig);
        }
        let mut st = conn.prepare_cached(&format!(
            "SELECT org_id, level, rank, approved, actual FROM unit_posts WHERE org_id IN {IDS}"
        ))?;
        let rows = st.query_map([&org_ids], |r| {
            Ok((
                r.get::<_, OrgId>(0)?,
                PostSlot {
                    level: vocab(r, 1)?,
                    rank: vocab(r, 2)?,
                },
                PostFigure::unit(r.get(3)?, r.get(4)?),
            ))
        })?;
        for row in rows {
            let (org, slot, fig) = row?;
            figures.entry(org).or_default().add_post(slot, fig);
        }

        let person_ids = id_list(requests.iter().filter_map(|r| r.person_id));
        let persons: HashMap<PersonId, Person> = conn
            .prepare_cached(&format!(
                "SELECT {PERSON_COLUMNS} FROM persons WHERE id IN {IDS}"
            ))?
            .query_map([&person_ids], read_person)?
            .map(|p| p.map(|p| (p.id, p)))
            .collect::<rusqlite::Result<_>>()?;
        // The first other active record with the same ID number, as
        // `queries::other_record_with_id` finds it (`+status`: through the ID number's
        // index), counted when it holds a staffing type.
        let other_books: HashMap<PersonId, OrgId> = conn
            .prepare_cached(&format!(
                "SELECT p.id, o.org_id, o.staffing_type FROM persons p JOIN persons o ON o.id = \
                 (SELECT x.id FROM persons x WHERE x.id_number = p.id_number AND x.id <> p.id \
                  AND +x.status = 1 LIMIT 1) \
                 WHERE p.id IN {IDS} AND p.id_number <> ''"
            ))?
            .query_map([&person_ids], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<i64>>(2)?))
            })?
            .filter_map(|row| match row {
                Ok((p, org, Some(_))) => Some(Ok((p, org))),
                Ok((_, _, None)) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;

        // The units of the requests, the units a reorganisation names and every
        // ancestor (for the paths): one query per level of the tree.
        let mut orgs: HashMap<OrgId, Org> = HashMap::new();
        let mut wanted: Vec<OrgId> = requests
            .iter()
            .flat_map(|r| [Some(r.org_id), r.new_parent_id])
            .flatten()
            .collect();
        while !wanted.is_empty() {
            let list = id_list(wanted.drain(..));
            let found = conn
                .prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id IN {IDS}"))?
                .query_map([&list], read_org)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for o in found {
                if let Some(parent) = o.parent_id
                    && !orgs.contains_key(&parent)
                {
                    wanted.push(parent);
                }
                orgs.insert(o.id, o);
            }
            wanted.retain(|id| !orgs.contains_key(id));
        }
        Ok(Page {
            figures,
            persons,
            other_books,
            orgs,
        })
    }

    /// `示例县 › 教育局`, as `queries::path_text` writes it.
    fn path_text(&self, id: OrgId) -> String {
        let mut names = Vec::new();
        let mut at = self.orgs.get(&id);
        while let Some(o) = at {
            names.push(o.short_name.as_deref().unwrap_or(&o.name));
            at = o.parent_id.and_then(|p| self.orgs.get(&p));
        }
        names.reverse();
        names.join(" › ")
    }
}

fn item(
    conn: &rusqlite::Connection,
    page: &Page,
    request: Approval,
    queued: &[outbox::Entry],
    today: YearMonth,
) -> Result<Item> {
    let figures = page
        .figures
        .get(&request.org_id)
        .cloned()
        .unwrap_or_default();
    let person = request.person_id.and_then(|p| page.persons.get(&p));
    let on_other_books = person.and_then(|p| page.other_books.get(&p.id).copied());
    let effect = queries::preview_with(
        &request,
        &figures,
        person,
        on_other_books,
        queries::new_parent_allowed(conn, &request)?,
        today,
        // A unit not read with the page (none should be) is read on its own.
        &mut |id| match page.orgs.get(&id) {
            Some(o) => Ok(Some(o.clone())),
            None => queries::org(conn, id),
        },
    )?;
    let unit = page
        .orgs
        .get(&request.org_id)
        .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
        .unwrap_or_else(|| format!("单位{}", request.org_id));
    let person = person.map(|p| p.name.clone());
    let mine = queued.iter().rev().find(|e| e.approval_id == request.id);
    let standing = if request.status != ApprovalStatus::Pending {
        Standing::Decided {
            status: request.status,
            by: request.decided_by.clone(),
            refused: mine.filter(|e| e.state == State::Refused).map(refusal_of),
        }
    } else {
        match mine {
            Some(e) if e.state == State::Queued => Standing::Queued(e.verdict()),
            Some(e) if e.state == State::Sent => Standing::Sent(e.verdict()),
            Some(e) if e.state == State::Refused => Standing::Refused {
                decision: e.verdict(),
                reason: refusal_of(e),
            },
            // Accepted but the decided request not pulled yet: it is on its way.
            Some(e) if e.state == State::Accepted => Standing::Decided {
                status: e.verdict().resulting_status(),
                by: None,
                refused: None,
            },
            _ => Standing::Open,
        }
    };
    Ok(Item {
        unit_path: page.path_text(request.org_id),
        unit,
        person,
        figures,
        effect,
        standing,
        request,
    })
}

/// Items for these requests, everything they show read once for all of them.
fn items_of(
    conn: &rusqlite::Connection,
    requests: Vec<Approval>,
    queued: &[outbox::Entry],
    today: YearMonth,
) -> Result<Vec<Item>> {
    let page = Page::read(conn, &requests)?;
    requests
        .into_iter()
        .map(|r| item(conn, &page, r, queued, today))
        .collect()
}

/// The inbox: every open request, oldest first, then the requests this operator
/// decided recently (newest decision first) so a decision stays visible until and
/// after the server has answered. A decision the server refused is on its item,
/// which is open again if the request still is. A fixed number of queries whatever
/// the number of requests.
pub fn items(conn: &rusqlite::Connection, today: YearMonth) -> Result<Vec<Item>> {
    let queued = outbox::decisions(conn)?;
    let mut requests = queries::open_approvals(conn)?;
    let mut seen: HashSet<ApprovalId> = requests.iter().map(|r| r.id).collect();
    let mut recent = Vec::new();
    for e in queued.iter().rev().take(RECENT_DECISIONS) {
        if seen.insert(e.approval_id) {
            recent.push(e.approval_id);
        }
    }
    let mut decided: HashMap<ApprovalId, Approval> = conn
        .prepare_cached(&format!(
            "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE id IN {IDS}"
        ))?
        .query_map([id_list(recent.iter().copied())], read_approval)?
        .map(|a| a.map(|a| (a.id, a)))
        .collect::<rusqlite::Result<_>>()?;
    requests.extend(recent.iter().filter_map(|id| decided.remove(id)));
    items_of(conn, requests, &queued, today)
}

/// One request as the inbox shows it.
pub fn one(conn: &rusqlite::Connection, id: ApprovalId, today: YearMonth) -> Result<Option<Item>> {
    let queued = outbox::entries_for(conn, id)?;
    match queries::approval(conn, id)? {
        Some(r) => Ok(items_of(conn, vec![r], &queued, today)?.pop()),
        None => Ok(None),
    }
}

/// Why a decision cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("找不到编号为 {0} 的申请")]
    NoSuchRequest(ApprovalId),
    #[error("申请 {0} 已是“{1}”状态，无需再审批")]
    AlreadyDecided(ApprovalId, &'static str),
    #[error(
        "申请 {0} 已有待上传的决定，请先同步（或用 bianzhi outbox withdraw {0} 撤回后重新审批）"
    )]
    AlreadyQueued(ApprovalId),
    #[error("申请 {0} 的决定已发送，正等待服务器答复，请先同步")]
    AlreadySent(ApprovalId),
    #[error("请填写审批意见")]
    NoComment,
}

/// Open requests in the cache (待审批) with no decision of this operator's waiting to be
/// sent.
pub fn undecided_count(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM approvals WHERE status = ? \
             AND id NOT IN (SELECT approval_id FROM outbox WHERE state IN (?, ?))",
        )?
        .query_row(
            rusqlite::params![ApprovalStatus::Pending.code(), State::Queued, State::Sent],
            |r| r.get(0),
        )?)
}

/// How much of the cache a decision checks before it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// SQLite's whole structural check (`PRAGMA quick_check`): a second or more on a
    /// city, fine for `bianzhi decide`.
    Full,
    /// Only the tables a decision writes (outbox, audit): the interface, which ran the
    /// full check at start and after each sync and keeps its verdict.
    Written,
}

/// The tables a decision writes pass SQLite's structural check.
fn check_written(conn: &rusqlite::Connection) -> Result<()> {
    for table in ["outbox", "audit"] {
        let mut st = conn.prepare(&format!("PRAGMA quick_check({table})"))?;
        let problems: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        if problems.len() != 1 || problems[0] != "ok" {
            // SQLite's own words name pages and tables, never a row's content.
            tracing::warn!(table, problems = ?problems, "a written table fails its check");
            return Err(super::Error::Corrupt("完整性检查未通过".into()));
        }
    }
    Ok(())
}

/// Records a decision: into the outbox (sent on the next sync, offline or not) and
/// into this operator's audit log, after the whole cache's integrity check. Returns the
/// item as it stands afterwards.
pub fn decide(
    store: &Store,
    id: ApprovalId,
    decision: Decision,
    comment: &str,
    today: YearMonth,
) -> Result<std::result::Result<Item, Refusal>> {
    decide_checked(store, id, decision, comment, today, Check::Full)
}

/// [`decide`], checking the cache as `check` says.
pub fn decide_checked(
    store: &Store,
    id: ApprovalId,
    decision: Decision,
    comment: &str,
    today: YearMonth,
    check: Check,
) -> Result<std::result::Result<Item, Refusal>> {
    let conn = store.conn();
    let comment = comment.trim();
    if comment.is_empty() {
        return Ok(Err(Refusal::NoComment));
    }
    let Some(item) = one(conn, id, today)? else {
        return Ok(Err(Refusal::NoSuchRequest(id)));
    };
    match &item.standing {
        Standing::Queued(_) => return Ok(Err(Refusal::AlreadyQueued(id))),
        Standing::Sent(_) => return Ok(Err(Refusal::AlreadySent(id))),
        Standing::Decided { status, .. } => {
            return Ok(Err(Refusal::AlreadyDecided(id, status.zh())));
        }
        Standing::Open | Standing::Refused { .. } => {}
    }
    // A damaged cache may show wrong figures and lose what is written into it: refuse
    // before anything is written (`bianzhi repair` rescues the outbox).
    match check {
        Check::Full => super::repair::check(conn)?,
        Check::Written => check_written(conn)?,
    }
    outbox::queue(store, id, decision, comment)?;
    store.audit(
        AuditAction::Decide,
        &AuditDetail::Decided {
            request: id,
            decision,
        },
        Some(1),
    )?;
    Ok(Ok(one(conn, id, today)?.unwrap_or(item)))
}

/// Withdraws this operator's queued (not yet sent) decision on a request, recorded in
/// the audit log; the request is open again. Refused once the decision has been sent.
pub fn withdraw(
    store: &Store,
    id: ApprovalId,
) -> Result<std::result::Result<outbox::Entry, outbox::WithdrawRefusal>> {
    let done = outbox::withdraw(store.conn(), id)?;
    if let Ok(e) = &done {
        store.audit(
            AuditAction::Withdraw,
            &AuditDetail::Withdrawn {
                request: id,
                decision: e.verdict(),
            },
            Some(1),
        )?;
    }
    Ok(done)
}

/// Open requests per kind, in the vocabulary's order.
pub fn counts(items: &[Item]) -> Vec<(ApprovalKind, usize)> {
    ApprovalKind::ALL
        .iter()
        .map(|&k| {
            (
                k,
                items
                    .iter()
                    .filter(|i| i.request.kind == k && i.standing.decidable())
                    .count(),
            )
        })
        // Reviewed changes come only from 录入 operators: shown when there are some.
        .filter(|(k, n)| {
            *n > 0 || !matches!(k, ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inbox reads a page of requests at once; each item must be what the
    /// per-request reads give (`queries::preview_approval`, `unit_figures`,
    /// `path_text`, `person`), for every request of a generated county, open or
    /// decided.
    #[test]
    fn a_page_read_at_once_is_what_each_request_reads_alone() {
        let data = crate::generate::generate(crate::generate::Scale::Small, 3);
        let mut store = Store::open_in_memory().unwrap();
        store.replace_all(&data).unwrap();
        let conn = store.conn();
        let today = YearMonth::of(chrono::NaiveDate::from_ymd_opt(2025, 3, 5).unwrap());
        // Two decisions queued, so decided requests are listed too.
        let open = queries::open_approvals(conn).unwrap();
        assert!(open.len() > 5, "the county has open requests");
        for r in open.iter().take(2) {
            decide(&store, r.id, Decision::Approve, "同意。", today)
                .unwrap()
                .unwrap();
        }
        let items = items(conn, today).unwrap();
        assert_eq!(items.len(), open.len());
        let mut with_person = 0;
        for it in &items {
            let r = &it.request;
            let figures = queries::unit_figures(conn, r.org_id).unwrap();
            assert_eq!(it.figures, figures, "request {}", r.id);
            let effect = queries::preview_approval(conn, r, &figures, today).unwrap();
            assert_eq!(
                format!("{:?}", it.effect),
                format!("{effect:?}"),
                "request {}",
                r.id
            );
            assert_eq!(it.unit_path, queries::path_text(conn, r.org_id).unwrap());
            let person = r
                .person_id
                .and_then(|p| queries::person(conn, p).unwrap())
                .map(|p| p.name);
            with_person += usize::from(person.is_some());
            assert_eq!(it.person, person);
        }
        assert!(with_person > 0, "some requests name a person");
    }
}
