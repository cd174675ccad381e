//! `CatalogueRelease` and `CatalogueReview`: publishing a frozen catalogue, the difference
//! between releases, periodic reviews, and `overdueReviews`.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::catalogue_release::{Column, Entity, Model};
use entity::catalogue_review;
use entity::enums::{OverdueReviewKind, ReviewScope};
use entity::{open_dataset as dataset_entity, organization as org_entity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value as JsonValue;

use super::connection::{
    Conn, ListArgs, OffsetConn, by_id, list, offset_connection, offset_window, order_input,
    page_cost, related,
};
use super::context::ContextData;
use super::filter::{self, DateTimeFilter, EnumFilter, IdFilter, OrderField, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::find_by_id;
use super::open_data::OpenDataset;
use super::organization::Organization;
use crate::access::visibility::issue_reach;
use crate::domain::release::{self as rules, SECTIONS, SectionDiff};
use crate::domain::{self, today};
use crate::error::{Error, Result};
use crate::i18n::Text;

pub struct CatalogueRelease(pub Model);

impl From<Model> for CatalogueRelease {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

impl CatalogueRelease {
    fn frozen(&self) -> Result<JsonValue> {
        serde_json::from_str(&self.0.snapshot)
            .map(rules::shown)
            .map_err(|err| {
                tracing::error!(release = self.0.id, error = %err, "unreadable release snapshot");
                Error::Internal(Arc::new(sea_orm::DbErr::Custom(
                    "unreadable release snapshot".into(),
                )))
            })
    }
}

/// A published, frozen version of an organization's catalogue (danh mục cơ sở dữ liệu được
/// ban hành), issued by a decision. Immutable; public.
#[Object]
impl CatalogueRelease {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::CatalogueRelease, self.0.id)
    }
    /// The organization whose catalogue this is.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization_id, "Organization").await?,
        ))
    }
    /// 1 for an organization's first release, then 2, 3...
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// Number of the decision that issued it (số quyết định).
    async fn decision_number(&self) -> &str {
        &self.0.decision_number
    }
    /// Date of the decision (ngày quyết định).
    async fn decided_on(&self) -> NaiveDate {
        self.0.decided_on
    }
    /// Who signed the decision (người ký).
    async fn signer(&self) -> &str {
        &self.0.signer
    }
    /// A free note on the release.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Databases in the release.
    async fn database_count(&self) -> i32 {
        self.0.database_count
    }
    /// Data items in the release.
    async fn item_count(&self) -> i32 {
        self.0.item_count
    }
    /// Data-sharing services in the release.
    async fn service_count(&self) -> i32 {
        self.0.service_count
    }
    /// When the catalogue must next be reviewed (the decision date plus the review cadence).
    async fn next_review_due(&self) -> NaiveDate {
        self.0.next_review_due
    }
    /// The catalogue as published: `{databases, items, services}`, each row with its fields
    /// (items also carry `database_code`, `modes` per consumer type and `services`).
    async fn snapshot(&self) -> Result<Json<JsonValue>> {
        Ok(Json(self.frozen()?))
    }
    /// What changed since `against` (by default the organization's previous release); `null`
    /// for a first release compared with nothing.
    async fn diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The release to compare with (default: the one before this).")]
        against: Option<ID>,
    ) -> Result<Option<ReleaseDiff>> {
        let older = match against {
            Some(id) => {
                let n = ids::decode_as("against", &id, Kind::CatalogueRelease)?;
                Some(by_id::<Entity>(ctx, n).await?.ok_or_else(|| {
                    Error::bad_input("against", Text::key("id-unknown").arg("field", "against"))
                })?)
            }
            None => {
                Entity::find()
                    .filter(Column::OrganizationId.eq(self.0.organization_id))
                    .filter(Column::Number.lt(self.0.number))
                    .order_by_desc(Column::Number)
                    .one(ctx.db())
                    .await?
            }
        };
        let Some(older) = older else {
            return Ok(None);
        };
        let older = CatalogueRelease(older);
        let (old, new) = (older.frozen()?, self.frozen()?);
        let [databases, items, services] = SECTIONS.map(|s| rules::diff_section(&old, &new, s));
        Ok(Some(ReleaseDiff {
            against: older,
            databases: databases.into(),
            items: items.into(),
            services: services.into(),
        }))
    }
    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was published in sharegraph.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What changed between two releases, section by section.
#[derive(SimpleObject)]
pub struct ReleaseDiff {
    /// The release compared with.
    pub against: CatalogueRelease,
    /// What changed among the databases.
    pub databases: CatalogueSectionDiff,
    /// What changed among the data items.
    pub items: CatalogueSectionDiff,
    /// What changed among the services.
    pub services: CatalogueSectionDiff,
}

/// Rows added, removed and changed in one section of the catalogue.
#[derive(SimpleObject)]
pub struct CatalogueSectionDiff {
    /// Rows in this release and not in the other.
    pub added: Vec<ReleaseEntry>,
    /// Rows in the other release and not in this one.
    pub removed: Vec<ReleaseEntry>,
    /// Rows in both whose fields differ.
    pub changed: Vec<ReleaseEntryChange>,
}

/// One row of a release's snapshot.
#[derive(SimpleObject)]
pub struct ReleaseEntry {
    /// The row's code.
    pub code: Option<String>,
    /// The row's name.
    pub name: Option<String>,
    /// The row's fields.
    pub row: Json<JsonValue>,
}

/// A row in both releases whose fields differ.
#[derive(SimpleObject)]
pub struct ReleaseEntryChange {
    /// The code and name now.
    pub code: Option<String>,
    /// The row's name in this release.
    pub name: Option<String>,
    /// The fields that changed (snapshot field names, e.g. `name`, `modes`, `description`).
    pub fields: Vec<String>,
    /// The row in the other release.
    pub before: Json<JsonValue>,
    /// The row in this release.
    pub after: Json<JsonValue>,
}

fn entry(row: JsonValue) -> ReleaseEntry {
    ReleaseEntry {
        code: row["code"].as_str().map(str::to_owned),
        name: row["name"].as_str().map(str::to_owned),
        row: Json(row),
    }
}

impl From<SectionDiff> for CatalogueSectionDiff {
    fn from(d: SectionDiff) -> Self {
        Self {
            added: d.added.into_iter().map(entry).collect(),
            removed: d.removed.into_iter().map(entry).collect(),
            changed: d
                .changed
                .into_iter()
                .map(|c| ReleaseEntryChange {
                    code: c.after["code"].as_str().map(str::to_owned),
                    name: c.after["name"].as_str().map(str::to_owned),
                    fields: c.fields,
                    before: Json(c.before),
                    after: Json(c.after),
                })
                .collect(),
        }
    }
}

pub struct CatalogueReview(pub catalogue_review::Model);

impl From<catalogue_review::Model> for CatalogueReview {
    fn from(m: catalogue_review::Model) -> Self {
        Self(m)
    }
}

/// A recorded review of a catalogue or of its default-sharing list (rà soát). Seen by the
/// organization's members and admins.
#[Object]
impl CatalogueReview {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::CatalogueReview, self.0.id)
    }
    /// The organization whose catalogue or list was reviewed.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization_id, "Organization").await?,
        ))
    }
    /// What was reviewed: the catalogue, the default-sharing list or the open-data list.
    async fn scope(&self) -> ReviewScope {
        self.0.scope
    }
    /// When the review took place.
    async fn reviewed_on(&self) -> NaiveDate {
        self.0.reviewed_on
    }
    /// Who reviewed (a person or a unit).
    async fn reviewer(&self) -> &str {
        &self.0.reviewer
    }
    /// Number of the decision that records the review, if any (số quyết định).
    async fn decision_number(&self) -> Option<&str> {
        self.0.decision_number.as_deref()
    }
    /// What the review concluded.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the object was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Filter for catalogue releases.
#[derive(InputObject, Debug, Default)]
pub struct CatalogueReleaseWhere {
    /// Filter on the id of `organization`: the organization whose catalogue this is.
    pub organization_id: Option<IdFilter>,
    /// Filter on `createdAt`: When it was published in sharegraph.
    pub created_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<CatalogueReleaseWhere>>,
}

impl WhereInput for CatalogueReleaseWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::id(
                "where.organizationId",
                Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields catalogue releases can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueReleaseOrderField {
    /// By `decidedOn`: date of the decision (ngày quyết định).
    DecidedOn,
    /// By `number`: 1 for an organization's first release, then 2, 3...
    Number,
    /// By `createdAt`: when it was published in sharegraph.
    CreatedAt,
}

order_input!(CatalogueReleaseOrder, CatalogueReleaseOrderField);

impl OrderField<Entity> for CatalogueReleaseOrderField {
    fn column(self) -> Column {
        match self {
            Self::DecidedOn => Column::DecidedOn,
            Self::Number => Column::Number,
            Self::CreatedAt => Column::CreatedAt,
        }
    }
}

/// Filter for catalogue reviews.
#[derive(InputObject, Debug, Default)]
pub struct CatalogueReviewWhere {
    /// Filter on the id of `organization`: the organization whose catalogue or list was reviewed.
    pub organization_id: Option<IdFilter>,
    /// Filter on `scope`: what was reviewed.
    pub scope: Option<EnumFilter<ReviewScope>>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<CatalogueReviewWhere>>,
}

impl WhereInput for CatalogueReviewWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::id(
                "where.organizationId",
                catalogue_review::Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::enumeration(
                "where.scope",
                catalogue_review::Column::Scope,
                &self.scope,
            )?))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields catalogue reviews can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueReviewOrderField {
    /// By `reviewedOn`: when the review took place.
    ReviewedOn,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
}

order_input!(CatalogueReviewOrder, CatalogueReviewOrderField);

impl OrderField<catalogue_review::Entity> for CatalogueReviewOrderField {
    fn column(self) -> catalogue_review::Column {
        match self {
            Self::ReviewedOn => catalogue_review::Column::ReviewedOn,
            Self::CreatedAt => catalogue_review::Column::CreatedAt,
        }
    }
}

pub struct OverdueReview(rules::Overdue);

/// Something overdue for review (quá hạn rà soát).
#[Object]
impl OverdueReview {
    /// What is overdue.
    async fn kind(&self) -> OverdueReviewKind {
        self.0.kind
    }
    /// The organization that must act.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization, "Organization").await?,
        ))
    }
    /// The dataset, for `OPEN_DATASET`.
    async fn open_dataset(&self, ctx: &Context<'_>) -> Result<Option<OpenDataset>> {
        Ok(match self.0.open_dataset {
            Some(id) => by_id::<dataset_entity::Entity>(ctx, id)
                .await?
                .map(OpenDataset),
            None => None,
        })
    }
    /// When it was last reviewed, released or refreshed; `null` if never.
    async fn last_done_on(&self) -> Option<NaiveDate> {
        self.0.last_done
    }
    /// When it fell due; `null` if it was never done.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.due_on
    }
}

#[derive(Default)]
pub struct CatalogueReleaseQuery;

#[Object]
impl CatalogueReleaseQuery {
    /// Published catalogue releases, newest decision first by default.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn catalogue_releases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<CatalogueReleaseWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<CatalogueReleaseOrder>>,
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
    ) -> Result<Conn<CatalogueRelease>> {
        let order_by = order_by.or_else(|| {
            Some(vec![CatalogueReleaseOrder {
                field: CatalogueReleaseOrderField::DecidedOn,
                direction: filter::SortDirection::Desc,
            }])
        });
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::all(),
            args,
            CatalogueReleaseOrderField::DecidedOn,
        )
        .await
    }

    /// One catalogue release by id; `null` when there is none or the caller may not see it.
    async fn catalogue_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The release's global id.")] id: ID,
    ) -> Result<Option<CatalogueRelease>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::CatalogueRelease)
            .await?
            .map(CatalogueRelease))
    }

    /// Recorded reviews, as their organization's members and admins see them.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn catalogue_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<CatalogueReviewWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<CatalogueReviewOrder>>,
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
    ) -> Result<Conn<CatalogueReview>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::all(),
            args,
            CatalogueReviewOrderField::ReviewedOn,
        )
        .await
    }

    /// What is overdue for review on `on` (default: today in Vietnam): catalogues past their
    /// periodic review, default-sharing lists not reviewed in 6 months, open datasets not
    /// refreshed within 3 months. Admins see every organization's, members their own.
    async fn overdue_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this organization's (default: every organization the caller may see)."
        )]
        organization_id: Option<ID>,
        #[graphql(desc = "The day to judge on (default: today in Vietnam).")] on: Option<NaiveDate>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
    ) -> Result<OffsetConn<OverdueReview>> {
        let (offset, limit) = offset_window(ctx, first, after.as_deref())?;
        let organization = organization_id
            .as_ref()
            .map(|id| ids::decode_as("organizationId", id, Kind::Organization))
            .transpose()?;
        let all = rules::overdue(
            ctx.db(),
            &issue_reach(ctx.caller()),
            organization,
            on.unwrap_or_else(today),
            ctx.limits().review_cadence_months,
        )
        .await?;
        let total = all.len() as u64;
        let page = all
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(OverdueReview);
        Ok(offset_connection(offset, total, page))
    }
}

/// A decision publishing an organization's catalogue as it stands now.
#[derive(InputObject)]
pub struct PublishCatalogueReleaseInput {
    /// The id of the organization whose catalogue is published.
    pub organization_id: ID,
    /// Number of the decision that issues it (số quyết định).
    pub decision_number: String,
    /// Date of the decision (ngày quyết định).
    pub decided_on: NaiveDate,
    /// Who signed the decision (người ký).
    pub signer: String,
    /// A free note on the release.
    pub note: Option<String>,
}

/// The release a mutation published.
#[derive(SimpleObject)]
pub struct CatalogueReleasePayload {
    /// The release.
    pub catalogue_release: CatalogueRelease,
}

/// A review that has taken place.
#[derive(InputObject)]
pub struct RecordCatalogueReviewInput {
    /// The id of the organization whose catalogue or list was reviewed.
    pub organization_id: ID,
    /// What was reviewed.
    pub scope: ReviewScope,
    /// When the review took place.
    pub reviewed_on: NaiveDate,
    /// Who reviewed (a person or a unit).
    pub reviewer: String,
    /// Number of the decision that records the review, if any (số quyết định).
    pub decision_number: Option<String>,
    /// What the review concluded.
    pub outcome: Option<String>,
}

/// The review a mutation recorded.
#[derive(SimpleObject)]
pub struct CatalogueReviewPayload {
    /// The review.
    pub catalogue_review: CatalogueReview,
}

#[derive(Default)]
pub struct CatalogueReleaseMutation;

#[Object]
impl CatalogueReleaseMutation {
    /// Freezes the organization's published catalogue as its next release, as its steward.
    /// Releases are immutable; the next periodic review falls due after the configured cadence.
    async fn publish_catalogue_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The decision that publishes the catalogue.")]
        input: PublishCatalogueReleaseInput,
    ) -> Result<CatalogueReleasePayload> {
        let publication = rules::Publication {
            organization_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            decision_number: input.decision_number,
            decided_on: input.decided_on,
            signer: input.signer,
            note: input.note,
        };
        let model = rules::publish(
            ctx.db(),
            ctx.caller(),
            publication,
            ctx.limits().review_cadence_months,
        )
        .await?;
        Ok(CatalogueReleasePayload {
            catalogue_release: CatalogueRelease(model),
        })
    }

    /// Records a periodic review of the catalogue or of the default-sharing list.
    async fn record_catalogue_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review that took place.")] input: RecordCatalogueReviewInput,
    ) -> Result<CatalogueReviewPayload> {
        let fields = rules::ReviewFields {
            organization_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            scope: input.scope,
            reviewed_on: input.reviewed_on,
            reviewer: input.reviewer,
            decision_number: input.decision_number,
            outcome: input.outcome,
        };
        let model =
            domain::create::<rules::CatalogueReview>(ctx.db(), ctx.caller(), fields).await?;
        Ok(CatalogueReviewPayload {
            catalogue_review: CatalogueReview(model),
        })
    }
}
