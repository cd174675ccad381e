//! `QualityAssessment`: its object, inputs, queries and mutations, and the latest assessment of
//! an item or a database.

use async_graphql::connection::Edge;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::data_item as item_entity;
use entity::database as db_entity;
use entity::quality_assessment::{Column, Entity, Model};

use super::connection::{
    Built, Conn, ListArgs, OrderBy, by_id, list, list_built, order_input, page_cost,
};
use super::context::ContextData;
use super::data_item::DataItem;
use super::database::Database;
use super::filter::{self, DateTimeFilter, IdFilter, OrderField, SortDirection, WhereInput};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::{delete_mutation, find_by_id, patch, patch_opt};
use crate::domain::quality::{self as rules, Subject};
use crate::domain::{self};
use crate::error::{Error, Result};
use crate::i18n::Text;

pub struct QualityAssessment(pub Model);

impl From<Model> for QualityAssessment {
    fn from(m: Model) -> Self {
        Self(m)
    }
}

/// An assessment of a data item's or a database's quality (đánh giá chất lượng dữ liệu,
/// Decree 47/2020 Art. 9). Seen by whoever sees what was assessed; kept by its owner.
#[Object]
impl QualityAssessment {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::QualityAssessment, self.0.id)
    }
    /// The item assessed, when an item was.
    async fn data_item(&self, ctx: &Context<'_>) -> Result<Option<DataItem>> {
        Ok(match self.0.data_item_id {
            Some(id) => by_id::<item_entity::Entity>(ctx, id).await?.map(DataItem),
            None => None,
        })
    }
    /// The database assessed, when a whole database was.
    async fn database(&self, ctx: &Context<'_>) -> Result<Option<Database>> {
        Ok(match self.0.database_id {
            Some(id) => by_id::<db_entity::Entity>(ctx, id).await?.map(Database),
            None => None,
        })
    }
    /// When the assessment was made.
    async fn assessed_on(&self) -> NaiveDate {
        self.0.assessed_on
    }
    /// Who assessed (a person or a unit).
    async fn assessor(&self) -> &str {
        &self.0.assessor
    }
    /// Tính đầy đủ, 0–100.
    async fn completeness(&self) -> i32 {
        self.0.completeness.into()
    }
    /// Tính chính xác, 0–100.
    async fn accuracy(&self) -> i32 {
        self.0.accuracy.into()
    }
    /// Tính nhất quán, 0–100.
    async fn consistency(&self) -> i32 {
        self.0.consistency.into()
    }
    /// Tính kịp thời, 0–100.
    async fn timeliness(&self) -> i32 {
        self.0.timeliness.into()
    }
    /// Tính hợp lệ, 0–100.
    async fn validity(&self) -> i32 {
        self.0.validity.into()
    }
    /// Tính duy nhất, 0–100.
    async fn uniqueness(&self) -> i32 {
        self.0.uniqueness.into()
    }
    /// The mean of the six scores, rounded.
    async fn overall(&self) -> i32 {
        self.0.overall.into()
    }
    /// Organised so that it can be shared (Art. 9).
    async fn organised_for_sharing(&self) -> bool {
        self.0.organised_for_sharing
    }
    /// Uses the shared code lists (danh mục dùng chung, Art. 9).
    async fn uses_shared_code_lists(&self) -> bool {
        self.0.uses_shared_code_lists
    }
    /// Consistent with the master data (dữ liệu chủ, Art. 9).
    async fn consistent_with_master_data(&self) -> bool {
        self.0.consistent_with_master_data
    }
    /// What the assessment found.
    async fn findings(&self) -> Option<&str> {
        self.0.findings.as_deref()
    }
    /// What will be done about it (kế hoạch khắc phục).
    async fn remediation_plan(&self) -> Option<&str> {
        self.0.remediation_plan.as_deref()
    }
    /// When the next assessment is due.
    async fn next_due(&self) -> Option<NaiveDate> {
        self.0.next_due
    }
    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the object was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the object last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Filter for quality assessments.
#[derive(InputObject, Debug, Default)]
pub struct QualityAssessmentWhere {
    /// Filter on the id of `dataItem`: The item assessed, when an item was.
    pub data_item_id: Option<IdFilter>,
    /// Filter on the id of `database`: The database assessed, when a whole database was.
    pub database_id: Option<IdFilter>,
    /// Filter on the id of `organization`: the organization whose data was assessed.
    pub organization_id: Option<IdFilter>,
    /// Overall score strictly below this.
    pub overall_below: Option<i32>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<QualityAssessmentWhere>>,
}

impl WhereInput for QualityAssessmentWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        use sea_orm::ColumnTrait;
        let mut cond = sea_orm::Condition::all()
            .add(filter::reference::<item_entity::Entity, _>(
                "where.dataItemId",
                Column::DataItemId,
                Kind::DataItem,
                &self.data_item_id,
                caller,
            )?)
            .add(filter::id(
                "where.databaseId",
                Column::DatabaseId,
                Kind::Database,
                &self.database_id,
            )?)
            .add(filter::id(
                "where.organizationId",
                Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::time(Column::CreatedAt, &self.created_at));
        if let Some(n) = self.overall_below {
            cond = cond.add(Column::Overall.lt(n));
        }
        Ok(cond)
    }
    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields quality assessments can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityAssessmentOrderField {
    /// By `assessedOn`: when the assessment was made.
    AssessedOn,
    /// By `overall`: the mean of the six scores, rounded.
    Overall,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
}

order_input!(QualityAssessmentOrder, QualityAssessmentOrderField);

impl OrderField<Entity> for QualityAssessmentOrderField {
    fn column(self) -> Column {
        match self {
            Self::AssessedOn => Column::AssessedOn,
            Self::Overall => Column::Overall,
            Self::CreatedAt => Column::CreatedAt,
        }
    }
}

/// The latest assessment hanging on `fk` = `parent`: a one-row page, newest first, batched
/// with its siblings like every other list.
pub async fn latest(
    ctx: &Context<'_>,
    fk: Column,
    parent: i64,
) -> Result<Option<QualityAssessment>> {
    let order = vec![OrderBy {
        field: QualityAssessmentOrderField::AssessedOn,
        direction: SortDirection::Desc,
    }];
    let args =
        ListArgs::<QualityAssessmentWhere, _>::new(None, Some(order), Some(1), None, None, None);
    let conn: Built<QualityAssessment> = list_built(
        ctx,
        Scope::children(fk, parent),
        args,
        QualityAssessmentOrderField::AssessedOn,
    )
    .await?;
    Ok(conn
        .edges
        .into_iter()
        .next()
        .map(|e: Edge<_, QualityAssessment, _>| e.node))
}

#[derive(Default)]
pub struct QualityQuery;

#[Object]
impl QualityQuery {
    /// Assessments of the items and databases the caller sees, newest first by default.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn quality_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<QualityAssessmentWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<QualityAssessmentOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<QualityAssessment>> {
        let order_by = order_by.or_else(|| {
            Some(vec![QualityAssessmentOrder {
                field: QualityAssessmentOrderField::AssessedOn,
                direction: SortDirection::Desc,
            }])
        });
        let args = ListArgs::new(filter, order_by, first, after, last, before);
        list(
            ctx,
            Scope::all(),
            args,
            QualityAssessmentOrderField::AssessedOn,
        )
        .await
    }

    /// One quality assessment by id; `null` when there is none or the caller may not see it.
    async fn quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assessment's global id.")] id: ID,
    ) -> Result<Option<QualityAssessment>> {
        Ok(find_by_id::<Entity>(ctx, &id, Kind::QualityAssessment)
            .await?
            .map(QualityAssessment))
    }
}

/// A new assessment of one data item or one database (name exactly one).
#[derive(InputObject)]
pub struct CreateQualityAssessmentInput {
    /// The id of the item assessed, when an item was.
    pub data_item_id: Option<ID>,
    /// The id of the database assessed, when a whole database was.
    pub database_id: Option<ID>,
    /// When the assessment was made.
    pub assessed_on: NaiveDate,
    /// Who assessed (a person or a unit).
    pub assessor: String,
    /// Tính đầy đủ, 0–100.
    pub completeness: i32,
    /// Tính chính xác, 0–100.
    pub accuracy: i32,
    /// Tính nhất quán, 0–100.
    pub consistency: i32,
    /// Tính kịp thời, 0–100.
    pub timeliness: i32,
    /// Tính hợp lệ, 0–100.
    pub validity: i32,
    /// Tính duy nhất, 0–100.
    pub uniqueness: i32,
    /// Organised so that it can be shared (Art. 9).
    pub organised_for_sharing: bool,
    /// Uses the shared code lists (danh mục dùng chung, Art. 9).
    pub uses_shared_code_lists: bool,
    /// Consistent with the master data (dữ liệu chủ, Art. 9).
    pub consistent_with_master_data: bool,
    /// What the assessment found.
    pub findings: Option<String>,
    /// What will be done about it (kế hoạch khắc phục).
    pub remediation_plan: Option<String>,
    /// When the next assessment is due.
    pub next_due: Option<NaiveDate>,
}

/// Corrections to an assessment; its subject cannot change.
#[derive(InputObject)]
pub struct UpdateQualityAssessmentInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// When the assessment was made.
    pub assessed_on: Option<NaiveDate>,
    /// Who assessed (a person or a unit).
    pub assessor: Option<String>,
    /// Tính đầy đủ, 0–100.
    pub completeness: Option<i32>,
    /// Tính chính xác, 0–100.
    pub accuracy: Option<i32>,
    /// Tính nhất quán, 0–100.
    pub consistency: Option<i32>,
    /// Tính kịp thời, 0–100.
    pub timeliness: Option<i32>,
    /// Tính hợp lệ, 0–100.
    pub validity: Option<i32>,
    /// Tính duy nhất, 0–100.
    pub uniqueness: Option<i32>,
    /// Organised so that it can be shared (Art. 9).
    pub organised_for_sharing: Option<bool>,
    /// Uses the shared code lists (danh mục dùng chung, Art. 9).
    pub uses_shared_code_lists: Option<bool>,
    /// Consistent with the master data (dữ liệu chủ, Art. 9).
    pub consistent_with_master_data: Option<bool>,
    /// What the assessment found.
    pub findings: MaybeUndefined<String>,
    /// What will be done about it (kế hoạch khắc phục).
    pub remediation_plan: MaybeUndefined<String>,
    /// When the next assessment is due.
    pub next_due: MaybeUndefined<NaiveDate>,
}

/// The assessment a mutation wrote.
#[derive(SimpleObject)]
pub struct QualityAssessmentPayload {
    /// The quality assessment as the mutation left it.
    pub quality_assessment: QualityAssessment,
}

#[derive(Default)]
pub struct QualityMutation;

#[Object]
impl QualityMutation {
    /// Records an assessment, as the owner's steward.
    async fn create_quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new object's fields.")] input: CreateQualityAssessmentInput,
    ) -> Result<QualityAssessmentPayload> {
        let subject = match (&input.data_item_id, &input.database_id) {
            (Some(i), None) => {
                Subject::DataItem(ids::decode_as("input.dataItemId", i, Kind::DataItem)?)
            }
            (None, Some(d)) => {
                Subject::Database(ids::decode_as("input.databaseId", d, Kind::Database)?)
            }
            _ => {
                return Err(Error::bad_input(
                    "input.dataItemId",
                    Text::key("assessment-one-subject"),
                ));
            }
        };
        let fields = rules::Fields {
            subject,
            assessed_on: input.assessed_on,
            assessor: input.assessor,
            scores: [
                input.completeness,
                input.accuracy,
                input.consistency,
                input.timeliness,
                input.validity,
                input.uniqueness,
            ],
            organised_for_sharing: input.organised_for_sharing,
            uses_shared_code_lists: input.uses_shared_code_lists,
            consistent_with_master_data: input.consistent_with_master_data,
            findings: input.findings,
            remediation_plan: input.remediation_plan,
            next_due: input.next_due,
        };
        let model =
            domain::create::<rules::QualityAssessment>(ctx.db(), ctx.caller(), fields).await?;
        Ok(QualityAssessmentPayload {
            quality_assessment: QualityAssessment(model),
        })
    }

    /// Changes a quality assessment, as the steward of its organization or an admin.
    async fn update_quality_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which object (`id`), the `version` the change is based on (optional), and the fields to change; omitted fields keep their value."
        )]
        input: UpdateQualityAssessmentInput,
    ) -> Result<QualityAssessmentPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::QualityAssessment)?;
        let scores = [
            input.completeness,
            input.accuracy,
            input.consistency,
            input.timeliness,
            input.validity,
            input.uniqueness,
        ];
        let model = domain::update::<rules::QualityAssessment>(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            |f| {
                patch(&mut f.assessed_on, input.assessed_on);
                patch(&mut f.assessor, input.assessor);
                for (slot, value) in f.scores.iter_mut().zip(scores) {
                    patch(slot, value);
                }
                patch(&mut f.organised_for_sharing, input.organised_for_sharing);
                patch(&mut f.uses_shared_code_lists, input.uses_shared_code_lists);
                patch(
                    &mut f.consistent_with_master_data,
                    input.consistent_with_master_data,
                );
                patch_opt(&mut f.findings, input.findings);
                patch_opt(&mut f.remediation_plan, input.remediation_plan);
                patch_opt(&mut f.next_due, input.next_due);
            },
        )
        .await?;
        Ok(QualityAssessmentPayload {
            quality_assessment: QualityAssessment(model),
        })
    }
}

delete_mutation!(
    /// Deletes a quality assessment, as the steward of its organization or an admin.
    DeleteQualityAssessmentMutation,
    delete_quality_assessment,
    rules::QualityAssessment,
    Kind::QualityAssessment
);
