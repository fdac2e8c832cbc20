//! The audit log on SQLite and PostgreSQL: the port contract, concurrent appends (over several
//! connections, as the gateway and the CLI write one file), the database's refusal to change
//! rows, and detection of every kind of tampering by someone who can write the database but
//! does not hold the key: an edited field, a row removed, a rewritten and resealed suffix, a cut
//! tail with the head moved back.

use std::sync::Arc;

use audit::testing::event;
use audit::{AuditLog, AuditRecord, ChainBreak, ChainHead, ChainKeys, GENESIS, verify_log};
use kernel::StoreError;
use storage::testing::{TempSqlite, execute_sql, postgres, sqlite};
use storage::{Backend, Database, SqlAudit};

storage::on_both_databases!(the_audit_ports_keep_the_contract, |db| audit::testing::contract::all(
    SqlAudit::new(db).port()
));

/// 40 appends at once, spread over the given logs (connections), form one unbroken chain.
async fn concurrent_appends_form_one_chain(logs: Vec<Arc<dyn AuditLog>>) {
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let log = logs[n % logs.len()].clone();
            tokio::spawn(async move { log.append(&event(n)).await.expect("append").seq })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.expect("joined"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<i64>>());
    assert_eq!(verify_log(logs[0].as_ref(), None).await.expect("one chain"), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_over_four_connections_form_one_chain_on_sqlite() {
    let file = TempSqlite::new();
    let keys = ChainKeys::generate(1);
    let first = Database::connect(&file.url()).await.expect("open").with_audit_keys(keys.clone());
    first.migrate_up().await.expect("migrate");
    let mut logs = vec![SqlAudit::new(first).port()];
    for _ in 0..3 {
        // Each `Database` on SQLite is one connection: four of them are four writers on one file.
        let db = Database::connect(&file.url()).await.expect("open").with_audit_keys(keys.clone());
        logs.push(SqlAudit::new(db).port());
    }
    concurrent_appends_form_one_chain(logs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_form_one_chain_on_postgres() {
    let Some(db) = postgres("concurrent_appends_form_one_chain_on_postgres").await else {
        return;
    };
    concurrent_appends_form_one_chain(vec![SqlAudit::new(db).port()]).await;
}

/// Drops the append-only guard, as someone with the database owner's rights could.
async fn drop_guards(db: &Database) {
    let sql = match db.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP FUNCTION audit_log_append_only() CASCADE;",
    };
    execute_sql(db, sql).await.expect("drop the guards");
}

fn broken(result: Result<u64, StoreError<ChainBreak>>) -> ChainBreak {
    match result {
        Err(StoreError::Conflict(chain_break)) => chain_break,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

/// Recomputes `prev_hash` and `hash` of every row and the head with `keys`, through plain SQL:
/// what someone who edited a row would do next to hide it.
async fn reseal_everything(db: &Database, log: &dyn AuditLog, keys: &ChainKeys) -> ChainHead {
    let rows: Vec<AuditRecord> = log.scan(0, 10_000).await.expect("scan");
    let mut prev = GENESIS.to_owned();
    for row in &rows {
        let hash = keys.seal(&prev, row.seq, &row.event);
        execute_sql(db, &format!("UPDATE audit_log SET prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}", row.seq))
            .await
            .expect("reseal a row");
        prev = hash;
    }
    let last = rows.last().expect("rows").seq;
    execute_sql(db, &format!("UPDATE audit_head SET seq = {last}, hash = '{prev}' WHERE id = 1")).await.expect("head");
    ChainHead { seq: last, hash: prev }
}

/// Every column the seal covers, with an SQL edit of row 3 and the edit that undoes it.
fn column_edits(backend: Backend) -> Vec<(&'static str, String, String)> {
    let at_plus = match backend {
        Backend::Sqlite => "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 3",
        Backend::Postgres => "UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = 3",
    };
    let row = event(2);
    let edits = [
        ("at", at_plus.to_owned()),
        ("account_id", "UPDATE audit_log SET account_id = NULL WHERE seq = 3".to_owned()),
        ("login", "UPDATE audit_log SET login = 'intruder' WHERE seq = 3".to_owned()),
        ("role", "UPDATE audit_log SET role = 'admin' WHERE seq = 3".to_owned()),
        ("channel", "UPDATE audit_log SET channel = 'cli' WHERE seq = 3".to_owned()),
        ("action", "UPDATE audit_log SET action = 'person.read' WHERE seq = 3".to_owned()),
        ("object", "UPDATE audit_log SET object = NULL WHERE seq = 3".to_owned()),
        ("request_id", "UPDATE audit_log SET request_id = 'other' WHERE seq = 3".to_owned()),
        ("outcome", "UPDATE audit_log SET outcome = 'failed' WHERE seq = 3".to_owned()),
        ("detail", "UPDATE audit_log SET detail = '' WHERE seq = 3".to_owned()),
        ("origin", "UPDATE audit_log SET origin = '' WHERE seq = 3".to_owned()),
    ];
    edits.into_iter().map(|(column, edit)| (column, edit, restore(backend, column, &row))).collect()
}

fn restore(backend: Backend, column: &str, row: &audit::AuditEvent) -> String {
    let quote = |v: &str| format!("'{}'", v.replace('\'', "''"));
    let value = match column {
        "at" => match backend {
            Backend::Sqlite => quote(&row.at.format("%Y-%m-%d %H:%M:%S%.6f%:z").to_string()),
            Backend::Postgres => format!("{}::timestamptz", quote(&row.at.to_rfc3339())),
        },
        "account_id" => row.account.map_or("NULL".into(), |a| match backend {
            Backend::Sqlite => format!("X'{}'", a.simple()),
            Backend::Postgres => format!("{}::uuid", quote(&a.to_string())),
        }),
        "login" => quote(&row.login),
        "role" => quote(row.role.code()),
        "channel" => quote(row.channel.code()),
        "action" => quote(&row.action),
        "object" => row.object.as_deref().map_or("NULL".into(), quote),
        "request_id" => quote(&row.request_id),
        "outcome" => quote(row.outcome.code()),
        "detail" => row.detail.as_deref().map_or("NULL".into(), quote),
        _ => row.origin.as_deref().map_or("NULL".into(), quote),
    };
    format!("UPDATE audit_log SET {column} = {value} WHERE seq = 3")
}

async fn tampering_is_refused_or_detected(db: Database) {
    let log: Arc<dyn AuditLog> = SqlAudit::new(db.clone()).port();
    for n in 0..5 {
        log.append(&event(n)).await.expect("append");
    }
    assert!(execute_sql(&db, "UPDATE audit_log SET login = 'x' WHERE seq = 2").await.is_err(), "UPDATE refused");
    assert!(execute_sql(&db, "DELETE FROM audit_log WHERE seq = 5").await.is_err(), "DELETE refused");
    if db.backend() == Backend::Postgres {
        assert!(execute_sql(&db, "TRUNCATE audit_log").await.is_err(), "TRUNCATE refused");
    }
    assert_eq!(verify_log(log.as_ref(), None).await.expect("intact"), 5);
    let checkpoint = log.head().await.expect("head").expect("a head");

    drop_guards(&db).await;
    for (column, edit, undo) in column_edits(db.backend()) {
        execute_sql(&db, &edit).await.unwrap_or_else(|e| panic!("edit {column}: {e}"));
        let verdict = verify_log(log.as_ref(), None).await;
        assert!(matches!(verdict, Err(StoreError::Conflict(ChainBreak::Edited { seq: 3 }))), "{column}: {verdict:?}");
        execute_sql(&db, &undo).await.unwrap_or_else(|e| panic!("undo {column}: {e}"));
        assert_eq!(verify_log(log.as_ref(), None).await.expect("restored"), 5, "{column} restored");
    }

    // Rewritten and resealed without the key: every row reads as edited.
    execute_sql(&db, "UPDATE audit_log SET outcome = 'failed' WHERE seq = 3").await.expect("edit");
    let forged = reseal_everything(&db, log.as_ref(), &ChainKeys::generate(1)).await;
    assert_eq!(broken(verify_log(log.as_ref(), None).await), ChainBreak::Edited { seq: 1 });
    // Even resealed with the key itself, the checkpoint kept elsewhere tells.
    let keys = log.keys();
    let resealed = reseal_everything(&db, log.as_ref(), &keys).await;
    assert_eq!((resealed.seq, resealed.seq), (forged.seq, 5));
    assert_eq!(verify_log(log.as_ref(), None).await.expect("consistent with the key"), 5);
    assert_eq!(broken(verify_log(log.as_ref(), Some(&checkpoint)).await), ChainBreak::CheckpointMismatch { seq: 5 });
    execute_sql(&db, "UPDATE audit_log SET outcome = 'success' WHERE seq = 3").await.expect("undo the edit");
    reseal_everything(&db, log.as_ref(), &keys).await;
    assert_eq!(verify_log(log.as_ref(), Some(&checkpoint)).await.expect("restored"), 5);

    execute_sql(&db, "DELETE FROM audit_log WHERE seq = 2").await.expect("delete");
    assert_eq!(broken(verify_log(log.as_ref(), None).await), ChainBreak::Missing { expected: 2, found: 3 });
    execute_sql(&db, "DELETE FROM audit_log WHERE seq >= 2").await.expect("delete the tail");
    assert_eq!(broken(verify_log(log.as_ref(), None).await), ChainBreak::Truncated { last: 1, head: 5 });
    // The head moved back too: only the checkpoint knows there were five rows.
    let first = log.scan(0, 1).await.expect("scan")[0].hash.clone();
    execute_sql(&db, &format!("UPDATE audit_head SET seq = 1, hash = '{first}' WHERE id = 1")).await.expect("head");
    assert_eq!(verify_log(log.as_ref(), None).await.expect("looks whole without a checkpoint"), 1);
    assert_eq!(broken(verify_log(log.as_ref(), Some(&checkpoint)).await), ChainBreak::Shortened { last: 1, known: 5 });
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

#[tokio::test]
async fn a_database_opened_without_audit_keys_writes_no_audit_row() {
    let file = TempSqlite::new();
    let db = Database::connect(&file.url()).await.expect("open");
    db.migrate_up().await.expect("migrate");
    let log = SqlAudit::new(db).port();
    assert!(matches!(log.append(&event(0)).await, Err(StoreError::Unavailable(_))));
    assert_eq!(log.head().await.expect("head"), None, "nothing was written");
}

#[tokio::test]
async fn keys_that_begin_after_the_next_row_seal_nothing_rather_than_seal_it_unkeyed() {
    let file = TempSqlite::new();
    let db = Database::connect(&file.url()).await.expect("open").with_audit_keys(ChainKeys::generate(5));
    db.migrate_up().await.expect("migrate");
    let log = SqlAudit::new(db).port();
    match log.append(&event(0)).await {
        Err(StoreError::Unavailable(source)) => {
            assert!(source.to_string().contains("begins at row 5"), "{source}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(log.head().await.expect("head"), None, "nothing was written");
}
