use super::*;
use crate::model::approval::{Context, Warning, preview};
use crate::model::checks::{Problem, check_org, check_person};
use crate::model::idcard::parse_id;
use crate::model::quota::{Figures, PostFigure, QuotaFigure};
use crate::model::retirement::{Rule, retirement_month};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn small() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| generate(Scale::Small, 1))
}

fn county() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| generate(Scale::County, 1))
}

/// A unit's own figures, computed the way the product does from the rows.
fn figures(ds: &Dataset, org: OrgId) -> Figures {
    let mut approved: BTreeMap<StaffingType, i64> = BTreeMap::new();
    for e in ds.ledger.iter().filter(|e| e.org_id == org) {
        *approved.entry(e.staffing_type).or_default() += e.delta as i64;
    }
    let mut actual: BTreeMap<StaffingType, i64> = BTreeMap::new();
    let mut holders: BTreeMap<PostSlot, i64> = BTreeMap::new();
    for p in ds
        .persons
        .iter()
        .filter(|p| p.org_id == org && p.status == PersonStatus::Active)
    {
        if let Some(t) = p.staffing_type {
            *actual.entry(t).or_default() += 1;
        }
        if let Some(s) = p.leader_post {
            *holders.entry(s).or_default() += 1;
        }
    }
    let mut reserved: BTreeMap<StaffingType, i64> = BTreeMap::new();
    for a in ds.approvals.iter().filter(|a| a.org_id == org) {
        if let Some(t) = a.staffing_type {
            *reserved.entry(t).or_default() += a.reserved();
        }
    }
    let mut f = Figures::default();
    let types: BTreeSet<StaffingType> = approved.keys().chain(actual.keys()).copied().collect();
    for t in types {
        let g = QuotaFigure::unit(
            approved.get(&t).copied().unwrap_or(0),
            actual.get(&t).copied().unwrap_or(0),
            reserved.get(&t).copied().unwrap_or(0),
        );
        f.add_quota(t, g);
    }
    let mut posts: BTreeMap<PostSlot, i64> = BTreeMap::new();
    for e in ds.posts.iter().filter(|e| e.org_id == org) {
        *posts.entry(e.slot).or_default() += e.delta as i64;
    }
    let slots: BTreeSet<PostSlot> = posts.keys().chain(holders.keys()).copied().collect();
    for s in slots {
        f.add_post(
            s,
            PostFigure::unit(
                posts.get(&s).copied().unwrap_or(0),
                holders.get(&s).copied().unwrap_or(0),
            ),
        );
    }
    f
}

#[test]
fn same_seed_same_world_other_seed_other_world() {
    let a = generate(Scale::Small, 1);
    assert_eq!(&a, small());
    let b = generate(Scale::Small, 2);
    assert_ne!(a.persons, b.persons);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(small()).unwrap()
    );
}

#[test]
fn scale_parses() {
    assert_eq!("small".parse::<Scale>(), Ok(Scale::Small));
    assert_eq!("County".parse::<Scale>(), Ok(Scale::County));
    assert_eq!("city".parse::<Scale>(), Ok(Scale::City));
    assert!("town".parse::<Scale>().is_err());
    assert_eq!(AS_OF, ymd(2026, 11, 1));
}

fn check_integrity(ds: &Dataset) {
    fn ids<T>(rows: &[T], id: impl Fn(&T) -> i64) {
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(id(r), i as i64 + 1, "ids run 1.. in order");
        }
    }
    ids(&ds.orgs, |o| o.id);
    ids(&ds.ledger, |e| e.id);
    ids(&ds.posts, |e| e.id);
    ids(&ds.persons, |p| p.id);
    ids(&ds.events, |e| e.id);
    ids(&ds.approvals, |a| a.id);
    let n_orgs = ds.orgs.len() as i64;
    let org_ok = |id: OrgId| id >= 1 && id <= n_orgs;
    let person_ok = |id: PersonId| id >= 1 && id <= ds.persons.len() as i64;
    assert_eq!(
        ds.orgs.iter().filter(|o| o.parent_id.is_none()).count(),
        1,
        "a single root"
    );
    for o in &ds.orgs {
        if let Some(p) = o.parent_id {
            assert!(p < o.id, "parent {p} before child {}", o.id);
        }
        assert!(!o.name.is_empty());
        if matches!(o.kind, OrgKind::Institution | OrgKind::PublicInstitution) {
            let code = o.credit_code.as_deref().expect("credit code");
            let want = if o.nature == Some(Nature::Administrative) {
                "11"
            } else {
                "12"
            };
            assert!(code.starts_with(want), "{} {code}", o.name);
            assert!(
                o.domain_name
                    .as_deref()
                    .is_some_and(|d| d.starts_with(&o.name))
            );
            assert!(o.category.is_some() && o.level.is_some() && o.nature.is_some());
        }
    }
    let quota_holder = |id: OrgId| {
        matches!(
            ds.orgs[id as usize - 1].kind,
            OrgKind::Institution | OrgKind::PublicInstitution
        )
    };
    for e in &ds.ledger {
        assert!(org_ok(e.org_id) && quota_holder(e.org_id));
        assert!(e.doc_no.contains('〔') && e.doc_no.ends_with('号'));
        assert!(e.date <= AS_OF);
    }
    for e in &ds.posts {
        assert!(org_ok(e.org_id) && quota_holder(e.org_id));
    }
    for p in &ds.persons {
        assert!(
            org_ok(p.org_id) && quota_holder(p.org_id),
            "person {} in org {}",
            p.id,
            p.org_id
        );
        assert!(!ds.orgs[p.org_id as usize - 1].abolished);
        match p.status {
            PersonStatus::Active | PersonStatus::Pending => {
                assert!(p.exit_kind.is_none() && p.exit_date.is_none())
            }
            _ => {
                assert!(p.exit_kind.is_some() && p.exit_date.is_some_and(|d| d <= AS_OF));
                assert!(p.leader_post.is_none());
                if p.status == PersonStatus::Retired {
                    assert_eq!(p.exit_kind, Some(ExitKind::Retirement));
                }
            }
        }
        if let (Some(w), Some(e)) = (p.work_start, p.entry_date) {
            assert!(w <= e && e <= AS_OF, "person {}: work {w} entry {e}", p.id);
        }
        if let (Some(b), Some(w)) = (p.birth_date, p.work_start) {
            assert!(
                people::years_before(b, -18) <= w,
                "person {} started work before 18",
                p.id
            );
        }
        if matches!(
            p.staffing_type,
            Some(StaffingType::OrganWorker | StaffingType::InstitutionWorker)
        ) {
            assert_eq!(p.post_type, PostType::Worker);
        }
    }
    for e in &ds.events {
        match e.subject {
            Subject::Org(o) => assert!(org_ok(o) && e.kind.is_org_event()),
            Subject::Person(p) => assert!(person_ok(p) && !e.kind.is_org_event()),
        }
        assert!(e.from_org.is_none_or(org_ok) && e.to_org.is_none_or(org_ok));
        assert!(e.date <= AS_OF && !e.operator.is_empty() && e.detail.is_some());
    }
    for a in &ds.approvals {
        assert!(org_ok(a.org_id));
        assert!(a.person_id.is_none_or(person_ok));
        assert!(a.new_parent_id.is_none_or(org_ok));
        assert!(a.submitted_on < AS_OF && a.submitted_on >= AS_OF - chrono::Duration::days(30));
        assert!(a.plan_used <= a.amount);
        if a.status == ApprovalStatus::Pending {
            assert!(a.decided_on.is_none() && a.decided_by.is_none());
        } else {
            assert!(
                a.decided_on
                    .is_some_and(|d| d >= a.submitted_on && d <= AS_OF)
            );
        }
    }
}

#[test]
fn small_and_county_hold_together() {
    check_integrity(small());
    check_integrity(county());
}

#[test]
fn sizes_fit_their_scale() {
    let s = small();
    assert!(
        (40..=60).contains(&s.orgs.len()),
        "small orgs {}",
        s.orgs.len()
    );
    assert!(
        (600..=1000).contains(&s.persons.len()),
        "small persons {}",
        s.persons.len()
    );
    let c = county();
    assert!(
        (350..=650).contains(&c.orgs.len()),
        "county orgs {}",
        c.orgs.len()
    );
    assert!(
        (10_000..=14_000).contains(&c.persons.len()),
        "county persons {}",
        c.persons.len()
    );
    let per_person = c
        .events
        .iter()
        .filter(|e| matches!(e.subject, Subject::Person(_)))
        .count() as f64
        / c.persons.len() as f64;
    assert!(
        (1.0..=2.0).contains(&per_person),
        "{per_person} events per person"
    );
}

fn quota_units(ds: &Dataset) -> Vec<(OrgId, Figures)> {
    ds.orgs
        .iter()
        .filter(|o| {
            matches!(o.kind, OrgKind::Institution | OrgKind::PublicInstitution) && !o.abolished
        })
        .map(|o| (o.id, figures(ds, o.id)))
        .collect()
}

#[test]
fn quota_situations_are_all_there() {
    for ds in [small(), county()] {
        quota_situations_are_all_there_in(ds);
    }
}

fn quota_situations_are_all_there_in(ds: &Dataset) {
    let units = quota_units(ds);
    let main = |f: &Figures| f.quota.first().map(|q| q.1).unwrap_or_default();
    assert!(
        units.iter().filter(|(_, f)| main(f).is_over()).count() >= 2,
        "超编 units"
    );
    assert!(
        units.iter().filter(|(_, f)| main(f).is_full()).count() >= 2,
        "满编 units"
    );
    let vacant = units.iter().filter(|(_, f)| main(f).vacant > 0).count();
    assert!(
        vacant * 2 > units.len(),
        "most units have vacancies: {vacant} of {}",
        units.len()
    );
    assert!(
        units
            .iter()
            .any(|(_, f)| f.posts.iter().any(|(_, p)| p.over > 0)),
        "超职数"
    );
    assert!(
        units
            .iter()
            .any(|(_, f)| f.posts.iter().any(|(_, p)| p.vacant > 0)),
        "free leadership posts"
    );
    // Reserved places from approved plans.
    assert!(ds.approvals.iter().any(|a| a.reserved() > 0));
    assert!(units.iter().any(|(_, f)| {
        f.quota
            .iter()
            .any(|(_, q)| q.reserved > 0 && q.usable < q.vacant)
    }));
    // Ledgers: every unit has 2–6 entries, some negative, some special.
    for (org, _) in &units {
        let n = ds.ledger.iter().filter(|e| e.org_id == *org).count();
        assert!((1..=6).contains(&n), "org {org}: {n} ledger entries");
    }
    assert!(ds.ledger.iter().any(|e| e.delta < 0));
    assert!(ds.ledger.iter().any(|e| e.special));
}

#[test]
fn staffing_types_fit_the_nature() {
    let ds = county();
    for o in ds.orgs.iter().filter(|o| {
        !o.abolished && matches!(o.kind, OrgKind::Institution | OrgKind::PublicInstitution)
    }) {
        let types: BTreeSet<StaffingType> = ds
            .ledger
            .iter()
            .filter(|e| e.org_id == o.id)
            .map(|e| e.staffing_type)
            .collect();
        for t in &types {
            let ok = match o.nature.unwrap() {
                Nature::Administrative => matches!(
                    t,
                    StaffingType::Administrative
                        | StaffingType::PoliticalLegal
                        | StaffingType::OrganWorker
                ),
                Nature::CivilServiceManaged => matches!(
                    t,
                    StaffingType::CivilServiceManaged | StaffingType::InstitutionWorker
                ),
                _ => matches!(
                    t,
                    StaffingType::PublicInstitution | StaffingType::InstitutionWorker
                ),
            };
            assert!(ok, "{}: {t}", o.name);
        }
        if o.name.ends_with("公安局") || o.name.ends_with("人民法院") {
            assert!(types.contains(&StaffingType::PoliticalLegal));
        }
    }
}

#[test]
fn retirement_cases_under_each_rule() {
    for ds in [small(), county()] {
        retirement_cases_under_each_rule_in(ds);
    }
}

fn retirement_cases_under_each_rule_in(ds: &Dataset) {
    let today = YearMonth::of(AS_OF);
    for rule in [Rule::Men60, Rule::Women55, Rule::Women50] {
        let months: Vec<YearMonth> = ds
            .persons
            .iter()
            .filter(|p| p.status == PersonStatus::Active && p.staffing_type.is_some())
            .filter(|p| Rule::for_person(p.sex, p.post_type) == rule)
            .filter(|p| p.birth_date.is_some() && check_person(p).is_empty())
            .map(|p| retirement_month(rule, YearMonth::of(p.birth_date.unwrap())))
            .collect();
        assert!(
            months
                .iter()
                .any(|&m| m > today && m <= today.plus_months(12)),
            "{rule:?}: near retirement"
        );
        assert!(
            months.iter().any(|&m| m <= today),
            "{rule:?}: past retirement, still active"
        );
    }
    // Retirees left at their retirement month.
    assert!(ds.persons.iter().any(|p| p.status == PersonStatus::Retired));
    assert!(ds.persons.iter().any(
        |p| p.status == PersonStatus::Former && p.exit_kind == Some(ExitKind::TransferOut)
    ));
}

#[test]
fn ages_and_ids_are_realistic() {
    let ds = county();
    let mut clean = 0;
    for p in ds
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Active)
    {
        assert!(p.id_number.starts_with("99"), "fictional area codes only");
        if !check_person(p).is_empty() {
            continue;
        }
        clean += 1;
        let b = p.birth_date.unwrap();
        let age = people::age_at(b, AS_OF);
        assert!((22..=63).contains(&age), "age {age}");
        let f = parse_id(&p.id_number).unwrap();
        assert_eq!((f.birth_date, f.sex), (b, p.sex));
    }
    assert!(clean > ds.persons.len() * 8 / 10);
    let han = ds.persons.iter().filter(|p| p.ethnicity == "汉族").count();
    assert!(han * 10 > ds.persons.len() * 9);
}

#[test]
fn every_fault_is_there() {
    for ds in [small(), county()] {
        every_fault_is_there_in(ds);
    }
}

fn every_fault_is_there_in(ds: &Dataset) {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut missing: BTreeSet<&str> = BTreeSet::new();
    for p in &ds.persons {
        for problem in check_person(p) {
            match &problem {
                Problem::BadIdNumber(why) if why.contains("校验码") => {
                    seen.insert("check-char");
                }
                Problem::MissingField(f) => {
                    missing.insert(f);
                }
                _ => {}
            }
            seen.insert(problem.code());
        }
    }
    for code in [
        "check-char",
        "birth-mismatch",
        "sex-mismatch",
        "missing-field",
    ] {
        assert!(seen.contains(code), "{code} missing");
    }
    assert!(
        missing.contains("出生日期") && missing.contains("学历") && missing.contains("入编时间"),
        "{missing:?}"
    );
    // 一人一编: the same ID active on two units' books.
    let mut by_id: BTreeMap<&str, BTreeSet<OrgId>> = BTreeMap::new();
    for p in ds.persons.iter().filter(|p| p.occupies_quota()) {
        by_id.entry(&p.id_number).or_default().insert(p.org_id);
    }
    let twice = by_id.values().filter(|orgs| orgs.len() > 1).count();
    assert!((1..=40).contains(&twice), "一人一编 cases: {twice}");
    // 人编不对应
    let units = quota_units(ds);
    let no_quota = ds
        .persons
        .iter()
        .filter(|p| p.occupies_quota())
        .filter(|p| {
            let f = &units.iter().find(|(o, _)| *o == p.org_id).unwrap().1;
            f.quota_of(p.staffing_type.unwrap()).approved == 0
        });
    assert!(no_quota.count() >= 1, "人编不对应");
    // An invalid credit code.
    let bad = ds
        .orgs
        .iter()
        .filter(|o| check_org(o).contains(&Problem::BadCreditCode))
        .count();
    assert!((1..=20).contains(&bad), "{bad} bad credit codes");
    // 编外 staff.
    assert!(
        ds.persons
            .iter()
            .any(|p| p.status == PersonStatus::Active && p.staffing_type.is_none())
    );
}

#[test]
fn every_event_kind_is_there() {
    for ds in [small(), county()] {
        every_event_kind_is_there_in(ds);
    }
}

/// Kinds only clerks' edits make (model::edit), never the generator.
const EDIT_EVENTS: [EventKind; 4] = [
    EventKind::OrgInfoChanged,
    EventKind::QuotaChanged,
    EventKind::InfoChanged,
    EventKind::Restored,
];

fn every_event_kind_is_there_in(ds: &Dataset) {
    for kind in EventKind::ALL.iter().filter(|k| !EDIT_EVENTS.contains(k)) {
        assert!(ds.events.iter().any(|e| e.kind == *kind), "{kind}");
    }
    for o in &ds.orgs {
        assert!(
            ds.events
                .iter()
                .any(|e| e.subject == Subject::Org(o.id) && e.kind == EventKind::Founded),
            "{} founded",
            o.name
        );
    }
    let abolished: Vec<_> = ds.orgs.iter().filter(|o| o.abolished).collect();
    assert!(!abolished.is_empty());
    for o in abolished {
        assert!(
            ds.events
                .iter()
                .any(|e| e.subject == Subject::Org(o.id) && e.kind == EventKind::Abolished)
        );
    }
    for e in ds.events.iter().filter(|e| {
        matches!(
            e.kind,
            EventKind::Moved | EventKind::Transfer | EventKind::Merged | EventKind::Split
        )
    }) {
        assert!(e.from_org.is_some() && e.to_org.is_some(), "{:?}", e.kind);
    }
    for p in ds
        .persons
        .iter()
        .filter(|p| matches!(p.status, PersonStatus::Retired | PersonStatus::Former))
    {
        assert!(
            ds.events
                .iter()
                .any(|e| e.subject == Subject::Person(p.id) && e.kind == EventKind::Exit)
        );
    }
}

#[test]
fn the_inbox_has_every_kind_and_some_overdraw() {
    for ds in [small(), county()] {
        the_inbox_has_every_kind_and_some_overdraw_in(ds);
    }
}

fn the_inbox_has_every_kind_and_some_overdraw_in(ds: &Dataset) {
    let today = YearMonth::of(AS_OF);
    let mut overdraws = BTreeSet::new();
    let mut clean = BTreeSet::new();
    // 关键信息变更 and 台账变更 come only from 录入 operators' edits.
    let generated = ApprovalKind::ALL
        .iter()
        .filter(|k| !matches!(k, ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange));
    for kind in generated {
        let open: Vec<&Approval> = ds
            .approvals
            .iter()
            .filter(|a| a.kind == *kind && a.status == ApprovalStatus::Pending)
            .collect();
        assert!(!open.is_empty(), "open {kind}");
        for a in open {
            let figs = figures(ds, a.org_id);
            let person = a.person_id.map(|id| &ds.persons[id as usize - 1]);
            let ctx = Context {
                figures: &figs,
                person,
                on_other_books: None,
                new_parent_allowed: true,
                today,
            };
            let effect = preview(a, &ctx);
            assert!(
                !effect
                    .warnings
                    .iter()
                    .any(|w| matches!(w, Warning::Incomplete(_))),
                "{kind}: {:?}",
                effect.warnings
            );
            if effect.warnings.iter().any(|w| {
                matches!(
                    w,
                    Warning::Overdraws { .. } | Warning::Frozen | Warning::PostsOverdrawn { .. }
                )
            }) {
                overdraws.insert(*kind);
            } else if effect.warnings.is_empty() {
                clean.insert(*kind);
            }
        }
    }
    for k in [
        ApprovalKind::StaffingPlan,
        ApprovalKind::Entry,
        ApprovalKind::LeaderPost,
    ] {
        assert!(overdraws.contains(&k), "{k}: no overdrawing request");
        assert!(clean.contains(&k), "{k}: no request that fits");
    }
    assert!(clean.contains(&ApprovalKind::Exit) && clean.contains(&ApprovalKind::Reorganisation));
    // At most one open reorganisation per unit: two would contradict each other.
    let mut reorganising = BTreeSet::new();
    for a in &ds.approvals {
        if a.kind == ApprovalKind::Reorganisation && a.status == ApprovalStatus::Pending {
            assert!(
                reorganising.insert(a.org_id),
                "two open reorganisations of {}",
                a.org_id
            );
        }
    }
    for s in [
        ApprovalStatus::Approved,
        ApprovalStatus::Returned,
        ApprovalStatus::Rejected,
    ] {
        assert!(ds.approvals.iter().any(|a| a.status == s), "{s}");
    }
    // Pending persons are exactly the subjects of open entry requests.
    let pending: BTreeSet<PersonId> = ds
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Pending)
        .map(|p| p.id)
        .collect();
    let asked: BTreeSet<PersonId> = ds
        .approvals
        .iter()
        .filter(|a| a.kind == ApprovalKind::Entry && a.status == ApprovalStatus::Pending)
        .filter_map(|a| a.person_id)
        .collect();
    assert!(!pending.is_empty());
    assert_eq!(pending, asked);
    for a in ds
        .approvals
        .iter()
        .filter(|a| a.kind == ApprovalKind::Entry)
    {
        let p = &ds.persons[a.person_id.unwrap() as usize - 1];
        assert_eq!((p.org_id, p.staffing_type), (a.org_id, a.staffing_type));
    }
}

#[test]
fn names_cover_rare_surnames_and_polyphones() {
    names_cover_rare_surnames_and_polyphones_in(small());
}

fn names_cover_rare_surnames_and_polyphones_in(ds: &Dataset) {
    for s in [
        "单", "曾", "解", "区", "仇", "朴", "查", "盖", "欧阳", "司马", "诸葛", "上官",
    ] {
        assert!(
            ds.persons.iter().any(|p| p.name.starts_with(s)),
            "surname {s}"
        );
    }
    for c in ['乐', '行', '长', '重', '朝', '奇'] {
        assert!(
            ds.persons
                .iter()
                .any(|p| p.name.chars().skip(1).any(|x| x == c)),
            "given-name character {c}"
        );
    }
    let wang = ds
        .persons
        .iter()
        .filter(|p| p.name.starts_with('王'))
        .count();
    let shan = ds
        .persons
        .iter()
        .filter(|p| p.name.starts_with('单'))
        .count();
    assert!(wang > 10 * shan.max(1), "王 {wang} vs 单 {shan}");
    for p in &ds.persons {
        let n = p.name.chars().count();
        assert!((2..=4).contains(&n), "{}", p.name);
    }
}

#[test]
fn names_and_codes_look_right() {
    let ds = small();
    let names: Vec<&str> = ds.orgs.iter().map(|o| o.name.as_str()).collect();
    for n in [
        "青山县",
        "青山县教育局",
        "中共青山县委组织部",
        "青山县公安局",
        "青山县人民法院",
        "青山县人民检察院",
        "青山县人民医院",
        "青山县第一中学",
    ] {
        assert!(names.contains(&n), "{n} missing: {names:?}");
    }
    assert!(
        ds.orgs
            .iter()
            .any(|o| o.kind == OrgKind::Region && o.parent_id.is_some()),
        "townships"
    );
    assert!(ds.orgs.iter().any(|o| o.kind == OrgKind::InternalDept));
    assert!(ds.ledger.iter().all(|e| e.doc_no.starts_with("青编〔")));
    let edu = ds.orgs.iter().find(|o| o.name == "青山县教育局").unwrap();
    assert_eq!(edu.domain_name.as_deref(), Some("青山县教育局.政务"));
    assert_eq!(edu.level, Some(Level::SectionFull));
    let valid = ds
        .orgs
        .iter()
        .filter(|o| o.credit_code.is_some() && check_org(o).is_empty())
        .count();
    assert!(valid > 30);
}

/// `cargo test --release --lib generate::tests::city_timing -- --ignored --nocapture`
#[test]
#[ignore]
fn city_timing() {
    for scale in [Scale::Small, Scale::County, Scale::City] {
        let t = std::time::Instant::now();
        let ds = generate(scale, 1);
        let took = t.elapsed();
        let active = ds
            .persons
            .iter()
            .filter(|p| p.status == PersonStatus::Active)
            .count();
        println!(
            "{scale}: {:?}  orgs {} ledger {} posts {} persons {} (active {active}) events {} approvals {}",
            took,
            ds.orgs.len(),
            ds.ledger.len(),
            ds.posts.len(),
            ds.persons.len(),
            ds.events.len(),
            ds.approvals.len()
        );
        if scale == Scale::City {
            assert_eq!(
                ds,
                generate(Scale::City, 1),
                "the city is deterministic too"
            );
            check_integrity(&ds);
            let json = serde_json::to_vec(&ds).unwrap();
            println!("city json {} MB", json.len() / 1_000_000);
        }
    }
}

#[test]
fn other_seeds_hold_every_situation_too() {
    for seed in [2, 3, 5, 8, 13, 21] {
        let ds = generate(Scale::Small, seed);
        check_integrity(&ds);
        quota_situations_are_all_there_in(&ds);
        retirement_cases_under_each_rule_in(&ds);
        every_fault_is_there_in(&ds);
        every_event_kind_is_there_in(&ds);
        the_inbox_has_every_kind_and_some_overdraw_in(&ds);
        names_cover_rare_surnames_and_polyphones_in(&ds);
    }
}
