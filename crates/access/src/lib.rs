//! Accounts of the centre's staff: argon2id password hashes, opaque bearer sessions, roles.
//!
//! Pure logic behind two ports (`AccountRepo`, `SessionRepo`); storage implements them.

mod model;
mod ports;
mod service;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use model::{Account, AccountId, Role, Session, TokenHash};
pub use ports::{AccountRepo, SessionRepo, StoreError};
pub use service::{Access, AccessError, IssuedToken, MIN_PASSWORD_LENGTH, SESSION_LIFETIME};
