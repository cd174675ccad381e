//! A data-sharing agreement between two organizations (thỏa thuận chia sẻ dữ liệu, Decree
//! 47/2020 Art. 38): what is shared, where and how it may be used, how it is protected, stored
//! and deleted.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_agreements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub provider_id: i64,
    pub consumer_id: i64,
    pub data_content: String,
    pub place_of_use: String,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub method: String,
    pub processing_after_receipt: Option<String>,
    pub conditions_and_limits: Option<String>,
    pub protection_commitments: Option<String>,
    pub security_and_authentication: Option<String>,
    pub storage: Option<String>,
    pub deletion_method: Option<String>,
    pub signed_on: Date,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
