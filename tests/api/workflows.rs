//! Decree workflows (issue 5): focal points in office.

use serde_json::json;

use crate::support::{TestApp, create_org};

const CREATE_FP: &str = "mutation($input: CreateFocalPointInput!) { createFocalPoint(input: $input) { focalPoint { id termEnd } } }";

#[tokio::test]
async fn appointing_a_focal_point_ends_the_term_of_the_one_before() {
    let app = TestApp::spawn().await;
    let district = create_org(
        &app,
        "000.00.39.H57",
        "UBND huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let fp = |name: &str, scope: &str, start: Option<&str>| json!({ "input": { "organizationId": district, "scope": scope, "fullName": name, "termStart": start } });
    let first = app
        .ok(CREATE_FP, fp("Hồ Văn Minh", "EXTERNAL", Some("2024-01-15")))
        .await;
    let internal = app
        .ok(CREATE_FP, fp("Trần Thị Hoa", "INTERNAL", None))
        .await;
    let second = app
        .ok(
            CREATE_FP,
            fp("Lê Quang Vinh", "EXTERNAL", Some("2026-12-01")),
        )
        .await;
    assert!(second["createFocalPoint"]["focalPoint"]["termEnd"].is_null());

    let q = "query($a: ID!, $b: ID!) { a: focalPoint(id: $a) { termEnd version } b: focalPoint(id: $b) { termEnd } }";
    let data = app
        .ok(q, json!({ "a": first["createFocalPoint"]["focalPoint"]["id"], "b": internal["createFocalPoint"]["focalPoint"]["id"] }))
        .await;
    assert_eq!(
        data["a"]["termEnd"], "2026-11-30",
        "the earlier external focal point leaves office"
    );
    assert_eq!(data["a"]["version"], 2);
    assert!(
        data["b"]["termEnd"].is_null(),
        "the internal one is another office"
    );

    // The change is in the audit log, as the appointment's consequence.
    let log = app
        .ok("{ auditLog(where: { action: { eq: \"END_TERM\" } }) { totalCount nodes { entityType before after } } }", json!({}))
        .await;
    assert_eq!(log["auditLog"]["totalCount"], 1);
    assert!(log["auditLog"]["nodes"][0]["before"]["term_end"].is_null());
    assert_eq!(
        log["auditLog"]["nodes"][0]["after"]["term_end"],
        "2026-11-30"
    );

    // A record of a past term changes no one in office.
    app.ok(CREATE_FP, json!({ "input": { "organizationId": district, "scope": "INTERNAL", "fullName": "Nguyễn Văn Cũ",
                                         "termStart": "2019-01-01", "termEnd": "2020-12-31" } }))
        .await;
    let data = app.ok(q, json!({ "a": first["createFocalPoint"]["focalPoint"]["id"], "b": internal["createFocalPoint"]["focalPoint"]["id"] })).await;
    assert!(data["b"]["termEnd"].is_null());
}
