//! Create, read, update and delete of every entity, with Vietnamese text.

use serde_json::json;

use crate::support::{TestApp, code, create_db, create_item, create_org};

const NAM_DONG_TNMT: &str = "Phòng Tài nguyên và Môi trường huyện Nam Đông";

#[tokio::test]
async fn organization_crud_round_trips_vietnamese_text() {
    let app = TestApp::spawn().await;
    let province = create_org(
        &app,
        "000.00.00.H57",
        "Ủy ban nhân dân tỉnh Thừa Thiên Huế",
        "PROVINCE",
        None,
    )
    .await;
    let created = app
        .ok(
            r#"mutation($input: CreateOrganizationInput!) {
                createOrganization(input: $input) { organization { id code name shortName level consumerType version parent { id } email } }
            }"#,
            json!({ "input": {
                "code": "000.03.39.H57", "name": NAM_DONG_TNMT, "shortName": "Phòng TN&MT",
                "level": "DISTRICT", "parentId": province, "email": "tnmt@namdong.gov.vn"
            }}),
        )
        .await;
    let org = &created["createOrganization"]["organization"];
    assert_eq!(org["name"], NAM_DONG_TNMT);
    assert_eq!(org["shortName"], "Phòng TN&MT");
    assert_eq!(org["consumerType"], "STATE_AGENCY");
    assert_eq!(org["version"], 1);
    assert_eq!(org["parent"]["id"], province);
    let id = org["id"].as_str().unwrap();

    let by_code = app
        .ok(
            r#"{ organization(code: "000.03.39.H57") { id name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(by_code["organization"]["id"], id);
    assert_eq!(by_code["organization"]["name"], NAM_DONG_TNMT);
    let by_id = app
        .ok("query($id: ID!) { organization(id: $id) { code } node(id: $id) { id ... on Organization { name } } }", json!({ "id": id }))
        .await;
    assert_eq!(by_id["organization"]["code"], "000.03.39.H57");
    assert_eq!(by_id["node"]["name"], NAM_DONG_TNMT);
    let missing = app
        .ok(
            r#"{ organization(code: "999.99.99.H99") { id } }"#,
            json!({}),
        )
        .await;
    assert!(missing["organization"].is_null());

    let updated = app
        .ok(
            r#"mutation($input: UpdateOrganizationInput!) {
                updateOrganization(input: $input) { organization { name shortName email version code } }
            }"#,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Phòng Nông nghiệp và Môi trường huyện Nam Đông", "shortName": null } }),
        )
        .await;
    let org = &updated["updateOrganization"]["organization"];
    assert_eq!(
        org["name"],
        "Phòng Nông nghiệp và Môi trường huyện Nam Đông"
    );
    assert!(org["shortName"].is_null(), "null clears a field");
    assert_eq!(
        org["email"], "tnmt@namdong.gov.vn",
        "omitted fields keep their value"
    );
    assert_eq!(org["code"], "000.03.39.H57");
    assert_eq!(org["version"], 2);

    let stale = app
        .err(
            "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Tên cũ" } }),
        )
        .await;
    assert_eq!(code(&stale), "CONFLICT");
    assert_eq!(stale["extensions"]["currentVersion"], 2);

    let deleted = app
        .ok(
            "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
            json!({ "input": { "id": id } }),
        )
        .await;
    assert_eq!(deleted["deleteOrganization"]["deletedId"], id);
    let gone = app
        .ok(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(gone["node"].is_null());
}

#[tokio::test]
async fn focal_point_crud() {
    let app = TestApp::spawn().await;
    let district = create_org(
        &app,
        "000.00.39.H57",
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let created = app
        .ok(
            r#"mutation($input: CreateFocalPointInput!) {
                createFocalPoint(input: $input) { focalPoint { id scope fullName position termStart organization { code } } }
            }"#,
            json!({ "input": {
                "organizationId": district, "scope": "EXTERNAL", "fullName": "Hồ Văn Thắng",
                "position": "Phó Chánh Văn phòng HĐND và UBND huyện", "termStart": "2020-09-01"
            }}),
        )
        .await;
    let fp = &created["createFocalPoint"]["focalPoint"];
    assert_eq!(fp["fullName"], "Hồ Văn Thắng");
    assert_eq!(fp["scope"], "EXTERNAL");
    assert_eq!(fp["termStart"], "2020-09-01");
    assert_eq!(fp["organization"]["code"], "000.00.39.H57");
    let id = fp["id"].as_str().unwrap();

    let listed = app
        .ok("query($id: ID!) { organization(id: $id) { focalPoints { totalCount nodes { fullName } } } }", json!({ "id": district }))
        .await;
    assert_eq!(listed["organization"]["focalPoints"]["totalCount"], 1);

    let bad_term = app
        .err(
            "mutation($input: UpdateFocalPointInput!) { updateFocalPoint(input: $input) { focalPoint { id } } }",
            json!({ "input": { "id": id, "termEnd": "2019-01-01" } }),
        )
        .await;
    assert_eq!(code(&bad_term), "BAD_USER_INPUT");
    assert_eq!(bad_term["extensions"]["field"], "input.termEnd");

    let updated = app
        .ok(
            "mutation($input: UpdateFocalPointInput!) { updateFocalPoint(input: $input) { focalPoint { email termEnd version } } }",
            json!({ "input": { "id": id, "email": "hvthang@namdong.gov.vn", "termEnd": "2025-06-30" } }),
        )
        .await;
    assert_eq!(
        updated["updateFocalPoint"]["focalPoint"]["email"],
        "hvthang@namdong.gov.vn"
    );
    assert_eq!(updated["updateFocalPoint"]["focalPoint"]["version"], 2);

    // The district cannot go while its focal point refers to it.
    let refused = app
        .err(
            "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
            json!({ "input": { "id": district } }),
        )
        .await;
    assert_eq!(code(&refused), "CONFLICT");
    assert!(
        refused["message"].as_str().unwrap().contains("focal point"),
        "{refused}"
    );

    app.ok(
        "mutation($input: DeleteInput!) { deleteFocalPoint(input: $input) { deletedId } }",
        json!({ "input": { "id": id } }),
    )
    .await;
    app.ok(
        "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
        json!({ "input": { "id": district } }),
    )
    .await;
}

#[tokio::test]
async fn information_system_and_database_crud() {
    let app = TestApp::spawn().await;
    let owner = create_org(
        &app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let sys = app
        .ok(
            r#"mutation($input: CreateInformationSystemInput!) {
                createInformationSystem(input: $input) { informationSystem { id code readiness organization { code } } }
            }"#,
            json!({ "input": { "code": "ND-HONGHEO", "name": "Phần mềm quản lý hộ nghèo", "organizationId": owner } }),
        )
        .await;
    let sys_id = sys["createInformationSystem"]["informationSystem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        sys["createInformationSystem"]["informationSystem"]["readiness"],
        "NOT_REVIEWED"
    );

    let db = app
        .ok(
            r#"mutation($input: CreateDatabaseInput!) {
                createDatabase(input: $input) { database { id code name kind status updateFrequency purpose organization { code } system { code } } }
            }"#,
            json!({ "input": {
                "code": "ND-HONGHEO", "name": "Cơ sở dữ liệu hộ nghèo, hộ cận nghèo", "kind": "LOCAL",
                "organizationId": owner, "systemId": sys_id, "purpose": "Theo dõi hộ nghèo để thực hiện chính sách giảm nghèo.",
                "updateFrequency": "YEARLY", "legalBasis": "Nghị định 07/2021/NĐ-CP"
            }}),
        )
        .await;
    let d = &db["createDatabase"]["database"];
    assert_eq!(d["system"]["code"], "ND-HONGHEO");
    assert_eq!(d["organization"]["code"], "000.04.39.H57");
    assert_eq!(d["status"], "OPERATING");
    assert_eq!(
        d["purpose"],
        "Theo dõi hộ nghèo để thực hiện chính sách giảm nghèo."
    );
    let db_id = d["id"].as_str().unwrap().to_owned();

    let by_code = app.ok(r#"{ database(code: "ND-HONGHEO") { id } informationSystem(code: "ND-HONGHEO") { databases { totalCount } } }"#, json!({})).await;
    assert_eq!(by_code["database"]["id"], db_id.as_str());
    assert_eq!(by_code["informationSystem"]["databases"]["totalCount"], 1);

    // A system that hosts a database cannot be deleted.
    let refused = app
        .err("mutation($input: DeleteInput!) { deleteInformationSystem(input: $input) { deletedId } }", json!({ "input": { "id": sys_id } }))
        .await;
    assert_eq!(code(&refused), "CONFLICT");

    let updated = app
        .ok(
            "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { systemId: system { id } status version } } }",
            json!({ "input": { "id": db_id, "systemId": null, "status": "BUILDING" } }),
        )
        .await;
    assert!(updated["updateDatabase"]["database"]["systemId"].is_null());
    assert_eq!(updated["updateDatabase"]["database"]["status"], "BUILDING");
    assert_eq!(updated["updateDatabase"]["database"]["version"], 2);

    app.ok(
        "mutation($input: DeleteInput!) { deleteInformationSystem(input: $input) { deletedId } }",
        json!({ "input": { "id": sys_id } }),
    )
    .await;
    app.ok(
        "mutation($input: DeleteInput!) { deleteDatabase(input: $input) { deletedId } }",
        json!({ "input": { "id": db_id } }),
    )
    .await;
    let gone = app
        .ok(r#"{ database(code: "ND-HONGHEO") { id } }"#, json!({}))
        .await;
    assert!(gone["database"].is_null());
}

#[tokio::test]
async fn data_items_and_sharing_policies() {
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
    let item = create_item(&app, &db, "HO-NGHEO", "Thông tin hộ nghèo").await;

    let policy = app
        .ok(
            r#"mutation($input: CreateSharingPolicyInput!) {
                createSharingPolicy(input: $input) { sharingPolicy { id consumerType mode conditions dataItem { name } } }
            }"#,
            json!({ "input": { "dataItemId": item, "consumerType": "STATE_AGENCY", "mode": "DEFAULT", "conditions": "Dùng cho chính sách an sinh xã hội" } }),
        )
        .await;
    let p = &policy["createSharingPolicy"]["sharingPolicy"];
    assert_eq!(p["dataItem"]["name"], "Thông tin hộ nghèo");
    let policy_id = p["id"].as_str().unwrap().to_owned();

    // Upsert: STATE_AGENCY changes, PUBLIC is added, nothing else is touched.
    let set = app
        .ok(
            r#"mutation($input: SetSharingPoliciesInput!) {
                setSharingPolicies(input: $input) { dataItem { code } policies { id consumerType mode legalBasis version } }
            }"#,
            json!({ "input": { "dataItemId": item, "policies": [
                { "consumerType": "STATE_AGENCY", "mode": "ON_REQUEST" },
                { "consumerType": "PUBLIC", "mode": "NOT_SHARED", "legalBasis": "Nghị định 13/2023/NĐ-CP" }
            ]}}),
        )
        .await;
    let policies = set["setSharingPolicies"]["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    let state = policies
        .iter()
        .find(|p| p["consumerType"] == "STATE_AGENCY")
        .unwrap();
    assert_eq!(state["mode"], "ON_REQUEST");
    assert_eq!(
        state["id"],
        policy_id.as_str(),
        "upsert keeps the existing row"
    );
    assert_eq!(state["version"], 2);

    let item_view = app
        .ok(
            "query($id: ID!) { dataItem(id: $id) { isMasterData database { code } policies(orderBy: [{field: CONSUMER_TYPE, direction: DESC}]) { totalCount nodes { consumerType } } } }",
            json!({ "id": item }),
        )
        .await;
    assert_eq!(item_view["dataItem"]["policies"]["totalCount"], 2);
    assert_eq!(
        item_view["dataItem"]["policies"]["nodes"][0]["consumerType"],
        "STATE_AGENCY"
    );

    let updated = app
        .ok(
            "mutation($input: UpdateSharingPolicyInput!) { updateSharingPolicy(input: $input) { sharingPolicy { mode conditions } } }",
            json!({ "input": { "id": policy_id, "mode": "DEFAULT", "conditions": null } }),
        )
        .await;
    assert_eq!(
        updated["updateSharingPolicy"]["sharingPolicy"]["mode"],
        "DEFAULT"
    );
    assert!(updated["updateSharingPolicy"]["sharingPolicy"]["conditions"].is_null());

    let renamed = app
        .ok(
            "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { name isPersonalData version } } }",
            json!({ "input": { "id": item, "name": "Thông tin hộ nghèo, hộ cận nghèo", "isPersonalData": true } }),
        )
        .await;
    assert_eq!(
        renamed["updateDataItem"]["dataItem"]["isPersonalData"],
        true
    );

    // The database cannot go while it has items; the item takes its policies with it.
    let refused = app
        .err(
            "mutation($input: DeleteInput!) { deleteDatabase(input: $input) { deletedId } }",
            json!({ "input": { "id": db } }),
        )
        .await;
    assert_eq!(code(&refused), "CONFLICT");
    assert!(
        refused["message"].as_str().unwrap().contains("data item"),
        "{refused}"
    );
    app.ok(
        "mutation($input: DeleteInput!) { deleteSharingPolicy(input: $input) { deletedId } }",
        json!({ "input": { "id": policy_id } }),
    )
    .await;
    app.ok(
        "mutation($input: DeleteInput!) { deleteDataItem(input: $input) { deletedId } }",
        json!({ "input": { "id": item } }),
    )
    .await;
    let left = app
        .ok(
            "{ sharingPolicies { totalCount } dataItems { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(left["sharingPolicies"]["totalCount"], 0);
    assert_eq!(left["dataItems"]["totalCount"], 0);
}

#[tokio::test]
async fn nodes_resolves_every_type_in_order() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let data = app
        .ok(
            r#"{
                organizations(first: 1) { nodes { id } }
                focalPoints(first: 1) { nodes { id } }
                informationSystems(first: 1) { nodes { id } }
                databases(first: 1) { nodes { id } }
                dataItems(first: 1) { nodes { id } }
                sharingPolicies(first: 1) { nodes { id } }
            }"#,
            json!({}),
        )
        .await;
    let ids: Vec<String> = [
        "organizations",
        "focalPoints",
        "informationSystems",
        "databases",
        "dataItems",
        "sharingPolicies",
    ]
    .iter()
    .map(|k| data[k]["nodes"][0]["id"].as_str().unwrap().to_owned())
    .collect();
    let nodes = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    let got: Vec<&str> = nodes["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "Organization",
            "FocalPoint",
            "InformationSystem",
            "Database",
            "DataItem",
            "SharingPolicy"
        ]
    );
    for (node, id) in nodes["nodes"].as_array().unwrap().iter().zip(&ids) {
        assert_eq!(node["id"], id.as_str());
    }
}

/// A delete based on a version other than the stored one is refused with CONFLICT and the
/// current version, and deletes nothing; with the current version it goes through.
#[tokio::test]
async fn a_delete_on_a_stale_version_is_refused() {
    let app = TestApp::spawn().await;
    let office = crate::support::nam_dong_office(&app).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &office).await;
    app.ok(
        "mutation($id: ID!) { updateDatabase(input: { id: $id, name: \"Cơ sở dữ liệu đất đai huyện Nam Đông\" }) { database { version } } }",
        json!({ "id": db }),
    )
    .await;
    let delete = "mutation($id: ID!, $v: Int) { deleteDatabase(input: { id: $id, expectedVersion: $v }) { deletedId } }";
    let err = app.err(delete, json!({ "id": db, "v": 1 })).await;
    assert_eq!(code(&err), "CONFLICT", "{err}");
    assert_eq!(err["extensions"]["currentVersion"], 2);
    let still = app
        .ok(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": db }),
        )
        .await;
    assert_eq!(still["node"]["id"], db);
    let done = app.ok(delete, json!({ "id": db, "v": 2 })).await;
    assert_eq!(done["deleteDatabase"]["deletedId"], db);
}
