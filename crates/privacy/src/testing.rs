//! In-memory privacy stores and a fake population of subjects, for the use-case tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use audit::AuditEvent;
use audit::testing::MemoryAuditLog;

use crate::model::{Consent, ConsentId, PersonId, SubjectRequest, SubjectRequestId};
use crate::ports::{ConsentRepo, PrivacyStoreError, SubjectRequestRepo, Subjects};

/// A subject of the fake population.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeSubject {
    /// The record is held on consent alone.
    pub on_consent: bool,
    /// The direct identifier (a name), or `None` once anonymised.
    pub name: Option<String>,
}

#[derive(Default)]
struct State {
    consents: BTreeMap<ConsentId, Consent>,
    requests: HashMap<SubjectRequestId, SubjectRequest>,
    subjects: HashMap<PersonId, FakeSubject>,
}

/// Consents, requests and subjects in memory, auditing into an in-memory log.
#[derive(Clone, Default)]
pub struct InMemoryPrivacy {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
}

impl InMemoryPrivacy {
    /// Stores writing their audit rows into `audit`.
    pub fn new(audit: MemoryAuditLog) -> Self {
        Self { state: Arc::default(), audit }
    }

    /// Adds a subject.
    pub fn add_subject(&self, subject: PersonId, name: &str, on_consent: bool) {
        let fake = FakeSubject { on_consent, name: Some(name.to_owned()) };
        self.state.lock().expect("not poisoned").subjects.insert(subject, fake);
    }

    /// A subject as stored.
    pub fn subject(&self, subject: PersonId) -> Option<FakeSubject> {
        self.state.lock().expect("not poisoned").subjects.get(&subject).cloned()
    }

    /// Replaces the document reference of every consent of a subject, writing no audit row: what
    /// anonymising the subject does to the consents inside a change audited once.
    pub fn replace_documents(&self, subject: PersonId, document: &str) {
        let mut state = self.state.lock().expect("not poisoned");
        for consent in state.consents.values_mut().filter(|c| c.subject == subject) {
            consent.document = document.to_owned();
        }
    }

    fn change(&self, audit: &AuditEvent, apply: impl FnOnce(&mut State)) -> Result<(), PrivacyStoreError> {
        let mut state = self.state.lock().expect("not poisoned");
        apply(&mut state);
        self.audit.append_now(audit);
        Ok(())
    }
}

#[async_trait]
impl ConsentRepo for InMemoryPrivacy {
    async fn insert(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            s.consents.insert(consent.id, consent.clone());
        })
    }

    async fn update(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            s.consents.insert(consent.id, consent.clone());
        })
    }

    async fn mark_destroyed(
        &self,
        id: ConsentId,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditEvent,
    ) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            if let Some(consent) = s.consents.get_mut(&id) {
                consent.destroyed_at = Some(at);
            }
        })
    }

    async fn get(&self, id: ConsentId) -> Result<Option<Consent>, PrivacyStoreError> {
        Ok(self.state.lock().expect("not poisoned").consents.get(&id).cloned())
    }

    async fn of_subject(&self, subject: PersonId) -> Result<Vec<Consent>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        Ok(state.consents.values().filter(|c| c.subject == subject).cloned().collect())
    }

    async fn with_document(&self, document: &str) -> Result<Vec<Consent>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        Ok(state.consents.values().filter(|c| c.document == document).cloned().collect())
    }

    async fn pending_destruction(&self) -> Result<Vec<Consent>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        Ok(state.consents.values().filter(|c| c.withdrawn_at.is_some() && c.destroyed_at.is_none()).cloned().collect())
    }

    async fn distributing(&self, subjects: &[PersonId], purpose: &str) -> Result<Vec<Consent>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        Ok(state
            .consents
            .values()
            .filter(|c| subjects.contains(&c.subject) && c.is_active() && c.kind == crate::ConsentKind::Distribution)
            .filter(|c| c.purpose == purpose)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl SubjectRequestRepo for InMemoryPrivacy {
    async fn insert(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            s.requests.insert(request.id, request.clone());
        })
    }

    async fn update(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            s.requests.insert(request.id, request.clone());
        })
    }

    async fn get(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, PrivacyStoreError> {
        Ok(self.state.lock().expect("not poisoned").requests.get(&id).cloned())
    }

    async fn open(&self) -> Result<Vec<SubjectRequest>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        let mut open: Vec<SubjectRequest> =
            state.requests.values().filter(|r| r.answered_on.is_none()).cloned().collect();
        open.sort_by_key(SubjectRequest::deadline);
        Ok(open)
    }
}

#[async_trait]
impl Subjects for InMemoryPrivacy {
    async fn exists(&self, subject: PersonId) -> Result<bool, PrivacyStoreError> {
        Ok(self.state.lock().expect("not poisoned").subjects.contains_key(&subject))
    }

    async fn held_on_consent(&self, subject: PersonId) -> Result<bool, PrivacyStoreError> {
        Ok(self.state.lock().expect("not poisoned").subjects.get(&subject).is_some_and(|s| s.on_consent))
    }

    async fn anonymise(&self, subject: PersonId, audit: &AuditEvent) -> Result<(), PrivacyStoreError> {
        self.change(audit, |s| {
            if let Some(found) = s.subjects.get_mut(&subject) {
                found.name = None;
            }
        })
    }

    async fn export(&self, subject: PersonId) -> Result<BTreeMap<String, Vec<serde_json::Value>>, PrivacyStoreError> {
        let state = self.state.lock().expect("not poisoned");
        let mut tables = BTreeMap::new();
        if let Some(s) = state.subjects.get(&subject) {
            tables
                .insert("people".to_owned(), vec![serde_json::json!({ "id": subject.0.to_string(), "name": s.name })]);
        }
        let consents: Vec<serde_json::Value> = state
            .consents
            .values()
            .filter(|c| c.subject == subject)
            .map(|c| serde_json::json!({ "id": c.id.0.to_string(), "purpose": c.purpose }))
            .collect();
        tables.insert("consents".to_owned(), consents);
        Ok(tables)
    }
}
