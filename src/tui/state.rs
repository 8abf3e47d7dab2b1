//! The interface's state and `update`: no I/O, no terminal. Requests for the store and
//! the workers leave as `Action::Effect`; their results come back as actions.

use super::action::{Action, Effect, Fresh, SyncFailure, UnitName, ViewKey};
use super::component::Component;
use super::data::StatusData;
use super::i18n::{self, M};
use super::keymap::{Cmd, Key, Keymap, Mode, Resolved};
use super::lookup::SearchState;
use super::palette::{PaletteState, Run};
use super::panels::UnitView;
use super::person::PersonView;
use super::theme::Theme;
use super::tree::TreeState;
use super::widgets::Cursor;
use crate::search::{EntryKind, Searcher};
use chrono::{DateTime, Local};
use crossterm::event::KeyEventKind;
use std::sync::Arc;

pub enum View {
    Unit(UnitView),
    Person(Box<PersonView>),
    /// 待审批 and a request opened from it.
    Inbox(Box<super::inbox::InboxView>),
    /// The local audit log (this operator's decisions, reveals, exports, syncs).
    Audit(Box<super::timeline::Timeline>),
    /// The overview of the jurisdiction, the warnings, a drill-down list.
    Screen(Box<dyn super::screens::Screen>),
    /// A view asked for whose data is still being read: it says so, answers keys, and
    /// Esc leaves it (the data that comes later is then dropped).
    Loading(ViewKey),
    /// A form over the person under it (信息变更, 减员).
    Form(Box<super::form::FormView>),
}

impl View {
    /// What the view shows, to read it again after a sync.
    pub fn key(&self) -> ViewKey {
        match self {
            View::Unit(v) => ViewKey::Unit(v.data.org.id),
            View::Person(v) => ViewKey::Person(v.data.person.id),
            View::Inbox(_) => ViewKey::Inbox,
            View::Audit(_) => ViewKey::Audit,
            View::Screen(v) => ViewKey::Screen(v.request()),
            View::Loading(k) => k.clone(),
            View::Form(v) => ViewKey::Form(v.key()),
        }
    }

    /// The view as a component: what it handles, draws and offers (none while loading).
    pub fn component(&self) -> Option<&dyn Component> {
        Some(match self {
            View::Unit(v) => v,
            View::Person(v) => v.as_ref(),
            View::Inbox(v) => v.as_ref(),
            View::Audit(t) => t.as_ref(),
            View::Screen(v) => v.as_ref() as &dyn Component,
            View::Form(v) => v.as_ref(),
            View::Loading(_) => return None,
        })
    }

    fn component_mut(&mut self) -> Option<&mut dyn Component> {
        Some(match self {
            View::Unit(v) => v,
            View::Person(v) => v.as_mut(),
            View::Inbox(v) => v.as_mut(),
            View::Audit(t) => t.as_mut(),
            View::Screen(v) => v.as_mut() as &mut dyn Component,
            View::Form(v) => v.as_mut(),
            View::Loading(_) => return None,
        })
    }

    /// Puts data read again into the view, keeping its tab, filters and the cursor
    /// on the same row where that row still exists.
    fn reload(&mut self, fresh: Fresh) {
        match (self, fresh) {
            (View::Unit(v), Fresh::Unit(data)) => v.reload(*data),
            (View::Person(v), Fresh::Person(data)) => v.reload(*data),
            (View::Inbox(v), Fresh::Inbox(items)) => v.set_items(items),
            (View::Audit(t), Fresh::Audit(items)) => t.set_items(items),
            (View::Screen(v), Fresh::Screen(mut screen)) => {
                super::screens::carry(v.as_ref(), screen.as_mut());
                *v = screen;
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Search,
    Palette,
    Help,
    /// The decisions the server refused, with its reasons.
    Refusals,
    /// `q` with decisions not yet sent: y syncs first, n quits, Esc stays.
    ConfirmQuit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    /// Ticks (seconds) left on screen.
    pub ttl: u8,
}

pub struct State {
    pub theme: Theme,
    pub read_only: bool,
    pub keymap: Arc<Keymap>,
    pub size: (u16, u16),
    pub now: DateTime<Local>,
    pub tree: TreeState,
    /// Views opened over the tree; empty means the tree has focus.
    pub stack: Vec<View>,
    pub overlay: Option<Overlay>,
    /// Kept while the overlay is closed, so `/` returns to the last results.
    pub search: SearchState,
    pub searcher: Option<Searcher>,
    pub palette: PaletteState,
    pub help: Cursor,
    pub units: Arc<Vec<UnitName>>,
    pub pending: Vec<Key>,
    pub status: StatusData,
    /// None until the first sync attempt has answered.
    pub online: Option<bool>,
    pub syncing: bool,
    /// Pages and rows the running sync has applied (shown while the cache is empty).
    pub sync_progress: Option<(u64, u64)>,
    /// Why the cache failed its full integrity check at start or after a sync (no
    /// decision is recorded into it then); None while it passes or is being checked.
    pub damaged: Option<String>,
    pub message: Option<Message>,
    pub quit: bool,
    /// The refused decisions (newest first) while their list is open, and how many of
    /// them the operator had not seen before it opened.
    pub refusals: Vec<crate::store::outbox::Entry>,
    pub refusals_new: usize,
    pub refusals_cursor: Cursor,
    /// The queued edit (its outbox seq) the refusals list asks to withdraw (y/n).
    pub withdraw_edit: Option<i64>,
    /// `y` at the quit question: quit once this many syncs have finished (the one
    /// running, if any, then the one asked for).
    pub quit_after_sync: Option<u8>,
    /// The operator asked for this sync (F5): an unreachable server is said then.
    pub sync_asked: bool,
}

impl State {
    pub fn new(
        keymap: Arc<Keymap>,
        theme: Theme,
        read_only: bool,
        size: (u16, u16),
        now: DateTime<Local>,
    ) -> State {
        State {
            theme,
            read_only,
            keymap,
            size,
            now,
            tree: TreeState::default(),
            stack: Vec::new(),
            overlay: None,
            search: SearchState::default(),
            searcher: None,
            palette: PaletteState::default(),
            help: Cursor::default(),
            units: Arc::new(Vec::new()),
            pending: Vec::new(),
            status: StatusData::default(),
            online: None,
            syncing: false,
            sync_progress: None,
            damaged: None,
            message: None,
            quit: false,
            refusals: Vec::new(),
            refusals_new: 0,
            refusals_cursor: Cursor::default(),
            withdraw_edit: None,
            quit_after_sync: None,
            sync_asked: false,
        }
    }

    pub fn mode(&self) -> Mode {
        match self.overlay {
            Some(Overlay::Search) => Mode::Search,
            Some(Overlay::Palette) => Mode::Palette,
            Some(Overlay::Help | Overlay::Refusals | Overlay::ConfirmQuit) => Mode::Help,
            None => match self.stack.last() {
                None => Mode::Tree,
                Some(View::Unit(v)) if v.typing() => Mode::Input,
                Some(View::Unit(_)) => Mode::Unit,
                Some(View::Person(v)) if v.career.typing() => Mode::Input,
                Some(View::Person(_)) => Mode::Person,
                Some(View::Inbox(v)) if v.typing() => Mode::Input,
                Some(View::Inbox(_)) => Mode::Inbox,
                Some(View::Audit(t)) if t.typing() => Mode::Input,
                // One list with the timeline keys (filter, detail) of the unit's 沿革.
                Some(View::Audit(_)) => Mode::Unit,
                // A report's as-of day or period being typed.
                Some(View::Screen(v)) if v.typing() => Mode::Input,
                // Lists: Enter opens, Tab/arrows switch group or kind, <C-e> exports.
                Some(View::Screen(_)) => Mode::Unit,
                // Esc leaves; every global key works.
                Some(View::Loading(_)) => Mode::Unit,
                // The form reads keys itself; help lists the text keys.
                Some(View::Form(_)) => Mode::Input,
            },
        }
    }

    /// The commands the body answers now: the component in front's (the tree's when
    /// nothing is open), or the overlay's. The hint line offers these.
    pub fn commands_now(&self) -> Vec<Cmd> {
        match self.overlay {
            Some(Overlay::Search) => vec![Cmd::Open, Cmd::CursorDown, Cmd::CursorUp, Cmd::Close],
            Some(Overlay::Palette) => vec![Cmd::Complete, Cmd::Open, Cmd::Close],
            Some(Overlay::Help | Overlay::Refusals | Overlay::ConfirmQuit) => vec![Cmd::Close],
            None => match self.stack.last() {
                None => self.tree.commands(),
                Some(view) => view.component().map(|c| c.commands()).unwrap_or_default(),
            },
        }
    }

    /// Rows a list in the body has: the screen less the title, status and hint lines,
    /// the borders and a header or tab line. Render may correct the offset; this keeps
    /// the cursor on screen when paging.
    pub fn list_height(&self) -> usize {
        (self.body_height() as usize).saturating_sub(2 + 2).max(1)
    }

    /// Rows between the title line and the status and hint lines (view's layout).
    pub fn body_height(&self) -> u16 {
        self.size.1.saturating_sub(3)
    }

    fn note(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some(Message {
            text: text.into(),
            error,
            ttl: if error { 10 } else { 5 },
        });
    }

    fn lang(&self) -> crate::model::Lang {
        self.theme.lang
    }
}

pub fn update(s: &mut State, action: Action) -> Option<Action> {
    match action {
        Action::Key(ev) => {
            if ev.kind == KeyEventKind::Release {
                return None;
            }
            if s.overlay.is_none()
                && let Some(View::Form(form)) = s.stack.last_mut()
            {
                let lang = s.theme.lang;
                let before = form.values();
                let next = form.on_key(ev, lang);
                if form.closed {
                    s.stack.pop();
                    return next;
                }
                return next.or_else(|| draft_if_changed(form, before));
            }
            let key = Key::from_event(&ev)?;
            on_key(s, key)
        }
        Action::Paste(text) => {
            match s.overlay {
                Some(Overlay::Search) => s.search.type_text(&text, s.searcher.as_mut()),
                Some(Overlay::Palette) => s.palette.type_text(&text, &s.units, s.theme.lang),
                Some(Overlay::Help | Overlay::Refusals | Overlay::ConfirmQuit) => {}
                None if s.stack.is_empty() => {
                    let h = s.list_height();
                    s.tree.type_ahead(text.trim(), h);
                }
                None => return type_into_view(s, &text),
            }
            None
        }
        Action::Resize(w, h) => {
            s.size = (w, h);
            None
        }
        Action::Tick(now) => {
            s.now = now;
            s.tree.tick();
            if let Some(m) = &mut s.message {
                m.ttl = m.ttl.saturating_sub(1);
                if m.ttl == 0 {
                    s.message = None;
                }
            }
            None
        }
        Action::Run(cmd) => on_cmd(s, cmd),
        // The runtime performs effects; one reaching here is passed back to it.
        Action::Effect(e) => Some(Action::Effect(e)),
        Action::Roots(nodes) => s.tree.set_roots(nodes),
        Action::Children(id, nodes) => {
            s.tree.set_children(id, nodes);
            None
        }
        Action::Reveal {
            target,
            levels,
            open,
        } => {
            let h = s.list_height();
            s.tree.reveal(target, levels, h);
            open.then_some(Action::Effect(Effect::LoadUnit(target)))
        }
        Action::Unit(data) => {
            let id = data.org.id;
            if land(
                s,
                ViewKey::Unit(id),
                View::Unit(UnitView::new(*data, s.theme.lang)),
            ) {
                let h = s.list_height();
                s.tree.select(id, h);
            }
            None
        }
        Action::Person(data) => {
            let key = ViewKey::Person(data.person.id);
            let mut view = PersonView::new(*data);
            view.keys = (
                s.keymap
                    .key_for(Mode::Person, Cmd::Reveal)
                    .unwrap_or_else(|| ":".into()),
                s.keymap
                    .key_for(Mode::Person, Cmd::OpenOther)
                    .unwrap_or_default(),
            );
            land(s, key, View::Person(Box::new(view)));
            None
        }
        Action::Status(st) => {
            s.status = st;
            None
        }
        Action::IndexReady(index, units) => {
            s.palette.index = Some(index.clone());
            s.searcher = Some(Searcher::new(index));
            s.units = units;
            if !s.search.input.text.is_empty() {
                s.search.refresh(s.searcher.as_mut());
            }
            None
        }
        Action::IndexFailed(e) => {
            s.note(e, true);
            None
        }
        Action::SyncStarted => {
            s.syncing = true;
            None
        }
        Action::SyncProgress { pages, rows } => {
            s.sync_progress = Some((pages, rows));
            None
        }
        Action::SyncFinished(result) => {
            s.syncing = false;
            s.sync_progress = None;
            let lang = s.lang();
            let asked = std::mem::take(&mut s.sync_asked);
            if let Some(n) = s.quit_after_sync {
                if n > 1 {
                    s.quit_after_sync = Some(n - 1);
                    s.sync_asked = true;
                } else {
                    s.quit_after_sync = None;
                    match &result {
                        Ok(_) => {
                            s.quit = true;
                            return None;
                        }
                        Err(e) => {
                            let why = sync_failure_text(s, e);
                            s.note(i18n::quit_sync_failed(lang, &why), true);
                            s.online = Some(false);
                            return None;
                        }
                    }
                }
            }
            match result {
                Ok(summary) => {
                    s.online = Some(true);
                    s.note(
                        format!("{} {summary}", M::SyncOk.get(lang))
                            .trim()
                            .to_string(),
                        false,
                    );
                    // An open inbox shows what the server answered (LoadInbox loads the
                    // status too).
                    if s.stack.iter().any(|v| matches!(v, View::Inbox(_))) {
                        return Some(Action::Effect(Effect::LoadInbox { show: false }));
                    }
                    return Some(Action::Effect(Effect::LoadStatus));
                }
                Err(SyncFailure::NotConfigured) => {
                    // Said once; the status bar keeps saying 离线.
                    if s.online.is_none() {
                        s.note(M::NoServer.get(lang), false);
                    }
                    s.online = Some(false);
                }
                Err(SyncFailure::Offline(detail)) => {
                    // Said when asked for (F5): offline is a state, and the status
                    // bar keeps saying 离线 and the data's age.
                    if asked {
                        let text = sync_failure_text(s, &SyncFailure::Offline(detail));
                        s.note(text, true);
                    }
                    s.online = Some(false);
                }
                Err(SyncFailure::Failed(e)) => {
                    s.online = Some(false);
                    s.note(format!("{}：{e}", M::SyncFailed.get(lang)), true);
                }
            }
            None
        }
        Action::Inbox(items) => {
            // Into the inbox waiting for it or in front; else the operator has left it.
            let today = s.now.date_naive();
            let i = landing(s, &ViewKey::Inbox)?;
            match &mut s.stack[i] {
                View::Inbox(v) => v.set_items(items),
                other => {
                    let mut v = super::inbox::InboxView::new(items, today);
                    v.lang = s.theme.lang;
                    *other = View::Inbox(Box::new(v));
                }
            }
            None
        }
        Action::InboxItem { item, decided } => {
            // A decision or a withdrawal recorded: the item changes in place (the rest
            // of the inbox is not read again for it).
            if let Some(View::Inbox(v)) = s.stack.last_mut() {
                let id = item.request.id;
                v.put_item(*item);
                if decided {
                    v.advance_from(id);
                }
            }
            None
        }
        Action::LoadFailed(key, why) => {
            if let Some(i) = s
                .stack
                .iter()
                .rposition(|v| matches!(v, View::Loading(k) if *k == key))
            {
                s.stack.remove(i);
            }
            if !why.is_empty() {
                s.note(why, true);
            }
            None
        }
        Action::Checked(verdict) => {
            s.damaged = verdict.err();
            None
        }
        Action::AuditLog(items) => {
            let view = View::Audit(Box::new(super::timeline::Timeline::new(items)));
            land(s, ViewKey::Audit, view);
            None
        }
        Action::Screen(screen) => {
            // Reopening the same list (after a sync, or twice) replaces it.
            land(s, ViewKey::Screen(screen.request()), View::Screen(screen));
            None
        }
        Action::Reloaded(mut fresh) => {
            // The stack may have changed while the data was read: each piece goes to a
            // view that still shows it (one piece per view, the same view may be open
            // twice). A view still loading gets its own data when it comes.
            for v in &mut s.stack {
                if matches!(v, View::Loading(_)) {
                    continue;
                }
                let key = v.key();
                if let Some(i) = fresh.iter().position(|f| f.key() == key) {
                    v.reload(fresh.remove(i));
                }
            }
            None
        }
        Action::Refusals(list, unseen) => {
            s.refusals_new = (unseen as usize).min(list.len());
            s.refusals = list;
            // The cursor stays where it was (a withdrawal reads the list again).
            let pos = if s.overlay == Some(Overlay::Refusals) {
                s.refusals_cursor
                    .pos
                    .min(s.refusals.len().saturating_sub(1))
            } else {
                0
            };
            s.refusals_cursor = Cursor { pos, offset: 0 };
            s.withdraw_edit = None;
            s.overlay = Some(Overlay::Refusals);
            // Seen now: the status bar's count goes.
            s.status.unseen_refusals = 0;
            None
        }
        Action::EditQueued(key) => {
            // The form closes; the record under it is read again with the pending marks.
            if matches!(s.stack.last(), Some(View::Form(f)) if f.key() == key) {
                s.stack.pop();
            }
            match s.stack.last() {
                Some(View::Person(p)) => Some(Action::Effect(Effect::LoadPerson(p.data.person.id))),
                Some(View::Unit(u)) => Some(Action::Effect(Effect::LoadUnit(u.data.org.id))),
                _ => None,
            }
        }
        Action::DraftFound(key, draft) => {
            if let Some(View::Form(f)) = s.stack.last_mut()
                && f.key() == key
            {
                f.offer_draft(draft);
            }
            None
        }
        Action::EditRefused(errors) => {
            if let Some(View::Form(f)) = s.stack.last_mut() {
                f.refused(errors);
            }
            s.note(M::FormFix.get(s.theme.lang), true);
            None
        }
        Action::Note(t) => {
            s.note(t, false);
            None
        }
        Action::Error(t) => {
            s.note(t, true);
            None
        }
    }
}

/// Where a view's data just read goes: in place of the loading view waiting for it, or
/// over the same view in front (read again). None when the operator has left before it
/// came: the data is dropped.
fn landing(s: &State, key: &ViewKey) -> Option<usize> {
    if let Some(i) = s
        .stack
        .iter()
        .rposition(|v| matches!(v, View::Loading(k) if k == key))
    {
        return Some(i);
    }
    match s.stack.last() {
        Some(v) if v.key() == *key => Some(s.stack.len() - 1),
        _ => None,
    }
}

/// Puts a view whose data came in its place (see [`landing`]); false when nobody waits
/// for it any more.
fn land(s: &mut State, key: ViewKey, view: View) -> bool {
    let Some(i) = landing(s, &key) else {
        return false;
    };
    s.stack[i] = view;
    // The same view right under it (opened again) gives way to the fresh one.
    if i > 0 && !matches!(s.stack[i - 1], View::Loading(_)) && s.stack[i - 1].key() == key {
        s.stack.remove(i - 1);
    }
    true
}

/// An effect that opens a view shows that view as loading at once, so the key is
/// answered with a frame and Esc can leave before the data is there. A newer request
/// replaces a view still loading (the executor drops the older read likewise).
pub fn expect(s: &mut State, effect: &Effect) {
    let key = match effect {
        Effect::LoadUnit(id) | Effect::Goto { id, open: true } => ViewKey::Unit(*id),
        Effect::LoadPerson(id) => ViewKey::Person(*id),
        Effect::LoadInbox { show: true } => ViewKey::Inbox,
        Effect::LoadAuditLog => ViewKey::Audit,
        Effect::Open(req) => ViewKey::Screen(req.clone()),
        _ => return,
    };
    s.overlay = None;
    match s.stack.last_mut() {
        Some(v) if v.key() == key => {}
        Some(v @ View::Loading(_)) => *v = View::Loading(key),
        // The same report as of another day takes the place of the one in front.
        Some(v) if same_report(&v.key(), &key) => *v = View::Loading(key),
        _ => s.stack.push(View::Loading(key)),
    }
}

/// The unit in front, or under the tree's cursor (None elsewhere).
fn unit_in_focus(s: &State) -> Option<crate::model::OrgId> {
    match s.stack.last() {
        Some(View::Unit(u)) => Some(u.data.org.id),
        None => s.tree.selected(),
        _ => None,
    }
}

/// Two views of one report of one subtree (as of different days).
fn same_report(a: &ViewKey, b: &ViewKey) -> bool {
    use super::screens::ScreenRequest::Report;
    matches!(
        (a, b),
        (
            ViewKey::Screen(Report { kind: k1, root: r1, .. }),
            ViewKey::Screen(Report { kind: k2, root: r2, .. }),
        ) if k1 == k2 && r1 == r2
    )
}

fn on_key(s: &mut State, key: Key) -> Option<Action> {
    if s.overlay == Some(Overlay::ConfirmQuit) {
        return confirm_quit(s, key);
    }
    // In the refusals list an edit not sent yet may be withdrawn: w, then y.
    if s.overlay == Some(Overlay::Refusals) && !s.read_only {
        use super::keymap::{KeyCodeOrd, Named};
        if let Some(seq) = s.withdraw_edit {
            match key.code {
                KeyCodeOrd::Char('y' | 'Y') if !key.ctrl => {
                    s.withdraw_edit = None;
                    return Some(Action::Effect(Effect::WithdrawEdit(seq)));
                }
                KeyCodeOrd::Char('n' | 'N') | KeyCodeOrd::Named(Named::Esc) => {
                    s.withdraw_edit = None;
                }
                _ => {}
            }
            return None;
        }
        if key.code == KeyCodeOrd::Char('w')
            && !key.ctrl
            && let Some(e) = s.refusals.get(s.refusals_cursor.pos)
            && e.state == crate::store::outbox::State::Queued
        {
            s.withdraw_edit = Some(e.seq);
            return None;
        }
    }
    // In the refusals list, an edit in conflict is settled on the spot: m keeps the
    // clerk's values (re-queued on the server's), s takes the server's.
    if s.overlay == Some(Overlay::Refusals)
        && !s.read_only
        && let super::keymap::KeyCodeOrd::Char(c @ ('m' | 's')) = key.code
        && let Some(e) = s.refusals.get(s.refusals_cursor.pos)
        && e.state == crate::store::outbox::State::Conflict
    {
        return Some(Action::Effect(Effect::SettleConflict {
            seq: e.seq,
            keep_mine: c == 'm',
        }));
    }
    let mode = s.mode();
    let mut seq = std::mem::take(&mut s.pending);
    let had_pending = !seq.is_empty();
    seq.push(key);
    match s.keymap.resolve(mode, &seq) {
        Resolved::Run(cmd) => Some(Action::Run(cmd)),
        Resolved::Pending => {
            s.pending = seq;
            None
        }
        // A key that ends no sequence cancels it (Esc included) and does nothing else.
        Resolved::Unbound if had_pending => None,
        Resolved::Unbound => {
            let text = key.text()?;
            let mut buf = [0u8; 4];
            let text = text.encode_utf8(&mut buf);
            match mode {
                Mode::Search => s.search.type_text(text, s.searcher.as_mut()),
                Mode::Palette => s.palette.type_text(text, &s.units, s.theme.lang),
                Mode::Input => {
                    let text = text.to_string();
                    return type_into_view(s, &text);
                }
                Mode::Tree if text != " " => {
                    let h = s.list_height();
                    s.tree.type_ahead(text, h);
                }
                _ => {}
            }
            None
        }
    }
}

fn on_cmd(s: &mut State, cmd: Cmd) -> Option<Action> {
    let lang = s.lang();
    if cmd == Cmd::Noop {
        return None;
    }
    if s.read_only && cmd.changes_data() {
        s.note(M::ReadOnlyRefused.get(lang), true);
        return None;
    }
    let height = s.list_height();
    match s.overlay {
        Some(Overlay::Search) => {
            let height = super::lookup::Layout::new(s.body_height()).rows as usize;
            match cmd {
                Cmd::Close => s.overlay = None,
                Cmd::DeleteChar if s.search.input.text.is_empty() => s.overlay = None,
                _ => {
                    let found = s.search.handle(cmd, height, s.searcher.as_mut())?;
                    return Some(Action::Effect(match found.kind {
                        EntryKind::Person => Effect::LoadPerson(found.id),
                        EntryKind::Org => Effect::Goto {
                            id: found.id,
                            open: true,
                        },
                    }));
                }
            }
            None
        }
        Some(Overlay::Palette) => {
            if cmd == Cmd::Close {
                s.overlay = None;
                return None;
            }
            let run = s.palette.handle(cmd, &s.units, lang)?;
            s.overlay = None;
            s.palette.reset();
            match run {
                Run::Goto(id) => Some(Action::Effect(Effect::Goto { id, open: true })),
                Run::FindUnit(name) => Some(Action::Effect(Effect::FindUnit(name))),
                Run::Panel(name) => {
                    let switched = match s.stack.last_mut() {
                        Some(View::Unit(v)) => v.switch_to(&name),
                        _ => false,
                    };
                    if !switched {
                        s.note(format!("{}：{name}", M::NoSuchPanel.get(lang)), true);
                    }
                    None
                }
                Run::Plain(Cmd::Export) => export_table(s, ""),
                Run::Export(arg) => export_table(s, &arg),
                Run::Plain(Cmd::Compare) => {
                    s.note(M::CompareNoPath.get(lang), true);
                    None
                }
                // 比对 PATH: of the unit under the tree's cursor or in front (the palette
                // was opened over it).
                Run::Compare(path) => Some(Action::Effect(Effect::Open(
                    super::screens::ScreenRequest::Compare {
                        path: super::compare::expand(&path),
                        lang,
                        root: unit_in_focus(s),
                    },
                ))),
                Run::Plain(Cmd::GotoUnit | Cmd::SwitchPanel) | Run::Unknown(_) => {
                    s.note(
                        format!(
                            "{}：{}",
                            M::UnknownCommand.get(lang),
                            s_trunc(&run_text(&run))
                        ),
                        true,
                    );
                    None
                }
                Run::Plain(cmd) => on_cmd(s, cmd),
            }
        }
        Some(Overlay::Help) => {
            match cmd {
                Cmd::Close | Cmd::Help | Cmd::Back => s.overlay = None,
                Cmd::Legend => s.help.pos = super::view::help_index(s).legend,
                other => {
                    // The text scrolls a page at a time and stops with its end on the
                    // last row.
                    let page = super::view::help_height(s);
                    let len = super::view::help_index(s).len;
                    s.help.apply(other, len.saturating_sub(page) + 1, page);
                }
            }
            s.help.offset = 0;
            None
        }
        Some(Overlay::Refusals) => {
            match cmd {
                Cmd::Close | Cmd::Back | Cmd::Help => s.overlay = None,
                other => {
                    let page = super::view::help_height(s).saturating_sub(2);
                    let n = s.refusals.len();
                    s.refusals_cursor.apply(other, n, page);
                }
            }
            None
        }
        Some(Overlay::ConfirmQuit) => None,
        None => match cmd {
            Cmd::Quit if s.status.unsent > 0 && !s.read_only => {
                s.overlay = Some(Overlay::ConfirmQuit);
                None
            }
            Cmd::Quit => {
                s.quit = true;
                None
            }
            Cmd::Search => {
                s.overlay = Some(Overlay::Search);
                s.search.selected = !s.search.input.text.is_empty();
                if !s.search.input.text.is_empty() && s.search.hits.is_empty() {
                    s.search.refresh(s.searcher.as_mut());
                }
                None
            }
            Cmd::Palette => {
                s.overlay = Some(Overlay::Palette);
                s.palette.reset();
                s.palette.refresh(&s.units, lang);
                None
            }
            Cmd::Help | Cmd::Legend => {
                // Help opens at the keys of the screen in front (or at the legend).
                let index = super::view::help_index(s);
                let at = if cmd == Cmd::Legend {
                    index.legend
                } else {
                    index.section(s.mode())
                };
                let page = super::view::help_height(s);
                s.overlay = Some(Overlay::Help);
                s.help = Cursor {
                    pos: at.min(index.len.saturating_sub(page)),
                    offset: 0,
                };
                None
            }
            // The palette with the command written: the clerk types the unit, the panel
            // or the roster's path.
            Cmd::GotoUnit | Cmd::SwitchPanel | Cmd::Compare => {
                s.overlay = Some(Overlay::Palette);
                s.palette.reset();
                let word = cmd.palette_word(lang).unwrap_or_default();
                s.palette.type_text(&format!("{word} "), &s.units, lang);
                None
            }
            Cmd::Refusals => Some(Action::Effect(Effect::LoadRefusals)),
            Cmd::Sync => {
                s.sync_asked = true;
                Some(Action::Effect(Effect::Sync))
            }
            Cmd::Tab(n) => {
                switch_tab(s, n);
                None
            }
            Cmd::Back => {
                // An opened request closes back to the inbox list first.
                if let Some(View::Inbox(v)) = s.stack.last_mut()
                    && v.close_request()
                {
                    return None;
                }
                // A list opened within a screen (a comparison's category) closes first.
                if let Some(View::Screen(v)) = s.stack.last_mut()
                    && v.back()
                {
                    return None;
                }
                s.stack.pop();
                None
            }
            Cmd::Inbox => Some(Action::Effect(Effect::LoadInbox { show: true })),
            Cmd::AuditLog => Some(Action::Effect(Effect::LoadAuditLog)),
            Cmd::GoTree => {
                s.stack.clear();
                None
            }
            Cmd::Export => export_table(s, ""),
            Cmd::Overview => Some(Action::Effect(Effect::Open(
                super::screens::ScreenRequest::Overview { lang },
            ))),
            Cmd::Warnings => Some(Action::Effect(Effect::Open(
                super::screens::ScreenRequest::Warnings { kind: None, lang },
            ))),
            // The reports and the forecast of the unit in front, or under the tree's
            // cursor.
            Cmd::Reports => Some(Action::Effect(Effect::Open(
                super::screens::ScreenRequest::Reports {
                    lang,
                    root: unit_in_focus(s),
                },
            ))),
            Cmd::Forecast => Some(Action::Effect(Effect::Open(
                super::screens::ScreenRequest::Forecast {
                    root: unit_in_focus(s),
                },
            ))),
            Cmd::EditPerson
            | Cmd::ExitPerson
            | Cmd::AddPerson
            | Cmd::TransferPerson
            | Cmd::RestorePerson
            | Cmd::EditUnit
            | Cmd::MoveUnit
            | Cmd::AbolishUnit
            | Cmd::AddDept
            | Cmd::LedgerEntry
            | Cmd::PostsEntry => open_form(s, cmd),
            other => match s.stack.last_mut() {
                None => s.tree.handle(other, height),
                // Below the unit's tab line.
                Some(View::Unit(v)) => v.handle(other, height.saturating_sub(1)),
                Some(view) => view.component_mut()?.handle(other, height),
            },
        },
    }
}

/// The quit question: y syncs and then quits, n quits, Esc stays; other keys wait.
fn confirm_quit(s: &mut State, key: Key) -> Option<Action> {
    use super::keymap::{KeyCodeOrd, Named};
    match key.code {
        KeyCodeOrd::Char('y' | 'Y') if !key.ctrl => {
            s.overlay = None;
            // A sync already running finishes first; the one asked for sends the rest.
            s.quit_after_sync = Some(if s.syncing { 2 } else { 1 });
            s.sync_asked = true;
            s.note(M::QuitSyncing.get(s.lang()), false);
            Some(Action::Effect(Effect::Sync))
        }
        KeyCodeOrd::Char('n' | 'N') if !key.ctrl => {
            s.quit = true;
            None
        }
        KeyCodeOrd::Named(Named::Esc) => {
            s.overlay = None;
            None
        }
        _ => None,
    }
}

/// Why a sync did not happen, for the status line: the reason and, when the server
/// could not be reached, how long the data has gone unsynced.
fn sync_failure_text(s: &State, e: &SyncFailure) -> String {
    let lang = s.lang();
    match e {
        SyncFailure::NotConfigured => M::NoServer.get(lang).to_string(),
        SyncFailure::Offline(detail) => {
            let minutes = s.status.last_sync.map(|t| {
                (s.now - t.with_timezone(&chrono::Local))
                    .num_minutes()
                    .max(0)
            });
            let sep = if lang == crate::model::Lang::Zh {
                "，"
            } else {
                "; "
            };
            format!(
                "{}{sep}{}",
                i18n::unreachable(lang, detail),
                i18n::unsynced_for(lang, minutes)
            )
        }
        SyncFailure::Failed(why) => match lang {
            crate::model::Lang::Zh => format!("{}：{why}", M::SyncFailed.get(lang)),
            crate::model::Lang::En => format!("{}: {why}", M::SyncFailed.get(lang)),
        },
    }
}

/// A digit shown on a tab: that panel of the unit or the person in front.
fn switch_tab(s: &mut State, n: u8) {
    let i = usize::from(n).saturating_sub(1);
    match s.stack.last_mut() {
        Some(View::Unit(v)) if !v.typing() => {
            v.switch_to(&n.to_string());
        }
        Some(View::Person(v)) if i < v.titles(crate::model::Lang::Zh).len() && i != v.tab => {
            v.handle(Cmd::NextPanel, 1);
        }
        _ => {}
    }
}

/// The table on screen goes to a file (`arg`: what followed `:export`).
fn export_table(s: &mut State, arg: &str) -> Option<Action> {
    let table = match s.stack.last() {
        Some(View::Screen(v)) => Some((v.table(), v.report().cloned(), v.book())),
        Some(View::Unit(v)) => Some((v.table(), None, None)),
        _ => None,
    };
    match table {
        Some((t, report, book)) => Some(Action::Effect(Effect::Export(Box::new(
            super::export::ExportJob::new(t, arg)
                .with_report(report, arg)
                .with_book(book, arg),
        )))),
        None => {
            s.note(M::ExportNothing.get(s.lang()), true);
            None
        }
    }
}

/// A form over the person or the unit in front (or, for 增员登记, the unit under the
/// tree's cursor); its draft, if one was kept, is asked for.
fn open_form(s: &mut State, cmd: Cmd) -> Option<Action> {
    use super::form::{FormView, Units};
    let today = s.now.date_naive();
    let lang = s.lang();
    let units = Units {
        index: s.palette.index.clone(),
        names: s.units.clone(),
    };
    let form = match (cmd, s.stack.last()) {
        (Cmd::EditPerson, Some(View::Person(p))) => {
            let mut form =
                FormView::edit(p.data.person.clone(), p.data.pending.clone(), p.revealed);
            // A record with a data-check problem opens at the field to fix (a missing
            // field's name is in the message).
            let fault = p.data.problems.iter().find_map(|pr| {
                crate::model::checks::Problem::field_of_code(&pr.code).or_else(|| {
                    crate::model::edit::PersonField::ALL
                        .iter()
                        .find(|f| pr.code == "missing-field" && pr.message.contains(f.zh()))
                        .map(|f| f.key())
                })
            });
            if let Some(key) = fault {
                form.focus_field(key);
            }
            form
        }
        (Cmd::ExitPerson, Some(View::Person(p))) => FormView::exit(p.data.person.clone(), today),
        (Cmd::TransferPerson | Cmd::RestorePerson, Some(View::Person(p))) => {
            let active = p.data.person.status == crate::model::PersonStatus::Active;
            match (cmd, active) {
                (Cmd::TransferPerson, true) => FormView::transfer(p.data.person.clone(), units),
                (Cmd::RestorePerson, false) => FormView::restore(p.data.person.clone()),
                (Cmd::TransferPerson, false) => {
                    s.note(M::FormNotActive.get(lang), true);
                    return None;
                }
                _ => {
                    s.note(M::FormAlreadyActive.get(lang), true);
                    return None;
                }
            }
        }
        // A unit's forms open over the unit in front, or on the tree over the unit under
        // the cursor (`+` is bound there; a keymap may bind the others too).
        (_, Some(View::Unit(_)) | None) => {
            let org = match s.stack.last() {
                Some(View::Unit(u)) => u.data.org.clone(),
                _ => s.tree.nodes.get(&s.tree.selected()?)?.node.org.clone(),
            };
            match cmd {
                Cmd::AddPerson => FormView::add(org, today),
                Cmd::EditUnit => FormView::org_edit(org),
                Cmd::MoveUnit => FormView::org_move(org, units),
                Cmd::AbolishUnit => FormView::org_abolish(org),
                Cmd::AddDept => FormView::add_dept(org),
                Cmd::LedgerEntry => FormView::ledger(org, today),
                Cmd::PostsEntry => FormView::posts(org, today),
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut form = form;
    form.set_lang(lang);
    let key = form.key();
    s.stack.push(View::Form(Box::new(form)));
    Some(Action::Effect(Effect::LoadDraft(key)))
}

/// A form whose values changed keeps them as a draft (written by the executor).
fn draft_if_changed(form: &super::form::FormView, before: super::form::Draft) -> Option<Action> {
    let now = form.values();
    (now != before).then(|| Action::Effect(Effect::SaveDraft(form.key(), now)))
}

/// Text typed or pasted into the view in front, when it has an input open.
fn type_into_view(s: &mut State, text: &str) -> Option<Action> {
    match s.stack.last_mut() {
        Some(View::Unit(v)) if v.typing() => v.type_text(text),
        Some(View::Person(v)) if v.career.typing() => v.career.type_text(text),
        Some(View::Inbox(v)) if v.typing() => v.type_text(text),
        Some(View::Audit(t)) if t.typing() => t.type_text(text),
        Some(View::Screen(v)) if v.typing() => v.type_text(text),
        Some(View::Form(f)) => {
            let before = f.values();
            f.type_text(text);
            return draft_if_changed(f, before);
        }
        _ => {}
    }
    None
}

fn run_text(run: &Run) -> String {
    match run {
        Run::Unknown(t) => t.clone(),
        other => format!("{other:?}"),
    }
}

fn s_trunc(s: &str) -> String {
    super::widgets::fit(s, 30, "…")
}
