//! Writing checked rows: merged by code into the stored databases, items and policies in one
//! transaction, audited, or rolled back for a dry run.

use super::*;

/// The columns in which an item's row differs from the stored item and its policies.
pub(super) fn differing_item_columns(
    stored: &data_item::Model,
    policies: &[sharing_policy::Model],
    row: &Row,
) -> Vec<String> {
    let (name, description, master, code_list, personal) = item_row(stored);
    let same = [
        name == row.item.name,
        description == row.item.description,
        master == row.item.is_master_data,
        code_list == row.item.is_shared_code_list,
        personal == row.item.is_personal_data,
    ];
    let mut columns: Vec<String> = same
        .iter()
        .enumerate()
        .filter(|(_, same)| !**same)
        .map(|(i, _)| ITEM_COLUMNS[i + 1].to_owned())
        .collect();
    for ((consumer, suffix), wanted) in CONSUMERS.iter().zip(&row.policies) {
        let have = policies.iter().find(|p| p.consumer_type == *consumer);
        let have = have.map(|p| (p.mode, p.legal_basis.as_ref(), p.conditions.as_ref()));
        let want = wanted
            .as_ref()
            .map(|p| (p.mode, p.legal_basis.as_ref(), p.conditions.as_ref()));
        if have.map(|h| h.0) != want.map(|w| w.0) {
            columns.push(format!("mode_{suffix}"));
        }
        if have.and_then(|h| h.1) != want.and_then(|w| w.1) {
            columns.push(format!("legal_basis_{suffix}"));
        }
        if have.and_then(|h| h.2) != want.and_then(|w| w.2) {
            columns.push(format!("conditions_{suffix}"));
        }
    }
    columns
}

/// Imports `table` as `caller`, all or nothing: `Err(Error::InvalidRows)` lists every bad row,
/// and then nothing is written. With `dry_run`, every check runs and every write is made inside
/// the transaction (so that what only the database can see, a unique clash, is found too), then
/// the transaction is rolled back: the answer says what would change.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    table: &sheet::Table,
    dry_run: bool,
) -> Result<Imported> {
    // The rows are checked on their own before the write transaction takes the write lock.
    let (rows, mut errors, names) = parse(table);
    check_consistency(&rows, &mut errors);
    let mut tx = Tx::begin(db, caller).await?;
    let mut stored = Stored::named(&tx.txn, &rows).await?;
    stored.check_writers(caller, &rows, &mut errors)?;
    stored.read_items(&tx.txn).await?;
    if !errors.is_empty() {
        // Each error names its column as the file does.
        errors.rename_columns(|c| names.of(c));
        return Err(Error::InvalidRows(errors.sorted()));
    }

    let mut done = Imported {
        rows: rows.len(),
        dry_run,
        ..Imported::default()
    };
    let now = Utc::now();
    let database_ids = write_databases(&mut tx, &stored, &rows, now, &mut done).await?;
    write_items(&mut tx, &stored, &rows, &database_ids, now, &mut done).await?;
    if dry_run {
        // Rolled back, with the audit entries and events it would have written.
        tx.txn.rollback().await?;
    } else {
        tx.commit().await?;
    }
    done.changes
        .sort_by_key(|c| (c.line, c.entity == Entity::Item));
    Ok(done)
}

/// What the catalogue holds of what a file names: its organizations and databases by code,
/// then those databases' items and the items' policies.
struct Stored {
    organizations: HashMap<String, organization::Model>,
    databases: HashMap<String, database::Model>,
    items: HashMap<(i64, String), data_item::Model>,
    policies: HashMap<i64, Vec<sharing_policy::Model>>,
}

impl Stored {
    /// The organizations and databases the rows name.
    async fn named(txn: &sea_orm::DatabaseTransaction, rows: &[Row]) -> Result<Self> {
        let mut codes: Vec<String> = rows.iter().map(|r| r.organization_code.clone()).collect();
        codes.sort();
        codes.dedup();
        let organizations: HashMap<String, organization::Model> =
            find_in::<organization::Entity, _>(txn, organization::Column::Code, &codes)
                .await?
                .into_iter()
                .map(|o| (o.code.clone(), o))
                .collect();
        let mut database_codes: Vec<String> =
            rows.iter().map(|r| r.database.code.clone()).collect();
        database_codes.sort();
        database_codes.dedup();
        let stored_databases: HashMap<String, database::Model> =
            find_in::<database::Entity, _>(txn, database::Column::Code, &database_codes)
                .await?
                .into_iter()
                .map(|d| (d.code.clone(), d))
                .collect();
        Ok(Self {
            organizations,
            databases: stored_databases,
            items: HashMap::new(),
            policies: HashMap::new(),
        })
    }

    /// Rows of organizations the caller may not write refuse the whole import (FORBIDDEN); a
    /// row naming an unknown organization, or a database of another organization, is a bad row.
    fn check_writers(&self, caller: &Caller, rows: &[Row], errors: &mut RowErrors) -> Result<()> {
        let (organizations, stored_databases) = (&self.organizations, &self.databases);
        let mut forbidden: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for row in rows {
            let fail = |column: &str, reason: Text| RowError {
                line: row.line,
                column: column.into(),
                reason,
            };
            let Some(org) = organizations.get(&row.organization_code) else {
                errors.push(fail(
                    "organization_code",
                    Text::key("organization-unknown-code").arg("code", &row.organization_code),
                ));
                continue;
            };
            if !caller.may_write(org.id) {
                forbidden
                    .entry(org.name.as_str())
                    .or_default()
                    .push(row.line);
                continue;
            }
            if let Some(stored) = stored_databases.get(&row.database.code)
                && stored.owner_id != org.id
            {
                errors.push(fail(
                    "database_code",
                    Text::key("inventory-database-other-owner").arg("database", &row.database.code),
                ));
            }
        }

        if !forbidden.is_empty() {
            let which: Vec<String> = forbidden
                .iter()
                .map(|(name, lines)| format!("{name} (line {})", lines[0]))
                .collect();
            return Err(Error::Forbidden(
                Text::key("forbidden-import-other").arg("which", which.join(", ")),
            ));
        }

        Ok(())
    }

    /// The stored items of the stored databases, and their policies.
    async fn read_items(&mut self, txn: &sea_orm::DatabaseTransaction) -> Result<()> {
        let stored_databases = &self.databases;
        let stored_ids: Vec<i64> = stored_databases.values().map(|d| d.id).collect();
        let stored_items: HashMap<(i64, String), data_item::Model> =
            find_in::<data_item::Entity, _>(txn, data_item::Column::DatabaseId, &stored_ids)
                .await?
                .into_iter()
                .map(|i| ((i.database_id, i.code.clone()), i))
                .collect();
        let item_ids: Vec<i64> = stored_items.values().map(|i| i.id).collect();
        let mut stored_policies: HashMap<i64, Vec<sharing_policy::Model>> = HashMap::new();
        for p in
            find_in::<sharing_policy::Entity, _>(txn, sharing_policy::Column::DataItemId, &item_ids)
                .await?
        {
            stored_policies.entry(p.data_item_id).or_default().push(p);
        }
        self.items = stored_items;
        self.policies = stored_policies;
        Ok(())
    }
}

/// Creates the new databases and updates the changed ones; every database's id by code.
async fn write_databases(
    tx: &mut Tx<'_>,
    stored: &Stored,
    rows: &[Row],
    now: chrono::DateTime<Utc>,
    done: &mut Imported,
) -> Result<HashMap<String, i64>> {
    let (organizations, stored_databases) = (&stored.organizations, &stored.databases);
    let mut database_ids: HashMap<String, i64> = stored_databases
        .iter()
        .map(|(c, d)| (c.clone(), d.id))
        .collect();
    let mut first_rows: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in rows {
        first_rows.entry(&row.database.code).or_insert(row);
    }
    let mut new_databases = Vec::new();
    for (code, row) in &first_rows {
        let owner = organizations[&row.organization_code].id;
        let changed = |action, columns: Vec<&str>| RowChange {
            line: row.line,
            entity: Entity::Database,
            code: (*code).to_owned(),
            action,
            columns: columns.into_iter().map(str::to_owned).collect(),
        };
        match stored_databases.get(*code) {
            Some(stored) => {
                let columns = differing_columns(&database_row(stored), &row.database);
                if columns.is_empty() {
                    done.changes.push(changed(Action::Unchanged, columns));
                } else {
                    done.changes.push(changed(Action::Updated, columns));
                    let mut active: database::ActiveModel = stored.clone().into();
                    assign_database(&mut active, &row.database, owner);
                    active.version = Set(stored.version + 1);
                    active.updated_at = Set(now);
                    let after = sea_orm::ActiveModelTrait::update(active, &tx.txn).await?;
                    tx.record(change(
                        "IMPORT",
                        "Database",
                        after.id,
                        owner,
                        Some(stored),
                        &after,
                        None,
                    ));
                    done.databases_updated += 1;
                }
            }
            None => {
                let mut active = database::ActiveModel {
                    id: NotSet,
                    system_id: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                assign_database(&mut active, &row.database, owner);
                new_databases.push(active);
                done.changes.push(changed(Action::Created, Vec::new()));
            }
        }
    }
    for chunk in chunked(new_databases) {
        for created in database::Entity::insert_many(chunk)
            .exec_with_returning(&tx.txn)
            .await?
        {
            database_ids.insert(created.code.clone(), created.id);
            tx.record(change(
                "IMPORT",
                "Database",
                created.id,
                created.owner_id,
                None,
                &created,
                None,
            ));
            done.databases_created += 1;
        }
    }

    Ok(database_ids)
}

/// Creates the new items and updates the changed ones, replacing the policies of those whose
/// policies changed.
async fn write_items(
    tx: &mut Tx<'_>,
    stored: &Stored,
    rows: &[Row],
    database_ids: &HashMap<String, i64>,
    now: chrono::DateTime<Utc>,
    done: &mut Imported,
) -> Result<()> {
    let organizations = &stored.organizations;
    let (stored_items, stored_policies) = (&stored.items, &stored.policies);
    let mut new_items = Vec::new();
    let mut new_item_policies: HashMap<(i64, String), &[Option<Policy>; 5]> = HashMap::new();
    let mut replaced: Vec<i64> = Vec::new();
    let mut new_policies: Vec<sharing_policy::ActiveModel> = Vec::new();
    for row in rows {
        let database_id = database_ids[&row.database.code];
        let owner = organizations[&row.organization_code].id;
        let published = row
            .policies
            .iter()
            .flatten()
            .any(|p| p.mode != SharingMode::NotShared);
        match stored_items.get(&(database_id, row.item.code.clone())) {
            Some(stored) => {
                let policies = stored_policies
                    .get(&stored.id)
                    .map_or(&[][..], Vec::as_slice);
                let same_item = item_row(stored) == item_row_of(&row.item);
                let same_policies = policy_set(policies) == policy_set_of(&row.policies);
                let columns = if same_item && same_policies {
                    Vec::new()
                } else {
                    differing_item_columns(stored, policies, row)
                };
                done.changes.push(RowChange {
                    line: row.line,
                    entity: Entity::Item,
                    code: format!("{}/{}", row.database.code, row.item.code),
                    action: if columns.is_empty() {
                        Action::Unchanged
                    } else {
                        Action::Updated
                    },
                    columns,
                });
                if same_item && same_policies {
                    done.items_unchanged += 1;
                    continue;
                }
                let mut active: data_item::ActiveModel = stored.clone().into();
                assign_item(&mut active, &row.item, database_id, owner, published);
                active.version = Set(stored.version + 1);
                active.updated_at = Set(now);
                let after = sea_orm::ActiveModelTrait::update(active, &tx.txn).await?;
                if !same_policies {
                    replaced.push(stored.id);
                    new_policies.extend(policy_rows(stored.id, &row.policies, now));
                }
                let before = (stored, policy_json(policies));
                tx.record(change(
                    "IMPORT",
                    "DataItem",
                    after.id,
                    owner,
                    Some(before.0),
                    &after,
                    Some((before.1, policy_json_of(&row.policies))),
                ));
                done.items_updated += 1;
            }
            None => {
                let mut active = data_item::ActiveModel {
                    id: NotSet,
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                assign_item(&mut active, &row.item, database_id, owner, published);
                new_item_policies.insert((database_id, row.item.code.clone()), &row.policies);
                new_items.push(active);
                done.changes.push(RowChange {
                    line: row.line,
                    entity: Entity::Item,
                    code: format!("{}/{}", row.database.code, row.item.code),
                    action: Action::Created,
                    columns: Vec::new(),
                });
            }
        }
    }
    for chunk in replaced.chunks(CHUNK) {
        sharing_policy::Entity::delete_many()
            .filter(sharing_policy::Column::DataItemId.is_in(chunk.iter().copied()))
            .exec(&tx.txn)
            .await?;
    }
    for chunk in chunked(new_items) {
        for created in data_item::Entity::insert_many(chunk)
            .exec_with_returning(&tx.txn)
            .await?
        {
            let policies = new_item_policies[&(created.database_id, created.code.clone())];
            new_policies.extend(policy_rows(created.id, policies, now));
            tx.record(change(
                "IMPORT",
                "DataItem",
                created.id,
                created.owner_id,
                None,
                &created,
                Some((json!([]), policy_json_of(policies))),
            ));
            done.items_created += 1;
        }
    }
    for chunk in chunked(new_policies) {
        sharing_policy::Entity::insert_many(chunk)
            .exec_without_returning(&tx.txn)
            .await?;
    }
    Ok(())
}

/// An audit entry for an imported row; an item's entry holds its policies before and after.
pub(super) fn change<M: sea_orm::ModelTrait>(
    action: &'static str,
    entity_type: &'static str,
    id: i64,
    organization: i64,
    before: Option<&M>,
    after: &M,
    policies: Option<(serde_json::Value, serde_json::Value)>,
) -> Change {
    let with = |row: serde_json::Value, p: Option<serde_json::Value>| match (row, p) {
        (serde_json::Value::Object(mut map), Some(p)) => {
            map.insert("policies".into(), p);
            serde_json::Value::Object(map)
        }
        (row, _) => row,
    };
    let (before_policies, after_policies) = match policies {
        Some((b, a)) => (Some(b), Some(a)),
        None => (None, None),
    };
    Change {
        action,
        entity_type,
        entity_id: id,
        organization: Some(organization),
        before: before.map(|b| with(snapshot(b), before_policies)),
        after: Some(with(snapshot(after), after_policies)),
    }
}

pub(super) fn database_row(m: &database::Model) -> DatabaseRow {
    DatabaseRow {
        code: m.code.clone(),
        name: m.name.clone(),
        kind: m.kind,
        status: m.status,
        update_frequency: m.update_frequency,
        purpose: m.purpose.clone(),
        scope: m.scope.clone(),
        content: m.content.clone(),
        collection_method: m.collection_method.clone(),
        data_sources: m.data_sources.clone(),
        legal_basis: m.legal_basis.clone(),
        usage_rules: m.usage_rules.clone(),
    }
}

pub(super) fn assign_database(a: &mut database::ActiveModel, d: &DatabaseRow, owner: i64) {
    a.code = Set(d.code.clone());
    a.name_folded = Set(text::fold(&d.name));
    a.name = Set(d.name.clone());
    a.kind = Set(d.kind);
    a.owner_id = Set(owner);
    a.status = Set(d.status);
    a.update_frequency = Set(d.update_frequency);
    a.purpose = Set(d.purpose.clone());
    a.scope = Set(d.scope.clone());
    a.content = Set(d.content.clone());
    a.collection_method = Set(d.collection_method.clone());
    a.data_sources = Set(d.data_sources.clone());
    a.legal_basis = Set(d.legal_basis.clone());
    a.usage_rules = Set(d.usage_rules.clone());
}

pub(super) type ItemKey = (String, Option<String>, bool, bool, bool);

pub(super) fn item_row(m: &data_item::Model) -> ItemKey {
    (
        m.name.clone(),
        m.description.clone(),
        m.is_master_data,
        m.is_shared_code_list,
        m.is_personal_data,
    )
}

pub(super) fn item_row_of(f: &ItemFields) -> ItemKey {
    (
        f.name.clone(),
        f.description.clone(),
        f.is_master_data,
        f.is_shared_code_list,
        f.is_personal_data,
    )
}

pub(super) fn assign_item(
    a: &mut data_item::ActiveModel,
    f: &ItemFields,
    database_id: i64,
    owner: i64,
    published: bool,
) {
    a.database_id = Set(database_id);
    a.owner_id = Set(owner);
    a.code = Set(f.code.clone());
    a.name_folded = Set(text::fold(&f.name));
    a.name = Set(f.name.clone());
    a.description = Set(f.description.clone());
    a.is_master_data = Set(f.is_master_data);
    a.is_shared_code_list = Set(f.is_shared_code_list);
    a.is_personal_data = Set(f.is_personal_data);
    a.published = Set(published);
}

pub(super) type PolicyKey = Vec<(ConsumerType, SharingMode, Option<String>, Option<String>)>;

pub(super) fn policy_set(stored: &[sharing_policy::Model]) -> PolicyKey {
    let mut set: PolicyKey = stored
        .iter()
        .map(|p| {
            (
                p.consumer_type,
                p.mode,
                p.legal_basis.clone(),
                p.conditions.clone(),
            )
        })
        .collect();
    set.sort_by_key(|(c, ..)| CONSUMERS.iter().position(|(k, _)| k == c));
    set
}

pub(super) fn policy_set_of(row: &[Option<Policy>; 5]) -> PolicyKey {
    CONSUMERS
        .iter()
        .zip(row)
        .filter_map(|((c, _), p)| {
            p.as_ref()
                .map(|p| (*c, p.mode, p.legal_basis.clone(), p.conditions.clone()))
        })
        .collect()
}

pub(super) fn policy_json(stored: &[sharing_policy::Model]) -> serde_json::Value {
    key_json(policy_set(stored))
}

pub(super) fn policy_json_of(row: &[Option<Policy>; 5]) -> serde_json::Value {
    key_json(policy_set_of(row))
}

pub(super) fn key_json(set: PolicyKey) -> serde_json::Value {
    serde_json::Value::Array(
        set.into_iter()
            .map(|(c, m, l, k)| json!({ "consumer_type": c, "mode": m, "legal_basis": l, "conditions": k }))
            .collect(),
    )
}
