//! 名单比对: another department's roster against the books, in the interface. The file
//! is named in the palette (`:比对 PATH`, or the key, which opens the palette with the
//! command written), read and compared on a reader of the executor (`load`, the same
//! `crate::compare` the command line runs), of the unit under the cursor and below.
//! The screen lists the categories with their counts and the match rate; Enter opens a
//! category's rows; Enter on a row opens the person, where the data-maintenance forms
//! fix the difference (e, t, x). The books compared are those the server sent: a row
//! whose person has a fix waiting in the outbox stays in its category, marked as
//! queued, until the server has it. Ctrl-E writes the differences as a workbook (a
//! sheet a category, ID numbers masked); the comparison and the export are audited.

use super::action::Action;
use super::component::{Component, LIST_MOVES};
use super::i18n::M;
use super::keymap::Cmd;
use super::screens::{Screen, ScreenRequest};
use super::theme::Theme;
use super::widgets::{Cursor, block, fit, pad, rpad, visible_offset};
use crate::compare::{self, Books, Category, Entry, Error, Roster};
use crate::model::idcard::IdProblem;
use crate::model::{Lang, Org, OrgId, Person, PersonId, PersonStatus, StaffingType, mask_id};
use crate::report::Table;
use crate::store::{self, Store, queries};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// One entry of the comparison as the screen shows it (and the workbook writes it).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub category: Category,
    /// The roster's row number as a spreadsheet shows it (None: a person on the books
    /// the roster left out).
    pub line: Option<usize>,
    pub name: String,
    /// Masked.
    pub id: String,
    pub roster_unit: String,
    pub roster_staffing: String,
    pub books_name: String,
    pub books_unit: String,
    pub books_staffing: String,
    pub detail: String,
    /// The person on the books this row is about, if any.
    pub person: Option<PersonId>,
    /// A fix of this person waits in the outbox.
    pub waiting: bool,
}

pub struct CompareScreen {
    lang: Lang,
    path: PathBuf,
    root: Option<OrgId>,
    /// Why the roster could not be compared (nothing else is shown then).
    pub failed: Option<String>,
    /// The first line: file, format, rows, scope, persons on the books.
    head: String,
    /// The unit compared with (its name), empty for every unit: for the audit log.
    scope: String,
    pub rows_read: usize,
    pub counts: Vec<(Category, usize)>,
    pub matched: usize,
    pub total: usize,
    pub entries: Vec<Row>,
    /// None: the categories; Some: that category's rows.
    pub open: Option<Category>,
    pub cursor: Cursor,
    pub row_cursor: Cursor,
}

/// The path as typed: `~/` is the home directory.
pub fn expand(path: &str) -> PathBuf {
    let path = path.trim();
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The operator's words for a roster that cannot be read.
fn say(e: &Error, lang: Lang) -> String {
    let fill1 = |m: M, a: &str| m.get(lang).replacen("{}", a, 1);
    match e {
        Error::Empty => M::CompareEEmpty.get(lang).into(),
        Error::NotASpreadsheet => M::CompareENotSpreadsheet.get(lang).into(),
        Error::Encoding(name) => fill1(M::CompareEEncoding, name),
        Error::Spreadsheet(why) => fill1(M::CompareESpreadsheet, why),
        Error::Csv(why) => fill1(M::CompareECsv, why),
        Error::CellTooLong {
            line,
            column,
            chars,
        } => fill(
            M::CompareETooLong.get(lang),
            &[&line.to_string(), &column.to_string(), &chars.to_string()],
        ),
        Error::MissingColumn { field, found } => {
            let sep = if lang == Lang::Zh { "、" } else { ", " };
            fill(
                M::CompareEMissing.get(lang),
                &[field.label(lang), &found.join(sep)],
            )
        }
        // Only `--map` names columns; the screen takes none.
        other => other.to_string(),
    }
}

/// `template` with each `{}` replaced by the next of `args`.
fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    for a in args {
        match rest.split_once("{}") {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(a);
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Reads the roster and compares it with the books of `root`'s subtree (None: every
/// unit). Runs on a reader. A roster that cannot be read gives a screen saying why.
pub fn load(
    store: &Store,
    lang: Lang,
    path: &Path,
    root: Option<OrgId>,
) -> store::Result<CompareScreen> {
    let mut screen = CompareScreen {
        lang,
        path: path.to_path_buf(),
        root,
        failed: None,
        head: String::new(),
        scope: String::new(),
        rows_read: 0,
        counts: Vec::new(),
        matched: 0,
        total: 0,
        entries: Vec::new(),
        open: None,
        cursor: Cursor::default(),
        row_cursor: Cursor::default(),
    };
    let roster = std::fs::read(path)
        .map_err(|e| {
            fill(
                M::CompareERead.get(lang),
                &[&path.display().to_string(), &e.to_string()],
            )
        })
        .and_then(|bytes| compare::read_roster(&bytes, &[]).map_err(|e| say(&e, lang)));
    let roster = match roster {
        Ok(r) => r,
        Err(why) => {
            screen.failed = Some(why);
            return Ok(screen);
        }
    };
    let conn = store.conn();
    let (orgs, persons, waiting) = store::pending::books_as_synced(conn)?;
    let (scope_name, scope): (String, HashSet<OrgId>) = match root {
        Some(id) => (
            orgs.iter()
                .find(|o| o.id == id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            queries::subtree_ids(conn, id)?.into_iter().collect(),
        ),
        None => (
            M::CompareWhole.get(lang).to_string(),
            orgs.iter().map(|o| o.id).collect(),
        ),
    };
    let books = Books {
        orgs: &orgs,
        persons: &persons,
        scope: &scope,
    };
    let result = compare::compare(&roster, &books);
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into(),
    );
    if root.is_some() {
        screen.scope = scope_name.clone();
    }
    screen.head = fill(
        M::CompareHead.get(lang),
        &[
            &file,
            &roster.format,
            &roster.rows.len().to_string(),
            &scope_name,
            &result.persons_in_scope.to_string(),
        ],
    );
    screen.rows_read = roster.rows.len();
    screen.counts = result.counts();
    screen.matched = result.count(Category::Match);
    screen.total = result.entries.len();
    let waiting: HashSet<PersonId> = waiting.into_iter().collect();
    let shown = Shown {
        lang,
        roster: &roster,
        persons: &persons,
        units: orgs.iter().map(|o| (o.id, o)).collect(),
    };
    screen.entries = result
        .entries
        .iter()
        .map(|e| shown.row(e, &waiting))
        .collect();
    Ok(screen)
}

/// What an entry is shown with.
struct Shown<'a> {
    lang: Lang,
    roster: &'a Roster,
    persons: &'a [Person],
    units: HashMap<OrgId, &'a Org>,
}

impl Shown<'_> {
    fn unit_name(&self, id: OrgId) -> String {
        self.units
            .get(&id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn staffing(&self, t: Option<StaffingType>) -> String {
        match t {
            Some(t) => t.label(self.lang).to_string(),
            None => M::CompareOutside.get(self.lang).to_string(),
        }
    }

    fn id_problem(&self, p: &IdProblem) -> String {
        let lang = self.lang;
        match p {
            IdProblem::Length { got } => fill(M::CompareIdLength.get(lang), &[&got.to_string()]),
            IdProblem::NotDigits => M::CompareIdDigits.get(lang).into(),
            IdProblem::CheckCharacter { expected } => {
                fill(M::CompareIdCheck.get(lang), &[&expected.to_string()])
            }
            IdProblem::BadBirthDate => M::CompareIdBirth.get(lang).into(),
        }
    }

    fn row(&self, e: &Entry, waiting: &HashSet<PersonId>) -> Row {
        let lang = self.lang;
        let row = e.row.map(|r| &self.roster.rows[r]);
        let p = e.person.map(|i| &self.persons[i]);
        let (name, id) = match (row, p) {
            (Some(r), _) => {
                let id = e.id_number.as_deref().unwrap_or(&r.id_number);
                let id = if id.trim().is_empty() {
                    String::new()
                } else {
                    mask_id(id)
                };
                (r.name.clone(), id)
            }
            (None, Some(p)) => (p.name.clone(), mask_id(&p.id_number)),
            (None, None) => (String::new(), String::new()),
        };
        let mut parts: Vec<String> = Vec::new();
        for c in std::iter::once(e.category).chain(e.also.iter().copied()) {
            let part = match (c, p) {
                (Category::NameDiffers, Some(p)) => fill(M::CompareBooksName.get(lang), &[&p.name]),
                (Category::UnitDiffers | Category::NotOnRoster, Some(p)) => {
                    fill(M::CompareBooksUnit.get(lang), &[&self.unit_name(p.org_id)])
                }
                (Category::StaffingDiffers, Some(p)) => fill(
                    M::CompareBooksStaffing.get(lang),
                    &[
                        &self.staffing(p.staffing_type),
                        &row.and_then(|r| r.staffing.clone()).unwrap_or_default(),
                    ],
                ),
                (Category::LeftButListed, Some(p)) => format!(
                    "{} {}",
                    p.exit_kind.map(|k| k.label(lang)).unwrap_or_default(),
                    p.exit_date.map(|d| d.to_string()).unwrap_or_default()
                ),
                (Category::NotOnBooks, Some(p)) if p.status == PersonStatus::Pending => {
                    M::ComparePending.get(lang).into()
                }
                (Category::Duplicate, _) => fill(
                    M::CompareSameAs.get(lang),
                    &[&e.duplicate_of.unwrap_or(0).to_string()],
                ),
                (Category::InvalidId, _) => match &e.id_problem {
                    Some(pr) => self.id_problem(pr),
                    None => M::CompareNoId.get(lang).into(),
                },
                _ => continue,
            };
            parts.push(part);
        }
        if e.by_name {
            parts.push(M::CompareByName.get(lang).into());
        }
        Row {
            category: e.category,
            line: row.map(|r| r.line),
            name,
            id,
            roster_unit: row.and_then(|r| r.unit.clone()).unwrap_or_default(),
            roster_staffing: row.and_then(|r| r.staffing.clone()).unwrap_or_default(),
            books_name: p.map(|p| p.name.clone()).unwrap_or_default(),
            books_unit: p.map(|p| self.unit_name(p.org_id)).unwrap_or_default(),
            books_staffing: p
                .map(|p| self.staffing(p.staffing_type))
                .unwrap_or_default(),
            detail: parts.join(if lang == Lang::Zh { "；" } else { "; " }),
            person: p.map(|p| p.id),
            waiting: p.is_some_and(|p| waiting.contains(&p.id)),
        }
    }
}

impl CompareScreen {
    /// The rows of the category open.
    fn open_rows(&self) -> Vec<&Row> {
        match self.open {
            Some(c) => self.entries.iter().filter(|r| r.category == c).collect(),
            None => Vec::new(),
        }
    }

    fn rate(&self) -> String {
        let pct = if self.total == 0 {
            0.0
        } else {
            self.matched as f64 * 100.0 / self.total as f64
        };
        fill(
            M::CompareRate.get(self.lang),
            &[
                &format!("{pct:.1}"),
                &self.matched.to_string(),
                &self.total.to_string(),
            ],
        )
    }

    /// The audit log's line for this comparison: the file and the counts, never whom.
    pub fn audit_line(&self) -> Option<(crate::store::audit::AuditDetail, i64)> {
        if self.failed.is_some() {
            return None;
        }
        Some((
            crate::store::audit::AuditDetail::Compared {
                file: self.path.display().to_string(),
                rows: self.rows_read as i64,
                scope: self.scope.clone(),
                matched: self.matched as i64,
            },
            self.rows_read as i64,
        ))
    }

    fn header(&self) -> Vec<String> {
        [
            M::CompareRow,
            M::CompareName,
            M::CompareId,
            M::CompareRosterUnit,
            M::CompareRosterStaffing,
            M::CompareBooksNameCol,
            M::CompareBooksUnitCol,
            M::CompareBooksStaffingCol,
            M::CompareDetail,
        ]
        .iter()
        .map(|m| m.get(self.lang).to_string())
        .collect()
    }

    fn cells(&self, r: &Row) -> Vec<String> {
        let mut detail = r.detail.clone();
        if r.waiting {
            let sep = if self.lang == Lang::Zh { "；" } else { "; " };
            detail = [M::CompareWaiting.get(self.lang), &detail]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(sep);
        }
        vec![
            r.line.map(|l| l.to_string()).unwrap_or_default(),
            r.name.clone(),
            r.id.clone(),
            r.roster_unit.clone(),
            r.roster_staffing.clone(),
            r.books_name.clone(),
            r.books_unit.clone(),
            r.books_staffing.clone(),
            detail,
        ]
    }

    fn summary(&self) -> Table {
        let lang = self.lang;
        let mut rows: Vec<Vec<String>> = self
            .counts
            .iter()
            .map(|(c, n)| vec![c.label(lang).to_string(), n.to_string()])
            .collect();
        let pct = if self.total == 0 {
            0.0
        } else {
            self.matched as f64 * 100.0 / self.total as f64
        };
        rows.push(vec![
            M::CompareRateCol.get(lang).to_string(),
            format!("{pct:.1}%"),
        ]);
        Table {
            title: M::CompareSummary.get(lang).to_string(),
            header: vec![
                M::CompareCategory.get(lang).into(),
                M::CompareCount.get(lang).into(),
            ],
            rows,
        }
    }

    fn category_table(&self, c: Category) -> Table {
        Table {
            title: c.label(self.lang).to_string(),
            header: self.header(),
            rows: self
                .entries
                .iter()
                .filter(|r| r.category == c)
                .map(|r| self.cells(r))
                .collect(),
        }
    }
}

impl Component for CompareScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        if self.failed.is_some() {
            return None;
        }
        // The first line and the two hint lines, less the list's own header line.
        let height = height.saturating_sub(2).max(1);
        match self.open {
            None => match cmd {
                Cmd::Open => {
                    self.open = Some(self.counts.get(self.cursor.pos)?.0);
                    self.row_cursor = Cursor::default();
                    None
                }
                other => {
                    self.cursor.apply(other, self.counts.len(), height);
                    None
                }
            },
            Some(_) => {
                if cmd == Cmd::Open {
                    let rows = self.open_rows();
                    let row = rows.get(self.row_cursor.pos)?;
                    return Some(match row.person {
                        Some(id) => Action::Effect(super::action::Effect::LoadPerson(id)),
                        None => Action::Note(M::CompareNoPerson.get(self.lang).into()),
                    });
                }
                let n = self.open_rows().len();
                self.row_cursor.apply(cmd, n, height);
                None
            }
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let b = block(theme, format!(" {} ", self.title(lang)), true);
        let inner = b.inner(area);
        f.render_widget(b, area);
        let w = inner.width as usize;
        let h = inner.height as usize;
        let mut lines: Vec<Line> = Vec::new();
        if let Some(why) = &self.failed {
            lines.push(Line::styled(
                format!(" {}", M::CompareFailed.get(lang)),
                theme.header(),
            ));
            // The message wrapped by display width (Chinese has no spaces to break at).
            let mut line = String::from(" ");
            for ch in why.chars() {
                if (line.clone() + &ch.to_string()).width() > w {
                    lines.push(Line::raw(std::mem::replace(&mut line, " ".into())));
                }
                line.push(ch);
            }
            lines.push(Line::raw(line));
            f.render_widget(Paragraph::new(lines), inner);
            return;
        }
        lines.push(Line::styled(
            fit(&format!(" {}", self.head), w, e),
            theme.dim(),
        ));
        match self.open {
            None => {
                let count_w = 8;
                lines.push(Line::styled(
                    format!(
                        " {}{}",
                        pad(M::CompareCategory.get(lang), 20, e),
                        rpad(M::CompareCount.get(lang), count_w)
                    ),
                    theme.header(),
                ));
                for (i, (c, n)) in self.counts.iter().enumerate() {
                    let mut line = Line::raw(format!(
                        " {}{}",
                        pad(c.label(lang), 20, e),
                        rpad(&n.to_string(), count_w)
                    ));
                    if i == self.cursor.pos {
                        line = line.style(theme.selected());
                    }
                    lines.push(line);
                }
                lines.push(Line::raw(fit(&format!(" {}", self.rate()), w, e)));
                lines.push(Line::raw(""));
                for part in M::CompareHint.get(lang).split(" · ") {
                    lines.push(Line::styled(fit(&format!(" {part}"), w, e), theme.dim()));
                }
            }
            Some(_) => {
                let rows = self.open_rows();
                // Row, name, masked ID (18), and the detail in what is left.
                let (lw, nw, iw) = (5, 8, 18);
                let dw = w.saturating_sub(1 + lw + nw + iw + 3);
                lines.push(Line::styled(
                    format!(
                        " {} {} {} {}",
                        pad(M::CompareRow.get(lang), lw, e),
                        pad(M::CompareName.get(lang), nw, e),
                        pad(M::CompareId.get(lang), iw, e),
                        pad(M::CompareDetail.get(lang), dw, e)
                    ),
                    theme.header(),
                ));
                let body = h.saturating_sub(4).max(1);
                if rows.is_empty() {
                    lines.push(Line::styled(
                        format!(" {}", M::CompareEmpty.get(lang)),
                        theme.dim(),
                    ));
                }
                let offset = visible_offset(self.row_cursor.pos, self.row_cursor.offset, body);
                for (i, r) in rows.iter().enumerate().skip(offset).take(body) {
                    let cells = self.cells(r);
                    let text = format!(
                        " {} {} {} {}",
                        pad(&cells[0], lw, e),
                        pad(&cells[1], nw, e),
                        pad(&cells[2], iw, e),
                        cells[8]
                    );
                    let mut line = Line::raw(fit(&text, w, e));
                    if i == self.row_cursor.pos {
                        line = line.style(theme.selected());
                    } else if r.waiting {
                        line = line.style(theme.dim());
                    }
                    lines.push(line);
                }
                while lines.len() < h.saturating_sub(2) {
                    lines.push(Line::raw(""));
                }
                lines.truncate(h.saturating_sub(2));
                for hint in [M::CompareRowsHint, M::CompareFixHint] {
                    lines.push(Line::styled(
                        fit(&format!(" {}", hint.get(lang)), w, e),
                        theme.dim(),
                    ));
                }
            }
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        if self.failed.is_some() {
            return Vec::new();
        }
        [&[Cmd::Open, Cmd::Export], LIST_MOVES].concat()
    }
}

impl Screen for CompareScreen {
    fn title(&self, lang: Lang) -> String {
        match self.open {
            Some(c) => format!("{} › {}", M::CompareTitle.get(lang), c.label(lang)),
            None => M::CompareTitle.get(lang).to_string(),
        }
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Compare {
            path: self.path.clone(),
            lang: self.lang,
            root: self.root,
        }
    }
    fn back(&mut self) -> bool {
        self.open.take().is_some()
    }
    fn table(&self) -> Table {
        match self.open {
            Some(c) => self.category_table(c),
            None => self.summary(),
        }
    }
    fn book(&self) -> Option<Vec<Table>> {
        if self.failed.is_some() {
            return None;
        }
        let mut tables = vec![self.summary()];
        tables.extend(Category::ALL.iter().map(|c| self.category_table(*c)));
        Some(tables)
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = self
            .counts
            .iter()
            .map(|(c, _)| c.key().to_string())
            .collect();
        (self.cursor, keys)
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    fn inner(&self) -> Option<(usize, Cursor)> {
        let c = self.open?;
        Some((Category::ALL.iter().position(|k| *k == c)?, self.row_cursor))
    }
    fn set_inner(&mut self, (at, cursor): (usize, Cursor)) {
        self.open = Category::ALL.get(at).copied();
        let n = self.open_rows().len();
        self.row_cursor = cursor;
        self.row_cursor.pos = cursor.pos.min(n.saturating_sub(1));
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
