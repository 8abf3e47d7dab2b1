//! The rules of an edit that need the rest of the data: the unit's figures (人编不对应,
//! 可使用 = 0), one person one quota, cycles in the tree, the jurisdiction. The server
//! decides with these, reading its own rows; the client checks a form and a command
//! line with the same, reading the cache. The edit's own rules are `model::edit`'s.

use super::Result;
use super::queries;
use super::rows::{self, read_person};
use crate::model::approval::move_allowed;
use crate::model::edit::{self, Before, Edit, FieldError, PersonField, Target};
use crate::model::quota::{Figures, UnitTally};
use crate::model::refusal::Refusal;
use crate::model::*;
use rusqlite::Connection;

/// A unit's own figures computed from its rows as they are at this instant (not from
/// the derived tables, which the server does not refresh on every write), accumulated
/// by `model::quota::UnitTally` like every other figure.
pub fn unit_figures_now(conn: &Connection, org: OrgId) -> Result<Figures> {
    let mut tally = UnitTally::default();
    let mut st = conn.prepare_cached(
        "SELECT staffing_type, SUM(delta) FROM ledger WHERE org_id = ? GROUP BY 1",
    )?;
    for row in st.query_map([org], |r| Ok((rows::vocab(r, 0)?, r.get::<_, i64>(1)?)))? {
        let (t, n) = row?;
        tally.ledger(t, n);
    }
    let mut st = conn.prepare_cached(
        "SELECT level, rank, SUM(delta) FROM posts WHERE org_id = ? GROUP BY 1, 2",
    )?;
    let slot = |r: &rusqlite::Row| -> rusqlite::Result<(PostSlot, i64)> {
        Ok((
            PostSlot {
                level: rows::vocab(r, 0)?,
                rank: rows::vocab(r, 1)?,
            },
            r.get(2)?,
        ))
    };
    for row in st.query_map([org], slot)? {
        let (s, n) = row?;
        tally.post_ledger(s, n);
    }
    let mut st = conn.prepare_cached(&format!(
        "SELECT {} FROM persons WHERE org_id = ?",
        rows::PERSON_COLUMNS
    ))?;
    for p in st.query_map([org], read_person)? {
        tally.person(&p?);
    }
    let mut st = conn.prepare_cached(&format!(
        "SELECT {} FROM approvals WHERE org_id = ?",
        rows::APPROVAL_COLUMNS
    ))?;
    for a in st.query_map([org], rows::read_approval)? {
        tally.approval(&a?);
    }
    Ok(tally.figures())
}

/// The records `edit` reads, `person` being the resolved id of its person if any.
pub fn before(conn: &Connection, edit: &Edit, person: Option<PersonId>) -> Result<Before> {
    let person = match person {
        Some(id) => queries::person(conn, id)?,
        None => None,
    };
    let org_id = edit.org().or(person.as_ref().map(|p| p.org_id));
    let org = match org_id {
        Some(id) => queries::org(conn, id)?,
        None => None,
    };
    let to = match edit {
        Edit::PersonTransfer { to_org, .. } => Some(*to_org),
        Edit::OrgMove { to_parent, .. } => Some(*to_parent),
        _ => None,
    };
    let to_org = match to {
        Some(id) => queries::org(conn, id)?,
        None => None,
    };
    Ok(Before {
        person,
        org,
        to_org,
    })
}

/// Where a unit is named in a refusal: inside the jurisdiction by name, outside not at
/// all (an operator learns nothing of units outside it).
fn unit_named(conn: &Connection, id: OrgId, in_scope: &dyn Fn(OrgId) -> bool) -> Result<String> {
    if !in_scope(id) {
        return Ok("您管辖范围以外的单位".into());
    }
    Ok(queries::org(conn, id)?
        .map(|o| o.name)
        .unwrap_or_else(|| format!("单位 {id}")))
}

/// Checks an edit against the data: every refusal names its field. `in_scope` says
/// whether a unit is within the operator's jurisdiction.
pub fn check(
    conn: &Connection,
    edit: &Edit,
    doc_no: Option<&str>,
    before: &Before,
    in_scope: &dyn Fn(OrgId) -> bool,
) -> Result<Vec<FieldError>> {
    let mut errors: Vec<FieldError> = edit::check_doc(edit, doc_no).into_iter().collect();
    let out_of_scope =
        |field: &str, label: &str| FieldError::new(field, label, Refusal::OutOfScope);
    if let Some(org) = edit.org()
        && (!in_scope(org) || before.org.is_none())
    {
        errors.push(out_of_scope("org", "单位"));
        return Ok(errors);
    }
    if edit.person().is_some() {
        match &before.person {
            Some(p) if in_scope(p.org_id) => {}
            _ => {
                errors.push(out_of_scope("person", "人员"));
                return Ok(errors);
            }
        }
    }
    if before.org.as_ref().is_some_and(|o| o.abolished)
        && !matches!(edit, Edit::OrgEdit { .. } | Edit::PersonExit { .. })
    {
        errors.push(FieldError::new("org", "单位", Refusal::Abolished));
    }
    // One quota per ID number, held by a record other than `except`.
    let one_quota = |id_number: &str, except: PersonId| -> Result<Option<FieldError>> {
        let other = queries::other_record_with_id(conn, id_number, except)?
            .filter(|o| o.staffing_type.is_some());
        Ok(match other {
            Some(o) => {
                let unit = unit_named(conn, o.org_id, in_scope)?;
                edit::check_one_quota(Some(&unit))
            }
            None => None,
        })
    };
    match edit {
        Edit::PersonAdd { org_id, values } => {
            let get = |f: PersonField| {
                values
                    .iter()
                    .rev()
                    .find(|(g, _)| *g == f)
                    .map(|(_, v)| f.normalize(v).unwrap_or_default())
                    .unwrap_or_default()
            };
            let id_number = get(PersonField::IdNumber);
            if !id_number.is_empty() {
                errors.extend(one_quota(&id_number, 0)?);
            }
            let t = StaffingType::parse(&get(PersonField::StaffingType));
            errors.extend(edit::check_place(t, &unit_figures_now(conn, *org_id)?));
        }
        Edit::PersonEdit { changes, .. } => {
            let p = before.person.as_ref().expect("checked above");
            for c in changes {
                match PersonField::parse(&c.field) {
                    Some(PersonField::IdNumber) => {
                        if let Ok(id) = PersonField::IdNumber.normalize(&c.to)
                            && p.status == PersonStatus::Active
                        {
                            errors.extend(one_quota(&id, p.id)?);
                        }
                    }
                    Some(PersonField::StaffingType) if p.status == PersonStatus::Active => {
                        let t = StaffingType::parse(&c.to);
                        if t.is_some() && t != p.staffing_type {
                            errors.extend(edit::check_place(t, &unit_figures_now(conn, p.org_id)?));
                        }
                    }
                    _ => {}
                }
            }
        }
        Edit::PersonTransfer { to_org, .. } => {
            let p = before.person.as_ref().expect("checked above");
            match &before.to_org {
                Some(to) if in_scope(to.id) && !to.abolished => {
                    errors.extend(edit::check_place(
                        p.staffing_type,
                        &unit_figures_now(conn, *to_org)?,
                    ));
                }
                _ => errors.push(out_of_scope("to", "调入单位")),
            }
        }
        Edit::PersonRestore { .. } => {
            let p = before.person.as_ref().expect("checked above");
            if p.staffing_type.is_some() {
                errors.extend(one_quota(&p.id_number, p.id)?);
                errors.extend(edit::check_place(
                    p.staffing_type,
                    &unit_figures_now(conn, p.org_id)?,
                ));
            }
        }
        Edit::OrgMove { org_id, to_parent } => {
            let subtree = queries::subtree_ids(conn, *org_id)?;
            let exists = before.to_org.is_some();
            if !move_allowed(*to_parent, exists && in_scope(*to_parent), &subtree) {
                let why = if subtree.contains(to_parent) {
                    Refusal::MoveCycle
                } else {
                    Refusal::OutOfScope
                };
                errors.push(FieldError::new("to", "上级单位", why));
            }
        }
        Edit::OrgAbolish { org_id } => {
            let people = queries::persons_of(conn, *org_id, true)?.len();
            let children = queries::children(conn, *org_id)?
                .iter()
                .filter(|c| !c.org.abolished)
                .count();
            if people > 0 || children > 0 {
                errors.push(FieldError::new(
                    "org",
                    "单位",
                    Refusal::StillHasPeople { people, children },
                ));
            }
        }
        Edit::LedgerAdd {
            org_id,
            staffing_type,
            delta,
            ..
        } => {
            let q = unit_figures_now(conn, *org_id)?.quota_of(*staffing_type);
            if q.approved + (*delta as i64) < 0 {
                errors.push(FieldError::new(
                    "delta",
                    "数量",
                    Refusal::QuotaBelowZero {
                        staffing_type: *staffing_type,
                        approved: q.approved,
                    },
                ));
            }
        }
        Edit::PostsAdd {
            org_id,
            slot,
            delta,
            ..
        } => {
            let f = unit_figures_now(conn, *org_id)?.post_of(*slot);
            if f.approved + (*delta as i64) < 0 {
                errors.push(FieldError::new(
                    "delta",
                    "数量",
                    Refusal::PostsBelowZero {
                        slot: *slot,
                        approved: f.approved,
                    },
                ));
            }
        }
        Edit::OrgEdit { .. } | Edit::OrgAddDept { .. } | Edit::PersonExit { .. } => {}
    }
    Ok(errors)
}

/// A person target as an id, where `new` resolves a not-yet-answered create.
pub fn resolve(target: &Target, new: impl Fn(&str) -> Option<PersonId>) -> Option<PersonId> {
    match target {
        Target::Id(id) => Some(*id),
        Target::New(client_id) => new(client_id),
    }
}
