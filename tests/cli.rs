//! The command line: tokens are created, listed and revoked, and `audit verify` reports a
//! broken chain with a failing exit status (run on a SQLite file of its own).

use std::process::{Command, Output};

fn run(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(args)
        .env("DATABASE_URL", db)
        .env("SHAREGRAPH_LOG", "error")
        .output()
        .expect("run sharegraph")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn tokens_and_audit_verify_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cli.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());

    // The first admin token needs no organization; it is printed once, alone on stdout.
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "Quản trị hệ thống",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let admin = text(&out.stdout).trim().to_owned();
    assert!(admin.starts_with("sg_") && admin.len() > 40, "{admin}");

    // A steward needs an organization that exists.
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "steward",
            "--org",
            "000.00.31.H57",
            "--name",
            "Cán bộ",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("000.00.31.H57"));

    // Load the demo (through the server's own write path) so the log has entries.
    let db = sea_orm::Database::connect(&url).await.unwrap();
    sharegraph::domain::demo::load(&db).await.unwrap();
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "steward",
            "--org",
            "000.01.39.H57",
            "--name",
            "Phòng TN&MT Nam Đông",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(&url, &["token", "list"]);
    let listing = text(&out.stdout);
    assert!(listing.contains("Quản trị hệ thống") && listing.contains("Phòng TN&MT Nam Đông"));
    assert!(!listing.contains(&admin), "tokens are never listed");
    let out = run(&url, &["token", "revoke", "2"]);
    assert!(out.status.success());
    let listing = text(&run(&url, &["token", "list"]).stdout);
    let revoked: Vec<&str> = listing
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(4).unwrap())
        .collect();
    assert_eq!(revoked[0], "-");
    assert_ne!(revoked[1], "-", "token 2 is revoked: {listing}");

    let out = run(&url, &["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("intact"));

    // Someone edits history by hand: verify fails and names the entry.
    sea_orm::ConnectionTrait::execute_unprepared(
        &db,
        "UPDATE audit_entries SET actor = 'ai đó' WHERE seq = 7",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let out = run(&url, &["audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("BROKEN at entry 7"),
        "{}",
        text(&out.stdout)
    );
}
