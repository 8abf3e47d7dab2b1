//! The command line, run as a user runs it: the real binary on the committed dataset.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A cache imported from `testdata/small.snap` in a temp directory.
pub struct Cache {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn snapshot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/small.snap")
}

pub fn bianzhi(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bianzhi"))
        .arg("--cache")
        .arg(cache)
        .args(args)
        .env("BIANZHI_TODAY", "2026-11-23")
        .env("BIANZHI_CONFIG", cache.with_extension("toml"))
        .env("BIANZHI_LOG_DIR", cache.parent().unwrap().join("log"))
        .output()
        .expect("runs")
}

impl Cache {
    pub fn imported() -> Cache {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let out = bianzhi(&path, &["import", snapshot().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Cache { _dir: dir, path }
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = bianzhi(&self.path, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    pub fn fails(&self, args: &[&str]) -> String {
        let out = bianzhi(&self.path, args);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

#[test]
fn org_json_carries_figures_for_unit_and_subtree() {
    let c = Cache::imported();
    let root = c.json(&["org", "1", "--json"]);
    let q = &root["subtree"]["quota"];
    assert!(q.as_array().unwrap().len() >= 4);
    for f in q.as_array().unwrap() {
        for k in [
            "staffing_type",
            "approved",
            "actual",
            "reserved",
            "vacant",
            "over",
            "usable",
        ] {
            assert!(f.get(k).is_some(), "{k} missing in {f}");
        }
        let n = |k: &str| f[k].as_i64().unwrap();
        assert_eq!(n("approved") - n("actual"), n("vacant") - n("over"));
    }
    // The root's subtree figures are the sums of its children's subtree figures.
    let children: Vec<i64> = {
        let store = bianzhi::store::Store::open(&c.path).unwrap();
        bianzhi::store::queries::children(store.conn(), 1)
            .unwrap()
            .iter()
            .map(|n| n.org.id)
            .collect()
    };
    let mut approved = 0;
    for id in children {
        let child = c.json(&["org", &id.to_string(), "--json"]);
        approved += child["subtree"]["quota"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["approved"].as_i64().unwrap())
            .sum::<i64>();
    }
    let own: i64 = root["unit"]["quota"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["approved"].as_i64().unwrap())
        .sum();
    let total: i64 = q
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["approved"].as_i64().unwrap())
        .sum();
    assert_eq!(total, approved + own);
}

#[test]
fn person_json_is_masked_unless_revealed() {
    let c = Cache::imported();
    let p = c.json(&["person", "1", "--json"]);
    for k in [
        "id",
        "name",
        "sex",
        "birth_date",
        "post_type",
        "staffing_type",
        "org_id",
    ] {
        assert!(p.get(k).is_some(), "{k} missing");
    }
    assert!(["男", "女"].contains(&p["sex"].as_str().unwrap()));
    assert!(p["id_number"].as_str().unwrap().contains("********"));
    let full = c.json(&["person", "1", "--json", "--reveal-id"]);
    assert!(!full["id_number"].as_str().unwrap().contains('*'));
    // The reveal is in the audit log.
    let store = bianzhi::store::Store::open(&c.path).unwrap();
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'reveal'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn retirement_warnings_agree_with_the_law() {
    use bianzhi::model::retirement::{Rule, retirement_month};
    use bianzhi::model::{PostType, Sex, YearMonth};
    let c = Cache::imported();
    let list = c.json(&[
        "warnings",
        "--kind",
        "retirement",
        "--within",
        "12",
        "--json",
        // The law works from the whole birth date, which only a reveal shows.
        "--reveal-id",
    ]);
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    let mut rules = std::collections::HashSet::new();
    for w in list {
        let p = &w["person"];
        let birth =
            chrono::NaiveDate::parse_from_str(p["birth_date"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        let sex = Sex::parse(p["sex"].as_str().unwrap()).unwrap();
        let post = PostType::parse(p["post_type"].as_str().unwrap()).unwrap();
        let rule = Rule::for_person(sex, post);
        rules.insert(format!("{rule:?}"));
        let month = retirement_month(rule, YearMonth::of(birth)).to_string();
        assert_eq!(w["retirement_date"].as_str().unwrap(), month);
        assert_eq!(p["retirement_date"].as_str().unwrap(), month);
        assert!(
            month.as_str() >= "2026-11" && month.as_str() <= "2027-10",
            "{month}"
        );
    }
    assert_eq!(rules.len(), 3, "each of the three rules appears: {rules:?}");
}

#[test]
fn every_warning_kind_is_present() {
    let c = Cache::imported();
    let list = c.json(&["warnings", "--json"]);
    let kinds: std::collections::HashSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    for k in [
        "over-quota",
        "full",
        "over-posts",
        "retirement",
        "overage",
        "data",
    ] {
        assert!(kinds.contains(k), "{k} missing from {kinds:?}");
    }
    let data: std::collections::HashSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "data")
        .map(|w| w["subject"].as_str().unwrap())
        .collect();
    for k in [
        "bad-id",
        "birth-mismatch",
        "sex-mismatch",
        "counted-twice",
        "no-quota-of-type",
        "missing-field",
        "bad-credit-code",
    ] {
        assert!(data.contains(k), "data check {k} missing from {data:?}");
    }
}

#[test]
fn unknown_and_ambiguous_names_get_one_clear_line() {
    let c = Cache::imported();
    let e = c.fails(&["org", "99999"]);
    assert!(e.contains("找不到编号为 99999 的单位"), "{e}");
    let e = c.fails(&["person", "不存在的人"]);
    assert!(e.contains("找不到"), "{e}");
    let e = c.fails(&["org", "局"]);
    assert!(e.contains("对应多个单位"), "{e}");
    let e = c.fails(&["warnings", "--kind", "bogus"]);
    assert!(e.contains("未知的预警类别"), "{e}");
}

#[test]
fn a_cache_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    std::fs::write(&path, "不是数据库").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = bianzhi(&path, &["overview"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 SQLite"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "不是数据库");
}

#[test]
fn search_finds_by_initials_and_history_reproduces_the_ledger() {
    let c = Cache::imported();
    let store = bianzhi::store::Store::open(&c.path).unwrap();
    let someone = bianzhi::store::queries::person(store.conn(), 1)
        .unwrap()
        .unwrap();
    let initials: String = bianzhi::search::name_keys(&someone.name).initials();
    let hits = c.json(&["search", &initials, "--limit", "200", "--json"]);
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == 1 && h["kind"] == "person"),
        "{initials}"
    );
    // Each unit's ledger, summed, is its approved quota.
    for org in [2, 3, 5] {
        let h = c.json(&["history", &org.to_string(), "--org", "--json"]);
        let o = c.json(&["org", &org.to_string(), "--json"]);
        for f in o["unit"]["quota"].as_array().unwrap() {
            let last = h["ledger"]
                .as_array()
                .unwrap()
                .iter()
                .rfind(|e| e["entry"]["staffing_type"] == f["staffing_type"])
                .map(|e| e["running_total"].as_i64().unwrap());
            assert_eq!(last, Some(f["approved"].as_i64().unwrap()));
        }
    }
}

#[test]
fn export_writes_the_screen_rows_and_audits() {
    let c = Cache::imported();
    let out_path = c.path.with_file_name("q.csv");
    let out = bianzhi(
        &c.path,
        &[
            "export",
            "warnings",
            "--format",
            "csv",
            "--out",
            out_path.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    let warnings = c.json(&["warnings", "--json"]);
    assert_eq!(
        text.trim_start_matches('\u{feff}').lines().count(),
        warnings.as_array().unwrap().len() + 1
    );
    let store = bianzhi::store::Store::open(&c.path).unwrap();
    let rows: i64 = store
        .conn()
        .query_row("SELECT rows FROM audit WHERE action = 'export'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rows as usize, warnings.as_array().unwrap().len());
}

#[test]
fn decisions_wait_in_the_outbox() {
    let c = Cache::imported();
    let inbox = c.json(&["inbox", "--json"]);
    let first = inbox[0]["request"]["id"].as_i64().unwrap();
    let out = bianzhi(
        &c.path,
        &[
            "decide",
            &first.to_string(),
            "reject",
            "--comment",
            "材料不全",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inbox = c.json(&["inbox", "--json"]);
    let item = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["request"]["id"] == first)
        .unwrap();
    assert_eq!(item["outbox"]["state"], "待上传");
    let e = c.fails(&["decide", &first.to_string(), "approve", "--comment", "x"]);
    assert!(e.contains("待上传"), "{e}");
    let e = c.fails(&[
        "--read-only",
        "decide",
        &first.to_string(),
        "approve",
        "--comment",
        "x",
    ]);
    assert!(e.contains("只读"), "{e}");
}

#[test]
fn gen_is_deterministic_and_import_replaces_everything() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c.db");
    let (a, b) = (dir.path().join("a.snap"), dir.path().join("b.snap"));
    for (out, seed) in [(&a, "5"), (&b, "5")] {
        let o = bianzhi(
            &cache,
            &[
                "gen",
                "--scale",
                "small",
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "same seed, same bytes"
    );
    let other = dir.path().join("o.snap");
    bianzhi(
        &cache,
        &[
            "gen",
            "--scale",
            "small",
            "--seed",
            "6",
            "--out",
            other.to_str().unwrap(),
        ],
    );
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&other).unwrap());
    // Importing one world over another leaves exactly the second.
    for f in [&other, &a] {
        let o = bianzhi(&cache, &["import", f.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let snap = bianzhi::sync::wire::Snapshot::read(&a)
        .unwrap()
        .data
        .decode()
        .unwrap();
    assert_eq!(
        bianzhi::store::Store::open(&cache)
            .unwrap()
            .dataset()
            .unwrap(),
        snap
    );
}

#[test]
fn history_by_name_finds_a_person_and_lists_namesakes() {
    let c = Cache::imported();
    let data = bianzhi::store::Store::open(&c.path)
        .unwrap()
        .dataset()
        .unwrap();
    // A name two persons share, and no unit's name contains.
    let shared = data
        .persons
        .iter()
        .map(|p| p.name.as_str())
        .find(|n| {
            data.persons.iter().filter(|q| q.name == *n).count() == 2
                && !data.orgs.iter().any(|o| o.name.contains(n))
        })
        .expect("two namesakes in the small data");
    let err = c.fails(&["history", shared]);
    assert!(err.contains("2人同名"), "{err}");
    assert!(!err.contains("单位"), "{err}");
    let err = c.fails(&["history", "没有这个名字"]);
    assert!(err.contains("单位") && err.contains("人员"), "{err}");
    // A unique person by name: their career.
    let unique = data
        .persons
        .iter()
        .find(|p| {
            data.persons.iter().filter(|q| q.name == p.name).count() == 1
                && !data.orgs.iter().any(|o| o.name.contains(&p.name))
        })
        .unwrap();
    let v = c.json(&["history", &unique.name, "--json"]);
    let events = v["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for e in events {
        assert_eq!(e["subject"]["type"], "person", "{e}");
        assert_eq!(e["subject"]["id"], unique.id, "{e}");
    }
}

#[test]
fn the_inbox_fits_80_columns_and_names_a_leadership_post_overflow() {
    use unicode_width::UnicodeWidthStr;
    let c = Cache::imported();
    let out = bianzhi(&c.path, &["inbox"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        assert!(line.width() <= 80, "{} cells: {line}", line.width());
    }
    // Every request is there, with its unit's own name.
    let inbox = c.json(&["inbox", "--json"]);
    for item in inbox.as_array().unwrap() {
        let id = item["request"]["id"].as_i64().unwrap().to_string();
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(id.as_str())),
            "request {id} missing:\n{text}"
        );
    }
    let posts = inbox.as_array().unwrap().iter().any(|i| {
        i["effect"]["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w.to_string().contains("职数")))
    });
    if posts {
        assert!(text.contains("超职数"), "{text}");
    }
}
