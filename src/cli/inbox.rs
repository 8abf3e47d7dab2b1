//! The approval inbox from the command line: list and decide.

use super::Ctx;
use super::out::{out, outln};
use crate::model::{ApprovalKind, Decision};
use crate::store::{self, inbox::Standing};
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
    // The same items the screen shows; the command lists the open ones.
    let items: Vec<_> = store::inbox::items(conn, super::today())?
        .into_iter()
        .filter(|i| i.request.status == crate::model::ApprovalStatus::Pending)
        .filter(|i| kind.is_none_or(|k| i.request.kind == k))
        .collect();
    if a.json {
        let out: Vec<_> = items
            .iter()
            .map(|i| {
                let e = &i.effect;
                json!({
                    "request": i.request,
                    "unit": i.unit_path,
                    "effect": e.changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "warnings": e.warnings.iter().map(|w| w.message()).collect::<Vec<_>>(),
                    "overdraws": e.blocks_approval(),
                    "outbox": match &i.standing {
                        Standing::Queued(d) => Some(json!({ "decision": d, "state": "待上传", "reason": null })),
                        Standing::Sent(d) => Some(json!({ "decision": d, "state": "已发送", "reason": null })),
                        Standing::Refused { decision, reason } => Some(json!({ "decision": decision, "state": "被退回", "reason": reason })),
                        _ => None,
                    },
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    if items.is_empty() {
        outln!("没有待审批的申请")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let (r, e) = (&i.request, &i.effect);
            let state = match &i.standing {
                Standing::Open if e.blocks_approval() => "⚠ 超出编制".into(),
                _ => i.standing_text(),
            };
            vec![
                r.id.to_string(),
                r.kind.zh().into(),
                i.unit_path.clone(),
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
    out!(
        "{}",
        super::table::render(&["编号", "类别", "单位", "摘要", "审批后", "状态"], &rows)
    )?;
    outln!("共 {} 件", items.len())?;
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
    // Warn before recording an approval the server will likely refuse.
    if decision == Decision::Approve
        && let Some(item) = store::inbox::one(conn, a.request_id, super::today())?
        && item.standing.decidable()
        && item.effect.blocks_approval()
    {
        let why: Vec<String> = item.effect.warnings.iter().map(|w| w.message()).collect();
        eprintln!("注意：{}。服务器很可能不予接受。", why.join("；"));
    }
    let item =
        match store::inbox::decide(&store, a.request_id, decision, &a.comment, super::today())? {
            Ok(item) => item,
            Err(refusal) => bail!("{refusal}"),
        };
    let (req, effect) = (&item.request, &item.effect);
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
    outln!(
        "已记录：申请 {}（{}）{}，待上传，下次同步时发送。{effect_text}",
        req.id,
        req.kind.zh(),
        decision.zh()
    )?;
    Ok(())
}
