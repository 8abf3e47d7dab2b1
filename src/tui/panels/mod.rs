//! The unit view: one tab per panel. Each panel is a module with its own state, its
//! own `handle` and `render`, and answers with actions; panels do not reach into each
//! other. Richer panels (quota ledger, history, inbox) plug in by implementing
//! [`Panel`] and joining [`UnitView::new`].

mod history;
mod overview;
mod people;
mod posts;
mod quota;

use super::action::Action;
use super::component::Component;
use super::data::UnitData;
use super::keymap::Cmd;
use super::theme::Theme;
use crate::model::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::sync::Arc;

/// A tab of the unit view: a component with a title, that reads its unit again.
pub trait Panel: Component + Send {
    fn title(&self, lang: Lang) -> &'static str;
    /// The unit read again (after a sync): the panel shows it, its cursor staying on
    /// the same row where that row is still there.
    fn reload(&mut self, data: Arc<UnitData>);
    /// Whether the panel has a text input open (keys then go to it as text).
    fn typing(&self) -> bool {
        false
    }
    /// Text typed or pasted while [`Panel::typing`].
    fn type_text(&mut self, _text: &str) {}
    /// The table the panel shows, for export; `None` exports the unit's staff.
    fn table(&self) -> Option<crate::report::Table> {
        None
    }
}

pub struct UnitView {
    pub data: Arc<UnitData>,
    pub panels: Vec<Box<dyn Panel>>,
    pub tab: usize,
    /// The interface's language, for the tables the view exports.
    lang: Lang,
}

impl UnitView {
    pub fn new(data: UnitData, lang: Lang) -> UnitView {
        let data = Arc::new(data);
        let panels: Vec<Box<dyn Panel>> = vec![
            Box::new(overview::Overview::new(data.clone())),
            Box::new(quota::Quota::new(data.clone(), lang)),
            Box::new(posts::Posts::new(data.clone())),
            Box::new(people::People::new(data.clone())),
            Box::new(history::History::new(data.clone())),
        ];
        UnitView {
            data,
            panels,
            tab: 0,
            lang,
        }
    }

    /// The unit read again: every panel keeps its place, the open tab stays open.
    pub fn reload(&mut self, data: UnitData) {
        self.data = Arc::new(data);
        for p in &mut self.panels {
            p.reload(self.data.clone());
        }
    }

    pub fn titles(&self, lang: Lang) -> Vec<&'static str> {
        self.panels.iter().map(|p| p.title(lang)).collect()
    }

    pub fn next(&mut self, step: isize) {
        let n = self.panels.len() as isize;
        self.tab = (self.tab as isize + step).rem_euclid(n) as usize;
    }

    /// Switches to the panel with this title (either language) or index from 1.
    pub fn switch_to(&mut self, name: &str) -> bool {
        let name = name.trim();
        let found = self.panels.iter().position(|p| {
            p.title(Lang::Zh) == name || p.title(Lang::En).eq_ignore_ascii_case(name)
        });
        let found = found.or_else(|| {
            name.parse::<usize>()
                .ok()
                .filter(|i| (1..=self.panels.len()).contains(i))
                .map(|i| i - 1)
        });
        match found {
            Some(i) => {
                self.tab = i;
                true
            }
            None => false,
        }
    }

    /// The table on screen for an export: the panel's own, else the unit's staff as
    /// the people panel lists them.
    pub fn table(&self) -> crate::report::Table {
        if let Some(t) = self.panels[self.tab].table() {
            return t;
        }
        let path = self
            .data
            .path
            .iter()
            .map(|o| o.short_name.as_deref().unwrap_or(&o.name))
            .collect::<Vec<_>>()
            .join(" › ");
        crate::report::Table {
            title: crate::tui::i18n::titled(
                self.lang,
                &self.data.org.name,
                crate::tui::i18n::M::OnBooksTitle,
            ),
            header: crate::report::person_header(self.lang),
            rows: self
                .data
                .persons
                .iter()
                .map(|p| crate::report::person_row(p, &path, false, self.lang))
                .collect(),
        }
    }

    /// Whether the panel in front has a text input open.
    pub fn typing(&self) -> bool {
        self.panels[self.tab].typing()
    }

    pub fn type_text(&mut self, text: &str) {
        self.panels[self.tab].type_text(text);
    }

    pub fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::NextPanel => {
                self.next(1);
                None
            }
            Cmd::PrevPanel => {
                self.next(-1);
                None
            }
            other => self.panels[self.tab].handle(other, height),
        }
    }
}

/// The unit view: the panel in front, and the unit's own commands.
impl Component for UnitView {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        UnitView::handle(self, cmd, height)
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        self.panels[self.tab].render(f, area, theme);
    }

    fn commands(&self) -> Vec<Cmd> {
        let panel = &self.panels[self.tab];
        if panel.typing() {
            return panel.commands();
        }
        let mut cmds = vec![Cmd::NextPanel, Cmd::PrevPanel];
        cmds.extend(panel.commands());
        cmds.extend((1..=self.panels.len() as u8).map(Cmd::Tab));
        cmds.extend([
            Cmd::Export,
            Cmd::AddPerson,
            Cmd::EditUnit,
            Cmd::MoveUnit,
            Cmd::AbolishUnit,
            Cmd::AddDept,
            Cmd::LedgerEntry,
            Cmd::PostsEntry,
        ]);
        cmds
    }
}

/// Panel names for `:panel` completion, both languages.
pub const PANEL_NAMES: &[(&str, &str)] = &[
    ("概况", "overview"),
    ("编制", "quota"),
    ("职数", "posts"),
    ("人员", "people"),
    ("沿革", "history"),
];
