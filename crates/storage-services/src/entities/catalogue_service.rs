//! The `catalogue_services` table.

use sea_orm::entity::prelude::*;

/// The centre's catalogue: one service per row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_services")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub version: i64,
    pub category: String,
    pub name_ru: String,
    pub name_en: String,
    pub description: String,
    pub audiences: String,
    pub unit: String,
    pub deadline_days: i32,
    pub deadline_counting: String,
    pub shift_to_working_day: bool,
    pub responsible: String,
    pub retired_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
