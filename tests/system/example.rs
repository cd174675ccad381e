//! The client example in `examples/portal_widget.rs`, run against a real server with the demo
//! catalogue.

#[allow(dead_code)]
#[path = "../../examples/portal_widget.rs"]
mod portal_widget;

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_widget_fetches_an_agencys_sharing_graph() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    let db =
        sharegraph::app::open_database(&sharegraph::config::Config::with_database(url.clone()))
            .await
            .unwrap();
    sharegraph::seed::demo::load(&db).await.unwrap();
    let labour = "000.04.39.H57";
    let token = sharegraph::access::token::create(
        &db,
        "Cổng thông tin",
        sharegraph::access::Role::Viewer,
        Some(labour),
        false,
    )
    .await
    .unwrap()
    .token;
    db.close().await.unwrap();
    let server = crate::process::start(&url, &[]);
    let endpoint = format!("http://{}/graphql", server.addr);

    let widget = portal_widget::fetch(&endpoint, Some(&token), labour)
        .await
        .unwrap();
    assert_eq!(
        widget.agency,
        "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông"
    );
    // The labour office receives citizens' data from the police and sends the poverty list
    // to the health office.
    assert!(
        widget
            .flows
            .iter()
            .any(|f| f.provider == "000.00.00.G08" && f.consumer == labour && f.by_default >= 1),
        "{widget:#?}"
    );
    assert!(
        widget
            .flows
            .iter()
            .any(|f| f.provider == labour && f.consumer == "000.08.39.H57"),
        "{widget:#?}"
    );
    assert!(widget.neighbours.iter().any(|(c, _)| c == "000.08.39.H57"));

    // Errors come back with their code; an unknown agency is said plainly.
    let err = portal_widget::fetch(&endpoint, Some("sg_khong_hop_le"), labour)
        .await
        .unwrap_err();
    assert!(err.starts_with("UNAUTHENTICATED"), "{err}");
    let err = portal_widget::fetch(&endpoint, Some(&token), "999.99.99.X00")
        .await
        .unwrap_err();
    assert!(err.contains("no organization"), "{err}");
}
