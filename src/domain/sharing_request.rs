//! Sharing requests (Decree 47/2020 Art. 35, amended by Decree 194/2025): a consumer asks an
//! organization for some of its data items; the provider approves (which creates the shares)
//! or rejects with a reason; the consumer may withdraw while it waits. For data shared by
//! default the provider answers within two working days.
//!
//! A request is a record of a procedure, not a catalogue entry: it has no generic update, only
//! the transitions SUBMITTED → APPROVED | REJECTED | WITHDRAWN, each audited.

use chrono::Utc;
use entity::enums::{ConsumerType, RequestStatus, ShareStatus, SharingMode};
use entity::sharing_request::{ActiveModel, Column, Entity, Model};
use entity::{data_item, organization, sharing_agreement, sharing_request_item as link};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

use super::audit::{Change, snapshot};
use super::calendar::Calendar;
use super::share::{self, allowed_modes};
use super::write::Tx;
use super::{create_in, require, text, today};
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Working days a provider has to answer a request for data shared by default (Art. 35.3 as
/// amended).
pub const DEFAULT_ANSWER_DAYS: u32 = 2;
/// Most items one request may name.
pub const MAX_ITEMS: usize = 200;
const NAME: &str = "SharingRequest";

/// What a consumer submits.
#[derive(Debug, Clone)]
pub struct Submission {
    pub consumer_id: i64,
    pub item_ids: Vec<i64>,
    pub requested_mode: SharingMode,
    pub purpose: String,
    pub legal_basis: Option<String>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

/// The provider's or the consumer's move.
#[derive(Debug, Clone)]
pub enum Decision {
    Approve { agreement_id: Option<i64> },
    Reject { reason: String },
    Withdraw,
}

impl Decision {
    fn action(&self) -> &'static str {
        match self {
            Self::Approve { .. } => "APPROVE",
            Self::Reject { .. } => "REJECT",
            Self::Withdraw => "WITHDRAW",
        }
    }
}

/// Submits a request as the consumer's steward.
pub async fn submit(db: &DatabaseConnection, caller: &Caller, s: Submission) -> Result<Model> {
    let mut items = s.item_ids.clone();
    items.sort_unstable();
    items.dedup();
    if items.is_empty() {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("request-needs-item"),
        ));
    }
    if items.len() > MAX_ITEMS {
        return Err(Error::LimitExceeded(
            Text::key("request-max-items").arg("max", MAX_ITEMS),
        ));
    }
    let purpose = text::required("input.purpose", &s.purpose, text::MAX_TEXT)?;
    let legal_basis = text::optional("input.legalBasis", s.legal_basis.as_deref(), text::MAX_TEXT)?;
    let contact_name = text::required("input.contactName", &s.contact_name, text::MAX_NAME)?;
    let contact_email = text::email("input.contactEmail", s.contact_email.as_deref())?;
    let contact_phone = text::optional("input.contactPhone", s.contact_phone.as_deref(), 50)?;
    if s.requested_mode == SharingMode::NotShared {
        return Err(Error::bad_input(
            "input.requestedMode",
            Text::key("request-mode"),
        ));
    }

    let mut tx = Tx::begin(db, caller).await?;
    let consumer =
        require::<organization::Entity>(&tx.txn, caller, "input.consumerId", s.consumer_id).await?;
    tx.require_writer(consumer.id)?;
    if consumer.consumer_type == ConsumerType::Public {
        return Err(Error::bad_input(
            "input.consumerId",
            Text::key("request-open-data"),
        ));
    }
    let found = data_item::Entity::find()
        .filter(data_item::Column::Id.is_in(items.clone()))
        .filter(data_item::Entity::visible_to(caller))
        .all(&tx.txn)
        .await?;
    if found.len() != items.len() {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("items-unknown"),
        ));
    }
    let provider_id = found[0].owner_id;
    if found.iter().any(|i| i.owner_id != provider_id) {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("request-one-provider"),
        ));
    }
    if provider_id == consumer.id {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("request-own-items"),
        ));
    }
    for item in &found {
        let allowed = allowed_modes(&tx.txn, item.id, consumer.consumer_type).await?;
        if !allowed.contains(&s.requested_mode) {
            return Err(Error::bad_input(
                "input.requestedMode",
                Text::key("request-mode-not-allowed")
                    .arg("item", &item.code)
                    .arg("consumer", text::enum_name(&consumer.consumer_type))
                    .arg("allowed", text::enum_names(&allowed))
                    .arg("mode", text::enum_name(&s.requested_mode)),
            ));
        }
    }
    let submitted = today();
    let due_on = match s.requested_mode {
        SharingMode::Default => Some(
            Calendar::load(&tx.txn, submitted)
                .await?
                .add_working_days(submitted, DEFAULT_ANSWER_DAYS),
        ),
        _ => None,
    };
    let now = Utc::now();
    let model = ActiveModel {
        consumer_id: Set(consumer.id),
        provider_id: Set(provider_id),
        requested_mode: Set(s.requested_mode),
        purpose: Set(purpose),
        legal_basis: Set(legal_basis),
        contact_name: Set(contact_name),
        contact_email: Set(contact_email),
        contact_phone: Set(contact_phone),
        status: Set(RequestStatus::Submitted),
        submitted_at: Set(now),
        due_on: Set(due_on),
        decided_at: Set(None),
        decision_reason: Set(None),
        agreement_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    link::Entity::insert_many(items.iter().map(|item| {
        link::Model {
            request_id: model.id,
            data_item_id: *item,
        }
        .into_active_model()
    }))
    .exec_without_returning(&tx.txn)
    .await?;
    let mut after = snapshot(&model);
    after["item_ids"] = serde_json::json!(items);
    tx.record(Change {
        action: "SUBMIT",
        entity_type: NAME,
        entity_id: model.id,
        organization: Some(consumer.id),
        before: None,
        after: Some(after),
    });
    tx.commit().await?;
    Ok(model)
}

/// Approves, rejects or withdraws a waiting request.
pub async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    decision: Decision,
) -> Result<Model> {
    let mut tx = Tx::begin(db, caller).await?;
    let current = Entity::find()
        .filter(Column::Id.eq(id))
        .filter(Entity::visible_to(caller))
        .one(&tx.txn)
        .await?
        .ok_or_else(|| Error::not_found(NAME, id))?;
    let (actor_org, verb) = match &decision {
        Decision::Withdraw => (current.consumer_id, "withdraw"),
        Decision::Approve { .. } => (current.provider_id, "approve"),
        Decision::Reject { .. } => (current.provider_id, "reject"),
    };
    if !tx.caller.may_write(actor_org) {
        return Err(Error::Forbidden(match decision {
            Decision::Withdraw => Text::key("request-withdraw-consumer-only"),
            _ => Text::key("request-decide-provider-only"),
        }));
    }
    super::check_stored_version(NAME, id, current.version, expected_version)?;
    if current.status != RequestStatus::Submitted {
        return Err(Error::conflict(
            Text::key("request-decided")
                .arg("id", id)
                .arg("status", text::enum_name(&current.status))
                .arg("verb", verb),
        ));
    }
    let mut next = current.clone().into_active_model();
    next.decided_at = Set(Some(Utc::now()));
    next.version = Set(current.version + 1);
    next.updated_at = Set(Utc::now());
    let action = decision.action();
    match decision {
        Decision::Withdraw => next.status = Set(RequestStatus::Withdrawn),
        Decision::Reject { reason } => {
            next.status = Set(RequestStatus::Rejected);
            next.decision_reason = Set(Some(text::required(
                "input.reason",
                &reason,
                text::MAX_TEXT,
            )?));
        }
        Decision::Approve { agreement_id } => {
            let agreement = match agreement_id {
                Some(a) => Some(
                    require::<sharing_agreement::Entity>(&tx.txn, caller, "input.agreementId", a)
                        .await?,
                ),
                None => None,
            };
            if current.requested_mode == SharingMode::OnRequest && agreement.is_none() {
                return Err(Error::bad_input(
                    "input.agreementId",
                    Text::key("request-needs-agreement"),
                ));
            }
            if let Some(a) = &agreement
                && (a.provider_id != current.provider_id || a.consumer_id != current.consumer_id)
            {
                return Err(Error::bad_input(
                    "input.agreementId",
                    Text::key("request-agreement-parties"),
                ));
            }
            let items: Vec<i64> = link::Entity::find()
                .filter(link::Column::RequestId.eq(id))
                .all(&tx.txn)
                .await?
                .into_iter()
                .map(|l| l.data_item_id)
                .collect();
            for item in items {
                create_in::<share::Share>(
                    &mut tx,
                    share::Fields {
                        data_item_id: item,
                        consumer_id: current.consumer_id,
                        mode: Some(current.requested_mode),
                        service_id: None,
                        purpose: Some(current.purpose.clone()),
                        legal_basis: current.legal_basis.clone(),
                        valid_from: agreement.as_ref().and_then(|a| a.valid_from),
                        valid_until: agreement.as_ref().and_then(|a| a.valid_until),
                        status: ShareStatus::Active,
                        status_reason: None,
                        agreement_id: agreement.as_ref().map(|a| a.id),
                        request_id: Some(id),
                    },
                )
                .await
                .map_err(|err| match err {
                    // The item's policy changed since the request, or a share exists already.
                    Error::BadInput { message, .. } => {
                        Error::conflict(Text::key("request-not-approvable").with("reason", message))
                    }
                    other => other,
                })?;
            }
            next.status = Set(RequestStatus::Approved);
            next.agreement_id = Set(agreement.map(|a| a.id));
        }
    }
    let updated = next.update(&tx.txn).await?;
    tx.record(Change {
        action,
        entity_type: NAME,
        entity_id: id,
        organization: Some(actor_org),
        before: Some(snapshot(&current)),
        after: Some(snapshot(&updated)),
    });
    tx.commit().await?;
    Ok(updated)
}

/// Requests still waiting after their due day.
pub fn overdue_on(day: chrono::NaiveDate) -> Condition {
    Condition::all()
        .add(Column::Status.eq(RequestStatus::Submitted))
        .add(Column::DueOn.lt(day))
}
