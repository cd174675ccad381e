//! How an answer is written: its media type (negotiated from `Accept`), its language
//! (`Accept-Language`), and the JSON error body of a request refused before GraphQL runs.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde_json::json;

use crate::i18n::{Lang, Text};

use super::AppState;

pub(super) const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";
/// A domain error as the answer of a plain HTTP endpoint (downloads, exports): the status for
/// its code and the code in a JSON body; internal errors are logged as `what` and never shown.
pub(super) fn domain_failure(err: crate::error::Error, reply: Reply, what: &str) -> HttpResponse {
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

/// The media type a response is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    pub(super) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// How an answer is written: its media type and its language.
#[derive(Clone, Copy)]
pub(super) struct Reply {
    pub(super) media: MediaType,
    pub(super) lang: Lang,
}

impl Reply {
    /// As `Accept` and `Accept-Language` ask, JSON when `Accept` names nothing GraphQL is
    /// written in.
    pub(super) fn of(state: &AppState, headers: &HeaderMap) -> Self {
        Self {
            media: negotiate(headers).unwrap_or(MediaType::Json),
            lang: lang_of(state, headers),
        }
    }

    /// JSON, for endpoints that answer nothing else (downloads, exports).
    pub(super) fn json(state: &AppState, headers: &HeaderMap) -> Self {
        Self {
            media: MediaType::Json,
            lang: lang_of(state, headers),
        }
    }
}

/// The answer when `Accept` names no type GraphQL is written in.
pub(super) fn not_acceptable(state: &AppState, headers: &HeaderMap) -> HttpResponse {
    let message = Text::key("not-acceptable").render(lang_of(state, headers));
    (StatusCode::NOT_ACCEPTABLE, message).into_response()
}

/// Picks the response type from `Accept`: the GraphQL response type when the client names
/// it, JSON for `application/json`, wildcards or no header (legacy clients), else none.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
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

pub(super) fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// An error answered before any GraphQL execution.
pub(super) fn request_failure(
    status: StatusCode,
    reply: Reply,
    code: &str,
    message: Text,
) -> HttpResponse {
    let message = message.render(reply.lang);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, reply.media.header());
    resp
}

/// The language the client reads: its `Accept-Language`, else `SHAREGRAPH_LANG`.
pub(super) fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(accept, state.limits.lang)
}
