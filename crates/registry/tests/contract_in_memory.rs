//! The port contract suite run against the in-memory fakes, which keeps the fakes honest.

use registry::testing::{InMemoryRegistry, contract};

#[tokio::test]
async fn the_registry_ports_keep_the_contract_in_memory() {
    contract::all(|| async { InMemoryRegistry::new().stores() }).await;
}
