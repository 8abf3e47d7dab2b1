//! Forms of data maintenance (issue 15): over a person 信息变更 (one row per field), 减员
//! (kind, date, 文号), 调动 and 恢复; over a unit 增员登记, 机构信息变更, 隶属调整, 撤销,
//! 增设内设机构, 编制台账 and 领导职数 entries. Text is edited with `tui-input`; widths are display columns, and the terminal
//! cursor is put at the caret every frame so an input method's candidate window opens
//! there. A choice field opens a pick list filtered as the clerk types, by the term, its
//! pinyin or its pinyin initials (the search module's keys). Each value is checked as
//! typed with the model's rules; saving builds the same intent `bianzhi person edit`
//! queues and hands it to the executor, which checks it with the server's rules.

use super::action::UnitName;
use super::action::{Action, Effect, QueuedEdit};
use super::component::Component;
use super::i18n::{self, M};
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{self, fit, pad};
use crate::model::edit::{
    Edit, FieldChange, FieldError, FieldKind, Intent, OrgField, PersonField, Target, normalize_date,
};
use crate::model::refusal::Refusal;
use crate::model::{
    ExitKind, FundingType, Lang, Org, OrgId, Person, StaffingType, mask_birth, mask_id,
};
use crate::search::SearchIndex;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};
use std::sync::Arc;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a row of a form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Field(PersonField),
    Org(OrgField),
    /// 文号: shown on an edit once a key field changed; always on the other forms.
    Doc,
    ExitKind,
    ExitDate,
    /// The unit a person is transferred to, or a unit moved under: picked with the
    /// lookup engine (the one `/` and the palette use).
    ToOrg,
    /// 内设机构名称 and its short name.
    DeptName,
    DeptShort,
    /// 编制类型 of a ledger entry.
    Staffing,
    /// 经费形式 of a ledger entry (may stay empty).
    Funding,
    /// 数量: a whole number, + adds, - takes away.
    Delta,
    /// The date of a ledger or posts entry.
    Date,
    /// 摘要
    Summary,
    /// 职数: a level and 正职/副职 (正科级正职).
    Post,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// 信息变更
    Edit,
    /// 减员
    Exit,
    /// 增员登记 into a unit
    Add,
    /// 调动
    Transfer,
    /// 恢复在编
    Restore,
    /// 机构信息变更
    OrgEdit,
    /// 隶属调整
    OrgMove,
    /// 撤销机构
    OrgAbolish,
    /// 增设内设机构
    AddDept,
    /// 编制台账登记
    Ledger,
    /// 领导职数登记
    Posts,
}

impl FormKind {
    /// The word in a form's key (drafts are kept under it).
    fn word(self) -> &'static str {
        match self {
            FormKind::Edit => "edit",
            FormKind::Exit => "exit",
            FormKind::Add => "add",
            FormKind::Transfer => "transfer",
            FormKind::Restore => "restore",
            FormKind::OrgEdit => "org_edit",
            FormKind::OrgMove => "org_move",
            FormKind::OrgAbolish => "org_abolish",
            FormKind::AddDept => "add_dept",
            FormKind::Ledger => "ledger",
            FormKind::Posts => "posts",
        }
    }
}

/// The record a form is over.
#[derive(Debug, Clone)]
pub enum Subject {
    Person(Person),
    Unit(Org),
}

pub struct Row {
    pub slot: Slot,
    /// The value the clerk saw (the form they started from).
    pub original: String,
    pub input: Input,
    /// Why the server's rules refused the value last saved (until it is edited).
    pub refusal: Option<String>,
    /// The ID number and birth date stay masked unless revealed on the person screen
    /// (an audited act); masked, they cannot be edited here.
    pub locked: bool,
}

/// The lookup's index and the units' names, to pick a unit by the same engine as `/`.
#[derive(Clone, Default)]
pub struct Units {
    pub index: Option<Arc<SearchIndex>>,
    pub names: Arc<Vec<UnitName>>,
}

pub struct FormView {
    pub kind: FormKind,
    pub subject: Subject,
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
    /// The unit picked for [`Slot::ToOrg`].
    pub to_org: Option<OrgId>,
    pub units: Units,
    /// A draft of this form left by a terminal that died: offered (y restores, n drops).
    pub draft: Option<Draft>,
    pub today: chrono::NaiveDate,
    /// The interface's language, for the form's own words (the model's are Chinese).
    pub lang: Lang,
    /// Saving was tried: an empty required row is then marked as a mistake.
    pub tried: bool,
}

/// A form's unsaved values, row by row, and the unit picked. Its Debug never shows
/// the values (an ID number may be among them).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub values: Vec<String>,
    #[serde(default)]
    pub to_org: Option<OrgId>,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Draft({} rows)", self.values.len())
    }
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

    /// The person the form is over (a blank one for a unit's form).
    pub fn person(&self) -> Option<&Person> {
        match &self.subject {
            Subject::Person(p) => Some(p),
            Subject::Unit(_) => None,
        }
    }

    /// The name of the record the form is over.
    pub fn name(&self) -> &str {
        match &self.subject {
            Subject::Person(p) => &p.name,
            Subject::Unit(o) => &o.name,
        }
    }

    /// The form and its record, e.g. `edit:P12`: the same form on the same record has
    /// the same key (its draft is kept under it).
    pub fn key(&self) -> String {
        let record = match &self.subject {
            Subject::Person(p) => format!("P{}", p.id),
            Subject::Unit(o) => format!("U{}", o.id),
        };
        format!("{}:{record}", self.kind.word())
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
        FormView::new(FormKind::Edit, Subject::Person(person), pending, rows)
    }

    /// The 减员 form: kind, date (today to start with), 文号.
    pub fn exit(person: Person, today: chrono::NaiveDate) -> FormView {
        let rows = vec![
            row(Slot::ExitKind, String::new(), false),
            filled(Slot::ExitDate, today.to_string()),
            row(Slot::Doc, String::new(), false),
        ];
        let mut f = FormView::new(FormKind::Exit, Subject::Person(person), Vec::new(), rows);
        f.today = today;
        f
    }

    /// 增员登记: every field of a new person (入编文号 is the form's 文号), in the unit.
    pub fn add(unit: Org, today: chrono::NaiveDate) -> FormView {
        let mut rows: Vec<Row> = PersonField::ALL
            .iter()
            .filter(|&&f| f != PersonField::EntryDoc)
            .map(|&f| match f {
                PersonField::EntryDate => filled(Slot::Field(f), today.to_string()),
                _ => row(Slot::Field(f), String::new(), false),
            })
            .collect();
        rows.push(row(Slot::Doc, String::new(), false));
        let mut f = FormView::new(FormKind::Add, Subject::Unit(unit), Vec::new(), rows);
        f.today = today;
        f
    }

    /// 调动: the unit to go to, picked with the lookup, and the 文号.
    pub fn transfer(person: Person, units: Units) -> FormView {
        FormView::to_unit(FormKind::Transfer, Subject::Person(person), units)
    }

    /// A unit to pick and the 文号: 调动, 隶属调整.
    fn to_unit(kind: FormKind, subject: Subject, units: Units) -> FormView {
        let rows = vec![
            row(Slot::ToOrg, String::new(), false),
            row(Slot::Doc, String::new(), false),
        ];
        let mut f = FormView::new(kind, subject, Vec::new(), rows);
        f.units = units;
        f
    }

    /// 恢复在编: the 文号, and Enter confirms.
    pub fn restore(person: Person) -> FormView {
        let rows = vec![row(Slot::Doc, String::new(), false)];
        FormView::new(FormKind::Restore, Subject::Person(person), Vec::new(), rows)
    }

    /// 机构信息变更: every field of the unit with its value.
    pub fn org_edit(unit: Org) -> FormView {
        let mut rows: Vec<Row> = OrgField::ALL
            .iter()
            .map(|&f| row(Slot::Org(f), f.get(&unit), false))
            .collect();
        rows.push(row(Slot::Doc, String::new(), false));
        FormView::new(FormKind::OrgEdit, Subject::Unit(unit), Vec::new(), rows)
    }

    /// 隶属调整: the new parent, picked with the lookup, and the 文号.
    pub fn org_move(unit: Org, units: Units) -> FormView {
        FormView::to_unit(FormKind::OrgMove, Subject::Unit(unit), units)
    }

    /// 撤销机构: the 文号, and Enter confirms.
    pub fn org_abolish(unit: Org) -> FormView {
        let rows = vec![row(Slot::Doc, String::new(), false)];
        FormView::new(FormKind::OrgAbolish, Subject::Unit(unit), Vec::new(), rows)
    }

    /// 增设内设机构: its name, short name and the 文号.
    pub fn add_dept(unit: Org) -> FormView {
        let rows = vec![
            row(Slot::DeptName, String::new(), false),
            row(Slot::DeptShort, String::new(), false),
            row(Slot::Doc, String::new(), false),
        ];
        FormView::new(FormKind::AddDept, Subject::Unit(unit), Vec::new(), rows)
    }

    /// 编制台账登记: type, funding, amount ±, date, 文号, 摘要.
    pub fn ledger(unit: Org, today: chrono::NaiveDate) -> FormView {
        let rows = vec![
            row(Slot::Staffing, String::new(), false),
            row(Slot::Funding, String::new(), false),
            row(Slot::Delta, String::new(), false),
            filled(Slot::Date, today.to_string()),
            row(Slot::Doc, String::new(), false),
            row(Slot::Summary, String::new(), false),
        ];
        let mut f = FormView::new(FormKind::Ledger, Subject::Unit(unit), Vec::new(), rows);
        f.today = today;
        f
    }

    /// 领导职数登记: level and 正职/副职, amount ±, date, 文号, 摘要.
    pub fn posts(unit: Org, today: chrono::NaiveDate) -> FormView {
        let mut f = FormView::ledger(unit, today);
        f.kind = FormKind::Posts;
        f.rows.retain(|r| r.slot != Slot::Funding);
        f.rows[0] = row(Slot::Post, String::new(), false);
        f
    }

    fn new(kind: FormKind, subject: Subject, pending: Vec<String>, rows: Vec<Row>) -> FormView {
        FormView {
            kind,
            subject,
            pending,
            rows,
            focus: 0,
            pick: None,
            confirm_discard: false,
            general: None,
            closed: false,
            to_org: None,
            units: Units::default(),
            draft: None,
            today: chrono::Local::now().date_naive(),
            lang: Lang::Zh,
            tried: false,
        }
    }

    /// Sets the form's language: a choice row not yet typed into shows its value as
    /// the interface says it (男 as `male` in English). The row's original stays the
    /// value's one written form, which is what a change is compared with and sent.
    pub fn set_lang(&mut self, lang: Lang) {
        for r in &mut self.rows {
            if r.input.value() == in_lang(r.slot, &r.original, self.lang) {
                r.input = Input::new(in_lang(r.slot, &r.original, lang));
            }
        }
        self.lang = lang;
    }

    /// The row shows the value it started with.
    fn untouched(&self, r: &Row) -> bool {
        r.input.value().trim() == in_lang(r.slot, r.original.trim(), self.lang)
    }

    /// The values typed, row by row (what a draft keeps).
    pub fn values(&self) -> Draft {
        Draft {
            values: self
                .rows
                .iter()
                .map(|r| r.input.value().to_string())
                .collect(),
            to_org: self.to_org,
        }
    }

    /// A draft of this form was found: offered unless something was typed already.
    pub fn offer_draft(&mut self, draft: Draft) {
        if draft.values.len() == self.rows.len() && draft != self.values() && !self.dirty() {
            self.draft = Some(draft);
        }
    }

    fn restore_draft(&mut self) {
        if let Some(d) = self.draft.take() {
            for (r, v) in self.rows.iter_mut().zip(d.values) {
                if !r.locked {
                    r.input = Input::new(v);
                }
            }
            self.to_org = d.to_org;
        }
    }

    /// The person's fields changed on the form, as the intent carries them.
    pub fn changes(&self) -> Vec<FieldChange> {
        self.rows
            .iter()
            .filter_map(|r| {
                let (key, to) = match r.slot {
                    Slot::Field(f) if !r.locked => (f.key(), f.normalize(r.input.value()).ok()?),
                    Slot::Org(f) => (f.key(), f.normalize(r.input.value()).ok()?),
                    _ => return None,
                };
                (to != r.original).then(|| FieldChange {
                    field: key.into(),
                    from: r.original.clone(),
                    to,
                })
            })
            .collect()
    }

    /// The 文号 row is shown: on an edit once a key field changed (or the server asked
    /// for it); on a unit's details when typed into or asked for; always elsewhere.
    fn doc_shown(&self) -> bool {
        let doc = self.rows.iter().find(|r| r.slot == Slot::Doc);
        let asked = doc.is_some_and(|d| d.refusal.is_some() || !d.input.value().is_empty());
        match (self.kind, &self.subject) {
            (FormKind::Edit, Subject::Person(p)) => {
                asked
                    || Edit::PersonEdit {
                        person: Target::Id(p.id),
                        changes: self.changes(),
                    }
                    .needs_doc()
            }
            _ => true,
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
            FormKind::Edit | FormKind::OrgEdit => {
                !self.changes().is_empty()
                    || self
                        .rows
                        .iter()
                        .any(|r| r.slot == Slot::Doc && !r.input.value().trim().is_empty())
            }
            _ => self.rows.iter().any(|r| !self.untouched(r)),
        }
    }

    /// The unit of [`Slot::ToOrg`]: the one picked, or the one whose full name was typed.
    pub fn target_unit(&self) -> Option<OrgId> {
        if self.to_org.is_some() {
            return self.to_org;
        }
        let r = self.rows.iter().find(|r| r.slot == Slot::ToOrg)?;
        let t = r.input.value().trim();
        let mut named = self.units.names.iter().filter(|u| u.1 == t);
        match (named.next(), named.next()) {
            (Some(u), None) => Some(u.0),
            _ => None,
        }
    }

    /// The unit the form is over, or the person's unit.
    fn own_unit(&self) -> OrgId {
        match &self.subject {
            Subject::Person(p) => p.org_id,
            Subject::Unit(o) => o.id,
        }
    }

    /// Errors of the new person as a whole (the ID number against birth date and sex,
    /// dates in order), by the model's rules, once every value passes alone.
    fn record_errors(&self) -> Vec<FieldError> {
        if self.kind != FormKind::Add {
            return Vec::new();
        }
        let values = self.person_values();
        if values
            .iter()
            .any(|(f, v)| f.normalize(v).is_err() || (v.is_empty() && f.required()))
        {
            return Vec::new();
        }
        crate::model::edit::new_person(0, self.own_unit(), &values, self.today).1
    }

    /// The values of a new person, each in its written form (empty ones left out,
    /// except that a required one stays to be refused).
    fn person_values(&self) -> Vec<(PersonField, String)> {
        self.rows
            .iter()
            .filter_map(|r| match r.slot {
                Slot::Field(f) => {
                    let v = f
                        .normalize(r.input.value())
                        .unwrap_or_else(|_| r.input.value().to_string());
                    (!v.is_empty() || self.required(r.slot)).then_some((f, v))
                }
                _ => None,
            })
            .collect()
    }

    /// A row that may not stay empty.
    fn required(&self, slot: Slot) -> bool {
        match slot {
            // A new person's sex and birth date are read from the ID number.
            Slot::Field(PersonField::Sex | PersonField::BirthDate) => self.kind != FormKind::Add,
            Slot::Field(f) => f.required(),
            Slot::Org(f) => f == OrgField::Name,
            Slot::Doc => match (self.kind, &self.subject) {
                (FormKind::OrgEdit, _) => false,
                (FormKind::Edit, Subject::Person(p)) => Edit::PersonEdit {
                    person: Target::Id(p.id),
                    changes: self.changes(),
                }
                .needs_doc(),
                _ => true,
            },
            Slot::DeptShort | Slot::Funding => false,
            _ => true,
        }
    }

    /// What is wrong with a row's value as typed, by the model's rules (or the server's
    /// last refusal of it).
    pub fn problem(&self, i: usize) -> Option<String> {
        let r = &self.rows[i];
        if let Some(why) = &r.refusal {
            return Some(why.clone());
        }
        if r.locked {
            return None;
        }
        // A fault a unit's record already had does not stop another change (as the
        // server judges it).
        if self.kind == FormKind::OrgEdit && self.untouched(r) {
            return None;
        }
        let text = r.input.value().trim();
        if text.is_empty() {
            // 文号 on an edit: saying so waits for the save (the server's words).
            return (self.required(r.slot)
                && !(r.slot == Slot::Doc && self.kind == FormKind::Edit))
                .then(|| M::FormRequired.get(self.lang).to_string());
        }
        let lang = self.lang;
        let say = |r: Result<String, Refusal>| r.err().map(|why| why.say(lang));
        let own = match r.slot {
            Slot::Field(f) => say(f.normalize(text)),
            Slot::Org(f) => say(f.normalize(text)),
            Slot::ExitKind => ExitKind::parse(text).is_none().then(|| {
                Refusal::NotAnExitKind {
                    given: text.into(),
                    choices: exit_terms(),
                }
                .say(lang)
            }),
            Slot::ExitDate | Slot::Date => say(normalize_date(text)),
            Slot::Staffing => say(PersonField::StaffingType.normalize(text)),
            Slot::Funding => say(PersonField::FundingType.normalize(text)),
            Slot::Post => crate::model::edit::parse_post_slot(text)
                .err()
                .map(|why| why.say(lang)),
            Slot::Delta => match parse_delta(text) {
                Some(0) => Some(M::FormDeltaZero.get(self.lang).to_string()),
                Some(_) => None,
                None => Some(format!("“{text}”{}", M::FormDeltaBad.get(self.lang))),
            },
            Slot::ToOrg => match self.target_unit() {
                None => Some(M::FormPickUnit.get(self.lang).to_string()),
                Some(id) if id == self.own_unit() => {
                    Some(M::FormSameUnit.get(self.lang).to_string())
                }
                Some(_) => None,
            },
            Slot::Doc | Slot::DeptName | Slot::DeptShort | Slot::Summary => None,
        };
        own.or_else(|| match r.slot {
            Slot::Field(f) => self
                .record_errors()
                .into_iter()
                .find(|e| e.field == f.key())
                .map(|e| e.message(lang)),
            _ => None,
        })
    }

    fn focused(&self) -> &Row {
        &self.rows[self.focus]
    }

    /// The terms of the focused choice field that match what is typed.
    pub fn matches(&self) -> Vec<String> {
        let r = self.focused();
        if r.slot == Slot::ToOrg {
            return self.unit_hits().into_iter().map(|u| u.1).collect();
        }
        let all = choices(r.slot);
        let word = |t: &String| in_lang(r.slot, t, self.lang);
        let q = r.input.value().trim().to_lowercase();
        if q.is_empty() || all.iter().any(|c| word(c).to_lowercase() == q) {
            return all.iter().map(word).collect();
        }
        // A term is found by its Chinese, its pinyin, its initials or its English word,
        // whatever the interface's language.
        all.iter()
            .filter(|term| {
                let keys = crate::search::unit_keys(term);
                term.to_lowercase().contains(&q)
                    || keys.initials().to_lowercase().starts_with(&q)
                    || keys.full_pinyin().to_lowercase().starts_with(&q)
                    || in_lang(r.slot, term, Lang::En).to_lowercase().contains(&q)
            })
            .map(word)
            .collect()
    }

    /// Units found for what is typed into [`Slot::ToOrg`], best first: by the lookup's
    /// engine once its index is built, by names containing the text before. The unit
    /// the form is over is left out.
    fn unit_hits(&self) -> Vec<(OrgId, String)> {
        let q = self.focused().input.value().trim();
        if q.is_empty() {
            return Vec::new();
        }
        let own = self.own_unit();
        let names = &self.units.names;
        let by_id: std::collections::HashMap<OrgId, &UnitName> =
            names.iter().map(|u| (u.0, u)).collect();
        let found: Vec<&UnitName> = match &self.units.index {
            Some(index) => crate::search::search(index, q, 400)
                .into_iter()
                .map(|h| index.entry(h.index))
                .filter(|e| e.kind == crate::search::EntryKind::Org)
                .filter_map(|e| by_id.get(&e.id).copied())
                .collect(),
            None => names
                .iter()
                .filter(|u| u.1.contains(q) || u.2.as_deref().is_some_and(|s| s.contains(q)))
                .collect(),
        };
        let mut seen = std::collections::HashSet::new();
        found
            .into_iter()
            .filter(|u| u.0 != own && seen.insert(u.0))
            .take(50)
            .map(|u| (u.0, u.1.clone()))
            .collect()
    }

    fn is_choice(&self) -> bool {
        self.focused().slot == Slot::ToOrg || !choices(self.focused().slot).is_empty()
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
        let Some(p) = self.pick.take() else {
            return;
        };
        if self.focused().slot == Slot::ToOrg {
            if let Some((id, name)) = self.unit_hits().get(p).cloned() {
                let r = &mut self.rows[self.focus];
                r.input = Input::new(name);
                r.refusal = None;
                self.to_org = Some(id);
            }
            return;
        }
        if let Some(term) = self.matches().get(p).cloned() {
            let r = &mut self.rows[self.focus];
            r.input = Input::new(term);
            r.refusal = None;
        }
    }

    /// The text of a row changed: a unit picked before no longer holds.
    fn edited(&mut self) {
        if self.focused().slot == Slot::ToOrg {
            self.to_org = None;
        }
    }

    /// Text typed or pasted into the focused field (control characters never enter).
    pub fn type_text(&mut self, text: &str) {
        if self.confirm_discard || self.draft.is_some() {
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
        self.edited();
        if choice {
            self.pick = Some(0);
        }
    }

    /// A key pressed while the form is in front.
    pub fn on_key(&mut self, ev: KeyEvent, lang: Lang) -> Option<Action> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if self.draft.is_some() {
            match ev.code {
                KeyCode::Char('y' | 'Y') if !ctrl => self.restore_draft(),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.draft = None;
                    return Some(Action::Effect(Effect::DeleteDraft(self.key())));
                }
                _ => {}
            }
            return None;
        }
        if self.confirm_discard {
            match ev.code {
                KeyCode::Char('y' | 'Y') if !ctrl => {
                    self.closed = true;
                    return Some(Action::Effect(Effect::DeleteDraft(self.key())));
                }
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
            KeyCode::Esc => {
                self.closed = true;
                return Some(Action::Effect(Effect::DeleteDraft(self.key())));
            }
            KeyCode::Tab => {
                // Tab takes the highlighted term only when the clerk chose it: typed a
                // filter or moved in the list. An emptied field stays empty.
                let typed = !self.focused().input.value().trim().is_empty();
                if self.pick.is_some_and(|p| p > 0 || typed) && !self.matches().is_empty() {
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
                    self.edited();
                    if choice {
                        self.pick = Some(0);
                    }
                }
            }
        }
        None
    }

    /// The trimmed text of the first row holding `slot`.
    fn text(&self, slot: Slot) -> String {
        self.rows
            .iter()
            .find(|r| r.slot == slot)
            .map(|r| r.input.value().trim().to_string())
            .unwrap_or_default()
    }

    fn date(&self, slot: Slot) -> Option<chrono::NaiveDate> {
        normalize_date(&self.text(slot)).ok()?.parse().ok()
    }

    /// The edit the form holds, once every value passes; None when it cannot be built.
    fn build(&self) -> Option<Edit> {
        let person = || match &self.subject {
            Subject::Person(p) => Some(Target::Id(p.id)),
            Subject::Unit(_) => None,
        };
        let org_id = self.own_unit();
        Some(match self.kind {
            FormKind::Edit => Edit::PersonEdit {
                person: person()?,
                changes: self.changes(),
            },
            FormKind::Exit => Edit::PersonExit {
                person: person()?,
                kind: ExitKind::parse(&self.text(Slot::ExitKind))?,
                date: self.date(Slot::ExitDate)?,
            },
            FormKind::Add => Edit::PersonAdd {
                org_id,
                values: self
                    .person_values()
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .collect(),
            },
            FormKind::Transfer => Edit::PersonTransfer {
                person: person()?,
                to_org: self.target_unit()?,
                from_org: org_id,
            },
            FormKind::Restore => Edit::PersonRestore { person: person()? },
            FormKind::OrgEdit => Edit::OrgEdit {
                org_id,
                changes: self.changes(),
            },
            FormKind::OrgMove => Edit::OrgMove {
                org_id,
                to_parent: self.target_unit()?,
            },
            FormKind::OrgAbolish => Edit::OrgAbolish { org_id },
            FormKind::AddDept => {
                let short = self.text(Slot::DeptShort);
                Edit::OrgAddDept {
                    parent_id: org_id,
                    name: self.text(Slot::DeptName),
                    short_name: (!short.is_empty()).then_some(short),
                }
            }
            FormKind::Ledger => {
                let funding = self.text(Slot::Funding);
                Edit::LedgerAdd {
                    org_id,
                    staffing_type: StaffingType::parse(&self.text(Slot::Staffing))?,
                    funding_type: if funding.is_empty() {
                        None
                    } else {
                        Some(FundingType::parse(&funding)?)
                    },
                    delta: parse_delta(&self.text(Slot::Delta))?,
                    date: self.date(Slot::Date)?,
                    summary: self.text(Slot::Summary),
                }
            }
            FormKind::Posts => Edit::PostsAdd {
                org_id,
                slot: crate::model::edit::parse_post_slot(&self.text(Slot::Post)).ok()?,
                delta: parse_delta(&self.text(Slot::Delta))?,
                date: self.date(Slot::Date)?,
                summary: self.text(Slot::Summary),
            },
        })
    }

    /// Builds the intent when every value passes; otherwise goes to the first problem.
    fn save(&mut self, lang: Lang) -> Option<Action> {
        self.tried = true;
        let vis = self.visible();
        if let Some(&bad) = vis.iter().find(|&&i| self.problem(i).is_some()) {
            self.focus = bad;
            self.pick = None;
            return Some(Action::Error(M::FormFix.get(lang).to_string()));
        }
        let doc = Some(self.text(Slot::Doc)).filter(|d| !d.is_empty());
        let edit = self.build()?;
        let fields = match &edit {
            Edit::PersonEdit { changes, .. } | Edit::OrgEdit { changes, .. } => {
                if changes.is_empty() {
                    return Some(Action::Note(M::FormNoChange.get(lang).to_string()));
                }
                changes.len()
            }
            _ => 1,
        };
        self.general = None;
        let note = queued_note(lang, &edit, fields);
        Some(Action::Effect(Effect::QueueEdit(QueuedEdit {
            form: self.key(),
            intent: Box::new(Intent {
                edit,
                doc_no: doc,
                base: 0,
            }),
            note,
        })))
    }

    /// The server's rules refused the edit: each refusal goes beside its field.
    pub fn refused(&mut self, errors: Vec<FieldError>) {
        let mut general = Vec::new();
        let mut first = None;
        for e in errors {
            let f = e.field.as_str();
            let at = self.rows.iter().position(|r| match r.slot {
                Slot::Field(p) => p.key() == f,
                Slot::Org(o) => o.key() == f,
                Slot::Doc => f == "doc_no",
                Slot::ExitKind => f == "kind" || f == "exit_kind",
                Slot::ExitDate | Slot::Date => f == "date" || f == "exit_date",
                Slot::ToOrg => f == "to" || f == "to_org" || f == "to_parent",
                Slot::DeptName => f == "name",
                Slot::DeptShort => f == "short_name",
                Slot::Staffing => f == "staffing_type" || f == "type",
                Slot::Funding => f == "funding_type",
                Slot::Delta => f == "delta",
                Slot::Summary => f == "summary",
                Slot::Post => f == "slot" || f == "leader_post",
            });
            match at {
                Some(i) => {
                    self.rows[i].refusal = Some(e.message(self.lang));
                    first.get_or_insert(i);
                }
                None => general.push(e),
            }
        }
        self.general =
            (!general.is_empty()).then(|| crate::model::edit::say_errors(&general, self.lang));
        if let Some(i) = first {
            self.focus = i;
        }
        self.pick = None;
    }

    /// 修改人员信息 / 减员登记 / ...
    pub fn what(&self, lang: Lang) -> &'static str {
        match self.kind {
            FormKind::Edit => M::FormEditTitle,
            FormKind::Exit => M::FormExitTitle,
            FormKind::Add => M::FormAddTitle,
            FormKind::Transfer => M::FormTransferTitle,
            FormKind::Restore => M::FormRestoreTitle,
            FormKind::OrgEdit => M::FormOrgEditTitle,
            FormKind::OrgMove => M::FormOrgMoveTitle,
            FormKind::OrgAbolish => M::FormAbolishTitle,
            FormKind::AddDept => M::FormDeptTitle,
            FormKind::Ledger => M::FormLedgerTitle,
            FormKind::Posts => M::FormPostsTitle,
        }
        .get(lang)
    }

    pub fn title(&self, lang: Lang) -> String {
        format!(" {} · {} ", self.what(lang), self.name())
    }

    fn label(&self, slot: Slot, lang: Lang) -> String {
        let m = match slot {
            Slot::Field(f) => return f.label(lang).to_string(),
            Slot::Org(f) => return f.label(lang).to_string(),
            Slot::Doc if self.kind == FormKind::Add => M::FormEntryDoc,
            Slot::Doc => M::FormDoc,
            Slot::ExitKind => M::FormExitKind,
            Slot::ExitDate => M::FormExitDate,
            Slot::ToOrg if self.kind == FormKind::OrgMove => M::FormNewParent,
            Slot::ToOrg => M::FormToUnit,
            Slot::DeptName => M::FormDeptName,
            Slot::DeptShort => M::FormDeptShort,
            Slot::Staffing => M::FormStaffing,
            Slot::Funding => M::FormFunding,
            Slot::Delta => M::FormDelta,
            Slot::Date => M::FormDate,
            Slot::Summary => M::FormSummary,
            Slot::Post => M::FormPostSlot,
        };
        m.get(lang).to_string()
    }

    /// The first line: what Enter does on a form that only confirms.
    fn head(&self, lang: Lang) -> String {
        match self.kind {
            FormKind::Restore => i18n::confirm_head(lang, M::FormRestoreHead, self.name()),
            FormKind::OrgAbolish => i18n::confirm_head(lang, M::FormAbolishHead, self.name()),
            FormKind::Add => i18n::confirm_head(lang, M::FormAddHead, self.name()),
            _ => M::FormHead.get(lang).to_string(),
        }
    }

    /// The hint line: the discard question, or the keys.
    pub fn hint(&self, lang: Lang) -> String {
        if self.draft.is_some() {
            M::FormDraftOffer.get(lang).to_string()
        } else if self.confirm_discard {
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
        let head = if self.draft.is_some() {
            Line::styled(format!(" {}", M::FormDraftOffer.get(lang)), theme.warn())
        } else if self.confirm_discard {
            Line::styled(format!(" {}", M::FormDiscard.get(lang)), theme.warn())
        } else if let Some(g) = &self.general {
            Line::styled(
                fit(&format!(" {g}"), inner.width as usize, "…"),
                theme.error(),
            )
        } else {
            Line::styled(
                fit(&format!(" {}", self.head(lang)), inner.width as usize, "…"),
                theme.dim(),
            )
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
                    _ => mask_birth(self.person().and_then(|p| p.birth_date)),
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
            // An empty row that must be filled says so quietly until a save is tried.
            let untouched = !self.tried && r.refusal.is_none() && r.input.value().is_empty();
            let (note, note_style) = match self.problem(i) {
                Some(_) if picking => (M::FormPicking.get(lang).to_string(), theme.dim()),
                Some(_) if untouched => (M::FormRequiredMark.get(lang).to_string(), theme.dim()),
                Some(why) => (format!("✗ {why}"), theme.error()),
                None if r.locked => (M::FormRevealFirst.get(lang).to_string(), theme.dim()),
                None => match r.slot {
                    Slot::Field(fl) => {
                        let now = fl.normalize(r.input.value()).unwrap_or_default();
                        if now != r.original {
                            let word = in_lang(r.slot, &now, lang);
                            if word != r.input.value().trim() {
                                (format!("→ {word}"), theme.ok())
                            } else {
                                (M::FormChanged.get(lang).to_string(), theme.ok())
                            }
                        } else if self.pending.iter().any(|k| k == fl.key()) {
                            (M::PendingMark.get(lang).to_string(), theme.warn())
                        } else if self.kind == FormKind::Add
                            && matches!(fl, PersonField::Sex | PersonField::BirthDate)
                        {
                            (M::FormFromId.get(lang).to_string(), theme.dim())
                        } else if fl.locked() && self.kind != FormKind::Add {
                            (M::FormKeyField.get(lang).to_string(), theme.dim())
                        } else {
                            (String::new(), theme.dim())
                        }
                    }
                    Slot::Org(fl) => {
                        let now = fl.normalize(r.input.value()).unwrap_or_default();
                        if now != r.original {
                            (M::FormChanged.get(lang).to_string(), theme.ok())
                        } else {
                            (String::new(), theme.dim())
                        }
                    }
                    Slot::Doc if matches!(self.kind, FormKind::Edit | FormKind::Exit) => {
                        (M::FormDocWhy.get(lang).to_string(), theme.dim())
                    }
                    Slot::ToOrg if r.input.value().trim().is_empty() => {
                        (M::FormPickUnitHint.get(lang).to_string(), theme.dim())
                    }
                    Slot::Delta => (M::FormDeltaHint.get(lang).to_string(), theme.dim()),
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
            if focused && !r.locked && !self.confirm_discard && self.draft.is_none() {
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
        Slot::Org(f) if f.kind() == FieldKind::Choice => f.choices(),
        Slot::Staffing => PersonField::StaffingType.choices(),
        Slot::Funding => PersonField::FundingType.choices(),
        Slot::Post => PersonField::LeaderPost.choices(),
        _ => Vec::new(),
    }
}

/// A whole number of places, `+3`, `-2` or `3` (full-width digits and signs taken).
fn parse_delta(text: &str) -> Option<i32> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            '－' | '−' => '-',
            c => c,
        })
        .collect();
    t.strip_prefix('+').unwrap_or(&t).parse().ok()
}

/// A field filled in to start with (today's date): not a change of the clerk's.
fn filled(slot: Slot, value: String) -> Row {
    row(slot, value, false)
}

/// A value as the form shows it: a choice's term in the interface's language (the
/// display only: the form compares and sends the term's one written form, which the
/// model's `normalize` reads back from either word); any other value as it is.
fn in_lang(slot: Slot, value: &str, lang: Lang) -> String {
    if lang == Lang::Zh || choices(slot).is_empty() {
        value.to_string()
    } else {
        crate::model::edit::term_word(value, lang)
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
pub fn queued_note(lang: Lang, edit: &Edit, n: usize) -> String {
    match edit {
        Edit::PersonEdit { .. } => i18n::edit_queued(lang, n),
        Edit::PersonExit { .. } => M::ExitQueued.get(lang).to_string(),
        other => i18n::recorded(lang, &crate::model::edit::describe(other, lang)),
    }
}

/// A form reads its keys as text and fields (`FormView::on_key`), not as commands: it
/// offers none, and its hint line is its own.
impl Component for FormView {
    fn handle(&mut self, _cmd: Cmd, _height: usize) -> Option<Action> {
        None
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        FormView::render(self, f, area, theme);
    }

    fn commands(&self) -> Vec<Cmd> {
        Vec::new()
    }
}
