//! The services domain's conflicts among database errors: which unique or foreign-key rule a
//! write broke.

use kernel::StoreError;
use sea_orm::{DbErr, SqlErr};
use services_catalog::Conflict;
use storage::errors::store_error;

/// Classifies a database error: a broken foreign key is a missing reference; a duplicate
/// catalogue code is named by the caller ([`duplicate_code`]).
pub fn repo_error(error: DbErr) -> StoreError<Conflict> {
    store_error(error, |violation| match violation {
        SqlErr::ForeignKeyConstraintViolation(_) => Some(Conflict::MissingReference),
        _ => None,
    })
}

/// As [`repo_error`], and a unique violation on the catalogue's code is `DuplicateCode(code)`.
pub fn duplicate_code(code: &str) -> impl FnOnce(DbErr) -> StoreError<Conflict> + '_ {
    move |error| {
        store_error(error, |violation| match violation {
            SqlErr::ForeignKeyConstraintViolation(_) => Some(Conflict::MissingReference),
            SqlErr::UniqueConstraintViolation(message) if message.contains("code") => {
                Some(Conflict::DuplicateCode(code.to_owned()))
            }
            _ => None,
        })
    }
}

/// As [`repo_error`], and a second row for a submission key is `DuplicateSubmission`.
pub fn duplicate_submission(error: DbErr) -> StoreError<Conflict> {
    store_error(error, |violation| match violation {
        SqlErr::ForeignKeyConstraintViolation(_) => Some(Conflict::MissingReference),
        SqlErr::UniqueConstraintViolation(message) if message.contains("appeal_submissions") => {
            Some(Conflict::DuplicateSubmission)
        }
        _ => None,
    })
}
