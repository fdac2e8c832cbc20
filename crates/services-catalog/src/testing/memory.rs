//! The services stores in memory: the reference behaviour the contract suite pins down, and the
//! storage of the use-case tests. The organisations, people, reference terms and consents the
//! records name come from [`Records`]: the fake's own (registered by the test), or in the
//! system's in-memory assembly the registry's and privacy's fakes.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use audit::AuditEvent;
use audit::testing::MemoryAuditLog;
use chrono::{Datelike, NaiveDate};
use kernel::{OrganizationId, Page, PageRequest, PersonId, StoreError, Term, page_of};

use crate::error::Conflict;
use crate::model::case::{AdvocacyCase, CaseId};
use crate::model::catalogue::{CatalogueService, CatalogueServiceId};
use crate::model::delivery::{DeliveredService, Deliverer, Delivery, Recipient};
use crate::model::directory::{DirectoryService, DirectoryServiceId};
use crate::model::referral::{Referral, ReferralId, ReferredPerson};
use crate::model::request::{Request, RequestEvent, RequestId};
use crate::model::values::Code;
use crate::ports::{
    self, CaseFilter, CaseRepo, CatalogueRepo, DeliveryFilter, DeliveryRepo, DirectoryFilter, DirectoryRepo, Parties,
    Queue, QueueCounts, ReferralFilter, ReferralRepo, RequestFilter, RequestRepo, ServicesPorts,
};

#[derive(Default)]
struct State {
    catalogue: BTreeMap<CatalogueServiceId, CatalogueService>,
    directory: BTreeMap<DirectoryServiceId, DirectoryService>,
    requests: BTreeMap<RequestId, Request>,
    history: Vec<RequestEvent>,
    referrals: BTreeMap<ReferralId, Referral>,
    deliveries: Vec<Delivery>,
    cases: BTreeMap<CaseId, AdvocacyCase>,
    submissions: BTreeMap<String, RequestId>,
}

/// What the rest of the system holds that services records name.
#[async_trait]
pub trait Records: Send + Sync {
    /// Whether every organisation and every person exists.
    async fn exist(&self, organizations: &[OrganizationId], people: &[PersonId]) -> bool;
    /// Which of these organisations are active.
    async fn active(&self, organizations: &[OrganizationId]) -> Vec<OrganizationId>;
    /// The role of the enabled account with this login.
    async fn staff_role(&self, login: &str) -> Option<kernel::Role>;
    /// The reference terms.
    async fn terms(&self) -> Vec<Term>;
    /// Whether the person consented to share their data with the organisation for referrals.
    async fn consented(&self, person: PersonId, organization: OrganizationId) -> bool;
    /// The person's name and contacts.
    async fn person(&self, person: PersonId) -> Option<ReferredPerson>;
}

/// Records of the fake's own, registered by a test.
#[derive(Default)]
struct OwnRecords {
    organizations: HashSet<OrganizationId>,
    closed: HashSet<OrganizationId>,
    staff: std::collections::HashMap<String, kernel::Role>,
    people: HashSet<PersonId>,
    terms: Vec<Term>,
    consents: HashSet<(PersonId, OrganizationId)>,
}

#[async_trait]
impl Records for Mutex<OwnRecords> {
    async fn exist(&self, organizations: &[OrganizationId], people: &[PersonId]) -> bool {
        let own = self.lock().expect("not poisoned");
        organizations.iter().all(|o| own.organizations.contains(o)) && people.iter().all(|p| own.people.contains(p))
    }

    async fn active(&self, organizations: &[OrganizationId]) -> Vec<OrganizationId> {
        let own = self.lock().expect("not poisoned");
        organizations.iter().copied().filter(|o| own.organizations.contains(o) && !own.closed.contains(o)).collect()
    }

    async fn terms(&self) -> Vec<Term> {
        self.lock().expect("not poisoned").terms.clone()
    }

    async fn staff_role(&self, login: &str) -> Option<kernel::Role> {
        self.lock().expect("not poisoned").staff.get(login).copied()
    }

    async fn consented(&self, person: PersonId, organization: OrganizationId) -> bool {
        self.lock().expect("not poisoned").consents.contains(&(person, organization))
    }

    async fn person(&self, person: PersonId) -> Option<ReferredPerson> {
        let known = self.lock().expect("not poisoned").people.contains(&person);
        known.then(|| ReferredPerson {
            id: person,
            last_name: "Иванова".into(),
            first_name: "Анна".into(),
            middle_name: Some("Сергеевна".into()),
            phones: vec!["+79001234567".into()],
            emails: vec!["anna@example.org".into()],
        })
    }
}

/// Every services store in memory, auditing into an in-memory log.
#[derive(Clone)]
pub struct InMemoryServices {
    state: Arc<Mutex<State>>,
    audit: MemoryAuditLog,
    own: Arc<Mutex<OwnRecords>>,
    records: Arc<dyn Records>,
}

type Stored<T> = Result<T, StoreError<Conflict>>;

fn missing<T>() -> Stored<T> {
    Err(StoreError::Conflict(Conflict::MissingReference))
}

fn stale<T>() -> Stored<T> {
    Err(StoreError::Conflict(Conflict::StaleVersion))
}

impl InMemoryServices {
    /// Empty stores writing their audit rows into `audit`, naming the records a test registers
    /// on them ([`InMemoryServices::add_organization`]...).
    pub fn new(audit: MemoryAuditLog) -> Self {
        let own: Arc<Mutex<OwnRecords>> = Arc::default();
        Self { state: Arc::default(), audit, records: own.clone(), own }
    }

    /// Empty stores writing their audit rows into `audit`, naming the records `records` holds.
    pub fn over(audit: MemoryAuditLog, records: Arc<dyn Records>) -> Self {
        Self { state: Arc::default(), audit, own: Arc::default(), records }
    }

    fn own(&self) -> MutexGuard<'_, OwnRecords> {
        self.own.lock().expect("not poisoned")
    }

    async fn exist(&self, organizations: &[OrganizationId], people: &[PersonId]) -> bool {
        self.records.exist(organizations, people).await
    }

    /// The active providers of every stored service, when asked for.
    async fn active_providers(&self, asked: bool) -> Option<Vec<OrganizationId>> {
        if !asked {
            return None;
        }
        let providers: Vec<OrganizationId> = self.state().directory.values().map(|s| s.provider).collect();
        Some(self.records.active(&providers).await)
    }

    /// Every port over these stores.
    pub fn ports(&self) -> ServicesPorts {
        ServicesPorts::over(self.clone())
    }

    /// The log the stores write into.
    pub fn audit(&self) -> &MemoryAuditLog {
        &self.audit
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("not poisoned")
    }

    /// Registers an organisation records may name.
    pub fn add_organization(&self, id: OrganizationId) {
        self.own().organizations.insert(id);
    }

    /// Marks an organisation closed (liquidated or suspended): its services leave the finder and
    /// dispatch.
    pub fn close_organization(&self, id: OrganizationId) {
        self.own().closed.insert(id);
    }

    /// Registers an enabled account's login and role.
    pub fn add_staff(&self, login: &str, role: kernel::Role) {
        self.own().staff.insert(login.to_owned(), role);
    }

    /// Registers a person records may name.
    pub fn add_person(&self, id: PersonId) {
        self.own().people.insert(id);
    }

    /// Sets the reference terms.
    pub fn set_terms(&self, terms: Vec<Term>) {
        self.own().terms = terms;
    }

    /// Records (or, with `false`, withdraws) a person's consent to share their data with an
    /// organisation for referrals.
    pub fn set_consent(&self, person: PersonId, organization: OrganizationId, given: bool) {
        let mut own = self.own();
        if given {
            own.consents.insert((person, organization));
        } else {
            own.consents.remove(&(person, organization));
        }
    }

    /// Removes the person's texts from every record about them, by the domain's rule (the
    /// in-memory counterpart of storage's personal-data hook); idempotent.
    pub fn anonymise_person(&self, person: PersonId) {
        use crate::rules::anonymise;
        let mut state = self.state();
        let mut theirs = Vec::new();
        for request in state.requests.values_mut().filter(|r| r.applicant.person() == Some(person)) {
            *request = anonymise::request(request);
            theirs.push(request.id);
        }
        for event in state.history.iter_mut().filter(|e| theirs.contains(&e.request)) {
            *event = anonymise::event(event);
        }
        for case in state.cases.values_mut().filter(|c| theirs.contains(&c.request)) {
            *case = anonymise::case(case);
        }
        for referral in state.referrals.values_mut().filter(|r| r.person == person) {
            *referral = anonymise::referral(referral);
        }
        for delivery in
            state.deliveries.iter_mut().filter(|d| matches!(d.recipient, Recipient::Person(p) if p == person))
        {
            *delivery = anonymise::delivery(delivery);
        }
    }

    /// Applies a change and writes its audit row, both under the lock; a refused change writes
    /// neither.
    fn change<T>(&self, audit: &AuditEvent, apply: impl FnOnce(&mut State) -> Stored<T>) -> Stored<T> {
        let mut state = self.state();
        let out = apply(&mut state)?;
        self.audit.append_now(audit);
        Ok(out)
    }
}

fn request_holds(state: &State, request: &Request) -> bool {
    request.service.is_none_or(|s| state.catalogue.contains_key(&s))
}

/// The organisations and people a delivery names.
fn delivery_parties(delivery: &Delivery) -> (Vec<OrganizationId>, Vec<PersonId>) {
    let mut people = Vec::new();
    let mut organizations = Vec::new();
    match &delivery.recipient {
        Recipient::Organization(id) => organizations.push(*id),
        Recipient::Person(id) => people.push(*id),
        Recipient::Group { .. } => {}
    }
    if let Deliverer::Volunteer(id) = &delivery.delivered_by {
        people.push(*id);
    }
    (organizations, people)
}

fn delivery_holds(state: &State, delivery: &Delivery) -> bool {
    let service = match delivery.service {
        DeliveredService::Catalogue(id) => state.catalogue.contains_key(&id),
        DeliveredService::Directory(id) => state.directory.contains_key(&id),
    };
    service && delivery.request.is_none_or(|r| state.requests.contains_key(&r))
}

#[async_trait]
impl CatalogueRepo for InMemoryServices {
    async fn insert(&self, service: &CatalogueService, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            if state.catalogue.contains_key(&service.id) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            if state.catalogue.values().any(|s| s.code == service.code) {
                return Err(StoreError::Conflict(Conflict::DuplicateCode(service.code.to_string())));
            }
            state.catalogue.insert(service.id, service.clone());
            Ok(())
        })
    }

    async fn update(&self, service: &CatalogueService, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            if state.catalogue.get(&service.id).is_none_or(|s| s.version != service.version - 1) {
                return stale();
            }
            if state.catalogue.values().any(|s| s.code == service.code && s.id != service.id) {
                return Err(StoreError::Conflict(Conflict::DuplicateCode(service.code.to_string())));
            }
            state.catalogue.insert(service.id, service.clone());
            Ok(())
        })
    }

    async fn get(&self, id: CatalogueServiceId) -> Stored<Option<CatalogueService>> {
        Ok(self.state().catalogue.get(&id).cloned())
    }

    async fn all(&self) -> Stored<Vec<CatalogueService>> {
        let mut all: Vec<CatalogueService> = self.state().catalogue.values().cloned().collect();
        all.sort_by(|a, b| (&a.category, &a.code).cmp(&(&b.category, &b.code)));
        Ok(all)
    }
}

fn serves(service: &DirectoryService, filter: &DirectoryFilter) -> bool {
    let text = filter.text.as_ref().is_none_or(|t| ports::name_key(&service.name).contains(&ports::name_key(t)));
    let need = filter.need.as_ref().is_none_or(|n| service.needs.contains(n) || service.service_types.contains(n));
    let municipality = filter
        .municipality
        .as_ref()
        .is_none_or(|m| service.municipalities.is_empty() || service.municipalities.contains(m));
    text && need
        && municipality
        && filter.provider.is_none_or(|p| service.provider == p)
        && filter.form.as_ref().is_none_or(|f| service.forms.contains(f))
        && filter.status.is_none_or(|s| service.status == s)
}

#[async_trait]
impl DirectoryRepo for InMemoryServices {
    async fn insert(&self, service: &DirectoryService, audit: &AuditEvent) -> Stored<()> {
        if !self.exist(&[service.provider], &[]).await {
            return missing();
        }
        self.change(audit, |state| {
            if state.directory.contains_key(&service.id) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            state.directory.insert(service.id, service.clone());
            Ok(())
        })
    }

    async fn update(&self, service: &DirectoryService, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            match state.directory.get(&service.id) {
                Some(s) if s.version == service.version - 1 && s.provider == service.provider => {}
                _ => return stale(),
            }
            state.directory.insert(service.id, service.clone());
            Ok(())
        })
    }

    async fn get(&self, id: DirectoryServiceId) -> Stored<Option<DirectoryService>> {
        Ok(self.state().directory.get(&id).cloned())
    }

    async fn get_many(&self, ids: &[DirectoryServiceId]) -> Stored<Vec<DirectoryService>> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.directory.get(id).cloned()).collect())
    }

    async fn list(&self, filter: &DirectoryFilter, page: PageRequest) -> Stored<Page<DirectoryService>> {
        let active = self.active_providers(filter.active_providers).await;
        let mut rows: Vec<_> = self
            .state()
            .directory
            .values()
            .filter(|s| serves(s, filter) && active.as_ref().is_none_or(|a| a.contains(&s.provider)))
            .map(|s| (s.clone(), ports::service_position(s)))
            .collect();
        rows.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(page_of(&rows, &page, false))
    }

    async fn candidates(&self, need: &Code, limit: u64) -> Stored<Vec<DirectoryService>> {
        let filter = DirectoryFilter {
            need: Some(need.clone()),
            status: Some(crate::model::directory::ServiceStatus::Active),
            ..DirectoryFilter::default()
        };
        let active = self.active_providers(true).await.unwrap_or_default();
        let state = self.state();
        let mut found: Vec<DirectoryService> =
            state.directory.values().filter(|s| serves(s, &filter) && active.contains(&s.provider)).cloned().collect();
        found.sort_by_key(|s| s.id);
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(found)
    }

    async fn of_providers(&self, ids: &[OrganizationId]) -> Stored<Vec<DirectoryService>> {
        let mut found: Vec<DirectoryService> =
            self.state().directory.values().filter(|s| ids.contains(&s.provider)).cloned().collect();
        found.sort_by_key(ports::service_position);
        Ok(found)
    }
}

fn in_queue(request: &Request, queue: &Queue) -> bool {
    if !request.state.is_open() {
        return false;
    }
    match queue {
        Queue::Mine(login) => request.assignee.as_deref() == Some(login.as_str()),
        Queue::Unassigned => request.assignee.is_none(),
        Queue::AtRisk { from, until } => request.deadline().is_some_and(|d| *from <= d && d <= *until),
        Queue::Overdue(today) => request.deadline().is_some_and(|d| d < *today),
    }
}

fn shown(request: &Request, filter: &RequestFilter) -> bool {
    filter.queue.as_ref().is_none_or(|q| in_queue(request, q))
        && filter.state.is_none_or(|s| request.state == s)
        && filter.kind.is_none_or(|k| request.kind == k)
        && filter.organization.is_none_or(|o| request.applicant.organization() == Some(o))
        && filter.person.is_none_or(|p| request.applicant.person() == Some(p))
}

fn number_year(received_on: NaiveDate) -> String {
    format!("{:04}", received_on.year())
}

#[async_trait]
impl RequestRepo for InMemoryServices {
    async fn insert(
        &self,
        request: &Request,
        event: &RequestEvent,
        audit: &AuditEvent,
        submission: Option<&str>,
    ) -> Stored<String> {
        let organizations: Vec<OrganizationId> = request.applicant.organization().into_iter().collect();
        let people: Vec<PersonId> = request.applicant.person().into_iter().collect();
        if !self.exist(&organizations, &people).await {
            return missing();
        }
        self.change(audit, |state| {
            if state.requests.contains_key(&request.id) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            if !request_holds(state, request) {
                return missing();
            }
            if let Some(key) = submission {
                if state.submissions.contains_key(key) {
                    return Err(StoreError::Conflict(Conflict::DuplicateSubmission));
                }
                state.submissions.insert(key.to_owned(), request.id);
            }
            let year = number_year(request.received_on);
            let seq = state.requests.values().filter(|r| r.number.starts_with(&format!("{year}-"))).count() + 1;
            let number = format!("{year}-{seq:05}");
            let mut stored = request.clone();
            stored.number = number.clone();
            state.requests.insert(request.id, stored);
            state.history.push(event.clone());
            Ok(number)
        })
    }

    async fn by_submission(&self, key: &str) -> Stored<Option<Request>> {
        let state = self.state();
        Ok(state.submissions.get(key).and_then(|id| state.requests.get(id)).cloned())
    }

    async fn update(&self, request: &Request, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        let organizations: Vec<OrganizationId> = request.applicant.organization().into_iter().collect();
        let people: Vec<PersonId> = request.applicant.person().into_iter().collect();
        if !self.exist(&organizations, &people).await {
            return missing();
        }
        self.change(audit, |state| {
            let Some(stored) = state.requests.get(&request.id) else { return stale() };
            if stored.version != request.version - 1 {
                return stale();
            }
            if !request_holds(state, request) {
                return missing();
            }
            let mut next = request.clone();
            next.number = stored.number.clone();
            state.requests.insert(request.id, next);
            state.history.push(event.clone());
            Ok(())
        })
    }

    async fn get(&self, id: RequestId) -> Stored<Option<Request>> {
        Ok(self.state().requests.get(&id).cloned())
    }

    async fn get_many(&self, ids: &[RequestId]) -> Stored<Vec<Request>> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.requests.get(id).cloned()).collect())
    }

    async fn history(&self, id: RequestId) -> Stored<Vec<RequestEvent>> {
        let mut events: Vec<RequestEvent> = self.state().history.iter().filter(|e| e.request == id).cloned().collect();
        events.sort_by_key(|e| e.at);
        Ok(events)
    }

    async fn list(&self, filter: &RequestFilter, page: PageRequest) -> Stored<Page<Request>> {
        let state = self.state();
        let shown = state.requests.values().filter(|r| shown(r, filter));
        if filter.queue.is_some() {
            let mut rows: Vec<_> = shown.map(|r| (r.clone(), ports::request_deadline_position(r))).collect();
            rows.sort_by(|a, b| a.1.cmp(&b.1));
            Ok(page_of(&rows, &page, false))
        } else {
            let mut rows: Vec<_> = shown.map(|r| (r.clone(), ports::request_newest_position(r))).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1));
            Ok(page_of(&rows, &page, true))
        }
    }

    async fn counts(
        &self,
        today: NaiveDate,
        at_risk_until: NaiveDate,
        login: &str,
        organization: Option<OrganizationId>,
    ) -> Stored<QueueCounts> {
        let state = self.state();
        let open: Vec<&Request> = state
            .requests
            .values()
            .filter(|r| r.state.is_open() && organization.is_none_or(|o| r.applicant.organization() == Some(o)))
            .collect();
        let count = |queue: Queue| open.iter().filter(|r| in_queue(r, &queue)).count() as u64;
        Ok(QueueCounts {
            open: open.len() as u64,
            unassigned: count(Queue::Unassigned),
            at_risk: count(Queue::AtRisk { from: today, until: at_risk_until }),
            overdue: count(Queue::Overdue(today)),
            mine: count(Queue::Mine(login.to_owned())),
        })
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Stored<Vec<Request>> {
        let mut found: Vec<Request> = self
            .state()
            .requests
            .values()
            .filter(|r| r.applicant.organization().is_some_and(|o| ids.contains(&o)))
            .cloned()
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(ports::request_newest_position(r)));
        Ok(found)
    }
}

#[async_trait]
impl ReferralRepo for InMemoryServices {
    async fn insert(&self, referral: &Referral, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        if !self.exist(&[referral.provider], &[referral.person]).await {
            return missing();
        }
        self.change(audit, |state| {
            if state.referrals.contains_key(&referral.id) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            let known = state.requests.contains_key(&referral.request)
                && state.directory.get(&referral.service).is_some_and(|s| s.provider == referral.provider)
                && event.request == referral.request;
            if !known {
                return missing();
            }
            state.referrals.insert(referral.id, referral.clone());
            state.history.push(event.clone());
            Ok(())
        })
    }

    async fn update(&self, referral: &Referral, event: &RequestEvent, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            if state.referrals.get(&referral.id).is_none_or(|r| r.version != referral.version - 1) {
                return stale();
            }
            if event.request != referral.request {
                return missing();
            }
            state.referrals.insert(referral.id, referral.clone());
            state.history.push(event.clone());
            Ok(())
        })
    }

    async fn get(&self, id: ReferralId) -> Stored<Option<Referral>> {
        Ok(self.state().referrals.get(&id).cloned())
    }

    async fn list(&self, filter: &ReferralFilter, page: PageRequest) -> Stored<Page<Referral>> {
        let mut rows: Vec<_> = self
            .state()
            .referrals
            .values()
            .filter(|r| {
                filter.provider.is_none_or(|p| r.provider == p)
                    && filter.request.is_none_or(|q| r.request == q)
                    && filter.state.is_none_or(|s| r.state == s)
            })
            .map(|r| (r.clone(), ports::referral_position(r)))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1));
        Ok(page_of(&rows, &page, true))
    }

    async fn of_providers(&self, ids: &[OrganizationId]) -> Stored<Vec<Referral>> {
        let mut found: Vec<Referral> =
            self.state().referrals.values().filter(|r| ids.contains(&r.provider)).cloned().collect();
        found.sort_by_key(|r| std::cmp::Reverse(ports::referral_position(r)));
        Ok(found)
    }
}

#[async_trait]
impl DeliveryRepo for InMemoryServices {
    async fn insert_all(&self, deliveries: &[Delivery], audit: &AuditEvent) -> Stored<()> {
        let (mut organizations, mut people) = (Vec::new(), Vec::new());
        for delivery in deliveries {
            let (o, p) = delivery_parties(delivery);
            organizations.extend(o);
            people.extend(p);
        }
        if !self.exist(&organizations, &people).await {
            return missing();
        }
        self.change(audit, |state| {
            if !deliveries.iter().all(|d| delivery_holds(state, d)) {
                return missing();
            }
            let ids: HashSet<_> = deliveries.iter().map(|d| d.id).collect();
            if ids.len() != deliveries.len() || state.deliveries.iter().any(|d| ids.contains(&d.id)) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            state.deliveries.extend(deliveries.iter().cloned());
            Ok(())
        })
    }

    async fn list(&self, filter: &DeliveryFilter, page: PageRequest) -> Stored<Page<Delivery>> {
        let mut rows: Vec<_> = self
            .state()
            .deliveries
            .iter()
            .filter(|d| {
                filter.service.is_none_or(|s| d.service == s)
                    && filter.organization.is_none_or(|o| d.organization() == Some(o))
                    && filter.from.is_none_or(|f| d.delivered_on >= f)
                    && filter.to.is_none_or(|t| d.delivered_on <= t)
            })
            .map(|d| (d.clone(), ports::delivery_position(d)))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1));
        Ok(page_of(&rows, &page, true))
    }

    async fn of_organizations(&self, ids: &[OrganizationId]) -> Stored<Vec<Delivery>> {
        let mut found: Vec<Delivery> = self
            .state()
            .deliveries
            .iter()
            .filter(|d| d.organization().is_some_and(|o| ids.contains(&o)))
            .cloned()
            .collect();
        found.sort_by_key(|d| std::cmp::Reverse(ports::delivery_position(d)));
        Ok(found)
    }
}

#[async_trait]
impl CaseRepo for InMemoryServices {
    async fn insert(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            if state.cases.contains_key(&case.id) {
                return Err(StoreError::unavailable("duplicate id"));
            }
            if !state.requests.contains_key(&case.request) {
                return missing();
            }
            state.cases.insert(case.id, case.clone());
            Ok(())
        })
    }

    async fn update(&self, case: &AdvocacyCase, audit: &AuditEvent) -> Stored<()> {
        self.change(audit, |state| {
            match state.cases.get(&case.id) {
                Some(c) if c.version == case.version - 1 && c.request == case.request => {}
                _ => return stale(),
            }
            state.cases.insert(case.id, case.clone());
            Ok(())
        })
    }

    async fn get(&self, id: CaseId) -> Stored<Option<AdvocacyCase>> {
        Ok(self.state().cases.get(&id).cloned())
    }

    async fn list(&self, filter: &CaseFilter, page: PageRequest) -> Stored<Page<AdvocacyCase>> {
        let mut rows: Vec<_> = self
            .state()
            .cases
            .values()
            .filter(|c| {
                filter.lawyer.as_ref().is_none_or(|l| &c.lawyer == l) && (!filter.open || c.closed_on.is_none())
            })
            .map(|c| (c.clone(), ports::case_position(c)))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1));
        Ok(page_of(&rows, &page, true))
    }
}

#[async_trait]
impl Parties for InMemoryServices {
    async fn terms(&self) -> Result<Vec<Term>, StoreError> {
        Ok(self.records.terms().await)
    }

    async fn active_organizations(&self, ids: &[OrganizationId]) -> Result<Vec<OrganizationId>, StoreError> {
        Ok(self.records.active(ids).await)
    }

    async fn staff_role(&self, login: &str) -> Result<Option<kernel::Role>, StoreError> {
        Ok(self.records.staff_role(login).await)
    }

    async fn known(
        &self,
        organizations: &[OrganizationId],
        people: &[PersonId],
    ) -> Result<(Vec<OrganizationId>, Vec<PersonId>), StoreError> {
        let (mut found_organizations, mut found_people) = (Vec::new(), Vec::new());
        for id in organizations {
            if self.records.exist(&[*id], &[]).await {
                found_organizations.push(*id);
            }
        }
        for id in people {
            if self.records.exist(&[], &[*id]).await {
                found_people.push(*id);
            }
        }
        Ok((found_organizations, found_people))
    }

    async fn consented_to_share(&self, person: PersonId, organization: OrganizationId) -> Result<bool, StoreError> {
        Ok(self.records.consented(person, organization).await)
    }

    async fn referred_person(&self, person: PersonId) -> Result<Option<ReferredPerson>, StoreError> {
        Ok(self.records.person(person).await)
    }
}
