//! In-memory privacy stores over the people another domain's fake holds (or a population of
//! their own): the reference behaviour the contract suite pins down, and the storage of the
//! use-case tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use audit::AuditEvent;
use audit::testing::MemoryAuditLog;

use crate::model::{Consent, ConsentId, ConsentKind, PersonId, SubjectRequest, SubjectRequestId};
use kernel::StoreError;

use crate::ports::{ConsentRepo, PrivacyPorts, SubjectRequestRepo, Subjects};
use crate::rules::{self, PrivacyRuleError};
use crate::testing::contract::{Population, Stores};

/// The people a fake privacy store's data are about, as another domain's in-memory fake holds
/// them: the in-memory counterpart of storage's `PersonalDataHook` (and of the `people` table
/// the SQL `Subjects` reads). Each domain's fake implements it for its own data.
pub trait HeldPeople: Send + Sync {
    /// `None` for an unknown person; otherwise whether their record is held on consent alone.
    fn held_on_consent(&self, person: PersonId) -> Option<bool>;
    /// Whether the person's record was anonymised (`false` for an unknown person).
    fn anonymised(&self, person: PersonId) -> bool;
    /// Removes every direct identifier of the person from this domain's data; idempotent.
    fn anonymise(&self, person: PersonId);
    /// This domain's rows about the person, by table name, as storage's export names them.
    fn export(&self, person: PersonId) -> BTreeMap<String, Vec<serde_json::Value>>;
}

/// A subject of the fake population.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeSubject {
    /// The record is held on consent alone.
    pub on_consent: bool,
    /// The direct identifier (a name), or `None` once anonymised.
    pub name: Option<String>,
}

/// A population of people of the privacy fake's own: a name each, held on consent or not.
#[derive(Clone, Default)]
pub struct FakePeople(Arc<Mutex<HashMap<PersonId, FakeSubject>>>);

impl FakePeople {
    fn people(&self) -> MutexGuard<'_, HashMap<PersonId, FakeSubject>> {
        self.0.lock().expect("not poisoned")
    }

    /// Adds a person.
    pub fn insert(&self, person: PersonId, name: &str, on_consent: bool) {
        self.people().insert(person, FakeSubject { on_consent, name: Some(name.to_owned()) });
    }
}

/// The fake population adds people by name; their one identifier is the name.
#[async_trait]
impl Population for FakePeople {
    async fn add(&self, name: &str, on_consent: bool) -> (PersonId, Vec<String>) {
        let id = PersonId::new();
        self.insert(id, name, on_consent);
        (id, vec![name.to_owned()])
    }
}

impl HeldPeople for FakePeople {
    fn held_on_consent(&self, person: PersonId) -> Option<bool> {
        self.people().get(&person).map(|s| s.on_consent)
    }

    fn anonymised(&self, person: PersonId) -> bool {
        self.people().get(&person).is_some_and(|s| s.name.is_none())
    }

    fn anonymise(&self, person: PersonId) {
        if let Some(found) = self.people().get_mut(&person) {
            found.name = None;
        }
    }

    fn export(&self, person: PersonId) -> BTreeMap<String, Vec<serde_json::Value>> {
        let rows = self.people().get(&person).map(|s| serde_json::json!({ "id": person.0, "name": s.name }));
        BTreeMap::from([("people".to_owned(), rows.into_iter().collect())])
    }
}

#[derive(Default)]
struct State {
    consents: BTreeMap<ConsentId, Consent>,
    requests: HashMap<SubjectRequestId, SubjectRequest>,
}

/// Consents and requests in memory, about the people of a [`HeldPeople`], auditing into an
/// in-memory log.
#[derive(Clone)]
pub struct InMemoryPrivacy {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
    population: FakePeople,
    people: Arc<dyn HeldPeople>,
}

/// The tables whose rows the audit log names as `kind/id` (as `storage::disclosure::AUDITED_AS`).
const AUDITED_AS: &[(&str, &str)] = &[
    ("people", "person"),
    ("memberships", "membership"),
    ("consents", "consent"),
    ("subject_requests", "subject_request"),
];

/// What the fake refuses, as the SQL stores do (a key violation is a database error there).
fn refused(why: &str) -> StoreError {
    StoreError::unavailable(why.to_owned())
}

impl InMemoryPrivacy {
    /// Stores about a population of their own ([`InMemoryPrivacy::add_subject`]), writing their
    /// audit rows into `audit`.
    pub fn new(audit: MemoryAuditLog) -> Self {
        let population = FakePeople::default();
        Self { state: Arc::default(), audit, people: Arc::new(population.clone()), population }
    }

    /// Stores about the people another domain's fake holds, writing their audit rows into `audit`.
    pub fn over(audit: MemoryAuditLog, people: Arc<dyn HeldPeople>) -> Self {
        Self { state: Arc::default(), audit, population: FakePeople::default(), people }
    }

    /// The store's own population (the people of [`InMemoryPrivacy::new`]).
    pub fn population(&self) -> FakePeople {
        self.population.clone()
    }

    /// The log the stores write into.
    pub fn audit(&self) -> &MemoryAuditLog {
        &self.audit
    }

    /// Adds a subject to the store's own population.
    pub fn add_subject(&self, subject: PersonId, name: &str, on_consent: bool) {
        self.population.insert(subject, name, on_consent);
    }

    /// The three ports over these stores.
    pub fn ports(&self) -> PrivacyPorts {
        let store = Arc::new(self.clone());
        PrivacyPorts { consents: store.clone(), requests: store.clone(), subjects: store }
    }

    /// The stores with their log and the people to add subjects through, for the contract suite.
    pub fn stores(&self, people: Arc<dyn Population>) -> Stores {
        Stores { ports: self.ports(), audit: Arc::new(self.audit.clone()), people, failing: None }
    }

    /// A subject of the store's own population, as stored.
    pub fn subject(&self, subject: PersonId) -> Option<FakeSubject> {
        self.population.people().get(&subject).cloned()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("not poisoned")
    }

    /// Applies a change and writes its audit row, both under the lock; a refused change
    /// writes neither.
    fn change(
        &self,
        audit: &AuditEvent,
        apply: impl FnOnce(&mut State) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        apply(&mut state)?;
        self.audit.append_now(audit);
        Ok(())
    }

    fn known(&self, subject: PersonId) -> Result<(), StoreError> {
        self.people.held_on_consent(subject).map(|_| ()).ok_or_else(|| refused("unknown subject"))
    }
}

fn consent_row(c: &Consent) -> serde_json::Value {
    serde_json::json!({
        "id": c.id.0, "person_id": c.subject.0, "kind": c.kind.code(), "purpose": c.purpose,
        "categories": c.categories, "document": c.document, "given_at": c.given_at,
        "withdrawn_at": c.withdrawn_at, "destroy_by": c.destroy_by, "destroyed_at": c.destroyed_at,
    })
}

fn request_row(r: &SubjectRequest) -> serde_json::Value {
    serde_json::json!({
        "id": r.id.0, "person_id": r.subject.0, "received_on": r.received_on, "due_on": r.due_on,
        "due_predicted": r.due_predicted, "extended_to": r.extension.as_ref().map(|(on, _)| on),
        "extension_reason": r.extension.as_ref().map(|(_, why)| why), "answered_on": r.answered_on,
    })
}

#[async_trait]
impl ConsentRepo for InMemoryPrivacy {
    async fn insert(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), StoreError<PrivacyRuleError>> {
        self.known(consent.subject).map_err(StoreError::widen)?;
        let mut state = self.state();
        if state.consents.contains_key(&consent.id) {
            return Err(StoreError::unavailable("consent already stored"));
        }
        let from_document: Vec<Consent> =
            state.consents.values().filter(|c| c.document == consent.document).cloned().collect();
        rules::check_new_consent(consent, &from_document).map_err(StoreError::Conflict)?;
        state.consents.insert(consent.id, consent.clone());
        self.audit.append_now(audit);
        Ok(())
    }

    async fn update(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), StoreError> {
        self.change(audit, |s| {
            let stored = s.consents.get_mut(&consent.id).ok_or_else(|| refused("no such consent"))?;
            *stored = consent.clone();
            Ok(())
        })
    }

    async fn mark_destroyed(
        &self,
        id: ConsentId,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.change(audit, |s| {
            s.consents.get_mut(&id).ok_or_else(|| refused("no such consent"))?.destroyed_at = Some(at);
            Ok(())
        })
    }

    async fn get(&self, id: ConsentId) -> Result<Option<Consent>, StoreError> {
        Ok(self.state().consents.get(&id).cloned())
    }

    async fn of_subject(&self, subject: PersonId) -> Result<Vec<Consent>, StoreError> {
        let mut found: Vec<Consent> =
            self.state().consents.values().filter(|c| c.subject == subject).cloned().collect();
        found.sort_by_key(|c| (c.given_at, c.id));
        Ok(found)
    }

    async fn pending_destruction(&self) -> Result<Vec<Consent>, StoreError> {
        let state = self.state();
        let mut found: Vec<Consent> =
            state.consents.values().filter(|c| c.withdrawn_at.is_some() && c.destroyed_at.is_none()).cloned().collect();
        found.sort_by_key(|c| (c.withdrawn_at, c.id));
        Ok(found)
    }

    async fn distributing(&self, subjects: &[PersonId], purpose: &str) -> Result<Vec<Consent>, StoreError> {
        Ok(self
            .state()
            .consents
            .values()
            .filter(|c| subjects.contains(&c.subject) && c.is_active() && c.kind == ConsentKind::Distribution)
            .filter(|c| c.purpose == purpose)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl SubjectRequestRepo for InMemoryPrivacy {
    async fn insert(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError> {
        self.known(request.subject)?;
        self.change(audit, |s| match s.requests.contains_key(&request.id) {
            true => Err(refused("request already stored")),
            false => {
                s.requests.insert(request.id, request.clone());
                Ok(())
            }
        })
    }

    async fn update(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError> {
        self.change(audit, |s| {
            *s.requests.get_mut(&request.id).ok_or_else(|| refused("no such request"))? = request.clone();
            Ok(())
        })
    }

    async fn get(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, StoreError> {
        Ok(self.state().requests.get(&id).cloned())
    }

    async fn open(&self) -> Result<Vec<SubjectRequest>, StoreError> {
        let mut open: Vec<SubjectRequest> =
            self.state().requests.values().filter(|r| r.answered_on.is_none()).cloned().collect();
        open.sort_by_key(|r| (r.deadline(), r.id));
        Ok(open)
    }
}

#[async_trait]
impl Subjects for InMemoryPrivacy {
    async fn exists(&self, subject: PersonId) -> Result<bool, StoreError> {
        Ok(self.people.held_on_consent(subject).is_some())
    }

    async fn held_on_consent(&self, subject: PersonId) -> Result<bool, StoreError> {
        Ok(self.people.held_on_consent(subject) == Some(true))
    }

    async fn anonymised(&self, subject: PersonId) -> Result<bool, StoreError> {
        Ok(self.people.anonymised(subject))
    }

    async fn anonymise(&self, subject: PersonId, audit: &AuditEvent) -> Result<(), StoreError> {
        if self.people.held_on_consent(subject).is_none() {
            return Ok(());
        }
        self.change(audit, |s| {
            for consent in s.consents.values_mut().filter(|c| c.subject == subject) {
                *consent = rules::anonymised(consent);
            }
            for request in s.requests.values_mut().filter(|r| r.subject == subject) {
                *request = rules::anonymised_request(request);
            }
            self.people.anonymise(subject);
            Ok(())
        })
    }

    async fn export(&self, subject: PersonId) -> Result<BTreeMap<String, Vec<serde_json::Value>>, StoreError> {
        let mut tables = self.people.export(subject);
        let state = self.state();
        let consents = state.consents.values().filter(|c| c.subject == subject).map(consent_row).collect();
        let mut requests: Vec<&SubjectRequest> = state.requests.values().filter(|r| r.subject == subject).collect();
        requests.sort_by_key(|r| r.id);
        tables.insert("consents".to_owned(), consents);
        tables.insert("subject_requests".to_owned(), requests.into_iter().map(request_row).collect());
        let objects: Vec<String> = AUDITED_AS
            .iter()
            .flat_map(|(table, kind)| {
                let rows = tables.get(*table).map_or(&[][..], Vec::as_slice);
                rows.iter().filter_map(|row| row["id"].as_str()).map(move |id| format!("{kind}/{id}"))
            })
            .collect();
        let trail = self
            .audit
            .rows()
            .into_iter()
            .filter(|r| r.event.object.as_ref().is_some_and(|o| objects.contains(o)))
            .map(|r| {
                let e = r.event;
                serde_json::json!({
                    "seq": r.seq, "at": e.at, "role": e.role.code(), "channel": e.channel.code(),
                    "action": e.action, "object": e.object, "outcome": e.outcome.code(), "detail": e.detail,
                })
            })
            .collect();
        tables.insert("audit_log".to_owned(), trail);
        Ok(tables)
    }
}
