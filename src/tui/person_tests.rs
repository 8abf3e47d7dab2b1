//! The person screen answers the meeting's questions (issue 14 item 5): age, the
//! statutory retirement month under the 2024 law, every data-check problem on the
//! record, and a key that opens the other record of a 一人多编; the audit log reads like
//! a log (item 6). With the harness of `tests.rs` (today is 2025-03-05).

use super::*;

/// The county plus a second record of 李娜 (person 4, 县财政局) under the same ID
/// number, on the books of 县教育局: 一人多编 on both.
fn data() -> Dataset {
    let mut data = dataset();
    let mut twin = person(10, 2, "李娜", "科员", Some(StaffingType::ALL[0]));
    twin.id_number = data.persons[3].id_number.clone();
    data.persons.push(twin);
    data
}

fn h(lang: Lang) -> Harness {
    let mut h = harness_with(store_with(&data()), lang, false, "default");
    h.index();
    h
}

fn top_person(h: &Harness) -> PersonId {
    match h.state.stack.last() {
        Some(View::Person(p)) => p.data.person.id,
        _ => panic!("no person view on top"),
    }
}

#[test]
fn the_person_screen_shows_age_retirement_and_checks_and_opens_the_other_record() {
    let mut h = h(Lang::Zh);
    h.act(Action::Effect(Effect::LoadPerson(4)));
    let text = h.text();
    // Born 1980-01-01, a man: 45 on 2025-03-05; under the 2024 law his age is 63
    // (born after 1976-12 the full 36 months), reached in 2043-01.
    assert!(text.contains("年龄") && text.contains("45岁"), "{text}");
    assert!(text.contains("2043-01（63岁）"), "{text}");
    assert!(
        text.contains("一人多编") && text.contains("示例县教育局"),
        "the conflict names the other unit: {text}"
    );
    assert!(text.contains("按 c 打开"), "{text}");
    snap("person_checks", &h, 80, 24);
    h.keys(&["c"]);
    assert_eq!(top_person(&h), 10, "c opens the other record");
    assert!(
        h.text().contains("示例县财政局"),
        "which names this one's unit"
    );
    h.keys(&["<Esc>"]);
    assert_eq!(top_person(&h), 4, "Esc comes back");

    // A record in no conflict: its own problems (the hand-built ID numbers fail their
    // check character), no other record, and c does nothing there.
    h.act(Action::Effect(Effect::LoadPerson(1)));
    let text = h.text();
    assert!(
        text.contains("身份证号无效") && !text.contains("一人多编"),
        "{text}"
    );
    h.keys(&["c"]);
    assert_eq!(top_person(&h), 1);
}

#[test]
fn the_person_screen_in_english() {
    let mut h = h(Lang::En);
    h.act(Action::Effect(Effect::LoadPerson(4)));
    let text = h.text();
    assert!(text.contains("Age") && text.contains("45"), "{text}");
    assert!(text.contains("2043-01 (age 63)"), "{text}");
    assert!(text.contains("counted twice"), "{text}");
    assert!(text.contains("press c to open"), "{text}");
}

#[test]
fn the_audit_log_reads_like_a_log() {
    let mut data = data();
    data.approvals.push(Approval {
        id: 21,
        kind: ApprovalKind::ALL[0],
        org_id: 5,
        person_id: None,
        staffing_type: Some(StaffingType::ALL[1]),
        amount: 1,
        post: None,
        new_name: None,
        new_level: None,
        new_parent_id: None,
        exit_kind: None,
        doc_no: Some("示人〔2025〕21号".into()),
        summary: "招聘教师1名".into(),
        submitted_by: "单位经办人".into(),
        submitted_on: d(2025, 2, 20),
        status: ApprovalStatus::Pending,
        decided_by: None,
        decided_on: None,
        comment: None,
        plan_used: 0,
        change: None,
    });
    let store = store_with(&data);
    // Lines as their writers word them (the interface's reveal, the command line's, a
    // decision), and a reveal of a person no longer in the cache.
    store
        .conn()
        .execute_batch(
            "INSERT INTO audit (at, action, detail, rows) VALUES \
             ('2025-03-04 09:05:41', 'reveal', 'person 999', 1), \
             ('2025-03-05 10:28:07', 'reveal', 'person:4', NULL), \
             ('2025-03-05 10:29:59', 'decide', '申请21 同意', 1), \
             ('2025-03-05 10:31:02', 'reveal', 'person 6', 1);",
        )
        .unwrap();
    let mut h = harness_with(store, Lang::Zh, false, "default");
    h.act(Action::Effect(Effect::LoadAuditLog));
    let text = h.text();
    assert!(
        text.contains("2025-03-05 10:31"),
        "time to the minute: {text}"
    );
    assert!(text.contains("李娜（示例县财政局）"), "{text}");
    assert!(text.contains("刘洋（示例县第一中学）"), "{text}");
    assert!(
        text.contains("示人〔2025〕21号"),
        "the request's document: {text}"
    );
    assert!(text.contains("同意 · 示例县第一中学 招聘教师1名"), "{text}");
    assert!(
        !text.contains("person:4") && !text.contains("申请21"),
        "{text}"
    );
    assert!(
        text.contains("person 999"),
        "an unknown subject keeps its words"
    );
    snap("audit_log", &h, 80, 24);
}
