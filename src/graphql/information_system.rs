//! `InformationSystem`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::Readiness;
use entity::information_system::{Column, Entity, Model};
use entity::{database as db_entity, organization as org_entity};

use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::database::{Database, DatabaseOrder, DatabaseOrderField, DatabaseWhere};
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, StringFilter, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{Lookup, decode_opt, delete_mutation, patch, patch_opt};
use super::organization::Organization;
use crate::domain::{self, information_system as rules};
use crate::error::Result;

pub struct InformationSystem(pub Model);

impl From<Model> for InformationSystem {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// An information system that hosts databases and exposes services (hệ thống thông tin), with
/// the outcome of its readiness review for connection and sharing.
#[Object]
impl InformationSystem {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::InformationSystem, self.0.id)
    }
    /// The system's code, unique in the catalogue (mã hệ thống).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The system's name (tên hệ thống thông tin).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the system does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Unit that operates the system day to day.
    async fn operator(&self) -> Option<&str> {
        self.0.operator.as_deref()
    }
    /// Where it runs (e.g. the provincial data centre).
    async fn hosting(&self) -> Option<&str> {
        self.0.hosting.as_deref()
    }
    /// How ready the system is to connect and share (sẵn sàng kết nối, chia sẻ).
    async fn readiness(&self) -> Readiness {
        self.0.readiness
    }
    /// When the readiness was last assessed.
    async fn readiness_reviewed_on(&self) -> Option<NaiveDate> {
        self.0.readiness_reviewed_on
    }
    /// What the readiness assessment found.
    async fn readiness_notes(&self) -> Option<&str> {
        self.0.readiness_notes.as_deref()
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
    /// The organization that owns the system.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.owner_id, "Organization").await?,
        ))
    }
    /// Databases hosted by this system.
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
        let scope = Scope::children(db_entity::Column::SystemId, self.0.id);
        list(ctx, scope, args, DatabaseOrderField::Name).await
    }
}

/// Filter for information systems.
#[derive(InputObject, Debug, Default)]
pub struct InformationSystemWhere {
    /// Filter on `code`: The system's code, unique in the catalogue (mã hệ thống).
    pub code: Option<StringFilter>,
    /// Filter on `name`: The system's name (tên hệ thống thông tin).
    pub name: Option<StringFilter>,
    /// Filter on the id of `organization`: The organization that owns the system.
    pub organization_id: Option<IdFilter>,
    /// Filter on `readiness`: How ready the system is to connect and share (sẵn sàng kết nối, chia sẻ).
    pub readiness: Option<EnumFilter<Readiness>>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<InformationSystemWhere>>,
}

impl WhereInput for InformationSystemWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text("where.code", Column::Code, None, &self.code)?)
            .add(filter::text(
                "where.name",
                Column::Name,
                Some(Column::NameFolded),
                &self.name,
            )?)
            .add(filter::id(
                "where.organizationId",
                Column::OwnerId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::enumeration(
                "where.readiness",
                Column::Readiness,
                &self.readiness,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields information systems can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InformationSystemOrderField {
    /// By `name`: the system's name (tên hệ thống thông tin).
    Name,
    /// By `code`: the system's code, unique in the catalogue (mã hệ thống).
    Code,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(InformationSystemOrder, InformationSystemOrderField);

impl OrderField<Entity> for InformationSystemOrderField {
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
pub struct InformationSystemQuery;

#[Object]
impl InformationSystemQuery {
    /// All information systems.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn information_systems(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<InformationSystemWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<InformationSystemOrder>>,
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
    ) -> Result<Conn<InformationSystem>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, InformationSystemOrderField::Name).await
    }

    /// One information system by `id` or `code`; `null` when there is none.
    async fn information_system(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The system's global id (give `id` or `code`).")] id: Option<ID>,
        #[graphql(desc = "The system's code (give `id` or `code`).")] code: Option<String>,
    ) -> Result<Option<InformationSystem>> {
        let found = Lookup::new(id, code, Kind::InformationSystem)?
            .find::<Entity>(ctx, Column::Code)
            .await?;
        Ok(found.map(InformationSystem))
    }
}

/// A new information system.
#[derive(InputObject)]
pub struct CreateInformationSystemInput {
    /// The system's code, unique in the catalogue (mã hệ thống).
    pub code: String,
    /// The system's name (tên hệ thống thông tin).
    pub name: String,
    /// The id of the organization that owns the system.
    pub organization_id: ID,
    /// What the system does.
    pub description: Option<String>,
    /// Unit that operates the system day to day.
    pub operator: Option<String>,
    /// Where it runs (e.g. the provincial data centre).
    pub hosting: Option<String>,
    /// How ready the system is to connect and share (sẵn sàng kết nối, chia sẻ).
    #[graphql(default_with = "Readiness::NotReviewed")]
    pub readiness: Readiness,
    /// When the readiness was last assessed.
    pub readiness_reviewed_on: Option<NaiveDate>,
    /// What the readiness assessment found.
    pub readiness_notes: Option<String>,
}

/// Changes to an information system: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateInformationSystemInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The system's code, unique in the catalogue (mã hệ thống).
    pub code: Option<String>,
    /// The system's name (tên hệ thống thông tin).
    pub name: Option<String>,
    /// The id of the organization that owns the system.
    pub organization_id: Option<ID>,
    /// What the system does.
    pub description: MaybeUndefined<String>,
    /// Unit that operates the system day to day.
    pub operator: MaybeUndefined<String>,
    /// Where it runs (e.g. the provincial data centre).
    pub hosting: MaybeUndefined<String>,
    /// How ready the system is to connect and share (sẵn sàng kết nối, chia sẻ).
    pub readiness: Option<Readiness>,
    /// When the readiness was last assessed.
    pub readiness_reviewed_on: MaybeUndefined<NaiveDate>,
    /// What the readiness assessment found.
    pub readiness_notes: MaybeUndefined<String>,
}

/// The information system a mutation wrote.
#[derive(SimpleObject)]
pub struct InformationSystemPayload {
    /// The information system.
    pub information_system: InformationSystem,
}

#[derive(Default)]
pub struct InformationSystemMutation;

#[Object]
impl InformationSystemMutation {
    /// Records an information system (hệ thống thông tin) that hosts databases, as the steward of its organization or an admin.
    async fn create_information_system(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateInformationSystemInput,
    ) -> Result<InformationSystemPayload> {
        let fields = rules::Fields {
            code: input.code,
            name: input.name,
            owner_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            description: input.description,
            operator: input.operator,
            hosting: input.hosting,
            readiness: input.readiness,
            readiness_reviewed_on: input.readiness_reviewed_on,
            readiness_notes: input.readiness_notes,
        };
        let model =
            domain::create::<rules::InformationSystem>(ctx.db(), ctx.caller(), fields).await?;
        Ok(InformationSystemPayload {
            information_system: InformationSystem(model),
        })
    }

    /// Changes an information system, as the steward of its organization or an admin.
    async fn update_information_system(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateInformationSystemInput,
    ) -> Result<InformationSystemPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::InformationSystem)?;
        let owner_id = decode_opt(
            "input.organizationId",
            &input.organization_id,
            Kind::Organization,
        )?;
        let model = domain::update::<rules::InformationSystem>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.code, input.code);
                patch(&mut f.name, input.name);
                patch(&mut f.owner_id, owner_id);
                patch_opt(&mut f.description, input.description);
                patch_opt(&mut f.operator, input.operator);
                patch_opt(&mut f.hosting, input.hosting);
                patch(&mut f.readiness, input.readiness);
                patch_opt(&mut f.readiness_reviewed_on, input.readiness_reviewed_on);
                patch_opt(&mut f.readiness_notes, input.readiness_notes);
            },
        )
        .await?;
        Ok(InformationSystemPayload {
            information_system: InformationSystem(model),
        })
    }
}

delete_mutation!(
    /// Deletes an information system that hosts no database.
    DeleteInformationSystemMutation,
    delete_information_system,
    rules::InformationSystem,
    Kind::InformationSystem
);
