//! A bearer token: who holds it, in which role and organization. Only the token's SHA-256 is
//! stored; the token itself is shown once, when it is created.
use crate::enums::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The organization the holder acts for; admins may have none.
    pub organization_id: Option<i64>,
    /// The token acts for every organization below `organization_id` too.
    pub subtree: bool,
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
