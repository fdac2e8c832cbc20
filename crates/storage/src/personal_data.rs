//! The hook through which each domain's adapter removes a person's direct identifiers from its
//! own tables when privacy anonymises the person. The rule of what anonymising means stays in the
//! domain crate (the registry's: `registry::rules::anonymise`); its adapter applies it to its
//! rows; `SqlPrivacy` runs every hook the composition root registers in one transaction with the
//! audit row, so a failing hook writes nothing anywhere.

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use sea_orm::DatabaseTransaction;

/// A domain's part of anonymising a person, over the domain's own tables.
#[async_trait]
pub trait PersonalDataHook: Send + Sync {
    /// The domain whose tables the hook rewrites (named in the log when it fails).
    fn domain(&self) -> &'static str;

    /// Removes every direct identifier of `person` from the domain's tables through `txn`, the
    /// transaction that also writes the audit row, keeping ids, dates and codes so that every
    /// count the reports make stays the same. Idempotent; a person the domain holds nothing about
    /// is no error.
    ///
    /// # Errors
    /// The database failed or a row is corrupt; the caller rolls every domain's changes back.
    async fn anonymise(&self, txn: &DatabaseTransaction, person: PersonId) -> Result<(), StoreError>;
}
