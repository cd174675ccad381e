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

/// One request in `lang` (an `Accept-Language`), with a token or none, as raw HTTP.
async fn send(
    app: &TestApp,
    lang: &str,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> crate::support::HttpAnswer {
    let mut request = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept-language", lang);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    app.http(request.body(axum::body::Body::from(body)).unwrap())
        .await
}

fn message(answer: &crate::support::HttpAnswer) -> &str {
    answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("an error: {}", answer.body))
}

/// Every way a request is refused — a rule, a limit, a clash, a bad file, the query's own
/// syntax, the HTTP envelope — is written in Vietnamese for a Vietnamese reader, under the
/// same code as in English.
#[tokio::test]
async fn every_kind_of_refusal_is_written_in_vietnamese() {
    let app = TestApp::spawn_with(|l| l.max_query_bytes = 2000).await;
    app.load_demo().await;
    let admin = Some(app.admin.as_str());

    // A limit of the API.
    let vi = send(
        &app,
        "vi",
        admin,
        "{ organizations(first: 100000) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(code(&vi.body["errors"][0]), "LIMIT_EXCEEDED");
    assert_eq!(message(&vi), "first là 100000; mỗi trang có tối đa 100 mục");

    // A limit of the engine, before anything runs.
    let long = format!("{{ organizations {{ totalCount }} }} #{}", "x".repeat(2000));
    let vi = send(&app, "vi", None, &long, json!({})).await;
    assert_eq!(code(&vi.body["errors"][0]), "LIMIT_EXCEEDED");
    assert!(
        message(&vi).starts_with("truy vấn dài 2034 byte; chỉ được tối đa 2000"),
        "{}",
        vi.body
    );

    // async-graphql's own words are introduced in Vietnamese and kept as they are.
    let vi = send(&app, "vi", None, "{ noSuchField }", json!({})).await;
    assert_eq!(code(&vi.body["errors"][0]), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        message(&vi).starts_with("truy vấn không hợp lệ: Unknown field"),
        "{}",
        vi.body
    );
    let en = send(&app, "en", None, "{ noSuchField }", json!({})).await;
    assert!(message(&en).starts_with("Unknown field"), "{}", en.body);
    let vi = send(&app, "vi", None, "{ organizations { ", json!({})).await;
    assert_eq!(code(&vi.body["errors"][0]), "GRAPHQL_PARSE_FAILED");
    assert!(
        message(&vi).starts_with("truy vấn sai cú pháp: "),
        "{}",
        vi.body
    );

    // A clash whose message quotes what still refers to the record, each part translated.
    let office = nam_dong_office(&app).await;
    create_db(
        &app,
        "CSDL-HoTich",
        "Cơ sở dữ liệu hộ tịch huyện Nam Đông",
        &office,
    )
    .await;
    let delete = "mutation($id: ID!) { deleteOrganization(input: { id: $id }) { deletedId } }";
    let vi = send(&app, "vi", admin, delete, json!({ "id": office })).await;
    assert_eq!(code(&vi.body["errors"][0]), "CONFLICT", "{}", vi.body);
    assert!(
        message(&vi).contains(
            "vẫn đang được tham chiếu bởi 1 cơ sở dữ liệu; hãy xóa hoặc chuyển chúng trước"
        ),
        "{}",
        vi.body
    );
    let en = send(&app, "en", admin, delete, json!({ "id": office })).await;
    assert!(
        message(&en).contains("is still referenced by 1 database(s)"),
        "{}",
        en.body
    );

    // A bad spreadsheet: the summary and each row's reason, naming the column as written.
    let file = "Mã cơ quan,Mã cơ sở dữ liệu,Tên cơ sở dữ liệu,Mã dữ liệu,Tên dữ liệu,Dữ liệu cá nhân,Hình thức chia sẻ (Công chúng)\n\
000.03.39.H57,H57-MOI,Cơ sở dữ liệu mới,A,Số định danh cá nhân,có,mở\n";
    let import =
        "mutation($input: ImportInventoryInput!) { importInventory(input: $input) { rows } }";
    let vi = send(
        &app,
        "vi",
        admin,
        import,
        json!({ "input": { "format": "CSV", "content": file } }),
    )
    .await;
    let err = &vi.body["errors"][0];
    assert_eq!(code(err), "BAD_USER_INPUT", "{}", vi.body);
    assert_eq!(
        err["message"], "danh mục có 2 lỗi ở các dòng; chưa nhập gì",
        "{}",
        vi.body
    );
    assert_eq!(
        err["extensions"]["rowErrors"][0]["column"],
        "Hình thức chia sẻ (Công chúng)"
    );
    assert_eq!(
        err["extensions"]["rowErrors"][0]["reason"],
        "dữ liệu cá nhân không được công bố là dữ liệu mở (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân)"
    );
    // A column the file lacks is named in the file's language too.
    assert_eq!(
        err["extensions"]["rowErrors"][1],
        json!({ "line": 2, "column": "Loại cơ sở dữ liệu", "reason": "Loại cơ sở dữ liệu không được để trống" })
    );

    // The HTTP envelope: a missing media type, a malformed or unknown token.
    let answer = app
        .http(
            axum::http::Request::post("/graphql")
                .header("accept-language", "vi")
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(message(&answer), "thiếu Content-Type: application/json");
    let unknown = send(
        &app,
        "vi",
        Some("sg_khong_co"),
        "{ viewer { role } }",
        json!({}),
    )
    .await;
    assert_eq!(unknown.status, 401);
    assert_eq!(code(&unknown.body["errors"][0]), "UNAUTHENTICATED");
    assert_eq!(message(&unknown), "mã truy cập không hợp lệ");
    let en = send(
        &app,
        "en",
        Some("sg_khong_co"),
        "{ viewer { role } }",
        json!({}),
    )
    .await;
    assert_eq!(message(&en), "unknown token");
}

/// Every value of every enum of the schema (but the technical ones) has Vietnamese and English
/// labels, and no label names an enum or a value the schema lacks.
#[test]
fn the_vocabulary_covers_the_schemas_enums_exactly() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    use sharegraph::domain::vocabulary;
    let doc = async_graphql::parser::parse_schema(sharegraph::graphql::sdl()).unwrap();
    let mut schema: Vec<(String, Vec<String>)> = doc
        .definitions
        .into_iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) => match t.node.kind {
                TypeKind::Enum(e) if !vocabulary::is_technical(&t.node.name.node) => {
                    let mut values: Vec<String> = e
                        .values
                        .iter()
                        .map(|v| v.node.value.node.to_string())
                        .collect();
                    values.sort();
                    Some((t.node.name.node.to_string(), values))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut table: Vec<(String, Vec<String>)> = vocabulary::enums()
        .into_iter()
        .map(|(kind, values)| {
            let mut values: Vec<String> = values.iter().map(|(v, _, _)| v.to_string()).collect();
            values.sort();
            (kind.to_owned(), values)
        })
        .collect();
    schema.sort();
    table.sort();
    assert_eq!(schema, table);
}
