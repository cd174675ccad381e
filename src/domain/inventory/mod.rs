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
mod export;
mod import;
mod language;
mod parse;

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

fn chunked<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    let mut chunks = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        chunks.push(rows.by_ref().take(CHUNK).collect());
    }
    chunks
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

pub use export::{export, export_file};
pub use import::import;
use parse::{check_consistency, parse};

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
