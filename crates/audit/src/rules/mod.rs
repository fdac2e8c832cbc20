//! The audit log's rules: the keyed hash chain and its verifier, and the bound on refusals
//! recorded before any account is known.

pub mod chain;
pub mod refusals;
