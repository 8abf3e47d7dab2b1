//! 人员: the unit's people on the books; Enter opens one.

use super::Panel;
use crate::model::Lang;
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, pad, visible_offset};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::sync::Arc;

pub struct People {
    data: Arc<UnitData>,
    cursor: Cursor,
}

impl People {
    pub fn new(data: Arc<UnitData>) -> Self {
        People {
            data,
            cursor: Cursor::default(),
        }
    }
}

impl Component for People {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::Open => self
                .data
                .persons
                .get(self.cursor.pos)
                .map(|p| Action::Effect(Effect::LoadPerson(p.id))),
            other => {
                self.cursor
                    .apply(other, self.data.persons.len(), height.saturating_sub(1));
                None
            }
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let w = area.width as usize;
        let (nw, pw, sw) = (10, (w.saturating_sub(10 + 14 + 12 + 3)).clamp(8, 30), 14);
        let head = format!(
            "{} {} {} {}",
            pad(M::PName.get(lang), nw, e),
            pad(M::PPost.get(lang), pw, e),
            pad(M::PStaffing.get(lang), sw, e),
            M::PRank.get(lang)
        );
        let mut lines = vec![Line::styled(head, theme.header())];
        if self.data.persons.is_empty() {
            lines.push(Line::styled(M::NoPeople.get(lang), theme.dim()));
        }
        let height = (area.height as usize).saturating_sub(1);
        let first = visible_offset(self.cursor.pos, self.cursor.offset, height);
        for (i, p) in self
            .data
            .persons
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
        {
            let staffing = p
                .staffing_type
                .map_or(M::OutOfQuota.get(lang), |t| t.label(lang));
            let text = format!(
                "{} {} {} {}",
                pad(&p.name, nw, e),
                pad(p.post.as_deref().unwrap_or("—"), pw, e),
                pad(staffing, sw, e),
                p.rank.as_deref().unwrap_or("")
            );
            let mut line = Line::raw(text);
            if i == self.cursor.pos {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), area);
    }
    fn commands(&self) -> Vec<Cmd> {
        [&[Cmd::Open], LIST_MOVES].concat()
    }
}

impl Panel for People {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelPeople.get(lang)
    }
    fn reload(&mut self, data: Arc<UnitData>) {
        let was = self.data.persons.get(self.cursor.pos).map(|p| p.id);
        self.cursor.keep(was, data.persons.iter().map(|p| p.id));
        self.data = data;
    }
}
