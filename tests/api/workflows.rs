//! Decree workflows (issue 5): focal points in office.

use serde_json::json;

use crate::support::{TestApp, create_org};

const CREATE_FP: &str = "mutation($input: CreateFocalPointInput!) { createFocalPoint(input: $input) { focalPoint { id termEnd } } }";

#[tokio::test]
async fn appointing_a_focal_point_ends_the_term_of_the_one_before() {
    let app = TestApp::spawn().await;
    let district = create_org(
        &app,
        "000.00.39.H57",
        "UBND huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let fp = |name: &str, scope: &str, start: Option<&str>| json!({ "input": { "organizationId": district, "scope": scope, "fullName": name, "termStart": start } });
    let first = app
        .ok(CREATE_FP, fp("Hồ Văn Minh", "EXTERNAL", Some("2024-01-15")))
        .await;
    let internal = app
        .ok(CREATE_FP, fp("Trần Thị Hoa", "INTERNAL", None))
        .await;
    let second = app
        .ok(
            CREATE_FP,
            fp("Lê Quang Vinh", "EXTERNAL", Some("2026-12-01")),
        )
        .await;
    assert!(second["createFocalPoint"]["focalPoint"]["termEnd"].is_null());

    let q = "query($a: ID!, $b: ID!) { a: focalPoint(id: $a) { termEnd version } b: focalPoint(id: $b) { termEnd } }";
    let data = app
        .ok(q, json!({ "a": first["createFocalPoint"]["focalPoint"]["id"], "b": internal["createFocalPoint"]["focalPoint"]["id"] }))
        .await;
    assert_eq!(
        data["a"]["termEnd"], "2026-11-30",
        "the earlier external focal point leaves office"
    );
    assert_eq!(data["a"]["version"], 2);
    assert!(
        data["b"]["termEnd"].is_null(),
        "the internal one is another office"
    );

    // The change is in the audit log, as the appointment's consequence.
    let log = app
        .ok("{ auditLog(where: { action: { eq: \"END_TERM\" } }) { totalCount nodes { entityType before after } } }", json!({}))
        .await;
    assert_eq!(log["auditLog"]["totalCount"], 1);
    assert!(log["auditLog"]["nodes"][0]["before"]["term_end"].is_null());
    assert_eq!(
        log["auditLog"]["nodes"][0]["after"]["term_end"],
        "2026-11-30"
    );

    // A record of a past term changes no one in office.
    app.ok(CREATE_FP, json!({ "input": { "organizationId": district, "scope": "INTERNAL", "fullName": "Nguyễn Văn Cũ",
                                         "termStart": "2019-01-01", "termEnd": "2020-12-31" } }))
        .await;
    let data = app.ok(q, json!({ "a": first["createFocalPoint"]["focalPoint"]["id"], "b": internal["createFocalPoint"]["focalPoint"]["id"] })).await;
    assert!(data["b"]["termEnd"].is_null());
}

mod requests {
    use serde_json::{Value, json};
    use sharegraph::access::Role;

    use crate::support::{TestApp, code, create_db, create_item, create_org};

    const A: &str = "000.00.31.H57";
    const B: &str = "000.00.32.H57";

    struct World {
        app: TestApp,
        org_a: String,
        org_b: String,
        default_item: String,
        on_request_item: String,
        steward_a: String,
        steward_b: String,
    }

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
        let default_item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
        let on_request_item = create_item(&app, &db, "CHUSUDUNG", "Chủ sử dụng đất").await;
        let set = "mutation($input: SetSharingPoliciesInput!) { setSharingPolicies(input: $input) { policies { id } } }";
        app.ok(set, json!({ "input": { "dataItemId": default_item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }] } })).await;
        app.ok(set, json!({ "input": { "dataItemId": on_request_item, "policies": [{ "consumerType": "STATE_AGENCY", "mode": "ON_REQUEST" }] } })).await;
        World {
            steward_a: app.token(Role::Steward, Some(A)).await,
            steward_b: app.token(Role::Steward, Some(B)).await,
            app,
            org_a,
            org_b,
            default_item,
            on_request_item,
        }
    }

    const SUBMIT: &str = "mutation($input: SubmitSharingRequestInput!) { submitSharingRequest(input: $input) {
        sharingRequest { id status dueOn overdue version provider { code } items { totalCount } } } }";

    fn submission(w: &World, items: &[&str], mode: &str) -> Value {
        json!({ "input": { "consumerId": w.org_b, "itemIds": items, "requestedMode": mode,
                           "purpose": "Xác minh nguồn gốc đất khi chứng thực hợp đồng", "legalBasis": "Nghị định 47/2020/NĐ-CP, Điều 35",
                           "contactName": "Nguyễn Thị Lan", "contactEmail": "lan@namdong.gov.vn" } })
    }

    /// Holidays an admin stores move due dates: with the next two working days made holidays,
    /// a default request is due on the fourth working day from today, not the second.
    #[tokio::test]
    async fn stored_holidays_move_due_dates() {
        use sharegraph::domain::calendar::Calendar;
        let w = world().await;
        let today = sharegraph::domain::today();
        let plain = Calendar::new([]);
        let (first, second) = (
            plain.add_working_days(today, 1),
            plain.add_working_days(today, 2),
        );
        for day in [first, second] {
            w.app
                .ok(
                    "mutation($input: HolidayInput!) { addHoliday(input: $input) { day } }",
                    json!({ "input": { "day": day.to_string(), "name": "Ngày nghỉ bù" } }),
                )
                .await;
        }
        let data = w
            .app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        let due: chrono::NaiveDate = data["submitSharingRequest"]["sharingRequest"]["dueOn"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(due, plain.add_working_days(today, 4), "today is {today}");
        assert!(due > second);
    }

    #[tokio::test]
    async fn a_default_request_is_due_in_two_working_days_and_approval_creates_shares() {
        let w = world().await;
        let app = &w.app;
        let data = app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        let req = &data["submitSharingRequest"]["sharingRequest"];
        assert_eq!(req["status"], "SUBMITTED");
        assert_eq!(req["provider"]["code"], A);
        assert_eq!(req["items"]["totalCount"], 1);
        let due: chrono::NaiveDate = req["dueOn"].as_str().unwrap().parse().unwrap();
        let today = sharegraph::domain::today();
        let expected = sharegraph::domain::calendar::Calendar::new([]).add_working_days(today, 2);
        assert_eq!(due, expected);
        assert_eq!(req["overdue"], false);
        let id = req["id"].clone();

        // The provider's steward sees it; the consumer cannot approve its own request.
        let received = app
            .ok_as(Some(&w.steward_a), "query($p: ID!) { sharingRequests(where: { providerId: { eq: $p } }) { totalCount } }", json!({ "p": w.org_a }))
            .await;
        assert_eq!(received["sharingRequests"]["totalCount"], 1);
        let approve = "mutation($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) {
            sharingRequest { status decidedAt shares { nodes { mode status consumer { code } request { id } } } } } }";
        let err = app
            .err_as(
                Some(&w.steward_b),
                approve,
                json!({ "input": { "id": id } }),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
        let data = app
            .ok_as(
                Some(&w.steward_a),
                approve,
                json!({ "input": { "id": id, "expectedVersion": 1 } }),
            )
            .await;
        let approved = &data["approveSharingRequest"]["sharingRequest"];
        assert_eq!(approved["status"], "APPROVED");
        let shares = approved["shares"]["nodes"].as_array().unwrap();
        assert_eq!(shares.len(), 1);
        assert_eq!(
            (shares[0]["mode"].as_str(), shares[0]["status"].as_str()),
            (Some("DEFAULT"), Some("ACTIVE"))
        );
        assert_eq!(shares[0]["consumer"]["code"], B);
        assert_eq!(shares[0]["request"]["id"], id);

        // Approved is final: every other move is a conflict.
        for (m, input) in [
            (approve, json!({ "id": id })),
            (
                "mutation($input: RejectSharingRequestInput!) { rejectSharingRequest(input: $input) { sharingRequest { id } } }",
                json!({ "id": id, "reason": "Trùng" }),
            ),
        ] {
            let err = app
                .err_as(Some(&w.steward_a), m, json!({ "input": input }))
                .await;
            assert_eq!(code(&err), "CONFLICT", "{err}");
        }
        let err = app
            .err_as(Some(&w.steward_b), "mutation($input: WithdrawSharingRequestInput!) { withdrawSharingRequest(input: $input) { sharingRequest { id } } }", json!({ "input": { "id": id } }))
            .await;
        assert_eq!(code(&err), "CONFLICT");

        // A stranger (the public, a third organization's steward) does not see it at all.
        let data = app
            .ok_as(None, "{ sharingRequests { totalCount } }", json!({}))
            .await;
        assert_eq!(data["sharingRequests"]["totalCount"], 0);
        let audit = app.ok("{ auditLog(where: { entityType: { eq: \"SharingRequest\" } }) { nodes { action } } }", json!({})).await;
        let actions: Vec<&str> = audit["auditLog"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["SUBMIT", "APPROVE"]);
    }

    #[tokio::test]
    async fn on_request_data_needs_an_agreement_and_a_rejection_a_reason() {
        let w = world().await;
        let app = &w.app;
        let data = app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.on_request_item], "ON_REQUEST"),
            )
            .await;
        let id = data["submitSharingRequest"]["sharingRequest"]["id"].clone();
        assert!(data["submitSharingRequest"]["sharingRequest"]["dueOn"].is_null());
        let approve = "mutation($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) {
            sharingRequest { status agreement { placeOfUse } shares { nodes { mode validUntil agreement { id } } } } } }";
        let err = app
            .err_as(
                Some(&w.steward_a),
                approve,
                json!({ "input": { "id": id } }),
            )
            .await;
        assert_eq!(
            (code(&err), err["extensions"]["field"].as_str()),
            ("BAD_USER_INPUT", Some("input.agreementId"))
        );

        let agreement = app
            .ok_as(
                Some(&w.steward_a),
                "mutation($input: CreateSharingAgreementInput!) { createSharingAgreement(input: $input) { sharingAgreement { id } } }",
                json!({ "input": { "providerId": w.org_a, "consumerId": w.org_b,
                    "dataContent": "Thông tin chủ sử dụng đất trên địa bàn huyện", "placeOfUse": "Trụ sở Phòng Tư pháp huyện Nam Đông",
                    "validUntil": "2027-12-31", "method": "Dịch vụ chia sẻ dữ liệu qua LGSP tỉnh",
                    "protectionCommitments": "Không cung cấp cho bên thứ ba", "deletionMethod": "Xóa khi hết thời hạn thỏa thuận",
                    "signedOn": "2026-11-20" } }),
            )
            .await;
        let agreement_id = agreement["createSharingAgreement"]["sharingAgreement"]["id"].clone();
        let data = app
            .ok_as(
                Some(&w.steward_a),
                approve,
                json!({ "input": { "id": id, "agreementId": agreement_id } }),
            )
            .await;
        let req = &data["approveSharingRequest"]["sharingRequest"];
        assert_eq!(req["status"], "APPROVED");
        assert_eq!(
            req["agreement"]["placeOfUse"],
            "Trụ sở Phòng Tư pháp huyện Nam Đông"
        );
        assert_eq!(req["shares"]["nodes"][0]["validUntil"], "2027-12-31");
        assert_eq!(req["shares"]["nodes"][0]["agreement"]["id"], agreement_id);
        // Both parties read the agreement; the public does not.
        for (token, seen) in [(Some(w.steward_b.as_str()), 1), (None, 0)] {
            let data = app
                .ok_as(token, "{ sharingAgreements { totalCount } }", json!({}))
                .await;
            assert_eq!(data["sharingAgreements"]["totalCount"], seen);
        }
        // An agreement still backing a share cannot be deleted.
        let err = app
            .err_as(
                Some(&w.steward_a),
                "mutation($id: ID!) { deleteSharingAgreement(input: { id: $id }) { deletedId } }",
                json!({ "id": agreement_id }),
            )
            .await;
        assert_eq!(code(&err), "CONFLICT");

        // Rejection needs a reason; withdrawing is the consumer's.
        let data = app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        let id = data["submitSharingRequest"]["sharingRequest"]["id"].clone();
        let reject = "mutation($input: RejectSharingRequestInput!) { rejectSharingRequest(input: $input) { sharingRequest { status decisionReason } } }";
        let err = app
            .err_as(
                Some(&w.steward_a),
                reject,
                json!({ "input": { "id": id, "reason": "  " } }),
            )
            .await;
        assert_eq!(code(&err), "BAD_USER_INPUT");
        let withdraw = "mutation($input: WithdrawSharingRequestInput!) { withdrawSharingRequest(input: $input) { sharingRequest { status } } }";
        let err = app
            .err_as(
                Some(&w.steward_a),
                withdraw,
                json!({ "input": { "id": id } }),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
        let data = app
            .ok_as(Some(&w.steward_a), reject, json!({ "input": { "id": id, "reason": "Dữ liệu đang được chuẩn hóa, đề nghị gửi lại sau 30 ngày" } }))
            .await;
        assert_eq!(
            data["rejectSharingRequest"]["sharingRequest"]["status"],
            "REJECTED"
        );
        let data = app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        let id = data["submitSharingRequest"]["sharingRequest"]["id"].clone();
        let data = app
            .ok_as(
                Some(&w.steward_b),
                withdraw,
                json!({ "input": { "id": id } }),
            )
            .await;
        assert_eq!(
            data["withdrawSharingRequest"]["sharingRequest"]["status"],
            "WITHDRAWN"
        );
    }

    #[tokio::test]
    async fn submissions_are_checked() {
        let w = world().await;
        let app = &w.app;
        // Asking for more than the policy gives, for a neighbour, or as a viewer.
        let err = app
            .err_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.on_request_item], "DEFAULT"),
            )
            .await;
        assert_eq!(
            (code(&err), err["extensions"]["field"].as_str()),
            ("BAD_USER_INPUT", Some("input.requestedMode"))
        );
        let err = app
            .err_as(
                Some(&w.steward_a),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN", "A may not ask in B's name");
        let viewer = app.token(Role::Viewer, Some(B)).await;
        let err = app
            .err_as(
                Some(&viewer),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
        let err = app
            .err_as(Some(&w.steward_b), SUBMIT, submission(&w, &[], "DEFAULT"))
            .await;
        assert_eq!(code(&err), "BAD_USER_INPUT");
    }

    #[tokio::test]
    async fn overdue_requests_and_the_holiday_calendar() {
        let w = world().await;
        let app = &w.app;
        let data = app
            .ok_as(
                Some(&w.steward_b),
                SUBMIT,
                submission(&w, &[&w.default_item], "DEFAULT"),
            )
            .await;
        let id = data["submitSharingRequest"]["sharingRequest"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            app.ok("{ overdueRequests { totalCount } }", json!({}))
                .await["overdueRequests"]["totalCount"],
            0
        );
        // Ten days ago, it was due long since.
        let (_, raw) = sharegraph_id(&id);
        sea_orm::ConnectionTrait::execute_unprepared(
            &app.db,
            &format!("UPDATE sharing_requests SET due_on = '2026-01-05' WHERE id = {raw}"),
        )
        .await
        .unwrap();
        let data = app
            .ok_as(
                Some(&w.steward_a),
                "{ overdueRequests { totalCount nodes { id overdue dueOn } } }",
                json!({}),
            )
            .await;
        assert_eq!(data["overdueRequests"]["totalCount"], 1);
        assert_eq!(data["overdueRequests"]["nodes"][0]["overdue"], true);
        let data = app
            .ok_as(None, "{ overdueRequests { totalCount } }", json!({}))
            .await;
        assert_eq!(
            data["overdueRequests"]["totalCount"], 0,
            "the public sees no requests"
        );

        // Holidays: the fixed ones are there every year; admins add the lunar ones.
        let add =
            "mutation($input: HolidayInput!) { addHoliday(input: $input) { day name fixed } }";
        let err = app
            .err_as(
                Some(&w.steward_a),
                add,
                json!({ "input": { "day": "2027-02-06", "name": "Tết Nguyên đán" } }),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
        for day in ["2027-02-05", "2027-02-08", "2027-02-09"] {
            app.ok(
                add,
                json!({ "input": { "day": day, "name": "Tết Nguyên đán Đinh Mùi" } }),
            )
            .await;
        }
        let err = app
            .err(
                add,
                json!({ "input": { "day": "2027-09-02", "name": "Quốc khánh" } }),
            )
            .await;
        assert_eq!(code(&err), "CONFLICT");
        let data = app
            .ok_as(
                None,
                "{ holidays(year: 2027) { day name fixed } }",
                json!({}),
            )
            .await;
        let days: Vec<(&str, bool)> = data["holidays"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["day"].as_str().unwrap(), h["fixed"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            days,
            [
                ("2027-01-01", true),
                ("2027-02-05", false),
                ("2027-02-08", false),
                ("2027-02-09", false),
                ("2027-04-30", true),
                ("2027-05-01", true),
                ("2027-09-02", true)
            ]
        );
        assert_eq!(
            app.ok("mutation { removeHoliday(day: \"2027-02-05\") }", json!({}))
                .await["removeHoliday"],
            true
        );
    }

    fn sharegraph_id(id: &str) -> (String, i64) {
        use base64::Engine;
        let text = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(id)
                .unwrap(),
        )
        .unwrap();
        let (kind, n) = text.split_once(':').unwrap();
        (kind.to_owned(), n.parse().unwrap())
    }
}

mod quality {
    use serde_json::json;
    use sharegraph::access::Role;

    use crate::support::{TestApp, code, create_db, create_item, nam_dong_office};

    const CREATE: &str = "mutation($input: CreateQualityAssessmentInput!) { createQualityAssessment(input: $input) { qualityAssessment { id overall } } }";

    fn assessment(subject: (&str, &str), day: &str, scores: [i32; 6]) -> serde_json::Value {
        let mut input = json!({
            "assessedOn": day, "assessor": "Tổ kiểm tra chất lượng dữ liệu Sở Thông tin và Truyền thông",
            "completeness": scores[0], "accuracy": scores[1], "consistency": scores[2],
            "timeliness": scores[3], "validity": scores[4], "uniqueness": scores[5],
            "organisedForSharing": true, "usesSharedCodeLists": scores[0] > 50, "consistentWithMasterData": true,
            "findings": "Thiếu mã định danh cá nhân ở 3% bản ghi", "remediationPlan": "Bổ sung trước quý II",
            "nextDue": "2027-06-30"
        });
        input[subject.0] = json!(subject.1);
        json!({ "input": input })
    }

    #[tokio::test]
    async fn the_latest_assessment_and_the_items_that_need_one() {
        let app = TestApp::spawn().await;
        let org = nam_dong_office(&app).await;
        crate::support::tu_phap_office(&app).await;
        let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &org).await;
        let good = create_item(&app, &db, "THUADAT", "Thửa đất").await;
        let poor = create_item(&app, &db, "CHUSUDUNG", "Chủ sử dụng đất").await;
        let never = create_item(&app, &db, "GHICHU", "Ghi chú").await;
        let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
        let other = app.token(Role::Steward, Some("000.00.32.H57")).await;

        let first = app
            .ok_as(
                Some(&steward),
                CREATE,
                assessment(
                    ("dataItemId", &good),
                    "2026-03-01",
                    [60, 60, 60, 60, 60, 61],
                ),
            )
            .await;
        assert_eq!(
            first["createQualityAssessment"]["qualityAssessment"]["overall"],
            60
        );
        app.ok_as(
            Some(&steward),
            CREATE,
            assessment(
                ("dataItemId", &good),
                "2026-09-01",
                [95, 90, 92, 88, 97, 100],
            ),
        )
        .await;
        app.ok_as(
            Some(&steward),
            CREATE,
            assessment(
                ("dataItemId", &poor),
                "2026-09-01",
                [40, 55, 60, 30, 70, 90],
            ),
        )
        .await;
        app.ok_as(
            Some(&steward),
            CREATE,
            assessment(("databaseId", &db), "2026-09-15", [80, 80, 80, 80, 80, 80]),
        )
        .await;

        // Another organization's steward may not assess A's data.
        let err = app
            .err_as(
                Some(&other),
                CREATE,
                assessment(("databaseId", &db), "2026-09-15", [80; 6]),
            )
            .await;
        assert_eq!(code(&err), "FORBIDDEN");
        // Scores are 0..=100; exactly one subject.
        let err = app
            .err_as(
                Some(&steward),
                CREATE,
                assessment(("dataItemId", &good), "2026-09-01", [101, 0, 0, 0, 0, 0]),
            )
            .await;
        assert_eq!(
            (code(&err), err["extensions"]["field"].as_str()),
            ("BAD_USER_INPUT", Some("input.completeness"))
        );

        let q = "query($id: ID!, $db: ID!) { dataItem(id: $id) { quality { assessedOn overall usesSharedCodeLists } } database(id: $db) { quality { overall } } }";
        let data = app
            .ok_as(Some(&steward), q, json!({ "id": good, "db": db }))
            .await;
        assert_eq!(
            data["dataItem"]["quality"]["assessedOn"], "2026-09-01",
            "the latest one"
        );
        assert_eq!(data["dataItem"]["quality"]["overall"], 94);
        assert_eq!(data["database"]["quality"]["overall"], 80);

        let list = "query($w: DataItemWhere) { dataItems(where: $w) { nodes { code } } }";
        let codes = |data: serde_json::Value| -> Vec<String> {
            data["dataItems"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["code"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            codes(
                app.ok_as(
                    Some(&steward),
                    list,
                    json!({ "w": { "neverAssessed": true } })
                )
                .await
            ),
            ["GHICHU"]
        );
        // `good` scored 60 once, but its latest is 94: only `poor` is below 70 now.
        assert_eq!(
            codes(
                app.ok_as(Some(&steward), list, json!({ "w": { "qualityBelow": 70 } }))
                    .await
            ),
            ["CHUSUDUNG"]
        );
        let _ = never;

        // Nobody but the owner sees its internal items' assessments; the database's are public.
        let data = app
            .ok_as(None, "{ qualityAssessments { totalCount } }", json!({}))
            .await;
        assert_eq!(data["qualityAssessments"]["totalCount"], 1);
    }
}

mod usage {
    use serde_json::{Value, json};
    use sharegraph::access::Role;

    use crate::support::{TestApp, code, create_db, create_item, create_org, nam_dong_office};

    const RECORD: &str = "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded violations } }";

    async fn id(app: &TestApp, m: &str, input: Value, path: [&str; 3]) -> String {
        let data = app.ok(m, json!({ "input": input })).await;
        data[path[0]][path[1]][path[2]].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn uses_are_recorded_and_violations_raised() {
        let app = TestApp::spawn().await;
        let a = nam_dong_office(&app).await;
        let b = crate::support::tu_phap_office(&app).await;
        let c = create_org(
            &app,
            "000.00.33.H57",
            "Phòng Y tế huyện Nam Đông",
            "DISTRICT",
            None,
        )
        .await;
        let db = create_db(&app, "DB-DATDAI", "Cơ sở dữ liệu đất đai", &a).await;
        let item = create_item(&app, &db, "THUADAT", "Thửa đất").await;
        let other = create_item(&app, &db, "BIENDONG", "Biến động đất đai").await;
        for i in [&item, &other] {
            app.ok("mutation($i: ID!) { setSharingPolicies(input: { dataItemId: $i, policies: [{ consumerType: STATE_AGENCY, mode: DEFAULT }] }) { policies { id } } }", json!({ "i": i })).await;
        }
        let service = id(&app, "mutation($input: CreateDataServiceInput!) { createDataService(input: $input) { dataService { id } } }",
            json!({ "code": "DV-DATDAI", "name": "Tra cứu thông tin thửa đất", "providerId": a, "method": "ONLINE_SERVICE", "platform": "LGSP",
                    "status": "PUBLISHED", "publishedOn": "2026-01-01", "itemIds": [item] }), ["createDataService", "dataService", "id"]).await;
        let share = id(&app, "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
            json!({ "dataItemId": item, "consumerId": b, "serviceId": service, "validFrom": "2026-01-01" }), ["createShare", "share", "id"]).await;
        let agreement = id(&app, "mutation($input: CreateSharingAgreementInput!) { createSharingAgreement(input: $input) { sharingAgreement { id } } }",
            json!({ "providerId": a, "consumerId": b, "dataContent": "Biến động đất đai", "placeOfUse": "Phòng Tư pháp",
                    "method": "LGSP", "validFrom": "2026-01-01", "validUntil": "2026-06-30", "signedOn": "2025-12-15" }),
            ["createSharingAgreement", "sharingAgreement", "id"]).await;
        let bound = id(
            &app,
            "mutation($input: CreateShareInput!) { createShare(input: $input) { share { id } } }",
            json!({ "dataItemId": other, "consumerId": b, "agreementId": agreement }),
            ["createShare", "share", "id"],
        )
        .await;
        let steward_a = app.token(Role::Steward, Some("000.00.31.H57")).await;
        let steward_b = app.token(Role::Steward, Some("000.00.32.H57")).await;

        let ev = |share: Option<&str>, service: Option<&str>, consumer: Option<&str>, at: &str| {
            json!({ "shareId": share, "serviceId": service, "consumerId": consumer, "occurredAt": at,
                    "operation": "QUERY", "recordCount": 25, "purpose": "Chứng thực hợp đồng" })
        };
        let batch = json!({ "input": { "events": [
            ev(Some(&share), None, None, "2026-11-20T03:00:00Z"),
            ev(Some(&share), Some(&service), None, "2026-11-21T03:00:00Z"),
            ev(Some(&share), None, None, "2025-12-31T03:00:00Z"),          // before validFrom
            ev(Some(&bound), None, None, "2026-11-01T03:00:00Z"),          // after the agreement
            ev(None, Some(&service), Some(&b), "2026-11-22T03:00:00Z"),    // backed by `share`
            ev(None, Some(&service), Some(&c), "2026-11-22T17:30:00Z"),    // no share for C
        ] } });
        // Only the provider reports its data's use.
        for token in [Some(steward_b.as_str()), None] {
            let err = app.err_as(token, RECORD, batch.clone()).await;
            assert_eq!(code(&err), "FORBIDDEN");
        }
        let data = app.ok_as(Some(&steward_a), RECORD, batch).await;
        assert_eq!(
            data["recordAccessEvents"],
            json!({ "recorded": 6, "violations": 3 })
        );

        let v = app
            .ok_as(
                Some(&steward_a),
                "{ accessViolations { totalCount nodes { violation consumer { code } } } }",
                json!({}),
            )
            .await;
        let mut kinds: Vec<&str> = v["accessViolations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["violation"].as_str().unwrap())
            .collect();
        kinds.sort_unstable();
        assert_eq!(kinds, ["NO_SHARE", "OUTSIDE_AGREEMENT", "SHARE_NOT_ACTIVE"]);

        // The consumer reads the uses of what it receives; a third party reads nothing.
        let q = "{ accessEvents { totalCount } }";
        assert_eq!(
            app.ok_as(Some(&steward_b), q, json!({})).await["accessEvents"]["totalCount"],
            5
        );
        assert_eq!(
            app.ok_as(None, q, json!({})).await["accessEvents"]["totalCount"],
            0
        );

        // Per consumer and day, in Vietnam's calendar: 17:30 UTC on the 22nd is the 23rd there.
        let stats = app
            .ok_as(Some(&steward_a), "{ accessStatistics(by: CONSUMER, period: DAY, where: { occurredAt: { gte: \"2026-11-20T00:00:00Z\" } }) { key period events records violations } }", json!({}))
            .await;
        let rows: Vec<(String, String, i64, i64)> = stats["accessStatistics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["key"].as_str().unwrap().to_owned(),
                    r["period"].as_str().unwrap().to_owned(),
                    r["events"].as_i64().unwrap(),
                    r["violations"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (c.clone(), "2026-11-23".into(), 1, 1),
                (b.clone(), "2026-11-22".into(), 1, 0),
                (b.clone(), "2026-11-21".into(), 1, 0),
                (b.clone(), "2026-11-20".into(), 1, 0),
            ]
        );
        let monthly = app
            .ok_as(
                Some(&steward_a),
                "{ accessStatistics(by: SHARE, period: MONTH) { period events records } }",
                json!({}),
            )
            .await;
        let total: i64 = monthly["accessStatistics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["records"].as_i64().unwrap())
            .sum();
        assert_eq!(total, 150);

        // One bad event refuses the whole batch, naming it.
        let before = app.ok("{ accessEvents { totalCount } }", json!({})).await;
        let err = app
            .err_as(Some(&steward_a), RECORD, json!({ "input": { "events": [ev(Some(&share), None, None, "2026-11-20T03:00:00Z"), ev(None, None, None, "2026-11-20T03:00:00Z")] } }))
            .await;
        assert_eq!(
            (code(&err), err["extensions"]["field"].as_str()),
            ("BAD_USER_INPUT", Some("input.events.1.shareId"))
        );
        assert_eq!(
            app.ok("{ accessEvents { totalCount } }", json!({})).await,
            before
        );
        let many: Vec<Value> = (0..10_001)
            .map(|_| ev(Some(&share), None, None, "2026-11-20T03:00:00Z"))
            .collect();
        let err = app
            .err_as(
                Some(&steward_a),
                RECORD,
                json!({ "input": { "events": many } }),
            )
            .await;
        assert_eq!(code(&err), "LIMIT_EXCEEDED");
    }
}
