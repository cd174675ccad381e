//! A nested read in one statement: pages inside pages, each row's fields and its children's
//! pages built into JSON by the database (`json_agg` on PostgreSQL, `json_group_array` on
//! SQLite), as one document per request instead of one statement per level and one decoded
//! model per row.
//!
//! Each level is an ordinary page statement (its filter, the reader's visibility, its order and
//! limit), correlated with the row of the level above by a foreign key. The levels read each
//! other only through aliases of their own (`sg_p<depth>`), so a level's conditions, which name
//! tables, see only their own table.

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement,
};
use sea_orm::{Condition, ConnectionTrait, DatabaseBackend, DbErr};
use serde_json::Value as Json;

/// What one key of a JSON object holds. The keys are positional (`f0`, `f1`, ...): whoever
/// built the tree knows which field each one answers.
pub enum Field {
    /// A column of the row the object describes, as stored.
    Column(&'static str),
    /// A page of rows below (or, at the top, the listed rows), as an array of objects.
    Rows(Box<Level>),
    /// How many rows a page's list holds in all.
    Count(Count),
    /// The row a column of this row points at, as an object (`null` if the reader may not
    /// see it).
    One(Box<One>),
    /// An object of fields about the same row (a connection's fields, an edge).
    Object(Vec<Field>),
    /// The first row of a level, as an object (`null` if it has none): a lookup.
    First(Box<Level>),
}

/// A page of rows and, for each, an object of its fields.
pub struct Level {
    /// The rows (filter, visibility, order and limit applied), as a statement over `table`.
    pub rows: SelectStatement,
    pub table: &'static str,
    /// The column of `table` that names the row above; `None` at the top.
    pub fk: Option<&'static str>,
    /// The page's order, as columns of `table`: the array keeps it.
    pub order: Vec<(&'static str, Order)>,
    pub fields: Vec<Field>,
}

/// The size of a list: the rows of `table` that match `condition` (and belong to the row
/// above by `fk`).
pub struct Count {
    pub table: &'static str,
    pub fk: Option<&'static str>,
    pub condition: Condition,
}

/// A to-one relation: the row of `table` whose `id` the row above holds in `fk`.
pub struct One {
    pub table: &'static str,
    pub id: &'static str,
    /// The column of the row above.
    pub fk: &'static str,
    /// Which rows of `table` the reader may see.
    pub visible: Condition,
    pub fields: Vec<Field>,
}

/// The key of the `i`th field of an object.
pub fn key(i: usize) -> String {
    format!("f{i}")
}

/// Reads `top` (an object of fields about no row: a connection) in one statement.
pub async fn read<C: ConnectionTrait>(db: &C, top: &[Field]) -> Result<Json, DbErr> {
    let backend = db.get_database_backend();
    let sql = Sql { backend };
    let document = sql.object(top, None, 0);
    let document = match backend {
        DatabaseBackend::Postgres => Expr::cust_with_exprs("CAST($1 AS text)", [document]),
        _ => document,
    };
    let stmt = Query::select()
        .expr_as(document, Alias::new("sg_json"))
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the document of a nested read".into()))?;
    let text: String = row.try_get("", "sg_json")?;
    serde_json::from_str(&text).map_err(|e| DbErr::Json(e.to_string()))
}

struct Sql {
    backend: DatabaseBackend,
}

fn alias(depth: usize) -> Alias {
    Alias::new(format!("sg_p{depth}"))
}

impl Sql {
    fn postgres(&self) -> bool {
        self.backend == DatabaseBackend::Postgres
    }

    /// A template's placeholders: numbered on PostgreSQL, `?` in order on SQLite.
    fn template(&self, text: &str, n: usize) -> String {
        if self.postgres() {
            return text.to_owned();
        }
        (1..=n).fold(text.to_owned(), |t, i| t.replacen(&format!("${i}"), "?", 1))
    }

    /// The object of `fields` about the row called `row` (at `depth` levels down).
    fn object(&self, fields: &[Field], row: Option<&Alias>, depth: usize) -> Expr {
        let mut args = Vec::with_capacity(fields.len() * 2);
        for (i, f) in fields.iter().enumerate() {
            // Positional keys, never the client's text: they are written into the SQL.
            args.push(Expr::cust(format!("'{}'", key(i))));
            args.push(self.field(f, row, depth));
        }
        let name = if self.postgres() {
            "json_build_object"
        } else {
            "json_object"
        };
        let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
        let n = args.len();
        Expr::cust_with_exprs(
            self.template(&format!("{name}({})", placeholders.join(", ")), n),
            args,
        )
    }

    /// A JSON value that the database built as text on SQLite (from a subquery) is JSON
    /// again only through `json()`.
    fn nested(&self, value: Expr) -> Expr {
        if self.postgres() {
            value
        } else {
            Expr::cust_with_exprs("json(?)", [value])
        }
    }

    fn field(&self, field: &Field, row: Option<&Alias>, depth: usize) -> Expr {
        match field {
            Field::Column(c) => Expr::col((
                row.expect("a column is read from a row").clone(),
                Alias::new(*c),
            )),
            Field::Object(fields) => self.object(fields, row, depth),
            Field::Rows(level) => self.nested(self.rows(level, row, depth + 1)),
            Field::First(level) => {
                let here = alias(depth + 1);
                let mut rows = level.rows.clone();
                rows.limit(1);
                let mut q = Query::select();
                q.expr(self.object(&level.fields, Some(&here), depth + 1))
                    .from_subquery(rows, here);
                self.nested(Expr::SubQuery(None, Box::new(q.into_sub_query_statement())))
            }
            Field::Count(count) => {
                let mut q = Query::select();
                q.expr(Expr::cust("COUNT(*)"))
                    .from(Alias::new(count.table))
                    .cond_where(count.condition.clone());
                if let (Some(fk), Some(row)) = (count.fk, row) {
                    q.and_where(
                        Expr::col((Alias::new(count.table), Alias::new(fk)))
                            .equals((row.clone(), Alias::new("id"))),
                    );
                }
                Expr::SubQuery(None, Box::new(q.into_sub_query_statement()))
            }
            Field::One(one) => {
                let here = alias(depth + 1);
                let row = row.expect("a relation is followed from a row");
                let mut target = Query::select();
                target
                    .column(sea_orm::sea_query::Asterisk)
                    .from(Alias::new(one.table))
                    .cond_where(one.visible.clone())
                    .and_where(
                        Expr::col((Alias::new(one.table), Alias::new(one.id)))
                            .equals((row.clone(), Alias::new(one.fk))),
                    );
                let mut q = Query::select();
                q.expr(self.object(&one.fields, Some(&here), depth + 1))
                    .from_subquery(target, here);
                self.nested(Expr::SubQuery(None, Box::new(q.into_sub_query_statement())))
            }
        }
    }

    /// The array of one page's objects, in the page's order.
    fn rows(&self, level: &Level, above: Option<&Alias>, depth: usize) -> Expr {
        let here = alias(depth);
        let mut rows = level.rows.clone();
        if let (Some(fk), Some(above)) = (level.fk, above) {
            rows.and_where(
                Expr::col((Alias::new(level.table), Alias::new(fk)))
                    .equals((above.clone(), Alias::new("id"))),
            );
        }
        let order: Vec<String> = level
            .order
            .iter()
            .map(|(c, o)| {
                let dir = match o {
                    Order::Desc => "DESC",
                    _ => "ASC",
                };
                format!("sg_p{depth}.\"{c}\" {dir}")
            })
            .collect();
        let object = self.object(&level.fields, Some(&here), depth);
        let from = Expr::SubQuery(None, Box::new(rows.into_sub_query_statement()));
        let text = if self.postgres() {
            format!(
                "(SELECT COALESCE(json_agg($1 ORDER BY {}), '[]'::json) FROM $2 AS sg_p{depth})",
                order.join(", ")
            )
        } else {
            format!(
                "(SELECT json_group_array($1 ORDER BY {}) FROM $2 AS sg_p{depth})",
                order.join(", ")
            )
        };
        Expr::cust_with_exprs(self.template(&text, 2), [object, from])
    }
}
