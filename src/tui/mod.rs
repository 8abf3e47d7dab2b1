//! The terminal interface (ratatui + crossterm on tokio), in The Elm Architecture:
//! one [`Action`] enum, [`state::update`] without I/O, [`view::render`] that changes
//! nothing. The loop here waits on terminal events, the action channel and a tick,
//! drains what is queued, hands effects to the store's executor (`store::exec`: reader
//! threads with their own connections, one writer; this task never touches SQLite) or
//! to the sync task, and draws once. Results come back as actions.

mod action;
mod backend;
mod compare;
mod component;
mod data;
mod export;
mod forecast;
mod form;
/// The interface's words; the command line takes the timeline's and the warnings' from here too.
pub(crate) mod i18n;
mod inbox;
mod keymap;
mod lookup;
mod palette;
mod panels;
mod person;
mod report;
mod screens;
mod state;
mod theme;
mod timeline;
mod tree;
mod view;
mod widgets;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;

use crate::model::Lang;
use crate::store::Store;
use crate::store::exec::{Executor, Kind, Lane};
use action::{Action, Effect, SyncFailure, ViewKey};
use anyhow::{Context as _, Result};
use crossterm::event::Event;
use keymap::Keymap;
use state::{State, update};
use std::collections::VecDeque;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// What the interface needs from the command line and the config; `cli` builds it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub cache_path: PathBuf,
    /// The server to sync from and the operator's token; with both, a missing cache is
    /// made and filled, else it is reported as the queries report it.
    pub server: Option<String>,
    pub token: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub sync_interval: std::time::Duration,
    /// The keymap preset (`--keymap` or the config's).
    pub keymap: Option<String>,
    /// The user's keymap file, merged over the preset; None with `--default-keys`.
    pub user_keymap: Option<PathBuf>,
    pub lang: Lang,
    pub read_only: bool,
    pub ascii: bool,
}

/// The keymap in use: the preset, then the user's file.
fn load_keymap(settings: &Settings) -> Result<Keymap> {
    Ok(Keymap::load(
        settings.keymap.as_deref(),
        settings.user_keymap.as_deref(),
    )?)
}

/// Prints the effective keymap (`bianzhi keymap --print`): mode, keys, action, description.
pub fn print_keymap(settings: &Settings) -> Result<()> {
    let km = load_keymap(settings)?;
    let mut out = std::io::stdout().lock();
    for (mode, keys, cmd, desc) in km.rows(settings.lang) {
        let line = format!(
            "{} {} {} {desc}",
            widgets::pad(mode.name(), 8, "…"),
            widgets::pad(&keys, 16, "…"),
            widgets::pad(cmd, 14, "…")
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Reader connections (threads) of the interface's executor: one can serve keys while
/// the other reads a city's overview.
const READERS: usize = 2;

/// Opens the interface on the cache.
pub fn run(settings: &Settings) -> Result<()> {
    // Everything that can stop start-up is checked before the terminal changes mode,
    // so its message lands on a normal screen.
    let keymap = Arc::new(load_keymap(settings)?);
    let (tx, rx) = unbounded_channel::<Action>();
    let sink = tx.clone();
    // With a server to sync from, the interface makes the cache and fills it; without
    // one, a missing cache is reported as the queries report it.
    let create = settings.server.is_some() && settings.token.is_some();
    let exec = Executor::open(&settings.cache_path, create, READERS, move |out| {
        for a in out {
            let _ = sink.send(a);
        }
    })
    .with_context(|| format!("打开缓存 {}", settings.cache_path.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("启动运行时")?;
    let mut term = TerminalGuard::enter().context("无法进入全屏界面（需要一个终端）")?;
    let result = rt.block_on(main_loop(
        settings,
        keymap,
        exec,
        (tx, rx),
        &mut term.terminal,
    ));
    drop(term);
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}

type Term = ratatui::Terminal<backend::Lean<std::io::Stdout>>;

/// Puts the terminal back on drop and on panic, so a crash never leaves a raw,
/// alternate screen behind.
struct TerminalGuard {
    terminal: Term,
}

fn restore_terminal() {
    use crossterm::event::DisableBracketedPaste;
    use crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

impl TerminalGuard {
    fn enter() -> std::io::Result<TerminalGuard> {
        use crossterm::event::EnableBracketedPaste;
        use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        enable_raw_mode()?;
        let mut out = std::io::stdout();
        if let Err(e) = crossterm::execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
            restore_terminal();
            return Err(e);
        }
        let terminal = ratatui::Terminal::new(backend::Lean::new(out))?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Hands effects to the executor and to the sync task.
struct Runtime {
    exec: Executor<Vec<Action>>,
    sync_tx: UnboundedSender<()>,
    lang: Lang,
}

async fn main_loop(
    settings: &Settings,
    keymap: Arc<Keymap>,
    exec: Executor<Vec<Action>>,
    (tx, mut rx): (UnboundedSender<Action>, UnboundedReceiver<Action>),
    terminal: &mut Term,
) -> Result<()> {
    let size = terminal.size()?;
    let theme = theme::Theme::from_env(settings.ascii, settings.lang);
    let mut state = State::new(
        keymap,
        theme,
        settings.read_only,
        (size.width, size.height),
        chrono::Local::now(),
    );
    let (sync_tx, sync_rx) = unbounded_channel::<()>();
    let mut rt = Runtime {
        exec,
        sync_tx,
        lang: settings.lang,
    };

    // Terminal events are read by a thread of their own and forwarded into a channel,
    // so that what is queued can be drained without waiting. Not a task of the runtime:
    // when the terminal goes away, crossterm's read may block or spin, and on a worker it
    // held the runtime (signals, timers) with it, so the process never heard SIGHUP or
    // SIGTERM and ran on, burning a core. A read that fails says the terminal is gone.
    let (ev_tx, mut ev_rx) = unbounded_channel::<Option<Event>>();
    std::thread::Builder::new()
        .name("terminal-events".into())
        .spawn(move || {
            loop {
                let ev = crossterm::event::read().ok();
                let gone = ev.is_none();
                if ev_tx.send(ev).is_err() || gone {
                    break;
                }
            }
        })
        .context("terminal events")?;
    rt.dispatch(&mut state, Action::Effect(Effect::LoadStatus));
    rt.dispatch(&mut state, Action::Effect(Effect::LoadRoots));
    for a in rt.build_index() {
        rt.dispatch(&mut state, a);
    }
    for a in rt.check_cache() {
        rt.dispatch(&mut state, a);
    }
    tokio::spawn(sync_worker(
        settings.clone(),
        sync_rx,
        tx.clone(),
        settings.sync_interval,
    ));
    terminal.draw(|f| view::render(&state, f))?;
    // Asked to stop (SIGTERM, or SIGHUP when the terminal's connection is gone): quit
    // as `q` does, so the terminal is put back and what the caller set up is cleaned.
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("SIGHUP")?;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let mut dirty = false;
        tokio::select! {
            ev = ev_rx.recv() => match ev.flatten() {
                Some(ev) => dirty |= rt.dispatch(&mut state, from_event(ev)),
                // The terminal is gone: nothing can be shown or typed any more.
                None => break,
            },
            Some(a) = rx.recv() => {
                dirty |= rt.dispatch(&mut state, a);
            }
            _ = tick.tick() => {
                dirty |= tick_changes(&mut state, &mut rt);
            }
            _ = term.recv() => break,
            _ = hangup.recv() => break,
        }
        // Everything that arrived meanwhile is handled, in order, before one draw.
        loop {
            if let Ok(ev) = ev_rx.try_recv() {
                let Some(ev) = ev else {
                    state.quit = true;
                    break;
                };
                dirty |= rt.dispatch(&mut state, from_event(ev));
            } else if let Ok(a) = rx.try_recv() {
                dirty |= rt.dispatch(&mut state, a);
            } else {
                break;
            }
            if state.quit {
                break;
            }
        }
        if state.quit {
            break;
        }
        if dirty {
            terminal.draw(|f| view::render(&state, f))?;
        }
    }
    Ok(())
}

fn from_event(ev: Event) -> Action {
    match ev {
        Event::Key(k) => Action::Key(k),
        Event::Paste(s) => Action::Paste(s),
        Event::Resize(w, h) => Action::Resize(w, h),
        // Focus and mouse events change nothing; a resize redraws.
        _ => Action::Note(String::new()),
    }
}

/// A tick redraws only when something visible changed: the minute (data age), a
/// message that expired, type-ahead that was forgotten.
fn tick_changes(state: &mut State, rt: &mut Runtime) -> bool {
    use chrono::Timelike;
    let before = (
        state.now.minute(),
        state.message.is_some(),
        state.tree.typeahead.len(),
    );
    rt.dispatch(state, Action::Tick(chrono::Local::now()));
    before
        != (
            state.now.minute(),
            state.message.is_some(),
            state.tree.typeahead.len(),
        )
}

/// The tree as it stands (the unit under the cursor, the units open), to read it again
/// with fresh figures and keep it so.
struct TreeAgain {
    selected: Option<crate::model::OrgId>,
    expanded: Vec<crate::model::OrgId>,
}

impl TreeAgain {
    fn of(state: &State) -> TreeAgain {
        TreeAgain {
            selected: state.tree.selected(),
            expanded: state
                .tree
                .rows
                .iter()
                .map(|r| r.0)
                .filter(|id| state.tree.expanded.contains(id))
                .collect(),
        }
    }

    fn read(self, s: &Store) -> crate::store::Result<Vec<Action>> {
        let mut out = vec![Action::Roots(data::roots(s)?)];
        let mut levels = Vec::new();
        for id in self.expanded {
            levels.push((id, data::children(s, id)?));
        }
        if let Some(target) = self.selected {
            out.push(Action::Reveal {
                target,
                levels,
                open: false,
            });
        }
        Ok(out)
    }
}

impl Runtime {
    /// Runs an action and everything it leads to. Returns whether anything may have
    /// changed on screen.
    fn dispatch(&mut self, state: &mut State, action: Action) -> bool {
        if matches!(&action, Action::Note(t) if t.is_empty()) {
            return false;
        }
        let mut queue = VecDeque::from([action]);
        while let Some(a) = queue.pop_front() {
            tracing::trace!(action = ?a, "dispatch");
            match a {
                Action::Effect(e) => {
                    // A view asked for shows as loading at once.
                    state::expect(state, &e);
                    for (i, next) in self.perform(state, e).into_iter().enumerate() {
                        queue.insert(i, next);
                    }
                }
                other => {
                    if let Some(next) = update(state, other) {
                        queue.push_front(next);
                    }
                }
            }
        }
        true
    }

    /// A job reading the cache on a reader connection; an error becomes an action.
    fn read(
        &self,
        kind: Kind,
        job: impl FnOnce(&Store) -> crate::store::Result<Vec<Action>> + Send + 'static,
    ) -> Vec<Action> {
        self.exec
            .submit(Lane::Read, kind, move |s| job(s).unwrap_or_else(failed))
            .unwrap_or_default()
    }

    /// A job writing into the cache, on the one writer, in order.
    fn write(
        &self,
        job: impl FnOnce(&Store) -> crate::store::Result<Vec<Action>> + Send + 'static,
    ) -> Vec<Action> {
        self.exec
            .submit(Lane::Write, Kind::Each, move |s| {
                job(s).unwrap_or_else(failed)
            })
            .unwrap_or_default()
    }

    /// Reads a view's data; one of each kind of view at a time, the newest asked for
    /// wins. A failure takes the loading view away and says why.
    fn load_view(
        &self,
        key: ViewKey,
        job: impl FnOnce(&Store) -> crate::store::Result<Vec<Action>> + Send + 'static,
    ) -> Vec<Action> {
        let kind = Kind::Latest(match key {
            ViewKey::Unit(_) => "unit",
            ViewKey::Person(_) => "person",
            ViewKey::Inbox => "inbox",
            ViewKey::Audit => "audit",
            ViewKey::Screen(_) => "screen",
            ViewKey::Form(_) => "form",
        });
        self.exec
            .submit(Lane::Read, kind, move |s| {
                job(s).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "store read failed");
                    vec![Action::LoadFailed(key, e.to_string())]
                })
            })
            .unwrap_or_default()
    }

    fn perform(&mut self, state: &State, effect: Effect) -> Vec<Action> {
        let lang = self.lang;
        match effect {
            Effect::LoadRoots => self.read(Kind::Latest("roots"), |s| {
                Ok(vec![Action::Roots(data::roots(s)?)])
            }),
            // Every node opened needs its children: none replaces another.
            Effect::LoadChildren(id) => self.read(Kind::Each, move |s| {
                Ok(vec![Action::Children(id, data::children(s, id)?)])
            }),
            Effect::LoadUnit(id) => self.load_view(ViewKey::Unit(id), move |s| {
                Ok(match data::unit(s, id)? {
                    Some(u) => vec![Action::Unit(Box::new(u))],
                    None => vec![Action::LoadFailed(
                        ViewKey::Unit(id),
                        i18n::M::NoSuchUnit.get(lang).to_string(),
                    )],
                })
            }),
            Effect::LoadPerson(id) => {
                let today = state.now.date_naive();
                self.load_view(ViewKey::Person(id), move |s| {
                    Ok(match data::person(s, id, today)? {
                        Some(p) => vec![Action::Person(Box::new(p))],
                        None => vec![Action::LoadFailed(ViewKey::Person(id), String::new())],
                    })
                })
            }
            Effect::LoadStatus => self.read(Kind::Latest("status"), |s| {
                Ok(vec![Action::Status(data::status(s)?)])
            }),
            Effect::Goto { id, open } => self.read(Kind::Latest("goto"), move |s| {
                Ok(vec![Action::Reveal {
                    target: id,
                    levels: data::reveal_path(s, id)?,
                    open,
                }])
            }),
            Effect::FindUnit(name) => self.read(Kind::Latest("find"), move |s| {
                Ok(match data::find_unit(s, &name)? {
                    Some(id) => vec![Action::Effect(Effect::Goto { id, open: true })],
                    None => vec![Action::Error(format!(
                        "{}：{name}",
                        i18n::M::NoSuchUnit.get(lang)
                    ))],
                })
            }),
            Effect::Audit {
                action,
                detail,
                rows,
            } => self.write(move |s| {
                s.audit(action, &detail, rows)?;
                Ok(vec![])
            }),
            Effect::Sync => {
                let _ = self.sync_tx.send(());
                vec![]
            }
            Effect::Export(job) => {
                let stamp = state.now.format("%Y%m%d-%H%M%S").to_string();
                // The file and its line in the audit log: the writer's.
                self.write(move |store| {
                    Ok(vec![match export::write(store, &job, &stamp) {
                        Ok((_, note)) => {
                            Action::Note(format!("{} {note}", i18n::M::Exported.get(lang)))
                        }
                        Err(e) => Action::Error(e),
                    }])
                })
            }
            // A comparison reads personal data: recorded in the audit log (the file and
            // the counts, never whom), once, when it opens.
            Effect::Open(screens::ScreenRequest::Compare { path, lang, root }) => {
                let key = ViewKey::Screen(screens::ScreenRequest::Compare {
                    path: path.clone(),
                    lang,
                    root,
                });
                self.load_view(key, move |store| {
                    let screen = compare::load(store, lang, &path, root)?;
                    let audit = screen.audit_line();
                    let mut out = vec![Action::Screen(Box::new(screen))];
                    if let Some((detail, rows)) = audit {
                        out.push(Action::Effect(Effect::Audit {
                            action: crate::store::timeline::AuditAction::Compare,
                            detail,
                            rows: Some(rows),
                        }));
                    }
                    Ok(out)
                })
            }
            Effect::Open(req) => {
                let today = state.now.date_naive();
                self.load_view(ViewKey::Screen(req.clone()), move |store| {
                    Ok(vec![Action::Screen(screens::load(store, &req, today)?)])
                })
            }
            Effect::Refresh => {
                // New data from a sync: the same units stay open in the tree.
                let tree = TreeAgain::of(state);
                let mut out = self.read(Kind::Latest("refresh"), move |s| {
                    let mut out = vec![Action::Status(data::status(s)?)];
                    out.extend(tree.read(s)?);
                    Ok(out)
                });
                out.extend(self.build_index());
                out.extend(self.check_cache());
                // The open views read again; each comes back into its view, keeping the
                // view's place.
                let keys: Vec<_> = state.stack.iter().map(state::View::key).collect();
                if !keys.is_empty() {
                    let today = state.now.date_naive();
                    out.extend(self.read(Kind::Latest("reload"), move |store| {
                        Ok(vec![Action::Reloaded(data::reload(store, &keys, today)?)])
                    }));
                }
                out
            }
            Effect::LoadInbox { show } => {
                let mut out = Vec::new();
                // The operator opens the inbox, where refusals show on their items:
                // `bianzhi status` stops counting them as unseen.
                if show && !state.read_only {
                    out.extend(self.write(|s| {
                        crate::store::outbox::mark_refusals_seen(s.conn())?;
                        Ok(vec![])
                    }));
                }
                let today = state.now.date_naive();
                out.extend(self.load_view(ViewKey::Inbox, move |s| {
                    Ok(vec![
                        Action::Status(data::status(s)?),
                        Action::Inbox(data::inbox(s, today)?),
                    ])
                }));
                out
            }
            Effect::Withdraw(id) => {
                if state.read_only {
                    return vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(lang).to_string(),
                    )];
                }
                let today = state.now.date_naive();
                // The same path as `bianzhi outbox withdraw`.
                self.write(move |s| {
                    Ok(match crate::store::inbox::withdraw(s, id)? {
                        Ok(_) => {
                            let mut out = Vec::new();
                            if let Some(item) = data::inbox_item(s, id, today)? {
                                out.push(Action::InboxItem {
                                    item: Box::new(item),
                                    decided: false,
                                });
                            }
                            out.push(Action::Note(i18n::withdrawn(lang, id)));
                            out.push(Action::Effect(Effect::LoadStatus));
                            out
                        }
                        Err(refusal) => {
                            vec![Action::Error(i18n::withdraw_refused(lang, &refusal))]
                        }
                    })
                })
            }
            Effect::Decide {
                id,
                decision,
                comment,
            } => {
                if state.read_only {
                    return vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(lang).to_string(),
                    )];
                }
                // The full check ran at start (and after each sync) on a reader; a
                // decision checks only the tables it writes.
                if state.damaged.is_some() {
                    return vec![Action::Error(i18n::M::CacheDamaged.get(lang).to_string())];
                }
                let today = today(state);
                // The same path as `bianzhi decide`: outbox and audit log, offline or not.
                self.write(move |s| {
                    use crate::store::inbox::{Check, decide_checked};
                    Ok(
                        match decide_checked(s, id, decision, &comment, today, Check::Written)? {
                            Ok(item) => vec![
                                Action::Note(match lang {
                                    Lang::Zh => format!(
                                        "已记录：申请 {id}（{}）{}，待上传，下次同步时发送",
                                        item.request.kind.zh(),
                                        decision.zh()
                                    ),
                                    Lang::En => format!(
                                        "recorded: request {id} {}, queued for the next sync",
                                        decision.en()
                                    ),
                                }),
                                Action::InboxItem {
                                    item: Box::new(item),
                                    decided: true,
                                },
                                Action::Effect(Effect::LoadStatus),
                            ],
                            Err(refusal) => vec![Action::Error(refusal.to_string())],
                        },
                    )
                })
            }
            Effect::QueueEdit(q) => {
                if state.read_only {
                    return vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(lang).to_string(),
                    )];
                }
                if state.damaged.is_some() {
                    return vec![Action::Error(i18n::M::CacheDamaged.get(lang).to_string())];
                }
                let today = state.now.date_naive();
                // The same path as `bianzhi person edit`: checked with the server's
                // rules, queued in the outbox and shown at once over the cache; the
                // form's draft goes with the save.
                self.write(move |s| {
                    Ok(match crate::store::exec::queue_edit(s, *q.intent, today)? {
                        Ok(_) => {
                            crate::store::drafts::delete(s, &q.form)?;
                            vec![
                                Action::Note(q.note),
                                Action::EditQueued(q.form),
                                Action::Effect(Effect::LoadStatus),
                                Action::Effect(Effect::RefreshStale),
                            ]
                        }
                        Err(errors) => vec![Action::EditRefused(errors)],
                    })
                })
            }
            Effect::LoadDraft(key) => self.read(Kind::Latest("draft-load"), move |s| {
                let found = crate::store::drafts::load(s, &key)?
                    .and_then(|v| serde_json::from_str::<form::Draft>(&v).ok());
                Ok(found
                    .map(|d| Action::DraftFound(key, d))
                    .into_iter()
                    .collect())
            }),
            Effect::SaveDraft(key, draft) => {
                if state.read_only {
                    return Vec::new();
                }
                // In order with the save and the discard that delete it.
                let value = serde_json::to_string(&draft).unwrap_or_default();
                self.write(move |s| {
                    crate::store::drafts::save(s, &key, &value)?;
                    Ok(Vec::new())
                })
            }
            Effect::DeleteDraft(key) => {
                if state.read_only {
                    return Vec::new();
                }
                self.write(move |s| {
                    crate::store::drafts::delete(s, &key)?;
                    Ok(Vec::new())
                })
            }
            Effect::WithdrawEdit(seq) => {
                if state.read_only {
                    return vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(lang).to_string(),
                    )];
                }
                // The same path as `bianzhi outbox withdraw --edit`: the record shows
                // without it at once.
                self.write(move |s| {
                    let gone = crate::store::pending::withdraw(s.conn(), seq)?;
                    let (list, unseen) = data::refusals(s)?;
                    let note = if gone {
                        Action::Note(i18n::edit_withdrawn(lang, seq))
                    } else {
                        Action::Error(i18n::edit_not_withdrawn(lang, seq))
                    };
                    Ok(vec![
                        note,
                        Action::Refusals(list, unseen),
                        Action::Effect(Effect::Refresh),
                    ])
                })
            }
            // The figures after an edit that changes them, in a job of their own.
            Effect::RefreshStale => {
                // The views open read again once the figures are fresh (in place: the
                // operator may have moved on meanwhile), and the tree's figures.
                let keys: Vec<_> = state.stack.iter().map(state::View::key).collect();
                let tree = TreeAgain::of(state);
                let today = state.now.date_naive();
                // An open comparison marks the row of a person whose fix was just
                // queued, figures or not (the edit is written: this read sees it).
                let compares: Vec<ViewKey> = keys
                    .iter()
                    .filter(|k| {
                        matches!(k, ViewKey::Screen(screens::ScreenRequest::Compare { .. }))
                    })
                    .cloned()
                    .collect();
                let mut out = Vec::new();
                if !compares.is_empty() {
                    out.extend(self.read(Kind::Latest("reload-compare"), move |store| {
                        Ok(vec![Action::Reloaded(data::reload(
                            store, &compares, today,
                        )?)])
                    }));
                }
                out.extend(self.write(move |s| {
                    if !crate::store::exec::refresh_stale(s)? {
                        return Ok(Vec::new());
                    }
                    let mut out = tree.read(s)?;
                    if !keys.is_empty() {
                        out.push(Action::Reloaded(data::reload(s, &keys, today)?));
                    }
                    Ok(out)
                }));
                out
            }
            Effect::SettleConflict { seq, keep_mine } => {
                if state.read_only {
                    return Vec::new();
                }
                let lang = self.lang;
                self.write(move |s| {
                    let note = match data::settle_conflict(s, seq, keep_mine)? {
                        Ok(true) => i18n::M::ConflictKept
                            .get(lang)
                            .replace("{}", &seq.to_string()),
                        Ok(false) => i18n::M::ConflictTaken
                            .get(lang)
                            .replace("{}", &seq.to_string()),
                        Err(errors) => {
                            let said: Vec<String> =
                                errors.iter().map(ToString::to_string).collect();
                            said.join("；")
                        }
                    };
                    let (list, unseen) = data::refusals(s)?;
                    crate::store::outbox::mark_refusals_seen(s.conn())?;
                    Ok(vec![
                        Action::Note(note),
                        Action::Refusals(list, unseen),
                        Action::Effect(Effect::LoadStatus),
                    ])
                })
            }
            Effect::LoadRefusals => {
                // Read and marked seen in one job on the writer, so the list knows which
                // were new (in read-only mode nothing is written: a reader shows it).
                if state.read_only {
                    return self.read(Kind::Latest("refusals"), |s| {
                        let (list, unseen) = data::refusals(s)?;
                        Ok(vec![Action::Refusals(list, unseen)])
                    });
                }
                self.write(|s| {
                    let (list, unseen) = data::refusals(s)?;
                    crate::store::outbox::mark_refusals_seen(s.conn())?;
                    Ok(vec![Action::Refusals(list, unseen)])
                })
            }
            Effect::LoadAuditLog => self.load_view(ViewKey::Audit, |s| {
                Ok(vec![Action::AuditLog(data::audit_log(s)?)])
            }),
        }
    }

    /// Builds the look-up index on a reader; the first screen never waits for it.
    fn build_index(&self) -> Vec<Action> {
        let lang = self.lang;
        self.exec
            .submit(Lane::Read, Kind::Latest("index"), move |store| {
                let built = (|| -> crate::store::Result<_> {
                    // The index the cache keeps since the last sync (built if none).
                    let index = crate::store::search_index(store.conn(), lang)?;
                    let units = data::unit_names(store)?;
                    Ok((index, units))
                })();
                vec![match built {
                    Ok((index, units)) => Action::IndexReady(Arc::new(index), Arc::new(units)),
                    Err(e) => Action::IndexFailed(e.to_string()),
                }]
            })
            .unwrap_or_default()
    }

    /// The cache's full integrity check, on a reader, at start and after a sync; the
    /// verdict is kept so that a decision checks only what it writes.
    fn check_cache(&self) -> Vec<Action> {
        self.exec
            .submit(Lane::Read, Kind::Latest("check"), |store| {
                vec![Action::Checked(
                    crate::store::repair::check(store.conn()).map_err(|e| e.to_string()),
                )]
            })
            .unwrap_or_default()
    }
}

fn failed(e: crate::store::Error) -> Vec<Action> {
    tracing::warn!(error = %e, "store job failed");
    vec![Action::Error(e.to_string())]
}

/// The interface's today (fixed in tests through the state's clock).
fn today(state: &State) -> crate::model::YearMonth {
    crate::model::YearMonth::of(state.now.date_naive())
}

/// Syncs at start, every `interval`, and when asked; requests that pile up while one
/// runs are coalesced into one more run.
async fn sync_worker(
    ctx: Settings,
    mut requests: tokio::sync::mpsc::UnboundedReceiver<()>,
    tx: UnboundedSender<Action>,
    interval: std::time::Duration,
) {
    let mut timer = tokio::time::interval(interval);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            r = requests.recv() => if r.is_none() { break },
            _ = timer.tick() => {}
        }
        while requests.try_recv().is_ok() {}
        let (Some(server), Some(token)) = (ctx.server.clone(), ctx.token.clone()) else {
            if tx
                .send(Action::SyncFinished(Err(SyncFailure::NotConfigured)))
                .is_err()
            {
                break;
            }
            continue;
        };
        let _ = tx.send(Action::SyncStarted);
        let result = sync_once(&ctx, &server, &token, &tx).await;
        let changed =
            matches!(&result, Ok(r) if r.upserted + r.deleted > 0 || r.refetched.is_some());
        if let Ok(r) = &result {
            // Syncs belong in the operator's audit log, from the screen as from `bianzhi sync`.
            let detail = crate::store::audit::AuditDetail::Synced {
                pushed: r.pushed as i64,
                accepted: r.accepted as i64,
                rejected: r.rejected as i64,
                upserted: r.upserted as i64,
            };
            let _ = tx.send(Action::Effect(Effect::Audit {
                action: crate::store::timeline::AuditAction::Sync,
                detail,
                rows: Some(r.upserted as i64),
            }));
        }
        let refusals_key = keymap_key_for_refusals(&ctx);
        let outcome = result.map(|r| describe_report(&r, ctx.lang, &refusals_key));
        if tx.send(Action::SyncFinished(outcome)).is_err() {
            break;
        }
        if changed {
            let _ = tx.send(Action::Effect(Effect::Refresh));
        }
        timer.reset();
    }
}

async fn sync_once(
    ctx: &Settings,
    server: &str,
    token: &str,
    tx: &UnboundedSender<Action>,
) -> Result<crate::sync::Report, SyncFailure> {
    use crate::sync::client::{Client, Error};
    let client = Client::with_ca(server, token, ctx.ca_cert.as_deref())
        .map_err(|e| SyncFailure::Failed(i18n::sync_error(ctx.lang, &e)))?;
    client
        .sync(&ctx.cache_path, &|p| {
            // Each page applied: the screen shows how far a (first) sync has come.
            let _ = tx.send(Action::SyncProgress {
                pages: p.pages,
                rows: p.rows,
            });
        })
        .await
        .map_err(|e| match e {
            Error::Unreachable { detail, .. } => SyncFailure::Offline(detail),
            other => SyncFailure::Failed(i18n::sync_error(ctx.lang, &other)),
        })
}

/// The key that opens the refused decisions, for the note after a sync.
fn keymap_key_for_refusals(ctx: &Settings) -> String {
    load_keymap(ctx)
        .ok()
        .and_then(|k| k.key_for(keymap::Mode::Tree, keymap::Cmd::Refusals))
        .unwrap_or_else(|| ": refusals".into())
}

fn describe_report(r: &crate::sync::Report, lang: Lang, refusals_key: &str) -> String {
    if r.rejected > 0 {
        return i18n::refused_notice(lang, r.rejected, refusals_key);
    }
    match lang {
        Lang::Zh => format!(
            "（更新 {} 条，删除 {} 条，发送 {} 条）",
            r.upserted, r.deleted, r.pushed
        ),
        Lang::En => format!(
            "({} rows updated, {} removed, {} sent)",
            r.upserted, r.deleted, r.pushed
        ),
    }
}

#[cfg(test)]
impl Runtime {
    /// The store the tests' inline executor runs on.
    fn store(&self) -> &Store {
        self.exec
            .inline_store()
            .expect("tests run the executor inline")
    }
    fn store_mut(&mut self) -> &mut Store {
        self.exec
            .inline_store_mut()
            .expect("tests run the executor inline")
    }
}
