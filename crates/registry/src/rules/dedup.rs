//! Deduplication: organisations that share an ИНН or an ОГРН are the same organisation.

use crate::error::NaturalKey;
use crate::model::OrganizationProfile;

/// The natural key two profiles share, if any: the same ИНН, or failing that the same ОГРН.
pub fn shared_key(a: &OrganizationProfile, b: &OrganizationProfile) -> Option<NaturalKey> {
    let same = |x: Option<&str>, y: Option<&str>| matches!((x, y), (Some(x), Some(y)) if x == y);
    if same(a.inn.as_ref().map(|v| v.as_str()), b.inn.as_ref().map(|v| v.as_str())) {
        Some(NaturalKey::Inn)
    } else if same(a.ogrn.as_ref().map(|v| v.as_str()), b.ogrn.as_ref().map(|v| v.as_str())) {
        Some(NaturalKey::Ogrn)
    } else {
        None
    }
}

/// Whether two profiles describe the same organisation.
pub fn same_organization(a: &OrganizationProfile, b: &OrganizationProfile) -> bool {
    shared_key(a, b).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Inn, Ogrn};
    use crate::testing::fixtures;
    use crate::testing::strategies::{profile, profile_with_keys};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sameness_is_symmetric_and_reflexive_for_keyed_profiles(a in profile(), b in profile()) {
            prop_assert_eq!(same_organization(&a, &b), same_organization(&b, &a));
            if a.inn.is_some() || a.ogrn.is_some() {
                prop_assert!(same_organization(&a, &a));
            }
        }

        #[test]
        fn sharing_an_inn_or_an_ogrn_means_the_same_organisation_whatever_the_names(
            (a, b) in (profile_with_keys(), profile()),
            take_inn in any::<bool>(),
        ) {
            let mut b = b;
            if take_inn { b.inn = a.inn.clone(); b.ogrn = None; } else { b.ogrn = a.ogrn.clone(); b.inn = None; }
            prop_assert!(same_organization(&a, &b));
        }

        #[test]
        fn two_profiles_are_the_same_organisation_exactly_when_they_share_a_key(
            (a, b, picks) in (profile(), profile(), proptest::array::uniform4(proptest::option::of(1u32..3))),
        ) {
            // Keys from pools of two: every combination (the same ОГРН with another ИНН or none,
            // the same ИНН with another ОГРН...) comes up often, unlike independent random keys.
            let [a_inn, a_ogrn, b_inn, b_ogrn] = picks;
            let inn = |n: Option<u32>| n.map(|n| Inn::parse(&fixtures::inn_number(n)).expect("valid"));
            let ogrn = |n: Option<u32>| n.map(|n| Ogrn::parse(&fixtures::ogrn_number(n)).expect("valid"));
            let (mut a, mut b) = (a, b);
            (a.inn, a.ogrn, b.inn, b.ogrn) = (inn(a_inn), ogrn(a_ogrn), inn(b_inn), ogrn(b_ogrn));
            let shares = |x: Option<u32>, y: Option<u32>| x.is_some() && x == y;
            let expected = if shares(a_inn, b_inn) {
                Some(NaturalKey::Inn)
            } else if shares(a_ogrn, b_ogrn) {
                Some(NaturalKey::Ogrn)
            } else {
                None
            };
            prop_assert_eq!(shared_key(&a, &b), expected);
            prop_assert_eq!(same_organization(&a, &b), expected.is_some());
        }
    }
}
