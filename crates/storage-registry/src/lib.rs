//! The registry's adapter on SQLite and PostgreSQL: its entities, the conversion of rows into
//! re-validated domain values, its conflicts among database errors, every registry port, and its part of anonymising a person.

mod anonymise;
mod convert;
mod entities;
mod errors;
mod store;

pub use anonymise::RegistryPersonalData;
pub use errors::unique_conflict;
pub use store::SqlRegistry;
