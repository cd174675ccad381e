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
    /// PostgreSQL stops any statement running longer (the request timeout); `None`: no bound
    /// (command-line jobs such as imports and the generator).
    pub statement_timeout: Option<Duration>,
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
    // PostgreSQL compiles a statement whose estimated cost passes `jit_above_cost`. The
    // recursive walks are estimated at hundreds of thousands of rows while they read a few
    // thousand, and compiling took 100–250 ms of a 4 ms walk at 1M items (docs/performance.md);
    // none of the server's statements runs long enough to repay it.
    let mut pg_options = vec![("jit", "off".to_owned())];
    if let Some(timeout) = settings.statement_timeout {
        // A request that runs out of time is answered and its future dropped, but the database
        // would go on running its statement: it is stopped at the same bound. PostgreSQL has
        // a setting for it; SQLite a progress handler, called while a statement runs.
        pg_options.push(("statement_timeout", timeout.as_millis().to_string()));
        opts.map_sqlx_sqlite_pool_opts(move |pool| {
            // Each use of a connection gets the whole bound: the handler, with its clock, is
            // set again whenever the pool hands the connection out.
            pool.after_connect(move |conn, _| Box::pin(set_deadline(conn, timeout)))
                .before_acquire(move |conn, _| {
                    Box::pin(async move { set_deadline(conn, timeout).await.map(|()| true) })
                })
        });
    }
    opts.map_sqlx_postgres_opts(move |o| {
        o.options(pg_options.iter().map(|(k, v)| (*k, v.as_str())))
    });
    Database::connect(opts).await
}

/// SQLite virtual-machine steps between two calls of the progress handler (well under a
/// millisecond of work).
const PROGRESS_STEPS: i32 = 10_000;

/// Gives a SQLite connection `limit` from now: past it, its statements are interrupted.
async fn set_deadline(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    limit: Duration,
) -> Result<(), sea_orm::sqlx::Error> {
    conn.lock_handle()
        .await?
        .set_progress_handler(PROGRESS_STEPS, deadline(limit));
    Ok(())
}

/// A progress handler that interrupts what runs on a SQLite connection once `limit` has passed
/// since the pool handed it out (SQLite calls it only while a statement steps).
fn deadline(limit: Duration) -> impl FnMut() -> bool + Send + 'static {
    let handed_out = std::time::Instant::now();
    // `false` interrupts the statement.
    move || handed_out.elapsed() <= limit
}

/// Applies pending migrations. Each runs in a transaction on both databases, so a failed one
/// leaves the schema as it was; on SQLite, a database that already holds data is also copied
/// to `FILE.before-MIGRATION.bak` first, so that an upgrade can always be undone by hand.
///
/// On PostgreSQL, replicas that start together take turns: each holds an advisory lock (one
/// per schema) while it migrates, so the others wait for it and then find nothing pending
/// instead of racing to create the same tables.
pub async fn migrate(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return migrate_now(db, url).await;
    }
    let mut lock = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(sqlx_err)?;
    sea_orm::sqlx::query(LOCK)
        .execute(&mut *lock)
        .await
        .map_err(sqlx_err)?;
    let result = migrate_now(db, url).await;
    let unlocked = sea_orm::sqlx::query(UNLOCK).execute(&mut *lock).await;
    if let Err(err) = unlocked {
        // Closing the connection releases the lock anyway.
        tracing::warn!(error = %err, "could not release the migration lock");
        lock.detach();
    }
    result
}

/// The advisory lock's key: one per schema, so that databases (and test schemas) that share
/// a server do not wait for each other.
const LOCK: &str = "SELECT pg_advisory_lock(hashtext('sharegraph migrate ' || current_schema()))";
const UNLOCK: &str =
    "SELECT pg_advisory_unlock(hashtext('sharegraph migrate ' || current_schema()))";

fn sqlx_err(err: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Custom(format!("migration lock: {err}"))
}

/// Whether migrations are pending (for a server told not to apply them).
pub async fn pending(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
}

async fn migrate_now(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
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
