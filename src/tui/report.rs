//! The 报表 screens: the list of standard reports (Enter opens one) and a report read
//! off the interface's task (`report::standard::build` on a reader), shown with its
//! header rows and its label columns frozen while the figures scroll both ways (↑↓ rows,
//! ←→ columns), the totals row kept at the bottom. Ctrl-E writes it as offices print it
//! (XLSX, `standard::write_report_xlsx`) on the store's writer. `[` and `]` step from
//! year end to year end; `d` takes any as-of day, or 人员变动表's period, typed as the
//! timelines take a range (`2023-06-30`, `2023-06`, `2022`, `2023-01..2023-06`).

use super::action::{Action, Effect};
use super::component::{Component, LIST_MOVES};
use super::i18n::M;
use super::keymap::Cmd;
use super::lookup::Input;
use super::screens::{Screen, ScreenRequest};
use super::theme::Theme;
use super::widgets::{Cursor, block, fit, pad, rpad, visible_offset};
use crate::model::{Lang, OrgId};
use crate::report::Table;
use crate::report::standard::{self, Cell, Kind, Params, Report};
use crate::store::timeline::Filter;
use crate::store::{self, Store, queries};
use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The reports there are, to pick one.
pub struct ReportsScreen {
    lang: Lang,
    /// The unit whose subtree the reports are of (None: the whole jurisdiction).
    root: Option<OrgId>,
    pub cursor: Cursor,
}

impl ReportsScreen {
    pub fn new(lang: Lang, root: Option<OrgId>) -> ReportsScreen {
        ReportsScreen {
            lang,
            root,
            cursor: Cursor::default(),
        }
    }
}

impl Component for ReportsScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        match cmd {
            Cmd::Open => {
                let kind = *Kind::ALL.get(self.cursor.pos)?;
                Some(Action::Effect(Effect::Open(ScreenRequest::Report {
                    kind,
                    lang: self.lang,
                    root: self.root,
                    as_of: None,
                    from: None,
                })))
            }
            other => {
                self.cursor.apply(other, Kind::ALL.len(), height);
                None
            }
        }
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let b = block(theme, format!(" {} ", M::ReportsTitle.get(lang)), true);
        let inner = b.inner(area);
        f.render_widget(b, area);
        let w = inner.width as usize;
        let e = theme.ellipsis();
        let mut lines = Vec::new();
        for (i, k) in Kind::ALL.iter().enumerate() {
            let text = format!(" {}  {}", i + 1, k.title(lang));
            let name = format!("{} ", k.name());
            let room = w.saturating_sub(name.width());
            let mut line = Line::from(vec![
                Span::raw(pad(&text, room, e)),
                Span::styled(name, theme.dim()),
            ]);
            if i == self.cursor.pos {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        lines.push(Line::raw(""));
        // One line per part of the hint, so that none is cut on 80 columns.
        for part in M::ReportsHint.get(lang).split(" · ") {
            lines.push(Line::styled(fit(part, w, e), theme.dim()));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        [&[Cmd::Open], LIST_MOVES].concat()
    }
}

impl Screen for ReportsScreen {
    fn title(&self, lang: Lang) -> String {
        M::ReportsTitle.get(lang).to_string()
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Reports {
            lang: self.lang,
            root: self.root,
        }
    }
    fn table(&self) -> Table {
        Table {
            title: M::ReportsTitle.get(self.lang).to_string(),
            header: vec!["name".into(), M::ReportsTitle.get(self.lang).into()],
            rows: Kind::ALL
                .iter()
                .map(|k| vec![k.name().to_string(), k.title(self.lang).to_string()])
                .collect(),
        }
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = Kind::ALL.iter().map(|k| k.name().to_string()).collect();
        (self.cursor, keys)
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// One report on screen.
pub struct ReportScreen {
    kind: Kind,
    lang: Lang,
    /// The subtree asked for (None: the whole jurisdiction) and the day it is as of.
    root: Option<OrgId>,
    /// The day asked for (None: the report's default), as its request names it, and
    /// 人员变动表's first day asked for (None: 1 January of that day's year).
    asked: Option<NaiveDate>,
    asked_from: Option<NaiveDate>,
    today: NaiveDate,
    /// The as-of day (or period) being typed, and why the last one typed was not taken.
    pub prompt: Option<Input>,
    pub problem: Option<M>,
    pub report: Report,
    pub cursor: Cursor,
    /// The first figure column shown right of the frozen label columns.
    pub col: usize,
}

/// Reads a report of a unit's subtree (or of the whole jurisdiction) as the command
/// line's `bianzhi report --org UNIT --as-of DAY` does; by default the annual report as
/// of last 31 December, the others today; the changes are those of the as-of day's year
/// up to it unless a first day is asked (`days`: the first day and the as-of day asked).
/// Runs on a reader.
pub fn load(
    store: &Store,
    kind: Kind,
    lang: Lang,
    today: NaiveDate,
    unit: Option<OrgId>,
    days: (Option<NaiveDate>, Option<NaiveDate>),
) -> store::Result<Box<dyn Screen>> {
    let (first, day) = days;
    let conn = store.conn();
    let root = match unit {
        Some(id) => id,
        None => queries::roots(conn)?.first().map_or(0, |r| r.org.id),
    };
    let as_of = day.unwrap_or_else(|| kind.default_as_of(today));
    let params = Params {
        root,
        as_of,
        from: first.unwrap_or_else(|| NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of)),
        to: as_of,
        lang,
    };
    let report = standard::build(conn, kind, &params)?;
    Ok(Box::new(ReportScreen {
        kind,
        lang,
        root: unit,
        asked: day,
        asked_from: first,
        today,
        prompt: None,
        problem: None,
        report,
        cursor: Cursor::default(),
        col: 0,
    }))
}

/// The year end before `day` (31 December of the year before), or the next one after
/// it (today at most); None past today.
pub fn year_end_step(day: NaiveDate, later: bool, today: NaiveDate) -> Option<NaiveDate> {
    let end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31);
    if !later {
        return end(day.year() - 1);
    }
    if day >= today {
        return None;
    }
    let next = if Some(day) == end(day.year()) {
        end(day.year() + 1)?
    } else {
        end(day.year())?
    };
    Some(next.min(today))
}

/// The days typed for a report: for 人员变动表 a period (its first day: 1 January of
/// the last day's year when only the last is typed; the last day: today when only the
/// first is typed), for the others the day it is as of (a month or a year: its last
/// day; a range: its end). Empty: the report's own default. Never after today.
pub fn read_days(
    kind: Kind,
    text: &str,
    today: NaiveDate,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), M> {
    let (since, until) = Filter::parse_range(text).ok_or(M::ReportDayUnread)?;
    if since.is_none() && until.is_none() {
        return Ok((None, None));
    }
    let last = until.unwrap_or(today);
    if last > today {
        return Err(M::ReportDayFuture);
    }
    if kind != Kind::Changes {
        return Ok((None, Some(last)));
    }
    let first = since.unwrap_or_else(|| NaiveDate::from_ymd_opt(last.year(), 1, 1).unwrap_or(last));
    if first > last {
        return Err(M::ReportDayReversed);
    }
    Ok((Some(first), Some(last)))
}

/// Widest a column is drawn (a list of names scrolls out of it).
const MAX_COL: usize = 24;

impl ReportScreen {
    /// Each column's width: its header's and its cells', within [`MAX_COL`].
    fn widths(&self) -> Vec<usize> {
        let r = &self.report;
        (0..r.header.len())
            .map(|c| {
                let h = &r.header[c];
                let head = if h.group == h.name {
                    h.name.width()
                } else {
                    h.name.width().max(h.group.width().min(8))
                };
                r.rows
                    .iter()
                    .chain([&r.totals])
                    .map(|row| row.get(c).map_or(0, |v| v.text().width()))
                    .chain([head])
                    .max()
                    .unwrap_or(1)
                    .clamp(2, MAX_COL)
            })
            .collect()
    }

    /// Figure columns right of the frozen ones.
    fn scrolling(&self) -> usize {
        self.report.header.len().saturating_sub(self.report.lead)
    }

    /// The columns drawn at `width`: the frozen label columns, then figure columns
    /// from `col` while they fit.
    fn visible(&self, width: usize) -> Vec<usize> {
        let widths = self.widths();
        let lead = self.report.lead.min(widths.len());
        let mut cols: Vec<usize> = (0..lead).collect();
        let mut used: usize = cols.iter().map(|&c| widths[c] + 1).sum();
        for (c, w) in widths.iter().enumerate().skip(lead + self.col) {
            if used + w > width && cols.len() > lead {
                break;
            }
            used += w + 1;
            cols.push(c);
        }
        cols
    }

    fn cells(&self, row: &[Cell], cols: &[usize], widths: &[usize], e: &str) -> String {
        let mut out = String::new();
        for (i, &c) in cols.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match row.get(c) {
                Some(Cell::Number(n)) => out.push_str(&rpad(&n.to_string(), widths[c])),
                Some(Cell::Text(t)) => out.push_str(&pad(t, widths[c], e)),
                None => out.push_str(&" ".repeat(widths[c])),
            }
        }
        out
    }
}

impl Component for ReportScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        if let Some(p) = &mut self.prompt {
            match cmd {
                Cmd::Close => self.prompt = None,
                Cmd::DeleteChar => {
                    p.delete_char();
                }
                Cmd::ClearInput => {
                    p.clear();
                }
                Cmd::Open => match read_days(self.kind, &p.text, self.today) {
                    Ok((from, as_of)) => {
                        self.prompt = None;
                        self.problem = None;
                        return Some(Action::Effect(Effect::Open(ScreenRequest::Report {
                            kind: self.kind,
                            lang: self.lang,
                            root: self.root,
                            as_of,
                            from,
                        })));
                    }
                    Err(why) => self.problem = Some(why),
                },
                _ => {}
            }
            return None;
        }
        match cmd {
            Cmd::FilterDates => {
                let r = &self.report;
                let text = match r.from {
                    Some(from) => format!("{from}..{}", r.as_of),
                    None => r.as_of.to_string(),
                };
                self.prompt = Some(Input { text });
                self.problem = None;
            }
            Cmd::EarlierYear | Cmd::LaterYear => {
                let day = year_end_step(self.report.as_of, cmd == Cmd::LaterYear, self.today)?;
                return Some(Action::Effect(Effect::Open(ScreenRequest::Report {
                    kind: self.kind,
                    lang: self.lang,
                    root: self.root,
                    as_of: Some(day),
                    from: None,
                })));
            }
            Cmd::NextPanel => self.col = (self.col + 1).min(self.scrolling().saturating_sub(1)),
            Cmd::PrevPanel => self.col = self.col.saturating_sub(1),
            other => {
                // The subtitle, two header rows and the totals row take four rows.
                self.cursor
                    .apply(other, self.report.rows.len(), height.saturating_sub(3));
            }
        }
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let count = format!(" {} {} ", self.report.rows.len(), M::Rows.get(lang));
        let title = fit(
            &format!(" {} ", self.report.title),
            (area.width as usize).saturating_sub(count.width() + 4),
            e,
        );
        let b = block(theme, title, true).title_bottom(Line::raw(count).right_aligned());
        let inner = b.inner(area);
        f.render_widget(b, area);
        if inner.height < 5 {
            return;
        }
        let w = inner.width as usize;
        let widths = self.widths();
        let cols = self.visible(w);
        let r = &self.report;
        let more_right = cols.last().is_some_and(|&c| c + 1 < r.header.len());
        let more_left = self.col > 0;
        let mut sub = r.subtitle.clone();
        if more_left || more_right {
            sub.push_str(&format!(
                "   {}{}{}",
                if more_left { "←" } else { " " },
                M::ReportScroll.get(lang),
                if more_right { "→" } else { " " }
            ));
        }
        let mut lines = vec![match &self.prompt {
            Some(p) => {
                let label = if self.kind == Kind::Changes {
                    M::ReportPeriodPrompt
                } else {
                    M::ReportAsOfPrompt
                };
                let mut spans = vec![
                    Span::styled(label.get(lang).to_string(), theme.key()),
                    Span::raw(p.text.clone()),
                ];
                if let Some(why) = self.problem {
                    spans.push(Span::styled(format!("  {}", why.get(lang)), theme.error()));
                }
                Line::from(spans)
            }
            None => Line::styled(fit(&sub, w, e), theme.dim()),
        }];
        // Two header rows: a column alone has its name on the first; a run of columns
        // under one group has the group's name across the run, theirs below.
        let mut top = Vec::new();
        let mut bottom = Vec::new();
        let mut i = 0;
        while i < cols.len() {
            let h = &r.header[cols[i]];
            if h.group == h.name {
                top.push(pad(&h.name, widths[cols[i]], e));
                bottom.push(" ".repeat(widths[cols[i]]));
                i += 1;
                continue;
            }
            let run: Vec<usize> = cols[i..]
                .iter()
                .copied()
                .take_while(|&k| {
                    r.header[k].group == h.group && r.header[k].group != r.header[k].name
                })
                .collect();
            let span = run.iter().map(|&k| widths[k] + 1).sum::<usize>() - 1;
            top.push(pad(&h.group, span, e));
            bottom.extend(run.iter().map(|&k| pad(&r.header[k].name, widths[k], e)));
            i += run.len();
        }
        let (top, bottom) = (top.join(" "), bottom.join(" "));
        lines.push(Line::styled(fit(&top, w, e), theme.header()));
        lines.push(Line::styled(fit(&bottom, w, e), theme.header()));
        let body = (inner.height as usize).saturating_sub(4);
        let offset = visible_offset(self.cursor.pos, self.cursor.offset, body);
        for (i, row) in r.rows.iter().enumerate().skip(offset).take(body) {
            let mut line = Line::raw(fit(&self.cells(row, &cols, &widths, e), w, e));
            if i == self.cursor.pos {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        while lines.len() < 3 + body {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            fit(&self.cells(&r.totals, &cols, &widths, e), w, e),
            theme.header(),
        ));
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        if self.prompt.is_some() {
            return vec![Cmd::Open, Cmd::Close, Cmd::DeleteChar, Cmd::ClearInput];
        }
        [
            &[
                Cmd::FilterDates,
                Cmd::EarlierYear,
                Cmd::LaterYear,
                Cmd::NextPanel,
                Cmd::PrevPanel,
                Cmd::Export,
            ],
            LIST_MOVES,
        ]
        .concat()
    }
}

impl Screen for ReportScreen {
    fn title(&self, _lang: Lang) -> String {
        self.report.title.clone()
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Report {
            kind: self.kind,
            lang: self.lang,
            root: self.root,
            as_of: self.asked,
            from: self.asked_from,
        }
    }
    fn table(&self) -> Table {
        let cells = |row: &Vec<Cell>| row.iter().map(Cell::text).collect();
        let mut rows: Vec<Vec<String>> = self.report.rows.iter().map(cells).collect();
        rows.push(cells(&self.report.totals));
        Table {
            title: self.report.title.clone(),
            header: self.report.columns.clone(),
            rows,
        }
    }
    fn report(&self) -> Option<&Report> {
        Some(&self.report)
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = self
            .report
            .rows
            .iter()
            .map(|r| r.first().map(Cell::text).unwrap_or_default())
            .collect();
        (self.cursor, keys)
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    fn typing(&self) -> bool {
        self.prompt.is_some()
    }
    fn type_text(&mut self, text: &str) {
        if let Some(p) = &mut self.prompt {
            p.insert(text);
            self.problem = None;
        }
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
