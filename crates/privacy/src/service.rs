//! The privacy use cases: record and withdraw consents, register and answer subject access
//! requests, export a subject's data, and carry out destruction (`nko privacy run`).

use std::sync::Arc;

use audit::{Gate, GateError, object};
use chrono::NaiveDate;
use kernel::{Actor, Lang, Localized, StoreError};

use crate::actions::{CONSENT_MANAGE, PRIVACY_RUN, SUBJECT_REQUEST};
use crate::model::{Consent, ConsentId, ConsentKind, PersonId, SubjectExport, SubjectRequest, SubjectRequestId};
use crate::ports::{ConsentRepo, SubjectRequestRepo, Subjects};
use crate::rules::{self, PrivacyRuleError};

/// Why a privacy use case refused.
#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// A field is wrong.
    #[error("{field}: {problem}")]
    Invalid {
        /// The input field.
        field: &'static str,
        /// What is wrong.
        problem: InputProblem,
    },
    /// A rule refuses it.
    #[error(transparent)]
    Rule(#[from] PrivacyRuleError),
    /// No such record.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The policy refuses it (the refusal is in the audit log), or the audit log could not
    /// record it.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is wrong with an input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// Not a code of 2 to 64 characters a-z, 0-9, `_`.
    CodeShape,
    /// Empty or longer than the limit.
    Length {
        /// The most characters allowed.
        max: usize,
    },
    /// No category given.
    NoCategory,
    /// A category a distribution consent cannot grant (the public directory shows only these).
    NotPublishable {
        /// The category given.
        category: String,
    },
    /// A control or invisible formatting character (see `kernel::text`).
    ForbiddenCharacter {
        /// The character, as `U+XXXX`.
        code_point: String,
    },
    /// A date after today.
    InTheFuture,
    /// A date before 2000 (before 152-FZ and the production calendar).
    TooEarly,
    /// More values than a list may hold.
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Localized for InputProblem {
    fn message(&self, lang: Lang) -> String {
        let ru = lang != Lang::En;
        match self {
            InputProblem::CodeShape if ru => "код: от 2 до 64 символов a-z, 0-9, _".into(),
            InputProblem::CodeShape => "2-64 characters a-z, 0-9, _".into(),
            InputProblem::Length { max } if ru => format!("от 1 до {max} символов"),
            InputProblem::Length { max } => format!("1-{max} characters"),
            InputProblem::NoCategory if ru => "нужна хотя бы одна категория".into(),
            InputProblem::NoCategory => "at least one category".into(),
            InputProblem::NotPublishable { category } if ru => format!(
                "«{category}»: согласие на распространение может разрешать только {}",
                rules::PUBLISHABLE_CATEGORIES.join(", ")
            ),
            InputProblem::NotPublishable { category } => format!(
                "`{category}`: a distribution consent can grant only {}",
                rules::PUBLISHABLE_CATEGORIES.join(", ")
            ),
            InputProblem::ForbiddenCharacter { code_point } if ru => {
                format!("недопустимый символ {code_point} (управляющий или невидимый)")
            }
            InputProblem::ForbiddenCharacter { code_point } => {
                format!("the character {code_point} is not allowed (a control or invisible character)")
            }
            InputProblem::InTheFuture if ru => "дата в будущем".into(),
            InputProblem::InTheFuture => "in the future".into(),
            InputProblem::TooEarly if ru => "дата раньше 2000 года: проверьте год".into(),
            InputProblem::TooEarly => "a date before 2000: check the year".into(),
            InputProblem::TooMany { max } if ru => format!("не больше {max} значений"),
            InputProblem::TooMany { max } => format!("at most {max} values"),
        }
    }
}

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

impl Localized for PrivacyError {
    fn message(&self, lang: Lang) -> String {
        match self {
            PrivacyError::Gate(gate) => gate.message(lang),
            PrivacyError::Store(store) => store.message(lang),
            _ if lang == Lang::En => self.to_string(),
            PrivacyError::Invalid { field, problem } => format!("{field}: {}", problem.message(lang)),
            PrivacyError::Rule(PrivacyRuleError::OnePurposePerDocument { document, other }) => format!(
                "документ «{document}» уже содержит согласие на цель «{other}»: одно согласие — одна цель (152-ФЗ, ст. 9)"
            ),
            PrivacyError::Rule(PrivacyRuleError::AlreadyWithdrawn) => "согласие уже отозвано".into(),
            PrivacyError::Rule(PrivacyRuleError::AlreadyExtended) => "срок ответа уже продлевался".into(),
            PrivacyError::Rule(PrivacyRuleError::ReasonRequired) => "для продления срока укажите причину".into(),
            PrivacyError::Rule(PrivacyRuleError::AlreadyAnswered) => "на запрос уже дан ответ".into(),
            PrivacyError::Rule(PrivacyRuleError::AnswerOutOfRange) => {
                "дата ответа — не раньше дня получения запроса и не позже сегодняшнего дня".into()
            }
            PrivacyError::Rule(PrivacyRuleError::Calendar(e)) => e.to_string(),
            PrivacyError::NotFound(what) => format!("запись не найдена ({what})"),
        }
    }
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
    consents: Arc<dyn ConsentRepo>,
    requests: Arc<dyn SubjectRequestRepo>,
    subjects: Arc<dyn Subjects>,
    gate: Gate,
}

fn code(field: &'static str, text: &str) -> Result<String, PrivacyError> {
    let text = text.trim().to_lowercase();
    let valid = (2..=64).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then_some(text).ok_or(PrivacyError::Invalid { field, problem: InputProblem::CodeShape })
}

impl Privacy {
    /// The use cases over these ports.
    pub fn new(
        consents: Arc<dyn ConsentRepo>,
        requests: Arc<dyn SubjectRequestRepo>,
        subjects: Arc<dyn Subjects>,
        gate: Gate,
    ) -> Self {
        Self { consents, requests, subjects, gate }
    }

    async fn existing_subject(&self, subject: PersonId) -> Result<(), PrivacyError> {
        if self.subjects.exists(subject).await? { Ok(()) } else { Err(PrivacyError::NotFound("person")) }
    }

    fn today(&self) -> NaiveDate {
        self.gate.clock().today()
    }

    /// Records a consent from its signed document; a document carries one purpose.
    pub async fn record_consent(&self, actor: &Actor, new: NewConsent) -> Result<Consent, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("person", new.subject.0)).await?;
        self.existing_subject(new.subject).await?;
        let document = free_text("document", &new.document, 200, false)?;
        let categories = consent_categories(new.kind, &new.categories)?;
        let consent = Consent {
            id: ConsentId::new(),
            subject: new.subject,
            kind: new.kind,
            purpose: code("purpose", &new.purpose)?,
            categories,
            document,
            given_at: self.gate.clock().now(),
            recorded_by: actor.login.clone(),
            withdrawn_at: None,
            destroy_by: None,
            destroyed_at: None,
        };
        rules::check_one_purpose(&consent, &self.consents.with_document(&consent.document).await?)?;
        let event = self.gate.event(actor, CONSENT_MANAGE, object("person", consent.subject.0)).with_detail(format!(
            "consent {} for {}",
            consent.kind.code(),
            consent.purpose
        ));
        self.consents.insert(&consent, &event).await?;
        Ok(consent)
    }

    /// Withdraws a consent: processing for its purpose stops now (a withdrawn distribution
    /// consent takes the person out of the public directory at once), and its data are due for
    /// destruction within 30 days.
    pub async fn withdraw_consent(&self, actor: &Actor, id: ConsentId) -> Result<Consent, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("consent", id.0)).await?;
        let mut consent = self.consents.get(id).await?.ok_or(PrivacyError::NotFound("consent"))?;
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
        self.consents.update(&consent, &event).await?;
        Ok(consent)
    }

    /// Every consent of a person.
    pub async fn consents_of(&self, actor: &Actor, subject: PersonId) -> Result<Vec<Consent>, PrivacyError> {
        self.gate.require_all(actor, CONSENT_MANAGE, object("person", subject.0)).await?;
        Ok(self.consents.of_subject(subject).await?)
    }

    /// What the public directory may show of each of these people: the categories of their
    /// active distribution consents for the public directory (art. 10.1). People without one are
    /// absent, whatever else they consented to distribute. No actor: the public asks.
    pub async fn publishable(
        &self,
        subjects: &[PersonId],
    ) -> Result<std::collections::HashMap<PersonId, std::collections::BTreeSet<String>>, PrivacyError> {
        let mut out: std::collections::HashMap<PersonId, std::collections::BTreeSet<String>> = Default::default();
        for consent in self.consents.distributing(subjects, rules::PUBLIC_DIRECTORY).await? {
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
        self.requests.insert(&request, &event).await?;
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
        let request = self.requests.get(id).await?.ok_or(PrivacyError::NotFound("subject request"))?;
        let extended = rules::extend(&request, &reason)?;
        let event = self
            .gate
            .event(actor, SUBJECT_REQUEST, object("person", request.subject.0))
            .with_detail(format!("extended to {}", extended.deadline()));
        self.requests.update(&extended, &event).await?;
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
        let request = self.requests.get(id).await?.ok_or(PrivacyError::NotFound("subject request"))?;
        let request = rules::answered(&request, on.unwrap_or_else(|| self.today()), self.today())?;
        let event =
            self.gate.event(actor, SUBJECT_REQUEST, object("person", request.subject.0)).with_detail("answered");
        self.requests.update(&request, &event).await?;
        Ok(request)
    }

    /// Everything held about a person, table by table: the answer to a subject access request.
    pub async fn export(&self, actor: &Actor, subject: PersonId) -> Result<SubjectExport, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, object("person", subject.0)).await?;
        self.existing_subject(subject).await?;
        let tables = self.subjects.export(subject).await?;
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
        Ok(self.subjects.anonymise(subject, &event).await?)
    }

    /// Carries out what withdrawals require (idempotent; run it daily from cron): for each
    /// withdrawn consent not yet destroyed, a person left with no active consent and held on
    /// consent alone is anonymised; the consent is marked destroyed. Also lists late requests.
    pub async fn run(&self, actor: &Actor) -> Result<RunReport, PrivacyError> {
        self.gate.require_all(actor, PRIVACY_RUN, None).await?;
        let today = self.today();
        let now = self.gate.clock().now();
        let mut report = RunReport::default();
        for consent in self.consents.pending_destruction().await? {
            if consent.destroy_by.is_some_and(|by| by < today) {
                report.overdue += 1;
            }
            let others = self.consents.of_subject(consent.subject).await?;
            let still_consented =
                others.iter().any(|c| c.id != consent.id && c.is_active() && c.kind == ConsentKind::Processing);
            let processing = consent.kind == ConsentKind::Processing;
            if processing && !still_consented && self.subjects.held_on_consent(consent.subject).await? {
                let event = self
                    .gate
                    .event(actor, PRIVACY_RUN, object("person", consent.subject.0))
                    .with_detail(format!("anonymise: consent for {} withdrawn", consent.purpose));
                self.subjects.anonymise(consent.subject, &event).await?;
                report.anonymised += 1;
            }
            let event = self.gate.event(actor, PRIVACY_RUN, object("consent", consent.id.0)).with_detail(format!(
                "destroyed data of {} consent for {}",
                consent.kind.code(),
                consent.purpose
            ));
            self.consents.mark_destroyed(consent.id, now, &event).await?;
            report.destroyed += 1;
        }
        report.late_requests = self.requests.open().await?.into_iter().filter(|r| r.deadline() < today).collect();
        Ok(report)
    }

    /// Requests not answered yet, earliest deadline first.
    pub async fn open_requests(&self, actor: &Actor) -> Result<Vec<SubjectRequest>, PrivacyError> {
        self.gate.require_all(actor, SUBJECT_REQUEST, None).await?;
        Ok(self.requests.open().await?)
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
