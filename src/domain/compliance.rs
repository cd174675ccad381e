//! Compliance checks over the sharing graph: things the catalogue records that the decree says
//! should not happen, or should be documented.

pub use entity::enums::IssueKind;
use sea_orm::{ConnectionTrait, DatabaseBackend, Value};

use super::sql::{id_list, ids_value, statement};
use super::today;
use crate::access::Caller;
use crate::access::visibility::{Reach, issue_reach};
use crate::error::Result;

/// One issue; `subject` is a derivation for flows and a data service for services.
#[derive(Debug, Clone)]
pub struct Issue {
    pub kind: IssueKind,
    pub subject: i64,
    /// The organization that should act: the derived item's owner, or the service's provider.
    pub organization: i64,
}

/// Filters of an issue listing.
#[derive(Debug, Clone, Default)]
pub struct IssueFilter {
    pub kinds: Option<Vec<IssueKind>>,
    pub organization: Option<i64>,
    /// With `organization`: it and every organization below it.
    pub include_descendants: bool,
}

fn union_sql(
    db_backend: DatabaseBackend,
    caller: &Caller,
    filter: &IssueFilter,
) -> (String, Vec<Value>) {
    let reach = issue_reach(caller);
    let kinds = filter
        .kinds
        .clone()
        .unwrap_or_else(|| IssueKind::ALL.to_vec());
    let mut parts = Vec::new();
    let mut values = Vec::new();
    for kind in IssueKind::ALL.into_iter().filter(|k| kinds.contains(k)) {
        let (sql, org_col) = match kind {
            IssueKind::UndocumentedFlow => (
                "SELECT 'UNDOCUMENTED_FLOW' AS kind, d.id AS subject, t.owner_id AS org
                 FROM derivations d
                 JOIN data_items s ON s.id = d.source_item_id
                 JOIN data_items t ON t.id = d.derived_item_id
                 WHERE s.owner_id <> t.owner_id
                 AND NOT EXISTS (
                    SELECT 1 FROM shares sh WHERE sh.data_item_id = s.id AND sh.consumer_id = t.owner_id
                    AND sh.status = 'ACTIVE' AND (sh.valid_until IS NULL OR sh.valid_until >= ?))",
                "t.owner_id",
            ),
            IssueKind::EmptyPublishedService => (
                "SELECT 'EMPTY_PUBLISHED_SERVICE' AS kind, ds.id AS subject, ds.provider_id AS org
                 FROM data_services ds
                 WHERE ds.status = 'PUBLISHED'
                 AND NOT EXISTS (SELECT 1 FROM data_service_items l WHERE l.service_id = ds.id)",
                "ds.provider_id",
            ),
        };
        if kind == IssueKind::UndocumentedFlow {
            values.push(Value::from(today()));
        }
        let mut part = sql.to_owned();
        if let Some(org) = filter.organization {
            if filter.include_descendants {
                part.push_str(&format!(
                    " AND {org_col} IN ({})",
                    crate::store::hierarchy::subtree_select("?")
                ));
            } else {
                part.push_str(&format!(" AND {org_col} = ?"));
            }
            values.push(Value::from(org));
        }
        match &reach {
            Reach::All => {}
            Reach::Organizations(orgs) => {
                part.push_str(&format!(" AND {org_col} IN ({})", id_list(db_backend)));
                values.push(ids_value(orgs));
            }
            Reach::Nothing => part.push_str(" AND 1 = 0"),
        }
        parts.push(part);
    }
    if parts.is_empty() {
        parts.push("SELECT 'NONE' AS kind, 0 AS subject, 0 AS org WHERE 1 = 0".to_owned());
    }
    (parts.join(" UNION ALL "), values)
}

/// Counts the issues matching a filter.
pub async fn count(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: &IssueFilter,
) -> Result<u64> {
    let (union, values) = union_sql(db.get_database_backend(), caller, filter);
    let sql = format!("SELECT COUNT(*) FROM ({union}) issues");
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// One page of issues, ordered by kind then subject.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: &IssueFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Issue>> {
    let (union, mut values) = union_sql(db.get_database_backend(), caller, filter);
    let sql = format!(
        "SELECT kind, subject, org FROM ({union}) issues ORDER BY kind, subject LIMIT ? OFFSET ?"
    );
    values.push(Value::from(limit as i64));
    values.push(Value::from(offset as i64));
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|r| {
            let tag: String = r.try_get_by_index(0)?;
            let kind = IssueKind::ALL
                .into_iter()
                .find(|k| k.tag() == tag)
                .unwrap_or(IssueKind::UndocumentedFlow);
            Ok(Issue {
                kind,
                subject: r.try_get_by_index(1)?,
                organization: r.try_get_by_index(2)?,
            })
        })
        .collect()
}
