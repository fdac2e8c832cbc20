//! The contract suite of the services ports: what every implementation of the catalogue,
//! directory, request, referral, delivery, case and parties ports must do, with exactly one
//! audit row per change (the event it was given) and none on a refusal. Run against the
//! in-memory fakes here and against SQLite and PostgreSQL in `storage`.
//!
//! [`all`] takes fresh, empty stores and panics with a message on the first broken promise.

use std::sync::Arc;

use async_trait::async_trait;
use audit::{AuditEvent, AuditLog, Outcome, object};
use chrono::{DateTime, TimeDelta, Utc};
use kernel::{OrganizationId, PageRequest, PersonId, StoreError, Term};
use uuid::Uuid;

use crate::error::Conflict;
use crate::model::case::{AdvocacyCase, CaseDocument, CaseId, Direction, Hearing, Party, ProceduralDeadline};
use crate::model::delivery::{DeliveredService, Recipient};
use crate::model::directory::ServiceStatus;
use crate::model::referral::{Referral, ReferralId, ReferralState};
use crate::model::request::{Applicant, Extension, RequestState};
use crate::ports::{CaseFilter, DeliveryFilter, DirectoryFilter, Queue, ReferralFilter, RequestFilter, ServicesPorts};
use crate::rules::request_flow::{self, Step};
use crate::testing::fixtures::{self, code, day};

/// The records of the rest of the system the services records name: organisations and people
/// of the registry, consents of the privacy domain, the profile's terms.
#[async_trait]
pub trait World: Send + Sync {
    /// A new organisation.
    async fn organization(&self) -> OrganizationId;
    /// A new person.
    async fn person(&self) -> PersonId;
    /// Stores the reference terms.
    async fn terms(&self, terms: &[Term]);
    /// Gives (or, with `false`, withdraws) the person's consent to share their data with the
    /// organisation for referrals.
    async fn consent(&self, person: PersonId, organization: OrganizationId, given: bool);
    /// Liquidates the organisation.
    async fn close(&self, organization: OrganizationId);
    /// An enabled account with this login and role.
    async fn staff(&self, login: &str, role: kernel::Role);
}

/// The stores under test.
#[derive(Clone)]
pub struct Stores {
    /// The ports under test.
    pub ports: ServicesPorts,
    /// The log the stores' changes append to.
    pub audit: Arc<dyn AuditLog>,
    /// Adds the records the services records name.
    pub world: Arc<dyn World>,
}

fn at(minutes: i64) -> DateTime<Utc> {
    audit::testing::instant() + TimeDelta::minutes(minutes)
}

/// The `n`-th event of the suite: `action` on `kind/id`.
fn event(n: i64, action: &str, kind: &str, id: Uuid) -> AuditEvent {
    AuditEvent::new(&audit::testing::coordinator(), action, object(kind, id), Outcome::Success, at(n))
        .with_detail(format!("contract step {n}"))
}

struct Log(Arc<dyn AuditLog>);

impl Log {
    async fn count(&self) -> usize {
        self.0.scan(0, 100_000).await.expect("scan the audit log").len()
    }

    async fn wrote(&self, before: usize, event: &AuditEvent, what: &str) {
        let rows = self.0.scan(0, 100_000).await.expect("scan the audit log");
        assert_eq!(rows.len(), before + 1, "{what} writes exactly one audit row");
        assert_eq!(rows.last().map(|r| &r.event), Some(event), "{what} writes the event it was given");
    }

    async fn wrote_nothing(&self, before: usize, what: &str) {
        assert_eq!(self.count().await, before, "{what} writes no audit row");
    }
}

fn first(n: u32) -> PageRequest {
    PageRequest { first: n, after: None, count: false }
}

fn conflict<T: std::fmt::Debug>(result: Result<T, StoreError<Conflict>>, expected: Conflict, what: &str) {
    match result {
        Err(StoreError::Conflict(found)) => assert_eq!(found, expected, "{what}"),
        other => panic!("{what}: expected {expected:?}, got {other:?}"),
    }
}

/// Every promise of every port, on fresh stores.
pub async fn all(stores: Stores) {
    stores.world.terms(&fixtures::terms()).await;
    parties(&stores).await;
    catalogue(&stores).await;
    directory(&stores).await;
    requests(&stores).await;
    referrals(&stores).await;
    deliveries(&stores).await;
    cases(&stores).await;
}

/// Terms come back as stored; a consent is seen while given and not after its withdrawal.
pub async fn parties(stores: &Stores) {
    let terms = stores.ports.parties.terms().await.expect("terms");
    for wanted in fixtures::terms() {
        assert!(
            terms.iter().any(|t| t.kind == wanted.kind && t.code == wanted.code),
            "terms() holds {} {}",
            wanted.kind.as_str(),
            wanted.code
        );
    }
    let (person, organization, other) =
        (stores.world.person().await, stores.world.organization().await, stores.world.organization().await);
    let asks = |p, o| async move { stores.ports.parties.consented_to_share(p, o).await.expect("consent read") };
    assert!(!asks(person, organization).await, "no consent before one is given");
    stores.world.consent(person, organization, true).await;
    assert!(asks(person, organization).await, "a given consent is seen");
    assert!(!asks(person, other).await, "a consent names its recipient: another organisation is not covered");
    stores.world.consent(person, organization, false).await;
    assert!(!asks(person, organization).await, "a withdrawn consent no longer counts");
    let named = stores.ports.parties.referred_person(person).await.expect("a person read").expect("a known person");
    assert_eq!((named.id, named.last_name.as_str(), named.first_name.as_str()), (person, "Иванова", "Анна"));
    assert!(!named.phones.is_empty() && !named.emails.is_empty(), "the contacts come with the name: {named:?}");
    let unknown = stores.ports.parties.referred_person(PersonId::new()).await.expect("a person read");
    assert_eq!(unknown, None, "an unknown person is none");
    stores.world.close(other).await;
    let (stranger, nobody) = (OrganizationId::new(), PersonId::new());
    let known = stores.ports.parties.known(&[organization, stranger, other], &[nobody, person]).await.expect("a read");
    let (mut organizations, people) = known;
    organizations.sort();
    let mut expected = vec![organization, other];
    expected.sort();
    assert_eq!((organizations, people), (expected, vec![person]), "the records on file, a closed one too");
    assert_eq!(stores.ports.parties.known(&[], &[]).await.expect("a read"), (vec![], vec![]));
    stores.world.staff("lawyer_anna", kernel::Role::Lawyer).await;
    let role = |login: &'static str| async move { stores.ports.parties.staff_role(login).await.expect("a role read") };
    assert_eq!(role("lawyer_anna").await, Some(kernel::Role::Lawyer));
    assert_eq!(role("nobody_here").await, None, "an unknown login has no role");
}

/// Codes are unique, versions are checked, the list is by category then code.
pub async fn catalogue(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.catalogue;
    let mut room = fixtures::catalogue_service("room_booking");
    room.category = code("technical_help");
    let consulting = fixtures::catalogue_service("personal_consulting");
    for (n, service) in [(1, &room), (2, &consulting)] {
        let before = log.count().await;
        let audit = event(n, "catalogue.manage", "catalogue_service", service.id.0);
        repo.insert(service, &audit).await.expect("insert a catalogue service");
        log.wrote(before, &audit, "a catalogue insert").await;
    }
    assert_eq!(repo.get(room.id).await.expect("get"), Some(room.clone()), "a catalogue service reads back as stored");
    let before = log.count().await;
    let twin = fixtures::catalogue_service("room_booking");
    conflict(
        repo.insert(&twin, &event(3, "x", "catalogue_service", twin.id.0)).await,
        Conflict::DuplicateCode("room_booking".into()),
        "a second service with a taken code",
    );
    log.wrote_nothing(before, "a refused catalogue insert").await;
    let mut changed = room.clone();
    changed.version = 2;
    changed.name_ru = "Бронирование зала".into();
    changed.retired_on = Some(day(2026, 12, 31));
    let audit = event(4, "catalogue.manage", "catalogue_service", room.id.0);
    repo.update(&changed, &audit).await.expect("update at the next version");
    log.wrote(before, &audit, "a catalogue update").await;
    let before = log.count().await;
    conflict(
        repo.update(&changed, &event(5, "x", "catalogue_service", room.id.0)).await,
        Conflict::StaleVersion,
        "an update from a stale version",
    );
    let mut renamed = consulting.clone();
    renamed.version = 2;
    renamed.code = code("room_booking");
    conflict(
        repo.update(&renamed, &event(6, "x", "catalogue_service", room.id.0)).await,
        Conflict::DuplicateCode("room_booking".into()),
        "an update to a taken code",
    );
    log.wrote_nothing(before, "refused catalogue updates").await;
    let all: Vec<String> = repo.all().await.expect("all").iter().map(|s| s.code.to_string()).collect();
    assert_eq!(
        all,
        ["room_booking", "personal_consulting"],
        "by category code (technical_help, training_consulting), then code"
    );
}

/// Services round-trip exactly, need a known provider, page by name, filter, and feed dispatch.
pub async fn directory(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.directory;
    let provider = stores.world.organization().await;
    let other = stores.world.organization().await;
    let before = log.count().await;
    let orphan = fixtures::directory_service(OrganizationId::new(), "Сирота", at(0));
    conflict(
        repo.insert(&orphan, &event(10, "x", "directory_service", orphan.id.0)).await,
        Conflict::MissingReference,
        "a service of an unknown provider",
    );
    log.wrote_nothing(before, "a refused service insert").await;
    let mut shelter = fixtures::directory_service(provider, "Ночлежка «Ёлка»", at(1));
    shelter.eligibility.target_groups = vec![code("homelessness")];
    shelter.eligibility.income_limit = Some(150);
    let mut lawyer = fixtures::directory_service(provider, "Адвокат для всех", at(2));
    lawyer.needs = vec![code("family_conflict_violence")];
    lawyer.service_types = vec![code("social_legal")];
    lawyer.municipalities = Vec::new();
    lawyer.forms = vec![code("remote")];
    lawyer.capacity = None;
    lawyer.eligibility = Default::default();
    lawyer.schedule = None;
    lawyer.pathway = Vec::new();
    lawyer.languages = Vec::new();
    let mut closed = fixtures::directory_service(provider, "Бывшая столовая", at(3));
    closed.status = ServiceStatus::Retired;
    let elsewhere = fixtures::directory_service(other, "Другая ночлежка", at(4));
    for (n, service) in [(11, &shelter), (12, &lawyer), (13, &closed), (14, &elsewhere)] {
        let before = log.count().await;
        let audit = event(n, "service.write", "directory_service", service.id.0);
        repo.insert(service, &audit).await.expect("insert a directory service");
        log.wrote(before, &audit, "a directory insert").await;
    }
    assert_eq!(repo.get(shelter.id).await.expect("get"), Some(shelter.clone()), "a service reads back exactly");
    assert_eq!(
        repo.get(lawyer.id).await.expect("get"),
        Some(lawyer.clone()),
        "empty lists and absent values read back"
    );
    let mut many = repo.get_many(&[shelter.id, lawyer.id, Uuid::nil().into_id()]).await.expect("get_many");
    many.sort_by_key(|s| s.id);
    assert_eq!(many.len(), 2, "get_many returns the stored ones");
    let before = log.count().await;
    let mut moved = shelter.clone();
    moved.version = 2;
    moved.provider = other;
    conflict(
        repo.update(&moved, &event(15, "x", "directory_service", shelter.id.0)).await,
        Conflict::StaleVersion,
        "an update that moves the provider",
    );
    let mut renamed = shelter.clone();
    renamed.version = 5;
    conflict(
        repo.update(&renamed, &event(16, "x", "directory_service", shelter.id.0)).await,
        Conflict::StaleVersion,
        "an update from a stale version",
    );
    log.wrote_nothing(before, "refused directory updates").await;
    renamed.version = 2;
    renamed.capacity = Some(crate::model::directory::Capacity { total: 20, free: 0 });
    let audit = event(17, "service.write", "directory_service", shelter.id.0);
    repo.update(&renamed, &audit).await.expect("update");
    log.wrote(before, &audit, "a directory update").await;
    assert_eq!(repo.get(shelter.id).await.expect("get"), Some(renamed.clone()));

    let mine = DirectoryFilter { provider: Some(provider), ..Default::default() };
    let page = repo.list(&mine, first(2).counted()).await.expect("list");
    let names: Vec<&str> = page.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Адвокат для всех", "Бывшая столовая"], "by folded name");
    assert!(page.has_next);
    assert_eq!(page.total, Some(3), "counted when asked");
    let next = PageRequest { after: page.positions.last().cloned(), ..first(2) };
    let rest = repo.list(&mine, next).await.expect("next page");
    assert_eq!(rest.items.iter().map(|s| s.id).collect::<Vec<_>>(), [shelter.id]);
    assert!(!rest.has_next);
    assert_eq!(rest.total, None, "not counted unless asked");
    let names_of = |filter: DirectoryFilter| async move {
        let mut ids: Vec<_> =
            repo.list(&filter, first(50)).await.expect("list").items.iter().map(|s| s.name.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        names_of(DirectoryFilter { text: Some("елка".into()), ..mine.clone() }).await,
        ["Ночлежка «Ёлка»"],
        "text ignores case and ё"
    );
    assert_eq!(
        names_of(DirectoryFilter { need: Some(code("social_legal")), ..mine.clone() }).await,
        ["Адвокат для всех"],
        "need matches service types"
    );
    assert_eq!(
        names_of(DirectoryFilter {
            need: Some(code("homelessness")),
            status: Some(ServiceStatus::Active),
            ..mine.clone()
        })
        .await,
        ["Ночлежка «Ёлка»"]
    );
    assert_eq!(
        names_of(DirectoryFilter { municipality: Some(code("obninsk_city")), ..mine.clone() }).await,
        ["Адвокат для всех"],
        "a whole-region service serves every municipality"
    );
    assert_eq!(names_of(DirectoryFilter { form: Some(code("remote")), ..mine.clone() }).await, ["Адвокат для всех"]);
    let candidates = repo.candidates(&code("homelessness"), 10).await.expect("candidates");
    let mut found: Vec<_> = candidates.iter().map(|s| s.id).collect();
    let mut wanted = vec![shelter.id, elsewhere.id];
    found.sort();
    wanted.sort();
    assert_eq!(found, wanted, "candidates are the active services naming the need");
    assert_eq!(repo.candidates(&code("homelessness"), 1).await.expect("candidates").len(), 1, "at most the limit");
    let offered = repo.of_providers(&[other]).await.expect("of_providers");
    assert_eq!(offered.iter().map(|s| s.id).collect::<Vec<_>>(), [elsewhere.id]);
    // A liquidated provider's services leave dispatch and the lists that ask for active providers.
    stores.world.close(other).await;
    let active = stores.ports.parties.active_organizations(&[provider, other]).await.expect("active");
    assert_eq!(active, [provider], "only the open organisation is active");
    let candidates = repo.candidates(&code("homelessness"), 10).await.expect("candidates");
    assert_eq!(candidates.iter().map(|s| s.id).collect::<Vec<_>>(), [shelter.id], "no service of a closed provider");
    let open = DirectoryFilter { need: Some(code("homelessness")), active_providers: true, ..Default::default() };
    let listed = repo.list(&open, first(10)).await.expect("list");
    assert!(listed.items.iter().all(|s| s.provider != other), "a closed provider's service is not listed");
    let everyone = DirectoryFilter { need: Some(code("homelessness")), ..Default::default() };
    assert!(repo.list(&everyone, first(10)).await.expect("list").items.iter().any(|s| s.provider == other));
}

trait IntoId {
    fn into_id(self) -> crate::model::directory::DirectoryServiceId;
}

impl IntoId for Uuid {
    fn into_id(self) -> crate::model::directory::DirectoryServiceId {
        crate::model::directory::DirectoryServiceId(self)
    }
}

/// Numbers are given per year, versions are checked, history follows every change, queues and
/// counts see the running deadline.
pub async fn requests(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.requests;
    let organization = stores.world.organization().await;
    let before = log.count().await;
    let lost = fixtures::request(Applicant::Organization(OrganizationId::new()), day(2026, 11, 2), at(20));
    conflict(
        repo.insert(&lost, &fixtures::event(&lost, "receive", at(20)), &event(20, "x", "request", lost.id.0), None)
            .await,
        Conflict::MissingReference,
        "a request from an unknown organisation",
    );
    log.wrote_nothing(before, "a refused request insert").await;
    assert_eq!(repo.history(lost.id).await.expect("history"), [], "a refused insert leaves no history");

    let received = fixtures::request(Applicant::Organization(organization), day(2026, 11, 2), at(21));
    let anonymous = fixtures::request(Applicant::Anonymous, day(2026, 11, 20), at(22));
    let citizen = fixtures::request(fixtures::citizen("Иванова Анна"), day(2026, 11, 23), at(23));
    let last_year = fixtures::request(fixtures::citizen("Петров"), day(2025, 12, 30), at(24));
    let mut numbers = Vec::new();
    // The citizen's came from a posted form: its key is kept with it.
    let key = "5e".repeat(32);
    for (n, r) in [(21, &received), (22, &anonymous), (23, &citizen), (24, &last_year)] {
        let before = log.count().await;
        let audit = event(n, "request.submit", "request", r.id.0);
        let submission = (r.id == citizen.id).then_some(key.as_str());
        let number = repo.insert(r, &fixtures::event(r, "receive", r.created_at), &audit, submission).await;
        numbers.push(number.expect("insert"));
        log.wrote(before, &audit, "a request insert").await;
    }
    assert_eq!(numbers, ["2026-00001", "2026-00002", "2026-00003", "2025-00001"], "numbers run per receipt year");
    let filed = repo.by_submission(&key).await.expect("a read").expect("the key's request");
    assert_eq!(filed.id, citizen.id, "a submission key finds the request it filed");
    assert_eq!(repo.by_submission(&"0".repeat(64)).await.expect("a read"), None, "an unknown key finds none");
    let again = fixtures::request(fixtures::citizen("Иванова Анна"), day(2026, 11, 23), at(23));
    let before = log.count().await;
    conflict(
        repo.insert(
            &again,
            &fixtures::event(&again, "receive", at(26)),
            &event(26, "x", "request", again.id.0),
            Some(&key),
        )
        .await,
        Conflict::DuplicateSubmission,
        "the same form posted again",
    );
    log.wrote_nothing(before, "a second post of a form").await;
    assert_eq!(repo.get(again.id).await.expect("a read"), None, "the second post stored no request");
    let stored = repo.get(citizen.id).await.expect("get").expect("stored");
    assert_eq!(stored, fixtures_numbered(&citizen, "2026-00003"), "a request reads back as stored, with its number");

    // Register and assign the citizen's request, extend it; the stale step is refused.
    let registered = request_flow::apply(&stored, &Step::Register, day(2026, 11, 24)).expect("register");
    let before = log.count().await;
    let audit = event(25, "request.manage", "request", citizen.id.0);
    repo.update(&registered, &fixtures::event(&registered, "register", at(25)), &audit).await.expect("update");
    log.wrote(before, &audit, "a request update").await;
    let before = log.count().await;
    conflict(
        repo.update(
            &registered,
            &fixtures::event(&registered, "register", at(26)),
            &event(26, "x", "request", citizen.id.0),
        )
        .await,
        Conflict::StaleVersion,
        "a step from a stale version",
    );
    log.wrote_nothing(before, "a refused request update").await;
    let mut extended = request_flow::apply(&registered, &Step::Assign { to: "coordinator".into() }, day(2026, 11, 24))
        .expect("assign");
    extended.extension =
        Some(Extension {
            on: day(2026, 11, 24), days: 10, reason: "Запрос в МФЦ".into(), notice: "Письмо № 5".into()
        });
    repo.update(
        &extended,
        &fixtures::event(&extended, "assign", at(27)),
        &event(27, "request.manage", "request", citizen.id.0),
    )
    .await
    .expect("update");
    assert_eq!(
        repo.get(citizen.id).await.expect("get"),
        Some(fixtures_numbered(&extended, "2026-00003")),
        "every field reads back"
    );
    let history: Vec<String> =
        repo.history(citizen.id).await.expect("history").iter().map(|e| e.what.clone()).collect();
    assert_eq!(history, ["receive", "register", "assign"], "history oldest first");
    let got = repo.get_many(&[citizen.id, received.id]).await.expect("get_many");
    assert_eq!(got.len(), 2);

    // Queues on 2026-12-01: the organisation's request was due for registration on 2026-11-05.
    let today = day(2026, 12, 1);
    let ids = |filter: RequestFilter| async move {
        repo.list(&filter, first(50)).await.expect("list").items.iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let queue = |q| RequestFilter { queue: Some(q), ..Default::default() };
    assert_eq!(
        ids(queue(Queue::Overdue(today))).await,
        [last_year.id, received.id, anonymous.id],
        "overdue by deadline"
    );
    assert_eq!(ids(queue(Queue::Mine("coordinator".into()))).await, [citizen.id]);
    assert_eq!(ids(queue(Queue::Unassigned)).await, [last_year.id, received.id, anonymous.id], "by running deadline");
    assert_eq!(
        ids(queue(Queue::AtRisk { from: day(2026, 11, 23), until: day(2026, 11, 24) })).await,
        [anonymous.id],
        "the anonymous one must be registered by 23.11"
    );
    assert_eq!(
        ids(RequestFilter::default()).await,
        [citizen.id, anonymous.id, received.id, last_year.id],
        "newest number first"
    );
    assert_eq!(ids(RequestFilter { organization: Some(organization), ..Default::default() }).await, [received.id]);
    assert_eq!(ids(RequestFilter { state: Some(RequestState::Assigned), ..Default::default() }).await, [citizen.id]);
    let page = repo.list(&RequestFilter::default(), first(3).counted()).await.expect("page");
    assert_eq!((page.items.len(), page.has_next, page.total), (3, true, Some(4)));
    let rest = repo
        .list(&RequestFilter::default(), PageRequest { after: page.positions.last().cloned(), ..first(3) })
        .await
        .expect("page");
    assert_eq!(
        rest.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [last_year.id],
        "the next page goes on after the cursor"
    );
    let counts = repo.counts(today, day(2026, 12, 4), "coordinator", None).await.expect("counts");
    assert_eq!((counts.open, counts.unassigned, counts.overdue, counts.mine), (4, 3, 3, 1), "{counts:?}");
    let theirs = repo.counts(today, day(2026, 12, 4), "coordinator", Some(organization)).await.expect("counts");
    assert_eq!((theirs.open, theirs.overdue, theirs.mine), (1, 1, 0));
    assert_eq!(
        repo.of_organizations(&[organization])
            .await
            .expect("of_organizations")
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [received.id]
    );
}

fn fixtures_numbered(request: &crate::model::request::Request, number: &str) -> crate::model::request::Request {
    crate::model::request::Request { number: number.to_owned(), ..request.clone() }
}

/// A referral names a known request, person and service; each change appends its request's
/// history; lists are newest first and by provider.
pub async fn referrals(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.referrals;
    let provider = stores.world.organization().await;
    let person = stores.world.person().await;
    let service = fixtures::directory_service(provider, "Юрист", at(30));
    stores
        .ports
        .directory
        .insert(&service, &event(30, "service.write", "directory_service", service.id.0))
        .await
        .expect("service");
    let request = fixtures::request(Applicant::Person(person), day(2026, 11, 30), at(31));
    stores
        .ports
        .requests
        .insert(
            &request,
            &fixtures::event(&request, "receive", at(31)),
            &event(31, "request.submit", "request", request.id.0),
            None,
        )
        .await
        .expect("request");
    let referral = |created: i64| Referral {
        id: ReferralId::new(),
        version: 1,
        request: request.id,
        person,
        service: service.id,
        provider,
        state: ReferralState::Pending,
        note: Some("Срочно".into()),
        outcome: None,
        created_by: "coordinator".into(),
        created_at: at(created),
        answered_by: None,
        updated_at: at(created),
    };
    let before = log.count().await;
    let stranger = Referral { person: PersonId::new(), ..referral(32) };
    conflict(
        repo.insert(
            &stranger,
            &fixtures::event(&request, "referral_sent", at(32)),
            &event(32, "x", "referral", stranger.id.0),
        )
        .await,
        Conflict::MissingReference,
        "a referral of an unknown person",
    );
    log.wrote_nothing(before, "a refused referral").await;
    let first_referral = referral(33);
    let second = Referral { note: None, ..referral(34) };
    for (n, r) in [(33, &first_referral), (34, &second)] {
        let before = log.count().await;
        let audit = event(n, "referral.manage", "referral", r.id.0);
        repo.insert(r, &fixtures::event(&request, "referral_sent", at(n)), &audit).await.expect("insert referral");
        log.wrote(before, &audit, "a referral insert").await;
    }
    assert_eq!(repo.get(first_referral.id).await.expect("get"), Some(first_referral.clone()));
    let mut accepted = first_referral.clone();
    accepted.version = 2;
    accepted.state = ReferralState::Accepted;
    accepted.answered_by = Some("ngo_rep".into());
    accepted.outcome = Some("Ждём в понедельник".into());
    accepted.updated_at = at(35);
    let before = log.count().await;
    let audit = event(35, "referral.answer", "referral", accepted.id.0);
    repo.update(&accepted, &fixtures::event(&request, "referral_accepted", at(35)), &audit).await.expect("update");
    log.wrote(before, &audit, "a referral update").await;
    let before = log.count().await;
    conflict(
        repo.update(
            &accepted,
            &fixtures::event(&request, "referral_accepted", at(36)),
            &event(36, "x", "referral", accepted.id.0),
        )
        .await,
        Conflict::StaleVersion,
        "a stale referral answer",
    );
    log.wrote_nothing(before, "a refused referral update").await;
    assert_eq!(repo.get(accepted.id).await.expect("get"), Some(accepted.clone()));
    let history: Vec<String> =
        stores.ports.requests.history(request.id).await.expect("history").iter().map(|e| e.what.clone()).collect();
    assert_eq!(
        history,
        ["receive", "referral_sent", "referral_sent", "referral_accepted"],
        "referrals write into their request's history"
    );
    let theirs = ReferralFilter { provider: Some(provider), ..Default::default() };
    let page = repo.list(&theirs, first(1)).await.expect("list");
    assert_eq!(page.items.iter().map(|r| r.id).collect::<Vec<_>>(), [second.id], "newest first");
    let next =
        repo.list(&theirs, PageRequest { after: page.positions.last().cloned(), ..first(1) }).await.expect("list");
    assert_eq!(next.items.iter().map(|r| r.id).collect::<Vec<_>>(), [first_referral.id]);
    let pending =
        ReferralFilter { state: Some(ReferralState::Pending), request: Some(request.id), ..Default::default() };
    assert_eq!(repo.list(&pending, first(10).counted()).await.expect("list").total, Some(1));
    assert_eq!(
        repo.list(&ReferralFilter { provider: Some(OrganizationId::new()), ..Default::default() }, first(10))
            .await
            .expect("list")
            .items,
        []
    );
    assert_eq!(repo.of_providers(&[provider]).await.expect("of_providers").len(), 2);
}

/// A batch is written whole or not at all; lists are latest first and filter by recipient,
/// service and period.
pub async fn deliveries(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.deliveries;
    let organization = stores.world.organization().await;
    let person = stores.world.person().await;
    let volunteer = stores.world.person().await;
    let service = fixtures::catalogue_service("seminar_delivery");
    stores
        .ports
        .catalogue
        .insert(&service, &event(40, "catalogue.manage", "catalogue_service", service.id.0))
        .await
        .expect("catalogue");
    let provider = stores.world.organization().await;
    let directory = fixtures::directory_service(provider, "Психолог", at(40));
    stores
        .ports
        .directory
        .insert(&directory, &event(41, "service.write", "directory_service", directory.id.0))
        .await
        .expect("directory");
    let good = fixtures::delivery(service.id, organization, day(2026, 11, 10), at(42));
    let bad = fixtures::delivery(service.id, OrganizationId::new(), day(2026, 11, 11), at(42));
    let before = log.count().await;
    conflict(
        repo.insert_all(&[good.clone(), bad], &event(42, "x", "delivery", good.id.0)).await,
        Conflict::MissingReference,
        "a batch naming an unknown organisation",
    );
    log.wrote_nothing(before, "a refused batch").await;
    assert_eq!(
        repo.list(&DeliveryFilter::default(), first(10)).await.expect("list").items,
        [],
        "nothing of a refused batch is written"
    );
    let mut group = fixtures::delivery(service.id, organization, day(2026, 11, 12), at(43));
    group.recipient = Recipient::Group { head_count: 25, description: "Участники семинара".into() };
    group.outcome = None;
    group.satisfaction = None;
    let to_person = fixtures::delivery_to_person(directory.id, person, volunteer, day(2026, 11, 11), at(43));
    let later = fixtures::delivery(service.id, organization, day(2026, 11, 10), at(44));
    let before = log.count().await;
    let audit = event(44, "delivery.write", "delivery", good.id.0);
    repo.insert_all(&[good.clone(), group.clone(), to_person.clone(), later.clone()], &audit)
        .await
        .expect("insert_all");
    log.wrote(before, &audit, "a batch of deliveries").await;
    let page = repo.list(&DeliveryFilter::default(), first(3).counted()).await.expect("list");
    assert_eq!(
        page.items,
        [group.clone(), to_person.clone(), later.clone()],
        "latest day first, then newest record; every field reads back"
    );
    assert_eq!(page.total, Some(4));
    let rest = repo
        .list(&DeliveryFilter::default(), PageRequest { after: page.positions.last().cloned(), ..first(3) })
        .await
        .expect("list");
    assert_eq!(rest.items, std::slice::from_ref(&good));
    let ids = |filter: DeliveryFilter| async move {
        repo.list(&filter, first(10)).await.expect("list").items.iter().map(|d| d.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(DeliveryFilter { organization: Some(organization), ..Default::default() }).await,
        [later.id, good.id]
    );
    assert_eq!(
        ids(DeliveryFilter { service: Some(DeliveredService::Directory(directory.id)), ..Default::default() }).await,
        [to_person.id]
    );
    assert_eq!(
        ids(DeliveryFilter { from: Some(day(2026, 11, 11)), to: Some(day(2026, 11, 11)), ..Default::default() }).await,
        [to_person.id]
    );
    assert_eq!(repo.of_organizations(&[organization]).await.expect("of_organizations").len(), 2);
}

/// A case names a known request; its lists round-trip; versions are checked.
pub async fn cases(stores: &Stores) {
    let log = Log(stores.audit.clone());
    let repo = &stores.ports.cases;
    let person = stores.world.person().await;
    let request = fixtures::request(Applicant::Person(person), day(2026, 11, 3), at(50));
    stores
        .ports
        .requests
        .insert(
            &request,
            &fixtures::event(&request, "receive", at(50)),
            &event(50, "request.submit", "request", request.id.0),
            None,
        )
        .await
        .expect("request");
    let case = |request, opened| AdvocacyCase {
        id: CaseId::new(),
        version: 1,
        request,
        lawyer: "lawyer".into(),
        subject: "Обжалование отказа в пособии".into(),
        parties: vec![Party { role: "Истец".into(), name: "Иванова А. П.".into() }],
        forum: Some("Калужский районный суд".into()),
        case_number: Some("2-1234/2026".into()),
        hearings: vec![Hearing { at: at(60), place: "Зал 5".into(), note: None }],
        deadlines: vec![ProceduralDeadline {
            due_on: day(2026, 12, 15), what: "Подать отзыв".into(), done_on: None
        }],
        documents: vec![CaseDocument {
            direction: Direction::Outgoing,
            number: "Исх-1".into(),
            dated: day(2026, 11, 5),
            title: "Иск".into(),
        }],
        outcome: None,
        closed_on: None,
        opened_at: at(opened),
        updated_at: at(opened),
    };
    let before = log.count().await;
    let orphan = case(crate::model::request::RequestId::new(), 51);
    conflict(
        repo.insert(&orphan, &event(51, "x", "case", orphan.id.0)).await,
        Conflict::MissingReference,
        "a case of an unknown request",
    );
    log.wrote_nothing(before, "a refused case").await;
    let opened = case(request.id, 52);
    let audit = event(52, "case.manage", "case", opened.id.0);
    repo.insert(&opened, &audit).await.expect("insert case");
    log.wrote(before, &audit, "a case insert").await;
    assert_eq!(repo.get(opened.id).await.expect("get"), Some(opened.clone()));
    let mut closed = opened.clone();
    closed.version = 2;
    closed.outcome = Some("Иск удовлетворён".into());
    closed.closed_on = Some(day(2026, 11, 30));
    let before = log.count().await;
    let audit = event(53, "case.manage", "case", opened.id.0);
    repo.update(&closed, &audit).await.expect("update case");
    log.wrote(before, &audit, "a case update").await;
    let before = log.count().await;
    conflict(
        repo.update(&closed, &event(54, "x", "case", opened.id.0)).await,
        Conflict::StaleVersion,
        "a stale case update",
    );
    log.wrote_nothing(before, "a refused case update").await;
    let second = case(request.id, 55);
    repo.insert(&second, &event(55, "case.manage", "case", second.id.0)).await.expect("insert case");
    let ids = |filter: CaseFilter| async move {
        repo.list(&filter, first(10)).await.expect("list").items.iter().map(|c| c.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(CaseFilter::default()).await, [second.id, opened.id], "newest first");
    assert_eq!(ids(CaseFilter { open: true, ..Default::default() }).await, [second.id]);
    assert_eq!(ids(CaseFilter { lawyer: Some("someone".into()), ..Default::default() }).await, []);
    assert_eq!(repo.get(closed.id).await.expect("get"), Some(closed));
}
