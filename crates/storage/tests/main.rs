//! Every integration test of `storage` in one binary (one link step): audit, contract, privacy,
//! privacy_contract.

mod audit;
mod contract;
mod privacy;
mod privacy_contract;
