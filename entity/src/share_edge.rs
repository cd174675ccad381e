//! The active shares between two organizations, counted per mode, per whether the item is
//! published, and per expiry date: what the sharing graph (organization to organization) reads
//! instead of the shares themselves. Kept in step by database triggers on `shares` and
//! `data_items` (migration 13); the application never writes it.
use crate::enums::SharingMode;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_edges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub consumer_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub mode: SharingMode,
    /// The shared items' `published` flag.
    #[sea_orm(primary_key, auto_increment = false)]
    pub published: bool,
    /// The shares' last valid day; 9999-12-31 for shares without one.
    #[sea_orm(primary_key, auto_increment = false)]
    pub valid_until: Date,
    /// How many active shares have this key.
    pub shares: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
