//! Configuration: one struct, filled from command-line flags and environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::access::PublicShares;

/// sharegraph: a GraphQL catalogue of who shares what data with whom (Decree 47/2020/ND-CP).
///
/// Without a command it serves (as `serve`); each command shows its own flags (`sharegraph
/// serve --help` lists the server's).
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    /// The server's flags, when no command is given.
    #[command(flatten)]
    pub serve: Serve,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The configuration and the command to run (`serve` when none is given). The server's
    /// settings come from `serve`'s flags, or for other commands from the environment.
    pub fn into_parts(self) -> (Config, Command) {
        let Cli {
            common,
            serve,
            command,
        } = self;
        let (serve, command) = match command {
            Some(Command::Serve(serve)) => (serve.clone(), Command::Serve(serve)),
            Some(other) => (serve, other),
            None => (serve.clone(), Command::Serve(serve)),
        };
        let config = Config {
            database_url: common.database_url,
            db_max_connections: common.db_max_connections,
            log: common.log,
            log_format: common.log_format,
            verbose: common.verbose,
            listen: serve.listen,
            migrate: serve.migrate,
            no_migrate: serve.no_migrate,
            limits: serve.limits,
        };
        (config, command)
    }
}

// One command per process: the size of the server's variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (the default).
    Serve(Serve),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
    /// Copy the SQLite database, consistently, while the server may be running (restore by
    /// putting the copy in place of the file with the server stopped). For PostgreSQL use
    /// pg_dump.
    Backup {
        /// The new file to write.
        file: std::path::PathBuf,
    },
    /// Load a catalogue inventory (CSV or XLSX, one row per data item) all or nothing: on any
    /// bad row, print every bad row with its line, column and reason, and change nothing.
    Import {
        /// The file; its extension (.csv, .xlsx) gives its format.
        file: std::path::PathBuf,
        /// Check everything and print what would be created, updated (with the changed
        /// columns) and left unchanged, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the catalogue inventory in the shape `import` reads (CSV or XLSX by extension).
    Export {
        /// The file to write (refused if it exists).
        file: std::path::PathBuf,
        /// Only this organization's databases (its code).
        #[arg(long)]
        org: Option<String>,
        /// The language of the column headings and values, `vi` or `en` (import reads both).
        #[arg(long, value_enum, default_value_t = crate::i18n::Lang::Vi, hide_possible_values = true)]
        lang: crate::i18n::Lang,
    },
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Fill an empty database with a synthetic national-scale catalogue (for benchmarks).
    Generate {
        /// About how many data items to create.
        #[arg(long, default_value_t = 100_000)]
        items: usize,
        /// Seed: the same seed gives the same catalogue.
        #[arg(long, default_value_t = 47)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (once: only its hash is kept).
    Create {
        /// Code of the organization the token acts for (optional for admins).
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Who holds it, e.g. "Nguyễn Văn A, Phòng TN&MT".
        #[arg(long)]
        name: String,
        /// Act for the organization and every organization below it (a district's viewer
        /// reads every department and commune; a subtree steward writes them).
        #[arg(long, requires = "org")]
        subtree: bool,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by its number (see `token list`).
    Revoke { id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    Steward,
    Viewer,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exits 1 and names the first broken entry if it is broken.
    Verify,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://sharegraph.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Most pooled database connections.
    #[arg(
        long,
        env = "SHAREGRAPH_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,
    /// Log filter, in `tracing` env-filter syntax (e.g. `info`, `sharegraph=debug`).
    #[arg(long, env = "SHAREGRAPH_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log line format.
    #[arg(long, env = "SHAREGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log at `--log` for commands other than `serve` too (they log only warnings otherwise).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// The server's flags.
#[derive(Debug, Clone, Args)]
pub struct Serve {
    /// Load the demo catalogue of Nam Đông district (skipped when already loaded).
    #[arg(long)]
    pub demo: bool,
    /// Address to listen on.
    #[arg(long, env = "SHAREGRAPH_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// Apply pending migrations when the server starts. `false` (or `--no-migrate`) for
    /// deployments that migrate in a separate step (`sharegraph migrate`); the server then
    /// refuses to start while any migration is pending.
    #[arg(
        long,
        env = "SHAREGRAPH_MIGRATE",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub migrate: bool,
    /// Do not apply migrations at start (the same as `--migrate false`).
    #[arg(long)]
    pub no_migrate: bool,
    #[command(flatten)]
    pub limits: Limits,
}

/// The whole configuration: the common flags, and the server's (from `serve`'s flags, or
/// for the other commands from the environment and the defaults).
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db_max_connections: u32,
    pub listen: SocketAddr,
    pub log: String,
    pub log_format: LogFormat,
    pub verbose: bool,
    pub migrate: bool,
    pub no_migrate: bool,
    pub limits: Limits,
}

/// Limits that keep one request from taking the server down.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Deepest selection nesting a query may have.
    #[arg(long, env = "SHAREGRAPH_MAX_DEPTH", default_value_t = 16)]
    pub max_depth: usize,
    /// Highest query complexity (a list field costs its page size times its selection).
    #[arg(long, env = "SHAREGRAPH_MAX_COMPLEXITY", default_value_t = 2_000_000)]
    pub max_complexity: usize,
    /// Most aliases in one query (async-graphql's complexity does not count `__typename`).
    #[arg(long, env = "SHAREGRAPH_MAX_ALIASES", default_value_t = 100)]
    pub max_aliases: usize,
    /// Most root fields in one operation.
    #[arg(long, env = "SHAREGRAPH_MAX_ROOT_FIELDS", default_value_t = 32)]
    pub max_root_fields: usize,
    /// Longest query text, in bytes.
    #[arg(long, env = "SHAREGRAPH_MAX_QUERY_BYTES", default_value_t = 100_000)]
    pub max_query_bytes: usize,
    /// Largest page (`first`/`last`) a list returns.
    #[arg(long, env = "SHAREGRAPH_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u64,
    /// Page size when a client passes neither `first` nor `last`.
    #[arg(long, env = "SHAREGRAPH_DEFAULT_PAGE_SIZE", default_value_t = 20)]
    pub default_page_size: u64,
    /// Most data rows an imported inventory file may have (API and command line); a larger
    /// file is refused with `LIMIT_EXCEEDED` while it is read, before its rows are checked.
    #[arg(long, env = "SHAREGRAPH_IMPORT_MAX_ROWS", default_value_t = 100_000)]
    pub import_max_rows: usize,
    /// Largest request body, in bytes, of a request without a token (GraphQL over HTTP).
    #[arg(
        long,
        env = "SHAREGRAPH_ANONYMOUS_MAX_BODY_BYTES",
        default_value_t = 256 << 10
    )]
    pub anonymous_max_body_bytes: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "SHAREGRAPH_MAX_BODY_BYTES", default_value_t = 4 << 20)]
    pub max_body_bytes: usize,
    /// Most operations in one array-batched request.
    #[arg(long, env = "SHAREGRAPH_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Hops a lineage walk takes when the client names no depth.
    #[arg(long, env = "SHAREGRAPH_WALK_DEFAULT_DEPTH", default_value_t = 3)]
    pub walk_default_depth: u32,
    /// Most hops a client may ask a lineage or sharing-graph walk for.
    #[arg(long, env = "SHAREGRAPH_WALK_MAX_DEPTH", default_value_t = 20)]
    pub walk_max_depth: u32,
    /// Node budget of a walk: rows it may visit before it stops and reports `truncated`
    /// (also the most a client may ask for with `maxNodes`).
    #[arg(long, env = "SHAREGRAPH_WALK_MAX_NODES", default_value_t = 10_000)]
    pub walk_max_nodes: u32,
    /// Nodes the walks of one HTTP request may visit in all, across aliases and the operations
    /// of a batch: each walk reserves its node budget (`maxNodes`) from it before it runs.
    #[arg(long, env = "SHAREGRAPH_WALK_BUDGET", default_value_t = 50_000)]
    pub walk_budget: u64,
    /// Most edges a sharing graph returns (the heaviest first); also its default.
    #[arg(long, env = "SHAREGRAPH_WALK_MAX_EDGES", default_value_t = 2_000)]
    pub walk_max_edges: usize,
    /// Seconds a request may run before it is answered with a timeout.
    #[arg(long, env = "SHAREGRAPH_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Seconds a client has to send a request's headers once the server waits for them; also
    /// how long an idle keep-alive connection stays open.
    #[arg(
        long,
        env = "SHAREGRAPH_HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_read_timeout_secs: u64,
    /// GraphQL operations (queries and mutations) executing at once; more wait their turn, in
    /// order, within the request timeout. 0: four per CPU core. Each operation holds its
    /// answer in memory until it is sent, so this bounds the server's memory under load.
    #[arg(
        long,
        env = "SHAREGRAPH_MAX_CONCURRENT_OPERATIONS",
        default_value_t = 0
    )]
    pub max_concurrent_operations: usize,
    /// Answer a top-level list whose selection is plain fields, nested lists and to-one
    /// relations of the catalogue's core types in one statement that builds the JSON answer
    /// (docs/performance.md). `false` resolves every field by the batching loaders.
    #[arg(
        long,
        env = "SHAREGRAPH_COMPILED_READS",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub compiled_reads: bool,
    /// Connections open at once (WebSockets included); beyond it a connection is answered 503
    /// and closed. Keep it below the process's descriptor limit (`ulimit -n`).
    #[arg(long, env = "SHAREGRAPH_MAX_CONNECTIONS", default_value_t = 1000)]
    pub max_connections: usize,
    /// Seconds in-flight requests get to finish after SIGTERM before the server exits anyway.
    #[arg(long, env = "SHAREGRAPH_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    /// Requests per minute one token may make (0: unlimited).
    #[arg(long, env = "SHAREGRAPH_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_per_minute: u32,
    /// Requests per minute one client address may make without a token (0: unlimited).
    #[arg(
        long,
        env = "SHAREGRAPH_ANONYMOUS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 120
    )]
    pub anonymous_rate_limit_per_minute: u32,
    /// Pieces of feedback and votes one client (token or address) may send per hour (0:
    /// unlimited); on top of the request rate limit, since each one is a write.
    #[arg(long, env = "SHAREGRAPH_FEEDBACK_PER_HOUR", default_value_t = 20)]
    pub feedback_per_hour: u32,
    /// Usage records (`recordAccessEvents`) one token may append per minute (0: unlimited);
    /// on top of the request rate limit, since one request may carry a whole batch.
    #[arg(
        long,
        env = "SHAREGRAPH_USAGE_EVENTS_PER_MINUTE",
        default_value_t = 60_000
    )]
    pub usage_events_per_minute: u32,
    /// Matches of each type a search ranks: the first ones in the order shortest names first
    /// (which relevance favours anyway); a search with more reports `truncated`. Bounds a broad
    /// search's work (a topic word can be in tens of thousands of names).
    #[arg(long, env = "SHAREGRAPH_SEARCH_RANKED", default_value_t = 1000)]
    pub search_ranked: u64,
    /// Months between a catalogue release (or review) and its next periodic review.
    #[arg(long, env = "SHAREGRAPH_REVIEW_CADENCE_MONTHS", default_value_t = 12)]
    pub review_cadence_months: u32,
    /// Milliseconds between two reads of the audit log by the event feed when nothing woke it
    /// sooner: the delay before subscribers hear of writes made by another process on the
    /// same SQLite file (PostgreSQL replicas are woken at once by NOTIFY).
    #[arg(long, env = "SHAREGRAPH_EVENT_POLL_MS", default_value_t = 1000)]
    pub event_poll_ms: u64,
    /// Events a subscriber may fall behind before its subscription ends with `LAGGED` (the
    /// feed keeps no more than this many for slow subscribers).
    #[arg(long, env = "SHAREGRAPH_EVENT_BUFFER", default_value_t = 1024)]
    pub event_buffer: usize,
    /// Subscriptions one WebSocket may hold at once.
    #[arg(
        long,
        env = "SHAREGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 100
    )]
    pub max_subscriptions_per_socket: usize,
    /// WebSockets one client (a token, or an address without one) may hold open at once.
    #[arg(long, env = "SHAREGRAPH_MAX_SOCKETS_PER_CLIENT", default_value_t = 20)]
    pub max_sockets_per_client: usize,
    /// The server's public address, the base of the DCAT export's IRIs (e.g.
    /// `https://dulieu.namdong.gov.vn`); without it, the request's `Host` over http.
    #[arg(long, env = "SHAREGRAPH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The catalogue's title in the DCAT export.
    #[arg(
        long,
        env = "SHAREGRAPH_CATALOG_TITLE",
        default_value = "Danh mục dữ liệu chia sẻ"
    )]
    pub catalog_title: String,
    /// Who publishes the catalogue, in the DCAT export (the agency running the server).
    #[arg(
        long,
        env = "SHAREGRAPH_CATALOG_PUBLISHER",
        default_value = "Cơ quan quản lý danh mục dữ liệu"
    )]
    pub catalog_publisher: String,
    /// Take an anonymous client's address from the last `X-Forwarded-For` entry (set this
    /// only behind a proxy that appends it; otherwise clients could pick their own address).
    #[arg(long, env = "SHAREGRAPH_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// What the public sees of the sharing graph: `shares` (the shares of published items and
    /// every walk over them), `organizations` (only organization-to-organization edges with
    /// counts per mode) or `none` (shares stay with their parties).
    #[arg(
        long,
        env = "SHAREGRAPH_PUBLIC_SHARES",
        value_enum,
        default_value_t = PublicShares::Shares
    )]
    pub public_shares: PublicShares,
    /// Origins whose pages may call the API from a browser, comma-separated (e.g.
    /// `https://portal.example.vn,https://dashboard.example.vn`); `*` (the default) allows
    /// any origin, which is safe because tokens travel in a header, never in cookies.
    #[arg(long, env = "SHAREGRAPH_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,
    /// Sites whose pages may embed the explorer (`/explore?embed=1`) in an `<iframe>`,
    /// comma-separated origins (e.g. `https://congdulieu.thuathienhue.gov.vn`); sharegraph's own
    /// pages always may. No other page (GraphiQL included) may be framed.
    #[arg(
        long,
        env = "SHAREGRAPH_FRAME_ANCESTORS",
        default_value = "",
        value_parser = frame_ancestors
    )]
    pub frame_ancestors: String,
    /// Seconds shared caches and browsers may keep a public answer (GET /graphql without a
    /// token, DCAT pages) before revalidating it with its ETag.
    #[arg(long, env = "SHAREGRAPH_CACHE_MAX_AGE_SECS", default_value_t = 60)]
    pub cache_max_age_secs: u64,
    /// Answer introspection queries and suggest field names in errors. `false` in production
    /// deployments that publish their schema otherwise; GraphiQL then says so.
    #[arg(
        long,
        env = "SHAREGRAPH_INTROSPECTION",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub introspection: bool,
    /// The language of messages for clients whose `Accept-Language` names neither Vietnamese
    /// nor English: `en` or `vi`.
    #[arg(
        long,
        env = "SHAREGRAPH_LANG",
        value_enum,
        default_value = "en",
        hide_possible_values = true
    )]
    pub lang: crate::i18n::Lang,
    /// Queries the automatic persisted query cache keeps (by hash), per process.
    #[arg(long, env = "SHAREGRAPH_PERSISTED_QUERIES", default_value_t = 1000)]
    pub persisted_queries: usize,
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// How many operations may execute at once: `max_concurrent_operations`, or four per CPU
    /// core when it is 0.
    pub fn concurrent_operations(&self) -> usize {
        match self.max_concurrent_operations {
            0 => 4 * std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::parse_defaults()
    }
}

impl Limits {
    /// The limits with every flag at its default, ignoring the environment of the process
    /// only in the sense that no flags are given (env vars still apply).
    fn parse_defaults() -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            limits: Limits,
        }
        Only::parse_from(["sharegraph"]).limits
    }
}

impl Config {
    /// Whether the server applies pending migrations when it starts.
    pub fn migrates_at_start(&self) -> bool {
        self.migrate && !self.no_migrate
    }

    /// The configuration from the environment, as the binary sees it with no flags.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        let (mut config, _) = Cli::parse_from(["sharegraph"]).into_parts();
        config.database_url = database_url.into();
        config
    }
}

/// Origins for a policy's `frame-ancestors`, space-separated; refuses anything else (a `;` or
/// a quote would change the policy).
fn frame_ancestors(value: &str) -> Result<String, String> {
    let mut origins = Vec::new();
    for origin in value.split([',', ' ']).filter(|o| !o.is_empty()) {
        let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
            && origin.split("://").nth(1).is_some_and(|host| {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '*'))
            });
        if !valid {
            return Err(format!(
                "{origin:?} is not an origin such as https://portal.example.vn"
            ));
        }
        origins.push(origin);
    }
    Ok(origins.join(" "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn frame_ancestors_are_origins_and_nothing_that_could_change_the_policy() {
        assert_eq!(super::frame_ancestors(""), Ok(String::new()));
        assert_eq!(
            super::frame_ancestors("https://congdulieu.thuathienhue.gov.vn, http://localhost:*"),
            Ok("https://congdulieu.thuathienhue.gov.vn http://localhost:*".to_owned())
        );
        for bad in [
            "'unsafe-inline'",
            "https://a.vn; script-src *",
            "*",
            "congdulieu.gov.vn",
            "https://",
            "javascript:alert(1)",
        ] {
            assert!(super::frame_ancestors(bad).is_err(), "{bad}");
        }
    }
}
