//! The person edit form in a real terminal (issue 15): a clerk opens a person, presses
//! `e`, changes 职务, saves; the command line then shows the new post as pending.

use crate::tmux::Tmux;
use crate::util::{self, bin};
use bianzhi::model::PersonStatus;
use bianzhi::store::Store;

#[test]
fn a_clerk_changes_a_post_in_the_form_and_it_is_pending() {
    let data = util::small();
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache.db");
    Store::create(&cache).unwrap().replace_all(data).unwrap();
    // A person on the books with a unique name and a post other than the new one.
    let p = data
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active && p.id_number.len() == 18)
        .find(|p| data.persons.iter().filter(|q| q.name == p.name).count() == 1)
        .unwrap();
    let new_post = if p.post.as_deref() == Some("综合科科长") {
        "综合科副科长"
    } else {
        "综合科科长"
    };
    let env: String = [
        ("XDG_CONFIG_HOME", home.path().join("config")),
        ("XDG_STATE_HOME", home.path().join("state")),
        (
            "BIANZHI_CONFIG",
            home.path().join("config/bianzhi/config.toml"),
        ),
        ("BIANZHI_LOG_DIR", home.path().join("log")),
    ]
    .iter()
    .map(|(k, v)| format!("{k}='{}' ", v.display()))
    .collect();
    let t = Tmux::start(&format!(
        "env {env} LANG=C.UTF-8 LC_ALL=C.UTF-8 {} --cache '{}'",
        bin(),
        cache.display()
    ));
    t.wait_text("从未同步");
    t.keys(&["/"]);
    t.wait_text("查找");
    t.wait_for("the index", |s| !s.contains("索引加载中"));
    t.text(&p.name);
    t.wait_text(&format!("/ {}", p.name));
    t.keys(&["Enter"]);
    t.wait_text("占编类型");
    t.keys(&["e"]);
    t.wait_text("修改人员信息");
    // 职务 is the twelfth field.
    for _ in 0..11 {
        t.keys(&["Down"]);
    }
    t.wait_for("the focus on 职务", |s| {
        s.lines().any(|l| l.contains("›职务"))
    });
    t.keys(&["C-u"]);
    t.text(new_post);
    t.wait_text("已修改");
    t.keys(&["Enter"]);
    let s = t.wait_text("待上传 1");
    assert!(s.contains(new_post), "the person shows the new post: {s}");
    assert!(!s.contains("修改人员信息"), "the form closed: {s}");

    let out = std::process::Command::new(bin())
        .arg("--cache")
        .arg(&cache)
        .args(["person", &p.id.to_string(), "--json"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env(
            "BIANZHI_CONFIG",
            home.path().join("config/bianzhi/config.toml"),
        )
        .env("BIANZHI_LOG_DIR", home.path().join("log"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["post"], new_post);
    assert_eq!(shown["pending"], true);
    t.keys(&["q"]);
}
