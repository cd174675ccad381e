//! A database in an organization's catalogue (cơ sở dữ liệu).
use crate::enums::{DatabaseKind, DatabaseStatus, UpdateFrequency};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "databases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub kind: DatabaseKind,
    pub owner_id: i64,
    pub system_id: Option<i64>,
    pub purpose: Option<String>,
    pub scope: Option<String>,
    pub content: Option<String>,
    pub collection_method: Option<String>,
    pub update_frequency: UpdateFrequency,
    pub data_sources: Option<String>,
    pub legal_basis: Option<String>,
    pub usage_rules: Option<String>,
    pub status: DatabaseStatus,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
