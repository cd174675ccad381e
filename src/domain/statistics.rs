//! What a dashboard's cards show about an organization (or a district with everything below
//! it), in one read: each figure is one grouped statement over the rows the caller may see,
//! whatever the size of the subtree.

use std::collections::BTreeMap;

use chrono::Months;
use entity::enums::{
    ConsumerType, DatabaseKind, DatabaseStatus, RequestStatus, ServiceStatus, ShareStatus,
    SharingMode,
};
use entity::{
    data_item, data_service, database, open_dataset, quality_assessment, share, sharing_request,
};
use sea_orm::{ConnectionTrait, Value};
use serde::de::DeserializeOwned;

use super::compliance::{self, IssueFilter};
use super::release::OPEN_DATA_REFRESH_MONTHS;
use super::sql::statement;
use super::today;
use crate::access::Caller;
use crate::access::visibility::{Visible, visible_rows_sql};
use crate::error::Result;
use crate::store::hierarchy::subtree_select;

/// Whose figures: one organization, or it and every organization below it.
#[derive(Debug, Clone, Copy)]
pub struct Of {
    pub organization: i64,
    pub include_descendants: bool,
}

impl Of {
    /// `column IN (the organizations counted)`, with its one bound value.
    fn sql(self, column: &str) -> (String, Value) {
        let cond = if self.include_descendants {
            format!("{column} IN ({})", subtree_select("?"))
        } else {
            format!("{column} = ?")
        };
        (cond, Value::from(self.organization))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Statistics {
    /// Organizations counted: 1, or the size of the subtree.
    pub organizations: u64,
    pub databases_by_kind: Vec<(DatabaseKind, u64)>,
    pub databases_by_status: Vec<(DatabaseStatus, u64)>,
    pub items: ItemFigures,
    /// Items by the mode each consumer type gets them in (one count per policy).
    pub items_by_mode: Vec<(ConsumerType, SharingMode, u64)>,
    pub services_by_status: Vec<(ServiceStatus, u64)>,
    pub shares_provided: ShareFigures,
    pub shares_received: ShareFigures,
    pub open_datasets: OpenDataFigures,
    pub requests: RequestFigures,
    pub quality: QualityFigures,
    pub compliance_issues: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ItemFigures {
    pub total: u64,
    pub personal_data: u64,
    pub master_data: u64,
    pub shared_code_lists: u64,
    /// Shared with no one: seen by their organization and admins only.
    pub internal_only: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ShareFigures {
    pub by_mode: Vec<(SharingMode, u64)>,
    /// As clients see it: `EXPIRED` for an active share past its validity.
    pub by_status: Vec<(ShareStatus, u64)>,
}

#[derive(Debug, Clone, Default)]
pub struct OpenDataFigures {
    pub published: u64,
    pub drafts: u64,
    /// Published, and not refreshed within three months.
    pub stale: u64,
}

#[derive(Debug, Clone, Default)]
pub struct RequestFigures {
    /// Received and waiting for an answer.
    pub open: u64,
    /// Waiting past their due date.
    pub overdue: u64,
    pub answered_on_time: u64,
    pub answered_late: u64,
}

#[derive(Debug, Clone, Default)]
pub struct QualityFigures {
    pub assessments: u64,
    /// Mean overall score of the assessments, `None` without any.
    pub mean_overall: Option<f64>,
}

/// Rows of `sql` as (text keys..., count).
async fn grouped(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    keys: usize,
) -> Result<Vec<(Vec<String>, u64)>> {
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|r| {
            let k = (0..keys)
                .map(|i| r.try_get_by_index::<String>(i))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let n = r.try_get_by_index::<i64>(keys)?;
            Ok((k, n as u64))
        })
        .collect()
}

/// An enum from its stored name (every name stored came from the enum).
fn parse<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

fn by_one<T: DeserializeOwned>(rows: Vec<(Vec<String>, u64)>) -> Vec<(T, u64)> {
    rows.into_iter()
        .filter_map(|(k, n)| Some((parse(&k[0])?, n)))
        .collect()
}

/// `(SELECT * FROM <E> WHERE <visible to caller>) alias`.
fn visible<E: Visible>(caller: &Caller, db: &impl ConnectionTrait, alias: &str) -> String {
    format!(
        "({}) {alias}",
        visible_rows_sql::<E>(caller, db.get_database_backend())
    )
}

/// The dashboard figures of `of`, as `caller` may see them.
pub async fn statistics(db: &impl ConnectionTrait, caller: &Caller, of: Of) -> Result<Statistics> {
    let mut st = Statistics::default();
    let day = today();

    let (in_of, root) = of.sql("o.id");
    st.organizations = grouped(
        db,
        &format!("SELECT 'all', COUNT(*) FROM organizations o WHERE {in_of}"),
        vec![root],
        1,
    )
    .await?
    .first()
    .map_or(0, |(_, n)| *n);

    let (owned, root) = of.sql("d.owner_id");
    let rows = grouped(
        db,
        &format!(
            "SELECT d.kind, d.status, COUNT(*) FROM {} WHERE {owned} GROUP BY d.kind, d.status",
            visible::<database::Entity>(caller, db, "d")
        ),
        vec![root],
        2,
    )
    .await?;
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    for (k, n) in rows {
        *kinds.entry(k[0].clone()).or_default() += n;
        *statuses.entry(k[1].clone()).or_default() += n;
    }
    st.databases_by_kind = by_one(kinds.into_iter().map(|(k, n)| (vec![k], n)).collect());
    st.databases_by_status = by_one(statuses.into_iter().map(|(k, n)| (vec![k], n)).collect());

    let (owned, root) = of.sql("i.owner_id");
    let flag = |col: &str| format!("SUM(CASE WHEN i.{col} THEN 1 ELSE 0 END)");
    let sql = format!(
        "SELECT COUNT(*), {}, {}, {}, SUM(CASE WHEN i.published THEN 0 ELSE 1 END)
         FROM {} WHERE {owned}",
        flag("is_personal_data"),
        flag("is_master_data"),
        flag("is_shared_code_list"),
        visible::<data_item::Entity>(caller, db, "i")
    );
    if let Some(r) = db
        .query_one_raw(statement(db.get_database_backend(), &sql, vec![root]))
        .await?
    {
        let n = |i: usize| {
            r.try_get_by_index::<Option<i64>>(i)
                .map(|v| v.unwrap_or(0) as u64)
        };
        st.items = ItemFigures {
            total: n(0)?,
            personal_data: n(1)?,
            master_data: n(2)?,
            shared_code_lists: n(3)?,
            internal_only: n(4)?,
        };
    }

    let (owned, root) = of.sql("i.owner_id");
    st.items_by_mode = grouped(
        db,
        &format!(
            "SELECT p.consumer_type, p.mode, COUNT(*) FROM sharing_policies p
             JOIN {} ON i.id = p.data_item_id
             WHERE {owned} GROUP BY p.consumer_type, p.mode",
            visible::<data_item::Entity>(caller, db, "i")
        ),
        vec![root],
        2,
    )
    .await?
    .into_iter()
    .filter_map(|(k, n)| Some((parse(&k[0])?, parse(&k[1])?, n)))
    .collect();

    let (owned, root) = of.sql("s.provider_id");
    st.services_by_status = by_one(
        grouped(
            db,
            &format!(
                "SELECT s.status, COUNT(*) FROM {} WHERE {owned} GROUP BY s.status",
                visible::<data_service::Entity>(caller, db, "s")
            ),
            vec![root],
            1,
        )
        .await?,
    );

    for (side, column) in [("provided", "s.provider_id"), ("received", "s.consumer_id")] {
        let (party, root) = of.sql(column);
        let rows = grouped(
            db,
            &format!(
                "SELECT s.mode,
                        CASE WHEN s.status = 'ACTIVE' AND s.valid_until < ? THEN 'EXPIRED' ELSE s.status END,
                        COUNT(*)
                 FROM {} WHERE {party} GROUP BY 1, 2",
                visible::<share::Entity>(caller, db, "s")
            ),
            vec![Value::from(day), root],
            2,
        )
        .await?;
        let mut modes: BTreeMap<String, u64> = BTreeMap::new();
        let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
        for (k, n) in rows {
            *modes.entry(k[0].clone()).or_default() += n;
            *statuses.entry(k[1].clone()).or_default() += n;
        }
        let figures = ShareFigures {
            by_mode: by_one(modes.into_iter().map(|(k, n)| (vec![k], n)).collect()),
            by_status: by_one(statuses.into_iter().map(|(k, n)| (vec![k], n)).collect()),
        };
        match side {
            "provided" => st.shares_provided = figures,
            _ => st.shares_received = figures,
        }
    }

    let (owned, root) = of.sql("d.organization_id");
    let stale_before = day - Months::new(OPEN_DATA_REFRESH_MONTHS);
    let rows = grouped(
        db,
        &format!(
            "SELECT CASE WHEN d.published_on IS NULL THEN 'draft'
                         WHEN (CASE WHEN d.refreshed_on IS NULL OR d.refreshed_on < d.published_on THEN d.published_on ELSE d.refreshed_on END) < ? THEN 'stale'
                         ELSE 'fresh' END,
                    COUNT(*)
             FROM {} WHERE {owned} GROUP BY 1",
            visible::<open_dataset::Entity>(caller, db, "d")
        ),
        vec![Value::from(stale_before), root],
        1,
    )
    .await?;
    for (k, n) in rows {
        match k[0].as_str() {
            "draft" => st.open_datasets.drafts += n,
            "stale" => {
                st.open_datasets.stale += n;
                st.open_datasets.published += n;
            }
            _ => st.open_datasets.published += n,
        }
    }

    // Requests received: answered on time means decided (approved or rejected) on or before
    // the due day, in Vietnam's calendar; the day is compared in Rust so that both databases
    // agree on time zones.
    let (owned, root) = of.sql("r.provider_id");
    let sql = format!(
        "SELECT r.status, r.due_on, r.decided_at FROM {} WHERE {owned} AND r.status IN (?, ?, ?)",
        visible::<sharing_request::Entity>(caller, db, "r")
    );
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            &sql,
            vec![
                root,
                Value::from(super::text::enum_name(&RequestStatus::Submitted)),
                Value::from(super::text::enum_name(&RequestStatus::Approved)),
                Value::from(super::text::enum_name(&RequestStatus::Rejected)),
            ],
        ))
        .await?;
    for r in rows {
        let status: String = r.try_get_by_index(0)?;
        let due: Option<chrono::NaiveDate> = r.try_get_by_index(1)?;
        let decided: Option<chrono::DateTime<chrono::Utc>> = r.try_get_by_index(2)?;
        let decided_day = decided.map(|t| (t + chrono::Duration::hours(7)).date_naive());
        match (status.as_str(), decided_day, due) {
            ("SUBMITTED", _, Some(due)) if due < day => {
                st.requests.open += 1;
                st.requests.overdue += 1;
            }
            ("SUBMITTED", _, _) => st.requests.open += 1,
            (_, Some(on), Some(due)) if on > due => st.requests.answered_late += 1,
            _ => st.requests.answered_on_time += 1,
        }
    }

    let (owned, root) = of.sql("q.organization_id");
    let sql = format!(
        "SELECT COUNT(*), AVG(CAST(q.overall AS DOUBLE PRECISION)) FROM {} WHERE {owned}",
        visible::<quality_assessment::Entity>(caller, db, "q")
    );
    if let Some(r) = db
        .query_one_raw(statement(db.get_database_backend(), &sql, vec![root]))
        .await?
    {
        st.quality = QualityFigures {
            assessments: r.try_get_by_index::<i64>(0)? as u64,
            mean_overall: r
                .try_get_by_index::<Option<f64>>(1)?
                .map(|m| (m * 10.0).round() / 10.0),
        };
    }

    st.compliance_issues = compliance::count(
        db,
        caller,
        &IssueFilter {
            kinds: None,
            organization: Some(of.organization),
            include_descendants: of.include_descendants,
        },
    )
    .await?;
    Ok(st)
}
