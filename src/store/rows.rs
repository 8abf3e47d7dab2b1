//! Mapping between domain rows and the cache's tables: one place for every column list.

use crate::model::retirement::{Rule, retirement_month};
use crate::model::*;
use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{Row, Statement, params};

pub(crate) fn bad(idx: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Integer,
        format!("unknown {what} code").into(),
    )
}

pub(crate) fn vocab<T: Vocabulary>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    let c: i64 = row.get(idx)?;
    T::from_code(c).ok_or_else(|| bad(idx, std::any::type_name::<T>()))
}

/// An optional code; an unknown code reads as absent (the data checks report gaps).
pub(crate) fn opt_vocab<T: Vocabulary>(row: &Row, idx: usize) -> rusqlite::Result<Option<T>> {
    let c: Option<i64> = row.get(idx)?;
    Ok(c.and_then(T::from_code))
}

pub(crate) fn date(row: &Row, idx: usize) -> rusqlite::Result<NaiveDate> {
    let s = row.get_ref(idx)?.as_str()?;
    parse_day(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// A typed value kept as JSON; absent when NULL.
pub(crate) fn json_opt<T: serde::de::DeserializeOwned>(
    row: &Row,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    let Some(s) = row.get_ref(idx)?.as_str_or_null()? else {
        return Ok(None);
    };
    serde_json::from_str(s)
        .map(Some)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

pub(crate) fn opt_date(row: &Row, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(row
        .get_ref(idx)?
        .as_str_or_null()?
        .and_then(|s| parse_day(s).ok()))
}

/// A day as the cache stores it (`2021-03-05`): read without a format string in the
/// common case (a city's persons carry a million dates; reading them was most of the
/// time to load the books), by chrono's parser otherwise.
fn parse_day(s: &str) -> chrono::ParseResult<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
        && let Some(day) = NaiveDate::from_ymd_opt(y as i32, m, d)
    {
        return Ok(day);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

fn d(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn od(date: Option<NaiveDate>) -> Option<String> {
    date.map(d)
}

fn oc<T: Vocabulary>(v: Option<T>) -> Option<u8> {
    v.map(Vocabulary::code)
}

pub const ORG_COLUMNS: &str = "id, parent_id, kind, name, short_name, category, level, nature, credit_code, \
     domain_name, founding_doc, founding_date, sort, abolished";

pub fn read_org(r: &Row) -> rusqlite::Result<Org> {
    Ok(Org {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        kind: vocab(r, 2)?,
        name: r.get(3)?,
        short_name: r.get(4)?,
        category: opt_vocab(r, 5)?,
        level: opt_vocab(r, 6)?,
        nature: opt_vocab(r, 7)?,
        credit_code: r.get(8)?,
        domain_name: r.get(9)?,
        founding_doc: r.get(10)?,
        founding_date: opt_date(r, 11)?,
        sort: r.get(12)?,
        abolished: r.get(13)?,
    })
}

pub fn write_org(st: &mut Statement, o: &Org) -> rusqlite::Result<usize> {
    st.execute(params![
        o.id,
        o.parent_id,
        o.kind.code(),
        o.name,
        o.short_name,
        oc(o.category),
        oc(o.level),
        oc(o.nature),
        o.credit_code,
        o.domain_name,
        o.founding_doc,
        od(o.founding_date),
        o.sort,
        o.abolished
    ])
}

pub const LEDGER_COLUMNS: &str =
    "id, org_id, doc_no, date, staffing_type, funding_type, delta, summary, special";

pub fn read_ledger(r: &Row) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: r.get(0)?,
        org_id: r.get(1)?,
        doc_no: r.get(2)?,
        date: date(r, 3)?,
        staffing_type: vocab(r, 4)?,
        funding_type: opt_vocab(r, 5)?,
        delta: r.get(6)?,
        summary: r.get(7)?,
        special: r.get(8)?,
    })
}

pub fn write_ledger(st: &mut Statement, e: &LedgerEntry) -> rusqlite::Result<usize> {
    st.execute(params![
        e.id,
        e.org_id,
        e.doc_no,
        d(e.date),
        e.staffing_type.code(),
        oc(e.funding_type),
        e.delta,
        e.summary,
        e.special
    ])
}

pub const POST_COLUMNS: &str = "id, org_id, doc_no, date, level, rank, delta, summary";

pub fn read_post(r: &Row) -> rusqlite::Result<PostEntry> {
    Ok(PostEntry {
        id: r.get(0)?,
        org_id: r.get(1)?,
        doc_no: r.get(2)?,
        date: date(r, 3)?,
        slot: PostSlot {
            level: vocab(r, 4)?,
            rank: vocab(r, 5)?,
        },
        delta: r.get(6)?,
        summary: r.get(7)?,
    })
}

pub fn write_post(st: &mut Statement, e: &PostEntry) -> rusqlite::Result<usize> {
    st.execute(params![
        e.id,
        e.org_id,
        e.doc_no,
        d(e.date),
        e.slot.level.code(),
        e.slot.rank.code(),
        e.delta,
        e.summary
    ])
}

pub const PERSON_COLUMNS: &str = "id, org_id, name, id_number, sex, birth_date, ethnicity, political_status, \
     funding_type, work_start, entry_form, entry_doc, entry_date, post, rank, post_type, school, education, \
     degree, major, staffing_type, leader_level, leader_rank, status, exit_kind, exit_date, retire_month";

pub fn read_person(r: &Row) -> rusqlite::Result<Person> {
    let leader_level: Option<Level> = opt_vocab(r, 21)?;
    let leader_rank: Option<PostRank> = opt_vocab(r, 22)?;
    Ok(Person {
        id: r.get(0)?,
        org_id: r.get(1)?,
        name: r.get(2)?,
        id_number: r.get(3)?,
        sex: vocab(r, 4)?,
        birth_date: opt_date(r, 5)?,
        ethnicity: r.get(6)?,
        political_status: opt_vocab(r, 7)?,
        funding_type: opt_vocab(r, 8)?,
        work_start: opt_date(r, 9)?,
        entry_form: opt_vocab(r, 10)?,
        entry_doc: r.get(11)?,
        entry_date: opt_date(r, 12)?,
        post: r.get(13)?,
        rank: r.get(14)?,
        post_type: vocab(r, 15)?,
        school: r.get(16)?,
        education: opt_vocab(r, 17)?,
        degree: opt_vocab(r, 18)?,
        major: r.get(19)?,
        staffing_type: opt_vocab(r, 20)?,
        leader_post: leader_level
            .zip(leader_rank)
            .map(|(level, rank)| PostSlot { level, rank }),
        status: vocab(r, 23)?,
        exit_kind: opt_vocab(r, 24)?,
        exit_date: opt_date(r, 25)?,
    })
}

/// The month (as an index) a person reaches the statutory retirement age, if known.
pub fn retire_month_index(p: &Person) -> Option<i64> {
    let birth = p.birth_date?;
    Some(retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(birth)).index())
}

pub fn write_person(st: &mut Statement, p: &Person) -> rusqlite::Result<usize> {
    st.execute(params![
        p.id,
        p.org_id,
        p.name,
        p.id_number,
        p.sex.code(),
        od(p.birth_date),
        p.ethnicity,
        oc(p.political_status),
        oc(p.funding_type),
        od(p.work_start),
        oc(p.entry_form),
        p.entry_doc,
        od(p.entry_date),
        p.post,
        p.rank,
        p.post_type.code(),
        p.school,
        oc(p.education),
        oc(p.degree),
        p.major,
        oc(p.staffing_type),
        p.leader_post.map(|s| s.level.code()),
        p.leader_post.map(|s| s.rank.code()),
        p.status.code(),
        oc(p.exit_kind),
        od(p.exit_date),
        retire_month_index(p)
    ])
}

pub const EVENT_COLUMNS: &str =
    "id, subject_kind, subject_id, kind, date, doc_no, summary, operator, from_org, to_org, detail";

/// `subject_kind` of `events` and `problems`, `kind` of `search_keys`: which table the
/// row's id points into.
pub const ORG_SUBJECT: i64 = 1;
pub const PERSON_SUBJECT: i64 = 2;

pub fn subject_key(s: Subject) -> (i64, i64) {
    match s {
        Subject::Org(id) => (ORG_SUBJECT, id),
        Subject::Person(id) => (PERSON_SUBJECT, id),
    }
}

pub fn read_event(r: &Row) -> rusqlite::Result<Event> {
    let sk: i64 = r.get(1)?;
    let sid: i64 = r.get(2)?;
    Ok(Event {
        id: r.get(0)?,
        subject: if sk == ORG_SUBJECT {
            Subject::Org(sid)
        } else {
            Subject::Person(sid)
        },
        kind: vocab(r, 3)?,
        date: date(r, 4)?,
        doc_no: r.get(5)?,
        summary: r.get(6)?,
        operator: r.get(7)?,
        from_org: r.get(8)?,
        to_org: r.get(9)?,
        detail: json_opt(r, 10)?,
    })
}

pub fn write_event(st: &mut Statement, e: &Event) -> rusqlite::Result<usize> {
    let (sk, sid) = subject_key(e.subject);
    st.execute(params![
        e.id,
        sk,
        sid,
        e.kind.code(),
        d(e.date),
        e.doc_no,
        e.summary,
        e.operator,
        e.from_org,
        e.to_org,
        e.detail
            .as_ref()
            .and_then(|d| serde_json::to_string(d).ok())
    ])
}

pub const APPROVAL_COLUMNS: &str = "id, kind, org_id, person_id, staffing_type, amount, post_level, post_rank, \
     new_name, new_level, new_parent_id, exit_kind, doc_no, summary, submitted_by, submitted_on, status, \
     decided_by, decided_on, comment, plan_used, change";

pub fn read_approval(r: &Row) -> rusqlite::Result<Approval> {
    let level: Option<Level> = opt_vocab(r, 6)?;
    let rank: Option<PostRank> = opt_vocab(r, 7)?;
    Ok(Approval {
        id: r.get(0)?,
        kind: vocab(r, 1)?,
        org_id: r.get(2)?,
        person_id: r.get(3)?,
        staffing_type: opt_vocab(r, 4)?,
        amount: r.get(5)?,
        post: level
            .zip(rank)
            .map(|(level, rank)| PostSlot { level, rank }),
        new_name: r.get(8)?,
        new_level: opt_vocab(r, 9)?,
        new_parent_id: r.get(10)?,
        exit_kind: opt_vocab(r, 11)?,
        doc_no: r.get(12)?,
        summary: r.get(13)?,
        submitted_by: r.get(14)?,
        submitted_on: date(r, 15)?,
        status: vocab(r, 16)?,
        decided_by: r.get(17)?,
        decided_on: opt_date(r, 18)?,
        comment: r.get(19)?,
        plan_used: r.get(20)?,
        change: r.get(21)?,
    })
}

pub fn write_approval(st: &mut Statement, a: &Approval) -> rusqlite::Result<usize> {
    st.execute(params![
        a.id,
        a.kind.code(),
        a.org_id,
        a.person_id,
        oc(a.staffing_type),
        a.amount,
        a.post.map(|s| s.level.code()),
        a.post.map(|s| s.rank.code()),
        a.new_name,
        oc(a.new_level),
        a.new_parent_id,
        oc(a.exit_kind),
        a.doc_no,
        a.summary,
        a.submitted_by,
        d(a.submitted_on),
        a.status.code(),
        a.decided_by,
        od(a.decided_on),
        a.comment,
        a.plan_used,
        a.change
    ])
}

/// The tables holding synced rows, with their column lists, in a fixed order.
pub const TABLES: [(&str, &str); 6] = [
    ("orgs", ORG_COLUMNS),
    ("ledger", LEDGER_COLUMNS),
    ("posts", POST_COLUMNS),
    ("persons", PERSON_COLUMNS),
    ("events", EVENT_COLUMNS),
    ("approvals", APPROVAL_COLUMNS),
];

/// `INSERT OR REPLACE INTO table (cols) VALUES (?, ?, …)`.
pub fn upsert_sql(table: &str, columns: &str) -> String {
    let n = columns.split(',').count();
    let marks = vec!["?"; n].join(", ");
    format!("INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})")
}

#[cfg(test)]
mod tests {
    use super::parse_day;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    proptest! {
        /// The quick reading of a day gives what chrono's parser gives, for days as
        /// stored and for anything else a damaged cache might hold.
        #[test]
        fn a_day_reads_as_chrono_reads_it(
            s in prop_oneof![
                "[0-9]{4}-[0-9]{2}-[0-9]{2}",
                "[0-9+-]{1,5}-[0-9]{1,2}-[0-9]{1,3}",
                "\\PC{0,12}",
            ]
        ) {
            prop_assert_eq!(
                parse_day(&s).ok(),
                NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
            );
        }
    }
}
