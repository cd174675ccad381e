//! A consumer's request for data (yêu cầu chia sẻ dữ liệu): items of one provider, the mode it
//! asks for, why, and the provider's decision.
use crate::enums::{RequestStatus, SharingMode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub consumer_id: i64,
    /// The owner of the requested items.
    pub provider_id: i64,
    pub requested_mode: SharingMode,
    pub purpose: String,
    pub legal_basis: Option<String>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: RequestStatus,
    pub submitted_at: DateTimeUtc,
    /// The last day the provider may answer on, when the law sets one.
    pub due_on: Option<Date>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub agreement_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
