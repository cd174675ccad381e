//! Schema migrations, identical in meaning on SQLite and PostgreSQL.
//! Every migration runs in a transaction on both backends (SQLite has transactional DDL too),
//! so a failed migration leaves the database as it was.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_catalogue_core;
mod m20261127_000002_sharing_graph;
mod m20261127_000003_access;
mod m20261127_000004_requests;
mod m20261127_000005_quality;
mod m20261127_000006_access_events;
mod m20261127_000007_releases_open_data;
mod m20261127_000008_search;
mod m20261127_000009_search_order;
mod m20261127_000010_search_words;
mod m20261206_000011_token_scope;
mod m20261206_000012_share_sort_names;
mod m20261207_000013_share_edges;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_catalogue_core::Migration),
            Box::new(m20261127_000002_sharing_graph::Migration),
            Box::new(m20261127_000003_access::Migration),
            Box::new(m20261127_000004_requests::Migration),
            Box::new(m20261127_000005_quality::Migration),
            Box::new(m20261127_000006_access_events::Migration),
            Box::new(m20261127_000007_releases_open_data::Migration),
            Box::new(m20261127_000008_search::Migration),
            Box::new(m20261127_000009_search_order::Migration),
            Box::new(m20261127_000010_search_words::Migration),
            Box::new(m20261206_000011_token_scope::Migration),
            Box::new(m20261206_000012_share_sort_names::Migration),
            Box::new(m20261207_000013_share_edges::Migration),
        ]
    }
}
