//! The `deliveries` table.

use sea_orm::entity::prelude::*;

/// Services given: one row per delivery.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub catalogue_service_id: Option<Uuid>,
    pub directory_service_id: Option<Uuid>,
    pub recipient_kind: String,
    pub organization_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub head_count: Option<i32>,
    pub group_description: Option<String>,
    pub delivered_on: Date,
    pub quantity: i64,
    pub staff_login: Option<String>,
    pub volunteer_id: Option<Uuid>,
    pub outcome: Option<String>,
    pub satisfaction: Option<i32>,
    pub request_id: Option<Uuid>,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
