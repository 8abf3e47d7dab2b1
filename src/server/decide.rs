//! Pushed decisions: validated against the data as it is now, applied once.

use super::Result;
use super::db::{self, Change, Operator};
use crate::model::approval::{Context, Warning, move_allowed, preview};
use crate::model::edit::Outcome;
use crate::model::history::Detail;
use crate::model::refusal::DecisionRefusal;
use crate::model::*;
use crate::store::{queries, rows};
use crate::sync::proto::{Answer, PushAction};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashSet;

/// One answer for "no such request" and "not yours" ([`DecisionRefusal::NotInScope`] in
/// Chinese): an operator learns nothing about requests outside their jurisdiction, not
/// even whether the id exists.
pub const NOT_IN_SCOPE: &str = "该申请不存在或不在您的管辖范围内，决定未生效";

/// The answer to a 录入 operator's decision on a reviewed change
/// ([`DecisionRefusal::ReviewerOnly`] in Chinese).
pub const REVIEWER_ONLY: &str = "关键信息变更和台账变更须由审核人员审批，您的决定未生效";

/// The answer to a decision sent under a `client_id` already used for another one
/// ([`DecisionRefusal::ClientIdReused`] in Chinese).
pub const CLIENT_ID_REUSED: &str =
    "该决定的编号（client_id）已用于另一个决定，本决定未生效。请重新作出决定（将生成新的编号）";

/// How a refused decision is remembered (the `reason` column of `applied_actions`, on
/// either engine): its typed form, as JSON.
pub fn remembered(why: &DecisionRefusal) -> String {
    serde_json::to_string(why).unwrap_or_else(|_| why.say(Lang::Zh))
}

/// The answer to a decision from what is remembered of it. A reason remembered typed is
/// sent typed (`outcome.refusal`) with its words in Chinese in `reason`, for older
/// clients; one an older version remembered in words is sent as it was.
pub fn decision_answer(client_id: &str, accepted: bool, reason: Option<String>) -> Answer {
    let typed = reason
        .as_deref()
        .and_then(|r| serde_json::from_str::<DecisionRefusal>(r).ok());
    let (reason, outcome) = match typed {
        Some(why) => (
            Some(why.say(Lang::Zh)),
            Some(Outcome {
                refusal: Some(why),
                ..Outcome::default()
            }),
        ),
        None => (reason, None),
    };
    Answer {
        client_id: client_id.to_string(),
        accepted,
        reason,
        outcome,
    }
}

/// An answer already given: accepted, reason, the request it answered, its hash, the
/// outcome of an edit.
type Remembered = (bool, Option<String>, i64, Option<Vec<u8>>, Option<String>);

/// What makes two pushed actions the same one: the request, the verdict, the comment;
/// or the edit.
pub(crate) fn request_hash(a: &PushAction) -> [u8; 32] {
    use sha2::Digest;
    let text = match &a.edit {
        None => serde_json::to_string(&(a.approval_id, &a.decision, &a.comment)),
        Some(edit) => serde_json::to_string(edit),
    }
    .unwrap_or_default();
    sha2::Sha256::digest(text.as_bytes()).into()
}

/// Answers every pushed decision, applying the accepted ones. Each decision is its own
/// transaction together with its remembered answer, so a resend of the same client id
/// gets the same answer and never applies twice.
pub fn apply_push(
    db: &mut db::ServerDb,
    op: &Operator,
    actions: &[PushAction],
    today: NaiveDate,
) -> Result<Vec<Answer>> {
    let scope = db::scope_of(db.conn(), op.scope_root)?;
    let mut answers = Vec::with_capacity(actions.len());
    for action in actions {
        let tx = db.transaction()?;
        let request = request_hash(action);
        let known: Option<Remembered> = tx
            .query_row(
                "SELECT accepted, reason, approval_id, request, outcome FROM applied_actions WHERE operator_id = ? AND client_id = ?",
                params![op.id, action.client_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (accepted, reason, outcome) = match known {
            // The same action sent again: the same answer.
            Some((accepted, reason, approval, stored, outcome))
                if approval == action.approval_id
                    && stored.as_ref().is_none_or(|h| h[..] == request[..]) =>
            {
                let outcome = outcome.and_then(|o| serde_json::from_str::<Outcome>(&o).ok());
                (accepted, reason, outcome)
            }
            // Another action under an id already answered: never "accepted" (that
            // answer belongs to the first), and nothing is applied or remembered.
            Some(_) => {
                tracing::warn!(operator = op.id, "client id reused for another decision");
                (
                    false,
                    Some(remembered(&DecisionRefusal::ClientIdReused)),
                    None,
                )
            }
            None => {
                let (accepted, reason, outcome) = match &action.edit {
                    Some(intent) => {
                        let mut v = super::maintain::judge(&tx, op, &scope, intent, today)?;
                        super::maintain::write(&tx, &mut v)?;
                        (v.accepted, v.reason, Some(v.outcome))
                    }
                    None => match decide(&tx, op, &scope, action, today)? {
                        Ok(change) => {
                            db::write_in(&tx, &change)?;
                            (true, None, None)
                        }
                        Err(why) => (false, Some(remembered(&why)), None),
                    },
                };
                let stored = outcome.as_ref().and_then(|o| serde_json::to_string(o).ok());
                tx.execute(
                    "INSERT INTO applied_actions (operator_id, client_id, approval_id, accepted, reason, at, request, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    params![op.id, action.client_id, action.approval_id, accepted, reason, chrono::Local::now().to_rfc3339(), request.to_vec(), stored],
                )?;
                (accepted, reason, outcome)
            }
        };
        tx.commit()?;
        answers.push(answer_of(op, action, accepted, reason, outcome));
    }
    Ok(answers)
}

/// The answer to one pushed action once it is committed (an edit's with its outcome as
/// judged, a decision's from its stored reason), logged without personal data. Both
/// engines answer through it.
pub(crate) fn answer_of(
    op: &Operator,
    action: &PushAction,
    accepted: bool,
    reason: Option<String>,
    outcome: Option<Outcome>,
) -> Answer {
    tracing::info!(
        operator = op.id,
        approval = action.approval_id,
        edit = action.edit.is_some(),
        accepted,
        "pushed action"
    );
    match action.edit {
        Some(_) => Answer {
            client_id: action.client_id.clone(),
            accepted,
            reason,
            outcome,
        },
        None => decision_answer(&action.client_id, accepted, reason),
    }
}

/// Validates one decision; on success, the rows it changes.
pub(crate) fn decide(
    tx: &Transaction,
    op: &Operator,
    scope: &HashSet<OrgId>,
    action: &PushAction,
    today: NaiveDate,
) -> Result<std::result::Result<Change, DecisionRefusal>> {
    let Some(decision) = action.decision else {
        return Ok(Err(DecisionRefusal::NoVerdict));
    };
    let Some(mut a) =
        queries::approval(tx, action.approval_id)?.filter(|a| scope.contains(&a.org_id))
    else {
        return Ok(Err(DecisionRefusal::NotInScope));
    };
    // A reviewed change is decided by a 审核 operator: a 录入 operator cannot approve
    // (or dispose of) the key changes that were sent for review.
    if matches!(
        a.kind,
        ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange
    ) && op.role == crate::model::edit::Role::Clerk
    {
        return Ok(Err(DecisionRefusal::ReviewerOnly));
    }
    if a.status != ApprovalStatus::Pending {
        return Ok(Err(DecisionRefusal::AlreadyDecided {
            by: a.decided_by.clone(),
            on: a.decided_on,
            status: a.status,
        }));
    }
    let person = match a.person_id {
        Some(pid) => queries::person(tx, pid)?,
        None => None,
    };
    if person.as_ref().is_some_and(|p| !scope.contains(&p.org_id)) {
        return Ok(Err(DecisionRefusal::PersonOutOfScope));
    }
    let mut change = Change::default();
    if decision == Decision::Approve {
        let figures = unit_figures_now(tx, a.org_id)?;
        let on_other_books = match &person {
            Some(p) if !p.id_number.is_empty() => {
                queries::other_record_with_id(tx, &p.id_number, p.id)?
                    .filter(|o| o.staffing_type.is_some())
                    .map(|o| o.org_id)
            }
            _ => None,
        };
        let new_parent_allowed = match a.new_parent_id {
            Some(parent) => move_allowed(
                parent,
                scope.contains(&parent),
                &queries::subtree_ids(tx, a.org_id)?,
            ),
            None => true,
        };
        let ctx = Context {
            figures: &figures,
            person: person.as_ref(),
            on_other_books,
            new_parent_allowed,
            today: YearMonth::of(today),
        };
        let effect = preview(&a, &ctx);
        if effect.blocks_approval() {
            let warnings = effect
                .warnings
                .into_iter()
                .filter(|w| w.blocks_approval())
                .map(|w| match w {
                    // A unit outside the jurisdiction is not named, not even by its id.
                    Warning::OnOtherBooks { org_id } if !scope.contains(&org_id) => {
                        Warning::OnBooksOutside
                    }
                    w => w,
                })
                .collect();
            return Ok(Err(DecisionRefusal::Blocked { warnings }));
        }
        if matches!(
            a.kind,
            ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange
        ) {
            match super::maintain::approve_review(tx, op, scope, &a, today)? {
                Ok(c) => change = c,
                Err(why) => return Ok(Err(why)),
            }
        } else if let Err(why) = effects(tx, op, &a, person, today, &mut change)? {
            return Ok(Err(why));
        }
    }
    a.status = decision.resulting_status();
    a.decided_by = Some(op.name.clone());
    a.decided_on = Some(today);
    a.comment = Some(action.comment.clone());
    change.upsert.approvals.push(a);
    Ok(Ok(change))
}

/// The rows an approved request changes, and the history it leaves.
fn effects(
    tx: &Transaction,
    op: &Operator,
    a: &Approval,
    person: Option<Person>,
    today: NaiveDate,
    change: &mut Change,
) -> Result<std::result::Result<(), DecisionRefusal>> {
    let mut next_event = next_id(tx, "events")?;
    let mut event = |subject: Subject,
                     kind: EventKind,
                     detail: Detail,
                     from_org: Option<OrgId>,
                     to_org: Option<OrgId>| {
        let e = Event {
            id: next_event,
            subject,
            kind,
            date: today,
            doc_no: a.doc_no.clone(),
            summary: String::new(),
            detail: Some(detail),
            operator: op.name.clone(),
            from_org,
            to_org,
        };
        next_event += 1;
        e
    };
    let unit = queries::org(tx, a.org_id)?
        .ok_or_else(|| super::Error::BadRequest("申请所属单位不存在".into()))?;
    match a.kind {
        // Reviewed changes are applied by `maintain::approve_review`.
        ApprovalKind::StaffingPlan | ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange => {}
        ApprovalKind::Entry => {
            let Some(mut p) = person else {
                return Ok(Err(DecisionRefusal::NoPerson { kind: a.kind }));
            };
            let from = (p.org_id != a.org_id).then_some(p.org_id);
            p.org_id = a.org_id;
            p.status = PersonStatus::Active;
            p.staffing_type = a.staffing_type;
            p.entry_date = Some(today);
            if a.doc_no.is_some() {
                p.entry_doc = a.doc_no.clone();
            }
            p.exit_kind = None;
            p.exit_date = None;
            change.upsert.events.push(event(
                Subject::Person(p.id),
                EventKind::Entry,
                Detail::Entered {
                    form: p.entry_form,
                    unit: unit.name.clone(),
                    staffing: a.staffing_type,
                },
                from,
                Some(a.org_id),
            ));
            // The entry uses a place an approved plan of the unit held back, if any.
            if let Some(t) = a.staffing_type {
                let mut st = tx.prepare(&format!(
                    "SELECT {} FROM approvals WHERE org_id = ? AND kind = ? AND status = ? AND staffing_type = ? \
                     AND plan_used < amount ORDER BY decided_on, id LIMIT 1",
                    rows::APPROVAL_COLUMNS
                ))?;
                let plan = st
                    .query_row(
                        params![
                            a.org_id,
                            ApprovalKind::StaffingPlan.code(),
                            ApprovalStatus::Approved.code(),
                            t.code()
                        ],
                        rows::read_approval,
                    )
                    .optional()?;
                if let Some(mut plan) = plan {
                    plan.plan_used += 1;
                    change.upsert.approvals.push(plan);
                }
            }
            change.upsert.persons.push(p);
        }
        ApprovalKind::Exit => {
            let Some(mut p) = person else {
                return Ok(Err(DecisionRefusal::NoPerson { kind: a.kind }));
            };
            let kind = a.exit_kind.unwrap_or(ExitKind::TransferOut);
            p.leave(kind, today);
            change.upsert.events.push(event(
                Subject::Person(p.id),
                EventKind::Exit,
                Detail::Exited {
                    exit: kind,
                    unit: Some(unit.name.clone()),
                },
                Some(p.org_id),
                None,
            ));
            change.upsert.persons.push(p);
        }
        ApprovalKind::LeaderPost => {
            let Some(mut p) = person else {
                return Ok(Err(DecisionRefusal::NoPerson { kind: a.kind }));
            };
            p.leader_post = a.post;
            change.upsert.events.push(event(
                Subject::Person(p.id),
                EventKind::PostChange,
                Detail::LeaderPost { slot: a.post },
                None,
                None,
            ));
            change.upsert.persons.push(p);
        }
        ApprovalKind::Reorganisation => {
            let mut org = unit.clone();
            if let Some(name) = a.new_name.as_ref().filter(|n| !n.trim().is_empty()) {
                change.upsert.events.push(event(
                    Subject::Org(org.id),
                    EventKind::Renamed,
                    Detail::Renamed {
                        old: org.name.clone(),
                        new: name.clone(),
                    },
                    None,
                    None,
                ));
                org.name = name.clone();
            }
            if let Some(level) = a.new_level {
                change.upsert.events.push(event(
                    Subject::Org(org.id),
                    EventKind::LevelChanged,
                    Detail::LevelChanged {
                        from: org.level,
                        to: level,
                    },
                    None,
                    None,
                ));
                org.level = Some(level);
            }
            // Where the unit may move was judged by `preview` (`move_allowed`).
            if let Some(parent) = a.new_parent_id
                && org.parent_id != Some(parent)
            {
                let to = queries::org(tx, parent)?
                    .map(|o| o.name)
                    .unwrap_or_default();
                change.upsert.events.push(event(
                    Subject::Org(org.id),
                    EventKind::Moved,
                    Detail::Moved {
                        from: None,
                        under: to,
                    },
                    org.parent_id,
                    Some(parent),
                ));
                org.parent_id = Some(parent);
            }
            change.upsert.orgs.push(org);
        }
    }
    Ok(Ok(()))
}

/// The next free id of a table (the writer holds the lock, so it stays free), and
/// never at or below the table's floor while [`with_id_floor`] sets one.
pub fn next_id(conn: &Connection, table: &str) -> Result<i64> {
    let n: i64 = conn.query_row(
        &format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"),
        [],
        |r| r.get(0),
    )?;
    let slot = crate::store::rows::TABLES
        .iter()
        .position(|(t, _)| *t == table);
    let floor = ID_FLOOR.with(|f| f.get()).zip(slot).map(|(f, i)| f[i] + 1);
    Ok(floor.map_or(n, |f| f.max(n)))
}

thread_local! {
    /// The highest id of each table (`store::rows::TABLES` order) in the database an
    /// edit or decision is judged for, when it is judged on a copy of the rows it reads
    /// (PostgreSQL, `pg.rs`): new rows are numbered after the whole database's.
    static ID_FLOOR: std::cell::Cell<Option<[i64; 6]>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with new ids numbered above `floor` (see [`ID_FLOOR`]).
pub(crate) fn with_id_floor<T>(floor: [i64; 6], f: impl FnOnce() -> T) -> T {
    struct Reset(Option<[i64; 6]>);
    impl Drop for Reset {
        fn drop(&mut self) {
            ID_FLOOR.with(|f| f.set(self.0));
        }
    }
    let _reset = Reset(ID_FLOOR.with(|f| f.replace(Some(floor))));
    f()
}

pub use crate::store::maintain::unit_figures_now;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_remembered_typed_and_answered_typed_with_its_chinese_words() {
        let why = DecisionRefusal::AlreadyDecided {
            by: Some("张主任".into()),
            on: NaiveDate::from_ymd_opt(2026, 11, 2),
            status: ApprovalStatus::Approved,
        };
        let a = decision_answer("c1", false, Some(remembered(&why)));
        assert_eq!(
            a.reason.as_deref(),
            Some("该申请已由张主任于2026-11-02作出“同意”的决定，您的决定未生效")
        );
        assert_eq!(a.outcome.and_then(|o| o.refusal), Some(why));
        // The constants older tests and clients know are the typed reasons' words.
        for (r, words) in [
            (DecisionRefusal::NotInScope, NOT_IN_SCOPE),
            (DecisionRefusal::ReviewerOnly, REVIEWER_ONLY),
            (DecisionRefusal::ClientIdReused, CLIENT_ID_REUSED),
        ] {
            assert_eq!(r.say(Lang::Zh), words);
        }
    }

    #[test]
    fn an_answer_remembered_in_words_by_an_older_version_is_sent_as_it_was() {
        let a = decision_answer("c1", false, Some("超出可使用编制".into()));
        assert_eq!(a.reason.as_deref(), Some("超出可使用编制"));
        assert_eq!(a.outcome, None);
        let ok = decision_answer("c2", true, None);
        assert!(ok.accepted && ok.reason.is_none() && ok.outcome.is_none());
    }
}
