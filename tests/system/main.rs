//! The process tests: `sharegraph` run as a real process (the server on a free port, the
//! command line), one test binary, so that the helpers in `process/` are compiled once. The API
//! tests, which need no process, are the other binary (`tests/api/`); `tests/outage.rs`, which
//! stops the PostgreSQL server these tests use, is a binary of its own so that it never runs
//! beside them.
//!
//! `cargo test --test system` runs them; the browser tests are ignored unless asked for
//! (`cargo test --test system browser -- --ignored`, which `.ci/run` does).

#[path = "../common/docs.rs"]
mod docs;
mod process;

mod browser;
mod cli;
mod example;
mod replicas;
mod shutdown;
mod subscriptions;
