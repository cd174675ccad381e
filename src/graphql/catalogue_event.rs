//! Live catalogue events: the `catalogueEvents` subscription (over `/graphql/ws`) and its filter.

use std::collections::VecDeque;
use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, ID, InputObject, Object, Subscription};
use entity::enums::CatalogueEventAction;
use entity::organization;
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use serde_json::Value as Json;
use tokio::sync::broadcast;

use super::connection::by_id;
use super::context::ContextData;
use super::ids::{self, Kind};
use super::loader::RequestLoader;
use super::node::{Node, load_node, load_node_with};
use super::organization::Organization;
use crate::access::Caller;
use crate::domain::events::{self, CatalogueEvent};
use crate::error::Result;
use crate::i18n::Text;
use crate::metrics::OpenSubscription;

/// How long a subscription waits for a feed that has not read the log yet.
const FEED_START: std::time::Duration = std::time::Duration::from_secs(5);

/// Log entries read per statement while a subscription replays from `afterSeq`.
const REPLAY_BATCH: u64 = 200;

/// Which events a subscriber wants; every given condition must hold.
#[derive(InputObject, Default)]
pub struct CatalogueEventWhere {
    /// Events that concern one of these organizations (as owner, provider or consumer).
    organization_ids: Option<Vec<ID>>,
    /// Events about rows of these types.
    types: Option<Vec<Kind>>,
    /// Events of these kinds only.
    actions: Option<Vec<CatalogueEventAction>>,
    /// Only reported uses that broke the rules (violations: used without a share, beyond
    /// the agreement, or after revocation).
    violations_only: Option<bool>,
}

/// The filter with its ids decoded.
struct Filter {
    organizations: Option<Vec<i64>>,
    types: Option<Vec<Kind>>,
    actions: Option<Vec<CatalogueEventAction>>,
    violations_only: bool,
}

impl Filter {
    fn parse(w: CatalogueEventWhere) -> Result<Self> {
        let organizations = w
            .organization_ids
            .map(|list| {
                list.iter()
                    .map(|id| ids::decode_as("where.organizationIds", id, Kind::Organization))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        Ok(Self {
            organizations,
            types: w.types,
            actions: w.actions,
            violations_only: w.violations_only.unwrap_or(false),
        })
    }

    fn matches(&self, e: &CatalogueEvent) -> bool {
        let kind = Kind::from_name(&e.entity_type);
        self.organizations
            .as_ref()
            .is_none_or(|orgs| e.organizations.iter().any(|o| orgs.contains(o)))
            && self
                .types
                .as_ref()
                .is_none_or(|types| kind.is_some_and(|k| types.contains(&k)))
            && self
                .actions
                .as_ref()
                .is_none_or(|actions| actions.contains(&e.action))
            && (!self.violations_only || e.usage.is_some_and(|(_, v)| v > 0))
    }
}

pub struct CatalogueEventObject {
    event: Arc<CatalogueEvent>,
    entity: Option<Node>,
}

/// One committed change to the catalogue.
#[Object(name = "CatalogueEvent")]
impl CatalogueEventObject {
    /// The change's position in the audit log: after a disconnection, subscribe again with
    /// `afterSeq` set to the last one received to miss nothing.
    async fn seq(&self) -> i64 {
        self.event.seq
    }

    /// When the change was committed.
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.event.at
    }

    /// What happened to the row: created, updated, deleted, or uses recorded.
    async fn action(&self) -> CatalogueEventAction {
        self.event.action
    }

    /// The audit log's word for the change (`CREATE`, `UPDATE`, `DELETE`, `SET_ITEMS`,
    /// `VOTE`, `ANSWER`, `PUBLISH`, `SUBMIT`, `RECORD_EVENTS`).
    async fn change(&self) -> &str {
        &self.event.change
    }

    /// The changed row's type; none for reported uses.
    async fn entity_type(&self) -> Option<Kind> {
        Kind::from_name(&self.event.entity_type)
    }

    /// The changed row's global id (still given once it is deleted); none for reported uses.
    async fn entity_id(&self) -> Option<ID> {
        Kind::from_name(&self.event.entity_type).map(|k| ids::encode(k, self.event.entity_id))
    }

    /// The row as it is when the event is delivered, as the subscriber may see it; none once
    /// it is deleted.
    async fn entity(&self) -> Option<&Node> {
        self.entity.as_ref()
    }

    /// The organization whose data changed.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        let Some(id) = self.event.organization_id else {
            return Ok(None);
        };
        Ok(by_id::<organization::Entity>(ctx, id)
            .await?
            .map(Organization::from))
    }

    /// Reported uses: how many were recorded in the batch.
    async fn usage_events(&self) -> Option<i64> {
        self.event.usage.map(|(n, _)| n)
    }

    /// Reported uses: how many of them broke the rules.
    async fn violations(&self) -> Option<i64> {
        self.event.usage.map(|(_, v)| v)
    }
}

#[derive(Default)]
pub struct CatalogueEventSubscription;

/// Live changes to the catalogue, over WebSocket at `/graphql/ws` (`graphql-transport-ws`).
#[Subscription(name = "Subscription")]
impl CatalogueEventSubscription {
    /// Changes to the catalogue as they are committed, by any replica: created, updated and
    /// deleted rows of every type, decisions on shares and requests, and reported uses with
    /// their violations. Only what the subscriber may see is delivered (a row hidden from
    /// it, or hidden again by the change, is left out).
    ///
    /// `afterSeq` first replays what the audit log holds after that position, so a client
    /// that reconnects misses nothing. A subscriber that falls more than `SHAREGRAPH_EVENT_BUFFER` (1,024) events behind
    /// receives a `LAGGED` error (with `lastSeq`) and the subscription ends: resubscribe
    /// with `afterSeq: lastSeq`.
    async fn catalogue_events<'a>(
        &self,
        ctx: &'a Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<CatalogueEventWhere>,
        #[graphql(
            desc = "Replay the events after this position of the audit log (a previous event's `seq`) before the live ones."
        )]
        after_seq: Option<i64>,
    ) -> Result<impl Stream<Item = async_graphql::Result<CatalogueEventObject>> + 'a> {
        let filter = Filter::parse(filter.unwrap_or_default())?;
        let feed = ctx.feed();
        let db = ctx.db();
        // A socket outlives its authentication: each new subscription checks the token again.
        if let Some(id) = ctx.caller().member.as_ref().and_then(|m| m.token_id)
            && crate::access::token::is_revoked(db, id).await?
        {
            return Err(crate::error::Error::Unauthenticated(Text::key(
                "token-unknown",
            )));
        }
        let place = ctx
            .data_opt::<SocketSubscriptions>()
            .map(SocketSubscriptions::enter)
            .transpose()?;
        let Some((receiver, head)) = feed.subscribe(FEED_START).await else {
            return Err(crate::error::Error::Unavailable(Arc::new(
                sea_orm::DbErr::Custom("the event feed has not read the audit log yet".into()),
            )));
        };
        // Without a position, the subscription begins after what is committed now.
        let cursor = match after_seq {
            Some(seq) => seq,
            None => feed.head_now(db).await?,
        };
        let state = Delivery {
            db: db.clone(),
            unrestricted: RequestLoader::new(db.clone(), Caller::system()),
            receiver,
            pending: VecDeque::new(),
            replaying: after_seq.is_some(),
            cursor,
            head,
            filter,
            _open: ctx.metrics().subscription_opened(),
            _place: place,
            done: false,
        };
        Ok(futures_util::stream::unfold(
            state,
            move |mut s| async move {
                let item = s.next(ctx).await?;
                Some((item, s))
            },
        ))
    }
}

/// One subscription's position and buffers.
struct Delivery {
    db: DatabaseConnection,
    receiver: broadcast::Receiver<Arc<CatalogueEvent>>,
    /// Replayed events not yet delivered (one batch at most).
    pending: VecDeque<Arc<CatalogueEvent>>,
    replaying: bool,
    /// The last event delivered or skipped.
    cursor: i64,
    /// The feed's position when the subscription began.
    head: i64,
    filter: Filter,
    /// Reads every row, to tell a row hidden from the subscriber from one deleted since.
    unrestricted: RequestLoader,
    _open: OpenSubscription,
    _place: Option<SocketPlace>,
    done: bool,
}

impl Delivery {
    /// The next event for the subscriber; `None` once the subscription ends.
    async fn next(
        &mut self,
        ctx: &Context<'_>,
    ) -> Option<async_graphql::Result<CatalogueEventObject>> {
        loop {
            if self.done {
                return None;
            }
            let event = match self.take().await {
                Ok(Some(e)) => e,
                Ok(None) => return None,
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            };
            self.cursor = event.seq;
            if !self.filter.matches(&event) {
                continue;
            }
            match visible(ctx, &self.unrestricted, &event).await {
                Ok(Some(entity)) => return Some(Ok(CatalogueEventObject { event, entity })),
                Ok(None) => continue,
                Err(err) => {
                    self.done = true;
                    return Some(Err(err.into()));
                }
            }
        }
    }

    /// The next event after the cursor: replayed from the log, then live.
    async fn take(&mut self) -> async_graphql::Result<Option<Arc<CatalogueEvent>>> {
        if let Some(e) = self.pending.pop_front() {
            return Ok(Some(e));
        }
        if self.replaying {
            let batch = events::after(&self.db, self.cursor, REPLAY_BATCH).await?;
            let caught_up = batch.len() < REPLAY_BATCH as usize
                || batch.last().is_some_and(|e| e.seq >= self.head);
            self.pending.extend(batch.into_iter().map(Arc::new));
            if caught_up {
                self.replaying = false;
            }
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(e));
            }
        }
        loop {
            match self.receiver.recv().await {
                Ok(e) if e.seq <= self.cursor => continue,
                Ok(e) => return Ok(Some(e)),
                Err(broadcast::error::RecvError::Closed) => return Ok(None),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let last = self.cursor;
                    return Err(async_graphql::Error::new_with_source(
                        Text::key("subscription-lagged")
                            .arg("missed", missed)
                            .arg("last", last),
                    )
                    .extend_with(|_, e| {
                        e.set("code", "LAGGED");
                        e.set("lastSeq", last);
                    }));
                }
            }
        }
    }
}

/// Whether the subscriber may see the event, and the row as it sees it now: `None` to leave
/// the event out. A row still stored is judged by the visibility rules; a row gone by now
/// (deleted, perhaps by a later change) by its values as of the event.
async fn visible(
    ctx: &Context<'_>,
    unrestricted: &RequestLoader,
    e: &CatalogueEvent,
) -> Result<Option<Option<Node>>> {
    let caller = ctx.caller();
    let party = caller.is_admin() || e.organizations.iter().any(|o| caller.acts_for(*o));
    let Some(kind) = Kind::from_name(&e.entity_type) else {
        // Reported uses belong to the parties; other rows without a type (the holiday
        // calendar) are not catalogue events.
        return Ok((e.action == CatalogueEventAction::UsageRecorded && party).then_some(None));
    };
    if e.action != CatalogueEventAction::Deleted
        && let Some(node) = load_node(ctx, kind, e.entity_id).await?
    {
        return Ok(Some(Some(node)));
    }
    if e.action != CatalogueEventAction::Deleted
        && load_node_with(unrestricted, kind, e.entity_id)
            .await?
            .is_some()
    {
        // Stored, and hidden from this subscriber.
        return Ok(None);
    }
    Ok((party || was_public(ctx, kind, e.row.as_ref()).await?).then_some(None))
}

/// Whether the public could see a row with these values, by the same rules as
/// [`crate::access::visibility`] (which can only judge stored rows).
async fn was_public(ctx: &Context<'_>, kind: Kind, row: Option<&Json>) -> Result<bool> {
    let field = |name: &str| row.and_then(|b| b.get(name));
    let item_visible = |name: &'static str| async move {
        match field(name).and_then(Json::as_i64) {
            Some(id) => {
                Ok::<_, crate::error::Error>(load_node(ctx, Kind::DataItem, id).await?.is_some())
            }
            None => Ok(false),
        }
    };
    Ok(match kind {
        Kind::Organization
        | Kind::FocalPoint
        | Kind::Database
        | Kind::CatalogueRelease
        | Kind::Feedback => true,
        Kind::DataItem => field("published").and_then(Json::as_bool) == Some(true),
        Kind::DataService => matches!(
            field("status").and_then(Json::as_str),
            Some("PUBLISHED" | "DEPRECATED")
        ),
        Kind::OpenDataset => field("published_on").is_some_and(|v| !v.is_null()),
        Kind::SharingPolicy => item_visible("data_item_id").await?,
        Kind::Derivation => {
            item_visible("source_item_id").await? && item_visible("derived_item_id").await?
        }
        Kind::QualityAssessment => {
            field("database_id").is_some_and(|v| !v.is_null())
                || item_visible("data_item_id").await?
        }
        Kind::InformationSystem
        | Kind::Share
        | Kind::SharingAgreement
        | Kind::SharingRequest
        | Kind::CatalogueReview => false,
    })
}

/// The subscriptions open on one WebSocket, and how many it may hold
/// (`SHAREGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET`).
#[derive(Clone)]
pub struct SocketSubscriptions {
    open: Arc<std::sync::atomic::AtomicUsize>,
    max: usize,
}

impl SocketSubscriptions {
    pub fn new(max: usize) -> Self {
        Self {
            open: Arc::default(),
            max,
        }
    }

    /// Takes a place for one more subscription, given back when the guard drops.
    fn enter(&self) -> Result<SocketPlace> {
        use std::sync::atomic::Ordering;
        self.open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .map_err(|_| {
                crate::error::Error::LimitExceeded(
                    Text::key("socket-subscriptions-max").arg("max", self.max),
                )
            })?;
        Ok(SocketPlace(self.open.clone()))
    }
}

/// One subscription's place on its socket.
struct SocketPlace(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for SocketPlace {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
