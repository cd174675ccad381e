//! The catalogue inventory as a spreadsheet: export → import round-trips (CSV and XLSX),
//! changes merge by code, and a file with bad rows reports every one and changes nothing.

use serde_json::{Value, json};

use crate::support::{TestApp, code};

/// The demo's office of natural resources and environment.
const OFFICE: &str = "000.03.39.H57";

const EXPORT: &str = "query($org: ID, $format: InventoryFormat!, $lang: Language!) { inventory(organizationId: $org, format: $format, lang: $lang) { rows content } }";
const IMPORT: &str = "mutation($input: ImportInventoryInput!) { importInventory(input: $input) { rows databasesCreated databasesUpdated itemsCreated itemsUpdated itemsUnchanged } }";

/// The whole inventory with English headings and values (the tests edit it by column name).
async fn export(app: &TestApp, format: &str) -> (u64, String) {
    export_in(app, format, "EN").await
}

async fn export_in(app: &TestApp, format: &str, lang: &str) -> (u64, String) {
    let data = app
        .ok(
            EXPORT,
            json!({ "org": Value::Null, "format": format, "lang": lang }),
        )
        .await;
    (
        data["inventory"]["rows"].as_u64().unwrap(),
        data["inventory"]["content"].as_str().unwrap().to_owned(),
    )
}

async fn import(app: &TestApp, format: &str, content: &str) -> Value {
    app.post_as(
        Some(&app.admin),
        IMPORT,
        json!({ "input": { "format": format, "content": content } }),
    )
    .await
}

#[tokio::test]
async fn export_and_import_round_trip_and_merge_by_code() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let (rows, csv) = export(&app, "CSV").await;
    assert!(rows > 50, "{rows}");
    assert!(
        csv.starts_with('\u{feff}'),
        "CSV starts with a byte-order mark"
    );
    assert!(csv.contains("Cơ sở dữ liệu quốc gia về dân cư"));

    // Unchanged: nothing written, not even an audit entry.
    let before = app.audit_count().await;
    let done = import(&app, "CSV", &csv).await;
    assert_eq!(
        done["data"]["importInventory"]["itemsUnchanged"], rows,
        "{done}"
    );
    assert_eq!(done["data"]["importInventory"]["itemsUpdated"], 0);
    assert_eq!(app.audit_count().await, before);

    // A response carries a bounded number of rows; larger exports are refused before reading.
    let refused = sharegraph::domain::inventory::export(
        &app.db,
        &sharegraph::access::Caller::system(),
        None,
        Some(rows - 1),
    )
    .await;
    assert!(
        matches!(refused, Err(sharegraph::error::Error::LimitExceeded(_))),
        "{refused:?}"
    );

    // XLSX too.
    let (xrows, xlsx) = export(&app, "XLSX").await;
    assert_eq!(xrows, rows);
    let done = import(&app, "XLSX", &xlsx).await;
    assert_eq!(
        done["data"]["importInventory"]["itemsUnchanged"], rows,
        "{done}"
    );

    // A district's edits: one item renamed, one mode changed, a new database with two items.
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut lines: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let target = lines
        .iter()
        .position(|l| l[col("item_code")] == "DANH-MUC-DVHC")
        .expect("the demo's code list of administrative units");
    lines[target][col("item_name")] = "Danh mục đơn vị hành chính (cập nhật 2026)".into();
    lines[target][col("mode_public")] = "not shared".into();
    lines[target][col("legal_basis_public")] = "Quyết định 124/2004/QĐ-TTg".into();
    let blank = vec![String::new(); header.len()];
    for (code, name) in [
        ("THUA-DAT", "Thửa đất"),
        ("CHU-SU-DUNG", "Người sử dụng đất"),
    ] {
        let mut row = blank.clone();
        row[col("organization_code")] = OFFICE.into();
        row[col("database_code")] = "H57-DATDAI".into();
        row[col("database_name")] = "Cơ sở dữ liệu đất đai huyện Nam Đông".into();
        row[col("database_kind")] = "local".into();
        row[col("update_frequency")] = "MONTHLY".into();
        row[col("item_code")] = code.into();
        row[col("item_name")] = name.into();
        row[col("mode_state_agency")] = "DEFAULT".into();
        lines.push(row);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for line in &lines {
        writer.write_record(line).unwrap();
    }
    let edited = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let done = import(&app, "CSV", &edited).await;
    let d = &done["data"]["importInventory"];
    assert_eq!(
        (
            d["databasesCreated"].as_u64(),
            d["itemsCreated"].as_u64(),
            d["itemsUpdated"].as_u64()
        ),
        (Some(1), Some(2), Some(1)),
        "{done}"
    );
    let data = app
        .ok(
            r#"{ database(code: "H57-DATDAI") { name updateFrequency organization { code } items { nodes { code name isPublished policies { nodes { consumerType mode } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["database"]["name"],
        "Cơ sở dữ liệu đất đai huyện Nam Đông"
    );
    assert_eq!(data["database"]["updateFrequency"], "MONTHLY");
    assert_eq!(data["database"]["organization"]["code"], OFFICE);
    assert_eq!(data["database"]["items"]["nodes"][0]["isPublished"], true);
    assert_eq!(
        data["database"]["items"]["nodes"][0]["policies"]["nodes"],
        json!([{ "consumerType": "STATE_AGENCY", "mode": "DEFAULT" }])
    );

    // What is exported now is what was imported: a second import changes nothing.
    let (_, again) = export(&app, "CSV").await;
    assert!(again.contains("Danh mục đơn vị hành chính (cập nhật 2026)"));
    let done = import(&app, "CSV", &again).await;
    assert_eq!(
        done["data"]["importInventory"]["itemsUnchanged"],
        rows + 2,
        "{done}"
    );
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let before = app.audit_count().await;
    let file = format!(
        "organization_code,database_code,database_name,database_kind,item_code,item_name,personal_data,mode_public,mode_enterprise\n\
{OFFICE},H57-MOI,Cơ sở dữ liệu mới,LOCAL,A,Hạng mục hợp lệ,no,OPEN,\n\
{OFFICE},H57-MOI,Cơ sở dữ liệu mới,LOCAL,B,Số định danh cá nhân,yes,OPEN,\n\
999.99.99.X99,H57-KHAC,Khác,LOCAL,C,Hạng mục,no,,DEFAULT\n\
{OFFICE},H57-MOI,Cơ sở dữ liệu mới,LOCAL,A,Trùng mã,no,,\n"
    );
    let body = import(&app, "CSV", &file).await;
    let err = &body["errors"][0];
    assert_eq!(code(err), "BAD_USER_INPUT", "{body}");
    let rows: Vec<(u64, String)> = err["extensions"]["rowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (3, "mode_public".to_owned()),
            (4, "mode_enterprise".to_owned()),
            (5, "item_code".to_owned()),
        ],
        "{body}"
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing was imported")
    );
    // The unknown organization is found once the rows themselves are valid.
    let body = import(
        &app,
        "CSV",
        "organization_code,database_code,database_name,database_kind,item_code,item_name\n999.99.99.X99,H57-KHAC,Khác,LOCAL,C,Hạng mục\n",
    )
    .await;
    let row = &body["errors"][0]["extensions"]["rowErrors"][0];
    assert_eq!(
        (row["line"].as_u64(), row["column"].as_str()),
        (Some(2), Some("organization_code")),
        "{body}"
    );
    assert_eq!(app.audit_count().await, before, "nothing was written");
    let data = app
        .ok(r#"{ database(code: "H57-MOI") { id } }"#, json!({}))
        .await;
    assert!(data["database"].is_null());
}

/// Files are bounded while they are read: rows past `SHAREGRAPH_IMPORT_MAX_ROWS` refuse the
/// file (CSV, and an XLSX whose rows only show once unpacked), and a file of many bad rows
/// lists the first 1,000 errors and counts all of them.
#[tokio::test]
async fn imports_are_bounded_while_they_are_read() {
    use base64::Engine;
    let app = TestApp::spawn_with(|l| l.import_max_rows = 1500).await;
    let header = "organization_code,database_code,database_name,item_code,item_name\n";

    let too_long = format!("{header}{}", "x\n".repeat(1501));
    let body = import(&app, "CSV", &too_long).await;
    assert_eq!(code(&body["errors"][0]), "LIMIT_EXCEEDED", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("1500 rows"), "{message}");
    assert!(message.contains("SHAREGRAPH_IMPORT_MAX_ROWS"), "{message}");
    // Blank lines are not rows.
    let blank = format!("{header}{}x\n", "\n".repeat(5000));
    let body = import(&app, "CSV", &blank).await;
    assert_eq!(code(&body["errors"][0]), "BAD_USER_INPUT", "{body}");

    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "organization_code").unwrap();
    for row in 1..=1501u32 {
        sheet.write_string(row, 0, "x").unwrap();
    }
    let xlsx = base64::engine::general_purpose::STANDARD.encode(workbook.save_to_buffer().unwrap());
    let body = import(&app, "XLSX", &xlsx).await;
    assert_eq!(code(&body["errors"][0]), "LIMIT_EXCEEDED", "{body}");

    // 1,500 rows with a malformed organization code, no names and no kind: four errors each.
    let bad = format!("{header}{}", "nowhere,DB,,ITEM,\n".repeat(1500));
    let body = import(&app, "CSV", &bad).await;
    let err = &body["errors"][0];
    assert_eq!(code(err), "BAD_USER_INPUT", "{body}");
    assert_eq!(err["extensions"]["rowErrorCount"], 6000);
    let listed = err["extensions"]["rowErrors"].as_array().unwrap();
    assert_eq!(listed.len(), 1000);
    let first: Vec<(&Value, &str)> = listed[..5]
        .iter()
        .map(|e| (&e["line"], e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        first,
        [
            (&json!(2), "database_kind"),
            (&json!(2), "database_name"),
            (&json!(2), "item_name"),
            (&json!(2), "organization_code"),
            (&json!(3), "database_kind"),
        ]
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("6000 row error"),
        "{err}"
    );
}

/// A steward's file that names another organization's rows is refused whole (FORBIDDEN,
/// naming it) and changes nothing; its own rows import, each change audited as `IMPORT`.
#[tokio::test]
async fn a_stewards_import_is_all_its_own_or_nothing() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let steward = app
        .token(sharegraph::access::Role::Steward, Some(OFFICE))
        .await;
    let header =
        "organization_code,database_code,database_name,database_kind,item_code,item_name\n";
    let own =
        format!("{OFFICE},QUAN-TRAC-DAT,Quan trắc đất huyện Nam Đông,LOCAL,MAU-DAT,Mẫu đất\n");
    let other = "000.04.39.H57,TU-PHAP-MOI,Hộ tịch điện tử,LOCAL,KHAI-SINH,Khai sinh\n";
    let send = |content: String| {
        let (app, steward) = (&app, &steward);
        async move {
            app.post_as(
                Some(steward),
                IMPORT,
                json!({ "input": { "format": "CSV", "content": content } }),
            )
            .await
        }
    };
    let before = app.audit_count().await;
    let refused = send(format!("{header}{own}{other}")).await;
    let err = &refused["errors"][0];
    assert_eq!(code(err), "FORBIDDEN", "{refused}");
    assert!(
        err["message"].as_str().unwrap().contains("(line 3)"),
        "{refused}"
    );
    assert_eq!(app.audit_count().await, before, "nothing was written");
    let data = app
        .ok(
            "{ databases(where: { code: { eq: \"QUAN-TRAC-DAT\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["databases"]["totalCount"], 0);

    let done = send(format!("{header}{own}")).await;
    assert_eq!(done["data"]["importInventory"]["itemsCreated"], 1, "{done}");
    let log = app
        .ok(
            "{ auditLog(where: { action: { eq: \"IMPORT\" } }) { nodes { entityType organization { code } } } }",
            json!({}),
        )
        .await;
    let mut entries: Vec<(String, String)> = log["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["entityType"].as_str().unwrap().to_owned(),
                n["organization"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            ("DataItem".to_owned(), OFFICE.to_owned()),
            ("Database".to_owned(), OFFICE.to_owned()),
        ]
    );
}

/// A write the database refuses after the import has begun writing (a clash no check before
/// the write can see, as when a concurrent writer wins the race) undoes the whole import: the
/// answer is CONFLICT with no SQL in it, and every table is as it was.
#[tokio::test]
async fn a_clash_found_by_the_database_midway_undoes_the_whole_import() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    app.load_demo().await;
    // The third row's item, once inserted, takes the code of the second (both new, in one new
    // database): a unique clash the import only learns of from the database.
    let clash = match app.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => vec![
            "CREATE TRIGGER clash AFTER INSERT ON data_items WHEN NEW.code = 'VO-TRUNG' \
             BEGIN UPDATE data_items SET code = 'MAU-DAT' WHERE id = NEW.id; END",
        ],
        _ => vec![
            "CREATE FUNCTION clash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             UPDATE data_items SET code = 'MAU-DAT' WHERE id = NEW.id; RETURN NEW; END $$",
            "CREATE TRIGGER clash AFTER INSERT ON data_items FOR EACH ROW \
             WHEN (NEW.code = 'VO-TRUNG') EXECUTE FUNCTION clash()",
        ],
    };
    for sql in clash {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    let (_, csv) = export(&app, "CSV").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let existing = reader.records().next().unwrap().unwrap();
    let name_at = header.iter().position(|c| c == "item_name").unwrap();
    let mut renamed: Vec<&str> = existing.iter().collect();
    renamed[name_at] = "Tên đã sửa trước khi lỗi";
    let mut file = csv::Writer::from_writer(Vec::new());
    file.write_record(&header).unwrap();
    file.write_record(&renamed).unwrap();
    fn short<'a>(header: &'a csv::StringRecord, cells: [&'a str; 6]) -> Vec<&'a str> {
        header
            .iter()
            .map(|h| match h {
                "organization_code" => cells[0],
                "database_code" => cells[1],
                "database_name" => cells[2],
                "database_kind" => cells[3],
                "item_code" => cells[4],
                "item_name" => cells[5],
                _ => "",
            })
            .collect()
    }
    for item in [("MAU-DAT", "Mẫu đất"), ("VO-TRUNG", "Vỏ trứng")] {
        file.write_record(short(
            &header,
            [
                OFFICE,
                "QUAN-TRAC-DAT",
                "Quan trắc đất huyện Nam Đông",
                "LOCAL",
                item.0,
                item.1,
            ],
        ))
        .unwrap();
    }
    let content = String::from_utf8(file.into_inner().unwrap()).unwrap();

    let before = app.digest().await;
    let answer = import(&app, "CSV", &content).await;
    let err = &answer["errors"][0];
    assert_eq!(code(err), "CONFLICT", "{answer}");
    let message = err["message"].as_str().unwrap().to_lowercase();
    assert!(
        !message.contains("insert") && !message.contains("data_items"),
        "{answer}"
    );
    assert!(
        app.digest().await == before,
        "the import left writes behind"
    );

    // Without the clash the same file imports.
    let drop = match app.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => "DROP TRIGGER clash",
        _ => "DROP TRIGGER clash ON data_items",
    };
    app.db.execute_unprepared(drop).await.unwrap();
    let answer = import(&app, "CSV", &content).await;
    assert_eq!(
        answer["data"]["importInventory"]["itemsCreated"], 2,
        "{answer}"
    );
    assert_eq!(
        answer["data"]["importInventory"]["itemsUpdated"], 1,
        "{answer}"
    );
}

/// A dry run checks everything, says what would change, column by column, and writes nothing.
#[tokio::test]
async fn a_dry_run_says_what_would_change_and_writes_nothing() {
    use sharegraph::domain::sheet;
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let (_, csv) = export(&app, "CSV").await;
    let table = sheet::read(
        csv.as_bytes(),
        sheet::Format::Csv,
        sheet::Limits::rows(1000),
    )
    .unwrap();
    let column = |name: &str| table.header.iter().position(|c| c == name).unwrap();
    let mut rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| r.cells().map(str::to_owned).collect())
        .collect();
    // Rename one of the office's items; add a new item to one of its databases.
    let office: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i][column("organization_code")] == OFFICE)
        .collect();
    rows[office[0]][column("item_name")] = "Thông tin thửa đất (đã chuẩn hóa)".into();
    let mut new_row = rows[office[1]].clone();
    new_row[column("item_name")] = "Chỉ số chất lượng không khí".into();
    new_row[column("item_code")] = "CHAT-LUONG-KHONG-KHI".into();
    rows.push(new_row);
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let edited = String::from_utf8(sheet::write_csv(&header, &rows)).unwrap();
    // Lines as the file has them (a cell may span lines).
    let reread = sheet::read(
        edited.as_bytes(),
        sheet::Format::Csv,
        sheet::Limits::rows(1000),
    )
    .unwrap();
    let line_of = |i: usize| reread.rows[i].line as u64;

    let before = app.digest().await;
    let audit = app.audit_count().await;
    let done = app
        .post_as(
            Some(&app.admin),
            "mutation($input: ImportInventoryInput!) { importInventory(input: $input, dryRun: true) {
                dryRun itemsCreated itemsUpdated itemsUnchanged
                changes { line entity code action columns } } }",
            json!({ "input": { "format": "CSV", "content": edited } }),
        )
        .await;
    let done = &done["data"]["importInventory"];
    assert_eq!(done["dryRun"], true, "{done}");
    assert_eq!(done["itemsCreated"], 1, "{done}");
    assert_eq!(done["itemsUpdated"], 1, "{done}");
    let changes = done["changes"].as_array().unwrap();
    let updated: Vec<&Value> = changes
        .iter()
        .filter(|c| c["action"] == "UPDATED")
        .collect();
    assert_eq!(updated.len(), 1, "{changes:?}");
    assert_eq!(updated[0]["entity"], "DATA_ITEM");
    assert_eq!(updated[0]["line"], line_of(office[0]));
    assert_eq!(updated[0]["columns"], json!(["item_name"]));
    let created: Vec<&Value> = changes
        .iter()
        .filter(|c| c["action"] == "CREATED")
        .collect();
    assert_eq!(created.len(), 1, "{changes:?}");
    assert!(
        created[0]["code"]
            .as_str()
            .unwrap()
            .ends_with("/CHAT-LUONG-KHONG-KHI")
    );
    assert_eq!(created[0]["line"], line_of(rows.len() - 1));
    // Every database and item of the file is listed once.
    let databases = changes.iter().filter(|c| c["entity"] == "DATABASE").count();
    assert!(
        databases > 5 && changes.len() == databases + rows.len(),
        "{}",
        changes.len()
    );
    // Nothing was written: not a row, not an audit entry.
    assert_eq!(app.digest().await, before);
    assert_eq!(app.audit_count().await, audit);

    // The same file for real does what the dry run said.
    let real = import(&app, "CSV", &edited).await;
    assert_eq!(real["data"]["importInventory"]["itemsCreated"], 1, "{real}");
    assert_eq!(real["data"]["importInventory"]["itemsUpdated"], 1, "{real}");
}

/// The steward's round trip: export in Vietnamese (the default), edit in Vietnamese with the
/// decree's terms (saved with Windows line endings, as Excel does), import; XLSX too. Errors
/// name the column as the file does.
#[tokio::test]
async fn a_vietnamese_inventory_round_trips_with_the_decrees_terms() {
    use sharegraph::domain::sheet;
    let app = TestApp::spawn().await;
    app.load_demo().await;
    let data = app
        .ok("{ inventory(format: CSV) { rows content } }", json!({}))
        .await;
    let rows = data["inventory"]["rows"].as_u64().unwrap();
    let csv = data["inventory"]["content"].as_str().unwrap().to_owned();
    assert!(
        csv.starts_with("\u{feff}Mã cơ quan,Mã cơ sở dữ liệu,Tên cơ sở dữ liệu,"),
        "{}",
        &csv[..200]
    );
    assert!(csv.contains(",Chia sẻ theo yêu cầu đặc thù,"));
    assert!(csv.contains(",không,"));
    // Unchanged, as exported: every row reads back.
    let done = import(&app, "CSV", &csv).await;
    assert_eq!(
        done["data"]["importInventory"]["itemsUnchanged"], rows,
        "{done}"
    );

    // The steward opens an open item to state agencies "by default" and renames another, in
    // Vietnamese, saved with CRLF.
    let table = sheet::read(
        csv.as_bytes(),
        sheet::Format::Csv,
        sheet::Limits::rows(1000),
    )
    .unwrap();
    let at = |name: &str| table.header.iter().position(|c| c == name).unwrap();
    let mut cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| r.cells().map(str::to_owned).collect())
        .collect();
    let open = cells
        .iter()
        .position(|r| {
            r[at("Hình thức chia sẻ (Công chúng)")] == "Dữ liệu mở"
                && r[at("Dữ liệu chủ")] == "không"
                && r[at("Danh mục dùng chung")] == "không"
        })
        .unwrap();
    cells[open][at("Hình thức chia sẻ (Cơ quan nhà nước)")] = "mặc định".into();
    cells[open + 1][at("Tên dữ liệu")] = "Tên đã sửa bằng tiếng Việt".into();
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let edited = String::from_utf8(sheet::write_csv(&header, &cells))
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let done = import(&app, "CSV", &edited).await;
    let done = &done["data"]["importInventory"];
    assert_eq!(done["itemsUpdated"], 2, "{done}");
    assert_eq!(done["itemsUnchanged"], rows - 2, "{done}");
    // The same file with LF endings (as other editors save it) with one more edit.
    cells[open + 2][at("Tên dữ liệu")] = "Tên sửa lần hai, tệp LF".into();
    let edited = String::from_utf8(sheet::write_csv(&header, &cells))
        .unwrap()
        .replace("\r\n", "\n");
    assert!(!edited.contains('\r'));
    let done = import(&app, "CSV", &edited).await;
    let done = &done["data"]["importInventory"];
    assert_eq!(done["itemsUpdated"], 1, "{done}");
    assert_eq!(done["itemsUnchanged"], rows - 1, "{done}");

    // A term that names no mode, on the fourth line of a CRLF file: the error names the
    // column as written and the line an editor shows.
    cells[2][at("Hình thức chia sẻ (Công chúng)")] = "công khai".into();
    let bad = String::from_utf8(sheet::write_csv(&header, &cells))
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let refused = import(&app, "CSV", &bad).await;
    let errors = &refused["errors"][0]["extensions"]["rowErrors"];
    assert_eq!(
        errors[0]["column"], "Hình thức chia sẻ (Công chúng)",
        "{refused}"
    );
    assert_eq!(errors[0]["line"], 4, "{refused}");
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("OPEN (Dữ liệu mở)"),
        "{refused}"
    );

    // XLSX in Vietnamese reads back unchanged.
    let data = app
        .ok(
            "{ inventory(format: XLSX, lang: VI) { rows content } }",
            json!({}),
        )
        .await;
    let done = import(&app, "XLSX", data["inventory"]["content"].as_str().unwrap()).await;
    assert_eq!(
        done["data"]["importInventory"]["itemsUnchanged"], rows,
        "{done}"
    );
}
