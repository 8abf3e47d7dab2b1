//! Tables as the operator sees them, built once and used by the screen, the command
//! line and exports (CSV, XLSX), so an exported file has the screen's columns.

use crate::model::quota::{Figures, PostFigure, QuotaFigure};
use crate::model::*;
use crate::store::warnings::{self, Filter, Warning};
use crate::store::{Result, queries};
use rusqlite::Connection;
use std::path::Path;

pub mod forecast;
pub mod standard;

/// A titled table of text cells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[cfg(test)]
fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

macro_rules! words {
    ($($name:ident => $zh:literal, $en:literal;)+) => {
        /// A word of the tables built here (headers, titles, states), one table per
        /// language; domain vocabularies carry their own names in `model::labels`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Word { $($name),+ }

        impl Word {
            /// Every word, for the table's own test.
            pub const ALL: &[Word] = &[$(Word::$name),+];

            pub fn get(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => match self { $(Word::$name => $zh),+ },
                    Lang::En => match self { $(Word::$name => $en),+ },
                }
            }
        }
    };
}

words! {
    Id => "编号", "ID";
    Unit => "单位", "Unit";
    Staffing => "编制类型", "Staffing type";
    Status => "状态", "Status";
    Approved => "核定", "Approved";
    Actual => "实有", "Actual";
    Reserved => "已批未用", "Reserved";
    Vacant => "空编", "Vacant";
    Over => "超编", "Over";
    Usable => "可使用", "Usable";
    OverQuota => "超编", "over quota";
    Full => "满编", "full";
    Tight => "紧张", "tight";
    HasVacancy => "有空编", "has room";
    PostsApproved => "核定职数", "Posts";
    Filled => "实配", "Filled";
    PostsVacant => "空缺", "Vacant";
    PostsOver => "超职数", "Over";
    PostsOverState => "超职数", "over posts";
    PostsFullState => "配满", "all filled";
    PostsVacantState => "有空缺", "has vacancies";
    Name => "姓名", "Name";
    IdNumber => "身份证号", "ID number";
    Sex => "性别", "Sex";
    Birth => "出生日期", "Born";
    Occupies => "占编类型", "Occupies";
    PostType => "岗位类型", "Post type";
    Post => "职务", "Post";
    Education => "学历", "Education";
    OffBooks => "编外", "off the books";
    Quota => "编制", "staffing";
    QuotaUse => "{} 编制使用情况", "{}: use of staffing";
    UnitsOf => "{} {} 各单位", "{}: units, {}";
    PostUnitsOf => "{} {}职数 各单位", "{}: units, {} posts";
    OnBooks => "实有人员", "Staff on the books";
    Total => "合计", "Total";
    Funding => "经费形式", "Funding";
    LeaderPosts => "领导职数", "Leadership posts";
    Warnings => "预警", "Warnings";
    Kind => "类别", "Kind";
    UnitId => "单位编号", "Unit ID";
    Person => "人员", "Person";
    Retires => "退休时间", "Retires";
    Says => "说明", "Details";
    Overview => "全局概况", "Overview";
    Item => "项目", "Item";
    Count => "人数/条数", "Count";
    Retirements => "退休预报", "Retirements";
    Units => "单位", "Units";
    UnitsOver => "超编单位", "units over quota";
    UnitsFull => "满编单位", "units full";
    UnitsOverPosts => "超职数单位", "units over posts";
    Ages => "年龄", "Age";
    NotFilled => "未填", "not filled";
    Inbox => "待审批", "Inbox";
    Summary => "摘要", "Summary";
    SubmittedOn => "提交日期", "Submitted";
    SubmittedBy => "提交人", "Submitted by";
}

impl Word {
    /// The word with its `{}` blanks filled in order.
    pub fn fill(self, lang: Lang, args: &[&dyn std::fmt::Display]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        let mut rest = self.get(lang);
        while let Some(at) = rest.find("{}") {
            out.push_str(&rest[..at]);
            if let Some(a) = args.next() {
                out.push_str(&a.to_string());
            }
            rest = &rest[at + 2..];
        }
        out.push_str(rest);
        out
    }
}

fn words(lang: Lang, v: &[Word]) -> Vec<String> {
    v.iter().map(|w| w.get(lang).to_string()).collect()
}

/// The header of a unit-by-staffing-type quota table (the command line's `export
/// quota` and the drill-down from a subtree figure to its units).
fn quota_header(lang: Lang) -> Vec<String> {
    use Word::*;
    words(
        lang,
        &[
            Id, Unit, Staffing, Approved, Actual, Reserved, Vacant, Over, Usable, Status,
        ],
    )
}

/// The marks of three-colour management as words, for files and monochrome screens.
pub fn status_word(f: &QuotaFigure, lang: Lang) -> &'static str {
    if f.is_over() {
        Word::OverQuota
    } else if f.is_full() {
        Word::Full
    } else if f.traffic() == quota::Traffic::Amber {
        Word::Tight
    } else {
        Word::HasVacancy
    }
    .get(lang)
}

/// 核定, 实有, 已批未用, 空编, 超编, 可使用: the figure columns every quota table has.
pub const FIGURE_COLUMNS: [Word; 6] = [
    Word::Approved,
    Word::Actual,
    Word::Reserved,
    Word::Vacant,
    Word::Over,
    Word::Usable,
];

/// A quota figure's cells, in the order of [`FIGURE_COLUMNS`].
pub fn figure_cells(q: &QuotaFigure) -> [String; 6] {
    [q.approved, q.actual, q.reserved, q.vacant, q.over, q.usable].map(|n| n.to_string())
}

/// The rows of a unit's or a subtree's quota: one per staffing type, then `None` (合计)
/// with the total when there is more than one type.
pub fn quota_lines(figures: &Figures) -> Vec<(Option<StaffingType>, QuotaFigure)> {
    let mut rows: Vec<_> = figures.quota.iter().map(|(t, q)| (Some(*t), *q)).collect();
    if figures.quota.len() > 1 {
        rows.push((None, figures.total()));
    }
    rows
}

/// A staffing type's name in a table, `合计` for the total.
pub fn staffing_word(t: Option<StaffingType>, lang: Lang) -> &'static str {
    t.map_or(Word::Total.get(lang), |t| t.label(lang))
}

fn quota_row(id: OrgId, path: &str, t: StaffingType, q: &QuotaFigure, lang: Lang) -> Vec<String> {
    let mut row = vec![id.to_string(), path.to_string(), t.label(lang).to_string()];
    row.extend(figure_cells(q));
    row.push(status_word(q, lang).to_string());
    row
}

/// Quota figures of every unit in a subtree, one row per unit and staffing type.
pub fn quota_table(conn: &Connection, root: OrgId, lang: Lang) -> Result<Table> {
    let mut rows = Vec::new();
    for id in queries::subtree_ids(conn, root)? {
        let figures = queries::unit_figures(conn, id)?;
        if figures.quota.is_empty() {
            continue;
        }
        let path = queries::path_text(conn, id)?;
        for (t, q) in &figures.quota {
            rows.push(quota_row(id, &path, *t, q, lang));
        }
    }
    let name = queries::org(conn, root)?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Table {
        title: Word::QuotaUse.fill(lang, &[&name]),
        header: quota_header(lang),
        rows,
    })
}

/// The units behind a subtree's figure (one staffing type, or all), worst first: the
/// same columns as [`quota_table`].
pub fn units_table(
    conn: &Connection,
    root: OrgId,
    staffing: Option<StaffingType>,
    lang: Lang,
) -> Result<(Table, Vec<crate::store::stats::UnitFigure>)> {
    let units = crate::store::stats::units_behind(conn, root, staffing)?;
    let mut rows = Vec::with_capacity(units.len());
    for (id, t, q) in &units {
        rows.push(quota_row(*id, &queries::path_text(conn, *id)?, *t, q, lang));
    }
    let name = short_name(conn, root)?;
    let what = staffing.map_or(Word::Quota.get(lang), |t| t.label(lang));
    Ok((
        Table {
            title: Word::UnitsOf.fill(lang, &[&name, &what]),
            header: quota_header(lang),
            rows,
        },
        units,
    ))
}

/// 全额 / 差额 / 自收自支: funding types in the few characters a column has.
pub fn funding_word(f: FundingType) -> &'static str {
    match f {
        FundingType::Full => "全额",
        FundingType::Partial => "差额",
        FundingType::SelfFunded => "自收自支",
    }
}

/// A unit's or a subtree's figures per staffing type, with their funding types and a
/// total row: the quota panel's table.
pub fn figures_table(
    title: &str,
    figures: &Figures,
    funding: &[(StaffingType, Vec<FundingType>)],
    lang: Lang,
) -> Table {
    let rows = quota_lines(figures)
        .iter()
        .map(|(t, q)| {
            let funds = funding
                .iter()
                .find(|(k, _)| Some(*k) == *t)
                .map(|(_, v)| {
                    v.iter()
                        .map(|f| match lang {
                            Lang::Zh => funding_word(*f),
                            Lang::En => f.en(),
                        })
                        .collect::<Vec<_>>()
                        .join(match lang {
                            Lang::Zh => "、",
                            Lang::En => ", ",
                        })
                })
                .unwrap_or_default();
            let staffing = match t {
                Some(t) => t.label(lang),
                None => Word::Total.get(lang),
            };
            let mut row = vec![staffing.to_string(), funds];
            row.extend(figure_cells(q));
            row.push(status_word(q, lang).to_string());
            row
        })
        .collect();
    Table {
        title: title.to_string(),
        header: {
            use Word::*;
            words(
                lang,
                &[
                    Staffing, Funding, Approved, Actual, Reserved, Vacant, Over, Usable, Status,
                ],
            )
        },
        rows,
    }
}

/// 超职数 / 满员 / 有空缺: the mark of a leadership-post figure as a word.
pub fn post_status_word(p: &PostFigure, lang: Lang) -> &'static str {
    if p.over > 0 {
        Word::PostsOverState
    } else if p.approved > 0 && p.vacant == 0 {
        Word::PostsFullState
    } else {
        Word::PostsVacantState
    }
    .get(lang)
}

/// A leadership-post figure's cells: 核定职数, 实配, 空缺, 超职数, 状态.
pub fn post_cells(p: &PostFigure, lang: Lang) -> [String; 5] {
    [
        p.approved.to_string(),
        p.actual.to_string(),
        p.vacant.to_string(),
        p.over.to_string(),
        post_status_word(p, lang).to_string(),
    ]
}

const POST_HEADER: [Word; 5] = [
    Word::PostsApproved,
    Word::Filled,
    Word::PostsVacant,
    Word::PostsOver,
    Word::Status,
];

/// Leadership posts (领导职数) by level and 正/副: approved against filled.
pub fn posts_table(title: &str, figures: &Figures, lang: Lang) -> Table {
    let mut header = vec![Word::LeaderPosts.get(lang).to_string()];
    header.extend(words(lang, &POST_HEADER));
    Table {
        title: title.to_string(),
        header,
        rows: figures
            .posts
            .iter()
            .map(|(slot, p)| {
                let mut row = vec![slot_text(*slot, lang)];
                row.extend(post_cells(p, lang));
                row
            })
            .collect(),
    }
}

/// The units behind a subtree's leadership-post figure: every unit of the subtree with
/// posts of this slot approved or filled, worst first (the most over, then the fewest
/// vacant), as 编号, 单位, then the columns of [`posts_table`].
pub fn post_units_table(
    conn: &Connection,
    root: OrgId,
    slot: PostSlot,
    lang: Lang,
) -> Result<(Table, Vec<(OrgId, PostFigure)>)> {
    let mut units = Vec::new();
    for id in queries::subtree_ids(conn, root)? {
        let figures = queries::unit_figures(conn, id)?;
        if let Some((_, p)) = figures.posts.iter().find(|(s, _)| *s == slot) {
            units.push((id, *p));
        }
    }
    units.sort_by_key(|(id, p)| (std::cmp::Reverse(p.over), p.vacant, *id));
    let mut rows = Vec::with_capacity(units.len());
    for (id, p) in &units {
        let mut row = vec![id.to_string(), queries::path_text(conn, *id)?];
        row.extend(post_cells(p, lang));
        rows.push(row);
    }
    let name = short_name(conn, root)?;
    let mut header = words(lang, &[Word::Id, Word::Unit]);
    header.extend(words(lang, &POST_HEADER));
    let slot = slot_text(slot, lang);
    Ok((
        Table {
            title: Word::PostUnitsOf.fill(lang, &[&name, &slot]),
            header,
            rows,
        },
        units,
    ))
}

/// A leadership post slot: `正科级正职` / `section chief`.
pub fn slot_text(s: PostSlot, lang: Lang) -> String {
    match lang {
        Lang::Zh => s.to_string(),
        Lang::En => format!("{} {}", s.level.en(), s.rank.en()),
    }
}

/// A unit's short name (its name when it has none) for titles; empty when unknown.
fn short_name(conn: &Connection, id: OrgId) -> Result<String> {
    Ok(queries::org(conn, id)?
        .map(|o| o.short_name.unwrap_or(o.name))
        .unwrap_or_default())
}

/// Columns of every list of persons.
pub const PERSON_COLUMNS: [Word; 10] = [
    Word::Id,
    Word::Name,
    Word::Unit,
    Word::IdNumber,
    Word::Sex,
    Word::Birth,
    Word::Occupies,
    Word::PostType,
    Word::Post,
    Word::Education,
];

/// The header of every list of persons.
pub fn person_header(lang: Lang) -> Vec<String> {
    words(lang, &PERSON_COLUMNS)
}

/// One person as every list of persons shows them; ID number and birth date masked
/// unless revealed.
pub fn person_row(p: &Person, unit_path: &str, reveal: bool, lang: Lang) -> Vec<String> {
    let birth = if reveal {
        p.birth_date.map(|d| d.to_string()).unwrap_or_default()
    } else {
        mask_birth(p.birth_date)
    };
    vec![
        p.id.to_string(),
        p.name.clone(),
        unit_path.to_string(),
        if reveal {
            p.id_number.clone()
        } else {
            mask_id(&p.id_number)
        },
        p.sex.label(lang).into(),
        birth,
        p.staffing_type
            .map_or(Word::OffBooks.get(lang), |t| t.label(lang))
            .to_string(),
        p.post_type.label(lang).into(),
        p.post.clone().unwrap_or_default(),
        p.education
            .map(|e| e.label(lang).to_string())
            .unwrap_or_default(),
    ]
}

/// A list of persons (the drill-down behind a figure) with the unit paths looked up
/// once per unit.
pub fn person_list_table(
    conn: &Connection,
    title: &str,
    persons: &[Person],
    reveal: bool,
    lang: Lang,
) -> Result<Table> {
    let mut paths: std::collections::HashMap<OrgId, String> = Default::default();
    let mut rows = Vec::with_capacity(persons.len());
    for p in persons {
        if let std::collections::hash_map::Entry::Vacant(e) = paths.entry(p.org_id) {
            e.insert(queries::path_text(conn, p.org_id)?);
        }
        rows.push(person_row(p, &paths[&p.org_id], reveal, lang));
    }
    Ok(Table {
        title: title.to_string(),
        header: person_header(lang),
        rows,
    })
}

/// Persons on the books of a subtree. ID numbers and birth dates masked unless revealed.
pub fn persons_table(conn: &Connection, root: OrgId, reveal: bool, lang: Lang) -> Result<Table> {
    let mut rows = Vec::new();
    for id in queries::subtree_ids(conn, root)? {
        let path = queries::path_text(conn, id)?;
        for p in queries::persons_of(conn, id, true)? {
            rows.push(person_row(&p, &path, reveal, lang));
        }
    }
    Ok(Table {
        title: Word::OnBooks.get(lang).into(),
        header: person_header(lang),
        rows,
    })
}

/// Warnings as the warnings list shows them; `say` words a warning's detail (the
/// interface's words: the store keeps it typed beside its Chinese sentence).
pub fn warnings_table(
    conn: &Connection,
    filter: Filter,
    lang: Lang,
    say: impl Fn(&Warning) -> String,
) -> Result<Table> {
    Ok(warning_list_table(
        &warnings::warnings(conn, filter)?,
        lang,
        say,
    ))
}

/// The warnings screen's table of a list already read.
pub fn warning_list_table(list: &[Warning], lang: Lang, say: impl Fn(&Warning) -> String) -> Table {
    use Word::*;
    let rows = list
        .iter()
        .map(|w| {
            vec![
                w.kind.label(lang).to_string(),
                w.org_id.to_string(),
                w.org_name.clone(),
                w.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                w.retirement_date.map(|m| m.to_string()).unwrap_or_default(),
                say(w),
            ]
        })
        .collect();
    Table {
        title: Warnings.get(lang).into(),
        header: words(lang, &[Kind, UnitId, Unit, Person, Retires, Says]),
        rows,
    }
}

/// The overview of the jurisdiction as one table: each figure the screen shows, quota
/// totals with their columns, the rest as counts.
pub fn overview_table(j: &crate::store::stats::Jurisdiction, lang: Lang) -> Table {
    use Word::*;
    let mut rows = Vec::new();
    let blank = || vec![String::new(); 6];
    for (t, q) in quota_lines(&j.totals) {
        let mut r = vec![
            Quota.get(lang).to_string(),
            staffing_word(t, lang).to_string(),
        ];
        r.extend(figure_cells(&q));
        r.push(q.actual.to_string());
        rows.push(r);
    }
    let mut count = |section: Word, label: String, n: i64| {
        let mut r = vec![section.get(lang).to_string(), label];
        r.extend(blank());
        r.push(n.to_string());
        rows.push(r);
    };
    for (m, n) in &j.retirements {
        count(Retirements, m.to_string(), *n);
    }
    for (k, n) in &j.warnings {
        count(Warnings, k.label(lang).to_string(), *n as i64);
    }
    count(Units, UnitsOver.get(lang).into(), j.units_over as i64);
    count(Units, UnitsFull.get(lang).into(), j.units_full as i64);
    count(
        Units,
        UnitsOverPosts.get(lang).into(),
        j.units_over_posts as i64,
    );
    for (b, n) in &j.age_bands {
        count(Ages, b.label(lang).to_string(), *n);
    }
    for (e, n) in &j.education {
        count(
            Education,
            e.map_or(NotFilled.get(lang), |e| e.label(lang)).to_string(),
            *n,
        );
    }
    for (p, n) in &j.post_types {
        count(PostType, p.label(lang).to_string(), *n);
    }
    let mut header = words(lang, &[Kind, Item]);
    header.extend(words(lang, &FIGURE_COLUMNS));
    header.push(Count.get(lang).into());
    Table {
        title: Overview.get(lang).into(),
        header,
        rows,
    }
}

/// Open requests, oldest first.
pub fn inbox_table(conn: &Connection, lang: Lang) -> Result<Table> {
    use Word::*;
    let mut rows = Vec::new();
    for a in queries::open_approvals(conn)? {
        rows.push(vec![
            a.id.to_string(),
            a.kind.label(lang).to_string(),
            queries::path_text(conn, a.org_id)?,
            a.summary.clone(),
            a.submitted_on.to_string(),
            a.submitted_by.clone(),
        ]);
    }
    Ok(Table {
        title: Inbox.get(lang).into(),
        header: words(lang, &[Id, Kind, Unit, Summary, SubmittedOn, SubmittedBy]),
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
    write_private(path, &bytes)?;
    Ok(())
}

/// Writes an export readable by its owner only, whole or not at all: a temp file of
/// mode 0600 beside `path` (so the rename stays on one file system), synced, then
/// renamed over `path`. A crash or a full disk leaves the old file, never half a new
/// one, and never a file of personal data others can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    write_private_with(path, |f| Ok(f.write_all(bytes)?)).map_err(|e| match e {
        ExportError::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

/// As [`write_private`], the file's bytes written by `fill` into the temp file.
fn write_private_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::result::Result<(), ExportError>,
) -> std::result::Result<(), ExportError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    // tempfile creates its files with mode 0600 on Unix; said again so it stays true.
    let mut tmp = tempfile::Builder::new()
        .prefix(".bianzhi-export-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself reaches the disk with the directory.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Columns of codes, not figures: ID numbers (身份证号), document numbers (文号),
/// unified social credit codes (统一社会信用代码), in either language's header. Their
/// cells are text in a workbook whatever they look like.
fn code_column(header: &str) -> bool {
    let lower = header.to_lowercase();
    ["身份证", "证号", "文号", "代码"]
        .iter()
        .any(|k| header.contains(k))
        || ["id number", "document", "code"]
            .iter()
            .any(|k| lower.contains(k))
}

/// A cell a spreadsheet may hold as a number: an integer of at most 15 digits (Excel
/// keeps 15 significant digits: `990121198101064939` would become
/// `990121198101065000`) without a leading zero (`0012` is a code).
fn figure(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let plain = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !plain {
        return None;
    }
    cell.parse::<i64>().ok().map(|n| n as f64)
}

/// XLSX with a bold header row, frozen, and columns as wide as their contents; written
/// like CSV (mode 0600, whole or not at all).
pub fn write_xlsx(t: &Table, path: &Path) -> std::result::Result<(), ExportError> {
    write_xlsx_book(std::slice::from_ref(t), path)
}

/// A workbook of several tables, one sheet each (named by its title), as [`write_xlsx`]
/// writes one.
pub fn write_xlsx_book(tables: &[Table], path: &Path) -> std::result::Result<(), ExportError> {
    let mut book = XlsxBook::new(path)?;
    for t in tables {
        book.add(t)?;
    }
    book.save()
}

/// A workbook written a sheet at a time, so that a caller can build each table, add it
/// and drop it (a city's comparison is 180,000 rows). Sheets are in rust_xlsxwriter's
/// constant-memory mode: each sheet's cells go to a temp file (mode 0600, in the target's
/// directory, never the shared /tmp) as they are written, and strings are written
/// inline, so memory stays flat whatever the rows. Saved like [`write_private`].
pub struct XlsxBook {
    wb: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
}

impl XlsxBook {
    pub fn new(path: &Path) -> std::result::Result<XlsxBook, ExportError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        wb.set_tempdir(dir)?;
        Ok(XlsxBook {
            wb,
            path: path.to_path_buf(),
        })
    }

    pub fn add(&mut self, t: &Table) -> std::result::Result<(), ExportError> {
        add_sheet(&mut self.wb, t)
    }

    /// A sheet whose rows are made as they are written, never held together (a city's
    /// comparison has 170,000 rows of 一致: as one [`Table`] they took 90 MB): `widths`
    /// is the widest cell of each column in display cells (the columns are sized before
    /// any row is written), `rows` gives each row in turn.
    pub fn add_rows<R: AsRef<[String]>>(
        &mut self,
        title: &str,
        header: &[String],
        widths: &[usize],
        rows: impl Iterator<Item = R>,
    ) -> std::result::Result<(), ExportError> {
        add_sheet_rows(&mut self.wb, title, header, widths, rows)
    }

    pub fn save(mut self) -> std::result::Result<(), ExportError> {
        let wb = &mut self.wb;
        write_private_with(&self.path, |f| Ok(wb.save_to_writer(f)?))
    }
}

fn add_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    t: &Table,
) -> std::result::Result<(), ExportError> {
    use unicode_width::UnicodeWidthStr;
    let widths: Vec<usize> = (0..t.header.len())
        .map(|c| {
            t.rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    add_sheet_rows(wb, &t.title, &t.header, &widths, t.rows.iter())
}

/// A sheet as [`add_sheet`] writes a table, its rows handed in one at a time and the
/// widest cell of each column (display cells) told beforehand.
fn add_sheet_rows<R: AsRef<[String]>>(
    wb: &mut rust_xlsxwriter::Workbook,
    title: &str,
    header: &[String],
    widths: &[usize],
    rows: impl Iterator<Item = R>,
) -> std::result::Result<(), ExportError> {
    use rust_xlsxwriter::Format;
    use unicode_width::UnicodeWidthStr;
    let ws = wb.add_worksheet_with_constant_memory();
    let name: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.is_empty() {
        ws.set_name(&name)?;
    }
    // Widths first: in constant-memory mode rows are flushed as they are passed.
    for (c, h) in header.iter().enumerate() {
        let widest = h.width().max(widths.get(c).copied().unwrap_or(0));
        ws.set_column_width(c as u16, (widest as f64 + 2.0).min(60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let codes: Vec<bool> = header.iter().map(|h| code_column(h)).collect();
    for (r, row) in rows.enumerate() {
        for (c, cell) in row.as_ref().iter().enumerate() {
            let code = codes.get(c).copied().unwrap_or(false);
            let (r, c) = (r as u32 + 1, c as u16);
            // Figures go in as numbers so clerks can sum them; ids and codes stay text.
            match figure(cell).filter(|_| !code) {
                Some(n) => ws.write_number(r, c, n)?,
                None => ws.write_string(r, c, cell)?,
            };
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
