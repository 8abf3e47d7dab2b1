//! Keymaps as data: the presets under `keymaps/` are compiled in, the user's
//! `keymap.toml` in the config directory merges over the chosen one. Every named
//! command has a one-line description; help and which-key hints are generated from
//! the same bindings, so they cannot drift.

use crate::model::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A command a key can run. `noop` in a keymap file unbinds instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    CursorDown,
    CursorUp,
    CursorTop,
    CursorBottom,
    PageDown,
    PageUp,
    Expand,
    Collapse,
    Toggle,
    Parent,
    Open,
    Back,
    NextPanel,
    PrevPanel,
    GoTree,
    Search,
    Palette,
    Help,
    Quit,
    Sync,
    Reveal,
    Export,
    Close,
    Complete,
    DeleteChar,
    ClearInput,
    /// The approval inbox (待审批).
    Inbox,
    /// This operator's local audit log as a timeline.
    AuditLog,
    Approve,
    ReturnRequest,
    Reject,
    /// Takes back a decision not yet sent (待上传), after a confirmation.
    Withdraw,
    /// Cycles the inbox's order: by age, kind, unit.
    Sort,
    /// Cycles a timeline's or the inbox's kind filter.
    FilterKind,
    /// Asks for a timeline's date range.
    FilterDates,
    /// 全局: the overview of the jurisdiction.
    Overview,
    /// 预警: the warnings list.
    Warnings,
    /// 报表: the standard reports.
    Reports,
    /// 推演: the five-year forecast.
    Forecast,
    /// 比对: asks for a roster's path (the palette, with the command written).
    Compare,
    /// A report as of the last day of the year before (31 December).
    EarlierYear,
    /// A report as of the last day of the year after (or today).
    LaterYear,
    /// The n-th panel (tab) of a unit or a person, 1-based: the digit its tab shows.
    Tab(u8),
    /// The decisions the server refused, with its reasons (marks them seen).
    Refusals,
    /// The legend of the marks (○ ◐ ●): help, opened at its section.
    Legend,
    /// The person screen: open the other record a data-check problem names (一人多编).
    OpenOther,
    /// 信息变更: the form over the person in front.
    EditPerson,
    /// 减员: the exit form over the person in front.
    ExitPerson,
    /// 增员登记: a new person into the unit under the cursor or in front.
    AddPerson,
    /// 调动: the person in front to another unit.
    TransferPerson,
    /// 恢复在编: the person in front, recorded as left by mistake.
    RestorePerson,
    /// 机构信息变更 of the unit in front.
    EditUnit,
    /// 隶属调整: the unit in front under another.
    MoveUnit,
    /// 撤销 the unit in front.
    AbolishUnit,
    /// 增设内设机构 under the unit in front.
    AddDept,
    /// A 编制台账 entry of the unit in front.
    LedgerEntry,
    /// A 领导职数 entry of the unit in front.
    PostsEntry,
    /// `:unit NAME` (`:单位`): go to a unit by name; a key bound to it opens the palette
    /// with the word typed.
    GotoUnit,
    /// `:panel NAME` (`:面板`): switch the unit's panel by name.
    SwitchPanel,
    /// `run = "noop"`: the key does nothing here, not even what `[global]` binds it to.
    Noop,
}

/// name in the file, command, changes data (refused in read-only mode), zh, en
const COMMANDS: &[(&str, Cmd, bool, &str, &str)] = &[
    ("cursor_down", Cmd::CursorDown, false, "下一项", "next item"),
    ("cursor_up", Cmd::CursorUp, false, "上一项", "previous item"),
    ("cursor_top", Cmd::CursorTop, false, "到顶部", "first item"),
    (
        "cursor_bottom",
        Cmd::CursorBottom,
        false,
        "到底部",
        "last item",
    ),
    ("page_down", Cmd::PageDown, false, "下一页", "page down"),
    ("page_up", Cmd::PageUp, false, "上一页", "page up"),
    ("expand", Cmd::Expand, false, "展开", "expand"),
    (
        "collapse",
        Cmd::Collapse,
        false,
        "折叠（已折叠则到上级）",
        "collapse (or go to parent)",
    ),
    ("toggle", Cmd::Toggle, false, "展开/折叠", "expand/collapse"),
    (
        "parent",
        Cmd::Parent,
        false,
        "到上级单位",
        "go to parent unit",
    ),
    ("open", Cmd::Open, false, "打开", "open"),
    ("back", Cmd::Back, false, "返回", "back"),
    (
        "next_panel",
        Cmd::NextPanel,
        false,
        "下一面板",
        "next panel",
    ),
    (
        "prev_panel",
        Cmd::PrevPanel,
        false,
        "上一面板",
        "previous panel",
    ),
    (
        "go_tree",
        Cmd::GoTree,
        false,
        "回到机构树",
        "back to the unit tree",
    ),
    (
        "search",
        Cmd::Search,
        false,
        "查找人员或单位",
        "look up staff or units",
    ),
    (
        "palette",
        Cmd::Palette,
        false,
        "命令面板",
        "command palette",
    ),
    ("help", Cmd::Help, false, "帮助", "help"),
    ("quit", Cmd::Quit, false, "退出", "quit"),
    ("sync", Cmd::Sync, false, "立即同步", "sync now"),
    (
        "reveal",
        Cmd::Reveal,
        true,
        "显示完整身份证号（记入审计）",
        "reveal the ID number (audited)",
    ),
    (
        "export",
        Cmd::Export,
        true,
        "导出当前表格（CSV，记入审计）",
        "export the table on screen (CSV, audited)",
    ),
    ("close", Cmd::Close, false, "关闭", "close"),
    ("complete", Cmd::Complete, false, "补全", "complete"),
    (
        "delete_char",
        Cmd::DeleteChar,
        false,
        "删除一个字",
        "delete a character",
    ),
    (
        "clear_input",
        Cmd::ClearInput,
        false,
        "清空输入",
        "clear the input",
    ),
    ("inbox", Cmd::Inbox, false, "待审批事项", "approval inbox"),
    (
        "audit_log",
        Cmd::AuditLog,
        false,
        "本机操作日志",
        "this operator's audit log",
    ),
    ("approve", Cmd::Approve, true, "同意", "approve"),
    (
        "return_request",
        Cmd::ReturnRequest,
        true,
        "退回",
        "return for correction",
    ),
    ("reject", Cmd::Reject, true, "不同意", "reject"),
    (
        "open_other",
        Cmd::OpenOther,
        false,
        "打开冲突的另一条记录",
        "open the other record it conflicts with",
    ),
    (
        "withdraw",
        Cmd::Withdraw,
        true,
        "撤回待上传的决定",
        "withdraw a decision not yet sent",
    ),
    (
        "sort",
        Cmd::Sort,
        false,
        "排序（时间/类别/单位）",
        "sort (age/kind/unit)",
    ),
    (
        "filter_kind",
        Cmd::FilterKind,
        false,
        "按类别筛选",
        "filter by kind",
    ),
    (
        "filter_dates",
        Cmd::FilterDates,
        false,
        "按日期范围筛选",
        "filter by date range",
    ),
    (
        "overview",
        Cmd::Overview,
        false,
        "全局概况（一屏掌控）",
        "overview of the jurisdiction",
    ),
    ("warnings", Cmd::Warnings, false, "预警", "warnings"),
    (
        "reports",
        Cmd::Reports,
        false,
        "标准报表",
        "standard reports",
    ),
    (
        "forecast",
        Cmd::Forecast,
        false,
        "编制推演（五年退休与空编）",
        "forecast: five years of retirements and vacancies",
    ),
    (
        "compare",
        Cmd::Compare,
        false,
        "名单比对",
        "roster comparison",
    ),
    (
        "earlier_year",
        Cmd::EarlierYear,
        false,
        "报表：截至上一年12月31日",
        "report: as of 31 December a year earlier",
    ),
    (
        "later_year",
        Cmd::LaterYear,
        false,
        "报表：截至下一年12月31日（至多到今天）",
        "report: as of 31 December a year later (today at most)",
    ),
    ("tab_1", Cmd::Tab(1), false, "第1个面板", "panel 1"),
    ("tab_2", Cmd::Tab(2), false, "第2个面板", "panel 2"),
    ("tab_3", Cmd::Tab(3), false, "第3个面板", "panel 3"),
    ("tab_4", Cmd::Tab(4), false, "第4个面板", "panel 4"),
    ("tab_5", Cmd::Tab(5), false, "第5个面板", "panel 5"),
    ("tab_6", Cmd::Tab(6), false, "第6个面板", "panel 6"),
    ("tab_7", Cmd::Tab(7), false, "第7个面板", "panel 7"),
    ("tab_8", Cmd::Tab(8), false, "第8个面板", "panel 8"),
    ("tab_9", Cmd::Tab(9), false, "第9个面板", "panel 9"),
    (
        "refusals",
        Cmd::Refusals,
        false,
        "被服务器拒绝的决定及原因",
        "decisions the server refused, and why",
    ),
    (
        "legend",
        Cmd::Legend,
        false,
        "标记图例（○ ◐ ● 各表示什么）",
        "legend of the marks (what ○ ◐ ● mean)",
    ),
    (
        "edit_person",
        Cmd::EditPerson,
        true,
        "修改人员信息（待上传，同步时发送）",
        "edit the person's details (sent with the next sync)",
    ),
    (
        "exit_person",
        Cmd::ExitPerson,
        true,
        "减员登记（退休、调出、辞职……）",
        "record an exit (retirement, transfer out, ...)",
    ),
    (
        "add_person",
        Cmd::AddPerson,
        true,
        "增员登记（新进人员进入所选单位）",
        "enter a new person into the selected unit",
    ),
    (
        "transfer_person",
        Cmd::TransferPerson,
        true,
        "人员调动（调到辖区内另一单位）",
        "transfer the person to another unit",
    ),
    (
        "restore_person",
        Cmd::RestorePerson,
        true,
        "恢复在编（误减员时）",
        "restore a person recorded as left by mistake",
    ),
    (
        "edit_unit",
        Cmd::EditUnit,
        true,
        "修改单位信息（名称、规格、性质……）",
        "edit the unit's details (name, level, nature, ...)",
    ),
    (
        "move_unit",
        Cmd::MoveUnit,
        true,
        "调整隶属关系（移到另一上级单位下）",
        "move the unit under another parent",
    ),
    (
        "abolish_unit",
        Cmd::AbolishUnit,
        true,
        "撤销机构",
        "abolish the unit",
    ),
    (
        "add_dept",
        Cmd::AddDept,
        true,
        "增设内设机构",
        "add an internal department",
    ),
    (
        "ledger_entry",
        Cmd::LedgerEntry,
        true,
        "编制台账登记（核增、核减）",
        "add a quota ledger entry (+ or -)",
    ),
    (
        "posts_entry",
        Cmd::PostsEntry,
        true,
        "领导职数登记（按级别和正副职）",
        "add a leadership posts entry (by level, head or deputy)",
    ),
    (
        "goto_unit",
        Cmd::GotoUnit,
        false,
        "转到单位",
        "go to a unit",
    ),
    (
        "switch_panel",
        Cmd::SwitchPanel,
        false,
        "切换面板",
        "switch panel",
    ),
    (
        "noop",
        Cmd::Noop,
        false,
        "不做任何事（解除绑定）",
        "nothing (unbinds the key)",
    ),
];

impl Cmd {
    pub fn parse(name: &str) -> Option<Cmd> {
        COMMANDS.iter().find(|c| c.0 == name).map(|c| c.1)
    }
    fn entry(self) -> &'static (&'static str, Cmd, bool, &'static str, &'static str) {
        COMMANDS
            .iter()
            .find(|c| c.1 == self)
            .expect("every command is listed")
    }
    pub fn name(self) -> &'static str {
        self.entry().0
    }
    /// Refused in read-only mode (a projector in a meeting): it writes something
    /// or puts personal data on the screen.
    pub fn changes_data(self) -> bool {
        self.entry().2
    }
    pub fn describe(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.entry().3,
            Lang::En => self.entry().4,
        }
    }
}

/// The hint line's few words for a command (`查找`, `find`); the others say their
/// description there.
const SHORT: &[(Cmd, &str, &str)] = &[
    (Cmd::Search, "查找", "find"),
    (Cmd::Open, "打开", "open"),
    (Cmd::Expand, "展开", "expand"),
    (Cmd::Palette, "命令", "commands"),
    (Cmd::Help, "帮助", "help"),
    (Cmd::Quit, "退出", "quit"),
    (Cmd::NextPanel, "面板", "panel"),
    (Cmd::Back, "返回", "back"),
    (Cmd::Reveal, "显示证件号", "reveal ID"),
    (Cmd::CursorDown, "下一项", "next"),
    (Cmd::Close, "关闭", "close"),
    (Cmd::Complete, "补全", "complete"),
    (Cmd::Legend, "图例", "legend"),
    (Cmd::Sort, "排序", "sort"),
    (Cmd::Approve, "同意", "approve"),
    (Cmd::ReturnRequest, "退回", "return"),
    (Cmd::Reject, "不同意", "reject"),
    (Cmd::Withdraw, "撤回", "withdraw"),
    (Cmd::Export, "导出", "export"),
    (Cmd::EarlierYear, "上一年", "year before"),
    (Cmd::LaterYear, "下一年", "year after"),
    (Cmd::EditPerson, "修改", "edit"),
    (Cmd::ExitPerson, "减员", "exit"),
    (Cmd::EditUnit, "修改", "edit"),
    (Cmd::AddPerson, "增员", "new person"),
    (Cmd::Sync, "同步", "sync"),
];

/// The palette's words for the commands it runs (`:inbox`, `:待审批`): English, Chinese,
/// the command. Its hint is the command's description.
pub const PALETTE: &[(&str, &str, Cmd)] = &[
    ("unit", "单位", Cmd::GotoUnit),
    ("panel", "面板", Cmd::SwitchPanel),
    ("sync", "同步", Cmd::Sync),
    ("export", "导出", Cmd::Export),
    ("tree", "机构树", Cmd::GoTree),
    ("help", "帮助", Cmd::Help),
    ("quit", "退出", Cmd::Quit),
    ("inbox", "待审批", Cmd::Inbox),
    ("log", "日志", Cmd::AuditLog),
    ("overview", "全局", Cmd::Overview),
    ("warnings", "预警", Cmd::Warnings),
    ("reports", "报表", Cmd::Reports),
    ("forecast", "推演", Cmd::Forecast),
    ("compare", "比对", Cmd::Compare),
];

impl Cmd {
    /// The few words the hint line gives it.
    pub fn short(self, lang: Lang) -> &'static str {
        match SHORT.iter().find(|s| s.0 == self) {
            Some((_, zh, _)) if lang == Lang::Zh => zh,
            Some((_, _, en)) => en,
            None => self.describe(lang),
        }
    }
    /// Its palette word in `lang`, if the palette runs it.
    pub fn palette_word(self, lang: Lang) -> Option<&'static str> {
        PALETTE
            .iter()
            .find(|p| p.2 == self)
            .map(|p| if lang == Lang::Zh { p.1 } else { p.0 })
    }
}

/// Where the keys are read. `tree`, `unit` and `person` fall back to `global`; the
/// input modes and help do not, so typing `q` into the lookup never quits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Global,
    Tree,
    Unit,
    Person,
    Search,
    Palette,
    Help,
    /// The approval inbox and a request opened from it.
    Inbox,
    /// A one-line text input in a view (审批意见, a date range); no fallback to global.
    Input,
}

impl Mode {
    pub const ALL: &'static [Mode] = &[
        Mode::Global,
        Mode::Tree,
        Mode::Unit,
        Mode::Person,
        Mode::Search,
        Mode::Palette,
        Mode::Help,
        Mode::Inbox,
        Mode::Input,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Tree => "tree",
            Mode::Unit => "unit",
            Mode::Person => "person",
            Mode::Search => "search",
            Mode::Palette => "palette",
            Mode::Help => "help",
            Mode::Inbox => "inbox",
            Mode::Input => "input",
        }
    }
    fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.name() == s)
    }
    pub fn falls_back_to_global(self) -> bool {
        matches!(self, Mode::Tree | Mode::Unit | Mode::Person | Mode::Inbox)
    }
}

/// One key press, normalised: a character carries its own case, so Shift is dropped
/// for characters, and Shift+Tab is `<S-Tab>` however the terminal reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// KeyCode restricted to what keymaps name, with an order (for stable printing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(Named),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Named {
    Esc,
    Enter,
    Tab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Space,
}

const NAMES: &[(&str, Named)] = &[
    ("Esc", Named::Esc),
    ("Enter", Named::Enter),
    ("CR", Named::Enter),
    ("Tab", Named::Tab),
    ("Backspace", Named::Backspace),
    ("BS", Named::Backspace),
    ("Del", Named::Delete),
    ("Delete", Named::Delete),
    ("Insert", Named::Insert),
    ("Up", Named::Up),
    ("Down", Named::Down),
    ("Left", Named::Left),
    ("Right", Named::Right),
    ("Home", Named::Home),
    ("End", Named::End),
    ("PageUp", Named::PageUp),
    ("PageDown", Named::PageDown),
    ("Space", Named::Space),
];

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let m = ev.modifiers;
        let mut key = Key {
            code: KeyCodeOrd::Char(' '),
            ctrl: m.contains(KeyModifiers::CONTROL),
            alt: m.contains(KeyModifiers::ALT),
            shift: m.contains(KeyModifiers::SHIFT),
        };
        key.code = match ev.code {
            KeyCode::Char(' ') => KeyCodeOrd::Named(Named::Space),
            KeyCode::Char(c) => {
                key.shift = false;
                KeyCodeOrd::Char(c)
            }
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::BackTab => {
                key.shift = true;
                KeyCodeOrd::Named(Named::Tab)
            }
            KeyCode::Esc => KeyCodeOrd::Named(Named::Esc),
            KeyCode::Enter => KeyCodeOrd::Named(Named::Enter),
            KeyCode::Tab => KeyCodeOrd::Named(Named::Tab),
            KeyCode::Backspace => KeyCodeOrd::Named(Named::Backspace),
            KeyCode::Delete => KeyCodeOrd::Named(Named::Delete),
            KeyCode::Insert => KeyCodeOrd::Named(Named::Insert),
            KeyCode::Up => KeyCodeOrd::Named(Named::Up),
            KeyCode::Down => KeyCodeOrd::Named(Named::Down),
            KeyCode::Left => KeyCodeOrd::Named(Named::Left),
            KeyCode::Right => KeyCodeOrd::Named(Named::Right),
            KeyCode::Home => KeyCodeOrd::Named(Named::Home),
            KeyCode::End => KeyCodeOrd::Named(Named::End),
            KeyCode::PageUp => KeyCodeOrd::Named(Named::PageUp),
            KeyCode::PageDown => KeyCodeOrd::Named(Named::PageDown),
            _ => return None,
        };
        Some(key)
    }

    /// The character this key types into an input, if it is plain text.
    pub fn text(&self) -> Option<char> {
        match self.code {
            KeyCodeOrd::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            KeyCodeOrd::Named(Named::Space) if !self.ctrl && !self.alt => Some(' '),
            _ => None,
        }
    }

    /// Parses `j`, `G`, `<C-r>`, `<S-Tab>`, `<Esc>`, `<F1>`, `<A-x>`.
    pub fn parse(s: &str) -> Option<Key> {
        let mut key = Key {
            code: KeyCodeOrd::Char(' '),
            ctrl: false,
            alt: false,
            shift: false,
        };
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            key.code = if c == ' ' {
                KeyCodeOrd::Named(Named::Space)
            } else {
                KeyCodeOrd::Char(c)
            };
            return Some(key);
        }
        let inner = s.strip_prefix('<')?.strip_suffix('>')?;
        let mut rest = inner;
        loop {
            let lower = rest.get(..2).map(str::to_ascii_uppercase);
            match lower.as_deref() {
                Some("C-") if rest.len() > 2 => key.ctrl = true,
                Some("A-") | Some("M-") if rest.len() > 2 => key.alt = true,
                Some("S-") if rest.len() > 2 => key.shift = true,
                _ => break,
            }
            rest = &rest[2..];
        }
        let mut cs = rest.chars();
        key.code = match (cs.next(), cs.next()) {
            (Some(c), None) => {
                if key.shift && c.is_ascii_alphabetic() {
                    key.shift = false;
                    KeyCodeOrd::Char(c.to_ascii_uppercase())
                } else if key.shift {
                    return None;
                } else {
                    KeyCodeOrd::Char(if key.ctrl { c.to_ascii_lowercase() } else { c })
                }
            }
            _ => {
                if let Some(n) = rest
                    .strip_prefix(['F', 'f'])
                    .and_then(|n| n.parse::<u8>().ok())
                {
                    if !(1..=12).contains(&n) {
                        return None;
                    }
                    KeyCodeOrd::F(n)
                } else if rest.eq_ignore_ascii_case("lt") {
                    KeyCodeOrd::Char('<')
                } else {
                    KeyCodeOrd::Named(NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(rest))?.1)
                }
            }
        };
        Some(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mods = self.ctrl || self.alt || self.shift;
        let name = match self.code {
            KeyCodeOrd::Char(c) if !mods && c != '<' => return write!(f, "{c}"),
            KeyCodeOrd::Char('<') => "lt".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
            KeyCodeOrd::Named(n) => NAMES
                .iter()
                .find(|(_, v)| *v == n)
                .map(|(s, _)| s.to_string())
                .unwrap_or_default(),
        };
        f.write_str("<")?;
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        if self.shift {
            f.write_str("S-")?;
        }
        write!(f, "{name}>")
    }
}

/// Writes a key sequence the way a keymap file does: `g g`.
pub fn seq_text(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub cmd: Cmd,
    /// The file's description; preset descriptions are Chinese, so the English interface
    /// uses the command's own.
    pub desc: Option<String>,
    pub from_user: bool,
}

impl Binding {
    pub fn describe(&self, lang: Lang) -> String {
        match (&self.desc, lang) {
            (Some(d), Lang::Zh) => d.clone(),
            (Some(d), Lang::En) if self.from_user => d.clone(),
            _ => self.cmd.describe(lang).to_string(),
        }
    }
}

/// A keymap file could not be used. Names the file and line, so the operator can fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("键位文件 {file} 第{line}行：{message}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub modes: BTreeMap<Mode, Vec<Binding>>,
}

/// What a key press means, given the keys already pending.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Run(Cmd),
    /// A longer sequence may follow: the which-key hint lists what can come next.
    Pending,
    Unbound,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    #[serde(default)]
    keymap: Vec<Spanned<RawBinding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: Spanned<OnKeys>,
    run: Spanned<String>,
    desc: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OnKeys {
    One(String),
    Many(Vec<String>),
}

pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// One binding as written in a file.
struct Parsed {
    mode: Mode,
    keys: Vec<Key>,
    cmd: Cmd,
    desc: Option<String>,
    line: usize,
}

fn parse_file(file: &str, text: &str) -> Result<Vec<Parsed>, KeymapError> {
    let err = |offset: usize, message: String| KeymapError {
        file: file.to_string(),
        line: crate::config::line_of(text, offset),
        message,
    };
    let raw: BTreeMap<String, RawSection> = toml::from_str(text).map_err(|e| {
        err(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_string(),
        )
    })?;
    let mut out = Vec::new();
    for (section, body) in raw {
        let Some(mode) = Mode::parse(&section) else {
            let at = text.find(&format!("[{section}]")).unwrap_or(0);
            let known = Mode::ALL
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(err(at, format!("未知的模式 [{section}]（可用：{known}）")));
        };
        // Within one file and one mode, a key sequence is bound once, and no sequence is
        // a prefix of another (the shorter would make the longer unreachable).
        let mut seen: Vec<(Vec<Key>, usize)> = Vec::new();
        for b in body.keymap {
            let start = b.span().start;
            let b = b.into_inner();
            let on_at = b.on.span().start;
            let names = match b.on.into_inner() {
                OnKeys::One(s) => vec![s],
                OnKeys::Many(v) => v,
            };
            if names.is_empty() {
                return Err(err(on_at, "on 不能为空".into()));
            }
            let mut keys = Vec::new();
            for n in &names {
                keys.push(
                    Key::parse(n).ok_or_else(|| err(on_at, format!("无法识别的按键 `{n}`")))?,
                );
            }
            let run_at = b.run.span().start;
            let run = b.run.into_inner();
            let cmd = Cmd::parse(&run).ok_or_else(|| err(run_at, format!("未知的命令 `{run}`")))?;
            let line = crate::config::line_of(text, start);
            for (other, other_line) in &seen {
                let shorter = other.len().min(keys.len());
                if other[..shorter] == keys[..shorter] {
                    let what = if other.len() == keys.len() {
                        "重复绑定"
                    } else {
                        "与另一绑定前缀冲突"
                    };
                    return Err(err(
                        start,
                        format!(
                            "[{}] 中按键 {} {what}（第{other_line}行已绑定 {}）",
                            mode.name(),
                            seq_text(&keys),
                            seq_text(other)
                        ),
                    ));
                }
            }
            seen.push((keys.clone(), line));
            out.push(Parsed {
                mode,
                keys,
                cmd,
                desc: b.desc,
                line,
            });
        }
    }
    Ok(out)
}

impl Keymap {
    pub fn preset(name: &str) -> Result<Keymap, KeymapError> {
        let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) else {
            let names = PRESETS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ");
            return Err(KeymapError {
                file: "--keymap".into(),
                line: 1,
                message: format!("没有名为 `{name}` 的键位方案（可用：{names}）"),
            });
        };
        let mut km = Keymap::default();
        km.merge(&format!("keymaps/{name}.toml"), text, false)?;
        Ok(km)
    }

    /// Merges a file over this map: a user binding replaces the preset's for the same
    /// keys (and any preset binding it would shadow or be shadowed by); `noop` unbinds.
    pub fn merge(&mut self, file: &str, text: &str, from_user: bool) -> Result<(), KeymapError> {
        for p in parse_file(file, text)? {
            let list = self.modes.entry(p.mode).or_default();
            list.retain(|b| {
                let n = b.keys.len().min(p.keys.len());
                b.keys[..n] != p.keys[..n]
            });
            // A `noop` stays as a marker, so that it also hides what [global] binds.
            list.push(Binding {
                keys: p.keys,
                cmd: p.cmd,
                desc: p.desc,
                from_user,
            });
            let _ = p.line;
        }
        Ok(())
    }

    /// The preset named by `--keymap` or the config, then the user's file unless
    /// `--default-keys`.
    pub fn load(preset: Option<&str>, user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::preset(preset.unwrap_or("default"))?;
        if let Some(path) = user_file {
            match std::fs::read_to_string(path) {
                Ok(text) => km.merge(&path.display().to_string(), &text, true)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(KeymapError {
                        file: path.display().to_string(),
                        line: 1,
                        message: format!("无法读取：{e}"),
                    });
                }
            }
        }
        Ok(km)
    }

    fn candidates(&self, mode: Mode, seq: &[Key]) -> Vec<&Binding> {
        let find = |m: Mode| -> Vec<&Binding> {
            self.modes
                .get(&m)
                .map(|v| v.iter().filter(|b| b.keys.starts_with(seq)).collect())
                .unwrap_or_default()
        };
        let own = find(mode);
        if own.is_empty() && mode.falls_back_to_global() {
            find(Mode::Global)
        } else {
            own
        }
    }

    /// What `seq` (the pending keys plus the one just pressed) means in `mode`.
    pub fn resolve(&self, mode: Mode, seq: &[Key]) -> Resolved {
        let c = self.candidates(mode, seq);
        match c.as_slice() {
            [] => Resolved::Unbound,
            [b] if b.keys.len() == seq.len() => Resolved::Run(b.cmd),
            _ => match c.iter().find(|b| b.keys.len() == seq.len()) {
                Some(b) => Resolved::Run(b.cmd),
                None => Resolved::Pending,
            },
        }
    }

    /// The which-key hint: what may follow the pending keys.
    pub fn continuations(&self, mode: Mode, pending: &[Key], lang: Lang) -> Vec<(String, String)> {
        self.candidates(mode, pending)
            .into_iter()
            .map(|b| (seq_text(&b.keys[pending.len()..]), b.describe(lang)))
            .collect()
    }

    /// The first key sequence bound to `cmd` in `mode` (or global), for hints.
    pub fn key_for(&self, mode: Mode, cmd: Cmd) -> Option<String> {
        let find = |m: Mode| {
            let list = self.modes.get(&m)?;
            // A key unbound with noop in the mode does not count as bound in global.
            let hidden = |b: &Binding| {
                m == Mode::Global
                    && mode != Mode::Global
                    && self.resolve(mode, &b.keys) != Resolved::Run(cmd)
            };
            list.iter()
                .find(|b| b.cmd == cmd && !hidden(b))
                .map(|b| seq_text(&b.keys))
        };
        find(mode).or_else(|| {
            if mode.falls_back_to_global() {
                find(Mode::Global)
            } else {
                None
            }
        })
    }

    /// Every binding, mode by mode, for `?` and `keymap --print`.
    pub fn rows(&self, lang: Lang) -> Vec<(Mode, String, &'static str, String)> {
        let mut out = Vec::new();
        for (mode, list) in &self.modes {
            for b in list.iter().filter(|b| b.cmd != Cmd::Noop) {
                out.push((*mode, seq_text(&b.keys), b.cmd.name(), b.describe(lang)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    #[test]
    fn presets_parse_and_bind_the_essentials() {
        for (name, _) in PRESETS {
            let km = Keymap::preset(name).unwrap();
            assert_eq!(
                km.resolve(Mode::Tree, &[k("/")]),
                Resolved::Run(Cmd::Search),
                "{name}"
            );
            assert_eq!(
                km.resolve(Mode::Tree, &[k("?")]),
                Resolved::Run(Cmd::Help),
                "{name}"
            );
            assert_eq!(
                km.resolve(Mode::Search, &[k("<Esc>")]),
                Resolved::Run(Cmd::Close),
                "{name}"
            );
            assert_eq!(
                km.resolve(Mode::Search, &[k("q")]),
                Resolved::Unbound,
                "{name}: typing q must not quit"
            );
            assert_eq!(
                km.resolve(Mode::Unit, &[k("<Tab>")]),
                Resolved::Run(Cmd::NextPanel),
                "{name}"
            );
            assert_eq!(
                km.resolve(Mode::Tree, &[k("<Down>")]),
                Resolved::Run(Cmd::CursorDown),
                "{name}"
            );
        }
    }

    #[test]
    fn sequences_pend_then_run() {
        let km = Keymap::preset("vim").unwrap();
        assert_eq!(km.resolve(Mode::Tree, &[k("g")]), Resolved::Pending);
        assert_eq!(
            km.resolve(Mode::Tree, &[k("g"), k("g")]),
            Resolved::Run(Cmd::CursorTop)
        );
        let hint = km.continuations(Mode::Tree, &[k("g")], Lang::Zh);
        assert!(
            hint.iter().any(|(key, d)| key == "g" && d == "到顶部"),
            "{hint:?}"
        );
    }

    #[test]
    fn keys_parse_and_print_back() {
        for s in [
            "j",
            "G",
            "<C-r>",
            "<S-Tab>",
            "<Esc>",
            "<F1>",
            "<A-x>",
            "<lt>",
            "-",
            "<Space>",
            "<PageDown>",
        ] {
            assert_eq!(k(s).to_string(), s);
        }
        assert_eq!(k("<S-g>"), k("G"));
        assert!(Key::parse("<Nope>").is_none());
        assert!(Key::parse("<F13>").is_none());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Some(k("<S-Tab>")));
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Some(k("G")));
    }

    #[test]
    fn user_file_merges_over_the_preset() {
        let mut km = Keymap::preset("default").unwrap();
        let user = r#"
[tree]
keymap = [
  { on = "J", run = "cursor_down", desc = "往下" },
  { on = "<Down>", run = "noop" },
]
[global]
keymap = [{ on = "q", run = "help" }]
"#;
        km.merge("/home/u/.config/bianzhi/keymap.toml", user, true)
            .unwrap();
        assert_eq!(
            km.resolve(Mode::Tree, &[k("J")]),
            Resolved::Run(Cmd::CursorDown)
        );
        assert_eq!(
            km.resolve(Mode::Tree, &[k("<Down>")]),
            Resolved::Run(Cmd::Noop),
            "noop hides global"
        );
        assert_eq!(
            km.resolve(Mode::Unit, &[k("<Down>")]),
            Resolved::Run(Cmd::CursorDown)
        );
        assert_eq!(
            km.key_for(Mode::Tree, Cmd::CursorDown).as_deref(),
            Some("J")
        );
        assert_eq!(km.resolve(Mode::Tree, &[k("q")]), Resolved::Run(Cmd::Help));
        assert!(
            km.rows(Lang::En)
                .iter()
                .any(|r| r.1 == "J" && r.3 == "往下")
        );
        // one q binding left in global, not two
        assert_eq!(
            km.rows(Lang::Zh)
                .iter()
                .filter(|r| r.0 == Mode::Global && r.1 == "q")
                .count(),
            1
        );
    }

    #[test]
    fn a_user_sequence_replaces_a_shadowed_single_key() {
        let mut km = Keymap::preset("default").unwrap();
        km.merge(
            "u.toml",
            "[global]\nkeymap = [{ on = [\"q\", \"q\"], run = \"quit\" }]\n",
            true,
        )
        .unwrap();
        assert_eq!(km.resolve(Mode::Tree, &[k("q")]), Resolved::Pending);
        assert_eq!(
            km.resolve(Mode::Tree, &[k("q"), k("q")]),
            Resolved::Run(Cmd::Quit)
        );
    }

    #[test]
    fn unknown_command_names_file_and_line() {
        let text = "[tree]\nkeymap = [\n  { on = \"j\", run = \"cursor_down\" },\n  { on = \"k\", run = \"fly_away\" },\n]\n";
        let e = Keymap::preset("default")
            .unwrap()
            .merge("/cfg/keymap.toml", text, true)
            .unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("/cfg/keymap.toml", 4));
        assert!(e.message.contains("fly_away"), "{e}");
        assert!(e.to_string().contains("/cfg/keymap.toml 第4行"), "{e}");
    }

    #[test]
    fn duplicate_key_in_one_mode_names_both_lines() {
        let text = "[unit]\nkeymap = [\n  { on = \"x\", run = \"open\" },\n\n  { on = \"x\", run = \"back\" },\n]\n";
        let e = Keymap::default().merge("k.toml", text, true).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("第3行"), "{e}");
        // prefix conflicts are duplicates too
        let text = "[unit]\nkeymap = [{ on = \"g\", run = \"open\" }, { on = [\"g\", \"g\"], run = \"back\" }]\n";
        assert!(Keymap::default().merge("k.toml", text, true).is_err());
        // the same key in two modes is fine
        let text = "[unit]\nkeymap = [{ on = \"x\", run = \"open\" }]\n[tree]\nkeymap = [{ on = \"x\", run = \"open\" }]\n";
        Keymap::default().merge("k.toml", text, true).unwrap();
    }

    #[test]
    fn bad_syntax_unknown_mode_and_bad_key_name_the_line() {
        let e = Keymap::default()
            .merge(
                "k.toml",
                "[tree]\nkeymap = [\n  { on = \"j\" run = \"x\" },\n]\n",
                true,
            )
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = Keymap::default()
            .merge("k.toml", "\n\n[trees]\nkeymap = []\n", true)
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = Keymap::default()
            .merge(
                "k.toml",
                "[tree]\nkeymap = [\n{ on = \"<Hyper-x>\", run = \"open\" }]\n",
                true,
            )
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn a_missing_user_file_is_no_error_and_an_unknown_preset_is() {
        let km = Keymap::load(Some("emacs"), Some(Path::new("/nonexistent/keymap.toml"))).unwrap();
        assert_eq!(
            km.resolve(Mode::Tree, &[k("<C-n>")]),
            Resolved::Run(Cmd::CursorDown)
        );
        assert!(Keymap::load(Some("helix"), None).is_err());
    }
}
