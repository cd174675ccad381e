//! The organization hierarchy: an organization and everything below it (its subtree), for
//! subtree-scoped tokens, roll-ups and filters "owned by X or below".

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, Statement, Value};

/// `SELECT id` of the subtree rooted at `root` (an SQL expression: a placeholder or a
/// column; the root included): a recursive walk down `parent_id`, cycle-safe because `UNION`
/// drops rows already produced (and moves refuse cycles anyway).
pub fn subtree_select(root: &str) -> String {
    format!(
        "WITH RECURSIVE sg_subtree(id) AS (
            SELECT CAST({root} AS BIGINT)
            UNION
            SELECT o.id FROM organizations o JOIN sg_subtree t ON o.parent_id = t.id
        )
        SELECT id FROM sg_subtree"
    )
}

/// The condition "`column` names an organization in the subtree of `root`", evaluated by the
/// database in the statement it is part of (no list of ids travels with it). The root is an
/// integer written into the SQL, so the text has no placeholder whose syntax would differ
/// between the databases.
pub fn in_subtree(column: impl ColumnTrait, root: i64) -> Expr {
    Expr::cust(format!(
        "\"{}\".\"{}\" IN ({})",
        column.entity_name(),
        column.as_str(),
        subtree_select(&root.to_string())
    ))
}

/// The ids of `root` and every organization below it, sorted.
pub async fn subtree(db: &impl ConnectionTrait, root: i64) -> Result<Vec<i64>, DbErr> {
    let backend = db.get_database_backend();
    let placeholder = match backend {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!("{} ORDER BY id", subtree_select(placeholder));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [Value::from(root)],
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}
