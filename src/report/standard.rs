//! The standard reports (标准报表) offices file and print: each a function from the rows
//! of a subtree, as they stood on a date, to a [`Report`] of one shape (title,
//! jurisdiction, as-of date, columns, rows, totals), so that a script reads any report
//! the same way and the workbook writer prints any of them.
//!
//! Every figure goes through the model: 核定/实有/空编/超编 through
//! `model::quota::UnitTally` (fed the ledger entries dated on or before the day and the
//! persons on the books that day, `Person::as_on`, in the units they were in and with
//! the units under the parents they had: `store::books::subtree_rows_on`), retirement months through
//! `model::retirement`, age bands through `store::stats::AgeBand`.

use super::{ExportError, write_private};
use crate::model::forecast::retiring_year;
use crate::model::quota::{PostFigure, QuotaFigure, UnitTally};
use crate::model::*;
use crate::store::Result;
use crate::store::books::{SubtreeRows, subtree_rows_on};
use crate::store::stats::AgeBand;
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One cell: a figure, or words (labels, unit names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Number(i64),
    Text(String),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Number(n) => n.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }
    fn n(&self) -> i64 {
        match self {
            Cell::Number(n) => *n,
            Cell::Text(_) => 0,
        }
    }
}

/// A column under its group: the two rows of a printed header. A column whose group
/// is its own name spans both rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub group: String,
    pub name: String,
}

impl Column {
    fn single(name: String) -> Column {
        Column {
            group: name.clone(),
            name,
        }
    }
    fn under(group: &str, name: String) -> Column {
        Column {
            group: group.to_string(),
            name,
        }
    }
    /// The column's name in a flat header (JSON, CSV, the terminal): `group/name`
    /// when it sits under a group.
    pub fn flat(&self) -> String {
        if self.group == self.name {
            self.name.clone()
        } else {
            format!("{}/{}", self.group, self.name)
        }
    }
}

/// A standard report: what `--format json` prints, with the two-row header kept for
/// the workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub title: String,
    pub jurisdiction: String,
    pub as_of: NaiveDate,
    /// 人员变动表's first day (its last is `as_of`); null in the other reports, so
    /// that every report has the same keys.
    pub from: Option<NaiveDate>,
    /// Flat column names, in the order of every row's cells.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The totals row (合计): label cells, then the column sums.
    pub totals: Vec<Cell>,
    #[serde(skip)]
    pub header: Vec<Column>,
    /// `编制单位：… 截至：…` in the report's language.
    #[serde(skip)]
    pub subtitle: String,
    /// Label columns at the left of every row (the rest are figures, or a list of names).
    #[serde(skip)]
    pub lead: usize,
}

/// The reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 机构编制和实有人员总表
    Establishment,
    /// 事业单位情况表
    Institutions,
    /// 领导职数表
    Posts,
    /// 人员变动表
    Changes,
    /// 人员结构表
    Structure,
    /// 退休预测表
    Retirement,
    /// 内设机构、编制、领导职数及实有人员信息表 (of one unit)
    Unit,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Establishment,
        Kind::Institutions,
        Kind::Posts,
        Kind::Changes,
        Kind::Structure,
        Kind::Retirement,
        Kind::Unit,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Establishment => "establishment",
            Kind::Institutions => "institutions",
            Kind::Posts => "posts",
            Kind::Changes => "changes",
            Kind::Structure => "structure",
            Kind::Retirement => "retirement",
            Kind::Unit => "unit",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Kind::Establishment => (
                "机构编制和实有人员总表",
                "Establishment and staff on the books",
            ),
            Kind::Institutions => ("事业单位情况表", "Public institutions"),
            Kind::Posts => ("领导职数表", "Leadership posts"),
            Kind::Changes => ("人员变动表", "Staff changes"),
            Kind::Structure => ("人员结构表", "Staff structure"),
            Kind::Retirement => ("退休预测表", "Retirement forecast"),
            Kind::Unit => (
                "内设机构、编制、领导职数及实有人员信息表",
                "Departments, quota, leadership posts and staff",
            ),
        };
        pick(lang, zh, en)
    }

    /// The day the report stands on when none is asked for: the annual statistical
    /// report (总表) is filed with figures as of 31 December, so it is the last year's
    /// end; every other report stands today.
    pub fn default_as_of(self, today: NaiveDate) -> NaiveDate {
        match self {
            Kind::Establishment => {
                NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).expect("31 December")
            }
            _ => today,
        }
    }

    /// By its command-line name or its Chinese title.
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim();
        Kind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s) || k.title(Lang::Zh) == s)
    }
}

/// What a report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The subtree reported on.
    pub root: OrgId,
    /// Figures as they stood at the end of this day.
    pub as_of: NaiveDate,
    /// The period of 人员变动表 (both days included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lang: Lang,
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn s(lang: Lang, zh: &'static str, en: &'static str) -> String {
    pick(lang, zh, en).to_string()
}

/// Builds a report of the subtree's rows.
pub fn build(conn: &Connection, kind: Kind, p: &Params) -> Result<Report> {
    // 人员变动表 places persons as they stood at the period's end.
    let day = if kind == Kind::Changes { p.to } else { p.as_of };
    let rows = subtree_rows_on(conn, p.root, day)?;
    let books = Books::new(&rows, p.root, p.as_of);
    let lang = p.lang;
    let (header, lead, body) = match kind {
        Kind::Establishment => establishment(&books, lang),
        Kind::Institutions => institutions(&books, &rows, lang),
        Kind::Posts => posts(&books, lang),
        Kind::Changes => changes(&rows, p.from, p.to, lang),
        Kind::Structure => structure(&books, lang),
        Kind::Retirement => retirement(&books, lang),
        Kind::Unit => unit(&books, lang),
    };
    let as_of = if kind == Kind::Changes { p.to } else { p.as_of };
    let mut title = kind.title(lang).to_string();
    if kind == Kind::Changes {
        title.push_str(&match lang {
            Lang::Zh => format!("（{}至{}）", p.from, p.to),
            Lang::En => format!(" ({} to {})", p.from, p.to),
        });
    }
    let jurisdiction = books.name(p.root);
    let subtitle = match lang {
        Lang::Zh => format!("编制单位：{jurisdiction}    截至：{as_of}"),
        Lang::En => format!("Jurisdiction: {jurisdiction}    As of: {as_of}"),
    };
    let totals = totals_of(&body, header.len(), lead, lang);
    Ok(Report {
        title,
        jurisdiction,
        as_of,
        from: (kind == Kind::Changes).then_some(p.from),
        columns: header.iter().map(Column::flat).collect(),
        rows: body,
        totals,
        header,
        subtitle,
        lead,
    })
}

/// The totals row: 合计 in the first label column, then each figure column's sum (a
/// column of words stays empty).
fn totals_of(body: &[Vec<Cell>], width: usize, lead: usize, lang: Lang) -> Vec<Cell> {
    (0..width)
        .map(|c| {
            if c == 0 {
                Cell::Text(s(lang, "合计", "Total"))
            } else if c < lead || body.iter().any(|r| matches!(r[c], Cell::Text(_))) {
                Cell::Text(String::new())
            } else {
                Cell::Number(body.iter().map(|r| r[c].n()).sum())
            }
        })
        .collect()
}

/// The subtree as it stood on a day: each unit's tally and the persons then on the
/// books.
struct Books<'a> {
    orgs: HashMap<OrgId, &'a Org>,
    tallies: BTreeMap<OrgId, UnitTally>,
    /// Persons on the books on the day, as they stood then.
    persons: Vec<Person>,
    as_of: NaiveDate,
    root: OrgId,
}

impl<'a> Books<'a> {
    fn new(rows: &'a SubtreeRows, root: OrgId, as_of: NaiveDate) -> Books<'a> {
        let mut tallies: BTreeMap<OrgId, UnitTally> = BTreeMap::new();
        for e in rows.ledger.iter().filter(|e| e.date <= as_of) {
            tallies
                .entry(e.org_id)
                .or_default()
                .ledger(e.staffing_type, e.delta.into());
        }
        for e in rows.posts.iter().filter(|e| e.date <= as_of) {
            tallies
                .entry(e.org_id)
                .or_default()
                .post_ledger(e.slot, e.delta.into());
        }
        let persons: Vec<Person> = rows.persons.iter().filter_map(|p| p.as_on(as_of)).collect();
        for p in &persons {
            tallies.entry(p.org_id).or_default().person(p);
        }
        Books {
            orgs: rows.orgs.iter().map(|o| (o.id, o)).collect(),
            tallies,
            persons,
            as_of,
            root,
        }
    }

    /// The 系统 a unit belongs to: its own category, or the nearest ancestor's.
    fn system(&self, id: OrgId) -> Option<Category> {
        let mut cur = Some(id);
        let mut steps = 0;
        while let Some(o) = cur.and_then(|c| self.orgs.get(&c)) {
            if let Some(c) = o.category {
                return Some(c);
            }
            if o.id == self.root || steps > 64 {
                break;
            }
            cur = o.parent_id;
            steps += 1;
        }
        None
    }

    fn name(&self, id: OrgId) -> String {
        self.orgs
            .get(&id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn short_name(&self, id: OrgId) -> String {
        self.orgs
            .get(&id)
            .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
            .unwrap_or_default()
    }

    /// Persons counted in 实有 on the day.
    fn occupying(&self) -> impl Iterator<Item = &Person> {
        self.persons.iter().filter(|p| p.occupies_quota())
    }
}

/// A system's label; units under no category are 未分类.
fn system_word(c: Option<Category>, lang: Lang) -> String {
    c.map_or_else(
        || s(lang, "未分类", "unclassified"),
        |c| c.label(lang).into(),
    )
}

/// Systems in the vocabulary's order, the unclassified last.
fn system_key(c: Option<Category>) -> u8 {
    c.map_or(u8::MAX, Category::code)
}

type Body = (Vec<Column>, usize, Vec<Vec<Cell>>);

fn quota_columns(lang: Lang) -> Vec<Column> {
    let g = pick(lang, "编制", "Quota");
    vec![
        Column::under(g, s(lang, "核定", "approved")),
        Column::under(g, s(lang, "实有", "actual")),
        Column::under(g, s(lang, "空编", "vacant")),
        Column::under(g, s(lang, "超编", "over")),
    ]
}

/// 机构编制和实有人员总表: by 系统 and 编制类型, the units holding that type and their
/// summed figures (空编 and 超编 summed unit by unit, as `model::quota` adds them).
fn establishment(b: &Books, lang: Lang) -> Body {
    let mut acc: BTreeMap<(u8, StaffingType), (Option<Category>, i64, QuotaFigure)> =
        BTreeMap::new();
    for (&org, tally) in &b.tallies {
        let sys = b.system(org);
        for (t, f) in tally.quota() {
            if f.approved == 0 && f.actual == 0 {
                continue;
            }
            let e = acc
                .entry((system_key(sys), t))
                .or_insert((sys, 0, QuotaFigure::default()));
            e.1 += 1;
            e.2 += f;
        }
    }
    let mut header = vec![
        Column::single(s(lang, "系统", "System")),
        Column::single(s(lang, "编制类型", "Staffing type")),
        Column::single(s(lang, "单位数", "Units")),
    ];
    header.extend(quota_columns(lang));
    let rows = acc
        .into_iter()
        .map(|((_, t), (sys, units, f))| {
            vec![
                Cell::Text(system_word(sys, lang)),
                Cell::Text(t.label(lang).into()),
                Cell::Number(units),
                Cell::Number(f.approved),
                Cell::Number(f.actual),
                Cell::Number(f.vacant),
                Cell::Number(f.over),
            ]
        })
        .collect();
    (header, 2, rows)
}

/// The classes of 事业单位情况表, from the units' nature.
const INSTITUTION_CLASSES: [(Nature, &str, &str); 4] = [
    (Nature::PublicWelfare1, "公益一类", "public welfare I"),
    (Nature::PublicWelfare2, "公益二类", "public welfare II"),
    (Nature::Commercial, "生产经营类", "commercial"),
    (Nature::CivilServiceManaged, "参公", "civil-service-managed"),
];

/// 事业单位情况表: units of each class by their funding type (经费形式: of the unit's
/// latest ledger entry on or before the day that states one), with 核定 and 实有 of all
/// staffing types.
fn institutions(b: &Books, rows: &SubtreeRows, lang: Lang) -> Body {
    let mut funding: HashMap<OrgId, (NaiveDate, i64, FundingType)> = HashMap::new();
    for e in rows.ledger.iter().filter(|e| e.date <= b.as_of) {
        if let Some(f) = e.funding_type {
            let slot = funding.entry(e.org_id).or_insert((e.date, e.id, f));
            if (e.date, e.id) >= (slot.0, slot.1) {
                *slot = (e.date, e.id, f);
            }
        }
    }
    // Funding groups: the three types, then 未明确.
    let groups: Vec<Option<FundingType>> = FundingType::ALL
        .iter()
        .copied()
        .map(Some)
        .chain([None])
        .collect();
    let group_word = |f: Option<FundingType>| match (f, lang) {
        (Some(f), Lang::Zh) => super::funding_word(f).to_string(),
        (Some(f), Lang::En) => f.en().to_string(),
        (None, _) => s(lang, "未明确", "not stated"),
    };
    let mut header = vec![Column::single(s(lang, "类别", "Class"))];
    let total_word = s(lang, "合计", "Total");
    for g in groups
        .iter()
        .map(|f| group_word(*f))
        .chain([total_word.clone()])
    {
        header.push(Column::under(&g, s(lang, "单位数", "units")));
        header.push(Column::under(&g, s(lang, "核定", "approved")));
        header.push(Column::under(&g, s(lang, "实有", "actual")));
    }
    let mut body = Vec::new();
    for (nature, zh, en) in INSTITUTION_CLASSES {
        let mut cells = vec![[0i64; 3]; groups.len() + 1];
        for o in b.orgs.values() {
            let is_unit = matches!(o.kind, OrgKind::Institution | OrgKind::PublicInstitution);
            if !is_unit || o.nature != Some(nature) {
                continue;
            }
            let f = b
                .tallies
                .get(&o.id)
                .map(|t| t.figures().total())
                .unwrap_or_default();
            let g = funding.get(&o.id).map(|x| x.2);
            let i = groups
                .iter()
                .position(|x| *x == g)
                .unwrap_or(groups.len() - 1);
            for slot in [i, groups.len()] {
                cells[slot][0] += 1;
                cells[slot][1] += f.approved;
                cells[slot][2] += f.actual;
            }
        }
        let mut row = vec![Cell::Text(pick(lang, zh, en).into())];
        row.extend(cells.iter().flatten().map(|n| Cell::Number(*n)));
        body.push(row);
    }
    (header, 1, body)
}

/// 领导职数表: by level, 核定职数 and 实配 of 正职 and 副职, and the units over their
/// posts at that level.
fn posts(b: &Books, lang: Lang) -> Body {
    let mut by_level: BTreeMap<Level, ([PostFigure; 2], Vec<OrgId>)> = BTreeMap::new();
    for (&org, tally) in &b.tallies {
        for (slot, f) in tally.posts() {
            let e = by_level.entry(slot.level).or_default();
            let i = usize::from(slot.rank == PostRank::Deputy);
            e.0[i] += f;
            if f.over > 0 && !e.1.contains(&org) {
                e.1.push(org);
            }
        }
    }
    let mut header = vec![Column::single(s(lang, "机构规格", "Level"))];
    for rank in PostRank::ALL {
        let g = rank.label(lang);
        header.push(Column::under(g, s(lang, "核定职数", "approved")));
        header.push(Column::under(g, s(lang, "实配", "filled")));
        header.push(Column::under(g, s(lang, "空缺", "vacant")));
        header.push(Column::under(g, s(lang, "超职数", "over")));
    }
    let g = pick(lang, "超职数单位", "Units over");
    header.push(Column::under(g, s(lang, "单位数", "units")));
    header.push(Column::under(g, s(lang, "单位", "names")));
    let rows = by_level
        .into_iter()
        .map(|(level, (figs, over))| {
            let mut row = vec![Cell::Text(level.label(lang).into())];
            for f in figs {
                row.extend([f.approved, f.actual, f.vacant, f.over].map(Cell::Number));
            }
            row.push(Cell::Number(over.len() as i64));
            let names: Vec<String> = over.iter().map(|id| b.short_name(*id)).collect();
            row.push(Cell::Text(names.join(pick(lang, "、", ", "))));
            row
        })
        .collect();
    (header, 1, rows)
}

/// 人员变动表: entries (入编 dated in the period) by 进入形式 and exits (出编 dated in
/// it) by 减员方式, per staffing type held (编外 last).
fn changes(rows: &SubtreeRows, from: NaiveDate, to: NaiveDate, lang: Lang) -> Body {
    let within = |d: Option<NaiveDate>| d.is_some_and(|d| from <= d && d <= to);
    let types: Vec<Option<StaffingType>> = StaffingType::ALL
        .iter()
        .copied()
        .map(Some)
        .chain([None])
        .collect();
    let forms = EntryForm::ALL.len();
    let kinds = ExitKind::ALL.len();
    // Per type: entries by form (+ 未填), exits by kind.
    let mut counts = vec![(vec![0i64; forms + 1], vec![0i64; kinds]); types.len()];
    for p in &rows.persons {
        let Some(t) = types.iter().position(|t| *t == p.staffing_type) else {
            continue;
        };
        if p.status != PersonStatus::Pending && within(p.entry_date) {
            let i = p
                .entry_form
                .and_then(|f| EntryForm::ALL.iter().position(|x| *x == f))
                .unwrap_or(forms);
            counts[t].0[i] += 1;
        }
        if let Some(k) = p.exit_kind
            && within(p.exit_date)
            && let Some(i) = ExitKind::ALL.iter().position(|x| *x == k)
        {
            counts[t].1[i] += 1;
        }
    }
    let mut header = vec![Column::single(s(lang, "编制类型", "Staffing type"))];
    let g = pick(lang, "增员（进入形式）", "Entries (by form)");
    for f in EntryForm::ALL {
        header.push(Column::under(g, f.label(lang).into()));
    }
    header.push(Column::under(g, s(lang, "未填", "not stated")));
    header.push(Column::under(g, s(lang, "小计", "subtotal")));
    let g = pick(lang, "减员（减员方式）", "Exits (by kind)");
    for k in ExitKind::ALL {
        header.push(Column::under(g, k.label(lang).into()));
    }
    header.push(Column::under(g, s(lang, "小计", "subtotal")));
    let body = types
        .iter()
        .zip(counts)
        .map(|(t, (entries, exits))| {
            let label = t.map_or_else(
                || s(lang, "编外", "outside quota"),
                |t| t.label(lang).into(),
            );
            let mut row = vec![Cell::Text(label)];
            row.extend(entries.iter().map(|n| Cell::Number(*n)));
            row.push(Cell::Number(entries.iter().sum()));
            row.extend(exits.iter().map(|n| Cell::Number(*n)));
            row.push(Cell::Number(exits.iter().sum()));
            row
        })
        .collect();
    (header, 1, body)
}

/// 人员结构表: the persons counted in 实有 on the day, by 系统: age bands, education,
/// post type, sex, ethnicity (汉族 / 少数民族), political status.
fn structure(b: &Books, lang: Lang) -> Body {
    let unknown = || s(lang, "未填", "not stated");
    let mut header = vec![
        Column::single(s(lang, "系统", "System")),
        Column::single(s(lang, "人数", "Persons")),
    ];
    let g = pick(lang, "年龄", "Age");
    header.extend(AgeBand::ALL.map(|a| Column::under(g, a.label(lang).into())));
    let g = pick(lang, "学历", "Education");
    header.extend(
        Education::ALL
            .iter()
            .map(|e| Column::under(g, e.label(lang).into())),
    );
    header.push(Column::under(g, unknown()));
    let g = pick(lang, "岗位类型", "Post type");
    header.extend(
        PostType::ALL
            .iter()
            .map(|e| Column::under(g, e.label(lang).into())),
    );
    let g = pick(lang, "性别", "Sex");
    header.extend(
        Sex::ALL
            .iter()
            .map(|e| Column::under(g, e.label(lang).into())),
    );
    let g = pick(lang, "民族", "Ethnicity");
    header.push(Column::under(g, s(lang, "汉族", "Han")));
    header.push(Column::under(g, s(lang, "少数民族", "minority")));
    header.push(Column::under(g, unknown()));
    let g = pick(lang, "政治面貌", "Political status");
    header.extend(
        PoliticalStatus::ALL
            .iter()
            .map(|e| Column::under(g, e.label(lang).into())),
    );
    header.push(Column::under(g, unknown()));

    let width = header.len() - 1;
    let mut acc: BTreeMap<u8, (Option<Category>, Vec<i64>)> = BTreeMap::new();
    for c in Category::ALL {
        acc.insert(system_key(Some(*c)), (Some(*c), vec![0; width]));
    }
    for p in b.occupying() {
        let sys = b.system(p.org_id);
        let row = &mut acc
            .entry(system_key(sys))
            .or_insert_with(|| (sys, vec![0; width]))
            .1;
        let mut at = 0;
        let mut mark = |offset: usize, span: usize| {
            row[at + offset] += 1;
            at += span;
        };
        mark(0, 1);
        let band = AgeBand::of(p.birth_date, b.as_of);
        mark(position(&AgeBand::ALL, Some(band)), AgeBand::ALL.len());
        mark(
            position(Education::ALL, p.education),
            Education::ALL.len() + 1,
        );
        mark(
            position(PostType::ALL, Some(p.post_type)),
            PostType::ALL.len(),
        );
        mark(position(Sex::ALL, Some(p.sex)), Sex::ALL.len());
        let eth = match p.ethnicity.trim() {
            "汉族" | "汉" => 0,
            "" => 2,
            _ => 1,
        };
        mark(eth, 3);
        mark(
            position(PoliticalStatus::ALL, p.political_status),
            PoliticalStatus::ALL.len() + 1,
        );
    }
    let rows = acc
        .into_values()
        .map(|(sys, counts)| {
            let mut row = vec![Cell::Text(system_word(sys, lang))];
            row.extend(counts.into_iter().map(Cell::Number));
            row
        })
        .collect();
    (header, 1, rows)
}

/// Where `v` stands in a vocabulary's order; past the end when not stated.
fn position<T: PartialEq>(all: &[T], v: Option<T>) -> usize {
    v.and_then(|v| all.iter().position(|x| *x == v))
        .unwrap_or(all.len())
}

/// Years of the retirement forecast: the as-of year and the four after it.
pub const FORECAST_YEARS: i32 = 5;

/// 退休预测表: for the as-of year and the four after it, the persons counted in 实有 on
/// the day who reach the statutory retirement age (the 2024 rule, to the month) after
/// the as-of month and within that year, by staffing type.
fn retirement(b: &Books, lang: Lang) -> Body {
    let now = YearMonth::of(b.as_of);
    let first = b.as_of.year();
    let types = StaffingType::ALL;
    let mut counts = vec![vec![0i64; types.len()]; FORECAST_YEARS as usize];
    for p in b.occupying() {
        let Some(t) = p.staffing_type else { continue };
        // The forecast's rule (推演 counts the same persons in the same years).
        if let Some(year) = retiring_year(p, now, FORECAST_YEARS as usize) {
            let i = types.iter().position(|x| *x == t).unwrap_or(0);
            counts[year][i] += 1;
        }
    }
    let mut header = vec![Column::single(s(lang, "年度", "Year"))];
    let g = pick(lang, "编制类型", "Staffing type");
    header.extend(types.iter().map(|t| Column::under(g, t.short(lang).into())));
    header.push(Column::single(s(lang, "合计", "Total")));
    let rows = counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![Cell::Text((first + i as i32).to_string())];
            let total = c.iter().sum();
            row.extend(c.into_iter().map(Cell::Number));
            row.push(Cell::Number(total));
            row
        })
        .collect();
    (header, 1, rows)
}

/// 内设机构、编制、领导职数及实有人员信息表: the unit's own row (本级), then one row per
/// internal department or subordinate unit directly under it (with everything under
/// that), in the tree's order: 核定/实有/空编/超编 of all staffing types, 领导职数
/// 核定/实配, persons on the books and those of them outside the quota (编外). The rows
/// partition the subtree, so the totals are the unit's with everything under it.
fn unit(b: &Books, lang: Lang) -> Body {
    let mut children: Vec<&Org> = b
        .orgs
        .values()
        .filter(|o| o.parent_id == Some(b.root) && o.id != b.root)
        .copied()
        .collect();
    children.sort_by_key(|o| (o.sort, o.id));
    // Which row each unit falls in: 0 the unit itself, i + 1 under the i-th child.
    let row_of = |id: OrgId| -> usize {
        let mut cur = id;
        for _ in 0..64 {
            if cur == b.root {
                return 0;
            }
            let Some(o) = b.orgs.get(&cur) else { break };
            if o.parent_id == Some(b.root) {
                return children
                    .iter()
                    .position(|c| c.id == cur)
                    .map_or(0, |i| i + 1);
            }
            match o.parent_id {
                Some(p) => cur = p,
                None => break,
            }
        }
        0
    };
    let mut figs =
        vec![(QuotaFigure::default(), PostFigure::default(), 0i64, 0i64); children.len() + 1];
    for (&org, tally) in &b.tallies {
        let f = &mut figs[row_of(org)];
        for (_, q) in tally.quota() {
            f.0 += q;
        }
        for (_, p) in tally.posts() {
            f.1 += p;
        }
    }
    for p in &b.persons {
        let f = &mut figs[row_of(p.org_id)];
        f.2 += 1;
        f.3 += i64::from(p.staffing_type.is_none());
    }
    let mut header = vec![
        Column::single(s(lang, "名称", "Name")),
        Column::single(s(lang, "机构类型", "Kind")),
        Column::single(s(lang, "机构规格", "Level")),
    ];
    header.extend(quota_columns(lang));
    let g = pick(lang, "领导职数", "Leadership posts");
    header.push(Column::under(g, s(lang, "核定", "approved")));
    header.push(Column::under(g, s(lang, "实配", "filled")));
    let g = pick(lang, "人员", "Staff");
    header.push(Column::under(g, s(lang, "在册", "on the books")));
    header.push(Column::under(g, s(lang, "编外", "outside quota")));
    let own = b.orgs.get(&b.root).copied();
    let rows = std::iter::once(own)
        .chain(children.iter().map(|c| Some(*c)))
        .zip(figs)
        .enumerate()
        .map(|(i, (o, (q, p, on, outside)))| {
            let mut name = o
                .map(|o| o.short_name.clone().unwrap_or_else(|| o.name.clone()))
                .unwrap_or_default();
            if i == 0 {
                name.push_str(pick(lang, "（本级）", " (itself)"));
            }
            let mut row = vec![
                Cell::Text(name),
                Cell::Text(
                    o.map(|o| o.kind.label(lang).to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(
                    o.and_then(|o| o.level)
                        .map(|l| l.label(lang).to_string())
                        .unwrap_or_default(),
                ),
            ];
            row.extend(
                [
                    q.approved, q.actual, q.vacant, q.over, p.approved, p.actual, on, outside,
                ]
                .map(Cell::Number),
            );
            row
        })
        .collect();
    (header, 3, rows)
}

/// The report as offices print it: a title, the jurisdiction and the as-of date, a
/// two-row header with merged cells, the rows, a bold totals row; A4 landscape, the
/// header rows repeated on every page, fitted to the page's width. Written like every
/// export (mode 0600, whole or not at all).
pub fn write_report_xlsx(r: &Report, path: &Path) -> std::result::Result<(), ExportError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    use unicode_width::UnicodeWidthStr;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let sheet: String = r
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !sheet.is_empty() {
        ws.set_name(&sheet)?;
    }
    let last = r.header.len().saturating_sub(1) as u16;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let plain = Format::new().set_align(FormatAlign::Left);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let total = Format::new().set_bold().set_border(FormatBorder::Thin);
    if last > 0 {
        ws.merge_range(0, 0, 0, last, &r.title, &title)?;
        ws.merge_range(1, 0, 1, last, &r.subtitle, &plain)?;
    } else {
        ws.write_string_with_format(0, 0, &r.title, &title)?;
        ws.write_string_with_format(1, 0, &r.subtitle, &plain)?;
    }
    // Two header rows: a column alone spans both; a run of columns under one group
    // shares a merged cell above their names.
    let (top, bottom) = (2u32, 3u32);
    let mut c = 0;
    while c < r.header.len() {
        let col = &r.header[c];
        if col.group == col.name {
            ws.merge_range(top, c as u16, bottom, c as u16, &col.name, &head)?;
            c += 1;
            continue;
        }
        let end = (c..r.header.len())
            .take_while(|&i| {
                r.header[i].group == col.group && r.header[i].group != r.header[i].name
            })
            .last()
            .unwrap_or(c);
        if end > c {
            ws.merge_range(top, c as u16, top, end as u16, &col.group, &head)?;
        } else {
            ws.write_string_with_format(top, c as u16, &col.group, &head)?;
        }
        for i in c..=end {
            ws.write_string_with_format(bottom, i as u16, &r.header[i].name, &head)?;
        }
        c = end + 1;
    }
    let mut write_row =
        |at: u32, row: &[Cell], f: &Format| -> std::result::Result<(), ExportError> {
            for (i, v) in row.iter().enumerate() {
                match v {
                    Cell::Number(n) => ws.write_number_with_format(at, i as u16, *n as f64, f)?,
                    Cell::Text(t) => ws.write_string_with_format(at, i as u16, t, f)?,
                };
            }
            Ok(())
        };
    let first = bottom + 1;
    for (i, row) in r.rows.iter().enumerate() {
        write_row(first + i as u32, row, &cell)?;
    }
    write_row(first + r.rows.len() as u32, &r.totals, &total)?;
    for (i, col) in r.header.iter().enumerate() {
        let widest = std::iter::once(col.name.width())
            .chain(r.rows.iter().map(|row| row[i].text().width()))
            .max()
            .unwrap_or(4);
        ws.set_column_width(i as u16, (widest as f64 + 2.0).clamp(6.0, 40.0))?;
    }
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_repeat_rows(top, bottom)?;
    ws.set_print_fit_to_pages(1, 0);
    ws.set_freeze_panes(first, r.lead as u16)?;
    let bytes = wb.save_to_buffer()?;
    write_private(path, &bytes)?;
    Ok(())
}
