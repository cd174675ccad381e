//! The one paging mechanism: keyset (cursor) pages over any entity, either over a whole table
//! or per parent row (children by a foreign key), for many parents in one statement.
//!
//! Per-parent pages use `ROW_NUMBER() OVER (PARTITION BY fk ORDER BY ...)` so that a DataLoader
//! batch of N parents costs one statement, whatever N is. Cursors carry the sort-key values of
//! the row they point at (plus its id, the final tie-breaker), so a page is stable under inserts
//! and deletes elsewhere in the list.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, IntoCondition, JoinType, Order, Query, SelectStatement,
    UnionType, WindowStatement,
};
use sea_orm::{
    ColumnTrait, ColumnType, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter, QueryOrder, QueryResult,
    QuerySelect, QueryTrait, Value,
};
use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::i18n::Text;

/// An entity that can be listed: it has a single `id` primary key column.
pub trait Listable: EntityTrait<Model: FromQueryResult + ModelTrait<Entity = Self> + Sync> {
    fn id_column() -> Self::Column {
        Self::PrimaryKey::iter()
            .next()
            .expect("entity has a primary key")
            .into_column()
    }
}

impl<E> Listable for E where E: EntityTrait<Model: FromQueryResult + ModelTrait<Entity = E> + Sync> {}

/// Which way a list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Asc,
    Desc,
}

/// The window a client asked for, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Window {
    /// Rows wanted.
    pub limit: u64,
    /// `last`/`before` paging: the page ends at the end of the range.
    pub backward: bool,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// Raw paging arguments as a client sends them (Relay's `first/after/last/before`).
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Validates the arguments against the configured page sizes.
    pub fn window(self, default_size: u64, max_size: u64) -> Result<Window> {
        let size = |name: &str, n: i32| -> Result<u64> {
            if n < 0 {
                return Err(Error::bad_input(
                    name,
                    Text::key("not-negative").arg("field", name),
                ));
            }
            let n = n as u64;
            if n > max_size {
                return Err(Error::LimitExceeded(
                    Text::key("page-size-max")
                        .arg("field", name)
                        .arg("size", n)
                        .arg("max", max_size),
                ));
            }
            Ok(n)
        };
        let (limit, backward) = match (self.first, self.last) {
            (Some(_), Some(_)) => {
                return Err(Error::bad_input("last", Text::key("page-first-or-last")));
            }
            (Some(f), None) => (size("first", f)?, false),
            (None, Some(l)) => (size("last", l)?, true),
            // `before` alone reads backwards from it, as a client would expect.
            (None, None) => (Ord::min(default_size, max_size), self.before.is_some()),
        };
        Ok(Window {
            limit,
            backward,
            after: self.after,
            before: self.before,
        })
    }
}

/// One list request: filter, order and window, with the cursors decoded.
pub struct ListQuery<E: Listable> {
    pub condition: Condition,
    /// Sort keys; the id is appended as the last key by the mechanism itself.
    order: Vec<(E::Column, Direction)>,
    limit: u64,
    backward: bool,
    after: Option<Vec<Value>>,
    before: Option<Vec<Value>>,
    /// Identifies filter + order + window: equal fingerprints mean equal queries, so loader
    /// keys can be hashed without hashing sea-query conditions.
    pub fingerprint: String,
    /// A hash of `fingerprint`, computed once: loader keys are hashed several times each, and
    /// a nested page has thousands of them sharing one query.
    pub fingerprint_hash: u64,
    /// To-one relations read in the page's statement.
    joins: Vec<Join>,
}

/// Another table's row that each listed row points at (a to-one relation the client follows),
/// read in the page's statement by a `LEFT JOIN` instead of by a statement of its own once the
/// page is in: one round trip fewer per level, as a hand-written join would do it.
#[derive(Clone)]
pub struct Join {
    /// The listed entity's column that names the row.
    pub fk: &'static str,
    pub table: &'static str,
    /// The joined table's id column.
    pub id: &'static str,
    pub columns: Vec<&'static str>,
    /// The name the joined table goes by in the statement, which also prefixes its columns
    /// there (`<alias><column>`), so it ends in `_`.
    pub alias: String,
    /// Which rows of the table may be joined (the reader's visibility), written against
    /// `alias`.
    pub on: Condition,
    /// The joined entity, and how its model is read from a row under a column prefix.
    pub target: TypeId,
    pub read: fn(&QueryResult, &str) -> Result<AnyModel, DbErr>,
}

/// A model of any entity.
pub type AnyModel = Arc<dyn Any + Send + Sync>;

/// A joined row, read with a page: (the joined entity, its id, its model).
pub type JoinedRow = (TypeId, i64, AnyModel);

impl<E: Listable> std::fmt::Debug for ListQuery<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListQuery")
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

/// A row's place in its list. Encoded only when a client asks for it: most pages are read
/// for their nodes, and encoding every row's cursor cost a tenth of a nested page's CPU.
#[derive(Debug, Clone)]
pub enum Cursor {
    /// The row's sort-key values, under its list's order signature.
    Keys { order: Arc<str>, values: Vec<Value> },
    /// Already encoded.
    Text(String),
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self {
            Self::Keys { order, values } => {
                let values: Vec<Json> = values.iter().cloned().map(value_to_json).collect();
                let json = serde_json::json!({ "o": &**order, "k": values });
                URL_SAFE_NO_PAD.encode(json.to_string())
            }
            Self::Text(text) => text.clone(),
        }
    }
}

/// A page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<M> {
    pub rows: Vec<(Cursor, M)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }
}

impl<E: Listable> ListQuery<E> {
    /// Builds a query; `filter_key` must identify `condition` (the filter input's debug text).
    /// Each of `joins` reads the row a listed row points at with the page (their aliases must
    /// differ).
    pub fn new(
        condition: Condition,
        filter_key: String,
        order: Vec<(E::Column, Direction)>,
        window: Window,
        joins: Vec<Join>,
    ) -> Result<Self> {
        let order_key = order_signature::<E>(&order);
        let decode = |field: &str, cursor: &Option<String>| -> Result<Option<Vec<Value>>> {
            cursor
                .as_deref()
                .map(|c| decode_cursor::<E>(field, c, &order, &order_key))
                .transpose()
        };
        let after = decode("after", &window.after)?;
        let before = decode("before", &window.before)?;
        let mut fingerprint = format!("{filter_key}|{order_key}|{window:?}");
        for j in &joins {
            fingerprint.push_str(&format!("|{}>{}", j.fk, j.table));
        }
        let fingerprint_hash = {
            use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
            BuildHasherDefault::<DefaultHasher>::default().hash_one(&fingerprint)
        };
        Ok(Self {
            condition,
            order,
            limit: window.limit,
            backward: window.backward,
            after,
            before,
            fingerprint,
            fingerprint_hash,
            joins,
        })
    }

    /// The same query over fewer rows: `extra` is added to the filter (a caller's visibility).
    pub fn and(&self, extra: Condition) -> Self {
        Self {
            condition: self.condition.clone().add(extra),
            order: self.order.clone(),
            limit: self.limit,
            backward: self.backward,
            after: self.after.clone(),
            before: self.before.clone(),
            fingerprint: self.fingerprint.clone(),
            fingerprint_hash: self.fingerprint_hash,
            joins: self.joins.clone(),
        }
    }

    /// `rows` (a statement of the listed entity's rows) with the joined tables' rows beside
    /// them, in `order` (columns of `rows`); `rows` as it is when nothing is joined.
    fn joined(&self, rows: SelectStatement, order: &[(&str, Order)]) -> SelectStatement {
        if self.joins.is_empty() {
            return rows;
        }
        let page = Alias::new("sg_joined");
        let mut q = Query::select();
        q.column((page.clone(), Asterisk))
            .from_subquery(rows, page.clone());
        for j in &self.joins {
            let t = Alias::new(&j.alias);
            let on = Condition::all()
                .add(
                    Expr::col((t.clone(), Alias::new(j.id)))
                        .equals((page.clone(), Alias::new(j.fk))),
                )
                .add(j.on.clone());
            q.join_as(JoinType::LeftJoin, Alias::new(j.table), t.clone(), on);
            for c in &j.columns {
                q.expr_as(
                    Expr::col((t.clone(), Alias::new(*c))),
                    Alias::new(format!("{}{c}", j.alias)),
                );
            }
        }
        for (col, o) in order {
            q.order_by((page.clone(), Alias::new(*col)), o.clone());
        }
        q
    }

    /// Reads one listed row, and into `out` the rows joined to it, each joined row once
    /// (`seen`).
    fn read_row(
        &self,
        row: &QueryResult,
        seen: &mut HashSet<(usize, i64)>,
        out: &mut Vec<JoinedRow>,
    ) -> Result<E::Model, DbErr> {
        for (i, j) in self.joins.iter().enumerate() {
            let id: Option<i64> = row.try_get(&j.alias, j.id)?;
            if let Some(id) = id
                && seen.insert((i, id))
            {
                out.push((j.target, id, (j.read)(row, &j.alias)?));
            }
        }
        E::Model::from_query_result(row, "")
    }

    /// All sort keys including the id tie-breaker, in reading order.
    fn keys(&self) -> Vec<(E::Column, Direction)> {
        let mut keys = self.order.clone();
        keys.push((E::id_column(), Direction::Asc));
        keys
    }

    /// The condition restricting rows to those between the cursors.
    fn range_condition(&self) -> Condition {
        let keys = self.keys();
        let mut cond = Condition::all();
        if let Some(values) = &self.after {
            cond = cond.add(keyset::<E>(&keys, values, true));
        }
        if let Some(values) = &self.before {
            cond = cond.add(keyset::<E>(&keys, values, false));
        }
        cond
    }

    fn sql_order(&self) -> Vec<(E::Column, Order)> {
        self.keys()
            .into_iter()
            .map(|(col, dir)| {
                // Backward pages are read in reverse and flipped afterwards.
                let asc = (dir == Direction::Asc) != self.backward;
                (col, if asc { Order::Asc } else { Order::Desc })
            })
            .collect()
    }

    fn finish(&self, mut rows: Vec<E::Model>) -> Page<E::Model> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward {
            rows.reverse();
        }
        let keys = self.keys();
        let order: Arc<str> = order_signature::<E>(&self.order).into();
        let rows = rows
            .into_iter()
            .map(|m| {
                let values = keys.iter().map(|(c, _)| m.get(*c)).collect();
                let order = order.clone();
                (Cursor::Keys { order, values }, m)
            })
            .collect();
        // Relay lets a server answer the "other side" flag cheaply: rows exist beyond a cursor
        // the client already holds.
        if self.backward {
            Page {
                rows,
                has_previous_page: more,
                has_next_page: self.before.is_some(),
            }
        } else {
            Page {
                rows,
                has_next_page: more,
                has_previous_page: self.after.is_some(),
            }
        }
    }

    /// The page over the whole table as one statement, and its order as column names, for a
    /// statement that reads it nested ([`crate::store::tree`]). It reads no row past the page,
    /// so it cannot tell `hasNextPage`. `None` for a backward page, which is read in reverse.
    pub fn statement(&self) -> Option<(SelectStatement, Vec<(&'static str, Order)>)> {
        if self.backward {
            return None;
        }
        let (select, order) = self.table_page(self.limit);
        let order = order.into_iter().map(|(c, o)| (c.as_str(), o)).collect();
        Some((select.into_query(), order))
    }

    /// The table's rows in range, in reading order, at most `limit`; and that order.
    fn table_page(&self, limit: u64) -> (sea_orm::Select<E>, Vec<(E::Column, Order)>) {
        let order = self.sql_order();
        let mut select = E::find()
            .filter(self.condition.clone())
            .filter(self.range_condition());
        for (col, o) in &order {
            select = select.order_by(*col, o.clone());
        }
        (select.limit(limit), order)
    }

    /// One page over the whole table; the rows its joins read go to `joined`.
    pub async fn fetch_all<C: ConnectionTrait>(
        &self,
        db: &C,
        joined: &mut Vec<JoinedRow>,
    ) -> Result<Page<E::Model>, DbErr> {
        // One row past the page tells whether another follows.
        let (select, order) = self.table_page(self.limit + 1);
        if self.joins.is_empty() {
            return Ok(self.finish(select.all(db).await?));
        }
        let order: Vec<(&str, Order)> = order.into_iter().map(|(c, o)| (c.as_str(), o)).collect();
        let stmt = self.joined(select.into_query(), &order);
        let mut seen = HashSet::new();
        let rows = db
            .query_all(&stmt)
            .await?
            .iter()
            .map(|row| self.read_row(row, &mut seen, joined))
            .collect::<Result<_, _>>()?;
        Ok(self.finish(rows))
    }

    /// One page per parent, children found by the foreign key `fk`.
    ///
    /// Each parent's page is read on its own with `ORDER BY ... LIMIT` from the `(fk, sort key)`
    /// index, however many children the parent has (a ministry with thousands of databases costs
    /// what a commune with three does): on PostgreSQL as one `LATERAL` join over the list of
    /// parents. SQLite has no `LATERAL`: for up to [`BRANCHES`] parents it runs a `UNION ALL` of
    /// one branch per parent; for more (the deep levels of a nested listing, where parents are
    /// many and their children few) one `ROW_NUMBER() OVER (PARTITION BY fk ...)` statement,
    /// whose cost grows with the children of all parents but whose preparation does not grow
    /// with their number (measured on 1M items: a 400-branch union took 85 ms to prepare, the
    /// windowed statement 20 ms in all for 4,000 parents; the union took 3 ms where the window
    /// took 149 ms over 20 ministries with thousands of databases each).
    ///
    /// The rows its joins read go to `joined`.
    pub async fn fetch_children<C: ConnectionTrait>(
        &self,
        db: &C,
        fk: E::Column,
        parents: &[i64],
        joined: &mut Vec<JoinedRow>,
    ) -> Result<HashMap<i64, Page<E::Model>>, DbErr> {
        let mut grouped: HashMap<i64, Vec<(i64, E::Model)>> = HashMap::new();
        let mut seen = HashSet::new();
        let mut collect = |rows: Vec<sea_orm::QueryResult>| -> Result<(), DbErr> {
            for row in rows {
                let model = self.read_row(&row, &mut seen, joined)?;
                let rn: i64 = row.try_get("", "sg_rn")?;
                if let Some(parent) = as_i64(&model.get(fk)) {
                    grouped.entry(parent).or_default().push((rn, model));
                }
            }
            Ok(())
        };
        let backend = db.get_database_backend();
        if backend == sea_orm::DatabaseBackend::Postgres {
            if !parents.is_empty() {
                let parent = Expr::cust("CAST(sg_parent.v AS BIGINT)");
                let page = self.numbered_page(fk.into_expr().eq(parent), "sg_page");
                let page = self.joined(page, &[]);
                let built = backend.build(&page);
                let mut values = built.values.map(|v| v.0).unwrap_or_default();
                let sql = format!(
                    "SELECT sg_rows.* FROM json_array_elements_text(CAST(${} AS json)) AS sg_parent(v) \
                     CROSS JOIN LATERAL ({}) AS sg_rows",
                    values.len() + 1,
                    built.sql
                );
                values.push(Value::from(
                    serde_json::to_string(parents).expect("ids serialize"),
                ));
                let stmt = sea_orm::Statement::from_sql_and_values(backend, sql, values);
                collect(db.query_all_raw(stmt).await?)?;
            }
        } else if parents.len() > BRANCHES {
            let mut window = WindowStatement::partition_by(fk);
            for (col, order) in self.sql_order() {
                window.order_by(col, order);
            }
            let mut inner = E::find()
                .filter(self.condition.clone())
                .filter(self.range_condition())
                .filter(fk.is_in(parents.iter().copied()))
                .into_query();
            inner.expr_window_as(Func::cust("ROW_NUMBER"), window, "sg_rn");
            let outer = Query::select()
                .column(Asterisk)
                .from_subquery(inner, Alias::new("sg_page"))
                .and_where(Expr::col("sg_rn").lte((self.limit + 1) as i64))
                .to_owned();
            collect(db.query_all(&self.joined(outer, &[])).await?)?;
        } else {
            let mut union: Option<SelectStatement> = None;
            for (i, parent) in parents.iter().enumerate() {
                let branch = self.numbered_page(fk.into_expr().eq(*parent), &format!("sg_b{i}"));
                union = Some(match union {
                    None => branch,
                    Some(mut u) => {
                        u.union(UnionType::All, branch);
                        u
                    }
                });
            }
            if let Some(union) = union {
                collect(db.query_all(&self.joined(union, &[])).await?)?;
            }
        }
        Ok(parents
            .iter()
            .map(|p| {
                let mut rows = grouped.remove(p).unwrap_or_default();
                rows.sort_by_key(|(rn, _)| *rn);
                (*p, self.finish(rows.into_iter().map(|(_, m)| m).collect()))
            })
            .collect())
    }

    /// One parent's page (`parent` selects it), its rows numbered `sg_rn` in page order: the
    /// numbering survives whatever the enclosing statement does to row order.
    fn numbered_page(&self, parent: Expr, alias: &str) -> SelectStatement {
        let mut page = E::find()
            .filter(self.condition.clone())
            .filter(self.range_condition())
            .filter(parent);
        for (col, order) in self.sql_order() {
            page = page.order_by(col, order);
        }
        let page = page.limit(self.limit + 1).into_query();
        let mut window = WindowStatement::new();
        for (col, order) in self.sql_order() {
            window.order_by_expr(Expr::col(Alias::new(col.as_str())), order);
        }
        Query::select()
            .column(Asterisk)
            .expr_window_as(Func::cust("ROW_NUMBER"), window, "sg_rn")
            .from_subquery(page, Alias::new(alias))
            .to_owned()
    }
}

/// Most parents whose pages SQLite reads as a `UNION ALL` of per-parent branches.
const BRANCHES: usize = 50;

/// A many-to-many link table: rows of the listed entity are children of `parent` through it.
#[derive(Debug)]
pub struct Link {
    pub table: &'static str,
    /// Column naming the parent.
    pub parent: &'static str,
    /// Column naming the listed entity's id.
    pub child: &'static str,
}

impl<E: Listable> ListQuery<E> {
    /// One page per parent, children found through a link table, in one statement; the rows
    /// its joins read go to `joined`.
    pub async fn fetch_linked<C: ConnectionTrait>(
        &self,
        db: &C,
        link: &Link,
        parents: &[i64],
        joined: &mut Vec<JoinedRow>,
    ) -> Result<HashMap<i64, Page<E::Model>>, DbErr> {
        if parents.is_empty() {
            return Ok(HashMap::new());
        }
        let parent_col = (Alias::new(link.table), Alias::new(link.parent));
        let mut window = WindowStatement::partition_by(parent_col.clone());
        for (col, order) in self.sql_order() {
            window.order_by(col, order);
        }
        let mut inner = E::find()
            .filter(self.condition.clone())
            .filter(self.range_condition())
            .into_query();
        inner
            .inner_join(
                Alias::new(link.table),
                Expr::col((Alias::new(link.table), Alias::new(link.child)))
                    .equals((E::default(), E::id_column())),
            )
            .and_where(Expr::col(parent_col.clone()).is_in(parents.iter().copied()))
            .expr_as(Expr::col(parent_col), "sg_parent")
            .expr_window_as(Func::cust("ROW_NUMBER"), window, "sg_rn");
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new("sg_page"))
            .and_where(Expr::col("sg_rn").lte((self.limit + 1) as i64))
            .order_by("sg_rn", Order::Asc)
            .to_owned();
        let rows = db
            .query_all(&self.joined(outer, &[("sg_rn", Order::Asc)]))
            .await?;
        let mut grouped: HashMap<i64, Vec<E::Model>> = HashMap::new();
        let mut seen = HashSet::new();
        for row in rows {
            let model = self.read_row(&row, &mut seen, joined)?;
            let parent: i64 = row.try_get("", "sg_parent")?;
            grouped.entry(parent).or_default().push(model);
        }
        Ok(parents
            .iter()
            .map(|p| (*p, self.finish(grouped.remove(p).unwrap_or_default())))
            .collect())
    }
}

/// Counts matching children per parent through a link table, in one grouped statement.
pub async fn count_linked<E: Listable, C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    link: &Link,
    parents: &[i64],
) -> Result<HashMap<i64, u64>, DbErr> {
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let parent_col = (Alias::new(link.table), Alias::new(link.parent));
    let mut stmt = E::find().filter(condition).into_query();
    stmt.clear_selects();
    stmt.inner_join(
        Alias::new(link.table),
        Expr::col((Alias::new(link.table), Alias::new(link.child)))
            .equals((E::default(), E::id_column())),
    )
    .expr_as(Expr::col(parent_col.clone()), "parent")
    .expr_as(Expr::col(Asterisk).count(), "n")
    .and_where(Expr::col(parent_col.clone()).is_in(parents.iter().copied()))
    .group_by_col(parent_col);
    let rows = db.query_all(&stmt).await?;
    let mut counts: HashMap<i64, u64> = parents.iter().map(|p| (*p, 0)).collect();
    for row in rows {
        let parent: i64 = row.try_get("", "parent")?;
        let n: i64 = row.try_get("", "n")?;
        counts.insert(parent, n as u64);
    }
    Ok(counts)
}

/// Counts rows matching a filter, over the whole table.
pub async fn count_all<E: Listable, C: ConnectionTrait>(
    db: &C,
    condition: Condition,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    E::find().filter(condition).count(db).await
}

/// Counts matching children per parent in one grouped statement.
pub async fn count_children<E: Listable, C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    fk: E::Column,
    parents: &[i64],
) -> Result<HashMap<i64, u64>, DbErr> {
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i64>, i64)> = E::find()
        .select_only()
        .column(fk)
        .column_as(Expr::col(Asterisk).count(), "n")
        .filter(condition)
        .filter(fk.is_in(parents.iter().copied()))
        .group_by(fk)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, u64> = parents.iter().map(|p| (*p, 0)).collect();
    for (parent, n) in rows {
        if let Some(parent) = parent {
            counts.insert(parent, n as u64);
        }
    }
    Ok(counts)
}

/// Rows strictly after (or before) the cursor row in key order:
/// `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...`, with `>` turned for descending keys.
fn keyset<E: Listable>(
    keys: &[(E::Column, Direction)],
    values: &[Value],
    after: bool,
) -> Condition {
    let mut any = Condition::any();
    for i in 0..keys.len() {
        let mut all = Condition::all();
        for j in 0..i {
            all = all.add(keys[j].0.eq(values[j].clone()));
        }
        let (col, dir) = keys[i];
        let greater = (dir == Direction::Asc) == after;
        let v = values[i].clone();
        all = all.add(if greater { col.gt(v) } else { col.lt(v) });
        any = any.add(all);
    }
    any.into_condition()
}

/// Names the sort so that a cursor from one ordering is refused under another.
fn order_signature<E: Listable>(order: &[(E::Column, Direction)]) -> String {
    order
        .iter()
        .map(|(c, d)| {
            format!(
                "{}:{}",
                c.as_str(),
                if *d == Direction::Asc { "a" } else { "d" }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_cursor<E: Listable>(
    field: &str,
    cursor: &str,
    order: &[(E::Column, Direction)],
    order_key: &str,
) -> Result<Vec<Value>> {
    let invalid = || Error::bad_input(field, Text::key("cursor-invalid").arg("field", field));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let json: Json = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if json.get("o").and_then(Json::as_str) != Some(order_key) {
        return Err(Error::bad_input(
            field,
            Text::key("cursor-other-order").arg("field", field),
        ));
    }
    let values = json.get("k").and_then(Json::as_array).ok_or_else(invalid)?;
    let columns: Vec<E::Column> = order
        .iter()
        .map(|(c, _)| *c)
        .chain(std::iter::once(E::id_column()))
        .collect();
    if values.len() != columns.len() {
        return Err(invalid());
    }
    columns
        .iter()
        .zip(values)
        .map(|(col, v)| json_to_value(col.def().get_column_type(), v).ok_or_else(invalid))
        .collect()
}

fn value_to_json(value: Value) -> Json {
    match value {
        Value::String(Some(s)) => Json::String(s),
        Value::BigInt(Some(n)) => Json::from(n),
        Value::Int(Some(n)) => Json::from(n),
        Value::ChronoDateTimeUtc(Some(t)) => {
            Json::String(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        }
        _ => Json::Null,
    }
}

fn json_to_value(ty: &ColumnType, v: &Json) -> Option<Value> {
    match ty {
        ColumnType::BigInteger => v.as_i64().map(Value::from),
        ColumnType::Integer => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Value::from),
        ColumnType::TimestampWithTimeZone => v
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| Value::from(t.with_timezone(&chrono::Utc))),
        // NUL cannot be stored (nor compared with) in PostgreSQL text, so no real cursor has one.
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => v
            .as_str()
            .filter(|s| !s.contains('\0'))
            .map(|s| Value::from(s.to_owned())),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::BigInt(Some(n)) => Some(*n),
        Value::Int(Some(n)) => Some(i64::from(*n)),
        _ => None,
    }
}
