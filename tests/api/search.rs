//! `search`: diacritic-insensitive, ranked, across types, as the caller may see, and kept in
//! step with writes (the indexes follow inserts, renames and deletions).

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, create_org};

const SEARCH: &str = "query($q: String!, $types: [SearchType!], $first: Int, $after: String) {
  search(query: $q, types: $types, first: $first, after: $after) {
    edges { cursor node { score node { __typename ... on Organization { name } ... on Database { name } ... on DataItem { name } } } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn names(app: &TestApp, token: Option<&str>, q: &str, types: Value) -> Vec<String> {
    let data = app
        .ok_as(
            token,
            SEARCH,
            json!({ "q": q, "types": types, "first": 50 }),
        )
        .await;
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["node"]["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn search_ignores_diacritics_ranks_and_respects_visibility() {
    let app = TestApp::spawn().await;
    let org = create_org(
        &app,
        "000.00.31.H57",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let db = create_db(&app, "H57-DATDAI", "Cơ sở dữ liệu đất đai", &org).await;
    let parcel = create_item(&app, &db, "THUA-DAT", "Thửa đất").await;
    create_item(&app, &db, "DAN-CU", "Dân cư trên địa bàn").await;
    create_item(
        &app,
        &db,
        "DAN-CU-2",
        "Biến động dân cư theo năm, dân cư tạm trú",
    )
    .await;

    // Items shared with no one are drafts: the public does not find them; the admin does.
    for q in ["dan cu", "Dân cư", "DÂN CƯ"] {
        let found = names(&app, Some(&app.admin), q, json!(["DATA_ITEM"])).await;
        assert_eq!(found.len(), 2, "{q}: {found:?}");
        assert!(
            names(&app, None, q, json!(["DATA_ITEM"])).await.is_empty(),
            "{q}"
        );
    }
    // Publishing an item (a policy that shares it) makes it findable by everyone.
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { dataItem { id } } }",
        json!({ "input": { "dataItemId": parcel, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }),
    )
    .await;
    assert_eq!(
        names(&app, None, "thua dat", json!(["DATA_ITEM"])).await,
        vec!["Thửa đất"]
    );

    // "dat dai" finds "Đất đai"; prefixes match; several types at once.
    let found = names(&app, None, "dat dai", json!(null)).await;
    assert_eq!(found, vec!["Cơ sở dữ liệu đất đai"], "{found:?}");
    let found = names(&app, None, "tai nguyen moi", json!(null)).await;
    assert_eq!(found, vec!["Phòng Tài nguyên và Môi trường huyện Nam Đông"]);
    // By code, split at its dots.
    let found = names(&app, None, "000.00.31.H57", json!(["ORGANIZATION"])).await;
    assert_eq!(found.len(), 1);

    // Ranked: the name that says "dân cư" twice, in fewer other words, is not last by chance;
    // scores come best first.
    let data = app
        .ok(
            SEARCH,
            json!({ "q": "dan cu", "types": ["DATA_ITEM"], "first": 10 }),
        )
        .await;
    let scores: Vec<f64> = data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Paging: one at a time, in the same order.
    let first = app
        .ok(
            SEARCH,
            json!({ "q": "dan cu", "types": ["DATA_ITEM"], "first": 1 }),
        )
        .await;
    assert_eq!(first["search"]["pageInfo"]["hasNextPage"], true);
    let after = first["search"]["pageInfo"]["endCursor"].as_str().unwrap();
    let second = app
        .ok(
            SEARCH,
            json!({ "q": "dan cu", "types": ["DATA_ITEM"], "first": 1, "after": after }),
        )
        .await;
    assert_eq!(second["search"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        second["search"]["edges"][0]["node"]["node"]["name"],
        data["search"]["edges"][1]["node"]["node"]["name"]
    );

    // The index follows renames and deletions.
    app.ok(
        "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
        json!({ "input": { "id": db, "name": "Cơ sở dữ liệu địa chính" } }),
    )
    .await;
    assert!(names(&app, None, "dat dai", json!(null)).await.is_empty());
    assert_eq!(
        names(&app, None, "dia chinh", json!(null)).await,
        vec!["Cơ sở dữ liệu địa chính"]
    );

    // A query without a word is refused.
    let err = app.err(SEARCH, json!({ "q": " -- ", "first": 5 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
}
