//! One vote for a piece of feedback; a voter votes once.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_votes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feedback_id: i64,
    /// A hash of the voter's token or address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub voter: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
