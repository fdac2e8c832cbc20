//! The one error shape of every storage port: a domain's conflict, corrupt stored data, or an
//! unavailable database that keeps its source for the log.

use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::sync::Arc;

use crate::message::{INTERNAL, Lang, Localized, STORAGE_UNAVAILABLE};

/// What a storage port could not do. Absence is not an error: ports return `Ok(None)`.
///
/// `C` names the conflicts a domain's store detects (a duplicate key, a stale version, a taken
/// login, a broken audit chain); a store that detects none uses the default, [`Infallible`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError<C: fmt::Debug + fmt::Display = Infallible> {
    /// The store refused the change because of what it holds; nothing was written.
    #[error("{0}")]
    Conflict(C),
    /// A stored row is not a valid value (an edited database file): nothing is answered from it.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database could not be reached or failed; the request may be retried. The source is
    /// kept for the log and never shown to a client.
    #[error("storage is unavailable")]
    Unavailable(#[source] Unavailable),
}

impl<C: fmt::Debug + fmt::Display> StoreError<C> {
    /// The database failed with `source` (an error, or a sentence saying what failed).
    pub fn unavailable(source: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        StoreError::Unavailable(Unavailable(Arc::from(source.into())))
    }

    /// The same failure with the conflict translated (when one domain's port calls another's).
    pub fn map_conflict<D: fmt::Debug + fmt::Display>(self, translate: impl FnOnce(C) -> D) -> StoreError<D> {
        match self {
            StoreError::Conflict(conflict) => StoreError::Conflict(translate(conflict)),
            StoreError::Corrupt(what) => StoreError::Corrupt(what),
            StoreError::Unavailable(source) => StoreError::Unavailable(source),
        }
    }
}

impl StoreError {
    /// A failure of a store that detects no conflicts, as the failure of one that does.
    pub fn widen<D: fmt::Debug + fmt::Display>(self) -> StoreError<D> {
        self.map_conflict(|never| match never {})
    }
}

impl<C: fmt::Debug + fmt::Display> Localized for StoreError<C> {
    /// What a person is told: retry later when the database is unavailable; otherwise a fault
    /// they cannot fix (a conflict a use case did not translate, corrupt stored data).
    fn message(&self, lang: Lang) -> String {
        match self {
            StoreError::Unavailable(_) => STORAGE_UNAVAILABLE,
            StoreError::Conflict(_) | StoreError::Corrupt(_) => INTERNAL,
        }
        .in_lang(lang)
        .to_owned()
    }
}

/// The database failure behind [`StoreError::Unavailable`], with its source.
#[derive(Clone, Debug)]
pub struct Unavailable(Arc<dyn Error + Send + Sync>);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error for Unavailable {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Refused;

    impl fmt::Display for Refused {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("connection refused")
        }
    }

    impl Error for Refused {}

    #[test]
    fn an_unavailable_store_keeps_its_source_for_the_log_and_shows_none_of_it() {
        let error: StoreError = StoreError::unavailable(Refused);
        assert_eq!(error.to_string(), "storage is unavailable");
        let source = error.source().expect("the failure");
        assert_eq!(source.to_string(), "connection refused");
        assert_eq!(source.source().map(ToString::to_string).as_deref(), Some("connection refused"));
    }

    #[test]
    fn a_failure_keeps_its_kind_when_its_conflict_is_translated() {
        let widened: StoreError<String> = StoreError::Corrupt("row 7".into()).widen();
        assert!(matches!(widened, StoreError::Corrupt(ref what) if what == "row 7"));
        let translated = StoreError::Conflict(3).map_conflict(|n| format!("conflict {n}"));
        assert_eq!(translated.to_string(), "conflict 3");
    }
}
