//! An assessment of a data item's or a database's quality (đánh giá chất lượng dữ liệu).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Exactly one of the item and the database is set.
    pub data_item_id: Option<i64>,
    pub database_id: Option<i64>,
    /// The owner of what was assessed.
    pub organization_id: i64,
    pub assessed_on: Date,
    pub assessor: String,
    pub completeness: i16,
    pub accuracy: i16,
    pub consistency: i16,
    pub timeliness: i16,
    pub validity: i16,
    pub uniqueness: i16,
    /// The mean of the six scores, rounded.
    pub overall: i16,
    pub organised_for_sharing: bool,
    pub uses_shared_code_lists: bool,
    pub consistent_with_master_data: bool,
    pub findings: Option<String>,
    pub remediation_plan: Option<String>,
    pub next_due: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
