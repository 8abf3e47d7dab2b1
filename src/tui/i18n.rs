//! Every word the interface shows, in Chinese (the default) and English, in one table.
//! Domain vocabularies (编制类型, 机构规格 …) carry their own labels in `model`.

use crate::model::Lang;

macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum M { $($name),+ }

        impl M {
            pub fn get(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => match self { $(M::$name => $zh),+ },
                    Lang::En => match self { $(M::$name => $en),+ },
                }
            }
        }
    };
}

messages! {
    Tree => "机构", "Units";
    KindLedger => "编制核定", "quota";
    KindPosts => "职数核定", "posts";
    AuditDecide => "审批", "decision";
    AuditReveal => "查看证件", "reveal";
    AuditExport => "导出", "export";
    AuditSync => "同步", "sync";
    AuditDemo => "示例数据", "demo data";
    AuditImport => "导入", "import";
    AuditWithdraw => "撤回", "withdrawal";
    AuditRepair => "修复", "repair";
    AuditEdit => "修改", "edit";
    AuditResolve => "冲突处理", "conflict settled";
    AuditCompare => "比对", "comparison";
    // An audit line's detail (store::audit::AuditDetail), `{}` filled in order.
    AdDecided => "{} · {}", "{} · {}";
    AdRequest => "申请{}", "request {}";
    AdWithdrawn => "撤回{} · {}", "{} withdrawn · {}";
    AdPerson => "人员{}", "person {}";
    AdRevealedWarnings => "预警清单（JSON）含完整身份证号 {} 人", "warnings as JSON with {} whole ID numbers";
    AdExported => "{} {} → {}", "{} {} → {}";
    AdFullIds => "，含完整身份证号", ", whole ID numbers";
    AdReported => "报表 {} {} → {}", "report {} {} → {}";
    AdSynced => "推送{} 接受{} 拒绝{} 更新{}", "pushed {}, accepted {}, refused {}, updated {}";
    AdImported => "导入 {}", "read {}";
    AdImportedEntries => "增员导入 {} 至 {}（{} 行，记录 {} 人，{} 行有误）", "new staff from {} into {}: {} lines, {} recorded, {} with errors";
    AdRepaired => "损坏的缓存移至 {}；转入未发送 {} 个、操作日志 {} 条，无法读取 {} 条", "damaged cache moved to {}; {} unsent and {} audit lines carried over, {} unreadable";
    AdEdited => "修改 {} {}", "edit {}: {}";
    AdEditWithdrawn => "修改 {} 撤回", "edit {} withdrawn";
    AdResolvedAgain => "修改 {} 冲突处理，重新记录为 {}", "conflict on edit {} settled, recorded again as {}";
    AdResolvedServer => "修改 {} 冲突处理，采用服务器现值", "conflict on edit {} settled, the server's value kept";
    AdCompared => "比对名单 {}（{} 行）与 {}：一致 {}", "roster {} ({} rows) compared with {}: {} match";
    AdEveryUnit => "全部单位", "every unit";
    // A history event's detail (model::history::Detail), `{}` filled in order.
    HEnteredAs => "{}，入编{}（{}）", "{}: entered {} ({})";
    HEntered => "入编{}（{}）", "entered {} ({})";
    HOffQuota => "编外", "off quota";
    HTransferredFrom => "由{}调入{}", "transferred from {} to {}";
    HTransferredTo => "调入{}", "transferred to {}";
    HExitedFrom => "{}，出编{}", "{}: left {}";
    HExited => "{}，减员出编", "{}: left the establishment";
    HRestored => "误减恢复，重新在编", "exit reversed: back on the books";
    HPromoted => "晋升为{}", "promoted to {}";
    HAppointed => "任{}{}", "appointed in {}: {}";
    HLeaderPost => "使用{}领导职数", "took a leadership post: {}";
    HLeaderPostAny => "使用领导职数", "took a leadership post";
    HChange => "{}：{} → {}", "{}: {} → {}";
    HChangeSep => "；", "; ";
    HEmpty => "（空）", "(empty)";
    HFounded => "设立{}", "{} founded";
    HFoundedDept => "设立{}（{}内设机构）", "{} founded (a department of {})";
    HAbolished => "撤销{}", "{} abolished";
    HAbolishedDuties => "撤销{}，职责划入{}", "{} abolished, its duties to {}";
    HMerged => "{}并入{}", "{} merged into {}";
    HSplit => "从{}分设，组建{}", "split from {}: {} set up";
    HRenamed => "{}更名为{}", "{} renamed {}";
    HMovedUnder => "隶属调整至{}", "moved under {}";
    HMovedFrom => "由{}调整为{}所属事业单位", "moved from {} to under {}";
    HLevel => "机构规格由{}调整为{}", "level changed from {} to {}";
    HNoLevel => "无", "none";
    HQuota => "{} {}（{}）", "{} {} ({})";
    HPosts => "{}领导职数 {}（{}）", "{} leadership posts {} ({})";
    OpPersonAdd => "增员登记", "new person";
    OpPersonEdit => "信息变更", "details changed";
    OpPersonExit => "减员", "exit";
    OpPersonTransfer => "调动", "transfer";
    OpPersonRestore => "恢复在编", "back on the books";
    OpOrgEdit => "机构信息变更", "unit details changed";
    OpOrgMove => "隶属调整", "unit moved";
    OpOrgAbolish => "撤销机构", "unit abolished";
    OpOrgAddDept => "增设内设机构", "department added";
    OpLedgerAdd => "台账登记", "quota entry";
    OpPostsAdd => "领导职数登记", "posts entry";
    StQueued => "待上传", "queued";
    ProblemBadCreditCode => "统一社会信用代码校验不通过", "the unified credit code does not pass its check";
    ProblemDanglingParent => "上级单位不存在", "the parent unit does not exist";
    HintConfirm => "确定", "confirm";
    HintCancel => "取消", "cancel";
    HintDetail => "详情", "detail";
    StSent => "已发送", "sent";
    StWaiting => "等待服务器答复", "waiting for the server";
    StRefused => "服务器未接受", "refused by the server";
    Unit => "单位", "Unit";
    ColApproved => "核定", "Appr";
    ColActual => "实有", "Actual";
    ColVacant => "空编", "Vacant";
    ColOver => "超编", "Over";
    ColReserved => "已批未用", "Reserved";
    ColUsable => "可使用", "Usable";
    Total => "合计", "Total";
    OwnFigures => "本单位", "This unit";
    SubtreeFigures => "含下级", "With subunits";
    Online => "在线", "online";
    Offline => "离线", "offline";
    Syncing => "同步中", "syncing";
    NeverSynced => "从未同步", "never synced";
    LastSync => "同步", "synced";
    Unsent => "未发送", "unsent";
    EditsWaiting => "待上传", "pending";
    PendingMark => "待上传", "pending";
    FormEditTitle => "修改人员信息", "Edit details";
    FormExitTitle => "减员登记", "Record an exit";
    FormHead => "逐项修改，值随输入检查；保存后待上传，下次同步时发送", "Values are checked as you type; saved edits wait for the next sync";
    FormDoc => "文号", "document no.";
    FormExitKind => "减员方式", "exit kind";
    FormExitDate => "减员日期", "exit date";
    FormHint => "Tab/↑↓ 换栏 · 选项栏输入拼音首字母筛选 · Enter/Ctrl-S 保存 · Esc 取消", "Tab/↑↓ next field · type initials in a list field · Enter/Ctrl-S save · Esc cancel";
    FormPickHint => "↑↓ 选择 · Enter 选定 · Tab 选定并到下一栏 · Esc 关闭列表", "↑↓ choose · Enter take · Tab take and go on · Esc close the list";
    FormDiscard => "放弃所做的修改？按 y 放弃，按 n 继续修改", "Discard your changes? y discards, n keeps editing";
    FormFix => "有栏目的值不对，已移到该栏：请按旁边的提示改正后再保存", "A value is not right (the cursor is on it): correct it as shown beside it and save again";
    FormNoChange => "没有修改，未记录", "Nothing changed; nothing recorded";
    FormPicking => "从列表中选定（Enter）", "pick from the list (Enter)";
    FormChanged => "已修改", "changed";
    FormKeyField => "关键信息（需文号）", "key field (needs a document)";
    FormDocWhy => "修改关键信息、减员须填文号", "needed for key fields and exits";
    FormRevealFirst => "已遮挡：先在人员页按 r 显示后才能修改", "masked: reveal it (r) on the person screen to edit";
    ExitQueued => "已记录减员（待上传），下次同步时发送", "Exit recorded (pending): sent with the next sync";
    FormNotActive => "该人员已不在编，不能调动；误减员请按 u 恢复", "This person is no longer on the books; to restore one recorded as left by mistake press u";
    FormAlreadyActive => "该人员在编，无需恢复", "This person is on the books; nothing to restore";
    QueuedEditMark => "待上传", "pending";
    QueuedEditHint => "w 撤回这项修改（不会发送）", "w withdraws this edit (it is not sent)";
    WithdrawEditAsk => "撤回这项修改？按 y 撤回，按 n 保留", "Withdraw this edit? y withdraws, n keeps it";
    FormRequiredMark => "必填", "required";
    FormFromId => "可空：由身份证号得出", "may stay empty: read from the ID number";
    FormRequired => "必填，不能为空", "required";
    FormDeltaZero => "数量不能为 0", "the number cannot be 0";
    FormDeltaBad => "不是整数；增加写 3 或 +3，核减写 -3", "is not a whole number; write 3 or +3 to add, -3 to take away";
    FormPickUnit => "请输入单位名称或拼音首字母，从列表中选定单位", "type a unit's name or initials and pick it from the list";
    FormSameUnit => "不能选本单位", "this is the same unit";
    FormPickUnitHint => "输入名称或拼音首字母查找", "type a name or initials";
    FormDeltaHint => "+ 增加 / - 核减", "+ adds / - takes away";
    FormAddTitle => "增员登记", "New person";
    FormTransferTitle => "人员调动", "Transfer";
    FormRestoreTitle => "恢复在编", "Restore";
    FormOrgEditTitle => "修改单位信息", "Edit unit details";
    FormOrgMoveTitle => "调整隶属关系", "Move the unit";
    FormAbolishTitle => "撤销机构", "Abolish the unit";
    FormDeptTitle => "增设内设机构", "New internal department";
    FormLedgerTitle => "编制台账登记", "Quota ledger entry";
    FormPostsTitle => "领导职数登记", "Leadership posts entry";
    FormEntryDoc => "入编文号", "entry document";
    FormNewParent => "新的上级单位", "new parent unit";
    FormToUnit => "调入单位", "to unit";
    FormDeptName => "内设机构名称", "department name";
    FormDeptShort => "简称", "short name";
    FormStaffing => "编制类型", "staffing type";
    FormFunding => "经费形式", "funding";
    FormDelta => "数量（±）", "number (±)";
    FormDate => "日期", "date";
    FormSummary => "摘要", "summary";
    FormPostSlot => "职数（级别正副职）", "post (level, head/deputy)";
    FormAddHead => "新进人员进入 {}：姓名、身份证号、民族、岗位类别、文号必填；性别、出生日期可由身份证号得出", "A new person enters {}: name, ID number, ethnicity, post type and document are required; sex and birth date follow from the ID number";
    FormRestoreHead => "恢复 {} 在编（误减员时）：填写文号后按 Enter 确认", "Restore {} (recorded as left by mistake): fill in the document number, Enter confirms";
    FormAbolishHead => "撤销 {}：填写文号后按 Enter 确认（有人员或下级单位时不能撤销）", "Abolish {}: fill in the document number, Enter confirms (refused while it has people or units)";
    FormDraftOffer => "有上次未保存的草稿：按 y 恢复，按 n 丢弃", "An unsaved draft of this form was kept: y restores it, n drops it";
    WithdrawTitle => "撤回决定", "Withdraw the decision";
    WithdrawHint => "按 Enter 撤回（不会发送，申请重新列入待审批） · Esc 保留", "Enter withdraws it (nothing is sent; the request is open again) · Esc keeps it";
    Scope => "辖区", "scope";
    ReadOnly => "只读", "READ-ONLY";
    TooSmall => "窗口太小", "Window too small";
    IndexLoading => "索引加载中…", "loading the index…";
    Loading => "正在读取，请稍候……可按 Esc 返回", "Loading… Esc goes back";
    CacheDamaged => "缓存未通过完整性检查，不能记录审批决定，请执行 bianzhi repair 后重试", "The cache failed its integrity check: no decision can be recorded; run bianzhi repair and try again";
    NoResults => "无匹配结果", "no matches";
    SearchTitle => "查找", "Look up";
    SearchPrompt => "姓名、拼音、首字母或单位名", "name, pinyin, initials or unit";
    EmptyTitle => "缓存是空的：尚未同步过", "The cache is empty: never synced";
    FirstSyncTitle => "正在首次同步……", "First sync under way…";
    FirstSyncProgress => "已收到并写入 {} 页，共 {} 行", "{} pages received and written, {} rows";
    FirstSyncWait => "一个市的数据约需几十秒；数据全部到达后即显示机构树，按键照常响应", "A city takes some tens of seconds; the tree shows when all has arrived. Keys still work";
    EmptySync => "从服务器同步：  bianzhi sync --server <地址> --token <令牌>", "Sync from the server:  bianzhi sync --server <url> --token <token>";
    EmptyDemo => "或用示例数据试用：  bianzhi demo", "Or try it on generated data:  bianzhi demo";
    EmptyRetry => "同步完成后这里会显示机构树。", "The unit tree appears here once a sync has finished.";
    PanelOverview => "概况", "Overview";
    PanelQuota => "编制", "Quota";
    PanelPosts => "职数", "Posts";
    PanelPeople => "人员", "People";
    PanelHistory => "沿革", "History";
    PanelInfo => "信息", "Details";
    PanelCareer => "履历", "Career";
    FName => "单位全称", "Full name";
    FShortName => "简称", "Short name";
    FKind => "类型", "Kind";
    FCategory => "机构类别", "Category";
    FLevel => "机构规格", "Level";
    FNature => "机构性质", "Nature";
    FCreditCode => "统一社会信用代码", "Credit code";
    FDomain => "中文域名", "Domain name";
    FFoundingDoc => "设立文件", "Founding doc";
    FFoundingDate => "设立时间", "Founded";
    FParent => "隶属", "Parent";
    FAbolished => "已撤销", "abolished";
    FSubunits => "下级单位", "Subunits";
    PName => "姓名", "Name";
    PIdNumber => "身份证号", "ID number";
    PSex => "性别", "Sex";
    PBirth => "出生日期", "Born";
    PEthnicity => "民族", "Ethnicity";
    PPolitical => "政治面貌", "Political status";
    PFunding => "经费形式", "Funding";
    PWorkStart => "参加工作时间", "Started work";
    PEntryForm => "进入形式", "Entry form";
    PEntryDoc => "入编文号", "Entry doc";
    PEntryDate => "入编时间", "Entry date";
    PPost => "职务", "Post";
    PRank => "职级/职称", "Rank/title";
    PPostType => "岗位类型", "Post type";
    PSchool => "毕业院校", "School";
    PEducation => "学历", "Education";
    PDegree => "学位", "Degree";
    PMajor => "专业", "Major";
    PStaffing => "占编类型", "Staffing";
    PLeaderPost => "领导职务", "Leadership post";
    PPostLevel => "职数级别", "Post level";
    PStatus => "状态", "Status";
    PExit => "减员", "Exit";
    PUnit => "所在单位", "Unit";
    OutOfQuota => "编外", "no quota";
    RevealHint => "按 {} 显示（记入审计）", "press {} to reveal (audited)";
    PostSlot => "领导职数", "Leadership post";
    PostApproved => "核定职数", "Approved";
    PostActual => "实配", "Filled";
    PostVacant => "空缺", "Vacant";
    PostOver => "超职数", "Over";
    HDate => "日期", "Date";
    HKind => "事项", "Event";
    HDoc => "文号", "Document";
    HSummary => "摘要", "Summary";
    NoPeople => "本单位无在职人员", "No staff on the books";
    NoHistory => "无历史记录", "No history";
    NoPosts => "未核定领导职数", "No leadership posts approved";
    NoQuota => "未核定编制", "No quota approved";
    HelpTitle => "帮助：按键（来自当前键位方案）", "Help: keys (from the keymap in use)";
    HelpCommands => "命令面板（:）", "Command palette (:)";
    PaletteTitle => "命令", "Command";
    ReadOnlyRefused => "只读模式：此操作不可用", "read-only mode: not available";
    SyncOk => "同步完成", "sync finished";
    SyncFailed => "同步未成功", "sync did not succeed";
    NoServer => "未配置服务器，离线使用缓存", "no server configured; working offline from the cache";
    Exported => "已导出", "exported";
    ExportNothing => "这里没有可导出的表格：先打开单位、全局或预警", "no table here to export: open a unit, the overview or the warnings";
    Pending => "等待下一个键", "next key";
    AgeNow => "刚刚", "just now";
    AgeMinutes => "分钟前", "min ago";
    AgeHours => "小时前", "h ago";
    AgeDays => "天前", "d ago";
    UnknownCommand => "未知命令", "unknown command";
    NoSuchUnit => "找不到单位", "no such unit";
    NoSuchPanel => "没有这个面板", "no such panel";
    Results => "条", "results";
    ModeGlobal => "全局", "everywhere";
    ModeTree => "机构树", "unit tree";
    ModeUnit => "单位", "unit";
    ModePerson => "人员", "person";
    ModeSearch => "查找", "look-up";
    ModePalette => "命令面板", "command palette";
    ModeHelp => "帮助", "help";
    ModeInbox => "待审批", "inbox";
    ModeInput => "输入", "text input";
    CmdInbox => "待审批事项", "approval inbox";
    PendingRequests => "待审", "to decide";
    CmdAudit => "本机操作日志", "this operator's audit log";
    OverviewTitle => "全局概况", "Overview";
    ReportsTitle => "标准报表", "Standard reports";
    ReportsHint => "Enter 打开（所选单位及下级；在机构树根上为全辖区） · 表内 ↑↓ 翻行、←→ 左右滚动、[ ] 截至上一年/下一年年末 · d 输入截至日期（人员变动表为期间） · Ctrl-E 导出 XLSX", "Enter opens (the unit chosen and below; on the tree's root, the whole jurisdiction) · in a report ↑↓ rows, ←→ columns, [ ] as of the year end before/after · d types the as-of day (the period of staff changes) · Ctrl-E exports XLSX";
    ReportScroll => "左右滚动", "scroll";
    ReportAsOfPrompt => "截至日期（如 2023-06-30、2023-06、2022）：", "As of (2023-06-30, 2023-06, 2022): ";
    ReportPeriodPrompt => "期间（如 2023、2023-01..2023-06）：", "Period (2023, 2023-01..2023-06): ";
    ReportDayUnread => "无法识别的日期", "not a date";
    ReportDayFuture => "不能晚于今天", "cannot be after today";
    ReportDayReversed => "起日晚于止日", "the period ends before it starts";
    ForecastTitle => "编制推演", "forecast";
    CompareTitle => "名单比对", "Roster comparison";
    Comparing => "正在读取并比对名单，请稍候……可按 Esc 返回", "Reading and comparing the roster… Esc goes back";
    CompareNoPath => "请在“比对”后写上名单文件的路径，例如：比对 /home/me/工资名单.xlsx", "write the roster file's path after compare, e.g. compare /home/me/payroll.xlsx";
    CompareHead => "{}（{}，{} 行）与 {}（在册 {} 人）", "{} ({}, {} rows) with {} ({} on the books)";
    CompareWhole => "全部单位", "all units";
    CompareCategory => "类别", "Category";
    CompareCount => "人数", "Count";
    CompareRate => "一致率 {}%（一致 {} 条，共 {} 条）", "match rate {}% ({} of {} entries)";
    CompareHint => "Enter 查看该类各行 · Ctrl-E 导出差异（XLSX，每类一表） · Esc 返回", "Enter: the rows of a category · Ctrl-E: export the differences (XLSX, a sheet a category) · Esc: back";
    CompareRowsHint => "Enter 打开人员修正 · Ctrl-E 导出差异 · Esc 回到类别", "Enter opens the person to fix · Ctrl-E exports · Esc: categories";
    CompareFixHint => "e 信息变更（姓名、占编类型）  t 调动（单位不一致）  x 减员（已离开）", "e edit (name, staffing)  t transfer (unit differs)  x exit (has left)";
    CompareRow => "行", "Row";
    CompareName => "姓名", "Name";
    CompareId => "身份证号", "ID number";
    CompareDetail => "说明", "Detail";
    CompareEmpty => "这一类没有记录", "nothing in this category";
    CompareWaiting => "已修正，待上传", "fix queued";
    CompareNoPerson => "这一行在册中没有对应人员，无法打开", "no person on the books for this row";
    CompareFailed => "无法比对", "Cannot compare";
    CompareSummary => "汇总", "Summary";
    CompareBooksName => "在册姓名：{}", "books: {}";
    CompareBooksUnit => "在册单位：{}", "books: {}";
    CompareBooksStaffing => "在册：{}，名单：{}", "books: {}, roster: {}";
    ComparePending => "拟入编，尚未在册", "pending entry, not yet on the books";
    CompareSameAs => "同第 {} 行", "same as row {}";
    CompareByName => "按姓名匹配", "matched by name";
    CompareNoId => "缺身份证号", "no ID number";
    CompareIdLength => "应为18位，实为{}位", "{} characters, not 18";
    CompareIdDigits => "前17位应全为数字", "not all digits";
    CompareIdCheck => "校验码错误（应为{}）", "check char: want {}";
    CompareIdBirth => "出生日期无效", "invalid birth date";
    CompareOutside => "编外", "no staffing type";
    CompareRosterUnit => "名单单位", "Roster unit";
    CompareRosterStaffing => "名单编制类型", "Roster staffing";
    CompareBooksNameCol => "在册姓名", "Name on books";
    CompareBooksUnitCol => "在册单位", "Unit on books";
    CompareBooksStaffingCol => "在册编制类型", "Staffing on books";
    CompareRateCol => "一致率", "Match rate";
    CompareEEmpty => "名单文件是空的，没有可比对的行。请确认选对了文件。", "the roster file is empty: there is no row to compare. Check that this is the right file.";
    CompareENotSpreadsheet => "文件既不是 Excel 表格（XLSX/XLS）也不是 CSV 文本，无法读取。请在 Excel 中打开后另存为 XLSX 或 CSV 再试。", "the file is neither an Excel workbook (XLSX/XLS) nor CSV text and cannot be read. Open it in Excel, save it as XLSX or CSV and try again.";
    CompareEEncoding => "CSV 文件的编码看来是 {}，不是 UTF-8 或 GBK/GB18030，无法可靠读取。请在 Excel 中另存为“CSV UTF-8”再试。", "the CSV file seems to be in {}, not UTF-8 or GBK/GB18030, and cannot be read reliably. Save it from Excel as \"CSV UTF-8\" and try again.";
    CompareESpreadsheet => "读取表格失败：{}。文件可能已损坏，请在 Excel 中打开后另存再试。", "reading the workbook failed: {}. The file may be damaged: open it in Excel, save it again and retry.";
    CompareECsv => "读取 CSV 失败：{}。请在 Excel 中打开后另存再试。", "reading the CSV failed: {}. Open it in Excel, save it again and retry.";
    CompareETooLong => "第 {} 行第 {} 列的单元格长达 {} 个字符，不是名单的内容。请确认选对了文件。", "the cell at row {}, column {} holds {} characters: not a roster's content. Check that this is the right file.";
    CompareEMissing => "名单缺少“{}”列（表头为：{}）。请在表头写明该列，或用命令行 bianzhi compare --map 列名=字段。", "the roster has no \"{}\" column (its headers: {}). Name it in the header, or use bianzhi compare --map COLUMN=field.";
    CompareERead => "无法打开名单文件 {}：{}", "cannot open the roster file {}: {}";
    FcRetiring => "退休", "retire";
    FcOneForOne => "出一进一", "1-for-1";
    FcWithRequests => "含申请", "+req";
    FcBackTitle => "超编单位回到编制内的年份（不补充人员）", "Over-quota units: back within their quota in (no one hired)";
    WarningsTitle => "预警", "Warnings";
    AllKinds => "全部", "all";
    NoWarnings => "没有这一类预警", "no warnings of this kind";
    NothingBehind => "没有对应的单位或人员", "nothing behind this figure";
    Rows => "行", "rows";
    PersonsCount => "人", "persons";
    CountSuffix => "条", "";
    NotRecorded => "未填", "not recorded";
    StaffingType => "编制类型", "Staffing type";
    StaffingTypeShort => "编制类型", "Type";
    RetirementForecast => "退休预报", "Retirements";
    AgeStructure => "年龄结构", "Age";
    EducationStructure => "学历结构", "Education";
    PostTypeStructure => "岗位类型", "Post type";
    DrillHint => "Enter 查看数字背后的单位或人员 · Ctrl-E 导出所在表格", "Enter shows the units or persons behind a figure · Ctrl-E exports the table";
    OwnPosts => "本单位领导职数", "Leadership posts";
    TlDate => "日期", "Date";
    TlEvent => "事项", "Event";
    TlDocument => "文号", "Document";
    TlSummary => "摘要", "Summary";
    TlChangeSummary => "变动摘要", "Summary";
    TlFrom => "原单位", "From";
    TlTo => "现单位", "To";
    TlRecordedBy => "经办", "Recorded by";
    TlStaffing => "编制类型", "Staffing type";
    TlFunding => "经费形式", "Funding";
    TlChange => "增减", "Change";
    TlApprovedAfter => "核定累计", "Approved after";
    TlSpecial => "特殊编制", "Special quota";
    TlPost => "职数", "Post";
    TlAt => "时间", "At";
    TlDetail => "内容", "Detail";
    TlRows => "条数", "Rows";
    TlYes => "是", "yes";
    FieldColon => "：", ": ";
    OnBooksTitle => "{} 实有人员", "{}: staff on the books";
    OwnQuotaTitle => "{} 本单位编制", "{}: staffing of the unit";
    SubtreeQuotaTitle => "{} 含下级编制", "{}: staffing with subunits";
    OwnPostsTitle => "{} 领导职数", "{}: leadership posts";
    SubtreePostsTitle => "{} 含下级领导职数", "{}: leadership posts with subunits";
    SubtreePosts => "含下级领导职数", "Leadership posts with subunits";
    LegendTitle => "标记图例", "Legend of the marks";
    LegendRed => "红：超编（实有多于核定）、超职数（领导职数超配），两者都有为“超编超职”", "red: over quota (over), over the leadership posts (posts), or both (both)";
    LegendAmber => "黄：满编，或可使用编制不足核定的一成", "amber: full, or less than a tenth of the quota usable";
    LegendGreen => "绿：有空编可用", "green: vacancies to spare";
    MarkOver => "超编", "over";
    MarkPostsOver => "超职数", "posts";
    MarkBothOver => "超编超职", "both";
    TypeAheadKeys => "汉字/字母", "letters";
    TypeAhead => "直接输入单位名称、简称或拼音首字母（如 jyj）跳到该单位，停顿两秒后重新开始", "type a unit's name, short name or pinyin initials (jyj) to jump to it; a 2 s pause starts over";
    RefusalsTitle => "被服务器拒绝的决定与修改", "Decisions and edits the server refused";
    RefusalsNone => "没有被拒绝的决定或修改", "No decision or edit has been refused";
    RefusalsHint => "这些没有生效：决定请在待审批（F2）中重新审批；有冲突的修改按 m 保留您的修改，s 采用服务器现值。Esc 关闭", "These did not take effect: decide again in the inbox (F2); on an edit in conflict, m keeps yours, s takes the server's. Esc closes";
    RefusalsBadge => "被拒绝", "refused";
    RefusalNew => "新", "new";
    ConflictHint => "m 保留您的修改（按服务器现值重新记录）  s 采用服务器现值", "m keep yours (queued again on the server's values)  s take the server's";
    ConflictKept => "修改 {} 的冲突已处理：您的修改已重新记录（待上传）", "Edit {}'s conflict settled: yours is queued again";
    ConflictTaken => "修改 {} 的冲突已处理：采用服务器现值", "Edit {}'s conflict settled: the server's values stand";
    QuitTitle => "退出", "Quit";
    QuitSync => "y 先同步再退出", "y sync, then quit";
    QuitAnyway => "n 直接退出（下次同步时再发送）", "n quit now (they are sent on the next sync)";
    QuitStay => "Esc 留下", "Esc stay";
    QuitSyncing => "正在同步，完成后退出……", "syncing; quitting when it is done…";
    NeverSyncedData => "数据从未同步", "the data has never been synced";
    PAge => "年龄", "Age";
    PAgeYears => "{}岁", "{}";
    PRetireMonth => "法定退休时间", "Retires";
    PRetireDetail => "{}（{}）", "{} (age {})";
    PChecks => "数据校验", "Data checks";
    PChecksNone => "未发现问题", "no problems found";
    POpenOther => "按 {} 打开另一条记录", "press {} to open the other record";
    PCountedTwiceWith => "一人多编：同一身份证号另在 {} 在编（{}）", "counted twice: the same ID number is on the books of {} too ({})";
    ProblemMissingField => "缺少必填项：{}", "missing field: {}";
    ProblemBadId => "身份证号无效", "invalid ID number";
    ProblemBirthMismatch => "出生日期与身份证号不符", "birth date does not match the ID number";
    ProblemSexMismatch => "性别与身份证号不符", "sex does not match the ID number";
    ProblemCountedTwice => "一人多编：同一身份证号另有在编记录", "counted twice: the same ID number is on another unit's books";
    ProblemNoQuotaOfType => "人编不对应：单位无此类编制", "staffing type the unit has no quota of";
}

/// The note after a queued decision was withdrawn.
pub fn withdrawn(lang: Lang, id: crate::model::ApprovalId) -> String {
    match lang {
        Lang::Zh => format!("已撤回：申请 {id} 的决定不会再发送，已重新列入待审批"),
        Lang::En => format!("withdrawn: request {id} is open again; nothing will be sent"),
    }
}

/// Why a sync failed, other than an unreachable server, in the operator's language.
/// The server's own words are Chinese; in English the kind of failure says enough.
pub fn sync_error(lang: Lang, e: &crate::sync::client::Error) -> String {
    use crate::sync::client::Error as E;
    if lang == Lang::Zh {
        return e.to_string();
    }
    match e {
        E::Unreachable { detail, .. } => unreachable(lang, detail),
        E::Unauthorized(_) => "the server does not accept the token: it is unknown, or its operator is disabled; ask the administrator".into(),
        E::Refused(_) => "the server refused the request".into(),
        E::Server { status, .. } => {
            format!("the server failed ({status}); the local cache is unaffected")
        }
        E::Certificate { url, .. } => format!(
            "the certificate of the server {url} is not trusted; the connection was dropped. If your network uses its own CA, write ca_cert in the config file, or ask the administrator"
        ),
        E::BadResponse(_) => "the server's answer is unusable; the local cache is unchanged".into(),
        E::Store(_) => "the cache could not be read or written; nothing was changed (see the log)".into(),
        E::Concurrent => "another sync is running on the same cache; this one stopped. The cache is intact: sync again later".into(),
        E::BadUrl(u) => format!("the server's address is not valid: {u} (it starts with http:// or https://)"),
        E::MalformedToken => "the token is malformed (control characters, spaces or Chinese characters, most likely copied along with it); no request was sent. Copy the administrator's token again".into(),
        E::Other(_) => "the sync failed (see the log)".into(),
    }
}

/// Why a decision could not be withdrawn.
pub fn withdraw_refused(lang: Lang, r: &crate::store::outbox::WithdrawRefusal) -> String {
    use crate::store::outbox::WithdrawRefusal as W;
    match (lang, r) {
        (Lang::Zh, _) => r.to_string(),
        (Lang::En, W::NothingQueued(id)) => {
            format!("request {id} has no decision waiting to be sent: nothing to withdraw")
        }
        (Lang::En, W::AlreadySent(id)) => format!(
            "the decision on request {id} has been sent and awaits the server's answer: too late to withdraw"
        ),
        (Lang::En, W::Accepted(id)) => {
            format!("the server accepted the decision on request {id}: it cannot be withdrawn")
        }
        (Lang::En, W::Refused(id)) => format!(
            "the server refused the decision on request {id}: nothing to withdraw, decide it again"
        ),
    }
}

/// How long the data has gone unsynced: `数据已 3 小时未同步`, `unsynced for 3 h`.
pub fn unsynced_for(lang: Lang, minutes: Option<i64>) -> String {
    let Some(m) = minutes else {
        return M::NeverSyncedData.get(lang).to_string();
    };
    let (n, zh, en) = match m {
        m if m < 1 => {
            return match lang {
                Lang::Zh => "数据刚刚同步过".into(),
                Lang::En => "synced just now".into(),
            };
        }
        m if m < 60 => (m, "分钟", "min"),
        m if m < 60 * 48 => (m / 60, "小时", "h"),
        m => (m / (60 * 24), "天", "d"),
    };
    match lang {
        Lang::Zh => format!("数据已 {n} {zh}未同步"),
        Lang::En => format!("unsynced for {n} {en}"),
    }
}

/// Why the server could not be reached, from the sync client's words.
pub fn unreachable(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::Zh => format!("无法连接服务器（{detail}）"),
        Lang::En => {
            let why = match detail {
                "连接超时" => "timed out",
                "连接被拒绝或网络不通" => "connection refused or no network",
                "连接中断" => "connection cut",
                _ => "network error",
            };
            format!("cannot reach the server ({why})")
        }
    }
}

/// `q` with decisions not yet sent.
pub fn quit_unsent(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 项决定未发送到服务器。"),
        Lang::En => format!("{n} decisions have not been sent to the server."),
    }
}

/// A form's edit queued: `已记录修改 2 项（待上传）`.
pub fn edit_queued(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("已记录修改 {n} 项（待上传），下次同步时发送"),
        Lang::En => format!("{n} changes recorded (pending): sent with the next sync"),
    }
}

/// An edit not yet sent was withdrawn.
pub fn edit_withdrawn(lang: Lang, seq: i64) -> String {
    match lang {
        Lang::Zh => format!("修改 {seq} 已撤回，不会发送；记录已恢复为撤回前的样子"),
        Lang::En => {
            format!("Edit {seq} withdrawn: it will not be sent, and the record shows without it")
        }
    }
}

/// The edit was sent (or answered) in the meantime.
pub fn edit_not_withdrawn(lang: Lang, seq: i64) -> String {
    match lang {
        Lang::Zh => format!("修改 {seq} 已发送或已有答复，不能撤回"),
        Lang::En => format!("Edit {seq} was sent or answered already; it cannot be withdrawn"),
    }
}

/// The first line of a form that confirms an act on a record.
pub fn confirm_head(lang: Lang, m: M, name: &str) -> String {
    m.get(lang).replace("{}", name)
}

/// The note after an edit other than a person's details is queued.
pub fn recorded(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Zh => format!("已记录{what}（待上传），下次同步时发送"),
        Lang::En => format!("Recorded: {what} (pending), sent with the next sync"),
    }
}

/// A sync that could not run before quitting.
pub fn quit_sync_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("{why}，未退出：再按 q 可选择直接退出"),
        Lang::En => format!("{why}; still here: q again offers to quit without syncing"),
    }
}

/// The sync's answer about refusals: `服务器拒绝了 2 项决定，按 F6 查看原因`.
pub fn refused_notice(lang: Lang, n: u64, key: &str) -> String {
    match lang {
        Lang::Zh => format!("服务器拒绝了 {n} 项决定，按 {key} 查看原因"),
        Lang::En => format!("the server refused {n} decisions: {key} shows why"),
    }
}

/// `5分钟前`, `3 h ago`: how old the cache's data is.
/// An aside in brackets: full-width in Chinese, `(…)` after a space in English.
pub fn paren(lang: Lang, s: impl std::fmt::Display) -> String {
    match lang {
        Lang::Zh => format!("（{s}）"),
        Lang::En => format!(" ({s})"),
    }
}

pub fn age(lang: Lang, minutes: i64) -> String {
    let (n, unit) = match minutes {
        m if m < 1 => return M::AgeNow.get(lang).to_string(),
        m if m < 60 => (m, M::AgeMinutes),
        m if m < 60 * 48 => (m / 60, M::AgeHours),
        m => (m / (60 * 24), M::AgeDays),
    };
    match lang {
        Lang::Zh => format!("{n}{}", unit.get(lang)),
        Lang::En => format!("{n} {}", unit.get(lang)),
    }
}

/// A title naming a unit: `m`'s `{}` filled with the unit's name.
pub fn titled(lang: Lang, unit: &str, m: M) -> String {
    m.get(lang).replacen("{}", unit, 1)
}

/// The title of a list of persons behind a figure, from what picks them; `unit` names
/// the unit of a filter on one unit.
pub fn persons_title(filter: crate::store::stats::PersonFilter, unit: &str, lang: Lang) -> String {
    use crate::store::stats::PersonFilter as F;
    match (filter, lang) {
        (F::Occupying { staffing, .. }, Lang::Zh) => {
            format!("{unit} {} 实有人员", staffing.map_or("占编", |t| t.zh()))
        }
        (F::Occupying { staffing, .. }, Lang::En) => match staffing {
            Some(t) => format!("{unit}: staff occupying {}", t.en()),
            None => format!("{unit}: staff occupying a place"),
        },
        (F::Holding { slot: s, .. }, Lang::Zh) => format!("{unit} {s} 实配人员"),
        (F::Holding { slot: s, .. }, Lang::En) => format!("{unit}: holders of {}", slot(s, lang)),
        (F::Retiring(m), Lang::Zh) => format!("{m} 达到法定退休年龄的在职人员"),
        (F::Retiring(m), Lang::En) => format!("Staff reaching retirement age in {m}"),
        (F::AgeBand(b), Lang::Zh) => format!("年龄 {} 的在职人员", b.label(lang)),
        (F::AgeBand(b), Lang::En) => format!("Staff aged {}", b.label(lang)),
        (F::Education(e), _) => {
            let e = e.map_or(M::NotRecorded.get(lang), |e| e.label(lang));
            match lang {
                Lang::Zh => format!("学历 {e} 的在职人员"),
                Lang::En => format!("Staff by education: {e}"),
            }
        }
        (F::PostType(p), Lang::Zh) => format!("{} 在职人员", p.zh()),
        (F::PostType(p), Lang::En) => format!("Staff in {} posts", p.en()),
    }
}

/// A timeline item's kind in words: an event by its vocabulary's name, the ledgers and
/// the audit log's actions from this table (an action this version does not know by
/// its stored name).
pub fn item_kind(k: &crate::store::timeline::ItemKind, lang: Lang) -> String {
    use crate::store::timeline::{AuditAction as A, ItemKind as K};
    let m = match k {
        K::Event(e) => return e.label(lang).to_string(),
        K::Ledger => M::KindLedger,
        K::Posts => M::KindPosts,
        K::Audit(a) => match a {
            A::Decide => M::AuditDecide,
            A::Reveal => M::AuditReveal,
            A::Export => M::AuditExport,
            A::Sync => M::AuditSync,
            A::Demo => M::AuditDemo,
            A::Import => M::AuditImport,
            A::Withdraw => M::AuditWithdraw,
            A::Repair => M::AuditRepair,
            A::Edit => M::AuditEdit,
            A::Resolve => M::AuditResolve,
            A::Compare => M::AuditCompare,
            A::Other(name) => return name.clone(),
        },
    };
    m.get(lang).to_string()
}

/// A kind as typed for a filter: what [`item_kind`] says in either language, an audit
/// action's stored name (`decide`), or a short form (`台账`, `ledger`, `职数`).
pub fn parse_item_kind(text: &str) -> Option<crate::store::timeline::ItemKind> {
    use crate::store::timeline::ItemKind;
    let t = text.trim();
    match t.to_lowercase().as_str() {
        "台账" | "编制台账" | "ledger" => return Some(ItemKind::Ledger),
        "职数" => return Some(ItemKind::Posts),
        _ => {}
    }
    if let Some(k) = crate::model::EventKind::parse(t) {
        return Some(ItemKind::Event(k));
    }
    ItemKind::known().into_iter().find(|k| {
        item_kind(k, Lang::Zh) == t
            || item_kind(k, Lang::En).eq_ignore_ascii_case(t)
            || matches!(k, ItemKind::Audit(a) if a.key() == t)
    })
}

/// A timeline line's summary: a typed event or audit line worded, a ledger entry's
/// staffing type or a posts entry's slot said before the data's own summary.
pub fn item_summary(item: &crate::store::timeline::Item, lang: Lang) -> String {
    use crate::store::timeline::Source;
    match &item.source {
        Source::Audit { typed: Some(d), .. } => audit_detail(d, &item.summary, lang),
        Source::Event { event, .. } => event_text(event, lang),
        Source::Ledger { entry, .. } => {
            format!("{} {}", entry.staffing_type.label(lang), item.summary)
        }
        Source::Posts { entry, .. } => format!("{} {}", slot(entry.slot, lang), item.summary),
        _ => item.summary.clone(),
    }
}

/// `{}` in `template` filled in order.
fn fill(template: M, lang: Lang, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    let mut rest = template.get(lang);
    for a in args {
        match rest.split_once("{}") {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(&a.to_string());
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// What an audit line records, in words; `subject` is the person's or the request's
/// name as the store resolved it (empty when it is not in the cache, or has none).
pub fn audit_detail(d: &crate::store::audit::AuditDetail, subject: &str, lang: Lang) -> String {
    use crate::store::audit::AuditDetail as D;
    let request = |id: &i64| {
        if subject.is_empty() {
            fill(M::AdRequest, lang, &[id])
        } else {
            subject.to_string()
        }
    };
    match d {
        D::Decided {
            request: id,
            decision,
        } => fill(M::AdDecided, lang, &[&decision.label(lang), &request(id)]),
        D::Withdrawn {
            request: id,
            decision,
        } => fill(M::AdWithdrawn, lang, &[&decision.label(lang), &request(id)]),
        D::Revealed { person } if subject.is_empty() => fill(M::AdPerson, lang, &[person]),
        D::Revealed { .. } => subject.to_string(),
        D::RevealedWarnings { persons } => fill(M::AdRevealedWarnings, lang, &[persons]),
        D::Exported {
            what,
            format,
            path,
            full_ids,
        } => {
            let mut s = fill(M::AdExported, lang, &[what, format, path]);
            if *full_ids {
                s.push_str(M::AdFullIds.get(lang));
            }
            s
        }
        D::Reported {
            report,
            format,
            path,
        } => fill(M::AdReported, lang, &[report, format, path]),
        D::Synced {
            pushed,
            accepted,
            rejected,
            upserted,
        } => fill(M::AdSynced, lang, &[pushed, accepted, rejected, upserted]),
        D::Imported { file } => fill(M::AdImported, lang, &[file]),
        D::ImportedEntries {
            file,
            unit,
            lines,
            queued,
            bad,
        } => fill(
            M::AdImportedEntries,
            lang,
            &[file, unit, lines, queued, bad],
        ),
        D::Repaired {
            moved_to,
            unsent,
            audit,
            lost,
        } => fill(M::AdRepaired, lang, &[moved_to, unsent, audit, lost]),
        D::Edited { seq, op } => {
            let op = match op.as_str() {
                "person_add" => M::OpPersonAdd.get(lang),
                "person_edit" => M::OpPersonEdit.get(lang),
                "person_exit" => M::OpPersonExit.get(lang),
                "person_transfer" => M::OpPersonTransfer.get(lang),
                "person_restore" => M::OpPersonRestore.get(lang),
                "org_edit" => M::OpOrgEdit.get(lang),
                "org_move" => M::OpOrgMove.get(lang),
                "org_abolish" => M::OpOrgAbolish.get(lang),
                "org_add_dept" => M::OpOrgAddDept.get(lang),
                "ledger_add" => M::OpLedgerAdd.get(lang),
                "posts_add" => M::OpPostsAdd.get(lang),
                other => other,
            };
            fill(M::AdEdited, lang, &[seq, &op])
        }
        D::EditWithdrawn { seq } => fill(M::AdEditWithdrawn, lang, &[seq]),
        D::Resolved {
            seq,
            requeued_as: Some(n),
        } => fill(M::AdResolvedAgain, lang, &[seq, n]),
        D::Resolved {
            seq,
            requeued_as: None,
        } => fill(M::AdResolvedServer, lang, &[seq]),
        D::Compared {
            file,
            rows,
            scope,
            matched,
        } => {
            let scope = if scope.is_empty() {
                M::AdEveryUnit.get(lang)
            } else {
                scope.as_str()
            };
            fill(M::AdCompared, lang, &[file, rows, &scope, matched])
        }
    }
}

/// What a history event records, in words: its typed detail worded, or the sentence
/// recorded before events were typed.
pub fn event_text(e: &crate::model::Event, lang: Lang) -> String {
    match &e.detail {
        Some(d) => history_text(d, lang),
        None => e.summary.clone(),
    }
}

/// A history event's detail in words. Names, ranks, titles and notes are the data's.
pub fn history_text(d: &crate::model::history::Detail, lang: Lang) -> String {
    use crate::model::history::Detail as D;
    let staffing = |t: &Option<crate::model::StaffingType>| {
        t.map_or(M::HOffQuota.get(lang), |t| t.label(lang))
    };
    let changes = |cs: &[crate::model::history::FieldChange]| {
        let said = |v: &str| {
            if v.is_empty() {
                M::HEmpty.get(lang).to_string()
            } else {
                v.to_string()
            }
        };
        cs.iter()
            .map(|c| {
                let label = crate::model::edit::field_label(&c.field, lang);
                fill(M::HChange, lang, &[&label, &said(&c.from), &said(&c.to)])
            })
            .collect::<Vec<_>>()
            .join(M::HChangeSep.get(lang))
    };
    match d {
        D::Entered {
            form: Some(f),
            unit,
            staffing: t,
        } => fill(M::HEnteredAs, lang, &[&f.label(lang), unit, &staffing(t)]),
        D::Entered {
            form: None,
            unit,
            staffing: t,
        } => fill(M::HEntered, lang, &[unit, &staffing(t)]),
        D::TransferredIn { from: Some(f), to } => fill(M::HTransferredFrom, lang, &[f, to]),
        D::TransferredIn { from: None, to } => fill(M::HTransferredTo, lang, &[to]),
        D::Exited {
            exit,
            unit: Some(u),
        } => fill(M::HExitedFrom, lang, &[&exit.label(lang), u]),
        D::Exited { exit, unit: None } => fill(M::HExited, lang, &[&exit.label(lang)]),
        D::Restored => M::HRestored.get(lang).to_string(),
        D::Promoted { rank } => fill(M::HPromoted, lang, &[rank]),
        D::Appointed { unit, title } => fill(M::HAppointed, lang, &[unit, title]),
        D::LeaderPost { slot: Some(s) } => fill(M::HLeaderPost, lang, &[&slot(*s, lang)]),
        D::LeaderPost { slot: None } => M::HLeaderPostAny.get(lang).to_string(),
        D::PersonChanged { changes: cs } | D::OrgChanged { changes: cs } => changes(cs),
        D::Founded {
            unit,
            dept_of: Some(p),
        } => fill(M::HFoundedDept, lang, &[unit, p]),
        D::Founded {
            unit,
            dept_of: None,
        } => fill(M::HFounded, lang, &[unit]),
        D::Abolished {
            unit,
            duties_to: Some(to),
        } => fill(M::HAbolishedDuties, lang, &[unit, to]),
        D::Abolished {
            unit,
            duties_to: None,
        } => fill(M::HAbolished, lang, &[unit]),
        D::Merged { unit, into } => fill(M::HMerged, lang, &[unit, into]),
        D::Split { from, new } => fill(M::HSplit, lang, &[from, new]),
        D::Renamed { old, new } => fill(M::HRenamed, lang, &[old, new]),
        D::Moved {
            from: Some(f),
            under,
        } => fill(M::HMovedFrom, lang, &[f, under]),
        D::Moved { from: None, under } => fill(M::HMovedUnder, lang, &[under]),
        D::LevelChanged { from, to } => {
            let from = from.map_or(M::HNoLevel.get(lang), |l| l.label(lang));
            fill(M::HLevel, lang, &[&from, &to.label(lang)])
        }
        D::QuotaChanged {
            staffing: t,
            delta,
            note,
        } => fill(
            M::HQuota,
            lang,
            &[&t.label(lang), &format!("{delta:+}"), note],
        ),
        D::PostsChanged {
            slot: s,
            delta,
            note,
        } => fill(
            M::HPosts,
            lang,
            &[&slot(*s, lang), &format!("{delta:+}"), note],
        ),
    }
}

/// A field of a timeline item's detail in words.
pub fn timeline_field(f: crate::store::timeline::Field, lang: Lang) -> &'static str {
    use crate::store::timeline::Field as F;
    match f {
        F::Date => M::TlDate,
        F::Event => M::TlEvent,
        F::Document => M::TlDocument,
        F::Summary => M::TlSummary,
        F::ChangeSummary => M::TlChangeSummary,
        F::From => M::TlFrom,
        F::To => M::TlTo,
        F::RecordedBy => M::TlRecordedBy,
        F::Staffing => M::TlStaffing,
        F::Funding => M::TlFunding,
        F::Change => M::TlChange,
        F::ApprovedAfter => M::TlApprovedAfter,
        F::Special => M::TlSpecial,
        F::Post => M::TlPost,
        F::At => M::TlAt,
        F::Detail => M::TlDetail,
        F::Rows => M::TlRows,
    }
    .get(lang)
}

/// A timeline detail's value in words: the data's text as it is, terms by their names.
pub fn timeline_value(v: &crate::store::timeline::Value, lang: Lang) -> String {
    use crate::store::timeline::Value as V;
    match v {
        V::Text(t) => t.clone(),
        V::Audit(d) => audit_detail(d, "", lang),
        V::History(e) => event_text(e, lang),
        V::Kind(k) => item_kind(k, lang),
        V::Staffing(t) => t.label(lang).to_string(),
        V::Funding(f) => f.label(lang).to_string(),
        V::Slot(s) => slot(*s, lang),
        V::Yes => M::TlYes.get(lang).to_string(),
    }
}

/// A leadership post slot: `正科级正职` / `section (full) chief`.
pub fn slot(s: crate::model::PostSlot, lang: Lang) -> String {
    match lang {
        Lang::Zh => s.to_string(),
        Lang::En => format!("{} {}", s.level.en(), s.rank.en()),
    }
}

/// What a request asks, in a few words in the interface's language: `用编计划 2名
/// 行政编制` / `2 places, administrative`.
pub fn asked(item: &crate::store::inbox::Item, lang: Lang) -> String {
    use crate::model::ApprovalKind;
    let r = &item.request;
    let person = item.person.as_deref().unwrap_or("—");
    let staffing = r.staffing_type.map_or("—", |t| t.label(lang));
    match r.kind {
        ApprovalKind::StaffingPlan => match lang {
            Lang::Zh => format!("{}名 {staffing}", r.amount),
            Lang::En => format!("{} places, {staffing}", r.amount),
        },
        ApprovalKind::Entry => format!("{person} {staffing}"),
        ApprovalKind::Exit => format!("{person} {}", r.exit_kind.map_or("", |k| k.label(lang))),
        ApprovalKind::LeaderPost => {
            format!(
                "{person} {}",
                r.post.map_or(String::new(), |p| slot(p, lang))
            )
        }
        ApprovalKind::Reorganisation | ApprovalKind::KeyInfoChange | ApprovalKind::LedgerChange => {
            r.summary.clone()
        }
    }
}

/// Where a request stands for this operator: `待上传（同意）`, `服务器未接受：…`,
/// `已同意（张主任）` / `queued (approve)`, `refused by the server: …`, `approved (…)`.
pub fn standing(item: &crate::store::inbox::Item, lang: Lang) -> String {
    use crate::store::inbox::Standing;
    let zh = lang == Lang::Zh;
    let refused = |why: &crate::model::refusal::DecisionRefusal| match lang {
        Lang::Zh => format!("{}：{}", M::StRefused.get(lang), why.say(lang)),
        Lang::En => format!("{}: {}", M::StRefused.get(lang), why.say(lang)),
    };
    match &item.standing {
        Standing::Open => String::new(),
        Standing::Queued(d) if zh => format!("{}（{}）", M::StQueued.get(lang), d.zh()),
        Standing::Queued(d) => format!("{} ({})", M::StQueued.get(lang), d.en()),
        Standing::Sent(d) if zh => format!(
            "{}（{}），{}",
            M::StSent.get(lang),
            d.zh(),
            M::StWaiting.get(lang)
        ),
        Standing::Sent(d) => format!(
            "{} ({}), {}",
            M::StSent.get(lang),
            d.en(),
            M::StWaiting.get(lang)
        ),
        Standing::Refused { reason, .. } => refused(reason),
        Standing::Decided {
            status,
            by,
            refused: why,
        } => {
            let decided = match (by, zh) {
                (Some(by), true) => format!("已{}（{by}）", status.zh()),
                (None, true) => format!("已{}", status.zh()),
                (Some(by), false) => format!("{} ({by})", status.en()),
                (None, false) => status.en().to_string(),
            };
            match (why, zh) {
                (Some(why), true) => format!("{}；{decided}", refused(why)),
                (Some(why), false) => format!("{}; {decided}", refused(why)),
                (None, _) => decided,
            }
        }
    }
}

/// A data check's problem by its code (`model::checks::Problem::code`); a code this
/// interface does not know shows the model's words.
pub fn problem_text(code: &str, message: &str, lang: Lang) -> String {
    let m = match code {
        "missing-field" => {
            let zh = message.rsplit('：').next().unwrap_or("");
            let field = match zh {
                "姓名" => M::PName.get(lang),
                "出生日期" => M::PBirth.get(lang),
                "入编时间" => M::PEntryDate.get(lang),
                "学历" => M::PEducation.get(lang),
                "身份证号" => M::PIdNumber.get(lang),
                "单位全称" => M::FName.get(lang),
                "统一社会信用代码" => M::FCreditCode.get(lang),
                "人员" => M::PanelPeople.get(lang),
                "编制类型" => M::StaffingType.get(lang),
                "职数级别" => M::PPostLevel.get(lang),
                other => other,
            };
            return M::ProblemMissingField.get(lang).replace("{}", field);
        }
        "bad-id" => M::ProblemBadId,
        "birth-mismatch" => M::ProblemBirthMismatch,
        "sex-mismatch" => M::ProblemSexMismatch,
        "counted-twice" => M::ProblemCountedTwice,
        "no-quota-of-type" => M::ProblemNoQuotaOfType,
        "bad-credit-code" => M::ProblemBadCreditCode,
        "dangling-parent" => M::ProblemDanglingParent,
        _ => return message.to_string(),
    };
    m.get(lang).to_string()
}

/// A warning of the 预警 list in words: the store's sentence in Chinese, said from its
/// typed detail in English. The one wording of a warning: the 预警 screen, `bianzhi
/// warnings` and the export all call it.
pub fn warning_text(w: &crate::store::warnings::Warning, lang: Lang) -> String {
    use crate::store::warnings::{Detail, WarningKind};
    if lang == Lang::Zh {
        return w.message.clone();
    }
    match &w.detail {
        Detail::Quota {
            staffing_type,
            approved,
            actual,
            over,
        } if w.kind == WarningKind::OverQuota => format!(
            "{}: {approved} approved, {actual} actual, {over} over quota",
            staffing_type.en()
        ),
        Detail::Quota {
            staffing_type,
            approved,
            actual,
            ..
        } => format!(
            "{}: {approved} approved, {actual} actual; full, new staffing frozen",
            staffing_type.en()
        ),
        Detail::Posts {
            slot: s,
            approved,
            actual,
        } => format!(
            "{}: {approved} approved, {actual} filled, {} over the posts",
            slot(*s, lang),
            actual - approved
        ),
        Detail::Retirement { name, month } if w.kind == WarningKind::Retirement => {
            format!("{name} reaches the statutory retirement age in {month}")
        }
        Detail::Retirement { name, month } => {
            format!("{name} reached the statutory retirement age in {month} and is still active")
        }
        Detail::Check => problem_text(&w.subject, &w.message, lang),
    }
}

pub fn mode_name(lang: Lang, mode: super::keymap::Mode) -> &'static str {
    use super::keymap::Mode;
    match mode {
        Mode::Global => M::ModeGlobal,
        Mode::Tree => M::ModeTree,
        Mode::Unit => M::ModeUnit,
        Mode::Person => M::ModePerson,
        Mode::Search => M::ModeSearch,
        Mode::Palette => M::ModePalette,
        Mode::Help => M::ModeHelp,
        Mode::Inbox => M::ModeInbox,
        Mode::Input => M::ModeInput,
    }
    .get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One detail of every kind, with Chinese data values.
    fn every_detail() -> Vec<crate::model::history::Detail> {
        use crate::model::history::{Detail as D, FieldChange};
        use crate::model::*;
        let s = |t: &str| t.to_string();
        let slot = PostSlot {
            level: Level::SectionFull,
            rank: PostRank::Deputy,
        };
        let change = |field: &str, from: &str, to: &str| FieldChange {
            field: s(field),
            from: s(from),
            to: s(to),
        };
        vec![
            D::Entered {
                form: Some(EntryForm::Exam),
                unit: s("县财政局"),
                staffing: Some(StaffingType::Administrative),
            },
            D::Entered {
                form: None,
                unit: s("县财政局"),
                staffing: None,
            },
            D::TransferredIn {
                from: Some(s("县教育局")),
                to: s("县财政局"),
            },
            D::TransferredIn {
                from: None,
                to: s("县财政局"),
            },
            D::Exited {
                exit: ExitKind::Retirement,
                unit: Some(s("县财政局")),
            },
            D::Exited {
                exit: ExitKind::Dismissal,
                unit: None,
            },
            D::Restored,
            D::Promoted {
                rank: s("二级主任科员"),
            },
            D::Appointed {
                unit: s("县财政局"),
                title: s("副局长"),
            },
            D::LeaderPost { slot: Some(slot) },
            D::LeaderPost { slot: None },
            D::PersonChanged {
                changes: vec![change("post", "", "科员"), change("rank", "科员", "")],
            },
            D::OrgChanged {
                changes: vec![change("name", "县文化馆", "县文化和旅游馆")],
            },
            D::Founded {
                unit: s("综合股"),
                dept_of: Some(s("县财政局")),
            },
            D::Founded {
                unit: s("县财政局"),
                dept_of: None,
            },
            D::Abolished {
                unit: s("县国土资源局"),
                duties_to: Some(s("县自然资源和规划局")),
            },
            D::Abolished {
                unit: s("县国土资源局"),
                duties_to: None,
            },
            D::Merged {
                unit: s("县国土资源局"),
                into: s("县自然资源和规划局"),
            },
            D::Split {
                from: s("县人社局"),
                new: s("县医保局"),
            },
            D::Renamed {
                old: s("县环保局"),
                new: s("县生态环境局"),
            },
            D::Moved {
                from: Some(s("县文旅局")),
                under: s("县委宣传部"),
            },
            D::Moved {
                from: None,
                under: s("县委宣传部"),
            },
            D::LevelChanged {
                from: Some(Level::SectionDeputy),
                to: Level::SectionFull,
            },
            D::LevelChanged {
                from: None,
                to: Level::SectionFull,
            },
            D::QuotaChanged {
                staffing: StaffingType::PublicInstitution,
                delta: -2,
                note: s("精简收回"),
            },
            D::PostsChanged {
                slot,
                delta: 1,
                note: s("核增职数"),
            },
        ]
    }

    #[test]
    fn every_kind_of_history_is_worded_in_either_language() {
        let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，（）：；".contains(c);
        let mut seen = std::collections::HashSet::new();
        for d in every_detail() {
            let en = history_text(&d, Lang::En);
            let zh = history_text(&d, Lang::Zh);
            // English: nothing Chinese once the data's own values are taken out.
            let mut rest = en.clone();
            let mut values = d.data_values();
            values.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
            for v in values {
                rest = rest.replace(v, "");
            }
            assert!(!rest.chars().any(cjk), "{d:?}: {en}");
            // Chinese: no English word of the interface.
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{d:?}: {zh}");
            // Each detail says something of its own.
            assert!(seen.insert(zh.clone()), "{d:?} said like another: {zh}");
        }
        // The sentences offices wrote before events were typed read the same.
        let said = |i: usize| history_text(&every_detail()[i], Lang::Zh);
        assert_eq!(said(0), "考试录用，入编县财政局（行政编制）");
        assert_eq!(said(2), "由县教育局调入县财政局");
        assert_eq!(said(11), "职务：（空） → 科员；职级职称：科员 → （空）");
        assert_eq!(said(15), "撤销县国土资源局，职责划入县自然资源和规划局");
        assert_eq!(said(19), "县环保局更名为县生态环境局");
        assert_eq!(said(22), "机构规格由副科级调整为正科级");
        assert_eq!(said(24), "事业编制 -2（精简收回）");
        assert_eq!(
            history_text(&every_detail()[11], Lang::En),
            "post: (empty) → 科员; rank or title: 科员 → (empty)"
        );
    }

    #[test]
    fn a_failed_sync_is_said_in_english_without_the_servers_chinese() {
        use crate::sync::client::Error as E;
        let all = [
            E::Unauthorized("令牌无效".into()),
            E::Refused("请求格式错误".into()),
            E::Server {
                status: 500,
                message: "服务器内部错误".into(),
            },
            E::Certificate {
                url: "https://example".into(),
                detail: "证书过期".into(),
            },
            E::BadResponse(crate::sync::wire::WireError::NotSnapshot),
            E::Concurrent,
            E::BadUrl("ftp://x".into()),
            E::MalformedToken,
            E::Other("未知".into()),
        ];
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for e in &all {
            let en = sync_error(Lang::En, e);
            assert!(!cjk(&en) && !en.is_empty(), "{e:?}: {en}");
            assert_eq!(sync_error(Lang::Zh, e), e.to_string());
        }
    }

    #[test]
    fn timeline_kinds_are_worded_and_read_back_in_either_language() {
        use crate::store::timeline::{AuditAction, ItemKind};
        let known = ItemKind::known();
        assert!(known.contains(&ItemKind::Audit(AuditAction::Compare)));
        for k in known {
            for lang in [Lang::Zh, Lang::En] {
                let w = item_kind(&k, lang);
                assert_eq!(parse_item_kind(&w), Some(k.clone()), "{lang:?}: {w}");
            }
            assert!(item_kind(&k, Lang::En).is_ascii(), "{k:?}");
            assert!(!item_kind(&k, Lang::Zh).is_ascii(), "{k:?}");
            if let ItemKind::Audit(a) = &k {
                assert_eq!(parse_item_kind(a.key()), Some(k.clone()));
            }
        }
        assert_eq!(parse_item_kind("台账"), Some(ItemKind::Ledger));
        assert_eq!(parse_item_kind("更名"), parse_item_kind("renamed"));
        assert_eq!(parse_item_kind("nothing"), None);
        let later = ItemKind::Audit(AuditAction::Other("later".into()));
        assert_eq!(item_kind(&later, Lang::En), "later");
    }

    #[test]
    fn every_missing_field_of_the_checks_is_said_in_english() {
        use crate::model::checks::Problem;
        let fields = [
            "姓名",
            "出生日期",
            "入编时间",
            "学历",
            "身份证号",
            "单位全称",
            "统一社会信用代码",
            "人员",
            "编制类型",
            "职数级别",
        ];
        for f in fields {
            let p = Problem::MissingField(f);
            let en = problem_text(p.code(), &p.message(), Lang::En);
            assert!(en.is_ascii(), "{f}: {en}");
            assert_eq!(problem_text(p.code(), &p.message(), Lang::Zh), p.message());
        }
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(Lang::Zh, 0), "刚刚");
        assert_eq!(age(Lang::Zh, 5), "5分钟前");
        assert_eq!(age(Lang::Zh, 180), "3小时前");
        assert_eq!(age(Lang::En, 60 * 24 * 3), "3 d ago");
    }
}
