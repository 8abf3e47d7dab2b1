//! Colours (the 16-colour palette only, or none with `NO_COLOR`) and symbols (Unicode
//! or plain ASCII with `--ascii`). Every colour has a text mark beside it, so a
//! monochrome console loses nothing.

use crate::model::Lang;
use crate::model::quota::Traffic;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    pub lang: Lang,
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// `NO_COLOR` (any value, per no-color.org) turns colour off.
    pub fn from_env(ascii: bool, lang: Lang) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color,
            ascii,
            lang,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }
    pub fn border_style(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan)
        } else {
            self.fg(Color::DarkGray)
        }
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn status_bar(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Black).fg(Color::White)
        } else {
            Style::new()
        }
    }
    pub fn badge(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn traffic(&self, t: Traffic) -> Style {
        match t {
            Traffic::Green => self.fg(Color::Green),
            Traffic::Amber => self.fg(Color::Yellow),
            Traffic::Red => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
    pub fn mark(&self, t: Traffic) -> &'static str {
        if self.ascii { t.ascii_mark() } else { t.mark() }
    }
    /// Tree arrows: expanded, collapsed, leaf.
    pub fn arrows(&self) -> (&'static str, &'static str, &'static str) {
        if self.ascii {
            ("- ", "+ ", "  ")
        } else {
            ("▾ ", "▸ ", "  ")
        }
    }
    pub fn sep(&self) -> &'static str {
        if self.ascii { " > " } else { " › " }
    }
    pub fn dot(&self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }
    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "..." } else { "…" }
    }
}
