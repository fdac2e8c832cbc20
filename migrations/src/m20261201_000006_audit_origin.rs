//! The audit log records where an act came from beyond the account (`origin`: the peer address
//! of an HTTP request, the operating-system user and host of a command). Rows written earlier
//! keep `NULL`.

use sea_orm_migration::prelude::*;

use crate::{col, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(col("audit_log")).add_column(text_null("origin")).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(col("audit_log")).drop_column(col("origin")).take()).await
    }
}
