//! Storage ports for accounts and sessions. Every change carries its audit event, written in the
//! change's own transaction.

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::{DateTime, Utc};

use crate::model::{Account, AccountId, Session, TokenHash};

/// What a storage port could not do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The login is taken.
    #[error("the login is taken")]
    LoginTaken,
    /// A stored row is not a valid value.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
}

/// Stores accounts.
#[async_trait]
pub trait AccountRepo: Send + Sync {
    /// Stores a new account and its audit row.
    ///
    /// # Errors
    /// MUST return `LoginTaken` and write nothing (no audit row either) when the login exists.
    async fn insert(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError>;
    /// The account with this login, if any.
    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError>;
    /// The account with this id, if any.
    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError>;
    /// Every account, by login.
    async fn list(&self) -> Result<Vec<Account>, StoreError>;
    /// Stores the account's new role, binding, password hash and disabled flag, ends every
    /// session of it, and writes the audit row: all or nothing. Updating a missing account
    /// writes nothing. `unlocked_at` is not changed here (only `unlock` sets it).
    async fn update_and_revoke(&self, account: &Account, audit: &AuditEvent) -> Result<(), StoreError>;
    /// Sets the account's `unlocked_at` and writes the audit row, leaving everything else (its
    /// sessions included) as it is. Unlocking a missing account writes nothing.
    async fn unlock(&self, id: AccountId, at: DateTime<Utc>, audit: &AuditEvent) -> Result<(), StoreError>;
}

/// Stores sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    /// Stores a new session with the login's audit row.
    async fn insert(&self, session: &Session, audit: &AuditEvent) -> Result<(), StoreError>;
    /// The session with this token hash, if any (expired ones included).
    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError>;
    /// Notes a request made with the session.
    async fn touch(&self, token_hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Removes a session (with the logout's audit row, when there is one); removing a missing
    /// one is not an error.
    async fn delete(&self, token_hash: &TokenHash, audit: Option<&AuditEvent>) -> Result<(), StoreError>;
}
