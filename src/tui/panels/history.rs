//! 沿革: the unit's history, newest first.

use super::Panel;
use crate::model::Lang;
use crate::tui::action::Action;
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, pad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::sync::Arc;

pub struct History {
    data: Arc<UnitData>,
    cursor: Cursor,
}

impl History {
    pub fn new(data: Arc<UnitData>) -> Self {
        History {
            data,
            cursor: Cursor::default(),
        }
    }
}

impl Panel for History {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelHistory.get(lang)
    }
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        self.cursor
            .apply(cmd, self.data.history.len(), height.saturating_sub(1));
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let w = area.width as usize;
        let head = format!(
            "{} {} {} {}",
            pad(M::HDate.get(lang), 10, e),
            pad(M::HKind.get(lang), 8, e),
            pad(M::HDoc.get(lang), 16, e),
            M::HSummary.get(lang)
        );
        let mut lines = vec![Line::styled(head, theme.header())];
        if self.data.history.is_empty() {
            lines.push(Line::styled(M::NoHistory.get(lang), theme.dim()));
        }
        let height = (area.height as usize).saturating_sub(1);
        for (i, ev) in self
            .data
            .history
            .iter()
            .enumerate()
            .skip(self.cursor.offset)
            .take(height)
        {
            let text = format!(
                "{} {} {} {}",
                ev.date,
                pad(ev.kind.label(lang), 8, e),
                pad(ev.doc_no.as_deref().unwrap_or("—"), 16, e),
                ev.summary
            );
            let mut line = Line::raw(pad(&text, w, e));
            if i == self.cursor.pos {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}
