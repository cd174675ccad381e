//! What each caller may read, per entity, as SQL conditions: the one place visibility is
//! decided. Every read applies them below the resolvers: the request loaders (rows by id,
//! pages, counts), lookups by code, and the lineage walks (through [`visible_ids`]). An entity
//! without a [`Visible`] implementation cannot be loaded at all, so a new type cannot leak by
//! a forgotten check.
//!
//! Rows a caller may not see are absent: not returned, not counted, and not crossed by walks.

use entity::enums::ServiceStatus;
use entity::{
    access_event, audit_entry, catalogue_release, catalogue_review, data_item, data_service,
    database, derivation, feedback, focal_point, information_system, open_dataset, organization,
    quality_assessment, share, share_edge, sharing_agreement, sharing_policy, sharing_request,
};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DatabaseBackend};

use super::{Caller, PublicShares, Role, Scope};
use crate::store::page::Listable;

/// An entity with a visibility rule.
pub trait Visible: Listable {
    /// The rows `caller` may read. Admins read everything (an empty condition).
    fn visible_to(caller: &Caller) -> Condition;
}

fn nothing() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn everything() -> Condition {
    Condition::all()
}

/// Everything for admins, `public` for the rest, plus `own(scope)` for the members of the
/// organizations a token acts for.
fn rule(caller: &Caller, public: Condition, own: impl FnOnce(&Scope) -> Condition) -> Condition {
    if caller.is_admin() {
        return everything();
    }
    match caller.scope() {
        Some(scope) => Condition::any().add(public).add(own(scope)),
        None => public,
    }
}

/// `column` names an organization of the token's scope: its one organization, or any of its
/// subtree, walked by the database inside the statement (a province's subtree can hold
/// thousands of organizations, too many to bind as values).
fn among(column: impl ColumnTrait, scope: &Scope) -> Condition {
    if scope.subtree {
        Condition::all().add(crate::store::hierarchy::in_subtree(column, scope.root))
    } else {
        Condition::all().add(column.eq(scope.root))
    }
}

/// `SELECT 1 FROM <E> WHERE <E>.id = <id> AND <visible to caller>`: correlated with the row
/// that names `id`, so that each candidate row costs one index probe (an uncorrelated
/// `id IN (all visible rows)` makes the database list every visible row first).
fn probe<E: Visible>(caller: &Caller, id: Expr) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(E::default())
        .cond_where(
            Condition::all()
                .add(Expr::col((E::default(), E::id_column())).eq(id))
                .add(E::visible_to(caller)),
        )
        .to_owned()
}

/// The row of `E` that `id` names is visible to the caller.
fn visible_row<E: Visible>(caller: &Caller, id: Expr) -> Condition {
    Condition::all().add(Expr::exists(probe::<E>(caller, id)))
}

/// The row of `E` that `column` (of another table) names exists and is visible to `caller`;
/// `None` for admins, who see every row. A filter on a reference tests it, so that filtering
/// by a hidden row's id finds nothing, as reading the reference would.
pub fn names_visible<E: Visible>(caller: &Caller, column: impl ColumnTrait) -> Option<Condition> {
    (!caller.is_admin()).then(|| visible_row::<E>(caller, Expr::col(column.as_column_ref())))
}

/// The row of `E` whose id is `id` (an expression naming it under any alias) is visible to
/// `caller`; `None` for admins, who see every row.
pub fn id_visible<E: Visible>(caller: &Caller, id: Expr) -> Option<Condition> {
    (!caller.is_admin()).then(|| visible_row::<E>(caller, id))
}

/// `SELECT * FROM <E> WHERE <visible to caller>`, with its values written in: the rows of `E`
/// the caller may read, as a subquery for hand-written SQL that reads `E` itself. The database
/// folds it into the outer query, so each row is tested on its own columns instead of probed
/// again by id (which [`visible_sql`] does, one index lookup per row).
pub fn visible_rows_sql<E: Visible>(caller: &Caller, backend: DatabaseBackend) -> String {
    let rows = Query::select()
        .column(Asterisk)
        .from(E::default())
        .cond_where(E::visible_to(caller))
        .to_owned();
    backend.build(&rows).to_string()
}

/// `EXISTS (...)` saying the row of `E` whose id is in the SQL column `column` is visible, with
/// its values written in, for the hand-written SQL of the lineage walks; `None` when the caller
/// sees every row (no restriction to add). `column` must name its table by an alias other than
/// `E`'s table name.
pub fn visible_sql<E: Visible>(
    caller: &Caller,
    backend: DatabaseBackend,
    column: &str,
) -> Option<String> {
    (!caller.is_admin()).then(|| {
        let probe = probe::<E>(caller, Expr::cust(column.to_owned()));
        format!("EXISTS ({})", backend.build(&probe))
    })
}

impl Visible for organization::Entity {
    fn visible_to(_: &Caller) -> Condition {
        everything()
    }
}

impl Visible for focal_point::Entity {
    fn visible_to(_: &Caller) -> Condition {
        everything()
    }
}

impl Visible for information_system::Entity {
    /// Information systems are the agencies' infrastructure, not part of the published
    /// catalogue (docs/design.md).
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |scope| {
            among(information_system::Column::OwnerId, scope)
        })
    }
}

impl Visible for database::Entity {
    fn visible_to(_: &Caller) -> Condition {
        everything()
    }
}

impl Visible for data_item::Entity {
    /// Published unless shared with no one (every policy `NOT_SHARED`, or none at all).
    fn visible_to(caller: &Caller) -> Condition {
        rule(
            caller,
            Condition::all().add(data_item::Column::Published.eq(true)),
            |scope| among(data_item::Column::OwnerId, scope),
        )
    }
}

impl Visible for sharing_policy::Entity {
    /// The policies of visible items.
    fn visible_to(caller: &Caller) -> Condition {
        if caller.is_admin() {
            return everything();
        }
        visible_row::<data_item::Entity>(
            caller,
            Expr::col((sharing_policy::Entity, sharing_policy::Column::DataItemId)),
        )
    }
}

impl Visible for data_service::Entity {
    /// Published services (and deprecated ones, still running) are public.
    fn visible_to(caller: &Caller) -> Condition {
        let public = Condition::all().add(
            data_service::Column::Status
                .is_in([ServiceStatus::Published, ServiceStatus::Deprecated]),
        );
        rule(caller, public, |scope| {
            among(data_service::Column::ProviderId, scope)
        })
    }
}

/// The share rule over a table that names a share's two parties: seen by the parties and
/// admins, and by everyone when its item is published (`published`) unless the server keeps
/// shares with their parties (`SHAREGRAPH_PUBLIC_SHARES`).
fn share_rule(
    caller: &Caller,
    published: impl FnOnce() -> Condition,
    provider: impl ColumnTrait,
    consumer: impl ColumnTrait,
) -> Condition {
    let public = match caller.public_shares {
        PublicShares::Shares => published(),
        PublicShares::Organizations | PublicShares::None => nothing(),
    };
    rule(caller, public, |scope| {
        Condition::any()
            .add(among(provider, scope))
            .add(among(consumer, scope))
    })
}

impl Visible for share::Entity {
    /// The sharing graph of the published catalogue is public: a share of a published item is
    /// seen by everyone unless the server keeps shares with their parties
    /// (`SHAREGRAPH_PUBLIC_SHARES`). What stays with the parties even then (purpose, legal
    /// basis, status reason, agreement, request, usage) is withheld field by field.
    fn visible_to(caller: &Caller) -> Condition {
        share_rule(
            caller,
            || {
                visible_row::<data_item::Entity>(
                    &Caller::anonymous(),
                    Expr::col((share::Entity, share::Column::DataItemId)),
                )
            },
            share::Column::ProviderId,
            share::Column::ConsumerId,
        )
    }
}

impl Visible for share_edge::Entity {
    /// The share rule on the shares an edge row counts: the row holds their item's
    /// `published` flag and their two organizations.
    fn visible_to(caller: &Caller) -> Condition {
        share_rule(
            caller,
            || Condition::all().add(share_edge::Column::Published.eq(true)),
            share_edge::Column::ProviderId,
            share_edge::Column::ConsumerId,
        )
    }
}

impl Visible for derivation::Entity {
    /// A derivation is seen by whoever sees both its items.
    fn visible_to(caller: &Caller) -> Condition {
        if caller.is_admin() {
            return everything();
        }
        Condition::all()
            .add(visible_row::<data_item::Entity>(
                caller,
                Expr::col((derivation::Entity, derivation::Column::SourceItemId)),
            ))
            .add(visible_row::<data_item::Entity>(
                caller,
                Expr::col((derivation::Entity, derivation::Column::DerivedItemId)),
            ))
    }
}

impl Visible for sharing_agreement::Entity {
    /// Agreements belong to their two parties.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |scope| {
            Condition::any()
                .add(among(sharing_agreement::Column::ProviderId, scope))
                .add(among(sharing_agreement::Column::ConsumerId, scope))
        })
    }
}

impl Visible for sharing_request::Entity {
    /// Requests belong to the organization that asks and the one asked.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |scope| {
            Condition::any()
                .add(among(sharing_request::Column::ProviderId, scope))
                .add(among(sharing_request::Column::ConsumerId, scope))
        })
    }
}

impl Visible for quality_assessment::Entity {
    /// Quality is part of what the catalogue tells about its data: an assessment is seen by
    /// whoever sees what was assessed (so the quality filters on items reveal nothing hidden).
    fn visible_to(caller: &Caller) -> Condition {
        if caller.is_admin() {
            return everything();
        }
        Condition::any()
            .add(quality_assessment::Column::DatabaseId.is_not_null())
            .add(visible_row::<data_item::Entity>(
                caller,
                Expr::col((
                    quality_assessment::Entity,
                    quality_assessment::Column::DataItemId,
                )),
            ))
    }
}

impl Visible for access_event::Entity {
    /// Usage records belong to the provider and the consumer of the data used.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |scope| {
            Condition::any()
                .add(among(access_event::Column::ProviderId, scope))
                .add(among(access_event::Column::ConsumerId, scope))
        })
    }
}

impl Visible for catalogue_release::Entity {
    /// A release is a published decision: public, like the catalogue it freezes (which holds
    /// only what the public sees of it).
    fn visible_to(_: &Caller) -> Condition {
        everything()
    }
}

impl Visible for catalogue_review::Entity {
    /// Reviews are the organization's own working records.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |scope| {
            among(catalogue_review::Column::OrganizationId, scope)
        })
    }
}

impl Visible for open_dataset::Entity {
    /// Published datasets are public; drafts belong to their organization.
    fn visible_to(caller: &Caller) -> Condition {
        rule(
            caller,
            Condition::all().add(open_dataset::Column::PublishedOn.is_not_null()),
            |scope| among(open_dataset::Column::OrganizationId, scope),
        )
    }
}

impl Visible for feedback::Entity {
    /// Public feedback is public, but for feedback on an open dataset the caller may not see
    /// (a draft): that stays with the dataset's organization. The contact address is hidden by
    /// the API.
    fn visible_to(caller: &Caller) -> Condition {
        if caller.is_admin() {
            return everything();
        }
        Condition::any()
            .add(feedback::Column::OpenDatasetId.is_null())
            .add(visible_row::<open_dataset::Entity>(
                caller,
                Expr::col((feedback::Entity, feedback::Column::OpenDatasetId)),
            ))
    }
}

impl Visible for audit_entry::Entity {
    /// Admins read the whole log; stewards their own organization's entries.
    fn visible_to(caller: &Caller) -> Condition {
        match (&caller.member, caller.scope()) {
            (Some(m), _) if m.role == Role::Admin => everything(),
            (Some(m), Some(scope)) if m.role == Role::Steward => {
                among(audit_entry::Column::OrganizationId, scope)
            }
            _ => nothing(),
        }
    }
}

/// Whose compliance issues a caller reads: they name an organization that should act, and
/// say what its shares lack, so they belong to that organization (and admins).
pub enum Reach {
    All,
    Organizations(Vec<i64>),
    Nothing,
}

pub fn issue_reach(caller: &Caller) -> Reach {
    match (caller.is_admin(), caller.organizations()) {
        (true, _) => Reach::All,
        (false, Some(orgs)) => Reach::Organizations(orgs.to_vec()),
        (false, None) => Reach::Nothing,
    }
}

/// The caller as the sharing graph's counts see it: with `SHAREGRAPH_PUBLIC_SHARES=
/// organizations` the public reads no share row, but the organization-to-organization edges
/// count the shares of published items.
pub fn counting_shares(caller: &Caller) -> Caller {
    match caller.public_shares {
        PublicShares::Organizations => caller.clone().with_public_shares(PublicShares::Shares),
        PublicShares::Shares | PublicShares::None => caller.clone(),
    }
}
