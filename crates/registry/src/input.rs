//! Raw inputs, as a client or a CSV row gives them, and their validation into domain values.
//!
//! Every error names the input field, so the gateway and the importer report the same thing.

use chrono::NaiveDate;
use kernel::TermKind;

use crate::error::{DateProblem, InvalidField, Problem};
use crate::model::{
    Code, Email, Inn, Kpp, LegalBasis, LegalBasisKind, MAX_SHORT_TEXT, MAX_TEXT, Ogrn, OrgName, OrganizationProfile,
    PersonProfile, Phone, Relationship, RelationshipKind, Text, Website,
};
use crate::vocabulary::Vocabulary;

/// An organisation as typed by a person or read from a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationInput {
    /// Full name (required).
    pub full_name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Legal form code (required).
    pub legal_form: String,
    /// ИНН.
    pub inn: Option<String>,
    /// ОГРН.
    pub ogrn: Option<String>,
    /// КПП.
    pub kpp: Option<String>,
    /// Date of state registration.
    pub registered_on: Option<NaiveDate>,
    /// Municipality code.
    pub municipality: Option<String>,
    /// Legal address.
    pub legal_address: Option<String>,
    /// Postal address.
    pub postal_address: Option<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// E-mails.
    pub emails: Vec<String>,
    /// Website.
    pub website: Option<String>,
    /// Activity area codes.
    pub activity_areas: Vec<String>,
    /// Target group codes.
    pub target_groups: Vec<String>,
    /// The centre's relationship (none when absent).
    pub relationship: Option<RelationshipKind>,
    /// Since when the relationship holds.
    pub relationship_since: Option<NaiveDate>,
    /// In the register of SONKO receiving support.
    pub in_sonko_register: bool,
    /// In the register of social-service providers.
    pub social_service_provider: bool,
}

/// The most phones, e-mails, activity areas or target groups one record lists.
pub const MAX_LIST: usize = 20;

/// A present, non-blank optional value.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn field<T>(name: &str, result: Result<T, Problem>) -> Result<T, InvalidField> {
    result.map_err(|problem| InvalidField::new(name, problem))
}

fn optional<T>(
    name: &str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, Problem>,
) -> Result<Option<T>, InvalidField> {
    present(value).map(|v| field(name, parse(v))).transpose()
}

fn list<T: Ord>(
    name: &str,
    values: &[String],
    parse: impl Fn(&str) -> Result<T, Problem>,
) -> Result<Vec<T>, InvalidField> {
    let given = values.iter().filter(|v| !v.trim().is_empty()).count();
    if given > MAX_LIST {
        return Err(InvalidField::new(name, Problem::TooMany { max: MAX_LIST }));
    }
    let mut out = Vec::with_capacity(given);
    for (index, value) in values.iter().enumerate().filter(|(_, v)| !v.trim().is_empty()) {
        out.push(field(&format!("{name}[{index}]"), parse(value))?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The first day a record's date can be: anything earlier is a typing error.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date")
}

/// A start date (given, or today when absent; a planned start may be later than today): not
/// before 1900.
pub(crate) fn plausible_start(
    name: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, InvalidField> {
    match date {
        Some(d) if d < earliest() => {
            Err(InvalidField::new(name, Problem::ImpossibleDate { reason: DateProblem::TooEarly }))
        }
        other => Ok(other.unwrap_or(today)),
    }
}

/// A date of something that has happened: not after today, not before 1900.
pub(crate) fn not_in_future(
    name: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, InvalidField> {
    match date {
        Some(d) if d > today => {
            Err(InvalidField::new(name, Problem::ImpossibleDate { reason: DateProblem::InTheFuture }))
        }
        Some(d) if d < earliest() => {
            Err(InvalidField::new(name, Problem::ImpossibleDate { reason: DateProblem::TooEarly }))
        }
        other => Ok(other),
    }
}

impl OrganizationInput {
    /// Validates every field against the rules and the vocabulary; the first problem is returned,
    /// in the order the fields are declared.
    pub fn validate(&self, vocabulary: &Vocabulary, today: NaiveDate) -> Result<OrganizationProfile, InvalidField> {
        let code = |kind| move |raw: &str| vocabulary.code(kind, raw);
        Ok(OrganizationProfile {
            full_name: field("fullName", OrgName::parse(&self.full_name))?,
            short_name: optional("shortName", &self.short_name, OrgName::parse)?,
            legal_form: field("legalForm", vocabulary.code(TermKind::LegalForm, &self.legal_form))?,
            inn: optional("inn", &self.inn, Inn::parse)?,
            ogrn: optional("ogrn", &self.ogrn, Ogrn::parse)?,
            kpp: optional("kpp", &self.kpp, Kpp::parse)?,
            registered_on: not_in_future("registeredOn", self.registered_on, today)?,
            municipality: optional("municipality", &self.municipality, code(TermKind::Municipality))?,
            legal_address: optional("legalAddress", &self.legal_address, |v| Text::parse(v, MAX_TEXT))?,
            postal_address: optional("postalAddress", &self.postal_address, |v| Text::parse(v, MAX_TEXT))?,
            phones: list("phones", &self.phones, Phone::parse)?,
            emails: list("emails", &self.emails, Email::parse)?,
            website: optional("website", &self.website, Website::parse)?,
            activity_areas: list("activityAreas", &self.activity_areas, code(TermKind::ActivityArea))?,
            target_groups: list("targetGroups", &self.target_groups, code(TermKind::TargetGroup))?,
            relationship: Relationship {
                kind: self.relationship.unwrap_or(RelationshipKind::None),
                since: not_in_future("relationshipSince", self.relationship_since, today)?,
            },
            in_sonko_register: self.in_sonko_register,
            social_service_provider: self.social_service_provider,
        })
    }
}

/// A person as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonInput {
    /// Surname (required).
    pub last_name: String,
    /// Given name (required).
    pub first_name: String,
    /// Patronymic.
    pub middle_name: Option<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// E-mails.
    pub emails: Vec<String>,
}

impl PersonInput {
    /// Validates the names and contacts. «Обезличено» for both names is what anonymisation
    /// leaves (`rules::anonymise::names_removed`): refused, so that no living record is taken for
    /// an anonymised one.
    pub fn validate(&self) -> Result<PersonProfile, InvalidField> {
        let last_name = field("lastName", Text::parse(&self.last_name, MAX_SHORT_TEXT))?;
        let first_name = field("firstName", Text::parse(&self.first_name, MAX_SHORT_TEXT))?;
        if crate::rules::anonymise::names_removed(last_name.as_str(), first_name.as_str()) {
            return Err(InvalidField::new("lastName", Problem::Reserved { value: last_name.to_string() }));
        }
        Ok(PersonProfile {
            last_name,
            first_name,
            middle_name: optional("middleName", &self.middle_name, |v| Text::parse(v, MAX_SHORT_TEXT))?,
            phones: list("phones", &self.phones, Phone::parse)?,
            emails: list("emails", &self.emails, Email::parse)?,
        })
    }
}

/// A legal basis as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalBasisInput {
    /// The ground.
    pub kind: LegalBasisKind,
    /// The purpose of processing (required).
    pub purpose: String,
    /// When the consent was given or the ground arose (required).
    pub since: NaiveDate,
    /// The document.
    pub document: Option<String>,
}

impl LegalBasisInput {
    /// Validates the basis: a purpose is required, and a date not in the future.
    pub fn validate(&self, today: NaiveDate) -> Result<LegalBasis, InvalidField> {
        let since = not_in_future("legalBasis.since", Some(self.since), today)?.unwrap_or(self.since);
        Ok(LegalBasis {
            kind: self.kind,
            purpose: field("legalBasis.purpose", Text::parse(&self.purpose, MAX_TEXT))?,
            since,
            document: optional("legalBasis.document", &self.document, |v| Text::parse(v, MAX_TEXT))?,
        })
    }
}

/// The longest text a search takes (a name is at most 500 characters, but nobody types more
/// than this to find one; SQLite also refuses patterns over 50,000 bytes).
pub const MAX_SEARCH: usize = 200;

/// Refuses a search text longer than [`MAX_SEARCH`] characters, naming the filter's field.
pub fn check_search(field: &str, text: Option<&str>) -> Result<(), InvalidField> {
    match text {
        // Counted as searched: the spaces around a text are not part of it.
        Some(text) if text.trim().chars().count() > MAX_SEARCH => {
            Err(InvalidField::new(field, Problem::TooLong { max: MAX_SEARCH }))
        }
        _ => Ok(()),
    }
}

/// Parses a code of a list, naming the field on failure: used for filters.
pub fn filter_code(vocabulary: &Vocabulary, kind: TermKind, name: &str, raw: &str) -> Result<Code, InvalidField> {
    field(name, vocabulary.code(kind, raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_search_is_taken_exactly_when_it_has_at_most_the_limit_of_characters(n in 0usize..400, c in proptest::char::any()) {
            let text: String = std::iter::repeat_n(c, n).collect();
            let checked = check_search("filter.text", Some(&format!(" {text} ")));
            prop_assert_eq!(checked.is_ok(), text.trim().chars().count() <= MAX_SEARCH);
            if let Err(field) = checked {
                prop_assert_eq!(field.field, "filter.text");
            }
        }

        #[test]
        fn a_date_is_kept_exactly_when_it_lies_between_1900_and_today(days in -60_000i64..60_000) {
            let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
            let offset = chrono::Days::new(days.unsigned_abs());
            let date = if days < 0 { today - offset } else { today + offset };
            let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
            let past = not_in_future("x", Some(date), today);
            prop_assert_eq!(past.is_ok(), date >= earliest && date <= today);
            // A start may be planned, but not typed before 1900; an absent start is today.
            prop_assert_eq!(plausible_start("x", Some(date), today).is_ok(), date >= earliest);
            prop_assert_eq!(plausible_start("x", None, today), Ok(today));
        }

        #[test]
        fn a_list_longer_than_the_limit_is_refused_naming_the_field(extra in 1usize..200, blanks in 0usize..5) {
            let phones: Vec<String> = (0..MAX_LIST + extra)
                .map(|n| format!("+7 900 {n:07}"))
                .chain(std::iter::repeat_n(" ".to_owned(), blanks))
                .collect();
            let person = PersonInput { last_name: "Иванова".into(), first_name: "Анна".into(), phones, ..Default::default() };
            let error = person.validate().expect_err("refused");
            prop_assert_eq!(error, InvalidField::new("phones", Problem::TooMany { max: MAX_LIST }));
        }

        #[test]
        fn the_names_an_anonymised_record_bears_are_refused_together_and_only_together(
            last in prop_oneof![Just("Обезличено".to_owned()), Just(" обезличено ".to_owned()), "[А-ЯЁ][а-яё]{1,10}"],
            first in prop_oneof![Just("Обезличено".to_owned()), Just("Обезличено  ".to_owned()), "[А-ЯЁ][а-яё]{1,10}"],
        ) {
            let person = PersonInput { last_name: last.clone(), first_name: first.clone(), ..Default::default() };
            let both = last.trim() == "Обезличено" && first.trim() == "Обезличено";
            match person.validate() {
                Err(e) => {
                    prop_assert!(both, "refused {last:?} {first:?}: {e}");
                    prop_assert_eq!(e, InvalidField::new("lastName", Problem::Reserved { value: "Обезличено".into() }));
                }
                Ok(profile) => {
                    prop_assert!(!both, "accepted {last:?} {first:?}");
                    prop_assert!(!crate::rules::anonymise::names_removed(profile.last_name.as_str(), profile.first_name.as_str()));
                }
            }
        }

        #[test]
        fn a_list_within_the_limit_keeps_each_value_once(count in 0usize..=MAX_LIST / 2) {
            let mut phones: Vec<String> = (0..count).map(|n| format!("+7 900 {n:07}")).collect();
            phones.extend(phones.clone());
            let person = PersonInput { last_name: "Иванова".into(), first_name: "Анна".into(), phones, ..Default::default() };
            prop_assert_eq!(person.validate().expect("valid").phones.len(), count);
        }
    }

    #[test]
    fn a_date_before_1900_or_after_today_is_refused_in_russian_and_english() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let early = not_in_future("legalBasis.since", NaiveDate::from_ymd_opt(1, 1, 1), today).expect_err("refused");
        assert_eq!(early.problem, Problem::ImpossibleDate { reason: DateProblem::TooEarly });
        let late = not_in_future("x", today.succ_opt(), today).expect_err("refused");
        assert_eq!(kernel::Localized::message(&late.problem, kernel::Lang::Ru), "невозможная дата: в будущем");
        assert_eq!(not_in_future("x", Some(today), today), Ok(Some(today)));
    }
}
