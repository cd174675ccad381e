//! Compiled reads answer exactly what the resolvers answer: the same query, over the same rows,
//! to an app that compiles it and to one that resolves it field by field.

use serde_json::{Value, json};
use sharegraph::access::Role;
use sharegraph::graphql::compiled::{SHAPES, Shape};

use crate::support::TestApp;

/// The top-level list of each declared type.
fn root_field(shape: &Shape) -> &'static str {
    match shape.type_name {
        "Organization" => "organizations",
        "Database" => "databases",
        "DataItem" => "dataItems",
        "SharingPolicy" => "sharingPolicies",
        "DataService" => "dataServices",
        "FocalPoint" => "focalPoints",
        other => panic!("no top-level list is known for {other}"),
    }
}

/// The top-level lookup of each declared type, and whether it takes a `code`.
fn lookup_field(shape: &Shape) -> (&'static str, bool) {
    match shape.type_name {
        "Organization" => ("organization", true),
        "Database" => ("database", true),
        "DataItem" => ("dataItem", false),
        "SharingPolicy" => ("sharingPolicy", false),
        "DataService" => ("dataService", true),
        "FocalPoint" => ("focalPoint", false),
        other => panic!("no top-level lookup is known for {other}"),
    }
}

/// Every declared field of `shape`, with its lists and relations `depth` levels down.
fn selection(shape: &Shape, depth: usize) -> String {
    let mut out: Vec<String> = vec!["__typename".into()];
    out.extend(shape.leaves.iter().map(|(field, _, _)| (*field).to_owned()));
    if depth > 0 {
        for list in shape.lists {
            out.push(format!(
                "{}(first: 3) {{ totalCount nodes {{ {} }} }}",
                list.field,
                selection(list.shape, depth - 1)
            ));
        }
        for one in shape.ones {
            out.push(format!(
                "{} {{ {} }}",
                one.field,
                selection(one.shape, depth - 1)
            ));
        }
    }
    out.join(" ")
}

struct Pair {
    compiled: TestApp,
    resolved: TestApp,
    tokens: Vec<Option<String>>,
}

async fn pair() -> Pair {
    let compiled = TestApp::spawn().await;
    compiled.load_demo().await;
    let resolved = compiled.beside(|limits| limits.compiled_reads = false);
    let data = compiled
        .ok(
            "{ organizations(first: 100) { nodes { code databases(first: 1) { totalCount } } } }",
            json!({}),
        )
        .await;
    // An organization that holds databases, so that its token sees unpublished items.
    let org = data["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["databases"]["totalCount"].as_i64() > Some(0))
        .map(|o| o["code"].as_str().unwrap().to_owned())
        .unwrap();
    let viewer = compiled.token(Role::Viewer, Some(&org)).await;
    let admin = compiled.admin.clone();
    Pair {
        compiled,
        resolved,
        tokens: vec![None, Some(viewer), Some(admin)],
    }
}

impl Pair {
    /// Asks both apps; the answers must be the same text (the compiled one is written from
    /// the database's document, not from values), and the compiled one must have taken
    /// `statements` statements (the token's check included) when given.
    async fn same(&self, query: &str, variables: Value, statements: Option<usize>) {
        for token in &self.tokens {
            let token = token.as_deref();
            self.compiled.take_statement_count();
            let compiled = self
                .compiled
                .post_answer_as(token, query, variables.clone())
                .await;
            let taken = self.compiled.take_statement_count();
            let resolved = self
                .resolved
                .post_answer_as(token, query, variables.clone())
                .await;
            assert_eq!(compiled.text, resolved.text, "{query} as {token:?}");
            let compiled = compiled.body;
            assert!(
                compiled.get("errors").is_none(),
                "{query} as {token:?}: {compiled:#}"
            );
            if let Some(n) = statements {
                let n = n + usize::from(token.is_some());
                assert_eq!(taken, n, "{query} as {token:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_compiled_read_answers_as_the_resolvers_do() {
    let pair = pair().await;
    for shape in SHAPES {
        let root = root_field(shape);
        let query = format!(
            "{{ {root}(first: 50) {{ __typename totalCount nodes {{ {} }} }} }}",
            selection(shape, 3)
        );
        pair.same(&query, json!({}), Some(1)).await;
        // The edges form, and aliases.
        let query = format!(
            "{{ list: {root}(first: 5) {{ edges {{ __typename node {{ key: id {} }} }} }} }}",
            selection(shape, 1)
        );
        pair.same(&query, json!({}), Some(1)).await;
    }
}

#[tokio::test]
async fn a_compiled_read_keeps_the_top_lists_arguments() {
    let pair = pair().await;
    let nested = "databases(first: $n) { nodes { name items { totalCount nodes { name policies(first: 2) { nodes { mode } } } } } }";
    let cursor = pair
        .resolved
        .ok(
            "{ organizations(first: 2) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await["organizations"]["pageInfo"]["endCursor"]
        .clone();
    let cases = [
        // A filter, an order, a cursor, an empty page, a variable page size.
        format!(
            "query($n: Int) {{ organizations(where: {{ name: {{ contains: \"Sở\" }} }}, first: 10) {{ nodes {{ name {nested} }} }} }}"
        ),
        format!(
            "query($n: Int) {{ organizations(orderBy: [{{ field: NAME, direction: DESC }}]) {{ totalCount nodes {{ code {nested} }} }} }}"
        ),
        format!(
            "query($n: Int) {{ organizations(after: {cursor}, first: 3) {{ nodes {{ code {nested} }} }} }}"
        ),
        format!("query($n: Int) {{ organizations(first: 0) {{ totalCount nodes {{ {nested} }} }} }}"),
        "{ dataItems(where: { isPersonalData: { eq: true } }, first: 100) { totalCount nodes { code isPersonalData database { code } } } }".to_owned(),
    ];
    for query in &cases {
        pair.same(query, json!({ "n": 2 }), Some(1)).await;
    }
    // A variable not sent: its default, or null (the default page size).
    pair.same(&cases[0], json!({}), Some(1)).await;
    let defaulted = cases[1].replace("query($n: Int)", "query($n: Int = 1)");
    pair.same(&defaulted, json!({}), Some(1)).await;
}

#[tokio::test]
async fn what_a_compiled_read_does_not_cover_is_resolved_as_before() {
    let pair = pair().await;
    let cases = [
        // pageInfo and cursors, a backward page, a nested argument other than `first`, a
        // fragment, a directive, a field not declared.
        "{ organizations(first: 2) { pageInfo { hasNextPage } nodes { code } } }",
        "{ organizations(first: 2) { edges { cursor node { code } } } }",
        "{ organizations(last: 2) { nodes { code } } }",
        "{ organizations(first: 5) { nodes { databases(orderBy: [{ field: NAME, direction: DESC }]) { nodes { code } } } } }",
        "{ organizations(first: 5) { nodes { ... on Organization { code } } } }",
        "{ organizations(first: 5) { nodes { code @include(if: true) } } }",
        "{ organizations(first: 5) { nodes { code parent { code } } } }",
    ];
    for query in cases {
        pair.same(query, json!({}), None).await;
    }
    // A page too large is refused as the resolvers refuse it.
    let too_large =
        "{ organizations(first: 2) { nodes { databases(first: 1000) { nodes { code } } } } }";
    let compiled = pair.compiled.post_as(None, too_large, json!({})).await;
    let resolved = pair.resolved.post_as(None, too_large, json!({})).await;
    assert_eq!(compiled, resolved);
    assert_eq!(
        compiled["errors"][0]["extensions"]["code"],
        "LIMIT_EXCEEDED"
    );
}

#[tokio::test]
async fn a_compiled_lookup_answers_as_the_resolvers_do() {
    let pair = pair().await;
    for shape in SHAPES {
        let (list, (one, by_code)) = (root_field(shape), lookup_field(shape));
        let code = if by_code { "code" } else { "" };
        let data = pair
            .compiled
            .ok(
                &format!("{{ {list}(first: 100) {{ nodes {{ id {code} }} }} }}"),
                json!({}),
            )
            .await;
        let nodes = data[list]["nodes"].as_array().unwrap();
        assert!(!nodes.is_empty(), "{list}");
        // Rows every caller sees and rows only some do (unpublished items, their policies).
        let picked = nodes.iter().take(3).chain(nodes.iter().rev().take(3));
        let fields = selection(shape, 2);
        for node in picked {
            let query = format!("{{ {one}(id: {}) {{ {fields} }} }}", node["id"]);
            pair.same(&query, json!({}), None).await;
            // Found by the admin: the token and one statement.
            pair.compiled.take_statement_count();
            let answer = pair.compiled.ok(&query, json!({})).await;
            assert!(answer[one].is_object(), "{query}");
            assert_eq!(pair.compiled.take_statement_count(), 1 + 1, "{query}");
            if by_code {
                let exact = node["code"].as_str().unwrap();
                for code in [exact.to_owned(), exact.to_lowercase(), "KHÔNG-CÓ".into()] {
                    let query = format!("{{ {one}(code: {code:?}) {{ {fields} }} }}");
                    pair.same(&query, json!({}), None).await;
                }
            }
        }
        // No such row: null, as the resolver answers.
        let missing = format!(
            "{{ {one}(id: \"{}\") {{ id }} }}",
            global_id(shape, 987_654)
        );
        pair.same(&missing, json!({}), None).await;
    }
}

/// A global id as the server writes it (`base64url("Type:id")`).
fn global_id(shape: &Shape, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{id}", shape.type_name))
}

/// Compiled answers are written into the response in their fields' places, beside fields
/// answered as values, and a batch (answered as values) says the same.
#[tokio::test]
async fn compiled_answers_keep_their_place_among_other_fields() {
    let pair = pair().await;
    let code = pair
        .compiled
        .ok("{ databases(first: 1) { nodes { code } } }", json!({}))
        .await["databases"]["nodes"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let query = format!(
        "{{ __typename first: organizations(first: 2) {{ nodes {{ code name }} }} one: database(code: {code:?}) {{ name items(first: 2) {{ nodes {{ name }} }} }} none: database(code: \"KHÔNG-CÓ\") {{ name }} count: dataItems {{ totalCount }} }}"
    );
    pair.same(&query, json!({}), None).await;
    let single = pair.compiled.post_as(None, &query, json!({})).await;
    let batch = json!([{ "query": query }, { "query": query }]).to_string();
    let request = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(batch))
        .unwrap();
    let answered = pair.compiled.http(request).await.body;
    assert_eq!(answered, json!([single, single]));
    assert!(single["data"]["one"]["name"].is_string(), "{single:#}");
    assert!(single["data"]["none"].is_null(), "{single:#}");
}
