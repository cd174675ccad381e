//! `AuditEntry` and `auditLog`: the hash-chained record of every change (see
//! [`crate::domain::audit`]). Admins read all of it, stewards their organization's entries.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object};
use chrono::{DateTime, Utc};
use entity::audit_entry::{Column, Entity, Model};
use entity::organization as org_entity;

use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost};
use super::filter::{self, DateTimeFilter, IdFilter, OrderField, StringFilter, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::organization::Organization;
use crate::error::Result;

pub struct AuditEntry(pub Model);

impl From<Model> for AuditEntry {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

fn json(text: &Option<String>) -> Option<Json<serde_json::Value>> {
    text.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .map(Json)
}

/// One change: who made it, when, and the row before and after (nhật ký thay đổi).
#[Object]
impl AuditEntry {
    /// Position in the log: 1, 2, 3, ... without gaps.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The token's name (and number) that made the change.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The role the change was made in.
    async fn actor_role(&self) -> &str {
        &self.0.actor_role
    }
    /// CREATE, UPDATE, DELETE, or a workflow verb (SET_ITEMS, ...).
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The GraphQL type of the changed object.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The changed object's global id (it may since have been deleted).
    async fn entity_id(&self) -> Option<ID> {
        Kind::from_name(&self.0.entity_type).map(|k| ids::encode(k, self.0.entity_id))
    }
    /// The organization whose data changed.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(match self.0.organization_id {
            Some(id) => by_id::<org_entity::Entity>(ctx, id)
                .await?
                .map(Organization),
            None => None,
        })
    }
    /// The stored row before the change (`null` for a creation).
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        json(&self.0.before)
    }
    /// The stored row after the change (`null` for a deletion).
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        json(&self.0.after)
    }
    /// The hash of the entry before this one.
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
    /// SHA-256 over this entry's content and `prevHash`.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// Filter for audit entries.
#[derive(InputObject, Debug, Default)]
pub struct AuditEntryWhere {
    /// Filter on `action`: CREATE, UPDATE, DELETE, or a workflow verb (SET_ITEMS, ...).
    pub action: Option<StringFilter>,
    /// Filter on `entityType`: The GraphQL type of the changed object.
    pub entity_type: Option<StringFilter>,
    /// Filter on the id of `organization`: The organization whose data changed.
    pub organization_id: Option<IdFilter>,
    /// Filter on `at`: when the change was committed.
    pub at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<AuditEntryWhere>>,
}

impl WhereInput for AuditEntryWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text(
                "where.action",
                Column::Action,
                None,
                &self.action,
            )?)
            .add(filter::text(
                "where.entityType",
                Column::EntityType,
                None,
                &self.entity_type,
            )?)
            .add(filter::id(
                "where.organizationId",
                Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::time(Column::At, &self.at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields audit entries can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEntryOrderField {
    /// Log order (the default).
    Seq,
}

order_input!(AuditEntryOrder, AuditEntryOrderField);

impl OrderField<Entity> for AuditEntryOrderField {
    fn column(self) -> Column {
        match self {
            Self::Seq => Column::Seq,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, oldest first by default. Admins read every entry, stewards the entries
    /// of their own organization; for anyone else it is empty.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<AuditEntryWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<AuditEntryOrder>>,
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
    ) -> Result<Conn<AuditEntry>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, AuditEntryOrderField::Seq).await
    }
}
