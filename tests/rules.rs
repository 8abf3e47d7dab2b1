//! Every rule once: whether a request may be approved is decided by one function
//! (`model::approval::preview`), which the cache's preview and the server's validation
//! both call. Over random requests and states, the preview a clerk reads flags exactly
//! what the server then refuses. The oracle is the real server's answer to a real push,
//! not a second copy of the rule.

use crate::util::*;
use bianzhi::model::*;
use bianzhi::server::db::{self, ServerDb};
use bianzhi::server::decide;
use bianzhi::store::{Store, queries};
use bianzhi::sync::proto::PushAction;
use proptest::prelude::*;

/// A request's parts, drawn at random; indexes are taken modulo what exists.
#[derive(Debug, Clone)]
struct Drawn {
    kind: usize,
    org: usize,
    /// 0: none, 1: a person of the jurisdiction, 2: one outside it, 3: no such person.
    person: u8,
    person_pick: usize,
    staffing: Option<usize>,
    amount: i32,
    post: Option<(usize, bool)>,
    /// 0: no move, 1: a unit of the jurisdiction, 2: the unit itself or below it, 3: outside.
    parent: u8,
    parent_pick: usize,
}

fn drawn() -> impl Strategy<Value = Drawn> {
    (
        (0..5usize, any::<usize>(), 0..4u8, any::<usize>()),
        (
            proptest::option::weighted(0.85, 0..6usize),
            1..4i32,
            proptest::option::weighted(0.8, (0..6usize, any::<bool>())),
            0..4u8,
            any::<usize>(),
        ),
    )
        .prop_map(
            |((kind, org, person, person_pick), (staffing, amount, post, parent, parent_pick))| {
                Drawn {
                    kind,
                    org,
                    person,
                    person_pick,
                    staffing,
                    amount,
                    post,
                    parent,
                    parent_pick,
                }
            },
        )
}

struct Setup {
    _dir: tempfile::TempDir,
    db: ServerDb,
    op: bianzhi::server::Operator,
    scope_root: OrgId,
    inside: Vec<OrgId>,
    outside: Vec<OrgId>,
    persons_in: Vec<PersonId>,
    persons_out: Vec<PersonId>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut db = ServerDb::open(&dir.path().join("server.db")).unwrap();
    db.seed(small()).unwrap();
    let data = small();
    let root = root_of(&db);
    // The department with the most units below it: a jurisdiction with an outside.
    let scope_root = data
        .orgs
        .iter()
        .filter(|o| o.parent_id == Some(root))
        .max_by_key(|o| queries::subtree_ids(db.conn(), o.id).unwrap().len())
        .unwrap()
        .id;
    let token = db.add_operator("审批员", scope_root).unwrap();
    let op = db::authenticate(db.conn(), &token).unwrap().unwrap();
    let inside = queries::subtree_ids(db.conn(), scope_root).unwrap();
    let outside: Vec<OrgId> = data
        .orgs
        .iter()
        .map(|o| o.id)
        .filter(|id| !inside.contains(id))
        .collect();
    let (persons_in, persons_out) = data
        .persons
        .iter()
        .partition::<Vec<_>, _>(|p| inside.contains(&p.org_id));
    Setup {
        _dir: dir,
        db,
        op,
        scope_root,
        inside,
        outside,
        persons_in: persons_in.iter().map(|p| p.id).collect(),
        persons_out: persons_out.iter().map(|p| p.id).collect(),
    }
}

fn request(s: &Setup, d: &Drawn, id: ApprovalId) -> Approval {
    let kind = ApprovalKind::ALL[d.kind % ApprovalKind::ALL.len()];
    let org_id = s.inside[d.org % s.inside.len()];
    let person_id = match d.person {
        1 => Some(s.persons_in[d.person_pick % s.persons_in.len()]),
        2 => Some(s.persons_out[d.person_pick % s.persons_out.len()]),
        3 => Some(10_000_000 + d.person_pick as i64 % 1000),
        _ => None,
    };
    let below = queries::subtree_ids(s.db.conn(), org_id).unwrap();
    let new_parent_id = match (kind, d.parent) {
        (ApprovalKind::Reorganisation, 1) => {
            let allowed: Vec<_> = s.inside.iter().filter(|i| !below.contains(i)).collect();
            allowed
                .get(d.parent_pick % allowed.len().max(1))
                .map(|i| **i)
        }
        (ApprovalKind::Reorganisation, 2) => Some(below[d.parent_pick % below.len()]),
        (ApprovalKind::Reorganisation, 3) => Some(s.outside[d.parent_pick % s.outside.len()]),
        _ => None,
    };
    Approval {
        id,
        kind,
        org_id,
        person_id,
        staffing_type: d.staffing.map(|i| StaffingType::ALL[i]),
        amount: if kind == ApprovalKind::StaffingPlan {
            d.amount
        } else {
            1
        },
        post: d.post.map(|(l, deputy)| PostSlot {
            level: Level::ALL[l % Level::ALL.len()],
            rank: if deputy {
                PostRank::ALL[PostRank::ALL.len() - 1]
            } else {
                PostRank::ALL[0]
            },
        }),
        new_name: (kind == ApprovalKind::Reorganisation).then(|| format!("新名称{id}")),
        new_level: None,
        new_parent_id,
        exit_kind: (kind == ApprovalKind::Exit).then_some(ExitKind::Retirement),
        doc_no: Some(format!("青编〔2026〕{id}号")),
        summary: "随机申请".into(),
        submitted_by: "测试".into(),
        submitted_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        status: ApprovalStatus::Pending,
        decided_by: None,
        decided_on: None,
        comment: None,
        plan_used: 0,
        change: None,
    }
}

#[test]
fn the_preview_flags_exactly_what_the_server_refuses() {
    let s = std::cell::RefCell::new(setup());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let seen = std::cell::Cell::new([0usize; 2]);
    let next = std::cell::Cell::new(1_000_000);
    runner
        .run(&drawn(), |d| {
            let s = &mut *s.borrow_mut();
            next.set(next.get() + 1);
            let a = request(s, &d, next.get());
            upsert(
                &mut s.db,
                Dataset {
                    approvals: vec![a.clone()],
                    ..Default::default()
                },
            );
            // The clerk's cache: the jurisdiction as a sync delivers it.
            let mut cache = Store::open_in_memory().unwrap();
            let (scoped, _) = db::scoped_dataset(s.db.conn(), s.scope_root).unwrap();
            cache.replace_all(&scoped).unwrap();
            let figures = queries::unit_figures(cache.conn(), a.org_id).unwrap();
            let effect =
                queries::preview_approval(cache.conn(), &a, &figures, YearMonth::of(today))
                    .unwrap();
            let answers = decide::apply_push(
                &mut s.db,
                &s.op,
                &[PushAction {
                    client_id: uuid::Uuid::new_v4().to_string(),
                    approval_id: a.id,
                    decision: Some(Decision::Approve),
                    comment: "同意".into(),
                    edit: None,
                }],
                today,
            )
            .unwrap();
            let accepted = answers[0].accepted;
            let mut counts = seen.get();
            counts[accepted as usize] += 1;
            seen.set(counts);
            prop_assert_eq!(
                effect.blocks_approval(),
                !accepted,
                "request {:?}\npreview warnings {:?}\nserver: {:?}",
                a,
                effect.warnings,
                answers[0].reason
            );
            Ok(())
        })
        .unwrap();
    let seen = seen.get();
    println!(
        "rules: {} random requests, {} accepted, {} refused; the preview agreed on each",
        seen[0] + seen[1],
        seen[1],
        seen[0]
    );
    assert!(seen[0] > 0 && seen[1] > 0, "both outcomes drawn: {seen:?}");
}
