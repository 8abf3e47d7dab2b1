//! One shape for everything that fills the body: the tree, a unit's panels, a person,
//! the inbox, a timeline, a form, and the screens (overview, warnings, drill-downs,
//! reports, forecast). Each handles a command and answers with an action, renders
//! itself, and says which commands it answers now. The hint line is those commands
//! with the keys the keymap binds them to; help and the palette describe them from the
//! same registry (`keymap::COMMANDS`), so no list of keys is kept twice.

use super::action::Action;
use super::keymap::Cmd;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

pub trait Component {
    /// A command while it has focus; `height` is the rows a list has.
    fn handle(&mut self, cmd: Cmd, height: usize) -> Option<Action>;
    /// Draws it into `area`.
    fn render(&self, f: &mut Frame, area: Rect, theme: &Theme);
    /// The commands it answers now, the most useful first: the hint line offers those
    /// the keymap binds (after the app's own: back, find, help, quit).
    fn commands(&self) -> Vec<Cmd>;
}

/// The commands every view in the body answers through the app (not listed by each).
pub const APP_COMMANDS: &[Cmd] = &[
    Cmd::Back,
    Cmd::Search,
    Cmd::Palette,
    Cmd::Help,
    Cmd::Quit,
    Cmd::Sync,
    Cmd::GoTree,
    Cmd::Inbox,
    Cmd::AuditLog,
    Cmd::Overview,
    Cmd::Warnings,
    Cmd::Reports,
    Cmd::Forecast,
    Cmd::Refusals,
    Cmd::Legend,
    Cmd::GotoUnit,
    Cmd::SwitchPanel,
    Cmd::Compare,
    Cmd::Noop,
];

/// The moves every list answers.
pub const LIST_MOVES: &[Cmd] = &[
    Cmd::CursorDown,
    Cmd::CursorUp,
    Cmd::CursorTop,
    Cmd::CursorBottom,
    Cmd::PageDown,
    Cmd::PageUp,
];
