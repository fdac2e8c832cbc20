//! Deterministic sample records for contract suites and end-to-end tests.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Period, Term, TermKind};

use crate::model::{
    Coalition, CoalitionId, CoalitionMember, CoalitionMemberId, CoalitionRole, Code, Email, Inn, LegalBasis,
    LegalBasisKind, Membership, MembershipId, Ogrn, OrgName, OrgStatus, Organization, OrganizationId,
    OrganizationProfile, Person, PersonId, PersonProfile, Phone, Relationship, RelationshipKind, Text, Tie, TieEnd,
    TieId, TieKind,
};
use crate::rules::identifiers::{inn10_check_digit, ogrn_check_digit};

/// The `n`-th valid organisation ИНН (distinct for distinct `n` below 10^8), with Kaluga's region prefix.
pub fn inn_number(n: u32) -> String {
    let prefix_text = format!("4{:08}", n % 100_000_000);
    let prefix: Vec<u32> = prefix_text.chars().map(|c| c.to_digit(10).expect("digit")).collect();
    let check = inn10_check_digit(&prefix.clone().try_into().expect("nine digits"));
    format!("{prefix_text}{check}")
}

/// The `n`-th valid ОГРН (distinct for distinct `n` below 10^7).
pub fn ogrn_number(n: u32) -> String {
    let prefix_text = format!("10240{:07}", n % 10_000_000);
    let prefix: Vec<u32> = prefix_text.chars().map(|c| c.to_digit(10).expect("digit")).collect();
    let check = ogrn_check_digit(&prefix.clone().try_into().expect("twelve digits"));
    format!("{prefix_text}{check}")
}

/// The centre's permission policy (`profiles/permissions.toml`).
pub fn policy() -> kernel::Policy {
    kernel::Policy::parse(include_str!("../../../../profiles/permissions.toml")).expect("a valid policy")
}

/// A gate over the centre's policy, a clock fixed at [`instant`], and this audit log.
pub fn gate(audit: audit::testing::MemoryAuditLog) -> audit::Gate {
    audit::Gate::new(
        std::sync::Arc::new(policy()),
        std::sync::Arc::new(audit),
        std::sync::Arc::new(kernel::FixedClock(instant())),
    )
}

/// An actor with this role on the staff API (bound to `organization` or `person` when given).
pub fn actor(role: kernel::Role, organization: Option<OrganizationId>, person: Option<PersonId>) -> kernel::Actor {
    kernel::Actor {
        account: Some(uuid::Uuid::from_u128(role as u128 + 1)),
        login: role.code().to_owned(),
        role,
        organization,
        person,
        channel: kernel::Channel::Graphql,
        request_id: format!("test-{}", role.code()),
        origin: Some("192.0.2.1".into()),
    }
}

/// An administrator.
pub fn admin() -> kernel::Actor {
    actor(kernel::Role::Admin, None, None)
}

/// A fixed instant for fixtures.
pub fn instant() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).expect("valid")
}

/// A date for fixtures.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The reference terms fixtures use: a few of each list.
pub fn terms() -> Vec<Term> {
    let term = |kind, code: &str, name: &str| Term {
        kind,
        code: code.into(),
        name_ru: name.into(),
        name_en: None,
        external_code: None,
        category: None,
        source: None,
        valid_from: None,
        valid_to: None,
    };
    vec![
        term(TermKind::Municipality, "kaluga_city", "Калуга"),
        term(TermKind::Municipality, "obninsk_city", "Обнинск"),
        term(TermKind::Municipality, "borovsky", "Боровский район"),
        term(TermKind::LegalForm, "ano", "АНО"),
        term(TermKind::LegalForm, "fund", "Фонд"),
        term(TermKind::LegalForm, "public_organization", "Общественная организация"),
        term(TermKind::ActivityArea, "charity_volunteering", "Благотворительность"),
        term(TermKind::ActivityArea, "social_services_support_protection", "Социальное обслуживание"),
        term(TermKind::TargetGroup, "homelessness", "Бездомность"),
        term(TermKind::TargetGroup, "disabled_children", "Дети-инвалиды"),
    ]
}

/// The `n`-th sample organisation: distinct keys and name, Kaluga, an ANO.
pub fn organization(n: u32) -> Organization {
    Organization {
        id: OrganizationId::new(),
        version: 1,
        profile: profile(n),
        status: OrgStatus::Active,
        verification: None,
        created_at: instant(),
        updated_at: instant(),
    }
}

/// The profile of the `n`-th sample organisation.
pub fn profile(n: u32) -> OrganizationProfile {
    let code = |c: &str| Code::parse(c).expect("valid code");
    OrganizationProfile {
        full_name: OrgName::parse(&format!("АНО «Помощь {n}»")).expect("valid"),
        short_name: Some(OrgName::parse(&format!("Помощь {n}")).expect("valid")),
        legal_form: code("ano"),
        inn: Some(Inn::parse(&inn_number(n)).expect("valid")),
        ogrn: Some(Ogrn::parse(&ogrn_number(n)).expect("valid")),
        kpp: None,
        registered_on: Some(day(2015, 3, 1)),
        municipality: Some(code(if n.is_multiple_of(2) { "kaluga_city" } else { "obninsk_city" })),
        legal_address: Some(Text::parse("г. Калуга, ул. Ленина, 1", 200).expect("valid")),
        postal_address: None,
        phones: vec![Phone::parse("+7 4842 00-00-00").expect("valid")],
        emails: vec![Email::parse(&format!("info{n}@example.org")).expect("valid")],
        website: None,
        activity_areas: vec![code("charity_volunteering")],
        target_groups: vec![code("homelessness")],
        relationship: Relationship { kind: RelationshipKind::RegularClient, since: Some(day(2020, 1, 1)) },
        in_sonko_register: n.is_multiple_of(3),
        social_service_provider: false,
    }
}

/// A sample person with consent as the legal basis.
pub fn person(last_name: &str) -> Person {
    let text = |t: &str| Text::parse(t, 200).expect("valid");
    Person {
        id: PersonId::new(),
        profile: PersonProfile {
            last_name: text(last_name),
            first_name: text("Анна"),
            middle_name: Some(text("Сергеевна")),
            phones: vec![Phone::parse("89001234567").expect("valid")],
            emails: vec![Email::parse("anna@example.org").expect("valid")],
        },
        legal_basis: LegalBasis {
            kind: LegalBasisKind::Consent,
            purpose: text("учёт руководителей НКО"),
            since: day(2026, 1, 15),
            document: Some(text("Согласие №12, форма v1")),
        },
        created_at: instant(),
    }
}

/// A membership of `person` in `organization` from 2024-01-01.
pub fn membership(person: PersonId, organization: OrganizationId) -> Membership {
    Membership {
        id: MembershipId::new(),
        person,
        organization,
        position: Text::parse("директор", 200).expect("valid"),
        period: Period::open(day(2024, 1, 1)),
    }
}

/// A sample coalition.
pub fn coalition(name: &str) -> Coalition {
    Coalition {
        id: CoalitionId::new(),
        name: OrgName::parse(name).expect("valid"),
        purpose: Some(Text::parse("помощь семьям", 200).expect("valid")),
        founded_on: Some(day(2019, 5, 1)),
        created_at: instant(),
    }
}

/// A membership of `organization` in `coalition` from 2020-01-01.
pub fn coalition_member(coalition: CoalitionId, organization: OrganizationId) -> CoalitionMember {
    CoalitionMember {
        id: CoalitionMemberId::new(),
        coalition,
        organization,
        role: CoalitionRole::Member,
        period: Period::open(day(2020, 1, 1)),
    }
}

/// An open partnership tie between `a` and `b` from 2025-01-01.
pub fn tie(kind: TieKind, a: OrganizationId, b: OrganizationId) -> Tie {
    Tie::new(
        TieId::new(),
        kind,
        TieEnd { organization: a, role: Some(Text::parse("партнёр", 200).expect("valid")) },
        TieEnd { organization: b, role: None },
        Period::open(day(2025, 1, 1)),
        None,
    )
}
