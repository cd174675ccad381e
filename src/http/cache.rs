//! HTTP caching of read answers: an `ETag` from the body's hash, `304 Not Modified` for a
//! matching `If-None-Match`, and a `Cache-Control` that lets shared caches (a CDN in front of
//! a portal) keep public answers while anything read with a token stays private.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Who may keep an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Read without a token: shared caches may keep it this many seconds, then revalidate.
    Public { max_age: u64 },
    /// Read with a token: only the caller's browser may keep it, and must revalidate.
    Private,
    /// Not to be kept (error answers).
    NoStore,
}

impl Policy {
    /// The policy for an answer read by a caller with (`true`) or without a token.
    pub fn for_caller(authenticated: bool, max_age: u64) -> Self {
        if authenticated {
            Self::Private
        } else {
            Self::Public { max_age }
        }
    }

    fn header(self) -> HeaderValue {
        match self {
            Self::Public { max_age } => {
                HeaderValue::from_str(&format!("public, max-age={max_age}"))
                    .unwrap_or(HeaderValue::from_static("public"))
            }
            Self::Private => HeaderValue::from_static("private, no-cache"),
            Self::NoStore => HeaderValue::from_static("no-store"),
        }
    }
}

/// A strong validator: the first 128 bits of the body's SHA-256.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether `If-None-Match` names `tag` (or is `*`); weak tags compare by their value.
fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}

/// An answer with its validator and caching policy: 304 with no body when the client already
/// holds it. Headers the handler set (content type, `Vary`) are kept.
pub fn respond(
    request: &HeaderMap,
    mut response: Response,
    body: Vec<u8>,
    policy: Policy,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, policy.header());
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    // Error messages are written in the client's language.
    headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
    if policy == Policy::NoStore {
        *response.body_mut() = body.into();
        return response;
    }
    let tag = etag(&body);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    if response.status() == StatusCode::OK && matches(request, &tag) {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response.headers_mut().remove(header::CONTENT_TYPE);
        response.headers_mut().remove(header::CONTENT_LENGTH);
        return response;
    }
    *response.body_mut() = body.into();
    response
}

/// A fixed asset (its path names its version): cached for a year, validated by `tag`.
pub fn asset(
    request: &HeaderMap,
    tag: &str,
    content_type: &'static str,
    bytes: &'static [u8],
) -> Response {
    let tag = format!("\"{tag}\"");
    let mut response = if matches(request, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_values_and_takes_lists_and_stars() {
        let tag = etag(b"{}");
        let mut h = HeaderMap::new();
        assert!(!matches(&h, &tag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        );
        assert!(matches(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!matches(&h, &tag));
    }
}
