//! A dataset published on the open data portal (dữ liệu mở).
use sea_orm::entity::prelude::*;

use crate::enums::UpdateFrequency;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "open_datasets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub code: String,
    pub title: String,
    pub title_folded: String,
    pub description: Option<String>,
    pub licence: String,
    /// Formats offered, comma-separated media types or names ("CSV,JSON").
    pub formats: String,
    pub download_url: Option<String>,
    pub data_service_id: Option<i64>,
    pub update_frequency: UpdateFrequency,
    /// Not yet public while `None`.
    pub published_on: Option<Date>,
    pub refreshed_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
