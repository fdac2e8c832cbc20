//! proptest strategies for registry values.

use chrono::NaiveDate;
use kernel::Period;
use proptest::prelude::*;

use crate::model::{
    Code, Email, Inn, LegalBasisKind, Membership, Ogrn, OrgName, OrgStatus, Organization, OrganizationId,
    OrganizationProfile, Person, Phone, Relationship, RelationshipKind, Text, TieKind,
};
use crate::rules::identifiers::{inn10_check_digit, ogrn_check_digit};
use crate::testing::fixtures;

fn digits_to_string(digits: &[u32]) -> String {
    digits.iter().map(|d| char::from_digit(*d, 10).expect("a digit")).collect()
}

/// A valid organisation ИНН.
pub fn inn() -> impl Strategy<Value = Inn> {
    proptest::array::uniform9(0u32..10).prop_filter_map("all zeros", |prefix| {
        let mut digits = prefix.to_vec();
        digits.push(inn10_check_digit(&prefix));
        Inn::parse(&digits_to_string(&digits)).ok()
    })
}

/// A valid ОГРН.
pub fn ogrn() -> impl Strategy<Value = Ogrn> {
    (prop_oneof![Just(1u32), Just(5u32)], proptest::array::uniform11(0u32..10)).prop_map(|(lead, rest)| {
        let mut prefix = [0u32; 12];
        prefix[0] = lead;
        prefix[1..].copy_from_slice(&rest);
        let mut digits = prefix.to_vec();
        digits.push(ogrn_check_digit(&prefix));
        Ogrn::parse(&digits_to_string(&digits)).expect("a computed check digit is valid")
    })
}

/// A day between 2000 and about 2027.
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..10_000).prop_map(|n| NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid") + chrono::Days::new(n))
}

/// A period, open or closed.
pub fn period() -> impl Strategy<Value = Period> {
    (date(), proptest::option::of(0u64..2_000))
        .prop_map(|(from, len)| Period::new(from, len.map(|l| from + chrono::Days::new(l))).expect("ordered"))
}

/// A tie kind.
pub fn tie_kind() -> impl Strategy<Value = TieKind> {
    proptest::sample::select(TieKind::ALL.to_vec())
}

fn code(options: &'static [&'static str]) -> impl Strategy<Value = Code> {
    proptest::sample::select(options).prop_map(|c| Code::parse(c).expect("a valid code"))
}

/// An organisation's profile with random keys (either may be absent).
pub fn profile() -> impl Strategy<Value = OrganizationProfile> {
    (
        "[А-Яа-я][А-Яа-я ]{0,19}",
        proptest::option::of(inn()),
        proptest::option::of(ogrn()),
        code(&["ano", "fund", "public_organization"]),
        proptest::option::of(code(&["kaluga_city", "obninsk_city", "borovsky"])),
        proptest::collection::vec(code(&["charity_volunteering", "social_services_support_protection"]), 0..3),
        proptest::sample::select(RelationshipKind::ALL.to_vec()),
    )
        .prop_filter_map("an invalid name", |(name, inn, ogrn, legal_form, municipality, mut areas, kind)| {
            areas.sort();
            areas.dedup();
            Some(OrganizationProfile {
                full_name: OrgName::parse(&name).ok()?,
                short_name: None,
                legal_form,
                inn,
                ogrn,
                kpp: None,
                registered_on: None,
                municipality,
                legal_address: None,
                postal_address: None,
                phones: vec![],
                emails: vec![],
                website: None,
                activity_areas: areas,
                target_groups: vec![],
                relationship: Relationship { kind, since: None },
                in_sonko_register: false,
                social_service_provider: false,
            })
        })
}

/// A profile that has both an ИНН and an ОГРН.
pub fn profile_with_keys() -> impl Strategy<Value = OrganizationProfile> {
    (profile(), inn(), ogrn()).prop_map(|(mut p, inn, ogrn)| {
        p.inn = Some(inn);
        p.ogrn = Some(ogrn);
        p
    })
}

/// A stored organisation, active, suspended or liquidated.
pub fn organization() -> impl Strategy<Value = Organization> {
    (profile(), prop_oneof![Just(0u8), Just(1u8), Just(2u8)], date()).prop_map(|(profile, status, on)| {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("valid");
        Organization {
            id: OrganizationId::new(),
            version: 1,
            profile,
            status: match status {
                0 => OrgStatus::Active,
                1 => OrgStatus::Suspended,
                _ => OrgStatus::Liquidated { on },
            },
            verification: None,
            created_at: now,
            updated_at: now,
        }
    })
}

/// Organisations, people and their memberships: what the reports count.
#[derive(Clone, Debug)]
pub struct PeopleRecords {
    /// Organisations, each in a municipality or none, without natural keys (so that records of
    /// many cases can share one database).
    pub organizations: Vec<Organization>,
    /// People with names, contacts and legal grounds of every kind, created over four years.
    pub people: Vec<Person>,
    /// Memberships of those people in those organisations, open or ended, over several years.
    pub memberships: Vec<Membership>,
}

/// A person with generated names, contacts, legal ground and dates.
fn person() -> impl Strategy<Value = Person> {
    (
        "[А-Я][а-я]{2,10}",
        "[А-Я][а-я]{2,8}",
        proptest::option::of("[А-Я][а-я]{4,10}"),
        "[0-9]{10}",
        proptest::sample::select(LegalBasisKind::ALL.to_vec()),
        0u64..1_500,
        0i64..1_460,
        proptest::option::of("Согласие №[0-9]{1,4}"),
    )
        .prop_map(|(last, first, middle, phone, kind, since, created, document)| {
            let text = |t: &str| Text::parse(t, 200).expect("a generated text is valid");
            let mut p = fixtures::person(&last);
            p.profile.first_name = text(&first);
            p.profile.middle_name = middle.as_deref().map(text);
            p.profile.phones = vec![Phone::parse(&format!("8{phone}")).expect("eleven digits")];
            p.profile.emails = vec![Email::parse(&format!("{phone}@example.org")).expect("an address")];
            p.legal_basis.kind = kind;
            p.legal_basis.since = fixtures::day(2022, 1, 1) + chrono::Days::new(since);
            p.legal_basis.document = document.as_deref().map(text);
            p.created_at = fixtures::instant() - chrono::TimeDelta::days(created);
            p
        })
}

/// Organisations, people and memberships between them.
pub fn people_records() -> impl Strategy<Value = PeopleRecords> {
    let organization = proptest::option::of(code(&["kaluga_city", "obninsk_city", "borovsky"])).prop_map(|place| {
        let mut org = fixtures::organization(0);
        org.profile.municipality = place;
        org.profile.inn = None;
        org.profile.ogrn = None;
        org
    });
    (proptest::collection::vec(organization, 1..5), proptest::collection::vec(person(), 1..12)).prop_flat_map(
        |(organizations, people)| {
            let membership = (
                0..people.len(),
                0..organizations.len(),
                proptest::sample::select(vec!["директор", "волонтёр", "бухгалтер"]),
                0u64..1_500,
                proptest::option::of(0u64..800),
            );
            let (orgs, persons) = (organizations.clone(), people.clone());
            proptest::collection::vec(membership, 0..20).prop_map(move |links| {
                let memberships = links
                    .into_iter()
                    .map(|(who, org, position, start, length)| {
                        let mut m = fixtures::membership(persons[who].id, orgs[org].id);
                        m.position = Text::parse(position, 200).expect("valid");
                        let from = fixtures::day(2022, 1, 1) + chrono::Days::new(start);
                        m.period = Period::new(from, length.map(|l| from + chrono::Days::new(l))).expect("ordered");
                        m
                    })
                    .collect();
                PeopleRecords { organizations: orgs.clone(), people: persons.clone(), memberships }
            })
        },
    )
}
