//! `/docs`: the documentation in `docs/`, built into the binary and shown as pages, so that a
//! server on a closed network still carries its manual (and the landing page can link to it).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html::esc;
use crate::http::AppState;
use crate::http::cache;

macro_rules! doc {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/", $name)),
        )
    };
}

/// Every file of `docs/`, in the order the index lists them (a test checks none is missing).
pub const DOCS: [(&str, &str); 13] = [
    doc!("api.md"),
    doc!("spreadsheets.md"),
    doc!("examples.md"),
    doc!("explorer.md"),
    doc!("dashboards.md"),
    doc!("clients.md"),
    doc!("demo.md"),
    doc!("security.md"),
    doc!("operations.md"),
    doc!("performance.md"),
    doc!("design.md"),
    doc!("layout.md"),
    doc!("testing.md"),
];

/// The images the documents show.
pub const IMAGES: [(&str, &[u8]); 2] = [
    (
        "explorer.png",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/img/explorer.png"
        )),
    ),
    (
        "dataset.png",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/img/dataset.png")),
    ),
];

/// A document's title: its first heading.
fn title(text: &str) -> &str {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("sharegraph")
}

fn page(state: &AppState, headers: &HeaderMap, title: &str, body: String) -> Response {
    let policy = cache::Policy::Public {
        max_age: state.limits.cache_max_age_secs,
    };
    super::page(state, headers, policy, title, body, &[])
}

/// `GET /docs`: the list of documents.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut body = String::from("<h1>Tài liệu (documentation)</h1><ul>");
    for (name, text) in DOCS {
        body += &format!(
            r#"<li><a href="/docs/{name}">{}</a></li>"#,
            esc(title(text))
        );
    }
    body += r#"</ul><p>The schema itself is documented in <a href="/graphql">GraphiQL</a>'s documentation explorer.</p>"#;
    page(&state, &headers, "Tài liệu", body)
}

/// `GET /docs/{name}`: one document as HTML, or one of its images.
pub async fn show(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(image) = name.strip_prefix("img/") {
        return match IMAGES.iter().find(|(n, _)| *n == image) {
            Some((_, bytes)) => {
                let tag = format!("docs-{}/{image}", env!("SHAREGRAPH_UI_TAG"));
                let mut resp = cache::asset(&headers, &tag, "image/png", bytes);
                // Not versioned by its path: revalidated rather than kept for good.
                resp.headers_mut()
                    .insert(header::CACHE_CONTROL, "no-cache".parse().expect("a header"));
                resp
            }
            None => (StatusCode::NOT_FOUND, "no such image").into_response(),
        };
    }
    let Some((_, text)) = DOCS.iter().find(|(n, _)| *n == name) else {
        return (StatusCode::NOT_FOUND, "no such document").into_response();
    };
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
    let parser = pulldown_cmark::Parser::new_ext(text, options);
    let mut body =
        String::from(r#"<p class="kind"><a href="/docs">Tài liệu</a></p><article class="doc">"#);
    pulldown_cmark::html::push_html(&mut body, parser);
    body += "</article>";
    page(&state, &headers, title(text), body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_document_is_served() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        files.sort();
        let mut served: Vec<String> = super::DOCS.iter().map(|(n, _)| n.to_string()).collect();
        served.sort();
        assert_eq!(files, served);
    }
}
