//! The reference server under management and abuse: operators disabled while it runs,
//! errors always in the `{code, error}` form, client ids never reused into an
//! "accepted", refusals that name nothing outside the jurisdiction, snapshots built once,
//! forged cursors answered cheaply, silent sockets that cannot starve an honest sync.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db;
use bianzhi::sync::Client;
use bianzhi::sync::client::Error;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn operator_cmd(args: &[&str], db: &Path) -> Output {
    Command::new(bin())
        .arg("operator")
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("BIANZHI_TOKEN")
        .env("BIANZHI_LOG_DIR", beside(db))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout_ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn last_line(s: &str) -> String {
    s.trim_end().lines().last().unwrap().trim().to_string()
}

/// On both engines: `bianzhi operator …` on the SQLite file or the `postgres://` URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_disabled_by_another_process_is_refused_without_a_restart() {
    each_engine(async || {
        let w = World::new(small()).await;
        let (dir, path) = (&w.dir, w.db_path.clone());
        let root = root_of(&w.db());
        let root_name = bianzhi::store::queries::org(w.db().conn(), root)
            .unwrap()
            .unwrap()
            .name;
        // The jurisdiction given by the unit's full name.
        let token = last_line(&stdout_ok(operator_cmd(
            &["add", "张科长", "--scope", &root_name],
            &path,
        )));
        assert!(token.starts_with("bz_"), "{token}");
        let serve = ServeProcess::start(&path, "127.0.0.1:0", &[], &[]);
        let client = Client::new(&serve.url, &token).unwrap();
        let cache = dir.path().join("cache.db");
        sync(&client, &cache).await.unwrap();

        // Disabled by a separate process while the server runs.
        let said = stdout_ok(operator_cmd(&["disable", "张科长"], &path));
        assert!(said.contains("已停用"), "{said}");
        match sync(&client, &cache).await {
            Err(Error::Unauthorized(m)) => {
                assert!(m.contains("停用") && m.contains("管理员"), "{m}")
            }
            other => panic!("a disabled operator synced: {other:?}"),
        }
        // The raw answer: 401 in the documented form.
        let resp = reqwest::Client::new()
            .get(format!("{}/v1/whoami", serve.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "operator_disabled");
        assert!(body["error"].as_str().unwrap().contains("管理员"));

        let list = stdout_ok(operator_cmd(&["list"], &path));
        let row = list.lines().find(|l| l.contains("张科长")).unwrap();
        assert!(row.contains("已停用") && row.contains(&root_name), "{list}");

        stdout_ok(operator_cmd(&["enable", "张科长"], &path));
        sync(&client, &cache).await.unwrap();
        let list = stdout_ok(operator_cmd(&["list"], &path));
        assert!(!list.contains("已停用"), "{list}");

        // A new token: the old one is refused at once, the new one works.
        let fresh = last_line(&stdout_ok(operator_cmd(&["rotate", "张科长"], &path)));
        assert!(fresh.starts_with("bz_") && fresh != token);
        assert!(matches!(
            sync(&client, &cache).await,
            Err(Error::Unauthorized(_))
        ));
        sync(&Client::new(&serve.url, &fresh).unwrap(), &cache)
            .await
            .unwrap();
        // Nothing about a token is ever printed by list.
        let list = stdout_ok(operator_cmd(&["list"], &path));
        assert!(!list.contains(&fresh) && !list.contains(&token));
    })
    .await;
}

/// On both engines: `bianzhi operator add --scope` resolves names against either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jurisdiction_is_named_by_id_full_name_or_unique_short_name() {
    each_engine(async || {
        let w = World::new(small()).await;
        let path = w.db_path.clone();
        let root = root_of(&w.db());
        let db = w.db();
        // A short name several units share, and one only one unit has.
        let shared: String = db
            .conn()
            .query_row(
                "SELECT short_name FROM orgs WHERE short_name IS NOT NULL GROUP BY short_name \
                 HAVING COUNT(*) > 1 ORDER BY short_name LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let (unique_id, unique): (OrgId, String) = db
            .conn()
            .query_row(
                "SELECT MIN(id), short_name FROM orgs WHERE short_name IS NOT NULL \
                 AND short_name NOT IN (SELECT name FROM orgs) GROUP BY short_name \
                 HAVING COUNT(*) = 1 ORDER BY 1 LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        drop(db);
        let out = operator_cmd(&["add", "甲", "--scope", &unique], &path);
        let said = stdout_ok(out);
        assert!(said.contains(&format!("单位 {unique_id}")), "{said}");
        let out = operator_cmd(&["add", "乙", "--scope", &root.to_string()], &path);
        assert!(stdout_ok(out).contains(&format!("单位 {root}")));
        // Ambiguous: fails, listing candidates, creates nothing.
        let out = operator_cmd(&["add", "丙", "--scope", &shared], &path);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("多个单位") && err.contains(&shared), "{err}");
        let out = operator_cmd(&["add", "丁", "--scope", "不存在的单位"], &path);
        assert!(!out.status.success());
        let out = operator_cmd(&["add", "戊", "--scope", "987654"], &path);
        assert!(!out.status.success(), "a unit id that does not exist");
        // The name people say: part of one unit's name only (教育局 for 青山县教育局).
        let db = w.db();
        let (said_id, said): (OrgId, String) = db
            .conn()
            .query_row(
                "SELECT o.id, substr(o.name, 4) FROM orgs o WHERE length(o.name) > 5 AND              (SELECT COUNT(*) FROM orgs p WHERE instr(p.name, substr(o.name, 4)) > 0               OR instr(p.short_name, substr(o.name, 4)) > 0) = 1 ORDER BY o.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        // A suffix of one unit's name that its own departments' names also hold.
        let (suffix_id, suffix): (OrgId, String) = db
            .conn()
            .query_row(
                "SELECT o.id, substr(o.name, 4) FROM orgs o WHERE length(o.name) > 5 AND \
                 (SELECT COUNT(*) FROM orgs p WHERE substr(p.name, -length(o.name) + 3) = substr(o.name, 4) \
                  OR substr(p.short_name, -length(o.name) + 3) = substr(o.name, 4)) = 1 AND \
                 (SELECT COUNT(*) FROM orgs p WHERE instr(p.name, substr(o.name, 4)) > 0) > 1 \
                 ORDER BY o.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        drop(db);
        let out = operator_cmd(&["add", "庚", "--scope", &suffix], &path);
        assert!(
            stdout_ok(out).contains(&format!("单位 {suffix_id}")),
            "{suffix}"
        );
        let out = operator_cmd(&["add", "己", "--scope", &said], &path);
        assert!(
            stdout_ok(out).contains(&format!("单位 {said_id}")),
            "{said}"
        );
        let list = stdout_ok(operator_cmd(&["list"], &path));
        assert!(
            list.contains("甲") && list.contains("乙") && list.contains("己"),
            "{list}"
        );
        assert!(
            !list.contains("丙") && !list.contains("丁") && !list.contains("戊"),
            "{list}"
        );
    })
    .await;
}

/// Status and body of a raw request; the body must be the documented error form.
async fn error_form(rb: reqwest::RequestBuilder) -> (u16, String) {
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = resp.text().await.unwrap();
    assert!(
        ctype.starts_with("application/json"),
        "{status} {ctype}: {text}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let (code, error) = (v["code"].as_str(), v["error"].as_str());
    assert!(
        code.is_some_and(|c| !c.is_empty()) && error.is_some_and(|e| !e.is_empty()),
        "{text}"
    );
    (status, code.unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_answer_has_the_documented_form() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let url = w.server.url();
        let http = reqwest::Client::new();
        let sync_url = format!("{url}/v1/sync");
        let cases = [
            (http.get(format!("{url}/v2/nothing")), 404, "not_found"),
            (
                http.get(&sync_url).bearer_auth(&token),
                405,
                "method_not_allowed",
            ),
            (
                http.delete(format!("{url}/v1/whoami")),
                405,
                "method_not_allowed",
            ),
            (
                http.post(&sync_url)
                    .bearer_auth(&token)
                    .header("content-type", "text/plain")
                    .body(r#"{"protocol":5,"cursor":0}"#),
                415,
                "unsupported_media_type",
            ),
            (
                http.post(&sync_url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("{not json"),
                400,
                "bad_request",
            ),
            (http.post(&sync_url).body("{}"), 401, "unauthorized"),
        ];
        for (rb, status, code) in cases {
            assert_eq!(error_form(rb).await, (status, code.to_string()));
        }
        // Bodies over the limit: refused before reading when the length says so, and after
        // 4 MiB when it does not (chunked). Sent raw: the server answers and closes while the
        // client may still be writing.
        let head = |framing: &str| {
            format!(
                "POST /v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\n{framing}\r\n"
            )
        };
        let declared = raw(
            w.server.addr,
            head("Content-Length: 5242880\r\n"),
            Vec::new(),
        )
        .await;
        let mut chunked = Vec::new();
        for _ in 0..6 {
            chunked.extend_from_slice(format!("{:x}\r\n", 1 << 20).as_bytes());
            chunked.extend_from_slice(&vec![b' '; 1 << 20]);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let streamed = raw(
            w.server.addr,
            head("Transfer-Encoding: chunked\r\n"),
            chunked,
        )
        .await;
        for answer in [declared, streamed] {
            assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
            assert!(
                answer.contains("content-type: application/json"),
                "{answer}"
            );
            let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(v["code"], "too_large", "{answer}");
        }
    })
    .await;
}

/// Sends a request head and body on a fresh socket (write errors ignored: the server may
/// close early) and returns everything read back until the server closes.
async fn raw(addr: std::net::SocketAddr, head: String, body: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
        wr
    });
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match tokio::time::timeout(Duration::from_secs(30), rd.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                // One answer is enough: stop once its body (by its length) is in.
                let text = String::from_utf8_lossy(&out).to_string();
                if let Some(end) = text.find("\r\n\r\n")
                    && let Some(len) = text[..end]
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                    && out.len() >= end + 4 + len
                {
                    break;
                }
            }
        }
    }
    writer.abort();
    String::from_utf8_lossy(&out).to_string()
}

/// Pushes decisions raw; returns the answers.
async fn push(url: &str, token: &str, actions: serde_json::Value) -> Vec<serde_json::Value> {
    let body = serde_json::json!({"protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": 0, "limit": 1, "push": actions});
    let v: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/v1/sync"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["answers"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_reused_for_another_decision_is_refused_never_accepted() {
    each_engine(async || {
    let w = World::new(small()).await;
    let db = w.db();
    let root = root_of(&db);
    let pending: Vec<ApprovalId> = {
        let mut st = db
            .conn()
            .prepare("SELECT id FROM approvals WHERE status = 1 ORDER BY id LIMIT 2")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (a, b) = (pending[0], pending[1]);
    let token = w.operator("全域", root);
    let url = w.server.url();
    let first = serde_json::json!([{"client_id": "c-1", "approval_id": a, "decision": "退回", "comment": "材料不全"}]);
    let answer = push(&url, &token, first.clone()).await;
    assert_eq!(answer[0]["accepted"], true, "{answer:?}");
    // The very same decision again: the same answer (a lost answer resent).
    assert_eq!(push(&url, &token, first).await, answer);
    // The same client id for another request, another verdict, another comment.
    for other in [
        serde_json::json!({"client_id": "c-1", "approval_id": b, "decision": "退回", "comment": "材料不全"}),
        serde_json::json!({"client_id": "c-1", "approval_id": a, "decision": "同意", "comment": "材料不全"}),
        serde_json::json!({"client_id": "c-1", "approval_id": a, "decision": "退回", "comment": "另一意见"}),
    ] {
        let got = push(&url, &token, serde_json::json!([other])).await;
        assert_eq!(got[0]["accepted"], false, "{got:?}");
        assert_eq!(
            got[0]["reason"],
            bianzhi::server::decide::CLIENT_ID_REUSED,
            "{got:?}"
        );
    }
    let now = bianzhi::store::queries::approval(w.db().conn(), b)
        .unwrap()
        .unwrap();
    assert_eq!(now.status, ApprovalStatus::Pending);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_names_no_unit_outside_the_jurisdiction() {
    each_engine(async || {
    let w = World::new(small()).await;
    let mut db = w.db();
    let root = root_of(&db);
    // A department with a pending entry of a person in it…
    let (dept, aid, pid): (OrgId, ApprovalId, PersonId) = db
        .conn()
        .query_row(
            "SELECT d.id, a.id, a.person_id FROM orgs d, approvals a JOIN org_tree t ON t.org_id = a.org_id \
             JOIN persons p ON p.id = a.person_id JOIN org_tree pt ON pt.org_id = p.org_id \
             WHERE d.parent_id = ?1 AND a.status = 1 AND a.kind = ?2 \
             AND instr(t.path, '/' || d.id || '/') > 0 AND instr(pt.path, '/' || d.id || '/') > 0 \
             ORDER BY d.id, a.id LIMIT 1",
            rusqlite::params![root, ApprovalKind::Entry.code()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // …whose ID number is on the books of a unit outside the department.
    let other: PersonId = db
        .conn()
        .query_row(
            "SELECT p.id FROM persons p JOIN org_tree t ON t.org_id = p.org_id \
             WHERE p.status = 1 AND p.staffing_type IS NOT NULL AND instr(t.path, '/' || ?1 || '/') = 0 \
             ORDER BY p.id LIMIT 1",
            [dept],
            |r| r.get(0),
        )
        .unwrap();
    let mut me = bianzhi::store::queries::person(db.conn(), pid)
        .unwrap()
        .unwrap();
    let mut twin = bianzhi::store::queries::person(db.conn(), other)
        .unwrap()
        .unwrap();
    if me.id_number.is_empty() {
        me.id_number = "110101199003071234".into();
    }
    twin.id_number = me.id_number.clone();
    let outside = bianzhi::store::queries::org(db.conn(), twin.org_id)
        .unwrap()
        .unwrap();
    upsert(
        &mut db,
        Dataset {
            persons: vec![me, twin],
            ..Default::default()
        },
    );
    let token = w.operator("科室", dept);
    let answer = push(
        &w.server.url(),
        &token,
        serde_json::json!([{"client_id": "twin-1", "approval_id": aid, "decision": "同意", "comment": ""}]),
    )
    .await;
    let reason = answer[0]["reason"].as_str().unwrap();
    assert_eq!(answer[0]["accepted"], false);
    assert!(reason.contains("管辖范围以外"), "{reason}");
    assert!(
        !reason.contains("编号") && !reason.contains(&outside.name),
        "{reason}"
    );
    // The operator of the whole region may learn which unit it is.
    let all = w.operator("全域", root);
    let answer = push(
        &w.server.url(),
        &all,
        serde_json::json!([{"client_id": "twin-2", "approval_id": aid, "decision": "同意", "comment": ""}]),
    )
    .await;
    let reason = answer[0]["reason"].as_str().unwrap();
    assert!(reason.contains(&format!("编号{}", outside.id)), "{reason}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_snapshots_are_built_once_and_identical() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let url = w.server.url();
        let get = || {
            let (url, token) = (url.clone(), token.clone());
            tokio::spawn(async move {
                let resp = reqwest::Client::new()
                    .get(format!("{url}/v1/snapshot"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
                resp.bytes().await.unwrap()
            })
        };
        let tasks: Vec<_> = (0..4).map(|_| get()).collect();
        let mut bodies = Vec::new();
        for t in tasks {
            bodies.push(t.await.unwrap());
        }
        assert!(bodies.windows(2).all(|p| p[0] == p[1]));
        assert_eq!(w.server.snapshots_built(), 1);
        // The file `bianzhi import` reads, holding what the jurisdiction holds.
        let snap = bianzhi::sync::wire::Snapshot::from_bytes(&bodies[0]).unwrap();
        let (data, cursor) = w.scoped(root);
        assert_eq!(snap.cursor, cursor);
        assert_eq!(snap.scope_root, Some(root));
        assert_eq!(checksum(&snap.data.decode().unwrap()), checksum(&data));
        // A write makes a new one.
        let mut db = w.db();
        let mut unit = data.orgs[0].clone();
        unit.sort += 1;
        upsert(
            &mut db,
            Dataset {
                orgs: vec![unit],
                ..Default::default()
            },
        );
        let again = get().await.unwrap();
        assert_ne!(again, bodies[0]);
        assert_eq!(w.server.snapshots_built(), 2);
    })
    .await;
}

/// Rows the feed of `dept` holds as tombstones: on SQLite its departures on record
/// (`sync_moves`), on PostgreSQL its `gone` entries.
fn departures(w: &World, dept: OrgId) -> u64 {
    if !w.is_pg() {
        return w
            .db()
            .conn()
            .query_row("SELECT COUNT(*) FROM sync_moves", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap() as u64;
    }
    let url = w.target();
    blocking(move || {
        postgres::Client::connect(&url, postgres::NoTls)
            .unwrap()
            .query_one(
                "SELECT count(*) FROM feed WHERE anc = $1 AND gone",
                &[&dept],
            )
            .unwrap()
            .get::<_, i64>(0) as u64
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_cursor_costs_no_more_than_a_first_sync() {
    each_engine(async || {
        let w = World::new(small()).await;
        let mut db = w.db();
        let root = root_of(&db);
        let dept: OrgId = db
            .conn()
            .query_row(
                "SELECT d.id FROM orgs d WHERE d.parent_id = ?1 ORDER BY (SELECT COUNT(*) FROM persons p \
                 JOIN org_tree t ON t.org_id = p.org_id WHERE instr(t.path, '/' || d.id || '/') > 0) DESC LIMIT 1",
                [root],
                |r| r.get(0),
            )
            .unwrap();
        // Departures on record: persons of the department moved out, one by one.
        let scope = db::scope_of(db.conn(), dept).unwrap();
        let leaving: Vec<Person> = small()
            .persons
            .iter()
            .filter(|p| scope.contains(&p.org_id))
            .take(30)
            .cloned()
            .collect();
        let elsewhere = small()
            .orgs
            .iter()
            .find(|o| !scope.contains(&o.id))
            .unwrap()
            .id;
        for mut p in leaving {
            p.org_id = elsewhere;
            upsert(
                &mut db,
                Dataset {
                    persons: vec![p],
                    ..Default::default()
                },
            );
        }
        let moves = departures(&w, dept);
        assert!(moves >= 10, "{moves} departures");
        let (epoch, top) = w.head();
        let limit = 50_000;
        let first = w.feed(dept, 0, limit);
        // Forged cursors: the smallest, and one half-way to the newest position.
        for forged in [1, 2, top / 2] {
            let f = w.feed(dept, forged, limit);
            eprintln!(
                "cursor {forged}: {} rows examined (first sync {}, departures on record {moves}, seq {top})",
                f.examined, first.examined
            );
            assert!(
                f.examined <= first.examined + moves,
                "cursor {forged}: {} rows examined, a first sync {} (+{moves} departures)",
                f.examined,
                first.examined
            );
        }
        // Over HTTP: a cursor from the future or another epoch is told to start over; a
        // forged old one is answered as a page, never an error.
        let token = w.operator("科室", dept);
        let http = reqwest::Client::new();
        for (cursor, refetch) in [(top + 1_000_000, true), (u64::MAX / 2, true), (1, false)] {
            let page: bianzhi::sync::proto::SyncPage = http
                .post(format!("{}/v1/sync", w.server.url()))
                .bearer_auth(&token)
                .json(&serde_json::json!({"protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": cursor, "epoch": epoch, "scope_root": dept}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(page.must_refetch.is_some(), refetch, "cursor {cursor}");
        }
    })
    .await;
}

/// `bianzhi serve` as a child process allowed 1,024 open files (soft and hard limit, as
/// on many hosts), so it cannot raise its way out and its connection bound must hold.
fn serve_with_1024_files(db: &Path) -> (ServeChild, String) {
    use std::io::BufRead;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" serve --db \"$1\" --listen 127.0.0.1:0")
        .arg(bin())
        .arg(db)
        .env("BIANZHI_LOG_DIR", beside(db))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    out.read_line(&mut url).unwrap();
    assert!(!url.is_empty(), "serve printed no address");
    (ServeChild(child), url.trim().to_string())
}

/// Killed when dropped.
struct ServeChild(std::process::Child);

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_half_open_connections_do_not_starve_an_honest_sync() {
    each_engine(async || {
        // The database of a world; `bianzhi serve` in a child process serves it.
        let w = World::new(small()).await;
        let (dir, path) = (&w.dir, w.db_path.clone());
        let token = w.operator("全域", root_of(&w.db()));
        let (_serve, url) = serve_with_1024_files(&path);
        let addr: std::net::SocketAddr = url.rsplit("//").next().unwrap().parse().unwrap();
        // 1,100 sockets: most say nothing, every fourth sends half a request and stalls.
        let mut held = Vec::with_capacity(1100);
        for i in 0..1100 {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            if i % 4 == 0 {
                use tokio::io::AsyncWriteExt;
                s.write_all(b"POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Le")
                    .await
                    .unwrap();
            }
            held.push(s);
        }
        let started = Instant::now();
        let client = Client::new(&url, &token).unwrap();
        let cache = dir.path().join("honest.db");
        // Before the bound, this sync waited past 90 s (the server out of descriptors).
        let done = tokio::time::timeout(Duration::from_secs(20), sync(&client, &cache)).await;
        eprintln!(
            "honest sync behind 1,100 silent connections: {:?}",
            started.elapsed()
        );
        done.expect("the honest sync did not finish within 20 s")
            .unwrap();
        drop(held);
    })
    .await;
}
