//! The gateway end to end over real HTTP: log in, build a small registry, read it back nested,
//! and get the right error codes for the classic mistakes.

use registry::testing::fixtures::{inn_number, ogrn_number};
use serde_json::{Value, json};

use crate::support::{Db, TestGateway, error_code};

const CREATE: &str =
    "mutation($input: OrganizationInput!) { createOrganization(input: $input) { id version fullName } }";

fn organization(n: u32, name: &str) -> Value {
    json!({
        "fullName": name,
        "legalForm": "ano",
        "inn": inn_number(n),
        "ogrn": ogrn_number(n),
        "municipality": "kaluga_city",
        "activityAreas": ["social_services_support_protection"],
        "targetGroups": ["homelessness"],
        "relationship": "REGULAR_CLIENT"
    })
}

async fn create(gw: &TestGateway, token: &str, input: Value) -> Value {
    let answer = gw.staff(Some(token), CREATE, json!({ "input": input })).await;
    answer["data"]["createOrganization"].clone()
}

async fn check_the_registry_end_to_end(gw: &TestGateway) {
    let token = gw.admin_token().await;
    let a = create(gw, &token, organization(1, "  АНО  \"Светлый дом\" ")).await;
    let b = create(gw, &token, organization(2, "Фонд «Добрые руки»")).await;
    assert_eq!(a["fullName"], "АНО «Светлый дом»", "names are normalised: {a}");
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());

    let person = gw
        .staff(
            Some(&token),
            "mutation($p: PersonInput!, $b: LegalBasisInput!) { addPerson(input: $p, legalBasis: $b) { id fullName } }",
            json!({
                "p": { "lastName": "Иванова", "firstName": "Мария", "middleName": "Петровна", "phones": ["+7 910 000-00-00"] },
                "b": { "kind": "CONSENT", "purpose": "учёт руководителей НКО", "since": "2026-01-10", "document": "согласие №1" }
            }),
        )
        .await;
    let person_id = person["data"]["addPerson"]["id"].as_str().unwrap_or_else(|| panic!("{person}")).to_owned();
    let membership = gw
        .staff(
            Some(&token),
            "mutation($p: ID!, $o: ID!) { addMembership(personId: $p, organizationId: $o, position: \"директор\") { id position } }",
            json!({ "p": person_id, "o": a_id }),
        )
        .await;
    assert_eq!(membership["data"]["addMembership"]["position"], "директор", "{membership}");
    let tie = gw
        .staff(
            Some(&token),
            "mutation($i: TieInput!) { addTie(input: $i) { kind role otherRole other { fullName } } }",
            json!({ "i": { "kind": "PARTNERSHIP", "organizationId": b_id, "role": "наставник", "otherOrganizationId": a_id, "otherRole": "подопечный" } }),
        )
        .await;
    assert_eq!(tie["data"]["addTie"]["other"]["fullName"], "АНО «Светлый дом»", "{tie}");
    let coalition = gw
        .staff(
            Some(&token),
            "mutation { createCoalition(input: { name: \"Сеть помощи\", purpose: \"семьи\" }) { id } }",
            json!({}),
        )
        .await;
    let coalition_id =
        coalition["data"]["createCoalition"]["id"].as_str().unwrap_or_else(|| panic!("{coalition}")).to_owned();
    let joined = gw
        .staff(
            Some(&token),
            "mutation($c: ID!, $o: ID!) { addCoalitionMember(coalitionId: $c, organizationId: $o, role: COORDINATOR) { role } }",
            json!({ "c": coalition_id, "o": a_id }),
        )
        .await;
    assert_eq!(joined["data"]["addCoalitionMember"]["role"], "COORDINATOR", "{joined}");

    // Read it all back, nested.
    let nested = gw
        .staff(
            Some(&token),
            "{ organizations(first: 10, filter: { text: \"светлый\" }) { totalCount edges { node {
                fullName inn municipality { code }
                people { position person { fullName phones legalBasis { kind purpose } organizations { organization { fullName } } } }
                ties { kind role otherRole other { fullName } }
                coalitions { role coalition { name members { organization { fullName } } } }
            } } } }",
            json!({}),
        )
        .await;
    let node = &nested["data"]["organizations"]["edges"][0]["node"];
    assert_eq!(nested["data"]["organizations"]["totalCount"], 1, "{nested}");
    assert_eq!(node["municipality"]["code"], "kaluga_city");
    assert_eq!(node["people"][0]["person"]["fullName"], "Иванова Мария Петровна");
    assert_eq!(node["people"][0]["person"]["phones"][0], "+79100000000");
    assert_eq!(node["people"][0]["person"]["legalBasis"]["kind"], "CONSENT");
    assert_eq!(node["people"][0]["person"]["organizations"][0]["organization"]["fullName"], "АНО «Светлый дом»");
    assert_eq!(node["ties"][0]["role"], "подопечный", "the tie seen from A shows A's role");
    assert_eq!(node["ties"][0]["otherRole"], "наставник");
    assert_eq!(node["ties"][0]["other"]["fullName"], "Фонд «Добрые руки»");
    assert_eq!(node["coalitions"][0]["coalition"]["members"][0]["organization"]["fullName"], "АНО «Светлый дом»");

    // Mistakes and their codes.
    let anonymous = gw.staff(None, CREATE, json!({ "input": organization(3, "Без токена") })).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    let mut bad = organization(4, "Плохой ИНН");
    bad["inn"] = json!("7707083890");
    let invalid = gw.staff(Some(&token), CREATE, json!({ "input": bad })).await;
    assert_eq!(error_code(&invalid), "BAD_USER_INPUT");
    assert_eq!(invalid["errors"][0]["extensions"]["field"], "inn");
    let mut duplicate = organization(5, "Тот же ИНН");
    duplicate["inn"] = json!(inn_number(1));
    let conflict = gw.staff(Some(&token), CREATE, json!({ "input": duplicate })).await;
    assert_eq!(error_code(&conflict), "CONFLICT");
    assert_eq!(conflict["errors"][0]["extensions"]["field"], "inn");

    let update = "mutation($id: ID!, $v: Int!, $input: OrganizationInput!) {
        updateOrganization(id: $id, expectedVersion: $v, input: $input) { version shortName } }";
    let mut changed = organization(1, "АНО «Светлый дом»");
    changed["shortName"] = json!("Светлый дом");
    let first = gw.staff(Some(&token), update, json!({ "id": a_id, "v": 1, "input": changed.clone() })).await;
    assert_eq!(first["data"]["updateOrganization"]["version"], 2, "{first}");
    let stale = gw.staff(Some(&token), update, json!({ "id": a_id, "v": 1, "input": changed })).await;
    assert_eq!(error_code(&stale), "CONFLICT");
    assert_eq!(stale["errors"][0]["extensions"]["currentVersion"], 2);

    // The public directory shows the organisation and nothing about people.
    let public =
        gw.post("/public/graphql", None, "{ organizations { totalCount nodes { fullName phones } } }", json!({})).await;
    assert_eq!(public["data"]["organizations"]["totalCount"], 2, "{public}");
    let people =
        gw.post("/public/graphql", None, "{ organizations { nodes { people { fullName } } } }", json!({})).await;
    assert!(people["errors"][0]["message"].as_str().unwrap().contains("people"), "{people}");

    // Logging out ends the session.
    let out = gw.staff(Some(&token), "mutation { logout }", json!({})).await;
    assert_eq!(out["data"]["logout"], true);
    let after = gw.staff(Some(&token), "{ me { login } }", json!({})).await;
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_gateway_serves_the_registry_end_to_end_on_sqlite() {
    let gw = TestGateway::start().await;
    check_the_registry_end_to_end(&gw).await;
    // The data folder, the database (and its journal) and the audit key are the owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |name: &str| std::fs::metadata(gw.dir.0.join(name)).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(std::fs::metadata(&gw.dir.0).unwrap().permissions().mode() & 0o777, 0o700);
        for name in ["nko.sqlite", "nko.sqlite-wal", "audit.key"] {
            assert_eq!(mode(name).unwrap_or_else(|e| panic!("{name}: {e}")), 0o600, "{name}");
        }
    }
}

#[tokio::test]
async fn the_gateway_serves_the_registry_end_to_end_on_postgres() {
    let Some(url) = storage::testing::postgres_url("the_gateway_serves_the_registry_end_to_end_on_postgres").await
    else {
        return;
    };
    let gw = TestGateway::start_on(Db::Postgres(url)).await;
    check_the_registry_end_to_end(&gw).await;
}

#[tokio::test]
async fn the_first_run_creates_the_database_profile_and_administrator() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let me = gw.staff(Some(&token), "{ me { login role } terms(kind: MUNICIPALITY) { code } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN");
    assert_eq!(me["data"]["terms"].as_array().map(Vec::len), Some(26), "the Kaluga profile's municipalities");
    let health = gw.client.get(format!("{}/healthz", gw.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = gw.client.get(format!("{}/readyz", gw.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}
