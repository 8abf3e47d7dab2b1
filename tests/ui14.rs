//! Issue 14, items 2–4, on the real binary in a real terminal (tmux at 80x24): a sync
//! that cannot reach the server says why and for how long the data is unsynced; a
//! refused decision stays flagged until its list is opened; `q` with decisions not yet
//! sent asks; the tree's type-ahead knows 教育局 by `jyj`; help pages; the tree at 60
//! columns shows 空编 and 超编 as they are.

use crate::tmux::Tmux;
use crate::util;
use bianzhi::model::{Dataset, Decision};
use bianzhi::store::{Store, outbox};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A private home for one run: config, logs and the cache in a temporary directory.
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
    fn config(&self) -> PathBuf {
        self.path("config/bianzhi/config.toml")
    }
    /// A config naming a server at `url` with a token.
    fn server_config(&self, url: &str) {
        let p = self.config();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        bianzhi::config::write_private(
            &p,
            format!("server = \"{url}\"\ntoken = \"t0ken-ui14\"\n").as_bytes(),
        )
        .unwrap();
    }
    fn tmux(&self, cache: &Path, args: &[&str]) -> Tmux {
        let env = [
            ("XDG_CONFIG_HOME", self.path("config")),
            ("XDG_STATE_HOME", self.path("state")),
            ("XDG_DATA_HOME", self.path("data")),
            ("BIANZHI_CONFIG", self.config()),
            ("BIANZHI_LOG_DIR", self.path("log")),
        ]
        .iter()
        .map(|(k, v)| format!("{k}='{}' ", v.display()))
        .collect::<String>();
        Tmux::start(&format!(
            "env {env} LANG=C.UTF-8 LC_ALL=C.UTF-8 {} --cache '{}' {}",
            util::bin(),
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

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn f5_with_the_server_unreachable_says_why_and_how_long() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    home.server_config(&format!("http://127.0.0.1:{}", closed_port()));
    let t = home.tmux(&cache, &[]);
    // The sync at start fails quietly: the status bar says 离线.
    t.wait_text("离线");
    t.keys(&["F5"]);
    t.wait_text("无法连接服务器（连接被拒绝或网络不通），数据从未同步");
    t.keys(&["q"]);
    t.wait_exit("q");
}

#[test]
fn a_refused_decision_is_flagged_until_its_list_is_seen() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let approval = data.approvals[0].id;
    {
        let store = Store::open(&cache).unwrap();
        let id = outbox::queue(&store, approval, Decision::Approve, "同意").unwrap();
        outbox::record_answers(
            store.conn(),
            [outbox::Answer {
                client_id: &id,
                accepted: false,
                reason: Some("该单位此类编制满编或超编，用编已冻结"),
                outcome: None,
            }],
        )
        .unwrap();
    }
    let t = home.tmux(&cache, &[]);
    t.wait_text("被拒绝 1 <F6>");
    t.keys(&["F6"]);
    let s = t.wait_text("被服务器拒绝的决定");
    assert!(
        s.contains(&format!(
            "[新] 申请 {approval} 同意：该单位此类编制满编或超编"
        )),
        "{s}"
    );
    t.keys(&["Escape"]);
    t.wait_for("the flag gone", |s| {
        !s.contains("被服务器拒绝的决定") && !s.contains("被拒绝 1")
    });
    assert_eq!(
        outbox::unseen_refusals(Store::open(&cache).unwrap().conn()).unwrap(),
        0
    );
    t.keys(&["q"]);
    t.wait_exit("q");
}

#[test]
fn q_with_unsent_decisions_asks_first() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    {
        let store = Store::open(&cache).unwrap();
        outbox::queue(&store, data.approvals[0].id, Decision::Approve, "同意").unwrap();
        outbox::queue(&store, data.approvals[1].id, Decision::Reject, "不同意").unwrap();
    }
    let t = home.tmux(&cache, &[]);
    t.wait_text("未发送 2");
    t.keys(&["q"]);
    let s = t.wait_text("还有 2 项决定未发送到服务器");
    assert!(
        s.contains("y 先同步再退出") && s.contains("n 直接退出"),
        "{s}"
    );
    t.keys(&["Escape"]);
    t.wait_for("the question gone", |s| !s.contains("还有 2 项决定"));
    assert!(!t.dead(), "Esc stays");
    // No server configured: y cannot sync, says so and stays.
    t.keys(&["q", "y"]);
    t.wait_text("未退出");
    assert!(!t.dead());
    t.keys(&["q", "n"]);
    t.wait_exit("q n");
}

#[test]
fn keys_do_what_they_show_type_ahead_help_and_a_narrow_tree() {
    let data = util::small();
    let home = Home::new();
    let cache = home.cache_with(data);
    let t = home.tmux(&cache, &[]);
    t.wait_text(&root_name(data));
    t.wait_text("从未同步");
    // 教育局 by the initials of the name people say.
    t.text("jyj");
    t.wait_for("教育局 selected", |s| {
        s.lines().next().is_some_and(|l| l.contains("教育局"))
    });
    // Help opens at the tree's keys and says how type-ahead works; pages; ends.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    t.keys(&["?"]);
    let s = t.wait_text("[机构树]");
    assert!(s.contains("拼音首字母（如 jyj）"), "{s}");
    t.keys(&["End"]);
    t.wait_text("warnings / 预警");
    t.keys(&["Home"]);
    t.wait_text("[全局]");
    t.keys(&["PageDown"]);
    t.wait_for("a page on", |s| !s.contains("[全局]"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("帮助：按键"));
    // At 60 columns: 空编 and 超编 side by side, no negative figure.
    t.tmux(&["resize-window", "-t", "t", "-x", "60", "-y", "24"]);
    let s = t.wait_for("the narrow tree", |s| {
        s.lines().next().is_some_and(|l| l.chars().count() <= 60) && s.contains("空编")
    });
    assert!(s.contains("超编"), "{s}");
    for l in s.lines().skip(3).take(15) {
        assert!(
            !l.split_whitespace()
                .any(|w| w.starts_with('-') && w.len() > 1),
            "a negative figure: {l}\n{s}"
        );
    }
    t.keys(&["q"]);
    t.wait_exit("q");
}
