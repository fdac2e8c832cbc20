//! The registry's and the accounts' port contracts on SQLite and on PostgreSQL, and the migration
//! round trip on both.

use registry::testing::contract;
use storage::testing::{FreshSqlite, TempSqlite, postgres, sqlite};
use storage::{Database, SqlAudit};
use storage_access::SqlAccess;
use storage_registry::SqlRegistry;

/// The registry's stores and the audit log they write into, over one database.
fn stores(db: Database) -> contract::Stores {
    contract::Stores { ports: SqlRegistry::new(db.clone()).ports(), audit: SqlAudit::new(db).port() }
}

#[tokio::test]
async fn the_registry_ports_keep_the_contract_on_sqlite() {
    let fresh = FreshSqlite::default();
    contract::all(|| async { stores(fresh.database().await) }).await;
}

#[tokio::test]
async fn the_registry_ports_keep_the_contract_on_postgres() {
    if postgres("the_registry_ports_keep_the_contract_on_postgres").await.is_none() {
        return;
    }
    contract::all(|| async { stores(postgres("").await.expect("configured")) }).await;
}

storage::on_both_databases!(the_access_ports_keep_the_contract, |db| async {
    use registry::testing::fixtures;
    let registry = SqlRegistry::new(db.clone()).ports();
    let (organization, person) = (fixtures::organization(1), fixtures::person("Ан"));
    let mut liquidated = fixtures::organization(2);
    liquidated.status = registry::model::OrgStatus::Liquidated { on: fixtures::day(2026, 1, 1) };
    let anonymised = registry::rules::anonymise::anonymised(&fixtures::person("Бо"));
    let event = audit::testing::event(0);
    for org in [&organization, &liquidated] {
        registry.organizations.insert(org, &event).await.expect("an organisation on record");
    }
    for someone in [&person, &anonymised] {
        registry.people.insert(someone, &event).await.expect("a person on record");
    }
    let on_record = access::testing::contract::OnRecord {
        organization: organization.id,
        person: person.id,
        liquidated: liquidated.id,
        anonymised: anonymised.id,
    };
    access::testing::contract::all(SqlAccess::new(db.clone()).ports(), SqlAudit::new(db).port(), on_record).await
});

async fn check_round_trip(db: &Database) {
    let state = db.migration_state().await.unwrap();
    assert!(state.pending.is_empty(), "{state:?}");
    let applied = state.applied.clone();
    db.migrate_down(None).await.unwrap();
    let down = db.migration_state().await.unwrap();
    assert!(down.applied.is_empty());
    assert_eq!(down.pending, applied);
    assert!(db.require_migrated().await.is_err());
    db.migrate_up().await.unwrap();
    assert_eq!(db.migration_state().await.unwrap().applied, applied);
    // The schema works after the round trip.
    contract::organization_repo(stores(db.clone())).await;
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_sqlite() {
    let (db, _file) = sqlite().await;
    check_round_trip(&db).await;
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_postgres() {
    let Some(db) = postgres("migrations_go_up_down_and_up_again_on_postgres").await else {
        return;
    };
    check_round_trip(&db).await;
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode() {
    let file = TempSqlite::new();
    let db = Database::connect(&file.url()).await.unwrap();
    db.migrate_up().await.unwrap();
    drop(db);
    let wal = std::path::PathBuf::from(format!("{}-wal", file.path.display()));
    assert!(file.path.exists());
    assert!(wal.exists(), "a WAL file sits beside the database");
}

#[tokio::test]
async fn postgres_sessions_have_a_statement_timeout_and_the_servers_plan_cache() {
    let Some(db) = postgres("postgres_sessions_have_a_statement_timeout_and_the_servers_plan_cache").await else {
        return;
    };
    assert_eq!(db.session_setting("statement_timeout").await.unwrap().as_deref(), Some("5s"));
    assert_eq!(db.session_setting("plan_cache_mode").await.unwrap().as_deref(), Some("auto"));
}

#[test]
fn a_list_of_keys_is_one_array_parameter_on_the_server_database_and_one_parameter_per_key_on_sqlite() {
    use sea_orm::sea_query::{Alias, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    let keys: Vec<uuid::Uuid> = (0..500u128).map(uuid::Uuid::from_u128).collect();
    let select = |backend| {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("people"))
            .and_where(storage::one_of(backend, Alias::new("id"), keys.clone()))
            .to_owned()
    };
    let (sql, values) = select(storage::Backend::Postgres).build(PostgresQueryBuilder);
    assert_eq!(sql, r#"SELECT "id" FROM "people" WHERE "id" = ANY($1)"#);
    assert_eq!(values.0.len(), 1, "one array, whatever the number of keys");
    let (sql, values) = select(storage::Backend::Sqlite).build(SqliteQueryBuilder);
    assert!(sql.starts_with(r#"SELECT "id" FROM "people" WHERE "id" IN (?, ?"#), "{sql}");
    assert_eq!(values.0.len(), 500);
}

#[test]
fn unique_violations_name_the_key_on_both_databases() {
    assert_eq!(
        storage_registry::unique_conflict("UNIQUE constraint failed: organizations.inn"),
        registry::Conflict::Duplicate(registry::NaturalKey::Inn)
    );
    assert_eq!(
        storage_registry::unique_conflict("UNIQUE constraint failed: organizations.ogrn"),
        registry::Conflict::Duplicate(registry::NaturalKey::Ogrn)
    );
    assert_eq!(
        storage_registry::unique_conflict("duplicate key value violates unique constraint \"ux_organizations_inn\""),
        registry::Conflict::Duplicate(registry::NaturalKey::Inn)
    );
    assert_eq!(
        storage_registry::unique_conflict("duplicate key value violates unique constraint \"ux_organizations_ogrn\""),
        registry::Conflict::Duplicate(registry::NaturalKey::Ogrn)
    );
    assert_eq!(
        storage_registry::unique_conflict("duplicate key value violates unique constraint \"ux_ties_open_kind_pair\""),
        registry::Conflict::ActiveTie
    );
    assert_eq!(
        storage_registry::unique_conflict(
            "UNIQUE constraint failed: ties.kind, ties.organization_a, ties.organization_b"
        ),
        registry::Conflict::ActiveTie
    );
}
