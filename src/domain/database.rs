//! Databases in an organization's catalogue (cơ sở dữ liệu).

use entity::database::{ActiveModel, Column, Entity, Model};
use entity::enums::{DatabaseKind, DatabaseStatus, UpdateFrequency};
use entity::{data_item, information_system, organization};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set};

use super::{Record, count, eq, refuse_duplicate, require, share, text};
use crate::access::Caller;
use crate::error::Result;
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub code: String,
    pub name: String,
    pub kind: DatabaseKind,
    pub owner_id: i64,
    pub system_id: Option<i64>,
    pub purpose: Option<String>,
    pub scope: Option<String>,
    pub content: Option<String>,
    pub collection_method: Option<String>,
    pub update_frequency: UpdateFrequency,
    pub data_sources: Option<String>,
    pub legal_basis: Option<String>,
    pub usage_rules: Option<String>,
    pub status: DatabaseStatus,
}

pub struct Database;

impl Record for Database {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "Database";

    async fn owner(_: &DatabaseTransaction, m: &Model) -> Result<i64> {
        Ok(m.owner_id)
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            code: m.code.clone(),
            name: m.name.clone(),
            kind: m.kind,
            owner_id: m.owner_id,
            system_id: m.system_id,
            purpose: m.purpose.clone(),
            scope: m.scope.clone(),
            content: m.content.clone(),
            collection_method: m.collection_method.clone(),
            update_frequency: m.update_frequency,
            data_sources: m.data_sources.clone(),
            legal_basis: m.legal_basis.clone(),
            usage_rules: m.usage_rules.clone(),
            status: m.status,
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
            code: text::code("input.code", &f.code, 64)?,
            name: text::required("input.name", &f.name, text::MAX_NAME)?,
            purpose: long("input.purpose", f.purpose)?,
            scope: long("input.scope", f.scope)?,
            content: long("input.content", f.content)?,
            collection_method: long("input.collectionMethod", f.collection_method)?,
            data_sources: long("input.dataSources", f.data_sources)?,
            legal_basis: long("input.legalBasis", f.legal_basis)?,
            usage_rules: long("input.usageRules", f.usage_rules)?,
            ..f
        };
        require::<organization::Entity>(txn, caller, "input.organizationId", f.owner_id).await?;
        if let Some(system_id) = f.system_id {
            require::<information_system::Entity>(txn, caller, "input.systemId", system_id).await?;
        }
        super::write::require_writer(caller, f.owner_id)?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::Code, f.code.clone()),
            current.map(|m| m.id),
            || Text::key("database-duplicate").arg("code", &f.code),
        )
        .await?;
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.name_folded = Set(text::fold(&f.name));
        a.code = Set(f.code);
        a.name = Set(f.name);
        a.kind = Set(f.kind);
        a.owner_id = Set(f.owner_id);
        a.system_id = Set(f.system_id);
        a.purpose = Set(f.purpose);
        a.scope = Set(f.scope);
        a.content = Set(f.content);
        a.collection_method = Set(f.collection_method);
        a.update_frequency = Set(f.update_frequency);
        a.data_sources = Set(f.data_sources);
        a.legal_basis = Set(f.legal_basis);
        a.usage_rules = Set(f.usage_rules);
        a.status = Set(f.status);
    }

    /// A database's items follow it to a new owner, and so do the shares of those items.
    async fn after_update(txn: &DatabaseTransaction, before: &Model, after: &Model) -> Result<()> {
        if before.owner_id == after.owner_id {
            return Ok(());
        }
        let items: Vec<i64> = data_item::Entity::find()
            .select_only()
            .column(data_item::Column::Id)
            .filter(data_item::Column::DatabaseId.eq(after.id))
            .into_tuple()
            .all(txn)
            .await?;
        data_item::Entity::update_many()
            .col_expr(data_item::Column::OwnerId, Expr::value(after.owner_id))
            .filter(data_item::Column::DatabaseId.eq(after.id))
            .exec(txn)
            .await?;
        share::move_provider(txn, items, after.owner_id).await
    }

    async fn references(
        txn: &DatabaseTransaction,
        _: &Caller,
        m: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(vec![(
            count::<data_item::Entity>(txn, eq(data_item::Column::DatabaseId, m.id)).await?,
            "ref-data-items",
        )])
    }
}
