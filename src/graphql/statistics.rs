//! `Organization.statistics`: the figures a dashboard's cards show, in one field.

use async_graphql::SimpleObject;
use entity::enums::{
    ConsumerType, DatabaseKind, DatabaseStatus, ServiceStatus, ShareStatus, SharingMode,
};

use crate::domain::statistics as figures;

/// A count of rows with one enum value.
#[derive(SimpleObject)]
#[graphql(concrete(name = "DatabaseKindCount", params(DatabaseKind)))]
#[graphql(concrete(name = "DatabaseStatusCount", params(DatabaseStatus)))]
#[graphql(concrete(name = "ServiceStatusCount", params(ServiceStatus)))]
#[graphql(concrete(name = "SharingModeCount", params(SharingMode)))]
#[graphql(concrete(name = "ShareStatusCount", params(ShareStatus)))]
pub struct ValueCount<T: async_graphql::OutputType> {
    /// The value counted.
    pub value: T,
    /// How many rows have it.
    pub count: i64,
}

fn counts<T: async_graphql::OutputType + Copy>(rows: &[(T, u64)]) -> Vec<ValueCount<T>> {
    rows.iter()
        .map(|(value, n)| ValueCount {
            value: *value,
            count: *n as i64,
        })
        .collect()
}

/// Policies in one mode for one kind of consumer.
#[derive(SimpleObject)]
pub struct ModeCount {
    /// The kind of consumer.
    pub consumer_type: ConsumerType,
    /// The sharing mode.
    pub mode: SharingMode,
    /// Data items shared with this kind of consumer in this mode.
    pub count: i64,
}

/// Databases of the organizations counted.
#[derive(SimpleObject)]
pub struct DatabaseFigures {
    /// Databases counted.
    pub total: i64,
    /// Per kind of database.
    pub by_kind: Vec<ValueCount<DatabaseKind>>,
    /// Per status.
    pub by_status: Vec<ValueCount<DatabaseStatus>>,
}

/// Data items of the organizations counted.
#[derive(SimpleObject)]
pub struct ItemFigures {
    /// Data items counted.
    pub total: i64,
    /// Items holding personal data (dữ liệu cá nhân).
    pub personal_data: i64,
    /// Master data (dữ liệu chủ).
    pub master_data: i64,
    /// Shared code lists (dữ liệu danh mục dùng chung).
    pub shared_code_lists: i64,
    /// Items shared with no one (seen by their organization and admins only).
    pub internal_only: i64,
    /// Per consumer type, the items shared with it in each mode.
    pub by_mode: Vec<ModeCount>,
}

/// Data-sharing services of the organizations counted.
#[derive(SimpleObject)]
pub struct ServiceFigures {
    /// Services counted.
    pub total: i64,
    /// Per status.
    pub by_status: Vec<ValueCount<ServiceStatus>>,
}

/// Shares on one side (provided or received).
#[derive(SimpleObject)]
pub struct ShareFigures {
    /// Shares counted.
    pub total: i64,
    /// Per sharing mode.
    pub by_mode: Vec<ValueCount<SharingMode>>,
    /// As clients see it: `EXPIRED` for an active share past its `validUntil`.
    pub by_status: Vec<ValueCount<ShareStatus>>,
}

/// Open datasets of the organizations counted.
#[derive(SimpleObject)]
pub struct OpenDataFigures {
    /// Published datasets.
    pub published: i64,
    /// Datasets not yet published.
    pub drafts: i64,
    /// Published and not refreshed within three months.
    pub stale: i64,
}

/// Sharing requests the organizations counted received.
#[derive(SimpleObject)]
pub struct RequestFigures {
    /// Waiting for an answer.
    pub open: i64,
    /// Waiting past their due date.
    pub overdue: i64,
    /// Answered by their due date.
    pub answered_on_time: i64,
    /// Answered after their due date.
    pub answered_late: i64,
}

/// Data quality assessments of the organizations counted.
#[derive(SimpleObject)]
pub struct QualityFigures {
    /// Assessments recorded.
    pub assessments: i64,
    /// Mean overall score (0–100), `null` without assessments.
    pub mean_overall: Option<f64>,
}

/// What a dashboard's cards show about an organization, or about it and every organization
/// below it (`includeDescendants`): counted over the rows the caller may see, so the public
/// gets the published catalogue's figures.
#[derive(SimpleObject)]
pub struct OrganizationStatistics {
    /// Organizations counted: 1, or the size of the subtree.
    pub organizations: i64,
    /// Their databases.
    pub databases: DatabaseFigures,
    /// Their data items.
    pub items: ItemFigures,
    /// Their data-sharing services.
    pub services: ServiceFigures,
    /// Shares of their data with others.
    pub shares_provided: ShareFigures,
    /// Shares of others' data with them.
    pub shares_received: ShareFigures,
    /// Their open datasets.
    pub open_datasets: OpenDataFigures,
    /// Sharing requests they received.
    pub requests: RequestFigures,
    /// Their data quality assessments.
    pub quality: QualityFigures,
    /// Open compliance issues for these organizations to act on (for their members and admins;
    /// 0 for everyone else).
    pub compliance_issues: i64,
}

fn sum<T>(rows: &[(T, u64)]) -> i64 {
    rows.iter().map(|(_, n)| *n as i64).sum()
}

fn shares(f: &figures::ShareFigures) -> ShareFigures {
    ShareFigures {
        total: sum(&f.by_mode),
        by_mode: counts(&f.by_mode),
        by_status: counts(&f.by_status),
    }
}

impl From<figures::Statistics> for OrganizationStatistics {
    fn from(s: figures::Statistics) -> Self {
        Self {
            organizations: s.organizations as i64,
            databases: DatabaseFigures {
                total: sum(&s.databases_by_kind),
                by_kind: counts(&s.databases_by_kind),
                by_status: counts(&s.databases_by_status),
            },
            items: ItemFigures {
                total: s.items.total as i64,
                personal_data: s.items.personal_data as i64,
                master_data: s.items.master_data as i64,
                shared_code_lists: s.items.shared_code_lists as i64,
                internal_only: s.items.internal_only as i64,
                by_mode: s
                    .items_by_mode
                    .iter()
                    .map(|(consumer_type, mode, n)| ModeCount {
                        consumer_type: *consumer_type,
                        mode: *mode,
                        count: *n as i64,
                    })
                    .collect(),
            },
            services: ServiceFigures {
                total: sum(&s.services_by_status),
                by_status: counts(&s.services_by_status),
            },
            shares_provided: shares(&s.shares_provided),
            shares_received: shares(&s.shares_received),
            open_datasets: OpenDataFigures {
                published: s.open_datasets.published as i64,
                drafts: s.open_datasets.drafts as i64,
                stale: s.open_datasets.stale as i64,
            },
            requests: RequestFigures {
                open: s.requests.open as i64,
                overdue: s.requests.overdue as i64,
                answered_on_time: s.requests.answered_on_time as i64,
                answered_late: s.requests.answered_late as i64,
            },
            quality: QualityFigures {
                assessments: s.quality.assessments as i64,
                mean_overall: s.quality.mean_overall,
            },
            compliance_issues: s.compliance_issues as i64,
        }
    }
}
