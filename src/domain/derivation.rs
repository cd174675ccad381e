//! Derivations: lineage edges "derived item is made from source item".

use entity::data_item;
use entity::derivation::{ActiveModel, Column, Entity, Model};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder, Set,
};

use super::data_item::item_owner;
use super::write::Tx;
use super::{Record, eq, record, refuse_duplicate, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub source_item_id: i64,
    pub derived_item_id: i64,
    pub transformation: Option<String>,
}

pub struct Derivation;

impl Record for Derivation {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "Derivation";

    /// The owner of its item (the derived one: its keeper records where it comes from).
    async fn owner(txn: &DatabaseTransaction, m: &Model) -> Result<i64> {
        item_owner(txn, m.derived_item_id).await
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            source_item_id: m.source_item_id,
            derived_item_id: m.derived_item_id,
            transformation: m.transformation.clone(),
        }
    }

    /// A derivation across organizations with no share behind it is stored all the same: the
    /// catalogue records what happens, and `complianceIssues` reports the undocumented flow.
    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let f = Fields {
            transformation: text::optional(
                "input.transformation",
                f.transformation.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        if f.source_item_id == f.derived_item_id {
            return Err(Error::bad_input(
                "input.derivedItemId",
                Text::key("derivation-self"),
            ));
        }
        require::<data_item::Entity>(txn, caller, "input.sourceItemId", f.source_item_id).await?;
        require::<data_item::Entity>(txn, caller, "input.derivedItemId", f.derived_item_id).await?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::SourceItemId, f.source_item_id)
                .add(Column::DerivedItemId.eq(f.derived_item_id)),
            current.map(|m| m.id),
            || Text::key("derivation-duplicate"),
        )
        .await?;
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.source_item_id = Set(f.source_item_id);
        a.derived_item_id = Set(f.derived_item_id);
        a.transformation = Set(f.transformation);
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        _: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(Vec::new())
    }
}

/// Removes every derivation that names `item` (made from it, or it made from another), as a
/// writer of the item's organization: its keeper decides what its data is linked with, even
/// to items it cannot see (another organization's internal item made from it). Each removal
/// is audited, so the other item's keeper hears of it through the events. Returns how many
/// were removed.
pub async fn detach(db: &DatabaseConnection, caller: &Caller, item: i64) -> Result<u64> {
    let mut tx = Tx::begin(db, caller).await?;
    let item = require::<data_item::Entity>(&tx.txn, caller, "input.dataItemId", item).await?;
    tx.require_writer(item.owner_id)?;
    let linked = Entity::find()
        .filter(
            Condition::any()
                .add(Column::SourceItemId.eq(item.id))
                .add(Column::DerivedItemId.eq(item.id)),
        )
        .order_by_asc(Column::Id)
        .all(&tx.txn)
        .await?;
    for derivation in &linked {
        record::<Derivation>(&mut tx, "DELETE", Some(derivation), None).await?;
        derivation.clone().delete(&tx.txn).await?;
    }
    tx.commit().await?;
    Ok(linked.len() as u64)
}
