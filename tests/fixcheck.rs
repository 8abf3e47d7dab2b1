//! Issue 15: a clerk fixes a data-check problem from the warnings screen in a real
//! terminal, and the problem is gone at once (pending) and after the sync, on the server
//! too.

use crate::tmux::Tmux;
use crate::util::*;
use bianzhi::model::idcard::{make_id, parse_id};
use bianzhi::model::*;
use bianzhi::store::{Store, queries};
use std::collections::HashMap;

/// The small world with every data-check fault of the generator mended, and one planted:
/// a person without 学历.
fn one_fault() -> (Dataset, Person) {
    let mut data = small().clone();
    let mut quota: HashMap<(OrgId, StaffingType), i64> = HashMap::new();
    for e in &data.ledger {
        *quota.entry((e.org_id, e.staffing_type)).or_default() += e.delta as i64;
    }
    for (i, p) in data.persons.iter_mut().enumerate() {
        let birth = p.birth_date.unwrap_or("1980-01-01".parse().unwrap());
        p.id_number = make_id(
            &format!("99{:04}", 100 + i / 1000),
            birth,
            (i % 1000) as u32,
        );
        let facts = parse_id(&p.id_number).unwrap();
        p.birth_date = Some(facts.birth_date);
        p.sex = facts.sex;
        if p.name.trim().is_empty() {
            p.name = format!("补名{i}");
        }
        p.education.get_or_insert(Education::Bachelor);
        if p.staffing_type.is_some() {
            p.entry_date.get_or_insert("2010-01-01".parse().unwrap());
        }
        if let Some(t) = p.staffing_type
            && quota.get(&(p.org_id, t)).copied().unwrap_or(0) <= 0
        {
            p.staffing_type = None;
        }
    }
    for o in &mut data.orgs {
        o.credit_code = Some(bianzhi::model::idcard::make_credit_code(&format!(
            "12{:015}",
            o.id
        )));
        if o.name.trim().is_empty() {
            o.name = format!("补名单位{}", o.id);
        }
    }
    let names: HashMap<String, usize> = data.persons.iter().fold(HashMap::new(), |mut m, p| {
        *m.entry(p.name.clone()).or_default() += 1;
        m
    });
    let k = data
        .persons
        .iter()
        .position(|p| p.status == PersonStatus::Active && names[&p.name] == 1)
        .unwrap();
    data.persons[k].education = None;
    let p = data.persons[k].clone();
    (data, p)
}

fn data_problems(cache: &std::path::Path) -> Vec<(String, i64)> {
    let s = Store::open(cache).unwrap();
    let mut st = s
        .conn()
        .prepare("SELECT code, subject_id FROM problems")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_fixes_a_data_check_problem_from_the_warnings_screen() {
    let (data, p) = one_fault();
    let w = World::new(&data).await;
    let root = root_of(&w.db());
    let token = w.operator("甲", root);
    let cache = w.cache("clerk");
    sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!(
        data_problems(&cache),
        vec![("missing-field".to_string(), p.id)]
    );

    let home = cache.parent().unwrap();
    let env: String = [
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_STATE_HOME", home.join("state")),
        ("BIANZHI_CONFIG", home.join("none.toml")),
        ("BIANZHI_LOG_DIR", home.join("log")),
    ]
    .iter()
    .map(|(k, v)| format!("{k}='{}' ", v.display()))
    .collect();
    let t = Tmux::start(&format!(
        "env {env} LANG=C.UTF-8 LC_ALL=C.UTF-8 {} --cache '{}'",
        bin(),
        cache.display()
    ));
    t.wait_text("机构");
    t.keys(&["F4"]);
    t.wait_text("预警");
    // The kinds are tabs; the data checks are the last.
    for _ in 0..6 {
        t.keys(&["Tab"]);
    }
    t.wait_text("预警：数据校验");
    t.wait_text(&p.name);
    t.keys(&["Enter"]);
    t.wait_text("缺少必填项：学历");
    t.keys(&["e"]);
    // The form opens at the field to fix.
    t.wait_for("the focus on 学历", |s| {
        s.lines().any(|l| l.contains("›学历"))
    });
    t.text("dxbk");
    t.wait_text("大学本科");
    t.keys(&["Enter"]);
    t.keys(&["C-s"]);
    let s = t.wait_text("待上传 1");
    assert!(s.contains("大学本科"), "{s}");
    // Shown at once: the problem is gone from the pending view.
    assert!(
        data_problems(&cache).is_empty(),
        "{:?}",
        data_problems(&cache)
    );
    drop(t);

    let r = sync(&w.client(&token), &cache).await.unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 0), "{r:?}");
    assert!(data_problems(&cache).is_empty());
    let server = queries::person(w.db().conn(), p.id).unwrap().unwrap();
    assert_eq!(server.education, Some(Education::Bachelor));
}
