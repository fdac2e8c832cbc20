//! Every integration test of `storage` in one binary (one link step): audit, contract, privacy.

mod audit;
mod contract;
mod privacy;
