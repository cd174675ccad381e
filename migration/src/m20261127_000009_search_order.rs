//! Search in a static order, so that a broad search ranks a bounded number of matches instead
//! of all of them (at 1M items a topic word is in tens of thousands of names, and scoring each
//! cost 100–300 ms). The order is the one relevance already favours among matches: shorter
//! names first (bm25 and `ts_rank` score a word higher in a shorter text), then by id.
//!
//! - SQLite: the FTS5 tables of migration 8 are rebuilt contentless, with the row's place in
//!   that order as their rowid (`length << 40 | id`), so that FTS5, which yields matches in
//!   rowid order, yields the shortest names first and a query can stop after enough of them.
//! - PostgreSQL: a stored `search_prior` (the name's length) and a B-tree over
//!   `(search_prior, id)` that carries the `tsvector`, the name and the code, so that the
//!   shortest names can be read in order, tested against a query and scored without touching
//!   the table. The GIN indexes keep a shorter pending list (256 kB instead of 4 MB): recent
//!   entries wait there, unsorted, until a vacuum or a full list merges them into the index,
//!   and every search scans the list whole (15 ms per index with a full 4 MB list after a bulk
//!   load). Turning the list off instead (`fastupdate = off`) inserts entry by entry, which
//!   left a 1M-item index 30 times slower to intersect frequent words (7 ms against 0.25 ms).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261127_000008_search::{sqlite_drop, sqlite_statements};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The searchable tables and their folded name columns, as this migration found them (its own
/// copy: a later migration's list may grow without changing this one).
const SEARCHED: [(&str, &str); 5] = [
    ("organizations", "name_folded"),
    ("databases", "name_folded"),
    ("data_items", "name_folded"),
    ("data_services", "name_folded"),
    ("open_datasets", "title_folded"),
];

/// Longest name length the order tells apart; ids must stay below 2^40 (about 10^12).
const LONGEST: i64 = 1023;

/// The FTS5 rowid of a row of the content table (`row` is `new` or `old` in a trigger, or the
/// table itself).
fn key(row: &str, name: &str) -> String {
    format!("((min(length({row}.{name}), {LONGEST}) << 40) | {row}.id)")
}

fn sqlite_up(table: &str, name: &str) -> Vec<String> {
    let fts = format!("{table}_fts");
    let insert = |row: &str| {
        format!(
            "INSERT INTO {fts}(rowid, {name}, code) VALUES ({}, {row}.{name}, {row}.code);",
            key(row, name)
        )
    };
    // A contentless table forgets a row only when given the values it indexed.
    let delete = format!(
        "INSERT INTO {fts}({fts}, rowid, {name}, code) VALUES ('delete', {}, old.{name}, old.code);",
        key("old", name)
    );
    let mut statements = sqlite_drop(table);
    statements.extend([
        format!("CREATE VIRTUAL TABLE {fts} USING fts5({name}, code, content='')"),
        format!(
            "CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {} END",
            insert("new")
        ),
        format!("CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END"),
        format!(
            "CREATE TRIGGER {fts}_update AFTER UPDATE OF {name}, code ON {table} BEGIN {delete} {} END",
            insert("new")
        ),
        format!(
            "INSERT INTO {fts}(rowid, {name}, code) SELECT {}, {name}, code FROM {table}",
            key(table, name)
        ),
    ]);
    statements
}

/// Migration 8's SQLite index as it was: external content, rowid = id.
fn sqlite_down(table: &str, name: &str) -> Vec<String> {
    let mut statements = sqlite_drop(table);
    statements.extend(sqlite_statements(table, name));
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, name| match backend {
            DatabaseBackend::Postgres => vec![
                format!(
                    "ALTER TABLE {table} ADD COLUMN search_prior integer GENERATED ALWAYS AS \
                     (least(length({name}), {LONGEST})) STORED"
                ),
                format!(
                    "CREATE INDEX {table}_search_order ON {table} (search_prior, id) \
                     INCLUDE (search_vector, {name}, code)"
                ),
                format!("ALTER INDEX {table}_search SET (gin_pending_list_limit = 256)"),
            ],
            _ => sqlite_up(table, name),
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, name| match backend {
            DatabaseBackend::Postgres => vec![
                format!("ALTER INDEX {table}_search RESET (gin_pending_list_limit)"),
                format!("DROP INDEX {table}_search_order"),
                format!("ALTER TABLE {table} DROP COLUMN search_prior"),
            ],
            _ => sqlite_down(table, name),
        })
        .await
    }
}
