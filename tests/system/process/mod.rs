//! What the process-level tests share: `sharegraph serve` started as a real process on a free
//! port, plain HTTP/1.1 exchanges with it, and PostgreSQL databases of their own. The benches
//! start their servers with it too (`benches/common` includes this file).

#![allow(dead_code)]

pub mod ws;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// A running server, killed when dropped (however the test ends).
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `sharegraph serve` on `url` and a free port (rate limits off), with `env` added, and
/// reads the address it prints.
pub fn start(url: &str, env: &[(&str, &str)]) -> Server {
    start_with_args(url, &[], env)
}

/// Like [`start`], with more arguments to `serve` (`--demo`).
pub fn start_with_args(url: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
    let env = [&[("SHAREGRAPH_RATE_LIMIT_PER_MINUTE", "0")], env].concat();
    start_as_shipped(url, args, &env)
}

/// `sharegraph serve` with the server's own defaults (rate limits included) but for `env`.
/// The operating system picks the port, and the server says which: nothing can take it between
/// a test choosing it and the server binding it.
pub fn start_as_shipped(url: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("DATABASE_URL", url)
        .env("SHAREGRAPH_LOG", "error")
        .envs(env.iter().copied())
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
    Server { child, addr }
}

/// Runs a `sharegraph` command on `url`.
pub fn sharegraph(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("SHAREGRAPH_LOG", "error")
        .output()
        .expect("run sharegraph")
}

/// One exchange over its own connection: the status and the body; `None` if the connection
/// failed.
pub fn http(addr: SocketAddr, request: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

/// A GraphQL request as `token`; `None` if the exchange failed.
pub fn post(addr: SocketAddr, token: &str, query: &str, variables: Value) -> Option<Value> {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let (_, body) = http(
        addr,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )?;
    serde_json::from_str(&body).ok()
}

/// The PostgreSQL URL the suite runs against, if it does.
pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A new, empty PostgreSQL database `name` on the server of `url`; returns its URL.
pub async fn fresh_pg_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').unwrap().0;
    let admin = sea_orm::Database::connect(format!("{base}/postgres"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.close().await.ok();
    format!("{base}/{name}")
}

/// Drops a database made by [`fresh_pg_database`].
pub async fn drop_pg_database(url: &str, name: &str) {
    let base = url.rsplit_once('/').unwrap().0;
    if let Ok(admin) = sea_orm::Database::connect(format!("{base}/postgres")).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

/// A database for several processes of one test: a new PostgreSQL database `sg_<name>_<pid>`
/// when the suite runs on PostgreSQL, else a SQLite file in `dir`. Returns its URL and, for
/// PostgreSQL, what [`drop_pg_database`] needs.
pub async fn shared_database(
    dir: &tempfile::TempDir,
    name: &str,
) -> (String, Option<(String, String)>) {
    match postgres_url() {
        Some(pg) => {
            let db = format!("sg_{name}_{}", std::process::id());
            (fresh_pg_database(&pg, &db).await, Some((pg, db)))
        }
        None => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join(format!("{name}.db")).display()
            ),
            None,
        ),
    }
}
