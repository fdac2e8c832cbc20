//! The registry's adapter on SQLite and PostgreSQL: its entities, the conversion of rows into
//! re-validated domain values, its conflicts among database errors, and every registry port.

mod convert;
mod entities;
mod errors;
mod store;

pub use store::SqlRegistry;

/// What the privacy adapter still reads of the registry's people (their legal ground, and the
/// row it anonymises); to be replaced by the anonymisation hook.
pub mod people {
    pub use crate::convert::{person_from, person_row};
    pub use crate::entities::person;
}
