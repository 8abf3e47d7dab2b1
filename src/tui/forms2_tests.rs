//! Issue 15, the interface's other forms: 增员登记 from the tree and the unit, 调动 with
//! the lookup, 恢复, the unit's forms (details, move, abolish, department), the ledger
//! and leadership posts, drafts kept through a dead terminal, and withdrawing a queued
//! edit from the F6 list. Driven by keys over a real in-memory cache (the executor runs
//! the same queue job the command line runs); snapshots at 80x24.

use super::super::form::{FormKind, FormView, Slot};
use super::*;
use crate::model::edit::{Edit, PersonField};

fn h() -> Harness {
    h_with(|_| {})
}

fn h_with(change: impl FnOnce(&mut Dataset)) -> Harness {
    let mut data = dataset();
    data.persons[0].id_number = "110101198001010010".into();
    // 陈静 left by mistake: recorded as 历史.
    data.persons[6].status = PersonStatus::Former;
    data.persons[6].exit_kind = Some(ExitKind::ALL[1]);
    data.persons[6].exit_date = Some(chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
    change(&mut data);
    let mut h = harness_with(store_with(&data), Lang::Zh, false, "default");
    h.index();
    h
}

fn form(h: &Harness) -> &FormView {
    match h.state.stack.last() {
        Some(View::Form(f)) => f,
        _ => panic!("no form in front"),
    }
}

/// Moves the focus down to a row.
fn to_slot(h: &mut Harness, slot: Slot) {
    for _ in 0..40 {
        if form(h).rows[form(h).focus].slot == slot {
            return;
        }
        h.keys(&["<Down>"]);
    }
    panic!("row {slot:?} not reached");
}

/// Types into a row (emptied first).
fn fill(h: &mut Harness, slot: Slot, text: &str) {
    to_slot(h, slot);
    h.keys(&["<C-u>"]);
    h.type_text(text);
}

/// Types into a list row and takes the first match.
fn pick(h: &mut Harness, slot: Slot, text: &str) {
    fill(h, slot, text);
    assert!(form(h).pick.is_some(), "a list opened for {slot:?}");
    h.keys(&["<Enter>"]);
}

fn edits(h: &Harness) -> u64 {
    crate::store::pending::waiting(h.rt.store().conn()).unwrap()
}

/// The edits queued, oldest first.
fn queued(h: &Harness) -> Vec<Edit> {
    crate::store::outbox::entries(h.rt.store().conn())
        .unwrap()
        .into_iter()
        .filter_map(|e| e.edit.map(|i| i.edit))
        .collect()
}

fn open_unit(h: &mut Harness, id: i64) {
    h.act(Action::Effect(Effect::LoadUnit(id)));
    assert!(matches!(h.state.stack.last(), Some(View::Unit(_))));
}

fn unit_view(h: &Harness) -> &super::super::panels::UnitView {
    match h.state.stack.last() {
        Some(View::Unit(u)) => u,
        _ => panic!("no unit in front"),
    }
}

fn person_view(h: &Harness) -> &super::super::person::PersonView {
    match h.state.stack.last() {
        Some(View::Person(p)) => p,
        _ => panic!("no person in front"),
    }
}

fn fill_new_person(h: &mut Harness) {
    fill(h, Slot::Field(PersonField::Name), "赵新");
    fill(h, Slot::Field(PersonField::IdNumber), "110101199003070011");
    pick(h, Slot::Field(PersonField::Ethnicity), "汉族");
    pick(h, Slot::Field(PersonField::PostType), "glg");
    pick(h, Slot::Field(PersonField::StaffingType), "xzbz");
    fill(h, Slot::Doc, "示编〔2025〕7号");
}

#[test]
fn plus_on_a_unit_enters_a_new_person_shown_at_once_as_pending() {
    let mut h = h();
    open_unit(&mut h, 2);
    h.keys(&["+"]);
    assert_eq!(form(&h).kind, FormKind::Add);
    snap("form_add", &h, 80, 24);
    // Saving empty names the first required field.
    h.keys(&["<Enter>"]);
    assert_eq!(
        form(&h).rows[form(&h).focus].slot,
        Slot::Field(PersonField::Name)
    );
    assert_eq!(edits(&h), 0);
    fill_new_person(&mut h);
    // A birth date that disagrees with the ID number is said beside it as typed.
    fill(&mut h, Slot::Field(PersonField::BirthDate), "1991-03-07");
    let at = form(&h).focus;
    let why = form(&h).problem(at).unwrap();
    assert!(why.contains("与身份证号不符"), "{why}");
    fill(&mut h, Slot::Field(PersonField::BirthDate), "");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1, "queued in the outbox");
    let u = unit_view(&h);
    let p = u
        .data
        .persons
        .iter()
        .find(|p| p.name == "赵新")
        .expect("shown in the unit");
    assert!(p.id < 0, "a pending new person");
    assert_eq!(
        p.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1990-03-07")
    );
    let m = h.state.message.clone().unwrap();
    assert!(m.text.starts_with("已记录增员登记（待上传）"), "{}", m.text);
}

#[test]
fn plus_on_the_tree_enters_a_person_into_the_unit_under_the_cursor() {
    let mut h = h();
    h.keys(&["<Down>"]);
    assert_eq!(h.selected_name(), "示例县教育局");
    h.keys(&["+"]);
    assert!(form(&h).title(Lang::Zh).contains("示例县教育局"));
    let actual = |h: &Harness| h.state.tree.nodes[&2].node.total.actual;
    let before = actual(&h);
    fill_new_person(&mut h);
    h.keys(&["<Enter>"]);
    assert!(h.state.stack.is_empty(), "back on the tree");
    assert_eq!(h.selected_name(), "示例县教育局", "the cursor stays");
    assert_eq!(
        actual(&h),
        before + 1,
        "the tree's figures count the new person"
    );
    match &queued(&h)[..] {
        [Edit::PersonAdd { org_id: 2, values }] => {
            assert!(
                values
                    .iter()
                    .any(|(f, v)| *f == PersonField::Name && v == "赵新")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_units_form_opens_on_the_tree_over_the_unit_under_the_cursor() {
    let mut h = h();
    h.keys(&["<Down>"]);
    // Not bound on the tree by the presets (letters there jump by name); a keymap may.
    h.act(Action::Run(super::super::keymap::Cmd::LedgerEntry));
    assert_eq!(form(&h).kind, FormKind::Ledger);
    assert!(form(&h).title(Lang::Zh).contains("示例县教育局"));
}

#[test]
fn a_unit_with_no_usable_place_refuses_the_entry_beside_the_staffing_type() {
    let mut h = h();
    // 财政局: 2 approved, 3 on the books.
    open_unit(&mut h, 3);
    h.keys(&["+"]);
    fill_new_person(&mut h);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 0);
    let f = form(&h);
    assert_eq!(f.rows[f.focus].slot, Slot::Field(PersonField::StaffingType));
    let why = f.problem(f.focus).unwrap();
    assert!(why.contains("可使用"), "{why}");
}

#[test]
fn t_transfers_a_person_to_a_unit_picked_with_the_lookup() {
    // 财政局 gets places to take someone in.
    let mut h = h_with(|d| d.ledger.push(ledger(9, 3, StaffingType::Administrative, 5)));
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["t"]);
    assert_eq!(form(&h).kind, FormKind::Transfer);
    h.type_text("czj");
    assert_eq!(
        form(&h).matches().first().map(String::as_str),
        Some("示例县财政局")
    );
    snap("form_transfer_pick", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(form(&h).to_org, Some(3));
    fill(&mut h, Slot::Doc, "示人〔2025〕3号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1, "{:?} {}", h.state.message, h.text());
    assert_eq!(
        person_view(&h).data.person.org_id,
        3,
        "shown in the new unit"
    );
    assert!(matches!(
        &queued(&h)[..],
        [Edit::PersonTransfer {
            to_org: 3,
            from_org: 2,
            ..
        }]
    ));
}

#[test]
fn u_restores_a_person_recorded_as_left_and_not_one_on_the_books() {
    let mut h = h();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["u"]);
    assert!(
        matches!(h.state.stack.last(), Some(View::Person(_))),
        "no form"
    );
    assert!(h.state.message.clone().unwrap().text.contains("无需恢复"));
    h.act(Action::Effect(Effect::LoadPerson(7)));
    h.keys(&["u"]);
    assert_eq!(form(&h).kind, FormKind::Restore);
    snap("form_restore", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 0, "a 文号 is needed");
    h.type_text("示人〔2025〕5号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1);
    assert_eq!(person_view(&h).data.person.status, PersonStatus::Active);
}

#[test]
fn the_units_forms_edit_move_abolish_and_add_a_department() {
    let mut h = h();
    open_unit(&mut h, 5);
    h.keys(&["e"]);
    assert_eq!(form(&h).kind, FormKind::OrgEdit);
    snap("form_org_edit", &h, 80, 24);
    fill(
        &mut h,
        Slot::Org(crate::model::edit::OrgField::ShortName),
        "一中",
    );
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1, "{:?} {}", h.state.message, h.text());
    assert_eq!(unit_view(&h).data.org.short_name.as_deref(), Some("一中"));

    h.keys(&["m"]);
    assert_eq!(form(&h).kind, FormKind::OrgMove);
    h.type_text("财政局");
    h.keys(&["<Enter>"]);
    snap("form_org_move", &h, 80, 24);
    fill(&mut h, Slot::Doc, "示编〔2025〕8号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 2);
    assert_eq!(unit_view(&h).data.org.parent_id, Some(3));

    h.keys(&["n"]);
    assert_eq!(form(&h).kind, FormKind::AddDept);
    snap("form_add_dept", &h, 80, 24);
    fill(&mut h, Slot::DeptName, "教务处");
    fill(&mut h, Slot::Doc, "示编〔2025〕9号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 3);

    // 办公室 has no one in it: it may be abolished.
    open_unit(&mut h, 4);
    h.keys(&["X"]);
    assert_eq!(form(&h).kind, FormKind::OrgAbolish);
    snap("form_org_abolish", &h, 80, 24);
    h.type_text("示编〔2025〕10号");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 4);
    assert!(matches!(
        queued(&h).last(),
        Some(Edit::OrgAbolish { org_id: 4 })
    ));
}

#[test]
fn a_ledger_entry_and_a_posts_entry_from_the_unit() {
    let mut h = h();
    open_unit(&mut h, 3);
    h.keys(&["L"]);
    assert_eq!(form(&h).kind, FormKind::Ledger);
    pick(&mut h, Slot::Staffing, "xz");
    fill(&mut h, Slot::Delta, "x");
    let at = form(&h).focus;
    assert!(form(&h).problem(at).unwrap().contains("不是整数"));
    fill(&mut h, Slot::Delta, "+2");
    fill(&mut h, Slot::Doc, "示编〔2025〕11号");
    fill(&mut h, Slot::Summary, "核增行政编制");
    snap("form_ledger", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1);
    match &queued(&h)[..] {
        [
            Edit::LedgerAdd {
                org_id: 3,
                delta: 2,
                summary,
                ..
            },
        ] => assert_eq!(summary, "核增行政编制"),
        other => panic!("{other:?}"),
    }
    let approved = unit_view(&h)
        .data
        .own
        .quota_of(StaffingType::Administrative)
        .approved;
    assert_eq!(approved, 4, "the figures show it at once");

    h.keys(&["P"]);
    assert_eq!(form(&h).kind, FormKind::Posts);
    pick(&mut h, Slot::Post, "正科级正职");
    fill(&mut h, Slot::Delta, "1");
    fill(&mut h, Slot::Doc, "示编〔2025〕12号");
    fill(&mut h, Slot::Summary, "核定领导职数");
    snap("form_posts", &h, 80, 24);
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 2);
    assert!(matches!(
        queued(&h).last(),
        Some(Edit::PostsAdd { delta: 1, .. })
    ));
}

#[test]
fn a_draft_outlives_the_form_is_offered_again_and_goes_when_saved() {
    let mut h = h();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["e"]);
    let key = form(&h).key();
    fill(&mut h, Slot::Field(PersonField::Post), "副局长");
    let kept = crate::store::drafts::load(h.rt.store(), &key).unwrap();
    assert!(kept.is_some_and(|v| v.contains("副局长")), "kept as typed");
    // The terminal dies: the form is gone without a word.
    h.state.stack.pop();
    h.keys(&["e"]);
    assert!(form(&h).draft.is_some(), "offered");
    snap("form_draft_offered", &h, 80, 24);
    h.keys(&["y"]);
    let f = form(&h);
    let post = f
        .rows
        .iter()
        .find(|r| r.slot == Slot::Field(PersonField::Post))
        .unwrap();
    assert_eq!(post.input.value(), "副局长");
    h.keys(&["<Enter>"]);
    assert_eq!(edits(&h), 1);
    assert_eq!(
        crate::store::drafts::load(h.rt.store(), &key).unwrap(),
        None
    );
    // Discarding drops it too.
    h.keys(&["e"]);
    fill(&mut h, Slot::Field(PersonField::Post), "科员");
    h.keys(&["<Esc>", "y"]);
    assert_eq!(
        crate::store::drafts::load(h.rt.store(), &key).unwrap(),
        None
    );
}

#[test]
fn a_queued_edit_is_withdrawn_from_the_f6_list_after_a_confirmation() {
    let mut h = h();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["e"]);
    fill(&mut h, Slot::Field(PersonField::Post), "副局长");
    h.keys(&["<Enter>"]);
    assert_eq!(person_view(&h).data.person.post.as_deref(), Some("副局长"));
    h.keys(&["<F6>"]);
    assert!(h.text().contains("待上传"), "{}", h.text());
    h.keys(&["w"]);
    assert!(h.state.withdraw_edit.is_some());
    snap("refusals_withdraw_ask", &h, 80, 24);
    h.keys(&["n"]);
    assert_eq!(edits(&h), 1, "n keeps it");
    h.keys(&["w", "y"]);
    assert_eq!(edits(&h), 0, "withdrawn");
    assert!(h.state.refusals.is_empty());
    h.keys(&["<Esc>"]);
    assert_eq!(person_view(&h).data.person.post.as_deref(), Some("局长"));
}

#[test]
fn the_new_forms_in_english() {
    let mut data = dataset();
    data.persons[0].id_number = "110101198001010010".into();
    let mut h = harness_with(store_with(&data), Lang::En, false, "default");
    h.index();
    open_unit(&mut h, 3);
    h.keys(&["L"]);
    snap("form_ledger_en", &h, 80, 24);
    h.keys(&["<Esc>", "+"]);
    snap("form_add_en", &h, 80, 24);
}
