//! The registry's use cases: ask the policy, load through the ports, decide with the rules, save
//! with the audit row. One file per part of the registry; shared helpers (the record scope, the
//! clock) live here.

mod directory;
mod import;
mod network;
mod organizations;
mod people;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use audit::{Gate, object};
use chrono::NaiveDate;
use kernel::{Action, Actor, Scope, Term, TermKind};

use crate::actions::REFERENCE_WRITE;
use crate::error::{Conflict, RegistryError};
use crate::model::{OrgStatus, Organization, OrganizationId, OrganizationProfile, PersonId};
use crate::ports::RegistryPorts;
use crate::vocabulary::Vocabulary;
use kernel::StoreError;

pub use directory::PublicPerson;
pub use import::{ImportRow, RowOutcome, RowRejection, RowValidator, StaleRows, validate_rows};
pub use network::NewTie;
pub use organizations::ChangeNote;
pub use people::PersonContacts;

/// The registry's use cases.
pub struct Registry {
    ports: RegistryPorts,
    gate: Gate,
    vocabulary: RwLock<Arc<Vocabulary>>,
}

impl Registry {
    /// The registry over these ports, with the vocabulary loaded from storage. Every use case
    /// passes `gate`: the policy decides, the audit log records.
    pub async fn open(ports: RegistryPorts, gate: Gate) -> Result<Self, RegistryError> {
        let vocabulary = Vocabulary::from_terms(ports.references.all().await?);
        Ok(Self { ports, gate, vocabulary: RwLock::new(Arc::new(vocabulary)) })
    }

    /// The current vocabulary (public reference data: no actor needed).
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.vocabulary.read().expect("vocabulary lock is never poisoned").clone()
    }

    /// Stores the profile's reference lists and reloads the vocabulary.
    pub async fn seed_references(&self, actor: &Actor, terms: &[Term]) -> Result<(), RegistryError> {
        self.gate.require_all(actor, REFERENCE_WRITE, None).await?;
        let event = self.gate.event(actor, REFERENCE_WRITE, None).with_detail(format!("{} terms", terms.len()));
        self.ports.references.upsert(terms, &event).await?;
        let vocabulary = Vocabulary::from_terms(self.ports.references.all().await?);
        *self.vocabulary.write().expect("vocabulary lock is never poisoned") = Arc::new(vocabulary);
        Ok(())
    }

    fn today(&self) -> NaiveDate {
        self.gate.clock().today()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.gate.clock().now()
    }

    // The record scope (the gate's, shared by every domain): outside a scoped actor's records the
    // answer is exactly that of a missing record, and the probe is recorded.

    /// Passes actors who may take `action` on organisation `id`.
    async fn reach_organization(&self, actor: &Actor, action: Action, id: OrganizationId) -> Result<(), RegistryError> {
        let object = object("organization", id.0);
        let reached = self
            .gate
            .reach(actor, action, object, async |scope: Scope| Ok::<_, RegistryError>(scope.covers(&[id], None)));
        if reached.await? { Ok(()) } else { Err(RegistryError::NotFound { entity: "organization" }) }
    }

    /// Passes actors who may take `action` on person `id` (a representative: people with a
    /// membership in their organisation, a current one when `held` says so; a volunteer: their
    /// own record).
    async fn reach_person(&self, actor: &Actor, action: Action, id: PersonId, held: Held) -> Result<(), RegistryError> {
        let object = object("person", id.0);
        let in_scope = async |scope| Ok::<_, RegistryError>(self.people_held(scope, &[id], held).await?.contains(&id));
        if self.gate.reach(actor, action, object, in_scope).await? {
            Ok(())
        } else {
            Err(RegistryError::NotFound { entity: "person" })
        }
    }

    /// Those of `ids` inside the scope (a person is held by the organisations they are members of,
    /// now or before: an organisation keeps the history of who held which position).
    async fn in_person_scope(&self, scope: Scope, ids: &[PersonId]) -> Result<Vec<PersonId>, RegistryError> {
        self.people_held(scope, ids, Held::EverAMember).await
    }

    /// Those of `ids` whose contacts the scope reaches: for an organisation, its current members
    /// only (a membership whose period holds today). A former member's phone and e-mail are no
    /// longer the organisation's business (152-FZ art. 5: personal data kept only for the purpose).
    async fn in_contact_scope(&self, scope: Scope, ids: &[PersonId]) -> Result<Vec<PersonId>, RegistryError> {
        self.people_held(scope, ids, self.current_member()).await
    }

    /// Held by a membership current today.
    fn current_member(&self) -> Held {
        Held::CurrentMember(self.today())
    }

    async fn people_held(&self, scope: Scope, ids: &[PersonId], held: Held) -> Result<Vec<PersonId>, RegistryError> {
        if scope == Scope::All {
            return Ok(ids.to_vec());
        }
        let mut holders: HashMap<PersonId, Vec<OrganizationId>> = HashMap::new();
        if matches!(scope, Scope::Organization(_)) {
            for m in self.ports.memberships.of_people(ids).await? {
                let counts = match held {
                    Held::EverAMember => true,
                    Held::CurrentMember(today) => m.period.contains(today),
                };
                if counts {
                    holders.entry(m.person).or_default().push(m.organization);
                }
            }
        }
        let held_by = |id: &PersonId| holders.get(id).map_or(&[][..], Vec::as_slice);
        Ok(ids.iter().copied().filter(|id| scope.covers(held_by(id), Some(*id))).collect())
    }

    async fn existing_organization(&self, id: OrganizationId) -> Result<Organization, RegistryError> {
        self.ports.organizations.get(id).await?.ok_or(RegistryError::NotFound { entity: "organization" })
    }

    /// The names of a list's codes, for reports.
    pub fn term_name(&self, kind: TermKind, code: &str) -> Option<String> {
        let vocabulary = self.vocabulary();
        vocabulary.term(kind, code).map(|_| vocabulary.name(kind, code, kernel::Lang::Ru))
    }
}

/// A new, active organisation at version 1.
fn new_organization(profile: OrganizationProfile, now: chrono::DateTime<chrono::Utc>) -> Organization {
    Organization {
        id: OrganizationId::new(),
        version: 1,
        profile,
        status: OrgStatus::Active,
        verification: None,
        created_at: now,
        updated_at: now,
    }
}

fn missing_reference(error: StoreError<Conflict>) -> RegistryError {
    match error {
        StoreError::Conflict(Conflict::MissingReference) => RegistryError::NotFound { entity: "referenced record" },
        other => RegistryError::Store(other),
    }
}

/// Which memberships bring a person into an organisation's scope.
#[derive(Clone, Copy)]
enum Held {
    /// Any, past, current or future: the person's record and the organisation's history.
    EverAMember,
    /// Those whose period holds this day: the person's contacts, and linking them again.
    CurrentMember(NaiveDate),
}
