//! The real binary's connections and its shutdown: idle and header-less connections are
//! closed after the header deadline, connections over the cap are answered 503 while the
//! server keeps serving; on SIGTERM the server stops accepting connections, finishes the
//! requests in flight, and exits 0; a request that never finishes is cut off after the grace
//! period.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::process::{Server, start};

/// A server with the given grace period, on a SQLite file in `dir`.
fn serve(dir: &tempfile::TempDir, grace_secs: u64) -> Server {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("sg.db").display());
    start(
        &url,
        &[("SHAREGRAPH_SHUTDOWN_GRACE_SECS", &grace_secs.to_string())],
    )
}

fn sigterm(server: &Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(server: &mut Server, within: Duration) -> ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not exit in {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens a request whose body is only half sent: the server has it in flight.
fn half_sent(addr: SocketAddr, body: &str) -> (TcpStream, &str) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    (stream, rest)
}

#[test]
fn sigterm_finishes_requests_in_flight_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(&dir, 30);
    let body = r#"{"query":"{ organizations { totalCount } }"}"#;
    let (mut stream, rest) = half_sent(server.addr, body);
    std::thread::sleep(Duration::from_millis(300));
    sigterm(&server);
    std::thread::sleep(Duration::from_millis(300));

    // No new connections once stopping.
    assert!(
        TcpStream::connect_timeout(&server.addr, Duration::from_secs(1)).is_err(),
        "the listener is closed"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "still finishing"
    );

    // The request in flight completes.
    stream.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    let mut buf = [0u8; 4096];
    while !answer.contains("totalCount") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed before the answer: {answer}");
        answer.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""totalCount":0"#), "{answer}");
    drop(stream);

    let status = wait_exit(&mut server, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_request_that_never_finishes_is_cut_off_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(&dir, 1);
    let (_stream, _) = half_sent(
        server.addr,
        r#"{"query":"{ organizations { totalCount } }"}"#,
    );
    std::thread::sleep(Duration::from_millis(300));
    let stopped = Instant::now();
    sigterm(&server);
    let status = wait_exit(&mut server, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    let took = stopped.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "exited after {took:?}, before the grace period"
    );
}

/// Reads until the server closes the connection; what it sent. Fails if it is still open
/// after `within` (the header deadline is far shorter).
fn read_until_closed(stream: &mut TcpStream, within: Duration) -> String {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => String::from_utf8_lossy(&got).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
            String::from_utf8_lossy(&got).into_owned()
        }
        Err(e) => panic!("the server kept the connection open: {e}"),
    }
}

#[test]
fn idle_slow_and_surplus_connections_do_not_hold_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("sg.db").display());
    let server = start(&url, &[("SHAREGRAPH_HEADER_READ_TIMEOUT_SECS", "1")]);
    // Nothing sent; half a header; a finished request kept alive: each is closed.
    let mut silent = TcpStream::connect(server.addr).unwrap();
    let mut slow = TcpStream::connect(server.addr).unwrap();
    write!(slow, "GET /healthz HTTP/1.1\r\nHost: loc").unwrap();
    let mut idle = TcpStream::connect(server.addr).unwrap();
    write!(idle, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    assert_eq!(read_until_closed(&mut silent, Duration::from_secs(20)), "");
    read_until_closed(&mut slow, Duration::from_secs(20));
    let answered = read_until_closed(&mut idle, Duration::from_secs(20));
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    drop(server);

    // Over the cap: answered 503 at once, while the connections within it are served.
    let server = start(&url, &[("SHAREGRAPH_MAX_CONNECTIONS", "2")]);
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut surplus = TcpStream::connect(server.addr).unwrap();
    let refused = read_until_closed(&mut surplus, Duration::from_secs(20));
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("UNAVAILABLE"), "{refused}");
    let mut first = held.into_iter().next().unwrap();
    write!(
        first,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let answered = read_until_closed(&mut first, Duration::from_secs(20));
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
}
