//! SQLite's way to the first matches: its FTS5 tables (migration 9).

use sea_orm::DatabaseConnection;

use super::{Params, Row, Searched, first};
use crate::error::Result;

/// SQLite's first matches: FTS5 yields them in rowid order, which is the search order
/// (migration 9), so the query stops after `ranked` of them.
pub(super) async fn first_matches(
    db: &DatabaseConnection,
    searched: &Searched,
    query: &str,
    ranked: u64,
) -> Result<(Vec<Row>, bool)> {
    let Searched {
        table,
        name,
        visible,
        ..
    } = searched;
    let sql = format!(
        "SELECT t.id, t.{name} AS name, t.code \
         FROM {table}_fts JOIN {table} t ON t.id = ({table}_fts.rowid & {ID_BITS}) \
         WHERE {table}_fts MATCH $1{visible} \
         ORDER BY {table}_fts.rowid LIMIT $2"
    );
    first(db, sql, query, ranked, Params::after(2)).await
}

/// The low 40 bits of an FTS5 rowid: the row's id (migration 9).
const ID_BITS: i64 = (1 << 40) - 1;
