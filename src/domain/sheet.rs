//! Spreadsheet files, as the agencies' offices use them: tables read from and written as CSV
//! (UTF-8, with a byte-order mark on writing so that spreadsheet programs read Vietnamese text
//! right) or XLSX (the first worksheet). The inventory reads and writes them; the
//! implementation report writes its CSV with them.

use std::io::Cursor;

use crate::error::{Error, Result, RowError, RowErrors};
use crate::i18n::Text;

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

/// What a file may hold, checked while it is read (before any row is validated), so that a
/// small upload cannot make the server hold gigabytes: an XLSX of a few hundred kilobytes
/// can unpack into millions of rows.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Data rows (the header and blank rows not counted).
    pub rows: usize,
    /// Columns of a row; cells further right are an error.
    pub columns: usize,
    /// Bytes of text in all cells together.
    pub text_bytes: usize,
    /// Bytes an XLSX's parts other than its worksheets (shared strings, styles) may unpack
    /// to; those are read whole, worksheets are streamed.
    pub xlsx_parts_bytes: u64,
    /// Whether a header cell names a column: an XLSX is read from its first worksheet whose
    /// first row has such a cell (a workbook may open with another sheet). `None`: the first.
    pub header_cell: Option<fn(&str) -> bool>,
}

impl Limits {
    /// At most `rows` data rows; the other bounds are far above any real inventory's (34
    /// columns, a few kilobytes a row).
    pub fn rows(rows: usize) -> Self {
        Self {
            rows,
            columns: 100,
            text_bytes: 64 << 20,
            xlsx_parts_bytes: 64 << 20,
            header_cell: None,
        }
    }

    /// Reads an XLSX from the first worksheet with a header cell that `names_column`.
    pub fn header(mut self, names_column: fn(&str) -> bool) -> Self {
        self.header_cell = Some(names_column);
        self
    }
}

/// A table as read: its header and its non-blank rows.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Record>,
}

/// One row: the line (spreadsheet row number) it came from, and its cells, kept as one string
/// with the cells' ends, so that a cell costs four bytes beyond its text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    text: String,
    ends: Vec<u32>,
}

impl Record {
    pub fn new<'a>(line: usize, cells: impl IntoIterator<Item = &'a str>) -> Self {
        let mut record = Self {
            line,
            ..Self::default()
        };
        for cell in cells {
            record.push(cell);
        }
        record
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
    }

    /// The `i`-th cell (from 0); `None` past the row's last cell.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.text[start..end])
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Reads a table within `limits`: an unreadable file is one row error (`BAD_USER_INPUT`), a
/// file past a limit `LIMIT_EXCEEDED` naming it.
pub fn read(bytes: &[u8], format: Format, limits: Limits) -> Result<Table> {
    let mut table = Builder {
        limits,
        table: Table::default(),
        header_read: false,
        text_bytes: 0,
    };
    match format {
        Format::Csv => read_csv(bytes, &mut table)?,
        Format::Xlsx => read_xlsx(bytes, &mut table)?,
    }
    Ok(table.table)
}

fn unreadable(line: usize, reason: Text) -> Error {
    Error::InvalidRows(RowErrors::one(RowError {
        line,
        column: String::new(),
        reason,
    }))
}

fn too_wide(line: usize, limits: Limits) -> Error {
    Error::LimitExceeded(
        Text::key("sheet-too-wide")
            .arg("line", line)
            .arg("max", limits.columns),
    )
}

/// Collects rows, counting them against the limits as they come.
struct Builder {
    limits: Limits,
    table: Table,
    header_read: bool,
    text_bytes: usize,
}

impl Builder {
    /// Adds the next row (the first is the header); blank rows are left out.
    fn add(&mut self, record: Record) -> Result<()> {
        if record.len() > self.limits.columns {
            return Err(too_wide(record.line, self.limits));
        }
        self.text_bytes += record.text.len();
        if self.text_bytes > self.limits.text_bytes {
            return Err(Error::LimitExceeded(
                Text::key("sheet-too-much-text").arg("mib", self.limits.text_bytes >> 20),
            ));
        }
        if !self.header_read {
            self.table.header = record.cells().map(str::to_owned).collect();
            self.header_read = true;
            return Ok(());
        }
        if record.is_blank() {
            return Ok(());
        }
        if self.table.rows.len() == self.limits.rows {
            return Err(Error::LimitExceeded(
                Text::key("sheet-too-many-rows").arg("max", self.limits.rows),
            ));
        }
        self.table.rows.push(record);
        Ok(())
    }
}

fn read_csv(bytes: &[u8], table: &mut Builder) -> Result<()> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lines = Lines::of(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // One record buffer for the whole file: rows are copied into their compact form.
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(1, |p| lines.at(p.byte() as usize));
            unreadable(line, Text::key("sheet-not-csv").arg("detail", e))
        })?;
        if !more {
            return Ok(());
        }
        let line = record
            .position()
            .map_or(1, |p| lines.of_record(bytes, p.byte() as usize));
        table.add(Record::new(line, record.iter()))?;
    }
}

/// Where the lines of a file start, counting `\r\n`, `\r` and `\n` each as one line break, as
/// an editor or Excel numbers them. The csv crate's own line count is off for `\r\n` files
/// (what Excel writes) and after blank lines, so a record's line is found from its byte offset.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn of(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        Self { starts }
    }

    /// The line (from 1) holding byte `offset`.
    fn at(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The line a record starts on, given where the reader was when it began: past the blank
    /// lines the reader skipped on its way (a record never starts with a line break).
    fn of_record(&self, bytes: &[u8], offset: usize) -> usize {
        let skipped = bytes.get(offset..).map_or(0, |rest| {
            rest.iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count()
        });
        self.at(offset + skipped)
    }
}

fn read_xlsx(bytes: &[u8], table: &mut Builder) -> Result<()> {
    use calamine::{Reader, Xlsx};
    check_xlsx_parts(bytes, table.limits.xlsx_parts_bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(1, Text::key("sheet-not-xlsx").arg("detail", e)))?;
    let names = workbook.sheet_names();
    if names.is_empty() {
        return Err(unreadable(1, Text::key("sheet-no-worksheet")));
    }
    let mut chosen = names[0].clone();
    if let Some(names_column) = table.limits.header_cell {
        let mut found = None;
        for name in &names {
            let mut cells = workbook.worksheet_cells_reader(name).map_err(|e| {
                unreadable(
                    1,
                    Text::key("sheet-worksheet-unreadable")
                        .arg("sheet", name)
                        .arg("detail", e),
                )
            })?;
            // The first row's cells, until the next row starts.
            let mut first_row = None;
            while let Ok(Some(cell)) = cells.next_cell() {
                let row = cell.get_position().0;
                if *first_row.get_or_insert(row) != row {
                    break;
                }
                if names_column(&cell_text(cell.get_value())) {
                    found = Some(name.clone());
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        chosen = found.ok_or_else(|| unreadable(1, Text::key("sheet-no-header")))?;
    }
    let mut cells = workbook.worksheet_cells_reader(&chosen).map_err(|e| {
        unreadable(
            1,
            Text::key("sheet-worksheet-unreadable")
                .arg("sheet", chosen)
                .arg("detail", e),
        )
    })?;
    // Cells come row by row, left to right, each row once; gaps are empty cells.
    let mut current: Option<(u32, Record)> = None;
    loop {
        let cell = cells.next_cell().map_err(|e| {
            let line = current.as_ref().map_or(1, |(r, _)| *r as usize + 1);
            unreadable(line, Text::key("sheet-unreadable").arg("detail", e))
        })?;
        let Some(cell) = cell else { break };
        let (row, column) = cell.get_position();
        let line = row as usize + 1;
        if column as usize >= table.limits.columns {
            return Err(too_wide(line, table.limits));
        }
        match &mut current {
            Some((r, _)) if *r == row => {}
            Some((r, _)) if *r > row => {
                return Err(unreadable(line, Text::key("sheet-rows-out-of-order")));
            }
            _ => {
                if let Some((_, done)) = current.take() {
                    table.add(done)?;
                }
                current = Some((row, Record::new(line, [])));
            }
        }
        let (_, record) = current.as_mut().expect("set above");
        if record.len() > column as usize {
            return Err(unreadable(line, Text::key("sheet-cell-twice")));
        }
        while record.len() < column as usize {
            record.push("");
        }
        record.push(&cell_text(cell.get_value()));
    }
    if let Some((_, done)) = current {
        table.add(done)?;
    }
    Ok(())
}

/// A cell's value as the text a CSV would hold.
fn cell_text(d: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        other => calamine::Data::from(other.clone()).to_string(),
    }
}

/// Refuses an XLSX whose parts other than worksheets declare more than `limit` bytes
/// unpacked (the reader enforces the declared sizes), before any is unpacked.
fn check_xlsx_parts(bytes: &[u8], limit: u64) -> Result<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(1, Text::key("sheet-not-xlsx").arg("detail", e)))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| unreadable(1, Text::key("sheet-not-xlsx").arg("detail", e)))?;
        if !part.name().is_ok_and(|n| n.starts_with("xl/worksheets/")) {
            total = total.saturating_add(part.size());
        }
    }
    if total > limit {
        return Err(Error::LimitExceeded(
            Text::key("sheet-unpacks-too-big").arg("mib", limit >> 20),
        ));
    }
    Ok(())
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

/// A worksheet to write: its name, header and rows, and drop-down lists for some columns.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: &'a [Vec<String>],
    /// Columns (by index) whose cells offer these values in a drop-down.
    pub lists: Vec<(usize, Vec<String>)>,
}

/// Writes a workbook, one worksheet per sheet: the header bold, frozen and filtered, the
/// columns as wide as their text (up to a limit), the lists as drop-downs. A drop-down warns
/// rather than refuses another value, since the reader takes other spellings too.
pub fn write_xlsx(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{
        DataValidation, DataValidationErrorStyle, Format as CellFormat, Workbook,
    };
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name).map_err(err)?;
        for (c, name) in sheet.header.iter().enumerate() {
            worksheet
                .write_string_with_format(0, c as u16, *name, &bold)
                .map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    worksheet
                        .write_string(r as u32 + 1, c as u16, value)
                        .map_err(err)?;
                }
            }
        }
        worksheet.set_freeze_panes(1, 0).map_err(err)?;
        let last_column = sheet.header.len().saturating_sub(1) as u16;
        let last_row = sheet.rows.len().max(1) as u32;
        worksheet
            .autofilter(0, 0, last_row, last_column)
            .map_err(err)?;
        // Room to add rows below the exported ones keeps its drop-downs.
        let validated_rows = last_row + 1000;
        for (column, values) in &sheet.lists {
            let validation = DataValidation::new()
                .allow_list_strings(values)
                .map_err(err)?
                .set_error_style(DataValidationErrorStyle::Warning);
            worksheet
                .add_data_validation(
                    1,
                    *column as u16,
                    validated_rows,
                    *column as u16,
                    &validation,
                )
                .map_err(err)?;
        }
        worksheet.set_autofit_max_width(360);
        worksheet.autofit();
    }
    workbook.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, column, text) in cells {
            sheet.write_string(*row, *column, *text).unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    fn rows(table: &Table) -> Vec<(usize, Vec<&str>)> {
        table
            .rows
            .iter()
            .map(|r| (r.line, r.cells().collect()))
            .collect()
    }

    fn limit_message(result: Result<Table>) -> String {
        match result {
            Err(Error::LimitExceeded(message)) => message.to_string(),
            other => panic!("expected LIMIT_EXCEEDED, got {other:?}"),
        }
    }

    /// However the file was saved, a row's line is the line an editor shows it on.
    #[test]
    fn csv_rows_have_their_editors_line_numbers_whatever_the_line_endings() {
        let expected: Vec<(usize, Vec<String>)> = [
            (2, ["000.03.39.H57", "Đất đai"]),
            (4, ["000.03.39.H57", "Khoáng sản\nvà nước"]),
            (6, ["000.03.39.H57", "Môi trường"]),
        ]
        .into_iter()
        .map(|(line, cells)| (line, cells.map(str::to_owned).to_vec()))
        .collect();
        // A header, a row, a blank line, a row whose quoted cell spans two lines, a row.
        let lf = "org,name\n000.03.39.H57,Đất đai\n\n000.03.39.H57,\"Khoáng sản\nvà nước\"\n000.03.39.H57,Môi trường\n";
        let files = [
            ("LF", lf.to_owned()),
            ("CRLF", lf.replace('\n', "\r\n")),
            ("CR", lf.replace('\n', "\r")),
            (
                "BOM and CRLF",
                format!("\u{feff}{}", lf.replace('\n', "\r\n")),
            ),
            ("no final line break", lf.trim_end().to_owned()),
        ];
        for (name, text) in files {
            let table = read(text.as_bytes(), Format::Csv, Limits::rows(10)).unwrap();
            // A cell spanning lines keeps the line break it was saved with.
            let got: Vec<(usize, Vec<String>)> = rows(&table)
                .into_iter()
                .map(|(line, cells)| {
                    let cells = cells
                        .iter()
                        .map(|c| c.replace("\r\n", "\n").replace('\r', "\n"))
                        .collect();
                    (line, cells)
                })
                .collect();
            assert_eq!(got, expected, "{name}");
            assert_eq!(table.header, ["org", "name"], "{name}");
        }
        // Several blank lines, before the first row too, in a CRLF file.
        let gaps = "org,name\r\n\r\n\r\n000.03.39.H57,a\r\n\r\n000.03.39.H57,b\r\n";
        let table = read(gaps.as_bytes(), Format::Csv, Limits::rows(10)).unwrap();
        let lines: Vec<usize> = rows(&table).iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [4, 6]);
    }

    #[test]
    fn xlsx_rows_keep_their_gaps_and_line_numbers() {
        let bytes = xlsx(&[
            (0, 0, "mã"),
            (0, 2, "tên"),
            (1, 1, "giữa"),
            (3, 0, "Phòng Tài nguyên và Môi trường huyện Nam Đông"),
            (3, 2, "cuối"),
        ]);
        let table = read(&bytes, Format::Xlsx, Limits::rows(10)).unwrap();
        assert_eq!(table.header, ["mã", "", "tên"]);
        assert_eq!(
            rows(&table),
            [
                (2, vec!["", "giữa"]),
                (
                    4,
                    vec!["Phòng Tài nguyên và Môi trường huyện Nam Đông", "", "cuối"]
                )
            ]
        );
    }

    #[test]
    fn reading_stops_at_the_first_limit_passed() {
        let csv = b"a,b\n1,2\n3,4\n5,6\n";
        assert_eq!(
            read(csv, Format::Csv, Limits::rows(3)).unwrap().rows.len(),
            3
        );
        assert!(limit_message(read(csv, Format::Csv, Limits::rows(2))).contains("2 rows"));

        let wide = Limits {
            columns: 2,
            ..Limits::rows(10)
        };
        assert!(limit_message(read(b"a,b,c\n", Format::Csv, wide)).contains("2 columns"));
        let far_right = xlsx(&[(0, 0, "a"), (5, 40, "x")]);
        let message = limit_message(read(&far_right, Format::Xlsx, wide));
        assert!(message.contains("line 6"), "{message}");

        let small = Limits {
            text_bytes: 10,
            ..Limits::rows(10)
        };
        assert!(limit_message(read(b"abcdef\nghijkl\n", Format::Csv, small)).contains("MiB"));

        // Shared strings are read whole, so their unpacked size is checked first.
        let long = "Dữ liệu dân cư ".repeat(2000);
        let bytes = xlsx(&[(0, 0, &long)]);
        let parts = Limits {
            xlsx_parts_bytes: 10_000,
            ..Limits::rows(10)
        };
        assert!(limit_message(read(&bytes, Format::Xlsx, parts)).contains("shared strings"));
        assert_eq!(
            read(&bytes, Format::Xlsx, Limits::rows(10)).unwrap().header,
            [long]
        );
    }

    #[test]
    fn an_unreadable_file_is_one_row_error() {
        match read(b"not a zip", Format::Xlsx, Limits::rows(10)) {
            Err(Error::InvalidRows(rows)) => {
                assert_eq!(rows.total(), 1);
                assert_eq!(rows.listed()[0].line, 1);
            }
            other => panic!("{other:?}"),
        }
    }

    /// A workbook whose first sheet is not the table: read from the first one with the header.
    #[test]
    fn an_xlsx_is_read_from_its_first_sheet_with_the_header() {
        let notes = [vec!["Ghi chú của cán bộ".to_owned()]];
        let data = [vec!["000.03.39.H57".to_owned(), "Đất đai".to_owned()]];
        let xlsx = write_xlsx(&[
            Sheet {
                name: "Ghi chú",
                header: &["Nội dung"],
                rows: &notes,
                lists: Vec::new(),
            },
            Sheet {
                name: "Danh mục dữ liệu",
                header: &["org", "name"],
                rows: &data,
                lists: Vec::new(),
            },
        ])
        .unwrap();
        let limits = Limits::rows(10).header(|cell| cell == "org");
        let table = read(&xlsx, Format::Xlsx, limits).unwrap();
        assert_eq!(table.header, ["org", "name"]);
        assert_eq!(rows(&table), [(2, vec!["000.03.39.H57", "Đất đai"])]);
        // Without a header to look for, the first sheet; with one no sheet has, an error.
        let first = read(&xlsx, Format::Xlsx, Limits::rows(10)).unwrap();
        assert_eq!(first.header, ["Nội dung"]);
        let none = read(&xlsx, Format::Xlsx, Limits::rows(10).header(|c| c == "x"));
        assert!(none.is_err());
    }
}
