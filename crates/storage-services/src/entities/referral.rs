//! The `referrals` table.

use sea_orm::entity::prelude::*;

/// Referrals of people to NGOs' services.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version: i64,
    pub request_id: Uuid,
    pub person_id: Uuid,
    pub service_id: Uuid,
    pub provider_id: Uuid,
    pub state: String,
    pub note: Option<String>,
    pub outcome: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub answered_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
