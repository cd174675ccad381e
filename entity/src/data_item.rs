//! A category of data inside a database (hạng mục dữ liệu).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub database_id: i64,
    /// The owner of the item's database, kept in step with it (lineage walks read it).
    pub owner_id: i64,
    /// Unique within its database.
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub description: Option<String>,
    pub is_master_data: bool,
    pub is_shared_code_list: bool,
    pub is_personal_data: bool,
    /// Some policy shares the item (not every one is `NOT_SHARED`): it is part of the published
    /// catalogue. Derived from the policies by the write path.
    pub published: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
