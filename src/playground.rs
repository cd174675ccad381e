//! The GraphiQL playground at `GET /graphql`, served with its scripts and styles from
//! sharegraph itself (bundled at build time by `build.rs` from the npm registry), so that it
//! works on government networks without internet access. Subscriptions go to `/graphql/ws`;
//! the Headers tab sets `Authorization` for both.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// Where the assets are served; the version in the path lets browsers cache them for good.
pub const ASSETS: &str = "/graphql/assets/graphiql-3.8.3";

/// What the query editor shows first.
const DEFAULT_QUERY: &str = r#"# sharegraph: who shares what data with whom (Nghị định 47/2020/NĐ-CP).
#
# Reading what the public sees needs no token. To write, or to read as your organization,
# open "Headers" below and enter:  {"Authorization": "Bearer sg_..."}
# (create a token with: sharegraph token create --role steward --org CODE --name "me").
# Subscriptions run over /graphql/ws with the same header:
#   subscription { catalogEvents { seq action entityType entityId } }

{
  organizations(first: 10) {
    totalCount
    nodes { code name level }
  }
}
"#;

#[cfg(graphiql_bundled)]
mod bundled {
    macro_rules! asset {
        ($name:literal) => {
            include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/", $name)).as_slice()
        };
    }

    /// Name, content type, bytes.
    pub const FILES: [(&str, &str, &[u8]); 5] = [
        (
            "graphiql.min.js",
            "text/javascript; charset=utf-8",
            asset!("graphiql.min.js"),
        ),
        (
            "graphiql.min.css",
            "text/css; charset=utf-8",
            asset!("graphiql.min.css"),
        ),
        (
            "react.production.min.js",
            "text/javascript; charset=utf-8",
            asset!("react.production.min.js"),
        ),
        (
            "react-dom.production.min.js",
            "text/javascript; charset=utf-8",
            asset!("react-dom.production.min.js"),
        ),
        (
            "LICENSE",
            "text/plain; charset=utf-8",
            asset!("graphiql.LICENSE"),
        ),
    ];
}

/// Whether the build bundled the assets (else the page loads them from a CDN).
pub fn is_bundled() -> bool {
    cfg!(graphiql_bundled)
}

/// The playground page.
pub fn page() -> Html<String> {
    if !is_bundled() {
        return Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql/ws")
                .title("sharegraph GraphiQL")
                .finish(),
        );
    }
    let query = serde_json::to_string(DEFAULT_QUERY).expect("a string serializes");
    Html(format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sharegraph GraphiQL</title>
<link rel="stylesheet" href="{ASSETS}/graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{ASSETS}/react.production.min.js"></script>
<script src="{ASSETS}/react-dom.production.min.js"></script>
<script src="{ASSETS}/graphiql.min.js"></script>
<script>
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  // The Headers tab's values go with every HTTP request and as the WebSocket's
  // connection_init payload, which is where the server reads a browser's token.
  const fetcher = GraphiQL.createFetcher({{
    url: "/graphql",
    subscriptionUrl: scheme + location.host + "/graphql/ws",
  }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{
      fetcher,
      defaultQuery: {query},
      headerEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers",
    }}),
  );
</script>
</body>
</html>
"#
    ))
}

/// One bundled asset, cached by browsers for a year (its path changes with its version) and
/// validated by an ETag naming that version.
pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    #[cfg(graphiql_bundled)]
    if let Some((_, content_type, bytes)) = bundled::FILES.iter().find(|(n, _, _)| *n == name) {
        let tag = format!("{}/{name}", ASSETS.trim_start_matches("/graphql/assets/"));
        return crate::http::cache::asset(&headers, &tag, content_type, bytes);
    }
    let _ = (name, headers);
    (StatusCode::NOT_FOUND, "no such asset").into_response()
}
