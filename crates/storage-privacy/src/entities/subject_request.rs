//! The `subject_requests` table.

use sea_orm::entity::prelude::*;

/// One subject access request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subject_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub received_on: Date,
    pub due_on: Date,
    pub due_predicted: bool,
    pub extended_to: Option<Date>,
    pub extension_reason: Option<String>,
    pub answered_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
