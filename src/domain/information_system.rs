//! Information systems that host databases (hệ thống thông tin).

use chrono::NaiveDate;
use entity::enums::Readiness;
use entity::information_system::{ActiveModel, Column, Entity, Model};
use entity::{database, organization};
use sea_orm::{DatabaseTransaction, Set};

use super::{Record, count, eq, refuse_duplicate, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub code: String,
    pub name: String,
    pub owner_id: i64,
    pub description: Option<String>,
    pub operator: Option<String>,
    pub hosting: Option<String>,
    pub readiness: Readiness,
    pub readiness_reviewed_on: Option<NaiveDate>,
    pub readiness_notes: Option<String>,
}

pub struct InformationSystem;

impl Record for InformationSystem {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "InformationSystem";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.owner_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            code: m.code.clone(),
            name: m.name.clone(),
            owner_id: m.owner_id,
            description: m.description.clone(),
            operator: m.operator.clone(),
            hosting: m.hosting.clone(),
            readiness: m.readiness,
            readiness_reviewed_on: m.readiness_reviewed_on,
            readiness_notes: m.readiness_notes.clone(),
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let f = Fields {
            code: text::code("input.code", &f.code, 64)?,
            name: text::required("input.name", &f.name, text::MAX_NAME)?,
            description: text::optional(
                "input.description",
                f.description.as_deref(),
                text::MAX_TEXT,
            )?,
            operator: text::optional("input.operator", f.operator.as_deref(), text::MAX_NAME)?,
            hosting: text::optional("input.hosting", f.hosting.as_deref(), text::MAX_NAME)?,
            readiness_notes: text::optional(
                "input.readinessNotes",
                f.readiness_notes.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        require::<organization::Entity>(txn, caller, "input.organizationId", f.owner_id).await?;
        if f.readiness != Readiness::NotReviewed && f.readiness_reviewed_on.is_none() {
            return Err(Error::bad_input(
                "input.readinessReviewedOn",
                Text::key("readiness-needs-date"),
            ));
        }
        super::write::require_writer(caller, f.owner_id)?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::Code, f.code.clone()),
            current.map(|m| m.id),
            || Text::key("system-duplicate").arg("code", &f.code),
        )
        .await?;
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.name_folded = Set(text::fold(&f.name));
        a.code = Set(f.code);
        a.name = Set(f.name);
        a.owner_id = Set(f.owner_id);
        a.description = Set(f.description);
        a.operator = Set(f.operator);
        a.hosting = Set(f.hosting);
        a.readiness = Set(f.readiness);
        a.readiness_reviewed_on = Set(f.readiness_reviewed_on);
        a.readiness_notes = Set(f.readiness_notes);
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            count::<database::Entity>(txn, eq(database::Column::SystemId, m.id)).await?,
            "ref-databases",
        )])
    }
}
