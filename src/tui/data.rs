//! What the views show, loaded from the cache. This is the interface's only door to the
//! store for reads; each loader is a handful of indexed queries (never a scan of all
//! persons), cheap enough to run between two key presses.

use crate::model::quota::Figures;
use crate::model::*;
use crate::store::queries::{self, TreeNode};
use crate::store::{self, Store};
use chrono::{DateTime, FixedOffset};

/// A tree node with what type-ahead matches it by.
#[derive(Debug, Clone)]
pub struct Node {
    pub node: TreeNode,
    /// Pinyin initials of the name and of the names people say for the unit (`jyj`
    /// for 青山县教育局), lower case.
    pub initials: Vec<String>,
}

impl Node {
    pub fn id(&self) -> OrgId {
        self.node.org.id
    }
    pub fn name(&self) -> &str {
        &self.node.org.name
    }
    pub fn short(&self) -> &str {
        self.node
            .org
            .short_name
            .as_deref()
            .unwrap_or(&self.node.org.name)
    }
}

/// A unit as the unit view shows it: fields, figures, posts, people, history.
#[derive(Debug, Clone)]
pub struct UnitData {
    pub org: Org,
    /// Root first, the unit last.
    pub path: Vec<Org>,
    pub own: Figures,
    pub subtree: Figures,
    pub persons: Vec<Person>,
    /// The unit's own events (also in `timeline`, merged with the ledgers).
    #[allow(dead_code)]
    pub history: Vec<Event>,
    pub children: usize,
    /// History, quota and post ledgers merged, newest first (the 沿革 panel).
    pub timeline: Vec<crate::store::timeline::Item>,
    /// 经费形式 of the approved quota per staffing type: the unit's own, its subtree's.
    pub funding: Funding,
    pub subtree_funding: Funding,
}

pub type Funding = Vec<(StaffingType, Vec<FundingType>)>;

#[derive(Debug, Clone)]
pub struct PersonData {
    pub person: Person,
    pub unit_path: Vec<Org>,
    pub history: Vec<Event>,
    /// The career as a timeline, newest first.
    pub timeline: Vec<crate::store::timeline::Item>,
    /// Every data-check problem on this record, with the record it conflicts with.
    pub problems: Vec<store::warnings::RecordProblem>,
    /// The day the age is counted on.
    pub today: chrono::NaiveDate,
    /// Keys of the fields whose shown value waits to be sent (待上传).
    pub pending: Vec<String>,
}

/// What the status bar needs from the cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusData {
    pub last_sync: Option<DateTime<FixedOffset>>,
    pub unsent: i64,
    /// The operator's jurisdiction: the name of the root unit.
    pub scope: Option<String>,
    /// Open requests in the cache (待审批) with no decision waiting to be sent.
    pub pending_requests: i64,
    /// Decisions the server refused that the operator has not looked at yet.
    pub unseen_refusals: u64,
    /// Edits not yet answered by the server (待上传).
    pub edits: u64,
}

pub fn nodes(store: &Store, list: Vec<TreeNode>) -> Vec<Node> {
    let _ = store;
    list.into_iter()
        .map(|node| Node {
            initials: super::lookup::initials(&node.org.name, node.org.short_name.as_deref()),
            node,
        })
        .collect()
}

pub fn roots(store: &Store) -> store::Result<Vec<Node>> {
    Ok(nodes(store, queries::roots(store.conn())?))
}

pub fn children(store: &Store, id: OrgId) -> store::Result<Vec<Node>> {
    Ok(nodes(store, queries::children(store.conn(), id)?))
}

pub fn unit(store: &Store, id: OrgId) -> store::Result<Option<UnitData>> {
    let c = store.conn();
    let Some(org) = queries::org(c, id)? else {
        return Ok(None);
    };
    let children = queries::child_count(c, id)?;
    Ok(Some(UnitData {
        path: queries::path_to_root(c, id)?,
        own: queries::unit_figures(c, id)?,
        subtree: queries::subtree_figures(c, id)?,
        persons: queries::persons_of(c, id, true)?,
        history: queries::history(c, Subject::Org(id))?,
        children,
        timeline: crate::store::timeline::unit(c, id)?,
        funding: store::stats::funding(c, id, false)?,
        subtree_funding: store::stats::funding(c, id, true)?,
        org,
    }))
}

pub fn person(
    store: &Store,
    id: PersonId,
    today: chrono::NaiveDate,
) -> store::Result<Option<PersonData>> {
    let c = store.conn();
    let Some(person) = queries::person(c, id)? else {
        return Ok(None);
    };
    Ok(Some(PersonData {
        unit_path: queries::path_to_root(c, person.org_id)?,
        history: queries::history(c, Subject::Person(id))?,
        timeline: crate::store::timeline::person(c, id)?,
        problems: store::warnings::of_person(c, id)?,
        today,
        pending: crate::store::exec::pending_fields(store, id)?,
        person,
    }))
}

/// The chain of children lists that reveals `id` in the tree: for each ancestor (root
/// first, the unit's parent last), its children.
pub fn reveal_path(store: &Store, id: OrgId) -> store::Result<Vec<(OrgId, Vec<Node>)>> {
    let path = queries::path_to_root(store.conn(), id)?;
    let mut out = Vec::new();
    for o in path.iter().take(path.len().saturating_sub(1)) {
        out.push((o.id, children(store, o.id)?));
    }
    Ok(out)
}

pub fn status(store: &Store) -> store::Result<StatusData> {
    let last_sync = store
        .meta(crate::sync::apply::keys::LAST_SYNC)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok());
    use crate::store::outbox::{self, State};
    let unsent = (outbox::count(store.conn(), State::Queued)?
        + outbox::count(store.conn(), State::Sent)?) as i64;
    let scope_id: Option<OrgId> = store
        .meta(crate::sync::apply::keys::SCOPE_ROOT)?
        .and_then(|s| s.parse().ok());
    let scope = match scope_id {
        Some(id) => queries::org(store.conn(), id)?.map(|o| o.name),
        None => queries::roots(store.conn())?
            .into_iter()
            .next()
            .map(|n| n.org.name),
    };
    let pending_requests = store::inbox::undecided_count(store.conn())?;
    Ok(StatusData {
        last_sync,
        unsent,
        scope,
        pending_requests,
        unseen_refusals: outbox::unseen_refusals(store.conn())?,
        edits: crate::store::exec::waiting_edits(store)?,
    })
}

/// The refused decisions, newest first, and how many the operator has not seen.
pub fn refusals(store: &Store) -> store::Result<(Vec<store::outbox::Entry>, u64)> {
    use crate::store::outbox::{self, State};
    let unseen = outbox::unseen_refusals(store.conn())?;
    let all = outbox::entries(store.conn())?;
    let mut list: Vec<_> = all
        .iter()
        .filter(|e| matches!(e.state, State::Refused | State::Conflict))
        .cloned()
        .collect();
    list.reverse();
    // After them, the edits not sent yet (待上传), which may still be withdrawn.
    list.extend(
        all.into_iter()
            .filter(|e| e.state == State::Queued && e.edit.is_some()),
    );
    Ok((list, unseen))
}

/// Settles the edit in conflict recorded under `seq` (see `model::edit::settle`);
/// whether a new edit was queued, or the refusals of the settled one.
pub fn settle_conflict(
    store: &Store,
    seq: i64,
    keep_mine: bool,
) -> store::Result<std::result::Result<bool, Vec<crate::model::edit::FieldError>>> {
    use crate::store::{outbox, pending};
    let conn = store.conn();
    let Some(e) = outbox::entry(conn, seq)?.filter(|e| e.state == outbox::State::Conflict) else {
        return Ok(Ok(false));
    };
    let (Some(intent), Some(outcome)) = (&e.edit, &e.outcome) else {
        return Ok(Ok(false));
    };
    let settled = crate::model::edit::settle(
        intent,
        &outcome.conflicts,
        |_| keep_mine,
        pending::cursor(conn)?,
    );
    let today = chrono::Local::now().date_naive();
    let done = pending::resolve_conflict(conn, seq, settled.as_ref(), today)?
        .map(|queued| queued.is_some());
    pending::refresh_stale(conn)?;
    Ok(done)
}

/// Units by name for `:unit` and for look-up: (id, name, short name).
pub fn unit_names(store: &Store) -> store::Result<Vec<(OrgId, String, Option<String>)>> {
    queries::unit_names(store.conn())
}

/// `:unit <name>`: the first unit found by that name.
pub fn find_unit(store: &Store, name: &str) -> store::Result<Option<OrgId>> {
    Ok(queries::find_orgs(store.conn(), name)?
        .first()
        .map(|o| o.id))
}

/// Entries of the local audit log the audit screen lists, newest first.
const AUDIT_ROWS: usize = 1000;

pub fn audit_log(store: &Store) -> store::Result<Vec<crate::store::timeline::Item>> {
    crate::store::timeline::audit(store.conn(), AUDIT_ROWS)
}

/// The approval inbox as of `today`.
pub fn inbox(store: &Store, today: chrono::NaiveDate) -> store::Result<Vec<store::inbox::Item>> {
    store::inbox::items(store.conn(), YearMonth::of(today))
}

/// One request as the inbox shows it, as of `today`.
pub fn inbox_item(
    store: &Store,
    id: ApprovalId,
    today: chrono::NaiveDate,
) -> store::Result<Option<store::inbox::Item>> {
    store::inbox::one(store.conn(), id, YearMonth::of(today))
}

/// The data of the views named, read again after a sync; a unit or person no longer
/// in the cache is left out (its view keeps what it showed).
pub fn reload(
    store: &Store,
    keys: &[super::action::ViewKey],
    today: chrono::NaiveDate,
) -> store::Result<Vec<super::action::Fresh>> {
    use super::action::{Fresh, ViewKey};
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let fresh = match key {
            ViewKey::Unit(id) => unit(store, *id)?.map(|u| Fresh::Unit(Box::new(u))),
            ViewKey::Person(id) => person(store, *id, today)?.map(|p| Fresh::Person(Box::new(p))),
            ViewKey::Inbox => Some(Fresh::Inbox(inbox(store, today)?)),
            ViewKey::Audit => Some(Fresh::Audit(audit_log(store)?)),
            ViewKey::Screen(req) => Some(Fresh::Screen(super::screens::load(store, req, today)?)),
            ViewKey::Form(_) => None,
        };
        out.extend(fresh);
    }
    Ok(out)
}
