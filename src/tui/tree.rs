//! The institution tree: expand, collapse, jump to parent, type-ahead. Each row shows
//! its subtree's figures and the three-colour mark with its text mark.

use super::action::{Action, Effect};
use super::component::{Component, LIST_MOVES};
use super::data::Node;
use super::i18n::M;
use super::keymap::Cmd;
use super::theme::Theme;
use super::widgets::{self, Cursor, pad, rpad};
use crate::model::OrgId;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct TreeState {
    pub nodes: HashMap<OrgId, Node>,
    pub roots: Vec<OrgId>,
    pub kids: HashMap<OrgId, Vec<OrgId>>,
    pub parent: HashMap<OrgId, OrgId>,
    pub expanded: HashSet<OrgId>,
    /// The visible rows: (unit, depth).
    pub rows: Vec<(OrgId, usize)>,
    pub cursor: Cursor,
    /// Roots have been read from the cache (maybe none: an empty cache).
    pub loaded: bool,
    /// Typed so far for type-ahead; forgotten after a pause.
    pub typeahead: String,
    pub typeahead_idle: u8,
}

impl TreeState {
    /// Sets the tops of the tree; a single root (the jurisdiction) opens by itself.
    pub fn set_roots(&mut self, nodes: Vec<Node>) -> Option<Action> {
        *self = TreeState {
            loaded: true,
            ..TreeState::default()
        };
        self.roots = nodes.iter().map(Node::id).collect();
        for n in nodes {
            self.nodes.insert(n.id(), n);
        }
        self.rebuild();
        match self.roots.as_slice() {
            [only] if self.nodes[only].node.has_children => {
                self.expanded.insert(*only);
                Some(Action::Effect(Effect::LoadChildren(*only)))
            }
            _ => None,
        }
    }

    pub fn set_children(&mut self, parent: OrgId, nodes: Vec<Node>) {
        let ids: Vec<OrgId> = nodes.iter().map(Node::id).collect();
        for n in nodes {
            self.parent.insert(n.id(), parent);
            self.nodes.insert(n.id(), n);
        }
        self.kids.insert(parent, ids);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let selected = self.selected();
        let mut rows = Vec::new();
        let mut stack: Vec<(OrgId, usize)> = self.roots.iter().rev().map(|&id| (id, 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            rows.push((id, depth));
            if let Some(k) = self.kids.get(&id).filter(|_| self.expanded.contains(&id)) {
                stack.extend(k.iter().rev().map(|&c| (c, depth + 1)));
            }
        }
        self.rows = rows;
        if let Some(pos) = selected.and_then(|id| self.rows.iter().position(|r| r.0 == id)) {
            self.cursor.pos = pos;
        }
        self.cursor.pos = self.cursor.pos.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<OrgId> {
        self.rows.get(self.cursor.pos).map(|r| r.0)
    }

    pub fn select(&mut self, id: OrgId, height: usize) {
        if let Some(pos) = self.rows.iter().position(|r| r.0 == id) {
            self.cursor.set(pos, self.rows.len(), height);
        }
    }

    /// The unit and its ancestors, root first.
    pub fn path(&self, id: OrgId) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            if let Some(n) = self.nodes.get(&i) {
                out.push(n);
            }
            at = self.parent.get(&i).copied();
        }
        out.reverse();
        out
    }

    /// Applies the children lists that lead to a unit and puts the cursor on it.
    pub fn reveal(&mut self, target: OrgId, levels: Vec<(OrgId, Vec<Node>)>, height: usize) {
        for (parent, nodes) in levels {
            self.expanded.insert(parent);
            self.set_children(parent, nodes);
        }
        self.select(target, height);
    }

    fn expand(&mut self, id: OrgId) -> Option<Action> {
        if !self.nodes.get(&id).is_some_and(|n| n.node.has_children) || self.expanded.contains(&id)
        {
            return None;
        }
        self.expanded.insert(id);
        if self.kids.contains_key(&id) {
            self.rebuild();
            None
        } else {
            Some(Action::Effect(Effect::LoadChildren(id)))
        }
    }

    fn collapse(&mut self, id: OrgId) -> bool {
        if self.expanded.remove(&id) {
            self.rebuild();
            true
        } else {
            false
        }
    }

    pub fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        self.typeahead.clear();
        let id = self.selected()?;
        match cmd {
            Cmd::Expand => self.expand(id),
            Cmd::Collapse => {
                if !self.collapse(id) {
                    self.go_to_parent(id, height);
                }
                None
            }
            Cmd::Toggle => {
                if self.collapse(id) {
                    None
                } else {
                    self.expand(id)
                }
            }
            Cmd::Parent => {
                self.go_to_parent(id, height);
                None
            }
            Cmd::Open => Some(Action::Effect(Effect::LoadUnit(id))),
            other => {
                self.cursor.apply(other, self.rows.len(), height);
                None
            }
        }
    }

    fn go_to_parent(&mut self, id: OrgId, height: usize) {
        if let Some(&p) = self.parent.get(&id) {
            self.select(p, height);
        }
    }

    /// Type-ahead: jumps to the next visible unit whose name (or short name) contains
    /// what was typed, or whose pinyin initials, or those of a name people say for it
    /// (`jyj`: 教育局), start with it.
    pub fn type_ahead(&mut self, text: &str, height: usize) -> bool {
        let extending = !self.typeahead.is_empty();
        self.typeahead.push_str(text);
        self.typeahead_idle = 0;
        let q = self.typeahead.to_lowercase();
        let n = self.rows.len();
        // Extending the typed text may keep the current row; a fresh start looks past it.
        let start = if extending { 0 } else { 1 };
        for step in start..n + start {
            let pos = (self.cursor.pos + step) % n.max(1);
            let Some(node) = self.rows.get(pos).and_then(|r| self.nodes.get(&r.0)) else {
                continue;
            };
            if node.name().contains(&*q)
                || node.short().contains(&*q)
                || node.initials.iter().any(|i| i.starts_with(&q))
            {
                self.cursor.set(pos, n, height);
                return true;
            }
        }
        false
    }

    /// Called once a second: type-ahead forgets after a pause.
    pub fn tick(&mut self) -> bool {
        if self.typeahead.is_empty() {
            return false;
        }
        self.typeahead_idle += 1;
        if self.typeahead_idle >= 2 {
            self.typeahead.clear();
            return true;
        }
        false
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let lang = theme.lang;
        let mut title = vec![Span::raw(format!(" {} ", M::Tree.get(lang)))];
        if !self.typeahead.is_empty() {
            title.push(Span::styled(format!("[{}] ", self.typeahead), theme.key()));
        }
        let block = widgets::block(theme, Line::from(title), focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if inner.height < 2 || inner.width < 10 {
            return;
        }
        let w = inner.width as usize;
        let cols = Columns::for_width(w, lang);
        let mut lines = vec![cols.header(theme, w)];
        let height = inner.height as usize - 1;
        let (open, closed, leaf) = theme.arrows();
        for (i, &(id, depth)) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.cursor.offset)
            .take(height)
        {
            let Some(n) = self.nodes.get(&id) else {
                continue;
            };
            let arrow = if !n.node.has_children {
                leaf
            } else if self.expanded.contains(&id) {
                open
            } else {
                closed
            };
            let indent = "  ".repeat(depth.min(12));
            let mut name = n.name().to_string();
            if n.node.org.abolished {
                name.push_str(&super::i18n::paren(lang, M::FAbolished.get(lang)));
            }
            let name_w = w.saturating_sub(cols.width() + indent.len() + 2);
            // The cursor is a bar from the tree's left edge to the name: the row's
            // indent and arrow marked, the name itself as on every row. A move then
            // writes again two bars of blanks and an arrow (a few bytes each), never
            // the names, however long (issue 19: a move writes no more than `less`
            // scrolling a line; marking the name cost six bytes a hanzi, twice).
            let mark = if i == self.cursor.pos && focused {
                theme.selected()
            } else {
                Style::new()
            };
            let mut spans = vec![
                Span::styled(format!("{indent}{arrow}"), mark),
                Span::raw(pad(&name, name_w, theme.ellipsis())),
            ];
            spans.extend(cols.figures(theme, &n.node));
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// Which figure columns fit: all six on a wide terminal, four on 80 columns, 空编 and
/// 超编 side by side on a narrow one (a subtree can have both: one signed balance would
/// hide one of them). A red mark says what it is for (超编 or 超职数). The mark comes
/// last: its width is ambiguous in East Asian terminals, so nothing after it can be
/// pushed out of line.
struct Columns {
    wide: bool,
    narrow: bool,
    /// The widest word a red mark carries, in this language.
    word: usize,
    /// Cells per figure: 已批未用 takes eight, so the wide layout gives each nine.
    num: usize,
}

const NUM: usize = 7;

impl Columns {
    fn for_width(w: usize, lang: crate::model::Lang) -> Columns {
        use unicode_width::UnicodeWidthStr;
        Columns {
            wide: w >= 110,
            narrow: w < 60,
            word: [M::MarkOver, M::MarkPostsOver, M::MarkBothOver]
                .iter()
                .map(|m| m.get(lang).width())
                .max()
                .unwrap_or(0),
            num: if w >= 110 { NUM + 2 } else { NUM },
        }
    }
    fn width(&self) -> usize {
        let n = if self.narrow {
            2
        } else if self.wide {
            6
        } else {
            4
        };
        // A space, the word, the mark, a space.
        n * self.num + self.word + 3
    }
    fn heads(&self) -> Vec<M> {
        if self.narrow {
            vec![M::ColVacant, M::ColOver]
        } else if self.wide {
            vec![
                M::ColApproved,
                M::ColActual,
                M::ColVacant,
                M::ColOver,
                M::ColReserved,
                M::ColUsable,
            ]
        } else {
            vec![M::ColApproved, M::ColActual, M::ColVacant, M::ColOver]
        }
    }
    fn header(&self, theme: &Theme, w: usize) -> Line<'static> {
        let lang = theme.lang;
        let mut s = pad(
            M::Unit.get(lang),
            w.saturating_sub(self.width()),
            theme.ellipsis(),
        );
        for h in self.heads() {
            s.push_str(&rpad(h.get(lang), self.num));
        }
        Line::styled(s, theme.header())
    }
    fn figures(&self, theme: &Theme, n: &crate::store::queries::TreeNode) -> Vec<Span<'static>> {
        use crate::model::quota::Traffic;
        let t = &n.total;
        let over = |v: i64| {
            if v > 0 {
                Span::styled(rpad(&v.to_string(), self.num), theme.traffic(Traffic::Red))
            } else {
                Span::raw(rpad("0", self.num))
            }
        };
        let num = |v: i64| Span::raw(rpad(&v.to_string(), self.num));
        let mut out = if self.narrow {
            vec![num(t.vacant), over(t.over)]
        } else {
            vec![num(t.approved), num(t.actual), num(t.vacant), over(t.over)]
        };
        if self.wide {
            out.push(num(t.reserved));
            out.push(num(t.usable));
        }
        // Red says which: 超编 (a staffing type is over), 超职数 (a leadership post is),
        // or both.
        let word = match (t.over > 0, n.posts_over > 0) {
            (true, true) => M::MarkBothOver.get(theme.lang),
            (true, false) => M::MarkOver.get(theme.lang),
            (false, true) => M::MarkPostsOver.get(theme.lang),
            (false, false) => "",
        };
        out.push(Span::raw(" "));
        out.push(Span::styled(
            format!("{}{}", rpad(word, self.word), theme.mark(n.traffic)),
            theme.traffic(n.traffic),
        ));
        out.push(Span::raw(" "));
        out
    }
}

/// The unit tree.
impl Component for TreeState {
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action> {
        TreeState::handle(self, cmd, height)
    }

    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        TreeState::render(self, f, area, theme, true);
    }

    fn commands(&self) -> Vec<Cmd> {
        [
            &[
                Cmd::Open,
                Cmd::Expand,
                Cmd::Collapse,
                Cmd::Toggle,
                Cmd::Parent,
                Cmd::AddPerson,
            ],
            LIST_MOVES,
        ]
        .concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quota::{QuotaFigure, Traffic};
    use crate::model::{Lang, Org, OrgKind};
    use crate::store::queries::TreeNode;

    fn node(over: i64, posts_over: i64) -> TreeNode {
        TreeNode {
            org: Org {
                id: 1,
                parent_id: None,
                kind: OrgKind::Institution,
                name: "县教育局".into(),
                short_name: None,
                category: None,
                level: None,
                nature: None,
                credit_code: None,
                domain_name: None,
                founding_doc: None,
                founding_date: None,
                sort: 0,
                abolished: false,
            },
            has_children: false,
            depth: 0,
            total: QuotaFigure {
                approved: 10,
                actual: 10 + over,
                over,
                ..Default::default()
            },
            posts_over,
            traffic: if over + posts_over > 0 {
                Traffic::Red
            } else {
                Traffic::Green
            },
        }
    }

    fn mark(n: &TreeNode, lang: Lang) -> String {
        let theme = Theme {
            color: false,
            ascii: false,
            lang,
        };
        let cols = Columns::for_width(80, lang);
        let spans = cols.figures(&theme, n);
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        text.split_whitespace().last().unwrap_or("").to_string()
    }

    #[test]
    fn a_red_mark_says_over_quota_over_posts_or_both() {
        assert_eq!(mark(&node(2, 0), Lang::Zh), "超编●");
        assert_eq!(mark(&node(0, 1), Lang::Zh), "超职数●");
        assert_eq!(mark(&node(2, 1), Lang::Zh), "超编超职●");
        assert_eq!(mark(&node(2, 1), Lang::En), "both●");
        assert_eq!(mark(&node(0, 0), Lang::Zh), "○");
    }
}
