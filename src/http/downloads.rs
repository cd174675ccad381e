//! Files and documents beside the API: the implementation report as CSV or XLSX, and the
//! public catalogue in DCAT-AP (JSON-LD, Turtle).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};

use crate::access::Caller;
use crate::access::rate_limit::Key;
use crate::graphql::{self};
use crate::i18n::Text;
use crate::web;

use super::AppState;
use super::reply::{Reply, domain_failure, lang_of, request_failure};

#[derive(Debug, Clone, Copy)]
pub(super) enum ReportFormat {
    Csv,
    Xlsx,
}

/// What a report download names: the organization's global id and the period.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReportParams {
    organization_id: String,
    year: i32,
    quarter: Option<u32>,
    half: Option<u32>,
    #[serde(default)]
    include_descendants: bool,
}

/// The implementation report as a file, under the same access rules as the GraphQL field.
pub(super) async fn implementation_report(
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rdf {
    JsonLd,
    Turtle,
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct DcatParams {
    page: Option<u64>,
}

/// `/dcat/catalog`: for a browser, the catalogue's page; for RDF clients (by `Accept`), the
/// export in JSON-LD (the default) or Turtle.
pub(super) async fn dcat_catalog(
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
pub(super) async fn dcat_export(
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
