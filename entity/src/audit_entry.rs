//! One entry of the audit log (nhật ký): who changed what, with the values before and after.
//! Each entry holds the hash of the one before it, so an edited or deleted entry breaks the
//! chain.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    /// 1, 2, 3, ... without gaps.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_token_id: Option<i64>,
    /// The token's name at the time of the change.
    pub actor: String,
    pub actor_role: String,
    /// The organization whose data changed (its stewards may read the entry).
    pub organization_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: i64,
    /// JSON of the row before the change; none for a creation.
    pub before: Option<String>,
    /// JSON of the row after the change; none for a deletion.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
