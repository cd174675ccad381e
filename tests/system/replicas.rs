//! Two server processes on one database (PostgreSQL when `DATABASE_URL` names one, else one
//! SQLite file) and concurrent read-modify-write clients on the same rows: every accepted write
//! is in the final state, every refused one was stale, and the final state is exactly the
//! accepted history. No lost updates across replicas.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crate::process::{drop_pg_database, post, shared_database, sharegraph, start};

use serde_json::{Value, json};

const ROWS: usize = 3;
const CLIENTS_PER_SERVER: usize = 4;
const ROUNDS: usize = 15;

/// A GraphQL request that must get an answer.
fn ask(addr: SocketAddr, token: &str, query: &str, variables: Value) -> Value {
    post(addr, token, query, variables).expect("an answer")
}

#[derive(Debug, Clone)]
struct Accepted {
    row: usize,
    mark: String,
    /// The version this write produced.
    version: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writers_on_two_replicas_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_database) = shared_database(&dir, "replicas").await;
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let out = sharegraph(
        &url,
        &["token", "create", "--role", "admin", "--name", "Tải thử"],
    );
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let servers = [start(&url, &[]), start(&url, &[])];

    let rows: Vec<String> = (0..ROWS)
        .map(|r| {
            let data = ask(
                servers[r % 2].addr,
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
    let first = ask(
        servers[0].addr,
        &token,
        update,
        json!({ "input": { "id": rows[0], "expectedVersion": 1, "phone": "0234 3886 001" } }),
    );
    assert_eq!(
        first["data"]["updateOrganization"]["organization"]["version"], 2,
        "{first}"
    );
    let stale = ask(
        servers[1].addr,
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
            let (addr, token, rows) = (servers[c % 2].addr, token.clone(), rows.clone());
            let (accepted, refused) = (accepted.clone(), refused.clone());
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    let row = (c + round) % ROWS;
                    let read = ask(addr, &token, "query($id: ID!) { node(id: $id) { ... on Organization { version description } } }", json!({ "id": rows[row] }));
                    let version = read["data"]["node"]["version"].as_i64().unwrap();
                    let before = read["data"]["node"]["description"].as_str().unwrap_or("").to_owned();
                    let mark = format!("c{c}r{round}");
                    let write = ask(
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
        let now = ask(
            servers[r % 2].addr,
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
    if let Some((pg, name)) = pg_database {
        drop_pg_database(&pg, &name).await;
    }
}

/// Replicas started together on a fresh PostgreSQL database take turns migrating (an advisory
/// lock): one applies the migrations, the others wait and find nothing pending, and all exit 0.
/// A server told not to migrate (`--no-migrate`, `SHAREGRAPH_MIGRATE=false`) refuses to start
/// while migrations are pending, and starts once they are applied. (SQLite serves one process:
/// there the concurrent start is not a deployment anyone makes.)
#[tokio::test(flavor = "multi_thread")]
async fn replicas_started_together_take_turns_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_database) = shared_database(&dir, "migrate_race").await;

    for args in [&["serve", "--no-migrate"][..], &["serve"][..]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sharegraph"))
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", &url)
            .env("SHAREGRAPH_LOG", "error")
            .env("SHAREGRAPH_MIGRATE", "false")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("sharegraph migrate"), "{stderr}");
    }

    if pg_database.is_some() {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_sharegraph"))
                    .arg("migrate")
                    .env("DATABASE_URL", &url)
                    .env("SHAREGRAPH_LOG", "error")
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let out = run.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    } else {
        assert!(sharegraph(&url, &["migrate"]).status.success());
    }
    // Migrated: a server that does not migrate now starts and answers.
    let server = start(&url, &[("SHAREGRAPH_MIGRATE", "false")]);
    let (status, body) = crate::process::http(
        server.addr,
        "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!((status, body.as_str()), (200, "ready"));
    drop(server);
    if let Some((pg, name)) = pg_database {
        drop_pg_database(&pg, &name).await;
    }
}

/// Revocation is immediate on every replica: a token already used on both servers (so a
/// per-process memory of it would answer) is revoked from the command line, and the very next
/// request to either server is refused with 401.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_revoked_from_the_command_line_is_refused_by_every_replica() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_database) = shared_database(&dir, "revoked_replicas").await;
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let out = sharegraph(
        &url,
        &[
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "Quản trị huyện Nam Đông",
        ],
    );
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let servers = [start(&url, &[]), start(&url, &[])];
    let status = |addr: SocketAddr| {
        let body = json!({ "query": "{ organizations(first: 1) { totalCount } }" }).to_string();
        crate::process::http(
            addr,
            &format!(
                "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
        .expect("an answer")
    };
    for server in &servers {
        for _ in 0..3 {
            let (code, body) = status(server.addr);
            assert_eq!(code, 200, "{body}");
            assert!(body.contains("totalCount"), "{body}");
        }
    }
    let out = sharegraph(&url, &["token", "revoke", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for server in &servers {
        let (code, body) = status(server.addr);
        assert_eq!(code, 401, "{body}");
        assert!(body.contains("UNAUTHENTICATED"), "{body}");
    }
    drop(servers);
    if let Some((pg, name)) = pg_database {
        drop_pg_database(&pg, &name).await;
    }
}
