//! The 报表 and 推演 screens (issue 17), with the harness of `tests.rs`: opened by their
//! keys and from the palette, read on the executor, snapshots at 80x24.

use super::super::forecast::ForecastScreen;
use super::super::report::{ReportScreen, ReportsScreen};
use super::*;
use crate::report::standard::Kind;

/// The hand-built county plus two men of 财政局 (already over its 行政编制 of 2): one
/// due in 2025-08 (born 1965-06), one in 2026-05 (born 1966-01).
fn data() -> Dataset {
    let mut data = dataset();
    let admin = StaffingType::ALL[0];
    let mut a = person(8, 3, "赵建国", "科员", Some(admin));
    a.birth_date = Some(d(1965, 6, 10));
    let mut b = person(9, 3, "孙立新", "科员", Some(admin));
    b.birth_date = Some(d(1966, 1, 10));
    data.persons.extend([a, b]);
    data
}

fn h() -> Harness {
    let mut h = harness_with(store_with(&data()), Lang::Zh, false, "default");
    h.index();
    h
}

#[test]
fn reports_are_picked_viewed_scrolled_and_exported_as_printed() {
    let mut h = h();
    h.keys(&["<F8>"]);
    top::<ReportsScreen>(&h);
    snap("reports_list", &h, 80, 24);
    // The annual report stands on last 31 December.
    h.keys(&["<Enter>"]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(r.report.as_of, d(2024, 12, 31));
    assert_eq!(r.report.title, Kind::Establishment.title(Lang::Zh));
    snap("report_establishment", &h, 80, 24);

    // 人员结构表 is wider than the screen: the figures scroll, 系统 and the header stay.
    h.keys(&["<Esc>", "<Down>", "<Down>", "<Down>", "<Down>", "<Enter>"]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(r.report.title, Kind::Structure.title(Lang::Zh));
    let first_label = r.report.rows[0][0].text();
    let before = h.text();
    assert!(before.contains("系统") && before.contains(&first_label));
    snap("report_structure", &h, 80, 24);
    h.keys(&[
        "<Right>", "<Right>", "<Right>", "<Right>", "<Right>", "<Right>",
    ]);
    assert_eq!(top::<ReportScreen>(&h).col, 6);
    let after = h.text();
    assert!(
        after.contains("系统") && after.contains(&first_label),
        "{after}"
    );
    assert_ne!(before, after, "the figures moved");
    assert!(after.contains("合计"), "the totals row stays");
    snap("report_structure_scrolled", &h, 80, 24);
    h.keys(&["<Left>"]);
    assert_eq!(top::<ReportScreen>(&h).col, 5);

    // Ctrl-E (here `:export DIR`): the workbook as offices print it, on the writer.
    let dir = tempfile::tempdir().unwrap();
    h.keys(&[":"]);
    h.type_text(&format!("export {}", dir.path().display()));
    h.keys(&["<Enter>"]);
    let xlsx = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("a workbook, not CSV, for a report");
    let cells = crate::report::tests::xlsx_cells(&xlsx);
    assert_eq!(cells[0][0], Kind::Structure.title(Lang::Zh));
    assert!(cells[1][0].contains("示例县"), "{:?}", cells[1]);
    assert_eq!(cells[2][0], "系统");
    let r = top::<ReportScreen>(&h);
    let last = cells.last().unwrap();
    assert_eq!(last[0], "合计");
    assert_eq!(last[1], r.report.totals[1].text());
}

#[test]
fn forecast_screen_shows_each_year_per_staffing_type() {
    let mut h = h();
    h.keys(&["<F9>"]);
    let f = &top::<ForecastScreen>(&h).forecast;
    assert_eq!(
        f.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2025, 2026, 2027, 2028, 2029]
    );
    assert_eq!(f.years[0].total.end.retiring, 1, "the man born 1965-06");
    assert_eq!(f.years[1].total.end.retiring, 1, "the man born 1966-01");
    let names: Vec<&str> = f.retiring.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["赵建国", "孙立新"]);
    assert!(f.retiring.iter().all(|r| r.birth.ends_with("-**-**")));
    // 财政局: 行政编制 2, five on the books, two retiring: still over after five years.
    let back: Vec<_> = f.back_within.iter().filter(|b| b.org_id == 3).collect();
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].over, back[0].year), (3, None));
    snap("forecast", &h, 80, 24);
    // The same screen from the palette, in either language.
    h.keys(&["<Esc>", ":"]);
    h.type_text("推演");
    h.keys(&["<Enter>"]);
    top::<ForecastScreen>(&h);
    h.keys(&["<Esc>", ":"]);
    h.type_text("reports");
    h.keys(&["<Enter>"]);
    top::<ReportsScreen>(&h);
}

#[test]
fn a_report_is_of_the_unit_under_the_cursor_and_steps_from_year_end_to_year_end() {
    let mut h = h();
    // The tree's second row is 示例县教育局.
    h.keys(&["<Down>", "<F8>", "<Enter>"]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(r.report.jurisdiction, "示例县教育局");
    assert_eq!(r.report.as_of, d(2024, 12, 31));
    let depth = h.state.stack.len();
    // `[`: a year earlier, in place of the one in front (Esc still goes back once).
    h.keys(&["["]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(r.report.as_of, d(2023, 12, 31));
    assert_eq!(r.report.jurisdiction, "示例县教育局");
    assert_eq!(h.state.stack.len(), depth);
    assert!(h.text().contains("截至：2023-12-31"), "{}", h.text());
    // `]` twice: back to 2024, then today at most.
    h.keys(&["]", "]"]);
    let today = h.state.now.date_naive();
    assert_eq!(
        top::<ReportScreen>(&h).report.as_of,
        d(2025, 12, 31).min(today)
    );
    h.keys(&["<Esc>"]);
    top::<ReportsScreen>(&h);
}

#[test]
fn year_ends_step_back_and_forward_but_not_past_today() {
    use super::super::report::year_end_step as step;
    let today = d(2026, 12, 2);
    assert_eq!(step(d(2024, 12, 31), false, today), Some(d(2023, 12, 31)));
    assert_eq!(step(d(2026, 12, 2), false, today), Some(d(2025, 12, 31)));
    assert_eq!(step(d(2024, 12, 31), true, today), Some(d(2025, 12, 31)));
    assert_eq!(step(d(2025, 12, 31), true, today), Some(today));
    assert_eq!(step(d(2024, 6, 30), true, today), Some(d(2024, 12, 31)));
    assert_eq!(step(today, true, today), None);
}

#[test]
fn the_forecast_is_of_the_unit_under_the_cursor() {
    let mut h = h();
    // The tree's third row is 示例县财政局, where the two men retire.
    h.keys(&["<Down>", "<Down>", "<F9>"]);
    let f = &top::<ForecastScreen>(&h).forecast;
    assert_eq!((f.org_id, f.jurisdiction.as_str()), (3, "示例县财政局"));
    assert_eq!(f.retiring.len(), 2);
    // 教育局 has none of them.
    h.keys(&["<Esc>", "<Up>", "<F9>"]);
    let f = &top::<ForecastScreen>(&h).forecast;
    assert_eq!(f.org_id, 2);
    assert!(f.retiring.is_empty(), "{:?}", f.retiring.len());
}

#[test]
fn a_report_is_as_of_any_day_typed_and_the_changes_over_any_period() {
    use super::super::keymap::Mode;
    let mut h = h();
    h.keys(&["<F8>", "<Enter>"]);
    let depth = h.state.stack.len();
    // `d` offers the day on screen to change, in place of the report's subtitle.
    h.keys(&["d"]);
    assert_eq!(h.state.mode(), Mode::Input);
    assert!(h.text().contains("截至日期"), "{}", h.text());
    assert!(
        h.text().contains("2024-12-31"),
        "the day on screen is offered"
    );
    h.keys(&["<C-u>"]);
    h.type_text("2023-06-30");
    h.keys(&["<Enter>"]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(r.report.as_of, d(2023, 6, 30));
    assert_eq!(h.state.stack.len(), depth, "in place of the one in front");
    assert_eq!(h.state.mode(), Mode::Unit);
    assert!(h.text().contains("截至：2023-06-30"), "{}", h.text());
    // A month is as of its last day.
    h.keys(&["d", "<C-u>"]);
    h.type_text("2022-02");
    h.keys(&["<Enter>"]);
    assert_eq!(top::<ReportScreen>(&h).report.as_of, d(2022, 2, 28));

    // What cannot be read, or lies ahead, is said; the report stays as it was.
    h.keys(&["d", "<C-u>"]);
    h.type_text("2022-13-45");
    h.keys(&["<Enter>"]);
    assert!(h.text().contains("无法识别的日期"), "{}", h.text());
    assert_eq!(h.state.mode(), Mode::Input);
    h.keys(&["<C-u>"]);
    h.type_text("2999-01-01");
    h.keys(&["<Enter>"]);
    assert!(h.text().contains("不能晚于今天"), "{}", h.text());
    h.keys(&["<Esc>"]);
    assert_eq!(h.state.mode(), Mode::Unit);
    assert_eq!(top::<ReportScreen>(&h).report.as_of, d(2022, 2, 28));
    assert_eq!(h.state.stack.len(), depth);

    // 人员变动表 takes a period: its title and JSON say both ends.
    h.keys(&["<Esc>"]);
    let n = Kind::ALL.iter().position(|k| *k == Kind::Changes).unwrap();
    for _ in 0..n {
        h.keys(&["<Down>"]);
    }
    h.keys(&["<Enter>", "d"]);
    assert!(h.text().contains("期间"), "{}", h.text());
    h.keys(&["<C-u>"]);
    h.type_text("2023-03..2023-05");
    h.keys(&["<Enter>"]);
    let r = top::<ReportScreen>(&h);
    assert_eq!(
        (r.report.from, r.report.as_of),
        (Some(d(2023, 3, 1)), d(2023, 5, 31))
    );
    assert!(
        r.report.title.contains("2023-03-01至2023-05-31"),
        "{}",
        r.report.title
    );
    let json = serde_json::to_value(&r.report).unwrap();
    assert_eq!(json["from"], "2023-03-01");
    assert_eq!(json["as_of"], "2023-05-31");
    h.keys(&["d", "<C-u>"]);
    h.type_text("2023-05..2023-03");
    h.keys(&["<Enter>"]);
    assert!(h.text().contains("起日晚于止日"), "{}", h.text());
}

#[test]
fn the_days_typed_for_a_report_are_read_as_its_kind_needs() {
    use super::super::report::read_days;
    use crate::tui::i18n::M;
    let today = d(2026, 12, 2);
    let est = Kind::Establishment;
    assert_eq!(read_days(est, "", today), Ok((None, None)));
    assert_eq!(
        read_days(est, "2023", today),
        Ok((None, Some(d(2023, 12, 31))))
    );
    assert_eq!(
        read_days(est, "2020..2022-06", today),
        Ok((None, Some(d(2022, 6, 30))))
    );
    assert_eq!(read_days(est, "2026", today), Err(M::ReportDayFuture));
    assert_eq!(read_days(est, "soon", today), Err(M::ReportDayUnread));
    let ch = Kind::Changes;
    assert_eq!(
        read_days(ch, "2024", today),
        Ok((Some(d(2024, 1, 1)), Some(d(2024, 12, 31))))
    );
    assert_eq!(
        read_days(ch, "2025-07..", today),
        Ok((Some(d(2025, 7, 1)), Some(today)))
    );
    assert_eq!(
        read_days(ch, "..2025-03", today),
        Ok((Some(d(2025, 1, 1)), Some(d(2025, 3, 31))))
    );
}
