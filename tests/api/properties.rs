//! Bad input never becomes `INTERNAL`: random strings (control characters, every Unicode
//! plane, SQL fragments, megabyte strings), random ids and cursors and out-of-range numbers
//! go to every argument kind; the answer is data or a typed client error, and a refused
//! mutation leaves the database as it was.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, nam_dong_office};

/// Codes a client can act on; anything else (INTERNAL above all) fails the property.
const CLIENT_CODES: [&str; 8] = [
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "FORBIDDEN",
    "LIMIT_EXCEEDED",
    "GRAPHQL_VALIDATION_FAILED",
    "GRAPHQL_PARSE_FAILED",
    "BAD_REQUEST",
];

/// A generated text, shown shortened when a case fails (some are a megabyte long).
#[derive(Clone)]
struct Text(String);

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let head: String = self.0.chars().take(60).collect();
        write!(f, "{head:?}... ({} chars)", self.0.chars().count())
    }
}

fn nasty_text() -> impl Strategy<Value = Text> {
    nasty_string().prop_map(Text)
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\\x7f]{1,8}",
        "\\PC{0,40}",
        Just("'; DROP TABLE organizations; --".to_owned()),
        Just("\" OR 1=1 --".to_owned()),
        Just("%_\\".to_owned()),
        Just("\u{0}".to_owned()),
        Just("Phòng Tài nguyên và Môi trường huyện Nam Đông\u{0}".to_owned()),
        Just("\u{feff}\u{200b}\u{202e}".to_owned()),
        (1usize..4).prop_map(|n| "Đ".repeat(n * 350_000)),
        Just("a".repeat(1_000_001)),
    ]
}

fn nasty_id() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty_string(),
        // Well-formed base64 of ill-formed ids.
        prop_oneof![
            Just("Organization:".to_owned()),
            Just("Organization:-1".to_owned()),
            Just("Organization:99999999999999999999".to_owned()),
            Just("Nope:1".to_owned()),
            Just("Database:1:2".to_owned()),
            "[A-Za-z]{1,12}:[0-9-]{1,22}",
            any::<String>(),
        ]
        .prop_map(|s| base64_url(&s)),
    ]
}

fn nasty_cursor() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty_string(),
        prop_oneof![
            Just(r#"{"o":"name:a","k":["\u0000",1]}"#.to_owned()),
            Just(r#"{"o":"name:a","k":[1e400,1]}"#.to_owned()),
            Just(r#"{"o":"name:a","k":[null,null]}"#.to_owned()),
            Just(r#"{"o":"name:a","k":["x",99999999999999999999]}"#.to_owned()),
            Just(r#"{"o":"","k":[1]}"#.to_owned()),
            any::<String>().prop_map(|s| json!({ "o": "name:a", "k": [s, 1] }).to_string()),
        ]
        .prop_map(|s| base64_url(&s)),
    ]
}

fn base64_url(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

fn nasty_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        Just(json!(i64::MAX)),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(1e300)),
        Just(json!(0.5)),
        Just(json!("12")),
        Just(json!(null)),
    ]
}

/// What the database holds: every row of every table.
async fn state(app: &TestApp) -> std::collections::BTreeMap<String, Vec<String>> {
    app.digest().await
}

/// Sends one request and checks the answer is data or client errors only.
async fn check(app: &TestApp, query: &str, variables: Value) -> Result<bool, TestCaseError> {
    let body = app.post_as(Some(&app.admin), query, variables).await;
    let Some(errors) = body.get("errors").and_then(Value::as_array) else {
        prop_assert!(
            body.get("data").is_some(),
            "neither data nor errors: {body}"
        );
        return Ok(true);
    };
    for e in errors {
        let c = code(e);
        let shown: String = e.to_string().chars().take(300).collect();
        prop_assert!(CLIENT_CODES.contains(&c), "code {c} for {query}: {shown}");
        let message = e["message"].as_str().unwrap_or("");
        prop_assert!(
            !message.to_lowercase().contains("sql"),
            "SQL in a message: {message}"
        );
    }
    Ok(false)
}

struct World {
    rt: tokio::runtime::Runtime,
    app: TestApp,
    org: String,
    db: String,
    item: String,
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, org, db, item) = rt.block_on(async {
        let app = TestApp::spawn().await;
        let org = nam_dong_office(&app).await;
        let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &org).await;
        let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
        (app, org, db, item)
    });
    World {
        rt,
        app,
        org,
        db,
        item,
    }
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A request and how it takes the generated text.
type Case = (&'static str, Box<dyn Fn(&str) -> Value>);

#[test]
fn random_strings_in_every_argument_kind() {
    let w = world();
    let queries: Vec<Case> = vec![
        (
            "query($s: String!) { organization(code: $s) { id } }",
            Box::new(|s| json!({ "s": s })),
        ),
        (
            "query($s: String!) { organizations(where: { name: { contains: $s } }) { totalCount } }",
            Box::new(|s| json!({ "s": s })),
        ),
        (
            "query($s: String!) { dataItems(where: { or: [{ code: { eq: $s } }, { name: { startsWith: $s } }] }) { nodes { id } } }",
            Box::new(|s| json!({ "s": s })),
        ),
        (
            "query($s: String!) { databases(where: { code: { in: [$s, $s] } }) { nodes { id } } }",
            Box::new(|s| json!({ "s": s })),
        ),
        (
            "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            Box::new(|s| json!({ "input": { "code": s, "name": s, "level": "COMMUNE" } })),
        ),
    ];
    let (org, db, item) = (w.org.clone(), w.db.clone(), w.item.clone());
    let mutations: Vec<Case> = vec![
        (
            "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }",
            Box::new(
                move |s| json!({ "input": { "code": s, "name": s, "kind": "LOCAL", "organizationId": org, "purpose": s } }),
            ),
        ),
        (
            "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
            Box::new(move |s| json!({ "input": { "id": db, "name": s, "legalBasis": s } })),
        ),
        (
            "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
            Box::new(move |s| json!({ "input": { "id": item, "code": s } })),
        ),
    ];
    runner()
        .run(&nasty_text(), |Text(s)| {
            w.rt.block_on(async {
                for (q, vars) in queries.iter().chain(mutations.iter()) {
                    let before = state(&w.app).await;
                    let accepted = check(&w.app, q, vars(&s)).await?;
                    if !accepted {
                        prop_assert_eq!(
                            state(&w.app).await,
                            before,
                            "a refused request changed the database"
                        );
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn random_ids_and_cursors() {
    let w = world();
    runner()
        .run(&(nasty_id().prop_map(Text), nasty_cursor().prop_map(Text)), |(Text(id), Text(cursor))| {
            w.rt.block_on(async {
                let before = state(&w.app).await;
                for (q, vars) in [
                    ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })),
                    ("query($id: ID!) { nodes(ids: [$id, $id]) { id } }", json!({ "id": id })),
                    ("query($id: ID!) { database(id: $id) { id } dataItem(id: $id) { id } }", json!({ "id": id })),
                    ("query($id: ID!) { dataItems(where: { databaseId: { eq: $id } }) { totalCount } }", json!({ "id": id })),
                    ("query($id: ID!) { lineage(root: $id) { nodes { id } } }", json!({ "id": id })),
                    ("query($c: String!) { organizations(after: $c) { nodes { id } } }", json!({ "c": cursor })),
                    ("query($c: String!) { databases(before: $c, last: 2, orderBy: [{ field: NAME }]) { nodes { id } } }", json!({ "c": cursor })),
                    ("query($c: String!, $id: ID!) { dataItem(id: $id) { downstream(after: $c) { totalCount } } }", json!({ "c": cursor, "id": w.item })),
                    ("query($c: String!) { auditLog(after: $c) { totalCount } }", json!({ "c": cursor })),
                ] {
                    check(&w.app, q, vars).await?;
                }
                for (q, vars) in [
                    ("mutation($id: ID!) { updateDatabase(input: { id: $id, name: \"Tên mới\" }) { database { id } } }", json!({ "id": id })),
                    ("mutation($id: ID!) { deleteDataItem(input: { id: $id }) { deletedId } }", json!({ "id": id })),
                    ("mutation($id: ID!) { createShare(input: { dataItemId: $id, consumerId: $id }) { share { id } } }", json!({ "id": id })),
                ] {
                    let accepted = check(&w.app, q, vars).await?;
                    prop_assert!(!accepted);
                }
                prop_assert_eq!(state(&w.app).await, before);
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn out_of_range_numbers() {
    let w = world();
    runner()
        .run(&(nasty_number(), nasty_number()), |(a, b)| {
            w.rt.block_on(async {
                let before = state(&w.app).await;
                for (q, vars) in [
                    ("query($n: Int) { organizations(first: $n) { nodes { id } } }", json!({ "n": a })),
                    ("query($n: Int) { databases(last: $n) { nodes { id } } }", json!({ "n": a })),
                    ("query($n: Int, $m: Int, $id: ID!) { dataItem(id: $id) { upstream(depth: $n, maxNodes: $m) { totalCount } } }",
                     json!({ "n": a, "m": b, "id": w.item })),
                    ("query($n: Int, $m: Int, $id: ID!) { organization(id: $id) { sharingGraph(depth: $n, maxNodes: $m) { totalEdges } } }",
                     json!({ "n": a, "m": b, "id": w.org })),
                ] {
                    check(&w.app, q, vars).await?;
                }
                let accepted = check(
                    &w.app,
                    "mutation($v: Int, $id: ID!) { updateDatabase(input: { id: $id, expectedVersion: $v, name: \"Cơ sở dữ liệu đất đai\" }) { database { version } } }",
                    json!({ "v": a, "id": w.db }),
                )
                .await?;
                if !accepted {
                    prop_assert_eq!(state(&w.app).await, before);
                }
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn bodies_that_are_not_json_or_not_unicode() {
    let w = world();
    runner()
        .run(&prop::collection::vec(any::<u8>(), 0..200), |bytes| {
            w.rt.block_on(async {
                let mut raw =
                    br#"{"query":"{ organizations(where: { name: { contains: \""#.to_vec();
                raw.extend_from_slice(&bytes);
                raw.extend_from_slice(br#"" } }) { totalCount } }"}"#);
                for body in [
                    bytes.clone(),
                    raw,
                    br#"{"query":"{ organization(code: \"\ud800\") { id } }"}"#.to_vec(),
                ] {
                    let resp = w
                        .app
                        .http(
                            axum::http::Request::post("/graphql")
                                .header("content-type", "application/json")
                                .header("authorization", format!("Bearer {}", w.app.admin))
                                .body(axum::body::Body::from(body))
                                .unwrap(),
                        )
                        .await;
                    prop_assert!(resp.status.as_u16() < 500, "{} {}", resp.status, resp.body);
                    if let Some(errors) = resp.body.get("errors").and_then(Value::as_array) {
                        for e in errors {
                            prop_assert!(CLIENT_CODES.contains(&code(e)), "{e}");
                        }
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}
