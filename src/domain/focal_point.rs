//! Focal points: the named officers responsible for data sharing (đầu mối).

use chrono::NaiveDate;
use entity::enums::{ConsumerType, FocalPointScope};
use entity::focal_point::{ActiveModel, Column, Entity, Model};
use entity::{data_service, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

use super::write::Tx;
use super::{Record, count, eq, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub organization_id: i64,
    pub scope: FocalPointScope,
    pub full_name: String,
    pub position: Option<String>,
    pub duties: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

pub struct FocalPoint;

impl Record for FocalPoint {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "FocalPoint";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.organization_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            organization_id: m.organization_id,
            scope: m.scope,
            full_name: m.full_name.clone(),
            position: m.position.clone(),
            duties: m.duties.clone(),
            phone: m.phone.clone(),
            email: m.email.clone(),
            term_start: m.term_start,
            term_end: m.term_end,
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        _: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let f = Fields {
            full_name: text::required("input.fullName", &f.full_name, text::MAX_NAME)?,
            position: text::optional("input.position", f.position.as_deref(), text::MAX_NAME)?,
            duties: text::optional("input.duties", f.duties.as_deref(), text::MAX_TEXT)?,
            phone: text::optional("input.phone", f.phone.as_deref(), 50)?,
            email: text::email("input.email", f.email.as_deref())?,
            ..f
        };
        let org =
            require::<organization::Entity>(txn, caller, "input.organizationId", f.organization_id)
                .await?;
        if org.consumer_type != ConsumerType::StateAgency {
            return Err(Error::bad_input(
                "input.organizationId",
                Text::key("focal-point-state-only"),
            ));
        }
        if let (Some(start), Some(end)) = (f.term_start, f.term_end)
            && end < start
        {
            return Err(Error::bad_input(
                "input.termEnd",
                Text::key("term-end-before-start"),
            ));
        }
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.full_name_folded = Set(text::fold(&f.full_name));
        a.organization_id = Set(f.organization_id);
        a.scope = Set(f.scope);
        a.full_name = Set(f.full_name);
        a.position = Set(f.position);
        a.duties = Set(f.duties);
        a.phone = Set(f.phone);
        a.email = Set(f.email);
        a.term_start = Set(f.term_start);
        a.term_end = Set(f.term_end);
    }

    /// At most one focal point of a scope is in office per organization (docs/design.md, "Focal points"):
    /// appointing one ends the term of the one before it, on the day the new term starts.
    async fn after_write(tx: &mut Tx<'_>, _: Option<&Model>, after: Option<&Model>) -> Result<()> {
        let Some(new) = after else { return Ok(()) };
        let today = super::today();
        let starts = new.term_start.unwrap_or(today);
        if !in_office(new, today.max(starts)) {
            return Ok(());
        }
        let others = Entity::find()
            .filter(Column::OrganizationId.eq(new.organization_id))
            .filter(Column::Scope.eq(new.scope))
            .filter(Column::Id.ne(new.id))
            .all(&tx.txn)
            .await?;
        for old in others.into_iter().filter(|o| in_office(o, starts)) {
            // Ends the day before the new term starts, but not before its own began.
            let end = (starts - chrono::Days::new(1))
                .max(old.term_start.unwrap_or(chrono::NaiveDate::MIN));
            let mut active = old.clone().into_active_model();
            active.term_end = Set(Some(end));
            super::stamp::<FocalPoint>(&mut active, old.version + 1, false);
            let ended = active.update(&tx.txn).await?;
            super::record::<FocalPoint>(tx, "END_TERM", Some(&old), Some(&ended)).await?;
        }
        Ok(())
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            count::<data_service::Entity>(txn, eq(data_service::Column::ContactId, m.id)).await?,
            "ref-services-contact",
        )])
    }
}

/// In office on `day`: the term has begun (or has no start) and has not ended before it.
fn in_office(m: &Model, day: NaiveDate) -> bool {
    m.term_start.is_none_or(|s| s <= day) && m.term_end.is_none_or(|e| e >= day)
}
