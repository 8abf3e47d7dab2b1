//! Staff and unit lookup: hanzi, pinyin, initials, fuzzy.
