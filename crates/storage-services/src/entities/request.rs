//! The `requests` table.

use sea_orm::entity::prelude::*;

/// Requests and appeals, with the running deadline as `deadline_key` (days from the common era).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: String,
    pub number_year: i32,
    pub number_seq: i32,
    pub version: i64,
    pub kind: String,
    pub channel: String,
    pub topic: String,
    pub catalogue_service_id: Option<Uuid>,
    pub body: String,
    pub attachments: String,
    pub applicant_kind: String,
    pub organization_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub applicant_name: Option<String>,
    pub applicant_email: Option<String>,
    pub applicant_postal_address: Option<String>,
    pub applicant_phone: Option<String>,
    pub consent_given: bool,
    pub received_on: Date,
    pub register_due: Date,
    pub deadline_days: i32,
    pub deadline_counting: String,
    pub shift_to_working_day: bool,
    pub state: String,
    pub registered_on: Option<Date>,
    pub answer_due: Option<Date>,
    pub due_predicted: bool,
    pub extended_on: Option<Date>,
    pub extension_days: Option<i32>,
    pub extension_reason: Option<String>,
    pub extension_notice: Option<String>,
    pub assignee: Option<String>,
    pub answer: Option<String>,
    pub resolved_on: Option<Date>,
    pub redirected_to: Option<String>,
    pub rejection: Option<String>,
    pub deadline_key: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
