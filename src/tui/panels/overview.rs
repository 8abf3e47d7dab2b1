//! 概况: the unit's fields and its headline figures.

use super::Panel;
use crate::model::Lang;
use crate::model::quota::QuotaFigure;
use crate::tui::action::Action;
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, fields, or_dash, text_or_dash};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::sync::Arc;

pub struct Overview {
    data: Arc<UnitData>,
    scroll: Cursor,
}

impl Overview {
    pub fn new(data: Arc<UnitData>) -> Self {
        Overview {
            data,
            scroll: Cursor::default(),
        }
    }

    fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let lang = theme.lang;
        let o = &self.data.org;
        let w = 16;
        let parent = self
            .data
            .path
            .iter()
            .rev()
            .nth(1)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "—".into());
        let mut name = o.name.clone();
        if o.abolished {
            name.push_str(&crate::tui::i18n::paren(lang, M::FAbolished.get(lang)));
        }
        let mut lines = fields(
            theme,
            lang,
            w,
            vec![
                (M::FName, name),
                (M::FShortName, text_or_dash(&o.short_name)),
                (M::FKind, o.kind.label(lang).to_string()),
                (M::FParent, parent),
                (M::FCategory, or_dash(o.category.map(|v| v.label(lang)))),
                (M::FLevel, or_dash(o.level.map(|v| v.label(lang)))),
                (M::FNature, or_dash(o.nature.map(|v| v.label(lang)))),
                (M::FCreditCode, text_or_dash(&o.credit_code)),
                (M::FDomain, text_or_dash(&o.domain_name)),
                (M::FFoundingDoc, text_or_dash(&o.founding_doc)),
                (M::FFoundingDate, or_dash(o.founding_date)),
                (M::FSubunits, self.data.children.to_string()),
            ],
        );
        lines.push(Line::raw(""));
        for (label, fig, traffic) in [
            (
                M::OwnFigures,
                self.data.own.total(),
                self.data.own.traffic(),
            ),
            (
                M::SubtreeFigures,
                self.data.subtree.total(),
                self.data.subtree.traffic(),
            ),
        ] {
            let mut spans = vec![
                Span::styled(
                    crate::tui::widgets::pad(label.get(lang), w, theme.ellipsis()),
                    theme.dim(),
                ),
                Span::raw(" "),
                Span::styled(theme.mark(traffic), theme.traffic(traffic)),
                Span::raw(" "),
            ];
            spans.push(Span::raw(summary(lang, &fig)));
            lines.push(Line::from(spans));
        }
        lines
    }
}

/// `核定 12  实有 10  空编 2  可使用 1`, or 超编 when over.
pub fn summary(lang: Lang, f: &QuotaFigure) -> String {
    let mut s = format!(
        "{} {}  {} {}",
        M::ColApproved.get(lang),
        f.approved,
        M::ColActual.get(lang),
        f.actual
    );
    if f.vacant > 0 || f.over == 0 {
        s.push_str(&format!("  {} {}", M::ColVacant.get(lang), f.vacant));
    }
    if f.over > 0 {
        s.push_str(&format!("  {} {}", M::ColOver.get(lang), f.over));
    }
    s.push_str(&format!("  {} {}", M::ColUsable.get(lang), f.usable));
    s
}

impl Component for Overview {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        // Scrolling a text: the cursor is the first line shown.
        let n = 15usize.saturating_sub(height) + 1;
        self.scroll.apply(cmd, n, 1);
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        f.render_widget(
            Paragraph::new(self.lines(theme)).scroll((self.scroll.pos as u16, 0)),
            area,
        );
    }
    fn commands(&self) -> Vec<Cmd> {
        LIST_MOVES.to_vec()
    }
}

impl Panel for Overview {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelOverview.get(lang)
    }
    fn reload(&mut self, data: Arc<UnitData>) {
        self.data = data;
    }
}
