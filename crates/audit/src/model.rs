//! What one audit row holds.

use chrono::{DateTime, SubsecRound, Utc};
use kernel::{Actor, Channel, Role};
use uuid::Uuid;

/// How the audited operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Done (for a change: committed together with this row).
    Success,
    /// Refused by the permission policy.
    Denied,
    /// Tried and failed (a wrong password, for one).
    Failed,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [Outcome::Success, Outcome::Denied, Outcome::Failed];

    /// The stable code kept in storage.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// One audited operation, before it is given its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// When, to the microsecond (what both databases keep).
    pub at: DateTime<Utc>,
    /// The acting account; `None` for the public or an unknown login.
    pub account: Option<Uuid>,
    /// The acting login as given.
    pub login: String,
    /// The role the verdict was taken for.
    pub role: Role,
    /// Where the request came from.
    pub channel: Channel,
    /// The policy action or event name, e.g. `organization.write`, `session.login`.
    pub action: String,
    /// What was acted on, as `kind/id` (see [`object`]).
    pub object: Option<String>,
    /// The request id, as in the server log and the client's error.
    pub request_id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// A short note without personal data (counts, the changed version).
    pub detail: Option<String>,
    /// Where it came from beyond the account (see [`Actor::origin`]).
    pub origin: Option<String>,
}

impl AuditEvent {
    /// An event by this actor.
    pub fn new(actor: &Actor, action: &str, object: Option<String>, outcome: Outcome, at: DateTime<Utc>) -> Self {
        Self {
            at: at.trunc_subsecs(6),
            account: actor.account,
            login: actor.login.clone(),
            role: actor.role,
            channel: actor.channel,
            action: action.to_owned(),
            object,
            request_id: actor.request_id.clone(),
            outcome,
            detail: None,
            origin: actor.origin.clone(),
        }
    }

    /// The same event with a note.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The name of an audited object: `kind/id`.
pub fn object(kind: &str, id: impl std::fmt::Display) -> Option<String> {
    Some(format!("{kind}/{id}"))
}

/// An event in its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// The position, from 1, without gaps.
    pub seq: i64,
    /// What happened.
    pub event: AuditEvent,
    /// The previous row's hash ([`crate::GENESIS`] for the first).
    pub prev_hash: String,
    /// This row's hash over `prev_hash`, `seq` and the event.
    pub hash: String,
}

impl AuditRecord {
    /// The log's one order, newest first: by `seq`, unique, so the id part of a position is nil.
    pub const ORDER: kernel::ListOrder = kernel::ListOrder { name: "audit.seq.desc", key: kernel::KeyKind::Number };

    /// This row's position in the log's order.
    pub fn position(&self) -> kernel::After {
        kernel::After { key: kernel::SortKey::Number(self.seq), id: uuid::Uuid::nil() }
    }
}

/// The last row of the chain, kept apart so that removing rows from the end is detected too.
/// Printed as `SEQ:HASH` it is a checkpoint an operator keeps outside the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    /// The last row's position.
    pub seq: i64,
    /// The last row's hash.
    pub hash: String,
}

impl ChainHead {
    /// Reads a checkpoint `SEQ:HASH` (64 lower-case hexadecimal digits).
    pub fn parse(text: &str) -> Option<Self> {
        let (seq, hash) = text.trim().split_once(':')?;
        let seq = seq.parse::<i64>().ok().filter(|n| *n >= 1)?;
        let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        hex.then(|| Self { seq, hash: hash.to_owned() })
    }
}

impl std::fmt::Display for ChainHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}
