//! Storage ports of the privacy rules. Every change carries its audit event, written in the
//! change's own transaction.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{DateTime, Utc};
use kernel::StoreError;

use crate::model::{Consent, ConsentId, PersonId, SubjectRequest, SubjectRequestId};
use crate::rules::PrivacyRuleError;

/// Every port the privacy use cases need, as the composition root builds them.
#[derive(Clone)]
pub struct PrivacyPorts {
    /// Consents.
    pub consents: Arc<dyn ConsentRepo>,
    /// Subject access requests.
    pub requests: Arc<dyn SubjectRequestRepo>,
    /// The people the data are about.
    pub subjects: Arc<dyn Subjects>,
}

/// Stores consents.
#[async_trait]
pub trait ConsentRepo: Send + Sync {
    /// Stores a new consent of a known subject with its audit row. An id already stored or an
    /// unknown subject fails and writes nothing. A consent that
    /// [`rules::check_new_consent`](crate::rules::check_new_consent) refuses against the consents
    /// already recorded from its document is a `Conflict`, and writes nothing.
    ///
    /// # Errors
    /// MUST check the rule inside the insert's own transaction, serialised with every other insert
    /// from the same document: of parallel inserts from one document for different purposes,
    /// exactly one is stored.
    async fn insert(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), StoreError<PrivacyRuleError>>;
    /// Replaces a stored consent (withdrawal, destruction) with its audit row. A consent not
    /// stored fails and writes nothing.
    async fn update(&self, consent: &Consent, audit: &AuditEvent) -> Result<(), StoreError>;
    /// Records that the data held on a consent were destroyed at `at`, with its audit row,
    /// changing nothing else of the row (anonymisation may have rewritten its document). A
    /// consent not stored fails and writes nothing.
    async fn mark_destroyed(&self, id: ConsentId, at: DateTime<Utc>, audit: &AuditEvent) -> Result<(), StoreError>;
    /// The consent with this id.
    async fn get(&self, id: ConsentId) -> Result<Option<Consent>, StoreError>;
    /// Every consent of a subject, oldest first (by the time it was given, then by id).
    async fn of_subject(&self, subject: PersonId) -> Result<Vec<Consent>, StoreError>;
    /// Withdrawn consents whose data are not destroyed yet, oldest withdrawal first (then by id).
    async fn pending_destruction(&self) -> Result<Vec<Consent>, StoreError>;
    /// Active (not withdrawn) distribution consents of these subjects for this purpose. One query.
    async fn distributing(&self, subjects: &[PersonId], purpose: &str) -> Result<Vec<Consent>, StoreError>;
}

/// Stores subject access requests.
#[async_trait]
pub trait SubjectRequestRepo: Send + Sync {
    /// Stores a new request about a known subject with its audit row. An id already stored or an
    /// unknown subject fails and writes nothing.
    async fn insert(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError>;
    /// Replaces a stored request (extension, answer) with its audit row. A request not stored
    /// fails and writes nothing.
    async fn update(&self, request: &SubjectRequest, audit: &AuditEvent) -> Result<(), StoreError>;
    /// The request with this id.
    async fn get(&self, id: SubjectRequestId) -> Result<Option<SubjectRequest>, StoreError>;
    /// Requests not answered yet, earliest deadline (counting the extension) first, then by id.
    async fn open(&self) -> Result<Vec<SubjectRequest>, StoreError>;
}

/// The people the data are about, across every table that refers to them.
#[async_trait]
pub trait Subjects: Send + Sync {
    /// Whether the person exists.
    async fn exists(&self, subject: PersonId) -> Result<bool, StoreError>;
    /// Whether the person's record was anonymised (it takes part in no new record); `false` for
    /// an unknown person.
    async fn anonymised(&self, subject: PersonId) -> Result<bool, StoreError>;
    /// Whether the person's record is held on consent (and on no other legal ground).
    async fn held_on_consent(&self, subject: PersonId) -> Result<bool, StoreError>;
    /// Removes every direct identifier of the person from every table, keeping ids, dates and
    /// codes so that every count the reports make stays the same; with the audit row. Each domain
    /// removes them from its own data (in storage: its `PersonalDataHook`), all in one change.
    /// An unknown person: nothing is written, no audit row.
    ///
    /// # Errors
    /// MUST write nothing when it fails; anonymising twice MUST change nothing the second time
    /// (but its audit row).
    async fn anonymise(&self, subject: PersonId, audit: &AuditEvent) -> Result<(), StoreError>;
    /// What is held about the person, by table name: the rows of every table about them (by a
    /// foreign key to `people` or to another such table, or a `person_id` column) and the audit
    /// rows about their records (who by role, when, what). Never a credential (password or token
    /// hashes), and nothing about anyone else, the centre's staff included.
    async fn export(&self, subject: PersonId) -> Result<BTreeMap<String, Vec<serde_json::Value>>, StoreError>;
}
