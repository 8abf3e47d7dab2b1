//! Forms over a person (issue 15): 信息变更 (one row per field) and 减员 (kind, date,
//! 文号). Text is edited with `tui-input`; widths are display columns, and the terminal
//! cursor is put at the caret every frame so an input method's candidate window opens
//! there. A choice field opens a pick list filtered as the clerk types, by the term, its
//! pinyin or its pinyin initials (the search module's keys). Each value is checked as
//! typed with the model's rules; saving builds the same intent `bianzhi person edit`
//! queues and hands it to the executor, which checks it with the server's rules.

use super::action::{Action, Effect, QueuedEdit};
use super::i18n::{self, M};
use super::theme::Theme;
use super::widgets::{self, fit, pad};
use crate::model::edit::{
    self, Edit, FieldChange, FieldError, FieldKind, Intent, PersonField, Target, normalize_date,
};
use crate::model::refusal::Refusal;
use crate::model::{ExitKind, Lang, Person, mask_birth, mask_id};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a row of a form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Field(PersonField),
    /// 文号: shown on an edit once a key field changed; always on an exit.
    Doc,
    ExitKind,
    ExitDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// 信息变更
    Edit,
    /// 减员
    Exit,
}

pub struct Row {
    pub slot: Slot,
    /// The value the clerk saw (the form they started from).
    pub original: String,
    pub input: Input,
    /// Why the server's rules refused the value last saved (until it is edited).
    pub refusal: Option<Refusal>,
    /// The ID number and birth date stay masked unless revealed on the person screen
    /// (an audited act); masked, they cannot be edited here.
    pub locked: bool,
}

pub struct FormView {
    pub kind: FormKind,
    pub person: Person,
    /// Keys of the person's fields waiting to be sent (待上传).
    pub pending: Vec<String>,
    pub rows: Vec<Row>,
    pub focus: usize,
    /// The pick list of the focused choice field, open: the highlighted term's place in
    /// the filtered list.
    pub pick: Option<usize>,
    /// Esc with changes: asks y/n before discarding.
    pub confirm_discard: bool,
    /// Refusals that name no row of the form.
    pub general: Option<String>,
    /// Set when the form is done (discarded); the state pops it.
    pub closed: bool,
}

/// Label column width in display cells.
const LABEL: usize = 16;
/// Value column width in display cells.
const VALUE: usize = 28;
/// Terms shown at once in a pick list.
const PICK_ROWS: usize = 8;

impl FormView {
    /// Puts the focus on the field with this key, if the form has it.
    pub fn focus_field(&mut self, key: &str) {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| matches!(r.slot, Slot::Field(f) if f.key() == key))
        {
            self.focus = i;
        }
    }

    /// The 信息变更 form: every field with the person's value.
    pub fn edit(person: Person, pending: Vec<String>, revealed: bool) -> FormView {
        let mut rows: Vec<Row> = PersonField::ALL
            .iter()
            .map(|&f| {
                let v = f.get(&person);
                let locked =
                    !revealed && matches!(f, PersonField::IdNumber | PersonField::BirthDate);
                row(Slot::Field(f), v, locked)
            })
            .collect();
        rows.push(row(Slot::Doc, String::new(), false));
        FormView::new(FormKind::Edit, person, pending, rows)
    }

    /// The 减员 form: kind, date (today to start with), 文号.
    pub fn exit(person: Person, today: chrono::NaiveDate) -> FormView {
        let mut date = row(Slot::ExitDate, String::new(), false);
        date.input = Input::new(today.to_string());
        let rows = vec![
            row(Slot::ExitKind, String::new(), false),
            date,
            row(Slot::Doc, String::new(), false),
        ];
        FormView::new(FormKind::Exit, person, Vec::new(), rows)
    }

    fn new(kind: FormKind, person: Person, pending: Vec<String>, rows: Vec<Row>) -> FormView {
        FormView {
            kind,
            person,
            pending,
            rows,
            focus: 0,
            pick: None,
            confirm_discard: false,
            general: None,
            closed: false,
        }
    }

    /// The person's fields changed on the form, as the intent carries them.
    pub fn changes(&self) -> Vec<FieldChange> {
        self.rows
            .iter()
            .filter_map(|r| match r.slot {
                Slot::Field(f) if !r.locked => {
                    let to = f.normalize(r.input.value()).ok()?;
                    (to != r.original).then(|| FieldChange {
                        field: f.key().into(),
                        from: r.original.clone(),
                        to,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The 文号 row is shown: always on an exit, on an edit once a key field changed
    /// (or the server asked for it).
    fn doc_shown(&self) -> bool {
        match self.kind {
            FormKind::Exit => true,
            FormKind::Edit => {
                let doc = self.rows.iter().find(|r| r.slot == Slot::Doc);
                doc.is_some_and(|d| d.refusal.is_some() || !d.input.value().is_empty())
                    || Edit::PersonEdit {
                        person: Target::Id(self.person.id),
                        changes: self.changes(),
                    }
                    .needs_doc()
            }
        }
    }

    /// Indices of the rows on screen, in order.
    pub fn visible(&self) -> Vec<usize> {
        let doc = self.doc_shown();
        (0..self.rows.len())
            .filter(|&i| self.rows[i].slot != Slot::Doc || doc)
            .collect()
    }

    /// Anything typed that differs from where the form started.
    pub fn dirty(&self) -> bool {
        match self.kind {
            FormKind::Edit => {
                !self.changes().is_empty()
                    || self
                        .rows
                        .iter()
                        .any(|r| r.slot == Slot::Doc && !r.input.value().trim().is_empty())
            }
            FormKind::Exit => self
                .rows
                .iter()
                .any(|r| r.slot != Slot::ExitDate && !r.input.value().trim().is_empty()),
        }
    }

    /// What is wrong with a row's value as typed, by the model's rules (or the server's
    /// last refusal of it).
    pub fn problem(&self, i: usize) -> Option<Refusal> {
        let r = &self.rows[i];
        if let Some(why) = &r.refusal {
            return Some(why.clone());
        }
        if r.locked {
            return None;
        }
        let text = r.input.value();
        match r.slot {
            Slot::Field(f) => match f.normalize(text) {
                Err(e) => Some(e),
                Ok(v) if v.is_empty() && f.required() => Some(Refusal::Required),
                Ok(_) => None,
            },
            Slot::ExitKind => match ExitKind::parse(text.trim()) {
                Some(_) => None,
                None => Some(Refusal::NotAnExitKind {
                    given: text.trim().into(),
                    choices: exit_terms(),
                }),
            },
            Slot::ExitDate => normalize_date(text.trim()).err(),
            Slot::Doc => None,
        }
    }

    fn focused(&self) -> &Row {
        &self.rows[self.focus]
    }

    /// The terms of the focused choice field that match what is typed.
    pub fn matches(&self) -> Vec<String> {
        let r = self.focused();
        let all = choices(r.slot);
        let q = r.input.value().trim().to_lowercase();
        if q.is_empty() || all.iter().any(|c| c.to_lowercase() == q) {
            return all;
        }
        all.into_iter()
            .filter(|term| {
                let keys = crate::search::unit_keys(term);
                term.to_lowercase().contains(&q)
                    || keys.initials().to_lowercase().starts_with(&q)
                    || keys.full_pinyin().to_lowercase().starts_with(&q)
                    || english(r.slot, term).is_some_and(|e| e.to_lowercase().starts_with(&q))
            })
            .collect()
    }

    fn is_choice(&self) -> bool {
        !choices(self.focused().slot).is_empty()
    }

    fn move_focus(&mut self, down: bool) {
        let vis = self.visible();
        let at = vis.iter().position(|&i| i == self.focus).unwrap_or(0);
        let next = if down {
            (at + 1) % vis.len()
        } else {
            (at + vis.len() - 1) % vis.len()
        };
        self.focus = vis[next];
        self.pick = None;
    }

    /// Takes the highlighted term of the open pick list into the field.
    fn take_pick(&mut self) {
        if let Some(p) = self.pick.take()
            && let Some(term) = self.matches().get(p).cloned()
        {
            let r = &mut self.rows[self.focus];
            r.input = Input::new(term);
            r.refusal = None;
        }
    }

    /// Text typed or pasted into the focused field (control characters never enter).
    pub fn type_text(&mut self, text: &str) {
        if self.confirm_discard {
            return;
        }
        let choice = self.is_choice();
        let r = &mut self.rows[self.focus];
        if r.locked {
            return;
        }
        for c in text.chars() {
            let c = if c == '\n' || c == '\t' { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            r.input.handle(tui_input::InputRequest::InsertChar(c));
        }
        r.refusal = None;
        if choice {
            self.pick = Some(0);
        }
    }

    /// A key pressed while the form is in front.
    pub fn on_key(&mut self, ev: KeyEvent, lang: Lang) -> Option<Action> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if self.confirm_discard {
            match ev.code {
                KeyCode::Char('y' | 'Y') if !ctrl => self.closed = true,
                KeyCode::Char('n' | 'N') | KeyCode::Esc => self.confirm_discard = false,
                _ => {}
            }
            return None;
        }
        // Ctrl-c leaves a form as Esc does (asking first when something was typed); it
        // never quits the program over unsaved changes.
        let code = match ev.code {
            KeyCode::Char('c') if ctrl => KeyCode::Esc,
            other => other,
        };
        match code {
            KeyCode::Esc if self.pick.is_some() => self.pick = None,
            KeyCode::Esc if self.dirty() => self.confirm_discard = true,
            KeyCode::Esc => self.closed = true,
            KeyCode::Tab => {
                if self.pick.is_some() && !self.matches().is_empty() {
                    self.take_pick();
                }
                self.move_focus(true);
            }
            KeyCode::BackTab => self.move_focus(false),
            KeyCode::Down if self.pick.is_some() => {
                let n = self.matches().len();
                self.pick = self.pick.map(|p| if p + 1 < n { p + 1 } else { p });
            }
            KeyCode::Up if self.pick.is_some() => {
                self.pick = self.pick.map(|p| p.saturating_sub(1));
            }
            KeyCode::Down => self.move_focus(true),
            KeyCode::Up => self.move_focus(false),
            KeyCode::Enter if self.pick.is_some() => self.take_pick(),
            KeyCode::Char('s') if ctrl => return self.save(lang),
            KeyCode::Enter => return self.save(lang),
            // F4 opens the whole list of a choice field.
            KeyCode::F(4) if self.is_choice() && !self.focused().locked => self.pick = Some(0),
            _ => {
                let choice = self.is_choice();
                let r = &mut self.rows[self.focus];
                if r.locked {
                    return None;
                }
                let req = to_input_request(&Event::Key(ev))?;
                let changed = r.input.handle(req).is_some_and(|c| c.value);
                if changed {
                    r.refusal = None;
                    if choice {
                        self.pick = Some(0);
                    }
                }
            }
        }
        None
    }

    /// Builds the intent when every value passes; otherwise goes to the first problem.
    fn save(&mut self, lang: Lang) -> Option<Action> {
        let vis = self.visible();
        if let Some(&bad) = vis.iter().find(|&&i| self.problem(i).is_some()) {
            self.focus = bad;
            self.pick = None;
            return Some(Action::Error(M::FormFix.get(lang).to_string()));
        }
        let doc = self
            .rows
            .iter()
            .find(|r| r.slot == Slot::Doc)
            .map(|r| r.input.value().trim().to_string())
            .filter(|d| !d.is_empty());
        let person = Target::Id(self.person.id);
        let (edit, fields) = match self.kind {
            FormKind::Edit => {
                let changes = self.changes();
                if changes.is_empty() {
                    return Some(Action::Note(M::FormNoChange.get(lang).to_string()));
                }
                let n = changes.len();
                (Edit::PersonEdit { person, changes }, n)
            }
            FormKind::Exit => {
                let value = |s: Slot| {
                    self.rows
                        .iter()
                        .find(|r| r.slot == s)
                        .map(|r| r.input.value().trim().to_string())
                        .unwrap_or_default()
                };
                let kind = ExitKind::parse(&value(Slot::ExitKind))?;
                let date = normalize_date(&value(Slot::ExitDate)).ok()?.parse().ok()?;
                (Edit::PersonExit { person, kind, date }, 1)
            }
        };
        self.general = None;
        Some(Action::Effect(Effect::QueueEdit(QueuedEdit {
            person: self.person.id,
            intent: Box::new(Intent {
                edit,
                doc_no: doc,
                base: 0,
            }),
            fields,
        })))
    }

    /// The server's rules refused the edit: each refusal goes beside its field.
    pub fn refused(&mut self, errors: Vec<FieldError>, lang: Lang) {
        let mut general = Vec::new();
        let mut first = None;
        for e in errors {
            let at = self.rows.iter().position(|r| match r.slot {
                Slot::Field(f) => f.key() == e.field,
                Slot::Doc => e.field == "doc_no",
                Slot::ExitKind => e.field == "kind" || e.field == "exit_kind",
                Slot::ExitDate => e.field == "date" || e.field == "exit_date",
            });
            match at {
                Some(i) => {
                    self.rows[i].refusal = Some(e.why);
                    first.get_or_insert(i);
                }
                None => general.push(e),
            }
        }
        self.general = (!general.is_empty()).then(|| edit::say_errors(&general, lang));
        if let Some(i) = first {
            self.focus = i;
        }
        self.pick = None;
    }

    /// 修改人员信息 / 减员登记
    pub fn what(&self, lang: Lang) -> &'static str {
        match self.kind {
            FormKind::Edit => M::FormEditTitle.get(lang),
            FormKind::Exit => M::FormExitTitle.get(lang),
        }
    }

    pub fn title(&self, lang: Lang) -> String {
        format!(" {} · {} ", self.what(lang), self.person.name)
    }

    fn label(&self, slot: Slot, lang: Lang) -> String {
        match slot {
            Slot::Field(f) => f.label(lang).to_string(),
            Slot::Doc => M::FormDoc.get(lang).to_string(),
            Slot::ExitKind => M::FormExitKind.get(lang).to_string(),
            Slot::ExitDate => M::FormExitDate.get(lang).to_string(),
        }
    }

    /// The hint line: the discard question, or the keys.
    pub fn hint(&self, lang: Lang) -> String {
        if self.confirm_discard {
            M::FormDiscard.get(lang).to_string()
        } else if self.pick.is_some() {
            M::FormPickHint.get(lang).to_string()
        } else {
            M::FormHint.get(lang).to_string()
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let lang = theme.lang;
        let block = widgets::block(theme, self.title(lang), true);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if inner.height < 2 || inner.width < 20 {
            return;
        }
        // First line: the discard question or a refusal naming no field.
        let head = if self.confirm_discard {
            Line::styled(format!(" {}", M::FormDiscard.get(lang)), theme.warn())
        } else if let Some(g) = &self.general {
            Line::styled(
                fit(&format!(" {g}"), inner.width as usize, "…"),
                theme.error(),
            )
        } else {
            Line::styled(format!(" {}", M::FormHead.get(lang)), theme.dim())
        };
        f.render_widget(Paragraph::new(head), Rect { height: 1, ..inner });
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let vis = self.visible();
        let at = vis.iter().position(|&i| i == self.focus).unwrap_or(0);
        let h = list.height as usize;
        let offset = at.saturating_sub(h.saturating_sub(1));
        let value_w = VALUE.min((list.width as usize).saturating_sub(LABEL + 3));
        let msg_w = (list.width as usize).saturating_sub(LABEL + 3 + value_w + 1);
        let mut caret = None;
        for (line, &i) in vis.iter().enumerate().skip(offset).take(h) {
            let r = &self.rows[i];
            let y = list.y + (line - offset) as u16;
            let focused = i == self.focus;
            let marker = if focused { "›" } else { " " };
            let label = pad(&self.label(r.slot, lang), LABEL, "…");
            let (shown, scroll) = if r.locked {
                let masked = match r.slot {
                    Slot::Field(PersonField::IdNumber) => mask_id(r.input.value()),
                    _ => mask_birth(self.person.birth_date),
                };
                (masked, 0)
            } else {
                let scroll = r.input.visual_scroll(value_w.saturating_sub(1));
                (skip_cols(r.input.value(), scroll), scroll)
            };
            let value = pad(&fit(&shown, value_w, ""), value_w, "");
            let value_style = if focused {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            // While the pick list filters, the half-typed term is not yet a mistake.
            let picking = focused && self.pick.is_some();
            let (note, note_style) = match self.problem(i) {
                Some(_) if picking => (M::FormPicking.get(lang).to_string(), theme.dim()),
                Some(why) => (format!("✗ {}", why.say(lang)), theme.error()),
                None if r.locked => (M::FormRevealFirst.get(lang).to_string(), theme.dim()),
                None => match r.slot {
                    Slot::Field(fl) => {
                        let now = fl.normalize(r.input.value()).unwrap_or_default();
                        if now != r.original {
                            if now != r.input.value().trim() {
                                (format!("→ {now}"), theme.ok())
                            } else {
                                (M::FormChanged.get(lang).to_string(), theme.ok())
                            }
                        } else if self.pending.iter().any(|k| k == fl.key()) {
                            (M::PendingMark.get(lang).to_string(), theme.warn())
                        } else if fl.locked() {
                            (M::FormKeyField.get(lang).to_string(), theme.dim())
                        } else {
                            (String::new(), theme.dim())
                        }
                    }
                    Slot::Doc => (M::FormDocWhy.get(lang).to_string(), theme.dim()),
                    _ => (String::new(), theme.dim()),
                },
            };
            let spans = vec![
                Span::styled(marker, theme.key()),
                Span::styled(label, theme.dim()),
                Span::raw(" "),
                Span::styled(value, value_style),
                Span::raw(" "),
                Span::styled(fit(&note, msg_w, "…"), note_style),
            ];
            f.render_widget(
                Paragraph::new(Line::from(spans)),
                Rect {
                    y,
                    height: 1,
                    ..list
                },
            );
            if focused && !r.locked && !self.confirm_discard {
                let col = (r.input.visual_cursor() - scroll).min(value_w);
                caret = Some((list.x + (1 + LABEL + 1 + col) as u16, y));
            }
        }
        if let Some(p) = self.pick
            && let Some((_, y)) = caret
        {
            self.render_pick(f, area, p, y, theme);
        }
        if let Some(pos) = caret {
            f.set_cursor_position(pos);
        }
    }

    /// The pick list under (or over) the focused field.
    fn render_pick(&self, f: &mut Frame, area: Rect, p: usize, y: u16, theme: &Theme) {
        let terms = self.matches();
        let n = terms.len().clamp(1, PICK_ROWS);
        let height = n as u16 + 2;
        let width = terms
            .iter()
            .map(|t| t.width())
            .max()
            .unwrap_or(0)
            .max(M::NoResults.get(theme.lang).width())
            .clamp(8, VALUE) as u16
            + 2;
        let x = area.x + 1 + 1 + LABEL as u16 + 1;
        // Inside the form's border: under the field, else over it.
        let below = y + 1;
        let top = if below + height < area.bottom() {
            below
        } else {
            y.saturating_sub(height).max(area.y + 1)
        };
        let r = Rect {
            x,
            y: top,
            width: width.min(area.right().saturating_sub(x)),
            height: height.min(area.height),
        };
        widgets::clear(f, r);
        let block = widgets::block(theme, "", true);
        if terms.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(M::NoResults.get(theme.lang), theme.dim()))
                    .block(block),
                r,
            );
            return;
        }
        let start = p.saturating_sub(PICK_ROWS - 1);
        let items: Vec<ListItem> = terms
            .iter()
            .enumerate()
            .skip(start)
            .take(PICK_ROWS)
            .map(|(k, t)| {
                let style = if k == p {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                };
                ListItem::new(Line::styled(t.clone(), style))
            })
            .collect();
        f.render_widget(List::new(items).block(block), r);
    }
}

fn row(slot: Slot, value: String, locked: bool) -> Row {
    Row {
        slot,
        input: Input::new(value.clone()),
        original: value,
        refusal: None,
        locked,
    }
}

fn exit_terms() -> Vec<String> {
    ExitKind::ALL.iter().map(|k| k.zh().to_string()).collect()
}

/// The terms a slot takes from a list (empty for free text).
fn choices(slot: Slot) -> Vec<String> {
    match slot {
        Slot::Field(f) if f.kind() == FieldKind::Choice => f.choices(),
        Slot::ExitKind => exit_terms(),
        _ => Vec::new(),
    }
}

/// The English word of a term, so `retire` finds 退休 in an English interface.
fn english(slot: Slot, term: &str) -> Option<&'static str> {
    match slot {
        Slot::ExitKind => ExitKind::parse(term).map(ExitKind::en),
        _ => None,
    }
}

/// The text from display column `cols` on (a wide character cut in two is dropped).
fn skip_cols(s: &str, cols: usize) -> String {
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        if w >= cols {
            out.push(c);
        }
        w += c.width().unwrap_or(0);
    }
    out
}

/// The note after an edit is queued.
pub fn queued_note(lang: Lang, kind: FormKind, n: usize) -> String {
    match kind {
        FormKind::Edit => i18n::edit_queued(lang, n),
        FormKind::Exit => M::ExitQueued.get(lang).to_string(),
    }
}
