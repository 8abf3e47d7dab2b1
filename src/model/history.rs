//! What a history event records, typed: the interface words it in the operator's
//! language (`tui::i18n::history_text`). Names of units and persons' ranks and titles are
//! data, kept as they were on the day; everything else is a term of a vocabulary.
//!
//! An event recorded before events were typed (or entered by hand elsewhere) has no
//! detail and keeps its sentence in `Event::summary`.
//!
//! A person's event names no unit the event's `from_org` / `to_org` already points to
//! (`None` below): a city's 200,000 entries would otherwise each carry a name on the
//! wire. The interface says that unit's name.

use super::{EntryForm, ExitKind, Level, PostSlot, StaffingType};
use serde::{Deserialize, Serialize};

/// One field's change, as the history keeps it: the edit's own change, with personal
/// data already masked and an empty value for none.
pub use super::edit::FieldChange;

/// What happened, with the values the sentence needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Detail {
    /// 入编 a unit (`None`: the event's `to_org`), with the way in when it is known
    /// (考试录用, 公开招聘 …).
    Entered {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<EntryForm>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// None is 编外.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        staffing: Option<StaffingType>,
    },
    /// 调入 a unit from another (`None`: the event's `from_org`, `to_org`).
    TransferredIn {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// 出编: how, and from which unit (`None`: the event's `from_org`, if any).
    Exited {
        exit: ExitKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// 误减恢复: back on the books.
    Restored,
    /// 晋升 to a rank (the rank as the data names it).
    Promoted {
        rank: String,
    },
    /// 任 a title in a unit.
    Appointed {
        unit: String,
        title: String,
    },
    /// 使用 a leadership post of the unit.
    LeaderPost {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        slot: Option<PostSlot>,
    },
    /// A person's fields changed.
    PersonChanged {
        changes: Vec<FieldChange>,
    },
    /// A unit's fields changed.
    OrgChanged {
        changes: Vec<FieldChange>,
    },
    /// 设立 a unit; a department names the unit it belongs to.
    Founded {
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dept_of: Option<String>,
    },
    /// 撤销 a unit; its duties may go to another.
    Abolished {
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duties_to: Option<String>,
    },
    /// A unit merged into this one.
    Merged {
        unit: String,
        into: String,
    },
    /// This unit split off another.
    Split {
        from: String,
        new: String,
    },
    Renamed {
        old: String,
        new: String,
    },
    /// 隶属调整: under another unit (from the one named, when it is).
    Moved {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        under: String,
    },
    /// 机构规格 changed (from none when the unit had no level).
    LevelChanged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Level>,
        to: Level,
    },
    /// A quota ledger entry: the staffing type, the change and the entry's own summary.
    QuotaChanged {
        staffing: StaffingType,
        delta: i32,
        note: String,
    },
    /// A leadership-post ledger entry.
    PostsChanged {
        slot: PostSlot,
        delta: i32,
        note: String,
    },
}

impl Detail {
    /// The data's own text the detail carries (names, ranks, titles, notes, masked
    /// values): what stays as it is in any language.
    pub fn data_values(&self) -> Vec<&str> {
        fn opt(s: &Option<String>) -> Vec<&str> {
            s.as_deref().into_iter().collect()
        }
        match self {
            Detail::Entered { unit, .. } => opt(unit),
            Detail::TransferredIn { from, to } => [opt(from), opt(to)].concat(),
            Detail::Exited { unit, .. } => opt(unit),
            Detail::Restored | Detail::LeaderPost { .. } | Detail::LevelChanged { .. } => {
                Vec::new()
            }
            Detail::Promoted { rank } => vec![rank.as_str()],
            Detail::Appointed { unit, title } => vec![unit.as_str(), title.as_str()],
            Detail::PersonChanged { changes } | Detail::OrgChanged { changes } => changes
                .iter()
                .flat_map(|c| [c.from.as_str(), c.to.as_str()])
                .filter(|s| !s.is_empty())
                .collect(),
            Detail::Founded { unit, dept_of } => [vec![unit.as_str()], opt(dept_of)].concat(),
            Detail::Abolished { unit, duties_to } => [vec![unit.as_str()], opt(duties_to)].concat(),
            Detail::Merged { unit, into } => vec![unit.as_str(), into.as_str()],
            Detail::Split { from, new } => vec![from.as_str(), new.as_str()],
            Detail::Renamed { old, new } => vec![old.as_str(), new.as_str()],
            Detail::Moved { from, under } => [opt(from), vec![under.as_str()]].concat(),
            Detail::QuotaChanged { note, .. } | Detail::PostsChanged { note, .. } => {
                vec![note.as_str()]
            }
        }
    }
}
