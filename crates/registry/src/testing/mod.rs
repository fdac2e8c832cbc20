//! Test support for the registry and its adapters: in-memory fakes, proptest strategies, fixtures,
//! the contract suite every port implementation must pass, and the registry's people as privacy's
//! fakes and contract suite see them.

pub mod contract;
pub mod fixtures;
pub mod memory;
pub mod personal_data;
pub mod strategies;

pub use memory::InMemoryRegistry;
pub use personal_data::RegistryPopulation;
