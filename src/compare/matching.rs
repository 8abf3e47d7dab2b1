//! Matching a roster against the books, in one pass over each with hash maps.
//!
//! The rules, once:
//! 1. A row whose ID number normalises (`model::idcard::normalize_id`: spaces,
//!    full-width digits, lower-case x, 15 → 18 digits) and passes GB 11643 is matched by
//!    it, before any row without one. A second row with the same number is 名单内重复.
//!    No person holds it: 名单有、在册无; a person who has left holds it: 名单有、已出编.
//!    A person on the books holds it: the first of name, unit, staffing type that
//!    differs names the category (the others are listed with it), or 一致.
//! 2. A row without a usable ID number but with a name and a unit is matched on the name
//!    among the persons on the books of that unit not matched yet (only when exactly one
//!    fits), and flagged `by_name`. A number that is written but fails GB 11643 makes
//!    the row 身份证号无效 whether or not the name matched; an empty one with a name
//!    that found nobody makes it 名单有、在册无; a row with neither ID nor name and unit
//!    is 身份证号无效 (nothing to match it on).
//! 3. Persons on the books (在职) within the scope that no row matched: 在册有、名单无.
//!
//! Units are compared by name after normalising spaces, full-width forms and brackets,
//! and accepting the short forms people use (`search::unit_aliases`: 简称, the name
//! without the region, 卫健委 …). A person in an internal department (内设机构) also
//! matches the name of the unit the department belongs to.

use super::{Category, Roster, RosterRow};
use crate::model::idcard::{IdProblem, normalize_id};
use crate::model::{Org, OrgId, OrgKind, Person, PersonStatus, StaffingType};
use crate::search::unit_aliases;
use std::collections::{HashMap, HashSet};

/// What the comparison reads of the books: every unit and every person of the cache
/// (ID numbers are looked up across all of them, so a person who left, or who is on
/// the books outside the scope, is still recognised), and the scope.
pub struct Books<'a> {
    pub orgs: &'a [Org],
    pub persons: &'a [Person],
    /// Units within the scope (`--org` subtree, or every unit).
    pub scope: &'a HashSet<OrgId>,
}

/// One row of the roster, one person on the books, or a row and the person it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub category: Category,
    /// Index into the roster's rows.
    pub row: Option<usize>,
    /// Index into the books' persons.
    pub person: Option<usize>,
    /// Other fields that differ too (after the one naming the category).
    pub also: Vec<Category>,
    /// Matched on name within the unit, without a usable ID number.
    pub by_name: bool,
    /// For 名单内重复: the row number (as in the file) of the first row with this ID.
    pub duplicate_of: Option<usize>,
    /// For 身份证号无效: what is wrong with the number (None when it is missing).
    pub id_problem: Option<IdProblem>,
    /// The roster's ID number normalised, when it passed its check.
    pub id_number: Option<String>,
}

/// The outcome: every entry, ordered by roster row then by person.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub entries: Vec<Entry>,
    /// Persons on the books within the scope.
    pub persons_in_scope: usize,
}

impl Comparison {
    pub fn count(&self, c: Category) -> usize {
        self.entries.iter().filter(|e| e.category == c).count()
    }

    /// Counts per category, in [`Category::ALL`]'s order.
    pub fn counts(&self) -> Vec<(Category, usize)> {
        let mut n: HashMap<Category, usize> = HashMap::new();
        for e in &self.entries {
            *n.entry(e.category).or_default() += 1;
        }
        Category::ALL
            .iter()
            .map(|c| (*c, n.get(c).copied().unwrap_or(0)))
            .collect()
    }

    /// 一致率: 一致 over all entries (every roster row and every unlisted person), so a
    /// roster that leaves people out scores as low as one with extra rows.
    pub fn match_rate(&self) -> f64 {
        if self.entries.is_empty() {
            return 0.0;
        }
        self.count(Category::Match) as f64 / self.entries.len() as f64
    }
}

/// A staffing type as a roster writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterStaffing {
    /// Empty cell: not compared.
    Unknown,
    /// 编外 (no staffing type).
    Outside,
    Type(StaffingType),
    /// Written, but no staffing type we know: a difference.
    Unreadable,
}

impl RosterStaffing {
    /// 行政编制, 行政, 行政编, administrative …; 编外 or 无 for none.
    pub fn parse(s: &str) -> RosterStaffing {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return RosterStaffing::Unknown;
        }
        if matches!(s.as_str(), "编外" | "无" | "编外人员") {
            return RosterStaffing::Outside;
        }
        if let Some(t) = StaffingType::parse(&s) {
            return RosterStaffing::Type(t);
        }
        let body = s
            .strip_suffix("编制")
            .or_else(|| s.strip_suffix('编'))
            .unwrap_or(&s);
        let body = body
            .strip_suffix("事业")
            .filter(|b| *b == "参公")
            .unwrap_or(body);
        StaffingType::ALL
            .iter()
            .find(|t| t.short(crate::model::Lang::Zh) == body)
            .map_or(RosterStaffing::Unreadable, |t| RosterStaffing::Type(*t))
    }

    fn differs(self, books: Option<StaffingType>) -> bool {
        match self {
            RosterStaffing::Unknown => false,
            RosterStaffing::Outside => books.is_some(),
            RosterStaffing::Type(t) => books != Some(t),
            RosterStaffing::Unreadable => true,
        }
    }
}

/// A unit's name as compared: no spaces, ASCII and brackets in one width.
pub fn normalize_unit(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() || c == '\u{3000}' => None,
            '（' => Some('('),
            '）' => Some(')'),
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            c => Some(c),
        })
        .collect()
}

/// A person's name as compared: no spaces, one middle dot (维吾尔族 names).
fn normalize_name(s: &str) -> String {
    name_chars(s).collect()
}

/// The characters of a name as compared (see [`normalize_name`]).
fn name_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '•' | '・' | '．' | '.' | '∙' | '‧' => '·',
            c => c,
        })
}

/// Every name a unit goes by → the units going by it.
struct UnitNames {
    by_name: HashMap<String, Vec<OrgId>>,
    /// For an internal department: the unit it belongs to (its name matches too).
    owner: HashMap<OrgId, OrgId>,
}

impl UnitNames {
    fn new(orgs: &[Org]) -> UnitNames {
        let mut by_name: HashMap<String, Vec<OrgId>> = HashMap::new();
        let mut owner = HashMap::new();
        for o in orgs {
            let mut names = vec![o.name.clone()];
            names.extend(o.short_name.clone());
            names.extend(unit_aliases(&o.name, o.short_name.as_deref()));
            let mut seen = HashSet::new();
            for n in names {
                let key = normalize_unit(&n);
                if !key.is_empty() && seen.insert(key.clone()) {
                    by_name.entry(key).or_default().push(o.id);
                }
            }
            if o.kind == OrgKind::InternalDept
                && let Some(p) = o.parent_id
            {
                owner.insert(o.id, p);
            }
        }
        for ids in by_name.values_mut() {
            ids.sort_unstable();
        }
        UnitNames { by_name, owner }
    }

    /// Units a roster's unit cell may mean. A path (`青山县 › 县发改委`, `青山县/教育局`)
    /// means its last step when the whole of it names no unit.
    fn lookup(&self, written: &str) -> &[OrgId] {
        let key = normalize_unit(written);
        if let Some(v) = self.by_name.get(&key) {
            return v;
        }
        key.rsplit(['›', '>', '/', '\\', '|'])
            .find(|s| !s.is_empty())
            .and_then(|last| self.by_name.get(last))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a person of unit `org` fits the roster's unit cell `written`.
    /// Whether a person of unit `org` is in `units` (what a cell looked up names).
    fn fits_in(&self, org: OrgId, units: &[OrgId]) -> bool {
        // Common short forms (县教育局) name hundreds of units in a city: the lists are
        // in ascending id order (see `new`), so a binary search, not a scan.
        let has = |id: &OrgId| units.binary_search(id).is_ok();
        has(&org) || self.owner.get(&org).is_some_and(has)
    }
}

/// Compares a roster with the books. Each row and each person on the books within the
/// scope ends in exactly one entry.
pub fn compare(roster: &Roster, books: &Books) -> Comparison {
    let units = UnitNames::new(books.orgs);
    // ID number → the person holding it; when a number was held twice (left, then
    // came back) the one on the books wins.
    let rank = |p: &Person| match p.status {
        PersonStatus::Active => 3,
        PersonStatus::Pending => 2,
        PersonStatus::Retired | PersonStatus::Former => 1,
    };
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(books.persons.len());
    for (i, p) in books.persons.iter().enumerate() {
        let slot = by_id.entry(p.id_number.as_str()).or_insert(i);
        if rank(p) > rank(&books.persons[*slot]) {
            *slot = i;
        }
    }
    let mut matched = vec![false; books.persons.len()];
    let mut seen = Seen::default();
    let mut first_row: HashMap<String, usize> = HashMap::with_capacity(roster.rows.len());
    let mut entries: Vec<Entry> = Vec::with_capacity(roster.rows.len() + books.persons.len());
    let entry = |category, row| Entry {
        category,
        row: Some(row),
        person: None,
        also: Vec::new(),
        by_name: false,
        duplicate_of: None,
        id_problem: None,
        id_number: None,
    };
    // Pass 1: rows with a usable ID number.
    let mut without_id: Vec<(usize, Option<IdProblem>)> = Vec::new();
    for (r, row) in roster.rows.iter().enumerate() {
        if row.id_number.trim().is_empty() {
            without_id.push((r, None));
            continue;
        }
        let id = match normalize_id(&row.id_number) {
            Ok((id, _)) => id,
            Err(problem) => {
                without_id.push((r, Some(problem)));
                continue;
            }
        };
        if let Some(&first) = first_row.get(&id) {
            entries.push(Entry {
                duplicate_of: Some(roster.rows[first].line),
                id_number: Some(id),
                ..entry(Category::Duplicate, r)
            });
            continue;
        }
        first_row.insert(id.clone(), r);
        let found = by_id.get(id.as_str()).copied();
        let mut e = Entry {
            id_number: Some(id),
            ..entry(Category::NotOnBooks, r)
        };
        if let Some(i) = found {
            let p = &books.persons[i];
            e.person = Some(i);
            match p.status {
                PersonStatus::Active => {
                    matched[i] = true;
                    let diffs = differences(row, p, &units, &mut seen);
                    e.category = diffs.first().copied().unwrap_or(Category::Match);
                    e.also = diffs.into_iter().skip(1).collect();
                }
                PersonStatus::Retired | PersonStatus::Former => {
                    e.category = Category::LeftButListed;
                }
                // Not yet entered (拟入编): not on the books; the person is shown.
                PersonStatus::Pending => {}
            }
        }
        entries.push(e);
    }
    // Pass 2: rows without a usable ID number, matched on name within their unit:
    // (unit, name) → persons on the books, built only when such rows exist.
    let mut by_name: HashMap<(OrgId, String), Vec<usize>> = HashMap::new();
    if !without_id.is_empty() {
        for (i, p) in books.persons.iter().enumerate() {
            if p.status != PersonStatus::Active {
                continue;
            }
            let name = normalize_name(&p.name);
            if let Some(owner) = units.owner.get(&p.org_id) {
                by_name.entry((*owner, name.clone())).or_default().push(i);
            }
            by_name.entry((p.org_id, name)).or_default().push(i);
        }
    }
    for (r, problem) in without_id {
        let row = &roster.rows[r];
        let category = if problem.is_some() {
            Category::InvalidId
        } else {
            Category::NotOnBooks
        };
        let mut e = Entry {
            id_problem: problem,
            ..entry(category, r)
        };
        let unit = row.unit.as_deref().unwrap_or("").trim();
        let name = normalize_name(&row.name);
        if unit.is_empty() || name.is_empty() {
            e.category = Category::InvalidId;
            entries.push(e);
            continue;
        }
        e.by_name = true;
        let mut found: Vec<usize> = units
            .lookup(unit)
            .iter()
            .filter_map(|org| by_name.get(&(*org, name.clone())))
            .flatten()
            .copied()
            .filter(|&i| !matched[i])
            .collect();
        found.sort_unstable();
        found.dedup();
        if let [i] = found[..] {
            matched[i] = true;
            e.person = Some(i);
            if e.category != Category::InvalidId {
                let diffs = differences(row, &books.persons[i], &units, &mut seen);
                e.category = diffs.first().copied().unwrap_or(Category::Match);
                e.also = diffs.into_iter().skip(1).collect();
            }
        }
        entries.push(e);
    }
    entries.sort_by_key(|e| e.row);
    // Pass 3: persons on the books within the scope that no row matched.
    let mut persons_in_scope = 0;
    for (i, p) in books.persons.iter().enumerate() {
        if p.status != PersonStatus::Active || !books.scope.contains(&p.org_id) {
            continue;
        }
        persons_in_scope += 1;
        if !matched[i] {
            entries.push(Entry {
                category: Category::NotOnRoster,
                row: None,
                person: Some(i),
                also: Vec::new(),
                by_name: false,
                duplicate_of: None,
                id_problem: None,
                id_number: None,
            });
        }
    }
    Comparison {
        entries,
        persons_in_scope,
    }
}

/// What a roster writes again and again (a few hundred unit names, a handful of
/// staffing types over 200,000 rows), read once per distinct cell.
#[derive(Default)]
struct Seen<'r, 'u> {
    units: HashMap<&'r str, &'u [OrgId]>,
    staffing: HashMap<&'r str, RosterStaffing>,
}

/// The fields of a matched pair that differ, in [`Category`]'s order.
fn differences<'r, 'u>(
    row: &'r RosterRow,
    p: &Person,
    units: &'u UnitNames,
    seen: &mut Seen<'r, 'u>,
) -> Vec<Category> {
    let mut out = Vec::new();
    if !name_chars(&row.name).eq(name_chars(&p.name)) {
        out.push(Category::NameDiffers);
    }
    if let Some(u) = row.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        let ids = *seen.units.entry(u).or_insert_with(|| units.lookup(u));
        if !units.fits_in(p.org_id, ids) {
            out.push(Category::UnitDiffers);
        }
    }
    if let Some(s) = row.staffing.as_deref() {
        let parsed = *seen
            .staffing
            .entry(s)
            .or_insert_with(|| RosterStaffing::parse(s));
        if parsed.differs(p.staffing_type) {
            out.push(Category::StaffingDiffers);
        }
    }
    out
}
