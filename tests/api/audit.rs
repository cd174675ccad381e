//! The audit log: one entry per changed row, written with the change, hash-chained, readable
//! by admins (all) and stewards (their organization's), and checked by `audit verify`.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use sharegraph::access::Role;
use sharegraph::domain::audit;

use crate::support::{TestApp, code, create_db, create_org, nam_dong_office};

const ENTRIES: &str = "query($where: AuditEntryWhere) { auditLog(where: $where, first: 100) {
    totalCount nodes { seq actor actorRole action entityType entityId organization { code } before after prevHash hash } } }";

#[tokio::test]
async fn every_change_is_logged_with_its_actor_and_values() {
    let app = TestApp::spawn().await;
    let org = nam_dong_office(&app).await;
    let other = crate::support::tu_phap_office(&app).await;
    let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
    let data = app
        .ok_as(
            Some(&steward),
            "mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }",
            json!({ "input": { "code": "DB-DATDAI", "name": "Cơ sở dữ liệu đất đai", "kind": "LOCAL", "organizationId": org } }),
        )
        .await;
    let db = data["createDatabase"]["database"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok_as(
        Some(&steward),
        "mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }",
        json!({ "input": { "id": db, "name": "Cơ sở dữ liệu đất đai huyện Nam Đông" } }),
    )
    .await;
    app.ok_as(
        Some(&steward),
        "mutation($input: DeleteInput!) { deleteDatabase(input: $input) { deletedId } }",
        json!({ "input": { "id": db } }),
    )
    .await;
    create_db(&app, "DB-HOTICH", "Cơ sở dữ liệu hộ tịch", &other).await;

    // The admin reads everything: two organizations, three changes to the database, one more.
    let log = app.ok(ENTRIES, json!({})).await["auditLog"].clone();
    assert_eq!(log["totalCount"], 6);
    let nodes = log["nodes"].as_array().unwrap();
    let seqs: Vec<i64> = nodes.iter().map(|n| n["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    for pair in nodes.windows(2) {
        assert_eq!(
            pair[1]["prevHash"], pair[0]["hash"],
            "each entry chains to the one before"
        );
    }
    let (create, update, delete) = (&nodes[2], &nodes[3], &nodes[4]);
    assert_eq!(
        (create["action"].as_str(), create["entityType"].as_str()),
        (Some("CREATE"), Some("Database"))
    );
    assert!(create["before"].is_null());
    assert_eq!(create["after"]["name"], "Cơ sở dữ liệu đất đai");
    assert_eq!(create["actorRole"], "STEWARD");
    assert_eq!(create["entityId"], db);
    assert_eq!(create["organization"]["code"], "000.00.31.H57");
    assert_eq!(update["before"]["name"], "Cơ sở dữ liệu đất đai");
    assert_eq!(
        update["after"]["name"],
        "Cơ sở dữ liệu đất đai huyện Nam Đông"
    );
    assert_eq!(update["after"]["version"], 2);
    assert_eq!(delete["action"], "DELETE");
    assert!(delete["after"].is_null());
    assert_eq!(delete["before"]["version"], 2);

    // The steward reads its own organization's entries only; a viewer and the public read none.
    let own = app.ok_as(Some(&steward), ENTRIES, json!({})).await["auditLog"].clone();
    let codes: Vec<&str> = own["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["organization"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes, ["000.00.31.H57"; 4],
        "the organization's own record and its database's three changes"
    );
    let viewer = app.token(Role::Viewer, Some("000.00.31.H57")).await;
    for token in [Some(viewer.as_str()), None] {
        let log = app.ok_as(token, ENTRIES, json!({})).await;
        assert_eq!(log["auditLog"]["totalCount"], 0);
    }
    // Filters.
    let deletes = app
        .ok(
            ENTRIES,
            json!({ "where": { "action": { "eq": "DELETE" } } }),
        )
        .await;
    assert_eq!(deletes["auditLog"]["totalCount"], 1);
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        audit::Verdict {
            entries: 6,
            broken: None
        }
    );
}

#[tokio::test]
async fn a_refused_or_failed_mutation_writes_nothing() {
    let app = TestApp::spawn().await;
    nam_dong_office(&app).await;
    let before = audit::verify(&app.db).await.unwrap();
    // A duplicate code is refused by a rule after the write began: nothing of it stays.
    let err = app
        .err(
            "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "code": "000.00.31.H57", "name": "Trùng mã", "level": "DISTRICT" } }),
        )
        .await;
    assert_eq!(code(&err), "CONFLICT");
    assert_eq!(audit::verify(&app.db).await.unwrap(), before);
}

async fn exec(app: &TestApp, sql: &str) {
    app.db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap();
}

#[tokio::test]
async fn verify_names_the_first_broken_entry() {
    let app = TestApp::spawn().await;
    for (i, name) in [
        "Xã Hương Phú",
        "Xã Hương Sơn",
        "Xã Thượng Lộ",
        "Xã Thượng Nhật",
    ]
    .iter()
    .enumerate()
    {
        create_org(&app, &format!("000.00.4{i}.H57"), name, "COMMUNE", None).await;
    }
    assert_eq!(audit::verify(&app.db).await.unwrap().broken, None);

    // Editing an entry's values breaks that entry.
    exec(
        &app,
        "UPDATE audit_entries SET after = REPLACE(after, 'Hương Sơn', 'Hương Hòa') WHERE seq = 2",
    )
    .await;
    let verdict = audit::verify(&app.db).await.unwrap();
    assert_eq!(verdict.broken.as_ref().map(|b| b.0), Some(2), "{verdict:?}");
    assert_eq!(verdict.entries, 1);

    // Rewriting its hash too moves the break to the next entry, which chained to the old hash.
    exec(
        &app,
        "UPDATE audit_entries SET hash = 'f' || SUBSTR(hash, 2) WHERE seq = 2",
    )
    .await;
    let verdict = audit::verify(&app.db).await.unwrap();
    assert_eq!(verdict.broken.as_ref().map(|b| b.0), Some(2));

    // An entry edited with its own hash recomputed passes its content check; only the link
    // from the entry after it, which chained to the old hash, finds it.
    let app = TestApp::spawn().await;
    for (i, name) in ["Xã Hương Phú", "Xã Hương Sơn", "Xã Thượng Lộ"]
        .iter()
        .enumerate()
    {
        create_org(&app, &format!("000.00.6{i}.H57"), name, "COMMUNE", None).await;
    }
    let mut forged = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::audit_entry::Entity::find()
            .filter(entity::audit_entry::Column::Seq.eq(2))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    forged.after = forged.after.map(|a| a.replace("Hương Sơn", "Hương Hòa"));
    forged.hash = audit::hash_of(&forged);
    exec(
        &app,
        &format!(
            "UPDATE audit_entries SET after = '{}', hash = '{}' WHERE seq = 2",
            forged.after.as_deref().unwrap().replace('\'', "''"),
            forged.hash
        ),
    )
    .await;
    let verdict = audit::verify(&app.db).await.unwrap();
    let (seq, why) = verdict.broken.clone().expect("the forgery is found");
    assert_eq!(seq, 3, "{verdict:?}");
    assert!(why.contains("does not chain"), "{why}");
    assert_eq!(verdict.entries, 2);

    // Deleting an entry is found where the gap is.
    let app = TestApp::spawn().await;
    for (i, name) in ["Xã Hương Phú", "Xã Hương Sơn", "Xã Thượng Lộ"]
        .iter()
        .enumerate()
    {
        create_org(&app, &format!("000.00.5{i}.H57"), name, "COMMUNE", None).await;
    }
    exec(&app, "DELETE FROM audit_entries WHERE seq = 2").await;
    let verdict = audit::verify(&app.db).await.unwrap();
    assert_eq!(verdict.broken.as_ref().map(|b| b.0), Some(2), "{verdict:?}");
    // Deleting the last entry is found against the chain head.
    exec(&app, "DELETE FROM audit_entries WHERE seq >= 2").await;
    let verdict = audit::verify(&app.db).await.unwrap();
    assert_eq!(verdict.broken.as_ref().map(|b| b.0), Some(2), "{verdict:?}");
}
