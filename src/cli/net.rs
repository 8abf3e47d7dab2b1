//! Network subcommands: serve, operator, sync, status, demo.

use super::Ctx;
use super::out::{out, outln};
use crate::config::Config;
use crate::generate::{self, Scale};
use crate::server::{self, ServerDb};
use crate::store::Store;
use crate::sync::{Client, Progress, client};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The server's database.
    #[arg(long)]
    pub db: PathBuf,
    /// Seed an empty database with generated data: county or city.
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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")
}

/// `small`, `county` or `city`: the generator's scales as the command line names them.
pub(super) fn parse_scale(s: &str) -> Result<Scale> {
    s.parse::<Scale>().map_err(|_| {
        anyhow::anyhow!("未知的规模 `{s}`（可用：small, county, city），请改用其中之一")
    })
}

/// Seeds an empty server database with a generated world; returns whether it did.
fn seed_if_empty(db: &mut ServerDb, scale: Scale, seed: u64) -> Result<bool> {
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
        Scale::Small => "小型",
        Scale::County => "县级",
        Scale::City => "市级",
    };
    bar.set_message(format!("正在生成{size}示例数据（单位、人员、台账、申请）"));
    let data = generate::generate(scale, seed);
    bar.set_message(format!(
        "正在写入服务器数据库：{} 个单位、{} 名人员",
        data.orgs.len(),
        data.persons.len()
    ));
    let seeded = db.seed(&data).context("写入生成的数据");
    bar.finish_and_clear();
    seeded?;
    Ok(true)
}

pub fn serve(_ctx: &Ctx, a: ServeArgs) -> Result<()> {
    let mut db =
        ServerDb::open(&a.db).with_context(|| format!("打开服务器数据库 {}", a.db.display()))?;
    if let Some(scale) = &a.generate {
        let scale = parse_scale(scale)?;
        if seed_if_empty(&mut db, scale, a.seed)? {
            eprintln!("已生成 {scale} 规模的数据（种子 {}）", a.seed);
        }
    }
    drop(db);
    let rt = runtime()?;
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
        let handle = server::spawn(&a.db, &a.listen, options).await?;
        // The address first, alone on its line, for scripts that started us on port 0.
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.url())?;
        out.flush()?;
        drop(out);
        eprintln!(
            "服务器已启动（协议 v{}），按 Ctrl-C 停止",
            crate::sync::wire::PROTOCOL_VERSION
        );
        tokio::signal::ctrl_c().await.ok();
        eprintln!("正在停止……");
        handle.stop().await;
        anyhow::Ok(())
    })
}

fn open_server_db(db: &Path) -> Result<ServerDb> {
    ServerDb::open(db).with_context(|| format!("打开服务器数据库 {}", db.display()))
}

pub fn operator(_ctx: &Ctx, a: OperatorArgs) -> Result<()> {
    use crate::server::operators;
    const KEEP_TOKEN: &str =
        "令牌只显示这一次，请妥善保存（写入终端的配置文件 token 项，或设置 BIANZHI_TOKEN）：";
    match a.command {
        OperatorCommand::Add { name, scope, db } => {
            let db = open_server_db(&db)?;
            let scope = operators::resolve_unit(db.conn(), &scope)?;
            let token = db.add_operator(&name, scope)?;
            let unit = crate::store::queries::org(db.conn(), scope)?
                .map(|o| o.name)
                .unwrap_or_default();
            outln!(
                "已创建操作员 {}，管辖范围：{unit}（单位 {scope}）及其下属单位。",
                name.trim()
            )?;
            outln!("{KEEP_TOKEN}")?;
            outln!("{token}")?;
        }
        OperatorCommand::List { db } => {
            let db = open_server_db(&db)?;
            let ops = operators::list(db.conn())?;
            if ops.is_empty() {
                outln!("还没有操作员。用 bianzhi operator add 名称 --scope 单位 --db … 创建")?;
                return Ok(());
            }
            // No roles exist yet: every operator may decide within their jurisdiction.
            let rows: Vec<Vec<String>> = ops
                .iter()
                .map(|o| {
                    vec![
                        format!("#{}", o.id),
                        o.name.clone(),
                        format!("{}（单位 {}）", o.scope_name, o.scope_root),
                        if o.disabled { "已停用" } else { "启用" }.to_string(),
                        "—".to_string(),
                    ]
                })
                .collect();
            let head = ["编号", "操作员", "管辖范围", "状态", "角色"];
            out!("{}", super::table::render(&head, &rows))?;
        }
        OperatorCommand::Disable { name, db } => {
            let op = operators::set_disabled(&open_server_db(&db)?, &name, true)?;
            outln!(
                "已停用操作员 {}（#{}）：其下一个请求即被拒绝，运行中的服务器无需重启。恢复请用 bianzhi operator enable",
                op.name,
                op.id
            )?;
        }
        OperatorCommand::Enable { name, db } => {
            let op = operators::set_disabled(&open_server_db(&db)?, &name, false)?;
            outln!("已启用操作员 {}（#{}），原令牌继续有效", op.name, op.id)?;
        }
        OperatorCommand::Rotate { name, db } => {
            let (op, token) = operators::rotate(&open_server_db(&db)?, &name)?;
            outln!(
                "已为操作员 {}（#{}）更换令牌，旧令牌立即失效。",
                op.name,
                op.id
            )?;
            outln!("{KEEP_TOKEN}")?;
            outln!("{token}")?;
        }
    }
    Ok(())
}

/// A progress bar on stderr: rows, bytes, rate.
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} 同步中 {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn show_progress(bar: &indicatif::ProgressBar, p: &Progress, started: std::time::Instant) {
    let secs = started.elapsed().as_secs_f64().max(0.001);
    bar.set_message(format!(
        "{} 页 · {} 行 · 下行 {} · {}/秒",
        p.pages,
        p.rows,
        indicatif::HumanBytes(p.bytes_down),
        indicatif::HumanBytes((p.bytes_down as f64 / secs) as u64)
    ));
}

/// Runs one sync with a progress bar; returns the report.
fn sync_with_bar(
    rt: &tokio::runtime::Runtime,
    c: &Client,
    cache: &Path,
) -> Result<client::Report, client::Error> {
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let b = bar.clone();
    let on_progress = move |p: &Progress| show_progress(&b, p, started);
    let r = rt.block_on(c.sync(cache, &on_progress));
    bar.finish_and_clear();
    r
}

fn summary(r: &client::Report) -> String {
    let mut s = format!("同步完成：收到 {} 行", r.upserted);
    if r.deleted > 0 {
        s.push_str(&format!("，删除 {} 行", r.deleted));
    }
    if r.pushed > 0 {
        s.push_str(&format!(
            "；发送决定 {} 个（服务器接受 {}，拒绝 {}）",
            r.pushed, r.accepted, r.rejected
        ));
        if r.rejected > 0 {
            s.push_str("，拒绝原因见 bianzhi outbox");
        }
    }
    if let Some(why) = &r.refetched {
        s.push_str(&format!("；已重新下载全部数据（{why}）"));
    }
    s.push_str(&format!(
        "；下行 {}，上行 {}，{} 次往返，用时 {:.1} 秒",
        indicatif::HumanBytes(r.bytes_down),
        indicatif::HumanBytes(r.bytes_up),
        r.round_trips,
        r.elapsed.as_secs_f64()
    ));
    s
}

/// Turns a sync failure into one clear message naming the fix.
fn explain(ctx: &Ctx, e: client::Error, cache: &Path) -> anyhow::Error {
    match e {
        client::Error::Unauthorized(m) => {
            anyhow::anyhow!("{m}（配置文件：{}）", ctx.config_path.display())
        }
        e @ client::Error::Unreachable { .. } => {
            let age = Store::open(cache)
                .ok()
                .and_then(|s| client::status(s.conn()).ok())
                .and_then(|s| s.last_sync)
                .map(|t| format!("（数据截至 {}）", short_time(&t)))
                .unwrap_or_default();
            anyhow::anyhow!("{e}{age}")
        }
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
        .ok_or_else(|| {
            anyhow::anyhow!(
                "未指定服务器：请用 --server URL，或在配置文件 {} 中写入 server = \"…\"",
                ctx.config_path.display()
            )
        })?;
    let token = a.token.or_else(|| ctx.config.token.clone()).filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        anyhow::anyhow!(
            "缺少令牌：请向管理员索取（bianzhi operator add），用 --token 指定、设置环境变量 BIANZHI_TOKEN，或写入配置文件 {} 的 token 项",
            ctx.config_path.display()
        )
    })?;
    let c = Client::with_ca(&server, &token, ctx.config.ca_cert.as_deref())?;
    // Opening the cache first reports a bad cache before any network traffic.
    drop(ctx.store_or_create()?);
    let rt = runtime()?;
    let report =
        sync_with_bar(&rt, &c, &ctx.cache_path).map_err(|e| explain(ctx, e, &ctx.cache_path))?;
    if let Ok(store) = ctx.store() {
        let _ = store.audit("sync", &summary(&report), Some(report.upserted as i64));
    }
    outln!("{}", summary(&report))?;
    Ok(())
}

fn age_text(secs: i64) -> String {
    match secs {
        s if s < 60 => "刚刚".into(),
        s if s < 3600 => format!("{} 分钟前", s / 60),
        s if s < 86400 => format!("{} 小时前", s / 3600),
        s => format!("{} 天前", s / 86400),
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
        (Some(t), Some(age)) => outln!("上次同步：{}（{}）", short_time(t), age_text(age))?,
        _ => outln!("上次同步：从未同步")?,
    }
    outln!(
        "服务器：{}",
        st.server
            .as_deref()
            .or(ctx.config.server.as_deref())
            .unwrap_or("（未配置）")
    )?;
    if st.sent > 0 {
        outln!(
            "未发送的操作：{} 个（其中 {} 个已发送，等待服务器答复）",
            st.unsent,
            st.sent
        )?;
    } else {
        outln!("未发送的操作：{} 个", st.unsent)?;
    }
    if st.rejected_unseen > 0 {
        outln!(
            "被服务器拒绝的操作：{} 个是上次查看后新增的（共 {} 个）。用 bianzhi outbox 查看原因",
            st.rejected_unseen,
            st.rejected
        )?;
    } else if st.rejected > 0 {
        outln!("被服务器拒绝的操作：{} 个，均已查看", st.rejected)?;
    }
    if st.partial {
        outln!("上次同步未完成，下次同步将继续")?;
    }
    Ok(())
}

pub fn demo(ctx: &Ctx, a: DemoArgs) -> Result<()> {
    let scale = parse_scale(&a.scale)?;
    let dir = tempfile::Builder::new()
        .prefix("bianzhi-demo-")
        .tempdir()
        .context("创建临时目录")?;
    let db_path = dir.path().join("server.db");
    let mut db = ServerDb::open(&db_path)?;
    seed_if_empty(&mut db, scale, a.seed)?;
    let root = db
        .conn()
        .query_row(
            "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get::<_, i64>(0),
        )
        .context("生成的数据没有根单位")?;
    let token = db.add_operator("演示操作员", root)?;
    drop(db);

    let rt = runtime()?;
    let options = server::Options {
        simulate: Some(Duration::from_secs(20)),
        seed: a.seed,
        ..Default::default()
    };
    let handle = rt.block_on(server::spawn(&db_path, "127.0.0.1:0", options))?;
    let url = handle.url();
    eprintln!("示例服务器：{url}");

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
        .with_context(|| format!("写入演示配置 {}", config_path.display()))?;
    let demo_ctx = Ctx {
        cache_path: cache_path.clone(),
        config_path,
        config,
        lang: ctx.lang,
        ui: ctx.ui.clone(),
    };

    let c = Client::new(&url, &token)?;
    let result = match sync_with_bar(&rt, &c, &cache_path) {
        Ok(r) => {
            eprintln!("{}", summary(&r));
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
