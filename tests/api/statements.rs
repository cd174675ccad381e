//! No N+1: a nested listing costs one statement per level, whatever the number of rows.

use serde_json::json;
use sharegraph::access::Caller;
use sharegraph::domain::write::Tx;
use sharegraph::domain::{
    self, data_item, data_service, database, organization, share, sharing_policy,
};

use crate::support::TestApp;
use entity::enums::{
    AdministrativeLevel, ConsumerType, DatabaseKind, DatabaseStatus, Platform, ServiceMethod,
    ServiceStatus, ShareStatus, SharingMode, UpdateFrequency,
};

const ORGS: usize = 55;

async fn seed(app: &TestApp) {
    let system = Caller::system();
    let mut tx = Tx::begin(&app.db, &system).await.unwrap();
    let mut org_ids = Vec::new();
    let mut items_of: Vec<Vec<i64>> = Vec::new();
    for o in 0..ORGS {
        let org = domain::create_in::<organization::Organization>(
            &mut tx,
            organization::Fields {
                code: format!("{o:03}.00.39.H57"),
                name: format!("Ủy ban nhân dân xã số {o}"),
                short_name: None,
                level: Some(AdministrativeLevel::Commune),
                consumer_type: ConsumerType::StateAgency,
                parent_id: None,
                address: None,
                email: None,
                phone: None,
                website: None,
                description: None,
            },
        )
        .await
        .unwrap();
        org_ids.push(org.id);
        items_of.push(Vec::new());
        for d in 0..2 {
            let db = domain::create_in::<database::Database>(
                &mut tx,
                database::Fields {
                    code: format!("DB-{o}-{d}"),
                    name: format!("Cơ sở dữ liệu {d} của xã {o}"),
                    kind: DatabaseKind::Local,
                    owner_id: org.id,
                    system_id: None,
                    purpose: None,
                    scope: None,
                    content: None,
                    collection_method: None,
                    update_frequency: UpdateFrequency::Monthly,
                    data_sources: None,
                    legal_basis: None,
                    usage_rules: None,
                    status: DatabaseStatus::Operating,
                },
            )
            .await
            .unwrap();
            for i in 0..2 {
                let item = domain::create_in::<data_item::DataItem>(
                    &mut tx,
                    data_item::Fields {
                        database_id: db.id,
                        code: format!("ITEM-{i}"),
                        name: format!("Hạng mục {i}"),
                        description: None,
                        is_master_data: false,
                        is_shared_code_list: false,
                        is_personal_data: false,
                    },
                )
                .await
                .unwrap();
                items_of[o].push(item.id);
                for (consumer, mode) in [
                    (ConsumerType::StateAgency, SharingMode::Default),
                    (ConsumerType::Enterprise, SharingMode::OnRequest),
                    (ConsumerType::Public, SharingMode::Open),
                ] {
                    domain::create_in::<sharing_policy::SharingPolicy>(
                        &mut tx,
                        sharing_policy::Fields {
                            data_item_id: item.id,
                            consumer_type: consumer,
                            mode,
                            conditions: None,
                            legal_basis: None,
                        },
                    )
                    .await
                    .unwrap();
                }
            }
        }
    }
    // Each organization publishes one service with its items, each shared with the next
    // organization through it.
    for (o, org) in org_ids.iter().enumerate() {
        let service = domain::create_in::<data_service::DataService>(
            &mut tx,
            data_service::Fields {
                code: format!("SV-{o}"),
                name: format!("Dịch vụ chia sẻ {o}"),
                provider_id: *org,
                method: ServiceMethod::OnlineService,
                protocol: None,
                endpoint: None,
                platform: Platform::Lgsp,
                service_version: None,
                status: ServiceStatus::Published,
                published_on: None,
                description: None,
                input_description: None,
                output_description: None,
                standard: None,
                conditions_of_use: None,
                availability: None,
                contact_id: None,
            },
        )
        .await
        .unwrap();
        data_service::set_items(&mut tx, &service, items_of[o].clone())
            .await
            .unwrap();
        for item in &items_of[o] {
            domain::create_in::<share::Share>(
                &mut tx,
                share::Fields {
                    data_item_id: *item,
                    consumer_id: org_ids[(o + 1) % ORGS],
                    mode: None,
                    service_id: Some(service.id),
                    purpose: None,
                    legal_basis: None,
                    valid_from: None,
                    valid_until: None,
                    status: ShareStatus::Active,
                    status_reason: None,
                    agreement_id: None,
                    request_id: None,
                },
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn nested_listing_costs_one_statement_per_level() {
    let compiled = TestApp::spawn().await;
    seed(&compiled).await;
    // The loaders' path, which every selection a compiled read does not cover takes.
    let app = compiled.beside(|limits| limits.compiled_reads = false);
    let nested = r#"{
        organizations(first: 100) {
            edges { node { code
                databases(first: 10) { nodes { code
                    items(first: 10) { nodes { code
                        policies(first: 10) { nodes { consumerType mode } }
                    } }
                } }
            } }
        }
    }"#;
    app.take_statement_count();
    let data = app.ok(nested, json!({})).await;
    let statements = app.take_statement_count();

    let orgs = data["organizations"]["edges"].as_array().unwrap();
    assert_eq!(orgs.len(), ORGS);
    let dbs: Vec<_> = orgs
        .iter()
        .flat_map(|o| o["node"]["databases"]["nodes"].as_array().unwrap())
        .collect();
    let items: Vec<_> = dbs
        .iter()
        .flat_map(|d| d["items"]["nodes"].as_array().unwrap())
        .collect();
    let policies: Vec<_> = items
        .iter()
        .flat_map(|i| i["policies"]["nodes"].as_array().unwrap())
        .collect();
    assert_eq!((dbs.len(), items.len(), policies.len()), (110, 220, 660));
    assert_eq!(
        statements,
        1 + 4,
        "the token's lookup, then one statement per level (organizations, databases, items, policies)"
    );

    // totalCount and a back-reference add one batched statement each, not one per row.
    let back_references = r#"{
        organizations(first: 100) {
            totalCount
            nodes { databases(first: 10) { totalCount nodes { organization { code } items(first: 10) { totalCount nodes { database { code } } } } } }
        }
    }"#;
    app.take_statement_count();
    app.ok(back_references, json!({})).await;
    let statements = app.take_statement_count();
    // The token, organizations (page + count), databases (page with their organizations
    // joined, + count), items (page with their databases joined, + count): the
    // back-references cost no statement of their own.
    assert_eq!(statements, 1 + 6, "{statements} statements");

    // Asking only for counts reads no page: the token, organizations (page), databases'
    // counts, then no more.
    let query = r#"{ organizations(first: 100) { nodes { databases { totalCount } } } }"#;
    app.take_statement_count();
    let data = app.ok(query, json!({})).await;
    let statements = app.take_statement_count();
    let counts: Vec<i64> = data["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["databases"]["totalCount"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.len(), ORGS);
    assert_eq!(counts.iter().sum::<i64>(), 110);
    assert_eq!(statements, 1 + 2, "{statements} statements");

    // Compiled, each of these is the token and one statement, with the same answer.
    for query in [nested, back_references, query] {
        let by_loaders = app.ok(query, json!({})).await;
        compiled.take_statement_count();
        assert_eq!(compiled.ok(query, json!({})).await, by_loaders, "{query}");
        assert_eq!(compiled.take_statement_count(), 1 + 1, "{query}");
    }
}

#[tokio::test]
async fn sharing_graph_listing_costs_one_statement_per_level() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let query = r#"{
        organizations(first: 100) { nodes {
            dataServices(first: 10) { nodes {
                items(first: 10) { nodes {
                    shares(first: 10) { nodes { mode consumer { code } } }
                } }
            } }
        } }
    }"#;
    app.take_statement_count();
    let data = app.ok(query, json!({})).await;
    let statements = app.take_statement_count();
    let consumers: usize = data["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["dataServices"]["nodes"].as_array().unwrap())
        .flat_map(|s| s["items"]["nodes"].as_array().unwrap())
        .map(|i| i["shares"]["nodes"].as_array().unwrap().len())
        .sum();
    assert_eq!(consumers, ORGS * 4);
    assert_eq!(
        statements,
        1 + 4,
        "the token, organizations, services, items, shares with their consumers joined"
    );
}

#[tokio::test]
async fn a_followed_relation_is_read_with_its_page() {
    let compiled = TestApp::spawn().await;
    seed(&compiled).await;
    let app = compiled.beside(|limits| limits.compiled_reads = false);
    for query in [
        "{ dataItems(first: 100) { nodes { code database { code organization { code } } } } }",
        "{ dataItems(first: 100) { edges { node { code database { code } } } } }",
    ] {
        app.take_statement_count();
        let data = app.ok(query, json!({})).await;
        let statements = app.take_statement_count();
        let page = &data["dataItems"];
        let rows = page["nodes"]
            .as_array()
            .or(page["edges"].as_array())
            .unwrap();
        assert_eq!(rows.len(), 100);
        // The items with their databases joined, then (first query) the databases'
        // organizations by id: a relation of a joined row is read by the loader.
        let expected = if query.contains("organization") { 3 } else { 2 };
        assert_eq!(statements, expected, "the token, then {query}");
    }
}

/// A mutation's fields run one after another and may change a row an earlier field read, so
/// its pages join nothing: a relation read after a write reads the row as written.
#[tokio::test]
async fn a_mutation_reads_relations_as_its_writes_left_them() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let data = app
        .ok(
            "{ dataItems(first: 1) { nodes { id database { id } } } }",
            json!({}),
        )
        .await;
    let item = &data["dataItems"]["nodes"][0];
    let query = r#"mutation($db: ID!, $item: ID!) {
        a: updateDatabase(input: { id: $db, name: "Cơ sở dữ liệu đất đai huyện Nam Đông" }) {
            database { items(first: 5) { nodes { database { name } } } }
        }
        b: updateDatabase(input: { id: $db, name: "Cơ sở dữ liệu hộ nghèo huyện Nam Đông" }) {
            database { name }
        }
        c: updateDataItem(input: { id: $item, description: "Cập nhật hằng quý" }) {
            dataItem { database { name } }
        }
    }"#;
    let data = app
        .ok(
            query,
            json!({ "db": item["database"]["id"], "item": item["id"] }),
        )
        .await;
    assert_eq!(
        data["a"]["database"]["items"]["nodes"][0]["database"]["name"],
        "Cơ sở dữ liệu đất đai huyện Nam Đông"
    );
    assert_eq!(
        data["c"]["dataItem"]["database"]["name"],
        "Cơ sở dữ liệu hộ nghèo huyện Nam Đông"
    );
}
