//! 预警: over quota, full (frozen), over posts, retirements due, over age, data checks.
//! One tab per kind with its count; Enter jumps to the person or the unit a warning
//! names.

use super::grid;
use super::{Screen, ScreenRequest};
use crate::model::Lang;
use crate::model::quota::Traffic;
use crate::report::Table;
use crate::store::warnings::{Warning, WarningKind};
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct WarningsScreen {
    all: Vec<Warning>,
    /// The language its table is worded in.
    lang: Lang,
    /// `None`: every kind.
    pub kind: Option<WarningKind>,
    /// The warnings shown, and their table.
    pub shown: Vec<Warning>,
    pub table: Table,
    pub cursor: Cursor,
}

/// The kind column goes first when one kind is shown, then the unit id, the month.
const DROP_ONE: &[usize] = &[0, 1, 4, 3];
const DROP_ALL: &[usize] = &[1, 4, 3];

pub fn traffic(k: WarningKind) -> Option<Traffic> {
    match k {
        WarningKind::OverQuota | WarningKind::OverPosts | WarningKind::Overage => {
            Some(Traffic::Red)
        }
        WarningKind::Full | WarningKind::Retirement | WarningKind::Data => Some(Traffic::Amber),
    }
}

impl WarningsScreen {
    pub fn new(all: Vec<Warning>, kind: Option<WarningKind>, lang: Lang) -> Self {
        let mut s = WarningsScreen {
            all,
            lang,
            kind,
            shown: Vec::new(),
            table: Table::default(),
            cursor: Cursor::default(),
        };
        s.select(kind);
        s
    }

    pub fn count(&self, kind: Option<WarningKind>) -> usize {
        match kind {
            None => self.all.len(),
            Some(k) => self.all.iter().filter(|w| w.kind == k).count(),
        }
    }

    pub fn select(&mut self, kind: Option<WarningKind>) {
        self.kind = kind;
        self.shown = self
            .all
            .iter()
            .filter(|w| kind.is_none_or(|k| w.kind == k))
            .cloned()
            .collect();
        // As exported by `bianzhi export warnings`.
        let lang = self.lang;
        self.table = crate::report::warning_list_table(&self.shown, lang, |w| {
            crate::tui::i18n::warning_text(w, lang)
        });
        if kind.is_some() {
            self.table.title = self.title(self.lang);
        }
        self.cursor = Cursor::default();
    }

    fn step(&mut self, by: isize) {
        let tabs: Vec<Option<WarningKind>> = std::iter::once(None)
            .chain(WarningKind::ALL.iter().copied().map(Some))
            .collect();
        let at = tabs.iter().position(|k| *k == self.kind).unwrap_or(0) as isize;
        let next = (at + by).rem_euclid(tabs.len() as isize) as usize;
        self.select(tabs[next]);
    }

    /// Where Enter on a row goes: the person, else the unit.
    pub fn open(&self, i: usize) -> Option<Action> {
        let w = self.shown.get(i)?;
        Some(Action::Effect(match &w.person {
            Some(p) => Effect::LoadPerson(p.id),
            None => Effect::Goto {
                id: w.org_id,
                open: true,
            },
        }))
    }
}

impl Component for WarningsScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::NextPanel => self.step(1),
            Cmd::PrevPanel => self.step(-1),
            Cmd::Open => return self.open(self.cursor.pos),
            other => {
                self.cursor.apply(other, self.table.rows.len(), height);
            }
        }
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let b = block(theme, format!(" {} ", M::WarningsTitle.get(lang)), true);
        let inner = b.inner(area);
        f.render_widget(b, area);
        if inner.height < 3 {
            return;
        }
        let mut tabs = Vec::new();
        for k in std::iter::once(None).chain(WarningKind::ALL.iter().copied().map(Some)) {
            let label = k.map_or(M::AllKinds.get(lang), |k| k.label(lang));
            let text = format!(" {label} {} ", self.count(k));
            tabs.push(if k == self.kind {
                Span::styled(text, theme.selected())
            } else {
                Span::styled(text, theme.dim())
            });
        }
        let drop = if self.kind.is_some() {
            DROP_ONE
        } else {
            DROP_ALL
        };
        let l = grid::layout(&self.table, inner.width as usize, drop, Some(0));
        let mut lines = vec![Line::from(tabs)];
        lines.extend(grid::list(
            theme,
            &self.table,
            &l,
            &self.cursor,
            inner.height as usize - 1,
            Some(0),
            |i| traffic(self.shown[i].kind),
            M::NoWarnings.get(lang),
        ));
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        [
            &[Cmd::Open, Cmd::NextPanel, Cmd::PrevPanel, Cmd::Export],
            LIST_MOVES,
        ]
        .concat()
    }
}

impl Screen for WarningsScreen {
    fn title(&self, lang: Lang) -> String {
        match self.kind {
            None => M::WarningsTitle.get(lang).to_string(),
            Some(k) => match lang {
                Lang::Zh => format!("{}：{}", M::WarningsTitle.get(lang), k.label(lang)),
                Lang::En => format!("{}: {}", M::WarningsTitle.get(lang), k.label(lang)),
            },
        }
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Warnings {
            kind: self.kind,
            lang: self.lang,
        }
    }
    fn table(&self) -> Table {
        self.table.clone()
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = self
            .shown
            .iter()
            .map(|w| {
                let person = w.person.as_ref().map(|p| p.id);
                format!("{:?} {} {person:?} {}", w.kind, w.org_id, w.subject)
            })
            .collect();
        (self.cursor, keys)
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
