//! The real binary in a real terminal: tmux runs `bianzhi` at 80x24, the test sends
//! keys and reads the pane as a person would. Each test has its own tmux server
//! (`-L`), killed at the end.

use crate::tmux::Tmux;
use crate::util;
use bianzhi::model::{Dataset, PersonStatus};
use bianzhi::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_bianzhi")
}

/// A private home for one run: config and keymap directory, logs, the cache.
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cache_with(&self, data: &Dataset) -> PathBuf {
        let p = self.path("cache.db");
        Store::create(&p).unwrap().replace_all(data).unwrap();
        p
    }
    fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "XDG_CONFIG_HOME".into(),
                self.path("config").display().to_string(),
            ),
            (
                "XDG_STATE_HOME".into(),
                self.path("state").display().to_string(),
            ),
            (
                "BIANZHI_CONFIG".into(),
                self.path("config/bianzhi/config.toml")
                    .display()
                    .to_string(),
            ),
            (
                "BIANZHI_LOG_DIR".into(),
                self.path("log").display().to_string(),
            ),
            ("LANG".into(), "C.UTF-8".into()),
            ("LC_ALL".into(), "C.UTF-8".into()),
        ]
    }
    fn command(&self, cache: &Path) -> Command {
        let mut c = Command::new(bin());
        c.arg("--cache")
            .arg(cache)
            .envs(self.env())
            .env_remove("NO_COLOR");
        c
    }
}

impl Home {
    /// `bianzhi` on `cache` with this home, in tmux.
    fn tmux(&self, cache: &Path, args: &[&str]) -> Tmux {
        let env: String = self
            .env()
            .iter()
            .map(|(k, v)| format!("{k}='{v}' "))
            .collect();
        Tmux::start(&format!(
            "env {env} {} --cache '{}' {}",
            bin(),
            cache.display(),
            args.join(" ")
        ))
    }
}

fn root_name(data: &Dataset) -> String {
    data.orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .unwrap()
        .name
        .clone()
}

/// A person on the books whose name no one else shares.
fn unique_person(data: &Dataset) -> &bianzhi::model::Person {
    data.persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active && p.id_number.len() == 18)
        .find(|p| data.persons.iter().filter(|q| q.name == p.name).count() == 1)
        .unwrap()
}

#[test]
fn tree_lookup_person_help_quit() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &[]);
    let root = root_name(data);
    t.wait_text(&root);
    // The status bar is the last line drawn: a capture may land mid-frame.
    let s = t.wait_text("从未同步");
    assert!(
        s.contains(&root) && s.contains("核定") && s.contains("实有"),
        "{s}"
    );

    let p = unique_person(data);
    t.keys(&["/"]);
    t.wait_text("查找");
    t.wait_for("the index", |s| !s.contains("索引加载中"));
    t.text(&p.name);
    let s = t.wait_text(&format!("/ {}", p.name));
    let rows: Vec<&str> = s.lines().filter(|l| l.contains(&p.name)).collect();
    assert!(rows.len() >= 2, "the name shows in the results: {s}");

    t.keys(&["Enter"]);
    let masked = bianzhi::model::mask_id(&p.id_number);
    let s = t.wait_text(&masked);
    assert!(
        !s.contains(&p.id_number),
        "the full ID number is not shown: {s}"
    );
    assert!(s.contains("身份证号") && s.contains("占编类型"), "{s}");

    t.keys(&["r"]);
    t.wait_text(&p.id_number);
    // The audit row is written by the writer thread after the frame that shows the
    // number: wait for it (up to ten seconds) rather than race it.
    let reveals = || -> i64 {
        Store::open(&cache)
            .unwrap()
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'reveal'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut n = reveals();
    for _ in 0..100 {
        if n > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        n = reveals();
    }
    assert_eq!(n, 1, "the reveal is in the audit log");

    t.keys(&["?"]);
    t.wait_text("帮助：按键");
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("帮助：按键"));
    t.keys(&["q"]);
    t.wait_exit("q");
}

#[test]
fn tree_navigation_unit_view_and_a_burst_of_keys() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &["--keymap", "vim"]);
    t.wait_text(&root_name(data));
    // Typed faster than any redraw: all handled, in order (down, down, up = second row).
    t.text("jjk");
    t.keys(&["Enter"]);
    let s = t.wait_text("概况");
    assert!(
        s.contains("单位全称") && s.contains("编制") && s.contains("沿革"),
        "{s}"
    );
    t.keys(&["Tab"]);
    t.wait_text("已批未用");
    t.keys(&["-"]);
    t.wait_for("back in the tree", |s| {
        !s.contains("已批未用") && s.contains("核定")
    });
    t.keys(&[":"]);
    t.text("quit");
    t.keys(&["Enter"]);
    t.wait_exit(":quit");
}

#[test]
fn a_tiny_window_says_so_and_recovers() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &["--read-only"]);
    let root = root_name(data);
    let s = t.wait_text(&root);
    assert!(s.contains("只读"), "{s}");
    t.tmux(&["resize-window", "-t", "t", "-x", "30", "-y", "8"]);
    t.wait_text("窗口太小");
    t.tmux(&["resize-window", "-t", "t", "-x", "100", "-y", "30"]);
    t.wait_text(&root);
    assert!(!t.dead());
}

#[test]
fn an_empty_cache_says_what_to_do() {
    let home = Home::new();
    let cache = home.cache_with(&Dataset::default());
    let t = home.tmux(&cache, &[]);
    let s = t.wait_text("缓存是空的");
    assert!(
        s.contains("bianzhi sync") && s.contains("bianzhi demo"),
        "{s}"
    );
}

#[test]
fn a_broken_user_keymap_stops_start_up_naming_file_and_line() {
    let home = Home::new();
    let cache = home.cache_with(&Dataset::default());
    let dir = home.path("config/bianzhi");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keymap.toml");
    std::fs::write(&file, "[tree]\nkeymap = [\n  { on = \"j\", run = \"cursor_down\" },\n  { on = \"x\", run = \"launch_rockets\" },\n]\n").unwrap();
    let out = home.command(&cache).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&file.display().to_string())
            && err.contains("第4行")
            && err.contains("launch_rockets"),
        "{err}"
    );

    // --default-keys starts with the compiled-in presets alone
    let out = home
        .command(&cache)
        .args(["keymap", "--print", "--default-keys"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // a key bound twice in one mode
    std::fs::write(&file, "[unit]\nkeymap = [\n  { on = \"x\", run = \"open\" },\n  { on = \"x\", run = \"back\" },\n]\n").unwrap();
    let out = home
        .command(&cache)
        .args(["keymap", "--print"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("第4行") && err.contains("重复"),
        "{err}"
    );
}

#[test]
fn keymap_print_shows_the_merged_map() {
    let home = Home::new();
    let cache = home.cache_with(&Dataset::default());
    let dir = home.path("config/bianzhi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("keymap.toml"),
        "[tree]\nkeymap = [{ on = \"<C-o>\", run = \"open\", desc = \"打开它\" }]\n",
    )
    .unwrap();
    let out = home
        .command(&cache)
        .args(["--keymap", "emacs", "keymap", "--print"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines().any(|l| l.starts_with("tree")
            && l.contains("<C-o>")
            && l.contains("open")
            && l.contains("打开它")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("global") && l.contains("<C-x> <C-c>") && l.contains("quit")),
        "{text}"
    );
}

#[test]
fn the_overview_and_the_warnings_screens() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &[]);
    t.wait_text(&root_name(data));

    t.keys(&["g", "o"]);
    // "全局概况" alone also appears in the which-key hint after `g`: wait for the screen.
    let s = t.wait_for("the overview", |s| {
        s.contains("全局概况") && s.contains("年龄结构") && s.contains("学历结构")
    });
    assert!(s.contains("退休预报"), "{s}");
    // Every staffing type of the jurisdiction by its full name, at 80 columns.
    let mut types: Vec<_> = data.ledger.iter().map(|l| l.staffing_type).collect();
    types.sort();
    types.dedup();
    for ty in &types {
        assert!(s.contains(ty.zh()), "{} in full: {s}", ty.zh());
    }
    // Enter on the first figure opens the units behind it.
    t.keys(&["Enter"]);
    let s = t.wait_text("各单位");
    assert!(s.contains(types[0].zh()), "{s}");
    t.keys(&["Escape"]);
    t.wait_text("全局概况");

    t.keys(&["g", "w"]);
    let s = t.wait_text("全部");
    assert!(
        s.contains("超编") && s.contains("退休预报"),
        "the kinds: {s}"
    );
    // Tab goes to the first kind; the title says which.
    t.keys(&["Tab"]);
    t.wait_text("预警：超编");
    // One Escape at a time: two ESC bytes arriving together read as Alt-Esc.
    t.keys(&["Escape"]);
    t.wait_for("back in the overview", |s| {
        !s.contains("预警：") && s.contains("全局概况")
    });
    t.keys(&["Escape"]);
    t.wait_for("back in the tree", |s| {
        !s.contains("预警：") && !s.contains("全局概况")
    });
    t.keys(&["q"]);
    t.wait_exit("q");
}

/// `bianzhi demo`: its own server and data, synced, the interface open; asked to stop
/// (SIGTERM) it quits like `q`, stops its server and removes its temporary directory.
#[test]
fn the_demo_opens_synced_and_a_sigterm_cleans_up() {
    let home = Home::new();
    let tmp = home.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let env: String = home
        .env()
        .iter()
        .chain(&[
            ("TMPDIR".to_string(), tmp.display().to_string()),
            (
                "XDG_DATA_HOME".to_string(),
                home.path("data").display().to_string(),
            ),
        ])
        .map(|(k, v)| format!("{k}='{v}' "))
        .collect();
    let t = Tmux::start(&format!("env {env} {} demo --scale small", bin()));
    let root = root_name(util::small());
    let s = t.wait_for("the synced tree", |s| {
        s.contains(&root) && s.contains("在线")
    });
    assert!(!s.contains("从未同步"), "{s}");
    let demo_dirs = || {
        std::fs::read_dir(&tmp)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("bianzhi-demo-")
            })
            .count()
    };
    assert_eq!(demo_dirs(), 1, "the demo's server data");
    let pid = t.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit("SIGTERM");
    assert_eq!(
        demo_dirs(),
        0,
        "the demo's temporary directory is left behind"
    );
}

/// Issue 19: moving through the tree scrolls it with the terminal's scroll region.
/// After many moves down and up, the screen (text and styles, `capture-pane -e`) is
/// exactly what a full redraw of the same state shows: no row left stale.
#[test]
fn scrolling_the_tree_leaves_no_stale_row() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &[]);
    t.wait_text(&root_name(data));
    t.wait_text("从未同步");
    // Open every unit of the first levels so the tree is longer than the window.
    for _ in 0..12 {
        t.keys(&["Right", "Down"]);
    }
    t.keys(&["Home"]);
    let styled = || t.tmux(&["capture-pane", "-e", "-p", "-t", "t"]);
    let settle = || {
        let mut last = styled();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(150));
            let now = styled();
            if now == last {
                return now;
            }
            last = now;
        }
    };
    let first = settle();
    let mut scrolled = false;
    for (key, n) in [
        ("Down", 30),
        ("Up", 7),
        ("Down", 12),
        ("Up", 40),
        ("Down", 25),
        ("Up", 3),
    ] {
        for _ in 0..n {
            t.keys(&[key]);
        }
        let seen = settle();
        scrolled |= seen.lines().nth(3) != first.lines().nth(3);
        // A full redraw: the window resized away and back makes ratatui clear and draw
        // every cell of the same state.
        t.tmux(&["resize-window", "-t", "t", "-x", "81"]);
        settle();
        t.tmux(&["resize-window", "-t", "t", "-x", "80"]);
        let fresh = settle();
        // The tree's block (the rows the scroll region moves), text and styles; the
        // rest of the screen as text.
        let block = |s: &str| s.lines().skip(1).take(21).collect::<Vec<_>>().join("\n");
        assert_eq!(
            block(&seen),
            block(&fresh),
            "after {n} × {key}: the tree differs from a full redraw"
        );
        // The last line's notice gives way to the hints after a while: left out.
        let text = |s: &str| {
            let t = unstyled(s);
            let lines: Vec<&str> = t.lines().collect();
            lines[..lines.len().saturating_sub(1)].join("\n")
        };
        assert_eq!(
            text(&seen),
            text(&fresh),
            "after {n} × {key}: the screen differs from a full redraw"
        );
    }
    assert!(scrolled, "the tree scrolled in this test:\n{first}");
}

/// A styled capture without its escape sequences.
fn unstyled(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
