//! `DataItem`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::data_item::{Column, Entity, Model};
use entity::{
    data_service as service_entity, database as db_entity, derivation as derivation_entity,
    share as share_entity, sharing_policy as policy_entity,
};

use super::compiled::Answer;
use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_service::{
    DataService, DataServiceOrder, DataServiceOrderField, DataServiceWhere, ITEM_SERVICES,
};
use super::database::Database;
use super::derivation::{self, Derivation, DerivationOrder, DerivationWhere};
use super::filter::{
    self, BooleanFilter, DateTimeFilter, IdFilter, OrderField, OrganizationFilter, StringFilter,
    WhereInput,
};
use super::ids::{self, Kind};
use super::lineage::{self, HopConnection, ImpactConnection, WALK_MAX_NODES, walk_cost};
use super::loader::Scope;
use super::mutation::{Lookup, decode_opt, delete_mutation, patch, patch_opt};
use super::open_data::{
    ITEM_DATASETS, OpenDataset, OpenDatasetOrder, OpenDatasetOrderField, OpenDatasetWhere,
};
use super::share::{Share, ShareOrder, ShareOrderField, ShareWhere};
use super::sharing_policy::{
    SharingPolicy, SharingPolicyOrder, SharingPolicyOrderField, SharingPolicyWhere,
};
use crate::domain::lineage::Direction;
use crate::domain::{self, data_item as rules};
use crate::error::Result;
use crate::store::page::PageArgs;

pub struct DataItem(pub Model);

impl From<Model> for DataItem {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A category of data inside a database (hạng mục dữ liệu), e.g. "Thông tin hộ nghèo", with
/// its sharing policy per kind of consumer.
#[Object]
impl DataItem {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::DataItem, self.0.id)
    }
    /// Code, unique within the database.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name as the catalogue lists it (tên dữ liệu).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the item holds, in the words of its keeper (mô tả).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Master data (dữ liệu chủ): the reference others synchronise to; shared by default (Art. 34).
    async fn is_master_data(&self) -> bool {
        self.0.is_master_data
    }
    /// Shared code list (dữ liệu danh mục dùng chung); shared by default (Art. 34).
    async fn is_shared_code_list(&self) -> bool {
        self.0.is_shared_code_list
    }
    /// Holds personal data (dữ liệu cá nhân): never open data.
    async fn is_personal_data(&self) -> bool {
        self.0.is_personal_data
    }
    /// The open datasets that publish this item.
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
        let scope = Scope::<entity::open_dataset::Entity>::linked(&ITEM_DATASETS, self.0.id);
        list(ctx, scope, args, OpenDatasetOrderField::Title).await
    }
    /// The latest quality assessment, if any.
    async fn quality(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::quality::QualityAssessment>> {
        super::quality::latest(
            ctx,
            entity::quality_assessment::Column::DataItemId,
            self.0.id,
        )
        .await
    }
    /// Shared with someone (some policy is not `NOT_SHARED`): part of the published catalogue
    /// that the public reads. Items shared with no one are seen by their organization only.
    async fn is_published(&self) -> bool {
        self.0.published
    }
    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
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
    /// The database holding this item.
    async fn database(&self, ctx: &Context<'_>) -> Result<Database> {
        Ok(Database(
            related::<db_entity::Entity>(ctx, self.0.database_id, "Database").await?,
        ))
    }
    /// How the item may be shared, one policy per consumer type.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<SharingPolicyWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<SharingPolicyOrder>>,
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
    ) -> Result<Conn<SharingPolicy>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(policy_entity::Column::DataItemId, self.0.id);
        list(ctx, scope, args, SharingPolicyOrderField::ConsumerType).await
    }

    /// Shares of this item.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn shares(
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
        let scope = Scope::children(share_entity::Column::DataItemId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
    /// Data services that provide this item.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn services(
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
        let scope = Scope::<service_entity::Entity>::linked(&ITEM_SERVICES, self.0.id);
        list(ctx, scope, args, DataServiceOrderField::Name).await
    }
    /// Derivations this item is made by: one per source item.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn derived_from(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DerivationWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DerivationOrder>>,
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
    ) -> Result<Conn<Derivation>> {
        let fk = derivation_entity::Column::DerivedItemId;
        derivation::of_item(
            ctx, fk, self.0.id, filter, order_by, first, after, last, before,
        )
        .await
    }
    /// Derivations made from this item: one per derived item.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn derived_into(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DerivationWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DerivationOrder>>,
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
    ) -> Result<Conn<Derivation>> {
        let fk = derivation_entity::Column::SourceItemId;
        derivation::of_item(
            ctx, fk, self.0.id, filter, order_by, first, after, last, before,
        )
        .await
    }
    /// Items derived from this one, transitively, up to `depth` hops (default 3), by degree.
    #[graphql(complexity = "walk_cost(max_nodes, WALK_MAX_NODES) + child_complexity")]
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Hops to walk: 1 for direct neighbours, at most SHAREGRAPH_WALK_MAX_DEPTH."
        )]
        depth: Option<i32>,
        #[graphql(desc = "Most nodes the walk visits before it stops and says `truncated`.")]
        max_nodes: Option<i32>,
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
    ) -> Result<HopConnection> {
        let bounds = lineage::bounds(ctx, depth, max_nodes)?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        lineage::hops(ctx, self.0.id, Direction::Downstream, bounds, page).await
    }
    /// Items this one is derived from, transitively, up to `depth` hops (default 3), by degree.
    #[graphql(complexity = "walk_cost(max_nodes, WALK_MAX_NODES) + child_complexity")]
    async fn upstream(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Hops to walk: 1 for direct neighbours, at most SHAREGRAPH_WALK_MAX_DEPTH."
        )]
        depth: Option<i32>,
        #[graphql(desc = "Most nodes the walk visits before it stops and says `truncated`.")]
        max_nodes: Option<i32>,
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
    ) -> Result<HopConnection> {
        let bounds = lineage::bounds(ctx, depth, max_nodes)?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        lineage::hops(ctx, self.0.id, Direction::Upstream, bounds, page).await
    }
    /// Organizations that receive this item or data derived from it, transitively, each with a
    /// shortest path, by degree.
    #[graphql(complexity = "walk_cost(max_nodes, WALK_MAX_NODES) + child_complexity")]
    async fn impact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Hops to walk: 1 for direct neighbours, at most SHAREGRAPH_WALK_MAX_DEPTH."
        )]
        depth: Option<i32>,
        #[graphql(desc = "Most nodes the walk visits before it stops and says `truncated`.")]
        max_nodes: Option<i32>,
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
    ) -> Result<ImpactConnection> {
        let bounds = lineage::bounds(ctx, depth, max_nodes)?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        lineage::impact(ctx, self.0.id, bounds, page).await
    }
}

/// Filter for data items.
#[derive(InputObject, Debug, Default)]
pub struct DataItemWhere {
    /// Filter on `code`: Code, unique within the database.
    pub code: Option<StringFilter>,
    /// Filter on `name`: Name as the catalogue lists it (tên dữ liệu).
    pub name: Option<StringFilter>,
    /// Filter on the id of `database`: The database holding this item.
    pub database_id: Option<IdFilter>,
    /// The organization that owns the item (with `includeDescendants`: or one below it).
    pub organization_id: Option<OrganizationFilter>,
    /// Filter on `isMasterData`: Master data (dữ liệu chủ): the reference others synchronise to; shared by
    /// default (Art. 34).
    pub is_master_data: Option<BooleanFilter>,
    /// Filter on `isSharedCodeList`: Shared code list (dữ liệu danh mục dùng chung); shared by default (Art. 34).
    pub is_shared_code_list: Option<BooleanFilter>,
    /// Filter on `isPersonalData`: Holds personal data (dữ liệu cá nhân): never open data.
    pub is_personal_data: Option<BooleanFilter>,
    /// Filter on `isPublished`: Shared with someone (some policy is not `NOT_SHARED`): part of the published
    /// catalogue that the public reads. Items shared with no one are seen by their organization
    /// only.
    pub is_published: Option<BooleanFilter>,
    /// `true`: items never assessed for quality; `false`: assessed at least once.
    pub never_assessed: Option<bool>,
    /// Items whose latest quality assessment scores below this overall.
    pub quality_below: Option<i32>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<DataItemWhere>>,
}

impl WhereInput for DataItemWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.name",
                Column::Name,
                Some(Column::NameFolded),
                &self.name,
            )?)
            .add(filter::id(
                "where.databaseId",
                Column::DatabaseId,
                Kind::Database,
                &self.database_id,
            )?)
            .add(filter::organization(
                "where.organizationId",
                Column::OwnerId,
                &self.organization_id,
            )?)
            .add(filter::boolean(Column::IsMasterData, &self.is_master_data))
            .add(filter::boolean(
                Column::IsSharedCodeList,
                &self.is_shared_code_list,
            ))
            .add(filter::boolean(
                Column::IsPersonalData,
                &self.is_personal_data,
            ))
            .add(filter::boolean(Column::Published, &self.is_published))
            .add(match self.never_assessed {
                None => sea_orm::Condition::all(),
                Some(true) => crate::domain::quality::never_assessed(),
                Some(false) => crate::domain::quality::never_assessed().not(),
            })
            .add(match self.quality_below {
                None => sea_orm::Condition::all(),
                Some(n) => crate::domain::quality::latest_below(n),
            })
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields data items can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataItemOrderField {
    /// By `name`: name as the catalogue lists it (tên dữ liệu).
    Name,
    /// By `code`: code, unique within the database.
    Code,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(DataItemOrder, DataItemOrderField);

impl OrderField<Entity> for DataItemOrderField {
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
pub struct DataItemQuery;

#[Object]
impl DataItemQuery {
    /// All data items.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn data_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DataItemWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DataItemOrder>>,
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
    ) -> Result<Conn<DataItem>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, DataItemOrderField::Name).await
    }

    /// One data item by id; `null` when there is none.
    async fn data_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item's global id.")] id: ID,
    ) -> Result<Answer<Option<DataItem>>> {
        Lookup::new(Some(id), None, Kind::DataItem)?
            .answer::<Entity, _>(ctx, Column::Code)
            .await
    }
}

/// A new data item.
#[derive(InputObject)]
pub struct CreateDataItemInput {
    /// The id of the database holding this item.
    pub database_id: ID,
    /// Code, unique within the database.
    pub code: String,
    /// Name as the catalogue lists it (tên dữ liệu).
    pub name: String,
    /// What the item holds, in the words of its keeper (mô tả).
    pub description: Option<String>,
    /// Master data (dữ liệu chủ): the reference others synchronise to; shared by default (Art. 34).
    #[graphql(default)]
    pub is_master_data: bool,
    /// Shared code list (dữ liệu danh mục dùng chung); shared by default (Art. 34).
    #[graphql(default)]
    pub is_shared_code_list: bool,
    /// Holds personal data (dữ liệu cá nhân): never open data.
    #[graphql(default)]
    pub is_personal_data: bool,
}

/// Changes to a data item: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateDataItemInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The id of the database holding this item.
    pub database_id: Option<ID>,
    /// Code, unique within the database.
    pub code: Option<String>,
    /// Name as the catalogue lists it (tên dữ liệu).
    pub name: Option<String>,
    /// What the item holds, in the words of its keeper (mô tả).
    pub description: MaybeUndefined<String>,
    /// Master data (dữ liệu chủ): the reference others synchronise to; shared by default (Art. 34).
    pub is_master_data: Option<bool>,
    /// Shared code list (dữ liệu danh mục dùng chung); shared by default (Art. 34).
    pub is_shared_code_list: Option<bool>,
    /// Holds personal data (dữ liệu cá nhân): never open data.
    pub is_personal_data: Option<bool>,
}

/// The data item a mutation wrote.
#[derive(SimpleObject)]
pub struct DataItemPayload {
    /// The data item as the mutation left it.
    pub data_item: DataItem,
}

#[derive(Default)]
pub struct DataItemMutation;

#[Object]
impl DataItemMutation {
    /// Adds a data item (trường dữ liệu) to a database, as the steward of the database's organization or an admin; it starts shared with no one until its policies are set.
    async fn create_data_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateDataItemInput,
    ) -> Result<DataItemPayload> {
        let fields = rules::Fields {
            database_id: ids::decode_as("input.databaseId", &input.database_id, Kind::Database)?,
            code: input.code,
            name: input.name,
            description: input.description,
            is_master_data: input.is_master_data,
            is_shared_code_list: input.is_shared_code_list,
            is_personal_data: input.is_personal_data,
        };
        let model = domain::create::<rules::DataItem>(ctx.db(), ctx.caller(), fields).await?;
        Ok(DataItemPayload {
            data_item: DataItem(model),
        })
    }

    /// Changes a data item, as the steward of its organization or an admin; omitted fields keep their value.
    async fn update_data_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateDataItemInput,
    ) -> Result<DataItemPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::DataItem)?;
        let database_id = decode_opt("input.databaseId", &input.database_id, Kind::Database)?;
        let model = domain::update::<rules::DataItem>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.database_id, database_id);
                patch(&mut f.code, input.code);
                patch(&mut f.name, input.name);
                patch_opt(&mut f.description, input.description);
                patch(&mut f.is_master_data, input.is_master_data);
                patch(&mut f.is_shared_code_list, input.is_shared_code_list);
                patch(&mut f.is_personal_data, input.is_personal_data);
            },
        )
        .await?;
        Ok(DataItemPayload {
            data_item: DataItem(model),
        })
    }
}

delete_mutation!(
    /// Deletes a data item together with its sharing policies.
    DeleteDataItemMutation,
    delete_data_item,
    rules::DataItem,
    Kind::DataItem
);
