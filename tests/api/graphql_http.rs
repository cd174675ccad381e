//! GraphQL over HTTP: methods, media types, status codes, limits, health, and the schema file.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::support::{TestApp, code};

fn post(body: &str, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn accept_negotiation_and_status_codes() {
    let app = TestApp::spawn().await;
    let ok = r#"{"query":"{ organizations { totalCount } }"}"#;

    let r = app.http(post(ok, GRAPHQL_RESPONSE)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.content_type.starts_with(GRAPHQL_RESPONSE),
        "{}",
        r.content_type
    );
    assert_eq!(r.body["data"]["organizations"]["totalCount"], 0);

    let r = app.http(post(ok, "application/json")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/json"));

    let r = app.http(post(ok, "*/*")).await;
    assert!(r.content_type.starts_with("application/json"));
    let r = app
        .http(post(
            ok,
            "application/json;q=0.9, application/graphql-response+json",
        ))
        .await;
    assert!(r.content_type.starts_with(GRAPHQL_RESPONSE));
    let r = app.http(post(ok, "text/plain")).await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);

    // Parse and validation errors: 400 with the GraphQL response type, no `data` entry.
    for bad in [
        r#"{"query":"{ organizations { "}"#,
        r#"{"query":"{ noSuchField }"}"#,
    ] {
        let r = app.http(post(bad, GRAPHQL_RESPONSE)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.get("data").is_none(), "{}", r.body);
        assert!(
            code(&r.body["errors"][0]).starts_with("GRAPHQL_"),
            "{}",
            r.body
        );
        // Legacy JSON clients get 200 and read `errors`.
        let r = app.http(post(bad, "application/json")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body["errors"].is_array());
    }
    // Execution errors are 200 with `data`.
    let r = app
        .http(post(
            r#"{"query":"{ node(id: \"!!\") { id } }"}"#,
            GRAPHQL_RESPONSE,
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.get("data").is_some());
    assert_eq!(code(&r.body["errors"][0]), "BAD_USER_INPUT");

    // Bodies that are not a GraphQL request.
    let r = app.http(post("not json", GRAPHQL_RESPONSE)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .http(
            Request::post("/graphql")
                .header("content-type", "text/plain")
                .body(Body::from(ok))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app
        .http(Request::post("/graphql").body(Body::from(ok)).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn get_runs_queries_but_not_mutations() {
    let app = TestApp::spawn().await;
    let r = app
        .http(
            Request::get("/graphql?query=%7B%20organizations%20%7B%20totalCount%20%7D%20%7D")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"]["organizations"]["totalCount"], 0);

    let mutation =
        "mutation { deleteOrganization(input: { id: \"T3JnYW5pemF0aW9uOjE\" }) { deletedId } }";
    let uri = format!("/graphql?query={}", urlencode(mutation));
    let r = app
        .http(Request::get(uri).body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers["allow"], "POST");

    let r = app
        .http(
            Request::get("/graphql")
                .header("accept", "text/html,application/xhtml+xml")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.body.as_str().unwrap();
    assert!(page.contains("graphiql") || page.contains("GraphiQL"));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn limits_on_batches_bodies_depth_and_complexity() {
    let app = TestApp::spawn().await;
    let one = r#"{"query":"{ organizations { totalCount } }"}"#;
    let batch = format!("[{}]", [one; 3].join(","));
    let r = app.http(post(&batch, GRAPHQL_RESPONSE)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_array().unwrap().len(), 3);

    // Each breach is answered before any work on the database.
    app.take_statement_count();
    let batch = format!("[{}]", vec![one; 1000].join(","));
    let r = app.http(post(&batch, GRAPHQL_RESPONSE)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED");

    let huge = format!(
        r#"{{"query":"{{ organizations {{ totalCount }} }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(10 << 20)
    );
    let r = app.http(post(&huge, GRAPHQL_RESPONSE)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED");

    let deep = format!(
        "{{ organizations {{ nodes {{ {} id {} }} }} }}",
        "parent {".repeat(20),
        "}".repeat(20)
    );
    let r = app
        .http(post(
            &json!({ "query": deep }).to_string(),
            GRAPHQL_RESPONSE,
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED");

    let complex = "{ organizations(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { id } } } } } } } } }";
    let r = app
        .http(post(
            &json!({ "query": complex }).to_string(),
            GRAPHQL_RESPONSE,
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED");
    assert_eq!(app.take_statement_count(), 0, "no SQL for refused requests");
}

#[tokio::test]
async fn limits_on_aliases_root_fields_and_query_text() {
    let app = TestApp::spawn().await;
    app.take_statement_count();
    let hostile = |query: String| json!({ "query": query }).to_string();
    // Ten thousand aliased __typename fields: exempt from complexity, refused all the same.
    let many: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
    let r = app
        .http(post(&hostile(format!("{{ {many} }}")), GRAPHQL_RESPONSE))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED", "{}", r.body);
    let some: String = (0..150).map(|i| format!("a{i}: __typename ")).collect();
    let r = app
        .http(post(
            &hostile(format!("{{ organizations {{ nodes {{ {some} }} }} }}")),
            GRAPHQL_RESPONSE,
        ))
        .await;
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases")
    );
    // Aliases inside fragments count too.
    let r = app
        .http(post(&hostile(format!("query {{ organizations {{ nodes {{ ...F }} }} }} fragment F on Organization {{ {some} }}")), GRAPHQL_RESPONSE))
        .await;
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED", "{}", r.body);
    let roots: String = (0..40)
        .map(|i| format!("o{i}: organizations {{ totalCount }} "))
        .collect();
    let r = app
        .http(post(&hostile(format!("{{ {roots} }}")), GRAPHQL_RESPONSE))
        .await;
    assert_eq!(code(&r.body["errors"][0]), "LIMIT_EXCEEDED", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("root fields")
    );
    // A fragment that spreads itself never runs.
    let r = app
        .http(post(&hostile("query { organizations { nodes { ...A } } } fragment A on Organization { parent { ...A } }".into()), GRAPHQL_RESPONSE))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.get("data").is_none());
    assert_eq!(app.take_statement_count(), 0, "no SQL for refused requests");
    // Within the limits, aliases work.
    let ok = app
        .ok(
            "{ a: organizations { totalCount } b: organizations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(ok["a"]["totalCount"], 0);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let r = app
        .http(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .http(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[test]
fn schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = sharegraph::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is out of date; regenerate it with `cargo run -- export-schema > schema.graphql`"
    );
}

/// Every element of the exported schema without a description: `Type`, `Type.field`,
/// `Type.field(arg)`, `Input.field`, `Enum.VALUE`.
fn undescribed(sdl: &str) -> Vec<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut out = Vec::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let ty = ty.node;
        let name = ty.name.node.to_string();
        if ty.description.is_none() {
            out.push(name.clone());
        }
        let mut inputs = Vec::new();
        match ty.kind {
            TypeKind::Object(o) => {
                for f in o.fields {
                    let field = format!("{name}.{}", f.node.name.node);
                    if f.node.description.is_none() {
                        out.push(field.clone());
                    }
                    for a in f.node.arguments {
                        inputs.push((format!("{field}({})", a.node.name.node), a.node.description));
                    }
                }
            }
            TypeKind::Interface(i) => {
                for f in i.fields {
                    if f.node.description.is_none() {
                        out.push(format!("{name}.{}", f.node.name.node));
                    }
                }
            }
            TypeKind::InputObject(i) => {
                for f in i.fields {
                    inputs.push((format!("{name}.{}", f.node.name.node), f.node.description));
                }
            }
            TypeKind::Enum(e) => {
                for v in e.values {
                    if v.node.description.is_none() {
                        out.push(format!("{name}.{}", v.node.value.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
        out.extend(
            inputs
                .into_iter()
                .filter(|(_, d)| d.is_none())
                .map(|(n, _)| n),
        );
    }
    out
}

/// The schema describes itself in the docs explorer and to client generators: every type,
/// field, argument, input field and enum value has a description.
#[test]
fn the_schema_is_described() {
    let missing = undescribed(&sharegraph::graphql::sdl());
    assert!(
        missing.is_empty(),
        "{} undescribed elements: {missing:?}",
        missing.len()
    );
}
