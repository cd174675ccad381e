//! Full-text indexes for `search`: on SQLite an FTS5 table per searchable table (external
//! content, kept in step by triggers), on PostgreSQL a GIN index over the same text. The
//! indexed text is the folded name (lower case, Vietnamese diacritics removed, as the write
//! path stores it) and the code, so a search folds its words the same way and "dan cu" finds
//! "Dân cư". Names and codes are split at `.`, `-` and `_` on both (FTS5's tokenizer does so;
//! PostgreSQL is given the text with those as spaces), so "H57" finds "000.03.39.H57".
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

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

/// The FTS5 table of `table` (external content, rowid = id) and the triggers that keep it in
/// step.
pub fn sqlite_statements(table: &str, name: &str) -> Vec<String> {
    vec![
        format!(
            "CREATE VIRTUAL TABLE {table}_fts USING fts5({name}, code, content='{table}', content_rowid='id')"
        ),
        format!(
            "CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN \
             INSERT INTO {table}_fts(rowid, {name}, code) VALUES (new.id, new.{name}, new.code); END"
        ),
        format!(
            "CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN \
             INSERT INTO {table}_fts({table}_fts, rowid, {name}, code) VALUES ('delete', old.id, old.{name}, old.code); END"
        ),
        format!(
            "CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {name}, code ON {table} BEGIN \
             INSERT INTO {table}_fts({table}_fts, rowid, {name}, code) VALUES ('delete', old.id, old.{name}, old.code); \
             INSERT INTO {table}_fts(rowid, {name}, code) VALUES (new.id, new.{name}, new.code); END"
        ),
        format!("INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"),
    ]
}

/// Drops the FTS5 table of `table` and its triggers.
pub fn sqlite_drop(table: &str) -> Vec<String> {
    vec![
        format!("DROP TRIGGER {table}_fts_insert"),
        format!("DROP TRIGGER {table}_fts_delete"),
        format!("DROP TRIGGER {table}_fts_update"),
        format!("DROP TABLE {table}_fts"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, name| match backend {
            // Stored, so that ranking reads the vector instead of parsing each matching
            // name again.
            DatabaseBackend::Postgres => vec![
                format!(
                    "ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS \
                     (to_tsvector('simple', translate({name} || ' ' || code, '.-_', '   '))) STORED"
                ),
                format!("CREATE INDEX {table}_search ON {table} USING GIN (search_vector)"),
            ],
            _ => sqlite_statements(table, name),
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, _| match backend {
            DatabaseBackend::Postgres => vec![
                format!("DROP INDEX {table}_search"),
                format!("ALTER TABLE {table} DROP COLUMN search_vector"),
            ],
            _ => sqlite_drop(table),
        })
        .await
    }
}
