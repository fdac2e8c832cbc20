//! What a change of an organisation touched: the fields that differ between two descriptions,
//! and how the audit row of a change names them (`update -> version 3: full_name, phones`), so
//! that whoever is refused a stale edit can be told who changed what since they read the record.

use crate::model::OrganizationProfile;

/// The fields of an organisation's description, as the audit log and the inputs name them.
pub const PROFILE_FIELDS: [&str; 18] = [
    "full_name",
    "short_name",
    "legal_form",
    "inn",
    "ogrn",
    "kpp",
    "registered_on",
    "municipality",
    "legal_address",
    "postal_address",
    "phones",
    "emails",
    "website",
    "activity_areas",
    "target_groups",
    "relationship",
    "in_sonko_register",
    "social_service_provider",
];

/// The fields whose values differ between two descriptions, in [`PROFILE_FIELDS`] order.
pub fn changed_fields(before: &OrganizationProfile, after: &OrganizationProfile) -> Vec<&'static str> {
    let differs = [
        before.full_name != after.full_name,
        before.short_name != after.short_name,
        before.legal_form != after.legal_form,
        before.inn != after.inn,
        before.ogrn != after.ogrn,
        before.kpp != after.kpp,
        before.registered_on != after.registered_on,
        before.municipality != after.municipality,
        before.legal_address != after.legal_address,
        before.postal_address != after.postal_address,
        before.phones != after.phones,
        before.emails != after.emails,
        before.website != after.website,
        before.activity_areas != after.activity_areas,
        before.target_groups != after.target_groups,
        before.relationship != after.relationship,
        before.in_sonko_register != after.in_sonko_register,
        before.social_service_provider != after.social_service_provider,
    ];
    PROFILE_FIELDS.iter().zip(differs).filter(|(_, d)| *d).map(|(name, _)| *name).collect()
}

/// The audit detail of a change: what was done, the version it made, and the fields it touched.
pub fn change_detail(what: &str, version: i64, fields: &[&str]) -> String {
    if fields.is_empty() {
        format!("{what} -> version {version}")
    } else {
        format!("{what} -> version {version}: {}", fields.join(", "))
    }
}

/// Reads a change's audit detail back: the version it made and the fields it named (only known
/// field names; a detail of another shape reads as nothing).
pub fn read_change_detail(detail: &str) -> Option<(i64, Vec<&'static str>)> {
    let (_, after) = detail.split_once(" -> version ")?;
    let (version, fields) = match after.split_once(": ") {
        Some((version, fields)) => (version, fields),
        None => (after, ""),
    };
    let version = version.trim().parse().ok()?;
    let fields = fields
        .split(',')
        .filter_map(|name| PROFILE_FIELDS.iter().find(|known| **known == name.trim()).copied())
        .collect();
    Some((version, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::strategies::profile;
    use proptest::prelude::*;

    #[test]
    fn a_detail_names_the_version_and_the_fields() {
        assert_eq!(change_detail("update", 3, &["full_name", "phones"]), "update -> version 3: full_name, phones");
        assert_eq!(change_detail("verify", 2, &[]), "verify -> version 2");
        assert_eq!(
            read_change_detail("update -> version 3: full_name, phones"),
            Some((3, vec!["full_name", "phones"]))
        );
        assert_eq!(read_change_detail("verify -> version 2"), Some((2, vec![])));
        assert_eq!(read_change_detail("create"), None);
        assert_eq!(read_change_detail("update -> version x"), None);
        assert_eq!(read_change_detail("update -> version 4: drop table, inn"), Some((4, vec!["inn"])));
    }

    proptest! {
        #[test]
        fn the_changed_fields_are_exactly_the_fields_that_differ(a in profile(), b in profile()) {
            let changed = changed_fields(&a, &b);
            prop_assert_eq!(changed.is_empty(), a == b);
            prop_assert!(changed_fields(&a, &a).is_empty());
            prop_assert_eq!(&changed, &changed_fields(&b, &a), "symmetric");
            let detail = change_detail("update", 7, &changed);
            prop_assert_eq!(read_change_detail(&detail), Some((7, changed)));
        }
    }
}
