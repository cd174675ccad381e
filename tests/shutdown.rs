//! Graceful shutdown of the real binary: on SIGTERM the server stops accepting connections,
//! finishes the requests in flight, and exits 0; a request that never finishes is cut off after
//! the grace period.

mod process;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use process::{Server, start};

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
