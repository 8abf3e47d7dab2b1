//! Pushed edits (data maintenance): resolved, checked for conflicts with what changed on
//! the server since the clerk's version, validated by the same rules the client checks
//! with (`model::edit`, `store::maintain`), then applied — or, for a key field or a
//! ledger entry from a 录入 operator, turned into a request for a 审核 operator.

use super::Result;
use super::db::{self, Change, Operator};
use super::decide::next_id;
use crate::model::approval::{Lacks, Warning};
use crate::model::edit::{
    self, Edit, FieldConflict, FieldError, Intent, OrgField, Outcome, PersonField, Role, Target,
};
use crate::model::refusal::{DecisionRefusal, Refusal};
use crate::model::*;
use crate::store::maintain;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashSet;

/// The answer to one edit: accepted, the reason if not, the details; and the rows to
/// write if accepted.
pub struct Verdict {
    pub accepted: bool,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub change: Change,
}

impl Verdict {
    fn refused(reason: String, outcome: Outcome) -> Verdict {
        Verdict {
            accepted: false,
            reason: Some(reason),
            outcome,
            change: Change::default(),
        }
    }

    /// Refused with typed reasons: the words for the log and old clients are the
    /// outcome's own, in Chinese.
    fn refused_by(outcome: Outcome) -> Verdict {
        let reason = outcome.say_refusal(Lang::Zh).unwrap_or_default();
        Verdict::refused(reason, outcome)
    }
}

/// Judges one edit pushed by `op` (not yet written).
pub fn judge(
    tx: &Transaction,
    op: &Operator,
    scope: &HashSet<OrgId>,
    intent: &Intent,
    today: NaiveDate,
) -> Result<Verdict> {
    // The person: on the books, or entered by an earlier edit of the same operator.
    let mut intent = intent.clone();
    let person = match intent.edit.person().cloned() {
        None => None,
        Some(Target::Id(id)) => Some(id),
        Some(Target::New(client_id)) => {
            let earlier: Option<(bool, Option<String>, Option<String>)> = tx
                .query_row(
                    "SELECT accepted, reason, outcome FROM applied_actions WHERE operator_id = ? AND client_id = ?",
                    params![op.id, client_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let created = earlier.as_ref().and_then(|(_, _, o)| {
                o.as_deref()
                    .and_then(|o| serde_json::from_str::<Outcome>(o).ok())
                    .and_then(|o| o.created_id)
            });
            match (earlier, created) {
                (Some((true, _, _)), Some(id)) => {
                    set_person(&mut intent.edit, id);
                    Some(id)
                }
                (Some((_, reason, outcome)), _) => {
                    let because = outcome
                        .and_then(|o| serde_json::from_str::<Outcome>(&o).ok())
                        .map(|o| o.errors)
                        .unwrap_or_default();
                    if because.is_empty() {
                        let why = reason.unwrap_or_else(|| "未说明原因".into());
                        return Ok(Verdict::refused(
                            format!("所依据的增员登记未被接受（{why}），本修改随之未生效"),
                            Outcome::default(),
                        ));
                    }
                    return Ok(Verdict::refused_by(Outcome {
                        errors: vec![FieldError::new(
                            "person",
                            "人员",
                            Refusal::EntryRefused { because },
                        )],
                        ..Outcome::default()
                    }));
                }
                (None, _) => {
                    return Ok(Verdict::refused_by(Outcome {
                        errors: vec![FieldError::new("person", "人员", Refusal::EntryMissing)],
                        ..Outcome::default()
                    }));
                }
            }
        }
    };
    let before = maintain::before(tx, &intent.edit, person)?;
    let in_scope = |id: OrgId| scope.contains(&id);
    // Conflicts first: a field the clerk changed that someone changed since.
    let conflicts = conflicts(&intent.edit, &before);
    if !conflicts.is_empty() {
        return Ok(Verdict::refused_by(Outcome {
            conflicts,
            ..Outcome::default()
        }));
    }
    let errors = maintain::check(
        tx,
        &intent.edit,
        intent.doc_no.as_deref(),
        &before,
        &in_scope,
    )?;
    if !errors.is_empty() {
        return Ok(Verdict::refused_by(Outcome {
            errors,
            ..Outcome::default()
        }));
    }
    if op.role == Role::Clerk && intent.edit.needs_review() {
        return review(tx, op, &intent, &before, today);
    }
    apply(tx, &op.name, &intent, before, today)
}

/// Points an edit at the person a create was given.
fn set_person(edit: &mut Edit, id: PersonId) {
    match edit {
        Edit::PersonEdit { person, .. }
        | Edit::PersonExit { person, .. }
        | Edit::PersonTransfer { person, .. }
        | Edit::PersonRestore { person } => *person = Target::Id(id),
        _ => {}
    }
}

/// The fields of the edit changed on the server since the clerk's version.
fn conflicts(e: &Edit, before: &edit::Before) -> Vec<FieldConflict> {
    match (e, &before.person, &before.org) {
        (Edit::PersonEdit { changes, .. }, Some(p), _) => edit::conflicts(changes, |f| {
            PersonField::parse(f).map(|f| f.get(p)).unwrap_or_default()
        }),
        (Edit::OrgEdit { changes, .. }, _, Some(o)) => edit::conflicts(changes, |f| {
            OrgField::parse(f).map(|f| f.get(o)).unwrap_or_default()
        }),
        (
            Edit::PersonTransfer {
                from_org, to_org, ..
            },
            Some(p),
            _,
        ) if p.org_id != *from_org && p.org_id != *to_org => vec![FieldConflict {
            field: "org".into(),
            base: from_org.to_string(),
            mine: to_org.to_string(),
            server: p.org_id.to_string(),
        }],
        _ => Vec::new(),
    }
}

/// Applies a judged edit: the rows, the history with operator, date and document.
fn apply(
    tx: &Transaction,
    operator: &str,
    intent: &Intent,
    before: edit::Before,
    today: NaiveDate,
) -> Result<Verdict> {
    let new_id = match &intent.edit {
        Edit::PersonAdd { .. } => next_id(tx, "persons")?,
        Edit::OrgAddDept { .. } => next_id(tx, "orgs")?,
        Edit::LedgerAdd { .. } => next_id(tx, "ledger")?,
        Edit::PostsAdd { .. } => next_id(tx, "posts")?,
        _ => 0,
    };
    let after = match edit::effect(
        &intent.edit,
        intent.doc_no.as_deref(),
        before,
        new_id,
        today,
    ) {
        Ok(a) => a,
        Err(errors) => {
            return Ok(Verdict::refused_by(Outcome {
                errors,
                ..Outcome::default()
            }));
        }
    };
    let created = match &intent.edit {
        Edit::PersonAdd { .. } | Edit::OrgAddDept { .. } => Some(new_id),
        _ => None,
    };
    let mut change = Change::default();
    for (event_id, t) in (next_id(tx, "events")?..).zip(after.traces) {
        change.upsert.events.push(Event {
            id: event_id,
            subject: t.subject,
            kind: t.kind,
            date: today,
            doc_no: intent.doc_no.clone(),
            summary: String::new(),
            detail: Some(t.detail),
            operator: operator.to_string(),
            from_org: t.from_org,
            to_org: t.to_org,
        });
    }
    change.upsert.persons.extend(after.person);
    change.upsert.orgs.extend(after.org);
    change.upsert.ledger.extend(after.ledger);
    change.upsert.posts.extend(after.posts);
    Ok(Verdict {
        accepted: true,
        reason: None,
        outcome: Outcome {
            created_id: created,
            ..Outcome::default()
        },
        change,
    })
}

/// A key change by a 录入 operator: a request for a 审核 operator of the jurisdiction,
/// showing before and after.
fn review(
    tx: &Transaction,
    op: &Operator,
    intent: &Intent,
    before: &edit::Before,
    today: NaiveDate,
) -> Result<Verdict> {
    let id = next_id(tx, "approvals")?;
    let org_id = intent
        .edit
        .org()
        .or(before.person.as_ref().map(|p| p.org_id))
        .unwrap_or(op.scope_root);
    let person = before.person.as_ref();
    let summary = match &intent.edit {
        Edit::PersonEdit { changes, .. } => {
            let who = person.map(|p| p.name.as_str()).unwrap_or_default();
            let what: Vec<String> = changes
                .iter()
                .map(|c| {
                    let masked = |v: &str| edit::masked(&c.field, v);
                    format!(
                        "{}：{} → {}",
                        edit::field_label(&c.field, Lang::Zh),
                        masked(&c.from),
                        masked(&c.to)
                    )
                })
                .collect();
            format!("{who} {}", what.join("；"))
        }
        Edit::LedgerAdd {
            staffing_type,
            delta,
            summary,
            ..
        } => format!("{}编制 {delta:+}（{summary}）", staffing_type.zh()),
        Edit::PostsAdd {
            slot,
            delta,
            summary,
            ..
        } => format!("{slot}领导职数 {delta:+}（{summary}）"),
        other => other.what(),
    };
    let request = Approval {
        id,
        kind: intent.edit.review_kind(),
        org_id,
        person_id: person.map(|p| p.id),
        staffing_type: match &intent.edit {
            Edit::LedgerAdd { staffing_type, .. } => Some(*staffing_type),
            _ => None,
        },
        amount: match &intent.edit {
            Edit::LedgerAdd { delta, .. } | Edit::PostsAdd { delta, .. } => *delta,
            _ => 1,
        },
        post: None,
        new_name: None,
        new_level: None,
        new_parent_id: None,
        exit_kind: None,
        doc_no: intent.doc_no.clone(),
        summary,
        submitted_by: op.name.clone(),
        submitted_on: today,
        status: ApprovalStatus::Pending,
        decided_by: None,
        decided_on: None,
        comment: None,
        plan_used: 0,
        change: serde_json::to_string(intent).ok(),
    };
    let mut change = Change::default();
    change.upsert.approvals.push(request);
    Ok(Verdict {
        accepted: true,
        reason: None,
        outcome: Outcome {
            review: Some(id),
            ..Outcome::default()
        },
        change,
    })
}

/// Approving a 关键信息变更 or 台账变更 request applies the edit it carries, judged
/// again against the data as it is now (it may have changed while it waited).
pub fn approve_review(
    tx: &Transaction,
    approver: &Operator,
    scope: &HashSet<OrgId>,
    a: &Approval,
    today: NaiveDate,
) -> Result<std::result::Result<Change, DecisionRefusal>> {
    let Some(intent) = a
        .change
        .as_deref()
        .and_then(|c| serde_json::from_str::<Intent>(c).ok())
    else {
        return Ok(Err(DecisionRefusal::Blocked {
            warnings: vec![Warning::Incomplete(Lacks::Change)],
        }));
    };
    // Applied as the reviewer would apply it themselves, recorded under both names.
    let op = Operator {
        role: Role::Reviewer,
        name: format!("{}（{}审核）", a.submitted_by, approver.name),
        ..approver.clone()
    };
    let v = judge(tx, &op, scope, &intent, today)?;
    if v.accepted {
        Ok(Ok(v.change))
    } else {
        let Outcome {
            errors, conflicts, ..
        } = v.outcome;
        Ok(Err(if errors.is_empty() && conflicts.is_empty() {
            DecisionRefusal::Said {
                words: format!("无法同意：{}", v.reason.unwrap_or_default()),
            }
        } else {
            DecisionRefusal::ReviewRefused { errors, conflicts }
        }))
    }
}

/// Writes an accepted verdict's rows and gives its outcome the version holding them.
pub fn write(tx: &Transaction, v: &mut Verdict) -> Result<()> {
    if v.accepted {
        db::write_in(tx, &v.change)?;
        v.outcome.version = Some(db::seq(tx)?);
    }
    Ok(())
}
