//! Prometheus metrics, held in one registry the server owns (no global recorder): GraphQL
//! requests by operation and outcome, their latency, errors by code, walks cut short, open
//! subscriptions, and the database pool, read at scrape time.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::DatabaseConnection;

/// Most distinct operation names kept as labels; later ones count as `other`, so that clients
/// cannot grow the metrics without bound by naming operations.
const MAX_OPERATIONS: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

type HistogramFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    errors: Family<CodeLabels, Counter>,
    walk_truncations: Counter,
    pool: Family<PoolLabels, Gauge>,
    subscriptions: Gauge,
    operations: Mutex<HashSet<String>>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("sharegraph");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL operations by operation name and outcome (ok, error, timeout)",
            requests.clone(),
        );
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation name",
            latency.clone(),
        );
        let errors = Family::<CodeLabels, Counter>::default();
        registry.register(
            "graphql_errors",
            "GraphQL errors by extensions.code",
            errors.clone(),
        );
        let walk_truncations = Counter::default();
        registry.register(
            "walk_truncations",
            "Lineage and sharing-graph walks cut short by their depth or node budget",
            walk_truncations.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections by state (idle, in_use), and its maximum (max)",
            pool.clone(),
        );
        let subscriptions = Gauge::default();
        registry.register(
            "subscriptions_open",
            "GraphQL subscriptions open now (catalogueEvents over /graphql/ws)",
            subscriptions.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            errors,
            walk_truncations,
            pool,
            subscriptions,
            operations: Mutex::new(HashSet::new()),
        }
    }
}

impl Metrics {
    /// The label for a client's operation name: `anonymous` without one, `other` beyond the
    /// first [`MAX_OPERATIONS`] names or for names that are not GraphQL names.
    fn operation(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".into();
        };
        let valid = name.len() <= 64
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return "other".into();
        }
        let mut known = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if known.contains(name) || known.len() < MAX_OPERATIONS {
            known.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// Counts one answered operation with the codes of its errors.
    pub fn request(&self, name: Option<&str>, took: Duration, codes: &[String], timed_out: bool) {
        let operation = self.operation(name);
        let outcome = match (timed_out, codes.is_empty()) {
            (true, _) => "timeout",
            (false, true) => "ok",
            (false, false) => "error",
        };
        self.requests
            .get_or_create(&RequestLabels {
                operation: operation.clone(),
                outcome: outcome.into(),
            })
            .inc();
        self.latency
            .get_or_create(&OperationLabels { operation })
            .observe(took.as_secs_f64());
        for code in codes {
            self.errors
                .get_or_create(&CodeLabels { code: code.clone() })
                .inc();
        }
    }

    /// Counts a subscription as open until the returned guard is dropped.
    pub fn subscription_opened(&self) -> OpenSubscription {
        self.subscriptions.inc();
        OpenSubscription(self.subscriptions.clone())
    }

    pub fn walk_truncated(&self) {
        self.walk_truncations.inc();
    }

    /// The metrics in the Prometheus text format, with the pool read now.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        let (size, idle, max) = pool_state(db);
        for (state, value) in [("in_use", size - idle), ("idle", idle), ("max", max)] {
            self.pool
                .get_or_create(&PoolLabels {
                    state: state.into(),
                })
                .set(value);
        }
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(error = %err, "could not encode metrics");
        }
        text
    }
}

/// An open subscription, counted until dropped (however its stream ends).
pub struct OpenSubscription(Gauge);

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Open connections, idle ones, and the pool's maximum.
fn pool_state(db: &DatabaseConnection) -> (i64, i64, i64) {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (
                i64::from(p.size()),
                p.num_idle() as i64,
                i64::from(p.options().get_max_connections()),
            )
        }
        _ => {
            let p = db.get_sqlite_connection_pool();
            (
                i64::from(p.size()),
                p.num_idle() as i64,
                i64::from(p.options().get_max_connections()),
            )
        }
    }
}
