//! A referral's state machine: the NGO accepts or declines a pending referral and completes an
//! accepted one; the centre revokes one not finished yet.

use crate::model::referral::ReferralState;

/// What is done to a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferralStep {
    /// The NGO takes the person.
    Accept,
    /// The NGO cannot take the person.
    Decline,
    /// The service was given.
    Complete,
    /// The centre withdraws it.
    Revoke,
}

crate::coded!(ReferralStep { Accept => "accept", Decline => "decline", Complete => "complete", Revoke => "revoke" });

impl ReferralStep {
    /// Whether the provider's representative may take this step (the centre takes every step).
    pub fn is_the_providers(self) -> bool {
        !matches!(self, ReferralStep::Revoke)
    }
}

/// The state `step` leads to from `from`, or `None` when it may not follow it.
pub fn target(from: ReferralState, step: ReferralStep) -> Option<ReferralState> {
    use ReferralState::*;
    match (from, step) {
        (Pending, ReferralStep::Accept) => Some(Accepted),
        (Pending, ReferralStep::Decline) => Some(Declined),
        (Accepted, ReferralStep::Complete) => Some(Completed),
        (Pending | Accepted, ReferralStep::Revoke) => Some(Revoked),
        _ => None,
    }
}

/// Why the NGO a referral is sent to may not see the person's name and contacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// The referral was answered or withdrawn: the NGO no longer works with the person.
    Closed,
    /// The person's consent to share their data with that NGO is missing or withdrawn.
    NoConsent,
}

/// Whether the NGO may see the referred person (`None`) or why not: only while the referral is
/// open (the NGO still has to answer it, or took the person) and the person's consent holds.
pub fn withheld(state: ReferralState, consented: bool) -> Option<Withheld> {
    if !state.is_open() {
        Some(Withheld::Closed)
    } else if !consented {
        Some(Withheld::NoConsent)
    } else {
        None
    }
}

/// Whether a request from `applicant` may send `person` to an NGO: a registry person's own
/// request sends that person only; an organisation's request (an NGO asking for its
/// beneficiary), a citizen's letter (the coordinator finds the writer in the registry) and an
/// anonymous appeal send whoever the coordinator names.
pub fn may_refer(applicant: &crate::model::request::Applicant, person: kernel::PersonId) -> bool {
    applicant.person().is_none_or(|own| own == person)
}
