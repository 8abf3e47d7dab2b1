//! Issue 16, the 比对 screen: a roster named in the palette (or by its key), compared
//! on the executor with the unit under the cursor, its categories and rows, a row's
//! person fixed through the forms and then shown as queued, the differences exported as
//! a workbook, the comparison in the audit log; snapshots at 80x24 in both languages.

use super::super::compare::CompareScreen;
use super::super::form::{FormView, Slot};
use super::super::screens::{Screen, ScreenRequest};
use super::*;
use crate::compare::Category;
use crate::model::edit::PersonField;
use crate::model::idcard::make_id;

/// The hand-built county with valid ID numbers (a man born 1980-01-01 each).
fn data() -> Dataset {
    let mut data = dataset();
    for p in &mut data.persons {
        p.id_number = make_id("110101", d(1980, 1, 1), (p.id as u32) * 2 + 1);
    }
    data
}

fn h(lang: Lang) -> Harness {
    let mut h = harness_with(store_with(&data()), lang, false, "default");
    h.index();
    h
}

/// A roster with one row of each kind the county allows (persons 6 and 7 unlisted).
fn roster(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let d = data();
    let id = |i: usize| d.persons[i].id_number.clone();
    let mut bad = id(4);
    bad.pop();
    bad.push(if id(4).ends_with('0') { '1' } else { '0' });
    let unknown = make_id("110101", super::d(1990, 5, 5), 11);
    let rows = [
        // 一致
        format!("张伟,{},示例县教育局,行政编制", id(0)),
        // 姓名不一致
        format!("单小燕,{},县教育局,行政编制", id(1)),
        // 单位不一致
        format!("曾国强,{},示例县第一中学,行政编制", id(2)),
        // 占编类型不一致
        format!("李娜,{},县财政局,事业编制", id(3)),
        // 身份证号无效 (matched by name within the unit)
        format!("王芳,{bad},县财政局,行政编制"),
        // 名单有、在册无
        format!("赵六,{unknown},县财政局,行政编制"),
        // 名单内重复
        format!("张伟,{},示例县教育局,行政编制", id(0)),
    ];
    let text = format!("姓名,公民身份号码,工作单位,人员类别\n{}\n", rows.join("\n"));
    let path = dir.path().join("工资名单.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn audits(h: &Harness, action: &str) -> Vec<String> {
    crate::store::timeline::audit(h.rt.store().conn(), 100)
        .unwrap()
        .into_iter()
        .filter(|i| {
            i.kind
                == crate::store::timeline::ItemKind::Audit(
                    crate::store::timeline::AuditAction::from_key(action),
                )
        })
        .map(|i| crate::tui::i18n::item_summary(&i, Lang::Zh))
        .collect()
}

fn form(h: &Harness) -> &FormView {
    match h.state.stack.last() {
        Some(View::Form(f)) => f,
        _ => panic!("no form in front"),
    }
}

/// Types into a row of the form in front (emptied first).
fn fill(h: &mut Harness, slot: Slot, text: &str) {
    let to = form(h)
        .rows
        .iter()
        .position(|r| r.slot == slot)
        .unwrap_or_else(|| panic!("no row {slot:?}"));
    for _ in 0..40 {
        if form(h).focus == to {
            break;
        }
        h.keys(&["<Down>"]);
    }
    assert_eq!(form(h).focus, to, "reached {slot:?}");
    h.keys(&["<C-u>"]);
    h.type_text(text);
}

/// Opens the comparison of `path` with the key and the palette, on the tree's root.
fn compare(h: &mut Harness, path: &std::path::Path) {
    h.keys(&["<F12>"]);
    assert_eq!(h.state.overlay, Some(Overlay::Palette));
    h.type_text(&path.display().to_string());
    h.keys(&["<Enter>"]);
}

#[test]
fn a_roster_is_compared_its_rows_opened_fixed_and_shown_as_queued() {
    let mut h = h(Lang::Zh);
    let dir = tempfile::tempdir().unwrap();
    let path = roster(&dir);
    compare(&mut h, &path);
    let c = top::<CompareScreen>(&h);
    let count = |c: &CompareScreen, k: Category| {
        c.counts
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, n)| *n)
            .unwrap()
    };
    assert_eq!(c.failed, None);
    assert_eq!(count(c, Category::Match), 1);
    assert_eq!(count(c, Category::NameDiffers), 1);
    assert_eq!(count(c, Category::UnitDiffers), 1);
    assert_eq!(count(c, Category::StaffingDiffers), 1);
    assert_eq!(count(c, Category::InvalidId), 1);
    assert_eq!(count(c, Category::NotOnBooks), 1);
    assert_eq!(count(c, Category::Duplicate), 1);
    assert_eq!(count(c, Category::NotOnRoster), 2, "刘洋 and 陈静");
    assert_eq!((c.matched, c.total), (1, 9));
    snap("compare_categories", &h, 80, 24);
    // Recorded once in the audit log: the file and the counts, never a name.
    let logged = audits(&h, "compare");
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("工资名单.csv"), "{}", logged[0]);
    assert!(!logged[0].contains("单小燕"), "{}", logged[0]);

    // 姓名不一致: its rows, then the person.
    let at = Category::ALL
        .iter()
        .position(|c| *c == Category::NameDiffers)
        .unwrap();
    for _ in 0..at {
        h.keys(&["<Down>"]);
    }
    h.keys(&["<Enter>"]);
    assert_eq!(top::<CompareScreen>(&h).open, Some(Category::NameDiffers));
    snap("compare_rows", &h, 80, 24);
    h.keys(&["<Enter>"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!("the person opens")
    };
    assert_eq!(p.data.person.name, "单晓燕");

    // The fix: 信息变更 of the name, as the roster writes it.
    h.keys(&["e"]);
    fill(&mut h, Slot::Field(PersonField::Name), "单小燕");
    // 姓名 is a key field: the change names its document.
    fill(&mut h, Slot::Doc, "示编〔2025〕30号");
    h.keys(&["<Enter>"]);
    assert_eq!(
        crate::store::pending::waiting(h.rt.store().conn()).unwrap(),
        1,
        "queued in the outbox: {:?}",
        h.state.message
    );
    // Back to the comparison: the row stays in its category, marked as queued (the
    // books compared are the server's until it has the fix).
    h.keys(&["<Esc>"]);
    let c = top::<CompareScreen>(&h);
    assert_eq!(
        c.open,
        Some(Category::NameDiffers),
        "the category stays open"
    );
    let row = c
        .entries
        .iter()
        .find(|r| r.category == Category::NameDiffers)
        .unwrap();
    assert!(row.waiting, "{row:?}");
    snap("compare_rows_queued", &h, 80, 24);
    assert_eq!(
        audits(&h, "compare").len(),
        1,
        "read again, not audited again"
    );

    // Esc closes the category, then the screen.
    h.keys(&["<Esc>"]);
    assert_eq!(top::<CompareScreen>(&h).open, None);

    // Ctrl-E's workbook: a summary and a sheet per category, ID numbers masked.
    let out = dir.path().join("差异.xlsx");
    h.keys(&[":"]);
    h.type_text(&format!("export {}", out.display()));
    h.keys(&["<Enter>"]);
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&out).expect("the workbook written");
    let names = book.sheet_names();
    assert_eq!(names.len(), 1 + Category::ALL.len(), "{names:?}");
    assert_eq!(names[4], "在册有、名单无");
    let sheet = book.worksheet_range("姓名不一致").unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cells[1], "单小燕");
    assert!(cells[2].contains('*'), "masked: {cells:?}");
    assert!(cells[8].contains("待上传"), "{cells:?}");
    assert_eq!(audits(&h, "export").len(), 1);
}

#[test]
fn the_comparison_is_of_the_unit_under_the_cursor() {
    let mut h = h(Lang::Zh);
    let dir = tempfile::tempdir().unwrap();
    let path = roster(&dir);
    // 县财政局 (the tree's root, then its second child).
    h.keys(&["<Right>", "<Down>", "<Down>"]);
    assert_eq!(h.selected_name(), "示例县财政局");
    compare(&mut h, &path);
    let c = top::<CompareScreen>(&h);
    assert!(matches!(
        c.request(),
        ScreenRequest::Compare { root: Some(3), .. }
    ));
    // Every person of 财政局 is listed: none on the books and off the roster.
    let n = |k| c.counts.iter().find(|(x, _)| *x == k).map(|(_, n)| *n);
    assert_eq!(n(Category::NotOnRoster), Some(0));
}

#[test]
fn a_file_that_cannot_be_read_says_why_and_is_not_audited() {
    let mut h = h(Lang::Zh);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.csv");
    std::fs::write(&path, "姓名,单位\n张伟,县教育局\n").unwrap();
    compare(&mut h, &path);
    let c = top::<CompareScreen>(&h);
    let why = c.failed.clone().unwrap();
    assert!(why.contains("缺少“身份证号”列"), "{why}");
    snap("compare_failed", &h, 80, 24);
    assert!(audits(&h, "compare").is_empty());
    // A path that is not there.
    h.keys(&["<Esc>"]);
    compare(&mut h, &dir.path().join("没有.csv"));
    let why = top::<CompareScreen>(&h).failed.clone().unwrap();
    assert!(why.contains("无法打开名单文件"), "{why}");
    // The command alone asks for the path.
    h.keys(&["<Esc>", ":"]);
    h.type_text("比对");
    h.keys(&["<Enter>"]);
    let m = h.state.message.clone().unwrap();
    assert!(m.text.contains("文件的路径"), "{}", m.text);
}

#[test]
fn in_english() {
    let mut h = h(Lang::En);
    let dir = tempfile::tempdir().unwrap();
    let path = roster(&dir);
    compare(&mut h, &path);
    snap("compare_categories_en", &h, 80, 24);
    h.keys(&["<Down>", "<Down>", "<Down>", "<Enter>"]);
    assert_eq!(top::<CompareScreen>(&h).open, Some(Category::NotOnRoster));
    snap("compare_rows_en", &h, 80, 24);
}
