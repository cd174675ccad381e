//! Open data (dữ liệu mở): datasets an organization publishes on the open data portal, made of
//! items whose policy for the public is `OPEN`; and the public's feedback on them, with votes,
//! which the organization answers and which rank its open-data priorities.

use chrono::{NaiveDate, Utc};
use entity::enums::{ConsumerType, FeedbackKind, FeedbackStatus, SharingMode, UpdateFrequency};
use entity::open_dataset::{ActiveModel, Column, Entity, Model};
use entity::{
    data_item, data_service, feedback, feedback_vote, open_dataset_item as link, organization,
    sharing_policy,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, Set, SqlErr,
};
use sha2::{Digest, Sha256};

use super::audit::{Change, snapshot};
use super::write::Tx;
use super::{Record, check_stored_version, eq, refuse_duplicate, require, text};
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// The licence of open data unless the publisher names another.
pub const DEFAULT_LICENCE: &str = "Điều khoản sử dụng dữ liệu mở theo Điều 18 Nghị định số 47/2020/NĐ-CP (terms of use of open data under Article 18 of Decree 47/2020/ND-CP)";

/// Most items one dataset publishes.
pub const MAX_ITEMS: usize = 500;

#[derive(Debug, Clone)]
pub struct Fields {
    pub organization_id: i64,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    /// `None` for [`DEFAULT_LICENCE`].
    pub licence: Option<String>,
    pub formats: Vec<String>,
    pub download_url: Option<String>,
    pub data_service_id: Option<i64>,
    pub update_frequency: UpdateFrequency,
    pub published_on: Option<NaiveDate>,
    pub refreshed_on: Option<NaiveDate>,
}

pub struct OpenDataset;

impl Record for OpenDataset {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "OpenDataset";

    fn fields(m: &Model) -> Fields {
        Fields {
            organization_id: m.organization_id,
            code: m.code.clone(),
            title: m.title.clone(),
            description: m.description.clone(),
            licence: Some(m.licence.clone()),
            formats: formats_of(m),
            download_url: m.download_url.clone(),
            data_service_id: m.data_service_id,
            update_frequency: m.update_frequency,
            published_on: m.published_on,
            refreshed_on: m.refreshed_on,
        }
    }

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.organization_id)
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        require::<organization::Entity>(txn, caller, "input.organizationId", f.organization_id)
            .await?;
        if let Some(current) = current
            && current.organization_id != f.organization_id
        {
            return Err(Error::bad_input(
                "input.organizationId",
                Text::key("dataset-stays"),
            ));
        }
        let code = text::code("input.code", &f.code, 100)?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::OrganizationId, f.organization_id).add(Column::Code.eq(&code)),
            current.map(|c| c.id),
            || Text::key("dataset-duplicate").arg("code", &code),
        )
        .await?;
        let mut formats = Vec::new();
        for f in &f.formats {
            let f = text::required("input.formats", f, 50)?;
            if f.contains(',') {
                return Err(Error::bad_input(
                    "input.formats",
                    Text::key("dataset-one-format"),
                ));
            }
            if !formats.contains(&f) {
                formats.push(f);
            }
        }
        let download_url = text::optional("input.downloadUrl", f.download_url.as_deref(), 2000)?;
        if let Some(url) = &download_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(Error::bad_input(
                "input.downloadUrl",
                Text::key("dataset-download-url"),
            ));
        }
        if let Some(service) = f.data_service_id {
            let s = require::<data_service::Entity>(txn, caller, "input.dataServiceId", service)
                .await?;
            if s.provider_id != f.organization_id {
                return Err(Error::bad_input(
                    "input.dataServiceId",
                    Text::key("dataset-own-service"),
                ));
            }
        }
        if let Some(published) = f.published_on {
            if formats.is_empty() || (download_url.is_none() && f.data_service_id.is_none()) {
                return Err(Error::bad_input(
                    "input.publishedOn",
                    Text::key("dataset-published-needs"),
                ));
            }
            if f.refreshed_on.is_some_and(|r| r < published) {
                return Err(Error::bad_input(
                    "input.refreshedOn",
                    Text::key("dataset-refreshed-after"),
                ));
            }
        } else if f.refreshed_on.is_some() {
            return Err(Error::bad_input(
                "input.refreshedOn",
                Text::key("dataset-refreshed-published"),
            ));
        }
        Ok(Fields {
            code,
            title: text::required("input.title", &f.title, text::MAX_NAME)?,
            description: text::optional(
                "input.description",
                f.description.as_deref(),
                text::MAX_TEXT,
            )?,
            licence: Some(
                text::optional("input.licence", f.licence.as_deref(), text::MAX_TEXT)?
                    .unwrap_or_else(|| DEFAULT_LICENCE.to_owned()),
            ),
            formats,
            download_url,
            ..f
        })
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.organization_id = Set(f.organization_id);
        a.code = Set(f.code);
        a.title_folded = Set(text::fold(&f.title));
        a.title = Set(f.title);
        a.description = Set(f.description);
        a.licence = Set(f.licence.unwrap_or_else(|| DEFAULT_LICENCE.to_owned()));
        a.formats = Set(f.formats.join(","));
        a.download_url = Set(f.download_url);
        a.data_service_id = Set(f.data_service_id);
        a.update_frequency = Set(f.update_frequency);
        a.published_on = Set(f.published_on);
        a.refreshed_on = Set(f.refreshed_on);
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            u64::from(m.published_on.is_some()),
            "ref-publication",
        )])
    }
}

/// The formats of a stored dataset.
pub fn formats_of(m: &Model) -> Vec<String> {
    m.formats
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Creates a dataset with its items, in one transaction.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    fields: Fields,
    items: Vec<i64>,
) -> Result<Model> {
    let mut tx = Tx::begin(db, caller).await?;
    let model = super::create_in::<OpenDataset>(&mut tx, fields).await?;
    set_items(&mut tx, &model, Some(items)).await?;
    tx.commit().await?;
    Ok(model)
}

/// Updates a dataset and, when `items` is given, replaces its items, in one transaction.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut Fields) + Send,
    items: Option<Vec<i64>>,
) -> Result<Model> {
    let mut tx = Tx::begin(db, caller).await?;
    let current = super::find::<OpenDataset>(&tx, id).await?;
    let model = super::update_in::<OpenDataset>(&mut tx, current, expected_version, patch).await?;
    set_items(&mut tx, &model, items).await?;
    tx.commit().await?;
    Ok(model)
}

/// Replaces the dataset's items (when `items` is given) and checks that a published dataset
/// publishes at least one item, each the organization's own and `OPEN` to the public.
async fn set_items(tx: &mut Tx<'_>, dataset: &Model, items: Option<Vec<i64>>) -> Result<()> {
    if let Some(mut items) = items {
        items.sort_unstable();
        items.dedup();
        if items.len() > MAX_ITEMS {
            return Err(Error::LimitExceeded(
                Text::key("dataset-max-items").arg("max", MAX_ITEMS),
            ));
        }
        let found = data_item::Entity::find()
            .filter(data_item::Column::Id.is_in(items.clone()))
            .filter(data_item::Entity::visible_to(tx.caller))
            .all(&tx.txn)
            .await?;
        if found.len() != items.len() {
            return Err(Error::bad_input(
                "input.itemIds",
                Text::key("items-unknown"),
            ));
        }
        if found.iter().any(|i| i.owner_id != dataset.organization_id) {
            return Err(Error::bad_input(
                "input.itemIds",
                Text::key("dataset-own-items"),
            ));
        }
        let open: Vec<i64> = sharing_policy::Entity::find()
            .filter(sharing_policy::Column::DataItemId.is_in(items.clone()))
            .filter(sharing_policy::Column::ConsumerType.eq(ConsumerType::Public))
            .filter(sharing_policy::Column::Mode.eq(SharingMode::Open))
            .all(&tx.txn)
            .await?
            .into_iter()
            .map(|p| p.data_item_id)
            .collect();
        if let Some(closed) = found.iter().find(|i| !open.contains(&i.id)) {
            return Err(Error::bad_input(
                "input.itemIds",
                Text::key("dataset-item-not-open").arg("item", &closed.code),
            ));
        }
        link::Entity::delete_many()
            .filter(link::Column::DatasetId.eq(dataset.id))
            .exec(&tx.txn)
            .await?;
        if !items.is_empty() {
            link::Entity::insert_many(items.iter().map(|item| {
                link::Model {
                    dataset_id: dataset.id,
                    data_item_id: *item,
                }
                .into_active_model()
            }))
            .exec_without_returning(&tx.txn)
            .await?;
        }
        tx.record(Change {
            action: "SET_ITEMS",
            entity_type: OpenDataset::NAME,
            entity_id: dataset.id,
            organization: Some(dataset.organization_id),
            before: None,
            after: Some(serde_json::json!({ "item_ids": items })),
        });
    }
    if dataset.published_on.is_some()
        && super::count::<link::Entity>(&tx.txn, eq(link::Column::DatasetId, dataset.id)).await?
            == 0
    {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("dataset-needs-item"),
        ));
    }
    Ok(())
}

/// Feedback as the public sends it.
#[derive(Debug, Clone)]
pub struct Submission {
    pub kind: FeedbackKind,
    pub organization_id: Option<i64>,
    pub open_dataset_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub contact_email: Option<String>,
}

const FEEDBACK: &str = "Feedback";

/// Takes feedback from anyone, the public included; it goes to the organization named, or to
/// the dataset's publisher.
pub async fn submit(
    db: &DatabaseConnection,
    caller: &Caller,
    s: Submission,
) -> Result<feedback::Model> {
    let title = text::required("input.title", &s.title, text::MAX_NAME)?;
    let body = text::required("input.body", &s.body, 5_000)?;
    let contact_email = text::email("input.contactEmail", s.contact_email.as_deref())?;
    let mut tx = Tx::begin_public(db, caller).await?;
    let organization_id = match (s.open_dataset_id, s.organization_id) {
        (Some(d), asked) => {
            let dataset = require::<Entity>(&tx.txn, caller, "input.openDatasetId", d).await?;
            if asked.is_some_and(|o| o != dataset.organization_id) {
                return Err(Error::bad_input(
                    "input.organizationId",
                    Text::key("feedback-dataset-other-organization"),
                ));
            }
            dataset.organization_id
        }
        (None, Some(o)) => {
            require::<organization::Entity>(&tx.txn, caller, "input.organizationId", o)
                .await?
                .id
        }
        (None, None) => {
            return Err(Error::bad_input(
                "input.organizationId",
                Text::key("feedback-needs-target"),
            ));
        }
    };
    let now = Utc::now();
    let model = feedback::ActiveModel {
        kind: Set(s.kind),
        organization_id: Set(organization_id),
        open_dataset_id: Set(s.open_dataset_id),
        title: Set(title),
        body: Set(body),
        contact_email: Set(contact_email),
        status: Set(FeedbackStatus::New),
        answer: Set(None),
        answered_at: Set(None),
        votes: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let mut after = snapshot(&model);
    // The log is read by the organization's stewards; the public's address stays out of it.
    after["contact_email"] = serde_json::Value::Null;
    tx.record(Change {
        action: "SUBMIT",
        entity_type: FEEDBACK,
        entity_id: model.id,
        organization: Some(organization_id),
        before: None,
        after: Some(after),
    });
    tx.commit().await?;
    Ok(model)
}

/// One voter's vote for open feedback; `voter` identifies the voter (their token or address)
/// and is kept only as a hash. A second vote by the same voter is refused.
pub async fn vote(
    db: &DatabaseConnection,
    caller: &Caller,
    voter: &str,
    id: i64,
) -> Result<feedback::Model> {
    let mut tx = Tx::begin_public(db, caller).await?;
    let current = require::<feedback::Entity>(&tx.txn, caller, "input.id", id).await?;
    if !current.status.is_open() {
        return Err(Error::conflict(Text::key("feedback-votes-closed")));
    }
    let inserted = feedback_vote::ActiveModel {
        feedback_id: Set(id),
        voter: Set(hex::encode(Sha256::digest(voter.as_bytes()))),
        created_at: Set(Utc::now()),
    }
    .insert(&tx.txn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(Error::conflict(Text::key("feedback-voted")));
        }
        Err(err) => return Err(err.into()),
    }
    // Writes are serialized by the audit head the transaction holds, so the count read above
    // is still the current one.
    let votes = current.votes + 1;
    let organization = current.organization_id;
    let mut active = current.into_active_model();
    active.votes = Set(votes);
    let model = active.update(&tx.txn).await?;
    tx.record(Change {
        action: "VOTE",
        entity_type: FEEDBACK,
        entity_id: id,
        organization: Some(organization),
        before: None,
        after: None,
    });
    tx.commit().await?;
    Ok(model)
}

/// The organization's answer: a new status and, for a decision, the text the public reads.
pub async fn answer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    status: FeedbackStatus,
    answer: Option<String>,
) -> Result<feedback::Model> {
    let answer = text::optional("input.answer", answer.as_deref(), text::MAX_TEXT)?;
    if status == FeedbackStatus::New {
        return Err(Error::bad_input(
            "input.status",
            Text::key("feedback-answer-status"),
        ));
    }
    if matches!(status, FeedbackStatus::Declined | FeedbackStatus::Done) && answer.is_none() {
        return Err(Error::bad_input(
            "input.answer",
            Text::key("feedback-answer-needed"),
        ));
    }
    let mut tx = Tx::begin(db, caller).await?;
    let current = feedback::Entity::find()
        .filter(feedback::Column::Id.eq(id))
        .filter(feedback::Entity::visible_to(caller))
        .one(&tx.txn)
        .await?
        .ok_or_else(|| Error::not_found(FEEDBACK, id))?;
    tx.require_writer(current.organization_id)?;
    check_stored_version(FEEDBACK, id, current.version, expected_version)?;
    let now = Utc::now();
    let mut active = current.clone().into_active_model();
    active.status = Set(status);
    if answer.is_some() {
        active.answer = Set(answer);
        active.answered_at = Set(Some(now));
    }
    active.version = Set(current.version + 1);
    active.updated_at = Set(now);
    let updated = active.update(&tx.txn).await?;
    tx.record(Change {
        action: "ANSWER",
        entity_type: FEEDBACK,
        entity_id: id,
        organization: Some(current.organization_id),
        before: Some(snapshot(&current)),
        after: Some(snapshot(&updated)),
    });
    tx.commit().await?;
    Ok(updated)
}
