//! `Organization`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{AdministrativeLevel, ConsumerType};
use entity::organization::{Column, Entity, Model};
use entity::{
    data_service as service_entity, database as db_entity, focal_point as fp_entity,
    information_system as is_entity, share as share_entity,
};

use super::catalogue_release::{
    CatalogueRelease, CatalogueReleaseOrderField, CatalogueReleaseWhere,
};
use super::compiled::Answer;
use super::connection::{Conn, ListArgs, OrderBy, by_id, list, order_input, page_cost};
use super::context::ContextData;
use super::data_service::{DataService, DataServiceOrder, DataServiceOrderField, DataServiceWhere};
use super::database::{Database, DatabaseOrder, DatabaseOrderField, DatabaseWhere};
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, StringFilter, WhereInput,
};
use super::focal_point::{FocalPoint, FocalPointOrder, FocalPointOrderField, FocalPointWhere};
use super::ids::{self, Kind};
use super::information_system::{
    InformationSystem, InformationSystemOrder, InformationSystemOrderField, InformationSystemWhere,
};
use super::lineage::{self, SharingGraph, walk_cost};

/// Query cost of `statistics`: a dozen grouped statements over the subtree, like a walk.
const STATISTICS_COST: usize = 5_000;
use super::loader::Scope;
use super::mutation::{Lookup, decode_maybe, decode_opt, delete_mutation, patch, patch_opt};
use super::open_data::{OpenDataset, OpenDatasetOrder, OpenDatasetOrderField, OpenDatasetWhere};
use super::share::{Share, ShareOrder, ShareOrderField, ShareWhere};
use crate::domain::{self, organization as rules};
use crate::error::Result;

pub struct Organization(pub Model);

impl From<Model> for Organization {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A state body (ministry, province, district, commune, or a department of one) or a
/// non-state party that uses shared data (cơ quan, đơn vị).
#[Object]
impl Organization {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organization, self.0.id)
    }
    /// Electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg), e.g. `000.00.31.H57`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Full name, e.g. "Phòng Tài nguyên và Môi trường huyện Nam Đông" (tên cơ quan).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A short form of the name for tight spaces (tên viết tắt).
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }
    /// Administrative level; empty for non-state parties.
    async fn level(&self) -> Option<AdministrativeLevel> {
        self.0.level
    }
    /// Which kind of consumer the organization is when it receives data: a state agency, an enterprise, an organization or an individual (đối tượng khai thác).
    async fn consumer_type(&self) -> ConsumerType {
        self.0.consumer_type
    }
    /// Postal address (địa chỉ).
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Contact e-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Contact telephone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Website (cổng thông tin điện tử).
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// Free text about the organization: its functions and tasks.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Incremented by every change; pass it back as `expectedVersion` to refuse lost updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the object was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the object last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The organization this one belongs to (a department's district, a district's province).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.parent_id {
            Some(id) => Ok(by_id::<Entity>(ctx, id).await?.map(Organization)),
            None => Ok(None),
        }
    }
    /// Organizations directly under this one.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<OrganizationWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<OrganizationOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Organization>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::children(Column::ParentId, self.0.id),
            args,
            OrganizationOrderField::Name,
        )
        .await
    }
    /// Databases this organization owns (đơn vị chủ quản).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn databases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DatabaseWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DatabaseOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Database>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(db_entity::Column::OwnerId, self.0.id);
        list(ctx, scope, args, DatabaseOrderField::Name).await
    }
    /// Open datasets this organization publishes (drafts for its own members).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn open_datasets(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<OpenDatasetWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<OpenDatasetOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<OpenDataset>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(entity::open_dataset::Column::OrganizationId, self.0.id);
        list(ctx, scope, args, OpenDatasetOrderField::Title).await
    }
    /// This organization's catalogue releases, newest first.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn catalogue_releases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
    ) -> Result<Conn<CatalogueRelease>> {
        let order = vec![OrderBy {
            field: CatalogueReleaseOrderField::Number,
            direction: super::filter::SortDirection::Desc,
        }];
        let args =
            ListArgs::<CatalogueReleaseWhere, _>::new(None, Some(order), first, after, None, None);
        let scope = Scope::children(entity::catalogue_release::Column::OrganizationId, self.0.id);
        list(ctx, scope, args, CatalogueReleaseOrderField::Number).await
    }
    /// Information systems this organization owns.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn information_systems(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<InformationSystemWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<InformationSystemOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<InformationSystem>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(is_entity::Column::OwnerId, self.0.id);
        list(ctx, scope, args, InformationSystemOrderField::Name).await
    }
    /// Officers this organization named for data sharing (đầu mối).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn focal_points(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<FocalPointWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<FocalPointOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<FocalPoint>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(fp_entity::Column::OrganizationId, self.0.id);
        list(ctx, scope, args, FocalPointOrderField::FullName).await
    }

    /// Data-sharing services this organization provides.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn data_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DataServiceWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DataServiceOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<DataService>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(service_entity::Column::ProviderId, self.0.id);
        list(ctx, scope, args, DataServiceOrderField::Name).await
    }
    /// Shares of this organization's items with others.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn shares_provided(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<ShareWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<ShareOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Share>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(share_entity::Column::ProviderId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
    /// Shares this organization receives.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn shares_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<ShareWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<ShareOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Share>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(share_entity::Column::ConsumerId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
    /// The figures a dashboard's cards show, for this organization or (`includeDescendants`)
    /// for it and every organization below it, over the rows the caller may see. A bounded
    /// number of statements whatever the size of the subtree.
    #[graphql(complexity = "STATISTICS_COST + child_complexity")]
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = false,
            desc = "Also every organization below this one in the hierarchy (its subtree)."
        )]
        include_descendants: bool,
    ) -> Result<super::statistics::OrganizationStatistics> {
        let figures = crate::domain::statistics::statistics(
            ctx.db(),
            ctx.caller(),
            crate::domain::statistics::Of {
                organization: self.0.id,
                include_descendants,
            },
        )
        .await?;
        Ok(figures.into())
    }
    /// Organizations joined to this one by active shares, in either direction, up to `depth`
    /// hops (default 1), with share counts per mode: a dashboard's sharing graph. At most
    /// `maxNodes` organizations (default 1,000) beyond the start and `maxEdges` edges (the
    /// heaviest). With `includeDescendants` the walk starts from this organization and every
    /// organization below it (a district and its departments and communes), drawn as one node
    /// (`collapseDescendants`, the default) or each as its own; `rollUp` says which.
    #[graphql(
        complexity = "walk_cost(max_nodes, lineage::SHARING_GRAPH_DEFAULT_NODES as u32) + child_complexity"
    )]
    async fn sharing_graph(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Hops to walk: 1 for direct neighbours, at most SHAREGRAPH_WALK_MAX_DEPTH."
        )]
        depth: Option<i32>,
        #[graphql(desc = "Most nodes the walk visits before it stops and says `truncated`.")]
        max_nodes: Option<i32>,
        #[graphql(desc = "Most edges returned; the graph says `truncated` when there were more.")]
        max_edges: Option<i32>,
        #[graphql(
            default = false,
            desc = "Also every organization below this one in the hierarchy (its subtree)."
        )]
        include_descendants: bool,
        #[graphql(
            default = true,
            desc = "With includeDescendants: the subtree as one node (true) or each member as its own node (false)."
        )]
        collapse_descendants: bool,
    ) -> Result<SharingGraph> {
        let max_nodes = max_nodes.or(Some(lineage::SHARING_GRAPH_DEFAULT_NODES));
        let bounds = lineage::bounds(ctx, Some(depth.unwrap_or(1)), max_nodes)?;
        let roll_up = match (include_descendants, collapse_descendants) {
            (false, _) => lineage::SharingGraphRollUp::None,
            (true, true) => lineage::SharingGraphRollUp::Collapsed,
            (true, false) => lineage::SharingGraphRollUp::Members,
        };
        lineage::sharing_graph(ctx, self.0.id, roll_up, bounds, max_edges).await
    }
}

/// Filter for organizations: fields combine with AND; `or` adds alternatives.
#[derive(InputObject, Debug, Default)]
pub struct OrganizationWhere {
    /// Filter on `code`: Electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg), e.g.
    /// `000.00.31.H57`.
    pub code: Option<StringFilter>,
    /// Filter on `name`: Full name, e.g. "Phòng Tài nguyên và Môi trường huyện Nam Đông" (tên cơ
    /// quan).
    pub name: Option<StringFilter>,
    /// Filter on `level`: Administrative level; empty for non-state parties.
    pub level: Option<EnumFilter<AdministrativeLevel>>,
    /// Filter on `consumerType`: Which kind of consumer the organization is when it receives data: a state
    /// agency, an enterprise, an organization or an individual (đối tượng khai thác).
    pub consumer_type: Option<EnumFilter<ConsumerType>>,
    /// Filter on the id of `parent`: The organization this one belongs to (a department's district, a
    /// district's province).
    pub parent_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<OrganizationWhere>>,
}

impl WhereInput for OrganizationWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.name",
                Column::Name,
                Some(Column::NameFolded),
                &self.name,
            )?)
            .add(filter::enumeration(
                "where.level",
                Column::Level,
                &self.level,
            )?)
            .add(filter::enumeration(
                "where.consumerType",
                Column::ConsumerType,
                &self.consumer_type,
            )?)
            .add(filter::id(
                "where.parentId",
                Column::ParentId,
                Kind::Organization,
                &self.parent_id,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields organizations can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationOrderField {
    /// By `name`: full name, e.g. "Phòng Tài nguyên và Môi trường huyện Nam Đông" (tên cơ quan).
    Name,
    /// By `code`: electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg), e.g. `000.00.31.H57`.
    Code,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(OrganizationOrder, OrganizationOrderField);

impl OrderField<Entity> for OrganizationOrderField {
    fn column(self) -> Column {
        match self {
            // Sorting on the folded name puts "Bản" next to "Ban", as a reader expects.
            Self::Name => Column::NameFolded,
            Self::Code => Column::Code,
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// All organizations.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<OrganizationWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<OrganizationOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Organization>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, OrganizationOrderField::Name).await
    }

    /// One organization by `id` or by agency `code`; `null` when there is none.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global id (give `id` or `code`).")] id: Option<ID>,
        #[graphql(
            desc = "The agency code (mã định danh), e.g. `000.04.39.H57` (give `id` or `code`)."
        )]
        code: Option<String>,
    ) -> Result<Answer<Option<Organization>>> {
        Lookup::new(id, code, Kind::Organization)?
            .answer::<Entity, _>(ctx, Column::Code)
            .await
    }
}

/// A new organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg), e.g.
    /// `000.00.31.H57`.
    pub code: String,
    /// Full name, e.g. "Phòng Tài nguyên và Môi trường huyện Nam Đông" (tên cơ quan).
    pub name: String,
    /// A short form of the name for tight spaces (tên viết tắt).
    pub short_name: Option<String>,
    /// Required for state agencies, empty for others.
    pub level: Option<AdministrativeLevel>,
    /// Which kind of consumer the organization is when it receives data: a state agency, an
    /// enterprise, an organization or an individual (đối tượng khai thác).
    #[graphql(default_with = "ConsumerType::StateAgency")]
    pub consumer_type: ConsumerType,
    /// The id of the organization this one belongs to (a department's district, a district's
    /// province).
    pub parent_id: Option<ID>,
    /// Postal address (địa chỉ).
    pub address: Option<String>,
    /// Contact e-mail address.
    pub email: Option<String>,
    /// Contact telephone number.
    pub phone: Option<String>,
    /// Website (cổng thông tin điện tử).
    pub website: Option<String>,
    /// Free text about the organization: its functions and tasks.
    pub description: Option<String>,
}

/// Changes to an organization: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg), e.g.
    /// `000.00.31.H57`.
    pub code: Option<String>,
    /// Full name, e.g. "Phòng Tài nguyên và Môi trường huyện Nam Đông" (tên cơ quan).
    pub name: Option<String>,
    /// A short form of the name for tight spaces (tên viết tắt).
    pub short_name: MaybeUndefined<String>,
    /// Administrative level; empty for non-state parties.
    pub level: MaybeUndefined<AdministrativeLevel>,
    /// Which kind of consumer the organization is when it receives data: a state agency, an
    /// enterprise, an organization or an individual (đối tượng khai thác).
    pub consumer_type: Option<ConsumerType>,
    /// The id of the organization this one belongs to (a department's district, a district's
    /// province).
    pub parent_id: MaybeUndefined<ID>,
    /// Postal address (địa chỉ).
    pub address: MaybeUndefined<String>,
    /// Contact e-mail address.
    pub email: MaybeUndefined<String>,
    /// Contact telephone number.
    pub phone: MaybeUndefined<String>,
    /// Website (cổng thông tin điện tử).
    pub website: MaybeUndefined<String>,
    /// Free text about the organization: its functions and tasks.
    pub description: MaybeUndefined<String>,
}

/// The organization a mutation wrote.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as the mutation left it.
    pub organization: Organization,
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Adds an organization to the hierarchy (admins only).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateOrganizationInput,
    ) -> Result<OrganizationPayload> {
        let parent_id = decode_opt("input.parentId", &input.parent_id, Kind::Organization)?;
        let fields = rules::Fields {
            code: input.code,
            name: input.name,
            short_name: input.short_name,
            level: input.level,
            consumer_type: input.consumer_type,
            parent_id,
            address: input.address,
            email: input.email,
            phone: input.phone,
            website: input.website,
            description: input.description,
        };
        let model = domain::create::<rules::Organization>(ctx.db(), ctx.caller(), fields).await?;
        Ok(OrganizationPayload {
            organization: Organization(model),
        })
    }

    /// Changes an organization: its steward may change its record, only admins its code, level, kind or place in the hierarchy.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateOrganizationInput,
    ) -> Result<OrganizationPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Organization)?;
        let parent_id = decode_maybe("input.parentId", input.parent_id, Kind::Organization)?;
        let model = domain::update::<rules::Organization>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.code, input.code);
                patch(&mut f.name, input.name);
                patch_opt(&mut f.short_name, input.short_name);
                patch_opt(&mut f.level, input.level);
                patch(&mut f.consumer_type, input.consumer_type);
                patch_opt(&mut f.parent_id, parent_id);
                patch_opt(&mut f.address, input.address);
                patch_opt(&mut f.email, input.email);
                patch_opt(&mut f.phone, input.phone);
                patch_opt(&mut f.website, input.website);
                patch_opt(&mut f.description, input.description);
            },
        )
        .await?;
        Ok(OrganizationPayload {
            organization: Organization(model),
        })
    }
}

delete_mutation!(
    /// Deletes an organization that nothing refers to (children, databases, systems, focal points).
    DeleteOrganizationMutation,
    delete_organization,
    rules::Organization,
    Kind::Organization
);
