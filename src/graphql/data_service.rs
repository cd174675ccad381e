//! `DataService`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::data_service::{Column, Entity, Model};
use entity::enums::{Platform, ServiceMethod, ServiceStatus};
use entity::{
    data_item as item_entity, focal_point as fp_entity, organization as org_entity,
    share as share_entity,
};

use super::compiled::Answer;
use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::{DataItem, DataItemOrder, DataItemOrderField, DataItemWhere};
use super::filter::{
    self, DateTimeFilter, EnumFilter, OrderField, OrganizationFilter, StringFilter, WhereInput,
};
use super::focal_point::FocalPoint;
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{Lookup, decode_maybe, decode_opt, delete_mutation, patch, patch_opt};
use super::organization::Organization;
use super::share::{Share, ShareOrder, ShareOrderField, ShareWhere};
use crate::domain::data_service as rules;
use crate::error::Result;
use crate::store::page::Link;

/// Items a service provides, through the link table.
pub static SERVICE_ITEMS: Link = Link {
    table: "data_service_items",
    parent: "service_id",
    child: "data_item_id",
};

/// Services providing an item, through the same link table read the other way.
pub static ITEM_SERVICES: Link = Link {
    table: "data_service_items",
    parent: "data_item_id",
    child: "service_id",
};

pub struct DataService(pub Model);

impl From<Model> for DataService {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A data-sharing service (dịch vụ chia sẻ dữ liệu): an API or channel through which an
/// organization provides data items, with the description Decree 47/2020 Art. 24.3 requires.
#[Object]
impl DataService {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::DataService, self.0.id)
    }
    /// The service's code, unique in the catalogue (mã dịch vụ).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The service's name (tên dịch vụ).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// How the data is delivered (phương thức chia sẻ): an online service, database synchronisation, or packaged media.
    async fn method(&self) -> ServiceMethod {
        self.0.method
    }
    /// Technical protocol, e.g. REST/JSON, SOAP, SFTP.
    async fn protocol(&self) -> Option<&str> {
        self.0.protocol.as_deref()
    }
    /// Where the service is reached.
    async fn endpoint(&self) -> Option<&str> {
        self.0.endpoint.as_deref()
    }
    /// The platform it is published on: the national data-sharing platform (NDXP), the ministry's or province's (LGSP), or a direct connection.
    async fn platform(&self) -> Platform {
        self.0.platform
    }
    /// The service's own version (e.g. `v2`), not the record's `version`.
    async fn service_version(&self) -> Option<&str> {
        self.0.service_version.as_deref()
    }
    /// Where the service stands: draft, published, deprecated or retired. The public sees published and deprecated ones.
    async fn status(&self) -> ServiceStatus {
        self.0.status
    }
    /// When it was published (Art. 25).
    async fn published_on(&self) -> Option<NaiveDate> {
        self.0.published_on
    }
    /// What the service provides (mô tả dịch vụ).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// What a call takes (thông tin đầu vào).
    async fn input_description(&self) -> Option<&str> {
        self.0.input_description.as_deref()
    }
    /// What a call returns (thông tin đầu ra).
    async fn output_description(&self) -> Option<&str> {
        self.0.output_description.as_deref()
    }
    /// Technical standard and data format (tiêu chuẩn, định dạng).
    async fn standard(&self) -> Option<&str> {
        self.0.standard.as_deref()
    }
    /// Conditions of use (điều kiện sử dụng).
    async fn conditions_of_use(&self) -> Option<&str> {
        self.0.conditions_of_use.as_deref()
    }
    /// Availability commitment (khả năng đáp ứng), e.g. "24/7, 99.5%".
    async fn availability(&self) -> Option<&str> {
        self.0.availability.as_deref()
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
    /// The organization providing the service.
    async fn provider(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.provider_id, "Organization").await?,
        ))
    }
    /// The focal point to contact about the service.
    async fn contact(&self, ctx: &Context<'_>) -> Result<Option<FocalPoint>> {
        match self.0.contact_id {
            Some(id) => Ok(by_id::<fp_entity::Entity>(ctx, id).await?.map(FocalPoint)),
            None => Ok(None),
        }
    }
    /// The data items the service provides.
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
        let scope = Scope::<item_entity::Entity>::linked(&SERVICE_ITEMS, self.0.id);
        list(ctx, scope, args, DataItemOrderField::Name).await
    }
    /// Shares that go through this service.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn shares(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<ShareWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<ShareOrder>>,
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
    ) -> Result<Conn<Share>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        let scope = Scope::children(share_entity::Column::ServiceId, self.0.id);
        list(ctx, scope, args, ShareOrderField::CreatedAt).await
    }
}

/// Filter for data services.
#[derive(InputObject, Debug, Default)]
pub struct DataServiceWhere {
    /// Filter on `code`: The service's code, unique in the catalogue (mã dịch vụ).
    pub code: Option<StringFilter>,
    /// Filter on `name`: The service's name (tên dịch vụ).
    pub name: Option<StringFilter>,
    /// Filter on the id of `provider`: The organization providing the service.
    pub provider_id: Option<OrganizationFilter>,
    /// Filter on `method`: How the data is delivered (phương thức chia sẻ): an online service, database synchronisation, or packaged media.
    pub method: Option<EnumFilter<ServiceMethod>>,
    /// Filter on `platform`: The platform it is published on: the national data-sharing platform (NDXP), the ministry's or province's (LGSP), or a direct connection.
    pub platform: Option<EnumFilter<Platform>>,
    /// Filter on `status`: Where the service stands: draft, published, deprecated or retired. The public sees published and deprecated ones.
    pub status: Option<EnumFilter<ServiceStatus>>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<DataServiceWhere>>,
}

impl WhereInput for DataServiceWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.name",
                Column::Name,
                Some(Column::NameFolded),
                &self.name,
            )?)
            .add(filter::organization(
                "where.providerId",
                Column::ProviderId,
                &self.provider_id,
            )?)
            .add(filter::enumeration(
                "where.method",
                Column::Method,
                &self.method,
            )?)
            .add(filter::enumeration(
                "where.platform",
                Column::Platform,
                &self.platform,
            )?)
            .add(filter::enumeration(
                "where.status",
                Column::Status,
                &self.status,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields data services can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataServiceOrderField {
    /// By `name`: the service's name (tên dịch vụ).
    Name,
    /// By `code`: the service's code, unique in the catalogue (mã dịch vụ).
    Code,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(DataServiceOrder, DataServiceOrderField);

impl OrderField<Entity> for DataServiceOrderField {
    fn column(self) -> Column {
        match self {
            Self::Name => Column::NameFolded,
            Self::Code => Column::Code,
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[derive(Default)]
pub struct DataServiceQuery;

#[Object]
impl DataServiceQuery {
    /// All data-sharing services.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn data_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DataServiceWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DataServiceOrder>>,
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
    ) -> Result<Conn<DataService>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, DataServiceOrderField::Name).await
    }

    /// One data service by `id` or `code`; `null` when there is none.
    async fn data_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service's global id (give `id` or `code`).")] id: Option<ID>,
        #[graphql(desc = "The service's code (give `id` or `code`).")] code: Option<String>,
    ) -> Result<Answer<Option<DataService>>> {
        Lookup::new(id, code, Kind::DataService)?
            .answer::<Entity, _>(ctx, Column::Code)
            .await
    }
}

/// A new data service.
#[derive(InputObject)]
pub struct CreateDataServiceInput {
    /// The service's code, unique in the catalogue (mã dịch vụ).
    pub code: String,
    /// The service's name (tên dịch vụ).
    pub name: String,
    /// The id of the organization providing the service.
    pub provider_id: ID,
    /// How the data is delivered (phương thức chia sẻ): an online service, database synchronisation, or packaged media.
    pub method: ServiceMethod,
    /// Technical protocol, e.g. REST/JSON, SOAP, SFTP.
    pub protocol: Option<String>,
    /// Where the service is reached.
    pub endpoint: Option<String>,
    /// The platform it is published on: the national data-sharing platform (NDXP), the ministry's or province's (LGSP), or a direct connection.
    pub platform: Platform,
    /// The service's own version (e.g. `v2`), not the record's `version`.
    pub service_version: Option<String>,
    /// Where the service stands: draft, published, deprecated or retired. The public sees published and deprecated ones.
    #[graphql(default_with = "ServiceStatus::Draft")]
    pub status: ServiceStatus,
    /// When it was published (Art. 25).
    pub published_on: Option<NaiveDate>,
    /// What the service provides (mô tả dịch vụ).
    pub description: Option<String>,
    /// What a call takes (thông tin đầu vào).
    pub input_description: Option<String>,
    /// What a call returns (thông tin đầu ra).
    pub output_description: Option<String>,
    /// Technical standard and data format (tiêu chuẩn, định dạng).
    pub standard: Option<String>,
    /// Conditions of use (điều kiện sử dụng).
    pub conditions_of_use: Option<String>,
    /// Availability commitment (khả năng đáp ứng), e.g. "24/7, 99.5%".
    pub availability: Option<String>,
    /// The id of the focal point to contact about the service.
    pub contact_id: Option<ID>,
    /// The data items the service provides.
    #[graphql(default)]
    pub item_ids: Vec<ID>,
}

/// Changes to a data service: omitted fields keep their value, `null` clears a field;
/// `itemIds`, when given, replaces the list of items.
#[derive(InputObject)]
pub struct UpdateDataServiceInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The service's code, unique in the catalogue (mã dịch vụ).
    pub code: Option<String>,
    /// The service's name (tên dịch vụ).
    pub name: Option<String>,
    /// How the data is delivered (phương thức chia sẻ): an online service, database synchronisation, or packaged media.
    pub method: Option<ServiceMethod>,
    /// Technical protocol, e.g. REST/JSON, SOAP, SFTP.
    pub protocol: MaybeUndefined<String>,
    /// Where the service is reached.
    pub endpoint: MaybeUndefined<String>,
    /// The platform it is published on: the national data-sharing platform (NDXP), the ministry's or province's (LGSP), or a direct connection.
    pub platform: Option<Platform>,
    /// The service's own version (e.g. `v2`), not the record's `version`.
    pub service_version: MaybeUndefined<String>,
    /// Where the service stands: draft, published, deprecated or retired. The public sees published and deprecated ones.
    pub status: Option<ServiceStatus>,
    /// When it was published (Art. 25).
    pub published_on: MaybeUndefined<NaiveDate>,
    /// What the service provides (mô tả dịch vụ).
    pub description: MaybeUndefined<String>,
    /// What a call takes (thông tin đầu vào).
    pub input_description: MaybeUndefined<String>,
    /// What a call returns (thông tin đầu ra).
    pub output_description: MaybeUndefined<String>,
    /// Technical standard and data format (tiêu chuẩn, định dạng).
    pub standard: MaybeUndefined<String>,
    /// Conditions of use (điều kiện sử dụng).
    pub conditions_of_use: MaybeUndefined<String>,
    /// Availability commitment (khả năng đáp ứng), e.g. "24/7, 99.5%".
    pub availability: MaybeUndefined<String>,
    /// The id of the focal point to contact about the service.
    pub contact_id: MaybeUndefined<ID>,
    /// The ids of the items the service provides, replacing the list it had.
    pub item_ids: Option<Vec<ID>>,
}

/// The data service a mutation wrote.
#[derive(SimpleObject)]
pub struct DataServicePayload {
    /// The data service as the mutation left it.
    pub data_service: DataService,
}

fn decode_items(ids: &[ID]) -> Result<Vec<i64>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| ids::decode_as(&format!("input.itemIds.{i}"), id, Kind::DataItem))
        .collect()
}

#[derive(Default)]
pub struct DataServiceMutation;

#[Object]
impl DataServiceMutation {
    /// Lists a data-sharing service (dịch vụ chia sẻ dữ liệu) with the description the decree asks for, as the steward of the providing organization or an admin.
    async fn create_data_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateDataServiceInput,
    ) -> Result<DataServicePayload> {
        let items = decode_items(&input.item_ids)?;
        let fields = rules::Fields {
            code: input.code,
            name: input.name,
            provider_id: ids::decode_as(
                "input.providerId",
                &input.provider_id,
                Kind::Organization,
            )?,
            method: input.method,
            protocol: input.protocol,
            endpoint: input.endpoint,
            platform: input.platform,
            service_version: input.service_version,
            status: input.status,
            published_on: input.published_on,
            description: input.description,
            input_description: input.input_description,
            output_description: input.output_description,
            standard: input.standard,
            conditions_of_use: input.conditions_of_use,
            availability: input.availability,
            contact_id: decode_opt("input.contactId", &input.contact_id, Kind::FocalPoint)?,
        };
        let model = rules::create(ctx.db(), ctx.caller(), fields, items).await?;
        Ok(DataServicePayload {
            data_service: DataService(model),
        })
    }

    /// Changes a data-sharing service, as the steward of its provider or an admin; `itemIds` replaces the items it provides.
    async fn update_data_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateDataServiceInput,
    ) -> Result<DataServicePayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::DataService)?;
        let contact_id = decode_maybe("input.contactId", input.contact_id, Kind::FocalPoint)?;
        let items = input.item_ids.as_deref().map(decode_items).transpose()?;
        let patch_fields = |f: &mut rules::Fields| {
            patch(&mut f.code, input.code);
            patch(&mut f.name, input.name);
            patch(&mut f.method, input.method);
            patch_opt(&mut f.protocol, input.protocol);
            patch_opt(&mut f.endpoint, input.endpoint);
            patch(&mut f.platform, input.platform);
            patch_opt(&mut f.service_version, input.service_version);
            patch(&mut f.status, input.status);
            patch_opt(&mut f.published_on, input.published_on);
            patch_opt(&mut f.description, input.description);
            patch_opt(&mut f.input_description, input.input_description);
            patch_opt(&mut f.output_description, input.output_description);
            patch_opt(&mut f.standard, input.standard);
            patch_opt(&mut f.conditions_of_use, input.conditions_of_use);
            patch_opt(&mut f.availability, input.availability);
            patch_opt(&mut f.contact_id, contact_id);
        };
        let model = rules::update(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            patch_fields,
            items,
        )
        .await?;
        Ok(DataServicePayload {
            data_service: DataService(model),
        })
    }
}

delete_mutation!(
    /// Deletes a data service no share goes through.
    DeleteDataServiceMutation,
    delete_data_service,
    rules::DataService,
    Kind::DataService
);
