//! The personal-data part of the staff schema: consents, subject access requests with their
//! working-day deadlines, the export of everything held about a person, and anonymisation.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use privacy::{Consent, ConsentId, ConsentKind, NewConsent, PersonId, SubjectRequest, SubjectRequestId};

use super::shared::{GqlResult, actor, parse_id, services};
use crate::graphql::shared::mirror::mirror_enum;

mirror_enum! {
    /// What a consent allows.
    ConsentKindGql as "ConsentKind" = "privacy::ConsentKind" {
        Processing => "Processing for one purpose (152-FZ art. 9).",
        Distribution => "Making the listed categories public (art. 10.1), e.g. in the public directory.",
    }
}

/// A consent recorded from its signed document.
#[derive(SimpleObject)]
#[graphql(name = "Consent")]
pub struct ConsentGql {
    /// Identity.
    pub id: ID,
    /// Whose.
    pub person_id: ID,
    /// Processing or distribution.
    pub kind: ConsentKindGql,
    /// The one purpose of the document.
    pub purpose: String,
    /// The data categories (for distribution: what may be shown: `name`, `position`, `phone`, `email`).
    pub categories: Vec<String>,
    /// The document and its version.
    pub document: String,
    /// The organisation the data may go to (a consent to referrals names it).
    pub recipient_id: Option<ID>,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The last day to destroy the data held on it.
    pub destroy_by: Option<NaiveDate>,
    /// When the destruction was carried out.
    pub destroyed_at: Option<DateTime<Utc>>,
}

impl From<Consent> for ConsentGql {
    fn from(c: Consent) -> Self {
        Self {
            id: ID(c.id.0.to_string()),
            person_id: ID(c.subject.0.to_string()),
            kind: c.kind.into(),
            purpose: c.purpose,
            categories: c.categories,
            document: c.document,
            recipient_id: c.recipient.map(|r| ID(r.0.to_string())),
            given_at: c.given_at,
            recorded_by: c.recorded_by,
            withdrawn_at: c.withdrawn_at,
            destroy_by: c.destroy_by,
            destroyed_at: c.destroyed_at,
        }
    }
}

/// A consent as written in its document.
#[derive(InputObject)]
#[graphql(name = "ConsentInput")]
pub struct ConsentInputGql {
    /// Whose.
    pub person_id: ID,
    /// Processing or distribution.
    pub kind: ConsentKindGql,
    /// The purpose code (`ngo_contacts`, `training`, `public_directory`...).
    pub purpose: String,
    /// The data categories.
    pub categories: Vec<String>,
    /// The document and its version; a document carries one purpose.
    pub document: String,
    /// The organisation the data may go to: a consent for purpose `referral` names the NGO a
    /// person may be referred to (152-FZ: a consent to transfer names who receives the data).
    pub recipient_id: Option<ID>,
}

/// A subject's request for the data held about them.
#[derive(SimpleObject)]
#[graphql(name = "SubjectRequest")]
pub struct SubjectRequestGql {
    /// Identity.
    pub id: ID,
    /// Whose data.
    pub person_id: ID,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Due by this day: 10 working days after receipt.
    pub due_on: NaiveDate,
    /// The due date rests on a production calendar not yet decreed.
    pub due_predicted: bool,
    /// The extended deadline (5 more working days), if extended.
    pub extended_to: Option<NaiveDate>,
    /// The reason of the extension.
    pub extension_reason: Option<String>,
    /// The day it was answered.
    pub answered_on: Option<NaiveDate>,
}

impl From<SubjectRequest> for SubjectRequestGql {
    fn from(r: SubjectRequest) -> Self {
        Self {
            id: ID(r.id.0.to_string()),
            person_id: ID(r.subject.0.to_string()),
            received_on: r.received_on,
            due_on: r.due_on,
            due_predicted: r.due_predicted,
            extended_to: r.extension.as_ref().map(|(on, _)| *on),
            extension_reason: r.extension.map(|(_, why)| why),
            answered_on: r.answered_on,
        }
    }
}

/// The personal-data queries.
#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// Every consent of a person.
    async fn consents(&self, ctx: &Context<'_>, person_id: ID) -> Result<Vec<ConsentGql>> {
        let actor = actor(ctx)?;
        let subject = parse_id(ctx, "personId", &person_id, PersonId)?;
        Ok(services(ctx).privacy.consents_of(actor, subject).await.gql(ctx)?.into_iter().map(Into::into).collect())
    }

    /// Subject access requests not answered yet, earliest deadline first.
    async fn open_subject_requests(&self, ctx: &Context<'_>) -> Result<Vec<SubjectRequestGql>> {
        let actor = actor(ctx)?;
        Ok(services(ctx).privacy.open_requests(actor).await.gql(ctx)?.into_iter().map(Into::into).collect())
    }

    /// Everything held about a person, table by table (the answer to a subject access
    /// request), as JSON. The export is recorded in the audit log.
    async fn subject_data(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
    ) -> Result<async_graphql::Json<privacy::SubjectExport>> {
        let actor = actor(ctx)?;
        let subject = parse_id(ctx, "personId", &person_id, PersonId)?;
        Ok(async_graphql::Json(services(ctx).privacy.export(actor, subject).await.gql(ctx)?))
    }
}

/// The personal-data mutations.
#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Records a consent from its signed document.
    async fn record_consent(&self, ctx: &Context<'_>, input: ConsentInputGql) -> Result<ConsentGql> {
        let actor = actor(ctx)?;
        let recipient =
            input.recipient_id.map(|id| parse_id(ctx, "input.recipientId", &id, kernel::OrganizationId)).transpose()?;
        if let Some(recipient) = recipient {
            let known = services(ctx).registry.organization(actor, recipient).await.gql(ctx)?;
            if known.is_none() {
                let message = match crate::graphql::shared::lang(ctx) {
                    kernel::Lang::Ru => "организации-получателя нет в реестре",
                    kernel::Lang::En => "the recipient organisation is not in the registry",
                };
                return Err(crate::graphql::shared::error(
                    ctx,
                    crate::graphql::shared::Code::BadUserInput,
                    message,
                    Some("input.recipientId"),
                ));
            }
        }
        let new = NewConsent {
            subject: parse_id(ctx, "input.personId", &input.person_id, PersonId)?,
            kind: ConsentKind::from(input.kind),
            purpose: input.purpose,
            categories: input.categories,
            document: input.document,
            recipient,
        };
        Ok(services(ctx).privacy.record_consent(actor, new).await.gql(ctx)?.into())
    }

    /// Withdraws a consent: processing for its purpose stops, a withdrawn distribution consent
    /// takes the person out of the public directory at once, and the data are destroyed by
    /// `nko privacy run` within 30 days.
    async fn withdraw_consent(&self, ctx: &Context<'_>, id: ID) -> Result<ConsentGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, ConsentId)?;
        Ok(services(ctx).privacy.withdraw_consent(actor, id).await.gql(ctx)?.into())
    }

    /// Registers a subject access request (received today when `receivedOn` is absent).
    async fn register_subject_request(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
        received_on: Option<NaiveDate>,
    ) -> Result<SubjectRequestGql> {
        let actor = actor(ctx)?;
        let subject = parse_id(ctx, "personId", &person_id, PersonId)?;
        Ok(services(ctx).privacy.register_request(actor, subject, received_on).await.gql(ctx)?.into())
    }

    /// Extends a request once by five working days; the reason is sent to the subject.
    async fn extend_subject_request(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<SubjectRequestGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, SubjectRequestId)?;
        Ok(services(ctx).privacy.extend_request(actor, id, &reason).await.gql(ctx)?.into())
    }

    /// Records that a request was answered (today when `on` is absent).
    async fn answer_subject_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
        on: Option<NaiveDate>,
    ) -> Result<SubjectRequestGql> {
        let actor = actor(ctx)?;
        let id = parse_id(ctx, "id", &id, SubjectRequestId)?;
        Ok(services(ctx).privacy.answer_request(actor, id, on).await.gql(ctx)?.into())
    }

    /// Removes every direct identifier of a person, keeping every count (administrators).
    async fn anonymise_person(&self, ctx: &Context<'_>, person_id: ID) -> Result<bool> {
        let actor = actor(ctx)?;
        let subject = parse_id(ctx, "personId", &person_id, PersonId)?;
        services(ctx).privacy.anonymise(actor, subject).await.gql(ctx)?;
        Ok(true)
    }
}
