//! The audit log: every mutation appends, in its own transaction, one entry per changed row
//! with the caller, the time, the action and the row before and after. Entries form a hash
//! chain: each holds the hash of the one before it and its own hash over its content, so an
//! edited, removed or inserted entry breaks the chain, and [`verify`] names where.
//!
//! Writers are ordered by the chain head (`audit_head`, one row), which each write transaction
//! locks first: the chain never forks, also with several replicas on one PostgreSQL.

use chrono::{DateTime, SubsecRound, Utc};
use entity::{audit_entry, audit_head};
use sea_orm::Value;
use sea_orm::sea_query::{Expr, sea_value_to_json_value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IdenStatic,
    Iterable, ModelTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use crate::access::Caller;
use crate::error::{Error, Result};

/// The hash the first entry chains to (as the migration seeds the head).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One changed row, waiting for its transaction to commit.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: i64,
    /// The organization whose data changed.
    pub organization: Option<i64>,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// A row as JSON, column by column (folded search copies left out).
pub fn snapshot<M: ModelTrait>(model: &M) -> Json {
    let mut map = serde_json::Map::new();
    for column in <M::Entity as EntityTrait>::Column::iter() {
        let name = column.as_str();
        if !name.ends_with("_folded") {
            map.insert(name.to_owned(), value_json(&model.get(column)));
        }
    }
    Json::Object(map)
}

/// A stored value as JSON: dates and times as ISO 8601 text (sea-query's own conversion
/// writes them as quoted SQL literals).
fn value_json(value: &Value) -> Json {
    match value {
        Value::ChronoDate(Some(d)) => Json::String(d.format("%Y-%m-%d").to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => {
            Json::String(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        }
        Value::ChronoDateTime(Some(t)) => {
            Json::String(t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
        }
        other => sea_value_to_json_value(other),
    }
}

/// Locks the chain head for the rest of the transaction. Run first in every write
/// transaction: on SQLite it also takes the write lock before anything is read, so two
/// writers never both read and then fail to upgrade.
pub async fn claim_head(txn: &DatabaseTransaction) -> Result<()> {
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    Ok(())
}

/// The text an entry's hash is taken over.
fn canonical(e: &audit_entry::Model) -> String {
    json!([
        e.seq,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor_token_id,
        e.actor,
        e.actor_role,
        e.organization_id,
        e.action,
        e.entity_type,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash,
    ])
    .to_string()
}

/// The hash an entry must carry: of its content and the hash it chains to.
pub fn hash_of(e: &audit_entry::Model) -> String {
    hex::encode(Sha256::digest(canonical(e).as_bytes()))
}

/// Appends the changes to the chain (the head must be claimed in this transaction).
pub async fn append(
    txn: &DatabaseTransaction,
    caller: &Caller,
    changes: Vec<Change>,
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(txn)
        .await?
        .ok_or_else(|| {
            Error::Internal(std::sync::Arc::new(sea_orm::DbErr::RecordNotFound(
                "audit_head".into(),
            )))
        })?;
    // Stored timestamps keep microseconds on both databases; the hash must match what is read back.
    let at: DateTime<Utc> = Utc::now().trunc_subsecs(6);
    let (mut seq, mut prev) = (head.seq, head.hash);
    let mut entries = Vec::with_capacity(changes.len());
    for change in changes {
        seq += 1;
        let mut entry = audit_entry::Model {
            seq,
            at,
            actor_token_id: caller.member.as_ref().and_then(|m| m.token_id),
            actor: caller.label(),
            actor_role: caller.role_name().to_owned(),
            organization_id: change.organization,
            action: change.action.to_owned(),
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            before: change.before.map(|j| j.to_string()),
            after: change.after.map(|j| j.to_string()),
            prev_hash: prev,
            hash: String::new(),
        };
        entry.hash = hash_of(&entry);
        prev = entry.hash.clone();
        entries.push(audit_entry::ActiveModel::from(entry));
    }
    // Batched: an import appends one entry per changed row.
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let chunk: Vec<_> = entries.by_ref().take(500).collect();
        audit_entry::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    audit_head::ActiveModel {
        id: Set(1),
        seq: Set(seq),
        hash: Set(prev),
    }
    .update(txn)
    .await?;
    Ok(())
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Entries checked.
    pub entries: u64,
    /// The first entry that breaks the chain, and how.
    pub broken: Option<(i64, String)>,
}

/// Checks every entry against the one before it and the head against the last entry.
pub async fn verify(db: &impl ConnectionTrait) -> Result<Verdict> {
    const PAGE: u64 = 1000;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_owned();
    let mut entries = 0u64;
    let broken = |seq: i64, why: String, entries: u64| {
        Ok(Verdict {
            entries,
            broken: Some((seq, why)),
        })
    };
    loop {
        let page = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let done = (page.len() as u64) < PAGE;
        for e in page {
            if e.seq != expected_seq {
                return broken(
                    expected_seq,
                    format!(
                        "entry {expected_seq} is missing (the next one is {})",
                        e.seq
                    ),
                    entries,
                );
            }
            if e.prev_hash != prev {
                return broken(
                    e.seq,
                    "it does not chain to the entry before it".into(),
                    entries,
                );
            }
            if hash_of(&e) != e.hash {
                return broken(e.seq, "its content does not match its hash".into(), entries);
            }
            prev = e.hash;
            expected_seq += 1;
            entries += 1;
        }
        if done {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(h) if h.seq == expected_seq - 1 && h.hash == prev => Ok(Verdict {
            entries,
            broken: None,
        }),
        Some(h) if h.seq > expected_seq - 1 => broken(
            expected_seq,
            format!("entries {expected_seq} to {} are missing", h.seq),
            entries,
        ),
        _ => broken(
            expected_seq - 1,
            "the chain head does not match the last entry".into(),
            entries,
        ),
    }
}
