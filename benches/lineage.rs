//! Lineage benchmark: p50/p95 latencies through the real GraphQL endpoint of a running
//! `sharegraph serve`, over a synthetic national-scale catalogue, and the server's memory.
//!
//! ```sh
//! cargo bench --bench lineage -- --items 100000 --db sqlite
//! cargo bench --bench lineage -- --items 1000000 --db postgres --runs 50
//! cargo bench --bench lineage -- --items 100000 --db sqlite --anonymous   # as the public
//! ```
//!
//! The catalogue is generated once per (size, seed) and kept (`target/bench/*.db` for SQLite,
//! database `sg_bench_<items>_<seed>` on PostgreSQL at `BENCH_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432`), so later runs measure without regenerating.

mod common;

use common::{client, global_id, percentile, post, rss_kib, start_server, wait_ready};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;
use sharegraph::config::Config;

struct Args {
    items: usize,
    seed: u64,
    postgres: bool,
    runs: usize,
    /// Ask as the public (no token): every statement carries the visibility conditions.
    anonymous: bool,
}

fn args() -> Args {
    let mut a = Args {
        items: 100_000,
        seed: 47,
        postgres: false,
        runs: 30,
        anonymous: false,
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let value = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--items" => a.items = value.parse().expect("--items N"),
            "--seed" => a.seed = value.parse().expect("--seed N"),
            "--runs" => a.runs = value.parse().expect("--runs N"),
            "--db" => a.postgres = value == "postgres",
            "--anonymous" => {
                a.anonymous = true;
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

async fn prepare(a: &Args) -> String {
    common::kept_catalogue(a.items, a.seed, a.postgres).await
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::main]
async fn main() {
    let a = args();
    let url = prepare(&a).await;
    let config = Config::with_database(url.clone());
    let db = sharegraph::app::open_database(&config).await.unwrap();
    let hot = scalar(&db, "SELECT data_item_id FROM shares GROUP BY data_item_id ORDER BY COUNT(*) DESC, data_item_id LIMIT 1").await;
    let hot_shares = scalar(
        &db,
        &format!("SELECT COUNT(*) FROM shares WHERE data_item_id = {hot}"),
    )
    .await;
    let deep = scalar(&db, "SELECT MAX(derived_item_id) FROM derivations").await;
    let province = scalar(
        &db,
        "SELECT MIN(id) FROM organizations WHERE level = 'PROVINCE'",
    )
    .await;
    // Measured as an admin, who sees every row (the walks cover the whole graph), or as the
    // public, whose statements all carry the visibility conditions.
    let token = if a.anonymous {
        None
    } else {
        Some(
            sharegraph::access::token::create(
                &db,
                "benchmark",
                sharegraph::access::Role::Admin,
                None,
                false,
            )
            .await
            .expect("admin token")
            .token,
        )
    };
    db.close().await.ok();

    let server = start_server(&url);
    let port = server.addr.port();
    let client = client();
    wait_ready(&client, port).await;
    let rss_start = rss_kib(server.child.id(), "VmRSS:");

    let item = global_id("DataItem", hot);
    let deep_item = global_id("DataItem", deep);
    let prov = global_id("Organization", province);
    let cases = [
        (
            "downstream depth 10 (hot master item)",
            format!(r#"{{ dataItem(id: "{item}") {{ downstream(depth: 10, first: 20) {{ totalCount truncated nodes {{ degree edgeKinds item {{ code }} }} }} }} }}"#),
        ),
        (
            "upstream depth 10 (hot master item)",
            format!(r#"{{ dataItem(id: "{item}") {{ upstream(depth: 10, first: 20) {{ totalCount truncated nodes {{ degree item {{ code }} }} }} }} }}"#),
        ),
        (
            "upstream depth 10 (a derived item)",
            format!(r#"{{ dataItem(id: "{deep_item}") {{ upstream(depth: 10, first: 20) {{ totalCount truncated nodes {{ degree item {{ code }} }} }} }} }}"#),
        ),
        (
            "lineage BOTH depth 4, maxNodes 5000",
            format!(r#"{{ lineage(root: "{item}", direction: BOTH, depth: 4, maxNodes: 5000) {{ truncated nodes {{ id kind degree }} edges {{ kind source target }} }} }}"#),
        ),
        (
            "sharingGraph depth 2 (a province)",
            format!(r#"{{ organization(id: "{prov}") {{ sharingGraph(depth: 2) {{ truncated nodes {{ degree organization {{ code }} }} edges {{ total }} }} }} }}"#),
        ),
        (
            "nested page orgs→databases→items→policies, 20 per level",
            "{ organizations(first: 20) { nodes { code databases(first: 20) { nodes { code items(first: 20) { nodes { code policies(first: 20) { nodes { consumerType mode } } } } } } } } }".to_owned(),
        ),
        (
            "dataItems first page with totalCount",
            "{ dataItems(first: 20) { totalCount nodes { code name } } }".to_owned(),
        ),
    ];

    println!(
        "\n{} items on {}, as {}, hot item {hot} shared {hot_shares} times; {} runs each after 3 warm-ups",
        a.items,
        if a.postgres { "PostgreSQL" } else { "SQLite" },
        if a.anonymous {
            "the public"
        } else {
            "an admin"
        },
        a.runs
    );
    println!("| query | p50 ms | p95 ms | result |");
    println!("|---|---|---|---|");
    for (name, query) in &cases {
        let mut times = Vec::with_capacity(a.runs);
        let mut last = Value::Null;
        for i in 0..a.runs + 3 {
            let (t, body) = post(
                &client,
                port,
                token.as_deref(),
                &serde_json::json!({ "query": query }),
            )
            .await;
            if let Some(errors) = body.get("errors") {
                panic!("{name}: {errors}");
            }
            if i >= 3 {
                times.push(t);
            }
            last = body;
        }
        times.sort();
        println!(
            "| {name} | {:.1} | {:.1} | {} |",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            summary(&last)
        );
    }
    let rss_end = rss_kib(server.child.id(), "VmRSS:");
    let peak = rss_kib(server.child.id(), "VmHWM:");
    println!(
        "\nserver RSS: {:.1} MB after start, {:.1} MB at the end, {:.1} MB peak",
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}

/// A short description of what a query returned, so the table shows the work done.
fn summary(body: &Value) -> String {
    let data = &body["data"];
    if let Some(w) = data["dataItem"].as_object().and_then(|o| o.values().next()) {
        return format!("{} items, truncated: {}", w["totalCount"], w["truncated"]);
    }
    if let Some(l) = data.get("lineage") {
        return format!(
            "{} nodes, {} edges, truncated: {}",
            l["nodes"].as_array().map_or(0, Vec::len),
            l["edges"].as_array().map_or(0, Vec::len),
            l["truncated"]
        );
    }
    if let Some(g) = data["organization"].get("sharingGraph") {
        return format!(
            "{} organizations, {} edges, truncated: {}",
            g["nodes"].as_array().map_or(0, Vec::len),
            g["edges"].as_array().map_or(0, Vec::len),
            g["truncated"]
        );
    }
    if let Some(items) = data.get("dataItems") {
        return format!("{} items in all", items["totalCount"]);
    }
    let rows = body.to_string().matches("\"mode\"").count();
    format!("{rows} policies")
}
