//! The interface fed random input (issue 8): sequences of keys with any modifiers,
//! pastes of large, binary and control text, resizes down to nothing and ticks, each
//! followed by a render into a TestBackend of the current size. Nothing may panic, an
//! action chain must end, and no action (what the trace log prints) may carry an ID
//! number or a birth date.

use super::Runtime;
use super::action::{Action, Effect};
use super::keymap::Keymap;
use super::state::{State, update};
use super::theme::Theme;
use super::view;
use crate::model::Lang;
use crate::store::Store;
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::mpsc::unbounded_channel;

fn key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        4 => proptest::char::range('a', 'z').prop_map(KeyCode::Char),
        2 => prop::sample::select(vec![':', '/', '?', ' ', 'G', 'g', 'J', 'K', 'q', 'x', 'e', 'r', '1', '9'])
            .prop_map(KeyCode::Char),
        1 => any::<char>().prop_map(KeyCode::Char),
        1 => proptest::char::range('\u{4e00}', '\u{9fa5}').prop_map(KeyCode::Char),
        3 => prop::sample::select(vec![
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Backspace,
            KeyCode::Delete, KeyCode::Up, KeyCode::Down, KeyCode::Left, KeyCode::Right,
            KeyCode::Home, KeyCode::End, KeyCode::PageUp, KeyCode::PageDown, KeyCode::Insert,
        ]),
        1 => (1u8..=12).prop_map(KeyCode::F),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    ]);
    (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
}

fn action() -> impl Strategy<Value = Action> {
    let paste = prop_oneof![
        ".{0,40}",
        "[\\x00-\\x1f\\x7f]{0,40}",
        any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        (".{1,8}", 1000usize..20_000).prop_map(|(s, n)| s.repeat(n)),
    ];
    prop_oneof![
        20 => key().prop_map(Action::Key),
        2 => paste.prop_map(Action::Paste),
        2 => (0u16..240, 0u16..80).prop_map(|(w, h)| Action::Resize(w, h)),
        1 => (0i64..100_000).prop_map(|s| Action::Tick(
            chrono::Local.with_ymd_and_hms(2025, 3, 5, 10, 30, 0).unwrap() + chrono::TimeDelta::seconds(s),
        )),
    ]
}

/// The runtime's dispatch, less the effects that leave the process (an export writes a
/// file into the working directory; a sync needs a server).
fn dispatch(rt: &mut Runtime, s: &mut State, a: Action, secrets: &[String]) {
    let mut queue = VecDeque::from([a]);
    let mut steps = 0;
    while let Some(a) = queue.pop_front() {
        steps += 1;
        assert!(steps < 10_000, "an action chain that never ends");
        let logged = format!("{a:?}");
        if let Some(s) = secrets.iter().find(|s| logged.contains(s.as_str())) {
            panic!("an action's log line carries personal data {s}: {logged:.200}");
        }
        match a {
            Action::Effect(Effect::Export(_) | Effect::Sync) => {}
            Action::Effect(e) => {
                for (i, next) in rt.perform(s, e).into_iter().enumerate() {
                    queue.insert(i, next);
                }
            }
            other => {
                if let Some(next) = update(s, other) {
                    queue.push_front(next);
                }
            }
        }
    }
}

#[test]
fn random_keys_pastes_and_resizes_never_panic() {
    let data = super::tests::dataset();
    let mut secrets: Vec<String> = data.persons.iter().map(|p| p.id_number.clone()).collect();
    secrets.extend(
        data.persons
            .iter()
            .filter_map(|p| p.birth_date)
            .map(|d| d.format("%Y-%m-%d").to_string()),
    );
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let tried = std::cell::Cell::new((0usize, 0usize));
    let presets = prop::sample::select(vec!["default", "vim", "emacs"]);
    runner
        .run(
            &(
                presets,
                any::<bool>(),
                proptest::collection::vec(action(), 1..60),
            ),
            |(preset, read_only, actions)| {
                let mut store = Store::open_in_memory().unwrap();
                store.replace_all(&data).unwrap();
                let (sync_tx, _srx) = unbounded_channel();
                let theme = Theme {
                    color: true,
                    ascii: false,
                    lang: Lang::Zh,
                };
                let now = chrono::Local
                    .with_ymd_and_hms(2025, 3, 5, 10, 30, 0)
                    .unwrap();
                let km = Arc::new(Keymap::preset(preset).unwrap());
                let mut state = State::new(km, theme, read_only, (80, 24), now);
                let mut rt = Runtime {
                    exec: crate::store::exec::Executor::inline(store),
                    sync_tx,
                    lang: Lang::Zh,
                };
                dispatch(
                    &mut rt,
                    &mut state,
                    Action::Effect(Effect::LoadRoots),
                    &secrets,
                );
                let (mut w, mut h) = (80u16, 24u16);
                for a in actions {
                    if let Action::Resize(nw, nh) = a {
                        (w, h) = (nw, nh);
                    }
                    dispatch(&mut rt, &mut state, a, &secrets);
                    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                    t.draw(|f| view::render(&state, f)).unwrap();
                    let (cases, inputs) = tried.get();
                    tried.set((cases, inputs + 1));
                }
                let (cases, inputs) = tried.get();
                tried.set((cases + 1, inputs));
                Ok(())
            },
        )
        .unwrap();
    let (cases, inputs) = tried.get();
    println!("fuzz tui: {cases} sequences, {inputs} inputs, each rendered");
}
