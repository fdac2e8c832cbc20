//! The small validated values every record of the domain is built from: codes, free texts,
//! dates within the production calendar, and what is wrong when one does not pass.

use chrono::NaiveDate;
use kernel::{Lang, Localized};

/// A reference-list code (`social_legal`, `kaluga_city`): lower-case snake_case ASCII, 1 to 64
/// bytes. Whether it names a term of the profile is the use case's question.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Code(String);

impl TryFrom<String> for Code {
    type Error = Problem;

    fn try_from(raw: String) -> Result<Self, Problem> {
        Self::parse(&raw)
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.0
    }
}

impl Code {
    /// A code as typed: trimmed and lower-cased.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let code = raw.trim().to_ascii_lowercase();
        if kernel::profile::is_valid_code(&code) {
            Ok(Self(code))
        } else {
            Err(Problem::CodeShape { code: raw.trim().chars().take(64).collect() })
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A list of codes: each once, sorted, at most `max`.
pub fn codes(raw: &[String], max: usize) -> Result<Vec<Code>, Problem> {
    let mut codes = raw.iter().map(|c| Code::parse(c)).collect::<Result<Vec<_>, _>>()?;
    codes.sort();
    codes.dedup();
    if codes.len() > max {
        return Err(Problem::TooMany { max });
    }
    Ok(codes)
}

/// A text a person reads: trimmed, 1 to `max` characters, no control or invisible character
/// (line breaks allowed where `multiline`).
pub fn text(raw: &str, max: usize, multiline: bool) -> Result<String, Problem> {
    let text = if multiline { raw.trim().to_owned() } else { kernel::text::collapse_whitespace(raw).into_owned() };
    if let Some(c) = kernel::text::forbidden_char(&text, multiline) {
        return Err(Problem::ForbiddenCharacter { code_point: kernel::text::code_point(c) });
    }
    if text.is_empty() {
        return Err(Problem::Empty);
    }
    if text.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(text)
}

/// An optional text: blank is `None`, otherwise as [`text`].
pub fn optional_text(raw: Option<&str>, max: usize, multiline: bool) -> Result<Option<String>, Problem> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => text(raw, max, multiline).map(Some),
    }
}

/// A list of short texts (documents to bring, parties' names): each as [`text`], at most `max`.
pub fn texts(raw: &[String], max_each: usize, max: usize) -> Result<Vec<String>, Problem> {
    if raw.len() > max {
        return Err(Problem::TooMany { max });
    }
    raw.iter().map(|t| text(t, max_each, false)).collect()
}

/// The first day a record of the centre may carry: before it the production calendar and the
/// laws the deadlines come from do not apply, and the year is a typing error.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date")
}

/// A day that has already come: not after `today`, not before 2000.
pub fn past_day(day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Problem> {
    if day > today {
        return Err(Problem::InTheFuture);
    }
    if day < earliest_date() {
        return Err(Problem::TooEarly);
    }
    Ok(day)
}

/// A day within the production calendar's reach: from 2000 to the end of next year + 5.
pub fn calendar_day(day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Problem> {
    use chrono::Datelike;
    if day < earliest_date() {
        return Err(Problem::TooEarly);
    }
    if day.year() > today.year() + 5 {
        return Err(Problem::TooFarAhead);
    }
    Ok(day)
}

/// What is wrong with one input value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a code of lower-case letters a-z, digits and `_` (at most 64).
    CodeShape {
        /// What was given (at most 64 characters of it).
        code: String,
    },
    /// A well-formed code the profile's list does not hold.
    UnknownCode {
        /// The code given.
        code: String,
        /// The list.
        list: &'static str,
    },
    /// Empty.
    Empty,
    /// Longer than the limit.
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// More values than a list may hold.
    TooMany {
        /// The limit.
        max: usize,
    },
    /// A control or invisible formatting character (see `kernel::text`).
    ForbiddenCharacter {
        /// The character, as `U+XXXX`.
        code_point: String,
    },
    /// A date after today.
    InTheFuture,
    /// A date before 2000.
    TooEarly,
    /// A date more than five years ahead.
    TooFarAhead,
    /// A number outside its range.
    OutOfRange {
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
    },
    /// Two values that contradict each other (a minimum above the maximum...).
    Inconsistent {
        /// What must hold, in Russian.
        ru: &'static str,
        /// What must hold, in English.
        en: &'static str,
    },
    /// Not one of the accepted values.
    NotOneOf {
        /// The accepted values.
        accepted: &'static [&'static str],
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Localized for Problem {
    fn message(&self, lang: Lang) -> String {
        let ru = lang != Lang::En;
        match self {
            Problem::CodeShape { code } if ru => format!("«{code}» — не код: строчные латинские буквы, цифры и _"),
            Problem::CodeShape { code } => format!("`{code}` is not a code: lower-case letters a-z, digits and _"),
            Problem::UnknownCode { code, list } if ru => format!("«{code}» нет в справочнике {list}"),
            Problem::UnknownCode { code, list } => format!("`{code}` is not in the {list} list"),
            Problem::Empty if ru => "не заполнено".into(),
            Problem::Empty => "empty".into(),
            Problem::TooLong { max } if ru => format!("не длиннее {max} символов"),
            Problem::TooLong { max } => format!("at most {max} characters"),
            Problem::TooMany { max } if ru => format!("не больше {max} значений"),
            Problem::TooMany { max } => format!("at most {max} values"),
            Problem::ForbiddenCharacter { code_point } if ru => {
                format!("недопустимый символ {code_point} (управляющий или невидимый)")
            }
            Problem::ForbiddenCharacter { code_point } => {
                format!("the character {code_point} is not allowed (a control or invisible character)")
            }
            Problem::InTheFuture if ru => "дата в будущем".into(),
            Problem::InTheFuture => "in the future".into(),
            Problem::TooEarly if ru => "дата раньше 2000 года: проверьте год".into(),
            Problem::TooEarly => "a date before 2000: check the year".into(),
            Problem::TooFarAhead if ru => "дата дальше чем на пять лет вперёд: проверьте год".into(),
            Problem::TooFarAhead => "more than five years ahead: check the year".into(),
            Problem::OutOfRange { min, max } if ru => format!("число от {min} до {max}"),
            Problem::OutOfRange { min, max } => format!("a number from {min} to {max}"),
            Problem::Inconsistent { ru: rule, .. } if ru => (*rule).to_owned(),
            Problem::Inconsistent { en, .. } => (*en).to_owned(),
            Problem::NotOneOf { accepted } if ru => format!("одно из: {}", accepted.join(", ")),
            Problem::NotOneOf { accepted } => format!("one of: {}", accepted.join(", ")),
        }
    }
}

/// A problem with a named input field: what every refused input says.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    /// The input field, as the API names it (`eligibility.minAge`, `steps[2].title`).
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// Names the field a problem is about.
pub trait AtField<T> {
    /// The problem, at `field`.
    fn at(self, field: impl Into<String>) -> Result<T, Invalid>;
}

impl<T> AtField<T> for Result<T, Problem> {
    fn at(self, field: impl Into<String>) -> Result<T, Invalid> {
        self.map_err(|problem| Invalid { field: field.into(), problem })
    }
}
