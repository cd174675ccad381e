//! The catalogue's vocabulary: every value of every enum of the API with its Vietnamese label
//! (the legal term where the decree has one) and its English one. One table serves the
//! `vocabulary` query (front-ends label modes, statuses and kinds from data), the pages and
//! the explorer. A test holds it to the schema: every value of every enum but the technical
//! ones (orderings, file formats) is here, and nothing else.

/// Enum, value, Vietnamese, English.
#[rustfmt::skip]
pub const LABELS: &[(&str, &str, &str, &str)] = &[
    ("SharingMode", "OPEN", "Dữ liệu mở", "Open data"),
    ("SharingMode", "DEFAULT", "Chia sẻ mặc định", "Default sharing"),
    ("SharingMode", "ON_REQUEST", "Chia sẻ theo yêu cầu đặc thù", "Sharing on request"),
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
    ("DatabaseKind", "NATIONAL", "Cơ sở dữ liệu quốc gia", "National database"),
    ("DatabaseKind", "MINISTRY_SECTOR", "Cơ sở dữ liệu chuyên ngành", "Sector database"),
    ("DatabaseKind", "LOCAL", "Cơ sở dữ liệu dùng chung", "Shared local database"),
    ("DatabaseKind", "INTERNAL", "Cơ sở dữ liệu nội bộ", "Internal database"),
    ("UpdateFrequency", "REALTIME", "Cập nhật tức thời", "As changes happen"),
    ("UpdateFrequency", "DAILY", "Hằng ngày", "Daily"),
    ("UpdateFrequency", "WEEKLY", "Hằng tuần", "Weekly"),
    ("UpdateFrequency", "MONTHLY", "Hằng tháng", "Monthly"),
    ("UpdateFrequency", "QUARTERLY", "Hằng quý", "Quarterly"),
    ("UpdateFrequency", "YEARLY", "Hằng năm", "Yearly"),
    ("UpdateFrequency", "IRREGULAR", "Không định kỳ", "Irregular"),
    ("AdministrativeLevel", "CENTRAL", "Cấp trung ương", "Central"),
    ("AdministrativeLevel", "PROVINCE", "Cấp tỉnh", "Province"),
    ("AdministrativeLevel", "DISTRICT", "Cấp huyện", "District"),
    ("AdministrativeLevel", "COMMUNE", "Cấp xã", "Commune"),
    ("EdgeKind", "OWNS", "Chủ quản", "Owns"),
    ("EdgeKind", "CONTAINS", "Chứa", "Contains"),
    ("EdgeKind", "PROVIDES", "Cung cấp", "Provides"),
    ("EdgeKind", "SHARED_WITH", "Chia sẻ cho", "Shared with"),
    ("EdgeKind", "DERIVED_FROM", "Dẫn xuất", "Derived from"),
    ("LineageNodeKind", "ORGANIZATION", "Cơ quan, đơn vị", "Organization"),
    ("LineageNodeKind", "DATABASE", "Cơ sở dữ liệu", "Database"),
    ("LineageNodeKind", "DATA_ITEM", "Dữ liệu", "Data item"),
    ("LineageNodeKind", "DATA_SERVICE", "Dịch vụ chia sẻ dữ liệu", "Data-sharing service"),
    ("ConsumerType", "PUBLIC", "Công chúng", "The public"),
    ("ConsumerType", "STATE_AGENCY", "Cơ quan nhà nước", "State agencies"),
    ("ConsumerType", "ORGANIZATION", "Tổ chức", "Organizations"),
    ("ConsumerType", "ENTERPRISE", "Doanh nghiệp", "Enterprises"),
    ("ConsumerType", "INDIVIDUAL", "Cá nhân", "Individuals"),
    ("ServiceMethod", "ONLINE_SERVICE", "Dịch vụ chia sẻ dữ liệu trực tuyến", "Online data service"),
    ("ServiceMethod", "DATABASE_SYNC", "Đồng bộ, sao chép cơ sở dữ liệu", "Database synchronisation"),
    ("ServiceMethod", "PACKAGED_MEDIA", "Gói dữ liệu trên phương tiện lưu trữ", "Packaged data"),
    ("Platform", "NDXP", "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)", "National platform (NDXP)"),
    ("Platform", "LGSP", "Nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh (LGSP)", "Ministry or provincial platform (LGSP)"),
    ("Platform", "DIRECT", "Kết nối trực tiếp", "Direct connection"),
    ("FeedbackKind", "DATA_REQUEST", "Đề nghị mở dữ liệu", "Request new open data"),
    ("FeedbackKind", "ERROR_REPORT", "Báo lỗi dữ liệu", "Report an error"),
    ("FeedbackKind", "SUGGESTION", "Góp ý", "Suggestion"),
    ("FeedbackStatus", "NEW", "Mới tiếp nhận", "New"),
    ("FeedbackStatus", "UNDER_REVIEW", "Đang xem xét", "Under review"),
    ("FeedbackStatus", "PLANNED", "Đã đưa vào kế hoạch", "Planned"),
    ("FeedbackStatus", "DONE", "Đã thực hiện", "Done"),
    ("FeedbackStatus", "DECLINED", "Không chấp nhận", "Declined"),
    ("FocalPointScope", "EXTERNAL", "Đầu mối chia sẻ bên ngoài", "External focal point"),
    ("FocalPointScope", "INTERNAL", "Đầu mối chia sẻ nội bộ", "Internal focal point"),
    ("RequestStatus", "SUBMITTED", "Đã gửi", "Submitted"),
    ("RequestStatus", "APPROVED", "Đã chấp thuận", "Approved"),
    ("RequestStatus", "REJECTED", "Từ chối", "Rejected"),
    ("RequestStatus", "WITHDRAWN", "Đã rút", "Withdrawn"),
    ("ReviewScope", "CATALOGUE", "Danh mục cơ sở dữ liệu", "Catalogue of databases"),
    ("ReviewScope", "DEFAULT_SHARING", "Danh mục dữ liệu chia sẻ mặc định", "Default-sharing list"),
    ("ReviewScope", "OPEN_DATA", "Danh mục dữ liệu mở", "Open data list"),
    ("OverdueReviewKind", "CATALOGUE", "Rà soát danh mục định kỳ", "Periodic catalogue review"),
    ("OverdueReviewKind", "DEFAULT_SHARING", "Rà soát danh mục chia sẻ mặc định", "Default-sharing list review"),
    ("OverdueReviewKind", "OPEN_DATASET", "Cập nhật bộ dữ liệu mở", "Open dataset refresh"),
    ("OverdueReviewKind", "OPEN_DATA_LIST", "Rà soát danh mục dữ liệu mở", "Open data list review"),
    ("Readiness", "READY", "Sẵn sàng", "Ready"),
    ("Readiness", "PARTIALLY_READY", "Cần nâng cấp", "Partly ready"),
    ("Readiness", "NOT_READY", "Chưa sẵn sàng", "Not ready"),
    ("Readiness", "NOT_REVIEWED", "Chưa đánh giá", "Not reviewed"),
    ("Role", "ADMIN", "Quản trị hệ thống", "Administrator"),
    ("Role", "STEWARD", "Cán bộ quản lý danh mục", "Steward"),
    ("Role", "VIEWER", "Xem", "Viewer"),
    ("ViewerScope", "PUBLIC", "Công chúng", "The public"),
    ("ViewerScope", "ORGANIZATION", "Cơ quan của mã truy cập", "The token's organization"),
    ("ViewerScope", "SUBTREE", "Cơ quan và các đơn vị trực thuộc", "The organization and those below it"),
    ("ViewerScope", "EVERYTHING", "Toàn bộ", "Everything"),
    ("Violation", "NO_SHARE", "Không có căn cứ chia sẻ", "No share"),
    ("Violation", "OUTSIDE_AGREEMENT", "Ngoài thời hạn thỏa thuận", "Outside the agreement"),
    ("Violation", "SHARE_NOT_ACTIVE", "Chia sẻ không còn hiệu lực", "Share not in force"),
    ("IssueKind", "EMPTY_PUBLISHED_SERVICE", "Dịch vụ đã công bố không cung cấp dữ liệu nào", "Published service with no data"),
    ("IssueKind", "UNDOCUMENTED_FLOW", "Luồng dữ liệu chưa có căn cứ chia sẻ", "Undocumented data flow"),
    ("SharingGraphRollUp", "NONE", "Không gộp", "Not included"),
    ("SharingGraphRollUp", "COLLAPSED", "Gộp thành một nút", "As one node"),
    ("SharingGraphRollUp", "MEMBERS", "Vẽ từng đơn vị", "Each as a node"),
    ("LineageDirection", "UPSTREAM", "Nguồn gốc", "Upstream"),
    ("LineageDirection", "DOWNSTREAM", "Nơi sử dụng", "Downstream"),
    ("LineageDirection", "BOTH", "Cả hai chiều", "Both"),
    ("CatalogueEventAction", "CREATED", "Tạo mới", "Created"),
    ("CatalogueEventAction", "UPDATED", "Cập nhật", "Updated"),
    ("CatalogueEventAction", "DELETED", "Xóa", "Deleted"),
    ("CatalogueEventAction", "USAGE_RECORDED", "Ghi nhận sử dụng dữ liệu", "Usage recorded"),
    ("AccessGroupBy", "CONSUMER", "Theo bên nhận", "By consumer"),
    ("AccessGroupBy", "SERVICE", "Theo dịch vụ", "By service"),
    ("AccessGroupBy", "SHARE", "Theo lượt chia sẻ", "By share"),
    ("AccessPeriod", "DAY", "Theo ngày", "By day"),
    ("AccessPeriod", "MONTH", "Theo tháng", "By month"),
    ("SearchType", "ORGANIZATION", "Cơ quan, đơn vị", "Organization"),
    ("SearchType", "DATABASE", "Cơ sở dữ liệu", "Database"),
    ("SearchType", "DATA_ITEM", "Dữ liệu", "Data item"),
    ("SearchType", "DATA_SERVICE", "Dịch vụ chia sẻ dữ liệu", "Data-sharing service"),
    ("SearchType", "OPEN_DATASET", "Bộ dữ liệu mở", "Open dataset"),
    ("Language", "VI", "Tiếng Việt", "Vietnamese"),
    ("Language", "EN", "Tiếng Anh", "English"),
    ("InventoryEntity", "DATABASE", "Cơ sở dữ liệu", "Database"),
    ("InventoryEntity", "DATA_ITEM", "Dữ liệu", "Data item"),
    ("ChangeAction", "CREATED", "Tạo mới", "Created"),
    ("ChangeAction", "UPDATED", "Cập nhật", "Updated"),
    ("ChangeAction", "UNCHANGED", "Không thay đổi", "Unchanged"),
    ("EntityType", "ORGANIZATION", "Cơ quan, đơn vị", "Organization"),
    ("EntityType", "FOCAL_POINT", "Đầu mối", "Focal point"),
    ("EntityType", "INFORMATION_SYSTEM", "Hệ thống thông tin", "Information system"),
    ("EntityType", "DATABASE", "Cơ sở dữ liệu", "Database"),
    ("EntityType", "DATA_ITEM", "Dữ liệu", "Data item"),
    ("EntityType", "SHARING_POLICY", "Hình thức chia sẻ", "Sharing policy"),
    ("EntityType", "DATA_SERVICE", "Dịch vụ chia sẻ dữ liệu", "Data-sharing service"),
    ("EntityType", "SHARE", "Chia sẻ", "Share"),
    ("EntityType", "DERIVATION", "Dẫn xuất", "Derivation"),
    ("EntityType", "SHARING_AGREEMENT", "Thỏa thuận chia sẻ", "Sharing agreement"),
    ("EntityType", "SHARING_REQUEST", "Yêu cầu chia sẻ", "Sharing request"),
    ("EntityType", "QUALITY_ASSESSMENT", "Đánh giá chất lượng dữ liệu", "Quality assessment"),
    ("EntityType", "CATALOGUE_RELEASE", "Ban hành danh mục", "Catalogue release"),
    ("EntityType", "CATALOGUE_REVIEW", "Rà soát danh mục", "Catalogue review"),
    ("EntityType", "OPEN_DATASET", "Bộ dữ liệu mở", "Open dataset"),
    ("EntityType", "FEEDBACK", "Góp ý", "Feedback"),
];

/// Enums the table leaves out: orderings and formats, which no one reads a label of.
pub fn is_technical(name: &str) -> bool {
    name.ends_with("OrderField") || matches!(name, "SortDirection" | "InventoryFormat")
}

/// The enums in the table, in its order, each with its values as (value, Vietnamese, English).
#[allow(clippy::type_complexity)]
pub fn enums() -> Vec<(
    &'static str,
    Vec<(&'static str, &'static str, &'static str)>,
)> {
    let mut out: Vec<(&str, Vec<_>)> = Vec::new();
    for (kind, value, vi, en) in LABELS {
        match out.iter_mut().find(|(k, _)| k == kind) {
            Some((_, values)) => values.push((*value, *vi, *en)),
            None => out.push((kind, vec![(*value, *vi, *en)])),
        }
    }
    out
}

/// The Vietnamese and English labels of `value` of `kind`.
pub fn labels(kind: &str, value: &str) -> Option<(&'static str, &'static str)> {
    LABELS
        .iter()
        .find(|(k, v, _, _)| *k == kind && *v == value)
        .map(|(_, _, vi, en)| (*vi, *en))
}

/// The Vietnamese label of `value` of `kind`, or the value itself when there is none.
pub fn vi<'a>(kind: &str, value: &'a str) -> &'a str {
    labels(kind, value).map_or(value, |(vi, _)| vi)
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
}
