//! What a hostile caller probes: feedback on a draft dataset, introspection in production, and
//! the headers that keep GraphiQL from being framed or run with foreign scripts.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use sharegraph::access::Role;

use crate::support::{TestApp, code, create_db, create_item, nam_dong_office};

#[tokio::test]
async fn feedback_on_a_draft_dataset_stays_with_its_organization() {
    let app = TestApp::spawn().await;
    let office = nam_dong_office(&app).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &office).await;
    let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
        json!({ "input": { "dataItemId": item, "policies": [{ "consumerType": "PUBLIC", "mode": "OPEN" }] } }),
    )
    .await;
    let draft = app
        .ok(
            "mutation($input: CreateOpenDatasetInput!) { createOpenDataset(input: $input) { openDataset { id } } }",
            json!({ "input": { "organizationId": office, "code": "NHAP", "title": "Bản đồ địa chính (bản nháp)",
                               "updateFrequency": "YEARLY", "itemIds": [item] } }),
        )
        .await["createOpenDataset"]["openDataset"]["id"]
        .clone();
    let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
    app.ok_as(
        Some(&steward),
        "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id } } }",
        json!({ "input": { "kind": "DATA_REQUEST", "openDatasetId": draft, "title": "Góp ý nội bộ",
                           "body": "Bổ sung lớp quy hoạch trước khi công bố" } }),
    )
    .await;
    let q = "query($d: ID!) { feedback(where: { openDatasetId: { eq: $d } }) { totalCount nodes { title } } }";
    let public = app.ok_as(None, q, json!({ "d": draft })).await;
    assert_eq!(public["feedback"]["totalCount"], 0);
    let own = app.ok_as(Some(&steward), q, json!({ "d": draft })).await;
    assert_eq!(own["feedback"]["totalCount"], 1);
    // The public cannot send feedback on it either: to the public it does not exist (a
    // reference to a row the caller cannot see is refused like one to no row).
    let err = app
        .err_as(
            None,
            "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id } } }",
            json!({ "input": { "kind": "DATA_REQUEST", "openDatasetId": draft, "title": "Dò tìm", "body": "?" } }),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let on = TestApp::spawn().await;
    let off = TestApp::spawn_with(|l| l.introspection = false).await;
    let q = "{ __schema { queryType { name } } }";
    assert_eq!(
        on.ok(q, json!({})).await["__schema"]["queryType"]["name"],
        "Query"
    );
    let body = off.post_as(None, q, json!({})).await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    // No field suggestions for a prober.
    let body = off
        .post_as(None, "{ organizationz { totalCount } }", json!({}))
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let body = on
        .post_as(None, "{ organizationz { totalCount } }", json!({}))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean")
    );
    // GraphiQL says it is off.
    let page = |app: &TestApp| {
        let router = app.router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let resp = router
                .oneshot(
                    Request::get("/graphql")
                        .header("accept", "text/html")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let headers = resp.headers().clone();
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            (headers, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    let (_, html) = page(&off).await;
    assert!(html.contains("Introspection is off"));
    let (headers, html) = page(&on).await;
    assert!(!html.contains("Introspection is off"));
    // Never framed, never sniffed; with bundled assets, only this server's scripts run.
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    if sharegraph::playground::is_bundled() {
        assert!(csp.contains("script-src 'self' 'sha256-"), "{csp}");
    }
}
