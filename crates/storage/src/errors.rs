//! The one mapping from database errors to the ports' [`StoreError`]: a constraint the domain
//! names becomes its conflict; any other failure is logged once, here, inside the request's span
//! (so under its request id), and answered as unavailable with the database's error kept as the
//! source. Database text never goes further than the log: callers get a kind, not a message.

use std::fmt::{Debug, Display};

use kernel::StoreError;
use sea_orm::{DbErr, SqlErr};

/// A database failure that is no conflict: logged once and answered as unavailable.
pub fn unavailable<C: Debug + Display>(error: DbErr) -> StoreError<C> {
    tracing::error!(error = %error, "database error");
    StoreError::unavailable(error)
}

/// A database failure, with the constraint violations `conflict` recognises as the domain's
/// conflicts; everything else is [`unavailable`].
pub fn store_error<C: Debug + Display>(error: DbErr, conflict: impl FnOnce(&SqlErr) -> Option<C>) -> StoreError<C> {
    match error.sql_err().as_ref().and_then(conflict) {
        Some(found) => StoreError::Conflict(found),
        None => unavailable(error),
    }
}

/// A stored value that is not a valid domain value (a row edited behind the system's back):
/// logged once, and nothing is answered from it.
pub fn corrupt<C: Debug + Display>(what: &str, detail: impl Display) -> StoreError<C> {
    tracing::error!(%what, %detail, "corrupt stored value");
    StoreError::Corrupt(format!("{what}: {detail}"))
}
