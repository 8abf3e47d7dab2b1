//! The overview read from the counts derived at sync time (`overview_counts`) equals the
//! overview counted from the base rows, on a generated county, before and after syncs
//! that change the data.

use crate::util::*;
use bianzhi::generate::{self, Scale};
use bianzhi::model::*;
use bianzhi::server::simulate;
use bianzhi::store::Store;
use bianzhi::store::stats::{jurisdiction, jurisdiction_scanned};
use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The same day `years` earlier (29 February falls back to the 28th).
fn years_before(d: NaiveDate, years: i32) -> NaiveDate {
    let y = d.year() - years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .unwrap()
}

/// Derived and counted agree today (the month the counts were derived for) and on dates
/// where the retirement forecast's units come from the index.
fn assert_derived_equals_scanned(cache: &std::path::Path) -> Jurisdiction {
    let store = Store::open(cache).unwrap();
    let c = store.conn();
    let now = jurisdiction(c, today()).unwrap();
    assert_eq!(now, jurisdiction_scanned(c, today()).unwrap(), "today");
    for date in [(2025, 3, 5), (2031, 11, 1), (2024, 2, 29)] {
        let d = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        assert_eq!(
            jurisdiction(c, d).unwrap(),
            jurisdiction_scanned(c, d).unwrap(),
            "{d}"
        );
    }
    now
}

use bianzhi::store::stats::Jurisdiction;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_derived_overview_equals_the_counted_one_after_syncs_that_change_data() {
    let data = generate::generate(Scale::County, 5);
    let w = World::new(&data).await;
    let root = root_of(&w.db());
    let c = w.client(&w.operator("全域", root));
    let cache = w.cache("county");
    sync(&c, &cache).await.unwrap();
    let before = assert_derived_equals_scanned(&cache);
    assert!(
        before.persons_active > 5000,
        "a county: {}",
        before.persons_active
    );

    // Persons whose counts move: born on an age band's boundary day and the day after,
    // education no longer recorded, another post type, retiring this month, one left.
    let t = today();
    let mut active: Vec<Person> = w
        .scoped(root)
        .0
        .persons
        .into_iter()
        .filter(|p| p.status == PersonStatus::Active && p.staffing_type.is_some())
        .take(8)
        .collect();
    let boundary = years_before(t, 30);
    active[0].birth_date = Some(boundary);
    active[1].birth_date = boundary.succ_opt();
    active[2].birth_date = Some(years_before(t, 55));
    active[3].education = None;
    active[4].post_type = PostType::ALL
        .iter()
        .copied()
        .find(|&x| x != active[4].post_type)
        .unwrap();
    // A man of the worker post type born 60 years and a few months ago is due about now
    // under the 2024 law (his age rises by months with his birth month).
    active[5].sex = Sex::Male;
    active[5].birth_date = Some(years_before(t, 61));
    active[6].birth_date = None;
    active[7].status = PersonStatus::Former;
    active[7].exit_kind = Some(ExitKind::Resignation);
    active[7].exit_date = Some(t);
    upsert(
        &mut w.db(),
        Dataset {
            persons: active,
            ..Dataset::default()
        },
    );
    // And the server's simulated trickle: entries, exits, transfers, approvals.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let s = simulate::changes(&mut w.sqlite_db(), &mut rng, t, 200, 0.0).unwrap();
    assert!(s.total() > 50);
    let r = sync(&c, &cache).await.unwrap();
    assert!(r.upserted > 50, "{r:?}");
    let after = assert_derived_equals_scanned(&cache);
    assert_ne!(
        (before.persons_active, &before.age_bands, &before.education),
        (after.persons_active, &after.age_bands, &after.education),
        "the sync changed what the overview counts"
    );
}

/// A cache written before the derived counts existed gets them when it is opened, not
/// empty figures until the next sync.
#[test]
fn a_cache_from_before_the_counts_is_derived_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut s = Store::create(&path).unwrap();
        s.replace_all(small()).unwrap();
        s.conn()
            .execute_batch(
                "DROP TABLE overview_counts; DROP INDEX problems_other; \
                 ALTER TABLE problems DROP COLUMN other_id; \
                 PRAGMA user_version = 2;",
            )
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let c = s.conn();
    let j = jurisdiction(c, today()).unwrap();
    assert!(j.persons_active > 100);
    assert_eq!(j, jurisdiction_scanned(c, today()).unwrap());
    // The problems name their other record (一人多编) once the cache is migrated.
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let twice = count("SELECT COUNT(*) FROM problems WHERE code = 'counted-twice'");
    assert!(twice > 0, "the generated county has persons counted twice");
    assert_eq!(
        count("SELECT COUNT(*) FROM problems WHERE other_id IS NOT NULL"),
        twice
    );
}
