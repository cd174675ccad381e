//! Data quality assessments (Decree 47/2020 Art. 9): six scores from 0 to 100, the Art. 9 checks
//! (organised for sharing, uses the shared code lists, consistent with master data), findings,
//! a remediation plan and when to assess again. The owner of what was assessed keeps them.

use chrono::NaiveDate;
use entity::quality_assessment::{ActiveModel, Column, Entity, Model};
use entity::{data_item, database};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, Set};

use super::{Record, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// What was assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    DataItem(i64),
    Database(i64),
}

#[derive(Debug, Clone)]
pub struct Fields {
    pub subject: Subject,
    pub assessed_on: NaiveDate,
    pub assessor: String,
    /// Completeness, accuracy, consistency, timeliness, validity, uniqueness.
    pub scores: [i32; 6],
    pub organised_for_sharing: bool,
    pub uses_shared_code_lists: bool,
    pub consistent_with_master_data: bool,
    pub findings: Option<String>,
    pub remediation_plan: Option<String>,
    pub next_due: Option<NaiveDate>,
}

pub const SCORE_NAMES: [&str; 6] = [
    "completeness",
    "accuracy",
    "consistency",
    "timeliness",
    "validity",
    "uniqueness",
];

/// Fields with what validation derives: the owner of the subject.
pub struct Valid {
    fields: Fields,
    organization_id: i64,
}

pub struct QualityAssessment;

impl Record for QualityAssessment {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Valid;
    const NAME: &'static str = "QualityAssessment";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.organization_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            subject: match (m.data_item_id, m.database_id) {
                (Some(i), _) => Subject::DataItem(i),
                (None, Some(d)) => Subject::Database(d),
                (None, None) => unreachable!("an assessment has a subject"),
            },
            assessed_on: m.assessed_on,
            assessor: m.assessor.clone(),
            scores: [
                m.completeness,
                m.accuracy,
                m.consistency,
                m.timeliness,
                m.validity,
                m.uniqueness,
            ]
            .map(i32::from),
            organised_for_sharing: m.organised_for_sharing,
            uses_shared_code_lists: m.uses_shared_code_lists,
            consistent_with_master_data: m.consistent_with_master_data,
            findings: m.findings.clone(),
            remediation_plan: m.remediation_plan.clone(),
            next_due: m.next_due,
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Valid> {
        let f = Fields {
            assessor: text::required("input.assessor", &f.assessor, text::MAX_NAME)?,
            findings: text::optional("input.findings", f.findings.as_deref(), text::MAX_TEXT)?,
            remediation_plan: text::optional(
                "input.remediationPlan",
                f.remediation_plan.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        for (name, score) in SCORE_NAMES.iter().zip(f.scores) {
            if !(0..=100).contains(&score) {
                return Err(Error::bad_input(
                    format!("input.{name}"),
                    Text::key("score-range").arg("field", name),
                ));
            }
        }
        if let Some(next) = f.next_due
            && next <= f.assessed_on
        {
            return Err(Error::bad_input(
                "input.nextDue",
                Text::key("assessment-next-due"),
            ));
        }
        if let Some(current) = current
            && Self::fields(current).subject != f.subject
        {
            return Err(Error::bad_input(
                "input",
                Text::key("assessment-subject-fixed"),
            ));
        }
        let organization_id = match f.subject {
            Subject::DataItem(id) => {
                require::<data_item::Entity>(txn, caller, "input.dataItemId", id)
                    .await?
                    .owner_id
            }
            Subject::Database(id) => {
                require::<database::Entity>(txn, caller, "input.databaseId", id)
                    .await?
                    .owner_id
            }
        };
        Ok(Valid {
            fields: f,
            organization_id,
        })
    }

    fn assign(
        a: &mut ActiveModel,
        Valid {
            fields: f,
            organization_id,
        }: Valid,
    ) {
        let (item, db) = match f.subject {
            Subject::DataItem(i) => (Some(i), None),
            Subject::Database(d) => (None, Some(d)),
        };
        let [
            completeness,
            accuracy,
            consistency,
            timeliness,
            validity,
            uniqueness,
        ] = f.scores.map(|s| s as i16);
        let overall = (f.scores.iter().sum::<i32>() as f64 / 6.0).round() as i16;
        a.data_item_id = Set(item);
        a.database_id = Set(db);
        a.organization_id = Set(organization_id);
        a.assessed_on = Set(f.assessed_on);
        a.assessor = Set(f.assessor);
        a.completeness = Set(completeness);
        a.accuracy = Set(accuracy);
        a.consistency = Set(consistency);
        a.timeliness = Set(timeliness);
        a.validity = Set(validity);
        a.uniqueness = Set(uniqueness);
        a.overall = Set(overall);
        a.organised_for_sharing = Set(f.organised_for_sharing);
        a.uses_shared_code_lists = Set(f.uses_shared_code_lists);
        a.consistent_with_master_data = Set(f.consistent_with_master_data);
        a.findings = Set(f.findings);
        a.remediation_plan = Set(f.remediation_plan);
        a.next_due = Set(f.next_due);
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        _: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(Vec::new())
    }
}

/// Data items with no assessment at all.
pub fn never_assessed() -> Condition {
    Condition::all().add(Expr::exists(assessments_of_item()).not())
}

/// Data items whose latest assessment scores below `threshold` overall.
pub fn latest_below(threshold: i32) -> Condition {
    let newer = Query::select()
        .expr(Expr::val(1))
        .from_as(Entity, "q2")
        .and_where(Expr::col(("q2", Column::DataItemId)).equals((Entity, Column::DataItemId)))
        .and_where(
            Expr::col(("q2", Column::AssessedOn))
                .gt(Expr::col((Entity, Column::AssessedOn)))
                .or(Expr::col(("q2", Column::AssessedOn))
                    .eq(Expr::col((Entity, Column::AssessedOn)))
                    .and(Expr::col(("q2", Column::Id)).gt(Expr::col((Entity, Column::Id))))),
        )
        .to_owned();
    let mut latest_low = assessments_of_item();
    latest_low
        .and_where(Column::Overall.lt(threshold))
        .and_where(Expr::exists(newer).not());
    Condition::all().add(Expr::exists(latest_low))
}

fn assessments_of_item() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(Entity)
        .and_where(
            Expr::col((Entity, Column::DataItemId))
                .equals((data_item::Entity, data_item::Column::Id)),
        )
        .to_owned()
}
