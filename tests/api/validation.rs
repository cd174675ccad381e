//! Every validation rule answers with its code, naming the field, and writes nothing.

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, create_org};

const CREATE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
const UPDATE_ORG: &str = "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }";
const SET_POLICIES: &str = "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }";

async fn expect(
    app: &TestApp,
    query: &str,
    input: Value,
    want_code: &str,
    want_field: Option<&str>,
) -> Value {
    let err = app.err(query, json!({ "input": input })).await;
    assert_eq!(code(&err), want_code, "{err:#}");
    if let Some(field) = want_field {
        assert_eq!(err["extensions"]["field"], field, "{err:#}");
    }
    err
}

#[tokio::test]
async fn organization_rules() {
    let app = TestApp::spawn().await;
    for bad in [
        "",
        "h57",
        "000..39.H57",
        ".H57",
        "000.00.39.H57.",
        "000 00 39",
        "0000000000000000000000000000000000000",
    ] {
        expect(
            &app,
            CREATE_ORG,
            json!({ "code": bad, "name": "X", "level": "DISTRICT" }),
            "BAD_USER_INPUT",
            Some("input.code"),
        )
        .await;
    }
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "000.00.39.H57", "name": "   ", "level": "DISTRICT" }),
        "BAD_USER_INPUT",
        Some("input.name"),
    )
    .await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "000.00.39.H57", "name": "A\u{0007}B", "level": "DISTRICT" }),
        "BAD_USER_INPUT",
        Some("input.name"),
    )
    .await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "000.00.39.H57", "name": "X".repeat(501), "level": "DISTRICT" }),
        "BAD_USER_INPUT",
        Some("input.name"),
    )
    .await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "000.00.39.H57", "name": "Huyện" }),
        "BAD_USER_INPUT",
        Some("input.level"),
    )
    .await;
    expect(&app, CREATE_ORG, json!({ "code": "DN.1", "name": "Công ty", "consumerType": "ENTERPRISE", "level": "DISTRICT" }), "BAD_USER_INPUT", Some("input.level")).await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "P.1", "name": "Mọi người", "consumerType": "PUBLIC" }),
        "BAD_USER_INPUT",
        Some("input.consumerType"),
    )
    .await;
    expect(&app, CREATE_ORG, json!({ "code": "000.00.39.H57", "name": "Huyện", "level": "DISTRICT", "email": "not-an-email" }), "BAD_USER_INPUT", Some("input.email")).await;

    let province = create_org(
        &app,
        "000.00.00.H57",
        "Ủy ban nhân dân tỉnh Thừa Thiên Huế",
        "PROVINCE",
        None,
    )
    .await;
    let district = create_org(
        &app,
        "000.00.39.H57",
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        Some(&province),
    )
    .await;
    let commune = create_org(
        &app,
        "001.00.39.H57",
        "Ủy ban nhân dân thị trấn Khe Tre",
        "COMMUNE",
        Some(&district),
    )
    .await;

    // Duplicate code.
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "000.00.39.H57", "name": "Trùng mã", "level": "DISTRICT" }),
        "CONFLICT",
        None,
    )
    .await;
    expect(
        &app,
        UPDATE_ORG,
        json!({ "id": commune, "code": "000.00.39.H57" }),
        "CONFLICT",
        None,
    )
    .await;
    // A child above its parent's level.
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "X.1", "name": "Bộ giả", "level": "CENTRAL", "parentId": district }),
        "BAD_USER_INPUT",
        Some("input.level"),
    )
    .await;
    // Putting a parent below its children.
    expect(
        &app,
        UPDATE_ORG,
        json!({ "id": province, "level": "COMMUNE" }),
        "BAD_USER_INPUT",
        Some("input.level"),
    )
    .await;
    // Cycles: itself, and its own descendant.
    expect(
        &app,
        UPDATE_ORG,
        json!({ "id": province, "parentId": province }),
        "BAD_USER_INPUT",
        Some("input.parentId"),
    )
    .await;
    expect(
        &app,
        UPDATE_ORG,
        json!({ "id": province, "parentId": commune, "level": "COMMUNE" }),
        "BAD_USER_INPUT",
        Some("input.parentId"),
    )
    .await;
    // Missing and mistyped references.
    expect(
        &app,
        UPDATE_ORG,
        json!({ "id": "T3JnYW5pemF0aW9uOjk5OTk5", "name": "Không có" }),
        "NOT_FOUND",
        None,
    )
    .await;
    expect(&app, CREATE_ORG, json!({ "code": "Y.1", "name": "Con", "level": "COMMUNE", "parentId": "T3JnYW5pemF0aW9uOjk5OTk5" }), "BAD_USER_INPUT", Some("input.parentId")).await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "Y.1", "name": "Con", "level": "COMMUNE", "parentId": "not an id" }),
        "BAD_USER_INPUT",
        Some("input.parentId"),
    )
    .await;
    let db = create_db(&app, "ND-X", "CSDL", &district).await;
    expect(
        &app,
        CREATE_ORG,
        json!({ "code": "Y.1", "name": "Con", "level": "COMMUNE", "parentId": db }),
        "BAD_USER_INPUT",
        Some("input.parentId"),
    )
    .await;
    // Deleting something still referenced names what refers to it.
    let err = expect(
        &app,
        "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
        json!({ "id": district }),
        "CONFLICT",
        None,
    )
    .await;
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("1 child organization(s)") && message.contains("1 database(s)"),
        "{message}"
    );
    expect(
        &app,
        "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
        json!({ "id": "T3JnYW5pemF0aW9uOjk5OTk5" }),
        "NOT_FOUND",
        None,
    )
    .await;

    // Nothing above was written.
    let data = app.ok("{ organizations { totalCount } }", json!({})).await;
    assert_eq!(data["organizations"]["totalCount"], 3);
    let lookup = app
        .err(
            r#"query($id: ID!) { organization(id: $id, code: "000.00.39.H57") { id } }"#,
            json!({ "id": district }),
        )
        .await;
    assert_eq!(code(&lookup), "BAD_USER_INPUT");
}

#[tokio::test]
async fn database_item_and_system_rules() {
    let app = TestApp::spawn().await;
    let owner = create_org(
        &app,
        "000.03.39.H57",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let create_db_q = "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }";
    expect(
        &app,
        create_db_q,
        json!({ "code": "CÓ DẤU", "name": "X", "kind": "LOCAL", "organizationId": owner }),
        "BAD_USER_INPUT",
        Some("input.code"),
    )
    .await;
    expect(
        &app,
        create_db_q,
        json!({ "code": "ND-DATDAI", "name": "", "kind": "LOCAL", "organizationId": owner }),
        "BAD_USER_INPUT",
        Some("input.name"),
    )
    .await;
    let db = create_db(
        &app,
        "ND-DATDAI",
        "Cơ sở dữ liệu đất đai huyện Nam Đông",
        &owner,
    )
    .await;
    expect(
        &app,
        create_db_q,
        json!({ "code": "ND-DATDAI", "name": "Trùng", "kind": "LOCAL", "organizationId": owner }),
        "CONFLICT",
        None,
    )
    .await;
    expect(
        &app,
        create_db_q,
        json!({ "code": "ND-2", "name": "X", "kind": "LOCAL", "organizationId": db }),
        "BAD_USER_INPUT",
        Some("input.organizationId"),
    )
    .await;

    let create_item_q = "mutation($input: CreateDataItemInput!) { createDataItem(input: $input) { dataItem { id } } }";
    create_item(&app, &db, "THUA-DAT", "Thông tin thửa đất").await;
    expect(
        &app,
        create_item_q,
        json!({ "databaseId": db, "code": "THUA-DAT", "name": "Trùng" }),
        "CONFLICT",
        None,
    )
    .await;
    expect(
        &app,
        create_item_q,
        json!({ "databaseId": "RGF0YWJhc2U6OTk5OQ", "code": "A", "name": "B" }),
        "BAD_USER_INPUT",
        Some("input.databaseId"),
    )
    .await;

    let create_sys = "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }";
    expect(
        &app,
        create_sys,
        json!({ "code": "VILIS", "name": "VILIS", "organizationId": owner, "readiness": "READY" }),
        "BAD_USER_INPUT",
        Some("input.readinessReviewedOn"),
    )
    .await;
}

#[tokio::test]
async fn sharing_policy_rules_follow_the_decree() {
    let app = TestApp::spawn().await;
    let owner = create_org(
        &app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let db = create_db(&app, "ND-HONGHEO", "Cơ sở dữ liệu hộ nghèo", &owner).await;
    let item = create_item(&app, &db, "TY-LE", "Tỷ lệ hộ nghèo theo xã").await;
    let personal = app
        .ok(
            "mutation($input: CreateDataItemInput!) { createDataItem(input: $input) { dataItem { id } } }",
            json!({ "input": { "databaseId": db, "code": "HO-NGHEO", "name": "Thông tin hộ nghèo", "isPersonalData": true } }),
        )
        .await["createDataItem"]["dataItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let master = app
        .ok(
            "mutation($input: CreateDataItemInput!) { createDataItem(input: $input) { dataItem { id } } }",
            json!({ "input": { "databaseId": db, "code": "DM-XA", "name": "Danh mục xã", "isSharedCodeList": true } }),
        )
        .await["createDataItem"]["dataItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let create = "mutation($input: CreateSharingPolicyInput!) { createSharingPolicy(input: $input) { sharingPolicy { id } } }";
    let cases = [
        (item.as_str(), "PUBLIC", "DEFAULT", None),
        (item.as_str(), "PUBLIC", "ON_REQUEST", None),
        (item.as_str(), "ENTERPRISE", "DEFAULT", None),
        (item.as_str(), "INDIVIDUAL", "NOT_SHARED", None),
        (personal.as_str(), "PUBLIC", "OPEN", None),
        (master.as_str(), "STATE_AGENCY", "ON_REQUEST", None),
        (master.as_str(), "STATE_AGENCY", "NOT_SHARED", Some("Lý do")),
    ];
    for (item_id, consumer, mode, basis) in cases {
        let err = expect(
            &app,
            create,
            json!({ "dataItemId": item_id, "consumerType": consumer, "mode": mode, "legalBasis": basis }),
            "BAD_USER_INPUT",
            Some("input.mode"),
        )
        .await;
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    app.ok(create, json!({ "input": { "dataItemId": item, "consumerType": "STATE_AGENCY", "mode": "ON_REQUEST" } })).await;
    expect(
        &app,
        create,
        json!({ "dataItemId": item, "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }),
        "CONFLICT",
        None,
    )
    .await;

    // Turning the item into master data contradicts its ON_REQUEST policy for state agencies.
    expect(
        &app,
        "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
        json!({ "id": item, "isMasterData": true }),
        "BAD_USER_INPUT",
        Some("input"),
    )
    .await;

    // setSharingPolicies: a duplicate entry, then a bad second entry; neither writes anything.
    expect(
        &app,
        SET_POLICIES,
        json!({ "dataItemId": item, "policies": [
            { "consumerType": "PUBLIC", "mode": "OPEN" }, { "consumerType": "PUBLIC", "mode": "NOT_SHARED", "legalBasis": "x" }
        ]}),
        "BAD_USER_INPUT",
        Some("input.policies.1.consumerType"),
    )
    .await;
    expect(
        &app,
        SET_POLICIES,
        json!({ "dataItemId": item, "policies": [
            { "consumerType": "PUBLIC", "mode": "OPEN" }, { "consumerType": "ENTERPRISE", "mode": "DEFAULT" }
        ]}),
        "BAD_USER_INPUT",
        Some("input.policies.1.mode"),
    )
    .await;
    expect(
        &app,
        SET_POLICIES,
        json!({ "dataItemId": item, "policies": [] }),
        "BAD_USER_INPUT",
        Some("input.policies"),
    )
    .await;
    let data = app
        .ok("query($id: ID!) { dataItem(id: $id) { policies { totalCount nodes { consumerType mode } } } }", json!({ "id": item }))
        .await;
    assert_eq!(
        data["dataItem"]["policies"]["totalCount"], 1,
        "a failed setSharingPolicies writes nothing: {data}"
    );
}

#[tokio::test]
async fn bad_arguments_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let err = app.err(r#"{ node(id: "!!!") { id } }"#, json!({})).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app
        .err(
            r#"{ nodes(ids: ["T3JnYW5pemF0aW9uOjE", "Qm9ndXM6MQ"]) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app
        .err(
            r#"{ organizations(where: { parentId: { eq: "RGF0YWJhc2U6MQ" } }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "where.parentId.eq");
    let many: Vec<String> = (0..101).map(|i| format!("id{i}")).collect();
    let err = app
        .err(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": many }),
        )
        .await;
    assert_eq!(code(&err), "LIMIT_EXCEEDED");
}
