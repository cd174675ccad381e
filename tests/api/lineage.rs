//! Lineage walks: downstream, upstream, impact, lineage drawings and sharing graphs, with
//! cycles, depth bounds, truncation and paging.

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, create_org};

/// org1 owns A, B, E; org2 owns C, D; org3 owns nothing.
/// Derivations: A→B, B→C, C→D, D→B (a cycle), A→E. Shares: B→org2, A→org3.
struct Graph {
    org1: String,
    org2: String,
    org3: String,
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
}

async fn open_to_state_agencies(app: &TestApp, item: &str) {
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
        json!({ "input": { "dataItemId": item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }),
    )
    .await;
}

async fn derive(app: &TestApp, source: &str, derived: &str) {
    app.ok(
        "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }",
        json!({ "input": { "sourceItemId": source, "derivedItemId": derived } }),
    )
    .await;
}

async fn share(app: &TestApp, item: &str, consumer: &str) {
    app.ok(
        "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
        json!({ "input": { "dataItemId": item, "consumerId": consumer } }),
    )
    .await;
}

async fn graph(app: &TestApp) -> Graph {
    let org1 = create_org(app, "000.00.00.G08", "Bộ Công an", "CENTRAL", None).await;
    let org2 = create_org(
        app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let org3 = create_org(
        app,
        "001.00.39.H57",
        "Ủy ban nhân dân thị trấn Khe Tre",
        "COMMUNE",
        None,
    )
    .await;
    let db1 = create_db(
        app,
        "CSDLQG-DANCU",
        "Cơ sở dữ liệu quốc gia về dân cư",
        &org1,
    )
    .await;
    let db2 = create_db(app, "ND-HONGHEO", "Cơ sở dữ liệu hộ nghèo", &org2).await;
    let a = create_item(app, &db1, "A", "Thông tin cơ bản của công dân").await;
    let b = create_item(app, &db1, "B", "Thông tin hộ gia đình").await;
    let e = create_item(app, &db1, "E", "Thống kê dân số").await;
    let c = create_item(app, &db2, "C", "Thông tin hộ nghèo").await;
    let d = create_item(app, &db2, "D", "Tỷ lệ hộ nghèo").await;
    for item in [&a, &b] {
        open_to_state_agencies(app, item).await;
    }
    for (s, t) in [(&a, &b), (&b, &c), (&c, &d), (&d, &b), (&a, &e)] {
        derive(app, s, t).await;
    }
    share(app, &b, &org2).await;
    share(app, &a, &org3).await;
    Graph {
        org1,
        org2,
        org3,
        a,
        b,
        c,
        d,
        e,
    }
}

const WALK: &str = r#"query($id: ID!, $depth: Int, $max: Int, $first: Int, $after: String, $last: Int, $before: String) {
    dataItem(id: $id) {
        downstream(depth: $depth, maxNodes: $max, first: $first, after: $after, last: $last, before: $before) {
            totalCount truncated
            pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
            edges { cursor node { degree edgeKinds item { code } path { code } } }
        }
        upstream(depth: $depth, maxNodes: $max) { totalCount truncated nodes { degree item { code } path { code } } }
    }
}"#;

fn hops(list: &Value) -> Vec<(String, i64)> {
    let nodes: Vec<&Value> = match list.get("edges") {
        Some(edges) => edges
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"])
            .collect(),
        None => list["nodes"].as_array().unwrap().iter().collect(),
    };
    nodes
        .iter()
        .map(|n| {
            (
                n["item"]["code"].as_str().unwrap().to_owned(),
                n["degree"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn s(v: &str, d: i64) -> (String, i64) {
    (v.to_owned(), d)
}

#[tokio::test]
async fn downstream_and_upstream_walks_are_bounded_and_cycle_safe() {
    let app = TestApp::spawn().await;
    let g = graph(&app).await;

    let data = app.ok(WALK, json!({ "id": g.a, "depth": 1 })).await;
    assert_eq!(
        hops(&data["dataItem"]["downstream"]),
        [s("B", 1), s("E", 1)]
    );

    let data = app.ok(WALK, json!({ "id": g.a, "depth": 10 })).await;
    let down = &data["dataItem"]["downstream"];
    // The cycle D→B brings B back only at a greater depth: each item appears once, at its
    // smallest degree.
    assert_eq!(hops(down), [s("B", 1), s("E", 1), s("C", 2), s("D", 3)]);
    assert_eq!(down["totalCount"], 4);
    assert_eq!(down["truncated"], false);
    let d = down["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["item"]["code"] == "D")
        .unwrap();
    assert_eq!(
        d["node"]["path"],
        json!([{ "code": "A" }, { "code": "B" }, { "code": "C" }, { "code": "D" }])
    );
    // B→C crosses from org1 to org2, documented by the share of B to org2.
    assert_eq!(
        d["node"]["edgeKinds"],
        json!([
            "DERIVED_FROM",
            "SHARED_WITH",
            "DERIVED_FROM",
            "DERIVED_FROM"
        ])
    );

    let data = app.ok(WALK, json!({ "id": g.d, "depth": 10 })).await;
    assert_eq!(
        hops(&data["dataItem"]["upstream"]),
        [s("C", 1), s("B", 2), s("A", 3)]
    );
    let up = &data["dataItem"]["upstream"]["nodes"];
    assert_eq!(
        up[2]["path"],
        json!([{ "code": "D" }, { "code": "C" }, { "code": "B" }, { "code": "A" }])
    );
    // Downstream of D: the cycle back to B, then C again is not repeated.
    assert_eq!(
        hops(&data["dataItem"]["downstream"]),
        [s("B", 1), s("C", 2)]
    );

    // A leaf has nothing downstream.
    let data = app.ok(WALK, json!({ "id": g.e })).await;
    assert_eq!(data["dataItem"]["downstream"]["totalCount"], 0);
    assert_eq!(hops(&data["dataItem"]["upstream"]), [s("A", 1)]);
}

#[tokio::test]
async fn edge_kinds_are_read_only_when_asked_for() {
    let app = TestApp::spawn().await;
    let g = graph(&app).await;
    let with_kinds = r#"query($id: ID!) { dataItem(id: $id) { downstream(depth: 10) {
        nodes { ...hop } } } }
        fragment hop on LineageHop { item { code } edgeKinds }"#;
    let without = r#"query($id: ID!) { dataItem(id: $id) { downstream(depth: 10) {
        nodes { item { code } } } } }"#;

    app.take_statement_count();
    let data = app.ok(with_kinds, json!({ "id": g.a })).await;
    let asked = app.take_statement_count();
    // Asked through a fragment, the kinds are there: B→C crosses into org2 by a share.
    let d = data["dataItem"]["downstream"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["item"]["code"] == "D")
        .unwrap();
    assert_eq!(
        d["edgeKinds"],
        json!([
            "DERIVED_FROM",
            "SHARED_WITH",
            "DERIVED_FROM",
            "DERIVED_FROM"
        ])
    );

    let data = app.ok(without, json!({ "id": g.a })).await;
    assert_eq!(
        data["dataItem"]["downstream"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Not asked for: no owners and no shares along the paths are read.
    assert_eq!(app.take_statement_count(), asked - 2);
}

#[tokio::test]
async fn walk_results_page_by_cursor() {
    let app = TestApp::spawn().await;
    let g = graph(&app).await;
    let first = app
        .ok(WALK, json!({ "id": g.a, "depth": 5, "first": 2 }))
        .await;
    let page = &first["dataItem"]["downstream"];
    assert_eq!(hops(page), [s("B", 1), s("E", 1)]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["totalCount"], 4);
    let next = app
        .ok(
            WALK,
            json!({ "id": g.a, "depth": 5, "first": 2, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let page = &next["dataItem"]["downstream"];
    assert_eq!(hops(page), [s("C", 2), s("D", 3)]);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    let back = app
        .ok(
            WALK,
            json!({ "id": g.a, "depth": 5, "last": 1, "before": page["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(hops(&back["dataItem"]["downstream"]), [s("E", 1)]);
    let err = app.err(WALK, json!({ "id": g.a, "after": "bogus" })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
}

#[tokio::test]
async fn walks_stop_at_the_node_budget_and_say_so() {
    let app = TestApp::spawn().await;
    let org = create_org(&app, "000.00.00.G08", "Bộ Công an", "CENTRAL", None).await;
    let db = create_db(
        &app,
        "CSDLQG-DANCU",
        "Cơ sở dữ liệu quốc gia về dân cư",
        &org,
    )
    .await;
    let root = create_item(&app, &db, "ROOT", "Danh mục đơn vị hành chính").await;
    for i in 0..30 {
        let item = create_item(&app, &db, &format!("D{i:02}"), &format!("Dẫn xuất {i}")).await;
        derive(&app, &root, &item).await;
    }
    let data = app
        .ok(WALK, json!({ "id": root, "max": 10, "first": 100 }))
        .await;
    let down = &data["dataItem"]["downstream"];
    assert_eq!(down["truncated"], true);
    let n = down["totalCount"].as_i64().unwrap();
    assert!(
        (1..10).contains(&n),
        "a truncated walk counts what it reached: {n}"
    );
    assert_eq!(down["edges"].as_array().unwrap().len() as i64, n);
    let data = app.ok(WALK, json!({ "id": root, "first": 100 })).await;
    assert_eq!(data["dataItem"]["downstream"]["totalCount"], 30);
    assert_eq!(data["dataItem"]["downstream"]["truncated"], false);

    for (vars, want) in [
        (json!({ "id": root, "depth": 21 }), "LIMIT_EXCEEDED"),
        (json!({ "id": root, "depth": 0 }), "BAD_USER_INPUT"),
        (json!({ "id": root, "max": 1_000_000 }), "LIMIT_EXCEEDED"),
        (json!({ "id": root, "max": 0 }), "BAD_USER_INPUT"),
    ] {
        let err = app.err(WALK, vars.clone()).await;
        assert_eq!(code(&err), want, "{vars}");
    }
}

#[tokio::test]
async fn impact_lists_receiving_organizations_with_shortest_paths() {
    let app = TestApp::spawn().await;
    let g = graph(&app).await;
    let data = app
        .ok(
            r#"query($id: ID!) { dataItem(id: $id) { impact(depth: 5) {
                totalCount truncated
                nodes { degree via organization { code } path { code } share { consumer { code } } }
            } } }"#,
            json!({ "id": g.a }),
        )
        .await;
    let impact = &data["dataItem"]["impact"];
    assert_eq!(impact["totalCount"], 2, "{impact}");
    let nodes = impact["nodes"].as_array().unwrap();
    // org3 receives A itself; org2 receives B (derived from A) through a share.
    assert_eq!(nodes[0]["organization"]["code"], "001.00.39.H57");
    assert_eq!(nodes[0]["degree"], 1);
    assert_eq!(nodes[0]["via"], "SHARED_WITH");
    assert_eq!(nodes[0]["path"], json!([{ "code": "A" }]));
    assert_eq!(nodes[1]["organization"]["code"], "000.04.39.H57");
    assert_eq!(nodes[1]["degree"], 2);
    assert_eq!(nodes[1]["path"], json!([{ "code": "A" }, { "code": "B" }]));
    assert_eq!(nodes[1]["share"]["consumer"]["code"], "000.04.39.H57");
    let _ = (&g.org1, &g.org2, &g.org3, &g.c, &g.d);
}

#[tokio::test]
async fn lineage_drawing_and_sharing_graph() {
    let app = TestApp::spawn().await;
    let g = graph(&app).await;
    let service = app
        .ok(
            "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
            json!({ "input": { "code": "NDXP-DANCU", "name": "Tra cứu công dân", "providerId": g.org1, "method": "ONLINE_SERVICE",
                               "platform": "NDXP", "status": "PUBLISHED", "itemIds": [g.a] } }),
        )
        .await["createDataService"]["dataService"]["id"]
        .clone();
    let query = r#"query($root: ID!, $dir: LineageDirection, $kinds: [EdgeKind!], $max: Int) {
        lineage(root: $root, direction: $dir, depth: 3, edgeKinds: $kinds, maxNodes: $max) {
            truncated
            nodes { id kind degree node { __typename } }
            edges { kind source target }
        }
    }"#;
    let data = app
        .ok(query, json!({ "root": g.a, "dir": "DOWNSTREAM" }))
        .await;
    let lineage = &data["lineage"];
    assert_eq!(lineage["truncated"], false);
    let kinds = |kind: &str| {
        lineage["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == kind)
            .count()
    };
    assert_eq!(kinds("DATA_ITEM"), 5, "{lineage}");
    assert_eq!(kinds("DATABASE"), 2);
    assert_eq!(kinds("ORGANIZATION"), 3);
    assert_eq!(kinds("DATA_SERVICE"), 1);
    let edge = |kind: &str, source: &Value, target: &Value| {
        lineage["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == kind && &e["source"] == source && &e["target"] == target)
    };
    assert!(edge("DERIVED_FROM", &json!(g.a), &json!(g.b)));
    assert!(
        edge("DERIVED_FROM", &json!(g.d), &json!(g.b)),
        "the cycle's edge is drawn"
    );
    assert!(edge("SHARED_WITH", &json!(g.a), &json!(g.org3)));
    assert!(edge("PROVIDES", &service, &json!(g.a)));
    for n in lineage["nodes"].as_array().unwrap() {
        assert!(
            n["node"]["__typename"].is_string(),
            "every node resolves: {n}"
        );
    }

    // Only some edge kinds; and a budget that cuts the drawing.
    let data = app
        .ok(query, json!({ "root": g.a, "kinds": ["DERIVED_FROM"] }))
        .await;
    let mut ids: Vec<&str> = data["lineage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["kind"], "DATA_ITEM", "{n}");
            n["id"].as_str().unwrap()
        })
        .collect();
    ids.sort_unstable();
    let mut items = [&g.a, &g.b, &g.c, &g.d, &g.e].map(String::as_str);
    items.sort_unstable();
    assert_eq!(ids, items, "the five items, and only they: {data}");
    let data = app.ok(query, json!({ "root": g.a, "max": 3 })).await;
    assert_eq!(data["lineage"]["truncated"], true);
    assert!(data["lineage"]["nodes"].as_array().unwrap().len() <= 3);
    // Rooted at an organization: its items are the roots.
    let data = app
        .ok(
            query,
            json!({ "root": g.org2, "dir": "UPSTREAM", "kinds": ["DERIVED_FROM"] }),
        )
        .await;
    let items = data["lineage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "DATA_ITEM")
        .count();
    assert_eq!(items, 4, "C, D and, upstream, B and A: {data}");
    let err = app
        .err(query, json!({ "root": "U2hhcmluZ1BvbGljeTox" }))
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");

    let data = app
        .ok(
            r#"query($id: ID!) { organization(id: $id) { sharingGraph(depth: 2) {
                truncated nodes { degree organization { code } }
                edges { provider { code } consumer { code } default open onRequest total }
            } } }"#,
            json!({ "id": g.org2 }),
        )
        .await;
    let sg = &data["organization"]["sharingGraph"];
    let nodes: Vec<(&str, i64)> = sg["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["organization"]["code"].as_str().unwrap(),
                n["degree"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            ("000.04.39.H57", 0),
            ("000.00.00.G08", 1),
            ("001.00.39.H57", 2)
        ]
    );
    assert_eq!(sg["edges"].as_array().unwrap().len(), 2);
    let e = &sg["edges"][0];
    assert_eq!(e["provider"]["code"], "000.00.00.G08");
    assert_eq!(e["default"], 1);
    assert_eq!(e["total"], 1);
}
