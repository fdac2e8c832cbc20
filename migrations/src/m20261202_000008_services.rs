//! The services domain: the centre's catalogue, the directory of NGOs' services, requests with
//! their history, referrals, deliveries and advocacy cases; and the recipient a consent names.
//!
//! List-valued and nested fields (codes, eligibility, pathway, hearings...) are JSON in text
//! columns, read back through the domain's constructors. Each list's order has a `(key, id)`
//! index; on PostgreSQL the name key's index is declared `COLLATE "C"` like its `ORDER BY`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::{boolean, col, date_null, fk, index, text, text_null, timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).uuid().null().take()
}

fn big(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).big_integer().not_null().take()
}

fn int(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).integer().not_null().take()
}

fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).integer().null().take()
}

fn date(name: &str) -> ColumnDef {
    ColumnDef::new(col(name)).date().not_null().take()
}

fn unique(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut statement = index(table, columns);
    statement.name(format!("ux_{table}_{}", columns.join("_"))).unique();
    statement
}

/// The tables, in the order they are created (dropped in reverse).
const TABLES: [&str; 7] = [
    "catalogue_services",
    "directory_services",
    "requests",
    "request_events",
    "referrals",
    "deliveries",
    "advocacy_cases",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(col("consents")).add_column(uuid_null("recipient_id")).take()).await?;
        manager.create_index(index("consents", &["recipient_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("catalogue_services"))
                    .col(uuid("id").primary_key().take())
                    .col(text("code"))
                    .col(big("version"))
                    .col(text("category"))
                    .col(text("name_ru"))
                    .col(text("name_en"))
                    .col(text("description"))
                    .col(text("audiences"))
                    .col(text("unit"))
                    .col(int("deadline_days"))
                    .col(text("deadline_counting"))
                    .col(boolean("shift_to_working_day"))
                    .col(text("responsible"))
                    .col(date_null("retired_on"))
                    .take(),
            )
            .await?;
        manager.create_index(unique("catalogue_services", &["code"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("directory_services"))
                    .col(uuid("id").primary_key().take())
                    .col(big("version"))
                    .col(uuid("provider_id"))
                    .col(text("name"))
                    .col(text("sort_key"))
                    .col(text("description"))
                    .col(text("service_types"))
                    .col(text("forms"))
                    .col(text("needs"))
                    .col(text("municipalities"))
                    .col(text("eligibility"))
                    .col(text("languages"))
                    .col(text_null("schedule"))
                    .col(text("cost"))
                    .col(text_null("fees"))
                    .col(int_null("capacity_total"))
                    .col(int_null("capacity_free"))
                    .col(text("pathway"))
                    .col(text("status"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut fk("directory_services", "provider_id", "organizations"))
                    .take(),
            )
            .await?;
        manager.create_index(index("directory_services", &["provider_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("requests"))
                    .col(uuid("id").primary_key().take())
                    .col(text("number"))
                    .col(int("number_year"))
                    .col(int("number_seq"))
                    .col(big("version"))
                    .col(text("kind"))
                    .col(text("channel"))
                    .col(text("topic"))
                    .col(uuid_null("catalogue_service_id"))
                    .col(text("body"))
                    .col(text("attachments"))
                    .col(text("applicant_kind"))
                    .col(uuid_null("organization_id"))
                    .col(uuid_null("person_id"))
                    .col(text_null("applicant_name"))
                    .col(text_null("applicant_email"))
                    .col(text_null("applicant_postal_address"))
                    .col(text_null("applicant_phone"))
                    .col(boolean("consent_given"))
                    .col(date("received_on"))
                    .col(date("register_due"))
                    .col(int("deadline_days"))
                    .col(text("deadline_counting"))
                    .col(boolean("shift_to_working_day"))
                    .col(text("state"))
                    .col(date_null("registered_on"))
                    .col(date_null("answer_due"))
                    .col(boolean("due_predicted"))
                    .col(date_null("extended_on"))
                    .col(int_null("extension_days"))
                    .col(text_null("extension_reason"))
                    .col(text_null("extension_notice"))
                    .col(text_null("assignee"))
                    .col(text_null("answer"))
                    .col(date_null("resolved_on"))
                    .col(text_null("redirected_to"))
                    .col(text_null("rejection"))
                    .col(big("deadline_key"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut fk("requests", "catalogue_service_id", "catalogue_services"))
                    .foreign_key(&mut fk("requests", "organization_id", "organizations"))
                    .foreign_key(&mut fk("requests", "person_id", "people"))
                    .take(),
            )
            .await?;
        manager.create_index(unique("requests", &["number"])).await?;
        manager.create_index(unique("requests", &["number_year", "number_seq"])).await?;
        manager.create_index(index("requests", &["deadline_key", "id"])).await?;
        manager.create_index(index("requests", &["organization_id"])).await?;
        manager.create_index(index("requests", &["person_id"])).await?;
        manager.create_index(index("requests", &["assignee"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("request_events"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid("request_id"))
                    .col(timestamp("at"))
                    .col(text("actor"))
                    .col(text("state"))
                    .col(text("what"))
                    .col(text_null("note"))
                    .foreign_key(&mut fk("request_events", "request_id", "requests"))
                    .take(),
            )
            .await?;
        manager.create_index(index("request_events", &["request_id", "at"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("referrals"))
                    .col(uuid("id").primary_key().take())
                    .col(big("version"))
                    .col(uuid("request_id"))
                    .col(uuid("person_id"))
                    .col(uuid("service_id"))
                    .col(uuid("provider_id"))
                    .col(text("state"))
                    .col(text_null("note"))
                    .col(text_null("outcome"))
                    .col(text("created_by"))
                    .col(timestamp("created_at"))
                    .col(text_null("answered_by"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut fk("referrals", "request_id", "requests"))
                    .foreign_key(&mut fk("referrals", "person_id", "people"))
                    .foreign_key(&mut fk("referrals", "service_id", "directory_services"))
                    .foreign_key(&mut fk("referrals", "provider_id", "organizations"))
                    .take(),
            )
            .await?;
        manager.create_index(index("referrals", &["created_at", "id"])).await?;
        manager.create_index(index("referrals", &["provider_id", "created_at"])).await?;
        manager.create_index(index("referrals", &["request_id"])).await?;
        manager.create_index(index("referrals", &["person_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("deliveries"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid_null("catalogue_service_id"))
                    .col(uuid_null("directory_service_id"))
                    .col(text("recipient_kind"))
                    .col(uuid_null("organization_id"))
                    .col(uuid_null("person_id"))
                    .col(int_null("head_count"))
                    .col(text_null("group_description"))
                    .col(date("delivered_on"))
                    .col(big("quantity"))
                    .col(text_null("staff_login"))
                    .col(uuid_null("volunteer_id"))
                    .col(text_null("outcome"))
                    .col(int_null("satisfaction"))
                    .col(uuid_null("request_id"))
                    .col(text("recorded_by"))
                    .col(timestamp("recorded_at"))
                    .foreign_key(&mut fk("deliveries", "catalogue_service_id", "catalogue_services"))
                    .foreign_key(&mut fk("deliveries", "directory_service_id", "directory_services"))
                    .foreign_key(&mut fk("deliveries", "organization_id", "organizations"))
                    .foreign_key(&mut fk("deliveries", "person_id", "people"))
                    .foreign_key(&mut fk("deliveries", "volunteer_id", "people"))
                    .foreign_key(&mut fk("deliveries", "request_id", "requests"))
                    .take(),
            )
            .await?;
        manager.create_index(index("deliveries", &["delivered_on", "id"])).await?;
        manager.create_index(index("deliveries", &["organization_id"])).await?;
        manager.create_index(index("deliveries", &["person_id"])).await?;
        manager.create_index(index("deliveries", &["volunteer_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(col("advocacy_cases"))
                    .col(uuid("id").primary_key().take())
                    .col(big("version"))
                    .col(uuid("request_id"))
                    .col(text("lawyer"))
                    .col(text("subject"))
                    .col(text("parties"))
                    .col(text_null("forum"))
                    .col(text_null("case_number"))
                    .col(text("hearings"))
                    .col(text("deadlines"))
                    .col(text("documents"))
                    .col(text_null("outcome"))
                    .col(date_null("closed_on"))
                    .col(timestamp("opened_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut fk("advocacy_cases", "request_id", "requests"))
                    .take(),
            )
            .await?;
        manager.create_index(index("advocacy_cases", &["opened_at", "id"])).await?;
        manager.create_index(index("advocacy_cases", &["request_id"])).await?;
        let db = manager.get_connection();
        let key =
            if db.get_database_backend() == DatabaseBackend::Postgres { "sort_key COLLATE \"C\"" } else { "sort_key" };
        db.execute_unprepared(&format!(
            "CREATE INDEX ix_directory_services_name_order ON directory_services ({key}, id)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager.drop_table(Table::drop().table(col(table)).take()).await?;
        }
        manager.drop_index(Index::drop().name("ix_consents_recipient_id").table(col("consents")).to_owned()).await?;
        manager.alter_table(Table::alter().table(col("consents")).drop_column(col("recipient_id")).take()).await
    }
}
