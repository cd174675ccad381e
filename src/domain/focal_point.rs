//! Focal points: the named officers responsible for data sharing (đầu mối).

use chrono::NaiveDate;
use entity::enums::{ConsumerType, FocalPointScope};
use entity::focal_point::{ActiveModel, Entity, Model};
use entity::{data_service, organization};
use sea_orm::{DatabaseTransaction, Set};

use super::{Record, count, eq, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};

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
        let org = require::<organization::Entity>(
            txn,
            caller,
            "input.organizationId",
            "organization",
            f.organization_id,
        )
        .await?;
        if org.consumer_type != ConsumerType::StateAgency {
            return Err(Error::bad_input(
                "input.organizationId",
                "focal points are named by state agencies only",
            ));
        }
        if let (Some(start), Some(end)) = (f.term_start, f.term_end)
            && end < start
        {
            return Err(Error::bad_input(
                "input.termEnd",
                "the term cannot end before it starts",
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

    async fn references(txn: &DatabaseTransaction, m: &Model) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            count::<data_service::Entity>(txn, eq(data_service::Column::ContactId, m.id)).await?,
            "data service(s) naming it as contact",
        )])
    }
}
