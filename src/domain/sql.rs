//! Hand-written SQL that must run on SQLite and PostgreSQL alike.

use sea_orm::{DatabaseBackend, Statement, Value};

/// Builds a statement from SQL written with `?` placeholders, renumbering them `$1, $2, ...`
/// for PostgreSQL. The SQL text here is ours, never the client's, and holds no `?` literals.
pub fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// A subquery yielding the ids of a JSON array bound as one `?`: `x IN (<this>)` takes any
/// number of ids in one statement whose text never changes, so there is no bound-parameter
/// limit to chunk around and one cached prepared statement serves every call.
pub fn id_list(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => {
            "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))"
        }
        _ => "SELECT value FROM json_each(?)",
    }
}

/// The value bound for an [`id_list`].
pub fn ids_value(ids: &[i64]) -> Value {
    Value::from(serde_json::to_string(ids).expect("ids serialize"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbers_for_postgres_only() {
        let pg = statement(
            DatabaseBackend::Postgres,
            "a = ? AND b IN (?, ?)",
            vec![1.into(), 2.into(), 3.into()],
        );
        assert_eq!(pg.sql, "a = $1 AND b IN ($2, $3)");
        let lite = statement(DatabaseBackend::Sqlite, "a = ?", vec![1.into()]);
        assert_eq!(lite.sql, "a = ?");
    }
}
