//! The registry's errors: what is wrong with an input field, what a use case refused, what storage failed.

use audit::GateError;
use kernel::{Lang, Localized, StoreError};

use crate::model::OrganizationId;

/// What is wrong with one value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The value is missing or blank.
    #[error("a value is required")]
    Required,
    /// The value is longer than allowed.
    #[error("the value is longer than {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Not ten digits.
    #[error("an organisation's INN must have 10 digits")]
    InnShape,
    /// The check digit does not match.
    #[error("the INN's check digit does not match: the number is mistyped")]
    InnChecksum,
    /// Not thirteen digits.
    #[error("an OGRN must have 13 digits")]
    OgrnShape,
    /// The first digit is not 1 or 5.
    #[error("an organisation's OGRN starts with 1 or 5")]
    OgrnFirstDigit,
    /// The check digit does not match.
    #[error("the OGRN's check digit does not match: the number is mistyped")]
    OgrnChecksum,
    /// Not the КПП shape.
    #[error("a KPP has 9 characters: 4 digits, 2 digits or Latin capitals, 3 digits")]
    KppShape,
    /// Not an e-mail address.
    #[error("not an e-mail address (expected name@domain.tld)")]
    EmailShape,
    /// Not a phone number.
    #[error("not a phone number (5 to 15 digits)")]
    PhoneShape,
    /// Not a website address.
    #[error("not a website address (expected https://domain.tld)")]
    WebsiteShape,
    /// Not a date.
    #[error("not a date (expected YYYY-MM-DD)")]
    DateShape,
    /// A date that cannot be true (in the future, before another date...).
    #[error("the date is not possible: {reason}")]
    ImpossibleDate {
        /// Why.
        reason: DateProblem,
    },
    /// A control or invisible formatting character (see `kernel::text`).
    #[error("the value holds the character {code_point}, which is not allowed (a control or invisible character)")]
    ForbiddenCharacter {
        /// The character, as `U+XXXX`.
        code_point: String,
    },
    /// More items than a list may hold.
    #[error("at most {max} values are allowed")]
    TooMany {
        /// The limit.
        max: usize,
    },
    /// A value kept for the system's own use (the names of an anonymised record).
    #[error("`{value}` is reserved for anonymised records")]
    Reserved {
        /// The value given.
        value: String,
    },
    /// A code that is not in the profile's list.
    #[error("`{code}` is not in the list of allowed values")]
    UnknownCode {
        /// The code given.
        code: String,
    },
    /// Not one of the allowed words.
    #[error("`{value}` is not one of: {allowed}")]
    NotOneOf {
        /// The value given.
        value: String,
        /// The allowed values, comma-separated.
        allowed: String,
    },
    /// Not an id.
    #[error("not an id")]
    IdShape,
}

/// Why a date cannot be true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// After today.
    InTheFuture,
    /// Before the organisation's registration.
    BeforeRegistration,
    /// Before 1900: a typing error, not a date in the registry's life.
    TooEarly,
}

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Localized for DateProblem {
    fn message(&self, lang: Lang) -> String {
        let (ru, en) = match self {
            DateProblem::InTheFuture => ("в будущем", "in the future"),
            DateProblem::BeforeRegistration => ("раньше регистрации организации", "before registration"),
            DateProblem::TooEarly => ("раньше 1900 года", "before 1900"),
        };
        (if lang == Lang::En { en } else { ru }).to_owned()
    }
}

impl Localized for Problem {
    fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Problem::Required => "значение обязательно".into(),
            Problem::TooLong { max } => format!("значение длиннее {max} символов"),
            Problem::InnShape => "ИНН организации состоит из 10 цифр".into(),
            Problem::InnChecksum => "контрольная цифра ИНН не сходится: номер введён с ошибкой".into(),
            Problem::OgrnShape => "ОГРН состоит из 13 цифр".into(),
            Problem::OgrnFirstDigit => "ОГРН организации начинается с 1 или 5".into(),
            Problem::OgrnChecksum => "контрольная цифра ОГРН не сходится: номер введён с ошибкой".into(),
            Problem::KppShape => "КПП: 9 знаков — 4 цифры, 2 цифры или латинские заглавные, 3 цифры".into(),
            Problem::EmailShape => "это не адрес электронной почты (ожидается имя@домен.зона)".into(),
            Problem::PhoneShape => "это не номер телефона (от 5 до 15 цифр)".into(),
            Problem::WebsiteShape => "это не адрес сайта (ожидается https://домен.зона)".into(),
            Problem::DateShape => "это не дата (ожидается ГГГГ-ММ-ДД)".into(),
            Problem::ImpossibleDate { reason } => format!("невозможная дата: {}", reason.message(lang)),
            Problem::ForbiddenCharacter { code_point } => {
                format!("значение содержит недопустимый символ {code_point} (управляющий или невидимый)")
            }
            Problem::TooMany { max } => format!("допустимо не больше {max} значений"),
            Problem::UnknownCode { code } => format!("«{code}» нет в списке допустимых значений"),
            Problem::Reserved { value } => {
                format!("«{value}» в фамилии и имени вместе отмечает обезличенную запись; укажите настоящее имя")
            }
            Problem::NotOneOf { value, allowed } => {
                format!("«{value}» — допустимо одно из: {allowed}")
            }
            Problem::IdShape => "это не идентификатор".into(),
        }
    }
}

/// A problem with a named input field: the field is the input's camelCase name (`inn`, `fullName`,
/// `phones[1]`), the same name the GraphQL input and the CSV column use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidField {
    /// The field.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl InvalidField {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self { field: field.into(), problem }
    }
}

impl Localized for InvalidField {
    fn message(&self, lang: Lang) -> String {
        format!("{}: {}", self.field, self.problem.message(lang))
    }
}

/// Which natural key two organisations share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NaturalKey {
    /// The same ИНН.
    Inn,
    /// The same ОГРН.
    Ogrn,
}

impl NaturalKey {
    /// The input field that holds the key.
    pub fn field(self) -> &'static str {
        match self {
            NaturalKey::Inn => "inn",
            NaturalKey::Ogrn => "ogrn",
        }
    }
}

/// The conflicts the registry's stores report (as `StoreError::Conflict`); nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Another organisation has this key.
    #[error("another organisation has this {}", .0.field())]
    Duplicate(NaturalKey),
    /// The stored version is not the expected one.
    #[error("the stored version is not the expected one")]
    StaleVersion,
    /// An active tie of this kind already joins the pair.
    #[error("an active tie of this kind already joins the pair")]
    ActiveTie,
    /// A referenced record does not exist.
    #[error("a referenced record does not exist")]
    MissingReference,
}

/// Why a registry use case refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// An input field is invalid; nothing was written.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// The record does not exist (or the caller may not know it does).
    #[error("{entity} not found")]
    NotFound {
        /// What was looked for.
        entity: &'static str,
    },
    /// Another organisation already has this ИНН or ОГРН.
    #[error("another organisation{} already has this {}", in_brackets(.existing), .key.field())]
    Duplicate {
        /// The shared key.
        key: NaturalKey,
        /// The organisation that has it: only when known and the caller may read it (otherwise
        /// the conflict would tell anyone which organisation holds a given ИНН).
        existing: Option<OrganizationId>,
    },
    /// Someone changed the record since the caller read it.
    #[error("the record was changed by someone else: expected version {expected}, stored version {current}")]
    StaleVersion {
        /// The version the caller read.
        expected: i64,
        /// The stored version.
        current: i64,
    },
    /// A business rule forbids the change.
    #[error("{0}")]
    Rule(#[from] crate::rules::ties::TieRuleViolation),
    /// The organisation is liquidated and cannot take part in new records.
    #[error("the organisation is liquidated")]
    Liquidated,
    /// The person's record is anonymised (their data were destroyed): it cannot take part in new
    /// records; someone who comes back is a new record.
    #[error("the person's record is anonymised: add them as a new person")]
    Anonymised,
    /// The end date comes before the start date.
    #[error("the end date comes before the start date")]
    EndBeforeStart,
    /// The policy refuses the operation (the refusal is in the audit log), or the audit log
    /// could not record it.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// A personal-data filter was used by someone who may not read personal data.
    #[error("filtering by `{field}` needs the right to read personal data")]
    ForbiddenFilter {
        /// The filter's field.
        field: &'static str,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError<Conflict>),
}

impl Localized for RegistryError {
    fn message(&self, lang: Lang) -> String {
        let ru = lang == Lang::Ru;
        match self {
            RegistryError::Invalid(field) => field.message(lang),
            RegistryError::NotFound { entity } if ru => format!("запись не найдена ({entity})"),
            RegistryError::Duplicate { key, existing } if ru => {
                let what = match key {
                    NaturalKey::Inn => "ИНН",
                    NaturalKey::Ogrn => "ОГРН",
                };
                format!("организация с таким {what} уже есть в реестре{}", in_brackets(existing))
            }
            RegistryError::StaleVersion { expected, current } if ru => format!(
                "запись изменил кто-то другой: вы редактировали версию {expected}, сейчас версия {current}; откройте запись заново"
            ),
            RegistryError::Rule(rule) => rule.message(lang),
            RegistryError::Liquidated if ru => "организация ликвидирована".into(),
            RegistryError::Anonymised if ru => {
                "данные человека обезличены: если он вернулся, добавьте его как нового человека".into()
            }
            RegistryError::EndBeforeStart if ru => "дата окончания раньше даты начала".into(),
            RegistryError::Gate(gate) => gate.message(lang),
            RegistryError::ForbiddenFilter { field } if ru => {
                format!("фильтр «{field}» доступен только тем, кому разрешено видеть персональные данные")
            }
            RegistryError::Store(store) => store.message(lang),
            other => other.to_string(),
        }
    }
}

/// ` (id)` when the id may be shown, nothing otherwise.
fn in_brackets(existing: &Option<OrganizationId>) -> String {
    existing.map(|id| format!(" ({id})")).unwrap_or_default()
}
