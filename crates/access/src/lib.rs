//! Accounts of the centre's staff, volunteers and NGO representatives: argon2id password hashes,
//! opaque bearer sessions with idle and absolute expiry, login rate limits.
//!
//! Pure logic behind two ports (`AccountRepo`, `SessionRepo`); storage implements them. Roles and
//! what they may do come from the kernel's policy; every change is audited.

pub mod actions;
pub mod error;
pub mod model;
pub mod ports;
pub mod rules;
pub mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use actions::{ACCOUNT_CHANGE_OWN_PASSWORD, ACCOUNT_MANAGE, ACCOUNT_READ, ACTIONS, LOGIN_THROTTLED};
pub use error::AccessError;
pub use model::{Account, AccountId, Session, TokenHash};
pub use ports::{AccessPorts, AccountRepo, BoundRecords, LoginTaken, RecordState, SessionRepo};
pub use rules::credentials::{MIN_PASSWORD_LENGTH, SESSION_IDLE, SESSION_LIFETIME};
pub use rules::limits::{LoginLimiter, LoginLimits};
pub use service::{Access, Assignment, IssuedToken, LoginAttempt, actor_of};
