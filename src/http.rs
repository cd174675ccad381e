//! The HTTP surface: GraphQL over HTTP (per the GraphQL-over-HTTP spec), GraphiQL, health,
//! CORS for browsers on other sites, and caching of public reads.
//!
//! The GraphQL handler is written here rather than taken from async-graphql-axum because the
//! stock one answers every request 200 with one content type; the spec wants `Accept`
//! negotiation, 400 for requests that cannot be executed, 405 for mutations over GET and
//! 415 for bodies that are not JSON.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Executor, Request, Response, ServerError};
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Extension, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub(crate) mod cache;
mod cors;
mod persisted;
pub mod server;

pub use persisted::PersistedQueries;

use crate::access::rate_limit::{Key, RateLimits};
use crate::access::{Caller, token};
use crate::config::Limits;
use crate::graphql::{self, engine::Engine, errors::is_request_error};
use crate::i18n::{Lang, Text};
use crate::store::connect;
use crate::web;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
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

#[derive(Debug, Clone, Copy)]
enum ReportFormat {
    Csv,
    Xlsx,
}

/// What a report download names: the organization's global id and the period.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportParams {
    organization_id: String,
    year: i32,
    quarter: Option<u32>,
    half: Option<u32>,
    #[serde(default)]
    include_descendants: bool,
}

/// The implementation report as a file, under the same access rules as the GraphQL field.
async fn implementation_report(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Result<Query<ReportParams>, QueryRejection>,
    headers: HeaderMap,
    format: ReportFormat,
) -> HttpResponse {
    use crate::domain::report::{self, Period};
    let reply = Reply::json(&state, &headers);
    let refuse = |err| domain_failure(err, reply, "could not compute a report");
    let Query(params) = match params {
        Ok(p) => p,
        Err(rejection) => {
            return request_failure(
                StatusCode::BAD_REQUEST,
                reply,
                "BAD_USER_INPUT",
                Text::key("report-parameters").arg("detail", rejection.body_text()),
            );
        }
    };
    let org = match graphql::ids::decode_as(
        "organizationId",
        &async_graphql::ID(params.organization_id),
        graphql::ids::Kind::Organization,
    ) {
        Ok(o) => o,
        Err(err) => return refuse(err),
    };
    let period = match Period::new(params.year, params.quarter, params.half) {
        Ok(p) => p,
        Err(err) => return refuse(err),
    };
    let cadence = state.limits.review_cadence_months;
    let report = if params.include_descendants {
        report::consolidated_report(&state.db, &caller, org, period, cadence).await
    } else {
        report::implementation_report(&state.db, &caller, org, period, cadence).await
    };
    let report = match report {
        Ok(r) => r,
        Err(err) => return refuse(err),
    };
    let name = format!(
        "bao-cao-{}-{}",
        report.organization.code,
        crate::domain::text::fold(&period.label()).replace(' ', "-")
    );
    let (content_type, ext, body) = match format {
        ReportFormat::Csv => ("text/csv; charset=utf-8", "csv", report::to_csv(&report)),
        ReportFormat::Xlsx => match report::to_xlsx(&report) {
            Ok(bytes) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                bytes,
            ),
            Err(err) => {
                tracing::error!(error = %err, "could not write a workbook");
                return request_failure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    reply,
                    "INTERNAL",
                    Text::key("internal"),
                );
            }
        },
    };
    let mut resp = (StatusCode::OK, body).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rdf {
    JsonLd,
    Turtle,
}

#[derive(Debug, serde::Deserialize)]
struct DcatParams {
    page: Option<u64>,
}

/// `/dcat/catalog`: for a browser, the catalogue's page; for RDF clients (by `Accept`), the
/// export in JSON-LD (the default) or Turtle.
async fn dcat_catalog(
    state: State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
    params: Result<Query<DcatParams>, QueryRejection>,
    format: Option<Rdf>,
) -> HttpResponse {
    let format = match (format, web::Representation::of(&headers)) {
        (Some(f), _) => f,
        (None, web::Representation::Turtle) => Rdf::Turtle,
        (None, web::Representation::JsonLd) => Rdf::JsonLd,
        (None, web::Representation::Html) => {
            let browser = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/html"));
            if browser {
                return web::catalogue_page(&state, &caller, &client, &headers).await;
            }
            Rdf::JsonLd
        }
    };
    dcat_export(state, headers, params, format).await
}

/// The public catalogue in DCAT-AP 3: JSON-LD or Turtle, paged with `?page=` (Hydra links say
/// where the others are). Public: it holds only what anyone may read, so it needs no token.
async fn dcat_export(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<DcatParams>, QueryRejection>,
    format: Rdf,
) -> HttpResponse {
    let Ok(Query(params)) = params else {
        let message = Text::key("page-positive").render(lang_of(&state, &headers));
        return (StatusCode::BAD_REQUEST, message).into_response();
    };
    let base = web::base_url(&state, &headers);
    let about = crate::domain::dcat::About {
        base: &base,
        // Hydra's page links stay in the format asked for.
        pages: match format {
            Rdf::JsonLd => "/dcat/catalog.jsonld",
            Rdf::Turtle => "/dcat/catalog.ttl",
        },
        title: &state.limits.catalog_title,
        publisher: &state.limits.catalog_publisher,
    };
    match crate::domain::dcat::catalogue(&state.db, &about, params.page.unwrap_or(1)).await {
        Ok(graph) => {
            let representation = match format {
                Rdf::JsonLd => web::Representation::JsonLd,
                Rdf::Turtle => web::Representation::Turtle,
            };
            web::rdf(&state, &headers, &graph, representation)
        }
        Err(err) => domain_failure(err, Reply::json(&state, &headers), "DCAT export failed"),
    }
}

/// A domain error as the answer of a plain HTTP endpoint (downloads, exports): the status for
/// its code and the code in a JSON body; internal errors are logged as `what` and never shown.
fn domain_failure(err: crate::error::Error, reply: Reply, what: &str) -> HttpResponse {
    let status = match err.code() {
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => {
            tracing::error!(error = ?err, "{what}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    request_failure(status, reply, err.code(), err.text())
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

/// Finds the caller of a request from its bearer token and spends one request of its rate
/// budget; the GraphQL handlers then read the caller from the request's extensions.
/// A malformed, unknown or revoked token is refused (401), never taken for the public.
async fn authenticate(
    State(state): State<AppState>,
    mut request: axum::extract::Request,
    next: Next,
) -> HttpResponse {
    let reply = Reply {
        media: negotiate(request.headers()).unwrap_or(MediaType::Json),
        lang: lang_of(&state, request.headers()),
    };
    let address = client_address(&request, state.limits.trust_forwarded_for);
    let header = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    let caller = match token::authenticate(&state.db, header).await {
        Ok(Ok(caller)) => caller.with_public_shares(state.limits.public_shares),
        Ok(Err(refused)) => {
            // Failed attempts spend the address's budget, which bounds token guessing.
            let key = Key::of(&Caller::anonymous(), address);
            if let Err(wait) = state.rate_limits.check(&key) {
                return too_many_requests(reply, wait);
            }
            let mut resp = request_failure(
                StatusCode::UNAUTHORIZED,
                reply,
                "UNAUTHENTICATED",
                refused.text(),
            );
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return resp;
        }
        Err(err) => {
            tracing::error!(error = ?err, "could not check a token");
            return request_failure(
                StatusCode::SERVICE_UNAVAILABLE,
                reply,
                "UNAVAILABLE",
                Text::key("unavailable"),
            );
        }
    };
    let key = Key::of(&caller, address);
    if let Err(wait) = state.rate_limits.check(&key) {
        return too_many_requests(reply, wait);
    }
    request.extensions_mut().insert(caller);
    request.extensions_mut().insert(key);
    next.run(request).await
}

fn too_many_requests(reply: Reply, wait: std::time::Duration) -> HttpResponse {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut resp = request_failure(
        StatusCode::TOO_MANY_REQUESTS,
        reply,
        "LIMIT_EXCEEDED",
        Text::key("too-many-requests").arg("seconds", secs),
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    resp
}

/// The client's address: the peer's, or behind a trusted proxy the last address it appended
/// to `X-Forwarded-For`.
fn client_address(request: &axum::extract::Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(ip) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The media type a response is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// How an answer is written: its media type and its language.
#[derive(Clone, Copy)]
struct Reply {
    media: MediaType,
    lang: Lang,
}

impl Reply {
    /// JSON, for endpoints that answer nothing else (downloads, exports).
    fn json(state: &AppState, headers: &HeaderMap) -> Self {
        Self {
            media: MediaType::Json,
            lang: lang_of(state, headers),
        }
    }
}

/// The answer when `Accept` names no type GraphQL is written in.
fn not_acceptable(state: &AppState, headers: &HeaderMap) -> HttpResponse {
    let message = Text::key("not-acceptable").render(lang_of(state, headers));
    (StatusCode::NOT_ACCEPTABLE, message).into_response()
}

/// Picks the response type from `Accept`: the GraphQL response type when the client names
/// it, JSON for `application/json`, wildcards or no header (legacy clients), else none.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut json = false;
    for part in accept.split(',') {
        let mut params = part.split(';');
        let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = params.any(|p| {
            let p = p.trim().replace(' ', "");
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        });
        if refused {
            continue;
        }
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => return Some(MediaType::GraphqlResponse),
            JSON | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    json.then_some(MediaType::Json)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// An error answered before any GraphQL execution.
fn request_failure(status: StatusCode, reply: Reply, code: &str, message: Text) -> HttpResponse {
    let message = message.render(reply.lang);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, reply.media.header());
    resp
}

/// Subscriptions over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`). The
/// caller is the upgrade request's `Authorization` header, or, since browsers cannot set
/// headers on a WebSocket, an `Authorization` entry in the `connection_init` payload. Only
/// subscriptions run here. When the server stops, every socket is closed with 1001.
async fn graphql_ws(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> HttpResponse {
    let lang = lang_of(&state, &headers);
    // Browsers send no preflight for a WebSocket: the upgrade's Origin is checked against the
    // same list as CORS (clients that are not browsers send none).
    if let Some(origin) = headers.get(header::ORIGIN)
        && !cors::allows(&state.limits.cors_origins, origin)
    {
        return request_failure(
            StatusCode::FORBIDDEN,
            Reply::json(&state, &headers),
            "FORBIDDEN",
            Text::key("ws-origin-refused"),
        );
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    let Some(place) = SocketPlace::take(&state, &client) else {
        return request_failure(
            StatusCode::TOO_MANY_REQUESTS,
            Reply::json(&state, &headers),
            "LIMIT_EXCEEDED",
            Text::key("sockets-max").arg("max", state.limits.max_sockets_per_client),
        );
    };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _place = place;
            let (mut sink, input) = socket.split();
            // The token the socket reads as: from the upgrade, or from `connection_init`.
            let token_id = Arc::new(std::sync::Mutex::new(
                caller.member.as_ref().and_then(|m| m.token_id),
            ));
            let revoked = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let watch = watch_revocation(state.db.clone(), token_id.clone(), revoked.clone());
            // Subscribe messages past the budget end the socket before async-graphql sees
            // them: it would hold a pending stream for each until the cap refused it.
            let flooded = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let mut budget = SubscribeBudget::new(state.limits.max_subscriptions_per_socket);
            let flood = flooded.clone();
            let input = input
                .take_while(move |message| {
                    let within = match message {
                        Ok(Message::Text(text)) => budget.admit(text.as_str()),
                        _ => true,
                    };
                    if !within {
                        flood.store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                    std::future::ready(within)
                })
                .take_until(futures_util::future::select(
                    Box::pin(state.feed.closed()),
                    Box::pin(watch),
                ));
            let db = state.db.clone();
            let public_shares = state.limits.public_shares;
            let init_token = token_id.clone();
            let max_subscriptions = state.limits.max_subscriptions_per_socket;
            let init = move |payload: serde_json::Value| async move {
                let caller = match payload
                    .get("Authorization")
                    .or_else(|| payload.get("authorization"))
                    .and_then(|v| v.as_str())
                {
                    Some(header) => match token::authenticate(&db, Some(header.as_bytes())).await {
                        Ok(Ok(caller)) => caller.with_public_shares(public_shares),
                        Ok(Err(refused)) => {
                            return Err(async_graphql::Error::new(refused.text().render(lang)));
                        }
                        Err(err) => {
                            tracing::error!(error = ?err, "could not check a token");
                            return Err(async_graphql::Error::new(
                                Text::key("unavailable").render(lang),
                            ));
                        }
                    },
                    None => caller,
                };
                *init_token.lock().unwrap_or_else(|e| e.into_inner()) =
                    caller.member.as_ref().and_then(|m| m.token_id);
                let mut data = graphql::request_data(&db, &caller, &client);
                data.insert(lang);
                data.insert(graphql::catalog_event::SocketSubscriptions::new(
                    max_subscriptions,
                ));
                Ok(data)
            };
            async_graphql_axum::GraphQLWebSocket::new_with_pair(
                &mut sink,
                input,
                state.engine.clone(),
                protocol,
            )
            .on_connection_init(init)
            .serve()
            .await;
            if flooded.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: 4429,
                        reason:
                            "Too many subscribe messages (SHAREGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET)"
                                .into(),
                    })))
                    .await;
            } else if revoked.load(std::sync::atomic::Ordering::SeqCst) {
                // graphql-transport-ws's code for an unauthorized socket.
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: 4401,
                        reason: "Unauthorized: unknown token".into(),
                    })))
                    .await;
            } else if state.feed.is_closed() {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: 1001,
                        reason: "server shutting down".into(),
                    })))
                    .await;
            }
        })
}

/// How many subscribe messages one socket may send: twice its subscription cap per minute, at
/// least 100.
/// Subscriptions past the cap are refused one by one (`LIMIT_EXCEEDED`), but a client that
/// keeps sending them is flooding, and its socket is closed (4429).
struct SubscribeBudget {
    per_minute: usize,
    window: std::time::Instant,
    sent: usize,
}

impl SubscribeBudget {
    fn new(max_subscriptions: usize) -> Self {
        Self {
            per_minute: max_subscriptions.saturating_mul(2).max(100),
            window: std::time::Instant::now(),
            sent: 0,
        }
    }

    /// Whether this message is within the budget (only subscribe messages spend it).
    fn admit(&mut self, text: &str) -> bool {
        #[derive(serde::Deserialize)]
        struct Kind<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
        }
        // `start` is the older graphql-ws protocol's subscribe.
        let subscribes = serde_json::from_str::<Kind>(text)
            .is_ok_and(|m| m.kind == "subscribe" || m.kind == "start");
        if !subscribes {
            return true;
        }
        if self.window.elapsed() >= std::time::Duration::from_secs(60) {
            self.window = std::time::Instant::now();
            self.sent = 0;
        }
        self.sent += 1;
        self.sent <= self.per_minute
    }
}

/// A client's place among its open sockets, given back when the socket ends.
struct SocketPlace {
    sockets: Arc<std::sync::Mutex<std::collections::HashMap<Key, usize>>>,
    client: Key,
}

impl SocketPlace {
    fn take(state: &AppState, client: &Key) -> Option<Self> {
        let mut open = state.sockets.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(client.clone()).or_insert(0);
        if *n >= state.limits.max_sockets_per_client {
            return None;
        }
        *n += 1;
        Some(Self {
            sockets: state.sockets.clone(),
            client: client.clone(),
        })
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        let mut open = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// How often an open socket's token is checked: revocation reaches open sockets within this.
const REVOCATION_CHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Resolves once the socket's token (if it has one) is revoked, setting `revoked`; never for a
/// socket read as the public. One indexed lookup per authenticated socket per check.
async fn watch_revocation(
    db: DatabaseConnection,
    token_id: Arc<std::sync::Mutex<Option<i64>>>,
    revoked: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut tick = tokio::time::interval(REVOCATION_CHECK);
    loop {
        tick.tick().await;
        let Some(id) = *token_id.lock().unwrap_or_else(|e| e.into_inner()) else {
            continue;
        };
        match token::is_revoked(&db, id).await {
            Ok(true) => {
                revoked.store(true, std::sync::atomic::Ordering::SeqCst);
                return;
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(error = ?err, "could not check a socket's token"),
        }
    }
}

async fn graphql_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> HttpResponse {
    let query = query.unwrap_or_default();
    let has_query = query.split('&').any(|p| p.starts_with("query="));
    if !has_query && wants_html(&headers) {
        return crate::playground::page(state.limits.introspection);
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&state, &headers);
    };
    let reply = Reply {
        media,
        lang: lang_of(&state, &headers),
    };
    let mut request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(err) => {
            return request_failure(
                StatusCode::BAD_REQUEST,
                reply,
                "BAD_REQUEST",
                Text::key("request-invalid").arg("detail", err),
            );
        }
    };
    if let Err(refused) = state.persisted.resolve(&mut request) {
        return persisted_failure(reply, &refused);
    }
    // Mutations change state and must not ride on a method that caches and prefetches.
    if is_mutation(&mut request, state.limits.max_query_bytes) {
        let mut resp = request_failure(
            StatusCode::METHOD_NOT_ALLOWED,
            reply,
            "METHOD_NOT_ALLOWED",
            Text::key("mutation-needs-post"),
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    let answer = execute(
        &state,
        &caller,
        &client,
        reply,
        BatchRequest::Single(request),
    )
    .await;
    // A query read over GET is cacheable: by anyone when read without a token, by the caller
    // alone otherwise; an answer with errors is not kept.
    let policy = if answer.clean {
        cache::Policy::for_caller(caller.member.is_some(), state.limits.cache_max_age_secs)
    } else {
        cache::Policy::NoStore
    };
    let (resp, body) = answer.into_parts();
    cache::respond(&headers, resp, body, policy)
}

/// A persisted query that could not be used: a request error (400 under the GraphQL response
/// type, 200 with plain JSON, as clients of either expect).
fn persisted_failure(reply: Reply, refused: &persisted::Refused) -> HttpResponse {
    let status = match reply.media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    request_failure(status, reply, refused.code(), refused.text())
}

async fn graphql_post(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> HttpResponse {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&state, &headers);
    };
    let reply = Reply {
        media,
        lang: lang_of(&state, &headers),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match content_type.as_deref() {
        Some(JSON) => {}
        None => {
            return request_failure(
                StatusCode::BAD_REQUEST,
                reply,
                "BAD_REQUEST",
                Text::key("content-type-missing"),
            );
        }
        Some(_) => {
            return request_failure(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                reply,
                "UNSUPPORTED_MEDIA_TYPE",
                Text::key("content-type-json"),
            );
        }
    }
    // Callers without a token send small requests; a large body is parsed into large GraphQL
    // values before any limit of the query can refuse it, so theirs is bounded far lower.
    let limit = if caller.member.is_some() {
        state.limits.max_body_bytes
    } else {
        state
            .limits
            .anonymous_max_body_bytes
            .min(state.limits.max_body_bytes)
    };
    let too_large = || {
        let text = if caller.member.is_some() {
            Text::key("body-too-large")
        } else {
            Text::key("body-too-large-anonymous")
        };
        request_failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            reply,
            "LIMIT_EXCEEDED",
            text.arg("max", limit),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    // A body that cannot be read within the limit is one past it (or a client gone, which
    // reads no answer).
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return too_large();
    };
    // A batch of usage records from a token whose budget is spent would be parsed (thousands
    // of events) only to be refused: it is refused first.
    if let Some(wait) = state.rate_limits.usage_spent(&client)
        && memchr::memmem::find(&body, b"recordAccessEvents").is_some()
    {
        return too_many_requests(reply, wait);
    }
    let mut batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(err) => {
            return request_failure(
                StatusCode::BAD_REQUEST,
                reply,
                "BAD_REQUEST",
                Text::key("request-body-invalid").arg("detail", err),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch {
        let max = state.limits.max_batch;
        if requests.len() > max {
            return request_failure(
                StatusCode::BAD_REQUEST,
                reply,
                "LIMIT_EXCEEDED",
                Text::key("batch-max")
                    .arg("max", max)
                    .arg("count", requests.len()),
            );
        }
    }
    let resolved = match &mut batch {
        BatchRequest::Single(r) => state.persisted.resolve(r),
        BatchRequest::Batch(rs) => rs.iter_mut().try_for_each(|r| state.persisted.resolve(r)),
    };
    if let Err(refused) = resolved {
        return persisted_failure(reply, &refused);
    }
    execute(&state, &caller, &client, reply, batch)
        .await
        .into_response()
}

/// Parses the query into the request (the engine runs that parse, not another); text over
/// the length limit is left for the engine to refuse unparsed.
fn is_mutation(request: &mut Request, max_bytes: usize) -> bool {
    if request.query.len() > max_bytes {
        return false;
    }
    let name = request.operation_name.clone();
    let name = name.as_deref();
    let Ok(doc) = request.parsed_query() else {
        return false;
    };
    doc.operations.iter().any(|(op_name, op)| {
        op.node.ty == OperationType::Mutation
            && (name.is_none() || op_name.map(|n| n.as_str()) == name)
    })
}

/// An executed request's answer, before it becomes an HTTP response.
struct Answer {
    status: StatusCode,
    media: MediaType,
    body: String,
    /// Answered without errors (a candidate for caching).
    clean: bool,
}

impl Answer {
    fn into_parts(self) -> (HttpResponse, Vec<u8>) {
        let mut resp = self.status.into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, self.media.header());
        (resp, self.body.into_bytes())
    }

    fn into_response(self) -> HttpResponse {
        let (mut resp, body) = self.into_parts();
        *resp.body_mut() = body.into();
        resp
    }
}

/// The language the client reads: its `Accept-Language`, else `SHAREGRAPH_LANG`.
fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(accept, state.limits.lang)
}

/// Runs a request (or a batch) written for `media`, its messages in `lang`.
async fn execute(
    state: &AppState,
    caller: &Caller,
    client: &Key,
    Reply { media, lang }: Reply,
    batch: BatchRequest,
) -> Answer {
    // Answered operations are counted inside the engine; one cut off by the timeout is
    // counted here, under the name it was sent with.
    let names: Vec<Option<String>> = match &batch {
        BatchRequest::Single(r) => vec![r.operation_name.clone()],
        BatchRequest::Batch(rs) => rs.iter().map(|r| r.operation_name.clone()).collect(),
    };
    let started = std::time::Instant::now();
    let walks = graphql::lineage::WalkBudget::new(state.limits.walk_budget);
    let prepare = |r| {
        let mut r = graphql::prepare(r, &state.db, caller, client, &walks);
        r.data.insert(lang);
        r
    };
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(prepare(r)),
        BatchRequest::Batch(rs) => BatchRequest::Batch(rs.into_iter().map(prepare).collect()),
    };
    let timeout = state.limits.request_timeout();
    let response = match tokio::time::timeout(timeout, state.engine.execute_batch(batch)).await {
        Ok(r) => r,
        Err(_) => {
            for name in &names {
                state.metrics.request(
                    name.as_deref(),
                    started.elapsed(),
                    &["TIMEOUT".into()],
                    true,
                );
            }
            let body = json!({ "errors": [{
                "message": Text::key("timeout").arg("seconds", timeout.as_secs()).render(lang),
                "extensions": { "code": "TIMEOUT" },
            }] });
            return Answer {
                status: StatusCode::SERVICE_UNAVAILABLE,
                media,
                body: body.to_string(),
                clean: false,
            };
        }
    };
    let clean = match &response {
        BatchResponse::Single(r) => r.errors.is_empty(),
        BatchResponse::Batch(rs) => rs.iter().all(|r| r.errors.is_empty()),
    };
    let (status, text) = match &response {
        BatchResponse::Single(r) => (status_of(media, r), serde_json::to_string(&body(r))),
        BatchResponse::Batch(rs) => (
            StatusCode::OK,
            serde_json::to_string(&rs.iter().map(body).collect::<Vec<_>>()),
        ),
    };
    let (body, clean) = match text {
        Ok(text) => (text, clean),
        Err(err) => {
            tracing::error!(error = %err, "could not serialize a response");
            let message = Text::key("internal").render(lang);
            let body =
                json!({ "errors": [{ "message": message, "extensions": { "code": "INTERNAL" } }] });
            (body.to_string(), false)
        }
    };
    Answer {
        status,
        media,
        body,
        clean,
    }
}

fn request_failed(r: &Response) -> bool {
    !r.errors.is_empty()
        && r.data == async_graphql::Value::Null
        && r.errors.iter().all(is_request_error)
}

/// With the GraphQL response type, a request that could not be executed (parse, validation,
/// limits) is a 400; with plain JSON, legacy clients expect 200 and read `errors`.
fn status_of(media: MediaType, r: &Response) -> StatusCode {
    if media == MediaType::GraphqlResponse && request_failed(r) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// The response body. A request that failed before execution has no `data` entry at all
/// (the spec's distinction between "not executed" and "executed to null"). Serialized
/// straight from async-graphql's values so that field order is kept.
#[derive(serde::Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

fn body(r: &Response) -> Body<'_> {
    Body {
        data: (!request_failed(r)).then_some(&r.data),
        errors: &r.errors,
        extensions: &r.extensions,
    }
}
