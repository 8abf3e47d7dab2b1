//! Data maintenance: the edits a clerk makes (增员, 信息变更, 减员, 调动, 恢复, 机构调整, 台账),
//! the fields they touch, and the rules that judge them. The client checks a form with
//! these rules as the clerk types; the server decides with the same ones.
//!
//! An edit travels as an [`Intent`]: what, on which record, which fields from what to
//! what, the document number, and the cursor of the cache it was based on. Field values
//! travel as text in the form the screen shows (vocabulary terms in Chinese, dates as
//! `YYYY-MM-DD`, an empty string for "none"), so before and after read the same
//! everywhere: in the outbox, in a conflict, in the history.

use super::history::Detail;
use super::idcard::{IdProblem, normalize_id};
use super::quota::Figures;
use super::refusal::Refusal;
use super::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Date,
    IdNumber,
    /// One of a closed list of terms (the list is [`Field::choices`]).
    Choice,
}

/// Declares the fields of one kind of record: key (English, for scripts), label (the
/// Chinese word on screen and the word a clerk may type), kind, and whether it is a
/// key field (关键信息: changed only with a document and a second pair of eyes).
macro_rules! fields {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal, $zh:literal, $en:literal, $kind:ident, $locked:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The English key scripts use (`--set post=科员`).
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            /// The label on screen.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            pub fn label(self, lang: Lang) -> &'static str {
                match lang { Lang::Zh => self.zh(), Lang::En => self.en() }
            }
            pub fn kind(self) -> FieldKind {
                match self { $($name::$variant => FieldKind::$kind),+ }
            }
            /// A key field: a change needs a document number and, from a 录入 operator,
            /// a 审核 operator's approval.
            pub fn locked(self) -> bool {
                match self { $($name::$variant => $locked),+ }
            }
            /// The field named by its key, its Chinese label or its English label.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|f| {
                    f.key().eq_ignore_ascii_case(s) || f.zh() == s || f.en().eq_ignore_ascii_case(s)
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown field `{s}`")))
            }
        }
    };
}

fields! {
    /// What a clerk may set on a person. The status (在职/离退/历史) and the unit are not
    /// fields: they change through 减员, 恢复 and 调动, never by editing.
    PersonField {
        Name = "name", "姓名", "name", Text, true;
        IdNumber = "id_number", "身份证号", "ID number", IdNumber, true;
        Sex = "sex", "性别", "sex", Choice, false;
        BirthDate = "birth_date", "出生日期", "birth date", Date, true;
        Ethnicity = "ethnicity", "民族", "ethnicity", Choice, false;
        PoliticalStatus = "political_status", "政治面貌", "political status", Choice, false;
        FundingType = "funding_type", "经费形式", "funding", Choice, false;
        WorkStart = "work_start", "参加工作时间", "work start", Date, true;
        EntryForm = "entry_form", "进入形式", "entry form", Choice, false;
        EntryDoc = "entry_doc", "入编文号", "entry document", Text, false;
        EntryDate = "entry_date", "入编时间", "entry date", Date, false;
        Post = "post", "职务", "post", Text, false;
        Rank = "rank", "职级职称", "rank or title", Text, false;
        PostType = "post_type", "岗位类别", "post type", Choice, false;
        School = "school", "毕业院校", "school", Text, false;
        Education = "education", "学历", "education", Choice, false;
        Degree = "degree", "学位", "degree", Choice, false;
        Major = "major", "专业", "major", Text, false;
        StaffingType = "staffing_type", "占编类型", "staffing type", Choice, true;
        LeaderPost = "leader_post", "领导职务", "leadership post", Choice, false;
    }
}

fields! {
    /// What a clerk may set on a unit. Its place in the tree changes by a move, its
    /// existence by abolition.
    OrgField {
        Name = "name", "单位名称", "name", Text, false;
        ShortName = "short_name", "简称", "short name", Text, false;
        Level = "level", "机构规格", "level", Choice, false;
        Nature = "nature", "机构性质", "nature", Choice, false;
        Category = "category", "机构类别", "category", Choice, false;
        CreditCode = "credit_code", "统一社会信用代码", "credit code", Text, false;
        DomainName = "domain_name", "中文域名", "domain name", Text, false;
    }
}

/// The 56 ethnic groups by their names in GB 3304, in its order.
pub const ETHNIC_GROUPS: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// The 56 ethnic groups' English names, in the order of [`ETHNIC_GROUPS`].
pub const ETHNIC_GROUPS_EN: [&str; 56] = [
    "Han",
    "Mongol",
    "Hui",
    "Tibetan",
    "Uyghur",
    "Miao",
    "Yi",
    "Zhuang",
    "Bouyei",
    "Korean",
    "Manchu",
    "Dong",
    "Yao",
    "Bai",
    "Tujia",
    "Hani",
    "Kazakh",
    "Dai",
    "Li",
    "Lisu",
    "Va",
    "She",
    "Gaoshan",
    "Lahu",
    "Sui",
    "Dongxiang",
    "Naxi",
    "Jingpo",
    "Kyrgyz",
    "Tu",
    "Daur",
    "Mulao",
    "Qiang",
    "Blang",
    "Salar",
    "Maonan",
    "Gelao",
    "Xibe",
    "Achang",
    "Pumi",
    "Tajik",
    "Nu",
    "Uzbek",
    "Russian",
    "Evenki",
    "De'ang",
    "Bonan",
    "Yugur",
    "Gin",
    "Tatar",
    "Derung",
    "Oroqen",
    "Hezhen",
    "Monba",
    "Lhoba",
    "Jino",
];

fn terms<T: Copy>(all: &[T], zh: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| zh(*v)).collect()
}

/// Every leadership slot, as written: 正科级正职, ...
fn post_slots() -> Vec<PostSlot> {
    Level::ALL
        .iter()
        .flat_map(|&level| {
            PostRank::ALL
                .iter()
                .map(move |&rank| PostSlot { level, rank })
        })
        .collect()
}

/// A leadership slot in English: `section (full) chief`.
fn post_slot_en(p: PostSlot) -> String {
    format!("{} {}", p.level.en(), p.rank.en())
}

/// A term of a closed vocabulary in the language asked for: a field's value is kept in
/// its one written (Chinese) form, and an English interface shows and takes the English
/// word. A value that is no term (free text, a date, a name) is returned as it is.
pub fn term_word(term: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return term.to_string();
    }
    fn en<T: Copy>(
        all: &[T],
        zh: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
        t: &str,
    ) -> Option<&'static str> {
        all.iter().find(|v| zh(**v) == t).map(|v| en(*v))
    }
    let t = term.trim();
    en(Sex::ALL, Sex::zh, Sex::en, t)
        .or_else(|| {
            en(
                PoliticalStatus::ALL,
                PoliticalStatus::zh,
                PoliticalStatus::en,
                t,
            )
        })
        .or_else(|| en(FundingType::ALL, FundingType::zh, FundingType::en, t))
        .or_else(|| en(EntryForm::ALL, EntryForm::zh, EntryForm::en, t))
        .or_else(|| en(PostType::ALL, PostType::zh, PostType::en, t))
        .or_else(|| en(Education::ALL, Education::zh, Education::en, t))
        .or_else(|| en(Degree::ALL, Degree::zh, Degree::en, t))
        .or_else(|| en(StaffingType::ALL, StaffingType::zh, StaffingType::en, t))
        .or_else(|| en(Level::ALL, Level::zh, Level::en, t))
        .or_else(|| en(Nature::ALL, Nature::zh, Nature::en, t))
        .or_else(|| en(Category::ALL, Category::zh, Category::en, t))
        .or_else(|| en(ExitKind::ALL, ExitKind::zh, ExitKind::en, t))
        .map(String::from)
        .or_else(|| {
            ETHNIC_GROUPS
                .iter()
                .position(|g| *g == t)
                .map(|i| ETHNIC_GROUPS_EN[i].to_string())
        })
        .or_else(|| parse_slot(t).map(post_slot_en))
        .unwrap_or_else(|| term.to_string())
}

fn parse_slot(s: &str) -> Option<PostSlot> {
    post_slots().into_iter().find(|p| p.to_string() == s)
}

/// A leadership slot as typed (正科级正职), or why it is not one: the one reading the
/// command line's `ledger posts --slot` and the interface's 领导职数 form share.
pub fn parse_post_slot(text: &str) -> Result<PostSlot, Refusal> {
    let written = PersonField::LeaderPost.normalize(text)?;
    if written.is_empty() {
        return Err(Refusal::Required);
    }
    parse_slot(&written).ok_or_else(|| Refusal::NotAChoice {
        given: written,
        choices: PersonField::LeaderPost.choices(),
        more: false,
    })
}

impl PersonField {
    /// The terms a choice field accepts (empty for other kinds).
    pub fn choices(self) -> Vec<String> {
        let v = match self {
            PersonField::Sex => terms(Sex::ALL, Sex::zh),
            PersonField::Ethnicity => ETHNIC_GROUPS.to_vec(),
            PersonField::PoliticalStatus => terms(PoliticalStatus::ALL, PoliticalStatus::zh),
            PersonField::FundingType => terms(FundingType::ALL, FundingType::zh),
            PersonField::EntryForm => terms(EntryForm::ALL, EntryForm::zh),
            PersonField::PostType => terms(PostType::ALL, PostType::zh),
            PersonField::Education => terms(Education::ALL, Education::zh),
            PersonField::Degree => terms(Degree::ALL, Degree::zh),
            PersonField::StaffingType => terms(StaffingType::ALL, StaffingType::zh),
            PersonField::LeaderPost => {
                return post_slots().iter().map(ToString::to_string).collect();
            }
            _ => Vec::new(),
        };
        v.into_iter().map(String::from).collect()
    }

    /// Required on every person on the books.
    pub fn required(self) -> bool {
        matches!(
            self,
            PersonField::Name
                | PersonField::IdNumber
                | PersonField::Sex
                | PersonField::BirthDate
                | PersonField::Ethnicity
                | PersonField::PostType
        )
    }

    /// The field's value on a person, as text ("" for none).
    pub fn get(self, p: &Person) -> String {
        fn o<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        match self {
            PersonField::Name => p.name.clone(),
            PersonField::IdNumber => p.id_number.clone(),
            PersonField::Sex => p.sex.zh().into(),
            PersonField::BirthDate => o(&p.birth_date),
            PersonField::Ethnicity => p.ethnicity.clone(),
            PersonField::PoliticalStatus => o(&p.political_status),
            PersonField::FundingType => o(&p.funding_type),
            PersonField::WorkStart => o(&p.work_start),
            PersonField::EntryForm => o(&p.entry_form),
            PersonField::EntryDoc => o(&p.entry_doc),
            PersonField::EntryDate => o(&p.entry_date),
            PersonField::Post => o(&p.post),
            PersonField::Rank => o(&p.rank),
            PersonField::PostType => p.post_type.zh().into(),
            PersonField::School => o(&p.school),
            PersonField::Education => o(&p.education),
            PersonField::Degree => o(&p.degree),
            PersonField::Major => o(&p.major),
            PersonField::StaffingType => o(&p.staffing_type),
            PersonField::LeaderPost => o(&p.leader_post),
        }
    }

    /// Sets the field from text, or says why the text is not a value of it. The text is
    /// first brought to its one written form ([`PersonField::normalize`]).
    pub fn set(self, p: &mut Person, text: &str) -> Result<(), Refusal> {
        let v = self.normalize(text)?;
        let none = v.is_empty();
        let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
        let date = |v: &str| -> Option<NaiveDate> { v.parse().ok() };
        match self {
            PersonField::Name => p.name = v,
            PersonField::IdNumber => p.id_number = v,
            PersonField::Sex => p.sex = Sex::parse(&v).ok_or_else(|| self.missing())?,
            PersonField::BirthDate => p.birth_date = date(&v),
            PersonField::Ethnicity => p.ethnicity = v,
            PersonField::PoliticalStatus => p.political_status = PoliticalStatus::parse(&v),
            PersonField::FundingType => p.funding_type = FundingType::parse(&v),
            PersonField::WorkStart => p.work_start = date(&v),
            PersonField::EntryForm => p.entry_form = EntryForm::parse(&v),
            PersonField::EntryDoc => p.entry_doc = text(&v),
            PersonField::EntryDate => p.entry_date = date(&v),
            PersonField::Post => p.post = text(&v),
            PersonField::Rank => p.rank = text(&v),
            PersonField::PostType => {
                p.post_type = PostType::parse(&v).ok_or_else(|| self.missing())?
            }
            PersonField::School => p.school = text(&v),
            PersonField::Education => p.education = Education::parse(&v),
            PersonField::Degree => p.degree = Degree::parse(&v),
            PersonField::Major => p.major = text(&v),
            PersonField::StaffingType => p.staffing_type = StaffingType::parse(&v),
            PersonField::LeaderPost => p.leader_post = parse_slot(&v),
        }
        if none && self.required() {
            return Err(self.missing());
        }
        Ok(())
    }

    fn missing(self) -> Refusal {
        Refusal::Required
    }

    /// The one written form of a value as typed: trimmed, an ID number normalised
    /// (full-width digits, spaces, lower-case x, 15 → 18 digits), a date checked to be
    /// a real `YYYY-MM-DD`, a choice checked against its list. "" means none.
    pub fn normalize(self, text: &str) -> Result<String, Refusal> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(String::new());
        }
        match self.kind() {
            FieldKind::Text => {
                if self == PersonField::Name && t.chars().any(char::is_whitespace) {
                    return Err(Refusal::NameHasSpace);
                }
                Ok(t.to_string())
            }
            FieldKind::Date => normalize_date(t),
            FieldKind::IdNumber => normalize_id(t)
                .map(|(id, _)| id)
                .map_err(|problem: IdProblem| Refusal::Id { problem }),
            FieldKind::Choice => {
                let choices = self.choices();
                if choices.iter().any(|c| c == t) {
                    return Ok(t.to_string());
                }
                // The English term is accepted and written in Chinese; an ethnic group
                // written short (汉) is written in full (汉族).
                let english = match self {
                    PersonField::Ethnicity => {
                        let full = format!("{t}族");
                        ETHNIC_GROUPS
                            .iter()
                            .zip(ETHNIC_GROUPS_EN)
                            .find(|(g, en)| **g == full || en.eq_ignore_ascii_case(t))
                            .map(|(g, _)| *g)
                    }
                    PersonField::LeaderPost => {
                        return post_slots()
                            .into_iter()
                            .find(|p| post_slot_en(*p).eq_ignore_ascii_case(t))
                            .map(|p| p.to_string())
                            .ok_or_else(|| Refusal::NotAChoice {
                                given: t.into(),
                                more: choices.len() > 12,
                                choices: choices.into_iter().take(12).collect(),
                            });
                    }
                    PersonField::Sex => Sex::parse(t).map(Sex::zh),
                    PersonField::PoliticalStatus => PoliticalStatus::parse(t).map(|v| v.zh()),
                    PersonField::FundingType => FundingType::parse(t).map(|v| v.zh()),
                    PersonField::EntryForm => EntryForm::parse(t).map(|v| v.zh()),
                    PersonField::PostType => PostType::parse(t).map(|v| v.zh()),
                    PersonField::Education => Education::parse(t).map(|v| v.zh()),
                    PersonField::Degree => Degree::parse(t).map(|v| v.zh()),
                    PersonField::StaffingType => StaffingType::parse(t).map(|v| v.zh()),
                    _ => None,
                };
                english
                    .map(String::from)
                    .ok_or_else(|| Refusal::NotAChoice {
                        given: t.into(),
                        more: choices.len() > 12,
                        choices: choices.into_iter().take(12).collect(),
                    })
            }
        }
    }
}

impl OrgField {
    pub fn choices(self) -> Vec<String> {
        let v = match self {
            OrgField::Level => terms(Level::ALL, Level::zh),
            OrgField::Nature => terms(Nature::ALL, Nature::zh),
            OrgField::Category => terms(Category::ALL, Category::zh),
            _ => Vec::new(),
        };
        v.into_iter().map(String::from).collect()
    }

    pub fn get(self, o: &Org) -> String {
        fn s<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        match self {
            OrgField::Name => o.name.clone(),
            OrgField::ShortName => s(&o.short_name),
            OrgField::Level => s(&o.level),
            OrgField::Nature => s(&o.nature),
            OrgField::Category => s(&o.category),
            OrgField::CreditCode => s(&o.credit_code),
            OrgField::DomainName => s(&o.domain_name),
        }
    }

    pub fn set(self, o: &mut Org, text: &str) -> Result<(), Refusal> {
        let v = self.normalize(text)?;
        let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
        match self {
            OrgField::Name => {
                if v.is_empty() {
                    return Err(Refusal::Required);
                }
                o.name = v
            }
            OrgField::ShortName => o.short_name = text(&v),
            OrgField::Level => o.level = Level::parse(&v),
            OrgField::Nature => o.nature = Nature::parse(&v),
            OrgField::Category => o.category = Category::parse(&v),
            OrgField::CreditCode => o.credit_code = text(&v),
            OrgField::DomainName => o.domain_name = text(&v),
        }
        Ok(())
    }

    pub fn normalize(self, text: &str) -> Result<String, Refusal> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(String::new());
        }
        match self.kind() {
            FieldKind::Choice => {
                let choices = self.choices();
                if choices.iter().any(|c| c == t) {
                    return Ok(t.to_string());
                }
                let english = match self {
                    OrgField::Level => Level::parse(t).map(|v| v.zh()),
                    OrgField::Nature => Nature::parse(t).map(|v| v.zh()),
                    OrgField::Category => Category::parse(t).map(|v| v.zh()),
                    _ => None,
                };
                english
                    .map(String::from)
                    .ok_or_else(|| Refusal::NotAChoice {
                        given: t.into(),
                        choices,
                        more: false,
                    })
            }
            _ if self == OrgField::CreditCode => {
                let c = t.to_ascii_uppercase();
                if super::idcard::credit_code_valid(&c) {
                    Ok(c)
                } else {
                    Err(Refusal::BadCreditCode)
                }
            }
            _ => Ok(t.to_string()),
        }
    }
}

/// A real date written `YYYY-MM-DD` (`2024/3/5` and `2024.03.05` are accepted too).
pub fn normalize_date(t: &str) -> Result<String, Refusal> {
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let parsed = match parts.as_slice() {
        [y, m, d] => match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
            (Ok(y), Ok(m), Ok(d)) if (1900..=2100).contains(&y) => NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        },
        _ => None,
    };
    parsed
        .map(|d| d.format("%Y-%m-%d").to_string())
        .ok_or_else(|| Refusal::BadDate { given: t.into() })
}

/// A field and why its value is refused. On the wire and in the cache it carries the
/// typed reason and, for older clients and for people reading the JSON, the reason in
/// Chinese (`message`); a reason written by an older version (a `message` only) is read
/// back as [`Refusal::Said`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "FieldErrorIn")]
pub struct FieldError {
    /// The field's key (`id_number`), or the edit's own part (`doc_no`, `org`, ...).
    pub field: String,
    /// The field's Chinese label, for the message.
    pub label: String,
    /// Why, typed: the words come from [`FieldError::message`] in the reader's language.
    pub why: Refusal,
}

#[derive(Deserialize)]
struct FieldErrorIn {
    field: String,
    label: String,
    #[serde(default)]
    message: String,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl From<FieldErrorIn> for FieldError {
    fn from(i: FieldErrorIn) -> FieldError {
        let why = serde_json::from_value(serde_json::Value::Object(i.rest))
            .unwrap_or(Refusal::Said { words: i.message });
        FieldError {
            field: i.field,
            label: i.label,
            why,
        }
    }
}

impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            field: &'a str,
            label: &'a str,
            message: String,
            #[serde(flatten)]
            why: &'a Refusal,
        }
        Out {
            field: &self.field,
            label: &self.label,
            message: self.message(Lang::Zh),
            why: &self.why,
        }
        .serialize(s)
    }
}

impl FieldError {
    pub fn new(field: &str, label: &str, why: Refusal) -> Self {
        FieldError {
            field: field.into(),
            label: label.into(),
            why,
        }
    }
    pub fn person(f: PersonField, why: Refusal) -> Self {
        Self::new(f.key(), f.zh(), why)
    }
    pub fn org(f: OrgField, why: Refusal) -> Self {
        Self::new(f.key(), f.zh(), why)
    }
    /// The field's label in the reader's language.
    pub fn label(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            return self.label.clone();
        }
        PersonField::ALL
            .iter()
            .map(|f| (f.zh(), f.en()))
            .chain(OrgField::ALL.iter().map(|f| (f.zh(), f.en())))
            .find(|(zh, _)| *zh == self.label)
            .map(|(_, en)| en)
            .or_else(|| super::refusal::part_label_en(&self.label))
            .unwrap_or(&self.field)
            .to_string()
    }
    /// Why, without the label.
    pub fn message(&self, lang: Lang) -> String {
        self.why.say(lang)
    }
    /// The label and why: `身份证号：…`.
    pub fn say(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}：{}", self.label, self.message(lang)),
            Lang::En => format!("{}: {}", self.label(lang), self.message(lang)),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::Zh))
    }
}

/// The refusals of an edit, as one line an operator reads.
pub fn say_errors(errors: &[FieldError], lang: Lang) -> String {
    errors
        .iter()
        .map(|e| e.say(lang))
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "；" } else { "; " })
}

/// One field changed: from the value the clerk saw to the value they set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// A field changed both here and on the server since the clerk's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    /// 原值: what the clerk's change was based on.
    pub base: String,
    /// 您的修改
    pub mine: String,
    /// 服务器现值
    pub server: String,
}

/// The server's answer to an edit, beyond accepted or refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Applied: the feed version holding the change (the cache shows the pending value
    /// until its cursor reaches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The id the server gave a new person or unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_id: Option<i64>,
    /// Fields changed on the server too since the clerk's version (nothing applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    /// Refused, field by field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Sent to a 审核 operator as this request (not applied yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ApprovalId>,
    /// A refused decision (not an edit): why, typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<super::refusal::DecisionRefusal>,
}

impl Outcome {
    pub fn is_empty(&self) -> bool {
        *self == Outcome::default()
    }

    /// Why the edit was not applied, in the reader's language, where the answer carries
    /// its reasons typed (refusals by field, conflicts); None otherwise.
    pub fn say_refusal(&self, lang: Lang) -> Option<String> {
        if let Some(r) = &self.refusal {
            return Some(r.say(lang));
        }
        if !self.errors.is_empty() {
            let why = say_errors(&self.errors, lang);
            return Some(match lang {
                Lang::Zh => format!("未生效：{why}"),
                Lang::En => format!("not applied: {why}"),
            });
        }
        if !self.conflicts.is_empty() {
            let fields: Vec<String> = self
                .conflicts
                .iter()
                .map(|c| field_label(&c.field, lang))
                .collect();
            return Some(match lang {
                Lang::Zh => format!(
                    "与服务器上的修改冲突（{}），未生效：请对照服务器现值重新确认",
                    fields.join("、")
                ),
                Lang::En => format!(
                    "conflicts with changes on the server ({}); not applied: compare with the server's values and confirm again",
                    fields.join(", ")
                ),
            });
        }
        None
    }
}

/// The person an edit is about: one on the books, or one entered by an earlier edit of
/// the same cache not yet answered (named by that edit's client id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Id(PersonId),
    New(String),
}

/// What a clerk does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// 增员登记: a new person enters a unit with these field values.
    PersonAdd {
        org_id: OrgId,
        values: Vec<(PersonField, String)>,
    },
    /// 信息变更
    PersonEdit {
        person: Target,
        changes: Vec<FieldChange>,
    },
    /// 减员: 退休, 调出, 辞职, ... on a date.
    PersonExit {
        person: Target,
        kind: ExitKind,
        date: NaiveDate,
    },
    /// 调动 within the jurisdiction.
    PersonTransfer {
        person: Target,
        to_org: OrgId,
        /// The unit the clerk saw the person in.
        from_org: OrgId,
    },
    /// 恢复: a person recorded as left by mistake is back on the books.
    PersonRestore {
        person: Target,
    },
    OrgEdit {
        org_id: OrgId,
        changes: Vec<FieldChange>,
    },
    OrgMove {
        org_id: OrgId,
        to_parent: OrgId,
    },
    OrgAbolish {
        org_id: OrgId,
    },
    /// 增设内设机构
    OrgAddDept {
        parent_id: OrgId,
        name: String,
        short_name: Option<String>,
    },
    /// A 编制台账 entry (append-only: a wrong entry is corrected by another).
    LedgerAdd {
        org_id: OrgId,
        staffing_type: StaffingType,
        funding_type: Option<FundingType>,
        delta: i32,
        date: NaiveDate,
        summary: String,
    },
    /// A 领导职数 entry.
    PostsAdd {
        org_id: OrgId,
        slot: PostSlot,
        delta: i32,
        date: NaiveDate,
        summary: String,
    },
}

/// An edit as the outbox keeps it and the server receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    #[serde(flatten)]
    pub edit: Edit,
    /// 文号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_no: Option<String>,
    /// The cache's cursor when the edit was made: the version it was based on.
    #[serde(default)]
    pub base: u64,
}

impl Edit {
    /// What it is, in a few words: 信息变更, 减员（退休）, ...
    pub fn what(&self) -> String {
        match self {
            Edit::PersonAdd { .. } => "增员登记".into(),
            Edit::PersonEdit { changes, .. } => {
                let fields: Vec<&str> = changes
                    .iter()
                    .map(|c| PersonField::parse(&c.field).map_or(c.field.as_str(), |f| f.zh()))
                    .collect();
                format!("信息变更（{}）", fields.join("、"))
            }
            Edit::PersonExit { kind, .. } => format!("减员（{}）", kind.zh()),
            Edit::PersonTransfer { .. } => "调动".into(),
            Edit::PersonRestore { .. } => "恢复在编".into(),
            Edit::OrgEdit { .. } => "机构信息变更".into(),
            Edit::OrgMove { .. } => "隶属调整".into(),
            Edit::OrgAbolish { .. } => "撤销机构".into(),
            Edit::OrgAddDept { name, .. } => format!("增设内设机构 {name}"),
            Edit::LedgerAdd { .. } => "台账登记".into(),
            Edit::PostsAdd { .. } => "领导职数登记".into(),
        }
    }

    /// The person it is about, if any.
    pub fn person(&self) -> Option<&Target> {
        match self {
            Edit::PersonEdit { person, .. }
            | Edit::PersonExit { person, .. }
            | Edit::PersonTransfer { person, .. }
            | Edit::PersonRestore { person } => Some(person),
            _ => None,
        }
    }

    /// The unit it is about, if it is about a unit.
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Edit::PersonAdd { org_id, .. }
            | Edit::OrgEdit { org_id, .. }
            | Edit::OrgMove { org_id, .. }
            | Edit::OrgAbolish { org_id }
            | Edit::LedgerAdd { org_id, .. }
            | Edit::PostsAdd { org_id, .. } => Some(*org_id),
            Edit::OrgAddDept { parent_id, .. } => Some(*parent_id),
            _ => None,
        }
    }

    /// Changes what the derived tables hold (figures, counts, data checks): anything but
    /// a change of descriptive fields only (post, rank, school, …).
    pub fn changes_figures(&self) -> bool {
        match self {
            Edit::PersonEdit { changes, .. } => changes.iter().any(|c| {
                PersonField::parse(&c.field).is_none_or(|f| {
                    matches!(
                        f,
                        PersonField::Name
                            | PersonField::IdNumber
                            | PersonField::Sex
                            | PersonField::BirthDate
                            | PersonField::Education
                            | PersonField::PostType
                            | PersonField::StaffingType
                            | PersonField::LeaderPost
                            | PersonField::EntryDate
                    )
                })
            }),
            _ => true,
        }
    }

    /// Needs a document number: a key field, every ledger or post entry, an entry, an
    /// exit, a transfer, a restoration and every change to the tree.
    pub fn needs_doc(&self) -> bool {
        match self {
            Edit::PersonEdit { changes, .. } => changes
                .iter()
                .any(|c| PersonField::parse(&c.field).is_some_and(PersonField::locked)),
            Edit::OrgEdit { .. } => false,
            _ => true,
        }
    }

    /// Needs a 审核 operator's approval when a 录入 operator makes it (关键信息变更 and
    /// 台账变更). Entries and exits with their documents apply directly: the approval
    /// behind them has already happened.
    pub fn needs_review(&self) -> bool {
        match self {
            Edit::PersonEdit { .. } => self.needs_doc(),
            Edit::LedgerAdd { .. } | Edit::PostsAdd { .. } => true,
            _ => false,
        }
    }

    /// The kind of request it becomes when it needs review.
    pub fn review_kind(&self) -> ApprovalKind {
        match self {
            Edit::LedgerAdd { .. } | Edit::PostsAdd { .. } => ApprovalKind::LedgerChange,
            _ => ApprovalKind::KeyInfoChange,
        }
    }
}

/// The edit that settles a conflict: for each conflicting field the clerk keeps their
/// value (now based on the server's) or takes the server's (the field is dropped); the
/// fields that did not conflict go again as they were. None when nothing is left.
pub fn settle(
    intent: &Intent,
    conflicts: &[FieldConflict],
    keep_mine: impl Fn(&str) -> bool,
    base: u64,
) -> Option<Intent> {
    let server_of = |field: &str| conflicts.iter().find(|c| c.field == field);
    let rebase = |changes: &[FieldChange]| -> Vec<FieldChange> {
        changes
            .iter()
            .filter_map(|c| match server_of(&c.field) {
                None => Some(c.clone()),
                Some(k) if keep_mine(&c.field) => Some(FieldChange {
                    field: c.field.clone(),
                    from: k.server.clone(),
                    to: c.to.clone(),
                }),
                Some(_) => None,
            })
            .collect()
    };
    let edit = match &intent.edit {
        Edit::PersonEdit { person, changes } => {
            let changes = rebase(changes);
            if changes.is_empty() {
                return None;
            }
            Edit::PersonEdit {
                person: person.clone(),
                changes,
            }
        }
        Edit::OrgEdit { org_id, changes } => {
            let changes = rebase(changes);
            if changes.is_empty() {
                return None;
            }
            Edit::OrgEdit {
                org_id: *org_id,
                changes,
            }
        }
        Edit::PersonTransfer { person, to_org, .. } => {
            let now = server_of("org")?;
            if !keep_mine("org") {
                return None;
            }
            Edit::PersonTransfer {
                person: person.clone(),
                to_org: *to_org,
                from_org: now.server.parse().ok()?,
            }
        }
        other => other.clone(),
    };
    Some(Intent {
        edit,
        doc_no: intent.doc_no.clone(),
        base,
    })
}

/// What an edit is, in the interface's language.
pub fn describe(edit: &Edit, lang: Lang) -> String {
    if lang == Lang::Zh {
        return edit.what();
    }
    match edit {
        Edit::PersonAdd { .. } => "new person".into(),
        Edit::PersonEdit { changes, .. } => {
            let fields: Vec<&str> = changes
                .iter()
                .map(|c| PersonField::parse(&c.field).map_or(c.field.as_str(), |f| f.en()))
                .collect();
            format!("details ({})", fields.join(", "))
        }
        Edit::PersonExit { kind, .. } => format!("exit ({})", kind.en()),
        Edit::PersonTransfer { .. } => "transfer".into(),
        Edit::PersonRestore { .. } => "restore".into(),
        Edit::OrgEdit { .. } => "unit details".into(),
        Edit::OrgMove { .. } => "unit moved".into(),
        Edit::OrgAbolish { .. } => "unit abolished".into(),
        Edit::OrgAddDept { .. } => "internal department".into(),
        Edit::LedgerAdd { .. } => "ledger entry".into(),
        Edit::PostsAdd { .. } => "leadership posts entry".into(),
    }
}

/// The record an edit is about, as `person 12` / `unit 5` (ids, no words).
pub fn subject(edit: &Edit) -> String {
    match (edit.person(), edit.org()) {
        (Some(Target::Id(id)), _) => format!("P{id}"),
        (Some(Target::New(_)), _) => "P*".into(),
        (None, Some(org)) => format!("U{org}"),
        (None, None) => String::new(),
    }
}

/// A field's label by its key: a person's or a unit's field, or a unit an edit names
/// (`org` the unit a person is in, `parent` a unit's parent).
pub fn field_label(key: &str, lang: Lang) -> String {
    PersonField::parse(key)
        .map(|f| f.label(lang))
        .or_else(|| OrgField::parse(key).map(|f| f.label(lang)))
        .unwrap_or(match (key, lang) {
            ("org", Lang::Zh) => "所在单位",
            ("org", Lang::En) => "unit",
            ("parent", Lang::Zh) => "上级单位",
            ("parent", Lang::En) => "parent unit",
            _ => key,
        })
        .to_string()
}

/// A conflict in one line: `职务 原值 科员 / 您的修改 副科长 / 服务器现值 科长`.
pub fn say_conflict(c: &FieldConflict, lang: Lang) -> String {
    let label = field_label(&c.field, lang);
    let shown = |v: &str| masked(&c.field, v);
    match lang {
        Lang::Zh => format!(
            "{label} 原值 {} / 您的修改 {} / 服务器现值 {}",
            shown(&c.base),
            shown(&c.mine),
            shown(&c.server)
        ),
        Lang::En => format!(
            "{label} was {} / yours {} / server now {}",
            shown(&c.base),
            shown(&c.mine),
            shown(&c.server)
        ),
    }
}

/// An operator's role: 录入 enters data, 审核 also approves key changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Role {
    #[default]
    #[serde(rename = "审核")]
    Reviewer,
    #[serde(rename = "录入")]
    Clerk,
}

impl Role {
    pub fn zh(self) -> &'static str {
        match self {
            Role::Reviewer => "审核",
            Role::Clerk => "录入",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Clerk => "clerk",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Reviewer, Role::Clerk]
            .into_iter()
            .find(|r| r.zh() == s.trim() || r.en().eq_ignore_ascii_case(s.trim()))
    }
    pub fn code(self) -> i64 {
        match self {
            Role::Reviewer => 0,
            Role::Clerk => 1,
        }
    }
    pub fn from_code(c: i64) -> Role {
        if c == 1 { Role::Clerk } else { Role::Reviewer }
    }
}

/// Checks a person record as a whole: required fields, the ID number (GB 11643) and its
/// agreement with birth date and sex, and dates real and in order. `today` bounds dates.
pub fn check_person(p: &Person, today: NaiveDate) -> Vec<FieldError> {
    use PersonField as F;
    let mut errors = Vec::new();
    for f in [F::Name, F::IdNumber, F::Ethnicity] {
        if f.get(p).trim().is_empty() {
            errors.push(FieldError::person(f, Refusal::Required));
        }
    }
    if p.name.chars().any(char::is_whitespace) {
        errors.push(FieldError::person(F::Name, Refusal::NameHasSpace));
    }
    if !p.id_number.is_empty() {
        use super::idcard::Disagreement;
        match super::idcard::disagreements(&p.id_number, p.birth_date, p.sex) {
            Err(problem) => errors.push(FieldError::person(F::IdNumber, Refusal::Id { problem })),
            Ok(found) => {
                if p.birth_date.is_none() {
                    errors.push(FieldError::person(F::BirthDate, Refusal::Required));
                }
                for d in found {
                    errors.push(match d {
                        Disagreement::BirthDate(id_birth) => {
                            FieldError::person(F::BirthDate, Refusal::BirthNotAsId { id_birth })
                        }
                        Disagreement::Sex(id_sex) => {
                            FieldError::person(F::Sex, Refusal::SexNotAsId { id_sex })
                        }
                    });
                }
            }
        }
    }
    let dated = [
        (F::BirthDate, p.birth_date),
        (F::WorkStart, p.work_start),
        (F::EntryDate, p.entry_date),
    ];
    for (f, d) in dated {
        if let Some(d) = d
            && d > today
        {
            errors.push(FieldError::person(f, Refusal::AfterToday { date: d }));
        }
    }
    if let (Some(b), Some(w)) = (p.birth_date, p.work_start) {
        use chrono::Datelike;
        if w.year() - b.year() < 16 {
            errors.push(FieldError::person(
                F::WorkStart,
                Refusal::WorkBefore16 { work: w, birth: b },
            ));
        }
    }
    if let (Some(w), Some(e)) = (p.work_start, p.entry_date)
        && e < w
    {
        errors.push(FieldError::person(
            F::EntryDate,
            Refusal::EntryBeforeWork { entry: e, work: w },
        ));
    }
    errors
}

/// A new person or a staffing type taken in a unit: the unit must have a quota of that
/// type (人编不对应) and a usable place (可使用 > 0), said with the figures.
pub fn check_place(t: Option<StaffingType>, figures: &Figures) -> Option<FieldError> {
    let t = t?;
    let q = figures.quota_of(t);
    let f = PersonField::StaffingType;
    if q.approved <= 0 {
        return Some(FieldError::person(
            f,
            Refusal::NoQuotaOfType { staffing_type: t },
        ));
    }
    if q.usable <= 0 {
        return Some(FieldError::person(
            f,
            Refusal::NoUsablePlace {
                staffing_type: t,
                approved: q.approved,
                actual: q.actual,
                reserved: q.reserved,
            },
        ));
    }
    None
}

/// One person, one quota (一人一编): the ID number already holds a place elsewhere.
pub fn check_one_quota(other_unit: Option<&str>) -> Option<FieldError> {
    other_unit.map(|unit| {
        FieldError::person(
            PersonField::IdNumber,
            Refusal::OneQuota { unit: unit.into() },
        )
    })
}

/// A document number, required by `edit`: present and not blank.
pub fn check_doc(edit: &Edit, doc_no: Option<&str>) -> Option<FieldError> {
    (edit.needs_doc() && doc_no.is_none_or(|d| d.trim().is_empty()))
        .then(|| FieldError::new("doc_no", "文号", Refusal::DocRequired))
}

/// Applies field changes to a person, checking each value; conflicts are the caller's.
pub fn apply_person_changes(p: &mut Person, changes: &[FieldChange]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for c in changes {
        match PersonField::parse(&c.field) {
            None => errors.push(FieldError::new(&c.field, &c.field, Refusal::NoSuchField)),
            Some(f) => {
                if let Err(m) = f.set(p, &c.to) {
                    errors.push(FieldError::person(f, m));
                }
            }
        }
    }
    errors
}

pub fn apply_org_changes(o: &mut Org, changes: &[FieldChange]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for c in changes {
        match OrgField::parse(&c.field) {
            None => errors.push(FieldError::new(&c.field, &c.field, Refusal::NoSuchField)),
            Some(f) => {
                if let Err(m) = f.set(o, &c.to) {
                    errors.push(FieldError::org(f, m));
                }
            }
        }
    }
    errors
}

/// The fields of `changes` whose value on the server is neither what the clerk saw nor
/// what they set: changed by someone else since. Changes to other fields merge.
pub fn conflicts(changes: &[FieldChange], now: impl Fn(&str) -> String) -> Vec<FieldConflict> {
    changes
        .iter()
        .filter_map(|c| {
            let server = now(&c.field);
            (server != c.from && server != c.to).then(|| FieldConflict {
                field: c.field.clone(),
                base: c.from.clone(),
                mine: c.to.clone(),
                server,
            })
        })
        .collect()
}

/// A new person, blank but for the unit (filled by the values of a [`Edit::PersonAdd`]).
pub fn blank_person(id: PersonId, org_id: OrgId) -> Person {
    Person {
        id,
        org_id,
        name: String::new(),
        id_number: String::new(),
        sex: Sex::Male,
        birth_date: None,
        ethnicity: String::new(),
        political_status: None,
        funding_type: None,
        work_start: None,
        entry_form: None,
        entry_doc: None,
        entry_date: None,
        post: None,
        rank: None,
        post_type: PostType::ALL[0],
        school: None,
        education: None,
        degree: None,
        major: None,
        staffing_type: None,
        leader_post: None,
        status: PersonStatus::Active,
        exit_kind: None,
        exit_date: None,
    }
}

/// The person a [`Edit::PersonAdd`] enters: the values set in order, the birth date and
/// sex taken from the ID number when not given. Returns the errors of any value.
pub fn new_person(
    id: PersonId,
    org_id: OrgId,
    values: &[(PersonField, String)],
    today: NaiveDate,
) -> (Person, Vec<FieldError>) {
    let mut p = blank_person(id, org_id);
    let mut errors = Vec::new();
    for (f, v) in values {
        if let Err(m) = f.set(&mut p, v) {
            errors.push(FieldError::person(*f, m));
        }
    }
    let given = |f: PersonField| values.iter().any(|(g, v)| *g == f && !v.trim().is_empty());
    if let Ok(facts) = super::idcard::parse_id(&p.id_number) {
        if !given(PersonField::BirthDate) {
            p.birth_date = Some(facts.birth_date);
        }
        if !given(PersonField::Sex) {
            p.sex = facts.sex;
        }
    }
    if p.entry_date.is_none() {
        p.entry_date = Some(today);
    }
    if !given(PersonField::PostType) {
        errors.push(FieldError::person(PersonField::PostType, Refusal::Required));
    }
    if errors.is_empty() {
        errors = check_person(&p, today);
    }
    (p, errors)
}

/// The records an edit reads, as they stand where it is applied (the server's rows, or
/// the cache's with earlier pending edits replayed).
#[derive(Debug, Clone, Default)]
pub struct Before {
    /// The person of a person edit.
    pub person: Option<Person>,
    /// The unit of a unit edit (for 增设内设机构, the parent).
    pub org: Option<Org>,
    /// Where a transfer or a move goes.
    pub to_org: Option<Org>,
}

/// One line of history an edit leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub subject: Subject,
    pub kind: EventKind,
    pub detail: Detail,
    pub from_org: Option<OrgId>,
    pub to_org: Option<OrgId>,
}

/// The rows an edit writes (ids of new rows are the caller's `new_id`) and the history
/// it leaves. Both the server and the cache's pending view are made by this function.
#[derive(Debug, Clone, Default)]
pub struct After {
    pub person: Option<Person>,
    pub org: Option<Org>,
    pub ledger: Option<LedgerEntry>,
    pub posts: Option<PostEntry>,
    pub traces: Vec<Trace>,
}

/// A field's value as it may be shown anywhere (history, requests, conflicts): the ID
/// number and the birth date masked.
pub fn masked(field: &str, v: &str) -> String {
    match PersonField::parse(field) {
        Some(PersonField::IdNumber) => mask_id(v),
        Some(PersonField::BirthDate) => mask_birth(v.parse().ok()),
        _ => v.to_string(),
    }
}

/// The changes as the history keeps them: personal data masked.
fn history_changes(changes: &[FieldChange]) -> Vec<history::FieldChange> {
    changes
        .iter()
        .map(|c| {
            let said = |v: &str| {
                if v.is_empty() {
                    String::new()
                } else {
                    masked(&c.field, v)
                }
            };
            history::FieldChange {
                field: c.field.clone(),
                from: said(&c.from),
                to: said(&c.to),
            }
        })
        .collect()
}

/// Applies `edit` to the records it reads. Errors are the edit's own (a value that is
/// not one, a person not on the books); rules that need the rest of the data (figures,
/// one quota, cycles, jurisdiction) are checked by the caller before.
pub fn effect(
    edit: &Edit,
    doc_no: Option<&str>,
    before: Before,
    new_id: i64,
    today: NaiveDate,
) -> Result<After, Vec<FieldError>> {
    let err = |field: &str, label: &str, why: Refusal| vec![FieldError::new(field, label, why)];
    let no_person = || err("person", "人员", Refusal::NoSuchPerson);
    let no_org = || err("org", "单位", Refusal::NoSuchUnit);
    let mut after = After::default();
    let doc = doc_no.map(str::to_string);
    match edit {
        Edit::PersonAdd { org_id, values } => {
            let unit = before.org.ok_or_else(no_org)?;
            let (mut p, errors) = new_person(new_id, *org_id, values, today);
            if !errors.is_empty() {
                return Err(errors);
            }
            if p.entry_doc.is_none() {
                p.entry_doc = doc.clone();
            }
            after.traces.push(Trace {
                subject: Subject::Person(p.id),
                kind: EventKind::Entry,
                detail: Detail::Entered {
                    form: p.entry_form,
                    unit: unit.name,
                    staffing: p.staffing_type,
                },
                from_org: None,
                to_org: Some(*org_id),
            });
            after.person = Some(p);
        }
        Edit::PersonEdit { changes, .. } => {
            let mut p = before.person.ok_or_else(no_person)?;
            // A fault the record already had does not stop another change (the clerk
            // fixing 职务 need not first fix 性别); only what the change breaks does.
            let had = check_person(&p, today);
            let errors = apply_person_changes(&mut p, changes);
            if !errors.is_empty() {
                return Err(errors);
            }
            let errors: Vec<FieldError> = check_person(&p, today)
                .into_iter()
                .filter(|e| !had.contains(e))
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            after.traces.push(Trace {
                subject: Subject::Person(p.id),
                kind: EventKind::InfoChanged,
                detail: Detail::PersonChanged {
                    changes: history_changes(changes),
                },
                from_org: None,
                to_org: None,
            });
            after.person = Some(p);
        }
        Edit::PersonExit { kind, date, .. } => {
            let mut p = before.person.ok_or_else(no_person)?;
            if p.status != PersonStatus::Active {
                return Err(err(
                    "person",
                    "人员",
                    Refusal::NotOnBooks {
                        name: p.name,
                        status: p.status,
                    },
                ));
            }
            if *date > today {
                return Err(err("date", "日期", Refusal::AfterToday { date: *date }));
            }
            if p.entry_date.is_some_and(|e| *date < e) {
                return Err(err("date", "日期", Refusal::BeforeEntry));
            }
            let unit = before.org.map(|o| o.name);
            p.leave(*kind, *date);
            after.traces.push(Trace {
                subject: Subject::Person(p.id),
                kind: EventKind::Exit,
                detail: Detail::Exited { exit: *kind, unit },
                from_org: Some(p.org_id),
                to_org: None,
            });
            after.person = Some(p);
        }
        Edit::PersonTransfer { to_org, .. } => {
            let mut p = before.person.ok_or_else(no_person)?;
            let to = before.to_org.ok_or_else(no_org)?;
            if p.status != PersonStatus::Active {
                return Err(err(
                    "person",
                    "人员",
                    Refusal::NotOnBooks {
                        name: p.name,
                        status: p.status,
                    },
                ));
            }
            if p.org_id == *to_org {
                return Err(err("to", "调入单位", Refusal::AlreadyInUnit));
            }
            let from = p.org_id;
            p.org_id = *to_org;
            p.leader_post = None;
            after.traces.push(Trace {
                subject: Subject::Person(p.id),
                kind: EventKind::Transfer,
                detail: Detail::TransferredIn {
                    from: None,
                    to: to.name,
                },
                from_org: Some(from),
                to_org: Some(*to_org),
            });
            after.person = Some(p);
        }
        Edit::PersonRestore { .. } => {
            let mut p = before.person.ok_or_else(no_person)?;
            if p.status == PersonStatus::Active {
                return Err(err(
                    "person",
                    "人员",
                    Refusal::OnBooksAlready { name: p.name },
                ));
            }
            p.status = PersonStatus::Active;
            p.exit_kind = None;
            p.exit_date = None;
            after.traces.push(Trace {
                subject: Subject::Person(p.id),
                kind: EventKind::Restored,
                detail: Detail::Restored,
                from_org: None,
                to_org: Some(p.org_id),
            });
            after.person = Some(p);
        }
        Edit::OrgEdit { changes, .. } => {
            let mut o = before.org.ok_or_else(no_org)?;
            let errors = apply_org_changes(&mut o, changes);
            if !errors.is_empty() {
                return Err(errors);
            }
            let renamed = changes
                .iter()
                .any(|c| OrgField::parse(&c.field) == Some(OrgField::Name));
            after.traces.push(Trace {
                subject: Subject::Org(o.id),
                kind: if renamed {
                    EventKind::Renamed
                } else {
                    EventKind::OrgInfoChanged
                },
                detail: Detail::OrgChanged {
                    changes: history_changes(changes),
                },
                from_org: None,
                to_org: None,
            });
            after.org = Some(o);
        }
        Edit::OrgMove { to_parent, .. } => {
            let mut o = before.org.ok_or_else(no_org)?;
            let to = before.to_org.ok_or_else(no_org)?;
            if o.parent_id == Some(*to_parent) {
                return Err(err("to", "上级单位", Refusal::AlreadyUnder));
            }
            after.traces.push(Trace {
                subject: Subject::Org(o.id),
                kind: EventKind::Moved,
                detail: Detail::Moved {
                    from: None,
                    under: to.name,
                },
                from_org: o.parent_id,
                to_org: Some(*to_parent),
            });
            o.parent_id = Some(*to_parent);
            after.org = Some(o);
        }
        Edit::OrgAbolish { .. } => {
            let mut o = before.org.ok_or_else(no_org)?;
            if o.abolished {
                return Err(err("org", "单位", Refusal::Abolished));
            }
            o.abolished = true;
            after.traces.push(Trace {
                subject: Subject::Org(o.id),
                kind: EventKind::Abolished,
                detail: Detail::Abolished {
                    unit: o.name.clone(),
                    duties_to: None,
                },
                from_org: None,
                to_org: None,
            });
            after.org = Some(o);
        }
        Edit::OrgAddDept {
            parent_id,
            name,
            short_name,
        } => {
            let parent = before.org.ok_or_else(no_org)?;
            if name.trim().is_empty() {
                return Err(err("name", "名称", Refusal::Required));
            }
            let o = Org {
                id: new_id,
                parent_id: Some(*parent_id),
                kind: OrgKind::InternalDept,
                name: name.trim().to_string(),
                short_name: short_name.clone().filter(|s| !s.trim().is_empty()),
                category: parent.category,
                level: None,
                nature: None,
                credit_code: None,
                domain_name: None,
                founding_doc: doc.clone(),
                founding_date: Some(today),
                sort: i32::MAX / 2,
                abolished: false,
            };
            after.traces.push(Trace {
                subject: Subject::Org(o.id),
                kind: EventKind::Founded,
                detail: Detail::Founded {
                    unit: o.name.clone(),
                    dept_of: Some(parent.name),
                },
                from_org: None,
                to_org: Some(*parent_id),
            });
            after.org = Some(o);
        }
        Edit::LedgerAdd {
            org_id,
            staffing_type,
            funding_type,
            delta,
            date,
            summary,
        } => {
            before.org.ok_or_else(no_org)?;
            if *delta == 0 {
                return Err(err("delta", "数量", Refusal::ZeroDelta));
            }
            if *date > today {
                return Err(err("date", "日期", Refusal::AfterToday { date: *date }));
            }
            after.ledger = Some(LedgerEntry {
                id: new_id,
                org_id: *org_id,
                doc_no: doc.clone().unwrap_or_default(),
                date: *date,
                staffing_type: *staffing_type,
                funding_type: *funding_type,
                delta: *delta,
                summary: summary.clone(),
                special: false,
            });
            after.traces.push(Trace {
                subject: Subject::Org(*org_id),
                kind: EventKind::QuotaChanged,
                detail: Detail::QuotaChanged {
                    staffing: *staffing_type,
                    delta: *delta,
                    note: summary.clone(),
                },
                from_org: None,
                to_org: None,
            });
        }
        Edit::PostsAdd {
            org_id,
            slot,
            delta,
            date,
            summary,
        } => {
            before.org.ok_or_else(no_org)?;
            if *delta == 0 {
                return Err(err("delta", "数量", Refusal::ZeroDelta));
            }
            after.posts = Some(PostEntry {
                id: new_id,
                org_id: *org_id,
                doc_no: doc.clone().unwrap_or_default(),
                date: *date,
                slot: *slot,
                delta: *delta,
                summary: summary.clone(),
            });
            after.traces.push(Trace {
                subject: Subject::Org(*org_id),
                kind: EventKind::QuotaChanged,
                detail: Detail::PostsChanged {
                    slot: *slot,
                    delta: *delta,
                    note: summary.clone(),
                },
                from_org: None,
                to_org: None,
            });
        }
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person() -> Person {
        let (p, errors) = new_person(
            1,
            1,
            &[
                (PersonField::Name, "王芳".into()),
                (PersonField::IdNumber, "11010519491231002X".into()),
                (PersonField::Ethnicity, "汉族".into()),
                (PersonField::PostType, PostType::ALL[0].zh().into()),
            ],
            d("2026-12-01"),
        );
        assert_eq!(errors, vec![]);
        p
    }

    #[test]
    fn a_new_person_takes_birth_date_and_sex_from_the_id_number() {
        let p = person();
        assert_eq!(p.birth_date, Some(d("1949-12-31")));
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(p.entry_date, Some(d("2026-12-01")));
    }

    #[test]
    fn every_field_reads_back_what_was_set() {
        let mut p = person();
        for f in PersonField::ALL {
            let v = match f.kind() {
                FieldKind::Choice => f.choices()[1 % f.choices().len()].clone(),
                FieldKind::Date => "1990-05-06".into(),
                FieldKind::IdNumber => "11010519491231002X".into(),
                FieldKind::Text => "某某".into(),
            };
            f.set(&mut p, &v).unwrap();
            assert_eq!(f.get(&p), v, "{}", f.key());
        }
    }

    #[test]
    fn values_are_written_one_way() {
        let f = PersonField::IdNumber;
        assert_eq!(
            f.normalize(" １１０１０５４９１２３１００２ ").unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            f.normalize("11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert!(f.normalize("110105194912310021X").is_err());
        assert_eq!(
            PersonField::EntryDate.normalize("2024/3/5").unwrap(),
            "2024-03-05"
        );
        assert!(PersonField::EntryDate.normalize("2024-02-30").is_err());
        assert_eq!(PersonField::Sex.normalize("female").unwrap(), "女");
        assert!(PersonField::Education.normalize("博士后").is_err());
        assert!(PersonField::Name.normalize("王 芳").is_err());
        assert_eq!(PersonField::Ethnicity.normalize("汉").unwrap(), "汉族");
        assert_eq!(PersonField::Ethnicity.normalize("蒙古").unwrap(), "蒙古族");
        assert!(PersonField::Ethnicity.normalize("火星族").is_err());
        assert_eq!(PersonField::Ethnicity.choices().len(), 56);
        assert_eq!(PersonField::parse("职务"), Some(PersonField::Post));
        assert_eq!(PersonField::parse("POST"), Some(PersonField::Post));
    }

    #[test]
    fn a_record_that_disagrees_with_its_id_number_is_refused_per_field() {
        let mut p = person();
        p.birth_date = Some(d("1950-01-01"));
        p.sex = Sex::Male;
        let fields: Vec<String> = check_person(&p, d("2026-12-01"))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["birth_date", "sex"]);
        let mut p = person();
        p.work_start = Some(d("1960-01-01"));
        p.entry_date = Some(d("1959-01-01"));
        let fields: Vec<String> = check_person(&p, d("2026-12-01"))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["work_start", "entry_date"]);
    }

    #[test]
    fn a_fault_the_record_had_does_not_stop_another_change_but_a_new_one_does() {
        let mut p = person();
        p.sex = Sex::Male; // disagrees with the ID number already
        let edit = |field: &str, to: &str| Edit::PersonEdit {
            person: Target::Id(1),
            changes: vec![FieldChange {
                field: field.into(),
                from: String::new(),
                to: to.into(),
            }],
        };
        let before = || Before {
            person: Some(p.clone()),
            ..Before::default()
        };
        let today = d("2026-12-01");
        assert!(effect(&edit("post", "科员"), None, before(), 0, today).is_ok());
        let e = effect(&edit("birth_date", "1950-01-01"), None, before(), 0, today).unwrap_err();
        assert_eq!(e[0].field, "birth_date");
    }

    #[test]
    fn only_a_field_changed_on_both_sides_conflicts() {
        let changes = vec![
            FieldChange {
                field: "post".into(),
                from: "科员".into(),
                to: "副科长".into(),
            },
            FieldChange {
                field: "major".into(),
                from: "".into(),
                to: "法学".into(),
            },
        ];
        // The server changed major to the same value, post to another one.
        let server = |f: &str| if f == "post" { "科长" } else { "法学" }.to_string();
        let c = conflicts(&changes, server);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].base.as_str(), c[0].mine.as_str(), c[0].server.as_str()),
            ("科员", "副科长", "科长")
        );
        assert!(conflicts(&changes, |f| if f == "post" { "科员" } else { "" }.into()).is_empty());
    }

    #[test]
    fn key_fields_need_a_document_and_review() {
        let edit = |field: &str| Edit::PersonEdit {
            person: Target::Id(1),
            changes: vec![FieldChange {
                field: field.into(),
                from: String::new(),
                to: "x".into(),
            }],
        };
        assert!(edit("id_number").needs_review());
        assert!(check_doc(&edit("id_number"), Some(" ")).is_some());
        assert!(!edit("post").needs_review());
        assert!(check_doc(&edit("post"), None).is_none());
        let exit = Edit::PersonExit {
            person: Target::Id(1),
            kind: ExitKind::Retirement,
            date: d("2026-01-01"),
        };
        assert!(exit.needs_doc() && !exit.needs_review());
    }

    #[test]
    fn an_intent_reads_back_from_its_json() {
        let i = Intent {
            edit: Edit::PersonAdd {
                org_id: 3,
                values: vec![(PersonField::Name, "王芳".into())],
            },
            doc_no: Some("示编〔2026〕1号".into()),
            base: 42,
        };
        let json = serde_json::to_string(&i).unwrap();
        assert!(json.contains("\"op\":\"person_add\""), "{json}");
        assert_eq!(serde_json::from_str::<Intent>(&json).unwrap(), i);
    }
}
