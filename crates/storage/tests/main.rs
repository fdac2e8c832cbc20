//! Every integration test of `storage` in one binary (one link step): audit, contract, privacy,
//! paging, privacy_contract, services_contract.

mod audit;
mod contract;
mod paging;
mod privacy;
mod privacy_contract;
mod services_contract;

/// A single-threaded runtime for property tests, whose cases are synchronous, to drive the stores.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}
