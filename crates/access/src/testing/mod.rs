//! Test support for the account use cases: the in-memory stores ([`memory`]) and the contract
//! every implementation of the ports keeps ([`contract`]).

pub mod contract;
mod memory;

pub use memory::{InMemoryAccess, KnownRecords};
