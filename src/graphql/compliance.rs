//! `complianceIssues`: undocumented data flows and empty published services.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::enums::IssueKind;
use entity::{
    data_service as service_entity, derivation as derivation_entity, organization as org_entity,
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

use super::connection::{by_id, invalid_cursor, opaque_cursor, read_cursor, related};
use super::data_service::DataService;
use super::derivation::Derivation;
use super::filter::EnumFilter;
use super::ids::{self, Kind};
use super::organization::Organization;
use crate::access::Caller;
use crate::config::Limits;
use crate::domain::compliance::{self, Issue, IssueFilter};
use crate::error::Result;
use crate::store::page::PageArgs;

/// Something the catalogue records that the decree says should be documented or should not be.
pub struct ComplianceIssue(Issue);

#[Object]
impl ComplianceIssue {
    async fn kind(&self) -> IssueKind {
        self.0.kind
    }
    /// The organization expected to act: the derived item's owner, or the service's provider.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization, "Organization").await?,
        ))
    }
    /// For `UNDOCUMENTED_FLOW`: the derivation with no share behind it.
    async fn derivation(&self, ctx: &Context<'_>) -> Result<Option<Derivation>> {
        if self.0.kind != IssueKind::UndocumentedFlow {
            return Ok(None);
        }
        Ok(by_id::<derivation_entity::Entity>(ctx, self.0.subject)
            .await?
            .map(Derivation))
    }
    /// For `EMPTY_PUBLISHED_SERVICE`: the service.
    async fn data_service(&self, ctx: &Context<'_>) -> Result<Option<DataService>> {
        if self.0.kind != IssueKind::EmptyPublishedService {
            return Ok(None);
        }
        Ok(by_id::<service_entity::Entity>(ctx, self.0.subject)
            .await?
            .map(DataService))
    }
    /// What is wrong and what to do, in words.
    async fn message(&self) -> &'static str {
        match self.0.kind {
            IssueKind::UndocumentedFlow => {
                "An item is derived from another organization's item, but no active share of the source to this organization is recorded: record the share (or the agreement behind it) or correct the derivation."
            }
            IssueKind::EmptyPublishedService => {
                "A published data-sharing service provides no data item: list its items (Art. 24.3) or withdraw it."
            }
        }
    }
}

/// Filter for compliance issues.
#[derive(InputObject, Debug, Default)]
pub struct ComplianceIssueWhere {
    pub kind: Option<EnumFilter<IssueKind>>,
    /// Issues for one organization to act on.
    pub organization_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct IssueCount {
    pub total_count: i64,
}

#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// Problems in the sharing graph, by kind then subject; forward paging only.
    async fn compliance_issues(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<ComplianceIssueWhere>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, ComplianceIssue, IssueCount>> {
        let limits = ctx.data_unchecked::<Arc<Limits>>();
        let window = PageArgs {
            first,
            after: None,
            last: None,
            before: None,
        }
        .window(limits.default_page_size, limits.max_page_size)?;
        let offset = match after {
            None => 0,
            Some(c) => read_cursor("after", &c)?
                .strip_prefix("o:")
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| invalid_cursor("after"))?,
        };
        let filter = filter.unwrap_or_default();
        let issue_filter = IssueFilter {
            kinds: filter
                .kind
                .map(|k| k.eq.into_iter().chain(k.in_.unwrap_or_default()).collect()),
            organization: filter
                .organization_id
                .as_ref()
                .map(|id| ids::decode_as("where.organizationId", id, Kind::Organization))
                .transpose()?,
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let total = compliance::count(db, ctx.data_unchecked::<Caller>(), &issue_filter).await?;
        let issues = compliance::list(
            db,
            ctx.data_unchecked::<Caller>(),
            &issue_filter,
            offset,
            window.limit,
        )
        .await?;
        let mut conn = Connection::with_additional_fields(
            offset > 0,
            offset + (issues.len() as u64) < total,
            IssueCount {
                total_count: total as i64,
            },
        );
        conn.edges
            .extend(issues.into_iter().enumerate().map(|(i, issue)| {
                let cursor = opaque_cursor(&format!("o:{}", offset + i as u64 + 1));
                Edge::new(cursor, ComplianceIssue(issue))
            }));
        Ok(conn)
    }
}
