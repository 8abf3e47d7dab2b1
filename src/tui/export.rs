//! Export of the table on screen (the key, or `:export [csv|xlsx] [directory or file]`):
//! the screen's own table through `report`, so the file has the screen's columns and
//! rows; ID numbers as the screen shows them (masked); every export in the audit log.

use crate::report::standard::{Report, write_report_xlsx};
use crate::report::{self, Table};
use crate::store::Store;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    pub table: Table,
    pub format: Format,
    /// A directory to put a named file in, or the file itself.
    pub target: PathBuf,
    pub is_file: bool,
    /// A standard report on screen: its workbook is printed as offices print it.
    pub report: Option<Box<Report>>,
    /// A screen of several tables (a comparison): a workbook of a sheet each.
    pub book: Option<Vec<Table>>,
}

impl ExportJob {
    /// `arg` is what followed `:export`: a format word, a directory or a file name, in
    /// any order; nothing means CSV in the current directory.
    pub fn new(table: Table, arg: &str) -> ExportJob {
        let mut format = None;
        let mut target = None;
        for word in arg.split_whitespace() {
            match word.to_ascii_lowercase().as_str() {
                "csv" => format = Some(Format::Csv),
                "xlsx" | "excel" => format = Some(Format::Xlsx),
                _ => target = Some(PathBuf::from(word)),
            }
        }
        let from_ext = target.as_ref().and_then(|p| {
            match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
                "csv" => Some(Format::Csv),
                "xlsx" => Some(Format::Xlsx),
                _ => None,
            }
        });
        ExportJob {
            table,
            format: format.or(from_ext).unwrap_or(Format::Csv),
            is_file: from_ext.is_some(),
            target: target.unwrap_or_else(|| PathBuf::from(".")),
            report: None,
            book: None,
        }
    }

    /// A standard report goes out as a workbook unless CSV is asked for by name.
    pub fn with_report(mut self, report: Option<Report>, arg: &str) -> ExportJob {
        if let Some(r) = report {
            let csv = arg.to_ascii_lowercase().contains("csv");
            if !csv && !self.is_file {
                self.format = Format::Xlsx;
            }
            self.report = Some(Box::new(r));
        }
        self
    }

    /// A screen of several tables goes out as one workbook unless CSV is asked for by
    /// name (then the table on screen).
    pub fn with_book(mut self, book: Option<Vec<Table>>, arg: &str) -> ExportJob {
        if let Some(b) = book {
            let csv = arg.to_ascii_lowercase().contains("csv");
            if !csv && !self.is_file {
                self.format = Format::Xlsx;
            }
            if self.format == Format::Xlsx {
                self.book = Some(b);
            }
        }
        self
    }

    /// The file written: the named file, or `bianzhi-<title>-<time>.<ext>` in the directory.
    pub fn path(&self, stamp: &str) -> PathBuf {
        if self.is_file {
            return self.target.clone();
        }
        let title: String = self
            .table
            .title
            .chars()
            .map(|c| {
                if c.is_whitespace() || "/\\:*?\"<>|：".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        self.target
            .join(format!("bianzhi-{title}-{stamp}.{}", self.format.ext()))
    }
}

/// Writes the file and records it in the audit log; the note for the status line, or
/// what went wrong in an operator's words.
pub fn write(store: &Store, job: &ExportJob, stamp: &str) -> Result<(PathBuf, String), String> {
    let path = job.path(stamp);
    if !job.is_file && !Path::new(&job.target).is_dir() {
        return Err(format!("导出目录不存在：{}", job.target.display()));
    }
    match job.format {
        Format::Csv => report::write_csv(&job.table, &path),
        Format::Xlsx => match (&job.report, &job.book) {
            (Some(r), _) => write_report_xlsx(r, &path),
            (None, Some(book)) => report::write_xlsx_book(book, &path),
            (None, None) => report::write_xlsx(&job.table, &path),
        },
    }
    .map_err(|e| format!("{e}（{}）", path.display()))?;
    let rows = match &job.book {
        // The summary sheet aside, a row of the book is a row of the screen's data.
        Some(book) => book.iter().skip(1).map(|t| t.rows.len()).sum(),
        None => job.table.rows.len(),
    };
    store
        .audit(
            crate::store::timeline::AuditAction::Export,
            &crate::store::audit::AuditDetail::Exported {
                what: job.table.title.clone(),
                format: job.format.ext().to_string(),
                path: path.display().to_string(),
                full_ids: false,
            },
            Some(rows as i64),
        )
        .map_err(|e| e.to_string())?;
    Ok((path.clone(), format!("{}（{rows}）", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_the_format_and_the_place_in_any_order() {
        let t = Table {
            title: "示例县 编制/各单位".into(),
            ..Table::default()
        };
        let j = ExportJob::new(t.clone(), "");
        assert_eq!((j.format, j.is_file), (Format::Csv, false));
        assert_eq!(
            j.path("20250305-103000"),
            PathBuf::from("./bianzhi-示例县_编制_各单位-20250305-103000.csv")
        );
        let j = ExportJob::new(t.clone(), "xlsx /tmp");
        assert_eq!((j.format, j.target.clone()), (Format::Xlsx, "/tmp".into()));
        let j = ExportJob::new(t, "/tmp/q.XLSX");
        assert_eq!((j.format, j.is_file), (Format::Xlsx, true));
        assert_eq!(j.path("x"), PathBuf::from("/tmp/q.XLSX"));
    }
}
