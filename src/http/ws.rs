//! GraphQL subscriptions over WebSocket, with the budgets that keep a socket from holding
//! more than its share.

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures_util::{SinkExt, StreamExt};

use crate::access::rate_limit::Key;
use crate::access::{Caller, token};
use crate::graphql::{self};
use crate::i18n::Text;

use super::reply::{Reply, lang_of, request_failure};
use super::{AppState, cors};
use sea_orm::DatabaseConnection;

/// Subscriptions over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`). The
/// caller is the upgrade request's `Authorization` header, or, since browsers cannot set
/// headers on a WebSocket, an `Authorization` entry in the `connection_init` payload. Only
/// subscriptions run here. When the server stops, every socket is closed with 1001.
pub(super) async fn graphql_ws(
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
                data.insert(graphql::catalogue_event::SocketSubscriptions::new(
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
pub(super) struct SubscribeBudget {
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
pub(super) struct SocketPlace {
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
pub(super) const REVOCATION_CHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Resolves once the socket's token (if it has one) is revoked, setting `revoked`; never for a
/// socket read as the public. One indexed lookup per authenticated socket per check.
pub(super) async fn watch_revocation(
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
