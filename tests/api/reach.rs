//! Reaching the sharing graph from outside: the public sharing graph and its settings,
//! subtree-scoped tokens, roll-ups (sharing graph, consolidated report, statistics), the
//! filters and orders dashboards use, CORS, HTTP caching and persisted queries.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sharegraph::access::{PublicShares, Role};

use crate::support::{TestApp, code, create_db, create_item, create_org};

const DISTRICT: &str = "000.00.39.H57";
const LABOUR: &str = "000.04.39.H57";
const ENVIRONMENT: &str = "000.03.39.H57";
const PROVINCE_ICT: &str = "000.00.12.H57";

/// The README's dashboard example.
const DASHBOARD: &str = r#"{
  organization(code: "000.04.39.H57") {
    sharingGraph(depth: 2) {
      nodes { degree organization { name } }
      edges { provider { name } consumer { name } default onRequest open total }
    }
    sharesProvided(where: { status: { eq: ACTIVE } }) {
      nodes { mode purpose dataItem { name } consumer { name } service { name platform } }
    }
  }
}"#;

/// The demo catalogue on a server whose public reads shares as `public_shares` says.
pub(crate) async fn demo_with(public_shares: PublicShares) -> TestApp {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.anonymous_rate_limit_per_minute = 0;
        l.public_shares = public_shares;
    })
    .await;
    app.load_demo().await;
    app
}

async fn org_id(app: &TestApp, code: &str) -> String {
    app.ok(
        "query($c: String!) { organization(code: $c) { id } }",
        json!({ "c": code }),
    )
    .await["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Codes of `root` and every organization below it, read organization by organization.
async fn subtree_codes(app: &TestApp, root: &str) -> BTreeSet<String> {
    let mut all = BTreeSet::from([root.to_owned()]);
    let mut todo = vec![root.to_owned()];
    while let Some(code) = todo.pop() {
        let data = app
            .ok(
                "query($c: String!) { organization(code: $c) { children(first: 100) { nodes { code } } } }",
                json!({ "c": code }),
            )
            .await;
        for child in data["organization"]["children"]["nodes"]
            .as_array()
            .unwrap()
        {
            let c = child["code"].as_str().unwrap().to_owned();
            if all.insert(c.clone()) {
                todo.push(c);
            }
        }
    }
    all
}

/// Every share as the caller reads it, by paging.
pub(crate) async fn all_shares(app: &TestApp, token: Option<&str>, fields: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let q = format!(
            "query($after: String) {{ shares(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }} }} }}"
        );
        let data = app.ok_as(token, &q, json!({ "after": after })).await;
        out.extend(data["shares"]["nodes"].as_array().unwrap().iter().cloned());
        if data["shares"]["pageInfo"]["hasNextPage"] != json!(true) {
            return out;
        }
        after = data["shares"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

#[tokio::test]
async fn the_public_reads_the_sharing_graph_of_published_items() {
    let app = demo_with(PublicShares::Shares).await;
    // The README's dashboard example answers edges with no token.
    let data = app.ok_as(None, DASHBOARD, json!({})).await;
    let graph = &data["organization"]["sharingGraph"];
    assert!(!graph["edges"].as_array().unwrap().is_empty(), "{data:#}");
    let provided = data["organization"]["sharesProvided"]["nodes"]
        .as_array()
        .unwrap();
    assert!(!provided.is_empty());
    // Why a share exists stays with its parties.
    assert!(provided.iter().all(|s| s["purpose"].is_null()));
    let labour = app.token(Role::Viewer, Some(LABOUR)).await;
    let data = app.ok_as(Some(&labour), DASHBOARD, json!({})).await;
    let own = data["organization"]["sharesProvided"]["nodes"]
        .as_array()
        .unwrap();
    assert!(own.iter().any(|s| s["purpose"].is_string()));

    // The public reads exactly the shares of published items, with the public fields only.
    let fields = "id purpose legalBasis statusReason asParty agreement { id } request { id } dataItem { isPublished }";
    let admin = all_shares(&app, Some(&app.admin), fields).await;
    let public = all_shares(&app, None, fields).await;
    let published: BTreeSet<String> = admin
        .iter()
        .filter(|s| s["dataItem"]["isPublished"] == json!(true))
        .map(|s| s["id"].to_string())
        .collect();
    assert!(!published.is_empty());
    assert_eq!(
        public
            .iter()
            .map(|s| s["id"].to_string())
            .collect::<BTreeSet<_>>(),
        published
    );
    for s in &public {
        for f in [
            "purpose",
            "legalBasis",
            "statusReason",
            "agreement",
            "request",
        ] {
            assert!(s[f].is_null(), "{f} of a share shown to the public: {s}");
        }
        assert_eq!(s["asParty"], false);
    }
    assert!(admin.iter().any(|s| s["purpose"].is_string()));
}

#[tokio::test]
async fn an_operator_can_keep_shares_with_their_parties() {
    let shared = demo_with(PublicShares::Shares).await;
    let counted = demo_with(PublicShares::Organizations).await;
    let none = demo_with(PublicShares::None).await;
    let edges = |data: &Value| {
        data["organization"]["sharingGraph"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["provider"]["name"].clone(),
                    e["consumer"]["name"].clone(),
                    e["total"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let q = "{ shares { totalCount } }";
    // `organizations`: no share row, the same organization-to-organization counts.
    assert_eq!(
        counted.ok_as(None, q, json!({})).await["shares"]["totalCount"],
        0
    );
    let full = edges(&shared.ok_as(None, DASHBOARD, json!({})).await);
    let only_counts = counted.ok_as(None, DASHBOARD, json!({})).await;
    assert!(!full.is_empty());
    assert_eq!(edges(&only_counts), full);
    assert!(
        only_counts["organization"]["sharesProvided"]["nodes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // `none`: nothing of the sharing graph for the public; the parties still see theirs.
    assert_eq!(
        none.ok_as(None, q, json!({})).await["shares"]["totalCount"],
        0
    );
    assert!(edges(&none.ok_as(None, DASHBOARD, json!({})).await).is_empty());
    // The labour office reads its own shares, so its edges, and nothing beyond them.
    let labour = none.token(Role::Viewer, Some(LABOUR)).await;
    let own = edges(&none.ok_as(Some(&labour), DASHBOARD, json!({})).await);
    let name = "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông";
    let touching: Vec<_> = full
        .iter()
        .filter(|(p, c, _)| p == name || c == name)
        .cloned()
        .collect();
    assert!(!touching.is_empty());
    assert_eq!(own, touching);
}

#[tokio::test]
async fn a_subtree_token_acts_for_the_whole_district() {
    let app = demo_with(PublicShares::Shares).await;
    let district = subtree_codes(&app, DISTRICT).await;
    let viewer = app.subtree_token(Role::Viewer, DISTRICT).await;
    let single = app.token(Role::Viewer, Some(DISTRICT)).await;
    let q = "{ viewer { scope scopeSize organization { code } } }";
    let data = app.ok_as(Some(&viewer), q, json!({})).await;
    assert_eq!(data["viewer"]["scope"], "SUBTREE");
    assert_eq!(data["viewer"]["scopeSize"], district.len());
    assert_eq!(data["viewer"]["organization"]["code"], DISTRICT);
    let data = app.ok_as(Some(&single), q, json!({})).await;
    assert_eq!(
        (&data["viewer"]["scope"], &data["viewer"]["scopeSize"]),
        (&json!("ORGANIZATION"), &json!(1))
    );
    assert_eq!(
        app.ok_as(None, q, json!({})).await["viewer"]["scope"],
        "PUBLIC"
    );
    assert_eq!(app.ok(q, json!({})).await["viewer"]["scope"], "EVERYTHING");

    // Items the district's departments keep internal: the subtree viewer reads them, the
    // district's own viewer and the public do not.
    let items = "{ dataItems(first: 100, where: { isPublished: { eq: false } }) { nodes { database { organization { code } } } } }";
    let owners = |data: Value| -> BTreeSet<String> {
        data["dataItems"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                n["database"]["organization"]["code"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let all = owners(app.ok(items, json!({})).await);
    let inside: BTreeSet<String> = all.intersection(&district).cloned().collect();
    assert!(
        !inside.is_empty(),
        "the demo has internal items in the district"
    );
    assert_eq!(
        owners(app.ok_as(Some(&viewer), items, json!({})).await),
        inside
    );
    assert!(owners(app.ok_as(Some(&single), items, json!({})).await).is_empty());
    assert!(owners(app.ok_as(None, items, json!({})).await).is_empty());

    // A subtree steward writes every department's catalogue, and nothing outside.
    let steward = app.subtree_token(Role::Steward, DISTRICT).await;
    let mutation = "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { organization { code } } } }";
    let input = |owner: &str, code: &str| json!({ "input": { "organizationId": owner, "code": code, "name": "Cơ sở dữ liệu quan trắc môi trường", "kind": "LOCAL" } });
    let env = org_id(&app, ENVIRONMENT).await;
    let data = app
        .ok_as(Some(&steward), mutation, input(&env, "QT-MT"))
        .await;
    assert_eq!(
        data["createDatabase"]["database"]["organization"]["code"],
        ENVIRONMENT
    );
    let outside = org_id(&app, PROVINCE_ICT).await;
    let err = app
        .err_as(Some(&steward), mutation, input(&outside, "QT-TT"))
        .await;
    assert_eq!(code(&err), "FORBIDDEN");
    let err = app
        .err_as(Some(&viewer), mutation, input(&env, "QT-MT2"))
        .await;
    assert_eq!(code(&err), "FORBIDDEN");
    // A subtree scope needs an organization.
    let err = sharegraph::access::token::create(&app.db, "x", Role::Viewer, None, true)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_district_sharing_graph_rolls_up_its_departments() {
    let app = demo_with(PublicShares::Shares).await;
    let district = subtree_codes(&app, DISTRICT).await;
    // By hand: active shares the public reads, with one end in the district.
    let shares = all_shares(
        &app,
        None,
        "status provider { code } consumer { code } mode",
    )
    .await;
    let inside = |s: &Value, end: &str| district.contains(s[end]["code"].as_str().unwrap());
    let active: Vec<&Value> = shares.iter().filter(|s| s["status"] == "ACTIVE").collect();
    let crossing = active
        .iter()
        .filter(|s| inside(s, "provider") != inside(s, "consumer"))
        .count() as i64;
    let touching = active
        .iter()
        .filter(|s| inside(s, "provider") || inside(s, "consumer"))
        .count() as i64;
    assert!(crossing > 0 && touching > crossing, "{crossing} {touching}");

    let q = "query($c: String!, $collapse: Boolean!) { organization(code: $c) {
        alone: sharingGraph(depth: 1) { rollUp subtreeSize nodes { organization { code } } edges { total } }
        up: sharingGraph(depth: 1, includeDescendants: true, collapseDescendants: $collapse) {
          rollUp subtreeSize totalEdges
          nodes { degree members inSubtree organization { code } }
          edges { provider { code } consumer { code } total open default onRequest } } } }";
    let data = app
        .ok_as(None, q, json!({ "c": DISTRICT, "collapse": true }))
        .await;
    let org = &data["organization"];
    // The district office itself shares nothing: alone, it is one node.
    assert_eq!(org["alone"]["rollUp"], "NONE");
    assert_eq!(org["alone"]["nodes"].as_array().unwrap().len(), 1);
    let up = &org["up"];
    assert_eq!(up["rollUp"], "COLLAPSED");
    assert_eq!(up["subtreeSize"], district.len());
    let nodes = up["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["organization"]["code"], DISTRICT);
    assert_eq!(nodes[0]["members"], district.len());
    assert!(nodes[1..].iter().all(|n| {
        !district.contains(n["organization"]["code"].as_str().unwrap())
            && n["members"] == 1
            && n["inSubtree"] == false
    }));
    let edges = up["edges"].as_array().unwrap();
    assert!(edges.iter().all(|e| {
        (e["provider"]["code"] == DISTRICT) != (e["consumer"]["code"] == DISTRICT)
            && e["total"].as_i64()
                == Some(
                    e["open"].as_i64().unwrap()
                        + e["default"].as_i64().unwrap()
                        + e["onRequest"].as_i64().unwrap(),
                )
    }));
    let total: i64 = edges.iter().map(|e| e["total"].as_i64().unwrap()).sum();
    assert_eq!(total, crossing);

    let data = app
        .ok_as(None, q, json!({ "c": DISTRICT, "collapse": false }))
        .await;
    let up = &data["organization"]["up"];
    assert_eq!(up["rollUp"], "MEMBERS");
    let nodes = up["nodes"].as_array().unwrap();
    let members: BTreeSet<&str> = nodes
        .iter()
        .filter(|n| n["inSubtree"] == true)
        .map(|n| {
            assert_eq!(n["degree"], 0);
            n["organization"]["code"].as_str().unwrap()
        })
        .collect();
    assert_eq!(members.len(), district.len());
    let total: i64 = up["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["total"].as_i64().unwrap())
        .sum();
    assert_eq!(total, touching);
}

/// Every line of a report, by key.
fn lines(report: &Value) -> BTreeMap<String, f64> {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["lines"].as_array().unwrap())
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

const REPORT: &str = "query($id: ID!, $all: Boolean!) { implementationReport(organizationId: $id, period: { year: 2026 }, includeDescendants: $all) {
    consolidated csvPath xlsxPath organization { code }
    sections { key lines { key value } }
    agencies { organization { id code } sections { key lines { key value } } } } }";

#[tokio::test]
async fn the_consolidated_report_sums_the_agencies_own_reports() {
    let app = demo_with(PublicShares::Shares).await;
    let district = subtree_codes(&app, DISTRICT).await;
    let id = org_id(&app, DISTRICT).await;
    let data = app.ok(REPORT, json!({ "id": id, "all": true })).await;
    let report = &data["implementationReport"];
    assert_eq!(report["consolidated"], true);
    let agencies = report["agencies"].as_array().unwrap();
    assert_eq!(
        agencies
            .iter()
            .map(|a| a["organization"]["code"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<_>>(),
        district
    );
    assert_eq!(agencies[0]["organization"]["code"], DISTRICT);
    // Each agency's own report, asked for on its own, is the section the consolidation holds.
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    let mut own_reports = Vec::new();
    for agency in agencies {
        let own = app
            .ok(
                REPORT,
                json!({ "id": agency["organization"]["id"], "all": false }),
            )
            .await;
        let own = lines(&own["implementationReport"]);
        assert_eq!(own, lines(agency));
        for (k, v) in &own {
            *sums.entry(k.clone()).or_default() += v;
        }
        own_reports.push(own);
    }
    let totals = lines(report);
    assert!(totals["items.total"] > 0.0 && totals["shares.active"] > 0.0);
    for (key, total) in &totals {
        if key.starts_with("quality.") && key != "quality.assessments" {
            // A mean: weighted by each agency's assessments.
            let n: f64 = own_reports.iter().map(|r| r["quality.assessments"]).sum();
            let weighted: f64 = own_reports
                .iter()
                .map(|r| r[key] * r["quality.assessments"])
                .sum();
            let expected = if n == 0.0 {
                0.0
            } else {
                (weighted / n * 10.0).round() / 10.0
            };
            assert_eq!(*total, expected, "{key}");
        } else {
            assert_eq!(*total, sums[key], "{key}");
        }
    }

    // The files carry the same consolidation: the CSV a table per agency, the workbook a
    // sheet per agency after the totals.
    let csv_path = report["csvPath"].as_str().unwrap();
    assert!(csv_path.contains("includeDescendants=true"));
    let csv = download(&app, Some(&app.admin), csv_path).await;
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.matches("Cơ quan,").count(), district.len());
    assert!(text.contains("Phòng Lao động – Thương binh và Xã hội huyện Nam Đông"));
    let xlsx = download(&app, Some(&app.admin), report["xlsxPath"].as_str().unwrap()).await;
    use calamine::Reader;
    let book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), district.len() + 1);
    assert_eq!(names[0], "Tổng hợp");
    assert!(names.iter().any(|n| n == LABOUR));

    // Who may read it: admins and tokens whose scope covers the subtree.
    let subtree = app.subtree_token(Role::Viewer, DISTRICT).await;
    let single = app.token(Role::Steward, Some(DISTRICT)).await;
    app.ok_as(Some(&subtree), REPORT, json!({ "id": id, "all": true }))
        .await;
    for token in [Some(single.as_str()), None] {
        let err = app
            .err_as(token, REPORT, json!({ "id": id, "all": true }))
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
    }
}

async fn download(app: &TestApp, token: Option<&str>, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

const STATISTICS: &str = "query($c: String!, $all: Boolean!) { organization(code: $c) { statistics(includeDescendants: $all) {
    organizations complianceIssues
    databases { total byKind { value count } byStatus { value count } }
    items { total personalData masterData sharedCodeLists internalOnly byMode { consumerType mode count } }
    services { total byStatus { value count } }
    sharesProvided { total byMode { value count } byStatus { value count } }
    sharesReceived { total byMode { value count } byStatus { value count } }
    openDatasets { published drafts stale }
    requests { open overdue answeredOnTime answeredLate }
    quality { assessments meanOverall } } } }";

#[tokio::test]
async fn statistics_match_a_count_by_hand_in_a_bounded_number_of_statements() {
    let app = demo_with(PublicShares::Shares).await;
    let district = subtree_codes(&app, DISTRICT).await;
    let in_district = |v: &Value| district.contains(v.as_str().unwrap());

    for (token, label) in [(Some(app.admin.clone()), "admin"), (None, "public")] {
        let token = token.as_deref();
        let data = app
            .ok_as(token, STATISTICS, json!({ "c": DISTRICT, "all": true }))
            .await;
        let st = &data["organization"]["statistics"];
        assert_eq!(st["organizations"], district.len(), "{label}");

        // Databases and items, listed and counted here.
        let dbs = app
            .ok_as(
                token,
                "{ databases(first: 100) { nodes { kind organization { code } items(first: 100) { nodes { isPersonalData isMasterData isPublished policies(first: 10) { nodes { consumerType mode } } } } } } }",
                json!({}),
            )
            .await;
        let mine: Vec<&Value> = dbs["databases"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| in_district(&d["organization"]["code"]))
            .collect();
        assert_eq!(st["databases"]["total"], mine.len(), "{label}");
        let items: Vec<&Value> = mine
            .iter()
            .flat_map(|d| d["items"]["nodes"].as_array().unwrap())
            .collect();
        assert!(!items.is_empty());
        assert_eq!(st["items"]["total"], items.len(), "{label}");
        let count = |f: &dyn Fn(&Value) -> bool| items.iter().filter(|i| f(i)).count();
        assert_eq!(
            st["items"]["personalData"],
            count(&|i| i["isPersonalData"] == true)
        );
        assert_eq!(
            st["items"]["masterData"],
            count(&|i| i["isMasterData"] == true)
        );
        assert_eq!(
            st["items"]["internalOnly"],
            count(&|i| i["isPublished"] == false)
        );
        let mut by_mode: BTreeMap<(String, String), i64> = BTreeMap::new();
        for i in &items {
            for p in i["policies"]["nodes"].as_array().unwrap() {
                *by_mode
                    .entry((p["consumerType"].to_string(), p["mode"].to_string()))
                    .or_default() += 1;
            }
        }
        let got: BTreeMap<(String, String), i64> = st["items"]["byMode"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    (m["consumerType"].to_string(), m["mode"].to_string()),
                    m["count"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, by_mode, "{label}");

        // Shares, provided and received.
        let shares = all_shares(
            &app,
            token,
            "mode status provider { code } consumer { code }",
        )
        .await;
        for (side, end) in [
            ("sharesProvided", "provider"),
            ("sharesReceived", "consumer"),
        ] {
            let ours: Vec<&Value> = shares
                .iter()
                .filter(|s| in_district(&s[end]["code"]))
                .collect();
            assert_eq!(st[side]["total"], ours.len(), "{label} {side}");
            let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
            for s in &ours {
                *by_status
                    .entry(s["status"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
            let got: BTreeMap<String, i64> = st[side]["byStatus"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["value"].as_str().unwrap().to_owned(),
                        c["count"].as_i64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(got, by_status, "{label} {side}");
        }
    }
    // The public's figures leave out what only members see.
    let public = app
        .ok_as(None, STATISTICS, json!({ "c": DISTRICT, "all": true }))
        .await;
    assert_eq!(
        public["organization"]["statistics"]["items"]["internalOnly"],
        0
    );
    assert_eq!(public["organization"]["statistics"]["complianceIssues"], 0);

    // As many statements for the district with everything below it as for one office.
    app.take_statement_count();
    app.ok(STATISTICS, json!({ "c": LABOUR, "all": false }))
        .await;
    let one = app.take_statement_count();
    app.ok(STATISTICS, json!({ "c": DISTRICT, "all": true }))
        .await;
    let subtree = app.take_statement_count();
    assert_eq!(one, subtree);
}

#[tokio::test]
async fn dashboards_filter_by_owner_with_descendants_and_order_shares_by_name() {
    let app = demo_with(PublicShares::Shares).await;
    let id = org_id(&app, DISTRICT).await;
    let district = subtree_codes(&app, DISTRICT).await;
    let items = app
        .ok(
            "query($id: ID!) {
               alone: dataItems(first: 100, where: { organizationId: { eq: $id } }) { totalCount }
               all: dataItems(first: 100, where: { organizationId: { eq: $id, includeDescendants: true } }) { totalCount nodes { database { organization { code } } } }
               policies: sharingPolicies(first: 100, where: { organizationId: { in: [$id], includeDescendants: true } }) { totalCount nodes { dataItem { database { organization { code } } } } }
               dbs: databases(first: 100, where: { organizationId: { eq: $id, includeDescendants: true } }) { totalCount }
               everything: databases(first: 100) { nodes { organization { code } } }
             }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(items["alone"]["totalCount"], 0);
    let all = items["all"]["nodes"].as_array().unwrap();
    assert!(!all.is_empty());
    assert_eq!(items["all"]["totalCount"], all.len());
    assert!(
        all.iter()
            .all(|i| district.contains(i["database"]["organization"]["code"].as_str().unwrap()))
    );
    let policies = items["policies"]["nodes"].as_array().unwrap();
    assert!(!policies.is_empty());
    assert!(policies.iter().all(|p| {
        district.contains(
            p["dataItem"]["database"]["organization"]["code"]
                .as_str()
                .unwrap(),
        )
    }));
    let by_hand = items["everything"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| district.contains(d["organization"]["code"].as_str().unwrap()))
        .count();
    assert_eq!(items["dbs"]["totalCount"], by_hand);
    // Too many subtrees in one filter are refused before any SQL.
    let many: Vec<&str> = std::iter::repeat_n(id.as_str(), 21).collect();
    let err = app
        .err(
            "query($ids: [ID!]) { dataItems(where: { organizationId: { in: $ids, includeDescendants: true } }) { totalCount } }",
            json!({ "ids": many }),
        )
        .await;
    assert_eq!(code(&err), "LIMIT_EXCEEDED");

    // Shares in the order of their provider's, consumer's and item's names, diacritics
    // folded, paged across the whole list.
    for (field, path) in [
        ("PROVIDER_NAME", "provider { name }"),
        ("CONSUMER_NAME", "consumer { name }"),
        ("ITEM_NAME", "dataItem { name }"),
    ] {
        let mut names = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let q = format!(
                "query($after: String) {{ shares(first: 4, after: $after, orderBy: [{{ field: {field}, direction: ASC }}]) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {path} }} }} }}"
            );
            let data = app.ok(&q, json!({ "after": after })).await;
            for n in data["shares"]["nodes"].as_array().unwrap() {
                let v = n.as_object().unwrap().values().next().unwrap();
                names.push(sharegraph::domain::text::fold(v["name"].as_str().unwrap()));
            }
            if data["shares"]["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            after = data["shares"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned);
        }
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{field}");
        assert!(names.len() > 4);
    }
    // A rename moves the share in the order (the copies are kept in step).
    let labour = org_id(&app, LABOUR).await;
    app.ok(
        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
        json!({ "input": { "id": labour, "name": "Ấp đầu bảng chữ cái" } }),
    )
    .await;
    let data = app
        .ok("{ shares(first: 1, orderBy: [{ field: CONSUMER_NAME, direction: ASC }]) { nodes { consumer { code } } } }", json!({}))
        .await;
    assert_eq!(data["shares"]["nodes"][0]["consumer"]["code"], LABOUR);
}

#[tokio::test]
async fn lineage_edges_name_their_rows_and_upstream_kinds_follow_the_data() {
    let app = TestApp::spawn().await;
    // X owns A → B; Y receives B by a share and derives C from it.
    let x = create_org(
        &app,
        "000.03.39.H57",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let y = create_org(
        &app,
        "000.04.39.H57",
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let dx = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &x).await;
    let dy = create_db(&app, "DB-HONGHEO", "Cơ sở dữ liệu hộ nghèo", &y).await;
    let a = create_item(&app, &dx, "THUA", "Thửa đất").await;
    let b = create_item(&app, &dx, "CHU", "Chủ sử dụng đất").await;
    let c = create_item(&app, &dy, "HO", "Hộ nghèo có đất sản xuất").await;
    for item in [&a, &b, &c] {
        app.ok(
            "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
            json!({ "input": { "dataItemId": item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }),
        )
        .await;
    }
    let derive = "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }";
    let ab = app
        .ok(
            derive,
            json!({ "input": { "sourceItemId": a, "derivedItemId": b } }),
        )
        .await["createDerivation"]["derivation"]["id"]
        .clone();
    let share = app
        .ok(
            "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
            json!({ "input": { "dataItemId": b, "consumerId": y } }),
        )
        .await["createShare"]["share"]["id"]
        .clone();
    let bc = app
        .ok(
            derive,
            json!({ "input": { "sourceItemId": b, "derivedItemId": c } }),
        )
        .await["createDerivation"]["derivation"]["id"]
        .clone();

    // Both ways, the kinds read in the order the data flows: from A to C.
    for (walk, root, other) in [("upstream", &c, &a), ("downstream", &a, &c)] {
        let q = format!(
            "query($id: ID!) {{ dataItem(id: $id) {{ {walk}(depth: 5) {{ nodes {{ item {{ id }} edgeKinds }} }} }} }}"
        );
        let data = app.ok(&q, json!({ "id": root })).await;
        let hops = data["dataItem"][walk]["nodes"].as_array().unwrap();
        let hop = hops
            .iter()
            .find(|h| h["item"]["id"] == json!(other))
            .unwrap();
        assert_eq!(
            hop["edgeKinds"],
            json!(["DERIVED_FROM", "SHARED_WITH", "DERIVED_FROM"]),
            "{walk}"
        );
    }

    let data = app
        .ok(
            "query($id: ID!) { lineage(root: $id, direction: DOWNSTREAM, depth: 5) { edges { kind source target shareId mode status derivationId } } }",
            json!({ "id": a }),
        )
        .await;
    let edges = data["lineage"]["edges"].as_array().unwrap();
    let derived: BTreeMap<(String, String), Value> = edges
        .iter()
        .filter(|e| e["kind"] == "DERIVED_FROM")
        .map(|e| {
            (
                (
                    e["source"].as_str().unwrap().to_owned(),
                    e["target"].as_str().unwrap().to_owned(),
                ),
                e["derivationId"].clone(),
            )
        })
        .collect();
    assert_eq!(derived[&(a.clone(), b.clone())], ab);
    assert_eq!(derived[&(b.clone(), c.clone())], bc);
    let shared: Vec<&Value> = edges
        .iter()
        .filter(|e| e["kind"] == "SHARED_WITH")
        .collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0]["source"], json!(b));
    assert_eq!(shared[0]["target"], json!(y));
    assert_eq!(shared[0]["shareId"], share);
    assert_eq!(shared[0]["mode"], "DEFAULT");
    assert_eq!(shared[0]["status"], "ACTIVE");
    assert!(shared[0]["derivationId"].is_null());
    assert!(
        edges
            .iter()
            .filter(|e| e["kind"] != "SHARED_WITH" && e["kind"] != "DERIVED_FROM")
            .all(|e| e["shareId"].is_null() && e["derivationId"].is_null())
    );
}

/// Percent-encodes a query-string value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A POST of a raw GraphQL body, without a token.
async fn post_body(app: &TestApp, body: &Value) -> crate::support::HttpAnswer {
    app.http(
        Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// A GET that presents `tag` in `If-None-Match`.
async fn revalidate(app: &TestApp, path: &str, tag: &str) -> crate::support::HttpAnswer {
    app.http(
        get(path)
            .header("if-none-match", tag)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path).header("accept", "application/graphql-response+json")
}

#[tokio::test]
async fn browsers_on_other_sites_may_call_the_api() {
    let app = TestApp::spawn().await;
    // A preflight, answered before authentication.
    let resp = app
        .http(
            Request::options("/graphql")
                .header("origin", "https://cong.namdong.gov.vn")
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization, content-type",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(resp.status.is_success(), "{}", resp.status);
    assert_eq!(resp.headers["access-control-allow-origin"], "*");
    let allowed = resp.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    assert!(
        resp.headers
            .get("access-control-allow-credentials")
            .is_none()
    );
    // Answers, refusals included, carry the header; DCAT and reports too.
    for (path, token) in [
        ("/graphql?query=%7B%20viewer%20%7B%20role%20%7D%20%7D", None),
        (
            "/graphql?query=%7B%20viewer%20%7B%20role%20%7D%20%7D",
            Some("sg_unknown"),
        ),
        ("/dcat/catalog.jsonld", None),
        (
            "/reports/implementation.csv?organizationId=x&year=2026",
            None,
        ),
    ] {
        let mut req = get(path).header("origin", "https://cong.namdong.gov.vn");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = app.http(req.body(Body::empty()).unwrap()).await;
        assert_eq!(resp.headers["access-control-allow-origin"], "*", "{path}");
    }

    // A narrowed list: its origins are allowed, others get no CORS header, and WebSocket
    // upgrades from them are refused.
    let narrow = TestApp::spawn_with(|l| {
        l.cors_origins =
            "https://cong.namdong.gov.vn, https://dashboard.thuathienhue.gov.vn".into();
    })
    .await;
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap()
    };
    let ok = narrow
        .http(preflight("https://dashboard.thuathienhue.gov.vn"))
        .await;
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://dashboard.thuathienhue.gov.vn"
    );
    let other = narrow.http(preflight("https://example.com")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
    let ws = |origin: &str| {
        Request::get("/graphql/ws")
            .header("origin", origin)
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("sec-websocket-protocol", "graphql-transport-ws")
            .body(Body::empty())
            .unwrap()
    };
    let refused = narrow.http(ws("https://example.com")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&refused.body["errors"][0]), "FORBIDDEN");
    // An allowed origin passes the check (the in-process router cannot upgrade, so it stops
    // at the upgrade itself, not at the origin).
    let passed = narrow.http(ws("https://cong.namdong.gov.vn")).await;
    assert_ne!(passed.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn public_reads_carry_validators_and_answer_304() {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.anonymous_rate_limit_per_minute = 0;
        l.cache_max_age_secs = 120;
    })
    .await;
    create_org(
        &app,
        DISTRICT,
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let path = format!(
        "/graphql?query={}",
        encode("{ organizations { totalCount nodes { name } } }")
    );
    let first = app.http(get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers["cache-control"], "public, max-age=120");
    let tag = first.headers["etag"].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"') && tag.len() > 10);
    let again = revalidate(&app, &path, &tag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.body, Value::String(String::new()));
    assert_eq!(again.headers["etag"], tag.as_str());
    // A change makes a new answer with a new tag.
    create_org(
        &app,
        LABOUR,
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let changed = revalidate(&app, &path, &tag).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.headers["etag"], tag.as_str());
    // Read with a token: private. With errors: not kept. POST: no validator.
    let private = app
        .http(
            get(&path)
                .header("authorization", format!("Bearer {}", app.admin))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(private.headers["cache-control"], "private, no-cache");
    assert!(
        private.headers["vary"]
            .to_str()
            .unwrap()
            .contains("Authorization")
            || private
                .headers
                .get_all("vary")
                .iter()
                .any(|v| v == "Authorization")
    );
    let failing = format!(
        "/graphql?query={}",
        encode("{ organization(code: 5) { name } }")
    );
    let failing = app.http(get(&failing).body(Body::empty()).unwrap()).await;
    assert_eq!(failing.headers["cache-control"], "no-store");
    assert!(failing.headers.get("etag").is_none());
    // The DCAT export validates alike.
    let dcat = app
        .http(
            Request::get("/dcat/catalog.ttl")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let tag = dcat.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(dcat.headers["cache-control"], "public, max-age=120");
    let dcat = revalidate(&app, "/dcat/catalog.ttl", &tag).await;
    assert_eq!(dcat.status, StatusCode::NOT_MODIFIED);
    // GraphiQL's assets (when this build bundled them): a year, validated by their version.
    if sharegraph::web::graphiql::is_bundled() {
        let path = format!("{}/graphiql.min.css", sharegraph::web::graphiql::ASSETS);
        let asset = app
            .http(Request::get(path.as_str()).body(Body::empty()).unwrap())
            .await;
        assert_eq!(asset.status, StatusCode::OK);
        assert_eq!(
            asset.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let tag = asset.headers["etag"].to_str().unwrap().to_owned();
        let again = revalidate(&app, &path, &tag).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn a_widget_may_send_a_hash_instead_of_its_query() {
    let app = TestApp::spawn().await;
    create_org(
        &app,
        DISTRICT,
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let query = "{ organizations { totalCount } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let by_hash = format!("/graphql?extensions={}", encode(&ext));
    // Unknown at first.
    let resp = app.http(get(&by_hash).body(Body::empty()).unwrap()).await;
    assert_eq!(code(&resp.body["errors"][0]), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(resp.body["errors"][0]["message"], "PersistedQueryNotFound");
    // Sent once with its query (POST), then answered by hash over GET and POST.
    let body = json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let resp = post_body(&app, &body).await;
    assert_eq!(resp.body["data"]["organizations"]["totalCount"], 1);
    let resp = app.http(get(&by_hash).body(Body::empty()).unwrap()).await;
    assert_eq!(resp.body["data"]["organizations"]["totalCount"], 1);
    assert!(resp.headers.get("etag").is_some());
    let body = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let resp = post_body(&app, &body).await;
    assert_eq!(resp.body["data"]["organizations"]["totalCount"], 1);
    // A query that does not match its hash is refused; so is a persisted mutation over GET.
    let body = json!({ "query": "{ viewer { role } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let resp = post_body(&app, &body).await;
    assert_eq!(code(&resp.body["errors"][0]), "BAD_REQUEST");
    let mutation =
        "mutation { addHoliday(input: { day: \"2027-01-01\", name: \"Tết Dương lịch\" }) { day } }";
    let mhash = hex::encode(Sha256::digest(mutation.as_bytes()));
    let body = json!({ "query": mutation, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": mhash } } });
    app.http(
        Request::post("/graphql")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", app.admin))
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": mhash } }).to_string();
    let resp = app
        .http(
            get(&format!("/graphql?extensions={}", encode(&ext)))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED);
}
