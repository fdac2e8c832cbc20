//! The gateway's protective limits over real HTTP (security-reliability plan, section 4.1).

use serde_json::json;

use crate::support::{TestGateway, error_code};

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused_before_execution() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let deep = "{ organizations { nodes { ties { other { ties { other { ties { other { ties { other { fullName } } } } } } } } } } }";
    let before = gw.db.statements_executed();
    let answer = gw.staff(Some(&token), deep, json!({})).await;
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{answer}");
    assert_eq!(
        gw.db.statements_executed() - before,
        1,
        "only the session lookup (joined with its account) ran: no resolver touched the database"
    );
}

#[tokio::test]
async fn an_alias_flood_is_refused() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let flood: String = (0..101).map(|i| format!("a{i}: __typename ")).collect();
    let answer = gw.staff(Some(&token), &format!("{{ {flood} }}"), json!({})).await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("aliases) в запросе: 101"), "{answer}");
}

#[tokio::test]
async fn many_large_pages_in_one_query_exceed_the_complexity_limit() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let pages: String =
        (0..16).map(|i| format!("p{i}: organizations(first: 100) {{ nodes {{ fullName inn }} }} ")).collect();
    let answer = gw.staff(Some(&token), &format!("{{ {pages} }}"), json!({})).await;
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("complex"), "{answer}");
}

#[tokio::test]
async fn a_page_larger_than_one_hundred_is_refused_naming_the_argument() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let answer = gw.staff(Some(&token), "{ organizations(first: 101) { totalCount } }", json!({})).await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
    assert_eq!(answer["errors"][0]["extensions"]["field"], "first");
}

/// A refusal's status, and its JSON body with a code and a request id to quote.
async fn refused(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("a refusal is JSON");
    let error = &body["errors"][0];
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "a message: {body}");
    assert!(error["extensions"]["requestId"].as_str().is_some_and(|id| id.len() == 36), "a request id: {body}");
    (status, error["extensions"]["code"].as_str().expect("a code").to_owned())
}

#[tokio::test]
async fn batches_gets_and_non_json_posts_are_refused_in_json_with_a_code_and_a_request_id() {
    let gw = TestGateway::start().await;
    let url = format!("{}/graphql", gw.base);
    let batch = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]);
    let batch = gw.client.post(&url).json(&batch).send().await.unwrap();
    assert_eq!(refused(batch).await, (400, "BAD_USER_INPUT".into()));
    let get_mutation = gw.client.get(format!("{url}?query=mutation%7Blogout%7D")).send().await.unwrap();
    assert_eq!(get_mutation.headers()["allow"], "POST");
    assert_eq!(refused(get_mutation).await, (405, "BAD_USER_INPUT".into()));
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let body = "{\"query\":\"{ __typename }\"}";
        let post = gw.client.post(&url).header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(refused(post).await, (415, "BAD_USER_INPUT".into()), "{content_type}");
    }
    let not_json = gw.client.post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(refused(not_json).await, (400, "BAD_USER_INPUT".into()));
    let put = gw.client.put(&url).json(&json!({ "query": "{ __typename }" })).send().await.unwrap();
    assert_eq!(put.headers()["allow"], "GET,HEAD,POST", "the router names what it serves");
    assert_eq!(refused(put).await, (405, "BAD_USER_INPUT".into()));
    let nowhere = gw.client.post(format!("{}/nowhere", gw.base)).json(&json!({})).send().await.unwrap();
    assert_eq!(refused(nowhere).await, (404, "NOT_FOUND".into()));
    let forged = gw.client.post(&url).bearer_auth("forged-token").json(&json!({ "query": "{ me { login } }" }));
    assert_eq!(refused(forged.send().await.unwrap()).await, (200, "UNAUTHENTICATED".into()));
    let graphiql = gw.client.get(&url).header("accept", "text/html").send().await.unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let probe = gw.client.get(format!("{}/healthz", gw.base)).send().await.unwrap();
    assert_eq!(probe.text().await.unwrap(), "ok", "the probes answer plain text");
    let browser =
        gw.client.get(format!("{}/no-such-page", gw.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(browser.status(), 404);
    assert!(browser.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let page = browser.text().await.unwrap();
    assert!(page.contains("Страница не найдена"), "a browser gets a page, not JSON: {page}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_in_json() {
    let gw = TestGateway::start().await;
    let huge = json!({ "query": "{ __typename }", "variables": { "x": "a".repeat(1024 * 1024) } });
    let response = gw.client.post(format!("{}/graphql", gw.base)).json(&huge).send().await.unwrap();
    assert_eq!(refused(response).await, (413, "BAD_USER_INPUT".into()));
}

#[tokio::test]
async fn anonymous_callers_get_no_introspection_and_no_suggestions_on_the_staff_schema() {
    let gw = TestGateway::start().await;
    let introspection = gw.staff(None, "{ __schema { types { name } } }", json!({})).await;
    assert!(introspection["data"]["__schema"].is_null(), "{introspection}");
    assert!(!introspection.to_string().contains("OrganizationInput"), "no type names leak: {introspection}");
    let typo = gw.staff(None, "{ organisations { totalCount } }", json!({})).await;
    assert!(!typo.to_string().contains("Did you mean"), "{typo}");
}

#[tokio::test]
async fn a_database_error_never_reaches_the_client() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    // A real database failure: the table behind the query is gone.
    storage::testing::execute_sql(&gw.db, "ALTER TABLE people RENAME TO people_gone").await.expect("sabotage");
    let answer = gw.staff(Some(&token), "{ people(first: 5) { totalCount nodes { id } } }", json!({})).await;
    assert!(matches!(error_code(&answer), "UNAVAILABLE" | "INTERNAL"), "{answer}");
    let text = answer.to_string();
    for leak in
        ["sqlx", "sea_orm", "SELECT", "no such", "people_gone", "SQLITE", "error returned from database", ".rs:"]
    {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
    assert!(answer["errors"][0]["extensions"]["requestId"].as_str().is_some_and(|id| !id.is_empty()));
    storage::testing::execute_sql(&gw.db, "ALTER TABLE people_gone RENAME TO people").await.expect("repair");

    // A refused write (a missing organisation) reads like a missing record, without SQL either.
    let tie = "mutation($a: ID!, $b: ID!) { addTie(input: { kind: FUNDING, organizationId: $a, otherOrganizationId: $b }) { id } }";
    let missing = "01950000-0000-7000-8000-000000000000";
    let answer = gw.staff(Some(&token), tie, json!({ "a": missing, "b": missing })).await;
    assert_eq!(error_code(&answer), "NOT_FOUND");
    let text = answer.to_string();
    for leak in ["sqlx", "sea_orm", "SELECT", "INSERT", "constraint", "violates", ".rs:"] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
    assert!(answer["errors"][0]["extensions"]["requestId"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn messages_are_russian_by_default_and_english_on_request() {
    let gw = TestGateway::start().await;
    let query = json!({ "query": "{ me { login } }" });
    let url = format!("{}/graphql", gw.base);
    let ru: serde_json::Value = gw.client.post(&url).json(&query).send().await.unwrap().json().await.unwrap();
    assert!(ru["errors"][0]["message"].as_str().unwrap().contains("нужно войти"), "{ru}");
    let en: serde_json::Value =
        gw.client.post(&url).header("accept-language", "en").json(&query).send().await.unwrap().json().await.unwrap();
    assert!(en["errors"][0]["message"].as_str().unwrap().contains("log in first"), "{en}");

    // Refusals before GraphQL, and the engine's own errors, speak Russian by default too.
    let not_json = gw.client.post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
    let not_json: serde_json::Value = not_json.json().await.unwrap();
    assert_eq!(not_json["errors"][0]["message"], "тело запроса — не JSON");
    let batch = gw.client.post(&url).json(&json!([query, query])).send().await.unwrap();
    let batch: serde_json::Value = batch.json().await.unwrap();
    assert!(batch["errors"][0]["message"].as_str().unwrap().contains("пакеты"), "{batch}");
    let huge = format!("{{ {} ", "x".repeat(100_000));
    let engine = gw.post("/public/graphql", None, &huge, json!({})).await;
    let message = engine["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("запрос GraphQL не прошёл проверку"), "{message}");
    assert!(message.chars().count() < 400, "the query is not echoed back whole: {} chars", message.len());
}

#[tokio::test]
async fn a_cursor_out_of_range_or_malformed_is_bad_user_input_naming_after_on_every_list() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let lists = [
        ("/public/graphql", "organizations"),
        ("/graphql", "organizations"),
        ("/graphql", "people"),
        ("/graphql", "auditLog"),
    ];
    // A cursor this system gave out, for the organisations by name: foreign to every other list.
    let input = registry::input::OrganizationInput {
        full_name: "АНО «Курсор»".into(),
        legal_form: "ano".into(),
        ..Default::default()
    };
    gw.system.services.registry.create_organization(&gw.admin_actor().await, &input).await.expect("an organisation");
    let by_name = gw.staff(Some(&token), "{ organizations(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let by_name = by_name["data"]["organizations"]["pageInfo"]["endCursor"].as_str().expect("a cursor").to_owned();
    let other_order = "query($c: String) { organizations(first: 1, after: $c, orderBy: CREATED_DESC) { totalCount } }";
    let refused = gw.staff(Some(&token), other_order, json!({ "c": by_name })).await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "after", "another order's cursor: {refused}");
    for cursor in ["o9223372036854775808", "o18446744073709551615", "o-1", "x", "", "!!", &by_name] {
        for (path, list) in lists {
            if cursor == by_name && list == "organizations" {
                continue; // the same list and order: a valid cursor
            }
            let token = (path == "/graphql").then_some(token.as_str());
            let query = format!("query($c: String) {{ {list}(first: 1, after: $c) {{ totalCount }} }}");
            let response = gw
                .client
                .post(format!("{}{path}", gw.base))
                .json(&json!({ "query": query, "variables": { "c": cursor } }));
            let response = match token {
                Some(token) => response.bearer_auth(token),
                None => response,
            };
            let response = response.send().await.expect("an answer");
            assert_eq!(response.status(), 200, "{path} {list} {cursor}");
            let answer: serde_json::Value = response.json().await.expect("JSON");
            assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{path} {list} {cursor}: {answer}");
            assert_eq!(answer["errors"][0]["extensions"]["field"], "after", "{path} {list} {cursor}: {answer}");
            let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("курсор"), "Russian by default: {message}");
        }
    }
}

#[tokio::test]
async fn a_list_pages_past_the_longest_name_an_organisation_may_have() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let admin = gw.admin_actor().await;
    for name in [format!("Фонд {}", "д".repeat(995)), format!("Фонд {}", "𝔄".repeat(995)), "Фонд я".to_owned()]
    {
        let input =
            registry::input::OrganizationInput { full_name: name, legal_form: "ano".into(), ..Default::default() };
        gw.system.services.registry.create_organization(&admin, &input).await.expect("a valid name");
    }
    let page =
        "query($c: String) { organizations(first: 1, after: $c) { pageInfo { hasNextPage endCursor } nodes { id } } }";
    let (mut after, mut seen) = (serde_json::Value::Null, 0);
    loop {
        let answer = gw.staff(Some(&token), page, json!({ "c": after })).await;
        let connection = &answer["data"]["organizations"];
        assert_eq!(connection["nodes"].as_array().map(Vec::len), Some(1), "{answer}");
        seen += 1;
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, 3, "every organisation, the longest names included");
}

#[tokio::test]
async fn an_alias_flood_hidden_in_a_fragment_is_counted_where_it_is_spread() {
    let gw = TestGateway::start().await;
    let token = gw.admin_token().await;
    let fragment: String = (0..50).map(|i| format!("a{i}: __typename ")).collect();
    let spreads: String = (0..10).map(|i| format!("s{i}: registrySummary {{ ...F }} ")).collect();
    let query = format!("{{ {spreads} }} fragment F on RegistrySummary {{ {fragment} }}");
    let answer = gw.staff(Some(&token), &query, json!({})).await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("aliases) в запросе: 510"), "{answer}");
}

/// How many audit rows have this action.
async fn rows_of(gw: &TestGateway, action: &str) -> Vec<audit::AuditRecord> {
    let filter = audit::AuditFilter { action: Some(action.into()), ..Default::default() };
    let page = kernel::PageRequest::new(100, None).expect("a page");
    gw.system.services.gate.log().list(&filter, page).await.expect("the log").items
}

#[tokio::test]
async fn refusals_before_any_account_are_recorded_once_per_address_and_minute() {
    let gw = TestGateway::start_with(crate::support::Db::Sqlite, 3).await;
    for _ in 0..40 {
        let answer = gw.staff(Some("forged-token"), "{ me { login } }", json!({})).await;
        assert_eq!(error_code(&answer), "UNAUTHENTICATED");
        let answer = gw.staff(None, "{ me { login } }", json!({})).await;
        assert_eq!(error_code(&answer), "UNAUTHENTICATED");
    }
    let login = "mutation { login(login: \"admin\", password: \"wrong password here\") { token } }";
    let mut throttled = 0;
    for _ in 0..20 {
        let answer = gw.staff(None, login, json!({})).await;
        throttled += usize::from(error_code(&answer) == "TOO_MANY_REQUESTS");
    }
    assert!(throttled >= 15, "{throttled} of 20 throttled");
    // A minute boundary may fall inside the run: then the first minute's row, its summary and the
    // next minute's first row; never one row per refusal.
    for action in ["session.invalid_token", "session.unauthenticated", "session.login_throttled"] {
        let rows = rows_of(&gw, action).await;
        assert!((1..=3).contains(&rows.len()), "{action}: {} rows", rows.len());
        let first = &rows[rows.len() - 1];
        assert_eq!(first.event.outcome, audit::Outcome::Denied, "{action}");
        assert_eq!(first.event.origin.as_deref(), Some("127.0.0.1"), "{action}: the address is recorded");
    }
    assert!(audit::verify_log(gw.system.services.gate.log().as_ref(), None).await.is_ok());
}

#[tokio::test]
async fn thousands_of_chained_fragments_or_fields_are_refused_before_validation() {
    let gw = TestGateway::start().await;
    let chain: String = (0..5_000).map(|i| format!("fragment F{i} on Query {{ ...F{} }} ", i + 1)).collect();
    let flat: String = (0..20_000).map(|_| "__typename ").collect();
    let mut fan_out = String::from("{ ...F0 }");
    for level in 0..8 {
        let spreads: String = (0..10).map(|_| format!("...F{} ", level + 1)).collect();
        fan_out.push_str(&format!(" fragment F{level} on Query {{ {spreads} }}"));
    }
    fan_out.push_str(" fragment F8 on Query { __typename }");
    for (path, query) in [
        ("/public/graphql", fan_out.clone()),
        ("/graphql", fan_out),
        ("/public/graphql", format!("query {{ __typename }} {chain} fragment F5000 on Query {{ __typename }}")),
        ("/graphql", format!("query {{ __typename }} {chain} fragment F5000 on Query {{ __typename }}")),
        ("/public/graphql", format!("{{ {flat} }}")),
    ] {
        let answer = gw.post(path, None, &query, json!({})).await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{path}");
        assert_eq!(answer["errors"].as_array().map(Vec::len), Some(1), "one error, not one per fragment");
        let message = answer["errors"][0]["message"].as_str().unwrap();
        // Validation would have answered with one "never used" error per fragment.
        assert!(message.contains("Фрагментов") || message.contains("Полей"), "{message}");
    }
}
