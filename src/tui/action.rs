//! The one Action enum: terminal input, commands, requests for the runtime (effects),
//! and results coming back from the store and the workers.

use super::data::{Node, PersonData, StatusData, UnitData};
use super::keymap::Cmd;
use crate::model::{OrgId, PersonId};
use crate::search::SearchIndex;
use chrono::{DateTime, Local};
use crossterm::event::KeyEvent;
use std::sync::Arc;

pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(DateTime<Local>),
    Run(Cmd),
    /// Something only the runtime can do (read the store, start a worker).
    Effect(Effect),

    Roots(Vec<Node>),
    Children(OrgId, Vec<Node>),
    /// The children lists down to a unit, then whether to open it.
    Reveal {
        target: OrgId,
        levels: Vec<(OrgId, Vec<Node>)>,
        open: bool,
    },
    Unit(Box<UnitData>),
    Person(Box<PersonData>),
    Status(StatusData),
    IndexReady(Arc<SearchIndex>, Arc<Vec<UnitName>>),
    IndexFailed(String),
    SyncStarted,
    SyncFinished(Result<String, SyncFailure>),
    /// A page of the running sync applied: pages and rows so far.
    SyncProgress {
        pages: u64,
        rows: u64,
    },
    /// The inbox loaded: into the inbox view waiting for it, or refreshing the inbox in
    /// front.
    Inbox(Vec<crate::store::inbox::Item>),
    /// One inbox item as it stands after a decision (`decided`: the next one opens) or
    /// a withdrawal.
    InboxItem {
        item: Box<crate::store::inbox::Item>,
        decided: bool,
    },
    /// The cache's full integrity check: Err says why it failed.
    Checked(Result<(), String>),
    /// A view's data could not be read: its loading view goes, the reason is shown
    /// (when there is one).
    LoadFailed(ViewKey, String),
    /// The local audit log as a timeline.
    AuditLog(Vec<crate::store::timeline::Item>),
    /// A screen read off the interface's task (overview, warnings, a drill-down list).
    Screen(Box<dyn super::screens::Screen>),
    /// The open views' data read again after a sync brought changes; each goes into
    /// the view it was read for, wherever that is in the stack.
    Reloaded(Vec<Fresh>),
    /// The refused decisions (newest first) and how many were unseen; opens their list.
    Refusals(Vec<crate::store::outbox::Entry>, u64),
    /// An edit was queued (待上传): the form with this key closes and the record in
    /// front is read again.
    EditQueued(String),
    /// A draft kept for the form with this key: offered to the clerk.
    DraftFound(String, super::form::Draft),
    /// The edit was refused by the server's rules, checked here: the form marks the fields.
    EditRefused(Vec<crate::model::edit::FieldError>),
    /// A short note for the status line (kept out of dialogs).
    Note(String),
    Error(String),
}

/// Which view's data to read again: what a view shows, not where its cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewKey {
    Unit(OrgId),
    Person(PersonId),
    Inbox,
    Audit,
    Screen(super::screens::ScreenRequest),
    /// A form (its key: the form and its record): never read again (what the clerk
    /// typed stays).
    Form(String),
}

/// A view's data read again, for [`Action::Reloaded`].
pub enum Fresh {
    Unit(Box<UnitData>),
    Person(Box<PersonData>),
    Inbox(Vec<crate::store::inbox::Item>),
    Audit(Vec<crate::store::timeline::Item>),
    Screen(Box<dyn super::screens::Screen>),
}

impl Fresh {
    /// The view this data belongs in.
    pub fn key(&self) -> ViewKey {
        match self {
            Fresh::Unit(u) => ViewKey::Unit(u.org.id),
            Fresh::Person(p) => ViewKey::Person(p.person.id),
            Fresh::Inbox(_) => ViewKey::Inbox,
            Fresh::Audit(_) => ViewKey::Audit,
            Fresh::Screen(s) => ViewKey::Screen(s.request()),
        }
    }
}

/// (id, full name, short name) of a unit, for `:unit` completion.
pub type UnitName = (OrgId, String, Option<String>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadRoots,
    LoadChildren(OrgId),
    LoadUnit(OrgId),
    LoadPerson(PersonId),
    LoadStatus,
    /// Expand the tree down to the unit (and open it).
    Goto {
        id: OrgId,
        open: bool,
    },
    /// `:unit <name>`: find by name, then go there.
    FindUnit(String),
    /// One line in the local audit log. Never personal data: ids and actions only.
    Audit {
        action: crate::store::timeline::AuditAction,
        detail: crate::store::audit::AuditDetail,
        rows: Option<i64>,
    },
    Sync,
    /// Write the table on screen to a file (CSV or XLSX), audited.
    Export(Box<super::export::ExportJob>),
    /// Read a screen (overview, warnings, drill-down) and open it.
    Open(super::screens::ScreenRequest),
    /// After a sync brought new rows: status, tree figures (keeping what is open), index.
    Refresh,
    /// The approval inbox; `show` opens it, else an open inbox is refreshed.
    LoadInbox {
        show: bool,
    },
    /// Queue a decision in the outbox (and the audit log), as `bianzhi decide` does.
    Decide {
        id: crate::model::ApprovalId,
        decision: crate::model::Decision,
        comment: String,
    },
    /// Take back a queued decision (and say so in the audit log), as `bianzhi outbox
    /// withdraw` does.
    Withdraw(crate::model::ApprovalId),
    LoadAuditLog,
    /// The refused decisions with their reasons; they count as seen from then on.
    LoadRefusals,
    /// Check an edit with the server's rules and queue it in the outbox, as `bianzhi
    /// person edit` does.
    QueueEdit(QueuedEdit),
    /// Read the draft kept for a form (its key), if any.
    LoadDraft(String),
    /// Keep a form's unsaved values (the newest wins; written off the interface's task).
    SaveDraft(String, super::form::Draft),
    /// The form was saved or discarded: its draft goes.
    DeleteDraft(String),
    /// Take back a queued edit (待上传) not yet sent, as `bianzhi outbox withdraw --edit`.
    WithdrawEdit(i64),
    /// Refresh the derived figures a saved edit left stale.
    RefreshStale,
    /// An edit in conflict settled: the clerk's values re-queued on the server's, or the
    /// server's taken.
    SettleConflict {
        seq: i64,
        keep_mine: bool,
    },
}

/// An edit from a form on its way to the outbox. Its Debug names what it is and never
/// the values (an ID number or a birth date may be among them).
#[derive(Clone, PartialEq, Eq)]
pub struct QueuedEdit {
    /// The key of the form it comes from.
    pub form: String,
    pub intent: Box<crate::model::edit::Intent>,
    /// The note once queued (已记录修改 N 项（待上传）).
    pub note: String,
}

impl std::fmt::Debug for QueuedEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "QueuedEdit({}, {})",
            self.form,
            crate::model::edit::subject(&self.intent.edit)
        )
    }
}

/// Why a sync did not happen. Offline is a state, not an error: the status bar says
/// so and the operator keeps working from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncFailure {
    NotConfigured,
    /// The server could not be reached: why, in the sync client's words.
    Offline(String),
    Failed(String),
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never prints personal data (actions may carry persons).
        let name = match self {
            Action::Key(k) => return write!(f, "Key({:?})", k.code),
            Action::Paste(s) => return write!(f, "Paste({} chars)", s.chars().count()),
            Action::Resize(w, h) => return write!(f, "Resize({w}, {h})"),
            Action::Tick(_) => "Tick",
            Action::Run(c) => return write!(f, "Run({c:?})"),
            Action::Effect(e) => return write!(f, "Effect({e:?})"),
            Action::Roots(_) => "Roots",
            Action::Children(id, _) => return write!(f, "Children({id})"),
            Action::Reveal { target, .. } => return write!(f, "Reveal({target})"),
            Action::Unit(_) => "Unit",
            Action::Person(_) => "Person",
            Action::Status(_) => "Status",
            Action::IndexReady(..) => "IndexReady",
            Action::IndexFailed(_) => "IndexFailed",
            Action::SyncStarted => "SyncStarted",
            Action::SyncFinished(_) => "SyncFinished",
            Action::SyncProgress { .. } => "SyncProgress",
            Action::Inbox(items) => return write!(f, "Inbox({})", items.len()),
            Action::InboxItem { item, .. } => return write!(f, "InboxItem({})", item.request.id),
            Action::Checked(v) => return write!(f, "Checked({})", v.is_ok()),
            Action::LoadFailed(k, _) => return write!(f, "LoadFailed({k:?})"),
            Action::AuditLog(_) => "AuditLog",
            Action::Screen(_) => "Screen",
            Action::Reloaded(v) => return write!(f, "Reloaded({})", v.len()),
            Action::Refusals(v, _) => return write!(f, "Refusals({})", v.len()),
            Action::EditQueued(key) => return write!(f, "EditQueued({key})"),
            Action::DraftFound(key, _) => return write!(f, "DraftFound({key})"),
            Action::EditRefused(v) => return write!(f, "EditRefused({})", v.len()),
            Action::Note(_) => "Note",
            Action::Error(_) => "Error",
        };
        f.write_str(name)
    }
}
