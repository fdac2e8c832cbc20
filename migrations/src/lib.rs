//! Schema migrations, the same for SQLite and PostgreSQL, written with sea-query's schema builder.
//!
//! Each migration has a `down` that undoes it exactly; a test runs `up -> down -> up` on both databases.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_registry;
mod m20261127_000002_accounts;
mod m20261127_000003_audit_and_roles;
mod m20261127_000004_privacy;
mod m20261201_000005_account_unlock;
mod m20261201_000006_audit_origin;
mod m20261201_000007_keyset_indexes;
mod m20261202_000008_services;
mod m20261203_000009_appeal_submissions;

/// The ordered list of migrations.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_registry::Migration),
            Box::new(m20261127_000002_accounts::Migration),
            Box::new(m20261127_000003_audit_and_roles::Migration),
            Box::new(m20261127_000004_privacy::Migration),
            Box::new(m20261201_000005_account_unlock::Migration),
            Box::new(m20261201_000006_audit_origin::Migration),
            Box::new(m20261201_000007_keyset_indexes::Migration),
            Box::new(m20261202_000008_services::Migration),
            Box::new(m20261203_000009_appeal_submissions::Migration),
        ]
    }
}

/// Shorthand for a column name.
pub(crate) fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// A required text column.
pub(crate) fn text(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).text().not_null().take()
}

/// An optional text column.
pub(crate) fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).text().null().take()
}

/// An optional date column.
pub(crate) fn date_null(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).date().null().take()
}

/// A required UTC timestamp column.
pub(crate) fn timestamp(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).timestamp_with_time_zone().not_null().take()
}

/// A required UUID column.
pub(crate) fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).uuid().not_null().take()
}

/// A required boolean column.
pub(crate) fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).boolean().not_null().take()
}

/// A foreign key from `table.column` to `target.id`.
pub(crate) fn fk(table: &str, column: &str, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(col(table), col(column))
        .to(col(target), col("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// A plain index on some columns.
pub(crate) fn index(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("ix_{table}_{}", columns.join("_"))).table(col(table));
    for column in columns {
        index.col(col(column));
    }
    index.take()
}
