//! How one data item may be shared with one kind of consumer (chính sách chia sẻ).
use crate::enums::{ConsumerType, SharingMode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub data_item_id: i64,
    pub consumer_type: ConsumerType,
    pub mode: SharingMode,
    pub conditions: Option<String>,
    pub legal_basis: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
