//! The approval inbox from the command line: list and decide.

use super::Ctx;
use crate::model::{ApprovalKind, Decision};
use crate::store::queries;
use crate::sync::outbox;
use anyhow::{Result, bail};
use serde_json::json;

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

pub fn inbox(ctx: &Ctx, a: InboxArgs) -> Result<()> {
    let store = ctx.store()?;
    let conn = store.conn();
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(ApprovalKind::parse(k).ok_or_else(|| {
            anyhow::anyhow!(
                "未知的申请类别 `{k}`（可用：用编计划, 增人入编, 减人出编, 领导职数使用, 机构调整）"
            )
        })?),
    };
    let queued = outbox::entries(conn)?;
    let today = super::today();
    let mut items = Vec::new();
    for req in queries::open_approvals(conn)?
        .into_iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
    {
        let figures = queries::unit_figures(conn, req.org_id)?;
        let effect = queries::preview_approval(conn, &req, &figures, today)?;
        let pending = queued.iter().rev().find(|e| e.approval_id == req.id);
        items.push((req, effect, pending.cloned()));
    }
    if a.json {
        let out: Vec<_> = items
            .iter()
            .map(|(r, e, p)| {
                json!({
                    "request": r,
                    "unit": queries::path_text(conn, r.org_id).unwrap_or_default(),
                    "effect": e.changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "warnings": e.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(),
                    "overdraws": e.blocks_approval(),
                    "outbox": p.as_ref().map(|p| json!({
                        "decision": p.decision, "state": match p.state { 0 => "待上传", 1 => "已接受", _ => "被退回" },
                        "reason": p.reason,
                    })),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if items.is_empty() {
        println!("没有待审批的申请");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(r, e, p)| {
            let state = match p {
                Some(p) if p.state == 0 => format!("待上传（{}）", p.decision.zh()),
                Some(p) if p.state == 2 => {
                    format!("被退回：{}", p.reason.clone().unwrap_or_default())
                }
                _ if e.blocks_approval() => "⚠ 超出编制".into(),
                _ => String::new(),
            };
            vec![
                r.id.to_string(),
                r.kind.zh().into(),
                queries::path_text(conn, r.org_id).unwrap_or_default(),
                r.summary.clone(),
                e.changes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("；"),
                state,
            ]
        })
        .collect();
    print!(
        "{}",
        super::table::render(&["编号", "类别", "单位", "摘要", "审批后", "状态"], &rows)
    );
    println!("共 {} 件", items.len());
    Ok(())
}

pub fn decide(ctx: &Ctx, a: DecideArgs) -> Result<()> {
    if ctx.ui.read_only {
        bail!("只读模式下不能审批");
    }
    let decision = Decision::parse(&a.decision).ok_or_else(|| {
        anyhow::anyhow!(
            "未知的决定 `{}`（可用：approve 同意, return 退回, reject 不同意）",
            a.decision
        )
    })?;
    if a.comment.trim().is_empty() {
        bail!("请填写审批意见（--comment）");
    }
    let store = ctx.store()?;
    let conn = store.conn();
    let Some(req) = queries::approval(conn, a.request_id)? else {
        bail!("找不到编号为 {} 的申请", a.request_id);
    };
    if req.status != crate::model::ApprovalStatus::Pending {
        bail!("申请 {} 已是“{}”状态，无需再审批", req.id, req.status.zh());
    }
    if outbox::entries(conn)?
        .iter()
        .any(|e| e.approval_id == req.id && e.state == 0)
    {
        bail!("申请 {} 已有待上传的决定，请先同步", req.id);
    }
    let figures = queries::unit_figures(conn, req.org_id)?;
    let effect = queries::preview_approval(conn, &req, &figures, super::today())?;
    if decision == Decision::Approve && effect.blocks_approval() {
        let why: Vec<String> = effect.warnings.iter().map(|w| w.message()).collect();
        eprintln!("注意：{}。服务器很可能不予接受。", why.join("；"));
    }
    outbox::queue(&store, req.id, decision, a.comment.trim())?;
    store.audit(
        "decide",
        &format!("申请{} {}", req.id, decision.zh()),
        Some(1),
    )?;
    let effect_text = if decision == Decision::Approve {
        effect
            .changes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；")
    } else {
        String::new()
    };
    println!(
        "已记录：申请 {}（{}）{}，待上传，下次同步时发送。{effect_text}",
        req.id,
        req.kind.zh(),
        decision.zh()
    );
    Ok(())
}
