//! `bianzhi search` on a generated county, as an operator types it: units by the names
//! people say, a unit before the people in it, `UNIT PERSON`, and names by initials and
//! with a typo (the ranking rules of docs/LOOKUP.md, on real data through the real
//! binary and cache).

use crate::cli::bianzhi;
use serde_json::Value;
use std::path::Path;

/// Rows of `bianzhi search QUERY --json`: (kind, id, name, unit).
fn rows(cache: &Path, q: &str, limit: usize) -> Vec<(String, i64, String, String)> {
    let o = bianzhi(
        cache,
        &["search", q, "--limit", &limit.to_string(), "--json"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    v.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or("").to_string(),
                r["id"].as_i64().unwrap_or(0),
                r["name"].as_str().unwrap_or("").to_string(),
                r["unit"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn county_units_by_the_names_people_say_and_persons_by_initials_and_typos() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c.db");
    let snap = dir.path().join("c.snap");
    let o = bianzhi(
        &cache,
        &["gen", "--scale", "county", "--out", snap.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bianzhi(&cache, &["import", snap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The first row is the unit itself, for its full name, short name, abbreviations
    // and their initials; every person and sub-unit comes after it.
    for (q, want) in [
        ("县卫健委", "青山县卫生健康委员会"),
        ("卫健委", "青山县卫生健康委员会"),
        ("xwjw", "青山县卫生健康委员会"),
        ("编办", "中共青山县委机构编制委员会办公室"),
        ("县委编办", "中共青山县委机构编制委员会办公室"),
        ("县人社局", "青山县人力资源和社会保障局"),
        ("人社局", "青山县人力资源和社会保障局"),
        ("教育局", "青山县教育局"),
        ("jyj", "青山县教育局"),
        ("青山县教育局", "青山县教育局"),
    ] {
        let r = rows(&cache, q, 20);
        assert_eq!(
            r.first().map(|x| (x.0.as_str(), x.2.as_str())),
            Some(("org", want)),
            "{q}: {r:?}"
        );
        assert_eq!(
            r.iter().filter(|x| x.2 == want).count(),
            1,
            "{q}: listed once"
        );
    }

    // 教育局 张伟: only people within 县教育局's subtree, the 张伟s first.
    let r = rows(&cache, "教育局 张伟", 50);
    assert!(!r.is_empty());
    assert!(
        r.iter()
            .all(|x| x.0 == "person" && x.3.contains("县教育局")),
        "{r:?}"
    );
    assert_eq!(r[0].2, "张伟");
    let everywhere = rows(&cache, "张伟", 200);
    let outside = everywhere
        .iter()
        .filter(|x| x.2 == "张伟" && !x.3.contains("县教育局"))
        .count();
    assert!(
        outside > 0,
        "the county has a 张伟 outside 教育局: the scope is tested"
    );

    // zhangwei, zw and the typo zhangwie: every 张伟 among the first 12 rows, exact
    // names before 张立 (立 read wei) and before longer names.
    let zhangweis = everywhere.iter().filter(|x| x.2 == "张伟").count();
    assert!(zhangweis >= 2);
    for q in ["zhangwei", "zw", "zhangwie"] {
        let r = rows(&cache, q, 12);
        let n = r.iter().filter(|x| x.2 == "张伟").count();
        assert_eq!(
            n,
            zhangweis.min(12),
            "{q}: {:?}",
            r.iter().map(|x| &x.2).collect::<Vec<_>>()
        );
        assert!(r[..n].iter().all(|x| x.2 == "张伟"), "{q}: 张伟 first");
    }
}
