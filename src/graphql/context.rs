//! What a resolver reads from the request's context, by name and type. The schema holds the
//! database, the limits, the rate limits, the metrics and the change feed; each request adds
//! its caller and its loaders ([`super::request_data`]). Reading them through these methods
//! says which is meant where `ctx.data_unchecked()` would leave the reader to infer the type.

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::connection::ListQueries;
use super::loader::RequestLoader;
use crate::access::Caller;
use crate::access::rate_limit::RateLimits;
use crate::config::Limits;
use crate::domain::events::Feed;
use crate::metrics::Metrics;

pub trait ContextData {
    fn db(&self) -> &DatabaseConnection;
    /// Who is asking: the token's role and organizations, or the public.
    fn caller(&self) -> &Caller;
    fn limits(&self) -> &Limits;
    /// This request's batching loaders.
    fn loaders(&self) -> &RequestLoader;
    /// This operation's list queries, built once per field (none for a subscription).
    fn list_queries(&self) -> Option<&ListQueries>;
    fn rate_limits(&self) -> &RateLimits;
    fn metrics(&self) -> &Metrics;
    fn feed(&self) -> &Arc<Feed>;
}

// Each is put in by the schema's builder or by `request_data` for every request; a missing
// one is a wiring bug that no request can cause, so `data_unchecked` (which panics) is right.
#[allow(clippy::disallowed_methods)]
impl ContextData for Context<'_> {
    fn db(&self) -> &DatabaseConnection {
        self.data_unchecked::<DatabaseConnection>()
    }

    fn caller(&self) -> &Caller {
        self.data_unchecked::<Caller>()
    }

    fn limits(&self) -> &Limits {
        self.data_unchecked::<Arc<Limits>>()
    }

    fn loaders(&self) -> &RequestLoader {
        self.data_unchecked::<RequestLoader>()
    }

    fn list_queries(&self) -> Option<&ListQueries> {
        self.data_opt::<ListQueries>()
    }

    fn rate_limits(&self) -> &RateLimits {
        self.data_unchecked::<Arc<RateLimits>>()
    }

    fn metrics(&self) -> &Metrics {
        self.data_unchecked::<Arc<Metrics>>()
    }

    fn feed(&self) -> &Arc<Feed> {
        self.data_unchecked::<Arc<Feed>>()
    }
}
