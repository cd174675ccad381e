//! Test harness: a fresh database per test and helpers to call the API.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use sharegraph::access::{Role, token};
use sharegraph::config::Config;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    /// The router's engine, for subscriptions (which need no HTTP).
    pub engine: sharegraph::graphql::engine::Engine,
    pub db: DatabaseConnection,
    /// The token requests carry unless a test says otherwise: an admin's.
    pub admin: String,
    statements: Arc<AtomicUsize>,
    _dir: Option<tempfile::TempDir>,
}

/// A raw HTTP answer.
pub struct HttpAnswer {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    /// The body as sent.
    pub text: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// Removes schemas left by earlier test processes that are gone (a panicking test leaks its
/// schema; this keeps the shared database from filling up).
async fn sweep_stale_schemas(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sg_test_%'",
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "nspname") else {
            continue;
        };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                .await;
        }
    }
}

/// Tests send many requests quickly.
fn no_rate_limits(limits: &mut sharegraph::config::Limits) {
    limits.rate_limit_per_minute = 0;
    limits.anonymous_rate_limit_per_minute = 0;
    limits.feedback_per_hour = 0;
}

impl TestApp {
    /// An app with rate limits off (tests send many requests quickly).
    pub async fn spawn() -> Self {
        Self::spawn_with(no_rate_limits).await
    }

    /// An app whose limits `configure` adjusts.
    pub async fn spawn_with(configure: impl FnOnce(&mut sharegraph::config::Limits)) -> Self {
        Self::spawn_from(None, configure).await
    }

    /// An app on a database a previous release left: its first `migrations` migrations, then
    /// `fixture` (SQL statements separated by `;` at line ends) run on it, before the server
    /// migrates it to the current schema as a deployment would.
    pub async fn spawn_upgraded(migrations: u32, fixture: &str) -> Self {
        Self::spawn_from(Some((migrations, fixture)), no_rate_limits).await
    }

    async fn spawn_from(
        previous: Option<(u32, &str)>,
        configure: impl FnOnce(&mut sharegraph::config::Limits),
    ) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let (config, schema, dir) = match postgres_url() {
            Some(url) => {
                let admin = Database::connect(&url)
                    .await
                    .expect("connect to PostgreSQL");
                if n == 0 {
                    sweep_stale_schemas(&admin).await;
                }
                let schema = format!("sg_test_{}_{n}", std::process::id());
                admin
                    .execute_unprepared(&format!(
                        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
                    ))
                    .await
                    .expect("create test schema");
                admin.close().await.ok();
                (Config::with_database(url), Some(schema), None)
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (Config::with_database(url), None, Some(dir))
            }
        };
        if let Some((migrations, fixture)) = previous {
            use migration::{Migrator, MigratorTrait};
            let old =
                sharegraph::store::connect::connect(&sharegraph::store::connect::DbSettings {
                    url: config.database_url.clone(),
                    max_connections: 1,
                    schema: schema.clone(),
                    statement_timeout: None,
                })
                .await
                .expect("connect for the previous release");
            Migrator::up(&old, Some(migrations))
                .await
                .expect("the previous release's migrations");
            for statement in fixture
                .split(";\n")
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                old.execute_unprepared(statement)
                    .await
                    .unwrap_or_else(|e| panic!("fixture statement failed: {e}\n{statement}"));
            }
            old.close().await.ok();
        }
        let mut db = sharegraph::app::open_database_in(&config, schema)
            .await
            .expect("open test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |info| {
            if std::env::var("SG_TRACE_SQL").is_ok() {
                eprintln!(
                    "SQL: {}",
                    info.statement.sql.chars().take(160).collect::<String>()
                );
            }
            // The event feed reads the audit log beside requests, on its own schedule; those
            // reads are not a request's statements.
            let sql = &info.statement.sql;
            let feed = sql.starts_with("SELECT")
                && (sql.contains("\"audit_head\"") || sql.contains("FROM \"audit_entries\""));
            if !feed {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        let mut limits = config.limits.clone();
        configure(&mut limits);
        let built = sharegraph::app::build(db.clone(), limits);
        let admin = token::create(&db, "test admin", Role::Admin, None, false)
            .await
            .expect("admin token")
            .token;
        Self {
            router: built.router,
            engine: built.engine,
            db,
            admin,
            statements,
            _dir: dir,
        }
    }

    /// A second app on this app's database (its requests are counted with this one's), whose
    /// limits `configure` adjusts: to answer the same query two ways over the same rows.
    pub fn beside(&self, configure: impl FnOnce(&mut sharegraph::config::Limits)) -> Self {
        let mut limits = sharegraph::config::Limits::default();
        no_rate_limits(&mut limits);
        configure(&mut limits);
        let built = sharegraph::app::build(self.db.clone(), limits);
        Self {
            router: built.router,
            engine: built.engine,
            db: self.db.clone(),
            admin: self.admin.clone(),
            statements: self.statements.clone(),
            _dir: None,
        }
    }

    /// SQL statements run since the last call.
    pub fn take_statement_count(&self) -> usize {
        self.statements.swap(0, Ordering::SeqCst)
    }

    pub async fn load_demo(&self) {
        sharegraph::seed::demo::load(&self.db)
            .await
            .expect("demo loads");
    }

    /// A raw HTTP request to the router.
    pub async fn http(&self, request: Request<Body>) -> HttpAnswer {
        let resp = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
        HttpAnswer {
            status,
            content_type,
            headers,
            body,
            text,
        }
    }

    /// A new token; `org` is an organization's code.
    pub async fn token(&self, role: Role, org: Option<&str>) -> String {
        token::create(&self.db, "test token", role, org, false)
            .await
            .expect("token")
            .token
    }

    /// A new token acting for the organization with code `org` and every one below it.
    pub async fn subtree_token(&self, role: Role, org: &str) -> String {
        token::create(&self.db, "test subtree token", role, Some(org), true)
            .await
            .expect("token")
            .token
    }

    /// POSTs a GraphQL request with `token` (`None`: anonymously).
    pub async fn post_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.post_answer_as(token, query, variables).await.body
    }

    /// [`Self::post_as`], answered with the whole HTTP answer.
    pub async fn post_answer_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> HttpAnswer {
        let body = json!({ "query": query, "variables": variables });
        let mut req = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.http(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Runs a query as the admin that must succeed and returns its `data`.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        self.ok_as(Some(&self.admin), query, variables).await
    }

    pub async fn ok_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.post_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Entries in the audit log (every accepted write leaves some).
    pub async fn audit_count(&self) -> i64 {
        self.ok("{ auditLog(first: 1) { totalCount } }", json!({}))
            .await["auditLog"]["totalCount"]
            .as_i64()
            .unwrap()
    }

    /// Every row of every table, as JSON, keyed by table: two digests are equal exactly when
    /// nothing was written between them. (The migration ledger is left out.)
    pub async fn digest(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        use sea_orm::{DbBackend, FromQueryResult, Statement};
        let backend = self.db.get_database_backend();
        let tables = match backend {
            DbBackend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            _ => {
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            }
        };
        let mut digest = std::collections::BTreeMap::new();
        for row in self
            .db
            .query_all_raw(Statement::from_string(backend, tables))
            .await
            .unwrap()
        {
            let name: String = row.try_get("", "name").unwrap();
            if name == "seaql_migrations" {
                continue;
            }
            let mut rows: Vec<String> = Value::find_by_statement(Statement::from_string(
                backend,
                format!("SELECT * FROM \"{name}\""),
            ))
            .all(&self.db)
            .await
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
            // As a multiset: not every table has a key to order by.
            rows.sort_unstable();
            digest.insert(name, rows);
        }
        digest
    }

    /// Runs a query as the admin that must fail and returns its first error.
    pub async fn err(&self, query: &str, variables: Value) -> Value {
        self.err_as(Some(&self.admin), query, variables).await
    }

    pub async fn err_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.post_as(token, query, variables).await;
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected errors: {body:#}"));
        errors[0].clone()
    }
}

/// The `extensions.code` of an error.
pub fn code(err: &Value) -> &str {
    err["extensions"]["code"].as_str().unwrap_or("<none>")
}

/// Creates an organization through the API and returns its id.
pub async fn create_org(
    app: &TestApp,
    code: &str,
    name: &str,
    level: &str,
    parent: Option<&str>,
) -> String {
    let data = app
        .ok(
            "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "code": code, "name": name, "level": level, "parentId": parent } }),
        )
        .await;
    data["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The district office most tests work in: "Phòng Tài nguyên và Môi trường huyện Nam Đông"
/// (000.00.31.H57), created through the API; its id.
pub async fn nam_dong_office(app: &TestApp) -> String {
    create_org(
        app,
        "000.00.31.H57",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await
}

/// A second district office beside [`nam_dong_office`] (code 000.00.32.H57).
pub async fn tu_phap_office(app: &TestApp) -> String {
    create_org(
        app,
        "000.00.32.H57",
        "Phòng Tư pháp huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await
}

/// Creates a database through the API and returns its id.
pub async fn create_db(app: &TestApp, code: &str, name: &str, owner: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }",
            json!({ "input": { "code": code, "name": name, "kind": "LOCAL", "organizationId": owner } }),
        )
        .await;
    data["createDatabase"]["database"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates a data item through the API and returns its id.
pub async fn create_item(app: &TestApp, db: &str, code: &str, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateDataItemInput!) { createDataItem(input: $input) { dataItem { id } } }",
            json!({ "input": { "databaseId": db, "code": code, "name": name } }),
        )
        .await;
    data["createDataItem"]["dataItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The district's land office (A) shares its land-parcel item with the justice office (B)
/// by default sharing, from `valid_from` when given.
pub struct Shared {
    pub a: String,
    pub b: String,
    pub item: String,
    pub share: String,
}

pub async fn shared_item(app: &TestApp, valid_from: Option<&str>) -> Shared {
    let a = nam_dong_office(app).await;
    let b = tu_phap_office(app).await;
    let db = create_db(app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &a).await;
    let item = create_item(app, &db, "THUADAT", "Thửa đất").await;
    app.ok(
        "mutation($i: ID!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: STATE_AGENCY, mode: DEFAULT }] }) { policies { id } } }",
        json!({ "i": item }),
    )
    .await;
    let share = app
        .ok(
            "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
            json!({ "input": { "dataItemId": item, "consumerId": b, "validFrom": valid_from } }),
        )
        .await["createShare"]["share"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Shared { a, b, item, share }
}
