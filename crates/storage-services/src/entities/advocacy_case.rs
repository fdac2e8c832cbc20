//! The `advocacy_cases` table.

use sea_orm::entity::prelude::*;

/// Public advocacy cases; parties, hearings, deadlines and documents are JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "advocacy_cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version: i64,
    pub request_id: Uuid,
    pub lawyer: String,
    pub subject: String,
    pub parties: String,
    pub forum: Option<String>,
    pub case_number: Option<String>,
    pub hearings: String,
    pub deadlines: String,
    pub documents: String,
    pub outcome: Option<String>,
    pub closed_on: Option<Date>,
    pub opened_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
