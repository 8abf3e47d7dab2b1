//! Bulk entry (增员导入) from a spreadsheet: `bianzhi person template` writes the form
//! (a column per field, drop-down lists of the allowed values, an example row, the ID
//! column as text); `bianzhi person import FILE --org UNIT --doc 文号` reads it back with
//! the roster comparison's reader (XLSX, XLS, CSV in UTF-8 or GBK), checks every row with
//! the rules of `person add` (`model::edit` and `store::maintain::check`, each row over
//! the rows before it, so the unit's 可使用 goes down row by row), names each error by
//! row and column, and queues the new persons in the outbox only when every row passes
//! (or, with `--valid-only`, the rows that pass, the rest written to a file to fix).

use super::Ctx;
use super::out::outln;
use super::query::resolve_org;
use super::words::W;
use crate::compare;
use crate::model::Lang;
use crate::model::edit::{Edit, FieldError, Intent, PersonField};
use crate::model::idcard::make_id;
use crate::report::{self, Table};
use crate::store::audit::AuditDetail;
use crate::store::pending::{self, Batch};
use crate::store::timeline::AuditAction;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// Where to write the template (XLSX).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The filled-in template: XLSX, XLS or CSV (UTF-8 or GBK).
    pub file: PathBuf,
    /// The unit the persons enter (id or name).
    #[arg(long)]
    pub org: String,
    /// The document number (入编文号) of the entry.
    #[arg(long)]
    pub doc: String,
    /// Queue the rows that pass and write the others, with their errors, to a file.
    #[arg(long)]
    pub valid_only: bool,
    /// Where `--valid-only` writes the rows to fix (default: beside FILE, named
    /// `<FILE>-待改正.xlsx`).
    #[arg(long, requires = "valid_only")]
    pub rest: Option<PathBuf>,
}

/// Rows of the template that carry drop-down lists and text formats.
const TEMPLATE_ROWS: u32 = 2000;

/// The template's example row: a value per field (skipped when read back unchanged).
fn example() -> Vec<(PersonField, String)> {
    let birth = chrono::NaiveDate::from_ymd_opt(1990, 3, 7).unwrap_or_default();
    let first = |f: PersonField| f.choices().first().cloned().unwrap_or_default();
    PersonField::ALL
        .iter()
        .map(|&f| {
            let v = match f {
                PersonField::Name => "张三".to_string(),
                PersonField::IdNumber => make_id("110101", birth, 1),
                PersonField::Sex => "男".into(),
                PersonField::BirthDate => birth.to_string(),
                PersonField::Ethnicity => "汉族".into(),
                PersonField::WorkStart => "2012-07-01".into(),
                PersonField::EntryDoc => "示编〔2025〕1号".into(),
                PersonField::EntryDate => "2025-01-01".into(),
                PersonField::Post => "科员".into(),
                PersonField::Rank => "一级科员".into(),
                PersonField::School => "示例大学".into(),
                PersonField::Major => "法学".into(),
                PersonField::LeaderPost => String::new(),
                PersonField::PoliticalStatus
                | PersonField::FundingType
                | PersonField::EntryForm
                | PersonField::PostType
                | PersonField::Education
                | PersonField::Degree
                | PersonField::StaffingType => first(f),
            };
            (f, v)
        })
        .collect()
}

/// A column's header: the field's Chinese label, `*` before a required one.
fn header(f: PersonField) -> String {
    if f.required() {
        format!("*{}", f.zh())
    } else {
        f.zh().to_string()
    }
}

/// The field a header names (`*` and spaces aside; the label in either language or
/// the key).
fn field_of(h: &str) -> Option<PersonField> {
    PersonField::parse(&compare::header_key(h)).or_else(|| PersonField::parse(h.trim()))
}

pub fn template(ctx: &Ctx, a: TemplateArgs) -> Result<()> {
    use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};
    let lang = ctx.lang;
    let write = || -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let text = Format::new().set_num_format("@");
        let bold = Format::new().set_bold().set_num_format("@");
        let example_format = Format::new().set_italic().set_num_format("@");
        let fields = PersonField::ALL;
        {
            let ws = wb.add_worksheet();
            ws.set_name(W::ImpSheet.get(lang))?;
            for (c, f) in fields.iter().enumerate() {
                let c = c as u16;
                // Every cell text: an ID number, a date or a document number stays as
                // typed (Excel would make 18 digits a float and a date a serial).
                ws.set_column_format(c, &text)?;
                ws.set_column_width(c, (f.zh().chars().count() as f64 * 2.0 + 4.0).max(10.0))?;
                ws.write_string_with_format(0, c, header(*f), &bold)?;
            }
            ws.set_column_width(1, 22)?;
            for (c, (_, v)) in example().iter().enumerate() {
                ws.write_string_with_format(1, c as u16, v, &example_format)?;
            }
            ws.set_freeze_panes(1, 0)?;
            // Drop-down lists from the 取值 sheet (a list written in the rule itself is
            // limited to 255 characters; the ethnic groups alone are more).
            let mut list_col = 0u16;
            for (c, f) in fields.iter().enumerate() {
                let choices = f.choices();
                if choices.is_empty() {
                    continue;
                }
                let col = column_letters(list_col);
                let range = format!("=取值!${col}$2:${col}${}", choices.len() + 1);
                let v = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_title(W::ImpNotAChoiceTitle.get(lang))?
                    .set_error_message(W::ImpNotAChoice.get(lang))?;
                ws.add_data_validation(1, c as u16, TEMPLATE_ROWS, c as u16, &v)?;
                list_col += 1;
            }
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name("取值")?;
            let mut list_col = 0u16;
            for f in fields {
                let choices = f.choices();
                if choices.is_empty() {
                    continue;
                }
                ws.write_string_with_format(0, list_col, f.zh(), &bold)?;
                for (r, v) in choices.iter().enumerate() {
                    ws.write_string(r as u32 + 1, list_col, v)?;
                }
                ws.set_column_width(list_col, 14)?;
                list_col += 1;
            }
        }
        {
            let ws = wb.add_worksheet();
            ws.set_name(W::ImpNotesSheet.get(lang))?;
            let head = [W::FieldLabel, W::ImpRequired, W::KeyFieldHead, W::Choices];
            for (c, w) in head.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, w.get(lang), &bold)?;
            }
            for (r, f) in fields.iter().enumerate() {
                let r = r as u32 + 1;
                ws.write_string(r, 0, f.zh())?;
                ws.write_string(r, 1, if f.required() { "*" } else { "" })?;
                ws.write_string(
                    r,
                    2,
                    if f.locked() {
                        W::KeyField.get(lang)
                    } else {
                        ""
                    },
                )?;
                let choices = f.choices();
                let shown = if choices.len() > 12 {
                    format!("{}…", choices[..12].join("/"))
                } else {
                    choices.join("/")
                };
                ws.write_string(r, 3, shown)?;
            }
            ws.write_string(fields.len() as u32 + 2, 0, W::ImpNotes.get(lang))?;
            ws.set_column_width(0, 16)?;
            ws.set_column_width(3, 80)?;
        }
        wb.save_to_buffer()
    };
    let bytes = write().with_context(|| ctx.f(W::ImpWriting, &[&a.out.display()]))?;
    report::write_private(&a.out, &bytes)
        .with_context(|| ctx.f(W::ImpWriting, &[&a.out.display()]))?;
    outln!(
        "{}",
        ctx.f(
            W::ImpTemplateWritten,
            &[&a.out.display(), &PersonField::ALL.len()]
        )
    )?;
    Ok(())
}

/// A..Z, AA.. for a 0-based column.
fn column_letters(mut c: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// One data row of the file: its row number, its cells as written.
struct Line {
    line: usize,
    cells: Vec<String>,
}

/// What went wrong with a row: the column as the file names it, and why.
struct RowError {
    column: String,
    why: String,
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let lang = ctx.lang;
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyEdit));
    }
    let bytes =
        std::fs::read(&a.file).with_context(|| ctx.f(W::CmpReading, &[&a.file.display()]))?;
    let (_format, table) = compare::read_table(&bytes)
        .map_err(|e| anyhow::anyhow!(super::compare::say(&e, lang)))
        .with_context(|| ctx.f(W::CmpReading, &[&a.file.display()]))?;
    drop(bytes);
    // The header: among the first rows, the one naming the most fields.
    let filled = |r: &Vec<String>| r.iter().any(|c| !c.is_empty());
    let at = table
        .iter()
        .enumerate()
        .take(10)
        .filter(|(_, r)| filled(r))
        .max_by_key(|(i, r)| {
            (
                r.iter().filter(|h| field_of(h).is_some()).count(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(i, _)| i)
        .filter(|&i| table[i].iter().any(|h| field_of(h).is_some()));
    let Some(at) = at else {
        bail!(ctx.w(W::ImpNoHeader));
    };
    let headers = table[at].clone();
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !h.is_empty() && field_of(h).is_none())
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        bail!(ctx.f(W::ImpUnknownColumns, &[&names.join(ctx.w(W::NameSep))]));
    }
    let columns: Vec<Option<PersonField>> = headers.iter().map(|h| field_of(h)).collect();
    let ex: Vec<String> = example().into_iter().map(|(_, v)| v).collect();
    let lines: Vec<Line> = table
        .iter()
        .enumerate()
        .skip(at + 1)
        .filter(|(_, r)| filled(r))
        .map(|(i, r)| Line {
            line: i + 1,
            cells: r.clone(),
        })
        // The template's example row, left as it was written, is not a person.
        .filter(|l| {
            let fields: Vec<String> = PersonField::ALL
                .iter()
                .map(|f| {
                    columns
                        .iter()
                        .position(|c| *c == Some(*f))
                        .and_then(|i| l.cells.get(i).cloned())
                        .unwrap_or_default()
                })
                .collect();
            fields != ex
        })
        .collect();
    if lines.is_empty() {
        bail!(ctx.w(W::ImpNoRows));
    }
    let store = ctx.store()?;
    let unit = resolve_org(&store, &a.org, lang)?;
    let base = pending::cursor(store.conn())?;
    let column_of = |key: &str| -> String {
        columns
            .iter()
            .position(|c| c.is_some_and(|f| f.key() == key))
            .map(|i| headers[i].trim_start_matches(['*', '＊']).to_string())
            .unwrap_or_default()
    };
    // Each row's values in their written form, or the fields that are not values.
    let mut errors: Vec<Vec<RowError>> = Vec::with_capacity(lines.len());
    let mut intents: Vec<(usize, Intent)> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let mut values = Vec::new();
        let mut row_errors = Vec::new();
        for (i, f) in columns.iter().enumerate() {
            let Some(f) = f else { continue };
            let cell = l.cells.get(i).map(String::as_str).unwrap_or("");
            match f.normalize(cell) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => values.push((*f, v)),
                Err(why) => row_errors.push(RowError {
                    column: headers[i].trim_start_matches(['*', '＊']).to_string(),
                    why: why.say(lang),
                }),
            }
        }
        if row_errors.is_empty() {
            intents.push((
                k,
                Intent {
                    edit: Edit::PersonAdd {
                        org_id: unit.id,
                        values,
                    },
                    doc_no: Some(a.doc.clone()),
                    base,
                },
            ));
        }
        errors.push(row_errors);
    }
    let typed_ok = errors.iter().all(Vec::is_empty);
    let keep = if a.valid_only {
        Batch::Valid
    } else if typed_ok {
        Batch::Whole
    } else {
        // A row is already wrong: the others are checked, nothing is queued.
        Batch::Check
    };
    let today = chrono::Local::now().date_naive();
    let only: Vec<Intent> = intents.iter().map(|(_, i)| i.clone()).collect();
    let (committed, outcomes) = pending::queue_batch(store.conn(), &only, today, keep)?;
    for ((k, _), outcome) in intents.iter().zip(&outcomes) {
        if let Err(refused) = outcome {
            errors[*k].extend(refused.iter().map(|e: &FieldError| RowError {
                column: {
                    let c = column_of(&e.field);
                    if c.is_empty() { e.label(lang) } else { c }
                },
                why: e.message(lang),
            }));
        }
    }
    let bad: Vec<usize> = (0..lines.len())
        .filter(|&k| !errors[k].is_empty())
        .collect();
    let queued = if committed {
        outcomes.iter().filter(|o| o.is_ok()).count()
    } else {
        0
    };
    if committed {
        pending::refresh_stale(store.conn())?;
    }
    store.audit(
        AuditAction::Import,
        &AuditDetail::ImportedEntries {
            file: a.file.display().to_string(),
            unit: unit.name.clone(),
            lines: lines.len() as i64,
            queued: queued as i64,
            bad: bad.len() as i64,
        },
        Some(queued as i64),
    )?;
    let say_errors = || -> Result<()> {
        for &k in &bad {
            for e in &errors[k] {
                outln!(
                    "{}",
                    ctx.f(W::ImpRowError, &[&lines[k].line, &e.column, &e.why])
                )?;
            }
        }
        Ok(())
    };
    if !a.valid_only && !bad.is_empty() {
        say_errors()?;
        bail!(ctx.f(W::ImpNothingQueued, &[&bad.len(), &lines.len()]));
    }
    if a.valid_only && !bad.is_empty() {
        say_errors()?;
        let rest = a.rest.clone().unwrap_or_else(|| rest_path(&a.file));
        let mut header = headers.clone();
        header.push(ctx.w(W::ImpErrorColumn).to_string());
        let rows = bad
            .iter()
            .map(|&k| {
                let mut r = lines[k].cells.clone();
                r.resize(headers.len(), String::new());
                let sep = if lang == Lang::Zh { "；" } else { "; " };
                r.push(
                    errors[k]
                        .iter()
                        .map(|e| format!("{}：{}", e.column, e.why))
                        .collect::<Vec<_>>()
                        .join(sep),
                );
                r
            })
            .collect();
        // The clerk's own rows, to fix: ID numbers as typed (mode 0600, like every
        // file of personal data this program writes).
        let t = Table {
            title: W::ImpSheet.get(lang).to_string(),
            header,
            rows,
        };
        report::write_xlsx(&t, &rest).with_context(|| ctx.f(W::ImpWriting, &[&rest.display()]))?;
        outln!(
            "{}",
            ctx.f(W::ImpRestWritten, &[&bad.len(), &rest.display()])
        )?;
    }
    outln!("{}", ctx.f(W::ImpQueued, &[&queued, &unit.name]))?;
    Ok(())
}

/// `名单.xlsx` → `名单-待改正.xlsx` beside it.
fn rest_path(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!("{stem}-待改正.xlsx"))
}
