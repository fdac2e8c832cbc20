//! The port contract suites run against the in-memory fakes, which keeps the fakes honest: the
//! registry's own, and privacy's over the registry's people.

use std::sync::Arc;

use audit::testing::MemoryAuditLog;
use privacy::Subjects;
use privacy::testing::InMemoryPrivacy;
use registry::rules::anonymise::{aggregates, is_anonymised};
use registry::testing::{InMemoryRegistry, RegistryPopulation, contract, fixtures};

#[tokio::test]
async fn the_registry_ports_keep_the_contract_in_memory() {
    contract::all(|| async { InMemoryRegistry::new().stores() }).await;
}

/// The registry's fake and privacy's fake over it, writing into one audit log.
fn registry_and_privacy() -> (InMemoryRegistry, InMemoryPrivacy) {
    let audit = MemoryAuditLog::default();
    let registry = InMemoryRegistry::with_audit(audit.clone());
    let privacy = InMemoryPrivacy::over(audit, Arc::new(registry.clone()));
    (registry, privacy)
}

#[tokio::test]
async fn the_in_memory_privacy_ports_keep_the_contract_over_the_registry_s_people() {
    privacy::testing::contract::all(|| async {
        let (registry, privacy) = registry_and_privacy();
        privacy.stores(Arc::new(RegistryPopulation::new(registry.ports().people)))
    })
    .await;
}

#[tokio::test]
async fn the_privacy_fake_anonymises_a_registry_person_keeping_every_aggregate() {
    let (registry, privacy) = registry_and_privacy();
    let ports = registry.ports();
    let event = audit::testing::event(1);
    let orgs = [fixtures::organization(1), fixtures::organization(2)];
    let people = [fixtures::person("Аверина"), fixtures::person("Белова")];
    let memberships = [
        fixtures::membership(people[0].id, orgs[0].id),
        fixtures::membership(people[0].id, orgs[1].id),
        fixtures::membership(people[1].id, orgs[1].id),
    ];
    for org in &orgs {
        ports.organizations.insert(org, &event).await.expect("organisation");
    }
    for person in &people {
        ports.people.insert(person, &event).await.expect("person");
    }
    for membership in &memberships {
        ports.memberships.insert(membership, &event).await.expect("membership");
    }
    let stored = || async {
        let ids = [people[0].id, people[1].id];
        let people = ports.people.get_many(&ids).await.expect("people");
        let memberships = ports.memberships.of_people(&ids).await.expect("memberships");
        (aggregates(&orgs, &people, &memberships), people)
    };
    let (before, _) = stored().await;
    privacy.anonymise(people[0].id, &event).await.expect("anonymise");
    let (after, stored_people) = stored().await;
    assert_eq!(after, before, "every count stays");
    let anonymised = stored_people.iter().find(|p| p.id == people[0].id).expect("kept");
    assert!(is_anonymised(anonymised) && *anonymised != people[0], "the registry's own rule applied: {anonymised:?}");
    assert!(stored_people.contains(&people[1]), "nobody else is touched");
}

mod anonymised_people {
    use proptest::prelude::*;
    use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
    use registry::model::LegalBasisKind;
    use registry::testing::fixtures::{self, admin};
    use registry::{Registry, RegistryError};

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Whoever the person was, once anonymised their record takes part in no new membership
        /// (someone who comes back is a new record), and the refusal writes nothing.
        #[test]
        fn an_anonymised_person_joins_no_organisation_and_the_refusal_writes_nothing(
            last in "[А-ЯЁ][а-яё]{1,12}",
            first in "[А-ЯЁ][а-яё]{1,12}",
            phone in proptest::option::of("\\+7 9[0-9]{2} [0-9]{3}-[0-9]{2}-[0-9]{2}"),
            anonymise in any::<bool>(),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
            runtime.block_on(async {
                let (store, privacy) = registry_and_privacy();
                let registry = Registry::open(store.ports(), fixtures::gate(store.audit().clone())).await.expect("open");
                registry.seed_references(&admin(), &fixtures::terms()).await.expect("seed");
                let org = OrganizationInput {
                    full_name: "АНО «Дом»".into(),
                    legal_form: "ano".into(),
                    inn: Some(fixtures::inn_number(7)),
                    ..Default::default()
                };
                let org = registry.create_organization(&admin(), &org).await.expect("org").id;
                let input = PersonInput { last_name: last, first_name: first, phones: phone.into_iter().collect(), ..Default::default() };
                let basis = LegalBasisInput {
                    kind: LegalBasisKind::Consent,
                    purpose: "учёт".into(),
                    since: fixtures::day(2026, 1, 1),
                    document: None,
                };
                let person = registry.add_person(&admin(), &input, &basis).await.expect("person").id;
                if anonymise {
                    privacy.anonymise(person, &audit::testing::event(1)).await.expect("anonymised");
                }
                let rows = store.audit().rows().len();
                let joined = registry.add_membership(&admin(), person, org, "волонтёр", None).await;
                if anonymise {
                    assert!(matches!(joined, Err(RegistryError::Anonymised)), "{joined:?}");
                    assert_eq!(store.audit().rows().len(), rows, "nothing written");
                    let members = registry.memberships_of_people(&admin(), &[person]).await.expect("memberships");
                    assert!(members.is_empty());
                } else {
                    assert_eq!(joined.expect("joined").person, person);
                }
            });
        }
    }
}
