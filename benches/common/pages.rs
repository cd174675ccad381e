//! The pages the throughput and memory benches ask of a generated catalogue: Q1 (20
//! organizations → 20 databases → 20 items → 5 policies each), Q2 (a page of 100 items with
//! their database's name), Q3 (one database by code with its items' `totalCount`) and a depth-3
//! `downstream` walk from the item most derived from.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::global_id;

/// The pages, about the catalogue's largest database and its item most derived from.
pub async fn cases(db: &DatabaseConnection) -> Vec<Case> {
    let database_code: String = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT d.code FROM databases d JOIN data_items i ON i.database_id = d.id \
             GROUP BY d.code ORDER BY COUNT(*) DESC, d.code LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    // The item with the most derived from it, for the walk.
    let source: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT source_item_id FROM derivations GROUP BY source_item_id \
             ORDER BY COUNT(*) DESC, source_item_id LIMIT 1",
        ))
        .await
        .unwrap()
        .map_or(1, |r| r.try_get_by_index(0).unwrap());
    with(&database_code, &global_id("DataItem", source))
}

/// A query the clients send, and PostGraphile's text of the same page (same rows, same order).
pub struct Case {
    pub name: &'static str,
    pub query: String,
    pub peer: Option<String>,
}

fn with(database_code: &str, item: &str) -> Vec<Case> {
    vec![
        Case {
            name: "Q1 nested",
            query: "{ organizations(first: 20) { nodes { name databases(first: 20) { nodes { name items(first: 20) { nodes { name policies(first: 5) { nodes { consumerType mode } } } } } } } } }".into(),
            peer: Some("{ allOrganizations(first: 20, orderBy: [NAME_FOLDED_ASC, PRIMARY_KEY_ASC]) { nodes { name databasesByOwnerId(first: 20, orderBy: [NAME_FOLDED_ASC, PRIMARY_KEY_ASC]) { nodes { name dataItemsByDatabaseId(first: 20, orderBy: [NAME_FOLDED_ASC, PRIMARY_KEY_ASC]) { nodes { name sharingPoliciesByDataItemId(first: 5, orderBy: [CONSUMER_TYPE_ASC, PRIMARY_KEY_ASC]) { nodes { consumerType mode } } } } } } } } }".into()),
        },
        Case {
            name: "Q2 flat page",
            query: "{ dataItems(first: 100) { nodes { name database { name } } } }".into(),
            peer: Some("{ allDataItems(first: 100, orderBy: [NAME_FOLDED_ASC, PRIMARY_KEY_ASC]) { nodes { name databasisByDatabaseId { name } } } }".into()),
        },
        Case {
            name: "Q3 one database",
            query: format!(
                "{{ database(code: \"{database_code}\") {{ name items {{ totalCount }} }} }}"
            ),
            // PostGraphile names no field by a unique index (only by constraints).
            peer: Some(format!(
                "{{ allDatabases(condition: {{ code: \"{database_code}\" }}) {{ nodes {{ name dataItemsByDatabaseId {{ totalCount }} }} }} }}"
            )),
        },
        Case {
            name: "downstream",
            query: format!(
                "{{ dataItem(id: \"{item}\") {{ downstream(depth: 3) {{ totalCount nodes {{ degree item {{ name }} }} }} }} }}"
            ),
            // A recursive walk has no generated counterpart.
            peer: None,
        },
    ]
}
