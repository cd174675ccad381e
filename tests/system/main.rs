//! The process tests: `sharegraph` run as a real process (the server on a free port, the
//! command line), one test binary, so that the helpers in `process/` are compiled once. The API
//! tests, which need no process, are the other binary (`tests/api/`).
//!
//! `cargo test --test system` runs them; the browser tests are ignored unless asked for
//! (`cargo test --test system browser -- --ignored`, which `.ci/run` does).

mod process;

mod browser;
mod cli;
mod example;
mod outage;
mod replicas;
mod shutdown;
mod subscriptions;
