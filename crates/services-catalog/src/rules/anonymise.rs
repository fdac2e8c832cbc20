//! What anonymising a person leaves of the services records about them: every id, date, state,
//! code and number stays (so every count the reports make stays the same); every free text a
//! person wrote or that was written about them becomes [`REMOVED`].

use crate::model::case::AdvocacyCase;
use crate::model::delivery::Delivery;
use crate::model::referral::Referral;
use crate::model::request::{Applicant, ApplicantContact, Request, RequestEvent};

/// What replaces a removed text.
pub const REMOVED: &str = "[обезличено]";

fn removed(text: &mut String) {
    REMOVED.clone_into(text);
}

fn removed_if_any(text: &mut Option<String>) {
    if text.is_some() {
        *text = Some(REMOVED.to_owned());
    }
}

/// A request without its texts and the applicant's contacts.
pub fn request(request: &Request) -> Request {
    let mut out = request.clone();
    removed(&mut out.topic);
    removed(&mut out.text);
    for attachment in &mut out.attachments {
        removed(&mut attachment.name);
    }
    removed_if_any(&mut out.answer);
    if let Some(extension) = &mut out.extension {
        removed(&mut extension.reason);
        removed(&mut extension.notice);
    }
    if let Applicant::Citizen(_) = out.applicant {
        // Nothing but the fact of a named applicant stays: the answer term still holds.
        out.applicant = Applicant::Citizen(ApplicantContact { name: Some(REMOVED.to_owned()), ..Default::default() });
    }
    out
}

/// A history entry without its note.
pub fn event(event: &RequestEvent) -> RequestEvent {
    let mut out = event.clone();
    removed_if_any(&mut out.note);
    out
}

/// A referral without its note and outcome.
pub fn referral(referral: &Referral) -> Referral {
    let mut out = referral.clone();
    removed_if_any(&mut out.note);
    removed_if_any(&mut out.outcome);
    out
}

/// A delivery without its outcome.
pub fn delivery(delivery: &Delivery) -> Delivery {
    let mut out = delivery.clone();
    removed_if_any(&mut out.outcome);
    out
}

/// A case without its subject, parties' names, notes, documents' titles and outcome.
pub fn case(case: &AdvocacyCase) -> AdvocacyCase {
    let mut out = case.clone();
    removed(&mut out.subject);
    for party in &mut out.parties {
        removed(&mut party.name);
    }
    for hearing in &mut out.hearings {
        removed_if_any(&mut hearing.note);
    }
    for deadline in &mut out.deadlines {
        removed(&mut deadline.what);
    }
    for document in &mut out.documents {
        removed(&mut document.title);
    }
    removed_if_any(&mut out.outcome);
    out
}
