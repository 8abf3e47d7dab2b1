//! 沿革: the unit's history merged with its quota and post ledgers (each ledger line
//! with the running total after it), newest first; `f` filters by kind, `d` by a date
//! range, Enter opens the selected entry's detail.

use super::Panel;
use crate::model::Lang;
use crate::tui::action::Action;
use crate::tui::component::Component;
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::timeline::Timeline;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::sync::Arc;

pub struct History {
    timeline: Timeline,
}

impl History {
    pub fn new(data: Arc<UnitData>) -> Self {
        History {
            timeline: Timeline::new(data.timeline.clone()),
        }
    }
}

impl Component for History {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        self.timeline.handle(cmd, height.saturating_sub(1))
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        self.timeline.render(f, area, theme);
    }
    fn commands(&self) -> Vec<Cmd> {
        self.timeline.commands()
    }
}

impl Panel for History {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelHistory.get(lang)
    }
    fn reload(&mut self, data: Arc<UnitData>) {
        self.timeline.set_items(data.timeline.clone());
    }
    fn typing(&self) -> bool {
        self.timeline.typing()
    }
    fn type_text(&mut self, text: &str) {
        self.timeline.type_text(text);
    }
}
