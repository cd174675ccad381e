//! A published, frozen version of an organization's catalogue (danh mục cơ sở dữ liệu được
//! ban hành), with the decision that issued it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_releases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// 1, 2, 3... per organization.
    pub number: i32,
    pub decision_number: String,
    pub decided_on: Date,
    pub signer: String,
    pub note: Option<String>,
    /// The catalogue as published: JSON `{databases, items, services}`.
    pub snapshot: String,
    pub database_count: i32,
    pub item_count: i32,
    pub service_count: i32,
    pub next_review_due: Date,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
