//! Generated data and snapshot files: `gen` and `import`.

use super::Ctx;
use super::out::outln;
use super::words::W;
use crate::generate::generate_into;
use crate::store::audit::AuditDetail;
use crate::store::timeline::AuditAction;
use crate::sync::wire::{SnapshotWriter, WireError, write_snapshot_json};
use anyhow::{Context as _, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// small, county, city; or province, written into a PostgreSQL server database
    /// (`--out postgres://…`).
    #[arg(long, default_value = "county")]
    pub scale: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The snapshot file to write (a province: the server database's URL).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A snapshot file written by `bianzhi gen` or exported by the server.
    pub file: PathBuf,
}

pub fn generate_snapshot(ctx: &Ctx, a: GenArgs) -> Result<()> {
    if super::net::is_province(&a.scale) {
        return generate_province(ctx, a);
    }
    let scale = super::net::parse_scale(&a.scale, ctx.lang)?;
    let started = std::time::Instant::now();
    // The rows go into the file's columns as the generator hands them over (a city
    // region by region), so the city is never whole in memory as rows; the columns are
    // dropped before the JSON is compressed.
    let mut writer = SnapshotWriter::default();
    let (mut orgs, mut persons, mut rows) = (0, 0, 0);
    generate_into(scale, a.seed, |part| {
        orgs += part.orgs.len();
        persons += part.persons.len();
        rows += part.row_count();
        writer.push(&part);
    });
    let json = writer.json(0, None);
    write_snapshot_json(&json, &a.out).with_context(|| ctx.f(W::Writing, &[&a.out.display()]))?;
    drop(json);
    let size = std::fs::metadata(&a.out).map(|m| m.len()).unwrap_or(0);
    outln!(
        "{}",
        ctx.f(
            W::Generated,
            &[
                &orgs,
                &persons,
                &rows,
                &a.out.display(),
                &format!("{:.1}", size as f64 / 1e6),
                &format!("{:.1}", started.elapsed().as_secs_f64()),
            ]
        )
    )?;
    Ok(())
}

/// A province goes straight into a PostgreSQL server database, city by city (one city
/// in memory at a time): `gen --scale province --out postgres://…`.
fn generate_province(ctx: &Ctx, a: GenArgs) -> Result<()> {
    let target = a.out.to_string_lossy().into_owned();
    if !crate::server::backend::is_postgres(&target) {
        anyhow::bail!(ctx.w(W::ProvinceToPostgres));
    }
    let started = std::time::Instant::now();
    let db = crate::server::backend::open(&target)?;
    let (mut orgs, mut persons, mut rows) = (0, 0, 0);
    let mut parts = crate::generate::province::Province::new(a.seed).inspect(|d| {
        orgs += d.orgs.len();
        persons += d.persons.len();
        rows += d.row_count();
    });
    db.seed_parts(&mut parts)
        .context(W::WritingGenerated.get(ctx.lang))?;
    drop(parts);
    outln!(
        "{}",
        ctx.f(
            W::GeneratedInto,
            &[
                &orgs,
                &persons,
                &rows,
                &format!("{:.1}", started.elapsed().as_secs_f64()),
            ]
        )
    )?;
    Ok(())
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    use crate::sync::apply::{ImportError, import_snapshot};
    // A file that cannot be opened creates no cache.
    std::fs::File::open(&a.file)
        .with_context(|| ctx.f(W::ReadingSnapshot, &[&a.file.display()]))?;
    let mut store = ctx.store_or_create()?;
    // Streamed: the file is read, decoded and written table by table, chunk by chunk.
    let imported = match import_snapshot(&mut store, &a.file) {
        Ok(imported) => imported,
        Err(ImportError::File(e)) => {
            let what = match e {
                WireError::Format(_) => W::DecodingSnapshot,
                _ => W::ReadingSnapshot,
            };
            return Err(e).with_context(|| ctx.f(what, &[&a.file.display()]));
        }
        Err(ImportError::Store(e)) => return Err(e.into()),
    };
    let (cursor, scope_root) = (imported.head.cursor, imported.head.scope_root);
    // The lookup index kept ready (a failure costs only speed).
    let _ = crate::store::store_search_index(store.conn(), ctx.lang);
    store.set_meta("cursor", &cursor.to_string())?;
    if let Some(root) = scope_root {
        store.set_meta("scope_root", &root.to_string())?;
    }
    store.audit(
        AuditAction::Import,
        &AuditDetail::Imported {
            file: a.file.display().to_string(),
        },
        Some(imported.rows as i64),
    )?;
    outln!(
        "{}",
        ctx.f(
            W::Imported,
            &[
                &imported.orgs,
                &imported.persons,
                &imported.rows,
                &ctx.cache_path.display(),
            ]
        )
    )?;
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct RepairArgs {}

/// Moves a damaged cache aside and rescues the unsent outbox and the audit log into a
/// fresh one; the next sync downloads the rest and sends what was unsent.
pub fn repair(ctx: &Ctx, _a: RepairArgs) -> Result<()> {
    let path = &ctx.cache_path;
    use crate::store::repair::{Outcome, repair};
    let r = match repair(path).with_context(|| ctx.f(W::RepairingCache, &[&path.display()]))? {
        Outcome::Healthy => {
            outln!("{}", ctx.f(W::Healthy, &[&path.display()]))?;
            return Ok(());
        }
        Outcome::Repaired(r) => r,
    };
    outln!("{}", ctx.f(W::MovedAside, &[&r.moved_to.display()]))?;
    outln!("{}", ctx.f(W::Rescued, &[&r.unsent, &r.outbox, &r.audit]))?;
    if r.lost > 0 {
        outln!("{}", ctx.f(W::Lost, &[&r.lost]))?;
    }
    outln!("{}", ctx.w(W::SyncNow))?;
    Ok(())
}
