//! Warnings (预警): units over quota, full (requests frozen), over posts; retirements due;
//! over-age staff still on the books; data-quality faults. Read from the derived tables
//! and indexes, never by scanning all persons.

use super::Result;
use super::rows::*;
use crate::model::retirement::{Rule, format_age, retirement_age_months};
use crate::model::*;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// 超编
    OverQuota,
    /// 满编 (用编冻结)
    Full,
    /// 超职数
    OverPosts,
    /// 退休预报
    Retirement,
    /// 超龄在职
    Overage,
    /// 数据校验
    Data,
}

impl WarningKind {
    pub const ALL: [WarningKind; 6] = [
        WarningKind::OverQuota,
        WarningKind::Full,
        WarningKind::OverPosts,
        WarningKind::Retirement,
        WarningKind::Overage,
        WarningKind::Data,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WarningKind::OverQuota => "over-quota",
            WarningKind::Full => "full",
            WarningKind::OverPosts => "over-posts",
            WarningKind::Retirement => "retirement",
            WarningKind::Overage => "overage",
            WarningKind::Data => "data",
        }
    }

    pub fn parse(s: &str) -> Option<WarningKind> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            WarningKind::OverQuota => "超编",
            WarningKind::Full => "满编",
            WarningKind::OverPosts => "超职数",
            WarningKind::Retirement => "退休预报",
            WarningKind::Overage => "超龄在职",
            WarningKind::Data => "数据校验",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            WarningKind::OverQuota => "over quota",
            WarningKind::Full => "full",
            WarningKind::OverPosts => "over posts",
            WarningKind::Retirement => "retirement due",
            WarningKind::Overage => "over age",
            WarningKind::Data => "data check",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

/// What a warning is about, typed, so that each front end says it in its own words
/// (`message` keeps the Chinese sentence, as stored and exported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Detail {
    /// 超编 or 满编 of a staffing type.
    Quota {
        staffing_type: StaffingType,
        approved: i64,
        actual: i64,
        over: i64,
    },
    /// 超职数 of a post slot.
    Posts {
        slot: PostSlot,
        approved: i64,
        actual: i64,
    },
    /// 退休 (reached in the month) or 超龄 (reached, still active).
    Retirement { name: String, month: YearMonth },
    /// A data check, by its code (`model::checks::Problem::code`, in `subject`).
    Check,
}

/// One warning, naming its unit and, where it is about one, its person.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub org_id: OrgId,
    pub org_name: String,
    /// The person concerned (retirement, over age, data checks on persons).
    pub person: Option<Person>,
    /// What it is about: a staffing type, a post slot, a check.
    pub subject: String,
    pub message: String,
    /// For retirements: the month the statutory age is reached.
    pub retirement_date: Option<YearMonth>,
    pub detail: Detail,
}

/// Which warnings to read.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub kind: Option<WarningKind>,
    /// Retirement forecast horizon, in months from `today`'s month.
    pub within: u32,
    pub today: YearMonth,
    /// Only within this unit's subtree.
    pub scope: Option<OrgId>,
}

fn in_scope_sql(scope: Option<OrgId>, column: &str) -> String {
    match scope {
        None => String::new(),
        Some(id) => format!(
            " AND {column} IN (SELECT org_id FROM org_tree WHERE path LIKE (SELECT path FROM org_tree WHERE org_id = {id}) || '%')"
        ),
    }
}

/// Every warning of the filter. A bounded number of queries whatever the number of
/// warnings: one per kind, each unit's name joined in (no query per row).
pub fn warnings(conn: &Connection, f: Filter) -> Result<Vec<Warning>> {
    let want = |k| f.kind.is_none_or(|x| x == k);
    let mut out = Vec::new();
    let org_name = |id: OrgId, name: Option<String>| name.unwrap_or_else(|| format!("单位{id}"));
    if want(WarningKind::OverQuota) || want(WarningKind::Full) {
        let mut st = conn.prepare(&format!(
            "SELECT q.org_id, q.staffing_type, q.approved, q.actual, q.reserved, o.name \
             FROM unit_quota q LEFT JOIN orgs o ON o.id = q.org_id WHERE 1{} ORDER BY q.org_id, q.staffing_type",
            in_scope_sql(f.scope, "org_id")
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                vocab::<StaffingType>(r, 1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (org, t, a, x, res, name) = row?;
            let fig = quota::QuotaFigure::unit(a, x, res);
            let kind = if fig.is_over() {
                WarningKind::OverQuota
            } else if fig.is_full() {
                WarningKind::Full
            } else {
                continue;
            };
            if !want(kind) {
                continue;
            }
            let message = match kind {
                WarningKind::OverQuota => {
                    format!("{}核定{a}名，实有{x}名，超编{}名", t.zh(), fig.over)
                }
                _ => format!("{}核定{a}名，实有{x}名，满编，用编已冻结", t.zh()),
            };
            out.push(Warning {
                kind,
                org_id: org,
                org_name: org_name(org, name),
                person: None,
                subject: t.zh().into(),
                message,
                retirement_date: None,
                detail: Detail::Quota {
                    staffing_type: t,
                    approved: a,
                    actual: x,
                    over: fig.over,
                },
            });
        }
    }
    if want(WarningKind::OverPosts) {
        let mut st = conn.prepare(&format!(
            "SELECT q.org_id, q.level, q.rank, q.approved, q.actual, o.name \
             FROM unit_posts q LEFT JOIN orgs o ON o.id = q.org_id \
             WHERE q.actual > q.approved{} ORDER BY q.org_id, q.level, q.rank",
            in_scope_sql(f.scope, "org_id")
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                PostSlot {
                    level: vocab(r, 1)?,
                    rank: vocab(r, 2)?,
                },
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (org, slot, a, x, name) = row?;
            out.push(Warning {
                kind: WarningKind::OverPosts,
                org_id: org,
                org_name: org_name(org, name),
                person: None,
                subject: slot.to_string(),
                message: format!("{slot}核定{a}名，实配{x}名，超职数{}名", x - a),
                retirement_date: None,
                detail: Detail::Posts {
                    slot,
                    approved: a,
                    actual: x,
                },
            });
        }
    }
    let now = f.today.index();
    let person_fields = PERSON_COLUMNS.split(',').count();
    let mut persons_between = |kind: WarningKind, lo: i64, hi: i64| -> Result<()> {
        if !want(kind) {
            return Ok(());
        }
        let mut st = conn.prepare(&format!(
            "SELECT {PERSON_COLUMNS}, (SELECT name FROM orgs WHERE id = persons.org_id) \
             FROM persons WHERE status = 1 AND retire_month >= ? AND retire_month < ?{} \
             ORDER BY retire_month, id",
            in_scope_sql(f.scope, "org_id")
        ))?;
        let persons = st
            .query_map(params![lo, hi], |r| {
                Ok((read_person(r)?, r.get::<_, Option<String>>(person_fields)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (p, name) in persons {
            let Some(month) = retire_month_index(&p).map(YearMonth::from_index) else {
                continue;
            };
            let rule = Rule::for_person(p.sex, p.post_type);
            let age = p
                .birth_date
                .map(|b| format_age(retirement_age_months(rule, YearMonth::of(b))))
                .unwrap_or_default();
            let message = match kind {
                WarningKind::Retirement => format!(
                    "{} 将于{month}达到法定退休年龄（{age}，{}）",
                    p.name,
                    rule.zh()
                ),
                _ => format!("{} 已于{month}达到法定退休年龄（{age}），仍在职", p.name),
            };
            out.push(Warning {
                kind,
                org_id: p.org_id,
                org_name: org_name(p.org_id, name),
                subject: rule.zh().into(),
                message,
                retirement_date: Some(month),
                detail: Detail::Retirement {
                    name: p.name.clone(),
                    month,
                },
                person: Some(p),
            });
        }
        Ok(())
    };
    persons_between(WarningKind::Retirement, now, now + f.within as i64)?;
    persons_between(WarningKind::Overage, i64::MIN, now)?;
    if want(WarningKind::Data) {
        let mut st = conn.prepare(&format!(
            "SELECT subject_kind, subject_id, code, message FROM problems WHERE 1{} ORDER BY subject_kind, subject_id",
            match f.scope {
                None => String::new(),
                Some(_) => format!(
                    " AND ((subject_kind = 1{}) OR (subject_kind = 2 AND subject_id IN (SELECT id FROM persons WHERE 1{})))",
                    in_scope_sql(f.scope, "subject_id"),
                    in_scope_sql(f.scope, "org_id")
                ),
            }
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        // The persons and unit names the problems name, each in one query.
        let mut persons: std::collections::HashMap<PersonId, Person> = conn
            .prepare(&format!(
                "SELECT {PERSON_COLUMNS} FROM persons WHERE id IN \
                 (SELECT subject_id FROM problems WHERE subject_kind = 2)"
            ))?
            .query_map([], read_person)?
            .map(|p| p.map(|p| (p.id, p)))
            .collect::<rusqlite::Result<_>>()?;
        let mut org_ids: Vec<OrgId> = rows
            .iter()
            .map(|(sk, id, ..)| match sk {
                2 => persons.get(id).map_or(0, |p| p.org_id),
                _ => *id,
            })
            .collect();
        org_ids.sort_unstable();
        org_ids.dedup();
        let names = org_names(conn, &org_ids)?;
        for row in rows {
            let (sk, id, code, message) = row;
            let (org_id, person) = if sk == 2 {
                let p = persons.remove(&id).or_else(|| {
                    // The same person with a second problem.
                    out.iter()
                        .rev()
                        .find_map(|w: &Warning| w.person.as_ref().filter(|p| p.id == id).cloned())
                });
                (p.as_ref().map_or(0, |p| p.org_id), p)
            } else {
                (id, None)
            };
            out.push(Warning {
                kind: WarningKind::Data,
                org_id,
                org_name: org_name(org_id, names.get(&org_id).cloned()),
                person,
                subject: code,
                message,
                retirement_date: None,
                detail: Detail::Check,
            });
        }
    }
    Ok(out)
}

/// Names of the units `ids`, in one query.
fn org_names(conn: &Connection, ids: &[OrgId]) -> Result<std::collections::HashMap<OrgId, String>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut st = conn
        .prepare_cached("SELECT id, name FROM orgs WHERE id IN (SELECT value FROM json_each(?))")?;
    let v = st
        .query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Per kind: how many warnings and how many units they concern, for the whole cache:
/// what [`warnings`] would list, counted. The overview's figures, read from the counts
/// derived at sync time (`overview_counts`): a fixed number of indexed reads. The
/// retirement forecast's units are derived for the month of the sync; asked for another
/// month or horizon, the two kinds about retirement are counted from the index.
pub fn summary(
    conn: &Connection,
    today: YearMonth,
    within: u32,
) -> Result<Vec<(WarningKind, usize, usize)>> {
    use super::derived::{WarningSlot, dim};
    let mut st =
        conn.prepare_cached("SELECT n, aux FROM overview_counts WHERE dim = ? AND key = ?")?;
    let mut read = |d: i64, key: i64| -> Result<Option<(usize, usize)>> {
        Ok(st
            .query_row(params![d, key], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
            })
            .optional()?)
    };
    let mut warning = |s: WarningSlot| read(dim::WARNING, s as i64).map(Option::unwrap_or_default);
    let over = warning(WarningSlot::OverQuota)?;
    let full = warning(WarningSlot::Full)?;
    let posts = warning(WarningSlot::OverPosts)?;
    let data = warning(WarningSlot::Data)?;
    let now = today.index();
    let derived_month = within == super::stats::FORECAST_MONTHS;
    let (retiring, overage) = match (
        derived_month
            .then(|| read(dim::DUE, now))
            .transpose()?
            .flatten(),
        derived_month
            .then(|| read(dim::OVERAGE, now))
            .transpose()?
            .flatten(),
    ) {
        (Some(due), Some(overage)) => (due, overage),
        _ => retirement_counts(conn, today, within)?,
    };
    Ok(WarningKind::ALL
        .iter()
        .map(|&k| {
            let (n, units) = match k {
                WarningKind::OverQuota => over,
                WarningKind::Full => full,
                WarningKind::OverPosts => posts,
                WarningKind::Retirement => retiring,
                WarningKind::Overage => overage,
                WarningKind::Data => (data.0, 0),
            };
            (k, n, units)
        })
        .collect())
}

/// Retirements due within `within` months of `today` and persons past the age: (count,
/// units) each, from the retirement index.
fn retirement_counts(
    conn: &Connection,
    today: YearMonth,
    within: u32,
) -> Result<((usize, usize), (usize, usize))> {
    let pair = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<(usize, usize)> {
        Ok(conn.prepare_cached(sql)?.query_row(p, |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
        })?)
    };
    let now = today.index();
    let retiring = pair(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM persons WHERE status = 1 \
         AND retire_month >= ? AND retire_month < ?",
        &[&now, &(now + within as i64)],
    )?;
    let overage = pair(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM persons WHERE status = 1 AND retire_month < ?",
        &[&now],
    )?;
    Ok((retiring, overage))
}

/// [`summary`] counted from the base rows with aggregates (the figure tables, the
/// persons' retirement index, the problems), nothing derived for it: its check.
pub fn summary_scanned(
    conn: &Connection,
    today: YearMonth,
    within: u32,
) -> Result<Vec<(WarningKind, usize, usize)>> {
    use std::collections::BTreeSet;
    let mut over = (0, BTreeSet::new());
    let mut full = (0, BTreeSet::new());
    // Over and full are the model's judgement of a unit's figures (`QuotaFigure`), so
    // the rows are judged here rather than by a second rule in SQL.
    let mut st =
        conn.prepare_cached("SELECT org_id, approved, actual, reserved FROM unit_quota")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (org, a, x, res) = row?;
        let fig = quota::QuotaFigure::unit(a, x, res);
        let slot = if fig.is_over() {
            &mut over
        } else if fig.is_full() {
            &mut full
        } else {
            continue;
        };
        slot.0 += 1;
        slot.1.insert(org);
    }
    let pair = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<(usize, usize)> {
        Ok(conn.prepare_cached(sql)?.query_row(p, |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
        })?)
    };
    let posts = pair(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM unit_posts WHERE actual > approved",
        &[],
    )?;
    let now = today.index();
    let retiring = pair(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM persons WHERE status = 1 \
         AND retire_month >= ? AND retire_month < ?",
        &[&now, &(now + within as i64)],
    )?;
    let overage = pair(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM persons WHERE status = 1 AND retire_month < ?",
        &[&now],
    )?;
    let data = pair("SELECT COUNT(*), 0 FROM problems", &[])?;
    Ok(WarningKind::ALL
        .iter()
        .map(|&k| {
            let (n, units) = match k {
                WarningKind::OverQuota => (over.0, over.1.len()),
                WarningKind::Full => (full.0, full.1.len()),
                WarningKind::OverPosts => posts,
                WarningKind::Retirement => retiring,
                WarningKind::Overage => overage,
                WarningKind::Data => data,
            };
            (k, n, units)
        })
        .collect())
}

/// Counts per kind (the overview's figures).
pub fn counts(
    conn: &Connection,
    today: YearMonth,
    within: u32,
    scope: Option<OrgId>,
) -> Result<Vec<(WarningKind, usize)>> {
    let all = warnings(
        conn,
        Filter {
            kind: None,
            within,
            today,
            scope,
        },
    )?;
    Ok(WarningKind::ALL
        .iter()
        .map(|&k| (k, all.iter().filter(|w| w.kind == k).count()))
        .collect())
}

/// A data-check problem on one record, with the other record it conflicts with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordProblem {
    /// `model::checks::Problem::code`.
    pub code: String,
    /// The model's words (Chinese), for a code the interface does not know.
    pub message: String,
    pub other: Option<OtherRecord>,
}

/// The other person a problem names (一人多编), with the unit that has them on its books.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherRecord {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_name: String,
}

/// Every problem the checks found on a person's record (the `problems` table), the other
/// record named where there is one: one indexed query.
pub fn of_person(conn: &Connection, id: PersonId) -> Result<Vec<RecordProblem>> {
    let mut st = conn.prepare_cached(
        "SELECT pr.code, pr.message, o.id, o.name, o.org_id, u.name \
         FROM problems pr LEFT JOIN persons o ON o.id = pr.other_id \
         LEFT JOIN orgs u ON u.id = o.org_id \
         WHERE pr.subject_kind = ? AND pr.subject_id = ? ORDER BY pr.rowid",
    )?;
    let rows = st.query_map(params![PERSON_SUBJECT, id], |r| {
        let other = match r.get::<_, Option<PersonId>>(2)? {
            Some(person_id) => {
                let org_id: OrgId = r.get(4)?;
                Some(OtherRecord {
                    person_id,
                    name: r.get(3)?,
                    org_id,
                    org_name: r
                        .get::<_, Option<String>>(5)?
                        .unwrap_or_else(|| format!("单位{org_id}")),
                })
            }
            None => None,
        };
        Ok(RecordProblem {
            code: r.get(0)?,
            message: r.get(1)?,
            other,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
