//! Glue between the paging mechanism ([`crate::store::page`]) and Relay connections:
//! the `orderBy` input, `totalCount`, and [`list`], which every list field calls.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::parser::types::Field;
use async_graphql::registry::{MetaType, Registry};
use sea_orm::IdenStatic;

use async_graphql::{
    Context, ContextSelectionSet, InputType, Object, ObjectType, OutputType, Positioned,
    ServerResult, Value,
};

use super::compiled::{self, Answer};
use super::context::ContextData;
use super::filter::{OrderField, SortDirection, WhereInput};
use super::loader::{By, CountKey, Follows, PageKey, RequestLoader, Scope};
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::store::page::{Cursor, Direction, ListQuery, Page, PageArgs};

/// Most sort keys one `orderBy` may name.
const MAX_SORT_KEYS: usize = 3;

/// One sort key, as the list resolvers read it. The GraphQL input of each type's list
/// (`OrganizationOrder`, ...) is declared in that type's file with [`order_input!`].
#[derive(Debug, Clone)]
pub struct OrderBy<F> {
    pub field: F,
    pub direction: SortDirection,
}

/// Declares the GraphQL input of one sort key of a list ordered by `$field` (the enum of its
/// sortable fields), named `$name`, and its conversion to [`OrderBy`].
macro_rules! order_input {
    ($name:ident, $field:ty) => {
        /// One sort key.
        #[derive(async_graphql::InputObject, Debug, Clone)]
        pub struct $name {
            /// The field to sort by.
            pub field: $field,
            /// Ascending (the default) or descending.
            #[graphql(default)]
            pub direction: $crate::graphql::filter::SortDirection,
        }

        impl From<$name> for $crate::graphql::connection::OrderBy<$field> {
            fn from(key: $name) -> Self {
                Self {
                    field: key.field,
                    direction: key.direction,
                }
            }
        }
    };
}
pub(crate) use order_input;

/// A list's connection type: edges, nodes, pageInfo and `totalCount`.
pub type Conn<N> = Described<Answer<Built<N>>>;

/// A list's connection as the loaders read it.
pub type Built<N> = Connection<Cursor, N, TotalCount, EmptyFields>;

/// A connection type that describes itself in the schema: async-graphql registers its
/// `XConnection` types without a description, which leaves a hole in every docs explorer.
/// Resolves exactly as the connection it wraps.
pub struct Described<C>(pub C);

impl<C> Described<C> {
    pub fn into_inner(self) -> C {
        self.0
    }
}

impl<C: OutputType> OutputType for Described<C> {
    fn type_name() -> Cow<'static, str> {
        C::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        let qualified = C::create_type_info(registry);
        let name = qualified.trim_end_matches('!');
        if let Some(MetaType::Object { description, .. }) = registry.types.get_mut(name) {
            let node = name.strip_suffix("Connection").unwrap_or(name);
            description.get_or_insert_with(|| {
                format!(
                    "One page of a list of `{node}`: the objects (`nodes`, or `edges` with their \
                     cursors), `pageInfo` to ask for the next or previous page, and the list's \
                     size where the list has one."
                )
            });
        }
        qualified
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        self.0.resolve(ctx, field).await
    }
}

pub struct TotalCount(Arc<dyn CountSource>);

#[async_graphql::async_trait::async_trait]
trait CountSource: Send + Sync {
    async fn count(&self, loaders: &RequestLoader) -> Result<u64>;
}

#[async_graphql::async_trait::async_trait]
impl<E: Visible> CountSource for CountKey<E> {
    async fn count(&self, loaders: &RequestLoader) -> Result<u64> {
        Ok(loaders.load_one(self.clone()).await?.unwrap_or(0))
    }
}

/// Counts lazily: the count statement runs only when a client selects `totalCount`.
#[Object]
impl TotalCount {
    /// Number of objects in the whole list (all pages), after filtering.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let n = self.0.count(ctx.loaders()).await?;
        Ok(n as i64)
    }
}

/// Complexity of a list field: its page size times the cost of its selection.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let size = first.or(last).unwrap_or(20).max(1) as usize;
    size.saturating_mul(child.max(1))
}

/// Everything a list field receives.
pub struct ListArgs<W, F> {
    pub filter: Option<W>,
    pub order_by: Option<Vec<OrderBy<F>>>,
    pub page: PageArgs,
}

impl<W, F> ListArgs<W, F> {
    pub fn new<O: Into<OrderBy<F>>>(
        filter: Option<W>,
        order_by: Option<Vec<O>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            filter,
            order_by: order_by.map(|keys| keys.into_iter().map(Into::into).collect()),
            page: PageArgs {
                first,
                after,
                last,
                before,
            },
        }
    }
}

/// Resolves a list field: the whole table (`scope` = [`Scope::all`]) or one parent's children.
pub async fn list<E, W, F, N>(
    ctx: &Context<'_>,
    scope: Scope<E>,
    args: ListArgs<W, F>,
    default_order: F,
) -> Result<Conn<N>>
where
    E: Follows,
    W: WhereInput,
    F: OrderField<E> + InputType,
    N: From<E::Model> + OutputType,
{
    let key = (std::ptr::from_ref(ctx.item) as usize, TypeId::of::<E>());
    let prepared = match ctx.list_queries() {
        Some(cache) => cache.get_or_try_insert(key, || prepare(ctx, args, default_order))?,
        None => Arc::new(prepare(ctx, args, default_order)?),
    };
    if let Some(value) = compiled_read::<E, N>(ctx, &scope, &prepared).await? {
        return Ok(Described(Answer::read(value)));
    }
    Ok(Described(Answer::Built(
        built(ctx, scope, &prepared).await?,
    )))
}

/// The whole answer of a top-level list of a query, read by one compiled statement, where its
/// selection allows.
async fn compiled_read<E, N>(
    ctx: &Context<'_>,
    scope: &Scope<E>,
    prepared: &Prepared<E>,
) -> Result<Option<Value>>
where
    E: Follows,
    N: OutputType,
{
    if !matches!(scope.by, By::Table) {
        return Ok(None);
    }
    let Some(shape) = compiled::applies(ctx, &N::type_name()) else {
        return Ok(None);
    };
    let visible = E::visible_to(ctx.caller());
    let Some((rows, order)) = prepared.query.and(visible.clone()).statement() else {
        return Ok(None);
    };
    let count = (*prepared.condition).clone().add(visible);
    compiled::read(ctx, shape, compiled::Page::top(rows, order, count)).await
}

/// A list field's connection, read through the batching loaders.
pub async fn list_built<E, W, F, N>(
    ctx: &Context<'_>,
    scope: Scope<E>,
    args: ListArgs<W, F>,
    default_order: F,
) -> Result<Built<N>>
where
    E: Follows,
    W: WhereInput,
    F: OrderField<E> + InputType,
    N: From<E::Model> + OutputType,
{
    let prepared = prepare(ctx, args, default_order)?;
    built(ctx, scope, &prepared).await
}

async fn built<E, N>(ctx: &Context<'_>, scope: Scope<E>, prepared: &Prepared<E>) -> Result<Built<N>>
where
    E: Follows,
    N: From<E::Model> + OutputType,
{
    let page = if prepared.count_only {
        Default::default()
    } else {
        ctx.loaders()
            .load_one(PageKey {
                scope: scope.clone(),
                query: prepared.query.clone(),
            })
            .await?
            // The rows are copied only if the loader still holds the page (or another field
            // asked for the same one).
            .map(Arc::unwrap_or_clone)
            .unwrap_or_default()
    };
    let count = CountKey {
        scope,
        condition: prepared.condition.clone(),
        filter_key: prepared.filter_key.clone(),
    };
    let mut conn = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        TotalCount(Arc::new(count)),
    );
    conn.edges.extend(
        page.rows
            .into_iter()
            .map(|(cursor, model)| Edge::new(cursor, N::from(model))),
    );
    Ok(conn)
}

/// A list field's query as its arguments make it, before any parent is known.
struct Prepared<E: crate::store::page::Listable> {
    query: Arc<ListQuery<E>>,
    /// The filter alone, for `totalCount`.
    condition: Arc<sea_orm::Condition>,
    /// Identifies `condition`.
    filter_key: Arc<str>,
    /// The client asks only for `totalCount`, so no page is read. (A resolver that returns one
    /// of the rows, as `quality` does, has a selection without `totalCount`, and so gets its
    /// page.)
    count_only: bool,
}

fn prepare<E, W, F>(
    ctx: &Context<'_>,
    args: ListArgs<W, F>,
    default_order: F,
) -> Result<Prepared<E>>
where
    E: Follows,
    W: WhereInput,
    F: OrderField<E> + InputType,
{
    let limits = ctx.limits();
    let condition = match &args.filter {
        Some(w) => w.condition(ctx.caller())?,
        None => sea_orm::Condition::all(),
    };
    let filter_key: Arc<str> = format!("{:?}", args.filter).into();
    let order = match args.order_by {
        Some(keys) if !keys.is_empty() => {
            if keys.len() > MAX_SORT_KEYS {
                return Err(Error::bad_input(
                    "orderBy",
                    Text::key("order-by-max").arg("max", MAX_SORT_KEYS),
                ));
            }
            keys.into_iter()
                .map(|k| (k.field.column(), direction(k.direction)))
                .collect()
        }
        _ => vec![(default_order.column(), Direction::Asc)],
    };
    let window = args
        .page
        .window(limits.default_page_size, limits.max_page_size)?;
    let selection = ctx.look_ahead();
    let nodes = node_selections(ctx);
    // Joined rows are kept for the rest of the operation: only in a query, which writes nothing
    // they could go stale by.
    let followed = E::TO_ONE
        .iter()
        .filter(|rel| nodes.iter().any(|n| n.field(rel.field).exists()));
    let joins = match ctx.data_opt::<QueryOperation>() {
        Some(_) => followed
            .enumerate()
            .map(|(i, rel)| (rel.join)(ctx.caller(), rel.fk.as_str(), format!("sg_j{i}_")))
            .collect(),
        None => Vec::new(),
    };
    let query = ListQuery::<E>::new(
        condition.clone(),
        filter_key.to_string(),
        order,
        window,
        joins,
    )?;
    let count_only = selection.field("totalCount").exists()
        && !["nodes", "edges", "pageInfo"]
            .iter()
            .any(|f| selection.field(f).exists());
    Ok(Prepared {
        query: Arc::new(query),
        condition: Arc::new(condition),
        filter_key,
        count_only,
    })
}

/// Marks an operation as a query run on its own over HTTP (not a mutation, whose later fields
/// could change a row an earlier one read; not a subscription, whose loaders outlive one
/// event): its pages may join the rows their nodes point at.
pub struct QueryOperation;

/// The list queries of one request, by the field that asks for them (its place in the parsed
/// query) and the entity listed. Every parent of a level resolves the same field with the same
/// arguments, so a nested page of 8,000 items' policies builds its query once, not 8,000 times;
/// the parent only chooses the scope. A field's arguments are fixed for the operation (its
/// variables included), and the cache lives no longer than the request.
#[derive(Default)]
pub struct ListQueries(Mutex<HashMap<(usize, TypeId), Arc<dyn Any + Send + Sync>>>);

impl ListQueries {
    /// The value stored under `key`, or the one `make` builds (stored unless it fails).
    fn get_or_try_insert<T: Any + Send + Sync>(
        &self,
        key: (usize, TypeId),
        make: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        let found = {
            let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            map.get(&key).cloned()
        };
        if let Some(value) = found.and_then(|v| v.downcast::<T>().ok()) {
            return Ok(value);
        }
        // Built outside the lock: two parents may both build it; the two are equal.
        let value = Arc::new(make()?);
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, value.clone());
        Ok(value)
    }
}

fn direction(d: SortDirection) -> Direction {
    match d {
        SortDirection::Asc => Direction::Asc,
        SortDirection::Desc => Direction::Desc,
    }
}

/// Loads one row by id through the request's loader.
pub async fn by_id<E: Visible>(ctx: &Context<'_>, id: i64) -> Result<Option<E::Model>> {
    Ok(ctx.loaders().by_id::<E>(id).await?)
}

/// Loads a row a foreign key points at; the key is enforced by the database, so a miss means
/// the row was deleted while this request ran.
pub async fn related<E: Visible>(
    ctx: &Context<'_>,
    id: i64,
    name: &'static str,
) -> Result<E::Model> {
    by_id::<E>(ctx, id)
        .await?
        .ok_or_else(|| Error::not_found(name, id))
}

/// Pages a list already sorted by `(degree, id)` (walk results): the cursor holds the key of
/// its row, so pages stay stable as long as the walk's results do.
pub fn page_sorted<T>(
    ctx: &Context<'_>,
    items: Vec<T>,
    key: impl Fn(&T) -> (u32, i64),
    args: PageArgs,
) -> Result<Page<T>> {
    let limits = ctx.limits();
    let window = args.window(limits.default_page_size, limits.max_page_size)?;
    let encode = |k: (u32, i64)| opaque_cursor(&format!("w:{}:{}", k.0, k.1));
    let decode = |field: &str, c: &str| -> Result<(u32, i64)> {
        let text = read_cursor(field, c)?;
        let mut parts = text.split(':');
        match (
            parts.next(),
            parts.next().and_then(|d| d.parse().ok()),
            parts.next().and_then(|i| i.parse().ok()),
        ) {
            (Some("w"), Some(d), Some(i)) => Ok((d, i)),
            _ => Err(invalid_cursor(field)),
        }
    };
    let after = window
        .after
        .as_deref()
        .map(|c| decode("after", c))
        .transpose()?;
    let before = window
        .before
        .as_deref()
        .map(|c| decode("before", c))
        .transpose()?;
    let in_range: Vec<T> = items
        .into_iter()
        .filter(|t| after.is_none_or(|a| key(t) > a) && before.is_none_or(|b| key(t) < b))
        .collect();
    let limit = window.limit as usize;
    let total = in_range.len();
    let (page, has_previous, has_next): (Vec<T>, bool, bool) = if window.backward {
        let skip = total.saturating_sub(limit);
        (
            in_range.into_iter().skip(skip).collect(),
            skip > 0,
            before.is_some(),
        )
    } else {
        (
            in_range.into_iter().take(limit).collect(),
            after.is_some(),
            total > limit,
        )
    };
    Ok(Page {
        rows: page
            .into_iter()
            .map(|t| (Cursor::Text(encode(key(&t))), t))
            .collect(),
        has_previous_page: has_previous,
        has_next_page: has_next,
    })
}

/// An opaque cursor for lists paged outside the keyset mechanism (walk results, issues).
pub fn opaque_cursor(text: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(text)
}

/// The text inside an [`opaque_cursor`]; `field` names the argument for the error.
pub fn read_cursor(field: &str, cursor: &str) -> Result<String> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| invalid_cursor(field))
}

pub fn invalid_cursor(field: &str) -> Error {
    Error::bad_input(field, Text::key("cursor-invalid").arg("field", field))
}

/// Cursors reach async-graphql unencoded; it encodes the ones a client selects.
impl CursorType for Cursor {
    type Error = std::convert::Infallible;

    /// Only for async-graphql's own argument parsing, which lists do not use: they read
    /// `after`/`before` as text and check them against their order ([`crate::store::page`]).
    fn decode_cursor(s: &str) -> std::result::Result<Self, Self::Error> {
        Ok(Cursor::Text(s.to_owned()))
    }

    fn encode_cursor(&self) -> String {
        self.encode()
    }
}

/// `totalCount` of a list computed whole (not read page by page from a table).
#[derive(async_graphql::SimpleObject)]
pub struct ListCount {
    /// Number of objects in the whole list (all pages).
    pub total_count: i64,
}

/// A connection over a list paged by position: its cursors are offsets.
pub type OffsetConn<N> = Described<Connection<String, N, ListCount, EmptyFields>>;

/// The offset and page size a client's `first`/`after` ask for, on a list paged by position.
pub fn offset_window(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<(u64, u64)> {
    let limits = ctx.limits();
    let window = PageArgs {
        first,
        after: None,
        last: None,
        before: None,
    }
    .window(limits.default_page_size, limits.max_page_size)?;
    let offset = match after {
        None => 0,
        Some(c) => read_cursor("after", c)?
            .strip_prefix("o:")
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| invalid_cursor("after"))?,
    };
    Ok((offset, window.limit))
}

/// The page of `rows` that starts at `offset`, out of `total` rows.
pub fn offset_connection<N: OutputType>(
    offset: u64,
    total: u64,
    rows: impl IntoIterator<Item = N>,
) -> OffsetConn<N> {
    let mut conn = Connection::with_additional_fields(
        offset > 0,
        false,
        ListCount {
            total_count: total as i64,
        },
    );
    conn.edges.extend(offset_edges(offset, rows));
    conn.has_next_page = offset + (conn.edges.len() as u64) < total;
    Described(conn)
}

/// A page of a list paged by position and not counted (search): `more` says whether rows
/// follow it; `fields` are the connection's own.
pub fn offset_page<N: OutputType, F: ObjectType>(
    offset: u64,
    rows: impl IntoIterator<Item = N>,
    more: bool,
    fields: F,
) -> Described<Connection<String, N, F>> {
    let mut conn = Connection::with_additional_fields(offset > 0, more, fields);
    conn.edges.extend(offset_edges(offset, rows));
    Described(conn)
}

/// Edges whose cursors are their positions.
fn offset_edges<N: OutputType>(
    offset: u64,
    rows: impl IntoIterator<Item = N>,
) -> impl Iterator<Item = Edge<String, N, EmptyFields>> {
    rows.into_iter()
        .enumerate()
        .map(move |(i, row)| Edge::new(opaque_cursor(&format!("o:{}", offset + i as u64 + 1)), row))
}

/// What a connection field's client selects of its nodes: under `nodes` and under
/// `edges { node }`.
pub fn node_selections<'a>(ctx: &'a Context<'_>) -> [async_graphql::Lookahead<'a>; 2] {
    let selection = ctx.look_ahead();
    [
        selection.field("nodes"),
        selection.field("edges").field("node"),
    ]
}
