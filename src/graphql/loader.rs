//! The loaders: one per relation kind, generic over the entity. Every relation a resolver
//! follows goes through them, so a request costs a number of statements that grows with the
//! depth of the query, not with the number of rows.
//!
//! - [`ById`]: rows by primary key (a `parent`, an `owner`, `node(id:)`).
//! - [`PageKey`]: a page of rows, either of a whole table or of the children of many parents
//!   at once (one windowed statement per distinct filter/order/window).
//! - [`CountKey`]: `totalCount` of the same lists, one grouped statement per batch, and only
//!   when a client asks for it.
//!
//! A page whose selection follows a to-one relation of its rows ([`Follows`]) reads the rows
//! it points at in the same statement; they are kept for the request ([`Primed`]) and
//! [`RequestLoader::by_id`] answers from them without a statement.
//!
//! A `Loaders` value is created per request and holds the request's [`Caller`]: every
//! statement it runs adds the caller's visibility condition ([`Visible`]), so no resolver can
//! read a row its caller may not see, and no cached row outlives its request.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use sea_orm::{FromQueryResult, IdenStatic, Iterable, ModelTrait, QueryResult, Value};

use super::idle::Idle;
use crate::access::Caller;
use crate::access::visibility::{self, Visible};
use crate::store::page::{self, AnyModel, Join, JoinedRow, Link, ListQuery, Listable, Page};

pub type LoadError = Arc<DbErr>;

/// Without a tracked execution: how long no new key may arrive before a batch is sent.
const QUIET: Duration = Duration::from_millis(1);
/// Longest a batch waits for the request to go quiet.
const MAX_WAIT_ROUNDS: u32 = 50;
/// Keys per statement: async-graphql's default (1,000) split a level of a large nested page
/// (8,000 items' policies) into several statements. Ids are written into the SQL as integers,
/// so a long list binds no parameters.
const MAX_BATCH: usize = 50_000;

/// The request's loader. Resolvers call [`RequestLoader::load_one`] for every relation.
///
/// async-graphql's DataLoader sends a batch a fixed delay after its first key. Resolving a
/// level of a large page can take longer than that (and yields to the scheduler midway), so a
/// fixed delay splits one level into several statements, more of them the more rows there
/// are, and it adds its delay to every level of every request. Instead each batch is sent
/// when the request's execution has parked ([`Idle`]): every key of the level is registered
/// then, so every level costs one statement per relation, at once. An execution that is not
/// tracked (a subscription's) waits until no new key has arrived for [`QUIET`].
pub struct RequestLoader {
    loader: DataLoader<Loaders>,
    activity: Arc<AtomicU64>,
    primed: Arc<Primed>,
}

impl RequestLoader {
    /// A loader whose batches wait for a quiet spell.
    pub fn new(db: DatabaseConnection, caller: Caller) -> Self {
        Self::tracking(db, caller, Arc::default())
    }

    /// A loader whose batches are sent when `idle` says the execution has parked (once an
    /// execution is tracked with it; until then, after a quiet spell).
    pub fn tracking(db: DatabaseConnection, caller: Caller, idle: Arc<Idle>) -> Self {
        let activity = Arc::new(AtomicU64::new(0));
        let watched = activity.clone();
        let primed = Arc::new(Primed::default());
        let loaders = Loaders {
            db,
            caller,
            primed: primed.clone(),
        };
        let loader = DataLoader::new(loaders, move |batch| {
            let (watched, idle) = (watched.clone(), idle.clone());
            tokio::spawn(async move {
                if idle.is_tracked() {
                    idle.parked().await;
                } else {
                    for _ in 0..MAX_WAIT_ROUNDS {
                        let before = watched.load(Ordering::SeqCst);
                        tokio::time::sleep(QUIET).await;
                        if watched.load(Ordering::SeqCst) == before {
                            break;
                        }
                    }
                }
                batch.await
            })
        })
        .delay(Duration::ZERO)
        .max_batch_size(MAX_BATCH);
        Self {
            loader,
            activity,
            primed,
        }
    }

    /// The row of `E` with this id, if the caller may see it: from the rows a page already
    /// read with it ([`Follows`]), else through the [`ById`] loader.
    pub async fn by_id<E: Visible>(&self, id: i64) -> Result<Option<E::Model>, LoadError> {
        if let Some(model) = self.primed.get::<E>(id) {
            return Ok(Some(model));
        }
        self.load_one(ById::<E>::new(id)).await
    }

    pub async fn load_one<K>(
        &self,
        key: K,
    ) -> Result<Option<<Loaders as Loader<K>>::Value>, LoadError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Loaders: Loader<K, Error = LoadError>,
    {
        self.activity.fetch_add(1, Ordering::SeqCst);
        self.loader.load_one(key).await
    }
}

/// The loaders proper, sharing one connection pool, reading as one caller.
pub struct Loaders {
    db: DatabaseConnection,
    caller: Caller,
    primed: Arc<Primed>,
}

/// Rows read by joins with the request's pages, by entity and id, visible to its caller.
#[derive(Default)]
pub struct Primed(Mutex<HashMap<(TypeId, i64), AnyModel>>);

impl Primed {
    fn get<E: EntityTrait>(&self, id: i64) -> Option<E::Model> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(TypeId::of::<E>(), id))
            .and_then(|m| m.downcast_ref::<E::Model>())
            .cloned()
    }

    fn put(&self, rows: Vec<JoinedRow>) {
        if rows.is_empty() {
            return;
        }
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.extend(rows.into_iter().map(|(t, id, m)| ((t, id), m)));
    }
}

/// A to-one relation of the listed entity `E` that its GraphQL type follows by `field`:
/// `fk` names a row of the entity `join` reads.
pub struct ToOne<E: EntityTrait> {
    pub field: &'static str,
    pub fk: E::Column,
    pub join: fn(&Caller, &'static str, String) -> Join,
}

/// The to-one relations a listed entity's GraphQL type follows (none unless declared).
pub trait Follows: Visible {
    const TO_ONE: &'static [ToOne<Self>] = &[];
}

/// Joins the rows of `T` that the column `fk` names, as `alias` (ending in `_`), those the
/// caller may see.
pub fn join<T: Visible>(caller: &Caller, fk: &'static str, alias: String) -> Join {
    fn read<T: Visible>(row: &QueryResult, prefix: &str) -> Result<AnyModel, DbErr> {
        Ok(Arc::new(T::Model::from_query_result(row, prefix)?))
    }
    let id = T::id_column().as_str();
    let on = visibility::id_visible::<T>(
        caller,
        Expr::col((Alias::new(alias.clone()), Alias::new(id))),
    )
    .unwrap_or_else(Condition::all);
    Join {
        fk,
        table: T::default().table_name(),
        id,
        columns: T::Column::iter().map(|c| c.as_str()).collect(),
        alias,
        on,
        target: TypeId::of::<T>(),
        read: read::<T>,
    }
}

/// A row by primary key.
pub struct ById<E>(pub i64, PhantomData<fn() -> E>);

impl<E> ById<E> {
    pub fn new(id: i64) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<E: Visible> Loader<ById<E>> for Loaders {
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, E::Model>, LoadError> {
        let id_col = E::id_column();
        let rows = E::find()
            .filter(id_col.is_in(keys.iter().map(|k| k.0)))
            .filter(E::visible_to(&self.caller))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| match m.get(id_col) {
                Value::BigInt(Some(id)) => Some((ById::new(id), m)),
                _ => None,
            })
            .collect())
    }
}

/// How a list's rows hang on their parent.
pub enum By<C> {
    /// The whole table.
    Table,
    /// A foreign-key column of the listed entity.
    Fk(C),
    /// A many-to-many link table.
    Link(&'static Link),
}

/// Where a list's rows come from: the whole table, or the children of one parent.
pub struct Scope<E: EntityTrait> {
    pub by: By<E::Column>,
    pub parent: i64,
}

impl<E: EntityTrait> Clone for Scope<E> {
    fn clone(&self) -> Self {
        let by = match &self.by {
            By::Table => By::Table,
            By::Fk(c) => By::Fk(*c),
            By::Link(l) => By::Link(l),
        };
        Self {
            by,
            parent: self.parent,
        }
    }
}

impl<E: EntityTrait> Scope<E> {
    pub fn all() -> Self {
        Self {
            by: By::Table,
            parent: 0,
        }
    }

    pub fn children(fk: E::Column, parent: i64) -> Self {
        Self {
            by: By::Fk(fk),
            parent,
        }
    }

    pub fn linked(link: &'static Link, parent: i64) -> Self {
        Self {
            by: By::Link(link),
            parent,
        }
    }

    /// Names the relation, for grouping keys that one statement can answer.
    fn relation(&self) -> &'static str {
        match &self.by {
            By::Table => "",
            By::Fk(c) => c.as_str(),
            By::Link(l) => l.table,
        }
    }
}

/// A page of one list.
pub struct PageKey<E: Listable> {
    pub scope: Scope<E>,
    pub query: Arc<ListQuery<E>>,
}

impl<E: Listable> Clone for PageKey<E> {
    fn clone(&self) -> Self {
        Self {
            scope: self.scope.clone(),
            query: self.query.clone(),
        }
    }
}
impl<E: Listable> PartialEq for PageKey<E> {
    fn eq(&self, o: &Self) -> bool {
        self.scope.relation() == o.scope.relation()
            && self.scope.parent == o.scope.parent
            && (Arc::ptr_eq(&self.query, &o.query) || self.query.fingerprint == o.query.fingerprint)
    }
}
impl<E: Listable> Eq for PageKey<E> {}
impl<E: Listable> Hash for PageKey<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.scope.relation().hash(state);
        self.scope.parent.hash(state);
        self.query.fingerprint_hash.hash(state);
    }
}

impl<E: Visible> Loader<PageKey<E>> for Loaders {
    /// Shared, so that handing a page to the resolver that asked for it copies no rows (the
    /// DataLoader clones each value it hands out).
    type Value = Arc<Page<E::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PageKey<E>],
    ) -> Result<HashMap<PageKey<E>, Arc<Page<E::Model>>>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for group in group_by(keys, |k| (k.scope.relation(), k.query.fingerprint.as_str())) {
            let first = &group[0];
            let parents: Vec<i64> = group.iter().map(|k| k.scope.parent).collect();
            let query = first.query.and(E::visible_to(&self.caller));
            let mut joined = Vec::new();
            let mut pages = match &first.scope.by {
                By::Table => {
                    let page = query.fetch_all(&self.db, &mut joined).await?;
                    HashMap::from([(first.scope.parent, page)])
                }
                By::Fk(fk) => {
                    query
                        .fetch_children(&self.db, *fk, &parents, &mut joined)
                        .await?
                }
                By::Link(link) => {
                    query
                        .fetch_linked(&self.db, link, &parents, &mut joined)
                        .await?
                }
            };
            // Before the pages go out: their resolvers look here first.
            self.primed.put(joined);
            for key in group {
                let page = pages.remove(&key.scope.parent).unwrap_or_default();
                out.insert(key.clone(), Arc::new(page));
            }
        }
        Ok(out)
    }
}

/// The size of one list (for `totalCount`).
pub struct CountKey<E: Listable> {
    pub scope: Scope<E>,
    pub condition: Arc<Condition>,
    /// Identifies `condition`.
    pub filter_key: Arc<str>,
}

impl<E: Listable> Clone for CountKey<E> {
    fn clone(&self) -> Self {
        Self {
            scope: self.scope.clone(),
            condition: self.condition.clone(),
            filter_key: self.filter_key.clone(),
        }
    }
}
impl<E: Listable> PartialEq for CountKey<E> {
    fn eq(&self, o: &Self) -> bool {
        self.scope.relation() == o.scope.relation()
            && self.scope.parent == o.scope.parent
            && self.filter_key == o.filter_key
    }
}
impl<E: Listable> Eq for CountKey<E> {}
impl<E: Listable> Hash for CountKey<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.scope.relation().hash(state);
        self.scope.parent.hash(state);
        self.filter_key.hash(state);
    }
}

impl<E: Visible> Loader<CountKey<E>> for Loaders {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[CountKey<E>]) -> Result<HashMap<CountKey<E>, u64>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for group in group_by(keys, |k| (k.scope.relation(), k.filter_key.clone())) {
            let first = &group[0];
            let condition = (*first.condition).clone().add(E::visible_to(&self.caller));
            let parents: Vec<i64> = group.iter().map(|k| k.scope.parent).collect();
            let counts = match &first.scope.by {
                By::Table => {
                    let n = page::count_all::<E, _>(&self.db, condition).await?;
                    HashMap::from([(first.scope.parent, n)])
                }
                By::Fk(fk) => {
                    page::count_children::<E, _>(&self.db, condition, *fk, &parents).await?
                }
                By::Link(link) => {
                    page::count_linked::<E, _>(&self.db, condition, link, &parents).await?
                }
            };
            for key in group {
                let n = counts.get(&key.scope.parent).copied().unwrap_or(0);
                out.insert(key.clone(), n);
            }
        }
        Ok(out)
    }
}

/// Splits keys into groups that one statement can answer.
fn group_by<'a, K: Clone, G: Hash + Eq>(keys: &'a [K], group: impl Fn(&'a K) -> G) -> Vec<Vec<K>> {
    let mut index: HashMap<G, usize> = HashMap::new();
    let mut groups: Vec<Vec<K>> = Vec::new();
    for key in keys {
        let g = group(key);
        let i = *index.entry(g).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(key.clone());
    }
    groups
}
