//! GraphQL over HTTP, per the GraphQL-over-HTTP spec. Written here rather than taken from
//! async-graphql-axum because the stock handler answers every request 200 with one content
//! type; the spec wants `Accept` negotiation, 400 for requests that cannot be executed, 405 for
//! mutations over GET and 415 for bodies that are not JSON.

use async_graphql::parser::types::OperationType;
use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Executor, Name, Request, Response, ServerError};
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde_json::json;
use serde_json::value::RawValue;

use crate::access::Caller;
use crate::access::rate_limit::Key;
use crate::graphql::compiled::{Spliced, Splices};
use crate::graphql::engine::Engine;
use crate::graphql::{self, errors::is_request_error};
use crate::i18n::Text;

use super::auth::too_many_requests;
use super::reply::{
    JSON, MediaType, Reply, lang_of, negotiate, not_acceptable, request_failure, wants_html,
};
use super::{AppState, cache, persisted};

pub(super) async fn graphql_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> HttpResponse {
    let query = query.unwrap_or_default();
    let has_query = query.split('&').any(|p| p.starts_with("query="));
    if !has_query && wants_html(&headers) {
        return crate::web::graphiql::page(state.limits.introspection);
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
    if is_mutation(&state.engine, &request, state.limits.max_query_bytes) {
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
pub(super) fn persisted_failure(reply: Reply, refused: &persisted::Refused) -> HttpResponse {
    let status = match reply.media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    request_failure(status, reply, refused.code(), refused.text())
}

pub(super) async fn graphql_post(
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

/// Reads the query's document where the engine keeps it, for the engine to run; text over
/// the length limit is left for the engine to refuse unparsed.
pub(super) fn is_mutation(engine: &Engine, request: &Request, max_bytes: usize) -> bool {
    if request.query.len() > max_bytes {
        return false;
    }
    let name = request.operation_name.as_deref();
    let Ok(doc) = engine.document(&request.query) else {
        return false;
    };
    doc.operations.iter().any(|(op_name, op)| {
        op.node.ty == OperationType::Mutation
            && (name.is_none() || op_name.map(|n| n.as_str()) == name)
    })
}

/// An executed request's answer, before it becomes an HTTP response.
pub(super) struct Answer {
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

/// Runs a request (or a batch) written for `media`, its messages in `lang`.
pub(super) async fn execute(
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
    // A single request's compiled answers are kept as text and written into the response as
    // they are (a batch's are built as values).
    let splices = Arc::new(Splices::default());
    let batch = match batch {
        BatchRequest::Single(r) => {
            let mut r = prepare(r);
            r.data.insert(splices.clone());
            BatchRequest::Single(r)
        }
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
    let kept = splices.take();
    let (status, text) = match &response {
        BatchResponse::Single(r) => (status_of(media, r), serde_json::to_string(&body(r, &kept))),
        BatchResponse::Batch(rs) => (
            StatusCode::OK,
            serde_json::to_string(&rs.iter().map(|r| body(r, &[])).collect::<Vec<_>>()),
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

pub(super) fn request_failed(r: &Response) -> bool {
    !r.errors.is_empty()
        && r.data == async_graphql::Value::Null
        && r.errors.iter().all(is_request_error)
}

/// With the GraphQL response type, a request that could not be executed (parse, validation,
/// limits) is a 400; with plain JSON, legacy clients expect 200 and read `errors`.
pub(super) fn status_of(media: MediaType, r: &Response) -> StatusCode {
    if media == MediaType::GraphqlResponse && request_failed(r) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// The response body. A request that failed before execution has no `data` entry at all
/// (the spec's distinction between "not executed" and "executed to null"). Serialized
/// straight from async-graphql's values so that field order is kept, with the answers `kept`
/// as text in their fields' places.
#[derive(serde::Serialize)]
pub(super) struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Spliced<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

pub(super) fn body<'a>(r: &'a Response, kept: &'a [(Name, Box<RawValue>)]) -> Body<'a> {
    Body {
        data: (!request_failed(r)).then_some(Spliced {
            data: &r.data,
            kept,
        }),
        errors: &r.errors,
        extensions: &r.extensions,
    }
}
