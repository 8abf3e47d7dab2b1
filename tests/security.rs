//! Nobody in where they don't belong: jurisdiction on every endpoint (without even
//! learning whether an id exists), tokens never on disk or in a log, HTTPS trusting an
//! intranet's own CA, private files, masked ID numbers, logs free of personal data.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::store::Store;
use bianzhi::sync::client::Error;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(home: &Path, cache: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("BIANZHI_CACHE", cache)
        .env("BIANZHI_CONFIG", home.join("config.toml"))
        .env("BIANZHI_LOG_DIR", home.join("log"))
        .env("BIANZHI_LOG", "trace")
        .env_remove("BIANZHI_TOKEN")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Everything under `dir`, read as text.
fn all_text(dir: &Path) -> String {
    let mut s = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            s.push_str(&all_text(&p));
        } else {
            s.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
        }
    }
    s
}

/// The answer to a raw request, status line, headers (less `date`) and body, with the
/// server's clock blanked: what an outsider can observe.
async fn observe(rb: reqwest::RequestBuilder) -> String {
    let resp = rb.send().await.unwrap();
    let mut s = format!("{}\n", resp.status());
    for (k, v) in resp.headers() {
        if k != "date" {
            s.push_str(&format!("{k}: {}\n", v.to_str().unwrap()));
        }
    }
    let body = resp.bytes().await.unwrap();
    let mut text = String::from_utf8_lossy(&body).to_string();
    if let Some(start) = text.find("\"server_time\":\"") {
        let end = text[start + 15..].find('"').unwrap() + start + 15;
        text.replace_range(start + 15..end, "");
    }
    s + &text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_jurisdiction_every_endpoint_answers_as_for_nothing() {
    each_engine(async || {
    let w = World::new(small()).await;
    let db = w.db();
    let root = root_of(&db);
    // A department with a pending request outside it, and one inside.
    let (dept, outside): (OrgId, ApprovalId) = db
        .conn()
        .query_row(
            "SELECT d.id, a.id FROM orgs d, approvals a JOIN org_tree t ON t.org_id = a.org_id \
             WHERE d.parent_id = ?1 AND d.kind = 2 AND a.status = 1 AND instr(t.path, '/' || d.id || '/') = 0 \
             ORDER BY d.id, a.id LIMIT 1",
            [root],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let missing: ApprovalId = 9_999_991;
    let (t1, t2) = (w.operator("甲", dept), w.operator("乙", dept));
    let http = reqwest::Client::new();
    let url = w.server.url();
    let (cursor, epoch) = (
        bianzhi::server::db::seq(db.conn()).unwrap(),
        bianzhi::server::db::epoch(db.conn()).unwrap(),
    );
    // The same request from two operators of the same jurisdiction: one decides a request
    // that exists elsewhere, the other one that exists nowhere. Byte for byte the same.
    let decide = |token: &str, aid: ApprovalId| {
        let body = serde_json::json!({
            "protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": cursor, "epoch": epoch, "scope_root": dept,
            "push": [{"client_id": "probe-1", "approval_id": aid, "decision": "同意", "comment": "越权"}],
        });
        http.post(format!("{url}/v1/sync"))
            .bearer_auth(token)
            .json(&body)
    };
    let a = observe(decide(&t1, outside)).await;
    let b = observe(decide(&t2, missing)).await;
    assert!(a.contains(bianzhi::server::decide::NOT_IN_SCOPE), "{a}");
    assert_eq!(a, b);
    // Asked again (a resend), still the same.
    assert_eq!(observe(decide(&t1, outside)).await, b);
    assert_eq!(
        bianzhi::store::queries::approval(w.db().conn(), outside)
            .unwrap()
            .unwrap()
            .status,
        ApprovalStatus::Pending
    );
    // Reading: claiming the whole region in the request yields the department only.
    let page = observe(
        http.post(format!("{url}/v1/sync"))
            .bearer_auth(&t1)
            .json(&serde_json::json!({"protocol": bianzhi::sync::wire::PROTOCOL_VERSION, "cursor": 0, "scope_root": root})),
    )
    .await;
    assert!(page.starts_with("200"));
    let body = &page[page.find('{').unwrap()..];
    let p = bianzhi::sync::proto::SyncPage::from_json(body.as_bytes()).unwrap();
    let scope = bianzhi::server::db::scope_of(w.db().conn(), dept).unwrap();
    let rows = p.data.decode().unwrap();
    assert_eq!(p.scope_root, dept);
    assert!(!rows.orgs.is_empty() && rows.orgs.iter().all(|o| scope.contains(&o.id)));
    assert!(rows.persons.iter().all(|x| scope.contains(&x.org_id)));
    assert!(rows.approvals.iter().all(|x| scope.contains(&x.org_id)));
    // Who am I: the department, whatever else is asked.
    let me: bianzhi::sync::proto::WhoAmI = http
        .get(format!("{url}/v1/whoami?scope_root={root}"))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.scope_root, dept);
    // Without a valid token every endpoint answers the same refusal, naming the fix and
    // never the token.
    let mut refusals = Vec::new();
    for token in [
        None,
        Some("bz_0000"),
        Some(t1.trim_end_matches(char::is_alphanumeric)),
    ] {
        for (method, path) in [
            ("GET", "/v1/whoami"),
            ("GET", "/v1/snapshot"),
            ("POST", "/v1/sync"),
        ] {
            let mut rb = http.request(method.parse().unwrap(), format!("{url}{path}"));
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            }
            let seen = observe(rb.body(r#"{"protocol":5,"cursor":0}"#)).await;
            assert!(seen.starts_with("401"), "{seen}");
            assert!(!seen.contains(&t1) && !seen.contains("bz_0000"));
            // Without any token the sentence starts 缺少令牌; otherwise all the same.
            let seen = seen
                .replace("缺少令牌", "令牌无效或已停用")
                .lines()
                .filter(|l| !l.starts_with("content-length"))
                .collect::<Vec<_>>()
                .join("\n");
            refusals.push(seen);
        }
    }
    assert!(refusals.windows(2).all(|p| p[0] == p[1]), "{refusals:?}");
    })
    .await;
}

/// A test CA, and a server certificate for 127.0.0.1 and localhost signed by it.
fn test_ca(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "示例市电子政务内网 CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".into()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let (ca_pem, cert_pem, key_pem) = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    );
    std::fs::write(&ca_pem, ca_cert.pem()).unwrap();
    std::fs::write(&cert_pem, leaf.pem()).unwrap();
    bianzhi::config::write_private(&key_pem, key.serialize_pem().as_bytes()).unwrap();
    (ca_pem, cert_pem, key_pem)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_trusting_the_intranet_ca_and_refusing_without_it() {
    each_engine(async || {
        // The database of a world; `bianzhi serve` in a child process serves it.
        let w = World::new(small()).await;
        let (dir, db_path) = (&w.dir, w.db_path.clone());
        let (ca, cert, key) = test_ca(dir.path());
        let root = root_of(&w.db());
        let token = w.operator("全域", root);
        let srv = ServeProcess::start(
            &db_path,
            "127.0.0.1:0",
            &[
                "--tls-cert",
                cert.to_str().unwrap(),
                "--tls-key",
                key.to_str().unwrap(),
            ],
            &[],
        );
        assert!(srv.url.starts_with("https://"), "{}", srv.url);

        // Trusting the CA: a whole sync over HTTPS.
        let cache = dir.path().join("c.db");
        let c = bianzhi::sync::Client::with_ca(&srv.url, &token, Some(&ca)).unwrap();
        sync(&c, &cache).await.unwrap();
        let (server, _) = w.scoped(root);
        assert_eq!(checksum(&cache_data(&cache)), checksum(&server));

        // Without it: refused at once, in words that name the fix, the cache untouched.
        let before = fingerprint(&cache);
        let c = bianzhi::sync::Client::new(&srv.url, &token).unwrap();
        let err = sync(&c, &cache).await.unwrap_err();
        assert!(matches!(err, Error::Certificate { .. }), "{err}");
        assert!(!err.is_transient());
        let msg = err.to_string();
        assert!(
            msg.contains("证书不受信任") && msg.contains("ca_cert"),
            "{msg}"
        );
        assert!(!msg.contains(&token));
        assert_eq!(fingerprint(&cache), before);

        // The same from the command line, with the CA in the config file and without.
        let home = dir.path();
        let config = bianzhi::config::Config {
            server: Some(srv.url.clone()),
            token: Some(token.clone()),
            ca_cert: Some(ca.clone()),
            ..Default::default()
        };
        config.save(&home.join("config.toml")).unwrap();
        let cli_cache = home.join("cli.db");
        let out = ok(run(home, &cli_cache, &["sync"], &[]));
        assert!(out.contains("同步完成"), "{out}");
        let bianzhi::config::Config { ca_cert: _, .. } = config.clone();
        bianzhi::config::Config {
            ca_cert: None,
            ..config
        }
        .save(&home.join("config.toml"))
        .unwrap();
        let out = run(home, &cli_cache, &["sync"], &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains("证书不受信任") && stderr.contains("ca_cert"),
            "{stderr}"
        );
        assert!(!stderr.contains(&token));
    })
    .await;
}

#[test]
fn private_files_are_0600_and_a_readable_one_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let cache = home.join("cache.db");
    // A cache made by the program, and a config it wrote: owner only, WAL included.
    let s = Store::create(&cache).unwrap();
    s.set_meta("x", "1").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache), 0o600);
    let wal = home.join("cache.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    drop(s);
    bianzhi::config::Config {
        token: Some("bz_secret".into()),
        ..Default::default()
    }
    .save(&home.join("config.toml"))
    .unwrap();
    assert_eq!(mode(&home.join("config.toml")), 0o600);
    ok(run(home, &cache, &["status"], &[]));

    // World-readable: refused, untouched, with the command that fixes it.
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&cache).unwrap();
    let out = run(home, &cache, &["status"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("chmod 600") && stderr.contains("cache.db"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&cache).unwrap(), before);
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(
        home.join("config.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = run(home, &cache, &["status"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("chmod 600")
            && stderr.contains("config.toml")
            && !stderr.contains("bz_secret"),
        "{stderr}"
    );
}

/// A whole session at trace level — server, operator, sync, queries, export, reveal,
/// decide, sync again, a wrong token — then every log and every stderr is searched for
/// each token, ID number and birth date of the dataset, and every output that was not an
/// explicit reveal for the ID numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_at_trace_level_logs_no_token_and_no_personal_data() {
    each_engine(async || {
        // The database of a world; `bianzhi serve` in a child process serves it at trace
        // level (on PostgreSQL, with the database client's own logging).
        let w = World::new(small()).await;
        let home = w.dir.path();
        let db_path = w.db_path.clone();
        let root = root_of(&w.db());
        let person = small()
            .persons
            .iter()
            .find(|p| !p.id_number.is_empty())
            .unwrap();
        let server_logs = home.join("server-log");
        let srv = ServeProcess::start(
            &db_path,
            "127.0.0.1:0",
            &[],
            &[
                ("BIANZHI_LOG", "trace"),
                ("BIANZHI_LOG_DIR", server_logs.to_str().unwrap()),
            ],
        );
        let cache = home.join("cache.db");
        // The operator's token, as an administrator gets it.
        let out = ok(run(
            home,
            &cache,
            &[
                "operator",
                "add",
                "审批员",
                "--scope",
                &root.to_string(),
                "--db",
                db_path.to_str().unwrap(),
            ],
            &[],
        ));
        let token = out.lines().last().unwrap().trim().to_string();
        assert!(token.starts_with("bz_"));
        let with_token = [("BIANZHI_TOKEN", token.as_str())];
        let pid = person.id.to_string();
        let aid = bianzhi::store::queries::open_approvals(w.db().conn())
            .unwrap()[0]
            .id
            .to_string();
        let csv = home.join("persons.csv");
        let mut shown = String::new();
        let mut stderr = String::new();
        // (arguments, environment, succeeds)
        type Step<'a> = (Vec<&'a str>, &'a [(&'a str, &'a str)], bool);
        let steps: Vec<Step> = vec![
            (vec!["sync", "--server", &srv.url], &with_token, true),
            (vec!["person", &pid, "--json"], &[], true),
            (vec!["person", &pid], &[], true),
            (vec!["search", &person.name, "--json"], &[], true),
            (vec!["warnings", "--json"], &[], true),
            (vec!["inbox", "--json"], &[], true),
            (vec!["overview"], &[], true),
            (
                vec!["export", "persons", "--out", csv.to_str().unwrap()],
                &[],
                true,
            ),
            (
                vec!["decide", &aid, "return", "--comment", "请补充材料"],
                &[],
                true,
            ),
            (vec!["sync", "--server", &srv.url], &with_token, true),
            (vec!["status"], &[], true),
            (
                vec![
                    "sync",
                    "--server",
                    &srv.url,
                    "--token",
                    "bz_wrong_token_0123",
                ],
                &[],
                false,
            ),
        ];
        for (args, env, succeeds) in &steps {
            let out = run(home, &cache, args, env);
            assert_eq!(
                out.status.success(),
                *succeeds,
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            shown.push_str(&String::from_utf8_lossy(&out.stdout));
            stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        shown.push_str(&std::fs::read_to_string(&csv).unwrap());
        // The reveal, on purpose: shown, and audited; the export audited too.
        let revealed = ok(run(home, &cache, &["person", &pid, "--reveal-id"], &[]));
        assert!(revealed.contains(&person.id_number));
        let store = Store::open(&cache).unwrap();
        let audited = |action: &str| -> i64 {
            store
                .conn()
                .query_row(
                    "SELECT COUNT(*) FROM audit WHERE action = ?",
                    [action],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(audited("reveal"), 1);
        assert!(audited("export") >= 1);
        let server_stderr = std::fs::read_to_string(&srv.stderr).unwrap();
        drop(srv);

        let logs = all_text(&home.join("log")) + &all_text(&server_logs);
        assert!(
            logs.len() > 1000,
            "trace logging produced {} bytes",
            logs.len()
        );
        let everything = format!("{logs}{stderr}{server_stderr}");
        for secret in [token.as_str(), "bz_wrong_token_0123"] {
            assert!(
                !everything.contains(secret),
                "a token reached a log or stderr"
            );
        }
        let mut checked = 0;
        for p in &small().persons {
            if p.id_number.len() >= 15 {
                assert!(
                    !everything.contains(&p.id_number),
                    "ID number of person {} logged",
                    p.id
                );
                assert!(
                    !shown.contains(&p.id_number),
                    "ID number of person {} shown unmasked",
                    p.id
                );
                checked += 1;
            }
            if let Some(b) = p.birth_date {
                let b = b.format("%Y-%m-%d").to_string();
                assert!(
                    !everything.contains(&b),
                    "birth date of person {} logged",
                    p.id
                );
            }
        }
        assert!(checked > 500, "{checked}");
        println!(
            "security: {} B of trace logs and stderr searched for {} ID numbers, their birth dates and 2 tokens",
            everything.len(),
            checked
        );
    })
    .await;
}
