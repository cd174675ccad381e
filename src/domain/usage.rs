//! Usage control after sharing (Decree 47/2020 Art. 10): providers and gateways report each use
//! of shared data; the log is append-only. An event on a share that was not in force at that
//! time, outside the agreement the share rests on, or through a service by a consumer with no
//! share in force of anything it provides, is stored all the same and marked as a violation.
//!
//! Batches of up to 10,000 events are checked with a handful of statements (every share,
//! service, agreement and consumer they name is read once) and written as multi-row inserts,
//! in one transaction with one audit entry.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::access_event::{ActiveModel, Column, Entity};
use entity::enums::{ShareStatus, Violation};
use entity::{data_service, data_service_item, organization, share, sharing_agreement};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::audit::Change;
use super::text;
use super::write::Tx;
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Most events one call records.
pub const MAX_BATCH: usize = 10_000;
/// Rows per INSERT statement: 11 values each, under SQLite's 32,766 bound values.
const ROWS_PER_INSERT: usize = 2_900;
/// How far in the future an event may be dated (clocks of gateways drift).
const CLOCK_SKEW: Duration = Duration::minutes(10);

/// One reported use.
#[derive(Debug, Clone)]
pub struct EventInput {
    pub share_id: Option<i64>,
    pub service_id: Option<i64>,
    /// Required with `service_id` alone; taken from the share otherwise.
    pub consumer_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
    pub operation: String,
    pub record_count: i64,
    pub purpose: Option<String>,
}

/// What a batch stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub events: u64,
    pub violations: u64,
}

/// The calendar day (in Vietnam, UTC+7) of a time.
fn day_of(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(7)).date_naive()
}

fn within(day: NaiveDate, from: Option<NaiveDate>, until: Option<NaiveDate>) -> bool {
    from.is_none_or(|f| f <= day) && until.is_none_or(|u| day <= u)
}

/// Whether a share was in force at `t`. Shares keep no history of their status: a share that is
/// not ACTIVE now counts as ended at its last change (`updated_at`).
fn share_in_force(s: &share::Model, t: DateTime<Utc>) -> bool {
    within(day_of(t), s.valid_from, s.valid_until)
        && (s.status == ShareStatus::Active || t <= s.updated_at)
}

/// Records a batch of uses (all or nothing), after checking each: the share or the service and
/// consumer it names must exist and be seen by the caller, and the caller must write for every
/// provider. A use that breaks the rules is stored all the same, marked with its violation.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    events: Vec<EventInput>,
) -> Result<Recorded> {
    let now = Utc::now();
    let cleaned = validated(events, now)?;
    let mut tx = Tx::begin(db, caller).await?;
    let referenced = Referenced::load(&tx.txn, caller, &cleaned).await?;
    let mut rows = Vec::with_capacity(cleaned.len());
    let mut providers = BTreeSet::new();
    let mut violations = 0u64;
    for (i, e) in cleaned.into_iter().enumerate() {
        let (provider, consumer, violation) = referenced.judge(i, &e)?;
        providers.insert(provider);
        violations += u64::from(violation.is_some());
        rows.push(ActiveModel {
            share_id: Set(e.share_id),
            service_id: Set(e.service_id),
            provider_id: Set(provider),
            consumer_id: Set(consumer),
            occurred_at: Set(e.occurred_at),
            operation: Set(e.operation),
            record_count: Set(e.record_count),
            purpose: Set(e.purpose),
            violation: Set(violation),
            recorded_at: Set(now),
            recorded_by: Set(caller.member.as_ref().and_then(|m| m.token_id)),
            ..Default::default()
        });
    }
    // Only the providers (their stewards, or admins) report the use of their data.
    for p in &providers {
        tx.require_writer(*p)?;
    }
    let events = rows.len() as u64;
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<ActiveModel> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        if chunk.is_empty() {
            break;
        }
        Entity::insert_many(chunk)
            .exec_without_returning(&tx.txn)
            .await?;
    }
    tx.record(Change {
        action: "RECORD_EVENTS",
        entity_type: "AccessEventBatch",
        entity_id: 0,
        organization: (providers.len() == 1).then(|| *providers.first().expect("one")),
        before: None,
        after: Some(serde_json::json!({ "events": events, "violations": violations, "providers": providers })),
    });
    tx.commit().await?;
    Ok(Recorded { events, violations })
}

/// The batch with each event's text checked and trimmed; refused whole at its first bad event.
fn validated(events: Vec<EventInput>, now: DateTime<Utc>) -> Result<Vec<EventInput>> {
    if events.is_empty() {
        return Err(Error::bad_input(
            "input.events",
            Text::key("usage-needs-event"),
        ));
    }
    if events.len() > MAX_BATCH {
        return Err(Error::LimitExceeded(
            Text::key("usage-batch-max")
                .arg("max", MAX_BATCH)
                .arg("count", events.len()),
        ));
    }
    let mut cleaned = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let at = |field: &str| format!("input.events.{i}.{field}");
        let operation = text::required(&at("operation"), &e.operation, 32)?;
        let purpose = text::optional(&at("purpose"), e.purpose.as_deref(), 2_000)?;
        if e.record_count < 0 {
            return Err(Error::bad_input(
                at("recordCount"),
                Text::key("not-negative").arg("field", "recordCount"),
            ));
        }
        if e.occurred_at > now + CLOCK_SKEW {
            return Err(Error::bad_input(
                at("occurredAt"),
                Text::key("usage-in-future"),
            ));
        }
        if e.share_id.is_none() && (e.service_id.is_none() || e.consumer_id.is_none()) {
            return Err(Error::bad_input(
                at("shareId"),
                Text::key("usage-needs-share"),
            ));
        }
        cleaned.push(EventInput {
            operation,
            purpose,
            ..e
        });
    }

    Ok(cleaned)
}

/// Every row a batch refers to, read in one statement per kind before any event is judged.
struct Referenced {
    shares: HashMap<i64, share::Model>,
    services: HashMap<i64, data_service::Model>,
    consumers: HashSet<i64>,
    agreements: HashMap<i64, sharing_agreement::Model>,
    /// The shares that back use through a service, by (service, consumer): of an item the
    /// service provides, to that consumer.
    backing: HashMap<(i64, i64), Vec<share::Model>>,
}

impl Referenced {
    async fn load(
        txn: &sea_orm::DatabaseTransaction,
        caller: &Caller,
        cleaned: &[EventInput],
    ) -> Result<Self> {
        let ids = |f: fn(&EventInput) -> Option<i64>| -> Vec<i64> {
            cleaned
                .iter()
                .filter_map(f)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let shares: HashMap<i64, share::Model> = share::Entity::find()
            .filter(share::Column::Id.is_in(ids(|e| e.share_id)))
            .filter(share::Entity::visible_to(caller))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let services: HashMap<i64, data_service::Model> = data_service::Entity::find()
            .filter(data_service::Column::Id.is_in(ids(|e| e.service_id)))
            .filter(data_service::Entity::visible_to(caller))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let consumers: HashSet<i64> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids(|e| e.consumer_id)))
            .all(txn)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        let agreements: HashMap<i64, sharing_agreement::Model> = sharing_agreement::Entity::find()
            .filter(
                sharing_agreement::Column::Id.is_in(
                    shares
                        .values()
                        .filter_map(|s| s.agreement_id)
                        .collect::<BTreeSet<_>>(),
                ),
            )
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        // Shares that back use through a service: of an item the service provides, to the consumer.
        let service_ids: Vec<i64> = services.keys().copied().collect();
        let provided: HashMap<i64, Vec<i64>> = data_service_item::Entity::find()
            .filter(data_service_item::Column::ServiceId.is_in(service_ids))
            .all(txn)
            .await?
            .into_iter()
            .fold(HashMap::new(), |mut m, l| {
                m.entry(l.data_item_id)
                    .or_insert_with(Vec::new)
                    .push(l.service_id);
                m
            });
        let mut backing: HashMap<(i64, i64), Vec<share::Model>> = HashMap::new();
        if !provided.is_empty() {
            let candidates = share::Entity::find()
                .filter(share::Column::DataItemId.is_in(provided.keys().copied()))
                .filter(share::Column::ConsumerId.is_in(consumers.iter().copied()))
                .all(txn)
                .await?;
            for s in candidates {
                for service in &provided[&s.data_item_id] {
                    backing
                        .entry((*service, s.consumer_id))
                        .or_default()
                        .push(s.clone());
                }
            }
        }

        Ok(Self {
            shares,
            services,
            consumers,
            agreements,
            backing,
        })
    }

    /// The provider and consumer of event `i`, and the rule it breaks, if any; an event that
    /// names what does not exist (or what the caller cannot see) refuses the batch.
    fn judge(&self, i: usize, e: &EventInput) -> Result<(i64, i64, Option<Violation>)> {
        let Self {
            shares,
            services,
            consumers,
            agreements,
            backing,
        } = self;
        let at = |field: &str| format!("input.events.{i}.{field}");
        Ok(match (e.share_id, e.service_id) {
            (Some(share_id), service) => {
                let s = shares.get(&share_id).ok_or_else(|| {
                    Error::bad_input(at("shareId"), Text::key("usage-unknown-share"))
                })?;
                if let Some(sv) = service
                    && services
                        .get(&sv)
                        .is_none_or(|m| m.provider_id != s.provider_id)
                {
                    return Err(Error::bad_input(
                        at("serviceId"),
                        Text::key("usage-unknown-provider-service"),
                    ));
                }
                if e.consumer_id.is_some_and(|c| c != s.consumer_id) {
                    return Err(Error::bad_input(
                        at("consumerId"),
                        Text::key("usage-other-consumer"),
                    ));
                }
                let violation = if !share_in_force(s, e.occurred_at) {
                    Some(Violation::ShareNotActive)
                } else if s
                    .agreement_id
                    .and_then(|a| agreements.get(&a))
                    .is_some_and(|a| !within(day_of(e.occurred_at), a.valid_from, a.valid_until))
                {
                    Some(Violation::OutsideAgreement)
                } else {
                    None
                };
                (s.provider_id, s.consumer_id, violation)
            }
            (None, Some(service_id)) => {
                let sv = services.get(&service_id).ok_or_else(|| {
                    Error::bad_input(at("serviceId"), Text::key("usage-unknown-service"))
                })?;
                let consumer = e.consumer_id.expect("checked above");
                if !consumers.contains(&consumer) {
                    return Err(Error::bad_input(
                        at("consumerId"),
                        Text::key("usage-unknown-organization"),
                    ));
                }
                let backed = backing
                    .get(&(service_id, consumer))
                    .is_some_and(|ss| ss.iter().any(|s| share_in_force(s, e.occurred_at)));
                (
                    sv.provider_id,
                    consumer,
                    (!backed).then_some(Violation::NoShare),
                )
            }
            (None, None) => unreachable!("checked above"),
        })
    }
}

/// Events that break the rules.
pub fn violations() -> sea_orm::Condition {
    sea_orm::Condition::all().add(Column::Violation.is_not_null())
}

/// What usage statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Share,
    Consumer,
    Service,
}

/// The period statistics are counted over, in Vietnam's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
}

/// One group of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statistic {
    /// The share, consumer or service id (`None`: events through no service, say).
    pub key: Option<i64>,
    /// `2026-11-27` or `2026-11`.
    pub period: String,
    pub events: i64,
    pub records: i64,
    pub violations: i64,
}

/// Counts the events the caller may see, grouped, newest period first, at most `limit` groups.
pub async fn statistics(
    db: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    by: GroupBy,
    period: Period,
    filter: sea_orm::Condition,
    limit: u64,
) -> Result<Vec<Statistic>> {
    use sea_orm::sea_query::{Alias, Expr, Func, Order, Query};
    let key = match by {
        GroupBy::Share => Column::ShareId,
        GroupBy::Consumer => Column::ConsumerId,
        GroupBy::Service => Column::ServiceId,
    };
    // Periods are days in Vietnam (UTC+7), whatever the server's time zone.
    let period_sql = match (db.get_database_backend(), period) {
        (sea_orm::DatabaseBackend::Postgres, Period::Day) => {
            "to_char((occurred_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')"
        }
        (sea_orm::DatabaseBackend::Postgres, Period::Month) => {
            "to_char((occurred_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM')"
        }
        (_, Period::Day) => "strftime('%Y-%m-%d', occurred_at, '+7 hours')",
        (_, Period::Month) => "strftime('%Y-%m', occurred_at, '+7 hours')",
    };
    let stmt = Query::select()
        .expr_as(Expr::col(key), Alias::new("k"))
        .expr_as(Expr::cust(period_sql), Alias::new("p"))
        .expr_as(Func::count(Expr::col(Column::Id)), Alias::new("n"))
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(record_count), 0) AS BIGINT)"),
            Alias::new("r"),
        )
        .expr_as(Func::count(Expr::col(Column::Violation)), Alias::new("v"))
        .from(Entity)
        .cond_where(
            sea_orm::Condition::all()
                .add(filter)
                .add(Entity::visible_to(caller)),
        )
        .add_group_by([Expr::col(key), Expr::cust(period_sql)])
        .order_by_expr(Expr::cust(period_sql), Order::Desc)
        .order_by(key, Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    rows.iter()
        .map(|r| {
            Ok(Statistic {
                key: r.try_get("", "k")?,
                period: r.try_get("", "p")?,
                events: r.try_get("", "n")?,
                records: r.try_get("", "r")?,
                violations: r.try_get("", "v")?,
            })
        })
        .collect()
}
