//! Helpers the migrations share. Migrations are frozen once released, so these must only ever
//! gain new functions, never change what an existing one produces.
use sea_orm_migration::{prelude::*, schema::*};

/// Columns every updatable table carries: optimistic-lock version and timestamps.
pub fn bookkeeping(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
}

pub fn fk(
    from: &'static str,
    column: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .take()
}

pub async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for c in columns {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

/// Runs, for each `(table, folded name column)` of `tables`, the statements `statements` gives
/// for the database's backend. Each migration passes its own list: a released migration must
/// not change when a later one searches more tables.
pub async fn for_each_searched(
    manager: &SchemaManager<'_>,
    tables: &[(&str, &str)],
    statements: impl Fn(sea_orm_migration::sea_orm::DatabaseBackend, &str, &str) -> Vec<String>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for &(table, name) in tables {
        for sql in statements(manager.get_database_backend(), table, name) {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Runs `statements` in order, the ones for the database's backend: `postgres` on PostgreSQL,
/// `sqlite` on SQLite.
pub async fn execute_for_backend(
    manager: &SchemaManager<'_>,
    postgres: impl FnOnce() -> Vec<String>,
    sqlite: impl FnOnce() -> Vec<String>,
) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => postgres(),
        _ => sqlite(),
    };
    let db = manager.get_connection();
    for s in statements {
        db.execute_unprepared(&s).await?;
    }
    Ok(())
}
