//! Shares: "provider shares data item X with consumer Y", and the rules that make one lawful.

use chrono::NaiveDate;
use entity::enums::{ConsumerType, ServiceStatus, ShareStatus, SharingMode};
use entity::share::{ActiveModel, Column, Entity, Model};
use entity::{
    data_item, data_service, data_service_item, organization, sharing_agreement, sharing_policy,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::{Record, count, require, text, today};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub data_item_id: i64,
    pub consumer_id: i64,
    /// `None` on create takes the mode the item's policy gives the consumer.
    pub mode: Option<SharingMode>,
    pub service_id: Option<i64>,
    pub purpose: Option<String>,
    pub legal_basis: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub status: ShareStatus,
    pub status_reason: Option<String>,
    /// The agreement between the two parties the share rests on (Art. 38).
    pub agreement_id: Option<i64>,
    /// The request whose approval made the share (set by the approval, never by clients).
    pub request_id: Option<i64>,
}

/// Validated fields and what they imply: the provider (the item's owner) and the mode.
pub struct Valid {
    pub fields: Fields,
    pub provider_id: i64,
    pub mode: SharingMode,
}

/// The condition "in force today": stored ACTIVE and not past `valid_until`.
pub fn active_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(Column::Status.eq(ShareStatus::Active))
        .add(
            Condition::any()
                .add(Column::ValidUntil.is_null())
                .add(Column::ValidUntil.gte(day)),
        )
}

/// The modes an item's policies allow for a consumer type: its own policy's mode, and OPEN
/// whenever the public may have the item as open data. NOT_SHARED allows nothing.
pub async fn allowed_modes(
    txn: &DatabaseTransaction,
    item_id: i64,
    consumer: ConsumerType,
) -> Result<Vec<SharingMode>> {
    let policies = sharing_policy::Entity::find()
        .filter(sharing_policy::Column::DataItemId.eq(item_id))
        .filter(sharing_policy::Column::ConsumerType.is_in([consumer, ConsumerType::Public]))
        .all(txn)
        .await?;
    let mut modes = Vec::new();
    for p in &policies {
        let mode = match (p.consumer_type == consumer, p.mode) {
            (_, SharingMode::NotShared) => continue,
            (true, m) => m,
            (false, SharingMode::Open) => SharingMode::Open,
            (false, _) => continue,
        };
        if !modes.contains(&mode) {
            modes.push(mode);
        }
    }
    Ok(modes)
}

pub struct Share;

impl Record for Share {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Valid;
    const NAME: &'static str = "Share";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.provider_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            data_item_id: m.data_item_id,
            consumer_id: m.consumer_id,
            mode: Some(m.mode),
            service_id: m.service_id,
            purpose: m.purpose.clone(),
            legal_basis: m.legal_basis.clone(),
            valid_from: m.valid_from,
            valid_until: m.valid_until,
            status: m.status,
            status_reason: m.status_reason.clone(),
            agreement_id: m.agreement_id,
            request_id: m.request_id,
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Valid> {
        let f = Fields {
            purpose: text::optional("input.purpose", f.purpose.as_deref(), text::MAX_TEXT)?,
            legal_basis: text::optional(
                "input.legalBasis",
                f.legal_basis.as_deref(),
                text::MAX_TEXT,
            )?,
            status_reason: text::optional(
                "input.statusReason",
                f.status_reason.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        if let Some(current) = current {
            if current.status == ShareStatus::Revoked {
                return Err(Error::conflict(
                    Text::key("share-revoked-final").arg("id", current.id),
                ));
            }
            if current.data_item_id != f.data_item_id || current.consumer_id != f.consumer_id {
                return Err(Error::bad_input("input", Text::key("share-parties-fixed")));
            }
        }
        if f.status == ShareStatus::Expired {
            return Err(Error::bad_input(
                "input.status",
                Text::key("share-expired-derived"),
            ));
        }
        if f.status == ShareStatus::Revoked && f.status_reason.is_none() {
            return Err(Error::bad_input(
                "input.statusReason",
                Text::key("share-revocation-reason"),
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

        let item =
            require::<data_item::Entity>(txn, caller, "input.dataItemId", f.data_item_id).await?;
        let consumer =
            require::<organization::Entity>(txn, caller, "input.consumerId", f.consumer_id).await?;
        if consumer.id == item.owner_id {
            return Err(Error::bad_input(
                "input.consumerId",
                Text::key("share-with-itself"),
            ));
        }

        let allowed = allowed_modes(txn, item.id, consumer.consumer_type).await?;
        let mode = match (f.mode, allowed.first()) {
            (_, None) => {
                return Err(Error::bad_input(
                    "input.mode",
                    Text::key("share-not-allowed")
                        .arg("consumer", text::enum_name(&consumer.consumer_type)),
                ));
            }
            (None, Some(first)) => *first,
            (Some(m), _) if allowed.contains(&m) => m,
            (Some(m), _) => {
                return Err(Error::bad_input(
                    "input.mode",
                    Text::key("share-mode-not-allowed")
                        .arg("consumer", text::enum_name(&consumer.consumer_type))
                        .arg("allowed", text::enum_names(&allowed))
                        .arg("mode", text::enum_name(&m)),
                ));
            }
        };

        if let Some(service_id) = f.service_id {
            let service =
                require::<data_service::Entity>(txn, caller, "input.serviceId", service_id).await?;
            if service.status == ServiceStatus::Retired {
                return Err(Error::bad_input(
                    "input.serviceId",
                    Text::key("share-service-retired"),
                ));
            }
            let provides = count::<data_service_item::Entity>(
                txn,
                Condition::all()
                    .add(data_service_item::Column::ServiceId.eq(service_id))
                    .add(data_service_item::Column::DataItemId.eq(item.id)),
            )
            .await?;
            if provides == 0 {
                return Err(Error::bad_input(
                    "input.serviceId",
                    Text::key("share-service-lacks-item").arg("service", &service.code),
                ));
            }
        }

        if let Some(agreement_id) = f.agreement_id {
            let agreement = require::<sharing_agreement::Entity>(
                txn,
                caller,
                "input.agreementId",
                agreement_id,
            )
            .await?;
            if agreement.provider_id != item.owner_id || agreement.consumer_id != consumer.id {
                return Err(Error::bad_input(
                    "input.agreementId",
                    Text::key("share-agreement-parties"),
                ));
            }
        }

        let day = today();
        let in_force = f.status == ShareStatus::Active && f.valid_until.is_none_or(|u| u >= day);
        if in_force {
            let mut others = active_on(day)
                .add(Column::DataItemId.eq(f.data_item_id))
                .add(Column::ConsumerId.eq(f.consumer_id));
            if let Some(current) = current {
                others = others.add(Column::Id.ne(current.id));
            }
            if count::<Entity>(txn, others).await? > 0 {
                return Err(Error::conflict(Text::key("share-duplicate")));
            }
        }
        Ok(Valid {
            fields: f,
            provider_id: item.owner_id,
            mode,
        })
    }

    fn assign(
        a: &mut ActiveModel,
        Valid {
            fields: f,
            provider_id,
            mode,
        }: Valid,
    ) {
        a.data_item_id = Set(f.data_item_id);
        a.provider_id = Set(provider_id);
        a.consumer_id = Set(f.consumer_id);
        a.mode = Set(mode);
        a.service_id = Set(f.service_id);
        a.purpose = Set(f.purpose);
        a.legal_basis = Set(f.legal_basis);
        a.valid_from = Set(f.valid_from);
        a.valid_until = Set(f.valid_until);
        a.status = Set(f.status);
        a.status_reason = Set(f.status_reason);
        a.agreement_id = Set(f.agreement_id);
        a.request_id = Set(f.request_id);
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        _: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(Vec::new())
    }
}

/// Moves the shares of `items` to a new provider (the items changed owner). Refused when that
/// would make an organization share with itself.
pub async fn move_provider(
    txn: &DatabaseTransaction,
    items: Vec<i64>,
    provider: i64,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let self_shares = count::<Entity>(
        txn,
        Condition::all()
            .add(Column::DataItemId.is_in(items.clone()))
            .add(Column::ConsumerId.eq(provider)),
    )
    .await?;
    if self_shares > 0 {
        return Err(Error::conflict(
            Text::key("owner-receives-shares").arg("count", self_shares),
        ));
    }
    Entity::update_many()
        .col_expr(Column::ProviderId, Expr::value(provider))
        .filter(Column::DataItemId.is_in(items))
        .exec(txn)
        .await?;
    Ok(())
}
