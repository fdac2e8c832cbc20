//! The registry's conflicts among database errors: which unique or foreign-key rule a write broke.

use kernel::StoreError;
use registry::{Conflict, NaturalKey};
use sea_orm::{DbErr, SqlErr};

use storage::errors::store_error;

/// Classifies a database error for the registry's ports.
pub fn repo_error(error: DbErr) -> StoreError<Conflict> {
    store_error(error, |violation| match violation {
        SqlErr::UniqueConstraintViolation(message) => Some(unique_conflict(message)),
        SqlErr::ForeignKeyConstraintViolation(_) => Some(Conflict::MissingReference),
        _ => None,
    })
}

/// Which unique rule a violation message names (PostgreSQL names the index, SQLite the columns).
pub fn unique_conflict(message: &str) -> Conflict {
    if message.contains("ogrn") {
        Conflict::Duplicate(NaturalKey::Ogrn)
    } else if message.contains("_inn") || message.contains(".inn") {
        Conflict::Duplicate(NaturalKey::Inn)
    } else if message.contains("ties") {
        Conflict::ActiveTie
    } else {
        Conflict::StaleVersion
    }
}
