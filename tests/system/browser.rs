//! The GraphiQL playground in a real browser: Debian's Chromium, headless, driven by
//! `tests/browser/graphiql.mjs` (playwright-core), against `sharegraph serve --demo`. The page
//! must render with every request kept to the server's origin, run a query, send the token
//! typed in the Headers tab, and show subscription events; and a page on another origin
//! (`tests/browser/widget.mjs`) must reach the API through CORS.
//!
//! Needs Chromium (`apt-get install chromium`) and `npm ci --prefix tests/browser`, so it is
//! ignored by a plain `cargo test`; `.ci/run` installs both and runs it with `--ignored`.

use std::process::Command;

use crate::process::sharegraph;

#[test]
#[ignore = "needs Chromium and tests/browser/node_modules; run by .ci/run"]
fn graphiql_renders_offline_and_runs_queries_and_subscriptions() {
    assert!(
        sharegraph::web::graphiql::is_bundled(),
        "this build loads GraphiQL from a CDN (npm was unavailable when it was built)"
    );
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("ui.db").display());
    let token = |args: &[&str]| {
        let out = sharegraph(&url, args);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let server = crate::process::start_with_args(&url, &["--demo"], &[]);
    let viewer = token(&[
        "token",
        "create",
        "--role",
        "viewer",
        "--org",
        "000.00.39.H57",
        "--name",
        "Trình duyệt",
    ]);
    let admin = token(&["token", "create", "--role", "admin", "--name", "Quản trị"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/graphiql.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(format!("http://{}/graphql", server.addr))
        .args([&viewer, &admin])
        .env("SCREENSHOT", dir.path().join("graphiql.png"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("subscription event shown") && stdout.ends_with("ok\n"),
        "{stdout}"
    );
    assert!(dir.path().join("graphiql.png").exists());

    // A page on another origin calls the API (CORS), with and without a token.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/widget.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(format!("http://{}/graphql", server.addr))
        .arg(&viewer)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("cross-origin widget drew") && stdout.ends_with("ok\n"),
        "{stdout}"
    );
}

/// The explorer and the public pages (`tests/browser/explore.mjs`): the labour office's sharing
/// graph drawn with the API's node and edge counts, a node expanded, a mode filtered out, the
/// PNG, SVG and CSV exports, an item's lineage, the embeddable page framed by the allowed site
/// and refused by another, every public page kind, and the feedback form. With
/// `SHAREGRAPH_SCREENSHOTS=docs/img` it also refreshes the documentation's screenshots.
#[test]
#[ignore = "needs Chromium and tests/browser/node_modules; run by .ci/run"]
fn the_explorer_draws_filters_exports_and_embeds_and_public_pages_render() {
    assert!(
        sharegraph::web::assets::is_bundled(),
        "this build has no Cytoscape.js (npm was unavailable when it was built)"
    );
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("explore.db").display()
    );
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let server = crate::process::start_with_args(
        &url,
        &["--demo"],
        &[
            ("SHAREGRAPH_FRAME_ANCESTORS", "http://localhost:*"),
            ("SHAREGRAPH_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "0"),
        ],
    );
    let shots = std::env::var("SHAREGRAPH_SCREENSHOTS")
        .map(|d| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(d))
        .unwrap_or_else(|_| dir.path().to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/explore.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(format!("http://{}", server.addr))
        .env("SCREENSHOTS", &shots)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.ends_with("ok\n"), "{stdout}");
    for shot in ["explorer.png", "dataset.png"] {
        let size = std::fs::metadata(shots.join(shot)).unwrap().len();
        assert!(size > 10_000, "{shot}: {size} bytes");
    }
}
