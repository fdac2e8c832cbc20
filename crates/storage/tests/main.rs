//! Every integration test of `storage` in one binary (one link step): audit, contract, privacy,
//! paging, privacy_contract.

mod audit;
mod contract;
mod paging;
mod privacy;
mod privacy_contract;
