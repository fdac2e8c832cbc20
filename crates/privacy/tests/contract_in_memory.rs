//! The privacy ports' contract suite run against the in-memory stores, which keeps the fake honest.

use audit::testing::MemoryAuditLog;
use privacy::testing::{InMemoryPrivacy, contract};

#[tokio::test]
async fn the_privacy_ports_keep_the_contract_in_memory() {
    contract::all(|| async {
        let store = InMemoryPrivacy::new(MemoryAuditLog::default());
        store.stores(std::sync::Arc::new(store.population()))
    })
    .await;
}
