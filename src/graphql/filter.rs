//! The one filter mechanism: typed filter inputs (`StringFilter`, `EnumFilter<T>`, `IdFilter`,
//! `DateTimeFilter`, `BooleanFilter`) and the functions that turn them into SQL conditions.
//! Each type's `where:` input combines these fields with AND, plus `or: [..]`.

use crate::access::Caller;
use crate::access::visibility::{self, Visible};
use crate::i18n::Text;
use async_graphql::{Enum, ID, InputObject, InputType};
use chrono::{DateTime, Utc};
use entity::enums::{
    AdministrativeLevel, ConsumerType, DatabaseKind, DatabaseStatus, FeedbackKind, FeedbackStatus,
    FocalPointScope, IssueKind, Platform, Readiness, RequestStatus, ReviewScope, ServiceMethod,
    ServiceStatus, ShareStatus, SharingMode, UpdateFrequency, Violation,
};
use sea_orm::sea_query::{ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, Condition, Value};

use super::ids::{self, Kind};
use crate::domain::text::{fold, query_text};
use crate::error::{Error, Result};

/// Most values one `in` list may hold.
const MAX_IN: usize = 1000;
/// Deepest nesting of `or` lists.
const MAX_NESTING: usize = 5;
/// Most `where` inputs in one filter, counting every `or` alternative at every depth: bounds
/// the expression the database must parse (SQLite refuses trees past ~1,000 terms) and plan.
pub const MAX_BRANCHES: usize = 100;
/// Most values one filter binds to its statement, all its `in` lists and texts together: kept
/// far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub const MAX_VALUES: usize = 5_000;

/// Filter on a text field.
#[derive(InputObject, Debug, Default, Clone)]
pub struct StringFilter {
    /// Exactly this value.
    pub eq: Option<String>,
    /// One of these values.
    #[graphql(name = "in")]
    pub in_: Option<Vec<String>>,
    /// Contains this text, ignoring case and Vietnamese diacritics ("phong tai nguyen" matches
    /// "Phòng Tài nguyên"; "đ" matches "d").
    pub contains: Option<String>,
    /// Starts with this text (exact case).
    pub starts_with: Option<String>,
}

/// Filter on an enumerated field.
#[derive(InputObject, Debug, Clone)]
#[graphql(
    concrete(name = "AdministrativeLevelFilter", params(AdministrativeLevel)),
    concrete(name = "ConsumerTypeFilter", params(ConsumerType)),
    concrete(name = "SharingModeFilter", params(SharingMode)),
    concrete(name = "DatabaseKindFilter", params(DatabaseKind)),
    concrete(name = "DatabaseStatusFilter", params(DatabaseStatus)),
    concrete(name = "UpdateFrequencyFilter", params(UpdateFrequency)),
    concrete(name = "FocalPointScopeFilter", params(FocalPointScope)),
    concrete(name = "ReadinessFilter", params(Readiness)),
    concrete(name = "ServiceMethodFilter", params(ServiceMethod)),
    concrete(name = "PlatformFilter", params(Platform)),
    concrete(name = "ServiceStatusFilter", params(ServiceStatus)),
    concrete(name = "ShareStatusFilter", params(ShareStatus)),
    concrete(name = "IssueKindFilter", params(IssueKind)),
    concrete(name = "RequestStatusFilter", params(RequestStatus)),
    concrete(name = "ViolationFilter", params(Violation)),
    concrete(name = "ReviewScopeFilter", params(ReviewScope)),
    concrete(name = "FeedbackKindFilter", params(FeedbackKind)),
    concrete(name = "FeedbackStatusFilter", params(FeedbackStatus))
)]
pub struct EnumFilter<T: InputType> {
    /// Exactly this value.
    pub eq: Option<T>,
    /// One of these values.
    #[graphql(name = "in")]
    pub in_: Option<Vec<T>>,
}

/// Filter on a reference to another object.
#[derive(InputObject, Debug, Default, Clone)]
pub struct IdFilter {
    /// Exactly this id.
    pub eq: Option<ID>,
    /// One of these ids.
    #[graphql(name = "in")]
    pub in_: Option<Vec<ID>>,
    /// `true`: the reference is empty; `false`: it is set.
    pub is_null: Option<bool>,
}

/// Filter on a reference to an organization: one organization or several, each alone or
/// with every organization below it in the hierarchy (a district and its departments and
/// communes).
#[derive(InputObject, Debug, Default, Clone)]
pub struct OrganizationFilter {
    /// Exactly this organization (and, with `includeDescendants`, those below it).
    pub eq: Option<ID>,
    /// One of these organizations (and, with `includeDescendants`, those below them).
    #[graphql(name = "in")]
    pub in_: Option<Vec<ID>>,
    /// Also match every organization below the ones named. Default `false`.
    pub include_descendants: Option<bool>,
}

/// Most organizations one `in` list of an [`OrganizationFilter`] with `includeDescendants`
/// may name: each is a walk of the hierarchy.
const MAX_SUBTREES: usize = 20;

/// A filter on an organization reference held in `col`.
pub fn organization<C: ColumnTrait>(
    field: &str,
    col: C,
    f: &Option<OrganizationFilter>,
) -> Result<Condition> {
    let mut cond = Condition::all();
    let Some(f) = f else { return Ok(cond) };
    let descendants = f.include_descendants.unwrap_or(false);
    let subtree = |root: i64| crate::store::hierarchy::in_subtree(col, root);
    if let Some(v) = &f.eq {
        let id = ids::decode_as(&format!("{field}.eq"), v, Kind::Organization)?;
        cond = cond.add(if descendants { subtree(id) } else { col.eq(id) });
    }
    if let Some(vs) = &f.in_ {
        check_in_len(field, vs)?;
        if descendants && vs.len() > MAX_SUBTREES {
            return Err(Error::LimitExceeded(
                Text::key("filter-subtrees-max")
                    .arg("field", format!("{field}.in"))
                    .arg("count", vs.len())
                    .arg("max", MAX_SUBTREES),
            ));
        }
        let decoded = vs
            .iter()
            .map(|v| ids::decode_as(&format!("{field}.in"), v, Kind::Organization))
            .collect::<Result<Vec<_>>>()?;
        cond = cond.add(if decoded.is_empty() {
            Condition::all().add(sea_orm::sea_query::Expr::cust("1 = 0"))
        } else if descendants {
            decoded
                .into_iter()
                .fold(Condition::any(), |any, id| any.add(subtree(id)))
        } else {
            Condition::all().add(col.is_in(decoded))
        });
    }
    Ok(cond)
}

/// Filter on a point in time.
#[derive(InputObject, Debug, Default, Clone)]
pub struct DateTimeFilter {
    /// Strictly after this instant.
    pub gt: Option<DateTime<Utc>>,
    /// At or after this instant.
    pub gte: Option<DateTime<Utc>>,
    /// Strictly before this instant.
    pub lt: Option<DateTime<Utc>>,
    /// At or before this instant.
    pub lte: Option<DateTime<Utc>>,
}

/// Filter on a yes/no field.
#[derive(InputObject, Debug, Default, Clone)]
pub struct BooleanFilter {
    /// Equal to this value.
    pub eq: Option<bool>,
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    /// Smallest first (A to Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z to A, newest first).
    Desc,
}

fn check_in_len<T>(field: &str, values: &[T]) -> Result<()> {
    if values.len() > MAX_IN {
        return Err(Error::LimitExceeded(
            Text::key("filter-in-max")
                .arg("field", format!("{field}.in"))
                .arg("count", values.len())
                .arg("max", MAX_IN),
        ));
    }
    Ok(())
}

/// Escapes LIKE wildcards so user text matches literally.
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A text filter over `col`; `folded` is the column holding the folded copy used by `contains`
/// (without one, `contains` compares lower-cased text).
pub fn text<C: ColumnTrait>(
    field: &str,
    col: C,
    folded: Option<C>,
    f: &Option<StringFilter>,
) -> Result<Condition> {
    let mut cond = Condition::all();
    let Some(f) = f else { return Ok(cond) };
    for (name, v) in [
        ("eq", &f.eq),
        ("contains", &f.contains),
        ("startsWith", &f.starts_with),
    ] {
        if let Some(v) = v {
            query_text(&format!("{field}.{name}"), v)?;
        }
    }
    if let Some(v) = &f.eq {
        cond = cond.add(col.eq(v.clone()));
    }
    if let Some(vs) = &f.in_ {
        check_in_len(field, vs)?;
        for v in vs {
            query_text(&format!("{field}.in"), v)?;
        }
        cond = cond.add(col.is_in(vs.clone()));
    }
    if let Some(v) = &f.starts_with {
        let pattern = LikeExpr::new(format!("{}%", like_literal(v))).escape('\\');
        cond = cond.add(col.into_expr().like(pattern));
    }
    if let Some(v) = &f.contains {
        let needle = fold(v);
        let pattern = LikeExpr::new(format!("%{}%", like_literal(&needle))).escape('\\');
        cond = cond.add(match folded {
            Some(fc) => fc.into_expr().like(pattern),
            None => Func::lower(col.into_expr()).like(pattern),
        });
    }
    Ok(cond)
}

/// An enum filter over `col`.
pub fn enumeration<C, T>(field: &str, col: C, f: &Option<EnumFilter<T>>) -> Result<Condition>
where
    C: ColumnTrait,
    T: InputType + Into<Value> + Clone,
{
    let mut cond = Condition::all();
    let Some(f) = f else { return Ok(cond) };
    if let Some(v) = &f.eq {
        cond = cond.add(col.eq(v.clone()));
    }
    if let Some(vs) = &f.in_ {
        check_in_len(field, vs)?;
        cond = cond.add(col.is_in(vs.iter().cloned()));
    }
    Ok(cond)
}

/// A reference filter over `col`, whose ids must be of type `kind`, to rows every caller may
/// read (organizations); [`reference`] for rows some callers may not.
pub fn id<C: ColumnTrait>(
    field: &str,
    col: C,
    kind: Kind,
    f: &Option<IdFilter>,
) -> Result<Condition> {
    guarded_id(field, col, kind, f, None)
}

/// A reference filter over `col` to rows of `E`, which `caller` may not all see: a hidden row
/// counts as no row (`eq`/`in` do not match it, `isNull: true` does), as `E`'s field reads it.
pub fn reference<E: Visible, C: ColumnTrait>(
    field: &str,
    col: C,
    kind: Kind,
    f: &Option<IdFilter>,
    caller: &Caller,
) -> Result<Condition> {
    let guard = if f.is_some() {
        visibility::names_visible::<E>(caller, col)
    } else {
        None
    };
    guarded_id(field, col, kind, f, guard)
}

fn guarded_id<C: ColumnTrait>(
    field: &str,
    col: C,
    kind: Kind,
    f: &Option<IdFilter>,
    visible: Option<Condition>,
) -> Result<Condition> {
    let mut cond = Condition::all();
    let Some(f) = f else { return Ok(cond) };
    if let Some(v) = &f.eq {
        cond = cond.add(col.eq(ids::decode_as(&format!("{field}.eq"), v, kind)?));
    }
    if let Some(vs) = &f.in_ {
        check_in_len(field, vs)?;
        let decoded = vs
            .iter()
            .map(|v| ids::decode_as(&format!("{field}.in"), v, kind))
            .collect::<Result<Vec<_>>>()?;
        cond = cond.add(ids_in(col, &decoded));
    }
    let names_something = f.eq.is_some() || f.in_.is_some() || f.is_null == Some(false);
    match f.is_null {
        Some(true) => {
            cond = cond.add(match &visible {
                Some(v) => Condition::any().add(col.is_null()).add(v.clone().not()),
                None => Condition::all().add(col.is_null()),
            })
        }
        Some(false) => cond = cond.add(col.is_not_null()),
        None => {}
    }
    if names_something && let Some(v) = visible {
        cond = cond.add(v);
    }
    Ok(cond)
}

/// `col IN (ids)` with the ids written into the statement: they are integers decoded from
/// ids, so nothing needs quoting, and a filter's lists of ids cost no bound parameter each
/// (SQLite and PostgreSQL cap the parameters of a statement).
fn ids_in<C: ColumnTrait>(col: C, ids: &[i64]) -> Condition {
    use sea_orm::sea_query::Expr;
    if ids.is_empty() {
        return Condition::all().add(Expr::cust("1 = 0"));
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    Condition::all().add(Expr::cust(format!(
        "\"{}\".\"{}\" IN ({})",
        col.entity_name(),
        col.as_str(),
        list.join(", ")
    )))
}

/// A time filter over `col`.
pub fn time<C: ColumnTrait>(col: C, f: &Option<DateTimeFilter>) -> Condition {
    let mut cond = Condition::all();
    let Some(f) = f else { return cond };
    if let Some(v) = f.gt {
        cond = cond.add(col.gt(v));
    }
    if let Some(v) = f.gte {
        cond = cond.add(col.gte(v));
    }
    if let Some(v) = f.lt {
        cond = cond.add(col.lt(v));
    }
    if let Some(v) = f.lte {
        cond = cond.add(col.lte(v));
    }
    cond
}

/// A boolean filter over `col`.
pub fn boolean<C: ColumnTrait>(col: C, f: &Option<BooleanFilter>) -> Condition {
    match f.as_ref().and_then(|f| f.eq) {
        Some(v) => Condition::all().add(col.eq(v)),
        None => Condition::all(),
    }
}

/// A `where:` input: its own fields ANDed, plus any `or` alternatives.
pub trait WhereInput: std::fmt::Debug {
    /// The condition of this input's own fields (without `or`), for `caller` (whose
    /// visibility guards filters on references).
    fn fields(&self, caller: &Caller) -> Result<Condition>;
    /// The `or` alternatives.
    fn alternatives(&self) -> Option<&[Self]>
    where
        Self: Sized;

    /// The condition of the whole input, bounded before anything reaches the database: at most
    /// [`MAX_NESTING`] levels of `or`, [`MAX_BRANCHES`] inputs in all, [`MAX_VALUES`] bound
    /// values.
    fn condition(&self, caller: &Caller) -> Result<Condition>
    where
        Self: Sized,
    {
        let branches = self.branches(0)?;
        if branches > MAX_BRANCHES {
            return Err(Error::LimitExceeded(
                Text::key("filter-branches-max")
                    .arg("count", branches)
                    .arg("max", MAX_BRANCHES),
            ));
        }
        let cond = self.condition_at(0, caller)?;
        let values = bound_values(&cond);
        if values > MAX_VALUES {
            return Err(Error::LimitExceeded(
                Text::key("filter-values-max")
                    .arg("count", values)
                    .arg("max", MAX_VALUES),
            ));
        }
        Ok(cond)
    }

    /// This input and all its alternatives, counted; refuses nesting past [`MAX_NESTING`].
    fn branches(&self, depth: usize) -> Result<usize>
    where
        Self: Sized,
    {
        if depth > MAX_NESTING {
            return Err(Error::LimitExceeded(
                Text::key("filter-nesting-max").arg("max", MAX_NESTING),
            ));
        }
        let mut n = 1;
        for alt in self.alternatives().unwrap_or_default() {
            n += alt.branches(depth + 1)?;
            if n > MAX_BRANCHES {
                // Enough to refuse; the rest need not be counted.
                break;
            }
        }
        Ok(n)
    }

    fn condition_at(&self, depth: usize, caller: &Caller) -> Result<Condition>
    where
        Self: Sized,
    {
        if depth > MAX_NESTING {
            return Err(Error::LimitExceeded(
                Text::key("filter-nesting-max").arg("max", MAX_NESTING),
            ));
        }
        let mut cond = self.fields(caller)?;
        if let Some(alts) = self.alternatives() {
            check_in_len("or", alts)?;
            let mut any = Condition::any();
            for alt in alts {
                any = any.add(alt.condition_at(depth + 1, caller)?);
            }
            if !alts.is_empty() {
                cond = cond.add(any);
            }
        }
        Ok(cond)
    }
}

/// The values a condition binds to its statement, as the database would receive them.
fn bound_values(cond: &Condition) -> usize {
    use sea_orm::sea_query::{Expr, Query, SqliteQueryBuilder};
    let (_, values) = Query::select()
        .expr(Expr::val(1))
        .cond_where(cond.clone())
        .build(SqliteQueryBuilder);
    values.0.len()
}

/// A type's sort field enum: names a column of entity `E`.
pub trait OrderField<E: sea_orm::EntityTrait>: Copy + std::fmt::Debug {
    fn column(self) -> E::Column;
}

#[cfg(test)]
mod tests {
    use super::like_literal;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_literal("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
