//! The services domain's input types and filters, and their translation into the use cases'
//! inputs; an id that is not an id is `BAD_USER_INPUT` naming its field.

use async_graphql::{Context, ID, InputObject, OneofObject, Result};
use chrono::{DateTime, NaiveDate, Utc};
use kernel::{OrganizationId, PersonId};
use services_catalog::model::catalogue::CatalogueServiceId;
use services_catalog::model::delivery::DeliveredService;
use services_catalog::model::directory::DirectoryServiceId;
use services_catalog::model::request::RequestId;
use services_catalog::model::values::Code;
use services_catalog::ports::{CaseFilter, DeliveryFilter, DirectoryFilter, ReferralFilter, RequestFilter};
use services_catalog::service::{
    ApplicantInput, AttachmentInput, CaseChange, CaseInput, CatalogueInput, DeliveryInput, DirectoryInput,
    DocumentInput, EligibilityInput, HearingInput, NeedInput, PathwayStepInput, RecipientInput, RequestInput,
    StepInput,
};

use super::types::{
    AudienceGql, CostGql, DayCountGql, DirectionGql, IntakeChannelGql, ReferralStateGql, RejectionReasonGql,
    RequestKindGql, RequestStateGql, ServiceStatusGql,
};
use crate::graphql::shared::{Code as ErrorCode, error, parse_id};

fn optional_id<T>(ctx: &Context<'_>, field: &str, id: Option<ID>, make: fn(uuid::Uuid) -> T) -> Result<Option<T>> {
    id.map(|id| parse_id(ctx, field, &id, make)).transpose()
}

/// A code filter: blank is no filter; a code that is not a code names its field.
fn code_filter(ctx: &Context<'_>, field: &str, raw: Option<String>) -> Result<Option<Code>> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => Code::parse(raw).map(Some).map_err(|problem| {
            error(
                ctx,
                ErrorCode::BadUserInput,
                kernel::Localized::message(&problem, crate::graphql::shared::lang(ctx)),
                Some(field),
            )
        }),
    }
}

/// A number as hundredths: a multiple of the subsistence minimum, a quantity; anything that is
/// not a finite number with at most two decimals becomes -1, which every range refuses.
fn hundredths(value: f64) -> i64 {
    let scaled = (value * 100.0).round();
    if value.is_finite() && (scaled - value * 100.0).abs() < 1e-6 && scaled.abs() < 1e15 { scaled as i64 } else { -1 }
}

/// A catalogue service as typed.
#[derive(InputObject)]
#[graphql(name = "CatalogueServiceInput")]
pub struct CatalogueServiceInputGql {
    /// Stable code (`room_booking`).
    pub code: String,
    /// The catalogue's section (`technical_help`, `information_support`, `training_consulting`,
    /// `organisational_support`, `common_interest`, `additional`).
    pub category: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Name in English.
    pub name_en: String,
    /// What the centre does.
    pub description: String,
    /// Who may ask.
    pub audiences: Vec<AudienceGql>,
    /// The unit deliveries are counted in (`consultation`, `hour`, `event`...).
    pub unit: String,
    /// The answer term, 1 to 365 days.
    pub deadline_days: i32,
    /// How the days are counted.
    #[graphql(default_with = "DayCountGql::Calendar")]
    pub deadline_counting: DayCountGql,
    /// A calendar deadline on a day off moves to the next working day.
    #[graphql(default = true)]
    pub shift_to_working_day: bool,
    /// The role that answers for it.
    pub responsible: String,
}

impl From<CatalogueServiceInputGql> for CatalogueInput {
    fn from(input: CatalogueServiceInputGql) -> Self {
        CatalogueInput {
            code: input.code,
            category: input.category,
            name_ru: input.name_ru,
            name_en: input.name_en,
            description: input.description,
            audiences: input
                .audiences
                .into_iter()
                .map(|a| services_catalog::model::catalogue::Audience::from(a).code().to_owned())
                .collect(),
            unit: input.unit,
            deadline_days: u16::try_from(input.deadline_days).unwrap_or(0),
            deadline_counting: services_catalog::rules::deadlines::DayCount::from(input.deadline_counting)
                .code()
                .to_owned(),
            shift_to_working_day: input.shift_to_working_day,
            responsible: input.responsible,
        }
    }
}

/// Who a directory service is for, as typed.
#[derive(InputObject, Default)]
#[graphql(name = "EligibilityInput")]
pub struct EligibilityInputGql {
    /// Youngest age served.
    pub min_age: Option<i32>,
    /// Oldest age served.
    pub max_age: Option<i32>,
    /// `target_group` codes, one of which the person must be in.
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// Income limit as a multiple of the subsistence minimum (1.5).
    pub income_limit: Option<f64>,
    /// Documents to bring.
    #[graphql(default)]
    pub documents: Vec<String>,
}

/// Places of a directory service, as typed.
#[derive(InputObject)]
#[graphql(name = "CapacityInput")]
pub struct CapacityInputGql {
    /// Places in all.
    pub total: i32,
    /// Places free now.
    pub free: i32,
}

/// A pathway step as typed.
#[derive(InputObject)]
#[graphql(name = "PathwayStepInput")]
pub struct PathwayStepInputGql {
    /// What happens.
    pub title: String,
    /// Who does it.
    pub who: String,
    /// Documents needed.
    #[graphql(default)]
    pub documents: Vec<String>,
    /// Expected duration in days.
    #[graphql(default)]
    pub expected_days: i32,
}

/// A directory service as typed.
#[derive(InputObject)]
#[graphql(name = "DirectoryServiceInput")]
pub struct DirectoryServiceInputGql {
    /// The providing organisation (required to add; a change cannot move it).
    pub provider_id: Option<ID>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// `service_type` codes (442-FZ art. 20-22).
    #[graphql(default)]
    pub service_types: Vec<String>,
    /// `service_form` codes.
    #[graphql(default)]
    pub forms: Vec<String>,
    /// `target_group` codes of the needs served.
    #[graphql(default)]
    pub needs: Vec<String>,
    /// `municipality` codes; empty: the whole region.
    #[graphql(default)]
    pub municipalities: Vec<String>,
    /// Who may receive it.
    pub eligibility: Option<EligibilityInputGql>,
    /// ISO 639-1 language codes; empty: Russian.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Schedule.
    pub schedule: Option<String>,
    /// What it costs.
    pub cost: CostGql,
    /// Tariffs.
    pub fees: Option<String>,
    /// Places.
    pub capacity: Option<CapacityInputGql>,
    /// The pathway's steps, in order.
    #[graphql(default)]
    pub pathway: Vec<PathwayStepInputGql>,
}

impl DirectoryServiceInputGql {
    /// The use case's input; the provider id is checked here.
    pub fn into_input(self, ctx: &Context<'_>) -> Result<DirectoryInput> {
        let eligibility = self.eligibility.unwrap_or_default();
        Ok(DirectoryInput {
            provider: optional_id(ctx, "input.providerId", self.provider_id, OrganizationId)?,
            name: self.name,
            description: self.description,
            service_types: self.service_types,
            forms: self.forms,
            needs: self.needs,
            municipalities: self.municipalities,
            eligibility: EligibilityInput {
                min_age: eligibility.min_age.map(i64::from),
                max_age: eligibility.max_age.map(i64::from),
                target_groups: eligibility.target_groups,
                income_limit: eligibility.income_limit.map(hundredths),
                documents: eligibility.documents,
            },
            languages: self.languages,
            schedule: self.schedule,
            cost: services_catalog::model::directory::Cost::from(self.cost).code().to_owned(),
            fees: self.fees,
            capacity: self.capacity.map(|c| (i64::from(c.total), i64::from(c.free))),
            pathway: self
                .pathway
                .into_iter()
                .map(|s| PathwayStepInput {
                    title: s.title,
                    who: s.who,
                    documents: s.documents,
                    expected_days: i64::from(s.expected_days),
                })
                .collect(),
        })
    }
}

/// Which directory services a list shows.
#[derive(InputObject, Default)]
#[graphql(name = "DirectoryServiceFilter")]
pub struct DirectoryFilterGql {
    /// Text in the name.
    pub text: Option<String>,
    /// Offered by this organisation.
    pub provider_id: Option<ID>,
    /// Serves this need (`target_group` or `service_type` code).
    pub need: Option<String>,
    /// Serves this municipality (by name, or the whole region).
    pub municipality: Option<String>,
    /// Of this form.
    pub form: Option<String>,
    /// Active or retired.
    pub status: Option<ServiceStatusGql>,
}

impl DirectoryFilterGql {
    /// The port's filter; codes and ids are checked here.
    pub fn into_filter(self, ctx: &Context<'_>) -> Result<DirectoryFilter> {
        Ok(DirectoryFilter {
            text: self.text.filter(|t| !t.trim().is_empty()),
            provider: optional_id(ctx, "filter.providerId", self.provider_id, OrganizationId)?,
            need: code_filter(ctx, "filter.need", self.need)?,
            municipality: code_filter(ctx, "filter.municipality", self.municipality)?,
            form: code_filter(ctx, "filter.form", self.form)?,
            status: self.status.map(Into::into),
            active_providers: false,
        })
    }
}

/// The public finder's filter: no provider or status (only active services are found).
#[derive(InputObject, Default)]
#[graphql(name = "ServiceFinderFilter")]
pub struct FinderFilterGql {
    /// Text in the name.
    pub text: Option<String>,
    /// A need (`target_group` or `service_type` code).
    pub need: Option<String>,
    /// The municipality the person lives in.
    pub municipality: Option<String>,
    /// Of this form (`remote`, `home_based`...).
    pub form: Option<String>,
}

impl FinderFilterGql {
    /// The port's filter.
    pub fn into_filter(self, ctx: &Context<'_>) -> Result<DirectoryFilter> {
        DirectoryFilterGql {
            text: self.text,
            need: self.need,
            municipality: self.municipality,
            form: self.form,
            ..Default::default()
        }
        .into_filter(ctx)
    }
}

/// A citizen's contacts as typed.
#[derive(InputObject)]
#[graphql(name = "CitizenInput")]
pub struct CitizenInputGql {
    /// Name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Postal address.
    pub postal_address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

/// Who a request comes from: exactly one of these.
#[derive(OneofObject)]
#[graphql(name = "ApplicantInput")]
pub enum ApplicantInputGql {
    /// An organisation of the registry.
    OrganizationId(ID),
    /// A person of the registry.
    PersonId(ID),
    /// A citizen by what they wrote.
    Citizen(CitizenInputGql),
    /// Nobody named (pass `true`).
    Anonymous(bool),
}

/// A file's description as typed.
#[derive(InputObject)]
#[graphql(name = "AttachmentInput")]
pub struct AttachmentInputGql {
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i32,
}

/// A request as staff or a representative enter it.
#[derive(InputObject)]
#[graphql(name = "RequestInput")]
pub struct RequestInputGql {
    /// An NGO's request or a citizen's appeal.
    pub kind: RequestKindGql,
    /// How it came.
    pub channel: IntakeChannelGql,
    /// Subject in a line.
    pub topic: String,
    /// The catalogue service asked for (its term is the answer term).
    pub service_id: Option<ID>,
    /// The text.
    pub text: String,
    /// Files that came with it.
    #[graphql(default)]
    pub attachments: Vec<AttachmentInputGql>,
    /// Who it comes from (a representative's request is always their organisation's).
    pub applicant: ApplicantInputGql,
    /// The applicant consented to the processing of their data in it.
    #[graphql(default)]
    pub consent_given: bool,
    /// The day it was received (today when absent).
    pub received_on: Option<NaiveDate>,
}

impl RequestInputGql {
    /// The use case's input.
    pub fn into_input(self, ctx: &Context<'_>) -> Result<RequestInput> {
        let applicant = match self.applicant {
            ApplicantInputGql::OrganizationId(id) => {
                ApplicantInput::Organization(parse_id(ctx, "input.applicant.organizationId", &id, OrganizationId)?)
            }
            ApplicantInputGql::PersonId(id) => {
                ApplicantInput::Person(parse_id(ctx, "input.applicant.personId", &id, PersonId)?)
            }
            ApplicantInputGql::Citizen(c) => ApplicantInput::Citizen {
                name: c.name,
                email: c.email,
                postal_address: c.postal_address,
                phone: c.phone,
            },
            ApplicantInputGql::Anonymous(_) => ApplicantInput::Anonymous,
        };
        Ok(RequestInput {
            kind: self.kind.into(),
            channel: self.channel.into(),
            topic: self.topic,
            service: optional_id(ctx, "input.serviceId", self.service_id, CatalogueServiceId)?,
            text: self.text,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| AttachmentInput {
                    name: a.name,
                    media_type: a.media_type,
                    size_bytes: i64::from(a.size_bytes),
                })
                .collect(),
            applicant,
            consent_given: self.consent_given,
            received_on: self.received_on,
        })
    }
}

/// The one extension of an answer term.
#[derive(InputObject)]
#[graphql(name = "ExtensionInput")]
pub struct ExtensionInputGql {
    /// Calendar days, 1 to 30.
    pub days: i32,
    /// Why (59-FZ art. 12 p. 2).
    pub reason: String,
    /// How the applicant was told.
    pub notice: String,
}

/// One step of a request: exactly one of these.
#[derive(OneofObject)]
#[graphql(name = "RequestStepInput")]
pub enum RequestStepInputGql {
    /// Register (pass `true`).
    Register(bool),
    /// Give it to a member of staff (their login).
    Assign(String),
    /// Start work (pass `true`).
    Start(bool),
    /// Extend the answer term once.
    Extend(ExtensionInputGql),
    /// Answer on the merits (the answer as sent).
    Answer(String),
    /// Redirect to the competent body (its name).
    Redirect(String),
    /// Leave without an answer on the merits.
    Reject(RejectionReasonGql),
    /// Close (pass `true`).
    Close(bool),
    /// Open again (pass `true`).
    Reopen(bool),
}

impl From<RequestStepInputGql> for StepInput {
    fn from(step: RequestStepInputGql) -> Self {
        match step {
            RequestStepInputGql::Register(_) => StepInput::Register,
            RequestStepInputGql::Assign(login) => StepInput::Assign(login),
            RequestStepInputGql::Start(_) => StepInput::Start,
            RequestStepInputGql::Extend(e) => {
                StepInput::Extend { days: i64::from(e.days), reason: e.reason, notice: e.notice }
            }
            RequestStepInputGql::Answer(text) => StepInput::Answer(text),
            RequestStepInputGql::Redirect(to) => StepInput::Redirect(to),
            RequestStepInputGql::Reject(reason) => StepInput::Reject(reason.into()),
            RequestStepInputGql::Close(_) => StepInput::Close,
            RequestStepInputGql::Reopen(_) => StepInput::Reopen,
        }
    }
}

/// Which requests a list shows.
#[derive(InputObject, Default)]
#[graphql(name = "RequestFilter")]
pub struct RequestFilterGql {
    /// In this state.
    pub state: Option<RequestStateGql>,
    /// Of this kind.
    pub kind: Option<RequestKindGql>,
    /// From this organisation.
    pub organization_id: Option<ID>,
    /// From this registry person.
    pub person_id: Option<ID>,
}

impl RequestFilterGql {
    /// The port's filter.
    pub fn into_filter(self, ctx: &Context<'_>) -> Result<RequestFilter> {
        Ok(RequestFilter {
            queue: None,
            state: self.state.map(Into::into),
            kind: self.kind.map(Into::into),
            organization: optional_id(ctx, "filter.organizationId", self.organization_id, OrganizationId)?,
            person: optional_id(ctx, "filter.personId", self.person_id, PersonId)?,
        })
    }
}

/// A person's need, as a dispatcher types it.
#[derive(InputObject)]
#[graphql(name = "NeedInput")]
pub struct NeedInputGql {
    /// The need: a `target_group` (442-FZ art. 15) or `service_type` code.
    pub need: String,
    /// Where the person lives (`municipality` code).
    pub municipality: Option<String>,
    /// The person's target groups.
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// Age in years.
    pub age: Option<i32>,
    /// The language they speak best (ISO 639-1).
    pub language: Option<String>,
    /// Household income per person as a multiple of the subsistence minimum (1.2).
    pub income: Option<f64>,
}

impl From<NeedInputGql> for NeedInput {
    fn from(need: NeedInputGql) -> Self {
        NeedInput {
            need: need.need,
            municipality: need.municipality,
            target_groups: need.target_groups,
            age: need.age.map(i64::from),
            language: need.language,
            income: need.income.map(hundredths),
        }
    }
}

/// A referral as a dispatcher sends it.
#[derive(InputObject)]
#[graphql(name = "ReferralInput")]
pub struct ReferralInputGql {
    /// The request it serves.
    pub request_id: ID,
    /// The person referred (they must have consented to share their data with the NGO).
    pub person_id: ID,
    /// The directory service.
    pub service_id: ID,
    /// What the centre tells the NGO.
    pub note: Option<String>,
}

impl ReferralInputGql {
    /// The use case's input.
    pub fn into_input(self, ctx: &Context<'_>) -> Result<services_catalog::service::ReferralInput> {
        Ok(services_catalog::service::ReferralInput {
            request: parse_id(ctx, "input.requestId", &self.request_id, RequestId)?,
            person: parse_id(ctx, "input.personId", &self.person_id, PersonId)?,
            service: parse_id(ctx, "input.serviceId", &self.service_id, DirectoryServiceId)?,
            note: self.note,
        })
    }
}

/// Which referrals a list shows.
#[derive(InputObject, Default)]
#[graphql(name = "ReferralFilter")]
pub struct ReferralFilterGql {
    /// To this organisation.
    pub provider_id: Option<ID>,
    /// For this request.
    pub request_id: Option<ID>,
    /// In this state.
    pub state: Option<ReferralStateGql>,
}

impl ReferralFilterGql {
    /// The port's filter.
    pub fn into_filter(self, ctx: &Context<'_>) -> Result<ReferralFilter> {
        Ok(ReferralFilter {
            provider: optional_id(ctx, "filter.providerId", self.provider_id, OrganizationId)?,
            request: optional_id(ctx, "filter.requestId", self.request_id, RequestId)?,
            state: self.state.map(Into::into),
        })
    }
}

/// A counted group that received a service.
#[derive(InputObject)]
#[graphql(name = "GroupInput")]
pub struct GroupInputGql {
    /// How many people.
    pub head_count: i32,
    /// Who they were.
    pub description: String,
}

/// One service given, as typed: exactly one service and exactly one recipient.
#[derive(InputObject)]
#[graphql(name = "DeliveryInput")]
pub struct DeliveryInputGql {
    /// One of the centre's services.
    pub catalogue_service_id: Option<ID>,
    /// Or an NGO's, from the directory.
    pub directory_service_id: Option<ID>,
    /// Received by an organisation...
    pub organization_id: Option<ID>,
    /// ...or a person...
    pub person_id: Option<ID>,
    /// ...or a counted group.
    pub group: Option<GroupInputGql>,
    /// The day.
    pub delivered_on: NaiveDate,
    /// How much, in the service's unit (1.5 hours).
    pub quantity: f64,
    /// A volunteer who gave it.
    pub volunteer_id: Option<ID>,
    /// The member of staff who gave it (the recording login when neither is given).
    pub staff_login: Option<String>,
    /// What came of it.
    pub outcome: Option<String>,
    /// Satisfaction 1 to 5.
    pub satisfaction: Option<i32>,
    /// The request it answered.
    pub request_id: Option<ID>,
}

impl DeliveryInputGql {
    /// The use case's input; the field names the row (`input[2].quantity`).
    pub fn into_input(self, ctx: &Context<'_>, row: usize) -> Result<DeliveryInput> {
        let field = |name: &str| format!("input[{row}].{name}");
        let one_of = |name: &str, ru: &str, en: &str| {
            let message = if crate::graphql::shared::lang(ctx) == kernel::Lang::En { en } else { ru };
            error(ctx, ErrorCode::BadUserInput, message, Some(&field(name)))
        };
        let service = match (self.catalogue_service_id, self.directory_service_id) {
            (Some(id), None) => {
                DeliveredService::Catalogue(parse_id(ctx, &field("catalogueServiceId"), &id, CatalogueServiceId)?)
            }
            (None, Some(id)) => {
                DeliveredService::Directory(parse_id(ctx, &field("directoryServiceId"), &id, DirectoryServiceId)?)
            }
            _ => {
                return Err(one_of(
                    "catalogueServiceId",
                    "укажите одну услугу: из каталога центра или из справочника НКО",
                    "name exactly one service: the centre's or an NGO's",
                ));
            }
        };
        let recipient = match (self.organization_id, self.person_id, self.group) {
            (Some(id), None, None) => {
                RecipientInput::Organization(parse_id(ctx, &field("organizationId"), &id, OrganizationId)?)
            }
            (None, Some(id), None) => RecipientInput::Person(parse_id(ctx, &field("personId"), &id, PersonId)?),
            (None, None, Some(g)) => {
                RecipientInput::Group { head_count: i64::from(g.head_count), description: g.description }
            }
            _ => {
                return Err(one_of(
                    "organizationId",
                    "укажите одного получателя: организацию, человека или группу",
                    "name exactly one recipient: an organisation, a person or a group",
                ));
            }
        };
        Ok(DeliveryInput {
            service,
            recipient,
            delivered_on: self.delivered_on,
            quantity: hundredths(self.quantity),
            volunteer: optional_id(ctx, &field("volunteerId"), self.volunteer_id, PersonId)?,
            staff: self.staff_login,
            outcome: self.outcome,
            satisfaction: self.satisfaction.map(i64::from),
            request: optional_id(ctx, &field("requestId"), self.request_id, RequestId)?,
        })
    }
}

/// Which deliveries a list shows.
#[derive(InputObject, Default)]
#[graphql(name = "DeliveryFilter")]
pub struct DeliveryFilterGql {
    /// Of this catalogue service.
    pub catalogue_service_id: Option<ID>,
    /// Of this directory service.
    pub directory_service_id: Option<ID>,
    /// Received by this organisation.
    pub organization_id: Option<ID>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
}

impl DeliveryFilterGql {
    /// The port's filter.
    pub fn into_filter(self, ctx: &Context<'_>) -> Result<DeliveryFilter> {
        let catalogue = optional_id(ctx, "filter.catalogueServiceId", self.catalogue_service_id, CatalogueServiceId)?;
        let directory = optional_id(ctx, "filter.directoryServiceId", self.directory_service_id, DirectoryServiceId)?;
        Ok(DeliveryFilter {
            service: catalogue.map(DeliveredService::Catalogue).or(directory.map(DeliveredService::Directory)),
            organization: optional_id(ctx, "filter.organizationId", self.organization_id, OrganizationId)?,
            from: self.from,
            to: self.to,
        })
    }
}

/// A party to a case as typed.
#[derive(InputObject)]
#[graphql(name = "CasePartyInput")]
pub struct PartyInputGql {
    /// Plaintiff, defendant...
    pub role: String,
    /// Its name.
    pub name: String,
}

/// A case's details as typed.
#[derive(InputObject)]
#[graphql(name = "AdvocacyCaseInput")]
pub struct CaseInputGql {
    /// The subject.
    pub subject: String,
    /// The lawyer's login (the one opening it when absent).
    pub lawyer: Option<String>,
    /// Court or body.
    pub forum: Option<String>,
    /// Case number there.
    pub case_number: Option<String>,
    /// Parties.
    #[graphql(default)]
    pub parties: Vec<PartyInputGql>,
}

impl From<CaseInputGql> for CaseInput {
    fn from(input: CaseInputGql) -> Self {
        CaseInput {
            subject: input.subject,
            lawyer: input.lawyer,
            forum: input.forum,
            case_number: input.case_number,
            parties: input.parties.into_iter().map(|p| (p.role, p.name)).collect(),
        }
    }
}

/// A hearing as typed.
#[derive(InputObject)]
#[graphql(name = "CaseHearingInput")]
pub struct HearingInputGql {
    /// When.
    pub at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Note.
    pub note: Option<String>,
}

/// A procedural deadline as typed.
#[derive(InputObject)]
#[graphql(name = "CaseDeadlineInput")]
pub struct DeadlineInputGql {
    /// The last day.
    pub due_on: NaiveDate,
    /// What must be done.
    pub what: String,
}

/// A deadline met.
#[derive(InputObject)]
#[graphql(name = "CaseDeadlineDoneInput")]
pub struct DeadlineDoneInputGql {
    /// Its position in the case's `deadlines`, from 0.
    pub index: i32,
    /// The day it was done.
    pub on: NaiveDate,
}

/// A register entry as typed.
#[derive(InputObject)]
#[graphql(name = "CaseDocumentInput")]
pub struct DocumentInputGql {
    /// In or out.
    pub direction: DirectionGql,
    /// Its number (unique per direction in the case).
    pub number: String,
    /// Its date.
    pub dated: NaiveDate,
    /// What it is.
    pub title: String,
}

/// One change to a case: exactly one of these.
#[derive(OneofObject)]
#[graphql(name = "AdvocacyCaseChangeInput")]
pub enum CaseChangeInputGql {
    /// New details.
    Details(CaseInputGql),
    /// A hearing.
    Hearing(HearingInputGql),
    /// A procedural deadline.
    Deadline(DeadlineInputGql),
    /// A deadline met.
    DeadlineDone(DeadlineDoneInputGql),
    /// A document in the register.
    Document(DocumentInputGql),
    /// The outcome: closes the case.
    Close(String),
    /// Opens a closed case again (pass `true`).
    Reopen(bool),
}

impl From<CaseChangeInputGql> for CaseChange {
    fn from(change: CaseChangeInputGql) -> Self {
        match change {
            CaseChangeInputGql::Details(d) => CaseChange::Details(d.into()),
            CaseChangeInputGql::Hearing(h) => {
                CaseChange::AddHearing(HearingInput { at: h.at, place: h.place, note: h.note })
            }
            CaseChangeInputGql::Deadline(d) => CaseChange::AddDeadline { due_on: d.due_on, what: d.what },
            CaseChangeInputGql::DeadlineDone(d) => {
                CaseChange::DeadlineDone { index: usize::try_from(d.index).unwrap_or(usize::MAX), on: d.on }
            }
            CaseChangeInputGql::Document(d) => CaseChange::AddDocument(DocumentInput {
                direction: d.direction.into(),
                number: d.number,
                dated: d.dated,
                title: d.title,
            }),
            CaseChangeInputGql::Close(outcome) => CaseChange::Close { outcome },
            CaseChangeInputGql::Reopen(_) => CaseChange::Reopen,
        }
    }
}

/// Which cases a list shows.
#[derive(InputObject, Default)]
#[graphql(name = "AdvocacyCaseFilter")]
pub struct CaseFilterGql {
    /// Handled by this lawyer.
    pub lawyer: Option<String>,
    /// Only open ones.
    #[graphql(default)]
    pub open_only: bool,
}

impl From<CaseFilterGql> for CaseFilter {
    fn from(filter: CaseFilterGql) -> Self {
        CaseFilter { lawyer: filter.lawyer.filter(|l| !l.trim().is_empty()), open: filter.open_only }
    }
}

/// A citizen's appeal from the public form.
#[derive(InputObject)]
#[graphql(name = "AppealInput")]
pub struct AppealInputGql {
    /// Surname, name, patronymic.
    pub name: String,
    /// E-mail for the answer.
    pub email: String,
    /// Postal address, if the answer should come by post too.
    pub postal_address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Subject in a line.
    pub topic: String,
    /// The appeal.
    pub text: String,
    /// Consent to the processing of the personal data in the appeal (required: `true`).
    pub consent: bool,
}

impl From<AppealInputGql> for services_catalog::service::AppealInput {
    fn from(a: AppealInputGql) -> Self {
        services_catalog::service::AppealInput {
            name: a.name,
            email: a.email,
            postal_address: a.postal_address,
            phone: a.phone,
            topic: a.topic,
            text: a.text,
            consent: a.consent,
            submission: None,
        }
    }
}
