//! Where a person or a unit stood on a past day: the books record the unit a person is
//! in now and the parent a unit has now; a transfer (调动) or a move (隶属调整) after the
//! day is undone by the unit it left, as its history event records it.

use super::{Event, EventKind, Org, OrgId, Subject};
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

/// Whether a unit stood on `day`: founded by the end of it (its founding date, or when
/// none is recorded its 设立 event) and not yet abolished (a unit abolished since still
/// stood, by its 撤销 event's date; one marked abolished with no 撤销 event recorded
/// counts as gone on every day). `events` are the unit's own history events; others
/// are ignored.
pub fn stood_on(o: &Org, events: &[Event], day: NaiveDate) -> bool {
    let own = |k: EventKind| {
        events
            .iter()
            .filter(move |e| e.subject == Subject::Org(o.id) && e.kind == k)
            .map(|e| e.date)
    };
    let founded = o.founding_date.or_else(|| own(EventKind::Founded).min());
    if founded.is_some_and(|f| f > day) {
        return false;
    }
    !o.abolished || own(EventKind::Abolished).max().is_some_and(|a| a > day)
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
            detail: None,
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

    #[test]
    fn a_unit_stood_from_its_founding_until_its_abolition() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut o: Org = serde_json::from_value(serde_json::json!({
            "id": 3, "parent_id": 1, "kind": "Institution", "name": "局",
            "short_name": null, "category": null, "level": null, "nature": null,
            "credit_code": null, "domain_name": null, "founding_doc": null,
            "founding_date": null, "sort": 0, "abolished": false
        }))
        .unwrap();
        let founded = ev(1, Subject::Org(3), EventKind::Founded, "2020-01-01", 1, 1);
        let abolished = ev(2, Subject::Org(3), EventKind::Abolished, "2022-01-01", 1, 1);
        let events = [founded, abolished];
        assert!(!stood_on(&o, &events, day("2019-12-31")), "before its 设立");
        assert!(stood_on(&o, &events, day("2020-01-01")));
        o.founding_date = Some(day("2021-01-01"));
        assert!(
            !stood_on(&o, &events, day("2020-06-01")),
            "the founding date rules"
        );
        o.abolished = true;
        assert!(
            stood_on(&o, &events, day("2021-12-31")),
            "abolished after the day"
        );
        assert!(!stood_on(&o, &events, day("2022-01-01")));
        assert!(
            !stood_on(&o, &events[..1], day("2021-06-01")),
            "abolished, no date"
        );
    }
}
