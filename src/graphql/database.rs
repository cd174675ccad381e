//! `Database`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::database::{Column, Entity, Model};
use entity::enums::{DatabaseKind, DatabaseStatus, UpdateFrequency};
use entity::{
    data_item as item_entity, information_system as is_entity, organization as org_entity,
};

use super::compiled::Answer;
use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::data_item::{DataItem, DataItemOrder, DataItemOrderField, DataItemWhere};
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, OrganizationFilter, StringFilter,
    WhereInput,
};
use super::ids::{self, Kind};
use super::information_system::InformationSystem;
use super::loader::Scope;
use super::mutation::{Lookup, decode_maybe, decode_opt, delete_mutation, patch, patch_opt};
use super::organization::Organization;
use crate::domain::{self, database as rules};
use crate::error::Result;

pub struct Database(pub Model);

impl From<Model> for Database {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// A database in an organization's catalogue (cơ sở dữ liệu): what it is for, what it holds,
/// how its data is collected and updated and from which sources, and its data items.
#[Object]
impl Database {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Database, self.0.id)
    }
    /// Code, unique in the catalogue, e.g. `ND-HONGHEO`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name as the catalogue lists it (tên cơ sở dữ liệu).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// National, shared by a ministry or province, or local (loại cơ sở dữ liệu).
    async fn kind(&self) -> DatabaseKind {
        self.0.kind
    }
    /// Purpose of the database (mục đích).
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    /// Scope (phạm vi).
    async fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
    }
    /// Content (nội dung).
    async fn content(&self) -> Option<&str> {
        self.0.content.as_deref()
    }
    /// How data is collected and updated (phương thức thu thập, cập nhật).
    async fn collection_method(&self) -> Option<&str> {
        self.0.collection_method.as_deref()
    }
    /// How often the data is updated (tần suất cập nhật).
    async fn update_frequency(&self) -> UpdateFrequency {
        self.0.update_frequency
    }
    /// Where the data comes from (nguồn dữ liệu).
    async fn data_sources(&self) -> Option<&str> {
        self.0.data_sources.as_deref()
    }
    /// Legal basis for keeping the database (căn cứ pháp lý).
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }
    /// Published rules for using its data (quy chế khai thác, sử dụng; Art. 22).
    async fn usage_rules(&self) -> Option<&str> {
        self.0.usage_rules.as_deref()
    }
    /// Planned, being built, operating or retired (tình trạng).
    async fn status(&self) -> DatabaseStatus {
        self.0.status
    }
    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The latest quality assessment of the database as a whole, if any.
    async fn quality(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::quality::QualityAssessment>> {
        super::quality::latest(
            ctx,
            entity::quality_assessment::Column::DatabaseId,
            self.0.id,
        )
        .await
    }
    /// When the object was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the object last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The organization that owns the database (đơn vị chủ quản).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.owner_id, "Organization").await?,
        ))
    }
    /// The information system hosting it, if recorded.
    async fn system(&self, ctx: &Context<'_>) -> Result<Option<InformationSystem>> {
        match self.0.system_id {
            Some(id) => Ok(by_id::<is_entity::Entity>(ctx, id)
                .await?
                .map(InformationSystem)),
            None => Ok(None),
        }
    }
    /// The data items of this database.
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
        let scope = Scope::children(item_entity::Column::DatabaseId, self.0.id);
        list(ctx, scope, args, DataItemOrderField::Name).await
    }
}

/// Filter for databases.
#[derive(InputObject, Debug, Default)]
pub struct DatabaseWhere {
    /// Filter on `code`: Code, unique in the catalogue, e.g. `ND-HONGHEO`.
    pub code: Option<StringFilter>,
    /// Filter on `name`: Name as the catalogue lists it (tên cơ sở dữ liệu).
    pub name: Option<StringFilter>,
    /// Filter on `kind`: National, shared by a ministry or province, or local (loại cơ sở dữ liệu).
    pub kind: Option<EnumFilter<DatabaseKind>>,
    /// Filter on `status`: Planned, being built, operating or retired (tình trạng).
    pub status: Option<EnumFilter<DatabaseStatus>>,
    /// Filter on `updateFrequency`: How often the data is updated (tần suất cập nhật).
    pub update_frequency: Option<EnumFilter<UpdateFrequency>>,
    /// Filter on the id of `organization`: The organization that owns the database (đơn vị chủ quản).
    pub organization_id: Option<OrganizationFilter>,
    /// Filter on the id of `system`: The information system hosting it, if recorded.
    pub system_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<DatabaseWhere>>,
}

impl WhereInput for DatabaseWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.name",
                Column::Name,
                Some(Column::NameFolded),
                &self.name,
            )?)
            .add(filter::enumeration("where.kind", Column::Kind, &self.kind)?)
            .add(filter::enumeration(
                "where.status",
                Column::Status,
                &self.status,
            )?)
            .add(filter::enumeration(
                "where.updateFrequency",
                Column::UpdateFrequency,
                &self.update_frequency,
            )?)
            .add(filter::organization(
                "where.organizationId",
                Column::OwnerId,
                &self.organization_id,
            )?)
            .add(filter::reference::<is_entity::Entity, _>(
                "where.systemId",
                Column::SystemId,
                Kind::InformationSystem,
                &self.system_id,
                caller,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields databases can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseOrderField {
    /// By `name`: name as the catalogue lists it (tên cơ sở dữ liệu).
    Name,
    /// By `code`: code, unique in the catalogue, e.g. `ND-HONGHEO`.
    Code,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(DatabaseOrder, DatabaseOrderField);

impl OrderField<Entity> for DatabaseOrderField {
    fn column(self) -> Column {
        match self {
            // Sorting on the folded name puts "Bản" next to "Ban", as a reader expects.
            Self::Name => Column::NameFolded,
            Self::Code => Column::Code,
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[derive(Default)]
pub struct DatabaseQuery;

#[Object]
impl DatabaseQuery {
    /// All databases.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn databases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<DatabaseWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<DatabaseOrder>>,
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
    ) -> Result<Conn<Database>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, DatabaseOrderField::Name).await
    }

    /// One database by `id` or `code`; `null` when there is none.
    async fn database(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The database's global id (give `id` or `code`).")] id: Option<ID>,
        #[graphql(desc = "The database's code (give `id` or `code`).")] code: Option<String>,
    ) -> Result<Answer<Option<Database>>> {
        Lookup::new(id, code, Kind::Database)?
            .answer::<Entity, _>(ctx, Column::Code)
            .await
    }
}

/// A new database.
#[derive(InputObject)]
pub struct CreateDatabaseInput {
    /// Code, unique in the catalogue, e.g. `ND-HONGHEO`.
    pub code: String,
    /// Name as the catalogue lists it (tên cơ sở dữ liệu).
    pub name: String,
    /// National, shared by a ministry or province, or local (loại cơ sở dữ liệu).
    pub kind: DatabaseKind,
    /// The id of the organization that owns the database (đơn vị chủ quản).
    pub organization_id: ID,
    /// The id of the information system hosting it, if recorded.
    pub system_id: Option<ID>,
    /// Purpose of the database (mục đích).
    pub purpose: Option<String>,
    /// Scope (phạm vi).
    pub scope: Option<String>,
    /// Content (nội dung).
    pub content: Option<String>,
    /// How data is collected and updated (phương thức thu thập, cập nhật).
    pub collection_method: Option<String>,
    /// How often the data is updated (tần suất cập nhật).
    #[graphql(default_with = "UpdateFrequency::Irregular")]
    pub update_frequency: UpdateFrequency,
    /// Where the data comes from (nguồn dữ liệu).
    pub data_sources: Option<String>,
    /// Legal basis for keeping the database (căn cứ pháp lý).
    pub legal_basis: Option<String>,
    /// Published rules for using its data (quy chế khai thác, sử dụng; Art. 22).
    pub usage_rules: Option<String>,
    /// Planned, being built, operating or retired (tình trạng).
    #[graphql(default_with = "DatabaseStatus::Operating")]
    pub status: DatabaseStatus,
}

/// Changes to a database: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateDatabaseInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Code, unique in the catalogue, e.g. `ND-HONGHEO`.
    pub code: Option<String>,
    /// Name as the catalogue lists it (tên cơ sở dữ liệu).
    pub name: Option<String>,
    /// National, shared by a ministry or province, or local (loại cơ sở dữ liệu).
    pub kind: Option<DatabaseKind>,
    /// The id of the organization that owns the database (đơn vị chủ quản).
    pub organization_id: Option<ID>,
    /// The id of the information system hosting it, if recorded.
    pub system_id: MaybeUndefined<ID>,
    /// Purpose of the database (mục đích).
    pub purpose: MaybeUndefined<String>,
    /// Scope (phạm vi).
    pub scope: MaybeUndefined<String>,
    /// Content (nội dung).
    pub content: MaybeUndefined<String>,
    /// How data is collected and updated (phương thức thu thập, cập nhật).
    pub collection_method: MaybeUndefined<String>,
    /// How often the data is updated (tần suất cập nhật).
    pub update_frequency: Option<UpdateFrequency>,
    /// Where the data comes from (nguồn dữ liệu).
    pub data_sources: MaybeUndefined<String>,
    /// Legal basis for keeping the database (căn cứ pháp lý).
    pub legal_basis: MaybeUndefined<String>,
    /// Published rules for using its data (quy chế khai thác, sử dụng; Art. 22).
    pub usage_rules: MaybeUndefined<String>,
    /// Planned, being built, operating or retired (tình trạng).
    pub status: Option<DatabaseStatus>,
}

/// The database a mutation wrote.
#[derive(SimpleObject)]
pub struct DatabasePayload {
    /// The database as the mutation left it.
    pub database: Database,
}

#[derive(Default)]
pub struct DatabaseMutation;

#[Object]
impl DatabaseMutation {
    /// Adds a database (cơ sở dữ liệu) to an organization's catalogue, as its steward or an admin.
    async fn create_database(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateDatabaseInput,
    ) -> Result<DatabasePayload> {
        let fields = rules::Fields {
            code: input.code,
            name: input.name,
            kind: input.kind,
            owner_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            system_id: decode_opt("input.systemId", &input.system_id, Kind::InformationSystem)?,
            purpose: input.purpose,
            scope: input.scope,
            content: input.content,
            collection_method: input.collection_method,
            update_frequency: input.update_frequency,
            data_sources: input.data_sources,
            legal_basis: input.legal_basis,
            usage_rules: input.usage_rules,
            status: input.status,
        };
        let model = domain::create::<rules::Database>(ctx.db(), ctx.caller(), fields).await?;
        Ok(DatabasePayload {
            database: Database(model),
        })
    }

    /// Changes a database, as the steward of its organization or an admin; omitted fields keep their value.
    async fn update_database(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateDatabaseInput,
    ) -> Result<DatabasePayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Database)?;
        let owner_id = decode_opt(
            "input.organizationId",
            &input.organization_id,
            Kind::Organization,
        )?;
        let system_id = decode_maybe("input.systemId", input.system_id, Kind::InformationSystem)?;
        let model = domain::update::<rules::Database>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.code, input.code);
                patch(&mut f.name, input.name);
                patch(&mut f.kind, input.kind);
                patch(&mut f.owner_id, owner_id);
                patch_opt(&mut f.system_id, system_id);
                patch_opt(&mut f.purpose, input.purpose);
                patch_opt(&mut f.scope, input.scope);
                patch_opt(&mut f.content, input.content);
                patch_opt(&mut f.collection_method, input.collection_method);
                patch(&mut f.update_frequency, input.update_frequency);
                patch_opt(&mut f.data_sources, input.data_sources);
                patch_opt(&mut f.legal_basis, input.legal_basis);
                patch_opt(&mut f.usage_rules, input.usage_rules);
                patch(&mut f.status, input.status);
            },
        )
        .await?;
        Ok(DatabasePayload {
            database: Database(model),
        })
    }
}

delete_mutation!(
    /// Deletes a database that has no data items left.
    DeleteDatabaseMutation,
    delete_database,
    rules::Database,
    Kind::Database
);
