//! Pieces every type's mutations and lookups share.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, OutputType, SimpleObject};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter, QuerySelect};

use super::compiled::{self, Answer};
use super::connection::by_id;
use super::context::ContextData;
use super::ids::{self, Kind};
use crate::access::visibility::Visible;
use crate::domain::{self, Model, Record};
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Deletes the object with this id.
#[derive(InputObject)]
pub struct DeleteInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the deletion is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
}

/// What a delete removed.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The global id of the deleted object.
    pub deleted_id: ID,
}

/// Resolves a `delete*` mutation for any record type.
pub async fn delete<R: Record>(
    ctx: &Context<'_>,
    input: DeleteInput,
    kind: Kind,
) -> Result<DeletePayload>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let id = ids::decode_as("input.id", &input.id, kind)?;
    domain::delete::<R>(ctx.db(), ctx.caller(), id, input.expected_version).await?;
    Ok(DeletePayload {
        deleted_id: input.id,
    })
}

/// Declares the `delete*` mutation of one record type, as an object of its own that
/// [`super::Mutation`] merges: every delete takes the same input, answers the same payload and
/// runs through [`delete`]. (async-graphql does not expand a macro inside an `#[Object]` impl,
/// and takes an argument's description only as a literal, hence one object per delete.)
macro_rules! delete_mutation {
    ($(#[$doc:meta])* $object:ident, $field:ident, $record:ty, $kind:expr) => {
        #[derive(Default)]
        pub struct $object;

        #[async_graphql::Object]
        impl $object {
            $(#[$doc])*
            async fn $field(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(
                    desc = "Which object to delete (`id`) and, optionally, the `version` the deletion is based on."
                )]
                input: $crate::graphql::mutation::DeleteInput,
            ) -> $crate::error::Result<$crate::graphql::mutation::DeletePayload> {
                $crate::graphql::mutation::delete::<$record>(ctx, input, $kind).await
            }
        }
    };
}
pub(crate) use delete_mutation;

/// Resolves a single-object lookup by global id; `None` when nothing has it.
pub async fn find_by_id<E: Visible>(
    ctx: &Context<'_>,
    id: &ID,
    kind: Kind,
) -> Result<Option<E::Model>> {
    by_id::<E>(ctx, ids::decode_as("id", id, kind)?).await
}

/// Replaces a required field when the client sent it.
pub fn patch<T>(target: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *target = v;
    }
}

/// Replaces or clears an optional field: omitted keeps it, `null` clears it.
pub fn patch_opt<T>(target: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(v) => *target = Some(v),
    }
}

/// Decodes an optional id input, keeping "omitted" apart from "null".
pub fn decode_maybe(
    field: &str,
    id: MaybeUndefined<ID>,
    kind: Kind,
) -> Result<MaybeUndefined<i64>> {
    Ok(match id {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(id) => MaybeUndefined::Value(ids::decode_as(field, &id, kind)?),
    })
}

/// A single-object lookup by exactly one of `id` or `code`.
pub enum Lookup {
    Id(i64),
    Code(String),
}

impl Lookup {
    pub fn new(id: Option<ID>, code: Option<String>, kind: Kind) -> Result<Self> {
        match (id, code) {
            (Some(id), None) => Ok(Self::Id(ids::decode_as("id", &id, kind)?)),
            (None, Some(code)) => {
                crate::domain::text::query_text("code", &code)?;
                Ok(Self::Code(code))
            }
            _ => Err(Error::bad_input("id", Text::key("id-or-code"))),
        }
    }

    /// The lookup's answer as `T`: read by a compiled statement where one applies
    /// ([`compiled`]), else by [`Self::find`].
    pub async fn answer<E: Visible, T: From<E::Model> + OutputType>(
        self,
        ctx: &Context<'_>,
        code_column: E::Column,
    ) -> Result<Answer<Option<T>>> {
        let exact = match &self {
            Self::Id(id) => E::id_column().eq(*id),
            Self::Code(code) => code_column.eq(code.as_str()),
        };
        let found = match compiled::lookup::<E, T>(ctx, exact.into()).await? {
            compiled::Lookup::Answered(value) => return Ok(Answer::read(value)),
            compiled::Lookup::NoRow => self.after_exact_miss::<E>(ctx, code_column).await?,
            compiled::Lookup::Resolve => self.find::<E>(ctx, code_column).await?,
        };
        Ok(Answer::Built(found.map(T::from)))
    }

    /// The row, or `None` when nothing has this id or code.
    pub async fn find<E: Visible>(
        self,
        ctx: &Context<'_>,
        code_column: E::Column,
    ) -> Result<Option<E::Model>> {
        if let Self::Code(code) = &self
            // The exact code first (by its index), then ignoring case.
            && let Some(found) = E::find()
                .filter(code_column.eq(code))
                .filter(E::visible_to(ctx.caller()))
                .one(ctx.db())
                .await?
        {
            return Ok(Some(found));
        }
        match self {
            Self::Id(id) => by_id::<E>(ctx, id).await,
            Self::Code(_) => self.after_exact_miss::<E>(ctx, code_column).await,
        }
    }

    /// The row when its exact id or code found none: none for an id; for a code, the one
    /// whose code matches ignoring case (codes are typed by people, and `000.04.39.h57` means
    /// `000.04.39.H57`), refused when several do.
    async fn after_exact_miss<E: Visible>(
        self,
        ctx: &Context<'_>,
        code_column: E::Column,
    ) -> Result<Option<E::Model>> {
        let Self::Code(code) = self else {
            return Ok(None);
        };
        let mut found = E::find()
            .filter(Expr::expr(Func::upper(Expr::col(code_column))).eq(code.to_ascii_uppercase()))
            .filter(E::visible_to(ctx.caller()))
            .limit(2)
            .all(ctx.db())
            .await?;
        if found.len() > 1 {
            return Err(Error::bad_input(
                "code",
                Text::key("code-ambiguous").arg("code", &code),
            ));
        }
        Ok(found.pop())
    }
}

/// Decodes an optional id input.
pub fn decode_opt(field: &str, id: &Option<ID>, kind: Kind) -> Result<Option<i64>> {
    id.as_ref()
        .map(|id| ids::decode_as(field, id, kind))
        .transpose()
}
