//! Usage-record ingest benchmark: batches of 10,000 events through `recordAccessEvents` on a
//! running `sharegraph serve`, over the demo catalogue's shares, and the events per second.
//!
//! ```sh
//! cargo bench --bench ingest -- --batches 20 --db sqlite [--clients 2]
//! cargo bench --bench ingest -- --batches 20 --db postgres
//! ```
//!
//! Each run starts from an empty database (`target/bench/ingest.db`, or the PostgreSQL database
//! `sg_bench_ingest` at `BENCH_PG_URL`).

mod common;

use std::time::Instant;

use chrono::Utc;
use common::{
    arg, client, fresh_database, global_id, num_arg, percentile, post, start_server, wait_ready,
};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use sharegraph::config::Config;

const BATCH: usize = 10_000;

#[tokio::main]
async fn main() {
    let batches: usize = num_arg("--batches", 20);
    // A gateway sends from several workers at once; the server parses one batch while it
    // writes another.
    let clients: usize = num_arg("--clients", 2);
    let postgres = arg("--db").as_deref() == Some("postgres");

    let url = fresh_database("ingest", postgres).await;
    let db = sharegraph::app::open_database(&Config::with_database(url.clone()))
        .await
        .expect("open");
    sharegraph::seed::demo::load(&db).await.expect("demo");
    let token = sharegraph::access::token::create(
        &db,
        "gateway",
        sharegraph::access::Role::Admin,
        None,
        false,
    )
    .await
    .expect("token")
    .token;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM shares ORDER BY id",
        ))
        .await
        .unwrap();
    let shares: Vec<String> = rows
        .iter()
        .map(|r| global_id("Share", r.try_get_by_index::<i64>(0).unwrap()))
        .collect();
    db.close().await.ok();

    let server = start_server(&url);
    let port = server.addr.port();
    let client = client();
    wait_ready(&client, port).await;

    let query = "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded violations } }";
    let now = Utc::now();
    // Bodies are built before the clock starts: what a client spends making its batch is not
    // the server's ingest.
    let bodies: Vec<serde_json::Value> = (0..batches)
        .map(|b| {
            let events: Vec<serde_json::Value> = (0..BATCH)
                .map(|i| {
                    let n = b * BATCH + i;
                    json!({
                        "shareId": shares[n % shares.len()],
                        "occurredAt": (now - chrono::Duration::seconds((n % 86_400) as i64)).to_rfc3339(),
                        "operation": if n.is_multiple_of(10) { "DOWNLOAD" } else { "QUERY" },
                        "recordCount": (n % 50) as i64,
                    })
                })
                .collect();
            json!({ "query": query, "variables": { "input": { "events": events } } })
        })
        .collect();
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(bodies));
    let token = std::sync::Arc::new(token);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (bodies, token, client) = (bodies.clone(), token.clone(), client.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                loop {
                    let Some(body) = bodies.lock().unwrap().pop() else {
                        return times;
                    };
                    let (t, answer) = post(&client, port, Some(&token), &body).await;
                    assert!(answer.get("errors").is_none(), "{answer}");
                    assert_eq!(answer["data"]["recordAccessEvents"]["recorded"], BATCH);
                    times.push(t);
                }
            })
        })
        .collect();
    let mut times = Vec::with_capacity(batches);
    for w in workers {
        times.extend(w.await.expect("a client"));
    }
    let total = started.elapsed();
    times.sort();
    println!(
        "\n{} events in {batches} batches of {BATCH} from {clients} clients on {}: {:.0} events/s overall; per batch p50 {:.0} ms, p95 {:.0} ms",
        batches * BATCH,
        if postgres { "PostgreSQL" } else { "SQLite" },
        (batches * BATCH) as f64 / total.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
    );
}
