//! `render(&State, &mut Frame)`: draws, changes nothing. Title line with breadcrumbs,
//! the body (tree, unit or person), the status bar and a hint line; overlays on top.

use super::action::ViewKey;
use super::component::{APP_COMMANDS, Component, LIST_MOVES};
use super::i18n::{self, M};
use super::keymap::{Cmd, Mode};
use super::lookup;
use super::state::{Overlay, State, View};
use super::theme::Theme;
use super::widgets::{self, fit, fit_end, fit_start, pad, visible_offset};
use crate::model::quota::Traffic;
use crate::search::{DETAIL_SEP, EntryKind};
use crate::store::stats::PersonFilter;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Below this the layout cannot hold its lines; the screen says so instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn render(s: &State, f: &mut Frame) {
    let area = f.area();
    let theme = &s.theme;
    let lang = theme.lang;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::styled(M::TooSmall.get(lang), theme.error()),
            Line::raw(format!(
                "{}x{} < {MIN_WIDTH}x{MIN_HEIGHT}",
                area.width, area.height
            )),
        ];
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_title(s, f, top);
    render_body(s, f, body);
    render_status(s, f, status);
    render_hints(s, f, hints);
    match s.overlay {
        Some(Overlay::Search) => render_search(s, f, body),
        Some(Overlay::Palette) => render_palette(s, f, body),
        Some(Overlay::Help) => render_help(s, f, body),
        Some(Overlay::Refusals) => render_refusals(s, f, body),
        Some(Overlay::ConfirmQuit) => render_confirm_quit(s, f, body),
        None => {}
    }
    if !s.pending.is_empty() {
        render_which_key(s, f, body);
    }
}

fn breadcrumbs(s: &State) -> Vec<String> {
    let short = |o: &crate::model::Org| o.short_name.clone().unwrap_or_else(|| o.name.clone());
    match s.stack.last() {
        Some(View::Unit(v)) => v.data.path.iter().map(short).collect(),
        Some(View::Person(v)) => {
            let mut p: Vec<String> = v.data.unit_path.iter().map(short).collect();
            p.push(v.data.person.name.clone());
            p
        }
        Some(View::Inbox(v)) => {
            let mut p = vec![M::CmdInbox.get(s.theme.lang).to_string()];
            if let Some(item) = v.open.and_then(|id| v.item(id)) {
                p.push(item.unit.clone());
                p.push(item.request.kind.label(s.theme.lang).to_string());
            }
            p
        }
        Some(View::Audit(_)) => vec![M::CmdAudit.get(s.theme.lang).to_string()],
        Some(View::Form(v)) => vec![v.name().to_string(), v.what(s.theme.lang).to_string()],
        Some(View::Screen(v)) => vec![v.title(s.theme.lang)],
        Some(View::Loading(key)) => vec![loading_title(s, key)],
        None => s
            .tree
            .selected()
            .map(|id| {
                s.tree
                    .path(id)
                    .into_iter()
                    .map(|n| n.short().to_string())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn render_title(s: &State, f: &mut Frame, area: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let badge = if s.read_only {
        format!(" {} ", M::ReadOnly.get(lang))
    } else {
        String::new()
    };
    let room = (area.width as usize).saturating_sub(badge.width() + 1);
    let crumbs = breadcrumbs(s);
    // Keep the end of a long path: the unit itself matters most.
    let mut text = crumbs.join(theme.sep());
    let mut from = 0;
    while text.width() + 1 > room && from + 1 < crumbs.len() {
        from += 1;
        text = format!(
            "{}{}{}",
            theme.ellipsis(),
            theme.sep(),
            crumbs[from..].join(theme.sep())
        );
    }
    let text = fit(&format!(" {text}"), room, theme.ellipsis());
    let mut spans = vec![Span::styled(
        pad(&text, room + 1, theme.ellipsis()),
        theme.title(),
    )];
    if !badge.is_empty() {
        spans.push(Span::styled(badge, theme.badge()));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar()),
        area,
    );
}

fn render_body(s: &State, f: &mut Frame, area: Rect) {
    let theme = &s.theme;
    let focused = s.overlay.is_none();
    match s.stack.last() {
        None if s.tree.loaded && s.tree.roots.is_empty() => render_empty(
            theme,
            f,
            area,
            s.syncing.then_some(s.sync_progress.unwrap_or((0, 0))),
        ),
        None => s.tree.render(f, area, theme, focused),
        Some(View::Unit(v)) => {
            let titles = v.titles(theme.lang);
            let title = format!(
                " {} ",
                v.data.org.short_name.as_deref().unwrap_or(&v.data.org.name)
            );
            render_tabbed(
                theme,
                f,
                area,
                &title,
                &titles,
                v.tab,
                focused,
                |f, inner| v.panels[v.tab].render(f, inner, theme),
            );
        }
        Some(View::Person(v)) => {
            let titles = v.titles(theme.lang);
            let title = format!(" {} ", v.data.person.name);
            render_tabbed(
                theme,
                f,
                area,
                &title,
                &titles,
                v.tab,
                focused,
                |f, inner| v.render(f, inner, theme),
            );
        }
        Some(View::Inbox(v)) => v.render(f, area, theme, focused),
        Some(View::Form(v)) => v.render(f, area, theme),
        Some(View::Screen(v)) => v.render(f, area, theme),
        Some(View::Audit(t)) => {
            let block =
                widgets::block(theme, format!(" {} ", M::CmdAudit.get(theme.lang)), focused);
            let inner = block.inner(area);
            f.render_widget(block, area);
            t.render(f, inner, theme);
        }
        Some(View::Loading(key)) => {
            let block = widgets::block(theme, format!(" {} ", loading_title(s, key)), focused);
            let words = match key {
                ViewKey::Screen(super::screens::ScreenRequest::Compare { .. }) => M::Comparing,
                _ => M::Loading,
            };
            let lines = vec![
                Line::raw(""),
                Line::styled(format!(" {}", words.get(theme.lang)), theme.dim()),
            ];
            f.render_widget(Paragraph::new(lines).block(block), area);
        }
    }
}

/// What a view still loading will show, in a word or the unit's name when the tree
/// knows it.
fn loading_title(s: &State, key: &ViewKey) -> String {
    use super::screens::ScreenRequest;
    let lang = s.theme.lang;
    match key {
        ViewKey::Unit(id) => s
            .tree
            .path(*id)
            .last()
            .map(|n| n.short().to_string())
            .unwrap_or_else(|| M::Unit.get(lang).to_string()),
        ViewKey::Person(_) => M::ModePerson.get(lang).to_string(),
        ViewKey::Inbox => M::CmdInbox.get(lang).to_string(),
        ViewKey::Audit => M::CmdAudit.get(lang).to_string(),
        ViewKey::Screen(ScreenRequest::Overview { .. }) => M::OverviewTitle.get(lang).to_string(),
        ViewKey::Screen(ScreenRequest::Warnings { .. }) => M::WarningsTitle.get(lang).to_string(),
        ViewKey::Screen(ScreenRequest::Persons { filter, .. }) => {
            let unit = match filter {
                PersonFilter::Occupying { org, .. } | PersonFilter::Holding { org, .. } => s
                    .tree
                    .path(*org)
                    .last()
                    .map(|n| n.short().to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            super::i18n::persons_title(*filter, &unit, lang)
        }
        ViewKey::Screen(ScreenRequest::Compare { .. }) => M::CompareTitle.get(lang).to_string(),
        ViewKey::Screen(_) => M::Unit.get(lang).to_string(),
        ViewKey::Form(_) => M::FormEditTitle.get(lang).to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn render_tabbed(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    title: &str,
    titles: &[&str],
    tab: usize,
    focused: bool,
    inner_render: impl FnOnce(&mut Frame, Rect),
) {
    let block = widgets::block(theme, title.to_string(), focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let [tabs, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let mut spans = Vec::new();
    for (i, t) in titles.iter().enumerate() {
        let text = format!(" {} {t} ", i + 1);
        spans.push(if i == tab {
            Span::styled(text, theme.selected())
        } else {
            Span::styled(text, theme.dim())
        });
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    inner_render(f, rest);
}

/// The empty cache: how to fill it, or, while a first sync runs, how far it has come.
fn render_empty(theme: &Theme, f: &mut Frame, area: Rect, syncing: Option<(u64, u64)>) {
    let lang = theme.lang;
    let block = widgets::block(theme, format!(" {} ", M::Tree.get(lang)), true);
    if let Some((pages, rows)) = syncing {
        let lines = vec![
            Line::raw(""),
            Line::styled(M::FirstSyncTitle.get(lang), theme.title()),
            Line::raw(""),
            Line::raw(
                M::FirstSyncProgress
                    .get(lang)
                    .replacen("{}", &pages.to_string(), 1)
                    .replacen("{}", &rows.to_string(), 1),
            ),
            Line::styled(M::FirstSyncWait.get(lang), theme.dim()),
        ];
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let lines = vec![
        Line::raw(""),
        Line::styled(M::EmptyTitle.get(lang), theme.title()),
        Line::raw(""),
        Line::raw(M::EmptySync.get(lang)),
        Line::raw(M::EmptyDemo.get(lang)),
        Line::raw(""),
        Line::styled(M::EmptyRetry.get(lang), theme.dim()),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn render_status(s: &State, f: &mut Frame, area: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let dot = theme.dot();
    let mut spans = vec![Span::raw(" ")];
    let (word, style) = if s.syncing {
        (M::Syncing.get(lang), theme.warn())
    } else {
        match s.online {
            Some(true) => (M::Online.get(lang), theme.ok()),
            Some(false) => (M::Offline.get(lang), theme.warn()),
            None => ("—", theme.dim()),
        }
    };
    spans.push(Span::styled(word, style));
    spans.push(Span::raw(dot));
    match s.status.last_sync {
        Some(t) => {
            let local = t.with_timezone(&chrono::Local);
            let when = if local.date_naive() == s.now.date_naive() {
                local.format("%H:%M").to_string()
            } else {
                local.format("%m-%d %H:%M").to_string()
            };
            let minutes = (s.now - local).num_minutes();
            spans.push(Span::raw(format!(
                "{} {when}{}",
                M::LastSync.get(lang),
                i18n::paren(lang, i18n::age(lang, minutes))
            )));
        }
        None => spans.push(Span::styled(M::NeverSynced.get(lang), theme.warn())),
    }
    spans.push(Span::raw(dot));
    let unsent = format!("{} {}", M::Unsent.get(lang), s.status.unsent);
    spans.push(if s.status.unsent > 0 {
        Span::styled(unsent, theme.warn())
    } else {
        Span::raw(unsent)
    });
    if s.status.edits > 0 {
        spans.push(Span::raw(dot));
        spans.push(Span::styled(
            format!("{} {}", M::EditsWaiting.get(lang), s.status.edits),
            theme.warn(),
        ));
    }
    if s.status.unseen_refusals > 0 {
        // Stays until the operator has opened the list.
        let key = s
            .keymap
            .key_for(Mode::Tree, Cmd::Refusals)
            .map(|k| format!(" {k}"))
            .unwrap_or_default();
        spans.push(Span::raw(dot));
        spans.push(Span::styled(
            format!(
                "{} {}{key}",
                M::RefusalsBadge.get(lang),
                s.status.unseen_refusals
            ),
            theme.error(),
        ));
    }
    if s.status.pending_requests > 0 {
        spans.push(Span::raw(dot));
        spans.push(Span::raw(format!(
            "{} {}",
            M::PendingRequests.get(lang),
            s.status.pending_requests
        )));
    }
    if let Some(scope) = &s.status.scope {
        spans.push(Span::raw(dot));
        spans.push(Span::raw(format!("{} {scope}", M::Scope.get(lang))));
    }
    if s.searcher.is_none() {
        spans.push(Span::raw(dot));
        spans.push(Span::styled(M::IndexLoading.get(lang), theme.dim()));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar()),
        area,
    );
}

fn render_hints(s: &State, f: &mut Frame, area: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    if let Some(m) = &s.message {
        let style = if m.error { theme.error() } else { theme.ok() };
        f.render_widget(
            Paragraph::new(Line::styled(
                fit(
                    &format!(" {}", m.text),
                    area.width as usize,
                    theme.ellipsis(),
                ),
                style,
            )),
            area,
        );
        return;
    }
    if let Some(View::Form(form)) = s.stack.last() {
        let style = if form.confirm_discard {
            theme.warn()
        } else {
            theme.dim()
        };
        let text = fit(
            &format!(" {}", form.hint(lang)),
            area.width as usize,
            theme.ellipsis(),
        );
        f.render_widget(Paragraph::new(Line::styled(text, style)), area);
        return;
    }
    let mode = s.mode();
    let is_audit = mode == Mode::Unit && matches!(s.stack.last(), Some(View::Audit(_)));
    let mut spans = Vec::new();
    let mut used = 0;
    for c in hinted(s) {
        if let Some(k) = s.keymap.key_for(mode, c) {
            let desc = match (mode, c) {
                // In a text input Enter confirms and Esc cancels.
                (Mode::Input, Cmd::Open) => M::HintConfirm.get(lang),
                (Mode::Input, Cmd::Close) => M::HintCancel.get(lang),
                (_, Cmd::Open) if is_audit => M::HintDetail.get(lang),
                _ => c.short(lang),
            };
            let (key, desc) = (format!(" {k}"), format!(" {desc} "));
            // A key is shown with its word or not at all.
            used += key.width() + desc.width();
            if used > area.width as usize && !spans.is_empty() {
                break;
            }
            spans.push(Span::styled(key, theme.key()));
            spans.push(Span::raw(desc));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The commands the hint line shows, each with a key in the mode in force: the mode's
/// preferred order first, only what the body in front (or the app) answers, then the
/// body's other commands.
pub fn hinted(s: &State) -> Vec<Cmd> {
    let mode = s.mode();
    // The audit log is read with the unit keymap, but it is one list: no panels, and
    // Enter opens an entry's detail.
    let is_audit = mode == Mode::Unit && matches!(s.stack.last(), Some(View::Audit(_)));
    let is_loading = mode == Mode::Unit && matches!(s.stack.last(), Some(View::Loading(_)));
    let preferred: &[Cmd] = if is_loading {
        &[Cmd::Back, Cmd::Search, Cmd::Help, Cmd::Quit]
    } else if is_audit {
        &[
            Cmd::Open,
            Cmd::FilterKind,
            Cmd::FilterDates,
            Cmd::Back,
            Cmd::Help,
        ]
    } else {
        hints(mode)
    };
    let offered = s.commands_now();
    let handled = |c: &Cmd| offered.contains(c) || APP_COMMANDS.contains(c);
    let mut cmds: Vec<Cmd> = preferred.iter().copied().filter(handled).collect();
    for c in offered {
        // Moves, tab digits, the way back through panels and text editing go without
        // saying (help lists them).
        let obvious = LIST_MOVES.contains(&c)
            || matches!(
                c,
                Cmd::Tab(_) | Cmd::PrevPanel | Cmd::DeleteChar | Cmd::ClearInput
            );
        if !cmds.contains(&c) && !obvious {
            cmds.push(c);
        }
    }
    cmds.retain(|c| s.keymap.key_for(mode, *c).is_some());
    cmds
}

/// The commands the hint line offers in a mode.
fn hints(mode: Mode) -> &'static [Cmd] {
    match mode {
        Mode::Tree => &[
            Cmd::Search,
            Cmd::Open,
            Cmd::Expand,
            Cmd::Palette,
            Cmd::Help,
            Cmd::Quit,
            Cmd::Legend,
        ],
        Mode::Unit => &[
            Cmd::NextPanel,
            Cmd::Open,
            Cmd::Back,
            Cmd::Search,
            Cmd::Help,
            Cmd::Quit,
        ],
        Mode::Person => &[
            Cmd::Reveal,
            Cmd::NextPanel,
            Cmd::Back,
            Cmd::Search,
            Cmd::Help,
        ],
        Mode::Search => &[Cmd::Open, Cmd::CursorDown, Cmd::Close],
        Mode::Palette => &[Cmd::Complete, Cmd::Open, Cmd::Close],
        Mode::Help | Mode::Global => &[Cmd::Close],
        Mode::Inbox => &[
            Cmd::Open,
            Cmd::Approve,
            Cmd::ReturnRequest,
            Cmd::Reject,
            Cmd::Sort,
            Cmd::Back,
        ],
        Mode::Input => &[Cmd::Open, Cmd::Close],
    }
}

/// A box over the body, `w` by `h` at most, centred horizontally, at the top. When
/// the body is not much wider, the box takes its whole width (no sliver of the border
/// underneath peeking out).
fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let w = if area.width <= w + 8 { area.width } else { w };
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y,
        width: w,
        height: h,
    }
}

fn render_search(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let layout = lookup::Layout::new(body.height);
    let r = popup(body, 110, layout.height);
    widgets::clear(f, r);
    let count = if s.search.input.text.is_empty() {
        String::new()
    } else {
        format!(" {} {} ", s.search.hits.len(), M::Results.get(lang))
    };
    let block = widgets::block(theme, format!(" {} ", M::SearchTitle.get(lang)), true)
        .title_bottom(Line::raw(count).right_aligned());
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 2 {
        return;
    }
    let [input, list, preview] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(layout.preview),
    ])
    .areas(inner);
    let prompt = "/ ";
    let shown = fit_end(
        &s.search.input.text,
        (input.width as usize).saturating_sub(3),
    );
    // The old query, selected: the next key typed replaces it.
    let query_style = if s.search.selected {
        theme.selected()
    } else {
        ratatui::style::Style::new()
    };
    let mut first = vec![
        Span::styled(prompt, theme.key()),
        Span::styled(shown.clone(), query_style),
    ];
    if s.search.input.text.is_empty() {
        first.push(Span::styled(M::SearchPrompt.get(lang), theme.dim()));
    }
    f.render_widget(
        Paragraph::new(vec![
            Line::from(first),
            Line::styled("─".repeat(input.width as usize), theme.dim()),
        ]),
        input,
    );
    // The terminal cursor sits at the end of the input, where an input method shows
    // the text being composed.
    f.set_cursor_position((input.x + (prompt.width() + shown.width()) as u16, input.y));
    let mut lines = Vec::new();
    if s.searcher.is_none() {
        lines.push(Line::styled(M::IndexLoading.get(lang), theme.warn()));
    } else if s.search.hits.is_empty() && !s.search.input.text.trim().is_empty() {
        lines.push(Line::styled(M::NoResults.get(lang), theme.dim()));
    }
    // A row: the name, the post (or a unit's level), and the unit inside the
    // jurisdiction, cut at its start so that the nearest units stay in view.
    let w = list.width as usize;
    let e = theme.ellipsis();
    let (nw, dw) = (12usize, (w / 4).min(16));
    let uw = w.saturating_sub(nw + dw + 2);
    let height = list.height as usize;
    let offset = visible_offset(s.search.cursor.pos, s.search.cursor.offset, height);
    for (i, h) in s
        .search
        .hits
        .iter()
        .enumerate()
        .skip(offset)
        .take(height.saturating_sub(lines.len()))
    {
        let kind = match h.kind {
            EntryKind::Person => "  ",
            EntryKind::Org if theme.ascii => "# ",
            EntryKind::Org => "▣ ",
        };
        // A unit's name is longer than a person's and it has no post: it takes both
        // columns (its level is in the preview).
        let who = match h.kind {
            EntryKind::Person => {
                let post = h.detail.split(DETAIL_SEP).next().unwrap_or_default();
                format!("{} {}", pad(&h.name, nw - 2, e), pad(post, dw, e))
            }
            EntryKind::Org => pad(&h.name, nw - 1 + dw, e),
        };
        let text = format!("{kind}{who} {}", fit_start(lookup::within(&h.unit), uw, e));
        let mut line = Line::raw(text);
        if i == s.search.cursor.pos {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), list);
    if preview.height == 0 {
        return;
    }
    // The chosen result whole: what a row had to cut.
    let mut text = vec![Line::styled(
        "─".repeat(preview.width as usize),
        theme.dim(),
    )];
    if let Some(h) = s.search.hits.get(s.search.cursor.pos) {
        let pw = preview.width as usize;
        let head = if h.detail.is_empty() {
            h.name.clone()
        } else {
            format!("{}{DETAIL_SEP}{}", h.name, h.detail)
        };
        let path = match h.kind {
            EntryKind::Org if !h.unit.is_empty() => format!("{} › {}", h.unit, h.name),
            EntryKind::Org => h.name.clone(),
            EntryKind::Person => h.unit.clone(),
        };
        text.push(Line::styled(fit(&head, pw, e), theme.title()));
        text.push(Line::raw(fit_start(&path, pw, e)));
    }
    f.render_widget(Paragraph::new(text), preview);
}

fn render_palette(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let n = s.palette.completions.len().min(10) as u16;
    let r = popup(body, 90, n + 4);
    widgets::clear(f, r);
    let block = widgets::block(theme, format!(" {} ", M::PaletteTitle.get(lang)), true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let shown = fit_end(
        &s.palette.input.text,
        (inner.width as usize).saturating_sub(3),
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", theme.key()),
        Span::raw(shown.clone()),
    ])];
    f.set_cursor_position((inner.x + 2 + shown.width() as u16, inner.y));
    lines.push(Line::styled("─".repeat(inner.width as usize), theme.dim()));
    let w = inner.width as usize;
    let height = (inner.height as usize).saturating_sub(2);
    let offset = visible_offset(s.palette.cursor.pos, s.palette.cursor.offset, height);
    for (i, c) in s
        .palette
        .completions
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
    {
        let lw = (w / 2).max(12);
        let text = format!(
            "{} {}",
            pad(&c.label, lw, theme.ellipsis()),
            fit(&c.hint, w.saturating_sub(lw + 1), theme.ellipsis())
        );
        let mut line = Line::raw(text);
        if i == s.palette.cursor.pos {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// Help lines, generated from the keymap in use and the palette's commands.
pub fn help_lines(s: &State) -> Vec<Line<'static>> {
    help(s).0
}

/// Where help's sections start: a mode's keys, and the legend of the marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpIndex {
    pub len: usize,
    pub modes: Vec<(Mode, usize)>,
    pub legend: usize,
}

impl HelpIndex {
    /// The line help opens at for a screen in `mode`: its section, else the top.
    pub fn section(&self, mode: Mode) -> usize {
        self.modes
            .iter()
            .find(|(m, _)| *m == mode)
            .map_or(0, |(_, at)| *at)
    }
}

pub fn help_index(s: &State) -> HelpIndex {
    help(s).1
}

/// Rows of help's text on screen: the body less the box's borders.
pub fn help_height(s: &State) -> usize {
    (s.body_height() as usize).saturating_sub(2).max(1)
}

fn help(s: &State) -> (Vec<Line<'static>>, HelpIndex) {
    let theme = &s.theme;
    let lang = theme.lang;
    let mut lines = Vec::new();
    let mut index = HelpIndex::default();
    let mut last = None;
    for (mode, keys, _cmd, desc) in s.keymap.rows(lang) {
        if last != Some(mode) {
            if last == Some(Mode::Tree) {
                lines.push(typeahead_line(theme));
            }
            if last.is_some() {
                lines.push(Line::raw(""));
            }
            index.modes.push((mode, lines.len()));
            lines.push(Line::styled(
                format!("[{}]", i18n::mode_name(lang, mode)),
                theme.header(),
            ));
            last = Some(mode);
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}", pad(&keys, 14, theme.ellipsis())),
                theme.key(),
            ),
            Span::raw(desc),
        ]));
    }
    if last == Some(Mode::Tree) {
        lines.push(typeahead_line(theme));
    }
    lines.push(Line::raw(""));
    index.legend = lines.len();
    lines.push(Line::styled(
        format!("[{}]", M::LegendTitle.get(lang)),
        theme.header(),
    ));
    // The marks as the tree shows them: a red one with its word.
    let red = format!(
        "{}{red} {}{red}",
        M::MarkOver.get(lang),
        M::MarkPostsOver.get(lang),
        red = theme.mark(Traffic::Red)
    );
    for (t, mark, m) in [
        (Traffic::Red, red, M::LegendRed),
        (
            Traffic::Amber,
            theme.mark(Traffic::Amber).to_string(),
            M::LegendAmber,
        ),
        (
            Traffic::Green,
            theme.mark(Traffic::Green).to_string(),
            M::LegendGreen,
        ),
    ] {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(pad(&mark, 14, theme.ellipsis()), theme.traffic(t)),
            Span::raw(m.get(lang)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("[{}]", M::HelpCommands.get(lang)),
        theme.header(),
    ));
    for (en, zh, cmd) in super::keymap::PALETTE {
        let words = match lang {
            crate::model::Lang::Zh => format!("{en} / {zh}"),
            crate::model::Lang::En => en.to_string(),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}", pad(&words, 16, theme.ellipsis())),
                theme.key(),
            ),
            Span::raw(cmd.describe(lang)),
        ]));
    }
    index.len = lines.len();
    (lines, index)
}

/// The tree's type-ahead is no binding: help says it in words.
fn typeahead_line(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!(
                "  {}",
                pad(M::TypeAheadKeys.get(theme.lang), 14, theme.ellipsis())
            ),
            theme.key(),
        ),
        Span::raw(M::TypeAhead.get(theme.lang)),
    ])
}

fn render_help(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let r = popup(body, 100, body.height);
    widgets::clear(f, r);
    let block = widgets::block(theme, format!(" {} ", M::HelpTitle.get(theme.lang)), true);
    let lines = help_lines(s);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((s.help.pos as u16, 0)),
        r,
    );
}

/// The refused decisions, newest first, each with the server's reason.
fn render_refusals(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let r = popup(body, 100, body.height);
    widgets::clear(f, r);
    let block = widgets::block(theme, format!(" {} ", M::RefusalsTitle.get(lang)), true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let e = theme.ellipsis();
    let mut lines = vec![
        match s.withdraw_edit {
            Some(_) => Line::styled(fit(M::WithdrawEditAsk.get(lang), w, e), theme.warn()),
            None => Line::styled(fit(M::RefusalsHint.get(lang), w, e), theme.dim()),
        },
        Line::raw(""),
    ];
    if s.refusals.is_empty() {
        lines.push(Line::styled(M::RefusalsNone.get(lang), theme.dim()));
    }
    let height = (inner.height as usize).saturating_sub(2);
    let c = &s.refusals_cursor;
    let offset = visible_offset(c.pos, c.offset, height / 2);
    for (i, e) in s.refusals.iter().enumerate().skip(offset) {
        let queued = e.state == crate::store::outbox::State::Queued;
        let new = if queued {
            format!("[{}] ", M::QueuedEditMark.get(lang))
        } else if i < s.refusals_new {
            format!("[{}] ", M::RefusalNew.get(lang))
        } else {
            String::new()
        };
        let head = match (&e.edit, lang) {
            (Some(intent), crate::model::Lang::Zh) => format!(
                "{new}修改 {} {}：",
                e.seq,
                crate::model::edit::describe(&intent.edit, lang)
            ),
            (Some(intent), crate::model::Lang::En) => format!(
                "{new}edit {} {}: ",
                e.seq,
                crate::model::edit::describe(&intent.edit, lang)
            ),
            (None, crate::model::Lang::Zh) => {
                format!("{new}申请 {} {}：", e.approval_id, e.verdict().zh())
            }
            (None, crate::model::Lang::En) => {
                format!("{new}request {} {}: ", e.approval_id, e.verdict().en())
            }
        };
        let (head_style, reason) = if queued {
            (theme.warn(), M::QueuedEditHint.get(lang).to_string())
        } else {
            let said = e.outcome.as_ref().and_then(|o| o.say_refusal(lang));
            (
                theme.error(),
                said.or_else(|| e.reason.clone()).unwrap_or_default(),
            )
        };
        let mut line = Line::from(vec![Span::styled(head, head_style), Span::raw(reason)]);
        if i == c.pos {
            line = line.style(theme.selected());
        }
        lines.push(line);
        // An edit in conflict: each field in three columns, and the two ways out.
        if e.state == crate::store::outbox::State::Conflict
            && let Some(o) = &e.outcome
        {
            for k in &o.conflicts {
                lines.push(Line::raw(format!(
                    "    {}",
                    crate::model::edit::say_conflict(k, lang)
                )));
            }
            if i == c.pos {
                lines.push(Line::styled(
                    format!("    {}", M::ConflictHint.get(lang)),
                    theme.key(),
                ));
            }
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// `q` with decisions not yet sent: how many, and the three ways on.
fn render_confirm_quit(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let lines = vec![
        Line::styled(i18n::quit_unsent(lang, s.status.unsent), theme.warn()),
        Line::raw(""),
        Line::styled(M::QuitSync.get(lang), theme.key()),
        Line::styled(M::QuitAnyway.get(lang), theme.key()),
        Line::styled(M::QuitStay.get(lang), theme.key()),
    ];
    let w = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(20)
        .min(body.width.saturating_sub(2) as usize) as u16
        + 4;
    let h = (lines.len() as u16 + 2).min(body.height);
    let w = w.min(body.width);
    let r = Rect {
        x: body.x + (body.width - w) / 2,
        y: body.y + (body.height - h) / 2,
        width: w,
        height: h,
    };
    widgets::clear(f, r);
    let block = widgets::block(theme, format!(" {} ", M::QuitTitle.get(lang)), true);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

fn render_which_key(s: &State, f: &mut Frame, body: Rect) {
    let theme = &s.theme;
    let lang = theme.lang;
    let items = s.keymap.continuations(s.mode(), &s.pending, lang);
    let w = items
        .iter()
        .map(|(k, d)| k.width() + d.width() + 4)
        .max()
        .unwrap_or(10)
        .max(16) as u16
        + 2;
    let h = items.len() as u16 + 2;
    let w = w.min(body.width);
    let h = h.min(body.height);
    let w = w.min(body.width.saturating_sub(1));
    let h = h.min(body.height.saturating_sub(1));
    let r = Rect {
        x: body.x + body.width - w - 1,
        y: body.y + body.height - h - 1,
        width: w,
        height: h,
    };
    widgets::clear(f, r);
    let title = format!(
        " {} {} ",
        super::keymap::seq_text(&s.pending),
        M::Pending.get(lang)
    );
    let block = widgets::block(theme, title, true);
    let lines: Vec<Line> = items
        .into_iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k}  "), theme.key()),
                Span::raw(d),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), r);
}
