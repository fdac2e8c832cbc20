//! The role x operation matrix (security plan A1/A2): every root field of the staff schema and
//! every guarded object field, for every role, against the verdicts kept in
//! `tests/authz_matrix.toml`. The whole matrix runs in-process on the in-memory fakes (the
//! request path of the HTTP handlers, without TCP or a database); a sample of it, one allowed
//! and one refused role per row, runs over real HTTP on SQLite. A field of the schema missing
//! from the table fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use access::{Assignment, LoginLimits};
use gateway::graphql::{Endpoint, Schemas};
use kernel::{Lang, Role};
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::{CoalitionRole, LegalBasisKind, TieKind};
use registry::service::NewTie;
use registry::testing::fixtures::{day, inn_number};
use serde::Deserialize;
use serde_json::{Value, json};
use system::Services;

use crate::support::{ADMIN_PASSWORD, Db, TestGateway};

/// The table as kept in the repository.
#[derive(Deserialize)]
struct Matrix {
    fields: BTreeMap<String, Entry>,
    /// Guarded fields reached through other objects (`organizations { people { person { phones } } }`).
    #[serde(default)]
    nested: BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
struct Entry {
    query: String,
    allow: Vec<String>,
    /// Where the answer's value is, dot-separated from `data` (array items by index); default:
    /// the root field.
    path: Option<String>,
    /// The error an allowed role may get by design after the gate (a stale version, an end
    /// before a start) instead of data; otherwise an allowed role must get data and no error.
    after_gate: Option<String>,
}

/// The value at a dot-separated path under `data`.
fn value_at<'a>(answer: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(&answer["data"], |value, step| match step.parse::<usize>() {
        Ok(index) => &value[index],
        Err(_) => &value[step],
    })
}

fn matrix() -> Matrix {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/authz_matrix.toml")).expect("readable");
    toml::from_str(&text).expect("tests/authz_matrix.toml is valid")
}

/// The object fields whose values are personal data: each must have its own row in the matrix.
const GUARDED: &[(&str, &[&str])] =
    &[("Person", &["phones", "emails", "birthDate", "address"]), ("Referral", &["referredPerson"])];

/// The SDL's description delimiter.
const QUOTES: &str = "\"\"\"";

/// `Type.field` for every root field of Query and Mutation and every guarded object field the
/// SDL has.
fn fields_of(sdl: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut in_description = false;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with(QUOTES) {
            // A description: one line `"""text"""`, or a block between two `"""` lines.
            let one_line = trimmed.len() > 3 && trimmed.ends_with(QUOTES);
            if !one_line {
                in_description = !in_description;
            }
            continue;
        }
        if in_description {
            continue;
        }
        if let Some(rest) = line.strip_prefix("type ") {
            current = rest.split_whitespace().next().map(str::to_owned);
            continue;
        }
        if line.starts_with('}') {
            current = None;
            continue;
        }
        let Some(ty) = &current else { continue };
        let Some(name) = line.strip_prefix('\t').and_then(|l| l.split(['(', ':']).next()) else { continue };
        if name.is_empty() || name.starts_with(['"', ' ', '\t']) {
            continue;
        }
        let root = ty == "Query" || ty == "Mutation";
        let guarded = GUARDED.iter().any(|(t, fields)| t == ty && fields.contains(&name));
        if root || guarded {
            found.insert(format!("{ty}.{name}"));
        }
    }
    found
}

/// The schema's fields the table lacks, and the table's fields the schema lacks.
fn coverage(sdl: &str, table: &Matrix) -> (Vec<String>, Vec<String>) {
    let schema = fields_of(sdl);
    let listed: BTreeSet<String> = table.fields.keys().cloned().collect();
    (schema.difference(&listed).cloned().collect(), listed.difference(&schema).cloned().collect())
}

#[test]
fn every_field_of_the_staff_schema_has_a_verdict_for_every_role() {
    let (missing, unknown) = coverage(&gateway::graphql::staff_sdl(), &matrix());
    for (path, entry) in matrix().nested {
        assert!(entry.path.is_some(), "nested.{path}: a nested row names the path of its value");
    }
    assert!(missing.is_empty(), "fields without a row in tests/authz_matrix.toml: {missing:?}");
    assert!(unknown.is_empty(), "rows for fields the schema does not have: {unknown:?}");
    for (field, entry) in matrix().fields {
        for role in &entry.allow {
            assert!(Role::parse(role).is_some(), "{field}: unknown role {role}");
        }
    }
}

#[test]
fn a_field_left_out_of_the_table_is_reported() {
    let sdl = gateway::graphql::staff_sdl().replacen("type Query {", "type Query {\n\tsecretReport: String!", 1);
    let (missing, _) = coverage(&sdl, &matrix());
    assert_eq!(missing, vec!["Query.secretReport".to_owned()]);
    let with_birth_date =
        gateway::graphql::staff_sdl().replacen("type Person {", "type Person {\n\tbirthDate: String", 1);
    assert_eq!(coverage(&with_birth_date, &matrix()).0, vec!["Person.birthDate".to_owned()]);
}

/// Where the matrix's queries go.
enum Server {
    /// The gateway's request path in-process, on the in-memory fakes.
    InProcess(Schemas),
    /// A real gateway over HTTP, on SQLite.
    Http(TestGateway),
}

/// Logins the matrix makes from one address (nine to set up, nine in the table): above the
/// default limit.
const LOGINS_PER_MINUTE: usize = 100;

impl Server {
    async fn in_process() -> Self {
        let limits = LoginLimits { per_peer: LOGINS_PER_MINUTE, ..LoginLimits::default() };
        let fakes = system::testing::in_memory(Arc::new(kernel::SystemClock), ADMIN_PASSWORD, limits)
            .await
            .expect("the fakes start");
        Server::InProcess(Schemas::new(fakes.services))
    }

    async fn http() -> Self {
        Server::Http(TestGateway::start_with(Db::Sqlite, LOGINS_PER_MINUTE).await)
    }

    fn services(&self) -> &Services {
        match self {
            Server::InProcess(schemas) => schemas.services(),
            Server::Http(gw) => &gw.system.services,
        }
    }

    /// A staff query with an optional bearer token; the JSON answer.
    async fn staff(&self, token: Option<&str>, query: &str) -> Value {
        match self {
            Server::InProcess(schemas) => schemas.run(Endpoint::Staff, token, Lang::Ru, query, json!({})).await,
            Server::Http(gw) => gw.staff(token, query, json!({})).await,
        }
    }
}

/// The records and accounts the queries refer to.
struct World {
    server: Server,
    values: BTreeMap<&'static str, String>,
    tokens: BTreeMap<Role, String>,
}

const PASSWORD: &str = "a long password for the matrix";

async fn world(server: Server) -> World {
    let services = server.services();
    let admin = services.access.operator("admin").await.expect("the first admin exists");
    let admin = access::actor_of(&admin, kernel::Channel::Cli, "test-setup");
    let registry = &services.registry;
    let org = |n: u32, name: &str| OrganizationInput {
        full_name: name.into(),
        legal_form: "ano".into(),
        inn: Some(inn_number(n)),
        ..Default::default()
    };
    let a = registry.create_organization(&admin, &org(1, "АНО «А»")).await.expect("A");
    let b = registry.create_organization(&admin, &org(2, "АНО «Б»")).await.expect("B");
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: day(2026, 1, 1),
        document: None,
    };
    let person = PersonInput {
        last_name: "Волонтёрова".into(),
        first_name: "Анна".into(),
        phones: vec!["+7 900 000-00-01".into()],
        emails: vec!["anna.canary@example.org".into()],
        ..Default::default()
    };
    let person = registry.add_person(&admin, &person, &basis).await.expect("person");
    let membership = registry.add_membership(&admin, person.id, a.id, "волонтёр", None).await.expect("membership");
    let coalition = registry.create_coalition(&admin, "Сеть", None, None).await.expect("coalition");
    let member =
        registry.add_coalition_member(&admin, coalition.id, a.id, CoalitionRole::Member, None).await.expect("member");
    let tie = NewTie {
        kind: TieKind::Funding,
        a: a.id,
        a_role: None,
        b: b.id,
        b_role: None,
        from: None,
        to: None,
        note: None,
    };
    let tie = registry.add_tie(&admin, &tie).await.expect("tie");
    let other = PersonInput { last_name: "Другая".into(), first_name: "Вера".into(), ..Default::default() };
    let other = registry.add_person(&admin, &other, &basis).await.expect("person B");
    let privacy = &services.privacy;
    let consent = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Processing,
        purpose: "ngo_contacts".into(),
        categories: vec!["name".into()],
        document: "Согласие А-1".into(),
        recipient: None,
    };
    let consent = privacy.record_consent(&admin, consent).await.expect("consent");
    let request = privacy.register_request(&admin, person.id, None).await.expect("request");
    let services_world = services_records(services, &admin, a.id, person.id).await;
    let access = &services.access;
    for role in Role::ALL.into_iter().filter(|r| !matches!(r, Role::Admin | Role::Anonymous)) {
        let assignment = Assignment {
            role,
            organization: (role == Role::NgoRepresentative).then_some(a.id),
            person: (role == Role::Volunteer).then_some(person.id),
        };
        access.add_account(&admin, role.code(), &assignment, PASSWORD).await.expect("account");
    }
    access.add_account(&admin, "spare", &Assignment::role(Role::Lawyer), PASSWORD).await.expect("spare");
    let mut tokens = BTreeMap::new();
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Anonymous) {
        let login = format!(
            "mutation {{ login(login: \"{}\", password: \"{}\") {{ token }} }}",
            role.code(),
            password_of(role)
        );
        let answer = server.staff(None, &login).await;
        let token = answer["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{answer}")).to_owned();
        tokens.insert(role, token);
    }
    let values = BTreeMap::from([
        ("$ORG_A", a.id.0.to_string()),
        ("$ORG_B", b.id.0.to_string()),
        ("$PERSON_A", person.id.0.to_string()),
        ("$MEMBERSHIP_A", membership.id.0.to_string()),
        ("$COALITION_MEMBER", member.id.0.to_string()),
        ("$COALITION", coalition.id.0.to_string()),
        ("$TIE", tie.id.0.to_string()),
        ("$PERSON_B", other.id.0.to_string()),
        ("$CONSENT", consent.id.0.to_string()),
        ("$REQUEST", request.id.0.to_string()),
        ("$SPARE", "spare".to_owned()),
        ("$CATALOGUE_SERVICE", services_world.catalogue),
        ("$SERVICE_A", services_world.service),
        ("$SERVICE_REQUEST", services_world.request),
        ("$REFERRAL", services_world.referral),
        ("$CASE", services_world.case),
    ]);
    World { server, values, tokens }
}

/// The services records the matrix's queries name.
struct ServicesWorld {
    catalogue: String,
    service: String,
    request: String,
    referral: String,
    case: String,
}

/// A directory service of A, a request from A, a referral of the person to A (with their
/// consent), and a case from the request.
async fn services_records(
    services: &Services,
    admin: &kernel::Actor,
    a: registry::model::OrganizationId,
    person: registry::model::PersonId,
) -> ServicesWorld {
    use services_catalog::model::request::{IntakeChannel, RequestKind};
    use services_catalog::service::{ApplicantInput, CaseInput, DirectoryInput, ReferralInput, RequestInput};
    let catalog = &services.catalog;
    let catalogue = catalog.catalogue(admin).await.expect("the catalogue was seeded");
    let consulting = catalogue.iter().find(|s| s.code.as_str() == "personal_consulting").expect("in the catalogue");
    let service = DirectoryInput {
        provider: Some(a),
        name: "Ночлег".into(),
        description: "Ночлег и питание".into(),
        needs: vec!["homelessness".into()],
        cost: "free".into(),
        ..Default::default()
    };
    let service = catalog.add_service(admin, &service).await.expect("a directory service");
    let request = RequestInput {
        kind: RequestKind::Ngo,
        channel: IntakeChannel::Visit,
        topic: "Консультация".into(),
        service: Some(consulting.id),
        text: "Нужна консультация".into(),
        attachments: Vec::new(),
        applicant: ApplicantInput::Organization(a),
        consent_given: true,
        received_on: None,
    };
    let request = catalog.receive(admin, &request).await.expect("a request");
    let consent = privacy::NewConsent {
        subject: person,
        kind: privacy::ConsentKind::Processing,
        purpose: services_catalog::ports::REFERRAL_CONSENT_PURPOSE.into(),
        categories: vec!["name".into(), "phone".into()],
        document: "Согласие на передачу А-2".into(),
        recipient: Some(a),
    };
    services.privacy.record_consent(admin, consent).await.expect("a referral consent");
    let referral = ReferralInput { request: request.id, person, service: service.id, note: None };
    let referral = catalog.refer(admin, &referral).await.expect("a referral");
    let case = CaseInput { subject: "Защита прав".into(), ..Default::default() };
    let case = catalog.open_case(admin, request.id, &case).await.expect("a case");
    ServicesWorld {
        catalogue: consulting.id.0.to_string(),
        service: service.id.0.to_string(),
        request: request.id.0.to_string(),
        referral: referral.id.0.to_string(),
        case: case.id.0.to_string(),
    }
}

/// The password of a role's account in the matrix (the anonymous caller logs in as admin).
fn password_of(role: Role) -> &'static str {
    if matches!(role, Role::Admin | Role::Anonymous) { ADMIN_PASSWORD } else { PASSWORD }
}

/// What a role got for one field: past the policy, or refused.
fn verdict(answer: &Value) -> Result<(), String> {
    let denial = answer["errors"].as_array().into_iter().flatten().find_map(|e| {
        let code = e["extensions"]["code"].as_str().unwrap_or_default();
        ["FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"].contains(&code).then(|| code.to_owned())
    });
    match denial {
        Some(code) => Err(code),
        None => Ok(()),
    }
}

/// The path of an error whose position is missing from `data` instead of null (or under a null
/// parent), as the spec's null propagation requires.
fn failed_field_left_out(answer: &Value) -> Option<String> {
    answer["errors"].as_array().into_iter().flatten().find_map(|error| {
        let path = error["path"].as_array()?;
        let mut at = &answer["data"];
        for segment in path {
            if at.is_null() {
                return None;
            }
            let next = match segment {
                Value::String(key) => at.get(key.as_str()),
                Value::Number(n) => n.as_u64().and_then(|i| at.get(usize::try_from(i).ok()?)),
                _ => None,
            };
            match next {
                Some(next) => at = next,
                None => return Some(Value::Array(path.clone()).to_string()),
            }
        }
        (!at.is_null()).then(|| Value::Array(path.clone()).to_string())
    })
}

/// Which roles of a row a run asks.
#[derive(Clone, Copy)]
enum Cells {
    /// Every role.
    All,
    /// One role the row allows and one it refuses, turning with the row's place in the table.
    Sample,
}

/// Runs the table's rows on `server` for the roles `cells` picks, and fails naming every cell
/// whose answer is not the table's verdict.
async fn assert_the_verdicts_of_the_table(server: Server, cells: Cells) {
    let world = world(server).await;
    let table = matrix();
    // Logout last: it ends the session the other rows use.
    let mut rows: Vec<(&String, &Entry)> = table.fields.iter().chain(&table.nested).collect();
    rows.sort_by_key(|(field, _)| field.as_str() == "Mutation.logout");
    let mut mismatches = Vec::new();
    let mut asked = 0;
    for (place, (field, entry)) in rows.into_iter().enumerate() {
        let allows = |role: &Role| entry.allow.iter().any(|r| r == role.code());
        let roles: Vec<Role> = match cells {
            Cells::All => Role::ALL.to_vec(),
            Cells::Sample => {
                let (allowed, refused): (Vec<Role>, Vec<Role>) = Role::ALL.into_iter().partition(allows);
                [allowed, refused].into_iter().filter(|r| !r.is_empty()).map(|r| r[place % r.len()]).collect()
            }
        };
        for role in roles {
            let login = if role == Role::Anonymous { "admin" } else { role.code() };
            let mut query = entry.query.replace("$LOGIN", login).replace("$PASSWORD", password_of(role));
            // Longest first: `$COALITION_MEMBER` before `$COALITION`.
            let mut values: Vec<_> = world.values.iter().collect();
            values.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
            for (placeholder, value) in values {
                query = query.replace(placeholder, value);
            }
            let token = world.tokens.get(&role).map(String::as_str);
            let answer = world.server.staff(token, &query).await;
            let allowed = allows(&role);
            let got = verdict(&answer);
            let name = field.rsplit('.').next().expect("Type.field");
            let value = value_at(&answer, entry.path.as_deref().unwrap_or(name));
            let root_null = value.is_null();
            asked += 1;
            // Canaries: the volunteer's phone, e-mail and surname, and organisation B's name,
            // must not appear in any refused answer.
            let body = answer.to_string();
            let leaked =
                ["+79000000001", "anna.canary", "Волонтёрова", "АНО «Б»"].into_iter().find(|c| body.contains(c));
            let codes: Vec<&str> = answer["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("NONE"))
                .collect();
            let as_expected = match (allowed, &got) {
                // Allowed means answered: data at the path and no error, or exactly the error
                // the row says an allowed call gets after the gate. INTERNAL is never allowed.
                (true, Ok(())) => {
                    (codes.is_empty() && !root_null) || entry.after_gate.as_deref().is_some_and(|c| codes == [c])
                }
                // A refusal leaves the field null (a guarded object field is not at the root) and
                // carries nothing of the record.
                (false, Err(_)) => root_null && leaked.is_none(),
                _ => false,
            };
            if !as_expected {
                let expected = if allowed { "allow" } else { "deny" };
                mismatches.push(format!("{field} as {}: expected {expected}, got {got:?}: {answer}", role.code()));
            }
            if let Some(path) = failed_field_left_out(&answer) {
                mismatches.push(format!(
                    "{field} as {}: the failed field {path} is left out, not null: {answer}",
                    role.code()
                ));
            }
        }
    }
    let per_row = match cells {
        Cells::All => Role::ALL.len(),
        Cells::Sample => 2,
    };
    assert!(asked >= 30 * per_row, "{per_row} roles of every row: {asked} cells");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[tokio::test]
async fn every_role_gets_exactly_the_verdicts_of_the_table_in_process() {
    assert_the_verdicts_of_the_table(Server::in_process().await, Cells::All).await;
}

#[tokio::test]
async fn an_allowed_and_a_refused_role_of_every_row_get_the_verdicts_of_the_table_over_http() {
    assert_the_verdicts_of_the_table(Server::http().await, Cells::Sample).await;
}

#[tokio::test]
async fn a_refused_nested_field_is_null_and_its_null_reaches_the_nearest_position_that_may_be_null() {
    let world = world(Server::in_process().await).await;
    // A trainer may read people but not their phones: the person (nullable) becomes null, the
    // organisation and the membership stay.
    let trainer = world.tokens.get(&Role::Trainer).map(String::as_str);
    let answer = world
        .server
        .staff(
            trainer,
            "{ organizations(first: 5) { nodes { fullName people { position person { fullName phones } } } } }",
        )
        .await;
    assert_eq!(error_codes(&answer), ["FORBIDDEN"], "{answer}");
    let nodes = answer["data"]["organizations"]["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
    let with_people: Vec<&Value> = nodes.iter().filter(|n| !n["people"].as_array().unwrap().is_empty()).collect();
    assert!(!with_people.is_empty(), "{answer}");
    for node in with_people {
        assert!(node["fullName"].is_string(), "{answer}");
        for member in node["people"].as_array().unwrap() {
            assert!(member["position"].is_string(), "{answer}");
            assert!(member.get("person").is_some_and(Value::is_null), "person present as null: {answer}");
        }
    }
    assert_eq!(failed_field_left_out(&answer), None);
    // A researcher may read organisations but not people: `people` is `[Membership!]!` under
    // `[Organization!]!` under `OrganizationConnection!`, so the whole answer is null.
    let researcher = world.tokens.get(&Role::Researcher).map(String::as_str);
    let answer = world
        .server
        .staff(researcher, "{ organizations(first: 2) { totalCount nodes { id people { position } } } }")
        .await;
    assert_eq!(error_codes(&answer)[0], "FORBIDDEN", "{answer}");
    assert!(answer["data"].is_null(), "{answer}");
}

/// The codes of an answer's errors.
fn error_codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["extensions"]["code"].as_str().unwrap_or("NONE"))
        .collect()
}
