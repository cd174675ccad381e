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
    quality_assessment, share, sharing_agreement, sharing_policy, sharing_request,
};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DatabaseBackend};

use super::{Caller, Role};
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

/// Everything for admins, `public` for the rest, plus `own(org)` for an organization's members.
fn rule(caller: &Caller, public: Condition, own: impl FnOnce(i64) -> Condition) -> Condition {
    if caller.is_admin() {
        return everything();
    }
    match caller.organization() {
        Some(org) => Condition::any().add(public).add(own(org)),
        None => public,
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
    /// catalogue (DESIGN.md §4).
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |org| {
            Condition::all().add(information_system::Column::OwnerId.eq(org))
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
            |org| Condition::all().add(data_item::Column::OwnerId.eq(org)),
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
        rule(caller, public, |org| {
            Condition::all().add(data_service::Column::ProviderId.eq(org))
        })
    }
}

impl Visible for share::Entity {
    /// Shares belong to the two organizations they join.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |org| {
            Condition::any()
                .add(share::Column::ProviderId.eq(org))
                .add(share::Column::ConsumerId.eq(org))
        })
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
        rule(caller, nothing(), |org| {
            Condition::any()
                .add(sharing_agreement::Column::ProviderId.eq(org))
                .add(sharing_agreement::Column::ConsumerId.eq(org))
        })
    }
}

impl Visible for sharing_request::Entity {
    /// Requests belong to the organization that asks and the one asked.
    fn visible_to(caller: &Caller) -> Condition {
        rule(caller, nothing(), |org| {
            Condition::any()
                .add(sharing_request::Column::ProviderId.eq(org))
                .add(sharing_request::Column::ConsumerId.eq(org))
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
        rule(caller, nothing(), |org| {
            Condition::any()
                .add(access_event::Column::ProviderId.eq(org))
                .add(access_event::Column::ConsumerId.eq(org))
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
        rule(caller, nothing(), |org| {
            Condition::all().add(catalogue_review::Column::OrganizationId.eq(org))
        })
    }
}

impl Visible for open_dataset::Entity {
    /// Published datasets are public; drafts belong to their organization.
    fn visible_to(caller: &Caller) -> Condition {
        rule(
            caller,
            Condition::all().add(open_dataset::Column::PublishedOn.is_not_null()),
            |org| Condition::all().add(open_dataset::Column::OrganizationId.eq(org)),
        )
    }
}

impl Visible for feedback::Entity {
    /// Public feedback is public; the contact address is the one thing hidden (by the API).
    fn visible_to(_: &Caller) -> Condition {
        everything()
    }
}

impl Visible for audit_entry::Entity {
    /// Admins read the whole log; stewards their own organization's entries.
    fn visible_to(caller: &Caller) -> Condition {
        match (&caller.member, caller.organization()) {
            (Some(m), _) if m.role == Role::Admin => everything(),
            (Some(m), Some(org)) if m.role == Role::Steward => {
                Condition::all().add(audit_entry::Column::OrganizationId.eq(org))
            }
            _ => nothing(),
        }
    }
}

/// Whose compliance issues a caller reads: they name an organization that should act, and
/// say what its shares lack, so they belong to that organization (and admins).
pub enum Reach {
    All,
    Organization(i64),
    Nothing,
}

pub fn issue_reach(caller: &Caller) -> Reach {
    match (caller.is_admin(), caller.organization()) {
        (true, _) => Reach::All,
        (false, Some(org)) => Reach::Organization(org),
        (false, None) => Reach::Nothing,
    }
}
