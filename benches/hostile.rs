//! Hostile callers against one `sharegraph serve` process with its default limits, on a
//! generated catalogue (20,000 items by default), each attack at the size that took the server
//! down before its limits existed, one after another, while an admin client keeps reading (a
//! nested page, paced to stay inside its own rate budget). Prints, per attack, the admin's p50
//! and p99, what the attacker got back, and the server's peak RSS during it; exits 1 when the
//! admin's p99 passes 250 ms or the server's RSS passes 300 MiB during any attack.
//!
//! cargo bench --bench hostile [-- --db postgres] [--items 20000] [--seconds 15]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use common::{
    arg, client, fresh_database, global_id, num_arg, percentile, rss_kib, send, wait_ready,
};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sharegraph::access::Role;
use sharegraph::config::Config;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

const P99_TARGET_MS: f64 = 250.0;
const RSS_TARGET_MIB: u64 = 300;

/// What the attacker got back: answers counted by HTTP status and error code.
type Outcomes = Arc<Mutex<BTreeMap<String, u64>>>;

async fn note(outcomes: &Outcomes, what: impl Into<String>) {
    *outcomes.lock().await.entry(what.into()).or_default() += 1;
}

/// The status and the first error code (or "data") of an answer.
fn outcome(status: u16, body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let first = if value.is_array() {
        value[0].clone()
    } else {
        value
    };
    match first["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => format!("{status} {code}"),
        None => format!("{status} data"),
    }
}

/// Runs `attack` in `workers` loops until `stop`, each answer noted.
fn repeat<F, Fut>(
    workers: usize,
    stop: Arc<AtomicBool>,
    attack: F,
) -> Vec<tokio::task::JoinHandle<()>>
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    (0..workers)
        .map(|_| {
            let (stop, attack) = (stop.clone(), attack.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    attack().await;
                }
            })
        })
        .collect()
}

/// A `where` of nested `or`s: `fan` alternatives per level, `levels` deep, `contains` leaves.
fn or_tree(fan: usize, levels: usize) -> Value {
    let mut tree = json!({ "name": { "contains": "xã Hương Phú" } });
    for _ in 0..levels {
        tree = json!({ "or": vec![tree; fan] });
    }
    tree
}

/// A workbook whose one worksheet has `rows` one-cell rows: past Excel's 1,048,576 rows, so its
/// worksheet is written by hand into a workbook rust_xlsxwriter made (a hostile file need not
/// come from a spreadsheet program).
fn xlsx_of_rows(rows: u32) -> Vec<u8> {
    use std::io::{Cursor, Write};
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().write_string(0, 0, "x").unwrap();
    let template = workbook.save_to_buffer().unwrap();
    let mut source = zip::ZipArchive::new(Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..source.len() {
        let part = source.by_index_raw(i).unwrap();
        if part.name().is_ok_and(|n| n == "xl/worksheets/sheet1.xml") {
            drop(part);
            out.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
            out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>").unwrap();
            // Rows and cells without positions (each follows the one before) and the one shared
            // string: the same bytes over and over, which deflate packs ~1000:1.
            for _ in 0..rows {
                out.write_all(b"<row><c t=\"s\"><v>0</v></c></row>")
                    .unwrap();
            }
            out.write_all(b"</sheetData></worksheet>").unwrap();
        } else {
            out.raw_copy_file(part).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

struct Attack {
    name: &'static str,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

#[tokio::main]
async fn main() {
    let items = num_arg("--items", 20_000);
    let seconds = num_arg("--seconds", 15);
    let postgres = arg("--db").as_deref() == Some("postgres");
    // `--only 5`: the baseline and attack 5 alone.
    let only: Option<usize> = arg("--only").map(|v| v.parse().expect("--only"));

    let url = fresh_database("hostile", postgres).await;
    let db = sharegraph::app::open_database(&Config::with_database(url.clone()))
        .await
        .unwrap();
    sharegraph::seed::generate::generate(&db, items, 47)
        .await
        .expect("generate");
    let token = |name: &'static str, role: Role, org: Option<String>| {
        let db = db.clone();
        async move {
            sharegraph::access::token::create(&db, name, role, org.as_deref(), false)
                .await
                .unwrap()
                .token
        }
    };
    let admin = token("admin who reads", Role::Admin, None).await;
    let row = |sql: &'static str| {
        let db = db.clone();
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .expect(sql)
        }
    };
    let share = row("SELECT s.id, o.code FROM shares s JOIN organizations o ON o.id = s.provider_id WHERE s.status = 'ACTIVE' ORDER BY s.id LIMIT 1").await;
    let share_id = global_id("Share", share.try_get_by_index::<i64>(0).unwrap());
    let provider: String = share.try_get_by_index(1).unwrap();
    let gateway = token("provider's gateway", Role::Steward, Some(provider.clone())).await;
    let importer = token("steward who imports", Role::Steward, Some(provider)).await;
    let org = global_id(
        "Organization",
        row("SELECT owner_id FROM databases GROUP BY owner_id ORDER BY COUNT(*) DESC LIMIT 1")
            .await
            .try_get_by_index::<i64>(0)
            .unwrap(),
    );
    let item = global_id(
        "DataItem",
        row("SELECT source_item_id FROM derivations GROUP BY source_item_id ORDER BY COUNT(*) DESC LIMIT 1")
            .await
            .try_get_by_index::<i64>(0)
            .unwrap(),
    );
    db.close().await.ok();

    // The server's own defaults: rate limits, caps and timeouts as shipped.
    let server = common::process::start_as_shipped(&url, &[], &[]);
    let (pid, port) = (server.child.id(), server.addr.port());
    let http = client();
    wait_ready(&http, port).await;
    println!(
        "{} with {items} items; each attack runs {seconds} s while an admin reads a nested page every 150 ms",
        if postgres { "PostgreSQL" } else { "SQLite" }
    );

    // The admin's reads and the server's RSS, sampled for the whole run; each phase takes its
    // share.
    let admin_times: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let admin_errors: Outcomes = Arc::default();
    let peak_rss = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        // A connection pool of its own: the attacks' connections, closed by the server after
        // refusals, are none of the admin's.
        let (http, admin, times, errors, done, org) = (
            client(),
            admin.clone(),
            admin_times.clone(),
            admin_errors.clone(),
            done.clone(),
            org.clone(),
        );
        tokio::spawn(async move {
            let body = json!({ "query": "query($id: ID!) { organization(id: $id) { name databases(first: 5) { nodes { name items(first: 10) { totalCount nodes { name policies { nodes { consumerType mode } } } } } } } }", "variables": { "id": org } }).to_string();
            while !done.load(Ordering::Relaxed) {
                let started = Instant::now();
                let (status, answer) = send(&http, port, Some(&admin), body.clone()).await;
                let took = started.elapsed();
                let got = outcome(status, &answer);
                if got != "200 data" {
                    note(&errors, got).await;
                }
                times.lock().await.push(took);
                tokio::time::sleep(Duration::from_millis(150).saturating_sub(took)).await;
            }
        })
    };
    let sampler = {
        let (peak, done) = (peak_rss.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid, "VmRSS:"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    let anonymous_walks = {
        let aliases: Vec<String> = (0..32)
            .map(|i| {
                format!("w{i}: lineage(root: $id, depth: 20, maxNodes: 10000) {{ truncated }}")
            })
            .collect();
        let op = json!({ "query": format!("query($id: ID!) {{ {} }}", aliases.join(" ")), "variables": { "id": item } });
        Value::Array(vec![op; 10]).to_string()
    };
    let nested_bomb = json!({ "query": "query($w: DataItemWhere) { dataItems(where: $w) { totalCount } }", "variables": { "w": or_tree(8, 4) } }).to_string();
    let flat_bomb = {
        let leaves: Vec<Value> = (0..40_000)
            .map(|i| json!({ "name": { "contains": format!("xã {i}") } }))
            .collect();
        json!({ "query": "query($w: DataItemWhere) { dataItems(where: $w) { totalCount } }", "variables": { "w": { "or": leaves } } }).to_string()
    };
    let import = |format: &str, content: String| {
        json!({ "query": "mutation($input: ImportInventoryInput!) { importInventory(input: $input) { rows } }", "variables": { "input": { "format": format, "content": content } } }).to_string()
    };
    // Just under the 4 MiB body limit once written as JSON (each line is `x\n`).
    let csv_import = import("CSV", "x\n".repeat(1_390_000));
    let xlsx_import = import(
        "XLSX",
        base64::engine::general_purpose::STANDARD.encode(xlsx_of_rows(2_400_000)),
    );
    let usage = {
        let now = chrono::Utc::now().to_rfc3339();
        let events: Vec<Value> = (0..10_000)
            .map(|_| json!({ "shareId": share_id, "occurredAt": now, "operation": "QUERY", "recordCount": 1 }))
            .collect();
        json!({ "query": "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }", "variables": { "input": { "events": events } } }).to_string()
    };
    println!(
        "bodies: nested filter {} KB, flat filter {:.1} MB, walk batch {} KB, CSV import {:.1} MB, XLSX import {} KB (base64), usage batch {:.1} MB\n",
        nested_bomb.len() / 1000,
        flat_bomb.len() as f64 / 1e6,
        anonymous_walks.len() / 1000,
        csv_import.len() as f64 / 1e6,
        xlsx_import.len() / 1000,
        usage.len() as f64 / 1e6
    );

    let mut failed = false;
    println!(
        "{:<58} {:>6} {:>8} {:>8} {:>7} {:>9}  attacker got",
        "attack", "admin", "p50 ms", "p99 ms", "errors", "peak RSS"
    );
    for phase in 0..7 {
        if only.is_some_and(|n| phase != 0 && phase != n) {
            continue;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let outcomes: Outcomes = Arc::default();
        let o = outcomes.clone();
        let attack = match phase {
            0 => Attack {
                name: "none (baseline)",
                tasks: Vec::new(),
            },
            1 => {
                let (http, body) = (http.clone(), Arc::new(nested_bomb.clone()));
                let flat = Arc::new(flat_bomb.clone());
                let mut tasks = repeat(1, stop.clone(), {
                    let (http, o) = (http.clone(), o.clone());
                    move || {
                        let (http, body, o) = (http.clone(), body.clone(), o.clone());
                        async move {
                            let (s, b) = send(&http, port, None, (*body).clone()).await;
                            note(&o, format!("nested: {}", outcome(s, &b))).await;
                        }
                    }
                });
                tasks.extend(repeat(3, stop.clone(), move || {
                    let (http, flat, o) = (http.clone(), flat.clone(), o.clone());
                    async move {
                        let (s, b) = send(&http, port, None, (*flat).clone()).await;
                        note(&o, format!("flat: {}", outcome(s, &b))).await;
                    }
                }));
                Attack {
                    name: "filter bombs: 4,096-leaf nested `or`, 3 × 40,000 flat",
                    tasks,
                }
            }
            2 => {
                let (http, body) = (http.clone(), Arc::new(anonymous_walks.clone()));
                Attack {
                    name: "walks: batches of 10 × 32 lineage(depth 20, 10,000)",
                    tasks: repeat(4, stop.clone(), move || {
                        let (http, body, o) = (http.clone(), body.clone(), o.clone());
                        async move {
                            let (s, b) = send(&http, port, None, (*body).clone()).await;
                            note(&o, outcome(s, &b)).await;
                        }
                    }),
                }
            }
            3 => {
                let http = http.clone();
                let (csv, xlsx) = (Arc::new(csv_import.clone()), Arc::new(xlsx_import.clone()));
                let importer = importer.clone();
                Attack {
                    name: "imports: 4 MB CSV of 1.39M `x` lines, XLSX of 2.4M rows",
                    tasks: repeat(2, stop.clone(), move || {
                        let (http, csv, xlsx, o, importer) = (
                            http.clone(),
                            csv.clone(),
                            xlsx.clone(),
                            o.clone(),
                            importer.clone(),
                        );
                        async move {
                            let (s, b) = send(&http, port, Some(&importer), (*csv).clone()).await;
                            note(&o, format!("CSV: {}", outcome(s, &b))).await;
                            let (s, b) = send(&http, port, Some(&importer), (*xlsx).clone()).await;
                            note(&o, format!("XLSX: {}", outcome(s, &b))).await;
                        }
                    }),
                }
            }
            4 => {
                let (http, body, gateway) =
                    (http.clone(), Arc::new(usage.clone()), gateway.clone());
                Attack {
                    name: "usage records: batches of 10,000 from one token",
                    tasks: repeat(2, stop.clone(), move || {
                        let (http, body, o, gateway) =
                            (http.clone(), body.clone(), o.clone(), gateway.clone());
                        async move {
                            let (s, b) = send(&http, port, Some(&gateway), (*body).clone()).await;
                            note(&o, outcome(s, &b)).await;
                        }
                    }),
                }
            }
            5 => Attack {
                name: "subscriptions: 30 sockets × 10,000, anonymous",
                tasks: (0..30)
                    .map(|_| {
                        let (o, stop) = (o.clone(), stop.clone());
                        tokio::spawn(subscription_flood(port, 10_000, o, stop))
                    })
                    .collect(),
            },
            _ => Attack {
                name: "connections: 19,000 opened, no request sent",
                tasks: vec![tokio::spawn(connection_flood(
                    port,
                    19_000,
                    o.clone(),
                    stop.clone(),
                ))],
            },
        };
        let from = admin_times.lock().await.len();
        admin_errors.lock().await.clear();
        peak_rss.store(rss_kib(pid, "VmRSS:"), Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        let peak = peak_rss.load(Ordering::Relaxed) / 1024;
        let mut times = admin_times.lock().await[from..].to_vec();
        let admin_failed: Vec<String> = admin_errors
            .lock()
            .await
            .iter()
            .map(|(k, n)| format!("{k} ×{n}"))
            .collect();
        let errors: u64 = admin_errors.lock().await.values().sum();
        for task in attack.tasks {
            // An attack's request in flight is let go rather than waited for.
            task.abort();
        }
        times.sort();
        let (p50, p99) = if times.is_empty() {
            (f64::NAN, f64::NAN)
        } else {
            (percentile(&times, 0.5), percentile(&times, 0.99))
        };
        let got: Vec<String> = outcomes
            .lock()
            .await
            .iter()
            .map(|(k, n)| format!("{k} ×{n}"))
            .collect();
        println!(
            "{:<58} {:>6} {:>8.1} {:>8.1} {:>7} {:>5} MiB  {}",
            attack.name,
            times.len(),
            p50,
            p99,
            errors,
            peak,
            got.join(", ")
        );
        if !admin_failed.is_empty() {
            println!("{:<58} the admin got: {}", "", admin_failed.join(", "));
        }
        if times.is_empty() || p99 > P99_TARGET_MS || peak > RSS_TARGET_MIB || errors > 0 {
            failed = true;
        }
        // Let closed sockets and dropped requests settle before the next attack.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    done.store(true, Ordering::Relaxed);
    let _ = reader.await;
    let _ = sampler.await;
    println!(
        "\ntargets: admin p99 under {P99_TARGET_MS} ms, no admin errors, server RSS under {RSS_TARGET_MIB} MiB during every attack: {}",
        if failed { "FAIL" } else { "PASS" }
    );
    if failed {
        std::process::exit(1);
    }
}

/// One anonymous socket that asks for `count` subscriptions; notes how the server answered.
async fn subscription_flood(port: u16, count: usize, o: Outcomes, stop: Arc<AtomicBool>) {
    let request = common::process::ws::handshake(([127, 0, 0, 1], port).into());
    let mut socket = match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => socket,
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            note(&o, format!("socket refused {}", resp.status().as_u16())).await;
            return;
        }
        Err(_) => {
            note(&o, "socket failed").await;
            return;
        }
    };
    note(&o, "socket open").await;
    let text = |v: Value| Message::Text(v.to_string().into());
    if socket
        .send(text(json!({ "type": "connection_init", "payload": {} })))
        .await
        .is_err()
    {
        return;
    }
    for i in 0..count {
        let subscribe = json!({ "id": format!("s{i}"), "type": "subscribe", "payload": {
            "query": "subscription { catalogueEvents { seq action } }" } });
        if socket.send(text(subscribe)).await.is_err() {
            note(&o, "socket closed while subscribing").await;
            return;
        }
    }
    while !stop.load(Ordering::Relaxed) {
        match tokio::time::timeout(Duration::from_millis(200), socket.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                match v["type"].as_str() {
                    Some("error") => {
                        let code = v["payload"][0]["extensions"]["code"]
                            .as_str()
                            .unwrap_or("?")
                            .to_owned();
                        note(&o, format!("subscription error {code}")).await;
                    }
                    Some("ping") => {
                        let _ = socket.send(text(json!({ "type": "pong" }))).await;
                    }
                    _ => {}
                }
            }
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                note(&o, "socket closed by the server").await;
                return;
            }
            _ => {}
        }
    }
}

/// Opens `count` connections that never send a request, 200 at a time, and holds the ones
/// the server keeps; notes how each one ended.
async fn connection_flood(port: u16, count: usize, o: Outcomes, stop: Arc<AtomicBool>) {
    use tokio::io::AsyncReadExt;
    let opened = Arc::new(tokio::sync::Semaphore::new(200));
    let mut held = Vec::new();
    for _ in 0..count {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let permit = opened.clone().acquire_owned().await.unwrap();
        let o = o.clone();
        held.push(tokio::spawn(async move {
            let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
                note(&o, "connect failed").await;
                return;
            };
            drop(permit);
            let mut first = [0u8; 12];
            match stream.read(&mut first).await {
                Ok(0) | Err(_) => note(&o, "closed by the server").await,
                Ok(n) => {
                    let head = String::from_utf8_lossy(&first[..n]).to_string();
                    note(&o, format!("answered {}", head.trim())).await;
                }
            }
        }));
    }
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for h in held {
        h.abort();
    }
}
