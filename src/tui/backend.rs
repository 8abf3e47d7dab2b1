//! The terminal backend: crossterm's, with a leaner `draw`.
//!
//! ratatui's crossterm backend moves the cursor with an absolute `ESC[row;colH` (7–8
//! bytes) before any cell that does not follow the previous one by exactly one column.
//! After a double-width character the terminal's cursor is two columns on, so every
//! hanzi after the first costs a move: a row of changed names and unit paths writes
//! 11 bytes a character where 3 would do. Over a slow link that is most of what a
//! lookup keystroke costs.
//!
//! [`Lean`] keeps track of where the terminal's cursor is after each symbol it prints
//! and moves only when the next cell is elsewhere, with the shortest move that gets
//! there: none, `ESC[nC` along the row (or, when shorter, printing again the few cells
//! in between as the terminal already shows them), `ESC[nG` back along it,
//! `ESC[row;colH` else. A stretch of ten or more blanks is erased with one `ESC[nX`.
//! Where it cannot be sure where the cursor went (a symbol of several code points, an
//! emoji), it forgets the position and the next cell gets an absolute move, as before.
//! Styles are changed only when they differ; a removed attribute resets everything
//! once rather than undoing attributes one by one. Everything else is crossterm's
//! backend unchanged.

use std::io::{self, Write};

use crossterm::cursor::{MoveTo, MoveToColumn};
use crossterm::queue;
use crossterm::style::{Attribute, Print, SetAttribute, SetBackgroundColor, SetForegroundColor};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// A crossterm backend whose `draw` writes fewer bytes; see the module's text.
pub struct Lean<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, row by row, as far as this backend drew it (cells
    /// never drawn are blank, as after a clear). `None` after a partial clear, until
    /// the next full one: then nothing is assumed.
    shown: Shown,
}

impl<W: Write> Lean<W> {
    pub fn new(writer: W) -> Lean<W> {
        Lean {
            inner: CrosstermBackend::new(writer),
            shown: Shown(Some(Vec::new())),
        }
    }

    #[cfg(test)]
    fn writer(&self) -> &W {
        self.inner.writer()
    }
}

/// How many columns the terminal advances when it prints `symbol`, when that is
/// certain: one code point of width 1 or 2 outside the emoji planes, where terminals
/// and `unicode-width` agree.
fn sure_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() || (c as u32) >= 0x1F000 || c.is_control() {
        return None;
    }
    match symbol.width() {
        w @ (1 | 2) => Some(w as u16),
        _ => None,
    }
}

/// The text that draws again the cells `from..to` of `row` as they are, in the pen's
/// style, if it is at most `limit` bytes; `None` when one of them is in another style
/// or of uncertain width.
fn reprint(
    row: &[Cell],
    from: u16,
    to: u16,
    pen: &Pen,
    blank: &Cell,
    limit: usize,
) -> Option<String> {
    let mut text = String::new();
    let mut x = from;
    while x < to {
        if text.len() > limit {
            return None;
        }
        let cell = row.get(x as usize).unwrap_or(blank);
        if !pen.draws_like(cell) {
            return None;
        }
        let symbol = cell.symbol();
        x += sure_width(symbol)?;
        text.push_str(symbol);
    }
    (x == to).then_some(text)
}

/// The attributes crossterm can set, one per modifier bit.
const ATTRIBUTES: [(Modifier, Attribute); 9] = [
    (Modifier::BOLD, Attribute::Bold),
    (Modifier::DIM, Attribute::Dim),
    (Modifier::ITALIC, Attribute::Italic),
    (Modifier::UNDERLINED, Attribute::Underlined),
    (Modifier::SLOW_BLINK, Attribute::SlowBlink),
    (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    (Modifier::REVERSED, Attribute::Reverse),
    (Modifier::HIDDEN, Attribute::Hidden),
    (Modifier::CROSSED_OUT, Attribute::CrossedOut),
];

/// The style the terminal is in, as far as this frame's output has set it.
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    fn reset() -> Pen {
        Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
        }
    }

    fn is_reset(&self) -> bool {
        self.fg == Color::Reset && self.bg == Color::Reset && self.modifier.is_empty()
    }

    fn draws_like(&self, cell: &Cell) -> bool {
        cell.fg == self.fg && cell.bg == self.bg && cell.modifier == self.modifier
    }

    /// Brings the terminal to `cell`'s style with as few sequences as it can.
    fn take(&mut self, w: &mut impl Write, cell: &Cell) -> io::Result<()> {
        if cell.modifier != self.modifier {
            if !(self.modifier - cell.modifier).is_empty() {
                // Undoing attributes one by one has pitfalls (bold and dim share one
                // reset); resetting all is shorter in the common case anyway.
                queue!(w, SetAttribute(Attribute::Reset))?;
                *self = Pen::reset();
            }
            for (m, a) in ATTRIBUTES {
                if cell.modifier.contains(m) && !self.modifier.contains(m) {
                    queue!(w, SetAttribute(a))?;
                }
            }
            self.modifier = cell.modifier;
        }
        if cell.fg != self.fg {
            let c: crossterm::style::Color = cell.fg.into_crossterm();
            queue!(w, SetForegroundColor(c))?;
            self.fg = cell.fg;
        }
        if cell.bg != self.bg {
            let c: crossterm::style::Color = cell.bg.into_crossterm();
            queue!(w, SetBackgroundColor(c))?;
            self.bg = cell.bg;
        }
        Ok(())
    }
}

/// Blank cells in a row from which one erase (`ESC[nX` and the move past it) costs
/// fewer bytes than printing them.
const MIN_ERASE: u16 = 10;

/// What the terminal shows, row by row (see [`Lean`]).
struct Shown(Option<Vec<Vec<Cell>>>);

impl Shown {
    fn row(&self, y: u16) -> Option<&[Cell]> {
        self.0.as_ref()?.get(y as usize).map(Vec::as_slice)
    }

    /// Notes that `n` cells from `(x, y)` now show `cell`.
    fn remember(&mut self, x: u16, y: u16, n: u16, cell: &Cell) {
        let Some(shown) = self.0.as_mut() else {
            return;
        };
        let (x, y, n) = (x as usize, y as usize, n as usize);
        if shown.len() <= y {
            shown.resize_with(y + 1, Vec::new);
        }
        let row = &mut shown[y];
        if row.len() < x + n {
            row.resize(x + n, Cell::default());
        }
        row[x..x + n].fill(cell.clone());
    }

    /// How many of `cells` (from the first) are blanks in the default style on one
    /// row, with nothing but such blanks on the terminal between them; and the column
    /// after the last.
    fn blank_run(&self, cells: &[(u16, u16, &Cell)], blank: &Cell) -> (usize, u16) {
        let (x0, y, _) = cells[0];
        let row = self.row(y);
        let mut end = x0;
        let mut n = 0;
        for &(x, cy, cell) in cells {
            let between_blank =
                (end..x).all(|g| row.is_some_and(|r| r.get(g as usize).is_none_or(|c| c == blank)));
            if cy != y || cell != blank || !between_blank {
                break;
            }
            end = x + 1;
            n += 1;
        }
        // Blanks the terminal shows after the run go with it: among them may be the
        // second half of a wide character whose first half the run erases.
        let next = cells.get(n).filter(|c| c.1 == y).map_or(u16::MAX, |c| c.0);
        while end < next && row.and_then(|r| r.get(end as usize)) == Some(blank) {
            end += 1;
        }
        (n, end)
    }
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let blank = Cell::default();
        let shown = &mut self.shown;
        let w = self.inner.writer_mut();
        let mut pen = Pen::reset();
        // Where the terminal's cursor is, when known. After the last column it is
        // past the edge (the terminal waits to wrap): no cell on that row can follow,
        // and `ESC[nG` or an absolute move both land where they should.
        let mut at: Option<(u16, u16)> = None;
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        let mut i = 0;
        while i < cells.len() {
            let (x, y, cell) = cells[i];
            match at {
                Some(p) if p == (x, y) => {}
                Some((cx, cy)) if cy == y && x > cx => {
                    // Across a short gap, printing again what the terminal already
                    // shows there can be shorter than a move (`ESC[1C` is 4 bytes).
                    let step = format!("\x1b[{}C", x - cx);
                    match shown
                        .row(y)
                        .and_then(|r| reprint(r, cx, x, &pen, &blank, step.len()))
                    {
                        Some(text) if text.len() <= step.len() => queue!(w, Print(text))?,
                        _ => queue!(w, Print(step))?,
                    }
                }
                Some((_, cy)) if cy == y => queue!(w, MoveToColumn(x))?,
                _ => queue!(w, MoveTo(x, y))?,
            }
            pen.take(w, cell)?;
            // A long run of blanks (what was longer before) is erased with one
            // `ESC[nX`, which leaves the cursor where it is.
            let (run, end) = shown.blank_run(&cells[i..], &blank);
            if end - x >= MIN_ERASE {
                queue!(w, Print(format!("\x1b[{}X", end - x)))?;
                shown.remember(x, y, end - x, &blank);
                at = Some((x, y));
                i += run;
                continue;
            }
            let symbol = cell.symbol();
            queue!(w, Print(symbol))?;
            let width = sure_width(symbol);
            at = width.map(|n| (x.saturating_add(n), y));
            // The cells a wide character covers are not part of the diff: they are
            // blank to ratatui, and whatever was there before is gone.
            let n = width.unwrap_or_else(|| symbol.width().max(1) as u16);
            shown.remember(x, y, 1, cell);
            shown.remember(x + 1, y, n - 1, &blank);
            i += 1;
        }
        if !pen.is_reset() {
            queue!(w, SetAttribute(Attribute::Reset))?;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.shown = Shown(match clear_type {
            ClearType::All => Some(Vec::new()),
            _ => None,
        });
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    const W: u16 = 24;
    const H: u16 = 5;

    /// A frame: per row, a start column, text and style.
    type Frame = Vec<(u16, String, u8)>;

    fn style(code: u8) -> Style {
        match code % 5 {
            0 => Style::default(),
            1 => Style::default().add_modifier(Modifier::BOLD),
            2 => Style::default().fg(Color::Red),
            3 => Style::default()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            _ => Style::default().add_modifier(Modifier::REVERSED | Modifier::DIM),
        }
    }

    fn buffer(frame: &Frame) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, W, H));
        for (y, (x, text, st)) in frame.iter().enumerate().take(H as usize) {
            let x = (*x).min(W - 1);
            b.set_stringn(x, y as u16, text, (W - x) as usize, style(*st));
        }
        b
    }

    fn screen(bytes: &[u8]) -> vt100::Parser {
        let mut vt = vt100::Parser::new(H, W, 0);
        vt.process(bytes);
        vt
    }

    /// The text a terminal shows after `bytes` is `expected`'s, cell by cell.
    fn assert_text(bytes: &[u8], expected: &Buffer) {
        let vt = screen(bytes);
        for y in 0..H {
            for x in 0..W {
                let got = vt.screen().cell(y, x).expect("cell on screen");
                if got.is_wide_continuation() {
                    continue;
                }
                let text = match got.contents() {
                    "" => " ",
                    t => t,
                };
                assert_eq!(text, expected[(x, y)].symbol(), "text at ({x},{y})");
            }
        }
    }

    /// How a terminal shows a cell: text, colours, bold, reverse.
    fn look(c: &vt100::Cell) -> (String, vt100::Color, vt100::Color, bool, bool) {
        let text = match c.contents() {
            "" => " ",
            t => t,
        };
        (
            text.to_string(),
            c.fgcolor(),
            c.bgcolor(),
            c.bold(),
            c.inverse(),
        )
    }

    fn wanted(c: &Cell) -> (String, vt100::Color, vt100::Color, bool, bool) {
        let colour = |c: Color| match c {
            Color::Red => vt100::Color::Idx(1),
            Color::Blue => vt100::Color::Idx(4),
            Color::White => vt100::Color::Idx(15),
            _ => vt100::Color::Default,
        };
        (
            c.symbol().to_string(),
            colour(c.fg),
            colour(c.bg),
            c.modifier.contains(Modifier::BOLD),
            c.modifier.contains(Modifier::REVERSED),
        )
    }

    /// Every cell the terminal shows after the lean output looks as the frame wants
    /// it, except where crossterm's own backend leaves it wrong too: a narrow
    /// character drawn over half of a wide one leaves the other half's colours to the
    /// terminal. There the text must still be right.
    fn assert_faithful(lean: &[u8], stock: &[u8], expected: &Buffer) {
        let (a, b) = (screen(lean), screen(stock));
        for y in 0..H {
            for x in 0..W {
                let (p, q) = (
                    a.screen().cell(y, x).unwrap(),
                    b.screen().cell(y, x).unwrap(),
                );
                if p.is_wide_continuation() {
                    continue;
                }
                let want = wanted(&expected[(x, y)]);
                if look(q) == want {
                    assert_eq!(look(p), want, "cell ({x},{y})");
                } else {
                    assert_eq!(look(p).0, want.0, "text at ({x},{y})");
                }
            }
        }
    }

    fn frames() -> impl Strategy<Value = Vec<Frame>> {
        let row = (0u16..6, "[ab 张伟市教育局›·😀]{0,14}", 0u8..5);
        prop::collection::vec(prop::collection::vec(row, H as usize), 1..6)
    }

    proptest! {
        /// Through a terminal emulator, the lean output shows exactly the frames
        /// ratatui drew, after any sequence of frames, and never costs more bytes than
        /// crossterm's own backend.
        #[test]
        fn lean_output_draws_every_frame_exactly(seq in frames()) {
            let mut lean = Lean::new(Vec::new());
            let mut stock = CrosstermBackend::new(Vec::new());
            let mut prev = Buffer::empty(Rect::new(0, 0, W, H));
            for frame in &seq {
                let next = buffer(frame);
                lean.draw(prev.diff(&next).into_iter()).unwrap();
                stock.draw(prev.diff(&next).into_iter()).unwrap();
                assert_text(lean.writer(), &next);
                assert_faithful(lean.writer(), stock.writer(), &next);
                prev = next;
            }
            prop_assert!(lean.writer().len() <= stock.writer().len());
        }
    }

    #[test]
    fn a_row_of_hanzi_needs_no_moves_between_characters() {
        let prev = Buffer::empty(Rect::new(0, 0, W, H));
        let next = buffer(&vec![(2, "张伟市教育局".to_string(), 0)]);
        let mut lean = Lean::new(Vec::new());
        lean.draw(prev.diff(&next).into_iter()).unwrap();
        let out = String::from_utf8(lean.writer().clone()).unwrap();
        assert_eq!(out, "\u{1b}[1;3H张伟市教育局");
        assert_text(lean.writer(), &next);
    }

    #[test]
    fn a_cleared_stretch_is_erased_in_one_sequence() {
        let before = buffer(&vec![(0, "张伟市教育局教育局".to_string(), 0)]);
        let after = buffer(&vec![(0, "张".to_string(), 0)]);
        let mut lean = Lean::new(Vec::new());
        lean.draw(Buffer::empty(before.area).diff(&before).into_iter())
            .unwrap();
        let n = lean.writer().len();
        lean.draw(before.diff(&after).into_iter()).unwrap();
        let out = String::from_utf8(lean.writer()[n..].to_vec()).unwrap();
        assert_eq!(out, "\u{1b}[1;3H\u{1b}[16X");
        assert_text(lean.writer(), &after);
    }
}
