//! Read throughput of the real server under concurrent clients, beside the raw SQL of the same
//! pages on the same database in the same run: Q1 (20 organizations → 20 databases → 20 items →
//! their policies), Q2 (a flat page of 100 items with their database's name), Q3 (one database
//! by code with its items' `totalCount`) and a `downstream` walk. Prints, per query, req/s,
//! p50/p99 under load, the unloaded p50, the server's CPU milliseconds per request, and its
//! peak and idle RSS.
//!
//! cargo bench --bench throughput [-- --db postgres|sqlite --items N --clients C --seconds S]
//!
//! The catalogue (`generate --items N --seed 1`) is kept between runs in `sg_bench_N_1`
//! (PostgreSQL) or `target/bench/sg-N-1.db`, and reused when it is there.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Server, arg, client, global_id, percentile, rss_kib, send, start_server, wait_ready};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use sharegraph::config::Config;

struct Args {
    postgres: bool,
    items: usize,
    clients: usize,
    seconds: u64,
}

fn args() -> Args {
    let num = |name: &str, default: u64| arg(name).map_or(default, |v| v.parse().expect(name));
    Args {
        postgres: arg("--db").as_deref() == Some("postgres"),
        items: num("--items", 100_000) as usize,
        clients: num("--clients", 16) as usize,
        seconds: num("--seconds", 10),
    }
}

/// Seconds of CPU the process has used (user + system; /proc counts in 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

struct Load {
    requests: u64,
    seconds: f64,
    sorted: Vec<Duration>,
}

/// `clients` tasks sending `make(n)` in a loop for `seconds`; every answer must be data.
async fn drive<F, Fut>(clients: usize, seconds: u64, make: F) -> Load
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Duration> + Send,
{
    let make = Arc::new(make);
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (make, stop, counter) = (make.clone(), stop.clone(), counter.clone());
            tokio::spawn(async move {
                let mut took = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    took.push(make(n).await);
                }
                took
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut sorted = Vec::new();
    for t in tasks {
        sorted.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    sorted.sort();
    Load {
        requests: sorted.len() as u64,
        seconds: elapsed,
        sorted,
    }
}

/// A query the clients send.
struct Case {
    name: &'static str,
    query: String,
}

fn cases(database_code: &str, item: &str) -> Vec<Case> {
    vec![
        Case {
            name: "Q1 nested",
            query: "{ organizations(first: 20) { nodes { name databases(first: 20) { nodes { name items(first: 20) { nodes { name policies(first: 5) { nodes { consumerType mode } } } } } } } } }".into(),
        },
        Case {
            name: "Q2 flat page",
            query: "{ dataItems(first: 100) { nodes { name database { name } } } }".into(),
        },
        Case {
            name: "Q3 one database",
            query: format!(
                "{{ database(code: \"{database_code}\") {{ name items {{ totalCount }} }} }}"
            ),
        },
        Case {
            name: "downstream",
            query: format!(
                "{{ dataItem(id: \"{item}\") {{ downstream(depth: 3) {{ totalCount nodes {{ degree item {{ name }} }} }} }} }}"
            ),
        },
    ]
}

/// The statements the server runs for `query` (token check included), with their values:
/// the query is answered once by the same application in this process, on a connection that
/// records what it executes. Replaying them is the raw SQL of the same work.
async fn statements(url: &str, token: &str, query: &str) -> Vec<Statement> {
    use tower::ServiceExt;
    let mut db = sea_orm::Database::connect(url).await.unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recording = Arc::new(AtomicBool::new(false));
    {
        let (seen, recording) = (seen.clone(), recording.clone());
        db.set_metric_callback(move |info| {
            let sql = &info.statement.sql;
            // The event feed reads the log on its own schedule, not for the request.
            let feed = sql.contains("\"audit_head\"") || sql.contains("FROM \"audit_entries\"");
            if recording.load(Ordering::SeqCst) && !feed {
                seen.lock().unwrap().push(info.statement.clone());
            }
        });
    }
    let mut limits = Config::with_database(url.to_owned()).limits;
    limits.rate_limit_per_minute = 0;
    let app = sharegraph::app::build(db, limits);
    let request = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(
            json!({ "query": query }).to_string(),
        ))
        .unwrap();
    recording.store(true, Ordering::SeqCst);
    let answer = app.router.oneshot(request).await.unwrap();
    recording.store(false, Ordering::SeqCst);
    assert!(answer.status().is_success());
    std::mem::take(&mut *seen.lock().unwrap())
}

#[tokio::main]
async fn main() {
    let a = args();
    let url = common::kept_catalogue(a.items, 1, a.postgres).await;
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let token = common::admin_token(&db, "throughput").await;
    let database_code: String = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT d.code FROM databases d JOIN data_items i ON i.database_id = d.id \
             GROUP BY d.code ORDER BY COUNT(*) DESC, d.code LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    // The item with the most derived from it, for the walk.
    let source: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT source_item_id FROM derivations GROUP BY source_item_id \
             ORDER BY COUNT(*) DESC, source_item_id LIMIT 1",
        ))
        .await
        .unwrap()
        .map_or(1, |r| r.try_get_by_index(0).unwrap());
    let cases = cases(&database_code, &global_id("DataItem", source));

    let (child, port) = start_server(&url);
    let pid = child.id();
    let server = Server(child);
    let http = client();
    wait_ready(&http, port).await;
    let token = Arc::new(token);
    let backend = if a.postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}, {} items, {} clients, {} s per query; req/s and latency in ms; raw SQL replays \
         the statements the server ran for the query, with their values, on {} pooled connections",
        a.items, a.clients, a.seconds, a.clients
    );
    println!(
        "{:<16} {:>9} {:>8} {:>8} {:>10} {:>9} {:>6} {:>11} {:>9}",
        "query", "req/s", "p50", "p99", "unloaded", "CPU ms", "stmts", "raw SQL/s", "÷ raw"
    );
    for case in &cases {
        let body = Arc::new(json!({ "query": case.query }).to_string());
        // One answer checked before timing: data, no errors.
        let (status, answer) = send(&http, port, Some(&token), (*body).clone()).await;
        let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
        assert!(
            status == 200 && answer.get("errors").is_none(),
            "{}: {status} {answer}",
            case.name
        );
        let request = {
            let (http, token, body) = (http.clone(), token.clone(), body.clone());
            move |_| {
                let (http, token, body) = (http.clone(), token.clone(), body.clone());
                async move {
                    let started = Instant::now();
                    let (status, _) = send(&http, port, Some(&token), (*body).clone()).await;
                    assert_eq!(status, 200);
                    started.elapsed()
                }
            }
        };
        // Unloaded: one client, one request at a time.
        let unloaded = drive(1, 2, request.clone()).await;
        let cpu_before = cpu_seconds(pid);
        let load = drive(a.clients, a.seconds, request).await;
        let cpu = cpu_seconds(pid) - cpu_before;
        let recorded = statements(&url, &token, &case.query).await;
        let raw = {
            let pool = sea_orm::Database::connect(
                sea_orm::ConnectOptions::new(url.clone())
                    .max_connections(a.clients as u32)
                    .to_owned(),
            )
            .await
            .unwrap();
            let statements = Arc::new(recorded.clone());
            let raw = drive(a.clients, a.seconds, move |_| {
                let (pool, statements) = (pool.clone(), statements.clone());
                async move {
                    let started = Instant::now();
                    for statement in statements.iter() {
                        pool.query_all_raw(statement.clone()).await.unwrap();
                    }
                    started.elapsed()
                }
            })
            .await;
            (raw.requests as f64 / raw.seconds, recorded.len())
        };
        let rate = load.requests as f64 / load.seconds;
        println!(
            "{:<16} {:>9.0} {:>8.1} {:>8.1} {:>10.1} {:>9.1} {:>6} {:>11} {:>9}",
            case.name,
            rate,
            percentile(&load.sorted, 0.5),
            percentile(&load.sorted, 0.99),
            percentile(&unloaded.sorted, 0.5),
            cpu * 1000.0 / load.requests as f64,
            raw.1,
            format!("{:.0}", raw.0),
            format!("{:.2}", rate / raw.0),
        );
    }
    let peak = rss_kib(pid, "VmHWM:");
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = rss_kib(pid, "VmRSS:");
    println!(
        "server RSS: peak {} MiB, idle after 5 s {} MiB",
        peak / 1024,
        idle / 1024
    );
    drop(server);
}
