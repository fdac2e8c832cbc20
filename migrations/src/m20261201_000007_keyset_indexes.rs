//! Indexes that serve the lists' keyset pages: each order is `(key, id)`, so a page after a
//! position is an index range scan of `first + 1` entries, at the start of a list or deep in it.
//! On PostgreSQL the name keys are sorted byte by byte (`COLLATE "C"`, as SQLite's BINARY), and an
//! index serves an `ORDER BY` only when declared with the same collation. They replace the
//! single-column indexes on the same keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(index, table, key expression on PostgreSQL, key column, the single-column index it replaces)`.
const INDEXES: [(&str, &str, &str, &str, &str); 3] = [
    ("ix_organizations_name_order", "organizations", "sort_key COLLATE \"C\"", "sort_key", "ix_organizations_sort_key"),
    ("ix_organizations_created_order", "organizations", "created_at", "created_at", "ix_organizations_created_at"),
    ("ix_people_name_order", "people", "search_key COLLATE \"C\"", "search_key", "ix_people_search_key"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        for (name, table, pg_key, column, replaced) in INDEXES {
            let key = if postgres { pg_key } else { column };
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({key}, id)")).await?;
            db.execute_unprepared(&format!("DROP INDEX {replaced}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, _, column, replaced) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {replaced} ON {table} ({column})")).await?;
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
