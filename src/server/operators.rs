//! Managing operators while the server runs: list, disable, enable, rotate a token, and
//! naming a jurisdiction by its unit's name.
//!
//! Nothing here is cached by a running server: every request reads the `operators`
//! table afresh (`db::lookup_token`), so a change written by `bianzhi operator …` in
//! another process holds from the server's next request on.

use super::db::{ServerDb, token_hash};
use super::{Error, Result};
use crate::model::OrgId;
use crate::model::edit::Role;
use rusqlite::OptionalExtension;
use rusqlite::{Connection, params};

/// One operator as the administrator sees it (never the token, which is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub id: i64,
    pub name: String,
    pub scope_root: OrgId,
    /// The name of the jurisdiction's root unit (empty if the unit no longer exists).
    pub scope_name: String,
    pub disabled: bool,
    pub created_at: String,
    pub role: Role,
}

/// Every operator, by id.
pub fn list(conn: &Connection) -> Result<Vec<OperatorRow>> {
    let mut st = conn.prepare(
        "SELECT o.id, o.name, o.scope_root, COALESCE(u.name, ''), o.disabled, o.created_at, o.role \
         FROM operators o LEFT JOIN orgs u ON u.id = o.scope_root ORDER BY o.id",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(OperatorRow {
                id: r.get(0)?,
                name: r.get(1)?,
                scope_root: r.get(2)?,
                scope_name: r.get(3)?,
                disabled: r.get(4)?,
                created_at: r.get(5)?,
                role: Role::from_code(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The operator an administrator means by `name`: its exact name, or `#ID` / an id when
/// several share a name.
pub fn find(conn: &Connection, name: &str) -> Result<OperatorRow> {
    let name = name.trim();
    let all = list(conn)?;
    let by_id = name
        .strip_prefix('#')
        .unwrap_or(name)
        .parse::<i64>()
        .ok()
        .and_then(|id| all.iter().find(|o| o.id == id));
    let named: Vec<&OperatorRow> = all.iter().filter(|o| o.name == name).collect();
    match (named.as_slice(), by_id) {
        ([one], _) => Ok((*one).clone()),
        ([], Some(o)) => Ok(o.clone()),
        ([], None) => Err(Error::BadRequest(format!(
            "没有名为“{name}”的操作员。用 bianzhi operator list 查看全部操作员"
        ))),
        (many, _) => {
            let ids: Vec<String> = many
                .iter()
                .map(|o| format!("#{}（{}）", o.id, o.scope_name))
                .collect();
            Err(Error::BadRequest(format!(
                "有 {} 个名为“{name}”的操作员：{}。请改用编号，例如 {}",
                many.len(),
                ids.join("、"),
                ids[0].split('（').next().unwrap_or_default()
            )))
        }
    }
}

/// Disables or enables an operator; returns it as it now is.
pub fn set_disabled(db: &ServerDb, name: &str, disabled: bool) -> Result<OperatorRow> {
    let mut op = find(db.conn(), name)?;
    db.conn().execute(
        "UPDATE operators SET disabled = ? WHERE id = ?",
        params![disabled, op.id],
    )?;
    op.disabled = disabled;
    Ok(op)
}

/// Sets an operator's role; returns it as it now is.
pub fn set_role(db: &ServerDb, name: &str, role: Role) -> Result<OperatorRow> {
    let mut op = find(db.conn(), name)?;
    db.conn().execute(
        "UPDATE operators SET role = ? WHERE id = ?",
        params![role.code(), op.id],
    )?;
    op.role = role;
    Ok(op)
}

/// Gives an operator a new token and invalidates the old one; returns the new token.
pub fn rotate(db: &ServerDb, name: &str) -> Result<(OperatorRow, String)> {
    let op = find(db.conn(), name)?;
    let token = new_token();
    db.conn().execute(
        "UPDATE operators SET token_hash = ? WHERE id = ?",
        params![token_hash(&token).to_vec(), op.id],
    )?;
    Ok((op, token))
}

pub(crate) fn new_token() -> String {
    format!("bz_{}", hex::encode(rand::random::<[u8; 24]>()))
}

/// The unit an administrator means by `text`: its id, its exact full name, or a short
/// name only one unit has. An ambiguous name lists the candidates.
pub fn resolve_unit(conn: &Connection, text: &str) -> Result<OrgId> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::BadRequest(
            "未指定管辖范围：请给出单位的编号或名称".into(),
        ));
    }
    if let Ok(id) = text.parse::<OrgId>() {
        let exists: Option<i64> = conn
            .query_row("SELECT id FROM orgs WHERE id = ?", [id], |r| r.get(0))
            .optional()?;
        return exists.ok_or_else(|| {
            Error::BadRequest(format!(
                "没有编号为 {id} 的单位：请给出单位的编号、全称或唯一的简称"
            ))
        });
    }
    let matching = |sql: &str| -> Result<Vec<(OrgId, String)>> {
        let mut st = conn.prepare(sql)?;
        let v = st
            .query_map([text], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    };
    let mut found = matching("SELECT id, name FROM orgs WHERE name = ? ORDER BY id")?;
    if found.is_empty() {
        found = matching("SELECT id, name FROM orgs WHERE short_name = ? ORDER BY id")?;
    }
    // The name people say (`教育局` for 青山县教育局): the one unit whose name ends so,
    // else the one whose name holds it.
    if found.is_empty() {
        found = matching(
            "SELECT id, name FROM orgs WHERE substr(name, -length(?1)) = ?1 \
             OR substr(short_name, -length(?1)) = ?1 ORDER BY length(name), id",
        )?;
    }
    if found.is_empty() {
        found = matching(
            "SELECT id, name FROM orgs WHERE instr(name, ?1) > 0 OR instr(short_name, ?1) > 0 ORDER BY length(name), id",
        )?;
    }
    match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(Error::BadRequest(format!(
            "没有名为“{text}”的单位：请给出单位的全称、唯一的简称或编号"
        ))),
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(20)
                .map(|(id, name)| format!("{id} {name}"))
                .collect();
            let more = if many.len() > shown.len() {
                format!("等 {} 个", many.len())
            } else {
                String::new()
            };
            Err(Error::BadRequest(format!(
                "“{text}”对应多个单位：{}{more}。请改用全称或编号",
                shown.join("；")
            )))
        }
    }
}
