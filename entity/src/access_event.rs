//! One use of shared data (bản ghi khai thác dữ liệu): who used which share or service, when,
//! how, how many records, for what. Append-only.
use crate::enums::Violation;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub share_id: Option<i64>,
    pub service_id: Option<i64>,
    pub provider_id: i64,
    pub consumer_id: i64,
    pub occurred_at: DateTimeUtc,
    pub operation: String,
    pub record_count: i64,
    pub purpose: Option<String>,
    pub violation: Option<Violation>,
    pub recorded_at: DateTimeUtc,
    /// The token that reported it.
    pub recorded_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
