//! What the public writes to an agency about its open data (ý kiến phản hồi).
use sea_orm::entity::prelude::*;

use crate::enums::{FeedbackKind, FeedbackStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: FeedbackKind,
    /// The organization asked to act.
    pub organization_id: i64,
    pub open_dataset_id: Option<i64>,
    pub title: String,
    pub body: String,
    /// Shown only to the organization's members.
    pub contact_email: Option<String>,
    pub status: FeedbackStatus,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub votes: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
