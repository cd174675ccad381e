//! Data-sharing services (dịch vụ chia sẻ dữ liệu): the description Art. 24.3 requires, and
//! the items each one provides.

use chrono::{NaiveDate, Utc};
use entity::data_service::{ActiveModel, Column, Entity, Model};
use entity::enums::{Platform, ServiceMethod, ServiceStatus};
use entity::{data_item, data_service_item as link, focal_point, organization, share};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::audit::Change;
use super::write::Tx;
use super::{
    Record, count, create_in, eq, find, refuse_duplicate, require, text, today, update_in,
};
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Most items one service call may name.
const MAX_ITEMS: usize = 1000;

#[derive(Debug, Clone)]
pub struct Fields {
    pub code: String,
    pub name: String,
    pub provider_id: i64,
    pub method: ServiceMethod,
    pub protocol: Option<String>,
    pub endpoint: Option<String>,
    pub platform: Platform,
    pub service_version: Option<String>,
    pub status: ServiceStatus,
    pub published_on: Option<NaiveDate>,
    pub description: Option<String>,
    pub input_description: Option<String>,
    pub output_description: Option<String>,
    pub standard: Option<String>,
    pub conditions_of_use: Option<String>,
    pub availability: Option<String>,
    pub contact_id: Option<i64>,
}

pub struct DataService;

impl Record for DataService {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "DataService";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.provider_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            code: m.code.clone(),
            name: m.name.clone(),
            provider_id: m.provider_id,
            method: m.method,
            protocol: m.protocol.clone(),
            endpoint: m.endpoint.clone(),
            platform: m.platform,
            service_version: m.service_version.clone(),
            status: m.status,
            published_on: m.published_on,
            description: m.description.clone(),
            input_description: m.input_description.clone(),
            output_description: m.output_description.clone(),
            standard: m.standard.clone(),
            conditions_of_use: m.conditions_of_use.clone(),
            availability: m.availability.clone(),
            contact_id: m.contact_id,
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
        let mut f = Fields {
            code: text::code("input.code", &f.code, 64)?,
            name: text::required("input.name", &f.name, text::MAX_NAME)?,
            protocol: text::optional("input.protocol", f.protocol.as_deref(), 100)?,
            endpoint: text::optional("input.endpoint", f.endpoint.as_deref(), 2000)?,
            service_version: text::optional(
                "input.serviceVersion",
                f.service_version.as_deref(),
                32,
            )?,
            description: long("input.description", f.description)?,
            input_description: long("input.inputDescription", f.input_description)?,
            output_description: long("input.outputDescription", f.output_description)?,
            standard: long("input.standard", f.standard)?,
            conditions_of_use: long("input.conditionsOfUse", f.conditions_of_use)?,
            availability: long("input.availability", f.availability)?,
            ..f
        };
        require::<organization::Entity>(txn, caller, "input.providerId", f.provider_id).await?;
        if let Some(contact) = f.contact_id {
            let fp =
                require::<focal_point::Entity>(txn, caller, "input.contactId", contact).await?;
            if fp.organization_id != f.provider_id {
                return Err(Error::bad_input(
                    "input.contactId",
                    Text::key("service-contact-focal-point"),
                ));
            }
        }
        // Publishing is dated (Art. 25); a service published without a date is published today.
        if f.status == ServiceStatus::Published && f.published_on.is_none() {
            f.published_on = Some(today());
        }
        super::write::require_writer(caller, f.provider_id)?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::Code, f.code.clone()),
            current.map(|m| m.id),
            || Text::key("service-duplicate").arg("code", &f.code),
        )
        .await?;
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.name_folded = Set(text::fold(&f.name));
        a.code = Set(f.code);
        a.name = Set(f.name);
        a.provider_id = Set(f.provider_id);
        a.method = Set(f.method);
        a.protocol = Set(f.protocol);
        a.endpoint = Set(f.endpoint);
        a.platform = Set(f.platform);
        a.service_version = Set(f.service_version);
        a.status = Set(f.status);
        a.published_on = Set(f.published_on);
        a.description = Set(f.description);
        a.input_description = Set(f.input_description);
        a.output_description = Set(f.output_description);
        a.standard = Set(f.standard);
        a.conditions_of_use = Set(f.conditions_of_use);
        a.availability = Set(f.availability);
        a.contact_id = Set(f.contact_id);
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            count::<share::Entity>(txn, eq(share::Column::ServiceId, m.id)).await?,
            "ref-shares",
        )])
    }
}

/// Creates a service and the list of items it provides, in one transaction.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    fields: Fields,
    items: Vec<i64>,
) -> Result<Model> {
    let mut tx = Tx::begin(db, caller).await?;
    let model = create_in::<DataService>(&mut tx, fields).await?;
    set_items(&mut tx, &model, items).await?;
    tx.commit().await?;
    Ok(model)
}

/// Updates a service; `items`, when given, replaces the list of items it provides.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    expected_version: Option<i32>,
    patch: impl FnOnce(&mut Fields) + Send,
    items: Option<Vec<i64>>,
) -> Result<Model> {
    let mut tx = Tx::begin(db, caller).await?;
    let current = find::<DataService>(&tx, id).await?;
    let model = update_in::<DataService>(&mut tx, current, expected_version, patch).await?;
    if let Some(items) = items {
        set_items(&mut tx, &model, items).await?;
    }
    tx.commit().await?;
    Ok(model)
}

/// Replaces the items a service provides. An item still shared through this service cannot be
/// dropped from it.
pub async fn set_items(tx: &mut Tx<'_>, service: &Model, mut items: Vec<i64>) -> Result<()> {
    tx.require_writer(service.provider_id)?;
    let service_id = service.id;
    let txn = &tx.txn;
    items.sort_unstable();
    items.dedup();
    if items.len() > MAX_ITEMS {
        return Err(Error::LimitExceeded(
            Text::key("service-max-items").arg("max", MAX_ITEMS),
        ));
    }
    let found = count::<data_item::Entity>(
        txn,
        sea_orm::Condition::all()
            .add(data_item::Column::Id.is_in(items.clone()))
            .add(data_item::Entity::visible_to(tx.caller)),
    )
    .await?;
    if found as usize != items.len() {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("items-unknown"),
        ));
    }
    // A service provides its provider's own items, or items an active share gives its
    // provider (a provincial platform relaying what it receives); never another
    // organization's items on its own say-so, which the owner could neither see through nor
    // undo.
    let received = sea_orm::sea_query::Query::select()
        .column(share::Column::DataItemId)
        .from(share::Entity)
        .and_where(share::Column::ConsumerId.eq(service.provider_id))
        .and_where(share::Column::Status.eq(entity::enums::ShareStatus::Active))
        .to_owned();
    let foreign = count::<data_item::Entity>(
        txn,
        sea_orm::Condition::all()
            .add(data_item::Column::Id.is_in(items.clone()))
            .add(data_item::Column::OwnerId.ne(service.provider_id))
            .add(data_item::Column::Id.not_in_subquery(received)),
    )
    .await?;
    if foreign > 0 {
        return Err(Error::bad_input(
            "input.itemIds",
            Text::key("service-foreign-items").arg("count", foreign),
        ));
    }
    let dropped_but_shared = count::<share::Entity>(
        txn,
        eq(share::Column::ServiceId, service_id)
            .add(share::Column::DataItemId.is_not_in(items.clone())),
    )
    .await?;
    if dropped_but_shared > 0 {
        return Err(Error::conflict(
            Text::key("service-dropped-shared").arg("count", dropped_but_shared),
        ));
    }
    let before: Vec<i64> = link::Entity::find()
        .select_only()
        .column(link::Column::DataItemId)
        .filter(link::Column::ServiceId.eq(service_id))
        .order_by_asc(link::Column::DataItemId)
        .into_tuple()
        .all(txn)
        .await?;
    if before == items {
        return Ok(());
    }
    link::Entity::delete_many()
        .filter(link::Column::ServiceId.eq(service_id))
        .exec(txn)
        .await?;
    tx.record(Change {
        action: "SET_ITEMS",
        entity_type: DataService::NAME,
        entity_id: service_id,
        organization: Some(service.provider_id),
        before: Some(serde_json::json!({ "itemIds": before })),
        after: Some(serde_json::json!({ "itemIds": items })),
    });
    let txn = &tx.txn;
    if !items.is_empty() {
        let now = Utc::now();
        let rows = items.into_iter().map(|item| {
            link::Model {
                service_id,
                data_item_id: item,
                created_at: now,
            }
            .into_active_model()
        });
        link::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
