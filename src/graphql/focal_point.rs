//! `FocalPoint`: its object, inputs, queries and mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::FocalPointScope;
use entity::focal_point::{Column, Entity, Model};
use entity::organization as org_entity;

use super::compiled::Answer;
use super::connection::{Conn, ListArgs, list, order_input, page_cost, related};
use super::context::ContextData;
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, StringFilter, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{Lookup, decode_opt, delete_mutation, patch, patch_opt};
use super::organization::Organization;
use crate::domain::{self, focal_point as rules};
use crate::error::Result;

pub struct FocalPoint(pub Model);

impl From<Model> for FocalPoint {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// An officer named for data sharing (đầu mối): `EXTERNAL` (one per district, for sharing
/// outside it) or `INTERNAL` (one per agency). Name, position, duties and contacts are public.
#[Object]
impl FocalPoint {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::FocalPoint, self.0.id)
    }
    /// `EXTERNAL`: the district's focal point for sharing outside it; `INTERNAL`: the agency's focal point within it.
    async fn scope(&self) -> FocalPointScope {
        self.0.scope
    }
    /// The officer's full name (họ và tên).
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// The officer's position (chức vụ).
    async fn position(&self) -> Option<&str> {
        self.0.position.as_deref()
    }
    /// What the officer is charged with (nhiệm vụ).
    async fn duties(&self) -> Option<&str> {
        self.0.duties.as_deref()
    }
    /// A telephone number to reach the officer.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// An e-mail address to reach the officer.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// First day of the officer's term.
    async fn term_start(&self) -> Option<NaiveDate> {
        self.0.term_start
    }
    /// Last day of the officer's term, if set.
    async fn term_end(&self) -> Option<NaiveDate> {
        self.0.term_end
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
    /// The organization that named this focal point.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization_id, "Organization").await?,
        ))
    }
}

/// Filter for focal points.
#[derive(InputObject, Debug, Default)]
pub struct FocalPointWhere {
    /// Filter on `fullName`: The officer's full name (họ và tên).
    pub full_name: Option<StringFilter>,
    /// Filter on `scope`: `EXTERNAL`: the district's focal point for sharing outside it; `INTERNAL`: the agency's focal point within it.
    pub scope: Option<EnumFilter<FocalPointScope>>,
    /// Filter on the id of `organization`: The organization that named this focal point.
    pub organization_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Filter on `updatedAt`: When the object last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<FocalPointWhere>>,
}

impl WhereInput for FocalPointWhere {
    fn fields(&self, _caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::text(
                "where.fullName",
                Column::FullName,
                Some(Column::FullNameFolded),
                &self.full_name,
            )?)
            .add(filter::enumeration(
                "where.scope",
                Column::Scope,
                &self.scope,
            )?)
            .add(filter::id(
                "where.organizationId",
                Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at))
            .add(filter::time(Column::UpdatedAt, &self.updated_at)))
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields focal points can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocalPointOrderField {
    /// By `fullName`: the officer's full name (họ và tên).
    FullName,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
    /// By `updatedAt`: when the object last changed.
    UpdatedAt,
}

order_input!(FocalPointOrder, FocalPointOrderField);

impl OrderField<Entity> for FocalPointOrderField {
    fn column(self) -> Column {
        match self {
            Self::FullName => Column::FullNameFolded,
            Self::CreatedAt => Column::CreatedAt,
            Self::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[derive(Default)]
pub struct FocalPointQuery;

#[Object]
impl FocalPointQuery {
    /// All focal points.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn focal_points(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<FocalPointWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<FocalPointOrder>>,
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
    ) -> Result<Conn<FocalPoint>> {
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(ctx, Scope::all(), args, FocalPointOrderField::FullName).await
    }

    /// One focal point by id; `null` when there is none.
    async fn focal_point(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The focal point's global id.")] id: ID,
    ) -> Result<Answer<Option<FocalPoint>>> {
        // Focal points have no code: the id is the one key.
        Lookup::new(Some(id), None, Kind::FocalPoint)?
            .answer::<Entity, _>(ctx, Column::Id)
            .await
    }
}

/// A new focal point.
#[derive(InputObject)]
pub struct CreateFocalPointInput {
    /// The id of the organization that named this focal point.
    pub organization_id: ID,
    /// `EXTERNAL`: the district's focal point for sharing outside it; `INTERNAL`: the agency's focal point within it.
    pub scope: FocalPointScope,
    /// The officer's full name (họ và tên).
    pub full_name: String,
    /// The officer's position (chức vụ).
    pub position: Option<String>,
    /// What the officer is charged with (nhiệm vụ).
    pub duties: Option<String>,
    /// A telephone number to reach the officer.
    pub phone: Option<String>,
    /// An e-mail address to reach the officer.
    pub email: Option<String>,
    /// First day of the officer's term.
    pub term_start: Option<NaiveDate>,
    /// Last day of the officer's term, if set.
    pub term_end: Option<NaiveDate>,
}

/// Changes to a focal point: omitted fields keep their value, `null` clears a field.
#[derive(InputObject)]
pub struct UpdateFocalPointInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// The id of the organization that named this focal point.
    pub organization_id: Option<ID>,
    /// `EXTERNAL`: the district's focal point for sharing outside it; `INTERNAL`: the agency's focal point within it.
    pub scope: Option<FocalPointScope>,
    /// The officer's full name (họ và tên).
    pub full_name: Option<String>,
    /// The officer's position (chức vụ).
    pub position: MaybeUndefined<String>,
    /// What the officer is charged with (nhiệm vụ).
    pub duties: MaybeUndefined<String>,
    /// A telephone number to reach the officer.
    pub phone: MaybeUndefined<String>,
    /// An e-mail address to reach the officer.
    pub email: MaybeUndefined<String>,
    /// First day of the officer's term.
    pub term_start: MaybeUndefined<NaiveDate>,
    /// Last day of the officer's term, if set.
    pub term_end: MaybeUndefined<NaiveDate>,
}

/// The focal point a mutation wrote.
#[derive(SimpleObject)]
pub struct FocalPointPayload {
    /// The focal point.
    pub focal_point: FocalPoint,
}

#[derive(Default)]
pub struct FocalPointMutation;

#[Object]
impl FocalPointMutation {
    /// Names a focal point (đầu mối) of an organization, as its steward or an admin.
    async fn create_focal_point(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateFocalPointInput,
    ) -> Result<FocalPointPayload> {
        let fields = rules::Fields {
            organization_id: ids::decode_as(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            scope: input.scope,
            full_name: input.full_name,
            position: input.position,
            duties: input.duties,
            phone: input.phone,
            email: input.email,
            term_start: input.term_start,
            term_end: input.term_end,
        };
        let model = domain::create::<rules::FocalPoint>(ctx.db(), ctx.caller(), fields).await?;
        Ok(FocalPointPayload {
            focal_point: FocalPoint(model),
        })
    }

    /// Changes a focal point, as the steward of its organization or an admin.
    async fn update_focal_point(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateFocalPointInput,
    ) -> Result<FocalPointPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::FocalPoint)?;
        let organization_id = decode_opt(
            "input.organizationId",
            &input.organization_id,
            Kind::Organization,
        )?;
        let model = domain::update::<rules::FocalPoint>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.organization_id, organization_id);
                patch(&mut f.scope, input.scope);
                patch(&mut f.full_name, input.full_name);
                patch_opt(&mut f.position, input.position);
                patch_opt(&mut f.duties, input.duties);
                patch_opt(&mut f.phone, input.phone);
                patch_opt(&mut f.email, input.email);
                patch_opt(&mut f.term_start, input.term_start);
                patch_opt(&mut f.term_end, input.term_end);
            },
        )
        .await?;
        Ok(FocalPointPayload {
            focal_point: FocalPoint(model),
        })
    }
}

delete_mutation!(
    /// Deletes a focal point, as the steward of its organization or an admin.
    DeleteFocalPointMutation,
    delete_focal_point,
    rules::FocalPoint,
    Kind::FocalPoint
);
