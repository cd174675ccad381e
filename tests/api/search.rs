//! `search`: diacritic-insensitive, ranked, across types, as the caller may see, and kept in
//! step with writes (the indexes follow inserts, renames and deletions).

use serde_json::{Value, json};

use crate::support::{TestApp, code, create_db, create_item, nam_dong_office};

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
    edge_names(&data).into_iter().map(str::to_owned).collect()
}

/// The names found, in the order of a search's edges.
fn edge_names(data: &Value) -> Vec<&str> {
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["node"]["name"].as_str().unwrap_or(""))
        .collect()
}

/// Shares an item with other state agencies by default, which publishes it.
async fn publish(app: &TestApp, item: &str) {
    app.ok(
        "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { dataItem { id } } }",
        json!({ "input": { "dataItemId": item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }),
    )
    .await;
}

#[tokio::test]
async fn search_ignores_diacritics_ranks_and_respects_visibility() {
    let app = TestApp::spawn().await;
    let org = nam_dong_office(&app).await;
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
    publish(&app, &parcel).await;
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

    // Ranked: the name that says "dân cư" twice comes before the shorter one that says it once
    // (created first, so neither id order nor length order puts it there); scores come best
    // first.
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
    assert_eq!(scores.len(), 2, "{data}");
    assert!(scores[0] > scores[1], "{scores:?}");
    let ranked = edge_names(&data);
    assert_eq!(
        ranked,
        [
            "Biến động dân cư theo năm, dân cư tạm trú",
            "Dân cư trên địa bàn"
        ]
    );

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
    words_in_step(&app).await;
}

/// A search ranks a bounded number of matches per type, the shortest names first, and says
/// when there were more; the order follows renames and deletions.
#[tokio::test]
async fn broad_searches_rank_the_shortest_names_first() {
    let app = TestApp::spawn_with(|limits| {
        limits.search_ranked = 3;
        limits.rate_limit_per_minute = 0;
    })
    .await;
    let org = nam_dong_office(&app).await;
    let db = create_db(
        &app,
        "H57-DANCU",
        "Cơ sở dữ liệu dân cư huyện Nam Đông",
        &org,
    )
    .await;
    let mut ids = std::collections::HashMap::new();
    for (code, name) in [
        ("DC-1", "Thông tin dân cư thường trú huyện Nam Đông"),
        ("DC-2", "Dân cư xã Hương Phú"),
        ("DC-3", "Dân cư"),
        ("DC-4", "Biến động dân cư theo năm tại xã Thượng Quảng"),
        ("DC-5", "Dân cư tạm trú"),
    ] {
        ids.insert(name, create_item(&app, &db, code, name).await);
    }
    let search = |q: &'static str, first: i64, after: Option<String>| {
        let app = &app;
        async move {
            let data = app
                .ok(
                    "query($q: String!, $first: Int, $after: String) {
                      search(query: $q, types: [DATA_ITEM], first: $first, after: $after) {
                        edges { node { node { ... on DataItem { name } } } }
                        pageInfo { hasNextPage endCursor }
                        truncated
                      }
                    }",
                    json!({ "q": q, "first": first, "after": after }),
                )
                .await;
            let names: Vec<String> = data["search"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["node"]["name"].as_str().unwrap().to_owned())
                .collect();
            (names, data["search"].clone())
        }
    };

    // Five match; the three shortest are ranked, the shortest (all words, fewest others) first.
    let (found, page) = search("dan cu", 10, None).await;
    assert_eq!(
        found,
        vec!["Dân cư", "Dân cư tạm trú", "Dân cư xã Hương Phú"],
        "{page}"
    );
    assert_eq!(page["truncated"], true);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);

    // Pages are cut from the same ranked matches.
    let (first, page) = search("dan cu", 2, None).await;
    assert_eq!(first, vec!["Dân cư", "Dân cư tạm trú"]);
    let after = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let (second, page) = search("dan cu", 2, Some(after)).await;
    assert_eq!(second, vec!["Dân cư xã Hương Phú"]);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);

    // A narrower search has all its matches ranked.
    let (found, page) = search("dan cu thuong tru", 10, None).await;
    assert_eq!(found, vec!["Thông tin dân cư thường trú huyện Nam Đông"]);
    assert_eq!(page["truncated"], false);
    // Only the types asked for count.
    let data = app
        .ok(
            "{ search(query: \"nam dong\", types: [ORGANIZATION, DATABASE]) { edges { cursor } truncated } }",
            json!({}),
        )
        .await;
    assert_eq!(data["search"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(data["search"]["truncated"], false);

    // Renamed shorter, a long name joins the ranked; deleted, the shortest leaves them.
    app.ok(
        "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
        json!({ "input": { "id": ids["Biến động dân cư theo năm tại xã Thượng Quảng"], "name": "Biến động dân cư" } }),
    )
    .await;
    app.ok(
        "mutation($input: DeleteInput!) { deleteDataItem(input: $input) { deletedId } }",
        json!({ "input": { "id": ids["Dân cư"] } }),
    )
    .await;
    let (found, page) = search("dan cu", 10, None).await;
    assert_eq!(
        found,
        // (two names of four words score the same: the shorter first)
        vec!["Dân cư tạm trú", "Biến động dân cư", "Dân cư xã Hương Phú"],
        "{page}"
    );
    assert_eq!(page["truncated"], true);

    // The same when many shorter names that do not match come first in the order (the ways
    // a search takes there are tested one by one below).
    for n in 0..160 {
        create_item(&app, &db, &format!("HO-{n}"), &format!("Hộ {n:03}")).await;
    }
    let (again, page) = search("dan cu", 10, None).await;
    assert_eq!(again, found, "{page}");
    assert_eq!(page["truncated"], true);

    // The public ranks only what it may read: the first three published matches, passing the
    // shorter draft by.
    let extra = create_item(
        &app,
        &db,
        "DC-6",
        "Dân cư các thôn bản miền núi thuộc huyện Nam Đông tỉnh Thừa Thiên Huế",
    )
    .await;
    for id in [
        &ids["Biến động dân cư theo năm tại xã Thượng Quảng"],
        &ids["Dân cư xã Hương Phú"],
        &ids["Thông tin dân cư thường trú huyện Nam Đông"],
        &extra,
    ] {
        publish(&app, id).await;
    }
    let data = app
        .ok_as(
            None,
            "{ search(query: \"Dân cư\", types: [DATA_ITEM]) { edges { node { node { ... on DataItem { name } } } } truncated } }",
            json!({}),
        )
        .await;
    let public = edge_names(&data);
    assert_eq!(
        public,
        vec![
            "Biến động dân cư",
            "Dân cư xã Hương Phú",
            "Thông tin dân cư thường trú huyện Nam Đông"
        ],
        "{data}"
    );
    assert_eq!(data["search"]["truncated"], true);
    words_in_step(&app).await;
}

/// On PostgreSQL, the words tables hold exactly the words of each row, at its place in the
/// order, after the inserts, renames and deletions a test made.
async fn words_in_step(app: &TestApp) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

    if app.db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let mut total = 0;
    for table in [
        "organizations",
        "databases",
        "data_items",
        "data_services",
        "open_datasets",
    ] {
        let sql = format!(
            "SELECT (SELECT count(*) FROM {table}_words) AS entries, \
             (SELECT count(*) FROM {table} t, unnest(tsvector_to_array(t.search_vector)) x) AS words, \
             (SELECT count(*) FROM {table} t CROSS JOIN unnest(tsvector_to_array(t.search_vector)) x(word) \
              JOIN {table}_words w ON w.word = x.word AND w.search_prior = t.search_prior AND w.id = t.id) AS kept"
        );
        let row = app
            .db
            .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, sql))
            .await
            .unwrap()
            .unwrap();
        let [entries, words, kept] =
            ["entries", "words", "kept"].map(|c| row.try_get::<i64>("", c).unwrap());
        assert_eq!(
            (entries, kept),
            (words, words),
            "{table}: entries, kept, words"
        );
        total += words;
    }
    assert!(total > 0, "the test wrote rows with words");
}

/// The search indexes' migrations undo and redo on a catalogue with rows, which the rebuilt
/// indexes find again.
#[tokio::test]
async fn search_migrations_undo_and_redo() {
    use migration::{Migrator, MigratorTrait};

    let app = TestApp::spawn().await;
    nam_dong_office(&app).await;
    Migrator::down(&app.db, Some(3)).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();
    words_in_step(&app).await;
    assert_eq!(
        names(&app, None, "nam dong", json!(null)).await,
        vec!["Phòng Tài nguyên và Môi trường huyện Nam Đông"]
    );
}

/// Whichever way a search takes to its first matches (a rare word's rows; the words' rows
/// intersected in order, the last word standing for itself or for several; the shortest names
/// tested; every match sorted), it ranks the same ones: the first `ranked` matches, shortest
/// folded name first, then by id, as read off the whole table here.
#[tokio::test]
async fn every_way_to_the_first_matches_ranks_the_same_ones() {
    use sea_orm::{EntityTrait, QueryOrder};
    use sharegraph::access::Caller;
    use sharegraph::domain::search::{SearchType, search};

    let app = TestApp::spawn_with(|limits| limits.rate_limit_per_minute = 0).await;
    let org = nam_dong_office(&app).await;
    let db = create_db(&app, "H57-TK", "Cơ sở dữ liệu thống kê", &org).await;
    // Short names first in the order, matching none of the queries but "muc".
    for n in 0..60 {
        create_item(&app, &db, &format!("M{n}"), &format!("Mục {n:03}")).await;
    }
    let kinds = ["Thông tin", "Danh mục", "Thống kê", "Hồ sơ"];
    let topics = ["dân cư", "đất đai", "hộ nghèo", "hộ tịch", "thuế"];
    for n in 0..3 {
        for (k, kind) in kinds.iter().enumerate() {
            for (t, topic) in topics.iter().enumerate() {
                create_item(
                    &app,
                    &db,
                    &format!("K{k}T{t}N{n}"),
                    &format!("{kind} {topic} {n}"),
                )
                .await;
            }
        }
    }
    let items = entity::data_item::Entity::find()
        .order_by_asc(entity::data_item::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let caller = Caller::system();
    let queries = [
        "dan cu",            // two words, the last ("cu") standing for itself alone
        "Đất đai",           // the same, "dai" a word of its own
        "thong ke ho ngheo", // four words, in many names each, together in few
        "thong tin ho",      // "ho" stands for itself: no longer word starts so
        "ho so th",          // "th" stands for "thong" and "thue"
        "th",                // a prefix alone, standing for several words
        "da",                // "dan", "danh", "dat", "dai"
        "muc 00",            // the short names: "00" stands for "000".."009"
        "danh muc dan cu 2", // a rare word ("2") among common ones
        "k0t1n2",            // a code
        "thue",              // a word in a fifth of the names
    ];
    for ranked in [1, 2, 3, 5, 8, 100] {
        for q in queries {
            let words = sharegraph::domain::search::words(q).unwrap();
            let last = words.len() - 1;
            let mut matches: Vec<(usize, i64)> = items
                .iter()
                .filter(|item| {
                    let text = format!("{} {}", item.name_folded, item.code.to_lowercase());
                    let tokens: Vec<&str> = text
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|t| !t.is_empty())
                        .collect();
                    words.iter().enumerate().all(|(i, w)| {
                        tokens.iter().any(|t| {
                            t == w
                                || (i == last
                                    && w.chars().count() >= 2
                                    && t.starts_with(w.as_str()))
                        })
                    })
                })
                .map(|item| (item.name_folded.chars().count(), item.id))
                .collect();
            matches.sort();
            let mut expected: Vec<i64> = matches.iter().take(ranked).map(|m| m.1).collect();
            expected.sort();
            let found = search(
                &app.db,
                &caller,
                q,
                &[SearchType::DataItem],
                (0, 1000),
                ranked as u64,
            )
            .await
            .unwrap();
            let mut ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
            ids.sort();
            assert_eq!(
                ids,
                expected,
                "{q:?}, {ranked} ranked, of {} matches",
                matches.len()
            );
            assert_eq!(
                found.truncated,
                matches.len() > ranked,
                "{q:?}, {ranked} ranked"
            );
        }
    }
}
