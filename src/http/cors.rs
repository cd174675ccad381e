//! Cross-origin requests from browsers: a portal widget or dashboard on another site calls
//! the API directly. Tokens travel in the `Authorization` header and never in cookies, so a
//! page can only act with a token its own code holds: allowing any origin exposes nothing a
//! plain HTTP client could not read. `SHAREGRAPH_CORS_ORIGINS` narrows the list anyway.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The configured origins: `None` for any.
fn origins(setting: &str) -> Option<Vec<String>> {
    let list: Vec<String> = setting
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_owned())
        .filter(|o| !o.is_empty())
        .collect();
    if list.is_empty() || list.iter().any(|o| o == "*") {
        None
    } else {
        Some(list)
    }
}

/// Whether a request from `origin` is allowed by the setting.
pub fn allows(setting: &str, origin: &HeaderValue) -> bool {
    match origins(setting) {
        None => true,
        Some(list) => origin
            .to_str()
            .is_ok_and(|o| list.iter().any(|allowed| allowed == o)),
    }
}

/// The CORS layer for the setting: GET and POST with the headers GraphQL clients send,
/// preflights cached for ten minutes, no credentials (cookies are never used).
pub fn layer(setting: &str) -> CorsLayer {
    let allow_origin = match origins(setting) {
        None => AllowOrigin::any(),
        Some(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect::<Vec<_>>(),
        ),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_narrows_and_a_star_allows_all() {
        let portal = HeaderValue::from_static("https://portal.example.vn");
        assert!(allows("*", &portal));
        assert!(allows("", &portal));
        assert!(allows("https://a.vn, https://portal.example.vn/", &portal));
        assert!(!allows("https://a.vn", &portal));
    }
}
