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
        fn profiles_without_any_shared_key_are_different(a in profile(), b in profile()) {
            let inn_shared = a.inn.is_some() && a.inn == b.inn;
            let ogrn_shared = a.ogrn.is_some() && a.ogrn == b.ogrn;
            prop_assert_eq!(same_organization(&a, &b), inn_shared || ogrn_shared);
        }
    }
}
