//! `importInventory` and `inventory`: the catalogue inventory as a spreadsheet (CSV or XLSX),
//! in and out through the API, with the same rules and row errors as `sharegraph import`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::context::ContextData;
use super::ids::{self, Kind};
use crate::domain::inventory::{self as rules, sheet};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::i18n::Text;
use entity::enums::SpreadsheetFormat as InventoryFormat;

/// A catalogue inventory file (the shape `inventory` writes).
#[derive(InputObject)]
pub struct ImportInventoryInput {
    /// The file's format.
    pub format: InventoryFormat,
    /// The file: CSV as text, XLSX as base64. Bounded by the request body limit
    /// (`SHAREGRAPH_MAX_BODY_BYTES`); larger files go through `sharegraph import`.
    pub content: String,
}

/// What an import changed, or with `dryRun` would change.
#[derive(SimpleObject)]
pub struct ImportInventoryPayload {
    /// Rows read from the file.
    pub rows: u64,
    /// Databases created.
    pub databases_created: u64,
    /// Databases changed.
    pub databases_updated: u64,
    /// Data items created.
    pub items_created: u64,
    /// Data items changed (their fields or their sharing modes).
    pub items_updated: u64,
    /// Data items the file left as they were.
    pub items_unchanged: u64,
    /// Nothing was written: every check ran, then the import was rolled back.
    pub dry_run: bool,
    /// Each database and item of the file, in the file's order, with what the import does to
    /// it.
    pub changes: Vec<InventoryChange>,
}

/// What an import does to one database or data item of the file.
#[derive(SimpleObject)]
pub struct InventoryChange {
    /// The row that gives it (a database's first row).
    pub line: u64,
    /// A database or a data item.
    pub entity: InventoryEntity,
    /// The database's code, or the item's as `DATABASE_CODE/ITEM_CODE`.
    pub code: String,
    /// Created or updated.
    pub action: ChangeAction,
    /// For `UPDATED`: the columns whose values differ from what is stored.
    pub columns: Vec<String>,
}

/// What a row of an inventory describes.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum InventoryEntity {
    /// A database (cơ sở dữ liệu).
    Database,
    /// A data item (dữ liệu).
    DataItem,
}

/// What an import does to a database or item.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    /// Not in the catalogue yet: created (tạo mới).
    Created,
    /// In the catalogue with other values: updated (cập nhật).
    Updated,
    /// In the catalogue as the file gives it: left alone (không thay đổi).
    Unchanged,
}

/// An inventory file.
#[derive(SimpleObject)]
pub struct InventoryFile {
    /// The file's format.
    pub format: InventoryFormat,
    /// Data rows in the file (the header not counted).
    pub rows: u64,
    /// CSV as text, XLSX as base64.
    pub content: String,
}

/// Most rows one `inventory` response carries (about 40 MB of CSV); the command line has no
/// such limit.
const MAX_EXPORT_ROWS: u64 = 100_000;

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// The catalogue inventory in the shape `importInventory` reads: one row per data item the
    /// caller may see (of one organization, when given), with its database's columns and one
    /// sharing mode per consumer type, headed and written in `lang` (Vietnamese by default;
    /// the import reads either). At most 100,000 rows (`LIMIT_EXCEEDED` beyond: name an
    /// organization, or use `sharegraph export`).
    async fn inventory(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this organization's items (default: every item the caller may see)."
        )]
        organization_id: Option<ID>,
        #[graphql(
            default_with = "InventoryFormat::Csv",
            desc = "CSV (UTF-8) or XLSX (base64)."
        )]
        format: InventoryFormat,
        #[graphql(
            default_with = "Lang::Vi",
            desc = "The language of the headings and values (default: Vietnamese)."
        )]
        lang: Lang,
    ) -> Result<InventoryFile> {
        let organization = organization_id
            .map(|id| ids::decode_as("organizationId", &id, Kind::Organization))
            .transpose()?;
        let (rows, bytes) = rules::export_file(
            ctx.db(),
            ctx.caller(),
            organization,
            Some(MAX_EXPORT_ROWS),
            format,
            lang,
        )
        .await?;
        let content = match format {
            InventoryFormat::Csv => String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8"),
            InventoryFormat::Xlsx => STANDARD.encode(bytes),
        };
        Ok(InventoryFile {
            format,
            rows: rows as u64,
            content,
        })
    }
}

#[derive(Default)]
pub struct InventoryMutation;

#[Object]
impl InventoryMutation {
    /// Loads a catalogue inventory all or nothing (admins, or stewards for their own
    /// organization's rows). On any bad row the error is `BAD_USER_INPUT` with
    /// `extensions.rowErrors` (`line`, `column`, `reason` for each, the first 1,000) and
    /// nothing is changed. With `dryRun`, every check runs and nothing is written: the answer
    /// says what would be created, updated (and in which columns) and left unchanged.
    async fn import_inventory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file.")] input: ImportInventoryInput,
        #[graphql(
            default = false,
            desc = "Check everything and say what would change, writing nothing."
        )]
        dry_run: bool,
    ) -> Result<ImportInventoryPayload> {
        let bytes = match input.format {
            InventoryFormat::Csv => input.content.into_bytes(),
            InventoryFormat::Xlsx => STANDARD
                .decode(input.content.trim())
                .map_err(|_| Error::bad_input("input.content", Text::key("xlsx-base64")))?,
        };
        let limits = ctx.limits();
        let table = sheet::read(
            &bytes,
            input.format,
            sheet::Limits::rows(limits.import_max_rows).header(rules::names_a_column),
        )?;
        drop(bytes);
        let done = rules::import(ctx.db(), ctx.caller(), &table, dry_run).await?;
        Ok(ImportInventoryPayload {
            rows: done.rows as u64,
            databases_created: done.databases_created as u64,
            databases_updated: done.databases_updated as u64,
            items_created: done.items_created as u64,
            items_updated: done.items_updated as u64,
            items_unchanged: done.items_unchanged as u64,
            dry_run: done.dry_run,
            changes: done
                .changes
                .into_iter()
                .map(|c| InventoryChange {
                    line: c.line as u64,
                    entity: match c.entity {
                        rules::Entity::Database => InventoryEntity::Database,
                        rules::Entity::Item => InventoryEntity::DataItem,
                    },
                    code: c.code,
                    action: match c.action {
                        rules::Action::Created => ChangeAction::Created,
                        rules::Action::Updated => ChangeAction::Updated,
                        rules::Action::Unchanged => ChangeAction::Unchanged,
                    },
                    columns: c.columns,
                })
                .collect(),
        })
    }
}
