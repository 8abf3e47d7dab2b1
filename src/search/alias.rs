//! The names people say for a unit: its short name, its name without the region, the
//! region's level word in front (县教育局), and the abbreviation built word by word
//! (卫生健康委员会 → 卫健委, 人力资源和社会保障局 → 人社局, 机构编制委员会办公室 → 编办).
//!
//! The abbreviation follows the usual rule of Chinese official short forms: each known
//! word of the body gives its first character (or its fixed short form), the connective
//! 和 is dropped, and the organ word keeps its short form (委员会 → 委, 办公室 → 办,
//! 局 → 局). A body with a word outside the table gets no abbreviation (only the forms
//! without and with the region's level word), so nothing is guessed.

/// Words of a unit's body and their short forms, longest first where they overlap.
const WORDS: &[(&str, &str)] = &[
    ("工业和信息化", "工信"),
    ("退役军人事务", "退役军人"),
    ("民族宗教事务", "民宗"),
    ("人力资源", "人"),
    ("社会保障", "社"),
    ("城乡建设", "建"),
    ("机构编制", "编"),
    ("监督管理", "监管"),
    ("纪律检查", "纪检"),
    ("生态环境", "环"),
    ("农业农村", "农"),
    ("交通运输", "交"),
    ("科学技术", "科技"),
    ("应急管理", "应急"),
    ("医疗保障", "医保"),
    ("自然资源", "自然资源"),
    ("卫生", "卫"),
    ("健康", "健"),
    ("发展", "发"),
    ("改革", "改"),
    ("住房", "住"),
    ("市场", "市场"),
    ("文化", "文"),
    ("广电", "广"),
    ("旅游", "旅"),
    ("体育", "体"),
    ("规划", "规"),
    ("政法", "政法"),
    ("统战", "统战"),
    ("教育", "教育"),
    ("公安", "公安"),
    ("财政", "财政"),
    ("审计", "审计"),
    ("司法", "司法"),
    ("民政", "民政"),
    ("水利", "水利"),
    ("商务", "商务"),
    ("信访", "信访"),
    ("统计", "统计"),
];

/// Organ words ending a body, with their short forms (several where people use several:
/// 机构编制委员会办公室 is 编委办 and, most often, 编办).
const ORGANS: &[(&str, &[&str])] = &[
    ("委员会办公室", &["委办", "办"]),
    ("委员会", &["委"]),
    ("办公室", &["办"]),
    ("局", &["局"]),
];

/// Level words that end a region's name (青山县, 示例市, 东城区).
const REGION_ENDS: &[char] = &['县', '市', '区', '州', '旗'];

/// The names people say for a unit named `name` with short name `short`, without
/// `name` itself and without repeats, in no particular order.
pub fn unit_aliases(name: &str, short: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let add = |s: String, out: &mut Vec<String>| {
        if s.chars().count() >= 2 && s != name && !out.contains(&s) {
            out.push(s);
        }
    };
    if let Some(s) = short.map(str::trim).filter(|s| !s.is_empty()) {
        add(s.to_string(), &mut out);
    }
    let rest = name.strip_prefix("中共").unwrap_or(name);
    // The region: the first level word within the first eight characters.
    let Some((level, body)) = rest
        .char_indices()
        .take(8)
        .find(|(_, c)| REGION_ENDS.contains(c))
        .map(|(p, c)| (c, &rest[p + c.len_utf8()..]))
    else {
        return out;
    };
    if body.chars().count() < 2 {
        return out;
    }
    // A party organ of the region's committee: 中共青山县委机构编制委员会办公室.
    let (party, body) = match body.strip_prefix('委') {
        Some(b) if name.starts_with("中共") && b.chars().count() >= 2 => (true, b),
        _ => (false, body),
    };
    let mut prefixes = vec![level.to_string()];
    if party {
        prefixes.insert(0, format!("{level}委"));
    }
    let mut forms = vec![body.to_string()];
    forms.extend(abbreviations(body));
    for f in &forms {
        add(f.clone(), &mut out);
        for p in &prefixes {
            add(format!("{p}{f}"), &mut out);
        }
    }
    out
}

/// Word-by-word short forms of a unit's body (without region), none when a word is
/// not in the table.
fn abbreviations(body: &str) -> Vec<String> {
    let Some((organ, shorts)) = ORGANS.iter().find(|(o, _)| body.ends_with(o)) else {
        return Vec::new();
    };
    let mut words = &body[..body.len() - organ.len()];
    let mut head = String::new();
    while !words.is_empty() {
        if let Some(w) = words.strip_prefix('和') {
            words = w;
            continue;
        }
        match WORDS.iter().find(|(w, _)| words.starts_with(w)) {
            Some((w, s)) => {
                head.push_str(s);
                words = &words[w.len()..];
            }
            None => return Vec::new(),
        }
    }
    if head.is_empty() {
        return Vec::new();
    }
    shorts.iter().map(|s| format!("{head}{s}")).collect()
}

/// The most common full names in China (national household-registration statistics,
/// most common first). Initials are ambiguous (`zw`: 张伟, 张文, 赵文, 周伟 …); among
/// equally good matches by initials, these names come first, in this order: the name
/// someone typing `zw` means is most often 张伟.
const COMMON_NAMES: &[&str] = &[
    "张伟",
    "王伟",
    "王芳",
    "李伟",
    "王秀英",
    "李秀英",
    "李娜",
    "张秀英",
    "刘伟",
    "张敏",
    "李静",
    "张丽",
    "王静",
    "王丽",
    "李强",
    "张静",
    "李敏",
    "王敏",
    "王磊",
    "李军",
    "刘洋",
    "王勇",
    "张勇",
    "王艳",
    "李杰",
    "张磊",
    "王强",
    "王军",
    "张杰",
    "李娟",
    "张艳",
    "张涛",
    "王涛",
    "李明",
    "李艳",
    "王超",
    "李勇",
    "王娟",
    "刘杰",
    "王秀兰",
    "李霞",
    "刘敏",
    "张军",
    "李丽",
    "张强",
    "王平",
    "王刚",
    "王杰",
    "李桂英",
    "刘芳",
];

/// Rank bonus of a person's name among [`COMMON_NAMES`]: 0 for a name not in it,
/// higher for a more common one (at most 500).
pub(super) fn common_name_bonus(name: &str) -> u16 {
    COMMON_NAMES
        .iter()
        .position(|n| *n == name)
        .map_or(0, |r| ((COMMON_NAMES.len() - r) * 10) as u16)
}
