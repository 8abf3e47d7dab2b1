//! Data maintenance from the command line: `person add|edit|exit|transfer|restore|fields`,
//! `org edit|move|abolish|add-dept`, `ledger add|posts`. Each checks the edit with the
//! rules the server applies, queues it in the outbox, shows it at once in the cache
//! (`"pending": true`), and prints the outbox entry it queued.

use super::Ctx;
use super::out::outln;
use super::query::{resolve_org, resolve_person};
use super::words::W;
use crate::model::edit::{self, Edit, FieldChange, Intent, OrgField, PersonField, Target};
use crate::model::refusal::Refusal;
use crate::model::*;
use crate::store::audit::AuditDetail;
use crate::store::timeline::AuditAction;
use crate::store::{self, Store, pending};
use anyhow::{Result, bail};

#[derive(Debug, clap::Subcommand)]
pub enum PersonCommand {
    /// 增员登记: enter a new person into a unit.
    Add {
        /// The unit (id or name).
        #[arg(long)]
        org: String,
        /// FIELD=VALUE (the label on screen or its English key; see `person fields`).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// The document number (入编文号).
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a person (key fields need --doc).
    Edit {
        /// The person's id (a negative id names one entered here and not yet synced).
        #[arg(allow_negative_numbers = true)]
        person: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 减员: record an exit (退休, 调出, 辞职, 辞退, 开除, 死亡) on a date.
    Exit {
        #[arg(allow_negative_numbers = true)]
        person: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 调动: transfer to another unit within the jurisdiction.
    Transfer {
        #[arg(allow_negative_numbers = true)]
        person: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Restore a person recorded as left by mistake.
    Restore {
        #[arg(allow_negative_numbers = true)]
        person: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The fields a person has: key, label, kind, whether a key field, choices.
    Fields {
        #[arg(long)]
        json: bool,
    },
    /// Write the bulk-entry template (XLSX): a column per field, drop-down lists of the
    /// allowed values, an example row.
    Template(super::import::TemplateArgs),
    /// 增员导入: new persons from a filled-in template (XLSX, XLS, CSV), every row
    /// checked like `person add`; nothing queued unless every row passes.
    Import(super::import::ImportArgs),
}

#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Change a unit's name, short name, level, nature, category, codes.
    Edit {
        org: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a unit under another parent.
    Move {
        org: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Abolish a unit (refused while it has people or units under it).
    Abolish {
        org: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add an internal department (内设机构) under a unit.
    AddDept {
        org: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        short_name: Option<String>,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct LedgerArgs {
    #[command(subcommand)]
    pub command: LedgerCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCommand {
    /// Add a 编制台账 entry (append-only: correct a wrong one by a compensating entry).
    Add {
        #[arg(long)]
        org: String,
        /// 编制类型 (行政编制, 事业编制, ...).
        #[arg(long = "type")]
        staffing_type: String,
        #[arg(long, allow_hyphen_values = true)]
        delta: i32,
        #[arg(long)]
        date: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        summary: String,
        /// 经费形式 (全额, 差额, 自收自支).
        #[arg(long)]
        funding: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add or take away approved leadership posts (领导职数) of a level and 正职/副职.
    Posts {
        #[arg(long)]
        org: String,
        /// e.g. 正科级正职
        #[arg(long)]
        slot: String,
        #[arg(long, allow_hyphen_values = true)]
        delta: i32,
        #[arg(long)]
        date: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        summary: String,
        #[arg(long)]
        json: bool,
    },
}

fn writable(ctx: &Ctx) -> Result<Store> {
    if ctx.ui.read_only {
        bail!(ctx.w(W::ReadOnlyEdit));
    }
    ctx.store()
}

/// `FIELD=VALUE` split, the field named by its label or key.
fn split_set<F>(ctx: &Ctx, s: &str, parse: impl Fn(&str) -> Option<F>) -> Result<(F, String)> {
    let Some((field, value)) = s.split_once('=') else {
        bail!(ctx.f(W::SetForm, &[&s]));
    };
    let Some(f) = parse(field) else {
        bail!(ctx.f(W::UnknownField, &[&field.trim()]));
    };
    Ok((f, value.to_string()))
}

/// A person as an edit's target: a negative id is one entered here, named by the client
/// id of the edit that entered it.
fn target(store: &Store, ctx: &Ctx, key: &str) -> Result<(Target, Person)> {
    let p = resolve_person(store, key, ctx.lang)?;
    let Some(target) = pending::target(store.conn(), p.id)? else {
        bail!(W::NoPersonId.fill(ctx.lang, &[&p.id]));
    };
    Ok((target, p))
}

fn base(store: &Store) -> Result<u64> {
    Ok(pending::cursor(store.conn())?)
}

fn field_error(ctx: &Ctx, label: &str, why: &Refusal) -> anyhow::Error {
    anyhow::anyhow!(
        ctx.f(W::FieldRefused, &[&label, &why.say(ctx.lang)])
            .trim_start()
            .to_string()
    )
}

/// Queues an intent after the checks; prints the entry.
fn queue(ctx: &Ctx, store: &Store, intent: Intent, json: bool) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    match pending::queue(store.conn(), &intent, today)? {
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| ctx.f(W::FieldRefused, &[&e.label(ctx.lang), &e.message(ctx.lang)]))
                .collect();
            bail!("{}\n{}", ctx.w(W::EditNotQueued), lines.join("\n"))
        }
        Ok(entry) => {
            // The figures follow in their own transaction (the edit is already safe).
            pending::refresh_stale(store.conn())?;
            store.audit(
                AuditAction::Edit,
                &AuditDetail::Edited {
                    seq: entry.seq,
                    op: serde_json::to_value(&intent.edit)?["op"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                },
                Some(1),
            )?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&entry)?)?;
            } else {
                outln!(
                    "{}",
                    ctx.f(
                        W::EditQueued,
                        &[&entry.seq, &edit::describe(&intent.edit, ctx.lang)]
                    )
                )?;
            }
            Ok(())
        }
    }
}

/// A field's label in the operator's language (the server's label otherwise).
pub fn person(ctx: &Ctx, command: PersonCommand) -> Result<()> {
    let command = match command {
        PersonCommand::Fields { json } => return fields(ctx, json),
        PersonCommand::Template(a) => return super::import::template(ctx, a),
        PersonCommand::Import(a) => return super::import::import(ctx, a),
        other => other,
    };
    let store = writable(ctx)?;
    let base = base(&store)?;
    let (edit, doc, json) = match command {
        PersonCommand::Add {
            org,
            set,
            doc,
            json,
        } => {
            let unit = resolve_org(&store, &org, ctx.lang)?;
            let mut values = Vec::new();
            for s in &set {
                let (f, v) = split_set(ctx, s, PersonField::parse)?;
                let v = f
                    .normalize(&v)
                    .map_err(|m| field_error(ctx, f.label(ctx.lang), &m))?;
                values.push((f, v));
            }
            (
                Edit::PersonAdd {
                    org_id: unit.id,
                    values,
                },
                doc,
                json,
            )
        }
        PersonCommand::Edit {
            person,
            set,
            doc,
            json,
        } => {
            let (target, p) = target(&store, ctx, &person)?;
            let mut changes = Vec::new();
            for s in &set {
                let (f, v) = split_set(ctx, s, PersonField::parse)?;
                let to = f
                    .normalize(&v)
                    .map_err(|m| field_error(ctx, f.label(ctx.lang), &m))?;
                let from = f.get(&p);
                if from != to {
                    changes.push(FieldChange {
                        field: f.key().into(),
                        from,
                        to,
                    });
                }
            }
            if changes.is_empty() {
                bail!(ctx.w(W::NoChange));
            }
            (
                Edit::PersonEdit {
                    person: target,
                    changes,
                },
                doc,
                json,
            )
        }
        PersonCommand::Exit {
            person,
            kind,
            date,
            doc,
            json,
        } => {
            let (target, _) = target(&store, ctx, &person)?;
            let Some(kind) = ExitKind::parse(&kind) else {
                let all: Vec<&str> = ExitKind::ALL.iter().map(|k| k.label(ctx.lang)).collect();
                bail!(ctx.f(W::UnknownExitKind, &[&kind, &all.join(ctx.w(W::NameSep))]));
            };
            let date = parse_date(ctx, &date)?;
            (
                Edit::PersonExit {
                    person: target,
                    kind,
                    date,
                },
                doc,
                json,
            )
        }
        PersonCommand::Transfer {
            person,
            to,
            doc,
            json,
        } => {
            let (target, p) = target(&store, ctx, &person)?;
            let to = resolve_org(&store, &to, ctx.lang)?;
            (
                Edit::PersonTransfer {
                    person: target,
                    to_org: to.id,
                    from_org: p.org_id,
                },
                doc,
                json,
            )
        }
        PersonCommand::Restore { person, doc, json } => {
            let (target, _) = target(&store, ctx, &person)?;
            (Edit::PersonRestore { person: target }, doc, json)
        }
        PersonCommand::Fields { .. } | PersonCommand::Template(_) | PersonCommand::Import(_) => {
            unreachable!("answered above")
        }
    };
    queue(
        ctx,
        &store,
        Intent {
            edit,
            doc_no: doc,
            base,
        },
        json,
    )
}

fn parse_date(ctx: &Ctx, text: &str) -> Result<chrono::NaiveDate> {
    edit::normalize_date(text)
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| anyhow::anyhow!(ctx.f(W::BadFullDate, &[&text])))
}

pub fn org(ctx: &Ctx, command: OrgCommand) -> Result<()> {
    let store = writable(ctx)?;
    let base = base(&store)?;
    let (edit, doc, json) = match command {
        OrgCommand::Edit {
            org,
            set,
            doc,
            json,
        } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            let mut changes = Vec::new();
            for s in &set {
                let (f, v) = split_set(ctx, s, OrgField::parse)?;
                let to = f
                    .normalize(&v)
                    .map_err(|m| field_error(ctx, f.label(ctx.lang), &m))?;
                let from = f.get(&o);
                if from != to {
                    changes.push(FieldChange {
                        field: f.key().into(),
                        from,
                        to,
                    });
                }
            }
            if changes.is_empty() {
                bail!(ctx.w(W::NoChange));
            }
            (
                Edit::OrgEdit {
                    org_id: o.id,
                    changes,
                },
                doc,
                json,
            )
        }
        OrgCommand::Move { org, to, doc, json } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            let to = resolve_org(&store, &to, ctx.lang)?;
            (
                Edit::OrgMove {
                    org_id: o.id,
                    to_parent: to.id,
                },
                doc,
                json,
            )
        }
        OrgCommand::Abolish { org, doc, json } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            (Edit::OrgAbolish { org_id: o.id }, doc, json)
        }
        OrgCommand::AddDept {
            org,
            name,
            short_name,
            doc,
            json,
        } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            (
                Edit::OrgAddDept {
                    parent_id: o.id,
                    name,
                    short_name,
                },
                doc,
                json,
            )
        }
    };
    queue(
        ctx,
        &store,
        Intent {
            edit,
            doc_no: doc,
            base,
        },
        json,
    )
}

pub fn ledger(ctx: &Ctx, a: LedgerArgs) -> Result<()> {
    let store = writable(ctx)?;
    let base = base(&store)?;
    let (edit, doc, json) = match a.command {
        LedgerCommand::Add {
            org,
            staffing_type,
            delta,
            date,
            doc,
            summary,
            funding,
            json,
        } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            let Some(t) = StaffingType::parse(&staffing_type) else {
                let f = PersonField::StaffingType;
                let m = f
                    .normalize(&staffing_type)
                    .err()
                    .unwrap_or(Refusal::Required);
                return Err(field_error(ctx, f.label(ctx.lang), &m));
            };
            let funding_type = match funding {
                Some(f) => Some(FundingType::parse(&f).ok_or_else(|| {
                    let m = PersonField::FundingType
                        .normalize(&f)
                        .err()
                        .unwrap_or(Refusal::Required);
                    field_error(ctx, PersonField::FundingType.label(ctx.lang), &m)
                })?),
                None => None,
            };
            (
                Edit::LedgerAdd {
                    org_id: o.id,
                    staffing_type: t,
                    funding_type,
                    delta,
                    date: parse_date(ctx, &date)?,
                    summary,
                },
                doc,
                json,
            )
        }
        LedgerCommand::Posts {
            org,
            slot,
            delta,
            date,
            doc,
            summary,
            json,
        } => {
            let o = resolve_org(&store, &org, ctx.lang)?;
            let slot = edit::parse_post_slot(&slot)
                .map_err(|m| field_error(ctx, PersonField::LeaderPost.label(ctx.lang), &m))?;
            (
                Edit::PostsAdd {
                    org_id: o.id,
                    slot,
                    delta,
                    date: parse_date(ctx, &date)?,
                    summary,
                },
                doc,
                json,
            )
        }
    };
    queue(
        ctx,
        &store,
        Intent {
            edit,
            doc_no: doc,
            base,
        },
        json,
    )
}

fn fields(ctx: &Ctx, json: bool) -> Result<()> {
    let lang = ctx.lang;
    if json {
        let list: Vec<serde_json::Value> = PersonField::ALL
            .iter()
            .map(|f| {
                serde_json::json!({
                    "key": f.key(),
                    "label": f.zh(),
                    "label_en": f.en(),
                    "kind": format!("{:?}", f.kind()).to_lowercase(),
                    "key_field": f.locked(),
                    "required": f.required(),
                    "choices": f.choices(),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = PersonField::ALL
        .iter()
        .map(|f| {
            let choices = f.choices();
            let shown = if choices.len() > 6 {
                format!("{}…", choices[..6].join("/"))
            } else {
                choices.join("/")
            };
            vec![
                f.key().to_string(),
                f.label(lang).to_string(),
                if f.locked() {
                    ctx.w(W::KeyField).to_string()
                } else {
                    String::new()
                },
                shown,
            ]
        })
        .collect();
    let head = [W::FieldKey, W::FieldLabel, W::KeyFieldHead, W::Choices].map(|w| ctx.w(w));
    super::out::out!("{}", super::table::render(&head, &rows))?;
    Ok(())
}

/// What waits on a person, for `person`'s output.
pub fn pending_person(store: &Store, id: PersonId) -> Result<Option<pending::Pending>> {
    Ok(pending::person(store.conn(), id)?)
}

/// What waits on a unit, for `org`'s output.
pub fn pending_org(store: &Store, id: OrgId) -> Result<Option<pending::Pending>> {
    Ok(store::pending::org(store.conn(), id)?)
}
