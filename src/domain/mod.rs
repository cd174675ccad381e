//! Catalogue rules that are not GraphQL: validation, writes in one transaction, the demo data.
//!
//! Every entity implements [`Record`]; [`create`], [`update`] and [`delete`] are the one write
//! path for all of them: a transaction, the entity's own checks, the optimistic version check,
//! and the bookkeeping columns.

pub mod compliance;
pub mod data_item;
pub mod data_service;
pub mod database;
pub mod demo;
pub mod derivation;
pub mod focal_point;
pub mod information_system;
pub mod lineage;
pub mod organization;
pub mod share;
pub mod sharing_policy;
pub mod sql;
pub mod text;

use std::future::Future;

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, TransactionTrait, Value,
};

use crate::error::{Error, Result};
use crate::store::page::Listable;

pub type Model<R> = <<R as Record>::Entity as EntityTrait>::Model;

/// A catalogue entity that clients create, update and delete.
pub trait Record: Send + Sync + 'static {
    type Entity: Listable + EntityTrait<ActiveModel = Self::Active>;
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send + Sync;
    /// The client-settable fields, all of them (updates patch a copy of the current ones).
    type Fields: Send;
    /// The fields once validated, with whatever validation derives from other rows (an item's
    /// owner, a share's provider and resolved mode); the plain `Fields` for most entities.
    type Valid: Send;
    /// Name used in messages ("Organization not found").
    const NAME: &'static str;

    fn fields(model: &Model<Self>) -> Self::Fields;

    /// Checks and normalises fields; `current` is the stored row on update.
    fn validate(
        txn: &DatabaseTransaction,
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

    /// What still points at this row, as `(count, "what")` pairs; any non-zero count refuses
    /// the delete.
    fn references(
        txn: &DatabaseTransaction,
        model: &Model<Self>,
    ) -> impl Future<Output = Result<Vec<(u64, &'static str)>>> + Send;
}

/// Creates a row in its own transaction.
pub async fn create<R: Record>(db: &DatabaseConnection, fields: R::Fields) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let txn = db.begin().await?;
    let model = create_in::<R>(&txn, fields).await?;
    txn.commit().await?;
    Ok(model)
}

/// Creates a row inside a caller's transaction.
pub async fn create_in<R: Record>(txn: &DatabaseTransaction, fields: R::Fields) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let fields = R::validate(txn, None, fields).await?;
    let mut active = <R::Active as ActiveModelTrait>::default();
    R::assign(&mut active, fields);
    stamp::<R>(&mut active, 1, true);
    Ok(active.insert(txn).await?)
}

/// Updates a row: loads it, checks the version the client based its change on, applies the
/// patch to the current fields, validates, and writes `version + 1`.
pub async fn update<R: Record>(
    db: &DatabaseConnection,
    id: i64,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut R::Fields) + Send,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let txn = db.begin().await?;
    let current = find::<R>(&txn, id).await?;
    let model = update_in::<R>(&txn, current, expected_version, patch).await?;
    txn.commit().await?;
    Ok(model)
}

/// Updates a loaded row inside a caller's transaction.
pub async fn update_in<R: Record>(
    txn: &DatabaseTransaction,
    current: Model<R>,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut R::Fields) + Send,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    check_version::<R>(&current, expected_version)?;
    let mut fields = R::fields(&current);
    patch(&mut fields);
    let fields = R::validate(txn, Some(&current), fields).await?;
    let version = version::<R>(&current) + 1;
    let mut active = current.clone().into_active_model();
    R::assign(&mut active, fields);
    stamp::<R>(&mut active, version, false);
    let updated = active.update(txn).await?;
    R::after_update(txn, &current, &updated).await?;
    Ok(updated)
}

/// Deletes a row nothing refers to any more; returns what was deleted.
pub async fn delete<R: Record>(
    db: &DatabaseConnection,
    id: i64,
    expected_version: Option<i32>,
) -> Result<Model<R>>
where
    Model<R>: IntoActiveModel<R::Active>,
{
    let txn = db.begin().await?;
    let current = find::<R>(&txn, id).await?;
    check_version::<R>(&current, expected_version)?;
    let refs: Vec<String> = R::references(&txn, &current)
        .await?
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !refs.is_empty() {
        return Err(Error::conflict(format!(
            "{} {id} is still referenced by {}; remove or move them first",
            R::NAME,
            refs.join(", ")
        )));
    }
    current.clone().delete(&txn).await?;
    txn.commit().await?;
    Ok(current)
}

/// Today's date in Vietnam (UTC+7), the calendar that validity dates of shares are written in.
pub fn today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}

/// Loads a row by id or answers `NOT_FOUND`.
pub async fn find<R: Record>(db: &impl ConnectionTrait, id: i64) -> Result<Model<R>> {
    R::Entity::find()
        .filter(R::Entity::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(R::NAME, id))
}

/// Refuses a change based on a version other than the stored one.
pub fn check_version<R: Record>(current: &Model<R>, expected: Option<i32>) -> Result<()> {
    let stored = version::<R>(current);
    match expected {
        Some(v) if v != stored => Err(Error::Conflict {
            message: format!(
                "{} {} has changed: you sent version {v}, the stored version is {stored}; reload and retry",
                R::NAME,
                id::<R>(current)
            ),
            current_version: Some(stored),
        }),
        _ => Ok(()),
    }
}

/// Counts rows of `E` matching `cond`.
pub async fn count<E: Listable>(db: &impl ConnectionTrait, cond: Condition) -> Result<u64> {
    Ok(PaginatorTrait::count(E::find().filter(cond), db).await?)
}

/// Checks that a referenced row exists; `field` names the input that referenced it.
pub async fn require<E: Listable>(
    db: &impl ConnectionTrait,
    field: &str,
    what: &str,
    id: i64,
) -> Result<E::Model> {
    E::find()
        .filter(E::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| Error::bad_input(field, format!("{field}: no {what} has this id")))
}

/// Refuses a write when another row (not `current`) already matches `unique`.
pub async fn refuse_duplicate<E: Listable>(
    db: &impl ConnectionTrait,
    unique: Condition,
    current: Option<i64>,
    message: impl FnOnce() -> String,
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
