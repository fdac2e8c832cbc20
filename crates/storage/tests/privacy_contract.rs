//! The privacy ports' contract on SQLite and on PostgreSQL, over the registry's people and with
//! the registry's personal-data hook; the failing case adds a hook that fails after the others
//! changed their rows.

use std::sync::Arc;

use async_trait::async_trait;
use kernel::{PersonId, StoreError};
use privacy::testing::contract;
use registry::testing::RegistryPopulation;
use sea_orm::DatabaseTransaction;
use storage::testing::{FreshSqlite, postgres};
use storage::{Database, PersonalDataHook, SqlAudit};
use storage_privacy::SqlPrivacy;
use storage_registry::{RegistryPersonalData, SqlRegistry};

/// A domain whose part of anonymisation always fails.
struct Failing;

#[async_trait]
impl PersonalDataHook for Failing {
    fn domain(&self) -> &'static str {
        "failing"
    }

    async fn anonymise(&self, _txn: &DatabaseTransaction, _person: PersonId) -> Result<(), StoreError> {
        Err(StoreError::unavailable("this domain always fails"))
    }
}

/// The privacy stores, their audit log and the registry's people, over one database.
fn stores(db: Database) -> contract::Stores {
    let ports = SqlPrivacy::new(db.clone(), vec![Arc::new(RegistryPersonalData)]).ports();
    let failing = SqlPrivacy::new(db.clone(), vec![Arc::new(RegistryPersonalData), Arc::new(Failing)]).ports().subjects;
    contract::Stores {
        ports,
        audit: SqlAudit::new(db.clone()).port(),
        people: Arc::new(RegistryPopulation::new(SqlRegistry::new(db).ports().people)),
        failing: Some(failing),
    }
}

#[tokio::test]
async fn the_privacy_ports_keep_the_contract_on_sqlite() {
    let fresh = FreshSqlite::default();
    contract::all(|| async { stores(fresh.database().await) }).await;
}

#[tokio::test]
async fn the_privacy_ports_keep_the_contract_on_postgres() {
    if postgres("the_privacy_ports_keep_the_contract_on_postgres").await.is_none() {
        return;
    }
    contract::all(|| async { stores(postgres("").await.expect("configured")) }).await;
}
