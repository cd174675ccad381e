//! PostgreSQL: each searched table's words in search order, so that a broad search reads its
//! first matches in order instead of collecting every match from the GIN index first.
//!
//! The GIN index answers "which rows contain these words" in no useful order; for a word in
//! tens of thousands of names, collecting its matches alone took 15–46 ms at 1M items, before
//! any was ranked. `{table}_words` holds one row per word of each row's `search_vector`, keyed
//! by `(word, search_prior, id)`: one word's rows come out of the key in the order migration 9
//! ranks in (shortest names first), several words' rows are intersected by merging those
//! ordered lists, and a search stops after the matches it ranks. How many rows a word is in,
//! counted up to a bound, also tells a narrow search (one rare word) from a broad one. SQLite's
//! FTS5 tables of migration 9 already yield matches in that order, so it gets nothing here.
//!
//! Triggers keep the table in step: on insert and delete once per statement, with its rows at
//! once (a bulk load inserts the words of a whole batch in one statement); on update per row
//! whose words change. `word` compares bytewise
//! (`COLLATE "C"`), as `tsquery` prefixes do, so a prefix is a key range whatever the
//! database's collation.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The searchable tables and their folded name columns, as this migration found them (its own
/// copy: a later migration's list may grow without changing this one).
const SEARCHED: [(&str, &str); 5] = [
    ("organizations", "name_folded"),
    ("databases", "name_folded"),
    ("data_items", "name_folded"),
    ("data_services", "name_folded"),
    ("open_datasets", "title_folded"),
];

/// The words of the rows `rows` (a transition table, or the table itself), as
/// `(word, search_prior, id)`.
fn words_of(rows: &str) -> String {
    format!(
        "SELECT unnest(tsvector_to_array(r.search_vector)) AS word, r.search_prior, r.id \
         FROM {rows} r"
    )
}

fn postgres_up(table: &str, name: &str) -> Vec<String> {
    let words = format!("{table}_words");
    let insert = |rows: &str| {
        format!(
            "INSERT INTO {words} (word, search_prior, id) {};",
            words_of(rows)
        )
    };
    let delete = |rows: &str| {
        format!(
            "DELETE FROM {words} w USING ({}) o \
             WHERE w.word = o.word AND w.search_prior = o.search_prior AND w.id = o.id;",
            words_of(rows)
        )
    };
    // `SET search_path FROM CURRENT`: the function finds `{words}` in the schema it was made
    // in, whichever search path the writing session has.
    let function = |op: &str, body: String| {
        format!(
            "CREATE FUNCTION {words}_{op}() RETURNS trigger LANGUAGE plpgsql \
             SET search_path FROM CURRENT AS $$ BEGIN {body} RETURN NULL; END $$"
        )
    };
    // Statement by statement, with the statement's rows at once.
    let trigger = |op: &str, event: &str, referencing: &str| {
        format!(
            "CREATE TRIGGER {words}_{op} AFTER {event} ON {table} REFERENCING {referencing} \
             FOR EACH STATEMENT EXECUTE FUNCTION {words}_{op}()"
        )
    };
    vec![
        format!(
            "CREATE TABLE {words} (word text COLLATE \"C\" NOT NULL, search_prior integer NOT NULL, \
             id bigint NOT NULL, PRIMARY KEY (word, search_prior, id))"
        ),
        function("insert", insert("new_rows")),
        function("delete", delete("old_rows")),
        function(
            "update",
            format!(
                "DELETE FROM {words} WHERE id = OLD.id AND search_prior = OLD.search_prior \
                 AND word = ANY (tsvector_to_array(OLD.search_vector)); \
                 INSERT INTO {words} (word, search_prior, id) \
                 SELECT unnest(tsvector_to_array(NEW.search_vector)), NEW.search_prior, NEW.id;"
            ),
        ),
        trigger("insert", "INSERT", "NEW TABLE AS new_rows"),
        trigger("delete", "DELETE", "OLD TABLE AS old_rows"),
        // Row by row, and only for rows whose words or place change: an update of other
        // columns (a bulk one sets `published` on every item) costs nothing here.
        format!(
            "CREATE TRIGGER {words}_update AFTER UPDATE OF {name}, code ON {table} FOR EACH ROW \
             WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector \
             OR OLD.search_prior IS DISTINCT FROM NEW.search_prior) \
             EXECUTE FUNCTION {words}_update()"
        ),
        insert(table).trim_end_matches(';').to_owned(),
    ]
}

fn postgres_down(table: &str) -> Vec<String> {
    let words = format!("{table}_words");
    let mut statements: Vec<String> = ["insert", "delete", "update"]
        .iter()
        .flat_map(|op| {
            [
                format!("DROP TRIGGER {words}_{op} ON {table}"),
                format!("DROP FUNCTION {words}_{op}()"),
            ]
        })
        .collect();
    statements.push(format!("DROP TABLE {words}"));
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, name| match backend {
            DatabaseBackend::Postgres => postgres_up(table, name),
            _ => vec![],
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::for_each_searched(manager, &SEARCHED, |backend, table, _| match backend {
            DatabaseBackend::Postgres => postgres_down(table),
            _ => vec![],
        })
        .await
    }
}
