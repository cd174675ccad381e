//! Cursor paging: both directions, edges of the list, bad cursors, page-size limits.

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_org};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: [OrganizationOrder!]) {
    organizations(first: $first, after: $after, last: $last, before: $before, orderBy: $order, where: { level: { eq: COMMUNE } }) {
        totalCount
        edges { cursor node { code } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}"#;

fn codes(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn seven_communes(app: &TestApp) -> Vec<String> {
    let names = [
        "Hương Phú",
        "Hương Sơn",
        "Thượng Quảng",
        "Hương Hữu",
        "Thượng Long",
        "Thượng Nhật",
        "Khe Tre",
    ];
    let mut codes = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let code = format!("00{}.00.39.H57", i + 1);
        create_org(
            app,
            &code,
            &format!("Ủy ban nhân dân xã {n}"),
            "COMMUNE",
            None,
        )
        .await;
        codes.push(code);
    }
    codes
}

#[tokio::test]
async fn empty_list() {
    let app = TestApp::spawn().await;
    let data = app.ok(PAGE, json!({ "first": 5 })).await;
    let page = &data["organizations"];
    assert_eq!(page["totalCount"], 0);
    assert_eq!(page["edges"], json!([]));
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);
    assert!(page["pageInfo"]["endCursor"].is_null());
}

#[tokio::test]
async fn forward_to_the_end_and_back() {
    let app = TestApp::spawn().await;
    let mut all = seven_communes(&app).await;
    all.sort();
    let order = json!([{ "field": "CODE" }]);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let data = app
            .ok(PAGE, json!({ "first": 3, "after": after, "order": order }))
            .await;
        let page = &data["organizations"];
        assert_eq!(page["totalCount"], 7, "totalCount counts the whole list");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(codes(page));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(page["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all, "every row once, in order");

    // After the last cursor: an empty page.
    let data = app
        .ok(PAGE, json!({ "first": 3, "after": after, "order": order }))
        .await;
    let last_cursor = data["organizations"]["edges"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["cursor"]
        .clone();
    let data = app
        .ok(
            PAGE,
            json!({ "first": 3, "after": last_cursor, "order": order }),
        )
        .await;
    assert_eq!(codes(&data["organizations"]), Vec::<String>::new());
    assert_eq!(data["organizations"]["pageInfo"]["hasNextPage"], false);

    // Backward from the end.
    let data = app.ok(PAGE, json!({ "last": 3, "order": order })).await;
    let page = &data["organizations"];
    assert_eq!(codes(page), all[4..].to_vec());
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    let before = page["pageInfo"]["startCursor"].clone();
    let data = app
        .ok(PAGE, json!({ "last": 3, "before": before, "order": order }))
        .await;
    let page = &data["organizations"];
    assert_eq!(codes(page), all[1..4].to_vec());
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let data = app
        .ok(
            PAGE,
            json!({ "last": 3, "before": page["pageInfo"]["startCursor"], "order": order }),
        )
        .await;
    assert_eq!(codes(&data["organizations"]), all[..1].to_vec());
    assert_eq!(data["organizations"]["pageInfo"]["hasPreviousPage"], false);

    // Descending order reads the same rows the other way.
    let data = app
        .ok(
            PAGE,
            json!({ "first": 7, "order": [{ "field": "CODE", "direction": "DESC" }] }),
        )
        .await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(codes(&data["organizations"]), reversed);
}

#[tokio::test]
async fn pages_are_stable_when_rows_are_added_before_the_cursor() {
    let app = TestApp::spawn().await;
    seven_communes(&app).await;
    let order = json!([{ "field": "CODE" }]);
    let first = app.ok(PAGE, json!({ "first": 3, "order": order })).await;
    let after = first["organizations"]["pageInfo"]["endCursor"].clone();
    let expected = app
        .ok(PAGE, json!({ "first": 3, "after": after, "order": order }))
        .await;
    create_org(
        &app,
        "000.01.39.H57",
        "Ủy ban nhân dân xã mới",
        "COMMUNE",
        None,
    )
    .await;
    let again = app
        .ok(PAGE, json!({ "first": 3, "after": after, "order": order }))
        .await;
    assert_eq!(
        codes(&again["organizations"]),
        codes(&expected["organizations"])
    );
}

#[tokio::test]
async fn default_order_is_by_name_ignoring_diacritics() {
    let app = TestApp::spawn().await;
    seven_communes(&app).await;
    // Two names that byte order puts elsewhere: "Đ" sorts after every unaccented letter, and
    // "Lộ" after "Long" ("ộ" is a byte above "o"); folded, they are "dong" and "lo".
    for (code, name) in [
        ("008.00.39.H57", "Ủy ban nhân dân xã Đông Sơn"),
        ("009.00.39.H57", "Ủy ban nhân dân xã Thượng Lộ"),
    ] {
        create_org(&app, code, name, "COMMUNE", None).await;
    }
    let data = app.ok(PAGE, json!({ "first": 10 })).await;
    let names: Vec<String> = app
        .ok("{ organizations(first: 10) { nodes { name } } }", json!({}))
        .await["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes(&data["organizations"]).len(), 9);
    assert_eq!(
        names,
        [
            "Ủy ban nhân dân xã Đông Sơn",
            "Ủy ban nhân dân xã Hương Hữu",
            "Ủy ban nhân dân xã Hương Phú",
            "Ủy ban nhân dân xã Hương Sơn",
            "Ủy ban nhân dân xã Khe Tre",
            "Ủy ban nhân dân xã Thượng Lộ",
            "Ủy ban nhân dân xã Thượng Long",
            "Ủy ban nhân dân xã Thượng Nhật",
            "Ủy ban nhân dân xã Thượng Quảng",
        ]
    );
}

#[tokio::test]
async fn bad_paging_arguments() {
    let app = TestApp::spawn().await;
    seven_communes(&app).await;
    let order = json!([{ "field": "CODE" }]);
    for cursor in ["garbage", "eyJ4IjoxfQ", ""] {
        let err = app
            .err(PAGE, json!({ "first": 2, "after": cursor, "order": order }))
            .await;
        assert_eq!(code(&err), "BAD_USER_INPUT", "{cursor}: {err}");
        assert_eq!(err["extensions"]["field"], "after");
    }
    // A cursor issued under another ordering.
    let by_name = app.ok(PAGE, json!({ "first": 2 })).await;
    let cursor = by_name["organizations"]["pageInfo"]["endCursor"].clone();
    let err = app
        .err(PAGE, json!({ "first": 2, "after": cursor, "order": order }))
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app.err(PAGE, json!({ "first": 2, "before": "zzz" })).await;
    assert_eq!(err["extensions"]["field"], "before");

    let err = app.err(PAGE, json!({ "first": 101 })).await;
    assert_eq!(code(&err), "LIMIT_EXCEEDED");
    let err = app.err(PAGE, json!({ "first": -1 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app.err(PAGE, json!({ "first": 1, "last": 1 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app
        .err(PAGE, json!({ "first": 1, "order": [{ "field": "CODE" }, { "field": "NAME" }, { "field": "CREATED_AT" }, { "field": "UPDATED_AT" }] }))
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    // first: 0 is an empty page that still reports what lies beyond.
    let data = app.ok(PAGE, json!({ "first": 0 })).await;
    assert_eq!(codes(&data["organizations"]).len(), 0);
    assert_eq!(data["organizations"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn nested_connections_page_per_parent() {
    let app = TestApp::spawn().await;
    let a = create_org(
        &app,
        "000.00.39.H57",
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let b = create_org(
        &app,
        "000.00.40.H57",
        "Ủy ban nhân dân huyện A Lưới",
        "DISTRICT",
        None,
    )
    .await;
    for i in 0..5 {
        create_org(
            &app,
            &format!("01{i}.00.39.H57"),
            &format!("Xã {i} Nam Đông"),
            "COMMUNE",
            Some(&a),
        )
        .await;
    }
    for i in 0..2 {
        create_org(
            &app,
            &format!("01{i}.00.40.H57"),
            &format!("Xã {i} A Lưới"),
            "COMMUNE",
            Some(&b),
        )
        .await;
    }
    let q = r#"query($after: String) {
        organizations(where: { level: { eq: DISTRICT } }, orderBy: [{ field: CODE }]) {
            nodes { code children(first: 2, after: $after, orderBy: [{ field: CODE }]) {
                totalCount nodes { code } pageInfo { hasNextPage endCursor }
            } }
        }
    }"#;
    let data = app.ok(q, json!({})).await;
    let districts = data["organizations"]["nodes"].as_array().unwrap();
    assert_eq!(districts[0]["children"]["totalCount"], 5);
    assert_eq!(
        districts[0]["children"]["nodes"],
        json!([{ "code": "010.00.39.H57" }, { "code": "011.00.39.H57" }])
    );
    assert_eq!(districts[0]["children"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(districts[1]["children"]["totalCount"], 2);
    assert_eq!(districts[1]["children"]["pageInfo"]["hasNextPage"], false);

    let after = districts[0]["children"]["pageInfo"]["endCursor"].clone();
    let next = app
        .ok(
            r#"query($id: ID!, $after: String) { organization(id: $id) { children(first: 2, after: $after, orderBy: [{ field: CODE }]) { nodes { code } } } }"#,
            json!({ "id": a, "after": after }),
        )
        .await;
    assert_eq!(
        next["organization"]["children"]["nodes"],
        json!([{ "code": "012.00.39.H57" }, { "code": "013.00.39.H57" }])
    );
    let backward = app
        .ok(
            r#"query($id: ID!) { organization(id: $id) { children(last: 2, orderBy: [{ field: CODE }]) { nodes { code } pageInfo { hasPreviousPage } } } }"#,
            json!({ "id": a }),
        )
        .await;
    assert_eq!(
        backward["organization"]["children"]["nodes"],
        json!([{ "code": "013.00.39.H57" }, { "code": "014.00.39.H57" }])
    );
    assert_eq!(
        backward["organization"]["children"]["pageInfo"]["hasPreviousPage"],
        true
    );
}
