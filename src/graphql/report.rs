//! `implementationReport`: the periodic report an organization files, computed from the data.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::organization as org_entity;

use super::connection::related;
use super::context::ContextData;
use super::ids::{self, Kind};
use super::organization::Organization;
use crate::domain::report::{self as rules, Period};
use crate::error::Result;

/// The period a report covers: a year, and a quarter or a half of it (neither: the whole year).
#[derive(InputObject)]
pub struct ReportPeriodInput {
    /// The calendar year.
    pub year: i32,
    /// 1 to 4.
    pub quarter: Option<u32>,
    /// 1 (January–June) or 2 (July–December).
    pub half: Option<u32>,
}

/// The period a report covers.
#[derive(SimpleObject)]
pub struct ReportPeriod {
    /// The calendar year.
    pub year: i32,
    /// The quarter (1–4), for a quarterly report.
    pub quarter: Option<u32>,
    /// The half (1–2), for a half-yearly report.
    pub half: Option<u32>,
    /// "Quý IV năm 2026", "6 tháng đầu năm 2026", "Năm 2026".
    pub label: String,
    /// First day of the period.
    pub first_day: NaiveDate,
    /// Last day of the period.
    pub last_day: NaiveDate,
}

/// One number of the report.
#[derive(SimpleObject)]
pub struct ReportLine {
    /// Stable key, e.g. `requests.late`.
    pub key: String,
    /// Vietnamese label, as filed.
    pub label: String,
    /// The figure.
    pub value: f64,
}

/// A numbered section of the report.
#[derive(SimpleObject)]
pub struct ReportSection {
    /// A stable key for the section (e.g. `shares`).
    pub key: String,
    /// The section's title, in the caller's language.
    pub title: String,
    /// The section's figures.
    pub lines: Vec<ReportLine>,
}

pub struct ImplementationReport(rules::Report);

/// An organization's implementation report under Decree 47/2020 (báo cáo tình hình triển
/// khai): databases by kind and status, items by sharing mode, services, shares, requests
/// answered on time or late, agreements, quality, open data and feedback, violations, overdue
/// reviews. Also downloadable as CSV and XLSX (see `csvPath`, `xlsxPath`). A consolidated
/// report (`includeDescendants`) holds the totals of the organization and every organization
/// below it in `sections`, and each one's own report in `agencies`.
#[Object]
impl ImplementationReport {
    /// The organization reported on.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization.id, "Organization").await?,
        ))
    }
    /// The period reported on.
    async fn period(&self) -> ReportPeriod {
        let p = self.0.period;
        let (quarter, half) = match p {
            Period::Quarter { quarter, .. } => (Some(quarter), None),
            Period::Half { half, .. } => (None, Some(half)),
            Period::Year { .. } => (None, None),
        };
        ReportPeriod {
            year: p.year(),
            quarter,
            half,
            label: p.label(),
            first_day: p.days().0,
            last_day: p.last_day(),
        }
    }
    /// When the report was computed.
    async fn generated_at(&self) -> DateTime<Utc> {
        self.0.generated_at
    }
    /// The report's figures, by section.
    async fn sections(&self) -> Vec<ReportSection> {
        self.0
            .sections
            .iter()
            .map(|s| ReportSection {
                key: s.key.to_owned(),
                title: s.title.to_owned(),
                lines: s
                    .lines
                    .iter()
                    .map(|l| ReportLine {
                        key: l.key.clone(),
                        label: l.label.clone(),
                        value: l.value,
                    })
                    .collect(),
            })
            .collect()
    }
    /// Whether this is a consolidated report: `sections` are the totals of `agencies`.
    async fn consolidated(&self) -> bool {
        !self.0.agencies.is_empty()
    }
    /// In a consolidated report, the report of each organization it adds up (the root first,
    /// then by code); empty otherwise.
    async fn agencies(&self) -> Vec<ImplementationReport> {
        self.0
            .agencies
            .iter()
            .cloned()
            .map(ImplementationReport)
            .collect()
    }
    /// The value of one line by its key (e.g. `shares.active`); `null` for an unknown key.
    async fn value(
        &self,
        #[graphql(desc = "The line's key, as `ReportLine.key` gives it.")] key: String,
    ) -> Option<f64> {
        self.0
            .sections
            .iter()
            .flat_map(|s| &s.lines)
            .find(|l| l.key == key)
            .map(|l| l.value)
    }
    /// Where to download this report as CSV (send the same token).
    async fn csv_path(&self) -> String {
        download_path(&self.0, "csv")
    }
    /// Where to download this report as an XLSX workbook (send the same token).
    async fn xlsx_path(&self) -> String {
        download_path(&self.0, "xlsx")
    }
}

fn download_path(r: &rules::Report, ext: &str) -> String {
    let id = ids::encode(Kind::Organization, r.organization.id);
    let part = match r.period {
        Period::Quarter { quarter, .. } => format!("&quarter={quarter}"),
        Period::Half { half, .. } => format!("&half={half}"),
        Period::Year { .. } => String::new(),
    };
    let year = r.period.year();
    let roll_up = if r.agencies.is_empty() {
        ""
    } else {
        "&includeDescendants=true"
    };
    format!(
        "/reports/implementation.{ext}?organizationId={}&year={year}{part}{roll_up}",
        id.as_str()
    )
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The organization's implementation report for a period, for its members and admins.
    /// With `includeDescendants`, the consolidated report of the organization and every
    /// organization below it (a district compiling its agencies' results), for admins and
    /// tokens whose scope covers that subtree.
    async fn implementation_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization reported on.")] organization_id: ID,
        #[graphql(desc = "The year, and a quarter or a half for a shorter period.")]
        period: ReportPeriodInput,
        #[graphql(
            default = false,
            desc = "Also every organization below this one in the hierarchy (its subtree)."
        )]
        include_descendants: bool,
    ) -> Result<ImplementationReport> {
        let org = ids::decode_as("organizationId", &organization_id, Kind::Organization)?;
        let period = Period::new(period.year, period.quarter, period.half)?;
        let db = ctx.db();
        let caller = ctx.caller();
        let cadence = ctx.limits().review_cadence_months;
        let report = if include_descendants {
            rules::consolidated_report(db, caller, org, period, cadence).await?
        } else {
            rules::implementation_report(db, caller, org, period, cadence).await?
        };
        Ok(ImplementationReport(report))
    }
}
