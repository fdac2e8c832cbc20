//! The audit log: one hash-chained row for every change, denial, login and read of personal data.
//!
//! Pure logic behind one port ([`AuditLog`]): events ([`model`]), the chain rule and its verifier
//! ([`chain`], keyed with a secret kept outside the database). Storage writes a change's row in the change's own transaction; this crate only
//! says what a row holds and how the chain proves that none was edited or removed.

pub mod chain;
mod gate;
pub mod model;
mod ports;
pub mod refusals;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use chain::{ChainBreak, ChainKey, ChainKeys, ChainVerifier, FixedKeys, GENESIS, KeyError, KeySource, legacy_link};
pub use gate::{ACTIONS, AUDIT_MANAGE, AUDIT_READ, Gate, GateError};
pub use model::{AuditEvent, AuditRecord, ChainHead, Outcome, object};
pub use ports::{AuditFilter, AuditLog, verify_log};
