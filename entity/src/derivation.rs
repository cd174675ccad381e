//! The lineage edge "derived item is made from source item" (dẫn xuất).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "derivations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source_item_id: i64,
    pub derived_item_id: i64,
    pub transformation: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
