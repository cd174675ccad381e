//! `AccessEvent`: usage records after sharing, their violations and statistics, and
//! `recordAccessEvents` for providers and gateways.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::access_event::{Column, Entity, Model};
use entity::data_service as service_entity;
use entity::enums::Violation;
use entity::organization as org_entity;
use entity::share as share_entity;

use super::connection::{Conn, ListArgs, OrderBy, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_service::DataService;
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, SortDirection, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::decode_opt;
use super::organization::Organization;
use super::share::Share;
use crate::access::rate_limit::Key;
use crate::domain::usage::{self as rules, EventInput, GroupBy, Period};
use crate::error::{Error, Result};
use crate::i18n::Text;

pub struct AccessEvent(pub Model);

impl From<Model> for AccessEvent {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// One use of shared data, as its provider or a gateway reported it (append-only). Seen by the
/// provider and the consumer.
#[Object]
impl AccessEvent {
    /// Position in the log.
    async fn seq(&self) -> i64 {
        self.0.id
    }
    /// The share used, when the event names one (`null` if the caller cannot see it).
    async fn share(&self, ctx: &Context<'_>) -> Result<Option<Share>> {
        Ok(match self.0.share_id {
            Some(id) => by_id::<share_entity::Entity>(ctx, id).await?.map(Share),
            None => None,
        })
    }
    /// The data-sharing service the data went through, when the event names one.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<DataService>> {
        Ok(match self.0.service_id {
            Some(id) => by_id::<service_entity::Entity>(ctx, id)
                .await?
                .map(DataService),
            None => None,
        })
    }
    /// The organization whose data was used (the share's or the service's owner).
    async fn provider(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.provider_id, "Organization").await?,
        ))
    }
    /// The organization that used the data.
    async fn consumer(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.consumer_id, "Organization").await?,
        ))
    }
    /// When the use happened, as reported.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// What was done (e.g. `QUERY`, `DOWNLOAD`).
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// How many records were read or sent.
    async fn record_count(&self) -> i64 {
        self.0.record_count
    }
    /// The purpose the consumer declared.
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    /// Set when the use breaks the rules.
    async fn violation(&self) -> Option<Violation> {
        self.0.violation
    }
    /// When sharegraph stored the report.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// Filter for usage records.
#[derive(InputObject, Debug, Default)]
pub struct AccessEventWhere {
    /// Filter on the id of `share`: the share used.
    pub share_id: Option<IdFilter>,
    /// Filter on the id of `service`: the service the data went through.
    pub service_id: Option<IdFilter>,
    /// Filter on the id of `provider`: the organization whose data was used.
    pub provider_id: Option<IdFilter>,
    /// Filter on the id of `consumer`: the organization that used the data.
    pub consumer_id: Option<IdFilter>,
    /// Filter on `violation`: Set when the use breaks the rules.
    pub violation: Option<EnumFilter<Violation>>,
    /// `true`: violations only; `false`: lawful uses only.
    pub has_violation: Option<bool>,
    /// Filter on `occurredAt`: when the use happened.
    pub occurred_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<AccessEventWhere>>,
}

impl WhereInput for AccessEventWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::reference::<share_entity::Entity, _>(
                "where.shareId",
                Column::ShareId,
                Kind::Share,
                &self.share_id,
                caller,
            )?)
            .add(filter::reference::<service_entity::Entity, _>(
                "where.serviceId",
                Column::ServiceId,
                Kind::DataService,
                &self.service_id,
                caller,
            )?)
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
            .add(filter::enumeration(
                "where.violation",
                Column::Violation,
                &self.violation,
            )?)
            .add(match self.has_violation {
                None => sea_orm::Condition::all(),
                Some(true) => rules::violations(),
                Some(false) => rules::violations().not(),
            })
            .add(filter::time(Column::OccurredAt, &self.occurred_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields usage records can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessEventOrderField {
    /// By `occurredAt`: when the use happened, as reported.
    OccurredAt,
}

order_input!(AccessEventOrder, AccessEventOrderField);

impl OrderField<Entity> for AccessEventOrderField {
    fn column(self) -> Column {
        match self {
            Self::OccurredAt => Column::OccurredAt,
        }
    }
}

/// What statistics are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessGroupBy {
    /// One group per share.
    Share,
    /// One group per consuming organization.
    Consumer,
    /// One group per data-sharing service.
    Service,
}

/// The period statistics count over (days in Vietnam, UTC+7).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessPeriod {
    /// Calendar days (Vietnam time).
    Day,
    /// Calendar months (Vietnam time).
    Month,
}

/// Uses of shared data in one group and period.
#[derive(SimpleObject)]
pub struct AccessStatistic {
    /// The share, consumer or service grouped by (null: events with no service, when grouping
    /// by service).
    pub key: Option<ID>,
    /// `2026-11-27` (by day) or `2026-11` (by month).
    pub period: String,
    /// Uses reported.
    pub events: i64,
    /// Records read or sent, summed over the uses.
    pub records: i64,
    /// Uses that broke the rules.
    pub violations: i64,
}

/// Most groups one statistics query returns.
const MAX_GROUPS: i32 = 1000;

#[derive(Default)]
pub struct UsageQuery;

#[Object]
impl UsageQuery {
    /// Usage records the caller's organization provided or consumed (admins: all), newest
    /// first by default.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn access_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<AccessEventWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<AccessEventOrder>>,
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
    ) -> Result<Conn<AccessEvent>> {
        let order_by = order_by.or_else(|| {
            Some(vec![AccessEventOrder {
                field: AccessEventOrderField::OccurredAt,
                direction: SortDirection::Desc,
            }])
        });
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, AccessEventOrderField::OccurredAt).await
    }

    /// Uses that break the rules (a share not in force, outside its agreement, or through a
    /// service with no share behind it), newest first.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn access_violations(
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
    ) -> Result<Conn<AccessEvent>> {
        let filter = AccessEventWhere {
            has_violation: Some(true),
            ..Default::default()
        };
        let order = vec![OrderBy {
            field: AccessEventOrderField::OccurredAt,
            direction: SortDirection::Desc,
        }];
        let args = ListArgs::new(Some(filter), Some(order), first, after, None, None);
        list(ctx, Scope::all(), args, AccessEventOrderField::OccurredAt).await
    }

    /// Events, records and violations per share, consumer or service and per day or month,
    /// newest period first (at most `first` groups, default and maximum 1,000).
    async fn access_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What each group gathers: one share, one consumer or one service.")]
        by: AccessGroupBy,
        #[graphql(desc = "The length of each period: a day or a month.")] period: AccessPeriod,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<AccessEventWhere>,
        #[graphql(desc = "At most this many groups (default and maximum 1,000).")] first: Option<
            i32,
        >,
    ) -> Result<Vec<AccessStatistic>> {
        let limit = first.unwrap_or(MAX_GROUPS);
        if !(0..=MAX_GROUPS).contains(&limit) {
            return Err(Error::LimitExceeded(
                Text::key("first-max")
                    .arg("field", "first")
                    .arg("max", MAX_GROUPS),
            ));
        }
        let condition = match &filter {
            Some(w) => w.condition(ctx.caller())?,
            None => sea_orm::Condition::all(),
        };
        let (group, kind) = match by {
            AccessGroupBy::Share => (GroupBy::Share, Kind::Share),
            AccessGroupBy::Consumer => (GroupBy::Consumer, Kind::Organization),
            AccessGroupBy::Service => (GroupBy::Service, Kind::DataService),
        };
        let period = match period {
            AccessPeriod::Day => Period::Day,
            AccessPeriod::Month => Period::Month,
        };
        let rows = rules::statistics(
            ctx.db(),
            ctx.caller(),
            group,
            period,
            condition,
            limit as u64,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|s| AccessStatistic {
                key: s.key.map(|k| ids::encode(kind, k)),
                period: s.period,
                events: s.events,
                records: s.records,
                violations: s.violations,
            })
            .collect())
    }
}

/// One reported use: the share used, or the service and the consumer.
#[derive(InputObject)]
pub struct AccessEventInput {
    /// The id of the share used; give it, or `serviceId` and `consumerId`.
    pub share_id: Option<ID>,
    /// The id of the service the data went through.
    pub service_id: Option<ID>,
    /// The id of the organization that used the data (taken from the share when one is given).
    pub consumer_id: Option<ID>,
    /// When the use happened.
    pub occurred_at: DateTime<Utc>,
    /// What was done (e.g. `QUERY`, `DOWNLOAD`).
    pub operation: String,
    /// How many records were read or sent.
    #[graphql(default = 0)]
    pub record_count: i64,
    /// The purpose the consumer declared.
    pub purpose: Option<String>,
}

/// A batch of uses of shared data, reported by their provider or a gateway (kiểm soát dữ liệu sau chia sẻ: control after sharing).
#[derive(InputObject)]
pub struct RecordAccessEventsInput {
    /// At most 10,000.
    pub events: Vec<AccessEventInput>,
}

/// What a batch stored.
#[derive(SimpleObject)]
pub struct RecordAccessEventsPayload {
    /// How many events were stored.
    pub recorded: i64,
    /// How many of them are violations.
    pub violations: i64,
}

#[derive(Default)]
pub struct UsageMutation;

#[Object]
impl UsageMutation {
    /// Records a batch of uses, as the provider's steward (or a gateway's token with that role)
    /// or an admin. All or nothing: one bad event refuses the batch, naming it.
    async fn record_access_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch of uses.")] input: RecordAccessEventsInput,
    ) -> Result<RecordAccessEventsPayload> {
        if input.events.len() > rules::MAX_BATCH {
            return Err(Error::LimitExceeded(
                Text::key("usage-batch-max")
                    .arg("max", rules::MAX_BATCH)
                    .arg("count", input.events.len()),
            ));
        }
        // Each event spends one of the token's usage records for the minute, so that a
        // gateway cannot fill the log faster than the budget (SHAREGRAPH_USAGE_EVENTS_PER_MINUTE).
        let key = ctx.data_opt::<Key>().cloned().unwrap_or(Key::Address(None));
        let limits = ctx.rate_limits();
        match limits.check_usage_events(&key, input.events.len()) {
            Ok(()) => {}
            Err(Some(wait)) => {
                return Err(Error::LimitExceeded(
                    Text::key("usage-rate").arg("seconds", wait.as_secs().max(1)),
                ));
            }
            Err(None) => {
                return Err(Error::LimitExceeded(Text::key("usage-batch-over-budget")));
            }
        }
        let events = input
            .events
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let at = |f: &str| format!("input.events.{i}.{f}");
                Ok(EventInput {
                    share_id: decode_opt(&at("shareId"), &e.share_id, Kind::Share)?,
                    service_id: decode_opt(&at("serviceId"), &e.service_id, Kind::DataService)?,
                    consumer_id: decode_opt(&at("consumerId"), &e.consumer_id, Kind::Organization)?,
                    occurred_at: e.occurred_at,
                    operation: e.operation,
                    record_count: e.record_count,
                    purpose: e.purpose,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let recorded = rules::record(ctx.db(), ctx.caller(), events).await?;
        Ok(RecordAccessEventsPayload {
            recorded: recorded.events as i64,
            violations: recorded.violations as i64,
        })
    }
}
