//! The memory a request holds while it is answered, beside the size of its answer: the
//! application runs in this process under an allocator that counts the bytes it hands out, and
//! each of the throughput bench's pages (Q1, Q2, Q3, the walk) is answered through the router
//! (token check, GraphQL, the answer's body) as the server answers it over HTTP.
//!
//! Per page it prints the answer's size, then the most live bytes above the resting level while
//! one request is answered (median and largest of `--runs`), and the same per request for
//! rounds of 8 answered at once (the server's default cap on operations executing at once is
//! four per core). Bytes, not RSS: what the allocator keeps after a burst is its own business
//! and varies from run to run by more than a request holds.
//!
//! cargo bench --bench memory [-- --db postgres|sqlite --items N --runs R]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{arg, num_arg, pages};
use tower::ServiceExt;

/// The system allocator, counting the bytes live and the most live since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; only the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a measurement: the peak is the live bytes now.
fn reset() -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    base
}

async fn answer(router: &axum::Router, token: &str, query: &str) -> bytes::Bytes {
    let request = common::graphql_request(token, query);
    let response = router.clone().oneshot(request).await.unwrap();
    assert!(response.status().is_success());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(
        !body.windows(9).any(|w| w == b"\"errors\":"),
        "an answer with errors"
    );
    body
}

fn kib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    let postgres = arg("--db").as_deref() == Some("postgres");
    let items = num_arg("--items", 100_000usize);
    let runs = num_arg("--runs", 20usize).max(1);
    let url = common::kept_catalogue(items, 1, postgres).await;
    let url = if postgres {
        format!("{url}?sslmode=disable")
    } else {
        url
    };
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let token = common::admin_token(&db, "memory").await;
    let cases = pages::cases(&db).await;
    let router = common::in_process(db, &url);

    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}, {items} items; live bytes above the resting level while requests are \
         answered in-process, as a multiple of the answer's size"
    );
    println!(
        "{:<16} {:>10} {:>14} {:>8} {:>14} {:>8} {:>18} {:>8}",
        "query",
        "answer KiB",
        "lone p50 KiB",
        "× answer",
        "lone max KiB",
        "× answer",
        "8 at once KiB/req",
        "× answer"
    );
    for case in &cases {
        for _ in 0..3 {
            answer(&router, &token, &case.query).await;
        }
        let mut lone = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let base = reset();
            let body = answer(&router, &token, &case.query).await;
            lone.push(PEAK.load(Ordering::Relaxed).saturating_sub(base));
            size = body.len();
        }
        lone.sort_unstable();
        let mut together = Vec::with_capacity(runs);
        for _ in 0..runs.div_ceil(4) {
            let base = reset();
            let bodies = futures_util::future::join_all(
                (0..8).map(|_| answer(&router, &token, &case.query)),
            )
            .await;
            together.push(PEAK.load(Ordering::Relaxed).saturating_sub(base) / 8);
            drop(bodies);
        }
        together.sort_unstable();
        let (p50, max, per) = (
            lone[lone.len() / 2],
            lone[lone.len() - 1],
            together[together.len() / 2],
        );
        let times = |bytes: usize| bytes as f64 / size as f64;
        println!(
            "{:<16} {:>10.1} {:>14.1} {:>8.1} {:>14.1} {:>8.1} {:>18.1} {:>8.1}",
            case.name,
            kib(size),
            kib(p50),
            times(p50),
            kib(max),
            times(max),
            kib(per),
            times(per),
        );
    }
}
