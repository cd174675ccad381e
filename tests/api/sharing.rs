//! Services, shares and derivations: every rule on write, the lists around them, and
//! `complianceIssues`.

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, create_org};

struct World {
    provider: String,
    consumer: String,
    enterprise: String,
    x: String,
    y: String,
    z: String,
    service: String,
    other_service: String,
}

async fn set_policies(app: &TestApp, item: &str, policies: Value) {
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
        json!({ "input": { "dataItemId": item, "policies": policies } }),
    )
    .await;
}

async fn create_service(
    app: &TestApp,
    code: &str,
    provider: &str,
    items: Vec<&str>,
    status: &str,
) -> String {
    app.ok(
        "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
        json!({ "input": { "code": code, "name": format!("Dịch vụ {code}"), "providerId": provider, "method": "ONLINE_SERVICE",
                           "platform": "LGSP", "status": status, "itemIds": items } }),
    )
    .await["createDataService"]["dataService"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn world(app: &TestApp) -> World {
    let provider = create_org(
        app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let consumer = create_org(
        app,
        "000.08.39.H57",
        "Phòng Y tế huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let enterprise = app
        .ok(
            "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "code": "DN.3301598762", "name": "Công ty TNHH Du lịch sinh thái Nam Đông", "consumerType": "ENTERPRISE" } }),
        )
        .await["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let db = create_db(app, "ND-HONGHEO", "Cơ sở dữ liệu hộ nghèo", &provider).await;
    let x = create_item(app, &db, "HO-NGHEO", "Thông tin hộ nghèo").await;
    let y = create_item(app, &db, "NOI-BO", "Ghi chú nội bộ").await;
    let z = create_item(app, &db, "TY-LE", "Tỷ lệ hộ nghèo theo xã").await;
    set_policies(app, &x, json!([
        { "consumerType": "STATE_AGENCY", "mode": "DEFAULT" },
        { "consumerType": "ENTERPRISE", "mode": "ON_REQUEST" },
        { "consumerType": "PUBLIC", "mode": "NOT_SHARED", "legalBasis": "Nghị định 13/2023/NĐ-CP" }
    ]))
    .await;
    set_policies(
        app,
        &y,
        json!([{ "consumerType": "STATE_AGENCY", "mode": "NOT_SHARED", "legalBasis": "Nội bộ" }]),
    )
    .await;
    set_policies(
        app,
        &z,
        json!([{ "consumerType": "PUBLIC", "mode": "OPEN" }]),
    )
    .await;
    let service = create_service(app, "ND-HONGHEO-API", &provider, vec![&x], "PUBLISHED").await;
    let other_service = create_service(app, "ND-KHAC", &provider, vec![&z], "PUBLISHED").await;
    World {
        provider,
        consumer,
        enterprise,
        x,
        y,
        z,
        service,
        other_service,
    }
}

const CREATE_SHARE: &str = "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id mode status provider { code } consumer { code } service { code } } } }";
const UPDATE_SHARE: &str = "mutation($input: UpdateShareInput!) { updateShare(input: $input) { share { id status statusReason version } } }";

async fn share_err(app: &TestApp, query: &str, input: Value, want: &str, field: Option<&str>) {
    let err = app.err(query, json!({ "input": input })).await;
    assert_eq!(code(&err), want, "{err:#}");
    if let Some(f) = field {
        assert_eq!(err["extensions"]["field"], f, "{err:#}");
    }
}

#[tokio::test]
async fn share_rules() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;

    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.x, "consumerId": w.provider }),
        "BAD_USER_INPUT",
        Some("input.consumerId"),
    )
    .await;
    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.y, "consumerId": w.consumer }),
        "BAD_USER_INPUT",
        Some("input.mode"),
    )
    .await;
    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.x, "consumerId": w.consumer, "mode": "ON_REQUEST" }),
        "BAD_USER_INPUT",
        Some("input.mode"),
    )
    .await;
    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.x, "consumerId": w.consumer, "serviceId": w.other_service }),
        "BAD_USER_INPUT",
        Some("input.serviceId"),
    )
    .await;
    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.x, "consumerId": w.consumer, "validFrom": "2025-01-01", "validUntil": "2024-12-31" }),
        "BAD_USER_INPUT",
        Some("input.validUntil"),
    )
    .await;

    // The mode defaults to what the policy gives the consumer's type.
    let s = app.ok(CREATE_SHARE, json!({ "input": { "dataItemId": w.x, "consumerId": w.consumer, "serviceId": w.service, "purpose": "Cấp thẻ BHYT" } })).await;
    let share = &s["createShare"]["share"];
    assert_eq!(share["mode"], "DEFAULT");
    assert_eq!(share["status"], "ACTIVE");
    assert_eq!(share["provider"]["code"], "000.04.39.H57");
    assert_eq!(share["service"]["code"], "ND-HONGHEO-API");
    let share_id = share["id"].as_str().unwrap().to_owned();
    share_err(
        &app,
        CREATE_SHARE,
        json!({ "dataItemId": w.x, "consumerId": w.consumer }),
        "CONFLICT",
        None,
    )
    .await;

    let e = app
        .ok(
            CREATE_SHARE,
            json!({ "input": { "dataItemId": w.x, "consumerId": w.enterprise } }),
        )
        .await;
    assert_eq!(e["createShare"]["share"]["mode"], "ON_REQUEST");
    // No ENTERPRISE policy, but the public may have it as open data.
    let o = app
        .ok(
            CREATE_SHARE,
            json!({ "input": { "dataItemId": w.z, "consumerId": w.enterprise } }),
        )
        .await;
    assert_eq!(o["createShare"]["share"]["mode"], "OPEN");

    // Status changes: EXPIRED is derived, a revocation states its reason and is final.
    share_err(
        &app,
        UPDATE_SHARE,
        json!({ "id": share_id, "status": "EXPIRED" }),
        "BAD_USER_INPUT",
        Some("input.status"),
    )
    .await;
    share_err(
        &app,
        UPDATE_SHARE,
        json!({ "id": share_id, "status": "REVOKED" }),
        "BAD_USER_INPUT",
        Some("input.statusReason"),
    )
    .await;
    let s = app.ok(UPDATE_SHARE, json!({ "input": { "id": share_id, "status": "SUSPENDED", "statusReason": "Rà soát mục đích" } })).await;
    assert_eq!(s["updateShare"]["share"]["status"], "SUSPENDED");
    let s = app.ok(UPDATE_SHARE, json!({ "input": { "id": share_id, "status": "REVOKED", "statusReason": "Hết nhu cầu" } })).await;
    assert_eq!(s["updateShare"]["share"]["status"], "REVOKED");
    share_err(
        &app,
        UPDATE_SHARE,
        json!({ "id": share_id, "status": "ACTIVE" }),
        "CONFLICT",
        None,
    )
    .await;
    app.ok(
        CREATE_SHARE,
        json!({ "input": { "dataItemId": w.x, "consumerId": w.consumer } }),
    )
    .await;

    // A share whose validity has passed reads EXPIRED and does not block a new one.
    let second_consumer = create_org(
        &app,
        "000.05.39.H57",
        "Phòng Giáo dục và Đào tạo huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let old = app
        .ok(CREATE_SHARE, json!({ "input": { "dataItemId": w.x, "consumerId": second_consumer, "validFrom": "2020-01-01", "validUntil": "2021-12-31" } }))
        .await;
    assert_eq!(old["createShare"]["share"]["status"], "EXPIRED");
    app.ok(
        CREATE_SHARE,
        json!({ "input": { "dataItemId": w.x, "consumerId": second_consumer } }),
    )
    .await;

    // Lists around shares, filtered by mode, status and counterparty.
    let data = app
        .ok(
            r#"query($p: ID!, $c: ID!, $e: ID!) {
                provider: organization(id: $p) {
                    sharesProvided { totalCount }
                    active: sharesProvided(where: { status: { eq: ACTIVE } }) { totalCount }
                    expired: sharesProvided(where: { status: { eq: EXPIRED } }) { totalCount }
                    ended: sharesProvided(where: { status: { in: [REVOKED, EXPIRED] } }) { totalCount }
                    toEnterprise: sharesProvided(where: { counterpartyId: { eq: $e } }) { nodes { mode } }
                    open: sharesProvided(where: { mode: { eq: OPEN } }) { totalCount }
                }
                consumer: organization(id: $c) { sharesReceived { totalCount nodes { dataItem { code } provider { code } } } }
                enterprise: organization(id: $e) { sharesReceived(where: { counterpartyId: { eq: $p } }) { totalCount } }
            }"#,
            json!({ "p": w.provider, "c": w.consumer, "e": w.enterprise }),
        )
        .await;
    assert_eq!(data["provider"]["sharesProvided"]["totalCount"], 6);
    assert_eq!(data["provider"]["active"]["totalCount"], 4);
    assert_eq!(data["provider"]["expired"]["totalCount"], 1);
    assert_eq!(data["provider"]["ended"]["totalCount"], 2);
    assert_eq!(
        data["provider"]["toEnterprise"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(data["provider"]["open"]["totalCount"], 1);
    assert_eq!(data["consumer"]["sharesReceived"]["totalCount"], 2);
    assert_eq!(data["enterprise"]["sharesReceived"]["totalCount"], 2);

    let data = app
        .ok(
            r#"query($x: ID!, $s: ID!) {
                dataItem(id: $x) { shares { totalCount } services { nodes { code } } }
                dataService(id: $s) { items { totalCount nodes { code } } shares { totalCount } provider { code } }
            }"#,
            json!({ "x": w.x, "s": w.service }),
        )
        .await;
    assert_eq!(data["dataItem"]["shares"]["totalCount"], 5);
    assert_eq!(
        data["dataItem"]["services"]["nodes"],
        json!([{ "code": "ND-HONGHEO-API" }])
    );
    assert_eq!(data["dataService"]["items"]["totalCount"], 1);
    assert_eq!(data["dataService"]["shares"]["totalCount"], 1);
}

#[tokio::test]
async fn references_and_ownership_moves() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    app.ok(
        CREATE_SHARE,
        json!({ "input": { "dataItemId": w.x, "consumerId": w.consumer, "serviceId": w.service } }),
    )
    .await;

    for (mutation, id, what) in [
        ("deleteDataItem", &w.x, "share"),
        ("deleteDataService", &w.service, "share"),
        ("deleteOrganization", &w.consumer, "share"),
    ] {
        let err = app
            .err(
                &format!(
                    "mutation($input: DeleteInput!) {{ {mutation}(input: $input) {{ deletedId }} }}"
                ),
                json!({ "input": { "id": id } }),
            )
            .await;
        assert_eq!(code(&err), "CONFLICT", "{mutation}: {err}");
        assert!(err["message"].as_str().unwrap().contains(what), "{err}");
    }
    // The service cannot drop an item that is shared through it.
    let err = app
        .err(
            "mutation($input: UpdateDataServiceInput!) { updateDataService(input: $input) { dataService { id } } }",
            json!({ "input": { "id": w.service, "itemIds": [w.z] } }),
        )
        .await;
    assert_eq!(code(&err), "CONFLICT");

    // Moving the database to the consumer would make it share with itself.
    let db = app
        .ok(r#"{ database(code: "ND-HONGHEO") { id } }"#, json!({}))
        .await["database"]["id"]
        .clone();
    let err = app
        .err(
            "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
            json!({ "input": { "id": db, "organizationId": w.consumer } }),
        )
        .await;
    assert_eq!(code(&err), "CONFLICT", "{err}");
    // Moving it elsewhere carries the items and their shares along.
    let other = create_org(
        &app,
        "000.01.39.H57",
        "Văn phòng HĐND và UBND huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    app.ok(
        "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
        json!({ "input": { "id": db, "organizationId": other } }),
    )
    .await;
    let data = app
        .ok("query($o: ID!) { organization(id: $o) { sharesProvided { nodes { provider { id } dataItem { code } } } } }", json!({ "o": other }))
        .await;
    assert_eq!(
        data["organization"]["sharesProvided"]["nodes"][0]["provider"]["id"],
        other.as_str()
    );
}

#[tokio::test]
async fn services_derivations_and_compliance_issues() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    // Published without a date: published today. Published with nothing in it: an issue.
    let empty = app
        .ok(
            "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id publishedOn status } } }",
            json!({ "input": { "code": "RONG", "name": "Dịch vụ rỗng", "providerId": w.provider, "method": "ONLINE_SERVICE", "platform": "DIRECT", "status": "PUBLISHED" } }),
        )
        .await;
    assert!(empty["createDataService"]["dataService"]["publishedOn"].is_string());
    let err = app
        .err(
            "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
            json!({ "input": { "code": "ND-HONGHEO-API", "name": "Trùng", "providerId": w.provider, "method": "ONLINE_SERVICE", "platform": "DIRECT" } }),
        )
        .await;
    assert_eq!(code(&err), "CONFLICT");

    // A service's contact is one of its provider's focal points.
    let other_fp = app
        .ok(
            "mutation($input: CreateFocalPointInput!) { createFocalPoint(input: $input) { focalPoint { id } } }",
            json!({ "input": { "organizationId": w.consumer, "scope": "INTERNAL", "fullName": "Võ Thị Hằng" } }),
        )
        .await["createFocalPoint"]["focalPoint"]["id"]
        .clone();
    let err = app
        .err(
            "mutation($input: UpdateDataServiceInput!) { updateDataService(input: $input) { dataService { id } } }",
            json!({ "input": { "id": w.service, "contactId": other_fp } }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "input.contactId");
    // Nothing is shared through a retired service.
    app.ok(
        "mutation($input: UpdateDataServiceInput!) { updateDataService(input: $input) { dataService { status } } }",
        json!({ "input": { "id": w.service, "status": "RETIRED" } }),
    )
    .await;
    let err = app
        .err(CREATE_SHARE, json!({ "input": { "dataItemId": w.x, "consumerId": w.consumer, "serviceId": w.service } }))
        .await;
    assert_eq!(err["extensions"]["field"], "input.serviceId");

    let db2 = create_db(&app, "ND-YTE", "Cơ sở dữ liệu y tế", &w.consumer).await;
    let bhyt = create_item(&app, &db2, "BHYT", "Người tham gia bảo hiểm y tế").await;
    let create = "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id source { code } derived { code } } } }";
    let err = app
        .err(
            create,
            json!({ "input": { "sourceItemId": w.x, "derivedItemId": w.x } }),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "input.derivedItemId");
    // Cross-organization with no share: stored, and reported.
    app.ok(create, json!({ "input": { "sourceItemId": w.x, "derivedItemId": bhyt, "transformation": "Lập danh sách cấp thẻ" } })).await;
    let err = app
        .err(
            create,
            json!({ "input": { "sourceItemId": w.x, "derivedItemId": bhyt } }),
        )
        .await;
    assert_eq!(code(&err), "CONFLICT");

    let issues = r#"query($w: ComplianceIssueWhere) { complianceIssues(where: $w) { totalCount nodes { kind organization { code } derivation { source { code } derived { code } } dataService { code } message } } }"#;
    let data = app.ok(issues, json!({})).await;
    let list = &data["complianceIssues"];
    assert_eq!(list["totalCount"], 2, "{data}");
    assert_eq!(list["nodes"][0]["kind"], "EMPTY_PUBLISHED_SERVICE");
    assert_eq!(list["nodes"][0]["dataService"]["code"], "RONG");
    assert_eq!(list["nodes"][1]["kind"], "UNDOCUMENTED_FLOW");
    assert_eq!(list["nodes"][1]["organization"]["code"], "000.08.39.H57");
    assert_eq!(list["nodes"][1]["derivation"]["derived"]["code"], "BHYT");
    let only = app
        .ok(
            issues,
            json!({ "w": { "kind": { "eq": "UNDOCUMENTED_FLOW" }, "organizationId": w.consumer } }),
        )
        .await;
    assert_eq!(only["complianceIssues"]["totalCount"], 1);
    let paged = app
        .ok(
            "{ complianceIssues(first: 1) { nodes { kind } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    let after = paged["complianceIssues"]["pageInfo"]["endCursor"].clone();
    assert_eq!(paged["complianceIssues"]["pageInfo"]["hasNextPage"], true);
    let next = app.ok("query($a: String) { complianceIssues(first: 1, after: $a) { nodes { kind } pageInfo { hasNextPage } } }", json!({ "a": after })).await;
    assert_eq!(
        next["complianceIssues"]["nodes"][0]["kind"],
        "UNDOCUMENTED_FLOW"
    );

    // Documenting the flow with a share resolves the issue.
    app.ok(
        CREATE_SHARE,
        json!({ "input": { "dataItemId": w.x, "consumerId": w.consumer } }),
    )
    .await;
    let data = app
        .ok(
            issues,
            json!({ "w": { "kind": { "eq": "UNDOCUMENTED_FLOW" } } }),
        )
        .await;
    assert_eq!(data["complianceIssues"]["totalCount"], 0);

    let data = app
        .ok("query($x: ID!) { dataItem(id: $x) { derivedInto { totalCount nodes { transformation derived { code } } } derivedFrom { totalCount } } }", json!({ "x": w.x }))
        .await;
    assert_eq!(data["dataItem"]["derivedInto"]["totalCount"], 1);
    assert_eq!(
        data["dataItem"]["derivedInto"]["nodes"][0]["transformation"],
        "Lập danh sách cấp thẻ"
    );
    assert_eq!(data["dataItem"]["derivedFrom"]["totalCount"], 0);
}

/// Walks, the sharing graph and `complianceIssues` follow only shares in force: of four shares
/// of one item, the active one is followed; the suspended, revoked and expired ones are not,
/// and a derivation resting on one of them is reported as undocumented.
#[tokio::test]
async fn walks_and_compliance_follow_only_shares_in_force() {
    let app = TestApp::spawn().await;
    let provider = crate::support::nam_dong_office(&app).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &provider).await;
    let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
    set_policies(
        &app,
        &item,
        json!([{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }]),
    )
    .await;
    let consumers = [
        ("000.00.32.H57", "Phòng Tư pháp huyện Nam Đông", "ACTIVE"),
        ("000.00.33.H57", "Phòng Y tế huyện Nam Đông", "SUSPENDED"),
        ("000.00.34.H57", "Phòng Nội vụ huyện Nam Đông", "REVOKED"),
        (
            "000.00.35.H57",
            "Phòng Kinh tế và Hạ tầng huyện Nam Đông",
            "EXPIRED",
        ),
    ];
    let mut ids = Vec::new();
    for (code, name, status) in consumers {
        let org = create_org(&app, code, name, "DISTRICT", None).await;
        let dates = if status == "EXPIRED" {
            json!({ "validFrom": "2020-01-01", "validUntil": "2021-12-31" })
        } else {
            json!({})
        };
        let mut input = json!({ "dataItemId": item, "consumerId": org });
        input
            .as_object_mut()
            .unwrap()
            .extend(dates.as_object().unwrap().clone());
        let share =
            app.ok(CREATE_SHARE, json!({ "input": input })).await["createShare"]["share"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
        if status == "SUSPENDED" || status == "REVOKED" {
            app.ok(
                UPDATE_SHARE,
                json!({ "input": { "id": share, "status": status, "statusReason": "Rà soát mục đích sử dụng" } }),
            )
            .await;
        }
        ids.push(org);
    }
    let active = &ids[0];

    let data = app
        .ok(
            r#"query($item: ID!, $org: ID!) {
                dataItem(id: $item) { impact { totalCount nodes { organization { id } via } } }
                lineage(root: $item, edgeKinds: [SHARED_WITH]) { nodes { id kind } }
                organization(id: $org) { sharingGraph { totalEdges edges { consumer { id } total } } }
            }"#,
            json!({ "item": item, "org": provider }),
        )
        .await;
    assert_eq!(
        data["dataItem"]["impact"]["nodes"],
        json!([{ "organization": { "id": active }, "via": "SHARED_WITH" }]),
        "{data}"
    );
    let organizations: Vec<&Value> = data["lineage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "ORGANIZATION")
        .map(|n| &n["id"])
        .collect();
    assert_eq!(organizations, [&json!(active)], "{data}");
    assert_eq!(
        data["organization"]["sharingGraph"]["edges"],
        json!([{ "consumer": { "id": active }, "total": 1 }]),
        "{data}"
    );

    // Each consumer derives an item from the shared one: only the derivation resting on the
    // active share is documented.
    for (i, org) in ids.iter().enumerate() {
        let own = create_db(&app, &format!("DB-NHAN-{i}"), "Cơ sở dữ liệu nhận về", org).await;
        let derived = create_item(&app, &own, "THUADAT-SAO", "Thửa đất (bản sao)").await;
        app.ok(
            "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }",
            json!({ "input": { "sourceItemId": item, "derivedItemId": derived } }),
        )
        .await;
    }
    let issues = app
        .ok(
            "{ complianceIssues(where: { kind: { eq: UNDOCUMENTED_FLOW } }) { nodes { organization { id } } } }",
            json!({}),
        )
        .await;
    let mut flagged: Vec<&str> = issues["complianceIssues"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["organization"]["id"].as_str().unwrap())
        .collect();
    flagged.sort_unstable();
    let mut expected: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(flagged, expected, "{issues}");
}
