//! Warnings (预警): units over quota, full (requests frozen), over posts; retirements due;
//! over-age staff still on the books; data-quality faults. Read from the derived tables
//! and indexes, never by scanning all persons.

use super::Result;
use super::rows::*;
use crate::model::retirement::{Rule, format_age, retirement_age_months};
use crate::model::*;
use rusqlite::{Connection, params};
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

pub fn warnings(conn: &Connection, f: Filter) -> Result<Vec<Warning>> {
    let want = |k| f.kind.is_none_or(|x| x == k);
    let mut out = Vec::new();
    let org_name = |id: OrgId| -> Result<String> {
        Ok(conn
            .prepare_cached("SELECT name FROM orgs WHERE id = ?")?
            .query_row([id], |r| r.get(0))
            .unwrap_or_else(|_| format!("单位{id}")))
    };
    if want(WarningKind::OverQuota) || want(WarningKind::Full) {
        let mut st = conn.prepare(&format!(
            "SELECT org_id, staffing_type, approved, actual, reserved FROM unit_quota WHERE 1{} ORDER BY org_id, staffing_type",
            in_scope_sql(f.scope, "org_id")
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                vocab::<StaffingType>(r, 1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (org, t, a, x, res) = row?;
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
                org_name: org_name(org)?,
                person: None,
                subject: t.zh().into(),
                message,
                retirement_date: None,
            });
        }
    }
    if want(WarningKind::OverPosts) {
        let mut st = conn.prepare(&format!(
            "SELECT org_id, level, rank, approved, actual FROM unit_posts WHERE actual > approved{} ORDER BY org_id, level, rank",
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
            ))
        })?;
        for row in rows {
            let (org, slot, a, x) = row?;
            out.push(Warning {
                kind: WarningKind::OverPosts,
                org_id: org,
                org_name: org_name(org)?,
                person: None,
                subject: slot.to_string(),
                message: format!("{slot}核定{a}名，实配{x}名，超职数{}名", x - a),
                retirement_date: None,
            });
        }
    }
    let now = f.today.index();
    let mut persons_between = |kind: WarningKind, lo: i64, hi: i64| -> Result<()> {
        if !want(kind) {
            return Ok(());
        }
        let mut st = conn.prepare(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE status = 1 AND retire_month >= ? AND retire_month < ?{} \
             ORDER BY retire_month, id",
            in_scope_sql(f.scope, "org_id")
        ))?;
        let persons = st
            .query_map(params![lo, hi], read_person)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for p in persons {
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
                org_name: org_name(p.org_id)?,
                subject: rule.zh().into(),
                message,
                retirement_date: Some(month),
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
        for row in rows.collect::<rusqlite::Result<Vec<_>>>()? {
            let (sk, id, code, message) = row;
            let (org_id, person) = if sk == 2 {
                let p = super::queries::person(conn, id)?;
                (p.as_ref().map_or(0, |p| p.org_id), p)
            } else {
                (id, None)
            };
            out.push(Warning {
                kind: WarningKind::Data,
                org_id,
                org_name: org_name(org_id)?,
                person,
                subject: code,
                message,
                retirement_date: None,
            });
        }
    }
    Ok(out)
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
