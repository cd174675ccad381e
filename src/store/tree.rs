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

/// What one key of a JSON object holds. The keys are positional (`f0`, `f1`, ...): whoever
/// built the tree knows which field each one answers.
pub enum Field {
    /// A column of the row the object describes, as stored.
    Column(&'static str),
    /// A page of rows below (or, at the top, the listed rows), as an array of objects.
    Rows(Box<Level>),
    /// How many rows a page's list holds in all.
    Count(Count),
    /// An object of fields about the same row (a connection's fields, an edge).
    Object(Vec<Field>),
    /// The first row of a level, as an object (`null` if it has none): a lookup, or the row a
    /// column of this row points at ([`Link::Parent`]).
    First(Box<Level>),
}

/// How a level's rows belong to the row above.
#[derive(Clone, Copy)]
pub enum Link {
    /// They do not: the top.
    None,
    /// The level's column names the row above (`table.fk = above.id`): its children.
    Child(&'static str),
    /// The row above's column names the level's row (`table.id = above.fk`): a to-one
    /// relation.
    Parent(&'static str),
}

impl Link {
    /// The condition correlating `table`'s rows with the row called `above`.
    fn on(self, table: &'static str, above: Option<&Alias>) -> Option<Expr> {
        let above = above?.clone();
        let (here, there) = match self {
            Link::None => return None,
            Link::Child(fk) => (fk, "id"),
            Link::Parent(fk) => ("id", fk),
        };
        Some(Expr::col((Alias::new(table), Alias::new(here))).equals((above, Alias::new(there))))
    }
}

/// A page of rows and, for each, an object of its fields.
pub struct Level {
    /// The rows (filter, visibility, order and limit applied), as a statement over `table`.
    pub rows: SelectStatement,
    pub table: &'static str,
    pub link: Link,
    /// The page's order, as columns of `table`: the array keeps it.
    pub order: Vec<(&'static str, Order)>,
    pub fields: Vec<Field>,
}

impl Level {
    /// The level's rows, correlated with the row called `above`.
    fn rows_below(&self, above: Option<&Alias>) -> SelectStatement {
        let mut rows = self.rows.clone();
        if let Some(on) = self.link.on(self.table, above) {
            rows.and_where(on);
        }
        rows
    }
}

/// The size of a list: the rows of `table` that match `condition` (and belong to the row
/// above by `link`).
pub struct Count {
    pub table: &'static str,
    pub link: Link,
    pub condition: Condition,
}

/// The key of the `i`th field of an object.
pub fn key(i: usize) -> String {
    format!("f{i}")
}

/// Reads `top` (an object of fields about no row: a connection) in one statement, as JSON text.
pub async fn read<C: ConnectionTrait>(db: &C, top: &[Field]) -> Result<String, DbErr> {
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
    row.try_get("", "sg_json")
}

struct Sql {
    backend: DatabaseBackend,
}

fn alias(depth: usize) -> Alias {
    Alias::new(format!("sg_p{depth}"))
}

fn subquery(q: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(q.into_sub_query_statement()))
}

impl Sql {
    fn postgres(&self) -> bool {
        self.backend == DatabaseBackend::Postgres
    }

    /// The `i`th placeholder of a custom expression: numbered on PostgreSQL, `?` on SQLite.
    fn placeholder(&self, i: usize) -> String {
        if self.postgres() {
            format!("${i}")
        } else {
            "?".to_owned()
        }
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
        let placeholders: Vec<String> = (1..=args.len()).map(|i| self.placeholder(i)).collect();
        Expr::cust_with_exprs(format!("{name}({})", placeholders.join(", ")), args)
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
                let mut rows = level.rows_below(row);
                rows.limit(1);
                let mut q = Query::select();
                q.expr(self.object(&level.fields, Some(&here), depth + 1))
                    .from_subquery(rows, here);
                self.nested(subquery(q))
            }
            Field::Count(count) => {
                let mut q = Query::select();
                q.expr(Expr::cust("COUNT(*)"))
                    .from(Alias::new(count.table))
                    .cond_where(count.condition.clone());
                if let Some(on) = count.link.on(count.table, row) {
                    q.and_where(on);
                }
                subquery(q)
            }
        }
    }

    /// The array of one page's objects, in the page's order.
    fn rows(&self, level: &Level, above: Option<&Alias>, depth: usize) -> Expr {
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
        let object = self.object(&level.fields, Some(&alias(depth)), depth);
        let from = subquery(level.rows_below(above));
        let (one, two) = (self.placeholder(1), self.placeholder(2));
        let text = if self.postgres() {
            format!(
                "(SELECT COALESCE(json_agg({one} ORDER BY {}), '[]'::json) FROM {two} AS sg_p{depth})",
                order.join(", ")
            )
        } else {
            format!(
                "(SELECT json_group_array({one} ORDER BY {}) FROM {two} AS sg_p{depth})",
                order.join(", ")
            )
        };
        Expr::cust_with_exprs(text, [object, from])
    }
}
