//! `bianzhi report`: the standard reports (标准报表) of a subtree as they stood on a
//! day, printed as a table, as JSON of one shape for every report, or written to a CSV
//! or a workbook ready to print.

use super::Ctx;
use super::out::outln;
use super::query::resolve_org;
use super::words::W;
use crate::report::standard::{self, Kind, Params, Report};
use crate::report::{self, Table};
use crate::store::audit::AuditDetail;
use crate::store::queries;
use crate::store::timeline::AuditAction;
use anyhow::{Context as _, Result, bail};
use chrono::{Datelike, NaiveDate};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// `list`, or a report: establishment, institutions, posts, changes, structure,
    /// retirement, unit (or its Chinese title).
    pub name: String,
    /// Limit to this unit's subtree (id or name); default the whole jurisdiction.
    #[arg(long)]
    pub org: Option<String>,
    /// Figures as they stood at the end of this day (YYYY-MM-DD); default today, and
    /// for the annual report (establishment, 总表) 31 December of last year.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Start of the period of `changes` (YYYY-MM-DD); default 1 January of its end's year.
    #[arg(long)]
    pub from: Option<String>,
    /// End of the period of `changes` (YYYY-MM-DD); default the as-of day.
    #[arg(long)]
    pub to: Option<String>,
    /// table, json, csv or xlsx.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// The file to write (required for csv and xlsx; json goes to it when given).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn date(ctx: &Ctx, s: &Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref()
        .map(|s| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!(ctx.f(W::BadReportDate, &[&s])))
        })
        .transpose()
}

pub fn report(ctx: &Ctx, a: ReportArgs) -> Result<()> {
    if a.name == "list" {
        let rows: Vec<Vec<String>> = Kind::ALL
            .iter()
            .map(|k| vec![k.name().to_string(), k.title(ctx.lang).to_string()])
            .collect();
        let header = [ctx.w(W::ReportName), ctx.w(W::ReportTitle)];
        super::out::out!("{}", super::table::render(&header, &rows))?;
        return Ok(());
    }
    let Some(kind) = Kind::parse(&a.name) else {
        bail!(ctx.f(W::UnknownReport, &[&a.name]));
    };
    if !["table", "json", "csv", "xlsx"].contains(&a.format.as_str()) {
        bail!(ctx.f(W::BadReportFormat, &[&a.format]));
    }
    if matches!(a.format.as_str(), "csv" | "xlsx") && a.out.is_none() {
        bail!(ctx.f(W::ReportNeedsOut, &[&a.format, &a.format]));
    }
    if let Some(out) = &a.out
        && super::export::is_cache(ctx, out)
    {
        bail!(ctx.f(W::ExportIsCache, &[&out.display()]));
    }
    let as_of = date(ctx, &a.as_of)?.unwrap_or_else(|| kind.default_as_of(super::today_date()));
    let to = date(ctx, &a.to)?.unwrap_or(as_of);
    let from = date(ctx, &a.from)?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).expect("1 January"));
    if from > to {
        bail!(ctx.f(W::PeriodBackwards, &[&from, &to]));
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
    let params = Params {
        root,
        as_of,
        from,
        to,
        lang: ctx.lang,
    };
    let r = standard::build(conn, kind, &params)?;
    let Some(out) = &a.out else {
        return match a.format.as_str() {
            "json" => outln!("{}", serde_json::to_string_pretty(&r)?),
            _ => print_table(&r),
        };
    };
    match a.format.as_str() {
        "json" => {
            let mut bytes = serde_json::to_vec_pretty(&r)?;
            bytes.push(b'\n');
            report::write_private(out, &bytes).map_err(report::ExportError::from)
        }
        "csv" => report::write_csv(&flat(&r), out),
        "xlsx" => standard::write_report_xlsx(&r, out),
        _ => report::write_private(out, text(&r).as_bytes()).map_err(report::ExportError::from),
    }
    .with_context(|| ctx.f(W::ExportingTo, &[&out.display()]))?;
    store.audit(
        AuditAction::Export,
        &AuditDetail::Reported {
            report: kind.name().to_string(),
            format: a.format.to_string(),
            path: out.display().to_string(),
        },
        Some(r.rows.len() as i64),
    )?;
    outln!(
        "{}",
        ctx.f(W::ReportWritten, &[&r.rows.len(), &out.display()])
    )?;
    Ok(())
}

/// The report as a flat table: its columns, its rows, the totals row last.
fn flat(r: &Report) -> Table {
    let cells = |row: &Vec<standard::Cell>| row.iter().map(standard::Cell::text).collect();
    let mut rows: Vec<Vec<String>> = r.rows.iter().map(cells).collect();
    rows.push(cells(&r.totals));
    Table {
        title: r.title.clone(),
        header: r.columns.clone(),
        rows,
    }
}

/// The report as an aligned text table under its title and subtitle.
fn text(r: &Report) -> String {
    let t = flat(r);
    let header: Vec<&str> = t.header.iter().map(String::as_str).collect();
    format!(
        "{}\n{}\n\n{}",
        r.title,
        r.subtitle,
        super::table::render(&header, &t.rows)
    )
}

fn print_table(r: &Report) -> Result<()> {
    super::out::out!("{}", text(r))?;
    Ok(())
}
