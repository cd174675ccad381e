//! The demo catalogue: Nam Đông district (Thừa Thiên Huế province) as its 2020 plan for
//! Decree 47/2020/ND-CP describes it: the district, its departments and communes, the province
//! and two national bodies, focal points, information systems, databases and data items with
//! a policy for every consumer type.
//!
//! The data lives in `demo/nam_dong.json`. Each item's `p` lists its modes for the consumer
//! types in the order STATE_AGENCY, ENTERPRISE, ORGANIZATION, INDIVIDUAL, PUBLIC, with
//! `O` = OPEN, `D` = DEFAULT, `R` = ON_REQUEST, `N` = NOT_SHARED, `-` = no policy.
//!
//! Loading goes through the same write path and rules as the API, in one transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{
    AdministrativeLevel, ConsumerType, DatabaseKind, DatabaseStatus, FocalPointScope, Platform,
    Readiness, ServiceMethod, ServiceStatus, ShareStatus, SharingMode, UpdateFrequency,
};
use entity::organization;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::access::Caller;
use crate::domain::write::Tx;
use crate::domain::{
    create_in, data_item, data_service, database, derivation, focal_point, information_system,
    share, sharing_policy,
};
use crate::error::{Error, Result};
use crate::i18n::Text;

const DATA: &str = include_str!("demo/nam_dong.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Demo {
    not_shared_basis: HashMap<String, String>,
    organizations: Vec<Org>,
    focal_points: Vec<Focal>,
    information_systems: Vec<System>,
    databases: Vec<Db>,
    data_services: Vec<Service>,
    shares: Vec<ShareRow>,
    derivations: Vec<DerivationRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    code: String,
    name: String,
    provider: String,
    method: ServiceMethod,
    platform: Platform,
    protocol: Option<String>,
    endpoint: Option<String>,
    service_version: Option<String>,
    status: ServiceStatus,
    published_on: Option<NaiveDate>,
    input_description: Option<String>,
    output_description: Option<String>,
    standard: Option<String>,
    conditions_of_use: Option<String>,
    availability: Option<String>,
    /// A focal point of the provider, by full name.
    contact: Option<String>,
    /// Items as `DATABASE-CODE/ITEM-CODE`.
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShareRow {
    item: String,
    consumer: String,
    service: Option<String>,
    purpose: Option<String>,
    legal_basis: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    status: Option<ShareStatus>,
    status_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DerivationRow {
    source: String,
    derived: String,
    transformation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Org {
    code: String,
    name: String,
    short_name: Option<String>,
    level: Option<AdministrativeLevel>,
    consumer_type: Option<ConsumerType>,
    parent: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Focal {
    organization: String,
    scope: FocalPointScope,
    full_name: String,
    position: Option<String>,
    duties: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    term_start: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct System {
    code: String,
    name: String,
    owner: String,
    description: Option<String>,
    operator: Option<String>,
    hosting: Option<String>,
    readiness: Option<Readiness>,
    reviewed_on: Option<NaiveDate>,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Db {
    code: String,
    name: String,
    kind: DatabaseKind,
    owner: String,
    system: Option<String>,
    purpose: Option<String>,
    scope: Option<String>,
    content: Option<String>,
    collection_method: Option<String>,
    update_frequency: UpdateFrequency,
    data_sources: Option<String>,
    legal_basis: Option<String>,
    usage_rules: Option<String>,
    items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    code: String,
    name: String,
    description: Option<String>,
    #[serde(default)]
    master: bool,
    #[serde(default)]
    code_list: bool,
    #[serde(default)]
    personal: bool,
    p: String,
    basis: Option<String>,
}

const CONSUMERS: [ConsumerType; 5] = [
    ConsumerType::StateAgency,
    ConsumerType::Enterprise,
    ConsumerType::Organization,
    ConsumerType::Individual,
    ConsumerType::Public,
];

/// Loads the demo catalogue unless it is already there; returns whether it loaded.
pub async fn load(db: &DatabaseConnection) -> Result<bool> {
    let demo: Demo = serde_json::from_str(DATA).expect("the bundled demo catalogue is valid JSON");
    let marker = &demo.organizations[0].code;
    if organization::Entity::find()
        .filter(organization::Column::Code.eq(marker))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }

    let system = Caller::system();
    let mut tx = Tx::begin(db, &system).await?;
    let mut orgs: HashMap<String, i64> = HashMap::new();
    for o in demo.organizations {
        let parent_id = o.parent.as_ref().map(|p| orgs[p]);
        let m = create_in::<crate::domain::organization::Organization>(
            &mut tx,
            crate::domain::organization::Fields {
                code: o.code.clone(),
                name: o.name,
                short_name: o.short_name,
                level: o.level,
                consumer_type: o.consumer_type.unwrap_or(ConsumerType::StateAgency),
                parent_id,
                address: o.address,
                email: None,
                phone: o.phone,
                website: o.website,
                description: o.description,
            },
        )
        .await?;
        orgs.insert(o.code, m.id);
    }
    let mut focal_points: HashMap<String, i64> = HashMap::new();
    for f in demo.focal_points {
        let name = f.full_name.clone();
        let m = create_in::<focal_point::FocalPoint>(
            &mut tx,
            focal_point::Fields {
                organization_id: orgs[&f.organization],
                scope: f.scope,
                full_name: f.full_name,
                position: f.position,
                duties: f.duties,
                phone: f.phone,
                email: f.email,
                term_start: f.term_start,
                term_end: None,
            },
        )
        .await?;
        focal_points.insert(name, m.id);
    }
    let mut systems: HashMap<String, i64> = HashMap::new();
    for s in demo.information_systems {
        let m = create_in::<information_system::InformationSystem>(
            &mut tx,
            information_system::Fields {
                code: s.code.clone(),
                name: s.name,
                owner_id: orgs[&s.owner],
                description: s.description,
                operator: s.operator,
                hosting: s.hosting,
                readiness: s.readiness.unwrap_or(Readiness::NotReviewed),
                readiness_reviewed_on: s.reviewed_on,
                readiness_notes: s.notes,
            },
        )
        .await?;
        systems.insert(s.code, m.id);
    }
    let mut items: HashMap<String, i64> = HashMap::new();
    for d in demo.databases {
        let db_code = d.code.clone();
        let dbm = create_in::<database::Database>(
            &mut tx,
            database::Fields {
                code: d.code,
                name: d.name,
                kind: d.kind,
                owner_id: orgs[&d.owner],
                system_id: d.system.as_ref().map(|s| systems[s]),
                purpose: d.purpose,
                scope: d.scope,
                content: d.content,
                collection_method: d.collection_method,
                update_frequency: d.update_frequency,
                data_sources: d.data_sources,
                legal_basis: d.legal_basis,
                usage_rules: d.usage_rules,
                status: DatabaseStatus::Operating,
            },
        )
        .await?;
        for it in d.items {
            let item = create_in::<data_item::DataItem>(
                &mut tx,
                data_item::Fields {
                    database_id: dbm.id,
                    code: it.code.clone(),
                    name: it.name,
                    description: it.description,
                    is_master_data: it.master,
                    is_shared_code_list: it.code_list,
                    is_personal_data: it.personal,
                },
            )
            .await?;
            items.insert(format!("{db_code}/{}", it.code), item.id);
            let basis_key = it.basis.clone().unwrap_or_else(|| {
                if it.personal {
                    "personal"
                } else {
                    "restricted"
                }
                .to_owned()
            });
            for (consumer, letter) in CONSUMERS.iter().zip(it.p.split_whitespace()) {
                let mode = match letter {
                    "O" => SharingMode::Open,
                    "D" => SharingMode::Default,
                    "R" => SharingMode::OnRequest,
                    "N" => SharingMode::NotShared,
                    _ => continue,
                };
                let legal_basis = (mode == SharingMode::NotShared)
                    .then(|| demo.not_shared_basis[&basis_key].clone());
                create_in::<sharing_policy::SharingPolicy>(
                    &mut tx,
                    sharing_policy::Fields {
                        data_item_id: item.id,
                        consumer_type: *consumer,
                        mode,
                        conditions: None,
                        legal_basis,
                    },
                )
                .await
                .map_err(|e| match e {
                    Error::BadInput { message, .. } => Error::bad_input(
                        "demo",
                        in_demo_text(&format!("item {}", it.code), message),
                    ),
                    other => other,
                })?;
            }
        }
    }

    let mut services: HashMap<String, i64> = HashMap::new();
    for sv in demo.data_services {
        let m = create_in::<data_service::DataService>(
            &mut tx,
            data_service::Fields {
                code: sv.code.clone(),
                name: sv.name,
                provider_id: orgs[&sv.provider],
                method: sv.method,
                protocol: sv.protocol,
                endpoint: sv.endpoint,
                platform: sv.platform,
                service_version: sv.service_version,
                status: sv.status,
                published_on: sv.published_on,
                description: None,
                input_description: sv.input_description,
                output_description: sv.output_description,
                standard: sv.standard,
                conditions_of_use: sv.conditions_of_use,
                availability: sv.availability,
                contact_id: sv.contact.as_ref().map(|c| focal_points[c]),
            },
        )
        .await?;
        data_service::set_items(&mut tx, &m, sv.items.iter().map(|i| items[i]).collect()).await?;
        services.insert(sv.code, m.id);
    }
    for sh in demo.shares {
        let item = sh.item.clone();
        create_in::<share::Share>(
            &mut tx,
            share::Fields {
                data_item_id: items[&sh.item],
                consumer_id: orgs[&sh.consumer],
                mode: None,
                service_id: sh.service.as_ref().map(|s| services[s]),
                purpose: sh.purpose,
                legal_basis: sh.legal_basis,
                valid_from: sh.valid_from,
                valid_until: sh.valid_until,
                status: sh.status.unwrap_or(ShareStatus::Active),
                status_reason: sh.status_reason,
                agreement_id: None,
                request_id: None,
            },
        )
        .await
        .map_err(|e| in_demo(&item, e))?;
    }
    for dv in demo.derivations {
        create_in::<derivation::Derivation>(
            &mut tx,
            derivation::Fields {
                source_item_id: items[&dv.source],
                derived_item_id: items[&dv.derived],
                transformation: dv.transformation,
            },
        )
        .await?;
    }
    tx.commit().await?;
    workflows(db, &system, &orgs, &items).await?;
    publication(db, &system, &orgs, &items).await?;
    Ok(true)
}

/// Sharing requests in every state, and the agreement one of them rests on, made through the
/// same workflow functions clients call.
async fn workflows(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    items: &HashMap<String, i64>,
) -> Result<()> {
    use crate::domain::sharing_agreement::{Fields as AgreementFields, SharingAgreement};
    use crate::domain::sharing_request::{Decision, Submission, decide, submit};
    use entity::enums::SharingMode;

    let ask = |consumer: &str, item: &str, mode: SharingMode, purpose: &str| Submission {
        consumer_id: orgs[consumer],
        item_ids: vec![items[item]],
        requested_mode: mode,
        purpose: purpose.to_owned(),
        legal_basis: Some(
            "Điều 35 Nghị định 47/2020/NĐ-CP (sửa đổi bởi Nghị định 194/2025/NĐ-CP)".into(),
        ),
        contact_name: "Cán bộ đầu mối của đơn vị".into(),
        contact_email: None,
        contact_phone: Some("0234 3891 000".into()),
    };
    let approved = submit(
        db,
        system,
        ask(
            "000.07.39.H57",
            "ND-DATDAI/BIEN-DONG-DAT",
            SharingMode::Default,
            "Đối chiếu biến động đất đai khi chứng thực hợp đồng chuyển nhượng",
        ),
    )
    .await?;
    decide(
        db,
        system,
        approved.id,
        None,
        Decision::Approve { agreement_id: None },
    )
    .await?;

    let agreement = crate::domain::create::<SharingAgreement>(
        db,
        system,
        AgreementFields {
            provider_id: orgs["000.02.39.H57"],
            consumer_id: orgs["000.04.39.H57"],
            data_content: "Danh sách hộ kinh doanh cá thể và tình trạng hoạt động".into(),
            place_of_use: "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông".into(),
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1),
            valid_until: NaiveDate::from_ymd_opt(2027, 12, 31),
            method: "Khai thác qua dịch vụ chia sẻ trên LGSP tỉnh Thừa Thiên Huế".into(),
            processing_after_receipt: Some("Chỉ dùng để rà soát thu nhập hộ gia đình".into()),
            conditions_and_limits: Some("Không cung cấp cho bên thứ ba".into()),
            protection_commitments: Some(
                "Bảo vệ dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP".into(),
            ),
            security_and_authentication: Some("Tài khoản định danh của cán bộ được giao".into()),
            storage: Some("Lưu trên máy chủ của Phòng, không sao chép ra thiết bị cá nhân".into()),
            deletion_method: Some("Xóa khi kết thúc đợt rà soát, lập biên bản".into()),
            signed_on: NaiveDate::from_ymd_opt(2025, 12, 20).expect("a date"),
        },
    )
    .await?;
    let on_request = submit(
        db,
        system,
        ask(
            "000.04.39.H57",
            "ND-NGANSACH/HO-KINH-DOANH",
            SharingMode::OnRequest,
            "Rà soát thu nhập hộ gia đình có hộ kinh doanh",
        ),
    )
    .await?;
    decide(
        db,
        system,
        on_request.id,
        None,
        Decision::Approve {
            agreement_id: Some(agreement.id),
        },
    )
    .await?;

    let rejected = submit(
        db,
        system,
        ask(
            "000.05.39.H57",
            "ND-YTE/TIEM-CHUNG",
            SharingMode::OnRequest,
            "Theo dõi tiêm chủng của học sinh",
        ),
    )
    .await?;
    decide(db, system, rejected.id, None, Decision::Reject {
        reason: "Dữ liệu tiêm chủng là dữ liệu cá nhân về sức khỏe; đề nghị nhà trường phối hợp qua Trạm Y tế xã".into(),
    })
    .await?;

    let withdrawn = submit(
        db,
        system,
        ask(
            "000.09.39.H57",
            "ND-HOTICH/KHAI-SINH",
            SharingMode::Default,
            "Thống kê lao động nông thôn",
        ),
    )
    .await?;
    decide(db, system, withdrawn.id, None, Decision::Withdraw).await?;

    submit(
        db,
        system,
        ask(
            "000.08.39.H57",
            "ND-HONGHEO/KET-QUA-RA-SOAT",
            SharingMode::Default,
            "Cấp thẻ bảo hiểm y tế cho hộ nghèo",
        ),
    )
    .await?;
    // Waiting since a fortnight ago: shows in overdueRequests.
    let late = submit(
        db,
        system,
        ask(
            "001.00.39.H57",
            "ND-DATDAI/BAN-DO-DIA-CHINH",
            SharingMode::Default,
            "Giải quyết thủ tục đất đai tại bộ phận một cửa thị trấn",
        ),
    )
    .await?;
    let fortnight_ago = crate::domain::today() - chrono::Days::new(14);
    let calendar = crate::domain::calendar::Calendar::load(db, fortnight_ago).await?;
    let mut backdated = sea_orm::IntoActiveModel::into_active_model(late);
    backdated.submitted_at = sea_orm::Set(chrono::Utc::now() - chrono::Duration::days(14));
    backdated.due_on = sea_orm::Set(Some(calendar.add_working_days(fortnight_ago, 2)));
    sea_orm::ActiveModelTrait::update(backdated, db).await?;
    Ok(())
}

/// Catalogue releases and a review, open datasets, quality assessments, usage records with a
/// violation, and the public's feedback with votes: the rest of the decree's cycle, so that
/// every query of it shows something.
async fn publication(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    items: &HashMap<String, i64>,
) -> Result<()> {
    releases(db, system, orgs, items).await?;
    let water = open_datasets(db, system, orgs, items).await?;
    quality_assessments(db, system, items).await?;
    usage_records(db, system, orgs, items).await?;
    feedback(db, system, orgs, water).await
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// The environment office's two releases (an item edited between them, so that they differ),
/// the labour office's old one that is overdue for review, and a review of a default-sharing
/// list.
async fn releases(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    items: &HashMap<String, i64>,
) -> Result<()> {
    use crate::domain::release::{CatalogueReview, Publication, ReviewFields, publish};
    use entity::enums::ReviewScope;

    let environment = orgs["000.03.39.H57"];
    let signer = "Nguyễn Văn Hùng, Phó Chủ tịch UBND huyện Nam Đông";
    publish(
        db,
        system,
        Publication {
            organization_id: environment,
            decision_number: "1520/QĐ-UBND".into(),
            decided_on: day(2025, 6, 10),
            signer: signer.into(),
            note: Some("Danh mục cơ sở dữ liệu ngành tài nguyên và môi trường huyện".into()),
        },
        12,
    )
    .await?;
    crate::domain::update::<crate::domain::data_item::DataItem>(
        db,
        system,
        items["ND-DATDAI/BANG-GIA-DAT"],
        None,
        |f| {
            f.description =
                Some("Bảng giá đất giai đoạn 2025–2029 theo quyết định của UBND tỉnh".into())
        },
    )
    .await?;
    publish(
        db,
        system,
        Publication {
            organization_id: environment,
            decision_number: "2874/QĐ-UBND".into(),
            decided_on: day(2026, 10, 5),
            signer: signer.into(),
            note: Some("Cập nhật sau rà soát định kỳ năm 2026".into()),
        },
        12,
    )
    .await?;
    // Released long ago and not reviewed since: shows in overdueReviews.
    publish(
        db,
        system,
        Publication {
            organization_id: orgs["000.04.39.H57"],
            decision_number: "312/QĐ-UBND".into(),
            decided_on: day(2025, 3, 1),
            signer: signer.into(),
            note: None,
        },
        12,
    )
    .await?;
    crate::domain::create::<CatalogueReview>(
        db,
        system,
        ReviewFields {
            organization_id: environment,
            scope: ReviewScope::DefaultSharing,
            reviewed_on: day(2026, 10, 1),
            reviewer: "Trần Thị Hoa, Phòng Tài nguyên và Môi trường".into(),
            decision_number: None,
            outcome: Some("Giữ nguyên danh mục dữ liệu chia sẻ mặc định".into()),
        },
    )
    .await?;
    Ok(())
}

/// A monthly open dataset kept fresh, and one never refreshed; the first one's id.
async fn open_datasets(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    items: &HashMap<String, i64>,
) -> Result<i64> {
    use crate::domain::open_data;
    use entity::enums::UpdateFrequency;

    let environment = orgs["000.03.39.H57"];
    let water = open_data::create(
        db,
        system,
        open_data::Fields {
            organization_id: environment,
            code: "QUAN-TRAC-NUOC-TA-TRACH".into(),
            title: "Kết quả quan trắc chất lượng nước sông Tả Trạch".into(),
            description: Some(
                "Chỉ số chất lượng nước (WQI) theo tháng tại các điểm quan trắc".into(),
            ),
            licence: None,
            formats: vec!["CSV".into(), "JSON".into()],
            download_url: Some("https://opendata.namdong.gov.vn/quan-trac-nuoc.csv".into()),
            data_service_id: None,
            update_frequency: UpdateFrequency::Monthly,
            published_on: Some(day(2026, 3, 1)),
            refreshed_on: Some(day(2026, 11, 2)),
        },
        vec![items["ND-MOITRUONG/QUAN-TRAC-NUOC"]],
    )
    .await?;
    // Published and never refreshed: stale, shows in overdueReviews.
    open_data::create(
        db,
        system,
        open_data::Fields {
            organization_id: environment,
            code: "DIEM-THU-GOM-RAC".into(),
            title: "Điểm thu gom rác thải sinh hoạt huyện Nam Đông".into(),
            description: None,
            licence: None,
            formats: vec!["GeoJSON".into()],
            download_url: Some("https://opendata.namdong.gov.vn/diem-thu-gom-rac.geojson".into()),
            data_service_id: None,
            update_frequency: UpdateFrequency::Quarterly,
            published_on: Some(day(2026, 2, 1)),
            refreshed_on: None,
        },
        vec![items["ND-MOITRUONG/DIEM-THU-GOM-RAC"]],
    )
    .await?;
    Ok(water.id)
}

/// Three items assessed: two good, one with findings and a remediation plan.
async fn quality_assessments(
    db: &DatabaseConnection,
    system: &Caller,
    items: &HashMap<String, i64>,
) -> Result<()> {
    use crate::domain::quality::{Fields as Assessment, QualityAssessment, Subject};

    for (item, on, scores, findings) in [
        (
            "ND-HONGHEO/HO-NGHEO",
            day(2026, 9, 15),
            [92, 88, 90, 85, 95, 99],
            None,
        ),
        (
            "ND-DATDAI/HO-SO-DIA-CHINH",
            day(2026, 8, 20),
            [61, 55, 48, 40, 70, 90],
            Some(
                "Nhiều thửa chưa cập nhật biến động sau năm 2020; mã loại đất chưa theo danh mục dùng chung",
            ),
        ),
        (
            "ND-MOITRUONG/QUAN-TRAC-NUOC",
            day(2026, 10, 30),
            [98, 95, 97, 99, 96, 100],
            None,
        ),
    ] {
        crate::domain::create::<QualityAssessment>(
            db,
            system,
            Assessment {
                subject: Subject::DataItem(items[item]),
                assessed_on: on,
                assessor: "Tổ đánh giá chất lượng dữ liệu huyện".into(),
                scores,
                organised_for_sharing: findings.is_none(),
                uses_shared_code_lists: findings.is_none(),
                consistent_with_master_data: true,
                findings: findings.map(str::to_owned),
                remediation_plan: findings
                    .map(|_| "Rà soát, chỉnh lý hồ sơ địa chính trong quý I năm 2027".to_owned()),
                next_due: Some(on + chrono::Months::new(12)),
            },
        )
        .await?;
    }
    Ok(())
}

/// Usage reported by the provider of the poverty database: regular use by the health
/// office, and a download through its service by an office with no share (a violation).
async fn usage_records(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    items: &HashMap<String, i64>,
) -> Result<()> {
    use crate::domain::usage::{EventInput, record};

    let poverty_shares = entity::share::Entity::find()
        .filter(entity::share::Column::DataItemId.eq(items["ND-HONGHEO/HO-NGHEO"]))
        .all(db)
        .await?;
    let share_to = |consumer: &str| {
        poverty_shares
            .iter()
            .find(|s| s.consumer_id == orgs[consumer])
            .map(|s| s.id)
    };
    let now = chrono::Utc::now();
    let mut events: Vec<EventInput> = (1..=6)
        .map(|d| EventInput {
            share_id: share_to("000.08.39.H57"),
            service_id: None,
            consumer_id: None,
            occurred_at: now - chrono::Duration::days(d) - chrono::Duration::hours(3),
            operation: "TRA_CUU".into(),
            record_count: 40 + d * 7,
            purpose: Some("Cấp thẻ bảo hiểm y tế cho người nghèo".into()),
        })
        .collect();
    let service = entity::data_service::Entity::find()
        .filter(entity::data_service::Column::Code.eq("ND-HONGHEO-API"))
        .one(db)
        .await?
        .map(|s| s.id);
    events.push(EventInput {
        share_id: None,
        service_id: service,
        consumer_id: Some(orgs["000.05.39.H57"]),
        occurred_at: now - chrono::Duration::hours(2),
        operation: "TAI_XUONG".into(),
        record_count: 1250,
        purpose: Some("Miễn học phí cho học sinh thuộc hộ nghèo".into()),
    });
    record(db, system, events).await?;
    Ok(())
}

/// The public's feedback to the environment office: two requests for new open data with
/// votes (one planned), and an error report on a dataset, fixed.
async fn feedback(
    db: &DatabaseConnection,
    system: &Caller,
    orgs: &HashMap<String, i64>,
    water: i64,
) -> Result<()> {
    use crate::domain::open_data::{self, Submission};
    use entity::enums::{FeedbackKind, FeedbackStatus};

    let environment = orgs["000.03.39.H57"];
    let ask = |kind, title: &str, body: &str| Submission {
        kind,
        organization_id: Some(environment),
        open_dataset_id: None,
        title: title.into(),
        body: body.into(),
        contact_email: Some("nguoidan@example.vn".into()),
    };
    let planning = open_data::submit(
        db,
        system,
        ask(
            FeedbackKind::DataRequest,
            "Công bố bản đồ quy hoạch sử dụng đất đến năm 2030",
            "Người dân cần tra cứu quy hoạch trước khi mua bán, xây dựng nhà ở.",
        ),
    )
    .await?;
    let noise = open_data::submit(
        db,
        system,
        ask(
            FeedbackKind::DataRequest,
            "Dữ liệu quan trắc tiếng ồn tại thị trấn Khe Tre",
            "Đề nghị mở dữ liệu tiếng ồn khu vực chợ và bến xe.",
        ),
    )
    .await?;
    let mut error_report = ask(
        FeedbackKind::ErrorReport,
        "Sai tọa độ điểm thu gom rác thôn 4 xã Hương Phú",
        "Điểm thu gom ở thôn 4 hiển thị lệch khoảng 300 m so với thực tế.",
    );
    error_report.organization_id = None;
    error_report.open_dataset_id = Some(
        entity::open_dataset::Entity::find()
            .filter(entity::open_dataset::Column::Code.eq("DIEM-THU-GOM-RAC"))
            .one(db)
            .await?
            .map(|d| d.id)
            .unwrap_or(water),
    );
    let fixed = open_data::submit(db, system, error_report).await?;
    for (feedback, voters) in [(planning.id, 14), (noise.id, 3)] {
        for n in 0..voters {
            open_data::vote(db, system, &format!("demo-voter-{n}"), feedback).await?;
        }
    }
    open_data::answer(
        db,
        system,
        fixed.id,
        None,
        FeedbackStatus::Done,
        Some("Đã hiệu chỉnh tọa độ trong lần cập nhật tháng 11/2026. Cảm ơn ông/bà.".into()),
    )
    .await?;
    open_data::answer(
        db,
        system,
        planning.id,
        None,
        FeedbackStatus::Planned,
        Some("Dự kiến công bố trong quý I năm 2027 sau khi quy hoạch được phê duyệt.".into()),
    )
    .await?;
    Ok(())
}

/// Names the demo row a rule refused (a mistake in the bundled data, caught by the tests).
fn in_demo_text(what: &str, reason: Text) -> Text {
    Text::key("demo-invalid")
        .arg("what", what)
        .with("reason", reason)
}

fn in_demo(what: &str, err: Error) -> Error {
    match err {
        Error::BadInput { message, .. } => Error::bad_input("demo", in_demo_text(what, message)),
        other => other,
    }
}
