//! Issue 14, items 2–4: every sync outcome seen, nothing decisive cut, keys that do
//! what they show. `update` driven by keys over a real in-memory cache, and snapshots.

use super::inbox_tests::inbox_dataset;
use super::*;
use crate::store::outbox;

fn inbox_h() -> Harness {
    let mut h = harness_with(store_with(&inbox_dataset()), Lang::Zh, false, "default");
    h.index();
    h
}

// ---- 2. every sync outcome is seen -------------------------------------------------

#[test]
fn f5_with_the_server_unreachable_says_why_and_for_how_long() {
    let mut h = harness();
    h.state.status.last_sync = Some((h.state.now - chrono::Duration::hours(3)).fixed_offset());
    h.state.online = Some(false);
    h.keys(&["<F5>"]);
    h.act(Action::SyncFinished(Err(SyncFailure::Offline(
        "连接被拒绝或网络不通".into(),
    ))));
    let m = h.state.message.clone().expect("a note");
    assert!(m.error);
    assert_eq!(
        m.text,
        "无法连接服务器（连接被拒绝或网络不通），数据已 3 小时未同步"
    );
    // Never synced: said so.
    h.state.message = None;
    h.state.status.last_sync = None;
    h.keys(&["<F5>"]);
    h.act(Action::SyncFinished(Err(SyncFailure::Offline(
        "连接超时".into(),
    ))));
    let text = h.text();
    assert!(
        text.contains("无法连接服务器（连接超时），数据从未同步"),
        "{text}"
    );
}

#[test]
fn a_refused_decision_stays_flagged_until_its_list_is_opened() {
    let mut h = inbox_h();
    let id = outbox::queue(h.rt.store(), 2, Decision::Approve, "同意").unwrap();
    outbox::record_answers(
        h.rt.store().conn(),
        [outbox::Answer {
            client_id: &id,
            accepted: false,
            reason: Some("超出可使用编制：申请2名，可使用0名"),
            outcome: None,
        }],
    )
    .unwrap();
    h.act(Action::Effect(Effect::LoadStatus));
    assert_eq!(h.state.status.unseen_refusals, 1);
    let text = h.text();
    let status = text.lines().nth(22).unwrap();
    assert!(status.contains("被拒绝 1 <F6>"), "{status}");
    // Still there after other work.
    h.keys(&["<Down>", "<Enter>", "<Esc>"]);
    h.act(Action::Effect(Effect::LoadStatus));
    assert!(h.text().contains("被拒绝 1"));
    h.keys(&["<F6>"]);
    assert_eq!(h.state.overlay, Some(Overlay::Refusals));
    let text = h.text();
    assert!(
        text.contains("[新] 申请 2 同意：超出可使用编制：申请2名，可使用0名"),
        "{text}"
    );
    assert_eq!(
        outbox::unseen_refusals(h.rt.store().conn()).unwrap(),
        0,
        "seen once the list opened"
    );
    h.keys(&["<Esc>"]);
    h.act(Action::Effect(Effect::LoadStatus));
    assert!(!h.text().contains("被拒绝"));
    // The list stays one key away, the reason with it.
    h.keys(&["<F6>"]);
    assert!(h.text().contains("申请 2 同意：超出可使用编制"));
}

#[test]
fn q_with_unsent_decisions_asks_and_offers_to_sync_first() {
    let mut h = inbox_h();
    outbox::queue(h.rt.store(), 2, Decision::Approve, "同意").unwrap();
    outbox::queue(h.rt.store(), 1, Decision::Reject, "不同意").unwrap();
    h.act(Action::Effect(Effect::LoadStatus));
    h.keys(&["q"]);
    assert!(!h.state.quit);
    let text = h.text();
    assert!(
        text.contains("还有 2 项决定未发送") && text.contains("y 先同步再退出"),
        "{text}"
    );
    h.keys(&["<Esc>"]);
    assert!(!h.state.quit && h.state.overlay.is_none(), "Esc stays");
    h.keys(&["q", "x"]);
    assert!(!h.state.quit, "other keys wait for an answer");
    h.keys(&["y"]);
    assert!(!h.state.quit, "syncs first");
    h.act(Action::SyncStarted);
    h.act(Action::SyncFinished(Err(SyncFailure::Offline(
        "连接被拒绝或网络不通".into(),
    ))));
    assert!(!h.state.quit, "a sync that failed does not quit");
    assert!(
        h.state.message.as_ref().unwrap().text.contains("未退出"),
        "{:?}",
        h.state.message
    );
    h.keys(&["q", "y"]);
    h.act(Action::SyncStarted);
    h.act(Action::SyncFinished(Ok(String::new())));
    assert!(h.state.quit, "quits once the sync has finished");

    let mut h = inbox_h();
    outbox::queue(h.rt.store(), 2, Decision::Approve, "同意").unwrap();
    h.act(Action::Effect(Effect::LoadStatus));
    h.keys(&["q", "n"]);
    assert!(h.state.quit, "n quits anyway");
}

// ---- 3. nothing decisive is cut ----------------------------------------------------

#[test]
fn the_decision_dialog_clears_wide_characters_under_its_border() {
    let mut h = inbox_h();
    h.keys(&["<F2>", "a", "<Enter>"]);
    h.state.status.last_sync = None;
    // 88 columns: the dialog (72 wide, centred) starts at column 8, right after the
    // first character of the 类别 column (columns 7-8, an odd offset).
    for w in [88u16, 89, 81] {
        let t = h.screen(w, 24);
        // What the terminal was sent: a cell a wide character covers is never sent.
        let buf = t.backend().buffer();
        let text = t.backend().to_string();
        let top = text
            .lines()
            .position(|l| l.contains("确认：同意 申请 2"))
            .unwrap_or_else(|| panic!("the dialog:\n{text}")) as u16;
        let left = (w - 72) / 2;
        let mut y = top;
        loop {
            let edge = buf[(left, y)].symbol();
            assert!(
                ["┌", "│", "└"].contains(&edge),
                "at {w} columns, row {y}: the dialog's border is covered ({edge:?}):\n{text}"
            );
            if edge == "└" {
                break;
            }
            y += 1;
        }
    }
    snap("ui14_dialog_over_wide_text", &h, 88, 24);
}

#[test]
fn the_inbox_effect_column_shows_its_warning_whole_at_80_columns() {
    let mut h = inbox_h();
    h.keys(&["<F2>"]);
    let text = h.text();
    // 县财政局 is full: its plan for 2 places is frozen (and overdraws: one more).
    let row = text
        .lines()
        .find(|l| l.contains("用编计划") && l.contains("2名"))
        .unwrap();
    assert!(row.contains("⚠ 满编冻结 +1"), "{row}");
    assert!(!row.contains('…'), "nothing cut: {row}");
}

#[test]
fn the_inbox_uses_a_wide_screen() {
    let mut h = inbox_h();
    h.keys(&["<F2>"]);
    let t = h.screen(200, 30);
    let text = t.backend().to_string();
    let row = text
        .lines()
        .find(|l| l.contains("增人入编") && l.contains("赵新"))
        .unwrap();
    assert!(
        row.contains("示例县教育局") || row.contains("县教育局"),
        "{row}"
    );
    assert!(!row.contains('…'), "{row}");
}

#[test]
fn a_narrow_tree_shows_vacant_and_over_side_by_side_and_says_what_red_is_for() {
    let h = harness();
    let t = h.screen(60, 16);
    let text = t.backend().to_string();
    assert!(text.contains("空编") && text.contains("超编"), "{text}");
    assert!(
        !text.lines().any(|l| l.contains(" -")),
        "no negative figure: {text}"
    );
    snap("ui14_tree_60x16", &h, 60, 16);
    // A red mark carries its word wherever it shows.
    let wide = h.text();
    for l in wide.lines().filter(|l| l.contains('●')) {
        assert!(
            l.contains("超编●") || l.contains("超职数●") || l.contains("超编超职●"),
            "{l}"
        );
    }
}

#[test]
fn the_legend_is_one_key_away_and_in_help() {
    let mut h = harness();
    h.keys(&["<F7>"]);
    assert_eq!(h.state.overlay, Some(Overlay::Help));
    let text = h.text();
    assert!(
        text.contains("[标记图例]") && text.contains("超编● 超职数●"),
        "{text}"
    );
    h.keys(&["<Esc>", "?"]);
    assert!(h.text().contains("[全局]") || h.text().contains("[机构树]"));
}

#[test]
fn paths_in_lists_are_cut_from_the_left() {
    let theme = Theme {
        color: false,
        ascii: false,
        lang: Lang::Zh,
    };
    let t = crate::report::Table {
        title: String::new(),
        header: vec!["编号".into(), "单位".into()],
        rows: vec![vec![
            "1".into(),
            "示例县 › 示例县教育局 › 示例县第一中学".into(),
        ]],
    };
    let l = super::super::screens::grid::layout(&t, 20, &[], None);
    let line = super::super::screens::grid::row(&theme, &t, &l, 0, None, None, false);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(text.contains("…") && text.contains("第一中学"), "{text}");
}

// ---- 4. keys do what they show -----------------------------------------------------

#[test]
fn tab_digits_switch_panels() {
    let mut h = harness();
    h.keys(&["<Down>", "<Enter>"]);
    assert!(h.text().contains(" 4 人员 "));
    h.keys(&["4"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!("unit view")
    };
    assert_eq!(v.tab, 3);
    h.keys(&["2"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!("unit view")
    };
    assert_eq!(v.tab, 1);
}

#[test]
fn help_pages_ends_and_opens_at_the_screen_in_front() {
    let mut h = harness();
    h.keys(&["<Down>", "<Enter>", "?"]);
    let index = super::super::view::help_index(&h.state);
    let unit = index.section(super::super::keymap::Mode::Unit);
    assert!(unit > 0);
    assert_eq!(h.state.help.pos, unit, "opens at the unit's keys");
    assert!(h.text().lines().nth(2).unwrap().contains("[单位]"));
    let page = super::super::view::help_height(&h.state);
    h.keys(&["<Home>"]);
    assert_eq!(h.state.help.pos, 0);
    h.keys(&["<PageDown>"]);
    assert_eq!(h.state.help.pos, page, "a page");
    h.keys(&["<C-d>"]);
    assert_eq!(h.state.help.pos, 2 * page);
    h.keys(&["<C-u>"]);
    assert_eq!(h.state.help.pos, page);
    h.keys(&["<PageUp>"]);
    assert_eq!(h.state.help.pos, 0);
    h.keys(&["<End>"]);
    assert_eq!(
        h.state.help.pos,
        index.len - page,
        "the end on the last row"
    );
    let text = h.text();
    assert!(text.contains("warnings / 预警"), "{text}");
}

#[test]
fn the_lookup_reopens_with_the_old_query_selected_and_typing_replaces_it() {
    let mut h = harness();
    h.keys(&["/"]);
    h.type_text("王芳");
    assert!(!h.state.search.hits.is_empty());
    h.keys(&["<Esc>", "/"]);
    assert!(h.state.search.selected);
    assert_eq!(h.state.search.input.text, "王芳");
    h.type_text("caizheng");
    assert_eq!(h.state.search.input.text, "caizheng");
    h.keys(&["<Esc>", "/", "<Backspace>"]);
    assert_eq!(
        h.state.search.input.text, "",
        "Backspace clears the old query"
    );
    assert_eq!(h.state.overlay, Some(Overlay::Search));
}

#[test]
fn type_ahead_knows_the_initials_of_the_names_people_say() {
    let mut h = harness();
    // 示例县教育局 is said 教育局: jyj, not only slxjyj.
    h.type_text("jyj");
    assert_eq!(h.selected_name(), "示例县教育局");
    h.keys(&["?"]);
    let index = super::super::view::help_index(&h.state);
    let lines: Vec<String> = super::super::view::help_lines(&h.state)
        .iter()
        .map(|l| l.to_string())
        .collect();
    let tree = index.section(super::super::keymap::Mode::Tree);
    assert!(
        lines[tree..]
            .iter()
            .any(|l| l.contains("拼音首字母（如 jyj）")),
        "type-ahead is in help: {lines:?}"
    );
}

#[test]
fn the_palettes_unit_search_is_the_lookup_engine() {
    let mut h = harness();
    h.index();
    // Initials and the name people say: neither is a substring of the full name.
    for typed in ["单位 jyj", "单位 教育局"] {
        h.keys(&[":"]);
        h.type_text(typed);
        let first = h.state.palette.completions.first().map(|c| c.label.clone());
        assert_eq!(first.as_deref(), Some("示例县教育局"), "{typed}");
        h.keys(&["<Enter>"]);
        let Some(View::Unit(v)) = h.state.stack.last() else {
            panic!("unit view for {typed}")
        };
        assert_eq!(v.data.org.name, "示例县教育局");
        h.keys(&["<Esc>"]);
    }
}

#[test]
fn a_first_sync_shows_its_progress_instead_of_the_empty_cache() {
    let mut h = harness_with(store_with(&Dataset::default()), Lang::Zh, false, "default");
    assert!(h.text().contains("缓存是空的"));
    h.act(Action::SyncStarted);
    h.act(Action::SyncProgress {
        pages: 3,
        rows: 150_000,
    });
    let text = h.text();
    assert!(text.contains("正在首次同步"), "{text}");
    assert!(text.contains("已收到并写入 3 页，共 150000 行"), "{text}");
    assert!(!text.contains("缓存是空的"), "{text}");
    h.act(Action::SyncFinished(Ok(String::new())));
    assert!(h.state.sync_progress.is_none());
}
