//! Issue 12, "nothing accepted is ever lost": any outbox goes up in one sync (in
//! batches the server accepts), a sync killed between batches resends only what was
//! never answered, and every decision's fate — 待上传, 已发送, 已接受, 被拒绝 with the
//! server's reason — reaches the operator through `bianzhi outbox` and `bianzhi status`;
//! a decision not yet sent can be withdrawn. Real server, real binary, real caches.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::ServerDb;
use bianzhi::store::Store;
use bianzhi::store::outbox::{self, State};
use bianzhi::sync::proto::MAX_PUSH_DECISIONS;
use std::path::Path;
use std::process::Output;
use unicode_width::UnicodeWidthStr;

/// `n` new pending requests on the server (a template's copies under fresh ids);
/// returns their ids.
fn add_pending(db: &mut TestDb, n: usize) -> Vec<ApprovalId> {
    let template = bianzhi::store::queries::approval(db.conn(), first_pending(db))
        .unwrap()
        .unwrap();
    let max: i64 = db
        .conn()
        .query_row("SELECT MAX(id) FROM approvals", [], |r| r.get(0))
        .unwrap();
    let approvals: Vec<Approval> = (1..=n as i64)
        .map(|k| Approval {
            id: max + k,
            kind: ApprovalKind::StaffingPlan,
            person_id: None,
            amount: 1,
            summary: format!("批量申请 {k}"),
            ..template.clone()
        })
        .collect();
    let ids = approvals.iter().map(|a| a.id).collect();
    upsert(
        db,
        Dataset {
            approvals,
            ..Default::default()
        },
    );
    ids
}

/// Decides each request in the cache the way `bianzhi decide` does (offline: no
/// server is asked).
fn decide_all(cache: &Path, ids: &[ApprovalId], decision: Decision) {
    let store = Store::open(cache).unwrap();
    let today = YearMonth::of(chrono::Local::now().date_naive());
    for &id in ids {
        bianzhi::store::inbox::decide(&store, id, decision, "请补充材料", today)
            .unwrap()
            .unwrap();
    }
}

fn states(cache: &Path) -> std::collections::HashMap<State, usize> {
    let mut m = std::collections::HashMap::new();
    for e in outbox::entries(Store::open(cache).unwrap().conn()).unwrap() {
        *m.entry(e.state).or_insert(0) += 1;
    }
    m
}

/// Requests the server has answered (any client id), per operator and all told.
fn server_answers(db: &ServerDb) -> i64 {
    db.conn()
        .query_row("SELECT COUNT(*) FROM applied_actions", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_decisions_made_offline_go_up_in_one_sync_each_applied_once() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.client(&token);
        let ids = add_pending(&mut w.db(), 5000);
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        decide_all(&cache, &ids, Decision::Return);
        assert_eq!(states(&cache)[&State::Queued], 5000);

        let r = sync(&c, &cache).await.unwrap();
        println!(
            "5000 decisions: {} round trips, {} B up, {} B down, {:.2} s",
            r.round_trips,
            r.bytes_up,
            r.bytes_down,
            r.elapsed.as_secs_f64()
        );
        assert_eq!((r.pushed, r.accepted, r.rejected), (5000, 5000, 0), "{r:?}");
        // One request per batch at least: the server takes no more than its limit at once.
        assert!(r.round_trips as usize >= 5000 / MAX_PUSH_DECISIONS, "{r:?}");
        assert_eq!(
            decisions_exactly_once(&w.db(), std::slice::from_ref(&cache)),
            (5000, 5000)
        );
        // The cache heard the server's decisions: none of them is pending any more.
        let pending: std::collections::HashSet<_> = pending_in(&cache).into_iter().collect();
        assert!(ids.iter().all(|id| !pending.contains(id)));
        assert_eq!(checksum(&cache_data(&cache)), checksum(&w.scoped(root).0));
    })
    .await;
}

fn run(cache: &Path, args: &[&str]) -> Output {
    client_cmd(cache, args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_between_batches_resends_only_what_is_unanswered() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.client(&token);
        let url = w.relay.url();
        let sync_args = ["sync", "--server", url.as_str(), "--token", token.as_str()];
        let ids = add_pending(&mut w.db(), 2 * MAX_PUSH_DECISIONS + 500);
        let (a_ids, b_ids) = ids.split_at(2 * MAX_PUSH_DECISIONS);

        // a: killed after the first batch was answered and written, before the next went.
        let a = w.cache("a");
        sync(&c, &a).await.unwrap();
        decide_all(&a, a_ids, Decision::Return);
        kill_at_pause(client_cmd(&a, &sync_args), "push");
        let st = states(&a);
        assert_eq!(
            st.get(&State::Accepted),
            Some(&MAX_PUSH_DECISIONS),
            "{st:?}"
        );
        assert_eq!(st.get(&State::Queued), Some(&MAX_PUSH_DECISIONS), "{st:?}");
        assert_eq!(server_answers(&w.db()), MAX_PUSH_DECISIONS as i64);
        let r = sync(&c, &a).await.unwrap();
        assert_eq!(
            (r.pushed, r.accepted),
            (MAX_PUSH_DECISIONS as u64, MAX_PUSH_DECISIONS as u64),
            "only the unanswered half goes again: {r:?}"
        );

        // b: killed while writing the page that carries the first batch's answers: the
        // server applied them, the cache never heard. They are 已发送 (no longer
        // withdrawable), go again, are answered the same and applied once.
        let b = w.cache("b");
        sync(&c, &b).await.unwrap();
        decide_all(&b, b_ids, Decision::Return);
        kill_at_pause(client_cmd(&b, &sync_args), "apply");
        assert_eq!(states(&b).get(&State::Sent), Some(&b_ids.len()));
        let refused = run(&b, &["outbox", "withdraw", &b_ids[0].to_string()]);
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("已发送"), "{}", stderr(&refused));
        let r = sync(&c, &b).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (500, 500), "{r:?}");

        assert_eq!(
            decisions_exactly_once(&w.db(), &[a.clone(), b.clone()]),
            (ids.len(), ids.len())
        );
        // a catches up with b's decisions; both agree with the server.
        sync(&c, &a).await.unwrap();
        for k in [&a, &b] {
            assert_eq!(checksum(&cache_data(k)), checksum(&w.scoped(root).0));
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_reaches_the_operator_and_a_queued_decision_can_be_withdrawn() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.client(&token);
        let ids = add_pending(&mut w.db(), 4);
        let (late, fine, kept, taken_back) = (ids[0], ids[1], ids[2], ids[3]);
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();

        // Two decisions go up; one of them is too late: another operator decided first.
        for id in [late, fine] {
            let o = run(
                &cache,
                &[
                    "decide",
                    &id.to_string(),
                    "return",
                    "--comment",
                    "请补充材料",
                ],
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let mut other = bianzhi::store::queries::approval(w.db().conn(), late)
            .unwrap()
            .unwrap();
        other.status = ApprovalStatus::Approved;
        other.decided_by = Some("另一审批员".into());
        upsert(
            &mut w.db(),
            Dataset {
                approvals: vec![other],
                ..Default::default()
            },
        );
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 1));
        let reason = outbox::entries(Store::open(&cache).unwrap().conn())
            .unwrap()
            .into_iter()
            .find(|e| e.approval_id == late)
            .and_then(|e| e.reason)
            .unwrap();
        assert!(reason.contains("另一审批员"), "{reason}");

        // `status` counts the refusal as new.
        let o = run(&cache, &["status"]);
        assert!(
            stdout(&o).contains("1 个是上次查看后新增的"),
            "{}",
            stdout(&o)
        );
        let st: serde_json::Value =
            serde_json::from_slice(&run(&cache, &["status", "--json"]).stdout).unwrap();
        assert_eq!(st["rejected_unseen"], 1);

        // Two more decisions, queued; one is withdrawn.
        for id in [kept, taken_back] {
            let o = run(
                &cache,
                &["decide", &id.to_string(), "reject", "--comment", "不同意"],
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let o = run(&cache, &["outbox", "withdraw", &taken_back.to_string()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("已撤回"), "{}", stdout(&o));
        // The request is undecided again in `bianzhi inbox`.
        let inbox: serde_json::Value =
            serde_json::from_slice(&run(&cache, &["inbox", "--json"]).stdout).unwrap();
        let item = inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["request"]["id"] == taken_back)
            .expect("the withdrawn request is listed as open");
        assert!(item["outbox"].is_null(), "{item}");
        let queued = inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["request"]["id"] == kept)
            .unwrap();
        assert_eq!(queued["outbox"]["state"], "待上传");

        // Withdrawing what cannot be: refused, each in its words.
        for (id, words) in [
            (taken_back, "没有待上传的决定"),
            (late, "已被服务器拒绝"),
            (fine, "服务器已接受"),
        ] {
            let o = run(&cache, &["outbox", "withdraw", &id.to_string()]);
            assert!(!o.status.success());
            assert!(stderr(&o).contains(words), "{id}: {}", stderr(&o));
        }

        // The listing: newest first, within 80 columns, the server's reason whole.
        let o = run(&cache, &["outbox"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        for line in text.lines() {
            assert!(line.width() <= 80, "{} cells: {line}", line.width());
        }
        let squeezed: String = text.split_whitespace().collect();
        let reason_squeezed: String = reason.split_whitespace().collect();
        assert!(squeezed.contains(&reason_squeezed), "{text}");
        let at = |what: &str| text.find(what).unwrap_or_else(|| panic!("{what}: {text}"));
        assert!(
            at("待上传") < at("已接受") && at("已接受") < at("被拒绝"),
            "{text}"
        );
        assert!(
            text.contains("共 3 个：待上传 1，已发送 0，已接受 1，被拒绝 1"),
            "{text}"
        );
        // Looked at: `status` no longer calls the refusal new.
        let st: serde_json::Value =
            serde_json::from_slice(&run(&cache, &["status", "--json"]).stdout).unwrap();
        assert_eq!(
            (st["rejected"].as_u64(), st["rejected_unseen"].as_u64()),
            (Some(1), Some(0))
        );
        assert!(!stdout(&run(&cache, &["status"])).contains("新增"));

        // JSON: the same rows, newest first, with states and the reason.
        let j: serde_json::Value =
            serde_json::from_slice(&run(&cache, &["outbox", "--json"]).stdout).unwrap();
        let rows = j.as_array().unwrap();
        let got: Vec<(i64, &str)> = rows
            .iter()
            .map(|r| (r["request"].as_i64().unwrap(), r["state"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![(kept, "queued"), (fine, "accepted"), (late, "refused")]
        );
        assert_eq!(rows[2]["reason"], reason.as_str());

        // The rest goes up; nothing was lost, nothing applied twice, the withdrawn never sent.
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (1, 1));
        decisions_exactly_once(&w.db(), std::slice::from_ref(&cache));
        assert!(pending_in(&cache).contains(&taken_back));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_stays_withdrawable_until_a_request_carrying_it_may_have_arrived() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let c = w.client(&token);
        let ids = add_pending(&mut w.db(), 2);
        let cache = w.cache("c");
        sync(&c, &cache).await.unwrap();
        decide_all(&cache, &ids, Decision::Return);

        // No connection at all: the request never left, the decisions are still 待上传.
        let mut offline = bianzhi::sync::Client::new("http://127.0.0.1:9", &token).unwrap();
        offline.retry.attempts = 1;
        assert!(sync(&offline, &cache).await.is_err());
        assert_eq!(states(&cache).get(&State::Queued), Some(&2));
        let o = run(&cache, &["outbox", "withdraw", &ids[0].to_string()]);
        assert!(o.status.success(), "{}", stderr(&o));

        // The answer lost on the way back: the server may hold it, so it is 已发送 and
        // stays; the next sync is answered the same.
        w.relay
            .inject(Some(bianzhi::server::relay::Fault::CutAfter(0)), true);
        assert!(sync(&c, &cache).await.is_err());
        w.relay.inject(None, false);
        assert_eq!(states(&cache).get(&State::Sent), Some(&1));
        let o = run(&cache, &["outbox"]);
        assert!(stdout(&o).contains("已发送"), "{}", stdout(&o));
        let o = run(&cache, &["status"]);
        assert!(stdout(&o).contains("1 个已发送"), "{}", stdout(&o));
        let r = sync(&c, &cache).await.unwrap();
        assert_eq!((r.pushed, r.accepted), (1, 1));
        assert_eq!(
            decisions_exactly_once(&w.db(), std::slice::from_ref(&cache)),
            (1, 1)
        );
        assert!(pending_in(&cache).contains(&ids[0]));
    })
    .await;
}
