//! Lineage and sharing-graph walks in the API: `DataItem.downstream/upstream/impact`,
//! `Organization.sharingGraph`, `Query.lineage`. The walks themselves are in
//! [`crate::domain::lineage`]; this file bounds them by the configured limits and pages them.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::enums::{EdgeKind, ShareStatus, SharingMode};
use entity::{data_item as item_entity, organization as org_entity, share as share_entity};

use super::connection::{Described, by_id, node_selections, page_sorted, related};
use super::context::ContextData;
use super::data_item::DataItem;
use super::ids::{self, Kind};
use super::node::{Node, load_node};
use super::organization::Organization;
use super::share::Share;
use crate::domain::lineage::{self as walks, Bounds, Direction, NodeRef};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::metrics::Metrics;
use crate::store::page::{Cursor, PageArgs};

/// Node budget of a sharing graph when the client names none: more organizations than a
/// dashboard can draw would only cost time.
pub const SHARING_GRAPH_DEFAULT_NODES: i32 = 1_000;

/// Node budget a walk field is costed at when the client names none: the default walk budget.
pub const WALK_MAX_NODES: u32 = 10_000;

/// Which way a lineage walk goes.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineageDirection {
    /// Towards the sources the root is derived from.
    Upstream,
    /// Towards what is derived from the root and who receives it.
    Downstream,
    /// Both ways from the root.
    Both,
}

/// Query complexity of a walk field: its node budget (what it may visit), so that the
/// complexity limit weighs walks by the work they may do.
pub fn walk_cost(max_nodes: Option<i32>, default: u32) -> usize {
    max_nodes.map_or(default as usize, |n| n.max(1) as usize)
}

/// The nodes the walks of one HTTP request may visit in all, across aliases and the operations
/// of a batch (`SHAREGRAPH_WALK_BUDGET`): each walk reserves its node budget before it runs.
#[derive(Clone)]
pub struct WalkBudget(Arc<std::sync::atomic::AtomicU64>);

impl WalkBudget {
    pub fn new(nodes: u64) -> Self {
        Self(Arc::new(std::sync::atomic::AtomicU64::new(nodes)))
    }

    fn spend(&self, nodes: u32) -> Result<()> {
        use std::sync::atomic::Ordering;
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(u64::from(nodes))
            })
            .map(|_| ())
            .map_err(|left| {
                Error::LimitExceeded(
                    Text::key("walk-budget")
                        .arg("left", left)
                        .arg("nodes", nodes),
                )
            })
    }
}

/// The bounds of a walk from client arguments and the configured limits; the walk's node
/// budget is reserved from the request's [`WalkBudget`].
pub fn bounds(ctx: &Context<'_>, depth: Option<i32>, max_nodes: Option<i32>) -> Result<Bounds> {
    let bounds = walk_bounds(ctx, depth, max_nodes)?;
    if let Some(budget) = ctx.data_opt::<WalkBudget>() {
        budget.spend(bounds.max_nodes)?;
    }
    Ok(bounds)
}

fn walk_bounds(ctx: &Context<'_>, depth: Option<i32>, max_nodes: Option<i32>) -> Result<Bounds> {
    let limits = ctx.limits();
    let depth = match depth {
        None => limits.walk_default_depth,
        Some(d) if d < 1 => {
            return Err(Error::bad_input(
                "depth",
                Text::key("at-least-one").arg("field", "depth"),
            ));
        }
        Some(d) if d as u32 > limits.walk_max_depth => {
            return Err(Error::LimitExceeded(
                Text::key("walk-depth-max")
                    .arg("depth", d)
                    .arg("max", limits.walk_max_depth),
            ));
        }
        Some(d) => d as u32,
    };
    let max_nodes = match max_nodes {
        None => limits.walk_max_nodes,
        Some(n) if n < 1 => {
            return Err(Error::bad_input(
                "maxNodes",
                Text::key("at-least-one").arg("field", "maxNodes"),
            ));
        }
        Some(n) if n as u32 > limits.walk_max_nodes => {
            return Err(Error::LimitExceeded(
                Text::key("walk-nodes-max")
                    .arg("nodes", n)
                    .arg("max", limits.walk_max_nodes),
            ));
        }
        Some(n) => n as u32,
    };
    Ok(Bounds { depth, max_nodes })
}

/// What a walk's list says about the walk itself.
#[derive(SimpleObject)]
pub struct WalkInfo {
    /// Distinct results of the walk. When `truncated`, a lower bound.
    pub total_count: i64,
    /// The walk reached its node budget and stopped: results are complete for every degree below
    /// the last one reached, and may miss some at that degree and beyond.
    pub truncated: bool,
}

pub struct LineageHop {
    item: i64,
    degree: u32,
    path: Vec<i64>,
    kinds: Vec<EdgeKind>,
}

/// An item reached by a walk.
#[Object]
impl LineageHop {
    /// The item reached.
    async fn item(&self, ctx: &Context<'_>) -> Result<DataItem> {
        Ok(DataItem(
            related::<item_entity::Entity>(ctx, self.item, "DataItem").await?,
        ))
    }
    /// Hops from the root.
    async fn degree(&self) -> i32 {
        self.degree as i32
    }
    /// The edges crossed on a shortest path from the root, in data-flow order: `DERIVED_FROM`
    /// per derivation, preceded by `SHARED_WITH` where an active share carried the data into
    /// another organization.
    async fn edge_kinds(&self) -> &[EdgeKind] {
        &self.kinds
    }
    /// The items on that path, root first, this item last.
    async fn path(&self, ctx: &Context<'_>) -> Result<Vec<DataItem>> {
        items(ctx, &self.path).await
    }
}

async fn items(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<DataItem>> {
    let loaded = futures_util::future::try_join_all(
        ids.iter()
            .map(|id| related::<item_entity::Entity>(ctx, *id, "DataItem")),
    )
    .await?;
    Ok(loaded.into_iter().map(DataItem).collect())
}

pub type HopConnection = Described<Connection<Cursor, LineageHop, WalkInfo>>;

/// Resolves `DataItem.downstream` / `upstream`.
pub async fn hops(
    ctx: &Context<'_>,
    root: i64,
    direction: Direction,
    bounds: Bounds,
    page: PageArgs,
) -> Result<HopConnection> {
    let db = ctx.db();
    let walk = walks::walk_items(db, ctx.caller(), &[root], direction, bounds).await?;
    note_truncation(ctx, walk.truncated);
    let ordered = walk.ordered();
    let total = ordered.len() as i64;
    let page = page_sorted(ctx, ordered, |(id, d)| (*d, *id), page)?;
    let ids: Vec<i64> = page.rows.iter().map(|(_, (id, _))| *id).collect();
    // Two statements (owners, active shares along the paths) answer only `edgeKinds`.
    let kinds_asked = node_selections(ctx)
        .iter()
        .any(|n| n.field("edgeKinds").exists());
    let mut kinds = if kinds_asked {
        walks::path_kinds(db, ctx.caller(), &walk, &ids).await?
    } else {
        HashMap::new()
    };
    let mut conn = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        WalkInfo {
            total_count: total,
            truncated: walk.truncated,
        },
    );
    conn.edges
        .extend(page.rows.into_iter().map(|(cursor, (id, degree))| {
            let hop = LineageHop {
                item: id,
                degree,
                path: walk.path(id),
                kinds: kinds.remove(&id).unwrap_or_default(),
            };
            Edge::new(cursor, hop)
        }));
    Ok(Described(conn))
}

pub struct ImpactedOrganization(walks::Impacted);

/// An organization that receives an item, or data derived from it.
#[Object]
impl ImpactedOrganization {
    /// The organization that receives the item or its derived data.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization, "Organization").await?,
        ))
    }
    /// Hops from the item: a share adds one hop to the item it carries.
    async fn degree(&self) -> i32 {
        self.0.degree as i32
    }
    /// `SHARED_WITH`: it receives the last item of `path` through `share`; `DERIVED_FROM`: it
    /// owns the last item of `path`, made from the root.
    async fn via(&self) -> EdgeKind {
        self.0.via
    }
    /// A shortest chain of items from the root to what this organization receives or holds.
    async fn path(&self, ctx: &Context<'_>) -> Result<Vec<DataItem>> {
        items(ctx, &self.0.path).await
    }
    /// The share it receives the data through, for `via: SHARED_WITH`.
    async fn share(&self, ctx: &Context<'_>) -> Result<Option<Share>> {
        match self.0.share {
            Some(id) => Ok(by_id::<share_entity::Entity>(ctx, id).await?.map(Share)),
            None => Ok(None),
        }
    }
}

pub type ImpactConnection = Described<Connection<Cursor, ImpactedOrganization, WalkInfo>>;

/// Resolves `DataItem.impact`.
pub async fn impact(
    ctx: &Context<'_>,
    root: i64,
    bounds: Bounds,
    page: PageArgs,
) -> Result<ImpactConnection> {
    let db = ctx.db();
    let (orgs, truncated) = walks::impact(db, ctx.caller(), root, bounds).await?;
    note_truncation(ctx, truncated);
    let total = orgs.len() as i64;
    let page = page_sorted(ctx, orgs, |i| (i.degree, i.organization), page)?;
    let mut conn = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        WalkInfo {
            total_count: total,
            truncated,
        },
    );
    conn.edges.extend(
        page.rows
            .into_iter()
            .map(|(cursor, i)| Edge::new(cursor, ImpactedOrganization(i))),
    );
    Ok(Described(conn))
}

pub struct SharingGraphNode {
    organization: i64,
    degree: u32,
    /// Organizations of the roll-up this node stands for (1 unless it is the collapsed root).
    members: usize,
    in_subtree: bool,
}

/// An organization in a sharing graph.
#[Object]
impl SharingGraphNode {
    /// The organization the node stands for (with includeDescendants and the subtree drawn as
    /// one node, the organization at its top).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.organization, "Organization").await?,
        ))
    }
    /// Share hops from the root organization (or from its subtree, in a roll-up), in either
    /// direction.
    async fn degree(&self) -> i32 {
        self.degree as i32
    }
    /// How many organizations this node stands for: the size of the subtree for a root drawn
    /// as one node (`rollUp: COLLAPSED`), 1 otherwise.
    async fn members(&self) -> i32 {
        self.members as i32
    }
    /// The organization is the root or below it, in a roll-up (`includeDescendants`).
    async fn in_subtree(&self) -> bool {
        self.in_subtree
    }
}

pub struct SharingGraphEdge(walks::OrgEdge);

/// Active shares from one organization to another, counted per mode (shares whose item the
/// caller may count: the public counts the shares of published items).
#[Object]
impl SharingGraphEdge {
    /// The organization that shares (for a collapsed roll-up, the root stands for its subtree).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.provider, "Organization").await?,
        ))
    }
    /// The organization that receives.
    async fn consumer(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.consumer, "Organization").await?,
        ))
    }
    /// Active shares in the `OPEN` mode (dữ liệu mở) on this edge.
    async fn open(&self) -> i64 {
        self.0.open as i64
    }
    /// Active shares in the `DEFAULT` mode (chia sẻ mặc định) on this edge.
    async fn default(&self) -> i64 {
        self.0.default as i64
    }
    /// Active shares in the `ON_REQUEST` mode (chia sẻ theo yêu cầu đặc thù) on this edge.
    async fn on_request(&self) -> i64 {
        self.0.on_request as i64
    }
    /// All active shares on this edge: the edge's weight.
    async fn total(&self) -> i64 {
        self.0.total() as i64
    }
}

/// How a sharing graph treats the organizations below its root.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingGraphRollUp {
    /// The root alone: its descendants appear only if shares reach them.
    None,
    /// The root and its descendants drawn as one node (the root's): their shares with each
    /// other drop out, their shares with others are summed on the root's edges.
    Collapsed,
    /// The root and its descendants drawn each as its own node (`inSubtree: true`), all at
    /// degree 0.
    Members,
}

/// Organizations joined by active shares around one organization, for dashboards.
#[derive(SimpleObject)]
pub struct SharingGraph {
    /// The organizations, root first, by degree.
    pub nodes: Vec<SharingGraphNode>,
    /// Provider → consumer edges between them, the most shares first, at most `maxEdges`.
    pub edges: Vec<SharingGraphEdge>,
    /// Edges between the organizations before `maxEdges` applied.
    pub total_edges: i64,
    /// The node budget was reached (some organizations are missing), or `maxEdges` cut the edges.
    pub truncated: bool,
    /// How the root's descendants are drawn.
    pub roll_up: SharingGraphRollUp,
    /// Organizations the walk started from: 1, or the size of the root's subtree in a roll-up.
    pub subtree_size: i64,
}

/// Resolves `Organization.sharingGraph`.
pub async fn sharing_graph(
    ctx: &Context<'_>,
    root: i64,
    roll_up: SharingGraphRollUp,
    bounds: Bounds,
    max_edges: Option<i32>,
) -> Result<SharingGraph> {
    let limits = ctx.limits();
    let max_edges = match max_edges {
        None => limits.walk_max_edges,
        Some(n) if n < 0 => {
            return Err(Error::bad_input(
                "maxEdges",
                Text::key("not-negative").arg("field", "maxEdges"),
            ));
        }
        Some(n) if n as usize > limits.walk_max_edges => {
            return Err(Error::LimitExceeded(
                Text::key("graph-edges-max")
                    .arg("edges", n)
                    .arg("max", limits.walk_max_edges),
            ));
        }
        Some(n) => n as usize,
    };
    let db = ctx.db();
    let members = match roll_up {
        SharingGraphRollUp::None => vec![root],
        _ => crate::store::hierarchy::subtree(db, root).await?,
    };
    let from = walks::GraphRoot {
        root,
        members,
        collapse: roll_up == SharingGraphRollUp::Collapsed,
    };
    let g = walks::sharing_graph(db, ctx.caller(), &from, bounds, max_edges).await?;
    let cut = g.edges.len() < g.total_edges;
    // `members` comes sorted from the hierarchy walk.
    let in_subtree =
        |id: i64| roll_up != SharingGraphRollUp::None && from.members.binary_search(&id).is_ok();
    Ok(SharingGraph {
        nodes: g
            .nodes
            .into_iter()
            .map(|(organization, degree)| SharingGraphNode {
                organization,
                degree,
                members: if from.collapse && organization == root {
                    from.members.len()
                } else {
                    1
                },
                in_subtree: in_subtree(organization),
            })
            .collect(),
        edges: g.edges.into_iter().map(SharingGraphEdge).collect(),
        total_edges: g.total_edges as i64,
        truncated: {
            note_truncation(ctx, g.truncated || cut);
            g.truncated || cut
        },
        roll_up,
        subtree_size: from.members.len() as i64,
    })
}

/// The type of a lineage node.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineageNodeKind {
    /// An organization (a consumer, or a provider).
    Organization,
    /// A database, holding items.
    Database,
    /// A data item.
    DataItem,
    /// A data-sharing service.
    DataService,
}

pub struct LineageNode {
    node: NodeRef,
    degree: u32,
}

impl LineageNode {
    fn kind_and_id(&self) -> (LineageNodeKind, Kind, i64) {
        match self.node {
            NodeRef::Organization(id) => (LineageNodeKind::Organization, Kind::Organization, id),
            NodeRef::Database(id) => (LineageNodeKind::Database, Kind::Database, id),
            NodeRef::DataItem(id) => (LineageNodeKind::DataItem, Kind::DataItem, id),
            NodeRef::DataService(id) => (LineageNodeKind::DataService, Kind::DataService, id),
        }
    }
}

/// A node of a lineage drawing.
#[Object]
impl LineageNode {
    /// The node's global id (the same as `node.id`).
    async fn id(&self) -> ID {
        let (_, kind, id) = self.kind_and_id();
        ids::encode(kind, id)
    }
    /// What the node is.
    async fn kind(&self) -> LineageNodeKind {
        self.kind_and_id().0
    }
    /// Hops from the root of the item it hangs on.
    async fn degree(&self) -> i32 {
        self.degree as i32
    }
    /// The object itself.
    async fn node(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        let (_, kind, id) = self.kind_and_id();
        load_node(ctx, kind, id).await
    }
}

/// An edge of a lineage drawing, in the direction data or ownership goes: `OWNS`
/// organization → database, `CONTAINS` database → item, `PROVIDES` service → item,
/// `SHARED_WITH` item → organization, `DERIVED_FROM` source item → derived item.
/// `SHARED_WITH` and `DERIVED_FROM` edges name the row behind them, so that a drawing can
/// label and link them.
#[derive(SimpleObject)]
pub struct LineageEdge {
    /// What links the two nodes.
    pub kind: EdgeKind,
    /// The global id of the node the edge starts from (the provider, the source item, the holder).
    pub source: ID,
    /// The global id of the node it ends at.
    pub target: ID,
    /// For `SHARED_WITH`: the share carrying the item to the organization (the oldest, where
    /// several do).
    pub share_id: Option<ID>,
    /// For `SHARED_WITH`: the share's mode.
    pub mode: Option<SharingMode>,
    /// For `SHARED_WITH`: the share's status (walks follow shares in force, so `ACTIVE`).
    pub status: Option<ShareStatus>,
    /// For `DERIVED_FROM`: the derivation.
    pub derivation_id: Option<ID>,
}

impl From<walks::GraphEdge> for LineageEdge {
    fn from(e: walks::GraphEdge) -> Self {
        let (share_id, mode, status, derivation_id) = match e.row {
            Some(walks::EdgeRow::Share { id, mode }) => (
                Some(ids::encode(Kind::Share, id)),
                Some(mode),
                Some(ShareStatus::Active),
                None,
            ),
            Some(walks::EdgeRow::Derivation(id)) => {
                (None, None, None, Some(ids::encode(Kind::Derivation, id)))
            }
            None => (None, None, None, None),
        };
        Self {
            kind: e.kind,
            source: node_id(e.from),
            target: node_id(e.to),
            share_id,
            mode,
            status,
            derivation_id,
        }
    }
}

/// A lineage drawing: typed nodes and edges, ready for a graph layout.
#[derive(SimpleObject)]
pub struct LineageGraph {
    /// The nodes drawn, the root first.
    pub nodes: Vec<LineageNode>,
    /// The edges between them.
    pub edges: Vec<LineageEdge>,
    /// The node budget was reached: the drawing is partial.
    pub truncated: bool,
}

fn node_id(n: NodeRef) -> ID {
    match n {
        NodeRef::Organization(id) => ids::encode(Kind::Organization, id),
        NodeRef::Database(id) => ids::encode(Kind::Database, id),
        NodeRef::DataItem(id) => ids::encode(Kind::DataItem, id),
        NodeRef::DataService(id) => ids::encode(Kind::DataService, id),
    }
}

#[derive(Default)]
pub struct LineageQuery;

#[Object]
impl LineageQuery {
    /// The lineage around any organization, database, data item or data service, as a drawing.
    /// Data items are reached over derivations (`DERIVED_FROM`) up to `depth` hops; the other
    /// kinds in `edgeKinds` hang their nodes on those items. At most `maxNodes` nodes.
    #[graphql(complexity = "walk_cost(max_nodes, WALK_MAX_NODES) + child_complexity")]
    async fn lineage(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Where the walk starts: an organization, database, data item or data service."
        )]
        root: ID,
        #[graphql(desc = "Default: BOTH.")] direction: Option<LineageDirection>,
        #[graphql(desc = "Most derivation hops from the root.")] depth: Option<i32>,
        #[graphql(desc = "Which kinds of edges to draw (default: all).")] edge_kinds: Option<
            Vec<EdgeKind>,
        >,
        #[graphql(desc = "Most nodes the walk visits before it stops and says `truncated`.")]
        max_nodes: Option<i32>,
    ) -> Result<LineageGraph> {
        let bounds = bounds(ctx, depth, max_nodes)?;
        let (kind, id) = ids::decode("root", &root)?;
        let root = match kind {
            Kind::Organization => NodeRef::Organization(id),
            Kind::Database => NodeRef::Database(id),
            Kind::DataItem => NodeRef::DataItem(id),
            Kind::DataService => NodeRef::DataService(id),
            other => {
                return Err(Error::bad_input(
                    "root",
                    Text::key("lineage-root").arg("kind", other.name()),
                ));
            }
        };
        if load_node(ctx, kind, id).await?.is_none() {
            return Err(Error::not_found(kind.name(), node_id(root).0));
        }
        let directions: &[Direction] = match direction.unwrap_or(LineageDirection::Both) {
            LineageDirection::Upstream => &[Direction::Upstream],
            LineageDirection::Downstream => &[Direction::Downstream],
            LineageDirection::Both => &[Direction::Upstream, Direction::Downstream],
        };
        let kinds = edge_kinds.unwrap_or_else(|| {
            vec![
                EdgeKind::Owns,
                EdgeKind::Contains,
                EdgeKind::Provides,
                EdgeKind::SharedWith,
                EdgeKind::DerivedFrom,
            ]
        });
        let db = ctx.db();
        let g = walks::lineage(db, ctx.caller(), root, directions, &kinds, bounds).await?;
        Ok(LineageGraph {
            nodes: g
                .nodes
                .into_iter()
                .map(|(node, degree)| LineageNode { node, degree })
                .collect(),
            edges: g.edges.into_iter().map(LineageEdge::from).collect(),
            truncated: {
                note_truncation(ctx, g.truncated);
                g.truncated
            },
        })
    }
}

/// Counts a walk cut short, for `/metrics`.
fn note_truncation(ctx: &Context<'_>, truncated: bool) {
    if truncated && let Some(m) = ctx.data_opt::<Arc<Metrics>>() {
        m.walk_truncated();
    }
}
