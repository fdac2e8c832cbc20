//! Test support: an in-memory log, sample events and the contract every `AuditLog` keeps.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use kernel::{Actor, Channel, Page, PageRequest, Role, StoreError};
use uuid::Uuid;

use crate::chain::{ChainBreak, ChainKeys, GENESIS};
use crate::model::{AuditEvent, AuditRecord, ChainHead, Outcome, object};
use crate::ports::{AuditFilter, AuditLog, verify_log};

/// A fixed instant for sample events.
pub fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).single().expect("a valid instant")
}

/// A coordinator on the staff API, for sample events.
pub fn coordinator() -> Actor {
    Actor {
        account: Some(Uuid::from_u128(1)),
        login: "coordinator".into(),
        role: Role::Coordinator,
        organization: None,
        person: None,
        channel: Channel::Graphql,
        request_id: "req-1".into(),
        origin: Some("192.0.2.7".into()),
    }
}

/// The keys of test chains: fixed, so that sample rows hash the same in every run.
pub fn test_keys() -> ChainKeys {
    ChainKeys::parse(&format!("1 {}", "5a".repeat(32))).expect("a valid test key")
}

/// The `n`-th sample event.
pub fn event(n: usize) -> AuditEvent {
    let outcome = if n.is_multiple_of(3) { Outcome::Denied } else { Outcome::Success };
    AuditEvent::new(
        &coordinator(),
        if n.is_multiple_of(2) { "organization.write" } else { "person.read" },
        object("organization", Uuid::from_u128(n as u128)),
        outcome,
        instant() + chrono::TimeDelta::seconds(n as i64),
    )
    .with_detail(format!("sample {n}"))
}

/// A valid chain of `n` sample rows sealed with [`test_keys`].
pub fn chain_of(n: usize) -> Vec<AuditRecord> {
    chain_with(&test_keys(), n)
}

/// A valid chain of `n` sample rows sealed with `keys` (rows before their first key unkeyed;
/// those carry no origin, as rows written before keyed chains never did).
pub fn chain_with(keys: &ChainKeys, n: usize) -> Vec<AuditRecord> {
    let mut prev = GENESIS.to_owned();
    (0..n)
        .map(|i| {
            let seq = i as i64 + 1;
            let mut event = event(i);
            if keys.key_for(seq).is_none() {
                event.origin = None;
            }
            let hash = keys.seal(&prev, seq, &event);
            AuditRecord { seq, event, prev_hash: std::mem::replace(&mut prev, hash.clone()), hash }
        })
        .collect()
}

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
        let hits: Vec<&AuditRecord> = rows.iter().rev().filter(|r| matches(filter, r)).collect();
        let offset = page.offset();
        let items =
            hits.iter().skip(offset as usize).take(page.first as usize).map(|r| (*r).clone()).collect::<Vec<_>>();
        Ok(Page { items, total: hits.len() as u64, offset })
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

/// The contract of every `AuditLog`, on an empty log. (Concurrent appends are tested where a
/// runtime is at hand: in storage's tests.)
pub async fn audit_log_contract(log: Arc<dyn AuditLog>) {
    assert_eq!(log.head().await.expect("head"), None);
    assert_eq!(verify_log(log.as_ref(), None).await.expect("an empty log verifies"), 0);
    let first = log.append(&event(0)).await.expect("append");
    assert_eq!((first.seq, first.prev_hash.as_str()), (1, GENESIS));
    assert_eq!(first.hash, log.keys().seal(GENESIS, 1, &event(0)));
    assert_eq!(first.event.origin, event(0).origin, "the origin is kept");
    let second = log.append(&event(1)).await.expect("append");
    assert_eq!((second.seq, &second.prev_hash), (2, &first.hash));

    for n in 2..22 {
        log.append(&event(n)).await.expect("append");
    }
    assert_eq!(verify_log(log.as_ref(), None).await.expect("the chain verifies"), 22);
    assert_eq!(log.head().await.expect("head").map(|h| h.seq), Some(22));

    // Rows read back exactly as written, in order, and the list is newest first with filters.
    let scanned = log.scan(0, 100).await.expect("scan");
    assert_eq!(scanned.len(), 22);
    assert_eq!(scanned[0], first);
    assert_eq!(scanned[1], second);
    assert_eq!(log.scan(20, 100).await.expect("scan").iter().map(|r| r.seq).collect::<Vec<_>>(), vec![21, 22]);
    let newest = log.list(&AuditFilter::default(), PageRequest::new(5, None).expect("page")).await.expect("list");
    assert_eq!(newest.total, 22);
    assert_eq!(newest.items.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![22, 21, 20, 19, 18]);
    let denied = AuditFilter { outcome: Some(Outcome::Denied), ..AuditFilter::default() };
    let page = log.list(&denied, PageRequest::new(100, None).expect("page")).await.expect("list");
    assert!(page.items.iter().all(|r| r.event.outcome == Outcome::Denied));
    assert_eq!(page.total, 8, "events 0, 3, ..., 21 are denials");
    let about =
        AuditFilter { object: event(4).object, action: Some("organization.write".into()), ..Default::default() };
    let page = log.list(&about, PageRequest::new(100, None).expect("page")).await.expect("list");
    assert_eq!(page.items.iter().map(|r| r.event.clone()).collect::<Vec<_>>(), vec![event(4)]);
    let by_login = AuditFilter { login: Some("nobody".into()), ..AuditFilter::default() };
    assert_eq!(log.list(&by_login, PageRequest::new(10, None).expect("page")).await.expect("list").total, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_in_memory_log_keeps_the_contract() {
        audit_log_contract(Arc::new(MemoryAuditLog::default())).await;
    }
}
