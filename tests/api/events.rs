//! `catalogueEvents`: what each subscriber receives, replay after a position, and the bound on
//! slow subscribers. Run on the schema directly (the WebSocket transport and two replicas are
//! covered by `tests/subscriptions.rs`).

use std::time::Duration;

use async_graphql::Executor;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::{Value, json};
use sharegraph::access::rate_limit::Key;
use sharegraph::access::{Caller, Role, token};

use crate::support::{Shared, TestApp, create_org, shared_item};

const EVENTS: &str = "subscription($where: CatalogueEventWhere, $after: Int) {
  catalogueEvents(where: $where, afterSeq: $after) {
    seq action change entityType entityId
    entity { id ... on Organization { name } ... on InformationSystem { name } }
    organization { name }
  }
}";

async fn caller(app: &TestApp, token: Option<&str>) -> Caller {
    match token {
        None => Caller::anonymous(),
        Some(t) => token::authenticate(&app.db, Some(format!("Bearer {t}").as_bytes()))
            .await
            .unwrap()
            .unwrap(),
    }
}

/// A subscription as `token`, started (its resolver has run) before it returns.
async fn subscribe(
    app: &TestApp,
    token: Option<&str>,
    variables: Value,
) -> BoxStream<'static, async_graphql::Response> {
    subscribe_with(app, token, EVENTS, variables).await
}

/// [`subscribe`] with a subscription of its own.
async fn subscribe_with(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> BoxStream<'static, async_graphql::Response> {
    let caller = caller(app, token).await;
    let mut request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    request.data = sharegraph::graphql::request_data(&app.db, &caller, &Key::of(&caller, None));
    let mut stream = app.engine.execute_stream(request, None).boxed();
    // The first poll runs the resolver, which registers with the feed.
    let started = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
    assert!(started.is_err(), "no event yet: {started:?}");
    stream
}

async fn next(stream: &mut BoxStream<'static, async_graphql::Response>) -> Value {
    let response = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .expect("the subscription goes on");
    serde_json::to_value(&response).unwrap()
}

/// Nothing more arrives for a while.
async fn quiet(stream: &mut BoxStream<'static, async_graphql::Response>) {
    let more = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(more.is_err(), "unexpected event: {more:?}");
}

async fn create_system(app: &TestApp, token: &str, owner: &str, code: &str) -> String {
    let data = app
        .ok_as(
            Some(token),
            "mutation($input: CreateInformationSystemInput!) { createInformationSystem(input: $input) { informationSystem { id } } }",
            json!({ "input": { "organizationId": owner, "code": code, "name": "Hệ thống thông tin đất đai" } }),
        )
        .await;
    data["createInformationSystem"]["informationSystem"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn subscribers_receive_what_they_may_see_as_it_happens() {
    let app = TestApp::spawn_with(|l| l.event_poll_ms = 50).await;
    let phong = create_org(
        &app,
        "H57.01",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let ubnd = create_org(
        &app,
        "H57.02",
        "Ủy ban nhân dân xã Hương Phú",
        "COMMUNE",
        None,
    )
    .await;
    let steward = app.token(Role::Steward, Some("H57.01")).await;

    let mut public = subscribe(&app, None, json!({})).await;
    let mut own = subscribe(
        &app,
        Some(&steward),
        json!({ "where": { "types": ["INFORMATION_SYSTEM"] } }),
    )
    .await;
    let mut other_org = subscribe(
        &app,
        None,
        json!({ "where": { "organizationIds": [ubnd] } }),
    )
    .await;

    // Information systems are the organization's own: its steward hears of them, the
    // public does not.
    let system = create_system(&app, &steward, &phong, "HT-DD").await;
    let e = next(&mut own).await;
    let e = &e["data"]["catalogueEvents"];
    assert_eq!(e["action"], "CREATED", "{e}");
    assert_eq!(e["change"], "CREATE");
    assert_eq!(e["entityType"], "INFORMATION_SYSTEM");
    assert_eq!(e["entityId"], system.as_str());
    assert_eq!(e["entity"]["name"], "Hệ thống thông tin đất đai");
    assert_eq!(
        e["organization"]["name"],
        "Phòng Tài nguyên và Môi trường huyện Nam Đông"
    );
    // The other organization's system stays hidden from this steward.
    create_system(&app, &app.admin.clone(), &ubnd, "HT-XA").await;
    quiet(&mut own).await;

    // Organizations are public: an update and a deletion reach the public subscriber; the
    // filtered one hears only of its organization.
    app.ok(
        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
        json!({ "input": { "id": phong, "phone": "0234 3886 001" } }),
    )
    .await;
    let e = next(&mut public).await;
    assert_eq!(e["data"]["catalogueEvents"]["action"], "UPDATED", "{e}");
    assert_eq!(
        e["data"]["catalogueEvents"]["entity"]["name"],
        "Phòng Tài nguyên và Môi trường huyện Nam Đông"
    );
    let first_seq = e["data"]["catalogueEvents"]["seq"].as_i64().unwrap();

    app.ok(
        "mutation($id: ID!) { deleteInformationSystem(input: { id: $id }) { deletedId } }",
        json!({ "id": system }),
    )
    .await;
    let e = next(&mut own).await;
    assert_eq!(e["data"]["catalogueEvents"]["action"], "DELETED", "{e}");
    assert_eq!(e["data"]["catalogueEvents"]["entity"], Value::Null);
    assert_eq!(e["data"]["catalogueEvents"]["entityId"], system.as_str());

    let other = create_org(
        &app,
        "H57.03",
        "Trường Tiểu học Hương Giang",
        "COMMUNE",
        None,
    )
    .await;
    app.ok(
        "mutation($id: ID!) { deleteOrganization(input: { id: $id }) { deletedId } }",
        json!({ "id": other }),
    )
    .await;
    let created = next(&mut public).await;
    assert_eq!(
        created["data"]["catalogueEvents"]["action"], "CREATED",
        "{created}"
    );
    let deleted = next(&mut public).await;
    assert_eq!(
        deleted["data"]["catalogueEvents"]["action"], "DELETED",
        "{deleted}"
    );
    assert_eq!(
        deleted["data"]["catalogueEvents"]["entityId"],
        other.as_str()
    );
    quiet(&mut public).await;
    // The public never heard of the information systems (created, deleted) in between.
    quiet(&mut other_org).await;

    // Replaying after a position gives what followed it, as the subscriber may see it.
    let mut replay = subscribe_after(&app, first_seq).await;
    for action in ["CREATED", "DELETED"] {
        let e = next(&mut replay).await;
        assert_eq!(e["data"]["catalogueEvents"]["action"], action, "{e}");
        assert_eq!(e["data"]["catalogueEvents"]["entityType"], "ORGANIZATION");
    }
}

async fn subscribe_after(app: &TestApp, seq: i64) -> BoxStream<'static, async_graphql::Response> {
    let caller = Caller::anonymous();
    let mut request = async_graphql::Request::new(EVENTS)
        .variables(async_graphql::Variables::from_json(json!({ "after": seq })));
    request.data = sharegraph::graphql::request_data(&app.db, &caller, &Key::of(&caller, None));
    app.engine.execute_stream(request, None).boxed()
}

#[tokio::test]
async fn a_slow_subscriber_is_cut_off_and_resumes_where_it_stopped() {
    let app = TestApp::spawn_with(|l| {
        l.event_buffer = 4;
        l.event_poll_ms = 50;
    })
    .await;
    let admin = app.admin.clone();
    let mut slow = subscribe(&app, Some(&admin), json!({})).await;
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(
            create_org(
                &app,
                &format!("H57.1{n}"),
                &format!("Thôn {n} xã Hương Lộc"),
                "COMMUNE",
                None,
            )
            .await,
        );
    }
    // Let the feed announce all ten before the subscriber reads.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cut = next(&mut slow).await;
    let err = &cut["errors"][0];
    assert_eq!(err["extensions"]["code"], "LAGGED", "{cut}");
    let last = err["extensions"]["lastSeq"].as_i64().unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(5), slow.next())
            .await
            .expect("ends")
            .is_none(),
        "the lagging subscription ends"
    );

    // Resuming from `lastSeq` delivers all ten, in order, and then live ones.
    let caller = caller(&app, Some(&admin)).await;
    let mut request = async_graphql::Request::new(EVENTS).variables(
        async_graphql::Variables::from_json(json!({ "after": last })),
    );
    request.data = sharegraph::graphql::request_data(&app.db, &caller, &Key::of(&caller, None));
    let mut resumed = app.engine.execute_stream(request, None).boxed();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let e = next(&mut resumed).await;
        seen.push(
            e["data"]["catalogueEvents"]["entityId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(seen, ids);
    let live = create_org(&app, "H57.20", "Thôn 20 xã Hương Lộc", "COMMUNE", None).await;
    let e = next(&mut resumed).await;
    assert_eq!(e["data"]["catalogueEvents"]["entityId"], live.as_str());
}

/// A socket outlives the request that authenticated it: a subscription started after its token
/// was revoked is refused, and replays nothing (the private events stay private).
#[tokio::test]
async fn a_revoked_token_cannot_start_a_subscription() {
    let app = TestApp::spawn_with(|l| l.event_poll_ms = 50).await;
    let phong = create_org(
        &app,
        "H57.01",
        "Phòng Tài nguyên và Môi trường huyện Nam Đông",
        "DISTRICT",
        None,
    )
    .await;
    let issued = token::create(&app.db, "Cán bộ", Role::Steward, Some("H57.01"), false)
        .await
        .unwrap();
    create_system(&app, &issued.token, &phong, "HT-01").await;
    // Authenticated while valid, as the socket was; revoked afterwards.
    let caller = caller(&app, Some(&issued.token)).await;
    token::revoke(&app.db, issued.row.id).await.unwrap();
    let mut request = async_graphql::Request::new(EVENTS)
        .variables(async_graphql::Variables::from_json(json!({ "after": 0 })));
    request.data = sharegraph::graphql::request_data(&app.db, &caller, &Key::of(&caller, None));
    let mut stream = app.engine.execute_stream(request, None).boxed();
    let first = next(&mut stream).await;
    assert_eq!(
        first["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{first}"
    );
    assert!(first["data"].is_null(), "{first}");
    let more = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(matches!(more, Ok(None)), "the subscription ended: {more:?}");
}

/// Each condition of `where` lets through what it names, not merely less: `actions` only those
/// actions, `organizationIds` that organization's changes, `violationsOnly` the batches of
/// reported uses with a violation in them.
#[tokio::test]
async fn event_filters_let_through_exactly_what_they_name() {
    let app = TestApp::spawn_with(|l| l.event_poll_ms = 50).await;
    let Shared {
        a: office,
        b: consumer,
        share,
        ..
    } = shared_item(&app, Some("2026-01-01")).await;
    let admin = app.admin.clone();
    let mut deletions = subscribe(
        &app,
        Some(&admin),
        json!({ "where": { "actions": ["DELETED"] } }),
    )
    .await;
    let mut of_consumer = subscribe(
        &app,
        Some(&admin),
        json!({ "where": { "organizationIds": [consumer] } }),
    )
    .await;
    let mut violations = subscribe_with(
        &app,
        Some(&admin),
        "subscription($where: CatalogueEventWhere) { catalogueEvents(where: $where) { action usageEvents violations } }",
        json!({ "where": { "violationsOnly": true } }),
    )
    .await;

    // Created, updated, then deleted: only the deletion passes `actions`.
    let school = create_org(&app, "H57.09", "Trường Mầm non Hương Hữu", "COMMUNE", None).await;
    app.ok(
        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
        json!({ "input": { "id": school, "phone": "0234 3886 009" } }),
    )
    .await;
    app.ok(
        "mutation($id: ID!) { deleteOrganization(input: { id: $id }) { deletedId } }",
        json!({ "id": school }),
    )
    .await;
    let e = next(&mut deletions).await;
    assert_eq!(e["data"]["catalogueEvents"]["action"], "DELETED", "{e}");
    assert_eq!(e["data"]["catalogueEvents"]["entityId"], school.as_str());

    // The consumer's own change passes `organizationIds`; the office's does not.
    for (org, phone) in [(&office, "0234 3886 001"), (&consumer, "0234 3886 002")] {
        app.ok(
            "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "id": org, "phone": phone } }),
        )
        .await;
    }
    let e = next(&mut of_consumer).await;
    assert_eq!(e["data"]["catalogueEvents"]["action"], "UPDATED", "{e}");
    assert_eq!(e["data"]["catalogueEvents"]["entityId"], consumer.as_str());
    // (The share made before this subscription opened is not replayed.)
    quiet(&mut of_consumer).await;

    // A lawful batch, then one with a use before the share began: only the second passes
    // `violationsOnly`.
    let steward = app.token(Role::Steward, Some("000.00.31.H57")).await;
    for at in ["2026-03-02T03:00:00Z", "2025-12-31T03:00:00Z"] {
        app.ok_as(
            Some(&steward),
            "mutation($input: RecordAccessEventsInput!) { recordAccessEvents(input: $input) { recorded } }",
            json!({ "input": { "events": [{ "shareId": share, "occurredAt": at, "operation": "QUERY",
                                             "recordCount": 3, "purpose": "Chứng thực hợp đồng" }] } }),
        )
        .await;
    }
    let e = next(&mut violations).await;
    assert_eq!(
        e["data"]["catalogueEvents"],
        json!({ "action": "USAGE_RECORDED", "usageEvents": 1, "violations": 1 })
    );

    // Nothing else came through: not the lawful batch, not any of the changes above.
    quiet(&mut deletions).await;
    quiet(&mut violations).await;
}
