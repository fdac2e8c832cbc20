//! Storage ports of the services domain. Every change carries its audit event, written in the
//! change's own transaction; a request's history entry is written in the same transaction as
//! the change it records.

use std::sync::Arc;

use async_trait::async_trait;
use audit::AuditEvent;
use chrono::NaiveDate;
use kernel::{After, KeyKind, ListOrder, OrganizationId, Page, PageRequest, PersonId, SortKey, StoreError, Term};

use crate::error::Conflict;
use crate::model::case::{AdvocacyCase, CaseId};
use crate::model::catalogue::{CatalogueService, CatalogueServiceId};
use crate::model::delivery::{DeliveredService, Delivery};
use crate::model::directory::{DirectoryService, DirectoryServiceId, ServiceStatus};
use crate::model::referral::{Referral, ReferralId, ReferralState, ReferredPerson};
use crate::model::request::{Request, RequestEvent, RequestId, RequestKind, RequestState};
use crate::model::values::Code;

/// Every port the services use cases need, as the composition root builds them.
#[derive(Clone)]
pub struct ServicesPorts {
    /// The centre's catalogue.
    pub catalogue: Arc<dyn CatalogueRepo>,
    /// The directory of NGOs' services.
    pub directory: Arc<dyn DirectoryRepo>,
    /// Requests and their history.
    pub requests: Arc<dyn RequestRepo>,
    /// Referrals.
    pub referrals: Arc<dyn ReferralRepo>,
    /// Deliveries.
    pub deliveries: Arc<dyn DeliveryRepo>,
    /// Advocacy cases.
    pub cases: Arc<dyn CaseRepo>,
    /// What the domain asks of the rest of the system: the reference lists and consents.
    pub parties: Arc<dyn Parties>,
}

impl ServicesPorts {
    /// Every port over one store (a database, or the in-memory fake).
    pub fn over<S>(store: S) -> Self
    where
        S: CatalogueRepo
            + DirectoryRepo
            + RequestRepo
            + ReferralRepo
            + DeliveryRepo
            + CaseRepo
            + Parties
            + Clone
            + 'static,
    {
        Self {
            catalogue: Arc::new(store.clone()),
            directory: Arc::new(store.clone()),
            requests: Arc::new(store.clone()),
            referrals: Arc::new(store.clone()),
            deliveries: Arc::new(store.clone()),
            cases: Arc::new(store.clone()),
            parties: Arc::new(store),
        }
    }
}

/// The order of directory lists: by name (folded), then id.
pub const SERVICE_BY_NAME: ListOrder = ListOrder { name: "service.name", key: KeyKind::Text };
/// Requests, newest registration number first.
pub const REQUEST_NEWEST: ListOrder = ListOrder { name: "request.newest", key: KeyKind::Text };
/// Requests by the deadline running now, earliest first (queues).
pub const REQUEST_BY_DEADLINE: ListOrder = ListOrder { name: "request.deadline", key: KeyKind::Number };
/// Referrals, newest first.
pub const REFERRAL_NEWEST: ListOrder = ListOrder { name: "referral.newest", key: KeyKind::Number };
/// Deliveries, latest day first.
pub const DELIVERY_LATEST: ListOrder = ListOrder { name: "delivery.latest", key: KeyKind::Number };
/// Cases, newest first.
pub const CASE_NEWEST: ListOrder = ListOrder { name: "case.newest", key: KeyKind::Number };

/// Stores the centre's catalogue.
#[async_trait]
pub trait CatalogueRepo: Send + Sync {
    /// Stores a new service. Another service with the same code: `Conflict(DuplicateCode)`,
    /// nothing written.
    async fn insert(&self, service: &CatalogueService, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Replaces a stored service whose version is `service.version - 1`; otherwise (or when the
    /// row is gone) `Conflict(StaleVersion)`, nothing written. A code taken by another service:
    /// `Conflict(DuplicateCode)`.
    async fn update(&self, service: &CatalogueService, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The service with this id.
    async fn get(&self, id: CatalogueServiceId) -> Result<Option<CatalogueService>, StoreError<Conflict>>;
    /// Every service, retired ones too, by category then code (the catalogue is tens of rows).
    async fn all(&self) -> Result<Vec<CatalogueService>, StoreError<Conflict>>;
}

/// Which directory services a list shows. Every field narrows the list; `None` does not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryFilter {
    /// Text contained in the name (case and ё/е ignored).
    pub text: Option<String>,
    /// Offered by this organisation (also a representative's scope).
    pub provider: Option<OrganizationId>,
    /// Serves this need (among its needs or its service types).
    pub need: Option<Code>,
    /// Serves this municipality (by name, or the whole region).
    pub municipality: Option<Code>,
    /// Of this form.
    pub form: Option<Code>,
    /// Active or retired.
    pub status: Option<ServiceStatus>,
    /// Only services whose provider is an active organisation (not suspended or liquidated).
    pub active_providers: bool,
}

/// Stores the directory of NGOs' services.
#[async_trait]
pub trait DirectoryRepo: Send + Sync {
    /// Stores a new service. An unknown provider: `Conflict(MissingReference)`, nothing written.
    async fn insert(&self, service: &DirectoryService, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Replaces a stored service whose version is `service.version - 1`; otherwise
    /// `Conflict(StaleVersion)`, nothing written. The provider never changes.
    async fn update(&self, service: &DirectoryService, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The service with this id.
    async fn get(&self, id: DirectoryServiceId) -> Result<Option<DirectoryService>, StoreError<Conflict>>;
    /// The services with these ids, in no order. One statement.
    async fn get_many(&self, ids: &[DirectoryServiceId]) -> Result<Vec<DirectoryService>, StoreError<Conflict>>;
    /// A page of services in [`SERVICE_BY_NAME`] order.
    async fn list(
        &self,
        filter: &DirectoryFilter,
        page: PageRequest,
    ) -> Result<Page<DirectoryService>, StoreError<Conflict>>;
    /// Active services of active providers naming `need` among their needs or service types, at
    /// most `limit`, by id: what dispatch ranks.
    async fn candidates(&self, need: &Code, limit: u64) -> Result<Vec<DirectoryService>, StoreError<Conflict>>;
    /// Every service of these providers, by name then id. One statement.
    async fn of_providers(&self, ids: &[OrganizationId]) -> Result<Vec<DirectoryService>, StoreError<Conflict>>;
}

/// Which deadline a queue looks at, computed by the use case for today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Queue {
    /// Open requests assigned to this login.
    Mine(String),
    /// Open requests nobody is assigned to.
    Unassigned,
    /// Open requests whose deadline is from `from` to `until`, both included.
    AtRisk {
        /// Today.
        from: NaiveDate,
        /// The last day that counts as at risk.
        until: NaiveDate,
    },
    /// Open requests whose deadline is before this day.
    Overdue(NaiveDate),
}

/// Which requests a list shows. Every field narrows the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// A queue (open requests only), listed by deadline; without one, newest first.
    pub queue: Option<Queue>,
    /// In this state.
    pub state: Option<RequestState>,
    /// Of this kind.
    pub kind: Option<RequestKind>,
    /// From this organisation (also a representative's scope).
    pub organization: Option<OrganizationId>,
    /// From this person.
    pub person: Option<PersonId>,
}

/// How many open requests each queue holds, seen on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Open requests.
    pub open: u64,
    /// Open and nobody assigned.
    pub unassigned: u64,
    /// Open, deadline from today to the at-risk day.
    pub at_risk: u64,
    /// Open, deadline passed.
    pub overdue: u64,
    /// Open and assigned to the asking login.
    pub mine: u64,
}

/// Stores requests and their history.
#[async_trait]
pub trait RequestRepo: Send + Sync {
    /// Stores a new request with its first history entry, giving it the next registration number
    /// of its receipt year (`YYYY-NNNNN`, unique even under parallel inserts), and returns the
    /// number. The `number` field given is ignored. An unknown organisation, person or catalogue
    /// service: `Conflict(MissingReference)`, nothing written. With a `submission` key (a posted
    /// public form), the key is stored with the request in the same transaction; a key stored
    /// before (the same form posted again, even at the same moment): `Conflict(DuplicateSubmission)`,
    /// nothing written.
    async fn insert(
        &self,
        request: &Request,
        event: &RequestEvent,
        audit: &AuditEvent,
        submission: Option<&str>,
    ) -> Result<String, StoreError<Conflict>>;
    /// The request a submission key filed, if any.
    async fn by_submission(&self, key: &str) -> Result<Option<Request>, StoreError<Conflict>>;
    /// Replaces a stored request whose version is `request.version - 1` and appends `event` to
    /// its history; otherwise `Conflict(StaleVersion)`, nothing written.
    async fn update(
        &self,
        request: &Request,
        event: &RequestEvent,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>>;
    /// The request with this id.
    async fn get(&self, id: RequestId) -> Result<Option<Request>, StoreError<Conflict>>;
    /// The requests with these ids, in no order. One statement.
    async fn get_many(&self, ids: &[RequestId]) -> Result<Vec<Request>, StoreError<Conflict>>;
    /// The request's history, oldest first.
    async fn history(&self, id: RequestId) -> Result<Vec<RequestEvent>, StoreError<Conflict>>;
    /// A page: by deadline ([`REQUEST_BY_DEADLINE`], no deadline last) with a queue, else newest
    /// first ([`REQUEST_NEWEST`]).
    async fn list(&self, filter: &RequestFilter, page: PageRequest) -> Result<Page<Request>, StoreError<Conflict>>;
    /// The queues' sizes on `today` (at risk until `at_risk_until`, mine for `login`), counting
    /// only requests from `organization` when given. One statement.
    async fn counts(
        &self,
        today: NaiveDate,
        at_risk_until: NaiveDate,
        login: &str,
        organization: Option<OrganizationId>,
    ) -> Result<QueueCounts, StoreError<Conflict>>;
    /// Every request from these organisations, newest first. One statement.
    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Request>, StoreError<Conflict>>;
}

/// Which referrals a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    /// To this organisation (also a representative's scope).
    pub provider: Option<OrganizationId>,
    /// For this request.
    pub request: Option<RequestId>,
    /// In this state.
    pub state: Option<ReferralState>,
}

/// Stores referrals; each change also writes its request's history entry.
#[async_trait]
pub trait ReferralRepo: Send + Sync {
    /// Stores a new referral and appends `event` to its request's history. An unknown request,
    /// person, service or provider: `Conflict(MissingReference)`, nothing written.
    async fn insert(
        &self,
        referral: &Referral,
        event: &RequestEvent,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>>;
    /// Replaces a referral whose version is `referral.version - 1` and appends `event` to its
    /// request's history; otherwise `Conflict(StaleVersion)`, nothing written.
    async fn update(
        &self,
        referral: &Referral,
        event: &RequestEvent,
        audit: &AuditEvent,
    ) -> Result<(), StoreError<Conflict>>;
    /// The referral with this id.
    async fn get(&self, id: ReferralId) -> Result<Option<Referral>, StoreError<Conflict>>;
    /// A page, newest first ([`REFERRAL_NEWEST`]).
    async fn list(&self, filter: &ReferralFilter, page: PageRequest) -> Result<Page<Referral>, StoreError<Conflict>>;
    /// Every referral to these organisations, newest first. One statement.
    async fn of_providers(&self, ids: &[OrganizationId]) -> Result<Vec<Referral>, StoreError<Conflict>>;
}

/// Which deliveries a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    /// Of this service.
    pub service: Option<DeliveredService>,
    /// Received by this organisation (also a representative's scope).
    pub organization: Option<OrganizationId>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
}

/// Stores deliveries.
#[async_trait]
pub trait DeliveryRepo: Send + Sync {
    /// Stores deliveries, all or none, with one audit row for them all. A record naming an
    /// unknown service, organisation, person or request: `Conflict(MissingReference)`, nothing
    /// written.
    async fn insert_all(&self, deliveries: &[Delivery], audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// A page, latest day first, then newest record ([`DELIVERY_LATEST`]).
    async fn list(&self, filter: &DeliveryFilter, page: PageRequest) -> Result<Page<Delivery>, StoreError<Conflict>>;
    /// Every delivery to these organisations, latest first. One statement.
    async fn of_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<Delivery>, StoreError<Conflict>>;
}

/// Which cases a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Handled by this lawyer.
    pub lawyer: Option<String>,
    /// Only open ones.
    pub open: bool,
}

/// Stores advocacy cases.
#[async_trait]
pub trait CaseRepo: Send + Sync {
    /// Stores a new case. An unknown request: `Conflict(MissingReference)`, nothing written.
    async fn insert(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// Replaces a case whose version is `case.version - 1`; otherwise `Conflict(StaleVersion)`.
    async fn update(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Result<(), StoreError<Conflict>>;
    /// The case with this id.
    async fn get(&self, id: CaseId) -> Result<Option<AdvocacyCase>, StoreError<Conflict>>;
    /// A page, newest first ([`CASE_NEWEST`]).
    async fn list(&self, filter: &CaseFilter, page: PageRequest) -> Result<Page<AdvocacyCase>, StoreError<Conflict>>;
}

/// The purpose code of the consent that lets a person's data go to an NGO with a referral.
pub const REFERRAL_CONSENT_PURPOSE: &str = "referral";

/// What the domain reads from the rest of the system.
#[async_trait]
pub trait Parties: Send + Sync {
    /// Every reference term of the profile (the lists a service's codes must come from).
    async fn terms(&self) -> Result<Vec<Term>, StoreError>;
    /// The role of the enabled account with this login, if any (who a request is assigned to, who
    /// gave a service, who handles a case).
    async fn staff_role(&self, login: &str) -> Result<Option<kernel::Role>, StoreError>;
    /// Which of these organisations are active (neither suspended nor liquidated). One query.
    async fn active_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<OrganizationId>, StoreError>;
    /// Which of these organisations and people the registry holds, whatever their status (a
    /// record naming them may be written). At most one query for each list.
    async fn known(
        &self,
        organizations: &[OrganizationId],
        people: &[PersonId],
    ) -> Result<(Vec<OrganizationId>, Vec<PersonId>), StoreError>;
    /// Whether the person has an active consent to the processing of their data for referrals
    /// ([`REFERRAL_CONSENT_PURPOSE`]) naming this organisation as the recipient.
    async fn consented_to_share(&self, person: PersonId, organization: OrganizationId) -> Result<bool, StoreError>;
    /// The person's name and contacts as the registry holds them (re-validated as the registry
    /// reads them), or `None` for an unknown person.
    async fn referred_person(&self, person: PersonId) -> Result<Option<ReferredPerson>, StoreError>;
}

/// The folded form of a name that lists sort and search by: lower case, ё as е.
pub fn name_key(name: &str) -> String {
    name.to_lowercase().replace('ё', "е")
}

fn nanos(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// A directory service's position in [`SERVICE_BY_NAME`].
pub fn service_position(service: &DirectoryService) -> After {
    After { key: SortKey::Text(name_key(&service.name)), id: service.id.0 }
}

/// A request's position in [`REQUEST_NEWEST`] (descending).
pub fn request_newest_position(request: &Request) -> After {
    After { key: SortKey::Text(request.number.clone()), id: request.id.0 }
}

/// A request's position in [`REQUEST_BY_DEADLINE`]: the running deadline as days from the
/// common era, none last.
pub fn request_deadline_position(request: &Request) -> After {
    use chrono::Datelike;
    let key = request.deadline().map_or(i64::MAX, |d| i64::from(d.num_days_from_ce()));
    After { key: SortKey::Number(key), id: request.id.0 }
}

/// A referral's position in [`REFERRAL_NEWEST`] (descending).
pub fn referral_position(referral: &Referral) -> After {
    After { key: SortKey::Number(nanos(referral.created_at)), id: referral.id.0 }
}

/// A delivery's position in [`DELIVERY_LATEST`] (descending): its day, then its id.
pub fn delivery_position(delivery: &Delivery) -> After {
    use chrono::Datelike;
    After { key: SortKey::Number(i64::from(delivery.delivered_on.num_days_from_ce())), id: delivery.id.0 }
}

/// A case's position in [`CASE_NEWEST`] (descending).
pub fn case_position(case: &AdvocacyCase) -> After {
    After { key: SortKey::Number(nanos(case.opened_at)), id: case.id.0 }
}
