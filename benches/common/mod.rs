//! What the benchmarks share: a `sharegraph serve` process on a database, and requests to it.

#![allow(dead_code)]

pub mod pages;

use std::process::Child;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

pub fn global_id(kind: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}

/// A port nothing listens on now, for a peer that must be told its port (PostGraphile).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `sharegraph serve` on `url` with rate limits off, as the process tests start it (at the
/// address the server reports), killed when dropped.
pub fn start_server(url: &str) -> Server {
    process::start(
        url,
        &[
            ("SHAREGRAPH_LOG", "warn"),
            ("SHAREGRAPH_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "0"),
        ],
    )
}

pub fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// POSTs a GraphQL request: the answer's status and body, status 599 when no answer came
/// (a refused or reset connection).
pub async fn send(
    client: &HttpClient,
    port: u16,
    token: Option<&str>,
    body: String,
) -> (u16, Bytes) {
    let mut req = hyper::Request::post(format!("http://127.0.0.1:{port}/graphql"))
        .header("content-type", "application/json");
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req.body(Full::new(Bytes::from(body))).unwrap();
    match client.request(req).await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            (status, bytes)
        }
        Err(_) => (599, Bytes::new()),
    }
}

/// POSTs a GraphQL request that must be answered: how long it took, and the answer as JSON.
pub async fn post(
    client: &HttpClient,
    port: u16,
    token: Option<&str>,
    body: &Value,
) -> (Duration, Value) {
    let started = Instant::now();
    let (status, bytes) = send(client, port, token, body.to_string()).await;
    let elapsed = started.elapsed();
    assert_ne!(status, 599, "the server did not answer");
    (
        elapsed,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The process tests' helpers: the server process, stopped however the benchmark ends (a panic
/// included: a server left running would go on loading the machine and skew the next
/// measurement).
#[path = "../../tests/system/process/mod.rs"]
pub mod process;
pub use process::Server;

/// A server of `port` (a peer's), killed when dropped like sharegraph's.
pub fn peer(child: Child, port: u16) -> Server {
    Server {
        child,
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
    }
}

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Waits until the server answers `/readyz`.
pub async fn wait_ready(client: &HttpClient, port: u16) {
    let started = Instant::now();
    loop {
        let req = hyper::Request::get(format!("http://127.0.0.1:{port}/readyz"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        if let Ok(resp) = client.request(req).await
            && resp.status().is_success()
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// An empty database for one benchmark run: PostgreSQL database `sg_bench_<name>` (on
/// `BENCH_PG_URL`, default the local server), or `target/bench/<name>.db`; any earlier one is
/// removed first. Returns its URL.
pub async fn fresh_database(name: &str, postgres: bool) -> String {
    if postgres {
        let base = std::env::var("BENCH_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        process::fresh_pg_database(&format!("{base}/postgres"), &format!("sg_bench_{name}")).await
    } else {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench");
        std::fs::create_dir_all(dir).unwrap();
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{dir}/{name}.db{ext}"));
        }
        format!("sqlite://{dir}/{name}.db?mode=rwc")
    }
}

/// The value after `--name` on the command line (`cargo bench --bench X -- --name value`).
pub fn arg(name: &str) -> Option<String> {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter()
        .position(|a| a == name)
        .and_then(|i| argv.get(i + 1))
        .cloned()
}

/// The number after `--name`, or `default` when it is not given.
pub fn num_arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    arg(name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} takes a number, not {v}"))
    })
}

/// A generated catalogue kept between runs: PostgreSQL database `sg_bench_<items>_<seed>` (on
/// `BENCH_PG_URL`, default the local server) or `target/bench/sg-<items>-<seed>.db`, generated
/// when it holds no items yet. Returns its URL.
pub async fn kept_catalogue(items: usize, seed: u64, postgres: bool) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let url = if postgres {
        let base = std::env::var("BENCH_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("sg_bench_{items}_{seed}");
        let admin = sea_orm::Database::connect(format!("{base}/postgres"))
            .await
            .expect("connect to PostgreSQL");
        let exists = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
            ))
            .await
            .unwrap()
            .is_some();
        if !exists {
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
        }
        format!("{base}/{name}")
    } else {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench");
        std::fs::create_dir_all(dir).unwrap();
        format!("sqlite://{dir}/sg-{items}-{seed}.db?mode=rwc")
    };
    let db =
        sharegraph::app::open_database(&sharegraph::config::Config::with_database(url.clone()))
            .await
            .expect("open the benchmark database");
    let have: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM data_items",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    if have == 0 {
        let started = Instant::now();
        let counts = sharegraph::seed::generate::generate(&db, items, seed)
            .await
            .expect("generate");
        println!(
            "generated {counts:?} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("reusing a catalogue of {have} items");
    }
    db.close().await.ok();
    url
}

/// A new admin token on `db`.
pub async fn admin_token(db: &sea_orm::DatabaseConnection, name: &str) -> String {
    sharegraph::access::token::create(db, name, sharegraph::access::Role::Admin, None, false)
        .await
        .unwrap()
        .token
}

/// The application on `db` in this process, without rate limits (a bench asks as fast as it
/// can).
pub fn in_process(db: sea_orm::DatabaseConnection, url: &str) -> axum::Router {
    let mut limits = sharegraph::config::Config::with_database(url.to_owned()).limits;
    limits.rate_limit_per_minute = 0;
    sharegraph::app::build(db, limits).router
}

/// A GraphQL POST of `query` as the holder of `token`, for [`in_process`]'s router.
pub fn graphql_request(token: &str, query: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(
            serde_json::json!({ "query": query }).to_string(),
        ))
        .unwrap()
}
