//! Reading a table into rows: each cell checked by the API's rules, every error noted with
//! its line and the column as the file names it; then the rows that must agree with each other.

use super::*;

/// A row's cells by column name.
pub(super) struct Cells<'a> {
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
pub(super) fn parse_row(
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
pub(super) fn parse(table: &sheet::Table) -> (Vec<Row>, RowErrors, Names) {
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
pub(super) struct Names {
    /// The file's heading of each column it has, by the column's English name.
    written: HashMap<String, String>,
    /// Whether the file heads its columns in Vietnamese (then a column it lacks is named by
    /// its Vietnamese heading too).
    vietnamese: bool,
}

impl Names {
    pub(super) fn of(&self, column: &str) -> String {
        match self.written.get(column) {
            Some(written) => written.clone(),
            None if self.vietnamese => heading(column),
            None => column.to_owned(),
        }
    }
}

/// Rows of one file that must agree: a database's columns on each of its rows, and each item
/// once.
pub(super) fn check_consistency(rows: &[Row], errors: &mut RowErrors) {
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

pub(super) fn differing_column(a: &DatabaseRow, b: &DatabaseRow) -> &'static str {
    differing_columns(a, b)
        .first()
        .copied()
        .unwrap_or("database_code")
}
