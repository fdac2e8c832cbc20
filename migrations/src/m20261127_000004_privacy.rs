//! Consents (processing and distribution, one purpose per document) and subject access requests.

use sea_orm_migration::prelude::*;

use crate::{boolean, col, date_null, fk, index, text, text_null, timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("consents"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid("person_id"))
                    .col(text("kind"))
                    .col(text("purpose"))
                    .col(text("categories"))
                    .col(text("document"))
                    .col(timestamp("given_at"))
                    .col(text("recorded_by"))
                    .col(ColumnDef::new(col("withdrawn_at")).timestamp_with_time_zone().null())
                    .col(date_null("destroy_by"))
                    .col(ColumnDef::new(col("destroyed_at")).timestamp_with_time_zone().null())
                    .foreign_key(&mut fk("consents", "person_id", "people"))
                    .take(),
            )
            .await?;
        manager.create_index(index("consents", &["person_id"])).await?;
        manager.create_index(index("consents", &["document"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("subject_requests"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid("person_id"))
                    .col(ColumnDef::new(col("received_on")).date().not_null())
                    .col(ColumnDef::new(col("due_on")).date().not_null())
                    .col(boolean("due_predicted"))
                    .col(date_null("extended_to"))
                    .col(text_null("extension_reason"))
                    .col(date_null("answered_on"))
                    .foreign_key(&mut fk("subject_requests", "person_id", "people"))
                    .take(),
            )
            .await?;
        manager.create_index(index("subject_requests", &["person_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["subject_requests", "consents"] {
            manager.drop_table(Table::drop().table(col(table)).take()).await?;
        }
        Ok(())
    }
}
