//! 全局: the jurisdiction on one screen. Totals by staffing type; retirements due in
//! each of the next 12 months; warnings of each kind with the units behind them; staff
//! structure by age, education and post type. Every figure is an item the cursor can
//! reach, and Enter opens the list behind it. Bars are drawn by hand in text cells, so
//! they read the same in monochrome and in ASCII.

use super::{Screen, ScreenRequest};
use crate::model::quota::QuotaFigure;
use crate::model::{Education, Lang, PostType, StaffingType, YearMonth};
use crate::report::Table;
use crate::store::stats::{AgeBand, Jurisdiction, PersonFilter};
use crate::store::warnings::WarningKind;
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, LIST_MOVES};
use crate::tui::i18n::M;
use crate::tui::keymap::Cmd;
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, block, fit, pad, rpad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Something on the overview that opens a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A staffing type's totals (`None`: all types together).
    Quota(Option<StaffingType>),
    Month(YearMonth),
    Warn(WarningKind),
    Age(AgeBand),
    Edu(Option<Education>),
    Post(PostType),
}

impl Item {
    fn section(self) -> usize {
        match self {
            Item::Quota(_) => 0,
            Item::Month(_) => 1,
            Item::Warn(_) => 2,
            Item::Age(_) => 3,
            Item::Edu(_) => 4,
            Item::Post(_) => 5,
        }
    }
}

pub struct JurisdictionScreen {
    pub data: Jurisdiction,
    pub items: Vec<Item>,
    pub cursor: Cursor,
    /// The language of the lists it opens.
    pub lang: Lang,
}

/// The smallest inner area the one-screen layout needs; below it the overview is one
/// scrolling list of the same items.
const WIDE: (u16, u16) = (78, 19);

impl JurisdictionScreen {
    pub fn new(data: Jurisdiction, lang: Lang) -> Self {
        let mut items: Vec<Item> = data
            .totals
            .quota
            .iter()
            .map(|(t, _)| Item::Quota(Some(*t)))
            .collect();
        if data.totals.quota.len() > 1 {
            items.push(Item::Quota(None));
        }
        items.extend(data.retirements.iter().map(|(m, _)| Item::Month(*m)));
        items.extend(data.warnings.iter().map(|(k, _)| Item::Warn(*k)));
        items.extend(
            data.age_bands
                .iter()
                .filter(|(b, n)| *b != AgeBand::Unknown || *n > 0)
                .map(|(b, _)| Item::Age(*b)),
        );
        items.extend(
            data.education
                .iter()
                .filter(|(e, n)| e.is_some() || *n > 0)
                .map(|(e, _)| Item::Edu(*e)),
        );
        items.extend(data.post_types.iter().map(|(p, _)| Item::Post(*p)));
        JurisdictionScreen {
            data,
            items,
            cursor: Cursor::default(),
            lang,
        }
    }

    pub fn selected(&self) -> Option<Item> {
        self.items.get(self.cursor.pos).copied()
    }

    fn quota(&self, t: Option<StaffingType>) -> QuotaFigure {
        match t {
            Some(t) => self.data.totals.quota_of(t),
            None => self.data.totals.total(),
        }
    }

    fn count(&self, item: Item) -> i64 {
        fn find<K: PartialEq>(v: &[(K, i64)], k: K) -> i64 {
            v.iter().find(|x| x.0 == k).map_or(0, |x| x.1)
        }
        let d = &self.data;
        match item {
            Item::Quota(t) => self.quota(t).actual,
            Item::Month(m) => find(&d.retirements, m),
            Item::Warn(k) => d
                .warnings
                .iter()
                .find(|w| w.0 == k)
                .map_or(0, |w| w.1 as i64),
            Item::Age(b) => find(&d.age_bands, b),
            Item::Edu(e) => find(&d.education, e),
            Item::Post(p) => find(&d.post_types, p),
        }
    }

    fn units_with(&self, k: WarningKind) -> Option<usize> {
        match k {
            WarningKind::OverQuota => Some(self.data.units_over),
            WarningKind::Full => Some(self.data.units_full),
            WarningKind::OverPosts => Some(self.data.units_over_posts),
            _ => None,
        }
    }

    fn label(&self, item: Item, lang: Lang) -> String {
        match item {
            Item::Quota(Some(t)) => t.label(lang).to_string(),
            Item::Quota(None) => M::Total.get(lang).to_string(),
            Item::Month(m) => m.to_string(),
            Item::Warn(k) => k.label(lang).to_string(),
            Item::Age(b) => b.label(lang).to_string(),
            Item::Edu(Some(e)) => e.label(lang).to_string(),
            Item::Edu(None) => M::NotRecorded.get(lang).to_string(),
            Item::Post(p) => p.label(lang).to_string(),
        }
    }

    /// The list behind an item.
    pub fn open(&self, item: Item) -> Option<Action> {
        let lang = self.lang;
        let persons = |filter: PersonFilter| ScreenRequest::Persons { filter, lang };
        let req = match item {
            Item::Quota(t) => ScreenRequest::Units {
                root: self.data.root.as_ref()?.id,
                staffing: t,
                lang,
            },
            Item::Warn(k) => ScreenRequest::Warnings {
                kind: Some(k),
                lang: self.lang,
            },
            Item::Month(m) => persons(PersonFilter::Retiring(m)),
            Item::Age(b) => persons(PersonFilter::AgeBand(b)),
            Item::Edu(e) => persons(PersonFilter::Education(e)),
            Item::Post(p) => persons(PersonFilter::PostType(p)),
        };
        Some(Action::Effect(Effect::Open(req)))
    }

    fn style(&self, theme: &Theme, item: Item) -> ratatui::style::Style {
        if self.selected() == Some(item) {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        }
    }

    fn summary(&self, lang: Lang) -> String {
        let d = &self.data;
        let root = d.root.as_ref().map_or("—", |o| o.name.as_str());
        match lang {
            Lang::Zh => format!(
                "{root} · {}个单位 · 在职{}人 · 待审批{}件 · {}",
                d.units, d.persons_active, d.open_approvals, d.today
            ),
            Lang::En => format!(
                "{root} · {} units · {} staff · {} pending · {}",
                d.units, d.persons_active, d.open_approvals, d.today
            ),
        }
    }

    /// `● 超编 3单位 5项` / `退休预报 12人`.
    fn warn_text(&self, theme: &Theme, k: WarningKind) -> String {
        let lang = theme.lang;
        let n = self.count(Item::Warn(k));
        let mark = super::warnings::traffic(k)
            .filter(|_| n > 0)
            .map_or(" ", |t| theme.mark(t));
        let tail = match (self.units_with(k), lang) {
            (Some(u), Lang::Zh) => format!("{u}单位{n}项"),
            (Some(u), Lang::En) => format!("{u} units {n}"),
            (None, Lang::Zh) if matches!(k, WarningKind::Retirement | WarningKind::Overage) => {
                format!("{n}{}", M::PersonsCount.get(lang))
            }
            (None, Lang::En) if matches!(k, WarningKind::Retirement | WarningKind::Overage) => {
                format!("{n} {}", M::PersonsCount.get(lang))
            }
            (None, _) => format!("{n}{}", M::CountSuffix.get(lang)),
        };
        format!("{mark} {} {tail}", k.label(lang))
    }

    /// The totals table's columns in `width` cells: the staffing type as wide as the
    /// longest name (`政法专项编制` must not be cut at 80 columns), each figure as wide as
    /// its header or its largest number plus one space; cells left over widen the
    /// figures up to six, then go to the name (cut only when nothing else gives).
    fn quota_columns(&self, lang: Lang, width: usize) -> (usize, [usize; 5], bool) {
        let rows: Vec<QuotaFigure> = self
            .items_of(0)
            .into_iter()
            .filter_map(|i| match i {
                Item::Quota(t) => Some(self.quota(t)),
                _ => None,
            })
            .collect();
        let mut figs = [0; 5];
        for (k, head) in QUOTA_HEADS.iter().enumerate() {
            let widest = rows
                .iter()
                .map(|q| quota_cells(q)[k].to_string().len())
                .max();
            figs[k] = head.get(lang).width().max(widest.unwrap_or(0)) + 1;
        }
        let names = |short: bool| {
            self.items_of(0)
                .iter()
                .map(|i| self.quota_label(*i, lang, short).width())
                .max()
                .unwrap_or(0)
        };
        // Full names when they fit beside the figures, else the short ones offices use.
        let short = 2 + names(false) + figs.iter().sum::<usize>() > width;
        let head = if short {
            M::StaffingTypeShort
        } else {
            M::StaffingType
        };
        let names = names(short).max(head.get(lang).width());
        let mut spare = width.saturating_sub(2 + names + figs.iter().sum::<usize>());
        for f in &mut figs {
            if spare > 0 && *f < 6 {
                *f += 1;
                spare -= 1;
            }
        }
        let lw = width.saturating_sub(2 + figs.iter().sum::<usize>()).max(4);
        (lw, figs, short)
    }

    /// A staffing type's name in the totals table, short when `short`.
    fn quota_label(&self, item: Item, lang: Lang, short: bool) -> String {
        match item {
            Item::Quota(Some(t)) if short => t.short(lang).to_string(),
            _ => self.label(item, lang),
        }
    }

    fn quota_line(
        &self,
        theme: &Theme,
        t: Option<StaffingType>,
        cols: (usize, [usize; 5], bool),
    ) -> Line<'static> {
        let q = self.quota(t);
        let tr = q.traffic();
        let mut text = pad(
            &self.quota_label(Item::Quota(t), theme.lang, cols.2),
            cols.0,
            theme.ellipsis(),
        );
        for (n, w) in quota_cells(&q).iter().zip(cols.1) {
            text.push_str(&rpad(&n.to_string(), w));
        }
        let mut line = Line::from(vec![
            Span::styled(format!("{} ", theme.mark(tr)), theme.traffic(tr)),
            Span::raw(text),
        ]);
        if self.selected() == Some(Item::Quota(t)) {
            line = line.style(theme.selected());
        }
        line
    }

    fn quota_header(&self, theme: &Theme, cols: (usize, [usize; 5], bool)) -> Line<'static> {
        let lang = theme.lang;
        let mut s = format!(
            "  {}",
            pad(
                if cols.2 {
                    M::StaffingTypeShort
                } else {
                    M::StaffingType
                }
                .get(lang),
                cols.0,
                theme.ellipsis()
            )
        );
        for (m, w) in QUOTA_HEADS.iter().zip(cols.1) {
            s.push_str(&rpad(m.get(lang), w));
        }
        Line::styled(s, theme.header())
    }

    /// Horizontal bars for one structure, `w` cells wide.
    fn bars(&self, theme: &Theme, title: M, items: &[Item], w: usize) -> Vec<Line<'static>> {
        let lang = theme.lang;
        let max = items.iter().map(|i| self.count(*i)).max().unwrap_or(0);
        let lw = items
            .iter()
            .map(|i| self.label(*i, lang).width())
            .max()
            .unwrap_or(4)
            .min(10);
        let bw = w.saturating_sub(lw + 7).max(1);
        let mut lines = vec![Line::styled(title.get(lang).to_string(), theme.header())];
        for &item in items {
            let n = self.count(item);
            let text = format!(
                "{} {} {}",
                pad(&self.label(item, lang), lw, theme.ellipsis()),
                pad(&bar(n, max, bw, theme.ascii), bw, ""),
                rpad(&n.to_string(), 5)
            );
            lines.push(Line::styled(text, self.style(theme, item)));
        }
        lines
    }

    fn items_of(&self, section: usize) -> Vec<Item> {
        self.items
            .iter()
            .copied()
            .filter(|i| i.section() == section)
            .collect()
    }

    /// The retirement forecast as vertical bars: `height` rows of bars, then the months
    /// and the counts.
    fn retirement_chart(&self, theme: &Theme, height: usize) -> Vec<Line<'static>> {
        let lang = theme.lang;
        let months = &self.data.retirements;
        let total: i64 = months.iter().map(|m| m.1).sum();
        let max = months.iter().map(|m| m.1).max().unwrap_or(0);
        let mut head = match lang {
            Lang::Zh => format!("{} 未来12个月 共{total}人", M::RetirementForecast.get(lang)),
            Lang::En => format!(
                "{} next 12 months: {total}",
                M::RetirementForecast.get(lang)
            ),
        };
        if let Some(Item::Month(m)) = self.selected() {
            head.push_str(&format!(" · {m} {}", self.count(Item::Month(m))));
        }
        let mut lines = vec![Line::styled(head, theme.header())];
        let eighths: Vec<i64> = months
            .iter()
            .map(|&(_, n)| {
                if max == 0 || n == 0 {
                    0
                } else {
                    (n * height as i64 * 8 + max - 1) / max
                }
            })
            .collect();
        const BLOCKS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
        for r in 0..height {
            let floor = (height - 1 - r) as i64 * 8;
            let mut spans = Vec::new();
            for (i, &e) in eighths.iter().enumerate() {
                let fill = (e - floor).clamp(0, 8) as usize;
                let c = if theme.ascii {
                    if fill >= 4 { "#" } else { " " }
                } else {
                    BLOCKS[fill]
                };
                let style = self.style(theme, Item::Month(months[i].0));
                spans.push(Span::styled(c.repeat(2), style));
                spans.push(Span::raw(" "));
            }
            lines.push(Line::from(spans));
        }
        let mut labels = Vec::new();
        for &(m, _) in months {
            let style = self.style(theme, Item::Month(m));
            labels.push(Span::styled(format!("{:02}", m.month), style));
            labels.push(Span::raw(" "));
        }
        lines.push(Line::from(labels));
        // Each month's count under its bar when every count fits its two cells; a
        // count cut or run into its neighbour would be a wrong figure, so a bigger
        // jurisdiction gets the largest month's count there instead (and any month's
        // by selecting it).
        if max <= 99 {
            let counts: String = months.iter().map(|m| format!("{:<3}", m.1)).collect();
            lines.push(Line::raw(counts));
        } else {
            let peak = match lang {
                Lang::Zh => format!("单月最多{max}人"),
                Lang::En => format!("at most {max} in a month"),
            };
            lines.push(Line::styled(peak, theme.dim()));
        }
        lines
    }

    fn render_wide(&self, f: &mut Frame, inner: Rect, theme: &Theme) {
        let lang = theme.lang;
        // Twelve bars of two cells and a space, without the last space.
        let chart_w: u16 = 35;
        let left_w = inner.width - chart_w - 1;
        let at = |x: u16, y: u16, w: u16, h: u16| Rect {
            x: inner.x + x,
            y: inner.y + y,
            width: w,
            height: h,
        };
        f.render_widget(
            Paragraph::new(Line::styled(
                fit(&self.summary(lang), inner.width as usize, theme.ellipsis()),
                theme.title(),
            )),
            at(0, 0, inner.width, 1),
        );
        // Totals by staffing type.
        let cols = self.quota_columns(lang, left_w as usize);
        let mut quota = vec![self.quota_header(theme, cols)];
        if self.data.totals.quota.is_empty() {
            quota.push(Line::styled(M::NoQuota.get(lang), theme.dim()));
        }
        for item in self.items_of(0) {
            if let Item::Quota(t) = item {
                quota.push(self.quota_line(theme, t, cols));
            }
        }
        f.render_widget(Paragraph::new(quota), at(0, 1, left_w, 8));
        f.render_widget(
            Paragraph::new(self.retirement_chart(theme, 5)),
            at(left_w + 1, 1, chart_w, 8),
        );
        // Warnings, three to a line.
        let warn = self.items_of(2);
        let chip_w = (inner.width / 3) as usize;
        let mut rows = Vec::new();
        for chunk in warn.chunks(3) {
            let mut spans = Vec::new();
            for &item in chunk {
                if let Item::Warn(k) = item {
                    spans.push(Span::styled(
                        pad(&self.warn_text(theme, k), chip_w, theme.ellipsis()),
                        self.style(theme, item),
                    ));
                }
            }
            rows.push(Line::from(spans));
        }
        let mut lines = vec![Line::styled(
            M::WarningsTitle.get(lang).to_string(),
            theme.header(),
        )];
        lines.extend(rows);
        f.render_widget(Paragraph::new(lines), at(0, 9, inner.width, 3));
        // Staff structure.
        let col = inner.width / 3;
        let y = 12;
        let h = inner.height - y;
        for (i, (title, section)) in [
            (M::AgeStructure, 3),
            (M::EducationStructure, 4),
            (M::PostTypeStructure, 5),
        ]
        .into_iter()
        .enumerate()
        {
            let lines = self.bars(theme, title, &self.items_of(section), col as usize - 1);
            f.render_widget(Paragraph::new(lines), at(col * i as u16, y, col - 1, h));
        }
    }

    /// The same items as one list, for small screens.
    fn lines_compact(&self, theme: &Theme, width: usize) -> (Vec<Line<'static>>, usize) {
        let lang = theme.lang;
        let mut lines = vec![Line::styled(
            fit(&self.summary(lang), width, theme.ellipsis()),
            theme.title(),
        )];
        let mut selected_line = 0;
        let titles = [
            M::StaffingType,
            M::RetirementForecast,
            M::WarningsTitle,
            M::AgeStructure,
            M::EducationStructure,
            M::PostTypeStructure,
        ];
        for (section, title) in titles.iter().enumerate() {
            let items = self.items_of(section);
            if items.is_empty() {
                continue;
            }
            lines.push(Line::styled(title.get(lang).to_string(), theme.header()));
            let max = items.iter().map(|i| self.count(*i)).max().unwrap_or(0);
            for item in items {
                if self.selected() == Some(item) {
                    selected_line = lines.len();
                }
                let line = match item {
                    Item::Quota(t) => {
                        let q = self.quota(t);
                        let tr = q.traffic();
                        let text = format!(
                            "{} {} {}/{} {} {}",
                            theme.mark(tr),
                            pad(&self.label(item, lang), 12, theme.ellipsis()),
                            q.actual,
                            q.approved,
                            if q.over > 0 {
                                M::ColOver.get(lang)
                            } else {
                                M::ColUsable.get(lang)
                            },
                            if q.over > 0 { q.over } else { q.usable }
                        );
                        Line::from(text)
                    }
                    Item::Warn(k) => Line::from(self.warn_text(theme, k)),
                    _ => {
                        let n = self.count(item);
                        let bw = width.saturating_sub(12 + 7).clamp(1, 20);
                        Line::from(format!(
                            "  {} {} {}",
                            pad(&self.label(item, lang), 10, theme.ellipsis()),
                            pad(&bar(n, max, bw, theme.ascii), bw, ""),
                            rpad(&n.to_string(), 5)
                        ))
                    }
                };
                lines.push(line.style(self.style(theme, item)));
            }
        }
        (lines, selected_line)
    }
}

/// The totals' figure columns: 核定, 实有, 空编, 超编, 可使用.
const QUOTA_HEADS: [M; 5] = [
    M::ColApproved,
    M::ColActual,
    M::ColVacant,
    M::ColOver,
    M::ColUsable,
];

fn quota_cells(q: &QuotaFigure) -> [i64; 5] {
    [q.approved, q.actual, q.vacant, q.over, q.usable]
}

/// `n` of `max` as a bar `width` cells long; anything above zero shows at least one cell.
pub fn bar(n: i64, max: i64, width: usize, ascii: bool) -> String {
    if max <= 0 || n <= 0 {
        return String::new();
    }
    let cells = ((n * width as i64 + max - 1) / max).clamp(1, width as i64) as usize;
    (if ascii { "#" } else { "█" }).repeat(cells)
}

impl Component for JurisdictionScreen {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        let n = self.items.len();
        match cmd {
            Cmd::Open => return self.open(self.selected()?),
            // Tab and → jump to the next group of figures, ← / S-Tab back.
            Cmd::NextPanel | Cmd::PrevPanel => {
                let here = self.selected()?.section();
                let pos = if cmd == Cmd::NextPanel {
                    self.items
                        .iter()
                        .position(|i| i.section() > here)
                        .unwrap_or(0)
                } else {
                    let prev = self
                        .items
                        .iter()
                        .rev()
                        .map(|i| i.section())
                        .find(|s| *s < here)
                        .unwrap_or(self.items.last()?.section());
                    self.items.iter().position(|i| i.section() == prev)?
                };
                self.cursor.set(pos, n, height);
            }
            other => {
                self.cursor.apply(other, n, height);
            }
        }
        None
    }
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let b = block(theme, format!(" {} ", self.title(theme.lang)), true);
        let inner = b.inner(area);
        f.render_widget(b, area);
        if inner.width >= WIDE.0 && inner.height >= WIDE.1 {
            self.render_wide(f, inner, theme);
            return;
        }
        let (lines, sel) = self.lines_compact(theme, inner.width as usize);
        let h = inner.height as usize;
        let first = (sel + 1).saturating_sub(h);
        f.render_widget(Paragraph::new(lines).scroll((first as u16, 0)), inner);
    }
    fn commands(&self) -> Vec<Cmd> {
        [
            &[Cmd::Open, Cmd::NextPanel, Cmd::PrevPanel, Cmd::Export],
            LIST_MOVES,
        ]
        .concat()
    }
}

impl Screen for JurisdictionScreen {
    fn title(&self, lang: Lang) -> String {
        M::OverviewTitle.get(lang).to_string()
    }
    fn request(&self) -> ScreenRequest {
        ScreenRequest::Overview { lang: self.lang }
    }
    fn table(&self) -> Table {
        crate::report::overview_table(&self.data, self.lang)
    }
    fn rows(&self) -> (Cursor, Vec<String>) {
        let keys = self.items.iter().map(|i| format!("{i:?}")).collect();
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
