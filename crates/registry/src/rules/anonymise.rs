//! Anonymisation: a person's record without any direct identifier, keeping everything the
//! reports count (the id, the legal ground and its dates, memberships by their own records).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{MAX_SHORT_TEXT, Membership, Organization, OrganizationId, Person, PersonId, Text};

/// What replaces a removed name.
pub const REMOVED: &str = "Обезличено";

/// The person without names, contacts or the consent document's reference; idempotent.
pub fn anonymised(person: &Person) -> Person {
    let removed = Text::parse(REMOVED, MAX_SHORT_TEXT).expect("a valid constant");
    let mut out = person.clone();
    out.profile.last_name = removed.clone();
    out.profile.first_name = removed;
    out.profile.middle_name = None;
    out.profile.phones.clear();
    out.profile.emails.clear();
    out.legal_basis.document = None;
    out
}

/// Whether a record's names were removed: the record is anonymised and takes part in no new
/// record (a membership, a consent, an account); someone who comes back is a new person. The
/// names are what every store can compare (the `people` table's two columns).
pub fn names_removed(last_name: &str, first_name: &str) -> bool {
    last_name == REMOVED && first_name == REMOVED
}

/// Whether this record's names were removed ([`names_removed`] on a stored person).
pub fn bears_removed_names(person: &Person) -> bool {
    names_removed(person.profile.last_name.as_str(), person.profile.first_name.as_str())
}

/// Whether a record still carries a direct identifier.
pub fn is_anonymised(person: &Person) -> bool {
    *person == anonymised(person)
}

/// The counts the reports make of people and their memberships. Memberships are counted through
/// their person and organisation records, as a report joining the tables does: a membership whose
/// person record is gone (or has another id) no longer counts.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PeopleAggregates {
    /// People.
    pub people: usize,
    /// People by the kind of their legal ground.
    pub by_basis: BTreeMap<&'static str, usize>,
    /// People by the year their legal ground began.
    pub by_basis_year: BTreeMap<i32, usize>,
    /// People by the year their record was created.
    pub by_created_year: BTreeMap<i32, usize>,
    /// People without any membership.
    pub without_membership: usize,
    /// Memberships by organisation.
    pub memberships_by_organization: BTreeMap<uuid::Uuid, usize>,
    /// Different people with a membership, by organisation.
    pub members_by_organization: BTreeMap<uuid::Uuid, usize>,
    /// Different people with a membership in an organisation of the municipality (`None`: an
    /// organisation without one).
    pub members_by_municipality: BTreeMap<Option<String>, usize>,
    /// Memberships by position.
    pub memberships_by_position: BTreeMap<String, usize>,
    /// Memberships starting in each year.
    pub memberships_by_start_year: BTreeMap<i32, usize>,
    /// Memberships not ended.
    pub open_memberships: usize,
}

/// The aggregates of these records.
pub fn aggregates(organizations: &[Organization], people: &[Person], memberships: &[Membership]) -> PeopleAggregates {
    use chrono::Datelike;
    let person: BTreeMap<PersonId, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let organization: BTreeMap<OrganizationId, &Organization> = organizations.iter().map(|o| (o.id, o)).collect();
    let mut out = PeopleAggregates { people: person.len(), ..Default::default() };
    for p in person.values() {
        *out.by_basis.entry(p.legal_basis.kind.code()).or_default() += 1;
        *out.by_basis_year.entry(p.legal_basis.since.year()).or_default() += 1;
        *out.by_created_year.entry(p.created_at.year()).or_default() += 1;
    }
    let joined: Vec<(&Membership, &Organization)> = memberships
        .iter()
        .filter(|m| person.contains_key(&m.person))
        .filter_map(|m| organization.get(&m.organization).map(|o| (m, *o)))
        .collect();
    let mut members: BTreeSet<(OrganizationId, PersonId)> = BTreeSet::new();
    let mut in_place: BTreeSet<(Option<String>, PersonId)> = BTreeSet::new();
    for (m, o) in &joined {
        *out.memberships_by_organization.entry(o.id.0).or_default() += 1;
        *out.memberships_by_position.entry(m.position.to_string()).or_default() += 1;
        *out.memberships_by_start_year.entry(m.period.from().year()).or_default() += 1;
        out.open_memberships += usize::from(m.period.to().is_none());
        members.insert((o.id, m.person));
        in_place.insert((o.profile.municipality.as_ref().map(ToString::to_string), m.person));
    }
    for (org, _) in &members {
        *out.members_by_organization.entry(org.0).or_default() += 1;
    }
    for (place, _) in in_place {
        *out.members_by_municipality.entry(place).or_default() += 1;
    }
    let with_membership: BTreeSet<PersonId> = members.iter().map(|(_, p)| *p).collect();
    out.without_membership = person.len() - with_membership.len();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::strategies::{PeopleRecords, people_records};
    use proptest::prelude::*;

    /// Records and which people to anonymise.
    fn records_and_choice() -> impl Strategy<Value = (PeopleRecords, Vec<bool>)> {
        people_records().prop_flat_map(|records| {
            let n = records.people.len();
            (Just(records), proptest::collection::vec(any::<bool>(), n))
        })
    }

    proptest! {
        #[test]
        fn anonymisation_keeps_every_aggregate_and_no_direct_identifier((records, chosen) in records_and_choice()) {
            let PeopleRecords { organizations, people, memberships } = &records;
            let before = aggregates(organizations, people, memberships);
            let after_people: Vec<Person> = people
                .iter()
                .zip(&chosen)
                .map(|(p, anonymise)| if *anonymise { anonymised(p) } else { p.clone() })
                .collect();
            prop_assert_eq!(aggregates(organizations, &after_people, memberships), before);
            for (original, (after, anonymise)) in people.iter().zip(after_people.iter().zip(&chosen)) {
                if !*anonymise {
                    continue;
                }
                // The placeholder itself is not an identifier, even if a short name happens to be part of it.
                let text = format!("{after:?}").replace(REMOVED, "");
                let identifiers = [original.profile.last_name.to_string(), original.profile.first_name.to_string()]
                    .into_iter()
                    .chain(original.profile.middle_name.iter().map(ToString::to_string))
                    .chain(original.legal_basis.document.iter().map(ToString::to_string))
                    .chain(original.profile.phones.iter().map(|p| p.to_string()))
                    .chain(original.profile.emails.iter().map(|e| e.to_string()));
                for identifier in identifiers {
                    prop_assert!(!text.contains(&identifier), "{} is still in {}", identifier, text);
                }
                prop_assert!(is_anonymised(after));
                prop_assert_eq!(anonymised(after), after.clone(), "anonymising twice changes nothing");
            }
        }

        #[test]
        fn the_aggregates_notice_a_dropped_membership_or_a_member_with_another_id(
            (records, pick) in people_records().prop_filter("a membership", |r| !r.memberships.is_empty()).prop_flat_map(|r| {
                let n = r.memberships.len();
                (Just(r), 0..n)
            }),
        ) {
            let PeopleRecords { organizations, people, memberships } = &records;
            let before = aggregates(organizations, people, memberships);
            let mut dropped = memberships.clone();
            dropped.remove(pick);
            prop_assert_ne!(aggregates(organizations, people, &dropped), before.clone(), "a membership dropped");
            let member = memberships[pick].person;
            let renamed: Vec<Person> = people
                .iter()
                .map(|p| if p.id == member { Person { id: PersonId::new(), ..p.clone() } } else { p.clone() })
                .collect();
            prop_assert_ne!(aggregates(organizations, &renamed, memberships), before, "a member's id changed");
        }
    }
}
