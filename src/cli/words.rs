//! Every word the command line prints, in Chinese (the default) and English, in one
//! table. Domain vocabularies (编制类型, 机构规格 …) carry their own labels in `model`;
//! data values (names, document numbers, summaries) are printed as they are.
//!
//! A message with blanks (`{}`) is filled in order by [`W::fill`].

use crate::model::Lang;
use std::fmt::Display;

macro_rules! words {
    ($($name:ident => $zh:literal, $en:literal;)+) => {
        /// One word or sentence of the command line.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum W { $($name),+ }

        impl W {
            /// Every entry, for the table's own test.
            pub const ALL: &[W] = &[$(W::$name),+];

            pub fn get(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => match self { $(W::$name => $zh),+ },
                    Lang::En => match self { $(W::$name => $en),+ },
                }
            }
        }
    };
}

impl W {
    /// The message with its `{}` blanks filled in order.
    pub fn fill(self, lang: Lang, args: &[&dyn Display]) -> String {
        let template = self.get(lang);
        let mut out = String::with_capacity(template.len() + 16);
        let mut args = args.iter();
        let mut rest = template;
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

words! {
    // Errors and their causes (main's report).
    Error => "错误：", "error: ";
    Cause => "原因：", "cause: ";
    // Fields and table headers.
    Item => "项目", "Field";
    Content => "内容", "Value";
    Id => "编号", "ID";
    // `search`
    SearchKind => "类", "Kind";
    SearchName => "名称", "Name";
    SearchWhere => "所在单位", "Where";
    SearchDetail => "职务/编制", "Post / staffing";
    SearchNothing => "没有找到与“{}”相符的人员或单位", "no person or unit matches \"{}\"";
    FullName => "单位全称", "Full name";
    ShortName => "简称", "Short name";
    Parent => "隶属", "Parent";
    Category => "类别", "Category";
    Level => "机构规格", "Level";
    Nature => "机构性质", "Nature";
    CreditCode => "统一社会信用代码", "Credit code";
    Domain => "中文域名", "Domain name";
    FoundingDoc => "设立文件", "Founding document";
    FoundingDate => "设立日期", "Founded";
    UnitQuota => "本单位编制", "Quota of this unit";
    SubtreeQuota => "含下属单位合计", "With subunits";
    LeaderPosts => "领导职数", "Leadership posts";
    StaffingType => "编制类型", "Staffing type";
    Approved => "核定", "Approved";
    Actual => "实有", "Actual";
    Reserved => "已批未用", "Reserved";
    Vacant => "空编", "Vacant";
    Over => "超编", "Over";
    Usable => "可使用", "Usable";
    Total => "合计", "Total";
    Posts => "职数", "Posts";
    Filled => "实配", "Filled";
    PostsVacant => "空缺", "Vacant";
    PostsOver => "超配", "Over";
    Name => "姓名", "Name";
    Unit => "单位", "Unit";
    IdNumber => "身份证号", "ID number";
    Sex => "性别", "Sex";
    Birth => "出生日期", "Born";
    Ethnicity => "民族", "Ethnicity";
    Political => "政治面貌", "Political status";
    Status => "状态", "Status";
    Staffing => "占编类型", "Staffing";
    OffBooks => "编外", "off the books";
    Funding => "经费形式", "Funding";
    PostType => "岗位类型", "Post type";
    Post => "职务", "Post";
    Rank => "职级/职称", "Rank / title";
    LeaderPost => "领导职数", "Leadership post";
    WorkStart => "参加工作时间", "Started work";
    EntryForm => "进入形式", "Entry form";
    EntryDoc => "入编文号", "Entry document";
    EntryDate => "入编时间", "Entered";
    Education => "学历", "Education";
    Degree => "学位", "Degree";
    School => "毕业院校", "School";
    Major => "专业", "Major";
    Retirement => "法定退休时间", "Statutory retirement";
    ExitKind => "减员方式", "Exit";
    ExitDate => "减员时间", "Left";
    Person => "人员", "Person";
    Explanation => "说明", "Details";
    Date => "日期", "Date";
    Event => "事项", "Event";
    DocNo => "文号", "Document";
    Summary => "摘要", "Summary";
    Ledger => "编制台账", "Quota ledger";
    ApprovalDoc => "批准文号", "Approval document";
    Delta => "增减", "Change";
    RunningTotal => "累计", "Total";
    Warning => "预警", "Warning";
    Count => "条数", "Count";
    NotFilled => "未填", "not filled";
    Request => "申请", "Request";
    Kind => "类别", "Kind";
    After => "审批后", "After approval";
    Decision => "决定", "Decision";
    RecordedAt => "记录时间", "Recorded";
    Operator => "操作员", "Operator";
    Scope => "管辖范围", "Jurisdiction";
    Role => "角色", "Role";
    Disabled => "已停用", "disabled";
    Enabled => "启用", "enabled";
    // Separators.
    ListSep => "；", "; ";
    NameSep => "、", ", ";
    // Lines with blanks.
    WarningCount => "共 {} 条", "{} in all";
    RequestCount => "共 {} 件", "{} in all";
    OverviewHead => "{}：{} 个单位，在职 {} 人，待审批 {} 件", "{}: {} units, {} active staff, {} open requests";
    EmptyCache => "缓存中还没有数据。请先执行 bianzhi sync（或 bianzhi demo 体验示例数据）。", "The cache holds no data yet. Run bianzhi sync first (or bianzhi demo to try generated data).";
    // Warnings, in words (the store's own messages are Chinese).
    OverdrawsMark => "⚠ 超出编制", "! over quota";
    OverPostsMark => "⚠ 超职数", "! over posts";
    StQueued => "待上传（{}）", "queued ({})";
    StSent => "已发送（{}），等待服务器答复", "sent ({}), waiting for the server";
    StRefused => "服务器未接受：{}", "refused by the server: {}";
    StDecided => "已{}", "{}";
    StDecidedBy => "已{}（{}）", "{} ({})";
    StRefusedDecided => "服务器未接受：{}；{}", "refused by the server: {}; {}";
    // Inbox and decisions.
    NoOpenRequests => "没有待审批的申请", "No request is waiting for a decision";
    UnknownRequestKind => "未知的申请类别 `{}`（可用：用编计划, 增人入编, 减人出编, 领导职数使用, 机构调整）", "unknown request kind `{}` (use: plan, entry, exit, posts, reorg)";
    ReadOnlyDecide => "只读模式下不能审批", "nothing can be decided in read-only mode";
    UnknownDecision => "未知的决定 `{}`（可用：approve 同意, return 退回, reject 不同意）", "unknown decision `{}` (use: approve, return, reject)";
    NeedComment => "请填写审批意见（--comment）", "write a comment on the decision (--comment)";
    LikelyRefused => "注意：{}。服务器很可能不予接受。", "note: {}. The server will likely refuse it.";
    Recorded => "已记录：申请 {}（{}）{}，待上传，下次同步时发送。{}", "Recorded: request {} ({}) {}, queued; it is sent with the next sync. {}";
    NoSuchRequest => "找不到编号为 {} 的申请", "there is no request with ID {}";
    AlreadyDecided => "申请 {} 已是“{}”状态，无需再审批", "request {} is already {}: nothing to decide";
    AlreadyQueued => "申请 {} 已有待上传的决定，请先同步（或用 bianzhi outbox withdraw {} 撤回后重新审批）", "request {} already has a queued decision: sync first (or withdraw it with bianzhi outbox withdraw {} and decide again)";
    AlreadySent => "申请 {} 的决定已发送，正等待服务器答复，请先同步", "the decision on request {} was sent and waits for the server's answer: sync first";
    NoComment => "请填写审批意见", "write a comment on the decision";
    // Outbox.
    OutQueued => "待上传", "queued";
    OutSent => "已发送", "sent";
    OutAccepted => "已接受", "accepted";
    OutRefused => "被拒绝", "refused";
    OutConflict => "有冲突", "conflict";
    OutResolved => "已处理", "resolved";
    ConflictNote => "与服务器冲突：{}", "conflicts with the server: {}";
    ReviewNote => "已送审核（申请 {}）", "sent for review (request {})";
    EditNo => "修改 {}", "edit {}";
    OperatorRole => "操作员 {}（#{}）的角色已设为{}，从其下一个请求起生效", "Operator {} (#{}) is now a {}, from their next request";
    UnknownRole => "“{}”不是角色；可选：审核、录入", "`{}` is not a role; one of: reviewer, clerk";
    TakeWhich => "“{}”：请写 mine（您的修改）或 server（服务器现值）", "`{}`: write mine or server";
    NoConflict => "修改 {} 不在冲突状态，无需处理；bianzhi outbox 列出全部修改", "edit {} is not in conflict; bianzhi outbox lists every edit";
    Resolved => "修改 {} 的冲突已处理：已按服务器现值重新记录为修改 {}（待上传）", "edit {}'s conflict settled: queued again as edit {} on the server's values";
    ResolvedServer => "修改 {} 的冲突已处理：采用服务器现值，不再发送", "edit {}'s conflict settled: the server's values stand; nothing is sent";
    ReadOnlyEdit => "只读模式下不能修改数据", "nothing can be changed in read-only mode";
    SetForm => "“{}”应写作 字段=值，例如 --set 职务=科员", "`{}` should read FIELD=VALUE, e.g. --set post=clerk";
    UnknownField => "没有“{}”这个字段；bianzhi person fields 列出全部字段", "no field `{}`; bianzhi person fields lists them";
    FieldRefused => "  {}：{}", "  {}: {}";
    EditNotQueued => "修改未记录：", "Nothing was queued:";
    EditQueued => "已记录修改 {}（待上传）：{}。下次同步时发送", "Edit {} queued: {}. It is sent at the next sync";
    BadFullDate => "“{}”不是有效日期，应写作 YYYY-MM-DD", "`{}` is not a date; write YYYY-MM-DD";
    NoPersonGiven => "请给出人员的编号或姓名，例如 bianzhi person 张伟", "name a person by id or name, e.g. bianzhi person 12";
    NoOrgGiven => "请给出单位的编号或名称，例如 bianzhi org 教育局", "name a unit by id or name, e.g. bianzhi org 5";
    NoChange => "没有变化：所填的值与现值相同，未记录", "Nothing changed: the values are the current ones; nothing queued";
    UnknownExitKind => "“{}”不是减员方式；可选：{}", "`{}` is not a kind of exit; one of: {}";
    KeyField => "关键信息", "key field";
    FieldKey => "字段", "key";
    FieldLabel => "名称", "label";
    KeyFieldHead => "审核", "review";
    Choices => "可选值", "choices";
    NewRecord => "本条为新增记录", "this record is new";
    PendingFields => "待上传：{}", "waiting to be sent: {}";
    ReadOnlyWithdraw => "只读模式下不能撤回决定", "nothing can be withdrawn in read-only mode";
    Withdrawn => "已撤回：申请 {} 的决定（{}）不会再发送，该申请重新列入待审批。", "Withdrawn: the decision on request {} ({}) will not be sent; the request is open again.";
    NothingQueued => "申请 {} 没有待上传的决定，无可撤回。可用 bianzhi outbox 查看已记录的决定", "request {} has no queued decision to withdraw. bianzhi outbox lists the recorded decisions";
    WithdrawSent => "申请 {} 的决定已发送，正等待服务器答复，不能再撤回（服务器可能已经收到）。下次同步后可看到结果", "the decision on request {} was sent and cannot be withdrawn (the server may have it). The next sync shows the outcome";
    WithdrawAccepted => "申请 {} 的决定服务器已接受，不能撤回", "the server accepted the decision on request {}: it cannot be withdrawn";
    WithdrawRefused => "申请 {} 的决定已被服务器拒绝，无需撤回；可以重新审批", "the server refused the decision on request {}: nothing to withdraw; decide again";
    NoDecisions => "没有记录过的决定（审批后会在这里列出，直到服务器答复）", "No decision recorded (decisions are listed here until the server answers)";
    ServerSays => "服务器：{}", "server: {}";
    NoReason => "未说明原因", "no reason given";
    WaitingServer => "等待服务器答复", "waiting for the server";
    SentNextSync => "下次同步时发送，可撤回", "sent with the next sync; can be withdrawn";
    OutboxCount => "共 {} 个：待上传 {}，已发送 {}，已接受 {}，被拒绝 {}，有冲突 {}", "{} in all: {} queued, {} sent, {} accepted, {} refused, {} in conflict";
    WithdrawEditHint => "撤回尚未发送的修改：bianzhi outbox withdraw --edit 修改编号", "To withdraw an edit not yet sent: bianzhi outbox withdraw --edit N";
    NoSuchEdit => "没有编号为 {} 的修改；bianzhi outbox 列出全部修改", "there is no edit {}; bianzhi outbox lists every edit";
    EditAlreadySent => "修改 {} 已发送或已有答复，不能再撤回。下次同步后可看到结果", "edit {} has been sent or answered and can no longer be withdrawn; the next sync shows its outcome";
    EditWithdrawn => "已撤回修改 {}（{}），缓存中的记录已恢复原值", "Edit {} ({}) withdrawn; the record shows its values without it";
    WithdrawHint => "撤回尚未发送的决定：bianzhi outbox withdraw 申请编号", "To withdraw a decision not yet sent: bianzhi outbox withdraw REQUEST-ID";
    // Lookups.
    NoOrgId => "找不到编号为 {} 的单位", "there is no unit with ID {}";
    NoOrgName => "找不到名称含“{}”的单位", "no unit's name contains \"{}\"";
    ManyOrgs => "“{}”对应多个单位，请用编号指定：", "\"{}\" names several units; give one by its ID:";
    NoPersonId => "找不到编号为 {} 的人员", "there is no person with ID {}";
    NoPersonName => "找不到姓名为“{}”的人员", "there is no person named \"{}\"";
    ManyPersons => "“{}”有{}人同名，请用编号指定：", "\"{}\" names {} persons; give one by their ID:";
    UnknownWarningKind => "未知的预警类别 `{}`（可用：over-quota, full, over-posts, retirement, overage, data）", "unknown warning kind `{}` (use: over-quota, full, over-posts, retirement, overage, data)";
    UnknownItemKind => "未知的事项类别 `{}`（可用：设立, 更名, 合并, 分设, 隶属调整, 规格调整, 撤销, 入编, 调动, 职务变动, 职级变动, 出编, 台账, 职数）", "unknown kind `{}` (use an event's name, ledger or posts)";
    BadDate => "无法识别的日期 `{}`（如 2018、2018-03、2018-03-15）", "cannot read the date `{}` (write 2018, 2018-03 or 2018-03-15)";
    NoOrgOrPersonId => "找不到编号为 {} 的单位或人员", "there is no unit or person with ID {}";
    IdBoth => "编号 {} 既是单位（{}）也是人员（{}）：请加 --org 或 --person 指明", "ID {} is both a unit ({}) and a person ({}): add --org or --person";
    NameBoth => "“{}”既是单位（{}）也是人员（{}）：请加 --org 或 --person 指明", "\"{}\" is both a unit ({}) and a person ({}): add --org or --person";
    NoOrgNorPerson => "找不到名称含“{}”的单位，也找不到姓名为“{}”的人员", "no unit's name contains \"{}\" and no person is named \"{}\"";
    // Data files.
    Generated => "已生成 {} 个单位、{} 名人员，共 {} 行，写入 {}（{} MB，用时 {} 秒）", "Generated {} units and {} persons, {} rows in all, written to {} ({} MB in {} s)";
    Imported => "已导入 {} 个单位、{} 名人员，共 {} 行，到 {}", "Imported {} units and {} persons, {} rows in all, into {}";
    Writing => "写入 {}", "writing {}";
    ReadingSnapshot => "读取快照 {}", "reading the snapshot {}";
    DecodingSnapshot => "解析快照 {}", "decoding the snapshot {}";
    OpeningCache => "打开缓存 {}", "opening the cache {}";
    RepairingCache => "修复缓存 {}", "repairing the cache {}";
    Healthy => "缓存 {} 完好，无需修复，未作任何改动。", "The cache {} is sound: nothing to repair, nothing changed.";
    MovedAside => "损坏的缓存已移到 {}（未删除）。", "The damaged cache was moved to {} (not deleted).";
    Rescued => "已转入新缓存：未发送的操作 {} 个（操作箱共 {} 条），操作日志 {} 条。", "Carried into a new cache: {} unsent actions ({} in the outbox), {} audit log entries.";
    Lost => "有 {} 条记录已无法读取。", "{} records could not be read.";
    SyncNow => "请执行 bianzhi sync：重新下载全部数据，并发送未发送的操作。", "Run bianzhi sync: it downloads all data again and sends the unsent actions.";
    // Export.
    ExportIsCache => "{} 是缓存文件本身，不能作为导出目标；缓存未作改动。请换一个文件名，例如 编制.xlsx", "{} is the cache itself and cannot be an export's target; the cache is unchanged. Choose another name, e.g. quota.xlsx";
    NothingToExport => "缓存中还没有数据，无可导出。请先执行 bianzhi sync。", "The cache holds no data yet: nothing to export. Run bianzhi sync first.";
    CannotExport => "不能导出 `{}`（可用：quota, warnings, persons, inbox）", "cannot export `{}` (use: quota, warnings, persons, inbox)";
    BadFormat => "不支持的格式 `{}`（可用：csv, xlsx）", "unsupported format `{}` (use: csv, xlsx)";
    ExportingTo => "导出到 {}", "exporting to {}";
    Exported => "已导出 {} 行到 {}", "Exported {} rows to {}";
    // Standard reports.
    ReportName => "报表名", "Report";
    ReportTitle => "报表", "Title";
    UnknownReport => "没有名为 `{}` 的报表。可用的报表见 bianzhi report list。", "There is no report named `{}`. bianzhi report list shows the reports there are.";
    BadReportDate => "日期 `{}` 无法识别，请写成 YYYY-MM-DD，例如 2025-12-31。", "The date `{}` is not understood: write it as YYYY-MM-DD, e.g. 2025-12-31.";
    BadReportFormat => "不支持的格式 `{}`（可用：table, json, csv, xlsx）", "unsupported format `{}` (use: table, json, csv, xlsx)";
    ReportNeedsOut => "{} 格式要写入文件，请用 --out 指定文件名，例如 --out 报表.{}", "The {} format is written to a file: name it with --out, e.g. --out report.{}";
    PeriodBackwards => "起始日期 {} 晚于截止日期 {}，请调换后重试。", "The start date {} is after the end date {}: swap them and try again.";
    NothingToReport => "缓存中还没有数据，无法生成报表。请先执行 bianzhi sync。", "The cache holds no data yet: no report can be made. Run bianzhi sync first.";
    ReportWritten => "已写入报表（{} 行）到 {}", "Wrote the report ({} rows) to {}";
    // Forecast (推演).
    BadForecastYears => "推演年数 {} 不在 1 到 5 之间，请改用 --years 1 到 --years 5。", "{} years cannot be forecast: use --years 1 to --years 5.";
    ForecastTitle => "{} 编制推演（{}年至{}年，自 {} 起，不补充人员）", "{}: forecast {} to {} from {}, no one hired";
    FcYear => "年度", "Year";
    FcType => "编制类型", "Type";
    FcRetiring => "退休", "Retiring";
    FcActual => "年末实有", "Actual";
    FcVacant => "空编", "Vacant";
    FcOver => "超编", "Over";
    FcOneForOne => "出一进一", "1-for-1";
    FcVacantWith => "含申请空编", "Vac.+req";
    FcOverWith => "含申请超编", "Over+req";
    FcTotal => "合计", "Total";
    FcBackTitle => "超编单位回到编制内的年份（不补充人员）", "Over-quota units: the year each is back within its quota (no one hired)";
    FcUnit => "单位", "Unit";
    FcBackYear => "回到编制内", "Within in";
    FcBackYearWith => "含申请", "With req.";
    FcBeyond => "{}年后", "after {}";
    FcNoneOver => "没有超编单位。", "No unit is over its quota.";
    FcRetiringSummary => "{} 人将在上述年份内到达法定退休年龄（名单见 --json，出生日期已遮盖）。", "{} persons retire in these years; --json lists them, birth dates masked.";
    FcOverdue => "{} 人已到龄未退，不计入上表。", "{} past the retirement age and still on the books are not in the table.";
    FcRequests => "“含申请”各列把 {} 项待审批申请和已批未用计划视为同意并用足。", "The +req columns take {} pending requests and plans' held places as used.";
    // Network.
    NoRuntime => "无法启动异步运行时", "cannot start the async runtime";
    UnknownScale => "未知的规模 `{}`（可用：small, county, city, province），请改用其中之一", "unknown scale `{}` (use: small, county, city, province)";
    ScaleSmall => "小型", "small";
    ScaleCounty => "县级", "county";
    ScaleCity => "市级", "city";
    GeneratingData => "正在生成{}示例数据（单位、人员、台账、申请）", "Generating {} demo data (units, persons, ledgers, requests)";
    WritingServerDb => "正在写入服务器数据库：{} 个单位、{} 名人员", "Writing the server database: {} units, {} persons";
    WritingGenerated => "写入生成的数据", "writing the generated data";
    ProvinceToPostgres => "省级规模的数据直接写入 PostgreSQL 服务器数据库：请用 --out postgres://用户@主机:端口/数据库", "a province is written straight into a PostgreSQL server database: use --out postgres://USER@HOST:PORT/DB";
    GeneratedInto => "已生成并写入服务器数据库：{} 个单位、{} 名人员，共 {} 行（用时 {} 秒）", "Generated and written into the server database: {} units, {} persons, {} rows in all ({} s)";
    OpeningServerDb => "打开服务器数据库 {}", "opening the server database {}";
    GeneratedScale => "已生成 {} 规模的数据（种子 {}）", "Generated data of scale {} (seed {})";
    ServerStarted => "服务器已启动（协议 v{}），按 Ctrl-C 停止", "Server started (protocol v{}); Ctrl-C stops it";
    Stopping => "正在停止……", "Stopping…";
    KeepToken => "令牌只显示这一次，请妥善保存（写入终端的配置文件 token 项，或设置 BIANZHI_TOKEN）：", "The token is shown only this once; keep it safe (the token entry of the terminal's config file, or BIANZHI_TOKEN):";
    OperatorAdded => "已创建操作员 {}，管辖范围：{}（单位 {}）及其下属单位。", "Operator {} created; jurisdiction: {} (unit {}) and its subunits.";
    NoOperators => "还没有操作员。用 bianzhi operator add 名称 --scope 单位 --db … 创建", "No operator yet. Create one with bianzhi operator add NAME --scope UNIT --db …";
    ScopeUnit => "{}（单位 {}）", "{} (unit {})";
    OperatorDisabled => "已停用操作员 {}（#{}）：其下一个请求即被拒绝，运行中的服务器无需重启。恢复请用 bianzhi operator enable", "Operator {} (#{}) disabled: their next request is refused, no restart needed. bianzhi operator enable undoes it";
    OperatorEnabled => "已启用操作员 {}（#{}），原令牌继续有效", "Operator {} (#{}) enabled; their token works again";
    OperatorRotated => "已为操作员 {}（#{}）更换令牌，旧令牌立即失效。", "Operator {} (#{}) has a new token; the old one no longer works.";
    Syncing => "同步中", "syncing";
    SyncProgress => "{} 页 · {} 行 · 下行 {} · {}/秒", "{} pages · {} rows · {} down · {}/s";
    SyncDone => "同步完成：收到 {} 行", "Sync done: {} rows received";
    SyncDeleted => "，删除 {} 行", ", {} deleted";
    SyncPushed => "；发送决定 {} 个（服务器接受 {}，拒绝 {}）", "; {} decisions sent ({} accepted, {} refused)";
    SyncRefusedHint => "，拒绝原因见 bianzhi outbox", "; bianzhi outbox shows why";
    SyncRefetched => "；已重新下载全部数据（{}）", "; all data downloaded again ({})";
    SyncTraffic => "；下行 {}，上行 {}，{} 次往返，用时 {} 秒", "; {} down, {} up, {} round trips, {} s";
    ConfigFile => "（配置文件：{}）", " (config file: {})";
    DataAsOf => "（数据截至 {}）", " (data as of {})";
    NoServer => "未指定服务器：请用 --server URL，或在配置文件 {} 中写入 server = \"…\"", "no server given: use --server URL, or write server = \"…\" in the config file {}";
    NoToken => "缺少令牌：请向管理员索取（bianzhi operator add），用 --token 指定、设置环境变量 BIANZHI_TOKEN，或写入配置文件 {} 的 token 项", "no token: ask the administrator for one (bianzhi operator add) and give it with --token, the BIANZHI_TOKEN variable, or the token entry of the config file {}";
    JustNow => "刚刚", "just now";
    MinutesAgo => "{} 分钟前", "{} minutes ago";
    HoursAgo => "{} 小时前", "{} hours ago";
    DaysAgo => "{} 天前", "{} days ago";
    LastSync => "上次同步：{}（{}）", "Last sync: {} ({})";
    NeverSynced => "上次同步：从未同步", "Last sync: never";
    ServerLine => "服务器：{}", "Server: {}";
    NotConfigured => "（未配置）", "(not configured)";
    UnsentSent => "未发送的操作：{} 个（其中 {} 个已发送，等待服务器答复）", "Unsent actions: {} ({} of them sent, waiting for the server)";
    Unsent => "未发送的操作：{} 个", "Unsent actions: {}";
    RefusedNew => "被服务器拒绝的操作：{} 个是上次查看后新增的（共 {} 个）。用 bianzhi outbox 查看原因", "Actions refused by the server: {} new since last looked at ({} in all). bianzhi outbox shows why";
    RefusedSeen => "被服务器拒绝的操作：{} 个，均已查看", "Actions refused by the server: {}, all seen";
    Partial => "上次同步未完成，下次同步将继续", "The last sync did not finish; the next one goes on from there";
    TempDir => "创建临时目录", "creating a temporary directory";
    NoRoot => "生成的数据没有根单位", "the generated data has no root unit";
    DemoOperator => "演示操作员", "demo operator";
    DemoServer => "示例服务器：{}", "Demo server: {}";
    WritingDemoConfig => "写入演示配置 {}", "writing the demo config {}";
    // Library errors, said in English (main's report).
    ENotSqlite => "{} 不是 bianzhi 的缓存文件（不是 SQLite 数据库）；文件未作改动。请换一个路径，或删除它后重新同步。", "{} is not a bianzhi cache (not an SQLite database); the file is unchanged. Choose another path, or delete it and sync again.";
    ENewerSchema => "缓存 {} 来自更新版本的 bianzhi（结构版本 {}，本程序支持 {}）；文件未作改动。请升级 bianzhi。", "the cache {} comes from a newer bianzhi (schema {}, this program knows {}); the file is unchanged. Upgrade bianzhi.";
    EMissing => "缓存 {} 不存在（尚未同步过，或路径写错了）；没有创建任何文件。请先执行 bianzhi sync，或用 bianzhi import 导入快照文件。", "the cache {} does not exist (never synced, or a wrong path); no file was created. Run bianzhi sync first, or bianzhi import a snapshot file.";
    EIsDirectory => "{} 是一个目录，不是缓存文件。请给出文件的路径，例如 {}/cache.db。", "{} is a directory, not a cache file. Give a file's path, e.g. {}/cache.db.";
    ENotOurs => "{} 是其他程序的 SQLite 数据库，不是 bianzhi 的缓存；文件未作改动。请换一个路径。", "{} is another program's SQLite database, not a bianzhi cache; the file is unchanged. Choose another path.";
    EOthersCanRead => "缓存 {} 的权限为 {}，同组或其他用户可以读取，而其中有个人信息，拒绝打开；文件未作改动。请执行 chmod 600 {}", "the cache {} has mode {}: its group or other users can read it, and it holds personal data, so it was not opened; the file is unchanged. Run chmod 600 {}";
    EDiskFull => "缓存所在磁盘已满，本次改动未写入，原有数据完好。请清理磁盘空间后重试。", "the cache's disk is full: this change was not written and the data is intact. Free some space and try again.";
    EReadOnly => "缓存文件只读，本次改动未写入。请检查文件权限。", "the cache file is read-only: this change was not written. Check the file's permissions.";
    ECorrupt => "缓存数据损坏：{}。请执行 bianzhi repair：损坏的文件移到一旁，未发送的操作和操作日志转入新的缓存，下次同步补齐其余数据。", "the cache is damaged: {}. Run bianzhi repair: the damaged file is moved aside, the unsent actions and the audit log go into a new cache, and the next sync fetches the rest.";
    ESqlite => "缓存读写失败：{}", "reading or writing the cache failed: {}";
    EIo => "无法访问缓存文件：{}", "cannot access the cache file: {}";
    EUnreachable => "无法连接服务器 {}（{}）。本地缓存未受影响，仍可照常查询和审批。", "cannot reach the server {} ({}). The local cache is unaffected: queries and decisions work as usual.";
    EUnauthorized => "服务器不接受令牌：{}", "the server does not accept the token: {}";
    ERefused => "服务器拒绝了请求：{}", "the server refused the request: {}";
    EServer => "服务器出错（{}）：{}。本地缓存未受影响。", "the server failed ({}): {}. The local cache is unaffected.";
    ECertificate => "服务器 {} 的证书不受信任（{}），连接已中止。", "the certificate of the server {} is not trusted ({}); the connection was dropped. If your network uses its own CA, write ca_cert = \"path of the CA's .pem\" in the config file, or ask the administrator. The local cache is unaffected.";
    EBadResponse => "服务器的回复无法使用，本地缓存未作任何改动：{}", "the server's answer is unusable; the local cache is unchanged: {}";
    EConcurrent => "同一缓存上另有同步正在进行", "another sync is running on the same cache (the interface's background sync, say); this one stopped. The cache is intact: sync again later.";
    EBadUrl => "服务器地址无效：{}（应以 http:// 或 https:// 开头）", "the server's address is not valid: {} (it starts with http:// or https://)";
    EMalformedToken => "令牌格式不对", "the token is malformed: it holds control characters, spaces or Chinese characters (most likely copied along with it); no request was sent. Copy the administrator's token again into the token entry of the config file, or BIANZHI_TOKEN";
    EWireCorrupt => "数据不完整或已损坏（解压失败）：{}", "the data is incomplete or damaged (cannot decompress): {}";
    EWireFormat => "数据格式错误：{}", "the data's format is wrong: {}";
    EWireVersion => "对方使用的协议版本为 {}，本程序为 {}；请升级 bianzhi 或联系管理员", "the other side speaks protocol version {}, this program {}; upgrade bianzhi or ask the administrator";
    EWireNotSnapshot => "不是 bianzhi 的数据快照文件", "not a bianzhi snapshot file";
    EWireIo => "无法读写文件：{}", "cannot read or write the file: {}";
    StdoutFailed => "写入标准输出失败", "writing to standard output failed";
    // `compare` (roster comparison, 比对)
    CmpReading => "读取名单 {}", "reading the roster {}";
    CmpTitle => "比对 {}（{}，{} 行）与 {}（在册 {} 人）", "Compared {} ({}, {} rows) with {} ({} on the books)";
    CmpWholeCache => "全部在册人员", "all units";
    CmpCategory => "类别", "Category";
    CmpCount => "人数", "Count";
    CmpRate => "一致率：{}%（一致 {} 条，共 {} 条：名单各行加在册有、名单无）", "Match rate: {}% ({} of {} entries: roster rows and unlisted persons)";
    CmpRow => "行", "Row";
    CmpName => "姓名", "Name";
    CmpId => "身份证号", "ID number";
    CmpDetail => "说明", "Detail";
    CmpNoDifferences => "名单与在册人员完全一致。", "The roster and the books agree on every row.";
    CmpUnused => "未参与比对的列：{}", "Columns not compared: {}";
    CmpNoUnitColumn => "名单没有单位列：不比对单位，无身份证号的行也无法按姓名匹配。", "No unit column: units not compared, rows without ID not matched by name.";
    CmpNoStaffingColumn => "名单没有编制类型列：不比对占编类型。", "The roster has no staffing-type column: staffing types are not compared.";
    CmpWritten => "差异已写入 {}（{} 个工作表，身份证号已遮蔽）", "Differences written to {} ({} sheets, ID numbers masked)";
    CmpWriting => "写入差异表 {}", "writing the differences to {}";
    CmpSummary => "汇总", "Summary";
    CmpBooksName => "在册姓名：{}", "books: {}";
    CmpBooksUnit => "在册单位：{}", "books: {}";
    CmpBooksStaffing => "在册：{}，名单：{}", "books: {}, roster: {}";
    CmpLeft => "{} {}", "{} {}";
    CmpPending => "拟入编，尚未在册", "pending entry, not yet on the books";
    CmpSameAs => "同第 {} 行", "same as row {}";
    CmpByName => "按姓名匹配", "matched by name";
    CmpNoId => "缺身份证号", "no ID number";
    CmpIdLength => "应为18位，实为{}位", "{} characters, not 18";
    CmpIdDigits => "前17位应全为数字", "not all digits";
    CmpIdCheck => "校验码错误（应为{}）", "check char: want {}";
    CmpIdBirth => "出生日期无效", "invalid birth date";
    CmpOutside => "编外", "no staffing type";
    CmpRosterUnit => "名单单位", "Roster unit";
    CmpRosterStaffing => "名单编制类型", "Roster staffing";
    CmpBooksNameCol => "在册姓名", "Name on books";
    CmpBooksUnitCol => "在册单位", "Unit on books";
    CmpBooksStaffingCol => "在册编制类型", "Staffing on books";
    CmpRateCol => "一致率", "Match rate";
    CmpEEmpty => "名单文件是空的，没有可比对的行。请确认选对了文件。", "the roster file is empty: there is no row to compare. Check that this is the right file.";
    CmpENotSpreadsheet => "文件既不是 Excel 表格（XLSX/XLS）也不是 CSV 文本，无法读取。请在 Excel 中打开后另存为 XLSX 或 CSV 再试。", "the file is neither an Excel workbook (XLSX/XLS) nor CSV text and cannot be read. Open it in Excel, save it as XLSX or CSV and try again.";
    CmpEEncoding => "CSV 文件的编码看来是 {}，不是 UTF-8 或 GBK/GB18030，无法可靠读取。请在 Excel 中另存为“CSV UTF-8”再试。", "the CSV file seems to be in {}, not UTF-8 or GBK/GB18030, and cannot be read reliably. Save it from Excel as \"CSV UTF-8\" and try again.";
    CmpESpreadsheet => "读取表格失败：{}。文件可能已损坏，请在 Excel 中打开后另存再试。", "reading the workbook failed: {}. The file may be damaged: open it in Excel, save it again and retry.";
    CmpECsv => "读取 CSV 失败：{}。请在 Excel 中打开后另存再试。", "reading the CSV failed: {}. Open it in Excel, save it again and retry.";
    ImpSheet => "增员登记", "New persons";
    ImpNotesSheet => "填写说明", "Notes";
    ImpRequired => "必填", "Required";
    ImpNotes => "每行一人；带 * 的列必填；下拉列只能选列出的值；日期写作 2025-01-31；身份证号按文本填写。第 2 行是示例，原样保留时导入会跳过它，也可删除。导入：bianzhi person import 文件 --org 单位 --doc 入编文号", "One person a row; columns with * are required; drop-down columns take only the values listed; dates as 2025-01-31; ID numbers as text. Row 2 is an example: skipped on import when left as it is, or delete it. Import: bianzhi person import FILE --org UNIT --doc DOCUMENT";
    ImpNotAChoiceTitle => "不是可选的值", "Not one of the values";
    ImpNotAChoice => "请从下拉列表中选择。", "Pick a value from the drop-down list.";
    ImpWriting => "写入 {}", "writing {}";
    ImpTemplateWritten => "模板已写入 {}（{} 列，下拉选项、一行示例，身份证号等列为文本）", "Template written to {} ({} columns, drop-down lists, an example row, ID numbers and dates as text)";
    ImpNoHeader => "找不到表头：前 10 行中没有一行写着字段名（如 姓名、身份证号）。请用 bianzhi person template 生成的模板填写。", "no header found: none of the first 10 rows names a field (name, ID number …). Fill in the template bianzhi person template writes.";
    ImpUnknownColumns => "无法识别的列：{}。列名应为字段名（见 bianzhi person fields）；没有记录任何人员。", "columns not recognised: {}. Headers must be field names (see bianzhi person fields); no one was queued.";
    ImpNoRows => "文件中没有要导入的行（示例行不算）。", "the file has no row to import (the example row aside).";
    ImpRowError => "第 {} 行“{}”：{}", "row {}, \"{}\": {}";
    ImpNothingQueued => "{} 行有误（共 {} 行），没有记录任何人员。改正后重新导入，或用 --valid-only 先记录无误的行。", "{} rows have errors (of {}): no one was queued. Fix them and import again, or queue the rows without errors with --valid-only.";
    ImpErrorColumn => "错误说明", "Errors";
    ImpRestWritten => "{} 行未记录，已连同错误说明写入 {}", "{} rows not queued: written with their errors to {}";
    ImpQueued => "已记录增员 {} 人至 {}（待上传），下次同步时发送。", "{} new persons queued into {}; they are sent at the next sync.";
    CmpETooLong => "第 {} 行第 {} 列的单元格长达 {} 个字符，不是名单的内容。请确认选对了文件（CSV 中未配对的引号会吞下其后的全部内容）。", "the cell at row {}, column {} holds {} characters: not a roster's content. Check that this is the right file (an unpaired quote in a CSV swallows everything after it).";
    CmpEMissing => "名单缺少“{}”列（表头为：{}）。请在表头写明，或用 --map 列名=字段 指定。", "the roster has no \"{}\" column (its headers: {}). Name it in the header, or say which column holds it with --map COLUMN=field.";
    CmpENoSuchColumn => "--map 指定的列“{}”不在名单的表头中（表头为：{}）。", "the column \"{}\" given to --map is not among the roster's headers ({}).";
    CmpEBadMap => "无法识别 --map “{}”：应写作 列名=字段，字段为 姓名、身份证号、单位、编制类型 之一（或 name、id、unit、staffing）。", "cannot read --map \"{}\": write COLUMN=field, the field one of name, id, unit, staffing.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_has_no_chinese_and_blanks_match() {
        for w in W::ALL {
            let en = w.get(Lang::En);
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{w:?}: {en}"
            );
            // The same number of blanks in both languages (except the long English
            // sentences that the Chinese original says in fewer words).
            let blanks = |s: &str| s.matches("{}").count();
            assert_eq!(blanks(en), blanks(w.get(Lang::Zh)), "{w:?}");
        }
    }

    #[test]
    fn fill_fills_in_order() {
        assert_eq!(W::RequestCount.fill(Lang::En, &[&3]), "3 in all");
        assert_eq!(
            W::LastSync.fill(Lang::Zh, &[&"2026-11-02 09:30", &"刚刚"]),
            "上次同步：2026-11-02 09:30（刚刚）"
        );
    }
}
