//! A timeline as a list: newest first, filtered by kind (`f` cycles through the kinds
//! present) and by a typed date range (`d`: `2018..2020`, `2019-03`, `..2020-06`), the
//! selected entry's detail opened below the list with Enter. Used by a unit's 沿革
//! panel, a person's 履历 and the local audit log.

use super::action::Action;
use super::component::{Component, LIST_MOVES};
use super::i18n::M;
use super::keymap::Cmd;
use super::lookup::Input;
use super::theme::Theme;
use super::widgets::{Cursor, fit, pad, visible_offset};
use crate::model::Lang;
use crate::store::timeline::{Filter, Item, ItemKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub items: Vec<Item>,
    pub filter: Filter,
    /// Indices into `items` that pass the filter.
    pub shown: Vec<usize>,
    pub cursor: Cursor,
    /// The selected entry's detail is open.
    pub detail: bool,
    /// A date range being typed.
    pub prompt: Option<Input>,
    /// The last range typed could not be read.
    pub bad_range: bool,
}

impl Timeline {
    pub fn new(items: Vec<Item>) -> Timeline {
        let mut t = Timeline {
            items,
            ..Timeline::default()
        };
        t.refilter();
        t
    }

    /// The items read again (after a sync): the filter stays, and the cursor on the
    /// same entry where it is still there.
    pub fn set_items(&mut self, items: Vec<Item>) {
        let key = |i: &Item| {
            let said = super::i18n::item_summary(i, crate::model::Lang::Zh);
            (i.date, i.doc_no.clone(), said)
        };
        let was = self.selected().map(key);
        let cursor = self.cursor;
        self.items = items;
        self.refilter();
        self.cursor = cursor;
        self.cursor
            .keep(was, self.shown.iter().map(|&i| key(&self.items[i])));
    }

    fn refilter(&mut self) {
        self.shown = (0..self.items.len())
            .filter(|&i| self.filter.accepts(&self.items[i]))
            .collect();
        self.cursor = Cursor::default();
    }

    pub fn selected(&self) -> Option<&Item> {
        self.shown.get(self.cursor.pos).map(|&i| &self.items[i])
    }

    /// The kinds present, in first-seen order (newest first).
    fn kinds(&self) -> Vec<ItemKind> {
        let mut out: Vec<ItemKind> = Vec::new();
        for i in &self.items {
            if !out.contains(&i.kind) {
                out.push(i.kind.clone());
            }
        }
        out.sort();
        out
    }

    /// Whether keys go to the date prompt.
    pub fn typing(&self) -> bool {
        self.prompt.is_some()
    }

    pub fn type_text(&mut self, text: &str) {
        if let Some(p) = &mut self.prompt {
            p.insert(text);
        }
    }

    fn filter_line(&self, theme: &Theme) -> Option<Line<'static>> {
        let lang = theme.lang;
        let zh = lang == Lang::Zh;
        if let Some(p) = &self.prompt {
            let label = if zh {
                "日期范围（如 2018..2020、2019-03、..2020-06）："
            } else {
                "Date range (2018..2020, 2019-03, ..2020-06): "
            };
            let mut spans = vec![
                Span::styled(label.to_string(), theme.key()),
                Span::raw(p.text.clone()),
            ];
            if self.bad_range {
                spans.push(Span::styled(
                    if zh {
                        "  无法识别"
                    } else {
                        "  not a range"
                    },
                    theme.error(),
                ));
            }
            return Some(Line::from(spans));
        }
        if self.filter.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if let Some(k) = &self.filter.kind {
            parts.push(super::i18n::item_kind(k, lang));
        }
        let range = self.filter.range_text();
        if !range.is_empty() {
            parts.push(range);
        }
        let text = if zh {
            format!(
                "筛选：{}（{}/{} 条）",
                parts.join("，"),
                self.shown.len(),
                self.items.len()
            )
        } else {
            format!(
                "Filter: {} ({}/{})",
                parts.join(", "),
                self.shown.len(),
                self.items.len()
            )
        };
        Some(Line::styled(text, theme.warn()))
    }
}

/// Rows the opened detail takes below the list (a rule and up to four lines).
const DETAIL_ROWS: usize = 5;

/// The timelines (a unit's 沿革, a person's 履历, the audit log) are one component.
impl Component for Timeline {
    /// A command for the timeline; `height` is the rows the list may use.
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        if let Some(p) = &mut self.prompt {
            match cmd {
                Cmd::Close => self.prompt = None,
                Cmd::DeleteChar => {
                    p.delete_char();
                }
                Cmd::ClearInput => {
                    p.clear();
                }
                Cmd::Open => match Filter::parse_range(&p.text) {
                    Some((since, until)) => {
                        self.filter.since = since;
                        self.filter.until = until;
                        self.prompt = None;
                        self.bad_range = false;
                        self.refilter();
                    }
                    None => self.bad_range = true,
                },
                _ => {}
            }
            return None;
        }
        match cmd {
            Cmd::FilterKind => {
                let kinds = self.kinds();
                self.filter.kind = match &self.filter.kind {
                    None => kinds.first().cloned(),
                    Some(k) => kinds
                        .iter()
                        .position(|x| x == k)
                        .and_then(|i| kinds.get(i + 1).cloned()),
                };
                self.refilter();
            }
            Cmd::FilterDates => {
                self.prompt = Some(Input {
                    text: self.filter.range_text(),
                });
                self.bad_range = false;
            }
            Cmd::Open => self.detail = !self.detail,
            other => {
                let h = if self.detail {
                    height.saturating_sub(DETAIL_ROWS)
                } else {
                    height
                };
                self.cursor.apply(other, self.shown.len(), h.max(1));
            }
        }
        None
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let w = area.width as usize;
        let mut area = area;
        if let Some(line) = self.filter_line(theme) {
            let [top, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            if self.prompt.is_some() {
                let text_w = line.width() as u16;
                f.set_cursor_position((top.x + text_w.min(top.width.saturating_sub(1)), top.y));
            }
            f.render_widget(Paragraph::new(line), top);
            area = rest;
        }
        let (list, detail) = if self.detail && area.height as usize > DETAIL_ROWS + 2 {
            let [l, d] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(DETAIL_ROWS as u16)])
                    .areas(area);
            (l, Some(d))
        } else {
            (area, None)
        };
        let zh = lang == Lang::Zh;
        // The audit log's lines carry the time to the minute: a wider first column.
        let date_w = self
            .items
            .iter()
            .map(|i| i.when().width())
            .max()
            .unwrap_or(10)
            .max(10);
        let head = format!(
            "{} {} {} {}",
            pad(M::HDate.get(lang), date_w, e),
            pad(M::HKind.get(lang), 8, e),
            pad(M::HDoc.get(lang), 16, e),
            M::HSummary.get(lang)
        );
        let mut lines = vec![Line::styled(pad(&head, w, e), theme.header())];
        if self.shown.is_empty() {
            let text = match (self.items.is_empty(), zh) {
                (true, _) => M::NoHistory.get(lang),
                (false, true) => "没有符合筛选条件的记录",
                (false, false) => "Nothing matches the filter",
            };
            lines.push(Line::styled(text, theme.dim()));
        }
        let height = (list.height as usize).saturating_sub(1);
        let offset = visible_offset(self.cursor.pos, self.cursor.offset, height);
        for (row, &i) in self.shown.iter().enumerate().skip(offset).take(height) {
            let item = &self.items[i];
            let figure = item.figure().map(|s| format!(" {s}")).unwrap_or_default();
            let summary_w = w.saturating_sub(date_w + 8 + 16 + 3 + figure.width());
            let text = format!(
                "{} {} {} {}{}",
                pad(&item.when(), date_w, e),
                pad(&super::i18n::item_kind(&item.kind, lang), 8, e),
                pad(item.doc_no.as_deref().unwrap_or("—"), 16, e),
                pad(&super::i18n::item_summary(item, lang), summary_w, e),
                figure
            );
            let mut line = Line::raw(pad(&text, w, e));
            if row == self.cursor.pos {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        f.render_widget(Paragraph::new(lines), list);
        if let (Some(area), Some(item)) = (detail, self.selected()) {
            let mut lines = vec![Line::styled("─".repeat(area.width as usize), theme.dim())];
            let pairs: Vec<_> = item
                .detail()
                .iter()
                .map(|(f, v)| {
                    (
                        super::i18n::timeline_field(*f, lang),
                        super::i18n::timeline_value(v, lang),
                    )
                })
                .collect();
            let colon = M::FieldColon.get(lang);
            // Two pairs a line: the detail must fit a few rows of an 80x24 console.
            for chunk in pairs.chunks(2) {
                let mut spans = Vec::new();
                for (k, v) in chunk {
                    spans.push(Span::styled(format!("{k}{colon}"), theme.dim()));
                    spans.push(Span::raw(fit(v, w / 2 - k.width() - 2, e)));
                    spans.push(Span::raw("  "));
                }
                lines.push(Line::from(spans));
            }
            f.render_widget(Paragraph::new(lines), area);
        }
    }

    fn commands(&self) -> Vec<Cmd> {
        if self.typing() {
            return vec![Cmd::Open, Cmd::Close, Cmd::DeleteChar, Cmd::ClearInput];
        }
        [&[Cmd::Open, Cmd::FilterKind, Cmd::FilterDates], LIST_MOVES].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;
    use crate::store::timeline::Source;
    use chrono::NaiveDate;

    fn item(y: i32, kind: ItemKind) -> Item {
        Item {
            date: NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
            kind,
            doc_no: None,
            summary: String::new(),
            source: Source::Audit {
                at: String::new(),
                action: String::new(),
                detail: String::new(),
                rows: None,
                typed: None,
            },
        }
    }

    #[test]
    fn kind_filter_cycles_and_dates_narrow() {
        let mut t = Timeline::new(vec![
            item(2022, ItemKind::Ledger),
            item(2020, ItemKind::Event(EventKind::Renamed)),
            item(2015, ItemKind::Event(EventKind::Founded)),
        ]);
        assert_eq!(t.shown.len(), 3);
        t.handle(Cmd::FilterKind, 10);
        assert_eq!(t.filter.kind, Some(ItemKind::Event(EventKind::Founded)));
        assert_eq!(t.shown, vec![2]);
        for _ in 0..3 {
            t.handle(Cmd::FilterKind, 10);
        }
        assert_eq!(t.filter.kind, None, "back to all after the last kind");
        t.handle(Cmd::FilterDates, 10);
        assert!(t.typing());
        t.type_text("2016..2021");
        t.handle(Cmd::Open, 10);
        assert!(!t.typing());
        assert_eq!(t.shown, vec![1]);
        t.handle(Cmd::FilterDates, 10);
        t.handle(Cmd::ClearInput, 10);
        t.type_text("昨天");
        t.handle(Cmd::Open, 10);
        assert!(t.typing() && t.bad_range);
        t.handle(Cmd::Close, 10);
        assert_eq!(t.shown, vec![1], "a cancelled prompt keeps the filter");
    }
}
