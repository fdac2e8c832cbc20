//! The services use cases on in-memory stores under the shipped policy: the public appeal,
//! registration and queues, dispatch, consent-gated referrals in a representative's scope,
//! deliveries all-or-nothing, cases, and the catalogue file.

use std::sync::Arc;

use audit::testing::MemoryAuditLog;
use audit::{Gate, Outcome};
use chrono::{DateTime, TimeDelta};
use kernel::{Actor, Channel, ManualClock, OrganizationId, PageRequest, PersonId, Policy, Role};
use services_catalog::model::delivery::DeliveredService;
use services_catalog::model::directory::DirectoryServiceId;
use services_catalog::model::referral::ReferralState;
use services_catalog::model::request::{IntakeChannel, RequestKind, RequestState};
use services_catalog::model::values::{Invalid, Problem};
use services_catalog::ports::{DeliveryFilter, ReferralFilter, RequestFilter};
use services_catalog::rules::referral_flow::ReferralStep;
use services_catalog::service::{
    AppealInput, ApplicantInput, DeliveryInput, DirectoryInput, EligibilityInput, NeedInput, QueueName, RecipientInput,
    ReferralInput, RequestInput, StepInput, parse_catalogue,
};
use services_catalog::testing::{InMemoryServices, fixtures};
use services_catalog::{Conflict, ServicesCatalog, ServicesError};

const POLICY: &str = include_str!("../../../profiles/permissions.toml");
const CATALOGUE: &str = include_str!("../../../profiles/services.toml");

struct World {
    services: ServicesCatalog,
    store: InMemoryServices,
    audit: MemoryAuditLog,
    clock: Arc<ManualClock>,
    shelter_ngo: OrganizationId,
    legal_ngo: OrganizationId,
    anna: PersonId,
}

fn actor(role: Role, organization: Option<OrganizationId>) -> Actor {
    Actor {
        account: Some(uuid::Uuid::from_u128(role as u128 + 1)),
        login: role.code().into(),
        role,
        organization,
        person: None,
        channel: Channel::Graphql,
        request_id: "test".into(),
        origin: None,
    }
}

fn coordinator() -> Actor {
    actor(Role::Coordinator, None)
}

fn page() -> PageRequest {
    PageRequest::new(50, None).expect("valid")
}

async fn world() -> World {
    let audit = MemoryAuditLog::default();
    let store = InMemoryServices::new(audit.clone());
    store.set_terms(fixtures::terms());
    // Tuesday 1 December 2026, 10:00 Moscow time.
    let clock = Arc::new(ManualClock::new(DateTime::parse_from_rfc3339("2026-12-01T07:00:00Z").unwrap().to_utc()));
    let gate =
        Gate::new(Arc::new(Policy::parse(POLICY).expect("the shipped policy")), Arc::new(audit.clone()), clock.clone());
    let services = ServicesCatalog::open(store.ports(), gate).await.expect("opens");
    let (shelter_ngo, legal_ngo, anna) = (OrganizationId::new(), OrganizationId::new(), PersonId::new());
    for role in Role::ALL {
        store.add_staff(role.code(), role);
    }
    store.add_organization(shelter_ngo);
    store.add_organization(legal_ngo);
    store.add_person(anna);
    World { services, store, audit, clock, shelter_ngo, legal_ngo, anna }
}

fn shelter_input(provider: OrganizationId) -> DirectoryInput {
    DirectoryInput {
        provider: Some(provider),
        name: "Ночлежка".into(),
        description: "Ночлег и питание".into(),
        service_types: vec!["social_household".into()],
        forms: vec!["semi_residential".into()],
        needs: vec!["homelessness".into()],
        municipalities: vec!["kaluga_city".into()],
        eligibility: EligibilityInput { min_age: Some(18), ..Default::default() },
        languages: vec!["ru".into()],
        cost: "free".into(),
        capacity: Some((20, 4)),
        ..Default::default()
    }
}

fn appeal() -> AppealInput {
    AppealInput {
        submission: None,
        name: "Иванова Анна Петровна".into(),
        email: "anna@example.ru".into(),
        postal_address: None,
        phone: None,
        topic: "Нужен ночлег".into(),
        text: "Прошу помочь с ночлегом в Калуге".into(),
        consent: true,
    }
}

#[tokio::test]
async fn a_public_appeal_is_registered_at_once_with_a_number_and_its_answer_date() {
    let w = world().await;
    let public = Actor::anonymous("web");
    let request = w.services.submit_appeal(&public, &appeal()).await.expect("accepted");
    assert_eq!(request.number, "2026-00001");
    assert_eq!(request.state, RequestState::Registered);
    assert_eq!((request.kind, request.channel), (RequestKind::Citizen, IntakeChannel::Web));
    // 1 December + 30 days = 31 December 2026, a day off: the answer is due on 11 January 2027.
    assert_eq!(request.answer_due, Some(fixtures::day(2027, 1, 11)));
    let refused = w.services.submit_appeal(&public, &AppealInput { consent: false, ..appeal() }).await;
    assert!(
        matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "consent"),
        "{refused:?}"
    );
    let bad_mail =
        w.services.submit_appeal(&public, &AppealInput { email: "anna at example".into(), ..appeal() }).await;
    assert!(
        matches!(bad_mail, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "email"),
        "{bad_mail:?}"
    );
    let history = w.services.history(&coordinator(), request.id).await.expect("history");
    assert_eq!(history.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["submit"]);
    assert!(
        matches!(w.services.request(&public, request.id).await, Err(ServicesError::Gate(_))),
        "the public reads no request"
    );
}

#[tokio::test]
async fn a_stale_step_is_refused_and_changes_nothing() {
    let w = world().await;
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    let assigned =
        w.services.step(&coordinator(), request.id, 1, &StepInput::Assign("lawyer".into())).await.expect("assigned");
    assert_eq!((assigned.state, assigned.version), (RequestState::Assigned, 2));
    let stale = w.services.step(&coordinator(), request.id, 1, &StepInput::Start).await;
    assert!(matches!(stale, Err(ServicesError::Conflict(Conflict::StaleVersion))), "{stale:?}");
    let illegal = w.services.step(&coordinator(), request.id, 2, &StepInput::Close).await;
    assert!(matches!(illegal, Err(ServicesError::Flow(_))), "{illegal:?}");
    assert_eq!(w.services.request(&coordinator(), request.id).await.expect("read").version, 2);
}

#[tokio::test]
async fn the_queues_show_unassigned_mine_at_risk_and_overdue_requests() {
    let w = world().await;
    let ngo_request = RequestInput {
        kind: RequestKind::Ngo,
        channel: IntakeChannel::Visit,
        topic: "Консультация по отчётности".into(),
        service: None,
        text: "Как сдать отчёт в Минюст?".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Organization(w.shelter_ngo),
        consent_given: true,
        received_on: Some(fixtures::day(2026, 11, 20)),
    };
    let old = w.services.receive(&coordinator(), &ngo_request).await.expect("received");
    let fresh = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    w.services.step(&coordinator(), fresh.id, 1, &StepInput::Assign("coordinator".into())).await.expect("assigned");
    let ids = |queue| {
        let services = &w.services;
        async move {
            services
                .requests(&coordinator(), Some(queue), RequestFilter::default(), page())
                .await
                .expect("queue")
                .items
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(QueueName::Overdue).await, [old.id], "received on 20.11, not registered by 23.11");
    assert_eq!(ids(QueueName::Unassigned).await, [old.id]);
    assert_eq!(ids(QueueName::Mine).await, [fresh.id]);
    assert_eq!(ids(QueueName::AtRisk).await, Vec::<services_catalog::model::request::RequestId>::new());
    w.clock.advance(TimeDelta::days(38));
    assert_eq!(
        ids(QueueName::AtRisk).await,
        [fresh.id],
        "on 08.01.2027 (a holiday) the answer due 11.01 is within three working days"
    );
    let counts = w.services.queue_counts(&coordinator()).await.expect("counts");
    assert_eq!((counts.open, counts.unassigned, counts.mine, counts.overdue, counts.at_risk), (2, 1, 1, 1, 1));
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));
    let theirs = w.services.requests(&rep, None, RequestFilter::default(), page()).await.expect("their requests");
    assert_eq!(
        theirs.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [old.id],
        "a representative sees their organisation's requests"
    );
    assert!(matches!(w.services.request(&rep, fresh.id).await, Err(ServicesError::NotFound(_))));
}

#[tokio::test]
async fn a_referral_without_the_persons_consent_for_that_ngo_is_refused_and_the_refusal_recorded() {
    let w = world().await;
    let shelter = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    let input = ReferralInput { request: request.id, person: w.anna, service: shelter.id, note: None };
    w.store.set_consent(w.anna, w.legal_ngo, true);
    let refused = w.services.refer(&coordinator(), &input).await;
    assert!(matches!(refused, Err(ServicesError::NoConsent)), "a consent for another NGO does not count: {refused:?}");
    let last = w.audit.rows().last().cloned().expect("a row");
    assert_eq!((last.event.outcome, last.event.action.as_str()), (Outcome::Denied, "referral.manage"));
    assert_eq!(w.services.referrals(&coordinator(), ReferralFilter::default(), page()).await.expect("list").items, []);
    w.store.set_consent(w.anna, w.shelter_ngo, true);
    let referral = w.services.refer(&coordinator(), &input).await.expect("referred with consent");
    assert_eq!((referral.state, referral.provider), (ReferralState::Pending, w.shelter_ngo));
}

#[tokio::test]
async fn a_representative_sees_and_answers_only_referrals_to_their_organisation() {
    let w = world().await;
    w.store.set_consent(w.anna, w.shelter_ngo, true);
    w.store.set_consent(w.anna, w.legal_ngo, true);
    let shelter = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let mut legal_input = shelter_input(w.legal_ngo);
    legal_input.name = "Юрист".into();
    let legal = w.services.add_service(&coordinator(), &legal_input).await.expect("service");
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    let refer =
        |service: DirectoryServiceId| ReferralInput { request: request.id, person: w.anna, service, note: None };
    let to_shelter = w.services.refer(&coordinator(), &refer(shelter.id)).await.expect("referred");
    let to_legal = w.services.refer(&coordinator(), &refer(legal.id)).await.expect("referred");
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));
    let seen = w.services.referrals(&rep, ReferralFilter::default(), page()).await.expect("their referrals");
    assert_eq!(seen.items.iter().map(|r| r.id).collect::<Vec<_>>(), [to_shelter.id]);
    let asked_for_other = ReferralFilter { provider: Some(w.legal_ngo), ..Default::default() };
    assert_eq!(w.services.referrals(&rep, asked_for_other, page()).await.expect("list").items, []);
    assert!(matches!(w.services.referral(&rep, to_legal.id).await, Err(ServicesError::NotFound(_))));
    let foreign = w.services.answer_referral(&rep, to_legal.id, 1, ReferralStep::Accept, None).await;
    assert!(
        matches!(foreign, Err(ServicesError::NotFound(_))),
        "another NGO's referral is missing to them: {foreign:?}"
    );
    assert_eq!(w.audit.rows().last().map(|r| r.event.outcome), Some(Outcome::Denied), "the probe is recorded");
    let accepted =
        w.services.answer_referral(&rep, to_shelter.id, 1, ReferralStep::Accept, Some("Ждём")).await.expect("accepted");
    assert_eq!(accepted.state, ReferralState::Accepted);
    let revoke = w.services.answer_referral(&rep, to_shelter.id, 2, ReferralStep::Revoke, Some("нет")).await;
    assert!(matches!(revoke, Err(ServicesError::Gate(_))), "revoking is the centre's: {revoke:?}");
    let done = w
        .services
        .answer_referral(&rep, to_shelter.id, 2, ReferralStep::Complete, Some("Размещена"))
        .await
        .expect("done");
    assert_eq!(done.state, ReferralState::Completed);
    let again = w.services.answer_referral(&rep, to_shelter.id, 3, ReferralStep::Decline, Some("нет мест")).await;
    assert!(matches!(again, Err(ServicesError::ReferralStep { .. })), "{again:?}");
    let history = w.services.history(&coordinator(), request.id).await.expect("history");
    let whats: Vec<&str> = history.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(whats, ["submit", "referral_sent", "referral_sent", "referral_accepted", "referral_completed"]);
    assert_eq!(
        history.last().and_then(|e| e.note.as_deref()),
        Some("Размещена"),
        "the outcome flows back into the request"
    );
}

#[tokio::test]
async fn dispatch_ranks_eligible_services_with_their_reasons_and_leaves_out_the_excluded() {
    let w = world().await;
    let near = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let mut far_input = shelter_input(w.legal_ngo);
    far_input.municipalities = vec!["obninsk_city".into()];
    let far = w.services.add_service(&coordinator(), &far_input).await.expect("service");
    let mut adults_only = shelter_input(w.legal_ngo);
    adults_only.eligibility.min_age = Some(60);
    w.services.add_service(&coordinator(), &adults_only).await.expect("service");
    let need = NeedInput {
        need: "homelessness".into(),
        municipality: Some("kaluga_city".into()),
        age: Some(35),
        ..Default::default()
    };
    let ranked = w.services.dispatch(&coordinator(), &need).await.expect("ranked");
    assert_eq!(ranked.iter().map(|d| d.service.id).collect::<Vec<_>>(), [near.id, far.id]);
    assert!(ranked[0].ranked.score > ranked[1].ranked.score);
    let unknown =
        w.services.dispatch(&coordinator(), &NeedInput { need: "moon_landing".into(), ..Default::default() }).await;
    assert!(
        matches!(unknown, Err(ServicesError::Invalid(Invalid { ref field, problem: Problem::UnknownCode { .. } })) if field == "need")
    );
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));
    assert!(matches!(w.services.dispatch(&rep, &need).await, Err(ServicesError::Gate(_))));
}

#[tokio::test]
async fn a_batch_of_deliveries_with_one_bad_row_names_it_and_writes_nothing() {
    let w = world().await;
    let public = Actor::anonymous("web");
    w.services.seed_catalogue(&coordinator(), &parse_catalogue(CATALOGUE).expect("valid")).await.expect("seeded");
    let catalogue = w.services.catalogue(&coordinator()).await.expect("catalogue");
    let seminar = catalogue.iter().find(|s| s.code.as_str() == "ngo_seminars_consulting").expect("in the file");
    let row = |quantity| DeliveryInput {
        service: DeliveredService::Catalogue(seminar.id),
        recipient: RecipientInput::Organization(w.shelter_ngo),
        delivered_on: fixtures::day(2026, 11, 30),
        quantity,
        volunteer: None,
        staff: None,
        outcome: None,
        satisfaction: Some(5),
        request: None,
    };
    let refused = w.services.record_deliveries(&coordinator(), &[row(100), row(0)]).await;
    assert!(
        matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "deliveries[1].quantity"),
        "{refused:?}"
    );
    assert_eq!(w.services.deliveries(&coordinator(), DeliveryFilter::default(), page()).await.expect("list").items, []);
    let unknown_person = DeliveryInput { recipient: RecipientInput::Person(PersonId::new()), ..row(100) };
    let unknown_volunteer = DeliveryInput { volunteer: Some(PersonId::new()), ..row(100) };
    let unknown_ngo = DeliveryInput { recipient: RecipientInput::Organization(OrganizationId::new()), ..row(100) };
    let unknown_service = DeliveryInput { service: DeliveredService::Directory(DirectoryServiceId::new()), ..row(100) };
    for (bad, field) in [
        (unknown_person, "deliveries[1].personId"),
        (unknown_volunteer, "deliveries[1].volunteerId"),
        (unknown_ngo, "deliveries[1].organizationId"),
        (unknown_service, "deliveries[1].directoryServiceId"),
    ] {
        let refused = w.services.record_deliveries(&coordinator(), &[row(100), bad]).await;
        assert!(
            matches!(refused, Err(ServicesError::Invalid(Invalid { field: ref named, .. })) if named == field),
            "{field}: {refused:?}"
        );
    }
    assert_eq!(w.services.deliveries(&coordinator(), DeliveryFilter::default(), page()).await.expect("list").items, []);
    let batch = [
        row(100),
        DeliveryInput { recipient: RecipientInput::Person(PersonId::new()), ..row(100) },
        row(0),
        DeliveryInput { volunteer: Some(PersonId::new()), ..row(100) },
    ];
    let checked = w.services.check_deliveries(&coordinator(), &batch).await.expect("checked");
    let fields: Vec<String> = checked.expect_err("problems").into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        ["deliveries[1].personId", "deliveries[2].quantity", "deliveries[3].volunteerId"],
        "every problem of every row, in row order"
    );
    assert_eq!(w.services.deliveries(&coordinator(), DeliveryFilter::default(), page()).await.expect("list").items, []);
    let recorded = w.services.record_deliveries(&coordinator(), &[row(100), row(150)]).await.expect("recorded");
    assert_eq!(recorded.len(), 2);
    let rep = actor(Role::NgoRepresentative, Some(w.legal_ngo));
    assert_eq!(
        w.services.deliveries(&rep, DeliveryFilter::default(), page()).await.expect("list").items,
        [],
        "another NGO's"
    );
    assert!(matches!(w.services.record_deliveries(&public, &[row(100)]).await, Err(ServicesError::Gate(_))));
}

#[tokio::test]
async fn the_shipped_catalogue_loads_every_service_of_the_seed_once_and_reloading_changes_nothing() {
    let w = world().await;
    let entries = parse_catalogue(CATALOGUE).expect("the shipped catalogue is valid");
    let first = w.services.seed_catalogue(&coordinator(), &entries).await.expect("seeded");
    assert_eq!((first.added, first.changed), (entries.len(), 0));
    assert!(entries.len() >= 25, "sections 7 and 8 of the seed");
    let again = w.services.seed_catalogue(&coordinator(), &entries).await.expect("reseeded");
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, entries.len()));
    let broken = CATALOGUE.replacen("deadline_days = 3", "deadline_days = 0", 1);
    let error = parse_catalogue(&broken).expect_err("refused");
    assert_eq!(error.to_string(), "entry 1 (office_equipment): deadlineDays: a number from 1 to 365");
}

#[tokio::test]
async fn a_referral_whose_consent_was_withdrawn_cannot_be_accepted_and_a_second_open_one_is_refused() {
    let w = world().await;
    w.store.set_consent(w.anna, w.shelter_ngo, true);
    let shelter = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    let input = ReferralInput { request: request.id, person: w.anna, service: shelter.id, note: None };
    let referral = w.services.refer(&coordinator(), &input).await.expect("referred");
    let twice = w.services.refer(&coordinator(), &input).await;
    assert!(matches!(twice, Err(ServicesError::AlreadyReferred)), "{twice:?}");
    w.store.set_consent(w.anna, w.shelter_ngo, false);
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));
    let accepted = w.services.answer_referral(&rep, referral.id, 1, ReferralStep::Accept, None).await;
    assert!(matches!(accepted, Err(ServicesError::NoConsent)), "{accepted:?}");
    let declined =
        w.services.answer_referral(&rep, referral.id, 1, ReferralStep::Decline, Some("согласие отозвано")).await;
    assert_eq!(declined.expect("a decline needs no consent").state, ReferralState::Declined);
}

#[tokio::test]
async fn the_ngo_sees_the_referred_persons_name_and_contacts_only_while_the_referral_is_open_and_consented() {
    let w = world().await;
    w.store.set_consent(w.anna, w.shelter_ngo, true);
    w.store.set_consent(w.anna, w.legal_ngo, true);
    let shelter = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let mut legal_input = shelter_input(w.legal_ngo);
    legal_input.name = "Юрист".into();
    let legal = w.services.add_service(&coordinator(), &legal_input).await.expect("service");
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    let refer =
        |service: DirectoryServiceId| ReferralInput { request: request.id, person: w.anna, service, note: None };
    let to_shelter = w.services.refer(&coordinator(), &refer(shelter.id)).await.expect("referred");
    let to_legal = w.services.refer(&coordinator(), &refer(legal.id)).await.expect("referred");
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));

    let seen = w.services.referred_person(&rep, to_shelter.id).await.expect("their referral's person");
    assert_eq!((seen.id, seen.last_name.as_str(), seen.first_name.as_str()), (w.anna, "Иванова", "Анна"));
    assert_eq!(seen.phones, ["+79001234567"]);
    let read = w.audit.rows().last().cloned().expect("a row");
    assert_eq!(
        (read.event.action.as_str(), read.event.outcome, read.event.object.clone()),
        ("referral.person", Outcome::Success, Some(format!("person/{}", w.anna.0))),
        "the read of the person's data is recorded"
    );

    let foreign = w.services.referred_person(&rep, to_legal.id).await;
    assert!(matches!(foreign, Err(ServicesError::NotFound(_))), "another NGO's referral: {foreign:?}");
    let volunteer = w.services.referred_person(&actor(Role::Volunteer, None), to_shelter.id).await;
    assert!(matches!(volunteer, Err(ServicesError::Gate(_))), "{volunteer:?}");

    w.store.set_consent(w.anna, w.shelter_ngo, false);
    let withdrawn = w.services.referred_person(&rep, to_shelter.id).await;
    assert!(matches!(withdrawn, Err(ServicesError::NoConsent)), "{withdrawn:?}");
    let refusal = w.audit.rows().last().cloned().expect("a row");
    assert_eq!((refusal.event.action.as_str(), refusal.event.outcome), ("referral.person", Outcome::Denied));

    w.store.set_consent(w.anna, w.shelter_ngo, true);
    let declined = w
        .services
        .answer_referral(&rep, to_shelter.id, 1, ReferralStep::Decline, Some("нет мест"))
        .await
        .expect("declined");
    let closed = w.services.referred_person(&rep, declined.id).await;
    assert!(matches!(closed, Err(ServicesError::ReferralClosed("declined"))), "{closed:?}");
    assert!(
        w.services.referred_person(&coordinator(), to_legal.id).await.is_ok(),
        "the centre reads an open, consented referral's person too"
    );
}

#[tokio::test]
async fn only_stored_appeals_count_against_the_hourly_limit() {
    let w = world().await;
    let mut public = Actor::anonymous("web");
    public.origin = Some("203.0.113.7".into());
    for _ in 0..10 {
        let refused = w.services.submit_appeal(&public, &AppealInput { consent: false, ..appeal() }).await;
        assert!(matches!(refused, Err(ServicesError::Invalid(_))), "{refused:?}");
    }
    for _ in 0..5 {
        w.services.submit_appeal(&public, &appeal()).await.expect("an appeal within the hour's five");
    }
    let sixth = w.services.submit_appeal(&public, &appeal()).await;
    assert!(matches!(sixth, Err(ServicesError::TooManyAppeals { retry_after }) if retry_after > 3000), "{sixth:?}");
    let mut neighbour = Actor::anonymous("web");
    neighbour.origin = Some("203.0.113.8".into());
    w.services.submit_appeal(&neighbour, &appeal()).await.expect("another address has its own five");
}

#[tokio::test]
async fn a_request_whose_kind_and_applicant_disagree_is_refused_and_a_representative_cannot_backdate_one() {
    let w = world().await;
    let base = RequestInput {
        kind: RequestKind::Ngo,
        channel: IntakeChannel::Visit,
        topic: "Консультация".into(),
        service: None,
        text: "Нужна консультация".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Citizen {
            name: Some("Петров".into()),
            email: Some("p@example.ru".into()),
            postal_address: None,
            phone: None,
        },
        consent_given: true,
        received_on: None,
    };
    let mismatch = w.services.receive(&coordinator(), &base).await;
    assert!(
        matches!(mismatch, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "kind"),
        "{mismatch:?}"
    );
    let rep = actor(Role::NgoRepresentative, Some(w.shelter_ngo));
    let backdated = RequestInput {
        applicant: ApplicantInput::Organization(w.shelter_ngo),
        received_on: Some(fixtures::day(2020, 1, 1)),
        ..base.clone()
    };
    let refused = w.services.receive(&rep, &backdated).await;
    assert!(
        matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "receivedOn"),
        "{refused:?}"
    );
    let today = RequestInput { received_on: None, ..backdated };
    assert_eq!(w.services.receive(&rep, &today).await.expect("today's").received_on, fixtures::day(2026, 12, 1));
}

#[tokio::test]
async fn a_catalogue_service_is_retired_once_and_only_into_a_known_section() {
    let w = world().await;
    let entries = parse_catalogue(CATALOGUE).expect("valid");
    let unknown = services_catalog::service::CatalogueInput {
        category: "nonsense".into(),
        code: "extra".into(),
        ..entries[0].clone()
    };
    let refused = w.services.add_catalogue_service(&coordinator(), &unknown).await;
    assert!(
        matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "category"),
        "{refused:?}"
    );
    let added = w.services.add_catalogue_service(&coordinator(), &entries[0]).await.expect("added");
    let retired = w.services.retire_catalogue_service(&coordinator(), added.id, 1, None).await.expect("retired");
    let again = w.services.retire_catalogue_service(&coordinator(), added.id, retired.version, None).await;
    assert!(matches!(again, Err(ServicesError::NotOffered)), "{again:?}");
}

#[tokio::test]
async fn a_request_is_assigned_only_to_an_account_that_may_work_on_it() {
    let w = world().await;
    let request = w.services.submit_appeal(&Actor::anonymous("web"), &appeal()).await.expect("accepted");
    for login in ["nobody_here", "researcher", "ngo_representative"] {
        let refused = w.services.step(&coordinator(), request.id, 1, &StepInput::Assign(login.into())).await;
        assert!(
            matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "assignee"),
            "{login}: {refused:?}"
        );
    }
    let assigned = w
        .services
        .step(&coordinator(), request.id, 1, &StepInput::Assign("lawyer".into()))
        .await
        .expect("a lawyer may");
    assert_eq!(assigned.assignee.as_deref(), Some("lawyer"));
}

#[tokio::test]
async fn a_persons_own_request_cannot_send_someone_else_to_an_ngo() {
    let w = world().await;
    let boris = PersonId::new();
    w.store.add_person(boris);
    w.store.set_consent(boris, w.shelter_ngo, true);
    w.store.set_consent(w.anna, w.shelter_ngo, true);
    let shelter = w.services.add_service(&coordinator(), &shelter_input(w.shelter_ngo)).await.expect("service");
    let own = RequestInput {
        kind: RequestKind::Citizen,
        channel: IntakeChannel::Visit,
        topic: "Ночлег".into(),
        service: None,
        text: "Нужен ночлег".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Person(w.anna),
        consent_given: true,
        received_on: None,
    };
    let request = w.services.receive(&coordinator(), &own).await.expect("received");
    let input = |person| ReferralInput { request: request.id, person, service: shelter.id, note: None };
    let refused = w.services.refer(&coordinator(), &input(boris)).await;
    assert!(
        matches!(refused, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "personId"),
        "{refused:?}"
    );
    w.services.refer(&coordinator(), &input(w.anna)).await.expect("the applicant herself is referred");
}

#[tokio::test]
async fn a_form_posted_again_answers_the_appeal_it_filed_without_counting_against_the_hour() {
    let w = world().await;
    let mut public = Actor::anonymous("web");
    public.origin = Some("203.0.113.9".into());
    let keyed = |key: &str| AppealInput { submission: Some(key.to_owned()), ..appeal() };
    let first = w.services.submit_appeal(&public, &keyed(&"a".repeat(64))).await.expect("filed");
    for _ in 0..7 {
        let again = w.services.submit_appeal(&public, &keyed(&"a".repeat(64))).await.expect("answered");
        assert_eq!((again.id, again.number.as_str()), (first.id, first.number.as_str()), "the same appeal");
    }
    for n in 0..4 {
        let other = w.services.submit_appeal(&public, &keyed(&format!("{n}").repeat(64))).await;
        assert!(other.is_ok(), "resends did not use up the hour: {other:?}");
    }
    let sixth = w.services.submit_appeal(&public, &keyed(&"b".repeat(64))).await;
    assert!(matches!(sixth, Err(ServicesError::TooManyAppeals { .. })), "five new appeals an hour: {sixth:?}");
    let malformed = w.services.submit_appeal(&public, &keyed("not hex")).await;
    assert!(
        matches!(malformed, Err(ServicesError::Invalid(Invalid { ref field, .. })) if field == "submission"),
        "{malformed:?}"
    );
}
