//! Search across the catalogue: organizations, databases, data items, services and open
//! datasets by name or code, ranked by relevance, through the full-text indexes of migration
//! 8 (SQLite FTS5 with bm25, PostgreSQL `tsvector` with `ts_rank`), and only among the rows the
//! caller may read.
//!
//! Words are folded like the stored names (lower case, no diacritics, `đ` → `d`), so "dan cu",
//! "Dân cư" and "DÂN CƯ" are the same search. Every word must match; the last one also as the
//! start of a word, as in a search box that searches while one types ("dat da" finds "Đất
//! đai"). Earlier words match whole: a prefix there ("dan" matching every "danh") would widen
//! broad searches many times over, and ranking costs in proportion to the matches.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};

use crate::access::Caller;
use crate::access::visibility::{Visible, visible_sql};
use crate::error::{Error, Result};

pub use entity::enums::SearchType;

/// Every type a search looks through, in the order ties are broken.
const ALL: [SearchType; 5] = [
    SearchType::Organization,
    SearchType::Database,
    SearchType::DataItem,
    SearchType::DataService,
    SearchType::OpenDataset,
];

/// The table (with its index) of a type, and the visibility probe for the caller.
fn table(
    target: SearchType,
    caller: &Caller,
    backend: DatabaseBackend,
) -> (&'static str, Option<String>) {
    use entity::{data_item, data_service, database, open_dataset, organization};
    fn probe<E: Visible>(caller: &Caller, backend: DatabaseBackend) -> Option<String> {
        visible_sql::<E>(caller, backend, "t.id")
    }
    match target {
        SearchType::Organization => (
            "organizations",
            probe::<organization::Entity>(caller, backend),
        ),
        SearchType::Database => ("databases", probe::<database::Entity>(caller, backend)),
        SearchType::DataItem => ("data_items", probe::<data_item::Entity>(caller, backend)),
        SearchType::DataService => (
            "data_services",
            probe::<data_service::Entity>(caller, backend),
        ),
        SearchType::OpenDataset => (
            "open_datasets",
            probe::<open_dataset::Entity>(caller, backend),
        ),
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub target: SearchType,
    pub id: i64,
    /// Higher is more relevant (comparable within one search).
    pub score: f64,
}

/// Most words a search takes.
const MAX_WORDS: usize = 8;
/// Deepest result a search pages to.
pub const MAX_DEPTH: u64 = 1000;

/// The folded words of a query: letters and digits, at most [`MAX_WORDS`].
pub fn words(query: &str) -> Result<Vec<String>> {
    let folded = super::text::fold(query);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return Err(Error::bad_input(
            "query",
            "query must contain a word or a code",
        ));
    }
    Ok(words)
}

/// The index's query: every word whole but the last, which may be a prefix.
fn pattern(
    words: &[String],
    whole: impl Fn(&str) -> String,
    prefix: impl Fn(&str) -> String,
    and: &str,
) -> String {
    let last = words.len() - 1;
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == last { prefix(w) } else { whole(w) })
        .collect::<Vec<_>>()
        .join(and)
}

/// Results `offset..offset + limit` (and whether more follow), best first.
pub async fn search(
    db: &DatabaseConnection,
    caller: &Caller,
    query: &str,
    targets: &[SearchType],
    offset: u64,
    limit: u64,
) -> Result<(Vec<Hit>, bool)> {
    if offset + limit > MAX_DEPTH {
        return Err(Error::LimitExceeded(format!(
            "search results go {MAX_DEPTH} deep; narrow the query or the types"
        )));
    }
    let words = words(query)?;
    let backend = db.get_database_backend();
    // Each type's best `wanted`, merged: the page is among them.
    let wanted = offset + limit + 1;
    let mut hits = Vec::new();
    for &target in if targets.is_empty() {
        &ALL[..]
    } else {
        targets
    } {
        let (table, visible) = table(target, caller, backend);
        let visible = visible.map(|v| format!(" AND {v}")).unwrap_or_default();
        let (sql, pattern) = match backend {
            DatabaseBackend::Postgres => (
                format!(
                    "SELECT t.id, ts_rank(t.search_vector, q, 1)::float8 AS score \
                     FROM {table} t, to_tsquery('simple', $1) q \
                     WHERE t.search_vector @@ q{visible} \
                     ORDER BY score DESC, t.id LIMIT $2"
                ),
                pattern(&words, |w| w.to_owned(), |w| format!("{w}:*"), " & "),
            ),
            _ => (
                // Names weigh ten times codes.
                format!(
                    "SELECT t.id, -bm25({table}_fts, 10.0, 1.0) AS score \
                     FROM {table}_fts JOIN {table} t ON t.id = {table}_fts.rowid \
                     WHERE {table}_fts MATCH $1{visible} \
                     ORDER BY bm25({table}_fts, 10.0, 1.0), t.id LIMIT $2"
                ),
                pattern(&words, |w| format!("\"{w}\""), |w| format!("\"{w}\"*"), " "),
            ),
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(pattern), Value::from(wanted as i64)],
            ))
            .await?;
        for row in rows {
            hits.push(Hit {
                target,
                id: row.try_get("", "id")?,
                score: row.try_get("", "score")?,
            });
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| {
                let order = |t: SearchType| ALL.iter().position(|x| *x == t);
                order(a.target).cmp(&order(b.target))
            })
            .then(a.id.cmp(&b.id))
    });
    let more = hits.len() as u64 > offset + limit;
    Ok((
        hits.into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect(),
        more,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(words("Dân cư").unwrap(), vec!["dan", "cu"]);
        assert_eq!(words("  ĐẤT-đai\t").unwrap(), vec!["dat", "dai"]);
        assert_eq!(
            words("000.03.39.H57").unwrap(),
            vec!["000", "03", "39", "h57"]
        );
        assert!(words(" -- ").is_err());
        assert_eq!(words("a b c d e f g h i j").unwrap().len(), MAX_WORDS);
    }
}
