//! A named officer responsible for data sharing (đầu mối).
use crate::enums::FocalPointScope;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "focal_points")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub scope: FocalPointScope,
    pub full_name: String,
    pub full_name_folded: String,
    pub position: Option<String>,
    pub duties: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub term_start: Option<Date>,
    pub term_end: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
