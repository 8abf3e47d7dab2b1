//! 概况: the unit's fields and its headline figures.

use super::Panel;
use crate::model::Lang;
use crate::model::quota::QuotaFigure;
use crate::tui::action::Action;
use crate::tui::data::UnitData;
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, field};
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
        let label = |v: Option<&'static str>| v.unwrap_or("—").to_string();
        let text = |v: &Option<String>| {
            v.clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "—".into())
        };
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
            name.push_str(&format!("（{}）", M::FAbolished.get(lang)));
        }
        let mut lines = vec![
            field(theme, M::FName.get(lang), w, name),
            field(theme, M::FShortName.get(lang), w, text(&o.short_name)),
            field(theme, M::FKind.get(lang), w, o.kind.label(lang).to_string()),
            field(theme, M::FParent.get(lang), w, parent),
            field(
                theme,
                M::FCategory.get(lang),
                w,
                label(o.category.map(|v| v.label(lang))),
            ),
            field(
                theme,
                M::FLevel.get(lang),
                w,
                label(o.level.map(|v| v.label(lang))),
            ),
            field(
                theme,
                M::FNature.get(lang),
                w,
                label(o.nature.map(|v| v.label(lang))),
            ),
            field(theme, M::FCreditCode.get(lang), w, text(&o.credit_code)),
            field(theme, M::FDomain.get(lang), w, text(&o.domain_name)),
            field(theme, M::FFoundingDoc.get(lang), w, text(&o.founding_doc)),
            field(
                theme,
                M::FFoundingDate.get(lang),
                w,
                o.founding_date.map_or("—".into(), |d| d.to_string()),
            ),
            field(
                theme,
                M::FSubunits.get(lang),
                w,
                self.data.children.to_string(),
            ),
            Line::raw(""),
        ];
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

impl Panel for Overview {
    fn title(&self, lang: Lang) -> &'static str {
        M::PanelOverview.get(lang)
    }
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
}
