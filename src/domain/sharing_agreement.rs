//! Sharing agreements (Decree 47/2020 Art. 38): the terms two organizations agree on before data
//! shared on request flows. The provider's steward records them.

use chrono::NaiveDate;
use entity::enums::ConsumerType;
use entity::sharing_agreement::{ActiveModel, Entity, Model};
use entity::{organization, share, sharing_request};
use sea_orm::{DatabaseTransaction, Set};

use super::{Record, count, eq, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub provider_id: i64,
    pub consumer_id: i64,
    pub data_content: String,
    pub place_of_use: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub method: String,
    pub processing_after_receipt: Option<String>,
    pub conditions_and_limits: Option<String>,
    pub protection_commitments: Option<String>,
    pub security_and_authentication: Option<String>,
    pub storage: Option<String>,
    pub deletion_method: Option<String>,
    pub signed_on: NaiveDate,
}

pub struct SharingAgreement;

impl Record for SharingAgreement {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "SharingAgreement";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.provider_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            provider_id: m.provider_id,
            consumer_id: m.consumer_id,
            data_content: m.data_content.clone(),
            place_of_use: m.place_of_use.clone(),
            valid_from: m.valid_from,
            valid_until: m.valid_until,
            method: m.method.clone(),
            processing_after_receipt: m.processing_after_receipt.clone(),
            conditions_and_limits: m.conditions_and_limits.clone(),
            protection_commitments: m.protection_commitments.clone(),
            security_and_authentication: m.security_and_authentication.clone(),
            storage: m.storage.clone(),
            deletion_method: m.deletion_method.clone(),
            signed_on: m.signed_on,
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let long =
            |field: &str, v: Option<String>| text::optional(field, v.as_deref(), text::MAX_TEXT);
        let f = Fields {
            data_content: text::required("input.dataContent", &f.data_content, text::MAX_TEXT)?,
            place_of_use: text::required("input.placeOfUse", &f.place_of_use, text::MAX_TEXT)?,
            method: text::required("input.method", &f.method, text::MAX_TEXT)?,
            processing_after_receipt: long(
                "input.processingAfterReceipt",
                f.processing_after_receipt,
            )?,
            conditions_and_limits: long("input.conditionsAndLimits", f.conditions_and_limits)?,
            protection_commitments: long("input.protectionCommitments", f.protection_commitments)?,
            security_and_authentication: long(
                "input.securityAndAuthentication",
                f.security_and_authentication,
            )?,
            storage: long("input.storage", f.storage)?,
            deletion_method: long("input.deletionMethod", f.deletion_method)?,
            ..f
        };
        if let Some(current) = current
            && (current.provider_id != f.provider_id || current.consumer_id != f.consumer_id)
        {
            return Err(Error::bad_input(
                "input",
                Text::key("agreement-parties-fixed"),
            ));
        }
        if f.provider_id == f.consumer_id {
            return Err(Error::bad_input(
                "input.consumerId",
                Text::key("agreement-two-parties"),
            ));
        }
        require::<organization::Entity>(txn, caller, "input.providerId", f.provider_id).await?;
        let consumer =
            require::<organization::Entity>(txn, caller, "input.consumerId", f.consumer_id).await?;
        if consumer.consumer_type == ConsumerType::Public {
            return Err(Error::bad_input(
                "input.consumerId",
                Text::key("agreement-not-public"),
            ));
        }
        if let (Some(from), Some(until)) = (f.valid_from, f.valid_until)
            && until < from
        {
            return Err(Error::bad_input(
                "input.validUntil",
                Text::key("share-valid-until-before"),
            ));
        }
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.provider_id = Set(f.provider_id);
        a.consumer_id = Set(f.consumer_id);
        a.data_content = Set(f.data_content);
        a.place_of_use = Set(f.place_of_use);
        a.valid_from = Set(f.valid_from);
        a.valid_until = Set(f.valid_until);
        a.method = Set(f.method);
        a.processing_after_receipt = Set(f.processing_after_receipt);
        a.conditions_and_limits = Set(f.conditions_and_limits);
        a.protection_commitments = Set(f.protection_commitments);
        a.security_and_authentication = Set(f.security_and_authentication);
        a.storage = Set(f.storage);
        a.deletion_method = Set(f.deletion_method);
        a.signed_on = Set(f.signed_on);
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![
            (
                count::<share::Entity>(txn, eq(share::Column::AgreementId, m.id)).await?,
                "ref-shares",
            ),
            (
                count::<sharing_request::Entity>(
                    txn,
                    eq(sharing_request::Column::AgreementId, m.id),
                )
                .await?,
                "sharing request(s)",
            ),
        ])
    }
}
