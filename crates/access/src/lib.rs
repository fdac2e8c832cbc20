//! Accounts of the centre's staff, volunteers and NGO representatives: argon2id password hashes,
//! opaque bearer sessions with idle and absolute expiry, login rate limits.
//!
//! Pure logic behind two ports (`AccountRepo`, `SessionRepo`); storage implements them. Roles and
//! what they may do come from the kernel's policy; every change is audited.

mod limiter;
mod model;
mod ports;
mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use limiter::{LoginLimiter, LoginLimits};
pub use model::{Account, AccountId, Session, TokenHash};
pub use ports::{AccountRepo, LoginTaken, SessionRepo};
pub use service::{
    ACCOUNT_CHANGE_OWN_PASSWORD, ACCOUNT_MANAGE, ACCOUNT_READ, ACTIONS, Access, AccessError, Assignment, IssuedToken,
    LOGIN_THROTTLED, LoginAttempt, MIN_PASSWORD_LENGTH, SESSION_IDLE, SESSION_LIFETIME, actor_of,
};
