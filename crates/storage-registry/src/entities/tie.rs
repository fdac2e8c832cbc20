//! The `ties` table.

use sea_orm::entity::prelude::*;

/// A tie between two organisations, ends in canonical order (`organization_a` < `organization_b`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub organization_a: Uuid,
    pub role_a: Option<String>,
    pub organization_b: Uuid,
    pub role_b: Option<String>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
