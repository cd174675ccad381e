//! The files the pages load, all served by sharegraph itself under `/assets/{bundle}/{name}`:
//! the npm packages `build.rs` bundled (GraphiQL, React, Cytoscape.js; the bundle names the
//! package's version) and the pages' own scripts and styles from `ui/` (the bundle names a hash
//! of their contents). Since a bundle's name changes with what is in it, browsers keep the
//! files for a year.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// GraphiQL and React, for the playground.
pub const GRAPHIQL: &str = "/assets/graphiql-3.8.3";
/// Cytoscape.js, for the explorer.
pub const CYTOSCAPE: &str = "/assets/cytoscape-3.35.0";
/// The pages' own files (`ui/`).
pub const UI: &str = concat!("/assets/ui-", env!("SHAREGRAPH_UI_TAG"));
/// The scripts and styles of the pages, by their paths.
pub const FEEDBACK: &str = concat!("/assets/ui-", env!("SHAREGRAPH_UI_TAG"), "/feedback.js");
pub const EXPLORE_JS: &str = concat!(
    "/assets/ui-",
    env!("SHAREGRAPH_UI_TAG"),
    "/explore/explore.js"
);
pub const EXPLORE_CSS: &str = concat!(
    "/assets/ui-",
    env!("SHAREGRAPH_UI_TAG"),
    "/explore/explore.css"
);
pub const CYTOSCAPE_JS: &str = "/assets/cytoscape-3.35.0/cytoscape.min.js";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

macro_rules! ui {
    ($name:literal, $type:expr) => {
        (
            UI,
            $name,
            $type,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/", $name)).as_slice(),
        )
    };
}

#[cfg(npm_bundled)]
macro_rules! npm {
    ($bundle:expr, $name:literal, $file:literal, $type:expr) => {
        (
            $bundle,
            $name,
            $type,
            include_bytes!(concat!(env!("OUT_DIR"), "/npm/", $file)).as_slice(),
        )
    };
}

/// Bundle path, file name, content type, bytes.
type File = (&'static str, &'static str, &'static str, &'static [u8]);

const OWN: [File; 4] = [
    ui!("site.css", CSS),
    ui!("feedback.js", JS),
    ui!("explore/explore.js", JS),
    ui!("explore/explore.css", CSS),
];

#[cfg(npm_bundled)]
const BUNDLED: [File; 7] = [
    npm!(GRAPHIQL, "graphiql.min.js", "graphiql.min.js", JS),
    npm!(GRAPHIQL, "graphiql.min.css", "graphiql.min.css", CSS),
    npm!(
        GRAPHIQL,
        "react.production.min.js",
        "react.production.min.js",
        JS
    ),
    npm!(
        GRAPHIQL,
        "react-dom.production.min.js",
        "react-dom.production.min.js",
        JS
    ),
    npm!(GRAPHIQL, "LICENSE", "graphiql.LICENSE", TEXT),
    npm!(CYTOSCAPE, "cytoscape.min.js", "cytoscape.min.js", JS),
    npm!(CYTOSCAPE, "LICENSE", "cytoscape.LICENSE", TEXT),
];

#[cfg(not(npm_bundled))]
const BUNDLED: [File; 0] = [];

/// Whether the build bundled the npm packages (else GraphiQL comes from a CDN and the
/// explorer cannot draw).
pub fn is_bundled() -> bool {
    cfg!(npm_bundled)
}

/// `GET /assets/{bundle}/{name}`; `name` may hold a folder (`explore/explore.js`).
pub async fn serve(Path((bundle, name)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let path = format!("/assets/{bundle}");
    match OWN
        .iter()
        .chain(BUNDLED.iter())
        .find(|(b, n, _, _)| *b == path && *n == name)
    {
        Some((_, _, content_type, bytes)) => {
            crate::http::cache::asset(&headers, &format!("{bundle}/{name}"), content_type, bytes)
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
