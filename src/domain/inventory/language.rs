//! The inventory in the steward's language. A file may name its columns in English
//! (`organization_code`) or in Vietnamese (`Mã cơ quan`), with or without diacritics, in any
//! case; its enum cells may hold the API's names (`ON_REQUEST`) or the decree's terms
//! (`Chia sẻ theo yêu cầu đặc thù`, or a part of one that names one value, such as
//! `theo yêu cầu`); its yes/no cells `có`/`không` as well as `yes`/`no`. An export writes either
//! language (Vietnamese by default). The Vietnamese value labels are the vocabulary's
//! (`domain::vocabulary`), so the spreadsheet, the API's `vocabulary` and the pages agree.

use crate::domain::{text, vocabulary};
use crate::i18n::Text;

pub use crate::i18n::Lang;

/// The columns whose cells are enum values, with the enum they hold.
pub(super) fn enum_kind(column: &str) -> Option<&'static str> {
    match column {
        "database_kind" => Some("DatabaseKind"),
        "database_status" => Some("DatabaseStatus"),
        "update_frequency" => Some("UpdateFrequency"),
        c if c.starts_with("mode_") => Some("SharingMode"),
        _ => None,
    }
}

/// The yes/no columns.
const FLAGS: [&str; 3] = ["master_data", "shared_code_list", "personal_data"];

/// The Vietnamese heading of a column.
pub fn heading(column: &str) -> String {
    let fixed = match column {
        "organization_code" => "Mã cơ quan",
        "database_code" => "Mã cơ sở dữ liệu",
        "database_name" => "Tên cơ sở dữ liệu",
        "database_kind" => "Loại cơ sở dữ liệu",
        "database_status" => "Trạng thái cơ sở dữ liệu",
        "update_frequency" => "Tần suất cập nhật",
        "purpose" => "Mục đích",
        "scope" => "Phạm vi",
        "content" => "Nội dung",
        "collection_method" => "Cách thức thu thập, cập nhật",
        "data_sources" => "Nguồn dữ liệu",
        "database_legal_basis" => "Căn cứ pháp lý của cơ sở dữ liệu",
        "usage_rules" => "Quy định khai thác",
        "item_code" => "Mã dữ liệu",
        "item_name" => "Tên dữ liệu",
        "item_description" => "Mô tả dữ liệu",
        "master_data" => "Dữ liệu chủ",
        "shared_code_list" => "Danh mục dùng chung",
        "personal_data" => "Dữ liệu cá nhân",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_owned();
    }
    for (prefix, label) in [
        ("mode_", "Hình thức chia sẻ"),
        ("legal_basis_", "Căn cứ pháp lý"),
        ("conditions_", "Điều kiện chia sẻ"),
    ] {
        if let Some(suffix) = column.strip_prefix(prefix) {
            let consumer = super::CONSUMERS
                .iter()
                .find(|(_, s)| *s == suffix)
                .and_then(|(c, _)| vocabulary::labels("ConsumerType", &text::enum_name(c)))
                .map_or(suffix, |(vi, _)| vi);
            return format!("{label} ({consumer})");
        }
    }
    column.to_owned()
}

/// Text reduced to its words: folded (no case, no diacritics, `đ` as `d`), every other
/// character a separator.
fn words(text: &str) -> Vec<String> {
    text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The column a header cell names, in either language.
pub(super) fn column_of(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let wanted = words(cell);
    super::columns().into_iter().find(|c| {
        c.eq_ignore_ascii_case(cell) || words(c) == wanted || words(&heading(c)) == wanted
    })
}

/// The words of the enum columns' values and labels, folded once for a whole file rather
/// than for every cell.
pub(super) struct Terms {
    kinds: Vec<(&'static str, Vec<Term>)>,
}

struct Term {
    name: &'static str,
    vi: Vec<String>,
    en: Vec<String>,
}

impl Terms {
    pub(super) fn new() -> Self {
        let enum_kinds = [
            "DatabaseKind",
            "DatabaseStatus",
            "UpdateFrequency",
            "SharingMode",
        ];
        let kinds = vocabulary::enums()
            .into_iter()
            .filter(|(kind, _)| enum_kinds.contains(kind))
            .map(|(kind, values)| {
                let terms = values
                    .into_iter()
                    .map(|(name, vi, en)| Term {
                        name,
                        vi: words(vi),
                        en: words(en),
                    })
                    .collect();
                (kind, terms)
            })
            .collect();
        Self { kinds }
    }

    /// The API name an enum cell gives, in either language: the name itself (any case, spaces
    /// or hyphens for underscores), a value's Vietnamese or English label, or words of one
    /// label that no other value's label has (`mặc định`, `theo yêu cầu`, `mở`).
    pub(super) fn value(&self, kind: &str, raw: &str) -> Result<&'static str, Text> {
        let terms = self
            .kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[][..], |(_, t)| t.as_slice());
        let upper = raw.trim().to_ascii_uppercase().replace([' ', '-'], "_");
        if let Some(t) = terms.iter().find(|t| t.name == upper) {
            return Ok(t.name);
        }
        let wanted = words(raw);
        if let Some(t) = terms.iter().find(|t| t.vi == wanted || t.en == wanted) {
            return Ok(t.name);
        }
        let within = |label: &[String]| {
            !wanted.is_empty() && label.windows(wanted.len()).any(|w| w == wanted.as_slice())
        };
        let partial: Vec<&Term> = terms
            .iter()
            .filter(|t| within(&t.vi) || within(&t.en))
            .collect();
        if let [one] = partial.as_slice() {
            return Ok(one.name);
        }
        let choices: Vec<String> = terms
            .iter()
            .map(|t| format!("{} ({})", t.name, vocabulary::vi(kind, t.name)))
            .collect();
        Err(Text::key("inventory-not-a-choice")
            .arg("value", raw)
            .arg("choices", choices.join(", ")))
    }
}

/// A yes/no cell: yes, true, 1, x, có; no, false, 0, không; blank is no.
pub(super) fn flag(raw: &str) -> Result<bool, Text> {
    match text::fold(raw).as_str() {
        "" | "no" | "false" | "0" | "khong" => Ok(false),
        "yes" | "true" | "1" | "x" | "co" => Ok(true),
        _ => Err(Text::key("inventory-not-a-flag").arg("value", raw.trim())),
    }
}

/// What a column holds, for the guide sheet of an exported workbook.
fn explanation(column: &str) -> &'static str {
    match column {
        "organization_code" => "Mã định danh điện tử của cơ quan chủ quản (ví dụ 000.03.39.H57).",
        "database_code" => {
            "Mã cơ sở dữ liệu: chữ, số, '.', '_', '-'. Các dòng cùng mã là cùng một cơ sở dữ liệu."
        }
        "database_name" => "Tên cơ sở dữ liệu; giống nhau trên mọi dòng của cơ sở dữ liệu.",
        "database_kind" => "Loại cơ sở dữ liệu; bắt buộc với cơ sở dữ liệu mới.",
        "database_status" => "Trạng thái; để trống là đang vận hành.",
        "update_frequency" => "Tần suất cập nhật; để trống là không định kỳ.",
        "purpose" | "scope" | "content" => {
            "Mục đích, phạm vi, nội dung của cơ sở dữ liệu (Điều 8 Nghị định 47/2020/NĐ-CP)."
        }
        "collection_method" | "data_sources" => {
            "Cách thức thu thập, cập nhật và nguồn của dữ liệu."
        }
        "database_legal_basis" | "usage_rules" => {
            "Căn cứ pháp lý và quy định khai thác của cơ sở dữ liệu."
        }
        "item_code" => "Mã dữ liệu, duy nhất trong cơ sở dữ liệu.",
        "item_name" => "Tên dữ liệu.",
        "item_description" => "Mô tả dữ liệu.",
        "master_data" => "Dữ liệu chủ: có hoặc không (để trống là không).",
        "shared_code_list" => "Danh mục dùng chung: có hoặc không.",
        "personal_data" => {
            "Chứa dữ liệu cá nhân: có hoặc không. Dữ liệu cá nhân không được công bố là dữ liệu mở."
        }
        c if c.starts_with("mode_") => {
            "Hình thức chia sẻ cho loại bên nhận này; để trống là không có quy định."
        }
        c if c.starts_with("legal_basis_") => "Căn cứ pháp lý; bắt buộc khi không chia sẻ.",
        _ => "Điều kiện chia sẻ (nếu có).",
    }
}

/// The rules an import checks, for the guide sheet.
const RULES: [&str; 7] = [
    "Nhập tất cả hoặc không: nếu có dòng sai, không dòng nào được ghi, và mọi dòng sai được báo kèm số dòng, cột và lý do.",
    "Dòng đầu là tiêu đề cột, bằng tiếng Việt hoặc tiếng Anh, có dấu hoặc không dấu, theo thứ tự bất kỳ.",
    "Các dòng của một cơ sở dữ liệu phải giống nhau ở các cột của cơ sở dữ liệu; mỗi dữ liệu chỉ một dòng.",
    "Công chúng chỉ được chia sẻ dữ liệu mở hoặc không chia sẻ; chia sẻ mặc định chỉ giữa các cơ quan nhà nước (Điều 34 Nghị định 47/2020/NĐ-CP).",
    "Dữ liệu cá nhân không được công bố là dữ liệu mở (Nghị định 13/2023/NĐ-CP).",
    "Dữ liệu chủ và danh mục dùng chung chia sẻ mặc định (hoặc mở) cho cơ quan nhà nước.",
    "Không chia sẻ phải ghi căn cứ pháp lý của việc từ chối.",
];

/// The inventory as a workbook: the catalogue ("Danh mục dữ liệu", or "Inventory" in English),
/// with a drop-down on every enum and yes/no column, then a guide ("Hướng dẫn") explaining each
/// column, its values and the rules. `header` and `rows` are as [`localize`] left them.
pub fn workbook(header: &[String], rows: &[Vec<String>], lang: Lang) -> Result<Vec<u8>, String> {
    let columns = super::columns();
    let values = |column: &str| -> Vec<String> {
        if let Some(kind) = enum_kind(column) {
            vocabulary::enums()
                .into_iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, values)| {
                    values
                        .into_iter()
                        .map(|(value, vi, _)| match lang {
                            Lang::Vi => vi.to_owned(),
                            Lang::En => value.to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else if FLAGS.contains(&column) {
            match lang {
                Lang::Vi => vec!["có".into(), "không".into()],
                Lang::En => vec!["yes".into(), "no".into()],
            }
        } else {
            Vec::new()
        }
    };
    let lists: Vec<(usize, Vec<String>)> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (i, values(c)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let mut guide: Vec<Vec<String>> = columns
        .iter()
        .zip(header)
        .map(|(column, written)| {
            vec![
                written.clone(),
                column.clone(),
                if super::REQUIRED.contains(&column.as_str()) {
                    "bắt buộc".into()
                } else {
                    String::new()
                },
                values(column).join("; "),
                explanation(column).to_owned(),
            ]
        })
        .collect();
    guide.push(Vec::new());
    guide.extend(RULES.iter().map(|rule| {
        vec![
            "Quy tắc".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            (*rule).to_owned(),
        ]
    }));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let guide_header = ["Cột", "Tên tiếng Anh", "Bắt buộc", "Giá trị", "Giải thích"];
    super::sheet::write_xlsx(&[
        super::sheet::Sheet {
            name: match lang {
                Lang::Vi => "Danh mục dữ liệu",
                Lang::En => "Inventory",
            },
            header: &header,
            rows,
            lists,
        },
        super::sheet::Sheet {
            name: "Hướng dẫn",
            header: &guide_header,
            rows: &guide,
            lists: Vec::new(),
        },
    ])
}

/// Whether a header cell names a column (in either language).
pub fn names_a_column(cell: &str) -> bool {
    column_of(cell).is_some()
}

/// Writes an export's header and cells in `lang` (they come in English).
pub fn localize(header: &mut [String], rows: &mut [Vec<String>], lang: Lang) {
    if lang == Lang::En {
        return;
    }
    let kinds: Vec<Option<&str>> = header.iter().map(|c| enum_kind(c)).collect();
    let flags: Vec<bool> = header.iter().map(|c| FLAGS.contains(&c.as_str())).collect();
    for row in rows.iter_mut() {
        for (i, cell) in row.iter_mut().enumerate() {
            if cell.is_empty() {
                continue;
            }
            if let Some(kind) = kinds[i] {
                *cell = vocabulary::vi(kind, cell).to_owned();
            } else if flags[i] {
                *cell = if cell == "yes" { "có" } else { "không" }.to_owned();
            }
        }
    }
    for column in header.iter_mut() {
        *column = heading(column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_in_either_language_with_or_without_diacritics() {
        for (cell, column) in [
            ("organization_code", "organization_code"),
            ("Organization_Code", "organization_code"),
            ("Mã cơ quan", "organization_code"),
            ("ma co quan", "organization_code"),
            ("MÃ CƠ QUAN", "organization_code"),
            ("Hình thức chia sẻ (Công chúng)", "mode_public"),
            ("hinh thuc chia se - cong chung", "mode_public"),
            (
                "Căn cứ pháp lý (Cơ quan nhà nước)",
                "legal_basis_state_agency",
            ),
            ("Dữ liệu cá nhân", "personal_data"),
        ] {
            assert_eq!(column_of(cell).as_deref(), Some(column), "{cell}");
        }
        assert_eq!(column_of("Ghi chú"), None);
        // Every column's heading reads back as that column.
        for c in super::super::columns() {
            assert_eq!(column_of(&heading(&c)), Some(c.clone()));
        }
    }

    #[test]
    fn enum_cells_take_the_decrees_terms() {
        let terms = Terms::new();
        for (cell, value) in [
            ("ON_REQUEST", "ON_REQUEST"),
            ("on request", "ON_REQUEST"),
            ("Chia sẻ theo yêu cầu đặc thù", "ON_REQUEST"),
            ("theo yêu cầu", "ON_REQUEST"),
            ("mặc định", "DEFAULT"),
            ("Mặc định", "DEFAULT"),
            ("Mở", "OPEN"),
            ("dữ liệu mở", "OPEN"),
            ("Không chia sẻ", "NOT_SHARED"),
            ("Open data", "OPEN"),
        ] {
            assert_eq!(terms.value("SharingMode", cell), Ok(value), "{cell}");
        }
        // Words several values share name none of them.
        let err = terms.value("SharingMode", "chia sẻ").unwrap_err();
        assert!(
            err.to_string().contains("DEFAULT (Chia sẻ mặc định)"),
            "{err}"
        );
        assert!(terms.value("SharingMode", "công khai").is_err());
    }

    #[test]
    fn exports_write_vietnamese_headings_and_values() {
        let mut header = vec![
            "database_kind".to_owned(),
            "personal_data".to_owned(),
            "mode_public".to_owned(),
        ];
        let mut rows = vec![vec!["LOCAL".to_owned(), "yes".to_owned(), String::new()]];
        localize(&mut header, &mut rows, Lang::Vi);
        assert_eq!(
            header,
            [
                "Loại cơ sở dữ liệu",
                "Dữ liệu cá nhân",
                "Hình thức chia sẻ (Công chúng)"
            ]
        );
        assert_eq!(rows[0], ["Cơ sở dữ liệu dùng chung", "có", ""]);
    }

    /// The part of a workbook (a zip of XML) at `path`.
    fn part(xlsx: &[u8], path: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(path).unwrap(), &mut text).unwrap();
        text
    }

    #[test]
    fn the_workbook_is_one_a_steward_can_work_in() {
        let mut header = super::super::columns();
        let mut row = vec![String::new(); header.len()];
        row[0] = "000.03.39.H57".into();
        row[3] = "LOCAL".into();
        row[16] = "no".into();
        let mut rows = vec![row];
        localize(&mut header, &mut rows, Lang::Vi);
        let xlsx = workbook(&header, &rows, Lang::Vi).unwrap();
        let book = part(&xlsx, "xl/workbook.xml");
        assert!(
            book.contains(r#"name="Danh mục dữ liệu""#) && book.contains(r#"name="Hướng dẫn""#),
            "{book}"
        );
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        // Header frozen and filtered, widths fitted.
        assert!(sheet.contains(r#"state="frozen""#), "{sheet}");
        assert!(sheet.contains("<autoFilter ref=\"A1:AH2\""), "{sheet}");
        assert!(
            sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""),
            "{sheet}"
        );
        // A drop-down on each enum and yes/no column: 3 database enums, 5 modes, 3 flags.
        assert_eq!(sheet.matches("<dataValidation ").count(), 11, "{sheet}");
        assert!(sheet.contains("Chia sẻ theo yêu cầu đặc thù"), "{sheet}");
        assert!(
            sheet.contains("<formula1>\"có,không\"</formula1>"),
            "{sheet}"
        );
        // The guide explains every column and the rules.
        let guide = part(&xlsx, "xl/worksheets/sheet2.xml");
        let strings = part(&xlsx, "xl/sharedStrings.xml");
        assert!(
            guide.contains("<row r=\"35\""),
            "one row per column after the header"
        );
        assert!(
            strings.contains("Không chia sẻ phải ghi căn cứ pháp lý"),
            "{strings}"
        );
    }
}
