//! The interface on the real executor (`store::exec`): reader threads and a writer on a
//! cache file, results arriving later as actions. The test holds the results back, so
//! what the screen shows between a key and its data is seen deterministically.

use super::*;
use crate::store::exec::Executor;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Threaded {
    h: Harness,
    results: Receiver<Action>,
    _dir: tempfile::TempDir,
}

fn threaded(data: &Dataset) -> Threaded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let mut store = Store::create(&path).unwrap();
    store.replace_all(data).unwrap();
    drop(store);
    let (tx, results) = channel::<Action>();
    let tx = Mutex::new(tx);
    let exec = Executor::open(&path, false, 2, move |out: Vec<Action>| {
        for a in out {
            let _ = tx.lock().unwrap().send(a);
        }
    })
    .unwrap();
    // The harness's runtime with the threaded executor in place of the inline one.
    let mut h = harness_with(store_with(data), Lang::Zh, false, "default");
    h.rt.exec = exec;
    let mut t = Threaded {
        h,
        results,
        _dir: dir,
    };
    t.h.state.stack.clear();
    t
}

impl Threaded {
    /// Waits for results until `done` holds, dispatching each as the loop does.
    fn settle(&mut self, done: impl Fn(&State) -> bool) {
        while !done(&self.h.state) {
            let a = self
                .results
                .recv_timeout(Duration::from_secs(30))
                .expect("a result from the executor");
            self.h.act(a);
        }
    }
    /// Every result the executor sends within a short while.
    fn drain(&mut self) {
        while let Ok(a) = self.results.recv_timeout(Duration::from_millis(300)) {
            self.h.act(a);
        }
    }
    fn path(&self) -> std::path::PathBuf {
        self._dir.path().join("cache.db")
    }
}

fn top_is(s: &State, f: impl Fn(&View) -> bool) -> bool {
    s.stack.last().is_some_and(f)
}

#[test]
fn a_view_shows_loading_at_once_and_esc_leaves_before_its_data() {
    let mut t = threaded(&dataset());
    t.h.keys(&["<F2>"]);
    // The key is answered before any data: the inbox says it is loading.
    assert!(matches!(
        t.h.state.stack.last(),
        Some(View::Loading(super::super::action::ViewKey::Inbox))
    ));
    let text = t.h.text();
    assert!(
        text.contains("待审批事项") && text.contains("正在读取"),
        "{text}"
    );
    // Keys still work: Esc leaves, and the inbox read meanwhile is dropped.
    t.h.keys(&["<Esc>"]);
    assert!(t.h.state.stack.is_empty());
    t.drain();
    assert!(
        t.h.state.stack.is_empty(),
        "data for a view left is dropped"
    );

    // Asked again and waited for, it lands in place of its loading view.
    t.h.keys(&["<F2>"]);
    t.settle(|s| top_is(s, |v| matches!(v, View::Inbox(_))));
    assert_eq!(t.h.state.stack.len(), 1);
}

#[test]
fn a_newer_request_replaces_a_view_still_loading() {
    let mut t = threaded(&dataset());
    t.h.act(Action::Run(super::super::keymap::Cmd::Overview));
    t.h.act(Action::Run(super::super::keymap::Cmd::Warnings));
    assert_eq!(t.h.state.stack.len(), 1, "one view loading, the newest");
    t.settle(|s| top_is(s, |v| matches!(v, View::Screen(_))));
    t.drain();
    // Whatever arrived for the overview found nobody waiting for it.
    assert_eq!(t.h.state.stack.len(), 1);
    match t.h.state.stack.last() {
        Some(View::Screen(s)) => assert_eq!(
            s.request(),
            super::super::screens::ScreenRequest::Warnings {
                kind: None,
                lang: Lang::Zh,
            }
        ),
        _ => panic!("the warnings are in front"),
    }
}

#[test]
fn a_decision_goes_to_the_writer_and_changes_its_item_in_place() {
    let mut t = threaded(&super::inbox_tests::inbox_dataset());
    t.h.keys(&["<F2>"]);
    t.settle(|s| top_is(s, |v| matches!(v, View::Inbox(_))));
    let first = match t.h.state.stack.last() {
        Some(View::Inbox(v)) => v.selected().unwrap().request.id,
        _ => unreachable!(),
    };
    t.h.keys(&["a", "<Enter>", "<Enter>"]);
    let queued = |s: &State| match s.stack.last() {
        Some(View::Inbox(v)) => v.item(first).is_some_and(|i| {
            matches!(
                i.standing,
                crate::store::inbox::Standing::Queued(Decision::Approve)
            )
        }),
        _ => false,
    };
    t.settle(queued);
    // In the cache's outbox, seen from another connection: the writer committed it
    // (checking the outbox and audit tables only).
    let other = Store::open(&t.path()).unwrap();
    let rows = crate::store::outbox::entries(other.conn()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].approval_id, first);
    // The next open request is selected, as when the inbox was read again whole.
    match t.h.state.stack.last() {
        Some(View::Inbox(v)) => assert_ne!(v.selected().unwrap().request.id, first),
        _ => panic!("the inbox is in front"),
    }
}

#[test]
fn no_decision_into_a_cache_whose_full_check_failed() {
    let mut t = threaded(&super::inbox_tests::inbox_dataset());
    t.h.keys(&["<F2>"]);
    t.settle(|s| top_is(s, |v| matches!(v, View::Inbox(_))));
    t.h.act(Action::Checked(Err("完整性检查未通过".into())));
    t.h.keys(&["a", "<Enter>", "<Enter>"]);
    t.drain();
    let msg = t.h.state.message.clone().expect("a message");
    assert!(msg.error && msg.text.contains("bianzhi repair"), "{msg:?}");
    let other = Store::open(&t.path()).unwrap();
    assert!(
        crate::store::outbox::entries(other.conn())
            .unwrap()
            .is_empty()
    );
}
