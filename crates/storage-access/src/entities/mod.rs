//! The accounts' sea-orm entities: accounts and sessions. They never leave this crate.

pub mod account;
pub mod session;
