//! Storage ports for accounts and sessions.

use async_trait::async_trait;

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
    /// Stores a new account.
    ///
    /// # Errors
    /// MUST return `LoginTaken` and write nothing when the login exists.
    async fn insert(&self, account: &Account) -> Result<(), StoreError>;
    /// The account with this login, if any.
    async fn by_login(&self, login: &str) -> Result<Option<Account>, StoreError>;
    /// The account with this id, if any.
    async fn get(&self, id: AccountId) -> Result<Option<Account>, StoreError>;
    /// Every account, by login.
    async fn list(&self) -> Result<Vec<Account>, StoreError>;
    /// Disables or enables the account.
    async fn set_disabled(&self, id: AccountId, disabled: bool) -> Result<(), StoreError>;
}

/// Stores sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    /// Stores a new session.
    async fn insert(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash, if any (expired ones included).
    async fn get(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError>;
    /// Removes a session; removing a missing one is not an error.
    async fn delete(&self, token_hash: &TokenHash) -> Result<(), StoreError>;
    /// Removes every session of an account.
    async fn delete_for_account(&self, account: AccountId) -> Result<(), StoreError>;
}
