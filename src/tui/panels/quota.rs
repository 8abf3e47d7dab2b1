//! 编制: quota figures by staffing type, the unit's own and with its subunits.

use super::Panel;
use crate::model::Lang;
use crate::model::quota::{Figures, QuotaFigure};
use crate::tui::action::Action;
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

pub struct Quota {
    data: Arc<UnitData>,
    scroll: Cursor,
}

impl Quota {
    pub fn new(data: Arc<UnitData>) -> Self {
        Quota {
            data,
            scroll: Cursor::default(),
        }
    }
}

const NUM: usize = 9;

fn row(theme: &Theme, label: &str, w: usize, f: &QuotaFigure) -> Line<'static> {
    let t = f.traffic();
    let over = if f.over > 0 {
        Span::styled(rpad(&f.over.to_string(), NUM), theme.traffic(t))
    } else {
        Span::raw(rpad("0", NUM))
    };
    Line::from(vec![
        Span::raw(pad(label, w, theme.ellipsis())),
        Span::raw(rpad(&f.approved.to_string(), NUM)),
        Span::raw(rpad(&f.actual.to_string(), NUM)),
        Span::raw(rpad(&f.reserved.to_string(), NUM)),
        Span::raw(rpad(&f.vacant.to_string(), NUM)),
        over,
        Span::raw(rpad(&f.usable.to_string(), NUM)),
        Span::raw("  "),
        Span::styled(theme.mark(t), theme.traffic(t)),
    ])
}

fn table(theme: &Theme, title: M, figs: &Figures, width: usize) -> Vec<Line<'static>> {
    let lang = theme.lang;
    let w = width.saturating_sub(NUM * 6 + 3).clamp(8, 24);
    let mut head = pad(title.get(lang), w, theme.ellipsis());
    for h in [
        M::ColApproved,
        M::ColActual,
        M::ColReserved,
        M::ColVacant,
        M::ColOver,
        M::ColUsable,
    ] {
        head.push_str(&rpad(h.get(lang), NUM));
    }
    let mut lines = vec![Line::styled(head, theme.header())];
    if figs.quota.is_empty() {
        lines.push(Line::styled(M::NoQuota.get(lang), theme.dim()));
        return lines;
    }
    for (t, f) in &figs.quota {
        lines.push(row(theme, t.label(lang), w, f));
    }
    if figs.quota.len() > 1 {
        lines.push(row(theme, M::Total.get(lang), w, &figs.total()));
    }
    lines
}

impl Panel for Quota {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelQuota.get(lang)
    }
    fn handle(&mut self, cmd: Cmd, _height: usize) -> Option<Action> {
        let n = self.data.own.quota.len() + self.data.subtree.quota.len() + 6;
        self.scroll.apply(cmd, n, 1);
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let w = area.width as usize;
        let mut lines = table(theme, M::OwnFigures, &self.data.own, w);
        if self.data.children > 0 {
            lines.push(Line::raw(""));
            lines.extend(table(theme, M::SubtreeFigures, &self.data.subtree, w));
        }
        f.render_widget(
            Paragraph::new(lines).scroll((self.scroll.pos as u16, 0)),
            area,
        );
    }
}
