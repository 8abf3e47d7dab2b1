//! Read-only queries for scripts and meetings: org, person, search, warnings, history,
//! overview. Each prints an aligned table, or JSON with `--json`.

use super::Ctx;
use crate::model::Lang;
use crate::store::Store;
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct OrgArgs {
    /// The unit's id or name.
    pub org: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct PersonArgs {
    /// The person's id or name.
    pub person: String,
    #[arg(long)]
    pub json: bool,
    /// Show the ID number in full (recorded in the audit log).
    #[arg(long)]
    pub reveal_id: bool,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    pub query: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct WarningsArgs {
    /// over-quota, full, over-posts, retirement, overage or data.
    #[arg(long)]
    pub kind: Option<String>,
    /// Retirement forecast horizon in months.
    #[arg(long, default_value_t = 12)]
    pub within: u32,
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub reveal_id: bool,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// A unit's or a person's id or name.
    pub subject: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OverviewArgs {
    #[arg(long)]
    pub json: bool,
}

pub fn org(_ctx: &Ctx, _a: OrgArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn person(_ctx: &Ctx, _a: PersonArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn search(_ctx: &Ctx, _a: SearchArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn warnings(_ctx: &Ctx, _a: WarningsArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn history(_ctx: &Ctx, _a: HistoryArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn overview(_ctx: &Ctx, _a: OverviewArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}

pub fn print_overview_text(_store: &Store, _lang: Lang) -> Result<()> {
    anyhow::bail!("尚未实现")
}
