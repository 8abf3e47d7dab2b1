//! `update` tests (build a state, apply actions, assert fields) and screen snapshots
//! over ratatui's TestBackend at 80x24 and small sizes. The data is hand-built so the
//! snapshots do not move when the generator changes; times are fixed.

use super::action::{Action, Effect, SyncFailure};
use super::keymap::{Key, Keymap};
use super::state::{Overlay, State, View};
use super::theme::Theme;
use super::{Runtime, view};
use crate::model::*;
use crate::store::Store;
use chrono::{NaiveDate, TimeZone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tokio::sync::mpsc::unbounded_channel;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn org(id: OrgId, parent: Option<OrgId>, kind: OrgKind, name: &str, short: Option<&str>) -> Org {
    Org {
        id,
        parent_id: parent,
        kind,
        name: name.into(),
        short_name: short.map(Into::into),
        category: Some(Category::Government),
        level: Some(Level::SectionFull),
        nature: Some(Nature::parse("行政机关").unwrap_or(Nature::ALL[0])),
        credit_code: Some("11990000MB0000001X".into()),
        domain_name: Some(format!("{name}.政务")),
        founding_doc: Some("示编〔2010〕1号".into()),
        founding_date: Some(d(2010, 3, 1)),
        sort: id as i32,
        abolished: false,
    }
}

fn person(
    id: PersonId,
    org_id: OrgId,
    name: &str,
    post: &str,
    staffing: Option<StaffingType>,
) -> Person {
    Person {
        id,
        org_id,
        name: name.into(),
        id_number: format!("99010219800101{:03}X", id % 1000),
        sex: Sex::Male,
        birth_date: Some(d(1980, 1, 1)),
        ethnicity: "汉族".into(),
        political_status: Some(PoliticalStatus::ALL[0]),
        funding_type: Some(FundingType::ALL[0]),
        work_start: Some(d(2002, 7, 1)),
        entry_form: Some(EntryForm::ALL[0]),
        entry_doc: Some("示编〔2002〕9号".into()),
        entry_date: Some(d(2002, 7, 1)),
        post: Some(post.into()),
        rank: Some("一级主任科员".into()),
        post_type: PostType::ALL[0],
        school: Some("示例大学".into()),
        education: Some(Education::ALL[0]),
        degree: None,
        major: Some("汉语言文学".into()),
        staffing_type: staffing,
        leader_post: None,
        status: PersonStatus::ALL[0],
        exit_kind: None,
        exit_date: None,
    }
}

fn ledger(id: i64, org_id: OrgId, t: StaffingType, delta: i32) -> LedgerEntry {
    LedgerEntry {
        id,
        org_id,
        doc_no: format!("示编〔2020〕{id}号"),
        date: d(2020, 1, 1),
        staffing_type: t,
        funding_type: Some(FundingType::ALL[0]),
        delta,
        summary: "核定编制".into(),
        special: false,
    }
}

/// 示例县 › 县教育局 (办公室, 县第一中学) and 县财政局; the 财政局 is over quota.
pub fn dataset() -> Dataset {
    let admin = StaffingType::ALL[0];
    let public = StaffingType::parse("事业编制").unwrap_or(StaffingType::ALL[1]);
    let mut data = Dataset {
        orgs: vec![
            org(1, None, OrgKind::Region, "示例县", None),
            org(
                2,
                Some(1),
                OrgKind::Institution,
                "示例县教育局",
                Some("县教育局"),
            ),
            org(
                3,
                Some(1),
                OrgKind::Institution,
                "示例县财政局",
                Some("县财政局"),
            ),
            org(4, Some(2), OrgKind::InternalDept, "办公室", None),
            org(
                5,
                Some(2),
                OrgKind::PublicInstitution,
                "示例县第一中学",
                Some("县一中"),
            ),
        ],
        ledger: vec![
            ledger(1, 2, admin, 12),
            ledger(2, 3, admin, 2),
            ledger(3, 5, public, 40),
        ],
        ..Dataset::default()
    };
    data.persons = vec![
        person(1, 2, "张伟", "局长", Some(admin)),
        person(2, 2, "单晓燕", "副局长", Some(admin)),
        person(3, 3, "曾国强", "局长", Some(admin)),
        person(4, 3, "李娜", "科员", Some(admin)),
        person(5, 3, "王芳", "科员", Some(admin)),
        person(6, 5, "刘洋", "教师", Some(public)),
        person(7, 5, "陈静", "教师", None),
    ];
    data.events = vec![Event {
        id: 1,
        subject: Subject::Org(2),
        kind: EventKind::ALL[0],
        date: d(2010, 3, 1),
        doc_no: Some("示编〔2010〕1号".into()),
        summary: "设立示例县教育局".into(),
        detail: None,
        operator: "编办".into(),
        from_org: None,
        to_org: None,
    }];
    data
}

fn store_with(data: &Dataset) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(data).unwrap();
    s
}

struct Harness {
    state: State,
    rt: Runtime,
}

fn harness_with(store: Store, lang: Lang, read_only: bool, keymap: &str) -> Harness {
    let (sync_tx, _srx) = unbounded_channel();
    let km = Arc::new(Keymap::preset(keymap).unwrap());
    let theme = Theme {
        color: false,
        ascii: false,
        lang,
    };
    let now = chrono::Local
        .with_ymd_and_hms(2025, 3, 5, 10, 30, 0)
        .unwrap();
    let state = State::new(km, theme, read_only, (80, 24), now);
    let mut h = Harness {
        state,
        rt: Runtime {
            exec: crate::store::exec::Executor::inline(store),
            sync_tx,
            lang,
        },
    };
    h.act(Action::Effect(Effect::LoadRoots));
    h
}

fn harness() -> Harness {
    let mut h = harness_with(store_with(&dataset()), Lang::Zh, false, "default");
    h.index();
    h
}

impl Harness {
    fn act(&mut self, a: Action) {
        self.rt.dispatch(&mut self.state, a);
    }
    fn index(&mut self) {
        let entries = crate::store::search_entries(self.rt.store().conn(), self.rt.lang).unwrap();
        let units = super::data::unit_names(self.rt.store()).unwrap();
        self.act(Action::IndexReady(
            Arc::new(crate::search::SearchIndex::build(entries)),
            Arc::new(units),
        ));
    }
    /// Presses keys written as in a keymap file, one per item.
    fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            let key = Key::parse(k).unwrap_or_else(|| panic!("key {k}"));
            self.act(Action::Key(to_event(key)));
        }
    }
    fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.act(Action::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }
    fn screen(&self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(&self.state, f)).unwrap();
        t
    }
    fn text(&self) -> String {
        self.screen(80, 24).backend().to_string()
    }
    fn selected_name(&self) -> String {
        let id = self.state.tree.selected().unwrap();
        self.state.tree.nodes[&id].name().to_string()
    }
}

fn to_event(k: Key) -> KeyEvent {
    use super::keymap::{KeyCodeOrd, Named};
    let code = match k.code {
        KeyCodeOrd::Char(c) => KeyCode::Char(c),
        KeyCodeOrd::F(n) => KeyCode::F(n),
        KeyCodeOrd::Named(n) => match n {
            Named::Esc => KeyCode::Esc,
            Named::Enter => KeyCode::Enter,
            Named::Tab if k.shift => KeyCode::BackTab,
            Named::Tab => KeyCode::Tab,
            Named::Backspace => KeyCode::Backspace,
            Named::Delete => KeyCode::Delete,
            Named::Insert => KeyCode::Insert,
            Named::Up => KeyCode::Up,
            Named::Down => KeyCode::Down,
            Named::Left => KeyCode::Left,
            Named::Right => KeyCode::Right,
            Named::Home => KeyCode::Home,
            Named::End => KeyCode::End,
            Named::PageUp => KeyCode::PageUp,
            Named::PageDown => KeyCode::PageDown,
            Named::Space => KeyCode::Char(' '),
        },
    };
    let mut m = KeyModifiers::NONE;
    if k.ctrl {
        m |= KeyModifiers::CONTROL;
    }
    if k.alt {
        m |= KeyModifiers::ALT;
    }
    if k.shift {
        m |= KeyModifiers::SHIFT;
    }
    KeyEvent::new(code, m)
}

// ---- update: navigation -------------------------------------------------------------

#[test]
fn the_single_root_opens_by_itself_and_arrows_walk_the_tree() {
    let mut h = harness();
    let names: Vec<_> = h
        .state
        .tree
        .rows
        .iter()
        .map(|r| h.state.tree.nodes[&r.0].name().to_string())
        .collect();
    assert_eq!(names, ["示例县", "示例县教育局", "示例县财政局"]);
    h.keys(&["<Down>", "<Right>"]);
    assert_eq!(h.state.tree.rows.len(), 5, "教育局 expanded");
    h.keys(&["<Down>", "<Down>"]);
    assert_eq!(h.selected_name(), "示例县第一中学");
    h.keys(&["<S-Left>"]);
    assert_eq!(h.selected_name(), "示例县教育局", "jump to parent");
    h.keys(&["<Left>"]);
    assert_eq!(h.state.tree.rows.len(), 3, "collapsed");
    h.keys(&["<Left>"]);
    assert_eq!(
        h.selected_name(),
        "示例县",
        "collapse on a collapsed node goes to the parent"
    );
    h.keys(&["<End>"]);
    assert_eq!(h.selected_name(), "示例县财政局");
    h.keys(&["g", "g"]);
    assert_eq!(h.selected_name(), "示例县");
}

/// Issue 19: the cursor marks the arrow and the name, so a move writes the two names
/// again and nothing of their rows' figures (about what `less` writes for a line).
#[test]
fn a_cursor_move_in_the_tree_restyles_two_names_not_two_rows() {
    use ratatui::{TerminalOptions, Viewport};
    let mut h = harness();
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let mut t = Terminal::with_options(
        super::backend::Lean::new(Vec::new()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .unwrap();
    t.draw(|f| view::render(&h.state, f)).unwrap();
    let before = t.backend().writer().len();
    let rows_text = h.text();
    let row_of = |name: &str| {
        rows_text
            .lines()
            .find(|l| l.contains(name) && l.contains('│'))
            .unwrap_or_else(|| panic!("{name} on the screen"))
            .to_string()
    };
    let (old, new) = (row_of("示例县 "), row_of("示例县教育局"));
    h.keys(&["<Down>"]);
    assert_eq!(h.selected_name(), "示例县教育局");
    t.draw(|f| view::render(&h.state, f)).unwrap();
    let all = t.backend().writer().clone();
    let moved = String::from_utf8_lossy(&all[before..]).to_string();
    assert!(moved.contains("示例县教育局"), "{moved:?}");
    // The figures at the right of both rows are not written again.
    for row in [&old, &new] {
        let figures: Vec<&str> = row
            .split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()) && w.len() >= 2)
            .collect();
        assert!(!figures.is_empty(), "figures in {row:?}");
        for f in figures {
            assert!(!moved.contains(f), "{f} written again in {moved:?}");
        }
    }
    // On the terminal, only the arrow and the name of the cursor's row are reversed.
    let mut vt = vt100::Parser::new(24, 80, 0);
    vt.process(&all);
    let screen = vt.screen();
    let reversed: Vec<(u16, u16)> = (0..24)
        .flat_map(|y| (0..80).map(move |x| (y, x)))
        .filter(|&(y, x)| screen.cell(y, x).is_some_and(|c| c.inverse()))
        .collect();
    let y = reversed.first().expect("a marked row").0;
    assert!(reversed.iter().all(|c| c.0 == y), "one row marked");
    let marked: String = reversed
        .iter()
        .filter_map(|&(y, x)| screen.cell(y, x).map(|c| c.contents().to_string()))
        .collect();
    assert_eq!(marked.trim(), "▸ 示例县教育局");
}

#[test]
fn type_ahead_finds_by_hanzi_and_by_initials() {
    let mut h = harness();
    h.act(Action::Paste("财政".into()));
    assert_eq!(h.selected_name(), "示例县财政局");
    h.act(Action::Tick(h.state.now));
    h.act(Action::Tick(h.state.now));
    assert!(h.state.tree.typeahead.is_empty(), "forgotten after a pause");
    h.type_text("slxc");
    assert_eq!(h.selected_name(), "示例县财政局");
    h.act(Action::Tick(h.state.now));
    h.act(Action::Tick(h.state.now));
    h.type_text("slxj");
    assert_eq!(
        h.selected_name(),
        "示例县教育局",
        "initials: {:?}",
        h.state.tree.nodes[&2].initials
    );
}

#[test]
fn enter_opens_the_unit_tab_switches_panels_and_back_returns() {
    let mut h = harness();
    h.keys(&["<Down>", "<Enter>"]);
    assert_eq!(h.state.mode(), super::keymap::Mode::Unit);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!("unit view")
    };
    assert_eq!(v.data.org.name, "示例县教育局");
    assert_eq!(v.data.persons.len(), 2);
    h.keys(&["<Tab>", "<Tab>", "<Tab>"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!()
    };
    assert_eq!(v.tab, 3, "people panel");
    h.keys(&["<Down>", "<Enter>"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!("person view")
    };
    assert_eq!(p.data.person.name, "单晓燕");
    h.keys(&["-"]);
    assert!(matches!(h.state.stack.last(), Some(View::Unit(_))));
    h.keys(&["<Backspace>"]);
    assert!(h.state.stack.is_empty());
    assert_eq!(h.selected_name(), "示例县教育局");
}

#[test]
fn keys_arriving_in_a_burst_are_all_handled_in_order() {
    let mut h = harness();
    h.keys(&["<Down>", "<Right>", "<Down>", "<Down>", "<Down>", "<Up>"]);
    assert_eq!(h.selected_name(), "示例县第一中学");
}

// ---- update: lookup -------------------------------------------------------------------

#[test]
fn lookup_updates_on_every_keystroke_and_opens_the_person_masked() {
    let mut h = harness();
    h.keys(&["/"]);
    assert_eq!(h.state.overlay, Some(Overlay::Search));
    h.type_text("z");
    let first = h.state.search.hits.len();
    assert!(first > 0);
    h.type_text("w");
    assert_eq!(
        h.state.search.hits[0].name, "张伟",
        "{:?}",
        h.state.search.hits
    );
    assert!(h.state.search.hits.len() <= first);
    // typing q into the look-up types it, never quits
    h.type_text("q");
    assert!(!h.state.quit);
    h.keys(&["<Backspace>", "<Enter>"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!("person view")
    };
    assert!(!p.revealed);
    let text = h.text();
    assert!(text.contains("990102********001X"), "{text}");
    assert!(!text.contains("99010219800101001X"), "{text}");
    assert!(text.contains("1980-**-**"), "{text}");
}

#[test]
fn surnames_read_as_surnames_and_units_are_found_too() {
    let mut h = harness();
    h.keys(&["/"]);
    h.type_text("shan");
    assert_eq!(
        h.state.search.hits.first().map(|f| f.name.as_str()),
        Some("单晓燕")
    );
    h.keys(&["<C-u>"]);
    h.type_text("财政");
    assert!(h.state.search.hits.iter().any(|f| f.name == "示例县财政局"));
}

#[test]
fn reveal_is_audited_and_refused_in_read_only_mode() {
    let mut h = harness();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["r"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!()
    };
    assert!(p.revealed);
    assert!(h.text().contains("99010219800101001X"));
    let n: i64 =
        h.rt.store()
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'reveal' \
                 AND typed = '{\"kind\":\"revealed\",\"person\":1}'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(n, 1);

    let mut h = harness_with(store_with(&dataset()), Lang::Zh, true, "default");
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["r"]);
    let Some(View::Person(p)) = h.state.stack.last() else {
        panic!()
    };
    assert!(!p.revealed);
    let text = h.text();
    assert!(text.contains("只读"), "{text}");
    let n: i64 =
        h.rt.store()
            .conn()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn lookup_before_the_index_is_ready_says_so_then_fills_in() {
    let mut h = harness_with(store_with(&dataset()), Lang::Zh, false, "default");
    h.keys(&["/"]);
    h.type_text("张");
    assert!(h.text().contains("索引加载中"));
    h.index();
    assert_eq!(
        h.state.search.hits.first().map(|f| f.name.as_str()),
        Some("张伟")
    );
}

#[test]
fn palette_goes_to_a_unit_by_name_and_switches_panels() {
    let mut h = harness();
    h.keys(&[":"]);
    h.type_text("单位 一中");
    h.keys(&["<Enter>"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!("unit view")
    };
    assert_eq!(v.data.org.name, "示例县第一中学");
    assert_eq!(h.selected_name(), "示例县第一中学", "revealed in the tree");
    h.keys(&[":"]);
    h.type_text("panel history");
    h.keys(&["<Enter>"]);
    let Some(View::Unit(v)) = h.state.stack.last() else {
        panic!()
    };
    assert_eq!(v.tab, 4);
    h.keys(&[":"]);
    h.type_text("nonsense");
    h.keys(&["<Enter>"]);
    assert!(h.state.message.as_ref().is_some_and(|m| m.error));
    h.keys(&[":"]);
    h.type_text("quit");
    h.keys(&["<Enter>"]);
    assert!(h.state.quit);
}

#[test]
fn a_pending_sequence_shows_which_key_and_esc_cancels_it() {
    let mut h = harness();
    h.keys(&["g"]);
    assert_eq!(h.state.pending.len(), 1);
    let text = h.text();
    assert!(
        text.contains("回到机构树") && text.contains("到顶部"),
        "{text}"
    );
    h.keys(&["<Esc>"]);
    assert!(h.state.pending.is_empty());
    assert!(h.state.stack.is_empty());
}

#[test]
fn offline_is_a_state_not_an_error() {
    let mut h = harness();
    h.act(Action::SyncFinished(Err(SyncFailure::Offline(
        "connection refused".into(),
    ))));
    assert_eq!(h.state.online, Some(false));
    assert!(h.state.message.is_none(), "no message about being offline");
    h.act(Action::SyncFinished(Err(SyncFailure::Failed(
        "服务器不接受令牌".into(),
    ))));
    assert!(
        h.state
            .message
            .as_ref()
            .is_some_and(|m| m.error && m.text.contains("令牌"))
    );
}

#[test]
fn paste_and_long_input_are_capped_and_cleaned() {
    let mut h = harness();
    h.keys(&["/"]);
    h.act(Action::Paste(format!("张伟\n{}", "很长".repeat(1000))));
    assert_eq!(
        h.state.search.input.text.chars().count(),
        super::lookup::MAX_INPUT
    );
    assert!(!h.state.search.input.text.contains('\n'));
    h.text();
}

#[test]
fn a_sync_with_changes_reloads_the_open_views_in_place() {
    use super::keymap::Cmd;
    let mut h = harness();
    // 县财政局 on its 人员 tab, the cursor on 李娜; the warnings over it, on its second row.
    h.act(Action::Effect(Effect::Goto { id: 3, open: true }));
    h.keys(&["<Tab>", "<Tab>", "<Tab>", "<Down>"]);
    h.act(Action::Effect(Effect::Open(
        super::screens::ScreenRequest::Warnings {
            kind: None,
            lang: Lang::Zh,
        },
    )));
    h.keys(&["<Down>"]);
    let over = |h: &Harness| match h.state.stack.last() {
        Some(View::Screen(v)) => v.table().rows.iter().any(|r| r[0] == "超编"),
        _ => panic!("the warnings on top"),
    };
    assert!(over(&h), "财政局 is over quota");

    // The sync brings a new ledger line for 财政局 and takes 曾国强 (before 李娜) away.
    let mut data = dataset();
    data.ledger.push(ledger(4, 3, StaffingType::ALL[0], 5));
    data.persons.retain(|p| p.id != 3);
    h.rt.store_mut().replace_all(&data).unwrap();
    h.act(Action::SyncFinished(Ok(String::new())));
    h.act(Action::Effect(Effect::Refresh));

    assert_eq!(h.state.stack.len(), 2, "the same views, none pushed");
    assert!(!over(&h), "the warnings read again");
    h.keys(&["<Esc>"]);
    let Some(View::Unit(v)) = h.state.stack.last_mut() else {
        panic!("the unit below");
    };
    assert_eq!(v.data.own.quota_of(StaffingType::ALL[0]).approved, 7);
    assert_eq!(v.tab, 3, "the 人员 tab stays open");
    assert!(
        matches!(
            v.handle(Cmd::Open, 10),
            Some(Action::Effect(Effect::LoadPerson(4)))
        ),
        "the cursor stays on 李娜, who moved up a row"
    );
}

// ---- screens ----------------------------------------------------------------------------

/// The screen in front, as its own type.
fn top<T: 'static>(h: &Harness) -> &T {
    match h.state.stack.last() {
        Some(View::Screen(s)) => s
            .as_any()
            .downcast_ref::<T>()
            .expect("the screen of this type"),
        _ => panic!("no screen on top"),
    }
}

fn snap(name: &str, h: &Harness, w: u16, height: u16) {
    insta::assert_snapshot!(name, h.screen(w, height).backend());
}

#[test]
fn screens_at_80x24() {
    let mut h = harness();
    h.act(Action::Status(super::data::StatusData {
        last_sync: Some(chrono::DateTime::parse_from_rfc3339("2025-03-05T10:25:00+08:00").unwrap()),
        unsent: 2,
        scope: Some("示例县".into()),
        ..Default::default()
    }));
    h.state.now = chrono::DateTime::parse_from_rfc3339("2025-03-05T10:30:00+08:00")
        .unwrap()
        .with_timezone(&chrono::Local);
    h.act(Action::SyncFinished(Err(SyncFailure::Offline(
        String::new(),
    ))));
    h.keys(&["<Down>", "<Right>"]);
    assert!(
        h.text().contains("同步 10:25（5分钟前）")
            || chrono::Local::now().offset().local_minus_utc() != 8 * 3600
    );
    // The clock in the status bar depends on the local time zone: left out of snapshots.
    h.state.status.last_sync = None;
    snap("tree", &h, 80, 24);
    h.keys(&["<Enter>"]);
    snap("unit_overview", &h, 80, 24);
    h.keys(&["<Tab>"]);
    snap("unit_quota", &h, 80, 24);
    h.keys(&["<Tab>"]);
    snap("unit_posts", &h, 80, 24);
    h.keys(&["<Tab>"]);
    snap("unit_people", &h, 80, 24);
    h.keys(&["<Tab>"]);
    snap("unit_history", &h, 80, 24);
    h.keys(&["<Tab>", "<Tab>", "<Tab>", "<Tab>", "<Enter>"]);
    snap("person_masked", &h, 80, 24);
    h.keys(&["<Tab>"]);
    snap("person_career", &h, 80, 24);
    h.keys(&["<Tab>"]);
    h.keys(&["/"]);
    h.type_text("zw");
    snap("lookup", &h, 80, 24);
    h.keys(&["<Esc>", ":"]);
    h.type_text("单位 县");
    snap("palette", &h, 80, 24);
    h.keys(&["<Esc>", "?"]);
    snap("help", &h, 80, 24);
    h.keys(&["<Esc>", "g"]);
    snap("which_key", &h, 80, 24);
}

#[test]
fn screens_small_and_tiny() {
    let mut h = harness();
    h.keys(&["<Down>", "<Right>"]);
    snap("tree_40x12", &h, 40, 12);
    snap("too_small_30x8", &h, 30, 8);
    // and it recovers when the window grows again
    assert!(
        h.screen(80, 24)
            .backend()
            .to_string()
            .contains("示例县教育局")
    );
    for (w, height) in [(1, 1), (0, 0), (2, 40), (200, 3), (40, 10)] {
        h.screen(w, height);
    }
}

#[test]
fn screens_english_ascii_read_only() {
    let mut h = harness_with(store_with(&dataset()), Lang::En, true, "default");
    h.state.theme.ascii = true;
    h.index();
    snap("tree_en_ascii_read_only", &h, 80, 24);
}

#[test]
fn an_empty_cache_says_what_to_do() {
    let h = harness_with(Store::open_in_memory().unwrap(), Lang::Zh, false, "default");
    snap("empty_cache", &h, 80, 24);
    let text = h.text();
    assert!(
        text.contains("bianzhi sync") && text.contains("bianzhi demo"),
        "{text}"
    );
}

#[test]
fn help_is_generated_from_the_keymap_in_use() {
    let mut h = harness_with(store_with(&dataset()), Lang::Zh, false, "vim");
    h.keys(&["?"]);
    let text = view::help_lines(&h.state)
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("g g") && text.contains("到顶部"), "{text}");
    assert!(text.contains("j ") && text.contains("下一项"), "{text}");
}

// The inbox, the decision dialog and the timelines (issue 6), with this module's harness.
#[path = "inbox_tests.rs"]
mod inbox_tests;

// The quota drill-down, the overview, the warnings and export (issue 5).
#[path = "screens_tests.rs"]
mod screens_tests;

// Every sync outcome seen, nothing decisive cut, keys that do what they show (issue 14).
#[path = "ui14_tests.rs"]
mod ui14_tests;

// The executor: views loading, Esc before the data, decisions on the writer (issue 13).
#[path = "exec_tests.rs"]
mod exec_tests;

// The person screen's age, retirement month and data checks; the audit log (issue 14).
#[path = "person_tests.rs"]
mod person_tests;
// The person edit and exit forms (issue 15).
#[path = "forms_tests.rs"]
mod forms_tests;
// The other forms of data maintenance, drafts and withdrawing an edit (issue 15).
#[path = "forms2_tests.rs"]
mod forms2_tests;
// The 报表 and 推演 screens (issue 17).
#[path = "report_tests.rs"]
mod report_tests;
// Every screen in English, with a refused decision and a refused edit (issue 13).
#[path = "english_tests.rs"]
mod english_tests;
// One component shape: offered commands reachable and in help, honest hint lines (issue 13).
#[path = "component_tests.rs"]
mod component_tests;
// The 比对 screen (issue 16).
#[path = "compare_tests.rs"]
mod compare_tests;
