//! The `accounts` table.

use sea_orm::entity::prelude::*;

/// An account; `organization_id` binds an NGO's representative, `person_id` a volunteer;
/// `unlocked_at` is when an administrator last lifted its failed-login lock.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub login: String,
    pub role: String,
    pub organization_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub unlocked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
