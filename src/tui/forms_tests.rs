//! Issue 15, the interface: the person edit form and the exit form, driven by keys over a
//! real in-memory cache (the executor runs the same queue job `bianzhi person edit`
//! runs), and snapshots at 80x24.

use super::super::form::{FormView, Slot};
use super::*;
use crate::model::edit::PersonField;

/// The hand-built county, 张伟 (id 1) with a real ID number so the server's rules pass.
fn h() -> Harness {
    let mut data = dataset();
    data.persons[0].id_number = "110101198001010010".into();
    let mut h = harness_with(store_with(&data), Lang::Zh, false, "default");
    h.index();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h
}

fn form(h: &Harness) -> &FormView {
    match h.state.stack.last() {
        Some(View::Form(f)) => f,
        _ => panic!("no form in front"),
    }
}

fn person_view(h: &Harness) -> &super::super::person::PersonView {
    match h.state.stack.last() {
        Some(View::Person(p)) => p,
        _ => panic!("no person in front"),
    }
}

/// Moves the focus down to a field's row.
fn to_field(h: &mut Harness, f: PersonField) {
    for _ in 0..40 {
        if form(h).rows[form(h).focus].slot == Slot::Field(f) {
            return;
        }
        h.keys(&["<Down>"]);
    }
    panic!("field {f:?} not reached");
}

fn value(h: &Harness, f: PersonField) -> String {
    let form = form(h);
    let r = form.rows.iter().find(|r| r.slot == Slot::Field(f)).unwrap();
    r.input.value().to_string()
}

fn edits(h: &Harness) -> u64 {
    crate::store::pending::waiting(h.rt.store().conn()).unwrap()
}

#[test]
fn e_opens_the_form_a_changed_post_is_queued_and_marked_pending() {
    let mut h = h();
    h.keys(&["e"]);
    assert_eq!(form(&h).rows.len(), PersonField::ALL.len() + 1);
    snap("form_edit", &h, 80, 24);
    to_field(&mut h, PersonField::Post);
    h.keys(&["<C-u>"]);
    h.type_text("副局长");
    assert_eq!(value(&h, PersonField::Post), "副局长");
    // The terminal cursor sits at the caret: border, marker, label (16 cells), a space,
    // then three double-width characters.
    let mut t = h.screen(80, 24);
    let pos = t.get_cursor_position().unwrap();
    assert_eq!(pos.x, 1 + 1 + 16 + 1 + 6, "{pos:?}");
    snap("form_edit_post_changed", &h, 80, 24);
    assert_eq!(edits(&h), 0);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1, "queued in the outbox");
    let p = person_view(&h);
    assert_eq!(p.data.person.post.as_deref(), Some("副局长"));
    assert_eq!(p.data.pending, vec!["post".to_string()]);
    assert_eq!(h.state.status.edits, 1);
    let m = h.state.message.clone().unwrap();
    assert!(
        m.text.starts_with("已记录修改 1 项（待上传）"),
        "{}",
        m.text
    );
    let text = h.text();
    assert!(text.contains("待上传 1"), "status bar: {text}");
    h.state.message = None;
    snap("person_pending_post", &h, 80, 24);
}

#[test]
fn a_choice_field_is_picked_by_pinyin_initials() {
    let mut h = h();
    h.keys(&["e"]);
    to_field(&mut h, PersonField::Degree);
    h.type_text("ss");
    assert_eq!(form(&h).matches()[0], "硕士");
    snap("form_pick_list", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(value(&h, PersonField::Degree), "硕士");
    assert!(form(&h).pick.is_none(), "the list closed, the form stays");
    assert_eq!(edits(&h), 0, "Enter took the term, it did not save");
    h.keys(&["<C-s>"]);
    assert_eq!(edits(&h), 1);
    assert_eq!(
        person_view(&h).data.person.degree.map(|e| e.zh()),
        Some("硕士")
    );
}

#[test]
fn a_bad_value_is_said_beside_the_field_and_nothing_is_queued() {
    let mut h = h();
    h.keys(&["e"]);
    to_field(&mut h, PersonField::EntryDate);
    h.keys(&["<C-u>"]);
    h.type_text("2025-13-01");
    let i = form(&h).focus;
    assert!(form(&h).problem(i).is_some(), "checked as typed");
    h.keys(&["<Up>", "<Enter>"]);
    assert_eq!(edits(&h), 0);
    assert_eq!(form(&h).focus, i, "the focus went to the bad field");
    assert!(h.state.message.as_ref().unwrap().error);
    snap("form_bad_date", &h, 80, 24);
}

#[test]
fn a_key_field_asks_for_a_document_and_the_servers_rules_name_it() {
    let mut h = h();
    h.keys(&["e"]);
    assert!(
        !form(&h)
            .visible()
            .iter()
            .any(|&i| form(&h).rows[i].slot == Slot::Doc)
    );
    h.keys(&["<C-u>"]);
    h.type_text("张为");
    assert!(
        form(&h)
            .visible()
            .iter()
            .any(|&i| form(&h).rows[i].slot == Slot::Doc),
        "文号 shown once a key field changed"
    );
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 0, "refused without its document");
    let f = form(&h);
    let doc = f.rows.iter().find(|r| r.slot == Slot::Doc).unwrap();
    assert!(doc.refusal.is_some(), "the refusal is beside 文号");
    assert_eq!(f.rows[f.focus].slot, Slot::Doc);
    h.type_text("示编〔2025〕3号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1);
    assert_eq!(person_view(&h).data.person.name, "张为");
}

#[test]
fn esc_with_changes_asks_before_discarding_and_paste_goes_into_the_field() {
    let mut h = h();
    h.keys(&["e"]);
    to_field(&mut h, PersonField::School);
    h.keys(&["<C-u>"]);
    h.act(Action::Paste("示例师范\n大学".into()));
    assert_eq!(value(&h, PersonField::School), "示例师范 大学");
    h.keys(&["<Esc>"]);
    assert!(form(&h).confirm_discard);
    snap("form_discard", &h, 80, 24);
    h.keys(&["n"]);
    assert!(!form(&h).confirm_discard);
    assert_eq!(value(&h, PersonField::School), "示例师范 大学", "kept");
    h.keys(&["<C-c>"]);
    assert!(
        form(&h).confirm_discard,
        "Ctrl-c asks too, it does not quit"
    );
    assert!(!h.state.quit);
    h.keys(&["n", "<Esc>", "y"]);
    assert_eq!(
        person_view(&h).data.person.school.as_deref(),
        Some("示例大学")
    );
    assert_eq!(edits(&h), 0);
    // Without changes Esc just leaves.
    h.keys(&["e", "<Esc>"]);
    person_view(&h);
}

#[test]
fn x_records_an_exit_with_kind_date_and_document() {
    let mut h = h();
    h.keys(&["x"]);
    assert_eq!(form(&h).rows.len(), 3);
    h.type_text("dc");
    assert_eq!(form(&h).matches(), vec!["调出".to_string()]);
    h.keys(&["<Tab>"]);
    assert_eq!(form(&h).rows[0].input.value(), "调出");
    h.keys(&["<Tab>"]);
    h.type_text("示编〔2025〕4号");
    snap("form_exit", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1);
    let p = person_view(&h);
    assert_eq!(p.data.person.exit_kind.map(|k| k.zh()), Some("调出"));
    assert!(
        p.data.pending.iter().any(|k| k == "status"),
        "{:?}",
        p.data.pending
    );
}

#[test]
fn the_form_in_english() {
    let mut data = dataset();
    data.persons[0].id_number = "110101198001010010".into();
    let mut h = harness_with(store_with(&data), Lang::En, false, "default");
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["e"]);
    to_field(&mut h, PersonField::Post);
    snap("form_edit_en", &h, 80, 24);
    let text = h.text();
    for f in PersonField::ALL.iter().take(16) {
        assert!(text.contains(f.en()), "{} in {text}", f.en());
    }
}

#[test]
fn a_record_with_a_data_check_problem_opens_the_form_at_the_field_to_fix() {
    let mut data = dataset();
    // The check character of this number is 0, not 1: 身份证号无效.
    data.persons[0].id_number = "110101198001010011".into();
    let mut h = harness_with(store_with(&data), Lang::Zh, false, "default");
    h.act(Action::Effect(Effect::LoadPerson(1)));
    assert!(
        person_view(&h)
            .data
            .problems
            .iter()
            .any(|p| p.code == "bad-id"),
        "the check found the bad number"
    );
    h.keys(&["e"]);
    let f = form(&h);
    assert_eq!(f.rows[f.focus].slot, Slot::Field(PersonField::IdNumber));
}

#[test]
fn an_edit_in_conflict_shows_three_values_and_is_settled_from_the_refusals_list() {
    use crate::model::edit::{FieldConflict, Outcome};
    use crate::store::outbox::{self, State};
    let mut h = h();
    h.keys(&["e"]);
    to_field(&mut h, PersonField::Post);
    h.keys(&["<C-u>"]);
    h.type_text("副局长");
    h.keys(&["<Enter>"]);
    let queued = outbox::entries(h.rt.store().conn()).unwrap().remove(0);
    let from = match &queued.edit.as_ref().unwrap().edit {
        crate::model::edit::Edit::PersonEdit { changes, .. } => changes[0].from.clone(),
        other => panic!("{other:?}"),
    };
    // The server answers: 职务 was changed there to 科长 meanwhile.
    let outcome = Outcome {
        conflicts: vec![FieldConflict {
            field: "post".into(),
            base: from.clone(),
            mine: "副局长".into(),
            server: "科长".into(),
        }],
        ..Outcome::default()
    };
    outbox::record_answers(
        h.rt.store().conn(),
        [outbox::Answer {
            client_id: &queued.client_id,
            accepted: false,
            reason: Some("与服务器上的修改冲突（职务）"),
            outcome: Some(&outcome),
        }],
    )
    .unwrap();
    h.act(Action::Effect(Effect::LoadStatus));
    assert_eq!(
        h.state.status.unseen_refusals, 1,
        "a conflict raises the notice"
    );
    h.keys(&["<F6>"]);
    let text = h.text();
    assert!(
        text.contains("原值")
            && text.contains("您的修改 副局长")
            && text.contains("服务器现值 科长"),
        "{text}"
    );
    h.keys(&["m"]);
    let entries = outbox::entries(h.rt.store().conn()).unwrap();
    assert_eq!(entries[0].state, State::Resolved);
    let again = &entries[1];
    assert_eq!(again.state, State::Queued);
    match &again.edit.as_ref().unwrap().edit {
        crate::model::edit::Edit::PersonEdit { changes, .. } => {
            assert_eq!(
                (changes[0].from.as_str(), changes[0].to.as_str()),
                ("科长", "副局长")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tab_through_an_emptied_choice_leaves_it_empty_and_takes_a_chosen_term() {
    let mut h = h();
    h.keys(&["e"]);
    to_field(&mut h, PersonField::LeaderPost);
    // The list opens over the whole vocabulary when the field is emptied; Tab passes on.
    h.keys(&["<C-u>"]);
    h.keys(&["<Tab>"]);
    assert_eq!(value(&h, PersonField::LeaderPost), "");
    // Back, open the list and move in it: Tab takes the highlighted term.
    h.keys(&["<S-Tab>", "<F4>", "<Down>", "<Tab>"]);
    let chosen = value(&h, PersonField::LeaderPost);
    assert!(!chosen.is_empty(), "a term was chosen");
    assert_eq!(
        Some(chosen),
        PersonField::LeaderPost.choices().get(1).cloned()
    );
}
