//! Sustained load: a mix of nested reads, lineage walks, searches and writes from concurrent
//! clients against one `sharegraph serve` process on loopback, for a bounded time. Prints p50 and
//! p99 latency and the server's RSS per window, and exits 1 on any 5xx, any GraphQL `INTERNAL`
//! error, or RSS growing more than 10% from the end of the warm-up to the end.
//!
//! cargo bench --bench load -- --seconds 300 --concurrency 16 [--db postgres] [--items 20000]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{
    arg, client, fresh_database, global_id, num_arg, percentile, rss_kib, start_server, wait_ready,
};
use http_body_util::{BodyExt, Full};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sharegraph::config::Config;
use tokio::sync::Mutex;

struct Args {
    seconds: u64,
    warmup: u64,
    window: u64,
    concurrency: usize,
    items: usize,
    postgres: bool,
}

fn args() -> Args {
    Args {
        seconds: num_arg("--seconds", 300),
        warmup: num_arg("--warmup", 30),
        window: num_arg("--window", 30),
        concurrency: num_arg("--concurrency", 16),
        items: num_arg("--items", 20_000),
        postgres: arg("--db").as_deref() == Some("postgres"),
    }
}

async fn ids(db: &sea_orm::DatabaseConnection, sql: &str, kind: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| global_id(kind, r.try_get_by_index::<i64>(0).unwrap()))
        .collect()
}

/// The request a client sends at step `n`: 40% nested reads, 20% walks, 20% searches,
/// 20% writes (an organization's phone, or ten usage records).
fn request(n: u64, orgs: &[String], items: &[String], shares: &[String]) -> Value {
    let pick = |v: &[String]| v[(n as usize * 7919) % v.len()].clone();
    match n % 10 {
        0..=3 => {
            json!({ "query": "query($id: ID!) { organization(id: $id) { name databases(first: 5) { nodes { name items(first: 10) { totalCount nodes { name policies { nodes { consumerType mode } } shares(first: 3) { nodes { consumer { name } } } } } } } } }", "variables": { "id": pick(orgs) } })
        }
        4 | 5 => {
            json!({ "query": "query($id: ID!) { dataItem(id: $id) { downstream(depth: 4, first: 20) { totalCount truncated nodes { degree item { code } } } upstream(depth: 4, first: 20) { totalCount } } }", "variables": { "id": pick(items) } })
        }
        6 | 7 => {
            let words = ["dan cu", "đất đai", "ho ngheo", "giáo dục", "y te", "thuế"];
            json!({ "query": "query($q: String!) { dataItems(where: { name: { contains: $q } }, first: 20) { totalCount nodes { code name database { name } } } }", "variables": { "q": words[(n / 10) as usize % words.len()] } })
        }
        8 => {
            json!({ "query": "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { version } } }",
                     "variables": { "input": { "id": pick(orgs), "phone": format!("0234 {n:07}") } } })
        }
        _ => {
            let now = chrono::Utc::now().to_rfc3339();
            let events: Vec<Value> = (0..10).map(|i| json!({ "shareId": shares[(n as usize + i) % shares.len()], "occurredAt": now, "operation": "QUERY", "recordCount": 1 })).collect();
            json!({ "query": "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }", "variables": { "input": { "events": events } } })
        }
    }
}

#[derive(Default)]
struct Window {
    times: Vec<Duration>,
    server_errors: u64,
    internal: u64,
    other_errors: u64,
}

#[tokio::main]
async fn main() {
    let a = args();
    let url = fresh_database("load", a.postgres).await;
    let db = sharegraph::app::open_database(&Config::with_database(url.clone()))
        .await
        .unwrap();
    sharegraph::seed::generate::generate(&db, a.items, 47)
        .await
        .expect("generate");
    let token = common::admin_token(&db, "load").await;
    let orgs = ids(
        &db,
        "SELECT id FROM organizations ORDER BY id LIMIT 500",
        "Organization",
    )
    .await;
    let items = ids(
        &db,
        "SELECT id FROM data_items ORDER BY id LIMIT 2000",
        "DataItem",
    )
    .await;
    let shares = ids(
        &db,
        "SELECT id FROM shares WHERE status = 'ACTIVE' ORDER BY id LIMIT 500",
        "Share",
    )
    .await;
    db.close().await.ok();

    let server = start_server(&url);
    let (pid, port) = (server.child.id(), server.addr.port());
    let http = client();
    wait_ready(&http, port).await;
    println!(
        "{} s of load ({} s warm-up) from {} clients on {} with {} items",
        a.seconds,
        a.warmup,
        a.concurrency,
        if a.postgres { "PostgreSQL" } else { "SQLite" },
        a.items
    );

    let windows = (a.seconds / a.window + 1) as usize;
    let stats: Arc<Vec<Mutex<Window>>> = Arc::new(
        (0..windows)
            .map(|_| Mutex::new(Window::default()))
            .collect(),
    );
    let counter = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (orgs, items, shares) = (Arc::new(orgs), Arc::new(items), Arc::new(shares));
    let started = Instant::now();
    let clients: Vec<_> = (0..a.concurrency)
        .map(|_| {
            let (http, token, stats, counter, stop) = (
                http.clone(),
                token.clone(),
                stats.clone(),
                counter.clone(),
                stop.clone(),
            );
            let (orgs, items, shares) = (orgs.clone(), items.clone(), shares.clone());
            let window = a.window;
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let body = request(n, &orgs, &items, &shares).to_string();
                    let req = hyper::Request::post(format!("http://127.0.0.1:{port}/graphql"))
                        .header("content-type", "application/json")
                        .header("authorization", format!("Bearer {token}"))
                        .body(Full::new(Bytes::from(body)))
                        .unwrap();
                    let sent = Instant::now();
                    let resp = http.request(req).await;
                    let (status, answer) = match resp {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            let bytes = r
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            (
                                status,
                                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
                            )
                        }
                        Err(_) => (599, Value::Null),
                    };
                    let took = sent.elapsed();
                    let w = ((started.elapsed().as_secs() / window) as usize).min(stats.len() - 1);
                    let mut s = stats[w].lock().await;
                    s.times.push(took);
                    if status >= 500 {
                        s.server_errors += 1;
                    }
                    if let Some(errors) = answer["errors"].as_array() {
                        if errors.iter().any(|e| e["extensions"]["code"] == "INTERNAL") {
                            s.internal += 1;
                        } else {
                            s.other_errors += 1;
                        }
                    }
                }
            })
        })
        .collect();

    let mut rss_after_warmup = 0;
    let mut peak_after_warmup = 0;
    let mut next_report = a.window;
    while started.elapsed().as_secs() < a.seconds {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let t = started.elapsed().as_secs();
        if rss_after_warmup == 0 && t >= a.warmup {
            rss_after_warmup = rss_kib(pid, "VmRSS:");
            println!("after warm-up: RSS {} MiB", rss_after_warmup / 1024);
        }
        if rss_after_warmup > 0 {
            peak_after_warmup = peak_after_warmup.max(rss_kib(pid, "VmRSS:"));
        }
        if t >= next_report {
            let w = (next_report / a.window - 1) as usize;
            let mut s = stats[w].lock().await;
            s.times.sort();
            println!(
                "{:>4} s: {:>6} requests, {:>6.0}/s, p50 {:>6.1} ms, p99 {:>7.1} ms, 5xx {}, INTERNAL {}, other errors {}, RSS {} MiB",
                next_report,
                s.times.len(),
                s.times.len() as f64 / a.window as f64,
                percentile(&s.times, 0.5),
                percentile(&s.times, 0.99),
                s.server_errors,
                s.internal,
                s.other_errors,
                rss_kib(pid, "VmRSS:") / 1024
            );
            next_report += a.window;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }
    let rss_end = rss_kib(pid, "VmRSS:");
    let (mut server_errors, mut internal, mut total) = (0, 0, 0);
    for w in stats.iter() {
        let w = w.lock().await;
        server_errors += w.server_errors;
        internal += w.internal;
        total += w.times.len();
    }
    let growth = if rss_after_warmup > 0 {
        (rss_end as f64 / rss_after_warmup as f64 - 1.0) * 100.0
    } else {
        0.0
    };
    println!(
        "\n{total} requests; 5xx: {server_errors}; INTERNAL: {internal}; RSS after warm-up {} MiB, at the end {} MiB ({growth:+.1}%), peak {} MiB",
        rss_after_warmup / 1024,
        rss_end / 1024,
        peak_after_warmup / 1024
    );
    let ok = server_errors == 0 && internal == 0 && growth <= 10.0;
    println!("{}", if ok { "PASS" } else { "FAIL" });
    if !ok {
        std::process::exit(1);
    }
}
