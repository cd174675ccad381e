//! A periodic review of a catalogue or of its default-sharing list (rà soát định kỳ).
use sea_orm::entity::prelude::*;

use crate::enums::ReviewScope;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub scope: ReviewScope,
    pub reviewed_on: Date,
    pub reviewer: String,
    pub decision_number: Option<String>,
    pub outcome: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
