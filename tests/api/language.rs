//! The steward's language: the vocabulary of labels front-ends read, and codes found as people
//! type them.

use serde_json::json;

use crate::support::{TestApp, code, create_db, nam_dong_office};

#[tokio::test]
async fn the_vocabulary_labels_every_value_in_both_languages() {
    let app = TestApp::spawn().await;
    let data = app
        .post_as(
            None,
            "{ vocabulary { name values { value vi en } } }",
            json!({}),
        )
        .await;
    let enums = data["data"]["vocabulary"].as_array().unwrap();
    let modes = enums.iter().find(|e| e["name"] == "SharingMode").unwrap();
    assert_eq!(
        modes["values"],
        json!([
            { "value": "OPEN", "vi": "Dữ liệu mở", "en": "Open data" },
            { "value": "DEFAULT", "vi": "Chia sẻ mặc định", "en": "Default sharing" },
            { "value": "ON_REQUEST", "vi": "Chia sẻ theo yêu cầu đặc thù", "en": "Sharing on request" },
            { "value": "NOT_SHARED", "vi": "Không chia sẻ", "en": "Not shared" },
        ])
    );
    for e in enums {
        for v in e["values"].as_array().unwrap() {
            assert!(
                !v["vi"].as_str().unwrap().is_empty() && !v["en"].as_str().unwrap().is_empty(),
                "{e}"
            );
        }
    }
    // Orderings and file formats have no labels.
    assert!(
        enums
            .iter()
            .all(|e| !e["name"].as_str().unwrap().ends_with("OrderField"))
    );

    // Some enums only.
    let some = app
        .ok(
            r#"{ vocabulary(names: ["ShareStatus", "Role"]) { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        some["vocabulary"],
        json!([{ "name": "ShareStatus" }, { "name": "Role" }])
    );
}

#[tokio::test]
async fn codes_are_found_in_any_case() {
    let app = TestApp::spawn().await;
    let office = nam_dong_office(&app).await;
    let db = create_db(
        &app,
        "CSDL-DatDai",
        "Cơ sở dữ liệu đất đai huyện Nam Đông",
        &office,
    )
    .await;
    for typed in ["000.00.31.H57", "000.00.31.h57"] {
        let found = app
            .ok(
                "query($code: String!) { organization(code: $code) { id } }",
                json!({ "code": typed }),
            )
            .await;
        assert_eq!(found["organization"]["id"], office.as_str(), "{typed}");
    }
    for typed in ["CSDL-DatDai", "csdl-datdai", "CSDL-DATDAI"] {
        let found = app
            .ok(
                "query($code: String!) { database(code: $code) { id } }",
                json!({ "code": typed }),
            )
            .await;
        assert_eq!(found["database"]["id"], db.as_str(), "{typed}");
    }
    // Two codes that differ only in case: the exact one is found; any other spelling is
    // ambiguous and said so.
    let other = create_db(
        &app,
        "CSDL-DATDAI",
        "Cơ sở dữ liệu đất đai (bản sao)",
        &office,
    )
    .await;
    let exact = app
        .ok(r#"{ database(code: "CSDL-DATDAI") { id } }"#, json!({}))
        .await;
    assert_eq!(exact["database"]["id"], other.as_str());
    let ambiguous = app
        .err(r#"{ database(code: "csdl-datdai") { id } }"#, json!({}))
        .await;
    assert_eq!(code(&ambiguous), "BAD_USER_INPUT", "{ambiguous}");
    // Nothing by that code in any case: null, as before.
    let none = app
        .ok(r#"{ database(code: "csdl-khac") { id } }"#, json!({}))
        .await;
    assert!(none["database"].is_null());
}

async fn post_in(
    app: &TestApp,
    accept_language: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let mut request =
        axum::http::Request::post("/graphql").header("content-type", "application/json");
    if let Some(lang) = accept_language {
        request = request.header("accept-language", lang);
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    app.http(request.body(axum::body::Body::from(body)).unwrap())
        .await
        .body
}

const FEEDBACK: &str =
    "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id } } }";

/// A citizen's browser asks for Vietnamese: the message is Vietnamese, the code the same.
#[tokio::test]
async fn messages_follow_accept_language_and_the_servers_default() {
    let app = TestApp::spawn().await;
    let office = nam_dong_office(&app).await;
    let input = json!({ "input": { "kind": "SUGGESTION", "title": "  ", "body": "Xin bổ sung dữ liệu", "organizationId": office } });
    let english = post_in(&app, None, FEEDBACK, input.clone()).await;
    assert_eq!(
        english["errors"][0]["message"], "input.title must not be empty",
        "{english}"
    );
    let vietnamese = post_in(
        &app,
        Some("vi-VN,vi;q=0.9,en;q=0.8"),
        FEEDBACK,
        input.clone(),
    )
    .await;
    assert_eq!(
        vietnamese["errors"][0]["message"], "input.title không được để trống",
        "{vietnamese}"
    );
    assert_eq!(
        vietnamese["errors"][0]["extensions"],
        english["errors"][0]["extensions"]
    );
    // Ids and lookups too.
    let bad_id = post_in(
        &app,
        Some("vi"),
        "{ dataItem(id: \"xyz\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(
        bad_id["errors"][0]["message"], "id không phải là mã định danh hợp lệ",
        "{bad_id}"
    );

    // Refusals too: a citizen without a token who tries to write.
    let refused = post_in(
        &app,
        Some("vi"),
        "mutation { createOrganization(input: { code: \"000.00.33.H57\", name: \"Phòng Nội vụ\", level: DISTRICT }) { organization { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert_eq!(
        refused["errors"][0]["message"],
        "thay đổi danh mục cần mã truy cập của cán bộ quản lý danh mục hoặc quản trị hệ thống"
    );

    // SHAREGRAPH_LANG=vi: Vietnamese unless the client asks for English.
    let app = TestApp::spawn_with(|l| l.lang = sharegraph::i18n::Lang::Vi).await;
    let office = nam_dong_office(&app).await;
    let input = json!({ "input": { "kind": "SUGGESTION", "title": "", "body": "x", "organizationId": office } });
    let default = post_in(&app, None, FEEDBACK, input.clone()).await;
    assert_eq!(
        default["errors"][0]["message"],
        "input.title không được để trống"
    );
    let asked = post_in(&app, Some("en-US"), FEEDBACK, input).await;
    assert_eq!(
        asked["errors"][0]["message"],
        "input.title must not be empty"
    );
}
