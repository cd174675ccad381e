//! The edge "provider shares data item with consumer" (chia sẻ).
use crate::enums::{ShareStatus, SharingMode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub data_item_id: i64,
    /// The item's owner when the share was made; kept in step with it.
    pub provider_id: i64,
    pub consumer_id: i64,
    pub mode: SharingMode,
    pub service_id: Option<i64>,
    pub purpose: Option<String>,
    pub legal_basis: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    /// Stored state; see [`Model::effective_status`] for what clients see.
    pub status: ShareStatus,
    pub status_reason: Option<String>,
    /// The agreement the share rests on (Art. 38).
    pub agreement_id: Option<i64>,
    /// The request whose approval created it.
    pub request_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Sort keys: the provider's, consumer's and item's folded names, kept in step by database
    /// triggers (never written by the application).
    pub provider_name: Option<String>,
    pub consumer_name: Option<String>,
    pub item_name: Option<String>,
}

impl Model {
    /// `EXPIRED` once an active share's `valid_until` has passed.
    pub fn effective_status(&self, today: Date) -> ShareStatus {
        match (self.status, self.valid_until) {
            (ShareStatus::Active, Some(until)) if until < today => ShareStatus::Expired,
            (status, _) => status,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
