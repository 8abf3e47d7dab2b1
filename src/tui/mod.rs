//! The terminal interface (ratatui + crossterm on tokio).

use crate::cli::Ctx;
use anyhow::Result;

/// Opens the interface on the cache.
pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    crate::cli::query::print_overview_text(&store, ctx.lang)
}

/// Prints the effective keymap (`bianzhi keymap --print`).
pub fn print_keymap(_ctx: &Ctx) -> Result<()> {
    anyhow::bail!("尚未实现")
}
