//! The catalogue's change feed, for live subscriptions.
//!
//! The audit log is the feed's source: every committed change is already an entry there, in
//! one gapless order (`seq`), written in the same transaction as the change. So an event is
//! never raised for a change that rolled back, never lost between a commit and a crash, and
//! every replica sees the same events in the same order by reading the log past the last
//! entry it announced.
//!
//! What tells a replica to read: its own writes wake it directly ([`Feed::wake`]); on
//! PostgreSQL every write transaction also sends `NOTIFY sharegraph_events` (delivered on
//! commit, to every replica's `LISTEN`); and a slow poll catches whatever a lost connection
//! missed (and, on SQLite, the writes of other processes on the same file).
//!
//! Subscribers read from a bounded broadcast buffer: one that falls [`BUFFER`] events behind
//! is told it lagged and must resume from the last `seq` it saw, rather than the server
//! keeping its backlog.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::CatalogueEventAction;
use entity::{audit_entry, audit_head};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::Value as Json;
use tokio::sync::{Notify, broadcast, watch};

use crate::error::Result;

/// The PostgreSQL channel write transactions notify.
pub const CHANNEL: &str = "sharegraph_events";
/// Entries read from the log per statement.
const READ_BATCH: u64 = 500;

/// One committed change, as subscribers receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueEvent {
    /// The audit entry's position: resume after it.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: CatalogueEventAction,
    /// The audit log's own word for the change (`CREATE`, `SET_ITEMS`, `VOTE`, ...).
    pub change: String,
    /// The changed row's type (`DataItem`, ...), or `AccessEventBatch` for reported uses.
    pub entity_type: String,
    pub entity_id: i64,
    /// The organization whose data changed.
    pub organization_id: Option<i64>,
    /// Every organization the change concerns: its own, and the owner, provider and consumer
    /// the row names (a share concerns both its parties). Filters and visibility use these.
    pub organizations: Vec<i64>,
    /// The row's values as of the event (after the change; before it, for a deletion): who
    /// may see an event whose row is gone by delivery is decided on them.
    pub row: Option<Json>,
    /// For reported uses: how many events, and how many of them broke the rules.
    pub usage: Option<(i64, i64)>,
}

/// The snapshot columns that name an organization a row concerns.
const ORGANIZATION_COLUMNS: [&str; 4] =
    ["organization_id", "owner_id", "provider_id", "consumer_id"];

impl CatalogueEvent {
    pub fn from_entry(e: audit_entry::Model) -> Self {
        let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
        let before: Option<Json> = parse(&e.before);
        let after: Option<Json> = parse(&e.after);
        let action = match e.action.as_str() {
            "CREATE" | "SUBMIT" | "PUBLISH" => CatalogueEventAction::Created,
            "DELETE" => CatalogueEventAction::Deleted,
            "RECORD_EVENTS" => CatalogueEventAction::UsageRecorded,
            _ => CatalogueEventAction::Updated,
        };
        let mut organizations: Vec<i64> = e.organization_id.into_iter().collect();
        for row in [&before, &after].into_iter().flatten() {
            for column in ORGANIZATION_COLUMNS {
                organizations.extend(row.get(column).and_then(Json::as_i64));
            }
            if let Some(list) = row.get("providers").and_then(Json::as_array) {
                organizations.extend(list.iter().filter_map(Json::as_i64));
            }
        }
        organizations.sort_unstable();
        organizations.dedup();
        let usage = (action == CatalogueEventAction::UsageRecorded).then(|| {
            let count = |k: &str| {
                after
                    .as_ref()
                    .and_then(|a| a.get(k))
                    .and_then(Json::as_i64)
                    .unwrap_or(0)
            };
            (count("events"), count("violations"))
        });
        Self {
            seq: e.seq,
            at: e.at,
            action,
            change: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            organization_id: e.organization_id,
            organizations,
            row: after.or(before),
            usage,
        }
    }
}

/// Up to `limit` events after `seq`, oldest first.
pub async fn after<C: ConnectionTrait>(
    db: &C,
    seq: i64,
    limit: u64,
) -> Result<Vec<CatalogueEvent>> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::Seq.gt(seq))
        .order_by_asc(audit_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(CatalogueEvent::from_entry)
        .collect())
}

/// The last entry written so far.
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<i64> {
    Ok(audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |h| h.seq))
}

/// A replica's feed: reads the log past what it has announced, broadcasts it, and closes when
/// the server stops.
pub struct Feed {
    sender: broadcast::Sender<Arc<CatalogueEvent>>,
    wake: Notify,
    /// The last entry announced; -1 until the feed has read the log's head.
    last: AtomicI64,
    closing: watch::Sender<bool>,
    /// Whether the feed has read the log's head: until then it has no position to deliver
    /// from, and a subscription waits (see [`Feed::started`]).
    started: watch::Sender<bool>,
    /// Whether this replica listens for other replicas' notifications (PostgreSQL). The feed
    /// reads the log's head only once it listens, so that nothing committed after that read
    /// goes unannounced until the next poll.
    listening: watch::Sender<bool>,
    /// The log's head as last read for a new subscription, and when that read began.
    head_read: tokio::sync::Mutex<Option<(std::time::Instant, i64)>>,
}

impl Feed {
    /// Starts reading `db`'s log, polling every `poll` at the least (and listening for
    /// notifications on PostgreSQL), keeping the last `buffer` events for slow subscribers.
    /// The tasks end when the feed is closed or dropped.
    pub fn start(db: DatabaseConnection, poll: Duration, buffer: usize) -> Arc<Feed> {
        let (sender, _) = broadcast::channel(buffer.max(1));
        let feed = Arc::new(Feed {
            sender,
            wake: Notify::new(),
            last: AtomicI64::new(-1),
            closing: watch::channel(false).0,
            started: watch::channel(false).0,
            listening: watch::channel(false).0,
            head_read: tokio::sync::Mutex::new(None),
        });
        let listens = db.get_database_backend() == DatabaseBackend::Postgres;
        if listens {
            tokio::spawn(listen(
                db.get_postgres_connection_pool().clone(),
                Arc::downgrade(&feed),
            ));
        }
        tokio::spawn(pump(db, Arc::downgrade(&feed), poll, listens));
        feed
    }

    /// New events from now on, and the last entry already announced (replay from the log
    /// up to it, then take from the receiver, skipping what the replay gave). A feed that has
    /// not yet read the log's head has no position to give: a subscription opened then would
    /// miss what is committed before that read, so this waits for it, up to `wait` (`None`
    /// when the feed did not start in time: the database may be down).
    pub async fn subscribe(
        &self,
        wait: Duration,
    ) -> Option<(broadcast::Receiver<Arc<CatalogueEvent>>, i64)> {
        let mut started = self.started.subscribe();
        tokio::time::timeout(wait, started.wait_for(|s| *s))
            .await
            .ok()?
            .ok()?;
        let receiver = self.sender.subscribe();
        Some((receiver, self.last.load(Ordering::SeqCst)))
    }

    /// The log's head as committed when the caller asks: where a subscription without a
    /// position begins. Subscriptions opened together share one read (one that began after
    /// they asked), so a flood of them takes one connection at a time, not one each.
    pub async fn head_now(&self, db: &DatabaseConnection) -> Result<i64> {
        let asked = std::time::Instant::now();
        let mut read = self.head_read.lock().await;
        if let Some((began, head)) = *read
            && began >= asked
        {
            return Ok(head);
        }
        let began = std::time::Instant::now();
        let head = head(db).await?;
        *read = Some((began, head));
        Ok(head)
    }

    /// Reads the log now (after a write in this process).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops the feed; [`Feed::closed`] resolves for everyone waiting on it.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once the feed is closed: subscriptions end then.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut closing = self.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }

    pub fn is_closed(&self) -> bool {
        *self.closing.borrow()
    }

    /// Reads and announces everything past `last`. Returns whether it read to the end.
    async fn read(&self, db: &DatabaseConnection) -> Result<()> {
        let mut last = self.last.load(Ordering::SeqCst);
        if last < 0 {
            // Subscribers see what is written after the server started.
            last = head(db).await?;
            self.last.store(last, Ordering::SeqCst);
            self.started.send_replace(true);
        }
        loop {
            let batch = after(db, last, READ_BATCH).await?;
            let full = batch.len() as u64 == READ_BATCH;
            for event in batch {
                last = event.seq;
                // Sent with no subscriber is not an error: nobody is listening.
                let _ = self.sender.send(Arc::new(event));
                self.last.store(last, Ordering::SeqCst);
            }
            if !full {
                return Ok(());
            }
        }
    }
}

async fn pump(db: DatabaseConnection, feed: Weak<Feed>, poll: Duration, listens: bool) {
    if listens && let Some(f) = feed.upgrade() {
        // Listening first, then reading the head: what commits after the read is notified.
        // Bounded, as the poll covers a replica that cannot listen.
        let mut listening = f.listening.subscribe();
        drop(f);
        let _ = tokio::time::timeout(LISTEN_FIRST, listening.wait_for(|l| *l)).await;
    }
    let mut failing = false;
    loop {
        let Some(f) = feed.upgrade() else { return };
        if *f.closing.borrow() {
            return;
        }
        match f.read(&db).await {
            Ok(()) => failing = false,
            Err(err) => {
                // Once per outage, not once per poll.
                if !failing {
                    tracing::warn!(error = %err, "the event feed cannot read the audit log");
                }
                failing = true;
            }
        }
        let closed = f.closed();
        tokio::select! {
            () = f.wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
            () = closed => return,
        }
    }
}

/// How long the feed waits to listen before it reads the log's head without it.
const LISTEN_FIRST: Duration = Duration::from_secs(5);

/// Wakes the feed on every `NOTIFY` from any replica's write.
async fn listen(pool: sea_orm::sqlx::PgPool, feed: Weak<Feed>) {
    use sea_orm::sqlx::postgres::PgListener;
    let mut listener: Option<PgListener> = None;
    loop {
        let Some(closed) = feed.upgrade().map(|f| f.closed()) else {
            return;
        };
        if pool.is_closed() {
            return;
        }
        let l = match listener.as_mut() {
            Some(l) => l,
            None => {
                let connected = async {
                    let mut l = PgListener::connect_with(&pool).await?;
                    l.listen(CHANNEL).await?;
                    Ok::<_, sea_orm::sqlx::Error>(l)
                };
                match connected.await {
                    Ok(l) => {
                        // Whatever was committed while this replica did not listen is read
                        // now, not at the next poll.
                        if let Some(f) = feed.upgrade() {
                            f.listening.send_replace(true);
                            f.wake();
                        }
                        listener.insert(l)
                    }
                    Err(err) => {
                        tracing::debug!(error = %err, "cannot listen for events yet; the poll covers");
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                            () = closed => return,
                        }
                    }
                }
            }
        };
        let received = tokio::select! {
            received = l.try_recv() => Some(received.map(|n| n.is_some())),
            // Looks again whether the feed still lives.
            () = tokio::time::sleep(Duration::from_secs(5)) => None,
            () = closed => return,
        };
        match received {
            // A notification, or a lost connection (the listener reconnects on the next call):
            // either way read the log, which also covers what a gap may have hidden.
            Some(Ok(_)) => {
                if let Some(f) = feed.upgrade() {
                    f.wake();
                }
            }
            Some(Err(_)) => {
                listener = None;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            None => {}
        }
    }
}

/// Sends the notification that wakes every replica's feed when `txn` commits (PostgreSQL only;
/// SQLite replicas poll).
pub async fn notify_on_commit<C: ConnectionTrait>(txn: &C) -> Result<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, before: Option<&str>, after: Option<&str>) -> audit_entry::Model {
        audit_entry::Model {
            seq: 7,
            at: Utc::now(),
            actor_token_id: None,
            actor: "t".into(),
            actor_role: "STEWARD".into(),
            organization_id: Some(1),
            action: action.into(),
            entity_type: "Share".into(),
            entity_id: 3,
            before: before.map(Into::into),
            after: after.map(Into::into),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn events_name_every_organization_the_row_concerns() {
        let e = CatalogueEvent::from_entry(entry(
            "UPDATE",
            Some(r#"{"provider_id":1,"consumer_id":9}"#),
            Some(r#"{"provider_id":1,"consumer_id":4}"#),
        ));
        assert_eq!(e.action, CatalogueEventAction::Updated);
        assert_eq!(e.organizations, vec![1, 4, 9]);
        let usage = CatalogueEvent::from_entry(entry(
            "RECORD_EVENTS",
            None,
            Some(r#"{"events":10,"violations":2,"providers":[1,5]}"#),
        ));
        assert_eq!(usage.action, CatalogueEventAction::UsageRecorded);
        assert_eq!(usage.usage, Some((10, 2)));
        assert_eq!(usage.organizations, vec![1, 5]);
        let gone = CatalogueEvent::from_entry(entry("DELETE", Some("{}"), None));
        assert_eq!(gone.action, CatalogueEventAction::Deleted);
    }
}
