//! An information system that hosts databases and exposes services (hệ thống thông tin).
use crate::enums::Readiness;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "information_systems")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub owner_id: i64,
    pub description: Option<String>,
    pub operator: Option<String>,
    pub hosting: Option<String>,
    pub readiness: Readiness,
    pub readiness_reviewed_on: Option<Date>,
    pub readiness_notes: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
