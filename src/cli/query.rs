//! Read-only queries for scripts and meetings: org, person, search, warnings, history,
//! overview. Each prints an aligned table, or JSON with `--json`.

use super::Ctx;
use super::out::{out, outln};
use super::table::render;
use super::words::W;
use crate::model::quota::Figures;
use crate::model::retirement::{Rule, retirement_month};
use crate::model::*;
use crate::store::audit::AuditDetail;
use crate::store::timeline::AuditAction;
use crate::store::warnings::{self, WarningKind};
use crate::store::{Store, queries, timeline};
use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub command: Option<super::maintain::OrgCommand>,
    /// The unit's id or name.
    pub org: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PersonArgs {
    #[command(subcommand)]
    pub command: Option<super::maintain::PersonCommand>,
    /// The person's id or name.
    #[arg(allow_negative_numbers = true)]
    pub person: Option<String>,
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
    #[arg(allow_negative_numbers = true)]
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
pub fn resolve_org(store: &Store, key: &str, lang: Lang) -> Result<Org> {
    let conn = store.conn();
    if let Ok(id) = key.trim().parse::<i64>() {
        return queries::org(conn, id)?
            .ok_or_else(|| anyhow::anyhow!(W::NoOrgId.fill(lang, &[&id])));
    }
    let found = queries::find_orgs(conn, key.trim())?;
    match found.len() {
        0 => bail!(W::NoOrgName.fill(lang, &[&key])),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => {
            let exact: Vec<&Org> = found.iter().filter(|o| o.name == key.trim()).collect();
            if exact.len() == 1 {
                return Ok(exact[0].clone());
            }
            let mut msg = W::ManyOrgs.fill(lang, &[&key]);
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
pub fn resolve_person(store: &Store, key: &str, lang: Lang) -> Result<Person> {
    let conn = store.conn();
    if let Ok(id) = key.trim().parse::<i64>() {
        return queries::person(conn, id)?
            .ok_or_else(|| anyhow::anyhow!(W::NoPersonId.fill(lang, &[&id])));
    }
    let found = queries::find_persons(conn, key.trim())?;
    match found.len() {
        0 => bail!(W::NoPersonName.fill(lang, &[&key])),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => {
            let mut msg = W::ManyPersons.fill(lang, &[&key, &found.len()]);
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
    /// What waits in the outbox for this person (shown over the cached record).
    pub pending: Option<crate::store::pending::Pending>,
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
        map.serialize_entry("pending", &self.pending.is_some())?;
        if let Some(p) = &self.pending {
            map.serialize_entry("pending_fields", &p.fields)?;
        }
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
        pending: crate::store::pending::person(conn, p.id)?,
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
pub fn quota_rows(f: &Figures, ascii: bool, lang: Lang) -> Vec<Vec<String>> {
    crate::report::quota_lines(f)
        .iter()
        .map(|(t, q)| {
            let label = match t {
                Some(t) => {
                    let tr = q.traffic();
                    let mark = if ascii { tr.ascii_mark() } else { tr.mark() };
                    format!("{mark} {}", t.label(lang))
                }
                None => format!("  {}", W::Total.get(lang)),
            };
            let mut row = vec![label];
            row.extend(crate::report::figure_cells(q));
            row
        })
        .collect()
}

/// The quota table's header, in the order of [`crate::report::FIGURE_COLUMNS`].
pub fn quota_header(lang: Lang) -> [&'static str; 7] {
    [
        W::StaffingType,
        W::Approved,
        W::Actual,
        W::Reserved,
        W::Vacant,
        W::Over,
        W::Usable,
    ]
    .map(|w| w.get(lang))
}

/// A post slot in words: 正科级正职, or "section chief" in English.
pub fn slot_text(s: &PostSlot, lang: Lang) -> String {
    match lang {
        Lang::Zh => s.to_string(),
        Lang::En => format!("{} {}", s.level.en(), s.rank.en()),
    }
}

fn post_rows(f: &Figures, ascii: bool, lang: Lang) -> Vec<Vec<String>> {
    f.posts
        .iter()
        .map(|(s, p)| {
            // 核定, 实配, 空缺, 超配: the report's cells without the status word (the
            // mark leads the row).
            let tr = p.traffic();
            let mark = if ascii { tr.ascii_mark() } else { tr.mark() };
            let mut row = vec![format!("{mark} {}", slot_text(s, lang))];
            row.extend(crate::report::post_cells(p, lang).into_iter().take(4));
            row
        })
        .collect()
}

pub fn org(ctx: &Ctx, a: OrgArgs) -> Result<()> {
    if let Some(command) = a.command {
        return super::maintain::org(ctx, command);
    }
    let Some(key) = a.org else {
        bail!(ctx.w(W::NoOrgGiven));
    };
    let store = ctx.store()?;
    let o = resolve_org(&store, &key, ctx.lang)?;
    let conn = store.conn();
    let unit = queries::unit_figures(conn, o.id)?;
    let subtree = queries::subtree_figures(conn, o.id)?;
    let path = queries::path_text(conn, o.id)?;
    let waiting = super::maintain::pending_org(&store, o.id)?;
    if a.json {
        let out = json!({
            "org": o, "path": path, "unit": figures_json(&unit), "subtree": figures_json(&subtree),
            "pending": waiting.is_some(),
            "pending_fields": waiting.as_ref().map(|p| &p.fields),
        });
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    let lang = ctx.lang;
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let w = |w: W| w.get(lang).to_string();
    let fields = vec![
        vec![w(W::Id), o.id.to_string()],
        vec![w(W::FullName), o.name.clone()],
        vec![w(W::ShortName), opt(&o.short_name)],
        vec![w(W::Parent), path],
        vec![
            w(W::Category),
            o.category
                .map(|c| c.label(lang).to_string())
                .unwrap_or_default(),
        ],
        vec![
            w(W::Level),
            o.level
                .map(|c| c.label(lang).to_string())
                .unwrap_or_default(),
        ],
        vec![
            w(W::Nature),
            o.nature
                .map(|c| c.label(lang).to_string())
                .unwrap_or_default(),
        ],
        vec![w(W::CreditCode), opt(&o.credit_code)],
        vec![w(W::Domain), opt(&o.domain_name)],
        vec![w(W::FoundingDoc), opt(&o.founding_doc)],
        vec![
            w(W::FoundingDate),
            o.founding_date.map(|d| d.to_string()).unwrap_or_default(),
        ],
    ];
    let header = quota_header(lang);
    out!("{}", render(&[ctx.w(W::Item), ctx.w(W::Content)], &fields))?;
    outln!("\n{}", ctx.w(W::UnitQuota))?;
    out!(
        "{}",
        render(&header, &quota_rows(&unit, ctx.ui.ascii, lang))
    )?;
    if !subtree.quota.is_empty() && subtree != unit {
        outln!("\n{}", ctx.w(W::SubtreeQuota))?;
        out!(
            "{}",
            render(&header, &quota_rows(&subtree, ctx.ui.ascii, lang))
        )?;
    }
    if !unit.posts.is_empty() {
        outln!("\n{}", ctx.w(W::LeaderPosts))?;
        let head = [
            W::Posts,
            W::Approved,
            W::Filled,
            W::PostsVacant,
            W::PostsOver,
        ]
        .map(|w| w.get(lang));
        out!("{}", render(&head, &post_rows(&unit, ctx.ui.ascii, lang)))?;
    }
    Ok(())
}

pub fn person(ctx: &Ctx, a: PersonArgs) -> Result<()> {
    if let Some(command) = a.command {
        return super::maintain::person(ctx, command);
    }
    let Some(key) = a.person else {
        bail!(ctx.w(W::NoPersonGiven));
    };
    let store = ctx.store()?;
    let p = resolve_person(&store, &key, ctx.lang)?;
    if a.reveal_id {
        store.audit(
            AuditAction::Reveal,
            &AuditDetail::Revealed { person: p.id },
            Some(1),
        )?;
    }
    let out = person_out(store.conn(), &p, a.reveal_id)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    let lang = ctx.lang;
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let v = |x: Option<&dyn std::fmt::Display>| x.map(|x| x.to_string()).unwrap_or_default();
    let l = |x: Option<&'static str>| x.unwrap_or_default().to_string();
    let w = |w: W| w.get(lang).to_string();
    let rows: Vec<Vec<String>> = vec![
        vec![w(W::Id), p.id.to_string()],
        vec![w(W::Name), p.name.clone()],
        vec![w(W::Unit), out.org_path.clone()],
        vec![w(W::IdNumber), out.person.id_number.clone()],
        vec![w(W::Sex), p.sex.label(lang).into()],
        vec![w(W::Birth), out.birth_date.clone().unwrap_or_default()],
        vec![
            w(W::Ethnicity),
            crate::model::edit::term_word(&p.ethnicity, lang),
        ],
        vec![
            w(W::Political),
            l(p.political_status.map(|x| x.label(lang))),
        ],
        vec![w(W::Status), p.status.label(lang).into()],
        vec![
            w(W::Staffing),
            p.staffing_type
                .map_or(w(W::OffBooks), |t| t.label(lang).to_string()),
        ],
        vec![w(W::Funding), l(p.funding_type.map(|x| x.label(lang)))],
        vec![w(W::PostType), p.post_type.label(lang).into()],
        vec![w(W::Post), o(&p.post)],
        vec![w(W::Rank), o(&p.rank)],
        vec![
            w(W::LeaderPost),
            p.leader_post
                .as_ref()
                .map(|s| slot_text(s, lang))
                .unwrap_or_default(),
        ],
        vec![w(W::WorkStart), v(p.work_start.as_ref().map(|x| x as _))],
        vec![w(W::EntryForm), l(p.entry_form.map(|x| x.label(lang)))],
        vec![w(W::EntryDoc), o(&p.entry_doc)],
        vec![w(W::EntryDate), v(p.entry_date.as_ref().map(|x| x as _))],
        vec![w(W::Education), l(p.education.map(|x| x.label(lang)))],
        vec![w(W::Degree), l(p.degree.map(|x| x.label(lang)))],
        vec![w(W::School), o(&p.school)],
        vec![w(W::Major), o(&p.major)],
        vec![
            w(W::Retirement),
            v(out.retirement_date.as_ref().map(|x| x as _)),
        ],
        vec![w(W::ExitKind), l(p.exit_kind.map(|x| x.label(lang)))],
        vec![w(W::ExitDate), v(p.exit_date.as_ref().map(|x| x as _))],
    ];
    out!("{}", render(&[ctx.w(W::Item), ctx.w(W::Content)], &rows))?;
    if let Some(waiting) = &out.pending {
        let fields: Vec<String> = waiting
            .fields
            .iter()
            .map(|k| {
                crate::model::edit::PersonField::parse(k)
                    .map_or(k.clone(), |f| f.label(lang).to_string())
            })
            .collect();
        let what = if waiting.new {
            W::NewRecord.get(lang).to_string()
        } else {
            fields.join(W::NameSep.get(lang))
        };
        outln!("{}", ctx.f(W::PendingFields, &[&what]))?;
    }
    Ok(())
}

/// The lookup index the cache keeps (built and kept if it has none current).
pub fn search_index(store: &Store, lang: Lang) -> Result<crate::search::SearchIndex> {
    Ok(crate::store::search_index(store.conn(), lang)?)
}

pub fn search(ctx: &Ctx, a: SearchArgs) -> Result<()> {
    let store = ctx.store()?;
    let index = search_index(&store, ctx.lang)?;
    // The process ends after this answer: the index's memory goes back with it, not
    // block by block (on a city, freeing it took longer than the search).
    let index: &crate::search::SearchIndex = Box::leak(Box::new(index));
    let hits = crate::search::search(index, &a.query, a.limit);
    let entries: Vec<&crate::search::Entry> = hits.iter().map(|h| index.entry(h.index)).collect();
    if a.json {
        let out: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "kind": match e.kind { crate::search::EntryKind::Person => "person", crate::search::EntryKind::Org => "org" },
                    "id": e.id, "name": e.name, "unit": &*e.unit, "detail": &*e.detail,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    if entries.is_empty() {
        outln!("{}", ctx.f(W::SearchNothing, &[&a.query]))?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let kind = match e.kind {
                crate::search::EntryKind::Person => ctx.w(W::Person),
                crate::search::EntryKind::Org => ctx.w(W::Unit),
            };
            vec![
                e.id.to_string(),
                kind.into(),
                e.name.clone(),
                e.unit.to_string(),
                e.detail.to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        render(
            &[
                ctx.w(W::Id),
                ctx.w(W::SearchKind),
                ctx.w(W::SearchName),
                ctx.w(W::SearchWhere),
                ctx.w(W::SearchDetail)
            ],
            &rows
        )
    )?;
    Ok(())
}

pub fn warnings(ctx: &Ctx, a: WarningsArgs) -> Result<()> {
    let store = ctx.store()?;
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(
            WarningKind::parse(k)
                .ok_or_else(|| anyhow::anyhow!(ctx.f(W::UnknownWarningKind, &[k])))?,
        ),
    };
    let scope = match &a.org {
        Some(o) => Some(resolve_org(&store, o, ctx.lang)?.id),
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
            store.audit(
                AuditAction::Reveal,
                &AuditDetail::RevealedWarnings {
                    persons: persons as i64,
                },
                Some(persons as i64),
            )?;
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
                w.kind.label(ctx.lang).into(),
                w.org_name.clone(),
                w.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                crate::tui::i18n::warning_text(w, ctx.lang),
            ]
        })
        .collect();
    let head = [W::Category, W::Unit, W::Person, W::Explanation].map(|w| ctx.w(w));
    out!("{}", render(&head, &rows))?;
    outln!("{}", ctx.f(W::WarningCount, &[&list.len()]))?;
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
fn history_filter(a: &HistoryArgs, lang: Lang) -> Result<timeline::Filter> {
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(
            crate::tui::i18n::parse_item_kind(k)
                .ok_or_else(|| anyhow::anyhow!(W::UnknownItemKind.fill(lang, &[k])))?,
        ),
    };
    let bound =
        |v: &Option<String>, text: fn(&str) -> String| -> Result<Option<chrono::NaiveDate>> {
            let Some(v) = v else { return Ok(None) };
            let range = timeline::Filter::parse_range(&text(v))
                .ok_or_else(|| anyhow::anyhow!(W::BadDate.fill(lang, &[v])))?;
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
    let lang = ctx.lang;
    let subject = if a.person {
        Subject::Person(resolve_person(&store, key, lang)?.id)
    } else if a.org {
        Subject::Org(resolve_org(&store, key, lang)?.id)
    } else if let Ok(id) = key.parse::<i64>() {
        match (queries::org(conn, id)?, queries::person(conn, id)?) {
            (Some(_), None) => Subject::Org(id),
            (None, Some(_)) => Subject::Person(id),
            (None, None) => bail!(ctx.f(W::NoOrgOrPersonId, &[&id])),
            (Some(o), Some(p)) => bail!(ctx.f(W::IdBoth, &[&id, &o.name, &p.name])),
        }
    } else {
        match (
            resolve_org(&store, key, lang),
            resolve_person(&store, key, lang),
        ) {
            (Ok(o), Err(_)) => Subject::Org(o.id),
            (Err(_), Ok(p)) => Subject::Person(p.id),
            (Ok(o), Ok(p)) => bail!(ctx.f(W::NameBoth, &[&key, &o.name, &p.name])),
            (Err(org_err), Err(person_err)) => {
                // Say what was looked for: a person with that name among several is as
                // likely as a unit.
                let units = queries::find_orgs(conn, key)?.len();
                let persons = queries::find_persons(conn, key)?.len();
                match (units, persons) {
                    (0, 0) => bail!(ctx.f(W::NoOrgNorPerson, &[&key, &key])),
                    (0, _) => return Err(person_err),
                    (_, 0) => return Err(org_err),
                    _ => bail!("{org_err}\n{person_err}"),
                }
            }
        }
    };
    let filter = history_filter(&a, lang)?;
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
        // An event's `summary` is its words in the chosen language; `detail` stays typed.
        let events: Vec<serde_json::Value> = events
            .iter()
            .map(|e| {
                let mut v = json!(e);
                v["summary"] = json!(crate::tui::i18n::event_text(e, lang));
                v
            })
            .collect();
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
                "timeline": items
                    .iter()
                    .map(|i| {
                        let mut v = json!(i);
                        if let timeline::Source::Event { event, .. } = &i.source {
                            v["summary"] = json!(crate::tui::i18n::event_text(event, lang));
                        }
                        v
                    })
                    .collect::<Vec<_>>(),
            }))?
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.date.to_string(),
                e.kind.label(lang).into(),
                e.doc_no.clone().unwrap_or_default(),
                crate::tui::i18n::event_text(e, lang),
            ]
        })
        .collect();
    let head = [W::Date, W::Event, W::DocNo, W::Summary].map(|w| ctx.w(w));
    out!("{}", render(&head, &rows))?;
    if !ledger.is_empty() {
        outln!("\n{}", ctx.w(W::Ledger))?;
        let rows: Vec<Vec<String>> = ledger
            .iter()
            .map(|(e, total)| {
                vec![
                    e.date.to_string(),
                    e.doc_no.clone(),
                    e.staffing_type.label(lang).into(),
                    format!("{:+}", e.delta),
                    total.to_string(),
                    e.summary.clone(),
                ]
            })
            .collect();
        out!(
            "{}",
            render(
                &[
                    W::Date,
                    W::ApprovalDoc,
                    W::StaffingType,
                    W::Delta,
                    W::RunningTotal,
                    W::Summary
                ]
                .map(|w| ctx.w(w)),
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
    print_overview_text(&store, ctx.lang, ctx.ui.ascii)
}

pub fn print_overview_text(store: &Store, lang: Lang, ascii: bool) -> Result<()> {
    let conn = store.conn();
    let roots = queries::roots(conn)?;
    if roots.is_empty() {
        outln!("{}", W::EmptyCache.get(lang))?;
        return Ok(());
    }
    let o = overview_data(store)?;
    let mut figures = Figures::default();
    for r in &roots {
        figures.merge(&queries::subtree_figures(conn, r.org.id)?);
    }
    let names = roots
        .iter()
        .map(|r| r.org.name.as_str())
        .collect::<Vec<_>>()
        .join(W::NameSep.get(lang));
    outln!(
        "{}",
        W::OverviewHead.fill(
            lang,
            &[&names, &o.units, &o.persons_active, &o.open_approvals]
        )
    )?;
    out!(
        "{}",
        render(&quota_header(lang), &quota_rows(&figures, ascii, lang))
    )?;
    outln!()?;
    let rows: Vec<Vec<String>> = o
        .warnings
        .iter()
        .map(|(k, n)| vec![k.label(lang).into(), n.to_string()])
        .collect();
    out!(
        "{}",
        render(&[W::Warning.get(lang), W::Count.get(lang)], &rows)
    )?;
    Ok(())
}
