//! `Derivation`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::data_item as item_entity;
use entity::derivation::{Column, Entity, Model};

use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::DataItem;
use super::filter::{self, DateTimeFilter, IdFilter, OrderField, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{delete_mutation, find_by_id, patch_opt};
use crate::domain::{self, derivation as rules};
use crate::error::Result;

pub struct Derivation(pub Model);

impl From<Model> for Derivation {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A lineage edge (dẫn xuất): `derived` is made from `source`, possibly in another
/// organization that received `source` through a share.
#[Object]
impl Derivation {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Derivation, self.0.id)
    }
    /// How the source is transformed into the derived item.
    async fn transformation(&self) -> Option<&str> {
        self.0.transformation.as_deref()
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
    /// The item data comes from.
    async fn source(&self, ctx: &Context<'_>) -> Result<DataItem> {
        Ok(DataItem(
            related::<item_entity::Entity>(ctx, self.0.source_item_id, "DataItem").await?,
        ))
    }
    /// The item made from it.
    async fn derived(&self, ctx: &Context<'_>) -> Result<DataItem> {
        Ok(DataItem(
            related::<item_entity::Entity>(ctx, self.0.derived_item_id, "DataItem").await?,
        ))
    }
}

/// Filter for derivations.
#[derive(InputObject, Debug, Default)]
pub struct DerivationWhere {
    /// Filter on the id of `source`: the item data comes from.
    pub source_item_id: Option<IdFilter>,
    /// Filter on the id of `derived`: the item made from it.
    pub derived_item_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<DerivationWhere>>,
}

impl WhereInput for DerivationWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::reference::<item_entity::Entity, _>(
                "where.sourceItemId",
                Column::SourceItemId,
                Kind::DataItem,
                &self.source_item_id,
                caller,
            )?)
            .add(filter::reference::<item_entity::Entity, _>(
                "where.derivedItemId",
                Column::DerivedItemId,
                Kind::DataItem,
                &self.derived_item_id,
                caller,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields derivations can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivationOrderField {
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(DerivationOrder, DerivationOrderField);

impl OrderField<Entity> for DerivationOrderField {
    fn column(self) -> Column {
        match self {
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

/// Resolves a list of derivations hanging on an item (`fk` names which end).
pub async fn of_item(
    ctx: &Context<'_>,
    fk: Column,
    item: i64,
    filter: Option<DerivationWhere>,
    order_by: Option<Vec<DerivationOrder>>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<Conn<Derivation>> {
    let args = ListArgs::new(filter, order_by, first, after, last, before);
    list(
        ctx,
        Scope::children(fk, item),
        args,
        DerivationOrderField::CreatedAt,
    )
    .await
}

#[derive(Default)]
pub struct DerivationQuery;

#[Object]
impl DerivationQuery {
    /// All derivations.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn derivations(
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
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, DerivationOrderField::CreatedAt).await
    }

    /// One derivation by id; `null` when there is none.
    async fn derivation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The derivation's global id.")] id: ID,
    ) -> Result<Option<Derivation>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::Derivation)
            .await?
            .map(Derivation))
    }
}

/// A new derivation.
#[derive(InputObject)]
pub struct CreateDerivationInput {
    /// The id of the item data comes from.
    pub source_item_id: ID,
    /// The id of the item made from it.
    pub derived_item_id: ID,
    /// How the source is transformed into the derived item.
    pub transformation: Option<String>,
}

/// Changes to a derivation's note; to link other items, delete it and create another.
#[derive(InputObject)]
pub struct UpdateDerivationInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// How the source is transformed into the derived item.
    pub transformation: MaybeUndefined<String>,
}

/// The item whose derivations are removed.
#[derive(InputObject)]
pub struct DetachDerivationsInput {
    /// The id of the data item.
    pub data_item_id: ID,
}

/// What `detachDerivations` removed.
#[derive(SimpleObject)]
pub struct DetachDerivationsPayload {
    /// Derivations removed, including those linking the item with items the caller cannot see.
    pub removed: u64,
}

/// The derivation a mutation wrote.
#[derive(SimpleObject)]
pub struct DerivationPayload {
    /// The derivation as the mutation left it.
    pub derivation: Derivation,
}

#[derive(Default)]
pub struct DerivationMutation;

#[Object]
impl DerivationMutation {
    /// Records that one item is made from another. A flow from another organization's item with
    /// no active share behind it is recorded all the same and listed by `complianceIssues`.
    async fn create_derivation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateDerivationInput,
    ) -> Result<DerivationPayload> {
        let fields = rules::Fields {
            source_item_id: ids::decode_as(
                "input.sourceItemId",
                &input.source_item_id,
                Kind::DataItem,
            )?,
            derived_item_id: ids::decode_as(
                "input.derivedItemId",
                &input.derived_item_id,
                Kind::DataItem,
            )?,
            transformation: input.transformation,
        };
        let model = domain::create::<rules::Derivation>(ctx.db(), ctx.caller(), fields).await?;
        Ok(DerivationPayload {
            derivation: Derivation(model),
        })
    }

    /// Changes a derivation, as the steward of the derived item's organization or an admin.
    async fn update_derivation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateDerivationInput,
    ) -> Result<DerivationPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Derivation)?;
        let model = domain::update::<rules::Derivation>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch_opt(&mut f.transformation, input.transformation);
            },
        )
        .await?;
        Ok(DerivationPayload {
            derivation: Derivation(model),
        })
    }

    /// Removes every derivation of an item, both ways, as a steward of the item's organization
    /// (or an admin), in one audited transaction: also those linking it with another
    /// organization's items that the caller cannot see, which `deleteDerivation` cannot reach
    /// and which keep the item from being deleted.
    async fn detach_derivations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item whose derivations are removed.")] input: DetachDerivationsInput,
    ) -> Result<DetachDerivationsPayload> {
        let item = ids::decode_as("input.dataItemId", &input.data_item_id, Kind::DataItem)?;
        let removed = rules::detach(ctx.db(), ctx.caller(), item).await?;
        Ok(DetachDerivationsPayload { removed })
    }
}

delete_mutation!(
    /// Deletes a derivation, as the steward of the derived item's organization or an admin.
    DeleteDerivationMutation,
    delete_derivation,
    rules::Derivation,
    Kind::Derivation
);
