//! Generated data and snapshot files: `gen` and `import`.

use super::Ctx;
use super::out::outln;
use crate::generate::generate;
use crate::sync::wire::Snapshot;
use anyhow::{Context as _, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// small, county or city.
    #[arg(long, default_value = "county")]
    pub scale: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The snapshot file to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A snapshot file written by `bianzhi gen` or exported by the server.
    pub file: PathBuf,
}

pub fn generate_snapshot(_ctx: &Ctx, a: GenArgs) -> Result<()> {
    let scale = super::net::parse_scale(&a.scale)?;
    let started = std::time::Instant::now();
    let data = generate(scale, a.seed);
    Snapshot::new(&data, 0, None)
        .write(&a.out)
        .with_context(|| format!("写入 {}", a.out.display()))?;
    let size = std::fs::metadata(&a.out).map(|m| m.len()).unwrap_or(0);
    outln!(
        "已生成 {} 个单位、{} 名人员，共 {} 行，写入 {}（{:.1} MB，用时 {:.1} 秒）",
        data.orgs.len(),
        data.persons.len(),
        data.row_count(),
        a.out.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let snap = Snapshot::read(&a.file).with_context(|| format!("读取快照 {}", a.file.display()))?;
    let data = snap
        .data
        .decode()
        .with_context(|| format!("解析快照 {}", a.file.display()))?;
    let mut store = ctx.store_or_create()?;
    store.replace_all(&data)?;
    store.set_meta("cursor", &snap.cursor.to_string())?;
    if let Some(root) = snap.scope_root {
        store.set_meta("scope_root", &root.to_string())?;
    }
    store.audit(
        "import",
        &a.file.display().to_string(),
        Some(data.row_count() as i64),
    )?;
    outln!(
        "已导入 {} 个单位、{} 名人员，共 {} 行，到 {}",
        data.orgs.len(),
        data.persons.len(),
        data.row_count(),
        ctx.cache_path.display()
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
    let r = match repair(path).with_context(|| format!("修复缓存 {}", path.display()))? {
        Outcome::Healthy => {
            outln!("缓存 {} 完好，无需修复，未作任何改动。", path.display())?;
            return Ok(());
        }
        Outcome::Repaired(r) => r,
    };
    outln!("损坏的缓存已移到 {}（未删除）。", r.moved_to.display())?;
    outln!(
        "已转入新缓存：未发送的操作 {} 个（操作箱共 {} 条），操作日志 {} 条。",
        r.unsent,
        r.outbox,
        r.audit
    )?;
    if r.lost > 0 {
        outln!("有 {} 条记录已无法读取。", r.lost)?;
    }
    outln!("请执行 bianzhi sync：重新下载全部数据，并发送未发送的操作。")?;
    Ok(())
}
