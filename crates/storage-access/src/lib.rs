//! The accounts' adapter on SQLite and PostgreSQL: accounts and sessions behind access's ports.

mod anonymise;
mod entities;
mod store;

pub use anonymise::AccessPersonalData;
pub use store::SqlAccess;
