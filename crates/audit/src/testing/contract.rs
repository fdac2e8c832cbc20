//! The contract every implementation of the audit log's port keeps: run on the in-memory fake
//! here, and on SQLite and PostgreSQL in storage's tests.

use std::sync::Arc;

use kernel::PageRequest;

use super::event;
use crate::model::{AuditRecord, Outcome};
use crate::ports::{AuditFilter, AuditLog, verify_log};
use crate::rules::chain::GENESIS;

/// The contract of every `AuditLog`, on an empty log. (Concurrent appends are tested where a
/// runtime is at hand: in storage's tests.)
pub async fn audit_log(log: Arc<dyn AuditLog>) {
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
    let five = PageRequest::new(5, None).expect("page");
    let newest = log.list(&AuditFilter::default(), five.clone().counted()).await.expect("list");
    assert_eq!((newest.total, newest.has_next), (Some(22), true));
    assert_eq!(newest.items.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![22, 21, 20, 19, 18]);
    assert_eq!(newest.positions, newest.items.iter().map(AuditRecord::position).collect::<Vec<_>>());
    let next = PageRequest { after: newest.positions.last().cloned(), ..five.clone() };
    let next = log.list(&AuditFilter::default(), next).await.expect("list");
    assert_eq!(next.items.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![17, 16, 15, 14, 13], "after the cursor");
    assert_eq!(next.total, None, "counted only when asked");
    let last = PageRequest { after: Some(next.positions[4].clone()), first: 100, ..five };
    let last = log.list(&AuditFilter::default(), last).await.expect("list");
    assert_eq!((last.items.len(), last.has_next), (12, false), "the last page says so");
    let denied = AuditFilter { outcome: Some(Outcome::Denied), ..AuditFilter::default() };
    let page = log.list(&denied, PageRequest::new(100, None).expect("page").counted()).await.expect("list");
    assert!(page.items.iter().all(|r| r.event.outcome == Outcome::Denied));
    assert_eq!(page.total, Some(8), "events 0, 3, ..., 21 are denials");
    let about =
        AuditFilter { object: event(4).object, action: Some("organization.write".into()), ..Default::default() };
    let page = log.list(&about, PageRequest::new(100, None).expect("page")).await.expect("list");
    assert_eq!(page.items.iter().map(|r| r.event.clone()).collect::<Vec<_>>(), vec![event(4)]);
    let by_login = AuditFilter { login: Some("nobody".into()), ..AuditFilter::default() };
    let nobody = log.list(&by_login, PageRequest::new(10, None).expect("page").counted()).await.expect("list");
    assert_eq!((nobody.total, nobody.items.len()), (Some(0), 0));

    // Several rows at once land in order, linked like single appends; none at all is no row.
    log.append_all(&[]).await.expect("append nothing");
    log.append_all(&[event(22), event(23), event(24)]).await.expect("append several");
    let tail = log.scan(22, 100).await.expect("scan");
    assert_eq!(
        tail.iter().map(|r| (r.seq, r.event.clone())).collect::<Vec<_>>(),
        vec![(23, event(22)), (24, event(23)), (25, event(24))]
    );
    assert_eq!(tail[0].prev_hash, scanned[21].hash);
    assert_eq!(verify_log(log.as_ref(), None).await.expect("the chain verifies"), 25);
}

/// Every port's contract, on an empty log.
pub async fn all(log: Arc<dyn AuditLog>) {
    audit_log(log).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryAuditLog;

    #[tokio::test]
    async fn the_audit_ports_keep_the_contract_in_memory() {
        all(Arc::new(MemoryAuditLog::default())).await;
    }
}
