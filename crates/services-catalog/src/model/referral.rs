//! A referral: the centre sends a person with a request to an NGO's service; the NGO accepts or
//! declines, and reports the outcome.

use chrono::{DateTime, Utc};
use kernel::{OrganizationId, PersonId, define_id};

use crate::model::directory::DirectoryServiceId;
use crate::model::request::RequestId;

define_id!(
    /// Identifies a referral.
    ReferralId
);

/// Where a referral is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferralState {
    /// Sent, not answered by the NGO.
    Pending,
    /// The NGO takes the person.
    Accepted,
    /// The NGO cannot take the person.
    Declined,
    /// The service was given.
    Completed,
    /// The centre withdrew it.
    Revoked,
}

crate::coded!(ReferralState {
    Pending => "pending",
    Accepted => "accepted",
    Declined => "declined",
    Completed => "completed",
    Revoked => "revoked",
});

/// A referral of a person to a directory service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    /// Identity.
    pub id: ReferralId,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The request it serves.
    pub request: RequestId,
    /// The person referred (their data go to the NGO, so their consent is checked).
    pub person: PersonId,
    /// The service.
    pub service: DirectoryServiceId,
    /// The NGO that provides it.
    pub provider: OrganizationId,
    /// Where it is.
    pub state: ReferralState,
    /// What the centre tells the NGO.
    pub note: Option<String>,
    /// The NGO's or the centre's last word: why declined, what was given, why revoked.
    pub outcome: Option<String>,
    /// Who sent it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who answered last.
    pub answered_by: Option<String>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl ReferralState {
    /// Whether the NGO works with the person: the referral waits for its answer or was accepted.
    /// Only then does the person's consent let the NGO see their name and contacts.
    pub fn is_open(self) -> bool {
        matches!(self, ReferralState::Pending | ReferralState::Accepted)
    }
}

/// What the NGO a person is referred to may know of them: the name and contacts the person's
/// consent lets the centre pass on (152-FZ art. 6, 9), as the registry holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferredPerson {
    /// Who.
    pub id: PersonId,
    /// Surname.
    pub last_name: String,
    /// Name.
    pub first_name: String,
    /// Patronymic.
    pub middle_name: Option<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// E-mails.
    pub emails: Vec<String>,
}
