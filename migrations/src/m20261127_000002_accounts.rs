//! Staff accounts and their bearer sessions (tokens are stored only as SHA-256 hashes).

use sea_orm_migration::prelude::*;

use crate::{boolean, col, fk, index, text, timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("accounts"))
                    .col(uuid("id").primary_key().take())
                    .col(text("login").unique_key().take())
                    .col(text("role"))
                    .col(text("password_hash"))
                    .col(boolean("disabled"))
                    .col(timestamp("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(col("sessions"))
                    .col(text("token_hash").primary_key().take())
                    .col(uuid("account_id"))
                    .col(timestamp("created_at"))
                    .col(timestamp("expires_at"))
                    .foreign_key(&mut fk("sessions", "account_id", "accounts"))
                    .take(),
            )
            .await?;
        manager.create_index(index("sessions", &["account_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["sessions", "accounts"] {
            manager.drop_table(Table::drop().table(col(table)).take()).await?;
        }
        Ok(())
    }
}
