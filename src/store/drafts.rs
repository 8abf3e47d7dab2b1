//! Drafts of the interface's forms (issue 15): a form's unsaved values, kept in the
//! cache's `meta` table under `draft:<form key>` so that a terminal that dies loses
//! nothing typed. The interface writes them through the executor's writer, a moment
//! after each change; saving or discarding the form deletes its draft. The value is
//! the interface's own text (JSON), opaque here.

use super::{Result, Store, get_meta, set_meta};

const PREFIX: &str = "draft:";

/// The draft kept for a form, if any.
pub fn load(store: &Store, form: &str) -> Result<Option<String>> {
    get_meta(store.conn(), &format!("{PREFIX}{form}"))
}

pub fn save(store: &Store, form: &str, value: &str) -> Result<()> {
    set_meta(store.conn(), &format!("{PREFIX}{form}"), value)
}

pub fn delete(store: &Store, form: &str) -> Result<()> {
    store.conn().execute(
        "DELETE FROM meta WHERE key = ?",
        [format!("{PREFIX}{form}")],
    )?;
    Ok(())
}
