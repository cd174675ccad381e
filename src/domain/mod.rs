//! Catalogue rules that are not GraphQL: validation, writes in one transaction, the demo data.
//!
//! Every entity implements [`Record`]; [`create`], [`update`] and [`delete`] are the one write
//! path for all of them: a transaction ([`write::Tx`]), the caller's rights, the entity's own
//! checks, the optimistic version check, the bookkeeping columns and the audit entry.

pub mod audit;
pub mod calendar;
pub mod compliance;
pub mod data_item;
pub mod data_service;
pub mod database;
pub mod dcat;
pub mod derivation;
pub mod events;
pub mod focal_point;
pub mod information_system;
pub mod inventory;
pub mod lineage;
pub mod open_data;
pub mod organization;
pub mod quality;
pub mod release;
pub mod report;
pub mod search;
pub mod share;
pub mod sharing_agreement;
pub mod sharing_policy;
pub mod sharing_request;
pub mod sheet;
pub mod sql;
pub mod statistics;
pub mod text;
pub mod usage;
pub mod vocabulary;
pub mod write;

use std::future::Future;

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, Value,
};

use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::store::page::Listable;
use audit::Change;
use write::Tx;

pub type Model<R> = <<R as Record>::Entity as EntityTrait>::Model;

/// A catalogue entity that clients create, update and delete.
pub trait Record: Send + Sync + 'static {
    type Entity: Visible + EntityTrait<ActiveModel = Self::Active>;
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send + Sync;
    /// The client-settable fields, all of them (updates patch a copy of the current ones).
    type Fields: Send;
    /// The fields once validated, with whatever validation derives from other rows (an item's
    /// owner, a share's provider and resolved mode); the plain `Fields` for most entities.
    type Valid: Send;
    /// Name used in messages ("Organization not found").
    const NAME: &'static str;

    fn fields(model: &Model<Self>) -> Self::Fields;

    /// The organization whose stewards may write this row.
    fn owner(
        txn: &DatabaseTransaction,
        model: &Model<Self>,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Refuses a change the caller may not make: by default the row must belong, before and
    /// after the change, to an organization the caller writes for.
    fn authorize(
        tx: &Tx<'_>,
        before: Option<&Model<Self>>,
        after: Option<&Model<Self>>,
    ) -> impl Future<Output = Result<()>> + Send {
        async move {
            for row in [before, after].into_iter().flatten() {
                tx.require_writer(Self::owner(&tx.txn, row).await?)?;
            }
            Ok(())
        }
    }

    /// Checks and normalises fields; `current` is the stored row on update. Rows the fields
    /// refer to must be visible to `caller`.
    fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model<Self>>,
        fields: Self::Fields,
    ) -> impl Future<Output = Result<Self::Valid>> + Send;

    /// Writes the fields into a new (`current` = `None`) or existing row.
    fn assign(active: &mut Self::Active, fields: Self::Valid);

    /// Keeps copies of this row's data elsewhere in step after an update (same transaction).
    fn after_update(
        _txn: &DatabaseTransaction,
        _before: &Model<Self>,
        _after: &Model<Self>,
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }

    /// Keeps data derived from this row, and rules across rows, in step after any change (same
    /// transaction; changes it makes to other rows are audited through `tx`): `before` is `None`
    /// for a creation, `after` for a deletion.
    fn after_write(
        _tx: &mut Tx<'_>,
        _before: Option<&Model<Self>>,
        _after: Option<&Model<Self>>,
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }

    /// What still points at this row, as `(count, message key)` pairs (the key's message
    /// takes the count as `n`); any non-zero count refuses the delete. `caller` is who deletes: the message tells apart what it can act on.
    fn references(
        txn: &DatabaseTransaction,
        caller: &Caller,
        model: &Model<Self>,
    ) -> impl Future<Output = Result<Vec<(u64, &'static str)>>> + Send;
}

/// Creates a row in its own transaction.
pub async fn create<R: Record>(
    db: &DatabaseConnection,
    caller: &Caller,
    fields: R::Fields,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let mut tx = Tx::begin(db, caller).await?;
    let model = create_in::<R>(&mut tx, fields).await?;
    tx.commit().await?;
    Ok(model)
}

/// Creates a row inside a caller's transaction.
pub async fn create_in<R: Record>(tx: &mut Tx<'_>, fields: R::Fields) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let fields = R::validate(&tx.txn, tx.caller, None, fields).await?;
    let mut active = <R::Active as ActiveModelTrait>::default();
    R::assign(&mut active, fields);
    stamp::<R>(&mut active, 1, true);
    let model = active.insert(&tx.txn).await?;
    R::authorize(tx, None, Some(&model)).await?;
    R::after_write(tx, None, Some(&model)).await?;
    record::<R>(tx, "CREATE", None, Some(&model)).await?;
    Ok(model)
}

/// Notes a change to one row for the audit log, under the organization that owns it.
pub(crate) async fn record<R: Record>(
    tx: &mut Tx<'_>,
    action: &'static str,
    before: Option<&Model<R>>,
    after: Option<&Model<R>>,
) -> Result<()> {
    let row = after.or(before).expect("a change has a row");
    let organization = R::owner(&tx.txn, row).await?;
    tx.record(Change {
        action,
        entity_type: R::NAME,
        entity_id: id::<R>(row),
        organization: Some(organization),
        before: before.map(audit::snapshot),
        after: after.map(audit::snapshot),
    });
    Ok(())
}

/// Updates a row: loads it, checks the version the client based its change on, applies the
/// patch to the current fields, validates, and writes `version + 1`.
pub async fn update<R: Record>(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut R::Fields) + Send,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let mut tx = Tx::begin(db, caller).await?;
    let current = find::<R>(&tx, id).await?;
    let model = update_in::<R>(&mut tx, current, expected_version, patch).await?;
    tx.commit().await?;
    Ok(model)
}

/// Updates a loaded row inside a caller's transaction.
pub async fn update_in<R: Record>(
    tx: &mut Tx<'_>,
    current: Model<R>,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut R::Fields) + Send,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    // Refused before anything else is checked: a caller learns nothing of rows it may not
    // change (the full check follows once the change is known).
    tx.require_writer(R::owner(&tx.txn, &current).await?)?;
    check_version::<R>(&current, expected_version)?;
    let mut fields = R::fields(&current);
    patch(&mut fields);
    let fields = R::validate(&tx.txn, tx.caller, Some(&current), fields).await?;
    let version = version::<R>(&current) + 1;
    let mut active = current.clone().into_active_model();
    R::assign(&mut active, fields);
    stamp::<R>(&mut active, version, false);
    let updated = active.update(&tx.txn).await?;
    R::authorize(tx, Some(&current), Some(&updated)).await?;
    R::after_update(&tx.txn, &current, &updated).await?;
    R::after_write(tx, Some(&current), Some(&updated)).await?;
    record::<R>(tx, "UPDATE", Some(&current), Some(&updated)).await?;
    Ok(updated)
}

/// Deletes a row nothing refers to any more; returns what was deleted.
pub async fn delete<R: Record>(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let mut tx = Tx::begin(db, caller).await?;
    let current = find::<R>(&tx, id).await?;
    R::authorize(&tx, Some(&current), None).await?;
    check_version::<R>(&current, expected_version)?;
    let refs: Vec<Text> = R::references(&tx.txn, tx.caller, &current)
        .await?
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, key)| Text::key(key).arg("n", n))
        .collect();
    if !refs.is_empty() {
        return Err(Error::conflict(
            Text::key("still-referenced")
                .arg("entity", R::NAME)
                .arg("id", id)
                .with("refs", Text::List(refs)),
        ));
    }
    record::<R>(&mut tx, "DELETE", Some(&current), None).await?;
    current.clone().delete(&tx.txn).await?;
    R::after_write(&mut tx, Some(&current), None).await?;
    tx.commit().await?;
    Ok(current)
}

/// Today's date in Vietnam (UTC+7), the calendar that validity dates of shares are written in.
pub fn today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}

/// Loads a row the writer may see by id, or answers `NOT_FOUND` (as for a row that does not
/// exist: a caller learns nothing of rows hidden from it).
pub async fn find<R: Record>(tx: &Tx<'_>, id: i64) -> Result<Model<R>>
where
    R::Entity: Visible,
{
    R::Entity::find()
        .filter(R::Entity::id_column().eq(id))
        .filter(R::Entity::visible_to(tx.caller))
        .one(&tx.txn)
        .await?
        .ok_or_else(|| Error::not_found(R::NAME, id))
}

/// Refuses a change based on a version other than the stored one.
pub fn check_version<R: Record>(current: &Model<R>, expected: Option<i32>) -> Result<()> {
    check_stored_version(R::NAME, id::<R>(current), version::<R>(current), expected)
}

/// Refuses a change to `name` `id` based on a version other than `stored`.
pub fn check_stored_version(name: &str, id: i64, stored: i32, expected: Option<i32>) -> Result<()> {
    match expected {
        Some(v) if v != stored => Err(Error::Conflict {
            message: Text::key("version-stale")
                .arg("entity", name)
                .arg("id", id)
                .arg("sent", v)
                .arg("stored", stored),
            current_version: Some(stored),
        }),
        _ => Ok(()),
    }
}

/// Counts rows of `E` matching `cond`.
pub async fn count<E: Listable>(db: &impl ConnectionTrait, cond: Condition) -> Result<u64> {
    Ok(PaginatorTrait::count(E::find().filter(cond), db).await?)
}

/// Checks that a referenced row exists and is visible to the caller; `field` names the input
/// that referenced it.
pub async fn require<E: Visible>(
    db: &impl ConnectionTrait,
    caller: &Caller,
    field: &str,
    id: i64,
) -> Result<E::Model> {
    E::find()
        .filter(E::id_column().eq(id))
        .filter(E::visible_to(caller))
        .one(db)
        .await?
        .ok_or_else(|| Error::bad_input(field, Text::key("id-unknown").arg("field", field)))
}

/// Refuses a write when another row (not `current`) already matches `unique`.
pub async fn refuse_duplicate<E: Listable>(
    db: &impl ConnectionTrait,
    unique: Condition,
    current: Option<i64>,
    message: impl FnOnce() -> Text,
) -> Result<()> {
    let mut cond = unique;
    if let Some(id) = current {
        cond = cond.add(E::id_column().ne(id));
    }
    if count::<E>(db, cond).await? > 0 {
        return Err(Error::conflict(message()));
    }
    Ok(())
}

/// A column equal to a value, as a condition.
pub fn eq<C: ColumnTrait>(col: C, v: impl Into<Value>) -> Condition {
    Condition::all().add(col.eq(v))
}

/// Every catalogue table has `id`, `version`, `created_at` and `updated_at` (see the migration).
fn column<R: Record>(name: &str) -> <R::Entity as EntityTrait>::Column {
    name.parse()
        .unwrap_or_else(|_| panic!("{} has no column {name}", R::NAME))
}

fn id<R: Record>(model: &Model<R>) -> i64 {
    match model.get(R::Entity::id_column()) {
        Value::BigInt(Some(id)) => id,
        other => unreachable!("{} id is {other:?}", R::NAME),
    }
}

fn version<R: Record>(model: &Model<R>) -> i32 {
    match model.get(column::<R>("version")) {
        Value::Int(Some(v)) => v,
        other => unreachable!("{} version is {other:?}", R::NAME),
    }
}

/// Sets the bookkeeping columns.
fn stamp<R: Record>(active: &mut R::Active, version: i32, created: bool) {
    let now = Utc::now();
    active.set(column::<R>("version"), version.into());
    active.set(column::<R>("updated_at"), now.into());
    if created {
        active.set(column::<R>("created_at"), now.into());
    }
}
