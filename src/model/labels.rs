//! Closed vocabularies of the domain. Each term has a stable numeric code (used in the
//! cache and on the wire), its Chinese label (what operators read, and what JSON carries)
//! and an English label (`--lang en`).

/// A closed vocabulary stored as its numeric code.
pub trait Vocabulary: Sized + Copy {
    fn code(self) -> u8;
    fn from_code(code: i64) -> Option<Self>;
}

/// Defines a closed vocabulary: `code` is stable forever (cache and wire), `zh` is the
/// operator's word, `en` the English interface's word.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> u8 {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: i64) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// The Chinese term, as operators know it.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            pub fn label(self, lang: crate::model::Lang) -> &'static str {
                match lang { crate::model::Lang::Zh => self.zh(), crate::model::Lang::En => self.en() }
            }
            /// Accepts the Chinese term or the English one (case-insensitive).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.zh() == s || v.en().eq_ignore_ascii_case(s))
            }
        }

        impl Vocabulary for $name {
            fn code(self) -> u8 { $name::code(self) }
            fn from_code(code: i64) -> Option<Self> { $name::from_code(code) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.zh())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.zh())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!(
                    concat!("unknown ", stringify!($name), " `{}`"), s)))
            }
        }
    };
}

vocabulary! {
    /// Where a node sits in the tree: a region (市/县/乡镇), an institution, an internal
    /// department (内设机构) or a subordinate public institution (所属事业单位).
    OrgKind {
        Region = 1, "行政区域", "region";
        Institution = 2, "机构", "institution";
        InternalDept = 3, "内设机构", "internal department";
        PublicInstitution = 4, "所属事业单位", "public institution";
    }
}

vocabulary! {
    /// 机构类别
    Category {
        Party = 1, "党委", "party";
        Congress = 2, "人大", "people's congress";
        Government = 3, "政府", "government";
        Cppcc = 4, "政协", "CPPCC";
        Supervision = 5, "监察", "supervision";
        Court = 6, "审判", "court";
        Procuratorate = 7, "检察", "procuratorate";
        DemocraticParty = 8, "民主党派", "democratic party";
        MassOrg = 9, "群团", "mass organisation";
        PublicInstitution = 10, "事业单位", "public institution";
    }
}

vocabulary! {
    /// 机构规格, highest first.
    Level {
        BureauFull = 1, "正厅级", "bureau (full)";
        BureauDeputy = 2, "副厅级", "bureau (deputy)";
        DivisionFull = 3, "正处级", "division (full)";
        DivisionDeputy = 4, "副处级", "division (deputy)";
        SectionFull = 5, "正科级", "section (full)";
        SectionDeputy = 6, "副科级", "section (deputy)";
        Unit = 7, "股级", "unit";
    }
}

impl Level {
    /// The level one step down (正处 → 副处); the lowest stays where it is.
    pub fn below(self) -> Level {
        Level::from_code(self.code() as i64 + 1).unwrap_or(Level::Unit)
    }
}

vocabulary! {
    /// 机构性质
    Nature {
        Administrative = 1, "行政机关", "administrative organ";
        CivilServiceManaged = 2, "参照公务员法管理事业单位", "civil-service-managed institution";
        PublicWelfare1 = 3, "公益一类事业单位", "public welfare I";
        PublicWelfare2 = 4, "公益二类事业单位", "public welfare II";
        Commercial = 5, "生产经营类事业单位", "commercial institution";
    }
}

vocabulary! {
    /// 编制类型. A person outside the establishment (编外) occupies none.
    StaffingType {
        Administrative = 1, "行政编制", "administrative";
        PoliticalLegal = 2, "政法专项编制", "political-legal special";
        CivilServiceManaged = 3, "参公事业编制", "civil-service-managed";
        PublicInstitution = 4, "事业编制", "public institution";
        OrganWorker = 5, "机关工勤编制", "organ worker";
        InstitutionWorker = 6, "事业工勤编制", "institution worker";
    }
}

impl StaffingType {
    /// The short name offices use in tables where the full one does not fit (行政,
    /// 参公, 事业工勤 …).
    pub fn short(self, lang: crate::model::Lang) -> &'static str {
        use crate::model::Lang;
        use StaffingType::*;
        match (self, lang) {
            (Administrative, Lang::Zh) => "行政",
            (PoliticalLegal, Lang::Zh) => "政法专项",
            (CivilServiceManaged, Lang::Zh) => "参公",
            (PublicInstitution, Lang::Zh) => "事业",
            (OrganWorker, Lang::Zh) => "机关工勤",
            (InstitutionWorker, Lang::Zh) => "事业工勤",
            (Administrative, Lang::En) => "admin",
            (PoliticalLegal, Lang::En) => "pol-leg",
            (CivilServiceManaged, Lang::En) => "CS-mgd",
            (PublicInstitution, Lang::En) => "pub-ins",
            (OrganWorker, Lang::En) => "org-wkr",
            (InstitutionWorker, Lang::En) => "ins-wkr",
        }
    }
}

vocabulary! {
    /// 经费形式
    FundingType {
        Full = 1, "财政全额拨款", "fully funded";
        Partial = 2, "财政差额拨款", "partly funded";
        SelfFunded = 3, "自收自支", "self-funded";
    }
}

vocabulary! {
    /// 领导职数: 正职 or 副职.
    PostRank {
        Chief = 1, "正职", "chief";
        Deputy = 2, "副职", "deputy";
    }
}

vocabulary! {
    Sex {
        Male = 1, "男", "male";
        Female = 2, "女", "female";
    }
}

vocabulary! {
    /// 政治面貌
    PoliticalStatus {
        CpcMember = 1, "中共党员", "CPC member";
        LeagueMember = 2, "共青团员", "CYL member";
        DemocraticParty = 3, "民主党派", "democratic party";
        Masses = 4, "群众", "masses";
    }
}

vocabulary! {
    /// 进入形式
    EntryForm {
        Exam = 1, "考试录用", "civil service exam";
        OpenRecruitment = 2, "公开招聘", "open recruitment";
        Appointment = 3, "调任", "appointment";
        Transfer = 4, "转任", "transfer";
        Veteran = 5, "军转安置", "veteran placement";
        Selected = 6, "选调生", "selected graduate";
        Policy = 7, "政策性安置", "policy placement";
    }
}

vocabulary! {
    /// 岗位类型: decides, with sex, which statutory retirement rule applies.
    PostType {
        Management = 1, "管理岗", "management";
        Professional = 2, "专业技术岗", "professional";
        Worker = 3, "工勤技能岗", "worker";
    }
}

vocabulary! {
    /// 学历
    Education {
        Postgraduate = 1, "研究生", "postgraduate";
        Bachelor = 2, "大学本科", "bachelor";
        College = 3, "大学专科", "college";
        Secondary = 4, "中专", "secondary vocational";
        HighSchool = 5, "高中及以下", "high school or below";
    }
}

vocabulary! {
    /// 学位
    Degree {
        Doctor = 1, "博士", "doctorate";
        Master = 2, "硕士", "master";
        Bachelor = 3, "学士", "bachelor";
    }
}

vocabulary! {
    /// 人员状态: on the books, retired, or history (left by other means).
    PersonStatus {
        Active = 1, "在职", "active";
        Retired = 2, "离退", "retired";
        Former = 3, "历史", "former";
        Pending = 4, "拟入编", "pending entry";
    }
}

impl PersonStatus {
    /// Whether a person of this status with this 占编类型 (None is 编外) counts toward
    /// a unit's 实有: the rule of [`super::Person::occupies_quota`], for readers that
    /// fetch only these columns.
    pub fn occupies_quota(self, staffing_type: Option<StaffingType>) -> bool {
        self == PersonStatus::Active && staffing_type.is_some()
    }
}

vocabulary! {
    /// 减员方式
    ExitKind {
        Retirement = 1, "退休", "retirement";
        TransferOut = 2, "调出", "transfer out";
        Resignation = 3, "辞职", "resignation";
        Dismissal = 4, "辞退", "dismissal";
        Expulsion = 5, "开除", "expulsion";
        Death = 6, "死亡", "death";
    }
}

vocabulary! {
    /// Kinds of history events (历史沿革 of units, careers of persons).
    EventKind {
        Founded = 1, "设立", "founded";
        Renamed = 2, "更名", "renamed";
        Merged = 3, "合并", "merged";
        Split = 4, "分设", "split";
        Moved = 5, "隶属调整", "moved";
        LevelChanged = 6, "规格调整", "level changed";
        Abolished = 7, "撤销", "abolished";
        OrgInfoChanged = 8, "机构信息变更", "unit details changed";
        QuotaChanged = 9, "编制调整", "quota changed";
        Entry = 11, "入编", "entry";
        Transfer = 12, "调动", "transfer";
        PostChange = 13, "职务变动", "post change";
        RankChange = 14, "职级变动", "rank change";
        Exit = 15, "出编", "exit";
        InfoChanged = 16, "信息变更", "details changed";
        Restored = 17, "恢复在编", "restored";
    }
}

impl EventKind {
    pub fn is_org_event(self) -> bool {
        self.code() < 10
    }
}

vocabulary! {
    /// The five kinds of business that flow through the office's inbox.
    ApprovalKind {
        StaffingPlan = 1, "用编计划", "staffing plan";
        Entry = 2, "增人入编", "entry";
        Exit = 3, "减人出编", "exit";
        LeaderPost = 4, "领导职数使用", "leadership post";
        Reorganisation = 5, "机构调整", "reorganisation";
        KeyInfoChange = 6, "关键信息变更", "key information change";
        LedgerChange = 7, "台账变更", "ledger change";
    }
}

vocabulary! {
    ApprovalStatus {
        Pending = 1, "待审批", "pending";
        Approved = 2, "同意", "approved";
        Returned = 3, "退回", "returned";
        Rejected = 4, "不同意", "rejected";
    }
}

vocabulary! {
    /// An operator's decision on a request.
    Decision {
        Approve = 1, "同意", "approve";
        Return = 2, "退回", "return";
        Reject = 3, "不同意", "reject";
    }
}

impl Decision {
    pub fn resulting_status(self) -> ApprovalStatus {
        match self {
            Decision::Approve => ApprovalStatus::Approved,
            Decision::Return => ApprovalStatus::Returned,
            Decision::Reject => ApprovalStatus::Rejected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use unicode_width::UnicodeWidthStr;

    /// Short names fit the overview's narrowest name column (8 cells in Chinese, 7 in
    /// English) and tell every type apart.
    #[test]
    fn short_staffing_type_names_fit_and_differ() {
        for (lang, cells) in [(Lang::Zh, 8), (Lang::En, 7)] {
            let names: Vec<&str> = StaffingType::ALL.iter().map(|t| t.short(lang)).collect();
            for n in &names {
                assert!(n.width() <= cells, "{n}");
            }
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{names:?}");
        }
    }
}
