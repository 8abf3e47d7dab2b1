//! The partial refresh equals a full one, table for table, after random changes.

use super::*;
use crate::generate::{Scale, generate};
use crate::model::{Dataset, Education, LedgerEntry, PostEntry};
use crate::store::{self, Store};
use proptest::prelude::*;
use std::sync::OnceLock;

fn world() -> &'static Dataset {
    static W: OnceLock<Dataset> = OnceLock::new();
    W.get_or_init(|| generate(Scale::Small, 7))
}

/// Every derived table, rows in a fixed order (problems in their written order within
/// a subject, which the person screen shows).
fn dump(conn: &Connection) -> Vec<(String, Vec<String>)> {
    let tables = [
        ("org_tree", "SELECT * FROM org_tree ORDER BY 1"),
        ("unit_quota", "SELECT * FROM unit_quota ORDER BY 1, 2"),
        ("subtree_quota", "SELECT * FROM subtree_quota ORDER BY 1, 2"),
        ("unit_posts", "SELECT * FROM unit_posts ORDER BY 1, 2, 3"),
        (
            "subtree_posts",
            "SELECT * FROM subtree_posts ORDER BY 1, 2, 3",
        ),
        (
            "overview_counts",
            "SELECT * FROM overview_counts ORDER BY 1, 2",
        ),
        (
            "problems",
            "SELECT subject_kind, subject_id, code, message, other_id FROM problems \
             ORDER BY subject_kind, subject_id, rowid",
        ),
        ("search_keys", "SELECT * FROM search_keys ORDER BY 1, 2"),
    ];
    tables
        .iter()
        .map(|(name, sql)| {
            let mut st = conn.prepare(sql).unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            (name.to_string(), rows)
        })
        .collect()
}

/// One random change of the synced rows, its targets picked by index.
#[derive(Debug, Clone)]
enum Change {
    Status(usize, usize),
    Move(usize, usize),
    SameIdNumber(usize, usize),
    Staffing(usize, Option<usize>),
    Birth(usize, Option<u16>),
    Education(usize, Option<usize>),
    Leader(usize, Option<usize>),
    Rename(usize, u8),
    NewPerson(usize, usize),
    DeletePerson(usize),
    Ledger(usize, usize, i8),
    DeleteLedger(usize),
    MoveLedger(usize, usize),
    Post(usize, usize, i8),
    DeletePost(usize),
    Approval(usize, usize),
    RenameUnit(usize, u8),
    Reparent(usize, usize),
}

fn change() -> impl Strategy<Value = Change> {
    let i = || 0usize..100_000;
    prop_oneof![
        4 => (i(), i()).prop_map(|(a, b)| Change::Status(a, b)),
        4 => (i(), i()).prop_map(|(a, b)| Change::Move(a, b)),
        2 => (i(), i()).prop_map(|(a, b)| Change::SameIdNumber(a, b)),
        2 => (i(), proptest::option::of(i())).prop_map(|(a, b)| Change::Staffing(a, b)),
        2 => (i(), proptest::option::of(0u16..20_000)).prop_map(|(a, b)| Change::Birth(a, b)),
        1 => (i(), proptest::option::of(i())).prop_map(|(a, b)| Change::Education(a, b)),
        2 => (i(), proptest::option::of(i())).prop_map(|(a, b)| Change::Leader(a, b)),
        1 => (i(), any::<u8>()).prop_map(|(a, b)| Change::Rename(a, b)),
        3 => (i(), i()).prop_map(|(a, b)| Change::NewPerson(a, b)),
        2 => i().prop_map(Change::DeletePerson),
        3 => (i(), i(), -6i8..6).prop_map(|(a, b, d)| Change::Ledger(a, b, d)),
        2 => i().prop_map(Change::DeleteLedger),
        1 => (i(), i()).prop_map(|(a, b)| Change::MoveLedger(a, b)),
        2 => (i(), i(), -3i8..3).prop_map(|(a, b, d)| Change::Post(a, b, d)),
        1 => i().prop_map(Change::DeletePost),
        2 => (i(), i()).prop_map(|(a, b)| Change::Approval(a, b)),
        2 => (i(), any::<u8>()).prop_map(|(a, b)| Change::RenameUnit(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Change::Reparent(a, b)),
    ]
}

fn pick<T>(v: &[T], i: usize) -> Option<&T> {
    (!v.is_empty()).then(|| &v[i % v.len()])
}

/// Applies changes through the store's own writers, in one transaction as a page is.
fn apply(s: &mut Store, changes: &[Change], next_id: &mut i64) {
    let cur = s.dataset().unwrap();
    let org = |i: usize| cur.orgs[i % cur.orgs.len()].id;
    let mut up = Dataset::default();
    let mut gone: Vec<(&str, i64)> = Vec::new();
    for c in changes {
        match c {
            Change::Status(p, k) | Change::Move(p, k) | Change::SameIdNumber(p, k)
                if cur.persons.is_empty() =>
            {
                let _ = (p, k);
            }
            Change::Status(p, k) => {
                let mut p = pick(&cur.persons, *p).unwrap().clone();
                p.status = PersonStatus::ALL[k % PersonStatus::ALL.len()];
                up.persons.push(p);
            }
            Change::Move(p, k) => {
                let mut p = pick(&cur.persons, *p).unwrap().clone();
                p.org_id = org(*k);
                up.persons.push(p);
            }
            Change::SameIdNumber(p, k) => {
                let mut p = pick(&cur.persons, *p).unwrap().clone();
                p.id_number = pick(&cur.persons, *k).unwrap().id_number.clone();
                up.persons.push(p);
            }
            Change::Staffing(p, t) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    p.staffing_type = t.map(|t| StaffingType::ALL[t % StaffingType::ALL.len()]);
                    up.persons.push(p);
                }
            }
            Change::Birth(p, d) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    p.birth_date = d.map(|d| {
                        chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
                            + chrono::Days::new(d.into())
                    });
                    up.persons.push(p);
                }
            }
            Change::Education(p, e) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    p.education = e.map(|e| Education::ALL[e % Education::ALL.len()]);
                    up.persons.push(p);
                }
            }
            Change::Leader(p, l) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    p.leader_post = l.and_then(|l| pick(&cur.posts, l).map(|e| e.slot));
                    up.persons.push(p);
                }
            }
            Change::Rename(p, n) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    p.name = format!("{}{}", p.name, ['甲', '乙', '丙'][*n as usize % 3]);
                    up.persons.push(p);
                }
            }
            Change::NewPerson(p, k) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    let mut p = p.clone();
                    *next_id += 1;
                    p.id = *next_id;
                    p.org_id = org(*k);
                    up.persons.push(p);
                }
            }
            Change::DeletePerson(p) => {
                if let Some(p) = pick(&cur.persons, *p) {
                    gone.push(("persons", p.id));
                }
            }
            Change::Ledger(k, t, d) => {
                if let Some(e) = pick(&cur.ledger, *k) {
                    *next_id += 1;
                    up.ledger.push(LedgerEntry {
                        id: *next_id,
                        org_id: org(*k / 7),
                        staffing_type: StaffingType::ALL[t % StaffingType::ALL.len()],
                        delta: (*d).into(),
                        ..e.clone()
                    });
                }
            }
            Change::DeleteLedger(k) => {
                if let Some(e) = pick(&cur.ledger, *k) {
                    gone.push(("ledger", e.id));
                }
            }
            Change::MoveLedger(k, o) => {
                if let Some(e) = pick(&cur.ledger, *k) {
                    up.ledger.push(LedgerEntry {
                        org_id: org(*o),
                        ..e.clone()
                    });
                }
            }
            Change::Post(k, o, d) => {
                if let Some(e) = pick(&cur.posts, *k) {
                    *next_id += 1;
                    up.posts.push(PostEntry {
                        id: *next_id,
                        org_id: org(*o),
                        delta: (*d).into(),
                        ..e.clone()
                    });
                }
            }
            Change::DeletePost(k) => {
                if let Some(e) = pick(&cur.posts, *k) {
                    gone.push(("posts", e.id));
                }
            }
            Change::Approval(a, st) => {
                if let Some(a) = pick(&cur.approvals, *a) {
                    let mut a = a.clone();
                    a.status = ApprovalStatus::ALL[st % ApprovalStatus::ALL.len()];
                    a.kind = ApprovalKind::StaffingPlan;
                    if a.staffing_type.is_none() {
                        a.staffing_type = Some(StaffingType::ALL[0]);
                    }
                    up.approvals.push(a);
                }
            }
            Change::RenameUnit(o, code) => {
                // Renamed, and its credit code dropped, damaged, mended or kept: the
                // unit record's own problems come and go.
                let mut o = cur.orgs[o % cur.orgs.len()].clone();
                o.name = format!("{}分部", o.name);
                match code % 4 {
                    0 => o.credit_code = None,
                    1 => o.credit_code = Some("12345".into()),
                    2 => {
                        o.credit_code = cur
                            .orgs
                            .iter()
                            .find_map(|u| u.credit_code.clone().filter(|c| c.len() == 18))
                    }
                    _ => {}
                }
                up.orgs.push(o);
            }
            Change::Reparent(o, p) => {
                let mut o = cur.orgs[o % cur.orgs.len()].clone();
                if o.parent_id.is_some() {
                    o.parent_id = Some(org(*p));
                    up.orgs.push(o);
                }
            }
        }
    }
    let tx = s.conn_mut().transaction().unwrap();
    store::upsert_dataset(&tx, &up).unwrap();
    for (t, id) in gone {
        store::delete_rows(&tx, t, &[id]).unwrap();
    }
    tx.commit().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn partial_refresh_equals_full(rounds in proptest::collection::vec(
        proptest::collection::vec(change(), 1..25), 1..4)) {
        let mut s = Store::open_in_memory().unwrap();
        s.replace_all(world()).unwrap();
        let mut next_id = 10_000_000;
        for changes in &rounds {
            apply(&mut s, changes, &mut next_id);
            let tree = changes.iter().any(|c| matches!(c, Change::Reparent(..)));
            let done = refresh(s.conn()).unwrap();
            if !tree {
                prop_assert_eq!(done, Refreshed::Partial);
            }
            let partial = dump(s.conn());
            store::refresh_derived(s.conn()).unwrap();
            let full = dump(s.conn());
            for ((name, p), (_, f)) in partial.iter().zip(&full) {
                let only_p: Vec<_> = p.iter().filter(|r| !f.contains(r)).take(5).collect();
                let only_f: Vec<_> = f.iter().filter(|r| !p.contains(r)).take(5).collect();
                prop_assert!(p == f, "{name} after {changes:?}: partial only {only_p:?}, full only {only_f:?}");
            }
            s.set_meta(TRACKED, "1").unwrap();
        }
    }
}

#[test]
fn a_first_load_is_full_and_a_later_change_partial() {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(world()).unwrap();
    assert!(s.meta(TRACKED).unwrap().is_some());
    let mut next = 10_000_000;
    apply(&mut s, &[Change::Status(3, 1)], &mut next);
    let dirty: i64 = s
        .conn()
        .query_row("SELECT COUNT(*) FROM dirty_persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dirty, 1);
    assert_eq!(refresh(s.conn()).unwrap(), Refreshed::Partial);
    apply(&mut s, &[Change::Reparent(5, 9)], &mut next);
    // Moving a unit moves its subtree's figures: a full refresh.
    let moved = s
        .conn()
        .query_row("SELECT COUNT(*) FROM dirty_orgs", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    if moved > 0 {
        assert_eq!(refresh(s.conn()).unwrap(), Refreshed::Full);
    }
}
