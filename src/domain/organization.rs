//! Organizations: the agency code, the hierarchy and its levels.

use entity::enums::{AdministrativeLevel, ConsumerType};
use entity::organization::{ActiveModel, Column, Entity, Model};
use entity::{data_service, database, focal_point, information_system, share};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::write::Tx;
use super::{Record, count, eq, refuse_duplicate, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Deepest hierarchy walked when checking for cycles; real hierarchies are under ten deep.
const MAX_HIERARCHY_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct Fields {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub level: Option<AdministrativeLevel>,
    pub consumer_type: ConsumerType,
    pub parent_id: Option<i64>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

pub struct Organization;

impl Record for Organization {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "Organization";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.id)
    }

    /// A steward keeps its own organization's record; adding and removing organizations, and
    /// moving one in the hierarchy or changing what kind of body it is, are an admin's.
    async fn authorize(tx: &Tx<'_>, before: Option<&Model>, after: Option<&Model>) -> Result<()> {
        match (before, after) {
            (Some(b), Some(a))
                if b.parent_id == a.parent_id
                    && b.level == a.level
                    && b.consumer_type == a.consumer_type
                    && b.code == a.code =>
            {
                tx.require_writer(b.id)
            }
            _ => tx.require_admin(),
        }
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            code: m.code.clone(),
            name: m.name.clone(),
            short_name: m.short_name.clone(),
            level: m.level,
            consumer_type: m.consumer_type,
            parent_id: m.parent_id,
            address: m.address.clone(),
            email: m.email.clone(),
            phone: m.phone.clone(),
            website: m.website.clone(),
            description: m.description.clone(),
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let f = Fields {
            code: text::organization_code("input.code", &f.code)?,
            name: text::required("input.name", &f.name, text::MAX_NAME)?,
            short_name: text::optional("input.shortName", f.short_name.as_deref(), text::MAX_NAME)?,
            address: text::optional("input.address", f.address.as_deref(), text::MAX_NAME)?,
            email: text::email("input.email", f.email.as_deref())?,
            phone: text::optional("input.phone", f.phone.as_deref(), 50)?,
            website: text::optional("input.website", f.website.as_deref(), 2000)?,
            description: text::optional(
                "input.description",
                f.description.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        let id = current.map(|m| m.id);

        match (f.consumer_type, f.level) {
            (ConsumerType::Public, _) => {
                return Err(Error::bad_input(
                    "input.consumerType",
                    Text::key("organization-public"),
                ));
            }
            (ConsumerType::StateAgency, None) => {
                return Err(Error::bad_input(
                    "input.level",
                    Text::key("organization-needs-level"),
                ));
            }
            (ConsumerType::StateAgency, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(Error::bad_input(
                    "input.level",
                    Text::key("organization-level-state-only"),
                ));
            }
        }

        if current.is_none_or(|c| c.code != f.code) {
            super::write::require_admin(caller)?;
        }
        refuse_duplicate::<Entity>(txn, eq(Column::Code, f.code.clone()), id, || {
            Text::key("organization-duplicate").arg("code", &f.code)
        })
        .await?;

        if let Some(parent_id) = f.parent_id {
            let parent = require::<Entity>(txn, caller, "input.parentId", parent_id).await?;
            if let Some(id) = id {
                refuse_cycle(txn, id, &parent).await?;
            }
            if let (Some(parent_level), Some(level)) = (parent.level, f.level)
                && level.rank() < parent_level.rank()
            {
                return Err(Error::bad_input(
                    "input.level",
                    Text::key("organization-level-above-parent")
                        .arg("level", text::enum_name(&level))
                        .arg("parent", text::enum_name(&parent_level)),
                ));
            }
        }

        // A change of level must not put the organization below its own children.
        if let (Some(id), Some(level)) = (id, f.level) {
            let children = Entity::find()
                .filter(Column::ParentId.eq(id))
                .all(txn)
                .await?;
            if let Some(child) = children
                .iter()
                .find(|c| c.level.is_some_and(|l| l.rank() < level.rank()))
            {
                return Err(Error::bad_input(
                    "input.level",
                    Text::key("organization-level-below-child")
                        .arg("level", text::enum_name(&level))
                        .arg("child", &child.code)
                        .arg(
                            "childLevel",
                            text::enum_name(&child.level.expect("checked above")),
                        ),
                ));
            }
        }
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.name_folded = Set(text::fold(&f.name));
        a.code = Set(f.code);
        a.name = Set(f.name);
        a.short_name = Set(f.short_name);
        a.level = Set(f.level);
        a.consumer_type = Set(f.consumer_type);
        a.parent_id = Set(f.parent_id);
        a.address = Set(f.address);
        a.email = Set(f.email);
        a.phone = Set(f.phone);
        a.website = Set(f.website);
        a.description = Set(f.description);
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![
            (
                count::<Entity>(txn, eq(Column::ParentId, m.id)).await?,
                "ref-child-organizations",
            ),
            (
                count::<database::Entity>(txn, eq(database::Column::OwnerId, m.id)).await?,
                "ref-databases",
            ),
            (
                count::<information_system::Entity>(
                    txn,
                    eq(information_system::Column::OwnerId, m.id),
                )
                .await?,
                "ref-information-systems",
            ),
            (
                count::<focal_point::Entity>(txn, eq(focal_point::Column::OrganizationId, m.id))
                    .await?,
                "ref-focal-points",
            ),
            (
                count::<data_service::Entity>(txn, eq(data_service::Column::ProviderId, m.id))
                    .await?,
                "ref-data-services",
            ),
            (
                count::<share::Entity>(
                    txn,
                    Condition::any()
                        .add(share::Column::ProviderId.eq(m.id))
                        .add(share::Column::ConsumerId.eq(m.id)),
                )
                .await?,
                "share(s)",
            ),
        ])
    }
}

/// Refuses to make `id` a descendant of itself by walking up from its new parent.
async fn refuse_cycle(txn: &DatabaseTransaction, id: i64, parent: &Model) -> Result<()> {
    let mut cursor = Some(parent.clone());
    for _ in 0..MAX_HIERARCHY_DEPTH {
        let Some(org) = cursor else { return Ok(()) };
        if org.id == id {
            return Err(Error::bad_input(
                "input.parentId",
                Text::key("organization-cycle"),
            ));
        }
        cursor = match org.parent_id {
            Some(p) => Entity::find_by_id(p).one(txn).await?,
            None => None,
        };
    }
    Err(Error::bad_input(
        "input.parentId",
        Text::key("organization-too-deep").arg("max", MAX_HIERARCHY_DEPTH),
    ))
}

/// The organization with this code, in any case (agency codes are capitals and digits;
/// every caller may read organizations).
pub async fn by_code(
    db: &impl sea_orm::ConnectionTrait,
    code: &str,
) -> Result<Option<entity::organization::Model>> {
    Ok(entity::organization::Entity::find()
        .filter(entity::organization::Column::Code.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await?)
}
