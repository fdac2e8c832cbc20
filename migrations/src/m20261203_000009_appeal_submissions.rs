//! One appeal form files one appeal, across restarts: the key of each posted public form (a
//! hash of the browser's form secret, the form's id and what it says) next to the request it
//! filed. A second post of the same form finds its request by the key; two at once meet at the
//! primary key, and the one that loses rolls back with its request.

use sea_orm_migration::prelude::*;

use crate::{col, fk, text, timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("appeal_submissions"))
                    .col(text("submission_key").primary_key().take())
                    .col(uuid("request_id"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut fk("appeal_submissions", "request_id", "requests"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(col("appeal_submissions")).take()).await
    }
}
