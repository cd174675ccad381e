//! Search across the catalogue: organizations, databases, data items, services and open
//! datasets by name or code, through the full-text indexes of migrations 8 to 10 (SQLite FTS5,
//! PostgreSQL `tsvector` with GIN and words tables), ranked, and only among the rows the caller
//! may read.
//!
//! Words are folded like the stored names (lower case, no diacritics, `đ` → `d`), so "dan cu",
//! "Dân cư" and "DÂN CƯ" are the same search. Every word must match; the last one also as the
//! start of a word, as in a search box that searches while one types ("dat da" finds "Đất
//! đai"), once it has [`MIN_PREFIX`] characters. Earlier words match whole: a prefix there
//! ("dan" matching every "danh") would widen broad searches many times over.
//!
//! A broad search does bounded work: of each type, the first `ranked` matches in the indexes'
//! order (shortest names first, then by id: migration 9) are scored, and the search says
//! `truncated` when there were more. Little is lost: among matches, the shorter name scores
//! higher. Scores are computed here, from the matched names and codes, the same way for both
//! databases (see [`score`]).

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};

use crate::access::Caller;
use crate::access::visibility::{Visible, visible_rows_sql, visible_sql};
use crate::error::{Error, Result};
use crate::i18n::Text;

pub use entity::enums::SearchType;

/// Every type a search looks through, in the order ties are broken.
const ALL: [SearchType; 5] = [
    SearchType::Organization,
    SearchType::Database,
    SearchType::DataItem,
    SearchType::DataService,
    SearchType::OpenDataset,
];

/// The searched table of a type, its folded name column, and what the caller may read of it:
/// its visible rows as a subquery (for PostgreSQL's tests of the rows its words tables yield,
/// and its read of every match), and a visibility probe on `t.id` (for reads that start from
/// an index: SQLite's, PostgreSQL's window).
struct Searched {
    table: &'static str,
    name: &'static str,
    rows: String,
    visible: String,
}

impl Searched {
    fn of(target: SearchType, caller: &Caller, backend: DatabaseBackend) -> Self {
        use entity::{data_item, data_service, database, open_dataset, organization};
        fn of<E: Visible>(
            table: &'static str,
            name: &'static str,
            caller: &Caller,
            backend: DatabaseBackend,
        ) -> Searched {
            let visible = visible_sql::<E>(caller, backend, "t.id");
            Searched {
                table,
                name,
                rows: visible_rows_sql::<E>(caller, backend),
                visible: visible.map(|v| format!(" AND {v}")).unwrap_or_default(),
            }
        }
        type Of = fn(&'static str, &'static str, &Caller, DatabaseBackend) -> Searched;
        let (table, name, of): (_, _, Of) = match target {
            SearchType::Organization => {
                ("organizations", "name_folded", of::<organization::Entity>)
            }
            SearchType::Database => ("databases", "name_folded", of::<database::Entity>),
            SearchType::DataItem => ("data_items", "name_folded", of::<data_item::Entity>),
            SearchType::DataService => ("data_services", "name_folded", of::<data_service::Entity>),
            SearchType::OpenDataset => {
                ("open_datasets", "title_folded", of::<open_dataset::Entity>)
            }
        };
        of(table, name, caller, backend)
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub target: SearchType,
    pub id: i64,
    /// Higher is more relevant (see [`score`]).
    pub score: f64,
    /// Characters in the folded name: the shorter wins a tie.
    length: usize,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Results `offset..offset + limit`, best first.
    pub hits: Vec<Hit>,
    /// Whether results follow the page.
    pub more: bool,
    /// Whether some type had more matches than were ranked.
    pub truncated: bool,
}

/// Most words a search takes.
const MAX_WORDS: usize = 8;
/// Deepest result a search pages to.
pub const MAX_DEPTH: u64 = 1000;
/// Shortest last word matched also as a prefix: a one-character prefix ("1" in "huyện 1-1")
/// stands for a large part of the vocabulary, which every search would read.
const MIN_PREFIX: usize = 2;

/// The folded words of a query: letters and digits, at most [`MAX_WORDS`].
pub fn words(query: &str) -> Result<Vec<String>> {
    let words = tokens(&super::text::fold(query))
        .take(MAX_WORDS)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    if words.is_empty() {
        return Err(Error::bad_input("query", Text::key("search-needs-word")));
    }
    Ok(words)
}

/// The words of folded text as both indexes split it (at anything but letters and digits).
fn tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether the last of `words` also matches as a prefix.
fn last_is_prefix(words: &[String]) -> bool {
    words
        .last()
        .is_some_and(|w| w.chars().count() >= MIN_PREFIX)
}

/// The index's query: every word whole, the last maybe as a prefix.
fn pattern(
    words: &[String],
    whole: impl Fn(&str) -> String,
    prefix: impl Fn(&str) -> String,
    and: &str,
) -> String {
    let last = words.len() - 1;
    let prefix_last = last_is_prefix(words);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && prefix_last {
                prefix(w)
            } else {
                whole(w)
            }
        })
        .collect::<Vec<_>>()
        .join(and)
}

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalization.
const B: f64 = 0.75;
/// Words in a typical name and code, the lengths BM25 normalizes against.
const TYPICAL_NAME: f64 = 6.0;
const TYPICAL_CODE: f64 = 3.0;
/// How much more a word in the name counts than one in the code.
const NAME_WEIGHT: f64 = 10.0;

/// Relevance of a match: BM25 over its name (weighing [`NAME_WEIGHT`] times more) and its code
/// (folded as the indexes fold them), without BM25's inverse document frequency. Every match
/// contains every word, so that factor would scale all matches of a type alike; without it,
/// scores compare across types, and are the same on both databases. A word counts more the
/// more often it occurs, with diminishing returns, and less in a longer text.
pub fn score(words: &[String], name: &str, code: &str) -> f64 {
    let last = words.len() - 1;
    let prefix = last_is_prefix(words);
    let field = |text: &str, typical: f64| {
        let tokens: Vec<&str> = tokens(text).collect();
        let length = tokens.len() as f64;
        words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let tf = tokens
                    .iter()
                    .filter(|t| {
                        **t == word || (i == last && prefix && t.starts_with(word.as_str()))
                    })
                    .count() as f64;
                tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / typical))
            })
            .sum::<f64>()
    };
    // Codes are nearly always ASCII, which folds by lower-casing.
    let code = if code.is_ascii() {
        code.to_ascii_lowercase()
    } else {
        super::text::fold(code)
    };
    NAME_WEIGHT * field(name, TYPICAL_NAME) + field(&code, TYPICAL_CODE)
}

/// A match as read from the database: id, folded name, code.
type Row = (i64, String, String);

/// Results `offset..offset + limit`, best first. Of each type, the first `ranked` matches in
/// the indexes' order are scored (`truncated` says a type had more). Every page of a search
/// is cut from the same scored matches, so pages neither repeat nor skip a result.
pub async fn search(
    db: &DatabaseConnection,
    caller: &Caller,
    query: &str,
    targets: &[SearchType],
    (offset, limit): (u64, u64),
    ranked: u64,
) -> Result<Found> {
    if offset + limit > MAX_DEPTH {
        return Err(Error::LimitExceeded(
            Text::key("search-too-deep").arg("max", MAX_DEPTH),
        ));
    }
    let words = words(query)?;
    let targets = if targets.is_empty() {
        &ALL[..]
    } else {
        targets
    };
    let backend = db.get_database_backend();
    let query = match backend {
        DatabaseBackend::Postgres => pattern(&words, |w| w.to_owned(), |w| format!("{w}:*"), " & "),
        _ => pattern(&words, |w| format!("\"{w}\""), |w| format!("\"{w}\"*"), " "),
    };
    // The types at once, each on a connection of its own.
    let matched = futures_util::future::try_join_all(targets.iter().map(|&target| {
        let searched = Searched::of(target, caller, backend);
        let (query, words) = (&query, &words);
        async move {
            let (rows, more) = match backend {
                DatabaseBackend::Postgres => {
                    postgres::first_matches(db, &searched, words, query, ranked).await?
                }
                _ => sqlite_first_matches(db, &searched, query, ranked).await?,
            };
            Ok::<_, Error>((target, rows, more))
        }
    }))
    .await?;
    let truncated = matched.iter().any(|(_, _, more)| *more);
    let mut hits: Vec<Hit> = matched
        .into_iter()
        .flat_map(|(target, rows, _)| {
            let words = &words;
            rows.into_iter().map(move |(id, name, code)| Hit {
                target,
                id,
                score: score(words, &name, &code),
                length: name.chars().count(),
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        let order = |t: SearchType| ALL.iter().position(|x| *x == t);
        b.score
            .total_cmp(&a.score)
            .then(a.length.cmp(&b.length))
            .then_with(|| order(a.target).cmp(&order(b.target)))
            .then(a.id.cmp(&b.id))
    });
    let more = hits.len() as u64 > offset + limit;
    Ok(Found {
        hits: hits
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect(),
        more,
        truncated,
    })
}

/// SQLite's first matches: FTS5 yields them in rowid order, which is the search order
/// (migration 9), so the query stops after `ranked` of them.
async fn sqlite_first_matches(
    db: &DatabaseConnection,
    searched: &Searched,
    query: &str,
    ranked: u64,
) -> Result<(Vec<Row>, bool)> {
    let Searched {
        table,
        name,
        visible,
        ..
    } = searched;
    let sql = format!(
        "SELECT t.id, t.{name} AS name, t.code \
         FROM {table}_fts JOIN {table} t ON t.id = ({table}_fts.rowid & {ID_BITS}) \
         WHERE {table}_fts MATCH $1{visible} \
         ORDER BY {table}_fts.rowid LIMIT $2"
    );
    first(db, sql, query, ranked, Params::after(2)).await
}

/// The low 40 bits of an FTS5 rowid: the row's id (migration 9).
const ID_BITS: i64 = (1 << 40) - 1;

/// The first `ranked` rows `sql` returns, and whether it had more. Its parameters: `$1` the
/// index query, `$2` a row limit, then `extra` (see [`Params`]).
async fn first(
    db: &impl ConnectionTrait,
    sql: String,
    query: &str,
    ranked: u64,
    extra: Params,
) -> Result<(Vec<Row>, bool)> {
    let mut values = vec![Value::from(query), Value::from(ranked as i64 + 1)];
    values.extend(extra.values);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    let mut found = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get("", "id")?,
                row.try_get("", "name")?,
                row.try_get("", "code")?,
            ))
        })
        .collect::<Result<Vec<Row>>>()?;
    let more = found.len() as u64 > ranked;
    found.truncate(ranked as usize);
    Ok((found, more))
}

/// Parameters of a statement, numbered from a given one on.
struct Params {
    values: Vec<Value>,
    from: usize,
}

impl Params {
    /// After `taken` parameters the statement numbers itself.
    fn after(taken: usize) -> Self {
        Params {
            values: Vec::new(),
            from: taken + 1,
        }
    }

    /// Adds `value`, returning its placeholder.
    fn add(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.from + self.values.len() - 1)
    }
}

/// PostgreSQL's way to the first matches in the search order. The GIN index finds matches in
/// no useful order, so it is read only where every match must be anyway; the words tables of
/// migration 10 hold each word's rows in the order, keyed `(word, search_prior, id)`. Per
/// type:
///
/// 1. Whether a word is rare, in fewer than `ranked` × [`RARE`] rows (counted up to that, an
///    index-only read of at most that many keys per word), and whether the last word, a
///    prefix, stands for itself alone (no longer word starts so).
/// 2. A query with a rare word is narrow: its matches are among that word's rows, which are
///    read in order (a prefix's, sorted), each tested against the whole query, until
///    `ranked + 1` match.
/// 3. Otherwise its whole words' rows (and the prefix's, standing for itself alone) are
///    intersected in order, each row tested against the whole query (a prefix for several
///    words, and what the caller may read) until `ranked + 1` match: when the words are in
///    many names, the first matches come early in the order.
/// 4. A query of one prefix alone, for several common words, has no rows in order: the first
///    `ranked` × [`WINDOW`] rows of the order's B-tree are tested, read from the index alone
///    (it carries the `tsvector`), and when they hold no more than `ranked` matches, every
///    match is read through the GIN index and sorted.
///
/// The planner would choose among these by its estimate of the matches, which for words that
/// occur together (most queries' words) is off by orders of magnitude, and a wrong choice
/// reads a whole table; so each step sets the plan it needs, for the transaction only.
mod postgres {
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
    async fn estimates(
        txn: &DatabaseTransaction,
        table: &str,
        terms: &[Term<'_>],
    ) -> Result<Vec<f64>> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(q: &str) -> Vec<String> {
        words(q).unwrap()
    }

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(words_of("Dân cư"), vec!["dan", "cu"]);
        assert_eq!(words_of("  ĐẤT-đai\t"), vec!["dat", "dai"]);
        assert_eq!(words_of("000.03.39.H57"), vec!["000", "03", "39", "h57"]);
        assert!(words(" -- ").is_err());
        assert_eq!(words_of("a b c d e f g h i j").len(), MAX_WORDS);
    }

    #[test]
    fn the_last_word_is_a_prefix_from_two_characters() {
        let fts = |q: &str| {
            pattern(
                &words_of(q),
                |w| format!("\"{w}\""),
                |w| format!("\"{w}\"*"),
                " ",
            )
        };
        assert_eq!(fts("Dân cư"), "\"dan\" \"cu\"*");
        assert_eq!(fts("huyện 1-1"), "\"huyen\" \"1\" \"1\"");
        let pg = pattern(
            &words_of("Đất đ"),
            |w| w.to_owned(),
            |w| format!("{w}:*"),
            " & ",
        );
        assert_eq!(pg, "dat & d");
    }

    #[test]
    fn scores_favour_repeated_words_short_names_and_names_over_codes() {
        let q = words_of("dan cu");
        let short = score(&q, "dan cu", "DC-1");
        let long = score(&q, "thong tin dan cu thuong tru huyen nam dong", "DC-2");
        let twice = score(&q, "bien dong dan cu theo nam dan cu tam tru", "DC-3");
        let prefix = score(&q, "dan cuc", "DC-4");
        let code = score(&words_of("dc 1"), "dan cu", "DC-1");
        assert!(short > twice && twice > long, "{short} {twice} {long}");
        assert_eq!(prefix, short, "the last word matches as a prefix");
        assert!(code < short / 5.0, "{code} {short}");
        assert_eq!(score(&q, "Đất đai", "X"), 0.0);
    }
}
