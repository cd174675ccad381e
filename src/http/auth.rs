//! Who is calling: the bearer token read into a [`Caller`], and the rate budget each caller
//! (or address) spends.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response as HttpResponse;

use crate::access::rate_limit::Key;
use crate::access::{Caller, token};
use crate::i18n::Text;

use super::AppState;
use super::reply::{Reply, request_failure};

/// Finds the caller of a request from its bearer token and spends one request of its rate
/// budget; the GraphQL handlers then read the caller from the request's extensions.
/// A malformed, unknown or revoked token is refused (401), never taken for the public.
pub(super) async fn authenticate(
    State(state): State<AppState>,
    mut request: axum::extract::Request,
    next: Next,
) -> HttpResponse {
    // Negotiated only for a refusal: an admitted request's handler answers in its own way.
    let headers = request.headers();
    let reply = || Reply::of(&state, headers);
    let address = client_address(&request, state.limits.trust_forwarded_for);
    let header = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    let caller = match token::authenticate(&state.db, header).await {
        Ok(Ok(caller)) => caller.with_public_shares(state.limits.public_shares),
        Ok(Err(refused)) => {
            // Failed attempts spend the address's budget, which bounds token guessing.
            let key = Key::of(&Caller::anonymous(), address);
            if let Err(wait) = state.rate_limits.check(&key) {
                return too_many_requests(reply(), wait);
            }
            let mut resp = request_failure(
                StatusCode::UNAUTHORIZED,
                reply(),
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
                reply(),
                "UNAVAILABLE",
                Text::key("unavailable"),
            );
        }
    };
    let key = Key::of(&caller, address);
    if let Err(wait) = state.rate_limits.check(&key) {
        return too_many_requests(reply(), wait);
    }
    request.extensions_mut().insert(caller);
    request.extensions_mut().insert(key);
    next.run(request).await
}

pub(super) fn too_many_requests(reply: Reply, wait: std::time::Duration) -> HttpResponse {
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
pub(super) fn client_address(
    request: &axum::extract::Request,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
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
