//! A public advocacy case: a request the centre's lawyer takes to a court or a body, with its
//! hearings, procedural deadlines and register of documents.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::define_id;

use crate::model::request::RequestId;

define_id!(
    /// Identifies an advocacy case.
    CaseId
);

/// A party to a case.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Party {
    /// Plaintiff, defendant, applicant, third party, the body whose act is challenged...
    pub role: String,
    /// Its name.
    pub name: String,
}

/// A hearing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hearing {
    /// When.
    pub at: DateTime<Utc>,
    /// Where (the court room, the body's address).
    pub place: String,
    /// What happened or is expected.
    pub note: Option<String>,
}

/// A procedural deadline (an appeal term, a filing date).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProceduralDeadline {
    /// The last day.
    pub due_on: NaiveDate,
    /// What must be done by then.
    pub what: String,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
}

/// Whether a document came in or went out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Received.
    Incoming,
    /// Sent.
    Outgoing,
}

crate::coded!(Direction { Incoming => "incoming", Outgoing => "outgoing" });

/// An entry of the case's register of documents.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaseDocument {
    /// In or out.
    pub direction: Direction,
    /// Its number in the register (unique per direction within the case).
    pub number: String,
    /// Its date.
    pub dated: NaiveDate,
    /// What it is.
    pub title: String,
}

/// A public advocacy case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvocacyCase {
    /// Identity.
    pub id: CaseId,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The request it grew from.
    pub request: RequestId,
    /// The lawyer handling it (login).
    pub lawyer: String,
    /// Its subject.
    pub subject: String,
    /// The parties.
    pub parties: Vec<Party>,
    /// The court or body.
    pub forum: Option<String>,
    /// The case number there.
    pub case_number: Option<String>,
    /// Hearings, in time order.
    pub hearings: Vec<Hearing>,
    /// Procedural deadlines, in date order.
    pub deadlines: Vec<ProceduralDeadline>,
    /// The register of documents.
    pub documents: Vec<CaseDocument>,
    /// How it ended; set when closed.
    pub outcome: Option<String>,
    /// The day it was closed.
    pub closed_on: Option<NaiveDate>,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl AdvocacyCase {
    /// The earliest procedural deadline not done yet.
    pub fn next_deadline(&self) -> Option<NaiveDate> {
        self.deadlines.iter().filter(|d| d.done_on.is_none()).map(|d| d.due_on).min()
    }
}
