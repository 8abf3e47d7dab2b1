//! Every screen in English: the interface walked key by key over a real in-memory cache
//! with `--lang en`, each frame read at 80x24, and no Chinese left on it once the data's
//! own values (names, document numbers, summaries, what a clerk typed) are taken out.
//! The refusals include a refused decision (typed, as the server sends it) and a
//! refused edit, so the reasons are said in English too. Every form is opened, each of
//! its pick lists too: a form shows and takes the English word of a term and sends its
//! one written (Chinese) form.

use super::inbox_tests::inbox_dataset;
use super::*;
use crate::model::approval::Warning;
use crate::model::edit::{FieldError, Outcome};
use crate::model::refusal::{DecisionRefusal, Refusal};
use crate::store::outbox;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Every text value of the data holding Chinese, longest first (a unit's full name goes
/// before the short name inside it), and the words typed in by the walk.
fn data_values(d: &Dataset, typed: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
    let mut add = |s: &str| {
        if s.chars().any(is_cjk) {
            v.push(s.to_string());
        }
    };
    for o in &d.orgs {
        add(&o.name);
        o.short_name.as_deref().map(&mut add);
        o.founding_doc.as_deref().map(&mut add);
        o.domain_name.as_deref().map(&mut add);
    }
    for p in &d.persons {
        add(&p.name);
        // The vocabulary's terms (男, 中共党员, 汉族, 行政编制 …) are words of the
        // interface, on every screen and in every form: not data.
        for s in [&p.entry_doc, &p.post, &p.rank, &p.school, &p.major] {
            s.as_deref().map(&mut add);
        }
    }
    for e in &d.events {
        add(&e.summary);
        for v in e.detail.iter().flat_map(|d| d.data_values()) {
            add(v);
        }
        add(&e.operator);
        e.doc_no.as_deref().map(&mut add);
    }
    for l in &d.ledger {
        add(&l.summary);
        add(&l.doc_no);
    }
    for p in &d.posts {
        add(&p.summary);
        add(&p.doc_no);
    }
    for a in &d.approvals {
        add(&a.summary);
        add(&a.submitted_by);
        a.doc_no.as_deref().map(&mut add);
        a.new_name.as_deref().map(&mut add);
        a.decided_by.as_deref().map(&mut add);
        a.comment.as_deref().map(&mut add);
    }
    v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    v.dedup();
    v
}

/// The lines of the frame in front that still hold Chinese once the data is taken out.
/// A value cut by the frame (before `…` or a border) counts when a value begins with
/// what is left of it.
fn chinese_lines(h: &Harness, data: &[String]) -> Vec<String> {
    h.text()
        .lines()
        .filter(|line| {
            let mut rest = line.to_string();
            // A value cut by the frame goes first, by what shows of it before `…`: a
            // shorter value inside it (a name in a request's summary) would leave a piece.
            if let Some(at) = rest.find('…') {
                let head: Vec<char> = rest[..at].chars().collect();
                for start in 0..head.len() {
                    let tail: String = head[start..].iter().collect();
                    if tail.chars().any(is_cjk) && data.iter().any(|v| v.starts_with(&tail)) {
                        rest = format!(
                            "{}{}",
                            head[..start].iter().collect::<String>(),
                            &rest[at..]
                        );
                        break;
                    }
                }
            }
            for value in data {
                if rest.chars().any(is_cjk) {
                    rest = rest.replace(value.as_str(), "");
                }
            }
            let chars: Vec<char> = rest.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if !is_cjk(chars[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && is_cjk(chars[i]) {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                let after: String = chars[i..].iter().collect::<String>();
                let cut = after.starts_with('…') || after.trim_start().starts_with('│');
                // A value covered on its left by a pick list's border: what shows from
                // the border on ends a value.
                let shown_tail = chars[..start]
                    .iter()
                    .rposition(|c| *c == '│')
                    .map(|bar| chars[bar + 1..i].iter().collect::<String>());
                let covered = shown_tail.is_some_and(|tail| {
                    !tail.is_empty() && data.iter().any(|v| v.ends_with(&tail))
                });
                if !(cut && data.iter().any(|v| v.starts_with(&run)) || covered) {
                    return true;
                }
            }
            false
        })
        .map(str::to_string)
        .collect()
}

/// Walks the interface; at each named stop the frame must be English.
struct Walk {
    h: Harness,
    data: Vec<String>,
    bad: Vec<String>,
    seen: usize,
}

impl Walk {
    fn at(&mut self, screen: &str, must_show: &str) {
        let text = self.h.text();
        assert!(
            text.contains(must_show),
            "{screen}: expected {must_show:?} on\n{text}"
        );
        for line in chinese_lines(&self.h, &self.data) {
            self.bad.push(format!("{screen}: {line}"));
        }
        self.seen += 1;
    }
    /// The form in front, then each of its pick lists (F4 on each row that has one);
    /// Esc leaves the form, which nothing typed.
    fn form(&mut self, name: &str, title: &str) {
        self.at(name, title);
        let rows = self.form_view().visible().len();
        for row in 0..rows {
            self.keys(&["<F4>"]);
            if self.form_view().pick.is_some() {
                self.at(&format!("{name}, pick list of row {row}"), "");
                self.keys(&["<Esc>"]);
            }
            self.keys(&["<Down>"]);
        }
        self.keys(&["<Esc>"]);
        assert!(
            !matches!(self.h.state.stack.last(), Some(View::Form(_))),
            "{name}: Esc leaves a form nothing was typed into\n{}",
            self.h.text()
        );
    }
    fn form_view(&self) -> &super::super::form::FormView {
        match self.h.state.stack.last() {
            Some(View::Form(f)) => f,
            _ => panic!("no form in front:\n{}", self.h.text()),
        }
    }
    fn keys(&mut self, keys: &[&str]) -> &mut Self {
        self.h.keys(keys);
        self
    }
}

/// An audit line written typed is said in the interface's language, an older line
/// (its sentence only) as it was written.
#[test]
fn the_audit_log_words_a_typed_line_in_either_language_and_an_old_one_as_written() {
    use crate::store::timeline::{self, Source};
    let data = inbox_dataset();
    let store = store_with(&data);
    let lines = crate::store::audit::examples(&data.orgs[1].name, data.approvals[0].id, 1);
    for (action, detail) in &lines {
        store.audit(action.clone(), detail, None).unwrap();
    }
    store
        .conn()
        .execute(
            "INSERT INTO audit (at, action, detail, rows) VALUES \
             ('2025-03-05 10:29:59', 'withdraw', '修改 3 撤回', 1)",
            [],
        )
        .unwrap();
    let items = timeline::audit(store.conn(), 100).unwrap();
    assert_eq!(items.len(), lines.len() + 1);
    let values = data_values(&data, &[]);
    let cjk_outside_data = |s: &str| {
        let mut rest = s.to_string();
        for v in &values {
            rest = rest.replace(v.as_str(), "");
        }
        rest.chars().any(is_cjk)
    };
    // Newest first: the old line, then the typed ones in the reverse of their writing.
    let old = &items[0];
    assert!(matches!(&old.source, Source::Audit { typed: None, .. }));
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(crate::tui::i18n::item_summary(old, lang), "修改 3 撤回");
    }
    for (item, (_, detail)) in items[1..].iter().zip(lines.iter().rev()) {
        match &item.source {
            Source::Audit { typed: Some(d), .. } => assert_eq!(d, detail),
            other => panic!("not typed: {other:?}"),
        }
        let en = crate::tui::i18n::item_summary(item, Lang::En);
        let zh = crate::tui::i18n::item_summary(item, Lang::Zh);
        assert!(!cjk_outside_data(&en), "{detail:?}: {en}");
        if matches!(detail, crate::store::audit::AuditDetail::Revealed { .. }) {
            // A reveal is said by whom it showed: the person's name.
            assert_eq!((&en, &zh), (&item.summary, &item.summary));
            assert!(!item.summary.is_empty());
        } else {
            assert!(cjk_outside_data(&zh), "{detail:?}: {zh}");
            assert_ne!(en, zh, "{detail:?}");
        }
    }
    // A decision names the request, as the older sentence did.
    let decided = crate::tui::i18n::item_summary(items.last().unwrap(), Lang::Zh);
    assert!(decided.starts_with("同意 · "), "{decided}");
}

#[test]
fn every_screen_speaks_english() {
    let data = inbox_dataset();
    let typed = ["副局长"];
    let mut w = Walk {
        h: harness_with(store_with(&data), Lang::En, false, "default"),
        data: data_values(&data, &typed),
        bad: Vec::new(),
        seen: 0,
    };
    w.h.index();
    w.at("tree", "Units");
    w.keys(&["<Down>", "<Right>", "<Down>", "<Enter>"]);
    w.at("unit overview", "Overview");
    for tab in ["quota", "posts", "people", "history"] {
        w.keys(&["<Tab>"]);
        w.at(&format!("unit {tab}"), "");
    }
    // A timeline entry opened from the history tab.
    w.keys(&["<Enter>"]);
    w.at("unit timeline", "");
    w.keys(&["<Esc>", "3"]);
    w.keys(&["<Down>", "<Enter>"]);
    w.at("unit quota drill-down", "");
    w.keys(&["<Esc>"]);

    // A person, their career, the edit form (a clerk's typed value), and the exit form.
    w.h.act(Action::Effect(Effect::LoadPerson(1)));
    w.at("person", "");
    w.keys(&["<Tab>"]);
    w.at("person career", "");
    w.keys(&["<Tab>", "e"]);
    w.at("person edit form", "Edit details");
    w.keys(&["<Esc>", "y", "x"]);
    w.at("person exit form", "Record an exit");
    w.keys(&["<Esc>", "y"]);

    // Lookup, palette, help, which-key, the legend.
    w.keys(&["/"]);
    w.h.type_text("jy");
    w.at("lookup", "");
    w.keys(&["<Esc>", ":"]);
    w.at("palette", "");
    w.keys(&["<Esc>", "?"]);
    w.at("help", "");
    w.keys(&["<Esc>", "g"]);
    w.at("which-key", "");
    w.keys(&["<Esc>", "<F7>"]);
    w.at("legend", "");
    w.keys(&["<Esc>"]);

    // The jurisdiction's screens.
    w.keys(&["g", "o"]);
    w.at("overview", "");
    w.keys(&["<Enter>"]);
    w.at("overview drill-down", "Status");
    // A unit behind the figure, then the persons occupying its places.
    w.keys(&["<Enter>"]);
    w.at("drill-down persons", "Post type");
    w.keys(&["<Esc>", "<Esc>", "<Esc>", "g", "w"]);
    w.at("warnings", "");
    w.keys(&["<Esc>", "<F8>"]);
    w.at("reports", "");
    w.keys(&["<Esc>", "<F9>"]);
    w.at("forecast", "");
    // The audit log with a line of every kind its writers record, worded in English.
    for (action, detail) in
        crate::store::audit::examples(&data.orgs[1].name, data.approvals[0].id, 1)
    {
        w.h.rt.store().audit(action, &detail, Some(1)).unwrap();
    }
    w.keys(&["<Esc>", "g", "l"]);
    w.at("audit log", "approve ·");
    w.at("audit log", "roster all.csv (3 rows)");
    w.at("audit log", "pushed 2, accepted 1");
    w.at("audit log", "edit 7: exit");
    w.keys(&["<Enter>"]);
    w.at("audit line", "Detail: roster all.csv (3 rows)");
    // Down to the oldest lines: the reveal, the withdrawal, the decision.
    for _ in 0..20 {
        w.keys(&["<Down>"]);
    }
    w.at("audit log, its oldest lines", "approve ·");
    w.at("audit log, its oldest lines", "reject withdrawn ·");
    w.keys(&["<Esc>", "<Esc>"]);

    // The inbox, a request, the decision dialog and its confirmation; the decision
    // queued, then refused by the server (typed), and an edit refused too.
    w.keys(&["<F2>"]);
    w.at("inbox", "Inbox");
    w.keys(&["<Enter>"]);
    w.at("request", "");
    w.keys(&["a"]);
    w.at("decision dialog", "");
    w.keys(&["<Enter>"]);
    w.at("decision confirmation", "");
    w.keys(&["<Enter>", "<Esc>", "<Esc>"]);
    let conn = w.h.rt.store().conn();
    let queued = outbox::entries(conn).unwrap();
    let decision = queued.last().expect("the decision queued").clone();
    let refused = Outcome {
        refusal: Some(DecisionRefusal::Blocked {
            warnings: vec![
                Warning::Overdraws {
                    wanted: 2,
                    usable: 0,
                },
                Warning::OnBooksOutside,
            ],
        }),
        ..Outcome::default()
    };
    let zh = refused.say_refusal(Lang::Zh).unwrap();
    outbox::record_answers(
        conn,
        [outbox::Answer {
            client_id: &decision.client_id,
            accepted: false,
            reason: Some(&zh),
            outcome: Some(&refused),
        }],
    )
    .unwrap();
    // An edit of 职务 queued, then refused field by field.
    let edit = crate::model::edit::Intent {
        edit: crate::model::edit::Edit::PersonEdit {
            person: crate::model::edit::Target::Id(1),
            changes: vec![crate::model::edit::FieldChange {
                field: "post".into(),
                from: data.persons[0].post.clone().unwrap_or_default(),
                to: "副局长".into(),
            }],
        },
        doc_no: None,
        base: 0,
    };
    let entry = crate::store::pending::queue(conn, &edit, d(2025, 3, 5))
        .unwrap()
        .expect("the edit queued");
    let refused = Outcome {
        errors: vec![FieldError::new(
            "post",
            "职务",
            Refusal::NoUsablePlace {
                staffing_type: StaffingType::ALL[0],
                approved: 3,
                actual: 3,
                reserved: 0,
            },
        )],
        ..Outcome::default()
    };
    let zh = refused.say_refusal(Lang::Zh).unwrap();
    outbox::record_answers(
        conn,
        [outbox::Answer {
            client_id: &entry.client_id,
            accepted: false,
            reason: Some(&zh),
            outcome: Some(&refused),
        }],
    )
    .unwrap();
    w.h.act(Action::SyncFinished(Ok(String::new())));
    w.keys(&["<F2>"]);
    w.at("inbox with a refused decision", "refused by the");
    w.keys(&["<Esc>", "<F6>"]);
    w.at("refusals", "cannot approve: over the usable quota");
    assert!(
        w.h.text().contains("no usable"),
        "the refused edit: {}",
        w.h.text()
    );

    assert!(w.seen >= 25, "{} screens seen", w.seen);
    assert!(
        w.bad.is_empty(),
        "Chinese outside the data on {} lines:\n{}",
        w.bad.len(),
        w.bad.join("\n")
    );
}

/// A timeline item's detail (a quota ledger entry: every kind of typed value) is worded
/// by the interface: English field names and terms, the data's own text as it is.
#[test]
fn a_timeline_detail_speaks_english() {
    use crate::store::timeline::{Item, ItemKind, Source};
    let entry = LedgerEntry {
        id: 1,
        org_id: 1,
        doc_no: "示编〔2021〕12号".into(),
        date: d(2021, 3, 1),
        staffing_type: StaffingType::ALL[0],
        funding_type: Some(FundingType::ALL[0]),
        delta: 2,
        summary: "增加编制".into(),
        special: true,
    };
    let item = Item {
        date: entry.date,
        kind: ItemKind::Ledger,
        doc_no: Some(entry.doc_no.clone()),
        summary: entry.summary.clone(),
        source: Source::Ledger {
            entry: entry.clone(),
            total_after: 7,
        },
    };
    let words: Vec<(String, String)> = item
        .detail()
        .iter()
        .map(|(f, v)| {
            (
                crate::tui::i18n::timeline_field(*f, Lang::En).to_string(),
                crate::tui::i18n::timeline_value(v, Lang::En),
            )
        })
        .collect();
    for (k, v) in &words {
        assert!(k.is_ascii(), "{k}");
        assert!(
            v.is_ascii() || *v == entry.doc_no || *v == entry.summary,
            "{k}: {v}"
        );
    }
    assert!(
        words.contains(&("Special quota".into(), "yes".into())),
        "{words:?}"
    );
    assert!(
        words.contains(&("Approved after".into(), "7".into())),
        "{words:?}"
    );
    let zh =
        crate::tui::i18n::timeline_field(crate::store::timeline::Field::ApprovedAfter, Lang::Zh);
    assert_eq!(zh, "核定累计");
}

/// Every form over a person and over a unit, in English, with each of its pick lists,
/// and a value refused as no term of its list.
#[test]
fn every_form_speaks_english() {
    use super::super::keymap::Cmd;
    let mut data = inbox_dataset();
    data.persons[0].id_number = "110101198001010010".into();
    data.persons[6].status = PersonStatus::Former;
    data.persons[6].exit_kind = Some(ExitKind::ALL[1]);
    data.persons[6].exit_date = Some(d(2024, 6, 1));
    data.persons[0].degree = Some(Degree::ALL[1]);
    data.persons[0].leader_post = Some(PostSlot {
        level: Level::SectionFull,
        rank: PostRank::Chief,
    });
    let former = data.persons[6].id;
    let mut w = Walk {
        h: harness_with(store_with(&data), Lang::En, false, "default"),
        data: data_values(&data, &["zzz"]),
        bad: Vec::new(),
        seen: 0,
    };
    w.h.index();
    w.h.act(Action::Effect(Effect::LoadPerson(1)));
    w.at("person", "male");
    w.keys(&["e"]);
    w.form("edit form", "Edit details");
    w.keys(&["x"]);
    w.form("exit form", "Record an exit");
    w.keys(&["t"]);
    w.form("transfer form", "");
    w.h.act(Action::Effect(Effect::LoadPerson(former)));
    w.keys(&["u"]);
    w.form("restore form", "");
    w.h.act(Action::Effect(Effect::LoadUnit(2)));
    w.keys(&["+"]);
    w.form("new person form", "");
    for cmd in [
        Cmd::EditUnit,
        Cmd::MoveUnit,
        Cmd::AbolishUnit,
        Cmd::AddDept,
        Cmd::LedgerEntry,
        Cmd::PostsEntry,
    ] {
        w.h.act(Action::Run(cmd));
        w.form(&format!("{cmd:?} form"), "");
    }
    // A value that is no term of the list is refused naming the terms in English.
    w.h.act(Action::Effect(Effect::LoadPerson(1)));
    w.keys(&["e", "<Down>", "<Down>", "<C-u>"]);
    w.h.type_text("zzz");
    w.keys(&["<Esc>"]);
    w.at("a refused term", "zzz is not one of: male, fe");
    w.keys(&["<Esc>", "y"]);

    assert!(w.seen >= 30, "{} screens seen", w.seen);
    assert!(
        w.bad.is_empty(),
        "Chinese outside the data on {} lines:\n{}",
        w.bad.len(),
        w.bad.join("\n")
    );
}

/// An English form shows the English word, is unchanged until something is typed, takes
/// the English word or the Chinese term alike, and sends the term's one written form.
#[test]
fn an_english_form_takes_either_word_and_sends_the_term() {
    use super::super::form::Slot;
    use crate::model::edit::{Edit, FieldChange, PersonField};
    let mut data = dataset();
    data.persons[0].id_number = "110101198001010010".into();
    let mut h = harness_with(store_with(&data), Lang::En, false, "default");
    h.index();
    h.act(Action::Effect(Effect::LoadPerson(1)));
    h.keys(&["e"]);
    let form = |h: &Harness| match h.state.stack.last() {
        Some(View::Form(f)) => f
            .rows
            .iter()
            .map(|r| (r.slot, r.input.value().to_string()))
            .collect::<Vec<_>>(),
        _ => panic!("no form in front"),
    };
    let shown = form(&h);
    let value = |f: PersonField| {
        shown
            .iter()
            .find(|(s, _)| *s == Slot::Field(f))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(value(PersonField::Sex), "male");
    assert_eq!(value(PersonField::Ethnicity), "Han");
    assert_eq!(value(PersonField::PoliticalStatus), "CPC member");
    assert_eq!(value(PersonField::PostType), "management");
    assert_eq!(value(PersonField::Education), "postgraduate");
    let to = |h: &mut Harness, f: PersonField| {
        for _ in 0..40 {
            if let Some(View::Form(v)) = h.state.stack.last()
                && v.rows[v.focus].slot == Slot::Field(f)
            {
                return;
            }
            h.keys(&["<Down>"]);
        }
        panic!("{f:?} not reached");
    };
    // Typed in English, picked from the list by its English word, typed in Chinese.
    to(&mut h, PersonField::PoliticalStatus);
    h.keys(&["<C-u>"]);
    h.type_text("masses");
    h.keys(&["<Esc>"]);
    to(&mut h, PersonField::Education);
    h.keys(&["<C-u>"]);
    h.type_text("bach");
    let Some(View::Form(v)) = h.state.stack.last() else {
        panic!("no form")
    };
    assert_eq!(
        v.matches(),
        vec!["bachelor".to_string()],
        "the list speaks English"
    );
    h.keys(&["<Enter>"]);
    to(&mut h, PersonField::Degree);
    h.type_text("硕士");
    h.keys(&["<Esc>"]);
    h.keys(&["<Enter>"]);
    let queued: Vec<Edit> = crate::store::outbox::entries(h.rt.store().conn())
        .unwrap()
        .into_iter()
        .filter_map(|e| e.edit.map(|i| i.edit))
        .collect();
    let change = |field: &str, from: &str, to: &str| FieldChange {
        field: field.into(),
        from: from.into(),
        to: to.into(),
    };
    match &queued[..] {
        [Edit::PersonEdit { changes, .. }] => assert_eq!(
            changes,
            &vec![
                change("political_status", "中共党员", "群众"),
                change("education", "研究生", "大学本科"),
                change("degree", "", "硕士"),
            ]
        ),
        other => panic!("{other:?}\n{}", h.text()),
    }
}
