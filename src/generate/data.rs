//! Static pools and templates of the generated world: names, departments, schools,
//! titles. `{R}` in a template stands for the region's full name (青山县), `{L}` for its
//! one-character level (县, 市, 区).

use crate::model::{Category, FundingType, Nature};

/// Surnames with realistic relative frequencies (per hundred thousand, roughly).
pub const SURNAMES: &[(&str, u32)] = &[
    ("王", 710), ("李", 700), ("张", 670), ("刘", 540), ("陈", 460), ("杨", 310), ("黄", 250), ("赵", 230),
    ("吴", 200), ("周", 190), ("徐", 150), ("孙", 140), ("马", 130), ("朱", 130), ("胡", 120), ("郭", 120),
    ("何", 120), ("高", 110), ("林", 110), ("罗", 110), ("郑", 100), ("梁", 100), ("谢", 80), ("宋", 80),
    ("唐", 80), ("许", 70), ("韩", 70), ("冯", 70), ("邓", 70), ("曹", 70), ("彭", 60), ("曾", 60),
    ("肖", 60), ("田", 60), ("董", 50), ("袁", 50), ("潘", 50), ("于", 50), ("蒋", 50), ("蔡", 50),
    ("余", 50), ("杜", 50), ("叶", 40), ("程", 40), ("苏", 40), ("魏", 40), ("吕", 40), ("丁", 40),
    ("任", 40), ("沈", 40), ("姚", 30), ("卢", 30), ("姜", 30), ("崔", 30), ("钟", 30), ("谭", 30),
    ("陆", 30), ("汪", 30), ("范", 30), ("金", 30), ("石", 30), ("廖", 30), ("贾", 30), ("夏", 30),
    ("韦", 30), ("付", 30), ("方", 30), ("白", 20), ("邹", 20), ("孟", 20), ("熊", 20), ("秦", 20),
    ("邱", 20), ("江", 20), ("尹", 20), ("薛", 20), ("闫", 20), ("段", 20), ("雷", 20), ("侯", 20),
    ("龙", 20), ("史", 20), ("陶", 20), ("黎", 20), ("贺", 20), ("顾", 20), ("毛", 20), ("郝", 20),
    ("龚", 20), ("邵", 20), ("万", 20), ("钱", 20), ("严", 20), ("武", 20), ("戴", 20), ("孔", 10),
    ("向", 10), ("汤", 10), ("单", 4), ("解", 3), ("区", 1), ("仇", 2), ("朴", 2), ("查", 2), ("盖", 2),
    ("欧阳", 5), ("司马", 1), ("诸葛", 1), ("上官", 1),
];

/// Names placed on purpose: rare and two-character surnames, polyphonic given names
/// (乐 行 长 重 朝 奇), for the search tests.
pub const FORCED_NAMES: &[&str] = &[
    "单乐", "曾行", "解长青", "区重阳", "仇朝晖", "朴奇", "查乐乐", "盖长江", "欧阳朝", "司马行", "诸葛长明",
    "上官乐", "张重", "王奇峰", "李朝阳", "刘长乐",
];

pub const GIVEN_MALE: &[&str] = &[
    "伟", "强", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌", "宇",
    "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "峰", "磊", "亮", "建", "国", "志", "海", "东", "新",
    "文", "博", "永", "兴", "成", "玉", "长", "乐", "行", "重", "朝", "奇", "晨", "阳", "岩", "松", "毅", "振",
    "洪", "福", "庆", "德", "忠", "良", "立", "军", "嘉", "子", "泽", "睿", "轩", "铭",
];

pub const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "桂", "红", "燕", "梅", "琳", "洁", "雪",
    "婷", "慧", "颖", "倩", "萍", "晶", "欣", "怡", "佳", "悦", "蕾", "雯", "琴", "云", "兰", "凤", "丹", "璐",
    "瑶", "莉", "乐", "晓", "思", "雨", "嘉", "子", "诗", "梦", "长", "朝", "文", "春",
];

pub const ETHNIC_MINORITIES: &[&str] = &["回族", "满族", "蒙古族", "壮族", "苗族", "土家族", "朝鲜族", "彝族"];

pub const OPERATORS: &[&str] = &["编办-张三", "编办-李四", "编办-王芳", "编办-刘洋", "编办-陈静", "编办-赵敏"];

/// County-level regions of 示例市: (name, doc prefix, area code).
pub const DISTRICTS: &[(&str, &str, &str)] = &[("东城区", "东", "990102"), ("西城区", "西", "990103"), ("南湖区", "南", "990104")];
pub const COUNTIES: &[(&str, &str, &str)] = &[
    ("青山县", "青", "990121"),
    ("临江县", "临", "990122"),
    ("安平县", "安", "990123"),
    ("白水县", "白", "990124"),
    ("云台县", "云", "990125"),
    ("丰乐县", "丰", "990126"),
    ("长宁县", "长", "990127"),
    ("桃源县", "桃", "990128"),
    ("双河县", "双", "990129"),
];

pub const TOWNS: &[&str] = &[
    "城关镇", "青石镇", "柳河镇", "大营镇", "马桥镇", "王庄镇", "河口镇", "石门乡", "杨集乡", "李村镇", "新安镇",
    "白塔镇", "黄庄乡", "龙泉镇", "双河镇", "高桥镇", "三里镇", "桃园乡", "乐平镇", "长岭镇", "朝阳镇", "重兴乡",
];
pub const STREETS: &[&str] = &[
    "东关街道", "南门街道", "北苑街道", "解放路街道", "人民路街道", "和平街道", "新华街道", "文化路街道", "朝阳街道",
    "长安街道", "湖滨街道", "乐园街道", "行知街道", "西湖街道", "东风街道", "向阳街道", "光明街道", "站前街道",
    "滨河街道", "开元街道",
];

/// What kind of staff a unit employs: decides titles, majors and staffing types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prof {
    /// 党政机关 (行政编制)
    Admin,
    /// 公安 (政法专项编制)
    Police,
    /// 法院
    Court,
    /// 检察院
    Procuratorate,
    /// 参公单位
    Csm,
    Teacher,
    Hospital,
    Cdc,
    Engineer,
    Agri,
    Culture,
    Media,
    General,
}

/// A department of a county-level (or city) government.
pub struct Dept {
    pub name: &'static str,
    pub short: &'static str,
    pub cat: Category,
    pub nature: Nature,
    pub prof: Prof,
    /// Base quota at county level.
    pub size: u32,
    pub chief: &'static str,
    pub deputy: &'static str,
    pub internal: &'static [&'static str],
    pub subs: &'static [Sub],
    pub founded: i32,
    /// Kept in the Small world.
    pub small: bool,
}

/// A subordinate public institution (所属事业单位).
pub struct Sub {
    pub name: &'static str,
    pub nature: Nature,
    pub prof: Prof,
    pub size: u32,
    pub funding: FundingType,
}

const fn sub(name: &'static str, prof: Prof, size: u32) -> Sub {
    Sub { name, nature: Nature::PublicWelfare1, prof, size, funding: FundingType::Full }
}
const fn sub2(name: &'static str, prof: Prof, size: u32, funding: FundingType) -> Sub {
    Sub { name, nature: Nature::PublicWelfare2, prof, size, funding }
}
const fn csm(name: &'static str, size: u32) -> Sub {
    Sub { name, nature: Nature::CivilServiceManaged, prof: Prof::Csm, size, funding: FundingType::Full }
}

#[allow(clippy::too_many_arguments)]
const fn dept(
    name: &'static str,
    short: &'static str,
    cat: Category,
    prof: Prof,
    size: u32,
    chief: &'static str,
    deputy: &'static str,
    internal: &'static [&'static str],
    subs: &'static [Sub],
    founded: i32,
    small: bool,
) -> Dept {
    let nature = match prof {
        Prof::Csm => Nature::CivilServiceManaged,
        _ => Nature::Administrative,
    };
    Dept { name, short, cat, nature, prof, size, chief, deputy, internal, subs, founded, small }
}

use Category as C;
use FundingType as F;
use Prof as P;

pub const DEPTS: &[Dept] = &[
    dept("中共{R}委办公室", "{L}委办", C::Party, P::Admin, 28, "主任", "副主任", &["秘书科", "综合科", "督查科", "信息科"], &[sub("{R}档案馆", P::Culture, 10)], 1950, true),
    dept("中共{R}委组织部", "{L}委组织部", C::Party, P::Admin, 22, "部长", "副部长", &["组织科", "干部科", "干部监督科", "人才工作科"], &[sub("{R}党员教育中心", P::General, 6)], 1950, true),
    dept("中共{R}委宣传部", "{L}委宣传部", C::Party, P::Admin, 18, "部长", "副部长", &["宣传科", "理论科", "文明创建科", "网络安全和信息化科"], &[sub2("{R}融媒体中心", P::Media, 60, F::Partial)], 1950, false),
    dept("中共{R}委统战部", "{L}委统战部", C::Party, P::Admin, 12, "部长", "副部长", &["民族宗教科", "党派工作科", "经济联络科"], &[], 1952, false),
    dept("中共{R}委政法委员会", "{L}委政法委", C::Party, P::Admin, 14, "书记", "副书记", &["综治督导科", "执法监督科", "维稳指导科"], &[sub("{R}社会治安综合治理中心", P::General, 8)], 1980, false),
    dept("中共{R}委机构编制委员会办公室", "{L}委编办", C::Party, P::Admin, 10, "主任", "副主任", &["机关编制科", "事业编制科", "综合科"], &[sub("{R}机构编制电子政务中心", P::General, 4)], 1991, true),
    dept("中共{R}纪律检查委员会", "{L}纪委监委", C::Supervision, P::Admin, 45, "书记", "副书记", &["党风政风监督室", "信访室", "案件监督管理室", "第一纪检监察室", "第二纪检监察室", "审查调查室"], &[], 1978, true),
    dept("{R}人大常委会机关", "{L}人大常委会", C::Congress, P::Admin, 18, "秘书长", "副秘书长", &["办公室", "法制工作委员会", "财政经济工作委员会"], &[], 1981, false),
    dept("{R}人民政府办公室", "{L}政府办", C::Government, P::Admin, 30, "主任", "副主任", &["秘书科", "综合科", "督查科", "政务公开科"], &[sub("{R}机关事务服务中心", P::General, 15), sub("{R}大数据中心", P::Engineer, 12)], 1950, true),
    dept("{R}发展和改革委员会", "{L}发改委", C::Government, P::Admin, 24, "主任", "副主任", &["综合科", "投资科", "价格科", "能源科"], &[sub("{R}重点项目服务中心", P::General, 8)], 1984, true),
    dept("{R}教育局", "{L}教育局", C::Government, P::Admin, 30, "局长", "副局长", &["基础教育科", "职业与成人教育科", "教师工作科", "学生资助科"], &[sub("{R}教学研究室", P::Teacher, 15)], 1950, true),
    dept("{R}科学技术局", "{L}科技局", C::Government, P::Admin, 12, "局长", "副局长", &["科技计划科", "成果转化科"], &[sub("{R}科技创新服务中心", P::Engineer, 6)], 1978, false),
    dept("{R}工业和信息化局", "{L}工信局", C::Government, P::Admin, 16, "局长", "副局长", &["运行监测科", "产业发展科"], &[sub("{R}中小企业服务中心", P::General, 8)], 2010, false),
    dept("{R}公安局", "{L}公安局", C::Government, P::Police, 220, "局长", "副局长", &["指挥中心", "治安管理大队", "刑事侦查大队", "交通警察大队", "网络安全保卫大队", "城关派出所"], &[], 1950, true),
    dept("{R}民政局", "{L}民政局", C::Government, P::Admin, 14, "局长", "副局长", &["社会救助科", "养老服务科", "社会事务科"], &[sub("{R}社会福利院", P::General, 20), sub2("{R}殡仪馆", P::General, 15, F::SelfFunded)], 1950, false),
    dept("{R}司法局", "{L}司法局", C::Government, P::Admin, 20, "局长", "副局长", &["法治督察科", "公共法律服务科", "社区矫正科"], &[sub2("{R}公证处", P::General, 6, F::Partial)], 1980, false),
    dept("{R}财政局", "{L}财政局", C::Government, P::Admin, 32, "局长", "副局长", &["预算科", "国库科", "综合科", "农业农村科", "会计科"], &[csm("{R}国库集中支付中心", 10), sub("{R}财政投资评审中心", P::General, 8)], 1950, true),
    dept("{R}人力资源和社会保障局", "{L}人社局", C::Government, P::Admin, 22, "局长", "副局长", &["就业促进科", "养老保险科", "劳动关系科", "专业技术人员管理科"], &[csm("{R}就业服务中心", 15), csm("{R}社会保险事业中心", 20), csm("{R}劳动人事争议仲裁院", 6)], 2010, true),
    dept("{R}自然资源和规划局", "{L}自然资源局", C::Government, P::Admin, 30, "局长", "副局长", &["国土空间规划科", "耕地保护科", "不动产登记科", "执法监察大队"], &[sub("{R}不动产登记中心", P::Engineer, 18), sub("{R}土地储备中心", P::Engineer, 10)], 2019, true),
    dept("{R}生态环境局", "{L}生态环境局", C::Government, P::Admin, 18, "局长", "副局长", &["环境影响评价科", "大气环境科", "水生态环境科"], &[sub("{R}环境监测站", P::Engineer, 15)], 2019, false),
    dept("{R}住房和城乡建设局", "{L}住建局", C::Government, P::Admin, 24, "局长", "副局长", &["建筑业管理科", "房地产市场监管科", "城市建设科"], &[sub("{R}建设工程质量安全服务中心", P::Engineer, 15), sub2("{R}房产服务中心", P::General, 12, F::Partial)], 1983, false),
    dept("{R}交通运输局", "{L}交通局", C::Government, P::Admin, 20, "局长", "副局长", &["综合运输科", "建设管理科", "安全监督科"], &[sub("{R}公路事业发展中心", P::Engineer, 30)], 1950, false),
    dept("{R}水利局", "{L}水利局", C::Government, P::Admin, 16, "局长", "副局长", &["水资源科", "河湖管理科", "农村水利科"], &[sub("{R}水利工程管理站", P::Engineer, 20), sub("{R}水文站", P::Engineer, 8)], 1950, false),
    dept("{R}农业农村局", "{L}农业农村局", C::Government, P::Admin, 28, "局长", "副局长", &["乡村产业科", "种植业管理科", "农村社会事业科", "畜牧兽医科"], &[sub("{R}农业技术推广中心", P::Agri, 30), sub("{R}畜牧兽医服务中心", P::Agri, 20), sub("{R}农村经营管理站", P::Agri, 8)], 1950, false),
    dept("{R}商务局", "{L}商务局", C::Government, P::Admin, 12, "局长", "副局长", &["对外贸易科", "市场体系建设科"], &[sub("{R}投资促进中心", P::General, 8)], 1985, false),
    dept("{R}文化和旅游局", "{L}文旅局", C::Government, P::Admin, 16, "局长", "副局长", &["艺术科", "文物科", "旅游发展科"], &[sub("{R}文化馆", P::Culture, 12), sub("{R}图书馆", P::Culture, 12), sub("{R}博物馆", P::Culture, 8)], 2019, false),
    dept("{R}卫生健康委员会", "{L}卫健委", C::Government, P::Admin, 24, "主任", "副主任", &["医政医管科", "疾病预防控制科", "基层卫生健康科", "老龄健康科"], &[sub("{R}疾病预防控制中心", P::Cdc, 50), sub2("{R}妇幼保健院", P::Hospital, 120, F::Partial)], 1950, true),
    dept("{R}退役军人事务局", "{L}退役军人局", C::Government, P::Admin, 10, "局长", "副局长", &["移交安置科", "褒扬纪念科"], &[sub("{R}退役军人服务中心", P::General, 8)], 2019, false),
    dept("{R}应急管理局", "{L}应急局", C::Government, P::Admin, 16, "局长", "副局长", &["应急指挥科", "安全生产基础科", "防汛抗旱科"], &[sub("{R}应急救援指挥中心", P::General, 8)], 2019, false),
    dept("{R}审计局", "{L}审计局", C::Government, P::Admin, 18, "局长", "副局长", &["财政审计科", "经济责任审计科", "固定资产投资审计科"], &[sub("{R}经济责任审计中心", P::General, 8)], 1984, false),
    dept("{R}市场监督管理局", "{L}市场监管局", C::Government, P::Admin, 60, "局长", "副局长", &["登记注册科", "食品安全监管科", "特种设备安全监察科", "价格监督检查科"], &[sub("{R}检验检测中心", P::Engineer, 15)], 2019, true),
    dept("{R}统计局", "{L}统计局", C::Government, P::Admin, 12, "局长", "副局长", &["综合科", "国民经济核算科"], &[sub("{R}社会经济调查中心", P::General, 8)], 1953, false),
    dept("{R}医疗保障局", "{L}医保局", C::Government, P::Admin, 10, "局长", "副局长", &["待遇保障科", "医药服务管理科", "基金监管科"], &[csm("{R}医疗保障服务中心", 12)], 2019, true),
    dept("{R}林业局", "{L}林业局", C::Government, P::Admin, 12, "局长", "副局长", &["造林绿化科", "资源保护科"], &[sub("{R}林业发展中心", P::Agri, 15)], 1958, false),
    dept("{R}信访局", "{L}信访局", C::Government, P::Admin, 8, "局长", "副局长", &["接访科", "督查督办科"], &[], 1986, false),
    dept("{R}行政审批服务局", "{L}行政审批局", C::Government, P::Admin, 18, "局长", "副局长", &["投资建设审批科", "社会事务审批科"], &[sub("{R}政务服务中心", P::General, 15)], 2019, false),
    dept("政协{R}委员会机关", "{L}政协机关", C::Cppcc, P::Admin, 16, "秘书长", "副秘书长", &["办公室", "提案委员会", "文史委员会"], &[], 1981, false),
    dept("{R}人民法院", "{L}法院", C::Court, P::Court, 70, "院长", "副院长", &["立案庭", "刑事审判庭", "民事审判庭", "行政审判庭", "执行局", "城关人民法庭"], &[], 1950, true),
    dept("{R}人民检察院", "{L}检察院", C::Procuratorate, P::Procuratorate, 45, "检察长", "副检察长", &["第一检察部", "第二检察部", "第三检察部", "第四检察部", "检务保障部"], &[], 1950, true),
    dept("{R}总工会", "{L}总工会", C::MassOrg, P::Admin, 10, "主席", "副主席", &["组织宣传部", "权益保障部"], &[], 1951, true),
    dept("共青团{R}委员会", "团{L}委", C::MassOrg, P::Admin, 6, "书记", "副书记", &["青少年工作部"], &[], 1950, false),
    dept("{R}妇女联合会", "{L}妇联", C::MassOrg, P::Admin, 6, "主席", "副主席", &["权益部"], &[], 1950, false),
    dept("{R}科学技术协会", "{L}科协", C::MassOrg, P::Csm, 5, "主席", "副主席", &["学会部"], &[], 1980, false),
    dept("{R}文学艺术界联合会", "{L}文联", C::MassOrg, P::Csm, 5, "主席", "副主席", &["创作联络部"], &[], 1985, false),
    dept("{R}工商业联合会", "{L}工商联", C::MassOrg, P::Csm, 6, "主席", "副主席", &["会员部"], &[], 1988, false),
];

/// Democratic parties: those with a committee at city level; counties have the first two.
pub const PARTIES: &[(&str, &str)] = &[
    ("中国民主同盟{R}委员会", "民盟{L}委"),
    ("中国民主促进会{R}委员会", "民进{L}委"),
    ("中国国民党革命委员会{R}委员会", "民革{L}委"),
    ("中国民主建国会{R}委员会", "民建{L}委"),
    ("中国农工民主党{R}委员会", "农工党{L}委"),
    ("九三学社{R}委员会", "九三学社{L}委"),
];

/// County-level schools: (name, size, internal departments).
pub const SCHOOLS: &[(&str, u32)] = &[
    ("{R}第一中学", 200),
    ("{R}实验小学", 90),
    ("{R}第二中学", 160),
    ("{R}实验中学", 110),
    ("{R}职业中等专业学校", 120),
    ("{R}第一小学", 70),
    ("{R}实验幼儿园", 35),
    ("{R}特殊教育学校", 25),
];
pub const CITY_SCHOOLS: &[(&str, u32)] = &[
    ("{R}第三中学", 180),
    ("{R}第四中学", 170),
    ("{R}第五中学", 160),
    ("{R}第六中学", 150),
    ("{R}第七中学", 140),
    ("{R}外国语学校", 150),
    ("{R}技师学院", 260),
    ("{R}第二实验小学", 100),
    ("{R}第三实验小学", 90),
    ("{R}艺术学校", 60),
    ("{R}体育运动学校", 50),
    ("示例学院", 600),
    ("示例职业技术学院", 320),
    ("示例卫生职业学院", 220),
];
pub const SCHOOL_INTERNAL: &[&str] = &["办公室", "教务处", "政教处", "总务处"];

/// County-level hospitals besides those under the health department's templates.
pub const HOSPITALS: &[(&str, u32)] = &[("{R}人民医院", 420), ("{R}中医医院", 200)];
pub const CITY_HOSPITALS: &[(&str, u32)] = &[
    ("{R}中心医院", 900),
    ("{R}第三人民医院", 300),
    ("{R}妇女儿童医院", 250),
    ("{R}传染病医院", 120),
    ("{R}口腔医院", 80),
    ("{R}第二人民医院", 450),
    ("{R}精神卫生中心", 150),
    ("{R}急救中心", 60),
    ("{R}中心血站", 60),
];
pub const HOSPITAL_INTERNAL: &[&str] = &["院办公室", "医务科", "护理部", "内科", "外科", "药剂科"];

/// Offices of a township: (name, prof, size, nature).
pub const TOWN_OFFICES: &[(&str, Prof, u32)] = &[
    ("党政办公室", Prof::Admin, 8),
    ("党建工作办公室", Prof::Admin, 5),
    ("经济发展办公室", Prof::Admin, 6),
    ("社会事务办公室", Prof::Admin, 5),
    ("平安建设办公室", Prof::Admin, 4),
    ("综合行政执法队", Prof::Csm, 8),
    ("便民服务中心", Prof::General, 6),
    ("农业综合服务中心", Prof::Agri, 9),
    ("退役军人服务站", Prof::General, 3),
];

pub const UNIVERSITIES: &[&str] = &[
    "山东大学", "北京师范大学", "华东师范大学", "中国人民大学", "武汉大学", "南京大学", "山东师范大学", "曲阜师范大学",
    "青岛大学", "中国政法大学", "西南政法大学", "华中科技大学", "郑州大学", "河南大学", "济南大学", "示例学院",
    "示例师范学院", "中国农业大学", "西北农林科技大学", "同济大学", "中央财经大学",
];
pub const MEDICAL_SCHOOLS: &[&str] = &["山东第一医科大学", "潍坊医学院", "滨州医学院", "山东中医药大学", "示例医学院", "青岛大学"];
pub const POLICE_SCHOOLS: &[&str] = &["中国人民公安大学", "山东警察学院", "中国刑事警察学院", "铁道警察学院"];
pub const COLLEGES: &[&str] = &["示例职业技术学院", "示例师范高等专科学校", "示例卫生职业学院", "山东商业职业技术学院"];
pub const SECONDARY_SCHOOLS: &[&str] = &["示例市卫生学校", "示例市农业学校", "示例市财贸学校", "示例市技工学校"];

pub const ADMIN_MAJORS: &[&str] = &[
    "法学", "汉语言文学", "行政管理", "会计学", "计算机科学与技术", "经济学", "思想政治教育", "公共事业管理",
    "财务管理", "新闻学", "土木工程", "统计学", "社会工作", "英语",
];
pub const TEACHER_MAJORS: &[(&str, &str)] = &[
    ("汉语言文学", "语文教师"),
    ("数学与应用数学", "数学教师"),
    ("英语", "英语教师"),
    ("物理学", "物理教师"),
    ("化学", "化学教师"),
    ("生物科学", "生物教师"),
    ("历史学", "历史教师"),
    ("思想政治教育", "道德与法治教师"),
    ("地理科学", "地理教师"),
    ("体育教育", "体育教师"),
    ("音乐学", "音乐教师"),
    ("美术学", "美术教师"),
    ("学前教育", "幼儿教师"),
    ("小学教育", "小学教师"),
];
pub const ENGINEER_MAJORS: &[&str] = &["土木工程", "测绘工程", "水利水电工程", "环境工程", "交通工程", "计算机科学与技术", "城乡规划", "电气工程及其自动化"];
pub const AGRI_MAJORS: &[&str] = &["农学", "动物医学", "园艺", "植物保护", "林学", "农业资源与环境", "农林经济管理"];
pub const CULTURE_MAJORS: &[&str] = &["图书馆学", "档案学", "历史学", "文物与博物馆学", "音乐表演", "美术学"];
pub const MEDIA_MAJORS: &[&str] = &["新闻学", "广播电视学", "播音与主持艺术", "网络与新媒体", "汉语言文学"];
pub const GENERAL_MAJORS: &[&str] = &["会计学", "经济学", "工商管理", "社会工作", "计算机科学与技术", "法学", "财务管理"];
pub const POLICE_MAJORS: &[&str] = &["侦查学", "治安学", "法学", "刑事科学技术", "交通管理工程", "网络安全与执法"];

pub const WORKER_POSTS: &[&str] = &["驾驶员", "炊事员", "电工", "维修工", "保安员", "收发员", "绿化工", "水暖工"];
pub const WORKER_RANKS: &[&str] = &["初级工", "中级工", "高级工", "技师", "高级技师"];
pub const ADMIN_RANKS: &[&str] = &["一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员", "四级调研员", "三级调研员"];
pub const POLICE_RANKS: &[&str] = &["警员", "四级警长", "三级警长", "二级警长", "一级警长", "四级高级警长"];
pub const JUDGE_RANKS: &[&str] = &["五级法官", "四级法官", "三级法官", "二级法官", "一级法官", "四级高级法官"];
pub const PROCURATOR_RANKS: &[&str] = &["五级检察官", "四级检察官", "三级检察官", "二级检察官", "一级检察官", "四级高级检察官"];
pub const STAFF_RANKS: &[&str] = &["九级职员", "八级职员", "七级职员", "六级职员", "五级职员"];
pub const TEACHER_RANKS: &[&str] = &["三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"];
pub const DOCTOR_RANKS: &[&str] = &["医师", "主治医师", "副主任医师", "主任医师"];
pub const NURSE_RANKS: &[&str] = &["护士", "护师", "主管护师", "副主任护师"];
pub const PHARMACY_RANKS: &[&str] = &["药士", "药师", "主管药师", "副主任药师"];
pub const ENGINEER_RANKS: &[&str] = &["技术员", "助理工程师", "工程师", "高级工程师"];
pub const AGRI_RANKS: &[&str] = &["技术员", "助理农艺师", "农艺师", "高级农艺师"];
pub const CULTURE_RANKS: &[&str] = &["管理员", "助理馆员", "馆员", "副研究馆员"];
pub const MEDIA_RANKS: &[&str] = &["助理记者", "记者", "主任记者", "高级记者"];
pub const GENERAL_RANKS: &[&str] = &["助理经济师", "经济师", "高级经济师"];
