//! Hostile arguments against both schemas over real HTTP: generated GraphQL documents whose
//! arguments are extreme integers, foreign cursors, odd strings and values of the wrong type.
//! Whatever arrives, the answer is JSON with a 2xx/4xx status and no `INTERNAL` or `UNAVAILABLE`
//! error (a panic or a storage failure on input is a defect).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::support::TestGateway;

/// Staff operations, each with the variables it declares (`$a`, `$b`, `$c`).
const STAFF: &[&str] = &[
    "query($a: Int!, $b: String) { organizations(first: $a, after: $b) { totalCount nodes { id fullName } pageInfo { endCursor hasNextPage } } }",
    "query($a: Int!, $b: String, $c: String) { organizations(first: $a, after: $b, filter: { text: $c, inn: $c, municipality: $c }) { totalCount } }",
    "query($a: Int!, $b: String, $c: String) { organizations(first: $a, after: $b, filter: { ogrn: $c, legalForm: $c, activityArea: $c, targetGroup: $c }, orderBy: NAME_DESC) { nodes { id } } }",
    "query($a: Int!, $b: String, $c: String) { people(first: $a, after: $b, filter: { text: $c, contact: $c }) { totalCount nodes { id lastName } } }",
    "query($a: Int!, $b: String, $c: ID) { people(first: $a, after: $b, filter: { organizationId: $c }) { totalCount } }",
    "query($a: Int!, $b: String, $c: String) { auditLog(first: $a, after: $b, filter: { action: $c, login: $c, object: $c }) { totalCount nodes { seq action } } }",
    "query($c: ID!) { organization(id: $c) { id fullName people { person { id } } ties { id } } }",
    "query($c: ID!) { person(id: $c) { id phones emails } }",
    "query($c: ID!) { consents(personId: $c) { id } }",
    "query($c: ID!) { subjectData(personId: $c) }",
    "query { registrySummary { total } openSubjectRequests { id } accounts { login } me { login } coalitions { id } }",
    "mutation($b: String!, $c: String!) { createOrganization(input: { fullName: $b, legalForm: $c, inn: $c, ogrn: $b, kpp: $c, emails: [$b], phones: [$c], website: $b }) { id } }",
    "mutation($a: Int!, $b: String!, $c: ID!) { updateOrganization(id: $c, expectedVersion: $a, input: { fullName: $b, legalForm: \"12300\" }) { id } }",
    "mutation($a: Int!, $c: ID!) { verifyOrganization(id: $c, expectedVersion: $a) { id } }",
    "mutation($b: String!, $c: String!) { addPerson(input: { lastName: $b, firstName: $c, emails: [$c], phones: [$b] }, legalBasis: { kind: CONSENT, purpose: $b, since: \"2026-01-01\", document: $c }) { id } }",
    "mutation($b: String!, $c: ID!) { addMembership(personId: $c, organizationId: $c, position: $b) { id } }",
    "mutation($b: String!, $c: ID!) { recordConsent(input: { personId: $c, kind: DISTRIBUTION, purpose: $b, categories: [$b], document: $b }) { id } }",
    "mutation($c: ID!) { withdrawConsent(id: $c) { id } }",
    "mutation($b: String!, $c: ID!) { extendSubjectRequest(id: $c, reason: $b) { id } }",
    "mutation($c: ID!) { registerSubjectRequest(personId: $c) { id } }",
    "mutation($c: ID!) { endMembership(id: $c) { id } endTie(id: $c) { id } }",
];

/// Public operations.
const PUBLIC: &[&str] = &[
    "query($a: Int!, $b: String) { organizations(first: $a, after: $b) { totalCount nodes { id fullName } } }",
    "query($a: Int!, $b: String, $c: String) { organizations(first: $a, after: $b, filter: { text: $c, municipality: $c, legalForm: $c, activityArea: $c, targetGroup: $c }) { totalCount } }",
    "query($c: ID!) { organization(id: $c) { id fullName } }",
];

/// Values chosen to break things: integer edges, cursors past every range, ids of the wrong
/// shape, dates that are not dates, control characters, long and non-Latin text, wrong types.
fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MAX),
            Just(i64::from(i32::MIN)),
            Just(i64::from(i32::MAX)),
            Just(-1i64),
            Just(0i64),
            Just(1i64),
            Just(100i64),
            Just(101i64),
            any::<i64>()
        ]
        .prop_map(Value::from),
        "o[0-9]{1,25}".prop_map(Value::from),
        "[A-Za-z0-9_-]{0,120}".prop_map(Value::from),
        ("(org|audit|person)\\.[a-z.]{0,12}", "[tn]\\PC{0,20}", "[0-9a-f]{32}").prop_map(|(o, k, id)| {
            use base64::Engine as _;
            Value::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{o}\u{1f}{k}\u{1f}{id}")))
        }),
        Just(Value::from("o9223372036854775808")),
        Just(Value::from("o18446744073709551615")),
        Just(Value::from("00000000-0000-0000-0000-000000000000")),
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".prop_map(Value::from),
        "[0-9]{10,15}".prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        "[=+@\\-%_\\\\'\";\\x00-\\x1f]{0,20}".prop_map(Value::from),
        (0usize..3).prop_map(|n| Value::from("я".repeat(10_000 * n + 1))),
        any::<f64>().prop_map(|f| json!(f)),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!([1, "x"])),
        Just(json!({ "x": 1 })),
    ]
}

fn case() -> impl Strategy<Value = (bool, usize, Value, Value, Value)> {
    (any::<bool>(), any::<usize>(), hostile(), hostile(), hostile())
}

#[test]
fn generated_documents_with_hostile_arguments_never_panic_or_answer_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let gw = runtime.block_on(TestGateway::start());
    let token = runtime.block_on(gw.admin_token());
    let mut runner = TestRunner::new(Config { cases: 400, failure_persistence: None, ..Config::default() });
    let outcome = runner.run(&case(), |(staff, pick, a, b, c)| {
        let (path, query, token) = if staff {
            ("/graphql", STAFF[pick % STAFF.len()], Some(token.as_str()))
        } else {
            ("/public/graphql", PUBLIC[pick % PUBLIC.len()], None)
        };
        let variables = json!({ "a": a, "b": b, "c": c });
        let (status, body) = runtime.block_on(async {
            let mut request =
                gw.client.post(format!("{}{path}", gw.base)).json(&json!({ "query": query, "variables": variables }));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("the gateway answers");
            let status = response.status();
            (status, response.text().await.expect("a body"))
        });
        prop_assert!(status.as_u16() < 500, "{status} for {query} with {variables}: {body}");
        let body: Value = serde_json::from_str(&body).map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
        for error in body["errors"].as_array().into_iter().flatten() {
            let code = error["extensions"]["code"].as_str().unwrap_or("");
            prop_assert!(
                !matches!(code, "INTERNAL" | "UNAVAILABLE" | ""),
                "{code} for {query} with {variables}: {body}"
            );
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
