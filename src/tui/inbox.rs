//! 待审批: the approval inbox, a request opened in full, and the decision dialog.
//!
//! The list shows counts per kind in its header and sorts by age, kind or unit. An
//! opened request shows the unit's current figures, what approval would change
//! (`空编 3 → 2`, the same preview the server judges by) and the warnings it raises.
//! `a`/`r`/`x` open the dialog with a default 审批意见 and the effect named; Enter
//! locks the comment, Enter again queues the decision in the outbox — and the next open
//! request opens, so a run of similar requests goes a, Enter, Enter, a, Enter, Enter.

use super::action::{Action, Effect};
use super::component::{Component, LIST_MOVES};
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{self, Cursor, fit, fit_end, pad, rpad, visible_offset};
use crate::model::{ApprovalId, ApprovalKind, Decision, Lang};
use crate::store::inbox::{Item, Standing, counts};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Longest 审批意见 kept, in characters.
pub const MAX_COMMENT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Oldest submission first: the longest-waiting request is handled first.
    #[default]
    Age,
    Kind,
    Unit,
}

impl Sort {
    fn next(self) -> Sort {
        match self {
            Sort::Age => Sort::Kind,
            Sort::Kind => Sort::Unit,
            Sort::Unit => Sort::Age,
        }
    }
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Sort::Age, Lang::Zh) => "按时间",
            (Sort::Kind, Lang::Zh) => "按类别",
            (Sort::Unit, Lang::Zh) => "按单位",
            (Sort::Age, Lang::En) => "by age",
            (Sort::Kind, Lang::En) => "by kind",
            (Sort::Unit, Lang::En) => "by unit",
        }
    }
}

/// The comment a decision starts with, so Enter, Enter decides.
/// The comment filled in for a decision, in the interface's language (the clerk may
/// write their own).
pub fn default_comment(d: Decision, lang: Lang) -> &'static str {
    match (d, lang) {
        (Decision::Approve, Lang::Zh) => "同意。",
        (Decision::Return, Lang::Zh) => "退回，请补正材料后重新报送。",
        (Decision::Reject, Lang::Zh) => "不同意。",
        (Decision::Approve, Lang::En) => "Approved.",
        (Decision::Return, Lang::En) => "Returned: please complete the documents and send again.",
        (Decision::Reject, Lang::En) => "Rejected.",
    }
}

/// The decision being made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub id: ApprovalId,
    pub decision: Decision,
    /// 审批意见: typed, pasted or composed by an input method.
    pub comment: String,
    /// The comment is done; the next Enter queues the decision.
    pub confirming: bool,
    /// Shown when Enter is pressed on an empty comment.
    pub empty: bool,
}

pub struct InboxView {
    pub items: Vec<Item>,
    /// Indices into `items`, in the order shown.
    pub order: Vec<usize>,
    pub sort: Sort,
    pub kind: Option<ApprovalKind>,
    pub cursor: Cursor,
    /// The request shown in full.
    pub open: Option<ApprovalId>,
    pub scroll: u16,
    pub dialog: Option<Dialog>,
    /// Asking to confirm the withdrawal of this request's queued decision.
    pub withdrawing: Option<ApprovalId>,
    pub today: NaiveDate,
    /// The interface's language, for what its answers say.
    pub lang: Lang,
    /// The order shown before the last reload (to find the next item after a decision).
    shown_before: Vec<ApprovalId>,
}

impl InboxView {
    pub fn new(items: Vec<Item>, today: NaiveDate) -> InboxView {
        let mut v = InboxView {
            items,
            order: Vec::new(),
            sort: Sort::default(),
            kind: None,
            cursor: Cursor::default(),
            open: None,
            scroll: 0,
            dialog: None,
            withdrawing: None,
            today,
            lang: Lang::Zh,
            shown_before: Vec::new(),
        };
        v.reorder();
        v
    }

    /// Open, refused and queued items first, then the decided; within each, by the
    /// chosen order.
    fn reorder(&mut self) {
        let selected = self.selected().map(|i| i.request.id);
        // A queued decision stays in its place (marked 待上传) so the operator sees it;
        // what the server has decided goes below the open requests.
        let group = |i: &Item| match i.standing {
            Standing::Open | Standing::Refused { .. } | Standing::Queued(_) | Standing::Sent(_) => {
                0
            }
            Standing::Decided { .. } => 1,
        };
        let mut order: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.kind.is_none_or(|k| self.items[i].request.kind == k))
            .collect();
        let items = &self.items;
        order.sort_by(|&a, &b| {
            let (x, y) = (&items[a], &items[b]);
            let age = |i: &Item| (i.request.submitted_on, i.request.id);
            group(x).cmp(&group(y)).then_with(|| match self.sort {
                Sort::Age => age(x).cmp(&age(y)),
                Sort::Kind => x
                    .request
                    .kind
                    .cmp(&y.request.kind)
                    .then(age(x).cmp(&age(y))),
                Sort::Unit => x.unit_path.cmp(&y.unit_path).then(age(x).cmp(&age(y))),
            })
        });
        self.order = order;
        let pos = selected
            .and_then(|id| {
                self.order
                    .iter()
                    .position(|&i| self.items[i].request.id == id)
            })
            .unwrap_or(0);
        self.select(pos);
    }

    /// Puts the cursor on row `pos`; rendering scrolls it into view.
    fn select(&mut self, pos: usize) {
        self.cursor.pos = pos.min(self.order.len().saturating_sub(1));
        self.cursor.offset = self.cursor.offset.min(self.cursor.pos);
    }

    pub fn selected(&self) -> Option<&Item> {
        self.order.get(self.cursor.pos).map(|&i| &self.items[i])
    }

    pub fn item(&self, id: ApprovalId) -> Option<&Item> {
        self.items.iter().find(|i| i.request.id == id)
    }

    /// The items reloaded (after a decision or a sync); what is open stays open.
    pub fn set_items(&mut self, items: Vec<Item>) {
        self.shown_before = self
            .order
            .iter()
            .map(|&i| self.items[i].request.id)
            .collect();
        self.items = items;
        self.reorder();
        if let Some(id) = self.open
            && self.item(id).is_none()
        {
            self.open = None;
        }
        if let Some(d) = &self.dialog
            && !self.item(d.id).is_some_and(|i| i.standing.decidable())
        {
            self.dialog = None;
        }
        // A sync may have sent the decision meanwhile: nothing left to confirm.
        if let Some(id) = self.withdrawing
            && !self
                .item(id)
                .is_some_and(|i| matches!(i.standing, Standing::Queued(_)))
        {
            self.withdrawing = None;
        }
    }

    /// One item as it stands now (after a decision or a withdrawal), the others kept.
    pub fn put_item(&mut self, item: Item) {
        let mut items = self.items.clone();
        match items.iter_mut().find(|i| i.request.id == item.request.id) {
            Some(old) => *old = item,
            None => items.push(item),
        }
        self.set_items(items);
    }

    /// After a decision on `id`: the next request still to decide opens (or the list
    /// returns when there is none).
    pub fn advance_from(&mut self, id: ApprovalId) {
        // The decided item has moved down among the queued: the next one is the one
        // that followed it in the order the operator was working through.
        let before = &self.shown_before;
        let Some(was) = before.iter().position(|&x| x == id) else {
            return;
        };
        let position = |id: ApprovalId| {
            self.order
                .iter()
                .position(|&i| self.items[i].request.id == id)
        };
        let next = (1..before.len())
            .map(|k| before[(was + k) % before.len()])
            .filter_map(position)
            .find(|&p| self.items[self.order[p]].standing.decidable());
        let pos = position(id).unwrap_or(0);
        match next {
            Some(p) => {
                self.select(p);
                if self.open.is_some() {
                    self.open = Some(self.items[self.order[p]].request.id);
                    self.scroll = 0;
                }
            }
            None => {
                self.open = None;
                self.select(pos);
            }
        }
    }

    /// A dialog takes the keys: the decision's comment, or a withdrawal to confirm.
    pub fn typing(&self) -> bool {
        self.dialog.is_some() || self.withdrawing.is_some()
    }

    pub fn type_text(&mut self, text: &str) {
        if let Some(d) = &mut self.dialog
            && !d.confirming
        {
            let mut n = d.comment.chars().count();
            for c in text.chars() {
                if n >= MAX_COMMENT {
                    break;
                }
                let c = if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                };
                if !c.is_control() {
                    d.comment.push(c);
                    n += 1;
                    d.empty = false;
                }
            }
        }
    }

    /// Closes the opened request; false when the list is showing already.
    pub fn close_request(&mut self) -> bool {
        self.open.take().is_some()
    }

    fn target(&self) -> Option<&Item> {
        match self.open {
            Some(id) => self.item(id),
            None => self.selected(),
        }
    }

    pub fn handle(&mut self, cmd: Cmd, height: usize, lang: Lang) -> Option<Action> {
        if let Some(id) = self.withdrawing {
            // Enter withdraws; any other key keeps the decision.
            self.withdrawing = None;
            return (cmd == Cmd::Open).then_some(Action::Effect(Effect::Withdraw(id)));
        }
        if cmd == Cmd::Withdraw {
            let item = self.target()?;
            if !matches!(item.standing, Standing::Queued(_)) {
                let why = match &item.standing {
                    Standing::Sent(_) => {
                        crate::store::outbox::WithdrawRefusal::AlreadySent(item.request.id)
                    }
                    _ => crate::store::outbox::WithdrawRefusal::NothingQueued(item.request.id),
                };
                return Some(Action::Error(super::i18n::withdraw_refused(lang, &why)));
            }
            self.withdrawing = Some(item.request.id);
            return None;
        }
        if let Some(d) = &mut self.dialog {
            match cmd {
                Cmd::Close => self.dialog = None,
                Cmd::DeleteChar if !d.confirming => {
                    d.comment.pop();
                }
                Cmd::DeleteChar => d.confirming = false,
                Cmd::ClearInput if !d.confirming => d.comment.clear(),
                Cmd::Open if !d.confirming => {
                    if d.comment.trim().is_empty() {
                        d.empty = true;
                    } else {
                        d.confirming = true;
                    }
                }
                Cmd::Open => {
                    let d = self.dialog.take()?;
                    return Some(Action::Effect(Effect::Decide {
                        id: d.id,
                        decision: d.decision,
                        comment: d.comment.trim().to_string(),
                    }));
                }
                _ => {}
            }
            return None;
        }
        let decision = match cmd {
            Cmd::Approve => Some(Decision::Approve),
            Cmd::ReturnRequest => Some(Decision::Return),
            Cmd::Reject => Some(Decision::Reject),
            _ => None,
        };
        if let Some(decision) = decision {
            let item = self.target()?;
            if !item.standing.decidable() {
                let why = match lang {
                    Lang::Zh => format!(
                        "申请 {}：{}",
                        item.request.id,
                        super::i18n::standing(item, lang)
                    ),
                    Lang::En => format!(
                        "request {} is not open: {}",
                        item.request.id,
                        super::i18n::standing(item, lang)
                    ),
                };
                return Some(Action::Error(why));
            }
            self.dialog = Some(Dialog {
                id: item.request.id,
                decision,
                comment: default_comment(decision, lang).to_string(),
                confirming: false,
                empty: false,
            });
            return None;
        }
        match cmd {
            Cmd::Open => match self.open.and_then(|id| self.item(id)) {
                // In an opened request, Enter goes to the unit (Esc comes back here).
                Some(item) => {
                    return Some(Action::Effect(Effect::Goto {
                        id: item.request.org_id,
                        open: true,
                    }));
                }
                None => {
                    self.open = self.selected().map(|i| i.request.id);
                    self.scroll = 0;
                }
            },
            Cmd::Sort => {
                self.sort = self.sort.next();
                self.reorder();
            }
            Cmd::FilterKind => {
                self.kind = match self.kind {
                    None => Some(ApprovalKind::ALL[0]),
                    Some(k) => ApprovalKind::ALL
                        .iter()
                        .position(|&x| x == k)
                        .and_then(|i| ApprovalKind::ALL.get(i + 1).copied()),
                };
                self.reorder();
            }
            other if self.open.is_some() => match other {
                Cmd::CursorDown => self.scroll = self.scroll.saturating_add(1),
                Cmd::CursorUp => self.scroll = self.scroll.saturating_sub(1),
                Cmd::PageDown => self.scroll = self.scroll.saturating_add(height as u16),
                Cmd::PageUp => self.scroll = self.scroll.saturating_sub(height as u16),
                Cmd::CursorTop => self.scroll = 0,
                _ => {}
            },
            other => {
                self.cursor
                    .apply(other, self.order.len(), height.saturating_sub(2).max(1));
            }
        }
        None
    }

    fn age_days(&self, i: &Item) -> i64 {
        (self.today - i.request.submitted_on).num_days().max(0)
    }

    /// Title of the box: `待审批 8` or the request's number.
    pub fn title(&self, lang: Lang) -> String {
        let open = self.items.iter().filter(|i| i.standing.decidable()).count();
        match (self.open, lang) {
            (Some(id), Lang::Zh) => format!(" 申请 {id} "),
            (Some(id), Lang::En) => format!(" Request {id} "),
            (None, Lang::Zh) => format!(" 待审批 {open} "),
            (None, Lang::En) => format!(" Inbox {open} "),
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let block = widgets::block(theme, self.title(theme.lang), focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        match self.open.and_then(|id| self.item(id)) {
            Some(item) => {
                let lines = request_lines(item, theme, self.age_days(item));
                f.render_widget(
                    Paragraph::new(lines)
                        .wrap(Wrap { trim: false })
                        .scroll((self.scroll, 0)),
                    inner,
                );
            }
            None => self.render_list(f, inner, theme),
        }
        if let Some(d) = &self.dialog
            && let Some(item) = self.item(d.id)
        {
            render_dialog(f, area, theme, d, item);
        }
        if let Some(id) = self.withdrawing
            && let Some(item) = self.item(id)
        {
            render_withdraw(f, area, theme, item);
        }
    }

    fn render_list(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let e = theme.ellipsis();
        let w = area.width as usize;
        let mut head: Vec<Span> = Vec::new();
        for (k, n) in counts(&self.items) {
            let style = if self.kind == Some(k) {
                theme.selected()
            } else if n > 0 {
                theme.header()
            } else {
                theme.dim()
            };
            head.push(Span::styled(format!("{}{n}", k.label(lang)), style));
            head.push(Span::raw(" "));
        }
        head.push(Span::styled(
            format!("· {}", self.sort.label(lang)),
            theme.dim(),
        ));
        let mut lines = vec![Line::from(head)];
        let zh = lang == Lang::Zh;
        let (uw, aw) = column_widths(w);
        let cols = format!(
            "{} {} {} {} {} {}",
            pad(if zh { "编号" } else { "No." }, 5, e),
            pad(if zh { "类别" } else { "Kind" }, 12, e),
            pad(if zh { "单位" } else { "Unit" }, uw, e),
            pad(if zh { "事项" } else { "Asked" }, aw, e),
            pad(if zh { "等待" } else { "Age" }, 5, e),
            if zh {
                "审批后／状态"
            } else {
                "Effect / state"
            }
        );
        lines.push(Line::styled(pad(&cols, w, e), theme.header()));
        if self.order.is_empty() {
            lines.push(Line::styled(
                if zh {
                    "没有待审批的申请"
                } else {
                    "Nothing waiting for a decision"
                },
                theme.dim(),
            ));
        }
        let height = (area.height as usize).saturating_sub(2);
        let offset = visible_offset(self.cursor.pos, self.cursor.offset, height);
        for (row, &i) in self.order.iter().enumerate().skip(offset).take(height) {
            let item = &self.items[i];
            let r = &item.request;
            let age = match lang {
                Lang::Zh => format!("{}天", self.age_days(item)),
                Lang::En => format!("{}d", self.age_days(item)),
            };
            let (state, style) = state_cell(item, theme);
            let text = format!(
                "{:>5} {} {} {} {:>5} ",
                r.id,
                pad(r.kind.label(lang), 12, e),
                pad(&item.unit, uw, e),
                pad(&super::i18n::asked(item, lang), aw, e),
                age,
            );
            let rest = w.saturating_sub(text.width());
            // The full warning when it fits, else its short form: never cut. A change
            // loses the words the request's column already says (行政编制, 股级副职).
            let state = match item.standing {
                Standing::Open if state.width() > rest && !item.effect.warnings.is_empty() => {
                    short_warnings(&item.effect.warnings, theme)
                }
                Standing::Open if state.width() > rest => short_change(item, rest, theme),
                _ => state,
            };
            let mut spans = vec![Span::raw(text), Span::styled(pad(&state, rest, e), style)];
            if row == self.cursor.pos {
                for s in &mut spans {
                    s.style = theme.selected();
                }
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

/// Widths of the unit and the request columns: 12 and 18 on 80 columns; a wider
/// screen gives them room (up to 30 and 60) and leaves the rest to the effect.
fn column_widths(w: usize) -> (usize, usize) {
    // 编号, 类别, 等待 and the spaces take 29; the effect wants 30 beside them.
    let spare = w.saturating_sub(29 + 12 + 18 + 30);
    let unit = 12 + (spare / 3).min(18);
    let asked = 18 + (spare / 2).min(42);
    (unit, asked)
}

/// The warnings in the few words the list has room for: `⚠ 满编冻结`, `⚠ 职数已满
/// 2/2 +1` (one more warning in the request).
fn short_warnings(warnings: &[crate::model::approval::Warning], theme: &Theme) -> String {
    use crate::model::approval::Warning as W;
    let zh = theme.lang == Lang::Zh;
    let mark = if theme.ascii { "!" } else { "⚠" };
    let first = match (&warnings[0], zh) {
        (W::Overdraws { wanted, usable }, true) => format!("申{wanted}名超可用{usable}名"),
        (W::Overdraws { wanted, usable }, false) => format!("{wanted} wanted, {usable} usable"),
        (W::Frozen, true) => "满编冻结".into(),
        (W::Frozen, false) => "full: frozen".into(),
        (W::PostsOverdrawn { approved, actual }, true) if actual > approved => {
            format!("超职数 {actual}/{approved}")
        }
        (W::PostsOverdrawn { approved, actual }, true) => {
            format!("职数已满 {actual}/{approved}")
        }
        (W::PostsOverdrawn { approved, actual }, false) => {
            format!("posts full {actual}/{approved}")
        }
        (W::PastRetirement { .. }, true) => "已到退休年龄".into(),
        (W::PastRetirement { .. }, false) => "past retirement".into(),
        (W::OnOtherBooks { .. } | W::OnBooksOutside, true) => "已在他单位在编".into(),
        (W::OnOtherBooks { .. } | W::OnBooksOutside, false) => "on other books".into(),
        (W::Incomplete(what), true) => format!("缺{}", what.say(Lang::Zh)),
        (W::Incomplete(_), false) => "incomplete".into(),
        (W::PersonNotInJurisdiction, true) => "人员不在辖区".into(),
        (W::PersonNotInJurisdiction, false) => "person outside".into(),
        (W::ParentNotAllowed, true) => "上级不可调".into(),
        (W::ParentNotAllowed, false) => "parent not allowed".into(),
    };
    match warnings.len() {
        1 => format!("{mark} {first}"),
        n => format!("{mark} {first} +{}", n - 1),
    }
}

/// The change approval would make, in `room` cells: without the staffing type or the
/// post the request's column names; a new name by its end.
fn short_change(item: &Item, room: usize, theme: &Theme) -> String {
    let e = theme.ellipsis();
    let Some(c) = item
        .effect
        .changes
        .iter()
        .find(|c| c.is_vacancy_or_posts())
        .or(item.effect.changes.first())
    else {
        return String::new();
    };
    let r = &item.request;
    let lang = theme.lang;
    let prefixes = [
        r.staffing_type.map(|t| t.label(lang).to_string()),
        r.post.map(|p| super::i18n::slot(p, lang)),
    ];
    let full = c.what(lang);
    let what = prefixes
        .iter()
        .flatten()
        .find_map(|p| {
            full.strip_prefix(p.as_str())
                .map(str::trim)
                .filter(|w| !w.is_empty())
        })
        .unwrap_or(&full);
    let short = format!("{what} {} → {}", c.before, c.after);
    if short.width() <= room {
        return short;
    }
    // A name (or any long value): where it ends up, cut from the left.
    widgets::fit_start(&format!("→ {}", c.after), room, e)
}

/// What the list says about an item after its columns: its standing, a warning, or
/// the first change approval would make.
fn state_cell(item: &Item, theme: &Theme) -> (String, ratatui::style::Style) {
    let lang = theme.lang;
    match &item.standing {
        Standing::Open => {
            if item.effect.blocks_approval() {
                let mark = if theme.ascii { "!" } else { "⚠" };
                let first = item
                    .effect
                    .warnings
                    .first()
                    .map(|w| w.say(theme.lang))
                    .unwrap_or_default();
                (format!("{mark} {first}"), theme.error())
            } else if !item.effect.warnings.is_empty() {
                let mark = if theme.ascii { "!" } else { "⚠" };
                (
                    format!("{mark} {}", item.effect.warnings[0].say(theme.lang)),
                    theme.warn(),
                )
            } else {
                let c = item
                    .effect
                    .changes
                    .iter()
                    .find(|c| c.is_vacancy_or_posts())
                    .or(item.effect.changes.first());
                (
                    c.map(|c| c.say(theme.lang, theme.ascii))
                        .unwrap_or_default(),
                    theme.ok(),
                )
            }
        }
        Standing::Queued(_) | Standing::Sent(_) => {
            (super::i18n::standing(item, lang), theme.warn())
        }
        Standing::Refused { .. } => (super::i18n::standing(item, lang), theme.error()),
        Standing::Decided {
            refused: Some(_), ..
        } => (super::i18n::standing(item, lang), theme.error()),
        Standing::Decided { .. } => (super::i18n::standing(item, lang), theme.dim()),
    }
}

fn section(theme: &Theme, title: &str) -> Line<'static> {
    Line::styled(format!("── {title} ──"), theme.header())
}

/// The request in full: what is asked, the unit's figures, the effect, the warnings.
pub fn request_lines(item: &Item, theme: &Theme, age: i64) -> Vec<Line<'static>> {
    let lang = theme.lang;
    let zh = lang == Lang::Zh;
    let r = &item.request;
    let l = |a: &'static str, b: &'static str| if zh { a } else { b };
    let field = |k: &str, v: String| widgets::field(theme, k, 10, v);
    let mut lines = vec![
        field(
            l("类别", "Kind"),
            format!(
                "{}{}",
                r.kind.label(lang),
                super::i18n::paren(lang, r.status.label(lang))
            ),
        ),
        field(l("单位", "Unit"), item.unit_path.clone()),
        field(l("事项", "Asked"), super::i18n::asked(item, lang)),
        field(
            l("报送", "Submitted"),
            format!(
                "{} {}{}",
                r.submitted_by,
                r.submitted_on,
                super::i18n::paren(lang, format!("{age}{}", l("天", " days")))
            ),
        ),
    ];
    if let Some(d) = &r.doc_no {
        lines.push(field(l("文号", "Document"), d.clone()));
    }
    if !r.summary.is_empty() {
        lines.push(field(l("摘要", "Summary"), r.summary.clone()));
    }
    let standing = super::i18n::standing(item, lang);
    if !standing.is_empty() {
        let style = match item.standing {
            Standing::Refused { .. }
            | Standing::Decided {
                refused: Some(_), ..
            } => theme.error(),
            Standing::Queued(_) | Standing::Sent(_) => theme.warn(),
            _ => theme.dim(),
        };
        lines.push(Line::from(vec![
            Span::styled(pad(l("状态", "State"), 10, theme.ellipsis()), theme.dim()),
            Span::raw(" "),
            Span::styled(standing, style),
        ]));
    }
    if let Some(c) = &r.comment {
        lines.push(field(l("审批意见", "Comment"), c.clone()));
    }

    lines.push(section(
        theme,
        l("本单位现有编制", "The unit's figures now"),
    ));
    let e = theme.ellipsis();
    let f = &item.figures;
    if f.quota.is_empty() && f.posts.is_empty() {
        lines.push(Line::styled(
            l("未核定编制", "No quota approved"),
            theme.dim(),
        ));
    }
    if !f.quota.is_empty() {
        let head = [
            l("核定", "Appr"),
            l("实有", "Act"),
            l("已批未用", "Reserved"),
            l("空编", "Vac"),
            l("超编", "Over"),
            l("可使用", "Usable"),
        ];
        let mut text = pad(l("编制类型", "Type"), 20, e);
        for h in head {
            text.push_str(&rpad(h, 9));
        }
        lines.push(Line::styled(text, theme.dim()));
    }
    for (t, q) in &f.quota {
        let mut text = pad(t.label(lang), 20, e);
        for n in [q.approved, q.actual, q.reserved, q.vacant, q.over, q.usable] {
            text.push_str(&rpad(&n.to_string(), 9));
        }
        lines.push(Line::raw(text));
    }
    for (s, p) in &f.posts {
        lines.push(Line::raw(format!(
            "{} {}/{}",
            pad(&format!("{s}{}", l("职数", " posts")), 20, e),
            p.actual,
            p.approved
        )));
    }

    lines.push(section(theme, l("同意后", "If approved")));
    if item.effect.changes.is_empty() {
        lines.push(Line::styled(
            l("编制和职数不变", "No figure changes"),
            theme.dim(),
        ));
    }
    for c in &item.effect.changes {
        lines.push(Line::raw(format!("  {}", c.say(lang, theme.ascii))));
    }
    if !item.effect.warnings.is_empty() {
        lines.push(section(theme, l("提示", "Warnings")));
        let mark = if theme.ascii { "!" } else { "⚠" };
        for w in &item.effect.warnings {
            let style = if w.blocks_approval() {
                theme.error()
            } else {
                theme.warn()
            };
            lines.push(Line::styled(format!("{mark} {}", w.say(lang)), style));
        }
        if item.effect.blocks_approval() {
            lines.push(Line::styled(
                l(
                    "  同意将被服务器拒绝（超出编制或职数）",
                    "  the server will refuse an approval",
                ),
                theme.error(),
            ));
        }
    }
    lines
}

/// What the decision does, in one line, for the confirmation.
fn effect_text(d: &Dialog, item: &Item, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match d.decision {
        Decision::Approve if item.effect.changes.is_empty() => if zh {
            "同意后：编制和职数不变"
        } else {
            "If approved: no figure changes"
        }
        .into(),
        Decision::Approve => format!(
            "{}{}",
            if zh { "同意后：" } else { "If approved: " },
            item.effect
                .changes
                .iter()
                .map(|c| c.say(lang, false))
                .collect::<Vec<_>>()
                .join(if zh { "；" } else { "; " })
        ),
        Decision::Return => if zh {
            "退回：申请回到报送单位补正，编制不变"
        } else {
            "Return: the request goes back to the unit; no figure changes"
        }
        .into(),
        Decision::Reject => if zh {
            "不同意：申请办结，编制不变"
        } else {
            "Reject: the request is closed; no figure changes"
        }
        .into(),
    }
}

/// Asks before a queued decision is taken back.
/// A dialog `w` columns wide, centred in `body`, as tall as its wrapped lines (wrapped
/// lines may take more rows than there are lines) and the border.
fn dialog_area(body: Rect, w: u16, lines: &[Line]) -> Rect {
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let rows: u16 = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w) as u16)
        .sum();
    let h = (rows + 2).min(body.height);
    Rect {
        x: body.x + (body.width - w) / 2,
        y: body.y + body.height.saturating_sub(h) / 2,
        width: w,
        height: h,
    }
}

fn render_withdraw(f: &mut Frame, body: Rect, theme: &Theme, item: &Item) {
    use super::i18n::M;
    let lang = theme.lang;
    let w = body.width.min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let e = theme.ellipsis();
    let decision = match &item.standing {
        Standing::Queued(d) => match lang {
            Lang::Zh => format!("待上传的决定：{}", d.zh()),
            Lang::En => format!("Queued decision: {}", d.en()),
        },
        _ => String::new(),
    };
    let lines = vec![
        Line::raw(fit(
            &format!(
                "{} · {} · {}",
                item.request.kind.label(lang),
                item.unit,
                super::i18n::asked(item, lang)
            ),
            inner_w,
            e,
        )),
        Line::styled(decision, theme.header()),
        Line::styled(M::WithdrawHint.get(lang), theme.warn()),
    ];
    let r = dialog_area(body, w, &lines);
    widgets::clear(f, r);
    let title = match lang {
        Lang::Zh => format!(" {}：申请 {} ", M::WithdrawTitle.get(lang), item.request.id),
        Lang::En => format!(
            " {}: request {} ",
            M::WithdrawTitle.get(lang),
            item.request.id
        ),
    };
    let block = widgets::block(theme, title, true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn render_dialog(f: &mut Frame, body: Rect, theme: &Theme, d: &Dialog, item: &Item) {
    let lang = theme.lang;
    let zh = lang == Lang::Zh;
    let w = body.width.min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let e = theme.ellipsis();
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::raw(fit(
        &format!(
            "{} · {} · {}",
            item.request.kind.label(lang),
            item.unit,
            super::i18n::asked(item, lang)
        ),
        inner_w,
        e,
    )));
    lines.push(Line::styled(effect_text(d, item, lang), theme.header()));
    if d.decision == Decision::Approve {
        let mark = if theme.ascii { "!" } else { "⚠" };
        for wng in &item.effect.warnings {
            let style = if wng.blocks_approval() {
                theme.error()
            } else {
                theme.warn()
            };
            lines.push(Line::styled(format!("{mark} {}", wng.say(lang)), style));
        }
    }
    let label = if zh { "审批意见：" } else { "Comment: " };
    let room = inner_w.saturating_sub(label.width() + 1);
    let shown = fit_end(&d.comment, room);
    let comment_row = lines.len();
    lines.push(Line::from(vec![
        Span::styled(label, theme.key()),
        Span::raw(shown.clone()),
    ]));
    if d.empty {
        lines.push(Line::styled(
            if zh {
                "请填写审批意见"
            } else {
                "A comment is required"
            },
            theme.error(),
        ));
    }
    let hint = match (d.confirming, zh) {
        (false, true) => "Enter 下一步 · Esc 取消",
        (false, false) => "Enter next · Esc cancel",
        (true, true) => "再按 Enter 确认，放入待上传（下次同步发送） · Esc 取消",
        (true, false) => "Enter again to queue it (sent on the next sync) · Esc cancel",
    };
    lines.push(Line::styled(
        hint,
        if d.confirming {
            theme.warn()
        } else {
            theme.dim()
        },
    ));
    let r = dialog_area(body, w, &lines);
    widgets::clear(f, r);
    let title = match (d.decision, d.confirming, zh) {
        (dec, true, true) => format!(" 确认：{} 申请 {} ", dec.zh(), d.id),
        (dec, false, true) => format!(" {} 申请 {} ", dec.zh(), d.id),
        (dec, true, false) => format!(" Confirm: {} request {} ", dec.en(), d.id),
        (dec, false, false) => format!(" {} request {} ", dec.en(), d.id),
    };
    let block = widgets::block(theme, title, true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let wrap_rows: u16 = lines[..comment_row]
        .iter()
        .map(|l| (l.width().max(1)).div_ceil(inner_w.max(1)) as u16)
        .sum();
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if !d.confirming {
        // The terminal cursor at the end of the comment, where an input method composes.
        let x = inner.x + (label.width() + shown.width()) as u16;
        let y = inner.y + wrap_rows;
        if x < inner.x + inner.width && y < inner.y + inner.height {
            f.set_cursor_position((x, y));
        }
    }
}

/// The inbox: the list, a request opened from it, the decision dialog.
impl Component for InboxView {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        InboxView::handle(self, cmd, height, self.lang)
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        InboxView::render(self, f, area, theme, true);
    }

    fn commands(&self) -> Vec<Cmd> {
        if self.typing() {
            return vec![Cmd::Open, Cmd::Close, Cmd::DeleteChar, Cmd::ClearInput];
        }
        [
            &[
                Cmd::Open,
                Cmd::Approve,
                Cmd::ReturnRequest,
                Cmd::Reject,
                Cmd::Withdraw,
                Cmd::Sort,
                Cmd::FilterKind,
            ],
            LIST_MOVES,
        ]
        .concat()
    }
}
