//! Upgrading in place: a database the previous release (2026-11-27, migrations 1–6) filled is
//! migrated by the current server without losing a row, and the new features work on it.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::support::TestApp;

const PREVIOUS_RELEASE_MIGRATIONS: u32 = 6;
const FIXTURE: &str = include_str!("../fixtures/release-2026-11-27.sql");

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_in_place() {
    let app = TestApp::spawn_upgraded(PREVIOUS_RELEASE_MIGRATIONS, FIXTURE).await;
    if app.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The fixture names its ids; rows the API creates next take the following ones.
        for table in [
            "organizations",
            "databases",
            "data_items",
            "sharing_policies",
            "shares",
        ] {
            app.db
                .execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .await
                .unwrap();
        }
    }

    let data = app
        .ok(
            "{ organization(code: \"000.03.39.H57\") { name shortName version parent { code }
                 databases { nodes { code status items { totalCount nodes { code quality { overall } } } } }
                 sharesProvided { totalCount nodes { consumer { code } status mode } } }
               accessEvents { totalCount } }",
            json!({}),
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["name"], "Phòng Tài nguyên và Môi trường huyện Nam Đông");
    assert_eq!(org["version"], 3);
    assert_eq!(org["parent"]["code"], "000.00.00.H57");
    let db = &org["databases"]["nodes"][0];
    assert_eq!(
        (db["code"].clone(), db["status"].clone()),
        (json!("ND-DATDAI"), json!("OPERATING"))
    );
    assert_eq!(db["items"]["totalCount"], 2);
    assert_eq!(
        org["sharesProvided"]["nodes"][0]["consumer"]["code"],
        "000.07.39.H57"
    );
    assert_eq!(data["accessEvents"]["totalCount"], 1);
    let names = app
        .ok("{ dataItems(where: { name: { contains: \"ho so dia chinh\" } }) { nodes { code quality { overall } } } }", json!({}))
        .await;
    assert_eq!(
        names["dataItems"]["nodes"][0]["code"], "HO-SO-DIA-CHINH",
        "folded names still match"
    );
    let public = app
        .ok_as(None, "{ dataItems { totalCount } }", json!({}))
        .await;
    assert_eq!(
        public["dataItems"]["totalCount"], 1,
        "the published flag carried over"
    );
    // Migration 13 counted the old share into the sharing graph's organization pairs.
    let graph = app
        .ok(
            "{ organization(code: \"000.03.39.H57\") { sharingGraph(depth: 1) { edges { consumer { code } default total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graph["organization"]["sharingGraph"]["edges"],
        json!([{ "consumer": { "code": "000.07.39.H57" }, "default": 1, "total": 1 }])
    );

    // What the new release adds works on the old rows.
    let org_id = app
        .ok(
            "{ organization(code: \"000.03.39.H57\") { id } }",
            json!({}),
        )
        .await["organization"]["id"]
        .clone();
    let release = app
        .ok(
            "mutation($input: PublishCatalogueReleaseInput!) { publishCatalogueRelease(input: $input) { catalogueRelease { number itemCount } } }",
            json!({ "input": { "organizationId": org_id, "decisionNumber": "2874/QĐ-UBND", "decidedOn": "2026-11-27", "signer": "Nguyễn Văn Hùng" } }),
        )
        .await;
    assert_eq!(
        release["publishCatalogueRelease"]["catalogueRelease"],
        json!({ "number": 1, "itemCount": 1 })
    );
    let item = app
        .ok(
            "{ dataItems(where: { code: { eq: \"BANG-GIA-DAT\" } }) { nodes { id } } }",
            json!({}),
        )
        .await["dataItems"]["nodes"][0]["id"]
        .clone();
    app.ok(
        "mutation($input: CreateOpenDatasetInput!) { createOpenDataset(input: $input) { openDataset { id } } }",
        json!({ "input": { "organizationId": org_id, "code": "GIADAT", "title": "Bảng giá đất", "formats": ["CSV"],
                           "downloadUrl": "https://opendata.namdong.gov.vn/giadat.csv", "updateFrequency": "YEARLY",
                           "publishedOn": "2026-11-27", "itemIds": [item] } }),
    )
    .await;
    // And the old kinds of rows can still be written.
    app.ok(
        "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
        json!({ "input": { "code": "000.08.39.H57", "name": "Phòng Y tế huyện Nam Đông", "level": "DISTRICT" } }),
    )
    .await;
}

#[tokio::test]
async fn a_failed_migration_leaves_the_database_as_it_was() {
    use migration::{Migrator, MigratorTrait};
    use sharegraph::store::connect::{DbSettings, connect};

    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = match crate::support::postgres_url() {
        Some(url) => {
            let schema = format!("sg_test_{}_failed_migration", std::process::id());
            let admin = sea_orm::Database::connect(&url).await.unwrap();
            admin
                .execute_unprepared(&format!(
                    "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
                ))
                .await
                .unwrap();
            (url, Some(schema))
        }
        None => (
            format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()),
            None,
        ),
    };
    let db = connect(&DbSettings {
        url: url.clone(),
        max_connections: 1,
        schema,
        statement_timeout: None,
    })
    .await
    .unwrap();
    Migrator::up(&db, Some(PREVIOUS_RELEASE_MIGRATIONS))
        .await
        .unwrap();
    // Something in the way of the next migration, which creates `catalogue_releases` first and
    // `feedback` later: it fails half-way.
    db.execute_unprepared("CREATE TABLE feedback (note TEXT)")
        .await
        .unwrap();
    assert!(Migrator::up(&db, None).await.is_err());
    let left = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(left, i64::from(PREVIOUS_RELEASE_MIGRATIONS));
    assert!(
        db.execute_unprepared("SELECT 1 FROM catalogue_releases")
            .await
            .is_err(),
        "the tables the failed migration had created are gone with it"
    );
    // Out of the way, the same migration runs.
    db.execute_unprepared("DROP TABLE feedback").await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.execute_unprepared("SELECT 1 FROM catalogue_releases")
        .await
        .unwrap();
}
