//! The catalogue inventory as a spreadsheet (bảng kiểm kê danh mục): one row per data item,
//! with its organization's code, its database's columns, its own columns and one sharing mode
//! per kind of consumer. Districts review their catalogue in spreadsheets; this is how those
//! spreadsheets come in and go out.
//!
//! An import is all or nothing: every row is checked (the same rules as the API's: codes,
//! lengths, the sharing-mode rules of Decree 47/2020, who may write what) before anything is
//! written, every bad row is reported with its line, column and reason, and the writes run in
//! one transaction. Rows are merged into the catalogue by code: a database or item that exists
//! is updated (only when something changed), one that does not is created; the mode columns
//! are the item's whole set of policies (a blank mode removes that consumer type's policy).
//! Databases and items not in the file are left as they are. Writes are batched (a 100,000-row
//! file is a few hundred statements, not a million), and each changed database and item is
//! one audit entry, the item's entry holding its policies. Admins import for every
//! organization, stewards for their own: a row of another organization refuses the whole
//! import (`FORBIDDEN`).

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use entity::enums::{ConsumerType, DatabaseKind, DatabaseStatus, SharingMode, UpdateFrequency};
use entity::{data_item, database, organization, sharing_policy};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Iterable,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;

use super::audit::{Change, snapshot};
use super::data_item::Fields as ItemFields;
use super::sharing_policy::check_mode;
mod language;

pub use super::sheet::{self, Format};
use super::text;
use super::write::Tx;
use crate::access::Caller;
use crate::access::visibility::Visible;
use crate::error::{Error, Result};
use crate::i18n::Text;
pub use language::{Lang, heading, localize, names_a_column, workbook};

pub use crate::error::{RowError, RowErrors};

/// The consumer types in column order, with their column suffixes.
const CONSUMERS: [(ConsumerType, &str); 5] = [
    (ConsumerType::StateAgency, "state_agency"),
    (ConsumerType::Enterprise, "enterprise"),
    (ConsumerType::Organization, "organization"),
    (ConsumerType::Individual, "individual"),
    (ConsumerType::Public, "public"),
];

/// The database columns, in order (after `organization_code`).
const DATABASE_COLUMNS: [&str; 12] = [
    "database_code",
    "database_name",
    "database_kind",
    "database_status",
    "update_frequency",
    "purpose",
    "scope",
    "content",
    "collection_method",
    "data_sources",
    "database_legal_basis",
    "usage_rules",
];

const ITEM_COLUMNS: [&str; 6] = [
    "item_code",
    "item_name",
    "item_description",
    "master_data",
    "shared_code_list",
    "personal_data",
];

/// Columns a file must have; the others may be left out (read as blank).
const REQUIRED: [&str; 5] = [
    "organization_code",
    "database_code",
    "database_name",
    "item_code",
    "item_name",
];

/// Every column, in the order an export writes them.
pub fn columns() -> Vec<String> {
    let mut all = vec!["organization_code".to_owned()];
    all.extend(DATABASE_COLUMNS.iter().map(|c| (*c).to_owned()));
    all.extend(ITEM_COLUMNS.iter().map(|c| (*c).to_owned()));
    for prefix in ["mode", "legal_basis", "conditions"] {
        all.extend(CONSUMERS.iter().map(|(_, s)| format!("{prefix}_{s}")));
    }
    all
}

/// A database's columns as one row gives them.
#[derive(Debug, Clone, PartialEq)]
struct DatabaseRow {
    code: String,
    name: String,
    kind: DatabaseKind,
    status: DatabaseStatus,
    update_frequency: UpdateFrequency,
    purpose: Option<String>,
    scope: Option<String>,
    content: Option<String>,
    collection_method: Option<String>,
    data_sources: Option<String>,
    legal_basis: Option<String>,
    usage_rules: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Policy {
    mode: SharingMode,
    legal_basis: Option<String>,
    conditions: Option<String>,
}

/// One checked row.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    organization_code: String,
    database: DatabaseRow,
    item: ItemFields,
    policies: [Option<Policy>; 5],
}

/// What an import changed (or, in a dry run, would change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub rows: usize,
    pub databases_created: usize,
    pub databases_updated: usize,
    pub items_created: usize,
    pub items_updated: usize,
    pub items_unchanged: usize,
    /// Nothing was written: the import was checked and rolled back.
    pub dry_run: bool,
    /// Each database and item of the file, in the file's order: created, updated (with the
    /// columns that differ from what is stored) or unchanged.
    pub changes: Vec<RowChange>,
}

/// What an import does to one database or item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowChange {
    /// The line of the row that gives it (a database's first row).
    pub line: usize,
    pub entity: Entity,
    pub code: String,
    pub action: Action,
    /// For an update, the columns whose values differ from what is stored.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Entity {
    Database,
    Item,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    Created,
    Updated,
    Unchanged,
}

/// A row's cells by column name.
struct Cells<'a> {
    terms: &'a language::Terms,
    names: &'a Names,
    line: usize,
    index: &'a HashMap<String, usize>,
    cells: &'a sheet::Record,
    errors: &'a mut RowErrors,
}

impl Cells<'_> {
    fn raw(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|&i| self.cells.get(i))
            .map_or("", |c| c.trim())
    }

    fn fail(&mut self, column: &str, reason: Text) {
        self.errors.push(RowError {
            line: self.line,
            column: column.to_owned(),
            reason,
        });
    }

    /// Runs one of the API's text rules on a cell, noting its error.
    fn check<T>(&mut self, column: &str, rule: impl FnOnce(&str, &str) -> Result<T>) -> Option<T> {
        let value = self.raw(column).to_owned();
        match rule(&self.names.of(column), &value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(column, e.text());
                None
            }
        }
    }

    fn optional(&mut self, column: &str) -> Option<Option<String>> {
        self.check(column, |c, v| text::optional(c, Some(v), text::MAX_TEXT))
    }

    /// An enum cell, in either language ([`language::Terms::value`]); blank gives `default`
    /// (none: required).
    fn choice<T: Iterable + Serialize + Copy>(
        &mut self,
        column: &str,
        default: Option<T>,
    ) -> Option<T> {
        let raw = self.raw(column);
        if raw.is_empty() {
            if default.is_none() {
                self.fail(
                    column,
                    Text::key("text-empty").arg("field", self.names.of(column)),
                );
            }
            return default;
        }
        let kind = language::enum_kind(column).expect("an enum column");
        match self.terms.value(kind, raw) {
            Ok(name) => T::iter().find(|v| text::enum_name(v) == name),
            Err(why) => {
                self.fail(column, why);
                None
            }
        }
    }

    fn flag(&mut self, column: &str) -> bool {
        match language::flag(self.raw(column)) {
            Ok(flag) => flag,
            Err(why) => {
                self.fail(column, why);
                false
            }
        }
    }
}

/// Checks every row on its own; `None` for a row with errors (noted in `errors`).
fn parse_row(
    terms: &language::Terms,
    names: &Names,
    line: usize,
    index: &HashMap<String, usize>,
    cells: &sheet::Record,
    errors: &mut RowErrors,
) -> Option<Row> {
    let before = errors.total();
    let mut c = Cells {
        terms,
        names,
        line,
        index,
        cells,
        errors,
    };
    let organization_code = c.check("organization_code", text::organization_code);
    let database = DatabaseRow {
        code: c
            .check("database_code", |f, v| text::code(f, v, 64))
            .unwrap_or_default(),
        name: c
            .check("database_name", |f, v| text::required(f, v, text::MAX_NAME))
            .unwrap_or_default(),
        kind: c
            .choice("database_kind", None)
            .unwrap_or(DatabaseKind::Local),
        status: c
            .choice("database_status", Some(DatabaseStatus::Operating))
            .unwrap_or(DatabaseStatus::Operating),
        update_frequency: c
            .choice("update_frequency", Some(UpdateFrequency::Irregular))
            .unwrap_or(UpdateFrequency::Irregular),
        purpose: c.optional("purpose").flatten(),
        scope: c.optional("scope").flatten(),
        content: c.optional("content").flatten(),
        collection_method: c.optional("collection_method").flatten(),
        data_sources: c.optional("data_sources").flatten(),
        legal_basis: c.optional("database_legal_basis").flatten(),
        usage_rules: c.optional("usage_rules").flatten(),
    };
    let item = ItemFields {
        database_id: 0,
        code: c
            .check("item_code", |f, v| text::code(f, v, 64))
            .unwrap_or_default(),
        name: c
            .check("item_name", |f, v| text::required(f, v, text::MAX_NAME))
            .unwrap_or_default(),
        description: c.optional("item_description").flatten(),
        is_master_data: c.flag("master_data"),
        is_shared_code_list: c.flag("shared_code_list"),
        is_personal_data: c.flag("personal_data"),
    };
    let mut policies: [Option<Policy>; 5] = Default::default();
    for (slot, (consumer, suffix)) in policies.iter_mut().zip(CONSUMERS) {
        let mode_column = format!("mode_{suffix}");
        let legal_basis = c.optional(&format!("legal_basis_{suffix}")).flatten();
        let conditions = c.optional(&format!("conditions_{suffix}")).flatten();
        if c.raw(&mode_column).is_empty() {
            if legal_basis.is_some() || conditions.is_some() {
                c.fail(&mode_column, Text::key("inventory-basis-without-mode"));
            }
            continue;
        }
        let Some(mode) = c.choice::<SharingMode>(&mode_column, None) else {
            continue;
        };
        let basis_column = names.of(&format!("legal_basis_{suffix}"));
        if let Err(why) = check_mode(&item, consumer, mode, legal_basis.as_deref(), &basis_column) {
            c.fail(&mode_column, why);
        }
        *slot = Some(Policy {
            mode,
            legal_basis,
            conditions,
        });
    }
    (errors.total() == before).then(|| Row {
        line,
        organization_code: organization_code.unwrap_or_default(),
        database,
        item,
        policies,
    })
}

/// Checks a table's header and rows on their own (no database): the rows that passed, and
/// every error.
fn parse(table: &sheet::Table) -> (Vec<Row>, RowErrors, Names) {
    let mut errors = RowErrors::default();
    let mut index = HashMap::new();
    let mut names = Names::default();
    for (i, cell) in table.header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let Some(name) = language::column_of(cell) else {
            let known = columns();
            errors.push(RowError {
                line: 1,
                column: cell.to_owned(),
                reason: Text::key("inventory-unknown-column").arg(
                    "columns",
                    known
                        .iter()
                        .map(|c| format!("{c} ({})", heading(c)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            });
            continue;
        };
        if index.insert(name.clone(), i).is_some() {
            errors.push(RowError {
                line: 1,
                column: cell.to_owned(),
                reason: Text::key("inventory-column-twice"),
            });
        }
        names.vietnamese |= text::fold(cell) != text::fold(&name);
        names.written.insert(name, cell.to_owned());
    }
    for required in REQUIRED {
        if !index.contains_key(required) {
            errors.push(RowError {
                line: 1,
                column: names.of(required),
                reason: Text::key("inventory-column-required"),
            });
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), errors, names);
    }
    let terms = language::Terms::new();
    let rows = table
        .rows
        .iter()
        .filter_map(|record| parse_row(&terms, &names, record.line, &index, record, &mut errors))
        .collect();
    (rows, errors, names)
}

/// The columns as a file names them, so that its errors speak of `Mã cơ quan` where the file
/// says so rather than of `organization_code`.
#[derive(Default)]
struct Names {
    /// The file's heading of each column it has, by the column's English name.
    written: HashMap<String, String>,
    /// Whether the file heads its columns in Vietnamese (then a column it lacks is named by
    /// its Vietnamese heading too).
    vietnamese: bool,
}

impl Names {
    fn of(&self, column: &str) -> String {
        match self.written.get(column) {
            Some(written) => written.clone(),
            None if self.vietnamese => heading(column),
            None => column.to_owned(),
        }
    }
}

/// Rows of one file that must agree: a database's columns on each of its rows, and each item
/// once.
fn check_consistency(rows: &[Row], errors: &mut RowErrors) {
    let mut databases: HashMap<&str, &Row> = HashMap::new();
    let mut items: HashMap<(&str, &str), usize> = HashMap::new();
    for row in rows {
        match databases.get(row.database.code.as_str()) {
            None => {
                databases.insert(&row.database.code, row);
            }
            Some(first) => {
                if first.organization_code != row.organization_code {
                    errors.push(RowError {
                        line: row.line,
                        column: "organization_code".into(),
                        reason: Text::key("inventory-database-owner-differs")
                            .arg("database", &row.database.code)
                            .arg("organization", &first.organization_code)
                            .arg("line", first.line),
                    });
                } else if first.database != row.database {
                    errors.push(RowError {
                        line: row.line,
                        column: differing_column(&first.database, &row.database).into(),
                        reason: Text::key("inventory-database-differs").arg("line", first.line),
                    });
                }
            }
        }
        if let Some(first) = items.insert((&row.database.code, &row.item.code), row.line) {
            errors.push(RowError {
                line: row.line,
                column: "item_code".into(),
                reason: Text::key("inventory-item-twice")
                    .arg("item", &row.item.code)
                    .arg("database", &row.database.code)
                    .arg("line", first),
            });
        }
    }
}

fn differing_column(a: &DatabaseRow, b: &DatabaseRow) -> &'static str {
    differing_columns(a, b)
        .first()
        .copied()
        .unwrap_or("database_code")
}

/// The columns in which two rows of one database differ.
fn differing_columns(a: &DatabaseRow, b: &DatabaseRow) -> Vec<&'static str> {
    let same = [
        a.name == b.name,
        a.kind == b.kind,
        a.status == b.status,
        a.update_frequency == b.update_frequency,
        a.purpose == b.purpose,
        a.scope == b.scope,
        a.content == b.content,
        a.collection_method == b.collection_method,
        a.data_sources == b.data_sources,
        a.legal_basis == b.legal_basis,
        a.usage_rules == b.usage_rules,
    ];
    same.iter()
        .enumerate()
        .filter(|(_, same)| !**same)
        .map(|(i, _)| DATABASE_COLUMNS[i + 1])
        .collect()
}

/// The columns in which an item's row differs from the stored item and its policies.
fn differing_item_columns(
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

/// Statements bind at most this many rows (SQLite allows 32,766 parameters per statement).
const CHUNK: usize = 1000;

/// Rows of `E` whose `column` is one of `values`, a chunk at a time.
async fn find_in<E, V>(
    db: &impl ConnectionTrait,
    column: E::Column,
    values: &[V],
) -> Result<Vec<E::Model>>
where
    E: EntityTrait,
    V: Into<sea_orm::Value> + Clone,
{
    let mut found = Vec::new();
    for chunk in values.chunks(CHUNK) {
        found.extend(
            E::find()
                .filter(column.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Imports a table as `caller`, all or nothing: `Err(Error::InvalidRows)` lists every bad
/// row, and then nothing is written.
/// Imports `table` all or nothing. With `dry_run`, every check runs and every write is made
/// inside the transaction (so that what only the database can see, a unique clash, is found
/// too), then the transaction is rolled back: the answer says what would change.
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

    // The organizations named, and whether the caller writes for them.
    let mut codes: Vec<String> = rows.iter().map(|r| r.organization_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let organizations: HashMap<String, organization::Model> =
        find_in::<organization::Entity, _>(&tx.txn, organization::Column::Code, &codes)
            .await?
            .into_iter()
            .map(|o| (o.code.clone(), o))
            .collect();
    let mut database_codes: Vec<String> = rows.iter().map(|r| r.database.code.clone()).collect();
    database_codes.sort();
    database_codes.dedup();
    let stored_databases: HashMap<String, database::Model> =
        find_in::<database::Entity, _>(&tx.txn, database::Column::Code, &database_codes)
            .await?
            .into_iter()
            .map(|d| (d.code.clone(), d))
            .collect();
    // Rows of organizations the caller may not write refuse the whole import (FORBIDDEN).
    let mut forbidden: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for row in &rows {
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

    // The stored items of the stored databases, and their policies.
    let stored_ids: Vec<i64> = stored_databases.values().map(|d| d.id).collect();
    let stored_items: HashMap<(i64, String), data_item::Model> =
        find_in::<data_item::Entity, _>(&tx.txn, data_item::Column::DatabaseId, &stored_ids)
            .await?
            .into_iter()
            .map(|i| ((i.database_id, i.code.clone()), i))
            .collect();
    let item_ids: Vec<i64> = stored_items.values().map(|i| i.id).collect();
    let mut stored_policies: HashMap<i64, Vec<sharing_policy::Model>> = HashMap::new();
    for p in
        find_in::<sharing_policy::Entity, _>(&tx.txn, sharing_policy::Column::DataItemId, &item_ids)
            .await?
    {
        stored_policies.entry(p.data_item_id).or_default().push(p);
    }
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

    // Databases: create the new ones, update the changed ones.
    let mut database_ids: HashMap<String, i64> = stored_databases
        .iter()
        .map(|(c, d)| (c.clone(), d.id))
        .collect();
    let mut first_rows: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in &rows {
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

    // Items and their policies.
    let mut new_items = Vec::new();
    let mut new_item_policies: HashMap<(i64, String), &[Option<Policy>; 5]> = HashMap::new();
    let mut replaced: Vec<i64> = Vec::new();
    let mut new_policies: Vec<sharing_policy::ActiveModel> = Vec::new();
    for row in &rows {
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

fn chunked<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    let mut chunks = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        chunks.push(rows.by_ref().take(CHUNK).collect());
    }
    chunks
}

/// An audit entry for an imported row; an item's entry holds its policies before and after.
fn change<M: sea_orm::ModelTrait>(
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

fn database_row(m: &database::Model) -> DatabaseRow {
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

fn assign_database(a: &mut database::ActiveModel, d: &DatabaseRow, owner: i64) {
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

type ItemKey = (String, Option<String>, bool, bool, bool);

fn item_row(m: &data_item::Model) -> ItemKey {
    (
        m.name.clone(),
        m.description.clone(),
        m.is_master_data,
        m.is_shared_code_list,
        m.is_personal_data,
    )
}

fn item_row_of(f: &ItemFields) -> ItemKey {
    (
        f.name.clone(),
        f.description.clone(),
        f.is_master_data,
        f.is_shared_code_list,
        f.is_personal_data,
    )
}

fn assign_item(
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

type PolicyKey = Vec<(ConsumerType, SharingMode, Option<String>, Option<String>)>;

fn policy_set(stored: &[sharing_policy::Model]) -> PolicyKey {
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

fn policy_set_of(row: &[Option<Policy>; 5]) -> PolicyKey {
    CONSUMERS
        .iter()
        .zip(row)
        .filter_map(|((c, _), p)| {
            p.as_ref()
                .map(|p| (*c, p.mode, p.legal_basis.clone(), p.conditions.clone()))
        })
        .collect()
}

fn policy_json(stored: &[sharing_policy::Model]) -> serde_json::Value {
    key_json(policy_set(stored))
}

fn policy_json_of(row: &[Option<Policy>; 5]) -> serde_json::Value {
    key_json(policy_set_of(row))
}

fn key_json(set: PolicyKey) -> serde_json::Value {
    serde_json::Value::Array(
        set.into_iter()
            .map(|(c, m, l, k)| json!({ "consumer_type": c, "mode": m, "legal_basis": l, "conditions": k }))
            .collect(),
    )
}

fn policy_rows(
    item: i64,
    row: &[Option<Policy>; 5],
    now: chrono::DateTime<Utc>,
) -> Vec<sharing_policy::ActiveModel> {
    CONSUMERS
        .iter()
        .zip(row)
        .filter_map(|((consumer, _), p)| {
            p.as_ref().map(|p| sharing_policy::ActiveModel {
                id: NotSet,
                data_item_id: Set(item),
                consumer_type: Set(*consumer),
                mode: Set(p.mode),
                conditions: Set(p.conditions.clone()),
                legal_basis: Set(p.legal_basis.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
        })
        .collect()
}

/// The inventory as rows of cells in [`columns`] order: every data item `caller` may see (of
/// `organization` only, when given), ordered by organization, database and item code.
/// At most `max_rows` rows (none: all): a larger export is refused with `LIMIT_EXCEEDED`
/// before anything is read.
/// The inventory as a file in `format`, headed and written in `lang`: its rows and bytes.
pub async fn export_file(
    db: &DatabaseConnection,
    caller: &Caller,
    organization: Option<i64>,
    max_rows: Option<u64>,
    format: Format,
    lang: Lang,
) -> Result<(usize, Vec<u8>)> {
    let mut rows = export(db, caller, organization, max_rows).await?;
    let mut header = columns();
    localize(&mut header, &mut rows, lang);
    let bytes = match format {
        Format::Csv => {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            sheet::write_csv(&header, &rows)
        }
        Format::Xlsx => workbook(&header, &rows, lang)
            .map_err(|e| Error::Internal(std::sync::Arc::new(sea_orm::DbErr::Custom(e))))?,
    };
    Ok((rows.len(), bytes))
}

pub async fn export(
    db: &DatabaseConnection,
    caller: &Caller,
    organization: Option<i64>,
    max_rows: Option<u64>,
) -> Result<Vec<Vec<String>>> {
    if let Some(max) = max_rows {
        let mut items = sea_orm::Condition::all().add(data_item::Entity::visible_to(caller));
        if let Some(org) = organization {
            items = items.add(data_item::Column::OwnerId.eq(org));
        }
        let rows = super::count::<data_item::Entity>(db, items).await?;
        if rows > max {
            return Err(Error::LimitExceeded(
                Text::key("inventory-too-many-rows")
                    .arg("rows", rows)
                    .arg("max", max),
            ));
        }
    }
    let mut databases = database::Entity::find().filter(database::Entity::visible_to(caller));
    if let Some(org) = organization {
        databases = databases.filter(database::Column::OwnerId.eq(org));
    }
    let databases: HashMap<i64, database::Model> = databases
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let mut owner_ids: Vec<i64> = databases.values().map(|d| d.owner_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners: HashMap<i64, String> =
        find_in::<organization::Entity, _>(db, organization::Column::Id, &owner_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    let mut items_query = data_item::Entity::find()
        .filter(data_item::Entity::visible_to(caller))
        .order_by_asc(data_item::Column::Id);
    if let Some(org) = organization {
        items_query = items_query.filter(data_item::Column::OwnerId.eq(org));
    }
    let items = items_query.all(db).await?;
    let mut policies: HashMap<i64, Vec<sharing_policy::Model>> = HashMap::new();
    let policy_rows = match organization {
        Some(_) => {
            let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
            find_in::<sharing_policy::Entity, _>(db, sharing_policy::Column::DataItemId, &ids)
                .await?
        }
        None => sharing_policy::Entity::find().all(db).await?,
    };
    for p in policy_rows {
        policies.entry(p.data_item_id).or_default().push(p);
    }
    let mut rows: Vec<(String, String, String, Vec<String>)> = Vec::new();
    for item in items {
        let Some(d) = databases.get(&item.database_id) else {
            continue;
        };
        let org = owners.get(&d.owner_id).cloned().unwrap_or_default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let mut cells = vec![
            org.clone(),
            d.code.clone(),
            d.name.clone(),
            text::enum_name(&d.kind),
            text::enum_name(&d.status),
            text::enum_name(&d.update_frequency),
            opt(&d.purpose),
            opt(&d.scope),
            opt(&d.content),
            opt(&d.collection_method),
            opt(&d.data_sources),
            opt(&d.legal_basis),
            opt(&d.usage_rules),
            item.code.clone(),
            item.name.clone(),
            opt(&item.description),
            yes(item.is_master_data),
            yes(item.is_shared_code_list),
            yes(item.is_personal_data),
        ];
        let own = policies.get(&item.id).map_or(&[][..], Vec::as_slice);
        let of = |c: ConsumerType| own.iter().find(|p| p.consumer_type == c);
        cells.extend(
            CONSUMERS
                .iter()
                .map(|(c, _)| of(*c).map(|p| text::enum_name(&p.mode)).unwrap_or_default()),
        );
        cells.extend(CONSUMERS.iter().map(|(c, _)| {
            of(*c)
                .and_then(|p| p.legal_basis.clone())
                .unwrap_or_default()
        }));
        cells.extend(CONSUMERS.iter().map(|(c, _)| {
            of(*c)
                .and_then(|p| p.conditions.clone())
                .unwrap_or_default()
        }));
        rows.push((org, d.code.clone(), item.code.clone(), cells));
    }
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    Ok(rows.into_iter().map(|(.., cells)| cells).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> sheet::Table {
        sheet::Table {
            header: header.iter().map(|s| (*s).to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| sheet::Record::new(i + 2, r.iter().copied()))
                .collect(),
        }
    }

    const HEADER: [&str; 8] = [
        "organization_code",
        "database_code",
        "database_name",
        "database_kind",
        "item_code",
        "item_name",
        "personal_data",
        "mode_public",
    ];

    #[test]
    fn every_bad_cell_is_reported_with_its_line_and_column() {
        let t = table(
            &HEADER,
            &[
                &[
                    "000.00.39.H57",
                    "DC",
                    "Dân cư",
                    "LOCAL",
                    "HO",
                    "Hộ gia đình",
                    "no",
                    "OPEN",
                ],
                &[
                    "000.00.39.H57",
                    "DC",
                    "Dân cư",
                    "LOCAL",
                    "CD",
                    "Công dân",
                    "có",
                    "open",
                ],
                &[
                    "bad code",
                    "DC",
                    "Dân cư",
                    "nowhere",
                    "",
                    "Thiếu mã",
                    "maybe",
                    "DEFAULT",
                ],
                &[
                    "000.00.39.H57",
                    "DC",
                    "Dân cư khác",
                    "LOCAL",
                    "HO",
                    "Hộ",
                    "no",
                    "",
                ],
            ],
        );
        let (rows, mut errors, _) = parse(&t);
        check_consistency(&rows, &mut errors);
        let errors = errors.listed();
        let found: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (3, "mode_public"),
                (4, "organization_code"),
                (4, "database_kind"),
                (4, "item_code"),
                (4, "personal_data"),
                (4, "mode_public"),
                (5, "database_name"),
                (5, "item_code"),
            ],
            "{errors:#?}"
        );
        assert!(
            errors[0].reason.to_string().contains("personal data"),
            "{}",
            errors[0].reason
        );
        assert!(
            errors[6].reason.to_string().contains("line 2"),
            "{}",
            errors[6].reason
        );
    }

    #[test]
    fn unknown_and_missing_columns_are_refused() {
        let t = table(&["organization_code", "database_code", "colour"], &[]);
        let (_, errors, _) = parse(&t);
        let errors = errors.listed();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            vec!["colour", "database_name", "item_code", "item_name"]
        );
        assert!(errors.iter().all(|e| e.line == 1));
    }

    #[test]
    fn the_columns_are_the_documented_ones() {
        let all = columns();
        assert_eq!(all.len(), 1 + 12 + 6 + 15);
        assert_eq!(all[19], "mode_state_agency");
        assert_eq!(all[33], "conditions_public");
    }
}
