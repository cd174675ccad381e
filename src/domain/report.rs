//! The implementation report (báo cáo tình hình triển khai) an organization files quarterly,
//! half-yearly and yearly under Decree 47/2020: computed from the catalogue, never typed in.
//!
//! A report is sections of lines, each with a stable key (for programs), a Vietnamese label
//! (for the office) and a number; GraphQL, CSV and XLSX all render the same lines.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use entity::enums::{
    DatabaseKind, DatabaseStatus, FeedbackStatus, RequestStatus, ServiceStatus, ShareStatus,
    SharingMode,
};
use entity::{
    access_event, data_item, data_service, database, feedback, open_dataset, organization,
    quality_assessment, share, sharing_agreement, sharing_policy, sharing_request,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::count;
use super::release::{self, OPEN_DATA_REFRESH_MONTHS};
use super::text::enum_name;
use crate::access::Caller;
use crate::access::visibility::{Reach, issue_reach};
use crate::error::{Error, Result};
use crate::i18n::Text;

/// The period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
}

impl Period {
    /// Checks the numbers a client sent: a year, and at most one of quarter (1–4) or half (1–2).
    pub fn new(year: i32, quarter: Option<u32>, half: Option<u32>) -> Result<Self> {
        if !(2000..=2100).contains(&year) {
            return Err(Error::bad_input(
                "period.year",
                Text::key("year-range").arg("field", "period.year"),
            ));
        }
        match (quarter, half) {
            (Some(q), None) if (1..=4).contains(&q) => Ok(Self::Quarter { year, quarter: q }),
            (Some(_), None) => Err(Error::bad_input(
                "period.quarter",
                Text::key("quarter-range"),
            )),
            (None, Some(h)) if (1..=2).contains(&h) => Ok(Self::Half { year, half: h }),
            (None, Some(_)) => Err(Error::bad_input("period.half", Text::key("half-range"))),
            (None, None) => Ok(Self::Year { year }),
            (Some(_), Some(_)) => Err(Error::bad_input("period", Text::key("quarter-or-half"))),
        }
    }

    /// First day and the day after the last.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let (year, first_month, months) = match self {
            Self::Quarter { year, quarter } => (year, 3 * quarter - 2, 3),
            Self::Half { year, half } => (year, 6 * half - 5, 6),
            Self::Year { year } => (year, 1, 12),
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1).expect("a valid month");
        (start, start + Months::new(months))
    }

    pub fn year(self) -> i32 {
        match self {
            Self::Quarter { year, .. } | Self::Half { year, .. } | Self::Year { year } => year,
        }
    }

    /// The last day covered.
    pub fn last_day(self) -> NaiveDate {
        self.days().1 - Duration::days(1)
    }

    /// "Quý IV năm 2026", "6 tháng đầu năm 2026", "Năm 2026".
    pub fn label(self) -> String {
        match self {
            Self::Quarter { year, quarter } => {
                format!(
                    "Quý {} năm {year}",
                    ["I", "II", "III", "IV"][quarter as usize - 1]
                )
            }
            Self::Half { year, half: 1 } => format!("6 tháng đầu năm {year}"),
            Self::Half { year, .. } => format!("6 tháng cuối năm {year}"),
            Self::Year { year } => format!("Năm {year}"),
        }
    }

    /// The period as instants: days are Vietnam's (UTC+7).
    fn instants(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (from, to) = self.days();
        let at =
            |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - Duration::hours(7);
        (at(from), at(to))
    }
}

/// One number of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Stable, e.g. `databases.kind.LOCAL`.
    pub key: String,
    pub label: String,
    pub value: f64,
    /// For a mean: the key (within the section) of the count it is a mean over, which weighs
    /// it when reports are added up.
    #[serde(skip)]
    pub weight: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub organization: organization::Model,
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub sections: Vec<Section>,
    /// In a consolidated report, each organization's own report (the root first); empty
    /// otherwise.
    pub agencies: Vec<Report>,
}

struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    fn section(&mut self, key: &'static str, title: &'static str) {
        self.sections.push(Section {
            key,
            title,
            lines: Vec::new(),
        });
    }
    fn line(&mut self, key: impl Into<String>, label: impl Into<String>, value: impl Into<f64>) {
        let section = self.sections.last_mut().expect("a section is open");
        section.lines.push(Line {
            key: format!("{}.{}", section.key, key.into()),
            label: label.into(),
            value: value.into(),
            weight: None,
        });
    }
    /// A mean over the rows the line `weight` of the same section counts.
    fn mean(&mut self, key: &str, label: &str, value: f64, weight: &'static str) {
        self.line(key, label, value);
        let section = self.sections.last_mut().expect("a section is open");
        if let Some(l) = section.lines.last_mut() {
            l.weight = Some(weight);
        }
    }
}

/// Counts rows of `E` matching `cond`, grouped by the text of `column`.
async fn count_by<E: EntityTrait>(
    db: &impl ConnectionTrait,
    cond: Condition,
    column: E::Column,
) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = E::find()
        .select_only()
        .column(column)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(cond)
        .group_by(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Computes `organization`'s report for `period`, for a caller who reads that organization's
/// working records (its members and admins).
pub async fn implementation_report(
    db: &impl ConnectionTrait,
    caller: &Caller,
    organization: i64,
    period: Period,
    cadence_months: u32,
) -> Result<Report> {
    let reach = issue_reach(caller);
    match reach {
        Reach::All => {}
        Reach::Organizations(ref orgs) if orgs.contains(&organization) => {}
        _ => {
            return Err(Error::Forbidden(Text::key("report-members-only")));
        }
    }
    let org = organization::Entity::find_by_id(organization)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("Organization", organization))?;
    compute(db, org, period, cadence_months).await
}

/// The consolidated report of `organization` and every organization below it (a district
/// compiling its agencies' results): one report per organization of the subtree, ordered by
/// code, and their totals (counts summed; quality means weighted by the number of
/// assessments). Read by admins and by tokens whose scope covers the whole subtree.
pub async fn consolidated_report(
    db: &impl ConnectionTrait,
    caller: &Caller,
    organization: i64,
    period: Period,
    cadence_months: u32,
) -> Result<Report> {
    let members = crate::store::hierarchy::subtree(db, organization).await?;
    if !members.iter().all(|o| caller.acts_for(*o)) {
        return Err(Error::Forbidden(Text::key("report-subtree-only")));
    }
    let mut orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(members))
        .all(db)
        .await?;
    orgs.sort_by(|a, b| (a.id != organization, &a.code).cmp(&(b.id != organization, &b.code)));
    let root = orgs
        .first()
        .filter(|o| o.id == organization)
        .cloned()
        .ok_or_else(|| Error::not_found("Organization", organization))?;
    let mut agencies = Vec::with_capacity(orgs.len());
    for org in orgs {
        agencies.push(compute(db, org, period, cadence_months).await?);
    }
    Ok(Report {
        organization: root,
        period,
        generated_at: Utc::now(),
        sections: totals(&agencies),
        agencies,
    })
}

/// The sections of `reports` added up line by line: counts are summed, a mean is the mean of
/// the means weighted by the line it names.
fn totals(reports: &[Report]) -> Vec<Section> {
    let Some(first) = reports.first() else {
        return Vec::new();
    };
    let value = |r: &Report, key: &str| {
        r.sections
            .iter()
            .flat_map(|s| &s.lines)
            .find(|l| l.key == key)
            .map_or(0.0, |l| l.value)
    };
    first
        .sections
        .iter()
        .map(|s| Section {
            key: s.key,
            title: s.title,
            lines: s
                .lines
                .iter()
                .map(|l| {
                    let total = match l.weight {
                        None => reports.iter().map(|r| value(r, &l.key)).sum(),
                        Some(weight) => {
                            let weight = format!("{}.{weight}", s.key);
                            let n: f64 = reports.iter().map(|r| value(r, &weight)).sum();
                            if n == 0.0 {
                                0.0
                            } else {
                                let sum: f64 = reports
                                    .iter()
                                    .map(|r| value(r, &l.key) * value(r, &weight))
                                    .sum();
                                (sum / n * 10.0).round() / 10.0
                            }
                        }
                    };
                    Line {
                        key: l.key.clone(),
                        label: l.label.clone(),
                        value: total,
                        weight: l.weight,
                    }
                })
                .collect(),
        })
        .collect()
}

/// One organization's report, without the access check: its sections in the order the
/// decree's progress reports list them.
async fn compute(
    db: &impl ConnectionTrait,
    org: organization::Model,
    period: Period,
    cadence_months: u32,
) -> Result<Report> {
    let (from, to) = period.instants();
    let (first_day, end_day) = period.days();
    let s = Scope {
        db,
        organization: org.id,
        from,
        to,
        first_day,
        end_day,
        last_day: period.last_day(),
        cadence_months,
    };
    let mut r = Builder {
        sections: Vec::new(),
    };
    databases(&s, &mut r).await?;
    items(&s, &mut r).await?;
    services(&s, &mut r).await?;
    shares(&s, &mut r).await?;
    requests(&s, &mut r).await?;
    agreements(&s, &mut r).await?;
    quality(&s, &mut r).await?;
    open_data(&s, &mut r).await?;
    control(&s, &mut r).await?;
    overdue(&s, &mut r).await?;
    Ok(Report {
        organization: org,
        period,
        generated_at: Utc::now(),
        sections: r.sections,
        agencies: Vec::new(),
    })
}

/// What every section of a report is computed over: the organization and the period (as
/// instants, `[from, to)`, and as days, `[first_day, end_day)`, `last_day` included).
struct Scope<'a, C> {
    db: &'a C,
    organization: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    first_day: NaiveDate,
    end_day: NaiveDate,
    last_day: NaiveDate,
    cadence_months: u32,
}

impl<C> Scope<'_, C> {
    /// Rows whose `col` falls within the period.
    fn within(&self, col: Expr) -> Condition {
        Condition::all()
            .add(col.clone().gte(self.from))
            .add(col.lt(self.to))
    }
}

/// I. Databases, as they stand.
async fn databases<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization) = (s.db, s.organization);
    r.section("databases", "I. Cơ sở dữ liệu");
    let owned = Condition::all().add(database::Column::OwnerId.eq(organization));
    let by_kind = count_by::<database::Entity>(db, owned.clone(), database::Column::Kind).await?;
    let by_status =
        count_by::<database::Entity>(db, owned.clone(), database::Column::Status).await?;
    r.line(
        "total",
        "Tổng số cơ sở dữ liệu",
        by_kind.values().sum::<i64>() as f64,
    );
    for (kind, label) in [
        (DatabaseKind::National, "CSDL quốc gia"),
        (DatabaseKind::MinistrySector, "CSDL bộ, ngành"),
        (DatabaseKind::Local, "CSDL địa phương"),
        (DatabaseKind::Internal, "CSDL nội bộ"),
    ] {
        let k = enum_name(&kind);
        r.line(
            format!("kind.{k}"),
            label,
            *by_kind.get(&k).unwrap_or(&0) as f64,
        );
    }
    for (status, label) in [
        (DatabaseStatus::Planned, "Đang lập kế hoạch"),
        (DatabaseStatus::Building, "Đang xây dựng"),
        (DatabaseStatus::Operating, "Đang vận hành"),
        (DatabaseStatus::Retired, "Đã dừng vận hành"),
    ] {
        let s = enum_name(&status);
        r.line(
            format!("status.{s}"),
            label,
            *by_status.get(&s).unwrap_or(&0) as f64,
        );
    }
    Ok(())
}

/// Data items by the most open mode they are shared in with anyone.
async fn items<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization) = (s.db, s.organization);
    r.section("items", "II. Dữ liệu và hình thức chia sẻ");
    let items_of = Condition::all().add(data_item::Column::OwnerId.eq(organization));
    r.line(
        "total",
        "Tổng số trường dữ liệu",
        count::<data_item::Entity>(db, items_of.clone()).await? as f64,
    );
    for (mode, label) in [
        (SharingMode::Open, "Trường dữ liệu mở"),
        (SharingMode::Default, "Trường dữ liệu chia sẻ mặc định"),
        (
            SharingMode::OnRequest,
            "Trường dữ liệu chia sẻ theo yêu cầu đặc thù",
        ),
        (SharingMode::NotShared, "Trường dữ liệu không chia sẻ"),
    ] {
        let with_mode = Query::select()
            .column(sharing_policy::Column::DataItemId)
            .from(sharing_policy::Entity)
            .and_where(sharing_policy::Column::Mode.eq(mode))
            .to_owned();
        let n = count::<data_item::Entity>(
            db,
            items_of
                .clone()
                .add(data_item::Column::Id.in_subquery(with_mode)),
        )
        .await?;
        r.line(format!("mode.{}", enum_name(&mode)), label, n as f64);
    }
    Ok(())
}

/// Services.
async fn services<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, first_day, end_day) = (s.db, s.organization, s.first_day, s.end_day);
    r.section("services", "III. Dịch vụ chia sẻ dữ liệu");
    let services = Condition::all().add(data_service::Column::ProviderId.eq(organization));
    let by_status =
        count_by::<data_service::Entity>(db, services.clone(), data_service::Column::Status)
            .await?;
    r.line(
        "published",
        "Dịch vụ đang công bố",
        *by_status
            .get(&enum_name(&ServiceStatus::Published))
            .unwrap_or(&0) as f64,
    );
    r.line(
        "published_in_period",
        "Dịch vụ công bố mới trong kỳ",
        count::<data_service::Entity>(
            db,
            services
                .add(data_service::Column::PublishedOn.gte(first_day))
                .add(data_service::Column::PublishedOn.lt(end_day)),
        )
        .await? as f64,
    );
    Ok(())
}

/// Shares this organization provides.
async fn shares<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, last_day) = (s.db, s.organization, s.last_day);
    r.section("shares", "IV. Chia sẻ dữ liệu");
    let provided = Condition::all().add(share::Column::ProviderId.eq(organization));
    let in_force = provided
        .clone()
        .add(share::Column::Status.eq(ShareStatus::Active))
        .add(
            Condition::any()
                .add(share::Column::ValidUntil.is_null())
                .add(share::Column::ValidUntil.gte(last_day)),
        );
    r.line(
        "active",
        "Chia sẻ đang hiệu lực cuối kỳ",
        count::<share::Entity>(db, in_force).await? as f64,
    );
    r.line(
        "new",
        "Chia sẻ mới trong kỳ",
        count::<share::Entity>(
            db,
            provided
                .clone()
                .add(s.within(Expr::col(share::Column::CreatedAt))),
        )
        .await? as f64,
    );
    r.line(
        "revoked",
        "Chia sẻ bị thu hồi trong kỳ",
        count::<share::Entity>(
            db,
            provided
                .add(share::Column::Status.eq(ShareStatus::Revoked))
                .add(s.within(Expr::col(share::Column::UpdatedAt))),
        )
        .await? as f64,
    );
    Ok(())
}

/// Requests this organization received.
async fn requests<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, last_day) = (s.db, s.organization, s.last_day);
    r.section("requests", "V. Yêu cầu chia sẻ dữ liệu");
    let received = Condition::all()
        .add(sharing_request::Column::ProviderId.eq(organization))
        .add(s.within(Expr::col(sharing_request::Column::SubmittedAt)));
    let requests = sharing_request::Entity::find()
        .filter(received)
        .all(db)
        .await?;
    let answered_by = |rq: &sharing_request::Model| {
        rq.decided_at
            .filter(|_| matches!(rq.status, RequestStatus::Approved | RequestStatus::Rejected))
            .map(|t| (t + Duration::hours(7)).date_naive())
    };
    let (mut on_time, mut late, mut waiting) = (0, 0, 0);
    for rq in &requests {
        match (answered_by(rq), rq.due_on) {
            (Some(day), Some(due)) if day > due => late += 1,
            (Some(_), _) => on_time += 1,
            (None, Some(due)) if rq.status == RequestStatus::Submitted && due < last_day => {
                late += 1
            }
            (None, _) if rq.status == RequestStatus::Submitted => waiting += 1,
            (None, _) => {}
        }
    }
    r.line(
        "received",
        "Yêu cầu nhận được trong kỳ",
        requests.len() as f64,
    );
    r.line("answered_on_time", "Trả lời đúng hạn", on_time as f64);
    r.line(
        "late",
        "Trả lời quá hạn hoặc quá hạn chưa trả lời",
        late as f64,
    );
    r.line("waiting", "Đang chờ xử lý (chưa đến hạn)", waiting as f64);
    r.line(
        "withdrawn",
        "Bên yêu cầu đã rút",
        requests
            .iter()
            .filter(|rq| rq.status == RequestStatus::Withdrawn)
            .count() as f64,
    );
    Ok(())
}

/// Agreements.
async fn agreements<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, first_day, end_day, last_day) =
        (s.db, s.organization, s.first_day, s.end_day, s.last_day);
    r.section("agreements", "VI. Thỏa thuận chia sẻ dữ liệu");
    let parties = Condition::any()
        .add(sharing_agreement::Column::ProviderId.eq(organization))
        .add(sharing_agreement::Column::ConsumerId.eq(organization));
    r.line(
        "signed",
        "Thỏa thuận ký trong kỳ",
        count::<sharing_agreement::Entity>(
            db,
            Condition::all()
                .add(parties.clone())
                .add(sharing_agreement::Column::SignedOn.gte(first_day))
                .add(sharing_agreement::Column::SignedOn.lt(end_day)),
        )
        .await? as f64,
    );
    r.line(
        "in_force",
        "Thỏa thuận còn hiệu lực cuối kỳ",
        count::<sharing_agreement::Entity>(
            db,
            Condition::all()
                .add(parties)
                .add(sharing_agreement::Column::SignedOn.lte(last_day))
                .add(
                    Condition::any()
                        .add(sharing_agreement::Column::ValidUntil.is_null())
                        .add(sharing_agreement::Column::ValidUntil.gte(last_day)),
                ),
        )
        .await? as f64,
    );
    Ok(())
}

/// Quality assessments made in the period.
async fn quality<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, first_day, end_day) = (s.db, s.organization, s.first_day, s.end_day);
    r.section("quality", "VII. Chất lượng dữ liệu");
    let assessed: Vec<quality_assessment::Model> = quality_assessment::Entity::find()
        .filter(quality_assessment::Column::OrganizationId.eq(organization))
        .filter(quality_assessment::Column::AssessedOn.gte(first_day))
        .filter(quality_assessment::Column::AssessedOn.lt(end_day))
        .all(db)
        .await?;
    r.line(
        "assessments",
        "Số lượt đánh giá trong kỳ",
        assessed.len() as f64,
    );
    let mean = |f: fn(&quality_assessment::Model) -> i16| {
        if assessed.is_empty() {
            0.0
        } else {
            let sum: f64 = assessed.iter().map(|a| f64::from(f(a))).sum();
            (sum / assessed.len() as f64 * 10.0).round() / 10.0
        }
    };
    r.mean(
        "overall",
        "Điểm chất lượng bình quân",
        mean(|a| a.overall),
        "assessments",
    );
    r.mean(
        "completeness",
        "Tính đầy đủ bình quân",
        mean(|a| a.completeness),
        "assessments",
    );
    r.mean(
        "accuracy",
        "Tính chính xác bình quân",
        mean(|a| a.accuracy),
        "assessments",
    );
    r.mean(
        "consistency",
        "Tính nhất quán bình quân",
        mean(|a| a.consistency),
        "assessments",
    );
    r.mean(
        "timeliness",
        "Tính kịp thời bình quân",
        mean(|a| a.timeliness),
        "assessments",
    );
    r.mean(
        "validity",
        "Tính hợp lệ bình quân",
        mean(|a| a.validity),
        "assessments",
    );
    r.mean(
        "uniqueness",
        "Tính duy nhất bình quân",
        mean(|a| a.uniqueness),
        "assessments",
    );
    Ok(())
}

/// Open data and feedback.
async fn open_data<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, first_day, last_day) = (s.db, s.organization, s.first_day, s.last_day);
    r.section("open_data", "VIII. Dữ liệu mở và ý kiến phản hồi");
    let datasets = open_dataset::Entity::find()
        .filter(open_dataset::Column::OrganizationId.eq(organization))
        .filter(open_dataset::Column::PublishedOn.lte(last_day))
        .all(db)
        .await?;
    let fresh = datasets
        .iter()
        .filter(|d| {
            Ord::max(d.refreshed_on, d.published_on)
                .is_some_and(|day| day + Months::new(OPEN_DATA_REFRESH_MONTHS) >= last_day)
        })
        .count();
    r.line(
        "datasets",
        "Bộ dữ liệu mở đã công bố",
        datasets.len() as f64,
    );
    r.line(
        "datasets_new",
        "Bộ dữ liệu mở công bố mới trong kỳ",
        datasets
            .iter()
            .filter(|d| d.published_on.is_some_and(|p| p >= first_day))
            .count() as f64,
    );
    r.line(
        "datasets_fresh",
        "Bộ dữ liệu mở được cập nhật đúng hạn",
        fresh as f64,
    );
    r.line(
        "datasets_stale",
        "Bộ dữ liệu mở quá 3 tháng chưa cập nhật",
        (datasets.len() - fresh) as f64,
    );
    let feedback_in_period = Condition::all()
        .add(feedback::Column::OrganizationId.eq(organization))
        .add(s.within(Expr::col(feedback::Column::CreatedAt)));
    let by_status =
        count_by::<feedback::Entity>(db, feedback_in_period, feedback::Column::Status).await?;
    let received: i64 = by_status.values().sum();
    let open: i64 = [
        FeedbackStatus::New,
        FeedbackStatus::UnderReview,
        FeedbackStatus::Planned,
    ]
    .iter()
    .map(|s| *by_status.get(&enum_name(s)).unwrap_or(&0))
    .sum();
    r.line(
        "feedback",
        "Ý kiến phản hồi nhận được trong kỳ",
        received as f64,
    );
    r.line(
        "feedback_answered",
        "Ý kiến đã trả lời",
        (received - open) as f64,
    );
    Ok(())
}

/// Control after sharing.
async fn control<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization) = (s.db, s.organization);
    r.section("usage", "IX. Kiểm soát sau chia sẻ");
    let events = Condition::all()
        .add(access_event::Column::ProviderId.eq(organization))
        .add(s.within(Expr::col(access_event::Column::OccurredAt)));
    r.line(
        "events",
        "Lượt khai thác dữ liệu ghi nhận",
        count::<access_event::Entity>(db, events.clone()).await? as f64,
    );
    r.line(
        "violations",
        "Lượt khai thác vi phạm",
        count::<access_event::Entity>(
            db,
            events.add(access_event::Column::Violation.is_not_null()),
        )
        .await? as f64,
    );
    Ok(())
}

/// Reviews overdue at the end of the period.
async fn overdue<C: ConnectionTrait>(s: &Scope<'_, C>, r: &mut Builder) -> Result<()> {
    let (db, organization, end_day, cadence_months) =
        (s.db, s.organization, s.end_day, s.cadence_months);
    r.section("reviews", "X. Rà soát danh mục");
    let overdue =
        release::overdue(db, &Reach::All, Some(organization), end_day, cadence_months).await?;
    r.line(
        "overdue",
        "Hạng mục quá hạn rà soát, cập nhật cuối kỳ",
        overdue.len() as f64,
    );
    Ok(())
}

/// The report as CSV (with a byte-order mark): a heading block, then one row per line
/// (section, key, label, value); a consolidated report follows its totals with the same table
/// for each organization, each under its name.
pub fn to_csv(report: &Report) -> Vec<u8> {
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let table = |r: &Report| {
        let head = row(&["Mục", "Mã chỉ tiêu", "Chỉ tiêu", "Giá trị"]);
        let lines = r
            .sections
            .iter()
            .flat_map(|s| {
                s.lines.iter().map(move |l| {
                    vec![
                        s.title.to_owned(),
                        l.key.to_owned(),
                        l.label.clone(),
                        l.value.to_string(),
                    ]
                })
            })
            .collect::<Vec<_>>();
        std::iter::once(head).chain(lines)
    };
    let scope = if report.agencies.is_empty() {
        "Cơ quan"
    } else {
        "Tổng hợp toàn đơn vị và các cơ quan trực thuộc"
    };
    let heading = vec![
        row(&[
            "Báo cáo tình hình quản lý, kết nối và chia sẻ dữ liệu",
            "Nghị định 47/2020/NĐ-CP",
        ]),
        row(&[scope, &report.organization.name]),
        row(&["Kỳ báo cáo", &report.period.label()]),
    ];
    let mut rows: Vec<Vec<String>> = heading.into_iter().chain(table(report)).collect();
    for agency in &report.agencies {
        rows.push(Vec::new());
        rows.push(row(&[
            "Cơ quan",
            &agency.organization.name,
            &agency.organization.code,
        ]));
        rows.extend(table(agency));
    }
    super::sheet::csv_rows(rows)
}

/// The report as an XLSX workbook, laid out as an office files it: title, organization and
/// period, then a numbered table per section. A consolidated report has its totals on the
/// first sheet and one sheet per organization, named by its code.
pub fn to_xlsx(report: &Report) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let first = if report.agencies.is_empty() {
        "Báo cáo"
    } else {
        "Tổng hợp"
    };
    write_sheet(book.add_worksheet(), first, report)?;
    for agency in &report.agencies {
        // Sheet names are at most 31 characters and unique; codes are both.
        let name: String = agency.organization.code.chars().take(31).collect();
        write_sheet(book.add_worksheet(), &name, agency)?;
    }
    book.save_to_buffer()
}

fn write_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    name: &str,
    report: &Report,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};
    sheet.set_name(name)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let section = Format::new().set_bold().set_border(FormatBorder::Thin);
    sheet.set_column_width(0, 8)?;
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_column_width(3, 36)?;
    sheet.merge_range(
        0,
        0,
        0,
        3,
        "BÁO CÁO TÌNH HÌNH QUẢN LÝ, KẾT NỐI VÀ CHIA SẺ DỮ LIỆU SỐ",
        &title,
    )?;
    sheet.merge_range(
        1,
        0,
        1,
        3,
        "(theo Nghị định số 47/2020/NĐ-CP)",
        &Format::new().set_align(FormatAlign::Center),
    )?;
    let scope = if report.agencies.is_empty() {
        "Cơ quan:"
    } else {
        "Tổng hợp:"
    };
    sheet.write_with_format(3, 0, scope, &bold)?;
    sheet.write(3, 1, &report.organization.name)?;
    sheet.write_with_format(4, 0, "Kỳ báo cáo:", &bold)?;
    sheet.write(4, 1, report.period.label())?;
    sheet.write_with_format(5, 0, "Ngày lập:", &bold)?;
    sheet.write(
        5,
        1,
        (report.generated_at + Duration::hours(7))
            .format("%d/%m/%Y")
            .to_string(),
    )?;
    let mut row = 7;
    for (i, h) in ["STT", "Chỉ tiêu", "Số liệu", "Mã chỉ tiêu"]
        .iter()
        .enumerate()
    {
        sheet.write_with_format(row, i as u16, *h, &head)?;
    }
    for s in &report.sections {
        row += 1;
        sheet.merge_range(row, 0, row, 3, s.title, &section)?;
        for (n, l) in s.lines.iter().enumerate() {
            row += 1;
            sheet.write_with_format(row, 0, (n + 1) as f64, &cell)?;
            sheet.write_with_format(row, 1, &l.label, &cell)?;
            sheet.write_with_format(row, 2, l.value, &cell)?;
            sheet.write_with_format(row, 3, &l.key, &cell)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_cover_their_days_and_read_in_vietnamese() {
        let q4 = Period::new(2026, Some(4), None).unwrap();
        assert_eq!(
            q4.days(),
            (
                NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
            )
        );
        assert_eq!(q4.label(), "Quý IV năm 2026");
        let h1 = Period::new(2026, None, Some(1)).unwrap();
        assert_eq!(h1.last_day(), NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        assert_eq!(h1.label(), "6 tháng đầu năm 2026");
        assert_eq!(Period::new(2026, None, None).unwrap().label(), "Năm 2026");
        assert!(Period::new(2026, Some(5), None).is_err());
        assert!(Period::new(2026, Some(1), Some(1)).is_err());
        assert!(Period::new(1999, None, None).is_err());
        let (from, _) = q4.instants();
        assert_eq!(from.to_rfc3339(), "2026-09-30T17:00:00+00:00");
    }
}
