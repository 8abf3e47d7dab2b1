//! Typed values of the store and the model in the operator's language. A warning is
//! worded by `tui::i18n::warning_text`, the one wording the screen and the export use too.

use super::words::W;
use crate::model::approval::{self, Change};
use crate::model::{Decision, Lang};
use crate::store::inbox::{Item, Standing};

/// A reason to hesitate before approving, in words.
pub fn approval_warning(w: &approval::Warning, lang: Lang) -> String {
    w.say(lang)
}

/// One figure before and after (`空编 3 → 2`), arrow in ASCII under `--ascii`.
pub fn change_text(c: &Change, lang: Lang, ascii: bool) -> String {
    c.say(lang, ascii)
}

/// Where an open request stands, in words (the inbox's status column).
pub fn standing_text(item: &Item, lang: Lang) -> String {
    let d = |d: &Decision| d.label(lang).to_string();
    match &item.standing {
        Standing::Open => String::new(),
        Standing::Queued(x) => W::StQueued.fill(lang, &[&d(x)]),
        Standing::Sent(x) => W::StSent.fill(lang, &[&d(x)]),
        Standing::Refused { reason, .. } => W::StRefused.fill(lang, &[&reason.say(lang)]),
        Standing::Decided {
            status,
            by,
            refused,
        } => {
            let decided = match by {
                Some(by) => W::StDecidedBy.fill(lang, &[&status.label(lang), by]),
                None => W::StDecided.fill(lang, &[&status.label(lang)]),
            };
            match refused {
                Some(why) => W::StRefusedDecided.fill(lang, &[&why.say(lang), &decided]),
                None => decided,
            }
        }
    }
}
