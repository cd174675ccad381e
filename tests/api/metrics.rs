//! `/metrics` in the Prometheus (OpenMetrics) text format, and request ids.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::support::{TestApp, create_db, create_item, create_org};

#[tokio::test]
async fn metrics_count_operations_errors_walk_cuts_and_the_pool() {
    let app = TestApp::spawn().await;
    let org = create_org(&app, "000.00.00.G08", "Bộ Công an", "CENTRAL", None).await;
    let db = create_db(
        &app,
        "CSDLQG-DANCU",
        "Cơ sở dữ liệu quốc gia về dân cư",
        &org,
    )
    .await;
    let root = create_item(&app, &db, "ROOT", "Danh mục đơn vị hành chính").await;
    for i in 0..3 {
        let item = create_item(&app, &db, &format!("D{i}"), &format!("Dẫn xuất {i}")).await;
        app.ok(
            "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }",
            json!({ "input": { "sourceItemId": root, "derivedItemId": item } }),
        )
        .await;
    }
    app.ok(
        "query DanhSachCoQuan { organizations { totalCount } }",
        json!({}),
    )
    .await;
    app.ok(
        "query DanhSachCoQuan { organizations { totalCount } }",
        json!({}),
    )
    .await;
    app.err(
        "query Hong { organization(id: \"không-phải-id\") { id } }",
        json!({}),
    )
    .await;
    let walk = app
        .ok(
            "query($id: ID!) { dataItem(id: $id) { downstream(maxNodes: 2) { truncated } } }",
            json!({ "id": root }),
        )
        .await;
    assert_eq!(walk["dataItem"]["downstream"]["truncated"], true);

    let answer = app
        .http(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .content_type
            .starts_with("application/openmetrics-text")
    );
    let text = answer.body.as_str().unwrap();
    for line in [
        "sharegraph_graphql_requests_total{operation=\"DanhSachCoQuan\",outcome=\"ok\"} 2",
        "sharegraph_graphql_requests_total{operation=\"Hong\",outcome=\"error\"} 1",
        "sharegraph_graphql_errors_total{code=\"BAD_USER_INPUT\"} 1",
        "sharegraph_walk_truncations_total 1",
        "sharegraph_graphql_request_duration_seconds_count{operation=\"DanhSachCoQuan\"} 2",
        "sharegraph_db_pool_connections{state=\"max\"} 10",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert!(text.contains("sharegraph_graphql_request_duration_seconds_bucket{le=\"0.001\",operation=\"DanhSachCoQuan\"}")
        || text.contains("sharegraph_graphql_request_duration_seconds_bucket{operation=\"DanhSachCoQuan\",le=\"0.001\"}"), "{text}");
}

#[tokio::test]
async fn every_response_carries_its_request_id() {
    let app = TestApp::spawn().await;
    let post = |id: Option<&str>| {
        let mut req = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", app.admin));
        if let Some(id) = id {
            req = req.header("x-request-id", id);
        }
        req.body(Body::from(
            json!({ "query": "{ organizations { totalCount } }" }).to_string(),
        ))
        .unwrap()
    };
    let fresh = app.http(post(None)).await;
    let id = fresh.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let other = app.http(post(None)).await;
    assert_ne!(other.headers["x-request-id"].to_str().unwrap(), id);
    // A proxy's id is kept, so that its logs and ours line up.
    let kept = app.http(post(Some("lgsp-hue-000123"))).await;
    assert_eq!(kept.headers["x-request-id"], "lgsp-hue-000123");
    let health = app
        .http(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert!(health.headers.contains_key("x-request-id"));
}

/// Operation names are client-chosen: past the first 200 distinct ones, a name is counted as
/// `other`, so a client sending a new name per request cannot grow the metrics without bound.
/// A name that is not a GraphQL name never becomes a label either.
#[tokio::test]
async fn operation_labels_are_capped_at_200_names() {
    let app = TestApp::spawn().await;
    for i in 0..205 {
        app.ok(
            &format!("query Ten{i} {{ organizations {{ totalCount }} }}"),
            json!({}),
        )
        .await;
    }
    // The 201st name again: still `other`, not a late label.
    app.ok("query Ten200 { organizations { totalCount } }", json!({}))
        .await;
    let answer = app
        .http(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    let text = answer.body.as_str().unwrap();
    let requests: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("sharegraph_graphql_requests_total{"))
        .collect();
    let named = requests
        .iter()
        .filter(|l| l.contains("operation=\"Ten"))
        .count();
    assert_eq!(named, 200, "{requests:?}");
    for line in [
        "sharegraph_graphql_requests_total{operation=\"Ten0\",outcome=\"ok\"} 1",
        "sharegraph_graphql_requests_total{operation=\"Ten199\",outcome=\"ok\"} 1",
        "sharegraph_graphql_requests_total{operation=\"other\",outcome=\"ok\"} 6",
    ] {
        assert!(requests.contains(&line), "no {line:?} in {requests:?}");
    }
    assert!(!text.contains("operation=\"Ten200\""));
}
