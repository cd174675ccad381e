//! `SharingRequest`: its object, queries and the workflow mutations (submit, approve, reject,
//! withdraw), and the holiday calendar their deadlines follow.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::data_item as item_entity;
use entity::enums::{RequestStatus, SharingMode};
use entity::organization as org_entity;
use entity::share as share_entity;
use entity::sharing_agreement as agreement_entity;
use entity::sharing_request::{Column, Entity, Model};

use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::{DataItem, DataItemOrder, DataItemOrderField, DataItemWhere};
use super::filter::{self, DateTimeFilter, EnumFilter, IdFilter, OrderField, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{decode_opt, find_by_id};
use super::organization::Organization;
use super::share::{Share, ShareOrder, ShareOrderField, ShareWhere};
use super::sharing_agreement::SharingAgreement;
use crate::domain::sharing_request::{self as rules, Decision, Submission};
use crate::domain::{calendar, today};
use crate::error::Result;
use crate::store::page::Link;

/// Items a request asks for, through its link table.
pub static REQUEST_ITEMS: Link = Link {
    table: "sharing_request_items",
    parent: "request_id",
    child: "data_item_id",
};

pub struct SharingRequest(pub Model);

impl From<Model> for SharingRequest {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A consumer's request for data items of one provider (yêu cầu chia sẻ dữ liệu). Seen by the
/// two organizations involved.
#[Object]
impl SharingRequest {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::SharingRequest, self.0.id)
    }
    /// The organization asking.
    async fn consumer(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.consumer_id, "Organization").await?,
        ))
    }
    /// The organization asked: the owner of the items.
    async fn provider(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.provider_id, "Organization").await?,
        ))
    }
    /// The sharing mode asked for.
    async fn requested_mode(&self) -> SharingMode {
        self.0.requested_mode
    }
    /// What the data will be used for (mục đích).
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    /// The legal basis of the request (căn cứ pháp lý).
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }
    /// Who to contact at the consumer.
    async fn contact_name(&self) -> &str {
        &self.0.contact_name
    }
    /// An e-mail address of the person to answer.
    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_deref()
    }
    /// A telephone number of the person to answer.
    async fn contact_phone(&self) -> Option<&str> {
        self.0.contact_phone.as_deref()
    }
    /// Where the request stands: submitted, approved, rejected or withdrawn.
    async fn status(&self) -> RequestStatus {
        self.0.status
    }
    /// When the consumer sent it.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    /// The last day the provider may answer on: two working days after submission for data
    /// shared by default (Art. 35.3 as amended); `null` when the law sets no deadline.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.due_on
    }
    /// Still waiting after its due day.
    async fn overdue(&self) -> bool {
        self.0.status == RequestStatus::Submitted && self.0.due_on.is_some_and(|d| d < today())
    }
    /// When the provider approved or rejected it.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// Why it was rejected.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    /// The agreement named on approval.
    async fn agreement(&self, ctx: &Context<'_>) -> Result<Option<SharingAgreement>> {
        Ok(match self.0.agreement_id {
            Some(id) => by_id::<agreement_entity::Entity>(ctx, id)
                .await?
                .map(SharingAgreement),
            None => None,
        })
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
    /// The items asked for.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn items(
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
        let scope = Scope::<item_entity::Entity>::linked(&REQUEST_ITEMS, self.0.id);
        list(ctx, scope, args, DataItemOrderField::Name).await
    }
    /// The shares its approval created.
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
        let scope = Scope::children(share_entity::Column::RequestId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
}

/// Filter for sharing requests.
#[derive(InputObject, Debug, Default)]
pub struct SharingRequestWhere {
    /// Filter on the id of `consumer`: The organization asking.
    pub consumer_id: Option<IdFilter>,
    /// Filter on the id of `provider`: The organization asked: the owner of the items.
    pub provider_id: Option<IdFilter>,
    /// Filter on `status`: Where the request stands: submitted, approved, rejected or withdrawn.
    pub status: Option<EnumFilter<RequestStatus>>,
    /// Filter on `requestedMode`: The sharing mode asked for.
    pub requested_mode: Option<EnumFilter<SharingMode>>,
    /// `true`: still waiting after the due day; `false`: the others.
    pub overdue: Option<bool>,
    /// Filter on `submittedAt`: When the consumer sent it.
    pub submitted_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<SharingRequestWhere>>,
}

impl WhereInput for SharingRequestWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        let overdue = match self.overdue {
            None => sea_orm::Condition::all(),
            Some(true) => rules::overdue_on(today()),
            Some(false) => rules::overdue_on(today()).not(),
        };
        Ok(sea_orm::Condition::all()
            .add(filter::id(
                "where.consumerId",
                Column::ConsumerId,
                Kind::Organization,
                &self.consumer_id,
            )?)
            .add(filter::id(
                "where.providerId",
                Column::ProviderId,
                Kind::Organization,
                &self.provider_id,
            )?)
            .add(filter::enumeration(
                "where.status",
                Column::Status,
                &self.status,
            )?)
            .add(filter::enumeration(
                "where.requestedMode",
                Column::RequestedMode,
                &self.requested_mode,
            )?)
            .add(overdue)
            .add(filter::time(Column::SubmittedAt, &self.submitted_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields sharing requests can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharingRequestOrderField {
    /// By `submittedAt`: when the consumer sent it.
    SubmittedAt,
    /// By `dueOn`: the last day the provider may answer on: two working days after submission for data shared by default (Art. 35.3 as amended); `null` when the law sets no deadline.
    DueOn,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(SharingRequestOrder, SharingRequestOrderField);

impl OrderField<Entity> for SharingRequestOrderField {
    fn column(self) -> Column {
        match self {
            Self::SubmittedAt => Column::SubmittedAt,
            Self::DueOn => Column::DueOn,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

/// A public holiday: the fixed-date ones (Labour Code 2019 Art. 112) and those added by admins.
#[derive(SimpleObject)]
pub struct Holiday {
    /// The date.
    pub day: NaiveDate,
    /// What the day is.
    pub name: String,
    /// Same solar date every year (not stored, cannot be removed).
    pub fixed: bool,
}

#[derive(Default)]
pub struct SharingRequestQuery;

#[Object]
impl SharingRequestQuery {
    /// Requests the caller's organization made or received (admins: all), newest first unless
    /// ordered otherwise.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn sharing_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<SharingRequestWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<SharingRequestOrder>>,
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
    ) -> Result<Conn<SharingRequest>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::all(),
            args,
            SharingRequestOrderField::SubmittedAt,
        )
        .await
    }

    /// Requests still waiting after their due day, the longest overdue first.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn overdue_requests(
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
    ) -> Result<Conn<SharingRequest>> {
        let filter = SharingRequestWhere {
            overdue: Some(true),
            ..Default::default()
        };
        let args = ListArgs::new(
            Some(filter),
            None::<Vec<SharingRequestOrder>>,
            first,
            after,
            None,
            None,
        );
        list(ctx, Scope::all(), args, SharingRequestOrderField::DueOn).await
    }

    /// One sharing request by id; `null` when there is none or the caller may not see it.
    async fn sharing_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's global id.")] id: ID,
    ) -> Result<Option<SharingRequest>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::SharingRequest)
            .await?
            .map(SharingRequest))
    }

    /// The public holidays of a year that request deadlines skip (with weekends).
    async fn holidays(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The calendar year.")] year: i32,
    ) -> Result<Vec<Holiday>> {
        let db = ctx.db();
        Ok(calendar::of_year(db, year)
            .await?
            .into_iter()
            .map(|(day, name, fixed)| Holiday { day, name, fixed })
            .collect())
    }
}

/// A request for data items of one provider.
#[derive(InputObject)]
pub struct SubmitSharingRequestInput {
    /// The organization asking (the caller's own).
    pub consumer_id: ID,
    /// The ids of the items asked for.
    pub item_ids: Vec<ID>,
    /// The sharing mode asked for.
    pub requested_mode: SharingMode,
    /// What the data will be used for (mục đích).
    pub purpose: String,
    /// The legal basis of the request (căn cứ pháp lý).
    pub legal_basis: Option<String>,
    /// Who to contact at the consumer.
    pub contact_name: String,
    /// An e-mail address of the person to answer.
    pub contact_email: Option<String>,
    /// A telephone number of the person to answer.
    pub contact_phone: Option<String>,
}

/// A decision to grant a request: the provider shares the items asked for.
#[derive(InputObject)]
pub struct ApproveSharingRequestInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Required for data shared on request (Art. 38).
    pub agreement_id: Option<ID>,
}

/// A decision to refuse a request, with the reason the consumer is told.
#[derive(InputObject)]
pub struct RejectSharingRequestInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Why the request is refused (the consumer reads it).
    pub reason: String,
}

/// The consumer takes its request back before it is decided.
#[derive(InputObject)]
pub struct WithdrawSharingRequestInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
}

/// A public holiday to add to the calendar.
#[derive(InputObject)]
pub struct HolidayInput {
    /// The date.
    pub day: NaiveDate,
    /// What the day is.
    pub name: String,
}

/// The request a mutation wrote.
#[derive(SimpleObject)]
pub struct SharingRequestPayload {
    /// The sharing request as the mutation left it.
    pub sharing_request: SharingRequest,
}

#[derive(Default)]
pub struct SharingRequestMutation;

async fn decide(
    ctx: &Context<'_>,
    id: &ID,
    expected: Option<i32>,
    decision: Decision,
) -> Result<SharingRequestPayload> {
    let id = ids::decode_as("input.id", id, Kind::SharingRequest)?;
    let model = rules::decide(ctx.db(), ctx.caller(), id, expected, decision).await?;
    Ok(SharingRequestPayload {
        sharing_request: SharingRequest(model),
    })
}

#[Object]
impl SharingRequestMutation {
    /// Submits a request as the consumer's steward. Items shared by default are due for an
    /// answer two working days later.
    async fn submit_sharing_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consumer, the items and mode asked for, the purpose and a contact.")]
        input: SubmitSharingRequestInput,
    ) -> Result<SharingRequestPayload> {
        let item_ids = input
            .item_ids
            .iter()
            .map(|id| ids::decode_as("input.itemIds", id, Kind::DataItem))
            .collect::<Result<Vec<_>>>()?;
        let submission = Submission {
            consumer_id: ids::decode_as(
                "input.consumerId",
                &input.consumer_id,
                Kind::Organization,
            )?,
            item_ids,
            requested_mode: input.requested_mode,
            purpose: input.purpose,
            legal_basis: input.legal_basis,
            contact_name: input.contact_name,
            contact_email: input.contact_email,
            contact_phone: input.contact_phone,
        };
        let model = rules::submit(ctx.db(), ctx.caller(), submission).await?;
        Ok(SharingRequestPayload {
            sharing_request: SharingRequest(model),
        })
    }

    /// Approves a request as the provider's steward: creates one share per item (resting on
    /// the named agreement, which data shared on request needs).
    async fn approve_sharing_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, and the agreement the shares rest on.")]
        input: ApproveSharingRequestInput,
    ) -> Result<SharingRequestPayload> {
        let agreement_id = decode_opt(
            "input.agreementId",
            &input.agreement_id,
            Kind::SharingAgreement,
        )?;
        decide(
            ctx,
            &input.id,
            input.expected_version,
            Decision::Approve { agreement_id },
        )
        .await
    }

    /// Rejects a request as the provider's steward, with its reason.
    async fn reject_sharing_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request and the reason.")] input: RejectSharingRequestInput,
    ) -> Result<SharingRequestPayload> {
        decide(
            ctx,
            &input.id,
            input.expected_version,
            Decision::Reject {
                reason: input.reason,
            },
        )
        .await
    }

    /// Withdraws a waiting request as the consumer's steward.
    async fn withdraw_sharing_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] input: WithdrawSharingRequestInput,
    ) -> Result<SharingRequestPayload> {
        decide(ctx, &input.id, input.expected_version, Decision::Withdraw).await
    }

    /// Adds a holiday to the calendar (admins): the lunar ones each year, and days moved.
    async fn add_holiday(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day and its name.")] input: HolidayInput,
    ) -> Result<Holiday> {
        let h = calendar::add(ctx.db(), ctx.caller(), input.day, &input.name).await?;
        Ok(Holiday {
            day: h.day,
            name: h.name,
            fixed: false,
        })
    }

    /// Removes an added holiday (admins); false when there was none on that day.
    async fn remove_holiday(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date of the added holiday.")] day: NaiveDate,
    ) -> Result<bool> {
        calendar::remove(ctx.db(), ctx.caller(), day).await
    }
}
