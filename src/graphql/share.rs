//! `Share`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{ShareStatus, SharingMode};
use entity::share::{Column, Entity, Model};
use entity::{
    data_item as item_entity, data_service as service_entity, organization as org_entity,
};
use sea_orm::{ColumnTrait, Condition};

use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::DataItem;
use super::data_service::DataService;
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, OrganizationFilter, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{decode_maybe, decode_opt, delete_mutation, find_by_id, patch, patch_opt};
use super::organization::Organization;
use super::sharing_agreement::SharingAgreement;
use super::sharing_request::SharingRequest;
use crate::domain::{self, share as rules, today};
use crate::error::{Error, Result};
use crate::i18n::Text;

/// The edge "provider shares data item with consumer" (chia sẻ): under which mode, through
/// which service, for what purpose and on what legal basis, for how long.
pub struct Share(pub Model);

impl From<Model> for Share {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

impl Share {
    fn is_party(&self, ctx: &Context<'_>) -> bool {
        let caller = ctx.caller();
        caller.acts_for(self.0.provider_id) || caller.acts_for(self.0.consumer_id)
    }

    /// What only the parties read: the public sees who shares what with whom, not why.
    fn party_only<'a>(&self, ctx: &Context<'_>, value: &'a Option<String>) -> Option<&'a str> {
        if self.is_party(ctx) {
            value.as_deref()
        } else {
            None
        }
    }
}

/// The edge "provider shares data item with consumer" (chia sẻ): under which mode, through
/// which service, with which status and validity. The public reads the shares of published
/// items (unless the server keeps shares with their parties); purpose, legal basis, status
/// reason, agreement and request stay with the two parties.
#[Object]
impl Share {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Share, self.0.id)
    }
    /// The mode the consumer receives the item by: open data, default sharing or sharing on specific request (hình thức chia sẻ).
    async fn mode(&self) -> SharingMode {
        self.0.mode
    }
    /// `EXPIRED` once an `ACTIVE` share's `validUntil` has passed (Vietnam's calendar day).
    async fn status(&self) -> ShareStatus {
        self.0.effective_status(today())
    }
    /// Why the share was suspended or revoked. Only the parties (and admins) read it; `null`
    /// for everyone else.
    async fn status_reason(&self, ctx: &Context<'_>) -> Option<&str> {
        self.party_only(ctx, &self.0.status_reason)
    }
    /// What the consumer uses the data for. Only the parties (and admins) read it.
    async fn purpose(&self, ctx: &Context<'_>) -> Option<&str> {
        self.party_only(ctx, &self.0.purpose)
    }
    /// The legal basis of the share, as text. Only the parties (and admins) read it.
    async fn legal_basis(&self, ctx: &Context<'_>) -> Option<&str> {
        self.party_only(ctx, &self.0.legal_basis)
    }
    /// Whether the caller reads this share as one of its parties (or an admin): the fields
    /// that stay with the parties are `null` otherwise.
    async fn as_party(&self, ctx: &Context<'_>) -> bool {
        self.is_party(ctx)
    }
    /// First day the share is in force; none: from when it was recorded.
    async fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }
    /// Last day the share is in force; none: until revoked. After it, an active share reads `EXPIRED`.
    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
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
    /// The data item shared; `null` when the caller may no longer see it (a party still reads
    /// a suspended or revoked share of an item its owner has since kept internal).
    async fn data_item(&self, ctx: &Context<'_>) -> Result<Option<DataItem>> {
        Ok(by_id::<item_entity::Entity>(ctx, self.0.data_item_id)
            .await?
            .map(DataItem))
    }
    /// The organization that owns the item and shares it.
    async fn provider(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.provider_id, "Organization").await?,
        ))
    }
    /// The organization that receives it.
    async fn consumer(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.consumer_id, "Organization").await?,
        ))
    }
    /// The service the data goes through, if recorded.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<DataService>> {
        match self.0.service_id {
            Some(id) => Ok(by_id::<service_entity::Entity>(ctx, id)
                .await?
                .map(DataService)),
            None => Ok(None),
        }
    }
    /// The agreement the share rests on (Art. 38).
    async fn agreement(&self, ctx: &Context<'_>) -> Result<Option<SharingAgreement>> {
        match self.0.agreement_id {
            Some(id) => Ok(by_id::<entity::sharing_agreement::Entity>(ctx, id)
                .await?
                .map(SharingAgreement)),
            None => Ok(None),
        }
    }
    /// The request whose approval made the share.
    async fn request(&self, ctx: &Context<'_>) -> Result<Option<SharingRequest>> {
        match self.0.request_id {
            Some(id) => Ok(by_id::<entity::sharing_request::Entity>(ctx, id)
                .await?
                .map(SharingRequest)),
            None => Ok(None),
        }
    }
}

/// Filter for shares.
#[derive(InputObject, Debug, Default)]
pub struct ShareWhere {
    /// Filter on `mode`: The mode the consumer receives the item by: open data, default sharing or
    /// sharing on specific request (hình thức chia sẻ).
    pub mode: Option<EnumFilter<SharingMode>>,
    /// By status as clients see it: `EXPIRED` and `ACTIVE` follow from `validUntil`.
    pub status: Option<EnumFilter<ShareStatus>>,
    /// Filter on the id of `dataItem`: The data item shared; `null` when the caller may no longer see it (a party
    /// still reads a suspended or revoked share of an item its owner has since kept internal).
    pub data_item_id: Option<IdFilter>,
    /// Filter on the id of `provider`: The organization that owns the item and shares it.
    pub provider_id: Option<OrganizationFilter>,
    /// Filter on the id of `consumer`: The organization that receives it.
    pub consumer_id: Option<OrganizationFilter>,
    /// Either side of the share: the provider or the consumer.
    pub counterparty_id: Option<OrganizationFilter>,
    /// Filter on the id of `service`: The service the data goes through, if recorded.
    pub service_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<ShareWhere>>,
}

/// The condition for shares that clients see with `status`.
fn status_condition(status: ShareStatus) -> Condition {
    let day = today();
    match status {
        ShareStatus::Active => rules::active_on(day),
        ShareStatus::Expired => Condition::all()
            .add(Column::Status.eq(ShareStatus::Active))
            .add(Column::ValidUntil.lt(day)),
        other => Condition::all().add(Column::Status.eq(other)),
    }
}

impl WhereInput for ShareWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<Condition> {
        let mut cond = Condition::all()
            .add(filter::enumeration("where.mode", Column::Mode, &self.mode)?)
            .add(filter::reference::<item_entity::Entity, _>(
                "where.dataItemId",
                Column::DataItemId,
                Kind::DataItem,
                &self.data_item_id,
                caller,
            )?)
            .add(filter::organization(
                "where.providerId",
                Column::ProviderId,
                &self.provider_id,
            )?)
            .add(filter::organization(
                "where.consumerId",
                Column::ConsumerId,
                &self.consumer_id,
            )?)
            .add(filter::reference::<service_entity::Entity, _>(
                "where.serviceId",
                Column::ServiceId,
                Kind::DataService,
                &self.service_id,
                caller,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at));
        if self.counterparty_id.is_some() {
            cond = cond.add(
                Condition::any()
                    .add(filter::organization(
                        "where.counterpartyId",
                        Column::ProviderId,
                        &self.counterparty_id,
                    )?)
                    .add(filter::organization(
                        "where.counterpartyId",
                        Column::ConsumerId,
                        &self.counterparty_id,
                    )?),
            );
        }
        if let Some(f) = &self.status {
            if let Some(s) = f.eq {
                cond = cond.add(status_condition(s));
            }
            if let Some(list) = &f.in_ {
                if list.len() > 4 {
                    return Err(Error::bad_input(
                        "where.status.in",
                        Text::key("status-once"),
                    ));
                }
                cond = cond.add(
                    list.iter()
                        .fold(Condition::any(), |any, s| any.add(status_condition(*s))),
                );
            }
        }
        Ok(cond)
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields shares can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareOrderField {
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
    /// By `mode`: the mode the consumer receives the item by: open data, default sharing or sharing on specific request (hình thức chia sẻ).
    Mode,
    /// The provider's name, diacritics and case folded ("Bản" sorts next to "Ban").
    ProviderName,
    /// The consumer's name, folded alike.
    ConsumerName,
    /// The shared item's name, folded alike.
    ItemName,
}

order_input!(ShareOrder, ShareOrderField);

impl OrderField<Entity> for ShareOrderField {
    fn column(self) -> Column {
        match self {
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
            Self::Mode => Column::Mode,
            Self::ProviderName => Column::ProviderName,
            Self::ConsumerName => Column::ConsumerName,
            Self::ItemName => Column::ItemName,
        }
    }
}

#[derive(Default)]
pub struct ShareQuery;

#[Object]
impl ShareQuery {
    /// All shares.
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
        list(ctx, Scope::all(), args, ShareOrderField::CreatedAt).await
    }

    /// One share by id; `null` when there is none.
    async fn share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The share's global id.")] id: ID,
    ) -> Result<Option<Share>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::Share)
            .await?
            .map(Share))
    }
}

/// A new share.
#[derive(InputObject)]
pub struct CreateShareInput {
    /// The id of the data item shared; `null` when the caller may no longer see it (a party still
    /// reads a suspended or revoked share of an item its owner has since kept internal).
    pub data_item_id: ID,
    /// The id of the organization that receives it.
    pub consumer_id: ID,
    /// Omitted: the mode the item's policy gives the consumer's type.
    pub mode: Option<SharingMode>,
    /// The id of the service the data goes through, if recorded.
    pub service_id: Option<ID>,
    /// What the consumer uses the data for. Only the parties (and admins) read it.
    pub purpose: Option<String>,
    /// The legal basis of the share, as text. Only the parties (and admins) read it.
    pub legal_basis: Option<String>,
    /// First day the share is in force; none: from when it was recorded.
    pub valid_from: Option<NaiveDate>,
    /// Last day the share is in force; none: until revoked. After it, an active share reads
    /// `EXPIRED`.
    pub valid_until: Option<NaiveDate>,
    /// The agreement between the two parties the share rests on (Art. 38).
    pub agreement_id: Option<ID>,
}

/// Changes to a share: omitted fields keep their value, `null` clears a field. The item and the
/// consumer of a share do not change; a revoked share does not change at all.
#[derive(InputObject)]
pub struct UpdateShareInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The mode the consumer receives the item by: open data, default sharing or sharing on
    /// specific request (hình thức chia sẻ).
    pub mode: Option<SharingMode>,
    /// The id of the service the data goes through, if recorded.
    pub service_id: MaybeUndefined<ID>,
    /// What the consumer uses the data for. Only the parties (and admins) read it.
    pub purpose: MaybeUndefined<String>,
    /// The legal basis of the share, as text. Only the parties (and admins) read it.
    pub legal_basis: MaybeUndefined<String>,
    /// First day the share is in force; none: from when it was recorded.
    pub valid_from: MaybeUndefined<NaiveDate>,
    /// Last day the share is in force; none: until revoked. After it, an active share reads
    /// `EXPIRED`.
    pub valid_until: MaybeUndefined<NaiveDate>,
    /// `ACTIVE`, `SUSPENDED` or `REVOKED` (with `statusReason`).
    pub status: Option<ShareStatus>,
    /// Why the share was suspended or revoked. Only the parties (and admins) read it; `null` for
    /// everyone else.
    pub status_reason: MaybeUndefined<String>,
    /// The agreement the share rests on.
    pub agreement_id: MaybeUndefined<ID>,
}

/// The share a mutation wrote.
#[derive(SimpleObject)]
pub struct SharePayload {
    /// The share as the mutation left it.
    pub share: Share,
}

#[derive(Default)]
pub struct ShareMutation;

#[Object]
impl ShareMutation {
    /// Records that an organization shares a data item with another (chia sẻ dữ liệu), as the steward of the provider or an admin.
    async fn create_share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateShareInput,
    ) -> Result<SharePayload> {
        let fields = rules::Fields {
            data_item_id: ids::decode_as("input.dataItemId", &input.data_item_id, Kind::DataItem)?,
            consumer_id: ids::decode_as(
                "input.consumerId",
                &input.consumer_id,
                Kind::Organization,
            )?,
            mode: input.mode,
            service_id: decode_opt("input.serviceId", &input.service_id, Kind::DataService)?,
            purpose: input.purpose,
            legal_basis: input.legal_basis,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            status: ShareStatus::Active,
            status_reason: None,
            agreement_id: decode_opt(
                "input.agreementId",
                &input.agreement_id,
                Kind::SharingAgreement,
            )?,
            request_id: None,
        };
        let model = domain::create::<rules::Share>(ctx.db(), ctx.caller(), fields).await?;
        Ok(SharePayload {
            share: Share(model),
        })
    }

    /// Changes a share (its status, dates, service or terms), as the steward of the provider or an admin.
    async fn update_share(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateShareInput,
    ) -> Result<SharePayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Share)?;
        let service_id = decode_maybe("input.serviceId", input.service_id, Kind::DataService)?;
        let agreement_id = decode_maybe(
            "input.agreementId",
            input.agreement_id,
            Kind::SharingAgreement,
        )?;
        let model = domain::update::<rules::Share>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                if input.mode.is_some() {
                    f.mode = input.mode;
                }
                patch_opt(&mut f.service_id, service_id);
                patch_opt(&mut f.purpose, input.purpose);
                patch_opt(&mut f.legal_basis, input.legal_basis);
                patch_opt(&mut f.valid_from, input.valid_from);
                patch_opt(&mut f.valid_until, input.valid_until);
                patch(&mut f.status, input.status);
                patch_opt(&mut f.status_reason, input.status_reason);
                patch_opt(&mut f.agreement_id, agreement_id);
            },
        )
        .await?;
        Ok(SharePayload {
            share: Share(model),
        })
    }
}

delete_mutation!(
    /// Deletes a share, as the steward of the provider or an admin (revoking it, `status: REVOKED`, keeps its history).
    DeleteShareMutation,
    delete_share,
    rules::Share,
    Kind::Share
);
