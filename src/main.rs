//! The `bianzhi` command: parses the command line, sets up logging, dispatches.

use anyhow::Result;
use bianzhi::cli::{self, Ctx};
use bianzhi::model::Lang;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bianzhi",
    version,
    about = "机构编制实名制终端 — staffing database terminal client"
)]
struct Args {
    /// The local cache file (default: the XDG data directory).
    #[arg(long, global = true, env = "BIANZHI_CACHE")]
    cache: Option<PathBuf>,
    /// The config file (default: config.toml in the XDG config directory).
    #[arg(long, global = true, env = "BIANZHI_CONFIG")]
    config: Option<PathBuf>,
    /// Interface language: zh (default) or en.
    #[arg(long, global = true)]
    lang: Option<String>,
    #[command(flatten)]
    ui: cli::UiArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a realistic dataset snapshot (示例市).
    Gen(cli::data::GenArgs),
    /// Load a snapshot file into the local cache, replacing what it held.
    Import(cli::data::ImportArgs),
    /// Rescue unsent actions and the audit log from a damaged cache into a fresh one.
    Repair(cli::data::RepairArgs),
    /// A unit's fields and figures; `org edit|move|abolish|add-dept` change it.
    Org(cli::query::OrgArgs),
    /// A person's record; `person add|edit|exit|transfer|restore|fields` maintain it.
    Person(cli::query::PersonArgs),
    /// Look up staff and units by name, pinyin or initials.
    Search(cli::query::SearchArgs),
    /// Warnings: over quota, full, over posts, retirement, over age, data checks.
    Warnings(cli::query::WarningsArgs),
    /// History of a unit or a person.
    History(cli::query::HistoryArgs),
    /// The jurisdiction at a glance.
    Overview(cli::query::OverviewArgs),
    /// Export a table as CSV or XLSX.
    Export(cli::export::ExportArgs),
    /// Standard reports (标准报表) as of a day: `report list`, `report NAME`.
    Report(cli::report::ReportArgs),
    /// Five-year forecast (推演): retirements, 空编 and 超编 year by year.
    Forecast(cli::forecast::ForecastArgs),
    /// Compare another department's roster (XLSX, XLS, CSV) with the books (比对).
    Compare(cli::compare::CompareArgs),
    /// Open requests waiting for a decision.
    Inbox(cli::inbox::InboxArgs),
    /// Decide a request (goes through the outbox; sent on the next sync).
    Decide(cli::inbox::DecideArgs),
    /// The quota ledger (编制台账) and leadership posts: add an entry.
    Ledger(cli::maintain::LedgerArgs),
    /// Decisions and edits made here and where each stands; `outbox withdraw ID` takes one back.
    Outbox(cli::outbox::OutboxArgs),
    /// Run the reference central server.
    Serve(cli::net::ServeArgs),
    /// Manage operators of the reference server.
    Operator(cli::net::OperatorArgs),
    /// Push unsent decisions and pull changes from the server.
    Sync(cli::net::SyncArgs),
    /// Last successful sync, age of the data, unsent actions.
    Status(cli::net::StatusArgs),
    /// The whole product on generated data: server, sync, interface.
    Demo(cli::net::DemoArgs),
    /// Print the effective keymap.
    Keymap(cli::KeymapArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Until the config is read, the language is the command line's.
    let asked = match args.lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let ctx = match Ctx::new(args.cache, args.config, args.lang.as_deref(), args.ui) {
        Ok(c) => c,
        Err(e) => return report(e, asked),
    };
    let _log = cli::init_logging();
    cli::out::set_ascii(ctx.ui.ascii);
    let result: Result<()> = match args.command {
        None => cli::open_interface(&ctx),
        Some(Command::Gen(a)) => cli::data::generate_snapshot(&ctx, a),
        Some(Command::Import(a)) => cli::data::import(&ctx, a),
        Some(Command::Repair(a)) => cli::data::repair(&ctx, a),
        Some(Command::Org(a)) => cli::query::org(&ctx, a),
        Some(Command::Person(a)) => cli::query::person(&ctx, a),
        Some(Command::Search(a)) => cli::query::search(&ctx, a),
        Some(Command::Warnings(a)) => cli::query::warnings(&ctx, a),
        Some(Command::History(a)) => cli::query::history(&ctx, a),
        Some(Command::Overview(a)) => cli::query::overview(&ctx, a),
        Some(Command::Export(a)) => cli::export::export(&ctx, a),
        Some(Command::Report(a)) => cli::report::report(&ctx, a),
        Some(Command::Forecast(a)) => cli::forecast::forecast(&ctx, a),
        Some(Command::Compare(a)) => cli::compare::compare(&ctx, a),
        Some(Command::Inbox(a)) => cli::inbox::inbox(&ctx, a),
        Some(Command::Decide(a)) => cli::inbox::decide(&ctx, a),
        Some(Command::Ledger(a)) => cli::maintain::ledger(&ctx, a),
        Some(Command::Outbox(a)) => cli::outbox::outbox(&ctx, a),
        Some(Command::Serve(a)) => cli::net::serve(&ctx, a),
        Some(Command::Operator(a)) => cli::net::operator(&ctx, a),
        Some(Command::Sync(a)) => cli::net::sync(&ctx, a),
        Some(Command::Status(a)) => cli::net::status(&ctx, a),
        Some(Command::Demo(a)) => cli::net::demo(&ctx, a),
        Some(Command::Keymap(a)) => cli::keymap(&ctx, a),
    };
    // A reader that stopped reading (`| head -1`) is not a failure: the command ends
    // quietly, after its files were cleaned up on the way out.
    match result.and_then(|()| cli::out::flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if cli::out::is_closed(&e) => ExitCode::SUCCESS,
        Err(e) => report(e, ctx.lang),
    }
}

/// One line (plus its causes) on stderr, exit status 1.
/// The library's typed errors are said in the operator's language (`cli::errors`).
fn report(e: anyhow::Error, lang: Lang) -> ExitCode {
    let msg = cli::errors::report(&e, lang);
    let msg = if cli::out::ascii_on() {
        cli::out::ascii(&msg)
    } else {
        msg
    };
    // Not eprintln!: a closed stderr must not turn an error into a panic.
    let _ = writeln!(std::io::stderr(), "{msg}");
    ExitCode::from(1)
}
