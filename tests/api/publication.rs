//! Catalogue releases and reviews, open data and the public's feedback (issue 5.4, 5.7).

use serde_json::{Value, json};
use sharegraph::access::Role;

use crate::support::{TestApp, code, create_db, create_item, create_org};

const A: &str = "000.00.31.H57";
const B: &str = "000.00.32.H57";

struct World {
    app: TestApp,
    org_a: String,
    org_b: String,
    db: String,
    items: Vec<String>,
    steward_a: String,
    steward_b: String,
}

const SET_POLICIES: &str = "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }";

async fn set_modes(app: &TestApp, item: &str, modes: &[(&str, &str)]) {
    let policies: Vec<Value> = modes
        .iter()
        .map(|(t, m)| match *m {
            "NOT_SHARED" => json!({ "consumerType": t, "mode": m, "legalBasis": "Luật Bảo vệ bí mật nhà nước 2018" }),
            _ => json!({ "consumerType": t, "mode": m }),
        })
        .collect();
    app.ok(
        SET_POLICIES,
        json!({ "input": { "dataItemId": item, "policies": policies } }),
    )
    .await;
}

/// Org A keeps a land database with two items shared by default and one open to the public.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let org_a = create_org(
        &app,
        A,
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let org_b = create_org(&app, B, "Phòng Tư pháp huyện Nam Đông", "DISTRICT", None).await;
    let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &org_a).await;
    let mut items = Vec::new();
    for (code, name) in [
        ("THUADAT", "Thửa đất"),
        ("CHUSUDUNG", "Chủ sử dụng đất"),
        ("BANGGIA", "Bảng giá đất"),
    ] {
        items.push(create_item(&app, &db, code, name).await);
    }
    set_modes(&app, &items[0], &[("STATE_AGENCY", "DEFAULT")]).await;
    set_modes(&app, &items[1], &[("STATE_AGENCY", "DEFAULT")]).await;
    set_modes(
        &app,
        &items[2],
        &[("STATE_AGENCY", "DEFAULT"), ("PUBLIC", "OPEN")],
    )
    .await;
    World {
        steward_a: app.token(Role::Steward, Some(A)).await,
        steward_b: app.token(Role::Steward, Some(B)).await,
        app,
        org_a,
        org_b,
        db,
        items,
    }
}

const PUBLISH: &str = "mutation($input: PublishCatalogueReleaseInput!) { publishCatalogueRelease(input: $input) {
    catalogueRelease { id number decisionNumber decidedOn signer databaseCount itemCount serviceCount nextReviewDue
      diff { against { number } items { added { code name } removed { code } changed { code fields before after } } databases { changed { code fields } } } } } }";

fn publication(org: &str, number: &str, on: &str) -> Value {
    json!({ "input": { "organizationId": org, "decisionNumber": number, "decidedOn": on,
                       "signer": "Nguyễn Văn Hùng, Phó Chủ tịch UBND huyện" } })
}

#[tokio::test]
async fn a_release_freezes_the_published_catalogue_and_diffs_against_the_one_before() {
    let w = world().await;
    let app = &w.app;
    let first = app
        .ok_as(
            Some(&w.steward_a),
            PUBLISH,
            publication(&w.org_a, "125/QĐ-UBND", "2026-01-15"),
        )
        .await["publishCatalogueRelease"]["catalogueRelease"]
        .clone();
    assert_eq!(first["number"], 1);
    assert_eq!(first["decisionNumber"], "125/QĐ-UBND");
    assert_eq!(
        (first["databaseCount"].clone(), first["itemCount"].clone()),
        (json!(1), json!(3))
    );
    assert_eq!(
        first["nextReviewDue"], "2027-01-15",
        "a year's cadence by default"
    );
    assert!(
        first["diff"].is_null(),
        "a first release has nothing to compare with"
    );

    // Between releases: one item renamed and opened, one no longer shared, one added, the
    // database's purpose written down.
    app.ok("mutation($input: UpdateDataItemInput!) { updateDataItem(input: $input) { dataItem { id } } }",
        json!({ "input": { "id": w.items[0], "name": "Thửa đất (bản đồ địa chính)" } })).await;
    set_modes(
        app,
        &w.items[0],
        &[("STATE_AGENCY", "DEFAULT"), ("PUBLIC", "OPEN")],
    )
    .await;
    set_modes(app, &w.items[1], &[("STATE_AGENCY", "NOT_SHARED")]).await;
    let added = create_item(app, &w.db, "BIENDONG", "Biến động đất đai").await;
    set_modes(app, &added, &[("STATE_AGENCY", "ON_REQUEST")]).await;
    app.ok("mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
        json!({ "input": { "id": w.db, "purpose": "Quản lý đất đai trên địa bàn huyện" } })).await;

    // A later release cannot be decided earlier than the one before.
    let err = app
        .err_as(
            Some(&w.steward_a),
            PUBLISH,
            publication(&w.org_a, "7/QĐ-UBND", "2025-12-31"),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "input.decidedOn");

    let second = app
        .ok_as(
            Some(&w.steward_a),
            PUBLISH,
            publication(&w.org_a, "310/QĐ-UBND", "2026-07-01"),
        )
        .await["publishCatalogueRelease"]["catalogueRelease"]
        .clone();
    assert_eq!(second["number"], 2);
    assert_eq!(second["itemCount"], 3);
    let diff = &second["diff"];
    assert_eq!(diff["against"]["number"], 1);
    assert_eq!(
        diff["items"]["added"],
        json!([{ "code": "BIENDONG", "name": "Biến động đất đai" }])
    );
    assert_eq!(diff["items"]["removed"], json!([{ "code": "CHUSUDUNG" }]));
    let changed = diff["items"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["code"], "THUADAT");
    assert_eq!(changed[0]["fields"], json!(["modes", "name"]));
    assert_eq!(
        changed[0]["before"]["modes"],
        json!({ "STATE_AGENCY": "DEFAULT" })
    );
    assert_eq!(changed[0]["after"]["modes"]["PUBLIC"], "OPEN");
    assert_eq!(
        diff["databases"]["changed"][0]["fields"],
        json!(["purpose"])
    );

    // Releases are public and immutable; anyone may compare any two.
    let q = "query($id: ID!, $against: ID) { catalogueRelease(id: $id) { number diff(against: $against) { items { added { code } removed { code } } } snapshot } }";
    let data = app
        .ok_as(
            None,
            q,
            json!({ "id": first["id"], "against": second["id"] }),
        )
        .await;
    assert_eq!(
        data["catalogueRelease"]["diff"]["items"]["added"],
        json!([{ "code": "CHUSUDUNG" }])
    );
    let snapshot = &data["catalogueRelease"]["snapshot"];
    assert_eq!(snapshot["items"].as_array().unwrap().len(), 3);
    assert_eq!(snapshot["items"][0]["database_code"], "DB-DATDAI");
    let list = app
        .ok_as(
            None,
            "{ catalogueReleases { totalCount nodes { number organization { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["catalogueReleases"]["totalCount"], 2);
    assert_eq!(
        list["catalogueReleases"]["nodes"][0]["number"], 2,
        "newest decision first"
    );

    // Only the organization's steward (or an admin) publishes its catalogue.
    let err = app
        .err_as(
            Some(&w.steward_b),
            PUBLISH,
            publication(&w.org_a, "1/QĐ", "2026-08-01"),
        )
        .await;
    assert_eq!(code(&err), "FORBIDDEN");
    let viewer = app.token(Role::Viewer, Some(A)).await;
    let err = app
        .err_as(
            Some(&viewer),
            PUBLISH,
            publication(&w.org_a, "1/QĐ", "2026-08-01"),
        )
        .await;
    assert_eq!(code(&err), "FORBIDDEN");
    let err = app
        .err_as(None, PUBLISH, publication(&w.org_a, "1/QĐ", "2026-08-01"))
        .await;
    assert_eq!(code(&err), "FORBIDDEN");

    // The audit log keeps the publication with the snapshot's hash.
    let log = app
        .ok(
            "{ auditLog(where: { action: { eq: \"PUBLISH\" } }) { totalCount nodes { after } } }",
            json!({}),
        )
        .await;
    assert_eq!(log["auditLog"]["totalCount"], 2);
    // The log holds each snapshot's SHA-256, which proves the stored text unchanged.
    let mut logged: Vec<String> = log["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["after"]["snapshot"].as_str().unwrap().to_owned())
        .collect();
    let mut stored: Vec<String> = {
        use sea_orm::EntityTrait;
        use sha2::Digest;
        entity::catalogue_release::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|r| hex::encode(sha2::Sha256::digest(r.snapshot.as_bytes())))
            .collect()
    };
    logged.sort();
    stored.sort();
    assert_eq!(logged, stored);
}

const OVERDUE: &str = "query($on: NaiveDate, $org: ID) { overdueReviews(on: $on, organizationId: $org) { totalCount nodes { kind organization { code } openDataset { code } lastDoneOn dueOn } } }";
const REVIEW: &str = "mutation($input: RecordCatalogueReviewInput!) { recordCatalogueReview(input: $input) { catalogueReview { id scope reviewedOn } } }";
const CREATE_DATASET: &str = "mutation($input: CreateOpenDatasetInput!) { createOpenDataset(input: $input) {
    openDataset { id code title licence formats publishedOn version items { totalCount nodes { code } } } } }";

#[tokio::test]
async fn overdue_reviews_list_late_catalogues_default_lists_and_stale_open_data() {
    let w = world().await;
    let app = &w.app;
    // Sharing by default without any release or review: the list is overdue at once.
    let data = app.ok(OVERDUE, json!({ "on": "2026-02-01" })).await;
    assert_eq!(
        data["overdueReviews"]["nodes"],
        json!([{ "kind": "DEFAULT_SHARING", "organization": { "code": A }, "openDataset": null, "lastDoneOn": null, "dueOn": null }])
    );

    app.ok_as(
        Some(&w.steward_a),
        PUBLISH,
        publication(&w.org_a, "125/QĐ-UBND", "2026-01-15"),
    )
    .await;
    app.ok_as(Some(&w.steward_a), CREATE_DATASET, json!({ "input": {
        "organizationId": w.org_a, "code": "GIADAT-2026", "title": "Bảng giá đất huyện Nam Đông 2026",
        "formats": ["CSV"], "downloadUrl": "https://opendata.namdong.gov.vn/giadat.csv",
        "updateFrequency": "YEARLY", "publishedOn": "2026-01-20", "itemIds": [w.items[2]] } })).await;

    assert_eq!(
        app.ok(OVERDUE, json!({ "on": "2026-04-15" })).await["overdueReviews"]["totalCount"],
        0
    );
    // Three months after publication the dataset is stale; after six the default list; after
    // twelve the catalogue.
    let kinds = |d: &Value| -> Vec<String> {
        d["overdueReviews"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let data = app.ok(OVERDUE, json!({ "on": "2026-04-21" })).await;
    assert_eq!(kinds(&data), ["OPEN_DATASET"]);
    assert_eq!(
        data["overdueReviews"]["nodes"][0]["openDataset"]["code"],
        "GIADAT-2026"
    );
    assert_eq!(data["overdueReviews"]["nodes"][0]["dueOn"], "2026-04-20");
    let data = app.ok(OVERDUE, json!({ "on": "2027-01-16" })).await;
    assert_eq!(
        kinds(&data),
        [
            "CATALOGUE",
            "DEFAULT_SHARING",
            "OPEN_DATA_LIST",
            "OPEN_DATASET"
        ]
    );
    assert_eq!(data["overdueReviews"]["nodes"][2]["dueOn"], "2026-07-20");
    assert_eq!(data["overdueReviews"]["nodes"][1]["dueOn"], "2026-07-15");

    // A review of the default list, and a refresh of the dataset, put them back in order.
    let review = app.ok_as(Some(&w.steward_a), REVIEW, json!({ "input": { "organizationId": w.org_a, "scope": "DEFAULT_SHARING",
        "reviewedOn": "2026-06-30", "reviewer": "Trần Thị Hoa", "outcome": "Giữ nguyên danh mục" } })).await;
    assert_eq!(
        review["recordCatalogueReview"]["catalogueReview"]["scope"],
        "DEFAULT_SHARING"
    );
    app.ok_as(
        Some(&w.steward_a),
        REVIEW,
        json!({ "input": { "organizationId": w.org_a, "scope": "OPEN_DATA",
                           "reviewedOn": "2026-06-30", "reviewer": "Trần Thị Hoa" } }),
    )
    .await;
    let dataset = app
        .ok("{ openDatasets { nodes { id version } } }", json!({}))
        .await["openDatasets"]["nodes"][0]
        .clone();
    app.ok_as(Some(&w.steward_a), "mutation($input: UpdateOpenDatasetInput!) { updateOpenDataset(input: $input) { openDataset { refreshedOn } } }",
        json!({ "input": { "id": dataset["id"], "expectedVersion": dataset["version"], "refreshedOn": "2026-10-01" } })).await;
    let data = app.ok(OVERDUE, json!({ "on": "2026-12-01" })).await;
    assert_eq!(data["overdueReviews"]["totalCount"], 0, "{data:#}");

    // A review cannot be recorded before it happens; reviews belong to their organization.
    let err = app
        .err_as(
            Some(&w.steward_a),
            REVIEW,
            json!({ "input": { "organizationId": w.org_a, "scope": "CATALOGUE",
        "reviewedOn": "2099-01-01", "reviewer": "Trần Thị Hoa" } }),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app
        .err_as(
            Some(&w.steward_b),
            REVIEW,
            json!({ "input": { "organizationId": w.org_a, "scope": "CATALOGUE",
        "reviewedOn": "2026-06-30", "reviewer": "Lê Văn B" } }),
        )
        .await;
    assert_eq!(code(&err), "FORBIDDEN");

    // What is late belongs to the organization that must act (and admins).
    let late = json!({ "on": "2028-01-01" });
    assert_eq!(
        app.ok_as(Some(&w.steward_a), OVERDUE, late.clone()).await["overdueReviews"]["totalCount"],
        4
    );
    assert_eq!(
        app.ok_as(Some(&w.steward_b), OVERDUE, late.clone()).await["overdueReviews"]["totalCount"],
        0
    );
    assert_eq!(
        app.ok_as(None, OVERDUE, late).await["overdueReviews"]["totalCount"],
        0
    );
    let reviews = "{ catalogueReviews { totalCount } }";
    assert_eq!(
        app.ok_as(Some(&w.steward_a), reviews, json!({})).await["catalogueReviews"]["totalCount"],
        2
    );
    assert_eq!(
        app.ok_as(None, reviews, json!({})).await["catalogueReviews"]["totalCount"],
        0
    );
    // Another organization's overdue items are not B's to see, even when B asks by id.
    assert_eq!(
        app.ok_as(
            Some(&w.steward_b),
            OVERDUE,
            json!({ "on": "2028-01-01", "org": w.org_a })
        )
        .await["overdueReviews"]["totalCount"],
        0
    );
    assert_eq!(
        app.ok(OVERDUE, json!({ "on": "2028-01-01", "org": w.org_b }))
            .await["overdueReviews"]["totalCount"],
        0
    );
}

#[tokio::test]
async fn open_datasets_publish_open_items_only_and_drafts_stay_private() {
    let w = world().await;
    let app = &w.app;
    let input = |items: &[&String], published: Option<&str>, url: Option<&str>| {
        json!({ "input": {
        "organizationId": w.org_a, "code": "GIADAT-2026", "title": "Bảng giá đất huyện Nam Đông 2026",
        "description": "Giá đất áp dụng trên địa bàn huyện", "formats": ["CSV", "JSON", "CSV"],
        "downloadUrl": url, "updateFrequency": "YEARLY", "publishedOn": published, "itemIds": items } })
    };

    let err = app
        .err_as(
            Some(&w.steward_a),
            CREATE_DATASET,
            input(&[&w.items[0]], None, None),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert!(
        err["message"].as_str().unwrap().contains("THUADAT"),
        "{err}"
    );
    let err = app
        .err_as(
            Some(&w.steward_a),
            CREATE_DATASET,
            input(&[&w.items[2]], Some("2026-03-01"), None),
        )
        .await;
    assert_eq!(
        code(&err),
        "BAD_USER_INPUT",
        "a published dataset says where to get it"
    );
    let err = app
        .err_as(
            Some(&w.steward_a),
            CREATE_DATASET,
            input(
                &[],
                Some("2026-03-01"),
                Some("https://opendata.namdong.gov.vn/a.csv"),
            ),
        )
        .await;
    assert_eq!(
        code(&err),
        "BAD_USER_INPUT",
        "a published dataset publishes items"
    );
    let err = app
        .err_as(
            Some(&w.steward_b),
            CREATE_DATASET,
            input(&[&w.items[2]], None, None),
        )
        .await;
    assert_eq!(code(&err), "FORBIDDEN");

    let draft = app
        .ok_as(
            Some(&w.steward_a),
            CREATE_DATASET,
            input(&[&w.items[2]], None, None),
        )
        .await["createOpenDataset"]["openDataset"]
        .clone();
    assert_eq!(draft["formats"], json!(["CSV", "JSON"]));
    assert!(draft["licence"].as_str().unwrap().contains("Điều 18"));
    assert_eq!(draft["items"]["nodes"], json!([{ "code": "BANGGIA" }]));
    let public = "{ openDatasets { totalCount nodes { code items { totalCount } } } }";
    assert_eq!(
        app.ok_as(None, public, json!({})).await["openDatasets"]["totalCount"],
        0,
        "drafts are private"
    );
    assert_eq!(
        app.ok_as(Some(&w.steward_a), public, json!({})).await["openDatasets"]["totalCount"],
        1
    );

    let update = "mutation($input: UpdateOpenDatasetInput!) { updateOpenDataset(input: $input) { openDataset { publishedOn version } } }";
    app.ok_as(
        Some(&w.steward_a),
        update,
        json!({ "input": { "id": draft["id"], "publishedOn": "2026-03-01",
        "downloadUrl": "https://opendata.namdong.gov.vn/giadat-2026.csv" } }),
    )
    .await;
    let data = app.ok_as(None, "{ openDatasets(where: { title: { contains: \"bang gia dat\" } }) { totalCount nodes { code items { totalCount } } } }", json!({})).await;
    assert_eq!(
        data["openDatasets"]["totalCount"], 1,
        "published, and found without diacritics"
    );
    assert_eq!(data["openDatasets"]["nodes"][0]["items"]["totalCount"], 1);
    let around = app
        .ok_as(
            None,
            "query($org: ID!, $item: ID!) { organization(id: $org) { openDatasets { totalCount } }
               dataItem(id: $item) { openDatasets { nodes { code } } } }",
            json!({ "org": w.org_a, "item": w.items[2] }),
        )
        .await;
    assert_eq!(around["organization"]["openDatasets"]["totalCount"], 1);
    assert_eq!(
        around["dataItem"]["openDatasets"]["nodes"],
        json!([{ "code": "GIADAT-2026" }])
    );
    let stale = app
        .err_as(
            Some(&w.steward_a),
            update,
            json!({ "input": { "id": draft["id"], "expectedVersion": 1, "title": "Khác" } }),
        )
        .await;
    assert_eq!(code(&stale), "CONFLICT");
    let err = app
        .err_as(
            Some(&w.steward_a),
            update,
            json!({ "input": { "id": draft["id"], "refreshedOn": "2026-02-01" } }),
        )
        .await;
    assert_eq!(code(&err), "BAD_USER_INPUT", "refreshed before published");

    // Published data is withdrawn before it is deleted.
    let delete =
        "mutation($input: DeleteInput!) { deleteOpenDataset(input: $input) { deletedId } }";
    assert_eq!(
        code(
            &app.err_as(
                Some(&w.steward_a),
                delete,
                json!({ "input": { "id": draft["id"] } })
            )
            .await
        ),
        "CONFLICT"
    );
    app.ok_as(
        Some(&w.steward_a),
        update,
        json!({ "input": { "id": draft["id"], "publishedOn": null } }),
    )
    .await;
    app.ok_as(
        Some(&w.steward_a),
        delete,
        json!({ "input": { "id": draft["id"] } }),
    )
    .await;
}

const SUBMIT: &str = "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { id status votes organization { code } contactEmail } } }";
const VOTE: &str = "mutation($id: ID!) { voteFeedback(input: { id: $id }) { feedback { votes } } }";
const ANSWER: &str = "mutation($input: AnswerFeedbackInput!) { answerFeedback(input: $input) { feedback { status answer answeredAt version } } }";
const PRIORITIES: &str = "query($org: ID) { openDataPriorities(organizationId: $org) { totalCount nodes { title votes status } } }";

fn feedback(org: &str, kind: &str, title: &str) -> Value {
    json!({ "input": { "kind": kind, "organizationId": org, "title": title,
                       "body": "Đề nghị công bố dữ liệu để người dân tra cứu", "contactEmail": "nguyen.van.an@example.vn" } })
}

#[tokio::test]
async fn the_public_sends_feedback_and_votes_and_stewards_answer() {
    let w = world().await;
    let app = &w.app;
    let asked = app
        .ok_as(
            None,
            SUBMIT,
            feedback(&w.org_a, "DATA_REQUEST", "Quy hoạch sử dụng đất"),
        )
        .await["submitFeedback"]["feedback"]
        .clone();
    assert_eq!(asked["status"], "NEW");
    assert!(
        asked["contactEmail"].is_null(),
        "the public does not read contact addresses"
    );
    let other = app
        .ok_as(
            None,
            SUBMIT,
            feedback(&w.org_a, "DATA_REQUEST", "Danh sách dự án đầu tư"),
        )
        .await["submitFeedback"]["feedback"]
        .clone();
    app.ok_as(
        None,
        SUBMIT,
        feedback(&w.org_a, "SUGGESTION", "Thêm định dạng JSON"),
    )
    .await;

    // One vote per voter: the public's address, or a token.
    assert_eq!(
        app.ok_as(None, VOTE, json!({ "id": asked["id"] })).await["voteFeedback"]["feedback"]["votes"],
        1
    );
    assert_eq!(
        code(&app.err_as(None, VOTE, json!({ "id": asked["id"] })).await),
        "CONFLICT"
    );
    assert_eq!(
        app.ok_as(Some(&w.steward_b), VOTE, json!({ "id": asked["id"] }))
            .await["voteFeedback"]["feedback"]["votes"],
        2
    );

    // Ranked by votes, then by age; suggestions are not data requests.
    let data = app.ok_as(None, PRIORITIES, json!({ "org": w.org_a })).await;
    assert_eq!(data["openDataPriorities"]["totalCount"], 2);
    assert_eq!(
        data["openDataPriorities"]["nodes"][0]["title"],
        "Quy hoạch sử dụng đất"
    );
    assert_eq!(data["openDataPriorities"]["nodes"][1]["votes"], 0);

    // The organization's steward answers and reads the contact address.
    let q = "query($id: ID!) { node(id: $id) { ... on Feedback { contactEmail } } }";
    assert_eq!(
        app.ok_as(Some(&w.steward_a), q, json!({ "id": asked["id"] }))
            .await["node"]["contactEmail"],
        "nguyen.van.an@example.vn"
    );
    assert!(
        app.ok_as(Some(&w.steward_b), q, json!({ "id": asked["id"] }))
            .await["node"]["contactEmail"]
            .is_null()
    );
    let err = app
        .err_as(
            Some(&w.steward_a),
            ANSWER,
            json!({ "input": { "id": other["id"], "status": "DECLINED" } }),
        )
        .await;
    assert_eq!(
        (code(&err), err["extensions"]["field"].as_str()),
        ("BAD_USER_INPUT", Some("input.answer"))
    );
    let err = app
        .err_as(
            Some(&w.steward_b),
            ANSWER,
            json!({ "input": { "id": other["id"], "status": "PLANNED" } }),
        )
        .await;
    assert_eq!(code(&err), "FORBIDDEN");
    assert_eq!(
        code(
            &app.err_as(
                None,
                ANSWER,
                json!({ "input": { "id": other["id"], "status": "PLANNED" } })
            )
            .await
        ),
        "FORBIDDEN"
    );
    let answered = app
        .ok_as(
            Some(&w.steward_a),
            ANSWER,
            json!({ "input": { "id": other["id"], "expectedVersion": 1, "status": "DECLINED",
        "answer": "Dữ liệu thuộc danh mục bí mật nhà nước" } }),
        )
        .await;
    assert_eq!(answered["answerFeedback"]["feedback"]["status"], "DECLINED");
    assert!(answered["answerFeedback"]["feedback"]["answeredAt"].is_string());
    assert_eq!(
        code(
            &app.err_as(
                Some(&w.steward_a),
                ANSWER,
                json!({ "input": { "id": other["id"], "expectedVersion": 1, "status": "PLANNED" } })
            )
            .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(&app.err_as(None, VOTE, json!({ "id": other["id"] })).await),
        "CONFLICT",
        "votes close with the answer"
    );
    let data = app.ok_as(None, PRIORITIES, json!({ "org": w.org_a })).await;
    assert_eq!(data["openDataPriorities"]["totalCount"], 1);

    // Bad input is refused, nothing is written.
    for bad in [
        json!({ "input": { "kind": "SUGGESTION", "title": "Không rõ gửi ai", "body": "…" } }),
        json!({ "input": { "kind": "SUGGESTION", "organizationId": w.org_a, "title": " ", "body": "…" } }),
        json!({ "input": { "kind": "SUGGESTION", "organizationId": w.org_a, "title": "x", "body": "…", "contactEmail": "không-phải-email" } }),
        json!({ "input": { "kind": "SUGGESTION", "organizationId": w.org_a, "title": "x", "body": "a".repeat(5001) } }),
    ] {
        assert_eq!(code(&app.err_as(None, SUBMIT, bad).await), "BAD_USER_INPUT");
    }
    assert_eq!(
        app.ok("{ feedback { totalCount } }", json!({})).await["feedback"]["totalCount"],
        3
    );
    let log = app.ok("{ auditLog(where: { entityType: { eq: \"Feedback\" } }) { totalCount nodes { actorRole } } }", json!({})).await;
    assert_eq!(
        log["auditLog"]["totalCount"], 6,
        "3 submissions, 2 votes, 1 answer"
    );
}

#[tokio::test]
async fn feedback_is_rate_limited_per_client() {
    let app = TestApp::spawn_with(|l| {
        l.rate_limit_per_minute = 0;
        l.anonymous_rate_limit_per_minute = 0;
        l.feedback_per_hour = 2;
    })
    .await;
    let org = create_org(
        &app,
        A,
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    app.ok_as(None, SUBMIT, feedback(&org, "SUGGESTION", "Một"))
        .await;
    app.ok_as(None, SUBMIT, feedback(&org, "SUGGESTION", "Hai"))
        .await;
    let err = app
        .err_as(None, SUBMIT, feedback(&org, "SUGGESTION", "Ba"))
        .await;
    assert_eq!(code(&err), "LIMIT_EXCEEDED");
    // A token has its own budget.
    let steward = app.token(Role::Steward, Some(A)).await;
    app.ok_as(Some(&steward), SUBMIT, feedback(&org, "SUGGESTION", "Bốn"))
        .await;
    assert_eq!(
        app.ok("{ feedback { totalCount } }", json!({})).await["feedback"]["totalCount"],
        3
    );
}

const REPORT: &str = "query($org: ID!, $period: ReportPeriodInput!) { implementationReport(organizationId: $org, period: $period) {
    organization { code } period { label firstDay lastDay } csvPath xlsxPath
    sections { key title lines { key label value } }
    received: value(key: \"requests.received\") onTime: value(key: \"requests.answered_on_time\")
    shares: value(key: \"shares.active\") newShares: value(key: \"shares.new\")
    local: value(key: \"databases.kind.LOCAL\") default: value(key: \"items.mode.DEFAULT\") open: value(key: \"items.mode.OPEN\")
    feedback: value(key: \"open_data.feedback\") answered: value(key: \"open_data.feedback_answered\")
    overdue: value(key: \"reviews.overdue\") unknown: value(key: \"no.such.key\") } }";

#[tokio::test]
async fn the_implementation_report_is_computed_from_the_data_and_downloads_as_csv_and_xlsx() {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use chrono::Datelike;

    let w = world().await;
    let app = &w.app;
    // This quarter: B asks A for an item shared by default, A approves; the public writes once.
    let submit = "mutation($input: SubmitSharingRequestInput!) { submitSharingRequest(input: $input) { sharingRequest { id } } }";
    let asked = app.ok_as(Some(&w.steward_b), submit, json!({ "input": { "consumerId": w.org_b, "itemIds": [w.items[0]],
        "requestedMode": "DEFAULT", "purpose": "Chứng thực hợp đồng chuyển nhượng", "contactName": "Nguyễn Thị Lan" } })).await;
    app.ok_as(Some(&w.steward_a), "mutation($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) { sharingRequest { status } } }",
        json!({ "input": { "id": asked["submitSharingRequest"]["sharingRequest"]["id"] } })).await;
    app.ok_as(
        None,
        SUBMIT,
        feedback(&w.org_a, "DATA_REQUEST", "Quy hoạch sử dụng đất"),
    )
    .await;

    let today = sharegraph::domain::today();
    let quarter = (today.month() - 1) / 3 + 1;
    let period = json!({ "year": today.year(), "quarter": quarter });
    let data = app
        .ok_as(
            Some(&w.steward_a),
            REPORT,
            json!({ "org": w.org_a, "period": period }),
        )
        .await;
    let r = &data["implementationReport"];
    assert_eq!(r["organization"]["code"], A);
    assert_eq!(
        r["period"]["label"],
        format!(
            "Quý {} năm {}",
            ["I", "II", "III", "IV"][quarter as usize - 1],
            today.year()
        )
    );
    let numbers: Vec<f64> = [
        "received",
        "onTime",
        "shares",
        "newShares",
        "local",
        "default",
        "open",
        "feedback",
        "answered",
        "overdue",
    ]
    .iter()
    .map(|k| r[k].as_f64().unwrap_or_else(|| panic!("{k}: {r:#}")))
    .collect();
    // Overdue: the default-sharing list was never reviewed.
    assert_eq!(numbers, [1.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.0, 1.0]);
    assert!(r["unknown"].is_null());
    let sections: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "databases",
            "items",
            "services",
            "shares",
            "requests",
            "agreements",
            "quality",
            "open_data",
            "usage",
            "reviews"
        ]
    );
    // Last year's report has none of this quarter's activity.
    let last_year = app
        .ok_as(
            Some(&w.steward_a),
            REPORT,
            json!({ "org": w.org_a, "period": { "year": today.year() - 1 } }),
        )
        .await;
    assert_eq!(last_year["implementationReport"]["received"], 0.0);
    assert_eq!(
        last_year["implementationReport"]["period"]["lastDay"],
        format!("{}-12-31", today.year() - 1)
    );

    // A report is for the organization's members and admins.
    for who in [Some(w.steward_b.as_str()), None] {
        assert_eq!(
            code(
                &app.err_as(who, REPORT, json!({ "org": w.org_a, "period": period }))
                    .await
            ),
            "FORBIDDEN"
        );
    }
    let viewer = app.token(Role::Viewer, Some(A)).await;
    app.ok_as(
        Some(&viewer),
        REPORT,
        json!({ "org": w.org_a, "period": period }),
    )
    .await;
    let err = app
        .err_as(
            Some(&w.steward_a),
            REPORT,
            json!({ "org": w.org_a, "period": { "year": 2026, "quarter": 5 } }),
        )
        .await;
    assert_eq!(
        (code(&err), err["extensions"]["field"].as_str()),
        ("BAD_USER_INPUT", Some("period.quarter"))
    );

    // The same report as files, from the paths the report names.
    let get = |path: &str, token: Option<&str>| {
        let mut req = Request::get(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.body(Body::empty()).unwrap()
    };
    let csv = app
        .http(get(r["csvPath"].as_str().unwrap(), Some(&w.steward_a)))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let text = csv.body.as_str().unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("Kỳ báo cáo,Quý"), "{text}");
    assert!(text.contains("Cơ quan,Phòng Tài nguyên và Môi trường huyện Nam Đông"));
    assert!(
        text.contains(
            "V. Yêu cầu chia sẻ dữ liệu,requests.received,Yêu cầu nhận được trong kỳ,1\n"
        ),
        "{text}"
    );

    let xlsx_req = get(r["xlsxPath"].as_str().unwrap(), Some(&w.steward_a));
    let resp = tower::ServiceExt::oneshot(app.router.clone(), xlsx_req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip archive");

    assert_eq!(
        app.http(get(r["csvPath"].as_str().unwrap(), Some(&w.steward_b)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.http(get(r["csvPath"].as_str().unwrap(), None))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.http(get(
            "/reports/implementation.csv?year=2026",
            Some(&w.steward_a)
        ))
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    let bad = app
        .http(get(
            &format!(
                "/reports/implementation.xlsx?organizationId={}&year=2026&quarter=9",
                w.org_a
            ),
            Some(&w.steward_a),
        ))
        .await;
    assert_eq!(
        (
            bad.status,
            bad.body["errors"][0]["extensions"]["code"].as_str()
        ),
        (StatusCode::BAD_REQUEST, Some("BAD_USER_INPUT"))
    );
    assert_eq!(
        app.http(get(r["csvPath"].as_str().unwrap(), Some("sg_not_a_token")))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
