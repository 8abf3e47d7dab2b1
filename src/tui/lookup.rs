//! Staff lookup (`/`): results update on every keystroke from the in-memory index
//! built in the background at start; a line editor shared with the command palette.

use super::keymap::Cmd;
use super::widgets::Cursor;
use crate::search::{EntryKind, Searcher};

/// Longest input kept, in characters: a paste of a whole document stops here.
pub const MAX_INPUT: usize = 60;

/// Pinyin initials (lower case) of a unit's name and of the names people say for it
/// (the search module's aliases: 教育局 for 青山县教育局, 县卫健委, 编办), for type-ahead
/// in the tree: `jyj` finds 青山县教育局 as the lookup does.
pub fn initials(name: &str, short: Option<&str>) -> Vec<String> {
    let mut out = vec![crate::search::unit_keys(name).initials().to_lowercase()];
    for alias in crate::search::unit_aliases(name, short) {
        let i = crate::search::unit_keys(&alias).initials().to_lowercase();
        if !i.is_empty() && !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// A one-line input. Text arrives as characters (an input method delivers composed
/// CJK text as characters or as a paste); control characters never enter it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    pub text: String,
}

impl Input {
    /// Appends text, newlines and tabs as spaces, up to [`MAX_INPUT`] characters.
    /// Returns whether anything changed.
    pub fn insert(&mut self, s: &str) -> bool {
        let mut n = self.text.chars().count();
        let before = self.text.len();
        for c in s.chars() {
            if n >= MAX_INPUT {
                break;
            }
            let c = if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            };
            if c.is_control() {
                continue;
            }
            self.text.push(c);
            n += 1;
        }
        self.text.len() != before
    }
    pub fn delete_char(&mut self) -> bool {
        self.text.pop().is_some()
    }
    pub fn clear(&mut self) -> bool {
        let had = !self.text.is_empty();
        self.text.clear();
        had
    }
}

/// One result as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub kind: EntryKind,
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub input: Input,
    /// The last query, kept when the lookup closes, is shown selected when it opens
    /// again: typing replaces it (as a browser's address bar), Backspace clears it,
    /// Enter and the arrows work on its results.
    pub selected: bool,
    pub hits: Vec<Found>,
    pub cursor: Cursor,
}

/// Results kept per query: more than a screen, few enough to copy cheaply.
pub const LIMIT: usize = 200;

/// Result rows shown at most: enough to choose among namesakes (more are a scroll
/// away), few enough that a keystroke which changes them all redraws under 1 KB (about
/// 70 bytes a row of hanzi), which over a slow link is what the next keystroke waits
/// for. 80x24 has room for 13.
pub const ROWS: u16 = 12;
/// Lines under the list that show the chosen result whole: a rule and two lines.
pub const PREVIEW: u16 = 3;

/// Heights in the lookup's box over a body of `body` rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    /// The box, borders included.
    pub height: u16,
    pub rows: u16,
    pub preview: u16,
}

impl Layout {
    pub fn new(body: u16) -> Layout {
        let inner = body.saturating_sub(2);
        // The input line and its rule, then the list; the preview only where the list
        // keeps a few rows beside it.
        let preview = if inner >= 2 + 4 + PREVIEW { PREVIEW } else { 0 };
        let rows = inner.saturating_sub(2 + preview).min(ROWS);
        Layout {
            height: (rows + preview + 4).min(body),
            rows,
            preview,
        }
    }
}

/// A unit path without its first step: every result is inside the jurisdiction the
/// title already names. A path of one step is kept.
pub fn within(path: &str) -> &str {
    path.split_once(" › ").map_or(path, |(_, rest)| rest)
}

impl SearchState {
    /// Runs the query again (after an edit, or once the index is ready).
    pub fn refresh(&mut self, searcher: Option<&mut Searcher>) {
        let Some(s) = searcher else {
            self.hits.clear();
            return;
        };
        let hits = s.query(self.input.text.trim(), LIMIT);
        let index = s.index();
        self.hits = hits
            .into_iter()
            .map(|h| {
                let e = index.entry(h.index);
                Found {
                    kind: e.kind,
                    id: e.id,
                    name: e.name.clone(),
                    unit: e.unit.to_string(),
                    detail: e.detail.to_string(),
                }
            })
            .collect();
        self.cursor = Cursor::default();
    }

    /// Handles a command of the `search` mode; `Some(found)` when one is chosen.
    pub fn handle(
        &mut self,
        cmd: Cmd,
        height: usize,
        searcher: Option<&mut Searcher>,
    ) -> Option<Found> {
        if std::mem::take(&mut self.selected) && cmd == Cmd::DeleteChar {
            if self.input.clear() {
                self.refresh(searcher);
            }
            return None;
        }
        match cmd {
            Cmd::DeleteChar => {
                if self.input.delete_char() {
                    self.refresh(searcher);
                }
            }
            Cmd::ClearInput => {
                if self.input.clear() {
                    self.refresh(searcher);
                }
            }
            Cmd::Open => return self.hits.get(self.cursor.pos).cloned(),
            other => {
                self.cursor.apply(other, self.hits.len(), height);
            }
        }
        None
    }

    pub fn type_text(&mut self, s: &str, searcher: Option<&mut Searcher>) {
        let replaced = std::mem::take(&mut self.selected) && self.input.clear();
        if self.input.insert(s) || replaced {
            self.refresh(searcher);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_caps_length_and_drops_control_characters() {
        let mut i = Input::default();
        i.insert("张\u{7}伟\n");
        assert_eq!(i.text, "张伟 ");
        i.insert(&"很".repeat(500));
        assert_eq!(i.text.chars().count(), MAX_INPUT);
        assert!(!i.insert("x"));
    }

    #[test]
    fn layout_fits_the_body_and_drops_the_preview_first() {
        for body in 0..60 {
            let l = Layout::new(body);
            assert!(l.height <= body, "{l:?} over a body of {body}");
            assert!(l.rows <= ROWS);
            if l.preview > 0 {
                assert!(l.rows >= 4, "{l:?}: the preview took the list's place");
            }
        }
        assert_eq!(
            Layout::new(21),
            Layout {
                height: 19,
                rows: 12,
                preview: PREVIEW
            }
        );
        assert_eq!(Layout::new(8).preview, 0);
    }

    #[test]
    fn paths_lose_only_the_jurisdiction() {
        assert_eq!(
            within("示例市 › 市卫健委 › 人民医院"),
            "市卫健委 › 人民医院"
        );
        assert_eq!(within("示例市"), "示例市");
    }
}
