//! The pages behind the catalogue's IRIs and the landing page. Each reads one GraphQL query as
//! the caller and writes its answer as HTML; asked for RDF, a record page answers the
//! record's DCAT description instead.

use std::fmt::Write as _;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::html::{esc, query_value, thousands};
use super::{Error, Reader, Representation, failure};
use crate::access::Caller;
use crate::access::rate_limit::Key;
use crate::domain::dcat::{self, Record};
use crate::domain::vocabulary::vi;
use crate::graphql::ids::{self, Kind};
use crate::http::AppState;
use crate::http::cache;

/// The page of a global id, where the object has one (a data item's is its database's).
fn href(id: &str) -> Option<String> {
    let (kind, n) = ids::decode("id", &async_graphql::ID(id.to_owned())).ok()?;
    let path = match kind {
        Kind::Organization => "organizations",
        Kind::OpenDataset => "open-datasets",
        Kind::DataService => "data-services",
        Kind::Database => "databases",
        _ => return None,
    };
    Some(format!("/{path}/{n}"))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// A link to `object`'s page, labelled with its `field`.
fn link(object: &Value, field: &str) -> String {
    let label = esc(text(object, field));
    match href(text(object, "id")) {
        Some(h) => format!(r#"<a href="{h}">{label}</a>"#),
        None => label,
    }
}

/// Rows of a definition list; empty values are left out. Values are HTML already.
fn fields(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<dl class=\"fields\">");
    for (label, value) in rows {
        if !value.is_empty() {
            let _ = write!(out, "<dt>{}</dt><dd>{value}</dd>", esc(label));
        }
    }
    out.push_str("</dl>");
    out
}

/// A section listing a connection's nodes, each written by `item`, with its total.
fn section(title: &str, connection: &Value, item: impl Fn(&Value) -> String) -> String {
    let nodes = connection["nodes"].as_array().cloned().unwrap_or_default();
    let total = connection["totalCount"]
        .as_u64()
        .unwrap_or(nodes.len() as u64);
    let mut out = format!("<section><h2>{} ({total})</h2>", esc(title));
    if nodes.is_empty() {
        out.push_str("<p class=\"none\">Chưa có.</p>");
    } else {
        out.push_str("<ul>");
        for n in &nodes {
            let _ = write!(out, "<li>{}</li>", item(n));
        }
        out.push_str("</ul>");
        if total > nodes.len() as u64 {
            let _ = write!(
                out,
                "<p class=\"more\">… và {} mục khác (xem qua GraphQL).</p>",
                total - nodes.len() as u64
            );
        }
    }
    out.push_str("</section>");
    out
}

/// The explorer, embedded, drawing around `start` (`org=CODE` or `root=ID`).
fn graph(title: &str, start: &str) -> String {
    format!(
        r#"<section><h2>{title}</h2><iframe class="graph" src="/explore?{start}&amp;embed=1" title="{title}" loading="lazy"></iframe><p><a href="/explore?{start}">Mở trong trình khám phá đồ thị</a></p></section>"#,
        title = esc(title),
    )
}

/// The sharing modes of an item's policies: "Công chúng: Dữ liệu mở; …".
fn modes(item: &Value) -> String {
    let policies = item["policies"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    policies
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                vi("ConsumerType", text(p, "consumerType")),
                vi("SharingMode", text(p, "mode"))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a record page is: how to describe it in RDF, and how to read and write it in HTML.
pub struct RecordPage {
    record: fn(i64) -> Record,
    kind: Kind,
    /// The query; `$id` is the record's global id and the answer's `record` its object.
    query: &'static str,
    /// The page's title and body from the object.
    write: fn(&Value) -> (String, String),
    scripts: &'static [&'static str],
}

/// The record pages, by the paths the DCAT export's IRIs have.
pub const RECORD_PAGES: [(&str, &RecordPage); 4] = [
    ("/organizations/{id}", &ORGANIZATION),
    ("/open-datasets/{id}", &DATASET),
    ("/data-services/{id}", &SERVICE),
    ("/databases/{id}", &DATABASE),
];

/// `GET /organizations/{id}` and the other record pages, as `page` says.
pub async fn record(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    Path(id): Path<String>,
    headers: HeaderMap,
    page: &'static RecordPage,
) -> Response {
    let representation = Representation::of(&headers);
    let Ok(n) = id.parse::<i64>() else {
        return failure(&state, &Error::NotFound, representation);
    };
    if representation != Representation::Html {
        let base = super::base_url(&state, &headers);
        return match dcat::record(&state.db, &base, (page.record)(n)).await {
            Ok(Some(graph)) => super::rdf(&state, &headers, &graph, representation),
            Ok(None) => failure(&state, &Error::NotFound, representation),
            Err(err) => {
                tracing::error!(error = ?err, "a record's description failed");
                failure(&state, &Error::Internal, representation)
            }
        };
    }
    let reader = Reader {
        state: &state,
        caller: &caller,
        client: &client,
    };
    let answer = reader
        .query(page.query, json!({ "id": ids::encode(page.kind, n).0 }))
        .await;
    let object = match answer {
        Ok(data) if !data["record"].is_null() => data["record"].clone(),
        Ok(_) => return failure(&state, &Error::NotFound, representation),
        Err(err) => return failure(&state, &err, representation),
    };
    let (title, body) = (page.write)(&object);
    let policy =
        cache::Policy::for_caller(caller.member.is_some(), state.limits.cache_max_age_secs);
    super::page(&state, &headers, policy, &title, body, page.scripts)
}

const ORGANIZATION_QUERY: &str = r#"query PageOrganization($id: ID!, $first: Int!) {
  record: organization(id: $id) {
    id code name shortName level address phone email website description
    parent { id name }
    children(first: $first) { totalCount nodes { id name } }
    databases(first: $first) { totalCount nodes { id name status } }
    openDatasets(first: $first) { totalCount nodes { id title } }
    dataServices(first: $first) { totalCount nodes { id name status } }
  }
}"#;

fn write_organization(o: &Value) -> (String, String) {
    let name = text(o, "name").to_owned();
    let code = text(o, "code");
    let mut body = format!(
        "<p class=\"kind\">Cơ quan, đơn vị</p><h1>{}</h1>",
        esc(&name)
    );
    let website = text(o, "website");
    body += &fields(&[
        ("Mã định danh", esc(code)),
        ("Tên viết tắt", esc(text(o, "shortName"))),
        (
            "Cấp hành chính",
            esc(vi("AdministrativeLevel", text(o, "level"))),
        ),
        (
            "Trực thuộc",
            if o["parent"].is_null() {
                String::new()
            } else {
                link(&o["parent"], "name")
            },
        ),
        ("Địa chỉ", esc(text(o, "address"))),
        ("Điện thoại", esc(text(o, "phone"))),
        ("Thư điện tử", esc(text(o, "email"))),
        (
            "Trang thông tin",
            if website.starts_with("https://") || website.starts_with("http://") {
                format!(r#"<a href="{0}" rel="nofollow">{0}</a>"#, esc(website))
            } else {
                esc(website)
            },
        ),
        ("Mô tả", esc(text(o, "description"))),
    ]);
    body += &graph(
        "Đồ thị chia sẻ dữ liệu",
        &format!("org={}", query_value(code)),
    );
    body += &section("Cơ sở dữ liệu", &o["databases"], |d| {
        format!(
            "{} · {}",
            link(d, "name"),
            esc(vi("DatabaseStatus", text(d, "status")))
        )
    });
    body += &section("Dữ liệu mở", &o["openDatasets"], |d| link(d, "title"));
    body += &section(
        "Dịch vụ chia sẻ dữ liệu",
        &o["dataServices"],
        |s| {
            format!(
                "{} · {}",
                link(s, "name"),
                esc(vi("ServiceStatus", text(s, "status")))
            )
        },
    );
    body += &section("Đơn vị trực thuộc", &o["children"], |c| {
        link(c, "name")
    });
    (name, body)
}

const ORGANIZATION: RecordPage = RecordPage {
    record: Record::Organization,
    kind: Kind::Organization,
    query: ORGANIZATION_QUERY,
    write: write_organization,
    scripts: &[],
};

const DATASET_QUERY: &str = r#"query PageOpenDataset($id: ID!, $first: Int!) {
  record: openDataset(id: $id) {
    id code title description licence updateFrequency publishedOn refreshedOn formats downloadUrl
    organization { id code name }
    dataService { id name endpoint }
    items(first: $first) { totalCount nodes { id code name database { id name } } }
  }
}"#;

fn write_dataset(d: &Value) -> (String, String) {
    let title = text(d, "title").to_owned();
    let org = &d["organization"];
    let mut body = format!("<p class=\"kind\">Dữ liệu mở</p><h1>{}</h1>", esc(&title));
    body += &fields(&[
        ("Mã", esc(text(d, "code"))),
        ("Cơ quan công bố", link(org, "name")),
        ("Mô tả", esc(text(d, "description"))),
        ("Giấy phép", esc(text(d, "licence"))),
        (
            "Tần suất cập nhật",
            esc(vi("UpdateFrequency", text(d, "updateFrequency"))),
        ),
        ("Ngày công bố", esc(text(d, "publishedOn"))),
        ("Ngày cập nhật", esc(text(d, "refreshedOn"))),
        (
            "Dịch vụ cung cấp",
            if d["dataService"].is_null() {
                String::new()
            } else {
                link(&d["dataService"], "name")
            },
        ),
    ]);
    // Distributions: one per format, downloaded from the dataset's link or reached through
    // its service, as the DCAT export describes them.
    body += "<section><h2>Tải về</h2><ul class=\"downloads\">";
    let download = text(d, "downloadUrl");
    for format in d["formats"].as_array().into_iter().flatten() {
        let format = format.as_str().unwrap_or("");
        let slug = format.to_ascii_lowercase();
        if download.starts_with("https://") || download.starts_with("http://") {
            let _ = write!(
                body,
                r#"<li id="{slug}"><a href="{}" rel="nofollow">{}</a></li>"#,
                esc(download),
                esc(format)
            );
        } else if !d["dataService"].is_null() {
            let _ = write!(
                body,
                r#"<li id="{slug}">{} — qua dịch vụ {}</li>"#,
                esc(format),
                link(&d["dataService"], "name")
            );
        } else {
            let _ = write!(body, r#"<li id="{slug}">{}</li>"#, esc(format));
        }
    }
    body += "</ul></section>";
    body += &section("Dữ liệu được công bố", &d["items"], |i| {
        format!(
            "{} ({}) · {}",
            esc(text(i, "name")),
            esc(text(i, "code")),
            link(&i["database"], "name")
        )
    });
    body += &graph(
        "Vị trí trong đồ thị chia sẻ",
        &format!("org={}", query_value(text(org, "code"))),
    );
    let _ = write!(
        body,
        r#"<section><h2>Góp ý về dữ liệu này</h2>
<form id="feedback" data-dataset="{dataset}" data-organization="{organization}">
<label>Loại góp ý <select name="kind"><option value="SUGGESTION">{suggestion}</option><option value="ERROR_REPORT">{error}</option><option value="DATA_REQUEST">{request}</option></select></label>
<label>Tiêu đề <input name="title" required maxlength="200"></label>
<label>Nội dung <textarea name="body" required rows="5"></textarea></label>
<label>Thư điện tử để được trả lời (không công khai) <input name="contactEmail" type="email"></label>
<button type="submit">Gửi góp ý</button>
<p id="feedback-result" role="status"></p>
</form></section>"#,
        dataset = esc(text(d, "id")),
        organization = esc(text(org, "id")),
        suggestion = vi("FeedbackKind", "SUGGESTION"),
        error = vi("FeedbackKind", "ERROR_REPORT"),
        request = vi("FeedbackKind", "DATA_REQUEST"),
    );
    (title, body)
}

const DATASET: RecordPage = RecordPage {
    record: Record::OpenDataset,
    kind: Kind::OpenDataset,
    query: DATASET_QUERY,
    write: write_dataset,
    scripts: &[super::assets::FEEDBACK],
};

/// A distribution's IRI: its dataset's page, at the format.
pub async fn distribution(Path((id, format)): Path<(String, String)>) -> Response {
    let format: String = format
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    axum::response::Redirect::to(&format!("/open-datasets/{}#{format}", query_value(&id)))
        .into_response()
}

const SERVICE_QUERY: &str = r#"query PageDataService($id: ID!, $first: Int!) {
  record: dataService(id: $id) {
    id code name description status endpoint method platform protocol standard serviceVersion
    inputDescription outputDescription conditionsOfUse availability publishedOn
    provider { id code name }
    items(first: $first) {
      totalCount
      nodes { id code name database { id name } policies(first: 10) { nodes { consumerType mode } } }
    }
  }
}"#;

fn write_service(s: &Value) -> (String, String) {
    let name = text(s, "name").to_owned();
    let mut body = format!(
        "<p class=\"kind\">Dịch vụ chia sẻ dữ liệu</p><h1>{}</h1>",
        esc(&name)
    );
    body += &fields(&[
        ("Mã", esc(text(s, "code"))),
        ("Cơ quan cung cấp", link(&s["provider"], "name")),
        ("Trạng thái", esc(vi("ServiceStatus", text(s, "status")))),
        ("Mô tả", esc(text(s, "description"))),
        ("Địa chỉ truy cập", esc(text(s, "endpoint"))),
        ("Phương thức", esc(vi("ServiceMethod", text(s, "method")))),
        ("Nền tảng", esc(vi("Platform", text(s, "platform")))),
        ("Giao thức", esc(text(s, "protocol"))),
        ("Tiêu chuẩn", esc(text(s, "standard"))),
        ("Phiên bản", esc(text(s, "serviceVersion"))),
        ("Dữ liệu đầu vào", esc(text(s, "inputDescription"))),
        ("Dữ liệu đầu ra", esc(text(s, "outputDescription"))),
        ("Điều kiện sử dụng", esc(text(s, "conditionsOfUse"))),
        ("Thời gian sẵn sàng", esc(text(s, "availability"))),
        ("Ngày công bố", esc(text(s, "publishedOn"))),
    ]);
    body += &section("Dữ liệu được cung cấp", &s["items"], |i| {
        format!(
            "{} ({}) · {} · {}",
            esc(text(i, "name")),
            esc(text(i, "code")),
            link(&i["database"], "name"),
            esc(&modes(i))
        )
    });
    body += &graph(
        "Vị trí trong đồ thị dòng dữ liệu",
        &format!("root={}", query_value(text(s, "id"))),
    );
    (name, body)
}

const SERVICE: RecordPage = RecordPage {
    record: Record::DataService,
    kind: Kind::DataService,
    query: SERVICE_QUERY,
    write: write_service,
    scripts: &[],
};

const DATABASE_QUERY: &str = r#"query PageDatabase($id: ID!, $first: Int!) {
  record: database(id: $id) {
    id code name kind status purpose scope content collectionMethod dataSources updateFrequency
    legalBasis usageRules
    organization { id code name }
    items(first: $first) {
      totalCount
      nodes { id code name description policies(first: 10) { nodes { consumerType mode } } }
    }
  }
}"#;

fn write_database(d: &Value) -> (String, String) {
    let name = text(d, "name").to_owned();
    let mut body = format!("<p class=\"kind\">Cơ sở dữ liệu</p><h1>{}</h1>", esc(&name));
    body += &fields(&[
        ("Mã", esc(text(d, "code"))),
        ("Cơ quan chủ quản", link(&d["organization"], "name")),
        ("Loại", esc(vi("DatabaseKind", text(d, "kind")))),
        ("Trạng thái", esc(vi("DatabaseStatus", text(d, "status")))),
        ("Mục đích", esc(text(d, "purpose"))),
        ("Phạm vi", esc(text(d, "scope"))),
        ("Nội dung", esc(text(d, "content"))),
        ("Cách thu thập, cập nhật", esc(text(d, "collectionMethod"))),
        ("Nguồn dữ liệu", esc(text(d, "dataSources"))),
        (
            "Tần suất cập nhật",
            esc(vi("UpdateFrequency", text(d, "updateFrequency"))),
        ),
        ("Căn cứ pháp lý", esc(text(d, "legalBasis"))),
        ("Quy định khai thác", esc(text(d, "usageRules"))),
    ]);
    body += &section("Dữ liệu", &d["items"], |i| {
        let id = ids::decode("id", &async_graphql::ID(text(i, "id").to_owned()))
            .map(|(_, n)| n)
            .unwrap_or(0);
        format!(
            r#"<span id="item-{id}">{}</span> ({}) · {}"#,
            esc(text(i, "name")),
            esc(text(i, "code")),
            esc(&modes(i))
        )
    });
    body += &graph(
        "Vị trí trong đồ thị dòng dữ liệu",
        &format!("root={}", query_value(text(d, "id"))),
    );
    (name, body)
}

const DATABASE: RecordPage = RecordPage {
    record: Record::Database,
    kind: Kind::Database,
    query: DATABASE_QUERY,
    write: write_database,
    scripts: &[],
};

const LANDING: &str = r#"query PageLanding {
  organizations(first: 0) { totalCount }
  databases(first: 0) { totalCount }
  dataItems(first: 0) { totalCount }
  openDatasets(first: 0) { totalCount }
  dataServices(first: 0) { totalCount }
  shares(first: 0) { totalCount }
}"#;

/// `/`: the catalogue's title, what it holds, a search that starts the explorer, and the ways
/// in (explorer, GraphiQL, DCAT).
pub async fn landing(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(client): Extension<Key>,
    headers: HeaderMap,
) -> Response {
    let reader = Reader {
        state: &state,
        caller: &caller,
        client: &client,
    };
    let data = match reader.query(LANDING, json!({})).await {
        Ok(data) => data,
        Err(err) => return failure(&state, &err, Representation::Html),
    };
    let count = |key: &str| data[key]["totalCount"].as_u64().unwrap_or(0);
    let mut body = format!(
        r#"<h1>{title}</h1>
<p class="lead">Danh mục cơ sở dữ liệu, dữ liệu chia sẻ, dịch vụ chia sẻ dữ liệu và dữ liệu mở của các cơ quan nhà nước, theo Nghị định 47/2020/NĐ-CP: ai chia sẻ dữ liệu gì, cho ai, theo hình thức nào.</p>
<form class="search" action="/explore" method="get" role="search"><input name="q" type="search" placeholder="Tìm cơ quan, cơ sở dữ liệu, dữ liệu…" aria-label="Tìm kiếm" required> <button type="submit">Tìm và vẽ đồ thị</button></form>
<ul class="counts">"#,
        title = esc(&state.limits.catalog_title)
    );
    for (key, label) in [
        ("organizations", "cơ quan, đơn vị"),
        ("databases", "cơ sở dữ liệu"),
        ("dataItems", "dữ liệu"),
        ("shares", "lượt chia sẻ"),
        ("dataServices", "dịch vụ chia sẻ dữ liệu"),
        ("openDatasets", "bộ dữ liệu mở"),
    ] {
        let _ = write!(
            body,
            "<li><strong>{}</strong> {label}</li>",
            thousands(count(key))
        );
    }
    body += r#"</ul>
<section class="ways"><h2>Bắt đầu</h2><ul>
<li><a href="/explore">Khám phá đồ thị chia sẻ</a>: cơ quan nào chia sẻ dữ liệu với cơ quan nào, nguồn gốc và nơi dùng của từng dữ liệu.</li>
<li><a href="/dcat/catalog">Danh mục dữ liệu mở</a> (cũng ở dạng <a href="/dcat/catalog.jsonld">DCAT-AP JSON-LD</a> và <a href="/dcat/catalog.ttl">Turtle</a> cho các cổng dữ liệu).</li>
<li><a href="/graphql">GraphiQL</a>: truy vấn API GraphQL, với tài liệu của lược đồ.</li>
<li><a href="/docs">Tài liệu</a>: cách dùng API, bảo mật, vận hành.</li>
</ul></section>"#;
    let policy =
        cache::Policy::for_caller(caller.member.is_some(), state.limits.cache_max_age_secs);
    super::page(&state, &headers, policy, "Trang chủ", body, &[])
}

const CATALOGUE: &str = r#"query PageCatalogue($first: Int!) {
  openDatasets(first: $first, where: { published: { eq: true } }) {
    totalCount nodes { id title organization { id name } }
  }
  dataServices(first: $first, where: { status: { in: [PUBLISHED, DEPRECATED] } }) {
    totalCount nodes { id name provider { id name } }
  }
}"#;

/// `/dcat/catalog` for a browser: the open datasets and published services.
pub async fn catalogue_page(
    state: &AppState,
    caller: &Caller,
    client: &Key,
    headers: &HeaderMap,
) -> Response {
    let reader = Reader {
        state,
        caller,
        client,
    };
    let data = match reader.query(CATALOGUE, json!({})).await {
        Ok(data) => data,
        Err(err) => return failure(state, &err, Representation::Html),
    };
    let mut body = format!(
        "<p class=\"kind\">Danh mục</p><h1>{}</h1><p>Dữ liệu mở và dịch vụ chia sẻ dữ liệu đã công bố. Bản máy đọc được: <a href=\"/dcat/catalog.jsonld\">DCAT-AP JSON-LD</a>, <a href=\"/dcat/catalog.ttl\">Turtle</a>.</p>",
        esc(&state.limits.catalog_title)
    );
    body += &section("Dữ liệu mở", &data["openDatasets"], |d| {
        format!(
            "{} · {}",
            link(d, "title"),
            link(&d["organization"], "name")
        )
    });
    body += &section(
        "Dịch vụ chia sẻ dữ liệu",
        &data["dataServices"],
        |s| format!("{} · {}", link(s, "name"), link(&s["provider"], "name")),
    );
    let policy =
        cache::Policy::for_caller(caller.member.is_some(), state.limits.cache_max_age_secs);
    super::page(state, headers, policy, "Danh mục dữ liệu mở", body, &[])
}
