//! `OpenDataset`: datasets on the open data portal, their items and services. The public's
//! feedback on them is `Feedback` (`feedback.rs`).

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::UpdateFrequency;
use entity::feedback;
use entity::open_dataset::{Column, Entity, Model};
use entity::{
    data_item as item_entity, data_service as service_entity, organization as org_entity,
};

use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::{DataItem, DataItemOrder, DataItemOrderField, DataItemWhere};
use super::data_service::DataService;
use super::feedback::{Feedback, FeedbackOrder, FeedbackWhere, list_feedback};
use super::filter::{
    self, BooleanFilter, DateTimeFilter, EnumFilter, OrderField, StringFilter, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{decode_maybe, decode_opt, delete_mutation, find_by_id, patch, patch_opt};
use super::organization::Organization;
use crate::domain::open_data::{self as rules, formats_of};
use crate::error::Result;
use crate::store::page::Link;

/// Items an open dataset publishes, through its link table.
pub static DATASET_ITEMS: Link = Link {
    table: "open_dataset_items",
    parent: "dataset_id",
    child: "data_item_id",
};

/// The open datasets that publish an item: the link table read from the item's side.
pub static ITEM_DATASETS: Link = Link {
    table: "open_dataset_items",
    parent: "data_item_id",
    child: "dataset_id",
};

pub struct OpenDataset(pub Model);

impl From<Model> for OpenDataset {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A dataset on the open data portal (bộ dữ liệu mở). Public once published; drafts are seen
/// by their organization.
#[Object]
impl OpenDataset {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::OpenDataset, self.0.id)
    }

    /// The publisher.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization_id, "Organization").await?,
        ))
    }

    /// The dataset's code, unique in the catalogue.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The dataset's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the dataset holds.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Terms of use (by default those of Art. 18 of Decree 47/2020).
    async fn licence(&self) -> &str {
        &self.0.licence
    }

    /// Formats offered, e.g. `CSV`, `JSON`.
    async fn formats(&self) -> Vec<String> {
        formats_of(&self.0)
    }

    /// Where the files can be downloaded.
    async fn download_url(&self) -> Option<&str> {
        self.0.download_url.as_deref()
    }

    /// The service that serves it, when one does.
    async fn data_service(&self, ctx: &Context<'_>) -> Result<Option<DataService>> {
        Ok(match self.0.data_service_id {
            Some(id) => by_id::<service_entity::Entity>(ctx, id)
                .await?
                .map(DataService),
            None => None,
        })
    }

    /// How often the dataset is refreshed.
    async fn update_frequency(&self) -> UpdateFrequency {
        self.0.update_frequency
    }

    /// `null` while a draft.
    async fn published_on(&self) -> Option<NaiveDate> {
        self.0.published_on
    }

    /// When the dataset was last refreshed (open data must be refreshed at least every 3 months).
    async fn refreshed_on(&self) -> Option<NaiveDate> {
        self.0.refreshed_on
    }

    /// The data items it publishes (each `OPEN` to the public).
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
        let scope = Scope::<item_entity::Entity>::linked(&DATASET_ITEMS, self.0.id);
        list(ctx, scope, args, DataItemOrderField::Name).await
    }

    /// Feedback on this dataset, most voted first by default.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<FeedbackWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<FeedbackOrder>>,
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
    ) -> Result<Conn<Feedback>> {
        let scope = Scope::children(feedback::Column::OpenDatasetId, self.0.id);
        list_feedback(ctx, scope, filter, order_by, (first, after, last, before)).await
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
}

/// Filter for open datasets.
#[derive(InputObject, Debug, Default)]
pub struct OpenDatasetWhere {
    /// Filter on `code`: The dataset's code, unique in the catalogue.
    pub code: Option<StringFilter>,
    /// Matches with or without Vietnamese diacritics.
    pub title: Option<StringFilter>,
    /// Filter on the id of `organization`: The publisher.
    pub organization_id: Option<super::filter::OrganizationFilter>,
    /// Filter on `updateFrequency`: How often the dataset is refreshed.
    pub update_frequency: Option<EnumFilter<UpdateFrequency>>,
    /// `true`: published; `false`: drafts.
    pub published: Option<BooleanFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<OpenDatasetWhere>>,
}

impl WhereInput for OpenDatasetWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        use sea_orm::ColumnTrait;
        let mut cond = sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.title",
                Column::Title,
                Some(Column::TitleFolded),
                &self.title,
            )?)
            .add(filter::organization(
                "where.organizationId",
                Column::OrganizationId,
                &self.organization_id,
            )?)
            .add(filter::enumeration(
                "where.updateFrequency",
                Column::UpdateFrequency,
                &self.update_frequency,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at));
        if let Some(eq) = self.published.as_ref().and_then(|b| b.eq) {
            cond = cond.add(if eq {
                Column::PublishedOn.is_not_null()
            } else {
                Column::PublishedOn.is_null()
            });
        }
        Ok(cond)
    }

    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields open datasets can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenDatasetOrderField {
    /// By `title`: the dataset's title.
    Title,
    /// By `publishedOn`: `null` while a draft.
    PublishedOn,
    /// By `refreshedOn`: when the dataset was last refreshed (open data must be refreshed at least every 3 months).
    RefreshedOn,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
}

order_input!(OpenDatasetOrder, OpenDatasetOrderField);

impl OrderField<Entity> for OpenDatasetOrderField {
    fn column(self) -> Column {
        match self {
            Self::Title => Column::TitleFolded,
            Self::PublishedOn => Column::PublishedOn,
            Self::RefreshedOn => Column::RefreshedOn,
            Self::CreatedAt => Column::CreatedAt,
        }
    }
}

#[derive(Default)]
pub struct OpenDataQuery;

#[Object]
impl OpenDataQuery {
    /// Open datasets: the published ones for everyone, drafts for their organization.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn open_datasets(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<OpenDatasetWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<OpenDatasetOrder>>,
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
    ) -> Result<Conn<OpenDataset>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, OpenDatasetOrderField::Title).await
    }

    /// One open dataset by id; `null` when there is none or the caller may not see it.
    async fn open_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dataset's global id.")] id: ID,
    ) -> Result<Option<OpenDataset>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::OpenDataset)
            .await?
            .map(OpenDataset))
    }
}

/// A new open dataset; leave `publishedOn` empty for a draft.
#[derive(InputObject)]
pub struct CreateOpenDatasetInput {
    /// The id of the publisher.
    pub organization_id: ID,
    /// The dataset's code, unique in the catalogue.
    pub code: String,
    /// The dataset's title.
    pub title: String,
    /// What the dataset holds.
    pub description: Option<String>,
    /// Default: the terms of Art. 18 of Decree 47/2020.
    pub licence: Option<String>,
    /// Formats offered, e.g. `CSV`, `JSON`.
    #[graphql(default)]
    pub formats: Vec<String>,
    /// Where the files can be downloaded.
    pub download_url: Option<String>,
    /// The id of the service that serves it, when one does.
    pub data_service_id: Option<ID>,
    /// How often the dataset is refreshed.
    pub update_frequency: UpdateFrequency,
    /// `null` while a draft.
    pub published_on: Option<NaiveDate>,
    /// The items it publishes: the organization's own, each `OPEN` to the public.
    #[graphql(default)]
    pub item_ids: Vec<ID>,
}

/// Changes to an open dataset; set `refreshedOn` when its data is refreshed, clear
/// `publishedOn` to withdraw it.
#[derive(InputObject)]
pub struct UpdateOpenDatasetInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The dataset's code, unique in the catalogue.
    pub code: Option<String>,
    /// The dataset's title.
    pub title: Option<String>,
    /// What the dataset holds.
    pub description: MaybeUndefined<String>,
    /// Terms of use (by default those of Art. 18 of Decree 47/2020).
    pub licence: Option<String>,
    /// Formats offered, e.g. `CSV`, `JSON`.
    pub formats: Option<Vec<String>>,
    /// Where the files can be downloaded.
    pub download_url: MaybeUndefined<String>,
    /// The id of the service that serves it, when one does.
    pub data_service_id: MaybeUndefined<ID>,
    /// How often the dataset is refreshed.
    pub update_frequency: Option<UpdateFrequency>,
    /// `null` while a draft.
    pub published_on: MaybeUndefined<NaiveDate>,
    /// When the dataset was last refreshed (open data must be refreshed at least every 3 months).
    pub refreshed_on: MaybeUndefined<NaiveDate>,
    /// Replaces the items when given.
    pub item_ids: Option<Vec<ID>>,
}

/// The open dataset a mutation wrote.
#[derive(SimpleObject)]
pub struct OpenDatasetPayload {
    /// The open dataset as the mutation left it.
    pub open_dataset: OpenDataset,
}

fn item_ids(ids: &[ID]) -> Result<Vec<i64>> {
    ids.iter()
        .map(|id| ids::decode_as("input.itemIds", id, Kind::DataItem))
        .collect()
}

#[derive(Default)]
pub struct OpenDataMutation;

#[Object]
impl OpenDataMutation {
    /// Creates an open dataset (a draft, or published at once), as the organization's steward.
    async fn create_open_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateOpenDatasetInput,
    ) -> Result<OpenDatasetPayload> {
        let fields = rules::Fields {
            organization_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            code: input.code,
            title: input.title,
            description: input.description,
            licence: input.licence,
            formats: input.formats,
            download_url: input.download_url,
            data_service_id: decode_opt(
                "input.dataServiceId",
                &input.data_service_id,
                Kind::DataService,
            )?,
            update_frequency: input.update_frequency,
            published_on: input.published_on,
            refreshed_on: None,
        };
        let items = item_ids(&input.item_ids)?;
        let model = rules::create(ctx.db(), ctx.caller(), fields, items).await?;
        Ok(OpenDatasetPayload {
            open_dataset: OpenDataset(model),
        })
    }

    /// Changes an open dataset (publishing it sets `publishedOn`), as the steward of its organization or an admin.
    async fn update_open_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateOpenDatasetInput,
    ) -> Result<OpenDatasetPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::OpenDataset)?;
        let service = decode_maybe(
            "input.dataServiceId",
            input.data_service_id,
            Kind::DataService,
        )?;
        let items = input.item_ids.as_deref().map(item_ids).transpose()?;
        let model = rules::update(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.code, input.code);
                patch(&mut f.title, input.title);
                patch_opt(&mut f.description, input.description);
                if input.licence.is_some() {
                    f.licence = input.licence;
                }
                patch(&mut f.formats, input.formats);
                patch_opt(&mut f.download_url, input.download_url);
                patch_opt(&mut f.data_service_id, service);
                patch(&mut f.update_frequency, input.update_frequency);
                patch_opt(&mut f.published_on, input.published_on);
                patch_opt(&mut f.refreshed_on, input.refreshed_on);
            },
            items,
        )
        .await?;
        Ok(OpenDatasetPayload {
            open_dataset: OpenDataset(model),
        })
    }
}

delete_mutation!(
    /// Deletes a draft (a published dataset is withdrawn first).
    DeleteOpenDatasetMutation,
    delete_open_dataset,
    rules::OpenDataset,
    Kind::OpenDataset
);
