//! Compiled reads: a top-level list or lookup whose whole selection is columns, nested lists,
//! counts and to-one relations of the types declared here is answered by one statement
//! ([`crate::store::tree`]) that returns the answer as JSON, instead of by a statement per level
//! and a resolver per field.
//!
//! The declarations say, per GraphQL type, which fields are plain columns and which follow a
//! foreign key; a selection that asks for anything else (an argument other than `first` below
//! the top, `pageInfo`, cursors, fragments, directives, a field not declared) is resolved field
//! by field as before. Each level applies the reader's visibility, the list's default order and
//! the page size exactly as the list resolvers do; the tests in `tests/api/compiled.rs` hold
//! every declared field to what its resolver answers.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{Field as Ast, Selection};
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use entity::{data_item, data_service, database, focal_point, organization, sharing_policy};
use sea_orm::sea_query::{Alias, Asterisk, Order, Query, SelectStatement};
use sea_orm::{Condition, IdenStatic, QueryFilter, QueryTrait};

use super::connection::QueryOperation;
use super::context::ContextData;
use super::data_item::DataItemOrderField;
use super::data_service::DataServiceOrderField;
use super::database::DatabaseOrderField;
use super::filter::OrderField;
use super::focal_point::FocalPointOrderField;
use super::ids::Kind;
use super::sharing_policy::SharingPolicyOrderField;
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::Result;
use crate::store::page::PageArgs;
use crate::store::tree::{self, Count, Field, Level, Link};

mod decode;
mod splice;

pub use splice::{Spliced, Splices};

/// How a column's stored value becomes the field's value.
#[derive(Clone, Copy)]
pub enum Leaf {
    /// Text, a number, or null, as stored.
    Plain,
    /// An enum, stored as its GraphQL name.
    Enum,
    /// A boolean (SQLite stores 0 or 1).
    Bool,
    /// A timestamp, answered in RFC 3339 as the `DateTime` scalar does.
    Time,
    /// A calendar date, answered as `YYYY-MM-DD` as the `NaiveDate` scalar does.
    Date,
    /// The row's id, answered as its global id.
    Id,
}

/// A GraphQL object type that compiled reads can answer.
pub struct Shape {
    pub type_name: &'static str,
    pub table: &'static str,
    pub kind: Kind,
    pub visible: fn(&Caller) -> Condition,
    /// (field, column, encoding)
    pub leaves: &'static [(&'static str, &'static str, Leaf)],
    /// Lists of this row's children.
    pub lists: &'static [List],
    /// To-one relations whose target every reader sees, so a resolver never errs on them.
    pub ones: &'static [Follow],
}

/// A list field: the rows of `shape` whose `fk` names this row, in `order` (the column of the
/// resolver's default order field), then by id.
pub struct List {
    pub field: &'static str,
    pub shape: &'static Shape,
    pub fk: &'static str,
    pub order: fn() -> &'static str,
}

/// A to-one field: the row of `shape` this row's `fk` names.
pub struct Follow {
    pub field: &'static str,
    pub shape: &'static Shape,
    pub fk: &'static str,
    /// The field is nullable, and null when the key is null or names a row the reader may
    /// not see (its resolver reads it by id). A required relation whose row is not there is an
    /// error its resolver reports, so the compiled read leaves it to the resolver.
    pub nullable: bool,
}

const STAMPS: [(&str, &str, Leaf); 3] = [
    ("version", "version", Leaf::Plain),
    ("createdAt", "created_at", Leaf::Time),
    ("updatedAt", "updated_at", Leaf::Time),
];

pub static ORGANIZATION: Shape = Shape {
    type_name: "Organization",
    table: "organizations",
    kind: Kind::Organization,
    visible: <organization::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("code", "code", Leaf::Plain),
        ("name", "name", Leaf::Plain),
        ("shortName", "short_name", Leaf::Plain),
        ("level", "level", Leaf::Enum),
        ("consumerType", "consumer_type", Leaf::Enum),
        ("address", "address", Leaf::Plain),
        ("email", "email", Leaf::Plain),
        ("phone", "phone", Leaf::Plain),
        ("website", "website", Leaf::Plain),
        ("description", "description", Leaf::Plain),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[
        List {
            field: "databases",
            shape: &DATABASE,
            fk: "owner_id",
            order: || DatabaseOrderField::Name.column().as_str(),
        },
        List {
            field: "dataServices",
            shape: &DATA_SERVICE,
            fk: "provider_id",
            order: || DataServiceOrderField::Name.column().as_str(),
        },
        List {
            field: "focalPoints",
            shape: &FOCAL_POINT,
            fk: "organization_id",
            order: || FocalPointOrderField::FullName.column().as_str(),
        },
    ],
    ones: &[],
};

pub static DATABASE: Shape = Shape {
    type_name: "Database",
    table: "databases",
    kind: Kind::Database,
    visible: <database::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("code", "code", Leaf::Plain),
        ("name", "name", Leaf::Plain),
        ("kind", "kind", Leaf::Enum),
        ("purpose", "purpose", Leaf::Plain),
        ("scope", "scope", Leaf::Plain),
        ("content", "content", Leaf::Plain),
        ("collectionMethod", "collection_method", Leaf::Plain),
        ("updateFrequency", "update_frequency", Leaf::Enum),
        ("dataSources", "data_sources", Leaf::Plain),
        ("legalBasis", "legal_basis", Leaf::Plain),
        ("usageRules", "usage_rules", Leaf::Plain),
        ("status", "status", Leaf::Enum),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[List {
        field: "items",
        shape: &DATA_ITEM,
        fk: "database_id",
        order: || DataItemOrderField::Name.column().as_str(),
    }],
    ones: &[Follow {
        field: "organization",
        shape: &ORGANIZATION,
        fk: "owner_id",
        nullable: false,
    }],
};

pub static DATA_ITEM: Shape = Shape {
    type_name: "DataItem",
    table: "data_items",
    kind: Kind::DataItem,
    visible: <data_item::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("code", "code", Leaf::Plain),
        ("name", "name", Leaf::Plain),
        ("description", "description", Leaf::Plain),
        ("isMasterData", "is_master_data", Leaf::Bool),
        ("isSharedCodeList", "is_shared_code_list", Leaf::Bool),
        ("isPersonalData", "is_personal_data", Leaf::Bool),
        ("isPublished", "published", Leaf::Bool),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[List {
        field: "policies",
        shape: &SHARING_POLICY,
        fk: "data_item_id",
        order: || SharingPolicyOrderField::ConsumerType.column().as_str(),
    }],
    ones: &[Follow {
        field: "database",
        shape: &DATABASE,
        fk: "database_id",
        nullable: false,
    }],
};

pub static SHARING_POLICY: Shape = Shape {
    type_name: "SharingPolicy",
    table: "sharing_policies",
    kind: Kind::SharingPolicy,
    visible: <sharing_policy::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("consumerType", "consumer_type", Leaf::Enum),
        ("mode", "mode", Leaf::Enum),
        ("conditions", "conditions", Leaf::Plain),
        ("legalBasis", "legal_basis", Leaf::Plain),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[],
    ones: &[],
};

pub static DATA_SERVICE: Shape = Shape {
    type_name: "DataService",
    table: "data_services",
    kind: Kind::DataService,
    visible: <data_service::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("code", "code", Leaf::Plain),
        ("name", "name", Leaf::Plain),
        ("method", "method", Leaf::Enum),
        ("protocol", "protocol", Leaf::Plain),
        ("endpoint", "endpoint", Leaf::Plain),
        ("platform", "platform", Leaf::Enum),
        ("serviceVersion", "service_version", Leaf::Plain),
        ("status", "status", Leaf::Enum),
        ("publishedOn", "published_on", Leaf::Date),
        ("description", "description", Leaf::Plain),
        ("inputDescription", "input_description", Leaf::Plain),
        ("outputDescription", "output_description", Leaf::Plain),
        ("standard", "standard", Leaf::Plain),
        ("conditionsOfUse", "conditions_of_use", Leaf::Plain),
        ("availability", "availability", Leaf::Plain),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[],
    ones: &[
        Follow {
            field: "provider",
            shape: &ORGANIZATION,
            fk: "provider_id",
            nullable: false,
        },
        Follow {
            field: "contact",
            shape: &FOCAL_POINT,
            fk: "contact_id",
            nullable: true,
        },
    ],
};

pub static FOCAL_POINT: Shape = Shape {
    type_name: "FocalPoint",
    table: "focal_points",
    kind: Kind::FocalPoint,
    visible: <focal_point::Entity as Visible>::visible_to,
    leaves: &[
        ("id", "id", Leaf::Id),
        ("scope", "scope", Leaf::Enum),
        ("fullName", "full_name", Leaf::Plain),
        ("position", "position", Leaf::Plain),
        ("duties", "duties", Leaf::Plain),
        ("phone", "phone", Leaf::Plain),
        ("email", "email", Leaf::Plain),
        ("termStart", "term_start", Leaf::Date),
        ("termEnd", "term_end", Leaf::Date),
        STAMPS[0],
        STAMPS[1],
        STAMPS[2],
    ],
    lists: &[],
    ones: &[Follow {
        field: "organization",
        shape: &ORGANIZATION,
        fk: "organization_id",
        nullable: false,
    }],
};

/// The types a top-level list or lookup may be compiled for.
pub static SHAPES: [&Shape; 6] = [
    &ORGANIZATION,
    &DATABASE,
    &DATA_ITEM,
    &SHARING_POLICY,
    &DATA_SERVICE,
    &FOCAL_POINT,
];

/// The declared shape of the GraphQL type `name` when a compiled read may answer the field
/// `ctx` resolves: a top-level field of a query operation over HTTP (a mutation's later field
/// may change what an earlier one read; a subscription answers events), compiled reads on.
pub fn applies(ctx: &Context<'_>, name: &str) -> Option<&'static Shape> {
    let top = ctx.path_node.is_some_and(|p| p.parent.is_none());
    if !top || !ctx.limits().compiled_reads || ctx.data_opt::<QueryOperation>().is_none() {
        return None;
    }
    SHAPES.iter().copied().find(|s| s.type_name == name)
}

/// A field's answer: what its resolvers build from, or the value a compiled read already
/// holds. Either way the schema sees `T`.
pub enum Answer<T> {
    Built(T),
    /// Taken by the one resolution of the field.
    Read(Mutex<Option<Value>>),
}

impl<T> Answer<T> {
    pub fn read(value: Value) -> Self {
        Self::Read(Mutex::new(Some(value)))
    }
}

impl<T: OutputType> OutputType for Answer<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<async_graphql::parser::types::Field>,
    ) -> ServerResult<Value> {
        match self {
            Self::Built(built) => built.resolve(ctx, field).await,
            Self::Read(value) => Ok(value
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default()),
        }
    }
}

/// What a compiled lookup found.
pub enum Lookup {
    /// The row, answered.
    Answered(Value),
    /// No row the reader may see has the key.
    NoRow,
    /// The selection is not compiled (or a value is not what its field answers): the
    /// resolver answers.
    Resolve,
}

/// Answers a single-object lookup of `E` by `key` (its id, or its exact code) in one statement,
/// where a compiled read applies.
pub async fn lookup<E: Visible, T: OutputType>(
    ctx: &Context<'_>,
    key: sea_orm::Condition,
) -> Result<Lookup> {
    let Some(shape) = applies(ctx, &T::type_name()) else {
        return Ok(Lookup::Resolve);
    };
    let Some((fields, outs)) = (Planner { ctx }).object(&ctx.item.node, shape) else {
        return Ok(Lookup::Resolve);
    };
    let rows = E::find()
        .filter(key)
        .filter(E::visible_to(ctx.caller()))
        .into_query();
    let top = [Field::First(Box::new(Level {
        rows,
        table: shape.table,
        link: Link::None,
        order: Vec::new(),
        fields,
    }))];
    // The document is `{"f0": row or null}`.
    let row = Name::new("row");
    let wrapped = Out::Object(row.clone(), 0, outs, true);
    let text = tree::read(ctx.db(), &top).await?;
    if let Some(splices) = ctx.data_opt::<Arc<Splices>>()
        && let Some(found) = splice::row(&text, &wrapped).map_err(json_error)?
    {
        return Ok(match found {
            Some(json) => {
                keep(ctx, splices, json)?;
                Lookup::Answered(Value::Null)
            }
            None => Lookup::NoRow,
        });
    }
    Ok(
        match decode::answer(&text, std::slice::from_ref(&wrapped)).map_err(json_error)? {
            Some(Value::Object(mut found)) => match found.swap_remove(&row) {
                Some(Value::Null) => Lookup::NoRow,
                Some(value) => Lookup::Answered(value),
                None => Lookup::Resolve,
            },
            _ => Lookup::Resolve,
        },
    )
}

/// Answers the list field `ctx` resolves in one statement, if its selection can be compiled;
/// `None` leaves it to the resolvers. `top` is the list's page as its resolver prepared it.
pub async fn read(ctx: &Context<'_>, shape: &'static Shape, top: Page) -> Result<Option<Value>> {
    let Some((fields, outs)) = (Planner { ctx }).connection(&ctx.item.node, shape, top) else {
        return Ok(None);
    };
    answer(ctx, &fields, &outs).await
}

/// The answer `outs` describe, from the document of `top` (an object); `None` if a value is
/// not what its field answers. Where the request keeps answers as text ([`Splices`]), the
/// value is a stand-in (null) for the text the response writes in its place.
async fn answer(ctx: &Context<'_>, top: &[Field], outs: &[Out]) -> Result<Option<Value>> {
    let text = tree::read(ctx.db(), top).await?;
    if let Some(splices) = ctx.data_opt::<Arc<Splices>>()
        && let Some(json) = splice::answer(&text, outs).map_err(json_error)?
    {
        keep(ctx, splices, json)?;
        return Ok(Some(Value::Null));
    }
    Ok(decode::answer(&text, outs).map_err(json_error)?)
}

/// Keeps `json` as the answer of the top-level field `ctx` resolves.
fn keep(ctx: &Context<'_>, splices: &Splices, json: String) -> Result<()> {
    let key = ctx.item.node.response_key().node.clone();
    Ok(splices.keep(key, json).map_err(json_error)?)
}

fn json_error(e: serde_json::Error) -> sea_orm::DbErr {
    sea_orm::DbErr::Json(e.to_string())
}

/// One field of the answer, and where its value is in the document.
enum Out {
    Typename(Name, String),
    /// (response key, position in the document's object, ...)
    Leaf(Name, usize, Leaf, Kind),
    Count(Name, usize),
    /// An array of objects.
    Rows(Name, usize, Vec<Out>),
    /// An object; `true` if null is an answer (else the resolvers answer instead).
    Object(Name, usize, Vec<Out>, bool),
}

struct Planner<'a> {
    ctx: &'a Context<'a>,
}

/// The fields of one selection set, if each is a plain field without directives.
fn plain(field: &Ast) -> Option<Vec<&Ast>> {
    let mut out = Vec::with_capacity(field.selection_set.node.items.len());
    let mut keys = std::collections::HashSet::new();
    for item in &field.selection_set.node.items {
        match &item.node {
            Selection::Field(f) if f.node.directives.is_empty() => {
                // A key asked twice is merged by the executor; leave that to it.
                if !keys.insert(f.node.response_key().node.as_str()) {
                    return None;
                }
                out.push(&f.node);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// One page of a list as the statement reads it.
pub struct Page {
    /// The rows: filter, visibility, cursors, order and limit applied.
    rows: SelectStatement,
    order: Vec<(&'static str, Order)>,
    /// The filter and visibility alone, for `totalCount`.
    count: Condition,
    link: Link,
}

impl Page {
    /// A top-level list's page: its `rows` in `order` (columns), and the `count` condition
    /// of its `totalCount`.
    pub fn top(rows: SelectStatement, order: Vec<(&'static str, Order)>, count: Condition) -> Self {
        Self {
            rows,
            order,
            count,
            link: Link::None,
        }
    }
}

impl Planner<'_> {
    /// A connection's fields (`nodes`, `edges { node }`, `totalCount`, `__typename`) over
    /// `page`.
    fn connection(
        &self,
        field: &Ast,
        shape: &'static Shape,
        page: Page,
    ) -> Option<(Vec<Field>, Vec<Out>)> {
        let level = |fields: Vec<Field>| Level {
            rows: page.rows.clone(),
            table: shape.table,
            link: page.link,
            order: page.order.clone(),
            fields,
        };
        let mut fields = Vec::new();
        let mut outs = Vec::new();
        for f in plain(field)? {
            let key = f.response_key().node.clone();
            match f.name.node.as_str() {
                "__typename" => {
                    outs.push(Out::Typename(key, format!("{}Connection", shape.type_name)));
                }
                "totalCount" => {
                    fields.push(Field::Count(Count {
                        table: shape.table,
                        link: page.link,
                        condition: page.count.clone(),
                    }));
                    outs.push(Out::Count(key, fields.len() - 1));
                }
                "nodes" => {
                    let (node, node_outs) = self.object(f, shape)?;
                    fields.push(Field::Rows(Box::new(level(node))));
                    outs.push(Out::Rows(key, fields.len() - 1, node_outs));
                }
                "edges" => {
                    let mut edge = Vec::new();
                    let mut edge_outs = Vec::new();
                    for e in plain(f)? {
                        let key = e.response_key().node.clone();
                        match e.name.node.as_str() {
                            "__typename" => {
                                edge_outs
                                    .push(Out::Typename(key, format!("{}Edge", shape.type_name)));
                            }
                            "node" => {
                                let (node, node_outs) = self.object(e, shape)?;
                                edge.push(Field::Object(node));
                                edge_outs.push(Out::Object(key, edge.len() - 1, node_outs, false));
                            }
                            _ => return None,
                        }
                    }
                    fields.push(Field::Rows(Box::new(level(edge))));
                    outs.push(Out::Rows(key, fields.len() - 1, edge_outs));
                }
                _ => return None,
            }
        }
        Some((fields, outs))
    }

    /// The fields of one row of `shape`.
    fn object(&self, field: &Ast, shape: &'static Shape) -> Option<(Vec<Field>, Vec<Out>)> {
        let mut fields = Vec::new();
        let mut outs = Vec::new();
        for f in plain(field)? {
            let key = f.response_key().node.clone();
            let name = f.name.node.as_str();
            if name == "__typename" {
                outs.push(Out::Typename(key, shape.type_name.to_owned()));
                continue;
            }
            if let Some((_, column, leaf)) = shape.leaves.iter().find(|l| l.0 == name) {
                if !f.arguments.is_empty() {
                    return None;
                }
                fields.push(Field::Column(column));
                outs.push(Out::Leaf(key, fields.len() - 1, *leaf, shape.kind));
            } else if let Some(list) = shape.lists.iter().find(|l| l.field == name) {
                let (conn, conn_outs) = self.connection(f, list.shape, self.page(f, list)?)?;
                fields.push(Field::Object(conn));
                outs.push(Out::Object(key, fields.len() - 1, conn_outs, false));
            } else if let Some(one) = shape.ones.iter().find(|o| o.field == name) {
                if !f.arguments.is_empty() {
                    return None;
                }
                let (target, target_outs) = self.object(f, one.shape)?;
                let mut rows = Query::select();
                rows.column(Asterisk)
                    .from(Alias::new(one.shape.table))
                    .cond_where((one.shape.visible)(self.ctx.caller()));
                fields.push(Field::First(Box::new(Level {
                    rows,
                    table: one.shape.table,
                    link: Link::Parent(one.fk),
                    order: Vec::new(),
                    fields: target,
                })));
                outs.push(Out::Object(
                    key,
                    fields.len() - 1,
                    target_outs,
                    one.nullable,
                ));
            } else {
                return None;
            }
        }
        Some((fields, outs))
    }

    /// A variable's value as the executor reads it: sent, or its default, or null.
    fn variable(&self, name: &Name) -> Value {
        let env = &self.ctx.query_env;
        if let Some(value) = env.variables.get(name) {
            return value.clone();
        }
        env.operation
            .node
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == *name)
            .and_then(|d| d.node.default_value.as_ref())
            .map(|d| d.node.clone())
            .unwrap_or(Value::Null)
    }

    /// The page a nested list field reads for each row: its children by the list's default
    /// order, as many as `first` asks (or the default page size). Any other argument is the
    /// resolver's.
    fn page(&self, field: &Ast, list: &List) -> Option<Page> {
        let mut first = None;
        for (name, value) in &field.arguments {
            if name.node.as_str() != "first" {
                return None;
            }
            let value = value
                .node
                .clone()
                .into_const_with(|v| Ok::<_, ()>(self.variable(&v)))
                .ok()?;
            first = match value {
                Value::Null => None,
                Value::Number(n) => Some(i32::try_from(n.as_i64()?).ok()?),
                _ => return None,
            };
        }
        let limits = self.ctx.limits();
        // An invalid size is the resolver's to refuse, with its error.
        let window = PageArgs {
            first,
            ..Default::default()
        }
        .window(limits.default_page_size, limits.max_page_size)
        .ok()?;
        let shape = list.shape;
        let visible = (shape.visible)(self.ctx.caller());
        let order = vec![((list.order)(), Order::Asc), ("id", Order::Asc)];
        let mut rows = Query::select();
        rows.column(Asterisk)
            .from(Alias::new(shape.table))
            .cond_where(visible.clone())
            .limit(window.limit);
        for (c, o) in &order {
            rows.order_by((Alias::new(shape.table), Alias::new(*c)), o.clone());
        }
        Some(Page {
            rows,
            order,
            count: visible,
            link: Link::Child(list.fk),
        })
    }
}

impl Out {
    fn key(&self) -> &Name {
        match self {
            Out::Typename(key, _)
            | Out::Leaf(key, ..)
            | Out::Count(key, _)
            | Out::Rows(key, ..)
            | Out::Object(key, ..) => key,
        }
    }

    /// Where the value is in the document's object, and what it is there (`__typename` is
    /// not there).
    fn place(&self) -> Option<(usize, decode::Expect<'_>)> {
        use decode::Expect;
        Some(match self {
            Out::Typename(..) => return None,
            Out::Leaf(_, at, leaf, kind) => (*at, Expect::Leaf(*leaf, *kind)),
            Out::Count(_, at) => (*at, Expect::Count),
            Out::Rows(_, at, fields) => (*at, Expect::Rows(fields)),
            Out::Object(_, at, fields, nullable) => (*at, Expect::Object(fields, *nullable)),
        })
    }
}

/// A calendar date as the `NaiveDate` scalar writes it, from a date or a timestamp's text.
fn date(text: &str) -> Option<String> {
    let day = chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    Some(day.format("%Y-%m-%d").to_string())
}

/// A timestamp as PostgreSQL (RFC 3339) or SQLite (`YYYY-MM-DD HH:MM:SS[.f][+HH:MM]`) writes
/// it.
fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}
