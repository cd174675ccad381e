//! Lineage and sharing-graph walks, computed in the database with recursive CTEs.
//!
//! Every walk is bounded twice: by depth (hops) and by a node budget (rows the walk may
//! produce). A walk that reaches its budget stops and says so (`truncated`); what it returns is
//! then a lower bound, complete for every depth below the one it was cut in (both databases
//! expand recursive CTEs breadth-first). Cycles are safe: a node can come back only at a greater
//! depth, and depth is bounded.
//!
//! The CTE deduplicates on `(node, depth, parent)`: it keeps the parent so that shortest paths
//! can be rebuilt without a second walk.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{EdgeKind, SharingMode};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Value};

use entity::{data_item, data_service, share, share_edge};

use super::sql::{id_list, ids_value, statement};
use super::today;
use crate::access::Caller;
use crate::access::visibility::{Visible, counting_shares, visible_rows_sql, visible_sql};
use crate::error::Result;

/// ` AND <the row of E that column names is visible>`, or nothing when the caller sees every
/// row: how the walks keep to the caller's visibility (they stop at rows it may not see).
/// `column` must be qualified by an alias (`d.derived_item_id`, `i.id`).
fn only<E: Visible>(caller: &Caller, backend: DatabaseBackend, column: &str) -> String {
    visible_sql::<E>(caller, backend, column)
        .map(|exists| format!(" AND {exists}"))
        .unwrap_or_default()
}

/// Limits of one walk.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Most hops from the root.
    pub depth: u32,
    /// Most rows the walk may produce.
    pub max_nodes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards what is derived from the root and who receives it.
    Downstream,
    /// Towards what the root is derived from.
    Upstream,
}

/// How a node was first reached.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub degree: u32,
    /// The node it was reached from on a shortest path.
    pub parent: i64,
}

/// The items a walk reached.
#[derive(Debug, Clone)]
pub struct ItemWalk {
    pub direction: Direction,
    pub roots: Vec<i64>,
    /// Reached items other than the roots.
    pub steps: HashMap<i64, Step>,
    /// Every derivation edge the walk crossed, as (source, derived).
    pub edges: BTreeSet<(i64, i64)>,
    pub truncated: bool,
}

impl ItemWalk {
    /// Reached items ordered by (degree, id): the order walk results are paged in.
    pub fn ordered(&self) -> Vec<(i64, u32)> {
        let mut v: Vec<(i64, u32)> = self.steps.iter().map(|(id, s)| (*id, s.degree)).collect();
        v.sort_by_key(|(id, degree)| (*degree, *id));
        v
    }

    /// A shortest path from a root to `id`, both included.
    pub fn path(&self, id: i64) -> Vec<i64> {
        let mut path = vec![id];
        let mut at = id;
        while let Some(step) = self.steps.get(&at) {
            at = step.parent;
            path.push(at);
            if path.len() > self.steps.len() + 1 {
                break; // cannot happen with min-depth parents; guards against a bad row
            }
        }
        path.reverse();
        path
    }

    /// The hops of a path in the direction data flows, as (source item, derived item).
    pub fn flow_hops(&self, path: &[i64]) -> Vec<(i64, i64)> {
        path.windows(2)
            .map(|w| match self.direction {
                Direction::Downstream => (w[0], w[1]),
                Direction::Upstream => (w[1], w[0]),
            })
            .collect()
    }
}

fn active_share_sql() -> &'static str {
    "s.status = 'ACTIVE' AND (s.valid_until IS NULL OR s.valid_until >= ?)"
}

fn day_value(day: NaiveDate) -> Value {
    Value::from(day)
}

/// The rows of `sql`, each decoded by `decode`.
async fn rows_of<T>(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    decode: impl Fn(&QueryResult) -> Result<T>,
) -> Result<Vec<T>> {
    let stmt = statement(db.get_database_backend(), sql, values);
    db.query_all_raw(stmt).await?.iter().map(decode).collect()
}

/// A row as its first `cols` columns, all integers.
fn ints(cols: usize) -> impl Fn(&QueryResult) -> Result<Vec<i64>> {
    move |r| {
        (0..cols)
            .map(|i| r.try_get_by_index::<i64>(i).map_err(Into::into))
            .collect()
    }
}

async fn rows_i64(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    cols: usize,
) -> Result<Vec<Vec<i64>>> {
    rows_of(db, sql, values, ints(cols)).await
}

/// The final select of a walk: the columns `cols` (integers) of the walk's table `walk`, in
/// the order the walk produced them. On SQLite, one row holding them as a JSON array: sqlx
/// hands each SQLite row from the connection's thread to the request's task through a
/// channel, and for a walk's thousands of rows those hand-offs cost more than the walk.
fn walk_select(backend: DatabaseBackend, cols: &str, walk: &str) -> String {
    if backend == DatabaseBackend::Sqlite {
        format!("SELECT json_group_array(json_array({cols})) FROM {walk}")
    } else {
        format!("SELECT {cols} FROM {walk}")
    }
}

/// The rows of a statement ending in [`walk_select`], each `cols` integers.
async fn walk_rows(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    cols: usize,
) -> Result<Vec<Vec<i64>>> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return rows_i64(db, sql, values, cols).await;
    }
    let text = rows_of(db, sql, values, |r| Ok(r.try_get_by_index::<String>(0)?)).await?;
    let rows: Vec<Vec<i64>> = match text.first() {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| sea_orm::DbErr::Json(format!("a walk's rows: {e}")))?,
        None => Vec::new(),
    };
    if rows.iter().any(|r| r.len() != cols) {
        return Err(sea_orm::DbErr::Json("a walk's row of the wrong width".into()).into());
    }
    Ok(rows)
}

/// Walks derivations from `roots` in one direction.
pub async fn walk_items(
    db: &impl ConnectionTrait,
    caller: &Caller,
    roots: &[i64],
    direction: Direction,
    bounds: Bounds,
) -> Result<ItemWalk> {
    let mut walk = ItemWalk {
        direction,
        roots: roots.to_vec(),
        steps: HashMap::new(),
        edges: BTreeSet::new(),
        truncated: false,
    };
    if roots.is_empty() || bounds.depth == 0 {
        return Ok(walk);
    }
    let (from, to) = match direction {
        Direction::Downstream => ("source_item_id", "derived_item_id"),
        Direction::Upstream => ("derived_item_id", "source_item_id"),
    };
    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    // SQLite stops adding rows at a LIMIT inside the recursive select; PostgreSQL stops
    // iterating when the outer query has its rows.
    let (inner_limit, outer_limit) = if sqlite {
        ("LIMIT ?", "")
    } else {
        ("", "LIMIT ?")
    };
    let sql = format!(
        "WITH RECURSIVE walk(id, depth, parent) AS (
            SELECT id, CAST(0 AS BIGINT), id FROM data_items WHERE id IN ({roots})
            UNION
            SELECT d.{to}, w.depth + 1, w.id
            FROM walk w JOIN derivations d ON d.{from} = w.id
            WHERE w.depth < ?{visible}
            {inner_limit}
        )
        {select} {outer_limit}",
        select = walk_select(db.get_database_backend(), "id, depth, parent", "walk"),
        roots = id_list(db.get_database_backend()),
        visible = only::<data_item::Entity>(caller, db.get_database_backend(), &format!("d.{to}")),
    );
    let mut values: Vec<Value> = vec![ids_value(roots)];
    values.push(Value::from(i64::from(bounds.depth)));
    values.push(Value::from(i64::from(bounds.max_nodes)));
    let rows = walk_rows(db, &sql, values, 3).await?;
    walk.truncated = rows.len() as u64 >= u64::from(bounds.max_nodes);

    let root_set: HashSet<i64> = roots.iter().copied().collect();
    for row in rows {
        let (id, depth, parent) = (row[0], row[1] as u32, row[2]);
        if depth == 0 {
            continue;
        }
        walk.edges.insert(match direction {
            Direction::Downstream => (parent, id),
            Direction::Upstream => (id, parent),
        });
        if root_set.contains(&id) {
            continue;
        }
        let better = walk.steps.get(&id).is_none_or(|s| depth < s.degree);
        if better {
            walk.steps.insert(
                id,
                Step {
                    degree: depth,
                    parent,
                },
            );
        }
    }
    Ok(walk)
}

/// Runs `sql_for(ids)`, where `ids` is the id-list subquery to put in an `IN (...)`, with
/// the id list bound first and `values` after it.
async fn for_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
    cols: usize,
    sql_for: impl Fn(&str) -> (String, Vec<Value>),
) -> Result<Vec<Vec<i64>>> {
    for_ids_decoded(db, ids, sql_for, ints(cols)).await
}

/// [`for_ids`], each row decoded by `decode`.
async fn for_ids_decoded<T>(
    db: &impl ConnectionTrait,
    ids: &[i64],
    sql_for: impl Fn(&str) -> (String, Vec<Value>),
    decode: impl Fn(&QueryResult) -> Result<T>,
) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, mut values) = sql_for(id_list(db.get_database_backend()));
    let mut all = vec![ids_value(ids)];
    all.append(&mut values);
    rows_of(db, &sql, all, decode).await
}

/// Owners of items, by item id.
pub async fn owners(db: &impl ConnectionTrait, items: &[i64]) -> Result<HashMap<i64, i64>> {
    let rows = for_ids(db, items, 2, |ph| {
        (
            format!("SELECT id, owner_id FROM data_items WHERE id IN ({ph})"),
            vec![],
        )
    })
    .await?;
    Ok(rows.into_iter().map(|r| (r[0], r[1])).collect())
}

/// An active share as the walks read it.
#[derive(Debug, Clone, Copy)]
pub struct ActiveShare {
    pub id: i64,
    pub item: i64,
    pub consumer: i64,
    /// Read only when asked for: the walks need none, and decoding it for the tens of
    /// thousands of shares of a master item cost the `downstream` walk 10%.
    pub mode: Option<SharingMode>,
}

/// Active shares of items, by share id; with their modes when `modes`.
pub async fn active_shares_of(
    db: &impl ConnectionTrait,
    caller: &Caller,
    items: &[i64],
    modes: bool,
) -> Result<Vec<ActiveShare>> {
    let visible = only::<share::Entity>(caller, db.get_database_backend(), "s.id");
    let mode = if modes { ", s.mode" } else { "" };
    for_ids_decoded(
        db,
        items,
        |ph| {
            (
                format!(
                    "SELECT s.id, s.data_item_id, s.consumer_id{mode} FROM shares s WHERE s.data_item_id IN ({ph}) AND {}{visible} ORDER BY s.id",
                    active_share_sql()
                ),
                vec![day_value(today())],
            )
        },
        |r| {
            Ok(ActiveShare {
                id: r.try_get_by_index(0)?,
                item: r.try_get_by_index(1)?,
                consumer: r.try_get_by_index(2)?,
                mode: if modes {
                    Some(r.try_get_by_index(3)?)
                } else {
                    None
                },
            })
        },
    )
    .await
}

/// The edge kinds along each path: a hop into another organization is `SHARED_WITH` then
/// `DERIVED_FROM` when an active share documents it, `DERIVED_FROM` alone otherwise.
pub async fn path_kinds(
    db: &impl ConnectionTrait,
    caller: &Caller,
    walk: &ItemWalk,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<EdgeKind>>> {
    // Hops in the order the data flows: from the root outwards downstream, from the farthest
    // source towards the root upstream.
    let paths: Vec<(i64, Vec<(i64, i64)>)> = ids
        .iter()
        .map(|id| {
            let mut hops = walk.flow_hops(&walk.path(*id));
            if walk.direction == Direction::Upstream {
                hops.reverse();
            }
            (*id, hops)
        })
        .collect();
    let mut items: Vec<i64> = paths
        .iter()
        .flat_map(|(_, hops)| hops.iter().flat_map(|(a, b)| [*a, *b]))
        .collect();
    items.sort_unstable();
    items.dedup();
    let owner = owners(db, &items).await?;
    let shared: HashSet<(i64, i64)> = active_shares_of(db, caller, &items, false)
        .await?
        .into_iter()
        .map(|s| (s.item, s.consumer))
        .collect();
    Ok(paths
        .into_iter()
        .map(|(id, hops)| {
            let mut kinds = Vec::new();
            for (src, dst) in hops {
                let (source_owner, target_owner) = (owner.get(&src), owner.get(&dst));
                if source_owner != target_owner
                    && target_owner.is_some_and(|o| shared.contains(&(src, *o)))
                {
                    kinds.push(EdgeKind::SharedWith);
                }
                kinds.push(EdgeKind::DerivedFrom);
            }
            (id, kinds)
        })
        .collect())
}

/// An organization that receives the root item or data derived from it.
#[derive(Debug, Clone)]
pub struct Impacted {
    pub organization: i64,
    pub degree: u32,
    /// Items from the root to the item it receives or holds.
    pub path: Vec<i64>,
    /// `SHARED_WITH` (it receives the last item through `share`) or `DERIVED_FROM` (it owns
    /// the last item, derived from the root).
    pub via: EdgeKind,
    pub share: Option<i64>,
}

/// Organizations downstream of an item, each with a shortest path, ordered by (degree, id).
pub async fn impact(
    db: &impl ConnectionTrait,
    caller: &Caller,
    root: i64,
    bounds: Bounds,
) -> Result<(Vec<Impacted>, bool)> {
    let walk = walk_items(db, caller, &[root], Direction::Downstream, bounds).await?;
    let mut items: Vec<(i64, u32)> = vec![(root, 0)];
    items.extend(walk.ordered());
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let degree: HashMap<i64, u32> = items.iter().copied().collect();
    let owner = owners(db, &ids).await?;
    let root_owner = owner.get(&root).copied();

    let mut best: HashMap<i64, Impacted> = HashMap::new();
    let mut offer = |candidate: Impacted| {
        if Some(candidate.organization) == root_owner {
            return;
        }
        let better = best
            .get(&candidate.organization)
            .is_none_or(|b| (candidate.degree, candidate.path.len()) < (b.degree, b.path.len()));
        if better {
            best.insert(candidate.organization, candidate);
        }
    };
    for (id, d) in &items {
        if *id != root
            && let Some(o) = owner.get(id)
        {
            offer(Impacted {
                organization: *o,
                degree: *d,
                path: walk.path(*id),
                via: EdgeKind::DerivedFrom,
                share: None,
            });
        }
    }
    for ActiveShare {
        id: share,
        item,
        consumer,
        ..
    } in active_shares_of(db, caller, &ids, false).await?
    {
        let d = degree.get(&item).copied().unwrap_or(0) + 1;
        if d > bounds.depth {
            continue;
        }
        let path = if item == root {
            vec![root]
        } else {
            walk.path(item)
        };
        offer(Impacted {
            organization: consumer,
            degree: d,
            path,
            via: EdgeKind::SharedWith,
            share: Some(share),
        });
    }
    let mut out: Vec<Impacted> = best.into_values().collect();
    out.sort_by_key(|i| (i.degree, i.organization));
    Ok((out, walk.truncated))
}

/// Share counts on one provider → consumer edge.
#[derive(Debug, Clone, Default)]
pub struct OrgEdge {
    pub provider: i64,
    pub consumer: i64,
    pub open: u64,
    pub default: u64,
    pub on_request: u64,
}

impl OrgEdge {
    pub fn total(&self) -> u64 {
        self.open + self.default + self.on_request
    }
}

/// Where a sharing graph starts.
#[derive(Debug, Clone)]
pub struct GraphRoot {
    /// The organization asked about.
    pub root: i64,
    /// The organizations the walk starts from, sorted: the root, or the root and its
    /// descendants.
    pub members: Vec<i64>,
    /// Draw the members as one node (the root): their shares with each other drop out and
    /// their shares with others are summed on the root's edges.
    pub collapse: bool,
}

/// Organizations joined by active shares around one organization.
#[derive(Debug, Clone)]
pub struct OrgGraph {
    /// (organization, degree), ordered by (degree, id).
    pub nodes: Vec<(i64, u32)>,
    /// The heaviest edges (most shares) first, at most the edge budget.
    pub edges: Vec<OrgEdge>,
    /// Edges between the nodes, before the edge budget.
    pub total_edges: usize,
    /// The node budget was reached.
    pub truncated: bool,
}

/// The sharing graph around `from`: organizations reachable over active shares in either
/// direction, and the share counts per mode between them. Shares count as the caller may
/// count them (with `SHAREGRAPH_PUBLIC_SHARES=organizations` the public counts the shares of
/// published items it may not list).
pub async fn sharing_graph(
    db: &impl ConnectionTrait,
    caller: &Caller,
    from: &GraphRoot,
    bounds: Bounds,
    max_edges: usize,
) -> Result<OrgGraph> {
    let day = today();
    let backend = db.get_database_backend();
    // The pairs' counts (migration 13), as the caller may count the shares behind them; an
    // edge row is active when its shares' last valid day has not passed.
    let edges = visible_rows_sql::<share_edge::Entity>(&counting_shares(caller), backend);
    let seeds = format!(
        "SELECT o.id, CAST(0 AS BIGINT) FROM organizations o WHERE o.id IN ({})",
        id_list(backend)
    );
    let budget = i64::from(bounds.max_nodes) + from.members.len() as i64;
    let (sql, values) = if backend == DatabaseBackend::Sqlite {
        // SQLite applies the `LIMIT` after a queued row's whole step: expanding a national
        // body produced its ~19,000 neighbours (60 ms) to keep the few hundred the budget had
        // room for. Each step takes at most twice the budget of distinct neighbours instead,
        // in index order. That changes nothing: a step cut there still adds at least a
        // budget of new rows (at most a budget of them were already walked), so the walk is
        // full and says `truncated` as before, and the rows it keeps are the same first ones.
        let step = |near: &str, far: &str| {
            format!(
                "SELECT n.value, g.depth + 1 FROM g, json_each((SELECT json_group_array(x) FROM (
                    SELECT DISTINCT e.{far} AS x FROM ({edges}) e WHERE e.{near} = g.id AND e.valid_until >= ? LIMIT ?
                 ))) n WHERE g.depth < ?"
            )
        };
        let step_values = || {
            vec![
                day_value(day),
                Value::from(2 * budget),
                Value::from(i64::from(bounds.depth)),
            ]
        };
        (
            format!(
                "WITH RECURSIVE g(id, depth) AS (
                    {seeds}
                    UNION
                    {}
                    UNION
                    {}
                    LIMIT ?
                )
                {}",
                step("provider_id", "consumer_id"),
                step("consumer_id", "provider_id"),
                walk_select(backend, "id, depth", "g"),
            ),
            [
                vec![ids_value(&from.members)],
                step_values(),
                step_values(),
                vec![Value::from(budget)],
            ]
            .concat(),
        )
    } else {
        // PostgreSQL allows one reference to the CTE in its recursive term: one join takes both
        // directions (an OR of the two indexes), the far end picked per row.
        (
            format!(
                "WITH RECURSIVE g(id, depth) AS (
                    {seeds}
                    UNION
                    SELECT CASE WHEN e.provider_id = g.id THEN e.consumer_id ELSE e.provider_id END, g.depth + 1
                    FROM g JOIN ({edges}) e ON (e.provider_id = g.id OR e.consumer_id = g.id)
                    WHERE g.depth < ? AND e.valid_until >= ?
                )
                SELECT id, depth FROM g LIMIT ?"
            ),
            vec![
                ids_value(&from.members),
                Value::from(i64::from(bounds.depth)),
                day_value(day),
                Value::from(budget),
            ],
        )
    };
    let rows = walk_rows(db, &sql, values, 2).await?;
    let truncated = rows.len() as i64 >= budget;
    // The node a walked organization is drawn as.
    let drawn = |id: i64| {
        if from.collapse && from.members.binary_search(&id).is_ok() {
            from.root
        } else {
            id
        }
    };
    let mut degree: HashMap<i64, u32> = HashMap::new();
    for r in &rows {
        let d = r[1] as u32;
        degree
            .entry(drawn(r[0]))
            .and_modify(|x| *x = (*x).min(d))
            .or_insert(d);
    }
    let mut nodes: Vec<(i64, u32)> = degree.into_iter().collect();
    nodes.sort_by_key(|(id, d)| (*d, *id));

    // One grouped statement over the walked organizations, both ends bound: the heaviest
    // edges come back, with the number of edges before the limit (a window over the groups).
    // Collapsing merges edges after the query, so it reads them all and cuts here.
    //
    // Read from the consumer's side: a national body shares with thousands of organizations,
    // while an organization receives from tens, so the walked organizations' incoming pairs
    // are few where their outgoing ones are not (at 1M items: 14,000 rows against 250,000).
    // Each database is held to that order: PostgreSQL by a lateral subquery per consumer
    // (`OFFSET 0` keeps it from being flattened into a join the planner may turn into a scan
    // of the whole table), SQLite by `+ 0`, which keeps the provider column's index out of it
    // (else it probes every provider-consumer combination).
    let walked: Vec<i64> = rows.iter().map(|r| r[0]).collect();
    let limit = if from.collapse {
        i64::MAX
    } else {
        max_edges as i64
    };
    let list = id_list(backend);
    let pairs = if backend == DatabaseBackend::Postgres {
        format!(
            "(SELECT DISTINCT w.id FROM ({list}) w(id)) c
             CROSS JOIN LATERAL (SELECT * FROM ({edges}) e WHERE e.consumer_id = c.id AND e.valid_until >= ? OFFSET 0) e
             WHERE e.provider_id IN ({list})"
        )
    } else {
        format!(
            "({edges}) e WHERE e.consumer_id IN ({list}) AND e.valid_until >= ? AND e.provider_id + 0 IN ({list})"
        )
    };
    let sum = |mode: &str| {
        format!("CAST(SUM(CASE WHEN e.mode = '{mode}' THEN e.shares ELSE 0 END) AS BIGINT)")
    };
    let sql = format!(
        "SELECT e.provider_id, e.consumer_id, {open}, {default}, {on_request}, COUNT(*) OVER ()
         FROM {pairs}
         GROUP BY e.provider_id, e.consumer_id
         ORDER BY SUM(e.shares) DESC, e.provider_id, e.consumer_id
         LIMIT ?",
        open = sum("OPEN"),
        default = sum("DEFAULT"),
        on_request = sum("ON_REQUEST"),
    );
    let values: Vec<Value> = vec![
        ids_value(&walked),
        day_value(day),
        ids_value(&walked),
        Value::from(limit),
    ];
    let rows = rows_i64(db, &sql, values, 6).await?;
    let edges = rows.iter().map(|r| OrgEdge {
        provider: r[0],
        consumer: r[1],
        open: r[2] as u64,
        default: r[3] as u64,
        on_request: r[4] as u64,
    });
    if !from.collapse {
        let total_edges = rows.first().map_or(0, |r| r[5] as usize);
        return Ok(OrgGraph {
            nodes,
            edges: edges.collect(),
            total_edges,
            truncated,
        });
    }
    let mut merged: HashMap<(i64, i64), OrgEdge> = HashMap::new();
    for e in edges {
        let (provider, consumer) = (drawn(e.provider), drawn(e.consumer));
        if provider == consumer {
            continue; // inside the subtree
        }
        let m = merged.entry((provider, consumer)).or_insert(OrgEdge {
            provider,
            consumer,
            ..OrgEdge::default()
        });
        m.open += e.open;
        m.default += e.default;
        m.on_request += e.on_request;
    }
    let mut edges: Vec<OrgEdge> = merged.into_values().collect();
    edges.sort_by_key(|e| (std::cmp::Reverse(e.total()), e.provider, e.consumer));
    let total_edges = edges.len();
    edges.truncate(max_edges);
    Ok(OrgGraph {
        nodes,
        edges,
        total_edges,
        truncated,
    })
}

/// A node of a lineage drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    Organization(i64),
    Database(i64),
    DataItem(i64),
    DataService(i64),
}

/// The row behind a lineage edge, so that a drawing can label and link it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeRow {
    /// A `SHARED_WITH` edge's share (the lowest id where several carry the item to the same
    /// organization) and its mode; walks follow active shares only.
    Share { id: i64, mode: SharingMode },
    /// A `DERIVED_FROM` edge's derivation.
    Derivation(i64),
}

/// A lineage edge: its kind, its ends, and the row behind it (none for `OWNS`, `CONTAINS`
/// and `PROVIDES`, which are columns of their rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphEdge {
    pub kind: EdgeKind,
    pub from: NodeRef,
    pub to: NodeRef,
    pub row: Option<EdgeRow>,
}

/// A lineage drawing: typed nodes (with the hop count of the item they hang on) and edges.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<(NodeRef, u32)>,
    pub edges: Vec<GraphEdge>,
    pub truncated: bool,
}

struct GraphBuilder {
    max: usize,
    nodes: HashMap<NodeRef, u32>,
    edges: BTreeSet<(EdgeKind, NodeRef, NodeRef)>,
    rows: HashMap<(EdgeKind, NodeRef, NodeRef), EdgeRow>,
    truncated: bool,
}

impl GraphBuilder {
    /// Adds a node (keeping its smallest degree); false when the budget is spent.
    fn node(&mut self, n: NodeRef, degree: u32) -> bool {
        if let Some(d) = self.nodes.get_mut(&n) {
            *d = (*d).min(degree);
            return true;
        }
        if self.nodes.len() >= self.max {
            self.truncated = true;
            return false;
        }
        self.nodes.insert(n, degree);
        true
    }

    fn edge(&mut self, kind: EdgeKind, from: NodeRef, to: NodeRef) {
        if self.nodes.contains_key(&from) && self.nodes.contains_key(&to) {
            self.edges.insert((kind, from, to));
        }
    }

    /// Names the row behind an edge; the first one named is kept.
    fn row(&mut self, kind: EdgeKind, from: NodeRef, to: NodeRef, row: EdgeRow) {
        self.rows.entry((kind, from, to)).or_insert(row);
    }
}

/// The items a lineage drawing starts from.
pub async fn root_items(
    db: &impl ConnectionTrait,
    caller: &Caller,
    root: NodeRef,
    limit: u32,
) -> Result<(Vec<i64>, bool)> {
    let backend = db.get_database_backend();
    let (sql, value) = match root {
        NodeRef::DataItem(id) => return Ok((vec![id], false)),
        NodeRef::Database(id) => (
            format!(
                "SELECT i.id FROM data_items i WHERE i.database_id = ?{} ORDER BY i.id LIMIT ?",
                only::<data_item::Entity>(caller, backend, "i.id")
            ),
            id,
        ),
        NodeRef::Organization(id) => (
            format!(
                "SELECT i.id FROM data_items i WHERE i.owner_id = ?{} ORDER BY i.id LIMIT ?",
                only::<data_item::Entity>(caller, backend, "i.id")
            ),
            id,
        ),
        NodeRef::DataService(id) => (
            format!(
                "SELECT l.data_item_id FROM data_service_items l WHERE l.service_id = ?{} ORDER BY l.data_item_id LIMIT ?",
                only::<data_item::Entity>(caller, backend, "l.data_item_id")
            ),
            id,
        ),
    };
    let rows = rows_i64(
        db,
        &sql,
        vec![Value::from(value), Value::from(i64::from(limit) + 1)],
        1,
    )
    .await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r[0]).collect();
    let truncated = ids.len() > limit as usize;
    ids.truncate(limit as usize);
    Ok((ids, truncated))
}

/// Builds a lineage drawing around `root`.
pub async fn lineage(
    db: &impl ConnectionTrait,
    caller: &Caller,
    root: NodeRef,
    directions: &[Direction],
    kinds: &[EdgeKind],
    bounds: Bounds,
) -> Result<Graph> {
    let want = |k: EdgeKind| kinds.contains(&k);
    let mut g = GraphBuilder {
        max: bounds.max_nodes as usize,
        nodes: HashMap::new(),
        edges: BTreeSet::new(),
        rows: HashMap::new(),
        truncated: false,
    };
    let (roots, cut) = root_items(db, caller, root, bounds.max_nodes).await?;
    g.truncated |= cut;
    g.node(root, 0);
    for r in &roots {
        g.node(NodeRef::DataItem(*r), 0);
    }

    // Items, by walking derivations.
    if want(EdgeKind::DerivedFrom) {
        for dir in directions {
            let walk = walk_items(db, caller, &roots, *dir, bounds).await?;
            g.truncated |= walk.truncated;
            for (id, degree) in walk.ordered() {
                if !g.node(NodeRef::DataItem(id), degree) {
                    break;
                }
            }
            for (source, derived) in &walk.edges {
                g.edge(
                    EdgeKind::DerivedFrom,
                    NodeRef::DataItem(*source),
                    NodeRef::DataItem(*derived),
                );
            }
        }
    }
    let mut items: Vec<(i64, u32)> = g
        .nodes
        .iter()
        .filter_map(|(n, d)| match n {
            NodeRef::DataItem(id) => Some((*id, *d)),
            _ => None,
        })
        .collect();
    items.sort_by_key(|(id, d)| (*d, *id));
    let item_ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let degree: HashMap<i64, u32> = items.iter().copied().collect();

    // Derivations between items already drawn, found by no walk (a cycle closing at the depth
    // bound, or a link between two branches): the drawing shows them too.
    // The same statement names the derivation behind every edge drawn.
    if want(EdgeKind::DerivedFrom) {
        let members: HashSet<i64> = item_ids.iter().copied().collect();
        let rows = for_ids(db, &item_ids, 3, |ph| {
            (format!("SELECT source_item_id, derived_item_id, id FROM derivations WHERE source_item_id IN ({ph}) ORDER BY id"), vec![])
        })
        .await?;
        for r in rows {
            if members.contains(&r[1]) {
                let (from, to) = (NodeRef::DataItem(r[0]), NodeRef::DataItem(r[1]));
                g.edge(EdgeKind::DerivedFrom, from, to);
                g.row(EdgeKind::DerivedFrom, from, to, EdgeRow::Derivation(r[2]));
            }
        }
    }
    if want(EdgeKind::SharedWith) && directions.contains(&Direction::Downstream) {
        for share in active_shares_of(db, caller, &item_ids, true).await? {
            let d = degree[&share.item] + 1;
            if g.node(NodeRef::Organization(share.consumer), d) {
                let (from, to) = (
                    NodeRef::DataItem(share.item),
                    NodeRef::Organization(share.consumer),
                );
                g.edge(EdgeKind::SharedWith, from, to);
                if let Some(mode) = share.mode {
                    g.row(
                        EdgeKind::SharedWith,
                        from,
                        to,
                        EdgeRow::Share { id: share.id, mode },
                    );
                }
            }
        }
    }
    if want(EdgeKind::Contains) || want(EdgeKind::Owns) {
        let rows = for_ids(db, &item_ids, 3, |ph| {
            (format!("SELECT i.id, i.database_id, i.owner_id FROM data_items i WHERE i.id IN ({ph}) ORDER BY i.id"), vec![])
        })
        .await?;
        for r in rows {
            let (item, database, owner) = (r[0], r[1], r[2]);
            let d = degree[&item];
            let (item_n, db_n, org_n) = (
                NodeRef::DataItem(item),
                NodeRef::Database(database),
                NodeRef::Organization(owner),
            );
            if want(EdgeKind::Contains) && g.node(db_n, d) {
                g.edge(EdgeKind::Contains, db_n, item_n);
                if want(EdgeKind::Owns) && g.node(org_n, d) {
                    g.edge(EdgeKind::Owns, org_n, db_n);
                }
            }
        }
    }
    if want(EdgeKind::Provides) {
        let visible =
            only::<data_service::Entity>(caller, db.get_database_backend(), "l.service_id");
        let rows = for_ids(db, &item_ids, 2, |ph| {
            (
                format!("SELECT l.data_item_id, l.service_id FROM data_service_items l WHERE l.data_item_id IN ({ph}){visible} ORDER BY l.service_id"),
                vec![],
            )
        })
        .await?;
        for r in rows {
            let (item, service) = (r[0], r[1]);
            if g.node(NodeRef::DataService(service), degree[&item]) {
                g.edge(
                    EdgeKind::Provides,
                    NodeRef::DataService(service),
                    NodeRef::DataItem(item),
                );
            }
        }
    }
    let mut nodes: Vec<(NodeRef, u32)> = g.nodes.into_iter().collect();
    nodes.sort_by_key(|(n, d)| (*d, *n));
    let rows = g.rows;
    Ok(Graph {
        nodes,
        edges: g
            .edges
            .into_iter()
            .map(|(kind, from, to)| GraphEdge {
                kind,
                from,
                to,
                row: rows.get(&(kind, from, to)).copied(),
            })
            .collect(),
        truncated: g.truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(direction: Direction, steps: &[(i64, u32, i64)]) -> ItemWalk {
        ItemWalk {
            direction,
            roots: vec![1],
            steps: steps
                .iter()
                .map(|(id, degree, parent)| {
                    (
                        *id,
                        Step {
                            degree: *degree,
                            parent: *parent,
                        },
                    )
                })
                .collect(),
            edges: BTreeSet::new(),
            truncated: false,
        }
    }

    #[test]
    fn paths_and_hops_follow_the_data() {
        // 1 → 2 → 3, and 1 → 4.
        let down = walk(Direction::Downstream, &[(2, 1, 1), (3, 2, 2), (4, 1, 1)]);
        assert_eq!(down.ordered(), [(2, 1), (4, 1), (3, 2)]);
        assert_eq!(down.path(3), [1, 2, 3]);
        assert_eq!(down.flow_hops(&down.path(3)), [(1, 2), (2, 3)]);
        // Upstream, the same path runs against the data: sources come later in the path.
        let up = walk(Direction::Upstream, &[(2, 1, 1), (3, 2, 2)]);
        assert_eq!(up.path(3), [1, 2, 3]);
        assert_eq!(up.flow_hops(&up.path(3)), [(2, 1), (3, 2)]);
        assert_eq!(up.path(1), [1]);
    }
}
