//! Shared helpers of the integration tests: a real server on 127.0.0.1:0 in the test
//! process, a byte-counting relay in front of it, real caches in temp directories.

#![allow(dead_code)]

use bianzhi::generate::{self, Scale};
use bianzhi::model::{Dataset, OrgId};
use bianzhi::server::relay::Relay;
use bianzhi::server::{self, ServerDb, ServerHandle};
use bianzhi::store::Store;
use bianzhi::sync::{Client, Retry};
use sha2::Digest;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use tempfile::TempDir;

/// The small generated world, built once per test binary.
pub fn small() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| generate::generate(Scale::Small, 7))
}

/// A server seeded with a dataset, reached through a relay.
pub struct World {
    pub dir: TempDir,
    pub db_path: PathBuf,
    pub server: ServerHandle,
    pub relay: Relay,
}

impl World {
    /// A server seeded with `data` on the engine of the test running now (see
    /// [`each_engine`]: SQLite unless a conformance test runs its PostgreSQL turn).
    pub async fn new(data: &Dataset) -> World {
        World::on(&current_engine(), data).await
    }

    /// The server's database beside the running server (tests write through it and
    /// read it; see [`TestDb`]).
    pub fn db(&self) -> TestDb {
        TestDb::open(&self.target())
    }

    /// A new operator with every right over the subtree of `root`; its token.
    pub fn operator(&self, name: &str, root: OrgId) -> String {
        self.db().add_operator(name, root).unwrap()
    }

    /// The server's SQLite file itself, for what only SQLite has (the simulation).
    pub fn sqlite_db(&self) -> ServerDb {
        assert!(!self.is_pg(), "an SQLite-only helper in a PostgreSQL turn");
        ServerDb::open(&self.db_path).unwrap()
    }

    /// Whether this world's server runs on PostgreSQL.
    pub fn is_pg(&self) -> bool {
        server::backend::is_postgres(&self.target())
    }

    /// A client through the relay that gives up quickly.
    pub fn client(&self, token: &str) -> Client {
        let mut c = Client::new(&self.relay.url(), token).unwrap();
        c.retry = Retry {
            attempts: 2,
            first_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(50),
        };
        c
    }

    /// A client through the relay that asks for pages of `page_rows` rows and tries
    /// each request once, so a cut connection surfaces at once.
    pub fn paged_client(&self, token: &str, page_rows: u32) -> Client {
        let mut c = self.client(token);
        c.page_rows = Some(page_rows);
        c.retry.attempts = 1;
        c
    }

    /// A whole first sync into the fresh cache `probe`, the relay's counters reset
    /// before it, so they measure exactly that sync.
    pub async fn probe(&self, c: &Client) -> (PathBuf, bianzhi::sync::Report) {
        let probe = self.cache("probe");
        self.relay.reset();
        let full = sync(c, &probe).await.unwrap();
        (probe, full)
    }

    /// A fresh cache path in the world's directory.
    pub fn cache(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.db"))
    }

    /// What the server holds for a jurisdiction, and its cursor.
    pub fn scoped(&self, root: OrgId) -> (Dataset, u64) {
        let target = self.target();
        blocking(move || {
            server::backend::open(&target)
                .unwrap()
                .read()
                .unwrap()
                .scoped(root)
                .unwrap()
        })
    }
}

/// Runs blocking database work (the PostgreSQL client runs a runtime of its own) from
/// a test's async body.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(_) => tokio::task::block_in_place(f),
        Err(_) => f(),
    }
}

/// The server's database as a test sees it: an SQLite `ServerDb` to read with the
/// store's queries (on PostgreSQL, a copy of what the server holds, its remembered
/// answers and operators included, taken when opened), and writes that go to the
/// server's own database whichever the engine.
pub struct TestDb {
    view: ServerDb,
    pg: Option<String>,
    _dir: Option<TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = ServerDb;
    fn deref(&self) -> &ServerDb {
        &self.view
    }
}

impl TestDb {
    pub fn open(target: &str) -> TestDb {
        if !server::backend::is_postgres(target) {
            return TestDb {
                view: ServerDb::open(std::path::Path::new(target)).unwrap(),
                pg: None,
                _dir: None,
            };
        }
        let url = target.to_string();
        blocking(move || {
            let dir = tempfile::tempdir().unwrap();
            let mut view = ServerDb::open(&dir.path().join("view.db")).unwrap();
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut d = Dataset::default();
            for r in c
                .query(
                    "SELECT tbl, body FROM data_rows WHERE NOT deleted ORDER BY tbl, id",
                    &[],
                )
                .unwrap()
            {
                let body: String = r.get(1);
                fn j<T: serde::de::DeserializeOwned>(b: &str) -> T {
                    serde_json::from_str(b).unwrap()
                }
                match r.get::<_, i16>(0) {
                    0 => d.orgs.push(j(&body)),
                    1 => d.ledger.push(j(&body)),
                    2 => d.posts.push(j(&body)),
                    3 => d.persons.push(j(&body)),
                    4 => d.events.push(j(&body)),
                    _ => d.approvals.push(j(&body)),
                }
            }
            view.seed(&d).unwrap();
            let tx = view.transaction().unwrap();
            for r in c
                .query(
                    "SELECT operator_id, client_id, approval_id, accepted, reason, at, request, outcome FROM applied_actions",
                    &[],
                )
                .unwrap()
            {
                tx.execute(
                    "INSERT INTO applied_actions (operator_id, client_id, approval_id, accepted, reason, at, request, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rusqlite::params![
                        r.get::<_, i64>(0),
                        r.get::<_, String>(1),
                        r.get::<_, i64>(2),
                        r.get::<_, bool>(3),
                        r.get::<_, Option<String>>(4),
                        r.get::<_, String>(5),
                        r.get::<_, Vec<u8>>(6),
                        r.get::<_, Option<String>>(7)
                    ],
                )
                .unwrap();
            }
            for r in c
                .query(
                    "SELECT id, name, scope_root, token_hash, created_at, disabled, role FROM operators",
                    &[],
                )
                .unwrap()
            {
                tx.execute(
                    "INSERT INTO operators (id, name, scope_root, token_hash, created_at, disabled, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rusqlite::params![
                        r.get::<_, i64>(0),
                        r.get::<_, String>(1),
                        r.get::<_, i64>(2),
                        r.get::<_, Vec<u8>>(3),
                        r.get::<_, String>(4),
                        r.get::<_, bool>(5),
                        r.get::<_, i16>(6)
                    ],
                )
                .unwrap();
            }
            tx.commit().unwrap();
            TestDb {
                view,
                pg: Some(url),
                _dir: Some(dir),
            }
        })
    }

    /// [`TestDb::open`] without the copy: for what asks the server itself
    /// ([`TestDb::rows_up_to`], [`TestDb::changed_after`], writes); on PostgreSQL the
    /// view is empty.
    pub fn light(target: &str) -> TestDb {
        if !server::backend::is_postgres(target) {
            return TestDb::open(target);
        }
        let dir = tempfile::tempdir().unwrap();
        TestDb {
            view: ServerDb::open(&dir.path().join("view.db")).unwrap(),
            pg: Some(target.to_string()),
            _dir: Some(dir),
        }
    }

    fn on_pg<T>(&self, f: impl FnOnce(&dyn server::Backend) -> T) -> Option<T> {
        let url = self.pg.as_ref()?;
        Some(blocking(|| f(&*server::backend::open(url).unwrap())))
    }

    /// How many rows (not deleted) the server holds at versions up to `cursor`: what a
    /// cache at that cursor must hold.
    pub fn rows_up_to(&self, cursor: i64) -> i64 {
        match &self.pg {
            Some(url) => blocking(|| {
                postgres::Client::connect(url, postgres::NoTls)
                    .unwrap()
                    .query_one(
                        "SELECT count(*) FROM data_rows WHERE pos <= $1 AND NOT deleted",
                        &[&cursor],
                    )
                    .unwrap()
                    .get(0)
            }),
            None => self
                .view
                .conn()
                .query_row(
                    "SELECT COUNT(*) FROM sync_rows WHERE ver <= ? AND deleted = 0",
                    [cursor],
                    |r| r.get(0),
                )
                .unwrap(),
        }
    }

    /// The rows (table slot, id) the server changed after `cursor`, deleted or not.
    pub fn changed_after(&self, cursor: i64) -> Vec<(i64, i64)> {
        match &self.pg {
            Some(url) => blocking(|| {
                postgres::Client::connect(url, postgres::NoTls)
                    .unwrap()
                    .query("SELECT tbl, id FROM data_rows WHERE pos > $1", &[&cursor])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get::<_, i16>(0) as i64, r.get(1)))
                    .collect()
            }),
            None => {
                let mut st = self
                    .view
                    .conn()
                    .prepare("SELECT tbl, id FROM sync_rows WHERE ver > ?")
                    .unwrap();
                st.query_map([cursor], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
        }
    }

    /// Writes rows and deletions as one change on the server's database.
    pub fn write(&mut self, change: &server::Change) -> server::Result<()> {
        match self.on_pg(|b| b.write(change)) {
            Some(r) => r,
            None => self.view.write(change).map(drop),
        }
    }

    /// Replaces all the server's data.
    pub fn seed(&mut self, data: &Dataset) -> server::Result<()> {
        match self.on_pg(|b| b.seed(data)) {
            Some(r) => r,
            None => self.view.seed(data),
        }
    }

    /// A batch of the simulation's changes (`server::simulate`), planned on what the
    /// server holds and written to it, whichever the engine.
    pub fn simulate(
        &mut self,
        rng: &mut impl rand::Rng,
        today: chrono::NaiveDate,
        n: usize,
        move_chance: f64,
    ) -> server::simulate::Summary {
        let (change, summary) =
            server::simulate::plan(self.view.conn(), rng, today, n, move_chance).unwrap();
        self.write(&change).unwrap();
        summary
    }

    pub fn add_operator(&self, name: &str, root: OrgId) -> server::Result<String> {
        self.add_operator_as(name, root, bianzhi::model::edit::Role::Reviewer)
    }

    pub fn add_operator_as(
        &self,
        name: &str,
        root: OrgId,
        role: bianzhi::model::edit::Role,
    ) -> server::Result<String> {
        match self.on_pg(|b| b.add_operator(name, root, role)) {
            Some(r) => r,
            None => self.view.add_operator_as(name, root, role),
        }
    }
}

/// One sync, no progress display.
pub async fn sync(
    c: &Client,
    cache: &std::path::Path,
) -> Result<bianzhi::sync::Report, bianzhi::sync::client::Error> {
    c.sync(cache, &|_| {}).await
}

// ---- Both engines (issue 18): conformance tests run on SQLite always and on PostgreSQL
// when BIANZHI_TEST_PG names a server (each test on a database of its own).

tokio::task_local! {
    /// The engine a conformance test runs on in this turn (see [`each_engine`]).
    static ENGINE: Engine;
}

/// The engine of the test running now: SQLite outside [`each_engine`].
pub fn current_engine() -> Engine {
    ENGINE.try_with(Engine::clone).unwrap_or(Engine::Sqlite)
}

/// Runs a conformance test's body once per engine (see [`engines`]): on SQLite, then
/// on PostgreSQL when `BIANZHI_TEST_PG` names a server; [`World::new`] builds the
/// server of the turn.
pub async fn each_engine(body: impl AsyncFn()) {
    for engine in engines() {
        // Shown with a failure: which engine's turn failed.
        eprintln!("conformance turn on {engine:?}");
        let _turn = match engine {
            Engine::Postgres(_) => Some(PG_TURN.lock().await),
            Engine::Sqlite => None,
        };
        ENGINE.scope(engine, body()).await;
    }
}

/// The PostgreSQL turns take turns. The feed serves rows of transactions finished for
/// the whole cluster (`pg_snapshot_xmin`, see src/server/pg.rs), so a test's write held
/// open beside another test's sync would delay what that sync sees: one test at a time
/// on the cluster keeps every turn's answers exact.
pub static PG_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Where a conformance test's server keeps its data.
#[derive(Debug, Clone)]
pub enum Engine {
    Sqlite,
    /// The URL of a PostgreSQL server's maintenance database (`…/postgres`).
    Postgres(String),
}

/// SQLite, and PostgreSQL when `BIANZHI_TEST_PG` names a server.
pub fn engines() -> Vec<Engine> {
    let mut v = vec![Engine::Sqlite];
    if let Some(url) = test_pg() {
        v.push(Engine::Postgres(url));
    }
    v
}

pub fn test_pg() -> Option<String> {
    std::env::var("BIANZHI_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new empty database on the PostgreSQL server `base` names; its URL. Blocking.
pub fn fresh_pg(base: &str) -> String {
    let name = format!("bz_{:016x}", rand::random::<u64>());
    let mut c = postgres::Client::connect(base, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let (head, _) = base.rsplit_once('/').unwrap();
    format!("{head}/{name}")
}

impl World {
    /// A server on `engine` seeded with `data`. `db_path` holds the database's path or
    /// URL (see [`World::target`]).
    pub async fn on(engine: &Engine, data: &Dataset) -> World {
        World::on_with(engine, data, server::Options::default()).await
    }

    /// [`World::on`], the server running with these options.
    pub async fn on_with(engine: &Engine, data: &Dataset, options: server::Options) -> World {
        let dir = tempfile::tempdir().unwrap();
        let target = match engine {
            Engine::Sqlite => dir.path().join("server.db").to_string_lossy().into_owned(),
            Engine::Postgres(base) => {
                let base = base.clone();
                tokio::task::spawn_blocking(move || fresh_pg(&base))
                    .await
                    .unwrap()
            }
        };
        let (t, d) = (target.clone(), data.clone());
        tokio::task::spawn_blocking(move || server::backend::open(&t).unwrap().seed(&d).unwrap())
            .await
            .unwrap();
        let server = server::spawn_on(&target, "127.0.0.1:0", options)
            .await
            .unwrap();
        let relay = Relay::start(server.addr).await.unwrap();
        World {
            dir,
            db_path: PathBuf::from(target),
            server,
            relay,
        }
    }

    /// A page of the feed as the server's database answers it now (the page an
    /// uncached server builds), on either engine.
    pub fn feed(&self, root: OrgId, cursor: u64, limit: usize) -> server::backend::Feed {
        let target = self.target();
        blocking(move || {
            server::backend::open(&target)
                .unwrap()
                .read()
                .unwrap()
                .feed(root, cursor, limit)
                .unwrap()
        })
    }

    /// The epoch and newest position the server's database answers now (what a
    /// client that has everything holds).
    pub fn head(&self) -> (String, u64) {
        let target = self.target();
        blocking(move || {
            let b = server::backend::open(&target).unwrap();
            let mut m = b.read().unwrap();
            (m.epoch().unwrap(), m.seq().unwrap())
        })
    }

    /// The database's path or URL.
    pub fn target(&self) -> String {
        self.db_path.to_string_lossy().into_owned()
    }

    /// Runs `f` on the server's database, opened beside the running server, off the
    /// async workers (the PostgreSQL client blocks).
    pub async fn with_backend<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn server::Backend) -> T + Send + 'static,
    ) -> T {
        let target = self.target();
        tokio::task::spawn_blocking(move || f(&*server::backend::open(&target).unwrap()))
            .await
            .unwrap()
    }
}

/// A server database tests write changes into: the SQLite file itself, or [`TestDb`]
/// (either engine).
pub trait WriteRows {
    fn write_change(&mut self, change: &server::Change);
}

impl WriteRows for ServerDb {
    fn write_change(&mut self, change: &server::Change) {
        self.write(change).unwrap();
    }
}

impl WriteRows for TestDb {
    fn write_change(&mut self, change: &server::Change) {
        self.write(change).unwrap();
    }
}

/// Writes rows into the server database as one change (new rows or new versions).
pub fn upsert(db: &mut impl WriteRows, rows: Dataset) {
    db.write_change(&server::Change {
        upsert: rows,
        ..Default::default()
    });
}

pub fn cache_data(path: &std::path::Path) -> Dataset {
    Store::open(path).unwrap().dataset().unwrap()
}

/// A checksum over the content: SHA-256 of the canonical JSON of the dataset (tables
/// and rows in id order).
pub fn checksum(d: &Dataset) -> String {
    hex::encode(sha2::Sha256::digest(serde_json::to_vec(d).unwrap()))
}

pub fn meta(path: &std::path::Path, key: &str) -> Option<String> {
    Store::open(path).unwrap().meta(key).unwrap()
}

/// Everything the cache file says, meta and outbox included, to prove a failed sync
/// changed nothing — but that a decision it sent is marked so (已发送: it may have
/// reached the server, so it can no longer be withdrawn): sent reads as queued here.
pub fn fingerprint(path: &std::path::Path) -> String {
    let s = Store::open(path).unwrap();
    let mut text = serde_json::to_string(&s.dataset().unwrap()).unwrap();
    let (queued, sent) = (
        bianzhi::store::outbox::State::Queued.code(),
        bianzhi::store::outbox::State::Sent.code(),
    );
    for (table, cols) in [
        ("meta", "*".to_string()),
        (
            "outbox",
            format!(
                "seq, client_id, approval_id, decision, comment, created_at, \
                 CASE state WHEN {sent} THEN {queued} ELSE state END, reason, answered_at"
            ),
        ),
    ] {
        let mut st = s
            .conn()
            .prepare(&format!("SELECT {cols} FROM {table} ORDER BY 1"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        text.push_str(&rows.join("\n"));
    }
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

// ---- Helpers of the fault, security and load tests (tests/faults.rs, tests/security.rs).

impl World {
    /// A world whose server runs with these options (a skewed clock, TLS).
    pub async fn with_options(data: &Dataset, options: server::Options) -> World {
        World::on_with(&current_engine(), data, options).await
    }
}

/// The root unit of a server database.
pub fn root_of(db: &ServerDb) -> OrgId {
    db.conn()
        .query_row(
            "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The first request pending on the server, by id.
pub fn first_pending(db: &ServerDb) -> bianzhi::model::ApprovalId {
    db.conn()
        .query_row(
            "SELECT id FROM approvals WHERE status = 1 ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Where a child's logs go: beside an SQLite file, in the temporary directory for a
/// `postgres://` URL.
pub fn beside(db: &std::path::Path) -> PathBuf {
    if server::backend::is_postgres(&db.to_string_lossy()) {
        std::env::temp_dir()
    } else {
        db.parent().unwrap().to_path_buf()
    }
}

/// The real binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_bianzhi")
}

/// `bianzhi serve` as a child process (so it can be SIGKILLed), on `listen`. Killed
/// when dropped.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub url: String,
    pub stderr: PathBuf,
}

impl ServeProcess {
    pub fn start(
        db: &std::path::Path,
        listen: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> ServeProcess {
        use std::io::BufRead;
        let stderr = beside(db).join(format!("serve.stderr.{}", rand::random::<u32>()));
        let mut cmd = std::process::Command::new(bin());
        cmd.args(["serve", "--db"])
            .arg(db)
            // Logs beside the database, never in the user's own state directory.
            .env("BIANZHI_LOG_DIR", beside(db))
            .args(["--listen", listen])
            .args(extra)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        out.read_line(&mut url).unwrap();
        assert!(
            !url.is_empty(),
            "serve printed no address: {}",
            std::fs::read_to_string(&stderr).unwrap_or_default()
        );
        ServeProcess {
            child,
            url: url.trim().to_string(),
            stderr,
        }
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.url.rsplit("//").next().unwrap().parse().unwrap()
    }

    /// SIGKILL: no shutdown, no flushing, requests in flight die with it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// No decision lost, none applied twice: every outbox row of every cache has been
/// answered, the server remembers exactly those client ids, and no request was accepted
/// more than once. Returns (answered decisions, accepted ones).
pub fn decisions_exactly_once(db: &ServerDb, caches: &[PathBuf]) -> (usize, usize) {
    let mut queued = std::collections::HashSet::new();
    for c in caches {
        for e in bianzhi::store::outbox::entries(Store::open(c).unwrap().conn()).unwrap() {
            assert!(
                e.state.answered(),
                "decision {} still unanswered in {}",
                e.client_id,
                c.display()
            );
            assert!(
                queued.insert(e.client_id.clone()),
                "client id {} twice",
                e.client_id
            );
        }
    }
    let mut st = db
        .conn()
        .prepare("SELECT client_id, approval_id, accepted FROM applied_actions")
        .unwrap();
    let rows: Vec<(String, i64, bool)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let known: std::collections::HashSet<_> = rows.iter().map(|r| r.0.clone()).collect();
    assert_eq!(
        known, queued,
        "the server answered exactly the queued decisions"
    );
    let mut accepted = std::collections::HashMap::new();
    for (_, aid, ok) in &rows {
        if *ok {
            *accepted.entry(*aid).or_insert(0) += 1;
        }
    }
    assert!(
        accepted.values().all(|&n| n == 1),
        "a request accepted twice: {accepted:?}"
    );
    (rows.len(), accepted.len())
}

/// Pending requests the cache holds, in id order.
pub fn pending_in(cache: &std::path::Path) -> Vec<bianzhi::model::ApprovalId> {
    bianzhi::store::queries::open_approvals(Store::open(cache).unwrap().conn())
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// `bianzhi <args>` on a cache, as a child, with its own log directory and no config.
/// The client run to its end on `cache`.
pub fn client_run(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    client_cmd(cache, args).output().unwrap()
}

/// The client's standard output, the command having succeeded.
pub fn client_ok(cache: &std::path::Path, args: &[&str]) -> String {
    let o = client_run(cache, args);
    assert!(
        o.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn client_cmd(cache: &std::path::Path, args: &[&str]) -> std::process::Command {
    let dir = cache.parent().unwrap();
    let mut cmd = std::process::Command::new(bin());
    cmd.args(args)
        .env("BIANZHI_CACHE", cache)
        .env("BIANZHI_CONFIG", dir.join("none.toml"))
        .env("BIANZHI_LOG_DIR", dir.join("log"))
        .env_remove("BIANZHI_TOKEN")
        .env_remove(bianzhi::store::fault_hook::PAUSE)
        .env_remove(bianzhi::store::fault_hook::MAX_PAGES)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Runs the child until it reaches the pause point inside its transaction, then
/// SIGKILLs it.
pub fn kill_at_pause(mut cmd: std::process::Command, point: &str) {
    let mut child = cmd
        .env(bianzhi::store::fault_hook::PAUSE, point)
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let want = format!("{} {point}", bianzhi::store::fault_hook::PAUSE);
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.contains(&want) {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        seen.push(line);
    }
    let status = child.wait().unwrap();
    panic!("never reached {point} ({status}): {}", seen.join("\n"));
}
