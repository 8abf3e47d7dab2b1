//! The 推演 screen: the forecast of the jurisdiction (`report::forecast`, read on a
//! reader), a block per year: its totals, then a line of bars per staffing type —
//! who retires, 空编 and 超编 at the year's end if no one is hired — each bar scaled to
//! the largest of its kind on the screen; then the over-quota units and the year each is
//! back within its quota. ↑↓ scroll; Ctrl-E exports the figures as a table.

use super::action::Action;
use super::i18n::M;
use super::keymap::Cmd;
use super::screens::{Screen, ScreenRequest};
use super::theme::Theme;
use super::widgets::{Cursor, block, fit, pad, rpad, visible_offset};
use crate::model::Lang;
use crate::report::Table;
use crate::report::forecast::{self, Forecast, MAX_YEARS, Params};
use crate::store::{self, Store, queries};
use crate::tui::component::{Component, LIST_MOVES};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub struct ForecastScreen {
    /// The unit whose subtree it is of (None: the whole jurisdiction).
    unit: Option<crate::model::OrgId>,
    pub forecast: Forecast,
    pub cursor: Cursor,
}

/// Reads the forecast of a unit's subtree (or the whole jurisdiction), five years from today. Runs on a
/// reader.
pub fn load(
    store: &Store,
    today: NaiveDate,
    unit: Option<crate::model::OrgId>,
) -> store::Result<Box<dyn Screen>> {
    let conn = store.conn();
    let root = match unit {
        Some(id) => id,
        None => queries::roots(conn)?.first().map_or(0, |r| r.org.id),
    };
    let forecast = forecast::build(
        conn,
        &Params {
            root,
            today,
            years: MAX_YEARS,
        },
    )?;
    Ok(Box::new(ForecastScreen {
        unit,
        forecast,
        cursor: Cursor::default(),
    }))
}

/// What a line of the screen is: a year's totals, a staffing type's bars, a heading,
/// an over-quota unit, a sentence.
enum Row {
    Year(usize),
    Type(usize, usize),
    Blank,
    BackHeading,
    Back(usize),
    Summary,
}

impl ForecastScreen {
    fn layout(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (y, year) in self.forecast.years.iter().enumerate() {
            rows.push(Row::Year(y));
            rows.extend((0..year.types.len()).map(|t| Row::Type(y, t)));
        }
        rows.push(Row::Blank);
        rows.push(Row::Summary);
        if !self.forecast.back_within.is_empty() {
            rows.push(Row::BackHeading);
            rows.extend((0..self.forecast.back_within.len()).map(Row::Back));
        }
        rows
    }

    /// The largest retiring, 空编 and 超编 figure of one type in one year: a full bar.
    fn scale(&self) -> [i64; 3] {
        let mut m = [1i64; 3];
        for t in self.forecast.years.iter().flat_map(|y| &y.types) {
            m[0] = m[0].max(t.figure.end.retiring);
            m[1] = m[1].max(t.figure.end.vacant);
            m[2] = m[2].max(t.figure.end.over);
        }
        m
    }

    fn line(&self, row: &Row, w: usize, theme: &Theme) -> Line<'static> {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let f = &self.forecast;
        let year_word = |y: Option<i32>| match (y, lang) {
            (Some(y), _) => y.to_string(),
            (None, Lang::Zh) => format!("{}年后", f.years.last().map_or(0, |y| y.year)),
            (None, Lang::En) => format!("after {}", f.years.last().map_or(0, |y| y.year)),
        };
        match *row {
            Row::Year(y) => {
                let year = &f.years[y];
                let t = &year.total.end;
                let w_ = &year.total_with_requests.end;
                let text = format!(
                    "{}  {} {}  {} {}  {} {}  {} {}  {} {}/{}",
                    year.year,
                    M::FcRetiring.get(lang),
                    t.retiring,
                    M::ColVacant.get(lang),
                    t.vacant,
                    M::ColOver.get(lang),
                    t.over,
                    M::FcOneForOne.get(lang),
                    t.one_for_one,
                    M::FcWithRequests.get(lang),
                    w_.vacant,
                    w_.over,
                );
                Line::styled(fit(&text, w, e), theme.header())
            }
            Row::Type(y, i) => {
                let t = &f.years[y].types[i];
                let [rs, vs, os] = self.scale();
                // Name, then three labelled bars sharing what is left of the line.
                let name = pad(t.staffing_type.short(lang), 9, e);
                let labels = [
                    M::FcRetiring.get(lang),
                    M::ColVacant.get(lang),
                    M::ColOver.get(lang),
                ];
                let fixed = 2 + 9 + labels.iter().map(|l| l.width() + 1 + 5 + 1).sum::<usize>();
                let room = w.saturating_sub(fixed);
                let widths = [room / 4, room / 2, room - room / 4 - room / 2];
                let figures = [
                    (t.figure.end.retiring, rs),
                    (t.figure.end.vacant, vs),
                    (t.figure.end.over, os),
                ];
                let full = if theme.ascii { "#" } else { "█" };
                let mut spans = vec![Span::raw(format!("  {name}"))];
                for (k, ((n, max), bw)) in figures.iter().zip(widths).enumerate() {
                    let filled = if *n > 0 {
                        ((*n as usize * bw).div_ceil(*max as usize)).clamp(1, bw)
                    } else {
                        0
                    };
                    spans.push(Span::styled(format!("{} ", labels[k]), theme.dim()));
                    let style = match k {
                        0 => theme.key(),
                        1 => theme.ok(),
                        _ => theme.error(),
                    };
                    spans.push(Span::styled(full.repeat(filled), style));
                    spans.push(Span::raw(" ".repeat(bw - filled)));
                    spans.push(Span::raw(format!("{} ", rpad(&n.to_string(), 5))));
                }
                Line::from(spans)
            }
            Row::Blank => Line::raw(""),
            Row::Summary => {
                let text = match lang {
                    Lang::Zh => format!(
                        "{}人将到法定退休年龄；已到龄未退{}人；“{}”含{}项申请和已批计划",
                        f.retiring.len(),
                        f.overdue,
                        M::FcWithRequests.get(lang),
                        f.requests
                    ),
                    Lang::En => format!(
                        "{} retire; {} past the age; \"{}\" takes {} requests and plans",
                        f.retiring.len(),
                        f.overdue,
                        M::FcWithRequests.get(lang),
                        f.requests
                    ),
                };
                Line::styled(fit(&text, w, e), theme.dim())
            }
            Row::BackHeading => Line::styled(fit(M::FcBackTitle.get(lang), w, e), theme.header()),
            Row::Back(i) => {
                let b = &f.back_within[i];
                let text = format!(
                    "  {} {} {}{} → {}{}",
                    pad(&b.unit, 20, e),
                    pad(b.staffing_type.short(lang), 8, e),
                    M::ColOver.get(lang),
                    b.over,
                    year_word(b.year),
                    crate::tui::i18n::paren(
                        lang,
                        format!(
                            "{} {}",
                            M::FcWithRequests.get(lang),
                            year_word(b.year_with_requests)
                        )
                    ),
                );
                Line::raw(fit(&text, w, e))
            }
        }
    }
}

impl Component for ForecastScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        self.cursor.apply(cmd, self.layout().len(), height);
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let first = self.forecast.years.first().map_or(0, |y| y.year);
        let last = self.forecast.years.last().map_or(0, |y| y.year);
        let title = fit(
            &format!(
                " {} {} {first}–{last} ",
                self.forecast.jurisdiction,
                M::ForecastTitle.get(lang)
            ),
            (area.width as usize).saturating_sub(4),
            theme.ellipsis(),
        );
        let b = block(theme, title, true);
        let inner = b.inner(area);
        f.render_widget(b, area);
        let w = inner.width as usize;
        let rows = self.layout();
        let height = inner.height as usize;
        let offset = visible_offset(self.cursor.pos, self.cursor.offset, height);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, r)| {
                let line = self.line(r, w, theme);
                if i == self.cursor.pos {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        [&[Cmd::Export], LIST_MOVES].concat()
    }
}

impl Screen for ForecastScreen {
    fn title(&self, lang: Lang) -> String {
        format!(
            "{} {}",
            self.forecast.jurisdiction,
            M::ForecastTitle.get(lang)
        )
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Forecast { root: self.unit }
    }
    fn table(&self) -> Table {
        let header = [
            "年度",
            "编制类型",
            "核定",
            "退休",
            "年末实有",
            "空编",
            "超编",
            "出一进一",
            "含申请实有",
            "含申请空编",
            "含申请超编",
        ];
        let mut rows = Vec::new();
        for y in &self.forecast.years {
            let lines = y
                .types
                .iter()
                .map(|t| (t.staffing_type.zh(), t.figure, t.with_requests))
                .chain([("合计", y.total, y.total_with_requests)]);
            for (name, fig, with) in lines {
                rows.push(vec![
                    y.year.to_string(),
                    name.to_string(),
                    fig.approved.to_string(),
                    fig.end.retiring.to_string(),
                    fig.end.actual.to_string(),
                    fig.end.vacant.to_string(),
                    fig.end.over.to_string(),
                    fig.end.one_for_one.to_string(),
                    with.end.actual.to_string(),
                    with.end.vacant.to_string(),
                    with.end.over.to_string(),
                ]);
            }
        }
        Table {
            title: format!("{} 编制推演", self.forecast.jurisdiction),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows,
        }
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        (
            self.cursor,
            (0..self.layout().len()).map(|i| i.to_string()).collect(),
        )
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    #[cfg(test)]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
