//! The inbox, the decision dialog and the timelines: `update` driven by keys over a
//! real in-memory cache, and 80x24 snapshots. Requests are hand-built on the parent
//! module's dataset so the screens do not move when the generator changes.

use super::*;
use crate::store::inbox::Standing;
use crate::store::outbox;

fn request(id: ApprovalId, kind: ApprovalKind, org_id: OrgId, submitted: NaiveDate) -> Approval {
    Approval {
        id,
        kind,
        org_id,
        person_id: None,
        staffing_type: Some(StaffingType::ALL[0]),
        amount: 1,
        post: None,
        new_name: None,
        new_level: None,
        new_parent_id: None,
        exit_kind: None,
        doc_no: Some(format!("示人〔2025〕{id}号")),
        summary: String::new(),
        submitted_by: "单位经办人".into(),
        submitted_on: submitted,
        status: ApprovalStatus::Pending,
        decided_by: None,
        decided_on: None,
        comment: None,
        plan_used: 0,
        change: None,
    }
}

/// The parent's county with five requests, a ledger history and a renamed unit.
pub(super) fn inbox_dataset() -> Dataset {
    let mut data = dataset();
    let admin = StaffingType::ALL[0];
    // A person waiting to enter the 教育局 (12 approved, 2 on the books).
    let mut newcomer = data.persons[0].clone();
    newcomer.id = 20;
    newcomer.name = "赵新".into();
    newcomer.status = PersonStatus::Pending;
    newcomer.staffing_type = None;
    newcomer.id_number = "990102199501010012".into();
    newcomer.birth_date = Some(d(1995, 1, 1));
    data.persons.push(newcomer);
    let slot = PostSlot {
        level: Level::SectionFull,
        rank: PostRank::Chief,
    };
    data.posts.push(PostEntry {
        id: 1,
        org_id: 2,
        doc_no: "示编〔2018〕3号".into(),
        date: d(2018, 5, 1),
        slot,
        delta: 2,
        summary: "核定领导职数".into(),
    });
    data.ledger.push(LedgerEntry {
        id: 4,
        org_id: 2,
        doc_no: "示编〔2023〕15号".into(),
        date: d(2023, 6, 1),
        staffing_type: admin,
        funding_type: Some(FundingType::ALL[0]),
        delta: -2,
        summary: "精简收回".into(),
        special: false,
    });
    data.events.push(Event {
        id: 2,
        subject: Subject::Org(2),
        kind: EventKind::Renamed,
        date: d(2019, 3, 1),
        doc_no: Some("示编〔2019〕7号".into()),
        summary: "由示例县教育体育局更名".into(),
        detail: None,
        operator: "编办".into(),
        from_org: None,
        to_org: None,
    });
    let mut entry = request(1, ApprovalKind::Entry, 2, d(2025, 2, 1));
    entry.person_id = Some(20);
    entry.summary = "赵新经考试录用拟进入县教育局".into();
    let mut plan = request(2, ApprovalKind::StaffingPlan, 3, d(2025, 1, 10));
    plan.amount = 2;
    plan.summary = "县财政局申请使用行政编制2名".into();
    let mut post = request(3, ApprovalKind::LeaderPost, 2, d(2025, 2, 20));
    post.person_id = Some(2);
    post.post = Some(slot);
    post.staffing_type = None;
    post.summary = "拟任命单晓燕为正科级正职".into();
    let mut exit = request(4, ApprovalKind::Exit, 3, d(2025, 3, 1));
    exit.person_id = Some(5);
    exit.exit_kind = Some(ExitKind::ALL[0]);
    exit.summary = "王芳到龄退休".into();
    let mut rename = request(5, ApprovalKind::Reorganisation, 5, d(2025, 2, 25));
    rename.staffing_type = None;
    rename.new_name = Some("示例县第一高级中学".into());
    rename.summary = "县一中更名".into();
    data.approvals = vec![entry, plan, post, exit, rename];
    data
}

fn inbox_harness(read_only: bool) -> Harness {
    let mut h = harness_with(store_with(&inbox_dataset()), Lang::Zh, read_only, "default");
    h.index();
    h
}

fn inbox(h: &Harness) -> &super::super::inbox::InboxView {
    match h.state.stack.last() {
        Some(View::Inbox(v)) => v,
        _ => panic!("the inbox is not in front"),
    }
}

fn outbox_rows(h: &Harness) -> Vec<outbox::Entry> {
    outbox::entries(h.rt.store().conn()).unwrap()
}

#[test]
fn the_inbox_counts_sorts_and_filters() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>"]);
    let v = inbox(&h);
    assert_eq!(v.items.len(), 5);
    // Oldest first: the plan of 01-10 waits longest.
    assert_eq!(v.selected().unwrap().request.id, 2);
    let text = h.text();
    assert!(
        text.contains("用编计划1 增人入编1 减人出编1 领导职数使用1 机构调整1"),
        "{text}"
    );
    h.keys(&["s"]);
    assert_eq!(
        inbox(&h).selected().unwrap().request.kind,
        ApprovalKind::StaffingPlan
    );
    h.keys(&["s"]);
    let units: Vec<String> = inbox(&h)
        .order
        .iter()
        .map(|&i| inbox(&h).items[i].unit_path.clone())
        .collect();
    let mut sorted = units.clone();
    sorted.sort();
    assert_eq!(units, sorted, "by unit");
    h.keys(&["f", "f"]);
    assert_eq!(inbox(&h).order.len(), 1);
    assert_eq!(
        inbox(&h).selected().unwrap().request.kind,
        ApprovalKind::Entry
    );
    // The palette reaches it too.
    h.keys(&["<Esc>", ":"]);
    h.type_text("inbox");
    h.keys(&["<Enter>"]);
    assert!(matches!(h.state.stack.last(), Some(View::Inbox(_))));
}

#[test]
fn a_request_shows_figures_effect_and_warnings() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>", "<Enter>"]);
    let text = h.text();
    // 县财政局: 2 approved, 3 on the books: frozen, and the plan overdraws.
    assert!(text.contains("申请 2"), "{text}");
    assert!(text.contains("该单位此类编制满编或超编"), "{text}");
    assert!(
        text.contains("超出可使用编制：申请2名，可使用0名"),
        "{text}"
    );
    h.keys(&["<Esc>"]);
    assert!(inbox(&h).open.is_none(), "Esc closes the request first");
    h.keys(&["<Down>", "<Enter>"]);
    let text = h.text();
    assert!(text.contains("行政编制空编 8 → 7"), "{text}");
    // Enter goes on to the unit; Esc comes back to the request.
    h.keys(&["<Enter>"]);
    assert!(matches!(h.state.stack.last(), Some(View::Unit(v)) if v.data.org.id == 2));
    h.keys(&["<Esc>"]);
    assert_eq!(inbox(&h).open, Some(1));
    h.keys(&["<Esc>", "<Esc>"]);
    assert!(h.state.stack.is_empty(), "then the inbox");
}

#[test]
fn deciding_takes_three_keys_and_opens_the_next_request() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>", "<Down>", "<Enter>"]);
    assert_eq!(inbox(&h).open, Some(1));
    h.keys(&["a"]);
    assert!(h.state.mode() == super::super::keymap::Mode::Input);
    assert!(
        h.text().contains("同意后：行政编制实有 2 → 3"),
        "{}",
        h.text()
    );
    h.keys(&["<Enter>"]);
    assert!(h.text().contains("确认：同意 申请 1"), "{}", h.text());
    h.keys(&["<Enter>"]);
    let rows = outbox_rows(&h);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].approval_id,
            rows[0].decision,
            rows[0].comment.as_str(),
            rows[0].state
        ),
        (1, Some(Decision::Approve), "同意。", outbox::State::Queued)
    );
    let audited: i64 =
        h.rt.store()
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'decide'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(audited, 1);
    // The next open request (the leader post of 02-20) is open; the decided one waits.
    let v = inbox(&h);
    assert_eq!(v.open, Some(3));
    assert_eq!(
        v.item(1).unwrap().standing,
        Standing::Queued(Decision::Approve)
    );
    assert_eq!(h.state.status.unsent, 1);
    // Deciding it again is refused with the reason.
    h.keys(&["<Esc>"]);
    let pos = inbox(&h)
        .order
        .iter()
        .position(|&i| inbox(&h).items[i].request.id == 1)
        .unwrap();
    h.keys(&["<Home>"]);
    for _ in 0..pos {
        h.keys(&["<Down>"]);
    }
    h.keys(&["x"]);
    assert!(inbox(&h).dialog.is_none());
    assert!(h.state.message.as_ref().unwrap().text.contains("待上传"));
    assert!(h.text().contains("待上传（同意）"), "{}", h.text());
}

#[test]
fn a_queued_decision_is_withdrawn_with_w_after_a_confirmation() {
    let mut h = inbox_harness(false);
    // `w` on a request with nothing queued says so and changes nothing.
    h.keys(&["<F2>", "w"]);
    assert!(inbox(&h).withdrawing.is_none());
    assert!(
        h.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("没有待上传的决定"),
        "{:?}",
        h.state.message.as_ref().map(|m| &m.text)
    );
    // Queue 退回 on the selected request (the plan, 2), then take it back.
    h.keys(&["r", "<Enter>", "<Enter>"]);
    assert_eq!(outbox_rows(&h).len(), 1);
    h.keys(&["<Home>"]);
    let pos = inbox(&h)
        .order
        .iter()
        .position(|&i| inbox(&h).items[i].request.id == 2)
        .unwrap();
    for _ in 0..pos {
        h.keys(&["<Down>"]);
    }
    assert_eq!(inbox(&h).selected().unwrap().request.id, 2);
    // Esc keeps it.
    h.keys(&["w"]);
    assert_eq!(inbox(&h).withdrawing, Some(2));
    assert!(h.text().contains("撤回决定：申请 2"), "{}", h.text());
    h.keys(&["<Esc>"]);
    assert!(inbox(&h).withdrawing.is_none());
    assert_eq!(outbox_rows(&h).len(), 1);
    // Enter withdraws it: the row goes, the request is open again, the audit log says so.
    h.keys(&["w", "<Enter>"]);
    assert!(outbox_rows(&h).is_empty());
    assert_eq!(inbox(&h).item(2).unwrap().standing, Standing::Open);
    assert_eq!(h.state.status.unsent, 0);
    assert!(h.state.message.as_ref().unwrap().text.contains("已撤回"));
    let audited: i64 =
        h.rt.store()
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'withdraw'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(audited, 1);
    // A decision already sent cannot be withdrawn.
    h.keys(&["r", "<Enter>", "<Enter>"]);
    outbox::claim(h.rt.store().conn(), 0, 10).unwrap();
    h.act(Action::Effect(Effect::LoadInbox { show: false }));
    h.keys(&["<Home>"]);
    for _ in 0..pos {
        h.keys(&["<Down>"]);
    }
    h.keys(&["w"]);
    assert!(inbox(&h).withdrawing.is_none());
    assert!(h.state.message.as_ref().unwrap().text.contains("已发送"));
    assert_eq!(outbox_rows(&h)[0].state, outbox::State::Sent);
}

#[test]
fn opening_the_inbox_counts_as_seeing_the_refusals() {
    let mut h = inbox_harness(false);
    let id = outbox::queue(h.rt.store(), 2, Decision::Approve, "同意。").unwrap();
    crate::sync::outbox::record_answers(
        h.rt.store().conn(),
        &[crate::sync::proto::Answer {
            client_id: id,
            accepted: false,
            reason: Some("无法同意：超出核定编制".into()),
            outcome: None,
        }],
    )
    .unwrap();
    assert_eq!(outbox::unseen_refusals(h.rt.store().conn()).unwrap(), 1);
    h.keys(&["<F2>"]);
    assert!(matches!(
        inbox(&h).item(2).unwrap().standing,
        Standing::Refused { .. }
    ));
    assert_eq!(outbox::unseen_refusals(h.rt.store().conn()).unwrap(), 0);
}

#[test]
fn the_comment_takes_cjk_and_paste_and_cannot_be_empty() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>", "r"]);
    h.keys(&["<C-u>"]);
    h.keys(&["<Enter>"]);
    let d = inbox(&h).dialog.clone().unwrap();
    assert!(d.empty && !d.confirming, "an empty comment does not go on");
    h.type_text("材料不全");
    h.act(Action::Paste("，请补正\n学历证明。".into()));
    h.keys(&["<Backspace>"]);
    assert_eq!(
        inbox(&h).dialog.as_ref().unwrap().comment,
        "材料不全，请补正 学历证明"
    );
    // q is text here, not quit.
    h.type_text("q");
    assert!(!h.state.quit);
    h.keys(&["<Esc>"]);
    assert!(inbox(&h).dialog.is_none());
    assert!(outbox_rows(&h).is_empty(), "Esc decides nothing");
}

#[test]
fn nothing_can_be_decided_read_only() {
    let mut h = inbox_harness(true);
    h.keys(&["<F2>", "<Enter>", "a"]);
    assert!(inbox(&h).dialog.is_none());
    assert!(h.state.message.as_ref().unwrap().error);
    // Not even by an effect that got there some other way.
    h.act(Action::Effect(Effect::Decide {
        id: 1,
        decision: Decision::Approve,
        comment: "同意。".into(),
    }));
    assert!(outbox_rows(&h).is_empty());
}

#[test]
fn a_refusal_by_the_server_comes_back_on_the_item() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>", "a", "<Enter>", "<Enter>"]);
    assert_eq!(outbox_rows(&h).len(), 1);
    // The server's answer, as the sync client records it.
    h.rt.store()
        .conn()
        .execute(
            "UPDATE outbox SET state = 2, reason = '超出可使用编制：申请2名，可使用0名'",
            [],
        )
        .unwrap();
    h.act(Action::SyncFinished(Ok(String::new())));
    let v = inbox(&h);
    let item = v.item(2).unwrap();
    assert!(item.standing.decidable(), "the request is open again");
    assert!(crate::tui::i18n::standing(item, Lang::Zh).contains("服务器未接受：超出可使用编制"));
    h.keys(&["<Home>", "<Enter>"]);
    assert!(
        h.text().contains("服务器未接受：超出可使用编制"),
        "{}",
        h.text()
    );
    h.keys(&["<Esc>"]);
    // Another operator decided first: the item says so, with the reason.
    h.rt.store()
        .conn()
        .execute(
            "UPDATE approvals SET status = 3, decided_by = '张主任' WHERE id = 2",
            [],
        )
        .unwrap();
    h.act(Action::SyncFinished(Ok(String::new())));
    let item = inbox(&h).item(2).unwrap();
    assert!(!item.standing.decidable());
    assert!(
        crate::tui::i18n::standing(item, Lang::Zh).contains("张主任"),
        "{}",
        crate::tui::i18n::standing(item, Lang::Zh)
    );
}

#[test]
fn timelines_filter_by_kind_and_date_and_open_details() {
    let mut h = inbox_harness(false);
    h.keys(&["<Down>", "<Enter>"]);
    history_panel(&mut h);
    let text = h.text();
    // Newest first: the 2023 cut, with the running total after it.
    assert!(text.contains("示编〔2023〕15号"), "{text}");
    assert!(text.contains("-2 → 10"), "{text}");
    h.keys(&["f"]);
    assert!(h.text().contains("筛选：设立"), "{}", h.text());
    h.keys(&["f"]);
    h.keys(&["d"]);
    assert_eq!(h.state.mode(), super::super::keymap::Mode::Input);
    h.type_text("2019");
    h.keys(&["<Enter>"]);
    let text = h.text();
    assert!(
        text.contains("更名") && !text.contains("示编〔2023〕15号"),
        "{text}"
    );
    h.keys(&["<Enter>"]);
    assert!(h.text().contains("经办：编办"), "{}", h.text());
}

#[test]
fn the_audit_log_is_a_timeline() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>", "a", "<Enter>", "<Enter>", "g", "l"]);
    assert!(matches!(h.state.stack.last(), Some(View::Audit(_))));
    let text = h.text();
    assert!(
        // The request by its unit and document number, not `申请2` (issue 14 item 6).
        text.contains("审批") && text.contains("同意 ·") && text.contains("示人〔2025〕2号"),
        "{text}"
    );
    h.state.message = None;
    let text = h.text();
    let hints = text.lines().last().unwrap_or_default();
    assert!(
        !hints.contains("面板") && hints.contains("详情") && hints.contains("返回"),
        "the audit log's own hints: {hints}"
    );
}

/// The unit view's 沿革 panel, wherever the panel list puts it.
fn history_panel(h: &mut Harness) {
    match h.state.stack.last_mut() {
        Some(View::Unit(v)) => assert!(v.switch_to("沿革")),
        _ => panic!("no unit open"),
    }
}

// ---- screens ----------------------------------------------------------------------------

fn clock_free(h: &mut Harness) {
    h.state.status.last_sync = None;
}

#[test]
fn inbox_screens_at_80x24() {
    let mut h = inbox_harness(false);
    h.keys(&["<F2>"]);
    clock_free(&mut h);
    snap("inbox", &h, 80, 24);
    h.keys(&["<Down>", "<Enter>"]);
    snap("inbox_request", &h, 80, 24);
    h.keys(&["a", "<Enter>"]);
    snap("inbox_confirm", &h, 80, 24);
    h.keys(&["<Esc>", "<Esc>", "<Esc>", "<Down>", "<Enter>"]);
    history_panel(&mut h);
    h.keys(&["<Enter>"]);
    snap("unit_timeline", &h, 80, 24);
}

#[test]
fn inbox_screens_hold_at_small_sizes_and_in_english() {
    let mut h = harness_with(store_with(&inbox_dataset()), Lang::En, false, "vim");
    h.state.theme.ascii = true;
    h.keys(&["<F2>"]);
    let text = h.text();
    assert!(text.contains("Inbox 5"), "{text}");
    assert!(
        text.contains("2 places") && !text.contains("2名"),
        "what is asked, in English: {text}"
    );
    for keys in [&["j"][..], &["<Enter>"], &["a"], &["<Enter>"]] {
        h.keys(keys);
        for (w, height) in [(80, 24), (40, 12), (40, 10), (200, 50), (1, 1)] {
            h.screen(w, height);
        }
    }
    assert!(
        h.text().contains("Confirm: approve request 1"),
        "{}",
        h.text()
    );
    h.keys(&["<Enter>"]);
    assert_eq!(outbox_rows(&h).len(), 1);
}

#[test]
fn every_preset_binds_the_inbox_and_the_input_keys() {
    use super::super::keymap::{Cmd, Mode, PRESETS, Resolved};
    let k = |s: &str| Key::parse(s).unwrap();
    for (name, _) in PRESETS {
        let km = Keymap::preset(name).unwrap();
        for (mode, key, cmd) in [
            (Mode::Tree, "<F2>", Cmd::Inbox),
            (Mode::Inbox, "a", Cmd::Approve),
            (Mode::Inbox, "r", Cmd::ReturnRequest),
            (Mode::Inbox, "x", Cmd::Reject),
            (Mode::Inbox, "s", Cmd::Sort),
            (Mode::Inbox, "<Esc>", Cmd::Back),
            (Mode::Input, "<Enter>", Cmd::Open),
            (Mode::Input, "<Esc>", Cmd::Close),
            (Mode::Unit, "f", Cmd::FilterKind),
            (Mode::Person, "d", Cmd::FilterDates),
        ] {
            assert_eq!(
                km.resolve(mode, &[k(key)]),
                Resolved::Run(cmd),
                "{name} {key}"
            );
        }
        assert_eq!(
            km.resolve(Mode::Input, &[k("q")]),
            Resolved::Unbound,
            "{name}: q is text in a comment"
        );
    }
}
