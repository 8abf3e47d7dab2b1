//! Accepted means durable, and the cache is the operator's and only a cache: an outside
//! connection opened and closed on a running server's database (an administrator's
//! `sqlite3`, a backup script) or on a client's cache must not cost a committed write;
//! a damaged cache gives up its unsent work to `bianzhi repair`; paths that are not a
//! cache of ours are refused untouched.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db::ServerDb;
use bianzhi::store::Store;
use bianzhi::store::outbox;
use bianzhi::sync::Client;
use std::path::Path;
use std::process::{Command, Output};

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--cache")
        .arg(cache)
        .args(args)
        .env("BIANZHI_LOG_DIR", cache.parent().unwrap())
        .env("BIANZHI_CONFIG", cache.with_extension("toml"))
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// An administrator's `sqlite3` shell (Debian's, as CI installs it): opens the file,
/// runs `sql`, closes. It is another process with another build of SQLite, one that
/// deletes the WAL on close when it finds no other process holding the file.
fn sqlite3_shell(path: &Path, sql: &str) -> String {
    let o = Command::new("sqlite3")
        .arg(path)
        .arg(sql)
        .output()
        .expect("the sqlite3 shell (apt-get install sqlite3; .ci/run installs it)");
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An administrator's `psql` (PostgreSQL 15 from Debian's packages, as CI installs it):
/// another session on the server's database, opened, used, closed.
fn psql(url: &str, sql: &str) -> String {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).max())
        .map(|p| p.join("bin/psql"))
        .unwrap_or_else(|| "psql".into());
    let o = Command::new(bin)
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .expect("psql (apt-get install postgresql-client)");
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The outside connection of the engine: `sqlite3` on the file, `psql` on a URL.
fn outside_shell(db: &Path, sql: &str) -> String {
    let target = db.to_string_lossy();
    if bianzhi::server::backend::is_postgres(&target) {
        psql(&target, sql)
    } else {
        sqlite3_shell(db, sql)
    }
}

fn outside_look(db: &Path) {
    let sql = if bianzhi::server::backend::is_postgres(&db.to_string_lossy()) {
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema();"
    } else {
        "SELECT COUNT(*) FROM sqlite_master;"
    };
    let n = outside_shell(db, sql);
    assert!(n.trim().parse::<i64>().unwrap() > 0);
}

fn pending(db: &ServerDb, n: usize) -> Vec<ApprovalId> {
    bianzhi::store::queries::open_approvals(db.conn())
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .take(n)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_the_server_accepted_survive_an_outside_connection_and_sigkill() {
    each_engine(async || {
        // The database of a world; `bianzhi serve` in a child process serves it.
        let w = World::new(small()).await;
        let (dir, db_path) = (&w.dir, w.db_path.clone());
        let (token, other, ids) = {
            let db = w.db();
            let root = root_of(&db);
            let ids = pending(&db, 4);
            (
                db.add_operator("甲", root).unwrap(),
                db.add_operator("乙", root).unwrap(),
                ids,
            )
        };
        assert_eq!(ids.len(), 4);
        let server = ServeProcess::start(&db_path, "127.0.0.1:0", &[], &[]);
        let cache = dir.path().join("cache.db");
        let client = Client::new(&server.url, &token).unwrap();
        // Requests open the server's reader connections.
        sync(&client, &cache).await.unwrap();
        sync(&Client::new(&server.url, &other).unwrap(), &cache)
            .await
            .unwrap();

        // An administrator looks at the database, and disables 乙 with the ordinary shell
        // (sqlite3 on the file, psql on PostgreSQL).
        outside_look(&db_path);
        outside_shell(
            &db_path,
            &format!(
                "UPDATE operators SET disabled = {} WHERE name = '乙';",
                if w.is_pg() { "true" } else { "1" }
            ),
        );

        let mut queued = Vec::new();
        for &id in &ids {
            let store = Store::open(&cache).unwrap();
            queued.push(outbox::queue(&store, id, Decision::Return, "材料不全").unwrap());
        }
        let report = sync(&client, &cache).await.unwrap();
        assert_eq!((report.pushed, report.accepted), (4, 4), "{report:?}");
        let refused = sync(&Client::new(&server.url, &other).unwrap(), &cache).await;
        assert!(
            matches!(refused, Err(bianzhi::sync::client::Error::Unauthorized(_))),
            "a disabled operator keeps access: {refused:?}"
        );

        server.kill();
        let db = w.db();
        for (id, client_id) in ids.iter().zip(&queued) {
            let accepted: bool = db
                .conn()
                .query_row(
                    "SELECT accepted FROM applied_actions WHERE client_id = ?",
                    [client_id],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("accepted decision on {id} lost: {e}"));
            assert!(accepted);
            let status: i64 = db
                .conn()
                .query_row("SELECT status FROM approvals WHERE id = ?", [id], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(
                status,
                ApprovalStatus::Returned.code() as i64,
                "request {id}"
            );
        }
        // Restarted, the server answers a resend of the same decisions without applying
        // them again.
        drop(db);
        let server = ServeProcess::start(&db_path, "127.0.0.1:0", &[], &[]);
        let again = dir.path().join("again.db");
        sync(&Client::new(&server.url, &token).unwrap(), &again)
            .await
            .unwrap();
        let still_open = pending_in(&again);
        assert!(ids.iter().all(|id| !still_open.contains(id)));
        drop(server);
        decisions_exactly_once(&w.db(), &[cache]);
    })
    .await;
}

#[test]
fn a_decision_queued_in_a_cache_survives_an_outside_connection() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    Store::create(&cache).unwrap().replace_all(small()).unwrap();
    let id =
        bianzhi::store::queries::open_approvals(Store::open(&cache).unwrap().conn()).unwrap()[0].id;
    // A process that holds connections (as the interface holds its workers').
    let first = Store::open(&cache).unwrap();
    let second = Store::open(&cache).unwrap();
    // Another process opens and closes the cache: an administrator's `sqlite3`.
    outside_look(&cache);
    outbox::queue(&first, id, Decision::Approve, "同意").unwrap();
    drop(second);
    // Seen from yet another process, while this one still holds its connection.
    let o = run(&cache, &["status", "--json"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["unsent"], 1, "the queued decision is gone: {st}");
    drop(first);
}

/// Overwrites the root page of a table with garbage, as a failing disk would.
fn damage_table(cache: &Path, table: &str) {
    let (root, page_size): (i64, i64) = {
        let c = rusqlite::Connection::open(cache).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?",
                [table],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(cache).unwrap();
    f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
        .unwrap();
    f.write_all(&vec![0x5a; page_size as usize]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repair_rescues_unsent_decisions_from_a_damaged_cache_and_the_next_sync_sends_them() {
    each_engine(async || {
        let w = World::new(small()).await;
        let root = root_of(&w.db());
        let token = w.operator("甲", root);
        let c = w.client(&token);
        let cache = w.cache("k");
        sync(&c, &cache).await.unwrap();
        let ids = pending(&w.db(), 3);
        for &id in &ids[..2] {
            let o = run(
                &cache,
                &["decide", &id.to_string(), "return", "--comment", "请补正"],
            );
            assert!(o.status.success(), "{}", text(&o));
        }
        // A healthy cache is left alone.
        let before = std::fs::read(&cache).unwrap();
        let o = run(&cache, &["repair"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("完好"), "{}", text(&o));
        assert_eq!(std::fs::read(&cache).unwrap(), before);

        damage_table(&cache, "persons");

        // A query says what happened and names a command that exists.
        let o = run(&cache, &["warnings"]);
        assert!(!o.status.success());
        assert!(text(&o).contains("bianzhi repair"), "{}", text(&o));
        // Deciding into the damaged cache is refused before anything is written.
        let before = std::fs::read(&cache).unwrap();
        let o = run(
            &cache,
            &[
                "decide",
                &ids[2].to_string(),
                "return",
                "--comment",
                "请补正",
            ],
        );
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("bianzhi repair"), "{}", text(&o));
        assert_eq!(std::fs::read(&cache).unwrap(), before);

        let o = run(&cache, &["repair"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("未发送的操作 2 个"), "{}", text(&o));
        let aside: Vec<_> = std::fs::read_dir(cache.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .collect();
        assert!(!aside.is_empty(), "the damaged file is kept aside");
        let unsent = outbox::unsent(Store::open(&cache).unwrap().conn()).unwrap();
        assert_eq!(unsent.len(), 2);

        let report = sync(&c, &cache).await.unwrap();
        assert_eq!((report.pushed, report.accepted), (2, 2), "{report:?}");
        let (data, _) = w.scoped(root);
        assert_eq!(checksum(&cache_data(&cache)), checksum(&data));
        decisions_exactly_once(&w.db(), std::slice::from_ref(&cache));
        let log = run(&cache, &["status"]);
        assert!(log.status.success(), "{}", text(&log));
    })
    .await;
}

#[test]
fn a_path_that_is_not_our_cache_is_refused_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();

    // Missing: said, and nothing created.
    let missing = dir.path().join("nothing-here.db");
    for args in [&["warnings"][..], &["org", "1"], &["status"], &["inbox"]] {
        let o = run(&missing, args);
        assert!(!o.status.success());
        assert!(text(&o).contains("不存在"), "{args:?}: {}", text(&o));
        assert!(!missing.exists(), "{args:?} created the cache");
    }

    // Another program's SQLite database.
    let foreign = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');")
            .unwrap();
    }
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&foreign).unwrap();
    for args in [&["warnings"][..], &["import", "testdata/small.snap"]] {
        let o = run(&foreign, args);
        assert!(!o.status.success());
        assert!(text(&o).contains("其他程序"), "{}", text(&o));
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    let tables: i64 = rusqlite::Connection::open(&foreign)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1);

    // A directory.
    let o = run(dir.path(), &["warnings"]);
    assert!(text(&o).contains("目录"), "{}", text(&o));

    // Group- or world-accessible modes, alike.
    let cache = dir.path().join("cache.db");
    let o = run(&cache, &["import", "testdata/small.snap"]);
    assert!(o.status.success(), "{}", text(&o));
    for mode in [0o640, 0o660, 0o644] {
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(mode)).unwrap();
        let o = run(&cache, &["warnings"]);
        assert!(!o.status.success());
        assert!(text(&o).contains("chmod 600"), "{mode:o}: {}", text(&o));
    }
}

#[test]
fn a_token_with_control_characters_is_reported_as_malformed_and_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    // A listening server that must never see a request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    for token in ["abc\u{1}def", "abc\tdef", "令牌abc", "abc\u{7f}"] {
        let o = run(&cache, &["sync", "--server", &url, "--token", token]);
        assert!(!o.status.success());
        let t = text(&o);
        assert!(t.contains("令牌格式不对"), "{token:?}: {t}");
        assert!(!t.contains("无法连接"), "{token:?}: {t}");
        assert!(listener.accept().is_err(), "{token:?} reached the server");
    }
}

#[test]
fn an_export_never_overwrites_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    let o = run(&cache, &["import", "testdata/small.snap"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = std::fs::read(&cache).unwrap();
    let o = run(
        &cache,
        &[
            "export",
            "quota",
            "--format",
            "xlsx",
            "--out",
            cache.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("缓存文件本身"), "{}", text(&o));
    assert_eq!(std::fs::read(&cache).unwrap(), before);
    let o = run(&cache, &["warnings"]);
    assert!(o.status.success(), "{}", text(&o));
}
