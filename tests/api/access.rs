//! Who may see and do what (docs/design.md): tokens, the `viewer` field, and a table-driven
//! authorization matrix over every entity, every read path and every mutation, for seven
//! callers: the public, a viewer of A, a steward of A, a steward of B, an admin, and a viewer
//! and a steward of the province above A, B and C with subtree scope; the read matrix runs
//! under each `SHAREGRAPH_PUBLIC_SHARES` setting.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sharegraph::access::{PublicShares, Role};

use crate::support::{TestApp, code, create_db, create_item, create_org};

const A: &str = "000.00.31.H57";
const B: &str = "000.00.32.H57";
const C: &str = "000.00.33.H57";

/// The callers of the matrix, in column order.
const CALLERS: [&str; 7] = [
    "anonymous",
    "viewer of A",
    "steward of A",
    "steward of B",
    "admin",
    "subtree viewer of the province",
    "subtree steward of the province",
];

/// The province above A, B and C.
const PROVINCE: &str = "000.00.00.H57";

struct Callers {
    tokens: [Option<String>; 7],
}

impl Callers {
    async fn new(app: &TestApp) -> Self {
        Self {
            tokens: [
                None,
                Some(app.token(Role::Viewer, Some(A)).await),
                Some(app.token(Role::Steward, Some(A)).await),
                Some(app.token(Role::Steward, Some(B)).await),
                Some(app.admin.clone()),
                Some(app.subtree_token(Role::Viewer, PROVINCE).await),
                Some(app.subtree_token(Role::Steward, PROVINCE).await),
            ],
        }
    }
}

/// The rows of organization A (and a few around it) the matrix reads and writes.
struct Fixture {
    province: String,
    org_a: String,
    org_b: String,
    org_c: String,
    focal_point: String,
    system: String,
    database: String,
    published_item: String,
    internal_item: String,
    b_item: String,
    public_policy: String,
    internal_policy: String,
    draft_service: String,
    published_service: String,
    share_ab: String,
    share_ac: String,
    derivation: String,
    draft_dataset: String,
}

async fn id_of(app: &TestApp, mutation: &str, input: Value, path: &[&str]) -> String {
    let data = app.ok(mutation, json!({ "input": input })).await;
    let mut v = &data;
    for p in path {
        v = &v[p];
    }
    v.as_str()
        .unwrap_or_else(|| panic!("no id in {data}"))
        .to_owned()
}

async fn set_policy(app: &TestApp, item: &str, consumer: &str, mode: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateSharingPolicyInput!) { createSharingPolicy(input: $input) { sharingPolicy { id } } }",
        json!({ "dataItemId": item, "consumerType": consumer, "mode": mode,
                "legalBasis": "Luật Đất đai 2024, Điều 60" }),
        &["createSharingPolicy", "sharingPolicy", "id"],
    )
    .await
}

/// A published item of A (open to the public), new for each call.
async fn fresh_published_item(app: &TestApp, fx: &Fixture, n: &str) -> String {
    let item = create_item(
        app,
        &fx.database,
        &format!("PUB{n}"),
        &format!("Thửa đất {n}"),
    )
    .await;
    set_policy(app, &item, "PUBLIC", "OPEN").await;
    set_policy(app, &item, "STATE_AGENCY", "DEFAULT").await;
    item
}

async fn share(app: &TestApp, item: &str, consumer: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
        json!({ "dataItemId": item, "consumerId": consumer, "purpose": "Giải quyết thủ tục hành chính" }),
        &["createShare", "share", "id"],
    )
    .await
}

async fn derivation(app: &TestApp, source: &str, derived: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }",
        json!({ "sourceItemId": source, "derivedItemId": derived }),
        &["createDerivation", "derivation", "id"],
    )
    .await
}

async fn service(app: &TestApp, org: &str, code: &str, status: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
        json!({ "code": code, "name": format!("Dịch vụ {code}"), "providerId": org,
                "method": "ONLINE_SERVICE", "platform": "LGSP", "status": status }),
        &["createDataService", "dataService", "id"],
    )
    .await
}

async fn focal_point(app: &TestApp, org: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateFocalPointInput!) { createFocalPoint(input: $input) { focalPoint { id } } }",
        json!({ "organizationId": org, "scope": "INTERNAL", "fullName": "Hồ Thị Lài" }),
        &["createFocalPoint", "focalPoint", "id"],
    )
    .await
}

async fn system(app: &TestApp, org: &str, code: &str) -> String {
    id_of(
        app,
        "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }",
        json!({ "organizationId": org, "code": code, "name": "Hệ thống thông tin đất đai" }),
        &["createInformationSystem", "informationSystem", "id"],
    )
    .await
}

async fn feedback(app: &TestApp, fx: &Fixture, n: usize) -> String {
    id_of(
        app,
        "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id } } }",
        json!({ "kind": "SUGGESTION", "organizationId": fx.org_a, "title": format!("Góp ý {n}"), "body": "Thêm định dạng JSON" }),
        &["submitFeedback", "feedback", "id"],
    )
    .await
}

async fn fixture(app: &TestApp) -> Fixture {
    let province = create_org(app, PROVINCE, "UBND tỉnh Thừa Thiên Huế", "PROVINCE", None).await;
    let org_a = create_org(
        app,
        A,
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        Some(&province),
    )
    .await;
    let org_b = create_org(
        app,
        B,
        "Phòng Tư pháp huyện Nam Đông",
        "DISTRICT",
        Some(&province),
    )
    .await;
    let org_c = create_org(
        app,
        C,
        "Phòng Y tế huyện Nam Đông",
        "DISTRICT",
        Some(&province),
    )
    .await;
    let database = create_db(app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &org_a).await;
    let published_item = create_item(app, &database, "THUADAT", "Thửa đất").await;
    let public_policy = set_policy(app, &published_item, "PUBLIC", "OPEN").await;
    set_policy(app, &published_item, "STATE_AGENCY", "DEFAULT").await;
    let internal_item = create_item(app, &database, "GHICHU", "Ghi chú nội bộ").await;
    let internal_policy = set_policy(app, &internal_item, "STATE_AGENCY", "NOT_SHARED").await;
    let b_db = create_db(app, "DB-HOTICH", "Cơ sở dữ liệu hộ tịch", &org_b).await;
    let b_item = create_item(app, &b_db, "KHAISINH", "Khai sinh").await;
    set_policy(app, &b_item, "STATE_AGENCY", "DEFAULT").await;
    Fixture {
        focal_point: focal_point(app, &org_a).await,
        system: system(app, &org_a, "HT-DATDAI").await,
        draft_service: service(app, &org_a, "DV-NHAP", "DRAFT").await,
        published_service: service(app, &org_a, "DV-CONGBO", "PUBLISHED").await,
        share_ab: share(app, &published_item, &org_b).await,
        share_ac: share(app, &published_item, &org_c).await,
        derivation: derivation(app, &internal_item, &published_item).await,
        draft_dataset: id_of(
            app,
            "mutation($input: CreateOpenDatasetInput!) { createOpenDataset(input: $input) { openDataset { id } } }",
            json!({ "organizationId": org_a, "code": "NHAP", "title": "Bản nháp dữ liệu mở", "updateFrequency": "YEARLY",
                    "itemIds": [published_item] }),
            &["createOpenDataset", "openDataset", "id"],
        )
        .await,
        province,
        org_a,
        org_b,
        org_c,
        database,
        published_item,
        internal_item,
        b_item,
        public_policy,
        internal_policy,
    }
}

/// One row and how to reach it: its list field, its lookup field, and a nested list on a
/// parent that holds it.
struct ReadCase {
    what: &'static str,
    id: String,
    list: &'static str,
    lookup: &'static str,
    /// A query with `$parent` whose `.nodes` and `.totalCount` are at `nested_path`.
    nested: &'static str,
    parent: String,
    nested_path: &'static [&'static str],
    /// Seen by each caller, in [`CALLERS`] order.
    seen: [bool; 7],
}

const ALL: [bool; 7] = [true; 7];
const OWN: [bool; 7] = [false, true, true, false, true, true, true];
/// What the public sees under `SHAREGRAPH_PUBLIC_SHARES=organizations|none`: a share only its
/// parties (and those acting for them) read.
const PARTIES_AB: [bool; 7] = [false, true, true, true, true, true, true];
const PARTIES_AC: [bool; 7] = OWN;

fn read_cases(fx: &Fixture, public_shares: PublicShares) -> Vec<ReadCase> {
    // The shares' item is published: the public reads them unless the server keeps shares
    // with their parties.
    let public = public_shares == PublicShares::Shares;
    vec![
        ReadCase {
            what: "organization A",
            id: fx.org_a.clone(),
            list: "organizations",
            lookup: "organization",
            nested: "query($parent: ID!) { organization(id: $parent) { children(first: 100) { totalCount nodes { id } } } }",
            parent: fx.province.clone(),
            nested_path: &["organization", "children"],
            seen: ALL,
        },
        ReadCase {
            what: "focal point of A",
            id: fx.focal_point.clone(),
            list: "focalPoints",
            lookup: "focalPoint",
            nested: "query($parent: ID!) { organization(id: $parent) { focalPoints(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "focalPoints"],
            seen: ALL,
        },
        ReadCase {
            what: "information system of A",
            id: fx.system.clone(),
            list: "informationSystems",
            lookup: "informationSystem",
            nested: "query($parent: ID!) { organization(id: $parent) { informationSystems(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "informationSystems"],
            seen: OWN,
        },
        ReadCase {
            what: "database of A",
            id: fx.database.clone(),
            list: "databases",
            lookup: "database",
            nested: "query($parent: ID!) { organization(id: $parent) { databases(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "databases"],
            seen: ALL,
        },
        ReadCase {
            what: "published item of A",
            id: fx.published_item.clone(),
            list: "dataItems",
            lookup: "dataItem",
            nested: "query($parent: ID!) { database(id: $parent) { items(first: 100) { totalCount nodes { id } } } }",
            parent: fx.database.clone(),
            nested_path: &["database", "items"],
            seen: ALL,
        },
        ReadCase {
            what: "internal item of A",
            id: fx.internal_item.clone(),
            list: "dataItems",
            lookup: "dataItem",
            nested: "query($parent: ID!) { database(id: $parent) { items(first: 100) { totalCount nodes { id } } } }",
            parent: fx.database.clone(),
            nested_path: &["database", "items"],
            seen: OWN,
        },
        ReadCase {
            what: "policy of a published item",
            id: fx.public_policy.clone(),
            list: "sharingPolicies",
            lookup: "sharingPolicy",
            nested: "query($parent: ID!) { dataItem(id: $parent) { policies(first: 100) { totalCount nodes { id } } } }",
            parent: fx.published_item.clone(),
            nested_path: &["dataItem", "policies"],
            seen: ALL,
        },
        ReadCase {
            what: "policy of an internal item",
            id: fx.internal_policy.clone(),
            list: "sharingPolicies",
            lookup: "sharingPolicy",
            nested: "query($parent: ID!) { database(id: $parent) { items(first: 100) { nodes { policies(first: 100) { totalCount nodes { id } } } } } }",
            parent: fx.database.clone(),
            nested_path: &["database", "items", "nodes", "*", "policies"],
            seen: OWN,
        },
        ReadCase {
            what: "draft service of A",
            id: fx.draft_service.clone(),
            list: "dataServices",
            lookup: "dataService",
            nested: "query($parent: ID!) { organization(id: $parent) { dataServices(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "dataServices"],
            seen: OWN,
        },
        ReadCase {
            what: "published service of A",
            id: fx.published_service.clone(),
            list: "dataServices",
            lookup: "dataService",
            nested: "query($parent: ID!) { organization(id: $parent) { dataServices(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "dataServices"],
            seen: ALL,
        },
        ReadCase {
            what: "share A → B",
            id: fx.share_ab.clone(),
            list: "shares",
            lookup: "share",
            nested: "query($parent: ID!) { organization(id: $parent) { sharesProvided(first: 100) { totalCount nodes { id } } } }",
            parent: fx.org_a.clone(),
            nested_path: &["organization", "sharesProvided"],
            seen: if public { ALL } else { PARTIES_AB },
        },
        ReadCase {
            what: "share A → C",
            id: fx.share_ac.clone(),
            list: "shares",
            lookup: "share",
            nested: "query($parent: ID!) { dataItem(id: $parent) { shares(first: 100) { totalCount nodes { id } } } }",
            parent: fx.published_item.clone(),
            nested_path: &["dataItem", "shares"],
            seen: if public { ALL } else { PARTIES_AC },
        },
        ReadCase {
            what: "derivation from an internal item",
            id: fx.derivation.clone(),
            list: "derivations",
            lookup: "derivation",
            nested: "query($parent: ID!) { dataItem(id: $parent) { derivedFrom(first: 100) { totalCount nodes { id } } } }",
            parent: fx.published_item.clone(),
            nested_path: &["dataItem", "derivedFrom"],
            seen: OWN,
        },
    ]
}

/// Collects the connections at `path` (`*` walks a list) into (ids, totalCount sum).
fn connections(v: &Value, path: &[&str]) -> (Vec<String>, i64) {
    match path.split_first() {
        None => {
            let ids = v["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("no nodes in {v}"))
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            (ids, v["totalCount"].as_i64().unwrap())
        }
        Some((&"*", rest)) => {
            let mut all = (Vec::new(), 0);
            for item in v.as_array().unwrap() {
                let (ids, n) = connections(item, rest);
                all.0.extend(ids);
                all.1 += n;
            }
            all
        }
        Some((key, rest)) => connections(&v[*key], rest),
    }
}

#[tokio::test]
async fn every_read_path_shows_each_caller_only_what_it_may_see() {
    read_matrix(PublicShares::Shares, |_| true).await;
}

/// The share rows of the read matrix when the public sees only organization-to-organization
/// counts, or no shares at all.
#[tokio::test]
async fn shares_stay_with_their_parties_when_the_server_says_so() {
    for setting in [PublicShares::Organizations, PublicShares::None] {
        read_matrix(setting, |case| case.list == "shares").await;
    }
}

async fn read_matrix(public_shares: PublicShares, only: impl Fn(&ReadCase) -> bool) {
    let app = TestApp::spawn_with(|limits| {
        limits.rate_limit_per_minute = 0;
        limits.anonymous_rate_limit_per_minute = 0;
        limits.public_shares = public_shares;
    })
    .await;
    let fx = fixture(&app).await;
    let callers = Callers::new(&app).await;
    let mut failures = Vec::new();
    for case in read_cases(&fx, public_shares)
        .into_iter()
        .filter(|c| only(c))
    {
        let parent = case.parent.clone();
        for (c, token) in callers.tokens.iter().enumerate() {
            let token = token.as_deref();
            let expect = case.seen[c];
            let check = |failures: &mut Vec<String>, path: &str, seen: bool| {
                if seen != expect {
                    failures.push(format!(
                        "{} by {} through {path} ({public_shares:?}): seen {seen}, expected {expect}",
                        case.what, CALLERS[c]
                    ));
                }
            };
            // The root list, and its totalCount (hidden rows are not counted).
            let q = format!(
                "{{ {}(first: 100) {{ totalCount nodes {{ id }} }} }}",
                case.list
            );
            let data = app.ok_as(token, &q, json!({})).await;
            let (ids, total) = connections(&data[case.list], &[]);
            check(&mut failures, "the root list", ids.contains(&case.id));
            if total as usize != ids.len() {
                failures.push(format!(
                    "{} by {}: root totalCount {total} but {} rows",
                    case.what,
                    CALLERS[c],
                    ids.len()
                ));
            }
            // node(id:) and nodes(ids:)
            let data = app
                .ok_as(
                    token,
                    "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }",
                    json!({ "id": case.id }),
                )
                .await;
            check(&mut failures, "node", !data["node"].is_null());
            check(&mut failures, "nodes", !data["nodes"][0].is_null());
            // The singular lookup.
            let q = format!("query($id: ID!) {{ {}(id: $id) {{ id }} }}", case.lookup);
            let data = app.ok_as(token, &q, json!({ "id": case.id })).await;
            check(&mut failures, "the lookup", !data[case.lookup].is_null());
            // A nested list on a parent, and its totalCount.
            let data = app
                .ok_as(token, case.nested, json!({ "parent": parent }))
                .await;
            let (ids, total) = connections(&data, case.nested_path);
            check(&mut failures, "the nested list", ids.contains(&case.id));
            if total as usize != ids.len() {
                failures.push(format!(
                    "{} by {}: nested totalCount {total} but {} rows",
                    case.what,
                    CALLERS[c],
                    ids.len()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every mutation, each aimed at organization A's catalogue.
#[derive(Debug, Clone, Copy)]
enum Write {
    CreateOrganization,
    UpdateOrganization,
    MoveOrganization,
    DeleteOrganization,
    CreateFocalPoint,
    UpdateFocalPoint,
    DeleteFocalPoint,
    CreateInformationSystem,
    UpdateInformationSystem,
    DeleteInformationSystem,
    CreateDatabase,
    UpdateDatabase,
    DeleteDatabase,
    CreateDataItem,
    UpdateDataItem,
    UpdateInternalDataItem,
    DeleteDataItem,
    CreateSharingPolicy,
    UpdateSharingPolicy,
    DeleteSharingPolicy,
    SetSharingPolicies,
    CreateDataService,
    UpdateDataService,
    UpdateDraftDataService,
    DeleteDataService,
    CreateShare,
    UpdateShare,
    DeleteShare,
    CreateDerivation,
    UpdateDerivation,
    DeleteDerivation,
    SubmitSharingRequest,
    ApproveSharingRequest,
    CreateSharingAgreement,
    CreateQualityAssessment,
    RecordAccessEvents,
    AddHoliday,
    PublishCatalogueRelease,
    RecordCatalogueReview,
    CreateOpenDataset,
    UpdateDraftOpenDataset,
    SubmitFeedback,
    VoteFeedback,
    AnswerFeedback,
    ImportInventory,
}

const OK: &str = "OK";
const F: &str = "FORBIDDEN";
const NF: &str = "NOT_FOUND";
/// Stewards of A and admins.
const STEWARD: [&str; 7] = [F, F, OK, F, OK, F, OK];
/// Stewards of A and admins; hidden from B, so B is told it does not exist.
const STEWARD_HIDDEN: [&str; 7] = [F, F, OK, NF, OK, F, OK];
const ADMIN: [&str; 7] = [F, F, F, F, OK, F, F];
/// Anyone, the public included (feedback on open data).
const ANYONE: [&str; 7] = [OK; 7];

impl Write {
    const ALL: [Write; 45] = [
        Write::CreateOrganization,
        Write::UpdateOrganization,
        Write::MoveOrganization,
        Write::DeleteOrganization,
        Write::CreateFocalPoint,
        Write::UpdateFocalPoint,
        Write::DeleteFocalPoint,
        Write::CreateInformationSystem,
        Write::UpdateInformationSystem,
        Write::DeleteInformationSystem,
        Write::CreateDatabase,
        Write::UpdateDatabase,
        Write::DeleteDatabase,
        Write::CreateDataItem,
        Write::UpdateDataItem,
        Write::UpdateInternalDataItem,
        Write::DeleteDataItem,
        Write::CreateSharingPolicy,
        Write::UpdateSharingPolicy,
        Write::DeleteSharingPolicy,
        Write::SetSharingPolicies,
        Write::CreateDataService,
        Write::UpdateDataService,
        Write::UpdateDraftDataService,
        Write::DeleteDataService,
        Write::CreateShare,
        Write::UpdateShare,
        Write::DeleteShare,
        Write::CreateDerivation,
        Write::UpdateDerivation,
        Write::DeleteDerivation,
        Write::SubmitSharingRequest,
        Write::ApproveSharingRequest,
        Write::CreateSharingAgreement,
        Write::CreateQualityAssessment,
        Write::RecordAccessEvents,
        Write::AddHoliday,
        Write::PublishCatalogueRelease,
        Write::RecordCatalogueReview,
        Write::CreateOpenDataset,
        Write::UpdateDraftOpenDataset,
        Write::SubmitFeedback,
        Write::VoteFeedback,
        Write::AnswerFeedback,
        Write::ImportInventory,
    ];

    fn expected(self) -> [&'static str; 7] {
        use Write::*;
        match self {
            CreateOrganization | MoveOrganization | DeleteOrganization | AddHoliday => ADMIN,
            SubmitFeedback | VoteFeedback => ANYONE,
            UpdateInformationSystem
            | DeleteInformationSystem
            | UpdateInternalDataItem
            | DeleteDataItem
            | UpdateDraftDataService
            | DeleteDataService
            | UpdateDerivation
            | UpdateDraftOpenDataset => STEWARD_HIDDEN,
            _ => STEWARD,
        }
    }

    /// The mutation and its input for attempt `n`, after preparing what it needs (as admin).
    async fn prepare(self, app: &TestApp, fx: &Fixture, n: usize) -> (&'static str, Value) {
        use Write::*;
        let delete = |m: &'static str, id: String| (m, json!({ "input": { "id": id } }));
        match self {
            CreateOrganization => (
                "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
                json!({ "input": { "code": format!("000.31.{n:02}.H57"), "name": format!("Xã Hương Phú {n}"),
                                   "level": "COMMUNE", "parentId": fx.org_a } }),
            ),
            UpdateOrganization => (
                "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
                json!({ "input": { "id": fx.org_a, "phone": format!("0234 3886 {n:03}") } }),
            ),
            MoveOrganization => {
                // Always a real move: to whichever of C and the province A is not under now.
                let now = app
                    .ok(
                        "query($id: ID!) { organization(id: $id) { parent { id } } }",
                        json!({ "id": fx.org_a }),
                    )
                    .await;
                let to = if now["organization"]["parent"]["id"] == json!(fx.org_c) {
                    &fx.province
                } else {
                    &fx.org_c
                };
                (
                    "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
                    json!({ "input": { "id": fx.org_a, "parentId": to, "phone": format!("{n}") } }),
                )
            }
            DeleteOrganization => {
                let org = create_org(
                    app,
                    &format!("000.32.{n:02}.H57"),
                    "Xã Thượng Quảng",
                    "COMMUNE",
                    Some(&fx.org_a),
                )
                .await;
                delete(
                    "mutation($input: DeleteInput!) { deleteOrganization(input: $input) { deletedId } }",
                    org,
                )
            }
            CreateFocalPoint => (
                "mutation($input: CreateFocalPointInput!) { createFocalPoint(input: $input) { focalPoint { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "scope": "INTERNAL", "fullName": format!("Lê Văn Tám {n}") } }),
            ),
            UpdateFocalPoint => (
                "mutation($input: UpdateFocalPointInput!) { updateFocalPoint(input: $input) { focalPoint { id } } }",
                json!({ "input": { "id": fx.focal_point, "position": format!("Chuyên viên {n}") } }),
            ),
            DeleteFocalPoint => {
                let fp = focal_point(app, &fx.org_a).await;
                delete(
                    "mutation($input: DeleteInput!) { deleteFocalPoint(input: $input) { deletedId } }",
                    fp,
                )
            }
            CreateInformationSystem => (
                "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "code": format!("HT-{n}"), "name": "Hệ thống một cửa điện tử" } }),
            ),
            UpdateInformationSystem => (
                "mutation($input: UpdateInformationSystemInput!) { updateInformationSystem(input: $input) { informationSystem { id } } }",
                json!({ "input": { "id": fx.system, "operator": format!("Trung tâm {n}") } }),
            ),
            DeleteInformationSystem => {
                let s = system(app, &fx.org_a, &format!("HT-X{n}")).await;
                delete(
                    "mutation($input: DeleteInput!) { deleteInformationSystem(input: $input) { deletedId } }",
                    s,
                )
            }
            CreateDatabase => (
                "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "code": format!("DB-{n}"), "name": "Cơ sở dữ liệu môi trường", "kind": "LOCAL" } }),
            ),
            UpdateDatabase => (
                "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
                json!({ "input": { "id": fx.database, "purpose": format!("Quản lý đất đai {n}") } }),
            ),
            DeleteDatabase => {
                let d = create_db(app, &format!("DB-X{n}"), "Cơ sở dữ liệu tạm", &fx.org_a).await;
                delete(
                    "mutation($input: DeleteInput!) { deleteDatabase(input: $input) { deletedId } }",
                    d,
                )
            }
            CreateDataItem => (
                "mutation($input: CreateDataItemInput!) { createDataItem(input: $input) { dataItem { id } } }",
                json!({ "input": { "databaseId": fx.database, "code": format!("MUC{n}"), "name": "Biến động đất đai" } }),
            ),
            UpdateDataItem => (
                "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
                json!({ "input": { "id": fx.published_item, "description": format!("Mô tả {n}") } }),
            ),
            UpdateInternalDataItem => (
                "mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
                json!({ "input": { "id": fx.internal_item, "description": format!("Mô tả {n}") } }),
            ),
            DeleteDataItem => {
                let item = create_item(app, &fx.database, &format!("XOA{n}"), "Mục tạm").await;
                delete(
                    "mutation($input: DeleteInput!) { deleteDataItem(input: $input) { deletedId } }",
                    item,
                )
            }
            CreateSharingPolicy => {
                let item =
                    create_item(app, &fx.database, &format!("CS{n}"), "Mục có chính sách").await;
                set_policy(app, &item, "PUBLIC", "OPEN").await;
                (
                    "mutation($input: CreateSharingPolicyInput!) { createSharingPolicy(input: $input) { sharingPolicy { id } } }",
                    json!({ "input": { "dataItemId": item, "consumerType": "ENTERPRISE", "mode": "ON_REQUEST" } }),
                )
            }
            UpdateSharingPolicy => (
                "mutation($input: UpdateSharingPolicyInput!) { updateSharingPolicy(input: $input) { sharingPolicy { id } } }",
                json!({ "input": { "id": fx.public_policy, "conditions": format!("Ghi rõ nguồn {n}") } }),
            ),
            DeleteSharingPolicy => {
                let item = fresh_published_item(app, fx, &format!("D{n}")).await;
                let policy = set_policy(app, &item, "ENTERPRISE", "ON_REQUEST").await;
                delete(
                    "mutation($input: DeleteInput!) { deleteSharingPolicy(input: $input) { deletedId } }",
                    policy,
                )
            }
            SetSharingPolicies => (
                "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }",
                json!({ "input": { "dataItemId": fx.published_item, "policies": [
                    { "consumerType": "INDIVIDUAL", "mode": if n.is_multiple_of(2) { "ON_REQUEST" } else { "OPEN" } } ] } }),
            ),
            CreateDataService => (
                "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
                json!({ "input": { "code": format!("DV-{n}"), "name": "Dịch vụ tra cứu", "providerId": fx.org_a,
                                   "method": "ONLINE_SERVICE", "platform": "LGSP" } }),
            ),
            UpdateDataService => (
                "mutation($input: UpdateDataServiceInput!) { updateDataService(input: $input) { dataService { id } } }",
                json!({ "input": { "id": fx.published_service, "availability": format!("24/7 ({n})") } }),
            ),
            UpdateDraftDataService => (
                "mutation($input: UpdateDataServiceInput!) { updateDataService(input: $input) { dataService { id } } }",
                json!({ "input": { "id": fx.draft_service, "availability": format!("Giờ hành chính ({n})") } }),
            ),
            DeleteDataService => {
                let s = service(app, &fx.org_a, &format!("DV-X{n}"), "DRAFT").await;
                delete(
                    "mutation($input: DeleteInput!) { deleteDataService(input: $input) { deletedId } }",
                    s,
                )
            }
            CreateShare => {
                let item = fresh_published_item(app, fx, &format!("S{n}")).await;
                (
                    "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
                    json!({ "input": { "dataItemId": item, "consumerId": fx.org_b } }),
                )
            }
            UpdateShare => (
                "mutation($input: UpdateShareInput!) { updateShare(input: $input) { share { id } } }",
                json!({ "input": { "id": fx.share_ab, "purpose": format!("Chứng thực {n}") } }),
            ),
            DeleteShare => {
                let item = fresh_published_item(app, fx, &format!("X{n}")).await;
                let s = share(app, &item, &fx.org_b).await;
                delete(
                    "mutation($input: DeleteInput!) { deleteShare(input: $input) { deletedId } }",
                    s,
                )
            }
            CreateDerivation => {
                let item = fresh_published_item(app, fx, &format!("V{n}")).await;
                (
                    "mutation($input: CreateDerivationInput!) { createDerivation(input: $input) { derivation { id } } }",
                    json!({ "input": { "sourceItemId": fx.b_item, "derivedItemId": item } }),
                )
            }
            UpdateDerivation => (
                "mutation($input: UpdateDerivationInput!) { updateDerivation(input: $input) { derivation { id } } }",
                json!({ "input": { "id": fx.derivation, "transformation": format!("Tổng hợp {n}") } }),
            ),
            DeleteDerivation => {
                let item = fresh_published_item(app, fx, &format!("W{n}")).await;
                let d = derivation(app, &fx.published_item, &item).await;
                delete(
                    "mutation($input: DeleteInput!) { deleteDerivation(input: $input) { deletedId } }",
                    d,
                )
            }
            SubmitSharingRequest => (
                "mutation($input: SubmitSharingRequestInput!) { submitSharingRequest(input: $input) { sharingRequest { id } } }",
                json!({ "input": { "consumerId": fx.org_a, "itemIds": [fx.b_item], "requestedMode": "DEFAULT",
                                   "purpose": format!("Đối chiếu hộ tịch {n}"), "contactName": "Nguyễn Thị Lan" } }),
            ),
            ApproveSharingRequest => {
                let item = fresh_published_item(app, fx, &format!("R{n}")).await;
                let asked = id_of(
                    app,
                    "mutation($input: SubmitSharingRequestInput!) { submitSharingRequest(input: $input) { sharingRequest { id } } }",
                    json!({ "consumerId": fx.org_b, "itemIds": [item], "requestedMode": "DEFAULT",
                            "purpose": format!("Chứng thực hợp đồng {n}"), "contactName": "Trần Văn Nam" }),
                    &["submitSharingRequest", "sharingRequest", "id"],
                )
                .await;
                (
                    "mutation($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) { sharingRequest { id } } }",
                    json!({ "input": { "id": asked } }),
                )
            }
            CreateSharingAgreement => (
                "mutation($input: CreateSharingAgreementInput!) { createSharingAgreement(input: $input) { sharingAgreement { id } } }",
                json!({ "input": { "providerId": fx.org_a, "consumerId": fx.org_b, "dataContent": format!("Thửa đất {n}"),
                                   "placeOfUse": "Phòng Tư pháp", "method": "Qua LGSP", "signedOn": "2026-01-10" } }),
            ),
            CreateQualityAssessment => (
                "mutation($input: CreateQualityAssessmentInput!) { createQualityAssessment(input: $input) { qualityAssessment { id } } }",
                json!({ "input": { "dataItemId": fx.published_item, "assessedOn": "2026-10-01", "assessor": format!("Tổ đánh giá {n}"),
                                   "completeness": 90, "accuracy": 90, "consistency": 90, "timeliness": 90, "validity": 90, "uniqueness": 90,
                                   "organisedForSharing": true, "usesSharedCodeLists": true, "consistentWithMasterData": true } }),
            ),
            RecordAccessEvents => (
                "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }",
                json!({ "input": { "events": [{ "shareId": fx.share_ab, "occurredAt": "2026-11-01T08:00:00Z",
                                                "operation": "TRA_CUU", "recordCount": n }] } }),
            ),
            AddHoliday => (
                "mutation($input: HolidayInput!) { addHoliday(input: $input) { day } }",
                json!({ "input": { "day": format!("2027-02-{:02}", n % 28 + 1), "name": "Tết Nguyên đán" } }),
            ),
            PublishCatalogueRelease => (
                "mutation($input: PublishCatalogueReleaseInput!) { publishCatalogueRelease(input: $input) { catalogueRelease { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "decisionNumber": format!("{n}/QĐ-UBND"),
                                   "decidedOn": "2026-06-01", "signer": "Nguyễn Văn Hùng" } }),
            ),
            RecordCatalogueReview => (
                "mutation($input: RecordCatalogueReviewInput!) { recordCatalogueReview(input: $input) { catalogueReview { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "scope": "CATALOGUE", "reviewedOn": "2026-06-01",
                                   "reviewer": format!("Trần Thị Hoa {n}") } }),
            ),
            CreateOpenDataset => (
                "mutation($input: CreateOpenDatasetInput!) { createOpenDataset(input: $input) { openDataset { id } } }",
                json!({ "input": { "organizationId": fx.org_a, "code": format!("MO-{n}"), "title": "Thửa đất công khai",
                                   "updateFrequency": "YEARLY", "itemIds": [fx.published_item] } }),
            ),
            UpdateDraftOpenDataset => (
                "mutation($input: UpdateOpenDatasetInput!) { updateOpenDataset(input: $input) { openDataset { id } } }",
                json!({ "input": { "id": fx.draft_dataset, "title": format!("Bản nháp {n}") } }),
            ),
            SubmitFeedback => (
                "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id } } }",
                json!({ "input": { "kind": "DATA_REQUEST", "organizationId": fx.org_a, "title": format!("Đề nghị {n}"),
                                   "body": "Công bố bản đồ quy hoạch" } }),
            ),
            VoteFeedback => (
                "mutation($input: VoteFeedbackInput!) { voteFeedback(input: $input) { feedback { votes } } }",
                json!({ "input": { "id": feedback(app, fx, n).await } }),
            ),
            AnswerFeedback => (
                "mutation($input: AnswerFeedbackInput!) { answerFeedback(input: $input) { feedback { id } } }",
                json!({ "input": { "id": feedback(app, fx, n).await, "status": "UNDER_REVIEW" } }),
            ),
            ImportInventory => (
                "mutation($input: ImportInventoryInput!) { importInventory(input: $input) { itemsCreated } }",
                json!({ "input": { "format": "CSV", "content": format!(
                    "organization_code,database_code,database_name,database_kind,item_code,item_name\n{A},KK-{n},Kiểm kê đất đai {n},LOCAL,THUA-DAT,Thửa đất\n"
                ) } }),
            ),
        }
    }
}

#[tokio::test]
async fn every_mutation_is_allowed_exactly_to_the_right_callers() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let callers = Callers::new(&app).await;
    let mut failures = Vec::new();
    let mut n = 0;
    for write in Write::ALL {
        for (c, token) in callers.tokens.iter().enumerate() {
            n += 1;
            let (mutation, vars) = write.prepare(&app, &fx, n).await;
            let audit_before = app.audit_count().await;
            let before = app.digest().await;
            let body = app.post_as(token.as_deref(), mutation, vars).await;
            let got = match body["errors"].as_array() {
                None => OK,
                Some(errors) => code(&errors[0]),
            };
            let expected = write.expected()[c];
            if got != expected {
                failures.push(format!(
                    "{write:?} by {}: {got}, expected {expected}: {body}",
                    CALLERS[c]
                ));
            }
            // A refused write leaves every table as it was, row for row.
            if got != OK {
                let after = app.digest().await;
                for (table, rows) in &after {
                    if before.get(table) != Some(rows) {
                        failures.push(format!(
                            "{write:?} by {}: refused with {got}, yet {table} changed",
                            CALLERS[c]
                        ));
                    }
                }
            }
            // An accepted write leaves its audit entries.
            let written = app.audit_count().await - audit_before;
            if (got == OK) != (written > 0) {
                failures.push(format!(
                    "{write:?} by {}: {got} with {written} audit entries",
                    CALLERS[c]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn tokens_are_checked_and_the_viewer_says_who_calls() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let steward = app.token(Role::Steward, Some(A)).await;
    let query = "{ viewer { authenticated role name organization { code name } canWrite canReadAuditLog canManageTokens } }";
    let data = app.ok_as(Some(&steward), query, json!({})).await;
    assert_eq!(data["viewer"]["role"], "STEWARD");
    assert_eq!(
        data["viewer"]["organization"]["name"],
        "Phòng Tài nguyên và Môi trường huyện Nam Đông"
    );
    assert_eq!(data["viewer"]["canWrite"], true);
    assert_eq!(data["viewer"]["canManageTokens"], false);
    let q = "query($a: ID!, $b: ID!) { viewer { a: canWriteOrganization(id: $a) b: canWriteOrganization(id: $b) } }";
    let data = app
        .ok_as(Some(&steward), q, json!({ "a": fx.org_a, "b": fx.org_b }))
        .await;
    assert_eq!(
        (&data["viewer"]["a"], &data["viewer"]["b"]),
        (&json!(true), &json!(false))
    );

    let data = app.ok_as(None, query, json!({})).await;
    assert_eq!(data["viewer"]["authenticated"], false);
    assert!(data["viewer"]["role"].is_null());
    assert_eq!(data["viewer"]["canWrite"], false);

    // Malformed, unknown and revoked tokens are refused with 401, never read as the public.
    let revoked = sharegraph::access::token::create(&app.db, "cũ", Role::Viewer, Some(A), false)
        .await
        .unwrap();
    sharegraph::access::token::revoke(&app.db, revoked.row.id)
        .await
        .unwrap();
    let unknown = format!("{}{}", sharegraph::access::token::PREFIX, "x".repeat(43));
    for header in [
        "Basic dXNlcjpwYXNz".to_owned(),
        "Bearer".to_owned(),
        "Bearer not-a-token".to_owned(),
        format!("Bearer {unknown}"),
        format!("Bearer {}", revoked.token),
    ] {
        let resp = app
            .http(
                Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("authorization", header.as_str())
                    .body(Body::from(
                        json!({ "query": "{ viewer { authenticated } }" }).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{header}");
        assert_eq!(code(&resp.body["errors"][0]), "UNAUTHENTICATED", "{header}");
        assert!(resp.headers.get("www-authenticate").is_some());
        assert!(resp.body.get("data").is_none());
    }
    // A revoked token reads exactly as an unknown one: a refusal tells nothing of which tokens
    // existed.
    assert_eq!(
        refusal(&app, &revoked.token).await,
        refusal(&app, &unknown).await
    );

    // Only the hash is stored.
    let stored = sharegraph::access::token::list(&app.db).await.unwrap();
    assert!(
        stored
            .iter()
            .all(|t| !t.token_hash.contains(&steward) && t.token_hash.len() == 64)
    );
}

/// The message a request with `token` is refused with.
async fn refusal(app: &TestApp, token: &str) -> Value {
    app.http(
        Request::post("/graphql")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(
                json!({ "query": "{ viewer { role } }" }).to_string(),
            ))
            .unwrap(),
    )
    .await
    .body["errors"][0]["message"]
        .clone()
}

#[tokio::test]
async fn walks_stop_at_what_the_caller_may_not_see() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let callers = Callers::new(&app).await;
    let [anonymous, _, steward_a, steward_b, ..] = &callers.tokens;
    let up =
        "query($id: ID!) { dataItem(id: $id) { upstream { totalCount nodes { item { id } } } } }";
    let impact = "query($id: ID!) { dataItem(id: $id) { impact { totalCount nodes { organization { code } via } } } }";
    let graph = "query($id: ID!) { organization(id: $id) { sharingGraph { nodes { organization { code } } totalEdges } } }";
    let lineage = "query($id: ID!) { lineage(root: $id) { nodes { id } } }";

    // The owner sees its internal source item upstream, the receivers of its shares, and
    // both edges of its sharing graph.
    let data = app
        .ok_as(steward_a.as_deref(), up, json!({ "id": fx.published_item }))
        .await;
    assert_eq!(
        data["dataItem"]["upstream"]["nodes"][0]["item"]["id"],
        fx.internal_item
    );
    let data = app
        .ok_as(
            steward_a.as_deref(),
            impact,
            json!({ "id": fx.published_item }),
        )
        .await;
    assert_eq!(data["dataItem"]["impact"]["totalCount"], 2);
    let data = app
        .ok_as(steward_a.as_deref(), graph, json!({ "id": fx.org_a }))
        .await;
    assert_eq!(data["organization"]["sharingGraph"]["totalEdges"], 2);
    let data = app
        .ok_as(
            steward_a.as_deref(),
            lineage,
            json!({ "id": fx.published_item }),
        )
        .await;
    let seen: Vec<&Value> = data["lineage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["id"])
        .collect();
    assert!(seen.contains(&&json!(fx.internal_item)));

    // The public: no internal item; the shares of the published item and their receivers
    // (the sharing graph of the published catalogue is public).
    let data = app
        .ok_as(anonymous.as_deref(), up, json!({ "id": fx.published_item }))
        .await;
    assert_eq!(data["dataItem"]["upstream"]["totalCount"], 0);
    let data = app
        .ok_as(
            anonymous.as_deref(),
            impact,
            json!({ "id": fx.published_item }),
        )
        .await;
    assert_eq!(data["dataItem"]["impact"]["totalCount"], 2);
    let data = app
        .ok_as(anonymous.as_deref(), graph, json!({ "id": fx.org_a }))
        .await;
    assert_eq!(data["organization"]["sharingGraph"]["totalEdges"], 2);
    let data = app
        .ok_as(
            anonymous.as_deref(),
            lineage,
            json!({ "id": fx.published_item }),
        )
        .await;
    let seen: Vec<&Value> = data["lineage"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["id"])
        .collect();
    assert!(!seen.contains(&&json!(fx.internal_item)));
    assert!(seen.contains(&&json!(fx.published_item)));

    // B sees both public shares; not A's internal item.
    let data = app
        .ok_as(
            steward_b.as_deref(),
            impact,
            json!({ "id": fx.published_item }),
        )
        .await;
    let codes: Vec<&Value> = data["dataItem"]["impact"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["organization"]["code"])
        .collect();
    assert_eq!(codes, [&json!(B), &json!(C)]);
    let data = app
        .ok_as(steward_b.as_deref(), up, json!({ "id": fx.published_item }))
        .await;
    assert_eq!(data["dataItem"]["upstream"]["totalCount"], 0);
    // A walk cannot start at a row its caller may not see.
    let data = app
        .ok_as(steward_b.as_deref(), up, json!({ "id": fx.internal_item }))
        .await;
    assert!(data["dataItem"].is_null());
    let err = app
        .err_as(
            steward_b.as_deref(),
            lineage,
            json!({ "id": fx.internal_item }),
        )
        .await;
    assert_eq!(code(&err), "NOT_FOUND");
}

/// `{ viewer { authenticated } }` as `token`, from the peer `address`, with an
/// `X-Forwarded-For` header when given.
fn viewer_request(token: Option<&str>, address: &str, forwarded: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req
        .body(Body::from(
            json!({ "query": "{ viewer { authenticated } }" }).to_string(),
        ))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        address.parse::<std::net::SocketAddr>().unwrap(),
    ));
    req
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 3;
        l.anonymous_rate_limit_per_minute = 2;
    })
    .await;
    let viewer = app.token(Role::Admin, None).await;
    let ask = |token: Option<String>, address: &'static str| {
        viewer_request(token.as_deref(), address, None)
    };
    // Anonymous callers: per address.
    for _ in 0..2 {
        assert_eq!(
            app.http(ask(None, "10.1.1.1:5000")).await.status,
            StatusCode::OK
        );
    }
    let resp = app.http(ask(None, "10.1.1.1:5001")).await;
    assert_eq!(resp.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(code(&resp.body["errors"][0]), "LIMIT_EXCEEDED");
    let retry: u64 = resp.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        app.http(ask(None, "10.1.1.2:5000")).await.status,
        StatusCode::OK
    );
    // A token has its own budget, wherever it calls from.
    for _ in 0..3 {
        assert_eq!(
            app.http(ask(Some(viewer.clone()), "10.1.1.1:5000"))
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.http(ask(Some(viewer.clone()), "10.9.9.9:5000"))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_item_is_public_exactly_while_some_policy_shares_it() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let seen = |item: String| {
        let app = &app;
        async move {
            let q = "query($id: ID!) { dataItem(id: $id) { isPublished } dataItems(where: { isPublished: { eq: true } }) { totalCount } }";
            let data = app.ok_as(None, q, json!({ "id": item })).await;
            (
                !data["dataItem"].is_null(),
                data["dataItems"]["totalCount"].as_i64().unwrap(),
            )
        }
    };
    assert_eq!(seen(fx.published_item.clone()).await, (true, 2));
    // Its shares end first (a share may not outlive the policy it rests on).
    for share in [&fx.share_ab, &fx.share_ac] {
        app.ok(
            "mutation($input: UpdateShareInput!) { updateShare(input: $input) { share { id } } }",
            json!({ "input": { "id": share, "status": "REVOKED", "statusReason": "Thu hồi để rà soát" } }),
        )
        .await;
    }
    // Refusing every consumer type withdraws it from the public catalogue...
    let set = "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { mode } } }";
    let refuse = |ct: &str| json!({ "consumerType": ct, "mode": "NOT_SHARED", "legalBasis": "Luật Bảo vệ bí mật nhà nước 2018" });
    app.ok(set, json!({ "input": { "dataItemId": fx.published_item, "policies": [refuse("PUBLIC"), refuse("STATE_AGENCY")] } }))
        .await;
    assert_eq!(seen(fx.published_item.clone()).await, (false, 1));
    // ... its owner still reads it, and sees it is not published.
    let steward = app.token(Role::Steward, Some(A)).await;
    let data = app
        .ok_as(
            Some(&steward),
            "query($id: ID!) { dataItem(id: $id) { isPublished } }",
            json!({ "id": fx.published_item }),
        )
        .await;
    assert_eq!(data["dataItem"]["isPublished"], false);
    // Sharing it again with one consumer type publishes it again.
    app.ok(set, json!({ "input": { "dataItemId": fx.published_item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } }))
        .await;
    assert_eq!(seen(fx.published_item.clone()).await, (true, 2));
    // Deleting that policy withdraws it; deleting the internal item's only policy changes nothing.
    let policies = app
        .ok(
            "query($id: ID!) { dataItem(id: $id) { policies { nodes { id mode } } } }",
            json!({ "id": fx.published_item }),
        )
        .await;
    let default = policies["dataItem"]["policies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["mode"] == "DEFAULT")
        .unwrap()["id"]
        .clone();
    app.ok(
        "mutation($id: ID!) { deleteSharingPolicy(input: { id: $id }) { deletedId } }",
        json!({ "id": default }),
    )
    .await;
    assert_eq!(seen(fx.published_item.clone()).await, (false, 1));
    app.ok(
        "mutation($id: ID!) { deleteSharingPolicy(input: { id: $id }) { deletedId } }",
        json!({ "id": fx.internal_policy }),
    )
    .await;
    assert_eq!(seen(fx.internal_item.clone()).await, (false, 1));
}

/// Walks stop at a row the caller may not see, rather than leaving it out of their answer and
/// going on: along visible → hidden → visible (an item of A, an internal item of B made from it,
/// an item of C made from that), no walk reaches across for a caller who cannot see B's item.
#[tokio::test]
async fn walks_do_not_cross_a_hidden_item() {
    let app = TestApp::spawn().await;
    let (a, b, c) = (
        create_org(
            &app,
            A,
            "Phòng Tài nguyên và Môi trường huyện Nam Đông",
            "DISTRICT",
            None,
        )
        .await,
        create_org(&app, B, "Phòng Tư pháp huyện Nam Đông", "DISTRICT", None).await,
        create_org(
            &app,
            C,
            "Phòng Văn hóa và Thông tin huyện Nam Đông",
            "DISTRICT",
            None,
        )
        .await,
    );
    let item = |org: String, code: &'static str, name: &'static str| {
        let app = &app;
        async move {
            let db = create_db(app, &format!("DB-{code}"), "Cơ sở dữ liệu", &org).await;
            create_item(app, &db, code, name).await
        }
    };
    let v1 = item(a, "THUADAT", "Thửa đất").await;
    let h = item(b, "THUADAT-HT", "Thửa đất theo hộ tịch (nội bộ)").await;
    let v2 = item(c, "THUADAT-VH", "Thửa đất di tích").await;
    for published in [&v1, &v2] {
        app.ok(
            "mutation($i: ID!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: STATE_AGENCY, mode: DEFAULT }] }) { policies { id } } }",
            json!({ "i": published }),
        )
        .await;
    }
    for (source, derived) in [(&v1, &h), (&h, &v2)] {
        app.ok(
            "mutation($s: ID!, $d: ID!) { createDerivation(input: { sourceItemId: $s, derivedItemId: $d }) { derivation { id } } }",
            json!({ "s": source, "d": derived }),
        )
        .await;
    }
    let ids = |list: &Value, path: &[&str]| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|n| {
                path.iter()
                    .fold(n, |v, key| &v[*key])
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let callers = [
        ("anonymous", None, false),
        (
            "steward of A",
            Some(app.token(Role::Steward, Some(A)).await),
            false,
        ),
        (
            "steward of C",
            Some(app.token(Role::Steward, Some(C)).await),
            false,
        ),
        (
            "viewer of B",
            Some(app.token(Role::Viewer, Some(B)).await),
            true,
        ),
        ("admin", Some(app.admin.clone()), true),
    ];
    for (who, token, sees_hidden) in callers {
        let token = token.as_deref();
        let data = app
            .ok_as(
                token,
                "query($v1: ID!, $v2: ID!) {
                    down: dataItem(id: $v1) { downstream(depth: 5) { totalCount nodes { item { id } } } }
                    up: dataItem(id: $v2) { upstream(depth: 5) { totalCount nodes { item { id } } } }
                    impact: dataItem(id: $v1) { impact(depth: 5) { nodes { organization { code } } } }
                    from1: lineage(root: $v1, depth: 5) { nodes { id } }
                    from2: lineage(root: $v2, depth: 5) { nodes { id } } }",
                json!({ "v1": v1, "v2": v2 }),
            )
            .await;
        let down = ids(&data["down"]["downstream"]["nodes"], &["item", "id"]);
        let up = ids(&data["up"]["upstream"]["nodes"], &["item", "id"]);
        let impact = ids(
            &data["impact"]["impact"]["nodes"],
            &["organization", "code"],
        );
        let from1 = ids(&data["from1"]["nodes"], &["id"]);
        let from2 = ids(&data["from2"]["nodes"], &["id"]);
        if sees_hidden {
            assert_eq!(down, [h.clone(), v2.clone()], "{who}: {data}");
            assert_eq!(up, [h.clone(), v1.clone()], "{who}: {data}");
            assert!(impact.contains(&C.to_owned()), "{who}: {data}");
            assert!(from1.contains(&v2) && from2.contains(&v1), "{who}: {data}");
        } else {
            assert!(down.is_empty() && up.is_empty(), "{who}: {data}");
            assert_eq!(data["down"]["downstream"]["totalCount"], 0, "{who}");
            assert!(!impact.contains(&C.to_owned()), "{who}: {data}");
            for (walk, root, far) in [(&from1, &v1, &v2), (&from2, &v2, &v1)] {
                assert!(walk.contains(root), "{who}: {data}");
                assert!(!walk.contains(far) && !walk.contains(&h), "{who}: {data}");
            }
        }
    }
}

/// An anonymous request through a trusted proxy (SHAREGRAPH_TRUST_FORWARDED_FOR) spends the
/// budget of the address the proxy appended last to `X-Forwarded-For`; without the setting
/// the header is the client's own word and is ignored. Refused tokens spend the address's
/// anonymous budget too, so guessing tokens is rate-limited like any anonymous use.
#[tokio::test]
async fn anonymous_budgets_follow_the_trusted_address_and_failed_tokens_spend_them() {
    // Every request comes from the proxy.
    let ask = |forwarded: &str, token: Option<&str>| {
        viewer_request(token, "10.0.0.1:443", Some(forwarded))
    };
    for trusted in [true, false] {
        let app = TestApp::spawn_with(|l| {
            l.anonymous_rate_limit_per_minute = 2;
            l.trust_forwarded_for = trusted;
        })
        .await;
        for _ in 0..2 {
            let answer = app.http(ask("1.2.3.4, 203.0.113.7", None)).await;
            assert_eq!(answer.status, StatusCode::OK, "{trusted}");
        }
        let answer = app.http(ask("1.2.3.4, 203.0.113.7", None)).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{trusted}");
        // Another client behind the same proxy (also one that writes the first client's
        // address as its own first entry), and the first client again, now claiming a fresh
        // address in the entry it writes itself: only the proxy's last entry counts.
        for (forwarded, own_budget) in [
            ("198.51.100.9", true),
            ("203.0.113.7, 198.51.100.9", true),
            ("5.6.7.8, 203.0.113.7", false),
        ] {
            let expected = if trusted && own_budget {
                StatusCode::OK
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(
                app.http(ask(forwarded, None)).await.status,
                expected,
                "{trusted} {forwarded}"
            );
        }
    }

    // Two wrong tokens spend an address's two anonymous requests: the third attempt, and the
    // address's next anonymous read, are refused before any token is looked at.
    let app = TestApp::spawn_with(|l| {
        l.anonymous_rate_limit_per_minute = 2;
        l.trust_forwarded_for = true;
    })
    .await;
    let guess = "sg_0000000000000000000000000000000000000000000";
    for _ in 0..2 {
        assert_eq!(
            app.http(ask("192.0.2.50", Some(guess))).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.http(ask("192.0.2.50", Some(guess))).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.http(ask("192.0.2.50", None)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A good token is not held back by its address's failures.
    assert_eq!(
        app.http(ask("192.0.2.50", Some(&app.admin))).await.status,
        StatusCode::OK
    );
}

/// The sharing graph stops at a share the caller may not see, rather than walking through it
/// and leaving it out of the drawing. With shares kept to their parties, a token for a
/// district's two departments P and S sees P → Q and R → S but not Q → R: from P it reaches Q
/// and no further, although S is its own.
#[tokio::test]
async fn the_sharing_graph_does_not_cross_a_hidden_share() {
    let app = TestApp::spawn_with(|l| l.public_shares = PublicShares::None).await;
    let district = create_org(
        &app,
        "000.00.39.H57",
        "Ủy ban nhân dân huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let p = create_org(
        &app,
        "000.01.39.H57",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        Some(&district),
    )
    .await;
    let s = create_org(
        &app,
        "000.02.39.H57",
        "Phòng Tư pháp huyện Nam Đông",
        "DISTRICT",
        Some(&district),
    )
    .await;
    let q = create_org(&app, "000.00.00.G08", "Bộ Công an", "CENTRAL", None).await;
    let r = create_org(
        &app,
        "000.00.00.G12",
        "Bộ Tài nguyên và Môi trường",
        "CENTRAL",
        None,
    )
    .await;
    for (n, (provider, consumer)) in [(&p, &q), (&q, &r), (&r, &s)].into_iter().enumerate() {
        let db = create_db(&app, &format!("DB-{n}"), "Cơ sở dữ liệu đất đai", provider).await;
        let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
        app.ok(
            "mutation($i: ID!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: STATE_AGENCY, mode: DEFAULT }] }) { policies { id } } }",
            json!({ "i": item }),
        )
        .await;
        app.ok(
            "mutation($i: ID!, $c: ID!) { createShare(input: { dataItemId: $i, consumerId: $c }) { share { id } } }",
            json!({ "i": item, "c": consumer }),
        )
        .await;
    }
    let departments = app.subtree_token(Role::Viewer, "000.00.39.H57").await;
    let graph = |token: Option<String>| {
        let (app, p) = (&app, &p);
        async move {
            let data = app
                .ok_as(
                    token.as_deref(),
                    "query($p: ID!) { organization(id: $p) { sharingGraph(depth: 3) { nodes { organization { id } } edges { provider { id } consumer { id } } } } }",
                    json!({ "p": p }),
                )
                .await;
            let graph = &data["organization"]["sharingGraph"];
            let mut nodes: Vec<String> = graph["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["organization"]["id"].as_str().unwrap().to_owned())
                .collect();
            nodes.sort();
            let mut edges: Vec<(String, String)> = graph["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["provider"]["id"].as_str().unwrap().to_owned(),
                        e["consumer"]["id"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            edges.sort();
            (nodes, edges)
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        graph(Some(departments)).await,
        (
            sorted(vec![p.clone(), q.clone()]),
            vec![(p.clone(), q.clone())]
        )
    );
    assert_eq!(graph(None).await, (vec![p.clone()], vec![]));
    let (nodes, edges) = graph(Some(app.admin.clone())).await;
    assert_eq!(
        nodes,
        sorted(vec![p.clone(), q.clone(), r.clone(), s.clone()])
    );
    assert_eq!(edges.len(), 3);
}
