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

mod postgres;
mod sqlite;

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
                _ => sqlite::first_matches(db, &searched, query, ranked).await?,
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
