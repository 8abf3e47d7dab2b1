//! The approval inbox from the command line: list and decide.

use super::Ctx;
use super::out::{out, outln};
use super::speak::{approval_warning, change_text, standing_text};
use super::words::W;
use crate::model::{ApprovalKind, Decision, Lang};
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
        Some(k) => Some(
            ApprovalKind::parse(k)
                .ok_or_else(|| anyhow::anyhow!(ctx.f(W::UnknownRequestKind, &[k])))?,
        ),
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
        outln!("{}", ctx.w(W::NoOpenRequests))?;
        return Ok(());
    }
    let (lang, ascii) = (ctx.lang, ctx.ui.ascii);
    type Row = (String, String, String, String, String, String);
    let rows: Vec<Row> = items
        .iter()
        .map(|i| {
            let (r, e) = (&i.request, &i.effect);
            let state = match &i.standing {
                Standing::Open if e.blocks_approval() => {
                    let posts = e.warnings.iter().any(|w| {
                        matches!(w, crate::model::approval::Warning::PostsOverdrawn { .. })
                    });
                    let mark = if posts {
                        W::OverPostsMark
                    } else {
                        W::OverdrawsMark
                    };
                    let text = ctx.w(mark);
                    if ascii {
                        text.replacen('⚠', "!", 1)
                    } else {
                        text.to_string()
                    }
                }
                _ => standing_text(i, lang),
            };
            (
                r.id.to_string(),
                r.kind.label(lang).to_string(),
                state,
                i.unit_path.clone(),
                r.summary.clone(),
                e.changes
                    .iter()
                    .map(|c| change_text(c, lang, ascii))
                    .collect::<Vec<_>>()
                    .join(ctx.w(W::ListSep)),
            )
        })
        .collect();
    // One request takes a few lines that fit 80 columns: number, kind, standing and the
    // unit (its path cut from the left, so its own name stays), then what is asked and
    // what approval would change, wrapped under it.
    use unicode_width::UnicodeWidthStr;
    let col = |f: fn(&Row) -> &String, head: &str| {
        rows.iter()
            .map(|r| f(r).width())
            .chain([head.width()])
            .max()
            .unwrap_or(0)
    };
    let [h_id, h_kind, h_state, h_unit] = [W::Id, W::Kind, W::Status, W::Unit].map(|w| ctx.w(w));
    let w_id = col(|r| &r.0, h_id);
    let w_kind = col(|r| &r.1, h_kind);
    let w_state = col(|r| &r.2, h_state);
    let room = WIDTH.saturating_sub(w_id + w_kind + w_state + 6).max(12);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    let mut text = format!(
        "{}  {}  {}  {}\n",
        pad(h_id, w_id),
        pad(h_kind, w_kind),
        pad(h_state, w_state),
        h_unit
    );
    let indent = " ".repeat(w_id + 2);
    let after = ctx.w(W::After);
    for (id, kind, state, unit, summary, changes) in &rows {
        text.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(id, w_id),
            pad(kind, w_kind),
            pad(state, w_state),
            cut_left(unit, room)
        ));
        let mut body = vec![summary.clone()];
        if !changes.is_empty() {
            let colon = if lang == Lang::Zh { "：" } else { ": " };
            body.push(format!("{after}{colon}{changes}"));
        }
        for part in body {
            for piece in super::outbox::wrap(&part, WIDTH - indent.len()) {
                text.push_str(&format!("{indent}{piece}\n"));
            }
        }
    }
    out!(
        "{}",
        if ascii {
            crate::cli::out::ascii(&text)
        } else {
            text
        }
    )?;
    outln!("{}", ctx.f(W::RequestCount, &[&items.len()]))?;
    Ok(())
}

/// The listing fits a terminal this wide.
const WIDTH: usize = 80;

/// `…县教育局 › 第一中学`: a path cut from the left to `width` cells.
fn cut_left(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut w = 1;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            break;
        }
        w += cw;
        kept.push(c);
    }
    kept.reverse();
    format!("…{}", kept.into_iter().collect::<String>())
}

pub fn decide(ctx: &Ctx, a: DecideArgs) -> Result<()> {
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyDecide));
    }
    let decision = Decision::parse(&a.decision)
        .ok_or_else(|| anyhow::anyhow!(ctx.f(W::UnknownDecision, &[&a.decision])))?;
    if a.comment.trim().is_empty() {
        bail!(ctx.w(W::NeedComment));
    }
    let store = ctx.store()?;
    let conn = store.conn();
    // Warn before recording an approval the server will likely refuse.
    if decision == Decision::Approve
        && let Some(item) = store::inbox::one(conn, a.request_id, super::today())?
        && item.standing.decidable()
        && item.effect.blocks_approval()
    {
        let why: Vec<String> = item
            .effect
            .warnings
            .iter()
            .map(|w| approval_warning(w, ctx.lang))
            .collect();
        eprintln!(
            "{}",
            ctx.f(W::LikelyRefused, &[&why.join(ctx.w(W::ListSep))])
        );
    }
    // A refusal stays typed: main's report says it in the operator's language.
    let item = store::inbox::decide(&store, a.request_id, decision, &a.comment, super::today())??;
    let (req, effect) = (&item.request, &item.effect);
    let effect_text = if decision == Decision::Approve {
        effect
            .changes
            .iter()
            .map(|c| change_text(c, ctx.lang, ctx.ui.ascii))
            .collect::<Vec<_>>()
            .join(ctx.w(W::ListSep))
    } else {
        String::new()
    };
    let line = ctx.f(
        W::Recorded,
        &[
            &req.id,
            &req.kind.label(ctx.lang),
            &decision.label(ctx.lang),
            &effect_text,
        ],
    );
    outln!("{}", line.trim_end())?;
    Ok(())
}
