//! Issue 15, data maintenance offline: clerks' edits go through the outbox, are shown at
//! once over the cache, are validated by the server with the same rules, merge field by
//! field, conflict only on the same field, and are never lost or doubled. Real server,
//! real binary, real caches.

use crate::util::*;
use bianzhi::model::edit::{FieldChange, Intent, Role};
use bianzhi::model::idcard::make_id;
use bianzhi::model::*;
use bianzhi::store::Store;
use bianzhi::store::outbox::{self, State};
use bianzhi::store::{maintain, pending, queries};
use std::path::Path;

use crate::util::{client_ok as ok, client_run as run};

fn refused(cache: &Path, args: &[&str]) -> String {
    let o = run(cache, args);
    assert!(!o.status.success(), "{args:?} should be refused");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A unit of the cache with a usable place of some staffing type.
fn unit_with_place(cache: &Path) -> (OrgId, StaffingType) {
    let store = Store::open(cache).unwrap();
    let conn = store.conn();
    let mut st = conn
        .prepare("SELECT id FROM orgs WHERE abolished = 0 ORDER BY id")
        .unwrap();
    let ids: Vec<OrgId> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for id in ids {
        let f = maintain::unit_figures_now(conn, id).unwrap();
        if let Some((t, _)) = f.quota.iter().find(|(_, q)| q.usable >= 2) {
            return (id, *t);
        }
    }
    panic!("no unit with a usable place");
}

/// An active person of the cache on the books.
fn some_person(cache: &Path) -> Person {
    let store = Store::open(cache).unwrap();
    store
        .conn()
        .query_row(
            &format!(
                "SELECT {} FROM persons WHERE status = 1 AND staffing_type IS NOT NULL AND id > 0 ORDER BY id LIMIT 1",
                bianzhi::store::rows::PERSON_COLUMNS
            ),
            [],
            bianzhi::store::rows::read_person,
        )
        .unwrap()
}

fn fresh_id(seq: u32) -> String {
    make_id("990101", "1990-03-04".parse().unwrap(), seq)
}

fn add_args(org: OrgId, t: StaffingType, name: &str, id: &str) -> Vec<String> {
    vec![
        "person".into(),
        "add".into(),
        "--org".into(),
        org.to_string(),
        "--set".into(),
        format!("姓名={name}"),
        "--set".into(),
        format!("身份证号={id}"),
        "--set".into(),
        "民族=汉族".into(),
        "--set".into(),
        format!("岗位类别={}", PostType::ALL[0].zh()),
        "--set".into(),
        format!("占编类型={}", t.zh()),
        "--doc".into(),
        "示编〔2026〕88号".into(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn server_persons_named(w: &World, name: &str) -> Vec<Person> {
    let db = w.db();
    let mut st = db
        .conn()
        .prepare(&format!(
            "SELECT {} FROM persons WHERE name = ?",
            bianzhi::store::rows::PERSON_COLUMNS
        ))
        .unwrap();
    st.query_map([name], bianzhi::store::rows::read_person)
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn events_of(conn: &rusqlite::Connection, id: PersonId) -> Vec<Event> {
    queries::history(conn, Subject::Person(id)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_entered_offline_and_edited_reaches_the_server_and_a_second_operator_once() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let (a_token, b_token) = (w.operator("甲", root), w.operator("乙", root));
        let (a, b) = (w.cache("a"), w.cache("b"));
        sync(&w.client(&a_token), &a).await.unwrap();
        sync(&w.client(&b_token), &b).await.unwrap();
        let (org, t) = unit_with_place(&a);
        let before = maintain::unit_figures_now(Store::open(&a).unwrap().conn(), org)
            .unwrap()
            .quota_of(t);

        // Offline: no server is asked by these commands.
        let out = ok(&a, &strs(&add_args(org, t, "王晓芳", &fresh_id(11))));
        assert!(out.contains("待上传"), "{out}");
        let temp = -outbox::entries(Store::open(&a).unwrap().conn()).unwrap()[0].seq;
        ok(
            &a,
            &[
                "person",
                "edit",
                &temp.to_string(),
                "--set",
                "职务=科员",
                "--set",
                "major=法学",
            ],
        );
        // Shown at once, marked pending, in the figures too.
        let shown: serde_json::Value =
            serde_json::from_str(&ok(&a, &["person", &temp.to_string(), "--json"])).unwrap();
        assert_eq!(shown["pending"], true);
        assert_eq!(shown["post"], "科员");
        assert!(
            !shown["id_number"].as_str().unwrap().contains("19900304"),
            "masked"
        );
        let now = queries::unit_figures(Store::open(&a).unwrap().conn(), org)
            .unwrap()
            .quota_of(t);
        assert_eq!(now.actual, before.actual + 1);
        let history = ok(&a, &["history", &temp.to_string(), "--json"]);
        assert!(history.contains("入编"), "{history}");

        let r = sync(&w.client(&a_token), &a).await.unwrap();
        assert_eq!((r.pushed, r.accepted, r.rejected), (2, 2, 0), "{r:?}");
        let on_server = server_persons_named(&w, "王晓芳");
        assert_eq!(on_server.len(), 1);
        let p = &on_server[0];
        assert_eq!(
            (p.post.as_deref(), p.major.as_deref()),
            (Some("科员"), Some("法学"))
        );
        assert_eq!(p.entry_doc.as_deref(), Some("示编〔2026〕88号"));
        // The cache holds the server's row, once; no temporary row is left.
        let store = Store::open(&a).unwrap();
        let temps: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM persons WHERE id < 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(temps, 0);
        assert_eq!(
            queries::person(store.conn(), p.id).unwrap().as_ref(),
            Some(p)
        );
        assert_eq!(pending::person(store.conn(), p.id).unwrap(), None);

        // The second operator has it too, with its history: who, when, which document.
        sync(&w.client(&b_token), &b).await.unwrap();
        let bs = Store::open(&b).unwrap();
        assert_eq!(queries::person(bs.conn(), p.id).unwrap().as_ref(), Some(p));
        let events = events_of(bs.conn(), p.id);
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert!(
            kinds.contains(&EventKind::Entry) && kinds.contains(&EventKind::InfoChanged),
            "{events:?}"
        );
        let change = events
            .iter()
            .find(|e| e.kind == EventKind::InfoChanged)
            .unwrap();
        assert_eq!(change.operator, "甲");
        // 职务 from nothing to 科员, typed: the interface words it.
        let Some(bianzhi::model::history::Detail::PersonChanged { changes }) = &change.detail
        else {
            panic!("{change:?}")
        };
        assert!(
            changes
                .iter()
                .any(|c| c.field == "post" && c.from.is_empty() && c.to == "科员"),
            "{changes:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_fields_merge_and_the_same_field_conflicts_until_resolved() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let (a_token, b_token) = (w.operator("甲", root), w.operator("乙", root));
        let (a, b) = (w.cache("a"), w.cache("b"));
        let (ca, cb) = (w.client(&a_token), w.client(&b_token));
        sync(&ca, &a).await.unwrap();
        sync(&cb, &b).await.unwrap();
        let p = some_person(&a);
        let id = p.id.to_string();

        // Different fields: both apply.
        ok(&a, &["person", "edit", &id, "--set", "职务=办公室主任"]);
        ok(&b, &["person", "edit", &id, "--set", "专业=会计学"]);
        sync(&ca, &a).await.unwrap();
        let r = sync(&cb, &b).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 0), "{r:?}");
        sync(&ca, &a).await.unwrap();
        let server = queries::person(w.db().conn(), p.id).unwrap().unwrap();
        assert_eq!(server.post.as_deref(), Some("办公室主任"));
        assert_eq!(server.major.as_deref(), Some("会计学"));
        for cache in [&a, &b] {
            assert_eq!(
                queries::person(Store::open(cache).unwrap().conn(), p.id)
                    .unwrap()
                    .as_ref(),
                Some(&server)
            );
        }

        // The same field: the first applies, the second conflicts with both values shown.
        ok(&a, &["person", "edit", &id, "--set", "职务=副局长"]);
        ok(&b, &["person", "edit", &id, "--set", "职务=科长"]);
        sync(&ca, &a).await.unwrap();
        sync(&cb, &b).await.unwrap();
        let bs = Store::open(&b).unwrap();
        let conflict = outbox::entries(bs.conn())
            .unwrap()
            .into_iter()
            .find(|e| e.state == State::Conflict)
            .expect("a conflict");
        let c = &conflict.outcome.as_ref().unwrap().conflicts[0];
        assert_eq!(
            (
                c.field.as_str(),
                c.base.as_str(),
                c.mine.as_str(),
                c.server.as_str()
            ),
            ("post", "办公室主任", "科长", "副局长")
        );
        // The cache shows the server's value, not the refused one.
        assert_eq!(
            queries::person(bs.conn(), p.id)
                .unwrap()
                .unwrap()
                .post
                .as_deref(),
            Some("副局长")
        );
        let listing = ok(&b, &["outbox"]);
        assert!(
            listing.contains("有冲突") && listing.contains("服务器现值 副局长"),
            "{listing}"
        );

        // Resolved by keeping the clerk's value: re-queued on the server's version.
        let out = ok(
            &b,
            &[
                "outbox",
                "resolve",
                &conflict.seq.to_string(),
                "--take",
                "mine",
            ],
        );
        assert!(out.contains("待上传"), "{out}");
        let r = sync(&cb, &b).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 0), "{r:?}");
        let server = queries::person(w.db().conn(), p.id).unwrap().unwrap();
        assert_eq!(server.post.as_deref(), Some("科长"));
        drop(bs);
        let states: Vec<State> = outbox::entries(Store::open(&b).unwrap().conn())
            .unwrap()
            .iter()
            .map(|e| e.state)
            .collect();
        assert!(!states.contains(&State::Conflict), "{states:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_entry_takes_the_edits_that_depend_on_it_with_its_reason() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let (a_token, b_token) = (w.operator("甲", root), w.operator("乙", root));
        let (a, b) = (w.cache("a"), w.cache("b"));
        let (ca, cb) = (w.client(&a_token), w.client(&b_token));
        sync(&ca, &a).await.unwrap();
        sync(&cb, &b).await.unwrap();
        let (org, t) = unit_with_place(&a);
        let id = fresh_id(21);
        // Both enter the same ID number offline; b's reaches the server first.
        ok(&a, &strs(&add_args(org, t, "李明", &id)));
        let temp = -outbox::entries(Store::open(&a).unwrap().conn()).unwrap()[0].seq;
        ok(
            &a,
            &["person", "edit", &temp.to_string(), "--set", "职务=科员"],
        );
        ok(&b, &strs(&add_args(org, t, "李明", &id)));
        sync(&cb, &b).await.unwrap();
        let r = sync(&ca, &a).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (0, 2), "{r:?}");
        let entries = outbox::entries(Store::open(&a).unwrap().conn()).unwrap();
        let reasons: Vec<String> = entries.iter().map(|e| e.reason.clone().unwrap()).collect();
        assert!(reasons[0].contains("一人一编"), "{reasons:?}");
        assert!(
            reasons[1].contains("增员登记未被接受") && reasons[1].contains("一人一编"),
            "{reasons:?}"
        );
        assert_eq!(server_persons_named(&w, "李明").len(), 1);
        // The reasons come typed and read in the terminal's language.
        let en = ok(&a, &["--lang", "en", "outbox"]);
        let en = en.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            en.contains("not applied: ID number: this ID number already holds a place in"),
            "{en}"
        );
        assert!(
            en.contains("the entry this edit depends on was refused"),
            "{en}"
        );
        // Nothing of the refused entry is left in a's cache but the server's own record.
        let store = Store::open(&a).unwrap();
        let temps: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM persons WHERE id < 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(temps, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_whose_answer_was_lost_is_applied_once_when_resent() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("甲", root);
        let a = w.cache("a");
        let c = w.client(&token);
        sync(&c, &a).await.unwrap();
        let (org, t) = unit_with_place(&a);
        ok(&a, &strs(&add_args(org, t, "赵一鸣", &fresh_id(31))));
        sync(&c, &a).await.unwrap();
        // As if the answer had been lost: the row is back to "sent, unanswered".
        Store::open(&a)
            .unwrap()
            .conn()
            .execute(
                "UPDATE outbox SET state = 3, outcome = NULL, reason = NULL",
                [],
            )
            .unwrap();
        let r = sync(&c, &a).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (1, 1), "{r:?}");
        let on_server = server_persons_named(&w, "赵一鸣");
        assert_eq!(on_server.len(), 1);
        let entries = events_of(w.db().conn(), on_server[0].id);
        assert_eq!(entries.len(), 1, "{entries:?}");
        let store = Store::open(&a).unwrap();
        let n: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM persons WHERE name = '赵一鸣'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerks_id_number_change_waits_for_a_reviewer_and_then_applies() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let clerk = w.db().add_operator_as("录入员", root, Role::Clerk).unwrap();
        let reviewer = w.operator("审核员", root);
        let (a, b) = (w.cache("clerk"), w.cache("reviewer"));
        let (ca, cb) = (w.client(&clerk), w.client(&reviewer));
        sync(&ca, &a).await.unwrap();
        sync(&cb, &b).await.unwrap();
        let p = some_person(&a);
        let birth = p.birth_date.unwrap();
        let new_id = make_id(
            &p.id_number[..6],
            birth,
            if p.sex == Sex::Male { 991 } else { 992 },
        );
        // A key field needs a document number.
        let err = refused(
            &a,
            &[
                "person",
                "edit",
                &p.id.to_string(),
                "--set",
                &format!("身份证号={new_id}"),
            ],
        );
        assert!(err.contains("文号"), "{err}");
        ok(
            &a,
            &[
                "person",
                "edit",
                &p.id.to_string(),
                "--set",
                &format!("身份证号={new_id}"),
                "--doc",
                "示编〔2026〕5号",
            ],
        );
        sync(&ca, &a).await.unwrap();
        // Not applied: a request waits for the reviewer.
        let server = queries::person(w.db().conn(), p.id).unwrap().unwrap();
        assert_eq!(server.id_number, p.id_number);
        let review = outbox::entries(Store::open(&a).unwrap().conn()).unwrap()[0]
            .outcome
            .clone()
            .unwrap()
            .review
            .expect("sent for review");
        // The clerk cannot approve their own change.
        let today = YearMonth::of(chrono::Local::now().date_naive());
        sync(&ca, &a).await.unwrap();
        bianzhi::store::inbox::decide(
            &Store::open(&a).unwrap(),
            review,
            Decision::Approve,
            "同意",
            today,
        )
        .unwrap()
        .unwrap();
        let r = sync(&ca, &a).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (0, 1), "{r:?}");
        let refused = outbox::entries(Store::open(&a).unwrap().conn()).unwrap();
        assert!(
            refused
                .last()
                .unwrap()
                .reason
                .as_deref()
                .unwrap()
                .contains("审核人员"),
            "{refused:?}"
        );
        assert_eq!(
            queries::person(w.db().conn(), p.id)
                .unwrap()
                .unwrap()
                .id_number,
            p.id_number
        );
        sync(&cb, &b).await.unwrap();
        let request = queries::approval(Store::open(&b).unwrap().conn(), review)
            .unwrap()
            .unwrap();
        assert_eq!(request.kind, ApprovalKind::KeyInfoChange);
        assert_eq!(request.status, ApprovalStatus::Pending);
        assert!(request.summary.contains("身份证号"), "{}", request.summary);
        assert!(
            !request.summary.contains(&new_id),
            "masked: {}",
            request.summary
        );
        let today = YearMonth::of(chrono::Local::now().date_naive());
        bianzhi::store::inbox::decide(
            &Store::open(&b).unwrap(),
            review,
            Decision::Approve,
            "核实无误",
            today,
        )
        .unwrap()
        .unwrap();
        let r = sync(&cb, &b).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 0), "{r:?}");
        let server = queries::person(w.db().conn(), p.id).unwrap().unwrap();
        assert_eq!(server.id_number, new_id);
        sync(&ca, &a).await.unwrap();
        assert_eq!(
            queries::person(Store::open(&a).unwrap().conn(), p.id)
                .unwrap()
                .unwrap()
                .id_number,
            new_id
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_named_by_field_and_nothing_is_queued() {
    each_engine(async || {
    let w = World::new(small()).await;
    let root = root_of(&w.db());
    let token = w.operator("甲", root);
    let a = w.cache("a");
    sync(&w.client(&token), &a).await.unwrap();
    let p = some_person(&a);
    let id = p.id.to_string();
    let other = {
        let store = Store::open(&a).unwrap();
        queries::other_record_with_id(store.conn(), "x", 0).unwrap();
        store
            .conn()
            .query_row(
                "SELECT id_number FROM persons WHERE status = 1 AND staffing_type IS NOT NULL AND id <> ? LIMIT 1",
                [p.id],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
    };
    let (org, t) = unit_with_place(&a);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "person".into(),
                "edit".into(),
                id.clone(),
                "--set".into(),
                "身份证号=110105194912310021X".into(),
                "--doc".into(),
                "d".into(),
            ],
            "身份证号",
        ),
        (
            vec![
                "person".into(),
                "edit".into(),
                id.clone(),
                "--set".into(),
                "学历=博士后".into(),
            ],
            "学历",
        ),
        (
            vec![
                "person".into(),
                "edit".into(),
                id.clone(),
                "--set".into(),
                "入编时间=2024-02-30".into(),
            ],
            "入编时间",
        ),
        (
            vec![
                "person".into(),
                "edit".into(),
                id.clone(),
                "--set".into(),
                "鞋码=42".into(),
            ],
            "鞋码",
        ),
        (
            vec![
                "person".into(),
                "exit".into(),
                id.clone(),
                "--kind".into(),
                "退休".into(),
                "--date".into(),
                "2024-01-01".into(),
            ],
            "文号",
        ),
        (add_args(org, t, "重复人", &other), "一人一编"),
        (
            vec![
                "org".into(),
                "move".into(),
                root.to_string(),
                "--to".into(),
                {
                    let store = Store::open(&a).unwrap();
                    queries::children(store.conn(), root).unwrap()[0]
                        .org
                        .id
                        .to_string()
                },
                "--doc".into(),
                "d".into(),
            ],
            "循环",
        ),
        (
            vec![
                "ledger".into(),
                "add".into(),
                "--org".into(),
                org.to_string(),
                "--type".into(),
                t.zh().into(),
                "--delta".into(),
                "-100000".into(),
                "--date".into(),
                "2026-01-01".into(),
                "--doc".into(),
                "d".into(),
                "--summary".into(),
                "核减".into(),
            ],
            "数量",
        ),
    ];
    for (args, field) in cases {
        let err = refused(&a, &strs(&args));
        assert!(err.contains(field), "{args:?}: {err}");
    }
    assert!(
        outbox::entries(Store::open(&a).unwrap().conn())
            .unwrap()
            .is_empty()
    );
    // An 15-digit number typed with full-width digits is written as 18.
    let intent = Intent {
        edit: bianzhi::model::edit::Edit::PersonEdit {
            person: bianzhi::model::edit::Target::Id(p.id),
            changes: vec![FieldChange {
                field: "major".into(),
                from: p.major.clone().unwrap_or_default(),
                to: "档案学".into(),
            }],
        },
        doc_no: None,
        base: 0,
    };
    let store = Store::open(&a).unwrap();
    pending::queue(store.conn(), &intent, chrono::Local::now().date_naive())
        .unwrap()
        .unwrap();
    assert_eq!(
        pending::person(store.conn(), p.id).unwrap().unwrap().fields,
        vec!["major"]
    );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exit_is_saved_at_once_and_the_figures_follow_in_their_own_transaction() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("甲", root);
        let a = w.cache("a");
        sync(&w.client(&token), &a).await.unwrap();
        let p = some_person(&a);
        let t = p.staffing_type.unwrap();
        let store = Store::open(&a).unwrap();
        let actual = || {
            queries::unit_figures(store.conn(), p.org_id)
                .unwrap()
                .quota_of(t)
                .actual
        };
        let before = actual();
        let intent = Intent {
            edit: bianzhi::model::edit::Edit::PersonExit {
                person: bianzhi::model::edit::Target::Id(p.id),
                kind: ExitKind::Retirement,
                date: chrono::Local::now().date_naive(),
            },
            doc_no: Some("示人〔2026〕9号".into()),
            base: pending::cursor(store.conn()).unwrap(),
        };
        pending::queue(store.conn(), &intent, chrono::Local::now().date_naive())
            .unwrap()
            .unwrap();
        // The person has left at once; the figures wait for the refresh.
        let shown = queries::person(store.conn(), p.id).unwrap().unwrap();
        assert_eq!(shown.status, PersonStatus::Retired);
        assert_eq!(actual(), before);
        assert!(pending::refresh_stale(store.conn()).unwrap());
        assert_eq!(actual(), before - 1);
        assert!(!pending::refresh_stale(store.conn()).unwrap(), "done once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_edit_is_withdrawn_and_the_record_shows_what_remains() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("甲", root);
        let a = w.cache("a");
        sync(&w.client(&token), &a).await.unwrap();
        let p = some_person(&a);
        let id = p.id.to_string();
        let post = |cache: &Path| -> String {
            let v: serde_json::Value =
                serde_json::from_str(&ok(cache, &["person", &id, "--json"])).unwrap();
            v["post"].as_str().unwrap_or_default().to_string()
        };
        ok(&a, &["person", "edit", &id, "--set", "职务=甲职务"]);
        ok(&a, &["person", "edit", &id, "--set", "职务=乙职务"]);
        assert_eq!(post(&a), "乙职务");
        let seqs: Vec<i64> = outbox::entries(Store::open(&a).unwrap().conn())
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        ok(&a, &["outbox", "withdraw", "--edit", &seqs[1].to_string()]);
        assert_eq!(post(&a), "甲职务");
        let err = refused(&a, &["outbox", "withdraw", "--edit", &seqs[1].to_string()]);
        assert!(err.contains(&seqs[1].to_string()), "{err}");
        ok(&a, &["outbox", "withdraw", "--edit", &seqs[0].to_string()]);
        assert_eq!(post(&a), p.post.clone().unwrap_or_default());
        // Nothing is left to send: the server never hears of them.
        let r = sync(&w.client(&token), &a).await.unwrap();
        assert_eq!(r.pushed, 0);
    })
    .await;
}
