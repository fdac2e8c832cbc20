//! Why the gate did not open: the policy refused, or the audit log could not record.

use kernel::{DENIED, Denied, Lang, Localized, StoreError};

use crate::rules::chain::ChainBreak;

/// Why the gate did not open.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The policy refuses (the refusal is in the audit log).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The refusal, or an event without a change, could not be recorded.
    #[error(transparent)]
    Audit(#[from] StoreError<ChainBreak>),
}

impl Localized for GateError {
    fn message(&self, lang: Lang) -> String {
        match self {
            GateError::Denied(_) => DENIED.in_lang(lang).to_owned(),
            GateError::Audit(store) => store.message(lang),
        }
    }
}
