//! The terminal interface (ratatui + crossterm on tokio), in The Elm Architecture:
//! one [`Action`] enum, [`state::update`] without I/O, [`view::render`] that changes
//! nothing. The loop here waits on terminal events, the action channel and a tick,
//! drains what is queued, performs effects (store reads on this task; sync, index
//! building and export in spawned tasks) and draws once.

mod action;
mod backend;
mod data;
mod export;
mod i18n;
mod inbox;
mod keymap;
mod lookup;
mod palette;
mod panels;
mod person;
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

use crate::cli::Ctx;
use crate::store::Store;
use action::{Action, Effect, SyncFailure};
use anyhow::{Context as _, Result};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use keymap::Keymap;
use state::{State, update};
use std::collections::VecDeque;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// The keymap in use: the preset from `--keymap` or the config, then the user's
/// `keymap.toml` from the config directory unless `--default-keys`.
fn load_keymap(ctx: &Ctx) -> Result<Keymap> {
    let preset = ctx.ui.keymap.as_deref().or(ctx.config.keymap.as_deref());
    let user = (!ctx.ui.default_keys).then(|| crate::config::config_dir().join("keymap.toml"));
    Ok(Keymap::load(preset, user.as_deref())?)
}

/// Prints the effective keymap (`bianzhi keymap --print`): mode, keys, action, description.
pub fn print_keymap(ctx: &Ctx) -> Result<()> {
    let km = load_keymap(ctx)?;
    let mut out = std::io::stdout().lock();
    for (mode, keys, cmd, desc) in km.rows(ctx.lang) {
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

/// Opens the interface on the cache.
pub fn run(ctx: &Ctx) -> Result<()> {
    // Everything that can stop start-up is checked before the terminal changes mode,
    // so its message lands on a normal screen.
    let keymap = Arc::new(load_keymap(ctx)?);
    // With a server to sync from, the interface makes the cache and fills it; without
    // one, a missing cache is reported as the queries report it.
    let store = if ctx.config.server.is_some() && ctx.config.token.is_some() {
        ctx.store_or_create()?
    } else {
        ctx.store()?
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("启动运行时")?;
    let mut term = TerminalGuard::enter().context("无法进入全屏界面（需要一个终端）")?;
    let result = rt.block_on(main_loop(ctx, keymap, store, &mut term.terminal));
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

/// Owns the store connection the interface reads through, and starts the workers.
struct Runtime {
    store: Store,
    cache: PathBuf,
    tx: UnboundedSender<Action>,
    sync_tx: UnboundedSender<()>,
    lang: crate::model::Lang,
}

async fn main_loop(
    ctx: &Ctx,
    keymap: Arc<Keymap>,
    store: Store,
    terminal: &mut Term,
) -> Result<()> {
    let size = terminal.size()?;
    let theme = theme::Theme::from_env(ctx.ui.ascii, ctx.lang);
    let mut state = State::new(
        keymap,
        theme,
        ctx.ui.read_only,
        (size.width, size.height),
        chrono::Local::now(),
    );
    let (tx, mut rx) = unbounded_channel::<Action>();
    let (sync_tx, sync_rx) = unbounded_channel::<()>();
    let mut rt = Runtime {
        store,
        cache: ctx.cache_path.clone(),
        tx: tx.clone(),
        sync_tx,
        lang: ctx.lang,
    };

    // Terminal events are forwarded by their own task into a channel, so that what is
    // queued can be drained without waiting.
    let (ev_tx, mut ev_rx) = unbounded_channel::<Event>();
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(Ok(ev)) = events.next().await {
            if ev_tx.send(ev).is_err() {
                break;
            }
        }
    });
    for a in rt.build_index() {
        rt.dispatch(&mut state, a);
    }
    let minutes = ctx.config.sync_interval_minutes.unwrap_or(5).max(1);
    tokio::spawn(sync_worker(
        ctx.clone(),
        sync_rx,
        tx.clone(),
        std::time::Duration::from_secs(minutes * 60),
    ));

    rt.dispatch(&mut state, Action::Effect(Effect::LoadStatus));
    rt.dispatch(&mut state, Action::Effect(Effect::LoadRoots));
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
            Some(ev) = ev_rx.recv() => {
                dirty |= rt.dispatch(&mut state, from_event(ev));
            }
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

    fn perform(&mut self, state: &State, effect: Effect) -> Vec<Action> {
        match self.try_perform(state, effect) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "store read failed");
                vec![Action::Error(e.to_string())]
            }
        }
    }

    fn try_perform(&mut self, state: &State, effect: Effect) -> crate::store::Result<Vec<Action>> {
        let s = &self.store;
        Ok(match effect {
            Effect::LoadRoots => vec![Action::Roots(data::roots(s)?)],
            Effect::LoadChildren(id) => vec![Action::Children(id, data::children(s, id)?)],
            Effect::LoadUnit(id) => match data::unit(s, id)? {
                Some(u) => vec![Action::Unit(Box::new(u))],
                None => vec![Action::Error(
                    i18n::M::NoSuchUnit.get(self.lang).to_string(),
                )],
            },
            Effect::LoadPerson(id) => match data::person(s, id)? {
                Some(p) => vec![Action::Person(Box::new(p))],
                None => vec![],
            },
            Effect::LoadStatus => vec![Action::Status(data::status(s)?)],
            Effect::Goto { id, open } => vec![Action::Reveal {
                target: id,
                levels: data::reveal_path(s, id)?,
                open,
            }],
            Effect::FindUnit(name) => {
                match crate::store::queries::find_orgs(s.conn(), &name)?.first() {
                    Some(o) => vec![Action::Effect(Effect::Goto {
                        id: o.id,
                        open: true,
                    })],
                    None => vec![Action::Error(format!(
                        "{}：{name}",
                        i18n::M::NoSuchUnit.get(self.lang)
                    ))],
                }
            }
            Effect::Audit { action, detail } => {
                s.audit(action, &detail, None)?;
                vec![]
            }
            Effect::Sync => {
                let _ = self.sync_tx.send(());
                vec![]
            }
            Effect::Export(job) => {
                let stamp = state.now.format("%Y%m%d-%H%M%S").to_string();
                let lang = self.lang;
                self.background(move |store| match export::write(store, &job, &stamp) {
                    Ok((_, note)) => {
                        Action::Note(format!("{} {note}", i18n::M::Exported.get(lang)))
                    }
                    Err(e) => Action::Error(e),
                })
            }
            Effect::Open(req) => {
                let today = state.now.date_naive();
                self.background(move |store| match screens::load(store, &req, today) {
                    Ok(screen) => Action::Screen(screen),
                    Err(e) => Action::Error(e.to_string()),
                })
            }
            Effect::Refresh => {
                // New data from a sync: the same units stay open in the tree.
                let selected = state.tree.selected();
                let expanded: Vec<_> = state
                    .tree
                    .rows
                    .iter()
                    .map(|r| r.0)
                    .filter(|id| state.tree.expanded.contains(id))
                    .collect();
                let mut out = vec![
                    Action::Status(data::status(s)?),
                    Action::Roots(data::roots(s)?),
                ];
                let mut levels = Vec::new();
                for id in expanded {
                    levels.push((id, data::children(s, id)?));
                }
                if let Some(target) = selected {
                    out.push(Action::Reveal {
                        target,
                        levels,
                        open: false,
                    });
                }
                out.extend(self.build_index());
                // The open views read again, off this task (an overview of a city takes
                // a moment); each comes back into its view, keeping the view's place.
                let keys: Vec<_> = state.stack.iter().map(state::View::key).collect();
                if !keys.is_empty() {
                    let today = state.now.date_naive();
                    out.extend(self.background(move |store| {
                        match data::reload(store, &keys, today) {
                            Ok(fresh) => Action::Reloaded(fresh),
                            Err(e) => Action::Error(e.to_string()),
                        }
                    }));
                }
                out
            }
            Effect::LoadInbox { show } => {
                // The operator opens the inbox, where refusals show on their items:
                // `bianzhi status` stops counting them as unseen.
                if show && !state.read_only {
                    crate::store::outbox::mark_refusals_seen(s.conn())?;
                }
                vec![
                    Action::Status(data::status(s)?),
                    Action::Inbox {
                        items: data::inbox(s, state.now.date_naive())?,
                        show,
                        decided: None,
                    },
                ]
            }
            Effect::Withdraw(id) => {
                if state.read_only {
                    return Ok(vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(self.lang).to_string(),
                    )]);
                }
                // The same path as `bianzhi outbox withdraw`.
                match crate::store::inbox::withdraw(s, id)? {
                    Ok(_) => vec![
                        Action::Status(data::status(s)?),
                        Action::Inbox {
                            items: data::inbox(s, state.now.date_naive())?,
                            show: false,
                            decided: None,
                        },
                        Action::Note(i18n::withdrawn(self.lang, id)),
                    ],
                    Err(refusal) => {
                        vec![Action::Error(i18n::withdraw_refused(self.lang, &refusal))]
                    }
                }
            }
            Effect::Decide {
                id,
                decision,
                comment,
            } => {
                if state.read_only {
                    return Ok(vec![Action::Error(
                        i18n::M::ReadOnlyRefused.get(self.lang).to_string(),
                    )]);
                }
                // The same path as `bianzhi decide`: outbox and audit log, offline or not.
                match crate::store::inbox::decide(s, id, decision, &comment, today(state))? {
                    Ok(item) => vec![
                        Action::Status(data::status(s)?),
                        Action::Inbox {
                            items: data::inbox(s, state.now.date_naive())?,
                            show: false,
                            decided: Some(id),
                        },
                        Action::Note(match self.lang {
                            crate::model::Lang::Zh => format!(
                                "已记录：申请 {id}（{}）{}，待上传，下次同步时发送",
                                item.request.kind.zh(),
                                decision.zh()
                            ),
                            crate::model::Lang::En => format!(
                                "recorded: request {id} {}, queued for the next sync",
                                decision.en()
                            ),
                        }),
                    ],
                    Err(refusal) => vec![Action::Error(refusal.to_string())],
                }
            }
            Effect::LoadAuditLog => vec![Action::AuditLog(data::audit_log(s)?)],
        })
    }
}

impl Runtime {
    /// Builds the look-up index from its own connection, off the interface's task; the
    /// first screen never waits for it.
    fn build_index(&self) -> Vec<Action> {
        let lang = self.lang;
        self.background(move |store| {
            let built = (|| -> crate::store::Result<_> {
                let entries = crate::store::search_entries(store.conn(), lang)?;
                let units = data::unit_names(store)?;
                Ok((crate::search::SearchIndex::build(entries), units))
            })();
            match built {
                Ok((index, units)) => Action::IndexReady(Arc::new(index), Arc::new(units)),
                Err(e) => Action::IndexFailed(e.to_string()),
            }
        })
    }
}

/// The interface's today (fixed in tests through the state's clock).
fn today(state: &State) -> crate::model::YearMonth {
    crate::model::YearMonth::of(state.now.date_naive())
}

impl Runtime {
    /// Runs a read or a write that may take a while on a worker with its own connection,
    /// its result coming back as an action. Without a runtime (the `update` tests) it
    /// runs here, on the interface's connection.
    fn background(&self, job: impl FnOnce(&Store) -> Action + Send + 'static) -> Vec<Action> {
        let on_worker =
            tokio::runtime::Handle::try_current().is_ok() && !self.cache.as_os_str().is_empty();
        if !on_worker {
            return vec![job(&self.store)];
        }
        let (cache, tx) = (self.cache.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let action = match Store::open(&cache) {
                Ok(store) => job(&store),
                Err(e) => Action::Error(e.to_string()),
            };
            let _ = tx.send(action);
        });
        vec![]
    }
}

/// Syncs at start, every `interval`, and when asked; requests that pile up while one
/// runs are coalesced into one more run.
async fn sync_worker(
    ctx: Ctx,
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
        let (Some(server), Some(token)) = (ctx.config.server.clone(), ctx.config.token.clone())
        else {
            if tx
                .send(Action::SyncFinished(Err(SyncFailure::NotConfigured)))
                .is_err()
            {
                break;
            }
            continue;
        };
        let _ = tx.send(Action::SyncStarted);
        let result = sync_once(&ctx, &server, &token).await;
        let changed =
            matches!(&result, Ok(r) if r.upserted + r.deleted > 0 || r.refetched.is_some());
        if let Ok(r) = &result {
            // Syncs belong in the operator's audit log, from the screen as from `bianzhi sync`.
            let detail = format!(
                "推送{} 接受{} 拒绝{} 更新{}",
                r.pushed, r.accepted, r.rejected, r.upserted
            );
            let audited = Store::open(&ctx.cache_path)
                .and_then(|s| s.audit("sync", &detail, Some(r.upserted as i64)));
            if let Err(e) = audited {
                tracing::warn!(error = %e, "audit of a sync failed");
            }
        }
        let outcome = result.map(|r| describe_report(&r, ctx.lang));
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
    ctx: &Ctx,
    server: &str,
    token: &str,
) -> Result<crate::sync::Report, SyncFailure> {
    use crate::sync::client::{Client, Error};
    let client = Client::with_ca(server, token, ctx.config.ca_cert.as_deref())
        .map_err(|e| SyncFailure::Failed(e.to_string()))?;
    client
        .sync(&ctx.cache_path, &|_| {})
        .await
        .map_err(|e| match e {
            Error::Unreachable { .. } => SyncFailure::Offline(e.to_string()),
            other => SyncFailure::Failed(other.to_string()),
        })
}

fn describe_report(r: &crate::sync::Report, lang: crate::model::Lang) -> String {
    match lang {
        crate::model::Lang::Zh => format!(
            "（更新 {} 条，删除 {} 条，发送 {} 条）",
            r.upserted, r.deleted, r.pushed
        ),
        crate::model::Lang::En => format!(
            "({} rows updated, {} removed, {} sent)",
            r.upserted, r.deleted, r.pushed
        ),
    }
}
