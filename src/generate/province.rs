//! A province (`bianzhi gen --scale province`, `serve --generate province`): a dozen
//! cities under one province unit, each a city world of its own seed, renumbered after
//! the ones before it and renamed, handed over city by city so that no more than one
//! city is ever in memory (2–3 million persons in all).

use super::{Scale, generate};
use crate::model::idcard::id_check_char;
use crate::model::*;

/// The cities of 示例省, each replacing 示例市 in its units' names, and the two digits
/// after `99` of its area codes (ID numbers stay unique across cities).
pub const CITIES: [(&str, &str); 12] = [
    ("东江市", "11"),
    ("西岭市", "12"),
    ("南湖市", "13"),
    ("北原市", "14"),
    ("青川市", "15"),
    ("白水市", "16"),
    ("临海市", "17"),
    ("安平市", "18"),
    ("长宁市", "19"),
    ("永丰市", "21"),
    ("松阳市", "22"),
    ("石门市", "23"),
];

/// The province's own unit: the root of every city.
pub const PROVINCE_ROOT: OrgId = 1;

/// The province of `seed`, part by part (an iterator): first the province unit alone,
/// then each city whole (its units, ledgers, posts, persons, histories, requests), in
/// order. Ids are unique across the parts; the same seed gives the same parts.
pub struct Province {
    seed: u64,
    /// The next city (`None` before the province unit itself).
    city: Option<usize>,
    next: Offsets,
}

impl Province {
    pub fn new(seed: u64) -> Province {
        Province {
            seed,
            city: None,
            next: Offsets {
                org: PROVINCE_ROOT,
                ..Offsets::default()
            },
        }
    }
}

impl Iterator for Province {
    type Item = Dataset;

    fn next(&mut self) -> Option<Dataset> {
        let Some(k) = self.city else {
            self.city = Some(0);
            return Some(Dataset {
                orgs: vec![province_unit()],
                ..Dataset::default()
            });
        };
        let (name, code) = CITIES.get(k)?;
        self.city = Some(k + 1);
        let mut city = generate(
            Scale::City,
            self.seed.wrapping_mul(1000).wrapping_add(k as u64),
        );
        let at = self.next;
        self.next = at.after(&city);
        renumber(&mut city, at, name, code, k as i32 + 1);
        Some(city)
    }
}

fn province_unit() -> Org {
    Org {
        id: PROVINCE_ROOT,
        parent_id: None,
        kind: OrgKind::Region,
        name: "示例省".into(),
        short_name: Some("示例省".into()),
        category: None,
        level: None,
        nature: None,
        credit_code: None,
        domain_name: Some("示例省.政务".into()),
        founding_doc: None,
        founding_date: None,
        sort: 1,
        abolished: false,
    }
}

/// The highest id of each table so far: the next part's ids start above them.
#[derive(Debug, Clone, Copy, Default)]
struct Offsets {
    org: i64,
    ledger: i64,
    posts: i64,
    person: i64,
    event: i64,
    approval: i64,
}

impl Offsets {
    fn after(self, d: &Dataset) -> Offsets {
        let max = |ids: &mut dyn Iterator<Item = i64>| ids.max().unwrap_or(0);
        Offsets {
            org: self.org + max(&mut d.orgs.iter().map(|o| o.id)),
            ledger: self.ledger + max(&mut d.ledger.iter().map(|e| e.id)),
            posts: self.posts + max(&mut d.posts.iter().map(|e| e.id)),
            person: self.person + max(&mut d.persons.iter().map(|p| p.id)),
            event: self.event + max(&mut d.events.iter().map(|e| e.id)),
            approval: self.approval + max(&mut d.approvals.iter().map(|a| a.id)),
        }
    }
}

/// Moves a city world under the province: ids shifted by `at`, the root under the
/// province unit, 示例市 renamed, ID numbers given the city's area code.
fn renumber(d: &mut Dataset, at: Offsets, name: &str, code: &str, sort: i32) {
    let org = |id: OrgId| id + at.org;
    let rename = |s: &mut String| {
        if s.contains("示例市") {
            *s = s.replace("示例市", name);
        }
    };
    for o in &mut d.orgs {
        o.id = org(o.id);
        o.parent_id = Some(o.parent_id.map_or(PROVINCE_ROOT, org));
        if o.parent_id == Some(PROVINCE_ROOT) {
            o.sort = sort;
        }
        rename(&mut o.name);
        if let Some(s) = &mut o.short_name {
            rename(s);
        }
        if let Some(s) = &mut o.domain_name {
            rename(s);
        }
    }
    for e in &mut d.ledger {
        e.id += at.ledger;
        e.org_id = org(e.org_id);
    }
    for e in &mut d.posts {
        e.id += at.posts;
        e.org_id = org(e.org_id);
    }
    for p in &mut d.persons {
        p.id += at.person;
        p.org_id = org(p.org_id);
        p.id_number = with_area(&p.id_number, code);
    }
    for e in &mut d.events {
        e.id += at.event;
        e.subject = match e.subject {
            Subject::Org(id) => Subject::Org(org(id)),
            Subject::Person(id) => Subject::Person(id + at.person),
        };
        e.from_org = e.from_org.map(org);
        e.to_org = e.to_org.map(org);
        rename(&mut e.summary);
    }
    for a in &mut d.approvals {
        a.id += at.approval;
        a.org_id = org(a.org_id);
        a.person_id = a.person_id.map(|p| p + at.person);
        a.new_parent_id = a.new_parent_id.map(org);
        rename(&mut a.summary);
    }
}

/// An ID number of the city world (area `9901xx`) with the city's area code
/// (`99<code>xx`); its check character recomputed if it was right (a deliberately wrong
/// one stays wrong).
fn with_area(id: &str, code: &str) -> String {
    let b = id.as_bytes();
    if b.len() != 18 || !id.is_ascii() || !id.starts_with("9901") {
        return id.to_string();
    }
    let was_valid = id_check_char(&b[..17]) == b[17] as char;
    let mut s = format!("99{code}{}", &id[4..17]);
    if was_valid {
        let c = id_check_char(s.as_bytes());
        s.push(c);
    } else {
        s.push(b[17] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_takes_the_citys_area_and_stays_valid() {
        let id = crate::model::idcard::make_id("990102", "1980-05-06".parse().unwrap(), 17);
        let moved = with_area(&id, "15");
        assert!(moved.starts_with("991502"));
        assert!(crate::model::idcard::parse_id(&moved).is_ok(), "{moved}");
        assert_eq!(with_area("123", "15"), "123");
    }
}
