//! Labels for the catalogue's enum values, in Vietnamese (the legal terms) and English, for
//! the pages and the explorer (which reads them from its page, so that there is one table).

/// Enum, value, Vietnamese, English.
pub const LABELS: &[(&str, &str, &str, &str)] = &[
    ("SharingMode", "OPEN", "Dữ liệu mở", "Open data"),
    (
        "SharingMode",
        "DEFAULT",
        "Chia sẻ mặc định",
        "Default sharing",
    ),
    (
        "SharingMode",
        "ON_REQUEST",
        "Chia sẻ theo yêu cầu đặc thù",
        "Sharing on request",
    ),
    ("SharingMode", "NOT_SHARED", "Không chia sẻ", "Not shared"),
    ("ShareStatus", "ACTIVE", "Đang chia sẻ", "Active"),
    ("ShareStatus", "SUSPENDED", "Tạm dừng", "Suspended"),
    ("ShareStatus", "REVOKED", "Thu hồi", "Revoked"),
    ("ShareStatus", "EXPIRED", "Hết hiệu lực", "Expired"),
    ("ServiceStatus", "DRAFT", "Đang xây dựng", "Draft"),
    ("ServiceStatus", "PUBLISHED", "Đã công bố", "Published"),
    ("ServiceStatus", "DEPRECATED", "Sắp ngừng", "Deprecated"),
    ("ServiceStatus", "RETIRED", "Ngừng cung cấp", "Retired"),
    ("DatabaseStatus", "PLANNED", "Dự kiến xây dựng", "Planned"),
    ("DatabaseStatus", "BUILDING", "Đang xây dựng", "Being built"),
    ("DatabaseStatus", "OPERATING", "Đang vận hành", "Operating"),
    ("DatabaseStatus", "RETIRED", "Ngừng vận hành", "Retired"),
    (
        "DatabaseKind",
        "NATIONAL",
        "Cơ sở dữ liệu quốc gia",
        "National database",
    ),
    (
        "DatabaseKind",
        "MINISTRY_SECTOR",
        "Cơ sở dữ liệu chuyên ngành",
        "Sector database",
    ),
    (
        "DatabaseKind",
        "LOCAL",
        "Cơ sở dữ liệu dùng chung",
        "Shared local database",
    ),
    (
        "DatabaseKind",
        "INTERNAL",
        "Cơ sở dữ liệu nội bộ",
        "Internal database",
    ),
    (
        "UpdateFrequency",
        "REALTIME",
        "Cập nhật tức thời",
        "As changes happen",
    ),
    ("UpdateFrequency", "DAILY", "Hằng ngày", "Daily"),
    ("UpdateFrequency", "WEEKLY", "Hằng tuần", "Weekly"),
    ("UpdateFrequency", "MONTHLY", "Hằng tháng", "Monthly"),
    ("UpdateFrequency", "QUARTERLY", "Hằng quý", "Quarterly"),
    ("UpdateFrequency", "YEARLY", "Hằng năm", "Yearly"),
    ("UpdateFrequency", "IRREGULAR", "Không định kỳ", "Irregular"),
    (
        "AdministrativeLevel",
        "CENTRAL",
        "Cấp trung ương",
        "Central",
    ),
    ("AdministrativeLevel", "PROVINCE", "Cấp tỉnh", "Province"),
    ("AdministrativeLevel", "DISTRICT", "Cấp huyện", "District"),
    ("AdministrativeLevel", "COMMUNE", "Cấp xã", "Commune"),
    ("EdgeKind", "OWNS", "Chủ quản", "Owns"),
    ("EdgeKind", "CONTAINS", "Chứa", "Contains"),
    ("EdgeKind", "PROVIDES", "Cung cấp", "Provides"),
    ("EdgeKind", "SHARED_WITH", "Chia sẻ cho", "Shared with"),
    ("EdgeKind", "DERIVED_FROM", "Dẫn xuất", "Derived from"),
    (
        "LineageNodeKind",
        "ORGANIZATION",
        "Cơ quan, đơn vị",
        "Organization",
    ),
    ("LineageNodeKind", "DATABASE", "Cơ sở dữ liệu", "Database"),
    ("LineageNodeKind", "DATA_ITEM", "Dữ liệu", "Data item"),
    (
        "LineageNodeKind",
        "DATA_SERVICE",
        "Dịch vụ chia sẻ dữ liệu",
        "Data-sharing service",
    ),
    (
        "FeedbackKind",
        "DATA_REQUEST",
        "Đề nghị mở dữ liệu",
        "Request new open data",
    ),
    (
        "FeedbackKind",
        "ERROR_REPORT",
        "Báo lỗi dữ liệu",
        "Report an error",
    ),
    ("FeedbackKind", "SUGGESTION", "Góp ý", "Suggestion"),
];

/// The Vietnamese label of `value` of `kind`, or the value itself when there is none.
pub fn vi<'a>(kind: &str, value: &'a str) -> &'a str {
    LABELS
        .iter()
        .find(|(k, v, _, _)| *k == kind && *v == value)
        .map_or(value, |(_, _, vi, _)| vi)
}

/// The table as JSON for a page's scripts: `{kind: {value: [vi, en]}}`.
pub fn json() -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (kind, value, vi, en) in LABELS {
        let entry = out
            .entry(kind.to_string())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        entry[*value] = serde_json::json!([vi, en]);
    }
    serde_json::Value::Object(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_value_has_both_languages_once() {
        let mut seen = std::collections::HashSet::new();
        for (kind, value, vi, en) in super::LABELS {
            assert!(!vi.is_empty() && !en.is_empty(), "{kind}.{value}");
            assert!(seen.insert((kind, value)), "{kind}.{value} twice");
        }
        assert_eq!(super::vi("SharingMode", "OPEN"), "Dữ liệu mở");
        assert_eq!(super::vi("SharingMode", "X"), "X");
    }

    /// Every value of every labelled enum in the schema has a label, and no label names a
    /// value the schema lacks.
    #[test]
    fn the_labels_cover_the_schemas_enums_exactly() {
        let sdl = crate::graphql::sdl();
        let kinds: std::collections::BTreeSet<&str> =
            super::LABELS.iter().map(|(k, _, _, _)| *k).collect();
        for kind in kinds {
            let start = sdl
                .find(&format!("enum {kind} {{"))
                .unwrap_or_else(|| panic!("the schema has no enum {kind}"));
            let block = &sdl[start..start + sdl[start..].find('}').unwrap()];
            let mut in_description = false;
            let mut values = Vec::new();
            for line in block.lines().skip(1) {
                let line = line.trim();
                if line.starts_with("\"\"\"") {
                    // A one-line description opens and closes on the same line.
                    if !(line.len() > 3 && line.ends_with("\"\"\"")) {
                        in_description = !in_description;
                    }
                    continue;
                }
                if !in_description && !line.is_empty() {
                    values.push(line.to_owned());
                }
            }
            let mut labelled: Vec<String> = super::LABELS
                .iter()
                .filter(|(k, _, _, _)| *k == kind)
                .map(|(_, v, _, _)| v.to_string())
                .collect();
            values.sort();
            labelled.sort();
            assert_eq!(values, labelled, "{kind}");
        }
    }
}
