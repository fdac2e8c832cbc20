//! Test support for the services domain and its adapters: the in-memory stores, fixtures, and
//! the contract suite every implementation of the services ports must pass.

pub mod contract;
pub mod fixtures;
pub mod memory;

pub use memory::{InMemoryServices, Records};

use std::sync::Arc;

use async_trait::async_trait;
use kernel::{OrganizationId, PersonId, Term};

/// The in-memory fake as the contract suite's world: organisations, people, terms and consents
/// are registered on the fake itself.
#[async_trait]
impl contract::World for InMemoryServices {
    async fn organization(&self) -> OrganizationId {
        let id = OrganizationId::new();
        self.add_organization(id);
        id
    }

    async fn person(&self) -> PersonId {
        let id = PersonId::new();
        self.add_person(id);
        id
    }

    async fn terms(&self, terms: &[Term]) {
        self.set_terms(terms.to_vec());
    }

    async fn consent(&self, person: PersonId, organization: OrganizationId, given: bool) {
        self.set_consent(person, organization, given);
    }

    async fn close(&self, organization: OrganizationId) {
        self.close_organization(organization);
    }

    async fn staff(&self, login: &str, role: kernel::Role) {
        self.add_staff(login, role);
    }
}

impl InMemoryServices {
    /// These stores as the contract suite takes them.
    pub fn stores(&self) -> contract::Stores {
        contract::Stores { ports: self.ports(), audit: Arc::new(self.audit().clone()), world: Arc::new(self.clone()) }
    }
}
