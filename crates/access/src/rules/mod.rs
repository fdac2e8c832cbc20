//! The account rules: credentials and session lifetimes, and the login limits.

pub mod credentials;
pub mod limits;
