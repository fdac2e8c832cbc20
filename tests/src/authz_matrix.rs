//! The role x operation matrix (security plan A1/A2): every root field of the staff schema and
//! every guarded object field, for every role, over real HTTP, against the verdicts kept in
//! `tests/authz_matrix.toml`. A field of the schema missing from the table fails the test.

use std::collections::{BTreeMap, BTreeSet};

use access::Assignment;
use kernel::Role;
use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::{CoalitionRole, LegalBasisKind, TieKind};
use registry::service::NewTie;
use registry::testing::fixtures::{day, inn_number};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{Db, TestGateway};

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
const GUARDED: &[(&str, &[&str])] = &[("Person", &["phones", "emails", "birthDate", "address"])];

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

/// The records and accounts the queries refer to.
struct World {
    gw: TestGateway,
    values: BTreeMap<&'static str, String>,
    tokens: BTreeMap<Role, String>,
}

const PASSWORD: &str = "a long password for the matrix";

async fn world() -> World {
    // Nine logins to set up and nine in the matrix: above the default limit of one address.
    let gw = TestGateway::start_with(Db::Sqlite, 100).await;
    let admin = gw.admin_actor().await;
    let registry = &gw.system.services.registry;
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
    let privacy = &gw.system.services.privacy;
    let consent = privacy::NewConsent {
        subject: person.id,
        kind: privacy::ConsentKind::Processing,
        purpose: "ngo_contacts".into(),
        categories: vec!["name".into()],
        document: "Согласие А-1".into(),
    };
    let consent = privacy.record_consent(&admin, consent).await.expect("consent");
    let request = privacy.register_request(&admin, person.id, None).await.expect("request");
    let access = &gw.system.services.access;
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
    tokens.insert(Role::Admin, gw.admin_token().await);
    for role in Role::ALL.into_iter().filter(|r| !matches!(r, Role::Admin | Role::Anonymous)) {
        let answer = gw
            .staff(
                None,
                "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }",
                json!({ "l": role.code(), "p": PASSWORD }),
            )
            .await;
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
    ]);
    World { gw, values, tokens }
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

#[tokio::test]
async fn every_role_gets_exactly_the_verdicts_of_the_table() {
    let world = world().await;
    let table = matrix();
    // Logout last: it ends the session the other rows use.
    let mut rows: Vec<(&String, &Entry)> = table.fields.iter().chain(&table.nested).collect();
    rows.sort_by_key(|(field, _)| field.as_str() == "Mutation.logout");
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for (field, entry) in rows {
        for role in Role::ALL {
            let login = if role == Role::Anonymous { "admin" } else { role.code() };
            let password =
                if matches!(role, Role::Admin | Role::Anonymous) { crate::support::ADMIN_PASSWORD } else { PASSWORD };
            let mut query = entry.query.replace("$LOGIN", login).replace("$PASSWORD", password);
            // Longest first: `$COALITION_MEMBER` before `$COALITION`.
            let mut values: Vec<_> = world.values.iter().collect();
            values.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
            for (placeholder, value) in values {
                query = query.replace(placeholder, value);
            }
            let token = world.tokens.get(&role).map(String::as_str);
            let answer = world.gw.staff(token, &query, json!({})).await;
            let allowed = entry.allow.iter().any(|r| r == role.code());
            let got = verdict(&answer);
            let name = field.rsplit('.').next().expect("Type.field");
            let value = value_at(&answer, entry.path.as_deref().unwrap_or(name));
            let root_null = value.is_null();
            cells += 1;
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
        }
    }
    assert!(cells >= 30 * 9, "every row for every role: {cells} cells");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}
