//! The quota panel's drill-down, the overview, the warnings screen and export (issue 5),
//! with the harness of `tests.rs`: `update` tests and snapshots at 80x24 and 40x12.

use super::super::screens::drill::{Drill, Target};
use super::super::screens::jurisdiction::{Item, JurisdictionScreen};
use super::super::screens::warnings::WarningsScreen;
use super::*;
use crate::store::warnings::WarningKind;

/// The hand-built county plus two men of 财政局 near retirement: one already over age
/// (born 1965-01, due 2025-02), one due in 2025-08 (born 1965-06).
fn data() -> Dataset {
    let mut data = dataset();
    let mut old = person(8, 3, "赵建国", "科员", None);
    old.birth_date = Some(d(1965, 1, 10));
    let mut due = person(9, 3, "孙立新", "科员", None);
    due.birth_date = Some(d(1965, 6, 10));
    data.persons.extend([old, due]);
    data
}

fn h() -> Harness {
    let mut h = harness_with(store_with(&data()), Lang::Zh, false, "default");
    h.index();
    h
}

fn quota_panel(h: &Harness) -> &super::super::panels::UnitView {
    match h.state.stack.last() {
        Some(View::Unit(v)) => v,
        _ => panic!("unit view"),
    }
}

#[test]
fn quota_figures_drill_down_to_units_then_persons_and_back() {
    let mut h = h();
    h.keys(&["<Down>", "<Enter>", "<Tab>"]);
    assert_eq!(quota_panel(&h).tab, 1, "quota panel");
    snap("quota_panel", &h, 80, 24);
    snap("quota_panel_40x12", &h, 40, 12);
    // Own 行政编制, then the subtree's 行政编制, 事业编制.
    h.keys(&["<Down>", "<Down>", "<Enter>"]);
    let d: &Drill = top(&h);
    assert_eq!(d.table.rows.len(), 1, "{:?}", d.table.rows);
    assert!(d.table.rows[0][1].ends_with("县一中"), "{:?}", d.table.rows);
    assert_eq!(d.table.rows[0][2], "事业编制");
    assert_eq!(
        d.targets[0],
        Target::Unit {
            org: 5,
            staffing: StaffingType::PublicInstitution
        }
    );
    snap("drill_units", &h, 80, 24);
    h.keys(&["<Enter>"]);
    let d: &Drill = top(&h);
    let names: Vec<&str> = d.table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["刘洋"], "陈静 is 编外 and not behind the figure");
    assert!(d.table.rows[0][3].contains("********"), "masked");
    h.keys(&["<Enter>"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!("person view")
    };
    assert_eq!(p.data.person.name, "刘洋");
    h.keys(&["<Esc>", "<Esc>", "<Esc>"]);
    assert_eq!(quota_panel(&h).tab, 1, "back on the quota panel");
    // The unit's own figure: the persons occupying it.
    h.keys(&["<Home>", "<Enter>"]);
    let d: &Drill = top(&h);
    let names: Vec<&str> = d.table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["张伟", "单晓燕"]);
}

#[test]
fn subtree_total_opens_every_unit_worst_first() {
    let mut h = h();
    // From the root: its subtree total row.
    h.keys(&["<Enter>", "<Tab>", "<End>", "<Enter>"]);
    let d: &Drill = top(&h);
    let units: Vec<&str> = d.table.rows.iter().map(|r| r[1].as_str()).collect();
    assert!(
        units[0].ends_with("县财政局"),
        "over quota first: {units:?}"
    );
    assert_eq!(d.table.rows[0][9], "超编");
    assert_eq!(d.table.rows.len(), 3);
}

#[test]
fn the_overview_counts_and_opens_each_list() {
    let mut h = h();
    h.keys(&["g", "o"]);
    let o: &JurisdictionScreen = top(&h);
    assert_eq!(o.data.totals.total().approved, 54);
    assert_eq!(o.data.units_over, 1);
    assert_eq!(o.data.persons_active, 9);
    let due: i64 = o.data.retirements.iter().map(|m| m.1).sum();
    assert_eq!(due, 1, "孙立新 in 2025-08");
    snap("overview", &h, 80, 24);
    snap("overview_40x12", &h, 40, 12);
    // Tab: the retirement months; Tab: the warnings; Enter opens the 超编 list.
    h.keys(&["<Tab>"]);
    assert_eq!(
        top::<JurisdictionScreen>(&h).selected(),
        Some(Item::Month(YearMonth::new(2025, 3)))
    );
    h.keys(&["<Tab>", "<Enter>"]);
    let w: &WarningsScreen = top(&h);
    assert_eq!(w.kind, Some(WarningKind::OverQuota));
    assert_eq!(w.shown.len(), 1);
    // Enter jumps to the unit the warning names.
    h.keys(&["<Enter>"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!("unit view")
    };
    assert_eq!(v.data.org.name, "示例县财政局");
    h.keys(&["<Esc>", "<Esc>"]);
    // The months of the forecast open the persons retiring then.
    h.keys(&["<Home>", "<Tab>"]);
    for _ in 0..5 {
        h.keys(&["<Down>"]);
    }
    assert_eq!(
        top::<JurisdictionScreen>(&h).selected(),
        Some(Item::Month(YearMonth::new(2025, 8)))
    );
    h.keys(&["<Enter>"]);
    let d: &Drill = top(&h);
    assert_eq!(d.table.rows.len(), 1);
    assert_eq!(d.table.rows[0][1], "孙立新");
}

#[test]
fn the_warnings_screen_filters_by_kind_and_jumps_to_persons() {
    let mut h = h();
    h.keys(&[":"]);
    h.type_text("预警");
    h.keys(&["<Enter>"]);
    let w: &WarningsScreen = top(&h);
    assert_eq!(w.kind, None);
    let kinds: Vec<WarningKind> = w.shown.iter().map(|w| w.kind).collect();
    for k in [
        WarningKind::OverQuota,
        WarningKind::Retirement,
        WarningKind::Overage,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    snap("warnings", &h, 80, 24);
    snap("warnings_40x12", &h, 40, 12);
    // Tab steps through the kinds: all, 超编, 满编, 超职数, 退休预报, 超龄在职.
    for _ in 0..5 {
        h.keys(&["<Tab>"]);
    }
    let w: &WarningsScreen = top(&h);
    assert_eq!(w.kind, Some(WarningKind::Overage));
    assert_eq!(w.shown.len(), 1);
    h.keys(&["<Enter>"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!("person view")
    };
    assert_eq!(p.data.person.name, "赵建国");
}

#[test]
fn exports_read_back_as_the_screen_rows_and_are_audited() {
    let mut h = h();
    h.keys(&["<Enter>", "<Tab>", "<End>", "<Enter>"]);
    let screen_rows = top::<Drill>(&h).table.clone();
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("units.csv");
    h.keys(&[":"]);
    h.type_text(&format!("export {}", csv_path.display()));
    h.keys(&["<Enter>"]);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, screen_rows.header);
    let back: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(back, screen_rows.rows);
    // The command line's `export quota` has the same columns.
    let cli = crate::report::quota_table(h.rt.store().conn(), 1, Lang::Zh).unwrap();
    assert_eq!(cli.header, screen_rows.header);
    let mut sorted = cli.rows.clone();
    let mut shown = screen_rows.rows.clone();
    sorted.sort();
    shown.sort();
    assert_eq!(sorted, shown, "the same rows, in another order");

    // XLSX of the warnings screen, into a directory.
    h.keys(&["<Esc>", "<Esc>", "g", "w"]);
    let warnings = top::<WarningsScreen>(&h).table.clone();
    h.keys(&[":"]);
    h.type_text(&format!("export xlsx {}", dir.path().display()));
    h.keys(&["<Enter>"]);
    let xlsx = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("an xlsx file in the directory");
    let cells = crate::report::tests::xlsx_cells(&xlsx);
    assert_eq!(cells[0], warnings.header);
    assert_eq!(&cells[1..], &warnings.rows[..]);
    let audited: Vec<(String, i64)> = crate::store::timeline::audit(h.rt.store().conn(), 100)
        .unwrap()
        .into_iter()
        .rev()
        .filter(|i| {
            i.kind
                == crate::store::timeline::ItemKind::Audit(
                    crate::store::timeline::AuditAction::Export,
                )
        })
        .map(|i| match i.source {
            crate::store::timeline::Source::Audit { rows, .. } => (
                crate::tui::i18n::item_summary(&i, Lang::Zh),
                rows.unwrap_or(-1),
            ),
            _ => unreachable!("an audit item"),
        })
        .collect();
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert!(audited[0].0.contains("units.csv"));
    assert_eq!(audited[0].1, screen_rows.rows.len() as i64);
    assert_eq!(audited[1].1, warnings.rows.len() as i64);
}

/// The screens show the store's figures as they are (the same values `bianzhi
/// overview/warnings/org --json` serialise; tests/cli.rs checks that side).
#[test]
fn the_screens_show_the_stores_figures() {
    let mut h = h();
    let today = h.state.now.date_naive();
    h.keys(&["g", "o"]);
    let o: &JurisdictionScreen = top(&h);
    let direct = crate::store::stats::jurisdiction(h.rt.store().conn(), today).unwrap();
    assert_eq!(o.data, direct);
    // The warnings screen: one row per warning, in the store's order.
    h.keys(&["g", "w"]);
    let w: &WarningsScreen = top(&h);
    let list = crate::store::warnings::warnings(
        h.rt.store().conn(),
        crate::store::warnings::Filter {
            kind: None,
            within: 12,
            today: YearMonth::of(today),
            scope: None,
        },
    )
    .unwrap();
    assert_eq!(list.len(), w.table.rows.len());
    for (x, row) in list.iter().zip(&w.table.rows) {
        assert_eq!(x.org_id.to_string(), row[1]);
        assert_eq!(x.message, row[5]);
        assert_eq!(
            x.person
                .as_ref()
                .map(|p| p.name.as_str())
                .unwrap_or_default(),
            row[3].as_str()
        );
    }
    // The quota panel's subtree table (the cursor's table) against the subtree figures.
    h.keys(&["<Esc>", "<Esc>", "<Down>", "<Enter>", "<Tab>", "<Down>"]);
    let panel = quota_panel(&h).table();
    assert!(panel.title.contains("含下级"), "{}", panel.title);
    let subtree = crate::store::queries::subtree_figures(h.rt.store().conn(), 2).unwrap();
    assert_eq!(
        subtree.quota.len() + 1,
        panel.rows.len(),
        "types and a total row"
    );
    for ((t, q), row) in subtree.quota.iter().zip(&panel.rows) {
        assert_eq!(t.zh(), row[0]);
        for (v, col) in [
            (q.approved, 2),
            (q.actual, 3),
            (q.reserved, 4),
            (q.vacant, 5),
            (q.over, 6),
            (q.usable, 7),
        ] {
            assert_eq!(v.to_string(), row[col], "{} column {col}", row[0]);
        }
    }
}

#[test]
fn subtree_post_figures_drill_down_to_units_then_holders() {
    let slot = PostSlot {
        level: Level::SectionFull,
        rank: PostRank::Chief,
    };
    let post = |id: i64, org_id: OrgId| PostEntry {
        id,
        org_id,
        doc_no: format!("示编〔2020〕{id}号"),
        date: d(2020, 1, 1),
        slot,
        delta: 1,
        summary: "核定领导职数".into(),
    };
    let mut data = data();
    data.posts = vec![post(1, 2), post(2, 5)];
    // 县一中 has two holders of its one post: over, so it comes first.
    for p in data
        .persons
        .iter_mut()
        .filter(|p| [1, 6, 7].contains(&p.id))
    {
        p.leader_post = Some(slot);
    }
    let mut h = harness_with(store_with(&data), Lang::Zh, false, "default");
    h.keys(&["<Down>", "<Enter>", "<Tab>"]);
    // Own 行政编制; the subtree's 行政, 事业, 合计; own posts; the subtree's posts.
    h.keys(&["<Down>", "<Down>", "<Down>", "<Down>", "<Down>", "<Enter>"]);
    let d: &Drill = top(&h);
    let units: Vec<_> = d.table.rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert!(units[0].ends_with("县一中"), "worst first: {units:?}");
    assert_eq!(d.targets[0], Target::Holders { org: 5, slot });
    assert!(h.text().contains("超职数"), "{}", h.text());
    h.keys(&["<Enter>"]);
    let d: &Drill = top(&h);
    let names: Vec<_> = d.table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["刘洋", "陈静"]);
}

#[test]
fn the_overview_names_every_staffing_type_in_full_at_80x24() {
    let mut data = data();
    for (i, &t) in StaffingType::ALL.iter().enumerate() {
        data.ledger.push(ledger(10 + i as i64, 4, t, 3));
    }
    let mut h = harness_with(store_with(&data), Lang::Zh, false, "default");
    h.keys(&["g", "o"]);
    let text = h.text();
    for t in StaffingType::ALL {
        assert!(text.contains(t.zh()), "{} in full:\n{text}", t.zh());
    }
}

/// A city's figures at 80 columns: every figure and name whole, and no month's count
/// cut or run into its neighbour (the largest month is said in words instead).
#[test]
fn the_overview_of_a_city_keeps_every_figure_whole_at_80_columns() {
    let mut h = h();
    h.keys(&["g", "o"]);
    let Some(View::Screen(s)) = h.state.stack.pop() else {
        panic!("the overview")
    };
    let o = s.as_any().downcast_ref::<JurisdictionScreen>().unwrap();
    let mut data = o.data.clone();
    for (_, q) in &mut data.totals.quota {
        q.approved *= 3_456;
        q.actual *= 3_456;
        q.vacant *= 3_456;
        q.over *= 345;
        q.usable *= 3_456;
    }
    for (i, m) in data.retirements.iter_mut().enumerate() {
        m.1 = 100 + 37 * i as i64;
    }
    let total = data.totals.total();
    h.state
        .stack
        .push(View::Screen(Box::new(JurisdictionScreen::new(
            data,
            Lang::Zh,
        ))));
    let text = h.screen(80, 24).backend().to_string();
    for n in [total.approved, total.actual, total.vacant, total.usable] {
        assert!(text.contains(&n.to_string()), "{n} whole: {text}");
    }
    assert!(!text.contains('…'), "nothing cut: {text}");
    let peak = 100 + 37 * 11;
    assert!(text.contains(&format!("单月最多{peak}人")), "{text}");
    assert!(
        !text.contains(&format!("{peak}{}", 100 + 37 * 10)),
        "{text}"
    );
}
