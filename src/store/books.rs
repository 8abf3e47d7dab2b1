//! The rows of a subtree as the standard reports read them: every unit, ledger entry,
//! leadership-post entry and person (in any status) under a unit, in id order. What
//! stood on a past date is decided from these rows by the model's rules (the report
//! filters ledger entries by their dates and persons by `Person::on_books`), so the
//! queries here select by place in the tree only.

use super::Result;
use super::rows::{
    LEDGER_COLUMNS, ORG_COLUMNS, PERSON_COLUMNS, POST_COLUMNS, read_ledger, read_org, read_person,
    read_post,
};
use crate::model::{LedgerEntry, Org, OrgId, Person, PostEntry};
use rusqlite::{Connection, OptionalExtension};

/// Every row of a subtree the reports need.
#[derive(Debug, Clone, Default)]
pub struct SubtreeRows {
    pub orgs: Vec<Org>,
    pub ledger: Vec<LedgerEntry>,
    pub posts: Vec<PostEntry>,
    pub persons: Vec<Person>,
}

/// The rows of `root` and everything under it; empty when `root` is not in the cache.
pub fn subtree_rows(conn: &Connection, root: OrgId) -> Result<SubtreeRows> {
    let path: Option<String> = conn
        .prepare_cached("SELECT path FROM org_tree WHERE org_id = ?")?
        .query_row([root], |r| r.get(0))
        .optional()?;
    let Some(path) = path else {
        return Ok(SubtreeRows::default());
    };
    let under = "SELECT org_id FROM org_tree WHERE path >= ?1 AND path < ?1 || x'ff'";
    let read = |sql: String| conn.prepare(&sql);
    let orgs = read(format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_org)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    let ledger = read(format!(
        "SELECT {LEDGER_COLUMNS} FROM ledger WHERE org_id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_ledger)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    let posts = read(format!(
        "SELECT {POST_COLUMNS} FROM posts WHERE org_id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_post)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    let persons = read(format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE org_id IN ({under}) ORDER BY id"
    ))?
    .query_map([&path], read_person)?
    .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(SubtreeRows {
        orgs,
        ledger,
        posts,
        persons,
    })
}
