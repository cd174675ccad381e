//! `catalogueEvents` over WebSocket (`graphql-transport-ws`) against real server processes: an
//! event raised by one replica reaches a subscriber connected to another (PostgreSQL
//! LISTEN/NOTIFY when `DATABASE_URL` names one; on SQLite, two processes on one file find
//! each other's writes by polling the audit log), the caller comes from `connection_init`,
//! queries are refused on the socket, and stopping a server closes its sockets with 1001.

use std::net::SocketAddr;
use std::time::Duration;

use crate::process::ws::{connect, metric, receive, registered, send, subscribe};
use crate::process::{drop_pg_database, post, shared_database, sharegraph, start};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn ask(addr: SocketAddr, token: &str, query: &str, variables: Value) -> Value {
    let answer = post(addr, token, query, variables).expect("an answer");
    assert!(answer.get("errors").is_none(), "{answer}");
    answer["data"].clone()
}

fn create_org(addr: SocketAddr, token: &str, code: &str, name: &str) -> String {
    ask(
        addr,
        token,
        "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
        json!({ "input": { "code": code, "name": name, "level": "DISTRICT" } }),
    )["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_from_one_replica_reach_subscribers_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = shared_database(&dir, "events").await;
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let token = |args: &[&str]| {
        let out = sharegraph(&url, args);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let admin = token(&["token", "create", "--role", "admin", "--name", "Quản trị"]);
    // Polling is what carries events between SQLite processes; PostgreSQL replicas are
    // woken by NOTIFY, so a long poll proves the notification did it.
    let poll = if pg.is_some() { "60000" } else { "100" };
    let env = [("SHAREGRAPH_EVENT_POLL_MS", poll)];
    let (writer, reader) = (start(&url, &env), start(&url, &env));
    let phong = create_org(
        writer.addr,
        &admin,
        "H57.01",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
    );
    let steward = token(&[
        "token",
        "create",
        "--role",
        "steward",
        "--org",
        "H57.01",
        "--name",
        "Cán bộ",
    ]);

    // The public, without a token; the steward, by the connection_init payload.
    let mut public = connect(reader.addr, json!({})).await;
    subscribe(&mut public, "1", json!({})).await;
    let mut own = connect(
        reader.addr,
        json!({ "Authorization": format!("Bearer {steward}") }),
    )
    .await;
    subscribe(
        &mut own,
        "2",
        json!({ "where": { "types": ["INFORMATION_SYSTEM"] } }),
    )
    .await;
    // Queries belong on POST /graphql.
    send(
        &mut own,
        json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ viewer { role } }" } }),
    )
    .await;
    let refused = receive(&mut own).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{refused}"
    );
    assert_eq!(
        receive(&mut own).await,
        json!({ "id": "q", "type": "complete" })
    );
    // Both subscriptions are registered once the gauge counts them.
    registered(reader.addr, 2).await;
    assert_eq!(metric(reader.addr, "sharegraph_subscriptions_open"), 2.0);

    // Written through the other replica.
    ask(
        writer.addr,
        &steward,
        "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }",
        json!({ "input": { "organizationId": phong, "code": "HT-DD", "name": "Hệ thống thông tin đất đai" } }),
    );
    let xa = create_org(
        writer.addr,
        &admin,
        "H57.02",
        "Ủy ban nhân dân xã Hương Phú",
    );

    let event = receive(&mut own).await;
    assert_eq!(event["type"], "next", "{event}");
    let e = &event["payload"]["data"]["catalogueEvents"];
    assert_eq!(e["entityType"], "INFORMATION_SYSTEM", "{event}");
    assert_eq!(e["entity"]["name"], "Hệ thống thông tin đất đai");
    assert_eq!(e["organization"]["code"], "H57.01");

    // The public subscriber never hears of the information system: its next event is the
    // organization created after it.
    let event = receive(&mut public).await;
    let e = &event["payload"]["data"]["catalogueEvents"];
    assert_eq!(e["action"], "CREATED", "{event}");
    assert_eq!(e["entityType"], "ORGANIZATION");
    assert_eq!(e["entity"]["name"], "Ủy ban nhân dân xã Hương Phú");
    assert!(!xa.is_empty());

    // Stopping the reader closes its sockets with "going away", within the grace period.
    let pid = reader.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(receive(&mut public).await, json!({ "closed": 1001 }));
    let mut reader = reader;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = reader.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server exits promptly"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success());
    drop(writer);
    if let Some((base, name)) = pg {
        drop_pg_database(&base, &name).await;
    }
}

/// A token revoked from the command line reaches the sockets it opened: they are closed with
/// 4401 (graphql-transport-ws's "unauthorized") within the revocation check's period.
#[tokio::test(flavor = "multi_thread")]
async fn revoking_a_token_closes_its_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = shared_database(&dir, "revoked_socket").await;
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let out = sharegraph(
        &url,
        &["token", "create", "--role", "admin", "--name", "Quản trị"],
    );
    let admin = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let server = start(&url, &[]);
    let mut socket = connect(
        server.addr,
        json!({ "Authorization": format!("Bearer {admin}") }),
    )
    .await;
    subscribe(&mut socket, "1", json!({})).await;
    let mut anonymous = connect(server.addr, json!({})).await;
    subscribe(&mut anonymous, "1", json!({})).await;
    // Both registered before the write below, or it may come first.
    registered(server.addr, 2).await;
    // The token works, and the socket is live.
    create_org(
        server.addr,
        &admin,
        "000.21.39.H57",
        "Ủy ban nhân dân xã Hương Sơn",
    );
    assert_eq!(receive(&mut socket).await["type"], "next");
    assert!(sharegraph(&url, &["token", "revoke", "1"]).status.success());
    // The next thing the socket hears is its close frame.
    let closed = loop {
        let m = receive(&mut socket).await;
        if m.get("closed").is_some() {
            break m;
        }
    };
    assert_eq!(closed["closed"], 4401);
    // A socket read as the public is not touched.
    assert_eq!(receive(&mut anonymous).await["type"], "next");
    drop(server);
    if let Some((pg, name)) = pg {
        drop_pg_database(&pg, &name).await;
    }
}

/// A flood is capped: a socket holds at most SHAREGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET
/// subscriptions (the next is refused with LIMIT_EXCEEDED, the others go on), and a client at
/// most SHAREGRAPH_MAX_SOCKETS_PER_CLIENT sockets (the next upgrade is answered 429); a place
/// comes back when a subscription or socket ends. A socket that keeps sending subscribe
/// messages is closed.
#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_and_sockets_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = shared_database(&dir, "sub_flood").await;
    assert!(sharegraph(&url, &["migrate"]).status.success());
    let out = sharegraph(
        &url,
        &["token", "create", "--role", "admin", "--name", "Quản trị"],
    );
    let admin = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let server = start(
        &url,
        &[
            ("SHAREGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET", "2"),
            ("SHAREGRAPH_MAX_SOCKETS_PER_CLIENT", "2"),
        ],
    );
    let mut first = connect(server.addr, json!({})).await;
    subscribe(&mut first, "1", json!({})).await;
    subscribe(&mut first, "2", json!({})).await;
    subscribe(&mut first, "3", json!({})).await;
    // Subscriptions start concurrently: one of the three is refused, whichever came last.
    let refused = receive(&mut first).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{refused}"
    );
    let ended = receive(&mut first).await;
    assert_eq!(
        (&ended["id"], &ended["type"]),
        (&refused["id"], &json!("complete"))
    );
    let mut live: Vec<String> = ["1", "2", "3"]
        .iter()
        .filter(|id| refused["id"] != **id)
        .map(|id| id.to_string())
        .collect();
    // The two others still hear events (once registered: a subscription begins after what is
    // committed when it registers).
    registered(server.addr, 2).await;
    create_org(
        server.addr,
        &admin,
        "000.21.39.H57",
        "Ủy ban nhân dân xã Hương Sơn",
    );
    let mut ids = vec![
        receive(&mut first).await["id"].as_str().unwrap().to_owned(),
        receive(&mut first).await["id"].as_str().unwrap().to_owned(),
    ];
    ids.sort();
    assert_eq!(ids, live);
    let end = live.remove(0);
    // Ending one frees its place.
    send(&mut first, json!({ "id": end, "type": "complete" })).await;
    let mut freed = false;
    for attempt in 0..50 {
        subscribe(&mut first, &format!("r{attempt}"), json!({})).await;
        // Two open when it was accepted (else its refusal is on the way).
        registered(server.addr, 2).await;
        create_org(
            server.addr,
            &admin,
            &format!("000.{:02}.40.H57", attempt),
            "Ủy ban nhân dân xã Hương Lộc",
        );
        // Either the new subscription's event or its refusal, plus subscription 2's event.
        let mut got = Vec::new();
        while got.len() < 2 {
            let m = receive(&mut first).await;
            if m["type"] != "complete" {
                got.push(m);
            }
        }
        let id = format!("r{attempt}");
        if got
            .iter()
            .any(|m| m["id"] == id && m["payload"]["errors"].is_null())
        {
            freed = true;
            break;
        }
    }
    assert!(freed);

    // A socket that keeps asking past its cap is flooding: past 100 subscribe messages in a
    // minute it is closed with 4429 (the refusals above were each answered on their own).
    let mut second = connect(server.addr, json!({})).await;
    for i in 0..150 {
        let message = json!({ "id": format!("f{i}"), "type": "subscribe", "payload": {
            "query": "subscription { catalogueEvents { seq } }" } });
        if second
            .send(Message::Text(message.to_string().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    let closed = loop {
        let m = receive(&mut second).await;
        if m.get("closed").is_some() {
            break m;
        }
    };
    assert_eq!(closed["closed"], 4429, "{closed}");

    let _second = connect(server.addr, json!({})).await;
    let mut request = format!("ws://{}/graphql/ws", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 429)
        }
        other => panic!("a third socket was let in: {other:?}"),
    }
    drop(server);
    if let Some((pg, name)) = pg {
        drop_pg_database(&pg, &name).await;
    }
}
