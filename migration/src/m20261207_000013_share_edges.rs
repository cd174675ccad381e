//! The sharing graph's organization-to-organization edges, counted ahead of the reads.
//!
//! `sharingGraph` walks organizations over active shares and counts the shares between the
//! organizations it reached, per mode. Read from `shares`, both steps visit every share row:
//! around a province at 1M items that is tens of thousands of index entries per request, and
//! the master items of national bodies put thousands of shares on the same few pairs.
//! `share_edges` holds one row per (provider, consumer, mode, item published, last valid day)
//! with the number of active shares that have that key, so both steps read one row per pair
//! and mode instead.
//!
//! The key keeps what the reads must still decide per request: whether a share has expired
//! (`valid_until`, with 9999-12-31 for "never", so that the key has no NULL) and whether the
//! caller may count it (the item's `published` flag, and the two organizations). Only shares
//! whose stored status is `ACTIVE` are counted.
//!
//! Triggers keep the counts in step on both databases, whichever path writes (the API,
//! imports, the demo loader, the generator): shares inserted, deleted or updated, and items
//! whose `published` flag changes. PostgreSQL counts a whole statement's rows at once
//! (transition tables); SQLite, which has row triggers only, one row at a time. A row whose
//! count reaches zero is deleted.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::util::execute_for_backend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "provider_id, consumer_id, mode, published, valid_until";

/// `e` (a `share_edges` row) has the key of `c`.
const SAME_KEY: &str = "e.provider_id = c.provider_id AND e.consumer_id = c.consumer_id \
    AND e.mode = c.mode AND e.published = c.published AND e.valid_until = c.valid_until";

/// The active shares of `source` (a FROM clause that names the shares `s` and their items `i`,
/// with a WHERE clause), grouped by edge key, with their number as `n`. `published` is the
/// flag to count them under.
fn counted(backend: DatabaseBackend, source: &str, published: &str) -> String {
    let forever = match backend {
        DatabaseBackend::Postgres => "DATE '9999-12-31'",
        _ => "'9999-12-31'",
    };
    format!(
        "SELECT s.provider_id, s.consumer_id, s.mode, {published} AS published, \
         COALESCE(s.valid_until, {forever}) AS valid_until, COUNT(*) AS n \
         {source} AND s.status = 'ACTIVE' GROUP BY 1, 2, 3, 4, 5"
    )
}

/// Adds the counts of `counted` (the rows of [`counted`]). No alias for the target: SQLite
/// refuses one inside a trigger.
fn add(counted: &str) -> String {
    format!(
        "INSERT INTO share_edges ({KEY}, shares) SELECT * FROM ({counted}) c WHERE true \
         ON CONFLICT ({KEY}) DO UPDATE SET shares = share_edges.shares + excluded.shares;"
    )
}

/// Subtracts the counts of `counted`, then deletes the rows it left at zero (PostgreSQL).
fn subtract(counted: &str) -> String {
    format!(
        "UPDATE share_edges e SET shares = e.shares - c.n FROM ({counted}) c WHERE {SAME_KEY}; \
         DELETE FROM share_edges e USING ({counted}) c WHERE {SAME_KEY} AND e.shares <= 0;"
    )
}

fn postgres_up() -> Vec<String> {
    let pg = DatabaseBackend::Postgres;
    let rows = |table: &str| {
        counted(
            pg,
            &format!("FROM {table} s JOIN data_items i ON i.id = s.data_item_id WHERE true"),
            "i.published",
        )
    };
    // The shares of items whose flag this statement changed, under the old or the new flag.
    let flipped = |flag: &str| {
        counted(
            pg,
            "FROM old_items o JOIN new_items i ON i.id = o.id \
             JOIN shares s ON s.data_item_id = i.id WHERE o.published IS DISTINCT FROM i.published",
            flag,
        )
    };
    // `SET search_path FROM CURRENT`: the functions find the tables in the schema they were
    // made in, whichever search path the writing session has.
    let function = |name: &str, body: String| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql \
             SET search_path FROM CURRENT AS $$ BEGIN {body} RETURN NULL; END $$"
        )
    };
    // Statement by statement, with the statement's rows at once: the generator inserts its
    // shares in batches of thousands.
    let trigger = |name: &str, event: &str, table: &str, referencing: &str| {
        format!(
            "CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} \
             FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    };
    vec![
        "CREATE TABLE share_edges (provider_id bigint NOT NULL, consumer_id bigint NOT NULL, \
         mode varchar(16) NOT NULL, published boolean NOT NULL, valid_until date NOT NULL, \
         shares bigint NOT NULL, \
         PRIMARY KEY (provider_id, consumer_id, mode, published, valid_until) INCLUDE (shares))"
            .to_owned(),
        format!(
            "CREATE INDEX ix_share_edges_consumer ON share_edges (consumer_id, provider_id) \
             INCLUDE (mode, published, valid_until, shares)"
        ),
        add(&rows("shares")).trim_end_matches(';').to_owned(),
        function("share_edges_insert", add(&rows("new_rows"))),
        function("share_edges_delete", subtract(&rows("old_rows"))),
        function(
            "share_edges_update",
            format!("{} {}", subtract(&rows("old_rows")), add(&rows("new_rows"))),
        ),
        function(
            "share_edges_published",
            format!(
                "{} {}",
                subtract(&flipped("o.published")),
                add(&flipped("i.published"))
            ),
        ),
        trigger(
            "share_edges_insert",
            "INSERT",
            "shares",
            "NEW TABLE AS new_rows",
        ),
        trigger(
            "share_edges_delete",
            "DELETE",
            "shares",
            "OLD TABLE AS old_rows",
        ),
        trigger(
            "share_edges_update",
            "UPDATE",
            "shares",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
        trigger(
            "share_edges_published",
            "UPDATE",
            "data_items",
            "OLD TABLE AS old_items NEW TABLE AS new_items",
        ),
    ]
}

fn postgres_down() -> Vec<String> {
    let mut statements: Vec<String> = [
        ("share_edges_insert", "shares"),
        ("share_edges_delete", "shares"),
        ("share_edges_update", "shares"),
        ("share_edges_published", "data_items"),
    ]
    .iter()
    .flat_map(|(name, table)| {
        [
            format!("DROP TRIGGER IF EXISTS {name} ON {table}"),
            format!("DROP FUNCTION IF EXISTS {name}()"),
        ]
    })
    .collect();
    statements.push("DROP TABLE IF EXISTS share_edges".to_owned());
    statements
}

fn sqlite_up() -> Vec<String> {
    let lite = DatabaseBackend::Sqlite;
    // One share (`OLD` or `NEW`), as the one-row grouping of [`counted`].
    let one = |row: &str| {
        counted(
            lite,
            &format!(
                "FROM (SELECT {row}.provider_id AS provider_id, {row}.consumer_id AS consumer_id, \
                 {row}.mode AS mode, {row}.valid_until AS valid_until, {row}.status AS status, \
                 {row}.data_item_id AS data_item_id) s \
                 JOIN data_items i ON i.id = s.data_item_id WHERE true"
            ),
            "i.published",
        )
    };
    // SQLite's UPDATE ... FROM cannot name the target by an alias in its SET, and a trigger
    // body cannot hold a CTE: the subtraction reads the counts through a correlated subquery.
    let subtract = |counted: &str| {
        let key = "c.provider_id = share_edges.provider_id \
            AND c.consumer_id = share_edges.consumer_id AND c.mode = share_edges.mode \
            AND c.published = share_edges.published AND c.valid_until = share_edges.valid_until";
        format!(
            "UPDATE share_edges SET shares = shares - (SELECT c.n FROM ({counted}) c WHERE {key}) \
             WHERE EXISTS (SELECT 1 FROM ({counted}) c WHERE {key}); \
             DELETE FROM share_edges WHERE shares <= 0 \
             AND EXISTS (SELECT 1 FROM ({counted}) c WHERE {key});"
        )
    };
    let item_shares = |flag: &str| {
        counted(
            lite,
            "FROM shares s JOIN data_items i ON i.id = s.data_item_id WHERE s.data_item_id = NEW.id",
            flag,
        )
    };
    vec![
        "CREATE TABLE share_edges (provider_id integer NOT NULL, consumer_id integer NOT NULL, \
         mode varchar(16) NOT NULL, published boolean NOT NULL, valid_until date NOT NULL, \
         shares integer NOT NULL, \
         PRIMARY KEY (provider_id, consumer_id, mode, published, valid_until)) WITHOUT ROWID"
            .to_owned(),
        "CREATE INDEX ix_share_edges_consumer ON share_edges \
         (consumer_id, provider_id, mode, published, valid_until, shares)"
            .to_owned(),
        add(&counted(
            lite,
            "FROM shares s JOIN data_items i ON i.id = s.data_item_id WHERE true",
            "i.published",
        ))
        .trim_end_matches(';')
        .to_owned(),
        format!(
            "CREATE TRIGGER share_edges_insert AFTER INSERT ON shares BEGIN {} END",
            add(&one("NEW"))
        ),
        format!(
            "CREATE TRIGGER share_edges_delete AFTER DELETE ON shares BEGIN {} END",
            subtract(&one("OLD"))
        ),
        format!(
            "CREATE TRIGGER share_edges_update AFTER UPDATE OF data_item_id, provider_id, \
             consumer_id, mode, valid_until, status ON shares BEGIN {} {} END",
            subtract(&one("OLD")),
            add(&one("NEW"))
        ),
        // `published` is the only column of the item an edge's key holds.
        format!(
            "CREATE TRIGGER share_edges_published AFTER UPDATE OF published ON data_items \
             WHEN OLD.published IS NOT NEW.published BEGIN {} {} END",
            subtract(&item_shares("OLD.published")),
            add(&item_shares("NEW.published"))
        ),
    ]
}

fn sqlite_down() -> Vec<String> {
    let mut statements: Vec<String> = [
        "share_edges_insert",
        "share_edges_delete",
        "share_edges_update",
        "share_edges_published",
    ]
    .iter()
    .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
    .collect();
    statements.push("DROP TABLE IF EXISTS share_edges".to_owned());
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        execute_for_backend(manager, postgres_up, sqlite_up).await?;
        // Statistics now: without them the planners guess the new table's size, and the
        // sharing graph's statements were planned as scans of all of it.
        manager
            .get_connection()
            .execute_unprepared("ANALYZE share_edges")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        execute_for_backend(manager, postgres_down, sqlite_down).await
    }
}
