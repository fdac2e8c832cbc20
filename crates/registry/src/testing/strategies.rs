//! proptest strategies for registry values.

use chrono::NaiveDate;
use kernel::Period;
use proptest::prelude::*;

use crate::model::{
    Code, Inn, Ogrn, OrgName, OrgStatus, Organization, OrganizationId, OrganizationProfile, Relationship,
    RelationshipKind, TieKind,
};
use crate::rules::identifiers::{inn10_check_digit, ogrn_check_digit};

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
