//! Every GraphQL example in README.md and docs/ runs as written against the demo catalogue
//! and answers something: no errors, and no root field that comes back empty. A block's fence
//! may name the role it needs (` ```graphql role=admin `, `role=steward:000.03.39.H57`); without
//! one it runs as the public. Queries run first, then mutations, each on the same demo; a
//! subscription is started and must be accepted (its events come from later changes).

use std::time::Duration;

use async_graphql::Executor;
use futures_util::StreamExt;
use serde_json::{Value, json};
use sharegraph::access::Role;
use sharegraph::access::rate_limit::Key;

use crate::support::TestApp;

struct Example {
    place: String,
    role: Option<(Role, Option<String>)>,
    query: String,
}

fn examples() -> Vec<Example> {
    let files = crate::docs::files();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .display()
            .to_string();
        let mut lines = text.lines().enumerate();
        while let Some((at, line)) = lines.next() {
            let Some(info) = line.strip_prefix("```graphql") else {
                continue;
            };
            let role = info
                .split_whitespace()
                .find_map(|w| w.strip_prefix("role="));
            let role = role.map(|r| {
                let (role, org) = r.split_once(':').map_or((r, None), |(a, b)| (a, Some(b)));
                let role = match role {
                    "admin" => Role::Admin,
                    "steward" => Role::Steward,
                    "viewer" => Role::Viewer,
                    other => panic!("{name}:{}: unknown role {other}", at + 1),
                };
                (role, org.map(str::to_owned))
            });
            let query: Vec<&str> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| !l.starts_with("```"))
                .collect();
            out.push(Example {
                place: format!("{name}:{}", at + 1),
                role,
                query: query.join("\n"),
            });
        }
    }
    out
}

/// Whether a value holds anything: a scalar, or a list or object with something in it.
fn has_content(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().any(has_content),
        Value::Object(fields) => fields.values().any(has_content),
        _ => true,
    }
}

fn kind(query: &str) -> &'static str {
    let first = query
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if first.starts_with("mutation") {
        "mutation"
    } else if first.starts_with("subscription") {
        "subscription"
    } else {
        "query"
    }
}

#[tokio::test]
async fn every_graphql_example_in_the_docs_runs_on_the_demo() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let mut examples = examples();
    assert!(examples.len() >= 15, "found {}", examples.len());
    // Queries before mutations: a query's example reads the demo as loaded.
    examples.sort_by_key(|e| kind(&e.query) == "mutation");
    for example in &examples {
        let token = match &example.role {
            None => None,
            Some((role, org)) => Some(app.token(*role, org.as_deref()).await),
        };
        if kind(&example.query) == "subscription" {
            let caller = match &token {
                None => sharegraph::access::Caller::anonymous(),
                Some(t) => sharegraph::access::token::authenticate(
                    &app.db,
                    Some(format!("Bearer {t}").as_bytes()),
                )
                .await
                .unwrap()
                .unwrap(),
            };
            let mut request = async_graphql::Request::new(example.query.as_str());
            request.data =
                sharegraph::graphql::request_data(&app.db, &caller, &Key::of(&caller, None));
            let mut stream = app.engine.execute_stream(request, None).boxed();
            let first = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
            assert!(
                first.is_err(),
                "{}: the subscription was refused: {first:?}",
                example.place
            );
            continue;
        }
        let body = app
            .post_as(token.as_deref(), &example.query, json!({}))
            .await;
        assert!(
            body.get("errors").is_none(),
            "{}: errors: {body:#}",
            example.place
        );
        let data = body["data"].as_object().expect("data");
        for (field, value) in data {
            assert!(
                has_content(value),
                "{}: `{field}` is empty: {body:#}",
                example.place
            );
        }
    }
}
