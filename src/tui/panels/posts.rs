//! 职数: leadership posts, 核定 against 实配.

use super::Panel;
use crate::model::Lang;
use crate::tui::action::Action;
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, pad, rpad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::sync::Arc;

pub struct Posts {
    data: Arc<UnitData>,
    scroll: Cursor,
}

impl Posts {
    pub fn new(data: Arc<UnitData>) -> Self {
        Posts {
            data,
            scroll: Cursor::default(),
        }
    }
}

const NUM: usize = 9;

impl Component for Posts {
    fn handle(&mut self, cmd: Cmd, _height: usize) -> Option<Action> {
        self.scroll.apply(cmd, self.data.own.posts.len() + 1, 1);
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let w = 18;
        let mut head = pad(M::PostSlot.get(lang), w, theme.ellipsis());
        for h in [M::PostApproved, M::PostActual, M::PostVacant, M::PostOver] {
            head.push_str(&rpad(h.get(lang), NUM));
        }
        let mut lines = vec![Line::styled(head, theme.header())];
        if self.data.own.posts.is_empty() {
            lines.push(Line::styled(M::NoPosts.get(lang), theme.dim()));
        }
        for (slot, p) in &self.data.own.posts {
            let t = p.traffic();
            let label = crate::tui::i18n::slot(*slot, lang);
            let over = if p.over > 0 {
                Span::styled(rpad(&p.over.to_string(), NUM), theme.traffic(t))
            } else {
                Span::raw(rpad("0", NUM))
            };
            lines.push(Line::from(vec![
                Span::raw(pad(&label, w, theme.ellipsis())),
                Span::raw(rpad(&p.approved.to_string(), NUM)),
                Span::raw(rpad(&p.actual.to_string(), NUM)),
                Span::raw(rpad(&p.vacant.to_string(), NUM)),
                over,
                Span::raw("  "),
                Span::styled(theme.mark(t), theme.traffic(t)),
            ]));
        }
        f.render_widget(
            Paragraph::new(lines).scroll((self.scroll.pos as u16, 0)),
            area,
        );
    }
    fn commands(&self) -> Vec<Cmd> {
        LIST_MOVES.to_vec()
    }
}

impl Panel for Posts {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelPosts.get(lang)
    }
    fn reload(&mut self, data: Arc<UnitData>) {
        self.data = data;
        self.scroll.pos = self.scroll.pos.min(self.data.own.posts.len());
    }
}
