//! Test support for the registry and its adapters: in-memory fakes, proptest strategies, fixtures
//! and the contract suite every port implementation must pass.

pub mod contract;
pub mod fixtures;
pub mod memory;
pub mod strategies;

pub use memory::InMemoryRegistry;
