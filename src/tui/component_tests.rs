//! One component shape (issue 13, item 5): on every screen, in every preset keymap,
//! each command the component in front offers can be reached (a key in the mode in
//! force, or a palette word) and is in help; the hint line lists only commands the
//! screen answers, each with its key.

use super::inbox_tests::inbox_dataset;
use super::*;
use crate::tui::component::{APP_COMMANDS, LIST_MOVES};
use crate::tui::keymap::{Cmd, Mode, PALETTE, PRESETS};

/// What is wrong with the screen in front, one line per fault.
fn faults(h: &Harness, screen: &str) -> Vec<String> {
    let s = &h.state;
    let mode = s.mode();
    let lang = s.theme.lang;
    let offered = s.commands_now();
    let help_rows = s.keymap.rows(lang);
    let in_help = |c: Cmd| {
        help_rows.iter().any(|(m, _, name, _)| {
            *name == c.name() && (*m == mode || (mode.falls_back_to_global() && *m == Mode::Global))
        }) || PALETTE.iter().any(|p| p.2 == c)
    };
    let mut out = Vec::new();
    for &c in &offered {
        let reachable = s.keymap.key_for(mode, c).is_some() || c.palette_word(lang).is_some();
        if !reachable {
            out.push(format!(
                "{screen}: {} has no key and no palette word",
                c.name()
            ));
        }
        if !in_help(c) {
            out.push(format!("{screen}: {} is not in help", c.name()));
        }
    }
    for c in crate::tui::view::hinted(s) {
        if !offered.contains(&c) && !APP_COMMANDS.contains(&c) {
            out.push(format!(
                "{screen}: the hint line offers {} which the screen does not answer",
                c.name()
            ));
        }
        if s.keymap.key_for(mode, c).is_none() {
            out.push(format!("{screen}: hint {} without a key", c.name()));
        }
    }
    out
}

fn walk(preset: &str) -> (Vec<String>, usize) {
    let data = inbox_dataset();
    let mut h = harness_with(store_with(&data), Lang::Zh, false, preset);
    h.index();
    let mut bad = Vec::new();
    let mut seen = 0;
    let mut at = |h: &Harness, screen: &str| {
        bad.extend(faults(h, &format!("{preset} {screen}")));
        seen += 1;
    };
    at(&h, "tree");
    h.act(Action::Effect(Effect::LoadUnit(2)));
    for tab in 1..=5u8 {
        h.act(Action::Run(Cmd::Tab(tab)));
        at(&h, &format!("unit tab {tab}"));
    }
    h.act(Action::Run(Cmd::FilterDates));
    at(&h, "history date prompt");
    h.act(Action::Run(Cmd::Close));
    h.act(Action::Effect(Effect::LoadPerson(1)));
    at(&h, "person");
    h.act(Action::Run(Cmd::Tab(2)));
    at(&h, "person career");
    h.act(Action::Run(Cmd::EditPerson));
    at(&h, "form");
    h.state.stack.pop();
    for cmd in [
        Cmd::Overview,
        Cmd::Warnings,
        Cmd::Reports,
        Cmd::Forecast,
        Cmd::AuditLog,
        Cmd::Inbox,
    ] {
        h.act(Action::Run(cmd));
        at(&h, cmd.name());
    }
    h.act(Action::Run(Cmd::Open));
    at(&h, "request");
    h.act(Action::Run(Cmd::Approve));
    at(&h, "decision dialog");
    for cmd in [Cmd::Search, Cmd::Palette, Cmd::Help] {
        h.state.stack.clear();
        h.act(Action::Run(cmd));
        at(&h, cmd.name());
        h.state.overlay = None;
    }
    (bad, seen)
}

#[test]
fn every_offered_command_has_a_key_or_a_palette_word_and_is_in_help() {
    for (preset, _) in PRESETS {
        let (bad, seen) = walk(preset);
        assert!(seen >= 18, "{preset}: {seen} screens");
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}

#[test]
fn the_hint_line_offers_only_what_the_screen_answers() {
    let mut h = harness_with(store_with(&inbox_dataset()), Lang::Zh, false, "default");
    // The forecast is a list to read: it opens nothing and has no panels.
    h.act(Action::Run(Cmd::Forecast));
    let hinted = crate::tui::view::hinted(&h.state);
    assert!(
        !hinted.contains(&Cmd::Open) && !hinted.contains(&Cmd::NextPanel),
        "{hinted:?}"
    );
    // The inbox offers withdrawing a queued decision, and says so.
    h.state.stack.clear();
    h.act(Action::Run(Cmd::Inbox));
    let hinted = crate::tui::view::hinted(&h.state);
    assert!(hinted.contains(&Cmd::Approve), "{hinted:?}");
    assert!(hinted.contains(&Cmd::Withdraw), "{hinted:?}");
    // No list move crowds the line.
    assert!(!hinted.iter().any(|c| LIST_MOVES.contains(c)), "{hinted:?}");
}

#[test]
fn the_palette_runs_what_the_registry_describes() {
    for (en, zh, cmd) in PALETTE {
        assert_eq!(cmd.palette_word(Lang::En), Some(*en));
        assert_eq!(cmd.palette_word(Lang::Zh), Some(*zh));
        assert_eq!(Cmd::parse(cmd.name()), Some(*cmd), "{en}: in the registry");
        assert!(!cmd.describe(Lang::En).is_empty());
    }
}
