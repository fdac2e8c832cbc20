//! Anonymisation: a person's record without any direct identifier, keeping everything the
//! reports count (the id, the legal ground and its dates, memberships by their own records).

use std::collections::BTreeMap;

use crate::model::{MAX_SHORT_TEXT, Membership, Person, Text};

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

/// Whether a record still carries a direct identifier.
pub fn is_anonymised(person: &Person) -> bool {
    *person == anonymised(person)
}

/// The counts the reports make of people and their memberships.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PeopleAggregates {
    /// People.
    pub people: usize,
    /// People by the kind of their legal ground.
    pub by_basis: BTreeMap<&'static str, usize>,
    /// People by the month their record was created.
    pub by_created_month: BTreeMap<String, usize>,
    /// Memberships by organisation.
    pub memberships_by_organization: BTreeMap<uuid::Uuid, usize>,
    /// Memberships by position.
    pub memberships_by_position: BTreeMap<String, usize>,
    /// Memberships starting in each year.
    pub memberships_by_start_year: BTreeMap<i32, usize>,
}

/// The aggregates of these records.
pub fn aggregates(people: &[Person], memberships: &[Membership]) -> PeopleAggregates {
    use chrono::Datelike;
    let mut out = PeopleAggregates { people: people.len(), ..Default::default() };
    for p in people {
        *out.by_basis.entry(p.legal_basis.kind.code()).or_default() += 1;
        *out.by_created_month.entry(p.created_at.format("%Y-%m").to_string()).or_default() += 1;
    }
    for m in memberships {
        *out.memberships_by_organization.entry(m.organization.0).or_default() += 1;
        *out.memberships_by_position.entry(m.position.to_string()).or_default() += 1;
        *out.memberships_by_start_year.entry(m.period.from().year()).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;
    use proptest::prelude::*;

    fn people_and_memberships() -> impl Strategy<Value = (Vec<Person>, Vec<Membership>, Vec<bool>)> {
        let person = ("[А-Я][а-я]{2,10}", "[А-Я][а-я]{2,8}", "[0-9]{10}", 0u32..3, 0i64..400).prop_map(
            |(last, first, phone, basis, days)| {
                let mut p = fixtures::person(&last);
                p.profile.first_name = Text::parse(&first, 200).unwrap();
                p.profile.phones = vec![crate::model::Phone::parse(&format!("8{phone}")).unwrap()];
                p.profile.emails = vec![crate::model::Email::parse(&format!("{}@example.org", phone)).unwrap()];
                p.legal_basis.kind = [
                    crate::model::LegalBasisKind::Consent,
                    crate::model::LegalBasisKind::Contract,
                    crate::model::LegalBasisKind::Law,
                ][basis as usize];
                p.created_at += chrono::TimeDelta::days(days);
                p
            },
        );
        proptest::collection::vec(person, 1..30).prop_flat_map(|people| {
            let n = people.len();
            let orgs: Vec<crate::model::OrganizationId> =
                (0..4).map(|i| crate::model::OrganizationId(uuid::Uuid::from_u128(i))).collect();
            let membership = (0..n, 0usize..4, 0usize..3, 0u64..900).prop_map({
                let people = people.clone();
                move |(who, org, position, days)| {
                    let mut m = fixtures::membership(people[who].id, orgs[org]);
                    m.position = Text::parse(["директор", "волонтёр", "бухгалтер"][position], 200).unwrap();
                    m.period = kernel::Period::open(fixtures::day(2023, 1, 1) + chrono::Days::new(days));
                    m
                }
            });
            (Just(people), proptest::collection::vec(membership, 0..40), proptest::collection::vec(any::<bool>(), n))
        })
    }

    proptest! {
        #[test]
        fn anonymisation_keeps_every_aggregate_and_no_direct_identifier((people, memberships, chosen) in people_and_memberships()) {
            let before = aggregates(&people, &memberships);
            let after_people: Vec<Person> = people
                .iter()
                .zip(&chosen)
                .map(|(p, anonymise)| if *anonymise { anonymised(p) } else { p.clone() })
                .collect();
            prop_assert_eq!(aggregates(&after_people, &memberships), before);
            for (original, (after, anonymise)) in people.iter().zip(after_people.iter().zip(&chosen)) {
                if !*anonymise {
                    continue;
                }
                // The placeholder itself is not an identifier, even if a short name happens to be part of it.
                let text = format!("{after:?}").replace(REMOVED, "");
                let identifiers = [original.profile.last_name.to_string(), original.profile.first_name.to_string()]
                    .into_iter()
                    .chain(original.profile.phones.iter().map(|p| p.to_string()))
                    .chain(original.profile.emails.iter().map(|e| e.to_string()));
                for identifier in identifiers {
                    prop_assert!(!text.contains(&identifier), "{} is still in {}", identifier, text);
                }
                prop_assert!(is_anonymised(after));
                prop_assert_eq!(anonymised(after), after.clone(), "anonymising twice changes nothing");
            }
        }
    }
}
