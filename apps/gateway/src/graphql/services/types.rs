//! The services domain's object types: wrappers around domain values, and its enums, each
//! mirroring the domain's by `remote`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Lang, TermKind};
use services_catalog::model::case::AdvocacyCase;
use services_catalog::model::catalogue::CatalogueService;
use services_catalog::model::delivery::{DeliveredService, Deliverer, Delivery, Recipient};
use services_catalog::model::directory::DirectoryService;
use services_catalog::model::referral::{Referral, ReferredPerson};
use services_catalog::model::request::{Applicant, Request, RequestEvent};
use services_catalog::model::values::Code;
use services_catalog::rules::dispatch::Reason;
use services_catalog::service::Dispatched;

use crate::graphql::registry::loaders::loaders as registry_loaders;
use crate::graphql::registry::types::{OrganizationGql, TermGql, term};
use crate::graphql::shared::errors::Code as ErrorCode;
use crate::graphql::shared::mirror::mirror_enum;
use crate::graphql::shared::{GqlResult, lang, services};
use kernel::Localized as _;
use services_catalog::ServicesError;

mirror_enum! {
    /// Who may ask the centre for a service.
    AudienceGql as "Audience" = "services_catalog::model::catalogue::Audience" {
        Ngo => "A non-profit organisation.",
        Citizen => "A citizen.",
        Business => "A business (charity programmes).",
        PublicBody => "A state or municipal body.",
    }
}

mirror_enum! {
    /// How a term's days are counted.
    DayCountGql as "DayCount" = "services_catalog::rules::deadlines::DayCount" {
        Calendar => "Calendar days (59-FZ), moved off days off when the policy says so.",
        Working => "Working days of the production calendar.",
    }
}

mirror_enum! {
    /// What a directory service costs the person.
    CostGql as "Cost" = "services_catalog::model::directory::Cost" {
        Free => "Free of charge.",
        Paid => "Paid.",
        Partly => "Free for some (442-FZ art. 31), paid for others, or partly paid.",
    }
}

mirror_enum! {
    /// Whether a directory service takes new people.
    ServiceStatusGql as "ServiceStatus" = "services_catalog::model::directory::ServiceStatus" {
        Active => "Offered.",
        Retired => "No longer offered.",
    }
}

mirror_enum! {
    /// Who a request comes from.
    RequestKindGql as "RequestKind" = "services_catalog::model::request::RequestKind" {
        Ngo => "An NGO asks the centre for one of its services.",
        Citizen => "A citizen's appeal to the public reception (59-FZ).",
    }
}

mirror_enum! {
    /// How a request reached the centre.
    IntakeChannelGql as "IntakeChannel" = "services_catalog::model::request::IntakeChannel" {
        Visit => "In person.",
        Phone => "By telephone.",
        Email => "By e-mail.",
        Web => "Through the public web form.",
        Post => "By post.",
    }
}

mirror_enum! {
    /// Where a request is in its life.
    RequestStateGql as "RequestState" = "services_catalog::model::request::RequestState" {
        Received => "Received, not registered yet (register within 3 days).",
        Registered => "Registered: the answer term runs.",
        Assigned => "Given to a member of staff.",
        InProgress => "Being worked on.",
        Answered => "Answered on the merits.",
        Redirected => "Sent on to the competent body or organisation.",
        Rejected => "Left without an answer on the merits (59-FZ art. 11) or withdrawn.",
        Closed => "Closed.",
    }
}

mirror_enum! {
    /// Why a request is left without an answer on the merits.
    RejectionReasonGql as "RejectionReason" = "services_catalog::model::request::RejectionReason" {
        Anonymous => "No name or address (59-FZ art. 11 p. 1).",
        Offensive => "Obscene or offensive language (art. 11 p. 3).",
        Unreadable => "Cannot be read (art. 11 p. 4).",
        CourtDecision => "Against a court decision (art. 11 p. 2).",
        Repeated => "Repeats an answered appeal without new arguments (art. 11 p. 5).",
        Withdrawn => "Withdrawn by the applicant (art. 5).",
    }
}

mirror_enum! {
    /// Where a referral is.
    ReferralStateGql as "ReferralState" = "services_catalog::model::referral::ReferralState" {
        Pending => "Sent, not answered by the NGO.",
        Accepted => "The NGO takes the person.",
        Declined => "The NGO cannot take the person.",
        Completed => "The service was given.",
        Revoked => "The centre withdrew it.",
    }
}

mirror_enum! {
    /// What is done to a referral.
    ReferralStepGql as "ReferralStep" = "services_catalog::rules::referral_flow::ReferralStep" {
        Accept => "The NGO takes the person.",
        Decline => "The NGO cannot take the person (say why).",
        Complete => "The service was given.",
        Revoke => "The centre withdraws it (say why).",
    }
}

mirror_enum! {
    /// Whether a case document came in or went out.
    DirectionGql as "DocumentDirection" = "services_catalog::model::case::Direction" {
        Incoming => "Received.",
        Outgoing => "Sent.",
    }
}

mirror_enum! {
    /// The queues of the request desk.
    QueueGql as "RequestQueue" = "services_catalog::service::QueueName" {
        Mine => "Open requests assigned to me.",
        Unassigned => "Open requests nobody is assigned to.",
        AtRisk => "Open requests whose deadline is within three working days.",
        Overdue => "Open requests whose deadline has passed.",
    }
}

fn codes(ctx: &Context<'_>, kind: TermKind, codes: &[Code]) -> Vec<TermGql> {
    codes.iter().map(|c| term(ctx, kind, c.as_str())).collect()
}

/// A service of the centre's catalogue.
pub struct CatalogueServiceGql(pub CatalogueService);

#[Object(name = "CatalogueService")]
impl CatalogueServiceGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Optimistic-concurrency version: pass it as `expectedVersion` when changing the service.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn code(&self) -> &str {
        self.0.code.as_str()
    }
    /// The catalogue's section.
    async fn category(&self) -> &str {
        self.0.category.as_str()
    }
    /// The name in the caller's language.
    async fn name(&self, ctx: &Context<'_>) -> &str {
        if lang(ctx) == Lang::En { &self.0.name_en } else { &self.0.name_ru }
    }
    async fn name_ru(&self) -> &str {
        &self.0.name_ru
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn audiences(&self) -> Vec<AudienceGql> {
        self.0.audiences.iter().map(|a| (*a).into()).collect()
    }
    /// The unit deliveries are counted in.
    async fn unit(&self) -> &str {
        self.0.unit.as_str()
    }
    /// The answer term of a request for it, in days.
    async fn deadline_days(&self) -> u16 {
        self.0.deadline.days
    }
    async fn deadline_counting(&self) -> DayCountGql {
        self.0.deadline.counting.into()
    }
    /// A calendar deadline on a day off moves to the next working day.
    async fn shift_to_working_day(&self) -> bool {
        self.0.deadline.shift_to_working_day
    }
    /// The role that answers for it (`coordinator`, `trainer`...).
    async fn responsible(&self) -> &str {
        self.0.responsible.code()
    }
    /// The day it was retired.
    async fn retired_on(&self) -> Option<NaiveDate> {
        self.0.retired_on
    }
}

/// Who a directory service is for.
#[derive(SimpleObject)]
#[graphql(name = "Eligibility")]
pub struct EligibilityGql {
    /// Youngest age served.
    pub min_age: Option<u8>,
    /// Oldest age served.
    pub max_age: Option<u8>,
    /// Only people of one of these target groups (empty: anyone).
    pub target_groups: Vec<TermGql>,
    /// Income limit as a multiple of the regional subsistence minimum (1.5 = 1.5 × ПМ).
    pub income_limit: Option<f64>,
    /// Documents the person brings.
    pub documents: Vec<String>,
}

/// Places of a directory service.
#[derive(SimpleObject)]
#[graphql(name = "Capacity")]
pub struct CapacityGql {
    /// Places in all.
    pub total: u32,
    /// Places free now.
    pub free: u32,
}

/// One step of a service pathway.
#[derive(SimpleObject)]
#[graphql(name = "PathwayStep")]
pub struct PathwayStepGql {
    /// What happens.
    pub title: String,
    /// Who does it.
    pub who: String,
    /// Documents needed.
    pub documents: Vec<String>,
    /// Expected duration in days.
    pub expected_days: u16,
}

/// A social service an organisation of the registry offers (HSDS-shaped).
pub struct DirectoryServiceGql(pub Arc<DirectoryService>);

#[Object(name = "DirectoryService")]
impl DirectoryServiceGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn provider_id(&self) -> ID {
        ID(self.0.provider.to_string())
    }
    /// The organisation that provides it (null when the caller may not see it).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        Ok(registry_loaders(ctx).organizations.load_one(self.0.provider).await.gql(ctx)?.map(OrganizationGql))
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Types of social services (442-FZ art. 20-22).
    async fn service_types(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        codes(ctx, TermKind::ServiceType, &self.0.service_types)
    }
    /// Forms of service.
    async fn forms(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        codes(ctx, TermKind::ServiceForm, &self.0.forms)
    }
    /// Needs served (442-FZ art. 15).
    async fn needs(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        codes(ctx, TermKind::TargetGroup, &self.0.needs)
    }
    /// Municipalities served; empty: the whole region.
    async fn municipalities(&self, ctx: &Context<'_>) -> Vec<TermGql> {
        codes(ctx, TermKind::Municipality, &self.0.municipalities)
    }
    async fn eligibility(&self, ctx: &Context<'_>) -> EligibilityGql {
        let e = &self.0.eligibility;
        EligibilityGql {
            min_age: e.min_age,
            max_age: e.max_age,
            target_groups: codes(ctx, TermKind::TargetGroup, &e.target_groups),
            income_limit: e.income_limit.map(|l| f64::from(l) / 100.0),
            documents: e.documents.clone(),
        }
    }
    /// Languages (ISO 639-1); Russian when none is named.
    async fn languages(&self) -> Vec<String> {
        self.0.spoken().map(str::to_owned).collect()
    }
    async fn schedule(&self) -> Option<&str> {
        self.0.schedule.as_deref()
    }
    async fn cost(&self) -> CostGql {
        self.0.cost.into()
    }
    async fn fees(&self) -> Option<&str> {
        self.0.fees.as_deref()
    }
    async fn capacity(&self) -> Option<CapacityGql> {
        self.0.capacity.map(|c| CapacityGql { total: c.total, free: c.free })
    }
    /// The pathway's steps, in order.
    async fn pathway(&self) -> Vec<PathwayStepGql> {
        self.0
            .pathway
            .iter()
            .map(|s| PathwayStepGql {
                title: s.title.clone(),
                who: s.who.clone(),
                documents: s.documents.clone(),
                expected_days: s.expected_days,
            })
            .collect()
    }
    async fn status(&self) -> ServiceStatusGql {
        self.0.status.into()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Who a request comes from.
pub struct ApplicantGql(Applicant);

#[Object(name = "Applicant")]
impl ApplicantGql {
    /// `organization`, `person`, `citizen` or `anonymous`.
    async fn kind(&self) -> &str {
        match self.0 {
            Applicant::Organization(_) => "organization",
            Applicant::Person(_) => "person",
            Applicant::Citizen(_) => "citizen",
            Applicant::Anonymous => "anonymous",
        }
    }
    /// The organisation, when an organisation asks (null when the caller may not see it).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        let Applicant::Organization(id) = self.0 else { return Ok(None) };
        Ok(registry_loaders(ctx).organizations.load_one(id).await.gql(ctx)?.map(OrganizationGql))
    }
    /// The registry person, when a registry person asks.
    async fn person_id(&self) -> Option<ID> {
        self.0.person().map(|p| ID(p.to_string()))
    }
    /// The name a citizen gave.
    async fn name(&self) -> Option<&str> {
        match &self.0 {
            Applicant::Citizen(c) => c.name.as_deref(),
            _ => None,
        }
    }
    async fn email(&self) -> Option<&str> {
        match &self.0 {
            Applicant::Citizen(c) => c.email.as_deref(),
            _ => None,
        }
    }
    async fn postal_address(&self) -> Option<&str> {
        match &self.0 {
            Applicant::Citizen(c) => c.postal_address.as_deref(),
            _ => None,
        }
    }
    async fn phone(&self) -> Option<&str> {
        match &self.0 {
            Applicant::Citizen(c) => c.phone.as_deref(),
            _ => None,
        }
    }
    /// Whether an answer can be given (59-FZ art. 11 p. 1: a name and an address).
    async fn can_be_answered(&self) -> bool {
        self.0.can_be_answered()
    }
}

/// A file that came with a request (its description).
#[derive(SimpleObject)]
#[graphql(name = "Attachment")]
pub struct AttachmentGql {
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// The one extension of a request's answer term.
#[derive(SimpleObject)]
#[graphql(name = "Extension")]
pub struct ExtensionGql {
    /// The day it was decided.
    pub on: NaiveDate,
    /// Calendar days added.
    pub days: u16,
    /// Why.
    pub reason: String,
    /// How the applicant was told.
    pub notice: String,
}

/// One entry of a request's history.
#[derive(SimpleObject)]
#[graphql(name = "RequestEvent")]
pub struct RequestEventGql {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (login).
    pub by: String,
    /// The state after it.
    pub state: RequestStateGql,
    /// What happened (`register`, `assign`, `referral_accepted`...).
    pub what: String,
    /// The reason, the body redirected to, the referral's outcome.
    pub note: Option<String>,
}

impl From<RequestEvent> for RequestEventGql {
    fn from(e: RequestEvent) -> Self {
        Self { at: e.at, by: e.by, state: e.state.into(), what: e.what, note: e.note }
    }
}

/// A request to the centre or a citizen's appeal.
pub struct RequestGql(pub Arc<Request>);

#[Object(name = "Request")]
impl RequestGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The registration number, `YYYY-NNNNN`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Optimistic-concurrency version: pass it as `expectedVersion` with every step.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn kind(&self) -> RequestKindGql {
        self.0.kind.into()
    }
    async fn channel(&self) -> IntakeChannelGql {
        self.0.channel.into()
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    /// The catalogue service asked for.
    async fn service_id(&self) -> Option<ID> {
        self.0.service.map(|s| ID(s.to_string()))
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    async fn attachments(&self) -> Vec<AttachmentGql> {
        self.0
            .attachments
            .iter()
            .map(|a| AttachmentGql { name: a.name.clone(), media_type: a.media_type.clone(), size_bytes: a.size_bytes })
            .collect()
    }
    async fn applicant(&self) -> ApplicantGql {
        ApplicantGql(self.0.applicant.clone())
    }
    /// The applicant consented to the processing of the personal data in it.
    async fn consent_given(&self) -> bool {
        self.0.consent_given
    }
    async fn received_on(&self) -> NaiveDate {
        self.0.received_on
    }
    /// Must be registered by this day (3 days after receipt).
    async fn register_due(&self) -> NaiveDate {
        self.0.register_due
    }
    async fn state(&self) -> RequestStateGql {
        self.0.state.into()
    }
    async fn registered_on(&self) -> Option<NaiveDate> {
        self.0.registered_on
    }
    /// The answer is due by this day (with the extension).
    async fn answer_due(&self) -> Option<NaiveDate> {
        self.0.answer_due
    }
    /// If outside the centre's competence, it must be redirected by this day (7 days after
    /// registration, 59-FZ art. 8 p. 3).
    async fn redirect_due(&self) -> Option<NaiveDate> {
        let registered = self.0.registered_on?;
        services_catalog::rules::deadlines::redirect_due(registered).ok().map(|d| d.on)
    }
    /// The deadline running now: registration while received, the answer after.
    async fn deadline(&self) -> Option<NaiveDate> {
        self.0.deadline()
    }
    /// Open and past its running deadline today.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        self.0.is_overdue(services(ctx).clock.today())
    }
    /// A deadline rests on a production calendar not decreed yet.
    async fn due_predicted(&self) -> bool {
        self.0.due_predicted
    }
    async fn extension(&self) -> Option<ExtensionGql> {
        self.0.extension.as_ref().map(|e| ExtensionGql {
            on: e.on,
            days: e.days,
            reason: e.reason.clone(),
            notice: e.notice.clone(),
        })
    }
    /// The login of the staff member working on it.
    async fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }
    async fn answer(&self) -> Option<&str> {
        self.0.answer.as_deref()
    }
    /// The day it was answered, redirected, rejected or closed (the last of these).
    async fn resolved_on(&self) -> Option<NaiveDate> {
        self.0.resolved_on
    }
    async fn redirected_to(&self) -> Option<&str> {
        self.0.redirected_to.as_deref()
    }
    async fn rejection(&self) -> Option<RejectionReasonGql> {
        self.0.rejection.map(Into::into)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// What happened to it, oldest first (one read per request: ask it of one request, not of a
    /// page).
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<RequestEventGql>> {
        let actor = crate::graphql::shared::actor(ctx)?;
        let history = services(ctx).catalog.history(actor, self.0.id).await.gql(ctx)?;
        Ok(history.into_iter().map(Into::into).collect())
    }
}

/// A referral of a person to an NGO's service.
pub struct ReferralGql(pub Arc<Referral>);

#[Object(name = "Referral")]
impl ReferralGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn request_id(&self) -> ID {
        ID(self.0.request.to_string())
    }
    async fn person_id(&self) -> ID {
        ID(self.0.person.to_string())
    }
    async fn service_id(&self) -> ID {
        ID(self.0.service.to_string())
    }
    async fn provider_id(&self) -> ID {
        ID(self.0.provider.to_string())
    }
    /// The NGO (null when the caller may not see it).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        Ok(registry_loaders(ctx).organizations.load_one(self.0.provider).await.gql(ctx)?.map(OrganizationGql))
    }
    /// The name and contacts of the person referred, for the NGO the referral is sent to (and
    /// the centre): personal data, only while the referral is pending or accepted and the
    /// person's consent to share their data with that NGO holds (`CONFLICT` otherwise); every
    /// read is recorded in the audit log. Null with its error when refused, so a list of
    /// referrals still answers the others.
    async fn referred_person(&self, ctx: &Context<'_>) -> Result<Option<ReferredPersonGql>> {
        let actor = crate::graphql::shared::context::actor(ctx)?;
        match services(ctx).catalog.referred_person(actor, self.0.id).await {
            Ok(person) => Ok(Some(ReferredPersonGql::from(person))),
            // No input names the person here: the consent is missing, not an argument.
            Err(ServicesError::NoConsent) => {
                let message = ServicesError::NoConsent.message(lang(ctx));
                Err(crate::graphql::shared::errors::error(ctx, ErrorCode::Conflict, message, None))
            }
            Err(other) => Err(other).gql(ctx),
        }
    }
    async fn state(&self) -> ReferralStateGql {
        self.0.state.into()
    }
    /// What the centre tells the NGO.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The last word: why declined, what was given, why revoked.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn answered_by(&self) -> Option<&str> {
        self.0.answered_by.as_deref()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// What the NGO a person is referred to may know of them.
#[derive(SimpleObject)]
#[graphql(name = "ReferredPerson")]
pub struct ReferredPersonGql {
    /// The person's id in the registry.
    pub id: ID,
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

impl From<ReferredPerson> for ReferredPersonGql {
    fn from(p: ReferredPerson) -> Self {
        Self {
            id: ID(p.id.to_string()),
            last_name: p.last_name,
            first_name: p.first_name,
            middle_name: p.middle_name,
            phones: p.phones,
            emails: p.emails,
        }
    }
}

/// One service given.
pub struct DeliveryGql(pub Arc<Delivery>);

#[Object(name = "Delivery")]
impl DeliveryGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The centre's service, when it was one of the catalogue's.
    async fn catalogue_service_id(&self) -> Option<ID> {
        match self.0.service {
            DeliveredService::Catalogue(id) => Some(ID(id.to_string())),
            DeliveredService::Directory(_) => None,
        }
    }
    /// The NGO's service, when it was one of the directory's.
    async fn directory_service_id(&self) -> Option<ID> {
        match self.0.service {
            DeliveredService::Directory(id) => Some(ID(id.to_string())),
            DeliveredService::Catalogue(_) => None,
        }
    }
    /// The organisation that received it (null for a person or a group, or when the caller may
    /// not see it).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationGql>> {
        let Recipient::Organization(id) = self.0.recipient else { return Ok(None) };
        Ok(registry_loaders(ctx).organizations.load_one(id).await.gql(ctx)?.map(OrganizationGql))
    }
    /// The person who received it.
    async fn person_id(&self) -> Option<ID> {
        match self.0.recipient {
            Recipient::Person(id) => Some(ID(id.to_string())),
            _ => None,
        }
    }
    /// How many people, for a group.
    async fn head_count(&self) -> Option<u32> {
        match self.0.recipient {
            Recipient::Group { head_count, .. } => Some(head_count),
            _ => None,
        }
    }
    /// Who the group was.
    async fn group_description(&self) -> Option<&str> {
        match &self.0.recipient {
            Recipient::Group { description, .. } => Some(description),
            _ => None,
        }
    }
    async fn delivered_on(&self) -> NaiveDate {
        self.0.delivered_on
    }
    /// How much, in the service's unit.
    async fn quantity(&self) -> f64 {
        f64::from(self.0.quantity) / 100.0
    }
    /// The member of staff who gave it.
    async fn staff_login(&self) -> Option<&str> {
        match &self.0.delivered_by {
            Deliverer::Staff(login) => Some(login),
            Deliverer::Volunteer(_) => None,
        }
    }
    /// The volunteer who gave it.
    async fn volunteer_id(&self) -> Option<ID> {
        match self.0.delivered_by {
            Deliverer::Volunteer(id) => Some(ID(id.to_string())),
            Deliverer::Staff(_) => None,
        }
    }
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// 1 to 5.
    async fn satisfaction(&self) -> Option<u8> {
        self.0.satisfaction
    }
    async fn request_id(&self) -> Option<ID> {
        self.0.request.map(|r| ID(r.to_string()))
    }
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// A party to a case.
#[derive(SimpleObject)]
#[graphql(name = "CaseParty")]
pub struct PartyGql {
    /// Plaintiff, defendant, applicant...
    pub role: String,
    /// Its name.
    pub name: String,
}

/// A hearing of a case.
#[derive(SimpleObject)]
#[graphql(name = "CaseHearing")]
pub struct HearingGql {
    /// When.
    pub at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Note.
    pub note: Option<String>,
}

/// A procedural deadline of a case.
#[derive(SimpleObject)]
#[graphql(name = "CaseDeadline")]
pub struct DeadlineGql {
    /// The last day.
    pub due_on: NaiveDate,
    /// What must be done.
    pub what: String,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
}

/// An entry of a case's register of documents.
#[derive(SimpleObject)]
#[graphql(name = "CaseDocument")]
pub struct DocumentGql {
    /// In or out.
    pub direction: DirectionGql,
    /// Its number.
    pub number: String,
    /// Its date.
    pub dated: NaiveDate,
    /// What it is.
    pub title: String,
}

/// A public advocacy case.
pub struct AdvocacyCaseGql(pub Arc<AdvocacyCase>);

#[Object(name = "AdvocacyCase")]
impl AdvocacyCaseGql {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn request_id(&self) -> ID {
        ID(self.0.request.to_string())
    }
    /// The lawyer's login.
    async fn lawyer(&self) -> &str {
        &self.0.lawyer
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn parties(&self) -> Vec<PartyGql> {
        self.0.parties.iter().map(|p| PartyGql { role: p.role.clone(), name: p.name.clone() }).collect()
    }
    /// The court or body.
    async fn forum(&self) -> Option<&str> {
        self.0.forum.as_deref()
    }
    async fn case_number(&self) -> Option<&str> {
        self.0.case_number.as_deref()
    }
    async fn hearings(&self) -> Vec<HearingGql> {
        self.0.hearings.iter().map(|h| HearingGql { at: h.at, place: h.place.clone(), note: h.note.clone() }).collect()
    }
    /// Procedural deadlines, by date; pass a deadline's position as `index` to mark it done.
    async fn deadlines(&self) -> Vec<DeadlineGql> {
        self.0
            .deadlines
            .iter()
            .map(|d| DeadlineGql { due_on: d.due_on, what: d.what.clone(), done_on: d.done_on })
            .collect()
    }
    /// The earliest deadline not done yet.
    async fn next_deadline(&self) -> Option<NaiveDate> {
        self.0.next_deadline()
    }
    async fn documents(&self) -> Vec<DocumentGql> {
        self.0
            .documents
            .iter()
            .map(|d| DocumentGql {
                direction: d.direction.into(),
                number: d.number.clone(),
                dated: d.dated,
                title: d.title.clone(),
            })
            .collect()
    }
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    async fn closed_on(&self) -> Option<NaiveDate> {
        self.0.closed_on
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// How many open requests each queue holds today.
#[derive(SimpleObject)]
#[graphql(name = "RequestCounts")]
pub struct QueueCountsGql {
    /// Open requests.
    pub open: u64,
    /// Open and nobody assigned.
    pub unassigned: u64,
    /// Open, deadline within three working days.
    pub at_risk: u64,
    /// Open, deadline passed.
    pub overdue: u64,
    /// Open and assigned to me.
    pub mine: u64,
}

/// One reason of a dispatch ranking.
#[derive(SimpleObject)]
#[graphql(name = "RankReason")]
pub struct ReasonGql {
    /// A stable code (`serves_municipality`, `free_places`, `check_age`...).
    pub code: String,
    /// The reason in the caller's language.
    pub text: String,
}

/// The code and the words of a dispatch reason.
pub fn reason(r: &Reason, lang: Lang) -> ReasonGql {
    let ru = lang != Lang::En;
    let (code, text) = match r {
        Reason::ServesMunicipality => (
            "serves_municipality",
            if ru {
                "работает в вашем муниципалитете"
            } else {
                "serves the person's municipality"
            }
            .to_owned(),
        ),
        Reason::ServesRegion => {
            ("serves_region", if ru { "работает по всей области" } else { "serves the whole region" }.to_owned())
        }
        Reason::Remote => ("remote", if ru { "помогает дистанционно" } else { "helps remotely" }.to_owned()),
        Reason::OutsideTerritory => (
            "outside_territory",
            if ru {
                "не работает в этом муниципалитете"
            } else {
                "does not serve this municipality"
            }
            .to_owned(),
        ),
        Reason::TerritoryUnknown => (
            "territory_unknown",
            if ru {
                "муниципалитет человека не указан"
            } else {
                "the person's municipality is not given"
            }
            .to_owned(),
        ),
        Reason::MatchesNeed => {
            ("matches_need", if ru { "помогает именно с этой нуждой" } else { "serves this need" }.to_owned())
        }
        Reason::MatchesTargetGroup(g) => (
            "matches_target_group",
            if ru { format!("работает с группой «{g}»") } else { format!("serves the group `{g}`") },
        ),
        Reason::FreePlaces(n) => {
            ("free_places", if ru { format!("свободных мест: {n}") } else { format!("{n} places free") })
        }
        Reason::Full => ("full", if ru { "свободных мест нет" } else { "no free place now" }.to_owned()),
        Reason::CapacityUnknown => {
            ("capacity_unknown", if ru { "число мест не указано" } else { "places not given" }.to_owned())
        }
        Reason::SpeaksLanguage(l) => {
            ("speaks_language", if ru { format!("работает на языке «{l}»") } else { format!("works in `{l}`") })
        }
        Reason::OtherLanguage => (
            "other_language",
            if ru { "не работает на языке человека" } else { "not in the person's language" }.to_owned(),
        ),
        Reason::CheckAge => (
            "check_age",
            if ru {
                "есть ограничение по возрасту: уточните возраст"
            } else {
                "has an age limit: check the age"
            }
            .to_owned(),
        ),
        Reason::CheckIncome => (
            "check_income",
            if ru {
                "есть ограничение по доходу: уточните доход"
            } else {
                "has an income limit: check the income"
            }
            .to_owned(),
        ),
    };
    ReasonGql { code: code.to_owned(), text }
}

/// A directory service ranked for a need.
pub struct RankedServiceGql(pub Dispatched);

#[Object(name = "RankedService")]
impl RankedServiceGql {
    /// Higher is better: territory weighs most, then the need, then free places, then language.
    async fn score(&self) -> u32 {
        self.0.ranked.score
    }
    /// Why it ranks here, and what to check.
    async fn reasons(&self, ctx: &Context<'_>) -> Vec<ReasonGql> {
        self.0.ranked.reasons.iter().map(|r| reason(r, lang(ctx))).collect()
    }
    async fn service(&self) -> DirectoryServiceGql {
        DirectoryServiceGql(Arc::new(self.0.service.clone()))
    }
}
