//! The audit log on SQLite and PostgreSQL: the port contract, concurrent appends, the database's
//! refusal to change rows, and detection of rows edited or removed behind its back.

use std::sync::Arc;

use audit::testing::{audit_log_contract, event};
use audit::{AuditError, AuditLog, ChainBreak, verify_log};
use storage::testing::{execute_sql, postgres, sqlite};
use storage::{Backend, Database, SqlAudit};

#[tokio::test]
async fn the_audit_log_keeps_the_contract_on_sqlite() {
    let (db, _file) = sqlite().await;
    audit_log_contract(SqlAudit::new(db).port()).await;
}

#[tokio::test]
async fn the_audit_log_keeps_the_contract_on_postgres() {
    let Some(db) = postgres("the_audit_log_keeps_the_contract_on_postgres").await else {
        return;
    };
    audit_log_contract(SqlAudit::new(db).port()).await;
}

async fn concurrent_appends_form_one_chain(db: Database) {
    let log = SqlAudit::new(db).port();
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let log = log.clone();
            tokio::spawn(async move { log.append(&event(n)).await.expect("append").seq })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.expect("joined"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<i64>>());
    assert_eq!(verify_log(log.as_ref()).await.expect("one chain"), 40);
}

#[tokio::test]
async fn concurrent_appends_form_one_chain_on_sqlite() {
    let (db, _file) = sqlite().await;
    concurrent_appends_form_one_chain(db).await;
}

#[tokio::test]
async fn concurrent_appends_form_one_chain_on_postgres() {
    let Some(db) = postgres("concurrent_appends_form_one_chain_on_postgres").await else {
        return;
    };
    concurrent_appends_form_one_chain(db).await;
}

/// Drops the append-only guard, as someone with the database owner's rights could.
async fn drop_guards(db: &Database) {
    let sql = match db.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP FUNCTION audit_log_append_only() CASCADE;",
    };
    execute_sql(db, sql).await.expect("drop the guards");
}

async fn tampering_is_refused_or_detected(db: Database) {
    let log: Arc<dyn AuditLog> = SqlAudit::new(db.clone()).port();
    for n in 0..5 {
        log.append(&event(n)).await.expect("append");
    }
    assert!(execute_sql(&db, "UPDATE audit_log SET login = 'x' WHERE seq = 2").await.is_err(), "UPDATE refused");
    assert!(execute_sql(&db, "DELETE FROM audit_log WHERE seq = 5").await.is_err(), "DELETE refused");
    assert_eq!(verify_log(log.as_ref()).await.expect("intact"), 5);

    drop_guards(&db).await;
    execute_sql(&db, "UPDATE audit_log SET outcome = 'failed' WHERE seq = 3").await.expect("edit");
    assert!(matches!(verify_log(log.as_ref()).await, Err(AuditError::Broken(ChainBreak::Edited { seq: 3 }))));
    execute_sql(&db, "UPDATE audit_log SET outcome = 'success' WHERE seq = 3").await.expect("undo");
    assert_eq!(verify_log(log.as_ref()).await.expect("restored"), 5);

    execute_sql(&db, "DELETE FROM audit_log WHERE seq = 2").await.expect("delete");
    assert!(matches!(
        verify_log(log.as_ref()).await,
        Err(AuditError::Broken(ChainBreak::Missing { expected: 2, found: 3 }))
    ));
    execute_sql(&db, "DELETE FROM audit_log WHERE seq >= 2").await.expect("delete the tail");
    assert!(matches!(
        verify_log(log.as_ref()).await,
        Err(AuditError::Broken(ChainBreak::Truncated { last: 1, head: 5 }))
    ));
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_refused_or_detected_on_sqlite() {
    let (db, _file) = sqlite().await;
    tampering_is_refused_or_detected(db).await;
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_refused_or_detected_on_postgres() {
    let Some(db) = postgres("tampering_with_the_audit_log_is_refused_or_detected_on_postgres").await else {
        return;
    };
    tampering_is_refused_or_detected(db).await;
}
