//! The pages for browsers: the landing page, the explorer's frame and its framing rules, and a
//! page behind every IRI of the DCAT export, which answers HTML to browsers, the record's DCAT
//! description to RDF clients, and 404 for what the caller may not see. (The explorer's drawing
//! is tested in Chromium by `tests/browser.rs`.)

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sharegraph::access::Role;

use crate::support::{HttpAnswer, TestApp};

const FINANCE: &str = "000.02.39.H57";

async fn demo() -> TestApp {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.anonymous_rate_limit_per_minute = 0;
        l.frame_ancestors = "https://congdulieu.thuathienhue.gov.vn".into();
    })
    .await;
    app.load_demo().await;
    app
}

async fn get(app: &TestApp, uri: &str, accept: &str, token: Option<&str>) -> HttpAnswer {
    let mut request = Request::get(uri)
        .header("host", "dulieu.namdong.gov.vn")
        .header("accept", accept);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.http(request.body(Body::empty()).unwrap()).await
}

fn text(answer: &HttpAnswer) -> &str {
    answer.body.as_str().unwrap_or_default()
}

/// The number in a global id.
fn number(id: &Value) -> i64 {
    let raw = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        id.as_str().unwrap(),
    )
    .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

const BROWSER: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

/// One record of each kind, read as admin: (path, the text its page must show).
async fn records(app: &TestApp) -> Vec<(String, String)> {
    let data = app
        .ok(
            r#"{
              organization(code: "000.03.39.H57") { id name }
              openDatasets(first: 1, where: { code: { eq: "QUAN-TRAC-NUOC-TA-TRACH" } }) { nodes { id title } }
              dataServices(first: 1, where: { code: { eq: "ND-HONGHEO-API" } }) { nodes { id name } }
              databases(first: 1, where: { code: { eq: "CSDLQG-DANCU" } }) { nodes { id name } }
            }"#,
            json!({}),
        )
        .await;
    vec![
        (
            format!("/organizations/{}", number(&data["organization"]["id"])),
            data["organization"]["name"].as_str().unwrap().to_owned(),
        ),
        (
            format!(
                "/open-datasets/{}",
                number(&data["openDatasets"]["nodes"][0]["id"])
            ),
            data["openDatasets"]["nodes"][0]["title"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
        (
            format!(
                "/data-services/{}",
                number(&data["dataServices"]["nodes"][0]["id"])
            ),
            data["dataServices"]["nodes"][0]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
        (
            format!(
                "/databases/{}",
                number(&data["databases"]["nodes"][0]["id"])
            ),
            data["databases"]["nodes"][0]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
    ]
}

#[tokio::test]
async fn every_record_page_renders_for_the_public_with_its_fields_and_links() {
    let app = demo().await;
    for (path, name) in records(&app).await {
        let page = get(&app, &path, BROWSER, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {:?}", page.body);
        assert_eq!(page.content_type, "text/html; charset=utf-8", "{path}");
        let html = text(&page);
        assert!(html.contains(&format!("<h1>{name}</h1>")), "{path}: {html}");
        // Pages run only sharegraph's own scripts and are never framed.
        let policy = page.headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(page.headers["x-frame-options"], "DENY");
        // The public's answer may be kept by shared caches, and revalidated.
        assert!(
            page.headers["cache-control"]
                .to_str()
                .unwrap()
                .starts_with("public")
        );
        let etag = page.headers["etag"].to_str().unwrap().to_owned();
        let again = app
            .http(
                Request::get(&path)
                    .header("accept", BROWSER)
                    .header("if-none-match", etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
    }

    // The environment office's page: its fields, its parent, its databases, its open data,
    // and its place in the sharing graph drawn by the embedded explorer.
    let (org, _) = &records(&app).await[0];
    let page = get(&app, org, BROWSER, None).await;
    let html = text(&page);
    for expected in [
        "<dd>000.03.39.H57</dd>",
        "<dd>Cấp huyện</dd>",
        ">Ủy ban nhân dân huyện Nam Đông</a>",
        "Cơ sở dữ liệu môi trường huyện Nam Đông</a>",
        "Kết quả quan trắc chất lượng nước sông Tả Trạch</a>",
        r#"src="/explore?org=000.03.39.H57&amp;embed=1""#,
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    // Links go to other records' pages.
    assert!(html.contains(r#"<a href="/organizations/"#));
    assert!(html.contains(r#"<a href="/databases/"#));
    assert!(html.contains(r#"<a href="/open-datasets/"#));

    // The dataset page: downloads, the items it publishes, and the feedback form.
    let (dataset, _) = &records(&app).await[1];
    let html = get(&app, dataset, BROWSER, None).await;
    let html = text(&html);
    assert!(html.contains("<dd>Hằng tháng</dd>"), "{html}");
    assert!(html.contains(r#"<li id="csv">"#), "{html}");
    assert!(html.contains(r#"<form id="feedback""#), "{html}");
    assert!(html.contains("/feedback.js"), "{html}");
    assert!(
        html.contains("Quan trắc chất lượng nước sông Tả Trạch"),
        "{html}"
    );
}

#[tokio::test]
async fn what_the_caller_may_not_see_is_a_404_page() {
    let app = demo().await;
    let drafts = app
        .ok(
            r#"{
              openDatasets(first: 10, where: { published: { eq: false } }) { nodes { id } }
              dataServices(first: 10, where: { status: { eq: DRAFT } }) { nodes { id code } }
            }"#,
            json!({}),
        )
        .await;
    let service = &drafts["dataServices"]["nodes"][0];
    assert_eq!(service["code"], "ND-NGANSACH-FILE");
    let mut hidden = vec![format!("/data-services/{}", number(&service["id"]))];
    for d in drafts["openDatasets"]["nodes"].as_array().unwrap() {
        hidden.push(format!("/open-datasets/{}", number(&d["id"])));
    }
    for path in &hidden {
        let page = get(&app, path, BROWSER, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(text(&page).contains("Không tìm thấy"), "{path}");
        // Nor does its description leak to RDF clients.
        let rdf = get(&app, path, "application/ld+json", None).await;
        assert_eq!(rdf.status, StatusCode::NOT_FOUND, "{path}");
    }
    // The service's own organization sees its draft.
    let steward = app.token(Role::Steward, Some(FINANCE)).await;
    let page = get(&app, &hidden[0], BROWSER, Some(&steward)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page).contains("Gói dữ liệu công khai ngân sách huyện Nam Đông"));
    assert!(
        page.headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    // No such rows, and ids that are not numbers.
    for path in [
        "/organizations/999999",
        "/databases/0",
        "/open-datasets/abc",
        "/data-services/-1",
    ] {
        assert_eq!(
            get(&app, path, BROWSER, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn record_iris_answer_their_dcat_description_to_rdf_clients() {
    let app = demo().await;
    let records = records(&app).await;
    let base = "http://dulieu.namdong.gov.vn";
    for ((path, name), class) in records.iter().zip([
        "foaf:Agent",
        "dcat:Dataset",
        "dcat:DataService",
        "dcat:Dataset",
    ]) {
        let answer = get(&app, path, "application/ld+json", None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.content_type, "application/ld+json");
        assert_eq!(answer.headers["vary"], "Accept");
        let node = answer.body["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["@id"] == format!("{base}{path}"))
            .unwrap_or_else(|| panic!("{path} describes itself: {}", answer.body))
            .clone();
        assert!(
            node["@type"].as_array().unwrap().contains(&json!(class)),
            "{path}: {node}"
        );
        let title = if class == "foaf:Agent" {
            &node["foaf:name"][0]["@value"]
        } else {
            &node["dct:title"][0]["@value"]
        };
        assert_eq!(title, name.as_str(), "{path}");

        let turtle = get(&app, path, "text/turtle", None).await;
        assert_eq!(turtle.content_type, "text/turtle; charset=utf-8");
        assert!(text(&turtle).contains(&format!("<{base}{path}>")), "{path}");
        assert!(text(&turtle).contains(&format!("\"{name}\"@vi")), "{path}");
    }
    // The national population database shares with the public only on request: restricted.
    let (database, _) = &records[3];
    let answer = get(&app, database, "application/ld+json", None).await;
    let node = &answer.body["@graph"][0];
    assert_eq!(
        node["dct:accessRights"][0]["@id"],
        "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
        "{node}"
    );

    // The catalogue IRI: a page for browsers, the export otherwise (as before).
    let page = get(&app, "/dcat/catalog", BROWSER, None).await;
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(text(&page).contains("Kết quả quan trắc chất lượng nước sông Tả Trạch</a>"));
    let export = get(&app, "/dcat/catalog", "*/*", None).await;
    assert_eq!(export.content_type, "application/ld+json");

    // A distribution's IRI leads to its dataset's page; the publisher's to the catalogue.
    let (dataset, _) = &records[1];
    let distribution = get(&app, &format!("{dataset}/distributions/csv"), BROWSER, None).await;
    assert_eq!(distribution.status, StatusCode::SEE_OTHER);
    assert_eq!(distribution.headers["location"], format!("{dataset}#csv"));
    let publisher = get(&app, "/dcat/publisher", BROWSER, None).await;
    assert_eq!(publisher.headers["location"], "/dcat/catalog");
    // The catalogue's homepage is now the landing page.
    let export = get(&app, "/dcat/catalog.jsonld", "*/*", None).await;
    let catalog = export.body["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == format!("{base}/dcat/catalog"))
        .unwrap()
        .clone();
    assert_eq!(catalog["foaf:homepage"][0]["@id"], format!("{base}/"));
}

#[tokio::test]
async fn the_landing_page_counts_what_the_caller_may_see() {
    let app = demo().await;
    let counts = app
        .post_as(
            None,
            "{ organizations { totalCount } dataServices { totalCount } }",
            json!({}),
        )
        .await;
    let page = get(&app, "/", BROWSER, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = text(&page);
    assert!(html.contains("<h1>Danh mục dữ liệu chia sẻ</h1>"), "{html}");
    for (key, label) in [
        ("organizations", "cơ quan, đơn vị"),
        ("dataServices", "dịch vụ chia sẻ dữ liệu"),
    ] {
        let n = &counts["data"][key]["totalCount"];
        assert!(
            html.contains(&format!("<strong>{n}</strong> {label}")),
            "{key}: {n} in {html}"
        );
    }
    for link in [
        r#"action="/explore""#,
        r#"href="/explore""#,
        r#"href="/graphql""#,
        r#"href="/dcat/catalog""#,
        r#"href="/docs""#,
    ] {
        assert!(html.contains(link), "{link}");
    }
    // An admin sees the draft service counted too.
    let public_services = counts["data"]["dataServices"]["totalCount"]
        .as_u64()
        .unwrap();
    let admin = get(&app, "/", BROWSER, Some(&app.admin)).await;
    assert!(text(&admin).contains(&format!(
        "<strong>{}</strong> dịch vụ chia sẻ dữ liệu",
        public_services + 1
    )));
}

#[tokio::test]
async fn only_the_embeddable_explorer_may_be_framed_and_only_by_the_named_sites() {
    let app = demo().await;
    let full = get(&app, "/explore?org=000.04.39.H57", BROWSER, None).await;
    assert_eq!(full.status, StatusCode::OK);
    let policy = full.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert_eq!(full.headers["x-frame-options"], "DENY");
    let html = text(&full);
    assert!(html.contains(sharegraph::web::assets::CYTOSCAPE));
    assert!(html.contains("/explore/explore.js"));
    // The explorer labels modes from the page's own table.
    assert!(html.contains("Chia sẻ theo yêu cầu đặc thù"));

    let embed = get(&app, "/explore?org=000.04.39.H57&embed=1", BROWSER, None).await;
    let policy = embed.headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("frame-ancestors 'self' https://congdulieu.thuathienhue.gov.vn;"),
        "{policy}"
    );
    assert!(embed.headers.get("x-frame-options").is_none());
    assert!(text(&embed).contains(r#"class="explore embed""#));

    // GraphiQL is never framed.
    let graphiql = get(&app, "/graphql", BROWSER, None).await;
    let policy = graphiql.headers["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(graphiql.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn the_pages_own_files_are_served_and_cached_for_good() {
    let app = demo().await;
    let path = format!("{}/explore/explore.js", sharegraph::web::assets::UI);
    let js = get(&app, &path, "*/*", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.content_type, "text/javascript; charset=utf-8");
    assert!(
        js.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(text(&js).contains("sharegraphExplorer"));
    if sharegraph::web::assets::is_bundled() {
        let lib = get(
            &app,
            &format!("{}/cytoscape.min.js", sharegraph::web::assets::CYTOSCAPE),
            "*/*",
            None,
        )
        .await;
        assert_eq!(lib.status, StatusCode::OK);
        let licence = get(
            &app,
            &format!("{}/LICENSE", sharegraph::web::assets::CYTOSCAPE),
            "*/*",
            None,
        )
        .await;
        assert!(text(&licence).contains("MIT"));
    }
    for missing in [
        "/assets/ui-000000000000/site.css".to_owned(),
        format!("{}/../Cargo.toml", sharegraph::web::assets::UI),
        format!("{}/nothing.js", sharegraph::web::assets::UI),
    ] {
        assert_eq!(
            get(&app, &missing, "*/*", None).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

/// A page is as Vietnamese as its data: a name with every diacritic and markup characters
/// comes out escaped, not interpreted.
#[tokio::test]
async fn record_fields_are_escaped() {
    let app = demo().await;
    let id = crate::support::create_org(
        &app,
        "000.00.31.H57",
        "Phòng Văn hóa <script>alert(1)</script> & Thông tin huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let page = get(
        &app,
        &format!("/organizations/{}", number(&json!(id))),
        BROWSER,
        None,
    )
    .await;
    let html = text(&page);
    assert!(html.contains(
        "Phòng Văn hóa &lt;script&gt;alert(1)&lt;/script&gt; &amp; Thông tin huyện Nam Đông"
    ));
    assert!(!html.contains("<script>alert(1)"));
}

#[tokio::test]
async fn the_documents_are_served_from_the_binary() {
    let app = demo().await;
    let index = get(&app, "/docs", BROWSER, None).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        text(&index)
            .contains(r#"<a href="/docs/explorer.md">The explorer and the public pages</a>"#)
    );
    let doc = get(&app, "/docs/explorer.md", BROWSER, None).await;
    assert_eq!(doc.content_type, "text/html; charset=utf-8");
    let html = text(&doc);
    assert!(
        html.contains("<h1>The explorer and the public pages</h1>"),
        "{html}"
    );
    assert!(html.contains("<table>"), "{html}");
    // Links between documents and to their images resolve under /docs.
    assert!(html.contains(r#"src="img/explorer.png""#), "{html}");
    assert!(html.contains(r#"href="api.md#graphiql-offline""#), "{html}");
    let image = get(&app, "/docs/img/explorer.png", "*/*", None).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.content_type, "image/png");
    for missing in [
        "/docs/nothing.md",
        "/docs/img/nothing.png",
        "/docs/../Cargo.toml",
    ] {
        assert_eq!(
            get(&app, missing, BROWSER, None).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}
