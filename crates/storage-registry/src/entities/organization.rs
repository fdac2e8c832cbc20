//! The `organizations` table.

use sea_orm::entity::prelude::*;

/// One organisation row. List-valued fields are JSON arrays of strings in text columns, so that a
/// filter is a portable `LIKE '%"code"%'` on both databases.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version: i64,
    pub full_name: String,
    pub short_name: Option<String>,
    pub search_key: String,
    pub sort_key: String,
    pub legal_form: String,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    pub kpp: Option<String>,
    pub registered_on: Option<Date>,
    pub municipality: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    pub phones: String,
    pub emails: String,
    pub website: Option<String>,
    pub activity_areas: String,
    pub target_groups: String,
    pub relationship: String,
    pub relationship_since: Option<Date>,
    pub in_sonko_register: bool,
    pub social_service_provider: bool,
    pub status: String,
    pub liquidated_on: Option<Date>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
