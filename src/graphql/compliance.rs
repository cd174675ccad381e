//! `complianceIssues`: undocumented data flows and empty published services.

use async_graphql::{Context, ID, InputObject, Object};
use entity::enums::IssueKind;
use entity::{
    data_service as service_entity, derivation as derivation_entity, organization as org_entity,
};

use super::connection::{OffsetConn, by_id, offset_connection, offset_window, related};
use super::context::ContextData;
use super::data_service::DataService;
use super::derivation::Derivation;
use super::filter::EnumFilter;
use super::ids::{self, Kind};
use super::organization::Organization;
use crate::domain::compliance::{self, Issue, IssueFilter};
use crate::error::Result;

pub struct ComplianceIssue(Issue);

/// Something the catalogue records that the decree says should be documented or should not be.
#[Object]
impl ComplianceIssue {
    /// What is wrong.
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
    /// Filter on `kind`: what is wrong.
    pub kind: Option<EnumFilter<IssueKind>>,
    /// Issues for one organization to act on.
    pub organization_id: Option<ID>,
    /// With `organizationId`: issues of that organization and every organization below it.
    pub include_descendants: Option<bool>,
}

#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// Problems in the sharing graph, by kind then subject; forward paging only.
    async fn compliance_issues(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<ComplianceIssueWhere>,
        #[graphql(desc = "At most this many (20 unless said).")] first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
    ) -> Result<OffsetConn<ComplianceIssue>> {
        let (offset, limit) = offset_window(ctx, first, after.as_deref())?;
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
            include_descendants: filter.include_descendants.unwrap_or(false),
        };
        let db = ctx.db();
        let total = compliance::count(db, ctx.caller(), &issue_filter).await?;
        let issues = compliance::list(db, ctx.caller(), &issue_filter, offset, limit).await?;
        Ok(offset_connection(
            offset,
            total,
            issues.into_iter().map(ComplianceIssue),
        ))
    }
}
