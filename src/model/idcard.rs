//! GB 11643 citizen ID numbers and GB 32100 unified social credit codes.

use super::Sex;
use chrono::NaiveDate;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// What is wrong with an ID number, in words an operator understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum IdProblem {
    #[error("身份证号应为18位，实为{got}位")]
    Length { got: usize },
    #[error("身份证号前17位应全为数字")]
    NotDigits,
    #[error("身份证号校验码错误（应为{expected}）")]
    CheckCharacter { expected: char },
    #[error("身份证号中的出生日期无效")]
    BadBirthDate,
}

impl IdProblem {
    /// The problem in the operator's language (the `Display` form is the Chinese one).
    pub fn say(&self, lang: super::Lang) -> String {
        match (lang, self) {
            (super::Lang::Zh, _) => self.to_string(),
            (super::Lang::En, IdProblem::Length { got: n }) => {
                format!("an ID number has 18 characters, this one {n}")
            }
            (super::Lang::En, IdProblem::NotDigits) => {
                "the first 17 characters of an ID number are digits".into()
            }
            (super::Lang::En, IdProblem::CheckCharacter { expected }) => {
                format!("the ID number's check character is wrong (should be {expected})")
            }
            (super::Lang::En, IdProblem::BadBirthDate) => {
                "the birth date inside the ID number is not a real date".into()
            }
        }
    }
}

/// The check character for the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    ID_CHECK[(sum % 11) as usize] as char
}

/// The facts an ID number encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdFacts {
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

/// Validates an 18-character ID number and reads its birth date and sex.
pub fn parse_id(id: &str) -> Result<IdFacts, IdProblem> {
    let b = id.as_bytes();
    if b.len() != 18 || !id.is_ascii() {
        return Err(IdProblem::Length {
            got: id.chars().count(),
        });
    }
    if !b[..17].iter().all(u8::is_ascii_digit) {
        return Err(IdProblem::NotDigits);
    }
    let expected = id_check_char(&b[..17]);
    if b[17].to_ascii_uppercase() as char != expected {
        return Err(IdProblem::CheckCharacter { expected });
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    let birth_date = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14))
        .ok_or(IdProblem::BadBirthDate)?;
    let sex = if num(16..17) % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(IdFacts { birth_date, sex })
}

/// Where a record disagrees with the facts its ID number encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disagreement {
    /// The recorded birth date is not the one in the ID number (given here).
    BirthDate(NaiveDate),
    /// The recorded sex is not the one in the ID number (given here).
    Sex(Sex),
}

/// The one rule for a record against its ID number: a recorded birth date and the sex
/// must be those the number encodes. A missing birth date is not a disagreement (the
/// caller says it is missing). The ID number's own faults come back as the error.
pub fn disagreements(
    id: &str,
    birth_date: Option<NaiveDate>,
    sex: Sex,
) -> Result<Vec<Disagreement>, IdProblem> {
    let facts = parse_id(id)?;
    let mut out = Vec::new();
    if birth_date.is_some_and(|b| b != facts.birth_date) {
        out.push(Disagreement::BirthDate(facts.birth_date));
    }
    if sex != facts.sex {
        out.push(Disagreement::Sex(facts.sex));
    }
    Ok(out)
}

/// An ID number as a clerk types it or a roster holds it, in the one form the books
/// keep: full-width digits and letters made half-width (Ａ→A, １→1), spaces and dashes
/// dropped, a lower-case x raised, and a 15-digit number of before 1999 converted to 18
/// characters ("19" after the area code, the GB 11643 check character appended). The
/// result is then checked as [`parse_id`] does.
pub fn normalize_id(input: &str) -> Result<(String, IdFacts), IdProblem> {
    let mut id = String::with_capacity(18);
    for c in input.chars() {
        let c = match c {
            // The full-width forms of ASCII (U+FF01..U+FF5E) sit 0xFEE0 above it.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c.is_whitespace() || c == '-' {
            continue;
        }
        id.push(c.to_ascii_uppercase());
    }
    if id.len() == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        let mut long = format!("{}19{}", &id[..6], &id[6..]);
        let check = id_check_char(long.as_bytes());
        long.push(check);
        id = long;
    }
    let facts = parse_id(&id)?;
    Ok((id, facts))
}

/// Builds a valid ID number from an area code (6 digits), a birth date and a sequence
/// (0..=999, odd for men, even for women).
pub fn make_id(area: &str, birth: NaiveDate, seq: u32) -> String {
    let mut s = format!("{area}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let c = id_check_char(s.as_bytes());
    s.push(c);
    s
}

const CREDIT_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character for the first 17 characters, or None if one of them is
/// outside the code's alphabet.
pub fn credit_check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.bytes().zip(CREDIT_WEIGHTS) {
        let v = CREDIT_CHARS.iter().position(|&x| x == c)? as u32;
        sum += v * w;
    }
    Some(CREDIT_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// Whether an 18-character unified social credit code is well formed.
pub fn credit_code_valid(code: &str) -> bool {
    code.len() == 18
        && code.is_ascii()
        && credit_check_char(&code[..17]) == Some(code.as_bytes()[17] as char)
}

/// Completes a 17-character body into a valid credit code.
pub fn make_credit_code(first17: &str) -> String {
    let c = credit_check_char(first17).expect("body uses the GB 32100 alphabet");
    format!("{first17}{c}")
}

#[cfg(test)]
mod normalize_tests {
    use super::*;

    #[test]
    fn typed_and_roster_forms_become_the_books_form() {
        let birth = NaiveDate::from_ymd_opt(1981, 1, 6).unwrap();
        let id = make_id("990121", birth, 493);
        let full_width: String = id
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        for typed in [
            id.clone(),
            id.to_lowercase(),
            format!(" {} {} {} ", &id[..6], &id[6..14], &id[14..]),
            format!("{}-{}", &id[..6], &id[6..]),
            full_width,
        ] {
            let (got, facts) = normalize_id(&typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(got, id.to_uppercase(), "{typed}");
            assert_eq!(facts.birth_date, birth);
        }
    }

    #[test]
    fn a_fifteen_digit_number_gets_its_century_and_check_character() {
        // 15 digits: area, YYMMDD, sequence (3); the 18-digit form inserts 19 and adds
        // the check character, computed here by hand: 110105 19 491231 002 + check.
        let (id, facts) = normalize_id("110105491231002").unwrap();
        assert_eq!(&id[..17], "11010519491231002");
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = id[..17]
            .bytes()
            .zip(weights)
            .map(|(d, w)| (d - b'0') as u32 * w)
            .sum();
        assert_eq!(id.as_bytes()[17], b"10X98765432"[(sum % 11) as usize]);
        assert_eq!(
            facts.birth_date,
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(facts.sex, Sex::Female);
    }

    #[test]
    fn what_cannot_be_an_id_number_says_why() {
        assert_eq!(normalize_id("12345"), Err(IdProblem::Length { got: 5 }));
        assert!(matches!(
            normalize_id("11010519491231002Y"),
            Err(IdProblem::CheckCharacter { .. })
        ));
        assert_eq!(
            normalize_id("1101051949123100AX"),
            Err(IdProblem::NotDigits)
        );
        assert_eq!(
            normalize_id("110105491331002"),
            Err(IdProblem::BadBirthDate)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_disagrees_with_its_id_number_by_birth_date_and_sex() {
        let id = "11010519491231002X"; // born 1949-12-31, female
        let born = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        let other = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
        assert_eq!(disagreements(id, Some(born), Sex::Female), Ok(vec![]));
        assert_eq!(disagreements(id, None, Sex::Female), Ok(vec![]));
        assert_eq!(
            disagreements(id, Some(other), Sex::Male),
            Ok(vec![
                Disagreement::BirthDate(born),
                Disagreement::Sex(Sex::Female)
            ])
        );
        assert_eq!(
            disagreements("110105194912310021", Some(born), Sex::Female),
            Err(IdProblem::CheckCharacter { expected: 'X' })
        );
    }

    #[test]
    fn reads_the_standard_example() {
        // GB 11643's worked example: 11010519491231002X.
        let f = parse_id("11010519491231002X").unwrap();
        assert_eq!(f.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(f.sex, Sex::Female);
        assert_eq!(id_check_char(b"44052418800101001"), '4');
    }

    #[test]
    fn catches_each_fault() {
        assert_eq!(parse_id("123"), Err(IdProblem::Length { got: 3 }));
        assert_eq!(
            parse_id("11010519491231002A"),
            Err(IdProblem::CheckCharacter { expected: 'X' })
        );
        assert_eq!(parse_id("1101051949123100AX"), Err(IdProblem::NotDigits));
        let bad_date = make_id("990102", NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(), 11)
            .replace("19900101", "19901301");
        let fixed = make_id(
            &bad_date[..6],
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            11,
        );
        assert!(parse_id(&fixed).is_ok());
        let mut b = bad_date[..17].to_string();
        b.push(id_check_char(b.as_bytes()));
        assert_eq!(parse_id(&b), Err(IdProblem::BadBirthDate));
    }

    #[test]
    fn made_ids_round_trip() {
        let d = NaiveDate::from_ymd_opt(1976, 9, 30).unwrap();
        let f = parse_id(&make_id("990521", d, 123)).unwrap();
        assert_eq!((f.birth_date, f.sex), (d, Sex::Male));
        let f = parse_id(&make_id("990521", d, 124)).unwrap();
        assert_eq!(f.sex, Sex::Female);
    }

    #[test]
    fn credit_codes() {
        // A published code: 91350100M000100Y43 (GB 32100 example).
        assert!(credit_code_valid("91350100M000100Y43"));
        assert!(!credit_code_valid("91350100M000100Y44"));
        assert!(!credit_code_valid("91350100M000100Y4"));
        assert!(credit_code_valid(&make_credit_code("12990100MB0012345")));
    }
}
