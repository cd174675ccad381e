//! An organization: a state body or a non-state party (cơ quan, đơn vị).
use crate::enums::{AdministrativeLevel, ConsumerType};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// `name` case- and diacritic-folded, for `contains` filters.
    pub name_folded: String,
    pub short_name: Option<String>,
    pub level: Option<AdministrativeLevel>,
    pub consumer_type: ConsumerType,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
