//! Network subcommands: serve, operator, sync, status, demo.

use super::Ctx;
use super::out::{out, outln};
use super::words::W;
use crate::config::Config;
use crate::generate::{self, Scale};
use crate::model::Lang;
use crate::server::{self, ServerDb};
use crate::store::Store;
use crate::store::audit::AuditDetail;
use crate::store::timeline::AuditAction;
use crate::sync::{Client, Progress, client};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The server's database: an SQLite file's path, or postgres://USER@HOST:PORT/DB.
    #[arg(long)]
    pub db: PathBuf,
    /// Seed an empty database with generated data: county, city or province (a dozen
    /// cities, written city by city).
    #[arg(long)]
    pub generate: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Address to listen on; `127.0.0.1:0` picks a free port.
    #[arg(long, default_value = "127.0.0.1:8470")]
    pub listen: String,
    /// Apply a realistic trickle of changes.
    #[arg(long)]
    pub simulate: bool,
    /// Serve HTTPS with this certificate chain (PEM; with --tls-key).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct OperatorArgs {
    #[command(subcommand)]
    pub command: OperatorCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum OperatorCommand {
    /// Create an operator with a jurisdiction; prints its token as the last line.
    Add {
        name: String,
        /// The root unit of the operator's jurisdiction: its id, full name, or a short
        /// name only one unit has.
        #[arg(long)]
        scope: String,
        /// 审核 (reviewer, the default: also approves key changes) or 录入 (clerk: key
        /// changes and ledger entries go to a reviewer's inbox).
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        db: PathBuf,
    },
    /// Set an operator's role: 审核 or 录入.
    Role {
        name: String,
        role: String,
        #[arg(long)]
        db: PathBuf,
    },
    /// List operators: name, jurisdiction, enabled or disabled.
    List {
        #[arg(long)]
        db: PathBuf,
    },
    /// Disable an operator: its next request is refused, no restart needed.
    Disable {
        /// The operator's name (or #ID when several share it).
        name: String,
        #[arg(long)]
        db: PathBuf,
    },
    /// Enable a disabled operator again.
    Enable {
        name: String,
        #[arg(long)]
        db: PathBuf,
    },
    /// Give an operator a new token (printed as the last line); the old one stops working.
    Rotate {
        name: String,
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The server's URL (else the config file).
    #[arg(long)]
    pub server: Option<String>,
    /// The operator's token (else the config file).
    #[arg(long, env = "BIANZHI_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// county (default) or city.
    #[arg(long, default_value = "county")]
    pub scale: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn runtime(lang: Lang) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context(W::NoRuntime.get(lang))
}

/// `small`, `county` or `city`: the generator's scales as the command line names them.
pub(super) fn parse_scale(s: &str, lang: Lang) -> Result<Scale> {
    s.parse::<Scale>()
        .map_err(|_| anyhow::anyhow!(W::UnknownScale.fill(lang, &[&s])))
}

/// `province`: a dozen cities, generated and written city by city (`generate::province`).
pub(super) fn is_province(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("province")
}

/// Seeds an empty server database with a generated world; returns whether it did.
fn seed_if_empty(db: &dyn server::Backend, scale: Scale, seed: u64, lang: Lang) -> Result<bool> {
    if !db.is_empty()? {
        return Ok(false);
    }
    // A city takes seconds to make and to write: say which step is running.
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let size = match scale {
        Scale::Small => W::ScaleSmall,
        Scale::County => W::ScaleCounty,
        Scale::City => W::ScaleCity,
    }
    .get(lang);
    bar.set_message(W::GeneratingData.fill(lang, &[&size]));
    let data = generate::generate(scale, seed);
    bar.set_message(W::WritingServerDb.fill(lang, &[&data.orgs.len(), &data.persons.len()]));
    let seeded = db.seed(&data).context(W::WritingGenerated.get(lang));
    bar.finish_and_clear();
    seeded?;
    Ok(true)
}

pub fn serve(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    let target = a.db.to_string_lossy().into_owned();
    // A PostgreSQL URL is never repeated (it may hold a password): its errors say
    // what to check in one sentence of their own.
    let db = if server::backend::is_postgres(&target) {
        server::backend::open(&target)?
    } else {
        server::backend::open(&target)
            .with_context(|| W::OpeningServerDb.fill(ctx.lang, &[&a.db.display()]))?
    };
    if let Some(scale) = a.generate.as_deref().filter(|s| is_province(s)) {
        if db.is_empty()? {
            let started = std::time::Instant::now();
            db.seed_parts(&mut generate::province::Province::new(a.seed))
                .context(W::WritingGenerated.get(ctx.lang))?;
            eprintln!(
                "{} ({:.0} s)",
                ctx.f(W::GeneratedScale, &[&scale, &a.seed]),
                started.elapsed().as_secs_f64()
            );
        }
    } else if let Some(scale) = &a.generate {
        let scale = parse_scale(scale, ctx.lang)?;
        if seed_if_empty(&*db, scale, a.seed, ctx.lang)? {
            eprintln!("{}", ctx.f(W::GeneratedScale, &[&scale, &a.seed]));
        }
    }
    drop(db);
    let rt = runtime(ctx.lang)?;
    rt.block_on(async {
        let options = server::Options {
            simulate: a.simulate.then(|| Duration::from_secs(5)),
            seed: a.seed,
            tls: a
                .tls_cert
                .zip(a.tls_key)
                .map(|(cert, key)| server::Tls { cert, key }),
            ..Default::default()
        };
        let handle = server::spawn_on(&target, &a.listen, options).await?;
        // The address first, alone on its line, for scripts that started us on port 0.
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.url())?;
        out.flush()?;
        drop(out);
        eprintln!(
            "{}",
            ctx.f(W::ServerStarted, &[&crate::sync::wire::PROTOCOL_VERSION])
        );
        tokio::signal::ctrl_c().await.ok();
        eprintln!("{}", ctx.w(W::Stopping));
        handle.stop().await;
        anyhow::Ok(())
    })
}

fn parse_role(ctx: &Ctx, text: &str) -> Result<crate::model::edit::Role> {
    crate::model::edit::Role::parse(text)
        .ok_or_else(|| anyhow::anyhow!(ctx.f(W::UnknownRole, &[&text])))
}

/// The server's database, SQLite file or `postgres://` URL (operator commands work on
/// either, through the storage interface).
fn open_server_db(db: &Path, lang: Lang) -> Result<std::sync::Arc<dyn server::Backend>> {
    server::backend::open(&db.to_string_lossy())
        .with_context(|| W::OpeningServerDb.fill(lang, &[&db.display()]))
}

pub fn operator(ctx: &Ctx, a: OperatorArgs) -> Result<()> {
    use crate::server::operators;
    let lang = ctx.lang;
    let keep_token = ctx.w(W::KeepToken);
    match a.command {
        OperatorCommand::Add {
            name,
            scope,
            role,
            db,
        } => {
            let role = match role {
                Some(r) => parse_role(ctx, &r)?,
                None => crate::model::edit::Role::Reviewer,
            };
            let db = open_server_db(&db, lang)?;
            let scope = operators::resolve_unit(&*db, &scope)?;
            let token = db.add_operator(&name, scope, role)?;
            let unit = db.unit_name(scope)?.unwrap_or_default();
            outln!(
                "{}",
                ctx.f(W::OperatorAdded, &[&name.trim(), &unit, &scope])
            )?;
            outln!("{keep_token}")?;
            outln!("{token}")?;
        }
        OperatorCommand::List { db } => {
            let db = open_server_db(&db, lang)?;
            let ops = operators::list(&*db)?;
            if ops.is_empty() {
                outln!("{}", ctx.w(W::NoOperators))?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = ops
                .iter()
                .map(|o| {
                    vec![
                        format!("#{}", o.id),
                        o.name.clone(),
                        ctx.f(W::ScopeUnit, &[&o.scope_name, &o.scope_root]),
                        ctx.w(if o.disabled { W::Disabled } else { W::Enabled })
                            .to_string(),
                        match lang {
                            Lang::Zh => o.role.zh(),
                            Lang::En => o.role.en(),
                        }
                        .to_string(),
                    ]
                })
                .collect();
            let head = [W::Id, W::Operator, W::Scope, W::Status, W::Role].map(|w| ctx.w(w));
            out!("{}", super::table::render(&head, &rows))?;
        }
        OperatorCommand::Role { name, role, db } => {
            let role = parse_role(ctx, &role)?;
            let op = operators::set_role(&*open_server_db(&db, lang)?, &name, role)?;
            let said = match lang {
                Lang::Zh => role.zh(),
                Lang::En => role.en(),
            };
            outln!("{}", ctx.f(W::OperatorRole, &[&op.name, &op.id, &said]))?;
        }
        OperatorCommand::Disable { name, db } => {
            let op = operators::set_disabled(&*open_server_db(&db, lang)?, &name, true)?;
            outln!("{}", ctx.f(W::OperatorDisabled, &[&op.name, &op.id]))?;
        }
        OperatorCommand::Enable { name, db } => {
            let op = operators::set_disabled(&*open_server_db(&db, lang)?, &name, false)?;
            outln!("{}", ctx.f(W::OperatorEnabled, &[&op.name, &op.id]))?;
        }
        OperatorCommand::Rotate { name, db } => {
            let (op, token) = operators::rotate(&*open_server_db(&db, lang)?, &name)?;
            outln!("{}", ctx.f(W::OperatorRotated, &[&op.name, &op.id]))?;
            outln!("{keep_token}")?;
            outln!("{token}")?;
        }
    }
    Ok(())
}

/// A progress bar on stderr: rows, bytes, rate.
fn progress_bar(lang: Lang) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {} {{msg}} [{{elapsed}}]", W::Syncing.get(lang));
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn show_progress(
    bar: &indicatif::ProgressBar,
    p: &Progress,
    started: std::time::Instant,
    lang: Lang,
) {
    let secs = started.elapsed().as_secs_f64().max(0.001);
    bar.set_message(W::SyncProgress.fill(
        lang,
        &[
            &p.pages,
            &p.rows,
            &indicatif::HumanBytes(p.bytes_down),
            &indicatif::HumanBytes((p.bytes_down as f64 / secs) as u64),
        ],
    ));
}

/// Runs one sync with a progress bar; returns the report.
fn sync_with_bar(
    rt: &tokio::runtime::Runtime,
    c: &Client,
    cache: &Path,
    lang: Lang,
) -> Result<client::Report, client::Error> {
    let bar = progress_bar(lang);
    let started = std::time::Instant::now();
    let b = bar.clone();
    let on_progress = move |p: &Progress| show_progress(&b, p, started, lang);
    let r = rt.block_on(c.sync(cache, &on_progress));
    bar.finish_and_clear();
    r
}

fn summary(r: &client::Report, lang: Lang) -> String {
    let mut s = W::SyncDone.fill(lang, &[&r.upserted]);
    if r.deleted > 0 {
        s.push_str(&W::SyncDeleted.fill(lang, &[&r.deleted]));
    }
    if r.pushed > 0 {
        s.push_str(&W::SyncPushed.fill(lang, &[&r.pushed, &r.accepted, &r.rejected]));
        if r.rejected > 0 {
            s.push_str(W::SyncRefusedHint.get(lang));
        }
    }
    if let Some(why) = &r.refetched {
        s.push_str(&W::SyncRefetched.fill(lang, &[why]));
    }
    s.push_str(&W::SyncTraffic.fill(
        lang,
        &[
            &indicatif::HumanBytes(r.bytes_down),
            &indicatif::HumanBytes(r.bytes_up),
            &r.round_trips,
            &format!("{:.1}", r.elapsed.as_secs_f64()),
        ],
    ));
    s
}

/// Turns a sync failure into one clear message naming the fix.
fn explain(ctx: &Ctx, e: client::Error, cache: &Path) -> anyhow::Error {
    let lang = ctx.lang;
    match e {
        client::Error::Unauthorized(m) => {
            let what = match lang {
                Lang::Zh => m,
                Lang::En => super::errors::client_error(&client::Error::Unauthorized(m), lang),
            };
            anyhow::anyhow!(
                "{what}{}",
                ctx.f(W::ConfigFile, &[&ctx.config_path.display()])
            )
        }
        e @ client::Error::Unreachable { .. } => {
            let age = Store::open(cache)
                .ok()
                .and_then(|s| client::status(s.conn()).ok())
                .and_then(|s| s.last_sync)
                .map(|t| ctx.f(W::DataAsOf, &[&short_time(&t)]))
                .unwrap_or_default();
            anyhow::anyhow!("{}{age}", super::errors::client_error(&e, lang))
        }
        // Kept typed: main's report says it in the operator's language.
        e => anyhow::anyhow!(e),
    }
}

fn short_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

pub fn sync(ctx: &Ctx, a: SyncArgs) -> Result<()> {
    let server = a
        .server
        .or_else(|| ctx.config.server.clone())
        .ok_or_else(|| anyhow::anyhow!(ctx.f(W::NoServer, &[&ctx.config_path.display()])))?;
    let token = a
        .token
        .or_else(|| ctx.config.token.clone())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!(ctx.f(W::NoToken, &[&ctx.config_path.display()])))?;
    let c = Client::with_ca(&server, &token, ctx.config.ca_cert.as_deref())?;
    // Opening the cache first reports a bad cache before any network traffic.
    drop(ctx.store_or_create()?);
    let rt = runtime(ctx.lang)?;
    let report = sync_with_bar(&rt, &c, &ctx.cache_path, ctx.lang)
        .map_err(|e| explain(ctx, e, &ctx.cache_path))?;
    if let Ok(store) = ctx.store() {
        // The audit log is kept in one language.
        let _ = store.audit(
            AuditAction::Sync,
            &AuditDetail::Synced {
                pushed: report.pushed as i64,
                accepted: report.accepted as i64,
                rejected: report.rejected as i64,
                upserted: report.upserted as i64,
            },
            Some(report.upserted as i64),
        );
        // The lookup index kept ready for the interface and `bianzhi search` (built
        // only if the sync changed a unit or a person; a failure costs only speed).
        let _ = crate::store::ensure_search_index(store.conn(), ctx.lang);
    }
    outln!("{}", summary(&report, ctx.lang))?;
    Ok(())
}

fn age_text(secs: i64, lang: Lang) -> String {
    match secs {
        s if s < 60 => W::JustNow.get(lang).into(),
        s if s < 3600 => W::MinutesAgo.fill(lang, &[&(s / 60)]),
        s if s < 86400 => W::HoursAgo.fill(lang, &[&(s / 3600)]),
        s => W::DaysAgo.fill(lang, &[&(s / 86400)]),
    }
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<()> {
    let store = ctx.store()?;
    let st = client::status(store.conn())?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&st)?)?;
        return Ok(());
    }
    match (&st.last_sync, st.age_seconds) {
        (Some(t), Some(age)) => outln!(
            "{}",
            ctx.f(W::LastSync, &[&short_time(t), &age_text(age, ctx.lang)])
        )?,
        _ => outln!("{}", ctx.w(W::NeverSynced))?,
    }
    let server = st
        .server
        .as_deref()
        .or(ctx.config.server.as_deref())
        .unwrap_or(ctx.w(W::NotConfigured));
    outln!("{}", ctx.f(W::ServerLine, &[&server]))?;
    if st.sent > 0 {
        outln!("{}", ctx.f(W::UnsentSent, &[&st.unsent, &st.sent]))?;
    } else {
        outln!("{}", ctx.f(W::Unsent, &[&st.unsent]))?;
    }
    if st.rejected_unseen > 0 {
        outln!(
            "{}",
            ctx.f(W::RefusedNew, &[&st.rejected_unseen, &st.rejected])
        )?;
    } else if st.rejected > 0 {
        outln!("{}", ctx.f(W::RefusedSeen, &[&st.rejected]))?;
    }
    if st.partial {
        outln!("{}", ctx.w(W::Partial))?;
    }
    Ok(())
}

pub fn demo(ctx: &Ctx, a: DemoArgs) -> Result<()> {
    let lang = ctx.lang;
    let scale = parse_scale(&a.scale, lang)?;
    let dir = tempfile::Builder::new()
        .prefix("bianzhi-demo-")
        .tempdir()
        .context(ctx.w(W::TempDir))?;
    let db_path = dir.path().join("server.db");
    let backend = server::sqlite::SqliteBackend::open(&db_path)?;
    seed_if_empty(&backend, scale, a.seed, lang)?;
    drop(backend);
    let db = ServerDb::open(&db_path)?;
    let root = db
        .conn()
        .query_row(
            "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get::<_, i64>(0),
        )
        .context(ctx.w(W::NoRoot))?;
    let token = db.add_operator(ctx.w(W::DemoOperator), root)?;
    drop(db);

    let rt = runtime(lang)?;
    let options = server::Options {
        simulate: Some(Duration::from_secs(20)),
        seed: a.seed,
        ..Default::default()
    };
    let handle = rt.block_on(server::spawn(&db_path, "127.0.0.1:0", options))?;
    let url = handle.url();
    eprintln!("{}", ctx.f(W::DemoServer, &[&url]));

    let data_dir = crate::config::data_dir();
    let cache_path = data_dir.join("demo-cache.db");
    let config_path = data_dir.join("demo-config.toml");
    let config = Config {
        server: Some(url.clone()),
        token: Some(token.clone()),
        lang: Some(ctx.lang),
        ..ctx.config.clone()
    };
    config
        .save(&config_path)
        .with_context(|| ctx.f(W::WritingDemoConfig, &[&config_path.display()]))?;
    let demo_ctx = Ctx {
        cache_path: cache_path.clone(),
        config_path,
        config,
        lang: ctx.lang,
        ui: ctx.ui.clone(),
    };

    let c = Client::new(&url, &token)?;
    let result = match sync_with_bar(&rt, &c, &cache_path, lang) {
        Ok(r) => {
            eprintln!("{}", summary(&r, lang));
            // The interface runs outside the runtime (it may start its own); the server
            // keeps serving on the runtime's worker threads meanwhile.
            super::open_interface(&demo_ctx)
        }
        Err(e) => Err(explain(&demo_ctx, e, &cache_path)),
    };
    rt.block_on(handle.stop());
    drop(rt);
    drop(dir);
    result
}
