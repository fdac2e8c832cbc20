//! The accounts' adapter on SQLite and PostgreSQL: accounts and sessions behind access's ports.

mod entities;
mod store;

pub use store::SqlAccess;
