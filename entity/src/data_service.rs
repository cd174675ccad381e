//! A data-sharing service (dịch vụ chia sẻ dữ liệu) with the description Art. 24.3 requires.
use crate::enums::{Platform, ServiceMethod, ServiceStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub provider_id: i64,
    pub method: ServiceMethod,
    pub protocol: Option<String>,
    pub endpoint: Option<String>,
    pub platform: Platform,
    pub service_version: Option<String>,
    pub status: ServiceStatus,
    pub published_on: Option<Date>,
    pub description: Option<String>,
    pub input_description: Option<String>,
    pub output_description: Option<String>,
    pub standard: Option<String>,
    pub conditions_of_use: Option<String>,
    pub availability: Option<String>,
    pub contact_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
