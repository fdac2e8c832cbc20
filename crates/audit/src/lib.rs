//! The audit log: one hash-chained row for every change, denial, login and read of personal data,
//! and the gate every use case of every domain passes (policy check, refusal row, audit event).
//!
//! Pure logic behind one port ([`AuditLog`]): events ([`model`]), the chain rule and its verifier
//! ([`rules::chain`], keyed with a secret kept outside the database). Storage writes a change's
//! row in the change's own transaction; this crate only says what a row holds and how the chain
//! proves that none was edited or removed.

pub mod actions;
pub mod error;
pub mod model;
pub mod ports;
mod record_scope;
pub mod rules;
pub mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use actions::{ACTIONS, AUDIT_MANAGE, AUDIT_READ};
pub use error::GateError;
pub use model::{AuditEvent, AuditRecord, ChainHead, Outcome, object};
pub use ports::{AuditFilter, AuditLog, verify_log};
pub use rules::chain::{
    ChainBreak, ChainKey, ChainKeys, ChainVerifier, FixedKeys, GENESIS, KeyError, KeySource, legacy_link,
};
pub use service::Gate;
