//! The `directory_services` table.

use sea_orm::entity::prelude::*;

/// The directory of NGOs' services; lists and nested values are JSON in text columns.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "directory_services")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version: i64,
    pub provider_id: Uuid,
    pub name: String,
    pub sort_key: String,
    pub description: String,
    pub service_types: String,
    pub forms: String,
    pub needs: String,
    pub municipalities: String,
    pub eligibility: String,
    pub languages: String,
    pub schedule: Option<String>,
    pub cost: String,
    pub fees: Option<String>,
    pub capacity_total: Option<i32>,
    pub capacity_free: Option<i32>,
    pub pathway: String,
    pub status: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
