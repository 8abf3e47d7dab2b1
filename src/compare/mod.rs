//! Roster comparison (比对): another department's roster (the payroll's 工资统发 list,
//! social insurance, the organisation department's cadre list) read from XLSX, XLS or
//! CSV (`read`), and matched against the persons on the books (`matching`). Every row
//! of the roster and every person on the books within the scope ends in exactly one
//! [`Category`]. No terminal, no database: the command line hands in the books.

mod matching;
pub mod read;
pub(crate) mod xlsx;

pub use matching::{Books, Comparison, Entry, RosterStaffing, compare, normalize_unit};
pub use read::{Roster, RosterRow, read_roster, read_table};

use crate::model::Lang;

/// What one roster row, or one person on the books, turned out to be. The order is the
/// order of the summary, and, when a matched pair differs in several fields, the first
/// differing field in this order names the category (the others are listed with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// 一致: same person, same name, unit and staffing type.
    Match,
    /// 名单有、在册无: listed, but nobody on the books holds the ID (吃空饷 risk).
    NotOnBooks,
    /// 名单有、已出编: listed, but the books record the person as gone (退休, 调出 …):
    /// the worse case of [`Category::NotOnBooks`], shown with the date they left.
    LeftButListed,
    /// 在册有、名单无: on the books within the scope, missing from the roster.
    NotOnRoster,
    /// 姓名不一致
    NameDiffers,
    /// 单位不一致 (after normalising short forms of unit names)
    UnitDiffers,
    /// 占编类型不一致
    StaffingDiffers,
    /// 身份证号无效: the roster's ID number fails GB 11643 (or is missing).
    InvalidId,
    /// 名单内重复: the same ID number on an earlier row of the roster.
    Duplicate,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Match,
        Category::NotOnBooks,
        Category::LeftButListed,
        Category::NotOnRoster,
        Category::NameDiffers,
        Category::UnitDiffers,
        Category::StaffingDiffers,
        Category::InvalidId,
        Category::Duplicate,
    ];

    /// The office's word.
    pub fn zh(self) -> &'static str {
        match self {
            Category::Match => "一致",
            Category::NotOnBooks => "名单有、在册无",
            Category::LeftButListed => "名单有、已出编",
            Category::NotOnRoster => "在册有、名单无",
            Category::NameDiffers => "姓名不一致",
            Category::UnitDiffers => "单位不一致",
            Category::StaffingDiffers => "占编类型不一致",
            Category::InvalidId => "身份证号无效",
            Category::Duplicate => "名单内重复",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Category::Match => "match",
            Category::NotOnBooks => "not on books",
            Category::LeftButListed => "left, still listed",
            Category::NotOnRoster => "not on roster",
            Category::NameDiffers => "name differs",
            Category::UnitDiffers => "unit differs",
            Category::StaffingDiffers => "staffing differs",
            Category::InvalidId => "invalid ID",
            Category::Duplicate => "duplicate",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    /// A stable key for JSON readers (the label may be reworded, this never is).
    pub fn key(self) -> &'static str {
        match self {
            Category::Match => "match",
            Category::NotOnBooks => "not_on_books",
            Category::LeftButListed => "left_but_listed",
            Category::NotOnRoster => "not_on_roster",
            Category::NameDiffers => "name_differs",
            Category::UnitDiffers => "unit_differs",
            Category::StaffingDiffers => "staffing_differs",
            Category::InvalidId => "invalid_id",
            Category::Duplicate => "duplicate",
        }
    }
}

/// The columns a roster must or may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 姓名 (required)
    Name,
    /// 身份证号 (required)
    IdNumber,
    /// 单位 (optional: without it units are not compared, nor names matched in a unit)
    Unit,
    /// 编制类型 (optional: without it staffing types are not compared)
    StaffingType,
}

/// The headers departments write for each field (and the field names `--map` takes).
const HEADERS: &[(Field, &[&str])] = &[
    (Field::Name, &["姓名", "人员姓名", "名字", "name"]),
    (
        Field::IdNumber,
        &[
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "证件号码",
            "证件号",
            "身份证",
            "id",
            "id_number",
        ],
    ),
    (
        Field::Unit,
        &[
            "单位",
            "单位名称",
            "工作单位",
            "所在单位",
            "机构名称",
            "unit",
        ],
    ),
    (
        Field::StaffingType,
        &[
            "编制类型",
            "占编类型",
            "人员类别",
            "编制性质",
            "staffing",
            "staffing_type",
        ],
    ),
];

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Name,
        Field::IdNumber,
        Field::Unit,
        Field::StaffingType,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Field::Name => "姓名",
            Field::IdNumber => "身份证号",
            Field::Unit => "单位",
            Field::StaffingType => "编制类型",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::IdNumber => "ID number",
            Field::Unit => "unit",
            Field::StaffingType => "staffing type",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    pub fn required(self) -> bool {
        matches!(self, Field::Name | Field::IdNumber)
    }

    /// The field a header names, if it is one of the usual headers (spaces, a leading
    /// `*` of a required column and the case of Latin letters do not matter).
    pub fn from_header(header: &str) -> Option<Field> {
        let h = header_key(header);
        HEADERS
            .iter()
            .find(|(_, names)| names.iter().any(|n| *n == h))
            .map(|(f, _)| *f)
    }
}

/// A header as compared: without spaces (also full-width ones), without a leading `*`,
/// Latin letters in lower case.
pub fn header_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches(['*', '＊'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a roster cannot be read. Said in Chinese here; the command line says each in
/// English too (`cli::compare`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("名单文件是空的，没有可比对的行。请确认选对了文件。")]
    Empty,
    #[error(
        "文件既不是 Excel 表格（XLSX/XLS）也不是 CSV 文本，无法读取。请在 Excel 中打开后另存为 XLSX 或 CSV 再试。"
    )]
    NotASpreadsheet,
    #[error(
        "CSV 文件的编码看来是 {0}，不是 UTF-8 或 GBK/GB18030，无法可靠读取。请在 Excel 中另存为“CSV UTF-8”再试。"
    )]
    Encoding(&'static str),
    #[error("读取表格失败：{0}。文件可能已损坏，请在 Excel 中打开后另存再试。")]
    Spreadsheet(String),
    #[error("读取 CSV 失败：{0}。请在 Excel 中打开后另存再试。")]
    Csv(String),
    #[error(
        "第 {line} 行第 {column} 列的单元格长达 {chars} 个字符，不是名单的内容。请确认选对了文件（CSV 中未配对的引号会吞下其后的全部内容）。"
    )]
    CellTooLong {
        line: usize,
        column: usize,
        chars: usize,
    },
    #[error("名单缺少“{}”列（表头为：{}）。请在表头写明，或用 --map 列名=字段 指定。", .field.zh(), .found.join("、"))]
    MissingColumn { field: Field, found: Vec<String> },
    #[error("--map 指定的列“{column}”不在名单的表头中（表头为：{}）。", .found.join("、"))]
    NoSuchColumn { column: String, found: Vec<String> },
    #[error(
        "无法识别 --map “{0}”：应写作 列名=字段，字段为 姓名、身份证号、单位、编制类型 之一（或 name、id、unit、staffing）。"
    )]
    BadMap(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// One `--map 列名=field`: the roster's header and the field it holds.
pub fn parse_map(spec: &str) -> Result<(String, Field)> {
    let (column, field) = spec
        .split_once('=')
        .ok_or_else(|| Error::BadMap(spec.to_string()))?;
    let field = Field::from_header(field).ok_or_else(|| Error::BadMap(spec.to_string()))?;
    let column = column.trim();
    if column.is_empty() {
        return Err(Error::BadMap(spec.to_string()));
    }
    Ok((column.to_string(), field))
}

#[cfg(test)]
mod tests;
