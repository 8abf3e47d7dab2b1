//! Small shared pieces: a list cursor, width-aware text fitting (CJK characters take
//! two cells), bordered blocks in the current theme.

use super::keymap::Cmd;
use super::theme::Theme;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A position in a list and the first row shown. `update` keeps the position inside
/// the list and on screen; render only reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub pos: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves for a cursor command; returns whether it moved.
    pub fn apply(&mut self, cmd: Cmd, len: usize, height: usize) -> bool {
        let page = height.max(1);
        let last = len.saturating_sub(1);
        let pos = match cmd {
            Cmd::CursorDown => (self.pos + 1).min(last),
            Cmd::CursorUp => self.pos.saturating_sub(1),
            Cmd::CursorTop => 0,
            Cmd::CursorBottom => last,
            Cmd::PageDown => (self.pos + page).min(last),
            Cmd::PageUp => self.pos.saturating_sub(page),
            _ => return false,
        };
        let before = *self;
        self.set(pos, len, height);
        before != *self
    }

    /// After the list was read again: back on the row `key` names when it is still
    /// there (`keys` in the new list's order), else at the same place, within the list.
    /// Render brings the row into view.
    pub fn keep<K: PartialEq>(&mut self, key: Option<K>, keys: impl IntoIterator<Item = K>) {
        let mut len = 0;
        let mut found = None;
        for (i, k) in keys.into_iter().enumerate() {
            len = i + 1;
            if found.is_none() && key.as_ref() == Some(&k) {
                found = Some(i);
            }
        }
        self.pos = found.unwrap_or(self.pos).min(len.saturating_sub(1));
        self.offset = self.offset.min(self.pos);
    }

    pub fn set(&mut self, pos: usize, len: usize, height: usize) {
        let height = height.max(1);
        self.pos = pos.min(len.saturating_sub(1));
        if self.pos < self.offset {
            self.offset = self.pos;
        } else if self.pos >= self.offset + height {
            self.offset = self.pos + 1 - height;
        }
        let max_offset = len.saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}

/// Cuts `s` to at most `width` cells, ending with `…` when cut.
pub fn fit(s: &str, width: usize, ellipsis: &str) -> String {
    cut(s, width, ellipsis, false)
}

/// Cuts `s` to at most `width` cells from its start, beginning with `…` when cut: for
/// paths, whose last steps matter most.
pub fn fit_start(s: &str, width: usize, ellipsis: &str) -> String {
    cut(s, width, ellipsis, true)
}

fn cut(s: &str, width: usize, ellipsis: &str, at_start: bool) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let keep = |w| {
        if at_start {
            fit_end(s, w)
        } else {
            take_width(s, w)
        }
    };
    let ew = ellipsis.width();
    if width <= ew {
        return keep(width);
    }
    if at_start {
        format!("{ellipsis}{}", keep(width - ew))
    } else {
        format!("{}{ellipsis}", keep(width - ew))
    }
}

fn take_width(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            break;
        }
        w += cw;
        out.push(c);
    }
    out
}

/// The end of a long text, at most `width` cells (what was typed last stays visible).
pub fn fit_end(s: &str, width: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.into_iter().rev().collect()
}

/// The first row to show so that row `pos` is visible in `height` rows, moving as
/// little as possible from `offset` (render's correction of a cursor's offset).
pub fn visible_offset(pos: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if pos < offset {
        pos
    } else if pos >= offset + height {
        pos + 1 - height
    } else {
        offset
    }
}

/// `s` cut or padded with spaces to exactly `width` cells.
pub fn pad(s: &str, width: usize, ellipsis: &str) -> String {
    let mut out = fit(s, width, ellipsis);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// `s` right-aligned in `width` cells.
pub fn rpad(s: &str, width: usize) -> String {
    let w = s.width();
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

pub fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .border_style(theme.border_style(focused))
        .title(title.into().style(theme.title()))
}

/// A text field's value, `—` when empty.
pub fn text_or_dash(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".into())
}

/// A vocabulary label or a date, `—` when not recorded.
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

/// `label  value` lines, the labels padded to `width` cells (a record's fields).
pub fn fields(
    theme: &Theme,
    lang: crate::model::Lang,
    width: usize,
    rows: Vec<(super::i18n::M, String)>,
) -> Vec<Line<'static>> {
    rows.into_iter()
        .map(|(m, v)| field(theme, m.get(lang), width, v))
        .collect()
}

/// `label  value` with the label padded to `width` cells.
pub fn field<'a>(theme: &Theme, label: &str, width: usize, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(pad(label, width, theme.ellipsis()), theme.dim()),
        Span::raw(" "),
        Span::raw(value),
    ])
}

/// Clears `r` for a box drawn over the screen. A wide (CJK) character whose first cell
/// lies just left of the box would still cover the box's first column when the terminal
/// draws it (the diff skips the cell a wide character covers), so it goes too: nothing
/// of the screen below bleeds into the box's left border.
pub fn clear(f: &mut ratatui::Frame, r: ratatui::layout::Rect) {
    let buf = f.buffer_mut();
    let area = buf.area;
    let r = r.intersection(area);
    if r.x > area.x {
        for y in r.y..r.bottom() {
            let cell = &mut buf[(r.x - 1, y)];
            if cell.symbol().width() > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    f.render_widget(ratatui::widgets::Clear, r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_counts_double_width_characters() {
        assert_eq!(fit("示例市教育局", 7, "…"), "示例市…");
        assert_eq!(pad("教育", 6, "…"), "教育  ");
        assert_eq!(fit("abc", 3, "…"), "abc");
        assert_eq!(rpad("12", 4), "  12");
        assert_eq!(
            fit_start("示例市 › 市卫健委 › 人民医院", 10, "…"),
            "… 人民医院"
        );
        assert_eq!(fit_start("卫健委", 6, "…"), "卫健委");
        assert_eq!(fit_start("卫健委", 1, "…"), "");
    }

    #[test]
    fn cursor_stays_in_the_list_and_on_screen() {
        let mut c = Cursor::default();
        assert!(!c.apply(Cmd::CursorUp, 10, 3));
        c.apply(Cmd::CursorBottom, 10, 3);
        assert_eq!((c.pos, c.offset), (9, 7));
        c.apply(Cmd::PageUp, 10, 3);
        assert_eq!((c.pos, c.offset), (6, 6));
        c.set(50, 0, 3);
        assert_eq!((c.pos, c.offset), (0, 0));
    }

    #[test]
    fn a_reloaded_list_keeps_the_row_else_the_place() {
        let mut c = Cursor { pos: 2, offset: 1 };
        c.keep(Some('c'), "xabc".chars());
        assert_eq!(c.pos, 3, "the same row, moved down");
        c.keep(Some('z'), "ab".chars());
        assert_eq!(
            (c.pos, c.offset),
            (1, 1),
            "gone: the place, within the list"
        );
        assert_eq!(visible_offset(9, 0, 5), 5);
        assert_eq!(fit_end("示例县教育局", 6), "教育局");
    }
}
