//! The services domain over real HTTP: a citizen's appeal on the public endpoint, registration,
//! dispatch, a consent-gated referral the NGO accepts in its own scope, a delivery, the request
//! answered and closed, with the queues and counts showing each step; and the statement budget
//! of its nested lists.

use access::Assignment;
use kernel::Role;
use registry::testing::fixtures::{inn_number, ogrn_number};
use serde_json::{Value, json};

use crate::support::{Db, TestGateway, error_code, gateway_on_both_databases, referral};

fn data<'a>(answer: &'a Value, field: &str) -> &'a Value {
    let value = &answer["data"][field];
    assert!(!value.is_null(), "{field}: {answer}");
    value
}

async fn login(gw: &TestGateway, login: &str, password: &str) -> String {
    let answer = gw
        .staff(
            None,
            "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }",
            json!({ "l": login, "p": password }),
        )
        .await;
    data(&answer, "login")["token"].as_str().expect("a token").to_owned()
}

const COUNTS: &str = "{ requestCounts { open unassigned mine overdue atRisk } }";

#[tokio::test]
async fn an_appeal_goes_from_the_public_form_through_dispatch_a_referral_and_a_delivery_to_its_close() {
    let gw = TestGateway::start_on(Db::Sqlite).await;
    let admin = gw.admin_token().await;

    // 1. A citizen writes through the public form: a number and a due date come back at once.
    let appeal = gw
        .post(
            "/public/graphql",
            None,
            "mutation($i: AppealInput!) { submitAppeal(input: $i) { number registeredOn answerDue } }",
            json!({ "i": { "name": "Иванова Анна Петровна", "email": "anna@example.ru", "topic": "Нужен ночлег",
                            "text": "Осталась без жилья в Калуге, прошу помочь", "consent": true } }),
        )
        .await;
    let receipt = data(&appeal, "submitAppeal");
    assert!(receipt["number"].as_str().is_some_and(|n| n.ends_with("-00001")), "{receipt}");
    assert!(receipt["answerDue"].as_str().is_some_and(|d| d > receipt["registeredOn"].as_str().unwrap()), "{receipt}");
    let refused = gw
        .post(
            "/public/graphql",
            None,
            "mutation($i: AppealInput!) { submitAppeal(input: $i) { number } }",
            json!({ "i": { "name": "Пётр", "email": "p@example.ru", "topic": "т", "text": "т", "consent": false } }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.consent");

    // 2. The desk sees it unassigned, registered, not overdue.
    let queue = gw
        .staff(Some(&admin), "{ requests(queue: UNASSIGNED) { nodes { id number state version } } }", json!({}))
        .await;
    let request = data(&queue, "requests")["nodes"][0].clone();
    assert_eq!(request["state"], "REGISTERED", "{queue}");
    assert_eq!(request["number"], receipt["number"]);
    let request_id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(
        data(&gw.staff(Some(&admin), COUNTS, json!({})).await, "requestCounts"),
        &json!({ "open": 1, "unassigned": 1, "mine": 0, "overdue": 0, "atRisk": 0 })
    );

    // 3. The shelter NGO and its service; the citizen as a person with a referral consent.
    let org = gw
        .staff(
            Some(&admin),
            "mutation($i: OrganizationInput!) { createOrganization(input: $i) { id } }",
            json!({ "i": { "fullName": "АНО «Тёплый дом»", "legalForm": "ano", "inn": inn_number(7), "ogrn": ogrn_number(7), "municipality": "kaluga_city" } }),
        )
        .await;
    let org_id = data(&org, "createOrganization")["id"].as_str().unwrap().to_owned();
    let service = gw
        .staff(
            Some(&admin),
            "mutation($i: DirectoryServiceInput!) { addDirectoryService(input: $i) { id name } }",
            json!({ "i": { "providerId": org_id, "name": "Ночлег и питание", "description": "Койко-место и горячее питание",
                           "serviceTypes": ["social_household"], "forms": ["semi_residential"], "needs": ["homelessness"],
                           "municipalities": ["kaluga_city"], "eligibility": { "minAge": 18, "documents": ["паспорт, если есть"] },
                           "cost": "FREE", "capacity": { "total": 20, "free": 3 },
                           "pathway": [{ "title": "Прийти в пункт приёма", "who": "Человек", "expectedDays": 0 }] } }),
        )
        .await;
    let service_id = data(&service, "addDirectoryService")["id"].as_str().unwrap().to_owned();
    let person = gw
        .staff(
            Some(&admin),
            "mutation($p: PersonInput!, $b: LegalBasisInput!) { addPerson(input: $p, legalBasis: $b) { id } }",
            json!({ "p": { "lastName": "Иванова", "firstName": "Анна" },
                    "b": { "kind": "CONSENT", "purpose": "рассмотрение обращения", "since": "2026-11-30", "document": "согласие в обращении" } }),
        )
        .await;
    let person_id = data(&person, "addPerson")["id"].as_str().unwrap().to_owned();

    // 4. Registered -> assigned -> in progress, each from the version read.
    let step = "mutation($id: ID!, $v: Int!, $s: RequestStepInput!) { advanceRequest(id: $id, expectedVersion: $v, step: $s) { state version assignee } }";
    let assigned = gw.staff(Some(&admin), step, json!({ "id": request_id, "v": 1, "s": { "assign": "admin" } })).await;
    assert_eq!(data(&assigned, "advanceRequest")["state"], "ASSIGNED");
    let stale = gw.staff(Some(&admin), step, json!({ "id": request_id, "v": 1, "s": { "start": true } })).await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
    let started = gw.staff(Some(&admin), step, json!({ "id": request_id, "v": 2, "s": { "start": true } })).await;
    assert_eq!(data(&started, "advanceRequest")["state"], "IN_PROGRESS");
    assert_eq!(data(&gw.staff(Some(&admin), COUNTS, json!({})).await, "requestCounts")["mine"], 1);

    // 5. Dispatch ranks the shelter with its reasons.
    let ranked = gw
        .staff(
            Some(&admin),
            "{ dispatch(need: { need: \"homelessness\", municipality: \"kaluga_city\", age: 34 }) { score reasons { code text } service { id provider { fullName } } } }",
            json!({}),
        )
        .await;
    let first = &data(&ranked, "dispatch")[0];
    assert_eq!(first["service"]["id"], service_id.as_str(), "{ranked}");
    assert_eq!(first["service"]["provider"]["fullName"], "АНО «Тёплый дом»");
    let reasons: Vec<&str> = first["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["serves_municipality", "matches_need", "free_places"], "{ranked}");

    // 6. No consent to share with the NGO: refused. With it: a pending referral.
    let refer = "mutation($i: ReferralInput!) { refer(input: $i) { id state version } }";
    let input =
        json!({ "i": { "requestId": request_id, "personId": person_id, "serviceId": service_id, "note": "Срочно" } });
    let no_consent = gw.staff(Some(&admin), refer, input.clone()).await;
    assert_eq!(error_code(&no_consent), "CONFLICT", "{no_consent}");
    assert_eq!(no_consent["errors"][0]["extensions"]["field"], "input.personId");
    let consent = gw
        .staff(
            Some(&admin),
            "mutation($i: ConsentInput!) { recordConsent(input: $i) { id recipientId } }",
            json!({ "i": { "personId": person_id, "kind": "PROCESSING", "purpose": "referral", "categories": ["name", "phone"],
                           "document": "Согласие на передачу данных № 1", "recipientId": org_id } }),
        )
        .await;
    assert_eq!(data(&consent, "recordConsent")["recipientId"], org_id.as_str());
    let referral = gw.staff(Some(&admin), refer, input).await;
    let referral = data(&referral, "refer").clone();
    assert_eq!(referral["state"], "PENDING");

    // 7. The NGO's representative sees it in their scope and accepts it.
    let services = &gw.system.services;
    let admin_actor = gw.admin_actor().await;
    let org_uuid = registry::model::OrganizationId(uuid::Uuid::parse_str(&org_id).unwrap());
    let assignment = Assignment { role: Role::NgoRepresentative, organization: Some(org_uuid), person: None };
    services.access.add_account(&admin_actor, "teplydom", &assignment, "a long representative password").await.unwrap();
    let rep = login(&gw, "teplydom", "a long representative password").await;
    let theirs = gw.staff(Some(&rep), "{ referrals { nodes { id state note } } }", json!({})).await;
    assert_eq!(data(&theirs, "referrals")["nodes"][0]["id"], referral["id"], "{theirs}");
    let accept = "mutation($id: ID!, $v: Int!) { answerReferral(id: $id, expectedVersion: $v, step: ACCEPT, outcome: \"Ждём сегодня\") { state } }";
    let accepted = gw.staff(Some(&rep), accept, json!({ "id": referral["id"], "v": 1 })).await;
    assert_eq!(data(&accepted, "answerReferral")["state"], "ACCEPTED");
    let their_requests =
        gw.staff(Some(&rep), "{ request(id: \"REQ\") { id } }".replace("REQ", &request_id).as_str(), json!({})).await;
    assert!(
        their_requests["data"]["request"].is_null(),
        "a citizen's appeal is not the NGO's to read: {their_requests}"
    );

    // 8. The service given is recorded.
    let delivered = gw
        .staff(
            Some(&admin),
            "mutation($d: [DeliveryInput!]!) { recordDeliveries(input: $d) { id quantity } }",
            json!({ "d": [{ "directoryServiceId": service_id, "personId": person_id, "deliveredOn": "2026-11-30",
                            "quantity": 1, "outcome": "Размещена", "satisfaction": 5, "requestId": request_id }] }),
        )
        .await;
    assert_eq!(data(&delivered, "recordDeliveries")[0]["quantity"], 1.0);

    // 9. Answered and closed; the history tells the story, the queues are empty.
    let answered = gw
        .staff(
            Some(&admin),
            step,
            json!({ "id": request_id, "v": 3, "s": { "answer": "Вас ждут в АНО «Тёплый дом»" } }),
        )
        .await;
    assert_eq!(data(&answered, "advanceRequest")["state"], "ANSWERED");
    let closed = gw.staff(Some(&admin), step, json!({ "id": request_id, "v": 4, "s": { "close": true } })).await;
    assert_eq!(data(&closed, "advanceRequest")["state"], "CLOSED");
    let card = gw
        .staff(
            Some(&admin),
            "query($id: ID!) { request(id: $id) { state history { what } } }",
            json!({ "id": request_id }),
        )
        .await;
    let history: Vec<&str> =
        data(&card, "request")["history"].as_array().unwrap().iter().map(|e| e["what"].as_str().unwrap()).collect();
    assert_eq!(history, ["submit", "assign", "start", "referral_sent", "referral_accepted", "answer", "close"]);
    assert_eq!(
        data(&gw.staff(Some(&admin), COUNTS, json!({})).await, "requestCounts"),
        &json!({ "open": 0, "unassigned": 0, "mine": 0, "overdue": 0, "atRisk": 0 })
    );
    let deliveries = gw.staff(Some(&admin), "{ deliveries { totalCount } }", json!({})).await;
    assert_eq!(data(&deliveries, "deliveries")["totalCount"], 1);
    let org_card = gw
        .staff(
            Some(&admin),
            "query($id: ID!) { organization(id: $id) { servicesOffered { name } referralsReceived { state } } }",
            json!({ "id": org_id }),
        )
        .await;
    assert_eq!(data(&org_card, "organization")["referralsReceived"][0]["state"], "ACCEPTED", "{org_card}");

    // 10. The public finder shows the service, with no personal data anywhere in it.
    let found = gw
        .post("/public/graphql", None, "{ services(filter: { need: \"homelessness\", municipality: \"kaluga_city\" }) { totalCount nodes { name providerId freePlaces pathway { title } } } }", json!({}))
        .await;
    assert_eq!(data(&found, "services")["totalCount"], 1, "{found}");
    assert!(!found.to_string().contains("Иванова"), "{found}");
}

#[tokio::test]
async fn the_public_form_takes_five_appeals_an_hour_from_one_address() {
    let gw = TestGateway::start_on(Db::Sqlite).await;
    let submit = "mutation($i: AppealInput!) { submitAppeal(input: $i) { number } }";
    let input =
        json!({ "i": { "name": "Петров", "email": "p@example.ru", "topic": "т", "text": "т", "consent": true } });
    for _ in 0..services_catalog::rules::appeal_limits::APPEALS_PER_HOUR {
        let answer = gw.post("/public/graphql", None, submit, input.clone()).await;
        assert!(answer["data"]["submitAppeal"]["number"].is_string(), "{answer}");
    }
    let limited = gw.post("/public/graphql", None, submit, input).await;
    assert_eq!(error_code(&limited), "TOO_MANY_REQUESTS", "{limited}");
    assert!(limited["errors"][0]["extensions"]["retryAfter"].as_u64().is_some_and(|s| s > 0));
}

gateway_on_both_databases!(
    lists_of_requests_deliveries_and_organisations_services_cost_the_same_statements_for_ten_and_one_hundred,
    services_statement_budget
);

async fn services_statement_budget(gw: TestGateway) {
    let services = &gw.system.services;
    let admin = &gw.admin_actor().await;
    let catalogue = services.catalog.catalogue(admin).await.unwrap();
    let consulting = catalogue.iter().find(|s| s.code.as_str() == "personal_consulting").unwrap().id;
    let mut deliveries = Vec::new();
    for n in 0..110 {
        let input = registry::input::OrganizationInput {
            full_name: format!("НКО {n:03}"),
            legal_form: "ano".into(),
            inn: Some(inn_number(n)),
            ..Default::default()
        };
        let org = services.registry.create_organization(admin, &input).await.unwrap();
        let request = services_catalog::service::RequestInput {
            kind: services_catalog::model::request::RequestKind::Ngo,
            channel: services_catalog::model::request::IntakeChannel::Visit,
            topic: format!("Консультация {n}"),
            service: Some(consulting),
            text: "Нужна консультация".into(),
            attachments: Vec::new(),
            applicant: services_catalog::service::ApplicantInput::Organization(org.id),
            consent_given: true,
            received_on: None,
        };
        services.catalog.receive(admin, &request).await.unwrap();
        let service = services_catalog::service::DirectoryInput {
            provider: Some(org.id),
            name: format!("Услуга {n}"),
            description: "Описание".into(),
            needs: vec!["homelessness".into()],
            cost: "free".into(),
            ..Default::default()
        };
        services.catalog.add_service(admin, &service).await.unwrap();
        deliveries.push(services_catalog::service::DeliveryInput {
            service: services_catalog::model::delivery::DeliveredService::Catalogue(consulting),
            recipient: services_catalog::service::RecipientInput::Organization(org.id),
            delivered_on: registry::testing::fixtures::day(2026, 11, 30),
            quantity: 100,
            volunteer: None,
            staff: None,
            outcome: None,
            satisfaction: None,
            request: None,
        });
    }
    services.catalog.record_deliveries(admin, &deliveries).await.unwrap();
    let token = gw.admin_token().await;
    let lists = [
        (
            "requests",
            "query($first: Int!) { requests(first: $first) { nodes { number applicant { organization { fullName } } } } }",
        ),
        (
            "requests",
            "query($first: Int!) { requests(first: $first, queue: UNASSIGNED) { nodes { number applicant { organization { fullName } } } } }",
        ),
        (
            "deliveries",
            "query($first: Int!) { deliveries(first: $first) { nodes { quantity organization { fullName } } } }",
        ),
        (
            "directoryServices",
            "query($first: Int!) { directoryServices(first: $first) { nodes { name provider { fullName } } } }",
        ),
        (
            "organizations",
            "query($first: Int!) { organizations(first: $first) { nodes { fullName requests { number } servicesOffered { name } deliveriesReceived { quantity } referralsReceived { state } } } }",
        ),
    ];
    for (root, query) in lists {
        let mut counts = Vec::new();
        for first in [10, 100] {
            let before = gw.db.statements_executed();
            let answer = gw.staff(Some(&token), query, json!({ "first": first })).await;
            counts.push(gw.db.statements_executed() - before);
            let nodes = answer["data"][root]["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
            assert_eq!(nodes.len(), first, "{answer}");
            assert!(answer["errors"].is_null(), "{answer}");
        }
        assert_eq!(counts[0], counts[1], "{root}: statements for 10 and for 100: {counts:?}");
        assert!(counts[1] <= 6, "{root}: one to authenticate, one per level: {counts:?}");
    }
}

#[tokio::test]
async fn a_refused_referred_person_leaves_the_other_referrals_of_the_list_answered() {
    use services_catalog::rules::referral_flow::ReferralStep;
    let gw = TestGateway::start().await;
    let admin = gw.admin_actor().await;
    let services = &gw.system.services;
    let input = registry::input::OrganizationInput {
        full_name: "АНО «Приют»".into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(81)),
        ..Default::default()
    };
    let org = services.registry.create_organization(&admin, &input).await.expect("an organisation");
    let shelter = services_catalog::service::DirectoryInput {
        provider: Some(org.id),
        name: "Ночлег".into(),
        description: "Койко-место".into(),
        needs: vec!["homelessness".into()],
        cost: "free".into(),
        ..Default::default()
    };
    let shelter = services.catalog.add_service(&admin, &shelter).await.expect("a service").id;
    let (_, open) = referral(&gw, org.id, shelter, "Открытова", None).await;
    let (_, declined) = referral(&gw, org.id, shelter, "Отказова", None).await;
    services
        .catalog
        .answer_referral(&admin, declined, 1, ReferralStep::Decline, Some("нет мест"))
        .await
        .expect("declined");
    let token = gw.admin_token().await;
    let answer =
        gw.staff(Some(&token), "{ referrals { nodes { id state referredPerson { lastName } } } }", json!({})).await;
    let nodes = data(&answer, "referrals")["nodes"].as_array().expect("a list").clone();
    assert_eq!(nodes.len(), 2, "both referrals are answered: {answer}");
    let node = |id: services_catalog::model::referral::ReferralId| {
        nodes.iter().find(|n| n["id"] == id.0.to_string()).cloned().unwrap_or_else(|| panic!("{id:?} in {answer}"))
    };
    assert_eq!(node(open)["referredPerson"]["lastName"], "Открытова", "{answer}");
    assert!(node(declined)["referredPerson"].is_null() && node(declined)["state"] == "DECLINED", "{answer}");
    assert_eq!(error_code(&answer), "CONFLICT", "the refused one says why: {answer}");
}
