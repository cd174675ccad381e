//! PostgreSQL's way to the first matches in the search order. The GIN index finds matches in
//! no useful order, so it is read only where every match must be anyway; the words tables of
//! migration 10 hold each word's rows in the order, keyed `(word, search_prior, id)`. Per
//! type:
//!
//! 1. Whether a word is rare, in fewer than `ranked` × [`RARE`] rows (counted up to that, an
//!    index-only read of at most that many keys per word), and whether the last word, a
//!    prefix, stands for itself alone (no longer word starts so).
//! 2. A query with a rare word is narrow: its matches are among that word's rows, which are
//!    read in order (a prefix's, sorted), each tested against the whole query, until
//!    `ranked + 1` match.
//! 3. Otherwise its whole words' rows (and the prefix's, standing for itself alone) are
//!    intersected in order, each row tested against the whole query (a prefix for several
//!    words, and what the caller may read) until `ranked + 1` match: when the words are in
//!    many names, the first matches come early in the order.
//! 4. A query of one prefix alone, for several common words, has no rows in order: the first
//!    `ranked` × [`WINDOW`] rows of the order's B-tree are tested, read from the index alone
//!    (it carries the `tsvector`), and when they hold no more than `ranked` matches, every
//!    match is read through the GIN index and sorted.
//!
//! The planner would choose among these by its estimate of the matches, which for words that
//! occur together (most queries' words) is off by orders of magnitude, and a wrong choice
//! reads a whole table; so each step sets the plan it needs, for the transaction only.

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, Statement,
    TransactionTrait,
};

use super::{Params, Row, Searched, first, last_is_prefix};
use crate::error::Result;

/// A word is rare in fewer rows than this many per row a search ranks: reading its rows
/// costs no more than reading that many matches.
const RARE: u64 = 1;
/// Rows of the B-tree step 4 reads, per row it ranks.
const WINDOW: u64 = 50;
const BACKEND: DatabaseBackend = DatabaseBackend::Postgres;

/// A word of the query as the words table is read for it.
#[derive(Clone, Copy, PartialEq)]
enum Term<'a> {
    Whole(&'a str),
    Prefix(&'a str),
}

impl Term<'_> {
    /// The condition on `{alias}.word`.
    fn condition(self, alias: &str, params: &mut Params) -> String {
        match self {
            Term::Whole(word) => format!("{alias}.word = {}", params.add(word)),
            Term::Prefix(prefix) => format!(
                "{alias}.word >= {} AND {alias}.word < {}",
                params.add(prefix),
                params.add(past(prefix))
            ),
        }
    }
}

/// What every word that starts with `prefix` is less than: the prefix followed by the last
/// character (`word` compares bytewise).
fn past(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

/// The terms of `words`: each distinct word once, the last as a prefix when it is one.
fn terms(words: &[String]) -> Vec<Term<'_>> {
    let prefix = last_is_prefix(words).then(|| words.len() - 1);
    let mut terms: Vec<Term> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let term = if Some(i) == prefix {
            Term::Prefix(word)
        } else {
            Term::Whole(word)
        };
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

/// Sets planner options for the rest of the transaction.
async fn plan(txn: &DatabaseTransaction, settings: &[(&str, &str)]) -> Result<()> {
    let sql = settings
        .iter()
        .map(|(name, value)| format!("SET LOCAL {name} = {value};"))
        .collect::<String>();
    txn.execute_unprepared(&sql).await?;
    Ok(())
}

pub async fn first_matches(
    db: &DatabaseConnection,
    searched: &Searched,
    words: &[String],
    query: &str,
    ranked: u64,
) -> Result<(Vec<Row>, bool)> {
    let Searched {
        table, name, rows, ..
    } = searched;
    let terms = terms(words);
    // A transaction of its own, for the plan settings. Disabled plan nodes cost the
    // planner so much that it would compile every search's plan (`jit`, ~80 ms); and a
    // search runs beside the others' types, so it takes no parallel workers.
    let txn = db.begin().await?;
    plan(
        &txn,
        &[
            ("enable_seqscan", "off"),
            ("enable_bitmapscan", "off"),
            ("enable_hashjoin", "off"),
            ("enable_material", "off"),
            ("jit", "off"),
            ("max_parallel_workers_per_gather", "0"),
        ],
    )
    .await?;

    // 1. A rare word, if there is one; and whether the prefix stands for itself alone
    // (no longer word starts with it), which the key can then read in order like a whole
    // word. Words are counted one after the other (the database runs a subquery of a
    // `CASE` only when it gets to it), longer ones first, which are more often rare, and
    // the prefix last, which stands for more; the first rare one ends the counting.
    let rare = ranked * RARE;
    let mut params = Params::after(0);
    let mut order: Vec<Term> = terms.clone();
    order.sort_by_key(|t| match t {
        Term::Whole(w) => (false, std::cmp::Reverse(w.len())),
        Term::Prefix(p) => (true, std::cmp::Reverse(p.len())),
    });
    let cases = order
        .iter()
        .enumerate()
        .map(|(i, term)| {
            format!(
                "WHEN (SELECT count(*) FROM (SELECT FROM {table}_words w WHERE {} LIMIT {rare}) x) < {rare} THEN {i}",
                term.condition("w", &mut params)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut columns = vec![format!("CASE {cases} END AS rare")];
    let prefix = terms.iter().find_map(|t| match t {
        Term::Prefix(p) => Some(*p),
        Term::Whole(_) => None,
    });
    if let Some(prefix) = prefix {
        columns.push(format!(
            "NOT EXISTS (SELECT FROM {table}_words w WHERE w.word > {} AND w.word < {}) AS alone",
            params.add(prefix),
            params.add(past(prefix))
        ));
    }
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            BACKEND,
            format!("SELECT {}", columns.join(", ")),
            params.values,
        ))
        .await?
        .expect("a SELECT without FROM returns a row");
    let rarest = row
        .try_get::<Option<i32>>("", "rare")?
        .map(|i| order[i as usize]);
    let alone = prefix.is_some() && row.try_get::<bool>("", "alone")?;

    // Each row the words table yields, tested against the whole query as the caller may
    // read it: by the order's B-tree, which carries the `tsvector`, the name and the code
    // (the table is read only for a rule on other columns).
    let tested = format!(
        "CROSS JOIN LATERAL (SELECT t.id, t.{name} AS name, t.code FROM ({rows}) t \
         WHERE t.search_prior = m.search_prior AND t.id = m.id \
         AND t.search_vector @@ to_tsquery('simple', $1) LIMIT 1) t \
         ORDER BY m.search_prior, m.id LIMIT $2"
    );
    // The words whose rows the key yields in order.
    let ordered: Vec<Term> = terms
        .iter()
        .map(|t| match t {
            Term::Prefix(p) if alone => Term::Whole(p),
            t => *t,
        })
        .filter(|t| matches!(t, Term::Whole(_)))
        .collect();
    let mut params = Params::after(2);
    let found = if let Some(rarest) = rarest {
        // 2. Narrow: the rare word's rows, each tested (a prefix's are sorted: they come
        // by word first, and a row with two words that start so is there twice). One
        // probe a row, where joining the other words would probe the key once per word.
        let distinct = match rarest {
            Term::Prefix(_) if !alone => "DISTINCT",
            _ => "",
        };
        let sql = format!(
            "SELECT t.id, t.name, t.code FROM (SELECT {distinct} w.search_prior, w.id \
             FROM {table}_words w WHERE {}) m {tested}",
            rarest.condition("w", &mut params)
        );
        first(&txn, sql, query, ranked, params).await?
    } else if !ordered.is_empty() {
        // 3. Broad: the words' rows intersected in order, rarest first: the planner reads
        // the first word's rows and, for each other word, merges its rows in or probes the
        // key for it, whichever its statistics say costs less. The order of the words is
        // given, by the planner's estimate of their rows (planning every order of seven
        // words took 12 ms).
        let mut ordered = ordered;
        if ordered.len() > 2 {
            let estimated = estimates(&txn, table, &ordered).await?;
            let mut by_rows: Vec<(f64, Term)> = estimated.into_iter().zip(ordered).collect();
            by_rows.sort_by(|a, b| a.0.total_cmp(&b.0));
            ordered = by_rows.into_iter().map(|(_, t)| t).collect();
        }
        plan(
            &txn,
            &[("enable_sort", "off"), ("join_collapse_limit", "1")],
        )
        .await?;
        let mut sql = format!(
            "SELECT t.id, t.name, t.code FROM (SELECT w0.search_prior, w0.id FROM {table}_words w0"
        );
        let head = ordered[0].condition("w0", &mut params);
        for (i, term) in ordered.iter().enumerate().skip(1) {
            let alias = format!("w{i}");
            let condition = term.condition(&alias, &mut params);
            sql.push_str(&format!(
                " JOIN {table}_words {alias} ON {condition} \
                 AND {alias}.search_prior = w0.search_prior AND {alias}.id = w0.id"
            ));
        }
        sql.push_str(&format!(" WHERE {head}) m {tested}"));
        first(&txn, sql, query, ranked, params).await?
    } else {
        window_or_all(&txn, searched, query, ranked).await?
    };
    txn.commit().await?;
    Ok(found)
}

/// The planner's estimate of how many rows each of `terms` is in, from the words table's
/// statistics (its most common words with their frequencies, and the average of the
/// others): what `EXPLAIN` says of a scan per word.
async fn estimates(txn: &DatabaseTransaction, table: &str, terms: &[Term<'_>]) -> Result<Vec<f64>> {
    let mut params = Params::after(0);
    let scans = terms
        .iter()
        .map(|t| {
            format!(
                "SELECT FROM {table}_words w WHERE {}",
                t.condition("w", &mut params)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            BACKEND,
            format!("EXPLAIN (FORMAT JSON) {scans}"),
            params.values,
        ))
        .await?
        .expect("EXPLAIN returns its plan");
    let plan: serde_json::Value = row.try_get("", "QUERY PLAN")?;
    let scans = &plan[0]["Plan"]["Plans"];
    Ok((0..terms.len())
        .map(|i| scans[i]["Plan Rows"].as_f64().unwrap_or(f64::MAX))
        .collect())
}

/// Step 4: the first matches among the order's first rows, or else among all matches.
async fn window_or_all(
    txn: &DatabaseTransaction,
    searched: &Searched,
    query: &str,
    ranked: u64,
) -> Result<(Vec<Row>, bool)> {
    let Searched {
        table,
        name,
        rows,
        visible,
    } = searched;
    // The window is a subquery with its own limit, which the planner cannot merge with
    // the word test: it is read in order, from the index alone (which carries the names
    // and codes too), until enough rows match.
    let window = ranked * WINDOW;
    let found = first(
        txn,
        format!(
            "SELECT t.id, t.name, t.code FROM (SELECT id, search_prior, search_vector, \
             {name} AS name, code FROM {table} ORDER BY search_prior, id LIMIT {window}) t, \
             to_tsquery('simple', $1) q \
             WHERE t.search_vector @@ q{visible} ORDER BY t.search_prior, t.id LIMIT $2"
        ),
        query,
        ranked,
        Params::after(2),
    )
    .await?;
    if found.1 {
        return Ok(found);
    }
    // Through the GIN index only: the B-tree read in order until enough rows match would
    // read most of it.
    plan(
        txn,
        &[
            ("enable_bitmapscan", "on"),
            ("enable_indexscan", "off"),
            ("enable_indexonlyscan", "off"),
        ],
    )
    .await?;
    first(
        txn,
        format!(
            "SELECT t.id, t.{name} AS name, t.code FROM ({rows}) t, \
             to_tsquery('simple', $1) q WHERE t.search_vector @@ q \
             ORDER BY t.search_prior, t.id LIMIT $2"
        ),
        query,
        ranked,
        Params::after(2),
    )
    .await
}
