//! Sharing policies: how one data item may be shared with one kind of consumer, and the rules
//! of Decree 47/2020 (as amended by Decree 194/2025) that constrain them.

use entity::data_item;
use entity::enums::{ConsumerType, SharingMode};
use entity::sharing_policy::{ActiveModel, Column, Entity, Model};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};

use super::data_item::{DataItem, Fields as ItemFields, item_owner};
use super::write::Tx;
use super::{Record, eq, refuse_duplicate, require, text};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

#[derive(Debug, Clone)]
pub struct Fields {
    pub data_item_id: i64,
    pub consumer_type: ConsumerType,
    pub mode: SharingMode,
    pub conditions: Option<String>,
    pub legal_basis: Option<String>,
}

/// Why a mode is not allowed for a consumer type on an item; `None` when it is.
/// Each rule names its legal basis so a steward can check it.
pub fn check_mode(
    item: &ItemFields,
    consumer: ConsumerType,
    mode: SharingMode,
    legal_basis: Option<&str>,
    legal_basis_field: &str,
) -> std::result::Result<(), Text> {
    use ConsumerType as C;
    use SharingMode as M;
    match (consumer, mode) {
        (C::Public, M::Default | M::OnRequest) => {
            return Err(Text::key("mode-public"));
        }
        (C::StateAgency, _) | (_, M::Open | M::OnRequest | M::NotShared) => {}
        (_, M::Default) => {
            return Err(Text::key("mode-default-state-only"));
        }
    }
    if mode == M::Open && item.is_personal_data {
        return Err(Text::key("mode-personal-open"));
    }
    if consumer == C::StateAgency
        && (item.is_master_data || item.is_shared_code_list)
        && !matches!(mode, M::Default | M::Open)
    {
        return Err(Text::key("mode-master-default"));
    }
    if mode == M::NotShared && legal_basis.is_none_or(|b| b.trim().is_empty()) {
        return Err(Text::key("mode-not-shared-basis").arg("field", legal_basis_field));
    }
    Ok(())
}

pub struct SharingPolicy;

impl Record for SharingPolicy {
    type Entity = Entity;
    type Active = ActiveModel;
    type Fields = Fields;
    type Valid = Fields;
    const NAME: &'static str = "SharingPolicy";

    /// The owner of its item.
    async fn owner(txn: &DatabaseTransaction, m: &Model) -> Result<i64> {
        item_owner(txn, m.data_item_id).await
    }

    fn fields(m: &Model) -> Fields {
        Fields {
            data_item_id: m.data_item_id,
            consumer_type: m.consumer_type,
            mode: m.mode,
            conditions: m.conditions.clone(),
            legal_basis: m.legal_basis.clone(),
        }
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        current: Option<&Model>,
        f: Fields,
    ) -> Result<Fields> {
        let f = Fields {
            conditions: text::optional(
                "input.conditions",
                f.conditions.as_deref(),
                text::MAX_TEXT,
            )?,
            legal_basis: text::optional(
                "input.legalBasis",
                f.legal_basis.as_deref(),
                text::MAX_TEXT,
            )?,
            ..f
        };
        if let Some(current) = current
            && current.data_item_id != f.data_item_id
        {
            return Err(Error::bad_input(
                "input.dataItemId",
                Text::key("policy-item-fixed"),
            ));
        }
        let item =
            require::<data_item::Entity>(txn, caller, "input.dataItemId", f.data_item_id).await?;
        check_mode(
            &DataItem::fields(&item),
            f.consumer_type,
            f.mode,
            f.legal_basis.as_deref(),
            "legalBasis",
        )
        .map_err(|why| Error::bad_input("input.mode", why))?;
        refuse_duplicate::<Entity>(
            txn,
            eq(Column::DataItemId, f.data_item_id).add(Column::ConsumerType.eq(f.consumer_type)),
            current.map(|m| m.id),
            || Text::key("policy-duplicate").arg("consumer", text::enum_name(&f.consumer_type)),
        )
        .await?;
        Ok(f)
    }

    fn assign(a: &mut ActiveModel, f: Fields) {
        a.data_item_id = Set(f.data_item_id);
        a.consumer_type = Set(f.consumer_type);
        a.mode = Set(f.mode);
        a.conditions = Set(f.conditions);
        a.legal_basis = Set(f.legal_basis);
    }

    /// Whether the item is published depends on its policies.
    async fn after_write(
        tx: &mut Tx<'_>,
        before: Option<&Model>,
        after: Option<&Model>,
    ) -> Result<()> {
        if let Some(p) = after.or(before) {
            refresh_published(&tx.txn, p.data_item_id).await?;
            refuse_orphaned_shares(&tx.txn, p.data_item_id).await?;
        }
        Ok(())
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        _: &Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(Vec::new())
    }
}

/// Refuses a policy change that leaves an active share of `item` without a policy allowing it
/// (its consumer's type now `NOT_SHARED` or without a policy, and no `OPEN` public policy): a
/// share must not outlive the policy it rests on. The provider suspends or revokes it first.
async fn refuse_orphaned_shares(txn: &DatabaseTransaction, item: i64) -> Result<()> {
    use sea_orm::ConnectionTrait;
    let sql = "SELECT COUNT(*) FROM shares s JOIN organizations o ON o.id = s.consumer_id
         WHERE s.data_item_id = ? AND s.status = 'ACTIVE'
         AND NOT EXISTS (
            SELECT 1 FROM sharing_policies p WHERE p.data_item_id = s.data_item_id
            AND ((p.consumer_type = o.consumer_type AND p.mode <> 'NOT_SHARED')
                 OR (p.consumer_type = 'PUBLIC' AND p.mode = 'OPEN')))";
    let row = txn
        .query_one_raw(super::sql::statement(
            txn.get_database_backend(),
            sql,
            vec![item.into()],
        ))
        .await?;
    let orphaned = row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    if orphaned > 0 {
        return Err(Error::conflict(
            Text::key("policy-orphans-shares").arg("count", orphaned),
        ));
    }
    Ok(())
}

/// Sets an item's `published` flag from its policies: shared with someone by at least one.
pub async fn refresh_published(txn: &DatabaseTransaction, item: i64) -> Result<()> {
    let shared = super::count::<Entity>(
        txn,
        eq(Column::DataItemId, item).add(Column::Mode.ne(SharingMode::NotShared)),
    )
    .await?;
    data_item::Entity::update_many()
        .col_expr(data_item::Column::Published, Expr::value(shared > 0))
        .filter(data_item::Column::Id.eq(item))
        .exec(txn)
        .await?;
    Ok(())
}

/// One entry of [`set_policies`].
#[derive(Debug, Clone)]
pub struct PolicyEntry {
    pub consumer_type: ConsumerType,
    pub mode: SharingMode,
    pub conditions: Option<String>,
    pub legal_basis: Option<String>,
}

/// Upserts the policies of one item for several consumer types in one transaction; consumer
/// types not named keep their policies. Returns the item's policies after the change.
pub async fn set_policies(
    db: &DatabaseConnection,
    caller: &Caller,
    data_item_id: i64,
    entries: Vec<PolicyEntry>,
) -> Result<Vec<Model>> {
    if entries.is_empty() {
        return Err(Error::bad_input(
            "input.policies",
            Text::key("policies-needs-one"),
        ));
    }
    for (i, e) in entries.iter().enumerate() {
        if entries[..i]
            .iter()
            .any(|p| p.consumer_type == e.consumer_type)
        {
            return Err(Error::bad_input(
                format!("input.policies.{i}.consumerType"),
                Text::key("policy-consumer-twice")
                    .arg("consumer", text::enum_name(&e.consumer_type)),
            ));
        }
    }
    let mut tx = Tx::begin(db, caller).await?;
    require::<data_item::Entity>(&tx.txn, caller, "input.dataItemId", data_item_id).await?;
    let existing = Entity::find()
        .filter(Column::DataItemId.eq(data_item_id))
        .all(&tx.txn)
        .await?;
    for (i, e) in entries.into_iter().enumerate() {
        let fields = Fields {
            data_item_id,
            consumer_type: e.consumer_type,
            mode: e.mode,
            conditions: e.conditions,
            legal_basis: e.legal_basis,
        };
        // Errors name the entry, not a single `input` field.
        let at = |err: Error| match err {
            Error::BadInput { field, message } => Error::BadInput {
                field: field.replacen("input", &format!("input.policies.{i}"), 1),
                message,
            },
            other => other,
        };
        match existing.iter().find(|p| p.consumer_type == e.consumer_type) {
            Some(current) => {
                super::update_in::<SharingPolicy>(&mut tx, current.clone(), None, |f| *f = fields)
                    .await
                    .map_err(at)?;
            }
            None => {
                super::create_in::<SharingPolicy>(&mut tx, fields)
                    .await
                    .map_err(at)?;
            }
        }
    }
    let policies = Entity::find()
        .filter(Column::DataItemId.eq(data_item_id))
        .all(&tx.txn)
        .await?;
    tx.commit().await?;
    Ok(policies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(master: bool, code_list: bool, personal: bool) -> ItemFields {
        ItemFields {
            database_id: 1,
            code: "X".into(),
            name: "Thông tin hộ nghèo".into(),
            description: None,
            is_master_data: master,
            is_shared_code_list: code_list,
            is_personal_data: personal,
        }
    }

    #[test]
    fn the_decree_rules_on_modes() {
        use ConsumerType as C;
        use SharingMode as M;
        let plain = item(false, false, false);
        let basis = Some("Điều 10 Nghị định 47/2020/NĐ-CP");
        // (item, consumer, mode, legal basis, allowed)
        let cases = [
            (&plain, C::StateAgency, M::Default, None, true),
            (&plain, C::StateAgency, M::OnRequest, None, true),
            (&plain, C::Enterprise, M::Default, None, false),
            (&plain, C::Enterprise, M::OnRequest, None, true),
            (&plain, C::Public, M::Open, None, true),
            (&plain, C::Public, M::Default, None, false),
            (&plain, C::Public, M::OnRequest, None, false),
            (&plain, C::Public, M::NotShared, None, false),
            (&plain, C::Public, M::NotShared, basis, true),
            (&item(false, false, true), C::Public, M::Open, None, false),
            (
                &item(false, false, true),
                C::StateAgency,
                M::Open,
                None,
                false,
            ),
            (
                &item(true, false, false),
                C::StateAgency,
                M::OnRequest,
                None,
                false,
            ),
            (
                &item(true, false, false),
                C::StateAgency,
                M::NotShared,
                basis,
                false,
            ),
            (
                &item(false, true, false),
                C::StateAgency,
                M::Open,
                None,
                true,
            ),
            (
                &item(true, false, false),
                C::Enterprise,
                M::OnRequest,
                None,
                true,
            ),
        ];
        for (item, consumer, mode, basis, allowed) in cases {
            assert_eq!(
                check_mode(item, consumer, mode, basis, "legalBasis").is_ok(),
                allowed,
                "{consumer:?} {mode:?} master={} personal={}",
                item.is_master_data,
                item.is_personal_data
            );
        }
    }
}
