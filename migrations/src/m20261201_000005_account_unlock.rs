//! `accounts.unlocked_at`: when an administrator last lifted the account's failed-login lock
//! (`nko account unlock`). The gateway's limiter ignores failures before it, so an unlock made by
//! another process reaches the gateway through the database.

use sea_orm_migration::prelude::*;

use crate::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(col("unlocked_at")).timestamp_with_time_zone().null().take();
        manager.alter_table(Table::alter().table(col("accounts")).add_column(column).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(col("accounts")).drop_column(col("unlocked_at")).take()).await
    }
}
