//! The audit log in memory: the fake every other domain's in-memory stores write their rows into.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kernel::{After, Page, PageRequest, StoreError, page_of};

use super::test_keys;
use crate::model::{AuditEvent, AuditRecord, ChainHead};
use crate::ports::{AuditFilter, AuditLog};
use crate::rules::chain::{ChainBreak, ChainKeys, GENESIS};

/// The audit log in memory, sealed with [`test_keys`].
#[derive(Clone)]
pub struct MemoryAuditLog {
    rows: Arc<Mutex<Vec<AuditRecord>>>,
    keys: Arc<ChainKeys>,
}

impl Default for MemoryAuditLog {
    fn default() -> Self {
        Self { rows: Arc::default(), keys: Arc::new(test_keys()) }
    }
}

impl MemoryAuditLog {
    /// Appends at once (what in-memory fakes of other ports call while they hold their own lock,
    /// so the row and the change are written together).
    pub fn append_now(&self, event: &AuditEvent) -> AuditRecord {
        let mut rows = self.rows.lock().expect("not poisoned");
        let (seq, prev) = rows.last().map_or((1, GENESIS.to_owned()), |r| (r.seq + 1, r.hash.clone()));
        let record =
            AuditRecord { seq, hash: self.keys.seal(&prev, seq, event), event: event.clone(), prev_hash: prev };
        rows.push(record.clone());
        record
    }

    /// Every row, in order.
    pub fn rows(&self) -> Vec<AuditRecord> {
        self.rows.lock().expect("not poisoned").clone()
    }
}

fn matches(filter: &AuditFilter, record: &AuditRecord) -> bool {
    let e = &record.event;
    filter.action.as_ref().is_none_or(|a| *a == e.action)
        && filter.login.as_ref().is_none_or(|l| *l == e.login)
        && filter.object.as_ref().is_none_or(|o| Some(o) == e.object.as_ref())
        && filter.outcome.is_none_or(|o| o == e.outcome)
}

#[async_trait]
impl AuditLog for MemoryAuditLog {
    async fn append(&self, event: &AuditEvent) -> Result<AuditRecord, StoreError<ChainBreak>> {
        Ok(self.append_now(event))
    }

    async fn list(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditRecord>, StoreError<ChainBreak>> {
        let rows = self.rows.lock().expect("not poisoned");
        let hits: Vec<(AuditRecord, After)> =
            rows.iter().rev().filter(|r| matches(filter, r)).map(|r| (r.clone(), r.position())).collect();
        Ok(page_of(&hits, &page, true))
    }

    async fn scan(&self, after: i64, limit: u64) -> Result<Vec<AuditRecord>, StoreError<ChainBreak>> {
        let rows = self.rows.lock().expect("not poisoned");
        Ok(rows.iter().filter(|r| r.seq > after).take(limit as usize).cloned().collect())
    }

    async fn head(&self) -> Result<Option<ChainHead>, StoreError<ChainBreak>> {
        let rows = self.rows.lock().expect("not poisoned");
        Ok(rows.last().map(|r| ChainHead { seq: r.seq, hash: r.hash.clone() }))
    }

    fn keys(&self) -> Arc<ChainKeys> {
        self.keys.clone()
    }
}
