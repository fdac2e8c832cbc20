//! The services ports' contract suite run against the in-memory stores, which keeps the fake honest.

use audit::testing::MemoryAuditLog;
use services_catalog::testing::{InMemoryServices, contract};

#[tokio::test]
async fn the_services_catalog_ports_keep_the_contract_in_memory() {
    contract::all(InMemoryServices::new(MemoryAuditLog::default()).stores()).await;
}
