//! A report table drawn as the screen shows it: the table's own cells (so an export has
//! exactly the screen's rows), columns as wide as their contents, figures right-aligned,
//! the status column led by the three-colour mark. When the area is too narrow, the
//! columns named in `drop` go first (the export keeps them all).

use crate::model::quota::Traffic;
use crate::report::Table;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, pad, rpad, visible_offset};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Which columns show, how wide, and which are figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub cols: Vec<(usize, usize, bool)>,
}

/// How many rows the widths are measured on: enough for any screen, cheap on a city.
const MEASURE_ROWS: usize = 400;
const MAX_COL: usize = 40;

pub fn layout(table: &Table, width: usize, drop: &[usize], status_col: Option<usize>) -> Layout {
    let n = table.header.len();
    let mut cols: Vec<(usize, usize, bool)> = (0..n)
        .map(|c| {
            let cells = table
                .rows
                .iter()
                .take(MEASURE_ROWS)
                .filter_map(|r| r.get(c));
            let widest = cells
                .clone()
                .map(|s| s.width())
                .chain(std::iter::once(table.header[c].width()))
                .max()
                .unwrap_or(0);
            let numeric = cells.clone().any(|s| !s.is_empty())
                && cells
                    .filter(|s| !s.is_empty())
                    .all(|s| s.parse::<i64>().is_ok());
            let mark = if Some(c) == status_col { 2 } else { 0 };
            (c, (widest + mark).min(MAX_COL), numeric)
        })
        .collect();
    let total = |cols: &[(usize, usize, bool)]| -> usize {
        cols.iter().map(|c| c.1).sum::<usize>() + cols.len().saturating_sub(1)
    };
    for d in drop {
        if total(&cols) <= width {
            break;
        }
        cols.retain(|c| c.0 != *d);
    }
    // Still too wide: the widest text columns give way, down to four cells.
    while total(&cols) > width {
        let Some(widest) = cols
            .iter_mut()
            .filter(|c| !c.2 && c.1 > 4)
            .max_by_key(|c| c.1)
        else {
            break;
        };
        widest.1 -= 1;
    }
    Layout { cols }
}

fn cell(theme: &Theme, text: &str, w: usize, numeric: bool) -> String {
    if numeric {
        rpad(text, w)
    } else {
        pad(&cut_path(theme, text, w), w, theme.ellipsis())
    }
}

/// A unit path (`青山县 › 县教育局 › 实验小学`) is cut from its left, so the unit's
/// own name stays; other text is cut at its end (by `pad`).
fn cut_path(theme: &Theme, text: &str, w: usize) -> String {
    if text.contains(" › ") || text.contains(" > ") {
        crate::tui::widgets::fit_start(text, w, theme.ellipsis())
    } else {
        text.to_string()
    }
}

pub fn header(theme: &Theme, table: &Table, l: &Layout) -> Line<'static> {
    let text: Vec<String> = l
        .cols
        .iter()
        .map(|&(c, w, num)| cell(theme, &table.header[c], w, num))
        .collect();
    Line::styled(text.join(" "), theme.header())
}

/// One row; `mark` colours the status column and puts its mark in front.
pub fn row(
    theme: &Theme,
    table: &Table,
    l: &Layout,
    i: usize,
    mark: Option<Traffic>,
    status_col: Option<usize>,
    selected: bool,
) -> Line<'static> {
    let r = &table.rows[i];
    let mut spans = Vec::new();
    for (k, &(c, w, num)) in l.cols.iter().enumerate() {
        if k > 0 {
            spans.push(Span::raw(" "));
        }
        let text = r.get(c).map(String::as_str).unwrap_or("");
        match (mark, Some(c) == status_col) {
            (Some(t), true) => spans.push(Span::styled(
                pad(
                    &format!(
                        "{} {}",
                        theme.mark(t),
                        cut_path(theme, text, w.saturating_sub(2))
                    ),
                    w,
                    theme.ellipsis(),
                ),
                theme.traffic(t),
            )),
            _ => spans.push(Span::raw(cell(theme, text, w, num))),
        }
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected())
    } else {
        line
    }
}

/// A list screen's table: the header, then the rows that fit `height` lines with the
/// cursor's row in view (`empty` said when there are none); `mark` gives a row's colour.
#[allow(clippy::too_many_arguments)]
pub fn list(
    theme: &Theme,
    table: &Table,
    l: &Layout,
    cursor: &Cursor,
    height: usize,
    status_col: Option<usize>,
    mark: impl Fn(usize) -> Option<Traffic>,
    empty: &str,
) -> Vec<Line<'static>> {
    let mut lines = vec![header(theme, table, l)];
    if table.rows.is_empty() {
        lines.push(Line::styled(empty.to_string(), theme.dim()));
    }
    let rows = height.saturating_sub(1);
    let first = visible_offset(cursor.pos, cursor.offset, rows);
    for i in first..(first + rows).min(table.rows.len()) {
        lines.push(row(
            theme,
            table,
            l,
            i,
            mark(i),
            status_col,
            i == cursor.pos,
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_drop_the_named_columns_first() {
        let t = Table {
            title: String::new(),
            header: vec!["编号".into(), "单位".into(), "核定".into()],
            rows: vec![vec!["12".into(), "示例县教育局".into(), "40".into()]],
        };
        let wide = layout(&t, 80, &[0], None);
        assert_eq!(wide.cols, vec![(0, 4, true), (1, 12, false), (2, 4, true)]);
        let narrow = layout(&t, 14, &[0], None);
        assert_eq!(narrow.cols, vec![(1, 9, false), (2, 4, true)]);
    }
}
