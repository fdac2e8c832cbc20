//! The `consents` table.

use sea_orm::entity::prelude::*;

/// One consent; `categories` is a JSON array of codes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: String,
    pub purpose: String,
    pub categories: String,
    pub document: String,
    pub recipient_id: Option<Uuid>,
    pub given_at: DateTimeUtc,
    pub recorded_by: String,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub destroy_by: Option<Date>,
    pub destroyed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
