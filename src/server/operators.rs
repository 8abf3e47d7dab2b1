//! Managing operators while the server runs: list, disable, enable, rotate a token, and
//! naming a jurisdiction by its unit's name; on either engine, through the storage
//! interface (`backend.rs`).
//!
//! Nothing here is cached by a running server: every request reads the `operators`
//! table afresh (`db::lookup_token`), so a change written by `bianzhi operator …` in
//! another process holds from the server's next request on.

use super::backend::Backend;
use super::db::token_hash;
use super::{Error, Result};
use crate::model::OrgId;
use crate::model::edit::Role;

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
pub fn list(db: &dyn Backend) -> Result<Vec<OperatorRow>> {
    db.operators()
}

/// The operator an administrator means by `name`: its exact name, or `#ID` / an id when
/// several share a name.
pub fn find(db: &dyn Backend, name: &str) -> Result<OperatorRow> {
    let name = name.trim();
    let all = list(db)?;
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

/// What an administrator changes of an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorChange {
    Disabled(bool),
    Role(Role),
    /// A new token's SHA-256 (the old token stops working).
    TokenHash([u8; 32]),
}

/// Disables or enables an operator; returns it as it now is.
pub fn set_disabled(db: &dyn Backend, name: &str, disabled: bool) -> Result<OperatorRow> {
    let mut op = find(db, name)?;
    db.change_operator(op.id, OperatorChange::Disabled(disabled))?;
    op.disabled = disabled;
    Ok(op)
}

/// Sets an operator's role; returns it as it now is.
pub fn set_role(db: &dyn Backend, name: &str, role: Role) -> Result<OperatorRow> {
    let mut op = find(db, name)?;
    db.change_operator(op.id, OperatorChange::Role(role))?;
    op.role = role;
    Ok(op)
}

/// Gives an operator a new token and invalidates the old one; returns the new token.
pub fn rotate(db: &dyn Backend, name: &str) -> Result<(OperatorRow, String)> {
    let op = find(db, name)?;
    let token = new_token();
    db.change_operator(op.id, OperatorChange::TokenHash(token_hash(&token)))?;
    Ok((op, token))
}

pub(crate) fn new_token() -> String {
    format!("bz_{}", hex::encode(rand::random::<[u8; 24]>()))
}

/// The unit an administrator means by `text`: its id, its exact full name, or a short
/// name only one unit has. An ambiguous name lists the candidates.
pub fn resolve_unit(db: &dyn Backend, text: &str) -> Result<OrgId> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::BadRequest(
            "未指定管辖范围：请给出单位的编号或名称".into(),
        ));
    }
    if let Ok(id) = text.parse::<OrgId>() {
        return match db.unit_name(id)? {
            Some(_) => Ok(id),
            None => Err(Error::BadRequest(format!(
                "没有编号为 {id} 的单位：请给出单位的编号、全称或唯一的简称"
            ))),
        };
    }
    let units = db.unit_names()?;
    // Shortest name first, then by id.
    let matching = |hit: &dyn Fn(&str) -> bool| -> Vec<(OrgId, String)> {
        let mut v: Vec<(OrgId, String)> = units
            .iter()
            .filter(|(_, name, short)| hit(name) || short.as_deref().is_some_and(hit))
            .map(|(id, name, _)| (*id, name.clone()))
            .collect();
        v.sort_by_key(|(id, name)| (name.chars().count(), *id));
        v
    };
    let exactly = |short: bool| -> Vec<(OrgId, String)> {
        units
            .iter()
            .filter(|(_, name, s)| match short {
                false => name == text,
                true => s.as_deref() == Some(text),
            })
            .map(|(id, name, _)| (*id, name.clone()))
            .collect()
    };
    let mut found = exactly(false);
    if found.is_empty() {
        found = exactly(true);
    }
    // The name people say (`教育局` for 青山县教育局): the one unit whose name ends so,
    // else the one whose name holds it.
    if found.is_empty() {
        found = matching(&|n| n.ends_with(text));
    }
    if found.is_empty() {
        found = matching(&|n| n.contains(text));
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
