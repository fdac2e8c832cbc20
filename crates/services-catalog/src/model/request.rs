//! A request to the centre: an NGO's request for a service, or a citizen's appeal to the single
//! public reception; its applicant, its state and its deadlines.

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{OrganizationId, PersonId, define_id};

use crate::model::catalogue::CatalogueServiceId;
use crate::rules::deadlines::DeadlinePolicy;

define_id!(
    /// Identifies a request.
    RequestId
);

/// Who a request comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// An NGO asks the centre for one of its services.
    Ngo,
    /// A citizen's appeal to the public reception (59-FZ).
    Citizen,
}

/// How a request reached the centre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntakeChannel {
    /// In person.
    Visit,
    /// By telephone.
    Phone,
    /// By e-mail.
    Email,
    /// Through the public web form.
    Web,
    /// By post.
    Post,
}

/// The applicant as the centre knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applicant {
    /// An organisation of the registry.
    Organization(OrganizationId),
    /// A person of the registry.
    Person(PersonId),
    /// A citizen known only by what they wrote (the public form, a letter).
    Citizen(ApplicantContact),
    /// No name or no address (59-FZ art. 11 p. 1: no answer is given).
    Anonymous,
}

/// What a citizen wrote about themselves: where the answer goes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ApplicantContact {
    /// Surname, name, patronymic as written.
    pub name: Option<String>,
    /// E-mail for an electronic appeal's answer.
    pub email: Option<String>,
    /// Postal address for a written appeal's answer.
    pub postal_address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

impl Applicant {
    /// Whether an answer can be given: 59-FZ art. 11 p. 1 gives none without a name and an
    /// address (postal, or e-mail for an electronic appeal). Registry records carry both.
    pub fn can_be_answered(&self) -> bool {
        match self {
            Applicant::Organization(_) | Applicant::Person(_) => true,
            Applicant::Citizen(contact) => {
                contact.name.is_some() && (contact.email.is_some() || contact.postal_address.is_some())
            }
            Applicant::Anonymous => false,
        }
    }

    /// The organisation the request comes from, if any (a representative's record scope).
    pub fn organization(&self) -> Option<OrganizationId> {
        match self {
            Applicant::Organization(id) => Some(*id),
            _ => None,
        }
    }

    /// The registry person the request comes from, if any.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Applicant::Person(id) => Some(*id),
            _ => None,
        }
    }
}

/// A file that came with a request: its description only (the file is kept by the centre's
/// document store, not in this database).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// The file's name.
    pub name: String,
    /// Its media type (`application/pdf`).
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
}

/// Where a request is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestState {
    /// Received, not registered yet.
    Received,
    /// Registered: the answer term runs.
    Registered,
    /// Given to a member of staff.
    Assigned,
    /// Being worked on.
    InProgress,
    /// Answered on the merits.
    Answered,
    /// Sent on to the competent body or organisation.
    Redirected,
    /// Left without an answer on the merits, for a reason of 59-FZ art. 11 (or withdrawn).
    Rejected,
    /// Closed.
    Closed,
}

crate::coded!(RequestKind { Ngo => "ngo", Citizen => "citizen" });
crate::coded!(IntakeChannel { Visit => "visit", Phone => "phone", Email => "email", Web => "web", Post => "post" });
crate::coded!(RequestState {
    Received => "received",
    Registered => "registered",
    Assigned => "assigned",
    InProgress => "in_progress",
    Answered => "answered",
    Redirected => "redirected",
    Rejected => "rejected",
    Closed => "closed",
});
crate::coded!(RejectionReason {
    Anonymous => "anonymous",
    Offensive => "offensive",
    Unreadable => "unreadable",
    CourtDecision => "court_decision",
    Repeated => "repeated",
    Withdrawn => "withdrawn",
});

impl RequestState {
    /// The centre still owes work on it (a deadline runs).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestState::Received | RequestState::Registered | RequestState::Assigned | RequestState::InProgress
        )
    }
}

/// Why a request is left without an answer on the merits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectionReason {
    /// No name or address (art. 11 p. 1).
    Anonymous,
    /// Obscene or offensive language (art. 11 p. 3); the author is told about the abuse.
    Offensive,
    /// The text cannot be read or its essence determined (art. 11 p. 4, 4.1); the author is told
    /// within 7 days when their name or address can be read.
    Unreadable,
    /// Against a court decision (art. 11 p. 2): returned within 7 days with how to appeal.
    CourtDecision,
    /// Repeats an appeal answered on the merits with no new arguments (art. 11 p. 5).
    Repeated,
    /// Withdrawn by the applicant (art. 5).
    Withdrawn,
}

/// The one extension of the answer term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The day it was decided.
    pub on: NaiveDate,
    /// Calendar days added, 1 to 30.
    pub days: u16,
    /// Why (art. 12 p. 2: exceptional case, documents requested from another body).
    pub reason: String,
    /// How the applicant was told (the notice's number, the letter, the e-mail).
    pub notice: String,
}

/// A request and everything its deadlines depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Identity.
    pub id: RequestId,
    /// The registration number, `YYYY-NNNNN`, given by the store on receipt.
    pub number: String,
    /// Optimistic-concurrency version: 1 on receipt, +1 on every change.
    pub version: i64,
    /// An NGO's request or a citizen's appeal.
    pub kind: RequestKind,
    /// How it came.
    pub channel: IntakeChannel,
    /// Its subject in a line.
    pub topic: String,
    /// The catalogue service asked for, if it names one (its term is the answer term).
    pub service: Option<CatalogueServiceId>,
    /// What the applicant wrote or said.
    pub text: String,
    /// Files that came with it.
    pub attachments: Vec<Attachment>,
    /// Who it comes from.
    pub applicant: Applicant,
    /// The applicant consented to the processing of the personal data in it (the public form
    /// captures it; staff confirm it for other channels).
    pub consent_given: bool,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// The day it must be registered by.
    pub register_due: NaiveDate,
    /// The answer term of its service (59-FZ's when none).
    pub policy: DeadlinePolicy,
    /// Where it is.
    pub state: RequestState,
    /// The day it was registered.
    pub registered_on: Option<NaiveDate>,
    /// The day the answer is due (with the extension); `None` before registration and when no
    /// answer can be given.
    pub answer_due: Option<NaiveDate>,
    /// A deadline was computed on a predicted production calendar.
    pub due_predicted: bool,
    /// The one extension.
    pub extension: Option<Extension>,
    /// The member of staff working on it (login).
    pub assignee: Option<String>,
    /// The answer, as sent.
    pub answer: Option<String>,
    /// The day it was answered, redirected, rejected or closed (the last of these).
    pub resolved_on: Option<NaiveDate>,
    /// Where it was redirected to.
    pub redirected_to: Option<String>,
    /// Why it was left without an answer on the merits.
    pub rejection: Option<RejectionReason>,
    /// When it was received into the system.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Request {
    /// The deadline running now: registration while received, the answer while open after it;
    /// `None` when nothing is owed (closed states, or an appeal that cannot be answered).
    pub fn deadline(&self) -> Option<NaiveDate> {
        match self.state {
            RequestState::Received => Some(self.register_due),
            state if state.is_open() => self.answer_due,
            _ => None,
        }
    }

    /// Open with its deadline passed, seen on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.deadline().is_some_and(|due| due < today)
    }
}

/// One entry of a request's history: what happened, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestEvent {
    /// The request.
    pub request: RequestId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (login, or `public` for the web form).
    pub by: String,
    /// The state after it.
    pub state: RequestState,
    /// What happened, in the codes of [`crate::rules::request_flow::Step::code`] or of a referral.
    pub what: String,
    /// A note: the reason, the body redirected to, the referral's outcome.
    pub note: Option<String>,
}
