//! Read-only queries for scripts and meetings: org, person, search, warnings, history,
//! overview. Each prints an aligned table, or JSON with `--json`.

use super::Ctx;
use super::out::{out, outln};
use super::table::render;
use crate::model::quota::Figures;
use crate::model::retirement::{Rule, retirement_month};
use crate::model::*;
use crate::store::warnings::{self, WarningKind};
use crate::store::{Store, queries, timeline};
use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct OrgArgs {
    /// The unit's id or name.
    pub org: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct PersonArgs {
    /// The person's id or name.
    pub person: String,
    #[arg(long)]
    pub json: bool,
    /// Show the ID number and birth date in full (recorded in the audit log).
    #[arg(long)]
    pub reveal_id: bool,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    pub query: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct WarningsArgs {
    /// over-quota, full, over-posts, retirement, overage or data.
    #[arg(long)]
    pub kind: Option<String>,
    /// Retirement forecast horizon in months.
    #[arg(long, default_value_t = 12)]
    pub within: u32,
    /// Only within this unit's subtree (id or name).
    #[arg(long)]
    pub org: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Show the persons' ID numbers and birth dates in full in `--json` (recorded in
    /// the audit log).
    #[arg(long)]
    pub reveal_id: bool,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// A unit's or a person's id or name.
    pub subject: String,
    /// The subject is a person (when an id could be either).
    #[arg(long, conflicts_with = "org")]
    pub person: bool,
    /// The subject is a unit.
    #[arg(long)]
    pub org: bool,
    /// Only this kind: an event (设立, 更名, 合并, 入编, 调动 …), 台账 / ledger, 职数 / posts.
    #[arg(long)]
    pub kind: Option<String>,
    /// From this date on: 2018, 2018-03 or 2018-03-15.
    #[arg(long)]
    pub since: Option<String>,
    /// Up to this date (a year or month covers all of it).
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OverviewArgs {
    #[arg(long)]
    pub json: bool,
}

/// Finds one unit by id or name; an ambiguous name lists the candidates.
pub fn resolve_org(store: &Store, key: &str) -> Result<Org> {
    let conn = store.conn();
    if let Ok(id) = key.trim().parse::<i64>() {
        return queries::org(conn, id)?.ok_or_else(|| anyhow::anyhow!("找不到编号为 {id} 的单位"));
    }
    let found = queries::find_orgs(conn, key.trim())?;
    match found.len() {
        0 => bail!("找不到名称含“{key}”的单位"),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => {
            let exact: Vec<&Org> = found.iter().filter(|o| o.name == key.trim()).collect();
            if exact.len() == 1 {
                return Ok(exact[0].clone());
            }
            let mut msg = format!("“{key}”对应多个单位，请用编号指定：");
            for o in found.iter().take(20) {
                msg.push_str(&format!(
                    "\n  {:>6}  {}",
                    o.id,
                    queries::path_text(conn, o.id)?
                ));
            }
            bail!(msg)
        }
    }
}

/// Finds one person by id or name; an ambiguous name lists the candidates.
pub fn resolve_person(store: &Store, key: &str) -> Result<Person> {
    let conn = store.conn();
    if let Ok(id) = key.trim().parse::<i64>() {
        return queries::person(conn, id)?
            .ok_or_else(|| anyhow::anyhow!("找不到编号为 {id} 的人员"));
    }
    let found = queries::find_persons(conn, key.trim())?;
    match found.len() {
        0 => bail!("找不到姓名为“{key}”的人员"),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => {
            let mut msg = format!("“{key}”有{}人同名，请用编号指定：", found.len());
            for p in found.iter().take(20) {
                msg.push_str(&format!(
                    "\n  {:>7}  {}  {}  {}",
                    p.id,
                    p.name,
                    queries::path_text(conn, p.org_id)?,
                    p.post.as_deref().unwrap_or("")
                ));
            }
            bail!(msg)
        }
    }
}

/// A person as every JSON output shows them: the ID number and the birth date masked
/// unless revealed (a masked ID number beside a full birth date is a full ID number:
/// the masked digits are the birth date).
pub struct PersonOut {
    /// The record with its ID number already masked unless revealed.
    pub person: Person,
    /// `1981-**-**`, or the whole date when revealed.
    pub birth_date: Option<String>,
    pub org_path: String,
    pub retirement_date: Option<YearMonth>,
}

impl Serialize for PersonOut {
    /// The person's fields, flat, with `birth_date` as shown, then `org_path` and
    /// `retirement_date`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap as _};
        let serde_json::Value::Object(fields) =
            serde_json::to_value(&self.person).map_err(S::Error::custom)?
        else {
            return Err(S::Error::custom("a person serializes to an object"));
        };
        let mut map = s.serialize_map(Some(fields.len() + 2))?;
        for (k, v) in &fields {
            if k == "birth_date" {
                map.serialize_entry(k, &self.birth_date)?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.serialize_entry("org_path", &self.org_path)?;
        map.serialize_entry("retirement_date", &self.retirement_date)?;
        map.end()
    }
}

pub fn person_out(conn: &rusqlite::Connection, p: &Person, reveal: bool) -> Result<PersonOut> {
    let mut person = p.clone();
    if !reveal {
        person.id_number = mask_id(&p.id_number);
    }
    Ok(PersonOut {
        birth_date: p.birth_date.map(|b| {
            if reveal {
                b.to_string()
            } else {
                mask_birth(Some(b))
            }
        }),
        org_path: queries::path_text(conn, p.org_id)?,
        retirement_date: p
            .birth_date
            .map(|b| retirement_month(Rule::for_person(p.sex, p.post_type), YearMonth::of(b))),
        person,
    })
}

pub fn figures_json(f: &Figures) -> serde_json::Value {
    json!({
        "quota": f.quota.iter().map(|(t, q)| json!({
            "staffing_type": t, "approved": q.approved, "actual": q.actual, "reserved": q.reserved,
            "vacant": q.vacant, "over": q.over, "usable": q.usable, "status": q.traffic(),
        })).collect::<Vec<_>>(),
        "posts": f.posts.iter().map(|(s, p)| json!({
            "level": s.level, "rank": s.rank, "approved": p.approved, "actual": p.actual,
            "vacant": p.vacant, "over": p.over, "status": p.traffic(),
        })).collect::<Vec<_>>(),
    })
}

/// The quota table as the screen and exports show it: the rows and figures come from
/// [`crate::report`], led by the three-colour mark.
pub fn quota_rows(f: &Figures, ascii: bool) -> Vec<Vec<String>> {
    crate::report::quota_lines(f)
        .iter()
        .map(|(t, q)| {
            let label = match t {
                Some(t) => {
                    let tr = q.traffic();
                    let mark = if ascii { tr.ascii_mark() } else { tr.mark() };
                    format!("{mark} {}", t.zh())
                }
                None => format!("  {}", crate::report::staffing_word(None)),
            };
            let mut row = vec![label];
            row.extend(crate::report::figure_cells(q));
            row
        })
        .collect()
}

pub const QUOTA_HEADER: [&str; 7] = [
    "编制类型",
    crate::report::FIGURE_COLUMNS[0],
    crate::report::FIGURE_COLUMNS[1],
    crate::report::FIGURE_COLUMNS[2],
    crate::report::FIGURE_COLUMNS[3],
    crate::report::FIGURE_COLUMNS[4],
    crate::report::FIGURE_COLUMNS[5],
];

fn post_rows(f: &Figures) -> Vec<Vec<String>> {
    f.posts
        .iter()
        .map(|(s, p)| {
            // 核定, 实配, 空缺, 超配: the report's cells without the status word (the
            // mark leads the row).
            let mut row = vec![format!("{} {s}", p.traffic().mark())];
            row.extend(crate::report::post_cells(p).into_iter().take(4));
            row
        })
        .collect()
}

pub fn org(ctx: &Ctx, a: OrgArgs) -> Result<()> {
    let store = ctx.store()?;
    let o = resolve_org(&store, &a.org)?;
    let conn = store.conn();
    let unit = queries::unit_figures(conn, o.id)?;
    let subtree = queries::subtree_figures(conn, o.id)?;
    let path = queries::path_text(conn, o.id)?;
    if a.json {
        let out = json!({ "org": o, "path": path, "unit": figures_json(&unit), "subtree": figures_json(&subtree) });
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let fields = vec![
        vec!["编号".into(), o.id.to_string()],
        vec!["单位全称".into(), o.name.clone()],
        vec!["简称".into(), opt(&o.short_name)],
        vec!["隶属".into(), path],
        vec![
            "类别".into(),
            o.category.map(|c| c.zh().to_string()).unwrap_or_default(),
        ],
        vec![
            "机构规格".into(),
            o.level.map(|c| c.zh().to_string()).unwrap_or_default(),
        ],
        vec![
            "机构性质".into(),
            o.nature.map(|c| c.zh().to_string()).unwrap_or_default(),
        ],
        vec!["统一社会信用代码".into(), opt(&o.credit_code)],
        vec!["中文域名".into(), opt(&o.domain_name)],
        vec!["设立文件".into(), opt(&o.founding_doc)],
        vec![
            "设立日期".into(),
            o.founding_date.map(|d| d.to_string()).unwrap_or_default(),
        ],
    ];
    out!("{}", render(&["项目", "内容"], &fields))?;
    outln!("\n本单位编制")?;
    out!(
        "{}",
        render(&QUOTA_HEADER, &quota_rows(&unit, ctx.ui.ascii))
    )?;
    if !subtree.quota.is_empty() && subtree != unit {
        outln!("\n含下属单位合计")?;
        out!(
            "{}",
            render(&QUOTA_HEADER, &quota_rows(&subtree, ctx.ui.ascii))
        )?;
    }
    if !unit.posts.is_empty() {
        outln!("\n领导职数")?;
        out!(
            "{}",
            render(&["职数", "核定", "实配", "空缺", "超配"], &post_rows(&unit))
        )?;
    }
    Ok(())
}

pub fn person(ctx: &Ctx, a: PersonArgs) -> Result<()> {
    let store = ctx.store()?;
    let p = resolve_person(&store, &a.person)?;
    if a.reveal_id {
        store.audit("reveal", &format!("person {}", p.id), Some(1))?;
    }
    let out = person_out(store.conn(), &p, a.reveal_id)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let v = |x: Option<&dyn std::fmt::Display>| x.map(|x| x.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = vec![
        vec!["编号".into(), p.id.to_string()],
        vec!["姓名".into(), p.name.clone()],
        vec!["单位".into(), out.org_path.clone()],
        vec!["身份证号".into(), out.person.id_number.clone()],
        vec!["性别".into(), p.sex.zh().into()],
        vec![
            "出生日期".into(),
            out.birth_date.clone().unwrap_or_default(),
        ],
        vec!["民族".into(), p.ethnicity.clone()],
        vec![
            "政治面貌".into(),
            v(p.political_status.as_ref().map(|x| x as _)),
        ],
        vec!["状态".into(), p.status.zh().into()],
        vec![
            "占编类型".into(),
            p.staffing_type
                .map_or("编外".into(), |t| t.zh().to_string()),
        ],
        vec![
            "经费形式".into(),
            v(p.funding_type.as_ref().map(|x| x as _)),
        ],
        vec!["岗位类型".into(), p.post_type.zh().into()],
        vec!["职务".into(), o(&p.post)],
        vec!["职级/职称".into(), o(&p.rank)],
        vec!["领导职数".into(), v(p.leader_post.as_ref().map(|x| x as _))],
        vec![
            "参加工作时间".into(),
            v(p.work_start.as_ref().map(|x| x as _)),
        ],
        vec!["进入形式".into(), v(p.entry_form.as_ref().map(|x| x as _))],
        vec!["入编文号".into(), o(&p.entry_doc)],
        vec!["入编时间".into(), v(p.entry_date.as_ref().map(|x| x as _))],
        vec!["学历".into(), v(p.education.as_ref().map(|x| x as _))],
        vec!["学位".into(), v(p.degree.as_ref().map(|x| x as _))],
        vec!["毕业院校".into(), o(&p.school)],
        vec!["专业".into(), o(&p.major)],
        vec![
            "法定退休时间".into(),
            v(out.retirement_date.as_ref().map(|x| x as _)),
        ],
        vec!["减员方式".into(), v(p.exit_kind.as_ref().map(|x| x as _))],
        vec!["减员时间".into(), v(p.exit_date.as_ref().map(|x| x as _))],
    ];
    out!("{}", render(&["项目", "内容"], &rows))?;
    Ok(())
}

/// Builds the lookup index from the cache's precomputed keys (computing any missing).
pub fn search_index(store: &Store) -> Result<crate::search::SearchIndex> {
    Ok(crate::search::SearchIndex::build(
        crate::store::search_entries(store.conn(), crate::model::Lang::Zh)?,
    ))
}

pub fn search(ctx: &Ctx, a: SearchArgs) -> Result<()> {
    let store = ctx.store()?;
    let index = search_index(&store)?;
    let hits = crate::search::search(&index, &a.query, a.limit);
    let entries: Vec<&crate::search::Entry> = hits.iter().map(|h| index.entry(h.index)).collect();
    if a.json {
        let out: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "kind": match e.kind { crate::search::EntryKind::Person => "person", crate::search::EntryKind::Org => "org" },
                    "id": e.id, "name": e.name, "unit": e.unit, "detail": e.detail,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    if entries.is_empty() {
        outln!("没有找到与“{}”相符的人员或单位", a.query)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let kind = match e.kind {
                crate::search::EntryKind::Person => "人员",
                crate::search::EntryKind::Org => "单位",
            };
            vec![
                e.id.to_string(),
                kind.into(),
                e.name.clone(),
                e.unit.clone(),
                e.detail.clone(),
            ]
        })
        .collect();
    out!(
        "{}",
        render(&["编号", "类", "名称", "所在单位", "职务/编制"], &rows)
    )?;
    Ok(())
}

pub fn warnings(ctx: &Ctx, a: WarningsArgs) -> Result<()> {
    let store = ctx.store()?;
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(WarningKind::parse(k).ok_or_else(|| {
            anyhow::anyhow!("未知的预警类别 `{k}`（可用：over-quota, full, over-posts, retirement, overage, data）")
        })?),
    };
    let scope = match &a.org {
        Some(o) => Some(resolve_org(&store, o)?.id),
        None => None,
    };
    let list = warnings::warnings(
        store.conn(),
        warnings::Filter {
            kind,
            within: a.within,
            today: super::today(),
            scope,
        },
    )?;
    if a.json {
        if a.reveal_id {
            let persons = list.iter().filter(|w| w.person.is_some()).count();
            store.audit("reveal", "warnings --json", Some(persons as i64))?;
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&warnings_json(store.conn(), &list, a.reveal_id)?)?
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|w| {
            vec![
                w.kind.zh().into(),
                w.org_name.clone(),
                w.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                w.message.clone(),
            ]
        })
        .collect();
    out!("{}", render(&["类别", "单位", "人员", "说明"], &rows))?;
    outln!("共 {} 条", list.len())?;
    Ok(())
}

/// `bianzhi warnings --json`: each warning with its person (ID masked unless revealed).
pub fn warnings_json(
    conn: &rusqlite::Connection,
    list: &[warnings::Warning],
    reveal: bool,
) -> Result<serde_json::Value> {
    let out: Vec<_> = list
        .iter()
        .map(|w| {
            let person = w
                .person
                .as_ref()
                .map(|p| person_out(conn, p, reveal))
                .transpose()?;
            Ok(json!({
                "kind": w.kind, "org_id": w.org_id, "org_name": w.org_name, "subject": w.subject,
                "message": w.message, "retirement_date": w.retirement_date, "person": person,
            }))
        })
        .collect::<Result<_>>()?;
    Ok(serde_json::Value::Array(out))
}

/// `--kind`, `--since`, `--until` as a timeline filter.
fn history_filter(a: &HistoryArgs) -> Result<timeline::Filter> {
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(timeline::ItemKind::parse(k).ok_or_else(|| {
            anyhow::anyhow!(
                "未知的事项类别 `{k}`（可用：设立, 更名, 合并, 分设, 隶属调整, 规格调整, 撤销, 入编, 调动, 职务变动, 职级变动, 出编, 台账, 职数）"
            )
        })?),
    };
    let bound =
        |v: &Option<String>, text: fn(&str) -> String| -> Result<Option<chrono::NaiveDate>> {
            let Some(v) = v else { return Ok(None) };
            let range = timeline::Filter::parse_range(&text(v)).ok_or_else(|| {
                anyhow::anyhow!("无法识别的日期 `{v}`（如 2018、2018-03、2018-03-15）")
            })?;
            Ok(range.0.or(range.1))
        };
    Ok(timeline::Filter {
        kind,
        since: bound(&a.since, |v| format!("{v}.."))?,
        until: bound(&a.until, |v| format!("..{v}"))?,
    })
}

pub fn history(ctx: &Ctx, a: HistoryArgs) -> Result<()> {
    let store = ctx.store()?;
    let conn = store.conn();
    let key = a.subject.trim();
    let subject = if a.person {
        Subject::Person(resolve_person(&store, key)?.id)
    } else if a.org {
        Subject::Org(resolve_org(&store, key)?.id)
    } else if let Ok(id) = key.parse::<i64>() {
        match (queries::org(conn, id)?, queries::person(conn, id)?) {
            (Some(_), None) => Subject::Org(id),
            (None, Some(_)) => Subject::Person(id),
            (None, None) => bail!("找不到编号为 {id} 的单位或人员"),
            (Some(o), Some(p)) => bail!(
                "编号 {id} 既是单位（{}）也是人员（{}）：请加 --org 或 --person 指明",
                o.name,
                p.name
            ),
        }
    } else {
        match (resolve_org(&store, key), resolve_person(&store, key)) {
            (Ok(o), Err(_)) => Subject::Org(o.id),
            (Err(_), Ok(p)) => Subject::Person(p.id),
            (Ok(o), Ok(p)) => bail!(
                "“{key}”既是单位（{}）也是人员（{}）：请加 --org 或 --person 指明",
                o.name,
                p.name
            ),
            (Err(org_err), Err(person_err)) => {
                // Say what was looked for: a person with that name among several is as
                // likely as a unit.
                let units = queries::find_orgs(conn, key)?.len();
                let persons = queries::find_persons(conn, key)?.len();
                match (units, persons) {
                    (0, 0) => bail!("找不到名称含“{key}”的单位，也找不到姓名为“{key}”的人员"),
                    (0, _) => return Err(person_err),
                    (_, 0) => return Err(org_err),
                    _ => bail!("{org_err}\n{person_err}"),
                }
            }
        }
    };
    let filter = history_filter(&a)?;
    let items: Vec<_> = match subject {
        Subject::Org(id) => timeline::unit(conn, id)?,
        Subject::Person(id) => timeline::person(conn, id)?,
    }
    .into_iter()
    .filter(|i| filter.accepts(i))
    .collect();
    let events: Vec<&Event> = items
        .iter()
        .filter_map(|i| match &i.source {
            timeline::Source::Event { event, .. } => Some(event),
            _ => None,
        })
        .collect();
    // Oldest first with the running total after each entry (of the whole ledger, so a
    // filtered list still shows the true totals).
    let ledger: Vec<(&LedgerEntry, i64)> = items
        .iter()
        .rev()
        .filter_map(|i| match &i.source {
            timeline::Source::Ledger { entry, total_after } => Some((entry, *total_after)),
            _ => None,
        })
        .collect();
    if a.json {
        let ledger_out: Vec<_> = ledger
            .iter()
            .map(|(e, total)| json!({ "entry": e, "running_total": total }))
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "subject": subject,
                "events": events,
                "ledger": ledger_out,
                "timeline": items,
            }))?
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.date.to_string(),
                e.kind.zh().into(),
                e.doc_no.clone().unwrap_or_default(),
                e.summary.clone(),
            ]
        })
        .collect();
    out!("{}", render(&["日期", "事项", "文号", "摘要"], &rows))?;
    if !ledger.is_empty() {
        outln!("\n编制台账")?;
        let rows: Vec<Vec<String>> = ledger
            .iter()
            .map(|(e, total)| {
                vec![
                    e.date.to_string(),
                    e.doc_no.clone(),
                    e.staffing_type.zh().into(),
                    format!("{:+}", e.delta),
                    total.to_string(),
                    e.summary.clone(),
                ]
            })
            .collect();
        out!(
            "{}",
            render(
                &["日期", "批准文号", "编制类型", "增减", "累计", "摘要"],
                &rows
            )
        )?;
    }
    Ok(())
}

/// The jurisdiction at a glance, as data: the overview screen reads the same
/// [`crate::store::stats::Jurisdiction`].
#[derive(Debug, Serialize)]
pub struct Overview {
    pub root: Option<Org>,
    pub totals: Vec<serde_json::Value>,
    pub warnings: Vec<(WarningKind, usize)>,
    pub units: i64,
    pub persons_active: i64,
    pub open_approvals: usize,
    pub units_over: usize,
    pub units_full: usize,
    pub units_over_posts: usize,
    pub age_bands: Vec<(String, i64)>,
    pub education: Vec<(String, i64)>,
    pub post_types: Vec<(PostType, i64)>,
    pub retirements: Vec<(YearMonth, i64)>,
}

pub fn overview_data(store: &Store) -> Result<Overview> {
    overview_data_at(store, super::today_date())
}

pub fn overview_data_at(store: &Store, today: chrono::NaiveDate) -> Result<Overview> {
    let j = crate::store::stats::jurisdiction(store.conn(), today)?;
    Ok(Overview {
        root: j.root,
        totals: figures_json(&j.totals)["quota"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        warnings: j.warnings,
        units: j.units,
        persons_active: j.persons_active,
        open_approvals: j.open_approvals,
        units_over: j.units_over,
        units_full: j.units_full,
        units_over_posts: j.units_over_posts,
        age_bands: j
            .age_bands
            .iter()
            .map(|(b, n)| (b.label(Lang::Zh).to_string(), *n))
            .collect(),
        education: j
            .education
            .iter()
            .map(|(e, n)| (e.map_or("未填".to_string(), |e| e.zh().to_string()), *n))
            .collect(),
        post_types: j.post_types,
        retirements: j.retirements,
    })
}

pub fn overview(ctx: &Ctx, a: OverviewArgs) -> Result<()> {
    let store = ctx.store()?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&overview_data(&store)?)?)?;
        return Ok(());
    }
    print_overview_text(&store, ctx.lang)
}

pub fn print_overview_text(store: &Store, _lang: Lang) -> Result<()> {
    let conn = store.conn();
    let roots = queries::roots(conn)?;
    if roots.is_empty() {
        outln!("缓存中还没有数据。请先执行 bianzhi sync（或 bianzhi demo 体验示例数据）。")?;
        return Ok(());
    }
    let o = overview_data(store)?;
    let mut figures = Figures::default();
    for r in &roots {
        figures.merge(&queries::subtree_figures(conn, r.org.id)?);
    }
    outln!(
        "{}：{} 个单位，在职 {} 人，待审批 {} 件",
        roots
            .iter()
            .map(|r| r.org.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        o.units,
        o.persons_active,
        o.open_approvals
    )?;
    out!("{}", render(&QUOTA_HEADER, &quota_rows(&figures, false)))?;
    outln!()?;
    let rows: Vec<Vec<String>> = o
        .warnings
        .iter()
        .map(|(k, n)| vec![k.zh().into(), n.to_string()])
        .collect();
    out!("{}", render(&["预警", "条数"], &rows))?;
    Ok(())
}
