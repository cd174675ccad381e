//! The command line: tokens are created, listed and revoked, and `audit verify` reports a
//! broken chain with a failing exit status (run on a SQLite file of its own).

use std::process::Command;

use crate::process::{drop_pg_database, fresh_pg_database, postgres_url, sharegraph as run};

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
    // A command says what went wrong in one line, without the server's logs.
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    // Migrating a new file logs at INFO, yet a command shows none of it...
    let quiet = run(
        &format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("quiet.db").display()
        ),
        &["migrate", "--log", "info"],
    );
    assert_eq!(text(&quiet.stdout).trim(), "migrations applied");
    assert!(text(&quiet.stderr).is_empty(), "{}", text(&quiet.stderr));
    // ...unless asked for.
    let verbose = run(
        &format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("verbose.db").display()
        ),
        &["migrate", "--verbose", "--log", "info"],
    );
    assert!(
        text(&verbose.stderr).contains("INFO"),
        "{}",
        text(&verbose.stderr)
    );

    // Load the demo (through the server's own write path) so the log has entries.
    let db = sea_orm::Database::connect(&url).await.unwrap();
    sharegraph::seed::demo::load(&db).await.unwrap();
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "steward",
            // Agency codes are found in any case.
            "--org",
            "000.03.39.h57",
            "--name",
            "Phòng TN&MT Nam Đông",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A district-wide read-only token: the district and everything below it.
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "viewer",
            "--org",
            "000.00.39.H57",
            "--subtree",
            "--name",
            "Bảng điều khiển huyện Nam Đông",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A subtree needs an organization to be the root of.
    let out = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "viewer",
            "--subtree",
            "--name",
            "x",
        ],
    );
    assert!(!out.status.success());

    let out = run(&url, &["token", "list"]);
    let listing = text(&out.stdout);
    assert!(listing.contains("Quản trị hệ thống") && listing.contains("Phòng TN&MT Nam Đông"));
    let rows: Vec<Vec<&str>> = listing
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    // Organizations by code, with their scope.
    assert_eq!(&rows[1][2..4], ["000.03.39.H57", "organization"]);
    assert_eq!(&rows[2][2..4], ["000.00.39.H57", "subtree"]);
    assert_eq!(&rows[0][2..4], ["-", "-"]);
    assert!(!listing.contains(&admin), "tokens are never listed");
    let out = run(&url, &["token", "revoke", "2"]);
    assert!(out.status.success());
    let listing = text(&run(&url, &["token", "list"]).stdout);
    let revoked: Vec<&str> = listing
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(5).unwrap())
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

#[tokio::test]
async fn backup_copies_a_live_sqlite_database_and_the_copy_restores() {
    use sea_orm::{ConnectionTrait, Database};

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let first = run(
        &url,
        &["token", "create", "--role", "admin", "--name", "Quản trị"],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    let db = Database::connect(&url).await.unwrap();
    sharegraph::seed::demo::load(&db).await.unwrap();

    // Copied while a connection holds the database open.
    let copy = dir.path().join("sao-luu.db");
    let out = run(&url, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = run(&url, &["backup", copy.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    assert!(text(&again.stderr).contains("exists already"));

    // Changes after the backup are not in it; restoring is putting the copy in place.
    let later = run(
        &url,
        &[
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "Sau sao lưu",
        ],
    );
    assert!(later.status.success());
    db.close().await.unwrap();
    let restored = dir.path().join("restored.db");
    std::fs::copy(&copy, &restored).unwrap();
    let restored_url = format!("sqlite://{}?mode=rwc", restored.display());
    let tokens = text(&run(&restored_url, &["token", "list"]).stdout);
    assert!(
        tokens.contains("Quản trị") && !tokens.contains("Sau sao lưu"),
        "{tokens}"
    );
    let back = Database::connect(&restored_url).await.unwrap();
    let count = |sql: &'static str| {
        let back = &back;
        async move {
            back.query_one_raw(sea_orm::Statement::from_string(
                back.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM organizations").await, 23);
    assert!(count("SELECT COUNT(*) FROM audit_entries").await > 100);
    let verify = run(&restored_url, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));

    // PostgreSQL is backed up with pg_dump: the command says so before it connects (the URL
    // names a port where nothing listens, so a connection error would read differently).
    let pg = run(
        "postgres://postgres@127.0.0.1:9/test",
        &["backup", dir.path().join("pg.db").to_str().unwrap()],
    );
    assert!(!pg.status.success());
    assert!(
        text(&pg.stderr).contains("back up PostgreSQL with pg_dump"),
        "{}",
        text(&pg.stderr)
    );
    assert!(!dir.path().join("pg.db").exists());
}

#[tokio::test]
async fn migrating_a_sqlite_database_with_data_copies_it_first() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::Database;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    // A database one migration behind: migrated fully, then the newest migration undone.
    assert!(run(&url, &["migrate"]).status.success());
    let db = Database::connect(&url).await.unwrap();
    Migrator::down(&db, Some(1)).await.unwrap();
    let pending = Migrator::get_pending_migrations(&db).await.unwrap();
    let name = pending[0].name().to_owned();
    db.close().await.unwrap();

    assert!(run(&url, &["migrate"]).status.success());
    let copy = dir.path().join(format!("old.db.before-{name}.bak"));
    assert!(copy.exists(), "no copy at {}", copy.display());
    // The copy is the database as it was: still one migration behind.
    let before = Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&before)
            .await
            .unwrap()
            .len(),
        1
    );
    // A fresh database has nothing to keep: no copy.
    let fresh = dir.path().join("fresh.db");
    assert!(
        run(
            &format!("sqlite://{}?mode=rwc", fresh.display()),
            &["migrate"]
        )
        .status
        .success()
    );
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("fresh.db.before"))
            .count(),
        0
    );
}

#[tokio::test]
async fn a_postgres_database_restores_from_pg_dump_with_its_audit_chain_intact() {
    use sea_orm::{ConnectionTrait, Database};

    let Some(pg) = postgres_url() else {
        eprintln!("runs on PostgreSQL: set DATABASE_URL");
        return;
    };
    let (live, restored) = (
        format!("sg_backup_{}", std::process::id()),
        format!("sg_restore_{}", std::process::id()),
    );
    let live_url = fresh_pg_database(&pg, &live).await;
    let restored_url = fresh_pg_database(&pg, &restored).await;
    let config = sharegraph::config::Config::with_database(live_url.clone());
    let db = sharegraph::app::open_database(&config).await.unwrap();
    sharegraph::seed::demo::load(&db).await.unwrap();
    db.close().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("sharegraph.dump");
    let ok = Command::new("pg_dump")
        .args(["-Fc", "-f", dump.to_str().unwrap(), &live_url])
        .status()
        .unwrap();
    assert!(ok.success());
    let ok = Command::new("pg_restore")
        .args(["--no-owner", "-d", &restored_url, dump.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());

    let verify = run(&restored_url, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    let back = Database::connect(&restored_url).await.unwrap();
    let orgs = back
        .query_one_raw(sea_orm::Statement::from_string(
            back.get_database_backend(),
            "SELECT COUNT(*) FROM organizations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(orgs, 23);
    // The restored database takes new writes (its sequences came along).
    let token = run(
        &restored_url,
        &[
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "Sau khôi phục",
        ],
    );
    assert!(token.status.success(), "{}", text(&token.stderr));
    back.close().await.ok();
    for name in [&live, &restored] {
        drop_pg_database(&pg, name).await;
    }
}

/// `sharegraph export` writes what `sharegraph import` reads (CSV and XLSX); a file with bad
/// rows prints each with its line, column and reason, exits non-zero and changes nothing.
#[test]
fn inventory_export_and_import_round_trip_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("inv.db").display());
    let server = crate::process::start_with_args(&url, &["--demo"], &[]);
    drop(server);
    for name in ["kiem-ke.csv", "kiem-ke.xlsx"] {
        let file = dir.path().join(name);
        let out = run(&url, &["export", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).starts_with("exported "),
            "{}",
            text(&out.stdout)
        );
        let out = run(&url, &["import", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let said = text(&out.stdout);
        assert!(
            said.contains("0 items created, 0 updated"),
            "an unchanged catalogue round-trips: {said}"
        );
        // Export refuses to overwrite.
        assert!(
            !run(&url, &["export", file.to_str().unwrap()])
                .status
                .success()
        );
    }
    // One organization's part.
    let part = dir.path().join("phong-ld.csv");
    let out = run(
        &url,
        &[
            "export",
            part.to_str().unwrap(),
            "--org",
            "000.04.39.h57",
            "--lang",
            "en",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&part).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(
        rows.iter().all(|l| l.starts_with("000.04.39.H57,")),
        "{csv}"
    );
    assert!(
        std::fs::read_to_string(dir.path().join("kiem-ke.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .any(|l| !l.starts_with("000.04.39.H57,")),
        "the whole export holds other organizations' rows"
    );

    // A steward's edit: one item renamed, one added to an existing database. Import says
    // what it did, and the next export holds it.
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let first = reader.records().next().unwrap().unwrap();
    let name_at = header.iter().position(|c| c == "item_name").unwrap();
    let code_at = header.iter().position(|c| c == "item_code").unwrap();
    let renamed_code = first[code_at].to_owned();
    let change = dir.path().join("sua.csv");
    let mut writer = csv::Writer::from_path(&change).unwrap();
    writer.write_record(&header).unwrap();
    for (code, name) in [
        (renamed_code.as_str(), "Hồ sơ lao động đã sửa"),
        ("HO-SO-MOI", "Hồ sơ việc làm huyện Nam Đông"),
    ] {
        let mut cells: Vec<&str> = first.iter().collect();
        cells[code_at] = code;
        cells[name_at] = name;
        writer.write_record(&cells).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    // A dry run first: what would change, line by line, and nothing written.
    let out = run(&url, &["import", change.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains(&format!(
            "line 2: item {}/{renamed_code} would be updated (item_name)",
            &first[header.iter().position(|c| c == "database_code").unwrap()]
        )),
        "{said}"
    );
    assert!(said.contains("/HO-SO-MOI would be created"), "{said}");
    assert!(
        said.contains(
            "nothing written: 0 databases would be created, 0 updated; 1 items created, 1 updated"
        ),
        "{said}"
    );
    let unchanged = dir.path().join("chua-sua.csv");
    let out = run(
        &url,
        &[
            "export",
            unchanged.to_str().unwrap(),
            "--org",
            "000.04.39.H57",
            "--lang",
            "en",
        ],
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&unchanged).unwrap(), csv);
    let out = run(&url, &["import", change.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 items created, 1 updated"),
        "{}",
        text(&out.stdout)
    );
    let after = dir.path().join("sau-sua.csv");
    assert!(
        run(
            &url,
            &[
                "export",
                after.to_str().unwrap(),
                "--org",
                "000.04.39.H57",
                "--lang",
                "en"
            ]
        )
        .status
        .success()
    );
    let after = std::fs::read_to_string(&after).unwrap();
    assert_eq!(after.lines().count(), csv.lines().count() + 1, "{after}");
    assert!(
        after.contains(&format!(",{renamed_code},Hồ sơ lao động đã sửa,")),
        "{after}"
    );
    assert!(
        after.contains(",HO-SO-MOI,Hồ sơ việc làm huyện Nam Đông,"),
        "{after}"
    );

    let bad = dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        "organization_code,database_code,database_name,database_kind,item_code,item_name,mode_public\n\
         000.03.39.H57,H57-MOI,Cơ sở dữ liệu mới,LOCAL,A,Hạng mục,DEFAULT\n\
         000.03.39.H57,H57-MOI,Cơ sở dữ liệu mới,SOMEWHERE,B,,\n",
    )
    .unwrap();
    let out = run(&url, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("line 2, mode_public: the public (PUBLIC) can only be given OPEN data"),
        "{said}"
    );
    assert!(
        said.contains("line 3, database_kind: \"SOMEWHERE\" is not one of"),
        "{said}"
    );
    assert!(
        said.contains("line 3, item_name: item_name must not be empty"),
        "{said}"
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "error: 3 row error(s) in the inventory; nothing was imported"
    );
    // In the operator's language (SHAREGRAPH_LANG), the same lines in Vietnamese.
    let out = Command::new(env!("CARGO_BIN_EXE_sharegraph"))
        .args(["import", bad.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .env("SHAREGRAPH_LANG", "vi")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("dòng 2, cột mode_public: công chúng (PUBLIC) chỉ được dữ liệu mở (OPEN)"),
        "{said}"
    );
    assert!(
        said.contains("dòng 3, cột item_name: item_name không được để trống"),
        "{said}"
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "error: danh mục có 3 lỗi ở các dòng; chưa nhập gì"
    );
    let again = dir.path().join("sau.csv");
    assert!(
        run(&url, &["export", again.to_str().unwrap()])
            .status
            .success()
    );
    assert!(!std::fs::read_to_string(&again).unwrap().contains("H57-MOI"));
}

/// Each command shows only its own flags (and the five every command takes); the server's
/// many flags belong to `serve`, and given to another command they are refused.
#[test]
fn each_command_shows_and_takes_only_its_own_flags() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("help.db").display());
    let help = |args: &[&str]| {
        let out = run(&url, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let serve = help(&["serve", "--help"]);
    for flag in [
        "--listen",
        "--max-depth",
        "--frame-ancestors",
        "--demo",
        "--database-url",
    ] {
        assert!(serve.contains(flag), "serve --help lacks {flag}");
    }
    for command in [
        &["import", "--help"][..],
        &["export", "--help"],
        &["token", "create", "--help"],
        &["migrate", "--help"],
    ] {
        let shown = help(command);
        for flag in [
            "--listen",
            "--max-depth",
            "--frame-ancestors",
            "--cors-origins",
        ] {
            assert!(!shown.contains(flag), "{command:?} shows {flag}:\n{shown}");
        }
        for flag in ["--database-url", "--verbose", "--log"] {
            assert!(shown.contains(flag), "{command:?} lacks {flag}");
        }
        assert!(shown.lines().count() < 40, "{command:?}:\n{shown}");
    }
    assert!(help(&["import", "--help"]).contains("--dry-run"));
    assert!(help(&["export", "--help"]).contains("--lang"));
    let refused = run(&url, &["migrate", "--listen", "127.0.0.1:1"]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("unexpected argument '--listen'"));
}

/// One command of a shell example: the words after `sharegraph` (or `cargo run [--release]
/// --`), with optional `[...]` parts left out; `None` for a line that runs something else (the
/// test suite, an example binary, `createdb`), starts the server (the process tests cover
/// `serve`), or holds a placeholder (`sg_...`).
fn sharegraph_command(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            // A comment, or a redirection or pipe: the shell's, not the command's.
            '#' | '>' | '|' if !quoted && word.is_empty() => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    let mut rest = words
        .iter()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .map(String::as_str);
    let args: Vec<&str> = match rest.next()? {
        "sharegraph" => rest.collect(),
        "cargo" => {
            let before: Vec<&str> = rest.by_ref().take_while(|w| *w != "--").collect();
            if before.first() != Some(&"run") || before.contains(&"--example") {
                return None;
            }
            rest.collect()
        }
        _ => return None,
    };
    // `[--org X]`: an optional part, left out.
    let mut out = Vec::new();
    let mut optional = false;
    for a in args {
        if a.starts_with('[') {
            optional = true;
        }
        if !optional {
            out.push(a.to_owned());
        }
        if a.ends_with(']') {
            optional = false;
        }
    }
    let runnable = !out.is_empty() && out[0] != "serve" && !out.iter().any(|a| a.contains("..."));
    runnable.then_some(out)
}

/// Every `sharegraph` command in the shell examples of README.md and docs/ runs as written
/// (against the demo catalogue, each block in a fresh working directory, in the order written)
/// and succeeds.
#[test]
fn every_command_line_example_in_the_docs_runs() {
    let files = crate::docs::files();

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("docs.db").display());
    assert!(run(&url, &["migrate"]).status.success());
    // The demo catalogue, loaded by the server, which is then stopped.
    drop(crate::process::start_with_args(&url, &["--demo"], &[]));

    let mut ran = Vec::new();
    for file in &files {
        let markdown = std::fs::read_to_string(file).unwrap();
        let mut block: Option<Vec<Vec<String>>> = None;
        for line in markdown.lines() {
            match (&mut block, line.trim_start()) {
                (None, l) if l.starts_with("```sh") => block = Some(Vec::new()),
                (Some(_), l) if l.starts_with("```") => {
                    let commands = block.take().unwrap();
                    let cwd = tempfile::tempdir().unwrap();
                    for args in commands {
                        let out = Command::new(env!("CARGO_BIN_EXE_sharegraph"))
                            .args(&args)
                            .current_dir(cwd.path())
                            .env("DATABASE_URL", &url)
                            .env("SHAREGRAPH_LOG", "error")
                            .output()
                            .expect("run sharegraph");
                        assert!(
                            out.status.success(),
                            "{}: `sharegraph {}` failed: {}",
                            file.display(),
                            args.join(" "),
                            text(&out.stderr)
                        );
                        ran.push(args.join(" "));
                    }
                }
                (Some(commands), l) => commands.extend(sharegraph_command(l)),
                (None, _) => {}
            }
        }
    }
    // The token commands of README and security.md, export and import, export-schema.
    assert!(
        ran.len() >= 10,
        "only {} commands found: {ran:?}",
        ran.len()
    );
    for kind in [
        "token create",
        "token list",
        "token revoke",
        "export ",
        "import ",
    ] {
        assert!(
            ran.iter().any(|c| c.starts_with(kind)),
            "no `{kind}` in {ran:?}"
        );
    }
}

#[test]
fn shell_lines_are_read_as_a_shell_would() {
    let words = |l: &str| sharegraph_command(l).map(|w| w.join("|"));
    assert_eq!(
        words(
            r#"sharegraph token create --role viewer  --org 000.04.39.H57 --name "Bảng điều khiển" # note"#
        ),
        Some("token|create|--role|viewer|--org|000.04.39.H57|--name|Bảng điều khiển".into())
    );
    assert_eq!(
        words("cargo run --release -- token list"),
        Some("token|list".into())
    );
    assert_eq!(
        words("sharegraph export kiem-ke.xlsx [--org 000.03.39.H57] [--lang en]   # or .csv"),
        Some("export|kiem-ke.xlsx".into())
    );
    assert_eq!(
        words("cargo run -- export-schema > schema.graphql   # after changing it"),
        Some("export-schema".into())
    );
    assert_eq!(words("cargo run --release -- serve --demo"), None);
    assert_eq!(
        words("SHAREGRAPH_TOKEN=sg_... cargo run --example portal_widget -- X"),
        None
    );
    assert_eq!(words("DATABASE_URL=postgres://x cargo test"), None);
    assert_eq!(words("createdb sharegraph"), None);
}
