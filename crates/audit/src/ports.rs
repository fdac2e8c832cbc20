//! The audit log's storage port, and the verification use case over it.

use async_trait::async_trait;
use kernel::{Page, PageRequest, StoreError};

use std::sync::Arc;

use crate::model::{AuditEvent, AuditRecord, ChainHead, Outcome};
use crate::rules::chain::{ChainBreak, ChainKeys, ChainVerifier};

/// Which rows to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<String>,
    /// Only this login.
    pub login: Option<String>,
    /// Only rows about this object (`kind/id`).
    pub object: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
}

/// The append-only log. No method changes or removes a row. Its store error's conflict is a
/// broken chain: rows that contradict their seals or links.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends one row in its own transaction (for events that change nothing else: logins,
    /// denials, reads). Changes append theirs inside their own transaction instead.
    ///
    /// # Errors
    /// MUST leave the chain intact: concurrent appends get consecutive `seq`s, each linked to
    /// the one before.
    async fn append(&self, event: &AuditEvent) -> Result<AuditRecord, StoreError<ChainBreak>>;
    /// Appends several rows in one transaction, in order (a default that appends one by one is
    /// correct but slower).
    async fn append_all(&self, events: &[AuditEvent]) -> Result<(), StoreError<ChainBreak>> {
        for event in events {
            self.append(event).await?;
        }
        Ok(())
    }
    /// Rows matching the filter, newest first.
    async fn list(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditRecord>, StoreError<ChainBreak>>;
    /// Up to `limit` rows with `seq > after`, in `seq` order (for the verifier).
    async fn scan(&self, after: i64, limit: u64) -> Result<Vec<AuditRecord>, StoreError<ChainBreak>>;
    /// The recorded last row, if any.
    async fn head(&self) -> Result<Option<ChainHead>, StoreError<ChainBreak>>;
    /// The keys this log seals its rows with (held outside the database).
    fn keys(&self) -> Arc<ChainKeys>;
}

/// Walks the whole log in `seq` order and checks every seal, every link and the head, and, when
/// given, that the row of an earlier checkpoint is still there unchanged. Returns the rows checked.
pub async fn verify_log(log: &dyn AuditLog, checkpoint: Option<&ChainHead>) -> Result<u64, StoreError<ChainBreak>> {
    const STEP: u64 = 5_000;
    let head = log.head().await?;
    let keys = log.keys();
    let mut verifier = ChainVerifier::new(&keys).with_checkpoint(checkpoint.cloned());
    let mut after = 0;
    loop {
        let rows = log.scan(after, STEP).await?;
        for row in &rows {
            verifier.check(row).map_err(StoreError::Conflict)?;
        }
        match rows.last() {
            Some(last) if rows.len() as u64 == STEP => after = last.seq,
            _ => break,
        }
    }
    verifier.finish(head.as_ref()).map_err(StoreError::Conflict)
}
