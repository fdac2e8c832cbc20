//! The registry of NGOs: organisations, people and their memberships, coalitions, and ties between
//! organisations. Pure rules and use cases behind repository ports; no database, no web.
//!
//! Reuse in another region: implement the ports (or use the `storage` crate), load a region profile's
//! reference lists, and call the use cases in [`Registry`].

pub mod actions;
pub mod error;
pub mod input;
pub mod model;
pub mod ports;
pub mod rules;
pub mod service;
pub mod vocabulary;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{Conflict, DateProblem, InvalidField, NaturalKey, Problem, RegistryError};
pub use ports::RegistryPorts;
pub use service::Registry;
pub use vocabulary::Vocabulary;
