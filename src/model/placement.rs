//! Where a person or a unit stood on a past day: the books record the unit a person is
//! in now and the parent a unit has now; a transfer (调动) or a move (隶属调整) after the
//! day is undone by the unit it left, as its history event records it.

use super::{Event, EventKind, OrgId, Subject};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Whether an event moves its subject: a person's transfer or a unit's move, with the
/// unit it left recorded.
pub fn moves(e: &Event) -> bool {
    e.from_org.is_some()
        && matches!(
            (e.kind, e.subject),
            (EventKind::Transfer, Subject::Person(_)) | (EventKind::Moved, Subject::Org(_))
        )
}

/// For every subject moved after the end of `day`: the unit it stood in (a person) or
/// under (a unit) that day, the unit left by its first move after it. Subjects not
/// moved since stand where the books have them now.
pub fn placed_on(events: &[Event], day: NaiveDate) -> HashMap<Subject, OrgId> {
    let mut first: HashMap<Subject, (NaiveDate, i64, OrgId)> = HashMap::new();
    for e in events.iter().filter(|e| e.date > day && moves(e)) {
        let Some(from) = e.from_org else { continue };
        let slot = first.entry(e.subject).or_insert((e.date, e.id, from));
        if (e.date, e.id) < (slot.0, slot.1) {
            *slot = (e.date, e.id, from);
        }
    }
    first.into_iter().map(|(s, (_, _, o))| (s, o)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: i64, subject: Subject, kind: EventKind, date: &str, from: i64, to: i64) -> Event {
        Event {
            id,
            subject,
            kind,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            doc_no: None,
            summary: String::new(),
            operator: String::new(),
            from_org: Some(from),
            to_org: Some(to),
        }
    }

    #[test]
    fn the_first_move_after_the_day_says_where_it_stood() {
        let p = Subject::Person(7);
        let u = Subject::Org(3);
        let events = [
            ev(1, p, EventKind::Transfer, "2020-01-01", 10, 11),
            ev(3, p, EventKind::Transfer, "2023-06-01", 12, 13),
            ev(2, p, EventKind::Transfer, "2022-06-01", 11, 12),
            ev(4, u, EventKind::Moved, "2022-01-01", 1, 2),
            ev(5, u, EventKind::Merged, "2021-01-01", 9, 2),
        ];
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let on = placed_on(&events, day("2021-12-31"));
        assert_eq!(on.get(&p), Some(&11));
        assert_eq!(on.get(&u), Some(&1));
        let on = placed_on(&events, day("2022-06-01"));
        assert_eq!(
            on.get(&p),
            Some(&12),
            "a move on the day itself has happened"
        );
        assert_eq!(on.get(&u), None);
        assert!(placed_on(&events, day("2024-01-01")).is_empty());
    }
}
