//! The `:` command palette: a command word (English or Chinese), an argument, and
//! completion of both (commands, unit names, panel names).

use super::action::UnitName;
use super::keymap::{Cmd, PALETTE};
use super::lookup::Input;
use super::panels::PANEL_NAMES;
use super::widgets::Cursor;
use crate::model::{Lang, OrgId};

/// What the palette asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Goto(OrgId),
    FindUnit(String),
    Panel(String),
    /// `:export [csv|xlsx] [directory or file]`
    Export(String),
    /// `:compare PATH`
    Compare(String),
    /// A command of the registry without an argument.
    Plain(Cmd),
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub hint: String,
    /// The input after accepting it.
    pub insert: String,
    pub target: Option<OrgId>,
}

#[derive(Debug, Clone, Default)]
pub struct PaletteState {
    pub input: Input,
    pub completions: Vec<Completion>,
    pub cursor: Cursor,
    /// The lookup's index, once built (the one engine for finding units).
    pub index: Option<std::sync::Arc<crate::search::SearchIndex>>,
}

impl PaletteState {
    /// Empty again, keeping the index.
    pub fn reset(&mut self) {
        *self = PaletteState {
            index: self.index.take(),
            ..PaletteState::default()
        };
    }
}

fn command(word: &str) -> Option<Cmd> {
    let w = word.trim();
    PALETTE
        .iter()
        .find(|c| c.0.eq_ignore_ascii_case(w) || c.1 == w || (w == "q" && c.2 == Cmd::Quit))
        .map(|c| c.2)
}

impl PaletteState {
    /// The completions for the text typed. With the lookup's index built, `:单位` finds
    /// units by the same engine as `/` and `bianzhi search` (full and short names, the
    /// names people say, initials), best first; before, names containing the text.
    pub fn refresh(&mut self, units: &[UnitName], lang: Lang) {
        let index = self.index.clone();
        let index = index.as_deref();
        self.cursor = Cursor::default();
        let text = self.input.text.trim_start();
        self.completions = match text.split_once(' ') {
            None => PALETTE
                .iter()
                .filter(|c| c.0.starts_with(&text.to_lowercase()) || c.1.starts_with(text))
                .map(|c| {
                    let word = if lang == Lang::Zh { c.1 } else { c.0 };
                    let takes_arg = matches!(
                        c.2,
                        Cmd::GotoUnit | Cmd::SwitchPanel | Cmd::Export | Cmd::Compare
                    );
                    Completion {
                        // Chinese shows both words (either may be typed); English its own.
                        label: match lang {
                            Lang::Zh => format!("{} ({})", c.0, c.1),
                            Lang::En => c.0.to_string(),
                        },
                        hint: c.2.describe(lang).to_string(),
                        insert: if takes_arg {
                            format!("{word} ")
                        } else {
                            word.to_string()
                        },
                        target: None,
                    }
                })
                .collect(),
            Some((word, arg)) => {
                let arg = arg.trim();
                match command(word) {
                    Some(Cmd::GotoUnit) if !arg.is_empty() && index.is_some() => {
                        let index = index.expect("checked");
                        let by_id: std::collections::HashMap<i64, &UnitName> =
                            units.iter().map(|u| (u.0, u)).collect();
                        crate::search::search(index, arg, 400)
                            .into_iter()
                            .map(|h| index.entry(h.index))
                            .filter(|e| e.kind == crate::search::EntryKind::Org)
                            .filter_map(|e| by_id.get(&e.id))
                            .take(50)
                            .map(|(id, n, s)| Completion {
                                label: n.clone(),
                                hint: s.clone().unwrap_or_default(),
                                insert: format!("{word} {n}"),
                                target: Some(*id),
                            })
                            .collect()
                    }
                    Some(Cmd::GotoUnit) if !arg.is_empty() => {
                        let mut found: Vec<&UnitName> = units
                            .iter()
                            .filter(|(_, n, s)| {
                                n.contains(arg) || s.as_deref().is_some_and(|s| s.contains(arg))
                            })
                            .collect();
                        // Exact names first, then the shortest (the most general) names.
                        found.sort_by_key(|(_, n, s)| {
                            (!(n == arg || s.as_deref() == Some(arg)), n.chars().count())
                        });
                        found
                            .into_iter()
                            .take(50)
                            .map(|(id, n, s)| Completion {
                                label: n.clone(),
                                hint: s.clone().unwrap_or_default(),
                                insert: format!("{word} {n}"),
                                target: Some(*id),
                            })
                            .collect()
                    }
                    Some(Cmd::SwitchPanel) => PANEL_NAMES
                        .iter()
                        .filter(|(zh, en)| {
                            arg.is_empty()
                                || zh.starts_with(arg)
                                || en.starts_with(&arg.to_lowercase())
                        })
                        .map(|(zh, en)| Completion {
                            label: format!("{en} ({zh})"),
                            hint: String::new(),
                            insert: format!("{word} {}", if lang == Lang::Zh { zh } else { en }),
                            target: None,
                        })
                        .collect(),
                    _ => Vec::new(),
                }
            }
        };
    }

    pub fn type_text(&mut self, s: &str, units: &[UnitName], lang: Lang) {
        if self.input.insert(s) {
            self.refresh(units, lang);
        }
    }

    /// A command of the `palette` mode; `Some` when the palette is done.
    pub fn handle(&mut self, cmd: Cmd, units: &[UnitName], lang: Lang) -> Option<Run> {
        match cmd {
            Cmd::DeleteChar => {
                self.input.delete_char();
                self.refresh(units, lang);
            }
            Cmd::ClearInput => {
                self.input.clear();
                self.refresh(units, lang);
            }
            Cmd::Complete => {
                if let Some(c) = self.completions.get(self.cursor.pos) {
                    self.input.text = c.insert.clone();
                    self.refresh(units, lang);
                }
            }
            Cmd::Open => return Some(self.run()),
            other => {
                self.cursor.apply(other, self.completions.len(), 8);
            }
        }
        None
    }

    fn run(&self) -> Run {
        let text = self.input.text.trim();
        let (word, arg) = text
            .split_once(' ')
            .map_or((text, ""), |(w, a)| (w, a.trim()));
        let selected = self.completions.get(self.cursor.pos);
        let Some(cmd) = command(word).or_else(|| selected.and_then(|c| command(c.insert.trim())))
        else {
            return Run::Unknown(text.to_string());
        };
        match cmd {
            Cmd::GotoUnit => match selected.and_then(|c| c.target) {
                Some(id) => Run::Goto(id),
                None if arg.is_empty() => Run::Unknown(text.to_string()),
                None => Run::FindUnit(arg.to_string()),
            },
            Cmd::SwitchPanel => Run::Panel(arg.to_string()),
            Cmd::Export if !arg.is_empty() => Run::Export(arg.to_string()),
            // The path as typed, inner spaces kept.
            Cmd::Compare if !arg.is_empty() => Run::Compare(arg.to_string()),
            other => Run::Plain(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<UnitName> {
        vec![
            (1, "示例市".into(), None),
            (2, "示例市教育局".into(), Some("教育局".into())),
            (3, "示例市教育局办公室".into(), None),
        ]
    }

    #[test]
    fn completes_commands_then_units() {
        let mut p = PaletteState::default();
        let u = units();
        p.type_text("un", &u, Lang::Zh);
        assert_eq!(p.completions.len(), 1);
        p.handle(Cmd::Complete, &u, Lang::Zh);
        assert_eq!(p.input.text, "单位 ");
        p.type_text("教育", &u, Lang::Zh);
        assert_eq!(p.completions[0].target, Some(2), "{:?}", p.completions);
        p.handle(Cmd::CursorDown, &u, Lang::Zh);
        assert_eq!(p.handle(Cmd::Open, &u, Lang::Zh), Some(Run::Goto(3)));
    }

    #[test]
    fn runs_plain_commands_in_either_language() {
        let u = units();
        for text in ["quit", "退出", "q"] {
            let mut p = PaletteState::default();
            p.type_text(text, &u, Lang::Zh);
            assert_eq!(
                p.handle(Cmd::Open, &u, Lang::Zh),
                Some(Run::Plain(Cmd::Quit)),
                "{text}"
            );
        }
        let mut p = PaletteState::default();
        p.type_text("fly", &u, Lang::Zh);
        assert_eq!(
            p.handle(Cmd::Open, &u, Lang::Zh),
            Some(Run::Unknown("fly".into()))
        );
        let mut p = PaletteState::default();
        p.type_text("unit 不存在的单位", &[], Lang::Zh);
        assert_eq!(
            p.handle(Cmd::Open, &[], Lang::Zh),
            Some(Run::FindUnit("不存在的单位".into()))
        );
    }
}
