//! `bianzhi compare FILE`: another department's roster against the books (比对).
//! Reading and matching live in `crate::compare`; here the books are read from the
//! cache, the outcome printed (a table within 80 columns, or JSON) and written to a
//! workbook. ID numbers are masked everywhere; the comparison is recorded in the audit
//! log, since it reads personal data.

use super::Ctx;
use super::out::outln;
use super::query::resolve_org;
use super::table;
use super::words::W;
use crate::compare::{self, Books, Category, Comparison, Entry, Error, Field, Roster};
use crate::model::idcard::IdProblem;
use crate::model::{Lang, Org, OrgId, Person, PersonStatus, StaffingType, mask_id};
use crate::report::{self, Table};
use crate::store::audit::AuditDetail;
use crate::store::queries;
use crate::store::timeline::AuditAction;
use anyhow::{Context as _, Result};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The roster: XLSX, XLS or CSV (UTF-8, with or without BOM, or GBK/GB18030).
    pub file: PathBuf,
    /// Compare with this unit's subtree (id or name); default every unit of the cache.
    #[arg(long)]
    pub org: Option<String>,
    /// Every row with its category, as JSON (ID numbers masked).
    #[arg(long)]
    pub json: bool,
    /// Also write the differences to this workbook: a summary and one sheet per category.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Which column holds a field, when its header is not a usual one: `列名=字段`
    /// (字段: 姓名/name, 身份证号/id, 单位/unit, 编制类型/staffing). May be repeated.
    #[arg(long = "map", value_name = "列名=字段")]
    pub maps: Vec<String>,
}

/// The operator's words for a roster that cannot be read.
pub fn say(e: &Error, lang: Lang) -> String {
    let fields = |f: &[String]| f.join(W::NameSep.get(lang));
    match e {
        Error::Empty => W::CmpEEmpty.get(lang).into(),
        Error::NotASpreadsheet => W::CmpENotSpreadsheet.get(lang).into(),
        Error::Encoding(name) => W::CmpEEncoding.fill(lang, &[name]),
        Error::Spreadsheet(why) => W::CmpESpreadsheet.fill(lang, &[why]),
        Error::Csv(why) => W::CmpECsv.fill(lang, &[why]),
        Error::CellTooLong {
            line,
            column,
            chars,
        } => W::CmpETooLong.fill(lang, &[line, column, chars]),
        Error::MissingColumn { field, found } => {
            W::CmpEMissing.fill(lang, &[&field.label(lang), &fields(found)])
        }
        Error::NoSuchColumn { column, found } => {
            W::CmpENoSuchColumn.fill(lang, &[column, &fields(found)])
        }
        Error::BadMap(spec) => W::CmpEBadMap.fill(lang, &[spec]),
    }
}

pub fn compare(ctx: &Ctx, a: CompareArgs) -> Result<()> {
    let lang = ctx.lang;
    let maps = a
        .maps
        .iter()
        .map(|m| compare::parse_map(m))
        .collect::<compare::Result<Vec<_>>>()
        .map_err(|e| anyhow::anyhow!(say(&e, lang)))?;
    let started = std::time::Instant::now();
    // The roster is read on a second thread while this one reads the books from the
    // cache: neither depends on the other (2 cores: about the shorter of the two saved).
    let file = a.file.clone();
    let reader = std::thread::spawn(move || -> Result<(compare::Roster, std::time::Duration)> {
        let bytes = std::fs::read(&file).with_context(|| ctx_reading(lang, &file))?;
        let roster = compare::read_roster(&bytes, &maps)
            .map_err(|e| anyhow::anyhow!(say(&e, lang)))
            .with_context(|| ctx_reading(lang, &file))?;
        drop(bytes);
        Ok((roster, started.elapsed()))
    });
    let books = (|| -> Result<_> {
        let store = ctx.store()?;
        // The books as the server sent them: a fix still waiting is not yet on the books.
        let (orgs, persons, _waiting) = crate::store::pending::books_as_synced(store.conn())?;
        Ok((store, orgs, persons, started.elapsed()))
    })();
    let (roster, read) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("roster reader stopped"))??;
    let (store, orgs, persons, books_read) = books?;
    let conn = store.conn();
    let (scope_name, scope): (String, HashSet<OrgId>) = match &a.org {
        Some(o) => {
            let org = resolve_org(&store, o, lang)?;
            let ids = queries::subtree_ids(conn, org.id)?;
            (org.name, ids.into_iter().collect())
        }
        None => (
            ctx.w(W::CmpWholeCache).to_string(),
            orgs.iter().map(|o| o.id).collect(),
        ),
    };
    let books = Books {
        orgs: &orgs,
        persons: &persons,
        scope: &scope,
    };
    let loaded = started.elapsed();
    let result = compare::compare(&roster, &books);
    let matched = started.elapsed();
    let view = View {
        lang,
        roster: &roster,
        persons: &persons,
        units: orgs.iter().map(|o| (o.id, o)).collect(),
    };
    // Personal data was read: who compared what, never whom.
    store.audit(
        AuditAction::Compare,
        &AuditDetail::Compared {
            file: a.file.display().to_string(),
            rows: roster.rows.len() as i64,
            // The unit by its name; every unit: empty, worded by the reader.
            scope: if a.org.is_some() {
                scope_name.clone()
            } else {
                String::new()
            },
            matched: result.count(Category::Match) as i64,
        },
        Some(roster.rows.len() as i64),
    )?;
    if let Some(out) = &a.out {
        // A sheet at a time, each table dropped once written (constant memory).
        let sheets = (|| -> std::result::Result<usize, report::ExportError> {
            let mut book = report::XlsxBook::new(out)?;
            let sheets = view.workbook(&result, &mut book)?;
            book.save()?;
            Ok(sheets)
        })()
        .with_context(|| ctx.f(W::CmpWriting, &[&out.display()]))?;
        if !a.json {
            outln!("{}", ctx.f(W::CmpWritten, &[&out.display(), &sheets]))?;
        }
    }
    if a.json {
        view.json(&result, &a.file.display().to_string(), &scope_name)?;
    } else {
        view.print(&result, &a.file.display().to_string(), &scope_name)?;
    }
    // Where the time goes, for docs/BENCHMARKS.md; counts only, nothing personal.
    tracing::info!(
        rows = roster.rows.len(),
        persons = persons.len(),
        read_ms = read.as_millis() as u64,
        both_ms = loaded.as_millis() as u64,
        books_ms = books_read.as_millis() as u64,
        match_ms = (matched - loaded).as_millis() as u64,
        output_ms = (started.elapsed() - matched).as_millis() as u64,
        "compare"
    );
    // The process ends here: the roster, the books and the entries (hundreds of
    // thousands of small allocations for a city) are left to the system rather than
    // freed one by one.
    let _ = std::mem::ManuallyDrop::new((result, roster, persons, orgs));
    Ok(())
}

/// "Reading FILE" as the context of an error, off the command line's thread.
fn ctx_reading(lang: Lang, file: &std::path::Path) -> String {
    W::CmpReading.fill(lang, &[&file.display()])
}

/// What the outcome is shown with.
struct View<'a> {
    lang: Lang,
    roster: &'a Roster,
    persons: &'a [Person],
    units: HashMap<OrgId, &'a Org>,
}

/// Widths of the difference table's columns (display cells); 说明 takes what is left
/// of 80 columns.
const NAME_CELLS: usize = 8;
const ROW_CELLS: usize = 6;
const SCREEN: usize = 80;

impl View<'_> {
    fn w(&self, w: W) -> &'static str {
        w.get(self.lang)
    }

    fn person(&self, e: &Entry) -> Option<&Person> {
        e.person.map(|i| &self.persons[i])
    }

    fn unit_name(&self, id: OrgId) -> String {
        self.units
            .get(&id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn staffing(&self, t: Option<StaffingType>) -> String {
        match t {
            Some(t) => t.label(self.lang).to_string(),
            None => self.w(W::CmpOutside).to_string(),
        }
    }

    /// The name and masked ID number of an entry: the roster's when it has a row.
    fn who(&self, e: &Entry) -> (String, String) {
        match (e.row, self.person(e)) {
            (Some(r), _) => {
                let row = &self.roster.rows[r];
                let id = e.id_number.as_deref().unwrap_or(&row.id_number);
                let id = if id.trim().is_empty() {
                    String::new()
                } else {
                    mask_id(id)
                };
                (row.name.clone(), id)
            }
            (None, Some(p)) => (p.name.clone(), mask_id(&p.id_number)),
            (None, None) => (String::new(), String::new()),
        }
    }

    fn id_problem(&self, p: &IdProblem) -> String {
        match p {
            IdProblem::Length { got: n } => W::CmpIdLength.fill(self.lang, &[n]),
            IdProblem::NotDigits => self.w(W::CmpIdDigits).into(),
            IdProblem::CheckCharacter { expected } => W::CmpIdCheck.fill(self.lang, &[expected]),
            IdProblem::BadBirthDate => self.w(W::CmpIdBirth).into(),
        }
    }

    /// What an operator needs to know of one difference, in a few words.
    fn detail(&self, e: &Entry) -> String {
        let lang = self.lang;
        let row = e.row.map(|r| &self.roster.rows[r]);
        let p = self.person(e);
        let mut parts: Vec<String> = Vec::new();
        for c in std::iter::once(e.category).chain(e.also.iter().copied()) {
            let part = match (c, p) {
                (Category::NameDiffers, Some(p)) => W::CmpBooksName.fill(lang, &[&p.name]),
                (Category::UnitDiffers | Category::NotOnRoster, Some(p)) => {
                    W::CmpBooksUnit.fill(lang, &[&self.unit_name(p.org_id)])
                }
                (Category::StaffingDiffers, Some(p)) => W::CmpBooksStaffing.fill(
                    lang,
                    &[
                        &self.staffing(p.staffing_type),
                        &row.and_then(|r| r.staffing.clone()).unwrap_or_default(),
                    ],
                ),
                (Category::LeftButListed, Some(p)) => W::CmpLeft.fill(
                    lang,
                    &[
                        &p.exit_kind.map(|k| k.label(lang)).unwrap_or_default(),
                        &p.exit_date.map(|d| d.to_string()).unwrap_or_default(),
                    ],
                ),
                (Category::NotOnBooks, Some(p)) if p.status == PersonStatus::Pending => {
                    self.w(W::CmpPending).into()
                }
                (Category::Duplicate, _) => {
                    W::CmpSameAs.fill(lang, &[&e.duplicate_of.unwrap_or(0)])
                }
                (Category::InvalidId, _) => match &e.id_problem {
                    Some(pr) => self.id_problem(pr),
                    None => self.w(W::CmpNoId).into(),
                },
                _ => continue,
            };
            parts.push(part);
        }
        if e.by_name {
            parts.push(self.w(W::CmpByName).into());
        }
        parts.join(if lang == Lang::Zh { "；" } else { "; " })
    }

    fn print(&self, c: &Comparison, file: &str, scope: &str) -> Result<()> {
        let lang = self.lang;
        outln!(
            "{}",
            W::CmpTitle.fill(
                lang,
                &[
                    &file,
                    &self.roster.format,
                    &self.roster.rows.len(),
                    &scope,
                    &c.persons_in_scope
                ]
            )
        )?;
        if !self.roster.unused.is_empty() {
            let sep = W::NameSep.get(lang);
            outln!(
                "{}",
                W::CmpUnused.fill(lang, &[&self.roster.unused.join(sep)])
            )?;
        }
        if !self.roster.has(Field::Unit) {
            outln!("{}", self.w(W::CmpNoUnitColumn))?;
        }
        if !self.roster.has(Field::StaffingType) {
            outln!("{}", self.w(W::CmpNoStaffingColumn))?;
        }
        outln!()?;
        let counts: Vec<Vec<String>> = c
            .counts()
            .into_iter()
            .map(|(cat, n)| vec![cat.label(lang).to_string(), n.to_string()])
            .collect();
        let header = [self.w(W::CmpCategory), self.w(W::CmpCount)];
        table::render(&header, &counts)
            .lines()
            .try_for_each(|l| outln!("{l}"))?;
        outln!(
            "{}",
            W::CmpRate.fill(
                lang,
                &[
                    &format!("{:.1}", c.match_rate() * 100.0),
                    &c.count(Category::Match),
                    &c.entries.len()
                ]
            )
        )?;
        outln!()?;
        let diffs: Vec<&Entry> = c
            .entries
            .iter()
            .filter(|e| e.category != Category::Match || e.by_name)
            .collect();
        if diffs.is_empty() {
            outln!("{}", self.w(W::CmpNoDifferences))?;
            return Ok(());
        }
        let cat_cells = Category::ALL
            .iter()
            .map(|c| c.label(lang).width())
            .max()
            .unwrap_or(8);
        // Five columns, two spaces between each; the masked ID number is 18 cells.
        let detail_cells = SCREEN - (cat_cells + ROW_CELLS + NAME_CELLS + 18 + 4 * 2);
        let rows: Vec<Vec<String>> = diffs
            .iter()
            .map(|e| {
                let (name, id) = self.who(e);
                vec![
                    e.category.label(lang).to_string(),
                    e.row
                        .map(|r| self.roster.rows[r].line.to_string())
                        .unwrap_or_default(),
                    clip(&name, NAME_CELLS),
                    clip(&id, 18),
                    clip(&self.detail(e), detail_cells),
                ]
            })
            .collect();
        let header = [
            self.w(W::CmpCategory),
            self.w(W::CmpRow),
            self.w(W::CmpName),
            self.w(W::CmpId),
            self.w(W::CmpDetail),
        ];
        for l in table::render(&header, &rows).lines() {
            outln!("{l}")?;
        }
        Ok(())
    }

    /// The outcome as JSON, one entry a line as it is made (a city's comparison holds
    /// 200,000 entries: as one document in memory it took over a gigabyte).
    fn json(&self, c: &Comparison, file: &str, scope: &str) -> Result<()> {
        use serde_json::json;
        let head = json!({
            "file": file,
            "format": self.roster.format,
            "scope": scope,
            "rows": self.roster.rows.len(),
            "persons_in_scope": c.persons_in_scope,
            "unused_columns": self.roster.unused,
            "counts": c.counts().into_iter().map(|(cat, n)| json!({
                "category": cat.zh(),
                "category_key": cat.key(),
                "count": n,
            })).collect::<Vec<_>>(),
            "match_rate": c.match_rate(),
        });
        outln!("{{")?;
        if let serde_json::Value::Object(fields) = head {
            for (k, v) in fields {
                outln!("  {}: {},", serde_json::to_string(&k)?, v)?;
            }
        }
        outln!("  \"entries\": [")?;
        let n = c.entries.len();
        for (i, e) in c.entries.iter().enumerate() {
            let row = e.row.map(|r| &self.roster.rows[r]);
            let p = self.person(e);
            let (name, id) = self.who(e);
            let entry = json!({
                "category": e.category.zh(),
                "category_key": e.category.key(),
                "also": e.also.iter().map(|c| c.zh()).collect::<Vec<_>>(),
                "row": row.map(|r| r.line),
                "name": name,
                "id_number": id,
                "unit": row.and_then(|r| r.unit.clone()),
                "staffing_type": row.and_then(|r| r.staffing.clone()),
                "by_name": e.by_name,
                "duplicate_of": e.duplicate_of,
                "person_id": p.map(|p| p.id),
                "books_name": p.map(|p| p.name.clone()),
                "books_unit": p.map(|p| self.unit_name(p.org_id)),
                "books_staffing_type": p.map(|p| p.staffing_type.map(|t| t.zh())),
                "books_status": p.map(|p| p.status.zh()),
                "exit_kind": p.and_then(|p| p.exit_kind.map(|k| k.zh())),
                "exit_date": p.and_then(|p| p.exit_date),
                "detail": self.detail(e),
            });
            outln!("    {entry}{}", if i + 1 < n { "," } else { "" })?;
        }
        outln!("  ]")?;
        outln!("}}")?;
        Ok(())
    }

    /// A summary sheet, then one sheet per category (ID numbers masked), added to `book`
    /// a row at a time (never a category's rows together: 一致 is most of a city); the
    /// number of sheets.
    fn workbook(
        &self,
        c: &Comparison,
        book: &mut report::XlsxBook,
    ) -> std::result::Result<usize, report::ExportError> {
        let lang = self.lang;
        let mut summary: Vec<Vec<String>> = c
            .counts()
            .into_iter()
            .map(|(cat, n)| vec![cat.label(lang).to_string(), n.to_string()])
            .collect();
        summary.push(vec![
            self.w(W::CmpRateCol).to_string(),
            format!("{:.1}%", c.match_rate() * 100.0),
        ]);
        book.add(&Table {
            title: self.w(W::CmpSummary).to_string(),
            header: vec![self.w(W::CmpCategory).into(), self.w(W::CmpCount).into()],
            rows: summary,
        })?;
        let header: Vec<String> = [
            W::CmpRow,
            W::CmpName,
            W::CmpId,
            W::CmpRosterUnit,
            W::CmpRosterStaffing,
            W::CmpBooksNameCol,
            W::CmpBooksUnitCol,
            W::CmpBooksStaffingCol,
            W::CmpDetail,
        ]
        .iter()
        .map(|w| self.w(*w).to_string())
        .collect();
        for cat in Category::ALL {
            let entries = || c.entries.iter().filter(move |e| e.category == cat);
            // The columns are sized before the first row is written: the rows are made
            // twice rather than held.
            let mut widths = [0usize; 9];
            for e in entries() {
                for (w, cell) in widths.iter_mut().zip(self.sheet_row(e)) {
                    *w = (*w).max(cell.width());
                }
            }
            let rows = entries().map(|e| self.sheet_row(e));
            book.add_rows(cat.label(lang), &header, &widths, rows)?;
        }
        Ok(1 + Category::ALL.len())
    }

    /// One entry as a row of its category's sheet.
    fn sheet_row(&self, e: &Entry) -> [String; 9] {
        let row = e.row.map(|r| &self.roster.rows[r]);
        let p = self.person(e);
        let (name, id) = self.who(e);
        [
            row.map(|r| r.line.to_string()).unwrap_or_default(),
            name,
            id,
            row.and_then(|r| r.unit.clone()).unwrap_or_default(),
            row.and_then(|r| r.staffing.clone()).unwrap_or_default(),
            p.map(|p| p.name.clone()).unwrap_or_default(),
            p.map(|p| self.unit_name(p.org_id)).unwrap_or_default(),
            p.map(|p| self.staffing(p.staffing_type))
                .unwrap_or_default(),
            self.detail(e),
        ]
    }
}

/// `s` cut to at most `cells` display cells, with `…` when cut.
fn clip(s: &str, cells: usize) -> String {
    if s.width() <= cells {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > cells {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}
