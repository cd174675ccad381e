//! The GraphiQL playground at `GET /graphql`, served with its scripts and styles from
//! sharegraph itself (bundled at build time by `build.rs` from the npm registry), so that it
//! works on government networks without internet access. Subscriptions go to `/graphql/ws`;
//! the Headers tab sets `Authorization` for both.

use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Where the assets are served; the version in the path lets browsers cache them for good.
pub use crate::web::assets::GRAPHIQL as ASSETS;

/// What the query editor shows first.
const DEFAULT_QUERY: &str = r#"# sharegraph: who shares what data with whom (Nghị định 47/2020/NĐ-CP).
#
# Reading what the public sees needs no token. To write, or to read as your organization,
# open "Headers" below and enter:  {"Authorization": "Bearer sg_..."}
# (create a token with: sharegraph token create --role steward --org CODE --name "me").
# Subscriptions run over /graphql/ws with the same header:
#   subscription { catalogueEvents { seq action entityType entityId } }

{
  organizations(first: 10) {
    totalCount
    nodes { code name level }
  }
}
"#;

/// Whether the build bundled GraphiQL (else the page loads it from a CDN).
pub fn is_bundled() -> bool {
    crate::web::assets::is_bundled()
}

/// The playground page, with headers that keep it from being framed or sniffed and, when its
/// assets are bundled, a content security policy that allows only this server's scripts and
/// the page's own inline script (by its hash). `introspection: false` shows a notice: GraphiQL's
/// docs and completion need introspection.
pub fn page(introspection: bool) -> Response {
    if !is_bundled() {
        let html = async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("sharegraph GraphiQL")
            .finish();
        // The page loads from a CDN: no script policy, but never framed.
        return crate::web::html::respond(
            axum::http::StatusCode::OK,
            html,
            "frame-ancestors 'none'",
            crate::web::html::Framing::Never,
        );
    }
    let query = serde_json::to_string(DEFAULT_QUERY).expect("a string serializes");
    let script = format!(
        r#"
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
      // `?edit=QUERY` opens the playground with QUERY in the editor (the explorer links so);
      // `?query=` would run it instead, as GraphQL over HTTP says.
      query: new URLSearchParams(location.search).get("edit") || undefined,
      defaultQuery: {query},
      headerEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers",
    }}),
  );
"#
    );
    let notice = if introspection {
        ""
    } else {
        r#"<div id="notice" style="padding:6px 12px;background:#fff3cd;font:14px sans-serif">Introspection is off on this server (SHAREGRAPH_INTROSPECTION=false): the documentation explorer and completion are unavailable; the schema is published as schema.graphql.</div>"#
    };
    let html = format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sharegraph GraphiQL</title>
<link rel="stylesheet" href="{ASSETS}/graphiql.min.css">
<style>html, body {{ height: 100%; margin: 0; display: flex; flex-direction: column; }} #graphiql {{ flex: 1; }}</style>
</head>
<body>
{notice}
<div id="graphiql">Loading GraphiQL…</div>
<script src="{ASSETS}/react.production.min.js"></script>
<script src="{ASSETS}/react-dom.production.min.js"></script>
<script src="{ASSETS}/graphiql.min.js"></script>
<script>{script}</script>
</body>
</html>
"#
    );
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    // GraphiQL sets inline styles and loads its fonts and icons as data: URLs.
    let policy = format!(
        "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    crate::web::html::respond(
        axum::http::StatusCode::OK,
        html,
        &policy,
        crate::web::html::Framing::Never,
    )
}
