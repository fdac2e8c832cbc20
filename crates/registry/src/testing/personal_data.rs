//! The registry's data about people as privacy's fakes and contract suite see them: the in-memory
//! store as the people `privacy::testing::InMemoryPrivacy` is about (anonymised by the registry's
//! own rule, as storage's `RegistryPersonalData` does in SQL), and a population of registry
//! records for the privacy contract suite over any `PersonRepo`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use privacy::testing::HeldPeople;
use privacy::testing::contract::Population;

use crate::model::{Email, LegalBasisKind, Person, PersonId, Phone, Text};
use crate::ports::PersonRepo;
use crate::rules::anonymise::{anonymised, bears_removed_names};
use crate::testing::{InMemoryRegistry, fixtures};

impl HeldPeople for InMemoryRegistry {
    fn held_on_consent(&self, person: PersonId) -> Option<bool> {
        self.state().people.get(&person).map(|p| p.legal_basis.kind == LegalBasisKind::Consent)
    }

    fn anonymised(&self, person: PersonId) -> bool {
        let state = self.state();
        let person = state.people.get(&person);
        person.is_some_and(bears_removed_names)
    }

    fn anonymise(&self, person: PersonId) {
        if let Some(stored) = self.state().people.get_mut(&person) {
            *stored = anonymised(stored);
        }
    }

    fn export(&self, person: PersonId) -> BTreeMap<String, Vec<serde_json::Value>> {
        let state = self.state();
        let people = state.people.get(&person).map(json).into_iter().collect();
        let mut memberships: Vec<_> = state.memberships.values().filter(|m| m.person == person).collect();
        memberships.sort_by_key(|m| m.id);
        let memberships = memberships.into_iter().map(json).collect();
        BTreeMap::from([("people".to_owned(), people), ("memberships".to_owned(), memberships)])
    }
}

/// A record as the JSON object an export shows.
fn json(record: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(record).expect("a record serialises")
}

/// Registry records of people for the privacy contract suite, written through `PersonRepo`
/// (each with its own audit row); every name, contact and document differs from person to person.
pub struct RegistryPopulation {
    people: Arc<dyn PersonRepo>,
    added: AtomicU32,
}

impl RegistryPopulation {
    /// People written through `people`.
    pub fn new(people: Arc<dyn PersonRepo>) -> Self {
        Self { people, added: AtomicU32::new(0) }
    }
}

#[async_trait]
impl Population for RegistryPopulation {
    async fn add(&self, name: &str, on_consent: bool) -> (PersonId, Vec<String>) {
        let n = self.added.fetch_add(1, Ordering::Relaxed) + 1;
        let text = |t: String| Text::parse(&t, 200).expect("a valid text");
        let mut person: Person = fixtures::person(name);
        person.profile.first_name = text(format!("{name}-имя"));
        person.profile.middle_name = Some(text(format!("{name}-отчество")));
        person.profile.phones = vec![Phone::parse(&format!("8900{:07}", 7_000_000 + n * 10_101)).expect("valid")];
        person.profile.emails = vec![Email::parse(&format!("subject{n}@example.org")).expect("valid")];
        person.legal_basis.kind = if on_consent { LegalBasisKind::Consent } else { LegalBasisKind::Contract };
        person.legal_basis.document = Some(text(format!("Анкета {name}")));
        self.people.insert(&person, &audit::testing::event(n as usize)).await.expect("a person is stored");
        let p = &person.profile;
        let identifiers = [p.last_name.to_string(), p.first_name.to_string()]
            .into_iter()
            .chain(p.middle_name.iter().map(ToString::to_string))
            .chain(p.phones.iter().map(ToString::to_string))
            .chain(p.emails.iter().map(ToString::to_string))
            .chain(person.legal_basis.document.iter().map(ToString::to_string));
        (person.id, identifiers.collect())
    }
}
