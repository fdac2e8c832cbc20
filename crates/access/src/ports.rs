//! Storage ports for accounts and sessions. Every change carries its audit event, written in the
//! change's own transaction.

use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{DateTime, Utc};
use kernel::{OrganizationId, PersonId, StoreError};

use crate::model::{Account, AccountId, Session, TokenHash};

/// The one conflict the account stores report (as `StoreError::Conflict`): the login is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the login is taken")]
pub struct LoginTaken;

/// Every port the account use cases need, as the composition root builds them.
#[derive(Clone)]
pub struct AccessPorts {
    /// Accounts.
    pub accounts: Arc<dyn AccountRepo>,
    /// Sessions.
    pub sessions: Arc<dyn SessionRepo>,
    /// The records accounts are bound to, held by another domain.
    pub records: Arc<dyn BoundRecords>,
}

/// Where a record an account may be bound to stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordState {
    /// Not on record.
    Unknown,
    /// On record but closed to new bindings: a liquidated organisation, an anonymised person.
    Closed,
    /// On record and open.
    Open,
}

/// The records an account is bound to (a representative's organisation, a volunteer's person
/// record), which another domain holds: the registry, as the composition root wires it.
#[async_trait]
pub trait BoundRecords: Send + Sync {
    /// Where the organisation stands (closed: liquidated).
    async fn organization(&self, id: OrganizationId) -> Result<RecordState, StoreError>;
    /// Where the person's record stands (closed: anonymised).
    async fn person(&self, id: PersonId) -> Result<RecordState, StoreError>;
}

/// Stores accounts.
#[async_trait]
pub trait AccountRepo: Send + Sync {
    /// Stores a new account and its audit row.
    ///
    /// # Errors
    /// MUST return `Conflict(LoginTaken)` and write nothing (no audit row either) when the login exists.
    async fn insert(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>>;
    /// The account with this login, if any.
    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError<LoginTaken>>;
    /// The account with this id, if any.
    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError<LoginTaken>>;
    /// Every account, by login.
    async fn list(&self) -> Result<Vec<Account>, StoreError<LoginTaken>>;
    /// Stores the account's new role, binding, password hash and disabled flag, ends every
    /// session of it, and writes the audit row: all or nothing. Updating a missing account
    /// writes nothing. `unlocked_at` is not changed here (only `unlock` sets it).
    async fn update_and_revoke(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>>;
    /// Sets the account's `unlocked_at` and writes the audit row, leaving everything else (its
    /// sessions included) as it is. Unlocking a missing account writes nothing.
    async fn unlock(&self, id: AccountId, at: DateTime<Utc>, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>>;
}

/// Stores sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    /// Stores a new session with the login's audit row.
    async fn insert(&self, session: &Session, audit: &AuditEvent) -> Result<(), StoreError<LoginTaken>>;
    /// The session with this token hash and its account, if any (expired ones included): one
    /// read, since every authenticated request asks for it.
    async fn get(&self, token_hash: &TokenHash) -> Result<Option<(Session, Account)>, StoreError<LoginTaken>>;
    /// Notes a request made with the session.
    async fn touch(&self, token_hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError<LoginTaken>>;
    /// Removes a session (with the logout's audit row, when there is one); removing a missing
    /// one is not an error.
    async fn delete(&self, token_hash: &TokenHash, audit: Option<&AuditEvent>) -> Result<(), StoreError<LoginTaken>>;
}
