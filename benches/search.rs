#![recursion_limit = "256"]
//! Search benchmark: `search` (through the GraphQL schema, in process, as the public and as an
//! admin) over a generated national-scale catalogue, p50 and p95 per query.
//!
//! ```sh
//! cargo bench --bench search [-- --items 1000000 --db postgres --runs 50]
//! ```
//!
//! Each run generates a fresh catalogue (`target/bench/search.db`, or the PostgreSQL database
//! `sg_bench_search` at `BENCH_PG_URL`), which at 1M items takes minutes; `--url URL` searches
//! a catalogue generated before instead (`sharegraph generate --items N`).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::Executor;
use common::{arg, fresh_database, num_arg, percentile};
use sharegraph::access::Caller;
use sharegraph::access::rate_limit::{Key, RateLimits};
use sharegraph::config::{Config, Limits};

/// From broad (a topic in a sixteenth of all names) to narrow (one name, one code).
const QUERIES: [&str; 6] = [
    "dan cu",
    "Đất đai",
    "thong ke ho ngheo",
    "Thông tin dân cư 4711",
    "IT-4711",
    "phòng bảo hiểm xã hội huyện 1-1",
];

#[tokio::main]
async fn main() {
    let items: usize = num_arg("--items", 100_000);
    let runs: usize = num_arg("--runs", 30);
    let given = arg("--url");
    let postgres = match &given {
        Some(url) => url.starts_with("postgres"),
        None => arg("--db").as_deref() == Some("postgres"),
    };
    let url = match given.clone() {
        Some(url) => url,
        None => fresh_database("search", postgres).await,
    };
    let db = sharegraph::app::open_database(&Config::with_database(url))
        .await
        .expect("database");
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    if given.is_none() {
        let started = Instant::now();
        let counts = sharegraph::seed::generate::generate(&db, items, 47)
            .await
            .expect("generate");
        println!(
            "{items} on {backend}: {counts:?}, generated in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("the catalogue at --url on {backend}");
    }
    let limits = Arc::new(Limits::default());
    let engine = sharegraph::graphql::build(
        db.clone(),
        limits.clone(),
        Arc::new(RateLimits::new(0, 0, 0)),
        Arc::new(sharegraph::metrics::Metrics::default()),
        sharegraph::domain::events::Feed::start(db.clone(), Duration::from_secs(3600), 16),
    );
    let query = "query($q: String!) { search(query: $q, first: 20) { edges { node { score node { id ... on DataItem { name } ... on Database { name } ... on Organization { name } } } } pageInfo { hasNextPage } truncated } }";
    let mut all = Vec::new();
    for (who, caller) in [("public", Caller::anonymous()), ("admin", Caller::system())] {
        for q in QUERIES {
            let mut times = Vec::with_capacity(runs);
            let (mut found, mut truncated) = (0, false);
            for _ in 0..runs {
                let mut request = async_graphql::Request::new(query).variables(
                    async_graphql::Variables::from_json(serde_json::json!({ "q": q })),
                );
                request.data =
                    sharegraph::graphql::request_data(&db, &caller, &Key::of(&caller, None));
                let started = Instant::now();
                let response = engine.execute(request).await;
                times.push(started.elapsed());
                assert!(response.errors.is_empty(), "{:?}", response.errors);
                let json = response.data.into_json().unwrap();
                found = json["search"]["edges"].as_array().unwrap().len();
                truncated = json["search"]["truncated"].as_bool().unwrap();
            }
            times.sort();
            all.extend(times.iter().copied());
            println!(
                "  {who:6} {q:30} p50 {:6.1} ms  p95 {:6.1} ms  ({found} results on the first page{})",
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                if truncated { ", truncated" } else { "" }
            );
        }
    }
    all.sort();
    println!(
        "  all queries: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&all, 0.5),
        percentile(&all, 0.95)
    );
}
