//! The other forms of data maintenance in a real terminal (issue 15): 增员登记 from the
//! tree, 调动 with the lookup, a 编制台账 entry from the unit, a draft that survives a
//! killed terminal, and withdrawing a queued edit from the F6 list. Each change is then
//! read back with the command line, as another program would.

use crate::tmux::Tmux;
use crate::util::{self, bin};
use bianzhi::model::{Dataset, OrgKind, PersonStatus};
use bianzhi::store::Store;
use std::path::{Path, PathBuf};

/// A cache holding the small generated world, and the environment that keeps the
/// binary's files in a temporary home.
struct Home {
    dir: tempfile::TempDir,
    cache: PathBuf,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache.db");
        Store::create(&cache)
            .unwrap()
            .replace_all(util::small())
            .unwrap();
        Home { dir, cache }
    }

    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let h = self.dir.path();
        vec![
            ("XDG_CONFIG_HOME", h.join("config")),
            ("XDG_STATE_HOME", h.join("state")),
            ("BIANZHI_CONFIG", h.join("config/bianzhi/config.toml")),
            ("BIANZHI_LOG_DIR", h.join("log")),
        ]
    }

    /// The interface in a new terminal, its tree on screen.
    fn terminal(&self) -> Tmux {
        let env: String = self
            .env()
            .iter()
            .map(|(k, v)| format!("{k}='{}' ", v.display()))
            .collect();
        let t = Tmux::start(&format!(
            "env {env} LANG=C.UTF-8 LC_ALL=C.UTF-8 {} --cache '{}'",
            bin(),
            self.cache.display()
        ));
        t.wait_text("从未同步");
        t
    }

    /// `bianzhi ARGS --json`, parsed.
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = std::process::Command::new(bin())
            .arg("--cache")
            .arg(&self.cache)
            .args(args)
            .arg("--json")
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// A name held by one record of its kind.
fn unique<'a>(names: impl Iterator<Item = &'a str> + Clone, name: &str) -> bool {
    names.filter(|n| *n == name).count() == 1
}

/// Two bureaus with names no other unit has.
fn bureaus(data: &Dataset) -> Vec<&bianzhi::model::Org> {
    data.orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Institution)
        .filter(|o| unique(data.orgs.iter().map(|o| o.name.as_str()), &o.name))
        .take(2)
        .collect()
}

/// Opens a unit with the palette (`:unit NAME`).
fn open_unit(t: &Tmux, name: &str) {
    t.keys(&[":"]);
    t.wait_text("命令");
    t.wait_for("the index", |s| !s.contains("索引加载中"));
    t.text(&format!("unit {name}"));
    t.wait_text(&format!("unit {name}"));
    t.keys(&["Enter"]);
    t.wait_text("核定");
}

/// Opens a person with the lookup.
fn open_person(t: &Tmux, name: &str) {
    t.keys(&["/"]);
    t.wait_text("查找");
    t.wait_for("the index", |s| !s.contains("索引加载中"));
    t.text(name);
    t.wait_text(&format!("/ {name}"));
    t.keys(&["Enter"]);
    t.wait_text("占编类型");
}

/// The focused row of a form is `label`.
fn focus_on(t: &Tmux, label: &str) {
    t.wait_for(label, |s| {
        s.lines().any(|l| l.contains(&format!("›{label}")))
    });
}

/// A person on the books with a unique name, and no staffing type when asked (编外:
/// no quota is needed to move them).
fn someone(data: &Dataset, outside_quota: bool) -> &bianzhi::model::Person {
    data.persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active && p.id_number.len() == 18)
        .filter(|p| !outside_quota || p.staffing_type.is_none())
        .find(|p| unique(data.persons.iter().map(|p| p.name.as_str()), &p.name))
        .expect("such a person in the small world")
}

#[test]
fn a_new_person_entered_from_the_tree_is_pending_on_the_command_line() {
    let home = Home::new();
    let unit = bureaus(util::small())[0];
    let t = home.terminal();
    // The unit opened and left again: the tree's cursor is on it.
    open_unit(&t, &unit.name);
    t.keys(&["Escape"]);
    t.wait_for("the tree", |s| s.contains("┌ 机构"));
    t.keys(&["+"]);
    t.wait_text(&format!("增员登记 · {}", unit.name));
    focus_on(&t, "姓名");
    t.text("测试新人");
    t.keys(&["Tab"]);
    t.text("110101199003070011");
    t.keys(&["Tab", "Tab", "Tab"]);
    focus_on(&t, "民族");
    t.text("汉族");
    for _ in 0..8 {
        t.keys(&["Tab"]);
    }
    focus_on(&t, "岗位类别");
    t.text("glg");
    t.wait_text("管理岗");
    t.keys(&["Enter"]);
    for _ in 0..7 {
        t.keys(&["Tab"]);
    }
    focus_on(&t, "入编文号");
    t.text("示编〔2025〕21号");
    t.keys(&["Enter"]);
    t.wait_text("已记录增员登记（待上传）");

    let shown = home.json(&["person", "测试新人"]);
    assert_eq!(shown["pending"], true, "{shown}");
    assert_eq!(shown["org_id"], unit.id, "{shown}");
    assert_eq!(
        shown["birth_date"], "1990-**-**",
        "read from the ID number: {shown}"
    );
    t.keys(&["q"]);
}

#[test]
fn a_transfer_to_a_unit_picked_with_the_lookup_is_pending() {
    let home = Home::new();
    let data = util::small();
    let p = someone(data, true);
    let to = bureaus(data)
        .into_iter()
        .find(|o| o.id != p.org_id)
        .unwrap();
    let t = home.terminal();
    open_person(&t, &p.name);
    t.keys(&["t"]);
    t.wait_text(&format!("人员调动 · {}", p.name));
    t.text(&to.name);
    t.wait_for("the unit in the list", |s| {
        s.lines().any(|l| l.contains(&format!("│{}", to.name)))
    });
    t.keys(&["Enter", "Tab"]);
    focus_on(&t, "文号");
    t.text("示人〔2025〕22号");
    t.keys(&["Enter"]);
    t.wait_text("已记录调动（待上传）");

    let shown = home.json(&["person", &p.id.to_string()]);
    assert_eq!(shown["pending"], true, "{shown}");
    assert_eq!(shown["org_id"], to.id, "{shown}");
    t.keys(&["q"]);
}

#[test]
fn a_ledger_entry_from_the_unit_is_queued_and_pending() {
    let home = Home::new();
    let unit = bureaus(util::small())[0];
    let t = home.terminal();
    open_unit(&t, &unit.name);
    t.keys(&["L"]);
    t.wait_text(&format!("编制台账登记 · {}", unit.name));
    t.text("xzbz");
    t.wait_text("行政编制");
    t.keys(&["Enter", "Tab", "Tab"]);
    focus_on(&t, "数量");
    t.text("+2");
    t.keys(&["Tab", "Tab"]);
    focus_on(&t, "文号");
    t.text("示编〔2025〕23号");
    t.keys(&["Tab"]);
    t.text("核增行政编制2名");
    t.keys(&["Enter"]);
    t.wait_text("已记录台账登记（待上传）");

    let outbox = home.json(&["outbox"]);
    let text = outbox.to_string();
    assert!(text.contains("ledger_add"), "{text}");
    assert!(text.contains("核增行政编制2名"), "{text}");
    let org = home.json(&["org", &unit.id.to_string()]);
    assert_eq!(org["pending"], true, "{org}");
    t.keys(&["q"]);
}

/// The draft kept in the cache for a form, if any (read as another program would).
fn draft(cache: &Path) -> Option<String> {
    let conn = rusqlite::Connection::open(cache).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key LIKE 'draft:%'", [], |r| {
        r.get(0)
    })
    .ok()
}

#[test]
fn a_draft_survives_a_killed_terminal_and_is_restored() {
    let home = Home::new();
    let p = someone(util::small(), false);
    let new_post = if p.post.as_deref() == Some("草稿职务甲") {
        "草稿职务乙"
    } else {
        "草稿职务甲"
    };
    let t = home.terminal();
    open_person(&t, &p.name);
    t.keys(&["e"]);
    t.wait_text("修改人员信息");
    for _ in 0..11 {
        t.keys(&["Down"]);
    }
    focus_on(&t, "职务");
    t.keys(&["C-u"]);
    t.text(new_post);
    t.wait_text("已修改");
    // Written by the executor a moment after the change.
    let start = std::time::Instant::now();
    while !draft(&home.cache).is_some_and(|d| d.contains(new_post)) {
        assert!(start.elapsed().as_secs() < 20, "no draft kept");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The terminal dies (its server killed, the program hung up on).
    drop(t);

    let t = home.terminal();
    open_person(&t, &p.name);
    t.keys(&["e"]);
    t.wait_text("有上次未保存的草稿");
    t.keys(&["y"]);
    let s = t.wait_text(new_post);
    assert!(s.contains("已修改"), "{s}");
    t.keys(&["Enter"]);
    t.wait_text("待上传 1");
    assert_eq!(draft(&home.cache), None, "saving deletes the draft");
    let shown = home.json(&["person", &p.id.to_string()]);
    assert_eq!(shown["post"], new_post);
    t.keys(&["q"]);
}

#[test]
fn a_queued_edit_is_withdrawn_from_the_f6_list() {
    let home = Home::new();
    let p = someone(util::small(), false);
    let new_post = if p.post.as_deref() == Some("撤回职务甲") {
        "撤回职务乙"
    } else {
        "撤回职务甲"
    };
    let t = home.terminal();
    open_person(&t, &p.name);
    t.keys(&["e"]);
    t.wait_text("修改人员信息");
    for _ in 0..11 {
        t.keys(&["Down"]);
    }
    focus_on(&t, "职务");
    t.keys(&["C-u"]);
    t.text(new_post);
    t.keys(&["Enter"]);
    t.wait_text("待上传 1");
    assert_eq!(home.json(&["person", &p.id.to_string()])["post"], new_post);
    t.keys(&["F6"]);
    t.wait_text("[待上传]");
    t.keys(&["w"]);
    t.wait_text("撤回这项修改？");
    t.keys(&["y"]);
    t.wait_text("已撤回");
    t.keys(&["Escape"]);
    let s = t.wait_for("the edit gone", |s| !s.contains(new_post));
    assert!(!s.contains("待上传 1"), "{s}");
    let shown = home.json(&["person", &p.id.to_string()]);
    assert_eq!(shown["pending"], false, "{shown}");
    assert_eq!(
        shown["post"],
        p.post.clone().map_or(serde_json::Value::Null, Into::into)
    );
    t.keys(&["q"]);
}
