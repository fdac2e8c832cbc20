//! The `audit_log` table: append-only (database triggers refuse UPDATE and DELETE).

use sea_orm::entity::prelude::*;

/// One audit row in its place in the hash chain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub account_id: Option<Uuid>,
    pub login: String,
    pub role: String,
    pub channel: String,
    pub action: String,
    pub object: Option<String>,
    pub request_id: String,
    pub outcome: String,
    pub detail: Option<String>,
    pub origin: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
