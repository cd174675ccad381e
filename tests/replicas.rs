//! Two server processes on one database (PostgreSQL when `DATABASE_URL` names one, else one
//! SQLite file) and concurrent read-modify-write clients on the same rows: every accepted write
//! is in the final state, every refused one was stale, and the final state is exactly the
//! accepted history. No lost updates across replicas.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

const ROWS: usize = 3;
const CLIENTS_PER_SERVER: usize = 4;
const ROUNDS: usize = 15;

struct Server(Child, SocketAddr);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sharegraph(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("SHAREGRAPH_LOG", "error")
        .output()
        .expect("run sharegraph")
}

fn start(url: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env("SHAREGRAPH_LOG", "warn")
        .env("SHAREGRAPH_RATE_LIMIT_PER_MINUTE", "0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sharegraph");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.strip_suffix("/graphql"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    Server(child, addr)
}

/// One GraphQL request over its own connection.
fn post(addr: SocketAddr, token: &str, query: &str, variables: Value) -> Value {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (_, json) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

/// A database of its own: a new PostgreSQL database, or a SQLite file.
fn database(dir: &tempfile::TempDir) -> (String, Option<String>) {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let name = format!("sg_replicas_{}", std::process::id());
            let base = url.rsplit_once('/').unwrap().0.to_owned();
            let psql = |sql: &str| {
                let rt = tokio::runtime::Runtime::new().unwrap();
                rt.block_on(async {
                    use sea_orm::ConnectionTrait;
                    let admin = sea_orm::Database::connect(format!("{base}/postgres"))
                        .await
                        .unwrap();
                    admin.execute_unprepared(sql).await.unwrap();
                });
            };
            psql(&format!("DROP DATABASE IF EXISTS {name}"));
            psql(&format!("CREATE DATABASE {name}"));
            (format!("{base}/{name}"), Some(name))
        }
        _ => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("shared.db").display()
            ),
            None,
        ),
    }
}

#[derive(Debug, Clone)]
struct Accepted {
    row: usize,
    mark: String,
    /// The version this write produced.
    version: i64,
}

#[test]
fn concurrent_writers_on_two_replicas_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_database) = database(&dir);
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let out = sharegraph(
        &url,
        &["token", "create", "--role", "admin", "--name", "Tải thử"],
    );
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let servers = [start(&url), start(&url)];

    let rows: Vec<String> = (0..ROWS)
        .map(|r| {
            let data = post(
                servers[r % 2].1,
                &token,
                "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
                json!({ "input": { "code": format!("000.0{r}.39.H57"), "name": format!("Phòng {r} huyện Nam Đông"), "level": "DISTRICT", "description": "" } }),
            );
            data["data"]["createOrganization"]["organization"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{data}"))
                .to_owned()
        })
        .collect();

    // A write based on a version the other replica has moved on from is refused with the
    // current version.
    let update = "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { version } } }";
    let first = post(
        servers[0].1,
        &token,
        update,
        json!({ "input": { "id": rows[0], "expectedVersion": 1, "phone": "0234 3886 001" } }),
    );
    assert_eq!(
        first["data"]["updateOrganization"]["organization"]["version"], 2,
        "{first}"
    );
    let stale = post(
        servers[1].1,
        &token,
        update,
        json!({ "input": { "id": rows[0], "expectedVersion": 1, "phone": "0234 3886 002" } }),
    );
    assert_eq!(
        stale["errors"][0]["extensions"]["code"], "CONFLICT",
        "{stale}"
    );
    assert_eq!(
        stale["errors"][0]["extensions"]["currentVersion"], 2,
        "{stale}"
    );

    let accepted = Arc::new(Mutex::new(Vec::<Accepted>::new()));
    let refused = Arc::new(Mutex::new(0usize));
    let workers: Vec<_> = (0..2 * CLIENTS_PER_SERVER)
        .map(|c| {
            let (addr, token, rows) = (servers[c % 2].1, token.clone(), rows.clone());
            let (accepted, refused) = (accepted.clone(), refused.clone());
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    let row = (c + round) % ROWS;
                    let read = post(addr, &token, "query($id: ID!) { node(id: $id) { ... on Organization { version description } } }", json!({ "id": rows[row] }));
                    let version = read["data"]["node"]["version"].as_i64().unwrap();
                    let before = read["data"]["node"]["description"].as_str().unwrap_or("").to_owned();
                    let mark = format!("c{c}r{round}");
                    let write = post(
                        addr,
                        &token,
                        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { version } } }",
                        json!({ "input": { "id": rows[row], "expectedVersion": version, "description": format!("{before}{mark};") } }),
                    );
                    match write["errors"].as_array() {
                        None => accepted.lock().unwrap().push(Accepted {
                            row,
                            mark,
                            version: write["data"]["updateOrganization"]["organization"]["version"].as_i64().unwrap(),
                        }),
                        Some(errors) => {
                            let ext = &errors[0]["extensions"];
                            assert_eq!(ext["code"], "CONFLICT", "{write}");
                            let current = ext["currentVersion"].as_i64().unwrap_or_else(|| panic!("{write}"));
                            assert!(current > version, "refused, yet {version} was current: {write}");
                            *refused.lock().unwrap() += 1;
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a client");
    }

    let accepted = accepted.lock().unwrap().clone();
    let refused = *refused.lock().unwrap();
    assert_eq!(accepted.len() + refused, 2 * CLIENTS_PER_SERVER * ROUNDS);
    for (r, id) in rows.iter().enumerate() {
        let mut history: Vec<&Accepted> = accepted.iter().filter(|a| a.row == r).collect();
        history.sort_by_key(|a| a.version);
        let expected: String = history.iter().map(|a| format!("{};", a.mark)).collect();
        let versions: Vec<i64> = history.iter().map(|a| a.version).collect();
        // Row 0 took one write before the race.
        let start = if r == 0 { 2 } else { 1 };
        assert_eq!(
            versions,
            (start + 1..start + 1 + history.len() as i64).collect::<Vec<_>>(),
            "one accepted write per version"
        );
        let now = post(
            servers[r % 2].1,
            &token,
            "query($id: ID!) { node(id: $id) { ... on Organization { version description } } }",
            json!({ "id": id }),
        );
        assert_eq!(now["data"]["node"]["version"], start + history.len() as i64);
        assert_eq!(
            now["data"]["node"]["description"], expected,
            "the final state is the accepted history"
        );
    }
    println!(
        "{} writes accepted, {refused} refused as stale",
        accepted.len()
    );
    drop(servers);
    if let Some(name) = pg_database {
        let base = url.rsplit_once('/').unwrap().0.to_owned();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(format!("{base}/postgres"))
                .await
                .unwrap();
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        });
    }
}
