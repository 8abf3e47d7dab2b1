//! What an audit line records, typed: the writers (the interface, the command line,
//! the store's own decide, withdraw and repair) pass one of these; `tui::i18n` words it
//! in the operator's language. Stored as JSON in the `typed` column (migration 008);
//! lines written before it keep their `detail` sentence. Never personal data: ids,
//! counts, file names and the unit's name only.

use crate::model::{ApprovalId, Decision, PersonId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditDetail {
    /// A decision on a request, queued.
    Decided {
        request: ApprovalId,
        decision: Decision,
    },
    /// A queued decision taken back before it was sent.
    Withdrawn {
        request: ApprovalId,
        decision: Decision,
    },
    /// A person's whole ID number and birth date shown.
    Revealed { person: PersonId },
    /// The warnings written as JSON with whole ID numbers.
    RevealedWarnings { persons: i64 },
    /// A table written to a file (`what`: the table's name or title).
    Exported {
        what: String,
        format: String,
        path: String,
        full_ids: bool,
    },
    /// A report written to a file.
    Reported {
        report: String,
        format: String,
        path: String,
    },
    /// A sync with the server.
    Synced {
        pushed: i64,
        accepted: i64,
        rejected: i64,
        upserted: i64,
    },
    /// A snapshot file read into the cache.
    Imported { file: String },
    /// A roster of new staff read into a unit's queued edits.
    ImportedEntries {
        file: String,
        unit: String,
        lines: i64,
        queued: i64,
        bad: i64,
    },
    /// A damaged cache moved aside and a fresh one made.
    Repaired {
        moved_to: String,
        unsent: i64,
        audit: i64,
        lost: i64,
    },
    /// An edit queued (`op`: the edit's kind, `model::edit::Edit`'s tag).
    Edited { seq: i64, op: String },
    /// A queued edit withdrawn.
    EditWithdrawn { seq: i64 },
    /// A conflicting edit settled: recorded again as `requeued_as`, or the server's
    /// value taken.
    Resolved { seq: i64, requeued_as: Option<i64> },
    /// A roster compared with the books (`scope`: the unit's name).
    Compared {
        file: String,
        rows: i64,
        scope: String,
        matched: i64,
    },
}

impl AuditDetail {
    /// The values alone, for the `detail` column an older program reads: ids, counts
    /// and names, no sentence.
    pub fn values(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or_default();
        let Some(map) = v.as_object() else {
            return String::new();
        };
        map.iter()
            .filter(|(k, _)| k.as_str() != "kind")
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The person or request it is about, resolved to a name by `timeline::audit`.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            AuditDetail::Revealed { person } => Some(*person),
            _ => None,
        }
    }

    pub fn request(&self) -> Option<ApprovalId> {
        match self {
            AuditDetail::Decided { request, .. } | AuditDetail::Withdrawn { request, .. } => {
                Some(*request)
            }
            _ => None,
        }
    }
}

/// One line of each kind, as its writer records it (`unit`: a unit's name, `request`
/// and `person`: ids in the cache), for the tests of the words.
#[cfg(test)]
pub fn examples(
    unit: &str,
    request: ApprovalId,
    person: PersonId,
) -> Vec<(super::timeline::AuditAction, AuditDetail)> {
    use super::timeline::AuditAction as A;
    let s = |t: &str| t.to_string();
    vec![
        (
            A::Decide,
            AuditDetail::Decided {
                request,
                decision: Decision::Approve,
            },
        ),
        (
            A::Withdraw,
            AuditDetail::Withdrawn {
                request,
                decision: Decision::Reject,
            },
        ),
        (A::Reveal, AuditDetail::Revealed { person }),
        (A::Reveal, AuditDetail::RevealedWarnings { persons: 3 }),
        (
            A::Export,
            AuditDetail::Exported {
                what: s("people"),
                format: s("csv"),
                path: s("/tmp/people.csv"),
                full_ids: true,
            },
        ),
        (
            A::Export,
            AuditDetail::Reported {
                report: s("quota"),
                format: s("xlsx"),
                path: s("q.xlsx"),
            },
        ),
        (
            A::Sync,
            AuditDetail::Synced {
                pushed: 2,
                accepted: 1,
                rejected: 1,
                upserted: 40,
            },
        ),
        (
            A::Import,
            AuditDetail::Imported {
                file: s("snapshot.json"),
            },
        ),
        (
            A::Import,
            AuditDetail::ImportedEntries {
                file: s("new.csv"),
                unit: s(unit),
                lines: 5,
                queued: 4,
                bad: 1,
            },
        ),
        (
            A::Repair,
            AuditDetail::Repaired {
                moved_to: s("cache.db.damaged"),
                unsent: 1,
                audit: 9,
                lost: 0,
            },
        ),
        (
            A::Edit,
            AuditDetail::Edited {
                seq: 7,
                op: s("person_exit"),
            },
        ),
        (A::Withdraw, AuditDetail::EditWithdrawn { seq: 7 }),
        (
            A::Resolve,
            AuditDetail::Resolved {
                seq: 8,
                requeued_as: Some(9),
            },
        ),
        (
            A::Resolve,
            AuditDetail::Resolved {
                seq: 10,
                requeued_as: None,
            },
        ),
        (
            A::Compare,
            AuditDetail::Compared {
                file: s("roster.csv"),
                rows: 12,
                scope: s(unit),
                matched: 10,
            },
        ),
        (
            A::Compare,
            AuditDetail::Compared {
                file: s("all.csv"),
                rows: 3,
                scope: String::new(),
                matched: 3,
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_is_kept_as_json_and_its_values_have_no_sentence() {
        let d = AuditDetail::Decided {
            request: 12,
            decision: Decision::Approve,
        };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<AuditDetail>(&json).unwrap(), d);
        assert!(d.values().contains("request=12"), "{}", d.values());
        assert_eq!(d.request(), Some(12));
    }
}
