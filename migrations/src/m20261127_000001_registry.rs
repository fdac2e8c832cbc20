//! The registry's tables: reference terms, organisations, people, memberships, coalitions, ties.

use sea_orm_migration::prelude::*;

use crate::{boolean, col, date_null, fk, index, text, text_null, timestamp, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 7] =
    ["ties", "coalition_members", "coalitions", "memberships", "people", "organizations", "reference_terms"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(col("reference_terms"))
                    .col(text("kind"))
                    .col(text("code"))
                    .col(text("name_ru"))
                    .col(text_null("name_en"))
                    .col(text_null("external_code"))
                    .col(text_null("category"))
                    .col(text_null("source"))
                    .col(date_null("valid_from"))
                    .col(date_null("valid_to"))
                    .primary_key(Index::create().col(col("kind")).col(col("code")))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(col("organizations"))
                    .col(uuid("id").primary_key().take())
                    .col(ColumnDef::new(col("version")).big_integer().not_null())
                    .col(text("full_name"))
                    .col(text_null("short_name"))
                    .col(text("search_key"))
                    .col(text("sort_key"))
                    .col(text("legal_form"))
                    .col(text_null("inn"))
                    .col(text_null("ogrn"))
                    .col(text_null("kpp"))
                    .col(date_null("registered_on"))
                    .col(text_null("municipality"))
                    .col(text_null("legal_address"))
                    .col(text_null("postal_address"))
                    .col(text("phones"))
                    .col(text("emails"))
                    .col(text_null("website"))
                    .col(text("activity_areas"))
                    .col(text("target_groups"))
                    .col(text("relationship"))
                    .col(date_null("relationship_since"))
                    .col(boolean("in_sonko_register"))
                    .col(boolean("social_service_provider"))
                    .col(text("status"))
                    .col(date_null("liquidated_on"))
                    .col(text_null("verified_by"))
                    .col(ColumnDef::new(col("verified_at")).timestamp_with_time_zone().null())
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .take(),
            )
            .await?;
        let unique = |name: &str, column: &str| {
            Index::create().name(name).table(col("organizations")).col(col(column)).unique().take()
        };
        manager.create_index(unique("ux_organizations_inn", "inn")).await?;
        manager.create_index(unique("ux_organizations_ogrn", "ogrn")).await?;
        for column in ["sort_key", "municipality", "legal_form", "created_at"] {
            manager.create_index(index("organizations", &[column])).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(col("people"))
                    .col(uuid("id").primary_key().take())
                    .col(text("last_name"))
                    .col(text("first_name"))
                    .col(text_null("middle_name"))
                    .col(text("search_key"))
                    .col(text("phones"))
                    .col(text("emails"))
                    .col(text("basis_kind"))
                    .col(text("basis_purpose"))
                    .col(ColumnDef::new(col("basis_since")).date().not_null())
                    .col(text_null("basis_document"))
                    .col(timestamp("created_at"))
                    .take(),
            )
            .await?;
        manager.create_index(index("people", &["search_key"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(col("memberships"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid("person_id"))
                    .col(uuid("organization_id"))
                    .col(text("position"))
                    .col(ColumnDef::new(col("valid_from")).date().not_null())
                    .col(date_null("valid_to"))
                    .foreign_key(&mut fk("memberships", "person_id", "people"))
                    .foreign_key(&mut fk("memberships", "organization_id", "organizations"))
                    .take(),
            )
            .await?;
        manager.create_index(index("memberships", &["person_id"])).await?;
        manager.create_index(index("memberships", &["organization_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(col("coalitions"))
                    .col(uuid("id").primary_key().take())
                    .col(text("name"))
                    .col(text("sort_key"))
                    .col(text_null("purpose"))
                    .col(date_null("founded_on"))
                    .col(timestamp("created_at"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(col("coalition_members"))
                    .col(uuid("id").primary_key().take())
                    .col(uuid("coalition_id"))
                    .col(uuid("organization_id"))
                    .col(text("role"))
                    .col(ColumnDef::new(col("valid_from")).date().not_null())
                    .col(date_null("valid_to"))
                    .foreign_key(&mut fk("coalition_members", "coalition_id", "coalitions"))
                    .foreign_key(&mut fk("coalition_members", "organization_id", "organizations"))
                    .take(),
            )
            .await?;
        manager.create_index(index("coalition_members", &["coalition_id"])).await?;
        manager.create_index(index("coalition_members", &["organization_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(col("ties"))
                    .col(uuid("id").primary_key().take())
                    .col(text("kind"))
                    .col(uuid("organization_a"))
                    .col(text_null("role_a"))
                    .col(uuid("organization_b"))
                    .col(text_null("role_b"))
                    .col(ColumnDef::new(col("valid_from")).date().not_null())
                    .col(date_null("valid_to"))
                    .col(text_null("note"))
                    .foreign_key(&mut fk("ties", "organization_a", "organizations"))
                    .foreign_key(&mut fk("ties", "organization_b", "organizations"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ties", &["organization_a"])).await?;
        manager.create_index(index("ties", &["organization_b"])).await?;
        // The ends are stored in canonical order, so one index covers A-B and B-A: at most one
        // open-ended tie of a kind per pair, even when two requests race past the domain check.
        manager
            .create_index(
                Index::create()
                    .name("ux_ties_open_kind_pair")
                    .table(col("ties"))
                    .col(col("kind"))
                    .col(col("organization_a"))
                    .col(col("organization_b"))
                    .unique()
                    .and_where(Expr::col(col("valid_to")).is_null())
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager.drop_table(Table::drop().table(col(table)).take()).await?;
        }
        Ok(())
    }
}
