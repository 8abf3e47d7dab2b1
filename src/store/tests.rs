use super::*;
use crate::model::quota::QuotaFigure;
use crate::model::*;
use chrono::NaiveDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn org(id: i64, parent: Option<i64>, name: &str) -> Org {
    Org {
        id,
        parent_id: parent,
        kind: if parent.is_none() {
            OrgKind::Region
        } else {
            OrgKind::Institution
        },
        name: name.into(),
        short_name: None,
        category: Some(Category::Government),
        level: Some(Level::SectionFull),
        nature: Some(Nature::Administrative),
        credit_code: Some(idcard::make_credit_code(&format!("11990100MB{:07}", id))),
        domain_name: None,
        founding_doc: None,
        founding_date: None,
        sort: 0,
        abolished: false,
    }
}

fn ledger(id: i64, org_id: i64, t: StaffingType, delta: i32) -> LedgerEntry {
    LedgerEntry {
        id,
        org_id,
        doc_no: format!("示编〔2021〕{id}号"),
        date: day(2021, 3, 1),
        staffing_type: t,
        funding_type: Some(FundingType::Full),
        delta,
        summary: "初始核定".into(),
        special: false,
    }
}

pub(crate) fn person(
    id: i64,
    org_id: i64,
    t: Option<StaffingType>,
    birth: NaiveDate,
    sex: Sex,
) -> Person {
    Person {
        id,
        org_id,
        name: format!("张{id}"),
        id_number: idcard::make_id("990102", birth, if sex == Sex::Male { 11 } else { 12 }),
        sex,
        birth_date: Some(birth),
        ethnicity: "汉族".into(),
        political_status: Some(PoliticalStatus::Masses),
        funding_type: Some(FundingType::Full),
        work_start: Some(day(2010, 7, 1)),
        entry_form: Some(EntryForm::Exam),
        entry_doc: Some("示人社〔2010〕3号".into()),
        entry_date: Some(day(2010, 8, 1)),
        post: Some("科员".into()),
        rank: None,
        post_type: PostType::Management,
        school: None,
        education: Some(Education::Bachelor),
        degree: None,
        major: None,
        staffing_type: t,
        leader_post: None,
        status: PersonStatus::Active,
        exit_kind: None,
        exit_date: None,
    }
}

/// A county with two departments: one over quota, one with vacancies.
pub(crate) fn sample() -> Dataset {
    let adm = StaffingType::Administrative;
    let mut persons = Vec::new();
    for i in 0..5 {
        persons.push(person(i + 1, 2, Some(adm), day(1980, 1, 1), Sex::Male));
    }
    for i in 0..2 {
        persons.push(person(i + 10, 3, Some(adm), day(1990, 5, 5), Sex::Female));
    }
    // Reaches 60y4m in 2026-05: past retirement age and still on the books.
    persons.push(person(20, 3, Some(adm), day(1966, 1, 10), Sex::Male));
    Dataset {
        orgs: vec![
            org(1, None, "示例县"),
            org(2, Some(1), "示例县财政局"),
            org(3, Some(1), "示例县教育局"),
        ],
        ledger: vec![
            ledger(1, 2, adm, 4),
            ledger(2, 3, adm, 6),
            ledger(3, 3, adm, -1),
        ],
        persons,
        ..Default::default()
    }
}

#[test]
fn refuses_a_file_that_is_not_sqlite_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cache.db");
    std::fs::write(&p, b"this is a letter, not a database").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(matches!(Store::open(&p), Err(Error::NotSqlite(_))));
    assert!(matches!(Store::create(&p), Err(Error::NotSqlite(_))));
    assert_eq!(
        std::fs::read(&p).unwrap(),
        b"this is a letter, not a database"
    );
    std::fs::write(&p, b"short").unwrap();
    assert!(matches!(Store::open(&p), Err(Error::NotSqlite(_))));
    assert_eq!(std::fs::read(&p).unwrap(), b"short");
}

#[test]
fn refuses_a_newer_schema_and_a_world_readable_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cache.db");
    assert!(matches!(Store::open(&p), Err(Error::Missing(_))));
    assert!(!p.exists(), "a query creates no cache");
    drop(Store::create(&p).unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&p).err().unwrap();
    assert!(matches!(err, Error::NewerSchema { .. }), "{err}");
    assert!(err.to_string().contains("升级"));
    for mode in [0o644, 0o640, 0o660] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        assert!(matches!(Store::open(&p), Err(Error::OthersCanRead { .. })));
    }
}

#[test]
fn figures_of_units_and_subtrees() {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(&sample()).unwrap();
    let c = s.conn();
    let adm = StaffingType::Administrative;
    let over = queries::unit_figures(c, 2).unwrap().quota_of(adm);
    assert_eq!(over, QuotaFigure::unit(4, 5, 0));
    let vac = queries::unit_figures(c, 3).unwrap().quota_of(adm);
    assert_eq!(vac, QuotaFigure::unit(5, 3, 0));
    let root = queries::subtree_figures(c, 1).unwrap().quota_of(adm);
    assert_eq!(root, over + vac);
    assert_eq!((root.vacant, root.over), (2, 1));
    assert_eq!(queries::path_text(c, 3).unwrap(), "示例县 › 示例县教育局");
    assert_eq!(queries::subtree_ids(c, 1).unwrap().len(), 3);
    assert_eq!(queries::roots(c).unwrap()[0].org.id, 1);
    assert_eq!(queries::children(c, 1).unwrap().len(), 2);
}

#[test]
fn round_trips_the_dataset() {
    let mut s = Store::open_in_memory().unwrap();
    let d = sample();
    s.replace_all(&d).unwrap();
    assert_eq!(s.dataset().unwrap(), d);
}

#[test]
fn warnings_of_each_kind_found_in_sample() {
    use warnings::{Filter, WarningKind, warnings};
    let mut d = sample();
    d.persons[0].id_number.replace_range(17..18, "0");
    d.persons[1].sex = Sex::Female;
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(&d).unwrap();
    let all = warnings(
        s.conn(),
        Filter {
            kind: None,
            within: 12,
            today: YearMonth::new(2026, 11),
            scope: None,
        },
    )
    .unwrap();
    let of = |k| all.iter().filter(|w| w.kind == k).collect::<Vec<_>>();
    assert_eq!(of(WarningKind::OverQuota).len(), 1);
    assert_eq!(of(WarningKind::OverQuota)[0].org_id, 2);
    let overage = of(WarningKind::Overage);
    assert_eq!(overage.len(), 1);
    assert_eq!(overage[0].retirement_date, Some(YearMonth::new(2026, 5)));
    let data: Vec<&str> = of(WarningKind::Data)
        .iter()
        .map(|w| w.subject.as_str())
        .collect();
    assert!(
        data.contains(&"bad-id") && data.contains(&"sex-mismatch"),
        "{data:?}"
    );
    // A scope limited to the vacancy unit sees no over-quota warning.
    let scoped = warnings(
        s.conn(),
        Filter {
            kind: Some(WarningKind::OverQuota),
            within: 12,
            today: YearMonth::new(2026, 11),
            scope: Some(3),
        },
    )
    .unwrap();
    assert!(scoped.is_empty());
}

#[test]
fn lookup_entries_carry_unit_paths() {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(&sample()).unwrap();
    let entries = search_entries(s.conn(), crate::model::Lang::Zh).unwrap();
    let p = entries.iter().find(|e| e.name == "张10").unwrap();
    assert_eq!(&*p.unit, "示例县 › 示例县教育局");
    assert!(p.detail.contains("行政编制"));
    // The interface in English gets the staffing type in English.
    let en = search_entries(s.conn(), crate::model::Lang::En).unwrap();
    let p = en.iter().find(|e| e.name == "张10").unwrap();
    assert!(p.detail.contains("administrative"), "{}", p.detail);
    let n: i64 = s
        .conn()
        .query_row("SELECT COUNT(*) FROM search_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, entries.len());
}

#[test]
fn the_index_built_from_streamed_rows_and_kept_as_written_equals_the_whole_one() {
    let mut s = Store::open_in_memory().unwrap();
    s.replace_all(&crate::generate::generate(crate::generate::Scale::Small, 1))
        .unwrap();
    for lang in [crate::model::Lang::Zh, crate::model::Lang::En] {
        // The old way: every entry collected, then the index built from them.
        let whole = crate::search::SearchIndex::build(search_entries(s.conn(), lang).unwrap());
        let streamed = super::lookup::build_index(s.conn(), lang).unwrap();
        let bytes = whole.to_bytes();
        assert!(bytes.len() > 10_000, "{}", bytes.len());
        assert_eq!(streamed.to_bytes(), bytes);
        assert_eq!(streamed.encoded_len(), bytes.len());
        // Kept by writing into the blob: the same bytes, read back by a reader.
        store_search_index(s.conn(), lang).unwrap();
        let kept: Vec<u8> = s
            .conn()
            .query_row(
                "SELECT bytes FROM search_index WHERE lang = ?",
                [matches!(lang, crate::model::Lang::En) as i64],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, bytes);
        // Kept only where none (or a damaged one) is.
        let code = matches!(lang, crate::model::Lang::En) as i64;
        let kept_bytes = |s: &Store| -> Vec<u8> {
            s.conn()
                .query_row(
                    "SELECT bytes FROM search_index WHERE lang = ?",
                    [code],
                    |r| r.get(0),
                )
                .unwrap()
        };
        s.conn()
            .execute(
                "UPDATE search_index SET format = format WHERE lang = ?",
                [code],
            )
            .unwrap();
        ensure_search_index(s.conn(), lang).unwrap();
        assert_eq!(kept_bytes(&s), bytes);
        s.conn()
            .execute(
                "UPDATE search_index SET bytes = x'00' WHERE lang = ?",
                [code],
            )
            .unwrap();
        ensure_search_index(s.conn(), lang).unwrap();
        assert_eq!(kept_bytes(&s), bytes, "a damaged one is built again");
        let read = search_index(s.conn(), lang).unwrap();
        for q in ["zhang", "z", "财政", "jyj", "wang li", "xiao"] {
            let a = crate::search::search(&whole, q, 50);
            assert!(!a.is_empty() || q == "wang li", "{q}");
            assert_eq!(crate::search::search(&streamed, q, 50), a, "{q}");
            assert_eq!(crate::search::search(&read, q, 50), a, "{q}");
        }
    }
}
