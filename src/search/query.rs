//! A query: normalised text, its class (pinyin or hanzi) and its typo budget.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Class {
    /// Only ASCII letters and digits: pinyin, initials.
    Ascii,
    /// No ASCII letters or digits: hanzi (or other) text.
    Text,
    /// Both, e.g. `张w`.
    Mixed,
}

pub(super) struct Query {
    pub(super) chars: Vec<char>,
    pub(super) codes: Vec<u32>,
    pub(super) text: String,
    pub(super) class: Class,
    pub(super) mask: u32,
    /// Edits tolerated by the typo tier.
    pub(super) k: u8,
    /// Whether fuzzy (subsequence) hits are shown.
    pub(super) fuzzy_on: bool,
    /// Pattern masks for the typo tier.
    pub(super) pm: Box<[u64; 128]>,
    /// Letters among the first 2k+1 of the query.
    pub(super) head_mask: u32,
    /// For a one-letter query (a–z): its bit.
    pub(super) letter: Option<u32>,
}

pub(super) fn normalize(raw: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in raw.chars() {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\'' | '\u{2019}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}'
            )
        {
            continue;
        }
        out.push(c.to_ascii_lowercase());
        if out.len() >= MAX_QUERY_CHARS {
            break;
        }
    }
    out
}

pub(super) fn typo_budget(class: Class, len: usize) -> u8 {
    match (class, len) {
        (Class::Ascii, 9..) => 2,
        (Class::Ascii, 5..) => 1,
        _ => 0,
    }
}

impl Query {
    pub(super) fn new(chars: Vec<char>) -> Query {
        let alnum = chars.iter().filter(|c| c.is_ascii_alphanumeric()).count();
        let class = if alnum == chars.len() {
            Class::Ascii
        } else if alnum == 0 {
            Class::Text
        } else {
            Class::Mixed
        };
        let mask = chars
            .iter()
            .filter(|c| c.is_ascii())
            .fold(0, |m, &c| m | letter_bit(c as u8));
        let k = typo_budget(class, chars.len());
        let fuzzy_on = match class {
            Class::Ascii => chars.len() >= 3,
            Class::Text => chars.len() >= 2,
            Class::Mixed => false,
        };
        let codes: Vec<u32> = chars.iter().map(|&c| c as u32).collect();
        let head_mask = chars.iter().take(2 * k as usize + 1).fold(0, |m, &c| {
            m | if c.is_ascii() { letter_bit(c as u8) } else { 0 }
        });
        let letter = match chars.as_slice() {
            [c @ 'a'..='z'] => Some(letter_bit(*c as u8)),
            _ => None,
        };
        Query {
            letter,
            head_mask,
            pm: pattern_masks(&codes),
            codes,
            text: chars.iter().collect(),
            chars,
            class,
            mask,
            k,
            fuzzy_on,
        }
    }
}
