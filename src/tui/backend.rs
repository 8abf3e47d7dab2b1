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
use crossterm::style::{Attribute, Print, SetAttribute};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// A crossterm backend whose `draw` writes fewer bytes; see the module's text.
pub struct Lean<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, row by row, as far as this backend drew it (cells
    /// never drawn are blank, as after a clear). `None` after a partial clear, until
    /// the next full one: then nothing is assumed.
    shown: Shown,
    /// Whether the terminal's cursor is hidden, when known: ratatui hides it before
    /// every frame, and saying it again costs six bytes a key.
    hidden: Option<bool>,
}

impl<W: Write> Lean<W> {
    pub fn new(writer: W) -> Lean<W> {
        Lean {
            inner: CrosstermBackend::new(writer),
            shown: Shown(Some(Vec::new())),
            hidden: None,
        }
    }

    #[cfg(test)]
    pub(crate) fn writer(&self) -> &W {
        self.inner.writer()
    }

    /// Writes `cells` (a diff from what the terminal shows) with the fewest bytes.
    fn paint(&mut self, cells: &[(u16, u16, &Cell)]) -> io::Result<()> {
        let blank = Cell::default();
        let shown = &mut self.shown;
        let w = self.inner.writer_mut();
        let mut pen = Pen::reset();
        // Where the terminal's cursor is, when known. After the last column it is
        // past the edge (the terminal waits to wrap): no cell on that row can follow,
        // and `ESC[nG` or an absolute move both land where they should.
        let mut at: Option<(u16, u16)> = None;
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
                shown.orphan(end, y);
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
            let orphaned = shown.orphan(x + n, y);
            shown.remember(x, y, 1, cell);
            shown.remember(x + 1, y, n - 1, &blank);
            i += 1;
            // The second half of a wide character this one cut: the terminal cleared
            // it in a style of its choosing; blank it as ratatui believes it is, unless
            // the next cell drawn is that one.
            let after = (x + n, y);
            if orphaned && cells.get(i).map(|c| (c.0, c.1)) != Some(after) {
                if at != Some(after) {
                    queue!(w, MoveTo(after.0, after.1))?;
                }
                pen.take(w, &blank)?;
                queue!(w, Print(" "))?;
                shown.remember(after.0, after.1, 1, &blank);
                at = Some((after.0 + 1, after.1));
            }
        }
        if !pen.is_reset() {
            queue!(w, SetAttribute(Attribute::Reset))?;
        }
        Ok(())
    }
}

/// How many columns the terminal advances when it prints `symbol`, when that is
/// certain: one code point of width 1 or 2 outside the emoji planes, where terminals
/// and `unicode-width` agree.
fn sure_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() || (c as u32) >= 0x1F000 || c.is_control() || symbol == UNKNOWN {
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

/// The modifiers, in the order of the SGR codes that set them (1 bold … 9 crossed out).
const ATTRIBUTES: [Modifier; 9] = [
    Modifier::BOLD,
    Modifier::DIM,
    Modifier::ITALIC,
    Modifier::UNDERLINED,
    Modifier::SLOW_BLINK,
    Modifier::RAPID_BLINK,
    Modifier::REVERSED,
    Modifier::HIDDEN,
    Modifier::CROSSED_OUT,
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

    /// Brings the terminal to `cell`'s style in one sequence, as short as it can be:
    /// the sixteen colours by their own codes (`97` rather than `38;5;15`), which
    /// every terminal and the Linux console know.
    fn take(&mut self, w: &mut impl Write, cell: &Cell) -> io::Result<()> {
        let mut params: Vec<String> = Vec::new();
        if cell.modifier != self.modifier {
            if !(self.modifier - cell.modifier).is_empty() {
                // Undoing attributes one by one has pitfalls (bold and dim share one
                // reset); resetting all is shorter in the common case anyway.
                params.push("0".into());
                *self = Pen::reset();
            }
            for (bit, m) in ATTRIBUTES.into_iter().enumerate() {
                if cell.modifier.contains(m) && !self.modifier.contains(m) {
                    params.push((bit + 1).to_string());
                }
            }
            self.modifier = cell.modifier;
        }
        if cell.fg != self.fg {
            params.push(sgr_colour(cell.fg, false));
            self.fg = cell.fg;
        }
        if cell.bg != self.bg {
            params.push(sgr_colour(cell.bg, true));
            self.bg = cell.bg;
        }
        if params.is_empty() {
            return Ok(());
        }
        queue!(w, Print(format!("\x1b[{}m", params.join(";"))))
    }
}

/// The parameters of SGR that set `colour` as the foreground, or the background.
fn sgr_colour(colour: Color, background: bool) -> String {
    let base = |n: u8| (if background { n + 10 } else { n }).to_string();
    let ext = if background { 48 } else { 38 };
    match colour {
        Color::Reset => base(39),
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(n) => format!("{ext};5;{n}"),
        Color::Rgb(r, g, b) => format!("{ext};2;{r};{g};{b}"),
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

    /// Before cells up to `x` (excluded) are written over: if `x` is the second half of
    /// a wide character that loses its first half, the terminal clears it as it sees
    /// fit, and it is no longer known.
    fn orphan(&mut self, x: u16, y: u16) -> bool {
        let Some(row) = self.0.as_mut().and_then(|s| s.get_mut(y as usize)) else {
            return false;
        };
        let x = x as usize;
        if x > 0 && x < row.len() && is_wide(row.get(x - 1)) {
            row[x] = unknown();
            return true;
        }
        false
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

/// Diffs smaller than this many cells are drawn as they are: a scroll could not pay.
const MIN_SCROLL_DIFF: usize = 40;

/// Farthest a scroll is looked for, in rows either way.
const MAX_SHIFT: usize = 8;

/// What a scroll must save, in cells, over its own sequences (about 20 bytes).
const MIN_SCROLL_GAIN: usize = 24;

/// A cell whose look on the terminal is not known: the second half of a wide
/// character whose first half was overwritten, which terminals clear each in their own
/// way. Nothing ratatui draws equals it, so a diff against it always draws the cell.
const UNKNOWN: &str = "\u{FFFF}";

fn unknown() -> Cell {
    let mut c = Cell::default();
    c.set_symbol(UNKNOWN);
    c
}

fn is_wide(cell: Option<&Cell>) -> bool {
    cell.is_some_and(|c| sure_width(c.symbol()) == Some(2))
}

/// Cells of `a` and `b` that differ (a row's cost to redraw, roughly in bytes).
fn cost(a: &[Cell], b: &[Cell]) -> usize {
    a.iter().zip(b).filter(|(p, q)| p != q).count()
}

/// The rows `a..=b` with the largest sum of `gain` (Kadane), with that sum.
fn best_run(gain: &[(usize, i64)]) -> Option<(usize, usize, i64)> {
    let mut best: Option<(usize, usize, i64)> = None;
    let mut run: Option<(usize, i64)> = None;
    for &(y, g) in gain {
        run = match run {
            Some((a, sum)) if sum > 0 => Some((a, sum + g)),
            _ => Some((y, g)),
        };
        if let Some((a, sum)) = run
            && best.is_none_or(|b| sum > b.2)
        {
            best = Some((a, y, sum));
        }
    }
    best.filter(|b| b.2 > 0)
}

/// The terminal's own scroll of rows `top..=bot` by `shift` rows (up when positive,
/// down when negative), the screen after it, and the frame to reach from there.
struct ScrollPlan {
    top: u16,
    bot: u16,
    shift: i32,
    /// The screen once scrolled, and the frame wanted, as buffers of one size.
    buffers: (Buffer, Buffer),
    /// The screen once scrolled, row by row (what [`Shown`] keeps).
    rows: Vec<Vec<Cell>>,
}

impl ScrollPlan {
    /// Sets the scroll region (DECSTBM), scrolls it with line feeds at its last row
    /// or reverse index (`ESC M`) at its first, as VT100s do, and resets the region.
    /// The style is the default here (every draw ends with a reset), so the rows
    /// brought in are blank in the default colours.
    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        queue!(w, Print(format!("\x1b[{};{}r", self.top + 1, self.bot + 1)))?;
        let n = self.shift.unsigned_abs() as usize;
        if self.shift > 0 {
            queue!(w, MoveTo(0, self.bot), Print("\n".repeat(n)))?;
        } else {
            queue!(w, MoveTo(0, self.top), Print("\x1bM".repeat(n)))?;
        }
        queue!(w, Print("\x1b[r"))
    }
}

impl Shown {
    /// A scroll of some rows that makes `cells` (a diff from what is shown) cheaper to
    /// draw, when there is one: the rows of a list that moved by a line or a few.
    /// Only whole rows move (terminals scroll the full width), so a row that moved on
    /// the left but not on the right pays for its right part in the diff that follows;
    /// the choice counts every cell.
    fn scroll_plan(&self, cells: &[(u16, u16, &Cell)]) -> Option<ScrollPlan> {
        let shown = self.0.as_ref()?;
        let blank = Cell::default();
        let width = cells
            .iter()
            .map(|c| c.0 as usize + 1)
            .chain(shown.iter().map(Vec::len))
            .max()?;
        let height = cells
            .iter()
            .map(|c| c.1 as usize + 1)
            .max()?
            .max(shown.len());
        if height < 3 || width > u16::MAX as usize || height > u16::MAX as usize {
            return None;
        }
        let blank_row = vec![blank.clone(); width];
        let cur: Vec<Vec<Cell>> = (0..height)
            .map(|y| {
                let mut r = shown.get(y).cloned().unwrap_or_default();
                r.resize(width, blank.clone());
                r
            })
            .collect();
        // The frame ratatui wants: what it drew last (an unknown cell is blank to it)
        // with the diff.
        let mut next = cur.clone();
        for c in next.iter_mut().flatten() {
            if c.symbol() == UNKNOWN {
                *c = blank.clone();
            }
        }
        for &(x, y, cell) in cells {
            let (x, y) = (x as usize, y as usize);
            let row = &mut next[y];
            row[x] = cell.clone();
            let n =
                sure_width(cell.symbol()).map_or_else(|| cell.symbol().width().max(1), usize::from);
            for c in row.iter_mut().skip(x + 1).take(n - 1) {
                *c = blank.clone();
            }
        }
        let plain: Vec<usize> = (0..height).map(|y| cost(&next[y], &cur[y])).collect();
        let mut best: Option<(usize, usize, usize, i32)> = None; // (saving, top, bot, shift)
        for k in 1..=MAX_SHIFT.min(height - 2) {
            for up in [true, false] {
                // Row y shows row `src(y)` of the screen after the scroll.
                let gain: Vec<(usize, i64)> = (0..height)
                    .filter_map(|y| {
                        let src = if up {
                            y.checked_add(k)?
                        } else {
                            y.checked_sub(k)?
                        };
                        let moved = cost(&next[y], cur.get(src)?);
                        Some((y, plain[y] as i64 - moved as i64))
                    })
                    .collect();
                let Some((a, b, _)) = best_run(&gain) else {
                    continue;
                };
                // The region also takes the k rows the scroll empties.
                let (top, bot) = if up { (a, b + k) } else { (a - k, b) };
                let before: usize = plain[top..=bot].iter().sum();
                let after: usize = (top..=bot)
                    .map(|y| {
                        let src = if up { y + k } else { y.wrapping_sub(k) };
                        let row = if (top..=bot).contains(&src) {
                            &cur[src]
                        } else {
                            &blank_row
                        };
                        cost(&next[y], row)
                    })
                    .sum();
                let saving = before.saturating_sub(after);
                let shift = if up { k as i32 } else { -(k as i32) };
                // Rows the scroll brings exactly as wanted, which a redraw would have
                // had to write: two rows that merely resemble each other (a cursor
                // moving down a row) do not make a scroll.
                let whole = (top..=bot)
                    .filter(|&y| {
                        let src = if up { y + k } else { y.wrapping_sub(k) };
                        plain[y] > 0 && (top..=bot).contains(&src) && next[y] == cur[src]
                    })
                    .count();
                if whole * 2 >= bot - top + 1 - k
                    && saving >= MIN_SCROLL_GAIN
                    && best.is_none_or(|b| saving > b.0)
                {
                    best = Some((saving, top, bot, shift));
                }
            }
        }
        let (_, top, bot, shift) = best?;
        // Where a symbol's width is uncertain (an emoji, several code points), what
        // the terminal shows around it may not be what is remembered: such rows are
        // not moved.
        let unsure = |row: &Vec<Cell>| {
            row.iter()
                .any(|c| c.symbol() != UNKNOWN && sure_width(c.symbol()).is_none())
        };
        if cur[top..=bot].iter().any(unsure) {
            return None;
        }
        let k = shift.unsigned_abs() as usize;
        let mut rows = cur.clone();
        for (y, row) in rows.iter_mut().enumerate().take(bot + 1).skip(top) {
            let src = if shift > 0 { y + k } else { y.wrapping_sub(k) };
            *row = if (top..=bot).contains(&src) {
                cur[src].clone()
            } else {
                blank_row.clone()
            };
        }
        let area = Rect::new(0, 0, width as u16, height as u16);
        let flat = |g: &[Vec<Cell>]| Buffer {
            area,
            content: g.iter().flatten().cloned().collect(),
        };
        Some(ScrollPlan {
            top: top as u16,
            bot: bot as u16,
            shift,
            buffers: (flat(&rows), flat(&next)),
            rows,
        })
    }
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        if cells.len() >= MIN_SCROLL_DIFF
            && let Some(plan) = self.shown.scroll_plan(&cells)
        {
            // The terminal moves the rows itself; only what the scroll did not bring
            // is drawn, as a diff from the scrolled screen to the frame.
            plan.write(self.inner.writer_mut())?;
            let (before, after) = plan.buffers;
            self.shown = Shown(Some(plan.rows));
            let rest = before.diff(&after);
            return self.paint(&rest);
        }
        self.paint(&cells)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.hidden == Some(true) {
            return Ok(());
        }
        self.hidden = Some(true);
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        if self.hidden == Some(false) {
            return Ok(());
        }
        self.hidden = Some(false);
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
        // After a clear (a resize, a return from the shell) nothing about the
        // terminal is assumed, its cursor included.
        self.hidden = None;
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

    fn screen_of(bytes: &[u8], w: u16, h: u16) -> vt100::Parser {
        let mut vt = vt100::Parser::new(h, w, 0);
        vt.process(bytes);
        vt
    }

    /// The text a terminal shows after `bytes` is `expected`'s, cell by cell.
    fn assert_text(bytes: &[u8], expected: &Buffer) {
        let (w, h) = (expected.area.width, expected.area.height);
        let vt = screen_of(bytes, w, h);
        for y in 0..h {
            for x in 0..w {
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
        let (w, h) = (expected.area.width, expected.area.height);
        let (a, b) = (screen_of(lean, w, h), screen_of(stock, w, h));
        for y in 0..h {
            for x in 0..w {
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

    /// A list screen of 40x13: a title naming the row under the cursor, a header, ten
    /// rows of `lines` from `offset` with the cursor's row reversed and, right of a
    /// bar, a column that does not scroll; a status row.
    fn list_frame(lines: &[String], offset: usize, cursor: usize) -> Buffer {
        let (w, h) = (40u16, 13u16);
        let mut b = Buffer::empty(Rect::new(0, 0, w, h));
        let pick = lines.get(cursor).map_or("", String::as_str);
        b.set_stringn(0, 0, format!("示例市 › {pick}"), w as usize, style(3));
        b.set_stringn(0, 1, "单位名称            │ 核定", w as usize, style(1));
        for row in 0..10u16 {
            let i = offset + row as usize;
            let Some(text) = lines.get(i) else { break };
            let st = if i == cursor { 4 } else { 0 };
            b.set_stringn(0, 2 + row, text, 20, style(st));
            b.set_stringn(20, 2 + row, format!("│ {}", (i * 7) % 13), 20, style(st));
        }
        b.set_stringn(
            0,
            h - 1,
            format!("{cursor}/{}", lines.len()),
            w as usize,
            style(2),
        );
        b
    }

    fn list_lines() -> Vec<String> {
        (0..60)
            .map(|i| match i % 4 {
                0 => format!("  ▸ 县教育局{i}"),
                1 => format!("    第{i}中学 张伟"),
                2 => format!("  · unit {i}"),
                _ => format!("    ▾ 卫生健康委员会{i}"),
            })
            .collect()
    }

    /// Draws each frame of `frames` through both backends, checking the lean one's
    /// screen against the frame after each; returns (lean bytes, stock bytes) per frame.
    fn run_frames(frames: &[Buffer]) -> Vec<(usize, usize)> {
        let mut lean = Lean::new(Vec::new());
        let mut stock = CrosstermBackend::new(Vec::new());
        let mut prev = Buffer::empty(frames[0].area);
        let mut sizes = Vec::new();
        for next in frames {
            let (l0, s0) = (lean.writer().len(), stock.writer().len());
            lean.draw(prev.diff(next).into_iter()).unwrap();
            stock.draw(prev.diff(next).into_iter()).unwrap();
            assert_text(lean.writer(), next);
            assert_faithful(lean.writer(), stock.writer(), next);
            sizes.push((lean.writer().len() - l0, stock.writer().len() - s0));
            prev = next.clone();
        }
        sizes
    }

    proptest! {
        /// A list scrolled by any steps up and down (a cursor moving through it, pages,
        /// jumps) shows exactly each frame through a terminal emulator: no row left
        /// stale by a scroll of the terminal's region.
        #[test]
        fn scrolled_lists_draw_every_frame_exactly(steps in prop::collection::vec(-12i32..12, 1..25)) {
            let lines = list_lines();
            let (mut cursor, mut offset) = (0usize, 0usize);
            let mut frames = vec![list_frame(&lines, offset, cursor)];
            for step in steps {
                cursor = (cursor as i32 + step).clamp(0, lines.len() as i32 - 1) as usize;
                if cursor < offset {
                    offset = cursor;
                } else if cursor >= offset + 10 {
                    offset = cursor - 9;
                }
                frames.push(list_frame(&lines, offset, cursor));
            }
            let sizes = run_frames(&frames);
            prop_assert!(sizes.iter().map(|s| s.0).sum::<usize>() <= sizes.iter().map(|s| s.1).sum::<usize>());
        }
    }

    #[test]
    fn a_list_scrolled_by_one_row_uses_the_scroll_region() {
        let lines = list_lines();
        // The cursor on the last row, then one further each way: the list scrolls.
        let frames = [
            list_frame(&lines, 0, 9),
            list_frame(&lines, 1, 10),
            list_frame(&lines, 2, 11),
            list_frame(&lines, 1, 1),
            list_frame(&lines, 0, 0),
        ];
        let sizes = run_frames(&frames);
        for (i, &(lean, stock)) in sizes.iter().enumerate().skip(1) {
            assert!(lean * 2 < stock, "frame {i}: {lean} B against {stock} B");
        }
        let mut lean = Lean::new(Vec::new());
        lean.draw(Buffer::empty(frames[0].area).diff(&frames[0]).into_iter())
            .unwrap();
        let n = lean.writer().len();
        lean.draw(frames[0].diff(&frames[1]).into_iter()).unwrap();
        let out = String::from_utf8_lossy(&lean.writer()[n..]).to_string();
        assert!(
            out.starts_with("\u{1b}[3;11r\u{1b}[11;1H\n\u{1b}[r"),
            "{out:?}"
        );
    }
}
