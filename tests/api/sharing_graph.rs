//! The sharing graph reads organization-pair counts (`share_edges`, migration 13) that
//! database triggers keep in step with the shares. These tests hold the counts to a recount
//! of the shares after every kind of write, and each caller's graph to the shares that caller
//! may count, walked and counted here from the shares it lists.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sharegraph::access::{PublicShares, Role};

use crate::reach::{all_shares, demo_with};
use crate::support::{TestApp, create_item, shared_item};

/// `share_edges` as text rows, and the same counted afresh from `shares`.
async fn pair_counts(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let text = |sql: &str| {
        let db = &app.db;
        let sql = sql.to_owned();
        async move {
            let mut rows: Vec<String> = db
                .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect();
            rows.sort();
            rows
        }
    };
    let stored = text(
        "SELECT CAST(provider_id AS TEXT) || ' ' || CAST(consumer_id AS TEXT) || ' ' || mode \
         || ' ' || CAST(CASE WHEN published THEN 1 ELSE 0 END AS TEXT) \
         || ' ' || CAST(valid_until AS TEXT) || ' ' || CAST(shares AS TEXT) FROM share_edges",
    )
    .await;
    let counted = text(
        "SELECT CAST(s.provider_id AS TEXT) || ' ' || CAST(s.consumer_id AS TEXT) || ' ' || s.mode \
         || ' ' || CAST(CASE WHEN i.published THEN 1 ELSE 0 END AS TEXT) \
         || ' ' || COALESCE(CAST(s.valid_until AS TEXT), '9999-12-31') || ' ' || CAST(COUNT(*) AS TEXT) \
         FROM shares s JOIN data_items i ON i.id = s.data_item_id WHERE s.status = 'ACTIVE' \
         GROUP BY s.provider_id, s.consumer_id, s.mode, i.published, s.valid_until",
    )
    .await;
    (stored, counted)
}

async fn assert_in_step(app: &TestApp, after: &str) -> usize {
    let (stored, counted) = pair_counts(app).await;
    assert_eq!(stored, counted, "share_edges after {after}");
    stored.len()
}

async fn update_share(app: &TestApp, share: &str, fields: Value) {
    let mut input = fields;
    input["id"] = json!(share);
    app.ok(
        "mutation($input: UpdateShareInput!) { updateShare(input: $input) { share { id } } }",
        json!({ "input": input }),
    )
    .await;
}

#[tokio::test]
async fn the_pair_counts_follow_every_write() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let demo = assert_in_step(&app, "the demo's load").await;
    assert!(demo > 10, "the demo has {demo} pair rows");

    let s = shared_item(&app, None).await;
    assert_in_step(&app, "createShare").await;
    // A second item in the same pair, shared in the OPEN mode its public policy allows.
    let db = app
        .ok(
            "query($i: ID!) { dataItem(id: $i) { database { id } } }",
            json!({ "i": s.item }),
        )
        .await["dataItem"]["database"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open = create_item(&app, &db, "RANHGIOI", "Ranh giới hành chính xã").await;
    app.ok(
        "mutation($i: ID!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: PUBLIC, mode: OPEN }] }) { policies { id } } }",
        json!({ "i": open }),
    )
    .await;
    let second = app
        .ok(
            "mutation($i: ID!, $b: ID!) { createShare(input: { dataItemId: $i, consumerId: $b, mode: OPEN }) { share { id } } }",
            json!({ "i": open, "b": s.b }),
        )
        .await["createShare"]["share"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_in_step(&app, "a second share in the same pair").await;

    update_share(
        &app,
        &s.share,
        json!({ "status": "SUSPENDED", "statusReason": "Rà soát định kỳ" }),
    )
    .await;
    assert_in_step(&app, "a suspension").await;
    update_share(&app, &s.share, json!({ "status": "ACTIVE" })).await;
    assert_in_step(&app, "a reactivation").await;
    update_share(&app, &second, json!({ "validUntil": "2020-12-31" })).await;
    assert_in_step(&app, "a last valid day set").await;
    update_share(
        &app,
        &second,
        json!({ "mode": "OPEN", "purpose": "Bản đồ địa giới" }),
    )
    .await;
    assert_in_step(&app, "an update of other fields").await;

    // The public graph stops counting the expired share the day after its last day.
    let graph = app
        .ok_as(
            None,
            "query($o: ID!) { organization(id: $o) { sharingGraph(depth: 1) { edges { provider { id } consumer { id } default open total } } } }",
            json!({ "o": s.a }),
        )
        .await;
    assert_eq!(
        graph["organization"]["sharingGraph"]["edges"],
        json!([{ "provider": { "id": s.a }, "consumer": { "id": s.b }, "default": 1, "open": 0, "total": 1 }])
    );

    // A direct write of the flag (an operator's SQL, a bulk load) moves the item's counts.
    let flag = |published: bool| {
        format!(
            "UPDATE data_items SET published = {} WHERE code = 'THUADAT'",
            if published { "TRUE" } else { "FALSE" }
        )
    };
    app.db.execute_unprepared(&flag(false)).await.unwrap();
    assert_in_step(&app, "an item's flag cleared").await;
    app.db.execute_unprepared(&flag(true)).await.unwrap();
    assert_in_step(&app, "an item's flag set").await;

    for share in [&s.share, &second] {
        app.ok(
            "mutation($id: ID!) { deleteShare(input: { id: $id }) { deletedId } }",
            json!({ "id": share }),
        )
        .await;
    }
    assert_eq!(assert_in_step(&app, "the deletions").await, demo);
}

/// The graph a caller gets, as (nodes with degree, edges with their per-mode counts).
type Drawn = (BTreeMap<String, i64>, BTreeMap<(String, String), [i64; 3]>);

async fn drawn(app: &TestApp, token: Option<&str>, root: &str, depth: i64) -> Drawn {
    let data = app
        .ok_as(
            token,
            "query($o: ID!, $d: Int) { organization(id: $o) { sharingGraph(depth: $d, maxNodes: 10000, maxEdges: 2000) { truncated nodes { degree organization { id } } edges { provider { id } consumer { id } open default onRequest } } } }",
            json!({ "o": root, "d": depth }),
        )
        .await;
    let graph = &data["organization"]["sharingGraph"];
    assert_eq!(graph["truncated"], json!(false));
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let nodes = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (id(&n["organization"]), n["degree"].as_i64().unwrap()))
        .collect();
    let edges = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = |k: &str| e[k].as_i64().unwrap();
            (
                (id(&e["provider"]), id(&e["consumer"])),
                [n("open"), n("default"), n("onRequest")],
            )
        })
        .collect();
    (nodes, edges)
}

/// The same graph walked and counted here, from the active shares `counts` keeps.
fn expected(shares: &[&Value], root: &str, depth: i64) -> Drawn {
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let mut pairs: BTreeMap<(String, String), [i64; 3]> = BTreeMap::new();
    for s in shares {
        let slot = match s["mode"].as_str().unwrap() {
            "OPEN" => 0,
            "DEFAULT" => 1,
            _ => 2,
        };
        pairs
            .entry((id(&s["provider"]), id(&s["consumer"])))
            .or_default()[slot] += 1;
    }
    let mut nodes = BTreeMap::from([(root.to_owned(), 0)]);
    let mut frontier = vec![root.to_owned()];
    for d in 1..=depth {
        let mut next = Vec::new();
        for (p, c) in pairs.keys() {
            for (from, to) in [(p, c), (c, p)] {
                if frontier.contains(from) && !nodes.contains_key(to) {
                    nodes.insert(to.clone(), d);
                    next.push(to.clone());
                }
            }
        }
        frontier = next;
    }
    pairs.retain(|(p, c), _| nodes.contains_key(p) && nodes.contains_key(c));
    (nodes, pairs)
}

#[tokio::test]
async fn each_caller_counts_the_shares_it_may_count() {
    for public_shares in [
        PublicShares::Shares,
        PublicShares::Organizations,
        PublicShares::None,
    ] {
        let app = demo_with(public_shares).await;
        // Through the API an active share's item is always published (its policy shares it);
        // a direct write can clear the flag, and then only the parties count those shares.
        app.db
            .execute_unprepared(
                "UPDATE data_items SET published = FALSE \
                 WHERE id IN (SELECT data_item_id FROM shares WHERE id % 3 = 0)",
            )
            .await
            .unwrap();
        let all = all_shares(
            &app,
            Some(&app.admin),
            "status mode provider { id } consumer { id } dataItem { isPublished }",
        )
        .await;
        let active: Vec<&Value> = all.iter().filter(|s| s["status"] == "ACTIVE").collect();
        assert!(active.len() > 10);
        // The organization with the most active shares, and a viewer of it.
        let mut by_org: BTreeMap<String, usize> = BTreeMap::new();
        for s in &active {
            for end in ["provider", "consumer"] {
                *by_org
                    .entry(s[end]["id"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
        }
        let root = by_org.iter().max_by_key(|(_, n)| **n).unwrap().0.clone();
        let code = app
            .ok(
                "query($o: ID!) { organization(id: $o) { code } }",
                json!({ "o": root }),
            )
            .await["organization"]["code"]
            .as_str()
            .unwrap()
            .to_owned();
        let viewer = app.token(Role::Viewer, Some(&code)).await;
        let published_count = public_shares != PublicShares::None;
        let party = |s: &&&Value| s["provider"]["id"] == root || s["consumer"]["id"] == root;
        let published = |s: &&&Value| s["dataItem"]["isPublished"] == json!(true);
        let admin_counts: Vec<&Value> = active.clone();
        let public_counts: Vec<&Value> = active
            .iter()
            .filter(|s| published_count && published(s))
            .copied()
            .collect();
        let viewer_counts: Vec<&Value> = active
            .iter()
            .filter(|s| (published_count && published(s)) || party(s))
            .copied()
            .collect();
        assert!(
            active.iter().any(|s| !published(&s)),
            "some shares' items are unpublished"
        );
        let mut seen = BTreeSet::new();
        for depth in [1, 2, 3] {
            for (token, counts) in [
                (Some(app.admin.as_str()), &admin_counts),
                (None, &public_counts),
                (Some(viewer.as_str()), &viewer_counts),
            ] {
                let got = drawn(&app, token, &root, depth).await;
                assert_eq!(
                    got,
                    expected(counts, &root, depth),
                    "{public_shares:?}, depth {depth}, token {token:?}"
                );
                seen.insert(got.1.len());
            }
        }
        assert!(seen.iter().any(|n| *n > 1), "only trivial graphs: {seen:?}");
        // A walk that outgrows its budget stops there and says so (SQLite's walk caps each
        // step at twice the budget; the cut must still read as truncated).
        let small = app
            .ok(
                "query($o: ID!) { organization(id: $o) { sharingGraph(depth: 3, maxNodes: 2) { truncated nodes { degree } } } }",
                json!({ "o": root }),
            )
            .await;
        let graph = &small["organization"]["sharingGraph"];
        assert_eq!(graph["truncated"], json!(true), "{small}");
        assert_eq!(graph["nodes"].as_array().unwrap().len(), 3, "{small}");
    }
}

#[tokio::test]
async fn a_generated_catalogue_has_its_pair_counts() {
    // The generator writes shares in batches of thousands (one statement each on PostgreSQL,
    // whose triggers count a statement's rows at once) after setting the items' flags.
    let app = TestApp::spawn().await;
    let counts = sharegraph::seed::generate::generate(&app.db, 3000, 7)
        .await
        .unwrap();
    assert!(counts.shares > 5000, "{counts:?}");
    let pairs = assert_in_step(&app, "generate").await;
    assert!(pairs > 100, "{pairs} pair rows");
}
