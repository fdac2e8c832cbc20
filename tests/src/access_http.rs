//! Authentication and record scope over real HTTP: a cross-organisation probe answers exactly as
//! a missing id, login aliases count one attempt each, an administrator unlocks a locked login,
//! an unknown login reads like a wrong password, and revocation takes effect on the very next
//! request.

use access::Assignment;
use kernel::Role;
use registry::input::OrganizationInput;
use registry::testing::fixtures::inn_number;
use serde_json::{Value, json};

use crate::support::{ADMIN_PASSWORD, TestGateway, error_code, gateway_on_both_databases};

const PASSWORD: &str = "a long password for the representative";

/// The body without the parts that differ on every request.
fn without_request_ids(mut answer: Value) -> Value {
    if let Some(errors) = answer["errors"].as_array_mut() {
        for error in errors {
            if let Some(extensions) = error["extensions"].as_object_mut() {
                extensions.remove("requestId");
            }
        }
    }
    answer
}

async fn login(gw: &TestGateway, login: &str, password: &str) -> Value {
    gw.staff(
        None,
        "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }",
        json!({ "l": login, "p": password }),
    )
    .await
}

/// Organisations A (`АНО «Организация 1»`) and B (`АНО «Организация 2»`), made by the administrator.
async fn two_organisations(gw: &TestGateway) -> (registry::model::Organization, registry::model::Organization) {
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let org = |n: u32| OrganizationInput {
        full_name: format!("АНО «Организация {n}»"),
        legal_form: "ano".into(),
        inn: Some(inn_number(n)),
        ..Default::default()
    };
    let a = registry.create_organization(&admin, &org(1)).await.expect("A");
    let b = registry.create_organization(&admin, &org(2)).await.expect("B");
    (a, b)
}

#[tokio::test]
async fn a_representatives_probe_of_another_organisation_reads_exactly_like_a_missing_id() {
    let gw = TestGateway::start().await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let (a, b) = two_organisations(&gw).await;
    let rep = Assignment { organization: Some(a.id), ..Assignment::role(Role::NgoRepresentative) };
    gw.system.services.access.add_account(&admin, "rep", &rep, PASSWORD).await.expect("account");
    let token = login(&gw, "rep", PASSWORD).await["data"]["login"]["token"].as_str().expect("token").to_owned();
    let missing = uuid::Uuid::now_v7().to_string();
    for query in [
        "query($id: ID!) { organization(id: $id) { id fullName } }",
        "mutation($id: ID!) { updateOrganization(id: $id, expectedVersion: 1, input: { fullName: \"АНО «Захват»\", legalForm: \"ano\" }) { id } }",
        "mutation($id: ID!) { verifyOrganization(id: $id, expectedVersion: 1) { id } }",
        "mutation($id: ID!) { liquidateOrganization(id: $id, expectedVersion: 1, on: \"2026-01-01\") { id } }",
    ] {
        let other = gw.staff(Some(&token), query, json!({ "id": b.id.0.to_string() })).await;
        let nothing = gw.staff(Some(&token), query, json!({ "id": missing })).await;
        assert_eq!(without_request_ids(other.clone()), without_request_ids(nothing), "{query}");
        assert!(!other.to_string().contains("Организация 2"), "nothing of B leaks: {other}");
    }
    let own = gw
        .staff(
            Some(&token),
            "query($id: ID!) { organization(id: $id) { fullName } }",
            json!({ "id": a.id.0.to_string() }),
        )
        .await;
    assert_eq!(own["data"]["organization"]["fullName"], "АНО «Организация 1»");
    let stored = registry.organization(&admin, b.id).await.expect("read").expect("B exists");
    assert_eq!(stored.version, 1, "B is untouched");
}

#[tokio::test]
async fn a_representative_can_neither_pull_another_organisations_person_into_reach_nor_learn_whose_inn_it_is() {
    let gw = TestGateway::start().await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let (a, b) = two_organisations(&gw).await;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Contract,
        purpose: "учёт сотрудников".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: Some("Договор Б-17".into()),
    };
    let boris = registry::input::PersonInput {
        last_name: "Борисов".into(),
        first_name: "Борис".into(),
        phones: vec!["+7 900 555-55-55".into()],
        ..Default::default()
    };
    let boris = registry.add_person(&admin, &boris, &basis).await.expect("Boris");
    registry.add_membership(&admin, boris.id, b.id, "бухгалтер", None).await.expect("Boris in B");
    let rep = Assignment { organization: Some(a.id), ..Assignment::role(Role::NgoRepresentative) };
    gw.system.services.access.add_account(&admin, "rep", &rep, PASSWORD).await.expect("account");
    let token = login(&gw, "rep", PASSWORD).await["data"]["login"]["token"].as_str().expect("token").to_owned();

    let link =
        "mutation($p: ID!, $o: ID!) { addMembership(personId: $p, organizationId: $o, position: \"волонтёр\") { id } }";
    let foreign = gw.staff(Some(&token), link, json!({ "p": boris.id.0.to_string(), "o": a.id.0.to_string() })).await;
    let missing =
        gw.staff(Some(&token), link, json!({ "p": uuid::Uuid::now_v7().to_string(), "o": a.id.0.to_string() })).await;
    assert_eq!(error_code(&foreign), "NOT_FOUND", "{foreign}");
    assert_eq!(without_request_ids(foreign), without_request_ids(missing), "existence of a person id does not leak");
    let read = "query($id: ID!) { person(id: $id) { lastName phones legalBasis { document } } }";
    let read = gw.staff(Some(&token), read, json!({ "id": boris.id.0.to_string() })).await;
    assert_eq!(read["data"]["person"], Value::Null, "{read}");
    for secret in ["Борисов", "555-55-55", "79005555555", "Договор Б-17"] {
        assert!(!read.to_string().contains(secret), "{secret} leaks: {read}");
    }

    let steal = "mutation($id: ID!, $inn: String!) { updateOrganization(id: $id, expectedVersion: 1, input: { fullName: \"АНО «Организация 1»\", legalForm: \"ano\", inn: $inn }) { id } }";
    let refused = gw.staff(Some(&token), steal, json!({ "id": a.id.0.to_string(), "inn": inn_number(2) })).await;
    assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
    assert!(!refused.to_string().contains(&b.id.0.to_string()), "the conflict names B: {refused}");
}

/// Three organisations with a member each; a representative of the second and a volunteer (the
/// third's member) list organisations and people over HTTP: the pages and their `totalCount`
/// hold only their scope.
async fn lists_and_their_totals_hold_only_the_callers_scope(gw: TestGateway) {
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: None,
    };
    let (mut orgs, mut people) = (Vec::new(), Vec::new());
    for n in 1..=3 {
        let input = OrganizationInput {
            full_name: format!("АНО «Организация {n}»"),
            legal_form: "ano".into(),
            inn: Some(inn_number(n)),
            ..Default::default()
        };
        let org = registry.create_organization(&admin, &input).await.expect("organisation");
        let person = registry::input::PersonInput {
            last_name: format!("Участникова{n}"),
            first_name: "Анна".into(),
            ..Default::default()
        };
        let person = registry.add_person(&admin, &person, &basis).await.expect("person");
        registry.add_membership(&admin, person.id, org.id, "член", None).await.expect("membership");
        orgs.push(org.id.0.to_string());
        people.push(person.id.0.to_string());
    }
    let access = &gw.system.services.access;
    let rep = Assignment {
        organization: Some(kernel::OrganizationId::parse(&orgs[1]).expect("id")),
        ..Assignment::role(Role::NgoRepresentative)
    };
    access.add_account(&admin, "rep", &rep, PASSWORD).await.expect("representative");
    let volunteer = Assignment {
        person: Some(kernel::PersonId::parse(&people[2]).expect("id")),
        ..Assignment::role(Role::Volunteer)
    };
    access.add_account(&admin, "volunteer", &volunteer, PASSWORD).await.expect("volunteer");
    let token = |login: &'static str| {
        let gw = &gw;
        async move { login_token(gw, login).await }
    };
    let ids = |answer: &Value, list: &str| -> (u64, Vec<String>) {
        let connection = &answer["data"][list];
        let total = connection["totalCount"].as_u64().unwrap_or_else(|| panic!("{answer}"));
        let nodes = connection["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
        (total, nodes.iter().map(|n| n["id"].as_str().expect("an id").to_owned()).collect())
    };
    let organizations = "{ organizations(first: 100) { totalCount nodes { id } } }";
    let searched = "{ organizations(first: 1, filter: { text: \"Организация\" }) { totalCount nodes { id } } }";
    let people_query = "{ people(first: 100) { totalCount nodes { id } } }";
    let admin_token = gw.admin_token().await;
    assert_eq!(ids(&gw.staff(Some(&admin_token), organizations, json!({})).await, "organizations").0, 3);
    assert_eq!(ids(&gw.staff(Some(&admin_token), people_query, json!({})).await, "people").0, 3);

    let rep = token("rep").await;
    let seen = ids(&gw.staff(Some(&rep), organizations, json!({})).await, "organizations");
    assert_eq!(seen, (1, vec![orgs[1].clone()]), "the representative's organisation, counted alone");
    let seen = ids(&gw.staff(Some(&rep), searched, json!({})).await, "organizations");
    assert_eq!(seen, (1, vec![orgs[1].clone()]), "a search matching every organisation counts only the scope");
    let seen = ids(&gw.staff(Some(&rep), people_query, json!({})).await, "people");
    assert_eq!(seen, (1, vec![people[1].clone()]), "the organisation's people, counted alone");

    let volunteer = token("volunteer").await;
    let seen = ids(&gw.staff(Some(&volunteer), people_query, json!({})).await, "people");
    assert_eq!(seen, (1, vec![people[2].clone()]), "the volunteer's own record, counted alone");
}

async fn login_token(gw: &TestGateway, login_name: &str) -> String {
    let answer = login(gw, login_name, PASSWORD).await;
    answer["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("login failed: {answer}")).to_owned()
}

gateway_on_both_databases!(
    lists_and_their_totals_hold_only_the_callers_scope,
    lists_and_their_totals_hold_only_the_callers_scope
);

#[tokio::test]
async fn fifty_login_aliases_in_one_request_are_fifty_attempts() {
    let gw = TestGateway::start().await;
    let aliases: String = (0..50)
        .map(|n| format!("a{n}: login(login: \"admin\", password: \"wrong password {n}\") {{ token }} "))
        .collect();
    let answer = gw.staff(None, &format!("mutation {{ {aliases} }}"), json!({})).await;
    let errors = answer["errors"].as_array().unwrap_or_else(|| panic!("{answer}"));
    let count = |code: &str| errors.iter().filter(|e| e["extensions"]["code"] == code).count();
    assert_eq!(errors.len(), 50, "one answer per alias");
    assert_eq!(count("TOO_MANY_REQUESTS"), 45, "five failures lock the login; the rest are refused");
    assert_eq!(count("UNAUTHENTICATED"), 5);
    let right = login(&gw, "admin", ADMIN_PASSWORD).await;
    assert_eq!(error_code(&right), "TOO_MANY_REQUESTS", "even the right password waits out the window");
    assert!(right["errors"][0]["extensions"]["retryAfter"].as_u64().is_some_and(|s| s > 0));
    let failed = gw.system.services.gate.log().scan(0, 1000).await.expect("scan");
    let failed =
        failed.iter().filter(|r| r.event.action == "session.login" && r.event.outcome == audit::Outcome::Failed);
    assert_eq!(failed.count(), 5, "each evaluated failure is in the audit log");
}

#[tokio::test]
async fn an_administrator_unlocks_a_login_that_failures_locked() {
    let gw = TestGateway::start().await;
    let admin_token = gw.admin_token().await;
    let admin = gw.admin_actor().await;
    let maria = Assignment::role(Role::Coordinator);
    gw.system.services.access.add_account(&admin, "maria", &maria, PASSWORD).await.expect("account");
    for n in 0..5 {
        assert_eq!(error_code(&login(&gw, "maria", &format!("wrong password {n}")).await), "UNAUTHENTICATED");
    }
    assert_eq!(error_code(&login(&gw, "maria", PASSWORD).await), "TOO_MANY_REQUESTS", "locked from this address");
    let unlock = "mutation { unlockAccount(login: \"maria\") { login } }";
    let unlocked = gw.staff(Some(&admin_token), unlock, json!({})).await;
    assert_eq!(unlocked["data"]["unlockAccount"]["login"], "maria", "{unlocked}");
    let token = login(&gw, "maria", PASSWORD).await["data"]["login"]["token"].as_str().expect("token").to_owned();
    assert_eq!(error_code(&gw.staff(Some(&token), unlock, json!({})).await), "FORBIDDEN", "only administrators");
}

#[tokio::test]
async fn an_unknown_login_gets_the_same_answer_as_a_wrong_password() {
    let gw = TestGateway::start().await;
    let unknown = without_request_ids(login(&gw, "nobody", "whatever password").await);
    let wrong = without_request_ids(login(&gw, "admin", "whatever password").await);
    assert_eq!(unknown, wrong);
    assert_eq!(error_code(&unknown), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_role_change_and_a_password_change_end_sessions_on_the_next_request() {
    let gw = TestGateway::start().await;
    let admin_token = gw.admin_token().await;
    let add = "mutation($p: String!) { addAccount(login: \"maria\", password: $p, assignment: { role: COORDINATOR }) { login role } }";
    let added = gw.staff(Some(&admin_token), add, json!({ "p": PASSWORD })).await;
    assert_eq!(added["data"]["addAccount"]["role"], "COORDINATOR", "{added}");
    let token = login(&gw, "maria", PASSWORD).await["data"]["login"]["token"].as_str().expect("token").to_owned();
    let me = "{ me { login role } }";
    assert_eq!(gw.staff(Some(&token), me, json!({})).await["data"]["me"]["role"], "COORDINATOR");
    let demote = "mutation { setAccountRole(login: \"maria\", assignment: { role: RESEARCHER }) { role } }";
    gw.staff(Some(&admin_token), demote, json!({})).await;
    assert_eq!(error_code(&gw.staff(Some(&token), me, json!({})).await), "UNAUTHENTICATED");

    let token = login(&gw, "maria", PASSWORD).await["data"]["login"]["token"].as_str().expect("token").to_owned();
    assert_eq!(gw.staff(Some(&token), me, json!({})).await["data"]["me"]["role"], "RESEARCHER");
    let change = "mutation($c: String!) { changePassword(current: $c, new: \"another long password\") }";
    let changed = gw.staff(Some(&token), change, json!({ "c": PASSWORD })).await;
    assert_eq!(changed["data"]["changePassword"], true, "{changed}");
    assert_eq!(error_code(&gw.staff(Some(&token), me, json!({})).await), "UNAUTHENTICATED");
    assert!(login(&gw, "maria", "another long password").await["data"]["login"]["token"].is_string());
}

#[tokio::test]
async fn an_account_bound_to_a_record_that_does_not_exist_is_refused_naming_the_field() {
    let gw = TestGateway::start().await;
    let admin_token = gw.admin_token().await;
    let ghost = "00000000-0000-7000-8000-0000000000aa";
    let add = "mutation($p: String!, $o: ID!) { addAccount(login: \"rep\", password: $p, \
               assignment: { role: NGO_REPRESENTATIVE, organizationId: $o }) { login } }";
    let refused = gw.staff(Some(&admin_token), add, json!({ "p": PASSWORD, "o": ghost })).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "assignment.organizationId", "{refused}");
    let accounts = gw.staff(Some(&admin_token), "{ accounts { login } }", json!({})).await;
    assert!(!accounts.to_string().contains("\"rep\""), "nothing was created: {accounts}");

    let add = "mutation($p: String!) { addAccount(login: \"maria\", password: $p, assignment: { role: COORDINATOR }) { login } }";
    gw.staff(Some(&admin_token), add, json!({ "p": PASSWORD })).await;
    let rebind = "mutation($v: ID!) { setAccountRole(login: \"maria\", assignment: { role: VOLUNTEER, personId: $v }) { role } }";
    let refused = gw.staff(Some(&admin_token), rebind, json!({ "v": ghost })).await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "assignment.personId", "{refused}");
    let accounts = gw.staff(Some(&admin_token), "{ accounts { login role } }", json!({})).await;
    assert!(accounts.to_string().contains("COORDINATOR"), "the role is unchanged: {accounts}");
}

#[tokio::test]
async fn a_person_appears_in_the_public_directory_only_with_a_distribution_consent_and_only_as_consented() {
    let gw = TestGateway::start().await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
    let org = OrganizationInput {
        full_name: "АНО «Открытая»".into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(5)),
        ..Default::default()
    };
    let org = registry.create_organization(&admin, &org).await.expect("org");
    let basis = registry::input::LegalBasisInput {
        kind: registry::model::LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: registry::testing::fixtures::day(2026, 1, 1),
        document: None,
    };
    let person = registry::input::PersonInput {
        last_name: "Публичная".into(),
        first_name: "Ольга".into(),
        phones: vec!["+7 900 777-77-77".into()],
        ..Default::default()
    };
    let person = registry.add_person(&admin, &person, &basis).await.expect("person");
    registry.add_membership(&admin, person.id, org.id, "председатель", None).await.expect("membership");
    let query = "query($id: ID!) { organization(id: $id) { contacts { fullName position phones } } }";
    let contacts = || async {
        let answer = gw.post("/public/graphql", None, query, json!({ "id": org.id.0.to_string() })).await;
        answer["data"]["organization"]["contacts"].clone()
    };
    assert_eq!(contacts().await, json!([]), "nobody appears without a distribution consent");
    let privacy = &gw.system.services.privacy;
    let processing = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Processing,
        purpose: "ngo_contacts".into(),
        categories: vec!["name".into(), "phone".into()],
        document: "Согласие П-1".into(),
        recipient: None,
    };
    privacy.record_consent(&admin, processing).await.expect("processing consent");
    assert_eq!(contacts().await, json!([]), "a processing consent does not make anyone public");
    let newsletter = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Distribution,
        purpose: "newsletter".into(),
        categories: vec!["name".into(), "position".into(), "phone".into()],
        document: "Согласие Р-0 (рассылка)".into(),
        recipient: None,
    };
    privacy.record_consent(&admin, newsletter).await.expect("distribution consent for a newsletter");
    assert_eq!(contacts().await, json!([]), "a distribution consent for another purpose does not publish");
    let distribution = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Distribution,
        purpose: "public_directory".into(),
        categories: vec!["name".into(), "position".into()],
        document: "Согласие Р-1".into(),
        recipient: None,
    };
    let consent = privacy.record_consent(&admin, distribution).await.expect("distribution consent");
    assert_eq!(
        contacts().await,
        json!([{ "fullName": "Публичная Ольга", "position": "председатель", "phones": [] }]),
        "only the consented fields: no phone"
    );
    privacy.withdraw_consent(&admin, consent.id).await.expect("withdraw");
    assert_eq!(contacts().await, json!([]), "withdrawal removes the person from the next public answer");
}

#[tokio::test]
async fn a_rotating_x_forwarded_for_does_not_escape_the_address_limit() {
    let gw = TestGateway::start().await;
    let mut codes = Vec::new();
    for n in 0..12 {
        let body = json!({
            "query": "mutation($l: String!) { login(login: $l, password: \"whatever password\") { token } }",
            "variables": { "l": format!("someone{n}") },
        });
        let answer: Value = gw
            .client
            .post(format!("{}/graphql", gw.base))
            .header("X-Forwarded-For", format!("203.0.113.{n}"))
            .json(&body)
            .send()
            .await
            .expect("answers")
            .json()
            .await
            .expect("JSON");
        codes.push(error_code(&answer).to_owned());
    }
    assert_eq!(codes.iter().filter(|c| *c == "UNAUTHENTICATED").count(), 10, "{codes:?}");
    assert_eq!(&codes[10..], ["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"], "the socket's address is what counts");
}
