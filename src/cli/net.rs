//! Network subcommands: serve, operator, sync, status, demo.

use super::Ctx;
use anyhow::Result;
use std::path::PathBuf;

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
        /// The root unit of the operator's jurisdiction.
        #[arg(long)]
        scope: i64,
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

pub fn serve(_ctx: &Ctx, _a: ServeArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn operator(_ctx: &Ctx, _a: OperatorArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn sync(_ctx: &Ctx, _a: SyncArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn status(_ctx: &Ctx, _a: StatusArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn demo(_ctx: &Ctx, _a: DemoArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
