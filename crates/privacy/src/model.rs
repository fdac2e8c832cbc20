//! Consents, subject access requests and the export of a subject's data.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::define_id;

define_id!(
    /// Identifies a consent record.
    ConsentId
);
define_id!(
    /// Identifies a subject access request.
    SubjectRequestId
);

/// The person the data are about: the registry's person id, shared through the kernel.
pub use kernel::PersonId;

/// What a consent allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsentKind {
    /// Processing for a purpose (art. 9).
    Processing,
    /// Making the listed categories public (art. 10.1), e.g. in the public directory.
    Distribution,
}

impl ConsentKind {
    /// The stable code kept in storage.
    pub fn code(self) -> &'static str {
        match self {
            ConsentKind::Processing => "processing",
            ConsentKind::Distribution => "distribution",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Self> {
        [ConsentKind::Processing, ConsentKind::Distribution].into_iter().find(|k| k.code() == code)
    }
}

/// One consent, from the signed document it was recorded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    /// Identity.
    pub id: ConsentId,
    /// Whose.
    pub subject: PersonId,
    /// Processing or distribution.
    pub kind: ConsentKind,
    /// The one purpose of the document, as a code (e.g. `ngo_contacts`, `training`, `public_directory`).
    pub purpose: String,
    /// The categories of data covered (for a distribution consent: the fields that may be shown).
    pub categories: Vec<String>,
    /// The third party the data may go to, when the consent names one (a referral to an NGO):
    /// 152-FZ asks a consent to transfer data to name who receives them.
    pub recipient: Option<kernel::OrganizationId>,
    /// The document's identifier and version (since 1 September 2025 a consent is its own
    /// document, with one purpose).
    pub document: String,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The last day by which the data held for it must be destroyed (30 days after withdrawal).
    pub destroy_by: Option<NaiveDate>,
    /// When the destruction was carried out.
    pub destroyed_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Given and not withdrawn.
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// A subject's request for the data held about them (art. 14).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectRequest {
    /// Identity.
    pub id: SubjectRequestId,
    /// Whose data.
    pub subject: PersonId,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// The answer is due by this day: 10 working days after receipt.
    pub due_on: NaiveDate,
    /// The due date was computed on a predicted (not yet decreed) production calendar.
    pub due_predicted: bool,
    /// The one extension (5 working days), with its reason.
    pub extension: Option<(NaiveDate, String)>,
    /// The day it was answered.
    pub answered_on: Option<NaiveDate>,
}

impl SubjectRequest {
    /// The day the answer is due, counting the extension.
    pub fn deadline(&self) -> NaiveDate {
        self.extension.as_ref().map_or(self.due_on, |(on, _)| *on)
    }
}

/// Everything the system holds about one subject: every table that refers to them, by name.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SubjectExport {
    /// Whose.
    pub subject: uuid::Uuid,
    /// When it was produced.
    pub produced_at: DateTime<Utc>,
    /// Table name to its rows about the subject, each row a JSON object of its columns.
    pub tables: std::collections::BTreeMap<String, Vec<serde_json::Value>>,
}
