//! Data items: categories of data inside a database (hạng mục dữ liệu).

use entity::data_item::{ActiveModel, Column, Entity, Model};
use entity::{database, sharing_policy};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::sharing_policy::check_mode;
use super::{Record, count, eq, refuse_duplicate, require, share, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub database_id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub is_master_data: bool,
    pub is_shared_code_list: bool,
    pub is_personal_data: bool,
}

/// Validated fields and the owner they imply: the owner of the item's database.
pub struct Valid {
    pub fields: Fields,
    pub owner_id: i64,
}

pub struct DataItem;

impl Record for DataItem {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Valid;
    const NAME: &'static str = "DataItem";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.owner_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            database_id: m.database_id,
            code: m.code.clone(),
            name: m.name.clone(),
            description: m.description.clone(),
            is_master_data: m.is_master_data,
            is_shared_code_list: m.is_shared_code_list,
            is_personal_data: m.is_personal_data,
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Valid> {
        let database =
            require::<database::Entity>(txn, caller, "input.databaseId", f.database_id).await?;
        let f = Fields {
            code: text::code("input.code", &f.code, 64)?,
            name: text::required("input.name", &f.name, text::MAX_NAME)?,
            description: text::optional(
                "input.description",
                f.description.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::DatabaseId, f.database_id).add(Column::Code.eq(&f.code)),
            current.map(|m| m.id),
            || Text::key("item-duplicate").arg("code", &f.code),
        )
        .await?;
        // The item's flags constrain its policies: re-check the stored ones against the new flags.
        if let Some(current) = current {
            let policies = sharing_policy::Entity::find()
                .filter(sharing_policy::Column::DataItemId.eq(current.id))
                .all(txn)
                .await?;
            for p in policies {
                check_mode(
                    &f,
                    p.consumer_type,
                    p.mode,
                    p.legal_basis.as_deref(),
                    "legalBasis",
                )
                .map_err(|e| {
                    Error::bad_input(
                        "input",
                        Text::key("item-policy-no-longer-fits")
                            .arg("consumer", crate::domain::text::enum_name(&p.consumer_type))
                            .with("reason", e),
                    )
                })?;
            }
        }
        Ok(Valid {
            fields: f,
            owner_id: database.owner_id,
        })
    }

    fn assign(
        a: &mut ActiveModel,
        Valid {
            fields: f,
            owner_id,
        }: Valid,
    ) {
        a.name_folded = Set(text::fold(&f.name));
        a.database_id = Set(f.database_id);
        a.owner_id = Set(owner_id);
        a.code = Set(f.code);
        a.name = Set(f.name);
        a.description = Set(f.description);
        a.is_master_data = Set(f.is_master_data);
        a.is_shared_code_list = Set(f.is_shared_code_list);
        a.is_personal_data = Set(f.is_personal_data);
    }

    async fn after_update(txn: &DatabaseTransaction, before: &Model, after: &Model) -> Result<()> {
        if before.owner_id != after.owner_id {
            share::move_provider(txn, vec![after.id], after.owner_id).await?;
        }
        Ok(())
    }

    /// Policies belong to the item and go with it (ON DELETE CASCADE); shares, derivations and
    /// services that name it keep it. Derivations linking it with items the caller cannot see
    /// are named apart, with the mutation that removes them.
    async fn references(
        txn: &DatabaseTransaction,
        caller: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        use crate::access::visibility::Visible;
        use entity::{data_service_item as link, derivation, share as share_entity};
        let derivations = Condition::any()
            .add(derivation::Column::SourceItemId.eq(m.id))
            .add(derivation::Column::DerivedItemId.eq(m.id));
        let all = count::<derivation::Entity>(txn, derivations.clone()).await?;
        let seen = count::<derivation::Entity>(
            txn,
            Condition::all()
                .add(derivations)
                .add(derivation::Entity::visible_to(caller)),
        )
        .await?;
        Ok(vec![
            (
                count::<share_entity::Entity>(txn, eq(share_entity::Column::DataItemId, m.id))
                    .await?,
                "ref-shares",
            ),
            (seen, "ref-derivations"),
            (all - seen, "ref-derivations-hidden"),
            (
                count::<link::Entity>(txn, eq(link::Column::DataItemId, m.id)).await?,
                "ref-services-providing",
            ),
        ])
    }
}

/// The organization that owns an item.
pub async fn item_owner(txn: &DatabaseTransaction, item: i64) -> Result<i64> {
    Entity::find_by_id(item)
        .one(txn)
        .await?
        .map(|m| m.owner_id)
        .ok_or_else(|| Error::not_found("DataItem", item))
}
