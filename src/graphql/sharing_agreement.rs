//! `SharingAgreement`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::organization as org_entity;
use entity::share as share_entity;
use entity::sharing_agreement::{Column, Entity, Model};

use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::filter::{self, DateTimeFilter, IdFilter, OrderField, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{delete_mutation, find_by_id, patch, patch_opt};
use super::organization::Organization;
use super::share::{Share, ShareOrder, ShareOrderField, ShareWhere};
use crate::domain::{self, sharing_agreement as rules};
use crate::error::Result;

pub struct SharingAgreement(pub Model);

impl From<Model> for SharingAgreement {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A data-sharing agreement between a provider and a consumer (thỏa thuận chia sẻ dữ liệu,
/// Decree 47/2020 Art. 38). Seen by its two parties.
#[Object]
impl SharingAgreement {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::SharingAgreement, self.0.id)
    }
    /// The organization whose data is shared.
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
    /// The data shared (nội dung dữ liệu chia sẻ).
    async fn data_content(&self) -> &str {
        &self.0.data_content
    }
    /// Where the data will be used (địa điểm sử dụng).
    async fn place_of_use(&self) -> &str {
        &self.0.place_of_use
    }
    /// Start of the agreed period (thời hạn).
    async fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }
    /// Last day the agreement is in force, if it ends.
    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }
    /// How the data is shared (phương thức chia sẻ).
    async fn method(&self) -> &str {
        &self.0.method
    }
    /// What the consumer does with the data once received (xử lý sau khi nhận).
    async fn processing_after_receipt(&self) -> Option<&str> {
        self.0.processing_after_receipt.as_deref()
    }
    /// Conditions and limits of use (điều kiện, giới hạn).
    async fn conditions_and_limits(&self) -> Option<&str> {
        self.0.conditions_and_limits.as_deref()
    }
    /// Commitments to protect the data (cam kết bảo vệ dữ liệu).
    async fn protection_commitments(&self) -> Option<&str> {
        self.0.protection_commitments.as_deref()
    }
    /// Security and authentication measures (an toàn, xác thực).
    async fn security_and_authentication(&self) -> Option<&str> {
        self.0.security_and_authentication.as_deref()
    }
    /// How shared and derived data are stored (lưu trữ).
    async fn storage(&self) -> Option<&str> {
        self.0.storage.as_deref()
    }
    /// How the data is deleted at the end (phương thức xóa).
    async fn deletion_method(&self) -> Option<&str> {
        self.0.deletion_method.as_deref()
    }
    /// The day both parties signed (ngày ký).
    async fn signed_on(&self) -> NaiveDate {
        self.0.signed_on
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
    /// The shares that rest on this agreement.
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
        let scope = Scope::children(share_entity::Column::AgreementId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
}

/// Filter for sharing agreements.
#[derive(InputObject, Debug, Default)]
pub struct SharingAgreementWhere {
    /// Filter on the id of `provider`: The organization whose data is shared.
    pub provider_id: Option<IdFilter>,
    /// Filter on the id of `consumer`: The organization that receives it.
    pub consumer_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<SharingAgreementWhere>>,
}

impl WhereInput for SharingAgreementWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::id(
                "where.providerId",
                Column::ProviderId,
                Kind::Organization,
                &self.provider_id,
            )?)
            .add(filter::id(
                "where.consumerId",
                Column::ConsumerId,
                Kind::Organization,
                &self.consumer_id,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields sharing agreements can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingAgreementOrderField {
    /// By `signedOn`: the day both parties signed (ngày ký).
    SignedOn,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
}

order_input!(SharingAgreementOrder, SharingAgreementOrderField);

impl OrderField<Entity> for SharingAgreementOrderField {
    fn column(self) -> Column {
        match self {
            Self::SignedOn => Column::SignedOn,
            Self::CreatedAt => Column::CreatedAt,
        }
    }
}

#[derive(Default)]
pub struct SharingAgreementQuery;

#[Object]
impl SharingAgreementQuery {
    /// Agreements the caller's organization is party to (admins: all).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn sharing_agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<SharingAgreementWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<SharingAgreementOrder>>,
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
    ) -> Result<Conn<SharingAgreement>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::all(),
            args,
            SharingAgreementOrderField::SignedOn,
        )
        .await
    }

    /// One agreement by id; `null` when there is none (or it is not the caller's).
    async fn sharing_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement's global id.")] id: ID,
    ) -> Result<Option<SharingAgreement>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::SharingAgreement)
            .await?
            .map(SharingAgreement))
    }
}

/// A new agreement, recorded by the provider's steward.
#[derive(InputObject)]
pub struct CreateSharingAgreementInput {
    /// The id of the organization whose data is shared.
    pub provider_id: ID,
    /// The id of the organization that receives it.
    pub consumer_id: ID,
    /// The data shared (nội dung dữ liệu chia sẻ).
    pub data_content: String,
    /// Where the data will be used (địa điểm sử dụng).
    pub place_of_use: String,
    /// Start of the agreed period (thời hạn).
    pub valid_from: Option<NaiveDate>,
    /// Last day the agreement is in force, if it ends.
    pub valid_until: Option<NaiveDate>,
    /// How the data is shared (phương thức chia sẻ).
    pub method: String,
    /// What the consumer does with the data once received (xử lý sau khi nhận).
    pub processing_after_receipt: Option<String>,
    /// Conditions and limits of use (điều kiện, giới hạn).
    pub conditions_and_limits: Option<String>,
    /// Commitments to protect the data (cam kết bảo vệ dữ liệu).
    pub protection_commitments: Option<String>,
    /// Security and authentication measures (an toàn, xác thực).
    pub security_and_authentication: Option<String>,
    /// How shared and derived data are stored (lưu trữ).
    pub storage: Option<String>,
    /// How the data is deleted at the end (phương thức xóa).
    pub deletion_method: Option<String>,
    /// The day both parties signed (ngày ký).
    pub signed_on: NaiveDate,
}

/// Changes to an agreement's terms; its parties cannot change.
#[derive(InputObject)]
pub struct UpdateSharingAgreementInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The data shared (nội dung dữ liệu chia sẻ).
    pub data_content: Option<String>,
    /// Where the data will be used (địa điểm sử dụng).
    pub place_of_use: Option<String>,
    /// Start of the agreed period (thời hạn).
    pub valid_from: MaybeUndefined<NaiveDate>,
    /// Last day the agreement is in force, if it ends.
    pub valid_until: MaybeUndefined<NaiveDate>,
    /// How the data is shared (phương thức chia sẻ).
    pub method: Option<String>,
    /// What the consumer does with the data once received (xử lý sau khi nhận).
    pub processing_after_receipt: MaybeUndefined<String>,
    /// Conditions and limits of use (điều kiện, giới hạn).
    pub conditions_and_limits: MaybeUndefined<String>,
    /// Commitments to protect the data (cam kết bảo vệ dữ liệu).
    pub protection_commitments: MaybeUndefined<String>,
    /// Security and authentication measures (an toàn, xác thực).
    pub security_and_authentication: MaybeUndefined<String>,
    /// How shared and derived data are stored (lưu trữ).
    pub storage: MaybeUndefined<String>,
    /// How the data is deleted at the end (phương thức xóa).
    pub deletion_method: MaybeUndefined<String>,
    /// The day both parties signed (ngày ký).
    pub signed_on: Option<NaiveDate>,
}

/// The agreement a mutation wrote.
#[derive(SimpleObject)]
pub struct SharingAgreementPayload {
    /// The sharing agreement as the mutation left it.
    pub sharing_agreement: SharingAgreement,
}

#[derive(Default)]
pub struct SharingAgreementMutation;

#[Object]
impl SharingAgreementMutation {
    /// Records a sharing agreement between a provider and a consumer (thỏa thuận chia sẻ), as the steward of the provider or an admin.
    async fn create_sharing_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateSharingAgreementInput,
    ) -> Result<SharingAgreementPayload> {
        let fields = rules::Fields {
            provider_id: ids::decode_as(
                "input.providerId",
                &input.provider_id,
                Kind::Organization,
            )?,
            consumer_id: ids::decode_as(
                "input.consumerId",
                &input.consumer_id,
                Kind::Organization,
            )?,
            data_content: input.data_content,
            place_of_use: input.place_of_use,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            method: input.method,
            processing_after_receipt: input.processing_after_receipt,
            conditions_and_limits: input.conditions_and_limits,
            protection_commitments: input.protection_commitments,
            security_and_authentication: input.security_and_authentication,
            storage: input.storage,
            deletion_method: input.deletion_method,
            signed_on: input.signed_on,
        };
        let model =
            domain::create::<rules::SharingAgreement>(ctx.db(), ctx.caller(), fields).await?;
        Ok(SharingAgreementPayload {
            sharing_agreement: SharingAgreement(model),
        })
    }

    /// Changes a sharing agreement, as the steward of the provider or an admin.
    async fn update_sharing_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateSharingAgreementInput,
    ) -> Result<SharingAgreementPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::SharingAgreement)?;
        let model = domain::update::<rules::SharingAgreement>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.data_content, input.data_content);
                patch(&mut f.place_of_use, input.place_of_use);
                patch_opt(&mut f.valid_from, input.valid_from);
                patch_opt(&mut f.valid_until, input.valid_until);
                patch(&mut f.method, input.method);
                patch_opt(
                    &mut f.processing_after_receipt,
                    input.processing_after_receipt,
                );
                patch_opt(&mut f.conditions_and_limits, input.conditions_and_limits);
                patch_opt(&mut f.protection_commitments, input.protection_commitments);
                patch_opt(
                    &mut f.security_and_authentication,
                    input.security_and_authentication,
                );
                patch_opt(&mut f.storage, input.storage);
                patch_opt(&mut f.deletion_method, input.deletion_method);
                patch(&mut f.signed_on, input.signed_on);
            },
        )
        .await?;
        Ok(SharingAgreementPayload {
            sharing_agreement: SharingAgreement(model),
        })
    }
}

delete_mutation!(
    /// Deletes an agreement no share or request rests on.
    DeleteSharingAgreementMutation,
    delete_sharing_agreement,
    rules::SharingAgreement,
    Kind::SharingAgreement
);
