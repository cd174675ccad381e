//! End-to-end tests through the real router. One test binary (modules below) keeps link time
//! low. They run on SQLite by default and on PostgreSQL when `DATABASE_URL` points at one;
//! every test gets its own database (SQLite file) or schema (PostgreSQL).

#[path = "../common/docs.rs"]
mod docs;
mod support;

mod access;
mod audit;
mod catalogue;
mod compiled;
mod dcat;
mod demo;
mod events;
mod examples;
mod filters;
mod graphql_http;
mod hardening;
mod inventory;
mod language;
mod lineage;
mod metrics;
mod pages;
mod paging;
mod properties;
mod publication;
mod reach;
mod search;
mod sharing;
mod sharing_graph;
mod statements;
mod upgrade;
mod validation;
mod workflows;
