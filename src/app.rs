//! Assembling and running the server: open the database, build the schema and router, serve
//! until a shutdown signal. Tests use the same functions with their own listener and database.

use std::future::Future;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::access::rate_limit::RateLimits;
use crate::config::{Config, Limits};
use crate::domain::events::Feed;
use crate::store::connect::{self, DbSettings};
use crate::{graphql, http};

/// Opens the configured database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, DbErr> {
    open_database_in(config, None).await
}

/// Opens the configured database for the server: migrated now, or, when migrations are a
/// separate deployment step, checked to need none.
/// The serving pool bounds every statement by the request timeout (PostgreSQL); migrating
/// happens before, on a pool of its own without that bound.
pub async fn open_database_for_serving(config: &Config) -> Result<DatabaseConnection, DbErr> {
    if config.migrates_at_start() {
        open_database(config).await?.close().await?;
    }
    let db = connect::connect(&DbSettings {
        url: config.database_url.clone(),
        max_connections: config.db_max_connections,
        schema: None,
        statement_timeout: Some(config.limits.request_timeout()),
    })
    .await?;
    match connect::pending(&db).await? {
        0 => Ok(db),
        n => Err(DbErr::Custom(format!(
            "{n} migration(s) pending and SHAREGRAPH_MIGRATE=false: run `sharegraph migrate` first"
        ))),
    }
}

/// Like [`open_database`], inside one PostgreSQL schema (ignored for SQLite).
pub async fn open_database_in(
    config: &Config,
    schema: Option<String>,
) -> Result<DatabaseConnection, DbErr> {
    let db = connect::connect(&DbSettings {
        url: config.database_url.clone(),
        max_connections: config.db_max_connections,
        schema,
        statement_timeout: None,
    })
    .await?;
    connect::migrate(&db, &config.database_url).await?;
    Ok(db)
}

/// The HTTP application, and the event feed that [`serve`] closes when the server stops.
pub struct App {
    pub router: axum::Router,
    pub engine: graphql::engine::Engine,
    pub feed: Arc<Feed>,
}

/// The HTTP application over an open database (its feed closes when it is dropped).
pub fn router(db: DatabaseConnection, limits: Limits) -> axum::Router {
    build(db, limits).router
}

/// The HTTP application over an open database, with its event feed running.
pub fn build(db: DatabaseConnection, limits: Limits) -> App {
    let feed = Feed::start(
        db.clone(),
        std::time::Duration::from_millis(limits.event_poll_ms.max(10)),
        limits.event_buffer,
    );
    let limits = Arc::new(limits);
    let rate_limits = Arc::new(
        RateLimits::new(
            limits.rate_limit_per_minute,
            limits.anonymous_rate_limit_per_minute,
            limits.feedback_per_hour,
        )
        .with_usage_events(limits.usage_events_per_minute),
    );
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let engine = graphql::build(
        db.clone(),
        limits.clone(),
        rate_limits.clone(),
        metrics.clone(),
        feed.clone(),
    );
    forget_idle_clients(Arc::downgrade(&rate_limits));
    let persisted = Arc::new(http::PersistedQueries::new(limits.persisted_queries));
    let router = http::router(http::AppState {
        engine: engine.clone(),
        db,
        limits,
        rate_limits,
        persisted,
        sockets: Arc::default(),
        metrics,
        feed: feed.clone(),
    });
    App {
        router,
        engine,
        feed,
    }
}

/// Drops the rate budgets of idle clients every minute, for as long as the router lives.
fn forget_idle_clients(limits: std::sync::Weak<RateLimits>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match limits.upgrade() {
                Some(l) => l.forget_idle(),
                None => return,
            }
        }
    });
}

/// Serves until `shutdown` resolves; then stops accepting, closes subscriptions (their
/// WebSockets get a 1001 close frame), lets in-flight requests finish, and returns when they
/// have or when `grace` has passed, whichever comes first.
pub async fn serve(
    listener: TcpListener,
    app: App,
    connections: http::server::ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: std::time::Duration,
) -> std::io::Result<()> {
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let feed = app.feed;
    let signal = async move {
        shutdown.await;
        feed.close();
        let _ = stopping.send(());
    };
    let server = http::server::run(listener, app.router, connections, signal);
    let deadline = async move {
        if stopped.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = server => Ok(()),
        () = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; exiting");
            Ok(())
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
