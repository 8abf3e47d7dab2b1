//! Subcommands: thin edges over the library. anyhow with context lives here, not below.

pub mod compare;
pub mod data;
pub mod errors;
pub mod export;
pub mod forecast;
pub mod import;
pub mod inbox;
pub mod maintain;
pub mod net;
pub mod out;
pub mod outbox;
pub mod query;
pub mod report;
pub mod speak;
pub mod table;
pub mod words;

use crate::config::{self, Config};
use crate::model::Lang;
use crate::store::Store;
use anyhow::{Context as _, Result};
use std::path::PathBuf;
use words::W;

/// Options of the interface (also accepted before a subcommand).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UiArgs {
    /// Nothing that changes data can be triggered (for meetings on a projector).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Keymap preset: default, vim or emacs.
    #[arg(long, global = true)]
    pub keymap: Option<String>,
    /// Start with the compiled-in keymap alone, ignoring the user's keymap file.
    #[arg(long, global = true)]
    pub default_keys: bool,
    /// Plain ASCII borders and marks.
    #[arg(long, global = true)]
    pub ascii: bool,
}

/// What every subcommand needs: where the cache is, the config, the language.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub cache_path: PathBuf,
    pub config_path: PathBuf,
    pub config: Config,
    pub lang: Lang,
    pub ui: UiArgs,
}

impl Ctx {
    pub fn new(
        cache: Option<PathBuf>,
        config: Option<PathBuf>,
        lang: Option<&str>,
        ui: UiArgs,
    ) -> Result<Ctx> {
        let config_path = config.unwrap_or_else(config::default_config_path);
        let cfg = Config::load(&config_path)?;
        let lang = match lang {
            Some("en") => Lang::En,
            Some("zh") => Lang::Zh,
            // Said in both: the language is what could not be understood.
            Some(other) => anyhow::bail!(
                "不支持的语言 `{other}`（可用：zh, en） / unsupported language `{other}` (use zh or en)"
            ),
            None => cfg.lang.unwrap_or_default(),
        };
        Ok(Ctx {
            cache_path: cache.unwrap_or_else(config::default_cache_path),
            config_path,
            config: cfg,
            lang,
            ui,
        })
    }

    /// Opens the existing cache, with the path in any error; a missing cache is
    /// reported, never created (queries read a cache, they do not make one).
    pub fn store(&self) -> Result<Store> {
        Store::open(&self.cache_path)
            .with_context(|| self.f(W::OpeningCache, &[&self.cache_path.display()]))
    }

    /// A word of the command line in the operator's language.
    pub fn w(&self, w: W) -> &'static str {
        w.get(self.lang)
    }

    /// A message of the command line with its blanks filled.
    pub fn f(&self, w: W, args: &[&dyn std::fmt::Display]) -> String {
        w.fill(self.lang, args)
    }

    /// A mark for the terminal: the box-drawing or symbol form, or its ASCII stand-in
    /// under `--ascii`.
    pub fn mark<'a>(&self, fancy: &'a str, ascii: &'a str) -> &'a str {
        if self.ui.ascii { ascii } else { fancy }
    }

    /// Opens the cache, creating it when absent: only `sync`, `import`, `demo` and an
    /// interface that has a server to sync from make a cache.
    pub fn store_or_create(&self) -> Result<Store> {
        Store::create(&self.cache_path)
            .with_context(|| self.f(W::OpeningCache, &[&self.cache_path.display()]))
    }
}

/// Logs go to a file in the state directory, never to the terminal; the filter comes
/// from `BIANZHI_LOG` or `RUST_LOG`. Personal data is never passed to a log macro.
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("BIANZHI_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "bianzhi=info".into());
    let dir = std::env::var_os("BIANZHI_LOG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(config::state_dir);
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "bianzhi.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Today's month: the clock, or `BIANZHI_TODAY` (YYYY-MM-DD) to pin it in tests.
pub fn today() -> crate::model::YearMonth {
    crate::model::YearMonth::of(today_date())
}

/// Today, or `BIANZHI_TODAY` (YYYY-MM-DD) for reproducible reports and tests.
pub fn today_date() -> chrono::NaiveDate {
    std::env::var("BIANZHI_TODAY")
        .ok()
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

#[derive(Debug, clap::Args)]
pub struct KeymapArgs {
    /// Print the effective keymap.
    #[arg(long)]
    pub print: bool,
}

pub fn keymap(ctx: &Ctx, _args: KeymapArgs) -> Result<()> {
    // It writes only to standard output, so a broken pipe in it is a closed stdout.
    crate::tui::print_keymap(&tui_settings(ctx)).map_err(|e| match e.downcast::<std::io::Error>() {
        Ok(io) => out::from_io(io),
        Err(e) => e,
    })
}

/// Opens the interface on the cache.
pub fn open_interface(ctx: &Ctx) -> Result<()> {
    crate::tui::run(&tui_settings(ctx))
}

/// What the interface takes from the command line and the config.
fn tui_settings(ctx: &Ctx) -> crate::tui::Settings {
    let minutes = ctx.config.sync_interval_minutes.unwrap_or(5).max(1);
    crate::tui::Settings {
        cache_path: ctx.cache_path.clone(),
        server: ctx.config.server.clone(),
        token: ctx.config.token.clone(),
        ca_cert: ctx.config.ca_cert.clone(),
        sync_interval: std::time::Duration::from_secs(minutes * 60),
        keymap: ctx.ui.keymap.clone().or_else(|| ctx.config.keymap.clone()),
        user_keymap: (!ctx.ui.default_keys).then(|| config::config_dir().join("keymap.toml")),
        lang: ctx.lang,
        read_only: ctx.ui.read_only,
        ascii: ctx.ui.ascii,
    }
}
