//! Enumerations shared by the storage layer and the API. They are stored as their
//! SCREAMING_SNAKE_CASE names so that the database reads the same as the GraphQL schema.
//! Doc comments become GraphQL descriptions, so each carries the Vietnamese legal term.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Administrative level of a state body (cấp hành chính).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AdministrativeLevel {
    /// National bodies and ministries (cấp trung ương).
    #[sea_orm(string_value = "CENTRAL")]
    Central,
    /// Province or centrally-run city (cấp tỉnh).
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    /// District, town or provincial city (cấp huyện).
    #[sea_orm(string_value = "DISTRICT")]
    District,
    /// Commune, ward or township (cấp xã).
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
}

impl AdministrativeLevel {
    /// Rank from the top (CENTRAL = 0): a child organization may not rank above its parent.
    pub fn rank(self) -> u8 {
        match self {
            Self::Central => 0,
            Self::Province => 1,
            Self::District => 2,
            Self::Commune => 3,
        }
    }
}

/// Kind of party that uses shared data (đối tượng khai thác, sử dụng).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumerType {
    /// A state agency (cơ quan nhà nước).
    #[sea_orm(string_value = "STATE_AGENCY")]
    StateAgency,
    /// An enterprise (doanh nghiệp).
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    /// A non-state organization (tổ chức).
    #[sea_orm(string_value = "ORGANIZATION")]
    Organization,
    /// An individual (cá nhân).
    #[sea_orm(string_value = "INDIVIDUAL")]
    Individual,
    /// Anyone, the general public (công chúng); used by sharing policies only.
    #[sea_orm(string_value = "PUBLIC")]
    Public,
}

/// How a data item may be shared with a kind of consumer (hình thức chia sẻ).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SharingMode {
    /// Open data, free for anyone to use (dữ liệu mở).
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Default sharing: state agencies get it without asking (chia sẻ dữ liệu mặc định).
    #[sea_orm(string_value = "DEFAULT")]
    Default,
    /// Sharing on specific request: the consumer asks, the owner decides (chia sẻ theo yêu cầu đặc thù).
    #[sea_orm(string_value = "ON_REQUEST")]
    OnRequest,
    /// Not shared, with the legal basis for refusing (không chia sẻ).
    #[sea_orm(string_value = "NOT_SHARED")]
    NotShared,
}

/// Kind of database under Art. 11.1 of Decree 47/2020 (loại cơ sở dữ liệu).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DatabaseKind {
    /// National database (cơ sở dữ liệu quốc gia).
    #[sea_orm(string_value = "NATIONAL")]
    National,
    /// Specialised database of a ministry or sector (cơ sở dữ liệu chuyên ngành).
    #[sea_orm(string_value = "MINISTRY_SECTOR")]
    MinistrySector,
    /// Shared database of a ministry, sector or locality (cơ sở dữ liệu dùng chung của bộ, ngành, địa phương).
    #[sea_orm(string_value = "LOCAL")]
    Local,
    /// Internal database of one information system (cơ sở dữ liệu nội bộ).
    #[sea_orm(string_value = "INTERNAL")]
    Internal,
}

/// Life-cycle state of a database (tình trạng).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DatabaseStatus {
    /// Planned, not yet built (dự kiến xây dựng).
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    /// Being built or migrated (đang xây dựng).
    #[sea_orm(string_value = "BUILDING")]
    Building,
    /// In operation (đang vận hành).
    #[sea_orm(string_value = "OPERATING")]
    Operating,
    /// Retired, kept for the record (ngừng vận hành).
    #[sea_orm(string_value = "RETIRED")]
    Retired,
}

/// How often data is updated (tần suất cập nhật).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateFrequency {
    /// As changes happen (cập nhật tức thời).
    #[sea_orm(string_value = "REALTIME")]
    Realtime,
    /// Daily (hằng ngày).
    #[sea_orm(string_value = "DAILY")]
    Daily,
    /// Weekly (hằng tuần).
    #[sea_orm(string_value = "WEEKLY")]
    Weekly,
    /// Monthly (hằng tháng).
    #[sea_orm(string_value = "MONTHLY")]
    Monthly,
    /// Quarterly (hằng quý).
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
    /// Yearly (hằng năm).
    #[sea_orm(string_value = "YEARLY")]
    Yearly,
    /// When needed, no fixed schedule (không định kỳ).
    #[sea_orm(string_value = "IRREGULAR")]
    Irregular,
}

/// Whom a focal point serves (phạm vi đầu mối).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FocalPointScope {
    /// Sharing with parties outside the district: one per district (đầu mối chia sẻ bên ngoài).
    #[sea_orm(string_value = "EXTERNAL")]
    External,
    /// Sharing inside the district: one per agency (đầu mối chia sẻ nội bộ).
    #[sea_orm(string_value = "INTERNAL")]
    Internal,
}

/// Outcome of an information system's readiness review for connection and sharing (đánh giá mức độ sẵn sàng).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Readiness {
    /// Not reviewed yet (chưa đánh giá).
    #[sea_orm(string_value = "NOT_REVIEWED")]
    NotReviewed,
    /// Ready to connect and share (sẵn sàng).
    #[sea_orm(string_value = "READY")]
    Ready,
    /// Partly ready; upgrades needed (cần nâng cấp).
    #[sea_orm(string_value = "PARTIALLY_READY")]
    PartiallyReady,
    /// Not ready (chưa sẵn sàng).
    #[sea_orm(string_value = "NOT_READY")]
    NotReady,
}

/// How a data-sharing service delivers data (phương thức chia sẻ, Decree 47/2020 Art. 23).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServiceMethod {
    /// An online data service, e.g. an API (dịch vụ chia sẻ dữ liệu trực tuyến).
    #[sea_orm(string_value = "ONLINE_SERVICE")]
    OnlineService,
    /// Database synchronisation or replication (đồng bộ, sao chép cơ sở dữ liệu).
    #[sea_orm(string_value = "DATABASE_SYNC")]
    DatabaseSync,
    /// Data packaged on storage media or files (gói dữ liệu trên phương tiện lưu trữ).
    #[sea_orm(string_value = "PACKAGED_MEDIA")]
    PackagedMedia,
}

/// The platform a service is connected through (nền tảng kết nối).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Platform {
    /// The national data integration and sharing platform (Nền tảng tích hợp, chia sẻ dữ liệu quốc gia, NDXP).
    #[sea_orm(string_value = "NDXP")]
    Ndxp,
    /// A ministry's or province's integration platform (nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh, LGSP).
    #[sea_orm(string_value = "LGSP")]
    Lgsp,
    /// A direct connection between the two systems (kết nối trực tiếp).
    #[sea_orm(string_value = "DIRECT")]
    Direct,
}

/// Publication state of a data-sharing service (trạng thái dịch vụ).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServiceStatus {
    /// Being prepared, not yet published (đang xây dựng).
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Published for consumers (đã công bố, Art. 25).
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Still running but to be replaced (sắp ngừng).
    #[sea_orm(string_value = "DEPRECATED")]
    Deprecated,
    /// No longer provided (ngừng cung cấp).
    #[sea_orm(string_value = "RETIRED")]
    Retired,
}

/// State of a share (trạng thái chia sẻ). `EXPIRED` is never stored: an `ACTIVE` share whose
/// `validUntil` has passed reads as `EXPIRED`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShareStatus {
    /// In force (đang chia sẻ).
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Paused by the provider (tạm dừng).
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// Ended by the provider; final (thu hồi).
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
    /// Past its `validUntil` date (hết hiệu lực); derived, never stored.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// Kind of edge in the sharing graph (loại liên kết).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EdgeKind {
    /// Organization owns a database (đơn vị chủ quản).
    Owns,
    /// Database contains a data item.
    Contains,
    /// Data service provides a data item.
    Provides,
    /// Data item is shared with an organization (chia sẻ).
    SharedWith,
    /// Data flows from a source item into an item derived from it (dẫn xuất).
    DerivedFrom,
}

/// Kind of compliance issue in the sharing graph (vấn đề tuân thủ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssueKind {
    /// An item is derived from another organization's item with no active share behind it: a
    /// data flow the catalogue does not document.
    UndocumentedFlow,
    /// A published service provides no data item.
    EmptyPublishedService,
}

impl IssueKind {
    pub const ALL: [IssueKind; 2] = [
        IssueKind::UndocumentedFlow,
        IssueKind::EmptyPublishedService,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            Self::UndocumentedFlow => "UNDOCUMENTED_FLOW",
            Self::EmptyPublishedService => "EMPTY_PUBLISHED_SERVICE",
        }
    }
}

/// What a token's holder may do (docs/design.md, "Who may see and do what").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Reads its organization's data as well as the public catalogue (xem).
    #[sea_orm(string_value = "VIEWER")]
    Viewer,
    /// Keeps its organization's catalogue (cán bộ quản lý danh mục).
    #[sea_orm(string_value = "STEWARD")]
    Steward,
    /// Reads and writes everything, and manages tokens (quản trị hệ thống).
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

/// Where a sharing request stands (trạng thái yêu cầu chia sẻ).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestStatus {
    /// Waiting for the provider's answer (đã gửi).
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// Approved: the shares exist (đã chấp thuận).
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Refused, with a reason (từ chối).
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Withdrawn by the consumer (đã rút).
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// Why a usage record breaks the rules (vi phạm sau chia sẻ).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Violation {
    /// The share was not in force at that time: suspended, revoked, before `validFrom` or after
    /// `validUntil` (chia sẻ không còn hiệu lực).
    #[sea_orm(string_value = "SHARE_NOT_ACTIVE")]
    ShareNotActive,
    /// Outside the period of the agreement the share rests on (ngoài thời hạn thỏa thuận).
    #[sea_orm(string_value = "OUTSIDE_AGREEMENT")]
    OutsideAgreement,
    /// Through a service, by a consumer with no share in force of anything the service provides
    /// (không có căn cứ chia sẻ).
    #[sea_orm(string_value = "NO_SHARE")]
    NoShare,
}

/// What is overdue for review (quá hạn rà soát).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OverdueReviewKind {
    /// The catalogue's periodic review (the cadence after its last release or review).
    Catalogue,
    /// The default-sharing list, not reviewed in 6 months or never.
    DefaultSharing,
    /// The list of open data, not reviewed within 6 months of its first publication or of its
    /// last `OPEN_DATA` review.
    OpenDataList,
    /// An open dataset not refreshed within 3 months of its publication or last refresh.
    OpenDataset,
}

/// What a catalogue review looked at (rà soát).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewScope {
    /// The whole catalogue of databases (danh mục cơ sở dữ liệu).
    #[sea_orm(string_value = "CATALOGUE")]
    Catalogue,
    /// The list of data shared by default (danh mục dữ liệu chia sẻ mặc định).
    #[sea_orm(string_value = "DEFAULT_SHARING")]
    DefaultSharing,
    /// The list of open data (danh mục dữ liệu mở).
    #[sea_orm(string_value = "OPEN_DATA")]
    OpenData,
}

/// What the public writes to an agency about open data (góp ý, đề xuất).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeedbackKind {
    /// A request to open new data (đề nghị mở dữ liệu).
    #[sea_orm(string_value = "DATA_REQUEST")]
    DataRequest,
    /// An error in published data (báo lỗi dữ liệu).
    #[sea_orm(string_value = "ERROR_REPORT")]
    ErrorReport,
    /// Any other suggestion (góp ý).
    #[sea_orm(string_value = "SUGGESTION")]
    Suggestion,
}

/// Where a piece of feedback stands (trạng thái xử lý).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeedbackStatus {
    /// Received, not yet looked at (mới tiếp nhận).
    #[sea_orm(string_value = "NEW")]
    New,
    /// Being considered (đang xem xét).
    #[sea_orm(string_value = "UNDER_REVIEW")]
    UnderReview,
    /// Accepted and planned (đã đưa vào kế hoạch).
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    /// Done: the data is open or the error fixed (đã thực hiện).
    #[sea_orm(string_value = "DONE")]
    Done,
    /// Declined, with the reason in the answer (không chấp nhận).
    #[sea_orm(string_value = "DECLINED")]
    Declined,
}

impl FeedbackStatus {
    /// Still waiting for the agency to act.
    pub fn is_open(self) -> bool {
        matches!(self, Self::New | Self::UnderReview | Self::Planned)
    }
}

/// What happened to the row a catalogue event names (sự kiện thay đổi danh mục).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CatalogueEventAction {
    /// Created, published as a new release, or submitted (feedback).
    Created,
    /// Changed in any other way (edited, decided, answered, voted for, items set).
    Updated,
    /// Deleted.
    Deleted,
    /// A provider reported a batch of uses of its shared data (Art. 14 control after sharing).
    UsageRecorded,
}

/// What `search` looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum SearchType {
    /// Organizations (tổ chức, cơ quan), by name or code.
    Organization,
    /// Databases (cơ sở dữ liệu), by name, code or description.
    Database,
    /// Data items (trường dữ liệu), by name, code or description.
    DataItem,
    /// Data-sharing services (dịch vụ chia sẻ dữ liệu), by name, code or description.
    DataService,
    /// Open datasets (dữ liệu mở), by title, code or description.
    OpenDataset,
}

/// A spreadsheet format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "graphql",
    derive(async_graphql::Enum),
    graphql(name = "InventoryFormat")
)]
pub enum SpreadsheetFormat {
    /// UTF-8 text (a byte-order mark is allowed).
    Csv,
    /// An Excel workbook (its first worksheet), sent and returned as base64.
    Xlsx,
}
