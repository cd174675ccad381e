//! Faults under load. On PostgreSQL (when `DATABASE_URL` names one and this machine can stop
//! and start its cluster): the cluster is stopped while a client writes batches; `/readyz`
//! turns 503, requests fail fast with `UNAVAILABLE`, the same process recovers when the
//! database is back, and every batch is stored whole or not at all. On SQLite: two server
//! processes write one file at once; every batch is whole and the file stays intact.
//!
//! A test binary of its own, unlike the other process tests (`tests/system/`): it stops the
//! PostgreSQL server they use, so it must not run while they do (cargo runs one test binary
//! at a time).

#[path = "system/process/mod.rs"]
mod process;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use process::ws::{connect, receive, registered, subscribe};
use process::{drop_pg_database, fresh_pg_database, http, post, postgres_url, start};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const BATCH: usize = 500;

fn ready(addr: SocketAddr) -> Option<u16> {
    http(
        addr,
        "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .map(|(s, _)| s)
}

/// A fresh database with the demo catalogue, an admin token and the ids of its shares.
async fn prepare(url: &str) -> (String, Vec<String>) {
    let config = sharegraph::config::Config::with_database(url.to_owned());
    let db = sharegraph::app::open_database(&config).await.unwrap();
    sharegraph::seed::demo::load(&db).await.unwrap();
    let token = sharegraph::access::token::create(
        &db,
        "gateway",
        sharegraph::access::Role::Admin,
        None,
        false,
    )
    .await
    .unwrap()
    .token;
    let shares = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM shares WHERE status = 'ACTIVE' ORDER BY id",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            use base64::Engine;
            let id: i64 = r.try_get_by_index(0).unwrap();
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Share:{id}"))
        })
        .collect();
    db.close().await.unwrap();
    (token, shares)
}

/// Batch `n`: `BATCH` events all marked with the operation `B{n}`.
fn batch(n: usize, shares: &[String]) -> Value {
    let now = chrono::Utc::now();
    let events: Vec<Value> = (0..BATCH)
        .map(|i| json!({ "shareId": shares[i % shares.len()], "occurredAt": (now - chrono::Duration::seconds(i as i64)).to_rfc3339(),
                          "operation": format!("B{n}"), "recordCount": 1 }))
        .collect();
    json!({ "input": { "events": events } })
}

const RECORD: &str =
    "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }";

/// Every batch is stored whole or not at all; the batches answered OK are all stored.
async fn check_batches(url: &str, accepted: &[usize]) -> usize {
    let db = sea_orm::Database::connect(url).await.unwrap();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT operation, COUNT(*) FROM access_events WHERE operation LIKE 'B%' GROUP BY operation",
        ))
        .await
        .unwrap();
    let mut stored = std::collections::HashMap::new();
    for r in rows {
        let op: String = r.try_get_by_index(0).unwrap();
        let n: i64 = r.try_get_by_index(1).unwrap();
        assert_eq!(n as usize, BATCH, "batch {op} is half-stored: {n} rows");
        stored.insert(op, n);
    }
    for n in accepted {
        assert!(
            stored.contains_key(&format!("B{n}")),
            "accepted batch B{n} is missing"
        );
    }
    db.close().await.ok();
    stored.len()
}

/// What a writer has seen so far, readable while it runs.
#[derive(Default)]
struct Progress {
    accepted: AtomicUsize,
    refused: AtomicUsize,
}

/// Writes batches from a thread until told to stop; returns the batches answered OK and the
/// error codes seen.
fn writer(
    addr: SocketAddr,
    token: String,
    shares: Vec<String>,
    first: usize,
    stop: Arc<AtomicBool>,
    progress: Arc<Progress>,
) -> std::thread::JoinHandle<(Vec<usize>, Vec<String>)> {
    std::thread::spawn(move || {
        let (mut ok, mut codes) = (Vec::new(), Vec::new());
        let mut n = first;
        while !stop.load(Ordering::SeqCst) {
            match post(addr, &token, RECORD, batch(n, &shares)) {
                Some(v) if v.get("errors").is_none() => {
                    ok.push(n);
                    progress.accepted.fetch_add(1, Ordering::SeqCst);
                }
                answer => {
                    codes.push(answer.map_or("TRANSPORT".into(), |v| {
                        v["errors"][0]["extensions"]["code"]
                            .as_str()
                            .unwrap_or("?")
                            .to_owned()
                    }));
                    progress.refused.fetch_add(1, Ordering::SeqCst);
                }
            }
            n += 1;
        }
        (ok, codes)
    })
}

/// Waits (up to `limit`) until `done` holds.
async fn until(limit: Duration, what: &str, done: impl Fn() -> bool) {
    let began = Instant::now();
    while !done() {
        assert!(began.elapsed() < limit, "{what} within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn cluster() -> Option<String> {
    let version = std::fs::read_dir("/etc/postgresql").ok()?.next()?.ok()?;
    Some(version.file_name().to_string_lossy().into_owned())
}

fn pg_ctl(version: &str, action: &str) {
    let status = Command::new("pg_ctlcluster")
        .args([
            "--skip-systemctl-redirect",
            version,
            "main",
            action,
            "-m",
            "fast",
        ])
        .status()
        .expect("pg_ctlcluster");
    assert!(status.success(), "pg_ctlcluster {action}");
}

/// Starts the cluster again however the test ends.
struct Restart(String);

impl Drop for Restart {
    fn drop(&mut self) {
        let _ = Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &self.0, "main", "start"])
            .status();
        for _ in 0..60 {
            if Command::new("pg_isready")
                .args(["-h", "127.0.0.1", "-q"])
                .status()
                .is_ok_and(|s| s.success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_stopped_under_load_fails_fast_and_recovers_with_nothing_half_written() {
    let (Some(pg), Some(version)) = (postgres_url(), cluster()) else {
        eprintln!("runs on PostgreSQL: set DATABASE_URL to a local cluster");
        return;
    };
    let name = format!("sg_outage_{}", std::process::id());
    let url = fresh_pg_database(&pg, &name).await;
    let (token, shares) = prepare(&url).await;
    let server = start(&url, &[]);
    let addr = server.addr;
    assert_eq!(ready(addr), Some(200));
    // A second replica that learns of the first one's writes only by LISTEN (its poll is ten
    // minutes): after the restart, its subscriber hears of a write only if it listens again.
    let listening = start(&url, &[("SHAREGRAPH_EVENT_POLL_MS", "600000")]);
    let mut subscriber = connect(listening.addr, json!({})).await;
    subscribe(
        &mut subscriber,
        "1",
        json!({ "where": { "types": ["ORGANIZATION"] } }),
    )
    .await;
    registered(listening.addr, 1).await;
    let organization = |code: &str, name: &str| {
        let answer = post(
            addr,
            &token,
            "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "code": code, "name": name, "level": "COMMUNE" } }),
        )
        .unwrap();
        assert!(answer.get("errors").is_none(), "{answer}");
    };
    organization("001.21.39.H57", "Ủy ban nhân dân xã Hương Hữu");
    let heard = receive(&mut subscriber).await;
    assert_eq!(
        heard["payload"]["data"]["catalogueEvents"]["action"], "CREATED",
        "{heard}"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(Progress::default());
    let load = writer(
        addr,
        token.clone(),
        shares.clone(),
        0,
        stop.clone(),
        progress.clone(),
    );
    until(
        Duration::from_secs(10),
        "a batch accepted before the outage",
        || progress.accepted.load(Ordering::SeqCst) > 0,
    )
    .await;

    let restart = Restart(version.clone());
    pg_ctl(&version, "stop");
    let stopped = Instant::now();
    loop {
        if ready(addr) == Some(503) {
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(10),
            "/readyz still ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let asked = Instant::now();
    let answer = post(addr, &token, "{ organizations { totalCount } }", json!({}))
        .expect("an answer, not a hang");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{answer}"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "failed after {:?}",
        asked.elapsed()
    );
    assert!(
        !answer.to_string().contains("sqlx") && !answer.to_string().contains("Connection refused"),
        "{answer}"
    );

    // The writer itself meets the outage: a batch refused, not one that hangs.
    until(
        Duration::from_secs(10),
        "a batch refused during the outage",
        || progress.refused.load(Ordering::SeqCst) > 0,
    )
    .await;

    drop(restart);
    let back = Instant::now();
    loop {
        if ready(addr) == Some(200) {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "the process did not recover"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answer = post(addr, &token, "{ organizations { totalCount } }", json!({})).unwrap();
    assert_eq!(
        answer["data"]["organizations"]["totalCount"], 24,
        "{answer}"
    );
    let before = progress.accepted.load(Ordering::SeqCst);
    until(
        Duration::from_secs(10),
        "a batch accepted after the outage",
        || progress.accepted.load(Ordering::SeqCst) > before,
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    let (accepted, codes) = load.join().unwrap();
    assert!(!codes.is_empty());

    // The other replica listens again: the next write reaches its subscriber.
    organization("001.22.39.H57", "Ủy ban nhân dân xã Hương Phú");
    let heard = receive(&mut subscriber).await;
    assert_eq!(
        heard["payload"]["data"]["catalogueEvents"]["action"], "CREATED",
        "{heard}"
    );
    drop(listening);
    for code in &codes {
        assert!(
            code == "UNAVAILABLE" || code == "TRANSPORT",
            "unexpected {code} in {codes:?}"
        );
    }
    let stored = check_batches(&url, &accepted).await;
    println!(
        "{} batches accepted, {stored} stored whole, {} refused during the outage: {codes:?}",
        accepted.len(),
        codes.len()
    );
    drop(server);
    drop_pg_database(&pg, &name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_writing_one_sqlite_file_keep_every_batch_whole() {
    if postgres_url().is_some() {
        eprintln!("runs on SQLite: unset DATABASE_URL");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("shared.db").display()
    );
    let (token, shares) = prepare(&url).await;
    let servers = [start(&url, &[]), start(&url, &[])];
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            writer(
                s.addr,
                token.clone(),
                shares.clone(),
                i * 100_000,
                stop.clone(),
                Arc::new(Progress::default()),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::SeqCst);
    let results = Arc::new(Mutex::new(Vec::new()));
    for w in writers {
        let (ok, codes) = w.join().unwrap();
        assert!(
            codes.is_empty(),
            "busy writers wait instead of failing: {codes:?}"
        );
        results.lock().unwrap().extend(ok);
    }
    drop(servers);
    let accepted = results.lock().unwrap().clone();
    let stored = check_batches(&url, &accepted).await;
    assert_eq!(stored, accepted.len());
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let check: String = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(mode, "wal");
    println!("{stored} batches of {BATCH} from two processes, all whole");
}
