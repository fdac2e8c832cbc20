//! The privacy use cases: record and withdraw consents, register and answer subject access
//! requests, export a subject's data, and carry out destruction (`nko privacy run`).

use audit::{Gate, object};
use chrono::NaiveDate;
use kernel::Actor;

use crate::actions::{CONSENT_MANAGE, PRIVACY_RUN, SUBJECT_REQUEST};
use crate::error::{InputProblem, PrivacyError};
use crate::model::{Consent, ConsentId, ConsentKind, PersonId, SubjectExport, SubjectRequest, SubjectRequestId};
use crate::ports::PrivacyPorts;
use crate::rules::{self, PrivacyRuleError};

/// The categories a consent lists: codes, each once, in order; at least one and at most
/// [`MAX_CATEGORIES`]; a distribution consent only those the directory can show.
fn consent_categories(kind: ConsentKind, raw: &[String]) -> Result<Vec<String>, PrivacyError> {
    let invalid = |problem| PrivacyError::Invalid { field: "categories", problem };
    let mut categories: Vec<String> = raw.iter().map(|c| code("categories", c)).collect::<Result<_, _>>()?;
    categories.sort();
    categories.dedup();
    if categories.is_empty() {
        return Err(invalid(InputProblem::NoCategory));
    }
    if categories.len() > MAX_CATEGORIES {
        return Err(invalid(InputProblem::TooMany { max: MAX_CATEGORIES }));
    }
    match categories.iter().find(|c| !rules::PUBLISHABLE_CATEGORIES.contains(&c.as_str())) {
        Some(category) if kind == ConsentKind::Distribution => {
            Err(invalid(InputProblem::NotPublishable { category: category.clone() }))
        }
        _ => Ok(categories),
    }
}

/// The most categories one consent lists.
pub const MAX_CATEGORIES: usize = 20;

/// A free text a person will read (a document reference, a reason): trimmed, 1 to `max`
/// characters, no control or invisible characters (line breaks allowed where `newlines`).
fn free_text(field: &'static str, text: &str, max: usize, newlines: bool) -> Result<String, PrivacyError> {
    let text = text.trim();
    if let Some(c) = kernel::text::forbidden_char(text, newlines) {
        let code_point = kernel::text::code_point(c);
        return Err(PrivacyError::Invalid { field, problem: InputProblem::ForbiddenCharacter { code_point } });
    }
    if text.is_empty() || text.chars().count() > max {
        return Err(PrivacyError::Invalid { field, problem: InputProblem::Length { max } });
    }
    Ok(text.to_owned())
}

/// A consent as recorded from its document.
#[derive(Clone, Debug)]
pub struct NewConsent {
    /// Whose.
    pub subject: PersonId,
    /// Processing or distribution.
    pub kind: ConsentKind,
    /// The purpose code.
    pub purpose: String,
    /// The data categories (for distribution: the fields that may be shown).
    pub categories: Vec<String>,
    /// The document and its version.
    pub document: String,
    /// The organisation the data may go to (a processing consent for referrals names it).
    pub recipient: Option<kernel::OrganizationId>,
}

/// What a run of destruction did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Withdrawn consents whose data were destroyed now.
    pub destroyed: usize,
    /// People anonymised because no consent or other ground remained.
    pub anonymised: usize,
    /// Withdrawn consents past their 30 days before this run (an alarm: cron did not run).
    pub overdue: usize,
    /// Subject access requests past their deadline without an answer.
    pub late_requests: Vec<SubjectRequest>,
}

/// The privacy use cases.
pub struct Privacy {
    ports: PrivacyPorts,
    gate: Gate,
}

fn code(field: &'static str, text: &str) -> Result<String, PrivacyError> {
    let text = text.trim().to_lowercase();
    let valid = (2..=64).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then_some(text).ok_or(PrivacyError::Invalid { field, problem: InputProblem::CodeShape })
}

impl Privacy {
    /// The use cases over these ports. Every use case passes `gate`: the policy decides, the
    /// audit log records.
    pub async fn open(ports: PrivacyPorts, gate: Gate) -> Result<Self, PrivacyError> {
        Ok(Self { ports, gate })
    }

    async fn existing_subject(&self, subject: PersonId) -> Result<(), PrivacyError> {
        if self.ports.subjects.exists(subject).await? { Ok(()) } else { Err(PrivacyError::NotFound("person")) }
    }

    fn today(&self) -> NaiveDate {
        self.gate.clock().today()
    }

    /// Records a consent from its signed document; a document carries one purpose.
    pub async fn record_consent(&self, actor: &Actor, new: NewConsent) -> Result<Consent, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("person", new.subject.0)).await?;
        self.existing_subject(new.subject).await?;
        if self.ports.subjects.anonymised(new.subject).await? {
            return Err(PrivacyError::Anonymised);
        }
        let document = free_text("document", &new.document, 200, false)?;
        let categories = consent_categories(new.kind, &new.categories)?;
        let consent = Consent {
            id: ConsentId::new(),
            subject: new.subject,
            kind: new.kind,
            purpose: code("purpose", &new.purpose)?,
            categories,
            document,
            recipient: new.recipient,
            given_at: self.gate.clock().now(),
            recorded_by: actor.login.clone(),
            withdrawn_at: None,
            destroy_by: None,
            destroyed_at: None,
        };
        let event = self.gate.event(actor, CONSENT_MANAGE, object("person", consent.subject.0)).with_detail(format!(
            "consent {} for {}",
            consent.kind.code(),
            consent.purpose
        ));
        self.ports.consents.insert(&consent, &event).await?;
        Ok(consent)
    }

    /// Withdraws a consent: processing for its purpose stops now (a withdrawn distribution
    /// consent takes the person out of the public directory at once), and its data are due for
    /// destruction within 30 days.
    pub async fn withdraw_consent(&self, actor: &Actor, id: ConsentId) -> Result<Consent, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("consent", id.0)).await?;
        let mut consent = self.ports.consents.get(id).await?.ok_or(PrivacyError::NotFound("consent"))?;
        if consent.withdrawn_at.is_some() {
            return Err(PrivacyRuleError::AlreadyWithdrawn.into());
        }
        consent.withdrawn_at = Some(self.gate.clock().now());
        consent.destroy_by = Some(rules::destroy_by(self.today()));
        let event = self.gate.event(actor, CONSENT_MANAGE, object("person", consent.subject.0)).with_detail(format!(
            "withdraw {} for {}",
            consent.kind.code(),
            consent.purpose
        ));
        self.ports.consents.update(&consent, &event).await?;
        Ok(consent)
    }

    /// Every consent of a person.
    pub async fn consents_of(&self, actor: &Actor, subject: PersonId) -> Result<Vec<Consent>, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("person", subject.0)).await?;
        Ok(self.ports.consents.of_subject(subject).await?)
    }

    /// What the public directory may show of each of these people: the categories of their
    /// active distribution consents for the public directory (art. 10.1). People without one are
    /// absent, whatever else they consented to distribute. No actor: the public asks.
    pub async fn publishable(
        &self,
        subjects: &[PersonId],
    ) -> Result<std::collections::HashMap<PersonId, std::collections::BTreeSet<String>>, PrivacyError> {
        let mut out: std::collections::HashMap<PersonId, std::collections::BTreeSet<String>> = Default::default();
        for consent in self.ports.consents.distributing(subjects, rules::PUBLIC_DIRECTORY).await? {
            if rules::publishes_in_directory(&consent) {
                out.entry(consent.subject).or_default().extend(consent.categories);
            }
        }
        Ok(out)
    }

    /// Registers a subject access request received on `received_on` (today when absent).
    pub async fn register_request(
        &self,
        actor: &Actor,
        subject: PersonId,
        received_on: Option<NaiveDate>,
    ) -> Result<SubjectRequest, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, object("person", subject.0)).await?;
        self.existing_subject(subject).await?;
        let received_on = received_on.unwrap_or_else(|| self.today());
        if received_on > self.today() {
            return Err(PrivacyError::Invalid { field: "receivedOn", problem: InputProblem::InTheFuture });
        }
        if received_on < NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date") {
            // Older than the production calendar and than 152-FZ itself: a typing error.
            return Err(PrivacyError::Invalid { field: "receivedOn", problem: InputProblem::TooEarly });
        }
        let (due_on, due_predicted) = rules::answer_due(received_on)?;
        let request = SubjectRequest {
            id: SubjectRequestId::new(),
            subject,
            received_on,
            due_on,
            due_predicted,
            extension: None,
            answered_on: None,
        };
        let event = self
            .gate
            .event(actor, SUBJECT_REQUEST, object("person", subject.0))
            .with_detail(format!("request due {due_on}"));
        self.ports.requests.insert(&request, &event).await?;
        Ok(request)
    }

    /// Extends a request once by five working days, with the reason sent to the subject.
    pub async fn extend_request(
        &self,
        actor: &Actor,
        id: SubjectRequestId,
        reason: &str,
    ) -> Result<SubjectRequest, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, object("subject_request", id.0)).await?;
        let reason = if reason.trim().is_empty() { String::new() } else { free_text("reason", reason, 1_000, true)? };
        let request = self.ports.requests.get(id).await?.ok_or(PrivacyError::NotFound("subject request"))?;
        let extended = rules::extend(&request, &reason, self.today())?;
        let event = self
            .gate
            .event(actor, SUBJECT_REQUEST, object("person", request.subject.0))
            .with_detail(format!("extended to {}", extended.deadline()));
        self.ports.requests.update(&extended, &event).await?;
        Ok(extended)
    }

    /// Records that the request was answered on `on` (today when absent).
    pub async fn answer_request(
        &self,
        actor: &Actor,
        id: SubjectRequestId,
        on: Option<NaiveDate>,
    ) -> Result<SubjectRequest, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, object("subject_request", id.0)).await?;
        let request = self.ports.requests.get(id).await?.ok_or(PrivacyError::NotFound("subject request"))?;
        let request = rules::answered(&request, on.unwrap_or_else(|| self.today()), self.today())?;
        let event =
            self.gate.event(actor, SUBJECT_REQUEST, object("person", request.subject.0)).with_detail("answered");
        self.ports.requests.update(&request, &event).await?;
        Ok(request)
    }

    /// Everything held about a person, table by table: the answer to a subject access request.
    pub async fn export(&self, actor: &Actor, subject: PersonId) -> Result<SubjectExport, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, object("person", subject.0)).await?;
        self.existing_subject(subject).await?;
        let tables = self.ports.subjects.export(subject).await?;
        let event = self
            .gate
            .event(actor, SUBJECT_REQUEST, object("person", subject.0))
            .with_detail(format!("export of {} tables", tables.len()));
        self.gate.record(&event).await?;
        Ok(SubjectExport { subject: subject.0, produced_at: self.gate.clock().now(), tables })
    }

    /// Removes every direct identifier of a person, keeping every count the reports make.
    pub async fn anonymise(&self, actor: &Actor, subject: PersonId) -> Result<(), PrivacyError> {
        self.gate.require_all(actor, PRIVACY_RUN, object("person", subject.0)).await?;
        self.existing_subject(subject).await?;
        let event = self.gate.event(actor, PRIVACY_RUN, object("person", subject.0)).with_detail("anonymise");
        Ok(self.ports.subjects.anonymise(subject, &event).await?)
    }

    /// Carries out what withdrawals require (idempotent; run it daily from cron): for each
    /// withdrawn consent not yet destroyed, a person left with no active consent and held on
    /// consent alone is anonymised; the consent is marked destroyed. Also lists late requests.
    pub async fn run(&self, actor: &Actor) -> Result<RunReport, PrivacyError> {
        self.gate.require_all(actor, PRIVACY_RUN, None).await?;
        let today = self.today();
        let now = self.gate.clock().now();
        let mut report = RunReport::default();
        for consent in self.ports.consents.pending_destruction().await? {
            if consent.destroy_by.is_some_and(|by| by < today) {
                report.overdue += 1;
            }
            let others = self.ports.consents.of_subject(consent.subject).await?;
            let still_consented =
                others.iter().any(|c| c.id != consent.id && c.is_active() && c.kind == ConsentKind::Processing);
            let processing = consent.kind == ConsentKind::Processing;
            if processing && !still_consented && self.ports.subjects.held_on_consent(consent.subject).await? {
                let event = self
                    .gate
                    .event(actor, PRIVACY_RUN, object("person", consent.subject.0))
                    .with_detail(format!("anonymise: consent for {} withdrawn", consent.purpose));
                self.ports.subjects.anonymise(consent.subject, &event).await?;
                report.anonymised += 1;
            }
            let event = self.gate.event(actor, PRIVACY_RUN, object("consent", consent.id.0)).with_detail(format!(
                "destroyed data of {} consent for {}",
                consent.kind.code(),
                consent.purpose
            ));
            self.ports.consents.mark_destroyed(consent.id, now, &event).await?;
            report.destroyed += 1;
        }
        report.late_requests = self.ports.requests.open().await?.into_iter().filter(|r| r.deadline() < today).collect();
        Ok(report)
    }

    /// Requests not answered yet, earliest deadline first.
    pub async fn open_requests(&self, actor: &Actor) -> Result<Vec<SubjectRequest>, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, None).await?;
        Ok(self.ports.requests.open().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_consent_keeps_each_category_once_and_a_distribution_only_publishable_ones(
            raw in proptest::collection::vec(prop_oneof!["(email|name|phone|position)", "[a-z_]{2,12}"], 0..30),
            distribution in any::<bool>(),
        ) {
            let kind = if distribution { ConsentKind::Distribution } else { ConsentKind::Processing };
            let mut distinct: Vec<String> = raw.clone();
            distinct.sort();
            distinct.dedup();
            let publishable = distinct.iter().all(|c| rules::PUBLISHABLE_CATEGORIES.contains(&c.as_str()));
            let expected_ok = !distinct.is_empty() && distinct.len() <= MAX_CATEGORIES && (!distribution || publishable);
            match consent_categories(kind, &raw) {
                Ok(categories) => {
                    prop_assert!(expected_ok);
                    prop_assert_eq!(categories, distinct);
                }
                Err(PrivacyError::Invalid { field, .. }) => {
                    prop_assert!(!expected_ok);
                    prop_assert_eq!(field, "categories");
                }
                Err(other) => prop_assert!(false, "{}", other),
            }
        }
    }
}
