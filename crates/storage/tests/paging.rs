//! Keyset pages on SQLite and PostgreSQL while the list grows: paging through a filtered list in
//! every order, with organisations inserted between the pages (names that tie, a batch created in
//! one instant), sees every organisation that was there at the start exactly once, repeats none,
//! and walks the positions strictly in the order's direction; a page from any position, however
//! forged, holds only what comes after it.

use std::sync::atomic::{AtomicU32, Ordering};

use kernel::{After, PageRequest, SortKey};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use registry::model::{OrgName, Organization};
use registry::ports::{OrganizationFilter, OrganizationOrder, RegistryPorts};
use registry::testing::fixtures;
use storage::Database;
use storage::testing::{postgres, sqlite};
use storage_registry::SqlRegistry;

/// Numbers for the fixtures' unique INN and OGRN, across every case of a run.
static NEXT: AtomicU32 = AtomicU32::new(1_000);

/// An organisation of case `case` called `name`, created `at` (nanoseconds after the fixtures' instant).
fn organization(case: u32, name: &str, at: i64) -> Organization {
    let mut org = fixtures::organization(NEXT.fetch_add(1, Ordering::Relaxed));
    org.profile.full_name = OrgName::parse(&format!("Кейс{case:04} {name}")).expect("a valid name");
    org.created_at = fixtures::instant() + chrono::TimeDelta::nanoseconds(at);
    org
}

const ORDERS: [OrganizationOrder; 4] = [
    OrganizationOrder::NameAsc,
    OrganizationOrder::NameDesc,
    OrganizationOrder::CreatedAsc,
    OrganizationOrder::CreatedDesc,
];

/// Organisations to store: a name and a creation time (nanoseconds after the fixtures' instant).
type Rows = Vec<(String, i64)>;

/// One case: names and creation times (few distinct, so they tie), a page size, the order, and
/// the organisations inserted before each page.
fn case() -> impl Strategy<Value = (Rows, u32, usize, Vec<Rows>)> {
    let row = ("[АБВ]{1,2}", 0i64..3);
    (
        proptest::collection::vec(row.clone(), 0..14),
        1u32..5,
        0..ORDERS.len(),
        proptest::collection::vec(proptest::collection::vec(row, 0..3), 0..8),
    )
}

fn paging_sees_everything_once_while_the_list_grows(runtime: &tokio::runtime::Runtime, db: &Database) {
    let ports: RegistryPorts = SqlRegistry::new(db.clone()).ports();
    let event = audit::testing::event(1);
    let cases = AtomicU32::new(0);
    let mut runner = TestRunner::new(ProptestConfig { cases: 24, failure_persistence: None, ..Default::default() });
    let outcome = runner.run(&case(), |(initial, first, order, inserts)| {
        let case = cases.fetch_add(1, Ordering::Relaxed);
        let order = ORDERS[order];
        runtime.block_on(async {
            let start: Vec<_> = initial.iter().map(|(name, at)| organization(case, name, *at)).collect();
            if !start.is_empty() {
                ports
                    .organizations
                    .write_batch(&start, &[], std::slice::from_ref(&event))
                    .await
                    .expect("the first organisations");
            }
            let filter = OrganizationFilter { text: Some(format!("Кейс{case:04}")), ..Default::default() };
            let mut request = PageRequest::new(i64::from(first), None).expect("a valid size");
            let (mut seen, mut positions) = (Vec::new(), Vec::<After>::new());
            let mut inserts = inserts.into_iter();
            for _ in 0..200 {
                for (name, at) in inserts.next().unwrap_or_default() {
                    ports.organizations.insert(&organization(case, &name, at), &event).await.expect("an insert");
                }
                let page = ports.organizations.list(&filter, order, request.clone()).await.expect("a page");
                prop_assert!(page.items.len() <= first as usize);
                seen.extend(page.items.iter().map(|o| o.id));
                positions.extend(page.positions.iter().cloned());
                if !page.has_next {
                    break;
                }
                request.after = page.positions.last().cloned();
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), seen.len(), "no organisation twice ({:?})", order);
            for org in &start {
                prop_assert!(seen.contains(&org.id), "every organisation there at the start is seen ({:?})", order);
            }
            let walked = positions.windows(2).all(|w| if order.descending() { w[0] > w[1] } else { w[0] < w[1] });
            prop_assert!(walked, "positions run in the order's direction ({:?})", order);
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

fn a_page_from_any_position_holds_only_what_follows(runtime: &tokio::runtime::Runtime, db: &Database) {
    let ports = SqlRegistry::new(db.clone()).ports();
    let stored: Vec<_> =
        ["А", "Б", "Б", "В", "Ё", "Z"].iter().enumerate().map(|(i, n)| organization(9_999, n, i as i64)).collect();
    runtime.block_on(ports.organizations.write_batch(&stored, &[], &[audit::testing::event(1)])).expect("stored");
    let filter = OrganizationFilter { text: Some("Кейс9999".into()), ..Default::default() };
    let text_key = "\\PC{0,12}|Кейс9999 [АБВЁ]{0,2}";
    let position = prop_oneof![
        (text_key, any::<u128>())
            .prop_map(|(t, id)| (true, After { key: SortKey::Text(t), id: uuid::Uuid::from_u128(id) })),
        (any::<i64>(), any::<u128>())
            .prop_map(|(n, id)| (false, After { key: SortKey::Number(n), id: uuid::Uuid::from_u128(id) })),
    ];
    let mut runner = TestRunner::new(ProptestConfig { cases: 64, failure_persistence: None, ..Default::default() });
    let outcome = runner.run(&(position, 0..ORDERS.len()), |((text, after), order)| {
        let order = ORDERS[order];
        let by_name = matches!(order, OrganizationOrder::NameAsc | OrganizationOrder::NameDesc);
        if text != by_name {
            return Ok(()); // the gateway refuses a cursor of another kind of key before a store sees it
        }
        let request = PageRequest { after: Some(after.clone()), ..PageRequest::new(100, None).expect("valid") };
        let page = runtime.block_on(ports.organizations.list(&filter, order, request)).expect("a page, never an error");
        for at in &page.positions {
            prop_assert!(if order.descending() { *at < after } else { *at > after }, "{:?} after {:?}", at, after);
        }
        let expected = stored.iter().filter(|o| {
            let at = order.position(o);
            if order.descending() { at < after } else { at > after }
        });
        prop_assert_eq!(page.items.len(), expected.count());
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn paging_sees_everything_once_while_the_list_grows_on_sqlite() {
    let runtime = crate::runtime();
    let (db, _file) = runtime.block_on(sqlite());
    paging_sees_everything_once_while_the_list_grows(&runtime, &db);
    a_page_from_any_position_holds_only_what_follows(&runtime, &db);
}

#[test]
fn paging_sees_everything_once_while_the_list_grows_on_postgres() {
    let runtime = crate::runtime();
    let Some(db) = runtime.block_on(postgres("paging_sees_everything_once_while_the_list_grows_on_postgres")) else {
        return;
    };
    paging_sees_everything_once_while_the_list_grows(&runtime, &db);
    a_page_from_any_position_holds_only_what_follows(&runtime, &db);
}

/// A page query run again on the same connection is not planned again: PostgreSQL keeps the
/// generic plan of the prepared statement after five custom ones (`storage::limited` writes the
/// limit into the text; bound as a parameter, the generic plan looked dearer and every page was
/// re-planned). The pool lends its one idle connection to each of these sequential reads.
#[test]
fn a_page_query_is_planned_once_per_connection_not_on_every_page_on_postgres() {
    let runtime = crate::runtime();
    let Some(db) =
        runtime.block_on(postgres("a_page_query_is_planned_once_per_connection_not_on_every_page_on_postgres"))
    else {
        return;
    };
    let ports = SqlRegistry::new(db.clone()).ports();
    // Enough rows that a tenth of them (the planner's guess for `LIMIT $1`) is far more than a page.
    let stored: Vec<_> = (0..3_000).map(|i| organization(8_888, "А", i)).collect();
    for batch in stored.chunks(1_000) {
        runtime.block_on(ports.organizations.write_batch(batch, &[], &[audit::testing::event(1)])).expect("stored");
    }
    // Enough pages that whichever pooled connection answers the check below ran it often.
    let filter = OrganizationFilter::default();
    for _ in 0..100 {
        let request = PageRequest::new(20, None).expect("valid");
        let page =
            runtime.block_on(ports.organizations.list(&filter, OrganizationOrder::NameAsc, request)).expect("a page");
        assert_eq!(page.items.len(), 20);
    }
    let sql = sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements \
         WHERE statement LIKE '%FROM \"organizations\"%LIMIT%' AND statement NOT LIKE '%pg_prepared%'",
    );
    let rows = runtime.block_on(sea_orm::ConnectionTrait::query_all_raw(db.connection(), sql)).expect("plans");
    let plans: Vec<(i64, i64, String)> = rows
        .iter()
        .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap(), r.try_get_by_index(2).unwrap()))
        .collect();
    assert_eq!(plans.len(), 1, "one prepared page statement on the connection: {plans:?}");
    let (generic, custom, _) = &plans[0];
    assert!(*custom <= 5 && *generic >= 1, "planned {custom} times, {generic} generic plans: {plans:?}");
}
