//! `where:` filters: text folding, enums, ids, times, booleans, `or`.

use serde_json::{Value, json};

use crate::support::{TestApp, code, nam_dong_office};

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

async fn org_names(app: &TestApp, filter: Value) -> Vec<String> {
    let data = app
        .ok("query($w: OrganizationWhere) { organizations(where: $w, first: 100) { totalCount nodes { name } } }", json!({ "w": filter }))
        .await;
    let list = &data["organizations"];
    assert_eq!(
        list["totalCount"].as_u64().unwrap() as usize,
        list["nodes"].as_array().unwrap().len()
    );
    names(list)
}

#[tokio::test]
async fn text_contains_folds_case_and_vietnamese_diacritics() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let tnmt = vec!["Phòng Tài nguyên và Môi trường huyện Nam Đông".to_owned()];
    assert_eq!(
        org_names(&app, json!({ "name": { "contains": "phong tai nguyen" } })).await,
        tnmt
    );
    assert_eq!(
        org_names(&app, json!({ "name": { "contains": "PHÒNG TÀI NGUYÊN" } })).await,
        tnmt
    );
    assert_eq!(
        org_names(
            &app,
            json!({ "name": { "contains": "tài   nguyên và môi trường  huyện" } })
        )
        .await,
        tnmt
    );
    // "đ" folds to "d" both ways.
    let dong = org_names(
        &app,
        json!({ "name": { "contains": "nam dong", "startsWith": "Phòng Tài ng" } }),
    )
    .await;
    assert_eq!(dong, tnmt);
    assert_eq!(
        org_names(&app, json!({ "name": { "contains": "Khe Tre" } })).await,
        vec!["Ủy ban nhân dân thị trấn Khe Tre"]
    );
    assert_eq!(
        org_names(&app, json!({ "name": { "contains": "thi tran khe tre" } }))
            .await
            .len(),
        1
    );
    // LIKE wildcards are literal.
    assert!(
        org_names(&app, json!({ "name": { "contains": "%" } }))
            .await
            .is_empty()
    );
    assert!(
        org_names(&app, json!({ "name": { "contains": "_" } }))
            .await
            .is_empty()
    );
    // The same on the other text columns.
    let data = app
        .ok(r#"{ dataItems(where: { name: { contains: "ho ngheo" } }) { nodes { name } } databases(where: { name: { contains: "dat dai" } }) { nodes { name } } }"#, json!({}))
        .await;
    assert!(names(&data["dataItems"]).contains(&"Thông tin hộ nghèo".to_owned()));
    assert_eq!(
        names(&data["databases"]),
        [
            "Cơ sở dữ liệu quốc gia về đất đai",
            "Cơ sở dữ liệu đất đai huyện Nam Đông"
        ]
    );
    let data = app
        .ok(r#"{ focalPoints(where: { fullName: { contains: "ho van thang" } }) { nodes { fullName } } }"#, json!({}))
        .await;
    assert_eq!(data["focalPoints"]["nodes"][0]["fullName"], "Hồ Văn Thắng");
}

#[tokio::test]
async fn exact_enum_id_time_boolean_and_or_filters() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    assert_eq!(
        org_names(
            &app,
            json!({ "code": { "in": ["000.00.00.G08", "000.00.00.G17", "nope"] } })
        )
        .await,
        ["Bộ Công an", "Bộ Tài nguyên và Môi trường"]
    );
    assert_eq!(
        org_names(&app, json!({ "code": { "eq": "000.00.00.G08" } })).await,
        ["Bộ Công an"]
    );
    assert_eq!(
        org_names(&app, json!({ "code": { "startsWith": "000.00.00." } }))
            .await
            .len(),
        3
    );
    assert_eq!(
        org_names(&app, json!({ "level": { "eq": "COMMUNE" } }))
            .await
            .len(),
        5
    );
    assert_eq!(
        org_names(&app, json!({ "level": { "in": ["CENTRAL", "PROVINCE"] } }))
            .await
            .len(),
        4
    );
    assert_eq!(
        org_names(
            &app,
            json!({ "consumerType": { "in": ["ENTERPRISE", "ORGANIZATION"] } })
        )
        .await,
        [
            "Công ty TNHH Du lịch sinh thái Nam Đông",
            "Hợp tác xã Nông nghiệp Thanh trà Hương Hữu"
        ]
    );
    assert_eq!(
        org_names(&app, json!({ "parentId": { "isNull": true } }))
            .await
            .len(),
        5
    );
    let district = app
        .ok(
            r#"{ organization(code: "000.00.39.H57") { id } }"#,
            json!({}),
        )
        .await["organization"]["id"]
        .clone();
    assert_eq!(
        org_names(&app, json!({ "parentId": { "eq": district } }))
            .await
            .len(),
        16
    );
    assert_eq!(
        org_names(
            &app,
            json!({ "parentId": { "eq": district }, "level": { "eq": "COMMUNE" } })
        )
        .await
        .len(),
        5
    );
    // `or`: communes, or anything named like a ministry.
    assert_eq!(
        org_names(
            &app,
            json!({ "or": [{ "level": { "eq": "COMMUNE" } }, { "name": { "startsWith": "Bộ " } }] })
        )
        .await
        .len(),
        7
    );
    // Fields and `or` combine with AND.
    assert_eq!(
        org_names(&app, json!({ "level": { "eq": "CENTRAL" }, "or": [{ "code": { "eq": "000.00.00.G08" } }, { "code": { "eq": "000.00.39.H57" } }] })).await,
        ["Bộ Công an"]
    );
    assert_eq!(
        org_names(
            &app,
            json!({ "createdAt": { "gte": "2000-01-01T00:00:00Z" } })
        )
        .await
        .len(),
        23
    );
    assert!(
        org_names(
            &app,
            json!({ "createdAt": { "lt": "2000-01-01T00:00:00Z" } })
        )
        .await
        .is_empty()
    );

    let data = app
        .ok(
            r#"{ dataItems(where: { isMasterData: { eq: true }, isPersonalData: { eq: false } }) { nodes { name } }
                sharingPolicies(where: { mode: { eq: DEFAULT }, consumerType: { eq: STATE_AGENCY } }) { totalCount }
                databases(where: { kind: { eq: NATIONAL } }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        names(&data["dataItems"]),
        ["Bản đồ địa chính", "Thông tin thửa đất"]
    );
    assert!(data["sharingPolicies"]["totalCount"].as_u64().unwrap() > 10);
    assert_eq!(data["databases"]["totalCount"], 2);

    // Filters on nested lists.
    let data = app
        .ok(
            r#"{ database(code: "ND-HONGHEO") { items(where: { isPersonalData: { eq: true } }) { totalCount nodes { policies(where: { mode: { in: [NOT_SHARED] } }) { totalCount } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["database"]["items"]["totalCount"], 3);
    assert_eq!(
        data["database"]["items"]["nodes"][0]["policies"]["totalCount"],
        4
    );
}

/// Filters are bounded before any SQL: a hostile `where` is refused with `LIMIT_EXCEEDED`
/// naming the limit, never answered `INTERNAL` (SQLite's expression-tree and variable limits)
/// or `UNAVAILABLE` (PostgreSQL's parameter limit).
#[tokio::test]
async fn filter_bombs_are_refused_before_any_sql() {
    let app = TestApp::spawn().await;
    nam_dong_office(&app).await;
    let q = "query($w: OrganizationWhere) { organizations(where: $w) { totalCount } }";
    let refused = |w: Value| {
        let app = &app;
        async move {
            app.take_statement_count();
            let body = app.post_as(Some(&app.admin), q, json!({ "w": w })).await;
            let err = &body["errors"][0];
            assert_eq!(code(err), "LIMIT_EXCEEDED", "{body}");
            // Only the token's lookup ran.
            assert_eq!(app.take_statement_count(), 1);
            err["message"].as_str().unwrap().to_owned()
        }
    };
    // A flat `or` of 1,000 `contains` (SQLite refused ~987 as "expression tree is too large").
    let flat: Vec<Value> = (0..1000)
        .map(|i| json!({ "name": { "contains": format!("xã {i}") } }))
        .collect();
    assert!(refused(json!({ "or": flat })).await.contains("at most 100"));
    // Nested: 4 levels of 8 alternatives (4,680 inputs), each small.
    let mut nested = json!({ "name": { "contains": "phòng" } });
    for _ in 0..4 {
        nested = json!({ "or": vec![nested; 8] });
    }
    assert!(refused(nested).await.contains("at most 100"));
    // Too deep.
    let mut deep = json!({ "code": { "eq": "000.00.31.H57" } });
    for _ in 0..7 {
        deep = json!({ "or": [deep] });
    }
    assert!(refused(deep).await.contains("nested deeper"));
    // Values: six `in` lists of 1,000 codes (SQLite's and PostgreSQL's parameter limits were
    // reached by 200 of them).
    let codes: Vec<String> = (0..1000).map(|i| format!("000.{i:03}.39.H57")).collect();
    let many: Vec<Value> = (0..6).map(|_| json!({ "code": { "in": codes } })).collect();
    assert!(
        refused(json!({ "or": many }))
            .await
            .contains("at most 5000")
    );
    // Within the limits: four lists of 1,000 run, on both databases.
    let four: Vec<Value> = (0..4).map(|_| json!({ "code": { "in": codes } })).collect();
    let data = app.ok(q, json!({ "w": { "or": four } })).await;
    assert_eq!(data["organizations"]["totalCount"], 0);
    let data = app
        .ok(q, json!({ "w": { "or": [{ "code": { "eq": "000.00.31.H57" } }, { "name": { "contains": "nam dong" } }] } }))
        .await;
    assert_eq!(data["organizations"]["totalCount"], 1);
    // Lists of ids bind no parameter each: 99 lists of 1,000 ids (99,000 in all) run on
    // both databases and find the one organization under the province named last.
    let province = crate::support::create_org(
        &app,
        "000.00.00.H57",
        "Ủy ban nhân dân tỉnh Thừa Thiên Huế",
        "PROVINCE",
        None,
    )
    .await;
    crate::support::create_org(
        &app,
        "000.00.33.H57",
        "Phòng Văn hóa và Thông tin huyện Nam Đông",
        "DISTRICT",
        Some(&province),
    )
    .await;
    let strangers: Vec<Value> = (1_000_000..1_001_000)
        .map(|n| {
            json!(
                sharegraph::graphql::ids::encode(sharegraph::graphql::ids::Kind::Organization, n).0
            )
        })
        .collect();
    let mut lists: Vec<Value> = (0..99)
        .map(|_| json!({ "parentId": { "in": strangers } }))
        .collect();
    lists[98]["parentId"]["in"][999] = json!(province);
    let data = app.ok(q, json!({ "w": { "or": lists } })).await;
    assert_eq!(data["organizations"]["totalCount"], 1);
}
