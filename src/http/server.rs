//! The accept loop: HTTP/1.1 connections with a deadline for their request headers (idle and
//! header-less connections are closed instead of held forever), a cap on open connections
//! (beyond it a connection is answered 503 at once and closed, so the server keeps accepting
//! and answering near its descriptor limit), WebSocket upgrades, and a graceful stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// Bounds on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time a client has to send a request's headers, counted from when the server starts
    /// waiting for them: also how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// Connections open at once (WebSockets included).
    pub max_connections: usize,
}

/// What a connection over the cap is answered.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 103\r\n\r\n{\"errors\":[{\"message\":\"too many open connections; retry shortly\",\"extensions\":{\"code\":\"UNAVAILABLE\"}}]}";

/// Serves `router` on `listener` until `stop` resolves; then stops accepting, asks every
/// connection to finish its request in flight and close, and returns once all have.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) {
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let (closing, closed) = watch::channel(false);
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(err) => {
                    // Out of descriptors (or another passing failure): wait a moment and go on
                    // accepting, rather than spinning or giving up.
                    tracing::warn!(error = %err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        match places.clone().try_acquire_owned() {
            Ok(place) => {
                let router = router.clone();
                let closed = closed.clone();
                tokio::spawn(async move {
                    connection(stream, addr, router, limits, closed).await;
                    drop(place);
                });
            }
            Err(_) => {
                tokio::spawn(refuse(stream));
            }
        }
    }
    // No new connections while the open ones finish.
    drop(listener);
    let _ = closing.send(true);
    // Every place back: every connection has closed.
    let _ = places.acquire_many(limits.max_connections as u32).await;
}

async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
    let _ = stream.shutdown().await;
}

async fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut closed: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut request = request.map(Body::new);
            // The peer address keys anonymous callers' rate budgets.
            request.extensions_mut().insert(ConnectInfo(addr));
            let mut router = router.clone();
            async move { tower::Service::call(&mut router, request).await }
        });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let conn = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    let mut conn = std::pin::pin!(conn);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            changed = closed.changed() => {
                if changed.is_err() || *closed.borrow() {
                    conn.as_mut().graceful_shutdown();
                    // Wait for the request in flight; the caller's grace period bounds it.
                    if let Err(err) = conn.as_mut().await {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                    return;
                }
            }
        }
    }
}
