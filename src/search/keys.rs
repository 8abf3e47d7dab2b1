//! Pinyin keys of a name, computed once (at sync time) and stored in compact form.
//!
//! A name is read character by character: each character becomes one *syllable*
//! holding every toneless reading it may take (polyphonic characters have several).
//! The first character of a person's name is read as a surname (单 shan, 曾 zeng,
//! 区 ou …) and two-character surnames (欧阳, 尉迟, 长孙 …) are read as a unit.
//! ASCII letters and digits read as themselves; characters without a reading
//! (punctuation, emoji, the middle dot of transliterated names) are kept as
//! empty syllables, so syllable `i` is always character `i` of the name.

use pinyin::ToPinyinMulti;

/// Maximum readings kept per character (rare readings beyond this are dropped).
const MAX_READINGS: usize = 6;

/// Precomputed pinyin keys of one name.
///
/// Internally a compact byte blob, one record per character of the name:
/// `n` (number of readings, 0 for a character without reading) followed by `n`
/// readings, each as `len, bytes…` (lowercase ASCII, `ü` written `v`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NameKeys {
    pub(crate) blob: Vec<u8>,
}

/// Version tag of the encoded form.
const ENC_PREFIX: &str = "1:";

impl NameKeys {
    /// Compact text form for the cache: `1:` then one field per character,
    /// separated by spaces; readings of a character separated by commas; `_` for a
    /// character without a reading. E.g. 李乐 → `1:li le,yue`.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(ENC_PREFIX.len() + self.blob.len() + 4);
        out.push_str(ENC_PREFIX);
        for (i, syl) in self.syllables().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let mut any = false;
            for (k, r) in syl.enumerate() {
                if k > 0 {
                    out.push(',');
                }
                // Readings are ASCII by construction.
                out.push_str(std::str::from_utf8(r).unwrap_or(""));
                any = true;
            }
            if !any {
                out.push('_');
            }
        }
        out
    }

    /// Parses the form written by [`NameKeys::encode`]; `None` if malformed.
    pub fn decode(s: &str) -> Option<NameKeys> {
        let body = s.strip_prefix(ENC_PREFIX)?;
        let mut blob = Vec::with_capacity(body.len() + 8);
        if body.is_empty() {
            return Some(NameKeys { blob });
        }
        for field in body.split(' ') {
            if field == "_" {
                blob.push(0);
                continue;
            }
            let n_pos = blob.len();
            blob.push(0);
            let mut n = 0u8;
            for r in field.split(',') {
                if r.is_empty()
                    || r.len() > 32
                    || !r
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    || n as usize >= MAX_READINGS * 2
                {
                    return None;
                }
                blob.push(r.len() as u8);
                blob.extend_from_slice(r.as_bytes());
                n += 1;
            }
            blob[n_pos] = n;
        }
        Some(NameKeys { blob })
    }

    /// Readings of each character, in order; the first reading is the usual one.
    pub fn syllables(&self) -> Syllables<'_> {
        Syllables { blob: &self.blob }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.syllables().count()
    }

    /// True for the keys of an empty name.
    pub fn is_empty(&self) -> bool {
        self.blob.is_empty()
    }

    /// The keys with usual readings only: per character its first reading (the
    /// common one; for a surname the surname reading) and that reading spelt with
    /// `u` for `ü` (吕: lv, lu). The readings left out are alternate ones (立 wei,
    /// 乐 yue, 曾 ceng): still matched, but ranked below usual-reading matches.
    pub fn usual(&self) -> NameKeys {
        let mut blob = Vec::with_capacity(self.blob.len());
        self.usual_into(&mut blob);
        NameKeys { blob }
    }

    /// Appends the blob of [`NameKeys::usual`] to `out`.
    pub(crate) fn usual_into(&self, out: &mut Vec<u8>) {
        for syl in self.syllables() {
            let n_pos = out.len();
            out.push(0);
            let mut n = 0u8;
            let mut first: &[u8] = &[];
            for (k, r) in syl.enumerate() {
                if k == 0 {
                    first = r;
                } else if !is_u_spelling(first, r) {
                    continue;
                }
                out.push(r.len() as u8);
                out.extend_from_slice(r);
                n += 1;
            }
            out[n_pos] = n;
        }
    }

    /// Full pinyin with the usual reading of every character (e.g. `zhangwei`).
    pub fn full_pinyin(&self) -> String {
        let mut s = String::new();
        for mut syl in self.syllables() {
            if let Some(r) = syl.next() {
                s.push_str(std::str::from_utf8(r).unwrap_or(""));
            }
        }
        s
    }

    /// Initials with the usual reading of every character (e.g. `zw`).
    pub fn initials(&self) -> String {
        let mut s = String::new();
        for mut syl in self.syllables() {
            if let Some(r) = syl.next() {
                s.push(r[0] as char);
            }
        }
        s
    }

    /// All full-pinyin readings (cartesian product over polyphonic characters),
    /// at most `max` of them.
    pub fn full_variants(&self, max: usize) -> Vec<String> {
        self.variants(max, false)
    }

    /// All initials readings, at most `max` of them.
    pub fn initials_variants(&self, max: usize) -> Vec<String> {
        self.variants(max, true)
    }

    fn variants(&self, max: usize, initials: bool) -> Vec<String> {
        let mut out = vec![String::new()];
        for syl in self.syllables() {
            let rs: Vec<&[u8]> = syl.collect();
            if rs.is_empty() {
                continue;
            }
            let mut next = Vec::new();
            for prefix in &out {
                for r in &rs {
                    let mut s = prefix.clone();
                    if initials {
                        s.push(r[0] as char);
                    } else {
                        s.push_str(std::str::from_utf8(r).unwrap_or(""));
                    }
                    if !next.contains(&s) {
                        next.push(s);
                    }
                    if next.len() >= max {
                        break;
                    }
                }
                if next.len() >= max {
                    break;
                }
            }
            out = next;
        }
        out.truncate(max);
        out
    }
}

/// True if `r` is `first` with one or more `v` (ü) written `u`: the same reading.
pub(crate) fn is_u_spelling(first: &[u8], r: &[u8]) -> bool {
    first.len() == r.len()
        && first != r
        && first
            .iter()
            .zip(r)
            .all(|(&a, &b)| a == b || (a == b'v' && b == b'u'))
}

/// The syllables of a raw key blob (as the index stores them).
pub(crate) fn syllables_of(blob: &[u8]) -> Syllables<'_> {
    Syllables { blob }
}

/// Iterator over the syllables of a key blob.
pub struct Syllables<'a> {
    blob: &'a [u8],
}

impl<'a> Iterator for Syllables<'a> {
    type Item = Readings<'a>;
    fn next(&mut self) -> Option<Readings<'a>> {
        let (&n, rest) = self.blob.split_first()?;
        let mut len = 0;
        for _ in 0..n {
            let l = *rest.get(len)? as usize;
            len += 1 + l;
        }
        let (mine, tail) = rest.split_at(len.min(rest.len()));
        self.blob = tail;
        Some(Readings { n, blob: mine })
    }
}

/// Iterator over the readings of one syllable.
pub struct Readings<'a> {
    n: u8,
    blob: &'a [u8],
}

impl<'a> Iterator for Readings<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.n == 0 {
            return None;
        }
        let (&l, rest) = self.blob.split_first()?;
        let l = (l as usize).min(rest.len());
        let (r, tail) = rest.split_at(l);
        self.blob = tail;
        self.n -= 1;
        Some(r)
    }
}

/// Two-character surnames, read as a unit.
const COMPOUND_SURNAMES: &[(&str, [&str; 2])] = &[
    ("欧阳", ["ou", "yang"]),
    ("司马", ["si", "ma"]),
    ("诸葛", ["zhu", "ge"]),
    ("上官", ["shang", "guan"]),
    ("东方", ["dong", "fang"]),
    ("皇甫", ["huang", "fu"]),
    ("尉迟", ["yu", "chi"]),
    ("公孙", ["gong", "sun"]),
    ("慕容", ["mu", "rong"]),
    ("长孙", ["zhang", "sun"]),
    ("宇文", ["yu", "wen"]),
    ("司徒", ["si", "tu"]),
    ("夏侯", ["xia", "hou"]),
    ("令狐", ["ling", "hu"]),
    ("单于", ["chan", "yu"]),
    ("澹台", ["tan", "tai"]),
    ("万俟", ["mo", "qi"]),
    ("申屠", ["shen", "tu"]),
    ("太史", ["tai", "shi"]),
    ("端木", ["duan", "mu"]),
    ("轩辕", ["xuan", "yuan"]),
    ("呼延", ["hu", "yan"]),
    ("南宫", ["nan", "gong"]),
    ("闻人", ["wen", "ren"]),
    ("独孤", ["du", "gu"]),
    ("司空", ["si", "kong"]),
    ("钟离", ["zhong", "li"]),
    ("拓跋", ["tuo", "ba"]),
    ("百里", ["bai", "li"]),
    ("西门", ["xi", "men"]),
    ("公冶", ["gong", "ye"]),
    ("赫连", ["he", "lian"]),
    ("淳于", ["chun", "yu"]),
    ("濮阳", ["pu", "yang"]),
    ("第五", ["di", "wu"]),
    ("乐正", ["yue", "zheng"]),
    ("公羊", ["gong", "yang"]),
    ("左丘", ["zuo", "qiu"]),
    ("东郭", ["dong", "guo"]),
];

/// Single-character surnames whose surname reading differs from (or is only one
/// of) the character's readings. The first reading is the usual surname reading;
/// further ones are kept because people do use them. The character's ordinary
/// readings follow them (单雄 is found by both shanx and danx), but the surname
/// reading is the usual one used for typo tolerance and display.
const SURNAME_READINGS: &[(char, &[&str])] = &[
    ('单', &["shan"]),
    ('曾', &["zeng"]),
    ('区', &["ou"]),
    ('仇', &["qiu"]),
    ('朴', &["piao"]),
    ('解', &["xie"]),
    ('查', &["zha"]),
    ('盖', &["ge"]),
    ('覃', &["qin"]),
    ('缪', &["miao"]),
    ('翟', &["zhai"]),
    ('尉', &["wei"]),
    ('乐', &["yue", "le"]),
    ('柏', &["bai"]),
    ('秘', &["bi"]),
    ('召', &["shao"]),
    ('种', &["chong"]),
    ('繁', &["po"]),
    ('员', &["yun"]),
    ('长', &["chang"]),
    ('厍', &["she"]),
    ('折', &["she"]),
    ('郇', &["huan"]),
    ('宓', &["mi"]),
    ('黑', &["he"]),
    ('华', &["hua"]),
    ('任', &["ren"]),
    ('纪', &["ji"]),
    ('燕', &["yan"]),
    ('薄', &["bo"]),
    ('费', &["fei"]),
    ('逄', &["pang"]),
    ('阚', &["kan"]),
    ('句', &["gou"]),
    ('莘', &["shen"]),
    ('沈', &["shen"]),
    ('隗', &["wei"]),
    ('叶', &["ye"]),
    ('万', &["wan"]),
    ('石', &["shi"]),
    ('车', &["che"]),
    ('卜', &["bu"]),
    ('都', &["du"]),
    ('能', &["nai"]),
    ('藏', &["zang"]),
    ('牟', &["mou", "mu"]),
    ('祭', &["zhai"]),
    ('贲', &["ben"]),
    ('冼', &["xian"]),
    ('洗', &["xian"]),
    ('瞿', &["qu"]),
    ('甄', &["zhen"]),
    ('相', &["xiang"]),
    ('朝', &["chao"]),
    ('蔚', &["yu", "wei"]),
    ('应', &["ying"]),
    ('和', &["he"]),
    ('谌', &["chen", "shen"]),
    ('佴', &["nai"]),
    ('訾', &["zi"]),
    ('那', &["na"]),
    ('乜', &["nie"]),
    ('嵇', &["ji"]),
    ('曲', &["qu"]),
    ('殷', &["yin"]),
    ('强', &["qiang"]),
    ('重', &["chong"]),
    ('臧', &["zang"]),
    ('盛', &["sheng"]),
    ('传', &["chuan"]),
    ('阿', &["a"]),
    ('大', &["da"]),
];

/// Last characters that mark an institution rather than a person; a name ending
/// in one of them is not given surname readings by [`name_keys`].
const ORG_SUFFIXES: &[char] = &[
    '委', '府', '局', '厅', '处', '室', '所', '站', '办', '队', '部', '院', '馆', '校', '司', '社',
    '庭', '组', '县', '市', '区', '镇', '乡', '村',
];

/// Keys of a person's name: the first character (or a two-character surname) is
/// read as a surname, every other character with all its readings.
///
/// For institution names use [`unit_keys`] (区 in 区委 is qu, not ou).
pub fn name_keys(name: &str) -> NameKeys {
    let chars: Vec<char> = name.chars().collect();
    let person_like = (2..=5).contains(&chars.len())
        && chars.iter().all(|c| is_han(*c))
        && !ORG_SUFFIXES.contains(chars.last().unwrap_or(&' '));
    build_keys(&chars, person_like)
}

/// Keys of an institution's name: every character with all its readings, no
/// surname rules.
pub fn unit_keys(name: &str) -> NameKeys {
    let chars: Vec<char> = name.chars().collect();
    build_keys(&chars, false)
}

fn build_keys(chars: &[char], surname: bool) -> NameKeys {
    let mut blob = Vec::with_capacity(chars.len() * 6);
    let mut start = 0;
    if surname {
        if chars.len() >= 3 {
            let two: String = chars[..2].iter().collect();
            if let Some((_, rs)) = COMPOUND_SURNAMES.iter().find(|(s, _)| *s == two) {
                push_syllable(&mut blob, rs.iter().map(|r| r.to_string()).take(1));
                push_syllable(&mut blob, rs.iter().skip(1).map(|r| r.to_string()));
                start = 2;
            }
        }
        if start == 0
            && let Some((_, rs)) = SURNAME_READINGS.iter().find(|(c, _)| *c == chars[0])
            && !rs.is_empty()
        {
            // Surname reading first, then the character's other readings (people who
            // do not know the surname reading type the common one).
            let own = char_readings(chars[0]);
            push_syllable(&mut blob, rs.iter().map(|r| r.to_string()).chain(own));
            start = 1;
        }
    }
    for &c in &chars[start..] {
        push_syllable(&mut blob, char_readings(c).into_iter());
    }
    NameKeys { blob }
}

fn push_syllable(blob: &mut Vec<u8>, readings: impl Iterator<Item = String>) {
    let n_pos = blob.len();
    blob.push(0);
    let mut seen: Vec<String> = Vec::new();
    for r in readings {
        if r.is_empty() || r.len() > 32 || seen.contains(&r) || seen.len() >= MAX_READINGS * 2 {
            continue;
        }
        blob.push(r.len() as u8);
        blob.extend_from_slice(r.as_bytes());
        seen.push(r);
    }
    blob[n_pos] = seen.len() as u8;
}

/// Toneless readings of one character, usual reading first; `ü` becomes `v`
/// and also `u` (people type 吕 as both lv and lu).
fn char_readings(c: char) -> Vec<String> {
    if c.is_ascii_alphanumeric() {
        return vec![c.to_ascii_lowercase().to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi.into_iter().take(MAX_READINGS) {
            let plain = p.plain();
            let mut v = String::with_capacity(plain.len());
            let mut u = String::with_capacity(plain.len());
            let mut ok = true;
            for ch in plain.chars() {
                match ch {
                    'a'..='z' => {
                        v.push(ch);
                        u.push(ch);
                    }
                    'ü' => {
                        v.push('v');
                        u.push('u');
                    }
                    _ => ok = false,
                }
            }
            if !ok || v.is_empty() {
                continue;
            }
            if !out.contains(&v) {
                out.push(v);
            }
            if !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

/// CJK ideograph (the ranges names use).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}
