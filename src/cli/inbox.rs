//! The approval inbox from the command line: list and decide.

use super::Ctx;
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct InboxArgs {
    /// Only this kind (用编计划, 增人入编, 减人出编, 领导职数使用, 机构调整, or English).
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    pub request_id: i64,
    /// approve, return or reject (同意, 退回, 不同意).
    pub decision: String,
    /// 审批意见
    #[arg(long)]
    pub comment: String,
}

pub fn inbox(_ctx: &Ctx, _a: InboxArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
pub fn decide(_ctx: &Ctx, _a: DecideArgs) -> Result<()> {
    anyhow::bail!("尚未实现")
}
