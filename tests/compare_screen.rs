//! The 比对 screen in a real terminal (issue 16): a small roster named after the key,
//! compared off the interface's task, a 单位不一致 row opened, the person transferred
//! with the 调动 form, the row then marked as queued, and the transfer read back from the
//! outbox with the command line, as another program would.

use crate::tmux::Tmux;
use crate::util::{self, bin};
use bianzhi::model::{Dataset, OrgKind, PersonStatus};
use bianzhi::store::Store;
use std::path::PathBuf;

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

fn unique<'a>(names: impl Iterator<Item = &'a str> + Clone, name: &str) -> bool {
    names.filter(|n| *n == name).count() == 1
}

/// A person on the books outside any quota (编外: a transfer needs no place), with a
/// name no one else has, and a bureau of another name to move them to.
fn someone(data: &Dataset) -> (&bianzhi::model::Person, &bianzhi::model::Org) {
    let p = data
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active && p.staffing_type.is_none())
        .filter(|p| p.id_number.len() == 18)
        .find(|p| unique(data.persons.iter().map(|p| p.name.as_str()), &p.name))
        .expect("such a person in the small world");
    let to = data
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Institution && o.id != p.org_id)
        .find(|o| unique(data.orgs.iter().map(|o| o.name.as_str()), &o.name))
        .expect("a bureau");
    (p, to)
}

#[test]
fn a_unit_difference_is_fixed_from_the_comparison_and_reaches_the_outbox() {
    let home = Home::new();
    let (p, to) = someone(util::small());
    // The payroll's roster has the person in the other bureau.
    let roster = home.dir.path().join("工资.csv");
    std::fs::write(
        &roster,
        format!(
            "姓名,身份证号,工作单位\n{},{},{}\n",
            p.name, p.id_number, to.name
        ),
    )
    .unwrap();
    let t = home.terminal();
    t.wait_for("the index", |s| !s.contains("索引加载中"));
    t.keys(&["F12"]);
    t.wait_text("比对");
    t.text(&roster.display().to_string());
    t.keys(&["Enter"]);
    t.wait_text("一致率");
    t.wait_text("工资.csv（CSV UTF-8，1 行）");
    // 单位不一致 is the sixth category.
    t.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    t.wait_text("在册单位：");
    t.keys(&["Enter"]);
    t.wait_text("占编类型");
    t.keys(&["t"]);
    t.wait_text(&format!("人员调动 · {}", p.name));
    t.text(&to.name);
    t.wait_for("the unit in the list", |s| {
        s.lines().any(|l| l.contains(&format!("│{}", to.name)))
    });
    t.keys(&["Enter", "Tab"]);
    t.wait_for("文号", |s| s.lines().any(|l| l.contains("›文号")));
    t.text("示人〔2025〕31号");
    t.keys(&["Enter"]);
    t.wait_text("已记录调动（待上传）");
    // Back on the comparison: the row is still listed, marked as queued.
    t.keys(&["Escape"]);
    t.wait_text("已修正，待上传");

    let shown = home.json(&["person", &p.id.to_string()]);
    assert_eq!(shown["pending"], true, "{shown}");
    assert_eq!(shown["org_id"], to.id, "{shown}");
    let outbox = home.json(&["outbox"]);
    let text = outbox.to_string();
    assert!(text.contains("待上传"), "{text}");
    t.keys(&["q"]);
    t.wait_text("未发送");
    t.keys(&["n"]);
}
