//! Test support for privacy and its adapters: the in-memory stores and the contract suite every
//! implementation of the privacy ports must pass.

pub mod contract;
pub mod memory;

pub use memory::{FakePeople, FakeSubject, HeldPeople, InMemoryPrivacy};
