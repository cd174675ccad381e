//! Spreadsheet files, as the agencies' offices use them: tables read from and written as CSV
//! (UTF-8, with a byte-order mark on writing so that spreadsheet programs read Vietnamese text
//! right) or XLSX (the first worksheet). The inventory reads and writes them; the
//! implementation report writes its CSV with them.

use std::io::Cursor;

use super::inventory::RowError;

/// The file formats a table comes in.
pub use entity::enums::SpreadsheetFormat as Format;

/// The format a file name's extension names.
pub fn format_of(path: &std::path::Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(Format::Csv),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}

/// A table as read: its header and its rows, each with the line (spreadsheet row number) it
/// came from.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads a table; an unreadable file is one error on line 1.
pub fn read(bytes: &[u8], format: Format) -> Result<Table, RowError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
    }
}

fn unreadable(reason: String) -> RowError {
    RowError {
        line: 1,
        column: String::new(),
        reason,
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = Table::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| RowError {
            line: e.position().map_or(i + 1, |p| p.line() as usize),
            column: String::new(),
            reason: format!("not readable as CSV: {e}"),
        })?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if i == 0 {
            table.header = cells;
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push((line, cells));
        }
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, RowError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not readable as XLSX: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("the workbook has no worksheet".into()))?
        .map_err(|e| unreadable(format!("the first worksheet is not readable: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        other => other.to_string(),
    };
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell).collect();
        if i == 0 {
            table.header = cells;
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push((first_row + i + 1, cells));
        }
    }
    Ok(table)
}

/// Writes a table as CSV: its header, then its rows.
pub fn write_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    csv_rows(
        std::iter::once(header.iter().map(|c| (*c).to_owned()).collect())
            .chain(rows.iter().cloned()),
    )
}

/// Writes rows, of any lengths, as CSV with a byte-order mark.
pub fn csv_rows(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        // Writing to memory cannot fail.
        for row in rows {
            writer.write_record(&row).expect("write to memory");
        }
        writer.flush().expect("write to memory");
    }
    out
}

/// Writes a table as an XLSX workbook of one worksheet, the header bold and frozen.
pub fn write_xlsx(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    sheet.set_name("inventory").map_err(err)?;
    let bold = CellFormat::new().set_bold();
    for (c, name) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *name, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(r as u32 + 1, c as u16, value)
                    .map_err(err)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    workbook.save_to_buffer().map_err(err)
}
