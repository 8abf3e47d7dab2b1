//! Export of tables as CSV or XLSX, recorded in the audit log.

use super::Ctx;
use super::out::outln;
use super::query::resolve_org;
use super::words::W;
use crate::report::{self, Table};
use crate::store::audit::AuditDetail;
use crate::store::timeline::AuditAction;
use crate::store::{queries, warnings};
use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// quota, overview, warnings, persons or inbox.
    pub what: String,
    /// csv or xlsx.
    #[arg(long, default_value = "csv")]
    pub format: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Limit to this unit's subtree (id or name); default the whole jurisdiction.
    #[arg(long)]
    pub org: Option<String>,
    /// Show ID numbers and birth dates in full (recorded in the audit log).
    #[arg(long)]
    pub reveal_id: bool,
}

/// Whether `out` is the cache itself or its journal: an export replaces its target,
/// and never those.
pub(super) fn is_cache(ctx: &Ctx, out: &std::path::Path) -> bool {
    let same_file = |p: &std::path::Path| {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(p), std::fs::metadata(out)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    };
    let cache = &ctx.cache_path;
    let journal = |suffix: &str| {
        let mut s = cache.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    same_file(cache) || same_file(&journal("-wal")) || same_file(&journal("-shm"))
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    if is_cache(ctx, &a.out) {
        bail!(ctx.f(W::ExportIsCache, &[&a.out.display()]));
    }
    let store = ctx.store()?;
    let conn = store.conn();
    let root = match &a.org {
        Some(o) => resolve_org(&store, o, ctx.lang)?.id,
        None => match queries::roots(conn)?.first() {
            Some(r) => r.org.id,
            None => bail!(ctx.w(W::NothingToExport)),
        },
    };
    let table: Table = match a.what.as_str() {
        "quota" => report::quota_table(conn, root, ctx.lang)?,
        "persons" => report::persons_table(conn, root, a.reveal_id, ctx.lang)?,
        "overview" => {
            let j = crate::store::stats::jurisdiction(conn, super::today_date())?;
            report::overview_table(&j, ctx.lang)
        }
        "warnings" => report::warnings_table(
            conn,
            warnings::Filter {
                kind: None,
                within: 12,
                today: super::today(),
                scope: Some(root),
            },
            ctx.lang,
            |w| crate::tui::i18n::warning_text(w, ctx.lang),
        )?,
        "inbox" => report::inbox_table(conn, ctx.lang)?,
        other => bail!(ctx.f(W::CannotExport, &[&other])),
    };
    match a.format.as_str() {
        "csv" => report::write_csv(&table, &a.out),
        "xlsx" => report::write_xlsx(&table, &a.out),
        other => bail!(ctx.f(W::BadFormat, &[&other])),
    }
    .with_context(|| ctx.f(W::ExportingTo, &[&a.out.display()]))?;
    store.audit(
        AuditAction::Export,
        &AuditDetail::Exported {
            what: a.what.to_string(),
            format: a.format.to_string(),
            path: a.out.display().to_string(),
            full_ids: a.reveal_id,
        },
        Some(table.rows.len() as i64),
    )?;
    outln!(
        "{}",
        ctx.f(W::Exported, &[&table.rows.len(), &a.out.display()])
    )?;
    Ok(())
}
