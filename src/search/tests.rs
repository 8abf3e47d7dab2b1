use super::*;

fn person(id: i64, name: &str, unit: &str) -> Entry {
    Entry::new(EntryKind::Person, id, name, unit, "科员 行政编制")
}

fn org(id: i64, name: &str, parent: &str) -> Entry {
    Entry::new(EntryKind::Org, id, name, parent, "正科级")
}

fn index(entries: Vec<Entry>) -> Arc<SearchIndex> {
    Arc::new(SearchIndex::build(entries))
}

/// Names of the hits, best first.
fn names(idx: &SearchIndex, q: &str) -> Vec<String> {
    search(idx, q, 50)
        .into_iter()
        .map(|h| idx.entry(h.index).name.clone())
        .collect()
}

fn tier_of(idx: &SearchIndex, q: &str, name: &str) -> Option<i64> {
    search(idx, q, 1000)
        .into_iter()
        .find(|h| idx.entry(h.index).name == name)
        .map(|h| h.score / tier::TIER)
}

fn finds(idx: &SearchIndex, q: &str, name: &str) -> bool {
    tier_of(idx, q, name).is_some_and(|t| t >= tier::INNER)
}

fn sample() -> Arc<SearchIndex> {
    index(vec![
        person(1, "张伟", "商丘市/民权县/教育局"),
        person(2, "张伟明", "商丘市/民权县/财政局"),
        person(3, "李张伟", "商丘市/睢县/公安局"),
        person(4, "王芳", "商丘市/民权县/教育局"),
        person(5, "单雄", "商丘市/梁园区/卫生健康委员会"),
        person(6, "曾国藩", "商丘市/梁园区/人民政府办公室"),
        person(7, "区志强", "商丘市/虞城县/交通运输局"),
        person(8, "仇红梅", "商丘市/虞城县/交通运输局"),
        person(9, "朴正义", "商丘市/夏邑县/民政局"),
        person(10, "解文华", "商丘市/夏邑县/民政局"),
        person(11, "查良镛", "商丘市/柘城县/文化广电和旅游局"),
        person(12, "盖丽丽", "商丘市/柘城县/文化广电和旅游局"),
        person(13, "欧阳修", "商丘市/宁陵县/教育局"),
        person(14, "李乐", "商丘市/宁陵县/教育局"),
        person(15, "王重", "商丘市/宁陵县/司法局"),
        person(16, "尉迟恭", "商丘市/宁陵县/司法局"),
        person(17, "长孙无忌", "商丘市/宁陵县/司法局"),
        person(18, "吕娜", "商丘市/永城市/统计局"),
        person(19, "赵文", "商丘市/永城市/统计局"),
        person(20, "周伟", "商丘市/永城市/统计局"),
        org(101, "教育局", "商丘市/民权县"),
        org(102, "第一中学", "商丘市/民权县/教育局"),
        org(103, "区委办公室", "商丘市/梁园区"),
    ])
}

#[test]
fn keys_encode_decode() {
    let k = name_keys("张伟");
    assert_eq!(k.encode(), "1:zhang wei");
    assert_eq!(NameKeys::decode(&k.encode()), Some(k.clone()));
    assert_eq!(k.full_pinyin(), "zhangwei");
    assert_eq!(k.initials(), "zw");
    let k = name_keys("李乐");
    assert!(k.full_variants(8).contains(&"lile".to_string()));
    assert!(k.full_variants(8).contains(&"liyue".to_string()));
    assert_eq!(NameKeys::decode(&k.encode()), Some(k));
    let k = name_keys("A·b");
    assert_eq!(k.encode(), "1:a _ b");
    assert_eq!(NameKeys::decode(&k.encode()), Some(k));
    assert_eq!(NameKeys::decode("1:").map(|k| k.len()), Some(0));
    assert_eq!(name_keys("").encode(), "1:");
    for bad in [
        "",
        "zhang wei",
        "1:zhang  wei",
        "1:Zhang",
        "1:zh,",
        "2:zhang",
        "1:张",
    ] {
        assert_eq!(NameKeys::decode(bad), None, "{bad:?}");
    }
}

#[test]
fn surname_readings_come_first() {
    for (name, full) in [
        ("单雄", "shanxiong"),
        ("曾国藩", "zengguofan"),
        ("区志强", "ouzhiqiang"),
        ("仇红梅", "qiuhongmei"),
        ("朴正义", "piaozhengyi"),
        ("解文华", "xiewenhua"),
        ("查良镛", "zhaliangyong"),
        ("盖丽丽", "gelili"),
        ("欧阳修", "ouyangxiu"),
        ("尉迟恭", "yuchigong"),
        ("长孙无忌", "zhangsunwuji"),
    ] {
        assert_eq!(name_keys(name).full_pinyin(), full, "{name}");
    }
    // Institutions are not read with surname rules.
    assert!(unit_keys("区委办公室").full_pinyin().starts_with("qu"));
    assert!(name_keys("区委").full_pinyin().starts_with("qu"));
    assert!(
        unit_keys("单县")
            .full_variants(4)
            .contains(&"shanxian".to_string())
    );
}

#[test]
fn zhang_wei_by_hanzi_initials_pinyin_and_mixed() {
    let idx = sample();
    for q in [
        "张伟",
        "zw",
        "zhangw",
        "zhangwei",
        "张w",
        "ZhangWei",
        "zhang wei",
        "ｚｗ",
        "zhw",
    ] {
        assert_eq!(
            names(&idx, q).first().map(String::as_str),
            Some("张伟"),
            "{q}"
        );
        assert_eq!(tier_of(&idx, q, "张伟"), Some(tier::EXACT), "{q}");
    }
}

#[test]
fn special_surnames() {
    let idx = sample();
    for (q, name) in [
        ("shanx", "单雄"),
        ("danx", "单雄"),
        ("zengguo", "曾国藩"),
        ("zgf", "曾国藩"),
        ("ouzhi", "区志强"),
        ("ozq", "区志强"),
        ("qiuhong", "仇红梅"),
        ("piaozheng", "朴正义"),
        ("xiewen", "解文华"),
        ("xwh", "解文华"),
        ("zhaliang", "查良镛"),
        ("geli", "盖丽丽"),
        ("oyx", "欧阳修"),
        ("ouyang", "欧阳修"),
        ("ouyangxiu", "欧阳修"),
        ("yuchi", "尉迟恭"),
        ("ycg", "尉迟恭"),
        ("zhangsun", "长孙无忌"),
        ("lvna", "吕娜"),
        ("luna", "吕娜"),
    ] {
        assert!(
            finds(&idx, q, name),
            "{q} should find {name}: {:?}",
            names(&idx, q)
        );
    }
    // The character's ordinary readings still work, for people who do not know.
    assert!(finds(&idx, "cengguo", "曾国藩"));
    // But a reading the character does not have does not.
    assert!(!finds(&idx, "zangguo", "曾国藩"));
}

#[test]
fn polyphonic_given_names_match_every_reading() {
    let idx = sample();
    for (q, name) in [
        ("lile", "李乐"),
        ("liyue", "李乐"),
        ("ly", "李乐"),
        ("wangzhong", "王重"),
        ("wangchong", "王重"),
        ("wc", "王重"),
    ] {
        assert_eq!(tier_of(&idx, q, name), Some(tier::EXACT), "{q} {name}");
    }
}

#[test]
fn unit_name_finds_its_people_and_units() {
    let idx = sample();
    let hits = names(&idx, "教育局");
    assert_eq!(hits[0], "教育局", "{hits:?}");
    for n in ["张伟", "王芳", "欧阳修", "李乐", "第一中学"] {
        assert_eq!(tier_of(&idx, "教育局", n), Some(tier::UNIT), "{n}");
    }
    assert_eq!(tier_of(&idx, "教育局", "张伟明"), None);
    // Institutions by pinyin.
    assert_eq!(
        names(&idx, "jyj").first().map(String::as_str),
        Some("教育局")
    );
    assert_eq!(
        names(&idx, "diyizhongxue").first().map(String::as_str),
        Some("第一中学")
    );
    assert_eq!(tier_of(&idx, "qwbgs", "区委办公室"), Some(tier::EXACT));
}

#[test]
fn ranking_order() {
    let idx = index(vec![
        person(1, "李张伟", "某局"),
        person(2, "张伟明", "某局"),
        person(3, "王五", "张伟工作室"),
        person(4, "张伟", "某局"),
        person(5, "张小伟", "某局"),
    ]);
    assert_eq!(
        names(&idx, "张伟"),
        ["张伟", "张伟明", "李张伟", "王五", "张小伟"]
    );
    let t: Vec<i64> = search(&idx, "张伟", 10)
        .iter()
        .map(|h| h.score / tier::TIER)
        .collect();
    assert_eq!(
        t,
        [
            tier::EXACT,
            tier::PREFIX,
            tier::INNER,
            tier::UNIT,
            tier::FUZZY
        ]
    );
    assert_eq!(names(&idx, "zhangwei")[..3], ["张伟", "张伟明", "李张伟"]);
    // Full pinyin and initials both put the exact name first.
    assert_eq!(names(&idx, "zw")[..2], ["张伟", "张伟明"]);
    // Literal name over a reading: 张伟 (exact) before other initials-complete names.
    let idx = index(vec![person(1, "周文", "x"), person(2, "张伟", "x")]);
    assert_eq!(names(&idx, "zhangwei"), ["张伟"]);
    let h = search(&idx, "zw", 10);
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].score / tier::TIER, tier::EXACT);
}

#[test]
fn exact_pinyin_outranks_initials_completion() {
    // "zhou" is the whole of 周 but only a prefix reading for 张欧 (z + hou? no).
    let idx = index(vec![person(1, "朱华", "x"), person(2, "周", "x")]);
    let h = search(&idx, "zhou", 10);
    assert_eq!(idx.entry(h[0].index).name, "周");
    assert!(h[0].score > tier::EXACT * tier::TIER + 850_000);
}

#[test]
fn typos_are_tolerated_but_rank_low() {
    let idx = sample();
    for q in ["zhnagwei", "zhangwie", "zhangwej", "ouyangxui"] {
        let t = tier_of(
            &idx,
            q,
            if q.starts_with('o') {
                "欧阳修"
            } else {
                "张伟"
            },
        );
        assert_eq!(t, Some(tier::TYPO), "{q}");
    }
    // Too short for typos.
    assert_eq!(tier_of(&idx, "zhnag", "张伟"), Some(tier::TYPO));
    assert_eq!(tier_of(&idx, "zhn", "张伟"), Some(tier::FUZZY));
    assert_eq!(tier_of(&idx, "zhnx", "张伟"), None);
    // Subsequence: fuzzy tier.
    assert_eq!(tier_of(&idx, "zhgwi", "张伟"), Some(tier::FUZZY));
    assert_eq!(tier_of(&idx, "张明", "张伟明"), Some(tier::FUZZY));
}

#[test]
fn positions_mark_matched_characters() {
    let idx = sample();
    let pos = |q: &str, name: &str| {
        search(&idx, q, 100)
            .into_iter()
            .find(|h| idx.entry(h.index).name == name)
            .map(|h| h.positions)
    };
    assert_eq!(pos("zw", "张伟明"), Some(vec![0, 1]));
    assert_eq!(pos("weiming", "张伟明"), Some(vec![1, 2]));
    assert_eq!(pos("伟明", "张伟明"), Some(vec![1, 2]));
    assert_eq!(pos("张wm", "张伟明"), Some(vec![0, 1, 2]));
    assert_eq!(pos("教育局", "王芳"), Some(vec![]));
}

#[test]
fn empty_and_hostile_input() {
    let idx = sample();
    let mut s = Searcher::new(idx.clone());
    assert!(s.query("", 10).is_empty());
    assert!(s.query("  \t\n", 10).is_empty());
    assert!(s.query("\u{0}\u{7}\u{1b}[2J", 10).is_empty() || s.query("\u{1b}[2J", 10).len() <= 10);
    let long = "z".repeat(10_000);
    let mixed: String = "张w😀\u{0}".repeat(2_500);
    let t = std::time::Instant::now();
    assert!(s.query(&long, 10).is_empty());
    let _ = s.query(&mixed, 10);
    let _ = s.query("😀", 10);
    let _ = s.query("😀张", 10);
    let _ = s.query("张😀", 10);
    let _ = search(&idx, &"张伟".repeat(5_000), 10);
    let _ = search(&idx, "·", 10);
    let _ = search(&idx, "'", 10);
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(s.query("zw", 0), vec![]);
}

/// A deterministic, mid-sized index for equivalence tests.
fn synthetic(n: usize) -> Arc<SearchIndex> {
    let surnames = [
        "张", "王", "李", "赵", "刘", "陈", "杨", "周", "吴", "单", "曾", "欧阳", "解", "乐", "朱",
        "诸葛", "区", "查",
    ];
    let given = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
        "超", "秀", "霞", "平", "刚", "乐", "重", "行", "长", "朝", "和", "华", "文", "国", "红",
        "立",
    ];
    let units = [
        "教育局",
        "财政局",
        "公安局",
        "第一中学",
        "卫生健康委员会",
        "民政局",
        "司法局",
    ];
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut rnd = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let mut v = Vec::new();
    for i in 0..n {
        let mut name = surnames[rnd(surnames.len())].to_string();
        for _ in 0..1 + rnd(2) {
            name.push_str(given[rnd(given.len())]);
        }
        let unit = format!("商丘市/县{}/{}", rnd(5), units[rnd(units.len())]);
        v.push(person(i as i64, &name, &unit));
    }
    for (j, u) in units.iter().enumerate() {
        v.push(org(100_000 + j as i64, u, "商丘市"));
    }
    index(v)
}

#[test]
fn narrowing_equals_fresh_query() {
    let idx = synthetic(6_000);
    let queries = [
        "zhangwei",
        "zw",
        "shanxiong",
        "ouyangmin",
        "oymin",
        "lile",
        "liyue",
        "zhnagwei",
        "张伟",
        "张w",
        "教育局",
        "jiaoyuju",
        "wangfangming",
        "chaohe",
        "zhangwiemin",
    ];
    for limit in [5, 50] {
        let mut s = Searcher::new(idx.clone());
        for q in queries {
            let chars: Vec<char> = q.chars().collect();
            // Type it, delete three characters, retype them.
            let mut seq: Vec<String> = (1..=chars.len())
                .map(|k| chars[..k].iter().collect())
                .collect();
            for k in (chars.len().saturating_sub(3)..chars.len()).rev() {
                seq.push(chars[..k].iter().collect());
            }
            seq.push(q.to_string());
            seq.push(q.to_string());
            for typed in seq {
                let a = s.query(&typed, limit);
                let b = search(&idx, &typed, limit);
                assert_eq!(a, b, "query {typed:?} limit {limit}");
            }
        }
    }
}

#[test]
fn narrowing_over_parallel_scan_equals_fresh_query() {
    // Large enough for the two-thread path.
    let idx = synthetic(PARALLEL_MIN * 2 + 100);
    let mut s = Searcher::new(idx.clone());
    for typed in [
        "z",
        "zh",
        "zha",
        "zhan",
        "zhang",
        "zhangw",
        "zhangwe",
        "zhangwei",
        "zhangweim",
        "l",
        "li",
        "张",
        "张伟",
    ] {
        assert_eq!(s.query(typed, 20), search(&idx, typed, 20), "{typed}");
    }
}

#[test]
fn limit_is_respected_and_order_is_total() {
    let idx = synthetic(3_000);
    let h = search(&idx, "z", 30);
    assert_eq!(h.len(), 30);
    assert!(
        h.windows(2)
            .all(|w| w[0].score > w[1].score
                || (w[0].score == w[1].score && w[0].index < w[1].index))
    );
}

#[test]
fn bit_parallel_typo_distance_matches_reference() {
    let mut x: u64 = 12345;
    let mut rnd = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % m) as usize
    };
    for _ in 0..20_000 {
        let m = 1 + rnd(12);
        let n = rnd(16);
        let q: Vec<u32> = (0..m).map(|_| b"abcd"[rnd(4)] as u32).collect();
        let t: Vec<u8> = (0..n).map(|_| b"abcd"[rnd(4)]).collect();
        let k = rnd(4);
        let pm = pattern_masks(&q);
        assert_eq!(
            osa_prefix_bits(&pm, m, &t, k),
            osa_prefix(&q, &t, k),
            "q={q:?} t={t:?} k={k}"
        );
    }
}

#[test]
fn typo_head_filter_never_drops_a_match() {
    let mut x: u64 = 777;
    let mut rnd = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % m) as usize
    };
    let mut matched = 0;
    for _ in 0..50_000 {
        let k = 1 + rnd(2);
        let m = 2 * k + 1 + rnd(5);
        let q: Vec<u32> = (0..m).map(|_| b"abcdef"[rnd(6)] as u32).collect();
        let t: Vec<u8> = (0..rnd(14)).map(|_| b"abcdef"[rnd(6)]).collect();
        if osa_prefix(&q, &t, k).is_some() {
            matched += 1;
            let qm = q
                .iter()
                .take(2 * k + 1)
                .fold(0, |a, &c| a | letter_bit(c as u8));
            let tm = t.iter().take(3 * k + 1).fold(0, |a, &c| a | letter_bit(c));
            assert!(qm & tm != 0, "q={q:?} t={t:?} k={k}");
        }
    }
    assert!(matched > 100);
}

#[test]
fn one_letter_fast_path_agrees_with_general_match() {
    let mut v: Vec<Entry> = synthetic(4_000).entries().to_vec();
    v.push(org(1, "A", "x"));
    v.push(person(2, "阿", "x"));
    v.push(person(3, "·李", "x"));
    v.push(org(4, "Z·", "x"));
    let idx = SearchIndex::build(v);
    for c in 'a'..='z' {
        let q = Query::new(vec![c]);
        assert!(q.letter.is_some());
        let ctx = make_ctx(&idx, &q, idx.len());
        for i in 0..idx.len() {
            assert_eq!(
                ctx.eval_letter(i, q.letter.unwrap()),
                ctx.eval_general(i, NO_FLOOR),
                "{c} {}",
                idx.entry(i).name
            );
        }
    }
}

#[test]
fn stale_keys_do_not_break_matching() {
    // Keys stored for an old, longer name.
    let mut e = person(1, "张伟", "x");
    e.keys = name_keys("张伟明");
    let idx = SearchIndex::build(vec![e, person(2, "李", "x")]);
    let h = search(&idx, "zhangweiming", 10);
    assert_eq!(h.len(), 1);
    assert!(h[0].positions.iter().all(|&p| p < 2));
    let _ = search(&idx, "张w明", 10);
    let _ = search(&idx, "李x", 10);
}

#[test]
fn usual_readings_outrank_alternate_readings() {
    // 立 also reads wei (rare), so `zw` is an initials match of 曾立 and 周立 via an
    // alternate reading; they come first in the index so that ties by index would
    // put them on top.
    let idx = index(vec![
        person(661, "曾立", "x"),
        person(662, "周立", "x"),
        person(663, "李乐", "x"),
        person(772, "张伟", "x"),
        person(773, "张文", "x"),
        person(774, "赵文", "x"),
        person(775, "周伟", "x"),
        person(776, "张伟明", "x"),
    ]);
    assert_eq!(name_keys("曾立").encode(), "1:zeng,ceng li,wei");
    let hits = names(&idx, "zw");
    assert_eq!(hits[..4], ["张伟", "张文", "赵文", "周伟"], "{hits:?}");
    let pos = |n: &str| hits.iter().position(|h| h == n).unwrap();
    assert!(
        pos("曾立") > pos("周伟") && pos("周立") > pos("周伟"),
        "{hits:?}"
    );
    // Still findable, in the same tier, but below every usual-reading exact match.
    for n in ["曾立", "周立"] {
        assert_eq!(tier_of(&idx, "zw", n), Some(tier::EXACT), "{n}");
    }
    assert_eq!(tier_of(&idx, "zw", "张伟明"), Some(tier::PREFIX));
    // Full pinyin through an alternate reading: same.
    assert_eq!(names(&idx, "zhouwei")[0], "周伟");
    assert_eq!(tier_of(&idx, "zhouwei", "周立"), Some(tier::EXACT));
    // Polyphonic given names stay findable by any reading.
    assert_eq!(names(&idx, "liyue"), ["李乐"]);
    assert_eq!(tier_of(&idx, "liyue", "李乐"), Some(tier::EXACT));
    assert_eq!(names(&idx, "lile")[0], "李乐");
}

#[test]
fn alternate_reading_ranks_below_usual_reading_of_the_same_tier() {
    let idx = index(vec![
        person(1, "李乐", "x"),   // li le,yue: `ly` only through yue
        person(2, "李阳", "x"),   // li yang
        person(3, "李乐天", "x"), // prefix through yue
        person(4, "李玉华", "x"), // prefix, usual readings
    ]);
    assert_eq!(names(&idx, "ly")[..2], ["李阳", "李乐"]);
    assert_eq!(tier_of(&idx, "ly", "李乐"), Some(tier::EXACT));
    let h = names(&idx, "ly");
    let pos = |n: &str| h.iter().position(|x| x == n).unwrap();
    assert!(pos("李玉华") < pos("李乐天"), "{h:?}");
    assert_eq!(tier_of(&idx, "ly", "李乐天"), Some(tier::PREFIX));
    // ü written u is not an alternate reading: 吕娜 by luna ranks like lvna.
    let idx = index(vec![person(1, "吕娜", "x"), person(2, "卢娜", "x")]);
    assert_eq!(
        search(&idx, "luna", 5)[0].score,
        search(&idx, "lvna", 5)[0].score
    );
    let idx = index(vec![person(1, "卢娜", "x"), person(2, "吕娜", "x")]);
    let h = search(&idx, "ln", 5);
    assert_eq!(h[0].score, h[1].score);
}

#[test]
fn one_letter_alternate_readings_rank_low() {
    // `w`: 立 (li,wei) contains w only through an alternate reading.
    let idx = index(vec![
        person(1, "曾立", "x"),
        person(2, "王", "x"),
        person(3, "吴文", "x"),
        person(4, "张伟", "x"),
    ]);
    let h = names(&idx, "w");
    assert_eq!(h[..2], ["王", "吴文"], "{h:?}");
    let pos = |n: &str| h.iter().position(|x| x == n).unwrap();
    assert!(pos("张伟") < pos("曾立"), "{h:?}");
    assert_eq!(tier_of(&idx, "w", "曾立"), Some(tier::INNER));
    // `c`: 曾 as a surname is zeng; ceng is the character's other reading.
    let idx = index(vec![person(1, "曾立", "x"), person(2, "陈立", "x")]);
    assert_eq!(names(&idx, "c"), ["陈立", "曾立"]);
}

#[test]
fn usual_keys_keep_first_reading_and_its_u_spelling() {
    assert_eq!(name_keys("曾立").usual().encode(), "1:zeng li");
    assert_eq!(name_keys("李乐").usual().encode(), "1:li le");
    assert_eq!(name_keys("吕娜").encode(), "1:lv,lu na,nuo");
    assert_eq!(name_keys("吕娜").usual().encode(), "1:lv,lu na");
    assert_eq!(name_keys("A·b").usual(), name_keys("A·b"));
    assert_eq!(name_keys("").usual().encode(), "1:");
}

#[test]
fn skipping_alternate_ranking_below_the_floor_changes_nothing() {
    // Entries that cannot enter the page skip the usual-readings pass; the page
    // must equal the best hits ranked with that pass done for every entry.
    let idx = synthetic(6_000);
    for q in [
        "zw", "zl", "zh", "ly", "liy", "liyue", "zhangw", "zhouwei", "chaohe", "曾l",
    ] {
        let query = Query::new(normalize(q));
        let ctx = make_ctx(&idx, &query, idx.slots());
        // Per entry, the best of its slots (name and aliases), raised as the scan does.
        let mut best: HashMap<usize, i64> = HashMap::new();
        for i in 0..idx.slots() {
            if let Some(c) = ctx.eval(i, NO_FLOOR).0.map(|c| ctx.raise(c, i))
                && c.tier > tier::FUZZY
            {
                let s = best.entry(idx.slot_entry[i] as usize).or_insert(i64::MIN);
                *s = (*s).max(c.tier * tier::TIER + c.sub);
            }
        }
        let mut all: Vec<(i64, usize)> = best.into_iter().map(|(i, s)| (s, i)).collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for limit in [1, 5, 20] {
            assert!(all.len() > limit, "{q}");
            let got: Vec<(i64, usize)> = search(&idx, q, limit)
                .iter()
                .map(|h| (h.score, h.index))
                .collect();
            assert_eq!(got, all[..limit], "{q} {limit}");
        }
    }
}

// ---- The ranking rules of docs/LOOKUP.md, one test each (the test names the rule). ----

fn unit(id: i64, name: &str, short: &str, parent_id: i64, parent: &str) -> Entry {
    Entry::new(EntryKind::Org, id, name, parent, "正科级")
        .with_short_name(short)
        .with_parent(parent_id)
}

fn staff(id: i64, name: &str, org_id: i64, unit: &str) -> Entry {
    person(id, name, unit).with_parent(org_id)
}

/// Two counties with the same departments, people in them and in a school below one.
fn county_pair() -> Arc<SearchIndex> {
    index(vec![
        unit(1, "青山县", "青山县", 0, "示例市"),
        unit(2, "临江县", "临江县", 0, "示例市"),
        unit(10, "青山县卫生健康委员会", "县卫健委", 1, "示例市 › 青山县"),
        unit(
            11,
            "青山县卫生健康委员会办公室",
            "办公室",
            10,
            "示例市 › 青山县 › 县卫健委",
        ),
        unit(12, "青山县教育局", "县教育局", 1, "示例市 › 青山县"),
        unit(
            13,
            "青山县第一中学",
            "第一中学",
            12,
            "示例市 › 青山县 › 县教育局",
        ),
        unit(
            14,
            "中共青山县委机构编制委员会办公室",
            "县委编办",
            1,
            "示例市 › 青山县",
        ),
        unit(
            15,
            "青山县人力资源和社会保障局",
            "县人社局",
            1,
            "示例市 › 青山县",
        ),
        unit(16, "青山县财政局", "县财政局", 1, "示例市 › 青山县"),
        unit(22, "临江县教育局", "县教育局", 2, "示例市 › 临江县"),
        staff(100, "张伟", 13, "示例市 › 青山县 › 县教育局 › 第一中学"),
        staff(101, "张伟", 16, "示例市 › 青山县 › 县财政局"),
        staff(102, "张伟", 22, "示例市 › 临江县 › 县教育局"),
        staff(103, "王卫健", 10, "示例市 › 青山县 › 县卫健委"),
        staff(104, "江玉杰", 12, "示例市 › 青山县 › 县教育局"),
        staff(105, "张伟明", 12, "示例市 › 青山县 › 县教育局"),
    ])
}

fn first_name(idx: &SearchIndex, q: &str) -> String {
    names(idx, q).into_iter().next().unwrap_or_default()
}

#[test]
fn rule_abbreviations_are_derived_word_by_word() {
    let has = |name: &str, want: &[&str]| {
        let a = unit_aliases(name, None);
        for w in want {
            assert!(a.iter().any(|x| x == w), "{name}: {w} not in {a:?}");
        }
    };
    has(
        "青山县卫生健康委员会",
        &["卫健委", "县卫健委", "卫生健康委员会", "县卫生健康委员会"],
    );
    has("示例市人力资源和社会保障局", &["人社局", "市人社局"]);
    has(
        "中共青山县委机构编制委员会办公室",
        &["编办", "县委编办", "编委办"],
    );
    has("东城区发展和改革委员会", &["发改委", "区发改委"]);
    has("青山县住房和城乡建设局", &["住建局", "县住建局"]);
    has("青山县教育局", &["教育局", "县教育局"]);
    // A word outside the table: no abbreviation is guessed.
    let a = unit_aliases("青山县林业技术服务中心", None);
    assert_eq!(a, vec!["林业技术服务中心", "县林业技术服务中心"]);
    // The short name is kept as it is stored.
    assert!(unit_aliases("某某局", Some("某局")).contains(&"某局".to_string()));
}

#[test]
fn rule_unit_found_by_name_short_name_abbreviation_and_initials() {
    let idx = county_pair();
    for q in [
        "青山县卫生健康委员会",
        "县卫健委",
        "卫健委",
        "卫生健康委员会",
        "xwjw",
        "wjw",
        "weijianwei",
    ] {
        assert_eq!(first_name(&idx, q), "青山县卫生健康委员会", "query {q}");
        assert_eq!(
            tier_of(&idx, q, "青山县卫生健康委员会"),
            Some(tier::EXACT),
            "{q}"
        );
    }
    for q in ["编办", "县委编办", "xwbb", "bb"] {
        assert_eq!(
            first_name(&idx, q),
            "中共青山县委机构编制委员会办公室",
            "{q}"
        );
    }
    assert_eq!(first_name(&idx, "县人社局"), "青山县人力资源和社会保障局");
    assert_eq!(first_name(&idx, "rsj"), "青山县人力资源和社会保障局");
}

#[test]
fn rule_unit_matched_in_full_ranks_above_every_person_and_sub_unit() {
    let idx = county_pair();
    // 卫健委 is inside the office's name and in 王卫健's unit; jyj is 江玉杰's initials.
    for (q, unit) in [
        ("卫健委", "青山县卫生健康委员会"),
        ("jyj", "青山县教育局"),
        ("教育局", "青山县教育局"),
    ] {
        let hits = search(&idx, q, 50);
        let pos =
            |pred: &dyn Fn(&Entry) -> bool| hits.iter().position(|h| pred(idx.entry(h.index)));
        let u = pos(&|e| e.name == unit).expect("unit found");
        let first_person = pos(&|e| e.kind == EntryKind::Person);
        let first_sub =
            pos(&|e| e.kind == EntryKind::Org && e.name != unit && e.name.contains(unit));
        assert!(
            first_person.is_none_or(|p| u < p),
            "{q}: person above the unit"
        );
        assert!(
            first_sub.is_none_or(|s| u < s),
            "{q}: sub-unit above the unit"
        );
    }
    // Both counties' 教育局 rank above 江玉杰 for their initials.
    let n = names(&idx, "jyj");
    assert_eq!(&n[..2], ["青山县教育局", "临江县教育局"]);
}

#[test]
fn rule_same_short_name_told_apart_by_parent() {
    let idx = county_pair();
    let hits = search(&idx, "县教育局", 10);
    let units: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| idx.entry(h.index))
        .filter(|e| e.kind == EntryKind::Org)
        .take(2)
        .map(|e| (e.name.as_str(), e.unit.as_ref()))
        .collect();
    assert_eq!(
        units,
        [
            ("青山县教育局", "示例市 › 青山县"),
            ("临江县教育局", "示例市 › 临江县")
        ]
    );
}

#[test]
fn rule_unit_space_person_looks_within_the_units_subtree() {
    let idx = county_pair();
    let ids = |hits: Vec<Hit>| -> Vec<i64> { hits.iter().map(|h| idx.entry(h.index).id).collect() };
    // Both counties' 教育局 (a school below one), not 财政局.
    let mut got = ids(search(&idx, "教育局 张伟", 20));
    assert_eq!(
        got[..2]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        [100, 102].into()
    );
    got.sort();
    assert_eq!(got, [100, 102, 105]);
    // Only the county named.
    assert_eq!(ids(search(&idx, "青山县 教育局 zhangwei", 20)), [100, 105]);
    assert_eq!(ids(search(&idx, "县财政局 zw", 20)), [101]);
    // The interface's incremental searcher answers the same, also while typing.
    let mut s = Searcher::new(Arc::clone(&idx));
    for q in ["教", "教育局", "教育局 ", "教育局 张", "教育局 张伟"] {
        assert_eq!(s.query(q, 20), search(&idx, q, 20), "{q}");
    }
    // No unit named: the words are looked up together.
    assert_eq!(ids(search(&idx, "张 伟明", 20)).first(), Some(&105));
}

#[test]
fn rule_exact_name_before_rare_reading_and_longer_name() {
    let idx = index(vec![
        person(1, "张伟长", "单位"),
        person(2, "张立", "单位"),
        person(3, "张伟", "单位"),
    ]);
    assert_eq!(names(&idx, "zhangwei"), ["张伟", "张立", "张伟长"]);
}

#[test]
fn rule_common_name_first_among_matches_by_initials() {
    let mut v: Vec<Entry> = synthetic(20_000).entries().to_vec();
    let others = [
        "张文", "赵文", "周伟", "张雯", "郑伟", "朱伟", "周文", "赵伟",
    ];
    for (k, n) in others.iter().cycle().take(400).enumerate() {
        v.push(person(900_000 + k as i64, n, "单位"));
    }
    for k in 0..6 {
        v.push(person(950_000 + k, "张伟", "单位"));
    }
    let total = v.iter().filter(|e| e.name == "张伟").count();
    let idx = index(v);
    let first: Vec<String> = names(&idx, "zw").into_iter().take(12).collect();
    // Every 张伟 first (as many as the first 12 rows hold), before 张文, 赵文 ….
    assert!(
        first[..total.min(12)].iter().all(|n| n == "张伟"),
        "{first:?}"
    );
    assert!(total >= 6);
}

#[test]
fn rule_swapped_letters_rank_above_replaced_letters() {
    let mut v = Vec::new();
    for k in 0..20 {
        v.push(person(k, ["张洁", "张雯", "张文"][k as usize % 3], "单位"));
    }
    v.push(person(100, "张伟", "单位"));
    v.push(person(101, "张伟", "单位"));
    let idx = index(v);
    let n = names(&idx, "zhangwie");
    assert_eq!(&n[..2], ["张伟", "张伟"], "{n:?}");
}

#[test]
fn rule_an_entry_found_by_name_and_aliases_is_listed_once() {
    let idx = county_pair();
    let hits = search(&idx, "卫健委", 50);
    let n = hits.iter().filter(|h| idx.entry(h.index).id == 10).count();
    assert_eq!(n, 1);
    // Limits count entries, not the aliases behind them.
    assert_eq!(search(&idx, "县", 3).len(), 3);
    // A hit on an alias highlights nothing in the name shown.
    let h = &search(&idx, "县卫健委", 1)[0];
    assert_eq!(idx.entry(h.index).id, 10);
    assert!(h.positions.is_empty());
}
