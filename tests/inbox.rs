//! The approval inbox and the timelines against the real reference server: effect
//! previews agree with what the server applies, decisions made offline survive a
//! restart and apply once, a conflict comes back on the item with the server's reason,
//! and the interface decides a request end to end in tmux.

use crate::tmux::Tmux;
use crate::util::{World, small, sync};
use bianzhi::model::quota::Figures;
use bianzhi::model::*;
use bianzhi::server::decide;
use bianzhi::store::inbox::{self, Item, Standing};
use bianzhi::store::outbox;
use bianzhi::store::{Store, queries, timeline};
use bianzhi::sync::{Client, Retry};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// Where an item stands, in Chinese, as the command line says it.
fn standing_text(item: &Item) -> String {
    bianzhi::cli::speak::standing_text(item, Lang::Zh)
}

fn root(w: &World) -> OrgId {
    w.db()
        .conn()
        .query_row(
            "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn today() -> YearMonth {
    YearMonth::of(chrono::Local::now().date_naive())
}

fn items(cache: &Path) -> Vec<Item> {
    inbox::items(Store::open(cache).unwrap().conn(), today()).unwrap()
}

fn item(cache: &Path, id: ApprovalId) -> Item {
    inbox::one(Store::open(cache).unwrap().conn(), id, today())
        .unwrap()
        .unwrap()
}

/// Every figure a preview may name, by the name it uses (`行政编制空编`, `正科级正职职数`).
fn figure_texts(f: &Figures) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for &t in StaffingType::ALL {
        let q = f.quota_of(t);
        let z = t.zh();
        m.insert(format!("{z}实有"), q.actual.to_string());
        m.insert(format!("{z}已批未用"), q.reserved.to_string());
        m.insert(format!("{z}超编"), q.over.to_string());
        m.insert(format!("{z}空编"), q.vacant.to_string());
        m.insert(format!("{z}可使用"), q.usable.to_string());
    }
    for (s, p) in &f.posts {
        m.insert(format!("{s}职数"), format!("{}/{}", p.actual, p.approved));
    }
    m
}

/// The figures a change names, read from `f`; `None` for a reorganisation's labels.
fn check_figures(changes: &[approval::Change], f: &Figures, when: &str, after: bool) {
    let texts = figure_texts(f);
    for c in changes {
        let Some(now) = texts.get(&c.what) else {
            continue;
        };
        let expected = if after { &c.after } else { &c.before };
        assert_eq!(now, expected, "{when}: {c}");
    }
}

#[test]
fn timelines_of_generated_units_reproduce_their_quota_from_the_ledger() {
    let mut store = Store::open_in_memory().unwrap();
    store.replace_all(small()).unwrap();
    let conn = store.conn();
    let mut checked = 0;
    for org in &small().orgs {
        let items = timeline::unit(conn, org.id).unwrap();
        assert!(
            items.windows(2).all(|w| w[0].date >= w[1].date),
            "newest first"
        );
        let from_ledger = timeline::approved_from_ledger(&items);
        let figures = queries::unit_figures(conn, org.id).unwrap();
        for &t in StaffingType::ALL {
            assert_eq!(
                from_ledger.get(&t).copied().unwrap_or(0),
                figures.quota_of(t).approved,
                "{} {t}",
                org.name
            );
        }
        checked += from_ledger.len();
    }
    assert!(checked > 20, "the generated units have ledgers ({checked})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_agree_with_the_quota_rules_before_and_after_the_server_applies_them() {
    let w = World::new(small()).await;
    let c = w.client(&w.operator("审批员", root(&w)));
    let cache = w.cache("c");
    sync(&c, &cache).await.unwrap();
    let mut decided = Vec::new();
    for kind in ApprovalKind::ALL {
        let Some(it) = items(&cache).into_iter().find(|i| {
            i.request.kind == *kind && i.standing.decidable() && !i.effect.blocks_approval()
        }) else {
            continue;
        };
        let org = it.request.org_id;
        // Before: the preview's left side is the unit as the cache and the server see it.
        check_figures(&it.effect.changes, &it.figures, "cache before", false);
        let server_before = decide::unit_figures_now(w.db().conn(), org).unwrap();
        check_figures(&it.effect.changes, &server_before, "server before", false);

        let store = Store::open(&cache).unwrap();
        inbox::decide(&store, it.request.id, Decision::Approve, "同意。", today())
            .unwrap()
            .unwrap();
        drop(store);
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!((r.pushed, r.accepted, r.rejected), (1, 1, 0), "{kind}");

        // After: the right side is what the server made of it, and what came back.
        let server_after = decide::unit_figures_now(w.db().conn(), org).unwrap();
        check_figures(&it.effect.changes, &server_after, "server after", true);
        let conn = Store::open(&cache).unwrap();
        let cache_after = queries::unit_figures(conn.conn(), org).unwrap();
        check_figures(&it.effect.changes, &cache_after, "cache after", true);
        if *kind == ApprovalKind::Reorganisation {
            let unit = queries::org(conn.conn(), org).unwrap().unwrap();
            for c in &it.effect.changes {
                if c.what == approval::REORG_NAME {
                    assert_eq!(unit.name, c.after);
                }
            }
        }
        let now = item(&cache, it.request.id);
        assert!(
            matches!(
                now.standing,
                Standing::Decided {
                    status: ApprovalStatus::Approved,
                    refused: None,
                    ..
                }
            ),
            "{:?}",
            now.standing
        );
        assert_eq!(standing_text(&now), "已同意（审批员）");
        decided.push(*kind);
    }
    assert!(decided.len() >= 3, "kinds decided: {decided:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_made_offline_survive_a_restart_and_apply_exactly_once() {
    let w = World::new(small()).await;
    let token = w.operator("审批员", root(&w));
    let c = w.client(&token);
    let cache = w.cache("c");
    sync(&c, &cache).await.unwrap();
    let it = items(&cache)
        .into_iter()
        .find(|i| {
            i.request.kind == ApprovalKind::Entry
                && i.standing.decidable()
                && !i.effect.blocks_approval()
        })
        .expect("an entry that can be approved");
    let (id, org) = (it.request.id, it.request.org_id);
    let before = decide::unit_figures_now(w.db().conn(), org).unwrap();

    // Offline: the server is out of reach.
    let mut offline = Client::new("http://127.0.0.1:9", &token).unwrap();
    offline.retry = Retry {
        attempts: 1,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(10),
    };
    {
        let store = Store::open(&cache).unwrap();
        inbox::decide(&store, id, Decision::Approve, "同意入编。", today())
            .unwrap()
            .unwrap();
    }
    assert!(sync(&offline, &cache).await.is_err());
    // The client restarts: a new connection to the same cache.
    assert_eq!(
        item(&cache, id).standing,
        Standing::Queued(Decision::Approve)
    );
    assert_eq!(standing_text(&item(&cache, id)), "待上传（同意）");
    // Deciding again before it is sent is refused.
    let again = inbox::decide(
        &Store::open(&cache).unwrap(),
        id,
        Decision::Reject,
        "不同意。",
        today(),
    )
    .unwrap();
    assert_eq!(again.unwrap_err(), inbox::Refusal::AlreadyQueued(id));

    let r = sync(&c, &cache).await.unwrap();
    assert_eq!((r.pushed, r.accepted), (1, 1));
    let r = sync(&c, &cache).await.unwrap();
    assert_eq!(r.pushed, 0, "nothing left to send");

    let after = decide::unit_figures_now(w.db().conn(), org).unwrap();
    assert_eq!(
        after.total().actual,
        before.total().actual + 1,
        "applied once"
    );
    let server = queries::approval(w.db().conn(), id).unwrap().unwrap();
    assert_eq!(
        (
            server.status,
            server.decided_by.as_deref(),
            server.comment.as_deref()
        ),
        (ApprovalStatus::Approved, Some("审批员"), Some("同意入编。"))
    );
    let rows = outbox::entries(Store::open(&cache).unwrap().conn()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, outbox::State::Accepted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_that_conflicts_on_the_server_shows_its_reason_on_the_item() {
    let w = World::new(small()).await;
    let r = root(&w);
    let (a, b) = (
        w.client(&w.operator("张主任", r)),
        w.client(&w.operator("李科长", r)),
    );
    let (ka, kb) = (w.cache("a"), w.cache("b"));
    sync(&a, &ka).await.unwrap();
    sync(&b, &kb).await.unwrap();

    // Decided by another operator first.
    let id = items(&kb)
        .into_iter()
        .find(|i| i.standing.decidable() && !i.effect.blocks_approval())
        .unwrap()
        .request
        .id;
    let sa = Store::open(&ka).unwrap();
    inbox::decide(&sa, id, Decision::Return, "请补正材料。", today())
        .unwrap()
        .unwrap();
    let sb = Store::open(&kb).unwrap();
    inbox::decide(&sb, id, Decision::Approve, "同意。", today())
        .unwrap()
        .unwrap();
    drop((sa, sb));
    sync(&a, &ka).await.unwrap();
    let rb = sync(&b, &kb).await.unwrap();
    assert_eq!(rb.rejected, 1);
    let it = item(&kb, id);
    assert!(!it.standing.decidable());
    let text = standing_text(&it);
    assert!(
        text.starts_with("服务器未接受：") && text.contains("张主任") && text.contains("退回"),
        "{text}"
    );

    // Refused while still open (it would overdraw): back in the inbox, reason shown.
    let blocked = items(&kb)
        .into_iter()
        .find(|i| i.standing.decidable() && i.effect.blocks_approval())
        .expect("a request that would overdraw");
    let sb = Store::open(&kb).unwrap();
    inbox::decide(
        &sb,
        blocked.request.id,
        Decision::Approve,
        "同意。",
        today(),
    )
    .unwrap()
    .unwrap();
    drop(sb);
    let rb = sync(&b, &kb).await.unwrap();
    assert_eq!(rb.rejected, 1);
    let it = item(&kb, blocked.request.id);
    assert!(it.standing.decidable(), "still open: back in the inbox");
    let Standing::Refused { reason, .. } = &it.standing else {
        panic!("{:?}", it.standing)
    };
    // Typed: the blocking warnings themselves, said in either language.
    assert!(
        matches!(
            reason,
            bianzhi::model::refusal::DecisionRefusal::Blocked { .. }
        ),
        "{reason:?}"
    );
    let reason = reason.say(Lang::Zh);
    assert!(
        blocked
            .effect
            .warnings
            .iter()
            .any(|w| w.blocks_approval() && reason.contains(&w.message())),
        "{reason}"
    );
    // The same items on the command line.
    assert!(
        items(&kb)
            .iter()
            .any(|i| i.request.id == blocked.request.id)
    );
}

// ---- the real binary in tmux against the real server --------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interface_decides_a_request_end_to_end_against_the_server() {
    let w = World::new(small()).await;
    let token = w.operator("审批员", root(&w));
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache.db");
    sync(&w.client(&token), &cache).await.unwrap();
    let config = home.path().join("config/bianzhi/config.toml");
    bianzhi::config::Config {
        server: Some(w.server.url()),
        token: Some(token.clone()),
        ..Default::default()
    }
    .save(&config)
    .unwrap();

    // The request the screen lists where the inbox's order (oldest first) puts it.
    let mut open: Vec<Item> = items(&cache)
        .into_iter()
        .filter(|i| i.standing.decidable())
        .collect();
    open.sort_by_key(|i| (i.request.submitted_on, i.request.id));
    let pos = open
        .iter()
        .position(|i| !i.effect.blocks_approval() && i.request.kind == ApprovalKind::Entry)
        .expect("an entry that can be approved");
    let id = open[pos].request.id;

    let env = [
        ("XDG_CONFIG_HOME", home.path().join("config")),
        ("XDG_STATE_HOME", home.path().join("state")),
        ("BIANZHI_CONFIG", config.clone()),
        ("BIANZHI_LOG_DIR", home.path().join("log")),
    ]
    .iter()
    .map(|(k, v)| format!("{k}='{}' ", v.display()))
    .collect::<String>();
    let t = Tmux::start(&format!(
        "env {env} LANG=C.UTF-8 LC_ALL=C.UTF-8 {} --cache '{}'",
        env!("CARGO_BIN_EXE_bianzhi"),
        cache.display()
    ));
    t.wait_text("辖区");
    t.keys(&["F2"]);
    // Rows say how long each request has waited ("61天"); a Down before they are
    // loaded would move nothing.
    t.wait_text("天 ");
    for _ in 0..pos {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.wait_text(&format!("申请 {id} "));
    t.keys(&["a"]);
    t.wait_text("审批意见：同意。");
    t.text("经审核材料齐全");
    t.keys(&["Enter"]);
    t.wait_text("再按 Enter 确认");
    t.keys(&["Enter"]);
    t.wait_text("待上传");
    t.keys(&["Escape"]);
    t.wait_text("待上传（同意）");
    t.keys(&["C-r"]);
    // Accepted, pulled back, and listed below the open requests as decided.
    t.wait_text("未发送 0");
    t.keys(&["End"]);
    t.wait_text("已同意（审批员）");

    let server = queries::approval(w.db().conn(), id).unwrap().unwrap();
    assert_eq!(
        (
            server.status,
            server.decided_by.as_deref(),
            server.comment.as_deref()
        ),
        (
            ApprovalStatus::Approved,
            Some("审批员"),
            Some("同意。经审核材料齐全")
        )
    );
    t.keys(&["q"]);
}
