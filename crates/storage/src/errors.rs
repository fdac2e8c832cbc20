//! Mapping database errors to the ports' small error types. Database text never goes further than
//! the log: callers get a kind, not a message.

use registry::{Conflict, NaturalKey, RepoError};
use sea_orm::{DbErr, SqlErr};

/// Classifies a database error for the registry's ports.
pub fn repo_error(error: DbErr) -> RepoError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => RepoError::Conflict(unique_conflict(&message)),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::Conflict(Conflict::MissingReference),
        _ => {
            tracing::error!(error = %error, "database error");
            RepoError::Unavailable(error.to_string())
        }
    }
}

/// Which unique rule a violation message names (PostgreSQL names the index, SQLite the columns).
fn unique_conflict(message: &str) -> Conflict {
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

/// Classifies a database error for the account ports.
pub fn access_error(error: DbErr) -> access::StoreError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => access::StoreError::LoginTaken,
        _ => {
            tracing::error!(error = %error, "database error");
            access::StoreError::Unavailable(error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_name_the_key_on_both_databases() {
        assert_eq!(
            unique_conflict("UNIQUE constraint failed: organizations.inn"),
            Conflict::Duplicate(NaturalKey::Inn)
        );
        assert_eq!(
            unique_conflict("UNIQUE constraint failed: organizations.ogrn"),
            Conflict::Duplicate(NaturalKey::Ogrn)
        );
        assert_eq!(
            unique_conflict("duplicate key value violates unique constraint \"ux_organizations_inn\""),
            Conflict::Duplicate(NaturalKey::Inn)
        );
        assert_eq!(
            unique_conflict("duplicate key value violates unique constraint \"ux_organizations_ogrn\""),
            Conflict::Duplicate(NaturalKey::Ogrn)
        );
        assert_eq!(
            unique_conflict("duplicate key value violates unique constraint \"ux_ties_open_kind_pair\""),
            Conflict::ActiveTie
        );
        assert_eq!(
            unique_conflict("UNIQUE constraint failed: ties.kind, ties.organization_a, ties.organization_b"),
            Conflict::ActiveTie
        );
    }
}
