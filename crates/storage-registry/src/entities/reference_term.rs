//! The `reference_terms` table: the region profile's reference lists.

use sea_orm::entity::prelude::*;

/// One term of a reference list.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reference_terms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name_ru: String,
    pub name_en: Option<String>,
    pub external_code: Option<String>,
    pub category: Option<String>,
    pub source: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
