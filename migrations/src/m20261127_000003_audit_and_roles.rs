//! The audit log (append-only: triggers refuse UPDATE and DELETE), its chain head, the new roles
//! (`staff` becomes `coordinator`), accounts bound to an organisation or a person, and sessions
//! with idle expiry (existing sessions end: everyone logs in again after the upgrade).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::{col, fk, index, text, text_null, timestamp, uuid};

/// The chain's starting hash (`audit::GENESIS`; migrations do not depend on domain crates).
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_GUARDS: &str = "
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

const POSTGRES_GUARDS: &str = "
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();";

fn sessions_table(with_last_seen: bool) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(col("sessions"))
        .col(text("token_hash").primary_key().take())
        .col(uuid("account_id"))
        .col(timestamp("created_at"))
        .col(timestamp("expires_at"));
    if with_last_seen {
        table.col(timestamp("last_seen_at"));
    }
    table.foreign_key(&mut fk("sessions", "account_id", "accounts")).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("audit_log"))
                    .col(ColumnDef::new(col("seq")).big_integer().not_null().primary_key())
                    .col(timestamp("at"))
                    .col(ColumnDef::new(col("account_id")).uuid().null())
                    .col(text("login"))
                    .col(text("role"))
                    .col(text("channel"))
                    .col(text("action"))
                    .col(text_null("object"))
                    .col(text("request_id"))
                    .col(text("outcome"))
                    .col(text_null("detail"))
                    .col(text("prev_hash"))
                    .col(text("hash"))
                    .take(),
            )
            .await?;
        for columns in [&["action"][..], &["login"], &["object"]] {
            manager.create_index(index("audit_log", columns)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(col("audit_head"))
                    .col(ColumnDef::new(col("id")).integer().not_null().primary_key())
                    .col(ColumnDef::new(col("seq")).big_integer().not_null())
                    .col(text("hash"))
                    .take(),
            )
            .await?;
        let start = Query::insert()
            .into_table(col("audit_head"))
            .columns([col("id"), col("seq"), col("hash")])
            .values_panic([1.into(), 0i64.into(), GENESIS.into()])
            .take();
        manager.exec_stmt(start).await?;
        let guards = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_GUARDS,
            _ => SQLITE_GUARDS,
        };
        manager.get_connection().execute_unprepared(guards).await?;

        for column in ["organization_id", "person_id"] {
            manager
                .alter_table(
                    Table::alter().table(col("accounts")).add_column(ColumnDef::new(col(column)).uuid().null()).take(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("UPDATE accounts SET role = 'coordinator' WHERE role = 'staff'")
            .await?;
        manager.drop_table(Table::drop().table(col("sessions")).take()).await?;
        manager.create_table(sessions_table(true)).await?;
        manager.create_index(index("sessions", &["account_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(col("sessions")).take()).await?;
        manager.create_table(sessions_table(false)).await?;
        manager.create_index(index("sessions", &["account_id"])).await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE accounts SET role = 'staff' WHERE role NOT IN ('admin', 'staff')")
            .await?;
        for column in ["person_id", "organization_id"] {
            manager.alter_table(Table::alter().table(col("accounts")).drop_column(col(column)).take()).await?;
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP FUNCTION audit_log_append_only() CASCADE").await?;
        }
        for table in ["audit_head", "audit_log"] {
            manager.drop_table(Table::drop().table(col(table)).take()).await?;
        }
        Ok(())
    }
}
