//! sharegraph: a GraphQL catalogue of who shares what data with whom, for the state agencies
//! bound by Decree 47/2020/ND-CP.
//!
//! Layers, outermost first: [`http`] (axum router, GraphQL-over-HTTP) and [`web`] (pages for
//! browsers, read through the GraphQL engine), [`graphql`] (schema,
//! resolvers, loaders), [`domain`] (catalogue rules and writes), [`store`] (connections,
//! paging), with `entity` and `migration` as sibling crates.

// The merged root types (one part per domain type) nest deeper than the default 128 when
// the compiler lays out their resolvers.
#![recursion_limit = "256"]

pub mod access;
pub mod app;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod metrics;
pub mod seed;
pub mod store;
pub mod telemetry;
pub mod web;
