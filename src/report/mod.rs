//! Tables as the operator sees them, built once and used by the screen, the command
//! line and exports (CSV, XLSX), so an exported file has the screen's columns.

use crate::model::quota::QuotaFigure;
use crate::model::*;
use crate::store::warnings::{self, Filter};
use crate::store::{Result, queries};
use rusqlite::Connection;
use std::path::Path;

/// A titled table of text cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The marks of three-colour management as words, for files and monochrome screens.
pub fn status_word(f: &QuotaFigure) -> &'static str {
    if f.is_over() {
        "超编"
    } else if f.is_full() {
        "满编"
    } else if f.traffic() == quota::Traffic::Amber {
        "紧张"
    } else {
        "有空编"
    }
}

/// Quota figures of every unit in a subtree, one row per unit and staffing type.
pub fn quota_table(conn: &Connection, root: OrgId) -> Result<Table> {
    let mut rows = Vec::new();
    for id in queries::subtree_ids(conn, root)? {
        let figures = queries::unit_figures(conn, id)?;
        if figures.quota.is_empty() {
            continue;
        }
        let path = queries::path_text(conn, id)?;
        for (t, q) in &figures.quota {
            rows.push(vec![
                id.to_string(),
                path.clone(),
                t.zh().to_string(),
                q.approved.to_string(),
                q.actual.to_string(),
                q.reserved.to_string(),
                q.vacant.to_string(),
                q.over.to_string(),
                q.usable.to_string(),
                status_word(q).to_string(),
            ]);
        }
    }
    let name = queries::org(conn, root)?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Table {
        title: format!("{name} 编制使用情况"),
        header: strings(&[
            "编号",
            "单位",
            "编制类型",
            "核定",
            "实有",
            "已批未用",
            "空编",
            "超编",
            "可使用",
            "状态",
        ]),
        rows,
    })
}

/// Persons on the books of a subtree. ID numbers and birth dates masked unless revealed.
pub fn persons_table(conn: &Connection, root: OrgId, reveal: bool) -> Result<Table> {
    let mut rows = Vec::new();
    for id in queries::subtree_ids(conn, root)? {
        let path = queries::path_text(conn, id)?;
        for p in queries::persons_of(conn, id, true)? {
            let birth = if reveal {
                p.birth_date.map(|d| d.to_string()).unwrap_or_default()
            } else {
                mask_birth(p.birth_date)
            };
            rows.push(vec![
                p.id.to_string(),
                p.name.clone(),
                path.clone(),
                if reveal {
                    p.id_number.clone()
                } else {
                    mask_id(&p.id_number)
                },
                p.sex.zh().into(),
                birth,
                p.staffing_type
                    .map_or("编外".into(), |t| t.zh().to_string()),
                p.post_type.zh().into(),
                p.post.clone().unwrap_or_default(),
                p.education.map(|e| e.zh().to_string()).unwrap_or_default(),
            ]);
        }
    }
    Ok(Table {
        title: "实有人员".into(),
        header: strings(&[
            "编号",
            "姓名",
            "单位",
            "身份证号",
            "性别",
            "出生日期",
            "占编类型",
            "岗位类型",
            "职务",
            "学历",
        ]),
        rows,
    })
}

/// Warnings as the warnings list shows them.
pub fn warnings_table(conn: &Connection, filter: Filter) -> Result<Table> {
    let rows = warnings::warnings(conn, filter)?
        .into_iter()
        .map(|w| {
            vec![
                w.kind.zh().to_string(),
                w.org_id.to_string(),
                w.org_name,
                w.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                w.retirement_date.map(|m| m.to_string()).unwrap_or_default(),
                w.message,
            ]
        })
        .collect();
    Ok(Table {
        title: "预警".into(),
        header: strings(&["类别", "单位编号", "单位", "人员", "退休时间", "说明"]),
        rows,
    })
}

/// Open requests, oldest first.
pub fn inbox_table(conn: &Connection) -> Result<Table> {
    let mut rows = Vec::new();
    for a in queries::open_approvals(conn)? {
        rows.push(vec![
            a.id.to_string(),
            a.kind.zh().to_string(),
            queries::path_text(conn, a.org_id)?,
            a.summary.clone(),
            a.submitted_on.to_string(),
            a.submitted_by.clone(),
        ]);
    }
    Ok(Table {
        title: "待审批".into(),
        header: strings(&["编号", "类别", "单位", "摘要", "提交日期", "提交人"]),
        rows,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("写入 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    #[error("写入 Excel 失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("写入文件失败：{0}")]
    Io(#[from] std::io::Error),
}

/// CSV with a UTF-8 byte-order mark, so spreadsheet programs read the Chinese right.
pub fn write_csv(t: &Table, path: &Path) -> std::result::Result<(), ExportError> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        w.write_record(&t.header)?;
        for r in &t.rows {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    crate::config::write_private(path, &bytes)?;
    Ok(())
}

/// XLSX with a bold header row, frozen, and columns as wide as their contents.
pub fn write_xlsx(t: &Table, path: &Path) -> std::result::Result<(), ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    use unicode_width::UnicodeWidthStr;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let name: String = t
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.is_empty() {
        ws.set_name(&name)?;
    }
    let bold = Format::new().set_bold();
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Figures go in as numbers so clerks can sum them; ids and codes stay text.
            match cell.parse::<i64>() {
                Ok(n) if !cell.starts_with('0') || cell == "0" => {
                    ws.write_number(r, c, n as f64)?
                }
                _ => ws.write_string(r, c, cell)?,
            };
        }
    }
    for c in 0..t.header.len() {
        let widest = std::iter::once(&t.header[c])
            .chain(t.rows.iter().filter_map(|r| r.get(c)))
            .map(|s| s.width())
            .max()
            .unwrap_or(4);
        ws.set_column_width(c as u16, (widest as f64 + 2.0).min(60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    let tmp = path.with_extension("partial");
    wb.save(&tmp)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests;
