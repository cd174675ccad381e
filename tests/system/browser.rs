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

/// A demo catalogue in a SQLite file of `dir`, served with `env`.
fn demo_server(dir: &std::path::Path, env: &[(&str, &str)]) -> (String, crate::process::Server) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("demo.db").display());
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let server = crate::process::start_with_args(&url, &["--demo"], env);
    (url, server)
}

/// A token made with `sharegraph token create ARGS`.
fn token(url: &str, args: &[&str]) -> String {
    let out = sharegraph(url, &[&["token", "create"], args].concat());
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A viewer's token for the organization `org`.
fn viewer_token(url: &str, org: &str, name: &str) -> String {
    token(url, &["--role", "viewer", "--org", org, "--name", name])
}

/// Runs a script of `tests/browser/` with node; its standard output, once it has succeeded and
/// ended with `ok`.
fn node(script: &str, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let out = Command::new("node")
        .arg(path)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script}: {stdout}\n{stderr}");
    assert!(stdout.ends_with("ok\n"), "{script}: {stdout}");
    stdout
}

#[test]
#[ignore = "needs Chromium and tests/browser/node_modules; run by .ci/run"]
fn graphiql_renders_offline_and_runs_queries_and_subscriptions() {
    assert!(
        sharegraph::web::graphiql::is_bundled(),
        "this build loads GraphiQL from a CDN (npm was unavailable when it was built)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = demo_server(dir.path(), &[]);
    let viewer = viewer_token(&url, "000.00.39.H57", "Trình duyệt");
    let admin = token(&url, &["--role", "admin", "--name", "Quản trị"]);
    let api = format!("http://{}/graphql", server.addr);
    let shot = dir.path().join("graphiql.png");
    let stdout = node(
        "graphiql.mjs",
        &[&api, &viewer, &admin],
        &[("SCREENSHOT", shot.as_os_str())],
    );
    assert!(stdout.contains("subscription event shown"), "{stdout}");
    assert!(shot.exists());

    // A page on another origin calls the API (CORS), with and without a token.
    let stdout = node("widget.mjs", &[&api, &viewer], &[]);
    assert!(stdout.contains("cross-origin widget drew"), "{stdout}");
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
    let (_, server) = demo_server(
        dir.path(),
        &[
            ("SHAREGRAPH_FRAME_ANCESTORS", "http://localhost:*"),
            ("SHAREGRAPH_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "0"),
        ],
    );
    let shots = std::env::var("SHAREGRAPH_SCREENSHOTS")
        .map(|d| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(d))
        .unwrap_or_else(|_| dir.path().to_owned());
    node(
        "explore.mjs",
        &[&format!("http://{}", server.addr)],
        &[("SCREENSHOTS", shots.as_os_str())],
    );
    for shot in ["explorer.png", "dataset.png"] {
        let size = std::fs::metadata(shots.join(shot)).unwrap().len();
        assert!(size > 10_000, "{shot}: {size} bytes");
    }
}

/// The typed TypeScript client of `examples/client` (docs/clients.md): graphql-codegen
/// regenerates it from the checked-in `schema.graphql` (it must come out as committed), `tsc
/// --strict` checks it, esbuild bundles it, and `tests/browser/client.mjs` runs it in Chromium
/// from another origin against the demo, as the public and as a viewer.
///
/// Needs `npm ci --prefix examples/client` besides the browser test's tools.
#[test]
#[ignore = "needs Chromium, tests/browser/node_modules and examples/client/node_modules; run by .ci/run"]
fn the_generated_typescript_client_runs_against_the_demo() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/client");
    let generated = example.join("src/gql/graphql.ts");
    let committed = std::fs::read_to_string(&generated).unwrap();
    for script in ["codegen", "typecheck", "build"] {
        let out = Command::new("npm")
            .args(["run", "--silent", script])
            .current_dir(&example)
            .output()
            .expect("npm runs");
        assert!(
            out.status.success(),
            "npm run {script}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&generated).unwrap(),
        committed,
        "examples/client/src/gql is stale: run `npm run codegen` in examples/client and commit it"
    );

    let dir = tempfile::tempdir().unwrap();
    let (url, server) = demo_server(dir.path(), &[]);
    let viewer = viewer_token(&url, "000.04.39.H57", "Cổng thông tin");
    let bundle = example.join("dist/client.js");
    let stdout = node(
        "client.mjs",
        &[
            &format!("http://{}/graphql", server.addr),
            &viewer,
            bundle.to_str().unwrap(),
        ],
        &[],
    );
    assert!(stdout.contains("generated client read"), "{stdout}");
}
