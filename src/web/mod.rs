//! sharegraph for browsers: the landing page `/`, the sharing-graph explorer `/explore`, and a
//! page behind every IRI of the DCAT export (`/organizations/{id}`, `/open-datasets/{id}`,
//! `/data-services/{id}`, `/databases/{id}`, `/dcat/catalog`), which answers HTML to browsers
//! and the record's DCAT description to `Accept: application/ld+json` or `text/turtle`.
//!
//! Pages read through the GraphQL engine as the caller (the public, for a browser following
//! a link), so that they show exactly what the API would: a row the caller may not see is a
//! 404, by the same rules. Their scripts are files of `ui/`, served by [`assets`].

pub mod assets;
pub mod docs;
mod explore;
pub mod graphiql;
pub mod html;
mod pages;

use async_graphql::{Executor, Request, Variables};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::access::Caller;
use crate::access::rate_limit::Key;
use crate::domain::dcat::Graph;
use crate::http::{AppState, cache};

pub use explore::explore;
pub use pages::{RECORD_PAGES, catalogue_page, distribution, landing, record};

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// Logged where it happened; the page says only that something failed.
    #[error("internal error")]
    Internal,
}

/// What the client asked for, by `Accept`: a browser's HTML unless it names an RDF type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    Html,
    JsonLd,
    Turtle,
}

impl Representation {
    pub fn of(headers: &HeaderMap) -> Self {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.contains("application/ld+json") {
            Self::JsonLd
        } else if accept.contains("text/turtle") {
            Self::Turtle
        } else {
            Self::Html
        }
    }
}

/// The caller and client key the authentication layer attached to the request.
pub struct Reader<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    pub client: &'a Key,
}

impl Reader<'_> {
    /// Runs `query` with `variables` as the caller and gives its data; a GraphQL error is
    /// logged and becomes [`Error::Internal`] (pages send only queries they know to be valid).
    /// `$first`, the length of a page's lists, is the server's page size limit up to 100.
    pub async fn query(
        &self,
        query: &str,
        mut variables: serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        variables["first"] = self.state.limits.max_page_size.min(100).into();
        let walks = crate::graphql::lineage::WalkBudget::new(self.state.limits.walk_budget);
        let request = Request::new(query).variables(Variables::from_json(variables));
        let request =
            crate::graphql::prepare(request, &self.state.db, self.caller, self.client, &walks);
        let response = self.state.engine.execute(request).await;
        if !response.errors.is_empty() {
            tracing::error!(errors = ?response.errors, "a page's query failed");
            return Err(Error::Internal);
        }
        response.data.into_json().map_err(|err| {
            tracing::error!(error = %err, "a page's answer did not convert");
            Error::Internal
        })
    }
}

/// The absolute base of the IRIs: `SHAREGRAPH_PUBLIC_URL`, or the request's host over http.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    state.limits.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
            })
            .unwrap_or("localhost");
        format!("http://{host}")
    })
}

/// A page of the site with `body` as its main content: never framed, sent with its validator
/// and kept by caches as `policy` allows.
pub(crate) fn page(
    state: &AppState,
    headers: &HeaderMap,
    policy: cache::Policy,
    title: &str,
    body: String,
    scripts: &[&str],
) -> Response {
    let document = html::Page::new(
        &state.limits.catalog_title,
        title,
        format!("<main>\n{body}\n</main>"),
    )
    .scripts(scripts)
    .render();
    let mut resp = html::respond(
        StatusCode::OK,
        String::new(),
        &html::policy(html::Framing::Never),
        html::Framing::Never,
    );
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    cache::respond(headers, resp, document.into_bytes(), policy)
}

/// A DCAT description in the representation asked for (JSON-LD unless Turtle). It holds only
/// the public catalogue, so caches may keep it whoever asked.
pub(crate) fn rdf(
    state: &AppState,
    headers: &HeaderMap,
    graph: &Graph,
    representation: Representation,
) -> Response {
    let (content_type, body) = match representation {
        Representation::Turtle => ("text/turtle; charset=utf-8", graph.turtle()),
        _ => ("application/ld+json", graph.json_ld().to_string()),
    };
    let resp = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::VARY, "Accept"),
        ],
        (),
    )
        .into_response();
    let policy = cache::Policy::Public {
        max_age: state.limits.cache_max_age_secs,
    };
    cache::respond(headers, resp, body.into_bytes(), policy)
}

/// A failed page as an HTML page (browsers) or plain text (RDF clients).
fn failure(state: &AppState, error: &Error, representation: Representation) -> Response {
    let (status, title, text) = match error {
        Error::NotFound => (
            StatusCode::NOT_FOUND,
            "Không tìm thấy",
            "Không có bản ghi này, hoặc bản ghi chưa được công bố. (Not found.)",
        ),
        Error::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Lỗi",
            "Đã có lỗi; xin thử lại sau. (Something failed; try again later.)",
        ),
    };
    if representation != Representation::Html {
        return (status, text).into_response();
    }
    let body = format!(
        "<main><h1>{}</h1><p>{}</p></main>",
        html::esc(title),
        html::esc(text)
    );
    let document = html::Page::new(&state.limits.catalog_title, title, body).render();
    html::respond(
        status,
        document,
        &html::policy(html::Framing::Never),
        html::Framing::Never,
    )
}
