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
