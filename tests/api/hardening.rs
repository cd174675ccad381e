//! What a hostile caller probes: feedback on a draft dataset, introspection in production, and
//! the headers that keep GraphiQL from being framed or run with foreign scripts.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use sharegraph::access::Role;

use crate::support::{Shared, TestApp, code, create_db, create_item, nam_dong_office, shared_item};

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
    if sharegraph::web::graphiql::is_bundled() {
        assert!(csp.contains("script-src 'self' 'sha256-"), "{csp}");
    }
}

#[tokio::test]
async fn a_service_provides_only_its_providers_items_or_items_shared_with_it() {
    let app = TestApp::spawn().await;
    let a = nam_dong_office(&app).await;
    let b = crate::support::create_org(
        &app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let b_db = create_db(&app, "DB-HONGHEO", "Cơ sở dữ liệu hộ nghèo", &b).await;
    let b_item = create_item(&app, &b_db, "HONGHEO", "Danh sách hộ nghèo").await;
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
        json!({ "input": { "dataItemId": b_item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }),
    )
    .await;
    let steward_a = app.token(Role::Steward, Some("000.00.31.H57")).await;
    let create = "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id items { totalCount } } } }";
    let input = |code: &str| {
        json!({ "input": { "code": code, "name": "Dịch vụ tra cứu hộ nghèo", "providerId": a,
                           "method": "ONLINE_SERVICE", "platform": "LGSP", "itemIds": [b_item] } })
    };
    let err = app.err_as(Some(&steward_a), create, input("DV-1")).await;
    assert_eq!(code(&err), "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "input.itemIds");
    // Nothing was written: the service does not exist.
    let data = app.ok("{ dataServices { totalCount } }", json!({})).await;
    assert_eq!(data["dataServices"]["totalCount"], 0);
    // Once B shares the item with A, A's service may relay it.
    app.ok(
        "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
        json!({ "input": { "dataItemId": b_item, "consumerId": a } }),
    )
    .await;
    let data = app.ok_as(Some(&steward_a), create, input("DV-2")).await;
    assert_eq!(
        data["createDataService"]["dataService"]["items"]["totalCount"],
        1
    );
}

#[tokio::test]
async fn usage_records_spend_a_budget_per_token() {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.usage_events_per_minute = 5;
    })
    .await;
    let Shared { share, .. } = shared_item(&app, None).await;
    let record = "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }";
    let batch = |n: usize| {
        let events: Vec<_> = (0..n)
            .map(|i| {
                json!({ "shareId": share, "occurredAt": format!("2026-11-20T03:{i:02}:00Z"),
                             "operation": "QUERY", "recordCount": 1 })
            })
            .collect();
        json!({ "input": { "events": events } })
    };
    let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
    let data = app.ok_as(Some(&steward), record, batch(3)).await;
    assert_eq!(data["recordAccessEvents"]["recorded"], 3);
    let err = app.err_as(Some(&steward), record, batch(3)).await;
    assert_eq!(code(&err), "LIMIT_EXCEEDED");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("SHAREGRAPH_USAGE_EVENTS_PER_MINUTE")
    );
    // With the budget spent, the next batch is refused before it is parsed: 429, with when
    // to come back.
    let resp = app
        .http(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {steward}"))
                .body(Body::from(
                    json!({ "query": record, "variables": batch(1) }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, 429, "{:?}", resp.body);
    assert_eq!(code(&resp.body["errors"][0]), "LIMIT_EXCEEDED");
    // Another token has its own budget.
    let data = app.ok(record, batch(2)).await;
    assert_eq!(data["recordAccessEvents"]["recorded"], 2);
}

#[tokio::test]
async fn a_share_does_not_outlive_the_policy_it_rests_on() {
    let app = TestApp::spawn().await;
    let Shared { b, item, share, .. } = shared_item(&app, None).await;
    let set = "mutation($i: ID!, $m: SharingMode!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: STATE_AGENCY, mode: $m, legalBasis: \"Khoản 2 Điều 17 Luật Đất đai\" }] }) { policies { mode } } }";
    // Withdrawing the policy under an active share is refused, and nothing changes.
    let audit = app.audit_count().await;
    let err = app.err(set, json!({ "i": item, "m": "NOT_SHARED" })).await;
    assert_eq!(code(&err), "CONFLICT", "{err}");
    assert!(err["message"].as_str().unwrap().contains("1 active share"));
    assert_eq!(app.audit_count().await, audit);
    let data = app
        .ok(
            "query($i: ID!) { dataItem(id: $i) { isPublished policies { nodes { mode } } } }",
            json!({ "i": item }),
        )
        .await;
    assert_eq!(data["dataItem"]["isPublished"], true);
    assert_eq!(data["dataItem"]["policies"]["nodes"][0]["mode"], "DEFAULT");
    // Revoked first, it may go; the consumer still lists the share, without an error, and
    // without the item it may no longer see.
    app.ok(
        "mutation($input: UpdateShareInput!) { updateShare(input: $input) { share { status } } }",
        json!({ "input": { "id": share, "status": "REVOKED", "statusReason": "Dữ liệu chuyển sang nội bộ" } }),
    )
    .await;
    app.ok(set, json!({ "i": item, "m": "NOT_SHARED" })).await;
    let steward_b = app.token(Role::Steward, Some("000.00.32.H57")).await;
    let data = app
        .ok_as(
            Some(&steward_b),
            "query($b: ID!) { organization(id: $b) { sharesReceived { totalCount nodes { status dataItem { name } } } } }",
            json!({ "b": b }),
        )
        .await;
    let received = &data["organization"]["sharesReceived"];
    assert_eq!(received["totalCount"], 1);
    assert_eq!(received["nodes"][0]["status"], "REVOKED");
    assert!(received["nodes"][0]["dataItem"].is_null());
}

#[tokio::test]
async fn walks_share_one_budget_per_http_request() {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.walk_budget = 25_000;
    })
    .await;
    let office = nam_dong_office(&app).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &office).await;
    let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
    // Three aliased walks of 10,000 nodes: the third finds the budget spent.
    let q = "query($id: ID!) {
        a: lineage(root: $id, maxNodes: 10000) { truncated }
        b: lineage(root: $id, maxNodes: 10000) { truncated }
        c: lineage(root: $id, maxNodes: 10000) { truncated } }";
    let body = app
        .post_as(Some(&app.admin), q, json!({ "id": item }))
        .await;
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(code(&errors[0]), "LIMIT_EXCEEDED");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("SHAREGRAPH_WALK_BUDGET")
    );
    // Smaller walks fit.
    let q_small = q.replace("10000", "5000");
    app.ok(&q_small, json!({ "id": item })).await;
    // The budget is the HTTP request's: a batch's operations share it.
    let op = "query($id: ID!) { a: lineage(root: $id, maxNodes: 10000) { truncated } b: dataItem(id: $id) { downstream(maxNodes: 10000) { totalCount } } }";
    let batch = json!([
        { "query": op, "variables": { "id": item } },
        { "query": op, "variables": { "id": item } },
    ]);
    let resp = app
        .http(
            axum::http::Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {}", app.admin))
                .body(axum::body::Body::from(batch.to_string()))
                .unwrap(),
        )
        .await;
    // Operations run concurrently: which walks get the budget varies, how many does not.
    let mut refused = Vec::new();
    for answer in resp.body.as_array().unwrap() {
        for e in answer["errors"].as_array().into_iter().flatten() {
            refused.push(code(e).to_owned());
        }
    }
    assert_eq!(
        refused,
        ["LIMIT_EXCEEDED", "LIMIT_EXCEEDED"],
        "{}",
        resp.body
    );
}

/// Permission is checked before uniqueness: a caller who may not write there learns nothing of
/// which codes are taken (a hidden draft service's code answered CONFLICT before).
#[tokio::test]
async fn a_refusal_does_not_tell_which_codes_are_taken() {
    let app = TestApp::spawn().await;
    shared_item(&app, None).await;
    let a = app
        .ok(
            "{ organization(code: \"000.00.31.H57\") { id } }",
            json!({}),
        )
        .await["organization"]["id"]
        .clone();
    app.ok(
        "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
        json!({ "input": { "code": "SECRET-SVC-13", "name": "Dịch vụ nội bộ", "providerId": a,
                           "method": "ONLINE_SERVICE", "platform": "DIRECT" } }),
    )
    .await;
    let steward_a = app.token(Role::Steward, Some("000.00.31.H57")).await;
    let steward_b = app.token(Role::Steward, Some("000.00.32.H57")).await;
    let service = "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }";
    let database = "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }";
    for (mutation, taken, free) in [
        (
            service,
            json!({ "input": { "code": "SECRET-SVC-13", "name": "Dò", "providerId": a, "method": "ONLINE_SERVICE", "platform": "DIRECT" } }),
            json!({ "input": { "code": "UNUSED-SVC", "name": "Dò", "providerId": a, "method": "ONLINE_SERVICE", "platform": "DIRECT" } }),
        ),
        (
            database,
            json!({ "input": { "code": "DB-DATDAI", "name": "Dò", "kind": "LOCAL", "organizationId": a } }),
            json!({ "input": { "code": "DB-UNUSED", "name": "Dò", "kind": "LOCAL", "organizationId": a } }),
        ),
    ] {
        for input in [&taken, &free] {
            let err = app.err_as(Some(&steward_b), mutation, input.clone()).await;
            assert_eq!(code(&err), "FORBIDDEN", "{input}: {err}");
        }
        // The owner's steward is told the code is taken.
        let err = app.err_as(Some(&steward_a), mutation, taken).await;
        assert_eq!(code(&err), "CONFLICT");
    }
    // Organizations: only an admin creates them, whatever the code.
    let org = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
    for code_ in ["000.00.31.H57", "000.99.99.H57"] {
        let err = app
            .err_as(
                Some(&steward_a),
                org,
                json!({ "input": { "code": code_, "name": "Dò", "level": "DISTRICT" } }),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
    }
}

/// A hidden information system cannot be found through the databases it hosts: filtering by
/// its id finds what reading `Database.system` finds (nothing), and releases do not name it.
#[tokio::test]
async fn hidden_systems_are_not_found_by_filtering_or_in_releases() {
    let app = TestApp::spawn().await;
    let office = nam_dong_office(&app).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &office).await;
    let system = app
        .ok(
            "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }",
            json!({ "input": { "code": "HT-DATDAI", "name": "Hệ thống thông tin đất đai", "organizationId": office } }),
        )
        .await["createInformationSystem"]["informationSystem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
        json!({ "input": { "id": db, "systemId": system } }),
    )
    .await;
    let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
    crate::support::tu_phap_office(&app).await;
    let outsider = app.token(Role::Viewer, Some("000.00.32.H57")).await;
    let q = "query($s: ID!) {
        named: databases(where: { systemId: { eq: $s } }) { totalCount }
        listed: databases(where: { systemId: { in: [$s] } }) { totalCount }
        some: databases(where: { systemId: { isNull: false } }) { totalCount }
        none: databases(where: { systemId: { isNull: true } }) { totalCount }
        alternative: databases(where: { or: [{ systemId: { eq: $s } }, { code: { eq: \"NONE\" } }] }) { totalCount } }";
    for (who, token, found) in [
        ("public", None, 0),
        ("another office's viewer", Some(outsider.as_str()), 0),
        ("the system's steward", Some(steward.as_str()), 1),
        ("admin", Some(app.admin.as_str()), 1),
    ] {
        let data = app.ok_as(token, q, json!({ "s": system })).await;
        for (alias, expected) in [
            ("named", found),
            ("listed", found),
            ("some", found),
            ("none", 1 - found),
            ("alternative", found),
        ] {
            assert_eq!(
                data[alias]["totalCount"], expected,
                "{who}, {alias}: {data}"
            );
        }
    }

    app.ok_as(
        Some(&steward),
        "mutation($input: PublishCatalogueReleaseInput!) { publishCatalogueRelease(input: $input) { catalogueRelease { id } } }",
        json!({ "input": { "organizationId": office, "decisionNumber": "15/QĐ-UBND", "decidedOn": "2026-12-01", "signer": "Nguyễn Văn An" } }),
    )
    .await;
    let data = app
        .ok_as(
            None,
            "{ catalogueReleases { nodes { snapshot } } }",
            json!({}),
        )
        .await;
    let databases = &data["catalogueReleases"]["nodes"][0]["snapshot"]["databases"];
    assert_eq!(databases[0]["code"], "DB-DATDAI", "{data}");
    assert!(databases[0].get("system_id").is_none(), "{databases}");
    let stored: String = {
        use sea_orm::EntityTrait;
        entity::catalogue_release::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .snapshot
    };
    assert!(!stored.contains("system_id"), "{stored}");
}

/// The keeper of an item learns what keeps it from being deleted even when it cannot see it (a
/// derivation into another office's internal item) and can remove those links itself.
#[tokio::test]
async fn an_items_keeper_can_detach_derivations_it_cannot_see() {
    let app = TestApp::spawn().await;
    let Shared { b, item, .. } = shared_item(&app, None).await;
    let b_db = create_db(&app, "DB-TUPHAP", "Cơ sở dữ liệu hộ tịch", &b).await;
    // No policy: the derived item is internal to office B.
    let internal = create_item(&app, &b_db, "THUADAT-HT", "Thửa đất theo hộ tịch").await;
    app.ok(
        "mutation($s: ID!, $d: ID!) { createDerivation(input: { sourceItemId: $s, derivedItemId: $d }) { derivation { id } } }",
        json!({ "s": item, "d": internal }),
    )
    .await;
    let steward_a = app.token(Role::Steward, Some("000.00.31.H57")).await;
    let steward_b = app.token(Role::Steward, Some("000.00.32.H57")).await;

    let data = app
        .ok_as(
            Some(&steward_a),
            "query($i: ID!) { dataItem(id: $i) { derivedInto { totalCount } } }",
            json!({ "i": item }),
        )
        .await;
    assert_eq!(data["dataItem"]["derivedInto"]["totalCount"], 0);
    let delete = "mutation($i: ID!) { deleteDataItem(input: { id: $i }) { deletedId } }";
    let refused = app
        .err_as(Some(&steward_a), delete, json!({ "i": item }))
        .await;
    assert_eq!(code(&refused), "CONFLICT", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains(
            "1 derivation(s) linking it with items of other organizations that you cannot see"
        ),
        "{message}"
    );
    assert!(message.contains("detachDerivations"), "{message}");
    assert!(!message.contains("Thửa đất theo hộ tịch"), "{message}");

    let detach = "mutation($i: ID!) { detachDerivations(input: { dataItemId: $i }) { removed } }";
    // Office B sees the item but does not keep it.
    let other = app
        .err_as(Some(&steward_b), detach, json!({ "i": item }))
        .await;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
    let data = app
        .ok_as(Some(&steward_a), detach, json!({ "i": item }))
        .await;
    assert_eq!(data["detachDerivations"]["removed"], 1);
    let log = app
        .ok(
            "{ auditLog(where: { entityType: { eq: \"Derivation\" } }) { nodes { action } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = log["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "DELETE").count(),
        1,
        "{log}"
    );

    // What still stops the delete is the share, which the keeper sees and can act on.
    let refused = app
        .err_as(Some(&steward_a), delete, json!({ "i": item }))
        .await;
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("1 share(s)"), "{message}");
    assert!(!message.contains("derivation"), "{message}");
}

/// The serving pool's connections stop any statement running past the request timeout, so a
/// request answered `TIMEOUT` leaves no work behind: PostgreSQL through `statement_timeout`,
/// SQLite through a progress handler that interrupts the statement.
#[tokio::test]
async fn the_database_stops_statements_at_the_bound() {
    use sea_orm::{ConnectionTrait, Statement};
    use sharegraph::store::connect::{DbSettings, connect};
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::postgres_url().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bound.db").display()
        )
    });
    let db = connect(&DbSettings {
        url,
        max_connections: 1,
        schema: None,
        statement_timeout: Some(std::time::Duration::from_millis(200)),
    })
    .await
    .unwrap();
    let backend = db.get_database_backend();
    // Minutes of work on either database, were it not stopped.
    let long = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT pg_sleep(300)",
        _ => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT count(*) FROM c"
        }
    };
    let err = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        db.query_one_raw(Statement::from_string(backend, long)),
    )
    .await
    .expect("the statement is stopped well before its minutes of work")
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("statement timeout") || message.contains("interrupted"),
        "{message}"
    );
    // The connection is still good for the next statement, which runs to its end.
    let quick = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT count(*) AS n FROM c";
    let row = db
        .query_one_raw(Statement::from_string(backend, quick))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1000);
    // PostgreSQL's JIT compiler is off on the server's connections: compiling a walk whose
    // cost it overestimates took longer than the walk.
    if backend == sea_orm::DatabaseBackend::Postgres {
        let row = db
            .query_one_raw(Statement::from_string(backend, "SHOW jit"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "off");
    }
}

/// Requests without a token get a far smaller body than token holders (whose imports need
/// megabytes): a large body is refused before it is parsed into GraphQL values.
#[tokio::test]
async fn anonymous_bodies_are_bounded_before_parsing() {
    let app = TestApp::spawn_with(|l| l.anonymous_max_body_bytes = 2_000).await;
    let alternatives: Vec<Value> = (0..60)
        .map(|i| json!({ "name": { "contains": format!("Phòng Tài nguyên {i}") } }))
        .collect();
    let body = json!({
        "query": "query($w: OrganizationWhere) { organizations(where: $w) { totalCount } }",
        "variables": { "w": { "or": alternatives } },
    })
    .to_string();
    assert!(body.len() > 2_000);
    let send = |token: Option<String>| {
        let mut request = Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::from(body.clone())).unwrap()
    };
    let refused = app.http(send(None)).await;
    assert_eq!(refused.status, 413, "{:?}", refused.body);
    assert_eq!(code(&refused.body["errors"][0]), "LIMIT_EXCEEDED");
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("SHAREGRAPH_ANONYMOUS_MAX_BODY_BYTES"),
        "{message}"
    );
    let viewer = app.token(Role::Admin, None).await;
    let answered = app.http(send(Some(viewer))).await;
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    assert_eq!(answered.body["data"]["organizations"]["totalCount"], 0);
}

/// A request that outlives SHAREGRAPH_REQUEST_TIMEOUT_SECS is answered 503 with `TIMEOUT`, and
/// the write it was making is dropped whole. Here the write waits for a row another
/// transaction holds (a lock wait, on both databases), and the holder keeps it past the bound.
#[tokio::test]
async fn a_request_past_its_time_is_answered_timeout_and_writes_nothing() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = TestApp::spawn_with(|l| l.request_timeout_secs = 1).await;
    let office = nam_dong_office(&app).await;
    let holder = app.db.begin().await.unwrap();
    holder
        .execute_unprepared("UPDATE organizations SET phone = '0234 3886 000'")
        .await
        .unwrap();
    let began = std::time::Instant::now();
    let answer = app
        .http(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .header("authorization", format!("Bearer {}", app.admin))
                .body(Body::from(
                    json!({
                        "query": "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { phone } } }",
                        "variables": { "input": { "id": office, "phone": "0234 3886 111" } },
                    })
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    let took = began.elapsed();
    assert_eq!(answer.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        code(&answer.body["errors"][0]),
        "TIMEOUT",
        "{}",
        answer.body
    );
    assert!(
        took < std::time::Duration::from_secs(4),
        "answered at the bound, not when the lock was let go: {took:?}"
    );
    holder.rollback().await.unwrap();
    let data = app
        .ok(
            "query($id: ID!) { organization(id: $id) { phone version } }",
            json!({ "id": office }),
        )
        .await;
    assert_ne!(data["organization"]["phone"], "0234 3886 111", "{data}");
    assert_eq!(data["organization"]["version"], 1, "{data}");
}
