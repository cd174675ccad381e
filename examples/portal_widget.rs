//! A portal widget's data: who an agency shares data with, and how, from sharegraph's GraphQL
//! API, in one request. Run a server (`cargo run -- serve --demo`), make a token for the
//! agency (`cargo run -- token create --org 000.04.39.H57 --role viewer --name "Cổng thông tin"`),
//! then:
//!
//! ```sh
//! SHAREGRAPH_TOKEN=sg_... cargo run --example portal_widget -- 000.04.39.H57
//! ```

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

/// One query for the whole widget: the agency, its neighbours two hops out and the flows
/// between them with how many items go each way and by which mode.
const QUERY: &str = r#"
query PortalWidget($code: String!) {
  organization(code: $code) {
    name
    sharingGraph(depth: 2, maxEdges: 50) {
      truncated
      nodes { degree organization { code name } }
      edges { provider { code } consumer { code } total default onRequest open }
    }
  }
}"#;

/// A flow of data between two agencies, as the widget draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub provider: String,
    pub consumer: String,
    pub items: i64,
    pub by_default: i64,
    pub on_request: i64,
    pub open: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    pub agency: String,
    /// Code and name of each organization around it, nearest first.
    pub neighbours: Vec<(String, String)>,
    pub flows: Vec<Flow>,
    pub truncated: bool,
}

/// Fetches the widget's data for the agency with `code` from the GraphQL endpoint `url`.
pub async fn fetch(url: &str, token: Option<&str>, code: &str) -> Result<Widget, String> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let body = json!({ "query": QUERY, "variables": { "code": code } }).to_string();
    let mut request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let answer: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    // GraphQL reports failures in `errors`, each with a stable `extensions.code`.
    if let Some(error) = answer["errors"].get(0) {
        return Err(format!(
            "{}: {}",
            error["extensions"]["code"].as_str().unwrap_or("ERROR"),
            error["message"].as_str().unwrap_or("")
        ));
    }
    let org = &answer["data"]["organization"];
    if org.is_null() {
        return Err(format!("no organization with code {code}"));
    }
    let graph = &org["sharingGraph"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut neighbours: Vec<(i64, String, String)> = graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["degree"].as_i64() != Some(0))
        .map(|n| {
            (
                n["degree"].as_i64().unwrap_or(0),
                text(&n["organization"]["code"]),
                text(&n["organization"]["name"]),
            )
        })
        .collect();
    neighbours.sort();
    let flows = graph["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| Flow {
            provider: text(&e["provider"]["code"]),
            consumer: text(&e["consumer"]["code"]),
            items: e["total"].as_i64().unwrap_or(0),
            by_default: e["default"].as_i64().unwrap_or(0),
            on_request: e["onRequest"].as_i64().unwrap_or(0),
            open: e["open"].as_i64().unwrap_or(0),
        })
        .collect();
    Ok(Widget {
        agency: text(&org["name"]),
        neighbours: neighbours.into_iter().map(|(_, c, n)| (c, n)).collect(),
        flows,
        truncated: graph["truncated"].as_bool().unwrap_or(false),
    })
}

#[tokio::main]
async fn main() {
    let code = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "000.04.39.H57".into());
    let url =
        std::env::var("SHAREGRAPH_URL").unwrap_or_else(|_| "http://127.0.0.1:8000/graphql".into());
    let token = std::env::var("SHAREGRAPH_TOKEN").ok();
    match fetch(&url, token.as_deref(), &code).await {
        Ok(w) => {
            println!("{}", w.agency);
            for f in &w.flows {
                println!(
                    "  {} → {}: {} item(s) ({} by default, {} on request, {} open)",
                    f.provider, f.consumer, f.items, f.by_default, f.on_request, f.open
                );
            }
            println!("  {} organization(s) around it", w.neighbours.len());
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
