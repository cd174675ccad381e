//! Opening the database and bringing its schema up to date.

use std::path::PathBuf;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Connection settings drawn from the configuration.
#[derive(Debug, Clone)]
pub struct DbSettings {
    pub url: String,
    pub max_connections: u32,
    /// PostgreSQL schema to work in (tests give each run its own); `None` is the default.
    pub schema: Option<String>,
}

/// Opens a pool. SQLite gets WAL (readers never block the writer), a busy timeout (writers
/// queue instead of failing at once) and enforced foreign keys.
pub async fn connect(settings: &DbSettings) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(settings.url.clone());
    opts.max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    if let Some(schema) = &settings.schema {
        opts.set_schema_search_path(schema.clone());
    }
    Database::connect(opts).await
}

/// Applies pending migrations. Each runs in a transaction on both databases, so a failed one
/// leaves the schema as it was; on SQLite, a database that already holds data is also copied
/// to `FILE.before-MIGRATION.bak` first, so that an upgrade can always be undone by hand.
pub async fn migrate(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?;
    if let (Some(next), Some(file)) = (pending.first(), super::backup::sqlite_file(url))
        && !Migrator::get_applied_migrations(db).await?.is_empty()
    {
        let copy = PathBuf::from(format!("{}.before-{}.bak", file.display(), next.name()));
        if !copy.exists() {
            super::backup::sqlite(db, &copy).await?;
            tracing::info!(backup = %copy.display(), "copied the database before migrating it");
        }
    }
    Migrator::up(db, None).await
}

/// A cheap round trip, for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
