//! The number of SQL statements behind a page does not grow with the page size: one to
//! authenticate (the session joined with its account), one per level of nesting (every
//! cross-entity edge goes through a DataLoader), and a count only when `totalCount` is asked.

use registry::input::{LegalBasisInput, OrganizationInput, PersonInput};
use registry::model::{LegalBasisKind, TieKind};
use registry::service::NewTie;
use registry::testing::fixtures::{day, inn_number, ogrn_number};
use serde_json::json;

use crate::support::{TestGateway, gateway_on_both_databases};

const NESTED: &str = "query($first: Int!) { organizations(first: $first) { totalCount nodes {
    fullName
    people { position person { fullName phones } }
    ties { kind other { fullName } }
    coalitions { role coalition { name } }
} } }";

gateway_on_both_databases!(
    a_nested_page_runs_the_same_number_of_statements_for_ten_and_one_hundred_organisations,
    statement_budget
);

async fn statement_budget(gw: TestGateway) {
    let registry = &gw.system.services.registry;
    let admin = &gw.admin_actor().await;
    let coalition = registry.create_coalition(admin, "Сеть", None, None).await.unwrap();
    let mut previous = None;
    for n in 0..120 {
        let input = OrganizationInput {
            full_name: format!("НКО {n:03}"),
            legal_form: "ano".into(),
            inn: Some(inn_number(n)),
            ogrn: Some(ogrn_number(n)),
            ..Default::default()
        };
        let org = registry.create_organization(admin, &input).await.unwrap();
        let person =
            PersonInput { last_name: format!("Фамилия{n}"), first_name: "Имя".into(), ..Default::default() };
        let basis = LegalBasisInput {
            kind: LegalBasisKind::Consent,
            purpose: "учёт".into(),
            since: day(2026, 1, 1),
            document: None,
        };
        let person = registry.add_person(admin, &person, &basis).await.unwrap();
        registry.add_membership(admin, person.id, org.id, "директор", None).await.unwrap();
        registry
            .add_coalition_member(admin, coalition.id, org.id, registry::model::CoalitionRole::Member, None)
            .await
            .unwrap();
        if let Some(previous) = previous {
            let tie = NewTie {
                kind: TieKind::Partnership,
                a: previous,
                a_role: None,
                b: org.id,
                b_role: None,
                from: None,
                to: None,
                note: None,
            };
            registry.add_tie(admin, &tie).await.unwrap();
        }
        previous = Some(org.id);
    }
    let token = gw.admin_token().await;
    let mut counts = Vec::new();
    for first in [10, 100] {
        let before = gw.db.statements_executed();
        let answer = gw.staff(Some(&token), NESTED, json!({ "first": first })).await;
        counts.push(gw.db.statements_executed() - before);
        let nodes = answer["data"]["organizations"]["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
        assert_eq!(nodes.len(), first);
        assert!(
            nodes.iter().all(|n| n["people"].as_array().is_some_and(|p| p.len() == 1)),
            "every organisation has its person"
        );
        assert!(nodes.iter().skip(1).all(|n| !n["ties"].as_array().unwrap().is_empty()), "ties are loaded");
    }
    assert_eq!(counts[0], counts[1], "statements for 10 and for 100 organisations: {counts:?}");

    // The public directory with every organisation's consented people: constant too.
    let public = "query($first: Int!) { organizations(first: $first) { nodes { fullName contacts { fullName } } } }";
    let mut public_counts = Vec::new();
    for first in [10, 100] {
        let before = gw.db.statements_executed();
        let answer = gw.post("/public/graphql", None, public, json!({ "first": first })).await;
        public_counts.push(gw.db.statements_executed() - before);
        let nodes = answer["data"]["organizations"]["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
        assert_eq!(nodes.len(), first);
    }
    assert_eq!(public_counts[0], public_counts[1], "public statements for 10 and 100: {public_counts:?}");
    assert!(public_counts[1] <= 8, "{public_counts:?}");
    // Eleven reads, and three statements for the audit rows of the phones read (chain head, the
    // rows in one insert, the new head).
    assert!(counts[1] <= 14, "a nested page costs a handful of statements, not one per row: {counts:?}");
}

gateway_on_both_databases!(
    a_page_costs_one_statement_to_authenticate_and_one_per_level_and_counts_only_when_asked,
    page_statements
);

async fn page_statements(gw: TestGateway) {
    let registry = &gw.system.services.registry;
    let admin = &gw.admin_actor().await;
    let basis = LegalBasisInput {
        kind: LegalBasisKind::Consent,
        purpose: "учёт".into(),
        since: day(2026, 1, 1),
        document: None,
    };
    for n in 0..110 {
        let input = OrganizationInput {
            full_name: format!("НКО {n:03}"),
            legal_form: "ano".into(),
            inn: Some(inn_number(n)),
            ..Default::default()
        };
        let org = registry.create_organization(admin, &input).await.unwrap();
        let person =
            PersonInput { last_name: format!("Фамилия{n}"), first_name: "Имя".into(), ..Default::default() };
        let person = registry.add_person(admin, &person, &basis).await.unwrap();
        registry.add_membership(admin, person.id, org.id, "директор", None).await.unwrap();
    }
    let token = gw.admin_token().await;
    let statements = |query: &'static str, first: usize| {
        let (gw, token) = (&gw, &token);
        async move {
            let before = gw.db.statements_executed();
            let answer = gw.staff(Some(token), query, json!({ "first": first })).await;
            let nodes = answer["data"]["organizations"]["nodes"].as_array().unwrap_or_else(|| panic!("{answer}"));
            assert_eq!(nodes.len(), first, "{answer}");
            gw.db.statements_executed() - before
        }
    };
    let flat = "query($first: Int!) { organizations(first: $first) { nodes { fullName inn } } }";
    let counted = "query($first: Int!) { organizations(first: $first) { totalCount nodes { fullName } } }";
    let positions = "query($first: Int!) { organizations(first: $first) { nodes { fullName
        people { position } } } }";
    let nested = "query($first: Int!) { organizations(first: $first) { nodes { fullName
        people { position person { fullName } } } } }";
    for first in [10, 100] {
        assert_eq!(statements(flat, first).await, 2, "authentication and the page ({first} items)");
        assert_eq!(statements(counted, first).await, 3, "and the count, when asked ({first} items)");
        assert_eq!(statements(positions, first).await, 3, "and the memberships ({first} items)");
        assert_eq!(statements(nested, first).await, 3, "memberships joined with their people ({first} items)");
    }
}
