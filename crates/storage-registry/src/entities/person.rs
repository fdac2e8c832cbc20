//! The `people` table.

use sea_orm::entity::prelude::*;

/// One person row, with the legal basis of the record in the same row: no row without one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub search_key: String,
    pub phones: String,
    pub emails: String,
    pub basis_kind: String,
    pub basis_purpose: String,
    pub basis_since: Date,
    pub basis_document: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
