//! `bianzhi forecast`: the five-year forecast (推演) of a subtree, as a table that fits
//! 80 columns or as JSON (`report::forecast::Forecast`).

use super::Ctx;
use super::out::outln;
use super::query::resolve_org;
use super::words::W;
use crate::report::forecast::{self, Forecast, MAX_YEARS, Params};
use crate::store::queries;
use anyhow::{Result, bail};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// Limit to this unit's subtree (id or name); default the whole jurisdiction.
    #[arg(long)]
    pub org: Option<String>,
    /// Years ahead, the current one included (1 to 5).
    #[arg(long, default_value_t = 5)]
    pub years: usize,
    /// Print JSON (per year and staffing type, over-quota units, retiring persons).
    #[arg(long)]
    pub json: bool,
}

pub fn forecast(ctx: &Ctx, a: ForecastArgs) -> Result<()> {
    if !(1..=MAX_YEARS).contains(&a.years) {
        bail!(ctx.f(W::BadForecastYears, &[&a.years]));
    }
    let store = ctx.store()?;
    let conn = store.conn();
    let root = match &a.org {
        Some(o) => resolve_org(&store, o, ctx.lang)?.id,
        None => match queries::roots(conn)?.first() {
            Some(r) => r.org.id,
            None => bail!(ctx.w(W::NothingToReport)),
        },
    };
    let f = forecast::build(
        conn,
        &Params {
            root,
            today: super::today_date(),
            years: a.years,
        },
    )?;
    if a.json {
        return outln!("{}", serde_json::to_string_pretty(&f)?);
    }
    super::out::out!("{}", text(ctx, &f))?;
    Ok(())
}

/// Cuts a unit's name to `cells` display cells.
fn clip(s: &str, cells: usize) -> String {
    if s.width() <= cells {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) > cells - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The forecast as text: a table per year and staffing type, the over-quota units and
/// the summary of who retires.
pub fn text(ctx: &Ctx, f: &Forecast) -> String {
    let first = f.years.first().map_or(0, |y| y.year);
    let last = f.years.last().map_or(0, |y| y.year);
    let mut out = ctx.f(
        W::ForecastTitle,
        &[&f.jurisdiction, &first, &last, &f.as_of],
    );
    out.push_str("\n\n");
    let header = [
        ctx.w(W::FcYear),
        ctx.w(W::FcType),
        ctx.w(W::FcRetiring),
        ctx.w(W::FcActual),
        ctx.w(W::FcVacant),
        ctx.w(W::FcOver),
        ctx.w(W::FcOneForOne),
        ctx.w(W::FcVacantWith),
        ctx.w(W::FcOverWith),
    ];
    let mut rows = Vec::new();
    for y in &f.years {
        let lines = y
            .types
            .iter()
            .map(|t| (t.staffing_type.short(ctx.lang), t.figure, t.with_requests))
            .chain([(ctx.w(W::FcTotal), y.total, y.total_with_requests)]);
        for (i, (name, fig, with)) in lines.enumerate() {
            rows.push(vec![
                if i == 0 {
                    y.year.to_string()
                } else {
                    String::new()
                },
                name.to_string(),
                fig.end.retiring.to_string(),
                fig.end.actual.to_string(),
                fig.end.vacant.to_string(),
                fig.end.over.to_string(),
                fig.end.one_for_one.to_string(),
                with.end.vacant.to_string(),
                with.end.over.to_string(),
            ]);
        }
    }
    out.push_str(&super::table::render(&header, &rows));
    out.push('\n');
    if f.back_within.is_empty() {
        out.push_str(ctx.w(W::FcNoneOver));
        out.push('\n');
    } else {
        out.push_str(ctx.w(W::FcBackTitle));
        out.push('\n');
        let header = [
            ctx.w(W::FcUnit),
            ctx.w(W::FcType),
            ctx.w(W::FcOver),
            ctx.w(W::FcBackYear),
            ctx.w(W::FcBackYearWith),
        ];
        let year =
            |y: Option<i32>| y.map_or_else(|| ctx.f(W::FcBeyond, &[&last]), |y| y.to_string());
        let rows: Vec<Vec<String>> = f
            .back_within
            .iter()
            .map(|b| {
                vec![
                    clip(&b.unit, 30),
                    b.staffing_type.short(ctx.lang).to_string(),
                    b.over.to_string(),
                    year(b.year),
                    year(b.year_with_requests),
                ]
            })
            .collect();
        out.push_str(&super::table::render(&header, &rows));
    }
    out.push('\n');
    out.push_str(&ctx.f(W::FcRetiringSummary, &[&f.retiring.len()]));
    out.push('\n');
    if f.overdue > 0 {
        out.push_str(&ctx.f(W::FcOverdue, &[&f.overdue]));
        out.push('\n');
    }
    out.push_str(&ctx.f(W::FcRequests, &[&f.requests]));
    out.push('\n');
    out
}
