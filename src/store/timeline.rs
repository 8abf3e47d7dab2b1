//! Timelines, newest first: a unit's history (历史沿革) merged with its quota ledger
//! (编制台账, each entry with the running total of its staffing type after it) and its
//! leadership-post ledger; a person's career; this operator's local audit log. One
//! loader serves the interface and `bianzhi history`, so both tell the same story.

use super::Result;
use super::audit::AuditDetail;
use super::queries;
use crate::model::*;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// What kind of step an item is; the timeline filters on it. Typed: `tui` and `cli`
/// word it (and read it back from a typed filter).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum ItemKind {
    Event(EventKind),
    /// 编制台账: an approved quota change.
    Ledger,
    /// 领导职数核定: an approved leadership-post change.
    Posts,
    /// A line of the local audit log.
    Audit(AuditAction),
}

impl ItemKind {
    /// Every kind a timeline can hold that has a word of its own (an audit action this
    /// version does not know is said by its stored name).
    pub fn known() -> Vec<ItemKind> {
        EventKind::ALL
            .iter()
            .map(|k| ItemKind::Event(*k))
            .chain([ItemKind::Ledger, ItemKind::Posts])
            .chain(AuditAction::KNOWN.iter().cloned().map(ItemKind::Audit))
            .collect()
    }
}

/// An action of the local audit log, by the name its writers store (`decide`,
/// `reveal`, `export` …); a name this version does not know is kept as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    Decide,
    Reveal,
    Export,
    Sync,
    Demo,
    Import,
    Withdraw,
    Repair,
    Edit,
    Resolve,
    Compare,
    Other(String),
}

impl AuditAction {
    pub const KNOWN: [AuditAction; 11] = [
        AuditAction::Decide,
        AuditAction::Reveal,
        AuditAction::Export,
        AuditAction::Sync,
        AuditAction::Demo,
        AuditAction::Import,
        AuditAction::Withdraw,
        AuditAction::Repair,
        AuditAction::Edit,
        AuditAction::Resolve,
        AuditAction::Compare,
    ];

    /// The name stored in the audit table.
    pub fn key(&self) -> &str {
        match self {
            AuditAction::Decide => "decide",
            AuditAction::Reveal => "reveal",
            AuditAction::Export => "export",
            AuditAction::Sync => "sync",
            AuditAction::Demo => "demo",
            AuditAction::Import => "import",
            AuditAction::Withdraw => "withdraw",
            AuditAction::Repair => "repair",
            AuditAction::Edit => "edit",
            AuditAction::Resolve => "resolve",
            AuditAction::Compare => "compare",
            AuditAction::Other(s) => s,
        }
    }

    pub fn from_key(key: &str) -> AuditAction {
        AuditAction::KNOWN
            .iter()
            .find(|a| a.key() == key)
            .cloned()
            .unwrap_or_else(|| AuditAction::Other(key.to_string()))
    }
}

/// Written as its stored name (`"decide"`), as the JSON of `bianzhi history` had it.
impl serde::Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// Where an item came from, with everything its detail shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Source {
    Event {
        event: Event,
        from_name: Option<String>,
        to_name: Option<String>,
    },
    Ledger {
        entry: LedgerEntry,
        /// 核定 of this staffing type after the entry.
        total_after: i64,
    },
    Posts {
        entry: PostEntry,
        total_after: i64,
    },
    Audit {
        at: String,
        action: String,
        /// The sentence as written (lines before migration 008), or the values alone.
        detail: String,
        rows: Option<i64>,
        /// What was done, typed (None for lines written before migration 008): the
        /// reader words it, and then `Item::summary` holds only the subject's name.
        typed: Option<super::audit::AuditDetail>,
    },
}

/// A field of an item's detail (日期, 事项, 文号 …); `tui` and `cli` word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Date,
    Event,
    Document,
    Summary,
    /// 变动摘要: a ledger entry's summary.
    ChangeSummary,
    From,
    To,
    RecordedBy,
    Staffing,
    Funding,
    Change,
    ApprovedAfter,
    Special,
    Post,
    At,
    Detail,
    Rows,
}

/// A detail field's value: the data's own text, or a term the interface words.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Kind(ItemKind),
    Staffing(StaffingType),
    Funding(FundingType),
    Slot(PostSlot),
    /// A flag that is set (特殊编制: 是).
    Yes,
    /// What an audit line records.
    Audit(super::audit::AuditDetail),
    /// What a history event records: its typed detail, or its sentence.
    History(Box<Event>),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    pub date: NaiveDate,
    pub kind: ItemKind,
    pub doc_no: Option<String>,
    pub summary: String,
    pub source: Source,
}

impl Item {
    /// The item's detail as typed fields and values; the interface words them.
    pub fn detail(&self) -> Vec<(Field, Value)> {
        let text = |s: &str| Value::Text(s.to_string());
        let mut out = vec![
            (Field::Date, Value::Text(self.date.to_string())),
            (Field::Event, Value::Kind(self.kind.clone())),
        ];
        if let Some(d) = &self.doc_no {
            out.push((Field::Document, text(d)));
        }
        match &self.source {
            Source::Event {
                event,
                from_name,
                to_name,
            } => {
                out.push((Field::Summary, Value::History(Box::new(event.clone()))));
                if let Some(n) = from_name {
                    out.push((Field::From, text(n)));
                }
                if let Some(n) = to_name {
                    out.push((Field::To, text(n)));
                }
                out.push((Field::RecordedBy, text(&event.operator)));
            }
            Source::Ledger { entry, total_after } => {
                out.push((Field::Staffing, Value::Staffing(entry.staffing_type)));
                if let Some(f) = entry.funding_type {
                    out.push((Field::Funding, Value::Funding(f)));
                }
                out.push((Field::Change, Value::Text(format!("{:+}", entry.delta))));
                out.push((Field::ApprovedAfter, Value::Text(total_after.to_string())));
                if entry.special {
                    out.push((Field::Special, Value::Yes));
                }
                out.push((Field::ChangeSummary, text(&entry.summary)));
            }
            Source::Posts { entry, total_after } => {
                out.push((Field::Post, Value::Slot(entry.slot)));
                out.push((Field::Change, Value::Text(format!("{:+}", entry.delta))));
                out.push((Field::ApprovedAfter, Value::Text(total_after.to_string())));
                out.push((Field::ChangeSummary, text(&entry.summary)));
            }
            Source::Audit {
                at,
                detail,
                rows,
                typed,
                ..
            } => {
                out.push((Field::At, text(at)));
                match typed {
                    Some(d) => out.push((Field::Detail, Value::Audit(d.clone()))),
                    None => out.push((Field::Detail, text(detail))),
                }
                if let Some(n) = rows {
                    out.push((Field::Rows, Value::Text(n.to_string())));
                }
            }
        }
        out
    }

    /// When it happened as the list shows it: the day, and for a line of the audit log
    /// also the local time to the minute (`2025-03-05 10:30`).
    pub fn when(&self) -> String {
        match &self.source {
            Source::Audit { at, .. } if at.len() >= 16 => at[..16].to_string(),
            _ => self.date.to_string(),
        }
    }

    /// The delta and running total of a ledger line: `+3 → 15`.
    pub fn figure(&self) -> Option<String> {
        match &self.source {
            Source::Ledger { entry, total_after } => {
                Some(format!("{:+} → {total_after}", entry.delta))
            }
            Source::Posts { entry, total_after } => {
                Some(format!("{:+} → {total_after}", entry.delta))
            }
            _ => None,
        }
    }
}

/// Which items a timeline shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<ItemKind>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Filter {
    pub fn accepts(&self, item: &Item) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == item.kind)
            && self.since.is_none_or(|d| item.date >= d)
            && self.until.is_none_or(|d| item.date <= d)
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Reads a date range as operators write it: `2018..2020`, `2018-03..`, `..2020-06-30`,
    /// `2019` (that year). A month or year bound covers the whole month or year.
    pub fn parse_range(text: &str) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
        let t = text.trim();
        if t.is_empty() {
            return Some((None, None));
        }
        let (a, b) = match t
            .split_once("..")
            .or_else(|| t.split_once('~'))
            .or_else(|| t.split_once('至'))
        {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (t, t),
        };
        let since = if a.is_empty() {
            None
        } else {
            Some(parse_bound(a, false)?)
        };
        let until = if b.is_empty() {
            None
        } else {
            Some(parse_bound(b, true)?)
        };
        Some((since, until))
    }

    /// `2018-03..2020` as typed back.
    pub fn range_text(&self) -> String {
        match (self.since, self.until) {
            (None, None) => String::new(),
            (a, b) => format!(
                "{}..{}",
                a.map(|d| d.to_string()).unwrap_or_default(),
                b.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    }
}

fn parse_bound(s: &str, end: bool) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split(['-', '.', '/']).collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.trim().parse::<u32>().ok());
    let y = num(0)? as i32;
    match parts.len() {
        1 => NaiveDate::from_ymd_opt(y, if end { 12 } else { 1 }, if end { 31 } else { 1 }),
        2 => {
            let m = num(1)?;
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            if end {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)?
                };
                next.pred_opt()
            } else {
                Some(first)
            }
        }
        3 => NaiveDate::from_ymd_opt(y, num(1)?, num(2)?),
        _ => None,
    }
}

fn name_of(conn: &Connection, id: Option<OrgId>) -> Result<Option<String>> {
    Ok(match id {
        // A unit no longer in the cache is named by its number.
        Some(id) => Some(queries::org(conn, id)?.map_or_else(|| format!("#{id}"), |o| o.name)),
        None => None,
    })
}

fn event_items(conn: &Connection, subject: Subject) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    for event in queries::history(conn, subject)? {
        out.push(Item {
            date: event.date,
            kind: ItemKind::Event(event.kind),
            doc_no: event.doc_no.clone(),
            summary: event.summary.clone(),
            source: Source::Event {
                from_name: name_of(conn, event.from_org)?,
                to_name: name_of(conn, event.to_org)?,
                event,
            },
        });
    }
    Ok(out)
}

/// Newest first; on the same day the later-recorded item first (ledger order kept, so
/// running totals read downwards as they were reached).
fn newest_first(items: &mut [(Item, usize)]) {
    items.sort_by(|a, b| b.0.date.cmp(&a.0.date).then(b.1.cmp(&a.1)));
}

/// A unit's history, quota ledger and post ledger, newest first.
pub fn unit(conn: &Connection, org_id: OrgId) -> Result<Vec<Item>> {
    let mut seq = 0usize;
    let mut all: Vec<(Item, usize)> = Vec::new();
    // Events come newest first; number them oldest first.
    let events = event_items(conn, Subject::Org(org_id))?;
    for item in events.into_iter().rev() {
        seq += 1;
        all.push((item, seq));
    }
    let mut totals: BTreeMap<StaffingType, i64> = BTreeMap::new();
    for entry in queries::ledger_of(conn, org_id)? {
        let total = totals.entry(entry.staffing_type).or_default();
        *total += entry.delta as i64;
        seq += 1;
        all.push((
            Item {
                date: entry.date,
                kind: ItemKind::Ledger,
                doc_no: Some(entry.doc_no.clone()),
                summary: entry.summary.clone(),
                source: Source::Ledger {
                    total_after: *total,
                    entry,
                },
            },
            seq,
        ));
    }
    let mut post_totals: BTreeMap<PostSlot, i64> = BTreeMap::new();
    for entry in queries::post_entries_of(conn, org_id)? {
        let total = post_totals.entry(entry.slot).or_default();
        *total += entry.delta as i64;
        seq += 1;
        all.push((
            Item {
                date: entry.date,
                kind: ItemKind::Posts,
                doc_no: Some(entry.doc_no.clone()),
                summary: entry.summary.clone(),
                source: Source::Posts {
                    total_after: *total,
                    entry,
                },
            },
            seq,
        ));
    }
    newest_first(&mut all);
    Ok(all.into_iter().map(|(i, _)| i).collect())
}

/// A person's career (entry, transfers, posts and ranks, exit), newest first.
pub fn person(conn: &Connection, id: PersonId) -> Result<Vec<Item>> {
    event_items(conn, Subject::Person(id))
}

/// This operator's local audit log, newest first (at most `limit` lines).
/// This operator's audit log, newest first, as a log reads: the subject's name instead
/// of its id (`person:8897` → 张伟（示例县教育局）, `申请12 同意` → the request's unit and
/// summary, its document number in `doc_no`), resolved with one query per kind of
/// subject whatever the number of lines.
pub fn audit(conn: &Connection, limit: usize) -> Result<Vec<Item>> {
    let mut st = conn.prepare_cached(
        "SELECT at, action, detail, rows, typed FROM audit ORDER BY id DESC LIMIT ?",
    )?;
    let rows = st
        .query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A typed detail that does not read (written by a later program) falls back to
    // the values written beside it.
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(at, action, detail, n, typed)| {
            let typed = typed.and_then(|t| serde_json::from_str::<AuditDetail>(&t).ok());
            (at, action, detail, n, typed)
        })
        .collect();
    let subjects: Vec<AuditSubject> = rows
        .iter()
        .map(|(_, action, detail, _, typed)| match typed {
            Some(d) => match (d.person(), d.request()) {
                (Some(p), _) => AuditSubject::Person(p),
                (_, Some(r)) => AuditSubject::Request(r, String::new()),
                _ => AuditSubject::Other,
            },
            None => AuditSubject::of(action, detail),
        })
        .collect();
    let ids = |want: fn(&AuditSubject) -> Option<i64>| -> String {
        let v: Vec<i64> = subjects.iter().filter_map(want).collect();
        serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
    };
    let persons: HashMap<PersonId, (String, Option<String>)> = conn
        .prepare_cached(
            "SELECT p.id, p.name, o.name FROM persons p LEFT JOIN orgs o ON o.id = p.org_id \
             WHERE p.id IN (SELECT value FROM json_each(?))",
        )?
        .query_map([ids(|s| s.person())], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let requests: HashMap<ApprovalId, (String, Option<String>)> = conn
        .prepare_cached(
            "SELECT a.id, o.name, a.summary, p.name, a.doc_no FROM approvals a \
             LEFT JOIN orgs o ON o.id = a.org_id LEFT JOIN persons p ON p.id = a.person_id \
             WHERE a.id IN (SELECT value FROM json_each(?))",
        )?
        .query_map([ids(|s| s.request())], |r| {
            let unit: Option<String> = r.get(1)?;
            let summary: String = r.get(2)?;
            let person: Option<String> = r.get(3)?;
            let text = [unit, person, Some(summary)]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            Ok((
                r.get(0)?,
                (
                    text,
                    r.get::<_, Option<String>>(4)?.filter(|d| !d.is_empty()),
                ),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for ((at, action, detail, n, typed), subject) in rows.into_iter().zip(subjects) {
        let date = at
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_default();
        // A subject no longer in the cache keeps the words that were written; a typed
        // line keeps only the subject's name (the reader words what was done).
        let written = if typed.is_some() {
            String::new()
        } else {
            detail.clone()
        };
        let (summary, doc_no) = match subject {
            // The person and their unit: in the sentence's brackets on a line written
            // as a sentence, apart (`·`, in no language) on a typed one.
            AuditSubject::Person(id) => match persons.get(&id) {
                Some((name, None)) => (name.clone(), None),
                Some((name, Some(unit))) if typed.is_some() => (format!("{name} · {unit}"), None),
                Some((name, Some(unit))) => (format!("{name}（{unit}）"), None),
                None => (written.clone(), None),
            },
            AuditSubject::Request(id, rest) => match requests.get(&id) {
                // What was done first: the request's summary may be cut on a narrow screen.
                Some((text, doc)) if rest.is_empty() => (text.clone(), doc.clone()),
                Some((text, doc)) => (format!("{rest} · {text}"), doc.clone()),
                None => (written.clone(), None),
            },
            AuditSubject::Other => (written, None),
        };
        out.push(Item {
            date,
            kind: ItemKind::Audit(AuditAction::from_key(&action)),
            doc_no,
            summary,
            source: Source::Audit {
                at,
                action,
                detail,
                rows: n,
                typed,
            },
        });
    }
    Ok(out)
}

/// What an audit line is about, read from the words its writers use: `person:8897`
/// (the interface's reveal), `person 8897` (the command line's), `申请12 同意` (a
/// decision or its withdrawal: the rest is what was done).
enum AuditSubject {
    Person(PersonId),
    Request(ApprovalId, String),
    Other,
}

impl AuditSubject {
    fn of(action: &str, detail: &str) -> AuditSubject {
        let number = |s: &str| s.trim().parse::<i64>().ok();
        match action {
            "reveal" => detail
                .strip_prefix("person:")
                .or_else(|| detail.strip_prefix("person "))
                .and_then(number)
                .map_or(AuditSubject::Other, AuditSubject::Person),
            "decide" | "withdraw" => {
                let Some(rest) = detail.strip_prefix("申请") else {
                    return AuditSubject::Other;
                };
                let (id, what) = rest.split_once(' ').unwrap_or((rest, ""));
                number(id).map_or(AuditSubject::Other, |id| {
                    AuditSubject::Request(id, what.trim().to_string())
                })
            }
            _ => AuditSubject::Other,
        }
    }

    fn person(&self) -> Option<PersonId> {
        match self {
            AuditSubject::Person(id) => Some(*id),
            _ => None,
        }
    }

    fn request(&self) -> Option<ApprovalId> {
        match self {
            AuditSubject::Request(id, _) => Some(*id),
            _ => None,
        }
    }
}

/// The approved quota per staffing type as the ledger's running totals say it: the
/// total after the newest entry of each type.
pub fn approved_from_ledger(items: &[Item]) -> BTreeMap<StaffingType, i64> {
    let mut out = BTreeMap::new();
    for item in items {
        if let Source::Ledger { entry, total_after } = &item.source {
            out.entry(entry.staffing_type).or_insert(*total_after);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ranges_read_as_operators_write_them() {
        assert_eq!(
            Filter::parse_range("2018..2020"),
            Some((Some(d(2018, 1, 1)), Some(d(2020, 12, 31))))
        );
        assert_eq!(
            Filter::parse_range("2019-02"),
            Some((Some(d(2019, 2, 1)), Some(d(2019, 2, 28))))
        );
        assert_eq!(
            Filter::parse_range("..2020-06-30"),
            Some((None, Some(d(2020, 6, 30))))
        );
        assert_eq!(
            Filter::parse_range("2023-12至"),
            Some((Some(d(2023, 12, 1)), None))
        );
        assert_eq!(Filter::parse_range(""), Some((None, None)));
        assert_eq!(Filter::parse_range("去年"), None);
        assert_eq!(Filter::parse_range("2020-13"), None);
    }

    #[test]
    fn an_audit_action_reads_back_from_its_stored_name() {
        for a in AuditAction::KNOWN {
            assert_eq!(AuditAction::from_key(a.key()), a);
        }
        assert_eq!(
            AuditAction::from_key("later"),
            AuditAction::Other("later".into())
        );
        assert_eq!(
            serde_json::to_string(&ItemKind::Audit(AuditAction::Decide)).unwrap(),
            r#"{"Audit":"decide"}"#
        );
    }
}
