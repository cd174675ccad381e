//! `SharingPolicy`: its object, inputs, queries and mutations, and `setSharingPolicies`.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::data_item as item_entity;
use entity::enums::{ConsumerType, SharingMode};
use entity::sharing_policy::{Column, Entity, Model};

use super::compiled::Answer;
use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::DataItem;
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, OrganizationFilter, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{Lookup, delete_mutation, patch, patch_opt};
use crate::domain::{self, sharing_policy as rules};
use crate::error::Result;

pub struct SharingPolicy(pub Model);

impl From<Model> for SharingPolicy {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// How one data item may be shared with one kind of consumer (chính sách chia sẻ): the mode,
/// its conditions and the legal basis.
#[Object]
impl SharingPolicy {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::SharingPolicy, self.0.id)
    }
    /// The kind of consumer this policy is for: state agencies, enterprises, organizations, individuals or the public (đối tượng khai thác).
    async fn consumer_type(&self) -> ConsumerType {
        self.0.consumer_type
    }
    /// How the item is shared with that kind of consumer: open data, default sharing, on specific request, or not shared (hình thức chia sẻ).
    async fn mode(&self) -> SharingMode {
        self.0.mode
    }
    /// Conditions the consumer must meet.
    async fn conditions(&self) -> Option<&str> {
        self.0.conditions.as_deref()
    }
    /// Legal basis of the mode (required for NOT_SHARED).
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
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
    /// The data item this policy is about.
    async fn data_item(&self, ctx: &Context<'_>) -> Result<DataItem> {
        Ok(DataItem(
            related::<item_entity::Entity>(ctx, self.0.data_item_id, "DataItem").await?,
        ))
    }
}

/// Filter for sharing policies.
#[derive(InputObject, Debug, Default)]
pub struct SharingPolicyWhere {
    /// Filter on `consumerType`: The kind of consumer this policy is for: state agencies, enterprises,
    /// organizations, individuals or the public (đối tượng khai thác).
    pub consumer_type: Option<EnumFilter<ConsumerType>>,
    /// Filter on `mode`: How the item is shared with that kind of consumer: open data, default
    /// sharing, on specific request, or not shared (hình thức chia sẻ).
    pub mode: Option<EnumFilter<SharingMode>>,
    /// Filter on the id of `dataItem`: The data item this policy is about.
    pub data_item_id: Option<IdFilter>,
    /// The organization that owns the item (with `includeDescendants`: or one below it).
    pub organization_id: Option<OrganizationFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<SharingPolicyWhere>>,
}

impl WhereInput for SharingPolicyWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::enumeration(
                "where.consumerType",
                Column::ConsumerType,
                &self.consumer_type,
            )?)
            .add(filter::enumeration("where.mode", Column::Mode, &self.mode)?)
            .add(filter::reference::<item_entity::Entity, _>(
                "where.dataItemId",
                Column::DataItemId,
                Kind::DataItem,
                &self.data_item_id,
                caller,
            )?)
            .add(match &self.organization_id {
                None => sea_orm::Condition::all(),
                Some(_) => {
                    let owned = filter::organization(
                        "where.organizationId",
                        item_entity::Column::OwnerId,
                        &self.organization_id,
                    )?;
                    let items = sea_orm::sea_query::Query::select()
                        .column(item_entity::Column::Id)
                        .from(item_entity::Entity)
                        .cond_where(owned)
                        .to_owned();
                    sea_orm::Condition::all().add(sea_orm::ColumnTrait::in_subquery(
                        &Column::DataItemId,
                        items,
                    ))
                }
            })
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields sharing policies can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingPolicyOrderField {
    /// By `consumerType`: the kind of consumer this policy is for: state agencies, enterprises, organizations, individuals or the public (đối tượng khai thác).
    ConsumerType,
    /// By `mode`: how the item is shared with that kind of consumer: open data, default sharing, on specific request, or not shared (hình thức chia sẻ).
    Mode,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(SharingPolicyOrder, SharingPolicyOrderField);

impl OrderField<Entity> for SharingPolicyOrderField {
    fn column(self) -> Column {
        match self {
            Self::ConsumerType => Column::ConsumerType,
            Self::Mode => Column::Mode,
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[derive(Default)]
pub struct SharingPolicyQuery;

#[Object]
impl SharingPolicyQuery {
    /// All sharing policies.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn sharing_policies(
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
        list(
            ctx,
            Scope::all(),
            args,
            SharingPolicyOrderField::ConsumerType,
        )
        .await
    }

    /// One sharing policy by id; `null` when there is none.
    async fn sharing_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy's global id.")] id: ID,
    ) -> Result<Answer<Option<SharingPolicy>>> {
        // Policies have no code: the id is the one key.
        Lookup::new(Some(id), None, Kind::SharingPolicy)?
            .answer::<Entity, _>(ctx, Column::Id)
            .await
    }
}

/// A new sharing policy.
#[derive(InputObject)]
pub struct CreateSharingPolicyInput {
    /// The id of the data item this policy is about.
    pub data_item_id: ID,
    /// The kind of consumer this policy is for: state agencies, enterprises, organizations,
    /// individuals or the public (đối tượng khai thác).
    pub consumer_type: ConsumerType,
    /// How the item is shared with that kind of consumer: open data, default sharing, on specific
    /// request, or not shared (hình thức chia sẻ).
    pub mode: SharingMode,
    /// Conditions the consumer must meet.
    pub conditions: Option<String>,
    /// Legal basis of the mode (required for NOT_SHARED).
    pub legal_basis: Option<String>,
}

/// Changes to a sharing policy: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateSharingPolicyInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The kind of consumer this policy is for: state agencies, enterprises, organizations,
    /// individuals or the public (đối tượng khai thác).
    pub consumer_type: Option<ConsumerType>,
    /// How the item is shared with that kind of consumer: open data, default sharing, on specific
    /// request, or not shared (hình thức chia sẻ).
    pub mode: Option<SharingMode>,
    /// Conditions the consumer must meet.
    pub conditions: MaybeUndefined<String>,
    /// Legal basis of the mode (required for NOT_SHARED).
    pub legal_basis: MaybeUndefined<String>,
}

/// One consumer type's policy in `setSharingPolicies`.
#[derive(InputObject)]
pub struct PolicyEntryInput {
    /// The kind of consumer the policy is for.
    pub consumer_type: ConsumerType,
    /// How the item may be shared with that kind of consumer.
    pub mode: SharingMode,
    /// Conditions the consumer must meet.
    pub conditions: Option<String>,
    /// Legal basis of the mode (required for NOT_SHARED).
    pub legal_basis: Option<String>,
}

/// Sets the policies of one data item for several consumer types at once.
#[derive(InputObject)]
pub struct SetSharingPoliciesInput {
    /// The id of the data item whose policies are set.
    pub data_item_id: ID,
    /// One entry per consumer type; types not named keep their current policy.
    pub policies: Vec<PolicyEntryInput>,
}

/// The sharing policy a mutation wrote.
#[derive(SimpleObject)]
pub struct SharingPolicyPayload {
    /// The sharing policy as the mutation left it.
    pub sharing_policy: SharingPolicy,
}

/// The item and all its policies after `setSharingPolicies`.
#[derive(SimpleObject)]
pub struct SetSharingPoliciesPayload {
    /// The data item as the mutation left it.
    pub data_item: DataItem,
    /// Every policy of the item after the change.
    pub policies: Vec<SharingPolicy>,
}

#[derive(Default)]
pub struct SharingPolicyMutation;

#[Object]
impl SharingPolicyMutation {
    /// Sets how a data item may be shared with one kind of consumer, as the steward of the item's organization or an admin (`setSharingPolicies` sets them all at once).
    async fn create_sharing_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateSharingPolicyInput,
    ) -> Result<SharingPolicyPayload> {
        let fields = rules::Fields {
            data_item_id: ids::decode_as("input.dataItemId", &input.data_item_id, Kind::DataItem)?,
            consumer_type: input.consumer_type,
            mode: input.mode,
            conditions: input.conditions,
            legal_basis: input.legal_basis,
        };
        let model = domain::create::<rules::SharingPolicy>(ctx.db(), ctx.caller(), fields).await?;
        Ok(SharingPolicyPayload {
            sharing_policy: SharingPolicy(model),
        })
    }

    /// Changes one sharing policy, as the steward of the item's organization or an admin.
    async fn update_sharing_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateSharingPolicyInput,
    ) -> Result<SharingPolicyPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::SharingPolicy)?;
        let model = domain::update::<rules::SharingPolicy>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.consumer_type, input.consumer_type);
                patch(&mut f.mode, input.mode);
                patch_opt(&mut f.conditions, input.conditions);
                patch_opt(&mut f.legal_basis, input.legal_basis);
            },
        )
        .await?;
        Ok(SharingPolicyPayload {
            sharing_policy: SharingPolicy(model),
        })
    }

    /// Upserts the policies of one data item for several consumer types in one transaction.
    async fn set_sharing_policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and one entry per consumer type to set.")]
        input: SetSharingPoliciesInput,
    ) -> Result<SetSharingPoliciesPayload> {
        let item_id = ids::decode_as("input.dataItemId", &input.data_item_id, Kind::DataItem)?;
        let entries = input
            .policies
            .into_iter()
            .map(|p| rules::PolicyEntry {
                consumer_type: p.consumer_type,
                mode: p.mode,
                conditions: p.conditions,
                legal_basis: p.legal_basis,
            })
            .collect();
        let policies = rules::set_policies(ctx.db(), ctx.caller(), item_id, entries).await?;
        let item = related::<item_entity::Entity>(ctx, item_id, "DataItem").await?;
        Ok(SetSharingPoliciesPayload {
            data_item: DataItem(item),
            policies: policies.into_iter().map(SharingPolicy).collect(),
        })
    }
}

delete_mutation!(
    /// Deletes one sharing policy, as the steward of the item's organization or an admin: the item is then not shared with that kind of consumer.
    DeleteSharingPolicyMutation,
    delete_sharing_policy,
    rules::SharingPolicy,
    Kind::SharingPolicy
);
