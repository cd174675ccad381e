//! The demo catalogue of Nam Đông district loads once, and a second load changes nothing.

use serde_json::json;

use crate::support::TestApp;

const COUNTS: &str = r#"{
    organizations { totalCount }
    focalPoints { totalCount }
    informationSystems { totalCount }
    databases { totalCount }
    dataItems { totalCount }
    sharingPolicies { totalCount }
    open: sharingPolicies(where: { mode: { eq: OPEN } }) { totalCount }
    default: sharingPolicies(where: { mode: { eq: DEFAULT } }) { totalCount }
    onRequest: sharingPolicies(where: { mode: { eq: ON_REQUEST } }) { totalCount }
    notShared: sharingPolicies(where: { mode: { eq: NOT_SHARED } }) { totalCount }
}"#;

#[tokio::test]
async fn demo_catalogue_is_realistic_and_loads_once() {
    let app = TestApp::spawn().await;
    assert!(sharegraph::seed::demo::load(&app.db).await.unwrap());
    let first = app.ok(COUNTS, json!({})).await;
    let n = |k: &str| first[k]["totalCount"].as_u64().unwrap();
    assert!(n("organizations") >= 15, "{first}");
    assert!(n("databases") >= 12);
    assert!(n("dataItems") >= 60);
    for mode in ["open", "default", "onRequest", "notShared"] {
        assert!(n(mode) > 0, "no {mode} policy in the demo");
    }
    assert!(n("focalPoints") > 0 && n("informationSystems") > 0);

    assert!(
        !sharegraph::seed::demo::load(&app.db).await.unwrap(),
        "second load is skipped"
    );
    assert_eq!(app.ok(COUNTS, json!({})).await, first);

    let data = app
        .ok(
            r#"{ organization(code: "000.00.39.H57") { name parent { name } children(first: 50) { nodes { name } } focalPoints { nodes { scope fullName } } } }"#,
            json!({}),
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["name"], "Ủy ban nhân dân huyện Nam Đông");
    assert_eq!(org["parent"]["name"], "Ủy ban nhân dân tỉnh Thừa Thiên Huế");
    let children: Vec<&str> = org["children"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for expected in [
        "Phòng Tài chính – Kế hoạch huyện Nam Đông",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "Ủy ban nhân dân thị trấn Khe Tre",
    ] {
        assert!(
            children.contains(&expected),
            "{expected} missing from {children:?}"
        );
    }
    assert_eq!(org["focalPoints"]["nodes"][0]["scope"], "EXTERNAL");

    // Requests in every state, one of them overdue, and an agreement behind an approval.
    let data = app
        .ok(
            "{ sharingRequests(first: 20) { nodes { status overdue agreement { id } shares { totalCount } } } overdueRequests { totalCount } sharingAgreements { totalCount } }",
            json!({}),
        )
        .await;
    let mut states: Vec<&str> = data["sharingRequests"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    states.sort_unstable();
    states.dedup();
    assert_eq!(states, ["APPROVED", "REJECTED", "SUBMITTED", "WITHDRAWN"]);
    assert_eq!(data["overdueRequests"]["totalCount"], 1);
    assert_eq!(data["sharingAgreements"]["totalCount"], 1);

    // Releases with a diff, reviews, open data, quality, usage and feedback: every query of
    // the decree's cycle shows something.
    let data = app
        .ok(
            "{ catalogueReleases { totalCount nodes { number organization { code } diff { items { changed { code fields } } } } }
               catalogueReviews { totalCount }
               overdueReviews { nodes { kind organization { code } openDataset { code } } }
               openDatasets { totalCount nodes { code items { totalCount } } }
               qualityAssessments { totalCount } dataItems(where: { qualityBelow: 65 }) { nodes { code } }
               accessViolations { totalCount nodes { violation } }
               openDataPriorities { nodes { title votes status } }
               feedback(where: { status: { eq: DONE } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["catalogueReleases"]["totalCount"], 3);
    let latest = &data["catalogueReleases"]["nodes"][0];
    assert_eq!(
        (
            latest["number"].clone(),
            latest["organization"]["code"].clone()
        ),
        (json!(2), json!("000.03.39.H57"))
    );
    assert_eq!(
        latest["diff"]["items"]["changed"],
        json!([{ "code": "BANG-GIA-DAT", "fields": ["description"] }])
    );
    assert_eq!(data["catalogueReviews"]["totalCount"], 1);
    let overdue: Vec<(String, String)> = data["overdueReviews"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["organization"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        overdue.contains(&("CATALOGUE".into(), "000.04.39.H57".into())),
        "{overdue:?}"
    );
    assert!(
        overdue.contains(&("OPEN_DATASET".into(), "000.03.39.H57".into())),
        "{overdue:?}"
    );
    // The demo's review of 2026-10-01 falls due six months later; whether it is overdue is
    // read from the server's own calendar, so the test holds on any day it runs.
    let due = chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
    assert_eq!(
        overdue.contains(&("DEFAULT_SHARING".into(), "000.03.39.H57".into())),
        due < sharegraph::domain::today(),
        "reviewed on 2026-10-01, due {due}: {overdue:?}"
    );
    assert_eq!(data["openDatasets"]["totalCount"], 2);
    assert_eq!(data["qualityAssessments"]["totalCount"], 3);
    assert_eq!(
        data["dataItems"]["nodes"],
        json!([{ "code": "HO-SO-DIA-CHINH" }])
    );
    assert_eq!(data["accessViolations"]["totalCount"], 1);
    assert_eq!(
        data["accessViolations"]["nodes"][0]["violation"],
        "NO_SHARE"
    );
    let priorities = data["openDataPriorities"]["nodes"].as_array().unwrap();
    assert_eq!(priorities.len(), 2);
    assert_eq!(
        (
            priorities[0]["votes"].clone(),
            priorities[0]["status"].clone()
        ),
        (json!(14), json!("PLANNED"))
    );
    assert_eq!(data["feedback"]["totalCount"], 1);
}

/// A list field builds its query once per operation and reuses it for every parent; lists
/// with other arguments (aliases of the same field, other variables) get their own.
#[tokio::test]
async fn every_parent_of_a_nested_list_gets_the_page_its_arguments_ask_for() {
    let app = TestApp::spawn().await;
    assert!(sharegraph::seed::demo::load(&app.db).await.unwrap());
    let query = r#"query($n: Int!) {
        databases(first: 20) { nodes {
            one: items(first: 1) { nodes { code } totalCount }
            n: items(first: $n) { nodes { code } }
            named: items(where: { name: { contains: "a" } }) { totalCount }
            all: items(first: 100) { nodes { code } }
        } }
    }"#;
    for n in [2, 3] {
        let data = app.ok(query, json!({ "n": n })).await;
        let databases = data["databases"]["nodes"].as_array().unwrap();
        assert!(databases.len() >= 12, "{data}");
        for db in databases {
            let all: Vec<&serde_json::Value> =
                db["all"]["nodes"].as_array().unwrap().iter().collect();
            let codes = |k: &str| -> Vec<&serde_json::Value> {
                db[k]["nodes"].as_array().unwrap().iter().collect()
            };
            assert_eq!(codes("one"), all[..all.len().min(1)].to_vec(), "{db}");
            assert_eq!(codes("n"), all[..all.len().min(n)].to_vec(), "{db}");
            assert_eq!(db["one"]["totalCount"], all.len(), "{db}");
            assert!(db["named"]["totalCount"].as_u64().unwrap() <= all.len() as u64);
        }
    }
}

/// The rows a list's nodes point at (`dataItem`, `provider`, ...) are read with the page, in
/// its statement; each must be the row the same field reads on its own (through `node(id:)`,
/// where nothing is joined), for every kind of caller. (`hardening.rs`
/// `a_share_does_not_outlive_the_policy_it_rests_on` reads a joined item its reader may no
/// longer see: `null`, as alone.)
#[tokio::test]
async fn a_relation_read_with_its_page_is_the_row_read_alone() {
    use sharegraph::access::Role;
    let app = TestApp::spawn().await;
    assert!(sharegraph::seed::demo::load(&app.db).await.unwrap());
    let data = app
        .ok("{ organizations(first: 1) { nodes { code } } }", json!({}))
        .await;
    let org = data["organizations"]["nodes"][0]["code"].as_str().unwrap();
    let viewer = app.token(Role::Viewer, Some(org)).await;
    let admin = app.token(Role::Admin, None).await;
    // (the lists down to the nodes, the node type, the fields that follow relations)
    let cases: &[(&[&str], &str, &str)] = &[
        (&["dataItems"], "DataItem", "database { code name }"),
        (&["databases"], "Database", "organization { code }"),
        (
            &["shares"],
            "Share",
            "dataItem { code } provider { code } consumer { code } service { code }",
        ),
        (
            &["derivations"],
            "Derivation",
            "source { code } derived { code }",
        ),
        (
            &["dataServices"],
            "DataService",
            "provider { code } contact { fullName }",
        ),
        // Children of many parents (a foreign key; a link table).
        (&["databases", "items"], "DataItem", "database { code }"),
        (&["dataServices", "items"], "DataItem", "database { code }"),
        (
            &["dataItems", "policies"],
            "SharingPolicy",
            "dataItem { code }",
        ),
    ];
    for token in [None, Some(viewer.as_str()), Some(admin.as_str())] {
        for (path, ty, fields) in cases {
            let mut query = format!("id {fields}");
            for list in path.iter().rev() {
                query = format!("{list}(first: 100) {{ nodes {{ {query} }} }}");
            }
            let data = app.ok_as(token, &format!("{{ {query} }}"), json!({})).await;
            let mut nodes = vec![data];
            for list in path.iter() {
                nodes = nodes
                    .iter()
                    .flat_map(|n| n[list]["nodes"].as_array().unwrap().clone())
                    .collect();
            }
            assert!(!nodes.is_empty(), "{path:?} as {token:?}");
            // An operation may select at most 32 root fields.
            for chunk in nodes.chunks(30) {
                let one_by_one: String = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        format!(
                            "n{i}: node(id: {}) {{ ... on {ty} {{ id {fields} }} }} ",
                            n["id"]
                        )
                    })
                    .collect();
                let alone = app
                    .ok_as(token, &format!("{{ {one_by_one} }}"), json!({}))
                    .await;
                for (i, node) in chunk.iter().enumerate() {
                    assert_eq!(&alone[format!("n{i}")], node, "{path:?} as {token:?}");
                }
            }
        }
    }
}
