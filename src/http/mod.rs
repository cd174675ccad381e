//! The HTTP surface: the router and the state its handlers share. Its parts: GraphQL over
//! HTTP ([`graphql`]) and WebSocket ([`ws`]), who is calling ([`auth`]), how an answer is
//! written ([`reply`]), files and documents ([`downloads`]), caching ([`cache`]), CORS
//! ([`cors`]), persisted queries ([`persisted`]) and the listener ([`server`]); the pages for
//! people are in `crate::web`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

mod auth;
pub(crate) mod cache;
mod cors;
mod downloads;
mod graphql;
mod persisted;
mod reply;
pub mod server;
mod ws;

pub use persisted::PersistedQueries;

use crate::access::rate_limit::{Key, RateLimits};
use crate::config::Limits;
use crate::graphql::engine::Engine;
use crate::store::connect;
use crate::web;
use auth::authenticate;
use downloads::{Rdf, ReportFormat, dcat_catalog, dcat_export, implementation_report};
use graphql::{graphql_get, graphql_post};
use ws::graphql_ws;

const REQUEST_ID: &str = "x-request-id";

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub db: DatabaseConnection,
    pub limits: Arc<Limits>,
    pub rate_limits: Arc<RateLimits>,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub feed: Arc<crate::domain::events::Feed>,
    pub persisted: Arc<PersistedQueries>,
    /// WebSockets open per client, against `SHAREGRAPH_MAX_SOCKETS_PER_CLIENT`.
    pub sockets: Arc<std::sync::Mutex<std::collections::HashMap<Key, usize>>>,
}

pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let cors = cors::layer(&state.limits.cors_origins);
    // A page behind each record IRI of the DCAT export, read as the caller like the API.
    let records = web::RECORD_PAGES
        .into_iter()
        .fold(Router::new(), |router, (path, page)| {
            router.route(
                path,
                get(move |s, c, k, p, h| web::record(s, c, k, p, h, page)),
            )
        });
    records
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route(
            "/reports/implementation.csv",
            get(|s, c, h, q| implementation_report(s, c, q, h, ReportFormat::Csv)),
        )
        .route(
            "/reports/implementation.xlsx",
            get(|s, c, h, q| implementation_report(s, c, q, h, ReportFormat::Xlsx)),
        )
        .route("/", get(web::landing))
        .route(
            "/open-datasets/{id}/distributions/{format}",
            get(web::distribution),
        )
        .route(
            "/dcat/catalog",
            get(|s, c, k, h, q| dcat_catalog(s, c, k, h, q, None)),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .route("/explore", get(web::explore))
        // The catalogue's publisher is described in the catalogue.
        .route(
            "/dcat/publisher",
            get(|| async { axum::response::Redirect::to("/dcat/catalog") }),
        )
        .route("/assets/{bundle}/{*name}", get(web::assets::serve))
        .route("/docs", get(web::docs::index))
        .route("/docs/{*name}", get(web::docs::show))
        .route(
            "/dcat/catalog.jsonld",
            get(|s, h, q| dcat_export(s, h, q, Rdf::JsonLd)),
        )
        .route(
            "/dcat/catalog.ttl",
            get(|s, h, q| dcat_export(s, h, q, Rdf::Turtle)),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(body_limit))
        // Outermost first: give each request an id (or keep the client's), log every line of
        // the request under it, and return it in the response.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outside everything else: a browser's preflight is answered before authentication,
        // and every answer, errors included, carries the CORS headers.
        .layer(cors)
        .with_state(state)
}

/// Prometheus metrics, for the operators' scraper (serve it on an internal address or keep it
/// behind the proxy: it tells request volumes, not catalogue data).
async fn metrics(State(state): State<AppState>) -> HttpResponse {
    let mut resp = state.metrics.render(&state.db).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn readyz(State(state): State<AppState>) -> HttpResponse {
    match connect::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
